"""`stream_message`: a streaming message as a (async) context manager.

`StreamCore` holds the state and builds every request, so `MessageStream` (sync) and
`AsyncMessageStream` only send them, like the clients do with `_calls`.
"""

import contextlib
from collections.abc import Awaitable, Mapping
from types import TracebackType
from typing import Any, Callable, Optional, Union

from . import _calls
from ._calls import NOT_GIVEN, Actor, Call, FinalStatus, NotGiven
from ._ids import new_id
from .models import Message, NewMessage


class StreamCore:
    """What a stream knows: where its message is, the last state the server returned, and
    whether it was finalized."""

    def __init__(
        self,
        actor: Actor,
        thread_id: str,
        *,
        role: Optional[str],
        body: Any,
        metadata: Optional[Mapping[str, Any]],
        id: Optional[str],
    ) -> None:
        self.actor = actor
        self.thread_id = thread_id
        new: NewMessage = {"body": {"text": ""} if body is None else body, "status": "streaming"}
        if role is not None:
            new["role"] = role
        if metadata is not None:
            new["metadata"] = dict(metadata)
        # The client id is fixed here, so a retried create cannot make a second message.
        new["id"] = id if id is not None else new_id()
        self.new_message = new
        self._message: Optional[Message] = None
        self.finalized = False

    @property
    def message(self) -> Message:
        if self._message is None:
            raise RuntimeError("The stream has not started: use it in a `with` block.")
        return self._message

    def keep(self, message: Message) -> Message:
        self._message = message
        return message

    def create(self) -> Call[Message]:
        if self._message is not None:
            raise RuntimeError("This stream has already been started.")
        return _calls.create_thread_message(self.actor, self.thread_id, self.new_message)

    def append(
        self,
        *,
        text: Optional[str] = None,
        delta: Optional[Mapping[str, Any]] = None,
        body: Any = None,
    ) -> Call[Message]:
        self._check_open()
        return _calls.append_to_message(
            self.actor, self.thread_id, self.message["id"], text=text, delta=delta, body=body
        )

    def finalize(
        self,
        *,
        status: FinalStatus,
        body: Any,
        metadata: Union[Mapping[str, Any], NotGiven],
    ) -> Call[Message]:
        self._check_open()
        call = _calls.finalize_message(
            self.actor,
            self.thread_id,
            self.message["id"],
            status=status,
            body=body,
            metadata=metadata,
        )
        # Marked before sending: whatever the outcome, the context manager must not finalize
        # again (a second finalize after an unknown outcome would only be a 409).
        self.finalized = True
        return call

    def _check_open(self) -> None:
        # Only "started" is checked here: whether the message is still streaming is the
        # server's to say (409 MESSAGE_NOT_STREAMING), e.g. after an idle abort.
        if self._message is None:
            raise RuntimeError("The stream has not started: use it in a `with` block.")


class MessageStream:
    """A streaming message (sync); see `ProgressDB.stream_message`.

    On entering, the message is created with status `streaming`; on leaving, it is finalized
    (status `final`) unless `finalize()` was called, or finalized as `aborted` when the block
    raised (the exception propagates).
    """

    def __init__(self, send: Callable[[Call[Message]], Message], core: StreamCore) -> None:
        self._send = send
        self._core = core

    @property
    def id(self) -> str:
        """The message id (known before the message is created)."""
        return str(self._core.new_message["id"])

    @property
    def thread_id(self) -> str:
        return self._core.thread_id

    @property
    def message(self) -> Message:
        """The message as the server last returned it."""
        return self._core.message

    @property
    def finalized(self) -> bool:
        return self._core.finalized

    def start(self) -> Message:
        """Creates the streaming message (done by `with`)."""
        return self._core.keep(self._send(self._core.create()))

    def append(self, text: str) -> Message:
        """Appends `text` to the message's text (a string body, or `body.text`)."""
        return self._core.keep(self._send(self._core.append(text=text)))

    def append_delta(self, delta: Mapping[str, Any]) -> Message:
        """Merges `delta` into an object body; strings join the existing string of the key."""
        return self._core.keep(self._send(self._core.append(delta=delta)))

    def replace(self, body: Any) -> Message:
        """Replaces the whole body while streaming (not a version)."""
        if body is None:
            raise ValueError("replace: body must not be None.")
        return self._core.keep(self._send(self._core.append(body=body)))

    def finalize(
        self,
        *,
        body: Any = NOT_GIVEN,
        metadata: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        status: FinalStatus = "final",
    ) -> Message:
        """Closes the stream: one new version, status `final` (or `aborted`)."""
        call = self._core.finalize(status=status, body=body, metadata=metadata)
        return self._core.keep(self._send(call))

    def abort(self) -> Message:
        """Closes the stream as `aborted`."""
        return self.finalize(status="aborted")

    def __enter__(self) -> "MessageStream":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._core.finalized:
            return
        if exc is None:
            self.finalize()
            return
        # The block's own exception is what the caller needs to see, not a failed abort.
        with contextlib.suppress(Exception):
            self.abort()


class AsyncMessageStream:
    """A streaming message (asyncio); see `AsyncProgressDB.stream_message`.

    On entering, the message is created with status `streaming`; on leaving, it is finalized
    (status `final`) unless `finalize()` was called, or finalized as `aborted` when the block
    raised (the exception propagates).
    """

    def __init__(
        self, send: Callable[[Call[Message]], Awaitable[Message]], core: StreamCore
    ) -> None:
        self._send = send
        self._core = core

    @property
    def id(self) -> str:
        """The message id (known before the message is created)."""
        return str(self._core.new_message["id"])

    @property
    def thread_id(self) -> str:
        return self._core.thread_id

    @property
    def message(self) -> Message:
        """The message as the server last returned it."""
        return self._core.message

    @property
    def finalized(self) -> bool:
        return self._core.finalized

    async def start(self) -> Message:
        """Creates the streaming message (done by `async with`)."""
        return self._core.keep(await self._send(self._core.create()))

    async def append(self, text: str) -> Message:
        """Appends `text` to the message's text (a string body, or `body.text`)."""
        return self._core.keep(await self._send(self._core.append(text=text)))

    async def append_delta(self, delta: Mapping[str, Any]) -> Message:
        """Merges `delta` into an object body; strings join the existing string of the key."""
        return self._core.keep(await self._send(self._core.append(delta=delta)))

    async def replace(self, body: Any) -> Message:
        """Replaces the whole body while streaming (not a version)."""
        if body is None:
            raise ValueError("replace: body must not be None.")
        return self._core.keep(await self._send(self._core.append(body=body)))

    async def finalize(
        self,
        *,
        body: Any = NOT_GIVEN,
        metadata: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        status: FinalStatus = "final",
    ) -> Message:
        """Closes the stream: one new version, status `final` (or `aborted`)."""
        call = self._core.finalize(status=status, body=body, metadata=metadata)
        return self._core.keep(await self._send(call))

    async def abort(self) -> Message:
        """Closes the stream as `aborted`."""
        return await self.finalize(status="aborted")

    async def __aenter__(self) -> "AsyncMessageStream":
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._core.finalized:
            return
        if exc is None:
            await self.finalize()
            return
        # The block's own exception is what the caller needs to see, not a failed abort.
        with contextlib.suppress(Exception):
            await self.abort()

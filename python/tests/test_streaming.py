"""Streamed messages: `append_to_message`, `finalize_message` and `stream_message`, each with
the sync and the async client (the async stream is driven through `BridgedStream`)."""

import asyncio
from types import TracebackType
from typing import Any, Callable, Optional

import pytest

from progressdb import (
    AsyncMessageStream,
    AsyncProgressDB,
    ConflictError,
    Message,
    MessageStream,
    ProgressDB,
    _calls,
)
from progressdb._calls import Actor
from server_process import KEYS, ServerProcess


class BridgedStream:
    """An AsyncMessageStream used from sync code, on the bridge's event loop."""

    def __init__(self, stream: AsyncMessageStream, loop: asyncio.AbstractEventLoop) -> None:
        self._stream = stream
        self._loop = loop

    def __enter__(self) -> "BridgedStream":
        self._loop.run_until_complete(self._stream.__aenter__())
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._loop.run_until_complete(self._stream.__aexit__(exc_type, exc, tb))

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._stream, name)
        if not callable(attr):
            return attr
        return lambda *args, **kwargs: self._loop.run_until_complete(attr(*args, **kwargs))


def stream(db: Any, thread_id: str, **options: Any) -> Any:
    """`db.stream_message(...)`, bridged when `db` is an async client."""
    s = db.stream_message(thread_id, **options)
    if isinstance(s, AsyncMessageStream):
        return BridgedStream(s, db._loop)
    assert isinstance(s, MessageStream)
    return s


class BoomError(Exception):
    pass


def test_many_appends_make_one_final_version(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    tokens = [f"tok{i} " for i in range(300)]
    with stream(db, thread_id, user_id=user) as s:
        assert s.message["status"] == "streaming"
        assert s.message["role"] == "assistant"
        assert s.message["version"] == 1
        for token in tokens:
            s.append(token)
    assert s.finalized
    assert s.message["status"] == "final"

    message = db.get_thread_message(thread_id, s.id, user_id=user)
    assert message["body"] == {"text": "".join(tokens)}
    assert message["status"] == "final"
    assert message["version"] == 2
    assert message["author"] == user
    versions = db.list_message_versions(thread_id, s.id, user_id=user)
    assert len(versions) == 2
    assert versions[-1]["body"] == {"text": "".join(tokens)}


def test_exception_in_block_aborts_and_propagates(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    opened: list[Any] = []

    def generate() -> None:
        with stream(db, thread_id, user_id=user) as s:
            opened.append(s)
            s.append("partial")
            raise BoomError("model crashed")

    with pytest.raises(BoomError, match="model crashed"):
        generate()
    s = opened[0]
    message = db.get_thread_message(thread_id, s.id, user_id=user)
    assert message["status"] == "aborted"
    assert message["body"] == {"text": "partial"}


def test_delta_replace_and_explicit_finalize(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    start = {"text": "", "reasoning": ""}
    with stream(db, thread_id, body=start, metadata={"model": "m1"}, user_id=user) as s:
        s.append_delta({"reasoning": "think"})
        s.append_delta({"reasoning": "ing", "step": 1})
        s.append("Hi")
        assert s.message["body"] == {"text": "Hi", "reasoning": "thinking", "step": 1}
        s.replace({"text": "rewritten"})
        assert s.message["body"] == {"text": "rewritten"}
        done = s.finalize(body={"text": "final words"}, metadata={"model": "m2"})
        assert done["status"] == "final"
    # Finalized inside the block: leaving it sends nothing more.
    message = db.get_thread_message(thread_id, s.id, user_id=user)
    assert message["body"] == {"text": "final words"}
    assert message["metadata"] == {"model": "m2"}
    assert message["version"] == 2
    assert len(db.list_message_versions(thread_id, s.id, user_id=user)) == 2


def test_append_after_finalize_is_a_conflict(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    with stream(db, thread_id, user_id=user) as s:
        s.append("done")
    with pytest.raises(ConflictError) as conflict:
        s.append("more")
    assert conflict.value.code == "MESSAGE_NOT_STREAMING"
    with pytest.raises(ConflictError) as again:
        db.append_to_message(thread_id, s.id, text="more", user_id=user)
    assert again.value.code == "MESSAGE_NOT_STREAMING"
    with pytest.raises(ConflictError) as refinalize:
        db.finalize_message(thread_id, s.id, user_id=user)
    assert refinalize.value.code == "MESSAGE_NOT_STREAMING"


def test_mid_stream_reads_show_partial_text(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    with stream(db, thread_id, user_id=user) as s:
        s.append("Hel")
        s.append("lo")
        partial = db.get_thread_message(thread_id, s.id, user_id=user)
        assert partial["body"] == {"text": "Hello"}
        assert partial["status"] == "streaming"
        assert partial["version"] == 1
        listed = db.list_thread_messages(thread_id, user_id=user)["messages"]
        assert [m["body"] for m in listed] == [{"text": "Hello"}]
        s.append(", world")
    final = db.get_thread_message(thread_id, s.id, user_id=user)
    assert final["body"] == {"text": "Hello, world"}


def test_scoped_client_streams_without_user_id(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    alice = db.for_user(user)
    with stream(alice, thread_id, role="user", body="") as s:
        s.append("typed ")
        s.append("live")
    message = alice.get_thread_message(thread_id, s.id)
    assert message["author"] == user
    assert message["role"] == "user"
    assert message["body"] == "typed live"


def test_low_level_append_and_finalize(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    created = db.create_thread_message(
        thread_id, {"body": {"text": ""}, "status": "streaming"}, user_id=user
    )
    assert created["status"] == "streaming"
    grown = db.append_to_message(thread_id, created["id"], text="ab", user_id=user)
    assert grown["body"] == {"text": "ab"}
    grown = db.append_to_message(thread_id, created["id"], delta={"n": 1}, user_id=user)
    assert grown["body"] == {"text": "ab", "n": 1}
    grown = db.append_to_message(thread_id, created["id"], body="whole", user_id=user)
    assert grown["body"] == "whole"
    aborted = db.finalize_message(
        thread_id, created["id"], status="aborted", metadata={"why": "stop"}, user_id=user
    )
    assert aborted["status"] == "aborted"
    assert aborted["metadata"] == {"why": "stop"}
    assert aborted["version"] == 2


def test_append_needs_exactly_one_part(
    make_client: Callable[..., Any], new_id: Callable[[str], str]
) -> None:
    statuses: list[int] = []
    db = make_client(on_response=statuses.append)
    user, thread_id = new_id("u"), new_id("chat")
    with pytest.raises(ValueError, match="exactly one"):
        db.append_to_message(thread_id, "m", user_id=user)
    with pytest.raises(ValueError, match="exactly one"):
        db.append_to_message(thread_id, "m", text="a", body="b", user_id=user)
    with pytest.raises(ValueError, match="status"):
        db.finalize_message(thread_id, "m", status="done", user_id=user)
    assert statuses == []  # nothing was sent


def test_appends_are_not_retried_creates_are() -> None:
    actor = Actor("u1")
    append = _calls.append_to_message(actor, "t", "m", text="x", delta=None, body=None)
    assert append.json == {"text": "x"}
    assert append.path == "/frontend/v1/threads/t/messages/m/append"
    assert not append.retry_safe
    finalize = _calls.finalize_message(
        actor, "t", "m", status="final", body=_calls.NOT_GIVEN, metadata=_calls.NOT_GIVEN
    )
    assert finalize.json == {"status": "final"}
    assert not finalize.retry_safe
    create = _calls.create_thread_message(actor, "t", {"body": "", "status": "streaming"})
    assert create.retry_safe
    assert create.json["id"]


def test_sync_stream_typed(server: ServerProcess) -> None:
    with ProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        with db.for_user("stream-typed").stream_message("stream-typed-sync") as s:
            s.append("a")
            partial: Message = s.message
            assert partial["body"] == {"text": "a"}
        assert s.message["status"] == "final"


@pytest.mark.asyncio
async def test_async_with_stream(server: ServerProcess) -> None:
    async with AsyncProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        async with db.stream_message("stream-async", user_id="stream-async") as s:
            for word in ("one ", "two"):
                await s.append(word)
        final: Message = await db.get_thread_message("stream-async", s.id, user_id="stream-async")
        assert final["body"] == {"text": "one two"}
        assert final["status"] == "final"

        failed = db.stream_message("stream-async", user_id="stream-async")

        async def generate() -> None:
            async with failed:
                await failed.append("x")
                raise BoomError

        with pytest.raises(BoomError):
            await generate()
        aborted = await db.get_thread_message("stream-async", failed.id, user_id="stream-async")
        assert aborted["status"] == "aborted"

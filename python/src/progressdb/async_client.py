"""`AsyncProgressDB`: the asyncio client (httpx.AsyncClient).

It has the methods of `ProgressDB` as coroutines (the `iter_*` methods return async
iterators). Requests, parsing and the retry policy are shared with the sync client
(`_calls`, `_core`, `_pagination`); only sending and sleeping differ.
"""

import asyncio
import copy
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Optional, TypeVar, Union

import httpx

from . import _calls
from ._calls import NOT_GIVEN, Actor, Call, FinalStatus, NotGiven
from ._core import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_S, ClientCore, Durability
from ._pagination import Direction, EventWalk, MessageWalk, ThreadWalk, Walk
from ._streaming import AsyncMessageStream, StreamCore
from .errors import ProgressDBError
from .models import (
    ChatEvent,
    EventPage,
    Health,
    Message,
    MessagePage,
    MessageVersion,
    NewMessage,
    Participant,
    ParticipantRole,
    Stats,
    Thread,
    ThreadPage,
    ThreadSort,
)

T = TypeVar("T")
P = TypeVar("P")


class AsyncProgressDB:
    """The asyncio ProgressDB client; see `ProgressDB` for the parameters.

    Example::

        async with AsyncProgressDB(base_url="http://localhost:8080", api_key=key) as db:
            await db.create_thread_message("chat-1", {"body": {"text": "hi"}}, user_id="u1")
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: Union[float, httpx.Timeout] = DEFAULT_TIMEOUT_S,
        max_retries: int = DEFAULT_MAX_RETRIES,
        durability: Optional[Durability] = None,
        headers: Optional[Mapping[str, str]] = None,
        http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self._core = ClientCore(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            durability=durability,
            headers=headers,
        )
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)
        self._owns_http = http_client is None

    # --- lifecycle ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Closes the connection pool (not one passed in as `http_client`, nor a parent's)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncProgressDB":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    def for_user(self, user_id: str, *, signature: Optional[str] = None) -> "AsyncProgressDB":
        """A client acting as `user_id`, whose methods need no `user_id`; it shares this
        client's connection pool. With a frontend key, pass the user's `signature`.

        Example::

            alice = db.for_user("alice")
            await alice.create_thread(title="Trip")
        """
        scoped = copy.copy(self)
        scoped._core = copy.copy(self._core)
        scoped._core.actor = Actor(user_id, signature)
        scoped._owns_http = False
        return scoped

    # --- transport ------------------------------------------------------------------------

    async def _send(self, call: Call[T]) -> T:
        request = self._http.build_request(**self._core.request_args(call))
        attempt = 0
        # An attempt that may have been applied: reported over a later refusal.
        uncertain: Optional[ProgressDBError] = None
        while True:
            outcome = await self._attempt(request)
            delay, uncertain = self._core.next_attempt(call, attempt, outcome, uncertain)
            if delay is None:
                return self._core.conclude(call, outcome, uncertain)
            if isinstance(outcome, httpx.Response):
                await outcome.aclose()
            attempt += 1
            await asyncio.sleep(delay)

    async def _attempt(self, request: httpx.Request) -> Union[httpx.Response, httpx.TransportError]:
        try:
            return await self._http.send(request)
        except httpx.TransportError as error:
            return error

    async def _walk(self, walk: Walk[P, T]) -> AsyncIterator[T]:
        call = walk.next_call()
        while call is not None:
            for item in walk.take(await self._send(call)):
                yield item
            call = walk.next_call()

    def _actor(self, user_id: Optional[str]) -> Actor:
        return self._core.actor_for(user_id)

    # --- threads --------------------------------------------------------------------------

    async def create_thread(
        self,
        *,
        id: Optional[str] = None,
        title: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        participants: Optional[Mapping[str, ParticipantRole]] = None,
        user_id: Optional[str] = None,
    ) -> Thread:
        """Creates a thread owned by `user_id`. An `id` that exists and is readable returns
        that thread. Without `id` the SDK generates one, so a retry cannot duplicate it.

        Example::

            thread = await db.create_thread(title="Support #42", user_id="u1")
        """
        call = _calls.create_thread(
            self._actor(user_id), id=id, title=title, metadata=metadata, participants=participants
        )
        return await self._send(call)

    async def list_threads(
        self,
        *,
        limit: Optional[int] = None,
        before: Optional[str] = None,
        after: Optional[str] = None,
        sort_by: Optional[ThreadSort] = None,
        title: Optional[str] = None,
        include_deleted: bool = False,
        user_id: Optional[str] = None,
    ) -> ThreadPage:
        """One page of the user's threads, newest first (`sort_by` updated_ts or created_ts).

        Example::

            page = await db.list_threads(limit=20, user_id="u1")
            older = await db.list_threads(before=page["pagination"]["before_anchor"], user_id="u1")
        """
        call = _calls.list_threads(
            self._actor(user_id),
            limit=limit,
            before=before,
            after=after,
            sort_by=sort_by,
            title=title,
            include_deleted=include_deleted,
        )
        return await self._send(call)

    def iter_threads(
        self,
        *,
        page_size: Optional[int] = None,
        sort_by: Optional[ThreadSort] = None,
        title: Optional[str] = None,
        include_deleted: bool = False,
        user_id: Optional[str] = None,
    ) -> AsyncIterator[Thread]:
        """Every thread of the user, newest first, fetched page by page.

        Example::

            async for thread in db.iter_threads(user_id="u1"):
                print(thread["id"], thread["title"])
        """
        walk = ThreadWalk(
            self._actor(user_id),
            page_size=page_size,
            sort_by=sort_by,
            title=title,
            include_deleted=include_deleted,
        )
        return self._walk(walk)

    async def get_thread(
        self, thread_id: str, *, include_deleted: bool = False, user_id: Optional[str] = None
    ) -> Thread:
        """One thread, with the user's `unread_count`.

        Example::

            thread = await db.get_thread("chat-1", user_id="u1")
        """
        call = _calls.get_thread(self._actor(user_id), thread_id, include_deleted=include_deleted)
        return await self._send(call)

    async def update_thread(
        self,
        thread_id: str,
        *,
        title: Union[str, NotGiven, None] = NOT_GIVEN,
        metadata: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        user_id: Optional[str] = None,
    ) -> Thread:
        """Replaces the fields given (`title=None` clears the title).

        Example::

            await db.update_thread("chat-1", title="Renamed", user_id="u1")
        """
        call = _calls.update_thread(self._actor(user_id), thread_id, title=title, metadata=metadata)
        return await self._send(call)

    async def delete_thread(
        self, thread_id: str, *, hard: bool = False, user_id: Optional[str] = None
    ) -> Optional[Thread]:
        """Soft-deletes a thread and returns it; `hard=True` purges it and returns None.

        Example::

            await db.delete_thread("chat-1", user_id="u1")
        """
        return await self._send(_calls.delete_thread(self._actor(user_id), thread_id, hard=hard))

    async def restore_thread(self, thread_id: str, *, user_id: Optional[str] = None) -> Thread:
        """Undoes a soft delete.

        Example::

            await db.restore_thread("chat-1", user_id="u1")
        """
        return await self._send(_calls.restore_thread(self._actor(user_id), thread_id))

    # --- messages -------------------------------------------------------------------------

    async def create_thread_message(
        self, thread_id: str, message: NewMessage, *, user_id: Optional[str] = None
    ) -> Message:
        """Adds a message, creating the thread if it is new. Without `message["id"]` the SDK
        generates one, so a retried create never makes a duplicate.

        Example::

            m = await db.create_thread_message("chat-1", {"body": {"text": "hi"}, "role": "user"},
                                         user_id="u1")
        """
        call = _calls.create_thread_message(self._actor(user_id), thread_id, message)
        return await self._send(call)

    async def list_thread_messages(
        self,
        thread_id: str,
        *,
        limit: Optional[int] = None,
        before: Optional[str] = None,
        after: Optional[str] = None,
        anchor: Optional[str] = None,
        include_deleted: bool = False,
        include_ephemeral: bool = False,
        user_id: Optional[str] = None,
    ) -> MessagePage:
        """One page of messages in chronological order: the newest `limit` by default,
        older ones with `before=`, newer with `after=`, those around one with `anchor=`.
        Ephemeral messages are left out unless `include_ephemeral=True`.

        Example::

            page = await db.list_thread_messages("chat-1", limit=50, user_id="u1")
            if page["pagination"]["has_before"]:
                older = db.list_thread_messages(
                    "chat-1", before=page["pagination"]["before_anchor"], user_id="u1")
        """
        call = _calls.list_thread_messages(
            self._actor(user_id),
            thread_id,
            limit=limit,
            before=before,
            after=after,
            anchor=anchor,
            include_deleted=include_deleted,
            include_ephemeral=include_ephemeral,
        )
        return await self._send(call)

    def iter_messages(
        self,
        thread_id: str,
        *,
        direction: Direction = "older",
        page_size: Optional[int] = None,
        before: Optional[str] = None,
        after: Optional[str] = None,
        include_deleted: bool = False,
        include_ephemeral: bool = False,
        user_id: Optional[str] = None,
    ) -> AsyncIterator[Message]:
        """Every message of a thread, page by page. `older` (default) yields newest first,
        starting at the newest or just before `before`; `newer` yields oldest first,
        starting just after `after`, or at the first message (found by paging back first).
        Ephemeral messages are left out unless `include_ephemeral=True`.

        Example::

            async for m in db.iter_messages("chat-1", user_id="u1"):
                print(m["seq"], m["body"])
        """
        walk = MessageWalk(
            self._actor(user_id),
            thread_id,
            direction=direction,
            page_size=page_size,
            before=before,
            after=after,
            include_deleted=include_deleted,
            include_ephemeral=include_ephemeral,
        )
        return self._walk(walk)

    async def get_thread_message(
        self,
        thread_id: str,
        message_id: str,
        *,
        include_deleted: bool = False,
        user_id: Optional[str] = None,
    ) -> Message:
        """One message.

        Example::

            m = await db.get_thread_message("chat-1", message_id, user_id="u1")
        """
        call = _calls.get_thread_message(
            self._actor(user_id), thread_id, message_id, include_deleted=include_deleted
        )
        return await self._send(call)

    async def update_thread_message(
        self,
        thread_id: str,
        message_id: str,
        *,
        body: Any = NOT_GIVEN,
        metadata: Optional[Mapping[str, Any]] = None,
        if_version: Optional[int] = None,
        user_id: Optional[str] = None,
    ) -> Message:
        """Edits a message (a new version). With `if_version`, a stale version raises
        ConflictError (VERSION_CONFLICT) instead of overwriting someone else's edit.

        Example::

            m = await db.update_thread_message("chat-1", m["id"], body={"text": "fixed"},
                                         if_version=m["version"], user_id="u1")
        """
        call = _calls.update_thread_message(
            self._actor(user_id),
            thread_id,
            message_id,
            body=body,
            metadata=metadata,
            if_version=if_version,
        )
        return await self._send(call)

    async def delete_thread_message(
        self,
        thread_id: str,
        message_id: str,
        *,
        hard: bool = False,
        user_id: Optional[str] = None,
    ) -> Optional[Message]:
        """Soft-deletes a message and returns it; `hard=True` removes it with its versions
        and returns None.

        Example::

            await db.delete_thread_message("chat-1", message_id, user_id="u1")
        """
        call = _calls.delete_thread_message(self._actor(user_id), thread_id, message_id, hard=hard)
        return await self._send(call)

    async def restore_thread_message(
        self, thread_id: str, message_id: str, *, user_id: Optional[str] = None
    ) -> Message:
        """Undoes a soft delete.

        Example::

            await db.restore_thread_message("chat-1", message_id, user_id="u1")
        """
        call = _calls.restore_thread_message(self._actor(user_id), thread_id, message_id)
        return await self._send(call)

    async def list_message_versions(
        self,
        thread_id: str,
        message_id: str,
        *,
        include_deleted: bool = False,
        user_id: Optional[str] = None,
    ) -> list[MessageVersion]:
        """The edit history, oldest first; the last entry is the current version. A
        soft-deleted message's history needs `include_deleted=True`, as the message does.

        Example::

            versions = await db.list_message_versions("chat-1", message_id, user_id="u1")
        """
        call = _calls.list_message_versions(
            self._actor(user_id), thread_id, message_id, include_deleted=include_deleted
        )
        return await self._send(call)

    async def append_to_message(
        self,
        thread_id: str,
        message_id: str,
        *,
        text: Optional[str] = None,
        delta: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        user_id: Optional[str] = None,
    ) -> Message:
        """Grows a streaming message with exactly one of `text` (appended to the text),
        `delta` (merged into an object body; strings concatenate) or `body` (replaces it).
        Not a version, and not resent after an unknown outcome (an append is not idempotent).
        ConflictError (MESSAGE_NOT_STREAMING) once the message is final or aborted.

        Example::

            await db.append_to_message("chat-1", message_id, text="Hel", user_id="u1")
        """
        call = _calls.append_to_message(
            self._actor(user_id), thread_id, message_id, text=text, delta=delta, body=body
        )
        return await self._send(call)

    async def finalize_message(
        self,
        thread_id: str,
        message_id: str,
        *,
        status: FinalStatus = "final",
        body: Any = NOT_GIVEN,
        metadata: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
        user_id: Optional[str] = None,
    ) -> Message:
        """Closes a streaming message as `final` (or `aborted`), optionally with a final
        `body` / `metadata`: exactly one new version.

        Example::

            await db.finalize_message("chat-1", message_id, user_id="u1")
        """
        call = _calls.finalize_message(
            self._actor(user_id),
            thread_id,
            message_id,
            status=status,
            body=body,
            metadata=metadata,
        )
        return await self._send(call)

    def stream_message(
        self,
        thread_id: str,
        *,
        role: Optional[str] = "assistant",
        body: Any = None,
        metadata: Optional[Mapping[str, Any]] = None,
        id: Optional[str] = None,
        user_id: Optional[str] = None,
    ) -> AsyncMessageStream:
        """A message written piece by piece, as a context manager: entering creates it with
        status `streaming` (body `{"text": ""}` unless given); leaving finalizes it, or
        finalizes it as `aborted` when the block raises (the exception propagates).

        Example::

            async with db.stream_message("chat-1", user_id="u1") as s:
                for token in tokens:
                    await s.append(token)
        """
        core = StreamCore(
            self._actor(user_id), thread_id, role=role, body=body, metadata=metadata, id=id
        )
        return AsyncMessageStream(self._send, core)

    async def add_reaction(
        self, thread_id: str, message_id: str, emoji: str, *, user_id: Optional[str] = None
    ) -> Message:
        """Adds the user's reaction (idempotent) and returns the message.

        Example::

            await db.add_reaction("chat-1", message_id, "👍", user_id="u1")
        """
        call = _calls.set_reaction(self._actor(user_id), thread_id, message_id, emoji, present=True)
        return await self._send(call)

    async def remove_reaction(
        self, thread_id: str, message_id: str, emoji: str, *, user_id: Optional[str] = None
    ) -> Message:
        """Removes the user's reaction (idempotent) and returns the message.

        Example::

            await db.remove_reaction("chat-1", message_id, "👍", user_id="u1")
        """
        call = _calls.set_reaction(
            self._actor(user_id), thread_id, message_id, emoji, present=False
        )
        return await self._send(call)

    # --- participants, read markers, events -----------------------------------------------

    async def list_participants(
        self, thread_id: str, *, user_id: Optional[str] = None
    ) -> list[Participant]:
        """The participants and their roles.

        Example::

            await db.list_participants("chat-1", user_id="u1")
        """
        return await self._send(_calls.list_participants(self._actor(user_id), thread_id))

    async def add_participant(
        self,
        thread_id: str,
        participant_id: str,
        *,
        role: Optional[ParticipantRole] = None,
        user_id: Optional[str] = None,
    ) -> list[Participant]:
        """Adds `participant_id` (role `member` by default) or changes their role.

        Example::

            await db.add_participant("chat-1", "bob", role="viewer", user_id="u1")
        """
        call = _calls.add_participant(self._actor(user_id), thread_id, participant_id, role=role)
        return await self._send(call)

    async def remove_participant(
        self, thread_id: str, participant_id: str, *, user_id: Optional[str] = None
    ) -> list[Participant]:
        """Removes `participant_id` (anyone may remove themselves).

        Example::

            await db.remove_participant("chat-1", "bob", user_id="u1")
        """
        call = _calls.remove_participant(self._actor(user_id), thread_id, participant_id)
        return await self._send(call)

    async def mark_read(
        self, thread_id: str, message_id: str, *, user_id: Optional[str] = None
    ) -> Thread:
        """Moves the user's read marker forward; returns the thread with `unread_count`.

        Example::

            await db.mark_read("chat-1", last_seen_id, user_id="u1")
        """
        return await self._send(_calls.mark_read(self._actor(user_id), thread_id, message_id))

    async def list_events(
        self,
        thread_id: str,
        *,
        since: int = 0,
        limit: Optional[int] = None,
        user_id: Optional[str] = None,
    ) -> EventPage:
        """The change log after change number `since`, oldest first.

        Example::

            page = await db.list_events("chat-1", since=0, user_id="u1")
            more = await db.list_events("chat-1", since=page["next_since"], user_id="u1")
        """
        call = _calls.list_events(self._actor(user_id), thread_id, since=since, limit=limit)
        return await self._send(call)

    def iter_events(
        self, thread_id: str, *, since: int = 0, user_id: Optional[str] = None
    ) -> AsyncIterator[ChatEvent]:
        """Every event after `since`, following `next_since` until caught up.

        Example::

            async for event in db.iter_events("chat-1", user_id="u1"):
                if event["type"] == "message.created":
                    print(event["message_id"])
        """
        return self._walk(EventWalk(self._actor(user_id), thread_id, since=since))

    # --- backend and admin ----------------------------------------------------------------

    async def sign_user(self, user_id: str, expires_in_s: Optional[int] = None) -> str:
        """A user signature for frontend use (backend key); expiring with `expires_in_s`.

        Example::

            signature = await db.sign_user("u1", expires_in_s=3600)
        """
        return await self._send(_calls.sign_user(user_id, expires_in_s=expires_in_s))

    async def admin_health(self) -> Health:
        """`{status, version, ready}` (admin key).

        Example::

            (await admin.admin_health())["ready"]
        """
        return await self._send(_calls.admin_health())

    async def admin_stats(self) -> Stats:
        """Stored item counts, bytes on disk and process figures (admin key).

        Example::

            (await admin.admin_stats())["store"]["messages"]
        """
        return await self._send(_calls.admin_stats())

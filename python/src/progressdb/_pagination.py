"""Walks over pages as small state machines: which call comes next, which items a page yields.

The clients drive them (`for`/`async for`), so the cursor logic exists once for both.
Cursors are the `before_anchor`/`after_anchor` of each page (docs/api.md, "Pagination"): they
name positions, so a walk has no gaps or duplicates while messages are added or edited.
"""

from typing import Any, Generic, Literal, Optional, TypeVar

from . import _calls
from ._calls import Actor, Call
from .models import ChatEvent, EventPage, Message, MessagePage, Thread, ThreadPage, ThreadSort

P = TypeVar("P")
T = TypeVar("T")

Direction = Literal["older", "newer"]


class Walk(Generic[P, T]):
    """`next_call()` is the request to make (None when done); `take(page)` the items it yields."""

    def __init__(self, first: Call[P]) -> None:
        self._next: Optional[Call[P]] = first

    def next_call(self) -> Optional[Call[P]]:
        return self._next

    def take(self, page: P) -> list[T]:
        raise NotImplementedError


class MessageWalk(Walk[MessagePage, Message]):
    """Messages one by one: `older` from the newest back (newest first), `newer` forwards.

    `newer` without `after` starts at the oldest message, which the API has no cursor for: the
    walk first pages back to the start (yielding nothing), then forwards from there.
    """

    def __init__(
        self,
        actor: Actor,
        thread_id: str,
        *,
        direction: Direction,
        page_size: Optional[int],
        before: Optional[str],
        after: Optional[str],
        include_deleted: bool,
        include_ephemeral: bool = False,
    ) -> None:
        if direction not in ("older", "newer"):
            raise ValueError("direction must be 'older' or 'newer'.")
        if direction == "older" and after is not None:
            raise ValueError("direction='older' starts at before=<message id>, not after=.")
        if direction == "newer" and before is not None:
            raise ValueError("direction='newer' starts at after=<message id>, not before=.")
        self._actor = actor
        self._thread_id = thread_id
        self._page_size = page_size
        self._include_deleted = include_deleted
        self._include_ephemeral = include_ephemeral
        self._phase: Literal["older", "locate", "newer"] = direction
        if direction == "newer" and after is None:
            self._phase = "locate"
        super().__init__(self._call(before=before, after=after))

    def _call(
        self, *, before: Optional[str] = None, after: Optional[str] = None
    ) -> Call[MessagePage]:
        return _calls.list_thread_messages(
            self._actor,
            self._thread_id,
            limit=self._page_size,
            before=before,
            after=after,
            anchor=None,
            include_deleted=self._include_deleted,
            include_ephemeral=self._include_ephemeral,
        )

    def take(self, page: MessagePage) -> list[Message]:
        pagination = page["pagination"]
        if self._phase == "older":
            more = pagination["has_before"] and pagination["before_anchor"] is not None
            self._next = self._call(before=pagination["before_anchor"]) if more else None
            return list(reversed(page["messages"]))
        if self._phase == "locate":
            if pagination["has_before"] and pagination["before_anchor"] is not None:
                self._next = self._call(before=pagination["before_anchor"])
                return []
            self._phase = "newer"
        more = pagination["has_after"] and pagination["after_anchor"] is not None
        self._next = self._call(after=pagination["after_anchor"]) if more else None
        return list(page["messages"])


class ThreadWalk(Walk[ThreadPage, Thread]):
    """The caller's threads, newest first by `sort_by`, following `before_anchor`."""

    def __init__(
        self,
        actor: Actor,
        *,
        page_size: Optional[int],
        sort_by: Optional[ThreadSort],
        title: Optional[str],
        include_deleted: bool,
    ) -> None:
        self._query: dict[str, Any] = {
            "limit": page_size,
            "after": None,
            "sort_by": sort_by,
            "title": title,
            "include_deleted": include_deleted,
        }
        self._actor = actor
        super().__init__(_calls.list_threads(actor, before=None, **self._query))

    def take(self, page: ThreadPage) -> list[Thread]:
        pagination = page["pagination"]
        more = pagination["has_before"] and pagination["before_anchor"] is not None
        self._next = (
            _calls.list_threads(self._actor, before=pagination["before_anchor"], **self._query)
            if more
            else None
        )
        return list(page["threads"])


class EventWalk(Walk[EventPage, ChatEvent]):
    """The change log after `since`, oldest first, following `next_since` while `has_more`."""

    def __init__(self, actor: Actor, thread_id: str, *, since: int) -> None:
        self._actor = actor
        self._thread_id = thread_id
        super().__init__(_calls.list_events(actor, thread_id, since=since, limit=None))

    def take(self, page: EventPage) -> list[ChatEvent]:
        self._next = (
            _calls.list_events(self._actor, self._thread_id, since=page["next_since"], limit=None)
            if page["has_more"]
            else None
        )
        return list(page["events"])

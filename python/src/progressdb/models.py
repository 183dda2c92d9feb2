"""Typed results: the wire shapes of packages/protocol, as TypedDicts.

They are plain dicts at run time (exactly the JSON the server sent), typed for mypy and
editors. tests/test_models.py compares every class here with the server's /openapi.json, so
a field added to or removed from the protocol fails the suite until this file follows.

Optional keys use a `total=False` subclass of a required base (not `NotRequired`), so the
module needs nothing beyond the standard library of Python 3.9.
"""

from typing import Any, Literal, Optional, TypedDict, Union

ParticipantRole = Literal["owner", "member", "viewer"]
MessageStatus = Literal["final", "streaming", "aborted"]
ThreadSort = Literal["updated_ts", "created_ts"]


class MessageSummary(TypedDict):
    """The `last_message` of a thread."""

    id: str
    author: str
    role: str
    created_ts: int


class _ThreadFields(TypedDict):
    id: str
    key: str
    title: Optional[str]
    metadata: dict[str, Any]
    author: str
    participants: dict[str, ParticipantRole]
    created_ts: int
    updated_ts: int
    last_message: Optional[MessageSummary]
    message_count: int
    last_change: int
    deleted: bool
    deleted_ts: Optional[int]


class Thread(_ThreadFields, total=False):
    """A thread. `unread_count` is present on reads made as a user."""

    unread_count: int


class Message(TypedDict):
    """A message; `body` is whatever JSON value it was created with."""

    id: str
    key: str
    thread: str
    seq: int
    author: str
    role: str
    body: Any
    reply_to: Optional[str]
    metadata: dict[str, Any]
    reactions: dict[str, list[str]]
    version: int
    editor: str
    change: int
    status: MessageStatus
    ephemeral: bool
    expires_ts: Optional[int]
    created_ts: int
    updated_ts: int
    deleted: bool
    deleted_ts: Optional[int]


class MessageVersion(TypedDict):
    """One entry of a message's edit history."""

    version: int
    body: Any
    metadata: dict[str, Any]
    editor: str
    updated_ts: int


class Participant(TypedDict):
    user_id: str
    role: ParticipantRole


class Pagination(TypedDict):
    """Pass `before_anchor` as `before` for older items, `after_anchor` as `after` for newer."""

    before_anchor: Optional[str]
    after_anchor: Optional[str]
    has_before: bool
    has_after: bool
    count: int


class ThreadPage(TypedDict):
    threads: list[Thread]
    pagination: Pagination


class MessagePage(TypedDict):
    """Messages in chronological order, with the anchors of the neighbouring pages."""

    messages: list[Message]
    pagination: Pagination


class _NewMessageFields(TypedDict):
    body: Any


class NewMessage(_NewMessageFields, total=False):
    """What `create_thread_message` takes; `id` is generated when absent (safe retries)."""

    id: str
    role: str
    reply_to: Optional[str]
    metadata: dict[str, Any]
    status: Literal["final", "streaming"]
    ephemeral: bool
    ttl_ms: int


# --- change-log events: a union discriminated by `type` ------------------------------------


class _Envelope(TypedDict):
    change: int
    thread_id: str
    ts: int
    actor: str


class _ThreadCreated(_Envelope):
    type: Literal["thread.created"]


class ThreadCreatedEvent(_ThreadCreated, total=False):
    thread: Thread


class _ThreadUpdated(_Envelope):
    type: Literal["thread.updated"]


class ThreadUpdatedEvent(_ThreadUpdated, total=False):
    thread: Thread


class ThreadDeletedEvent(_Envelope):
    type: Literal["thread.deleted"]
    hard: bool


class _MessageCreated(_Envelope):
    type: Literal["message.created"]
    message_id: str


class MessageCreatedEvent(_MessageCreated, total=False):
    message: Message


class _MessageUpdated(_Envelope):
    type: Literal["message.updated"]
    message_id: str
    version: int


class MessageUpdatedEvent(_MessageUpdated, total=False):
    message: Message


class MessageDeletedEvent(_Envelope):
    type: Literal["message.deleted"]
    message_id: str
    hard: bool


class _MessageAppended(_Envelope):
    type: Literal["message.appended"]
    message_id: str


class MessageAppendedEvent(_MessageAppended, total=False):
    """Just what was appended: one of `text`, `delta`, `body` (not the whole message)."""

    text: str
    delta: dict[str, Any]
    body: Any


class _MessageFinalized(_Envelope):
    type: Literal["message.finalized"]
    message_id: str


class MessageFinalizedEvent(_MessageFinalized, total=False):
    message: Message


class ReactionAddedEvent(_Envelope):
    type: Literal["reaction.added"]
    message_id: str
    emoji: str
    user: str


class ReactionRemovedEvent(_Envelope):
    type: Literal["reaction.removed"]
    message_id: str
    emoji: str
    user: str


class ParticipantAddedEvent(_Envelope):
    type: Literal["participant.added"]
    user: str
    role: ParticipantRole


class ParticipantRemovedEvent(_Envelope):
    type: Literal["participant.removed"]
    user: str


class ReadUpdatedEvent(_Envelope):
    type: Literal["read.updated"]
    user: str
    message_id: str


ChatEvent = Union[
    ThreadCreatedEvent,
    ThreadUpdatedEvent,
    ThreadDeletedEvent,
    MessageCreatedEvent,
    MessageUpdatedEvent,
    MessageDeletedEvent,
    MessageAppendedEvent,
    MessageFinalizedEvent,
    ReactionAddedEvent,
    ReactionRemovedEvent,
    ParticipantAddedEvent,
    ParticipantRemovedEvent,
    ReadUpdatedEvent,
]
"""Any change-log event; narrow it on `event["type"]`."""


class EventPage(TypedDict):
    """Events after `since`; pass `next_since` as `since` to continue."""

    events: list[ChatEvent]
    next_since: int
    has_more: bool


# --- admin ----------------------------------------------------------------------------------


class Health(TypedDict):
    status: str
    version: str
    ready: bool


class Stats(TypedDict):
    """Stored item counts and process figures; the keys inside may grow between versions."""

    store: dict[str, int]
    process: dict[str, float]

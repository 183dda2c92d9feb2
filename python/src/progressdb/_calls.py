"""Every API operation as a `Call`: the request to send and the parser of its response.

Both clients (`ProgressDB` and `AsyncProgressDB`) build their requests here and differ only in
how they send them, so an operation is defined once for both transports.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Literal, Optional, TypeVar, Union, cast
from urllib.parse import quote

from ._ids import new_id
from .models import (
    EventPage,
    Health,
    Message,
    MessagePage,
    MessageVersion,
    Participant,
    ParticipantRole,
    Stats,
    Thread,
    ThreadPage,
    ThreadSort,
)

T = TypeVar("T")


class NotGiven:
    """The type of `NOT_GIVEN`: "leave this field as it is", distinct from None (JSON null)."""

    _instance: Optional["NotGiven"] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven()

# Leading and trailing HTTP whitespace, which fetch (so @progressdb/js) strips from headers.
_HTTP_WHITESPACE = " \t\r\n"
# A credential, once trimmed: printable ASCII (@progressdb/js checks the same).
_HEADER_SAFE = re.compile(r"[\x20-\x7e]+")


def credential(value: object, name: str) -> str:
    """A key, user id or signature as it is sent: trimmed as fetch trims header values (so a
    key read from a file with its newline works, as in the JS SDK), and refused, without
    quoting it, when it cannot be a header value at all."""
    text = value.strip(_HTTP_WHITESPACE) if isinstance(value, str) else ""
    if not _HEADER_SAFE.fullmatch(text):
        raise ValueError(f"{name} must be a non-empty string of printable ASCII characters.")
    return text


class BadBodyError(Exception):
    """A success response without the fields its operation returns (see `ClientCore.result`)."""


@dataclass(frozen=True)
class Actor:
    """The user a request acts as: `X-User-ID`, plus `X-User-Signature` for frontend keys.
    Both are trimmed and checked like the API key (see `credential`)."""

    user_id: str
    signature: Optional[str] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_id", credential(self.user_id, "user_id"))
        if self.signature is not None:
            object.__setattr__(self, "signature", credential(self.signature, "signature"))

    def headers(self) -> dict[str, str]:
        out = {"X-User-ID": self.user_id}
        if self.signature is not None:
            out["X-User-Signature"] = self.signature
        return out


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request of the API and how to read its answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    actor: Optional[Actor] = None
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    has_body: bool = False
    # May be sent again when the first outcome is unknown (no response, 502/503/504): reads,
    # creates that carry a client id, set-like writes (reactions, read markers, participants:
    # the same again changes nothing) and pure computations like signing. A 429 is retried
    # whatever the call.
    retry_safe: bool = False
    writes: bool = False


def _seg(value: str) -> str:
    """One path segment, percent-encoded so an id can never reach another route."""
    return quote(value, safe=":@")


def _thread_path(thread_id: str) -> str:
    return f"/frontend/v1/threads/{_seg(thread_id)}"


def _message_path(thread_id: str, message_id: str) -> str:
    return f"{_thread_path(thread_id)}/messages/{_seg(message_id)}"


def _query(**values: Union[str, int, bool, None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        out[name] = "true" if value is True else str(value)
    return out


def _compact(**values: Any) -> dict[str, Any]:
    """A JSON body of the fields that were given (NOT_GIVEN drops a field; None stays null)."""
    return {k: v for k, v in values.items() if not isinstance(v, NotGiven)}


def _field(body: Any, name: str) -> Any:
    if not isinstance(body, dict) or name not in body:
        raise BadBodyError(f"Unexpected response from the server: no `{name}` field.")
    return body[name]


def _thread(body: Any) -> Thread:
    return cast(Thread, _field(body, "thread"))


def _message(body: Any) -> Message:
    return cast(Message, _field(body, "message"))


def _participants(body: Any) -> list[Participant]:
    return cast(list[Participant], _field(body, "participants"))


def _page(name: str) -> Callable[[Any], Any]:
    def parse(body: Any) -> Any:
        _field(body, name)
        _field(body, "pagination")
        return body

    return parse


def _maybe(parse: Callable[[Any], T]) -> Callable[[Any], Optional[T]]:
    """For deletes: 200 with the item (soft) or 204 without a body (hard)."""
    return lambda body: None if body is None else parse(body)


# --- threads --------------------------------------------------------------------------------


def create_thread(
    actor: Actor,
    *,
    id: Optional[str],
    title: Optional[str],
    metadata: Optional[Mapping[str, Any]],
    participants: Optional[Mapping[str, ParticipantRole]],
) -> Call[Thread]:
    body = _compact(
        id=id if id is not None else new_id(),
        title=title if title is not None else NOT_GIVEN,
        metadata=dict(metadata) if metadata is not None else NOT_GIVEN,
        participants=dict(participants) if participants is not None else NOT_GIVEN,
    )
    return Call(
        "POST",
        "/frontend/v1/threads",
        _thread,
        actor,
        json=body,
        has_body=True,
        retry_safe=True,
        writes=True,
    )


def list_threads(
    actor: Actor,
    *,
    limit: Optional[int],
    before: Optional[str],
    after: Optional[str],
    sort_by: Optional[ThreadSort],
    title: Optional[str],
    include_deleted: bool,
) -> Call[ThreadPage]:
    params = _query(
        limit=limit,
        before=before,
        after=after,
        sort_by=sort_by,
        title=title,
        include_deleted=include_deleted,
    )
    return Call("GET", "/frontend/v1/threads", _page("threads"), actor, params, retry_safe=True)


def get_thread(actor: Actor, thread_id: str, *, include_deleted: bool) -> Call[Thread]:
    params = _query(include_deleted=include_deleted)
    return Call("GET", _thread_path(thread_id), _thread, actor, params, retry_safe=True)


def update_thread(
    actor: Actor,
    thread_id: str,
    *,
    title: Union[str, NotGiven, None],
    metadata: Union[Mapping[str, Any], NotGiven],
) -> Call[Thread]:
    body = _compact(
        title=title,
        metadata=metadata if isinstance(metadata, NotGiven) else dict(metadata),
    )
    return Call(
        "PATCH", _thread_path(thread_id), _thread, actor, json=body, has_body=True, writes=True
    )


def delete_thread(actor: Actor, thread_id: str, *, hard: bool) -> Call[Optional[Thread]]:
    params = _query(hard=hard)
    return Call("DELETE", _thread_path(thread_id), _maybe(_thread), actor, params, writes=True)


def restore_thread(actor: Actor, thread_id: str) -> Call[Thread]:
    return Call("POST", f"{_thread_path(thread_id)}/restore", _thread, actor, writes=True)


def list_events(
    actor: Actor, thread_id: str, *, since: int, limit: Optional[int]
) -> Call[EventPage]:
    def parse(body: Any) -> EventPage:
        _field(body, "events")
        _field(body, "next_since")
        return cast(EventPage, body)

    params = _query(since=since, limit=limit)
    return Call("GET", f"{_thread_path(thread_id)}/events", parse, actor, params, retry_safe=True)


# --- messages -------------------------------------------------------------------------------


def create_thread_message(
    actor: Actor, thread_id: str, message: Mapping[str, Any]
) -> Call[Message]:
    if "body" not in message:
        raise TypeError("create_thread_message: the message needs a `body` (any JSON value).")
    body = dict(message)
    if body.get("id") is None:
        body["id"] = new_id()
    return Call(
        "POST",
        f"{_thread_path(thread_id)}/messages",
        _message,
        actor,
        json=body,
        has_body=True,
        retry_safe=True,
        writes=True,
    )


def list_thread_messages(
    actor: Actor,
    thread_id: str,
    *,
    limit: Optional[int],
    before: Optional[str],
    after: Optional[str],
    anchor: Optional[str],
    include_deleted: bool,
    include_ephemeral: bool = False,
) -> Call[MessagePage]:
    params = _query(
        limit=limit,
        before=before,
        after=after,
        anchor=anchor,
        include_deleted=include_deleted,
        include_ephemeral=include_ephemeral,
    )
    path = f"{_thread_path(thread_id)}/messages"
    return Call("GET", path, _page("messages"), actor, params, retry_safe=True)


def get_thread_message(
    actor: Actor, thread_id: str, message_id: str, *, include_deleted: bool
) -> Call[Message]:
    params = _query(include_deleted=include_deleted)
    path = _message_path(thread_id, message_id)
    return Call("GET", path, _message, actor, params, retry_safe=True)


def update_thread_message(
    actor: Actor,
    thread_id: str,
    message_id: str,
    *,
    body: Any,
    metadata: Optional[Mapping[str, Any]],
    if_version: Optional[int],
) -> Call[Message]:
    payload = _compact(
        body=body,
        metadata=dict(metadata) if metadata is not None else NOT_GIVEN,
        if_version=if_version if if_version is not None else NOT_GIVEN,
    )
    path = _message_path(thread_id, message_id)
    return Call("PATCH", path, _message, actor, json=payload, has_body=True, writes=True)


def delete_thread_message(
    actor: Actor, thread_id: str, message_id: str, *, hard: bool
) -> Call[Optional[Message]]:
    path = _message_path(thread_id, message_id)
    return Call("DELETE", path, _maybe(_message), actor, _query(hard=hard), writes=True)


def restore_thread_message(actor: Actor, thread_id: str, message_id: str) -> Call[Message]:
    path = f"{_message_path(thread_id, message_id)}/restore"
    return Call("POST", path, _message, actor, writes=True)


def list_message_versions(
    actor: Actor, thread_id: str, message_id: str, *, include_deleted: bool = False
) -> Call[list[MessageVersion]]:
    def parse(body: Any) -> list[MessageVersion]:
        return cast(list[MessageVersion], _field(body, "versions"))

    path = f"{_message_path(thread_id, message_id)}/versions"
    params = _query(include_deleted=include_deleted)
    return Call("GET", path, parse, actor, params, retry_safe=True)


FinalStatus = Literal["final", "aborted"]


def append_to_message(
    actor: Actor,
    thread_id: str,
    message_id: str,
    *,
    text: Optional[str],
    delta: Optional[Mapping[str, Any]],
    body: Any,
) -> Call[Message]:
    """Grows a streaming message. Exactly one of `text`, `delta`, `body` (NOT_GIVEN or None
    for the others). Not retried after an unknown outcome: an append is not idempotent."""
    given = {
        name: value
        for name, value in (("text", text), ("delta", delta), ("body", body))
        if value is not None and not isinstance(value, NotGiven)
    }
    if len(given) != 1:
        raise ValueError(
            "append_to_message: pass exactly one of text=, delta= or body= "
            f"(got {', '.join(given) or 'none'})."
        )
    if "text" in given and not isinstance(text, str):
        raise TypeError("append_to_message: text must be a str.")
    if "delta" in given:
        if not isinstance(delta, Mapping):
            raise TypeError("append_to_message: delta must be a mapping (a JSON object).")
        given["delta"] = dict(delta)
    path = f"{_message_path(thread_id, message_id)}/append"
    return Call("POST", path, _message, actor, json=given, has_body=True, writes=True)


def finalize_message(
    actor: Actor,
    thread_id: str,
    message_id: str,
    *,
    status: FinalStatus,
    body: Any,
    metadata: Union[Mapping[str, Any], NotGiven],
) -> Call[Message]:
    if status not in ("final", "aborted"):
        raise ValueError("finalize_message: status must be 'final' or 'aborted'.")
    payload = _compact(
        status=status,
        body=body,
        metadata=metadata if isinstance(metadata, NotGiven) else dict(metadata),
    )
    path = f"{_message_path(thread_id, message_id)}/finalize"
    return Call("POST", path, _message, actor, json=payload, has_body=True, writes=True)


def _set_like_write(
    method: str, path: str, parse: Callable[[Any], T], actor: Actor, body: Mapping[str, Any]
) -> Call[T]:
    """A write whose repeat changes nothing (it sets a state, it does not add one), so it is
    safe to resend after an unknown outcome: reactions, read markers, participants."""
    return Call(method, path, parse, actor, json=body, has_body=True, retry_safe=True, writes=True)


def set_reaction(
    actor: Actor, thread_id: str, message_id: str, emoji: str, *, present: bool
) -> Call[Message]:
    path = f"{_message_path(thread_id, message_id)}/reactions"
    return _set_like_write("POST" if present else "DELETE", path, _message, actor, {"emoji": emoji})


# --- participants and read markers ----------------------------------------------------------


def list_participants(actor: Actor, thread_id: str) -> Call[list[Participant]]:
    path = f"{_thread_path(thread_id)}/participants"
    return Call("GET", path, _participants, actor, retry_safe=True)


def add_participant(
    actor: Actor, thread_id: str, participant_id: str, *, role: Optional[ParticipantRole]
) -> Call[list[Participant]]:
    body = _compact(user_id=participant_id, role=role if role is not None else NOT_GIVEN)
    return _set_like_write(
        "POST", f"{_thread_path(thread_id)}/participants", _participants, actor, body
    )


def remove_participant(
    actor: Actor, thread_id: str, participant_id: str
) -> Call[list[Participant]]:
    path = f"{_thread_path(thread_id)}/participants"
    params = {"user_id": participant_id}
    return Call("DELETE", path, _participants, actor, params, retry_safe=True, writes=True)


def mark_read(actor: Actor, thread_id: str, message_id: str) -> Call[Thread]:
    path = f"{_thread_path(thread_id)}/read"
    return _set_like_write("POST", path, _thread, actor, {"message_id": message_id})


# --- backend and admin ----------------------------------------------------------------------


def sign_user(user_id: str, *, expires_in_s: Optional[int]) -> Call[str]:
    def parse(body: Any) -> str:
        return cast(str, _field(body, "signature"))

    payload = _compact(
        userId=user_id, expires_in_s=expires_in_s if expires_in_s is not None else NOT_GIVEN
    )
    # Signing stores nothing, so sending it twice is harmless.
    return Call("POST", "/backend/v1/sign", parse, json=payload, has_body=True, retry_safe=True)


def admin_health() -> Call[Health]:
    return Call("GET", "/admin/health", lambda body: cast(Health, body), retry_safe=True)


def admin_stats() -> Call[Stats]:
    return Call("GET", "/admin/stats", lambda body: cast(Stats, body), retry_safe=True)

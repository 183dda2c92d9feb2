"""Typical typed use of the public API. `mypy --strict` checks this file (see
scripts/python-tests.sh), so the annotations users rely on are tested, not only the runtime."""

from collections.abc import Iterator
from typing import Optional

import pytest

from progressdb import (
    AsyncProgressDB,
    ChatEvent,
    Message,
    NotFoundError,
    ProgressDB,
    ProgressDBError,
    Thread,
)
from server_process import KEYS, ServerProcess


@pytest.fixture
def typed_db(server: ServerProcess) -> Iterator[ProgressDB]:
    with ProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        yield db


def describe(event: ChatEvent) -> str:
    # The union narrows on `type`, so each branch sees only its own fields.
    if event["type"] == "message.created":
        return f"created {event['message_id']}"
    if event["type"] == "reaction.added":
        return f"{event['user']} reacted {event['emoji']}"
    if event["type"] == "thread.created":
        return f"thread {event['thread_id']}"
    return event["type"]


def test_typed_flow(typed_db: ProgressDB) -> None:
    user = typed_db.for_user("typed-user")
    message: Message = user.create_thread_message("typed-chat", {"body": {"text": "hi"}})
    user.add_reaction("typed-chat", message["id"], "👍")
    thread: Thread = user.get_thread("typed-chat")
    unread: int = thread.get("unread_count", 0)
    assert unread == 0
    summary = thread["last_message"]
    assert summary is not None
    assert summary["id"] == message["id"]

    lines = [describe(e) for e in user.iter_events("typed-chat")]
    assert lines == ["thread typed-chat", f"created {message['id']}", "typed-user reacted 👍"]

    gone: Optional[Message] = user.delete_thread_message("typed-chat", message["id"], hard=True)
    assert gone is None
    with pytest.raises(NotFoundError) as missing:
        user.get_thread_message("typed-chat", message["id"])
    error: ProgressDBError = missing.value
    assert error.code == "MESSAGE_NOT_FOUND"


@pytest.mark.asyncio
async def test_typed_async_flow(server: ServerProcess) -> None:
    async with AsyncProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        thread: Thread = await db.create_thread(title="typed", user_id="typed-async")
        page = await db.list_threads(user_id="typed-async")
        ids: list[str] = [t["id"] for t in page["threads"]]
        assert ids == [thread["id"]]
        titles = [t["title"] async for t in db.iter_threads(user_id="typed-async")]
        assert titles == ["typed"]

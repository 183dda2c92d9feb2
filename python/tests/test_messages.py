"""Message operations, versions and reactions, each with the sync and the async client."""

from typing import Any, Callable

import pytest

from progressdb import BadRequestError, ConflictError, NotFoundError


def test_create_message_creates_the_thread(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    message = db.create_thread_message(
        thread_id,
        {"body": {"text": "hi"}, "role": "user", "metadata": {"lang": "en"}},
        user_id=user,
    )
    assert message["thread"] == thread_id
    assert message["seq"] == 1
    assert message["author"] == user
    assert message["role"] == "user"
    assert message["body"] == {"text": "hi"}
    assert message["metadata"] == {"lang": "en"}
    assert message["version"] == 1
    assert message["status"] == "final"
    assert message["id"]
    assert message["key"] == message["id"]

    thread = db.get_thread(thread_id, user_id=user)
    assert thread["author"] == user
    assert thread["message_count"] == 1
    assert thread["last_message"]["id"] == message["id"]
    assert db.get_thread_message(thread_id, message["id"], user_id=user) == message


def test_client_id_create_is_idempotent(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id, message_id = new_id("u"), new_id("chat"), new_id("m")
    first = db.create_thread_message(thread_id, {"id": message_id, "body": "one"}, user_id=user)
    again = db.create_thread_message(thread_id, {"id": message_id, "body": "two"}, user_id=user)
    assert first["id"] == again["id"] == message_id
    assert again["body"] == "one"
    assert db.list_thread_messages(thread_id, user_id=user)["pagination"]["count"] == 1


def test_any_json_body_and_reply_to(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    bodies: list[Any] = ["text", 42, [1, {"a": None}], None, {"nested": {"ünï": "✓"}}]
    created = [db.create_thread_message(thread_id, {"body": b}, user_id=user) for b in bodies]
    assert [m["body"] for m in created] == bodies
    reply = db.create_thread_message(
        thread_id, {"body": "re", "reply_to": created[0]["id"]}, user_id=user
    )
    assert reply["reply_to"] == created[0]["id"]
    with pytest.raises(BadRequestError) as bad:
        db.create_thread_message(thread_id, {"body": "x", "reply_to": "nope"}, user_id=user)
    assert bad.value.code == "INVALID_REPLY_TO"


def test_list_messages_pages_with_anchors(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    ids = [db.create_thread_message(thread_id, {"body": i}, user_id=user)["id"] for i in range(5)]

    newest = db.list_thread_messages(thread_id, limit=2, user_id=user)
    assert [m["id"] for m in newest["messages"]] == ids[3:]
    assert newest["pagination"] == {
        "before_anchor": ids[3],
        "after_anchor": ids[4],
        "has_before": True,
        "has_after": False,
        "count": 2,
    }
    older = db.list_thread_messages(thread_id, limit=2, before=ids[3], user_id=user)
    assert [m["id"] for m in older["messages"]] == ids[1:3]
    newer = db.list_thread_messages(thread_id, limit=2, after=ids[1], user_id=user)
    assert [m["id"] for m in newer["messages"]] == ids[2:4]
    around = db.list_thread_messages(thread_id, limit=3, anchor=ids[2], user_id=user)
    assert [m["id"] for m in around["messages"]] == ids[1:4]

    with pytest.raises(BadRequestError) as bad:
        db.list_thread_messages(thread_id, before="no-such-message", user_id=user)
    assert bad.value.code == "INVALID_CURSOR"


def test_edit_versions_and_if_version(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    original = db.create_thread_message(thread_id, {"body": {"text": "draft"}}, user_id=user)
    edited = db.update_thread_message(
        thread_id, original["id"], body={"text": "final"}, if_version=1, user_id=user
    )
    assert edited["version"] == 2
    assert edited["body"] == {"text": "final"}

    with pytest.raises(ConflictError) as stale:
        db.update_thread_message(
            thread_id, original["id"], body={"text": "lost"}, if_version=1, user_id=user
        )
    assert stale.value.code == "VERSION_CONFLICT"
    assert stale.value.status == 409

    meta_only = db.update_thread_message(
        thread_id, original["id"], metadata={"edited": True}, user_id=user
    )
    assert meta_only["body"] == {"text": "final"}
    assert meta_only["version"] == 3

    versions = db.list_message_versions(thread_id, original["id"], user_id=user)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["body"] == {"text": "draft"}
    assert versions[-1]["metadata"] == {"edited": True}
    assert all(v["editor"] == user for v in versions)


def test_delete_restore_and_hard_delete_message(db: Any, new_id: Callable[[str], str]) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    message = db.create_thread_message(thread_id, {"body": "bye"}, user_id=user)

    deleted = db.delete_thread_message(thread_id, message["id"], user_id=user)
    assert deleted is not None
    assert deleted["deleted"] is True
    with pytest.raises(NotFoundError) as missing:
        db.get_thread_message(thread_id, message["id"], user_id=user)
    assert missing.value.code == "MESSAGE_NOT_FOUND"
    hidden = db.list_thread_messages(thread_id, user_id=user)
    assert hidden["messages"] == []
    shown = db.list_thread_messages(thread_id, include_deleted=True, user_id=user)
    assert [m["id"] for m in shown["messages"]] == [message["id"]]
    with pytest.raises(ConflictError) as edit_deleted:
        db.update_thread_message(thread_id, message["id"], body="x", user_id=user)
    assert edit_deleted.value.code == "MESSAGE_DELETED"

    restored = db.restore_thread_message(thread_id, message["id"], user_id=user)
    assert restored["deleted"] is False
    with pytest.raises(ConflictError) as not_deleted:
        db.restore_thread_message(thread_id, message["id"], user_id=user)
    assert not_deleted.value.code == "MESSAGE_NOT_DELETED"

    assert db.delete_thread_message(thread_id, message["id"], hard=True, user_id=user) is None
    with pytest.raises(NotFoundError):
        db.get_thread_message(thread_id, message["id"], include_deleted=True, user_id=user)


def test_reactions_add_and_remove(db: Any, new_id: Callable[[str], str]) -> None:
    author, fan, thread_id = new_id("u"), new_id("fan"), new_id("chat")
    message = db.create_thread_message(thread_id, {"body": "react to me"}, user_id=author)
    db.add_participant(thread_id, fan, user_id=author)

    db.add_reaction(thread_id, message["id"], "👍", user_id=author)
    both = db.add_reaction(thread_id, message["id"], "👍", user_id=fan)
    assert sorted(both["reactions"]["👍"]) == sorted([author, fan])
    again = db.add_reaction(thread_id, message["id"], "👍", user_id=fan)  # idempotent
    assert sorted(again["reactions"]["👍"]) == sorted([author, fan])
    assert again["version"] == 1  # a reaction is not an edit

    removed = db.remove_reaction(thread_id, message["id"], "👍", user_id=author)
    assert removed["reactions"]["👍"] == [fan]
    gone = db.remove_reaction(thread_id, message["id"], "👍", user_id=fan)
    assert "👍" not in gone["reactions"]


def test_durability_option_is_accepted_on_writes(
    make_client: Any, new_id: Callable[[str], str]
) -> None:
    safe = make_client(durability="safe")
    user, thread_id = new_id("u"), new_id("chat")
    message = safe.create_thread_message(thread_id, {"body": "durable"}, user_id=user)
    assert safe.get_thread_message(thread_id, message["id"], user_id=user)["body"] == "durable"


def test_ephemeral_messages_are_listed_only_when_asked(
    db: Any, new_id: Callable[[str], str]
) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    db.create_thread_message(thread_id, {"id": "kept", "body": "kept"}, user_id=user)
    db.create_thread_message(
        thread_id,
        {"id": "tool", "body": "running", "ephemeral": True, "ttl_ms": 600_000},
        user_id=user,
    )
    db.create_thread_message(thread_id, {"id": "last", "body": "last"}, user_id=user)

    def ids(messages: Any) -> list[str]:
        return [m["id"] for m in messages]

    assert ids(db.list_thread_messages(thread_id, user_id=user)["messages"]) == ["kept", "last"]
    page = db.list_thread_messages(thread_id, include_ephemeral=True, user_id=user)
    assert ids(page["messages"]) == ["kept", "tool", "last"]
    assert ids(db.iter_messages(thread_id, page_size=1, user_id=user)) == ["last", "kept"]
    older = db.iter_messages(thread_id, page_size=1, include_ephemeral=True, user_id=user)
    assert ids(older) == ["last", "tool", "kept"]
    newer = db.iter_messages(
        thread_id, direction="newer", page_size=1, include_ephemeral=True, user_id=user
    )
    assert ids(newer) == ["kept", "tool", "last"]

"""Participants, read markers and the change log, with the sync and the async client."""

from typing import Any, Callable

import pytest

from progressdb import ConflictError


def test_add_list_and_remove_participants(db: Any, new_id: Callable[[str], str]) -> None:
    owner, bob, thread_id = new_id("owner"), new_id("bob"), new_id("chat")
    db.create_thread(id=thread_id, user_id=owner)

    after_add = db.add_participant(thread_id, bob, role="viewer", user_id=owner)
    assert {"user_id": bob, "role": "viewer"} in after_add
    assert db.get_thread(thread_id, user_id=bob)["participants"][bob] == "viewer"
    promoted = db.add_participant(thread_id, bob, user_id=owner)  # role defaults to member
    assert {"user_id": bob, "role": "member"} in promoted
    assert sorted(p["user_id"] for p in db.list_participants(thread_id, user_id=bob)) == sorted(
        [owner, bob]
    )

    remaining = db.remove_participant(thread_id, bob, user_id=owner)
    assert remaining == [{"user_id": owner, "role": "owner"}]
    with pytest.raises(ConflictError) as conflict:
        db.remove_participant(thread_id, owner, user_id=owner)
    assert conflict.value.code == "PARTICIPANT_CONFLICT"


def test_mark_read_updates_unread_count(db: Any, new_id: Callable[[str], str]) -> None:
    alice, bob, thread_id = new_id("alice"), new_id("bob"), new_id("chat")
    db.create_thread(id=thread_id, participants={bob: "member"}, user_id=alice)
    ids = [db.create_thread_message(thread_id, {"body": i}, user_id=alice)["id"] for i in range(3)]
    assert db.get_thread(thread_id, user_id=bob)["unread_count"] == 3
    assert db.mark_read(thread_id, ids[0], user_id=bob)["unread_count"] == 2
    assert db.mark_read(thread_id, ids[2], user_id=bob)["unread_count"] == 0
    # Markers only move forward.
    assert db.mark_read(thread_id, ids[1], user_id=bob)["unread_count"] == 0
    assert db.get_thread(thread_id, user_id=alice)["unread_count"] == 0


def test_list_events_in_change_order(db: Any, new_id: Callable[[str], str]) -> None:
    user, bob, thread_id = new_id("u"), new_id("bob"), new_id("chat")
    message = db.create_thread_message(thread_id, {"body": "v1"}, user_id=user)
    db.update_thread_message(thread_id, message["id"], body="v2", user_id=user)
    db.add_reaction(thread_id, message["id"], "🎉", user_id=user)
    db.add_participant(thread_id, bob, user_id=user)
    db.mark_read(thread_id, message["id"], user_id=bob)
    db.delete_thread_message(thread_id, message["id"], user_id=user)

    page = db.list_events(thread_id, user_id=user)
    types = [e["type"] for e in page["events"]]
    assert types == [
        "thread.created",
        "message.created",
        "message.updated",
        "reaction.added",
        "participant.added",
        "read.updated",
        "message.deleted",
    ]
    assert [e["change"] for e in page["events"]] == list(range(1, 8))
    assert page["next_since"] == 7
    assert page["has_more"] is False
    created = page["events"][1]
    assert created["message_id"] == message["id"]
    assert created["actor"] == user
    assert page["events"][2]["version"] == 2
    assert page["events"][3]["emoji"] == "🎉"

    tail = db.list_events(thread_id, since=5, user_id=user)
    assert [e["change"] for e in tail["events"]] == [6, 7]
    limited = db.list_events(thread_id, since=0, limit=2, user_id=user)
    assert limited["has_more"] is True
    assert limited["next_since"] == 2
    assert [e["change"] for e in db.iter_events(thread_id, since=3, user_id=user)] == [4, 5, 6, 7]

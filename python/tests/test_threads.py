"""Thread operations, each run with the sync and the async client."""

from typing import Any, Callable

import pytest

from progressdb import NOT_GIVEN, ConflictError, NotFoundError


def test_create_get_and_list_threads(db: Any, new_id: Callable[[str], str]) -> None:
    user = new_id("owner")
    thread = db.create_thread(
        id=new_id("t"), title="Trip", metadata={"topic": "travel"}, user_id=user
    )
    assert thread["title"] == "Trip"
    assert thread["metadata"] == {"topic": "travel"}
    assert thread["author"] == user
    assert thread["participants"] == {user: "owner"}
    assert thread["key"] == thread["id"]
    assert thread["message_count"] == 0

    read = db.get_thread(thread["id"], user_id=user)
    assert read["id"] == thread["id"]
    assert read["unread_count"] == 0

    page = db.list_threads(user_id=user)
    assert [t["id"] for t in page["threads"]] == [thread["id"]]
    assert page["pagination"]["count"] == 1
    assert page["pagination"]["has_before"] is False


def test_create_without_id_generates_one_and_repeat_with_id_returns_stored(
    db: Any, new_id: Callable[[str], str]
) -> None:
    user = new_id("owner")
    generated = db.create_thread(title="no id given", user_id=user)
    assert generated["id"]
    thread_id = new_id("t")
    first = db.create_thread(id=thread_id, title="first", user_id=user)
    again = db.create_thread(id=thread_id, title="ignored", user_id=user)
    assert again["id"] == first["id"]
    assert again["title"] == "first"  # the stored item wins
    assert len(db.list_threads(user_id=user)["threads"]) == 2


def test_list_threads_filters_by_title_and_pages(db: Any, new_id: Callable[[str], str]) -> None:
    user = new_id("owner")
    # Ids that sort in creation order break created_ts ties the same way.
    base = new_id("t")
    ids = [
        db.create_thread(id=f"{base}-{i:02d}", title=f"alpha {i}", user_id=user)["id"]
        for i in range(3)
    ]
    db.create_thread(id=f"{base}-99", title="beta", user_id=user)
    found = db.list_threads(title="ALPHA", sort_by="created_ts", user_id=user)
    assert [t["id"] for t in found["threads"]] == list(reversed(ids))

    first = db.list_threads(limit=2, sort_by="created_ts", user_id=user)
    assert first["pagination"]["has_before"] is True
    rest = db.list_threads(
        before=first["pagination"]["before_anchor"], sort_by="created_ts", user_id=user
    )
    assert len(first["threads"]) + len(rest["threads"]) == 4
    assert rest["pagination"]["has_before"] is False


def test_update_thread_persists_and_not_given_leaves_fields(
    db: Any, new_id: Callable[[str], str]
) -> None:
    user = new_id("owner")
    thread = db.create_thread(title="old", metadata={"a": 1}, user_id=user)
    updated = db.update_thread(thread["id"], title="new", user_id=user)
    assert updated["title"] == "new"
    assert updated["metadata"] == {"a": 1}
    db.update_thread(thread["id"], metadata={"b": 2}, title=NOT_GIVEN, user_id=user)
    read = db.get_thread(thread["id"], user_id=user)
    assert read["title"] == "new"
    assert read["metadata"] == {"b": 2}
    cleared = db.update_thread(thread["id"], title=None, user_id=user)
    assert cleared["title"] is None


def test_soft_delete_restore_and_hard_delete(db: Any, new_id: Callable[[str], str]) -> None:
    user = new_id("owner")
    thread = db.create_thread(title="temp", user_id=user)
    deleted = db.delete_thread(thread["id"], user_id=user)
    assert deleted is not None
    assert deleted["deleted"] is True
    assert isinstance(deleted["deleted_ts"], int)

    with pytest.raises(NotFoundError) as missing:
        db.get_thread(thread["id"], user_id=user)
    assert missing.value.code == "THREAD_NOT_FOUND"
    assert db.get_thread(thread["id"], include_deleted=True, user_id=user)["deleted"] is True
    listed = db.list_threads(include_deleted=True, user_id=user)
    assert [t["id"] for t in listed["threads"]] == [thread["id"]]

    restored = db.restore_thread(thread["id"], user_id=user)
    assert restored["deleted"] is False
    with pytest.raises(ConflictError) as not_deleted:
        db.restore_thread(thread["id"], user_id=user)
    assert not_deleted.value.code == "THREAD_NOT_DELETED"

    assert db.delete_thread(thread["id"], hard=True, user_id=user) is None
    with pytest.raises(NotFoundError):
        db.get_thread(thread["id"], include_deleted=True, user_id=user)


def test_for_user_scopes_every_call(db: Any, new_id: Callable[[str], str]) -> None:
    user = new_id("scoped")
    alice = db.for_user(user)
    thread = alice.create_thread(title="mine")
    assert thread["author"] == user
    assert alice.get_thread(thread["id"])["id"] == thread["id"]
    message = alice.create_thread_message(thread["id"], {"body": "hello"})
    assert message["author"] == user
    # An explicit user_id still wins over the scope.
    other = new_id("other")
    assert alice.create_thread(title="theirs", user_id=other)["author"] == other
    # The parent client is unchanged: it still needs a user id.
    with pytest.raises(TypeError, match="user_id"):
        db.list_threads()


def test_iter_threads_walks_every_thread_once(db: Any, new_id: Callable[[str], str]) -> None:
    user = new_id("many")
    base = new_id("t")
    created = [
        db.create_thread(id=f"{base}-{i:02d}", title=f"t{i}", user_id=user)["id"] for i in range(7)
    ]
    walked = [t["id"] for t in db.iter_threads(page_size=3, sort_by="created_ts", user_id=user)]
    assert walked == list(reversed(created))
    assert [t["id"] for t in db.iter_threads(title="t3", user_id=user)] == [created[3]]

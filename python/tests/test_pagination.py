"""Iterators over a 1,000-message thread in both directions: no gaps, no duplicates."""

import asyncio
import uuid
from typing import Any, Callable, Optional

import pytest

from progressdb import AsyncProgressDB, ProgressDB
from server_process import KEYS, ServerProcess

THREAD_SIZE = 1000
USER = "pager"


async def _fill(url: str, thread_id: str, count: int, concurrency: int = 32) -> None:
    gate = asyncio.Semaphore(concurrency)
    async with AsyncProgressDB(base_url=url, api_key=KEYS["backend"]) as db:

        async def one(i: int) -> None:
            async with gate:
                await db.create_thread_message(thread_id, {"body": {"i": i}}, user_id=USER)

        await asyncio.gather(*(one(i) for i in range(count)))


@pytest.fixture(scope="module")
def big_thread(server: ServerProcess) -> str:
    """A thread of 1,000 messages, created concurrently (so seq order != creation order)."""
    thread_id = f"big-{uuid.uuid4().hex[:8]}"
    asyncio.run(_fill(server.url, thread_id, THREAD_SIZE))
    return thread_id


def seqs(messages: list[Any]) -> list[int]:
    return [m["seq"] for m in messages]


@pytest.mark.parametrize("page_size", [37, None])
def test_iterates_older_newest_first(db: Any, big_thread: str, page_size: Optional[int]) -> None:
    walked = list(db.iter_messages(big_thread, page_size=page_size, user_id=USER))
    assert seqs(walked) == list(range(THREAD_SIZE, 0, -1))
    assert len({m["id"] for m in walked}) == THREAD_SIZE


@pytest.mark.parametrize("page_size", [37, None])
def test_iterates_newer_oldest_first(db: Any, big_thread: str, page_size: Optional[int]) -> None:
    walked = list(
        db.iter_messages(big_thread, direction="newer", page_size=page_size, user_id=USER)
    )
    assert seqs(walked) == list(range(1, THREAD_SIZE + 1))
    assert len({m["id"] for m in walked}) == THREAD_SIZE


def test_iterates_from_a_starting_message(db: Any, big_thread: str) -> None:
    middle = db.list_thread_messages(big_thread, anchor=None, limit=500, user_id=USER)
    start = middle["messages"][0]  # seq 501
    assert start["seq"] == 501
    newer = list(db.iter_messages(big_thread, direction="newer", after=start["id"], user_id=USER))
    assert seqs(newer) == list(range(502, THREAD_SIZE + 1))
    older = list(db.iter_messages(big_thread, before=start["id"], page_size=99, user_id=USER))
    assert seqs(older) == list(range(500, 0, -1))
    with pytest.raises(ValueError, match="after"):
        db.iter_messages(big_thread, direction="older", after=start["id"], user_id=USER)


def test_events_page_through_the_whole_log(db: Any, big_thread: str) -> None:
    events = list(db.iter_events(big_thread, user_id=USER))  # over the 1,000-event page limit
    assert [e["change"] for e in events] == list(range(1, THREAD_SIZE + 2))
    assert events[0]["type"] == "thread.created"
    assert {e["type"] for e in events[1:]} == {"message.created"}


def _small_thread(db: ProgressDB, new_id: Callable[[str], str], n: int) -> tuple[str, list[str]]:
    thread_id = new_id("walk")
    ids = [db.create_thread_message(thread_id, {"body": i}, user_id=USER)["id"] for i in range(n)]
    return thread_id, ids


def test_older_walk_is_stable_while_the_thread_changes(
    server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    with ProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        thread_id, ids = _small_thread(db, new_id, 60)
        walk = db.iter_messages(thread_id, page_size=7, user_id=USER)
        seen = [next(walk)["id"] for _ in range(10)]
        for i in range(5):  # newer than where the walk started: not part of it
            db.create_thread_message(thread_id, {"body": f"late {i}"}, user_id=USER)
        db.update_thread_message(thread_id, ids[20], body="edited", user_id=USER)
        db.delete_thread_message(thread_id, ids[5], user_id=USER)  # not reached yet: hidden
        seen += [m["id"] for m in walk]
    expected = [i for i in reversed(ids) if i != ids[5]]
    assert seen == expected


def test_newer_walk_picks_up_messages_added_during_it(
    server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    with ProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        thread_id, ids = _small_thread(db, new_id, 30)
        walk = db.iter_messages(thread_id, direction="newer", page_size=8, user_id=USER)
        seen = [next(walk)["id"] for _ in range(10)]
        late = [
            db.create_thread_message(thread_id, {"body": i}, user_id=USER)["id"] for i in range(3)
        ]
        seen += [m["id"] for m in walk]
    assert seen == ids + late


@pytest.mark.asyncio
async def test_async_for_and_async_with(server: ServerProcess, big_thread: str) -> None:
    async with AsyncProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        pager = db.for_user(USER)
        newest_first = [m["seq"] async for m in pager.iter_messages(big_thread, page_size=250)]
        oldest_first = [
            m["seq"]
            async for m in pager.iter_messages(big_thread, direction="newer", page_size=250)
        ]
        http = db._http
    assert newest_first == list(range(THREAD_SIZE, 0, -1))
    assert oldest_first == list(range(1, THREAD_SIZE + 1))
    assert http.is_closed


def test_with_closes_the_pool_but_for_user_does_not(server: ServerProcess) -> None:
    with ProgressDB(base_url=server.url, api_key=KEYS["backend"]) as db:
        with db.for_user("someone") as scoped:
            scoped.list_threads()
        assert not db._http.is_closed  # the scoped client shares, and does not close, the pool
        db.list_threads(user_id="someone")
    assert db._http.is_closed

"""Retries: a lost create response, injected 503s, refused connections and timeouts."""

import json
import socket
from collections.abc import Iterator
from typing import Callable

import pytest

from conftest import ClientFactory
from fault_proxy import fault_proxy, first_only
from progressdb import APIConnectionError, APITimeoutError, ServerError
from server_process import ServerProcess


def test_create_retried_after_a_dropped_response_makes_one_message(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    with fault_proxy(server.url, first_only("POST", "/messages", "drop")) as proxy:
        db = make_client(base_url=proxy.url)
        message = db.create_thread_message(thread_id, {"body": {"text": "once"}}, user_id=user)

        posts = [s for s in proxy.seen if s.method == "POST"]
        assert len(posts) == 2  # the first reached the server, its answer was lost
        sent_ids = {json.loads(p.body)["id"] for p in posts}
        assert sent_ids == {message["id"]}  # the retry carried the same client id

    direct = make_client()
    page = direct.list_thread_messages(thread_id, user_id=user)
    assert [m["id"] for m in page["messages"]] == [message["id"]]
    assert direct.get_thread(thread_id, user_id=user)["message_count"] == 1


def test_thread_create_retried_after_a_dropped_response_makes_one_thread(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    user = new_id("u")
    with fault_proxy(server.url, first_only("POST", "/threads", "drop")) as proxy:
        thread = make_client(base_url=proxy.url).create_thread(title="once", user_id=user)
        assert proxy.count("POST", "/threads") == 2
    threads = make_client().list_threads(user_id=user)["threads"]
    assert [t["id"] for t in threads] == [thread["id"]]


def test_edit_is_not_retried_after_a_dropped_response(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    """An edit makes a new version each time, so a lost answer must surface, not be resent."""
    user, thread_id = new_id("u"), new_id("chat")
    message = make_client().create_thread_message(thread_id, {"body": "v1"}, user_id=user)
    with fault_proxy(server.url, first_only("PATCH", message["id"], "drop")) as proxy:
        db = make_client(base_url=proxy.url)
        with pytest.raises(APIConnectionError) as lost:
            db.update_thread_message(thread_id, message["id"], body="v2", user_id=user)
        assert lost.value.status is None
        assert lost.value.code is None
        assert proxy.count("PATCH", message["id"]) == 1
    stored = make_client().get_thread_message(thread_id, message["id"], user_id=user)
    assert stored["version"] == 2  # it did happen, exactly once


def test_reads_are_retried_on_503_but_writes_are_not(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    user = new_id("u")
    thread = make_client().create_thread(title="t", user_id=user)
    with fault_proxy(server.url, first_only("GET", thread["id"], 503)) as proxy:
        db = make_client(base_url=proxy.url)
        assert db.get_thread(thread["id"], user_id=user)["id"] == thread["id"]
        assert proxy.count("GET", thread["id"]) == 2
    with fault_proxy(server.url, first_only("PATCH", thread["id"], 503)) as proxy:
        db = make_client(base_url=proxy.url)
        with pytest.raises(ServerError) as unavailable:
            db.update_thread(thread["id"], title="x", user_id=user)
        assert unavailable.value.status == 503
        assert unavailable.value.code == "UNKNOWN"  # the proxy's answer had no error body
        assert proxy.count("PATCH", thread["id"]) == 1


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield int(s.getsockname()[1])


def test_refused_connection_is_api_connection_error(
    make_client: ClientFactory, closed_port: int
) -> None:
    db = make_client(base_url=f"http://127.0.0.1:{closed_port}", max_retries=1)
    with pytest.raises(APIConnectionError) as refused:
        db.list_threads(user_id="u")
    assert not isinstance(refused.value, APITimeoutError)
    assert refused.value.__cause__ is not None


def test_no_answer_is_api_timeout_error(make_client: ClientFactory, silent_port: int) -> None:
    db = make_client(base_url=f"http://127.0.0.1:{silent_port}", timeout=0.3, max_retries=0)
    with pytest.raises(APITimeoutError):
        db.get_thread("t", user_id="u")

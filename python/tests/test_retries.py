"""Retries: a lost create response, injected 503s, refused connections and timeouts."""

import json
import socket
from collections.abc import Iterator
from typing import Any, Callable

import httpx
import pytest

from conftest import ClientFactory
from fault_proxy import FaultProxy, fault_proxy, first_only
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
        assert lost.value.status == 0  # no response, as in @progressdb/js
        assert lost.value.code == "NETWORK_ERROR"
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
        assert unavailable.value.code == "BAD_RESPONSE"  # the proxy's answer had no error body
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
    assert (refused.value.status, refused.value.code) == (0, "NETWORK_ERROR")
    assert isinstance(refused.value.__cause__, httpx.ConnectError)


def test_no_answer_is_api_timeout_error(make_client: ClientFactory, silent_port: int) -> None:
    db = make_client(base_url=f"http://127.0.0.1:{silent_port}", timeout=0.3, max_retries=0)
    with pytest.raises(APITimeoutError) as timed_out:
        db.get_thread("t", user_id="u")
    assert (timed_out.value.status, timed_out.value.code) == (0, "TIMEOUT")


def _count(proxy: FaultProxy, method: str, suffix: str) -> int:
    return sum(
        1 for s in proxy.seen if s.method == method and s.path.split("?")[0].endswith(suffix)
    )


def test_set_like_writes_and_signing_are_retried_after_a_503(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    """Adding a reaction or a participant, moving a read marker, signing: the same request
    twice changes nothing more, so they are retried like reads (as in @progressdb/js)."""
    user, thread_id = new_id("u"), new_id("chat")
    message = make_client().create_thread_message(thread_id, {"body": "hi"}, user_id=user)
    m = message["id"]
    steps: list[tuple[str, str, Callable[[Any], Any]]] = [
        ("POST", "/reactions", lambda db: db.add_reaction(thread_id, m, "👍", user_id=user)),
        ("DELETE", "/reactions", lambda db: db.remove_reaction(thread_id, m, "👍", user_id=user)),
        ("POST", "/read", lambda db: db.mark_read(thread_id, m, user_id=user)),
        ("POST", "/participants", lambda db: db.add_participant(thread_id, "bob", user_id=user)),
        (
            "DELETE",
            "/participants",
            lambda db: db.remove_participant(thread_id, "bob", user_id=user),
        ),
        ("POST", "/backend/v1/sign", lambda db: db.sign_user(user)),
    ]
    for method, suffix, run in steps:
        with fault_proxy(server.url, first_only(method, suffix, 503)) as proxy:
            run(make_client(base_url=proxy.url))
            assert _count(proxy, method, suffix) == 2, f"{method} {suffix}"
    stored = make_client().get_thread_message(thread_id, m, user_id=user)
    assert stored["reactions"] == {}
    assert [p["user_id"] for p in make_client().list_participants(thread_id, user_id=user)] == [
        user
    ]


def test_a_429_is_retried_for_every_request(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    message = make_client().create_thread_message(thread_id, {"body": "v1"}, user_id=user)
    with fault_proxy(server.url, first_only("PATCH", message["id"], 429)) as proxy:
        db = make_client(base_url=proxy.url)
        assert (
            db.update_thread_message(thread_id, message["id"], body="v2", user_id=user)["version"]
            == 2
        )
        assert _count(proxy, "PATCH", message["id"]) == 2
    streamed = make_client().create_thread_message(
        thread_id, {"body": {"text": ""}, "status": "streaming"}, user_id=user
    )
    for route in ("/append", "/finalize"):
        with fault_proxy(server.url, first_only("POST", route, 429)) as proxy:
            db = make_client(base_url=proxy.url)
            if route == "/append":
                db.append_to_message(thread_id, streamed["id"], text="once", user_id=user)
            else:
                final = db.finalize_message(thread_id, streamed["id"], user_id=user)
                assert final["body"] == {"text": "once"}
            assert _count(proxy, "POST", route) == 2


def test_unsafe_writes_are_not_retried_after_a_503(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    user, thread_id = new_id("u"), new_id("chat")
    message = make_client().create_thread_message(thread_id, {"body": "v1"}, user_id=user)
    streamed = make_client().create_thread_message(
        thread_id, {"body": {"text": ""}, "status": "streaming"}, user_id=user
    )
    m, s = message["id"], streamed["id"]
    steps: list[tuple[str, str, Callable[[Any], Any]]] = [
        (
            "DELETE",
            f"/messages/{m}",
            lambda db: db.delete_thread_message(thread_id, m, user_id=user),
        ),
        ("POST", "/restore", lambda db: db.restore_thread_message(thread_id, m, user_id=user)),
        ("POST", "/append", lambda db: db.append_to_message(thread_id, s, text="x", user_id=user)),
        ("POST", "/finalize", lambda db: db.finalize_message(thread_id, s, user_id=user)),
    ]
    for method, suffix, run in steps:
        with fault_proxy(server.url, first_only(method, suffix, 503)) as proxy:
            with pytest.raises(ServerError) as unavailable:
                run(make_client(base_url=proxy.url))
            assert (unavailable.value.status, unavailable.value.code) == (503, "BAD_RESPONSE")
            assert _count(proxy, method, suffix) == 1, f"{method} {suffix}"


def test_a_refusal_after_a_lost_answer_reports_the_unknown_outcome(
    make_client: ClientFactory, server: ServerProcess, new_id: Callable[[str], str]
) -> None:
    """The first attempt was stored but its answer lost; the retries are refused (429). The
    caller must hear "no response" (the message may exist), not "refused", or it would send
    the message again under a new id: the rule @progressdb/js follows too."""
    user, thread_id = new_id("u"), new_id("chat")

    def decide(seen: Any, history: list[Any]) -> object:
        posts = [s for s in history if s.method == "POST" and s.path.endswith("/messages")]
        if seen.method != "POST" or not seen.path.endswith("/messages"):
            return "forward"
        return "drop" if len(posts) == 1 else 429

    with fault_proxy(server.url, decide) as proxy:
        db = make_client(base_url=proxy.url)
        with pytest.raises(APIConnectionError) as unknown:
            db.create_thread_message(thread_id, {"id": "m1", "body": "once"}, user_id=user)
        assert unknown.value.code == "NETWORK_ERROR"
        assert _count(proxy, "POST", "/messages") == 3
    stored = make_client().list_thread_messages(thread_id, user_id=user)["messages"]
    assert [m["id"] for m in stored] == ["m1"]

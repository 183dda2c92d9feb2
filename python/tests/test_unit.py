"""Pure parts without a server: error mapping, retry policy, request building, ids."""

import email.utils
import inspect
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from progressdb import (
    APIStatusError,
    AsyncProgressDB,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ProgressDB,
    RateLimitError,
    ServerError,
    ValidationError,
    errors,
)
from progressdb import _calls as calls
from progressdb._core import MAX_BACKOFF_S, ClientCore, backoff_s
from progressdb._ids import new_id

EXPECTED_CLASS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}


def documented_codes(repo_root: Path) -> list[tuple[str, int]]:
    table = (repo_root / "docs" / "errors.md").read_text()
    return [(c, int(s)) for c, s in re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", table, re.M)]


def test_every_documented_code_maps_to_its_exception(repo_root: Path) -> None:
    codes = documented_codes(repo_root)
    assert len(codes) > 30
    for code, status in codes:
        body = {"error": "msg", "code": code, "request_id": "r-1"}
        error = errors.error_from_response(status, body, {})
        if code == "VALIDATION_FAILED":
            assert type(error) is ValidationError
        elif status >= 500:
            assert type(error) is ServerError
        else:
            assert type(error) is EXPECTED_CLASS.get(status, APIStatusError), code
        assert (error.status, error.code, error.request_id, error.message) == (
            status,
            code,
            "r-1",
            "msg",
        )


def test_error_without_a_progressdb_body() -> None:
    error = errors.error_from_response(502, None, {"x-request-id": "from-header"})
    assert isinstance(error, ServerError)
    assert (error.code, error.request_id, error.message) == ("UNKNOWN", "from-header", "HTTP 502")


def test_rate_limit_error_reads_retry_after() -> None:
    error = errors.error_from_response(
        429, {"error": "slow down", "code": "RATE_LIMITED"}, {"retry-after": "3"}
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0


def test_retry_after_as_seconds_or_http_date() -> None:
    assert errors.parse_retry_after("2") == 2.0
    assert errors.parse_retry_after(None) is None
    assert errors.parse_retry_after("soon") is None
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert errors.parse_retry_after(date, now_s=1_000_000) == pytest.approx(10.0)
    assert errors.parse_retry_after(date, now_s=2_000_000) == 0.0


def core(max_retries: int = 2) -> ClientCore:
    return ClientCore(
        base_url="http://db.test/",
        api_key="k",
        timeout=5.0,
        max_retries=max_retries,
        durability="safe",
        headers=None,
    )


ACTOR = calls.Actor("u1")
READ = calls.get_thread(ACTOR, "t", include_deleted=False)
CREATE = calls.create_thread_message(ACTOR, "t", {"body": 1})
EDIT = calls.update_thread_message(ACTOR, "t", "m", body=2, metadata=None, if_version=None)


def response(status: int, headers: Any = None) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("call", "outcome", "retried"),
    [
        (READ, response(503), True),
        (CREATE, response(502), True),
        (EDIT, response(503), False),
        (EDIT, response(429), True),  # rejected before anything happened
        (READ, response(500), False),
        (READ, response(404), False),
        (EDIT, httpx.ConnectError("refused"), True),  # never reached the server
        (EDIT, httpx.ReadError("reset"), False),  # may have been applied
        (CREATE, httpx.RemoteProtocolError("dropped"), True),
        (READ, httpx.ReadTimeout("slow"), True),
    ],
)
def test_retry_policy(call: Any, outcome: Any, retried: bool) -> None:
    policy = core()
    if isinstance(outcome, httpx.Response):
        delay = policy.retry_delay(call, 0, response=outcome)
    else:
        delay = policy.retry_delay(call, 0, error=outcome)
    assert (delay is not None) is retried


def test_retry_policy_stops_after_max_retries_and_honours_retry_after() -> None:
    policy = core(max_retries=2)
    assert policy.retry_delay(READ, 2, response=response(503)) is None
    assert policy.retry_delay(READ, 1, response=response(429, {"retry-after": "4"})) == 4.0
    assert policy.retry_delay(READ, 0, response=response(429, {"retry-after": "3600"})) is None
    assert core(max_retries=0).retry_delay(READ, 0, response=response(503)) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    for attempt in range(8):
        step = min(0.5 * 2**attempt, MAX_BACKOFF_S)
        delays = {backoff_s(attempt) for _ in range(20)}
        assert all(step / 2 <= d <= step for d in delays)
        assert len(delays) > 1  # jittered


def test_request_args_carry_auth_user_durability_and_encoded_path() -> None:
    args = core().request_args(
        calls.get_thread(calls.Actor("a b", "sig"), "t/1", include_deleted=True)
    )
    assert args["url"] == "http://db.test/frontend/v1/threads/t%2F1"
    assert args["params"] == {"include_deleted": "true"}
    assert args["headers"]["Authorization"] == "Bearer k"
    assert args["headers"]["X-User-ID"] == "a b"
    assert args["headers"]["X-User-Signature"] == "sig"
    assert "X-ProgressDB-Durability" not in args["headers"]  # reads carry none
    assert "content" not in args

    write = core().request_args(CREATE)
    assert write["headers"]["X-ProgressDB-Durability"] == "safe"
    assert write["headers"]["Content-Type"] == "application/json"
    assert json.loads(write["content"])["body"] == 1


def test_creates_get_a_client_id_and_keep_a_given_one() -> None:
    generated = calls.create_thread_message(ACTOR, "t", {"body": "x"}).json
    assert re.fullmatch(r"[0-9a-z]{26}", generated["id"])
    given = calls.create_thread_message(ACTOR, "t", {"body": "x", "id": "mine"}).json
    assert given["id"] == "mine"
    thread = calls.create_thread(ACTOR, id=None, title=None, metadata=None, participants=None)
    assert set(thread.json) == {"id"}
    assert thread.retry_safe
    assert CREATE.retry_safe
    assert not EDIT.retry_safe


def test_not_given_versus_none() -> None:
    title_only = calls.update_thread(ACTOR, "t", title=None, metadata=calls.NOT_GIVEN)
    assert title_only.json == {"title": None}
    body_null = calls.update_thread_message(ACTOR, "t", "m", body=None, metadata=None, if_version=3)
    assert body_null.json == {"body": None, "if_version": 3}


def test_ids_are_unique_and_time_ordered() -> None:
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-hjkmnp-tv-z]{26}", i) for i in ids)
    assert [i[:10] for i in ids] == sorted(i[:10] for i in ids)


def test_client_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="base_url"):
        ClientCore(
            base_url="", api_key="k", timeout=1, max_retries=0, durability=None, headers=None
        )
    with pytest.raises(ValueError, match="api_key"):
        ClientCore(
            base_url="http://x", api_key="", timeout=1, max_retries=0, durability=None, headers=None
        )


def test_sync_and_async_clients_have_the_same_methods_and_parameters() -> None:
    """The two clients repeat each signature (typing needs it); this keeps them in step."""

    def public(cls: type) -> dict[str, Any]:
        return {
            name: inspect.signature(member)
            for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_")
        }

    sync, aio = public(ProgressDB), public(AsyncProgressDB)
    assert set(sync) - {"close"} == set(aio) - {"aclose"}
    for name in set(sync) - {"close"}:
        assert list(sync[name].parameters.values()) == list(aio[name].parameters.values()), name
        is_coroutine = inspect.iscoroutinefunction(getattr(AsyncProgressDB, name))
        # iter_* are async iterators, for_user returns a client, stream_message an async
        # context manager (`async with db.stream_message(...)`): all plain methods.
        plain = name.startswith("iter_") or name in {"for_user", "stream_message"}
        assert is_coroutine == (not plain), name

"""Pure parts without a server: error mapping, retry policy, request building, ids."""

import email.utils
import inspect
import json
import re
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest

from progressdb import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncProgressDB,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ProgressDB,
    ProgressDBError,
    RateLimitError,
    ServerError,
    ValidationError,
    errors,
)
from progressdb import _calls as calls
from progressdb._core import MAX_BACKOFF_S, ClientCore, backoff_s, connection_error
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


def test_error_without_a_progressdb_body_is_bad_response_as_in_js() -> None:
    error = errors.error_from_response(502, None, {"x-request-id": "from-header"})
    assert isinstance(error, ServerError)
    assert (error.code, error.request_id, error.message) == (
        "BAD_RESPONSE",
        "from-header",
        "HTTP 502 without an API error body.",
    )
    # JSON, but not the API's error shape (a proxy's own JSON): the same.
    proxied = errors.error_from_response(503, {"message": "upstream down"}, {})
    assert (proxied.status, proxied.code) == (503, "BAD_RESPONSE")


def test_a_success_that_is_not_the_api_json_is_bad_response() -> None:
    html = httpx.Response(200, text="<h1>portal</h1>", headers={"x-request-id": "r9"})
    with pytest.raises(ProgressDBError) as not_json:
        core().result(READ, html)
    assert (not_json.value.status, not_json.value.code) == (200, "BAD_RESPONSE")
    assert not_json.value.request_id == "r9"
    with pytest.raises(ProgressDBError) as no_field:
        core().result(READ, httpx.Response(200, json={"other": 1}))
    assert (no_field.value.status, no_field.value.code) == (200, "BAD_RESPONSE")


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
DELETE = calls.delete_thread_message(ACTOR, "t", "m", hard=False)
RESTORE = calls.restore_thread_message(ACTOR, "t", "m")
APPEND = calls.append_to_message(ACTOR, "t", "m", text="x", delta=None, body=None)
FINALIZE = calls.finalize_message(
    ACTOR, "t", "m", status="final", body=calls.NOT_GIVEN, metadata=calls.NOT_GIVEN
)
# Set-like writes (the same again changes nothing) and signing (stores nothing).
SET_LIKE = [
    calls.set_reaction(ACTOR, "t", "m", "👍", present=True),
    calls.set_reaction(ACTOR, "t", "m", "👍", present=False),
    calls.mark_read(ACTOR, "t", "m"),
    calls.add_participant(ACTOR, "t", "bob", role=None),
    calls.remove_participant(ACTOR, "t", "bob"),
    calls.sign_user("u1", expires_in_s=None),
]


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
        # No response is no response, as in @progressdb/js (which cannot tell them apart).
        (EDIT, httpx.ConnectError("refused"), False),
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


@pytest.mark.parametrize("call", [EDIT, DELETE, RESTORE, APPEND, FINALIZE])
def test_unsafe_writes_retry_a_429_only(call: Any) -> None:
    policy = core()
    assert policy.retry_delay(call, 0, response=response(429)) is not None
    for outcome in (response(502), response(503), response(504)):
        assert policy.retry_delay(call, 0, response=outcome) is None
    for error in (httpx.ReadError("reset"), httpx.ConnectError("refused")):
        assert policy.retry_delay(call, 0, error=error) is None


@pytest.mark.parametrize("call", SET_LIKE)
def test_set_like_writes_and_signing_are_retried_like_reads(call: Any) -> None:
    policy = core()
    assert call.retry_safe
    for outcome in (response(429), response(502), response(503), response(504)):
        assert policy.retry_delay(call, 0, response=outcome) is not None
    for error in (httpx.ReadError("reset"), httpx.ReadTimeout("slow")):
        assert policy.retry_delay(call, 0, error=error) is not None


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


def test_credentials_are_trimmed_as_fetch_trims_header_values() -> None:
    trimmed = ClientCore(
        base_url="http://x",
        api_key=" key-1\r\n",
        timeout=1,
        max_retries=0,
        durability=None,
        headers=None,
    )
    actor = calls.Actor("\tu1 ", " sig\n")
    args = trimmed.request_args(calls.get_thread(actor, "t", include_deleted=False))
    assert args["headers"]["Authorization"] == "Bearer key-1"
    assert (args["headers"]["X-User-ID"], args["headers"]["X-User-Signature"]) == ("u1", "sig")
    assert trimmed.actor_for(" u1") == calls.Actor("u1")


@pytest.mark.parametrize("bad", ["", "\n", "pdb_secret\nX-Evil: 1", "pdb_caf\u00e9", "a\x00b"])
def test_a_credential_that_cannot_be_a_header_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError, match="api_key") as refused:
        ClientCore(
            base_url="http://x",
            api_key=bad,
            timeout=1,
            max_retries=0,
            durability=None,
            headers=None,
        )
    if bad.strip():
        assert bad.strip() not in str(refused.value)
    with pytest.raises(ValueError, match="user_id"):
        calls.Actor(bad)
    with pytest.raises(ValueError, match="signature"):
        calls.Actor("u1", bad)


SECRETS = ["pdb_backend_s3cr3t", "e.17000.abcdef"]


@pytest.mark.parametrize(
    "error",
    [
        httpx.LocalProtocolError("Illegal header value b'Bearer pdb_backend_s3cr3t\\n'"),
        httpx.ConnectError("refused for Bearer pdb_backend_s3cr3t (sig e.17000.abcdef)"),
        httpx.ReadTimeout("timed out reading 'pdb_backend_s3cr3t'"),
    ],
)
def test_connection_errors_never_carry_a_secret(error: httpx.TransportError) -> None:
    try:
        raise error
    except httpx.TransportError as caught:
        caught.__cause__ = ValueError(f"inner: {SECRETS[0]}")  # e.g. h11's own error
        failure = connection_error(caught, SECRETS)
    timeout = isinstance(error, httpx.TimeoutException)
    assert isinstance(failure, APITimeoutError if timeout else APIConnectionError)
    assert (failure.status, failure.code) == (0, "TIMEOUT" if timeout else "NETWORK_ERROR")
    assert type(error).__name__ in str(failure)
    assert "[redacted]" in str(failure)
    cause = failure.__cause__
    assert type(cause) is type(error)
    assert cause is not error
    assert cause.__cause__ is None
    assert cause.__context__ is None
    printed = "".join(traceback.format_exception(type(failure), failure, failure.__traceback__))
    for text in (str(failure), repr(failure), repr(failure.args), str(cause), repr(cause), printed):
        for secret in SECRETS:
            assert secret not in text


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

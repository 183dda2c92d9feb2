"""What both clients share: configuration, request arguments, retry policy, response reading.

The sync and async clients only add the transport: `httpx.Client` + `time.sleep` or
`httpx.AsyncClient` + `asyncio.sleep` around `ClientCore.retry_delay` and `ClientCore.result`.
"""

import json
import random
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Optional, TypeVar, Union

import httpx

from ._calls import Actor, BadBodyError, Call, credential
from ._version import __version__
from .errors import (
    BAD_RESPONSE_CODE,
    APIConnectionError,
    APITimeoutError,
    ProgressDBError,
    error_from_response,
    parse_retry_after,
)

T = TypeVar("T")

Durability = Literal["fast", "safe"]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_RETRIES = 2
INITIAL_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
# A Retry-After longer than this is not waited out: the error goes to the caller instead.
MAX_RETRY_AFTER_S = 60.0

# The outcome is unknown (the request may have been applied): only `retry_safe` calls retry.
_RETRY_STATUSES = frozenset({502, 503, 504})
REDACTED = "[redacted]"


class ClientCore:
    """Configuration and policy shared by `ProgressDB` and `AsyncProgressDB`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: Union[float, httpx.Timeout],
        max_retries: int,
        durability: Optional[Durability],
        headers: Optional[Mapping[str, str]],
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required, e.g. 'http://localhost:8080'.")
        if not api_key:
            raise ValueError("api_key is required (a backend, frontend or admin key).")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0.")
        api_key = credential(api_key, "api_key")
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.headers = {
            "Authorization": f"Bearer {api_key}",
            "User-Agent": f"progressdb-python/{__version__}",
            "Accept": "application/json",
            **(headers or {}),
        }
        self.durability = durability
        self.actor: Optional[Actor] = None

    def secrets(self) -> list[str]:
        """What must never appear in an error: the key, and the acting user's signature."""
        found = [self.api_key]
        if self.actor is not None and self.actor.signature is not None:
            found.append(self.actor.signature)
        return found

    def actor_for(self, user_id: Optional[str]) -> Actor:
        """The user to act as: the explicit `user_id`, else the one of a `for_user` client."""
        if user_id is not None:
            actor = Actor(user_id)  # trimmed and checked, so " u1" is the for_user client's "u1"
            if self.actor is not None and self.actor.user_id == actor.user_id:
                return self.actor
            return actor
        if self.actor is None:
            raise TypeError("Pass user_id=... or call the method on db.for_user(user_id).")
        return self.actor

    def request_args(self, call: Call[Any]) -> dict[str, Any]:
        """Keyword arguments for `httpx.Client.build_request` (same for AsyncClient)."""
        headers = dict(self.headers)
        if call.actor is not None:
            headers.update(call.actor.headers())
        if call.writes and self.durability is not None:
            headers["X-ProgressDB-Durability"] = self.durability
        args: dict[str, Any] = {
            "method": call.method,
            "url": self.base_url + call.path,
            "headers": headers,
            "params": dict(call.params) if call.params else None,
            "timeout": self.timeout,
        }
        if call.has_body:
            headers["Content-Type"] = "application/json"
            args["content"] = json.dumps(call.json, separators=(",", ":")).encode()
        return args

    def retry_delay(
        self,
        call: Call[Any],
        attempt: int,
        *,
        response: Optional[httpx.Response] = None,
        error: Optional[Exception] = None,
    ) -> Optional[float]:
        """Seconds to wait before attempt `attempt + 1`, or None to stop here.

        429 is retried for every request (the server rejects it before doing anything). No
        response (refused, dropped, timed out) and 502/503/504 leave the outcome unknown, so
        only `retry_safe` calls (reads, creates with a client id, set-like writes, signing)
        are retried then: the policy of @progressdb/js, which cannot tell a refused
        connection from a dropped one.
        """
        if attempt >= self.max_retries:
            return None
        if error is not None:
            if call.retry_safe and isinstance(error, httpx.TransportError):
                return backoff_s(attempt)
            return None
        assert response is not None
        status = response.status_code
        if status == 429 or (call.retry_safe and status in _RETRY_STATUSES):
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is None:
                return backoff_s(attempt)
            return retry_after if retry_after <= MAX_RETRY_AFTER_S else None
        return None

    def next_attempt(
        self,
        call: Call[Any],
        attempt: int,
        outcome: Union[httpx.Response, httpx.TransportError],
        uncertain: Optional[ProgressDBError],
    ) -> tuple[Optional[float], Optional[ProgressDBError]]:
        """The wait before another attempt (None: this outcome is final, see `conclude`), and
        the error of the first attempt whose outcome is unknown, carried to the end.

        No response, or a 502/503/504, leaves a write's outcome unknown: it may have been
        applied. A later refusal (a 429, a 409) must not hide that, or a caller told "refused"
        would send it again. Reads have no outcome to hide. Call before closing the response.
        """
        if isinstance(outcome, httpx.Response):
            delay = self.retry_delay(call, attempt, response=outcome)
        else:
            delay = self.retry_delay(call, attempt, error=outcome)
        if delay is not None and uncertain is None and call.method != "GET":
            if isinstance(outcome, httpx.TransportError):
                uncertain = connection_error(outcome, self.secrets())
            elif outcome.status_code in _RETRY_STATUSES:
                uncertain = self._error_for(outcome)
        return delay, uncertain

    def conclude(
        self,
        call: Call[T],
        outcome: Union[httpx.Response, httpx.TransportError],
        uncertain: Optional[ProgressDBError],
    ) -> T:
        """The result of the last attempt, or the error to raise: a refusal after an attempt of
        unknown outcome reports that attempt's error. Raise it outside any `except` block: a
        transport error's text may quote a key, and must become neither __cause__ nor
        __context__."""
        if isinstance(outcome, httpx.TransportError):
            raise connection_error(outcome, self.secrets())
        if uncertain is not None and 400 <= outcome.status_code < 500:
            raise uncertain
        return self.result(call, outcome)

    def result(self, call: Call[T], response: httpx.Response) -> T:
        """The parsed result of a final response, or the matching APIStatusError; a success
        that is not the API's JSON is a ProgressDBError with code `BAD_RESPONSE`."""
        if response.status_code >= 400:
            raise self._error_for(response)
        try:
            body = _decode(response)
        except ValueError:
            raise self._bad_response(response, "The response is not JSON.") from None
        try:
            return call.parse(body)
        except BadBodyError as bad:
            raise self._bad_response(response, str(bad)) from None

    @staticmethod
    def _error_for(response: httpx.Response) -> ProgressDBError:
        """The APIStatusError of a refusal (its JSON error body, when it has one)."""
        try:
            body = _decode(response)
        except ValueError:
            body = None
        return error_from_response(response.status_code, body, response.headers)

    @staticmethod
    def _bad_response(response: httpx.Response, message: str) -> ProgressDBError:
        return ProgressDBError(
            message,
            status=response.status_code,
            code=BAD_RESPONSE_CODE,
            request_id=response.headers.get("x-request-id"),
        )


def backoff_s(attempt: int) -> float:
    """Exponential backoff with jitter: half the step fixed, half random."""
    step = min(INITIAL_BACKOFF_S * (2.0**attempt), MAX_BACKOFF_S)
    return step / 2 + random.uniform(0, step / 2)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced, also as `repr` shows it (`b'...'`, escapes)."""
    for secret in secrets:
        if not secret:
            continue
        for form in {secret, repr(secret)[1:-1], repr(secret.encode())[2:-1]}:
            text = text.replace(form, REDACTED)
    return text


def connection_error(error: Exception, secrets: Iterable[str]) -> APIConnectionError:
    """The SDK error for an httpx transport failure, with no secret in it.

    The exception text may quote a request header (h11's "Illegal header value b'Bearer
    ...'"), so it is redacted, and the error is chained to a sanitised copy of the exception,
    not to the original (whose text, and whose own causes, may hold the secret). Raise the
    result outside the `except` block, or `from` its `__cause__`, so the original is not kept
    as `__context__` either.
    """
    kind = type(error).__name__
    text = redact(str(error), list(secrets))
    failure: APIConnectionError
    if isinstance(error, httpx.TimeoutException):
        failure = APITimeoutError(f"Request timed out ({kind}: {text}).")
    else:
        failure = APIConnectionError(f"Connection error ({kind}: {text}).")
    failure.__cause__ = _sanitised_copy(error, text)
    return failure


def _sanitised_copy(error: Exception, text: str) -> BaseException:
    """An exception of the same type with the redacted text, and no traceback or causes."""
    try:
        copy = type(error)(text)
    except Exception:  # a type whose constructor wants more than a message
        copy = RuntimeError(f"{type(error).__name__}: {text}")
    copy.__cause__ = None
    copy.__context__ = None
    copy.__suppress_context__ = True
    return copy


def _decode(response: httpx.Response) -> Any:
    """The JSON body, None when there is none; ValueError when it is not JSON."""
    if response.status_code == 204 or not response.content:
        return None
    return response.json()

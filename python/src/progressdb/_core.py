"""What both clients share: configuration, request arguments, retry policy, response reading.

The sync and async clients only add the transport: `httpx.Client` + `time.sleep` or
`httpx.AsyncClient` + `asyncio.sleep` around `ClientCore.retry_delay` and `ClientCore.result`.
"""

import json
import random
from collections.abc import Mapping
from typing import Any, Literal, Optional, TypeVar, Union

import httpx

from ._calls import Actor, Call
from ._version import __version__
from .errors import APIConnectionError, APITimeoutError, error_from_response, parse_retry_after

T = TypeVar("T")

Durability = Literal["fast", "safe"]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_RETRIES = 2
INITIAL_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
# A Retry-After longer than this is not waited out: the error goes to the caller instead.
MAX_RETRY_AFTER_S = 60.0

# Failures before the request reached the server: safe to retry whatever the request was.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRY_STATUSES = frozenset({502, 503, 504})


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

    def actor_for(self, user_id: Optional[str]) -> Actor:
        """The user to act as: the explicit `user_id`, else the one of a `for_user` client."""
        if user_id is not None:
            if self.actor is not None and self.actor.user_id == user_id:
                return self.actor
            return Actor(user_id)
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

        429 is retried for every request (the server rejects it before doing anything); a
        connection that never reached the server likewise. Dropped responses and 502/503/504
        leave the outcome unknown, so only `retry_safe` calls (reads, creates with a client id)
        are retried then.
        """
        if attempt >= self.max_retries:
            return None
        if error is not None:
            if isinstance(error, _NOT_SENT) or (
                call.retry_safe and isinstance(error, httpx.TransportError)
            ):
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

    def result(self, call: Call[T], response: httpx.Response) -> T:
        """The parsed result of a final response, or the matching APIStatusError."""
        body = _decode(response)
        if response.status_code >= 400:
            raise error_from_response(response.status_code, body, response.headers)
        return call.parse(body)


def backoff_s(attempt: int) -> float:
    """Exponential backoff with jitter: half the step fixed, half random."""
    step = min(INITIAL_BACKOFF_S * (2.0**attempt), MAX_BACKOFF_S)
    return step / 2 + random.uniform(0, step / 2)


def connection_error(error: Exception) -> APIConnectionError:
    """The SDK error for an httpx transport failure."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out ({type(error).__name__}).")
    return APIConnectionError(f"Connection error ({type(error).__name__}: {error}).")


def _decode(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None

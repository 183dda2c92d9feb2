"""The errors the SDK raises: one hierarchy under `ProgressDBError`.

Branch on the class or on `code` (the stable codes of docs/errors.md), never on the message.

    try:
        db.get_thread("t1", user_id="u1")
    except NotFoundError as e:
        print(e.status, e.code, e.request_id)   # 404 THREAD_NOT_FOUND 5f3a...-1
"""

import email.utils
import time
from collections.abc import Mapping
from typing import Any, Literal, Optional, TypedDict

ErrorCode = Literal[
    "MALFORMED_REQUEST",
    "BAD_JSON",
    "VALIDATION_FAILED",
    "INVALID_ID",
    "INVALID_CURSOR",
    "INVALID_REPLY_TO",
    "MISSING_API_KEY",
    "INVALID_API_KEY",
    "MISSING_USER_ID",
    "MISSING_SIGNATURE",
    "INVALID_SIGNATURE",
    "SIGNATURE_EXPIRED",
    "KEY_NOT_ALLOWED",
    "ORIGIN_NOT_ALLOWED",
    "THREAD_ACCESS_DENIED",
    "READ_ONLY_PARTICIPANT",
    "NOT_MESSAGE_AUTHOR",
    "NOT_THREAD_OWNER",
    "ROUTE_NOT_FOUND",
    "THREAD_NOT_FOUND",
    "MESSAGE_NOT_FOUND",
    "WEBHOOK_NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "VERSION_CONFLICT",
    "THREAD_ID_TAKEN",
    "MESSAGE_ID_PURGED",
    "THREAD_DELETED",
    "MESSAGE_DELETED",
    "MESSAGE_NOT_STREAMING",
    "STALE_CURSOR",
    "MESSAGE_NOT_DELETED",
    "THREAD_NOT_DELETED",
    "PARTICIPANT_CONFLICT",
    "WEBHOOK_READ_ONLY",
    "SUBSCRIBER_TOO_SLOW",
    "REQUEST_TIMEOUT",
    "UPGRADE_REQUIRED",
    "HEADERS_TOO_LARGE",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMITED",
    "INTERNAL",
    "SHUTTING_DOWN",
    "STORAGE_UNAVAILABLE",
    "STORAGE_FULL",
]
"""The server's stable error codes (packages/protocol/src/error-codes.ts). `code` is typed
`str` because a newer server may send a code this SDK does not know yet."""

BAD_RESPONSE_CODE = "BAD_RESPONSE"
"""`code` of a response that is not the API's JSON: an error status without a ProgressDB error
body (e.g. a proxy's HTML 502), or a success whose body cannot be read. Same as @progressdb/js."""

NETWORK_ERROR_CODE = "NETWORK_ERROR"
"""`code` of `APIConnectionError` (status 0): no response (refused, reset, dropped)."""

TIMEOUT_CODE = "TIMEOUT"
"""`code` of `APITimeoutError` (status 0): no complete response within the timeout."""


class ErrorDetail(TypedDict):
    """One problem of a VALIDATION_FAILED: a JSON pointer (`/title`) or `query.<name>`."""

    path: str
    message: str


class ProgressDBError(Exception):
    """Base class of every error raised by the SDK.

    `status` is the HTTP status, or 0 when no response arrived (`APIConnectionError` with code
    `NETWORK_ERROR`, `APITimeoutError` with code `TIMEOUT`); `request_id` is None then.
    """

    status: Optional[int]
    code: Optional[str]
    request_id: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id

    def __str__(self) -> str:
        if self.status is None or self.code is None:
            return self.message
        if self.status == 0:
            return f"{self.code}: {self.message}"
        return f"{self.status} {self.code}: {self.message} (request_id={self.request_id})"


class APIStatusError(ProgressDBError):
    """The server answered with an error status; `status` and `code` are always set."""

    status: int
    code: str

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        request_id: Optional[str] = None,
        details: Optional[list[ErrorDetail]] = None,
    ) -> None:
        super().__init__(message, status=status, code=code, request_id=request_id)
        self.details: list[ErrorDetail] = details or []


class BadRequestError(APIStatusError):
    """400: the request was malformed (BAD_JSON, INVALID_ID, INVALID_CURSOR, ...)."""


class ValidationError(BadRequestError):
    """400 VALIDATION_FAILED; `details` lists each problem with its path."""


class AuthenticationError(APIStatusError):
    """401: missing or unknown key, missing user id, bad or expired user signature."""


class PermissionDeniedError(APIStatusError):
    """403: the key or the user may not do this (THREAD_ACCESS_DENIED, NOT_THREAD_OWNER, ...)."""


class NotFoundError(APIStatusError):
    """404: THREAD_NOT_FOUND, MESSAGE_NOT_FOUND, ROUTE_NOT_FOUND."""


class ConflictError(APIStatusError):
    """409: VERSION_CONFLICT, THREAD_DELETED, MESSAGE_DELETED, ..."""


class PayloadTooLargeError(APIStatusError):
    """413 PAYLOAD_TOO_LARGE: the body exceeds the server's `limits.bodyMaxBytes`."""


class RateLimitError(APIStatusError):
    """429 RATE_LIMITED; `retry_after` is the server's Retry-After in seconds, if it sent one."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        request_id: Optional[str] = None,
        details: Optional[list[ErrorDetail]] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message, status=status, code=code, request_id=request_id, details=details)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: INTERNAL, SHUTTING_DOWN, STORAGE_UNAVAILABLE, STORAGE_FULL, or a proxy's error."""


class APIConnectionError(ProgressDBError):
    """No response: the connection failed or was dropped (after any retries). `status` is 0,
    `code` is `NETWORK_ERROR` (`TIMEOUT` for `APITimeoutError`), as in @progressdb/js.

    The message names the underlying exception's type and its text with every configured
    secret (key, signature) replaced by `[redacted]`; so does the sanitised copy of that
    exception chained as `__cause__` (the original is not kept: its text may hold a secret).
    """

    status: int
    code: str
    default_code = NETWORK_ERROR_CODE

    def __init__(self, message: str, *, code: Optional[str] = None) -> None:
        super().__init__(message, status=0, code=code or self.default_code)


class APITimeoutError(APIConnectionError):
    """No response within the client's timeout (after any retries); code `TIMEOUT`."""

    default_code = TIMEOUT_CODE


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}


def error_class_for(status: int, code: str) -> type[APIStatusError]:
    """The exception class for a status and code (VALIDATION_FAILED is a ValidationError)."""
    if code == "VALIDATION_FAILED":
        return ValidationError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIStatusError)


def parse_retry_after(value: Optional[str], now_s: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now_s is None else now_s)
    return max(0.0, seconds)


def error_from_response(status: int, body: Any, headers: Mapping[str, str]) -> APIStatusError:
    """Builds the exception for an error response (`body` is the decoded JSON, or None).

    A body that is not the API's error (`{"error": str, "code": str, ...}`), e.g. a proxy's
    HTML page, gives code `BAD_RESPONSE`, as in @progressdb/js.
    """
    fields: Mapping[str, Any] = body if isinstance(body, dict) else {}
    code = fields.get("code")
    message = fields.get("error")
    if not (isinstance(code, str) and code and isinstance(message, str)):
        code = BAD_RESPONSE_CODE
        message = f"HTTP {status} without an API error body."
        fields = {}
    request_id = fields.get("request_id")
    if not isinstance(request_id, str) or not request_id:
        request_id = headers.get("x-request-id")
    details_raw = fields.get("details")
    details: list[ErrorDetail] = []
    if isinstance(details_raw, list):
        details = [
            ErrorDetail(path=str(d.get("path", "")), message=str(d.get("message", "")))
            for d in details_raw
            if isinstance(d, dict)
        ]
    cls = error_class_for(status, code)
    if cls is RateLimitError:
        return RateLimitError(
            message,
            status=status,
            code=code,
            request_id=request_id,
            details=details,
            retry_after=parse_retry_after(headers.get("retry-after")),
        )
    return cls(message, status=status, code=code, request_id=request_id, details=details)

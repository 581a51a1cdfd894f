"""Domain errors. Each carries the HTTP status, a snake_case code and a message naming the field.

The HTTP layer turns them into ``{"error": {"code", "message"}}`` at one place.
"""

from __future__ import annotations


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Headers the answer must carry (a 405's ``Allow``).
        self.headers = headers or {}


class UnknownApiKey(ApiError):
    status = 401
    code = "unknown_api_key"


class BadAccessToken(ApiError):
    status = 401
    code = "bad_access_token"


class InvalidField(ApiError):
    status = 400
    code = "invalid_field"


class MalformedBody(ApiError):
    status = 400
    code = "malformed_body"


class InvalidDate(ApiError):
    status = 400
    code = "invalid_date"


class DateRangeReversed(ApiError):
    status = 400
    code = "date_range_reversed"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class MethodNotAllowed(ApiError):
    status = 405
    code = "method_not_allowed"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class StorageFailed(ApiError):
    """``--db`` could not store what a request would have accepted: it is refused whole."""

    status = 507
    code = "storage_failed"


class ConfigError(ApiError):
    """A configuration refused at start or by ``PUT /_mock/config``."""

    status = 400
    code = "invalid_config"

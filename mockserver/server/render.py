"""JSON responses and the one place where errors become the error body."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import jsonio
from ..errors import ApiError
from ..journal import Entry


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=jsonio.dumps(data), status=status, content_type="application/json")


def journalled(
    entry: Entry, data: Any, status: int = 200, extra: dict[str, str] | None = None
) -> web.Response:
    """The JSON answer to a journalled request: kept in its entry, which its
    ``X-Mock-Journal-Id`` header names (one headers mapping, built once)."""
    body = jsonio.dumps(data)
    entry.finish(status, body)
    headers = {"Content-Type": "application/json", "X-Mock-Journal-Id": str(entry.id)}
    if extra:
        headers.update(extra)
    return web.Response(body=body, status=status, headers=headers)


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error(exc: ApiError) -> web.Response:
    response = ok(error_body(exc.code, exc.message), exc.status)
    response.headers.update(exc.headers)
    return response


def http_error(exc: web.HTTPException, request: web.Request) -> web.Response:
    """Turns aiohttp's own refusals (404, 405, 413) into the error body, keeping the headers
    they must carry (a 405's ``Allow``, RFC 9110)."""
    response = ok(http_error_body(exc, request), exc.status)
    for name in ("Allow", "WWW-Authenticate", "Retry-After"):
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


def http_error_body(exc: web.HTTPException, request: web.Request) -> dict[str, Any]:
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        limit = request.client_max_size
        code, message = "body_too_large", f"body: larger than the limit of {limit} bytes"
    elif isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        code, message = "method_not_allowed", f"{request.method} {request.path}: use {allowed}"
    elif isinstance(exc, web.HTTPNotFound):
        code, message = "not_found", f"{request.path}: no such route"
    else:
        code, message = exc.reason.lower().replace(" ", "_"), exc.text or exc.reason
    return error_body(code, message)

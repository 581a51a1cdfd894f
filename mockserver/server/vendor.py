"""The vendor's methods: make, newcall, cdr (and a helpful 404 for any other method name)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from ..backend import Backend
from ..errors import ApiError, MethodNotAllowed, NotFound
from ..journal import Entry
from . import render
from .keys import Handler
from .parsing import multipart, read_fields, read_form, refuse_oversized

METHODS = ("make", "newcall", "cdr")
#: A method's handler proper: the request, the backend, its journal entry, and the body
#: (bytes) or, for a method that reads fields, the fields; it answers without awaiting,
#: with the data of its JSON answer and the status.
Inner = Callable[[web.Request, Backend, Entry, Any], tuple[Any, int]]


def start_entry(request: web.Request, backend: Backend, operation: str, body: bytes) -> Entry:
    """The journal entry of a request to one of the vendor's methods."""
    return backend.journal.start(
        at=backend.clock.now(),
        method=request.method,
        path=request.path,
        api_key=request.match_info.get("api_key", ""),
        operation=operation,
        query=dict(request.query) if request.query_string else {},
        body=body,
    )


def journalled(operation: str, fields: bool = False) -> Callable[[Inner], Handler]:
    """Records the request, its contract warnings and its answer in the journal.

    ``inner`` is given the raw body, or with ``fields`` the request's fields (query string
    and body together, read as PHP reads them). One coroutine for the whole request: the
    waiting (the body, a multipart form) happens here, and ``inner`` runs straight through.
    The handler takes the request and the backend, which :func:`~.app.guarded` passes it.
    """

    def wrap(inner: Inner) -> Handler:
        async def handler(request: web.Request, backend: Backend) -> web.Response:
            refused: web.HTTPRequestEntityTooLarge | None = None
            body, form_body = b"", False
            try:
                refuse_oversized(request)
                form_body = multipart(request)
                if not form_body:  # a multipart body is read as a form, below
                    body = await request.read()
            except web.HTTPRequestEntityTooLarge as exc:
                refused = exc
            entry = start_entry(request, backend, operation, body)
            extra: dict[str, str] = {}
            try:
                if refused is not None:
                    raise refused
                if fields:
                    form = await read_form(request) if form_body else None
                    given = _fields(request, entry, body, form)
                    data, status = inner(request, backend, entry, given)
                else:
                    data, status = inner(request, backend, entry, body)
            except ApiError as exc:
                data, status = render.error_body(exc.code, exc.message), exc.status
                extra = exc.headers
            except web.HTTPRequestEntityTooLarge as exc:  # also raised by the multipart reader
                entry.warn("body_too_large", "(body)", "the body is over the limit")
                data, status = render.http_error_body(exc, request), exc.status
            if status < 400:
                learn_origin(request, backend)
            return render.journalled(entry, data, status, extra)

        return handler

    return wrap


def learn_origin(request: web.Request, backend: Backend) -> None:
    """Recording URLs point where clients reach us: the origin of the latest request that
    authenticated (an answer under 400), never of one that did not, so a stranger's
    ``Host`` cannot re-point them; kept in memory only (built again only on a new Host)."""
    if request.host != backend.recordings.public_host:
        backend.reached_at(request.host, str(request.url.origin()))


def _fields(
    request: web.Request, entry: Entry, body: bytes, form: MultiDictProxy[Any] | None
) -> dict[str, Any]:
    fields, repeated = read_fields(request, body, form)
    for name in repeated:
        entry.warn(
            "repeated_field", name, f"{name} is given more than once; the last value is used"
        )
    return fields


@journalled("make")
def make(request: web.Request, backend: Backend, entry: Entry, body: bytes) -> tuple[Any, int]:
    if request.content_type != "application/json":
        entry.warn(
            "content_type",
            "Content-Type",
            f"make is documented as application/json, got {request.content_type!r}",
        )
    report = backend.make(request.match_info["api_key"], body, entry)
    return report.body(), report.status


@journalled("newcall", fields=True)
def newcall(
    request: web.Request, backend: Backend, entry: Entry, fields: dict[str, Any]
) -> tuple[Any, int]:
    return backend.newcall(request.match_info["api_key"], fields, entry), 200


@journalled("cdr", fields=True)
def cdr(
    request: web.Request, backend: Backend, entry: Entry, fields: dict[str, Any]
) -> tuple[Any, int]:
    return backend.cdr(request.match_info["api_key"], fields, entry), 200


@journalled("unknown")
def unknown_method(
    request: web.Request, backend: Backend, entry: Entry, body: bytes
) -> tuple[Any, int]:
    backend.account(request.match_info["api_key"])
    method = request.match_info["method"]
    if method in METHODS:
        allowed = "POST" if method == "make" else "GET or POST"
        allow = "POST" if method == "make" else "GET, POST"
        raise MethodNotAllowed(
            f"{request.method} {request.path}: {method} takes {allowed}", {"Allow": allow}
        )
    # A name this long cannot be a slip of a method's (difflib's cost grows with it).
    close = difflib.get_close_matches(method, METHODS, n=1) if len(method) <= 24 else []
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise NotFound(f"{method!r} is not a method of the API ({', '.join(METHODS)}){hint}")


async def recording(request: web.Request, backend: Backend) -> web.Response:
    """A call's WAV, at the unguessable URL its webhook carried."""
    info = request.match_info
    wav = backend.recording(info["api_key"], info["token"])
    return web.Response(body=wav, content_type="audio/wav")

"""Reading a request's fields the way PHP does: query string, form, multipart or JSON alike."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from yarl import query_to_pairs

from .. import jsonbody
from ..errors import MalformedBody


def refuse_oversized(request: web.Request) -> None:
    """413 on a declared length over the limit, before a byte of the body is read.

    Without a Content-Length (chunked), aiohttp's ``client_max_size`` stops
    reading at the limit instead; either way the body is never held whole.
    """
    length, limit = request.content_length, request.client_max_size
    if length is not None and length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=length)


def multipart(request: web.Request) -> bool:
    """Whether the body is multipart: then it is read as a form (:func:`read_form`), never
    held whole as bytes."""
    return request.content_type.startswith("multipart/")


async def read_form(request: web.Request) -> MultiDictProxy[Any]:
    try:
        return await request.post()
    except ValueError as exc:  # no boundary, truncated parts, undecodable values
        raise MalformedBody(f"body: not valid multipart/form-data ({exc})") from None


def read_fields(
    request: web.Request, body: bytes, form: MultiDictProxy[Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Query string overlaid with the body's fields (``form``'s, for a multipart body), and
    the names given more than once.

    As in PHP, a repeated name keeps its last value and body fields override the
    query string's.
    """
    pairs: list[tuple[str, Any]] = []
    repeated: list[str] = []
    if form is not None:
        pairs = [(k, v if isinstance(v, str) else v.filename) for k, v in form.items()]
    elif body and not body.isspace():  # (isspace: no stripped copy of the body)
        pairs, repeated = _body_pairs(request.content_type, body)
    if request.query_string:  # rare: a newcall or cdr sent with a query string
        pairs = [*request.query.items(), *pairs]
    fields = dict(pairs)
    if len(fields) < len(pairs):  # a name given twice (the dict kept its last value)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
    return fields, repeated


def _body_pairs(content_type: str, body: bytes) -> tuple[list[tuple[str, Any]], list[str]]:
    """The body's fields, and the JSON keys given twice (the last is kept, as PHP does)."""
    if content_type == "application/json" or body.lstrip()[:1] == b"{":
        parsed = jsonbody.loads(body)
        if not isinstance(parsed.data, dict):
            raise MalformedBody("body: a JSON body must be an object of fields")
        return list(parsed.data.items()), parsed.duplicates
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("body: form fields must be UTF-8") from None
    # yarl's parser (aiohttp's own, for request.post()): the stdlib's parse_qsl, blank
    # values kept, at a quarter of its cost; a newcall form is read on every request.
    return query_to_pairs(text), []

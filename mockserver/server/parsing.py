"""Reading a request's fields the way PHP does: query string, form, multipart or JSON alike."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiDictProxy
from yarl import query_to_pairs

from .. import jsonbody
from ..errors import MalformedBody
from ..text import require, require_bytes

_VALUE = itemgetter(1)
#: A Host header: a name or IPv4 address, or an IPv6 address in brackets, and a port.
HOST = re.compile(r"(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._-]{1,253})(?::([0-9]{1,5}))?")


def check_head(request: web.Request) -> None:
    """The Unicode gate of a request's head: every header, the path and the query string are
    valid Unicode, and the Host header names a host and a port, or :class:`MalformedBody`
    names the one that is not.

    aiohttp refuses raw non-ASCII bytes in the request line itself, decodes percent-escapes
    that are not UTF-8 as U+FFFD, and decodes header bytes with ``surrogateescape``: the
    headers are where a byte that is not UTF-8 gets in. A head of ASCII, nearly every one,
    costs one ``isascii()`` a header value.
    """
    raw = request.raw_headers
    # Values only: aiohttp's parser refuses a header name that is not an ASCII token.
    if not all(map(bytes.isascii, map(_VALUE, raw))):  # 0.5 us for seven headers
        for name, value in raw:
            require_bytes(f"header {name.decode('ascii', 'replace')}", value)
    require("path", request.path)
    if request.query_string:
        require("query string", request.query_string)
    host = request.headers.get("Host")
    if host is not None:
        problem = host_problem(host)
        if problem is not None:
            raise MalformedBody(f"Host: {problem}")


@lru_cache(maxsize=64)
def host_problem(host: str) -> str | None:
    """What is wrong with a Host header; None for a host and an optional port 0-65535.
    Cached: a client sends the same Host on every request."""
    match = HOST.fullmatch(host)
    if match is None:
        return f"not a host name or address with an optional port (got {host[:60]!r})"
    port = match.group(2)
    if port is not None and int(port) > 65535:
        return f"port {port} is over 65535"
    return None


def refuse_oversized(request: web.Request) -> None:
    """413 on a declared length over the limit, before a byte of the body is read.

    Without a Content-Length (chunked), aiohttp's ``client_max_size`` stops
    reading at the limit instead; either way the body is never held whole.
    """
    length, limit = request.content_length, request.client_max_size
    if length is not None and length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=length)


def set_body_limit(app: web.Application, limit: int) -> None:
    """``body_limit`` from now on: aiohttp gives each request the application's
    ``_client_max_size`` when the request is made (3.9 to 3.14; tests/test_limits.py fails
    if a release stops), so a changed configuration applies to the next request."""
    app._client_max_size = limit


def multipart(request: web.Request) -> bool:
    """Whether the body is multipart: then it is read as a form (:func:`read_form`), never
    held whole as bytes."""
    return request.content_type.startswith("multipart/")


async def read_form(request: web.Request) -> MultiDictProxy[str]:
    """A multipart body's fields as texts, each name, filename and value through the Unicode
    gate (aiohttp decodes names and filenames with ``surrogateescape``). A file part's
    value is its filename, as PHP's ``$_REQUEST`` would not have it at all; a part of a
    type that is not text is read as UTF-8."""
    try:
        form = await request.post()
    except ValueError as exc:  # no boundary, truncated parts, undecodable values
        raise MalformedBody(f"body: not valid multipart/form-data ({exc})") from None
    except LookupError as exc:  # a part's charset=... that Python does not know
        raise MalformedBody(f"body: a multipart part names an unknown charset ({exc})") from None
    fields: MultiDict[str] = MultiDict()
    for name, value in form.items():
        require("multipart field name", name)
        if isinstance(value, str):
            text = require(name, value)
        elif isinstance(value, bytes | bytearray):
            text = require_bytes(name, bytes(value))
        else:  # a file part
            text = require(f"{name}: filename", value.filename)
        fields.add(name, text)
    return MultiDictProxy(fields)


def read_fields(
    request: web.Request, body: bytes, form: MultiDictProxy[str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Query string overlaid with the body's fields (``form``'s, for a multipart body), and
    the names given more than once.

    As in PHP, a repeated name keeps its last value and body fields override the
    query string's.
    """
    pairs: list[tuple[str, Any]] = []
    repeated: list[str] = []
    if form is not None:
        pairs = list(form.items())
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
    text = require_bytes("body: form fields", body)
    # yarl's parser (aiohttp's own, for request.post()): the stdlib's parse_qsl, blank
    # values kept, at a quarter of its cost; a newcall form is read on every request.
    return query_to_pairs(text), []

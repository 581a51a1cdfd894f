"""Reading a request's fields the way PHP does: query string, form, multipart or JSON alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from .. import jsonio
from ..errors import MalformedBody


async def read_body(request: web.Request) -> bytes:
    """The raw body; aiohttp refuses more than ``client_max_size`` bytes with 413."""
    if request.content_type.startswith("multipart/"):
        return b""  # read by read_fields through the multipart reader
    return await request.read()


async def read_fields(request: web.Request, body: bytes) -> tuple[dict[str, Any], list[str]]:
    """Query string overlaid with the body's fields, and the names given more than once.

    As in PHP, a repeated name keeps its last value and body fields override the
    query string's.
    """
    pairs: list[tuple[str, Any]] = list(request.query.items())
    if request.content_type.startswith("multipart/"):
        try:
            form: MultiDictProxy[Any] = await request.post()
        except ValueError as exc:  # e.g. no boundary: the client's fault, not a crash
            raise MalformedBody(f"body: not a valid multipart body ({exc})") from None
        pairs += [(k, v if isinstance(v, str) else v.filename) for k, v in form.items()]
    elif body.strip():
        pairs += _body_pairs(request.content_type, body)
    fields: dict[str, Any] = {}
    repeated: list[str] = []
    for key, value in pairs:
        if key in fields and key not in repeated:
            repeated.append(key)
        fields[key] = value
    return fields, repeated


def _body_pairs(content_type: str, body: bytes) -> list[tuple[str, Any]]:
    if content_type == "application/json" or body.lstrip()[:1] == b"{":
        try:
            data = jsonio.loads(body)
        except (ValueError, RecursionError) as exc:
            raise MalformedBody(f"body: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise MalformedBody("body: a JSON body must be an object of fields")
        return list(data.items())
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("body: form fields must be UTF-8") from None
    return list(MultiDict(parse_qsl(text, keep_blank_values=True)).items())

"""Reading a JSON request body defensively.

A shared fake meets every kind of broken body. Each way one can fail becomes a
:class:`MalformedBody` that names the problem here, at the door, rather than a
crash (or a poisoned record) deeper in: bytes that are not UTF-8, syntax errors,
nesting deeper than any request of the contract (``json`` and the validators
recurse, so a 900-level body would otherwise reach them), ``NaN``/``Infinity``
(not JSON, though Python reads them), numbers too large for a float, and
unpaired surrogates such as ``"\\ud800"``, which decode to a ``str`` that can
never be encoded again: stored, they would break every later answer showing it.

Duplicate keys are not refused here: PHP's ``json_decode`` keeps the last
value, and so do we; the caller decides whether to warn (the vendor's methods)
or refuse (the control API).

Speed: a 1000-row make body goes through orjson (strict: no NaN, no lone
surrogates) and one walk over its containers that checks the depth and counts
the keys. Only when orjson refuses the body, or the body holds more ``":`` than
keys were kept (a key given twice, or unusual spacing), does the stdlib parser
below, with a hook on every object, read it again to say exactly what is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import orjson

from .errors import MalformedBody
from .text import surrogate_at

_SCALARS = frozenset({str, int, float, bool, type(None)})
#: Deeper than any body of the contract (make is 4 levels, the configuration 6).
MAX_DEPTH = 32
# A lone surrogate can only come from a \u escape: the text itself is valid UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]", re.ASCII)
_LOW_ESCAPE = re.compile(r"\\u[dD][c-fC-F]", re.ASCII)


@dataclass(slots=True)
class Parsed:
    data: Any
    #: Keys given more than once in one object, in order of discovery; the last value is kept.
    duplicates: list[str] = field(default_factory=list)


def loads(body: bytes) -> Parsed:
    """The body's JSON value, or :class:`MalformedBody` naming what is wrong with it."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _explained(body)
    if _keys_within_depth(data) != body.count(b'":'):
        return _explained(body)
    return Parsed(data)


def _keys_within_depth(data: Any) -> int:
    """How many keys the value's objects hold; refuses nesting deeper than MAX_DEPTH.

    Iterative, so that checking the depth cannot itself run out of stack."""
    keys = 0
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedBody(f"body: nested deeper than {MAX_DEPTH} levels")
        if type(value) is dict:
            keys += len(value)
            value = value.values()
        elif depth < MAX_DEPTH and _ROWS.issuperset(map(type, value)) and _flat(value):
            keys += sum(map(len, value))  # a make batch: a thousand rows counted in C
            continue
        if not _SCALARS.issuperset(map(type, value)):  # the usual row holds only scalars
            stack.extend((c, depth + 1) for c in value if isinstance(c, dict | list))
    return keys


_ROWS = frozenset({dict})


def _flat(objects: list[dict[str, Any]]) -> bool:
    """Whether every value of these objects is a scalar (checked in C, without a loop here)."""
    return _SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, objects))))


def _explained(body: bytes) -> Parsed:
    """The stdlib's reading, which names each problem and each repeated key."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBody(
            f"body: not UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})"
        ) from None
    parsed = Parsed(None)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj and key not in parsed.duplicates:
                parsed.duplicates.append(key)
            obj[key] = value
        return obj

    try:
        parsed.data = json.loads(
            text, object_pairs_hook=pairs, parse_constant=_constant, parse_float=_float
        )
    except RecursionError:
        raise MalformedBody(f"body: nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # syntax, an integer over 4300 digits, NaN, an infinite float
        raise MalformedBody(f"body: not valid JSON ({exc})") from None
    _keys_within_depth(parsed.data)
    if _SURROGATE_ESCAPE.search(text) or _LOW_ESCAPE.search(text):
        _check_strings(parsed.data)
    return parsed


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {literal[:40]} is too large for a 64-bit float")
    return value


def _check_strings(data: Any) -> None:
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                _encodable(key)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            _encodable(value)


def _encodable(text: str) -> None:
    at = surrogate_at(text)  # the one Unicode check (text.py), worded here for JSON's escape
    if at is not None:
        # The message must not carry the surrogate itself: it could not be sent either.
        start = ascii(text[:30])
        raise MalformedBody(
            f"body: the string {start} holds an unpaired surrogate "
            f"\\u{ord(text[at]):04x} (at {at}), which is not a Unicode character"
        )

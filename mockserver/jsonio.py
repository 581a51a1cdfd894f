"""JSON out, through orjson: several times faster than the stdlib on a 30,000-row cdr.

Writing falls back to the stdlib for what orjson refuses (integers beyond 64 bits in a
configuration, say). Request bodies are read by :mod:`mockserver.jsonbody`.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from .text import scrubbed


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; Cyrillic stays as it is, not \\u-escaped.

    Always encodes: a lone surrogate that got past the Unicode gate (:mod:`.text`) goes out
    as U+FFFD rather than turning every later answer that shows it into a 500.
    """
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson's JSONEncodeError is one: big integers, lone surrogates
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return scrubbed(text).encode("utf-8")

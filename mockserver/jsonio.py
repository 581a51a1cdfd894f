"""JSON out, through orjson: several times faster than the stdlib on a 30,000-row cdr.

Writing falls back to the stdlib for what orjson refuses (integers beyond 64 bits in a
configuration, say). Request bodies are read by :mod:`mockserver.jsonbody`.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; Cyrillic stays as it is, not \\u-escaped."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

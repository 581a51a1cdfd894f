"""Cassettes: the exchanges a proxy saw, one JSON object a line, and what replay matches on.

A line holds the request (method, path, query string, content type, body) and the answer
(status, the headers that matter, body, elapsed milliseconds, wall-clock time). A body
that is UTF-8 is kept as text (``body``), anything else as base64 (``body_base64``).

Redaction (the default of ``--record``) lives in :mod:`mockserver.redact`; a redacted
line says so (``"redacted": true``), and replay then matches requests on what
redaction keeps: the last four digits of numbers, not names, texts or tokens.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from .phones import normalise

#: The vendor's methods: the path's second segment names the operation.
OPERATIONS = ("make", "newcall", "cdr")
#: Fields of a request that hold a subscriber number, a name or a free text.
PHONE_FIELDS = frozenset({"phone", "to", "DST"})
TEXT_FIELDS = frozenset({"name", "var1", "var2", "var3"})
SECRET_FIELDS = frozenset({"access_token"})
#: Answer headers kept in a cassette and served again by replay.
KEPT_HEADERS = ("Content-Type",)


class CassetteError(ValueError):
    """A cassette line that is not an exchange: names the file, the line and the rule."""


@dataclass
class Exchange:
    """One request through the proxy and the upstream's answer."""

    method: str
    path: str  # as sent, the api key segment included
    query: str = ""  # the raw query string
    request_type: str = ""  # the request's Content-Type
    request_body: bytes = b""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: float = 0.0
    time: str = ""
    redacted: bool = False

    @property
    def operation(self) -> str:
        """make, newcall, cdr, recording, or other."""
        parts = [p for p in self.path.split("/") if p]
        if len(parts) == 2 and parts[1] in OPERATIONS:
            return parts[1]
        if len(parts) == 3 and parts[1] == "recordings":
            return "recording"
        return "other"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "redacted": self.redacted,
            "request": {"content_type": self.request_type, **_body(self.request_body)},
            "response": {"status": self.status, "headers": self.headers, **_body(self.body)},
        }

    def to_line(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> Exchange:
        """Raises KeyError, TypeError or ValueError on a line of another shape."""
        request, response = data["request"], data["response"]
        return cls(
            method=str(data["method"]),
            path=str(data["path"]),
            query=str(data.get("query", "")),
            request_type=str(request.get("content_type", "")),
            request_body=_unbody(request),
            status=int(response["status"]),
            headers={str(k): str(v) for k, v in dict(response.get("headers", {})).items()},
            body=_unbody(response),
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            time=str(data.get("time", "")),
            redacted=bool(data.get("redacted", False)),
        )


def _body(raw: bytes) -> dict[str, str]:
    try:
        return {"body": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(raw).decode("ascii")}


def _unbody(part: dict[str, Any]) -> bytes:
    if "body_base64" in part:
        return base64.b64decode(part["body_base64"], validate=True)
    return str(part.get("body", "")).encode("utf-8")


#: Lines read from one cassette at most: what replay and drift hold in memory is bounded.
MAX_LINES = 100_000


def read(path: str | Path) -> Iterator[Exchange]:
    """The exchanges of a cassette, in order; :class:`CassetteError` on a bad line."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if number > MAX_LINES:
                raise CassetteError(f"{path}: more than {MAX_LINES} lines; split the cassette")
            if not line.strip():
                continue
            try:
                yield Exchange.from_dict(json.loads(line))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CassetteError(
                    f"{path}:{number}: not a cassette line "
                    f"(an object with method, path, request and response.status): {exc}"
                ) from None


# -- what replay matches on ---------------------------------------------------------------------


def request_fields(exchange: Exchange) -> Any:
    """The request's data: make's JSON body; newcall's and cdr's query string and body fields
    together (the body's win, as PHP reads them); None for an unreadable body."""
    body = exchange.request_body
    fields: dict[str, Any] = dict(parse_qsl(exchange.query, keep_blank_values=True))
    if exchange.operation == "make" or exchange.request_type.startswith("application/json"):
        try:
            data = json.loads(body) if body.strip() else None
        except ValueError:
            return None
        if exchange.operation == "make":
            return data
        if isinstance(data, dict):
            fields.update(data)
        return fields
    if exchange.request_type.startswith("multipart/"):
        return None
    if body.strip():
        try:
            fields.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return None
    return fields


def masked(data: Any, name: str = "") -> Any:
    """``data`` as a redacted cassette can still match it: numbers by their last four digits,
    names and texts by whether they are given, tokens not at all."""
    if isinstance(data, dict):
        return {k: masked(v, k) for k, v in data.items() if k not in SECRET_FIELDS}
    if isinstance(data, list):
        return [masked(v, name) for v in data]
    if name in PHONE_FIELDS and data not in (None, ""):
        return "…" + normalise(str(data))[-4:]
    if name in TEXT_FIELDS and data not in (None, ""):
        return "*"
    return data


def match_key(exchange: Exchange, redacted: bool) -> str:
    """Method, path without the api key, and the normalised request data: one string, so two
    requests match when their keys are equal and the closest is the most similar key."""
    parts = [p for p in exchange.path.split("/") if p]
    path = "/" + "/".join(parts[1:])
    data = request_fields(exchange)
    if data is None:
        data = exchange.request_body.decode("utf-8", "replace")
    elif isinstance(data, dict) and exchange.operation != "make":
        data = {k: str(v) for k, v in data.items()}  # a form's "1" is a JSON body's 1
    if redacted:
        data = masked(data)
    return json.dumps([exchange.method, path, data], ensure_ascii=False, sort_keys=True)

"""Reading a make request: the envelope around the rows, the token, and the refusals of the
whole batch with their errorcodes (1 bad token, 4 over 1000 rows, 5 not a batch)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from . import jsonbody, lint, rows
from .errors import MalformedBody
from .journal import Entry
from .validation import validator

MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class MakeReport:
    status: int
    lines: int
    ok: int = 0
    inserted: int = 0
    errorcode: str = "0"
    id: int = 0

    def body(self) -> dict[str, Any]:
        """Every value a string, as the vendor's page shows."""
        return {
            "report": {
                "lines": str(self.lines),
                "ok": str(self.ok),
                "inserted": str(self.inserted),
                "errorcode": self.errorcode,
                "id": str(self.id),
            }
        }


@dataclass(frozen=True, slots=True)
class Batch:
    data: list[Any]  # the rows, not yet checked


def read(body: bytes, token: str, entry: Entry) -> Batch | MakeReport:
    """The rows to process, or the report refusing the whole batch."""
    try:
        parsed = jsonbody.loads(body)
    except MalformedBody as exc:
        entry.warn("malformed_body", "(body)", exc.message)
        return MakeReport(400, 0, errorcode="5")
    payload = parsed.data
    for key in parsed.duplicates:
        entry.warn(
            "duplicate_key", key, f"key {key!r} appears twice in an object; the last is used"
        )
    # The envelope alone: the rows are checked where they are read (column by column for a
    # clean batch, see columns.py; one by one otherwise).
    envelope = validator("make.envelope")
    errors = [] if envelope.is_valid(payload) else envelope.errors(payload)
    for error in errors:
        entry.warn("envelope", error.field, str(error))
    if not (isinstance(payload, dict) and isinstance(payload.get("query"), dict)):
        return MakeReport(400, 0, errorcode="5")
    data = payload["query"].get("data")
    lines = len(data) if isinstance(data, list) else 0
    if any(e.field == "query.access_token" for e in errors):
        return MakeReport(401, lines, errorcode="1")
    if not same(rows.text(payload["query"].get("access_token")), token):
        entry.warn("bad_access_token", "query.access_token", "does not match the account's token")
        return MakeReport(401, lines, errorcode="1")
    if any(e.field != "query.data" or e.keyword != "maxItems" for e in errors):
        return MakeReport(400, lines, errorcode="5")
    if lines > MAX_ROWS:
        return MakeReport(413, lines, errorcode="4")
    lint.unknown_fields(entry, payload, ("query",), "")
    lint.unknown_fields(entry, payload["query"], ("access_token", "data"), "query.")
    assert isinstance(data, list)
    return Batch(data)


def same(given: str, expected: str) -> bool:
    """Compares secrets in constant time: the time taken says nothing of a guess."""
    return hmac.compare_digest(given.encode(), expected.encode())

"""Reading a make request: the envelope around the rows, the token, and the refusals of the
whole batch (errorcodes 1 bad token, 4 too many rows, 5 not a batch; see report.py)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

import schemas

from .. import jsonbody
from ..errors import BadAccessToken, MalformedBody
from ..journal import Entry
from ..validation import validator
from . import lint
from .report import BAD_TOKEN, NOT_A_BATCH, TOO_MANY_ROWS, MakeReport, refused
from .rules import given, text

#: The most rows one batch may hold, from the envelope's schema.
MAX_ROWS: int = schemas.load("make.envelope")["properties"]["query"]["properties"]["data"][
    "maxItems"
]


@dataclass(frozen=True, slots=True)
class Batch:
    data: list[Any]  # the rows, not yet checked


def read(body: bytes, token: str, entry: Entry) -> Batch | MakeReport:
    """The rows to process, or the report refusing the whole batch."""
    try:
        parsed = jsonbody.loads(body)
    except MalformedBody as exc:
        entry.warn("malformed_body", "(body)", exc.message)
        return refused(NOT_A_BATCH, 0)
    payload = parsed.data
    for key in parsed.duplicates:
        entry.warn(
            "duplicate_key", key, f"key {key!r} appears twice in an object; the last is used"
        )
    # The envelope alone: the rows are checked where they are read (column by column for a
    # clean batch, see columns.py; one by one otherwise, see rows.py).
    envelope = validator("make.envelope")
    errors = [] if envelope.is_valid(payload) else envelope.errors(payload)
    for error in errors:
        entry.warn("envelope", error.field, str(error))
    if not (isinstance(payload, dict) and isinstance(payload.get("query"), dict)):
        return refused(NOT_A_BATCH, 0)
    data = payload["query"].get("data")
    lines = len(data) if isinstance(data, list) else 0
    if any(e.field == "query.access_token" for e in errors):
        return refused(BAD_TOKEN, lines)
    if not same(text(payload["query"].get("access_token")), token):
        entry.warn("bad_access_token", "query.access_token", "does not match the account's token")
        return refused(BAD_TOKEN, lines)
    if any(e.field != "query.data" or e.keyword != "maxItems" for e in errors):
        return refused(NOT_A_BATCH, lines)
    if lines > MAX_ROWS:  # the schema said so already; named here for the reader
        return refused(TOO_MANY_ROWS, lines)
    lint.unknown_fields(entry, payload, lint.ENVELOPE_FIELDS, "")
    lint.unknown_fields(entry, payload["query"], lint.QUERY_FIELDS, "query.")
    assert isinstance(data, list)
    return Batch(data)


def check_token(fields: dict[str, Any], expected: str) -> None:
    """newcall, cdr: no token is documented; one a client sends must match."""
    token = fields.get("access_token")
    if given(token) and not same(text(token), expected):
        raise BadAccessToken("access_token: does not match the account's token")


def same(given: str, expected: str) -> bool:
    """Compares secrets in constant time: the time taken says nothing of a guess."""
    return hmac.compare_digest(given.encode(), expected.encode())

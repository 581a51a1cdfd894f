"""Drift: where one exchange with the real service differs from the contract, or from the
emulator's own answer to the same request.

One home for these rules, used by the live proxy's journal (``autodialer-mock proxy``)
and by the offline report on a cassette (``autodialer-contract drift``); the comparison
with the emulator's own answer (``--shadow``) is in :mod:`.drift_shadow`. A rule is a
plain function of one exchange, registered by :func:`rule`, answering findings whose
codes start with ``drift_``. Shapes come from ``schemas/``; no aiohttp here.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .cassette import Exchange, request_fields
from .phones import normalise
from .validation import FieldError, validator

#: A make report's errorcode and the HTTP status that goes with it.
MAKE_STATUS = {"0": 200, "2": 200, "3": 200, "1": 401, "4": 413, "5": 400}
#: The statuses each method answers with, by the contract.
STATUSES = {
    "make": frozenset({200, 400, 401, 413}),
    "newcall": frozenset({200, 400, 401, 405, 413}),
    "cdr": frozenset({200, 400, 401, 405, 413}),
}
CDR_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}")
#: Bytes of a compressed answer decoded for the checks at most (a bomb is not unpacked).
MAX_DECODED = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    field: str
    message: str


class NotJson:
    """The answer was not JSON (a sentinel: ``None`` is JSON's null)."""


NOT_JSON = NotJson()


@dataclass(frozen=True)
class View:
    """An exchange as the rules read it: the answer parsed, the request's data read."""

    operation: str
    status: int
    content_type: str
    answer: Any  # the answer's JSON, or NOT_JSON
    request: Any  # make's JSON body, or newcall's and cdr's fields; None if unreadable

    @classmethod
    def of(cls, exchange: Exchange) -> View:
        return cls(
            exchange.operation,
            exchange.status,
            exchange.content_type,
            _json(decoded(exchange)),
            request_fields(exchange),
        )


def decoded(exchange: Exchange) -> bytes:
    """The answer's body without its Content-Encoding (gzip or deflate), bounded."""
    encoding = exchange.headers.get("Content-Encoding", "").lower()
    try:
        if encoding == "gzip":
            return gzip.GzipFile(fileobj=io.BytesIO(exchange.body)).read(MAX_DECODED)
        if encoding == "deflate":
            return zlib.decompressobj().decompress(exchange.body, MAX_DECODED)
    except (OSError, zlib.error, EOFError):
        return b""
    return exchange.body


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)  # a 30,000-row cdr in a third of json's time
    except ValueError:
        pass
    try:  # what orjson refuses and json reads: integers beyond 64 bits
        return json.loads(body)
    except ValueError:
        return NOT_JSON


Rule = Callable[[View], list[Finding]]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    """Registers a rule under its function's name."""
    RULES[fn.__name__] = fn
    return fn


def check(exchange: Exchange) -> list[Finding]:
    """Every finding of every rule on one exchange with the vendor's methods."""
    if exchange.operation not in STATUSES:
        return []
    view = View.of(exchange)
    return [finding for fn in RULES.values() for finding in fn(view)]


def report_of(view: View) -> dict[str, Any] | None:
    if view.operation != "make" or not isinstance(view.answer, dict):
        return None
    report = view.answer.get("report")
    return report if isinstance(report, dict) else None


def is_error(answer: Any) -> bool:
    return isinstance(answer, dict) and "error" in answer


def _count(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


# -- the rules --------------------------------------------------------------------------------


@rule
def schema(view: View) -> list[Finding]:
    """The answer's shape against schemas/: the method's answer, or the error body."""
    if view.answer is NOT_JSON:
        return [Finding("drift_not_json", "(body)", f"{view.operation}: the answer is not JSON")]
    found = []
    if view.content_type != "application/json":
        found.append(
            Finding(
                "drift_content_type",
                "Content-Type",
                f"{view.operation} answered {view.content_type or 'no type'}; "
                "the contract says application/json",
            )
        )
    if is_error(view.answer) and (view.operation != "make" or "report" not in view.answer):
        name = "error"
    else:
        name = f"{view.operation}.response"
    return found + [_finding(name, error) for error in validator(name).errors(view.answer)]


_TYPE = re.compile(r"is not of type (.+)$")


def _finding(schema_name: str, error: FieldError) -> Finding:
    if error.keyword == "additionalProperties":
        return Finding(
            "drift_unknown_field",
            error.field,
            f"{error.field} is in the answer upstream; {schema_name} has no such field",
        )
    if error.keyword == "required":
        return Finding(
            "drift_missing_field",
            error.field,
            f"{error.field} is missing upstream; {schema_name} requires it",
        )
    if error.keyword == "type":
        expected = _TYPE.search(error.rule)
        wanted = expected.group(1).replace("'", "") if expected else error.rule
        return Finding(
            "drift_schema",
            error.field,
            f"{error.field} is {kind(error.value)} upstream ({error.value!r}); "
            f"the contract says {wanted}",
        )
    message = f"{error.field}: {error.rule} (got {error.value!r})"
    return Finding("drift_schema", error.field, message)


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    names = {float: "a number", str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), "null")


@rule
def status(view: View) -> list[Finding]:
    """The HTTP status against the answer: make's errorcode, an error body only with 4xx."""
    report = report_of(view)
    if report is not None:
        expected = MAKE_STATUS.get(str(report.get("errorcode")))
        if expected is not None and expected != view.status:
            return [
                Finding(
                    "drift_status",
                    "(status)",
                    f"make errorcode {report.get('errorcode')} goes with HTTP {expected}, "
                    f"got {view.status}",
                )
            ]
        return []
    found = []
    if view.status not in STATUSES[view.operation]:
        found.append(
            Finding(
                "drift_status",
                "(status)",
                f"{view.operation} answered HTTP {view.status}; the contract answers "
                + ", ".join(str(s) for s in sorted(STATUSES[view.operation])),
            )
        )
    elif view.answer is not NOT_JSON and is_error(view.answer) != (view.status >= 400):
        body = "an error body" if is_error(view.answer) else "a non-error body"
        found.append(
            Finding("drift_status", "(status)", f"{view.operation}: HTTP {view.status} with {body}")
        )
    return found


@rule
def report_arithmetic(view: View) -> list[Finding]:
    """make: inserted <= ok <= lines = rows sent, and the errorcode that says which."""
    report = report_of(view)
    if report is None:
        return []
    lines, ok, inserted = (_count(report.get(k)) for k in ("lines", "ok", "inserted"))
    code = str(report.get("errorcode"))
    if lines is None or ok is None or inserted is None:
        return []  # the schema rule names the field
    broken = []
    sent = _rows(view)
    if sent is not None and lines != len(sent):
        broken.append(f"lines is {lines} but {len(sent)} rows were sent")
    if code in ("1", "4", "5"):
        if ok or inserted or str(report.get("id")) != "0":
            broken.append(f"errorcode {code} refuses the batch: ok, inserted and id must be 0")
    elif not inserted <= ok <= lines:
        broken.append(f"inserted {inserted} <= ok {ok} <= lines {lines} does not hold")
    elif code == "0" and not inserted == ok == lines:
        broken.append(f"errorcode 0 says every row was inserted: lines {lines}, ok {ok}")
    elif code == "2" and not (ok == lines and inserted < ok):
        broken.append(f"errorcode 2 says duplicates were skipped: ok {ok}, inserted {inserted}")
    elif code == "3" and not ok < lines:
        broken.append(f"errorcode 3 says some rows were invalid: lines {lines}, ok {ok}")
    return [Finding("drift_report", "report", message) for message in broken]


@rule
def duplicates(view: View) -> list[Finding]:
    """make: rows of one batch with one number and scenario are queued once."""
    report = report_of(view)
    rows = _rows(view)
    if report is None or rows is None or view.status != 200:
        return []
    inserted = _count(report.get("inserted"))
    check = validator("make.row")
    keys = {
        (normalise(row["phone"]), str(row.get("generationtype") or ""))
        for row in rows
        if check.is_valid(row)
    }
    if inserted is None or inserted <= len(keys):
        return []
    return [
        Finding(
            "drift_duplicates",
            "report.inserted",
            f"inserted {inserted} rows, but the batch holds only {len(keys)} distinct "
            "numbers and scenarios among its valid rows: upstream does not skip duplicates "
            "as the contract does (8…, 7… and +7… are one number)",
        )
    ]


def _rows(view: View) -> list[Any] | None:
    query = view.request.get("query") if isinstance(view.request, dict) else None
    data = query.get("data") if isinstance(query, dict) else None
    return data if isinstance(data, list) else None


@rule
def cdr_order_and_filter(view: View) -> list[Finding]:
    """cdr: rows ordered by TIME then QUERY_ID, on the dates asked for, of the number asked."""
    if view.operation != "cdr" or view.status != 200 or not isinstance(view.answer, list):
        return []
    fields = view.request if isinstance(view.request, dict) else {}
    first, last = _date(fields.get("date_from")), _date(fields.get("date_to"))
    to = normalise(str(fields["to"])) if fields.get("to") not in (None, "") else None
    found: list[Finding] = []
    previous: tuple[datetime.datetime, int] | None = None
    for index, row in enumerate(view.answer):
        at = _instant(row.get("TIME")) if isinstance(row, dict) else None
        if at is None:
            continue  # the schema rule names it
        query_id = row.get("QUERY_ID")
        order = (at, query_id if isinstance(query_id, int) else 0)
        if previous is not None and order < previous:
            found.append(
                Finding("drift_cdr_order", f"[{index}]", "rows are not ordered by TIME, QUERY_ID")
            )
        previous = order
        day = row["TIME"][:10]  # the date in the account's zone, as the filter reads it
        if (first and day < first) or (last and day > last):
            found.append(
                Finding(
                    "drift_cdr_dates",
                    f"[{index}].TIME",
                    f"{row['TIME']} is outside date_from {first} .. date_to {last}",
                )
            )
        if to is not None and normalise(str(row.get("DST", ""))) != to:
            found.append(
                Finding("drift_cdr_filter", f"[{index}].DST", f"row of another number than to={to}")
            )
        if len(found) >= 10:  # a thousand misordered rows say the same thing
            break
    return found


def _date(value: Any) -> str | None:
    """A date given to the filter, as ISO text (which orders as the dates do)."""
    try:
        return datetime.date.fromisoformat(str(value)).isoformat() if value else None
    except ValueError:
        return None


def _instant(value: Any) -> datetime.datetime | None:
    """A cdr TIME (``2026-11-27 10:15:03 +0300``) as naive UTC; None when not of that form.
    (fromisoformat and the offset by hand: strptime costs 30 times as much, and a cdr
    may hold 100,000 rows.)"""
    if not isinstance(value, str) or not CDR_TIME.fullmatch(value):
        return None
    try:
        local = datetime.datetime.fromisoformat(value[:19])
    except ValueError:
        return None
    sign = -1 if value[20] == "-" else 1
    offset = datetime.timedelta(hours=int(value[21:23]), minutes=int(value[23:25]))
    return local - sign * offset

"""``autodialer-contract client``: a gate for clients in any language (PHP, node, Go, 1C).

The client's own tests run against the emulator; then the gate reads the emulator's
journal (``GET /_mock/journal``, oldest first, entries after ``--since``) and reports

- every contract slip, per request: the journal's warnings (an unknown field such as
  ``startdialertime``, a number for a string, ``id`` not 0, a newcall without a window…)
  and every 4xx the client caused;
- what of the contract the run exercised and what it never did (:data:`CASES`): the
  operations, make's errorcodes 0, 2, 3 and refusals 1, 4, 5, the forced outcomes,
  inheritance, duplicates and the cdr filters.

A case named in ``--require`` is what the client meant to exercise: its refusals and its
informational warnings (a duplicate skipped, a row rejected) are not slips, and the gate
fails when it was not exercised. Only urllib: the gate talks HTTP to any emulator.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import model
from .failures import ClientSlip, NotExercised
from .runner import FAILED, Outcome

#: Every case the coverage table shows, with what exercises it.
CASES = {
    "make": "a make request answered 200",
    "newcall": "a newcall request answered 200",
    "cdr": "a cdr request answered 200",
    "errorcode-0": "a make batch fully inserted",
    "errorcode-2": "a make batch with duplicates skipped",
    "errorcode-3": "a make batch with invalid rows",
    "errorcode-1": "a make refused for its access_token (HTTP 401)",
    "errorcode-4": "a make refused for more than 1000 rows (HTTP 413)",
    "errorcode-5": "a make refused as not JSON or without query.data (HTTP 400)",
    **{f"forced-{suffix}": f"a call to a number ending {suffix}" for suffix in model.FORCED},
    "inheritance": "a make row without times after a row that gives one",
    "duplicates": "a duplicate skipped (make errorcode 2, or newcall QUERY_COUNT 0)",
    "cdr-date_from": "a cdr request with date_from",
    "cdr-date_to": "a cdr request with date_to",
    "cdr-to": "a cdr request with to",
}
#: Warnings that say what a required case does, rather than a slip, by case.
INTENDED = {
    "duplicate_skipped": "duplicates",
    "row_rejected": "errorcode-3",
    "bad_access_token": "errorcode-1",
    "malformed_body": "errorcode-5",
    "envelope": "errorcode-5",
}
#: Warnings of the emulator's own doing (configured faults), never the client's.
NOT_THE_CLIENTS = {"fault_injected"}
PAGE = 10_000

Fetch = Callable[[str, dict[str, Any]], Any]


@dataclass
class Coverage:
    """What a client's run exercised: case -> requests (journal ids) that exercised it."""

    requests: int = 0
    since: int = 0
    hits: dict[str, list[int]] = field(default_factory=lambda: {name: [] for name in CASES})

    def exercised(self, name: str) -> bool:
        return bool(self.hits.get(name))

    @property
    def missing(self) -> list[str]:
        return [name for name, ids in self.hits.items() if not ids]

    def table(self) -> str:
        lines = [f"Contract coverage ({self.requests} requests after journal id {self.since}):"]
        for name, ids in self.hits.items():
            seen = f"yes ({len(ids)})" if ids else "NO"
            lines.append(f"  {name:<14} {seen:<9} {CASES[name]}")
        return "\n".join(lines)


@dataclass
class Slip:
    entry: int
    request: str  # METHOD path -> status
    what: str


def http_fetch(base_url: str, timeout: float = 30.0) -> Fetch:
    """Reads a control route of the emulator at ``base_url`` as JSON."""
    base = base_url.rstrip("/")

    def fetch(path: str, query: dict[str, Any]) -> Any:
        url = f"{base}{path}?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.loads(response.read())

    return fetch


def journal(fetch: Fetch, since: int = 0) -> list[dict[str, Any]]:
    """Every journal entry after ``since``, oldest first (page by page)."""
    entries: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = fetch("/_mock/journal", {"limit": PAGE, "offset": offset})
        items = page.get("items", [])
        entries += [e for e in items if int(e.get("id", 0)) > since]
        offset += len(items)
        if not items or offset >= int(page.get("total", 0)):
            return entries


def _json(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None  # cut by the journal (4 KiB a body), or not JSON: nothing to read


def _fields(entry: dict[str, Any]) -> dict[str, Any]:
    """A newcall's or cdr's fields: the query string, then a JSON or form body."""
    fields = dict(entry.get("query") or {})
    body = entry.get("body") or ""
    parsed = _json(body)
    if isinstance(parsed, dict):
        fields.update(parsed)
    elif body:
        fields.update(urllib.parse.parse_qsl(body))
    return fields


def _cases(entry: dict[str, Any]) -> Iterable[str]:
    """The cases one request exercised."""
    operation, status = entry.get("operation"), int(entry.get("status", 0))
    answer = _json(entry.get("response"))
    if operation in ("newcall", "cdr", "make") and status == 200:
        yield operation
    phones: list[Any] = []
    if operation == "make":
        report = answer.get("report") if isinstance(answer, dict) else None
        if isinstance(report, dict) and str(report.get("errorcode")) in "012345":
            yield f"errorcode-{report['errorcode']}"
            if str(report.get("errorcode")) == "2":
                yield "duplicates"
        body = _json(entry.get("body"))
        query = body.get("query") if isinstance(body, dict) else None
        rows = query.get("data") if isinstance(query, dict) else None
        if isinstance(rows, list) and status == 200:
            rows = [r for r in rows if isinstance(r, dict)]
            phones = [r.get("phone") for r in rows]
            timed = [any(model.given(r.get(f)) for f in model.TIME_FIELDS) for r in rows]
            if any(not t and any(timed[:i]) for i, t in enumerate(timed)):
                yield "inheritance"
    elif operation == "newcall" and status == 200:
        phones = [_fields(entry).get("phone")]
        if isinstance(answer, dict) and answer.get("QUERY_COUNT") == 0:
            yield "duplicates"
    elif operation == "cdr" and status == 200:
        fields = _fields(entry)
        yield from (f"cdr-{name}" for name in ("date_from", "date_to", "to") if fields.get(name))
    for phone in phones:
        suffix = model.normalise(phone)[-4:] if phone is not None else ""
        if suffix in model.FORCED:
            yield f"forced-{suffix}"


def _slips(entry: dict[str, Any], required: set[str], cases: set[str]) -> list[str]:
    found = []
    for warning in entry.get("warnings") or []:
        code = warning.get("code", "")
        if code in NOT_THE_CLIENTS or INTENDED.get(code) in required:
            continue
        found.append(f"{warning.get('field')}: {warning.get('message')} [{code}]")
    status = int(entry.get("status", 0))
    if 400 <= status < 500 and not cases & required:
        found.append(f"HTTP {status} caused by the request: {entry.get('response', '')[:300]}")
    return found


def examine(
    entries: list[dict[str, Any]], since: int = 0, required: Iterable[str] = ()
) -> tuple[Coverage, list[Slip]]:
    """The coverage of a run and its slips, from its journal entries."""
    wanted = set(required)
    coverage = Coverage(len(entries), since)
    slips = []
    for entry in entries:
        cases = set(_cases(entry))
        for name in cases:
            coverage.hits[name].append(int(entry["id"]))
        request = f"{entry.get('method')} {entry.get('path')} -> {entry.get('status')}"
        slips += [Slip(int(entry["id"]), request, what) for what in _slips(entry, wanted, cases)]
    return coverage, slips


def outcomes(coverage: Coverage, slips: list[Slip], required: Iterable[str]) -> list[Outcome]:
    """The kit's report rows: one per request with slips, one per required case."""
    rows: dict[int, Outcome] = {}
    for slip in slips:
        row = rows.setdefault(
            slip.entry,
            Outcome(
                f"#{slip.entry} {slip.request}", "a request speaks the contract", FAILED, examples=1
            ),
        )
        row.failures.append(ClientSlip(slip.what))
    found = list(rows.values())
    for name in required:
        outcome = Outcome(f"require {name}", CASES[name], examples=len(coverage.hits[name]))
        if not coverage.exercised(name):
            outcome.status = FAILED
            outcome.failures.append(NotExercised(f"{name} ({CASES[name]}) was not exercised"))
        found.append(outcome)
    return found

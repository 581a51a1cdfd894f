"""Properties of ``make``: counts, the 1000/1001 edge, inheritance, duplicates, refusals."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from . import model, strategies
from .context import Context, respell
from .failures import (
    ContractFailure,
    DuplicateNotCollapsed,
    LostInheritance,
    RowLimit,
    VendorExampleBroken,
    WrongCounts,
    WrongRefusal,
)
from .properties import prop

COUNTS = ("lines", "ok", "inserted", "errorcode")
#: The vendor page's make rows (rows 1 and 2 share a phone).
VENDOR_ROWS = [
    {
        "id": str(i),
        "name": name,
        "phone": phone,
        "UUID": "code1",
        "var1": "data1",
        "var2": "data2",
        "var3": "data3",
        "statdialertime": "10:00:00",
        "stopdialertime": "19:00:00",
        "maxcount": "1",
        "generationtype": "1",
    }
    for i, name, phone in (
        (1, "Петров", "89222220000"),
        (2, "Имя", "89222220000"),
        (3, "Иванов", "89222220002"),
    )
]


def report_of(ctx: Context, exchange: Any) -> dict[str, Any]:
    body = exchange.body
    report = body.get("report") if isinstance(body, dict) else None
    return report if isinstance(report, dict) else {}


def strings(report: dict[str, Any]) -> dict[str, str]:
    """The values as text: a value's JSON type is the make.report-strings check's concern,
    so that one slip is reported once, under its own rule."""
    return {k: str(v) for k, v in report.items()}


def counts(report: dict[str, Any]) -> dict[str, str]:
    return {k: str(report.get(k)) for k in COUNTS}


def as_received(exchange: Any) -> str:
    """The report as the server sent it (its JSON types kept), else the whole answer."""
    body = exchange.body
    if isinstance(body, dict) and "report" in body:
        return f"HTTP {exchange.status} " + json.dumps(body["report"], ensure_ascii=False)
    return f"HTTP {exchange.status} {exchange.text}"


def judge_counts(
    ctx: Context,
    rows: list[Any],
    expected: model.MakePrediction,
    exchange: Any,
    failure: type[ContractFailure] = WrongCounts,
) -> None:
    """Compares a make report with the contract's reckoning; on a mismatch marks the rows the
    contract skips (invalid, duplicate) and names the rule: inheritance when the report is
    that of a server ignoring it."""
    got = counts(report_of(ctx, exchange))
    want = expected.report()
    if got == want:
        return
    ctx.case, ctx.marks = rows, dict(expected.skipped)
    said = f"expected {json.dumps(want)}, got {as_received(exchange)}"
    ignored = model.predict_make(rows, inherit=False)
    if got == ignored.report():
        ctx.marks = {i: why for i, why in expected.skipped.items() if i not in ignored.skipped}
        ctx.expect(
            False,
            LostInheritance,
            f"{said}: the counts of a server that gives a row without times 10:00:00-19:00:00 "
            "instead of the previous row's (the marked row's inherited window makes it invalid)",
        )
    else:
        ctx.expect(False, failure, f"lines/ok/inserted/errorcode: {said}")


def send_rows(ctx: Context, rows: list[Any]) -> list[Any]:
    """The rows to send: renumbered when the target keeps state we cannot reset."""
    return rows if ctx.target.has_control else ctx.renumber(rows)


@prop(
    "make.vendor-example", "The vendor's own example gives lines 3, ok 3, inserted 2, errorcode 2."
)
def vendor_example(ctx: Context, case: Any) -> None:
    rows = send_rows(ctx, VENDOR_ROWS)
    exchange = ctx.target.make(rows)
    expected = {"lines": "3", "ok": "3", "inserted": "2", "errorcode": "2"}
    ctx.expect(
        counts(report_of(ctx, exchange)) == expected,
        VendorExampleBroken,
        f"expected {json.dumps(expected)}, got {as_received(exchange)}",
    )


@prop(
    "make.counts",
    "lines = rows received, ok = valid rows, inserted = valid rows less duplicates; "
    "errorcode 0, 2 (duplicates) or 3 (invalid rows, wins over 2).",
    strategy=strategies.batches(),
)
def make_counts(ctx: Context, rows: list[Any]) -> None:
    rows = send_rows(ctx, rows)
    judge_counts(ctx, rows, model.predict_make(rows), ctx.target.make(rows))


@prop(
    "make.duplicates",
    "A row duplicating a pending call of the account (same normalised number and scenario, "
    "in any spelling) counts in ok but is not inserted.",
    strategy=strategies.batches(invalid=False, max_size=6),
)
def make_duplicates(ctx: Context, rows: list[Any]) -> None:
    rows = send_rows(ctx, rows)
    first = model.predict_make(rows)
    ctx.target.make(rows)
    again = [{**r, "phone": respell(r["phone"])} for r in rows]
    expected = model.predict_make(again, {v.key for v in first.records if v.key})
    exchange = ctx.target.make(again)
    ctx.case = again
    if counts(report_of(ctx, exchange)) != expected.report():
        ctx.marks = dict(expected.skipped)
        ctx.expect(
            False,
            DuplicateNotCollapsed,
            f"the same rows again, respelled: expected {json.dumps(expected.report())}, "
            f"got {as_received(exchange)}",
        )


def _rows(ctx: Context, count: int) -> list[dict[str, Any]]:
    """``count`` rows: valid ones on loopback, invalid (unplaceable) ones elsewhere."""
    if ctx.target.loopback:
        return [{"id": str(i + 1), "phone": p} for i, p in enumerate(ctx.fresh_numbers(count))]
    return [{"id": str(i + 1), "phone": "000"} for i in range(count)]


@prop(
    "make.row-limit",
    "1000 rows are processed; 1001 are refused whole with HTTP 413, errorcode 4, nothing queued.",
    places_calls=False,
)
def row_limit(ctx: Context, case: Any) -> None:
    rows = _rows(ctx, 1001)
    ctx.case = f"{len(rows)} rows {{'id': '1'..'{len(rows)}', 'phone': {rows[0]['phone']!r}...}}"
    exchange = ctx.target.make(rows[:1000])
    got = strings(report_of(ctx, exchange))
    ctx.expect(
        exchange.status == 200 and got.get("lines") == "1000",
        RowLimit,
        f'1000 rows: expected HTTP 200 with "lines": "1000", got {as_received(exchange)}',
    )
    if ctx.target.has_control:
        ctx.target.reset()
    exchange = ctx.target.make(rows)
    got = strings(report_of(ctx, exchange))
    expected = {"lines": "1001", "ok": "0", "inserted": "0", "errorcode": "4", "id": "0"}
    ctx.expect(
        exchange.status == 413 and got == expected,
        RowLimit,
        f"1001 rows: expected HTTP 413 {json.dumps(expected)}, got {as_received(exchange)}",
    )
    if ctx.target.has_control:
        queued = len(ctx.target.calls(api_key=ctx.target.api_key))
        ctx.expect(queued == 0, RowLimit, f"1001 rows: {queued} calls were queued")


TIMES = st.one_of(st.none(), strategies.times_of_day())


@prop(
    "make.inheritance",
    "A row without statdialertime/stopdialertime takes the previous row's accepted value; "
    "the first row defaults to 10:00:00/19:00:00.",
    strategy=st.lists(st.tuples(TIMES, TIMES), min_size=1, max_size=8),
    blackbox="only the counts: a row whose inherited window makes it invalid counts as invalid",
)
def inheritance(ctx: Context, times: list[tuple[str | None, str | None]]) -> None:
    numbers = ctx.fresh_numbers(len(times))
    rows: list[dict[str, Any]] = []
    for i, (start, stop) in enumerate(times):
        row: dict[str, Any] = {"id": str(i + 1), "phone": numbers[i]}
        if start is not None:
            row["statdialertime"] = start
        if stop is not None:
            row["stopdialertime"] = stop
        rows.append(row)
    ctx.case = rows
    exchange = ctx.target.make(rows)
    judge_counts(ctx, rows, model.predict_make(rows), exchange, LostInheritance)
    job = report_of(ctx, exchange).get("id")
    if not ctx.target.has_control or not job or job == "0":
        return  # black-box: the counts are what can be seen
    records = {r["id"]: r for r in ctx.target.calls(job=job)}
    for verdict in model.judge_rows(rows):
        row_id = str(verdict.index + 1)
        record = records.get(row_id)
        if not verdict.valid:
            if record is not None:
                ctx.marks[verdict.index] = verdict.reason
            ctx.expect(
                record is None, LostInheritance, f"row {row_id} ({verdict.reason}) was queued"
            )
            continue
        window = (record or {}).get("window") or {}
        want = {"start": model.hms(verdict.start), "stop": model.hms(verdict.stop)}
        if window != want:
            ctx.marks[verdict.index] = f"expected window {want['start']}-{want['stop']}"
        ctx.expect(
            window == want,
            LostInheritance,
            f"row {row_id}: expected window {want['start']}-{want['stop']}, "
            f"got {window.get('start')}-{window.get('stop')}"
            if record
            else f"row {row_id} was not queued",
        )


@prop(
    "refusals",
    "Bad token: HTTP 401, errorcode 1; not JSON or no query.data: HTTP 400, errorcode 5; "
    "ok, inserted and id are 0 and lines counts rows; an unknown api key answers 401.",
    places_calls=False,
)
def refusals(ctx: Context, case: Any) -> None:
    target = ctx.target
    rows = _rows(ctx, 2)
    zero = {"ok": "0", "inserted": "0", "id": "0"}
    exchange = target.make(rows, token=target.access_token + "-wrong")
    got = strings(report_of(ctx, exchange))
    ctx.expect(
        exchange.status == 401 and got == {"lines": "2", "errorcode": "1", **zero},
        WrongRefusal,
        f"bad access_token: expected HTTP 401 with errorcode 1, lines 2, ok/inserted/id 0; "
        f"got {as_received(exchange)}",
    )
    no_data = json.dumps({"query": {"access_token": target.access_token}}).encode()
    for raw, what in ((b"not json", "a body that is not JSON"), (no_data, "no query.data")):
        exchange = target.make_raw(raw)
        got = strings(report_of(ctx, exchange))
        ctx.expect(
            exchange.status == 400 and got.get("errorcode") == "5" and got.get("inserted") == "0",
            WrongRefusal,
            f"{what}: expected HTTP 400 with errorcode 5, got {as_received(exchange)}",
        )
    for operation in ("make", "newcall", "cdr"):
        exchange = target.send(
            "POST",
            f"/{target.api_key}-nobody/{operation}",
            operation="other",
            json_body={"query": {"access_token": "x", "data": [{"id": 1}]}},
        )
        ctx.expect(
            exchange.status == 401,
            WrongRefusal,
            f"{operation} with an unknown api key: expected HTTP 401, got {exchange.status}",
        )
    if target.has_control:
        queued = len(target.calls(api_key=target.api_key))
        ctx.expect(queued == 0, WrongRefusal, f"refused requests queued {queued} calls")

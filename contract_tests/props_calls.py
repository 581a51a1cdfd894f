"""Properties of ``newcall`` and ``cdr``, and the isolation of accounts."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

from . import model, strategies
from .context import Context, respell
from .failures import (
    AccountLeak,
    CdrFilter,
    CdrNotRefused,
    CdrOrder,
    NewcallBroken,
    NewcallNotRefused,
    WrongOutcome,
)
from .model import FORCED
from .properties import NEEDS_CONTROL, NEEDS_TWO_KEYS, prop
from .props_make import counts, report_of, send_rows


def _window(form: dict[str, Any]) -> dict[str, str] | None:
    start, stop = form.get("timestart"), form.get("timestop")
    if not model.given(start) and not model.given(stop):
        return None
    low = model.seconds(start) if model.given(start) else model.DEFAULT_START
    high = model.seconds(stop) if model.given(stop) else model.DEFAULT_STOP
    return {"start": model.hms(low), "stop": model.hms(high)}


@prop(
    "newcall.accepts",
    "A valid form is one job (QUERY_COUNT 1); the same number again, while pending, answers "
    "QUERY_COUNT 0 with the pending job's QUERY_ID; a missing window means 'any time'.",
    strategy=strategies.newcall_forms(),
    blackbox="all but the record's window",
)
def newcall_accepts(ctx: Context, form: dict[str, Any]) -> None:
    form = send_rows(ctx, [form])[0]
    ctx.case = form
    first = ctx.target.newcall(form).body
    if not ctx.expect(
        isinstance(first, dict) and first.get("QUERY_COUNT") == 1,
        NewcallBroken,
        f"a valid form: expected QUERY_COUNT 1, got {ctx.exchanges[-1].text}",
    ):
        return
    again = ctx.target.newcall({**form, "phone": respell(form["phone"])}).body
    ctx.expect(
        isinstance(again, dict)
        and again.get("QUERY_COUNT") == 0
        and again.get("QUERY_ID") == first.get("QUERY_ID"),
        NewcallBroken,
        f"the same number again while pending: expected QUERY_COUNT 0 and QUERY_ID "
        f"{first.get('QUERY_ID')}, got {ctx.exchanges[-1].text}",
    )
    if ctx.target.has_control:
        records = ctx.target.calls(job=first["QUERY_ID"])
        windows = [r.get("window") for r in records]
        ctx.expect(
            windows == [_window(form)],
            NewcallBroken,
            f"expected one record with window {_window(form)}, got {windows}",
        )


@prop(
    "newcall.rejects",
    "An invalid form (missing name/phone/UUID, bad number or time) answers HTTP 400 with an "
    "error body naming the field, and queues nothing.",
    strategy=strategies.invalid_newcall_forms(),
    places_calls=False,
)
def newcall_rejects(ctx: Context, form: dict[str, Any]) -> None:
    exchange = ctx.target.newcall(form)
    error = exchange.body.get("error") if isinstance(exchange.body, dict) else None
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    broken = _broken_field(form)
    ctx.expect(
        exchange.status == 400 and broken in message,
        NewcallNotRefused,
        f"expected HTTP 400 with an error naming {broken!r}, "
        f"got HTTP {exchange.status} {exchange.text}",
    )
    if ctx.target.has_control:
        queued = len(ctx.target.calls(api_key=ctx.target.api_key))
        ctx.expect(queued == 0, NewcallNotRefused, f"an invalid newcall queued {queued} calls")


def _broken_field(form: dict[str, Any]) -> str:
    for name in ("name", "phone", "UUID"):
        if name not in form:
            return name
    from .validators import explain_newcall

    found = explain_newcall(form) or ""
    for name in ("phone", "timestart", "timestop", "maxcount"):
        if name in found:
            return name
    return ""


@prop(
    "cdr.rejects",
    "A bad date, a reversed range or a bad number answers HTTP 400 with the error body.",
    strategy=strategies.invalid_cdr_queries(),
    places_calls=False,
)
def cdr_rejects(ctx: Context, query: dict[str, str]) -> None:
    exchange = ctx.target.cdr(query)
    ctx.expect(
        exchange.status == 400 and isinstance(exchange.body, dict) and "error" in exchange.body,
        CdrNotRefused,
        f"expected HTTP 400 with an error body, got HTTP {exchange.status} {exchange.text}",
    )


UPLOADS = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(sorted(FORCED))), min_size=1, max_size=6
)
RANGES = st.tuples(st.integers(-1, 3), st.integers(-1, 3), st.booleans())


@prop(
    "cdr.filters",
    "cdr gives one row per record with an attempt whose TIME's local date is in "
    "[date_from, date_to] (inclusive) and, with to, whose number matches in any spelling; "
    "ordered by TIME then QUERY_ID; forced numbers end as the fixed table says.",
    strategy=st.tuples(UPLOADS, RANGES),
    needs=(NEEDS_CONTROL,),
)
def cdr_filters(ctx: Context, case: tuple[list[tuple[int, str]], tuple[int, int, bool]]) -> None:
    uploads, (low, high, by_number) = case
    target = ctx.target
    base = ctx.fresh_numbers(1)[0][:7]
    today = _local(target.clock()["now"])
    first_day = today.date()
    # Each upload at noon of its day (the default window is 10:00-19:00), days in order.
    for day, suffix in sorted(uploads):
        noon = datetime.datetime.combine(
            first_day + datetime.timedelta(days=day + 1), datetime.time(12), today.tzinfo
        )
        ahead = (noon - _local(target.clock()["now"])).total_seconds()
        if ahead > 0:
            target.advance(ahead)
        target.make([{"id": "1", "phone": f"8{base[1:]}{suffix}"}])
    target.advance(6 * 3600)
    date_from = first_day + datetime.timedelta(days=1 + min(low, high))
    date_to = first_day + datetime.timedelta(days=1 + max(low, high))
    query = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    wanted_number = None
    if by_number:
        wanted_number = f"{base}{uploads[0][1]}"
        query["to"] = "+" + wanted_number
    ctx.case = {"uploads": uploads, "cdr": query}
    expected = {
        (int(r["job"]), r["phone"])
        for r in target.calls(api_key=target.api_key)
        if r.get("last_time")
        and date_from <= _local(r["last_time"]).date() <= date_to
        and (wanted_number is None or model.normalise(r["phone"]) == wanted_number)
    }
    rows = target.cdr(query).body
    if not isinstance(rows, list):
        return  # the schema check reports it
    got = {(r.get("QUERY_ID"), r.get("DST")) for r in rows if isinstance(r, dict)}
    ctx.expect(
        got == expected,
        CdrFilter,
        f"cdr {query}: expected {len(expected)} rows, got {len(got)}; "
        f"missing {sorted(expected - got)[:3]}, unexpected {sorted(got - expected)[:3]}",
    )
    times = [(_cdr_time(r), r.get("QUERY_ID")) for r in rows if isinstance(r, dict)]
    outside = [t for t, _ in times if t and not date_from <= t.date() <= date_to]
    ctx.expect(not outside, CdrFilter, f"cdr {query}: rows outside the range: {outside[:3]}")
    ctx.expect(
        times == sorted(times, key=lambda t: (t[0] or 0, t[1] or 0)),
        CdrOrder,
        f"cdr {query}: order {[(str(t), q) for t, q in times][:5]}",
    )
    for row in rows:
        status = FORCED.get(str(row.get("DST", ""))[-4:])
        code = str(row.get("CODE", ""))
        ctx.expect(
            status is None or code.split("/")[0] == status,
            WrongOutcome,
            f"{row.get('DST')}: expected {status}, got CODE {code}",
        )


def _local(iso: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(iso)


def _cdr_time(row: dict[str, Any]) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(str(row.get("TIME")), "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None


@prop(
    "isolation",
    "Accounts never see each other's jobs, calls or cdr: the same rows upload in full to both "
    "(duplicates are per account), and neither's cdr shows the other's jobs.",
    strategy=strategies.batches(invalid=False, max_size=5),
    needs=(NEEDS_TWO_KEYS,),
    blackbox="the uploads only: the cdr part needs it",
)
def isolation(ctx: Context, rows: list[Any]) -> None:
    target = ctx.target
    rows = [{k: v for k, v in r.items() if "dialertime" not in k} for r in send_rows(ctx, rows)]
    rows[0] = {**rows[0], "statdialertime": "00:00:00", "stopdialertime": "23:59:59"}
    ctx.case = rows
    expected = model.predict_make(rows).report()
    mine = report_of(ctx, target.make(rows))
    theirs = report_of(ctx, target.make(rows, other=True))
    ctx.expect(
        counts(theirs) == expected,
        AccountLeak,
        f"the same rows in a second account: expected {expected}, got {counts(theirs)}",
    )
    if not target.has_control:
        return
    target.advance(2 * 3600)
    now = _local(target.clock()["now"]).date()
    span = {"date_from": (now - datetime.timedelta(days=1)).isoformat(), "date_to": now.isoformat()}
    for other, foreign_job in ((False, theirs.get("id")), (True, mine.get("id"))):
        rows_seen = target.cdr(span, other=other).body
        jobs = (
            {str(r.get("QUERY_ID")) for r in rows_seen if isinstance(r, dict)}
            if isinstance(rows_seen, list)
            else set()
        )
        ctx.expect(
            foreign_job not in jobs,
            AccountLeak,
            f"cdr of the {'second' if other else 'first'} account shows job {foreign_job} "
            "of the other",
        )

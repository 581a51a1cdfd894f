"""Invariants of the contract, as hypothesis properties over the domain (no HTTP in between)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver import daytime, phones
from mockserver.config import Account
from mockserver.views import cdr_row

from .support import entry, make_body, manual_config, new_backend

SUBSCRIBERS = [f"900{n:07d}" for n in (1234567, 7654321, 1112233, 5556677, 9990011)]
SPELLINGS = [lambda d: "8" + d, lambda d: "7" + d, lambda d: "+7" + d,
             lambda d: f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"]  # fmt: skip
TIMES = ["08:00", "09:30:15", "10:00:00", "12:00", "18:59", "19:00:00", "21:00"]

valid_phone = st.builds(lambda d, f: f(d), st.sampled_from(SUBSCRIBERS), st.sampled_from(SPELLINGS))
phone = st.one_of(valid_phone, st.sampled_from(["123", "", "abc", "8 800"]))
time_field = st.one_of(st.none(), st.just(""), st.sampled_from(TIMES), st.just("25:00"))


@st.composite
def make_rows(draw: Any, max_size: int = 30) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, max_size))):
        row: dict[str, Any] = {
            "id": draw(st.sampled_from([str(i + 1), i + 1])),
            "phone": draw(phone),
        }
        for name in ("statdialertime", "stopdialertime"):
            value = draw(time_field)
            if value is not None:
                row[name] = value
        if draw(st.booleans()):
            row["name"] = draw(st.text(max_size=8))
        rows.append(row)
    return rows


def expected(rows: list[dict[str, Any]]) -> list[tuple[int, str, str | None]]:
    """A reference reading of the contract: (row index, window start, stop) of each valid row.

    A row's window is passed on only when it opens before it closes: a refused time is not.
    """
    last_start, last_stop, out = "10:00:00", "19:00:00", []
    for index, row in enumerate(rows):
        good_times = True
        start, stop = last_start, last_stop
        for name in ("statdialertime", "stopdialertime"):
            value = row.get(name)
            if value in (None, ""):
                continue
            if value == "25:00":
                good_times = False
                continue
            value = value if value.count(":") == 2 else value + ":00"
            start, stop = (value, stop) if name == "statdialertime" else (start, value)
        valid_phone = (
            10 <= len(phones.digits(row["phone"])) <= 15 and phones.digits(row["phone"]).isdigit()
        )
        if start < stop:
            last_start, last_stop = start, stop
        if valid_phone and good_times and start < stop:
            out.append((index, start, stop))
    return out


def run_make(backend: Any, rows: list[Any], api_key: str = "apikey") -> dict[str, str]:
    report = backend.make(api_key, make_body(rows), entry(backend, "make"))
    return report.body()["report"]


@given(make_rows())
def test_report_counts_hold_for_any_batch(rows: list[dict[str, Any]]) -> None:
    report = run_make(new_backend(), rows)
    lines, ok, inserted = int(report["lines"]), int(report["ok"]), int(report["inserted"])
    assert all(isinstance(v, str) for v in report.values())
    if not rows:
        assert report["errorcode"] == "5"
        return
    assert lines == len(rows) and inserted <= ok <= lines
    assert report["errorcode"] == ("3" if ok < lines else "2" if inserted < ok else "0")


@given(make_rows())
def test_valid_rows_and_their_windows_follow_inheritance(rows: list[dict[str, Any]]) -> None:
    backend = new_backend()
    report = run_make(backend, rows)
    model = expected(rows)
    assert int(report.get("ok", 0)) == len(model) or not rows
    wanted = {str(rows[i]["id"]): (start, stop) for i, start, stop in model}
    for _, record in backend.find_records():
        window = (daytime.format_hms(record.start), daytime.format_hms(record.stop))
        assert window == wanted[record.row_id]


@given(make_rows())
def test_duplicates_collapse_to_one_record_per_number(rows: list[dict[str, Any]]) -> None:
    backend = new_backend()
    report = run_make(backend, rows)
    distinct = {phones.normalise(rows[i]["phone"]) for i, _, _ in expected(rows)}
    assert int(report.get("inserted", 0)) == len(distinct)


@given(st.integers(995, 1005))
def test_batches_over_a_thousand_rows_are_refused_whole(size: int) -> None:
    backend = new_backend()
    rows = [{"id": str(i), "phone": f"8901{i:07d}"} for i in range(size)]
    report = run_make(backend, rows)
    assert report["lines"] == str(size)
    if size <= 1000:
        assert report["inserted"] == str(size) and report["errorcode"] == "0"
    else:
        assert report["errorcode"] == "4" and report["inserted"] == "0"
        assert backend.find_records() == []


@given(make_rows(10), make_rows(10))
def test_a_second_upload_skips_numbers_still_pending(first: list[Any], second: list[Any]) -> None:
    backend = new_backend()
    run_make(backend, first)
    # Still pending in the duplicate sense: waiting or dialing (a row whose window is open
    # now is dialled at once).
    pending = {r.number for _, r in backend.find_records() if r.state in ("pending", "dialing")}
    report = run_make(backend, second)
    fresh = {phones.normalise(second[i]["phone"]) for i, _, _ in expected(second)} - pending
    assert int(report.get("inserted", 0)) == len(fresh)


def two_accounts() -> Any:
    config = manual_config()
    config.accounts = [
        Account(api_key="alpha", access_token="client-key"),
        Account(api_key="beta", access_token="client-key", timezone="Asia/Yekaterinburg"),
    ]
    return new_backend(config)


operation = st.tuples(
    st.sampled_from(["alpha", "beta"]),
    st.sampled_from(["make", "newcall", "advance"]),
    make_rows(6),
)


def play(backend: Any, ops: list[tuple[str, str, list[Any]]]) -> None:
    for api_key, kind, rows in ops:
        if kind == "make":
            run_make(backend, rows, api_key)
        elif kind == "newcall" and rows:
            fields = {"name": "N", "UUID": "u", "phone": rows[0]["phone"]}
            try:
                backend.newcall(api_key, fields, entry(backend, "newcall"))
            except Exception as exc:  # invalid numbers are refused, as they should be
                assert getattr(exc, "status", None) == 400
        else:
            backend.move_to(backend.clock.now() + 3 * 3600)


def cdr_of(backend: Any, api_key: str, **fields: str) -> list[dict[str, Any]]:
    return backend.cdr(api_key, {"date_from": "2026-11-20", "date_to": "2026-12-31", **fields},
                       entry(backend, "cdr"))  # fmt: skip


@given(st.lists(operation, max_size=8))
def test_no_account_ever_sees_another_accounts_jobs(ops: list[Any]) -> None:
    backend = two_accounts()
    play(backend, ops)
    for mine, other in (("alpha", "beta"), ("beta", "alpha")):
        theirs = set(backend.accounts[other].jobs)
        assert not {row["QUERY_ID"] for row in cdr_of(backend, mine)} & theirs
        assert all(r.job.api_key == mine for _, r in backend.find_records(api_key=mine))


@given(st.lists(operation, max_size=8))
def test_cdr_is_every_dialled_record_in_time_then_id_order(ops: list[Any]) -> None:
    backend = two_accounts()
    play(backend, ops)
    for api_key, account in backend.accounts.items():
        rows = cdr_of(backend, api_key)
        dialled = sorted(
            (r for r in account.records() if r.last_time is not None),
            key=lambda r: (r.last_time, r.job.id, r.seq),
        )
        assert rows == [cdr_row(r, account.zone) for r in dialled]


@given(st.lists(operation, max_size=8), st.sampled_from(SUBSCRIBERS), st.sampled_from(SPELLINGS))
def test_to_filter_returns_exactly_that_numbers_rows(
    ops: list[Any], digits: str, spell: Any
) -> None:
    backend = two_accounts()
    play(backend, ops)
    everything = cdr_of(backend, "alpha")
    only = cdr_of(backend, "alpha", to=spell(digits))
    assert only == [r for r in everything if phones.normalise(r["DST"]) == "7" + digits]


@given(st.lists(operation, max_size=8), st.integers(0, 2**31))
def test_same_seed_requests_and_clock_moves_give_the_same_cdr(ops: list[Any], seed: int) -> None:
    results = []
    for _ in range(2):
        backend = two_accounts()
        backend.reseed(seed)
        play(backend, ops)
        results.append(json.dumps([cdr_of(backend, k) for k in ("alpha", "beta")]))
    assert results[0] == results[1]


@given(st.lists(operation, min_size=1, max_size=8))
def test_attempts_respect_windows_lines_and_maxcount(ops: list[Any]) -> None:
    backend = two_accounts()
    for account in backend.accounts.values():
        account.config.dial_lines = 2
    play(backend, ops)
    backend.move_to(backend.clock.now() + 8 * 86400)
    for account in backend.accounts.values():
        spans = []
        for record in account.records():
            history = record.history or []
            assert len(history) <= record.maxcount
            for attempt in history:
                spans.append((attempt.started, attempt.ended))
                if record.start is not None:
                    local = daytime.local(attempt.started, account.zone)
                    second = local.hour * 3600 + local.minute * 60 + local.second
                    assert record.start <= second < record.stop
        for started, _ in spans:
            assert sum(s <= started < e for s, e in spans) <= 2


@given(st.lists(st.integers(0, 40), max_size=6), st.integers(0, 120), st.integers(1, 50))
def test_a_page_of_records_is_the_slice_of_all_of_them(
    sizes: list[int], offset: int, limit: int
) -> None:
    backend = new_backend()
    first = 0
    for size in sizes:
        rows = [{"id": str(i), "phone": f"8902{first + i:07d}"} for i in range(size)]
        if rows:
            run_make(backend, rows)
        first += size
    everything = backend.find_records(api_key="apikey")
    page = backend.calls_page(offset, limit, api_key="apikey")
    assert (page.total, page.items) == (len(everything), everything[offset : offset + limit])

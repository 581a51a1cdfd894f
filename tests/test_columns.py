"""A clean make batch is built column by column (mockserver/make/columns.py) and queued in one
piece when its rows share a window; every other batch goes row by row. Both roads must
leave the same state: records, indexes, queues, report, journal."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import phones
from mockserver.backend import Backend
from mockserver.config import Account, Scenario
from mockserver.make import columns
from mockserver.make.rules import DEFAULT_START, DEFAULT_STOP, hms, inherit
from mockserver.models import Job
from mockserver.simulation import Dialer
from mockserver.validation import field_checks, validator

from .support import entry, make_body, manual_config, new_backend

TIMES = ["", "00:00", "09:00", "10:00:00", "12:30", "18:30:15", "19:00:00", "23:59:59"]
TEXTS = ["", "a", "Петров", "code1", "x" * 40]
PHONE = st.one_of(
    st.from_regex(r"[78]9[0-9]{9}", fullmatch=True),
    st.from_regex(r"\+7 \(9[0-9]{2}\) [0-9]{3}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{10,12}", fullmatch=True),
    st.sampled_from(["89001112233", "79001112233", "+79001112233", "9001112233"]),
)


def row(phone: Any, optional: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {"id": st.from_regex(r"[0-9a-z]{1,6}", fullmatch=True), "phone": phone}, optional=optional
    )


ANY_ROW = row(PHONE, {
    "name": st.sampled_from(TEXTS), "UUID": st.sampled_from(TEXTS),
    "var1": st.sampled_from(TEXTS), "var2": st.sampled_from(TEXTS), "var3": st.sampled_from(TEXTS),
    "statdialertime": st.sampled_from(TIMES), "stopdialertime": st.sampled_from(TIMES),
    "maxcount": st.sampled_from(["", "1", "3", "10"]),
    "generationtype": st.sampled_from(["", "1", "2", "9"]),  # 9: no such scenario
})  # fmt: skip
# What the contract allows but a clean batch does not hold: numbers, nulls, unknown fields.
SLIPS = st.fixed_dictionaries({}, optional={
    "maxcount": st.integers(1, 10), "name": st.integers(0, 99), "var2": st.none(),
    "stopdialertime": st.none(), "generationtype": st.just(2), "startdialertime": st.just("9"),
})  # fmt: skip
ANY_ROW = st.one_of(ANY_ROW, st.builds(lambda r, slips: {**r, **slips}, ANY_ROW, SLIPS))
# Rows the column road takes: their own numbers, one window that opens before it closes.
CLEAN_ROW = row(st.from_regex(r"[78]9[0-9]{9}", fullmatch=True), {
    "name": st.sampled_from(TEXTS), "var1": st.sampled_from(TEXTS),
    "statdialertime": st.just("09:00"), "stopdialertime": st.sampled_from(["", "18:30:15"]),
    "maxcount": st.sampled_from(["", "1", "10"]), "generationtype": st.sampled_from(["", "1", "2"]),
})  # fmt: skip


def same_number(row: dict[str, Any]) -> str:
    """Rows of CLEAN_ROW with one key here have one normalised number (8... and 7... agree)."""
    return row["phone"][1:]


def backend() -> Backend:
    config = manual_config()
    config.accounts = [
        Account(
            api_key="apikey",
            access_token="client-key",
            scenarios=[Scenario(id="1", name="A"), Scenario(id="2", name="B")],
        )
    ]
    return new_backend(config)


def state(b: Backend) -> dict[str, Any]:
    """Everything a make leaves behind, by value."""
    account = b.accounts["apikey"]
    fields = ("seq", "row_id", "name", "phone", "number", "uuid", "var1", "var2", "var3",
              "scenario", "start", "stop", "maxcount", "state", "next_at", "attempts")  # fmt: skip
    return {
        "jobs": {
            job_id: (
                job.lines,
                job.ok,
                job.inserted,
                job.errorcode,
                [tuple(getattr(r, f) for f in fields) for r in job.records],
            )
            for job_id, job in account.jobs.items()
        },
        "numbers": {n: [r.seq for r in account.of_number(n)] for n in account.numbers},
        "waiting": {when: [r.seq for r in rs] for when, rs in account.waiting.items()},
        "ready": [r.seq for r in account.ready],
        "journal": [(w.code, w.field, w.message) for e in b.journal.entries() for w in e.warnings],
    }


def upload(b: Backend, batches: list[list[dict[str, str]]]) -> list[dict[str, Any]]:
    return [b.make("apikey", make_body(rows), entry(b, "make")).body() for rows in batches]


def both_roads(batches: list[list[dict[str, Any]]]) -> None:
    """The batches uploaded as the emulator does, and again forced down the row road."""
    fast = backend()
    reports = upload(fast, batches)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "records", lambda *_: None)
        patch.setattr(Dialer, "_enqueue_one_window", Dialer._enqueue_each)
        slow = backend()
        assert upload(slow, batches) == reports
    assert state(fast) == state(slow)


@given(st.lists(st.lists(ANY_ROW, max_size=30), min_size=1, max_size=3))
def test_any_batches_leave_the_same_state_on_both_roads(
    batches: list[list[dict[str, str]]],
) -> None:
    both_roads(batches)


@given(st.lists(CLEAN_ROW, min_size=1, max_size=40, unique_by=same_number))
def test_a_clean_batch_of_new_numbers_takes_the_column_road_to_the_same_records(
    rows: list[dict[str, str]],
) -> None:
    b = backend()
    job = Job(1, "apikey", "make", 0.0, 1)
    made = columns.records(rows, b.accounts["apikey"].scenarios, job, 1, {})
    assert made is not None and len(made) == len(rows)
    both_roads([rows])


SLIPPED_ROW = st.builds(lambda r, slips: {**r, **slips}, CLEAN_ROW, SLIPS.filter(bool))
# Values make.row refuses: the row road names each in the journal.
BREAKS = st.fixed_dictionaries({}, optional={
    "phone": st.sampled_from(["12", "8900abc1234", ""]), "id": st.just(""),
    "statdialertime": st.sampled_from(["25:00", "9:00"]), "maxcount": st.sampled_from(["0", "11"]),
    "generationtype": st.just("a b"), "var3": st.just("x" * 1001),
})  # fmt: skip
BROKEN_ROW = st.builds(lambda r, breaks: {**r, **breaks}, CLEAN_ROW, BREAKS.filter(bool))


def batch_of(rows: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Clean rows mixed with ``rows``, each of its own number."""
    return st.lists(st.one_of(CLEAN_ROW, rows), min_size=1, max_size=40, unique_by=same_number)


@given(batch_of(SLIPPED_ROW))
def test_a_batch_with_slips_to_lint_leaves_the_same_state_on_both_roads(
    rows: list[dict[str, Any]],
) -> None:
    both_roads([rows])


@given(batch_of(BROKEN_ROW))
def test_a_batch_with_rows_make_row_refuses_leaves_the_same_state_on_both_roads(
    rows: list[dict[str, Any]],
) -> None:
    both_roads([rows])


@given(st.one_of(ANY_ROW, BROKEN_ROW))
def test_a_row_is_valid_exactly_when_each_of_its_fields_is(row: dict[str, Any]) -> None:
    rules = field_checks("make.row")
    assert rules is not None
    fields_valid = all(
        rules.checks[name]([value]) for name, value in row.items() if name in rules.checks
    )
    required = all(name in row for name in rules.required)
    unknown_ok = True  # make.row ignores fields it does not name
    assert validator("make.row").is_valid(row) == (fields_valid and required and unknown_ok)


def test_only_a_schema_of_independent_fields_is_read_field_by_field() -> None:
    assert field_checks("make.row") is not None
    assert field_checks("make.request") is None  # allOf: not field by field


def clean(*phones: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"id": str(i), "phone": p, **fields} for i, p in enumerate(phones)]


def records(rows: list[dict[str, Any]], taken: dict[str, Any] | None = None) -> Any:
    scenarios = backend().accounts["apikey"].scenarios
    return columns.records(rows, scenarios, Job(1, "apikey", "make", 0.0, 1), 1, taken or {})


def test_a_number_given_twice_in_a_batch_takes_the_row_road() -> None:
    assert records(clean("89001112233", "+7 900 111-22-33")) is None


def test_a_number_the_account_holds_takes_the_row_road() -> None:
    assert records(clean("89001112233"), taken={"79001112233": object()}) is None


def test_an_unknown_scenario_takes_the_row_road() -> None:
    assert records(clean("89001112233", generationtype="9")) is None


def test_a_field_the_contract_does_not_name_takes_the_row_road() -> None:
    assert records(clean("89001112233", "89001112234", startdialertime="09:00")) is None


def test_a_number_for_a_string_takes_the_row_road() -> None:
    assert records(clean("89001112233", "89001112234", maxcount=3)) is None


def test_a_null_takes_the_row_road() -> None:
    assert records(clean("89001112233", "89001112234", var1=None)) is None


def test_rows_leaving_fields_out_take_the_column_road() -> None:
    rows = clean("89001112233", "89001112234")
    rows[1]["name"] = "Петров"
    made = records(rows)
    assert made is not None and [r.name for r in made] == ["", "Петров"]


def test_a_window_that_closes_before_it_opens_takes_the_row_road() -> None:
    assert records(clean("89001112233", statdialertime="19:00", stopdialertime="10:00")) is None


def test_rows_without_times_inherit_the_last_given_on_the_column_road() -> None:
    rows = [
        {"id": "1", "phone": "89000000001"},
        {"id": "2", "phone": "89000000002", "statdialertime": "09:00", "stopdialertime": ""},
        {"id": "3", "phone": "89000000003", "stopdialertime": "12:00"},
        {"id": "4", "phone": "89000000004"},
    ]
    made = records(rows)
    assert [(r.start, r.stop) for r in made] == [
        (36000, 68400), (32400, 68400), (32400, 43200), (32400, 43200),
    ]  # fmt: skip


@given(st.lists(PHONE, max_size=20))
def test_numbers_are_normalised_in_columns_as_one_by_one(given_phones: list[str]) -> None:
    assert columns._normalised(given_phones) == list(map(phones.normalise, given_phones))


def test_a_time_rejected_for_its_own_rule_is_not_passed_on() -> None:
    rows = [
        {"id": "1", "phone": "89000000001", "statdialertime": "12:00", "stopdialertime": "13:00"},
        {"id": "2", "phone": "89000000002", "statdialertime": "14:00"},
        {"id": "3", "phone": "89000000003"},
    ]
    both_roads([rows])  # the column road refuses the batch: the row road decides it
    b = backend()
    (body,) = upload(b, [rows])
    assert body["report"]["ok"] == "2" and body["report"]["errorcode"] == "3"
    windows = {r.row_id: (r.start, r.stop) for _, r in b.find_records()}
    assert windows == {"1": (hms("12:00"), hms("13:00")), "3": (hms("12:00"), hms("13:00"))}


def reference_windows(starts: list[str], stops: list[str]) -> tuple[Any, ...]:
    """Row by row, as the vendor's footnote reads: a valid window is passed on, no other."""
    last, found, refused = (DEFAULT_START, DEFAULT_STOP), [], []
    for index, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        window = (hms(start) if start else last[0], hms(stop) if stop else last[1])
        if window[0] < window[1]:
            last = window
        else:
            refused.append(index)
        found.append(window)
    return [w[0] for w in found], [w[1] for w in found], refused


WINDOW_TIMES = st.sampled_from(["", "09:00", "12:00", "13:00", "14:00"])


@given(st.lists(st.tuples(WINDOW_TIMES, WINDOW_TIMES), max_size=12), st.integers(0, 12))
def test_inheritance_of_any_chain_of_times_follows_the_footnote(
    pairs: list[tuple[str, str]], copies: int
) -> None:
    # ``copies`` of one pair: a uniform batch, which inherit reads once instead of row by row.
    for chain in (pairs, pairs[:1] * copies):
        starts, stops = [p[0] for p in chain], [p[1] for p in chain]
        assert tuple(inherit(starts, stops)) == reference_windows(starts, stops)

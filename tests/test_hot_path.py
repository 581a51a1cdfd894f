"""The pieces the emulator's speed rests on, each held to the plain version it stands for:
the cached open span (next_open), the scheduler's time buckets, the cdr log sorted on read,
the paused collector, the body walk, the form reader."""

from __future__ import annotations

import gc
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mockserver import gc_control, jsonbody, rowtexts
from mockserver.cdrindex import CdrIndex
from mockserver.errors import MalformedBody
from mockserver.models import Dialled, Job, Record
from mockserver.scheduler import Scheduler
from mockserver.windows import next_open, open_span

MOSCOW, BERLIN = ZoneInfo("Europe/Moscow"), ZoneInfo("Europe/Berlin")
UPLOAD_DAY = date(2026, 3, 28).toordinal()  # Berlin moves its clocks on at 02:00 the next day
EPOCH = 1774656000.0  # 2026-03-28T00:00Z


def record(start: int | None, stop: int | None, seq: int = 1) -> Record:
    job = Job(seq, "apikey", "make", 0.0, UPLOAD_DAY)
    texts = rowtexts.pack("8900", str(seq), "", "", "", "", "")
    return Record(seq, job, texts, "7900", "1", start, stop, 3)


windows = st.one_of(
    st.just((None, None)),
    st.tuples(st.integers(0, 86399), st.integers(1, 86400)).filter(lambda w: w[0] < w[1]),
)


@given(
    windows,
    st.sampled_from([MOSCOW, BERLIN]),
    st.integers(1, 3),
    st.integers(-3600, 4 * 86400),
    st.floats(0, 1),
)
# The night Berlin skips 02:00-03:00: a span from 01:30 must not run past 04:00.
@example((3600, 4 * 3600), BERLIN, 2, 86400 - 1800, 0.999)
# The campaign's last day is the short one: a span must not run into the day after it.
@example((None, None), BERLIN, 2, 86400, 0.999)
def test_an_open_span_is_open_throughout_as_next_open_says(
    window: tuple[int | None, int | None], zone: ZoneInfo, days: int, offset: int, share: float
) -> None:
    r, now = record(*window), EPOCH + offset
    span = open_span(r, now, zone, days)
    assert (span is None) == (next_open(r, now, zone, days) != now)
    if span is not None:
        low, high = span
        assert low <= now < high
        inside = low + int((high - low) * share)
        if inside < high:
            assert next_open(r, inside, zone, days) == inside


def test_events_scheduled_for_the_running_time_run_in_the_same_step() -> None:
    scheduler, seen = Scheduler(), []

    def first(_arg: object, when: float) -> None:
        seen.append("first")
        scheduler.at(when, lambda *_: seen.append("same time"), None)

    scheduler.at(1.0, first, None)
    scheduler.at(1.0, lambda *_: seen.append("second"), None)
    assert scheduler.run_until(1.0) == 3
    assert seen == ["first", "second", "same time"] and scheduler.next_due() is None


@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=40), st.data())
def test_the_cdr_log_shows_each_records_last_finished_attempt_in_order(
    steps: list[tuple[int, bool]], data: st.DataObject
) -> None:
    index, records = CdrIndex(), [record(None, None, seq) for seq in range(6)]
    ringing: dict[int, float] = {}
    clock = 0.0
    for seq, finish in steps:  # attempts begin in time order and end in any order
        r = records[seq]
        if finish and seq in ringing:
            moved = r.dial is not None and r.dial.last_time is not None
            r.dial.finished(ringing.pop(seq), clock, "BUSY/17", 0, "")  # type: ignore[union-attr]
            index.finished(moved)
        elif not finish and seq not in ringing:
            clock += data.draw(st.sampled_from([0.0, 1.0, 7.0]))  # ties between records too
            if r.last_time == clock:  # a retry waits retry_interval, at least 1 s
                clock += 1.0
            ringing[seq] = clock
            r.dial = r.dial or Dialled()
            index.started(r, clock)
        if data.draw(st.booleans()):  # reads come between the writes
            list(index)
    rows = sorted((r.last_time, r.job.id, r.seq) for r in records if r.last_time is not None)
    sort_due = index._sorted < len(index._keys)
    assert [(r.last_time, r.job.id, r.seq) for r in index] == rows
    if sort_due:  # the sort dropped the dead keys: one per row and per ringing attempt left
        assert len(index._keys) == len(rows) + len(ringing)
    assert len(index) == len(rows)
    assert [r.seq for r in index.between(1.0, 8.0)] == [s for t, _, s in rows if 1 <= t < 8]
    assert [r.seq for r in index.newest(1, 3)] == [s for *_, s in rows[::-1][1:4]]


def test_the_collector_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with gc_control.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_host_stays_off() -> None:
    gc.disable()
    try:
        with gc_control.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def plain_count(value: object, depth: int = 1) -> int:
    """Keys and depth, the obvious recursive way: what the fast walk must agree with."""
    if not isinstance(value, dict | list):
        return 0
    if depth > jsonbody.MAX_DEPTH:
        raise MalformedBody("too deep")
    children = list(value.values()) if isinstance(value, dict) else value
    own = len(value) if isinstance(value, dict) else 0
    return own + sum(plain_count(child, depth + 1) for child in children)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    ),
    max_leaves=20,
)


def nested_in_lists(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


@given(st.one_of(json_values, st.builds(nested_in_lists, json_values, st.integers(25, 35))))
def test_the_key_count_and_depth_limit_agree_with_a_plain_walk(value: object) -> None:
    try:
        expected: int | None = plain_count(value)
    except MalformedBody:
        expected = None
    try:
        found: int | None = jsonbody._keys_within_depth(value)
    except MalformedBody:
        found = None
    assert found == expected


def test_a_batch_of_rows_one_level_too_deep_is_refused() -> None:
    rows = [{"id": "1"}, {"id": "2"}]
    assert jsonbody._keys_within_depth(nested_in_lists(rows, jsonbody.MAX_DEPTH - 2)) == 2
    with pytest.raises(MalformedBody):
        jsonbody._keys_within_depth(nested_in_lists(rows, jsonbody.MAX_DEPTH - 1))


def test_a_retried_records_earlier_key_goes_at_the_next_sort() -> None:
    index, r = CdrIndex(), record(None, None)
    r.dial = Dialled()
    for started in (10.0, 700.0):  # an attempt, then its retry
        index.started(r, started)
        moved = r.dial.last_time is not None
        r.dial.finished(started, started + 30, "BUSY/17", 0, "")
        index.finished(moved)
    assert [x.last_time for x in index] == [700.0] and len(index) == 1
    assert len(index._keys) == 1  # the first attempt's key is not kept


@given(st.text(alphabet="ab=&+%20DZé;", max_size=30))
def test_the_form_reader_agrees_with_the_stdlib(form: str) -> None:
    from urllib.parse import parse_qsl

    from yarl import query_to_pairs

    assert query_to_pairs(form) == parse_qsl(form, keep_blank_values=True)


@given(st.integers(0, 2**31), st.integers(1, 18))
def test_job_ids_have_id_digits_digits_and_repeat_for_the_seed(seed: int, digits: int) -> None:
    """The README's ids come from the seed: drawn again, they are the same."""
    from .support import manual_config, new_backend

    def drawn() -> list[int]:
        backend = new_backend(manual_config(seed=seed, id_digits=digits))
        account = backend.accounts["apikey"]
        ids = []
        for _ in range(5):
            job = backend._job(account, "make", 0.0)
            backend._register(account, job)
            ids.append(job.id)
        return ids

    ids = drawn()
    assert ids == drawn()
    assert all(len(str(job_id)) == digits for job_id in ids)
    assert len(set(ids)) == 5  # an id still held is drawn again

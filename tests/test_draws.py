"""The draws are sound and per account: uniform, independent, exact at a range's edges, and an
account's history depends only on the seed and that account's own requests and clock moves.

The statistical tests run at a fixed seed, so they pass or fail the same way on every run;
each compares a χ² with its critical value at α = 0.001 (bench/draws_audit.py repeats them
over many seeds, with p-values).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver import draws
from mockserver.backend import Backend
from mockserver.config import DEFAULT_OUTCOMES, Account, Scenario
from mockserver.outcomes import OutcomePicker

from .support import manual_config, new_backend

#: χ² critical values at α = 0.001 by degrees of freedom (tables; scipy.stats.chi2.isf).
CRITICAL = {9: 27.877, 16: 39.252}
DAY = 86400


class Sink:
    """A journal entry that keeps nothing: these tests look at outcomes."""

    def warn(self, *_: Any) -> None:
        pass


def chi2(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def backend_of(*api_keys: str, seed: int = 1, **scenario: Any) -> Backend:
    config = manual_config(seed=seed)
    config.accounts = [
        Account(
            api_key=key,
            access_token="client-key",
            dial_lines=100_000,
            scenarios=[Scenario(id="1", **scenario)],
        )
        for key in api_keys
    ]
    return new_backend(config)


def upload(backend: Backend, api_key: str, first: int, count: int) -> None:
    """``count`` one-attempt records whose numbers (ending in 9) no forced rule matches."""
    rows = [
        {"id": str(i), "name": "A", "phone": f"8{i:09d}9", "UUID": "u", "maxcount": "1"}
        for i in range(first, first + count)
    ]
    body = json.dumps({"query": {"access_token": "client-key", "data": rows}}).encode()
    backend.make(api_key, body, Sink())  # type: ignore[arg-type]


def outcomes(count: int, **scenario: Any) -> list[tuple[str, int]]:
    """(status, SEC) of ``count`` records of one account at seed 1, in the account's order."""
    backend = backend_of("apikey", **scenario)
    for first in range(0, count, 1000):
        upload(backend, "apikey", first, min(1000, count - first))
    backend.move_to(backend.clock.now() + 2 * DAY)
    return [(r.code.split("/")[0], r.sec) for r in backend.accounts["apikey"].records()]


def test_talk_seconds_are_uniform_over_the_whole_range() -> None:
    secs = [sec for status, sec in outcomes(20_000) if status == "ANSWER"]
    counts = Counter(secs)
    values = range(5, 91)  # [5, 90]: 86 whole seconds, each equally likely
    bins = [sum(counts[v] for v in values[i::10]) for i in range(10)]
    expected = [len(secs) * len(values[i::10]) / len(values) for i in range(10)]
    assert chi2(bins, expected) < CRITICAL[9]
    assert min(secs) == 5 and max(secs) == 90


def test_consecutive_records_outcomes_are_independent() -> None:
    statuses = [status for status, _ in outcomes(20_000)]
    pairs = Counter(itertools.pairwise(statuses))
    firsts = Counter(a for a, _ in itertools.pairwise(statuses))
    seconds = Counter(b for _, b in itertools.pairwise(statuses))
    n, keys = len(statuses) - 1, list(DEFAULT_OUTCOMES)
    observed = [pairs[a, b] for a in keys for b in keys]
    expected = [firsts[a] * seconds[b] / n for a in keys for b in keys]
    assert chi2(observed, expected) < CRITICAL[16]


def test_a_zero_talk_range_gives_zero_seconds() -> None:
    answered = [sec for status, sec in outcomes(300, talk_seconds=(0, 0)) if status == "ANSWER"]
    assert answered and set(answered) == {0}


def test_a_one_second_ring_range_reaches_both_ends() -> None:
    picker = OutcomePicker(Scenario(id="1", ring_seconds={"BUSY": (1, 2)}))
    account = draws.of(1, "apikey")
    rings = {picker.decide(("BUSY", ""), account, 1, row, 1)[1] for row in range(200)}
    assert rings == {1, 2}


def test_integer_draws_cover_their_range_edges_included() -> None:
    words = [draws.of(3, "k").words(draws.ATTEMPT, i)[0] for i in range(2000)]
    assert {draws.integer(w, 5, 9) for w in words} == {5, 6, 7, 8, 9}
    assert {draws.integer(w, 0, 0) for w in words} == {0}


def test_draws_differ_between_accounts_and_seeds() -> None:
    words = {
        draws.of(seed, key).words(draws.ATTEMPT, 1, 0, 1)
        for seed in (1, 2)
        for key in ("apikey", "other")
    }
    assert len(words) == 4


def history(backend: Backend, api_key: str) -> list[tuple[Any, ...]]:
    """Everything an account can see of its calls: ids, states, every attempt."""
    account = backend.accounts[api_key]
    return [
        (
            r.job.id,
            r.phone,
            r.state,
            [(a.started, a.ended, a.code, a.sec, a.answer) for a in r.history],
        )
        for r in account.records()
    ]


#: One step of a run: ("make", size), ("newcall",) or ("advance", seconds).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("make"), st.integers(1, 20)),
        st.tuples(st.just("newcall")),
        st.tuples(st.just("advance"), st.integers(1, 900)),
    ),
    min_size=1,
    max_size=12,
)


def play(backend: Backend, api_key: str, step: tuple[Any, ...], numbers: itertools.count) -> None:
    if step[0] == "make":
        upload(backend, api_key, next(numbers) * 100, step[1])
    elif step[0] == "newcall":
        fields = {"name": "B", "phone": f"8{next(numbers):09d}7", "UUID": "u"}
        backend.newcall(api_key, fields, Sink())  # type: ignore[arg-type]
    else:
        backend.move_to(backend.clock.now() + step[1])


@given(mine=steps, theirs=steps, seed=st.integers(0, 2**31))
def test_an_accounts_history_ignores_another_accounts_traffic(
    mine: list[tuple[Any, ...]], theirs: list[tuple[Any, ...]], seed: int
) -> None:
    """The same steps of one account, alone and interleaved with another account's requests
    (theirs come before each of mine; clock moves are the only steps shared)."""
    alone = backend_of("apikey", "other", seed=seed)
    numbers = itertools.count()
    for step in mine:
        play(alone, "apikey", step, numbers)

    shared = backend_of("apikey", "other", seed=seed)
    numbers, their_numbers = itertools.count(), itertools.count(50_000)
    for step, their in zip(mine, itertools.cycle(theirs), strict=False):
        if their[0] != "advance":
            play(shared, "other", their, their_numbers)
        play(shared, "apikey", step, numbers)
    assert history(shared, "apikey") == history(alone, "apikey")


def test_the_audit_bench_reports_p_values_over_seeds() -> None:
    """bench/draws_audit.py, at a small size: what it prints is what its docstring says."""
    import subprocess
    import sys

    from .support import ROOT

    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "draws_audit.py"), "3000", "2"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    found = json.loads(out)
    assert found["seeds"] == 2 and found["records_per_seed"] == 3000
    assert 0 <= found["sec_p_min"] <= 1 and 0 <= found["pairs_p_min"] <= 1
    assert sum(found["seed_1"]["histogram"]) > 1000  # the answered calls, 60 % of 3000

"""The benchmarks measure what their figures say: small runs of bench/'s scripts, no timing
asserted (the suite never runs a benchmark at size)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from types import ModuleType

import pytest

from mockserver.config import ConfigError

from .support import ROOT, START

BENCH = ROOT / "bench"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """bench/'s modules, imported as its scripts import each other (from bench/ itself)."""
    monkeypatch.syspath_prepend(str(BENCH))
    import domain_bench
    import http_bench

    return {"domain": domain_bench, "http": http_bench}


def _domain(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(BENCH / "domain_bench.py"), *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_one_number_cdr_asks_about_the_day_the_numbers_were_dialled() -> None:
    days, per_day = 7, 300  # an odd count of days: the one the old middle day missed
    found = _domain("cdr", str(days * per_day), str(per_day))
    middle = datetime.datetime.fromisoformat(START) + datetime.timedelta(days=days // 2)
    assert (found["day"], found["one_number_rows"]) == (middle.date().isoformat(), 1)


def test_simulation_lines_stay_within_what_a_configuration_may_hold(
    bench: dict[str, ModuleType],
) -> None:
    domain = bench["domain"]
    lines = domain.simulation_lines(10 * domain.MAX_LINES * domain.PER_LINE)
    assert lines == domain.MAX_LINES
    domain.backend(lines)  # a configuration a user may write
    with pytest.raises(ConfigError, match="dial_lines"):
        domain.backend(lines + 1)


def test_simulation_bench_dials_every_record_in_its_day() -> None:
    found = _domain("simulation", "3000")
    assert (found["attempts"], found["never_dialled"]) == (3000, 0)


def test_crm_rows_share_no_text_between_rows(bench: dict[str, ModuleType]) -> None:
    rows = bench["domain"].crm_rows(0, 100)
    for field in ("id", "name", "phone", "UUID", "var1", "var2", "var3"):
        assert len({row[field] for row in rows}) == len(rows), field


def test_memory_bench_counts_pending_records_with_their_own_texts() -> None:
    found = _domain("memory", "2000")
    assert found["pending"] == 2000
    assert found["own_texts_bytes"] > found["record_object_bytes"]


def test_peer_ratios_are_medians_of_same_round_ratios(bench: dict[str, ModuleType]) -> None:
    def turn(rps: float) -> dict[str, object]:
        return {"rps": rps, "p50_ms": 1000 / rps, "cpu_ms_per_request": 1000 / rps}

    ours = [turn(100), turn(50), turn(300)]
    theirs = [turn(200), turn(25), turn(100)]  # round ratios 0.5, 2, 3
    found = bench["http"]._ratios(ours, theirs)
    assert (found["rps"], found["rounds_rps"]) == (2.0, [0.5, 2.0, 3.0])
    assert found["p50"] == pytest.approx(0.5)

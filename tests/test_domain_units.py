"""Small domain pieces on their own: numbers, windows, outcomes, the scheduler, the clock."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import daytime, phones, rowtexts
from mockserver.clock import Clock, parse_iso
from mockserver.config import ForcedRule
from mockserver.models import Job, Record
from mockserver.outcomes import FIXED_RULES, ForcedTable, WeightedChoice
from mockserver.scheduler import Scheduler
from mockserver.windows import next_open

from .support import ROOT

MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    "spelling", ["89222220000", "79222220000", "+79222220000", "+7 (922) 222-00-00", 89222220000]
)
def test_russian_spellings_normalise_to_one_number(spelling: str | int) -> None:
    assert phones.normalise(spelling) == "79222220000"


def test_ten_digit_numbers_keep_their_digits() -> None:
    assert phones.normalise("9222220000") == "9222220000"


def record(
    start: str | None = "10:00", stop: str | None = "19:00", day: str = "2026-11-27"
) -> Record:
    def seconds(text: str | None) -> int | None:
        if text is None:
            return None
        hours, minutes = text.split(":")
        return int(hours) * 3600 + int(minutes) * 60

    job = Job(1, "apikey", "make", 0.0, date.fromisoformat(day).toordinal())
    texts = rowtexts.pack("89222220000", "1", "", "", "", "", "")
    return Record(1, job, texts, "79222220000", "1", seconds(start), seconds(stop), 1)


def at(text: str) -> float:
    return parse_iso(text)


def test_before_the_window_the_record_waits_for_its_start() -> None:
    when = next_open(record(), at("2026-11-27T09:00:00+03:00"), MSK, 7)
    assert when == at("2026-11-27T10:00:00+03:00")


def test_inside_the_window_the_record_is_due_at_once() -> None:
    moment = at("2026-11-27T12:34:56+03:00")
    assert next_open(record(), moment, MSK, 7) == moment


def test_after_the_window_the_record_waits_for_the_next_day() -> None:
    when = next_open(record(), at("2026-11-27T19:00:00+03:00"), MSK, 7)
    assert when == at("2026-11-28T10:00:00+03:00")


def test_windows_run_out_after_the_campaign_days() -> None:
    assert next_open(record(), at("2026-11-27T20:00:00+03:00"), MSK, 1) is None


def test_a_record_without_window_is_due_at_any_hour() -> None:
    moment = at("2026-11-27T03:00:00+03:00")
    assert next_open(record(None, None), moment, MSK, 1) == moment


def test_windows_follow_the_accounts_zone() -> None:
    vladivostok = ZoneInfo("Asia/Vladivostok")
    moment = at("2026-11-27T09:00:00+03:00")  # 16:00 in Vladivostok: inside its window
    assert next_open(record(), moment, vladivostok, 7) == moment


@pytest.mark.parametrize("suffix", sorted(FIXED_RULES))
def test_the_fixed_table_forces_each_magic_suffix(suffix: str) -> None:
    assert ForcedTable([]).match("7900111" + suffix) == FIXED_RULES[suffix]


def test_a_longer_configured_suffix_wins_over_the_fixed_table() -> None:
    table = ForcedTable([ForcedRule(suffix="990000", status="BUSY")])
    assert table.match("79001990000") == ("BUSY", "")
    assert table.match("79001110000") == ("ANSWER", "да")


def test_weighted_choice_never_picks_a_zero_weight() -> None:
    choice = WeightedChoice({"A": 0, "B": 1, "C": 0})
    assert {choice.pick(u / 100) for u in range(100)} == {"B"}


def test_scheduler_runs_in_time_then_insertion_order() -> None:
    scheduler, seen = Scheduler(), []
    for name, when in (("b", 2.0), ("a", 1.0), ("c", 2.0)):
        scheduler.at(when, lambda arg, _when: seen.append(arg), name)
    scheduler.run_until(5.0)
    assert seen == ["a", "b", "c"]


def test_scheduler_leaves_events_after_the_target() -> None:
    scheduler = Scheduler()
    scheduler.at(10.0, lambda *_: None, None)
    assert scheduler.run_until(9.999) == 0 and scheduler.next_due() == 10.0


def test_manual_clock_stands_still_until_moved() -> None:
    clock = Clock("manual", start=100.0, wall=lambda: 5.0)
    clock.move_to(160.0)
    assert clock.now() == 160.0


def test_manual_clock_never_moves_back() -> None:
    clock = Clock("manual", start=100.0)
    clock.move_to(50.0)
    assert clock.now() == 100.0


def test_sped_up_clock_runs_n_times_faster() -> None:
    wall = iter([1000.0, 1010.0])
    clock = Clock("real", speed=60, start=0.0, wall=lambda: next(wall))
    assert clock.now() == 600.0


#: What may speak HTTP: the aiohttp glue, the CLI, and what sends traffic itself.
HTTP_SIDE = ("server", "proxy", "loadgen", "cli.py", "__main__.py")


def _domain_modules() -> list[str]:
    """Every module of mockserver/ outside the HTTP side, as dotted names."""
    package = ROOT / "mockserver"
    names = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in HTTP_SIDE:
            continue
        parts = ("mockserver", *relative.with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_domain_modules_never_import_aiohttp() -> None:
    modules = _domain_modules()
    assert "mockserver.backend" in modules and "mockserver.webhooks.outbox" in modules
    # Each imported in turn in a fresh interpreter: the first to pull aiohttp in is named.
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'aiohttp' not in sys.modules, f'{name} imports aiohttp'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_domain_modules_never_import_aiohttp_even_lazily() -> None:
    offenders = []
    for name in _domain_modules():
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found = [node.module or ""]
            else:
                continue
            if any(n == "aiohttp" or n.startswith("aiohttp.") for n in found):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


@given(
    st.floats(0, 4_000_000_000),
    st.sampled_from(["Europe/Moscow", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
                     "Asia/Kathmandu", "Europe/London", "Pacific/Chatham"]),
)  # fmt: skip
def test_fast_cdr_time_equals_strftime(epoch: float, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    assert daytime.cdr_time(epoch, zone) == daytime.local(epoch, zone).strftime(
        "%Y-%m-%d %H:%M:%S %z"
    )

"""Benchmarks 3, 4 and 6, in process (no HTTP): cdr over a million stored rows, simulation
speed over a million pending records, resident memory per pending record.

Each figure is measured in a fresh interpreter (``python domain_bench.py FIGURE N``), so
one's garbage does not weigh on another.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ENV, PYTHON, rss_bytes

from mockserver import jsonio
from mockserver.backend import Backend
from mockserver.clock import Clock, parse_iso
from mockserver.config import Account, ClockConfig, Config

START = "2026-11-27T09:00:00+03:00"
DAY = 86400


def backend(dial_lines: int) -> Backend:
    config = Config(seed=1, clock=ClockConfig(mode="manual", start=START))
    config.accounts = [Account(api_key="apikey", access_token="client-key", dial_lines=dial_lines)]
    return Backend(config, Clock("manual", start=parse_iso(START)))


class Sink:
    """A journal entry stand-in: the benchmark measures the domain, not the journal."""

    def warn(self, *_: Any) -> None:
        pass


def upload(b: Backend, first: int, count: int) -> None:
    """``count`` records with distinct numbers, in batches of 1000, as a CRM would send them."""
    for start in range(first, first + count, 1000):
        rows = [
            {"id": str(i), "name": "Петров", "phone": f"8{i:010d}", "UUID": "code1",
             "var1": "data1", "var2": "data2", "var3": "data3", "statdialertime": "10:00:00",
             "stopdialertime": "19:00:00", "maxcount": "1", "generationtype": "1"}
            for i in range(start, min(start + 1000, first + count))
        ]  # fmt: skip
        body = json.dumps({"query": {"access_token": "client-key", "data": rows}}).encode()
        b.make("apikey", body, Sink())  # type: ignore[arg-type]


def memory(n: int) -> dict[str, float]:
    b = backend(10)
    gc.collect()
    before = rss_bytes()
    upload(b, 0, n)
    gc.collect()
    after = rss_bytes()
    pending = sum(1 for r in b.accounts["apikey"].records() if r.state == "pending")
    return {"pending": pending, "rss_mb": after / 2**20, "bytes_per_record": (after - before) / n}


def simulation(n: int) -> dict[str, float]:
    b = backend(max(10, n // 50))  # enough lines to dial everyone inside one day's window
    upload(b, 0, n)
    gc.collect()
    start = time.perf_counter()
    events = b.move_to(b.clock.now() + DAY)
    # The young objects the run made, looked at once when the collector resumes (see
    # mockserver.gc_control): paid inside the figure, here, rather than after it.
    gc.collect(0)
    seconds = time.perf_counter() - start
    attempts = sum(r.attempts for r in b.accounts["apikey"].records())
    return {"attempts": attempts, "events": events, "seconds": seconds,
            "attempts_per_s": attempts / seconds}  # fmt: skip


def cdr(n: int, per_day: int) -> dict[str, float]:
    b = backend(max(10, per_day // 20))
    days = max(1, n // per_day)
    for day in range(days):
        upload(b, day * per_day, per_day)
        b.move_to(b.clock.now() + DAY)
    account = b.accounts["apikey"]
    assert len(account.cdr) == days * per_day, len(account.cdr)
    middle = b.clock.now() - (days // 2) * DAY
    date = time.strftime("%Y-%m-%d", time.gmtime(middle + 3 * 3600))
    fields = {"date_from": date, "date_to": date}
    numbers = [f"8{(days // 2) * per_day + i:010d}" for i in range(0, per_day, per_day // 50)]
    one = [_timed(lambda f=f: b.cdr("apikey", f, Sink())) for f in  # type: ignore[arg-type]
           ({**fields, "to": number} for number in numbers)]  # fmt: skip
    # As the handler answers it: the rows, then orjson (mockserver.jsonio). The first query
    # of a day formats each row's TIME; later ones reuse it until the record's next attempt.
    whole = [_timed(lambda: jsonio.dumps(b.cdr("apikey", fields, Sink()))) for _ in range(7)]  # type: ignore[arg-type]
    rows = len(b.cdr("apikey", fields, Sink()))  # type: ignore[arg-type]
    return {"stored_rows": len(account.cdr), "day_rows": rows,
            "one_number_p50_ms": statistics.median(one) * 1000,
            "whole_day_first_ms": whole[0] * 1000,
            "whole_day_p50_ms": statistics.median(whole) * 1000}  # fmt: skip


def _timed(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(figure: str, n: int) -> dict[str, float]:
    """Runs one figure in a fresh interpreter and returns what it printed."""
    out = subprocess.run(
        [PYTHON, __file__, figure, str(n)],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
        env=ENV,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    figure, count = sys.argv[1], int(sys.argv[2])
    if figure == "memory":
        result = memory(count)
    elif figure == "simulation":
        result = simulation(count)
    else:
        result = cdr(count, per_day=min(30_000, count // 10))
    print(json.dumps(result))

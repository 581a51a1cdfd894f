"""Benchmarks 3, 4 and 6, in process (no HTTP): cdr over a million stored rows, simulation
speed over a million pending records, resident memory per pending record.

The records are uploaded as a CRM sends them: batches of 1000 rows, each row with its own
number, name, UUID and variables (:func:`crm_rows`), so no text is shared between records.

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
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ENV, PYTHON, rss_bytes

import schemas
from mockserver import jsonio
from mockserver.backend import Backend
from mockserver.clock import Clock, parse_iso
from mockserver.config import from_dict

START = "2026-11-27T09:00:00+03:00"
DAY = 86400
#: The most dial lines an account may have (the configuration's cap, from its schema).
MAX_LINES: int = schemas.load("config")["$defs"]["account"]["properties"]["dial_lines"]["maximum"]
#: Records per dial line in the simulation: a million records on the cap's 10,000 lines.
PER_LINE = 100


def backend(dial_lines: int) -> Backend:
    """An emulator configured as a user configures one: through the configuration's checks
    (so a benchmark cannot use more dial lines than a user may)."""
    config = from_dict({"seed": 1, "clock": {"mode": "manual", "start": START},
                        "accounts": [{"api_key": "apikey", "access_token": "client-key",
                                      "dial_lines": dial_lines}]})  # fmt: skip
    return Backend(config, Clock("manual", start=parse_iso(START)))


def simulation_lines(records: int) -> int:
    """The dial lines of the simulation: one per :data:`PER_LINE` records, within the cap."""
    return min(MAX_LINES, max(10, records // PER_LINE))


class Sink:
    """A journal entry stand-in: the benchmark measures the domain, not the journal."""

    def warn(self, *_: Any) -> None:
        pass


def crm_rows(first: int, count: int) -> list[dict[str, str]]:
    """Rows ``first`` to ``first + count`` as a CRM sends them: every text its own (a client's
    name in Cyrillic, the CRM's UUID, a contract number, a sum, a reference), the same window."""
    return [
        {"id": str(i), "name": f"Петров Иван {i}", "phone": f"8{i:010d}",
         "UUID": str(uuid.UUID(int=i)), "var1": f"договор {i}", "var2": f"{i % 99991}.50",
         "var3": f"REF-{i:08d}", "statdialertime": "10:00:00", "stopdialertime": "19:00:00",
         "maxcount": "1", "generationtype": "1"}
        for i in range(first, first + count)
    ]  # fmt: skip


def upload(b: Backend, first: int, count: int) -> None:
    """``count`` records (:func:`crm_rows`) in batches of 1000, as a CRM would send them."""
    for start in range(first, first + count, 1000):
        rows = crm_rows(start, min(1000, first + count - start))
        body = json.dumps({"query": {"access_token": "client-key", "data": rows}}).encode()
        b.make("apikey", body, Sink())  # type: ignore[arg-type]


def memory(n: int) -> dict[str, float]:
    """Resident memory per pending record, and what one record holds of it (its object and
    its own texts; the rest is the indexes, the queue and the allocator's slack)."""
    b = backend(10)
    gc.collect()
    before = rss_bytes()
    upload(b, 0, n)
    gc.collect()
    after = rss_bytes()
    records = list(b.accounts["apikey"].records())
    pending = sum(1 for r in records if r.state == "pending")
    sample = records[len(records) // 2]
    # Its own texts: the packed client texts (mockserver.rowtexts) and the normalised number.
    texts = {id(t): t for t in (sample.texts, sample.number)}
    return {"pending": pending, "rss_mb": after / 2**20, "bytes_per_record": (after - before) / n,
            "record_object_bytes": sys.getsizeof(sample),
            "own_texts_bytes": sum(map(sys.getsizeof, texts.values()))}  # fmt: skip


def simulation(n: int) -> dict[str, float]:
    """Attempts per second while the clock moves over ``n`` pending records: one day, as a
    user advances it, on as many lines as the configuration allows for a million records."""
    lines = simulation_lines(n)
    b = backend(lines)
    upload(b, 0, n)
    gc.collect()
    start = time.perf_counter()
    events = b.move_to(b.clock.now() + DAY)
    # The young objects the run made, looked at once when the collector resumes (see
    # mockserver.gc_control): paid inside the figure, here, rather than after it.
    gc.collect(0)
    seconds = time.perf_counter() - start
    records = list(b.accounts["apikey"].records())
    attempts = sum(r.attempts for r in records)
    return {"records": n, "dial_lines": lines, "line_cap": MAX_LINES, "attempts": attempts,
            "events": events,
            "never_dialled": sum(1 for r in records if r.attempts == 0),
            "seconds": seconds, "attempts_per_s": attempts / seconds}  # fmt: skip


def cdr(n: int, per_day: int) -> dict[str, float | str]:
    """cdr over ``n`` stored rows, ``per_day`` uploaded and dialled each day: one number's
    rows on the day it was dialled (as a CRM asks after a call), and a whole day's rows."""
    b = backend(max(10, per_day // 20))
    first = b.clock.now()
    days = max(1, n // per_day)
    for day in range(days):
        upload(b, day * per_day, per_day)
        b.move_to(b.clock.now() + DAY)
    account = b.accounts["apikey"]
    assert len(account.cdr) == days * per_day, len(account.cdr)
    # The middle day's batch, asked about on the day it was uploaded and dialled.
    middle = days // 2
    date = time.strftime("%Y-%m-%d", time.gmtime(first + middle * DAY + 3 * 3600))
    fields = {"date_from": date, "date_to": date}
    numbers = [f"8{middle * per_day + i:010d}" for i in range(0, per_day, per_day // 50)]
    queries = [{**fields, "to": number} for number in numbers]
    found = [len(b.cdr("apikey", query, Sink())) for query in queries]  # type: ignore[arg-type]
    assert all(found), f"a number's own day answered no row: {found}"
    one = [_timed(lambda q=q: b.cdr("apikey", q, Sink())) for q in queries]  # type: ignore[arg-type]
    # As the handler answers it: the rows, then orjson (mockserver.jsonio). The first query
    # of a day formats each row's TIME; later ones reuse it until the record's next attempt.
    whole = [_timed(lambda: jsonio.dumps(b.cdr("apikey", fields, Sink()))) for _ in range(7)]  # type: ignore[arg-type]
    rows = len(b.cdr("apikey", fields, Sink()))  # type: ignore[arg-type]
    return {"stored_rows": len(account.cdr), "day": date, "day_rows": rows,
            "one_number_rows": statistics.mean(found),
            "one_number_p50_ms": statistics.median(one) * 1000,
            "whole_day_first_ms": whole[0] * 1000,
            "whole_day_p50_ms": statistics.median(whole) * 1000}  # fmt: skip


def _timed(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(figure: str, n: int) -> dict[str, Any]:
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
    result: dict[str, float] | dict[str, float | str]
    if figure == "memory":
        result = memory(count)
    elif figure == "simulation":
        result = simulation(count)
    else:  # a day's rows: 30,000 or a tenth of them, unless given
        per_day = int(sys.argv[3]) if len(sys.argv) > 3 else min(30_000, count // 10)
        result = cdr(count, per_day)
    print(json.dumps(result))

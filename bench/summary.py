"""What a run of bench/run.py found, as the "Latest figures" section of docs/benchmarks.md:
the command, the machine, each figure beside what it measures and its target, and every
server's HTTP figures.

    python bench/summary.py FILE   # the section again, from what ``run.py --json FILE`` wrote
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: The newcall targets against each peer (None: shown, no target).
PEER_TARGETS: tuple[tuple[str, float | None], ...] = (
    ("bare aiohttp", 0.8),
    ("WireMock", 1.0),
    ("WireMock, no journal", None),
    ("Prism", 3.0),
)
Verdict = tuple[str, str, str, str, bool | None]  # figure, what it measures, measured, target, met


def find(rows: list[dict[str, Any]], bench: str, server: str, connections: int) -> dict[str, Any]:
    keys = (bench, server, connections)
    return next((r for r in rows if (r["bench"], r["server"], r["connections"]) == keys), {})


def _http(figures: dict[str, Any]) -> list[Verdict]:
    out: list[Verdict] = []
    make = find(figures.get("make", []), "make 1000 rows", "emulator", 1)
    bare = make.get("against", {}).get("bare aiohttp")
    if bare:
        out.append((
            "make, 1000 rows, p50 at c=1",
            "a CRM uploading a batch of 1000 new numbers, one request at a time",
            f"{make['p50_ms']:.1f} ms; {bare['p50']:.2f}× the bare handler "
            f"(its CPU per request {bare['cpu']:.2f}×)",
            "≤ 2× bare and ≤ 10 ms", bare["p50"] <= 2 and make["p50_ms"] <= 10,
        ))  # fmt: skip
    newcall = find(figures.get("small", []), "newcall", "emulator", 16)
    if newcall:
        parts, met = [f"{newcall['rps']:,.0f} req/s"], True
        for peer, need in PEER_TARGETS:
            found = newcall.get("against", {}).get(peer)
            if found:
                parts.append(f"{found['rps']:.2f}× {peer}")
                met = met and (need is None or found["rps"] >= need)
        out.append((
            "newcall, requests/s at c=16",
            "16 clients each placing one call after another, a new number each",
            "; ".join(parts), "≥ 0.8× bare, ≥ 1× WireMock with its journal, ≥ 3× Prism",
            met if len(parts) == len(PEER_TARGETS) + 1 else None,
        ))  # fmt: skip
    return out


def _domain(figures: dict[str, Any]) -> list[Verdict]:
    out: list[Verdict] = []
    if "cdr" in figures:
        c = figures["cdr"]
        out.append((
            "cdr, one number, p50",
            f"a CRM asking about one number on the day it was dialled ({c['day']}), "
            f"over {c['stored_rows']:,} stored rows",
            f"{c['one_number_p50_ms']:.3f} ms", "≤ 2 ms", c["one_number_p50_ms"] <= 2,
        ))  # fmt: skip
        out.append((
            "cdr, a whole day, p50",
            f"a day's report: {c['day_rows']:,} rows, as the handler answers them (orjson)",
            f"{c['whole_day_p50_ms']:.0f} ms "
            f"(the day's first query {c['whole_day_first_ms']:.0f} ms)",
            "≤ 100 ms", c["whole_day_p50_ms"] <= 100,
        ))  # fmt: skip
    if "simulation" in figures:
        s = figures["simulation"]
        runs = ", ".join(f"{r:,.0f}" for r in s["runs_per_s"])
        out.append((
            "simulation, attempts/s",
            f"a test advancing the clock one day over {s['records']:,} pending records "
            f"on {s['dial_lines']:,} dial lines (the configuration allows {s['line_cap']:,})",
            f"{s['attempts_per_s']:,.0f} ({s['attempts']:,} attempts; median of {runs})",
            "≥ 100,000", s["attempts_per_s"] >= 100_000,
        ))  # fmt: skip
    if "webhooks" in figures:
        w = figures["webhooks"]
        ours, theirs = w["emulator"]["per_s"], w["bare aiohttp client"]["per_s"]
        out.append((
            "webhook deliveries/s",
            "one clock move completing every call, each answered call delivered to a receiver "
            "in another process",
            f"{ours:,.0f}; a bare aiohttp client {theirs:,.0f}", "≥ 2,000", ours >= 2000,
        ))  # fmt: skip
    if "memory" in figures:
        m = figures["memory"]
        out.append((
            "memory per pending record",
            f"{m['pending']:,} records uploaded as a CRM sends them: name, UUID and variables "
            "unique per row",
            f"{m['bytes_per_record']:.0f} B (RSS {m['rss_mb']:.0f} MiB; the record object "
            f"{m['record_object_bytes']} B, its own texts {m['own_texts_bytes']} B)",
            "≤ 500 B", m["bytes_per_record"] <= 500,
        ))  # fmt: skip
    if "startup" in figures:
        s = figures["startup"]
        out.append((
            "start-up", "`python -m mockserver` spawned until its first answer",
            f"{s['emulator_start_s']:.2f} s; bare aiohttp {s['bare_aiohttp_start_s']:.2f} s, "
            f"`http.server` {s['python_start_s']:.2f} s",
            "≤ 0.5 s", s["emulator_start_s"] <= 0.5,
        ))  # fmt: skip
        out.append((
            "the fixture's cost per test",
            "the pytest plugin's clear between two tests, and one request",
            f"{s['fixture_ms_per_test']:.2f} ms", "≤ 5 ms", s["fixture_ms_per_test"] <= 5,
        ))  # fmt: skip
    return out


def verdicts(figures: dict[str, Any]) -> list[Verdict]:
    return _http(figures) + _domain(figures)


def _servers_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| load | server | req/s | p50 | p99 | server CPU per request | "
             "emulator ÷ server, req/s (each round) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for row in rows:
        ours = find(rows, row["bench"], "emulator", row["connections"])
        vs = ours.get("against", {}).get(row["server"])
        versus = (f"{vs['rps']:.2f}× ({', '.join(f'{r:.2f}' for r in vs['rounds_rps'])})"
                  if vs else "")  # fmt: skip
        lines.append(
            f"| {row['bench']}, c={row['connections']} | {row['server']} | {row['rps']:,.0f} | "
            f"{row['p50_ms']:.2f} ms | {row['p99_ms']:.1f} ms | "
            f"{row['cpu_ms_per_request']:.3f} ms | {versus} |"
        )
    return lines


def markdown(figures: dict[str, Any]) -> str:
    run = figures["run"]
    lines = [
        "## Latest figures", "",
        f"- **Command:** `{run['command']}` after `bash bench/peers.sh`, {run['date']}; "
        f"it took {run['minutes']:.1f} min.",
        f"- **Machine:** {run['machine']}; {run['versions']}.",
        f"- **Load average** (1, 5, 15 min): {run['load_before']} at the start, "
        f"{run['load_after']} at the end.",
        f"- **Each wrk turn:** a fresh server, {run['warmup']:g} s of the same load to warm "
        f"it, then {run['seconds']:g} s measured; rounds: {run['rounds']}, every server a turn "
        "in each.",
        "", "| figure | what it measures | measured | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for name, what, measured, target, met in verdicts(figures):
        verdict = "not measured (a peer is missing)" if met is None else "yes" if met else "no"
        lines.append(f"| {name} | {what} | {measured} | {target} | {verdict} |")
    lines += ["", "Every server's HTTP figures (the median turn; the ratio is the median "
              "of the rounds' ratios):", ""]  # fmt: skip
    lines += _servers_table(figures.get("make", []) + figures.get("small", []))
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text())))

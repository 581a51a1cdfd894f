"""Runs every benchmark and prints the figures, the peers' beside ours, the ratios and the
targets of the performance issue.

    python bench/run.py            # the full run (a million records: several minutes)
    python bench/run.py --quick    # a smoke run: small counts, short wrk runs
    bash bench/peers.sh            # once, to add WireMock and Prism to the HTTP runs

Everything runs on 127.0.0.1; wrk (apt-get install wrk) loads the HTTP servers from
another process.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import domain_bench
import http_bench
import startup_bench
import webhook_bench
from harness import machine

#: The newcall targets against each peer (None: shown, no target).
PEER_TARGETS: tuple[tuple[str, float | None], ...] = (
    ("bare aiohttp", 0.8),
    ("WireMock", 1.0),
    ("WireMock, no journal", None),
    ("Prism", 3.0),
)


def _find(rows: list[dict[str, Any]], bench: str, server: str, connections: int) -> dict[str, Any]:
    return next(
        (
            r
            for r in rows
            if (r["bench"], r["server"], r["connections"]) == (bench, server, connections)
        ),
        {},
    )


def verdicts(figures: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(figure, ours and the comparison, target, met?) for the summary table."""
    out: list[tuple[str, str, str, bool | None]] = []
    make, small = figures.get("make", []), figures.get("small", [])
    ours = _find(make, "make 1000 rows", "emulator", 1)
    if ours and "bare aiohttp" in ours.get("against", {}):
        # The median over the rounds of the emulator's p50 over the bare handler's.
        vs_bare = ours["against"]["bare aiohttp"]
        out.append(
            (
                "make 1000 rows, p50 (c=1)",
                f"{ours['p50_ms']:.1f} ms; {vs_bare['p50']:.2f}x bare "
                f"(CPU per request {vs_bare['cpu']:.2f}x)",
                "<= 2x bare and <= 10 ms",
                vs_bare["p50"] <= 2 and ours["p50_ms"] <= 10,
            )
        )
    newcall = _find(small, "newcall", "emulator", 16)
    if newcall:
        parts, met = [f"{newcall['rps']:.0f} req/s"], True
        for peer, need in PEER_TARGETS:
            found = newcall.get("against", {}).get(peer)
            if found:
                parts.append(f"{found['rps']:.2f}x {peer}")
                met = met and (need is None or found["rps"] >= need)
        out.append(
            (
                "newcall requests/s",
                "; ".join(parts),
                ">= 0.8x bare, >= 1x WireMock (journal on), >= 3x Prism",
                met if len(parts) == len(PEER_TARGETS) + 1 else None,
            )
        )
    if "cdr" in figures:
        c = figures["cdr"]
        out.append(
            (
                "cdr, one number on the day it was dialled, p50",
                f"{c['one_number_p50_ms']:.3f} ms over {c['stored_rows']:,} rows",
                "<= 2 ms",
                c["one_number_p50_ms"] <= 2,
            )
        )
        out.append(
            (
                "cdr, a whole day, p50",
                f"{c['whole_day_p50_ms']:.0f} ms for {c['day_rows']:,} rows "
                f"(first query {c['whole_day_first_ms']:.0f} ms)",
                "<= 100 ms",
                c["whole_day_p50_ms"] <= 100,
            )
        )
    if "simulation" in figures:
        s = figures["simulation"]
        out.append(
            (
                "simulation",
                f"{s['attempts_per_s']:,.0f} attempts/s ({s['attempts']:,} attempts on "
                f"{s['dial_lines']:,} lines; median of "
                + ", ".join(f"{r:,.0f}" for r in s["runs_per_s"])
                + ")",
                ">= 100,000 attempts/s",
                s["attempts_per_s"] >= 100_000,
            )
        )
    if "webhooks" in figures:
        w = figures["webhooks"]
        r = w["emulator"]["per_s"] / w["bare aiohttp client"]["per_s"]
        out.append(
            (
                "webhook deliveries",
                f"{w['emulator']['per_s']:,.0f}/s; a bare aiohttp client "
                f"{w['bare aiohttp client']['per_s']:,.0f}/s ({r:.2f}x)",
                ">= 2,000/s",
                w["emulator"]["per_s"] >= 2000,
            )
        )
    if "memory" in figures:
        m = figures["memory"]
        out.append(
            (
                "memory, texts unique per row",
                f"{m['bytes_per_record']:.0f} bytes per pending record "
                f"({m['pending']:,} pending, RSS {m['rss_mb']:.0f} MiB; the record "
                f"{m['record_object_bytes']} B, its texts {m['own_texts_bytes']} B)",
                "<= 500 bytes",
                m["bytes_per_record"] <= 500,
            )
        )
    if "startup" in figures:
        s = figures["startup"]
        out.append(
            (
                "start-up",
                f"{s['emulator_start_s']:.2f} s; bare aiohttp {s['bare_aiohttp_start_s']:.2f} s, "
                f"python's http.server {s['python_start_s']:.2f} s",
                "<= 0.5 s",
                s["emulator_start_s"] <= 0.5,
            )
        )
        out.append(
            (
                "fixture per test",
                f"{s['fixture_ms_per_test']:.2f} ms",
                "<= 5 ms",
                s["fixture_ms_per_test"] <= 5,
            )
        )
    return out


def _versions() -> str:
    """The load generator's and the peers' versions, as the run found them."""
    found = []
    for name, cmd in (("wrk", ["wrk", "--version"]), ("Java", ["java", "-version"]),
                      ("Node.js", ["node", "--version"])):  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        line = (done.stdout or done.stderr).strip().splitlines()
        found.append(f"{name}: {line[0] if line else '?'}")
    return "; ".join(found)


def _load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: small counts, short runs"
    )
    parser.add_argument("--seconds", type=float, help="measured seconds of each wrk turn")
    parser.add_argument("--warmup", type=float, help="seconds of load before each turn")
    parser.add_argument("--rounds", type=int, help="rounds in which every server takes a turn")
    parser.add_argument("--records", type=int, help="records of the in-process benchmarks")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    args = parser.parse_args()
    quick = {"seconds": 1, "warmup": 1, "rounds": 1, "records": 100_000}
    full = {"seconds": 10, "warmup": 8, "rounds": 3, "records": 1_000_000}
    chosen = {k: v if getattr(args, k) is None else getattr(args, k)
              for k, v in (quick if args.quick else full).items()}  # fmt: skip
    seconds, warmup, rounds = chosen["seconds"], chosen["warmup"], int(chosen["rounds"])
    records, hooks = int(chosen["records"]), 1000 if args.quick else 5000
    figures: dict[str, Any] = {"command": " ".join(["python", *sys.argv]), "settings": chosen}
    started = time.monotonic()
    print(f"# autodialer-mock benchmarks, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} "
          "UTC", flush=True)  # fmt: skip
    print(f"- command: `{figures['command']}`")
    print(f"- machine: {machine()}; {_versions()}")
    print(f"- at the start: {_load()}")
    print(
        f"- every wrk turn: a fresh server, {warmup:g} s of the same load to warm it, "
        f"then {seconds:g} s measured; {rounds} round(s), every server a turn in each",
        flush=True,
    )
    print("\n## 1. make with 1000 rows (wrk, c=1 and c=8)", flush=True)
    figures["make"] = http_bench.bench_make(seconds, warmup, rounds)
    http_bench.report(figures["make"])
    print("\n## 2. newcall and a small cdr (wrk, c=16)", flush=True)
    figures["small"] = http_bench.bench_small(seconds, warmup, rounds)
    http_bench.report(figures["small"])
    print(f"\n## 3. cdr over {records:,} stored rows", flush=True)
    figures["cdr"] = domain_bench.measure("cdr", records)
    print(" ", figures["cdr"])
    print(f"\n## 4. simulation over {records:,} pending records", flush=True)
    # The machine is shared and one run moves by 15 %: the median of three fresh runs.
    runs = [domain_bench.measure("simulation", records) for _ in range(1 if args.quick else 3)]
    for run in runs:
        print(" ", run)
    median = sorted(runs, key=lambda r: r["attempts_per_s"])[len(runs) // 2]
    figures["simulation"] = {**median, "runs_per_s": [r["attempts_per_s"] for r in runs]}
    print(f"\n## 5. webhook deliveries ({hooks:,} events)", flush=True)
    figures["webhooks"] = webhook_bench.run(hooks)
    print(" ", figures["webhooks"])
    print(f"\n## 6. memory at {records:,} pending records", flush=True)
    figures["memory"] = domain_bench.measure("memory", records)
    print(" ", figures["memory"])
    print("\n## 7. start-up and the fixture's cost per test", flush=True)
    figures["startup"] = startup_bench.run(3 if args.quick else 7, 50 if args.quick else 300)
    print(" ", figures["startup"])
    print(f"\nTook {(time.monotonic() - started) / 60:.1f} min; at the end: {_load()}")
    print("\n## Targets\n\n| figure | measured | target | met |\n| --- | --- | --- | --- |")
    for name, measured, target, met in verdicts(figures):
        verdict = "not measured (a peer is missing)" if met is None else "yes" if met else "no"
        print(f"| {name} | {measured} | {target} | {verdict} |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

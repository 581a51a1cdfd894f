"""Runs every benchmark and prints the figures, the peers' beside ours, the ratios and the
targets, ending with the "Latest figures" section of docs/benchmarks.md (bench/summary.py).

    bash bench/peers.sh            # once: wrk, WireMock and Prism
    python bench/run.py            # the full run: about 20 minutes on 2 cores
    python bench/run.py --quick    # a smoke run: 100,000 records, 1 s wrk turns (1 minute)

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
from harness import PEERS, machine
from summary import markdown


def _versions() -> str:
    """The load generator's and the peers' versions, as the run found them."""
    found = []
    for name, cmd in (("wrk", ["wrk", "--version"]), ("Java", ["java", "-version"]),
                      ("Node.js", ["node", "--version"])):  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        lines = (done.stdout or done.stderr).strip().splitlines()
        first = lines[0].split(" Copyright")[0] if lines else "?"
        found.append(first if first.startswith(name) else f"{name} {first}")
    for name, package in (("WireMock", "wiremock"), ("Prism", "@stoplight/prism-cli")):
        manifest = PEERS / "node_modules" / package / "package.json"
        if manifest.exists():
            found.append(f"{name} {json.loads(manifest.read_text())['version']}")
    return ", ".join(found)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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
    command = " ".join(["python", "bench/run.py", *sys.argv[1:]])
    run: dict[str, Any] = {
        "command": command, "date": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(), "versions": _versions(), "load_before": _load(), **chosen,
    }  # fmt: skip
    figures: dict[str, Any] = {"run": run}
    started = time.monotonic()

    def keep() -> None:  # after each benchmark, so that a failure later loses nothing
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=1))

    print(f"# autodialer-mock benchmarks: `{command}`, {run['date']}", flush=True)
    print(f"- machine: {run['machine']}; {run['versions']}")
    print(f"- load average at the start: {run['load_before']}")
    print(
        f"- every wrk turn: a fresh server, {warmup:g} s of the same load to warm it, then "
        f"{seconds:g} s measured; {rounds} round(s), every server a turn in each",
        flush=True,
    )
    print("\n## 1. make with 1000 rows (wrk, c=1 and c=8)", flush=True)
    figures["make"] = http_bench.bench_make(seconds, warmup, rounds)
    keep()
    http_bench.report(figures["make"])
    print("\n## 2. newcall and a small cdr (wrk, c=16)", flush=True)
    figures["small"] = http_bench.bench_small(seconds, warmup, rounds)
    keep()
    http_bench.report(figures["small"])
    print(f"\n## 3. cdr over {records:,} stored rows", flush=True)
    figures["cdr"] = domain_bench.measure("cdr", records)
    keep()
    print(" ", figures["cdr"])
    print(f"\n## 4. simulation over {records:,} pending records", flush=True)
    # The machine is shared and one run moves by 15 %: the median of three fresh runs.
    runs = [domain_bench.measure("simulation", records) for _ in range(1 if args.quick else 3)]
    for one in runs:
        print(" ", one)
    median = sorted(runs, key=lambda r: r["attempts_per_s"])[len(runs) // 2]
    figures["simulation"] = {**median, "runs_per_s": [r["attempts_per_s"] for r in runs]}
    keep()
    print(f"\n## 5. webhook deliveries ({hooks:,} events)", flush=True)
    figures["webhooks"] = webhook_bench.run(hooks)
    keep()
    print(" ", figures["webhooks"])
    print(f"\n## 6. memory at {records:,} pending records", flush=True)
    figures["memory"] = domain_bench.measure("memory", records)
    keep()
    print(" ", figures["memory"])
    print("\n## 7. start-up and the fixture's cost per test", flush=True)
    figures["startup"] = startup_bench.run(3 if args.quick else 7, 50 if args.quick else 300)
    print(" ", figures["startup"])
    run["minutes"] = (time.monotonic() - started) / 60
    run["load_after"] = _load()
    keep()
    print("\n" + markdown(figures))


if __name__ == "__main__":
    main()

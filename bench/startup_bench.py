"""Benchmark 7: process start to first answered request, and the pytest fixture's cost per
test (a reset of a running emulator, not a restart)."""

from __future__ import annotations

import statistics
import subprocess
import time
import urllib.request

from harness import ENV, ROOT, bare, emulator, free_port, wait_ready


def first_answer(cmd_for: object, runs: int) -> float:
    """Median seconds from spawning the process to its first 200 on the cdr path."""
    times = []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        process = subprocess.Popen(cmd_for(port), cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,  # type: ignore[operator]
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            wait_ready(f"http://127.0.0.1:{port}/apikey/cdr", process)
            times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(10)
    return statistics.median(times)


def fixture_cost(tests: int) -> float:
    """Milliseconds per test of the ``autodialer_mock`` fixture: its per-test clear, plus the
    one request a test makes at least."""
    from contract_tests.server import MockServer, manual_config

    server = MockServer(manual_config()).start()
    try:
        started = time.perf_counter()
        for _ in range(tests):
            server.clear()
            urllib.request.urlopen(f"{server.base}/cdr").read()
        return (time.perf_counter() - started) / tests * 1000
    finally:
        server.stop()


def run(runs: int, tests: int) -> dict[str, float]:
    first_answer(emulator, 1)  # the first start writes the bytecode cache; it is not counted
    return {
        "emulator_start_s": first_answer(emulator, runs),
        "bare_aiohttp_start_s": first_answer(bare, runs),
        "python_start_s": first_answer(
            lambda port: [
                "python3",
                "-c",
                f"import http.server as h; h.test(port={port}, bind='127.0.0.1')",
            ],
            runs,
        ),
        "fixture_ms_per_test": fixture_cost(tests),
    }


if __name__ == "__main__":
    print(run(5, 200))

"""bench/proxy_bench.py runs: a few requests through a real proxy process, its figures printed."""

from __future__ import annotations

import json
import subprocess
import sys

from .support import ROOT


def test_the_proxy_benchmark_reports_the_added_p50() -> None:
    result = subprocess.run(
        [sys.executable, "bench/proxy_bench.py", "--seconds", "0.2", "--max-requests", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(result.stdout.split("\n}\n")[0] + "\n}")
    assert figures["cdr"]["requests"] == 20
    assert figures["cdr"]["proxy_p50_ms"] > 0
    assert "cdr: proxy adds" in result.stdout

"""bench/soak.py keeps working: a three-second run loses no row and sees no 5xx."""

from __future__ import annotations

import json
import subprocess
import sys

from .support import ROOT


def test_soak_smoke_run_loses_no_row_and_sees_no_5xx() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "3", "--sample", "1",
         "--warmup", "0", "--reset-every", "3", "--max-growth", "10"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert (summary["rows_lost"], summary["server_5xx"]) == (0, 0)
    assert summary["requests"] > 0
    assert summary["exit_status_after_sigterm"] == 0

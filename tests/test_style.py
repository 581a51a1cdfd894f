"""The code base stays ruff-clean and mypy-clean: lint, format and types are part of the
suite, not a separate step."""

from __future__ import annotations

import subprocess
import sys

from .support import ROOT


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_mypy_finds_no_type_errors() -> None:
    # [tool.mypy] in pyproject.toml names the packages and the strictness.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr

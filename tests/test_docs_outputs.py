"""Outputs docs/*.md show beyond the tours, each produced by running the command as written
(only ports and the program's path change), so a changed figure fails the suite.

Figures that are measurements of a machine (benchmarks, soak runs, latencies) are not
outputs a run repeats: they are masked or, for whole pages of them, left to bench/.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from .receiver import Receiver
from .support import ROOT
from .test_readme import free_port

REGENERATE = os.environ.get("REGENERATE_DOCS") == "1"  # writes what it saw instead
PROGRAM = f"{sys.executable} -m mockserver"
#: The machine's figures in a summary line: latencies, elapsed seconds and the rate.
LATENCY = re.compile(r"\d+(\.\d+)? (ms|s\b|events/s)")


def page(name: str) -> str:
    return (ROOT / "docs" / name).read_text("utf-8")


def sh_block(text: str, needle: str) -> str:
    return next(b for b in re.findall(r"```sh\n(.*?)\n```", text, re.S) if needle in b)


async def test_the_fire_example_prints_the_summary_webhooks_md_shows() -> None:
    """Counts are the seed's (1000 events, 5 % twice); latencies are the machine's: masked."""
    block = sh_block(page("webhooks.md"), "autodialer-mock fire")
    command, shown = block.split("\n# ")
    receiver = await Receiver().start()
    try:
        command = command.replace("http://127.0.0.1:9000/hook", receiver.url)
        process = await asyncio.create_subprocess_shell(
            command.replace("autodialer-mock", PROGRAM, 1),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        out, err = await process.communicate()
    finally:
        await receiver.stop()
    assert process.returncode == 0, err
    printed = out.decode().strip().splitlines()[-1]
    if REGENERATE:
        path = ROOT / "docs" / "webhooks.md"
        path.write_text(path.read_text("utf-8").replace(f"# {shown}", f"# {printed}"), "utf-8")
        return
    assert LATENCY.sub("N ms", printed) == LATENCY.sub("N ms", shown)


def test_the_db_start_line_prints_the_banner_persistence_md_shows(tmp_path: Path) -> None:
    text = page("persistence.md")
    command = sh_block(text, "--db run.db")
    shown = re.search(r"The start banner says `([^`]+)`", text)
    assert shown is not None
    args = command.removeprefix("autodialer-mock ").split()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", *args, "--port", str(free_port())],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline, banner = time.monotonic() + 20, ""
        while shown.group(1) not in banner and time.monotonic() < deadline:
            line = process.stdout.readline()  # the banner's lines, as they are printed
            if not line:
                break
            banner += line
    finally:
        process.terminate()
        process.wait(10)
    assert shown.group(1) in banner, banner
    assert (tmp_path / "run.db").exists()

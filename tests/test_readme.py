"""The README's tour is run as written: each ``<!-- tour -->`` command against a live emulator
started as the tour says, its output compared with the one the README shows."""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from .support import ROOT

TOUR = re.compile(r"<!-- tour -->\n```sh\n(.*?)\n```\n```json\n(.*?)\n```", re.S)
START_LINE = re.compile(r"^\.venv/bin/autodialer-mock (--clock manual .*)$", re.M)


def readme() -> str:
    return (ROOT / "README.md").read_text("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def tour_server() -> Iterator[int]:
    port = free_port()
    options = shlex.split(START_LINE.search(readme()).group(1))
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", *options, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:  # wait for the port to answer, not for a call: bounded by the deadline
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/clock", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def test_the_readme_has_a_tour() -> None:
    assert len(TOUR.findall(readme())) >= 4


@pytest.mark.skipif(shutil.which("curl") is None, reason="the tour uses curl")
def test_the_readme_tour_answers_what_it_shows(tour_server: int) -> None:
    for command, shown in TOUR.findall(readme()):
        command = command.replace("127.0.0.1:8080", f"127.0.0.1:{tour_server}")
        output = subprocess.run(
            ["bash", "-c", command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        assert output.strip() == shown, command


def test_the_readme_configuration_example_loads(tmp_path) -> None:
    from mockserver.config import load_file

    (example,) = re.findall(r"```toml\n(.*?)\n```", readme(), re.S)
    path = tmp_path / "mock.toml"
    path.write_text(example, "utf-8")
    config = load_file(path)
    assert config.accounts[0].webhooks[0].statuses == ["ANSWER"]

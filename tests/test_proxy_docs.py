"""docs/proxy.md is run as written: each ``proxy-doc: start`` command is started as a server
(ports 8080-8082 mapped to free ones), each ``proxy-doc: run`` command is run in the same
directory and its output compared with the one the page shows."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import ROOT
from .test_readme import free_port

BLOCK = re.compile(
    r"<!-- proxy-doc: (start|run) -->\n```sh\n(.*?)\n```\n(?:```text\n(.*?)\n```\n)?", re.S
)
PORTS = ("8080", "8081", "8082")
REGENERATE = os.environ.get("REGENERATE_DOCS") == "1"


def page() -> str:
    return (ROOT / "docs" / "proxy.md").read_text("utf-8")


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while True:  # wait for the port to answer, not for a call: bounded by the deadline
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.05)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    yield tmp_path


def test_the_page_has_its_workflow() -> None:
    kinds = [kind for kind, _, _ in BLOCK.findall(page())]
    assert kinds.count("start") == 3 and kinds.count("run") >= 5


@pytest.mark.skipif(shutil.which("curl") is None, reason="the page uses curl")
def test_the_proxy_page_answers_what_it_shows(workdir: Path) -> None:
    ports = {name: str(free_port()) for name in PORTS}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    servers: list[subprocess.Popen[bytes]] = []

    def local(text: str) -> str:
        for name, port in ports.items():
            text = text.replace(f"127.0.0.1:{name}", f"127.0.0.1:{port}")
            text = text.replace(f"--port {name}", f"--port {port}")
        return text

    def documented(text: str) -> str:  # local() undone: what the page shows
        for name, port in ports.items():
            text = text.replace(f"127.0.0.1:{port}", f"127.0.0.1:{name}")
        return text

    text, regenerated = page(), []
    try:
        for match in BLOCK.finditer(text):
            kind, command, shown = match.groups()
            if kind == "start":
                process = subprocess.Popen(
                    shlex.split(local(command)), cwd=workdir, env=env, stdout=subprocess.DEVNULL
                )
                servers.append(process)
                wait_for(int(local(command).split("--port ")[1].split()[0]), process)
                continue
            output = subprocess.run(
                ["bash", "-c", local(command)],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout
            if REGENERATE and shown is not None:  # writes what it saw instead of comparing
                regenerated.append((match.span(3), documented(output.strip())))
                continue
            assert output.strip() == local(shown).strip(), command
    finally:
        for process in servers:
            process.terminate()
            process.wait(10)
    for (start, end), output in reversed(regenerated):
        text = text[:start] + output + text[end:]
    if regenerated:
        (ROOT / "docs" / "proxy.md").write_text(text, "utf-8")

"""docs/contract-kit.md's runs, run as written: each ```sh block of ``$ `` commands is run
against the server its port names, and each line of the ```text block after it must appear
in the output, in order (ports, fresh numbers, job ids and timings normalised)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from contract_tests.cli import main
from contract_tests.server import MockServer

from . import broken

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs" / "contract-kit.md"
RUNS = re.compile(r"```sh\n((?:\$ [^\n]*\n)+)```\n\n```text\n(.*?)```", re.S)
PORT = re.compile(r"http://127\.0\.0\.1:(\d+)")


def runs() -> list[tuple[str, str]]:
    return RUNS.findall(DOC.read_text("utf-8"))


def normalised(text: str) -> list[str]:
    text = PORT.sub("http://127.0.0.1:PORT", text)
    text = re.sub(r"(?<!\d)(\+?[78]9)\d{5}(\d{4})(?!\d)", r"\1xxxxx\2", text)
    text = re.sub(r'"(id|QUERY_ID)": \d+', r'"\1": N', text)
    text = re.sub(r"(?m)^(\S.*?\s+(?:ok|FAIL|skip|ERROR))\s+\d+\s+\d+\.\d", r"\1 N N", text)
    text = re.sub(r"(?m)^(newcall: 200) \d+$", r"\1 N", text)
    text = re.sub(r"evt_kit_[0-9a-f]+_", "evt_kit_RUN_", text)
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def in_order(expected: list[str], got: list[str]) -> list[str]:
    """The expected lines not found, in order, among the lines got."""
    rest = iter(got)
    return [line for line in expected if not any(line == g for g in rest)]


def _prism() -> str | None:
    return os.environ.get("PRISM") or shutil.which("prism")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _receiver(config: Any) -> web.Application:
    """A receiver that acknowledges everything and checks no signature."""

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    return app


def _receiver_once_per_id(config: Any) -> web.Application:
    """A receiver that stores each event under a unique key: a retry meets the key."""
    seen: set[str] = set()

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        if request.headers["webhook-id"] in seen:
            return web.Response(status=500, text="IntegrityError: duplicate key")
        seen.add(request.headers["webhook-id"])
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    return app


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The servers the docs name by port: 8080 the emulator, 9090 the sloppy server, 9000 a
    receiver, 9001 one that answers 500 on a retry, 4010 Prism on the project's document
    (when installed)."""
    emulator = MockServer().start()
    sloppy = MockServer(app_factory=broken.sloppy_server).start()
    receiver = MockServer(app_factory=_receiver).start()
    once = MockServer(app_factory=_receiver_once_per_id).start()
    urls = {"8080": emulator.url, "9090": sloppy.url, "9000": receiver.url, "9001": once.url}
    prism = None
    if _prism():
        document = tmp_path_factory.mktemp("openapi") / "openapi.json"
        main(["openapi", "-o", str(document)])
        port = _free_port()
        prism = subprocess.Popen(
            [str(_prism()), "mock", str(document), "-h", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)  # Prism starting: a bounded wait for its port
        urls["4010"] = f"http://127.0.0.1:{port}"
    yield urls
    for server in (emulator, sloppy, receiver, once):
        server.stop()
    if prism is not None:
        prism.terminate()
        prism.wait(timeout=10)


@pytest.mark.parametrize(("commands", "shown"), runs(), ids=lambda text: text[:60])
def test_the_docs_runs_give_what_they_show(commands, shown, servers, capsys) -> None:
    ports = set(PORT.findall(commands))
    missing = ports - set(servers)
    if missing:
        pytest.skip(f"nothing to serve port {sorted(missing)} here (Prism not installed?)")
    output = []
    for line in commands.splitlines():
        command = PORT.sub(lambda m: servers[m.group(1)], line.removeprefix("$ "))
        argv = shlex.split(command)
        if argv[0] == "autodialer-contract":
            main(argv[1:])
            output.append(capsys.readouterr().out)
            continue
        if shutil.which(argv[0]) is None:
            pytest.skip(f"{argv[0]} not installed")
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
        output.append(done.stdout)
    missing_lines = in_order(normalised(shown), normalised("\n".join(output)))
    assert not missing_lines, "\n".join(output)


SESSIONS = re.compile(r"```text\n(>>> .*?)```", re.S)


@pytest.mark.parametrize("session", SESSIONS.findall(DOC.read_text("utf-8")), ids=str.strip)
def test_the_docs_python_sessions_answer_what_they_show(session: str) -> None:
    from contract_tests import validators

    namespace = dict(vars(validators))
    lines = session.strip().splitlines()
    for prompt, answer in zip(lines[::2], lines[1::2], strict=True):
        assert repr(eval(prompt.removeprefix(">>> "), namespace)) == answer  # the doc's own line

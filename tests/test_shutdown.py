"""Graceful shutdown of the real process: SIGTERM stops accepting, lets the request in flight
finish, and exits 0."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import ROOT

# Every newcall takes 1.5 s of wall time (an injected vendor fault): a request in flight.
SLOW = """
clock: {mode: manual, start: "2026-11-27T09:00:00+03:00"}
faults: {vendor: {methods: [newcall], pattern: ["slow"], latency: 1.5}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    config = tmp_path / "slow.yaml"
    config.write_text(SLOW)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", str(port), "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):  # bounded: up to ~10 s for the interpreter to start listening
            try:
                socket.create_connection(("127.0.0.1", port), 0.05).close()
                break
            except OSError:
                if process.poll() is not None:
                    break
                threading.Event().wait(0.05)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def in_flight(port: int) -> tuple[threading.Thread, dict[str, object]]:
    """A slow newcall, surely accepted by the server when this returns; its answer is read
    by a thread."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/apikey/newcall",
        body="name=a&phone=89222220000&UUID=u",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    # A quick request answered after the slow one was sent: the slow one was accepted first.
    assert request(port, "GET", "/_mock/clock")[0] == 200
    answer: dict[str, object] = {}

    def read() -> None:
        response = connection.getresponse()
        answer["status"], answer["body"] = response.status, response.read()
        connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    return thread, answer


def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    thread, answer = in_flight(port)
    process.send_signal(signal.SIGTERM)
    thread.join(10)
    assert answer["status"] == 200
    assert json.loads(answer["body"])["QUERY_COUNT"] == 1  # type: ignore[arg-type]
    assert process.wait(10) == 0
    assert b"shutting down" in process.stderr.read()  # type: ignore[union-attr]


def test_sigterm_stops_accepting_new_connections_at_once(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    thread, answer = in_flight(port)
    process.send_signal(signal.SIGTERM)
    refused = False
    for _ in range(250):  # bounded (5 s): the listener closes once the signal is handled
        try:
            socket.create_connection(("127.0.0.1", port), 0.05).close()
        except OSError:
            refused = True
            break
        threading.Event().wait(0.02)
    assert refused
    assert process.poll() is None  # still finishing the request in flight
    thread.join(10)
    assert answer["status"] == 200
    assert process.wait(10) == 0


def test_the_real_process_reads_a_request_line_over_8190_bytes(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    # The CLI's runner takes the same parser limits as every other (server.app.PARSER_LIMITS).
    _, port = server
    status, body = request(port, "GET", "/apikey/cdr?access_token=client-key&note=" + "x" * 9000)
    assert status == 200 and json.loads(body) == []


@pytest.mark.parametrize("second", [signal.SIGTERM, signal.SIGINT])
def test_a_second_signal_during_shutdown_still_exits_0(
    server: tuple[subprocess.Popen[bytes], int], second: signal.Signals
) -> None:
    process, port = server
    thread, answer = in_flight(port)
    process.send_signal(signal.SIGTERM)
    for _ in range(250):  # bounded (5 s): until the graceful path has begun
        try:
            socket.create_connection(("127.0.0.1", port), 0.05).close()
        except OSError:
            break
        threading.Event().wait(0.02)
    process.send_signal(second)
    thread.join(10)
    assert answer["status"] == 200  # the request in flight still finished
    assert process.wait(10) == 0
    assert b"already shutting down" in process.stderr.read()  # type: ignore[union-attr]

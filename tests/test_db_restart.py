"""``--db`` end to end: the emulator as a real process, killed and started again on its file.

Nothing sleeps to wait for calls: the manual clock is driven. The only waits are
bounded polls for a process to come up or go down, and for the receiver to see
a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from .receiver import HANG, Receiver
from .support import ROOT, START

HOUR = 3600
BOUND = 20.0  # seconds: the most any wait below may take


async def until(done: Callable[[], bool], what: str) -> None:
    """A bounded poll (for another process or a socket, never for the emulator's calls)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while not done():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``python -m mockserver --db FILE --clock manual`` on a loopback port."""

    def __init__(self, tmp: Path, db: Path, hook: str | None = None, timeout: float = 10) -> None:
        self.tmp, self.db = tmp, db
        self.config = tmp / "config.yaml"  # written as JSON, which is YAML too
        account: dict[str, Any] = {"api_key": "apikey", "access_token": "client-key"}
        if hook:
            account["webhooks"] = [{"id": "crm", "url": hook, "timeout": timeout}]
        self.config.write_text(json.dumps({"accounts": [account]}))
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""

    async def start(self) -> Server:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = (self.tmp / "server.log").open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mockserver",
            "--port",
            str(port),
            "--db",
            str(self.db),
            "--config",
            str(self.config),
            "--clock",
            "manual",
            "--start",
            START,
            "--seed",
            "7",
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        log.close()
        up = False

        async def probe() -> None:
            nonlocal up
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with aiohttp.ClientSession() as http, http.get(self.url + "/_mock/clock"):
                    up = True

        loop = asyncio.get_running_loop()
        deadline = loop.time() + BOUND
        while not up:
            assert self.proc.returncode is None, self.log()
            assert loop.time() < deadline, "the emulator did not come up:\n" + self.log()
            await probe()
            if not up:
                await asyncio.sleep(0.05)
        return self

    async def stop(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), BOUND)

    def log(self) -> str:
        return (self.tmp / "server.log").read_text(errors="replace")


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Any:
    async with http.request(method, url, **kwargs) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def seen(http: aiohttp.ClientSession, server: Server) -> dict[str, Any]:
    """Every record, job and delivery, and the clock: what a restart must give back."""
    base, page = server.url + "/_mock", {"limit": "10000"}
    return {
        "calls": (await call(http, "GET", base + "/calls", params=page))["items"],
        "jobs": (await call(http, "GET", base + "/jobs", params=page))["items"],
        "deliveries": (await call(http, "GET", base + "/deliveries", params=page))["items"],
        "now": (await call(http, "GET", base + "/clock"))["now"],
    }


async def upload(http: aiohttp.ClientSession, server: Server) -> None:
    # Forced by the last four digits: 0000 answered, 0001 busy (retried), 0002 no answer.
    rows = [
        {"id": str(i), "phone": f"89{i:05d}000{i % 3}", "maxcount": 3, "UUID": f"crm-{i}"}
        for i in range(30)
    ]
    body = {"query": {"access_token": "client-key", "data": rows}}
    report = (await call(http, "POST", server.url + "/apikey/make", json=body))["report"]
    assert report["inserted"] == "30"
    fields = {"name": "Пётр", "phone": "89001230000", "UUID": "crm-n", "timestart": "10:00"}
    answer = await call(http, "POST", server.url + "/apikey/newcall", data=fields)
    assert answer["QUERY_COUNT"] == 1


async def advance_until_a_webhook_is_sent(
    http: aiohttp.ClientSession, server: Server, receiver: Receiver, seconds: int = 3 * HOUR
) -> asyncio.Task[Any]:
    """Advances the clock in the background; returns once the first webhook (which the
    receiver holds) has been sent, the advance still in flight."""
    advance = asyncio.create_task(
        call(http, "POST", server.url + "/_mock/clock/advance", json={"seconds": seconds})
    )
    await until(lambda: bool(receiver.requests), "the first webhook")
    return advance


async def test_sigkill_mid_advance_loses_nothing_and_owed_webhooks_arrive_with_their_id(
    tmp_path: Path,
) -> None:
    receiver = await Receiver(script=[HANG]).start()  # the first webhook never gets an answer
    server = await Server(tmp_path, tmp_path / "run.db", receiver.url).start()
    try:
        async with aiohttp.ClientSession() as http:
            await upload(http, server)
            # To 10:01: calls are ringing, others wait for a line or a retry, some are over.
            advance = await advance_until_a_webhook_is_sent(http, server, receiver, HOUR + 60)
            # The advance is stuck on the hanging webhook; the calls have moved on to 10:01.
            before = await seen(http, server)
            assert {c["state"] for c in before["calls"]} == {"pending", "dialing", "completed"}
            assert await server.stop(signal.SIGKILL) == -signal.SIGKILL
            with contextlib.suppress(aiohttp.ClientError):
                await advance
            owed = receiver.requests[0].headers["webhook-id"]

            await server.start()
            after = await seen(http, server)
            assert after["calls"] == before["calls"]  # every accepted row, as it was
            assert after["jobs"] == before["jobs"]
            assert after["now"] == before["now"]
            (in_flight,) = [d for d in after["deliveries"] if d["event_id"] == owed]
            assert in_flight["state"] == "pending"  # it was in flight: owed again

            ran = await call(
                http, "POST", server.url + "/_mock/clock/advance", json={"seconds": 3 * HOUR}
            )
            assert ran["events"] > 0
            ids = [r.headers["webhook-id"] for r in receiver.requests]
            assert ids.count(owed) == 2  # at least once, under the same webhook-id
            end = await seen(http, server)
            assert {c["state"] for c in end["calls"]} == {"completed"}  # pending calls resumed
            assert len(end["calls"]) == 31
            assert {d["state"] for d in end["deliveries"]} == {"succeeded"}
            assert {d["event_id"] for d in end["deliveries"]} == set(ids)
            assert len(end["deliveries"]) == 31  # one event per record, none twice
    finally:
        if server.proc is not None and server.proc.returncode is None:
            await server.stop(signal.SIGKILL)
        await receiver.stop()


async def test_sigterm_exits_0_and_the_state_is_there_on_restart(tmp_path: Path) -> None:
    server = await Server(tmp_path, tmp_path / "run.db").start()
    try:
        async with aiohttp.ClientSession() as http:
            await upload(http, server)
            advance = {"seconds": HOUR + 20}  # 10:00:20: some calls over, some ringing
            await call(http, "POST", server.url + "/_mock/clock/advance", json=advance)
            before = await seen(http, server)
            assert await server.stop(signal.SIGTERM) == 0
            await server.start()
            assert await seen(http, server) == before
    finally:
        if server.proc is not None and server.proc.returncode is None:
            await server.stop(signal.SIGKILL)


async def test_sigterm_lets_an_advance_in_flight_finish_then_keeps_its_result(
    tmp_path: Path,
) -> None:
    # The first webhook hangs past its 0.5 s time-out; its retry, 5 s later on the
    # emulator's clock and still within the advance, is answered.
    receiver = await Receiver(script=[HANG]).start()
    server = await Server(tmp_path, tmp_path / "run.db", receiver.url, timeout=0.5).start()
    try:
        async with aiohttp.ClientSession() as http:
            await upload(http, server)
            advance = await advance_until_a_webhook_is_sent(http, server, receiver)
            assert server.proc is not None
            server.proc.send_signal(signal.SIGTERM)
            answered = await asyncio.wait_for(advance, BOUND)  # finished, not cut off
            assert await asyncio.wait_for(server.proc.wait(), BOUND) == 0
            assert answered["now"] == "2026-11-27T12:00:00+03:00"
            await server.start()
            after = await seen(http, server)
            assert after["now"] == answered["now"]
            assert {c["state"] for c in after["calls"]} == {"completed"}
            assert {d["state"] for d in after["deliveries"]} == {"succeeded"}
    finally:
        if server.proc is not None and server.proc.returncode is None:
            await server.stop(signal.SIGKILL)
        await receiver.stop()


async def test_a_second_process_on_the_same_file_exits_2_in_one_line(tmp_path: Path) -> None:
    first = await Server(tmp_path, tmp_path / "run.db").start()
    try:
        second = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "mockserver", "--port", str(free_port())),
            *("--db", str(tmp_path / "run.db"), "--clock", "manual"),
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(second.communicate(), BOUND)
        assert second.returncode == 2
        assert err.decode().count("\n") == 1
        assert "in use by another autodialer-mock process (the file is locked)" in err.decode()
    finally:
        assert await first.stop(signal.SIGTERM) == 0

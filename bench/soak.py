"""Soak: a bounded, loopback-only load on a real emulator process, with its resident memory
sampled over time. The memory must stay flat.

    python bench/soak.py --seconds 300        # five minutes
    python bench/soak.py --short              # a 20-second smoke run

Each round sends, a few at once: a 50-row make, 20 newcalls (some duplicates),
a cdr, journal and delivery-log reads, a handful of hostile bodies; then it
advances the manual clock ten minutes so the calls complete and their webhooks
go to a local receiver that answers 500 to one in five and is slow to one in
ten. The journal and the delivery log are small here (2000 each), so they wrap
many times. The emulator keeps every accepted record by design, so every
``--reset-every`` rounds the soak checks that no accepted row was lost (records
== rows accepted) and resets, as a QA suite does between runs: what must stay
flat across resets is everything else.

Traffic goes only to 127.0.0.1; every loop is bounded in rounds and in time.
Exit status: 0 when no row was lost, no 5xx was seen and the memory stayed
within ``--max-growth`` of its level after warm-up; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, TCPConnector, web

HOST = "127.0.0.1"  # loopback only, never anything else
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    (b'{"query": {"access_token": "client-key", "data": [', "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b'{"name": "\\ud800", "phone": "89222220009", "UUID": "u"}', "application/json"),
    (b"abc", "multipart/form-data"),
    (b"\xff\xfe\xfd", "application/x-www-form-urlencoded"),
]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` in KiB (Linux /proc; ps elsewhere)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


async def receiver() -> tuple[web.AppRunner, str]:
    """A webhook receiver on loopback: 500 to one request in five, slow to one in ten."""
    count = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal count
        count += 1
        await request.read()
        if count % 10 == 0:
            await asyncio.sleep(0.05)  # the receiver being slow
        return web.Response(status=500 if count % 5 == 0 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://{HOST}:{port}/hook"


def start_emulator(hook: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    config = {
        "seed": 1,
        "journal_size": 2000,
        "delivery_log_size": 2000,
        "clock": {"mode": "manual", "start": "2026-11-27T09:00:00+03:00"},
        "accounts": [
            {
                "api_key": "apikey",
                "access_token": "client-key",
                "dial_lines": 100,
                "webhooks": [{"url": hook, "schedule": [0, 60, 300], "timeout": 2}],
            }
        ],
    }
    path = workdir / "soak.json.yaml"  # YAML is a superset of JSON
    path.write_text(json.dumps(config))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "--host",
            HOST,
            "--port",
            str(port),
            "--config",
            str(path),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):  # bounded: ~10 s to start
        try:
            socket.create_connection((HOST, port), 0.05).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://{HOST}:{port}"


class Soak:
    def __init__(self, session: ClientSession) -> None:
        self.session = session
        self.requests = 0
        self.server_errors = 0
        self.accepted = 0  # rows and calls accepted since the last reset
        self.lost = 0
        self.numbers = 0

    async def send(self, method: str, path: str, **kwargs: object) -> tuple[int, object]:
        async with self.session.request(method, path, **kwargs) as response:  # type: ignore[arg-type]
            self.requests += 1
            if response.status >= 500:
                self.server_errors += 1
            body = await response.read()
            is_json = response.content_type == "application/json"
            return response.status, (json.loads(body) if is_json else None)

    def fresh(self, count: int) -> list[str]:
        start, self.numbers = self.numbers, self.numbers + count
        return [f"8900{n % 10_000_000:07d}" for n in range(start, start + count)]

    async def make(self) -> None:
        rows = [{"id": str(i), "phone": p, "name": "Имя"} for i, p in enumerate(self.fresh(50))]
        rows.append({"id": "bad", "phone": "123", "startdialertime": "10:00"})  # invalid, slips
        body = {"query": {"access_token": "client-key", "data": rows}}
        _, answer = await self.send("POST", "/apikey/make", json=body)
        self.accepted += int(answer["report"]["inserted"])  # type: ignore[index]

    async def newcalls(self) -> None:
        numbers = self.fresh(15)
        numbers += numbers[:5]  # duplicates of pending calls: QUERY_COUNT 0
        for phone in numbers:
            data = {"name": "n", "phone": phone, "UUID": "u", "timestart": "10:00"}
            _, answer = await self.send("POST", "/apikey/newcall", data=data)
            self.accepted += answer["QUERY_COUNT"]  # type: ignore[index]

    async def reads(self) -> None:
        dates = {"date_from": "2026-11-27", "date_to": "2027-12-31"}
        await self.send("GET", "/apikey/cdr", params=dates)
        await self.send("GET", "/_mock/journal", params={"limit": 100, "warnings": 1})
        await self.send("GET", "/_mock/deliveries", params={"limit": 100})
        await self.send("GET", "/_mock/calls", params={"limit": 100, "state": "completed"})

    async def hostile(self) -> None:
        for body, ctype in HOSTILE:
            for path in ("/apikey/make", "/apikey/newcall", "/_mock/clock/advance"):
                await self.send("POST", path, data=body, headers={"Content-Type": ctype})

    async def round(self) -> None:
        await asyncio.gather(self.make(), self.newcalls(), self.reads(), self.hostile())
        await self.send("POST", "/_mock/clock/advance", json={"seconds": 600})

    async def check_and_reset(self) -> None:
        _, page = await self.send("GET", "/_mock/calls", params={"limit": 1})
        self.lost += self.accepted - page["total"]  # type: ignore[index]
        await self.send("POST", "/_mock/reset")
        self.accepted = 0


async def soak(args: argparse.Namespace) -> int:
    runner, hook = await receiver()
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    process, url = start_emulator(hook, workdir)
    samples: list[tuple[float, int, int]] = []
    started = time.monotonic()
    try:
        async with ClientSession(url, connector=TCPConnector(limit=16)) as session:
            load = Soak(session)
            next_sample = 0.0
            for rounds in range(1, args.max_rounds + 1):  # bounded in rounds and in time
                elapsed = time.monotonic() - started
                if elapsed >= args.seconds:
                    break
                await load.round()
                if rounds % args.reset_every == 0:
                    await load.check_and_reset()
                if elapsed >= next_sample:
                    samples.append((elapsed, load.requests, rss_kib(process.pid)))
                    print(f"{elapsed:7.1f} s  {load.requests:8d} requests  "
                          f"rss {samples[-1][2] / 1024:7.1f} MiB", flush=True)  # fmt: skip
                    next_sample += args.sample
            await load.check_and_reset()
            samples.append((time.monotonic() - started, load.requests, rss_kib(process.pid)))
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
        await runner.cleanup()
    return report(args, samples, load, rounds, code)


def report(
    args: argparse.Namespace,
    samples: list[tuple[float, int, int]],
    load: Soak,
    rounds: int,
    code: int,
) -> int:
    warm = [s for s in samples if s[0] >= args.warmup] or samples[-1:]
    base, last, peak = warm[0][2], samples[-1][2], max(s[2] for s in warm)
    growth = (last - base) / base
    summary = {
        "seconds": round(samples[-1][0], 1),
        "rounds": rounds,
        "requests": load.requests,
        "requests_per_second": round(load.requests / max(samples[-1][0], 1e-9)),
        "server_5xx": load.server_errors,
        "rows_lost": load.lost,
        "rss_mib_after_warmup": round(base / 1024, 1),
        "rss_mib_peak": round(peak / 1024, 1),
        "rss_mib_last": round(last / 1024, 1),
        "rss_growth_after_warmup": f"{growth:+.1%}",
        "exit_status_after_sigterm": code,
    }
    print(json.dumps(summary, indent=2))
    flat = growth <= args.max_growth
    return 0 if flat and not load.lost and not load.server_errors and code == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long (default 300)")
    parser.add_argument("--short", action="store_true", help="a 20-second smoke run")
    parser.add_argument("--max-rounds", type=int, default=100_000, help="bound on rounds")
    parser.add_argument("--reset-every", type=int, default=50, metavar="N")
    parser.add_argument("--sample", type=float, default=10, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before the baseline")
    parser.add_argument("--max-growth", type=float, default=0.15, help="allowed RSS growth")
    args = parser.parse_args()
    if args.short:
        args.seconds, args.sample, args.warmup, args.reset_every = 20, 2, 6, 10
    args.seconds = min(args.seconds, 24 * 3600)  # bounded, whatever is asked
    return asyncio.run(soak(args))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

"""Benchmark 5: webhook deliveries per second to a receiver in another process.

The emulator runs in this process on a manual clock with one subscription; N answered
calls complete in one advance, which returns once every delivery had its first attempt.
The receiver (bare_server.py, another process) notes when each request arrived, so the
rate is deliveries over the span between the first and the last. Baseline: a bare
aiohttp client posting the same number of bodies at the same concurrency.
"""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from aiohttp import web
from harness import bare, free_port, running

from mockserver.config import Account, ClockConfig, Config
from mockserver.server.app import create_app
from mockserver.webhooks.settings import Subscription

CONCURRENCY = 32


async def _stats(session: aiohttp.ClientSession, receiver: str) -> dict[str, float]:
    async with session.get(f"{receiver}/hook/stats") as response:
        return await response.json()


async def emulator_rate(receiver: str, count: int) -> dict[str, float]:
    config = Config(seed=1, clock=ClockConfig(mode="manual", start="2026-11-27T09:00:00+03:00"))
    sub = Subscription(
        id="bench", url=f"{receiver}/hook", secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    )
    config.accounts = [Account(api_key="apikey", access_token="client-key", dial_lines=count,
                               webhooks=[sub])]  # fmt: skip
    config.webhook_concurrency = CONCURRENCY
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for first in range(0, count, 1000):  # numbers ending 0000: forced answered
                rows = [{"id": str(i), "phone": f"89{i:05d}0000", "timestart": "09:00"}
                        for i in range(first, min(first + 1000, count))]  # fmt: skip
                body = {"query": {"access_token": "client-key", "data": [
                    {"id": r["id"], "phone": r["phone"], "statdialertime": "09:00"} for r in rows
                ]}}  # fmt: skip
                async with session.post(f"{base}/apikey/make", json=body) as response:
                    assert response.status == 200, await response.text()
            await session.post(f"{receiver}/hook/reset")
            started = time.perf_counter()
            async with session.post(f"{base}/_mock/clock/advance", json={"seconds": 600}) as r:
                assert r.status == 200, await r.text()
            total = time.perf_counter() - started
            stats = await _stats(session, receiver)
    finally:
        await runner.cleanup()
    return {"deliveries": stats["count"], "advance_s": total,
            "per_s": (stats["count"] - 1) / stats["span"] if stats["span"] else 0.0}  # fmt: skip


async def bare_rate(receiver: str, count: int) -> dict[str, float]:
    body = json.dumps({"event_id": "evt_0", "phone": "89000000000", "duration": 42}).encode()
    async with aiohttp.ClientSession() as session:
        await session.post(f"{receiver}/hook/reset")
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one() -> None:
            async with limit, session.post(f"{receiver}/hook", data=body) as response:
                await response.read()

        await asyncio.gather(*(one() for _ in range(count)))
        stats = await _stats(session, receiver)
    return {"deliveries": stats["count"],
            "per_s": (stats["count"] - 1) / stats["span"] if stats["span"] else 0.0}  # fmt: skip


def run(count: int) -> dict[str, dict[str, float]]:
    port = free_port()
    receiver = f"http://127.0.0.1:{port}"
    with running(bare(port), f"{receiver}/_mock/clock"):
        ours = asyncio.run(emulator_rate(receiver, count))
        theirs = asyncio.run(bare_rate(receiver, count))
    return {"emulator": ours, "bare aiohttp client": theirs}


if __name__ == "__main__":
    print(json.dumps(run(2000), indent=1))

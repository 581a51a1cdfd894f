"""``autodialer-mock fire``: synthetic webhook traffic at a receiver, paced, with a summary.

For QA of a webhook receiver: it sends schema-valid events (signed when a
secret is given, some sent twice when asked) and reports how the receiver
answered and how fast.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .. import __version__
from ..webhooks import payload, signing, synthetic
from ..webhooks.settings import Subscription

MAX_COUNT = 1_000_000


@dataclass
class Summary:
    sent: int = 0
    ok: int = 0  # 2xx
    non_2xx: int = 0
    errors: int = 0  # no answer: refused, reset, timed out
    latencies_ms: list[float] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies of answered requests, 0 when none."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "2xx": self.ok,
            "non_2xx": self.non_2xx,
            "errors": self.errors,
            "latency_ms": {f"p{p}": round(self.percentile(p), 3) for p in (50, 95, 99)},
        }

    def line(self) -> str:
        lat = " ".join(f"p{p} {self.percentile(p):.1f} ms" for p in (50, 95, 99))
        return (
            f"sent {self.sent}, 2xx {self.ok}, non-2xx {self.non_2xx}, errors {self.errors}; "
            f"latency {lat}"
        )


@dataclass
class Plan:
    url: str
    count: int
    rate: float  # requests started per second
    statuses: list[str] = field(default_factory=list)
    secret: str | None = None
    duplicates: float = 0.0  # share of events sent twice
    format: str = "json"
    timeout: float = 10.0
    concurrency: int = 32
    seed: int = 1


async def fire(plan: Plan, progress: bool = False) -> Summary:
    """Sends ``plan.count`` events (plus duplicates), paced at ``plan.rate``, and sums up."""
    sub = Subscription(url=plan.url, format=plan.format, secret=plan.secret)
    key = sub.key() if plan.secret else None
    pacing = random.Random(plan.seed)
    requests: list[tuple[str, bytes, str]] = []
    for event in synthetic.events(plan.count, plan.seed, plan.statuses):
        body, content_type = payload.render(event, sub)
        copies = 2 if pacing.random() < plan.duplicates else 1
        requests += [(event["event_id"], body, content_type)] * copies
    summary = Summary()
    slots = asyncio.Semaphore(plan.concurrency)
    timeout = aiohttp.ClientTimeout(total=plan.timeout)
    # disable=None: no bar when stderr is not a terminal (CI logs, pipes).
    from tqdm import tqdm  # only the command line shows a bar

    bar = tqdm(total=len(requests), unit="req", disable=None if progress else True, leave=False)
    headers = {"User-Agent": f"autodialer-mock/{__version__} fire"}
    async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:

        async def send(msg_id: str, body: bytes, content_type: str) -> None:
            async with slots:
                sent = signing.headers(msg_id, int(time.time()), body, content_type, key)
                started = time.perf_counter()
                try:
                    async with session.post(plan.url, data=body, headers=sent) as response:
                        await response.read()
                        summary.latencies_ms.append((time.perf_counter() - started) * 1000)
                        if 200 <= response.status < 300:
                            summary.ok += 1
                        else:
                            summary.non_2xx += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                    summary.errors += 1
                summary.sent += 1
                bar.update()

        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for i, request in enumerate(requests):
            delay = start + i / plan.rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the traffic, not waiting for a result
            tasks.append(asyncio.create_task(send(*request)))
        await asyncio.gather(*tasks)
    bar.close()
    return summary

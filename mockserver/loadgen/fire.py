"""``autodialer-mock fire``: synthetic webhook traffic at a receiver, paced, with a summary.

For QA of a webhook receiver: it sends schema-valid events (signed when a
secret is given, some sent twice when asked) and reports how the receiver
answered, how fast, and why requests failed. The events, their bodies and their
signatures come from :func:`requests` and :meth:`Request.headers`, which the
Locust user class (``loadgen/locustfile.py``) sends too: one implementation.
"""

from __future__ import annotations

import asyncio
import errno
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .. import __version__
from ..webhooks import payload, signing, synthetic
from ..webhooks.settings import Subscription

MAX_COUNT = 1_000_000
#: Why a request did not get a 2xx, in the order the summary lists them.
KINDS = ("refused", "time-out", "connection", "4xx", "5xx", "other status")
USER_AGENT = f"autodialer-mock/{__version__} fire"


@dataclass
class Summary:
    sent: int = 0
    ok: int = 0  # 2xx
    failed: Counter[str] = field(default_factory=Counter)  # by kind, see KINDS
    latencies_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def non_2xx(self) -> int:
        """Answered, but not with a 2xx."""
        return sum(self.failed[k] for k in ("4xx", "5xx", "other status"))

    @property
    def errors(self) -> int:
        """No answer: refused, timed out, or the connection failed."""
        return sum(self.failed[k] for k in ("refused", "time-out", "connection"))

    @property
    def per_second(self) -> float:
        return self.sent / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies of answered requests, 0 when none."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def count(self, status: int) -> None:
        if 200 <= status < 300:
            self.ok += 1
        elif 400 <= status < 600:
            self.failed[f"{status // 100}xx"] += 1
        else:
            self.failed["other status"] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "2xx": self.ok,
            "non_2xx": self.non_2xx,
            "errors": self.errors,
            "errors_by_kind": {kind: self.failed[kind] for kind in KINDS},
            "elapsed_s": round(self.elapsed_s, 3),
            "events_per_s": round(self.per_second, 1),
            "latency_ms": {f"p{p}": round(self.percentile(p), 3) for p in (50, 95, 99)},
        }

    def line(self) -> str:
        lat = " ".join(f"p{p} {self.percentile(p):.1f} ms" for p in (50, 95, 99))
        if not self.latencies_ms:
            lat = "none: no request was answered"
        kinds = ", ".join(f"{kind} {self.failed[kind]}" for kind in KINDS if self.failed[kind])
        return (
            f"sent {self.sent} in {self.elapsed_s:.1f} s ({self.per_second:.0f} events/s), "
            f"2xx {self.ok}, failed {self.sent - self.ok}"
            + (f" ({kinds})" if kinds else "")
            + f"; latency {lat}"
        )

    def progress(self, total: int) -> str:
        """One line for a log: how far, how fast, how many failed."""
        return (
            f"fire: {self.sent}/{total} sent, 2xx {self.ok}, failed {self.sent - self.ok}, "
            f"{self.per_second:.0f} events/s, {self.elapsed_s:.0f} s"
        )


@dataclass
class Plan:
    url: str
    count: int
    rate: float  # requests started per second; 0: as fast as the concurrency allows
    statuses: list[str] = field(default_factory=list)
    secret: str | None = None
    duplicates: float = 0.0  # share of events sent twice
    format: str = "json"
    timeout: float = 10.0
    concurrency: int = 32
    seed: int = 1
    fields: dict[str, str] = field(default_factory=dict)  # renames, as a subscription's

    def subscription(self) -> Subscription:
        return Subscription(
            url=self.url, format=self.format, secret=self.secret, fields=dict(self.fields)
        )


@dataclass(frozen=True)
class Request:
    """One webhook request: an event's body, sent once or (a duplicate) twice."""

    msg_id: str
    body: bytes
    content_type: str

    def headers(self, key: bytes | None) -> dict[str, str]:
        """Standard Webhooks headers, signed now when there is a key."""
        return signing.headers(self.msg_id, int(time.time()), self.body, self.content_type, key)


def checked_plan(options: dict[str, Any], prefix: str = "--") -> Plan:
    """A :class:`Plan` from fire's options by name (``statuses`` a comma-separated list);
    :class:`ConfigError` names the first bad one, as ``prefix`` + its name."""
    from ..errors import ConfigError
    from ..outcomes import STATUSES
    from ..webhooks.settings import subscriptions

    o = options
    statuses = [s.strip().upper() for s in (o.get("statuses") or "").split(",") if s.strip()]
    checks = [
        (o["url"].startswith(("http://", "https://")), "url: must be an http:// or https:// URL"),
        (1 <= o["count"] <= MAX_COUNT, f"count: must be from 1 to {MAX_COUNT}"),
        (o.get("rate", 0) >= 0, "rate: must be >= 0 (0: unpaced)"),
        (0 <= o.get("duplicates", 0) <= 1, "duplicates: must be from 0 to 1"),
        (o.get("timeout", 10) > 0, "timeout: must be > 0"),
        (1 <= o.get("concurrency", 32) <= 1000, "concurrency: must be from 1 to 1000"),
        (set(statuses) <= set(STATUSES), f"statuses: must be among {', '.join(STATUSES)}"),
        (o.get("format", "json") in ("json", "form"), "format: must be json or form"),
    ]
    for passed, message in checks:
        if not passed:
            raise ConfigError(prefix + message)
    if o.get("secret"):  # the same check as a subscription's secret in the config
        subscriptions([{"url": o["url"], "secret": o["secret"]}], f"{prefix}secret", "fire")
    return Plan(
        o["url"],
        o["count"],
        o.get("rate", 0),
        statuses,
        o.get("secret") or None,
        o.get("duplicates", 0.0),
        o.get("format", "json"),
        o.get("timeout", 10.0),
        o.get("concurrency", 32),
        o.get("seed", 1),
        dict(o.get("fields") or {}),
    )


def requests(plan: Plan, worker: int = 0, workers: int = 1) -> Iterator[Request]:
    """The plan's requests, in order; ``worker`` of ``workers`` gets every workers-th event,
    so processes that share a plan send each event once between them."""
    sub = plan.subscription()
    pacing = random.Random(plan.seed)
    for i, event in enumerate(synthetic.events(plan.count, plan.seed, plan.statuses)):
        twice = pacing.random() < plan.duplicates  # drawn for every event: shares agree
        if i % workers != worker:
            continue
        body, content_type = payload.render(event, sub)
        request = Request(event["event_id"], body, content_type)
        yield request
        if twice:
            yield request


def failure(exc: BaseException) -> str:
    """The kind of a request that got no answer."""
    if isinstance(exc, asyncio.TimeoutError):
        return "time-out"
    if isinstance(exc, aiohttp.ClientConnectorError) and exc.errno == errno.ECONNREFUSED:
        return "refused"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    return "connection"


async def fire(
    plan: Plan, report: Callable[[Summary], None] | None = None, every: float = 5.0
) -> Summary:
    """Sends ``plan.count`` events (plus duplicates), paced at ``plan.rate``, and sums up;
    ``report`` is given the summary so far every ``every`` seconds."""
    sub = plan.subscription()
    key = sub.key() if plan.secret else None
    summary = Summary()
    slots = asyncio.Semaphore(plan.concurrency)
    timeout = aiohttp.ClientTimeout(total=plan.timeout)
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": USER_AGENT}) as http:

        async def send(request: Request) -> None:
            try:
                started = time.perf_counter()
                async with http.post(
                    plan.url, data=request.body, headers=request.headers(key)
                ) as response:
                    await response.read()
                    summary.latencies_ms.append((time.perf_counter() - started) * 1000)
                    summary.count(response.status)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                summary.failed[failure(exc)] += 1
            finally:
                summary.sent += 1
                slots.release()

        async def reporting() -> None:
            assert report is not None
            while True:
                await asyncio.sleep(every)  # a progress line's period, not a wait for a result
                summary.elapsed_s = loop.time() - start
                report(summary)

        reporter = asyncio.create_task(reporting()) if report else None
        tasks: set[asyncio.Task[None]] = set()  # those in flight: finished ones are let go
        for i, request in enumerate(requests(plan)):
            delay = start + i / plan.rate - loop.time() if plan.rate > 0 else 0
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the traffic, not waiting for a result
            await slots.acquire()  # at most `concurrency` in flight, and as many tasks
            task = asyncio.create_task(send(request))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        if reporter is not None:
            reporter.cancel()
    summary.elapsed_s = loop.time() - start
    return summary

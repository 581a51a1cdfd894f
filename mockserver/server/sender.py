"""Sends the outbox's webhook requests: one shared client session, bounded concurrency.

The domain decides what to send and when; this module only transmits and
measures. At most ``webhook_concurrency`` requests are in flight, and each has
its subscription's time-out, so a slow receiver costs a slot for a bounded
time and never the whole process. Requests beyond the bound wait in the
outbox's queue as plain :class:`Send` objects, not as tasks: a backlog of
thousands behind a hanging receiver costs a few hundred bytes each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp

from .. import __version__
from ..webhooks.models import Result, Send
from ..webhooks.outbox import Outbox

log = logging.getLogger(__name__)
BODY_LIMIT = 64 * 1024  # bytes of a receiver's answer read (and thrown away)


Transport = Callable[[Send], Awaitable[Result]]


class Sender:
    def __init__(
        self, outbox: Outbox, concurrency: int, transport: Transport | None = None
    ) -> None:
        """``transport`` posts one request and reports what came back; by default over HTTP
        with one shared aiohttp session (a test may pass a scripted one)."""
        self.outbox = outbox
        self.concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None
        self._transport = transport or self._post
        self._tasks: set[asyncio.Task[None]] = set()  # in flight; a done task leaves at once
        self._stopped = False

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0)  # the slots below are the bound
        self._session = aiohttp.ClientSession(
            connector=connector, headers={"User-Agent": f"autodialer-mock/{__version__}"}
        )
        self.outbox.on_due = self.kick
        self.kick()  # what was queued before the start (deliveries restored from --db)

    async def stop(self) -> None:
        self._stopped = True
        self.outbox.on_due = lambda: None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def resize(self, concurrency: int) -> None:
        """A new bound for requests started from now on (PUT /_mock/config)."""
        self.concurrency = concurrency
        self.kick()

    def kick(self) -> None:
        """Starts queued requests while fewer than ``concurrency`` are in flight (called by the
        outbox when it queues one, and here when one ends)."""
        if self._stopped:
            return
        loop = asyncio.get_running_loop()
        for send in self.outbox.take_due(self.concurrency - len(self._tasks)):
            task = loop.create_task(self._send(send))
            self._tasks.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self.outbox.due:
            self.kick()

    def busy(self) -> bool:
        """Whether requests are in flight or waiting for a slot."""
        return bool(self._tasks) or bool(self.outbox.due)

    async def settle(self) -> None:
        """Waits for every request in flight or queued, and for those their answers started
        (duplicates, retries due at once, the next attempts of their lanes)."""
        self.kick()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self.kick()

    async def _send(self, send: Send) -> None:
        result = await self._transport(send)
        try:
            self.outbox.finish(send, result)
        except Exception:  # a bug here must not be lost in a task nobody awaits
            log.exception("recording a webhook answer failed")

    async def _post(self, send: Send) -> Result:
        assert self._session is not None, "the sender was not started"
        started = time.perf_counter()
        timeout = aiohttp.ClientTimeout(total=send.timeout)
        try:
            async with self._session.post(
                send.url,
                data=send.body,
                headers=send.headers,
                timeout=timeout,
                allow_redirects=False,
            ) as response:
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    await response.content.read(BODY_LIMIT)
                return Result(
                    response.status,
                    _ms(started),
                    retry_after=response.headers.get("Retry-After"),
                )
        except asyncio.TimeoutError:
            return Result(None, _ms(started), f"no answer within {send.timeout:g} s", True)
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Result(None, _ms(started), f"{type(exc).__name__}: {exc}".rstrip(": "))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000

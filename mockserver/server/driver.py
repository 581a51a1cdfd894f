"""Moves the emulator's clock: by itself as real (or sped-up) time passes, or in one advance
of a manual clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ..backend import Backend
from .sender import Sender

log = logging.getLogger(__name__)
IDLE_WAKE = 60.0  # seconds: re-check even when nothing is scheduled


async def advance(backend: Backend, sender: Sender, when: float) -> int:
    """Moves the clock to ``when``, running every event due on the way at its own time, and
    returns once every webhook attempt due by ``when`` has been answered.

    The calls need nothing from the webhooks, so the dialer's events run first, all of
    them; the attempts they release go out at once, concurrently up to
    ``webhook_concurrency``. Each subscription's lane (:mod:`..webhooks.lanes`) starts its
    next due time's attempts as soon as the earlier ones answered, and a retry due by
    ``when`` joins its lane as soon as its failed attempt answered: every attempt is timed
    at its due time, so the log does not depend on how the clock was moved to get there.
    """
    events = backend.move_to(when)
    await sender.settle()
    backend.flush()  # what the answers changed
    return events


class ClockDriver:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something earlier was scheduled, or the clock jumped: recompute the sleep."""
        self._wake.set()

    def start(self) -> None:
        if self.backend.clock.mode == "manual":
            return
        self.backend.scheduler.on_earlier = lambda _when: self.wake()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backend = self.backend
        while True:
            try:
                backend.run_due()
            except Exception:  # a bug in one event must not stop the dialer for everyone
                log.exception("running due events failed")
            due = backend.scheduler.next_due()
            delay = IDLE_WAKE if due is None else min(IDLE_WAKE, backend.clock.wall_delay(due))
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

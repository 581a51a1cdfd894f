"""The event loop's error log, rate-limited: the same message at most once per interval.

With its file descriptors used up, asyncio reports every accept that fails through the
loop's exception handler, traceback and all; an emulator flooded with half-sent
connections wrote 300 MB of log in 100 s. Each message is now logged at most once per
:data:`INTERVAL` seconds, the next one saying how many were left out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

INTERVAL = 10.0
#: Distinct messages remembered; past it the oldest is forgotten (they are few and fixed).
MESSAGES = 64
Handler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object]


class RateLimitedLog:
    def __init__(self, previous: Handler | None, interval: float = INTERVAL) -> None:
        self.previous = previous
        self.interval = interval
        #: message -> (when it was last logged, how many were left out since)
        self.seen: dict[str, tuple[float, int]] = {}

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", ""))[:200]
        now = loop.time()
        last, left_out = self.seen.get(message, (-self.interval, 0))
        if now - last < self.interval:
            self.seen[message] = (last, left_out + 1)
            return
        if len(self.seen) >= MESSAGES and message not in self.seen:
            del self.seen[next(iter(self.seen))]
        self.seen[message] = (now, 0)
        if left_out:
            context = {
                **context,
                "message": f"{message} ({left_out} more in the last {self.interval:.0f} s "
                "not logged)",
            }
        if self.previous is not None:
            self.previous(loop, context)
        else:
            loop.default_exception_handler(context)

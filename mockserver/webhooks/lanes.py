"""A subscription's lane: its attempts start in the order of their due times, a time's
attempts together, the next time's only once they have all answered.

Why a lane waits, and for nothing else: an attempt's answer changes what follows in its
own subscription only. A 410 disables the subscription from that attempt's time on, so an
attempt due later must not start before it is known; a failure makes its delivery's
retry, due from that attempt's time. No other subscription, account or call depends on
it, so lanes never wait for each other: an advance over many slow receivers costs about
one time-out per distinct due time of the busiest lane, not one per second of the span.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

from .models import Delivery

_order = itertools.count()  # ties at one due time keep the order they were released in


@dataclass(order=True, slots=True)
class Due:
    """An attempt released to its lane: its due time has come on the emulator's clock."""

    at: float
    order: int
    delivery: Delivery = field(compare=False)
    trigger: str = field(compare=False)
    #: A duplicate reuses the original's headers, byte for byte; None: signed afresh.
    headers: dict[str, str] | None = field(default=None, compare=False)


def due(at: float, delivery: Delivery, trigger: str, headers: dict[str, str] | None = None) -> Due:
    return Due(at, next(_order), delivery, trigger, headers)


class Lane:
    def __init__(self) -> None:
        self._due: list[Due] = []  # a heap by (time, order)
        self.flying = 0  # attempts started and not yet answered
        self.flying_at = 0.0  # their due time: one wave has one time

    def push(self, due: Due) -> None:
        heapq.heappush(self._due, due)

    def next(self) -> Due | None:
        """The next attempt that may start now, taken off the lane; None while attempts due
        earlier are still unanswered."""
        if self._due and (self.flying == 0 or self._due[0].at == self.flying_at):
            return heapq.heappop(self._due)
        return None

    def started(self, at: float) -> None:
        self.flying += 1
        self.flying_at = at

    def answered(self) -> None:
        self.flying -= 1

    def idle(self) -> bool:
        return not self._due and not self.flying

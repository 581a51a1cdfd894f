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
    """One subscription's released attempts, and those of them in flight.

    A wave is the attempts of one due time; one delivery has one attempt in flight at a
    time (a duplicate, or a retry due at once, waits for the attempt before it), so a
    delivery's log is numbered in the order its attempts were made.
    """

    def __init__(self) -> None:
        self._due: list[Due] = []  # a heap by (time, order)
        self._flying: set[int] = set()  # ids of the deliveries with an attempt in flight
        self._flying_at = 0.0  # their due time: one wave has one time

    def push(self, due: Due) -> None:
        heapq.heappush(self._due, due)

    def next(self) -> Due | None:
        """The next attempt that may start now, taken off the lane; None while attempts due
        earlier, or its delivery's previous attempt, are still unanswered."""
        if not self._due:
            return None
        head = self._due[0]
        if self._flying and (head.at != self._flying_at or head.delivery.id in self._flying):
            return None
        return heapq.heappop(self._due)

    def started(self, due: Due) -> None:
        self._flying.add(due.delivery.id)
        self._flying_at = due.at

    def answered(self, delivery: Delivery) -> None:
        self._flying.discard(delivery.id)

    def idle(self) -> bool:
        return not self._due and not self._flying

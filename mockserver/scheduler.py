"""A time-ordered queue of due events: run in order of time, then of scheduling."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, float], None]


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Handler, Any]] = []
        self._seq = 0
        #: Called with the time of an event that became the earliest: wakes a real-time driver.
        self.on_earlier: Callable[[float], None] | None = None

    def __len__(self) -> int:
        return len(self._heap)

    def at(self, when: float, handler: Handler, arg: Any) -> None:
        """Runs ``handler(arg, when)`` once the clock reaches ``when``.

        Handlers are shared bound methods and events are plain tuples, so a million
        pending records cost a million small tuples and nothing more.
        """
        self._seq += 1
        earliest = not self._heap or when < self._heap[0][0]
        heapq.heappush(self._heap, (when, self._seq, handler, arg))
        if earliest and self.on_earlier is not None:
            self.on_earlier(when)

    def clear(self) -> None:
        self._heap.clear()

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def run_until(
        self,
        until: float,
        on_time: Callable[[float], None] | None = None,
        pause: Callable[[], bool] | None = None,
    ) -> int:
        """Runs every event due at or before ``until``, including those the handlers add.

        Stops early, after an event, when ``pause()`` is true: the caller has work to
        do at that event's time (a webhook to send) before time may move on.
        """
        ran = 0
        heap = self._heap
        while heap and heap[0][0] <= until:
            when, _, handler, arg = heapq.heappop(heap)
            if on_time is not None:
                on_time(when)
            handler(arg, when)
            ran += 1
            if pause is not None and pause():
                break
        return ran

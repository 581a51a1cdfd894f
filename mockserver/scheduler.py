"""A time-ordered queue of due events: run in order of time, then of scheduling."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, float], None]


class Scheduler:
    """Events grouped by their time: a heap of distinct times, a FIFO of events for each.

    A campaign's calls end on whole seconds, hundreds of them on the same second, so a
    heap of times stays short, and an event costs a dictionary look-up and an append
    rather than a climb through a heap of a million entries.
    """

    def __init__(self) -> None:
        self._times: list[float] = []  # a heap of the times that have events
        self._due: dict[float, deque[tuple[Handler, Any]]] = {}
        #: Called with the time of an event that became the earliest: wakes a real-time driver.
        self.on_earlier: Callable[[float], None] | None = None

    def __len__(self) -> int:
        return sum(map(len, self._due.values()))

    def at(self, when: float, handler: Handler, arg: Any) -> None:
        """Runs ``handler(arg, when)`` once the clock reaches ``when``.

        Handlers are shared bound methods and events are plain tuples, so a million
        pending records cost a million small tuples and nothing more.
        """
        events = self._due.get(when)
        if events is None:
            times = self._times
            if self.on_earlier is not None and (not times or when < times[0]):
                self.on_earlier(when)
            events = self._due[when] = deque()
            heapq.heappush(times, when)
        events.append((handler, arg))

    def clear(self) -> None:
        self._times.clear()
        self._due.clear()

    def next_due(self) -> float | None:
        return self._times[0] if self._times else None

    def run_until(self, until: float, on_time: Callable[[float], None] | None = None) -> int:
        """Runs every event due at or before ``until``, including those the handlers add,
        calling ``on_time`` with each event's time before its events run."""
        ran = 0
        times = self._times
        while times and times[0] <= until:
            when = times[0]
            events = self._due[when]
            if on_time is not None:
                on_time(when)
            while events:  # handlers may add events at this same time: they run in turn
                handler, arg = events.popleft()
                handler(arg, when)
                ran += 1
            self._done(when)
        return ran

    def _done(self, when: float) -> None:
        if self._times and self._times[0] == when and not self._due.get(when):
            heapq.heappop(self._times)
            self._due.pop(when, None)

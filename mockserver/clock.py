"""The emulator's clock: real time, real time N times faster, or manual.

Every time in the domain is an epoch float read from here, never from
``time.time()``, so a manual clock makes a whole run deterministic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

MODES = ("real", "manual")


class Clock:
    def __init__(
        self,
        mode: str = "real",
        speed: float = 1.0,
        start: float | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"clock mode must be one of {', '.join(MODES)}, not {mode!r}")
        if speed <= 0:
            raise ValueError("clock speed must be > 0")
        self.mode = mode
        self.speed = speed
        self._wall = wall
        self._wall_base = wall()
        self._base = float(int(self._wall_base)) if start is None else start

    def now(self) -> float:
        if self.mode == "manual":
            return self._base
        return self._base + (self._wall() - self._wall_base) * self.speed

    def move_to(self, when: float) -> None:
        """Jumps forward to ``when`` (never back: a past the dialer has lived stays lived)."""
        if self.mode == "manual":  # the dialer moves it to each event's time: kept short
            if when > self._base:
                self._base = when
            return
        ahead = when - self.now()
        if ahead > 0:
            self._base += ahead

    def rewind(self, start: float) -> None:
        """Puts a manual clock back at ``start``, in place, so that everything holding it (the
        dialer's backend, the outbox) sees the same time. Only for a fresh start after a
        reset, as a test fixture does between tests: over HTTP the clock only moves forward."""
        if self.mode != "manual":
            raise ValueError("only a manual clock can be rewound")
        self._base = start

    def wall_delay(self, when: float) -> float:
        """Wall-clock seconds until ``when`` comes by itself (infinite on a manual clock)."""
        if self.mode == "manual":
            return float("inf")
        return max(0.0, (when - self.now()) / self.speed)


def parse_iso(text: str) -> float:
    """An ISO 8601 date-time that must carry its offset, as an epoch."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment.timestamp()

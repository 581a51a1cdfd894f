"""The emulator's clock: real time, real time N times faster, or manual.

Every time in the domain is an epoch float read from here, never from
``time.time()``, so a manual clock makes a whole run deterministic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import schemas

from .errors import InvalidField

MODES = ("real", "manual")
#: The farthest one move of the clock goes, from the advance schema (a year).
MAX_MOVE: float = schemas.load("control.advance")["properties"]["seconds"]["maximum"]


def forward_target(now: float, given: str, shown: Callable[[float], str]) -> float:
    """The time ``given`` (ISO 8601) to move a clock at ``now`` to: forward only, at most
    :data:`MAX_MOVE` ahead (as far as one advance goes: a clock near year 9999 could no
    longer show its time). ``shown`` writes a time as the refusal shows it."""
    try:
        when = parse_iso(given)
    except (ValueError, OverflowError) as exc:
        raise InvalidField(f"now: not a date-time the emulator can hold ({exc})") from None
    if when - now > MAX_MOVE:
        raise InvalidField(
            f"now: {given} is more than {MAX_MOVE:.0f} seconds (a year) after the "
            f"emulator's now {shown(now)}; move in steps"
        )
    if when < now:
        raise InvalidField(
            f"now: {given} is before the emulator's now {shown(now)}; the clock only moves forward"
        )
    return when


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

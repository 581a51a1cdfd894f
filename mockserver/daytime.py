"""Times of day (``HH:MM[:SS]``) as seconds since midnight, and dates in an account's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = 86400


def parse_hms(text: str) -> int:
    """Seconds since midnight of a schema-checked ``HH:MM`` or ``HH:MM:SS``."""
    parts = [int(p) for p in text.split(":")]
    hours, minutes = parts[0], parts[1]
    seconds = parts[2] if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def format_hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def local(epoch: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, zone)


def day_start(day: date, zone: ZoneInfo) -> float:
    """The epoch of local midnight that opens ``day``."""
    return datetime.combine(day, time(0), tzinfo=zone).timestamp()


def at(day: date, seconds: int, zone: ZoneInfo) -> float:
    """The epoch of ``seconds`` after local midnight of ``day`` (wall-clock time, DST-aware)."""
    wall = datetime.combine(day, time(0)) + timedelta(seconds=seconds)
    return wall.replace(tzinfo=zone).timestamp()


def cdr_time(epoch: float, zone: ZoneInfo) -> str:
    """``TIME`` of a cdr row: ``YYYY-MM-DD HH:MM:SS +0300``."""
    return local(epoch, zone).strftime("%Y-%m-%d %H:%M:%S %z")


def iso(epoch: float, zone: ZoneInfo) -> str:
    return local(epoch, zone).isoformat(timespec="seconds")

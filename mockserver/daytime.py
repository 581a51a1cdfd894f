"""Times of day (``HH:MM[:SS]``) as seconds since midnight, and dates in an account's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from time import gmtime, strftime
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


@lru_cache(maxsize=4096)
def at(day: int, seconds: int, zone: ZoneInfo) -> float:
    """The epoch of ``seconds`` after local midnight of the day with ordinal ``day``
    (wall-clock time, DST-aware). Cached: every record waiting for a window asks it, and
    they wait for the same few window openings."""
    wall = datetime.combine(date.fromordinal(day), time(0)) + timedelta(seconds=seconds)
    return wall.replace(tzinfo=zone).timestamp()


_OFFSETS: dict[tuple[ZoneInfo, int], tuple[int, str]] = {}
_QUARTER = 900  # zones change offset on a quarter hour of UTC at the finest


def offset(epoch: float, zone: ZoneInfo) -> tuple[int, str]:
    """The zone's UTC offset at ``epoch``: seconds and ``+0300``, cached per quarter hour."""
    key = (zone, int(epoch // _QUARTER))
    found = _OFFSETS.get(key)
    if found is None:
        if len(_OFFSETS) > 100_000:
            _OFFSETS.clear()
        delta = local(key[1] * _QUARTER, zone).utcoffset()
        seconds = int(delta.total_seconds()) if delta is not None else 0
        sign, magnitude = ("-", -seconds) if seconds < 0 else ("+", seconds)
        text = f"{sign}{magnitude // 3600:02d}{magnitude % 3600 // 60:02d}"
        found = _OFFSETS[key] = (seconds, text)
    return found


def steady(epoch: float) -> tuple[float, float]:
    """The quarter hour around ``epoch``: no zone changes its offset inside it (see
    :func:`offset`), so local times move in step with the epoch there."""
    start = epoch // _QUARTER * _QUARTER
    return start, start + _QUARTER


_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DATES: dict[int, str] = {}  # "YYYY-MM-DD " by days since the epoch
_TWO = [f"{n:02d}" for n in range(60)]


def local_day(epoch: float, zone: ZoneInfo) -> tuple[int, float]:
    """The local date's ordinal and the seconds since local midnight at ``epoch``.

    The dialer asks this for every attempt; the cached offset makes it arithmetic.
    (On a DST change day the seconds are wall-clock ones, as a window's times are.)
    The last answer is kept: a request asks twice about its ``now`` (its job's day, its
    record's window), and a run of events shares its time.
    """
    global _last_day
    last_epoch, last_zone, found = _last_day
    if epoch == last_epoch and zone is last_zone:
        return found
    shift, _ = offset(epoch, zone)
    local_seconds = epoch + shift
    found = int(local_seconds // DAY) + _EPOCH_DAY, local_seconds % DAY
    _last_day = epoch, zone, found
    return found


_last_day: tuple[float, ZoneInfo | None, tuple[int, float]] = (float("nan"), None, (0, 0.0))


def cdr_time(epoch: float, zone: ZoneInfo) -> str:
    """``TIME`` of a cdr row: ``YYYY-MM-DD HH:MM:SS +0300``.

    A whole day's cdr formats tens of thousands of these: ``gmtime`` on the shifted
    epoch with a cached offset and a cached date cost a fifth of ``datetime.strftime``'s ``%z``.
    """
    shift, text = offset(epoch, zone)
    if epoch < 0 or shift % 60:  # local mean times of old: not worth a fast path
        return local(epoch, zone).strftime("%Y-%m-%d %H:%M:%S %z")
    whole = int(epoch)
    if epoch - whole >= 0.9999995:  # datetime rounds to the microsecond before truncating
        whole = round(epoch * 1_000_000) // 1_000_000
    day, second = divmod(whole + shift, DAY)
    prefix = _DATES.get(day)
    if prefix is None:
        if len(_DATES) > 100_000:
            _DATES.clear()
        prefix = _DATES[day] = strftime("%Y-%m-%d ", gmtime(day * DAY))
    minutes, second = divmod(second, 60)
    return f"{prefix}{_TWO[minutes // 60]}:{_TWO[minutes % 60]}:{_TWO[second]} {text}"


def iso(epoch: float, zone: ZoneInfo) -> str:
    return local(epoch, zone).isoformat(timespec="seconds")

"""When a record may be dialled: its daily window, in the account's zone, from the upload day on."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from . import daytime
from .models import Record


def next_open(record: Record, after: float, zone: ZoneInfo, campaign_days: int) -> float | None:
    """The first moment at or after ``after`` inside the record's window, or None when none is left.

    A record without a window (newcall with neither timestart nor timestop) may
    be dialled at any time of day. Windows open on ``campaign_days`` days
    counted from the upload day.
    """
    day, second = daytime.local_day(after, zone)
    first_day = record.job.first_day
    last_day = first_day + campaign_days - 1
    if day < first_day:
        day, second = first_day, -1
    if day > last_day:
        return None
    start = record.start if record.start is not None else 0
    stop = record.stop if record.stop is not None else daytime.DAY
    if second < start:
        return daytime.at(day, start, zone)
    if second < stop:
        return after
    if day + 1 > last_day:
        return None
    return daytime.at(day + 1, start, zone)


def open_span(
    record: Record, now: float, zone: ZoneInfo, campaign_days: int
) -> tuple[float, float] | None:
    """A span ``[low, high)`` around ``now`` throughout which the record's window is open
    (``next_open(record, t) == t``), or None when it is closed at ``now``.

    The dialer caches it for the records that share a window, so that a free line is
    given to the next record without working out its window again. The span keeps within
    the local day and within a quarter hour of constant UTC offset, where local seconds
    move in step with the epoch.
    """
    if next_open(record, now, zone, campaign_days) != now:
        return None
    _, second = daytime.local_day(now, zone)
    start = record.start if record.start is not None else 0
    stop = record.stop if record.stop is not None else daytime.DAY
    low, high = daytime.steady(now)
    return max(now - (second - start), low), min(now + (stop - second), high)

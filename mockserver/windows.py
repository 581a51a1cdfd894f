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

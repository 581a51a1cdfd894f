"""What the dashboard shows at a glance: counts, outcomes over time, the cdr newest first.

Plain reads of the domain's state, no HTTP. Each is linear at worst in the
account's records, and the cdr page is a slice of its sorted index, so a page
stays quick with a hundred thousand records.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from . import daytime
from .accounts import AccountState
from .models import STATES
from .views import cdr_row

#: The chart's series; CONGESTION, CHANUNAVAIL and CANCEL all mean the call never got through.
OUTCOMES = ("answered", "busy", "no_answer", "failed")
_BY_STATUS = {"ANSWER": "answered", "BUSY": "busy", "NOANSWER": "no_answer"}
#: Bucket widths tried in turn, so a chart has at most ``max_buckets`` bars.
BUCKETS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400)


def outcome_of(code: str) -> str:
    return _BY_STATUS.get(code.split("/", 1)[0], "failed")


def state_counts(account: AccountState) -> dict[str, int]:
    counts = Counter(record.state for record in account.records())
    return {state: counts.get(state, 0) for state in STATES}


def outcome_series(account: AccountState, max_buckets: int = 48) -> dict[str, Any]:
    """Every finished attempt (retries included), by outcome, in buckets of local time."""
    attempts = [
        (attempt.started, outcome_of(attempt.code))
        for record in account.cdr
        for attempt in record.history or ()
    ]
    totals = dict.fromkeys(OUTCOMES, 0)
    if not attempts:
        return {"bucket": BUCKETS[0], "buckets": [], "totals": totals}
    first = min(t for t, _ in attempts)
    last = max(t for t, _ in attempts)
    # Offsets from UTC are whole minutes (hours in Moscow): shifting by it aligns buckets
    # on local hours and local midnight.
    shift = daytime.local(first, account.zone).utcoffset()
    offset = shift.total_seconds() if shift is not None else 0.0
    width = _width(first, last, offset, max_buckets)
    start = _floor(first, offset, width)
    count = int((_floor(last, offset, width) - start) // width) + 1
    buckets = [{"start": start + i * width, **dict.fromkeys(OUTCOMES, 0)} for i in range(count)]
    for started, outcome in attempts:
        buckets[int((started - start) // width)][outcome] += 1
        totals[outcome] += 1
    return {"bucket": width, "buckets": buckets, "totals": totals}


def _floor(epoch: float, offset: float, width: int) -> float:
    return math.floor((epoch + offset) / width) * width - offset


def _width(first: float, last: float, offset: float, max_buckets: int) -> int:
    for width in BUCKETS:
        if (_floor(last, offset, width) - _floor(first, offset, width)) / width < max_buckets:
            return width
    return BUCKETS[-1]


def cdr_page(account: AccountState, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The account's cdr rows, newest first: the total, and ``limit`` rows from ``offset``."""
    page = account.cdr.newest(offset, limit)
    return len(account.cdr), [cdr_row(record, account.zone) for record in page]

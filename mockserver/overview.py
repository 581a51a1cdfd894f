"""What the dashboard shows at a glance: counts, outcomes over time, the cdr newest first.

Plain reads of the domain's state, no HTTP. Each is linear at worst in the
account's records, and the cdr page is a slice of its sorted index, so a page
stays quick with a hundred thousand records.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from . import daytime
from .accounts import AccountState
from .models import STATES
from .views import cdr_row
from .webhooks.models import DISABLED, SUCCEEDED, Delivery

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


def webhook_counts(deliveries: Iterable[Delivery], iso: Callable[[float], str]) -> dict[str, Any]:
    """Deliveries as a QA engineer counts them, and the last error without a click.

    ``failed``: at least one attempt failed and none has succeeded since, whether retries
    are still due or the schedule is used up (a receiver that is down fails them all at
    once, not only after the last retry). ``waiting``: no attempt has failed yet and one is
    due. ``ok``: an attempt got a 2xx. ``disabled``: the subscription was disabled.
    """
    counts = dict.fromkeys(("ok", "failed", "waiting", "disabled"), 0)
    last: tuple[float, Delivery, Any] | None = None
    for delivery in deliveries:
        if delivery.state == SUCCEEDED:
            counts["ok"] += 1
        elif delivery.state == DISABLED:
            counts["disabled"] += 1
        elif delivery.attempts and delivery.attempts[-1].outcome != "success":
            counts["failed"] += 1
        else:
            counts["waiting"] += 1
        for attempt in reversed(delivery.attempts):
            if attempt.outcome != "success":
                if last is None or (attempt.at, delivery.id) > (last[0], last[1].id):
                    last = (attempt.at, delivery, attempt)
                break
    error = None
    if last is not None:
        at, delivery, attempt = last
        status = f"HTTP {attempt.status}" if attempt.status else attempt.outcome
        error = {
            "delivery": delivery.id,
            "subscription": delivery.subscription,
            "at": iso(at),
            "attempt": attempt.n,
            "url": attempt.url,
            "status": attempt.status,
            "outcome": attempt.outcome,
            "error": attempt.error or status,
        }
    return {**counts, "last_error": error}


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

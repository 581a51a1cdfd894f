"""The cdr query: an inclusive range of local dates, maybe one number, ordered by TIME then id."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from . import daytime, phones
from .accounts import AccountState
from .errors import DateRangeReversed, InvalidDate, InvalidField
from .journal import Entry
from .make import lint
from .validation import validator
from .views import cdr_row


def check(fields: dict[str, Any], entry: Entry) -> None:
    """A cdr request's fields: unknown ones journalled, the rest held to ``cdr.request``."""
    lint.unknown_fields(entry, fields, lint.CDR_FIELDS, "")
    errors = validator("cdr.request").errors(fields)
    if errors:
        dates = any(e.field in ("date_from", "date_to") for e in errors)
        raise (InvalidDate if dates else InvalidField)("; ".join(map(str, errors)))


def _date(fields: dict[str, Any], name: str, today: date) -> date:
    value = fields.get(name)
    if value in (None, ""):
        return today
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidDate(f"{name}: {value!r} is not a date YYYY-MM-DD") from None


def query(account: AccountState, fields: dict[str, Any], now: float) -> list[dict[str, Any]]:
    zone = account.zone
    today = daytime.local(now, zone).date()
    first, last = _date(fields, "date_from", today), _date(fields, "date_to", today)
    if first > last:
        raise DateRangeReversed(f"date_from: {first} is after date_to {last}")
    low = daytime.day_start(first, zone)
    # The day after date.max (9999-12-31) is no date: the range then has no upper end.
    high = daytime.day_start(last + timedelta(days=1), zone) if last < date.max else math.inf
    to = fields.get("to")
    if to not in (None, ""):
        matches = [
            r
            for r in account.of_number(phones.normalise(str(to)))
            if r.last_time is not None and low <= r.last_time < high
        ]
        matches.sort(key=lambda r: (r.last_time, r.job.id, r.seq))
        return [cdr_row(r, zone) for r in matches]
    return [cdr_row(record, zone) for record in account.cdr.between(low, high)]

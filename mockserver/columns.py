"""A clean make batch's records, built column by column.

Nearly every 1000-row batch arrives valid (the whole request passed the compiled
schema), clean (objects of documented fields holding strings: nothing to lint), with
no number given twice and none the account already holds. Such a batch needs no
decision per row: each field is read for every row at once by ``map`` (a loop in C),
each distinct time, scenario and maxcount is converted once, and the records come from
one ``map`` over the columns. The row-by-row road (:func:`.rows.make_rows`) costs about
four times as much, and is kept for every other batch: it explains each row it refuses
or skips. The two build the same records (``tests/test_columns.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import repeat
from operator import itemgetter
from sys import intern
from typing import Any

from .models import Job, Record
from .phones import normalise
from .rows import DEFAULT_START, DEFAULT_STOP, Scenarios, hms


def records(
    data: list[dict[str, str]], scenarios: Scenarios, job: Job, first_seq: int,
    taken: Mapping[str, Any],
) -> list[Record] | None:  # fmt: skip
    """The records of a batch whose every row passed ``make.row`` and holds only documented
    fields of strings, numbered from ``first_seq``; None when the batch needs the row-by-row
    road: a window that closes before it opens, an unknown scenario, or a number given
    twice in the batch or already held by the account (``taken``: its number index).
    """
    count = len(data)

    def column(name: str) -> list[str]:
        return list(map(dict.get, data, repeat(name, count), repeat("", count)))  # type: ignore[arg-type]

    starts = _inherited(column("statdialertime"), DEFAULT_START)
    stops = _inherited(column("stopdialertime"), DEFAULT_STOP)
    if any(start >= stop for start, stop in set(zip(starts, stops, strict=True))):
        return None
    scenarios_given = column("generationtype")
    scenario = {value: intern(value or scenarios.default) for value in set(scenarios_given)}
    if not all(name in scenarios.ids for name in scenario.values()):
        return None
    phones = column("phone")
    numbers = _normalised(phones)
    if len(set(numbers)) != count or not taken.keys().isdisjoint(numbers):
        return None
    maxcounts_given = column("maxcount")
    maxcount = {value: int(value or 1) for value in set(maxcounts_given)}
    # Names, CRM ids and variables repeat across a campaign's rows: interned, as rows.spec does.
    return list(map(
        Record, range(first_seq, first_seq + count), repeat(job, count), column("id"),
        map(intern, column("name")), phones, numbers, map(intern, column("UUID")),
        map(intern, column("var1")), map(intern, column("var2")), map(intern, column("var3")),
        map(scenario.__getitem__, scenarios_given), starts, stops,
        map(maxcount.__getitem__, maxcounts_given),
    ))  # fmt: skip


def _inherited(given: list[str], default: int) -> list[int]:
    """Each row's time in seconds: its own, else the last given by an earlier row (the
    vendor's ``**`` footnote), else ``default``."""
    if "" not in given:  # every row gives its time: one conversion per distinct time
        seconds = {value: hms(value) for value in set(given)}
        return list(map(seconds.__getitem__, given))
    found: list[int] = []
    last = default
    for value in given:
        if value:
            last = hms(value)
        found.append(last)
    return found


def _normalised(phones: list[str]) -> list[str]:
    """:func:`.phones.normalise` of each number, in C when each is eleven plain digits."""
    joined = "".join(phones)
    if joined.isascii() and joined.isdigit() and set(map(len, phones)) == {11}:
        firsts = set(map(_FIRST, phones))
        if firsts == {"7"}:  # already the normal form: the record shares the one string
            return phones
        if firsts <= {"7", "8"}:
            return list(map("7".__add__, map(_REST, phones)))
    return list(map(normalise, phones))


_FIRST = itemgetter(0)
_REST = itemgetter(slice(1, None))

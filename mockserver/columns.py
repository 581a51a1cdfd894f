"""A clean make batch's records, built column by column.

Nearly every 1000-row batch arrives valid (the whole request passed the compiled
schema), clean (documented fields holding strings: nothing to lint), with no number
given twice and none the account already holds. Such a batch needs no decision per
row: each field is read for every row at once by ``map`` (a loop in C), and most fields
hold one value in every row (the same times, scenario, maxcount, variables), which is
then converted, checked and interned once. The records come from one ``map`` over the
columns. The row-by-row road (:func:`.rows.make_rows`) costs several times as much, and
is kept for every other batch: it explains each row it refuses, skips or lints. The two
build the same records (``tests/test_columns.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from sys import intern
from typing import Any, TypeVar

from .lint import MAKE_ROW_FIELDS
from .models import Job, Record
from .phones import normalise
from .rows import DEFAULT_START, DEFAULT_STOP, Scenarios, hms

T = TypeVar("T")
_STRINGS = frozenset({str})


@dataclass(slots=True)
class Column:
    """One field of every row: "" where a row leaves it out."""

    values: list[str]
    same: bool  # one value in every row: the list holds that one object throughout

    def distinct(self) -> set[str]:
        return {self.values[0]} if self.same else set(self.values)

    def each(self, table: Mapping[str, T]) -> list[T]:
        """Each row's value looked up in ``table`` (which holds every distinct value)."""
        if self.same:
            return [table[self.values[0]]] * len(self.values)
        return list(map(table.__getitem__, self.values))

    def interned(self) -> list[str]:
        if self.same:
            return [intern(self.values[0])] * len(self.values)
        return list(map(intern, self.values))


def records(
    data: list[dict[str, Any]], scenarios: Scenarios, job: Job, first_seq: int,
    taken: Mapping[str, Any],
) -> list[Record] | None:  # fmt: skip
    """The records of a batch whose every row passed ``make.row``, numbered from
    ``first_seq``; None when the batch needs the row-by-row road: a field the contract does
    not name, a value that is not a string (something to lint), a window that closes
    before it opens, an unknown scenario, or a number given twice in the batch or already
    held by the account (``taken``: its number index).
    """
    count = len(data)
    if not count:
        return None
    given = [list(map(dict.get, data, repeat(name, count))) for name in MAKE_ROW_FIELDS]
    # Every key of every row is a documented field with a value (not null) exactly when the
    # rows' keys add up to the values the columns found: counted in C, no row looked at.
    found = len(MAKE_ROW_FIELDS) * count - sum(values.count(None) for values in given)
    if sum(map(len, data)) != found:
        return None
    columns: dict[str, Column] = {}
    for name, values in zip(MAKE_ROW_FIELDS, given, strict=True):
        column = _column(values)
        if column is None:
            return None
        columns[name] = column

    starts = _inherited(columns["statdialertime"], DEFAULT_START)
    stops = _inherited(columns["stopdialertime"], DEFAULT_STOP)
    if any(start >= stop for start, stop in _pairs(starts, stops)):
        return None
    generation = columns["generationtype"]
    scenario = {value: intern(value or scenarios.default) for value in generation.distinct()}
    if not all(name in scenarios.ids for name in scenario.values()):
        return None
    phones = columns["phone"].values
    numbers = _normalised(phones)
    if len(set(numbers)) != count or not taken.keys().isdisjoint(numbers):
        return None
    maxcount = columns["maxcount"]
    attempts = {value: int(value or 1) for value in maxcount.distinct()}
    # Names, CRM ids and variables repeat across a campaign's rows: interned, as rows.spec does.
    return list(map(
        Record, range(first_seq, first_seq + count), repeat(job, count), columns["id"].values,
        columns["name"].interned(), phones, numbers, columns["UUID"].interned(),
        columns["var1"].interned(), columns["var2"].interned(), columns["var3"].interned(),
        generation.each(scenario), starts, stops, maxcount.each(attempts),
    ))  # fmt: skip


def _column(values: list[Any]) -> Column | None:
    """A field's values ("" where a row leaves it out), or None when one is not a string."""
    first = values[0]
    if values.count(first) == len(values):  # one value in every row (None: given by none)
        value = "" if first is None else first
        return Column([value] * len(values), True) if type(value) is str else None
    if None in values:  # rows that leave the field out (a null was ruled out by the count)
        values = ["" if value is None else value for value in values]
    return Column(values, False) if _STRINGS.issuperset(map(type, values)) else None


def _inherited(times: Column, default: int) -> list[int]:
    """Each row's time in seconds: its own, else the last given by an earlier row (the
    vendor's ``**`` footnote), else ``default``."""
    if times.same:
        value = times.values[0]
        return [hms(value) if value else default] * len(times.values)
    found: list[int] = []
    last = default
    for value in times.values:
        if value:
            last = hms(value)
        found.append(last)
    return found


def _pairs(starts: list[int], stops: list[int]) -> set[tuple[int, int]]:
    """The distinct (start, stop) windows; the usual batch has one, found without a set."""
    if starts.count(starts[0]) == len(starts) and stops.count(stops[0]) == len(stops):
        return {(starts[0], stops[0])}
    return set(zip(starts, stops, strict=True))


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

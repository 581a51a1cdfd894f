"""A clean make batch's records, built column by column.

Nearly every 1000-row batch arrives valid, clean (documented fields holding strings:
nothing to lint), with no number given twice and none the account already holds. Such a
batch needs no decision per row: each field is read for every row at once by ``map`` (a
loop in C) and checked against ``make.row``'s rule for it, and most fields hold one value
in every row (the same times, scenario, maxcount, variables), which is then converted,
checked once. The records come from one ``map`` over the
columns. The row-by-row road (:func:`.rows.make_rows`) costs several times as much, and
is kept for every other batch: it explains each row it refuses, skips or lints. The two
call the same rule functions (rules.py: inheritance, the window, the scenario, maxcount)
and build the same records (``tests/test_columns.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

from ..models import Job, Record
from ..phones import normalise
from ..rowtexts import pack_columns
from ..validation import field_checks
from .rules import Scenarios, attempts, inherit, scenario_error, scenario_of

T = TypeVar("T")
_STRINGS = frozenset({str})
_OBJECTS = frozenset({dict})
_DISTINCT = ("id", "phone")


@dataclass(slots=True)
class Column:
    """One field of every row: "" where a row leaves it out."""

    values: list[str]
    same: bool  # one value in every row: the list holds that one object throughout
    given: list[str]  # what the rows gave, to check against the schema (once, when same)
    missing: int  # rows that leave the field out

    def distinct(self) -> set[str]:
        return {self.values[0]} if self.same else set(self.values)

    def each(self, table: Mapping[str, T]) -> list[T]:
        """Each row's value looked up in ``table`` (which holds every distinct value)."""
        if self.same:
            return [table[self.values[0]]] * len(self.values)
        return list(map(table.__getitem__, self.values))


def records(
    data: list[dict[str, Any]], scenarios: Scenarios, job: Job, first_seq: int,
    taken: Mapping[str, Any],
) -> list[Record] | None:  # fmt: skip
    """The records of a batch, numbered from ``first_seq``; None when the batch needs the
    row-by-row road: a row that breaks ``make.row``, a field the contract does not name, a
    value that is not a string (something to lint), a window that closes before it opens,
    an unknown scenario, or a number given twice in the batch or already held by the
    account (``taken``: its number index).
    """
    count = len(data)
    rules = field_checks("make.row")
    if not count or rules is None or not _OBJECTS.issuperset(map(type, data)):
        return None
    columns: dict[str, Column] = {}
    for name in rules.checks:
        column = _column(list(map(dict.get, data, repeat(name, count))), name)
        if column is None or (column.missing and name in rules.required):
            return None
        columns[name] = column
    # Every key of every row is a documented field with a value (not null) exactly when the
    # rows' keys add up to the values the columns found: counted in C, no row looked at.
    found = len(columns) * count - sum(column.missing for column in columns.values())
    if sum(map(len, data)) != found:
        return None  # a field the contract does not name, or a null: the row road says so
    for name, column in columns.items():
        # Each field checked against make.row's rule for it: the distinct values of a column
        # at once, which is the same as checking each row (see validation.field_checks).
        if not rules.checks[name](column.given):
            return None

    times = columns["statdialertime"].values, columns["stopdialertime"].values
    starts, stops, refused = inherit(*times)
    if refused:
        return None
    generation = columns["generationtype"]
    scenario = {value: scenario_of(value, scenarios) for value in generation.distinct()}
    if any(scenario_error(name, scenarios, "") for name in scenario.values()):
        return None
    phones = columns["phone"].values
    numbers = _normalised(phones)
    if len(set(numbers)) != count or not taken.keys().isdisjoint(numbers):
        return None
    maxcount = columns["maxcount"]
    counts = {value: attempts(value) for value in maxcount.distinct()}
    # The client's texts, packed into one value per record, as rules.record does.
    texts = pack_columns(
        phones, *(columns[name].values for name in ("id", "name", "UUID", "var1", "var2", "var3"))
    )
    return list(map(
        Record, range(first_seq, first_seq + count), repeat(job, count), texts, numbers,
        generation.each(scenario), starts, stops, maxcount.each(counts),
    ))  # fmt: skip


def _column(values: list[Any], name: str) -> Column | None:
    """A field's column, "" where a row leaves the field out (``dict.get`` read it as None);
    None when a value is not a string (a number or a null: something to lint)."""
    first, count = values[0], len(values)
    # One value in every row? Compared, not hashed (ids and numbers differ row to row).
    if name not in _DISTINCT and values.count(first) == count:
        if first is None:  # no row gives the field
            return Column([""] * count, True, [], count)
        return Column([first] * count, True, [first], 0) if type(first) is str else None
    missing = 0 if name in _DISTINCT else values.count(None)  # required: None fails below
    given = values
    if missing:  # a null among them is found by the keys' count (see records)
        given = [value for value in values if value is not None]
        values = ["" if value is None else value for value in values]
    if not _STRINGS.issuperset(map(type, given)):
        return None
    return Column(values, False, given, missing)


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

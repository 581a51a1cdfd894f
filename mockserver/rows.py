"""From checked request fields to the record a job will hold.

Shared by ``make`` (one per row, with time-field inheritance) and ``newcall``.
A 1000-row batch passes through here, so the common case (a valid row of
strings) takes the short road: one compiled schema check, no conversions.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass
from sys import intern
from typing import Any

from . import daytime, phones
from .models import Job, Record
from .validation import FieldError, validator

DEFAULT_START = daytime.parse_hms("10:00:00")
DEFAULT_STOP = daytime.parse_hms("19:00:00")
_HMS: dict[str, int] = {}
_STRINGS = frozenset({str})


def text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def given(value: Any) -> bool:
    """Empty strings and nulls count as 'not given' (PHP clients send both)."""
    return value is not None and value != ""


def hms(value: str) -> int:
    """Seconds after midnight of a schema-checked time; a batch repeats a handful of them."""
    seconds = _HMS.get(value)
    if seconds is None:
        seconds = _HMS.setdefault(value, daytime.parse_hms(value))
    return seconds


@dataclass(frozen=True, slots=True)
class Scenarios:
    """The scenario ids of an account and the default one (its first)."""

    ids: Container[str]
    default: str


def spec(
    fields: dict[str, Any], scenarios: Scenarios, job: Job, start: int | None, stop: int | None,
    names: tuple[str, str], row: int | None = None, strings: bool = False,
) -> tuple[Record | None, list[FieldError]]:  # fmt: skip
    """The record (its ``seq`` still 0) for schema-checked ``fields``, or the cross-field
    rules they break (named as fields of make's ``row``, when one is given).

    ``strings``: every value is known to be a string already.
    """
    if not strings and not _STRINGS.issuperset(map(type, fields.values())):
        fields = {key: text(value) for key, value in fields.items()}
    get = fields.get
    scenario = get("generationtype") or scenarios.default
    if scenario not in scenarios.ids or (start is not None and stop is not None and start >= stop):
        prefix = "" if row is None else f"query.data[{row}]."
        return None, _cross_field_errors(scenario, scenarios, start, stop, names, prefix)
    phone = fields["phone"]
    # Names, CRM ids and variables repeat across a campaign's rows: interned, a million
    # pending records share one copy of each distinct text.
    return Record(
        0, job, get("id", ""), intern(get("name", "")), phone, phones.normalise(phone),
        intern(get("UUID", "")), intern(get("var1", "")), intern(get("var2", "")),
        intern(get("var3", "")), intern(scenario), start, stop, int(get("maxcount") or 1),
    ), []  # fmt: skip


def _cross_field_errors(
    scenario: str, scenarios: Scenarios, start: int | None, stop: int | None,
    names: tuple[str, str], prefix: str,
) -> list[FieldError]:  # fmt: skip
    errors: list[FieldError] = []
    if scenario not in scenarios.ids:
        known = ", ".join(sorted(scenarios.ids))  # type: ignore[call-overload]
        errors.append(FieldError(
            f"{prefix}generationtype", f"must be a scenario of this account ({known})", scenario,
        ))  # fmt: skip
    if start is not None and stop is not None and start >= stop:
        errors.append(FieldError(
            f"{prefix}{names[0]}", f"must be before {names[1]} {daytime.format_hms(stop)}",
            daytime.format_hms(start),
        ))  # fmt: skip
    return errors


def make_rows(
    data: list[Any], scenarios: Scenarios, job: Job, strings: bool = False
) -> Iterator[tuple[int, Record | None, list[FieldError]]]:
    """Each row checked on its own, times inherited from the previous row that gave them.

    Inheritance (the vendor's ``**`` footnote): a row that gives no
    ``statdialertime``/``stopdialertime`` takes the last valid value given by an
    earlier row of the batch; the first row defaults to 10:00:00/19:00:00.
    ``strings``: every value of every row is a string.
    """
    row_check = validator("make.row")
    valid = row_check.is_valid
    names = ("statdialertime", "stopdialertime")
    start, stop = DEFAULT_START, DEFAULT_STOP
    for index, row in enumerate(data):
        if valid(row):
            errors: list[FieldError] = []
            bad: Container[str] = ()
        else:
            errors = row_check.errors(row, f"query.data[{index}]")
            bad = {e.field.rsplit(".", 1)[-1] for e in errors}
            if not isinstance(row, dict):
                yield index, None, errors
                continue
        value = row.get("statdialertime")
        if value and "statdialertime" not in bad:
            start = hms(value)
        value = row.get("stopdialertime")
        if value and "stopdialertime" not in bad:
            stop = hms(value)
        if errors:
            yield index, None, errors
        else:
            record, errors = spec(row, scenarios, job, start, stop, names, index, strings)
            yield index, record, errors


def newcall_row(
    fields: dict[str, Any], scenarios: Scenarios, job: Job, strings: bool = False
) -> tuple[Record | None, list[FieldError]]:
    """One newcall record. No times: dialled at once, any time; one time: the other defaults.

    ``strings``: every value is known to be a string already.
    """
    check = validator("newcall.request")
    if not check.is_valid(fields):
        return None, check.errors(fields)
    # Checked: each time is a time of day, "" or null, and the last two mean "not given".
    given_start, given_stop = fields.get("timestart"), fields.get("timestop")
    start: int | None = None
    stop: int | None = None
    if given_start or given_stop:
        start = hms(given_start) if given_start else DEFAULT_START
        stop = hms(given_stop) if given_stop else DEFAULT_STOP
    return spec(fields, scenarios, job, start, stop, _NEWCALL_TIMES, strings=strings)


_NEWCALL_TIMES = ("timestart", "timestop")

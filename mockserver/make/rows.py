"""The row road: each row checked on its own and explained in the journal; and newcall's record.

Every make batch the column road (columns.py) does not take comes here: a row refused,
skipped as a duplicate or carrying a slip is named in the journal. The rules are
rules.py's, so both roads agree (``tests/test_columns.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..journal import Entry
from ..models import Job, Record
from ..validation import FieldError, validator
from . import lint, report
from .rules import (
    Scenarios,
    inherit,
    record,
    scenario_error,
    scenario_of,
    text,
    texts,
    window_error,
)

if TYPE_CHECKING:
    from ..accounts import AccountState

_MAKE_TIMES = ("statdialertime", "stopdialertime")
_NEWCALL_TIMES = ("timestart", "timestop")


def make_rows(
    data: list[Any], scenarios: Scenarios, job: Job, strings: bool = False
) -> Iterator[tuple[int, Record | None, list[FieldError]]]:
    """Each row checked on its own: its record, or the rules it breaks.

    Its window is :func:`.rules.inherit`'s (the vendor's ``**`` footnote). ``strings``:
    every value of every row is a string.
    """
    row_check = validator("make.row")
    valid = row_check.is_valid
    checked: list[list[FieldError]] = []
    starts: list[str] = []
    stops: list[str] = []
    for index, row in enumerate(data):
        errors = [] if valid(row) else row_check.errors(row, f"query.data[{index}]")
        checked.append(errors)
        given_start = given_stop = ""
        if isinstance(row, dict):
            # A time its own field's schema refuses is not given: the row inherits instead.
            bad = {e.field.rsplit(".", 1)[-1] for e in errors}
            if "statdialertime" not in bad:
                given_start = text(row.get("statdialertime"))
            if "stopdialertime" not in bad:
                given_stop = text(row.get("stopdialertime"))
        starts.append(given_start)
        stops.append(given_stop)
    window_starts, window_stops, refused_windows = inherit(starts, stops)
    refused = set(refused_windows)
    for index, (row, errors) in enumerate(zip(data, checked, strict=True)):
        if not errors and isinstance(row, dict):
            fields = texts(row, strings)
            prefix = f"query.data[{index}]."
            start, stop = window_starts[index], window_stops[index]
            scenario = scenario_of(fields.get("generationtype", ""), scenarios)
            wrong = scenario_error(scenario, scenarios, prefix)
            errors = [wrong] if wrong is not None else []
            if index in refused:
                errors.append(window_error(start, stop, _MAKE_TIMES, prefix))
            if not errors:
                yield index, record(fields, scenario, job, start, stop), []
                continue
        yield index, None, errors


def take_rows(
    account: AccountState, job: Job, data: list[Any], entry: Entry,
    insert: Callable[[Record], None],
) -> None:  # fmt: skip
    """Row by row: each row refused or skipped is explained in the journal; the rest are
    passed to ``insert``; the job gets its counts and errorcode (0, 2 or 3)."""
    clean = lint.clean_rows(data)  # nothing to say of any row: no row is looked at for it
    batch: set[tuple[str, str]] = set()
    invalid = duplicates = False
    for index, made, errors in make_rows(data, account.scenarios, job, strings=clean):
        if not clean and isinstance(data[index], dict):
            lint.row_slips(entry, data[index], index)
        if made is None:
            invalid = True
            for error in errors:
                entry.warn("row_rejected", error.field, f"row {index + 1} rejected: {error}")
            continue
        job.ok += 1
        key = (made.number, made.scenario)
        if key in batch or account.pending(made.number, made.scenario):
            duplicates = True
            where = f"query.data[{index}].phone"
            entry.warn("duplicate_skipped", where, duplicate(index, made, key in batch))
            continue
        batch.add(key)
        insert(made)
    job.errorcode = report.of_rows(invalid, duplicates)


def duplicate(index: int, spec: Record, in_batch: bool) -> str:
    """The journal's words for a row (or a newcall) that repeats a number still pending."""
    where = "an earlier row of this batch" if in_batch else "a pending call of this account"
    return (
        f"row {index + 1}: {spec.phone} (scenario {spec.scenario}) duplicates {where}; "
        "counted in ok, not inserted"
    )


def newcall_row(
    fields: dict[str, Any], scenarios: Scenarios, job: Job, strings: bool = False
) -> tuple[Record | None, list[FieldError]]:
    """One newcall record. No times: dialled at once, any time; one time: the other defaults.

    ``strings``: every value is known to be a string already.
    """
    check = validator("newcall.request")
    if not check.is_valid(fields):
        return None, check.errors(fields)
    if not strings:
        fields = texts(fields)
    scenario = scenario_of(fields.get("generationtype", ""), scenarios)
    wrong = scenario_error(scenario, scenarios, "")
    errors = [wrong] if wrong is not None else []
    # Checked: each time is a time of day, "" or null, and the last two mean "not given".
    given_start, given_stop = fields.get("timestart") or "", fields.get("timestop") or ""
    start: int | None = None
    stop: int | None = None
    if given_start or given_stop:  # one window, the defaults where a time is not given
        (start,), (stop,), refused = inherit((given_start,), (given_stop,))
        if refused:
            errors.append(window_error(start, stop, _NEWCALL_TIMES, ""))
    if errors:
        return None, errors
    return record(fields, scenario, job, start, stop), []

"""From checked request fields to the record a job will hold.

Shared by ``make`` (one per row, with time-field inheritance) and ``newcall``.
"""

from __future__ import annotations

from dataclasses import dataclass
from sys import intern
from typing import Any

from . import daytime, phones
from .config import Account
from .validation import FieldError, validator

DEFAULT_START = daytime.parse_hms("10:00:00")
DEFAULT_STOP = daytime.parse_hms("19:00:00")


@dataclass(slots=True)
class RowSpec:
    row_id: str
    name: str
    phone: str
    number: str
    uuid: str
    var1: str
    var2: str
    var3: str
    scenario: str
    start: int | None
    stop: int | None
    maxcount: int


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def given(value: Any) -> bool:
    """Empty strings and nulls count as 'not given' (PHP clients send both)."""
    return value is not None and value != ""


def spec(
    fields: dict[str, Any],
    account: Account,
    start: int | None,
    stop: int | None,
    start_name: str,
    stop_name: str,
    prefix: str,
) -> tuple[RowSpec | None, list[FieldError]]:
    """The record for schema-checked ``fields``, or the cross-field rules they break."""
    errors: list[FieldError] = []
    scenario = text(fields.get("generationtype")) or account.scenarios[0].id
    if account.scenario(scenario) is None:
        known = ", ".join(s.id for s in account.scenarios)
        errors.append(
            FieldError(
                f"{prefix}generationtype",
                f"must be a scenario of this account ({known})",
                scenario,
            )
        )
    if start is not None and stop is not None and start >= stop:
        errors.append(
            FieldError(
                f"{prefix}{start_name}",
                f"must be before {stop_name} {daytime.format_hms(stop)}",
                daytime.format_hms(start),
            )
        )
    if errors:
        return None, errors
    maxcount = fields.get("maxcount")
    # Names, CRM ids and variables repeat across a campaign's rows: interned, a million
    # pending records share one copy of each distinct text.
    return RowSpec(
        row_id=text(fields.get("id")),
        name=intern(text(fields.get("name"))),
        phone=text(fields["phone"]),
        number=phones.normalise(text(fields["phone"])),
        uuid=intern(text(fields.get("UUID"))),
        var1=intern(text(fields.get("var1"))),
        var2=intern(text(fields.get("var2"))),
        var3=intern(text(fields.get("var3"))),
        scenario=intern(scenario),
        start=start,
        stop=stop,
        maxcount=int(text(maxcount)) if given(maxcount) else 1,
    ), []


def make_rows(
    data: list[Any],
    account: Account,
) -> list[tuple[int, RowSpec | None, list[FieldError]]]:
    """Each row checked on its own, times inherited from the previous row that gave them.

    Inheritance (the vendor's ``**`` footnote): a row that gives no
    ``statdialertime``/``stopdialertime`` takes the last valid value given by an
    earlier row of the batch; the first row defaults to 10:00:00/19:00:00.
    """
    row_check = validator("make.row")
    start, stop = DEFAULT_START, DEFAULT_STOP
    out: list[tuple[int, RowSpec | None, list[FieldError]]] = []
    for index, row in enumerate(data):
        prefix = f"query.data[{index}]"
        errors = row_check.errors(row, prefix)
        if isinstance(row, dict):
            bad = {e.field for e in errors}
            if given(row.get("statdialertime")) and f"{prefix}.statdialertime" not in bad:
                start = daytime.parse_hms(text(row["statdialertime"]))
            if given(row.get("stopdialertime")) and f"{prefix}.stopdialertime" not in bad:
                stop = daytime.parse_hms(text(row["stopdialertime"]))
        if errors:
            out.append((index, None, errors))
            continue
        built, errors = spec(
            row, account, start, stop, "statdialertime", "stopdialertime", prefix + "."
        )
        out.append((index, built, errors))
    return out


def newcall_row(
    fields: dict[str, Any], account: Account
) -> tuple[RowSpec | None, list[FieldError]]:
    """One newcall record. No times: dialled at once, any time; one time: the other defaults."""
    errors = validator("newcall.request").errors(fields)
    if errors:
        return None, errors
    has_start, has_stop = given(fields.get("timestart")), given(fields.get("timestop"))
    start: int | None = None
    stop: int | None = None
    if has_start or has_stop:
        start = daytime.parse_hms(text(fields["timestart"])) if has_start else DEFAULT_START
        stop = daytime.parse_hms(text(fields["timestop"])) if has_stop else DEFAULT_STOP
    return spec(fields, account, start, stop, "timestart", "timestop", "")

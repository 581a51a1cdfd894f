"""The rules of a row, each in one place: both roads (rows.py, columns.py) and newcall call them.

- what counts as given (:func:`given`) and how a value is read as text (:func:`text`);
- a time of day in seconds (:func:`hms`) and the defaults 10:00:00/19:00:00;
- **inheritance** of ``statdialertime``/``stopdialertime`` and the window rule (start
  before stop): :func:`inherit`, the one place either is decided;
- the scenario rule and the record a checked row becomes: :func:`record`.

The shape of each field (a time of day, 1..10 attempts, a text of at most 1000 characters)
is ``schemas/make.row.json``'s, checked before these rules run.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from sys import intern
from typing import Any

from .. import daytime, phones, rowtexts
from ..models import Job, Record
from ..validation import FieldError

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

    ids: Collection[str]
    default: str


#: Each row's window start and stop in seconds after midnight, and the indexes of the rows
#: whose window is refused (it does not open before it closes). A plain tuple: newcall
#: builds one a request.
Windows = tuple[list[int], list[int], list[int]]


def inherit(starts: Sequence[str], stops: Sequence[str]) -> Windows:
    """Each row's window: the times it gives, else the last valid ones of an earlier row.

    ``starts``/``stops`` hold each row's schema-checked time, "" where the row gives none
    (or gives one its field's schema refuses). The vendor's ``**`` footnote: a row that
    gives no time takes the previous row's; the first row defaults to 10:00:00/19:00:00. A
    window must open before it closes: a row whose window does not is refused, and its
    times are not passed on (the next row inherits the last window that was valid).

    The usual batch gives one window in every row (or none): it is read once.
    """
    count = len(starts)
    if not count:
        return [], [], []
    first_start, first_stop = starts[0], stops[0]
    if count == 1 or (starts.count(first_start) == count and stops.count(first_stop) == count):
        start = hms(first_start) if first_start else DEFAULT_START
        stop = hms(first_stop) if first_stop else DEFAULT_STOP
        # Every row gives the same: valid in each, or refused in each (none is passed on).
        return [start] * count, [stop] * count, [] if start < stop else list(range(count))
    seconds = {value: hms(value) for value in {*starts, *stops} if value}
    found_starts: list[int] = []
    found_stops: list[int] = []
    refused: list[int] = []
    last_start, last_stop = DEFAULT_START, DEFAULT_STOP
    for index, (start_text, stop_text) in enumerate(zip(starts, stops, strict=True)):
        start = seconds[start_text] if start_text else last_start
        stop = seconds[stop_text] if stop_text else last_stop
        if start < stop:
            last_start, last_stop = start, stop
        else:
            refused.append(index)
        found_starts.append(start)
        found_stops.append(stop)
    return found_starts, found_stops, refused


def window_error(start: int, stop: int, names: tuple[str, str], prefix: str) -> FieldError:
    """Why a window :func:`inherit` refused is refused, named as its start field."""
    return FieldError(
        f"{prefix}{names[0]}", f"must be before {names[1]} {daytime.format_hms(stop)}",
        daytime.format_hms(start),
    )  # fmt: skip


def scenario_of(generationtype: str, scenarios: Scenarios) -> str:
    """The row's scenario: the one it names, else the account's first."""
    return intern(generationtype or scenarios.default)


def scenario_error(scenario: str, scenarios: Scenarios, prefix: str) -> FieldError | None:
    """None when ``scenario`` is one of the account's; else why the row is refused."""
    if scenario in scenarios.ids:
        return None
    known = ", ".join(sorted(scenarios.ids))
    return FieldError(
        f"{prefix}generationtype", f"must be a scenario of this account ({known})", scenario
    )


def attempts(value: str) -> int:
    """``maxcount``: how many attempts, 1 when not given."""
    return int(value or 1)


def texts(fields: dict[str, Any], strings: bool = False) -> dict[str, str]:
    """``fields`` with every value as text (``strings``: they are known to be already)."""
    if strings or _STRINGS.issuperset(map(type, fields.values())):
        return fields
    return {key: text(value) for key, value in fields.items()}


def record(
    fields: dict[str, str], scenario: str, job: Job, start: int | None, stop: int | None
) -> Record:
    """The record (its ``seq`` still 0) for the :func:`texts` of schema-checked ``fields``
    that broke no rule."""
    get = fields.get
    phone = fields["phone"]
    # The client's texts, packed into one value (see rowtexts: a million pending records).
    texts = rowtexts.pack(phone, get("id", ""), get("name", ""), get("UUID", ""),
                          get("var1", ""), get("var2", ""), get("var3", ""))  # fmt: skip
    return Record(
        0, job, texts, phones.normalise(phone), scenario, start, stop,
        attempts(get("maxcount", "")),
    )  # fmt: skip

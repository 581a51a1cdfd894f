"""A small reference model of the contract (docs/contract.md §2), written apart from the emulator.

It predicts what a correct server answers to ``make`` (counts, errorcode,
inherited windows) and which numbers are one subscriber. Shapes come from
``schemas/``; the cross-field rules are re-stated here on purpose, so that a bug
in the emulator's own code is not copied into the oracle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.validation import validator

MAX_ROWS = 1000
#: The fixed table of forced outcomes, by the number's last four digits.
FORCED = {
    "0000": "ANSWER",
    "0001": "BUSY",
    "0002": "NOANSWER",
    "0003": "CONGESTION",
    "0004": "CHANUNAVAIL",
    "0005": "ANSWER",
    "0006": "ANSWER",
    "0007": "CANCEL",
}
DEFAULT_START, DEFAULT_STOP = 10 * 3600, 19 * 3600
TIME_FIELDS = ("statdialertime", "stopdialertime")
_SEPARATORS = str.maketrans("", "", " -()")


def normalise(phone: Any) -> str:
    """8XXXXXXXXXX, 7XXXXXXXXXX and +7XXXXXXXXXX are one subscriber; others are their digits."""
    text = str(phone).strip().translate(_SEPARATORS).removeprefix("+")
    if len(text) == 11 and text[0] in "78":
        return "7" + text[1:]
    return text


def given(value: Any) -> bool:
    return value is not None and value != ""


def seconds(text: Any) -> int:
    parts = [int(p) for p in str(text).split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def hms(value: int) -> str:
    return f"{value // 3600:02d}:{value % 3600 // 60:02d}:{value % 60:02d}"


@dataclass(frozen=True)
class RowVerdict:
    index: int
    valid: bool
    reason: str  # why it is invalid, '' when valid
    start: int  # the window it gets, after inheritance
    stop: int
    key: tuple[str, str] | None  # (normalised number, scenario) of a valid row


def judge_rows(
    rows: list[Any], scenarios: tuple[str, ...] = ("1",), inherit: bool = True
) -> list[RowVerdict]:
    """Each row on its own, with the ``**`` inheritance of statdialertime/stopdialertime.

    A row's window is the times it gives (a time its field's rule refuses is not given),
    else those of the last valid window of an earlier row (10:00:00-19:00:00 before any).
    A window that does not open before it closes refuses its row and is not passed on.
    ``inherit=False`` is the reckoning of a server that ignores the footnote (every row
    without times gets 10:00:00-19:00:00): what black-box checks tell apart from the
    contract's.
    """
    check = validator("make.row")
    start, stop = DEFAULT_START, DEFAULT_STOP
    start_from = stop_from = "the default"
    verdicts = []
    for index, row in enumerate(rows):
        errors = check.errors(row, f"query.data[{index}]")
        bad = {e.field.rsplit(".", 1)[-1] for e in errors}
        fields = row if isinstance(row, dict) else {}
        gives_start = given(fields.get("statdialertime")) and "statdialertime" not in bad
        gives_stop = given(fields.get("stopdialertime")) and "stopdialertime" not in bad
        row_start = seconds(fields["statdialertime"]) if gives_start else start
        row_stop = seconds(fields["stopdialertime"]) if gives_stop else stop
        reason = str(errors[0]) if errors else ""
        scenario = ""
        if not errors:
            scenario = str(fields.get("generationtype") or "") or scenarios[0]
            if scenario not in scenarios:
                reason = f"query.data[{index}].generationtype: {scenario!r} is not a scenario"
            elif row_start >= row_stop:
                low = "" if gives_start else f" (from {start_from})"
                high = "" if gives_stop else f" (from {stop_from})"
                reason = (
                    f"query.data[{index}].statdialertime: {hms(row_start)}{low} is not before "
                    f"stopdialertime {hms(row_stop)}{high}"
                )
        if inherit and row_start < row_stop:  # a refused window is not passed on
            start, stop = row_start, row_stop
            start_from = f"row {index + 1}" if gives_start else start_from
            stop_from = f"row {index + 1}" if gives_stop else stop_from
        key = (normalise(fields["phone"]), scenario) if not reason else None
        verdicts.append(RowVerdict(index, not reason, reason, row_start, row_stop, key))
    return verdicts


@dataclass
class MakePrediction:
    status: int
    lines: int
    ok: int = 0
    inserted: int = 0
    errorcode: str = "0"
    #: rows that become records: (row index, key, start, stop)
    records: list[RowVerdict] = field(default_factory=list)
    #: rows that do not, by index: why (invalid, or a duplicate)
    skipped: dict[int, str] = field(default_factory=dict)

    def report(self) -> dict[str, str]:
        """The report without ``id`` (the server chooses it)."""
        return {
            "lines": str(self.lines),
            "ok": str(self.ok),
            "inserted": str(self.inserted),
            "errorcode": self.errorcode,
        }


def predict_make(
    rows: list[Any],
    pending: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    scenarios: tuple[str, ...] = ("1",),
    inherit: bool = True,
) -> MakePrediction:
    """The report a correct server gives to ``rows`` with the right token (``inherit``: see
    :func:`judge_rows`)."""
    if len(rows) > MAX_ROWS:
        return MakePrediction(413, len(rows), errorcode="4")
    if not rows:
        return MakePrediction(400, 0, errorcode="5")
    prediction = MakePrediction(200, len(rows))
    seen: set[tuple[str, str]] = set()
    invalid = duplicates = False
    for verdict in judge_rows(rows, scenarios, inherit):
        if not verdict.valid:
            invalid = True
            prediction.skipped[verdict.index] = f"invalid: {verdict.reason}"
            continue
        prediction.ok += 1
        assert verdict.key is not None
        if verdict.key in seen or verdict.key in pending:
            duplicates = True
            where = "an earlier row" if verdict.key in seen else "a pending call"
            prediction.skipped[verdict.index] = (
                f"a duplicate of {where}: counted in ok, not inserted"
            )
            continue
        seen.add(verdict.key)
        prediction.inserted += 1
        prediction.records.append(verdict)
    prediction.errorcode = "3" if invalid else "2" if duplicates else "0"
    return prediction

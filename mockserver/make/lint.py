"""Contract slips the real service would swallow silently, found in a request's fields.

Each becomes a warning in the journal, so a client's own tests can fail on them.
"""

from __future__ import annotations

import difflib
from functools import cache
from itertools import chain
from typing import Any

import schemas

from ..journal import Entry


def _fields(*path: str) -> tuple[str, ...]:
    """The field names a schema documents, in its order: ``path`` leads to its properties."""
    node = schemas.load(path[0])
    for step in path[1:]:
        node = node["properties"][step]
    return tuple(node["properties"])


MAKE_ROW_FIELDS = _fields("make.row")
NEWCALL_FIELDS = _fields("newcall.request")
CDR_FIELDS = _fields("cdr.request")
ENVELOPE_FIELDS = _fields("make.envelope")
QUERY_FIELDS = _fields("make.envelope", "query")

#: Names from the other method, or the spelling people expect, mapped to the documented one.
HINTS = {
    "startdialertime": "statdialertime",
    "startdialtime": "statdialertime",
    "timestart": "statdialertime",
    "timestop": "stopdialertime",
    "statdialertime": "timestart",
    "stopdialertime": "timestop",
    "uuid": "UUID",
    "date_start": "date_from",
    "date_end": "date_to",
    "phone": "to",
}

_EXACT_LIMIT = 2**53


@cache
def _known(fields: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fields)


_MAKE_ROW_KNOWN = _known(MAKE_ROW_FIELDS)
_NEWCALL_KNOWN = _known(NEWCALL_FIELDS)
_STRINGS = frozenset({str})


def clean_rows(rows: list[Any]) -> bool:
    """Whether every row of a batch is an object of known fields holding strings, checked
    in C for the whole batch: then no row has anything to say (see :func:`row_slips`)."""
    return (
        _OBJECTS.issuperset(map(type, rows))
        and _MAKE_ROW_KNOWN.issuperset(chain.from_iterable(rows))
        and _STRINGS.issuperset(map(type, chain.from_iterable(map(dict.values, rows))))
    )


_OBJECTS = frozenset({dict})


def row_slips(entry: Entry, row: dict[str, Any], index: int) -> None:
    """A make row's unknown fields and numbers; a clean row of strings costs two C-level checks."""
    if row.keys() <= _MAKE_ROW_KNOWN and _STRINGS.issuperset(map(type, row.values())):
        return
    prefix = f"query.data[{index}]."
    unknown_fields(entry, row, MAKE_ROW_FIELDS, prefix)
    numbers_for_strings(entry, row, MAKE_ROW_FIELDS, prefix)


def unknown_fields(entry: Entry, data: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    names = _known(known)
    if data.keys() <= names:  # the usual request: nothing to say, checked in C
        return
    unknown = [key for key in data if key not in names]
    for done, key in enumerate(unknown):
        if entry.full:  # the rest are only counted: no did-you-mean worked out for them
            entry.skipped_warnings(len(unknown) - done)
            return
        hint = HINTS.get(key) if HINTS.get(key) in known else None
        if hint is None:
            hint = _close(key, known)
        where = f"{prefix}{key}"
        message = f"unknown field {key!r} is ignored"
        if hint:
            message += f"; did you mean {hint!r}?"
        entry.warn("unknown_field", where, message)


def _close(key: str, known: tuple[str, ...]) -> str | None:
    """The known field ``key`` most likely meant: the same but for case, else the closest.

    A key over three times the longest known field's length cannot reach difflib's 0.6
    ratio (at most 2 * len(known) / (len(known) + len(key))), so it is not compared:
    difflib's cost grows with the key's length.
    """
    if len(key) > 3 * max(map(len, known)):
        return None
    lowered = key.lower()
    folded = [k for k in known if k.lower() == lowered]
    if folded:
        return folded[0]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return close[0] if close else None


def numbers_for_strings(
    entry: Entry, data: dict[str, Any], fields: tuple[str, ...], prefix: str
) -> None:
    """The vendor documents these fields as strings; numbers work but risk precision and format."""
    if _STRINGS.issuperset(map(type, data.values())):
        return
    for key in fields:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        where = f"{prefix}{key}"
        if isinstance(value, float) or abs(value) >= _EXACT_LIMIT:
            entry.warn(
                "lossy_number",
                where,
                f"{key} is the JSON number {value!r}, which loses precision in clients that "
                "parse numbers as floating point; send it as a string",
            )
        else:
            entry.warn(
                "number_for_string",
                where,
                f"{key} is documented as a string, got the number {value}",
            )


def newcall(entry: Entry, fields: dict[str, Any]) -> bool:
    """Every slip of a newcall request; whether its values are all strings (a form's are).

    The usual form (known fields, strings, id 0, a time given) costs three C-level checks
    and no further call: a newcall runs this on every request.
    """
    strings = _STRINGS.issuperset(map(type, fields.values()))
    if not (strings and _NEWCALL_KNOWN.issuperset(fields)):
        unknown_fields(entry, fields, NEWCALL_FIELDS, "")
        numbers_for_strings(entry, fields, NEWCALL_FIELDS, "")
    row_id = fields.get("id", "0")
    if row_id != "0" and str(row_id).strip() not in ("0", ""):
        entry.warn("id_not_zero", "id", f"id is documented as always 0, got {fields['id']!r}")
    start, stop = fields.get("timestart"), fields.get("timestop")
    if (start is None or start == "") and (stop is None or stop == ""):
        entry.warn(
            "dialled_at_once",
            "timestart",
            "neither timestart nor timestop given: the call is dialled at once, day or night",
        )
    return strings

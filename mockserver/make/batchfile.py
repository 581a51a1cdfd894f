"""Batch files uploaded from the dashboard: a CSV or JSON file becomes a make body.

The body then goes through ``Backend.make`` itself, so an uploaded file is
validated, deduplicated and journalled exactly like the same rows sent to the API.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from .. import jsonbody
from ..errors import MalformedBody

CSV, JSON = "csv", "json"
FORMATS = (CSV, JSON)
# Excel writes ';' where the decimal separator is a comma (a Russian locale), ',' elsewhere.
DELIMITERS = (",", ";", "\t")


def kind_of(content_type: str, requested: str | None, data: bytes) -> str:
    """Which format a file is in: as asked, else by its type, else by its first character."""
    if requested:
        if requested not in FORMATS:
            raise MalformedBody(f"format: must be one of {', '.join(FORMATS)} (got {requested!r})")
        return requested
    if content_type in ("application/json", "text/json"):
        return JSON
    if content_type in ("text/csv", "application/csv", "application/vnd.ms-excel"):
        return CSV
    return JSON if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else CSV


def csv_rows(text: str) -> list[dict[str, str]]:
    """A header row of make's field names, then one row per record.

    An empty cell is sent as "", which make reads as not given (:func:`.rules.given`), so
    an empty window inherits as a missing one does (:func:`.rules.inherit`).
    """
    text = text.removeprefix("\ufeff")  # the BOM Excel puts before UTF-8
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise MalformedBody("file: empty; a CSV batch starts with a header row (id,phone,...)")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    try:
        for cells in reader:
            header = _add_row(reader.line_num, cells, header, rows)
    except csv.Error as exc:  # a cell over csv's field_size_limit (128 KiB), a stray NUL
        raise MalformedBody(f"line {reader.line_num}: not readable as CSV ({exc})") from None
    return rows


def _add_row(
    line: int, cells: list[str], header: list[str] | None, rows: list[dict[str, str]]
) -> list[str] | None:
    """The header, once read; each row after it added to ``rows``."""
    if not any(cell.strip() for cell in cells):
        return header
    if header is None:
        names = [name.strip() for name in cells]
        _check_header(names)
        return names
    if len(cells) > len(header):
        raise MalformedBody(f"line {line}: {len(cells)} cells, but the header names {len(header)}")
    rows.append({name: cell.strip() for name, cell in zip(header, cells, strict=False)})
    return header


def _check_header(header: list[str]) -> None:
    if "" in header:
        raise MalformedBody("line 1: the header has an empty column name")
    # Counted once each: header.count per name was quadratic (32,000 columns: 8.8 s).
    repeated = sorted(name for name, times in Counter(header).items() if times > 1)
    if repeated:
        raise MalformedBody(f"line 1: the header names {', '.join(repeated)} more than once")


def make_body(data: bytes, kind: str, access_token: str) -> bytes:
    """The make body for a file; the account's token is added where the file has none.

    A JSON file holding a whole make body (``{"query": ...}``) is passed on verbatim,
    token and all, so its own slips are make's to find; so is JSON that does not parse.
    """
    if kind == JSON:
        try:  # make's own reader: what it refuses (a lone surrogate too) is make's to explain
            payload: Any = jsonbody.loads(data).data
        except MalformedBody:
            return data  # make refuses it (errorcode 5) and journals why
        if isinstance(payload, list):
            return _envelope(payload, access_token)
        if isinstance(payload, dict) and "query" not in payload and "data" in payload:
            return _envelope(payload["data"], access_token)
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("file: a CSV batch must be UTF-8 (save it as «CSV UTF-8»)") from None
    return _envelope(csv_rows(text), access_token)


def _envelope(rows: Any, access_token: str) -> bytes:
    body = {"query": {"access_token": access_token, "data": rows}}
    return json.dumps(body, ensure_ascii=False).encode()

"""make's report and its six errorcodes: what each means, its HTTP status, and which wins.

A batch refused whole (1, 4, 5) is decided by the envelope (envelope.py); a batch taken
gets 0, 2 or 3 from its rows (:func:`of_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OK = "0"  # every row valid and inserted
BAD_TOKEN = "1"  # access_token missing or not the account's: nothing stored
DUPLICATES = "2"  # every row valid, some skipped as duplicates
INVALID_ROWS = "3"  # some rows refused; the valid ones are stored
TOO_MANY_ROWS = "4"  # over the envelope's maxItems rows: nothing stored
NOT_A_BATCH = "5"  # no object with query.data as a list of rows: nothing stored

#: The HTTP status of a batch refused whole.
REFUSAL_STATUS = {BAD_TOKEN: 401, TOO_MANY_ROWS: 413, NOT_A_BATCH: 400}


@dataclass(frozen=True, slots=True)
class MakeReport:
    status: int
    lines: int
    ok: int = 0
    inserted: int = 0
    errorcode: str = OK
    id: int = 0

    def body(self) -> dict[str, Any]:
        """Every value a string, as the vendor's page shows."""
        return {
            "report": {
                "lines": str(self.lines),
                "ok": str(self.ok),
                "inserted": str(self.inserted),
                "errorcode": self.errorcode,
                "id": str(self.id),
            }
        }


def refused(errorcode: str, lines: int) -> MakeReport:
    """The report of a batch refused whole: nothing counted, nothing stored."""
    return MakeReport(REFUSAL_STATUS[errorcode], lines, errorcode=errorcode)


def of_rows(invalid: bool, duplicates: bool) -> str:
    """A taken batch's errorcode: a refused row outweighs a skipped duplicate."""
    return INVALID_ROWS if invalid else DUPLICATES if duplicates else OK

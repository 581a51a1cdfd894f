"""The cdr order of an account's rows, kept as an append-only log that is sorted when read.

A simulation finishes attempts far more often than anyone reads the cdr, and it finishes
them almost in TIME order (TIME is when an attempt began; attempts end in the order they
end). So a finished attempt only appends its key, and a read sorts what was appended since
the last read: Timsort merges that short, nearly sorted tail into the sorted run in linear
time. A retried record leaves its earlier key behind, stale; reads skip stale keys, and the
next sort drops them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from .models import Record

#: (TIME, QUERY_ID, seq, record): the cdr order, ties broken by the record's upload order.
CdrKey = tuple[float, int, int, Record]


def _live(key: CdrKey) -> bool:
    """Whether the key is the record's current row (a retry moves the row to a later TIME)."""
    dial = key[3].dial
    return dial is not None and dial.last_time == key[0]


class CdrIndex:
    def __init__(self) -> None:
        self._keys: list[CdrKey] = []
        self._sorted = 0  # how many keys, from the first, are in order
        self._stale = 0
        self._rows = 0

    def __len__(self) -> int:
        """Rows: records with a finished attempt."""
        return self._rows

    def add(self, record: Record, time: float, moved: bool) -> None:
        """Appends the record's row at ``time``, its ``last_time``; ``moved``: it had a row
        before."""
        self._keys.append((time, record.job.id, record.seq, record))
        if moved:
            self._stale += 1
        else:
            self._rows += 1

    def _ordered(self) -> list[CdrKey]:
        """The keys, sorted, without stale ones (a stale key always comes with an append, so
        a sort is due whenever one exists)."""
        keys = self._keys
        if self._sorted < len(keys):
            if self._stale:
                keys = self._keys = [k for k in keys if _live(k)]
                self._stale = 0
            keys.sort()
            self._sorted = len(keys)
        return keys

    def between(self, low: float, high: float) -> list[Record]:
        """Records whose row's TIME is in ``[low, high)``, in cdr order."""
        keys = self._ordered()
        return [key[3] for key in keys[bisect_left(keys, (low,)) : bisect_left(keys, (high,))]]

    def __iter__(self) -> Iterator[Record]:
        """Every record with a row, in cdr order."""
        return (key[3] for key in self._ordered())

    def newest(self, offset: int, limit: int) -> list[Record]:
        """``limit`` records from the ``offset``-th newest row backwards: a page, newest first."""
        keys = self._ordered()
        stop = max(len(keys) - offset, 0)
        return [key[3] for key in reversed(keys[max(stop - limit, 0) : stop])]

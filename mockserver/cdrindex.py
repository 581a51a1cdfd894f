"""The cdr order of an account's rows, kept as an append-only log that is sorted when read.

A row's TIME is when its attempt began, so the log takes a key when an attempt begins:
the dialer begins attempts in time order, and the log stays in TIME order as it grows
(only ties, and records put back by ``--db``, come out of order; the sort on read finds
the log already in order, or nearly, and costs about one comparison a key).

A key shows its row once its attempt has finished and while it is the record's last
finished one (``last_time`` equals the key's TIME): before that the attempt is still
ringing, after it a retry has moved the row to a later TIME. Keys whose row moved on are
dead, and the next sort drops them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from .models import Record

#: (TIME, QUERY_ID, seq, record): the cdr order, ties broken by the record's upload order.
CdrKey = tuple[float, int, int, Record]


def _shown(key: CdrKey) -> bool:
    """Whether the key is the record's row now: its attempt finished, and was the last."""
    dial = key[3].dial
    return dial is not None and dial.last_time == key[0]


def _alive(key: CdrKey) -> bool:
    """Shown, or still ringing: not yet passed by a later finished attempt."""
    dial = key[3].dial
    return dial is None or dial.last_time is None or key[0] >= dial.last_time


class CdrIndex:
    def __init__(self) -> None:
        self._keys: list[CdrKey] = []
        self._sorted = 0  # how many keys, from the first, are known to be in order
        self._dead = 0
        self._rows = 0

    def __len__(self) -> int:
        """Rows: records with a finished attempt."""
        return self._rows

    def started(self, record: Record, time: float) -> None:
        """An attempt of the record began at ``time``: its row-to-be."""
        self._keys.append((time, record.job.id, record.seq, record))

    def finished(self, moved: bool) -> None:
        """An attempt finished; ``moved``: the record had a row before, now dead."""
        if moved:
            self._dead += 1
        else:
            self._rows += 1

    def _ordered(self) -> list[CdrKey]:
        """The keys in order, without dead ones once a sort is due."""
        keys = self._keys
        if self._sorted < len(keys):
            if self._dead:
                keys = self._keys = [k for k in keys if _alive(k)]
                self._dead = 0
            keys.sort()
            self._sorted = len(keys)
        return keys

    def between(self, low: float, high: float) -> list[Record]:
        """Records whose row's TIME is in ``[low, high)``, in cdr order."""
        keys = self._ordered()
        found = keys[bisect_left(keys, (low,)) : bisect_left(keys, (high,))]
        return [key[3] for key in found if _shown(key)]

    def __iter__(self) -> Iterator[Record]:
        """Every record with a row, in cdr order."""
        return (key[3] for key in self._ordered() if _shown(key))

    def newest(self, offset: int, limit: int) -> list[Record]:
        """``limit`` records from the ``offset``-th newest row backwards: a page, newest first."""
        page: list[Record] = []
        for key in reversed(self._ordered()):
            if len(page) >= limit:
                break
            if _shown(key):
                if offset:
                    offset -= 1
                else:
                    page.append(key[3])
        return page

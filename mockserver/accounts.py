"""One account's state: its jobs and records with the indexes that keep look-ups cheap."""

from __future__ import annotations

from collections import deque
from zoneinfo import ZoneInfo

from sortedcontainers import SortedList

from .config import Account
from .models import Job, Record
from .outcomes import OutcomePicker


class AccountState:
    """Indexes, so neither a duplicate check nor a cdr query scans the records:

    - ``active``: pending or dialing records by (normalised number, scenario);
    - ``by_number``: every record of a normalised number (the cdr ``to`` filter);
    - ``cdr``: (TIME, QUERY_ID, seq) of every record with a finished attempt, sorted.
    """

    def __init__(self, config: Account) -> None:
        self.jobs: dict[int, Job] = {}
        self.records: dict[int, Record] = {}
        self.active: dict[tuple[str, str], Record] = {}
        self.by_number: dict[str, list[Record]] = {}
        self.cdr: SortedList = SortedList()
        self.ready: deque[Record] = deque()
        self.busy = 0
        self.configure(config)

    def configure(self, config: Account) -> None:
        """Applies a (new) configuration; state already accepted is kept."""
        self.config = config
        self.zone: ZoneInfo = config.zone
        self.pickers = {s.id: OutcomePicker(s) for s in config.scenarios}

    def add(self, record: Record) -> None:
        self.records[record.seq] = record
        self.active[(record.number, record.scenario)] = record
        self.by_number.setdefault(record.number, []).append(record)

    def settle(self, record: Record) -> None:
        """The record is done: it no longer blocks a duplicate."""
        key = (record.number, record.scenario)
        if self.active.get(key) is record:
            del self.active[key]

    def cdr_key(self, record: Record) -> tuple[float, int, int]:
        assert record.last_time is not None
        return (record.last_time, record.job.id, record.seq)

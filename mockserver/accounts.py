"""One account's state: its jobs and records with the indexes that keep look-ups cheap."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from operator import attrgetter
from zoneinfo import ZoneInfo

from .cdrindex import CdrIndex
from .config import Account
from .make.rules import Scenarios
from .models import DIALING, PENDING, Job, Record
from .outcomes import OutcomePicker

NUMBER = attrgetter("number")
ACTIVE = (PENDING, DIALING)  # the states in which a record blocks a duplicate


class AccountState:
    """Indexes, so neither a duplicate check nor a cdr query scans the records:

    - ``numbers``: every record by normalised number, oldest first (the record itself while
      it is its number's only one, a list once there are more). It serves the duplicate
      check (the newest record of a number and scenario is the only one that can still be
      pending), cdr's ``to`` and the control API's phone filter. Written once, when a record
      is stored: a simulation, a million attempts, never touches it;
    - ``cdr``: every record with a finished attempt, in cdr order (see :mod:`.cdrindex`);
    - ``answered``: answered records by seq (their recordings are fetched by it);
    - ``waiting``: pending records by the time they are next due: one scheduler event per
      distinct time, not per record, since a batch's records share their window's start.

    A pending record costs a slot in ``numbers`` and in its ``waiting`` list, nothing more.
    """

    def __init__(self, config: Account) -> None:
        self.jobs: dict[int, Job] = {}
        self.numbers: dict[str, Record | list[Record]] = {}
        self.cdr = CdrIndex()
        self.answered: dict[int, Record] = {}
        self.waiting: dict[float, list[Record]] = {}
        self.ready: deque[Record] = deque()
        self.busy = 0
        self.configure(config)

    def configure(self, config: Account) -> None:
        """Applies a (new) configuration; state already accepted is kept."""
        self.config = config
        self.zone: ZoneInfo = config.zone
        self.pickers = {s.id: OutcomePicker(s) for s in config.scenarios}
        self.scenarios = Scenarios(frozenset(self.pickers), config.scenarios[0].id)
        #: (first day, start, stop) -> a span of time the window is open throughout: the
        #: dialer's cache of :func:`.windows.next_open`, which the zone and campaign days decide.
        self.open_spans: dict[tuple[int, int | None, int | None], tuple[float, float]] = {}

    def records(self) -> Iterator[Record]:
        """Every record, oldest first."""
        for job in self.jobs.values():
            yield from job.records

    def pending(self, number: str, scenario: str) -> Record | None:
        """The pending or dialing record of this number and scenario, if any.

        Only the newest record of a number and scenario can be one: a record is stored
        only while no other of its number and scenario is pending.
        """
        found = self.numbers.get(number)
        if found is None:
            return None
        for record in reversed(found) if isinstance(found, list) else (found,):
            if record.scenario == scenario:
                return record if record.state in ACTIVE else None
        return None

    def add(self, record: Record) -> None:
        same = self.numbers.get(record.number)
        if same is None:  # most numbers are called once: no list for them
            self.numbers[record.number] = record
        elif isinstance(same, list):
            same.append(record)
        else:
            self.numbers[record.number] = [same, record]

    def remove(self, record: Record) -> None:
        """Undoes :meth:`add` (a batch that could not be stored is forgotten)."""
        same = self.numbers.get(record.number)
        if same is record:
            del self.numbers[record.number]
        elif isinstance(same, list) and record in same:
            same.remove(record)
            if len(same) == 1:
                self.numbers[record.number] = same[0]

    def add_new(self, records: list[Record]) -> None:
        """Indexes records whose numbers are all distinct and new to the account, in C."""
        self.numbers.update(zip(map(NUMBER, records), records, strict=True))

    def of_number(self, number: str) -> list[Record]:
        """Every record of a normalised number, oldest first."""
        found = self.numbers.get(number)
        if found is None:
            return []
        return list(found) if isinstance(found, list) else [found]

    def attempt_finished(self, record: Record, previous: float | None) -> None:
        """Shows the record's cdr row at its new TIME (its first row when ``previous`` is None)."""
        self.cdr.finished(previous is not None)
        dial = record.dial
        if dial is not None and dial.code.startswith("ANSWER/"):
            self.answered[record.seq] = record

"""Jobs, records and attempts: the emulator's state, free of any transport."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import rowtexts

PENDING = "pending"  # waiting for its window, a free line or a retry
DIALING = "dialing"  # an attempt is in progress on a dial line
COMPLETED = "completed"  # answered, or attempts (or windows) used up after at least one attempt
EXPIRED = "expired"  # never dialled: its windows ran out first

#: The only moves a record makes; anything else is a bug, caught at once.
TRANSITIONS: dict[str, frozenset[str]] = {
    # pending -> completed: windows ran out after at least one attempt
    PENDING: frozenset({DIALING, EXPIRED, COMPLETED}),
    DIALING: frozenset({PENDING, COMPLETED}),
    COMPLETED: frozenset(),
    EXPIRED: frozenset(),
}
STATES = tuple(TRANSITIONS)


@dataclass(slots=True, eq=False)
class Attempt:
    started: float
    ended: float
    code: str
    sec: int
    answer: str


@dataclass(slots=True, eq=False)
class Job:
    id: int
    api_key: str
    kind: str  # "make" or "newcall"
    created: float
    first_day: int  # date ordinal, in the account's zone, of the upload: windows count from it
    lines: int = 0
    ok: int = 0
    inserted: int = 0
    errorcode: str = "0"
    records: list[Record] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Dialled:
    """What a record gains with its first attempt (see :class:`Record`)."""

    attempts: int = 0
    dialing_since: float | None = None
    # The last finished attempt, in place (most records have one attempt: no list for them).
    last_time: float | None = None  # when it began: cdr's TIME
    code: str = ""
    sec: int = 0
    answer: str = ""
    last_end: float | None = None
    earlier: list[Attempt] | None = None  # the finished attempts before the last one
    time_text: str | None = None  # cdr's TIME, formatted at the first query after an attempt

    def finished(self, started: float, ended: float, code: str, sec: int, answer: str) -> None:
        """Records an attempt that ended; the one before it, if any, joins ``earlier``."""
        if self.last_time is not None:
            before = self._last()
            if self.earlier is None:
                self.earlier = [before]
            else:
                self.earlier.append(before)
        self.last_time, self.last_end = started, ended
        self.code, self.sec, self.answer = code, sec, answer
        self.dialing_since = None
        self.time_text = None  # the row's TIME moved: formatted again when next asked

    def history(self) -> list[Attempt]:
        """Every finished attempt, the first first."""
        return [] if self.last_time is None else [*(self.earlier or ()), self._last()]

    def _last(self) -> Attempt:
        assert self.last_time is not None
        ended = self.last_time if self.last_end is None else self.last_end
        return Attempt(self.last_time, ended, self.code, self.sec, self.answer)


def _dialled(name: str, default: object) -> property:
    """A field of the record's :class:`Dialled` part, read as ``default`` until the first
    attempt creates that part."""

    def get(record: Record) -> object:
        dial = record.dial
        return default if dial is None else getattr(dial, name)

    def put(record: Record, value: object) -> None:
        if record.dial is None:
            record.dial = Dialled()
        setattr(record.dial, name, value)

    return property(get, put, doc=f"``dial.{name}``; {default!r} before the first attempt")


def _text(index: int, doc: str) -> property:
    """A client text of the record, read from its packed :attr:`Record.texts`."""

    def get(record: Record) -> str:
        return rowtexts.text(record.texts, index)

    return property(get, doc=doc)


@dataclass(slots=True, eq=False)
class Record:
    """One subscriber to call. A million of them may wait at once, so a record holds only
    what differs between records: upload time and day live on its job, the client's texts
    are packed into one value (:mod:`.rowtexts`), and what only an
    attempt brings (attempts, outcome, history) lives in a :class:`Dialled` part made at
    the first attempt: a record that never rang is 56 bytes lighter."""

    seq: int  # unique per emulator run: the key of outcome draws and of the cdr order's tie-break
    job: Job
    texts: bytes  # the client's texts, packed (:mod:`.rowtexts`): read through the properties
    number: str  # normalised (duplicates, the ``to`` filter)
    scenario: str
    start: int | None  # daily window in seconds after local midnight; None: any time
    stop: int | None
    maxcount: int
    state: str = PENDING
    next_at: float | None = None  # when it is next due, while pending
    dial: Dialled | None = None

    attempts = _dialled("attempts", 0)
    dialing_since = _dialled("dialing_since", None)
    last_time = _dialled("last_time", None)
    code = _dialled("code", "")
    sec = _dialled("sec", 0)
    answer = _dialled("answer", "")
    time_text = _dialled("time_text", None)

    phone = _text(rowtexts.PHONE, "as submitted (cdr's DST)")
    row_id = _text(rowtexts.ROW_ID, "the client's own ``id``")
    name = _text(rowtexts.NAME, "the row's ``name``")
    uuid = _text(rowtexts.UUID, "the row's ``UUID``")
    var1 = _text(rowtexts.VAR1, "the row's ``var1``")
    var2 = _text(rowtexts.VAR2, "the row's ``var2``")
    var3 = _text(rowtexts.VAR3, "the row's ``var3``")

    @property
    def history(self) -> list[Attempt]:
        """Every finished attempt, the first first (built on request: see :class:`Dialled`)."""
        return [] if self.dial is None else self.dial.history()

    def move(self, state: str) -> None:
        if state not in TRANSITIONS[self.state]:
            raise RuntimeError(f"record {self.seq}: {self.state} -> {state} is not a valid move")
        self.state = state

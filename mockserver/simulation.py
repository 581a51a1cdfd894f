"""The dialer: records wait for their window and a free line, ring, and end with an outcome.

Driven only by the scheduler and the clock's times handed to it, so a manual
clock makes every run reproducible. Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from . import draws
from .accounts import AccountState
from .models import COMPLETED, DIALING, EXPIRED, PENDING, Dialled, Record
from .outcomes import ForcedTable
from .scheduler import Scheduler
from .windows import next_open, open_span

_START = attrgetter("start")
_STOP = attrgetter("stop")


def _one_window(records: list[Record]) -> bool:
    """Whether every record has the first one's window (counted in C: a batch's records
    share the same int and None objects, so most comparisons are identities)."""
    if not records:
        return False
    starts, stops = list(map(_START, records)), list(map(_STOP, records))
    return starts.count(starts[0]) == len(starts) and stops.count(stops[0]) == len(stops)


Listener = Callable[[AccountState, Record], None]


class Dialer:
    def __init__(self, scheduler: Scheduler, accounts: dict[str, AccountState]) -> None:
        self.scheduler = scheduler
        self.accounts = accounts
        self.seed = 0
        self.retry_interval = 600.0
        self.forced = ForcedTable([])
        #: Called once per record that completes (webhooks subscribe here).
        self.on_completed: list[Listener] = []
        #: Called with a record whose state, attempts or history changed (``--db`` keeps it).
        self.on_changed: list[Listener] = []
        # One bound method each, shared by every event tuple.
        self._ready = self._on_ready
        self._end = self._on_end
        self._at = scheduler.at

    def enqueue(self, account: AccountState, record: Record, after: float, now: float) -> None:
        """Queues a pending record for its next window at or after ``after``.

        A record whose window is open now goes straight to the dial lines: the
        vendor's footnote says such a call starts as soon as it is stored.
        """
        when = next_open(record, after, account.zone, account.config.campaign_days)
        if when is None:
            self._finish(account, record, COMPLETED if record.attempts else EXPIRED)
        elif when <= now:
            account.ready.append(record)
            self._dispatch(account, now)
        else:
            self._wait(account, record, when)

    def enqueue_batch(self, account: AccountState, records: list[Record], now: float) -> None:
        """Queues freshly stored records, in order; those sharing a window share one window
        computation and one bucket (a batch's rows mostly share one)."""
        if _one_window(records):
            self._enqueue_one_window(account, records, now)
        else:
            self._enqueue_each(account, records, now)

    def _enqueue_each(self, account: AccountState, records: list[Record], now: float) -> None:
        """:meth:`enqueue_batch` for records of several windows: one computation a window."""
        whens: dict[tuple[int | None, int | None], float | None] = {}
        buckets: dict[float, list[Record]] = {}
        campaign_days = account.config.campaign_days
        ready = False
        for record in records:
            key = (record.start, record.stop)
            if key in whens:
                when = whens[key]
            else:
                when = whens[key] = next_open(record, now, account.zone, campaign_days)
            if when is None:
                self._finish(account, record, EXPIRED)
            elif when <= now:
                account.ready.append(record)
                ready = True
            else:
                record.next_at = when
                bucket = buckets.get(when)
                if bucket is None:
                    bucket = buckets[when] = self._bucket(account, when)
                bucket.append(record)
        if ready:
            self._dispatch(account, now)

    def _enqueue_one_window(self, account: AccountState, records: list[Record], now: float) -> None:
        """:meth:`enqueue_batch` for records that share one window (most batches): one
        computation, then the whole list joins the dial lines or one bucket."""
        when = next_open(records[0], now, account.zone, account.config.campaign_days)
        if when is None:
            for record in records:
                self._finish(account, record, EXPIRED)
        elif when <= now:
            account.ready.extend(records)
            self._dispatch(account, now)
        else:
            for record in records:
                record.next_at = when
            self._bucket(account, when).extend(records)

    def _wait(self, account: AccountState, record: Record, when: float) -> None:
        record.next_at = when
        self._bucket(account, when).append(record)

    def _bucket(self, account: AccountState, when: float) -> list[Record]:
        """The records waiting for ``when``: one scheduler event for them all."""
        bucket = account.waiting.get(when)
        if bucket is None:
            bucket = account.waiting[when] = []
            self._at(when, self._ready, (account, when))
        return bucket

    def _on_ready(self, key: tuple[AccountState, float], now: float) -> None:
        account, when = key
        if self.accounts.get(account.config.api_key) is not account:
            return  # the account was removed or the emulator reset since
        due = [r for r in account.waiting.pop(when, ()) if r.state == PENDING and r.next_at == now]
        for record in due:  # a window's opening: as many as a whole upload
            record.next_at = None
        account.ready.extend(due)
        self._dispatch(account, now)

    # The hot path: a simulation runs _dispatch and _on_end once per call attempt, a million
    # times for a campaign, so they do their work in place rather than through small helpers
    # (a Python call costs as much as the work of most of them).

    def _dispatch(self, account: AccountState, now: float) -> None:
        """Gives free lines to ready records, in order."""
        ready = account.ready
        lines = account.config.dial_lines
        while ready and account.busy < lines:
            record = ready.popleft()
            if record.state != PENDING:
                continue
            span = account.open_spans.get((record.job.first_day, record.start, record.stop))
            if (span is None or not span[0] <= now < span[1]) and not self._open(
                account, record, now
            ):
                continue
            record.state = DIALING  # from PENDING, checked above: a valid move
            dial = record.dial
            if dial is None:
                dial = record.dial = Dialled()
            dial.attempts += 1
            dial.dialing_since = now
            account.busy += 1
            account.cdr.started(record, now)
            self._ring(account, record, now)
            if self.on_changed:
                self._changed(account, record)

    def _open(self, account: AccountState, record: Record, now: float) -> bool:
        """Whether the record's window is open now (caching the span it stays open), else
        puts the record back to wait: its window closed while it waited for a line."""
        span = open_span(record, now, account.zone, account.config.campaign_days)
        if span is None:
            self.enqueue(account, record, now, now)
            return False
        account.open_spans[record.job.first_day, record.start, record.stop] = span
        return True

    def _on_end(self, event: tuple[AccountState, Record, float, str, int, str], now: float) -> None:
        account, record, started, code, sec, answer = event
        if self.accounts.get(account.config.api_key) is not account:
            return  # the account was removed or the emulator reset since
        account.busy -= 1
        dial = record.dial
        assert dial is not None, "an attempt ends only after it began"
        previous = dial.last_time
        dial.finished(started, now, code, sec, answer)
        account.attempt_finished(record, previous)
        if code.startswith("ANSWER/") or dial.attempts >= record.maxcount:
            record.state = COMPLETED  # from DIALING: a valid move
            for listener in self.on_completed:  # as _settled does, without a call per attempt
                listener(account, record)
        else:
            record.state = PENDING
            interval = account.config.retry_interval or self.retry_interval
            self.enqueue(account, record, now + interval, now)
        if self.on_changed:
            self._changed(account, record)
        if account.ready:
            self._dispatch(account, now)

    def _ring(self, account: AccountState, record: Record, started: float) -> None:
        """Draws how the record's current attempt goes and schedules its end: a pure function
        of the seed, the account, the record (its job and row) and the attempt's number."""
        dial = record.dial
        assert dial is not None, "an attempt is drawn once it began"
        picker = account.pickers.get(record.scenario) or next(iter(account.pickers.values()))
        forced = self.forced.match(record.number)
        job, row = draws.row_of(record)
        account_draws = draws.of(self.seed, account.config.api_key)
        code, ring, talk, answer = picker.decide(forced, account_draws, job, row, dial.attempts)
        event = (account, record, started, code, talk, answer)
        self._at(started + ring + talk, self._end, event)

    def _finish(self, account: AccountState, record: Record, state: str) -> None:
        record.move(state)
        if self.on_changed:
            self._changed(account, record)
        self._settled(account, record)

    def _changed(self, account: AccountState, record: Record) -> None:
        for listener in self.on_changed:  # only --db listens
            listener(account, record)

    def resume(self, account: AccountState, record: Record, now: float) -> None:
        """Puts back a record read from ``--db`` (its indexes already rebuilt).

        A pending one waits for its due time; one already due queues for a line, and the
        lines are looked at on the clock's next step (as for any event due now). One caught
        dialing keeps its line and rings on to the end it was drawn: the attempt is a pure
        function of the seed, the record and the attempt number, so it ends as it would
        have without the restart.
        """
        if record.state == PENDING:
            if record.next_at is not None and record.next_at > now:
                self._wait(account, record, record.next_at)
                return
            record.next_at = None
            account.ready.append(record)
            if now not in account.waiting:  # one look at the lines, at now
                account.waiting[now] = []
                self._at(now, self._ready, (account, now))
        elif record.state == DIALING:
            account.busy += 1
            started = now if record.dialing_since is None else record.dialing_since
            account.cdr.started(record, started)
            self._ring(account, record, started)

    def _settled(self, account: AccountState, record: Record) -> None:
        if record.state == COMPLETED:
            for listener in self.on_completed:
                listener(account, record)

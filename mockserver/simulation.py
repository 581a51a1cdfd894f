"""The dialer: records wait for their window and a free line, ring, and end with an outcome.

Driven only by the scheduler and the clock's times handed to it, so a manual
clock makes every run reproducible. Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Callable

from .accounts import AccountState
from .models import COMPLETED, DIALING, EXPIRED, PENDING, Attempt, Record
from .outcomes import ForcedTable
from .scheduler import Scheduler
from .windows import next_open

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
        # One bound method each, shared by every event tuple.
        self._ready = self._on_ready
        self._end = self._on_end

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
            record.next_at = when
            self.scheduler.at(when, self._ready, record)

    def _on_ready(self, record: Record, now: float) -> None:
        account = self.accounts.get(record.job.api_key)
        if account is None or record.state != PENDING or record.next_at != now:
            return  # the account was removed or reset, or the event is stale
        record.next_at = None
        account.ready.append(record)
        self._dispatch(account, now)

    def _dispatch(self, account: AccountState, now: float) -> None:
        lines = account.config.dial_lines
        ready = account.ready
        while ready and account.busy < lines:
            record = ready.popleft()
            if record.state != PENDING:
                continue
            when = next_open(record, now, account.zone, account.config.campaign_days)
            if when != now:  # its window closed while it waited for a line
                if when is None:
                    self._finish(account, record, COMPLETED if record.attempts else EXPIRED)
                else:
                    record.next_at = when
                    self.scheduler.at(when, self._ready, record)
                continue
            self._dial(account, record, now)

    def _dial(self, account: AccountState, record: Record, now: float) -> None:
        record.move(DIALING)
        record.attempts += 1
        record.dialing_since = now
        account.busy += 1
        picker = account.pickers.get(record.scenario) or next(iter(account.pickers.values()))
        outcome = picker.decide(
            self.forced.match(record.number), self.seed, record.seq, record.attempts
        )
        attempt = Attempt(
            now, now + outcome.ring + outcome.talk, outcome.code, outcome.talk, outcome.answer
        )
        self.scheduler.at(attempt.ended, self._end, (record, attempt))

    def _on_end(self, event: tuple[Record, Attempt], now: float) -> None:
        record, attempt = event
        account = self.accounts.get(record.job.api_key)
        if account is None or record.state != DIALING or record.dialing_since != attempt.started:
            return
        account.busy -= 1
        if record.last_time is not None:
            account.cdr.remove(account.cdr_key(record))
        record.last_time = attempt.started
        record.code, record.sec, record.answer = attempt.code, attempt.sec, attempt.answer
        record.dialing_since = None
        account.cdr.add(account.cdr_key(record))
        if record.history is None:
            record.history = []
        record.history.append(attempt)
        if attempt.code.startswith("ANSWER/") or record.attempts >= record.maxcount:
            record.move(COMPLETED)
            self._settled(account, record)
        else:
            record.move(PENDING)
            interval = account.config.retry_interval or self.retry_interval
            self.enqueue(account, record, now + interval, now)
        self._dispatch(account, now)

    def _finish(self, account: AccountState, record: Record, state: str) -> None:
        record.move(state)
        self._settled(account, record)

    def _settled(self, account: AccountState, record: Record) -> None:
        account.settle(record)
        if record.state == COMPLETED:
            for listener in self.on_completed:
                listener(account, record)

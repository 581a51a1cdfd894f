"""The outbox: turns completed records into deliveries, and runs their attempts on the clock.

Attempts are scheduler events, so a manual clock runs every retry of a
back-off schedule in an advance, in order, without anyone waiting. When an
attempt is due the outbox prepares the request (body, signature) and queues a
:class:`Send`; the HTTP layer takes it with :meth:`take_due`, transmits it and
hands the answer back through :meth:`finish`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import time
from collections import deque
from collections.abc import Callable

from ..accounts import AccountState
from ..clock import Clock
from ..draws import of as draws_of
from ..draws import row_of
from ..errors import Conflict, NotFound
from ..faults import WebhookFaults, plan_delivery
from ..models import Record
from ..scheduler import Scheduler
from . import payload, signing
from .models import (
    DISABLED,
    DUPLICATE,
    FAILED,
    FIRST,
    PENDING,
    REPLAY,
    RETRY,
    SENDING,
    SUCCEEDED,
    AttemptLog,
    Delivery,
    Result,
    Send,
)
from .settings import Subscription

SETTLED = (SUCCEEDED, FAILED, DISABLED)  # nothing more is owed: the log may forget these


class Outbox:
    def __init__(
        self,
        scheduler: Scheduler,
        accounts: dict[str, AccountState],
        clock: Clock,
        recording_url: Callable[[AccountState, Record], str] = lambda _a, _r: "",
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.scheduler = scheduler
        self.accounts = accounts
        self.clock = clock
        # webhook-timestamp is checked by receivers against their own clock, so it is wall time.
        self.wall = wall
        self.seed = 0
        self.faults = WebhookFaults()
        #: Called when a Send was queued: the HTTP layer takes it at once.
        self.on_due: Callable[[], None] = lambda: None
        #: The absolute URL of a record's WAV, "" when nothing was recorded.
        self.recording_url = recording_url
        #: Called with a delivery whose state or log changed (``--db`` keeps it).
        self.on_changed: Callable[[Delivery], None] = lambda _d: None
        self._key = secrets.token_bytes(32)  # event ids: unique, not guessable
        #: Deliveries the log keeps (config ``delivery_log_size``); owed ones are always kept.
        self.log_size = 10_000
        self._generation = 0
        self.clear()

    def clear(self) -> None:
        """Forgets every delivery; events of a new run get ids the old run never used."""
        self.deliveries: dict[int, Delivery] = {}
        self.due: deque[Send] = deque()
        self._settled: deque[int] = deque()  # ids in the order they settled: eviction order
        self._ids = itertools.count(1)
        self._generation += 1

    # -- events -----------------------------------------------------------------------------

    def completed(self, account: AccountState, record: Record) -> None:
        """The dialer's listener: one delivery per enabled subscription the record matches."""
        if not account.config.webhooks:
            return
        subs = [
            (i, s)
            for i, s in enumerate(account.config.webhooks)
            if s.enabled and s.matches(record.code)
        ]
        if not subs:
            return
        now = self.clock.now()
        fields = payload.event(
            self._event_id(record), account, record, self.recording_url(account, record)
        )
        draws, row = draws_of(self.seed, account.config.api_key), row_of(record)
        for index, sub in subs:
            faults = plan_delivery(self.faults, draws, row, index)
            body, content_type = payload.render(fields, sub)
            delivery = Delivery(
                next(self._ids),
                fields["event_id"],
                account.config.api_key,
                sub.id,
                record.seq,
                record.job.id,
                now,
                body,
                content_type,
                faults.notes,
                faults.duplicate,
            )
            self.deliveries[delivery.id] = delivery
            self._schedule(delivery, now + sub.schedule[0] + faults.delay)
        self._trim()

    def _event_id(self, record: Record) -> str:
        mac = hmac.new(self._key, f"{self._generation}/{record.seq}".encode(), hashlib.sha256)
        return "evt_" + mac.hexdigest()[:24]

    def _schedule(self, delivery: Delivery, when: float) -> None:
        delivery.state, delivery.next_at = PENDING, when
        self.scheduler.at(when, self._fire, delivery)
        self.on_changed(delivery)

    def _fire(self, delivery: Delivery, now: float) -> None:
        if self._forgotten(delivery) or delivery.state != PENDING or delivery.next_at != now:
            return  # reset, replayed or rescheduled since
        delivery.next_at = None
        self._queue(delivery, FIRST if delivery.scheduled == 0 else RETRY)

    def _forgotten(self, delivery: Delivery) -> bool:
        return self.deliveries.get(delivery.id) is not delivery

    def subscription(self, delivery: Delivery) -> Subscription | None:
        account = self.accounts.get(delivery.api_key)
        subs = account.config.webhooks if account is not None else []
        return next((s for s in subs if s.id == delivery.subscription), None)

    def _queue(
        self, delivery: Delivery, trigger: str, headers: dict[str, str] | None = None
    ) -> bool:
        """Prepares an attempt; False when its subscription is gone or disabled."""
        sub = self.subscription(delivery)
        if sub is None or (not sub.enabled and trigger != REPLAY):
            # Removed, or disabled by a 410: nothing more is sent but what a person replays.
            delivery.state = DISABLED
            self._settle(delivery)
            return False
        if trigger != DUPLICATE:
            delivery.state = SENDING
        if headers is None:
            key = sub.key() if sub.secret else None
            stamp = int(self.wall())
            headers = signing.headers(
                delivery.event_id, stamp, delivery.body, delivery.content_type, key
            )
        send = Send(
            delivery, trigger, sub.url, headers, delivery.body, sub.timeout, self.clock.now()
        )
        self.due.append(send)
        self.on_due()
        return True

    def horizon(self) -> float:
        """Emulator seconds an attempt's answer cannot act before: the shortest retry gap of
        any subscription, at most one second (a ``Retry-After`` may ask for one)."""
        gaps = [
            gap
            for account in self.accounts.values()
            for sub in account.config.webhooks
            if sub.enabled
            for gap in sub.schedule[1:]
        ]
        return min([1.0, *gaps])

    def take_due(self, limit: int | None = None) -> list[Send]:
        """Up to ``limit`` queued requests (all without one), oldest first."""
        count = len(self.due) if limit is None else min(limit, len(self.due))
        return [self.due.popleft() for _ in range(count)]

    def resize(self, size: int) -> None:
        """Keeps at most ``size`` deliveries from now on (config ``delivery_log_size``)."""
        self.log_size = size
        self._trim()

    def _settle(self, delivery: Delivery) -> None:
        self._settled.append(delivery.id)
        self._trim()

    def _trim(self) -> None:
        """Forgets settled deliveries, the first settled first, while the log is over its size.

        A delivery still owed (pending or sending) is never dropped: the log may
        then hold more than ``log_size`` until they settle.
        """
        while len(self.deliveries) > self.log_size and self._settled:
            delivery = self.deliveries.get(self._settled.popleft())
            if delivery is not None and delivery.state in SETTLED:
                del self.deliveries[delivery.id]

    # -- answers ----------------------------------------------------------------------------

    def finish(self, send: Send, result: Result) -> None:
        """Logs an attempt's answer and decides what comes next: done, retry, failed, disabled."""
        delivery = send.delivery
        if self._forgotten(delivery):
            return
        outcome = result.outcome
        delivery.attempts.append(
            AttemptLog(
                len(delivery.attempts) + 1,
                send.at,
                send.trigger,
                send.url,
                result.status,
                result.latency_ms,
                outcome,
                result.error,
                result.retry_after,
            )
        )
        self.on_changed(delivery)  # marked now; what is written is its state at the flush
        if send.trigger == DUPLICATE:
            return  # logged only: the original attempt decides the delivery's fate
        sub = self.subscription(delivery)
        if send.trigger in (FIRST, RETRY):
            delivery.scheduled += 1
        if outcome == "success":
            delivery.state = SUCCEEDED
        elif outcome == "gone" or sub is None:
            delivery.state = DISABLED
            if sub is not None:
                sub.enabled = False  # shows in GET /_mock/config; PUT it back to re-enable
        elif send.trigger == REPLAY or delivery.scheduled >= len(sub.schedule):
            delivery.state = FAILED
        else:
            delay = signing.retry_after(result.retry_after, self.wall())
            if delay is None:
                delay = sub.schedule[delivery.scheduled]
            self._schedule(delivery, self.clock.now() + delay)
        if delivery.state in SETTLED:
            self._settle(delivery)
        if send.trigger == FIRST and delivery.duplicate:
            # The same request again, byte for byte: what a sender that lost the 2xx would do.
            self._queue(delivery, DUPLICATE, send.headers)

    def restore(self, deliveries: list[Delivery], key: bytes, generation: int, last: int) -> None:
        """Takes back the deliveries of a ``--db`` file, and the key and generation their
        event ids came from, so an event completed again after a restart keeps its id.

        A delivery owed (pending, or in flight when the process died) is due at its time,
        or now if that has passed: at least once, with the same ``webhook-id``.
        """
        self._key, self._generation = key, generation
        self._ids = itertools.count(last + 1)
        now = self.clock.now()
        for delivery in deliveries:
            self.deliveries[delivery.id] = delivery
            if delivery.state in (PENDING, SENDING):
                self._schedule(delivery, max(delivery.next_at or now, now))

    # -- the control API --------------------------------------------------------------------

    def find(
        self,
        *,
        api_key: str | None = None,
        subscription: str | None = None,
        event: str | None = None,
        outcome: str | None = None,
        record: int | None = None,
    ) -> list[Delivery]:
        return [
            d
            for d in self.deliveries.values()
            if (api_key is None or d.api_key == api_key)
            and (subscription is None or d.subscription == subscription)
            and (event is None or d.event_id == event)
            and (outcome is None or d.state == outcome)
            and (record is None or d.record == record)
        ]

    def replay(self, delivery_id: int) -> Delivery:
        """Sends a settled delivery once more, by hand; no retries follow."""
        delivery = self.deliveries.get(delivery_id)
        if delivery is None:
            raise NotFound(f"delivery {delivery_id}: no such delivery")
        if delivery.state in (PENDING, SENDING):
            raise Conflict(
                f"delivery {delivery_id} is {delivery.state}: its schedule is still running"
            )
        if not self._queue(delivery, REPLAY):
            raise Conflict(
                f"delivery {delivery_id}: subscription {delivery.subscription!r} "
                f"of {delivery.api_key!r} no longer exists"
            ) from None
        return delivery

    def replay_failed(
        self, api_key: str | None = None, subscription: str | None = None
    ) -> list[Delivery]:
        """Replays every failed delivery matching the filters."""
        found = self.find(api_key=api_key, subscription=subscription, outcome=FAILED)
        return [d for d in found if self._queue(d, REPLAY)]

"""The outbox: turns completed records into deliveries, and runs their attempts on the clock.

Every attempt happens at its due time on the emulator's clock. An attempt not yet due
waits as a scheduler event; once due it is released to its subscription's lane
(:mod:`.lanes`), which starts it when every attempt of that subscription due earlier has
answered. Started, it becomes a :class:`Send` (body, signature) that the HTTP layer takes
with :meth:`take_due`, transmits, and hands back through :meth:`finish`. The answer is
applied at the attempt's time, not when it arrived: the next attempt is due from that
time by the schedule or ``Retry-After``, and a 410 disables the subscription from that
time on. So the log is the same however the clock was moved to get there.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from email.utils import formatdate

from ..accounts import AccountState
from ..clock import Clock
from ..draws import EVENT_ID, row_of
from ..draws import of as draws_of
from ..errors import Conflict, NotFound
from ..faults import WebhookFaults, plan_delivery
from ..models import Record
from ..scheduler import Scheduler
from . import payload, signing
from .lanes import Lane, due
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
        #: Deliveries the log keeps (config ``delivery_log_size``); owed ones are always kept.
        self.log_size = 10_000
        self._generation = 0
        self.clear()

    def clear(self) -> None:
        """Forgets every delivery; events of a new run get ids the old run never used."""
        self.deliveries: dict[int, Delivery] = {}
        self.due: deque[Send] = deque()
        self._lanes: dict[tuple[str, str], Lane] = {}  # (api key, subscription id): see .lanes
        #: When each subscription a 410 disabled got it: attempts due later are not sent.
        self._gone: dict[tuple[str, str], float] = {}
        self._settled: deque[int] = deque()  # ids in the order they settled: eviction order
        self._ids = itertools.count(1)
        self._generation += 1

    # -- events -----------------------------------------------------------------------------

    def completed(self, account: AccountState, record: Record) -> None:
        """The dialer's listener: one delivery per enabled subscription the record matches."""
        if not account.config.webhooks:
            return
        api_key = account.config.api_key
        # One a 410 disabled gets its delivery too, which ends disabled when due: whether the
        # 410 had come by now would otherwise depend on how the clock was moved.
        subs = [
            (i, s)
            for i, s in enumerate(account.config.webhooks)
            if (s.enabled or (api_key, s.id) in self._gone) and s.matches(record.code)
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
        """Drawn like the rest of the account's history (seed, api key, the record's job and
        row), so the same run gives the same ids however the clock was moved; the reset count
        is drawn in too, so a run after a reset never reuses an id a receiver has seen."""
        job, row = row_of(record)
        words = draws_of(self.seed, record.job.api_key).words(EVENT_ID, job, row, self._generation)
        return f"evt_{words[0]:016x}{words[1] >> 32:08x}"

    def _schedule(self, delivery: Delivery, when: float) -> None:
        """Makes the delivery's next attempt due at ``when``: released to its lane at once if
        the clock has reached that time, else when the scheduler gets there."""
        delivery.state, delivery.next_at = PENDING, when
        self.on_changed(delivery)
        if when <= self.clock.now():
            self._release(delivery, when)
        else:
            self.scheduler.at(when, self._fire, delivery)

    def _fire(self, delivery: Delivery, now: float) -> None:
        if self._forgotten(delivery) or delivery.state != PENDING or delivery.next_at != now:
            return  # reset, replayed or rescheduled since
        self._release(delivery, now)

    def _release(self, delivery: Delivery, at: float) -> None:
        trigger = FIRST if delivery.scheduled == 0 else RETRY
        key = (delivery.api_key, delivery.subscription)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = Lane()
        lane.push(due(at, delivery, trigger))
        self._pump(key)

    def _pump(self, key: tuple[str, str]) -> None:
        """Starts what the lane of ``key`` may start now (see :mod:`.lanes`)."""
        lane = self._lanes.get(key)
        if lane is None:
            return
        while (item := lane.next()) is not None:
            if self._queue(item.delivery, item.trigger, item.at, item.headers):
                lane.started(item)
        if lane.idle():
            del self._lanes[key]

    def _forgotten(self, delivery: Delivery) -> bool:
        return self.deliveries.get(delivery.id) is not delivery

    def subscription(self, delivery: Delivery) -> Subscription | None:
        account = self.accounts.get(delivery.api_key)
        subs = account.config.webhooks if account is not None else []
        return next((s for s in subs if s.id == delivery.subscription), None)

    def _sendable(self, delivery: Delivery, sub: Subscription | None, at: float) -> bool:
        """Whether an attempt due ``at`` may go: its subscription exists, and is enabled or
        was disabled by a 410 no earlier than ``at`` (an attempt due at the very time of a
        410 was started with it, whichever answered first)."""
        if sub is None:
            return False
        gone = self._gone.get((delivery.api_key, sub.id))
        return sub.enabled or (gone is not None and at <= gone)

    def _queue(
        self,
        delivery: Delivery,
        trigger: str,
        at: float,
        headers: dict[str, str] | None = None,
    ) -> bool:
        """Prepares an attempt due ``at``; False when its subscription is gone or disabled."""
        sub = self.subscription(delivery)
        if trigger != REPLAY and not self._sendable(delivery, sub, at):
            # Removed, or disabled by a 410: nothing more is sent but what a person replays.
            if trigger != DUPLICATE:
                delivery.state, delivery.next_at = DISABLED, None
                self.on_changed(delivery)
                self._settle(delivery)
            return False
        if sub is None:
            return False
        if headers is None:
            key = sub.key() if sub.secret else None
            stamp = int(self.wall())
            headers = signing.headers(
                delivery.event_id, stamp, delivery.body, delivery.content_type, key
            )
            # The emulator's time of the attempt: what a Retry-After date is read against.
            headers["Date"] = formatdate(at, usegmt=True)
        self.due.append(Send(delivery, trigger, sub.url, headers, delivery.body, sub.timeout, at))
        self.on_due()
        return True

    def take_due(self, limit: int | None = None) -> list[Send]:
        """Up to ``limit`` queued requests (all without one), oldest first, now in flight
        (until then their deliveries stay pending, at their due time)."""
        count = len(self.due) if limit is None else min(limit, len(self.due))
        taken = [self.due.popleft() for _ in range(count)]
        for send in taken:  # in flight from now: a crash now owes them again at once
            if send.trigger != DUPLICATE:
                send.delivery.state, send.delivery.next_at = SENDING, None
                self.on_changed(send.delivery)
        return taken

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
        """Logs an attempt's answer and decides, at the attempt's time, what comes next:
        done, retry, failed, disabled."""
        delivery = send.delivery
        key = (delivery.api_key, delivery.subscription)
        lane = self._lanes.get(key) if send.trigger != REPLAY else None
        if lane is not None:
            lane.answered(delivery)
        if not self._forgotten(delivery):
            self._record(send, result)
        self._pump(key)

    def _record(self, send: Send, result: Result) -> None:
        delivery = send.delivery
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
        if send.trigger == FIRST and delivery.duplicate:
            # The same request again, byte for byte: what a sender that lost the 2xx would do.
            # Queued before a retry due at once, and made before it (see .lanes).
            lane = self._lanes.get((delivery.api_key, delivery.subscription))
            if lane is not None:
                lane.push(due(send.at, delivery, DUPLICATE, send.headers))
        if outcome == "success":
            delivery.state = SUCCEEDED
        elif outcome == "gone" or sub is None:
            delivery.state = DISABLED
            if sub is not None:
                gone = (delivery.api_key, sub.id)
                if sub.enabled or gone not in self._gone:  # not another 410 of the same time
                    self._gone[gone] = send.at
                sub.enabled = False  # shows in GET /_mock/config; PUT it back to re-enable
        elif send.trigger == REPLAY or delivery.scheduled >= len(sub.schedule):
            delivery.state = FAILED
        else:
            delay = signing.retry_after(result.retry_after, send.at)
            if delay is None:
                delay = sub.schedule[delivery.scheduled]
            self._schedule(delivery, send.at + delay)
        if delivery.state in SETTLED:
            self._settle(delivery)

    def restore(self, deliveries: list[Delivery], generation: int, last: int) -> None:
        """Takes back the deliveries of a ``--db`` file, and the generation their event ids
        were drawn with, so an event completed again after a restart keeps its id.

        A delivery owed (pending, or in flight when the process died) is sent at least
        once, with the same ``webhook-id``: a pending one at its due time, one that was in
        flight at once.
        """
        self._generation = generation
        self._ids = itertools.count(last + 1)
        now = self.clock.now()
        for delivery in deliveries:
            self.deliveries[delivery.id] = delivery
            if delivery.state in (PENDING, SENDING):
                # A pending one keeps its due time, even one passed while its lane waited;
                # one in flight at the crash is owed again at once. Both go on the clock's
                # next move.
                if delivery.state == SENDING or delivery.next_at is None:
                    delivery.next_at = now
                delivery.state = PENDING
                self.scheduler.at(delivery.next_at, self._fire, delivery)

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
        if not self._queue(delivery, REPLAY, self.clock.now()):
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
        now = self.clock.now()
        return [d for d in found if self._queue(d, REPLAY, now)]

"""The emulator's one backend object: accounts, jobs, records, the dialer, the journal.

Methods are named after the operations they serve (``make``, ``newcall``,
``cdr`` and the control API's). No HTTP here: the handlers parse, call one
method and render. Collaborators subscribe to its events (``on_job``, ``on_stored``,
``on_dropped``, ``on_reset``, ``on_flush``), as they do to the dialer's: ``--db``
(store/persistence.py) and the CLI's state freezer (gc_control.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import cdr, daytime, listings
from . import config as config_module
from .accounts import AccountState
from .clock import Clock, forward_target
from .config import Config
from .errors import InvalidField, StorageFailed, UnknownApiKey
from .faults import VendorFaultPlan
from .gc_control import paused
from .jobids import JobIds
from .journal import Entry, Journal
from .make import columns, envelope, lint
from .make.envelope import check_token
from .make.report import MakeReport
from .make.rows import duplicate, newcall_row, take_rows
from .models import Job, Record
from .outcomes import ForcedTable
from .recordings import Recordings
from .scheduler import Scheduler
from .simulation import Dialer
from .webhooks.outbox import Outbox

Page = listings.Page


class Backend:
    def __init__(self, config: Config, clock: Clock) -> None:
        self.clock = clock
        self.scheduler = Scheduler()
        self.accounts: dict[str, AccountState] = {}
        self.dialer = Dialer(self.scheduler, self.accounts)
        self.recordings = Recordings()
        self.outbox = Outbox(self.scheduler, self.accounts, clock, self.recordings.url)
        self.dialer.on_completed.append(self.outbox.completed)
        self.seed = (
            config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        )
        self.job_ids = JobIds(config.id_digits, self.seed)
        self.journal = Journal(config.journal_size)
        self.on_job: list[Callable[[Job], None]] = []  # a job was registered
        self.on_stored: list[Callable[[int], None]] = []  # so many records were stored
        self.on_dropped: list[Callable[[], None]] = []  # stored state was dropped
        self.on_reset: list[Callable[[], None]] = []  # every job and record was forgotten
        self.on_flush: list[Callable[[], None]] = []  # a step ended: make it durable
        #: A new job, before any of it is queued: make it durable, or raise StorageFailed.
        self.on_accept: list[Callable[[Job], None]] = []
        self.apply_config(config)
        self.reset()

    # -- configuration -------------------------------------------------------------------

    def apply_config(self, config: Config) -> None:
        """Takes a new configuration; what accounts that remain have accepted is kept."""
        self.config = config
        kept = {a.api_key for a in config.accounts}
        removed = [api_key for api_key in self.accounts if api_key not in kept]
        for api_key in removed:
            del self.accounts[api_key]
        if removed:
            self._emit(self.on_dropped)  # their records can now be freed
        for account in config.accounts:
            state = self.accounts.get(account.api_key)
            if state is None:
                self.accounts[account.api_key] = AccountState(account)
            else:
                state.configure(account)
        self.job_ids.resize(config.id_digits)
        self.dialer.retry_interval = config.retry_interval
        self.dialer.forced = ForcedTable(config.forced_outcomes)
        self.journal.resize(config.journal_size)
        self.outbox.resize(config.delivery_log_size)
        self.outbox.faults = config.faults.webhooks
        self.faults = VendorFaultPlan(config.faults.vendor, self.seed)
        if config.public_url:
            self.recordings.public_url = config.public_url.rstrip("/")

    def reset(self) -> None:
        """Forgets jobs, calls, cdr, the journal and deliveries; keeps the configuration."""
        self.scheduler.clear()
        self.outbox.clear()
        self._emit(self.on_reset)
        for api_key, state in list(self.accounts.items()):
            self.accounts[api_key] = AccountState(state.config)
        self.jobs: dict[int, Job] = {}
        self.journal.clear()
        self._record_seq = 0
        self._emit(self.on_dropped)  # the records dropped can now be freed
        self.reseed(self.seed)

    def reseed(self, seed: int) -> None:
        """Job ids and call outcomes follow ``seed`` from now on."""
        self.seed = seed
        self.dialer.seed = seed
        self.outbox.seed = seed
        self.faults = VendorFaultPlan(self.config.faults.vendor, seed)
        self.job_ids.reseed(seed)
        self.flush()

    # -- the vendor's methods ------------------------------------------------------------------

    def account(self, api_key: str) -> AccountState:
        state = self.accounts.get(api_key)
        if state is None:
            raise UnknownApiKey(f"api key {api_key!r} is not an account of this emulator")
        return state

    def make(self, api_key: str, body: bytes, entry: Entry) -> MakeReport:
        # A batch is a thousand row objects that die with the request and a thousand records
        # that live on: without a pause, the collector would walk the rows midway (and the
        # records with them) for nothing. Paused here, the rows are gone before it resumes.
        with paused():
            return self._make(api_key, body, entry)

    def _make(self, api_key: str, body: bytes, entry: Entry) -> MakeReport:
        account = self.account(api_key)
        request = envelope.read(body, account.config.access_token, entry)
        if isinstance(request, MakeReport):
            return request
        return self._make_job(account, request.data, entry)

    def _make_job(self, account: AccountState, data: list[Any], entry: Entry) -> MakeReport:
        now = self.clock.now()
        job = self._job(account, "make", now)
        self._register(account, job)
        job.lines = len(data)
        first = self._record_seq + 1
        made = columns.records(data, account.scenarios, job, first, account.numbers)
        if made is not None:  # the usual batch: every row stored, nothing to explain
            self._record_seq += len(made)
            job.records = made
            job.ok = job.inserted = len(made)
            account.add_new(made)
        else:
            take_rows(account, job, data, entry, lambda made: self._insert(account, job, made))
        self._accepted(account, job)
        for listener in self.on_stored:
            listener(job.inserted)
        self.dialer.enqueue_batch(account, job.records, now)
        self.flush()  # durable before the report leaves
        return MakeReport(200, job.lines, job.ok, job.inserted, job.errorcode, job.id)

    def newcall(self, api_key: str, fields: dict[str, Any], entry: Entry) -> dict[str, int]:
        account = self.account(api_key)
        check_token(fields, account.config.access_token)
        strings = lint.newcall(entry, fields)
        now = self.clock.now()
        job = self._job(account, "newcall", now)  # registered only if its record is taken
        record, errors = newcall_row(fields, account.scenarios, job, strings)
        if record is None:
            raise InvalidField("; ".join(map(str, errors)))
        pending = account.pending(record.number, record.scenario)
        if pending is not None:
            entry.warn("duplicate_skipped", "phone", duplicate(0, record, False))
            return {"QUERY_ID": pending.job.id, "QUERY_COUNT": 0}
        self._register(account, job)
        job.lines = job.ok = 1
        self._insert(account, job, record)
        self._accepted(account, job)
        self.dialer.enqueue(account, record, now, now)
        for listener in self.on_stored:
            listener(1)
        self.flush()  # durable before the answer leaves
        return {"QUERY_ID": job.id, "QUERY_COUNT": 1}

    def cdr(self, api_key: str, fields: dict[str, Any], entry: Entry) -> list[dict[str, Any]]:
        account = self.account(api_key)
        check_token(fields, account.config.access_token)
        cdr.check(fields, entry)
        return cdr.query(account, fields, self.clock.now())

    def _job(self, account: AccountState, kind: str, now: float) -> Job:
        """A job not yet registered: it has no id until :meth:`_register` gives it one."""
        first_day, _ = daytime.local_day(now, account.zone)
        return Job(0, account.config.api_key, kind, now, first_day)

    def _accepted(self, account: AccountState, job: Job) -> None:
        """A new job, before any of it is queued. A listener that cannot make it durable
        (``--db`` on a full disk) raises :class:`StorageFailed`: the job is then forgotten
        and refused whole, so what is acknowledged is what is stored."""
        try:
            for listener in self.on_accept:
                listener(job)
        except StorageFailed:
            del self.jobs[job.id]
            del account.jobs[job.id]
            for record in job.records:
                account.remove(record)
            raise

    def _register(self, account: AccountState, job: Job) -> None:
        job.id = job_id = self.job_ids.draw(self.jobs, account.config.api_key, len(account.jobs))
        self.jobs[job_id] = job
        account.jobs[job_id] = job
        for listener in self.on_job:
            listener(job)

    def _insert(self, account: AccountState, job: Job, record: Record) -> None:
        """Adds a record to its job and indexes; the caller queues the job's records."""
        self._record_seq += 1
        record.seq = self._record_seq
        job.records.append(record)
        job.inserted += 1
        account.add(record)

    # -- the clock ---------------------------------------------------------------------------

    def iso(self, epoch: float) -> str:
        """An emulator time in ISO 8601, in the first account's zone."""
        return daytime.iso(epoch, next(iter(self.accounts.values())).zone)

    def now_iso(self) -> str:
        return self.iso(self.clock.now())

    def run_due(self) -> int:
        """Runs what is due now (the real-time driver calls this)."""
        with paused():
            ran = self.scheduler.run_until(self.clock.now())
        self.flush()
        return ran

    def move_to(self, when: float) -> int:
        """Moves the clock forward to ``when``, running every event due on the way, in order,
        the clock at each event's time."""
        with paused():
            ran = self.scheduler.run_until(when, self.clock.move_to)
        self.clock.move_to(when)
        self.flush()  # before the webhooks this step queued are sent
        return ran

    def advance_target(self, seconds: float) -> float:
        """Where ``POST /_mock/clock/advance`` moves the clock (its schema bounds ``seconds``)."""
        return self.clock.now() + seconds

    def set_target(self, now: str) -> float:
        """Where ``POST /_mock/clock/set`` moves the clock: forward only, at most MAX_MOVE."""
        return forward_target(self.clock.now(), now, self.iso)

    def flush(self) -> None:
        """Writes what changed since the last flush, in one transaction (``--db`` only)."""
        for listener in self.on_flush:
            listener()

    @staticmethod
    def _emit(listeners: list[Callable[[], None]]) -> None:
        for listener in listeners:
            listener()

    # -- the rest of the control API ---------------------------------------------------------

    def put_config(self, data: Any) -> Config:
        """``PUT /_mock/config``: what a new configuration may change (see config.replacing),
        applied; a new seed reseeds."""
        new = config_module.replacing(self.config, data)
        self.apply_config(new)
        if new.seed is not None and new.seed != self.seed:
            self.reseed(new.seed)
        return new

    def reached_at(self, host: str, origin: str) -> None:
        """Clients reach the emulator at ``origin`` (their Host header ``host``): recording
        URLs point there, unless config ``public_url`` says where."""
        self.recordings.public_host = host
        if not self.config.public_url:
            self.recordings.public_url = origin

    def jobs_page(self, offset: int, limit: int, api_key: str | None = None) -> Page[Any]:
        """``GET /_mock/jobs``: (account, job) pairs, oldest first."""
        return listings.page_of(listings.jobs(self._accounts(api_key)), offset, limit)

    def calls_page(
        self, offset: int, limit: int, *, api_key: str | None = None, state: str | None = None,
        phone: str | None = None, job: int | None = None,
    ) -> Page[tuple[AccountState, Record]]:  # fmt: skip
        """``GET /_mock/calls``: (account, record) pairs matching every filter given."""
        listings.check_state(state)
        if api_key is not None and state is None and not phone and job is None:
            return listings.page_of_account(self.account(api_key), offset, limit)
        found = self.find_records(api_key=api_key, state=state, phone=phone, job=job)
        return listings.page_of(found, offset, limit)

    def journal_page(self, offset: int, limit: int, **filters: Any) -> Page[Entry]:
        """``GET /_mock/journal``: the entries matching ``filters``, oldest first."""
        return listings.page_of(self.journal.entries(**filters), offset, limit)

    def find_records(
        self, *, api_key: str | None = None, state: str | None = None, phone: str | None = None,
        job: int | None = None,
    ) -> list[tuple[AccountState, Record]]:  # fmt: skip
        """Records matching every filter given, oldest first."""
        return listings.find_records(self._accounts(api_key), state, phone, job)

    def _accounts(self, api_key: str | None) -> list[AccountState]:
        """The one account named (an unknown one is refused), else every account."""
        return [self.account(api_key)] if api_key else list(self.accounts.values())

    def recording(self, api_key: str, token: str) -> bytes:
        """The WAV behind a URL a webhook carried; another account's key finds nothing."""
        return self.recordings.wav(self.account(api_key), token, self.seed)

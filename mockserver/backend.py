"""The emulator's one backend object: accounts, jobs, records, the dialer, the journal.

Methods are named after the operations they serve (``make``, ``newcall``,
``cdr`` and the control API's). No HTTP here: the handlers parse, call one
method and render.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import collector, daytime, phones, recordings
from .accounts import AccountState
from .cdr import query as cdr_query
from .clock import Clock
from .config import Config
from .errors import (
    BadAccessToken,
    InvalidDate,
    InvalidField,
    NotFound,
    UnknownApiKey,
)
from .faults import VendorFaultPlan
from .journal import Entry, Journal
from .make import columns, envelope, lint
from .make.envelope import same
from .make.report import MakeReport
from .make.rows import duplicate, newcall_row, take_rows
from .make.rules import given, text
from .models import Job, Record
from .outcomes import ForcedTable
from .scheduler import Scheduler
from .simulation import Dialer
from .validation import validator
from .webhooks.outbox import Outbox

if TYPE_CHECKING:
    from .store import Persistence


class Backend:
    def __init__(self, config: Config, clock: Clock) -> None:
        self.clock = clock
        self.scheduler = Scheduler()
        self.accounts: dict[str, AccountState] = {}
        self.dialer = Dialer(self.scheduler, self.accounts)
        self.outbox = Outbox(self.scheduler, self.accounts, clock)
        self.dialer.on_completed.append(self.outbox.completed)
        self.outbox.recording_url = self.recording_url
        self._recording_key = secrets.token_bytes(32)  # per process: recording URLs unguessable
        #: The emulator's address as clients reach it (config ``public_url``, else learned).
        self.public_url: str | None = None
        self.public_host = ""  # the Host header public_url was learned from
        self.seed = (
            config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        )
        self.journal = Journal(config.journal_size)
        #: Set by the standalone server: see :class:`~mockserver.collector.Settler`.
        self.settler: collector.Settler | None = None
        #: ``--db``: keeps what is accepted and what happens to it; None keeps all in memory.
        self.store: Persistence | None = None
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
        if removed and self.settler is not None:
            self.settler.thaw()  # their records can now be freed
        for account in config.accounts:
            state = self.accounts.get(account.api_key)
            if state is None:
                self.accounts[account.api_key] = AccountState(account)
            else:
                state.configure(account)
        low = 10 ** (config.id_digits - 1)
        self._id_range = low, 9 * low, (9 * low).bit_length()  # job ids: see _register
        self.dialer.retry_interval = config.retry_interval
        self.dialer.forced = ForcedTable(config.forced_outcomes)
        self.journal.resize(config.journal_size)
        self.outbox.resize(config.delivery_log_size)
        self.outbox.faults = config.faults.webhooks
        self.faults = VendorFaultPlan(config.faults.vendor, self.seed)
        if config.public_url:
            self.public_url = config.public_url.rstrip("/")

    def reset(self) -> None:
        """Forgets jobs, calls, cdr, the journal and deliveries; keeps the configuration."""
        self.scheduler.clear()
        self.outbox.clear()
        if self.store is not None:
            self.store.clear()
        for api_key, state in list(self.accounts.items()):
            self.accounts[api_key] = AccountState(state.config)
        self.jobs: dict[int, Job] = {}
        self.journal.clear()
        self._record_seq = 0
        if self.settler is not None:
            self.settler.thaw()  # the records dropped can now be freed
        self.reseed(self.seed)

    def reseed(self, seed: int) -> None:
        """Job ids and call outcomes follow ``seed`` from now on."""
        self.seed = seed
        self.dialer.seed = seed
        self.outbox.seed = seed
        self.faults = VendorFaultPlan(self.config.faults.vendor, seed)
        self._ids = random.Random(seed)
        self.flush()

    # -- the vendor's methods ------------------------------------------------------------------

    def account(self, api_key: str) -> AccountState:
        state = self.accounts.get(api_key)
        if state is None:
            raise UnknownApiKey(f"api key {api_key!r} is not an account of this emulator")
        return state

    def check_token(self, account: AccountState, fields: dict[str, Any]) -> None:
        """newcall, cdr: no token is documented; one a client sends must match."""
        token = fields.get("access_token")
        if given(token) and not same(text(token), account.config.access_token):
            raise BadAccessToken("access_token: does not match the account's token")

    def make(self, api_key: str, body: bytes, entry: Entry) -> MakeReport:
        # A batch is a thousand row objects that die with the request and a thousand records
        # that live on: without a pause, the collector would walk the rows midway (and the
        # records with them) for nothing. Paused here, the rows are gone before it resumes.
        with collector.paused():
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
        if self.settler is not None:
            self.settler.stored(job.inserted)
        self.dialer.enqueue_batch(account, job.records, now)
        self.flush()  # durable before the report leaves
        return MakeReport(200, job.lines, job.ok, job.inserted, job.errorcode, job.id)

    def newcall(self, api_key: str, fields: dict[str, Any], entry: Entry) -> dict[str, int]:
        account = self.account(api_key)
        self.check_token(account, fields)
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
        self.dialer.enqueue(account, record, now, now)
        if self.settler is not None:
            self.settler.stored(1)
        self.flush()  # durable before the answer leaves
        return {"QUERY_ID": job.id, "QUERY_COUNT": 1}

    def cdr(self, api_key: str, fields: dict[str, Any], entry: Entry) -> list[dict[str, Any]]:
        account = self.account(api_key)
        self.check_token(account, fields)
        lint.unknown_fields(entry, fields, lint.CDR_FIELDS, "")
        errors = validator("cdr.request").errors(fields)
        if errors:
            dates = any(e.field in ("date_from", "date_to") for e in errors)
            raise (InvalidDate if dates else InvalidField)("; ".join(map(str, errors)))
        return cdr_query(account, fields, self.clock.now())

    def _job(self, account: AccountState, kind: str, now: float) -> Job:
        """A job not yet registered: it has no id until :meth:`_register` gives it one."""
        first_day, _ = daytime.local_day(now, account.zone)
        return Job(0, account.config.api_key, kind, now, first_day)

    def _register(self, account: AccountState, job: Job) -> None:
        # A seeded draw of id_digits digits, as random.randrange(low, 10 * low) draws it
        # (its rejection sampling, written out: a newcall a request pays for each call).
        low, span, bits = self._id_range
        draw = self._ids.getrandbits
        while True:
            offset = draw(bits)
            while offset >= span:
                offset = draw(bits)
            job_id = low + offset
            if job_id not in self.jobs:
                break
        job.id = job_id
        self.jobs[job_id] = job
        account.jobs[job_id] = job
        if self.store is not None:
            self.store.job_added(job)

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
        with collector.paused():
            ran = self.scheduler.run_until(self.clock.now())
        self.flush()
        return ran

    def move_to(self, when: float, pause: Callable[[], bool] | None = None) -> int:
        """Moves the clock forward to ``when``, running every event due on the way, in order.

        With ``pause``, stops at the first event after which ``pause()`` is true, the
        clock at that event's time; call again to go on.
        """
        with collector.paused():
            ran = self.scheduler.run_until(when, self.clock.move_to, pause)
        if pause is None or not pause():
            self.clock.move_to(when)
        self.flush()  # before the webhooks this step queued are sent
        return ran

    def flush(self) -> None:
        """Writes what changed since the last flush, in one transaction (``--db`` only)."""
        if self.store is not None:
            self.store.flush()

    # -- recordings --------------------------------------------------------------------------

    def recording_url(self, account: AccountState, record: Record) -> str:
        """The absolute URL of an answered record's WAV; "" when nothing was recorded."""
        if not record.code.startswith("ANSWER/") or record.sec <= 0:
            return ""
        api_key = account.config.api_key
        token = recordings.token(self._recording_key, api_key, record.seq)
        return f"{self.public_url or ''}/{api_key}/recordings/{token}.wav"

    def recording(self, api_key: str, token: str) -> bytes:
        """The WAV behind a URL from :meth:`recording_url`; another account's key finds nothing."""
        account = self.account(api_key)
        seq = recordings.record_of(self._recording_key, api_key, token)
        record = account.answered.get(seq) if seq is not None else None
        if record is None or not self.recording_url(account, record):
            raise NotFound("recording: no such recording for this account")
        scenario = account.config.scenario(record.scenario)
        phrase = scenario.phrases[0] if scenario and scenario.phrases else ""
        return recordings.wav(self.seed, record.seq, record.sec, phrase)

    def page_records(
        self, offset: int, limit: int, **filters: Any
    ) -> tuple[int, list[tuple[AccountState, Record]]]:
        """How many records match, and the page ``offset:offset+limit`` of them.

        The dashboard pages through one account's records unfiltered: that page is found
        by walking job lengths, without building the list of a hundred thousand records.
        """
        api_key = filters.get("api_key")
        if api_key is None or any(filters.get(k) is not None for k in ("state", "phone", "job")):
            found = self.find_records(**filters)
            return len(found), found[offset : offset + limit]
        account = self.account(api_key)
        total = sum(len(job.records) for job in account.jobs.values())
        page: list[tuple[AccountState, Record]] = []
        skip = offset
        for job in account.jobs.values():
            if skip >= len(job.records):
                skip -= len(job.records)
                continue
            page.extend((account, r) for r in job.records[skip : skip + limit - len(page)])
            skip = 0
            if len(page) >= limit:
                break
        return total, page

    def find_records(
        self,
        *,
        api_key: str | None = None,
        state: str | None = None,
        phone: str | None = None,
        job: int | None = None,
    ) -> list[tuple[AccountState, Record]]:
        """Records matching every filter given, oldest first, through an index where one applies."""
        found: list[tuple[AccountState, Record]] = []
        accounts = [self.account(api_key)] if api_key is not None else list(self.accounts.values())
        for account in accounts:
            candidates: Iterable[Record]
            if job is not None:
                candidates = account.jobs[job].records if job in account.jobs else []
            elif phone:
                candidates = account.of_number(phones.normalise(phone))
            else:
                candidates = account.records()
            found.extend((account, r) for r in candidates if state is None or r.state == state)
        if len(accounts) > 1:
            found.sort(key=lambda pair: pair[1].seq)
        return found

"""Keeps a backend's state in SQLite (``--db``): marks what changes, writes it at the
backend's flush points, and rebuilds the backend from the file at start.

Marking is cheap (a dict slot per changed object); the backend flushes at the end
of every request that accepts something and of every clock step, so a flush is one
transaction covering everything the step changed. What is written is each object's
state at flush time, so marking it once anywhere in the step is enough.

This is the one module that reaches into the backend's and the outbox's private
attributes (the id generator's state, the per-process keys): they are what makes a
restarted emulator continue the same run, and nothing else may touch them.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..accounts import AccountState
from ..errors import ConfigError, StorageFailed
from ..models import Job, Record
from ..webhooks.models import Delivery
from .sqlite import FileLocked, Snapshot, SqliteStore

if TYPE_CHECKING:
    from ..backend import Backend

log = logging.getLogger(__name__)
T = TypeVar("T")


class Persistence:
    def __init__(self, backend: Backend, store: SqliteStore) -> None:
        self.backend = backend
        self.store = store
        self._jobs: dict[int, Job] = {}
        self._records: dict[int, Record] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._clear = False

    # -- marks (called as things happen) ----------------------------------------------------

    def job_added(self, job: Job) -> None:
        """A new job: written with every record it holds at the next flush."""
        self._jobs[job.id] = job

    def record_changed(self, _account: AccountState, record: Record) -> None:
        self._records[record.seq] = record

    def delivery_changed(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery

    def clear(self) -> None:
        """The backend was reset: the next flush empties the file first."""
        self._jobs.clear()
        self._records.clear()
        self._deliveries.clear()
        self._clear = True

    # -- writing ----------------------------------------------------------------------------

    def flush(self, strict: bool = False, last: bool = False) -> None:
        """One transaction: new jobs and their records, changed records and deliveries, meta.

        When the file cannot take it (a full disk, a read-only file), what was marked stays
        marked for the next flush. ``strict`` (a job about to be queued) then raises
        :class:`StorageFailed`; a clock step logs it and goes on: the calls it moved are
        written by the next flush that succeeds.
        """
        records = self._records
        for job in self._jobs.values():
            for record in job.records:
                records[record.seq] = record
        try:
            self.store.write(
                self._jobs.values(),
                records.values(),
                self._deliveries.values(),
                self._meta(),
                clear=self._clear,
            )
        except sqlite3.Error as exc:
            problem = f"{self.store.path}: could not write ({exc})"
            if strict:
                raise StorageFailed(f"--db {problem}; nothing was accepted") from None
            later = (
                "the file keeps the state of its last write that succeeded"
                if last
                else "it is tried again at the next change"
            )
            log.error("--db %s; %s", problem, later)
            return
        self._jobs.clear()
        self._records.clear()
        self._deliveries.clear()
        self._clear = False

    def accept(self, job: Job) -> None:
        """A new job is written before any of it is queued; one that cannot be is refused
        (:class:`StorageFailed`) and never written later either."""
        try:
            self.flush(strict=True)
        except StorageFailed:
            self._jobs.pop(job.id, None)
            for record in job.records:
                self._records.pop(record.seq, None)
            raise
        self.job_added(job)  # written again once queued, with the records' due times

    def close(self) -> None:
        """The last flush, then the file closed; a write that fails is logged, not raised:
        the file keeps the state of the last write that succeeded."""
        self.flush(last=True)
        self.store.close()

    def _meta(self) -> dict[str, str]:
        b = self.backend
        meta = {
            "seed": str(b.seed),
            "now": repr(b.clock.now()),  # repr: the float back exactly
            "recording_key": b.recordings.key.hex(),
            "generation": str(b.outbox._generation),
        }
        return meta  # not the learned public_url: a later run learns its own

    # -- reading ----------------------------------------------------------------------------

    def restore(self, snap: Snapshot) -> None:
        """Rebuilds the backend from a file's rows; a fresh file changes nothing."""
        meta, b = snap.meta, self.backend
        if not meta:
            return
        seed = _meta(meta, "seed", int, "an integer")
        recording_key = _meta(meta, "recording_key", bytes.fromhex, "hexadecimal")
        generation = _meta(meta, "generation", int, "an integer")
        now = _meta(meta, "now", float, "a number")
        if not math.isfinite(now) or abs(now) > 1e12:
            raise ConfigError(f"meta 'now': {meta['now'][:40]!r} is not a time the clock can hold")
        b.reseed(seed)
        b.recordings.key = recording_key
        b.clock.move_to(now)  # forward only: --start may be later still
        b._record_seq = snap.max_seq
        now = b.clock.now()
        skipped: Counter[str] = Counter()
        for job in snap.jobs:
            b.jobs[job.id] = job  # its id stays taken even if its account is not configured
            account = b.accounts.get(job.api_key)
            if account is None:
                skipped[job.api_key] += 1
            else:
                account.jobs[job.id] = job
        for record in snap.records:
            account = b.accounts.get(record.job.api_key)
            if account is None:
                continue
            account.add(record)
            if record.last_time is not None:
                account.cdr.started(record, record.last_time)
                account.attempt_finished(record, None)
            b.dialer.resume(account, record, now)
        b.outbox.restore(
            [d for d in snap.deliveries if d.api_key in b.accounts],
            generation,
            snap.max_delivery,
        )
        for api_key, count in skipped.items():
            log.warning(
                "--db: %d job(s) of account %r are kept in the file but not loaded: "
                "the account is not in the configuration",
                count,
                api_key,
            )


def _meta(meta: dict[str, str], key: str, parse: Callable[[str], T], kind: str) -> T:
    """One meta value read with ``parse``, or a ConfigError naming the key and what it held."""
    value = meta.get(key)
    if not isinstance(value, str):
        shown = "missing" if value is None else f"a {type(value).__name__}"
        raise ConfigError(f"meta {key!r}: {shown}, not {kind}")
    try:
        return parse(value)
    except (ValueError, TypeError, OverflowError):
        raise ConfigError(f"meta {key!r}: {value[:40]!r} is not {kind}") from None


def attach(backend: Backend, path: str) -> Persistence:
    """Opens (creating or migrating) the file, restores the backend from it, and keeps it
    up to date from now on. A file that is locked by another process, that SQLite cannot
    use, or that holds values the emulator cannot have written, is refused as a ConfigError
    naming the problem in one line."""
    try:
        store = SqliteStore(path)
    except (sqlite3.Error, FileLocked, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"{path}: {reason}") from None
    persistence = Persistence(backend, store)
    try:
        damage = store.damage()
        if damage is not None:
            raise ConfigError(f"damaged: {damage}")
        persistence.restore(store.load())
    except ConfigError as exc:
        store.close()
        raise ConfigError(f"{path}: {exc.message}") from None
    except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
        store.close()
        raise ConfigError(f"{path}: damaged: {type(exc).__name__}: {exc}") from None
    backend.on_job.append(persistence.job_added)
    backend.on_reset.append(persistence.clear)
    backend.on_flush.append(persistence.flush)
    backend.on_accept.append(persistence.accept)
    backend.dialer.on_changed.append(persistence.record_changed)
    backend.outbox.on_changed = persistence.delivery_changed
    backend.flush()  # a fresh file gets its meta (seed, keys, clock) at once
    return persistence

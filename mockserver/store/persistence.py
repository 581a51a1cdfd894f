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
import sqlite3
from collections import Counter
from typing import TYPE_CHECKING

from ..accounts import AccountState
from ..errors import ConfigError
from ..models import Job, Record
from ..webhooks.models import Delivery
from .sqlite import Snapshot, SqliteStore

if TYPE_CHECKING:
    from ..backend import Backend

log = logging.getLogger(__name__)


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

    def flush(self) -> None:
        """One transaction: new jobs and their records, changed records and deliveries, meta."""
        records = self._records
        for job in self._jobs.values():
            for record in job.records:
                records[record.seq] = record
        self.store.write(
            self._jobs.values(),
            records.values(),
            self._deliveries.values(),
            self._meta(),
            clear=self._clear,
        )
        self._jobs.clear()
        self._records.clear()
        self._deliveries.clear()
        self._clear = False

    def close(self) -> None:
        self.flush()
        self.store.close()

    def _meta(self) -> dict[str, str]:
        b = self.backend
        meta = {
            "seed": str(b.seed),
            "now": repr(b.clock.now()),  # repr: the float back exactly
            "recording_key": b.recordings.key.hex(),
            "generation": str(b.outbox._generation),
        }
        if b.recordings.public_url:
            meta["public_url"] = b.recordings.public_url
        return meta

    # -- reading ----------------------------------------------------------------------------

    def restore(self, snap: Snapshot) -> None:
        """Rebuilds the backend from a file's rows; a fresh file changes nothing."""
        meta, b = snap.meta, self.backend
        if not meta:
            return
        b.reseed(int(meta["seed"]))
        b.recordings.key = bytes.fromhex(meta["recording_key"])
        b.clock.move_to(float(meta["now"]))  # forward only: --start may be later still
        if not b.config.public_url and meta.get("public_url"):
            b.recordings.public_url = meta["public_url"]
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
            int(meta["generation"]),
            snap.max_delivery,
        )
        for api_key, count in skipped.items():
            log.warning(
                "--db: %d job(s) of account %r are kept in the file but not loaded: "
                "the account is not in the configuration",
                count,
                api_key,
            )


def attach(backend: Backend, path: str) -> Persistence:
    """Opens (creating or migrating) the file, restores the backend from it, and keeps it
    up to date from now on. A file SQLite cannot use is refused as a ConfigError."""
    try:
        store = SqliteStore(path)
    except sqlite3.Error as exc:
        raise ConfigError(f"{path}: {exc}") from None
    persistence = Persistence(backend, store)
    try:
        persistence.restore(store.load())
    except sqlite3.Error as exc:
        store.close()
        raise ConfigError(f"{path}: {exc}") from None
    except Exception:
        store.close()
        raise
    backend.on_job.append(persistence.job_added)
    backend.on_reset.append(persistence.clear)
    backend.on_flush.append(persistence.flush)
    backend.dialer.on_changed.append(persistence.record_changed)
    backend.outbox.on_changed = persistence.delivery_changed
    backend.flush()  # a fresh file gets its meta (seed, keys, clock) at once
    return persistence

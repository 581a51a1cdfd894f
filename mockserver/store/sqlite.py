"""The SQLite file behind ``--db``: rows in and out, nothing about how the emulator runs.

Every write is one transaction (``write``), so a file always holds a state the
emulator was in after some request or clock step. WAL with ``synchronous=NORMAL``:
a commit is in the file once ``COMMIT`` returns, whatever happens to the process
after (SIGKILL included); only a power cut may lose the last commits.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from .. import rowtexts
from ..models import Attempt, Dialled, Job, Record
from ..text import scrubbed
from ..webhooks.models import AttemptLog, Delivery
from .migrations import migrate

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

_RECORD_COLUMNS = (
    "seq, job, row_id, name, phone, number, uuid, var1, var2, var3, scenario, start, stop, "
    "maxcount, state, attempts, next_at, dialing_since, last_time, code, sec, answer"
)
_RECORD_MUTABLE = ("state", "attempts", "next_at", "dialing_since", "last_time", "code", "sec")
_UPSERT_RECORD = (
    f"INSERT INTO records ({_RECORD_COLUMNS}) VALUES ({', '.join('?' * 22)}) "
    "ON CONFLICT (seq) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_RECORD_MUTABLE, "answer"))
)
# Named as the fields of Job and Delivery: a row is read back by name, not by position.
_JOB_FIELDS = (
    "id", "api_key", "kind", "created", "first_day", "lines", "ok", "inserted", "errorcode"
)  # fmt: skip
_JOB_COLUMNS = ", ".join(_JOB_FIELDS)
_DELIVERY_FIELDS = (
    "id", "event_id", "api_key", "subscription", "record", "query_id", "created", "body",
    "content_type", "faults", "duplicate", "state", "next_at", "scheduled",
)  # fmt: skip
_DELIVERY_COLUMNS = ", ".join(_DELIVERY_FIELDS)
_ATTEMPT_LOG_COLUMNS = (
    "delivery, n, at, trigger, url, status, latency_ms, outcome, error, retry_after"
)
_UPSERT_DELIVERY = (
    f"INSERT INTO deliveries ({_DELIVERY_COLUMNS}) VALUES ({', '.join('?' * 14)}) "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, next_at = excluded.next_at, "
    "scheduled = excluded.scheduled"
)
TABLES = ("jobs", "records", "attempts", "deliveries", "delivery_attempts", "meta")
#: What SQLite's typeof() may say of a column of each declared type (an integer is a REAL too).
_TYPES = {"TEXT": "'text'", "INTEGER": "'integer'", "REAL": "'real', 'integer'", "BLOB": "'blob'"}
_PYTHON = {"TEXT": (str,), "INTEGER": (int,), "REAL": (float, int), "BLOB": (bytes,)}


_NULL = {True: "", False: ", 'null'"}


def _fits(value: Any, kind: str, notnull: bool) -> bool:
    if value is None:
        return not notnull
    return isinstance(value, _PYTHON[kind])


def _scrubbed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(scrubbed(v) if isinstance(v, str) else v for v in row)


def _lock(path: str) -> int | None:
    """An exclusive lock on the file for this process's lifetime, or :class:`FileLocked`.

    Two emulators on one file would hand out the same job ids and overwrite each other's
    records. ``flock`` locks are apart from the POSIX locks SQLite takes, so this one does
    not disturb them; its descriptor is closed only after SQLite's (closing any descriptor
    of a file drops the process's POSIX locks on it). Where ``fcntl`` is missing (Windows)
    the file is not locked.
    """
    if fcntl is None or path in ("", ":memory:") or path.startswith("file:"):
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise FileLocked(
            "in use by another autodialer-mock process (the file is locked); "
            "stop that one or use another file"
        ) from None
    return fd


class FileLocked(Exception):
    """The file is locked by another process."""


@dataclass
class Snapshot:
    """What a file holds, as model objects; records and jobs are not yet in any index."""

    meta: dict[str, str] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)  # upload order
    records: list[Record] = field(default_factory=list)  # seq order, each in its job's list
    deliveries: list[Delivery] = field(default_factory=list)  # id order
    max_seq: int = 0  # over every row, loaded or not: numbers are never reused
    max_delivery: int = 0


class SqliteStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = _lock(path)
        # Autocommit mode: transactions are the explicit BEGIN/COMMIT of write(). Any thread:
        # an app may be built in one thread and served from another (one at a time).
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.version = migrate(self.conn)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.conn.close()
        if self._lock is not None:  # after SQLite's own descriptor: see _lock
            os.close(self._lock)
            self._lock = None

    def write(
        self,
        jobs: Iterable[Job],
        records: Iterable[Record],
        deliveries: Iterable[Delivery],
        meta: dict[str, str],
        clear: bool = False,
    ) -> None:
        """One transaction: (everything deleted first, with ``clear``), then the rows given.

        A text SQLite cannot encode (a lone surrogate that got past the Unicode gate) would
        fail every write from then on: the rows are written again with it as U+FFFD.
        """
        jobs, records, deliveries = list(jobs), list(records), list(deliveries)
        try:
            self._write(jobs, records, deliveries, meta, clear, None)
        except UnicodeEncodeError:
            self._write(jobs, records, deliveries, meta, clear, _scrubbed)

    def _write(
        self,
        jobs: list[Job],
        records: list[Record],
        deliveries: list[Delivery],
        meta: dict[str, str],
        clear: bool,
        fix: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None,
    ) -> None:
        def rows(items: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
            return items if fix is None else map(fix, items)

        conn = self.conn
        conn.execute("BEGIN")
        try:
            if clear:
                for table in TABLES:
                    conn.execute(f"DELETE FROM {table}")  # fixed names, not input
            conn.executemany(
                f"INSERT OR REPLACE INTO jobs ({_JOB_COLUMNS}) VALUES ({', '.join('?' * 9)})",
                rows(map(_job_row, jobs)),
            )
            conn.executemany(_UPSERT_RECORD, rows(map(_record_row, records)))
            conn.executemany(
                "INSERT OR IGNORE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows(
                    (r.seq, n, a.started, a.ended, a.code, a.sec, a.answer)
                    for r in records
                    for n, a in enumerate(r.history or (), 1)
                ),
            )
            conn.executemany(_UPSERT_DELIVERY, rows(map(_delivery_row, deliveries)))
            conn.executemany(
                f"INSERT OR IGNORE INTO delivery_attempts ({_ATTEMPT_LOG_COLUMNS}) "
                f"VALUES ({', '.join('?' * 10)})",
                rows((d.id, *_log_row(a)) for d in deliveries for a in d.attempts),
            )
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk): a second ROLLBACK would
            # raise "no transaction is active" and hide the cause.
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def damage(self) -> str | None:
        """The first value of a type its column cannot hold (a blob where text belongs), as
        a sentence; None when every row is as the schema says. One scan of each table."""
        for table in TABLES:
            columns = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
            checks = [
                f"typeof({name}) NOT IN ({_TYPES[kind.upper()]}{_NULL[bool(notnull)]})"
                for _, name, kind, notnull, _, _ in columns
            ]
            found = self.conn.execute(
                f"SELECT {', '.join(c[1] for c in columns)} FROM {table} "
                f"WHERE {' OR '.join(checks)} LIMIT 1"
            ).fetchone()
            if found is not None:
                for (_, name, kind, notnull, *_), value in zip(columns, found, strict=True):
                    if not _fits(value, kind.upper(), bool(notnull)):
                        shown = type(value).__name__ if value is not None else "null"
                        return f"table {table}: column {name} holds a {shown}, not {kind.lower()}"
        return None

    def load(self) -> Snapshot:
        conn = self.conn
        snap = Snapshot(meta=dict(conn.execute("SELECT key, value FROM meta")))
        jobs: dict[int, Job] = {}
        for row in conn.execute(f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY rowid"):
            job = Job(**dict(zip(_JOB_FIELDS, row, strict=True)))
            jobs[job.id] = job
            snap.jobs.append(job)
        histories: dict[int, list[Attempt]] = {}
        for seq, *attempt in conn.execute(
            "SELECT record, started, ended, code, sec, answer FROM attempts ORDER BY record, n"
        ):
            histories.setdefault(seq, []).append(Attempt(*attempt))
        for row in conn.execute(f"SELECT {_RECORD_COLUMNS} FROM records ORDER BY seq"):
            owner = jobs.get(row[1])
            if owner is None:
                continue  # a row without its job: nothing could have accepted it
            record = _record(row, owner, histories.get(row[0]))
            owner.records.append(record)
            snap.records.append(record)
        logs: dict[int, list[AttemptLog]] = {}
        for delivery_id, *log in conn.execute(
            f"SELECT {_ATTEMPT_LOG_COLUMNS} FROM delivery_attempts ORDER BY delivery, n"
        ):
            logs.setdefault(delivery_id, []).append(AttemptLog(*log))
        for row in conn.execute(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries ORDER BY id"):
            fields = dict(zip(_DELIVERY_FIELDS, row, strict=True))
            fields["body"] = bytes(fields["body"])
            fields["faults"] = tuple(json.loads(fields["faults"]))
            fields["duplicate"] = bool(fields["duplicate"])
            delivery = Delivery(**fields, attempts=logs.get(fields["id"], []))
            snap.deliveries.append(delivery)
        snap.max_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]
        snap.max_delivery = conn.execute("SELECT coalesce(max(id), 0) FROM deliveries").fetchone()[
            0
        ]
        return snap


def _job_row(j: Job) -> tuple[Any, ...]:
    return (j.id, j.api_key, j.kind, j.created, j.first_day, j.lines, j.ok, j.inserted, j.errorcode)


def _log_row(a: AttemptLog) -> tuple[Any, ...]:
    return (a.n, a.at, a.trigger, a.url, a.status, a.latency_ms, a.outcome, a.error, a.retry_after)


def _record_row(r: Record) -> tuple[Any, ...]:
    phone, row_id, name, uuid, var1, var2, var3 = rowtexts.unpack(r.texts)
    return (
        r.seq,
        r.job.id,
        row_id,
        name,
        phone,
        r.number,
        uuid,
        var1,
        var2,
        var3,
        r.scenario,
        r.start,
        r.stop,
        r.maxcount,
        r.state,
        r.attempts,
        r.next_at,
        r.dialing_since,
        r.last_time,
        r.code,
        r.sec,
        r.answer,
    )


def _record(row: tuple[Any, ...], job: Job, history: list[Attempt] | None) -> Record:
    seq, _, row_id, name, phone, number, uuid, var1, var2, var3, scenario, *rest = row
    start, stop, maxcount, state, attempts, next_at, *dialled = rest
    record = Record(
        seq,
        job,
        rowtexts.pack(phone, row_id, name, uuid, var1, var2, var3),
        number,
        intern(scenario),
        start,
        stop,
        maxcount,
        state,
        next_at,
    )
    if attempts or history or dialled[0] is not None:  # dialing_since: caught mid-dial
        record.dial = Dialled(attempts, *dialled)
        if history:  # the last attempt's fields are the record's own columns
            record.dial.last_end = history[-1].ended
            record.dial.earlier = history[:-1] or None
    return record


def _delivery_row(d: Delivery) -> tuple[Any, ...]:
    return (
        d.id,
        d.event_id,
        d.api_key,
        d.subscription,
        d.record,
        d.query_id,
        d.created,
        d.body,
        d.content_type,
        json.dumps(list(d.faults)),
        int(d.duplicate),
        d.state,
        d.next_at,
        d.scheduled,
    )

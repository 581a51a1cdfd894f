"""The SQLite file behind ``--db``: rows in and out, nothing about how the emulator runs.

Every write is one transaction (``write``), so a file always holds a state the
emulator was in after some request or clock step. WAL with ``synchronous=NORMAL``:
a commit is in the file once ``COMMIT`` returns, whatever happens to the process
after (SIGKILL included); only a power cut may lose the last commits.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from ..models import Attempt, Dialled, Job, Record
from ..webhooks.models import AttemptLog, Delivery
from .migrations import migrate

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
        # Autocommit mode: transactions are the explicit BEGIN/COMMIT of write(). Any thread:
        # an app may be built in one thread and served from another (one at a time).
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.version = migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def write(
        self,
        jobs: Iterable[Job],
        records: Iterable[Record],
        deliveries: Iterable[Delivery],
        meta: dict[str, str],
        clear: bool = False,
    ) -> None:
        """One transaction: (everything deleted first, with ``clear``), then the rows given."""
        conn = self.conn
        conn.execute("BEGIN")
        try:
            if clear:
                for table in TABLES:
                    conn.execute(f"DELETE FROM {table}")  # fixed names, not input
            conn.executemany(
                f"INSERT OR REPLACE INTO jobs ({_JOB_COLUMNS}) VALUES ({', '.join('?' * 9)})",
                map(_job_row, jobs),
            )
            records = list(records)
            conn.executemany(_UPSERT_RECORD, map(_record_row, records))
            conn.executemany(
                "INSERT OR IGNORE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (r.seq, n, a.started, a.ended, a.code, a.sec, a.answer)
                    for r in records
                    for n, a in enumerate(r.history or (), 1)
                ),
            )
            deliveries = list(deliveries)
            conn.executemany(_UPSERT_DELIVERY, map(_delivery_row, deliveries))
            conn.executemany(
                f"INSERT OR IGNORE INTO delivery_attempts ({_ATTEMPT_LOG_COLUMNS}) "
                f"VALUES ({', '.join('?' * 10)})",
                ((d.id, *_log_row(a)) for d in deliveries for a in d.attempts),
            )
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

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
    return (
        r.seq,
        r.job.id,
        r.row_id,
        r.name,
        r.phone,
        r.number,
        r.uuid,
        r.var1,
        r.var2,
        r.var3,
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
    # Texts a campaign repeats are interned, as rows.spec does for fresh uploads.
    seq, _, row_id, name, phone, number, uuid, var1, var2, var3, scenario, *rest = row
    start, stop, maxcount, state, attempts, next_at, *dialled = rest
    record = Record(
        seq,
        job,
        row_id,
        intern(name),
        phone,
        number,
        intern(uuid),
        intern(var1),
        intern(var2),
        intern(var3),
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

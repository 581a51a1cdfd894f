"""The database's schema, as an ordered list of versioned migrations.

The version a file is at lives in SQLite's own header (``PRAGMA user_version``), so
it needs no table to be read and changes in the same transaction as the schema:
a migration is applied whole or not at all. A migration is never edited once
released; a change of schema is a new entry at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    script: str


V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- No INTEGER PRIMARY KEY: the implicit rowid keeps the upload order, which job ids
-- (random numbers) do not.
CREATE TABLE jobs (
    id INTEGER NOT NULL UNIQUE,
    api_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    created REAL NOT NULL,
    first_day INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    errorcode TEXT NOT NULL
);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    job INTEGER NOT NULL,
    row_id TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    number TEXT NOT NULL,
    uuid TEXT NOT NULL,
    var1 TEXT NOT NULL,
    var2 TEXT NOT NULL,
    var3 TEXT NOT NULL,
    scenario TEXT NOT NULL,
    start INTEGER,
    stop INTEGER,
    maxcount INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at REAL,
    dialing_since REAL,
    last_time REAL,
    code TEXT NOT NULL,
    sec INTEGER NOT NULL,
    answer TEXT NOT NULL
);
CREATE TABLE attempts (
    record INTEGER NOT NULL,
    n INTEGER NOT NULL,
    started REAL NOT NULL,
    ended REAL NOT NULL,
    code TEXT NOT NULL,
    sec INTEGER NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (record, n)
) WITHOUT ROWID;
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    api_key TEXT NOT NULL,
    subscription TEXT NOT NULL,
    record INTEGER NOT NULL,
    query_id INTEGER NOT NULL,
    created REAL NOT NULL,
    body BLOB NOT NULL,
    content_type TEXT NOT NULL,
    faults TEXT NOT NULL,
    duplicate INTEGER NOT NULL,
    state TEXT NOT NULL,
    next_at REAL,
    scheduled INTEGER NOT NULL
);
CREATE TABLE delivery_attempts (
    delivery INTEGER NOT NULL,
    n INTEGER NOT NULL,
    at REAL NOT NULL,
    trigger TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    latency_ms REAL NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT NOT NULL,
    retry_after TEXT,
    PRIMARY KEY (delivery, n)
) WITHOUT ROWID;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "jobs, records, attempts, deliveries and their attempts, meta", V1),
)


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Brings the file to the latest version, one migration per transaction; answers it.

    A file written by a newer emulator is refused rather than half understood.
    """
    current = version(conn)
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise ConfigError(
            f"the file is at schema version {current}, newer than this emulator's "
            f"{latest}; use a newer autodialer-mock or another file"
        )
    for migration in migrations:
        if migration.version <= current:
            continue
        # executescript runs outside Python's transaction handling: BEGIN/COMMIT are ours,
        # and user_version is written inside the same transaction as the schema.
        try:
            conn.executescript(
                f"BEGIN;\n{migration.script}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        current = migration.version
    return current

"""``--db``: the SQLite store, at the domain level (no HTTP).

A "crash" here is a backend whose file is closed without its last flush, as a killed
process leaves it (its lock goes with it): what a second backend reads from the file is
exactly what the first one had committed.
"""

from __future__ import annotations

import sqlite3
import weakref
from pathlib import Path
from typing import Any

import pytest

from mockserver.backend import Backend
from mockserver.clock import Clock
from mockserver.config import Config
from mockserver.errors import ConfigError
from mockserver.store import Persistence, attach
from mockserver.store.migrations import MIGRATIONS, Migration, migrate, version
from mockserver.store.sqlite import SqliteStore
from mockserver.views import job_view, record_view
from mockserver.webhooks.models import Result
from mockserver.webhooks.settings import Subscription

from .support import entry, make_body, manual_config, new_backend

HOUR = 3600


def config(**overrides: Any) -> Config:
    cfg = manual_config(**overrides)
    cfg.accounts[0].webhooks = [Subscription(url="http://127.0.0.1:9/hook", id="crm")]
    return cfg


#: Each persisted backend's store (the backend knows only its listeners).
STORES: weakref.WeakKeyDictionary[Backend, Persistence] = weakref.WeakKeyDictionary()


def persisted(path: Path, cfg: Config | None = None) -> Backend:
    backend = new_backend(cfg or config())
    STORES[backend] = attach(backend, str(path))
    return backend


def crash(backend: Backend) -> None:
    """What SIGKILL leaves: the file and its lock let go, nothing more written."""
    STORES[backend].store.close()


def upload(backend: Backend, count: int = 12, first: int = 0) -> None:
    # Last four digits force outcomes: 0000 answered, 0001 busy (retried), 0002 no answer.
    rows = [
        {"id": str(i), "phone": f"89{i:05d}000{i % 3}", "maxcount": 3, "var1": f"v{i % 2}"}
        for i in range(first, first + count)
    ]
    report = backend.make("apikey", make_body(rows), entry(backend, "make"))
    assert report.inserted == count
    fields = {"name": "Пётр", "phone": f"8900123{first:04d}", "UUID": "crm-1"}  # no window
    backend.newcall("apikey", fields, entry(backend, "newcall"))


def answer(backend: Backend, *statuses: int) -> None:
    """Answers the queued webhook requests with ``statuses`` in turn (the last one repeats)."""
    for i, send in enumerate(backend.outbox.take_due()):
        backend.outbox.finish(send, Result(statuses[min(i, len(statuses) - 1)], 1.5))
    backend.flush()


def state(backend: Backend) -> dict[str, Any]:
    """Everything a client or a test can see of a run."""
    return {
        "records": [record_view(r, a.zone) for a, r in backend.find_records()],
        "jobs": [job_view(j, a.zone) for a in backend.accounts.values() for j in a.jobs.values()],
        "deliveries": [d.to_dict(backend.iso) for d in backend.outbox.deliveries.values()],
        "cdr": backend.cdr("apikey", {"date_from": "2026-11-01"}, entry(backend, "cdr")),
        "now": backend.clock.now(),
        "seed": backend.seed,
    }


# -- migrations ---------------------------------------------------------------------------------


def test_a_new_file_is_created_at_the_latest_schema_version(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "new.db"))
    assert store.version == version(store.conn) == MIGRATIONS[-1].version
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"jobs", "records", "attempts", "deliveries", "delivery_attempts", "meta"} <= tables
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_a_file_migrates_nothing_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    upload(first)
    before = state(first)
    crash(first)
    for _ in range(2):
        again = new_backend(config())
        store = attach(again, str(path))
        assert state(again) == before
        assert store.store.version == MIGRATIONS[-1].version
        store.store.close()  # a crash: the file and its lock let go, nothing more written


def test_an_older_file_is_upgraded_in_place_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upload(persisted(path))
    conn = sqlite3.connect(path, isolation_level=None)
    later = (*MIGRATIONS, Migration(2, "a note per job", "ALTER TABLE jobs ADD COLUMN note TEXT;"))
    assert migrate(conn, later) == 2
    assert migrate(conn, later) == 2  # idempotent
    assert conn.execute("SELECT count(*), count(note) FROM jobs").fetchone() == (2, 0)
    assert conn.execute("SELECT count(*) FROM records").fetchone() == (13,)


def test_a_file_from_a_newer_emulator_is_refused_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ConfigError, match="schema version 99"):
        SqliteStore(str(path))


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    broken = (*MIGRATIONS, Migration(2, "broken", "CREATE TABLE t (a);\nNOT SQL;"))
    with pytest.raises(sqlite3.Error):
        migrate(conn, broken)
    assert version(conn) == MIGRATIONS[-1].version
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone() == (0,)


# -- round trips -------------------------------------------------------------------------------


def test_every_kind_of_state_survives_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    cfg = config(public_url="http://mock.test")
    cfg.accounts[0].dial_lines = 3  # records queue for lines, too
    first = persisted(path, cfg)
    upload(first)
    first.move_to(first.clock.now() + HOUR + 30)  # 10:00:30: lines busy, some calls over
    answer(first, 500, 200)  # one delivery owes a retry, the others succeeded
    first.move_to(first.clock.now() + 5)
    first.outbox.take_due()  # the webhook retry is in flight
    first.flush()
    assert {d.state for d in first.outbox.deliveries.values()} >= {"sending"}
    assert {r.state for _, r in first.find_records()} >= {"pending", "dialing", "completed"}
    before = state(first)

    crash(first)
    second = persisted(path, cfg)
    after = state(second)
    for delivery in before["deliveries"]:
        if delivery["state"] == "sending":  # in flight at the crash: owed again, at once
            delivery.update(state="pending", next_attempt_at=second.now_iso())
    assert after == before
    assert second.recordings.public_url == "http://mock.test"


def test_ids_and_numbers_continue_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    upload(first)
    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as target:
        STORES[first].store.conn.backup(target)  # the file as a SIGKILL would leave it
    second = persisted(copy)
    for backend in (first, second):
        upload(backend, 3, first=100)
    jobs = [sorted(b.jobs) for b in (first, second)]
    assert jobs[0] == jobs[1] and len(jobs[0]) == 4  # the same new job ids, none reused
    seqs = [[r.seq for _, r in b.find_records()] for b in (first, second)]
    assert seqs[0] == seqs[1] == list(range(1, 18))


def test_a_restored_run_goes_on_as_the_uninterrupted_one(tmp_path: Path) -> None:
    """Records dialing at the crash end as drawn, queued ones get lines in turn, owed
    webhooks go out with their event ids: the same cdr and log as without the crash."""
    path = tmp_path / "run.db"
    cfg = config()
    cfg.accounts[0].dial_lines = 2
    live = new_backend(cfg)
    live_store = attach(live, str(path))
    upload(live)
    live.move_to(live.clock.now() + HOUR + 45)
    answer(live, 503)
    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as target:
        live_store.store.conn.backup(target)  # the file as a SIGKILL would leave it

    restored = persisted(copy, cfg)
    for backend in (live, restored):
        for _ in range(40):
            backend.move_to(backend.clock.now() + 300)
            answer(backend, 200)
    assert state(restored) == state(live)
    assert all(d["state"] == "succeeded" for d in state(live)["deliveries"])


def test_reset_empties_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    upload(first)
    first.reset()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM records").fetchone() == (0,)
    crash(first)
    assert state(persisted(path))["records"] == []


def test_jobs_of_an_account_left_out_of_the_configuration_stay_in_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    upload(first)
    other = config()
    other.accounts[0].api_key = "other"
    crash(first)
    without = persisted(path, other)
    assert without.find_records() == []
    assert set(without.jobs) == set(first.jobs)  # their ids stay taken
    crash(without)
    assert len(persisted(path).find_records()) == 13


def test_the_clock_never_goes_back_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    first.move_to(first.clock.now() + 5 * HOUR)
    crash(first)
    wall = [0.0]
    real = Backend(
        config(), Clock("real", speed=60, start=first.clock.now() - HOUR, wall=lambda: wall[0])
    )
    attach(real, str(path))
    assert real.clock.now() == first.clock.now()  # the saved now is later than --start
    wall[0] = 1.0
    assert real.clock.now() == first.clock.now() + 60


# -- contention, full disks, damaged files ------------------------------------------------------


def refusal(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What ``autodialer-mock --db path`` prints when it refuses the file (exit 2)."""
    from mockserver import cli

    capsys.readouterr()
    assert cli.main(["--db", str(path), "--port", "0", "--clock", "manual"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_second_process_on_the_same_file_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    assert "in use by another autodialer-mock process (the file is locked)" in refusal(path, capsys)
    crash(first)  # as the first process exits, the lock goes with it
    crash(persisted(path))


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        (
            "UPDATE meta SET value = 'abc' WHERE key = 'seed'",
            "meta 'seed': 'abc' is not an integer",
        ),
        ("UPDATE meta SET value = 'zz' WHERE key = 'recording_key'", "meta 'recording_key'"),
        ("UPDATE meta SET value = '1.5' WHERE key = 'generation'", "meta 'generation'"),
        ("UPDATE meta SET value = '1e400' WHERE key = 'now'", "meta 'now'"),
        ("DELETE FROM meta WHERE key = 'recording_key'", "meta 'recording_key': missing"),
        ("UPDATE records SET name = x'ff00' WHERE seq = 1", "column name holds a bytes, not text"),
        ("UPDATE jobs SET lines = 'many'", "table jobs: column lines holds a str, not integer"),
    ],
)
def test_a_damaged_file_is_refused_in_one_line_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, named: str
) -> None:
    path = tmp_path / "run.db"
    first = persisted(path)
    upload(first)
    crash(first)
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    assert named in refusal(path, capsys)


def test_a_garbage_wal_or_file_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.db"
    path.write_bytes(b"this is not a database, it is a poem" * 100)
    assert "file is not a database" in refusal(path, capsys)


def test_a_zero_byte_file_starts_a_fresh_run(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    backend = persisted(path)
    upload(backend)
    crash(backend)
    assert len(persisted(path).find_records()) == 13


def full(backend: Backend) -> None:
    """The file can grow no more: SQLite answers as on a full disk (SQLITE_FULL)."""
    conn = STORES[backend].store.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_batch_that_cannot_be_stored_is_refused_whole_and_nothing_is_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockserver.errors import StorageFailed

    path = tmp_path / "run.db"
    backend = persisted(path)
    upload(backend, 3)
    before = state(backend)
    full(backend)
    rows = [{"id": str(i), "phone": f"8977{i:07d}", "name": "x" * 900} for i in range(300)]
    with pytest.raises(StorageFailed, match=r"could not write \(database or disk is full\)"):
        backend.make("apikey", make_body(rows), entry(backend, "make"))

    def disk_full(*_: Any, **__: Any) -> None:  # a newcall's row may still fit in a page's slack
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(STORES[backend].store, "write", disk_full)
    with pytest.raises(StorageFailed, match="nothing was accepted"):
        fields = {"phone": "89771234567", "UUID": "u", "name": "n"}
        backend.newcall("apikey", fields, entry(backend, "newcall"))
    monkeypatch.undo()
    assert state(backend) == before  # nothing accepted, nothing queued
    backend.move_to(backend.clock.now() + 3 * HOUR)  # a clock step that cannot be written
    STORES[backend].close()  # shutdown: logged, not raised
    assert len(persisted(path).find_records()) == 4


def test_a_learned_public_url_is_never_kept(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    backend = persisted(path)
    backend.reached_at("attacker.example:8000", "http://attacker.example:8000")
    upload(backend)
    crash(backend)
    assert persisted(path).recordings.public_url is None


def test_a_text_that_is_not_unicode_is_stored_as_u_fffd_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    backend = persisted(path)
    fields = {"phone": "89001230000", "UUID": "u", "name": "caf\udce9"}  # past the HTTP gate
    backend.newcall("apikey", fields, entry(backend, "newcall"))
    crash(backend)
    (record,) = [r for _, r in persisted(path).find_records()]
    assert record.name == "caf\ufffd"


def test_the_lock_refusal_is_the_one_docs_persistence_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from .support import ROOT

    doc = (ROOT / "docs" / "persistence.md").read_text("utf-8")
    (shown,) = re.findall(r"## One process per file.*?```\n(.*?)\n```", doc, re.S)
    monkeypatch.chdir(tmp_path)
    first = persisted(Path("run.db"))
    assert refusal(Path("run.db"), capsys).strip() == shown
    crash(first)


@pytest.mark.parametrize("mangle", ["zeros", "random", "half"])
def test_a_wal_sqlite_cannot_trust_is_read_as_of_the_last_checkpoint(
    tmp_path: Path, mangle: str
) -> None:
    import os
    import shutil

    path, copy = tmp_path / "run.db", tmp_path / "copy.db"
    first = persisted(path)
    upload(first)
    shutil.copy(path, copy)  # the file as a kill would leave it: its rows in the -wal
    wal = Path(f"{path}-wal").read_bytes()
    mangled = {"zeros": bytes(len(wal)), "random": os.urandom(len(wal)), "half": wal[:4000]}
    Path(f"{copy}-wal").write_bytes(mangled[mangle])
    crash(first)
    restored = persisted(copy)  # no traceback, no refusal: what SQLite could trust
    assert len(restored.find_records()) <= 13
    crash(restored)

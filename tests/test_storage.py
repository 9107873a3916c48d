"""Storage rules of DESIGN.md §3: pragmas, BEGIN IMMEDIATE, one instance, damaged files, paths."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text

from kuemmerer.db import cipher
from kuemmerer.db.engine import make_engine
from kuemmerer.domain.errors import DatabaseDamaged, DatabaseLocked, StorageError
from kuemmerer.instance_lock import InstanceLock
from kuemmerer.paths import is_network_path, resolve_db_path
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, create_encrypted

EXPECTED_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "busy_timeout": 5000,
    "temp_store": 2,  # MEMORY
    "secure_delete": 1,
    "trusted_schema": 0,
}


def test_every_connection_gets_the_pragmas(ws):
    for _ in range(2):  # a fresh pooled connection and a reused one
        with ws.db.engine.connect() as conn:
            for name, expected in EXPECTED_PRAGMAS.items():
                assert conn.exec_driver_sql(f"PRAGMA {name}").scalar() == expected, name


def test_writes_begin_immediate_and_reads_deferred(ws):
    seen: list[str] = []

    @event.listens_for(ws.db.engine, "before_cursor_execute")
    def spy(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with ws.uow() as uow:
        persons.create_person(uow, last_name="Test")
    with ws.uow(read_only=True) as uow:
        persons.list_persons(uow)
    event.remove(ws.db.engine, "before_cursor_execute", spy)
    assert seen[0] == "BEGIN IMMEDIATE"
    assert seen[-1] == "BEGIN"


def test_write_transaction_blocks_a_second_writer_up_front(ws, db_path):
    """BEGIN IMMEDIATE takes the write lock at once: a second writer waits, then fails cleanly
    before it has done anything (no late "database is locked" halfway through)."""
    engine = make_engine(db_path, key=TEST_KEY)
    event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=100"))
    other = cipher.connect(db_path, TEST_KEY, timeout=0.1)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")
    try:
        with engine.connect() as conn, pytest.raises(Exception, match="locked"):
            conn.execute(text("SELECT 1"))
        with make_engine(db_path, key=TEST_KEY).execution_options(kuemmerer_readonly=True).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar() == 0  # readers go on
    finally:
        other.rollback()
        other.close()
        engine.dispose()


def test_failed_unit_of_work_leaves_nothing(ws):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Bleibt")
    from kuemmerer.db.models import Person

    def fail_after_a_write() -> None:
        with ws.uow() as uow:
            uow.add(Person(last_name="Verloren"))
            uow.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_after_a_write()
    with ws.uow(read_only=True) as uow:
        assert [p.last_name for p in persons.list_persons(uow)] == ["Bleibt"]


def test_second_instance_is_refused_in_german(db_path):
    with InstanceLock(db_path), pytest.raises(DatabaseLocked, match="läuft bereits"):
        InstanceLock(db_path).acquire()
    InstanceLock(db_path).acquire().release()  # free again after release


def test_lock_is_per_process_not_stale(db_path, tmp_path):
    """A lock file left behind by a dead process does not block the next start."""
    import subprocess
    import sys

    code = ("import sys; from kuemmerer.instance_lock import InstanceLock; "
            f"InstanceLock({str(db_path)!r}).acquire(); import os; os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert Path(str(db_path) + ".lock").exists()
    InstanceLock(db_path).acquire().release()


def test_damaged_file_is_moved_aside_and_newest_backup_named(ws, db_path):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Vorher")
    good = maintenance.create_backup(ws)
    ws.close()
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"kaputt kaputt!!\0"  # destroy the header (of an encrypted file: its salt)
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged) as info:  # the key file says the key is right: damage
        open_workspace(db_path, key=TEST_KEY)
    assert not db_path.exists()
    moved = Path(info.value.moved_to)
    assert moved.exists() and "beschaedigt" in moved.name
    assert info.value.newest_backup == str(good.path)
    assert "beschädigt" in str(info.value)


def test_quick_check_runs_on_open_only_when_there_is_a_reason(db_path, monkeypatch):
    """Issue 12 §2 (more in test_open_checks.py): no good check known yet → ``quick_check``;
    right after it (clean close, the same day) → none; the marker of an unclean end → again."""
    ws = create_encrypted(db_path)
    ws.db.backup_dir.mkdir()  # where the time of the last good check is kept
    ws.close()
    calls = []
    from kuemmerer.db import integrity

    original = integrity.check_file
    monkeypatch.setattr(integrity, "check_file",
                        lambda p, key=None, *, quick=False: calls.append(quick) or original(p, key, quick=quick))
    open_workspace(db_path, key=TEST_KEY).close()
    assert calls == [True]
    open_workspace(db_path, key=TEST_KEY).close()
    assert calls == [True]
    integrity.marker_path(db_path).write_text("{}")  # as a crashed program leaves it
    open_workspace(db_path, key=TEST_KEY).close()
    assert calls == [True, True]


def test_network_paths_are_refused():
    assert is_network_path(Path("//server/share/k.sqlite"))
    assert is_network_path(Path("\\\\server\\share\\k.sqlite"))
    with pytest.raises(StorageError, match="Netzlaufwerk"):
        resolve_db_path("//server/share/k.sqlite")


def test_network_filesystem_detected_from_mounts(monkeypatch, tmp_path):
    from kuemmerer import paths

    monkeypatch.setattr(paths, "_mount_fs_type", lambda p: "cifs")
    assert paths.is_network_path(tmp_path / "x.sqlite")
    monkeypatch.setattr(paths, "_mount_fs_type", lambda p: "ext4")
    assert not paths.is_network_path(tmp_path / "x.sqlite")


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("KUEMMERER_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db_path(str(tmp_path / "cli.sqlite")) == tmp_path / "cli.sqlite"
    assert resolve_db_path(None) == tmp_path / "env.sqlite"
    monkeypatch.delenv("KUEMMERER_DB")
    default = resolve_db_path(None)
    assert default.name == "kuemmerer.sqlite" and "kuemmerer" in str(default.parent)


def test_sql_parameters_never_reach_error_messages(ws):
    """hide_parameters=True: a failing statement's message has no values in it."""
    with ws.db.engine.connect() as conn, pytest.raises(Exception) as info:
        conn.execute(text("INSERT INTO persons (id, last_name) VALUES (:i, :n)"),
                     [{"i": 1, "n": "Geheimname"}, {"i": 1, "n": "Geheimname"}])
    assert "Geheimname" not in str(info.value)


def test_concurrent_writers_serialise(ws):
    """Two threads writing at once: both succeed (busy_timeout), nothing lost."""
    errors = []

    def write(prefix):
        try:
            for i in range(20):
                with ws.uow() as uow:
                    persons.create_person(uow, last_name=f"{prefix}{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 40

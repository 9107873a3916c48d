"""Verified backups, rotation over a simulated year, restore round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kuemmerer.db import backup as bk
from kuemmerer.db import cipher, keyfile
from kuemmerer.domain.errors import StorageError
from kuemmerer.services import maintenance, persons, requests
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY


def _dump(path: Path) -> list[str]:
    """Every row of every table except the audit log (which records the restore itself)."""
    conn = cipher.connect(path, TEST_KEY, read_only=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('audit_events') ORDER BY name")]
        return [f"{t}:{row}" for t in tables for row in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        conn.close()


def test_backup_is_a_checked_single_file(ws):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Özdemir")
    info = maintenance.create_backup(ws)
    assert info.path.exists() and info.path.suffix == ".sqlite"
    assert not Path(str(info.path) + "-wal").exists()
    assert not list(info.path.parent.glob("*.tmp"))
    # encrypted with the database's key, its key file beside it (she opens it with her password)
    assert not cipher.is_plain(info.path) and not cipher.opens_with(info.path, None)
    assert keyfile.check_key(bk.keyfile_of(info.path), TEST_KEY)
    conn = cipher.connect(info.path, TEST_KEY)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT last_name FROM persons").fetchall() == [("Özdemir",)]
    conn.close()


def test_backup_contains_uncheckpointed_wal_data(ws):
    """The backup API reads through the WAL: a file copy would miss these rows."""
    with ws.uow() as uow:
        for i in range(50):
            persons.create_person(uow, last_name=f"P{i}")
    assert Path(str(ws.path) + "-wal").stat().st_size > 0
    info = maintenance.create_backup(ws)
    conn = cipher.connect(info.path, TEST_KEY)
    assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 50
    conn.close()


def test_backup_round_trip_restore_equals_backup(ws, db_path):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Müller", first_name="Ada")
        requests.create_request(uow, person_id=p.id, title="Wohnung")
    info = maintenance.create_backup(ws)
    expected = _dump(info.path)
    with ws.uow() as uow:
        persons.update_person(uow, p.id, first_name="Geändert")
        persons.create_person(uow, last_name="Neu")
    ws.close()

    safety = maintenance.restore(db_path, info.path, ws.backup_dir, TEST_KEY).safety
    assert _dump(db_path) == expected
    # the replaced state was itself backed up and holds the change
    assert safety is not None and "vor-wiederherstellung" in safety.path.name
    assert any("Geändert" in row for row in _dump(safety.path))
    ws2 = open_workspace(db_path, key=TEST_KEY)
    with ws2.uow(read_only=True) as uow:
        assert [x.first_name for x in persons.list_persons(uow)] == ["Ada"]
    ws2.close()


def test_restore_refuses_a_damaged_backup(ws, db_path, tmp_path):
    bad = tmp_path / "kaputt.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    ws.close()
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match="nicht in Ordnung"):
        maintenance.restore(db_path, bad, tmp_path, TEST_KEY)
    assert db_path.read_bytes() == before


def test_backup_of_a_damaged_database_is_refused(tmp_path):
    db = tmp_path / "k.sqlite"  # a plain file (from before encryption): the same check applies
    conn = cipher.connect(db, None)
    conn.executescript("PRAGMA foreign_keys=OFF; CREATE TABLE a(id INTEGER PRIMARY KEY);"
                       "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));"
                       "INSERT INTO b VALUES (1, 99);")
    conn.close()
    with pytest.raises(StorageError, match="keine Sicherung"):
        bk.create_backup(db, tmp_path / "backups")
    assert not list((tmp_path / "backups").glob("*.sqlite"))


def _expected_keep(days: list[dt.datetime]) -> set[dt.datetime]:
    """Independent statement of the rule: newest per day (14), per ISO week (8), per month (12)."""
    newest = sorted(days, reverse=True)
    keep = set()
    for count, key in ((14, lambda d: d.date()), (8, lambda d: d.isocalendar()[:2]),
                       (12, lambda d: (d.year, d.month))):
        buckets: dict = {}
        for d in newest:
            buckets.setdefault(key(d), d)  # first seen = newest of that bucket
        keep.update(sorted(buckets.values(), reverse=True)[:count])
    return keep


def test_rotation_over_a_simulated_year_of_daily_backups(tmp_path):
    db = tmp_path / "k.sqlite"
    cipher.connect(db, None).close()
    backups = tmp_path / "Sicherungen"
    start = dt.datetime(2025, 1, 1, 18, 0)
    taken = []
    for day in range(365):
        when = start + dt.timedelta(days=day)
        bk.create_backup(db, backups, now=when)
        taken.append(when)
    kept = {b.taken_at for b in bk.list_backups(db, backups)}
    assert kept == _expected_keep(taken)
    # the set is what a person expects: last 14 days, plus weeks, plus 12 months
    assert len([k for k in kept if k >= taken[-14]]) == 14
    assert {(k.year, k.month) for k in kept} >= {(2025, m) for m in range(1, 13)}
    assert len(kept) <= 14 + 8 + 12


def test_rotation_keeps_special_backups_apart(tmp_path):
    db = tmp_path / "k.sqlite"
    cipher.connect(db, None).close()
    backups = tmp_path / "b"
    base = dt.datetime(2026, 1, 1, 9)
    for i in range(5):
        bk.create_backup(db, backups, now=base + dt.timedelta(minutes=i), reason="vor-migration")
    for i in range(3):
        bk.create_backup(db, backups, now=base + dt.timedelta(hours=1, minutes=i))
    found = bk.list_backups(db, backups)
    assert len([b for b in found if b.reason == "vor-migration"]) == bk.KEEP_SPECIAL
    assert len([b for b in found if b.reason == bk.REGULAR]) == 1  # newest of that day


def test_two_backups_in_one_second_do_not_overwrite(tmp_path):
    db = tmp_path / "k.sqlite"
    cipher.connect(db, None).close()
    when = dt.datetime(2026, 3, 3, 10, 0, 0)
    a = bk.create_backup(db, tmp_path / "b", now=when, reason="manuell", rotate=False)
    b = bk.create_backup(db, tmp_path / "b", now=when, reason="manuell", rotate=False)
    assert a.path != b.path and a.path.exists() and b.path.exists()


def test_a_second_backup_in_the_same_second_is_the_one_the_rotation_keeps(ws, tmp_path):
    """A daily backup and a manual one in the same second: the rotation kept an arbitrary
    one of the two and could delete the backup it had just written."""
    when = dt.datetime(2026, 3, 4, 10, 0, 0)
    target = tmp_path / "b"
    first = bk.create_backup(ws.path, target, reason="taeglich", now=when, key=ws.key)
    second = bk.create_backup(ws.path, target, reason="manuell", now=when, key=ws.key)
    assert second.taken_at > first.taken_at
    assert second.path.exists()
    assert [b.path for b in bk.list_backups(ws.path, target)] == [second.path]  # the newest of the day is kept


def test_a_backup_taken_when_the_clock_stepped_back_is_kept(ws, tmp_path):
    """A backup named two minutes ahead of the clock (quick succession, or the autumn hour):
    the next one was named by the clock, was older than that, and the rotation deleted it
    at once — an import's backup, gone before the import."""
    target = tmp_path / "b"
    ahead = bk.create_backup(ws.path, target, reason="taeglich", now=dt.datetime.now() + dt.timedelta(minutes=2),
                             key=ws.key)
    made = bk.create_backup(ws.path, target, reason=bk.REGULAR, key=ws.key)
    assert made.path.exists() and made.taken_at > ahead.taken_at
    import_backup = bk.create_backup(ws.path, target, reason=bk.BEFORE_IMPORT, key=ws.key)
    bk.create_backup(ws.path, target, reason=bk.REGULAR, key=ws.key)
    assert import_backup.path.exists()  # a backup before an import is kept apart from the daily ones

"""An erased person never comes back with a restore (issue 9, defect 7): the erasure
journal (ids and dates only) is re-applied when an older backup is restored — from the
window, from the damage dialog and from the CLI — and erased pages leave the main file as
soon as the readers that held them are gone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kuemmerer import cli
from kuemmerer.db import cipher, erasure_journal
from kuemmerer.db.engine import checkpoint_pending
from kuemmerer.services import erasures, maintenance, persons, requests, volunteers
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY
from tests.demo_data import last_names
from tests.gui_helpers import open_window

DAY = dt.date(2026, 3, 2)
MARKER = "Zyxwvutsrq"  # a synthetic name, easy to find in the file's bytes


_person_names = last_names


@pytest.fixture
def world(ws):
    """Two residents with contacts, a backup of both, then one of them erased."""
    with ws.uow() as uow:
        gone = persons.create_person(uow, last_name=MARKER, first_name="Erna")
        stays = persons.create_person(uow, last_name="Bleibt", first_name="Bernd")
        requests.create_contact(uow, person_id=gone.id, date=DAY)
        requests.create_contact(uow, person_id=stays.id, date=DAY)
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.delete_person(uow, gone.id)
    return backup, gone.id


def test_the_journal_holds_ids_and_dates_only(ws, world):
    _backup, gone_id = world
    with ws.uow(read_only=True) as uow:
        entries = erasure_journal.stored_entries(uow.session)
    assert [(e.kind, e.entity_id) for e in entries] == [("person", gone_id)]
    assert entries[0].record_created_at is not None
    side = erasure_journal.sidecar_path(ws.backup_dir)
    assert erasure_journal.sidecar_entries(ws.backup_dir) == entries
    assert MARKER.lower().encode() not in side.read_bytes().lower() and b"Erna" not in side.read_bytes()
    assert oct(side.stat().st_mode & 0o777) == "0o600"


def test_restoring_an_older_backup_erases_her_again_and_says_how_many(ws, world, db_path):
    backup, gone_id = world
    ws.close()
    restored = maintenance.restore(db_path, backup.path, backup.path.parent, TEST_KEY)
    assert MARKER in _person_names(db_path)  # the backup itself still holds her …
    again_ws = open_workspace(db_path, create=False, key=TEST_KEY)
    try:
        assert maintenance.record_restore(again_ws, restored) == 1
        with again_ws.uow(read_only=True) as uow:
            assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Bleibt"]  # … not any more
            assert [e.entity_id for e in erasure_journal.stored_entries(uow.session)] == [gone_id]
    finally:
        again_ws.close()
    assert maintenance.reapplied_text(1) == ("1 Löschung aus der Zeit nach dieser Sicherung wurde erneut "
                                             "ausgeführt, damit gelöschte Personen gelöscht bleiben.")


def test_an_erasure_older_than_the_backup_is_not_counted_again(ws, world, db_path):
    newer = maintenance.create_backup(ws, reason="manuell")  # taken after the erasure
    ws.close()
    restored = maintenance.restore(db_path, newer.path, newer.path.parent, TEST_KEY)
    again_ws = open_workspace(db_path, create=False, key=TEST_KEY)
    try:
        assert maintenance.record_restore(again_ws, restored) == 0
    finally:
        again_ws.close()
    assert _person_names(db_path) == ["Bleibt"]


def test_the_cli_restore_tells_her(ws, world, db_path, capsys):
    backup, _ = world
    ws.close()
    assert cli.main(["--db", str(db_path), "restore", str(backup.path)]) == 0
    out = capsys.readouterr().out
    assert "1 Löschung aus der Zeit nach dieser Sicherung wurde erneut ausgeführt" in out
    assert _person_names(db_path) == ["Bleibt"]


def test_a_damaged_database_is_restored_without_her(ws, world, db_path, capsys):
    """The database and its journal are unreadable: the journal file beside it remembers."""
    backup, _ = world
    ws.close()
    data = bytearray(db_path.read_bytes())
    data[:100] = b"\0" * 100  # zeroed header
    db_path.write_bytes(bytes(data))
    assert erasure_journal.entries_in_file(db_path, TEST_KEY) == []
    assert cli.main(["--db", str(db_path), "restore", str(backup.path)]) == 0
    assert "1 Löschung" in capsys.readouterr().out
    assert _person_names(db_path) == ["Bleibt"]


def test_a_backup_from_elsewhere_is_checked_against_every_erasure(ws, world, db_path, tmp_path):
    backup, _ = world
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = stick / "kopie.sqlite"
    copy.write_bytes(backup.path.read_bytes())
    ws.close()
    restored = maintenance.restore(db_path, copy, backup.path.parent, TEST_KEY)
    assert restored.backup_taken_at is None
    again_ws = open_workspace(db_path, create=False, key=TEST_KEY)
    try:
        assert maintenance.record_restore(again_ws, restored) == 1
    finally:
        again_ws.close()
    assert _person_names(db_path) == ["Bleibt"]


def test_a_record_with_the_same_id_but_another_creation_time_is_left_alone(ws):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Neu")
    with ws.uow() as uow:
        other = erasures.JournalEntry(dt.datetime(2026, 3, 1), "person", p.id, dt.datetime(2020, 1, 1))
        assert erasures.reapply(uow, [other], None) == 0
    with ws.uow(read_only=True) as uow:
        assert [x.last_name for x in persons.list_persons(uow)] == ["Neu"]


def test_expired_clearances_stay_erased_after_a_restore(ws, db_path):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Helferin")
        v = volunteers.create_volunteer(uow, person_id=p.id, started_on=dt.date(2025, 1, 1),
                                        ended_on=dt.date(2026, 1, 31), clearance_seen_on=dt.date(2025, 1, 2),
                                        clearance_issued_on=dt.date(2024, 12, 20), clearance_relevant_entry=False)
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        assert volunteers.erase_expired_clearances(uow, dt.date(2026, 6, 1)) == [v.id]
    ws.close()
    restored = maintenance.restore(db_path, backup.path, backup.path.parent, TEST_KEY)
    again_ws = open_workspace(db_path, create=False, key=TEST_KEY)
    try:
        assert maintenance.record_restore(again_ws, restored) == 1
        with again_ws.uow(read_only=True) as uow:
            back = volunteers.get_volunteer(uow, v.id)
        assert (back.clearance_seen_on, back.clearance_issued_on, back.clearance_relevant_entry) == (None, None, None)
        assert back.started_on == dt.date(2025, 1, 1)  # the rest of the profile is the backup's
    finally:
        again_ws.close()


def _traces(db_path: Path) -> list[str]:
    return [p.name for p in db_path.parent.iterdir()
            if p.name.startswith(db_path.name) and MARKER.lower().encode() in p.read_bytes().lower()]


def test_erased_pages_leave_the_file_once_a_reader_is_gone(db_path):
    # a plain database: only there is her name visible in the file's bytes (in an encrypted
    # one the old page would stay as ciphertext, readable with the key; the WAL and
    # checkpoint rules that remove it are the same for both)
    ws = open_workspace(db_path)
    assert not ws.encrypted
    try:
        _erased_pages_leave_the_file(ws, db_path)
    finally:
        ws.close()


def _erased_pages_leave_the_file(ws, db_path: Path) -> None:
    with ws.uow() as uow:
        gone = persons.create_person(uow, last_name=MARKER, first_name="Erna")
        persons.create_person(uow, last_name="Bleibt")
    with ws.uow(read_only=True) as uow:  # fold the new person into the main file first
        uow.session.execute(persons_count_sql())
    reader = cipher.connect(db_path, None)
    reader.isolation_level = None
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM persons").fetchone() == (2,)  # holds a snapshot
        with ws.uow() as uow:
            persons.delete_person(uow, gone.id)  # does not wait for the reader
        assert checkpoint_pending(ws.db.engine)
        assert _traces(db_path), "control: the reader's snapshot keeps the old page in the main file"
        reader.execute("COMMIT")
    finally:
        reader.close()
    with ws.uow(read_only=True) as uow:  # any work of the app hands a connection back: checkpoint
        uow.session.execute(persons_count_sql())
    assert not checkpoint_pending(ws.db.engine)
    assert _traces(db_path) == []
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def persons_count_sql():
    from sqlalchemy import text

    return text("SELECT count(*) FROM persons")


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_the_window_restore_says_how_many_erasures_were_made_again(qtbot, ws, world, tmp_path, monkeypatch):
    backup, _ = world
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: said.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup.path), ""))
    monkeypatch.setattr("kuemmerer.ui.main_window.confirm", lambda *a, **k: True)
    window = open_window(qtbot, ws, tmp_path)
    try:
        page = window.show_section("Personen")
        window.restore_backup()
        qtbot.waitUntil(lambda: bool(said), timeout=15000)
        assert said == ["Die Sicherung wurde wiederhergestellt. 1 Löschung aus der Zeit nach dieser Sicherung "
                        "wurde erneut ausgeführt, damit gelöschte Personen gelöscht bleiben."]
        qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
        assert page.model.index(0, 0).data() == "Bleibt, Bernd"
    finally:
        if not window.ctx.ws.closed and window.ctx.ws is not ws:
            window.ctx.ws.close()

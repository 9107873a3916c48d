"""Issue 9, defect 5: a full disk, a read-only medium or missing rights give a German
message that says what to do; a failed backup is shown and leaves no temp file; a lock
whose PID cannot be written still holds; a failed save keeps the dialog and her input.

A real full or read-only disk is a tiny tmpfs (needs root to mount; those tests are
skipped otherwise); two tests fake ENOSPC where the backup writes, so that the temp file
and the recorded failure are checked on any machine."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import subprocess
from pathlib import Path

import pytest

from kuemmerer.db import backup as backup_module
from kuemmerer.domain.errors import DatabaseLocked, StorageError
from kuemmerer.instance_lock import InstanceLock
from kuemmerer.paths import storage_problem
from kuemmerer.services import maintenance, persons
from tests.conftest import create_encrypted

TODAY = dt.date(2026, 6, 15)


def _mount(where: Path, options: str) -> bool:
    where.mkdir(exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def stick(tmp_path):
    """A tiny tmpfs "USB stick" (2 MB); unmounted after the test."""
    where = tmp_path / "stick"
    if not _mount(where, "size=2m,mode=0700"):
        pytest.skip("a tmpfs can only be mounted as root")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the medium is full; returns it (delete it to make room)."""
    filler = folder / "fuellung.bin"
    with open(filler, "wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 4096)
    with open(filler, "ab", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0")
    return filler


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.tmp")) if folder.exists() else []


# --------------------------------------------------------------------------- backups


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_temp_file(ws, stick):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Beispiel")
    target = stick / "Sicherungen"
    target.mkdir()
    filler = fill(stick)

    with pytest.raises(StorageError) as info:
        maintenance.create_backup(ws, target)
    assert "kein Platz mehr frei" in str(info.value) and "Bitte schaffen Sie Platz" in str(info.value)
    assert leftovers(target) == []
    failure = maintenance.backup_failure(ws.path)
    assert failure is not None and "kein Platz mehr frei" in failure

    filler.unlink()  # she makes room: the next backup works and the warning is gone
    maintenance.create_backup(ws, target)
    assert maintenance.backup_failure(ws.path) is None
    assert leftovers(target) == []


def test_a_backup_onto_a_read_only_stick_says_so(ws, tmp_path):
    where = tmp_path / "stick"
    if not _mount(where, "size=256k,ro"):
        pytest.skip("a tmpfs can only be mounted as root")
    try:
        with pytest.raises(StorageError, match="schreibgeschützt"):
            maintenance.create_backup(ws, where / "Sicherungen")
        assert not (where / "Sicherungen").exists()
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_failed_write_of_the_backup_removes_its_temp_file(ws, monkeypatch):
    """Without root: the snapshot's write is made to fail as a full disk would."""
    def full(source, target: Path, key: bytes | None) -> None:
        target.write_bytes(b"")  # the 0-byte file a failed backup used to leave behind
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_snapshot", full)
    with pytest.raises(StorageError, match="kein Platz mehr frei"):
        maintenance.create_backup(ws)
    assert leftovers(ws.backup_dir) == []
    assert maintenance.list_backups(ws.path, ws.backup_dir) == []


def test_the_daily_backup_failing_is_recorded_and_the_day_goes_on(ws, monkeypatch):
    def full(source, target: Path, key: bytes | None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_snapshot", full)
    done = maintenance.housekeeping(ws, today=TODAY)
    assert done["backup"] is None
    assert "kein Platz mehr frei" in (maintenance.backup_failure(ws.path) or "")


# --------------------------------------------------------------------------- the lock


def test_a_lock_whose_pid_cannot_be_written_still_holds_and_does_not_stop_the_start(stick):
    db_path = stick / "kuemmerer.sqlite"
    fill(stick)
    lock = InstanceLock(db_path).acquire()  # used to fail: "No space left on device"
    try:
        assert lock.path.exists()
        with pytest.raises(DatabaseLocked):
            InstanceLock(db_path).acquire()
    finally:
        lock.release()
    InstanceLock(db_path).acquire().release()  # released: the next start may go on


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(("exc", "says"), [
    (OSError(errno.ENOSPC, "x"), "kein Platz mehr frei"),
    (OSError(errno.EROFS, "x"), "schreibgeschützt"),
    (OSError(errno.EACCES, "x"), "Zugriffsrechte"),
    (PermissionError(errno.EPERM, "x"), "Zugriffsrechte"),
])
def test_the_disk_refusing_is_told_in_german_with_what_to_do(exc, says):
    message = storage_problem(exc)
    assert message is not None and says in message and "Bitte" in message


def test_an_unrelated_error_is_not_taken_for_a_disk_problem():
    assert storage_problem(ValueError("x")) is None
    assert storage_problem(OSError(errno.ENOENT, "x")) is None


# --------------------------------------------------------------------------- in the window


@pytest.mark.gui
@pytest.mark.qt_no_exception_capture
def test_a_save_on_a_full_disk_keeps_the_dialog_and_her_input_and_says_what_to_do(qtbot, stick, monkeypatch):
    import sys

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from kuemmerer.ui import errors
    from kuemmerer.ui.context import AppContext
    from kuemmerer.ui.dialogs.person import PersonDialog
    from tests.gui_helpers import type_text

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(errors.ErrorDialog, "show", classmethod(lambda cls, parent, title, text:
                                                                shown.append((title, text))))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    errors.install_excepthook()

    ws = create_encrypted(stick / "kuemmerer.sqlite")
    dialog = PersonDialog(AppContext(ws))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(dialog.last_name, "Beispielname")
    type_text(dialog.first_name, "Testvorname")
    filler = fill(stick)

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)

    assert len(shown) == 1
    title, text = shown[0]
    assert title != "Unerwarteter Fehler" and "unerwarteter" not in text.lower()
    assert "kein Platz mehr frei" in text and "Ihre Eingaben sind noch da" in text
    assert dialog.isVisible()
    assert (dialog.last_name.text(), dialog.first_name.text()) == ("Beispielname", "Testvorname")
    with ws.uow(read_only=True) as uow:
        assert persons.list_persons(uow) == []

    filler.unlink()  # she makes room and saves again: the same input is written
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with ws.uow(read_only=True) as uow:
        assert [(p.last_name, p.first_name) for p in persons.list_persons(uow)] == [("Beispielname", "Testvorname")]
    ws.close()


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_a_failed_daily_backup_is_shown_in_the_status_bar_and_on_heute(qtbot, ws, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from kuemmerer.ui.main_window import MainWindow

    def full(source, target: Path, key: bytes | None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(backup_module, "_snapshot", full)
        maintenance.housekeeping(ws, today=TODAY)  # as on start: the daily backup fails
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    window = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    heute = window.pages["Heute"]

    assert window.backup_label.text() == "Sicherung fehlgeschlagen – siehe Heute"
    assert "kein Platz mehr frei" in window.backup_label.toolTip()
    assert heute.backup_problem.isVisible()
    assert "kein Platz mehr frei" in heute.backup_problem.text()
    assert "Datei → Sicherung erstellen" in heute.backup_problem.text()
    out = Path("/tmp/i9b") if Path("/tmp/i9b").is_dir() else tmp_path
    window.grab().save(str(out / "backup-failed-heute.png"))

    window.create_backup()  # she made room and backs up from the menu: the warning goes
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("Letzte Sicherung:"), timeout=10000)
    assert not heute.backup_problem.isVisible()


def test_temp_files_an_older_version_left_behind_are_cleared_by_the_next_backup(ws):
    ws.backup_dir.mkdir(parents=True, exist_ok=True)
    stale = ws.backup_dir / "kuemmerer-20260101-120000-taeglich.sqlite.tmp"
    stale.write_bytes(b"")
    os.utime(stale, (0, 0))  # long ago
    young = ws.backup_dir / "kuemmerer-20260101-120001-manuell.sqlite.tmp"
    young.write_bytes(b"")  # may belong to a backup running right now: left alone
    maintenance.create_backup(ws)
    assert leftovers(ws.backup_dir) == [young.name]

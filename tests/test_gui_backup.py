"""Datei → Sicherung erstellen / wiederherstellen, run from the menu (worker thread)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kuemmerer.services import maintenance, persons

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


@pytest.fixture
def window(qtbot, ws, tmp_path, monkeypatch):
    from kuemmerer.ui.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    return win


def test_backup_from_the_menu_runs_off_the_ui_thread_and_updates_the_status(qtbot, window, ws):
    assert window.backup_label.text() == "Noch keine Sicherung"
    window.create_backup()
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("Letzte Sicherung:"), timeout=10000)
    found = maintenance.list_backups(ws.path, ws.backup_dir)
    assert [b.reason for b in found] == ["manuell"]


def test_restore_from_the_menu_brings_back_the_old_state(qtbot, window, ws, monkeypatch, no_blocking_dialogs):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Vorher")
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Nachher")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup.path), ""))
    monkeypatch.setattr("kuemmerer.ui.main_window.confirm", lambda *a, **k: True)
    page = window.pages["Personen"]
    page.reload()
    assert page.model.total == 2
    window.restore_backup()
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=15000)
    new_ws = window.ctx.ws
    with new_ws.uow(read_only=True) as uow:
        assert [p.last_name for p in persons.list_persons(uow)] == ["Vorher"]
    reasons = {b.reason for b in maintenance.list_backups(new_ws.path, new_ws.backup_dir)}
    assert "vor-wiederherstellung" in reasons
    new_ws.close()

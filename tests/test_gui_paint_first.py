"""Paint first (issue 12 §1): the window's frame, sidebar and Heute skeleton paint before the
database layer is loaded; Heute is the only page built at the start, every other page is
built the first time it is shown; the daily housekeeping runs after the first paint on a
worker while the window answers, and closing waits for it."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QSettings

from kuemmerer.services import maintenance, persons
from kuemmerer.ui.main_window import SECTIONS, MainWindow
from kuemmerer.ui.pages.persons import PersonsPage

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


def make_window(qtbot, tmp_path, ws=None) -> MainWindow:
    window = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def test_the_window_and_the_start_do_not_load_the_database_layer():
    code = ("import sys; import kuemmerer.ui.app, kuemmerer.ui.main_window, kuemmerer.services.opening, "
            "kuemmerer.instance_lock; bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'openpyxl', 'reportlab') or m.startswith('kuemmerer.ui.pages')); "
            "print(bad); sys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_skeleton_paints_without_a_database_and_attach_builds_heute_only(qtbot, tmp_path, ws):
    window = make_window(qtbot, tmp_path)
    built: list[str] = []
    window.page_built.connect(built.append)
    window.show()
    qtbot.waitExposed(window)
    assert "Die Datenbank wird geöffnet" in window.loading.text()
    assert not window.sidebar.isEnabled() and not window.menuBar().isEnabled()
    assert window.stack.currentWidget() is window.loading
    window.attach(ws)
    assert built == ["Heute"] and set(window.pages) == {"Heute"}
    assert window.sidebar.isEnabled() and window.stack.currentWidget() is window.pages["Heute"]
    window.sidebar.setCurrentRow(SECTIONS.index("Personen"))
    assert built == ["Heute", "Personen"]
    assert window.stack.currentWidget() is window.pages["Personen"]
    window.sidebar.setCurrentRow(0)
    window.sidebar.setCurrentRow(SECTIONS.index("Personen"))
    assert built == ["Heute", "Personen"]  # built once
    window.open_person(_a_person(ws))  # a jump from elsewhere builds what it needs, once
    assert built == ["Heute", "Personen"]


def _a_person(ws) -> int:
    with ws.uow() as uow:
        return persons.create_person(uow, last_name="Beispiel").id


def test_the_daily_housekeeping_runs_after_the_paint_while_the_window_answers(qtbot, tmp_path, ws, monkeypatch):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Beispiel")
    started, go_on = threading.Event(), threading.Event()
    real = maintenance.housekeeping

    def held_housekeeping(db, today=None):
        started.set()
        assert go_on.wait(20)
        return real(db, today)

    monkeypatch.setattr(maintenance, "housekeeping", held_housekeeping)
    window = make_window(qtbot, tmp_path, ws)
    window.show()
    qtbot.waitExposed(window)
    window.start_housekeeping()
    assert started.wait(10)
    assert window.housekeeping_running and "Hintergrund" in window.statusBar().currentMessage()
    # the window answers: another page opens and reads the database meanwhile
    window.sidebar.setCurrentRow(SECTIONS.index("Personen"))
    page = window.pages["Personen"]
    assert isinstance(page, PersonsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    window.close()  # closing waits for the backup to finish cleanly
    assert window.isVisible() and "sobald" in window.statusBar().currentMessage()
    go_on.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert not window.housekeeping_running
    assert [b.reason for b in maintenance.list_backups(ws.path, ws.backup_dir)] == ["taeglich"]

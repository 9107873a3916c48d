"""Datei → Sicherung wiederherstellen while the window is open: while the worker swaps
the file no page reaches the database (refreshes fired in the middle of the swap are held,
the old engine never opens the file again), and afterwards every page shows the restored
data."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import event

from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import WorkspaceClosed
from kuemmerer.ui.errors import ErrorDialog
from tests.gui_helpers import open_window, type_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]



@pytest.fixture
def states(ws):
    """A backup holding "Vorher" and "Anders", then "Nachher" written after it."""
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Vorher", first_name="Vera")
        persons.create_person(uow, last_name="Anders", first_name="Anton")
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Nachher", first_name="Nina")
    return backup


@pytest.fixture
def window(qtbot, ws, tmp_path, monkeypatch, states):

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(states.path), ""))
    monkeypatch.setattr("kuemmerer.ui.main_window.confirm", lambda *a, **k: True)
    win = open_window(qtbot, ws, tmp_path)
    yield win
    if not win.ctx.ws.closed and win.ctx.ws is not ws:
        win.ctx.ws.close()


class SlowRestore:
    """The real restore, held twice on the worker thread: once before the file is replaced
    and once after, so the test can fire refreshes at both moments of the swap."""

    def __init__(self, real):
        self.real = real
        self.reached = [threading.Event(), threading.Event()]
        self.go_on = [threading.Event(), threading.Event()]

    def __call__(self, *args, **kwargs):
        self.reached[0].set()
        assert self.go_on[0].wait(20)
        result = self.real(*args, **kwargs)
        self.reached[1].set()
        assert self.go_on[1].wait(20)
        return result


def engine_connections(ws) -> list[bool]:
    """Every connection the workspace's engine opens or hands out: was the workspace closed then?"""
    seen: list[bool] = []
    for name in ("connect", "checkout"):
        event.listen(ws.db.engine, name, lambda *_a, _seen=seen: _seen.append(ws.closed))
    return seen


def names_shown(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_refreshes_during_the_swap_never_reach_the_database_and_the_window_reopens(
        qtbot, window, ws, monkeypatch, no_blocking_dialogs):
    slow = SlowRestore(maintenance.restore)
    monkeypatch.setattr(maintenance, "restore", slow)
    opened_while_closed = engine_connections(ws)
    heard: list[str] = []
    window.ctx.changed.connect(heard.append)
    page = window.show_section("Personen")
    assert names_shown(page) == ["Anders, Anton", "Nachher, Nina", "Vorher, Vera"]
    type_text(page.search, "Vor")  # search-as-you-type: its timer is still pending …
    window.restore_backup()  # … when the restore starts

    def fire_refreshes() -> None:
        window.ctx.notify("all")
        window.ctx.notify("persons")
        window.refresh_status()
        QTimer.singleShot(0, lambda: window.ctx.notify("all"))
        qtbot.wait(250)  # longer than the search's debounce: a held timer stays held

    for step in range(2):
        qtbot.waitUntil(slow.reached[step].is_set, timeout=10000)
        # the whole swap is unreachable: a blocking dialog, no sections, no menu, no unit of work
        assert window.swapping and not window.ctx.available
        assert QApplication.activeModalWidget() is window.restore_job and window.restore_job.isVisible()
        assert not window.sidebar.isEnabled() and not window.menuBar().isEnabled()
        assert window.stack.currentWidget() is window.swap_notice
        assert "wiederhergestellt" in window.swap_notice.text()
        with pytest.raises(WorkspaceClosed):
            window.ctx.uow(read_only=True)
        with pytest.raises(WorkspaceClosed):
            ws.uow(read_only=True)  # the old workspace refuses too: its engine would reopen the file
        fire_refreshes()
        window.close()  # closing the window in the middle of the swap is refused
        assert window.isVisible()
        assert heard == []  # change notices are held back
        slow.go_on[step].set()

    qtbot.waitUntil(lambda: not window.swapping, timeout=15000)
    assert True not in opened_while_closed, "the old engine touched the file after it was closed"
    assert heard == ["all"]  # one reload for every page, after the swap
    assert window.ctx.available and window.ctx.ws is not ws and ws.closed
    assert window.sidebar.isEnabled() and window.menuBar().isEnabled()
    assert window.stack.currentWidget() is page and window.swap_notice is None
    assert QApplication.activeModalWidget() is None  # the blocking dialog is gone
    # the held search runs now, on the restored file
    qtbot.waitUntil(lambda: names_shown(page) == ["Vorher, Vera"], timeout=3000)
    with window.ctx.uow(read_only=True) as uow:
        assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Anders", "Vorher"]
    # and the window works: a new person shows up on the page
    with window.ctx.uow() as uow:
        persons.create_person(uow, last_name="Vorsicht", first_name="Dora")
    window.ctx.notify("persons")
    assert names_shown(page) == ["Vorher, Vera", "Vorsicht, Dora"]
    reasons = {b.reason for b in maintenance.list_backups(ws.path, ws.backup_dir)}
    assert "vor-wiederherstellung" in reasons


def test_a_failed_restore_reopens_the_old_file_and_says_why(qtbot, window, ws, tmp_path, monkeypatch,
                                                           no_blocking_dialogs):
    bad = tmp_path / "kaputt.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    shown: list[str] = []
    monkeypatch.setattr(ErrorDialog, "show", classmethod(lambda cls, parent, title, text: shown.append(text)))
    page = window.show_section("Personen")
    window.restore_backup()
    qtbot.waitUntil(lambda: not window.swapping, timeout=15000)
    assert len(shown) == 1 and "nicht in Ordnung" in shown[0]
    assert window.ctx.available and window.sidebar.isEnabled()
    assert window.stack.currentWidget() is page
    assert names_shown(page) == ["Anders, Anton", "Nachher, Nina", "Vorher, Vera"]  # nothing was changed
    with window.ctx.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3


def test_no_restore_while_a_backup_is_being_written(qtbot, window, ws, monkeypatch, no_blocking_dialogs):
    real = maintenance.create_backup
    go_on = threading.Event()

    def slow_backup(*args, **kwargs):
        assert go_on.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(maintenance, "create_backup", slow_backup)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: said.append(text))
    chosen: list[int] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: chosen.append(1) or ("", ""))
    window.create_backup()
    window.restore_backup()
    assert chosen == [] and said == ["Es läuft gerade eine Sicherung. Bitte warten Sie, bis sie fertig ist, "
                                     "und stellen Sie dann wieder her."]
    assert window.ctx.available and not window.swapping
    go_on.set()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=10000)  # "Sicherung erstellt"
    window.restore_backup()
    assert chosen == [1]  # now she may choose a backup

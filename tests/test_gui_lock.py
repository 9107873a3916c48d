"""The window locks (idle, Strg+L) and unlocks: while locked the database is closed and its
key forgotten, the tables hold no rows and show nothing, an open dialog keeps what she typed
(but cannot be seen); the right password brings everything back, a wrong one does not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kuemmerer.services import persons
from kuemmerer.ui.dialogs.person import PersonDialog
from kuemmerer.ui.lock import LockScreen
from kuemmerer.ui.pages.persons import PersonsPage
from tests.conftest import TEST_PASSWORD
from tests.gui_helpers import open_window, type_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


@pytest.fixture
def window(qtbot, ws, tmp_path):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Zyxqorn", first_name="Ilse")
    win = open_window(qtbot, ws, tmp_path)
    yield win
    if win.lock_dialog is not None:
        win.lock_dialog.close()
    if not win.ctx.ws.closed and win.ctx.ws is not ws:
        win.ctx.ws.close()


def persons_rows(win) -> int:
    page = win.pages["Personen"]
    assert isinstance(page, PersonsPage)
    return page.model.rowCount()


def unlock_with(qtbot, win, password: str) -> None:
    screen = win.lock_dialog
    assert isinstance(screen, LockScreen)
    field = screen.form.password
    field.clear()
    type_text(field, password)
    qtbot.mouseClick(screen.form.unlock_button, Qt.MouseButton.LeftButton)


def test_idle_locks_the_window_closes_the_file_and_clears_the_tables(qtbot, window, ws):
    window.sidebar.setCurrentRow(1)
    qtbot.waitUntil(lambda: persons_rows(window) == 1)
    window.idle_watcher.set_interval_ms(50)  # instead of ten minutes
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert ws.closed and ws.key is None  # the connection is closed, the key forgotten
    assert window.ctx.ws.closed
    assert persons_rows(window) == 0  # no resident left in memory
    assert isinstance(window.lock_dialog, LockScreen) and window.lock_dialog.isVisible()
    assert not window.sidebar.isEnabled() and not window.menuBar().isEnabled()
    assert not any(page.isVisible() for page in window.pages.values())  # nothing of hers on screen


def test_a_wrong_password_keeps_it_locked_the_right_one_brings_everything_back(qtbot, window):
    window.sidebar.setCurrentRow(1)
    qtbot.waitUntil(lambda: persons_rows(window) == 1)
    window.lock()
    assert window.locked
    unlock_with(qtbot, window, "ganz-falsches-Passwort")
    assert window.locked and window.ctx.ws.closed
    assert "stimmt nicht" in window.lock_dialog.form.password_form.error_text("password")
    unlock_with(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked)
    assert not window.ctx.ws.closed and window.ctx.ws.encrypted
    assert window.lock_dialog is None and window.sidebar.isEnabled()
    qtbot.waitUntil(lambda: persons_rows(window) == 1)
    with window.ctx.uow(read_only=True) as uow:  # the reopened database works
        assert [p.last_name for p in persons.list_persons(uow)] == ["Zyxqorn"]


def test_an_open_dialog_keeps_her_input_but_is_veiled_while_locked(qtbot, window):
    dialog = PersonDialog(window.ctx, parent=window)
    dialog.show()
    qtbot.waitExposed(dialog)
    name_field = next(w for w in dialog.findChildren(QLineEdit) if w.isVisible())
    type_text(name_field, "Halbfertig")
    window.lock()
    assert dialog.isVisible() and not dialog.isEnabled()  # still open: closing would end her input
    assert not name_field.isVisible()  # but nothing of it can be seen
    unlock_with(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked)
    assert dialog.isVisible() and dialog.isEnabled() and name_field.isVisible()
    assert name_field.text() == "Halbfertig"
    dialog._dirty = False
    dialog.close()


def test_strg_l_locks(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked)
    assert window.ctx.ws.closed


def test_a_plain_database_is_never_locked(qtbot, tmp_path):
    from kuemmerer.services.workspace import open_workspace

    plain = open_workspace(tmp_path / "alt.sqlite")  # from before encryption: no password to ask
    try:
        win = open_window(qtbot, plain, tmp_path)
        win.lock()
        assert not win.locked and not plain.closed
        assert "nicht verschlüsselt" in win.db_label.text()
    finally:
        plain.close()

"""Damage met while she works (a page rotted on the disk): the window closes the file, says so
in German, offers the newest verified backup in the same dialog as at the start, and goes on
with the restored data — no "Hinweis" box she has to puzzle over, no restart."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from kuemmerer.services import persons
from kuemmerer.services.workspace import open_workspace
from kuemmerer.ui.dialogs.damaged import DamagedDialog
from kuemmerer.ui.pages.persons import PersonsPage
from tests.conftest import TEST_KEY
from tests.gui_helpers import open_window
from tests.test_open_checks import PAGE, overwrite, person_page_in_the_middle, with_persons

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


def test_a_damaged_page_met_in_the_window_offers_the_backup_and_goes_on_with_it(qtbot, tmp_path, monkeypatch):
    db_path = tmp_path / "kuemmerer.sqlite"
    taken = with_persons(db_path)
    overwrite(db_path, (person_page_in_the_middle(db_path) - 1) * PAGE, PAGE, keep_time=True)
    warned: list[str] = []
    offered: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: warned.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)

    def accept(dialog: DamagedDialog) -> int:
        offered.append(str(dialog.offer.path) if dialog.offer else "")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DamagedDialog, "exec", accept)
    ws = open_workspace(db_path, key=TEST_KEY)  # no check due: the rotten page is not seen yet
    window = open_window(qtbot, ws, tmp_path)
    window.sidebar.setCurrentRow(1)  # Personen reads every person: SQLite meets the damaged page
    qtbot.waitUntil(lambda: bool(offered), timeout=20000)
    assert warned and warned[0].startswith("Die Datenbank ist beschädigt")
    assert offered == [str(taken)]
    assert ws.closed  # the damaged file was closed and moved aside, the backup restored
    assert list(tmp_path.glob("kuemmerer.sqlite.beschaedigt-*"))
    qtbot.waitUntil(lambda: not window.swapping and not window.ctx.ws.closed)
    page = window.pages["Personen"]
    assert isinstance(page, PersonsPage)
    qtbot.waitUntil(lambda: page.model.total == 60)
    with window.ctx.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 60
    window.ctx.ws.close()

"""The first start: her password and the Notfallblatt come before anything is written; then
the database exists, encrypted, and opens with that password — and with the code printed on
the sheet. Closing the dialog leaves the folder empty. An older plain database is offered for
encryption at the start."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from kuemmerer.db import cipher
from kuemmerer.services import encryption, persons
from kuemmerer.services.workspace import open_workspace
from kuemmerer.ui import app
from kuemmerer.ui.dialogs import encryption_setup
from kuemmerer.ui.dialogs.encryption_setup import PasswordSetupDialog
from tests.gui_helpers import type_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]

PASSWORD = "Kastanienallee-17"


def drive_setup(qtbot, tmp_path, monkeypatch, *, finish: bool = True):
    """Replace ``exec`` of the setup dialog with her clicks on the real widgets."""
    sheet = tmp_path / "sheet" / "Notfallblatt.pdf"
    sheet.parent.mkdir()
    monkeypatch.setattr(encryption_setup, "ask_save_path", lambda parent, suggested: sheet)
    seen: dict[str, object] = {}

    def exec_(dialog: PasswordSetupDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(dialog.password_edit, "kurz")
        type_text(dialog.repeated_edit, "kurz")
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
        seen["short"] = dialog.form.error_text("password")
        dialog.password_edit.clear()
        dialog.repeated_edit.clear()
        type_text(dialog.password_edit, PASSWORD)
        type_text(dialog.repeated_edit, PASSWORD)
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
        seen["next_before_sheet"] = dialog.next.isEnabled()
        seen["files_before_sheet"] = sorted(p.name for p in tmp_path.iterdir())
        if not finish:
            dialog.reject()
            return QDialog.DialogCode.Rejected
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        dialog.confirmed.setChecked(True)
        seen["code"] = dialog.code()
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(PasswordSetupDialog, "exec", exec_)
    return sheet, seen


def test_first_start_sets_the_password_and_saves_the_notfallblatt_before_the_database(
        qtbot, tmp_path, monkeypatch):
    db_path = tmp_path / "kuemmerer.sqlite"
    sheet, seen = drive_setup(qtbot, tmp_path, monkeypatch)
    ws = app.open_or_recover(db_path)
    assert ws is not None
    try:
        assert "zu kurz" in str(seen["short"])
        assert seen["next_before_sheet"] is False  # not before the sheet is saved and confirmed
        assert seen["files_before_sheet"] == ["sheet"]  # nothing of the database yet
        assert ws.encrypted and ws.created
        with ws.uow() as uow:
            persons.create_person(uow, last_name="Beispiel")
    finally:
        ws.close()
    assert not cipher.is_plain(db_path)
    text = subprocess.run(["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    groups = str(seen["code"]).split("-")
    assert all(group in text for group in groups)
    key = encryption.unlock(db_path, password=PASSWORD)
    assert key == encryption.unlock(db_path, code=str(seen["code"]))
    again = open_workspace(db_path, create=False, key=key)
    again.close()


def test_closing_the_first_start_dialog_writes_nothing(qtbot, tmp_path, monkeypatch):
    db_path = tmp_path / "kuemmerer.sqlite"
    _sheet, _seen = drive_setup(qtbot, tmp_path, monkeypatch, finish=False)
    assert app.open_or_recover(db_path) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet"]


def test_an_older_plain_database_is_encrypted_at_the_start(qtbot, tmp_path, monkeypatch):
    db_path = tmp_path / "kuemmerer.sqlite"
    plain = open_workspace(db_path)
    with plain.uow() as uow:
        persons.create_person(uow, last_name="Altbestand")
    plain.close()
    _sheet, seen = drive_setup(qtbot, tmp_path, monkeypatch)
    answers = []

    def press_encrypt(box: QMessageBox) -> int:
        answers.append(box.text())
        box.buttons()[0].click()  # "Jetzt verschlüsseln"
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_encrypt)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    key = app.offer_encryption(db_path)
    assert key is not None and "noch nicht verschlüsselt" in answers[0]
    assert not cipher.is_plain(db_path)
    assert encryption.plain_backups(db_path) == []  # she chose to remove them
    ws = open_workspace(db_path, create=False, key=encryption.unlock(db_path, password=PASSWORD))
    try:
        with ws.uow(read_only=True) as uow:
            assert [p.last_name for p in persons.list_persons(uow)] == ["Altbestand"]
    finally:
        ws.close()

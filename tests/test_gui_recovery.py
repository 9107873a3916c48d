"""Issue 9, defects 2 and 11 in the window: a damaged database (four ways) or one whose
migration is blocked gets one dialog that names the newest verified backup (date, how many
persons) and restores it with one click; "Beenden" creates nothing in its place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kuemmerer.services import encryption, maintenance
from kuemmerer.ui import app
from kuemmerer.ui.dialogs import encryption_setup
from kuemmerer.ui.dialogs.damaged import DamagedDialog
from tests.conftest import TEST_KEY
from tests.gui_helpers import type_text
from tests.test_recovery import DAMAGE, damaged_with_backup, names, old_database_with_dangling_reference

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


@pytest.fixture
def answer(qtbot, monkeypatch):
    """Shows the real dialog instead of running it modally, clicks the named button in it,
    and keeps what it showed."""
    seen: dict = {}

    def run(choice: str):
        def exec_(dialog: DamagedDialog) -> int:
            qtbot.addWidget(dialog)
            dialog.resize(1366 // 2, dialog.sizeHint().height())
            dialog.show()
            qtbot.waitExposed(dialog)
            seen.update(message=dialog.message.text(), offer=dialog.offer_label.text(), dialog=dialog,
                        png=dialog.grab())
            button = {"restore": dialog.restore_button, "empty": dialog.empty_button}.get(choice, dialog.quit_button)
            assert button is not None, f"no button for {choice}"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return dialog.result()

        monkeypatch.setattr(DamagedDialog, "exec", exec_)
        return seen

    return run


@pytest.mark.parametrize("how", DAMAGE)
def test_gui_recovery_walk(tmp_path, answer, how):
    db = tmp_path / "Büro #2" / "kuemmerer.sqlite"
    taken = damaged_with_backup(db, how)
    seen = answer("restore")

    ws = app.open_or_recover(db, key=TEST_KEY)  # the key from her password (app.main asks first)

    assert ws is not None
    try:
        assert "beschädigt" in seen["message"]
        info = next(b for b in maintenance.list_backups(db, ws.backup_dir) if b.path == taken)
        assert f"vom {info.taken_at:%d.%m.%Y} um {info.taken_at:%H:%M} Uhr" in seen["offer"]
        assert "2 Personen" in seen["offer"] and taken.name in seen["offer"]
        seen["png"].save(str(tmp_path / "damaged-dialog.png"))
    finally:
        ws.close()
    assert names(db) == ["Auch", "Gesichert"]
    assert [p for p in db.parent.iterdir() if ".beschaedigt-" in p.name]  # the damaged file is kept


def test_quitting_the_damage_dialog_creates_no_empty_database(tmp_path, answer):
    db = tmp_path / "kuemmerer.sqlite"
    damaged_with_backup(db, "half")
    answer("quit")
    assert app.open_or_recover(db, key=TEST_KEY) is None
    assert not db.exists()


def test_gui_dangling_reference_offers_the_newest_backup_that_passes(tmp_path, answer):
    db, good = old_database_with_dangling_reference(tmp_path)
    seen = answer("restore")
    ws = app.open_or_recover(db)
    assert ws is not None
    ws.close()
    assert "Nächster Schritt" in seen["message"]
    assert good.name in seen["offer"]
    assert len(names(db)) == 2
    assert maintenance.check(db) == []


def test_a_missing_database_with_backups_offers_them_instead_of_an_empty_one(tmp_path, answer):
    db = tmp_path / "kuemmerer.sqlite"
    damaged_with_backup(db, "random-bytes")
    db.rename(db.with_name(db.name + ".beschaedigt-20261201-120000"))  # moved aside at the last start
    seen = answer("quit")
    assert app.open_or_recover(db, key=TEST_KEY) is None
    assert not db.exists()
    assert "gibt es nicht" in seen["message"]

    answer("restore")
    ws = app.open_or_recover(db, key=TEST_KEY)
    assert ws is not None
    ws.close()
    assert names(db) == ["Auch", "Gesichert"]


NEW_PASSWORD = "Kastanienallee-17"


def test_a_missing_database_can_still_be_started_empty(qtbot, tmp_path, answer, monkeypatch):
    db = tmp_path / "kuemmerer.sqlite"
    damaged_with_backup(db, "half")
    db.unlink()
    answer("empty")
    # an empty start is a first start: a password and the Notfallblatt for the new database
    sheet = tmp_path / "Notfallblatt.pdf"
    monkeypatch.setattr(encryption_setup, "ask_save_path", lambda parent, suggested: sheet)

    def first_start(dialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(dialog.password_edit, NEW_PASSWORD)
        type_text(dialog.repeated_edit, NEW_PASSWORD)
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        dialog.confirmed.setChecked(True)
        qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(encryption_setup.PasswordSetupDialog, "exec", first_start)
    ws = app.open_or_recover(db, key=TEST_KEY)
    assert ws is not None
    ws.close()
    assert sheet.exists()
    assert names(db, encryption.unlock(db, password=NEW_PASSWORD)) == []


@pytest.mark.parametrize("kind", ["folder", "foreign", "unreadable-name"])
def test_the_window_start_refuses_a_folder_or_a_foreign_file_and_changes_nothing(qapp, tmp_path, monkeypatch, kind):
    from PySide6.QtWidgets import QMessageBox

    from kuemmerer.ui import errors

    monkeypatch.setattr(errors, "install_excepthook", lambda: None)  # pytest-qt keeps its own
    monkeypatch.setattr(errors, "install_qt_message_handler", lambda: None)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text, *a: shown.append(text))
    home = tmp_path / "Dokumente"
    home.mkdir()
    (home / "brief.txt").write_text("Hallo", encoding="utf-8")
    target = {"folder": home, "foreign": home / "brief.txt", "unreadable-name": home / ("x" * 300)}[kind]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert app.main(["--db", str(target)]) == 2
    expected = {"folder": "ist ein Ordner, keine Datenbankdatei", "foreign": "ist keine Kümmerer-Datenbank",
                "unreadable-name": "lässt sich nicht als Datenbank verwenden"}[kind]
    assert len(shown) == 1 and expected in shown[0] and "Unerwartet" not in shown[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing moved, no lock, no empty database
    assert (home / "brief.txt").read_text(encoding="utf-8") == "Hallo"

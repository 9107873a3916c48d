"""The first start's password and Notfallblatt, unlocking (password, Notfallcode, slowdown),
the lock screen, the idle watcher and the lock setting — with the real widgets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLineEdit

from kuemmerer.services import encryption, lock_settings
from kuemmerer.services.dto import Letterhead
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs import encryption_setup
from kuemmerer.ui.dialogs.encryption_setup import PasswordSetupDialog
from kuemmerer.ui.dialogs.unlock import UnlockDialog, UnlockForm
from kuemmerer.ui.lock import IdleWatcher, LockScreen, LockSettingsBox
from tests.conftest import CHEAP_KDF, TEST_KEY, TEST_PASSWORD, create_encrypted
from tests.gui_helpers import click, tick, type_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

GOOD_PASSWORD = "Montags 3 Tassen Kaffee!"
NEW_PASSWORD = "Neues-Passwort-nach-Notfall"


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def encrypted(tmp_path) -> Path:
    path = tmp_path / "daten" / "kuemmerer.sqlite"
    create_encrypted(path).close()
    return path


def setup_dialog(qtbot, **kwargs) -> PasswordSetupDialog:
    dialog = PasswordSetupDialog("kuemmerer.sqlite", **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def enter_password(qtbot, dialog: PasswordSetupDialog, password: str, repeated: str | None = None) -> None:
    dialog.password_edit.clear()
    dialog.repeated_edit.clear()
    type_text(dialog.password_edit, password)
    type_text(dialog.repeated_edit, password if repeated is None else repeated)
    click(qtbot, dialog.next)


# ------------------------------------------------------------------------ the first start


def test_a_weak_password_is_refused_with_the_message_next_to_the_field(qtbot):
    dialog = setup_dialog(qtbot)
    enter_password(qtbot, dialog, "kurz12")
    assert dialog.form.error_text("password") == "Das Passwort ist zu kurz: mindestens 10 Zeichen (es hat 6)."
    assert dialog.strength_text() == "schwach"
    assert dialog.stack.currentIndex() == dialog.PASSWORD_STEP and dialog.key is None
    enter_password(qtbot, dialog, "aaaaaaaaaaaa")
    assert "zu wenigen verschiedenen Zeichen" in dialog.form.error_text("password")
    enter_password(qtbot, dialog, GOOD_PASSWORD, "Montags 3 Tassen Kaffee?")
    assert dialog.form.error_text("password") == ""
    assert dialog.form.error_text("repeated") == "Die Wiederholung stimmt nicht mit dem Passwort überein."
    assert dialog.repeated_edit.text() == "" and dialog.focusWidget() is dialog.repeated_edit
    assert dialog.stack.currentIndex() == dialog.PASSWORD_STEP


def test_the_strength_is_shown_as_she_types(qtbot):
    dialog = setup_dialog(qtbot)
    assert dialog.strength_text() == ""
    type_text(dialog.password_edit, "abcdefghij")
    assert dialog.strength_text() == "schwach"
    dialog.password_edit.clear()
    type_text(dialog.password_edit, "Gartenhaus77")
    assert dialog.strength_text() == "mittel"
    dialog.password_edit.clear()
    type_text(dialog.password_edit, GOOD_PASSWORD)
    assert dialog.strength_text() == "stark" and dialog.strength_bar.value() == 3


def test_weiter_waits_for_the_saved_sheet_and_the_tick_and_the_sheet_holds_the_code(qtbot, tmp_path, monkeypatch):
    target = tmp_path / "stick" / "Notfallblatt.pdf"
    target.parent.mkdir()
    asked: list[str] = []

    def ask(parent, suggested):
        asked.append(suggested)
        return target

    monkeypatch.setattr(encryption_setup, "ask_save_path", ask)
    dialog = setup_dialog(qtbot, letterhead=Letterhead(office_name="Stadtteilbüro Musterviertel"))
    enter_password(qtbot, dialog, GOOD_PASSWORD)
    assert dialog.stack.currentIndex() == dialog.SHEET_STEP
    key = dialog.key
    assert key is not None and len(key) == 32
    code = encryption.code_of(key)
    assert dialog.code_label.text().split() == code.split("-")
    assert not dialog.next.isEnabled()
    tick(qtbot, dialog.confirmed)  # ticked before anything was saved: still not enough
    assert dialog.confirmed.isChecked() and not dialog.next.isEnabled()
    tick(qtbot, dialog.confirmed)
    click(qtbot, dialog.save_button)
    assert asked == ["Notfallblatt-kuemmerer.pdf"]
    assert not dialog.next.isEnabled()  # saved, not yet ticked
    tick(qtbot, dialog.confirmed)
    assert dialog.next.isEnabled()

    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    groups = code.split("-")
    assert " ".join(groups[:7]) in " ".join(text.split()) and " ".join(groups[7:]) in " ".join(text.split())
    assert "Stadtteilbüro Musterviertel" in text and "kuemmerer.sqlite" in text

    click(qtbot, dialog.next)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.password == GOOD_PASSWORD and dialog.key == key
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["Notfallblatt.pdf"]


def test_printing_counts_as_done_only_when_she_really_printed(qtbot, monkeypatch):
    answers = [False, True]
    printed: list[bytes] = []

    def fake_print(parent, pdf, title):
        printed.append(pdf)
        return answers.pop(0)

    monkeypatch.setattr(encryption_setup, "print_sheet", fake_print)
    dialog = setup_dialog(qtbot)
    enter_password(qtbot, dialog, GOOD_PASSWORD)
    tick(qtbot, dialog.confirmed)
    click(qtbot, dialog.print_button)  # the print dialog was cancelled
    assert not dialog.next.isEnabled()
    click(qtbot, dialog.print_button)
    assert dialog.next.isEnabled() and "Gedruckt" in dialog.status.text()
    assert encryption.code_of(dialog.key).split("-")[0] in pdf_text(printed[-1])


def test_going_back_keeps_the_key_of_the_sheet_and_cancel_leaves_nothing(qtbot, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(encryption_setup, "ask_save_path", lambda parent, suggested: tmp_path / "blatt.pdf")
    dialog = setup_dialog(qtbot, mode="encrypt")
    assert dialog.windowTitle().startswith("Datenbank verschlüsseln")
    enter_password(qtbot, dialog, GOOD_PASSWORD)
    key = dialog.key
    click(qtbot, dialog.back)
    enter_password(qtbot, dialog, "Ein ganz anderes Passwort 9")
    assert dialog.key == key  # the sheet printed for it stays right
    assert dialog.next.text() == "Verschlüsselung starten"
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.key is None and dialog.password == ""
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- unlocking


def unlock_dialog(qtbot, path, **kwargs) -> UnlockDialog:
    dialog = UnlockDialog(path, kdf_params=CHEAP_KDF, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def try_password(qtbot, form: UnlockForm, password: str) -> None:
    type_text(form.password, password)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)


def test_the_right_password_gives_the_key(qtbot, encrypted):
    dialog = unlock_dialog(qtbot, encrypted)
    form = dialog.form
    assert form.password.echoMode() == QLineEdit.EchoMode.Password
    assert not form.demo_label.isVisible()
    type_text(form.password, TEST_PASSWORD)
    click(qtbot, form.unlock_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.key == TEST_KEY and not dialog.password_was_reset
    assert form.password.text() == ""


def test_five_wrong_passwords_slow_down_the_next_try_with_a_countdown(qtbot, encrypted):
    clock = FakeClock()
    dialog = unlock_dialog(qtbot, encrypted, clock=clock)
    form = dialog.form
    for _ in range(4):
        try_password(qtbot, form, "Falsches-Passwort-1")
        assert form.password_form.error_text("password") == "Das Passwort stimmt nicht."
        assert form.password.text() == "" and dialog.focusWidget() is form.password
        assert form.unlock_button.isEnabled()
    try_password(qtbot, form, "Falsches-Passwort-5")
    assert not form.unlock_button.isEnabled()
    assert form.wait_label.text() == "Zu viele falsche Versuche. Nächster Versuch in 2 Sekunden."
    # Enter while waiting tries nothing (not even the right password)
    try_password(qtbot, form, TEST_PASSWORD)
    assert dialog.result() != QDialog.DialogCode.Accepted and form.throttle.failures == 5
    form.password.clear()
    clock.now += 1.2
    qtbot.waitUntil(lambda: form.wait_label.text().endswith("in 1 Sekunde."))
    assert not form.unlock_button.isEnabled()
    clock.now += 1.0
    qtbot.waitUntil(form.unlock_button.isEnabled)
    assert not form.wait_label.isVisible()
    try_password(qtbot, form, "Falsches-Passwort-6")
    assert form.wait_label.text().endswith("in 4 Sekunden.")
    clock.now += 4
    qtbot.waitUntil(form.unlock_button.isEnabled)
    try_password(qtbot, form, TEST_PASSWORD)
    assert dialog.key == TEST_KEY and form.throttle.failures == 0


def test_the_notfallcode_opens_and_sets_a_new_password(qtbot, encrypted):
    dialog = unlock_dialog(qtbot, encrypted)
    form = dialog.form
    click(qtbot, form.to_code)
    assert form.current_page() == form.CODE_PAGE and dialog.focusWidget() is form.code
    code = encryption.code_of(TEST_KEY)
    typo = ("0" if code[0] != "0" else "1") + code[1:]
    type_text(form.code, typo.lower().replace("-", " "))
    type_text(form.new_password, NEW_PASSWORD)
    type_text(form.repeated, NEW_PASSWORD)
    click(qtbot, form.code_button)
    assert "Tippfehler" in form.code_form.error_text("recovery_code")
    assert encryption.unlock(encrypted, password=TEST_PASSWORD) == TEST_KEY  # nothing written
    assert form.new_password.text() == NEW_PASSWORD  # a typo in the code keeps the new password
    form.code.clear()
    type_text(form.code, code.lower().replace("-", " "))
    click(qtbot, form.code_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.key == TEST_KEY and dialog.password_was_reset
    assert encryption.unlock(encrypted, password=NEW_PASSWORD) == TEST_KEY
    with pytest.raises(encryption.ValidationError):
        encryption.unlock(encrypted, password=TEST_PASSWORD)


def test_a_lost_key_file_starts_on_the_code_page_and_the_code_writes_a_new_one(qtbot, encrypted):
    keyfile = encrypted.with_name(encrypted.name + ".schluessel")
    keyfile.unlink()
    dialog = unlock_dialog(qtbot, encrypted)
    form = dialog.form
    assert form.current_page() == form.CODE_PAGE and not form.to_password.isVisible()
    assert "Schlüsseldatei neben der Datenbank fehlt" in form.code_intro.text()
    type_text(form.code, encryption.code_of(TEST_KEY))
    type_text(form.new_password, "kurz")
    type_text(form.repeated, "kurz")
    click(qtbot, form.code_button)
    assert "zu kurz" in form.code_form.error_text("new_password")
    assert not keyfile.exists()
    type_text(form.new_password, NEW_PASSWORD)
    type_text(form.repeated, NEW_PASSWORD)
    click(qtbot, form.code_button)
    assert dialog.key == TEST_KEY
    assert encryption.unlock(encrypted, password=NEW_PASSWORD) == TEST_KEY


def test_a_damaged_key_file_is_no_typo_and_points_to_the_notfallcode(qtbot, encrypted):
    keyfile = encrypted.with_name(encrypted.name + ".schluessel")
    keyfile.write_bytes(keyfile.read_bytes()[:-40])
    dialog = unlock_dialog(qtbot, encrypted)
    form = dialog.form
    try_password(qtbot, form, TEST_PASSWORD)
    message = form.password_form.general_error.text()
    assert "beschädigt" in message and "Notfallcode" in message
    assert form.password_form.general_error.isVisible()
    assert form.throttle.failures == 0 and dialog.key is None


def test_the_demo_database_shows_its_password(qtbot, encrypted):
    dialog = unlock_dialog(qtbot, encrypted, demo_hint=True)
    assert dialog.form.demo_label.isVisible()
    assert encryption.DEMO_PASSWORD in dialog.form.demo_label.text()


# --------------------------------------------------------------------------- the lock screen


def test_the_lock_screen_hands_back_the_key_and_keeps_nothing(qtbot, encrypted):
    screen = LockScreen(encrypted, kdf_params=CHEAP_KDF)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.title.text() == "Kümmerer ist gesperrt"
    assert "kuemmerer.sqlite" in screen.database.text()
    try_password(qtbot, screen.form, "Falsches-Passwort-1")
    assert screen.form.password_form.error_text("password") == "Das Passwort stimmt nicht."
    with qtbot.waitSignal(screen.unlocked, timeout=5000) as got:
        try_password(qtbot, screen.form, TEST_PASSWORD)
    assert got.args == [TEST_KEY]
    assert screen.form.password.text() == "" and screen.form.password_form.error_text("password") == ""
    assert not any(getattr(screen, name, None) == TEST_KEY for name in vars(screen))
    screen.form.show_page(screen.form.CODE_PAGE)
    type_text(screen.form.code, "abc")
    screen.prepare()  # shown again after the next lock: empty, on the password
    assert screen.form.current_page() == screen.form.PASSWORD_PAGE and screen.form.code.text() == ""


def test_idle_watcher_locks_after_the_time_but_not_while_she_types(qtbot, encrypted):
    screen = LockScreen(encrypted)  # any widget with a field to type into
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    watcher = IdleWatcher(10)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.set_interval_ms(250)
    for _ in range(20):  # 20 × 25 ms: twice the idle time, a key every tenth of it
        qtbot.keyClick(screen.form.password, Qt.Key.Key_A)
        qtbot.wait(25)
    assert fired == []
    qtbot.waitUntil(lambda: fired == [True], timeout=3000)
    # quiet until resumed: typing on the lock screen does not lock again
    qtbot.keyClick(screen.form.password, Qt.Key.Key_A)
    qtbot.wait(400)
    assert fired == [True] and not watcher.watching
    watcher.resume()
    qtbot.waitUntil(lambda: fired == [True, True], timeout=3000)
    watcher.resume()
    watcher.set_minutes(0)  # "nie"
    qtbot.wait(400)
    assert fired == [True, True]
    watcher.remove()


def test_idle_watcher_locks_when_the_system_suspends_the_application(qtbot):
    watcher = IdleWatcher(10)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    app = QGuiApplication.instance()
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    assert fired == []
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationSuspended)
    assert fired == [True]
    watcher.remove()


# --------------------------------------------------------------------------- the setting


def test_lock_settings_box_shows_ten_minutes_and_saves_her_choice(qtbot, ws):
    ctx = AppContext(ws)
    box = LockSettingsBox(ctx)
    qtbot.addWidget(box)
    box.show()
    assert box.minutes.value() == 10
    box.minutes.setValue(0)
    assert box.minutes.text() == "nie"
    box.minutes.setValue(25)
    with qtbot.waitSignal(box.minutes_saved) as saved:
        click(qtbot, box.save_button)
    assert saved.args == [25] and box.saved_note.text() == "Gespeichert."
    with ws.uow(read_only=True) as uow:
        assert lock_settings.get_lock_minutes(uow) == 25
    again = LockSettingsBox(ctx)
    qtbot.addWidget(again)
    assert again.minutes.value() == 25

"""Unlocking an encrypted database: her password, or the Notfallcode with a new password.

``UnlockForm`` holds both ways and is used by ``UnlockDialog`` (at the start) and by the
lock screen (``ui/lock.py``). A wrong password is a typo to her: the message stands next to
the field, the field is emptied and keeps the focus. After five wrong passwords each further
try waits (``domain/unlock_policy``), with a countdown on the button's line. Errors that are
no typo (a damaged key file) are shown in German and point to the Notfallcode.

scrypt takes about 0.3 s per try: that is run on the GUI thread, with a wait cursor.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import StorageError, ValidationError
from kuemmerer.domain.unlock_policy import UnlockThrottle
from kuemmerer.paths import storage_problem
from kuemmerer.services import encryption

from ..widgets import ERROR_STYLE, FieldForm

CODE_FIELD = "recovery_code"
HINT_STYLE = "color: #555;"
# the code as she types it: 56 characters in 14 groups, with dashes or spaces as she likes
_CODE_MAX_CHARS = 120


def password_edit(parent: QWidget | None = None) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(1024)
    return edit


def regroup_code(text: str) -> str:
    """What she typed as groups of four, upper case, joined by dashes (only the layout:
    whether it is a valid code is the service's question)."""
    chars = [ch.upper() for ch in text if ch.isalnum()]
    joined = "".join(chars)
    return "-".join(joined[i:i + 4] for i in range(0, len(joined), 4))


def reserve_wrapped_errors(form: FieldForm) -> None:
    """A message of two lines under a field of a QFormLayout gets the height of two lines
    (the form layout asks a wrapped label for its height at the wrong width)."""
    for name, label in form.errors.items():
        field = form.fields[name]
        shown = label.isVisibleTo(form) and field.width() > 50
        label.setMinimumHeight(label.heightForWidth(field.width()) if shown else 0)


@contextlib.contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _seconds_text(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return "1 Sekunde" if whole == 1 else f"{whole} Sekunden"


def _lay_out(page: QWidget, widgets: list[QWidget], left: QPushButton, right: QPushButton) -> QWidget:
    """A page of the form: its widgets on top of each other, then a link on the left and the
    action on the right."""
    buttons = QHBoxLayout()
    buttons.addWidget(left)
    buttons.addStretch(1)
    buttons.addWidget(right)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addLayout(buttons)
    layout.addStretch(1)
    return page


class UnlockForm(QWidget):
    """The password page and the Notfallcode page of one encrypted database.

    ``unlocked(bytes)`` carries the key; the form keeps neither the key nor what was typed
    (the fields are emptied on success). ``password_was_reset`` tells whether the key came
    through the Notfallcode with a new password (a new key file was written)."""

    unlocked = Signal(bytes)

    PASSWORD_PAGE = 0
    CODE_PAGE = 1

    def __init__(self, db_path: Path | str, parent: QWidget | None = None, *,
                 throttle: UnlockThrottle | None = None, clock: Callable[[], float] = time.monotonic,
                 demo_hint: bool = False, kdf_params: Any = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.throttle = throttle if throttle is not None else UnlockThrottle()
        self.clock = clock
        self.kdf_params = kdf_params  # tests: cheap scrypt for the new key file
        self.password_was_reset = False
        self._page = self.PASSWORD_PAGE
        # two pages, one shown (not a QStackedWidget: that is as tall as its tallest page)
        self.pages = [self._password_page(demo_hint), self._code_page()]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for page in self.pages:
            layout.addWidget(page)
        # Enter in a field unlocks through its returnPressed; no button of the form is a dialog's
        # default button as well, or Enter would try twice (the second time with the emptied field)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.countdown = QTimer(self)
        self.countdown.setInterval(250)
        self.countdown.timeout.connect(self.refresh_countdown)
        self.reset()

    # -- building ------------------------------------------------------------------------
    def _password_page(self, demo_hint: bool) -> QWidget:
        page = QWidget(self)
        self.password_form = FieldForm(page)
        self.password = self.password_form.add("password", "Passwort", password_edit())
        self.password.returnPressed.connect(self.unlock_with_password)
        self.unlock_button = QPushButton("Entsperren", page)
        self.unlock_button.clicked.connect(self.unlock_with_password)
        self.wait_label = QLabel(page)
        self.wait_label.setStyleSheet(ERROR_STYLE)
        self.wait_label.setWordWrap(True)
        self.wait_label.hide()
        self.to_code = QPushButton("Passwort vergessen? Mit Notfallcode öffnen", page)
        self.to_code.setFlat(True)
        self.to_code.setCursor(Qt.CursorShape.PointingHandCursor)
        self.to_code.setStyleSheet("QPushButton { color: #0b5394; text-decoration: underline; border: none; "
                                   "text-align: left; padding: 2px 0; }")
        self.to_code.clicked.connect(lambda: self.show_page(self.CODE_PAGE))
        self.demo_label = QLabel(
            f"Demo-Datenbank (erfundene Personen): das Passwort lautet <b>{encryption.DEMO_PASSWORD}</b>", page)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_label.setStyleSheet("background: #fff8d6; border: 1px solid #e0c860; padding: 6px;")
        self.demo_label.setWordWrap(True)
        self.demo_label.setVisible(demo_hint)

        return _lay_out(page, [self.demo_label, self.password_form, self.wait_label],
                        self.to_code, self.unlock_button)

    def _code_page(self) -> QWidget:
        page = QWidget(self)
        self.code_intro = QLabel(_CODE_INTRO, page)
        self.code_intro.setWordWrap(True)
        self.code_form = FieldForm(page)
        self.code = self.code_form.add(CODE_FIELD, "Notfallcode", QLineEdit(),
                                       hint="56 Zeichen in 14 Vierergruppen, wie auf dem Notfallblatt")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10.5))
        self.code.setFont(mono)
        self.code.setMaxLength(_CODE_MAX_CHARS)
        self.code.setPlaceholderText("z. B. 7K3M-Q9WX-…")
        self.code.editingFinished.connect(self._regroup)
        self.new_password = self.code_form.add(
            "new_password", "Neues Passwort", password_edit(),
            hint="Mindestens 10 Zeichen; am besten ein Satz aus mehreren Wörtern.")
        self.repeated = self.code_form.add("repeated", "Wiederholung", password_edit())
        self.repeated.returnPressed.connect(self.unlock_with_code)
        self.code_button = QPushButton("Mit Notfallcode öffnen", page)
        self.code_button.clicked.connect(self.unlock_with_code)
        self.to_password = QPushButton("Zurück zum Passwort", page)
        self.to_password.clicked.connect(lambda: self.show_page(self.PASSWORD_PAGE))
        return _lay_out(page, [self.code_intro, self.code_form], self.to_password, self.code_button)

    # -- state ---------------------------------------------------------------------------
    def state(self) -> encryption.DbState:
        return encryption.state(self.db_path)

    def reset(self) -> None:
        """Empty every field and start over on the page the database needs (the code page
        when its key file is missing)."""
        for edit in (self.password, self.code, self.new_password, self.repeated):
            edit.clear()
        self.password_form.clear_errors()
        self.code_form.clear_errors()
        self.password_was_reset = False
        no_keyfile = self.state() is encryption.DbState.NO_KEYFILE
        self.to_code.setVisible(not no_keyfile)
        self.to_password.setVisible(not no_keyfile)
        self.code_intro.setText((_NO_KEYFILE if no_keyfile else "") + _CODE_INTRO)
        self.show_page(self.CODE_PAGE if no_keyfile else self.PASSWORD_PAGE)
        self.refresh_countdown()

    def set_database(self, db_path: Path | str) -> None:
        """Another database file (after a restore into another place)."""
        self.db_path = Path(db_path)
        self.reset()

    def show_page(self, page: int) -> None:
        self._page = page
        for index, widget in enumerate(self.pages):
            widget.setVisible(index == page)
        self.fit()
        self.focus_first()

    def current_page(self) -> int:
        return self._page

    def fit(self) -> None:
        """Let a dialog grow (or shrink) to what the page and its messages need."""
        for form in (self.password_form, self.code_form):
            reserve_wrapped_errors(form)
        window = self.window()
        if isinstance(window, QDialog) and window.isVisible():
            layout = window.layout()
            height = layout.totalHeightForWidth(window.width()) if layout is not None and layout.hasHeightForWidth() \
                else window.sizeHint().height()
            window.resize(window.width(), max(height, window.minimumSizeHint().height()))

    def focus_first(self) -> None:
        (self.password if self._page == self.PASSWORD_PAGE else self.code).setFocus()

    def seconds_left(self) -> float:
        return self.throttle.seconds_left(self.clock())

    def refresh_countdown(self) -> None:
        """Enable "Entsperren" once the wait is over; until then say how long it is."""
        left = self.seconds_left()
        waiting = left > 0
        self.unlock_button.setEnabled(not waiting)
        if waiting:
            self.wait_label.setText(f"Zu viele falsche Versuche. Nächster Versuch in {_seconds_text(left)}.")
            self.wait_label.show()
            if not self.countdown.isActive():
                self.countdown.start()
        else:
            self.wait_label.hide()
            self.countdown.stop()

    def _regroup(self) -> None:
        grouped = regroup_code(self.code.text())
        if grouped != self.code.text():
            self.code.setText(grouped)

    # -- unlocking -----------------------------------------------------------------------
    def unlock_with_password(self) -> None:
        if self.seconds_left() > 0:
            self.refresh_countdown()
            return
        self.password_form.clear_errors()
        try:
            with _busy():
                key = encryption.unlock(self.db_path, password=self.password.text())
        except ValidationError as exc:
            if self.password.text():  # an empty field is no wrong try
                self.throttle.record_failure(self.clock())
            self.password.clear()
            self.password_form.show_errors(exc.errors)
            self.password.setFocus()
            self.refresh_countdown()
            self.fit()
            return
        except StorageError as exc:  # a damaged or missing key file: no typo
            self.password_form.show_errors({"_": str(exc)})
            self.fit()
            return
        except OSError as exc:
            self.password_form.show_errors({"_": storage_problem(exc) or _READ_FAILED})
            self.fit()
            return
        self.throttle.record_success()
        self._succeeded(key)

    def unlock_with_code(self) -> None:
        self._regroup()
        errors: dict[str, str] = {}
        try:
            encryption.key_from_code(self.code.text())
        except ValidationError as exc:
            errors.update(exc.errors)
        try:
            encryption.check_new_password(self.new_password.text(), self.repeated.text(), "new_password")
        except ValidationError as exc:
            errors.update(exc.errors)
        if errors:
            self._code_errors(errors)
            return
        kwargs = {"params": self.kdf_params} if self.kdf_params is not None else {}
        try:
            with _busy():
                key = encryption.reset_password(self.db_path, self.code.text(), self.new_password.text(),
                                                self.repeated.text(), **kwargs)
        except ValidationError as exc:
            self._code_errors(exc.errors)
            return
        except StorageError as exc:
            self.code_form.show_errors({"_": str(exc)})
            self.fit()
            return
        except OSError as exc:
            self.code_form.show_errors({"_": storage_problem(exc) or _WRITE_FAILED})
            self.fit()
            return
        self.throttle.record_success()
        self.password_was_reset = True
        self._succeeded(key)

    def _code_errors(self, errors: dict[str, str]) -> None:
        self.code_form.show_errors(errors)
        self.fit()
        for name in ("new_password", "repeated"):
            if name in errors:
                self.new_password.clear()
                self.repeated.clear()
                break
        if CODE_FIELD not in errors and "new_password" in errors:
            self.new_password.setFocus()

    def _succeeded(self, key: bytes) -> None:
        reset = self.password_was_reset
        for edit in (self.password, self.code, self.new_password, self.repeated):
            edit.clear()
        self.password_form.clear_errors()
        self.code_form.clear_errors()
        self.password_was_reset = reset
        self.unlocked.emit(key)


_CODE_INTRO = ("Den <b>Notfallcode</b> vom Notfallblatt abtippen (14 Vierergruppen; Groß- oder Kleinschreibung, "
               "Leerzeichen und Bindestriche sind egal) und ein neues Passwort festlegen. Die Daten bleiben, "
               "wie sie sind; das Notfallblatt bleibt gültig.")
_NO_KEYFILE = ("<span style='color:#b00020'>Die Schlüsseldatei neben der Datenbank fehlt.</span> Die Datenbank "
               "lässt sich mit dem Notfallcode öffnen; dabei wird eine neue Schlüsseldatei angelegt.<br><br>")
_READ_FAILED = ("Die Schlüsseldatei ließ sich nicht lesen. Mit dem Notfallcode vom Notfallblatt lässt sich "
                "die Datenbank trotzdem öffnen.")
_WRITE_FAILED = "Die neue Schlüsseldatei konnte nicht geschrieben werden. Bitte prüfen, ob der Ordner beschreibbar ist."


class UnlockDialog(QDialog):
    """At the start: the password (or the Notfallcode) of ``db_path``. After ``exec()``
    returned Accepted, ``key`` holds the database key."""

    def __init__(self, db_path: Path | str, parent: QWidget | None = None, *,
                 throttle: UnlockThrottle | None = None, clock: Callable[[], float] = time.monotonic,
                 demo_hint: bool = False, kdf_params: Any = None):
        super().__init__(parent)
        self.setWindowTitle("Kümmerer – Datenbank öffnen")
        self.key: bytes | None = None
        path = Path(db_path)
        ask = "den Notfallcode" if encryption.state(path) is encryption.DbState.NO_KEYFILE else "das Passwort"
        heading = QLabel(f"<h3>Datenbank „{path.name}“ öffnen</h3>"
                         f"Ihre Daten sind verschlüsselt. Bitte {ask} eingeben.", self)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        folder = QLabel(f"Ordner: {path.parent}", self)
        folder.setStyleSheet(HINT_STYLE)
        folder.setWordWrap(True)
        self.form = UnlockForm(path, self, throttle=throttle, clock=clock, demo_hint=demo_hint,
                               kdf_params=kdf_params)
        self.form.unlocked.connect(self._unlocked)
        self.cancel = QPushButton("Beenden", self)
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(folder)
        layout.addSpacing(6)
        layout.addWidget(self.form, 1)
        layout.addLayout(bottom)
        self.setMinimumWidth(620)
        self.form.focus_first()

    @property
    def password_was_reset(self) -> bool:
        return self.form.password_was_reset

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.form, self.form.fit)  # as tall as the page shown needs, once laid out

    def _unlocked(self, key: bytes) -> None:
        self.key = key
        self.accept()

"""First start (and "encrypt my older plain database"): her password, then the Notfallblatt.

Two steps in one dialog: (a) the password with its repetition, its strength shown and the
minimum enforced; (b) the Notfallcode, saved as the Notfallblatt PDF or printed, and her
confirmation that the sheet is safe. The dialog writes nothing into the database folder:
on accept it exposes ``password`` and ``key``, and the window calls ``encryption.create``
or ``encryption.encrypt_existing`` with them. Cancel at any point writes nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePath

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import ValidationError
from kuemmerer.paths import storage_problem, write_atomically
from kuemmerer.services import encryption, validation
from kuemmerer.services.dto import Letterhead

from .. import printing
from ..widgets import ERROR_STYLE, FieldForm
from .unlock import HINT_STYLE, password_edit, reserve_wrapped_errors

log = logging.getLogger(__name__)

STRENGTHS = {  # shown as: bar value (of 3), colour, text
    "schwach": (1, "#c62828", "schwach"),
    "mittel": (2, "#ef8f00", "mittel"),
    "stark": (3, "#2e7d32", "stark"),
}
SHEET_TITLE = "Notfallblatt"


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to save the sheet (tests replace this)."""
    return printing.ask_save_path(parent, suggested)


def print_sheet(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """The print preview of the sheet; True if she printed (tests replace this)."""
    return printing.preview_dialog(parent, pdf, title).exec() == QDialog.DialogCode.Accepted


def _intro(mode: str, db_name: str) -> str:
    common = ("Ohne das Passwort kann niemand die Daten lesen – auch nicht, wer den Laptop, seine Festplatte "
              "oder einen Sicherungsstick in die Hände bekommt. Sie brauchen es bei jedem Start und nach dem "
              "Sperren.<br><br><b>Ein vergessenes Passwort lässt sich nicht wiederherstellen.</b> Dafür gibt "
              "es den <b>Notfallcode</b>: Im nächsten Schritt drucken oder speichern Sie das Notfallblatt mit "
              "diesem Code und legen es in den Tresor des Büros. Ohne Passwort und ohne Notfallblatt kann "
              "niemand die Daten mehr öffnen.")
    if mode == "encrypt":
        return (f"<h3>Ihre Datenbank wird jetzt verschlüsselt</h3>Die Datenbank „{db_name}“ liegt noch "
                "unverschlüsselt auf dem Laptop; sie enthält Angaben, die besonders geschützt werden müssen "
                "(Schulden, Gesundheit, Sucht). Bevor sie verschlüsselt wird, legt Kümmerer eine geprüfte "
                "Sicherung an. Legen Sie dafür jetzt ein Passwort fest.<br><br>" + common)
    return ("<h3>Ein Passwort für Ihre Daten</h3>Kümmerer speichert Angaben, die besonders geschützt werden "
            "müssen (Schulden, Gesundheit, Sucht). Deshalb wird die Datenbank "
            f"„{db_name}“ verschlüsselt.<br><br>" + common)


class PasswordSetupDialog(QDialog):
    """Step (a) password, step (b) Notfallblatt. ``mode`` is "new" (first start) or "encrypt"
    (an older plain database). After Accepted: ``password`` and ``key`` (made with
    ``encryption.new_key()`` when step (b) is first reached, kept if she goes back)."""

    PASSWORD_STEP = 0
    SHEET_STEP = 1

    def __init__(self, db_name: str, parent: QWidget | None = None, *,
                 letterhead: Letterhead | None = None, mode: str = "new"):
        super().__init__(parent)
        if mode not in ("new", "encrypt"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.db_name = PurePath(db_name).name
        self.letterhead = letterhead or Letterhead()
        self.password = ""
        self.key: bytes | None = None
        self.saved_to: Path | None = None
        self.printed = False
        self._pdf: bytes | None = None
        self.setWindowTitle("Datenbank verschlüsseln – Kümmerer" if mode == "encrypt"
                            else "Passwort festlegen – Kümmerer")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._password_step())
        self.stack.addWidget(self._sheet_step())

        self.step_label = QLabel(self)
        self.step_label.setStyleSheet(HINT_STYLE)
        self.cancel = QPushButton("Abbrechen", self)
        self.cancel.clicked.connect(self.reject)
        self.back = QPushButton("Zurück", self)
        self.back.clicked.connect(lambda: self.go_to(self.PASSWORD_STEP))
        self.next = QPushButton("Weiter", self)
        self.next.clicked.connect(self.go_on)
        for button in (self.cancel, self.back, self.next):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.step_label)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel)
        bottom.addWidget(self.back)
        bottom.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        self.setMinimumWidth(720)
        self.go_to(self.PASSWORD_STEP)

    # -- step (a) ------------------------------------------------------------------------
    def _password_step(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(_intro(self.mode, self.db_name), page)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.form = FieldForm(page)
        self.password_edit = self.form.add(
            "password", "Passwort", password_edit(), required=True,
            hint="Mindestens 10 Zeichen. Gut merkbar und stark: ein Satz aus mehreren Wörtern mit Zahl, "
                 "z. B. „Montags 3 Tassen Kaffee im Büro!“ (bitte nicht genau diesen).")
        self.strength_bar = QProgressBar(page)
        self.strength_bar.setRange(0, 3)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setFixedHeight(10)
        self.strength_bar.setMaximumWidth(240)
        self.strength_label = QLabel(page)
        strength = QWidget(page)
        row = QHBoxLayout(strength)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.strength_bar)
        row.addWidget(self.strength_label)
        row.addStretch(1)
        self.form.add_row("Stärke:", strength)
        self.repeated_edit = self.form.add("repeated", "Wiederholung", password_edit(), required=True)
        self.show_chars = QCheckBox("Zeichen anzeigen", page)
        self.show_chars.toggled.connect(self._show_chars)
        self.form.add_row("", self.show_chars)
        self.password_edit.textChanged.connect(self._update_strength)
        self.password_edit.returnPressed.connect(self.repeated_edit.setFocus)
        self.repeated_edit.returnPressed.connect(self.go_on)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self._update_strength("")
        return page

    def _show_chars(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.password_edit.setEchoMode(mode)
        self.repeated_edit.setEchoMode(mode)

    def _update_strength(self, text: str) -> None:
        if not text:
            self.strength_bar.setValue(0)
            self.strength_label.setText("")
            return
        value, colour, word = STRENGTHS[encryption.password_strength(text)]
        self.strength_bar.setValue(value)
        self.strength_bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.strength_label.setText(word)
        self.strength_label.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def strength_text(self) -> str:
        return self.strength_label.text()

    # -- step (b) ------------------------------------------------------------------------
    def _sheet_step(self) -> QWidget:
        page = QWidget(self)
        heading = QLabel("<h3>Das Notfallblatt</h3>Das ist Ihr <b>Notfallcode</b>. Mit ihm öffnen Sie die "
                         "Datenbank, wenn das Passwort vergessen ist oder die Schlüsseldatei fehlt. Kümmerer "
                         "zeigt ihn <b>nur dieses eine Mal</b>: Drucken oder speichern Sie jetzt das "
                         "Notfallblatt und legen Sie es in den Tresor des Büros.", page)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.code_label = QLabel(page)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(15)
        mono.setBold(True)
        self.code_label.setFont(mono)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setStyleSheet("background: #f3f7fc; border: 1px solid #0b5394; padding: 12px;")
        self.save_button = QPushButton("Notfallblatt speichern…", page)
        self.save_button.clicked.connect(self.save_sheet)
        self.print_button = QPushButton("Drucken…", page)
        self.print_button.clicked.connect(self.print_sheet)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        where = QLabel("Speichern Sie das Blatt auf einem USB-Stick, der in den Tresor kommt – nicht auf diesem "
                       "Laptop: wer den Code hat, kann alle Daten lesen.", page)
        where.setWordWrap(True)
        where.setStyleSheet(HINT_STYLE)
        self.status = QLabel(page)
        self.status.setWordWrap(True)
        self.sheet_error = QLabel(page)
        self.sheet_error.setStyleSheet(ERROR_STYLE)
        self.sheet_error.setWordWrap(True)
        self.sheet_error.hide()
        self.confirmed = QCheckBox("Ich habe das Notfallblatt gedruckt oder gespeichert und bewahre es sicher auf",
                                   page)
        self.confirmed.toggled.connect(self._update_next)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addSpacing(6)
        layout.addWidget(self.code_label)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.addWidget(where)
        layout.addWidget(self.status)
        layout.addWidget(self.sheet_error)
        layout.addSpacing(6)
        layout.addWidget(self.confirmed)
        layout.addStretch(1)
        return page

    def code(self) -> str:
        return encryption.code_of(self.key) if self.key is not None else ""

    def sheet_pdf(self) -> bytes:
        from kuemmerer.exports.notfallblatt import NotfallblattData, notfallblatt_pdf  # reportlab: lazily

        assert self.key is not None
        if self._pdf is None:
            self._pdf = notfallblatt_pdf(NotfallblattData(self.key, self.db_name, validation.today(),
                                                          self.letterhead))
        return self._pdf

    def sheet_file_name(self) -> str:
        stem = PurePath(self.db_name).stem or "kuemmerer"
        return f"Notfallblatt-{stem}.pdf"

    def save_sheet(self) -> bool:
        self.sheet_error.hide()
        target = ask_save_path(self, self.sheet_file_name())
        if target is None:
            return False
        try:
            write_atomically(self.sheet_pdf(), target)
        except OSError as exc:
            log.warning("saving the Notfallblatt failed: %s", type(exc).__name__)
            self.sheet_error.setText("Das Notfallblatt konnte nicht gespeichert werden. "
                                     + (storage_problem(exc) or "Bitte einen anderen Ort wählen."))
            self.sheet_error.show()
            return False
        self.saved_to = target
        self._show_status()
        return True

    def print_sheet(self) -> bool:
        self.sheet_error.hide()
        if not print_sheet(self, self.sheet_pdf(), SHEET_TITLE):
            return False
        self.printed = True
        self._show_status()
        return True

    def _show_status(self) -> None:
        done = []
        if self.saved_to is not None:
            done.append(f"Gespeichert unter {self.saved_to}")
        if self.printed:
            done.append("Gedruckt")
        self.status.setText("✔ " + " · ".join(done) if done else "")
        self.status.setStyleSheet("color: #2e7d32;")
        self._update_next()

    def sheet_done(self) -> bool:
        return (self.saved_to is not None or self.printed) and self.confirmed.isChecked()

    # -- moving on -----------------------------------------------------------------------
    def go_to(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.back.setVisible(step == self.SHEET_STEP)
        self.step_label.setText(f"Schritt {step + 1} von 2")
        if step == self.SHEET_STEP:
            if self.key is None:
                self.key = encryption.new_key()
            groups = self.code().split("-")
            half = len(groups) // 2
            self.code_label.setText("  ".join(groups[:half]) + "\n" + "  ".join(groups[half:]))
            self.next.setText("Verschlüsselung starten" if self.mode == "encrypt" else "Weiter")
            self.save_button.setFocus()
        else:
            self.next.setText("Weiter")
            self.password_edit.setFocus()
        self._update_next()

    def _update_next(self, *_args) -> None:
        self.next.setEnabled(self.stack.currentIndex() == self.PASSWORD_STEP or self.sheet_done())

    def go_on(self) -> None:
        if self.stack.currentIndex() == self.PASSWORD_STEP:
            self.check_password()
        elif self.sheet_done():
            self.password = self.password_edit.text()
            self.accept()

    def check_password(self) -> bool:
        password, repeated = self.password_edit.text(), self.repeated_edit.text()
        try:
            encryption.check_new_password(password, repeated)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            reserve_wrapped_errors(self.form)
            if "repeated" in exc.errors and "password" not in exc.errors:
                self.repeated_edit.clear()
                self.repeated_edit.setFocus()
            return False
        self.form.clear_errors()
        self.go_to(self.SHEET_STEP)
        return True

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # the fields handle Enter; a stray Enter must not skip the Notfallblatt
        super().keyPressEvent(event)

    def reject(self) -> None:
        self.password = ""
        self.key = None
        self._pdf = None
        super().reject()

"""Datei → Passwort ändern: the old password, the new one twice; the key files follow."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from kuemmerer.domain.errors import KuemmererError, ValidationError
from kuemmerer.services import encryption

from ..context import AppContext
from ..errors import report_error
from ..widgets import FieldForm, GuardedDialog


def _secret() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(200)
    return field


class ChangePasswordDialog(GuardedDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "Passwort ändern")
        self.ctx = ctx
        self.renewed: int | None = None
        self.buttons.button(self.buttons.StandardButton.Save).setText("Passwort ändern")
        intro = QLabel("Das neue Passwort gilt sofort, auch für die Sicherungen im Ordner „Sicherungen“. "
                       "Das Notfallblatt bleibt gültig.")
        intro.setWordWrap(True)
        self.form = FieldForm(self)
        self.old = self.form.add("old_password", "Bisheriges Passwort", _secret(), required=True)
        self.new = self.form.add("new_password", "Neues Passwort", _secret(), required=True,
                                 hint=f"mindestens {encryption.keyfile.MIN_PASSWORD_LENGTH} Zeichen")
        self.repeated = self.form.add("repeated", "Wiederholen", _secret(), required=True)
        self.strength = QLabel()
        self.form.add_row("Stärke:", self.strength)
        self.new.textChanged.connect(self._show_strength)
        self._show_strength("")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        for field in (self.old, self.new, self.repeated):
            self.watch(field)
        self.old.setFocus()

    def _show_strength(self, text: str) -> None:
        self.strength.setText(encryption.password_strength(text) if text else "–")

    def save(self) -> bool:
        try:
            self.renewed = encryption.change_password(self.ctx.ws, self.old.text(), self.new.text(),
                                                      self.repeated.text())
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            if "old_password" in exc.errors:
                self.old.clear()
            return False
        except KuemmererError as exc:
            report_error(self, exc)
            return False
        self.form.clear_errors()
        QMessageBox.information(self, "Passwort geändert", "Das Passwort wurde geändert.")
        return True

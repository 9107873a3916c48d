"""Briefkopf des Büros (für PDFs): beim ersten Start und in den Einstellungen."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.services import settings

from ..context import AppContext
from ..widgets import FieldForm, GuardedDialog

FIELDS = (("office_name", "Name des Büros", True), ("organisation", "Träger", False),
          ("street", "Straße, Nr.", False), ("postcode_city", "PLZ und Ort", False),
          ("phone", "Telefon", False), ("email", "E-Mail", False), ("office_hours", "Sprechzeiten", False))


class LetterheadForm(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.form = FieldForm(self)
        self.edits: dict[str, QLineEdit] = {}
        for name, label, required in FIELDS:
            self.edits[name] = self.form.add(name, label, QLineEdit(), required=required)
        self.edits["office_hours"].setPlaceholderText("z. B. Di 9–12 Uhr, Do 14–18 Uhr")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.load()

    def load(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            current = asdict(settings.get_letterhead(uow))
        for name, edit in self.edits.items():
            edit.setText(current.get(name, ""))

    def save(self) -> bool:
        values = {name: edit.text() for name, edit in self.edits.items()}
        return self.form.submit(self.ctx, lambda uow: settings.set_letterhead(uow, **values), "settings")[0]


class LetterheadDialog(GuardedDialog):
    def __init__(self, ctx: AppContext, parent=None, *, first_start: bool = False):
        super().__init__(parent, "Willkommen bei Kümmerer" if first_start else "Briefkopf")
        layout = QVBoxLayout(self)
        if first_start:
            intro = QLabel("<h3>Willkommen!</h3>Die Datenbank wurde neu angelegt. Bitte tragen Sie den Briefkopf "
                           "Ihres Büros ein – er erscheint auf Vermittlungsbögen, Teilnehmerlisten und Berichten. "
                           "Sie können ihn später unter „Einstellungen“ ändern.")
            intro.setWordWrap(True)
            layout.addWidget(intro)
            self.buttons.button(self.buttons.StandardButton.Cancel).setText("Später")
        self.letterhead = LetterheadForm(ctx, self)
        layout.addWidget(self.letterhead)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.watch(*self.letterhead.edits.values())

    def save(self) -> bool:
        return self.letterhead.save()

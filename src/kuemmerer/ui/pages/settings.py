"""Einstellungen: Briefkopf und wo die Daten liegen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..context import AppContext
from ..dialogs.letterhead import LetterheadForm


class SettingsPage(QWidget):
    """Einstellungen: Briefkopf and where the data lives."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.letterhead = LetterheadForm(ctx, self)
        self.save_button = QPushButton("Briefkopf speichern")
        self.saved_label = QLabel()
        self.save_button.clicked.connect(self._save)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.letterhead.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Einstellungen</h2><h3>Briefkopf</h3>"))
        layout.addWidget(self.letterhead)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addStretch(1)
        self.refresh_info()

    def _save(self) -> None:
        self.saved_label.setText("Gespeichert." if self.letterhead.save() else "")

    def refresh_info(self) -> None:
        ws = self.ctx.ws
        self.info.setText(f"<h3>Daten</h3>Datenbank: {ws.path}<br>Sicherungen: {ws.backup_dir}<br>"
                          f"Anhänge: {ws.files_dir}<p style='color:#555'>Stadtgebiete, Themen und Angebote "
                          "lassen sich in einer der nächsten Versionen hier bearbeiten.</p>")

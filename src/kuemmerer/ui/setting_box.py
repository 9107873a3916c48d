"""A setting of one whole number with "Speichern" (Einstellungen → Daten): the lock time,
the renewal of police clearances. The rule and its message come from the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from .context import AppContext
from .widgets import ErrorLine

HINT_STYLE = "color: #555;"


class NumberSettingBox(QGroupBox):
    """``title`` / "``label`` [n suffix] Speichern" / ``hint``; ``saved(int)`` after a save."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, *, title: str, label: str, suffix: str, accessible_name: str,
                 minimum: int, maximum: int, hint: str, read: Callable[[Any], int],
                 write: Callable[[Any, int], object], special_value: str = "", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.ctx, self._read, self._write = ctx, read, write
        self.number = QSpinBox(self)
        self.number.setRange(minimum, maximum)
        self.number.setSuffix(suffix)
        if special_value:
            self.number.setSpecialValueText(special_value)
        self.number.setAccessibleName(accessible_name)
        self.number.setMinimumWidth(130)
        self.save_button = QPushButton("Speichern", self)
        self.save_button.clicked.connect(self.save)
        self.error = ErrorLine(self)
        self.saved_note = QLabel(self)
        self.saved_note.setStyleSheet(HINT_STYLE)
        hint_label = QLabel(hint, self)
        hint_label.setWordWrap(True)
        hint_label.setStyleSheet(HINT_STYLE)
        row = QHBoxLayout()
        caption = QLabel(label, self)
        caption.setBuddy(self.number)
        row.addWidget(caption)
        row.addWidget(self.number)
        row.addWidget(self.save_button)
        row.addWidget(self.saved_note)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(hint_label)
        self.number.valueChanged.connect(lambda _v: self.saved_note.clear())
        self.load()

    def load(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            self.number.setValue(self._read(uow))
        self.saved_note.clear()

    def save(self) -> bool:
        value = self.number.value()
        if not self.error.run(self.ctx, lambda uow: self._write(uow, value), "settings"):
            return False
        self.saved_note.setText("Gespeichert.")
        self.saved.emit(value)
        return True

"""A section that is not built yet says so honestly — no invented content."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ComingSoonPage(QWidget):
    def __init__(self, title: str, what: str, parent=None):
        super().__init__(parent)
        label = QLabel(f"<h2>{title}</h2><p>Dieser Bereich kommt bald.</p><p style='color:#555'>{what}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)

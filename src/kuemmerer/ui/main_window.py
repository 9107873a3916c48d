"""Main window. For now: an overview of the open database and this year's figures."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from kuemmerer import APP_TITLE
from kuemmerer.services import statistics
from kuemmerer.services.workspace import Workspace


def _n(value: int | float) -> str:
    return f"{value:,.0f}".replace(",", ".") if isinstance(value, int) else f"{value:,.1f}".replace(
        ",", "X").replace(".", ",").replace("X", ".")


class MainWindow(QMainWindow):
    def __init__(self, db: Workspace, *, demo: bool = False):
        super().__init__()
        self.db = db
        self.setWindowTitle(f"{APP_TITLE} – Demodaten" if demo else APP_TITLE)
        self.resize(900, 640)
        central = QWidget()
        layout = QVBoxLayout(central)
        title = QLabel(f"<h2>{APP_TITLE}</h2>")
        layout.addWidget(title)
        layout.addWidget(QLabel(f"Datenbank: {db.path}"))
        layout.addWidget(self._year_box(dt.date.today().year))
        layout.addStretch(1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(str(db.path))

    def _year_box(self, year: int) -> QGroupBox:
        start, end = statistics.year_period(year)
        with self.db.uow(read_only=True) as uow:
            s = statistics.compute(uow, start, end)
        box = QGroupBox(f"Überblick {year}")
        form = QFormLayout(box)
        rows = [
            ("Teilnehmende (namentlich)", s.participants_named),
            ("Teilnehmende (anonym)", s.participants_anonymous),
            ("Kontakte", s.contacts),
            ("Anliegen neu", s.requests_opened),
            ("Vermittlungen", s.referrals_total),
            ("Ehrenamtliche aktiv", s.volunteers_active),
            ("Stunden im Ehrenamt", s.volunteer_hours),
            ("Termine von Aktivitäten", s.sessions),
            ("Netzwerksitzungen", s.meetings),
        ]
        for label, value in rows:
            form.addRow(label + ":", QLabel(_n(value)))
        return box

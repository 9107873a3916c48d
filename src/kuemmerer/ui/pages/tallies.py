"""Strichliste: die anonym gezählten Besuche eines Tages – ansehen, korrigieren, löschen."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.services import desk, requests, statistics
from kuemmerer.services.desk import DayTallies

from ..context import AppContext
from ..dialogs.tally import TallyDialog
from ..formatting import date_de, number_de, relative_days
from ..models import Column, RowsModel
from ..widgets import DateField, ErrorLine, confirm, notice_label
from .tables import table_view

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

TALLY_COLUMNS = [
    Column("Anzahl", lambda r: number_de(r.count), align_right=True, sort_value=lambda r: r.count),
    Column("Stadtgebiet", lambda r: r.district or "unbekannt"),
    Column("Geschlecht", lambda r: r.gender_label),
    Column("Altersgruppe", lambda r: r.age_band_label),
    Column("Thema", lambda r: r.category or ""),
    Column("Art", lambda r: r.kind_label),
    Column("Notiz", lambda r: r.note or "", tooltip=lambda r: r.note),
]


class TalliesPage(QWidget):
    """The anonymous tallies of one day (any date), with their sum."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, day: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.day = day or ctx.today()
        self.data: DayTallies | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.previous_button = QPushButton("◀ Vortag")
        self.previous_button.setToolTip("Einen Tag zurück (Alt+Links)")
        self.previous_button.setShortcut(QKeySequence("Alt+Left"))
        self.date_field = DateField()
        self.date_field.setMaximumWidth(140)
        self.next_button = QPushButton("Folgetag ▶")
        self.next_button.setToolTip("Einen Tag vor (Alt+Rechts)")
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.today_button = QPushButton("Heute")
        self.sum_label = QLabel()
        self.sum_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        nav = QHBoxLayout()
        nav.addWidget(QLabel("Tag:"))
        nav.addWidget(self.previous_button)
        nav.addWidget(self.date_field)
        nav.addWidget(self.next_button)
        nav.addWidget(self.today_button)
        nav.addStretch(1)
        nav.addWidget(self.sum_label)

        self.model = RowsModel(TALLY_COLUMNS)
        self.view = table_view(self.model, stretch=6)
        for col, width in ((0, 70), (1, 150), (2, 110), (3, 110), (4, 200), (5, 130)):
            self.view.setColumnWidth(col, width)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(lambda _i: self.edit_current())
        delete_action = QAction("Löschen", self.view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_current)
        self.view.addAction(delete_action)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())

        self.new_button = QPushButton("Neu…")
        self.new_button.setToolTip("Einen anonymen Besuch an diesem Tag zählen")
        self.edit_button = QPushButton("Bearbeiten…")
        self.delete_button = QPushButton("Löschen…")
        self.error = ErrorLine()
        self.notice = notice_label()
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        hint = QLabel("Doppelklick oder Enter öffnet einen Eintrag; Entf löscht ihn.")
        hint.setStyleSheet("color: #555;")
        actions.addWidget(hint)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(nav)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)

        self.previous_button.clicked.connect(lambda: self.show_day(self.day - dt.timedelta(days=1)))
        self.next_button.clicked.connect(lambda: self.show_day(self.day + dt.timedelta(days=1)))
        self.today_button.clicked.connect(lambda: self.show_day(self.ctx.today()))
        self.date_field.edited.connect(self._date_typed)
        self.date_field.edit.returnPressed.connect(self._date_typed)
        self.new_button.clicked.connect(self.new_tally)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        ctx.changed.connect(self._data_changed)
        self.show_day(self.day)

    # -- data -------------------------------------------------------------------------------
    def show_day(self, day: dt.date) -> None:
        self.day = day
        if self.date_field.date() != day:
            self.date_field.set_date(day)
        self.reload()

    def _date_typed(self) -> None:
        day = self.date_field.date()
        if day is not None and day != self.day and len(self.date_field.text()) >= 8:
            self.day = day
            self.reload()

    def _data_changed(self, what: str) -> None:
        if what in ("tallies", "contacts", "all", "districts", "categories"):
            self.reload()

    def reload(self) -> None:
        current = self.current_id()
        with self.ctx.uow(read_only=True) as uow:
            self.data = desk.day_tallies(uow, self.day)
        self.model.set_rows(self.data.rows)
        today = self.ctx.today()
        self.title.setText(f"<h2 style='margin:0'>Strichliste – {WEEKDAYS[self.day.weekday()]}, "
                           f"{date_de(self.day)}</h2><span style='color:#555'>{relative_days(self.day, today)}; "
                           "anonym gezählte Besuche (ohne Namen)</span>")
        n, total = len(self.data.rows), self.data.total
        self.sum_label.setText(f"<b>Summe: {number_de(total)} anonym gezählt</b> "
                               f"({number_de(n)} {'Eintrag' if n == 1 else 'Einträge'})")
        self.next_button.setEnabled(self.day < today)
        row = self.model.row_of_id(current) if current is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.view.selectRow(row)
        self._update_buttons()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.id if row is not None else None

    def _update_buttons(self) -> None:
        has = self.current_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # -- actions -------------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        index: QModelIndex = self.view.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            self.view.selectRow(index.row())
            menu.addAction("Bearbeiten…", self.edit_current)
            menu.addAction("Löschen…", self.delete_current)
            menu.addSeparator()
        menu.addAction("Neu…", self.new_tally)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def new_tally(self) -> None:
        self.error.hide()
        TallyDialog(self.ctx, day=self.day, parent=self).exec()

    def edit_current(self) -> None:
        ident = self.current_id()
        if ident is None:
            return
        self.error.hide()
        try:
            with self.ctx.uow(read_only=True) as uow:
                tally = requests.tallies.get(uow, ident)
        except KuemmererError as exc:
            self.error.say(str(exc))
            return
        dialog = TallyDialog(self.ctx, tally, parent=self)
        if dialog.exec() and dialog.saved and dialog.saved.date != self.day:
            self.notice.setText(f"Der Eintrag steht jetzt am {date_de(dialog.saved.date)}.")
            self.notice.show()

    def delete_current(self) -> None:
        ident = self.current_id()
        if ident is None:
            return
        row = self.model.row_at(self.model.row_of_id(ident))
        with self.ctx.uow(read_only=True) as uow:
            frozen = statistics.frozen_warning(uow, row.date)
        text = (f"Den Strichlisten-Eintrag vom {date_de(row.date)} ({number_de(row.count)} × "
                f"{row.district or 'Stadtgebiet unbekannt'}, {row.gender_label}, {row.age_band_label}) löschen?"
                + (f"\n\n{frozen}" if frozen else ""))
        if not self.confirm_delete(self, text):
            return
        self.error.run(self.ctx, lambda uow: requests.delete_anonymous(uow, ident), "tallies")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        """The one question before deleting (tests replace this)."""
        return confirm(parent, "Eintrag löschen?", text, "Löschen")


class TalliesWindow(QWidget):
    """The Strichliste in its own window, next to the main window (not modal)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Strichliste – anonym gezählte Besuche")
        self.page = TalliesPage(ctx, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.page)
        close = QPushButton("Schließen")
        close.setShortcut(QKeySequence("Esc"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(980, 560)

    def show_day(self, day: dt.date) -> None:
        self.page.show_day(day)

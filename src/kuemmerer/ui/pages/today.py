"""Heute: fällige Wiedervorlagen, offene Anliegen, heutige Kontakte, nächste Sitzungen,
Führungszeugnisse zu erneuern."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.services import desk, requests, retention, statistics
from kuemmerer.services import today as today_service
from kuemmerer.services.desk import Capture
from kuemmerer.services.today import Dashboard

from ..context import AppContext
from ..dialogs.request import ContactActions
from ..dialogs.tally import TallyDialog
from ..formatting import date_de, number_de, relative_days, time_de
from ..models import Column, RowsModel
from ..widgets import notice_label
from .tables import table_view


class TodayPage(QWidget):
    open_request = Signal(int)
    open_referral = Signal(int)
    open_person = Signal(int, int)  # person id, tab
    show_requests = Signal(str)  # follow-up filter
    quick_capture = Signal()
    show_tallies = Signal()
    show_retention = Signal()  # "Aufbewahrung öffnen": the window shows Einstellungen › Aufbewahrung
    open_volunteer = Signal(int)  # volunteer id: "Führungszeugnisse erneuern" row opened

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard: Dashboard | None = None
        self.title = QLabel()
        self.capture_button = QPushButton("Besuch erfassen (Strg+N)")
        self.capture_button.setMinimumHeight(34)
        self.capture_button.clicked.connect(self.quick_capture.emit)
        self.tallies_button = QPushButton("Strichliste…")
        self.tallies_button.setMinimumHeight(34)
        self.tallies_button.setToolTip("Die anonym gezählten Besuche eines Tages ansehen und korrigieren")
        self.tallies_button.clicked.connect(self.show_tallies.emit)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.tallies_button)
        head.addWidget(self.capture_button)

        t = ctx.today()
        self.follow_ups = RowsModel([
            Column("Fällig", lambda r: date_de(r.due_on), sort_value=lambda r: r.due_on,
                   tooltip=lambda r: relative_days(r.due_on, t)),
            Column("Art", lambda r: r.kind_label),
            Column("Person", lambda r: r.person_name),
            Column("Worum", lambda r: r.what),
            Column("Was tun", lambda r: r.note or ""),
        ])
        self.ages = RowsModel([Column("Offen seit", lambda r: r[0]),
                               Column("Anzahl", lambda r: str(r[1]), align_right=True, sort_value=lambda r: r[1])])
        self.contacts = RowsModel([
            Column("Person", lambda r: r.person_name if r.is_contact or r.count == 1 else f"anonym ({r.count})",
                   tooltip=lambda r: r.note),
            Column("Art", lambda r: r.kind),
            Column("Thema", lambda r: r.category or ""),
            Column("Dauer", lambda r: f"{r.duration_minutes} Min." if r.duration_minutes else "", align_right=True,
                   sort_value=lambda r: r.duration_minutes),
        ])
        self.meetings = RowsModel([
            Column("Datum", lambda r: date_de(r.date), sort_value=lambda r: r.date),
            Column("Uhrzeit", lambda r: time_de(r.start_time)),
            Column("Netzwerk", lambda r: r.network), Column("Ort", lambda r: r.location or ""),
        ])
        self.clearances = RowsModel([
            Column("Name", lambda r: r.person_name, tooltip=lambda r: r.person_name),
            Column("Gültig bis", lambda r: date_de(r.expires_on), sort_value=lambda r: r.expires_on),
            Column("Stand", lambda r: clearance_days_text(r.days_left(self.ctx.today())),
                   sort_value=lambda r: r.expires_on),
        ])
        self.follow_up_view = table_view(self.follow_ups, stretch=3)
        self.ages_view = table_view(self.ages, stretch=0)
        self.contacts_view = table_view(self.contacts, stretch=0)
        self.meetings_view = table_view(self.meetings, stretch=2)
        self.clearances_view = table_view(self.clearances, stretch=0)
        self.clearances_view.activated.connect(self._open_clearance)  # double-click and Enter, once
        self.clearances_view.setToolTip("Doppelklick oder Eingabetaste öffnet die Ehrenamtliche / den Ehrenamtlichen")
        self.clearances_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.clearances_view.customContextMenuRequested.connect(self._clearances_menu)
        # "activated" is a double-click as well as Enter: connecting doubleClicked too opened everything twice
        self.follow_up_view.activated.connect(self._open_follow_up)
        self.contacts_view.activated.connect(self._open_contact)
        self.contacts_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.contacts_view.customContextMenuRequested.connect(self._captures_menu)
        self.contacts_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._capture_selected())
        delete_capture = QAction("Löschen", self.contacts_view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_capture.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_capture.triggered.connect(self.delete_capture)
        self.contacts_view.addAction(delete_capture)
        self.contact_actions = ContactActions(ctx, self, self.say_about_captures)
        self.capture_edit_button = QPushButton("Bearbeiten…")
        self.capture_move_button = QPushButton("Verschieben…")
        self.capture_move_button.setToolTip("Den Kontakt einer anderen Person zuordnen")
        self.capture_delete_button = QPushButton("Löschen…")
        self.capture_edit_button.clicked.connect(self.edit_capture)
        self.capture_move_button.clicked.connect(self.move_capture)
        self.capture_delete_button.clicked.connect(self.delete_capture)
        self.capture_notice = notice_label()
        capture_buttons = QWidget()
        capture_row = QHBoxLayout(capture_buttons)
        capture_row.setContentsMargins(0, 0, 0, 0)
        for button in (self.capture_edit_button, self.capture_move_button, self.capture_delete_button):
            capture_row.addWidget(button)
        capture_row.addStretch(1)
        self.meetings_view.activated.connect(self._open_meeting)
        self.ages_view.activated.connect(lambda _i: self.show_requests.emit(""))

        self.follow_up_box = _box("Wiedervorlagen – fällig und überfällig", self.follow_up_view)
        self.all_due = QPushButton("Alle fälligen Anliegen anzeigen")
        self.all_due.clicked.connect(lambda: self.show_requests.emit("due"))
        follow_up_column = self.follow_up_box.layout()
        assert isinstance(follow_up_column, QVBoxLayout), "_box lays its widgets out in a QVBoxLayout"
        follow_up_column.addWidget(self.all_due, 0, Qt.AlignmentFlag.AlignRight)
        self.ages_box = _box("Offene Anliegen nach Alter", self.ages_view)
        self.anonymous_label = QLabel()
        self.contacts_box = _box("Heute erfasst (neueste zuerst)", self.contacts_view, self.anonymous_label,
                                 capture_buttons, self.capture_notice)
        self.meetings_box = _box("Nächste Sitzungen", self.meetings_view)
        self.clearances_box = _box("Führungszeugnisse erneuern", self.clearances_view)
        self.clearances_box.hide()  # shown while one is due (60 days before it expires, or expired)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.meetings_box, 3)
        bottom.addWidget(self.clearances_box, 2)
        grid = QGridLayout()
        grid.addWidget(self.follow_up_box, 0, 0, 1, 2)
        grid.addWidget(self.ages_box, 1, 0)
        grid.addWidget(self.contacts_box, 1, 1)
        grid.addLayout(bottom, 2, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 2)
        self.backup_problem = QLabel()  # a failed backup, until one succeeds (set by the window)
        self.backup_problem.setWordWrap(True)
        self.backup_problem.setStyleSheet("color: #b00020; border: 1px solid #b00020; padding: 6px;")
        self.backup_problem.hide()
        self.retention_note = QLabel()  # once a month while residents are due (services.retention)
        self.retention_note.setWordWrap(True)
        self.retention_open = QPushButton("Aufbewahrung öffnen")
        self.retention_open.clicked.connect(self.show_retention.emit)
        self.retention_hide = QPushButton("Ausblenden")
        self.retention_hide.setToolTip("Erst im nächsten Monat wieder erinnern")
        self.retention_hide.clicked.connect(self.hide_retention_note)
        self.retention_box = QWidget()
        self.retention_box.setStyleSheet("QWidget#retention { border: 1px solid #0b5394; }")
        self.retention_box.setObjectName("retention")
        retention_row = QHBoxLayout(self.retention_box)
        retention_row.addWidget(self.retention_note, 1)
        retention_row.addWidget(self.retention_open)
        retention_row.addWidget(self.retention_hide)
        self.retention_box.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.backup_problem)
        layout.addWidget(self.retention_box)
        layout.addLayout(grid, 1)
        ctx.changed.connect(self._data_changed)  # a method, not a lambda: Qt disconnects it with the page
        self.reload()

    def _data_changed(self, _what: str) -> None:
        self.reload()

    def show_backup_problem(self, text: str | None) -> None:
        """Say on Heute that the last backup failed (and what to do), or hide the notice."""
        if text:
            self.backup_problem.setText(f"<b>{escape(text)}</b> Erneut sichern: Datei → Sicherung erstellen.")
        self.backup_problem.setVisible(bool(text))

    def hide_retention_note(self) -> None:
        """Seen: no Aufbewahrung reminder until next month."""
        with self.ctx.uow() as uow:
            retention.mark_reminded(uow, self.ctx.today())
        self.ctx.notify("retention")

    def reload(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            d = self.dashboard = today_service.dashboard(uow, self.ctx.today())
        self.retention_note.setText(d.retention_note or "")
        self.retention_box.setVisible(bool(d.retention_note))
        weekday = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")[d.today.weekday()]
        overdue = sum(1 for f in d.follow_ups if f.due_on < d.today)
        self.title.setText(f"<h2 style='margin:0'>Heute, {weekday}, {date_de(d.today)}</h2>"
                           f"{len(d.follow_ups)} Wiedervorlagen fällig, davon {overdue} überfällig · "
                           f"{d.open_requests} offene Anliegen")
        self.follow_ups.set_rows(d.follow_ups)
        self.ages.set_rows(d.open_requests_by_age)
        kept = self.selected_capture()
        with self.ctx.uow(read_only=True) as uow:
            captures = desk.captures_on(uow, d.today)
        self.contacts.set_rows(captures)
        if kept is not None:
            row = next((i for i, c in enumerate(captures) if (c.kind_of_row, c.id) == (kept.kind_of_row, kept.id)), -1)
            if row >= 0:
                self.contacts_view.selectRow(row)
        self._capture_selected()
        self.meetings.set_rows(d.next_meetings)
        self.clearances.set_rows(d.clearances_due)
        self.clearances_box.setVisible(bool(d.clearances_due))
        self.clearances_box.setTitle(f"Führungszeugnisse erneuern ({len(d.clearances_due)})")
        self.clearances_view.resizeColumnToContents(1)
        self.clearances_view.resizeColumnToContents(2)
        self.clearances_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.anonymous_label.setText(f"{len(d.contacts_today)} Kontakte mit Namen, "
                                     f"{number_de(d.anonymous_today)} anonym gezählt")
        for view in (self.follow_up_view, self.contacts_view, self.meetings_view):
            view.resizeColumnToContents(0)
        self.follow_up_view.setColumnWidth(2, 180)
        self.follow_up_view.setColumnWidth(4, 230)

    def _open_follow_up(self, index: QModelIndex) -> None:
        row = self.follow_ups.row_at(index.row())
        if row is None:
            return
        if row.kind == "request":
            self.open_request.emit(row.id)
        elif row.kind == "referral":
            self.open_referral.emit(row.id)
        else:
            QMessageBox.information(self, "Aufgabe", f"{row.what}\n\nfällig am {date_de(row.due_on)}"
                                    + (f"\nzuständig: {row.note}" if row.note else ""))

    # -- "Heute erfasst": open, move, delete ------------------------------------------------------
    def selected_capture(self) -> Capture | None:
        index = self.contacts_view.currentIndex()
        return self.contacts.row_at(index.row()) if index.isValid() else None

    def _capture_selected(self) -> None:
        row = self.selected_capture()
        self.capture_edit_button.setEnabled(row is not None)
        self.capture_delete_button.setEnabled(row is not None)
        self.capture_move_button.setEnabled(row is not None and row.is_contact)

    def say_about_captures(self, text: str) -> None:
        self.capture_notice.setText(text)
        self.capture_notice.setVisible(bool(text))

    def _open_contact(self, index: QModelIndex) -> None:
        if self.contacts.row_at(index.row()) is not None:
            self.edit_capture()

    def edit_capture(self) -> None:
        row = self.selected_capture()
        if row is None:
            return
        if row.is_contact:
            self.contact_actions.edit(row.id)
            return
        try:
            with self.ctx.uow(read_only=True) as uow:
                tally = requests.tallies.get(uow, row.id)
        except KuemmererError as exc:
            self.say_about_captures(str(exc))
            return
        TallyDialog(self.ctx, tally, parent=self).exec()

    def move_capture(self) -> None:
        row = self.selected_capture()
        if row is not None and row.is_contact:
            self.contact_actions.move(row.id)

    def delete_capture(self) -> None:
        row = self.selected_capture()
        if row is None:
            return
        if row.is_contact:
            self.contact_actions.delete(row.id)
            return
        with self.ctx.uow(read_only=True) as uow:
            frozen = statistics.frozen_warning(uow, self.ctx.today())
        text = (f"Den anonym gezählten Besuch ({row.kind}, Anzahl {row.count}) löschen?"
                + (f"\n\n{frozen}" if frozen else ""))
        if not ContactActions.confirm_delete(self, "Eintrag löschen?", text):
            return
        try:
            with self.ctx.uow() as uow:
                requests.delete_anonymous(uow, row.id)
        except KuemmererError as exc:
            self.say_about_captures(str(exc))
            return
        self.say_about_captures("Der anonyme Eintrag wurde gelöscht.")
        self.ctx.notify("tallies")

    def _captures_menu(self, pos) -> None:
        index = self.contacts_view.indexAt(pos)
        if not index.isValid():
            return
        self.contacts_view.selectRow(index.row())
        row = self.selected_capture()
        assert row is not None, "the valid row under the mouse was just made current"
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", self.edit_capture)
        if row.is_contact:
            menu.addAction("Verschieben…", self.move_capture)
            menu.addAction("Person öffnen", lambda: self.open_person.emit(row.person_id, 2))
        else:
            menu.addAction("Strichliste öffnen", self.show_tallies.emit)
        menu.addSeparator()
        menu.addAction("Löschen…", self.delete_capture)
        menu.exec(self.contacts_view.viewport().mapToGlobal(pos))

    def _open_clearance(self, index: QModelIndex) -> None:
        row = self.clearances.row_at(index.row())
        if row is not None:
            self.open_volunteer.emit(row.volunteer_id)

    def _clearances_menu(self, pos) -> None:
        index = self.clearances_view.indexAt(pos)
        row = self.clearances.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        menu = QMenu(self)
        menu.addAction("Ehrenamtliche*n öffnen", lambda: self.open_volunteer.emit(row.volunteer_id))
        menu.addAction("Person öffnen", lambda: self.open_person.emit(row.person_id, 0))
        menu.exec(self.clearances_view.viewport().mapToGlobal(pos))

    def _open_meeting(self, index: QModelIndex) -> None:
        m = self.meetings.row_at(index.row())
        if m is None:
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Sitzung",
                          f"<b>{escape(m.network)}</b><br>{date_de(m.date)} {time_de(m.start_time)} Uhr"
                          + (f", {escape(m.location)}" if m.location else "")
                          + (f"<br><br>{escape(m.agenda).replace(chr(10), '<br>')}" if m.agenda else ""), parent=self)
        box.exec()


def clearance_days_text(days: int) -> str:
    """"noch 12 Tage", "läuft heute ab", "abgelaufen"."""
    if days < 0:
        return "abgelaufen"
    if days == 0:
        return "läuft heute ab"
    return "noch 1 Tag" if days == 1 else f"noch {days} Tage"


def _box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for w in widgets:
        layout.addWidget(w)
    return box

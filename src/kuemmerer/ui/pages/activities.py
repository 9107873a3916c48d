"""Aktivitäten: die Liste mit den Zahlen eines Jahres, darunter die gewählte Aktivität mit
ihren Terminen, und zum gewählten Termin: wer da war (namentlich), wer geholfen hat
(Einsätze) und Fotos & Dokumente."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.availability import DAY_SHORT
from kuemmerer.domain.enums import ActivityKind
from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.services import activities, activity_overview, matching, volunteers
from kuemmerer.services.activity_overview import ActivityQuery, ActivityRow, AttendeeRow, HelperRow, SessionRow
from kuemmerer.services.dto import ActivityDto, SessionDto

from ..attachments import AttachmentPanel
from ..context import AppContext
from ..dialogs.activity import ActivityDialog
from ..dialogs.series import SeriesDialog
from ..dialogs.session import SessionDialog
from ..formatting import date_de, multiline_html, number_de, time_de
from ..models import Column, RowsModel, german_collator
from ..widgets import ErrorLine, confirm, notice_label, refill_combo
from .list_page import ListPage
from .tables import table_view

ACTIVE_ITEMS = [("nur aktive", True), ("nicht mehr aktive", False), ("aktive und nicht aktive", None)]
NOT_ACTIVE = "(nicht aktiv)"


def hours_de(minutes: int) -> str:
    """Hours as she writes them: "2,5", "3", "0,25"."""
    text = number_de(minutes / 60, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def plural(n: int, one: str, many: str) -> str:
    """"1 Datei", "3 Dateien"; "" for none."""
    return f"{number_de(n)} {one if n == 1 else many}" if n else ""


def count_or_blank(n: int) -> str:
    return number_de(n) if n else ""


def time_span(start, end) -> str:
    if start and end:
        return f"{time_de(start)}–{time_de(end)}"
    return time_de(start) if start else ""


def weekday_date(day) -> str:
    return f"{DAY_SHORT[day.weekday()]} {date_de(day)}"


def activity_columns(year: int) -> list[Column]:
    """The list's columns; the figures are those of ``year``."""
    return [
        Column("Name", lambda r: r.name if r.active else f"{r.name} {NOT_ACTIVE}", sort="name",
               tooltip=lambda r: r.name),
        Column("Art", lambda r: r.kind_label, sort="kind", tooltip=lambda r: r.kind_label),
        Column("Stadtgebiet", lambda r: r.district or "", sort="district", tooltip=lambda r: r.district),
        Column("Handlungs-\nfeld", lambda r: r.action_field or "", sort="action_field",
               tooltip=lambda r: r.action_field),
        Column("Förderung", lambda r: r.funder or "", sort="funder", tooltip=lambda r: r.funder),
        Column("Beginn", lambda r: date_de(r.starts_on), sort="starts_on"),
        Column("Ende", lambda r: date_de(r.ends_on), sort="ends_on"),
        Column(f"Termine\n{year}", lambda r: count_or_blank(r.sessions_year), sort="sessions_year", align_right=True),
        Column("Termine\ngesamt", lambda r: count_or_blank(r.sessions_total), sort="sessions_total", align_right=True,
               tooltip=lambda r: "alle Termine, auch anderer Jahre"),
        Column("Nächster\nTermin", lambda r: date_de(r.next_session), sort="next_session"),
        Column(f"Teilnahmen\n{year}", lambda r: count_or_blank(r.attendances), sort="attendances", align_right=True,
               tooltip=lambda r: "namentliche Teilnahmen; wer fünfmal da war, zählt fünfmal"),
        Column(f"Personen\n{year}", lambda r: count_or_blank(r.participants), sort="participants", align_right=True,
               tooltip=lambda r: "verschiedene Personen (namentlich) im Jahr; jede zählt einmal"),
        Column(f"Anonym\n{year}", lambda r: count_or_blank(r.anonymous), sort="anonymous", align_right=True,
               tooltip=lambda r: "anonym gezählte Teilnehmende im Jahr"),
        Column(f"Ehrenamt\nStd. {year}", lambda r: hours_de(r.minutes) if r.minutes else "", sort="hours", align_right=True,
               tooltip=lambda r: "Stunden der Einsätze Ehrenamtlicher im Jahr"),
    ]


# fixed widths of the columns after the name (the name takes the rest)
COLUMN_WIDTHS = {1: 96, 2: 90, 3: 100, 4: 88, 5: 78, 6: 78, 7: 62, 8: 62, 9: 80, 10: 80, 11: 66, 12: 62,
                 13: 74}

SESSION_FIGURES = [
    Column("Namentlich", lambda s: count_or_blank(s.attendances), align_right=True,
           sort_value=lambda s: s.attendances),
    Column("Anonym", lambda s: count_or_blank(s.anonymous_count), align_right=True,
           sort_value=lambda s: s.anonymous_count),
    Column("Einsätze", lambda s: f"{s.assignments} ({hours_de(s.minutes)} Std.)" if s.assignments else "",
           align_right=True, sort_value=lambda s: s.minutes),
    Column("Dateien", lambda s: count_or_blank(s.files), align_right=True, sort_value=lambda s: s.files),
]


def session_columns(default_place) -> list[Column]:
    """The sessions table; a session without its own place shows the activity's (``default_place()``)."""
    return [
        Column("Datum", lambda s: weekday_date(s.date), sort_value=lambda s: (s.date, s.start_time or s.date.min)),
        Column("Uhrzeit", lambda s: time_span(s.start_time, s.end_time)),
        Column("Ort", lambda s: s.location or default_place(),
               tooltip=lambda s: s.location or (f"wie bei der Aktivität: {default_place()}" if default_place()
                                               else None)),
        *SESSION_FIGURES,
    ]


ATTENDEE_COLUMNS = [
    Column("Name", lambda a: a.name),
    Column("Geburtsdatum", lambda a: date_de(a.birth_date), sort_value=lambda a: a.birth_date),
    Column("Stadtgebiet", lambda a: a.district or ""),
]

HELPER_COLUMNS = [
    Column("Ehrenamtliche*r", lambda h: h.name),
    Column("Stunden", lambda h: hours_de(h.minutes), align_right=True, sort_value=lambda h: h.minutes),
    Column("Rolle", lambda h: h.role or "", tooltip=lambda h: h.note),
]


def _delete_action(view: QTableView, slot) -> None:
    action = QAction("Löschen", view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    view.addAction(action)


class ActivityDetail(QWidget):
    """One activity: a header, its sessions with what can be done to them, and — for the
    chosen session — attendance, Einsätze and files; the activity's own files in a tab."""

    edit_requested = Signal()
    delete_requested = Signal()
    open_person = Signal(int)

    TAB_ATTENDANCE, TAB_HELPERS, TAB_SESSION_FILES, TAB_ACTIVITY_FILES, TAB_DESCRIPTION = range(5)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.activity: ActivityDto | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Bearbeiten…")
        self.delete_button = QPushButton("Löschen…")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        self.delete_button.clicked.connect(self.delete_requested.emit)
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)

        # -- sessions ------------------------------------------------------------------
        self.sessions_label = QLabel("<b>Termine</b>")
        self.sessions_model = RowsModel(
            session_columns(lambda: (self.activity.location or "") if self.activity else ""), parent=self)
        self.sessions_view = table_view(self.sessions_model, stretch=2)
        self.sessions_view.setSortingEnabled(True)
        self.sessions_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        for col, width in ((0, 104), (1, 84), (3, 76), (4, 58), (5, 92), (6, 58)):
            self.sessions_view.setColumnWidth(col, width)
        self.sessions_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._session_changed())
        self.sessions_view.activated.connect(lambda _i: self.edit_session())
        self.sessions_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sessions_view.customContextMenuRequested.connect(self._session_menu)
        _delete_action(self.sessions_view, self.delete_session)
        self.new_session_button = QPushButton("Termin…")
        self.new_session_button.setToolTip("Einen einzelnen Termin anlegen")
        self.series_button = QPushButton("Terminreihe…")
        self.series_button.setToolTip("Mehrere Termine auf einmal, z. B. jeden Dienstag 15–17 Uhr bis …")
        self.edit_session_button = QPushButton("Termin bearbeiten…")
        self.edit_session_button.setToolTip("Datum, Uhrzeit, Ort, Notiz und die anonyme Zählung")
        self.delete_session_button = QPushButton("Termin löschen…")
        self.sign_in_button = QPushButton("Teilnehmerliste abtippen…")
        self.sign_in_button.setToolTip("Die Namen einer ausgefüllten Papierliste eintragen")
        self.print_button = QPushButton("Teilnehmerliste drucken…")
        self.print_button.setToolTip("Die Liste zum Unterschreiben für diesen Termin (PDF)")
        self.new_session_button.clicked.connect(self.new_session)
        self.series_button.clicked.connect(self.new_series)
        self.edit_session_button.clicked.connect(self.edit_session)
        self.delete_session_button.clicked.connect(self.delete_session)
        self.sign_in_button.clicked.connect(self.type_up_sign_in)
        self.print_button.clicked.connect(self.print_sign_in)
        row1 = QHBoxLayout()
        for b in (self.new_session_button, self.series_button, self.edit_session_button, self.delete_session_button):
            row1.addWidget(b)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        for b in (self.sign_in_button, self.print_button):
            row2.addWidget(b)
        row2.addStretch(1)
        self.session_error = ErrorLine()
        sessions_box = QWidget()
        sessions_layout = QVBoxLayout(sessions_box)
        sessions_layout.setContentsMargins(0, 0, 0, 0)
        sessions_layout.addWidget(self.sessions_label)
        sessions_layout.addWidget(self.sessions_view, 1)
        sessions_layout.addLayout(row1)
        sessions_layout.addLayout(row2)
        sessions_layout.addWidget(self.session_error)

        # -- the chosen session: attendance, Einsätze, files ------------------------------
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        self.attendees_model = RowsModel(ATTENDEE_COLUMNS, parent=self)
        self.attendees_view = table_view(self.attendees_model, stretch=0)
        self.attendees_view.setSortingEnabled(True)
        self.attendees_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.attendees_view.setColumnWidth(1, 100)
        self.attendees_view.setColumnWidth(2, 120)
        self.attendees_view.activated.connect(self._open_attendee)
        self.attendees_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.attendees_view.customContextMenuRequested.connect(self._attendee_menu)
        self.attendees_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        _delete_action(self.attendees_view, self.remove_attendee)
        self.attendance_summary = QLabel()
        self.remove_attendee_button = QPushButton("Von der Liste nehmen…")
        self.remove_attendee_button.clicked.connect(self.remove_attendee)
        self.open_person_button = QPushButton("Person öffnen")
        self.open_person_button.clicked.connect(lambda: self._open_attendee(self.attendees_view.currentIndex()))
        attendance_tab = QWidget()
        att_layout = QVBoxLayout(attendance_tab)
        att_layout.setContentsMargins(0, 4, 0, 0)
        att_layout.addWidget(self.attendance_summary)
        att_layout.addWidget(self.attendees_view, 1)
        att_buttons = QHBoxLayout()
        att_buttons.addWidget(self.open_person_button)
        att_buttons.addWidget(self.remove_attendee_button)
        att_buttons.addStretch(1)
        att_layout.addLayout(att_buttons)
        self.tabs.addTab(attendance_tab, "Teilnahme")

        self.helpers_model = RowsModel(HELPER_COLUMNS, parent=self)
        self.helpers_view = table_view(self.helpers_model, stretch=0)
        self.helpers_view.setColumnWidth(1, 70)
        self.helpers_view.setColumnWidth(2, 150)
        self.helpers_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        _delete_action(self.helpers_view, self.remove_helper)
        self.volunteer = QComboBox()
        self.volunteer.setToolTip("Aktive Ehrenamtliche")
        self.volunteer.setMinimumContentsLength(14)
        self.volunteer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.hours = QLineEdit()
        self.hours.setPlaceholderText("Std.")
        self.hours.setToolTip("Stunden, z. B. 1,5")
        self.hours.setFixedWidth(52)
        self.role = QLineEdit()
        self.role.setPlaceholderText("Rolle, z. B. Kaffee, Aufbau")
        self.role.setMaxLength(120)
        self.add_helper_button = QPushButton("Eintragen")
        self.add_helper_button.setToolTip("Einsatz dieser Person bei diesem Termin eintragen")
        self.add_helper_button.clicked.connect(self.add_helper)
        for edit in (self.hours, self.role):
            edit.returnPressed.connect(self.add_helper)
        self.remove_helper_button = QPushButton("Einsatz entfernen…")
        self.remove_helper_button.clicked.connect(self.remove_helper)
        self.helper_error = ErrorLine()
        helpers_tab = QWidget()
        help_layout = QVBoxLayout(helpers_tab)
        help_layout.setContentsMargins(0, 4, 0, 0)
        help_layout.addWidget(self.helpers_view, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.volunteer, 3)
        add_row.addWidget(self.hours)
        add_row.addWidget(self.role, 2)
        add_row.addWidget(self.add_helper_button)
        help_layout.addLayout(add_row)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_helper_button)
        remove_row.addStretch(1)
        help_layout.addLayout(remove_row)
        help_layout.addWidget(self.helper_error)
        self.tabs.addTab(helpers_tab, "Einsätze")

        self.session_files = AttachmentPanel(ctx, what="Termin")
        self.tabs.addTab(self.session_files, "Fotos Termin")
        self.activity_files = AttachmentPanel(ctx, what="Aktivität")
        self.tabs.addTab(self.activity_files, "Fotos Aktivität")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setMargin(6)
        self.tabs.addTab(self.description, "Beschreibung")
        self.notice = notice_label()

        split = QSplitter()
        split.addWidget(sessions_box)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([540, 620])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        self.show_activity(None)

    # -- showing ------------------------------------------------------------------------
    def show_activity(self, row: ActivityRow | None) -> None:
        """Show ``row``'s activity (None: nothing chosen); the chosen session stays chosen."""
        keep_session = self.current_session_id()
        same = row is not None and self.activity is not None and row.id == self.activity.id
        self.activity = None
        if row is not None:
            try:
                with self.ctx.uow(read_only=True) as uow:
                    self.activity = activities.get_activity(uow, row.id)
            except NotFound:
                row = None
        if not same:
            self.notice.hide()
            self.session_error.hide()
            self.helper_error.hide()
            keep_session = None
        a = self.activity
        for w in (self.edit_button, self.delete_button, self.new_session_button, self.series_button,
                  self.sessions_view):
            w.setEnabled(a is not None)
        if a is None or row is None:
            self.header.setText("<i>Keine Aktivität ausgewählt.</i>")
            self.sessions_label.setText("<b>Termine</b>")
            self.sessions_model.set_rows([])
            self.description.setText("")
            self.activity_files.show_owner()
            self._session_changed()
            return
        self.header.setText(self._header_html(a, row))
        self.description.setText(multiline_html(a.description) or "<i>Keine Beschreibung.</i>")
        self.activity_files.show_owner(activity_id=a.id)
        self.reload_sessions(keep_session, choose_next=not same)

    @staticmethod
    def _header_html(a: ActivityDto, row: ActivityRow) -> str:
        facts = [escape(row.kind_label)]
        if row.district:
            facts.append(escape(row.district))
        if a.location:
            facts.append(escape(a.location))
        if a.starts_on or a.ends_on:
            facts.append(f"{date_de(a.starts_on, '…')} – {date_de(a.ends_on, 'offen')}")
        if row.action_field:
            facts.append("Handlungsfeld: " + escape(row.action_field))
        if a.funder:
            facts.append("Förderung: " + escape(a.funder))
        state = "" if a.active else " · <b style='color:#b00020'>nicht mehr aktiv</b>"
        return f"<b style='font-size:12pt'>{escape(a.name)}</b><br>{' · '.join(facts)}{state}"

    def reload_sessions(self, keep_id: int | None = None, *, choose_next: bool = False) -> None:
        a = self.activity
        rows: list[SessionRow] = []
        if a is not None:
            with self.ctx.uow(read_only=True) as uow:
                rows = activity_overview.sessions_of(uow, a.id)
        self.sessions_model.set_rows(rows)
        header = self.sessions_view.horizontalHeader()
        self.sessions_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        today = self.ctx.today()
        upcoming = sum(1 for r in rows if r.date >= today)
        self.sessions_label.setText(f"<b>Termine</b> ({number_de(len(rows))}, davon {number_de(upcoming)} "
                                    "ab heute)" if rows else "<b>Termine</b> – noch keine. „Termin…“ oder "
                                    "„Terminreihe…“ legt welche an.")
        target = -1
        if keep_id is not None:
            target = self.sessions_model.row_of_id(keep_id)
        if target < 0 and choose_next and rows:
            # the next session from today on (what she works on), else the last one
            ahead = [r for r in rows if r.date >= today]
            wanted = min(ahead, key=lambda r: r.date).id if ahead else max(rows, key=lambda r: r.date).id
            target = self.sessions_model.row_of_id(wanted)
        if target >= 0:
            self.sessions_view.selectRow(target)
            self.sessions_view.scrollTo(self.sessions_model.index(target, 0))
        else:
            self.sessions_view.clearSelection()
            self.sessions_view.setCurrentIndex(QModelIndex())
        self._session_changed()

    def current_session(self) -> SessionRow | None:
        index = self.sessions_view.currentIndex()
        return self.sessions_model.row_at(index.row()) if index.isValid() else None

    def current_session_id(self) -> int | None:
        s = self.current_session()
        return s.id if s else None

    def select_session(self, session_id: int) -> bool:
        row = self.sessions_model.row_of_id(session_id)
        if row < 0:
            return False
        self.sessions_view.selectRow(row)
        self.sessions_view.scrollTo(self.sessions_model.index(row, 0))
        return True

    def _session_changed(self) -> None:
        s = self.current_session()
        attendees: list[AttendeeRow] = []
        helpers: list[HelperRow] = []
        if s is not None:
            with self.ctx.uow(read_only=True) as uow:
                attendees = activity_overview.attendees(uow, s.id)
                helpers = activity_overview.helpers(uow, s.id)
        self.attendees_model.set_rows(attendees)
        header = self.attendees_view.horizontalHeader()
        self.attendees_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.helpers_model.set_rows(helpers)
        self.session_files.show_owner(session_id=s.id if s else None)
        if s is None:
            self.attendance_summary.setText("<i>Erst einen Termin wählen.</i>")
        else:
            self.attendance_summary.setText(
                f"{weekday_date(s.date)} {time_span(s.start_time, s.end_time)}: "
                f"<b>{number_de(len(attendees))}</b> namentlich, <b>{number_de(s.anonymous_count)}</b> anonym")
        self.tabs.setTabText(self.TAB_ATTENDANCE, f"Teilnahme ({len(attendees)})" if s else "Teilnahme")
        self.tabs.setTabText(self.TAB_HELPERS, f"Einsätze ({len(helpers)})" if s else "Einsätze")
        self.tabs.setTabText(self.TAB_SESSION_FILES, f"Fotos Termin ({self.session_files.model.rowCount()})"
                             if s else "Fotos Termin")
        files = self.activity_files.model.rowCount()
        self.tabs.setTabText(self.TAB_ACTIVITY_FILES, f"Fotos Aktivität ({files})" if self.activity
                             else "Fotos Aktivität")
        for i in range(self.tabs.count()):
            self.tabs.setTabToolTip(i, self.tabs.tabText(i))
        self._update_buttons()

    def _update_buttons(self) -> None:
        s = self.current_session()
        for b in (self.edit_session_button, self.delete_session_button, self.sign_in_button, self.print_button,
                  self.attendees_view, self.helpers_view, self.volunteer, self.hours, self.role,
                  self.add_helper_button):
            b.setEnabled(s is not None)
        self.remove_attendee_button.setEnabled(s is not None and self.attendees_view.currentIndex().isValid())
        self.open_person_button.setEnabled(self.remove_attendee_button.isEnabled())
        self.remove_helper_button.setEnabled(s is not None and self.helpers_view.currentIndex().isValid())

    def fill_volunteers(self) -> None:
        """The active volunteers, in German name order, for „Eintragen“."""
        with self.ctx.uow(read_only=True) as uow:
            rows = matching.volunteer_overview(uow, status=["aktiv"])
        collator = german_collator()
        rows.sort(key=lambda r: collator.sortKey(r.name))
        refill_combo(self.volunteer, [("(Ehrenamtliche*n wählen)", None), *((r.name, r.id) for r in rows)])

    # -- sessions -----------------------------------------------------------------------
    def _session_dto(self, session_id: int) -> SessionDto | None:
        try:
            with self.ctx.uow(read_only=True) as uow:
                return activities.get_session(uow, session_id)
        except NotFound:
            return None

    def _last_session(self) -> SessionDto | None:
        rows = self.sessions_model.rows
        return self._session_dto(max(rows, key=lambda r: r.date).id) if rows else None

    def new_session(self) -> None:
        if self.activity is None:
            return
        dialog = SessionDialog(self.ctx, self.activity, parent=self, suggest_from=self._last_session())
        if dialog.exec() and dialog.saved:
            self.select_session(dialog.saved.id)

    def new_series(self) -> None:
        if self.activity is None:
            return
        dialog = SeriesDialog(self.ctx, self.activity, parent=self, suggest_from=self._last_session())
        if dialog.exec():
            n = len(dialog.saved)
            self.notice.setText(f"{number_de(n)} {'Termin' if n == 1 else 'Termine'} angelegt." if n
                                else "Alle Termine der Reihe gab es schon – nichts angelegt.")
            self.notice.show()
            if dialog.saved:
                self.select_session(dialog.saved[0].id)

    def edit_session(self) -> None:
        s = self.current_session()
        dto = self._session_dto(s.id) if s else None
        if self.activity is None or dto is None:
            return
        dialog = SessionDialog(self.ctx, self.activity, dto, parent=self)
        if dialog.exec() and dialog.saved:
            self.select_session(dialog.saved.id)

    def delete_session(self) -> None:
        s = self.current_session()
        if s is None or self.activity is None:
            return
        parts = [plural(s.attendances, "namentlichen Teilnahme", "namentlichen Teilnahmen"),
                 plural(s.assignments, "Einsatz", "Einsätzen"), plural(s.files, "Datei", "Dateien")]
        parts = [p for p in parts if p]
        joined = ", ".join(parts[:-1]) + " und " + parts[-1] if len(parts) > 1 else "".join(parts)
        what = f" mit {joined}" if joined else ""
        text = (f"Den Termin am {weekday_date(s.date)} {time_span(s.start_time, s.end_time)}{what} "
                "endgültig löschen?\n\nDie Zahlen bereits abgeschlossener Jahre bleiben erhalten.")
        if not self.confirm_remove(self, "Termin löschen?", text):
            return
        with self.ctx.uow() as uow:
            activities.delete_session(uow, s.id, self.ctx.ws.files_dir)
        self.ctx.notify("activities")

    def type_up_sign_in(self) -> None:
        """The sign-in dialog (it saves itself); afterwards the lists show what it wrote."""
        s = self.current_session()
        if s is None:
            return
        try:
            from ..dialogs.sign_in import SignInDialog
        except ModuleNotFoundError:
            self.session_error.say("Das Abtippen der Teilnehmerliste ist in dieser Version noch nicht enthalten.")
            return
        dialog = SignInDialog(self.ctx, s.id, self)
        dialog.exec()
        counts = getattr(dialog, "result_counts", None)
        self.ctx.notify("activities")
        if counts:
            added, already, new = counts.get("added", 0), counts.get("already", 0), counts.get("new_persons", 0)
            parts = [f"{plural(added, 'Person', 'Personen') or 'Niemand'} eingetragen"]
            if new:
                parts.append(f"davon {plural(new, 'neue Person', 'neue Personen')} angelegt")
            if already:
                parts.append(f"{number_de(already)} stand{'' if already == 1 else 'en'} schon auf der Liste")
            self.notice.setText(", ".join(parts) + ".")
            self.notice.show()

    def print_sign_in(self) -> None:
        s = self.current_session()
        if s is None:
            return
        try:
            from ..activity_documents import print_sign_in_sheet
        except ModuleNotFoundError:
            self.session_error.say("Das Drucken der Teilnehmerliste ist in dieser Version noch nicht enthalten.")
            return
        print_sign_in_sheet(self.ctx, s.id, self)

    def _session_menu(self, pos) -> None:
        if self.activity is None:
            return
        menu = QMenu(self)
        if self.sessions_view.indexAt(pos).isValid():
            menu.addAction("Termin bearbeiten…", self.edit_session)
            menu.addAction("Teilnehmerliste abtippen…", self.type_up_sign_in)
            menu.addAction("Teilnehmerliste drucken…", self.print_sign_in)
            menu.addSeparator()
            menu.addAction("Termin löschen…", self.delete_session)
            menu.addSeparator()
        menu.addAction("Neuer Termin…", self.new_session)
        menu.addAction("Terminreihe…", self.new_series)
        menu.exec(self.sessions_view.viewport().mapToGlobal(pos))

    # -- attendance ---------------------------------------------------------------------
    def _attendee_at(self, index: QModelIndex) -> AttendeeRow | None:
        return self.attendees_model.row_at(index.row()) if index.isValid() else None

    def _open_attendee(self, index: QModelIndex) -> None:
        a = self._attendee_at(index)
        if a is not None:
            self.open_person.emit(a.person_id)

    def remove_attendee(self) -> None:
        a = self._attendee_at(self.attendees_view.currentIndex())
        s = self.current_session()
        if a is None or s is None:
            return
        if not self.confirm_remove(self, "Von der Liste nehmen?",
                                   f"„{a.name}“ von der Teilnehmerliste am {date_de(s.date)} nehmen?"):
            return
        with self.ctx.uow() as uow:
            activities.remove_attendance(uow, a.id)
        self.ctx.notify("activities")

    def _attendee_menu(self, pos) -> None:
        index = self.attendees_view.indexAt(pos)
        if not index.isValid():
            return
        self.attendees_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction("Person öffnen", lambda: self._open_attendee(index))
        menu.addSeparator()
        menu.addAction("Von der Liste nehmen…", self.remove_attendee)
        menu.exec(self.attendees_view.viewport().mapToGlobal(pos))

    # -- Einsätze -------------------------------------------------------------------------
    def add_helper(self) -> None:
        s = self.current_session()
        if s is None:
            return
        values = {"volunteer_id": self.volunteer.currentData(), "activity_id": s.activity_id, "session_id": s.id,
                  "hours": self.hours.text().strip(), "role": self.role.text()}
        if values["volunteer_id"] is None:
            self.helper_error.say("Bitte zuerst die*den Ehrenamtliche*n wählen.")
            self.volunteer.setFocus()
            return
        try:
            with self.ctx.uow() as uow:
                volunteers.create_assignment(uow, **values)
        except ValidationError as exc:
            self.helper_error.say(" ".join(exc.errors.values()))
            return
        self.helper_error.hide()
        self.hours.clear()
        self.role.clear()
        self.volunteer.setCurrentIndex(0)
        self.ctx.notify("volunteers")

    def remove_helper(self) -> None:
        index = self.helpers_view.currentIndex()
        h = self.helpers_model.row_at(index.row()) if index.isValid() else None
        if h is None:
            return
        if not self.confirm_remove(self, "Einsatz entfernen?",
                                   f"Den Einsatz von „{h.name}“ ({hours_de(h.minutes)} Std.) entfernen?"):
            return
        with self.ctx.uow() as uow:
            volunteers.delete_assignment(uow, h.id)
        self.ctx.notify("volunteers")

    @classmethod
    def confirm_remove(cls, parent: QWidget, title: str, text: str) -> bool:
        """Ask before deleting a session, taking a name off the list or removing an Einsatz
        (tests replace this)."""
        return confirm(parent, title, text, "Löschen" if "löschen" in title else "Entfernen")


class ActivitiesPage(ListPage):
    """Aktivitäten: the list (search, kind, active, year; sortable) above, the chosen
    activity with its sessions below. ``open_person(person_id)`` asks the window to show a
    person of an attendance list."""

    EXPORT_KIND = "activities"
    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self._rows: list[ActivityRow] = []
        self._base: list[ActivityRow] = []  # the rows of the year, kind and state chosen, before the search
        self._base_key: tuple | None = None
        year = ctx.today().year
        super().__init__(ctx, activity_columns(year), parent=parent,
                         placeholder="Suchen: Name, Ort, Stadtgebiet, Handlungsfeld oder Förderung")
        self.query = ActivityQuery(year=year, active=True)
        self.kind = QComboBox()
        self.kind.addItem("Alle Arten", None)
        for k in ActivityKind:
            self.kind.addItem(k.label, k.value)
        self.kind.setToolTip("Nur Aktivitäten dieser Art")
        self.active = QComboBox()
        for text, value in ACTIVE_ITEMS:
            self.active.addItem(text, value)
        self.active.setToolTip("Laufende, beendete oder alle Aktivitäten")
        self.year = QComboBox()
        self.year.setToolTip("Die Zahlen der Liste (Termine, Teilnahmen, Personen, Anonym, Stunden) gelten für "
                             "dieses Jahr")
        self._fill_years()
        self.new_button = QPushButton("Neue Aktivität…")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.setToolTip("Neue Aktivität anlegen (Strg+Umschalt+N)")
        self.new_button.clicked.connect(self.new_activity)
        self.export_button.clicked.disconnect()
        self.export_button.clicked.connect(self.export_list)
        self.view.horizontalHeader().setMinimumSectionSize(50)
        for col, width in COLUMN_WIDTHS.items():
            self.view.setColumnWidth(col, width)
        self.view.activated.connect(lambda _i: self.edit_current())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        _delete_action(self.view, self.delete_current)

        self.detail = ActivityDetail(ctx)
        self.detail.edit_requested.connect(self.edit_current)
        self.detail.delete_requested.connect(self.delete_current)
        self.detail.open_person.connect(self.open_person.emit)
        self.detail.fill_volunteers()
        self.kind.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.active.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.year.currentIndexChanged.connect(lambda _i: self._year_changed())
        self.finish_layout([(self.search, 3), (self.kind, 1), (self.active, 1), (QLabel("Jahr:"), 0),
                            (self.year, 0), (self.count_label, 0), (self.new_button, 0), (self.export_button, 0)],
                           self.detail, (250, 450), 0, Qt.SortOrder.AscendingOrder)
        splitter = self.view.parentWidget()
        assert isinstance(splitter, QSplitter), "finish_layout puts the list into a splitter"
        splitter.setOrientation(Qt.Orientation.Vertical)  # the list needs the width, the detail the height
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([250, 450])

    # -- data -----------------------------------------------------------------------------
    def _fill_years(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            years = activity_overview.activity_years(uow)
        chosen = self.query.year if hasattr(self, "query") else self.ctx.today().year
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)

    def _count(self) -> int:
        """The whole list (a few hundred rows at most, figures counted by SQL), searched and
        sorted; the first fetch hands it over. The database is asked again only when the
        year, kind or state filter changed or data was written — not for each typed letter."""
        q = self.query
        key = (q.year, q.kind, q.active, self.ctx.today())
        if self._base_key != key:
            with self.ctx.uow(read_only=True) as uow:
                self._base = activity_overview.activity_overview(uow, q.year, "", q.kind, q.active,
                                                                 today=self.ctx.today())
            self._base_key = key
        self._rows = activity_overview.sort_rows(activity_overview.search_rows(self._base, q.search), q.sort,
                                                 q.descending)
        return len(self._rows)

    def _fetch(self, after, limit: int) -> list:
        return list(self._rows) if after is None else []

    def _sort(self, key: str, descending: bool) -> None:
        self.query = ActivityQuery(self.query.year, self.query.search, self.query.kind, self.query.active, key,
                                   descending)

    def _apply_filter(self) -> None:
        self.query = ActivityQuery(self.year.currentData(), self.search.text().strip(), self.kind.currentData(),
                                   self.active.currentData(), self.query.sort, self.query.descending)
        super().reload()  # the rows read last are searched again; a new year or filter reads anew

    def reload(self, keep_id: int | None = None) -> None:
        """Read the list afresh from the database (data was written); the selection stays."""
        self._base_key = None
        super().reload(keep_id)

    def _year_changed(self) -> None:
        year = self.year.currentData()
        self.model.columns = activity_columns(year)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.columns) - 1)
        self._apply_filter()

    def count_text(self, n: int) -> str:
        return f"{number_de(n)} {'Aktivität' if n == 1 else 'Aktivitäten'}"

    def _data_changed(self, what: str) -> None:
        if what in ("activities", "all"):
            self._fill_years()
        if what in ("volunteers", "persons", "all"):
            self.detail.fill_volunteers()
        self.reload()

    def show_detail(self, ident: int | None) -> None:
        row = next((r for r in self._rows if r.id == ident), None) if ident is not None else None
        self.detail.show_activity(row)

    def current_row(self) -> ActivityRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def show_activity(self, activity_id: int, session_id: int | None = None) -> None:
        """Select the activity (clearing filters that hide it) and, if given, the session."""

        def clear_filters() -> None:
            for box, index in ((self.kind, 0), (self.active, self.active.findData(None))):
                box.blockSignals(True)
                box.setCurrentIndex(index)
                box.blockSignals(False)
            self.query = ActivityQuery(self.year.currentData(), "", None, None, self.query.sort,
                                       self.query.descending)

        self.reveal(activity_id, clear_filters)
        if session_id is not None:
            self.detail.select_session(session_id)

    # -- actions --------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        if self.view.indexAt(pos).isValid():
            menu.addAction("Bearbeiten…", self.edit_current)
            menu.addAction("Neuer Termin…", self.detail.new_session)
            menu.addAction("Terminreihe…", self.detail.new_series)
            menu.addSeparator()
            menu.addAction("Löschen…", self.delete_current)
            menu.addSeparator()
        menu.addAction("Neue Aktivität…", self.new_activity)
        menu.addAction("Liste exportieren…", self.export_list)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def export_list(self) -> None:
        """„Exportieren…“: the list as shown (filters, year, sort) into an Excel file."""
        self.export()

    def new_activity(self) -> None:
        dialog = ActivityDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_activity(dialog.saved.id)

    def edit_current(self) -> None:
        a = self.detail.activity
        if a is None:
            return
        dialog = ActivityDialog(self.ctx, a, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_activity(dialog.saved.id)

    def delete_current(self) -> None:
        a, row = self.detail.activity, self.current_row()
        if a is None or row is None:
            return
        sessions = (f" mit {number_de(row.sessions_total)} {'Termin' if row.sessions_total == 1 else 'Terminen'}, "
                    "allen Teilnahmen, Einsätzen, Fotos und Dokumenten") if row.sessions_total else \
            " mit ihren Fotos und Dokumenten"
        text = (f"Die Aktivität „{a.name}“{sessions} endgültig löschen?\n\n"
                "Das lässt sich nicht rückgängig machen (außer über eine ältere Sicherung). Die Zahlen "
                "bereits abgeschlossener Jahre bleiben erhalten. Wenn sie nur vorbei ist: unter "
                "„Bearbeiten…“ „aktiv“ abwählen.")
        if not self.confirm_delete(self, text):
            return
        with self.ctx.uow() as uow:
            activities.delete_activity(uow, a.id, self.ctx.ws.files_dir)
        self.ctx.notify("activities")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Aktivität löschen?", text, "Endgültig löschen")


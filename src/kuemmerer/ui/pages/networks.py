"""Netzwerk: Gremien, Arbeitskreise, Stadtteilrunden und Gewerbestammtische — oben die Liste,
darunter zum gewählten Netzwerk die Mitglieder (Partner und Personen mit Rolle) und die
Sitzungen mit Teilnahme und offenen Aufgaben; Einladung und Protokoll als PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import NetworkKind
from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.services import networks
from kuemmerer.services.dto import MeetingDto, NetworkDto
from kuemmerer.services.networks import MeetingRow, NetworkRow

from ..context import AppContext
from ..dialogs.meeting import ORG, EnterEdit, MeetingDialog, WhoHit, WhoLookup, meeting_title, names_of, who_of
from ..dialogs.network import NetworkDialog
from ..formatting import date_de, multiline_html, number_de, time_de
from ..models import ID_ROLE, Column, RowsModel
from ..widgets import ErrorLine, confirm, notice_label
from .tables import table_view

RELOAD_ON = ("networks", "organisations", "persons", "all")
EXPORT_KIND = "networks"
NOT_ACTIVE = "(nicht mehr aktiv)"
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


# =========================================================================== rows


@dataclass(frozen=True)
class MemberRow:
    id: int
    kind: str  # ORG / PERSON
    ref_id: int
    name: str
    role: str


def kind_label(value: str) -> str:
    return NetworkKind(value).label if value in NetworkKind.values() else value


def member_rows(uow, network_id: int) -> list[MemberRow]:
    members = networks.list_members(uow, network_id)
    names = names_of(uow, [m.person_id for m in members], [m.organisation_id for m in members])
    out = []
    for m in members:
        who = who_of(m.organisation_id, m.person_id)
        out.append(MemberRow(m.id, who[0], who[1], names.get(who, "(gelöscht)"), m.role or ""))
    return out


def count_or_blank(n: int) -> str:
    return number_de(n) if n else ""


def time_span(start, end) -> str:
    if start and end:
        return f"{time_de(start)}–{time_de(end)}"
    return time_de(start) if start else ""


NETWORK_COLUMNS = [
    Column("Name", lambda r: r.name if r.active else f"{r.name} {NOT_ACTIVE}", tooltip=lambda r: r.name),
    Column("Art", lambda r: r.kind_label, tooltip=lambda r: r.kind_label),
    Column("Rhythmus", lambda r: r.rhythm, tooltip=lambda r: r.rhythm or None),
    Column("Mitglieder", lambda r: count_or_blank(r.members), align_right=True, sort_value=lambda r: r.members),
    Column("Nächste Sitzung", lambda r: date_de(r.next_meeting), sort_value=lambda r: r.next_meeting),
    Column("Offene Aufgaben", lambda r: count_or_blank(r.open_items), align_right=True,
           sort_value=lambda r: r.open_items, tooltip=lambda r: "Aufgaben aus den Sitzungen, noch nicht erledigt"),
]
NETWORK_WIDTHS = {1: 150, 2: 260, 3: 86, 4: 116, 5: 120}

MEMBER_COLUMNS = [
    Column("Name", lambda r: r.name, tooltip=lambda r: r.name),
    Column("Art", lambda r: "Organisation" if r.kind == ORG else "Person"),
    Column("Rolle", lambda r: r.role, tooltip=lambda r: r.role or None),
]

MEETING_COLUMNS = [
    Column("Datum", lambda r: f"{WEEKDAYS[r.date.weekday()]} {date_de(r.date)}",
           sort_value=lambda r: (r.date, r.start_time or dt.time.min)),
    Column("Uhrzeit", lambda r: time_span(r.start_time, r.end_time)),
    Column("Ort", lambda r: r.location, tooltip=lambda r: r.location or None),
    Column("anwesend", lambda r: count_or_blank(r.present), align_right=True, sort_value=lambda r: r.present),
    Column("entsch.", lambda r: count_or_blank(r.excused), align_right=True, sort_value=lambda r: r.excused,
           tooltip=lambda r: f"{r.excused} entschuldigt" if r.excused else None),
    Column("offene\nAufgaben", lambda r: count_or_blank(r.open_items), align_right=True,
           sort_value=lambda r: r.open_items,
           tooltip=lambda r: "Aufgaben aus dieser Sitzung, noch nicht erledigt" if r.open_items else None),
]


def _delete_action(view: QTableView, slot) -> None:
    action = QAction("Löschen", view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    view.addAction(action)


def _box(title: QLabel, *rows) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    for row in rows:
        if isinstance(row, QWidget):
            layout.addWidget(row, 1 if isinstance(row, QTableView) else 0)
        else:
            layout.addLayout(row)
    return box


def _row(*widgets, stretch_at: int | None = None) -> QHBoxLayout:
    row = QHBoxLayout()
    for n, w in enumerate(widgets):
        if w is None:
            row.addStretch(1)
        else:
            row.addWidget(w, 1 if n == stretch_at else 0)
    return row


# =========================================================================== detail


class NetworkDetail(QWidget):
    """One network: a header, its members (added by name, removed, role changed) and its
    meetings with what can be done to them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.network: NetworkDto | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = notice_label()

        # -- members ------------------------------------------------------------------
        self.members_label = QLabel("<b>Mitglieder</b>")
        self.members_model = RowsModel(MEMBER_COLUMNS, parent=self)
        self.members_view = table_view(self.members_model, stretch=0)
        self.members_view.setSortingEnabled(True)
        self.members_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.members_view.setColumnWidth(1, 96)
        self.members_view.setColumnWidth(2, 120)
        self.members_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.members_view.customContextMenuRequested.connect(self._member_menu)
        self.members_view.activated.connect(lambda _i: self.change_role())
        self.members_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        _delete_action(self.members_view, self.remove_member)
        self.add_member_field = EnterEdit()
        self.add_member_field.setPlaceholderText("Partner oder Person hinzufügen …")
        self.add_member_field.setToolTip("Namen tippen, dann den Treffer wählen oder Enter für den ersten")
        self.add_member_field.setClearButtonEnabled(True)
        self.member_lookup = WhoLookup(ctx, self.add_member_field, self)
        self.member_lookup.model.exclude = lambda hit: any(
            (r.kind, r.ref_id) == (hit.kind, hit.id) for r in self.members_model.rows)
        self.member_lookup.picked.connect(self.add_member)
        self.role = QLineEdit()
        self.role.setPlaceholderText("Rolle (optional)")
        self.role.setToolTip("z. B. Sprecherin, Protokoll, Vertretung der Stadt – wird beim Hinzufügen übernommen")
        self.role.setMaxLength(120)
        self.role.setFixedWidth(130)
        self.role_button = QPushButton("Rolle…")
        self.role_button.clicked.connect(self.change_role)
        self.remove_member_button = QPushButton("Entfernen…")
        self.remove_member_button.clicked.connect(self.remove_member)
        self.member_error = ErrorLine()
        members_box = _box(self.members_label, self.members_view,
                           _row(self.add_member_field, self.role, stretch_at=0),
                           _row(None, self.role_button, self.remove_member_button), self.member_error)

        # -- meetings -----------------------------------------------------------------
        self.meetings_label = QLabel("<b>Sitzungen</b>")
        self.meetings_model = RowsModel(MEETING_COLUMNS, parent=self)
        self.meetings_view = table_view(self.meetings_model, stretch=2)
        self.meetings_view.setSortingEnabled(True)
        self.meetings_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        for col, width in ((0, 104), (1, 90), (3, 70), (4, 60), (5, 70)):
            self.meetings_view.setColumnWidth(col, width)
        self.meetings_view.horizontalHeader().setMinimumHeight(36)
        self.meetings_view.activated.connect(lambda _i: self.edit_meeting())
        self.meetings_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        self.meetings_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.meetings_view.customContextMenuRequested.connect(self._meeting_menu)
        _delete_action(self.meetings_view, self.delete_meeting)
        self.new_meeting_button = QPushButton("Neue Sitzung…")
        self.edit_meeting_button = QPushButton("Sitzung bearbeiten…")
        self.edit_meeting_button.setToolTip("Teilnahme, Tagesordnung, Protokoll, Beschlüsse und Aufgaben")
        self.delete_meeting_button = QPushButton("Löschen…")
        self.delete_meeting_button.setToolTip("Die gewählte Sitzung löschen")
        self.invitation_button = QPushButton("Einladung…")
        self.invitation_button.setToolTip("Einladung mit Tagesordnung und offenen Aufgaben (PDF, Drucken)")
        self.minutes_button = QPushButton("Protokoll…")
        self.minutes_button.setToolTip("Protokoll mit Teilnahme, Beschlüssen und Aufgaben (PDF, Drucken)")
        self.new_meeting_button.clicked.connect(self.new_meeting)
        self.edit_meeting_button.clicked.connect(self.edit_meeting)
        self.delete_meeting_button.clicked.connect(self.delete_meeting)
        self.invitation_button.clicked.connect(self.print_invitation)
        self.minutes_button.clicked.connect(self.print_minutes)
        self.meeting_error = ErrorLine()
        meetings_box = _box(self.meetings_label, self.meetings_view,
                            _row(self.new_meeting_button, self.edit_meeting_button, self.delete_meeting_button, None,
                                 self.invitation_button, self.minutes_button), self.meeting_error)

        split = QSplitter()
        split.addWidget(members_box)
        split.addWidget(meetings_box)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([440, 660])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        self.show_network(None)

    # -- showing --------------------------------------------------------------------------
    def show_network(self, network_id: int | None) -> None:
        keep_meeting = self.current_meeting_id()
        same = network_id is not None and self.network is not None and self.network.id == network_id
        self.network = None
        members, meetings = [], []
        if network_id is not None:
            try:
                with self.ctx.uow(read_only=True) as uow:
                    self.network = networks.networks.get(uow, network_id)
                    members = member_rows(uow, network_id)
                    meetings = networks.meeting_overview(uow, network_id)
            except NotFound:
                self.network = None
        if not same:
            self.notice.hide()
            self.member_error.hide()
            self.meeting_error.hide()
            keep_meeting = None
        n = self.network
        for w in (self.members_view, self.add_member_field, self.role, self.new_meeting_button, self.meetings_view):
            w.setEnabled(n is not None)
        if n is None:
            self.header.setText("<i>Kein Netzwerk ausgewählt.</i>")
            self.members_model.set_rows([])
            self.meetings_model.set_rows([])
            self.members_label.setText("<b>Mitglieder</b>")
            self.meetings_label.setText("<b>Sitzungen</b>")
            self._update_buttons()
            return
        facts = [escape(kind_label(n.kind))]
        if n.rhythm:
            facts.append(escape(n.rhythm))
        state = "" if n.active else " · <b style='color:#b00020'>nicht mehr aktiv</b>"
        about = f"<br><span style='color:#444'>{multiline_html(n.description)}</span>" if n.description else ""
        self.header.setText(f"<b style='font-size:12pt'>{escape(n.name)}</b> · {' · '.join(facts)}{state}{about}")
        self.members_model.set_rows(members)
        header = self.members_view.horizontalHeader()
        self.members_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        orgs = sum(1 for m in members if m.kind == ORG)
        self.members_label.setText(f"<b>Mitglieder</b> ({number_de(orgs)} Organisationen, "
                                   f"{number_de(len(members) - orgs)} Personen)" if members else
                                   "<b>Mitglieder</b> – noch keine. Namen unten eintippen.")
        self._show_meetings(meetings, keep_meeting)

    def _show_meetings(self, rows: list[MeetingRow], keep_id: int | None) -> None:
        self.meetings_model.set_rows(rows)
        header = self.meetings_view.horizontalHeader()
        self.meetings_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        today = self.ctx.today()
        ahead = [r for r in rows if r.date >= today]
        self.meetings_label.setText(f"<b>Sitzungen</b> ({number_de(len(rows))}, davon {number_de(len(ahead))} "
                                    "geplant)" if rows else "<b>Sitzungen</b> – noch keine.")
        target = self.meetings_model.row_of_id(keep_id) if keep_id is not None else -1
        if target < 0 and rows:  # the next meeting (what she prepares), else the last one
            wanted = min(ahead, key=lambda r: r.date) if ahead else max(rows, key=lambda r: r.date)
            target = self.meetings_model.row_of_id(wanted.id)
        if target >= 0:
            self.meetings_view.selectRow(target)
            self.meetings_view.scrollTo(self.meetings_model.index(target, 0))
        else:
            self.meetings_view.setCurrentIndex(QModelIndex())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_member = self.network is not None and self.members_view.currentIndex().isValid()
        self.role_button.setEnabled(has_member)
        self.remove_member_button.setEnabled(has_member)
        has_meeting = self.current_meeting() is not None
        for b in (self.edit_meeting_button, self.delete_meeting_button, self.invitation_button, self.minutes_button):
            b.setEnabled(has_meeting)

    def current_member(self) -> MemberRow | None:
        index = self.members_view.currentIndex()
        return self.members_model.row_at(index.row()) if index.isValid() else None

    def current_meeting(self) -> MeetingRow | None:
        index = self.meetings_view.currentIndex()
        return self.meetings_model.row_at(index.row()) if index.isValid() else None

    def current_meeting_id(self) -> int | None:
        m = self.current_meeting()
        return m.id if m else None

    def select_meeting(self, meeting_id: int) -> None:
        row = self.meetings_model.row_of_id(meeting_id)
        if row >= 0:
            self.meetings_view.selectRow(row)
            self.meetings_view.scrollTo(self.meetings_model.index(row, 0))

    # -- members --------------------------------------------------------------------------
    def add_member(self, hit: WhoHit) -> None:
        if self.network is None:
            return
        who = {"organisation_id": hit.id} if hit.kind == ORG else {"person_id": hit.id}
        network_id, role = self.network.id, self.role.text()
        if self.member_error.run(self.ctx, lambda uow: networks.add_member(uow, network_id=network_id, role=role,
                                                                           **who), "networks"):
            self.role.clear()
            self.notice.setText(f"„{hit.name}“ gehört jetzt zum Netzwerk.")
            self.notice.show()
            row = next((n for n, r in enumerate(self.members_model.rows) if (r.kind, r.ref_id) == (hit.kind, hit.id)),
                       -1)
            if row >= 0:
                self.members_view.selectRow(row)

    def remove_member(self) -> None:
        m = self.current_member()
        if m is None or self.network is None:
            return
        if not self.confirm_remove(self, "Mitglied entfernen?",
                                   f"„{m.name}“ aus dem Netzwerk „{self.network.name}“ entfernen?\n\n"
                                   "Die Teilnahme an früheren Sitzungen bleibt erhalten."):
            return
        self.member_error.run(self.ctx, lambda uow: networks.remove_member(uow, m.id), "networks")

    def change_role(self) -> None:
        m = self.current_member()
        if m is None:
            return
        role = self.ask_role(self, m.name, m.role)
        if role is None or role == m.role:
            return
        self.member_error.run(self.ctx, lambda uow: networks.update_member(uow, m.id, role=role), "networks")

    @classmethod
    def ask_role(cls, parent: QWidget, name: str, role: str) -> str | None:
        """The new role of a member (None: cancelled; tests replace this)."""
        text, ok = QInputDialog.getText(parent, "Rolle im Netzwerk", f"Rolle von „{name}“:", text=role)
        return text.strip() if ok else None

    def _member_menu(self, pos) -> None:
        index = self.members_view.indexAt(pos)
        if not index.isValid():
            return
        self.members_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction("Rolle ändern…", self.change_role)
        menu.addSeparator()
        menu.addAction("Aus dem Netzwerk entfernen…", self.remove_member)
        menu.exec(self.members_view.viewport().mapToGlobal(pos))

    # -- meetings ---------------------------------------------------------------------------
    def _meeting_dto(self, meeting_id: int | None) -> MeetingDto | None:
        if meeting_id is None:
            return None
        try:
            with self.ctx.uow(read_only=True) as uow:
                return networks.meetings.get(uow, meeting_id)
        except NotFound:
            return None

    def new_meeting(self) -> None:
        if self.network is None:
            return
        rows = self.meetings_model.rows
        last = self._meeting_dto(max(rows, key=lambda r: r.date).id) if rows else None
        dialog = MeetingDialog(self.ctx, self.network, parent=self, suggest_from=last)
        self.exec_dialog(dialog)
        if dialog.saved is not None:  # saved (also a save that stopped half-way: the meeting is there)
            self.select_meeting(dialog.saved.id)

    def edit_meeting(self) -> None:
        dto = self._meeting_dto(self.current_meeting_id())
        if dto is None or self.network is None:
            return
        dialog = MeetingDialog(self.ctx, self.network, dto, parent=self)
        self.exec_dialog(dialog)
        self.select_meeting(dto.id)

    @classmethod
    def exec_dialog(cls, dialog) -> int:
        """Run an editor dialog (tests replace this to fill it in)."""
        return dialog.exec()

    def delete_meeting(self) -> None:
        m = self.current_meeting()
        if m is None or self.network is None:
            return
        parts = [f"{number_de(m.present + m.excused)} Teilnahmen" if m.present + m.excused else "",
                 f"{number_de(m.points)} Tagesordnungspunkten" if m.points else ""]
        what = " und ".join(p for p in parts if p)
        text = (f"Die Sitzung am {date_de(m.date)} {time_span(m.start_time, m.end_time)}"
                f"{' mit ' + what if what else ''}, Protokoll und Aufgaben endgültig löschen?\n\n"
                "Die Zahlen bereits abgeschlossener Jahre bleiben erhalten.")
        if not self.confirm_remove(self, "Sitzung löschen?", text):
            return
        with self.ctx.uow() as uow:
            networks.delete_meeting(uow, m.id, self.ctx.ws.files_dir)
        self.ctx.notify("networks")

    def print_invitation(self) -> None:
        self._document("print_invitation")

    def print_minutes(self) -> None:
        self._document("print_minutes")

    def _document(self, name: str) -> None:
        m = self.current_meeting()
        if m is None:
            return
        from .. import network_documents

        self.meeting_error.hide()
        getattr(network_documents, name)(self.ctx, m.id, self)

    def _meeting_menu(self, pos) -> None:
        if self.network is None:
            return
        menu = QMenu(self)
        index = self.meetings_view.indexAt(pos)
        if index.isValid():
            self.meetings_view.setCurrentIndex(index)
            menu.addAction("Sitzung bearbeiten…", self.edit_meeting)
            menu.addAction("Einladung…", self.print_invitation)
            menu.addAction("Protokoll…", self.print_minutes)
            menu.addSeparator()
            menu.addAction("Sitzung löschen…", self.delete_meeting)
            menu.addSeparator()
        menu.addAction("Neue Sitzung…", self.new_meeting)
        menu.exec(self.meetings_view.viewport().mapToGlobal(pos))

    @classmethod
    def confirm_remove(cls, parent: QWidget, title: str, text: str) -> bool:
        """Ask before removing a member or deleting a meeting (tests replace this)."""
        return confirm(parent, title, text, "Löschen" if "löschen" in title else "Entfernen")


# =========================================================================== the page


class NetworksPage(QWidget):
    """Netzwerk: the list (search as she types, only active ones) above, the chosen network
    with members and meetings below."""

    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._rows: list[NetworkRow] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Suchen: Name, Art, Rhythmus oder Beschreibung")
        self.search.setClearButtonEnabled(True)
        self.active_only = QCheckBox("nur aktive")
        self.active_only.setChecked(True)
        self.active_only.setToolTip("Netzwerke, die sich nicht mehr treffen, ausblenden")
        self.count_label = QLabel()
        self.new_button = QPushButton("Neu…")
        self.new_button.setToolTip("Neues Netzwerk anlegen (Strg+Umschalt+N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.edit_button = QPushButton("Bearbeiten…")
        self.delete_button = QPushButton("Löschen…")
        self.export_button = QPushButton("Exportieren…")
        self.export_button.setToolTip("Die Liste, so wie sie gefiltert und sortiert ist, als Excel-Datei speichern")
        self.new_button.clicked.connect(self.new_network)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.export_button.clicked.connect(self.export_list)

        self.model = RowsModel(NETWORK_COLUMNS, parent=self)
        self.view = table_view(self.model, stretch=0)
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        for col, width in NETWORK_WIDTHS.items():
            self.view.setColumnWidth(col, width)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_current(cur))
        self.view.activated.connect(lambda _i: self.edit_current())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        _delete_action(self.view, self.delete_current)
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)

        self.detail = NetworkDetail(ctx)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.active_only)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        for b in (self.new_button, self.edit_button, self.delete_button, self.export_button):
            bar.addWidget(b)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([170, 500])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(lambda: self.apply_filter() if self.ctx.available else None)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.active_only.toggled.connect(lambda _on: self.apply_filter())
        ctx.changed.connect(self._data_changed)
        self.reload()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- data -----------------------------------------------------------------------------
    def reload(self, keep_id: int | None = None) -> None:
        """Read the networks again; the chosen one stays chosen."""
        with self.ctx.uow(read_only=True) as uow:
            self._rows = networks.network_overview(uow, self.ctx.today())
        self.apply_filter(keep_id)

    def apply_filter(self, keep_id: int | None = None) -> None:
        self._debounce.stop()
        keep_id = keep_id if keep_id is not None else self.current_id()
        shown = networks.filter_networks(self._rows, self.search.text(), self.active_only.isChecked())
        self.model.set_rows(shown)
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        total = len(self._rows)
        self.count_label.setText(f"{number_de(len(shown))} von {number_de(total)}" if len(shown) != total
                                 else f"{number_de(total)} {'Netzwerk' if total == 1 else 'Netzwerke'}")
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        if row < 0 and shown:  # the chosen one is filtered out (or gone): the first one shown
            row = 0
        if row >= 0:
            self.view.selectRow(row)
            self._on_current(self.model.index(row, 0))  # fresh figures also when the row stays the same
        else:
            self.view.setCurrentIndex(QModelIndex())
            self._on_current(QModelIndex())

    def _data_changed(self, what: str) -> None:
        if what in RELOAD_ON and self.ctx.available:
            self.reload()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def _on_current(self, index: QModelIndex) -> None:
        ident = self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None
        self.detail.show_network(ident)
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(ident is not None)

    def show_network(self, network_id: int, meeting_id: int | None = None) -> None:
        """Select the network (clearing filters that hide it) and, if given, the meeting."""
        if self.model.row_of_id(network_id) < 0:
            for w in (self.search, self.active_only):
                w.blockSignals(True)
            self.search.clear()
            self.active_only.setChecked(False)
            for w in (self.search, self.active_only):
                w.blockSignals(False)
            self.apply_filter(network_id)
        row = self.model.row_of_id(network_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        if meeting_id is not None:
            self.detail.select_meeting(meeting_id)

    def filters(self) -> tuple[str, bool]:
        """What the list shows: the search text and „nur aktive“ (for the export)."""
        return self.search.text().strip(), self.active_only.isChecked()

    # -- actions --------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        if self.view.indexAt(pos).isValid():
            menu.addAction("Bearbeiten…", self.edit_current)
            menu.addAction("Neue Sitzung…", self.detail.new_meeting)
            menu.addSeparator()
            menu.addAction("Löschen…", self.delete_current)
            menu.addSeparator()
        menu.addAction("Neues Netzwerk…", self.new_network)
        menu.addAction("Liste exportieren…", self.export_list)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def export_list(self) -> None:
        """„Exportieren…“: the list as shown (search, „nur aktive“, its order) into an Excel file."""
        from .. import export_actions

        if self._debounce.isActive():  # a search typed a moment ago counts
            self.apply_filter()
        shown = tuple(self.model.rows[n].id for n in range(self.model.rowCount()))
        search, active_only = self.filters()
        export_actions.export_list(self, self.ctx, EXPORT_KIND, networks.NetworkQuery(search, active_only, shown))

    def new_network(self) -> None:
        dialog = NetworkDialog(self.ctx, parent=self)
        if self.detail.exec_dialog(dialog) and dialog.saved:
            self.show_network(dialog.saved.id)

    def edit_current(self) -> None:
        n = self.detail.network
        if n is None:
            return
        dialog = NetworkDialog(self.ctx, n, parent=self)
        if self.detail.exec_dialog(dialog) and dialog.saved:
            self.show_network(dialog.saved.id)

    def delete_current(self) -> None:
        n = self.detail.network
        row = next((r for r in self._rows if n is not None and r.id == n.id), None)
        if n is None or row is None:
            return
        meetings = (f" mit {number_de(row.meetings)} {'Sitzung' if row.meetings == 1 else 'Sitzungen'} "
                    "(Teilnahme, Protokolle, Aufgaben)") if row.meetings else ""
        text = (f"Das Netzwerk „{n.name}“{meetings} endgültig löschen?\n\n"
                "Das lässt sich nicht rückgängig machen (außer über eine ältere Sicherung). Die Zahlen bereits "
                "abgeschlossener Jahre bleiben erhalten. Wenn es sich nur nicht mehr trifft: unter „Bearbeiten…“ "
                "„Aktiv“ abwählen.")
        if not self.confirm_delete(self, text):
            return
        try:
            with self.ctx.uow() as uow:
                networks.delete_network(uow, n.id, self.ctx.ws.files_dir)
        except ValidationError as exc:
            self.detail.notice.setText(" ".join(exc.errors.values()))
            self.detail.notice.show()
            return
        self.ctx.notify("networks")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Netzwerk löschen?", text, "Endgültig löschen")


__all__ = ["NetworkDetail", "NetworksPage", "meeting_title"]

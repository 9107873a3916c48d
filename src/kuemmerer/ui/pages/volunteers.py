"""Ehrenamt: the volunteers with this year's figures, their profile, whom she asked when and
their Einsätze — and „Wer kann helfen?“: active volunteers with all the wanted skills,
languages and interests who are free at the wanted times, least asked first."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain import availability
from kuemmerer.domain.enums import VolunteerStatus
from kuemmerer.domain.errors import NotFound
from kuemmerer.services import activities, matching, persons, volunteers
from kuemmerer.services.dto import AssignmentDto, PersonDto, VolunteerDto
from kuemmerer.services.matching import InquiryDto, VolunteerRow

from ..availability_grid import AvailabilityGrid
from ..context import AppContext
from ..dialogs.inquiry import InquiryDialog
from ..dialogs.volunteer import TAG_FIELDS, VolunteerDialog, tag_edits
from ..formatting import EMPTY, date_de, multiline_html, number_de
from ..models import ID_ROLE, Column, RowsModel
from ..setting_box import NumberSettingBox
from ..widgets import ErrorLine, confirm
from .partners import ColumnFitter
from .tables import table_view

RELOAD_ON = ("volunteers", "persons", "activities", "sessions", "settings", "all")
HINT_STYLE = "color: #555;"
ALARM = QBrush(QColor("#b00020"))
GREY = QBrush(QColor("#777777"))

# the status filter: (text, key); the key names the statuses shown
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    ("aktiv und pausiert", "laufend"), ("aktiv", "aktiv"), ("pausiert", "pausiert"), ("beendet", "beendet"),
    ("alle", "alle"))
STATUSES_OF = {"laufend": ("aktiv", "pausiert"), "aktiv": ("aktiv",), "pausiert": ("pausiert",),
               "beendet": ("beendet",), "alle": None}


def hours_de(value: float) -> str:
    """2.5 → "2,5"; 3.0 → "3"."""
    return number_de(value, 0 if float(value).is_integer() else (1 if round(value, 1) == value else 2))


def tags_text(names: Sequence[str]) -> str:
    return ", ".join(names)


def can_and_speaks(row: VolunteerRow) -> str:
    """"Kochen, Nähen · Arabisch, Deutsch"."""
    return " · ".join(t for t in (tags_text(row.skills), tags_text(row.languages)) if t)


class TipsModel(RowsModel):
    """Rows in memory whose column titles explain themselves in a tooltip."""

    def __init__(self, columns: Sequence[Column], header_tips: dict[int, str] | None = None, parent=None):
        super().__init__(columns, parent=parent)
        self.header_tips = header_tips or {}

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.header_tips.get(section)
        return super().headerData(section, orientation, role)


class VolunteerModel(TipsModel):
    """The volunteer rows: ended ones in grey, a clearance to renew in red (the services' rule)."""

    def __init__(self, columns: Sequence[Column], page: VolunteersPage, clearance_column: int | None,
                 header_tips: dict[int, str] | None = None, parent=None):
        super().__init__(columns, header_tips, parent=parent)
        self.page = page
        self.clearance_column = clearance_column

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self.row_at(index.row()) if index.isValid() else None
            if row is None or not 0 <= index.column() < len(self.columns):
                return None
            if index.column() == self.clearance_column and self.page.renewal_due(row):
                return ALARM
            return GREY if row.status == "beendet" else None
        return super().data(index, role)


def _fit(header: QHeaderView, model: RowsModel, column: int) -> int:
    """Wide enough for the column's title and the sort arrow."""
    title = str(model.headerData(column, Qt.Orientation.Horizontal))
    return header.fontMetrics().horizontalAdvance(title) + 18


# --------------------------------------------------------------------------- the detail


class VolunteerDetail(QWidget):
    """One volunteer: profile, availability, clearance, the inquiries and the Einsätze."""

    edit_requested = Signal()
    delete_requested = Signal()
    inquiry_requested = Signal()
    certificate_requested = Signal()
    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.volunteer: VolunteerDto | None = None
        self.person: PersonDto | None = None
        self.activity_names: dict[int, str] = {}
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Bearbeiten…")
        self.delete_button = QPushButton("Löschen…")
        self.inquiry_button = QPushButton("Anfrage notieren…")
        self.inquiry_button.setToolTip("Notieren, dass Sie sie/ihn gefragt haben, und was die Antwort war")
        self.certificate_button = QPushButton("Ehrenamtsnachweis…")
        self.certificate_button.setToolTip("Nachweis über Einsätze und Stunden eines Zeitraums drucken")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        self.delete_button.clicked.connect(self.delete_requested.emit)
        self.inquiry_button.clicked.connect(self.inquiry_requested.emit)
        self.certificate_button.clicked.connect(self.certificate_requested.emit)
        buttons = QHBoxLayout()
        for b in (self.edit_button, self.certificate_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.info = QTextBrowser()
        self.info.setOpenExternalLinks(True)
        self.info.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.info.viewport().setAutoFillBackground(False)

        self.inquiries = RowsModel([
            Column("Gefragt am", lambda r: date_de(r.asked_on), sort_value=lambda r: r.asked_on),
            Column("Wofür", lambda r: self.activity_names.get(r.activity_id, "") if r.activity_id else "",
                   tooltip=lambda r: self.activity_names.get(r.activity_id) if r.activity_id else None),
            Column("Antwort", lambda r: r.answer_label),
            Column("Notiz", lambda r: r.note or "", tooltip=lambda r: r.note),
        ], parent=self)
        self.inquiries_view = table_view(self.inquiries, stretch=4)
        self.inquiry_columns = ColumnFitter(self.inquiries_view, {0: 86, 2: 76}, {1: (0.5, 80), 3: (0.5, 60)})
        self.inquiries_view.activated.connect(lambda _i: self.edit_inquiry())
        self.inquiries_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.inquiries_view.customContextMenuRequested.connect(self._inquiry_menu)
        self.inquiries_view.setToolTip("Doppelklick oder Eingabetaste: Anfrage bearbeiten")
        delete_inquiry = QAction("Löschen", self.inquiries_view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_inquiry.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_inquiry.triggered.connect(self.delete_inquiry)
        self.inquiries_view.addAction(delete_inquiry)
        self.inquiries_label = QLabel()
        self.inquiry_error = ErrorLine()

        self.assignments = RowsModel([
            Column("Datum", lambda r: date_de(r.date), sort_value=lambda r: r.date),
            Column("Aktivität", lambda r: self.activity_names.get(r.activity_id, ""),
                   tooltip=lambda r: self.activity_names.get(r.activity_id)),
            Column("Stunden", lambda r: hours_de(r.hours), align_right=True, sort_value=lambda r: r.minutes),
            Column("Aufgabe", lambda r: r.role or "", tooltip=lambda r: r.note),
        ], parent=self)
        self.assignments_view = table_view(self.assignments, stretch=4)
        self.assignment_columns = ColumnFitter(self.assignments_view, {0: 86, 2: 64}, {1: (0.6, 80), 3: (0.4, 60)})
        self.assignments_label = QLabel()

        inquiries_head = QHBoxLayout()
        inquiries_head.addWidget(self.inquiries_label, 1)
        inquiries_head.addWidget(self.inquiry_button)
        inquiries_part = _titled(inquiries_head, self.inquiries_view, self.inquiry_error)
        assignments_part = _titled(self.assignments_label, self.assignments_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.info)
        split.addWidget(inquiries_part)
        split.addWidget(assignments_part)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 3)
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self.show_volunteer(None)

    def show_volunteer(self, volunteer_id: int | None) -> None:
        v = p = None
        inquiries: list[InquiryDto] = []
        assignments: list[AssignmentDto] = []
        years = volunteers.DEFAULT_RENEWAL_YEARS
        if volunteer_id is not None:
            try:
                with self.ctx.uow(read_only=True) as uow:
                    v = volunteers.get_volunteer(uow, volunteer_id)
                    p = persons.get_person(uow, v.person_id)
                    inquiries = matching.list_inquiries(uow, v.id)
                    assignments = volunteers.list_assignments(uow, v.id)
                    self.activity_names = {a.id: a.name for a in activities.list_activities(uow)}
                    years = volunteers.get_renewal_years(uow)
            except NotFound:
                v = p = None
        self.volunteer, self.person = v, p
        self.inquiry_error.hide()
        for b in (self.edit_button, self.delete_button, self.inquiry_button, self.certificate_button):
            b.setEnabled(v is not None)
        self.inquiries_view.setEnabled(v is not None)
        self.assignments_view.setEnabled(v is not None)
        if v is None or p is None:
            self.header.setText("<i>Niemand ausgewählt.</i>")
            self.info.clear()
            self.inquiries.set_rows([])
            self.assignments.set_rows([])
            self.inquiries_label.setText("<b>Anfragen</b>")
            self.assignments_label.setText("<b>Einsätze</b>")
            return
        state = escape(VolunteerStatus(v.status).label)
        if v.status == "beendet" and v.ended_on:
            state = f"beendet am {date_de(v.ended_on)}"
        elif v.started_on:
            state += f", seit {date_de(v.started_on)}"
        self.header.setText(f"<h2 style='margin:0'>{escape(p.display_name)}</h2>{state}")
        self.info.setHtml(self._info_html(v, p, years))
        self.inquiries.set_rows(inquiries)  # newest first, as the service gives them
        self.assignments.set_rows(sorted(assignments, key=lambda a: (a.date, a.id), reverse=True))
        year = self.ctx.today().year
        asked = sum(1 for i in inquiries if i.asked_on.year == year)
        self.inquiries_label.setText(f"<b>Anfragen</b> ({len(inquiries)}, davon {asked} in {year})")
        minutes = sum(a.minutes for a in assignments)
        self.assignments_label.setText(f"<b>Einsätze</b> ({len(assignments)}, zusammen "
                                       f"{hours_de(round(minutes / 60, 2))} Stunden)")

    def _info_html(self, v: VolunteerDto, p: PersonDto, years: int) -> str:
        email = f"<a href='mailto:{escape(p.email)}'>{escape(p.email)}</a>" if p.email else EMPTY
        when = availability.describe(v.availability_slots)
        when_html = escape(when) if when else EMPTY
        if v.availability:
            when_html += f"<br><i>{escape(v.availability)}</i>"
        rows = [
            ("Telefon", escape(p.phone) if p.phone else EMPTY),
            ("E-Mail", email),
            *((label, escape(", ".join(v.tag_names(kind.value))) or EMPTY) for _k, kind, label, _h in TAG_FIELDS),
            ("Verfügbar", when_html),
            ("Führungszeugnis", self.clearance_html(v, years)),
            ("Notizen", multiline_html(v.notes) or EMPTY),
        ]
        cells = "".join(f"<tr><td style='color:#555; padding-right:10px' valign='top'>{label}:</td>"
                        f"<td valign='top'>{value}</td></tr>" for label, value in rows)
        return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"

    def clearance_html(self, v: VolunteerDto, years: int) -> str:
        """"vorgelegt am …, ausgestellt am …, ohne Eintrag; erneuern bis …" and, once the
        volunteering has ended, when the services remove these data."""
        parts = []
        if v.clearance_seen_on:
            parts.append(f"vorgelegt am {date_de(v.clearance_seen_on)}")
        if v.clearance_issued_on:
            parts.append(f"ausgestellt am {date_de(v.clearance_issued_on)}")
        if v.clearance_relevant_entry is not None:
            parts.append("mit einschlägigem Eintrag" if v.clearance_relevant_entry else "ohne Eintrag")
        text = escape(", ".join(parts)) if parts else "nicht vorgelegt"
        removal = volunteers.clearance_removal_on(v)
        expires = volunteers.clearance_expires_on(v.clearance_issued_on, years)
        if expires is not None and removal is None:
            due = volunteers.renewal_due(v.clearance_issued_on, self.ctx.today(), years)
            colour = " style='color:#b00020'" if due is not None else ""
            text += f"; <span{colour}>erneuern bis {date_de(expires)}</span>"
        if removal is not None:
            text += f"<br>Die Angaben zum Führungszeugnis werden am {date_de(removal)} gelöscht."
        return text

    # -- inquiries ------------------------------------------------------------------------
    def selected_inquiry(self) -> InquiryDto | None:
        index = self.inquiries_view.currentIndex()
        return self.inquiries.row_at(index.row()) if index.isValid() else None

    def edit_inquiry(self) -> None:
        i = self.selected_inquiry()
        if i is None or self.volunteer is None or self.person is None:
            return
        InquiryDialog(self.ctx, self.volunteer.id, self.person.display_name, inquiry=i, parent=self).exec()

    def delete_inquiry(self) -> None:
        i = self.selected_inquiry()
        if i is None:
            return
        if not self.confirm_delete_inquiry(self, f"Die Anfrage vom {date_de(i.asked_on)} ({i.answer_label}) löschen?"):
            return
        ident = i.id
        self.inquiry_error.run(self.ctx, lambda uow: matching.delete_inquiry(uow, ident), "volunteers")

    @classmethod
    def confirm_delete_inquiry(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Anfrage löschen?", text, "Löschen")

    def _inquiry_menu(self, pos) -> None:
        index = self.inquiries_view.indexAt(pos)
        if not index.isValid():
            return
        self.inquiries_view.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", self.edit_inquiry)
        menu.addAction("Löschen…", self.delete_inquiry)
        menu.exec(self.inquiries_view.viewport().mapToGlobal(pos))


def _titled(head: QLabel | QHBoxLayout, *widgets: QWidget) -> QWidget:
    part = QWidget()
    column = QVBoxLayout(part)
    column.setContentsMargins(0, 4, 0, 0)
    column.setSpacing(2)
    if isinstance(head, QHBoxLayout):
        column.addLayout(head)
    else:
        column.addWidget(head)
    for w in widgets:
        column.addWidget(w, 1 if isinstance(w, QTableView) else 0)
    return part


# --------------------------------------------------------------------------- Wer kann helfen?


class MatchingPanel(QWidget):
    """Filter by Fähigkeiten, Sprachen, Interessen and the availability grid together; the
    results are exactly the services' ``find_helpers`` (active, all properties, least asked
    this year first)."""

    show_in_list = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tags = tag_edits(ctx)
        self.grid = AvailabilityGrid(compact=True)
        self.reset_button = QPushButton("Filter leeren")
        self.reset_button.clicked.connect(self.reset)
        filters = QGroupBox("Gesucht wird jemand mit …")
        form = QFormLayout(filters)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, _kind, label, _hint in TAG_FIELDS:
            edit = self.tags[key]
            edit.setPlaceholderText("mehrere mit Komma")
            form.addRow(f"{label}:", edit)
        form.addRow("Zeit:", self.grid)
        hint = QLabel("Es erscheinen aktive Ehrenamtliche, die <b>alles</b> Gewählte mitbringen und zu "
                      "<b>allen</b> angekreuzten Zeiten können – wer in diesem Jahr am seltensten gefragt "
                      "wurde, steht oben.")
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        form.addRow(hint)
        form.addRow(self.reset_button)
        filters.setFixedWidth(310)

        year = ctx.today().year
        self.model = TipsModel([
            Column("Name", lambda r: r.name, tooltip=lambda r: r.name),
            Column("Telefon", lambda r: r.phone or "", tooltip=lambda r: r.phone),
            Column("E-Mail", lambda r: r.email or "", tooltip=lambda r: r.email),
            Column("Kann · spricht", can_and_speaks, tooltip=lambda r: can_and_speaks(r) or None),
            Column("Verfügbar", lambda r: r.availability_text, tooltip=lambda r: r.availability_text or None),
            Column("Gefragt", lambda r: str(r.asked), align_right=True, sort_value=lambda r: r.asked),
            Column("Zugesagt", lambda r: str(r.agreed), align_right=True, sort_value=lambda r: r.agreed),
            Column("Einsätze", lambda r: str(r.assigned), align_right=True, sort_value=lambda r: r.assigned),
            Column("Zuletzt", lambda r: date_de(r.last_asked_on), sort_value=lambda r: r.last_asked_on),
        ], {3: "Fähigkeiten · Sprachen", 5: f"So oft {year} gefragt", 6: f"So oft {year} zugesagt",
            7: f"Einsätze {year}", 8: "Zuletzt gefragt am"}, parent=self)
        self.view = table_view(self.model, stretch=self.model.columnCount())
        header = self.view.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the services' order: least asked first
        self.view.setSortingEnabled(True)
        self.columns = ColumnFitter(self.view, {5: _fit(header, self.model, 5), 6: _fit(header, self.model, 6),
                                                7: _fit(header, self.model, 7), 8: 84},
                                    {0: (0.24, 110), 1: (0.17, 80), 2: (0.19, 80), 3: (0.22, 80), 4: (0.18, 70)})
        self.view.activated.connect(lambda _i: self.record_inquiry())
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.count_label = QLabel()
        self.inquiry_button = QPushButton("Anfrage notieren…")
        self.inquiry_button.setToolTip("Notieren, wen Sie gefragt haben und was die Antwort war (Eingabetaste)")
        self.inquiry_button.clicked.connect(self.record_inquiry)
        self.show_button = QPushButton("Im Profil zeigen")
        self.show_button.clicked.connect(self._show_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.show_button)
        bar.addWidget(self.inquiry_button)
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.view, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(filters, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(right, 1)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(lambda: self.reload() if self.ctx.available else None)
        for edit in self.tags.values():
            edit.textChanged.connect(lambda _t: self._debounce.start())
        self.grid.changed.connect(lambda _m: self.reload())
        self.reload()

    def wanted(self) -> dict:
        return {"skills": self.tags["skills"].names(), "languages": self.tags["languages"].names(),
                "interests": self.tags["interests"].names(), "slots": self.grid.value()}

    def reload(self) -> None:
        self._debounce.stop()
        keep = self.current_id()
        with self.ctx.uow(read_only=True) as uow:
            rows = matching.find_helpers(uow, **self.wanted())
            for key, kind, _label, _hint in TAG_FIELDS:
                self.tags[key].set_known(matching.tag_names(uow, kind.value))
        self.model.set_rows(rows)
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        any_filter = any(self.wanted().values())
        n = len(rows)
        self.count_label.setText(
            ("Niemand passt – vielleicht weniger auswählen?" if n == 0 and any_filter else
             f"{number_de(n)} {'passt' if n == 1 else 'passen'}" if any_filter else
             f"Alle {number_de(n)} aktiven Ehrenamtlichen") if n or any_filter else "Keine aktiven Ehrenamtlichen")
        row = self.model.row_of_id(keep) if keep is not None else -1
        if row >= 0:
            self.view.selectRow(row)
        self._selected()

    def reset(self) -> None:
        for edit in self.tags.values():
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.grid.set_value(0)
        self.reload()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def current_row(self) -> VolunteerRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        chosen = self.current_row() is not None
        self.inquiry_button.setEnabled(chosen)
        self.show_button.setEnabled(chosen)

    def _show_selected(self) -> None:
        row = self.current_row()
        if row is not None:
            self.show_in_list.emit(row.id)

    def record_inquiry(self) -> None:
        row = self.current_row()
        if row is None:
            return
        InquiryDialog(self.ctx, row.id, row.name, parent=self).exec()  # the counts follow the change notice

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction("Anfrage notieren…", self.record_inquiry)
        menu.addAction("Im Profil zeigen", self._show_selected)
        menu.exec(self.view.viewport().mapToGlobal(pos))


# --------------------------------------------------------------------------- the page


class VolunteersPage(QWidget):
    """Ehrenamt: tab „Ehrenamtliche“ (list, filters, detail) and tab „Wer kann helfen?“.

    ``show_volunteer(id)`` selects one (clearing filters that hide them); ``open_person(id)``
    asks the window to show the person."""

    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.years = volunteers.DEFAULT_RENEWAL_YEARS
        self.search = QLineEdit()
        self.search.setPlaceholderText("Suchen: Name, Fähigkeit, Sprache oder Interesse")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.status = QComboBox()
        for text, key in STATUS_FILTERS:
            self.status.addItem(text, key)
        self.status.setToolTip("Nur Ehrenamtliche mit diesem Stand")
        self.count_label = QLabel()
        self.new_button = QPushButton("Neu…")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.setToolTip("Neue*n Ehrenamtliche*n erfassen (Strg+Umschalt+N)")
        self.export_button = QPushButton("Exportieren…")
        self.export_button.setToolTip("Die Liste, so wie sie gefiltert und sortiert ist, als Excel-Datei speichern")

        year = ctx.today().year
        columns = [
            Column("Name", lambda r: r.name, tooltip=lambda r: r.name),
            Column("Stand", lambda r: r.status_label),
            Column("seit", lambda r: date_de(r.started_on), sort_value=lambda r: r.started_on),
            Column("Fähigkeiten", lambda r: tags_text(r.skills), tooltip=lambda r: tags_text(r.skills) or None),
            Column("Sprachen", lambda r: tags_text(r.languages), tooltip=lambda r: tags_text(r.languages) or None),
            Column("Verfügbar", lambda r: r.availability_text, tooltip=lambda r: r.availability_text or None),
            Column("Gefragt", lambda r: str(r.asked), align_right=True, sort_value=lambda r: r.asked,
                   tooltip=lambda r: f"{year}: {r.asked}× gefragt, {r.agreed}× zugesagt"),
            Column("Einsätze", lambda r: str(r.assigned), align_right=True, sort_value=lambda r: r.assigned,
                   tooltip=lambda _r: f"Einsätze {year}"),
            Column("Stunden", lambda r: hours_de(r.hours), align_right=True, sort_value=lambda r: r.minutes,
                   tooltip=lambda _r: f"Stunden {year}"),
            Column("Zeugnis bis", lambda r: date_de(self.clearance_until(r)), sort_value=self.clearance_until),
        ]
        tips = {6: f"So oft {year} gefragt", 7: f"Einsätze {year}", 8: f"Stunden {year}",
                9: "Führungszeugnis gültig bis (dann erneuern); rot: bald fällig oder abgelaufen"}
        self.model = VolunteerModel(columns, self, clearance_column=len(columns) - 1, header_tips=tips, parent=self)
        self.view = table_view(self.model, stretch=len(columns))
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setMinimumSectionSize(40)
        self.columns = ColumnFitter(self.view, {1: 58, 2: 80, **{c: _fit(header, self.model, c) for c in (6, 7, 8, 9)}},
                                    {0: (0.34, 100), 3: (0.24, 60), 4: (0.18, 56), 5: (0.24, 60)})
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_current(cur))
        self.view.activated.connect(lambda _i: self.edit_current())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        delete_action = QAction("Löschen", self.view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_current)
        self.view.addAction(delete_action)

        self.detail = VolunteerDetail(ctx)
        self.detail.edit_requested.connect(self.edit_current)
        self.detail.delete_requested.connect(self.delete_current)
        self.detail.inquiry_requested.connect(self.record_inquiry)
        self.detail.certificate_requested.connect(self.print_certificate)

        list_tab = QWidget()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel("Stand:"))
        bar.addWidget(self.status)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        bar.addWidget(self.export_button)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([810, 380])
        self.splitter = splitter
        list_layout = QVBoxLayout(list_tab)
        list_layout.addLayout(bar)
        list_layout.addWidget(splitter, 1)

        self.matching = MatchingPanel(ctx)
        self.matching.show_in_list.connect(self.show_volunteer)
        self.tabs = QTabWidget()
        self.tabs.addTab(list_tab, "&Ehrenamtliche")
        self.tabs.addTab(self.matching, "&Wer kann helfen?")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._shown: int | None = None
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(lambda: self.reload() if self.ctx.available else None)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button.clicked.connect(self.new_volunteer)
        self.export_button.clicked.connect(self.export_list)
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        ctx.changed.connect(self._data_changed)
        self.reload()

    # -- figures the columns show ----------------------------------------------------------
    def clearance_until(self, row: VolunteerRow):
        """Until when the clearance counts (issue date + the renewal years; the services' rule)."""
        if row.status == "beendet":
            return None
        return volunteers.clearance_expires_on(row.clearance_issued_on, self.years)

    def renewal_due(self, row: VolunteerRow) -> bool:
        return row.status != "beendet" and \
            volunteers.renewal_due(row.clearance_issued_on, self.ctx.today(), self.years) is not None

    # -- data --------------------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def statuses(self) -> tuple[str, ...] | None:
        return STATUSES_OF[self.status.currentData()]

    def reload(self, keep_id: int | None = None) -> None:
        """Re-read the list with the filters; the selected volunteer stays selected."""
        self._debounce.stop()
        keep_id = keep_id if keep_id is not None else self.current_id()
        with self.ctx.uow(read_only=True) as uow:
            rows = matching.volunteer_list(uow, matching.VolunteerQuery(status=self.statuses(),
                                                                        search=self.search.text()))
            self.years = volunteers.get_renewal_years(uow)
        self.model.set_rows(rows)
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        n = len(rows)
        self.count_label.setText(f"{number_de(n)} Ehrenamtliche")
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        self._shown = None
        if row >= 0:
            self.view.selectRow(row)
            if self._shown != keep_id:
                self._on_current(self.model.index(row, 0))
        else:
            self.view.clearSelection()
            self._show_detail(None)

    def _data_changed(self, what: str) -> None:
        if what in RELOAD_ON:
            self.reload()
            self.matching.reload()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def _on_current(self, index: QModelIndex) -> None:
        ident = self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None
        self._show_detail(ident)

    def _show_detail(self, ident: int | None) -> None:
        self._shown = ident
        self.detail.show_volunteer(ident)

    def show_volunteer(self, volunteer_id: int) -> None:
        """Select the volunteer on the list tab (Heute, „Wer kann helfen?“); filters that hide
        them are cleared."""
        self.tabs.setCurrentIndex(0)
        if self.model.row_of_id(volunteer_id) < 0:
            for w in (self.search, self.status):
                w.blockSignals(True)
            self.search.clear()
            self.status.setCurrentIndex(self.status.findData("alle"))
            for w in (self.search, self.status):
                w.blockSignals(False)
            self.reload(keep_id=volunteer_id)
        row = self.model.row_of_id(volunteer_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
            if self._shown != volunteer_id:
                self._on_current(self.model.index(row, 0))

    # -- actions -----------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.selectRow(index.row())
        v = self.detail.volunteer
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", self.edit_current)
        menu.addAction("Anfrage notieren…", self.record_inquiry)
        menu.addAction("Ehrenamtsnachweis…", self.print_certificate)
        if v is not None:
            person_id = v.person_id
            menu.addAction("Person öffnen", lambda: self.open_person.emit(person_id))
        menu.addSeparator()
        menu.addAction("Löschen…", self.delete_current)
        menu.addSeparator()
        menu.addAction("Liste exportieren…", self.export_list)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def list_query(self) -> matching.VolunteerQuery:
        """What the list shows: search, statuses and the rows' order (for the export)."""
        shown = tuple(self.model.rows[n].id for n in range(self.model.rowCount()))
        return matching.VolunteerQuery(status=self.statuses(), search=self.search.text(), order=shown)

    def export_list(self) -> None:
        """„Exportieren…“: the list as shown (search, Stand, sort order) into an Excel file."""
        from .. import export_actions

        if self._debounce.isActive():  # a search typed a moment ago counts
            self.reload()
        export_actions.export_list(self, self.ctx, "volunteers", self.list_query())

    def new_volunteer(self) -> None:
        dialog = VolunteerDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_volunteer(dialog.saved.id)

    def edit_current(self) -> None:
        v, p = self.detail.volunteer, self.detail.person
        if v is None or p is None:
            return
        dialog = VolunteerDialog(self.ctx, v, person_name=p.display_name, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_volunteer(dialog.saved.id)

    def record_inquiry(self) -> None:
        v, p = self.detail.volunteer, self.detail.person
        if v is not None and p is not None:
            InquiryDialog(self.ctx, v.id, p.display_name, parent=self).exec()

    def print_certificate(self) -> None:
        """„Ehrenamtsnachweis…“: period, preview and print (ui.activity_documents)."""
        v = self.detail.volunteer
        if v is None:
            return
        from .. import activity_documents  # lazily: the PDF side is slow to import

        activity_documents.print_certificate(self.ctx, v.id, self)

    def delete_current(self) -> None:
        v, p = self.detail.volunteer, self.detail.person
        if v is None or p is None:
            return
        text = (f"Das Ehrenamtsprofil von „{p.display_name}“ mit allen Anfragen und Einsätzen endgültig löschen?\n\n"
                "Die Person selbst bleibt unter Personen erhalten. Die Zahlen bereits abgeschlossener Jahre "
                "bleiben erhalten.")
        if not self.confirm_delete(self, text):
            return
        ident = v.id
        with self.ctx.uow() as uow:
            volunteers.delete_volunteer(uow, ident)
        self.ctx.notify("volunteers")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Ehrenamtliche*n löschen?", text, "Endgültig löschen")


# --------------------------------------------------------------------------- Einstellungen


class RenewalYearsBox(NumberSettingBox):
    """Einstellungen → „Führungszeugnis erneuern nach N Jahren“ (default five): a spin box and
    „Speichern“. Heute reminds 60 days before. ``years_saved`` (= ``saved``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(
            ctx, title="Führungszeugnisse", label="Erneuern nach", suffix=" Jahren",
            accessible_name="Erneuern nach Jahren", minimum=1, maximum=volunteers.MAX_RENEWAL_YEARS,
            read=volunteers.get_renewal_years, write=volunteers.set_renewal_years,
            hint="Nach so vielen Jahren ab dem Ausstellungsdatum soll das erweiterte Führungszeugnis "
                 "erneut vorgelegt werden. „Heute“ erinnert 60 Tage vorher.", parent=parent)
        self.years = self.number
        self.years_saved = self.saved


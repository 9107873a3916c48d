"""Personen: Liste mit Suche und Filter, Detailansicht mit Reitern."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.rules import postal_address
from kuemmerer.services import listing, partners, person_view, persons
from kuemmerer.services.listing import PersonQuery
from kuemmerer.services.person_view import PersonOverview

from ..context import AppContext
from ..dialogs.person import PersonDialog, district_filter_items
from ..dialogs.referral import ReferralDialog
from ..dialogs.request import ContactActions, ContactDialog, RequestDialog
from ..formatting import EMPTY, date_de, number_de, time_de
from ..models import Column, RowsModel
from ..widgets import confirm, notice_label, refill_combo
from .list_page import ListPage
from .tables import table_view

LINK_LABELS = {
    "requests": ("Anliegen", "Anliegen"), "contacts": ("Kontakt", "Kontakte"),
    "referrals": ("Vermittlung", "Vermittlungen"), "consents": ("Einwilligung", "Einwilligungen"),
    "attendances": ("Teilnahme", "Teilnahmen"), "meeting_participations": ("Sitzungsteilnahme", "Sitzungsteilnahmen"),
    "volunteer": ("Ehrenamtsprofil", "Ehrenamtsprofile"), "assignments": ("Einsatz", "Einsätze"),
}

PERSON_COLUMNS = [
    Column("Name", lambda r: r.name, sort="name"),
    Column("Stadtgebiet", lambda r: r.district or "unbekannt", sort="district"),
    Column("Altersgruppe", lambda r: r.age_band, sort="age"),
    Column("Letzter Kontakt", lambda r: date_de(r.last_contact, EMPTY), sort="last_contact"),
    Column("Offene Anliegen", lambda r: str(r.open_requests) if r.open_requests else "", sort="open_requests",
           align_right=True),
]


def link_summary(counts: dict[str, int]) -> str:
    parts = []
    for key, n in counts.items():
        if n:
            one, many = LINK_LABELS.get(key, (key, key))
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


class PersonDetail(QWidget):
    """Detail of one person: header, actions, tabs."""

    edit_requested = Signal()
    delete_requested = Signal()
    new_request_requested = Signal()
    new_contact_requested = Signal()
    new_referral_requested = Signal()
    open_request = Signal(int)
    open_referral = Signal(int)
    withdraw_consent_requested = Signal(int)
    edit_contact_requested = Signal(int)
    move_contact_requested = Signal(int)
    delete_contact_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.overview: PersonOverview | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Bearbeiten")
        self.request_button = QPushButton("Neues Anliegen")
        self.contact_button = QPushButton("Kontakt erfassen")
        self.referral_button = QPushButton("Vermitteln…")
        self.referral_button.setToolTip("An eine Beratungsstelle oder einen Partner vermitteln")
        self.delete_button = QPushButton("Löschen…")
        for b, signal in ((self.edit_button, self.edit_requested), (self.request_button, self.new_request_requested),
                          (self.contact_button, self.new_contact_requested),
                          (self.referral_button, self.new_referral_requested),
                          (self.delete_button, self.delete_requested)):
            b.clicked.connect(signal.emit)
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.tabs = QTabWidget()
        # at 1366×768 the tabs do not all fit: shorten them ("Einwilligu…"), full text as tooltip
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setDocumentMode(True)
        self.master = QWidget()
        self.master_form = QFormLayout(self.master)
        self.tabs.addTab(self.master, "Stammdaten")
        self.requests_model = RowsModel([
            Column("Begonnen", lambda r: date_de(r.opened_on), sort_value=lambda r: r.opened_on),
            Column("Anliegen", lambda r: r.title),
            Column("Status", lambda r: _status_label(r.status)),
            Column("Wiedervorlage", lambda r: date_de(r.follow_up_on), sort_value=lambda r: r.follow_up_on),
        ])
        self.requests_view = table_view(self.requests_model, stretch=1)
        self.requests_view.activated.connect(self._open_request)
        self.tabs.addTab(self.requests_view, "Anliegen")
        self.contacts_model = RowsModel([
            Column("Datum", lambda r: date_de(r.date), sort_value=lambda r: r.date),
            Column("Art", lambda r: r.kind),
            Column("Thema", lambda r: r.category or ""),
            Column("Dauer", lambda r: f"{r.duration_minutes} Min." if r.duration_minutes else "", align_right=True,
                   sort_value=lambda r: r.duration_minutes),
            Column("Notiz", lambda r: (r.note or "").splitlines()[0] if r.note else "", tooltip=lambda r: r.note),
            Column("Anliegen", lambda r: r.request_title or ""),
        ])
        self.contacts_view = table_view(self.contacts_model, stretch=4)
        self.contacts_view.activated.connect(lambda _i: self._contact_action(self.edit_contact_requested))
        self.contacts_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.contacts_view.customContextMenuRequested.connect(self._contacts_menu)
        self.contacts_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._contact_selected())
        delete_contact = QAction("Löschen", self.contacts_view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_contact.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_contact.triggered.connect(lambda: self._contact_action(self.delete_contact_requested))
        self.contacts_view.addAction(delete_contact)
        self.contact_edit_button = QPushButton("Bearbeiten…")
        self.contact_move_button = QPushButton("Verschieben…")
        self.contact_move_button.setToolTip("Den Kontakt einer anderen Person zuordnen (z. B. der richtigen Frau Müller)")
        self.contact_delete_button = QPushButton("Löschen…")
        for button, signal in ((self.contact_edit_button, self.edit_contact_requested),
                               (self.contact_move_button, self.move_contact_requested),
                               (self.contact_delete_button, self.delete_contact_requested)):
            button.clicked.connect(lambda _c=False, sig=signal: self._contact_action(sig))
        self.contacts_notice = notice_label()
        contacts_tab = QWidget()
        contacts_layout = QVBoxLayout(contacts_tab)
        contacts_layout.setContentsMargins(0, 4, 0, 0)
        contacts_layout.addWidget(self.contacts_view, 1)
        contact_row = QHBoxLayout()
        for button in (self.contact_edit_button, self.contact_move_button, self.contact_delete_button):
            contact_row.addWidget(button)
        contact_row.addWidget(self.contacts_notice, 1)
        contact_row.addStretch(1)
        contacts_layout.addLayout(contact_row)
        self.tabs.addTab(contacts_tab, "Kontakte")
        self.referrals_model = RowsModel([
            Column("Datum", lambda r: date_de(r.referred_on), sort_value=lambda r: r.referred_on),
            Column("Angebot", lambda r: r.service),
            Column("Partner", lambda r: r.organisation),
            Column("Stand", lambda r: r.outcome),
            Column("Wiedervorlage", lambda r: date_de(r.follow_up_on), sort_value=lambda r: r.follow_up_on),
        ])
        self.referrals_view = table_view(self.referrals_model, stretch=2)
        self.referrals_view.activated.connect(self._open_referral)
        self.tabs.addTab(self.referrals_view, "Vermittlungen")
        self.consents_model = RowsModel([
            Column("Empfänger", lambda r: r.organisation, tooltip=lambda r: r.purpose),
            Column("Daten", lambda r: r.categories, tooltip=lambda r: r.categories),
            Column("Erteilt", lambda r: date_de(r.given_on), sort_value=lambda r: r.given_on),
            Column("Gültig bis", lambda r: date_de(r.valid_until, "unbefristet"), sort_value=lambda r: r.valid_until),
            Column("Stand", lambda r: r.state, tooltip=lambda r: r.state),
        ])
        self.consents_view = table_view(self.consents_model, stretch=1)
        for col, width in ((0, 170), (2, 80), (3, 85), (4, 130)):
            self.consents_view.setColumnWidth(col, width)
        self.withdraw_button = QPushButton("Einwilligung widerrufen")
        self.withdraw_button.setToolTip("Gilt ab heute: an diesen Empfänger werden keine Daten mehr weitergegeben.")
        self.withdraw_button.clicked.connect(self._withdraw)
        self.consents_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._consent_selected())
        consents_tab = QWidget()
        consents_layout = QVBoxLayout(consents_tab)
        consents_layout.setContentsMargins(0, 4, 0, 0)
        consents_layout.addWidget(self.consents_view, 1)
        withdraw_row = QHBoxLayout()
        withdraw_row.addWidget(QLabel("Schweigepflichtentbindungen; ein Widerruf gilt sofort."), 1)
        withdraw_row.addWidget(self.withdraw_button)
        consents_layout.addLayout(withdraw_row)
        self.tabs.addTab(consents_tab, "Einwilligungen")
        self.attendance_model = RowsModel([
            Column("Datum", lambda r: date_de(r.date), sort_value=lambda r: r.date),
            Column("Uhrzeit", lambda r: time_de(r.start_time)),
            Column("Aktivität", lambda r: r.activity),
        ])
        self.tabs.addTab(table_view(self.attendance_model, stretch=2), "Teilnahmen")
        self.volunteer_label = QLabel()
        self.volunteer_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.volunteer_label.setWordWrap(True)
        self.volunteer_label.setMargin(8)
        self.tabs.addTab(self.volunteer_label, "Ehrenamt")

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        self.show_overview(None)

    def _open_request(self, index: QModelIndex) -> None:
        row = self.requests_model.row_at(index.row())
        if row is not None:
            self.open_request.emit(row.id)

    def selected_contact_id(self) -> int | None:
        index = self.contacts_view.currentIndex()
        row = self.contacts_model.row_at(index.row()) if index.isValid() else None
        return row.id if row is not None else None

    def _contact_selected(self) -> None:
        has = self.selected_contact_id() is not None
        for button in (self.contact_edit_button, self.contact_move_button, self.contact_delete_button):
            button.setEnabled(has)

    def _contact_action(self, signal) -> None:
        ident = self.selected_contact_id()
        if ident is not None:
            signal.emit(ident)

    def _contacts_menu(self, pos) -> None:
        index = self.contacts_view.indexAt(pos)
        if not index.isValid():
            return
        self.contacts_view.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", lambda: self._contact_action(self.edit_contact_requested))
        menu.addAction("Verschieben…", lambda: self._contact_action(self.move_contact_requested))
        menu.addSeparator()
        menu.addAction("Löschen…", lambda: self._contact_action(self.delete_contact_requested))
        menu.exec(self.contacts_view.viewport().mapToGlobal(pos))

    def say_about_contacts(self, text: str) -> None:
        self.contacts_notice.setText(text)
        self.contacts_notice.setVisible(bool(text))

    def _selected_consent(self):
        index = self.consents_view.currentIndex()
        return self.consents_model.row_at(index.row()) if index.isValid() else None

    def _consent_selected(self) -> None:
        row = self._selected_consent()
        self.withdraw_button.setEnabled(row is not None and row.valid)

    def _withdraw(self) -> None:
        row = self._selected_consent()
        if row is not None and row.valid:
            self.withdraw_consent_requested.emit(row.id)

    def _open_referral(self, index: QModelIndex) -> None:
        row = self.referrals_model.row_at(index.row())
        if row is not None:
            self.open_referral.emit(row.id)

    def show_overview(self, o: PersonOverview | None) -> None:
        self.overview_id_before = self.overview.person.id if self.overview is not None else None
        if o is None or self.overview_id_before != o.person.id:
            self.say_about_contacts("")
        self.overview = o
        for b in (self.edit_button, self.request_button, self.contact_button, self.referral_button,
                  self.delete_button):
            b.setEnabled(o is not None)
        while self.master_form.rowCount():
            self.master_form.removeRow(0)
        if o is None:
            self.header.setText("<i>Keine Person ausgewählt.</i>")
            for m in (self.requests_model, self.contacts_model, self.referrals_model, self.consents_model,
                      self.attendance_model):
                m.set_rows([])
            self.withdraw_button.setEnabled(False)
            self._contact_selected()
            self.volunteer_label.clear()
            return
        p = o.person
        self.header.setText(f"<h2 style='margin:0'>{_html(p.full_name)}</h2>"
                            f"{_html(o.district or 'Stadtgebiet unbekannt')} · {o.age_band} · {o.gender_label}")
        address = postal_address(p.street, p.postcode, p.city)
        for label, value in (("Nachname", p.last_name), ("Vorname", p.first_name), ("Geburtsdatum", date_de(p.birth_date)),
                             ("Geschlecht", o.gender_label), ("Stadtgebiet", o.district or "unbekannt"),
                             ("Anschrift", address), ("Telefon", p.phone), ("E-Mail", p.email),
                             ("Sprachen", p.languages), ("Notizen", p.notes)):
            value_label = QLabel(value or EMPTY)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.master_form.addRow(f"{label}:", value_label)
        self.requests_model.set_rows(o.requests)
        kept = self.selected_contact_id() if self.overview_id_before == p.id else None
        self.contacts_model.set_rows(o.contacts)
        row = self.contacts_model.row_of_id(kept) if kept is not None else -1
        if row >= 0:
            self.contacts_view.selectRow(row)
        self._contact_selected()
        self.referrals_model.set_rows(o.referrals)
        self.attendance_model.set_rows(o.attendances)
        self.consents_model.set_rows(o.consents)
        self._consent_selected()
        self.tabs.setTabText(1, f"Anliegen ({len(o.requests)})")
        self.tabs.setTabText(2, f"Kontakte ({len(o.contacts)})")
        self.tabs.setTabText(3, f"Vermittlungen ({len(o.referrals)})")
        valid = sum(1 for c in o.consents if c.valid)
        self.tabs.setTabText(4, f"Einwilligungen ({valid} gültig)" if o.consents else "Einwilligungen")
        self.tabs.setTabText(5, f"Teilnahmen ({len(o.attendances)})")
        for i in range(self.tabs.count()):
            self.tabs.setTabToolTip(i, self.tabs.tabText(i))
        v = o.volunteer
        if v is None:
            self.volunteer_label.setText("Diese Person ist nicht als Ehrenamtliche*r erfasst.")
        else:
            lines = [
                f"<b>Ehrenamtlich aktiv</b> seit {date_de(v.started_on, 'unbekannt')}"
                + (f" bis {date_de(v.ended_on)}" if v.ended_on else ""),
                f"{number_de(v.hours, 1)} Stunden in {v.assignments} Einsätzen",
            ]
            for title, items in (("Fähigkeiten", v.skills), ("Interessen", v.interests), ("Sprachen", v.languages)):
                if items:
                    lines.append(f"{title}: {_html(', '.join(items))}")
            if v.availability:
                lines.append(f"Verfügbarkeit: {_html(v.availability)}")
            if v.clearance_seen_on:
                entry = {True: "mit relevantem Eintrag", False: "ohne relevanten Eintrag", None: ""}[v.clearance_relevant_entry]
                lines.append(f"Führungszeugnis vorgelegt am {date_de(v.clearance_seen_on)} {entry}".strip())
            self.volunteer_label.setText("<br>".join(lines))


def _status_label(value: str) -> str:
    from kuemmerer.domain.enums import RequestStatus

    return RequestStatus(value).label


def _html(text: str | None) -> str:
    from html import escape

    return escape(text or "")


class PersonsPage(ListPage):
    EXPORT_KIND = "persons"
    LAZY_ROWS = True
    open_request = Signal(int)
    open_referral = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, PERSON_COLUMNS, parent=parent,
                         placeholder="Suchen: Name, Telefon oder E-Mail (z. B. „muller“ findet „Müller“)")
        self.query = PersonQuery()
        self.district = QComboBox()
        self._fill_districts()
        self.new_button = QPushButton("Neue Person")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.setToolTip("Neue Person anlegen (Strg+Umschalt+N)")
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(lambda _i: self.edit_current())
        for col, width in ((1, 120), (2, 100), (3, 110), (4, 110)):
            self.view.setColumnWidth(col, width)
        self.view.horizontalHeader().setMinimumSectionSize(60)
        self.detail = PersonDetail()
        self.detail.edit_requested.connect(self.edit_current)
        self.detail.delete_requested.connect(self.delete_current)
        self.detail.new_request_requested.connect(self.new_request)
        self.detail.new_contact_requested.connect(self.new_contact)
        self.detail.open_request.connect(self.open_request.emit)
        self.detail.new_referral_requested.connect(self.new_referral)
        self.detail.open_referral.connect(self.open_referral.emit)
        self.detail.withdraw_consent_requested.connect(self.withdraw_consent)
        self.contact_actions = ContactActions(ctx, self, self.detail.say_about_contacts)
        self.detail.edit_contact_requested.connect(self.contact_actions.edit)
        self.detail.move_contact_requested.connect(self.contact_actions.move)
        self.detail.delete_contact_requested.connect(self.contact_actions.delete)
        self.district.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.new_button.clicked.connect(self.new_person)
        delete_action = QAction("Löschen", self.view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_current)
        self.view.addAction(delete_action)
        self.finish_layout([(self.search, 3), (self.district, 1), (self.count_label, 0), (self.new_button, 0),
                            (self.export_button, 0)],
                           self.detail, (700, 480), 0, Qt.SortOrder.AscendingOrder)

    # -- data -----------------------------------------------------------------------
    def _fill_districts(self) -> None:
        refill_combo(self.district, district_filter_items(self.ctx))

    def _count(self) -> int:
        with self.ctx.uow(read_only=True) as uow:
            return listing.count_persons(uow, self.query)

    def _fetch(self, after, limit: int) -> list:
        with self.ctx.uow(read_only=True) as uow:  # only ids: rows are filled as they are painted
            return listing.person_ids_after(uow, self.query, after, limit)

    def _fill(self, ids: list[int]) -> list:
        if not self.ctx.available:  # the file was closed under a paint: blank until it reloads
            return []
        with self.ctx.uow(read_only=True) as uow:
            return listing.persons_by_id(uow, ids, self.ctx.today())

    def _sort(self, key: str, descending: bool) -> None:
        self.query = PersonQuery(self.query.search, self.query.district_id, key, descending)

    def _apply_filter(self) -> None:
        self.query = PersonQuery(self.search.text().strip(), self.district.currentData(), self.query.sort,
                                 self.query.descending)
        self.reload()

    def count_text(self, n: int) -> str:
        return f"{number_de(n)} {'Person' if n == 1 else 'Personen'}"

    def _data_changed(self, what: str) -> None:
        if what in ("districts", "all"):
            self._fill_districts()
        self.reload()

    def show_detail(self, ident: int | None) -> None:
        if ident is None:
            self.detail.show_overview(None)
            return
        with self.ctx.uow(read_only=True) as uow:
            self.detail.show_overview(person_view.overview(uow, ident, self.ctx.today()))

    def show_person(self, person_id: int, tab: int | None = None) -> None:
        """Select the person (clearing filters if needed) and show their detail."""

        def clear_filters() -> None:
            self.district.blockSignals(True)
            self.district.setCurrentIndex(0)
            self.district.blockSignals(False)
            self.query = PersonQuery(sort=self.query.sort, descending=self.query.descending)

        self.reveal(person_id, clear_filters)
        if tab is not None:
            self.detail.tabs.setCurrentIndex(tab)

    # -- actions ------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", self.edit_current)
        menu.addAction("Kontakt erfassen…", self.new_contact)
        menu.addAction("Neues Anliegen…", self.new_request)
        menu.addAction("Vermitteln…", self.new_referral)
        menu.addAction("Auskunft (Art. 15)…", self.auskunft_current)
        menu.addSeparator()
        menu.addAction("Löschen…", self.delete_current)
        menu.addSeparator()
        menu.addAction("Liste exportieren…", self.export)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def new_person(self) -> None:
        dialog = PersonDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_person(dialog.saved.id)

    def auskunft_current(self):
        """Everything stored about the selected person, to hand over (GDPR Art. 15)."""
        from ..dialogs.auskunft import open_auskunft

        o = self.detail.overview
        return open_auskunft(self, self.ctx, o.person.id) if o is not None else None

    def edit_current(self) -> None:
        o = self.detail.overview
        if o is None:
            return
        PersonDialog(self.ctx, o.person, parent=self).exec()

    def new_request(self) -> None:
        o = self.detail.overview
        if o is not None:
            RequestDialog(self.ctx, o.person.id, o.person.display_name, parent=self).exec()

    def new_contact(self) -> None:
        o = self.detail.overview
        if o is not None:
            ContactDialog(self.ctx, o.person.id, o.person.display_name, parent=self).exec()

    def withdraw_consent(self, consent_id: int) -> None:
        """One click: from today the consent passes nothing (DESIGN.md §5)."""
        with self.ctx.uow() as uow:
            partners.withdraw_consent(uow, consent_id, self.ctx.today())
        self.ctx.notify("consents")

    def new_referral(self) -> None:
        o = self.detail.overview
        if o is not None:
            dialog = ReferralDialog(self.ctx, o.person.id, o.person.display_name, parent=self)
            if dialog.exec() and dialog.saved:
                self.open_referral.emit(dialog.saved.id)

    def delete_current(self) -> None:
        o = self.detail.overview
        if o is None:
            return
        with self.ctx.uow(read_only=True) as uow:
            counts = persons.person_linked_counts(uow, o.person.id)
        linked = link_summary(counts)
        text = (f"„{o.person.full_name}“ und alle zugehörigen Daten werden endgültig gelöscht"
                + (f": {linked}." if linked else ".")
                + "\n\nDas lässt sich nicht rückgängig machen (außer über eine ältere Sicherung). "
                  "Die Zahlen bereits abgeschlossener Jahre bleiben erhalten.")
        if not self.confirm_delete(self, text):
            return
        with self.ctx.uow() as uow:
            persons.delete_person(uow, o.person.id)
        self.ctx.notify("persons")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Person löschen?", text, "Endgültig löschen")

"""Vermittlungen: Liste mit Stand und Nachfrage, Detail mit Einwilligung, Ergebnis und Druck."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import ReferralOutcome
from kuemmerer.services import listing, lists, partners, persons, referral_docs, requests
from kuemmerer.services.dto import ConsentDto, ConsentFormData, ReferralDto, ReferralSheet
from kuemmerer.services.listing import REFERRAL_STATE_FILTERS, ReferralQuery

from ..context import AppContext
from ..dialogs.referral import ReferralDialog, consent_summary, partner_summary
from ..formatting import date_de, multiline_html, number_de, relative_days
from ..models import Column
from ..printing import print_pdf, save_pdf
from ..widgets import ErrorLine, combo, refill_combo
from .list_page import ListPage

REFERRAL_COLUMNS = [
    Column("Datum", lambda r: date_de(r.referred_on), sort="referred_on"),
    Column("Person", lambda r: r.person_name, sort="person"),
    Column("Angebot", lambda r: r.service, sort="service"),
    Column("Partner", lambda r: r.organisation, sort="organisation", tooltip=lambda r: r.organisation),
    Column("Stand", lambda r: r.state_label, sort="state"),
    Column("Nachfrage", lambda r: date_de(r.follow_up_on), sort="follow_up_on"),
]

QUICK_OUTCOMES = (ReferralOutcome.ARRIVED, ReferralOutcome.NO_SHOW, ReferralOutcome.DECLINED)
DocumentBuilder = Callable[..., ReferralSheet | ConsentFormData]  # (uow, referral id, today); ui does not import db
DOCUMENTS: dict[str, tuple[str, DocumentBuilder]] = {
    "sheet": ("Vermittlungsbogen", referral_docs.referral_sheet),
    "consent": ("Schweigepflichtentbindung", referral_docs.consent_form),
}


def referral_document(ctx: AppContext, referral_id: int, kind: str) -> tuple[bytes, str, str]:
    """(PDF bytes, title, suggested file name) of the referral's sheet or consent form —
    the same bytes the CLI writes. No personal data in the file name."""
    from kuemmerer.exports.documents import referral_pdf

    title, build = DOCUMENTS[kind]
    with ctx.uow(read_only=True) as uow:
        data = build(uow, referral_id, ctx.today())
    return referral_pdf(data), f"{title} Nr. {referral_id}", f"{title}-{referral_id}.pdf"


class ReferralDetail(QWidget):
    open_person = Signal(int)
    open_organisation = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.referral: ReferralDto | None = None
        self.person_name = ""
        self.consent: ConsentDto | None = None
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(self._link)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.RichText)

        self.edit_button = QPushButton("Bearbeiten…")
        docs = QGroupBox("Drucken")
        grid = QGridLayout(docs)
        self.print_sheet = QPushButton("Drucken…")
        self.save_sheet = QPushButton("Als PDF speichern…")
        self.print_consent = QPushButton("Drucken…")
        self.save_consent = QPushButton("Als PDF speichern…")
        self.print_sheet.setToolTip("Vermittlungsbogen drucken (mit Vorschau)")
        self.print_consent.setToolTip("Schweigepflichtentbindung zum Unterschreiben drucken (mit Vorschau)")
        grid.addWidget(QLabel("Vermittlungsbogen:"), 0, 0)
        grid.addWidget(self.print_sheet, 0, 1)
        grid.addWidget(self.save_sheet, 0, 2)
        grid.addWidget(QLabel("Schweigepflichtentbindung:"), 1, 0)
        grid.addWidget(self.print_consent, 1, 1)
        grid.addWidget(self.save_consent, 1, 2)
        grid.setColumnStretch(3, 1)

        consent_box = QGroupBox("Schweigepflichtentbindung")
        consent_layout = QVBoxLayout(consent_box)  # a wrapped label beside a button is cut off at 1366×768
        self.consent_label = QLabel()
        self.consent_label.setWordWrap(True)
        self.consent_label.setTextFormat(Qt.TextFormat.RichText)
        self.withdraw_button = QPushButton("Widerrufen")
        self.withdraw_button.setToolTip("Gilt ab heute: der Vermittlungsbogen gibt keine Daten mehr weiter.")
        consent_layout.addWidget(self.consent_label)
        consent_layout.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignRight)

        outcome_box = QGroupBox("Ergebnis")
        outcome_layout = QVBoxLayout(outcome_box)
        self.outcome_label = QLabel()
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextFormat(Qt.TextFormat.RichText)
        outcome_layout.addWidget(self.outcome_label)
        buttons = QGridLayout()
        self.outcome_buttons: dict[str, QPushButton] = {}
        for i, outcome in enumerate(QUICK_OUTCOMES):
            b = QPushButton(outcome.label[0].upper() + outcome.label[1:])
            b.setToolTip(f"Ergebnis „{outcome.label}“ mit heutigem Datum eintragen")
            b.clicked.connect(lambda _c=False, o=outcome: self.set_outcome(o))
            self.outcome_buttons[outcome.value] = b
            buttons.addWidget(b, i // 2, i % 2)
        self.close_button = QPushButton("Abschließen")
        self.close_button.setToolTip("Die Vermittlung ist erledigt; das Ergebnis bleibt erhalten")
        self.close_button.clicked.connect(self.toggle_closed)
        buttons.addWidget(self.close_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        outcome_layout.addLayout(buttons)
        self.error = ErrorLine()
        outcome_layout.addWidget(self.error)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.where)
        layout.addWidget(outcome_box)
        layout.addWidget(consent_box)
        layout.addWidget(docs)
        layout.addStretch(1)

        self.edit_button.clicked.connect(self.edit)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.print_sheet.clicked.connect(lambda: self.print_document("sheet"))
        self.save_sheet.clicked.connect(lambda: self.save_document("sheet"))
        self.print_consent.clicked.connect(lambda: self.print_document("consent"))
        self.save_consent.clicked.connect(lambda: self.save_document("consent"))
        self.show_referral(None)

    def _widgets(self) -> list[QWidget]:
        return [self.edit_button, self.print_sheet, self.save_sheet, self.print_consent, self.save_consent,
                self.withdraw_button, self.close_button, *self.outcome_buttons.values()]

    def _link(self, link: str) -> None:
        if self.referral is None:
            return
        if link == "person":
            self.open_person.emit(self.referral.person_id)
        elif link == "partner":
            self.open_organisation.emit(self.referral.organisation_id)

    def show_referral(self, referral_id: int | None) -> None:
        self.error.hide()
        if referral_id is None:
            self.referral = self.consent = None
            self.header.setText("<i>Keine Vermittlung ausgewählt.</i>")
            for label in (self.where, self.consent_label, self.outcome_label):
                label.clear()
            for w in self._widgets():
                w.setEnabled(False)
            return
        today = self.ctx.today()
        with self.ctx.uow(read_only=True) as uow:
            r = self.referral = partners.get_referral(uow, referral_id)
            person = persons.get_person(uow, r.person_id)
            org = partners.get_organisation(uow, r.organisation_id)
            service = lists.services.get(uow, r.service_id).name
            request = requests.get_request(uow, r.request_id) if r.request_id else None
            self.consent = referral_docs.consent_for_sheet(uow, r.id, today)
            linked = partners.get_consent(uow, r.consent_id) if r.consent_id else None
        for w in self._widgets():
            w.setEnabled(True)
        self.person_name = person.display_name
        appointment = (f"Termin: <b>{r.appointment_at:%d.%m.%Y} um {r.appointment_at:%H:%M} Uhr</b>"
                       if r.appointment_at else "Noch kein Termin vereinbart")
        self.header.setText(
            f"<h2 style='margin:0'>{escape(service)} – <a href='partner'>{escape(org.name)}</a></h2>"
            f"für <a href='person'>{escape(person.full_name)}</a> · vermittelt am {date_de(r.referred_on)}"
            + (f" · Anliegen: {escape(request.title)}" if request else "")
            + f"<br>{appointment}"
            + (f"<br>Anlass: {multiline_html(r.reason)}" if r.reason else ""))
        self.where.setText(partner_summary(org))
        lines = [f"Stand: <b>{escape(r.state_label)}</b>"]
        if r.outcome_on:
            lines.append(f"Ergebnis vom {date_de(r.outcome_on)}")
        if r.closed_on:
            lines.append(f"abgeschlossen am {date_de(r.closed_on)}")
        text = " · ".join(lines)
        if r.follow_up_on and r.closed_on is None:
            text += (f"<br>Nachfrage „Ist die Person angekommen?“ am {date_de(r.follow_up_on)} "
                     f"({relative_days(r.follow_up_on, today)})")
        if r.outcome_note:
            text += f"<br>{multiline_html(r.outcome_note)}"
        self.outcome_label.setText(text)
        for value, button in self.outcome_buttons.items():
            button.setEnabled(r.closed_on is None and r.outcome != value)
        self.close_button.setText("Wieder öffnen" if r.closed_on else "Abschließen")
        if self.consent:
            state = self.consent.state_on(today).text
            other = (f" Erteilt zur Vermittlung Nr. {self.consent.referral_id} für dasselbe Angebot."
                     if self.consent.referral_id not in (None, r.id) else "")
            self.consent_label.setText(f"<b>{escape(state[0].upper() + state[1:])}</b><br>"
                                       + escape(consent_summary(self.consent, today, with_state=False) + other)
                                       + "<br>Der Vermittlungsbogen enthält die freigegebenen Daten.")
        else:
            # the same state text as on the sheet and in the person's Einwilligungen (domain rule)
            why = f" ({linked.state_on(today).text})" if linked else ""
            self.consent_label.setText(f"<b>Keine gültige Einwilligung</b>{why}. Der Teil für die "
                                       "Beratungsstelle bleibt leer (zum Ausfüllen von Hand). Die Einwilligung "
                                       "kann unter „Bearbeiten…“ erfasst werden.")
        self.withdraw_button.setEnabled(self.consent is not None)

    # -- actions -------------------------------------------------------------------------
    def _run(self, action) -> None:
        self.error.run(self.ctx, action, "referrals")

    def set_outcome(self, outcome: ReferralOutcome) -> None:
        if self.referral:
            self._run(lambda uow: partners.record_outcome(uow, self.referral.id, outcome, self.ctx.today()))

    def toggle_closed(self) -> None:
        if not self.referral:
            return
        if self.referral.closed_on:
            self._run(lambda uow: partners.reopen_referral(uow, self.referral.id))
        else:
            self._run(lambda uow: partners.close_referral(uow, self.referral.id, self.ctx.today()))

    def withdraw(self) -> None:
        """One click: from today the consent passes nothing."""
        if self.consent:
            self._run(lambda uow: partners.withdraw_consent(uow, self.consent.id, self.ctx.today()))

    def edit(self) -> None:
        if self.referral:
            ReferralDialog(self.ctx, self.referral.person_id, self.person_name, referral=self.referral,
                           parent=self).exec()

    def print_document(self, kind: str) -> None:
        if self.referral:
            pdf, title, _name = referral_document(self.ctx, self.referral.id, kind)
            print_pdf(self, pdf, title)

    def save_document(self, kind: str):
        if self.referral:
            pdf, _title, name = referral_document(self.ctx, self.referral.id, kind)
            target = save_pdf(self, pdf, name)
            if target is not None:
                QMessageBox.information(self, "Gespeichert", f"Gespeichert unter:\n{target}")
            return target
        return None


class ReferralsPage(ListPage):
    EXPORT_KIND = "referrals"
    open_person = Signal(int)
    open_organisation = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, REFERRAL_COLUMNS, placeholder="Suchen: Name, Partner oder Angebot", stretch=3,
                         parent=parent)
        self.query = ReferralQuery()
        self.state = combo(REFERRAL_STATE_FILTERS)
        self.service = QComboBox()
        self._fill_services()
        for box in (self.state, self.service):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
            box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        for col, width in ((0, 80), (1, 140), (2, 125), (4, 142), (5, 80)):
            self.view.setColumnWidth(col, width)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.detail = ReferralDetail(ctx)
        self.view.activated.connect(lambda _i: self.detail.edit())
        self.detail.open_person.connect(self.open_person.emit)
        self.detail.open_organisation.connect(self.open_organisation.emit)
        self.finish_layout([(self.search, 2), (self.state, 0), (self.service, 0), (self.count_label, 0),
                            (self.export_button, 0)],
                           self.detail, (720, 400), 0, Qt.SortOrder.DescendingOrder)

    def _fill_services(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            services = lists.list_services(uow)
        refill_combo(self.service, [("Alle Angebote", None), *((s.name, s.id) for s in services)])

    def _count(self) -> int:
        with self.ctx.uow(read_only=True) as uow:
            return listing.count_referrals(uow, self.query, self.ctx.today())

    def _fetch(self, after, limit: int) -> list:
        with self.ctx.uow(read_only=True) as uow:
            return listing.referral_page_after(uow, self.query, after, limit, self.ctx.today())

    def _sort(self, key: str, descending: bool) -> None:
        q = self.query
        self.query = ReferralQuery(q.search, q.state, q.service_id, q.organisation_id, q.person_id, key, descending)

    def _apply_filter(self) -> None:
        q = self.query
        self.query = ReferralQuery(self.search.text().strip(), self.state.currentData(), self.service.currentData(),
                                   q.organisation_id, q.person_id, q.sort, q.descending)
        self.reload()

    def count_text(self, n: int) -> str:
        return f"{number_de(n)} {'Vermittlung' if n == 1 else 'Vermittlungen'}"

    def show_detail(self, ident: int | None) -> None:
        self.detail.show_referral(ident)

    def _data_changed(self, what: str) -> None:
        if what in ("all", "services"):
            self._fill_services()
        self.reload()

    def set_state(self, state: str | None) -> None:
        self.state.setCurrentIndex(max(0, self.state.findData(state)))

    def show_referral(self, referral_id: int) -> None:
        def clear_filters() -> None:
            for box in (self.state, self.service):
                box.blockSignals(True)
            self.state.setCurrentIndex(self.state.findData(None))
            self.service.setCurrentIndex(0)
            for box in (self.state, self.service):
                box.blockSignals(False)
            q = self.query
            self.query = ReferralQuery(state=None, sort=q.sort, descending=q.descending)

        self.reveal(referral_id, clear_filters)

    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        d = self.detail

        def open_person() -> None:
            if d.referral:
                self.open_person.emit(d.referral.person_id)

        def open_organisation() -> None:
            if d.referral:
                self.open_organisation.emit(d.referral.organisation_id)

        menu = QMenu(self)
        menu.addAction("Bearbeiten…", d.edit)
        menu.addAction("Vermittlungsbogen drucken…", lambda: d.print_document("sheet"))
        menu.addAction("Vermittlungsbogen als PDF speichern…", lambda: d.save_document("sheet"))
        menu.addAction("Schweigepflichtentbindung drucken…", lambda: d.print_document("consent"))
        menu.addSeparator()
        menu.addAction("Person öffnen", open_person)
        menu.addAction("Partner öffnen", open_organisation)
        menu.addSeparator()
        menu.addAction("Liste exportieren…", self.export)
        menu.exec(self.view.viewport().mapToGlobal(pos))

"""Vermitteln: Angebot → Partner, Anlass, Schweigepflichtentbindung, Termin und Ergebnis."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import DataCategory, ReferralOutcome
from kuemmerer.domain.rules import CONSENT_VALID, opening_hours_lines, postal_address
from kuemmerer.services import lists, partners, requests, settings
from kuemmerer.services.dto import ConsentDto, OrganisationDto, ReferralDto
from kuemmerer.services.validation import parse_date, parse_time

from ..context import AppContext
from ..formatting import date_de
from ..widgets import DateField, FieldForm, GuardedDialog, combo, confirm_frozen_write, set_combo_data, text_edit

OUTCOME_ITEMS = [(o.label, o.value) for o in ReferralOutcome]


def consent_summary(c: ConsentDto, day: dt.date, *, with_state: bool = True) -> str:
    """"erteilt am …, gültig bis zum Abschluss der Vermittlung. Umfasst: …" — the state text
    is the domain rule's (the same as on the sheet and in the person's Einwilligungen)."""
    cats = ", ".join(DataCategory(x).label for x in c.data_categories)
    state = c.state_on(day).text
    if c.valid_until and state == CONSENT_VALID:
        state = f"gültig bis {date_de(c.valid_until)}"
    state = f", {state}" if with_state else (f", gültig bis {date_de(c.valid_until)}" if c.valid_until else "")
    return f"erteilt am {date_de(c.given_on)}{state}. Umfasst: {cats}. Zweck: {c.purpose}"


def partner_summary(org: OrganisationDto) -> str:
    """A few lines about where the resident goes (HTML)."""
    address = postal_address(org.street, org.postcode, org.city)
    hours = "; ".join(opening_hours_lines(org.weekly_hours))
    lines = [escape(x) for x in (address, f"Tel. {org.phone}" if org.phone else "",
                                 f"Ansprechperson: {org.contact_person}" if org.contact_person else "",
                                 hours or (org.opening_hours or "")) if x]
    return "<br>".join(lines) or "<i>Keine Anschrift erfasst.</i>"


class ReferralDialog(GuardedDialog):
    """Neue Vermittlung (``referral`` None) oder Vermittlung bearbeiten (mit Ergebnis)."""

    def __init__(self, ctx: AppContext, person_id: int, person_name: str, *, request_id: int | None = None,
                 referral: ReferralDto | None = None, parent: QWidget | None = None):
        super().__init__(parent, "Vermittlung bearbeiten" if referral else "Vermitteln")
        self.ctx, self.person_id, self.referral = ctx, person_id, referral
        self.saved: ReferralDto | None = None
        self.valid_consent: ConsentDto | None = None
        with ctx.uow(read_only=True) as uow:
            services = lists.list_services(uow, active_only=True)
            if referral and referral.service_id not in {s.id for s in services}:
                services.append(lists.services.get(uow, referral.service_id))
            self.organisations = {o.id: o for o in partners.list_organisations(uow)}
            person_requests = [r for r in requests.list_requests(uow, person_id)
                               if r.closed_on is None or (referral and r.id == referral.request_id)
                               or r.id == request_id]
            self.follow_up_days = settings.get_follow_up_days(uow)

        f = self.form = FieldForm(self)
        f.add_row("Person:", QLabel(f"<b>{escape(person_name)}</b>"))
        self.request = f.add("request_id", "Anliegen", combo(
            [("(ohne Anliegen)", None), *((r.title, r.id) for r in reversed(person_requests))]))
        self.service = f.add("service_id", "Angebot", combo(
            [("(bitte wählen)", None), *((s.name, s.id) for s in services)]), required=True)
        self.organisation = f.add("organisation_id", "Partner", combo([]), required=True)
        self.partner_info = QLabel()
        self.partner_info.setWordWrap(True)
        self.partner_info.setTextFormat(Qt.TextFormat.RichText)
        self.partner_info.setStyleSheet("color: #333;")
        f.add_row("", self.partner_info)
        self.referred_on = f.add("referred_on", "Vermittelt am", DateField())
        appointment = QWidget()
        row = QHBoxLayout(appointment)
        row.setContentsMargins(0, 0, 0, 0)
        self.appointment_date = DateField()
        self.appointment_time = QLineEdit()
        self.appointment_time.setPlaceholderText("HH:MM")
        self.appointment_time.setMaxLength(5)
        self.appointment_time.setFixedWidth(70)
        row.addWidget(self.appointment_date, 1)
        row.addWidget(QLabel("um"))
        row.addWidget(self.appointment_time)
        row.addWidget(QLabel("Uhr"))
        f.add("appointment_at", "Termin (falls vereinbart)", appointment)
        self.reason = f.add("reason", "Anlass der Vermittlung", text_edit(height=60),
                            hint="Steht nur mit Einwilligung (Kategorie „Anliegen“) auf dem Bogen für die Stelle.")

        # -- consent -----------------------------------------------------------------
        consent_box = QGroupBox("Schweigepflichtentbindung für diesen Partner")
        consent_layout = QVBoxLayout(consent_box)
        self.consent_status = QLabel()
        self.consent_status.setWordWrap(True)
        self.withdraw_button = QPushButton("Einwilligung widerrufen")
        self.withdraw_button.setToolTip("Gilt sofort: ab heute werden keine Daten mehr weitergegeben.")
        status_row = QHBoxLayout()
        status_row.addWidget(self.consent_status, 1)
        status_row.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignTop)
        consent_layout.addLayout(status_row)
        self.record_consent = QCheckBox("Unterschriebene Schweigepflichtentbindung jetzt erfassen")
        consent_layout.addWidget(self.record_consent)
        self.consent_fields = QWidget()
        cf = self.consent_form = FieldForm(self.consent_fields)
        cats = QWidget()
        grid = QGridLayout(cats)
        grid.setContentsMargins(0, 0, 0, 0)
        self.category_boxes: dict[str, QCheckBox] = {}
        for i, cat in enumerate(DataCategory):
            box = QCheckBox(cat.label)
            self.category_boxes[cat.value] = box
            grid.addWidget(box, i, 0)
        cf.add("consent_data_categories", "Welche Daten", cats, required=True)
        self.consent_purpose = cf.add("consent_purpose", "Zweck", QLineEdit(), required=True)
        self.consent_given_on = cf.add("consent_given_on", "Erteilt am", DateField(), required=True)
        self.consent_valid_until = cf.add("consent_valid_until", "Gültig bis", DateField(placeholder="unbefristet"))
        fields_layout = QVBoxLayout(self.consent_fields)
        fields_layout.setContentsMargins(18, 0, 0, 0)
        fields_layout.addWidget(cf)
        consent_layout.addWidget(self.consent_fields)
        self.consent_hint = QLabel("Ohne gültige Einwilligung bleibt der Teil „Für die Beratungsstelle“ auf dem "
                                   "Vermittlungsbogen leer – zum Ausfüllen von Hand.")
        self.consent_hint.setWordWrap(True)
        self.consent_hint.setStyleSheet("color: #555;")
        consent_layout.addWidget(self.consent_hint)

        # -- outcome (editing only) ----------------------------------------------------------
        self.outcome_box = QGroupBox("Ergebnis")
        of = self.outcome_form = FieldForm(self.outcome_box)
        self.outcome = of.add("outcome", "Stand", combo(OUTCOME_ITEMS))
        self.outcome_on = of.add("outcome_on", "Ergebnis am", DateField())
        self.closed_on = of.add("closed_on", "Abgeschlossen am", DateField(placeholder="noch offen"))
        self.follow_up_on = of.add("follow_up_on", "Nachfrage am", DateField(),
                                   hint="„Ist die Person angekommen?“ – erscheint an dem Tag unter Heute.")
        self.outcome_note = of.add("outcome_note", "Notiz zum Ergebnis", text_edit(height=50))
        QVBoxLayout(self.outcome_box).addWidget(of)
        f.adopt(cf)
        f.adopt(of)  # one save, one place for every message: next to its field
        self.follow_up_hint = QLabel(f"Nach dem Speichern erscheint in {self.follow_up_days} Tagen unter Heute die "
                                     "Nachfrage „Ist die Person angekommen?“.")
        self.follow_up_hint.setWordWrap(True)
        self.follow_up_hint.setStyleSheet("color: #555;")

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(f)
        left.addWidget(self.follow_up_hint)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(consent_box)
        right.addWidget(self.outcome_box)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # showing the consent fields grows it
        layout.addLayout(columns)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(1000)

        self.service.currentIndexChanged.connect(lambda _i: self._fill_partners())
        self.organisation.currentIndexChanged.connect(lambda _i: self._partner_changed())
        self.record_consent.toggled.connect(self._consent_toggled)
        self.withdraw_button.clicked.connect(self.withdraw)
        if referral:
            self._fill(referral)
            self.follow_up_hint.hide()
        else:
            set_combo_data(self.request, request_id)
            self.referred_on.set_date(ctx.today())
            self.outcome_box.hide()
            self._fill_partners()
        self.consent_given_on.set_date(ctx.today())
        self._consent_toggled(False)
        self.watch(self.request, self.service, self.organisation, self.referred_on, self.appointment_date,
                   self.appointment_time, self.reason, self.record_consent, *self.category_boxes.values(),
                   self.consent_purpose, self.consent_given_on, self.consent_valid_until, self.outcome,
                   self.outcome_on, self.closed_on, self.follow_up_on, self.outcome_note)
        (self.outcome if referral else self.service).setFocus()

    # -- filling -----------------------------------------------------------------------
    def _fill(self, r: ReferralDto) -> None:
        set_combo_data(self.request, r.request_id)
        set_combo_data(self.service, r.service_id)
        self._fill_partners(keep=r.organisation_id)
        self.referred_on.set_date(r.referred_on)
        if r.appointment_at:
            self.appointment_date.set_date(r.appointment_at.date())
            self.appointment_time.setText(f"{r.appointment_at:%H:%M}")
        self.reason.setPlainText(r.reason or "")
        set_combo_data(self.outcome, r.outcome)
        self.outcome_on.set_date(r.outcome_on)
        self.closed_on.set_date(r.closed_on)
        self.follow_up_on.set_date(r.follow_up_on)
        self.outcome_note.setPlainText(r.outcome_note or "")

    def _fill_partners(self, keep: int | None = None) -> None:
        """The partners offering the chosen service (active ones; the current one always)."""
        service_id = self.service.currentData()
        keep = keep if keep is not None else self.organisation.currentData()
        offering = [o for o in self.organisations.values()
                    if service_id is not None and service_id in o.service_ids and (o.active or o.id == keep)]
        self.organisation.blockSignals(True)
        self.organisation.clear()
        if service_id is None:
            self.organisation.addItem("(erst ein Angebot wählen)", None)
        elif not offering:
            self.organisation.addItem("(kein Partner bietet das an – im Bereich Partner eintragen)", None)
        else:
            if len(offering) > 1:
                self.organisation.addItem("(bitte wählen)", None)
            for o in offering:
                self.organisation.addItem(o.name if o.active else f"{o.name} (nicht mehr aktiv)", o.id)
            set_combo_data(self.organisation, keep)
        # long partner names: the list opens wide enough, the closed box shows the full name as tooltip
        view = self.organisation.view()
        view.setMinimumWidth(max(self.organisation.width(), view.sizeHintForColumn(0) + 30))
        self.organisation.blockSignals(False)
        self._partner_changed()

    def _partner_changed(self) -> None:
        org = self.organisations.get(self.organisation.currentData())
        self.organisation.setToolTip(self.organisation.currentText())
        self.partner_info.setText(partner_summary(org) if org else "")
        self.partner_info.setVisible(org is not None)
        self._refresh_consent()
        if org and not self.consent_purpose.isModified():  # a purpose she typed stays
            self.consent_purpose.setText(f"Vermittlung an {org.name} ({self.service.currentText()})")
            self.consent_purpose.setCursorPosition(0)

    def _refresh_consent(self) -> None:
        org_id = self.organisation.currentData()
        service_id, today = self.service.currentData(), self.ctx.today()
        self.valid_consent = linked = None
        if org_id is not None:
            with self.ctx.uow(read_only=True) as uow:
                r = self.referral
                if r and (org_id, service_id) == (r.organisation_id, r.service_id):
                    # as stored: the rule that decides the sheet (own consent, same recipient and Angebot)
                    self.valid_consent = partners.covering_consent(uow, r.id, today)
                    linked = partners.get_consent(uow, r.consent_id) if r.consent_id else None
                else:
                    self.valid_consent = partners.valid_consent(uow, self.person_id, org_id, today,
                                                                service_id=service_id or -1)
        if org_id is None:
            self.consent_status.setText("Erst einen Partner wählen.")
        elif self.valid_consent:
            self.consent_status.setText("<b>Liegt vor</b>: " + escape(consent_summary(self.valid_consent, today)))
        else:
            why = f" (die bisherige: {linked.state_on(today).text})" if linked else ""
            self.consent_status.setText(f"<b>Keine gültige Einwilligung</b> für diesen Partner und dieses "
                                        f"Angebot{escape(why)}.")
        self.withdraw_button.setVisible(self.valid_consent is not None)
        self.record_consent.setEnabled(org_id is not None)
        self.record_consent.setText("Neue (erweiterte) Einwilligung erfassen" if self.valid_consent
                                    else "Unterschriebene Schweigepflichtentbindung jetzt erfassen")
        self.consent_hint.setVisible(self.valid_consent is None)
        self._fit_height()

    def _consent_toggled(self, on: bool) -> None:
        self.consent_fields.setVisible(on)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show everything: wrapped labels (height for width) are not in the
        layout's minimum size, so ask the layout for the height at the current width."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_height()

    # -- actions ------------------------------------------------------------------------
    def withdraw(self) -> None:
        """One click: the consent is withdrawn from today on (written at once)."""
        if self.valid_consent is None:
            return
        with self.ctx.uow() as uow:
            partners.withdraw_consent(uow, self.valid_consent.id, self.ctx.today())
        self.ctx.notify("consents")
        self._refresh_consent()
        self.consent_status.setText(self.consent_status.text()
                                    + f"<br>Widerrufen am {date_de(self.ctx.today())}.")

    def _appointment(self):
        day, time = self.appointment_date.text(), self.appointment_time.text().strip()
        if not day and not time:
            return None
        try:
            d, t = parse_date(day), parse_time(time)
        except ValueError:
            return f"{day} {time}"  # the service names the error
        return dt.datetime.combine(d, t) if d and t else f"{day} {time}"

    def values(self) -> dict:
        values = {
            "request_id": self.request.currentData(), "service_id": self.service.currentData(),
            "organisation_id": self.organisation.currentData(), "referred_on": self.referred_on.text(),
            "appointment_at": self._appointment(), "reason": self.reason.toPlainText(),
        }
        if self.referral is not None:
            values.update(outcome=self.outcome.currentData(), outcome_on=self.outcome_on.text(),
                          closed_on=self.closed_on.text(), follow_up_on=self.follow_up_on.text(),
                          outcome_note=self.outcome_note.toPlainText())
        return values

    def consent_values(self) -> dict | None:
        if not self.record_consent.isChecked():
            return None
        return {"data_categories": [v for v, box in self.category_boxes.items() if box.isChecked()],
                "purpose": self.consent_purpose.text(), "given_on": self.consent_given_on.text(),
                "valid_until": self.consent_valid_until.text()}

    def save(self) -> bool:
        values, consent = self.values(), self.consent_values()
        if self.referral is None:
            values["person_id"] = self.person_id
        ref_id = self.referral.id if self.referral else None
        if not confirm_frozen_write(self, self.ctx, self.referred_on.date(),
                                    self.referral.referred_on if self.referral else None):
            return False
        ok, self.saved = self.form.submit(
            self.ctx, lambda uow: partners.save_referral(uow, ref_id, consent=consent, **values), "referrals")
        return ok

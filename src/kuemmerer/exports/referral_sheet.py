"""Vermittlungsbogen (A4 PDF): where to go, what to bring, the partner's part (only with a
valid consent, else blank for handwriting) and a detachable feedback slip."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kuemmerer.domain.rules import opening_hours_lines, postal_address

from .pdf_base import CONTENT_WIDTH, build, date_de, field_table, letterhead_block, p, styles

if TYPE_CHECKING:
    from kuemmerer.services.dto import ReferralSheet

BLANK = "_" * 48


def _hours(sheet: ReferralSheet) -> str:
    org = sheet.organisation
    lines = opening_hours_lines(org.weekly_hours, short=False, suffix=" Uhr")
    if org.opening_hours:
        lines.append(org.opening_hours)
    return "\n".join(lines) or "bitte telefonisch erfragen"


def _where(sheet: ReferralSheet, st: dict) -> list:
    org = sheet.organisation
    address = postal_address(org.street, org.postcode, org.city)
    if sheet.appointment_at:
        appointment = f"{sheet.appointment_at:%d.%m.%Y} um {sheet.appointment_at:%H:%M} Uhr"
    else:
        appointment = "Noch kein Termin – bitte zu den Öffnungszeiten anrufen oder vorbeigehen."
    rows: list[tuple[str, object]] = [
        ("Angebot", sheet.service),
        ("Stelle", Paragraph(f"<b>{_esc(org.name)}</b>", st["base"])),
        ("Adresse", address or "–"),
        ("Telefon", org.phone or "–"),
    ]
    if org.email:
        rows.append(("E-Mail", org.email))
    if org.contact_person:
        rows.append(("Ansprechperson", org.contact_person))
    rows.append(("Öffnungszeiten", _hours(sheet)))
    rows.append(("Ihr Termin", Paragraph(f"<b>{_esc(appointment)}</b>", st["base"])))
    if org.what_to_bring:
        rows.append(("Bitte mitbringen", org.what_to_bring))
    if org.languages:
        rows.append(("Sprachen", org.languages))
    return [p("Für Sie: Hier bekommen Sie Hilfe", st["h2"]), field_table(rows, st)]


def _partner(sheet: ReferralSheet, st: dict) -> list:
    out = [p("Für die Beratungsstelle", st["h2"])]
    r = sheet.resident
    if r is None:
        out.append(p("Angaben zur Person werden nur mit schriftlicher Einwilligung weitergegeben. "
                     "Die Person kann sie hier selbst eintragen:", st["small"]))
        out.append(Spacer(1, 2 * mm))
        out.append(field_table([(label, BLANK) for label in ("Name", "Telefon", "Anlass", "")], st))
        return out
    rows: list[tuple[str, object]] = []
    for label, value in (("Name", r.name), ("Geburtsdatum", date_de(r.birth_date)), ("Anschrift", r.address),
                         ("Telefon", r.phone), ("E-Mail", r.email), ("Anlass", r.reason)):
        if value:
            rows.append((label, value))
    out.append(field_table(rows, st) if rows else p("Keine Angaben.", st["base"]))
    until = f" bis {date_de(r.consent_valid_until)}" if r.consent_valid_until else ""
    state = f" ({r.consent_state}{until})" if r.consent_state else ""
    given_for = (f", erteilt zur Vermittlung Nr. {r.consent_referral_id} für dasselbe Angebot"
                 if r.consent_referral_id else "")
    out.append(Spacer(1, 1.5 * mm))
    out.append(p(f"Weitergabe mit schriftlicher Einwilligung vom {date_de(r.consent_given_on)}{given_for}"
                 f"{state} für: {', '.join(r.categories)}.", st["small"]))
    return out


def _slip(sheet: ReferralSheet, st: dict) -> KeepTogether:
    lh = sheet.letterhead
    office = ", ".join(x for x in (lh.office_name, lh.street, lh.postcode_city) if x)
    reach = " · ".join(x for x in (f"Tel. {lh.phone}" if lh.phone else "", lh.email) if x)
    cut = Table([[p("✂  hier abtrennen", st["small"])]], colWidths=[CONTENT_WIDTH])
    cut.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.grey, None, (3, 3)),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    box = "☐"
    slip = [
        cut,
        p("Rückmeldung an das Stadtteilbüro", st["h2"]),
        p(f"An: {office}" + (f" ({reach})" if reach else ""), st["base"]),
        Spacer(1, 2 * mm),
        p(f"Vermittlung Nr. {sheet.referral_id} vom {date_de(sheet.referred_on)} – Angebot: {sheet.service}",
          st["base"]),
        Spacer(1, 2 * mm),
        p(f"{box} Die Person ist bei uns angekommen am: ______________", st["base"]),
        p(f"{box} Der Termin wurde nicht wahrgenommen.", st["base"]),
        p(f"{box} Wir können nicht helfen; bitte zurück an das Stadtteilbüro.", st["base"]),
        Spacer(1, 6 * mm),
        p("Datum, Stempel und Unterschrift der Beratungsstelle: ______________________________", st["base"]),
        p("Die Rückmeldung enthält keine Angaben zur Person; die Nummer genügt uns.", st["small"]),
    ]
    return KeepTogether(slip)


def _esc(text: str) -> str:
    from html import escape

    return escape(text)


def write_referral_sheet(sheet: ReferralSheet, target: Path | BinaryIO) -> None:
    st = styles()
    story = [
        letterhead_block(sheet.letterhead, st),
        Spacer(1, 5 * mm),
        p("Vermittlungsbogen", st["title"]),
        p(f"Nr. {sheet.referral_id} · vermittelt am {date_de(sheet.referred_on)} · "
          f"gedruckt am {date_de(sheet.printed_on)}", st["small"]),
        Spacer(1, 2 * mm),
        *_where(sheet, st),
        *_partner(sheet, st),
        Spacer(1, 8 * mm),
        _slip(sheet, st),
    ]
    build(story, target, title=f"Vermittlungsbogen Nr. {sheet.referral_id}",
          footer=f"{sheet.letterhead.office_name} · Vermittlungsbogen Nr. {sheet.referral_id}")

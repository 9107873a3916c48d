"""Schweigepflichtentbindung (A4 PDF), pre-filled for the resident's signature."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kuemmerer.domain.rules import CONSENT_UNTIL_CLOSED, postal_address

from .pdf_base import build, date_de, field_table, letterhead_block, p, styles

if TYPE_CHECKING:
    from kuemmerer.services.dto import ConsentFormData


def write_consent_form(data: ConsentFormData, target: Path | BinaryIO) -> None:
    st = styles()
    lh = data.letterhead
    org = data.organisation
    office = lh.office_name or "das Stadtteilbüro"
    org_address = postal_address(org.street, org.postcode, org.city)
    person = [("Name", data.person_name), ("Geburtsdatum", date_de(data.person_birth_date) or "____________"),
              ("Anschrift", data.person_address or "_" * 48)]
    categories = [Paragraph(("☒ " if ticked else "☐ ") + escape(label), st["base"])
                  for label, ticked in data.categories]
    until = date_de(data.valid_until) or f"______________ (ohne Angabe: {CONSENT_UNTIL_CLOSED})"
    story = [
        letterhead_block(lh, st),
        Spacer(1, 5 * mm),
        p("Einwilligung in die Weitergabe von Daten", st["title"]),
        p("(Entbindung von der Schweigepflicht)", st["base"]),
        Spacer(1, 4 * mm),
        p("Ich,", st["base"]),
        field_table(person, st),
        Spacer(1, 2 * mm),
        p(f"entbinde die Mitarbeiterinnen und Mitarbeiter von {office} gegenüber", st["base"]),
        Spacer(1, 1 * mm),
        Paragraph(f"<b>{escape(org.name)}</b>" + (f"<br/>{escape(org_address)}" if org_address else ""), st["base"]),
        Spacer(1, 2 * mm),
        p("von der Schweigepflicht. Ich bin einverstanden, dass folgende Angaben an diese Stelle "
          "weitergegeben werden und diese Stelle dem Stadtteilbüro zurückmeldet, ob ich angekommen bin "
          "(bitte ankreuzen):", st["base"]),
        Spacer(1, 1.5 * mm),
        *categories,
        Spacer(1, 2 * mm),
        field_table([("Zweck", data.purpose), ("Gültig bis", until)], st),
        p("Ihre Rechte", st["h2"]),
        p("Diese Einwilligung ist freiwillig. Wenn Sie nicht einwilligen, entstehen Ihnen keine Nachteile; "
          "die Vermittlung ist dann ohne Weitergabe Ihrer Daten möglich. Sie können die Einwilligung "
          f"jederzeit ohne Angabe von Gründen ganz oder teilweise widerrufen – mündlich, schriftlich oder "
          f"per E-Mail an {office}" + (f" ({lh.email})" if lh.email else "") + ". Der Widerruf gilt ab dann; "
          "was vorher weitergegeben wurde, bleibt davon unberührt. Sie haben das Recht auf Auskunft über "
          "Ihre gespeicherten Daten, auf Berichtigung und Löschung.", st["base"]),
        p("Rechtsgrundlage: Art. 6 Abs. 1 lit. a und Art. 9 Abs. 2 lit. a DSGVO; § 203 StGB.", st["small"]),
        Spacer(1, 14 * mm),
        field_table([("Ort, Datum", "_" * 34), ("Unterschrift", "_" * 34)], st),
        Spacer(1, 6 * mm),
        p(f"Ein Exemplar erhalten Sie, eines bleibt im Stadtteilbüro. Vermittlung Nr. {data.referral_id}.",
          st["small"]),
    ]
    build(story, target, title=f"Schweigepflichtentbindung Nr. {data.referral_id}",
          footer=f"{office} · Einwilligung zur Vermittlung Nr. {data.referral_id}")

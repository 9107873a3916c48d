"""Ehrenamtsnachweis (A4 PDF): letterhead, "Ehrenamtsnachweis", the volunteer ("Frau"/"Herr"
only when known, else the name alone) and the period, a table of the activities with their
Einsätze and hours, the total, a thank-you, and place/date with the coordinator's signature line.

Takes ``services.activity_docs.CertificateData``, described here by its shape only: exports
never import what reaches the database.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kuemmerer.paths import write_atomically

from .pdf_base import CONTENT_WIDTH, build_numbered, date_de, letterhead_block, p, styles

if TYPE_CHECKING:
    from kuemmerer.services.dto import Letterhead

TITLE = "Ehrenamtsnachweis"
BLUE = colors.HexColor("#0b5394")
LINE = colors.HexColor("#cccccc")


class LineLike(Protocol):
    @property
    def activity(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def first_on(self) -> dt.date: ...
    @property
    def last_on(self) -> dt.date: ...
    @property
    def assignments(self) -> int: ...
    @property
    def hours_text(self) -> str: ...


class CertificateLike(Protocol):
    @property
    def volunteer_id(self) -> int: ...
    @property
    def letterhead(self) -> Letterhead: ...
    @property
    def printed_on(self) -> dt.date: ...
    @property
    def addressed_name(self) -> str: ...
    @property
    def dative_name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def volunteer_since(self) -> dt.date | None: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def lines(self) -> Sequence[LineLike]: ...
    @property
    def assignments(self) -> int: ...
    @property
    def total_hours_text(self) -> str: ...
    @property
    def signer_name(self) -> str: ...
    @property
    def signer_office(self) -> str: ...
    @property
    def place(self) -> str: ...


def certificate_pdf(data: CertificateLike) -> bytes:
    buffer = io.BytesIO()
    write_certificate(data, buffer)
    return buffer.getvalue()


def save_certificate(data: CertificateLike, target: Path) -> None:
    """The PDF under a temporary name beside ``target``, then renamed."""
    write_atomically(certificate_pdf(data), target)


def period_text(data: CertificateLike) -> str:
    return f"{date_de(data.start)} bis {date_de(data.end)}"


def span_text(first: dt.date, last: dt.date) -> str:
    """"12.03.2026", "07.01.–02.12.2026" or "15.11.2025–20.01.2026"."""
    if first == last:
        return date_de(first)
    if first.year == last.year:
        return f"{first:%d.%m.}–{date_de(last)}"
    return f"{date_de(first)}–{date_de(last)}"


def write_certificate(data: CertificateLike, target: Path | BinaryIO) -> None:
    st = styles()
    lh = data.letterhead
    who = f"<b>{escape(data.addressed_name)}</b>"
    if data.address:
        who += f", wohnhaft {escape(data.address)},"
    since = (f" Das Ehrenamt besteht seit dem {date_de(data.volunteer_since)}."
             if data.volunteer_since and data.volunteer_since < data.start else "")
    intro = Paragraph(f"{who} hat sich im Zeitraum vom <b>{period_text(data)}</b> ehrenamtlich im Stadtteil "
                      f"engagiert und bei den folgenden Aktivitäten mitgewirkt.{since}", st["base"])
    count = data.assignments
    total = Paragraph(f"Insgesamt: <b>{count} {'Einsatz' if count == 1 else 'Einsätze'} mit "
                      f"{escape(data.total_hours_text)} Stunden</b> ehrenamtlicher Arbeit.", st["base"])
    story = [
        letterhead_block(lh, st),
        Spacer(1, 12 * mm),
        p(TITLE, st["title"]),
        p(f"über ehrenamtliches Engagement vom {period_text(data)}", st["label"]),
        Spacer(1, 8 * mm),
        intro,
        Spacer(1, 5 * mm),
        _activities(data, st),
        Spacer(1, 4 * mm),
        total,
        Spacer(1, 5 * mm),
        p(f"Wir danken {data.dative_name} herzlich für dieses Engagement, das unsere Nachbarschaft trägt.",
          st["base"]),
        Spacer(1, 16 * mm),
        KeepTogether([_signature(data, st)]),
    ]
    build_numbered(story, target, title=f"{TITLE} Nr. {data.volunteer_id}",
                   footer=f"{lh.office_name or 'Stadtteilbüro'} · {TITLE} · {period_text(data)}")


def _activities(data: CertificateLike, st: dict) -> Table:
    right = st["base"].clone("number", alignment=TA_RIGHT)
    right_label = st["label"].clone("number_label", alignment=TA_RIGHT)
    head = [p("Aktivität", st["label"]), p("Zeitraum", st["label"]), p("Einsätze", right_label),
            p("Stunden", right_label)]
    rows: list[list] = [head]
    for line in data.lines:
        name = f"<b>{escape(line.activity)}</b>" + (f"<br/><font size=8>{escape(line.kind)}</font>" if line.kind else "")
        when = span_text(line.first_on, line.last_on)
        rows.append([Paragraph(name, st["base"]), p(when, st["base"]), Paragraph(str(line.assignments), right),
                     Paragraph(escape(line.hours_text), right)])
    rows.append([Paragraph("<b>Summe</b>", st["base"]), "", Paragraph(f"<b>{data.assignments}</b>", right),
                 Paragraph(f"<b>{escape(data.total_hours_text)}</b>", right)])
    widths = [CONTENT_WIDTH - 42 * mm - 2 * 24 * mm, 42 * mm, 24 * mm, 24 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
        ("LINEBELOW", (0, 1), (-1, -2), 0.3, LINE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, BLUE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _signature(data: CertificateLike, st: dict) -> Table:
    """Left: place and date, filled in, on a line captioned "Ort, Datum". Right: the line she
    signs on, captioned with her name and office."""
    place = ", ".join(x for x in (data.place, date_de(data.printed_on)) if x)
    under = "\n".join(x for x in (data.signer_name, data.signer_office) if x) or "Unterschrift"
    table = Table([[p(place, st["base"]), "", ""], [p("Ort, Datum", st["small"]), "", p(under, st["small"])]],
                  colWidths=[65 * mm, 15 * mm, CONTENT_WIDTH - 80 * mm], rowHeights=[12 * mm, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
        ("LINEBELOW", (0, 0), (0, 0), 0.6, colors.black),
        ("LINEBELOW", (2, 0), (2, 0), 0.6, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 2),
    ]))
    return table

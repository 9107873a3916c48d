"""Auskunft nach Art. 15 DSGVO as an A4 PDF: letterhead, a summary of what is stored, every
record section by section, then purposes, recipients, storage period, origin and rights;
"Seite x von y" on every page.

Takes the ``services.auskunft.Auskunft`` DTO, described here by its shape only: exports
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
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from kuemmerer.paths import write_atomically

from .pdf_base import CONTENT_WIDTH, build_numbered, date_de, field_table, letterhead_block, p, styles

if TYPE_CHECKING:
    from kuemmerer.services.dto import Letterhead


class RowLike(Protocol):
    @property
    def fields(self) -> Sequence[tuple[str, str]]: ...


class SectionLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def rows(self) -> Sequence[RowLike]: ...


class AuskunftLike(Protocol):
    @property
    def person_name(self) -> str: ...
    @property
    def created_on(self) -> dt.date: ...
    @property
    def letterhead(self) -> Letterhead: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def purposes(self) -> Sequence[str]: ...
    @property
    def recipients(self) -> Sequence[str]: ...
    @property
    def retention(self) -> Sequence[str]: ...
    @property
    def origin(self) -> str: ...
    @property
    def rights(self) -> Sequence[str]: ...
    @property
    def automated_decisions(self) -> str: ...


TITLE = "Auskunft nach Art. 15 DSGVO"
NO_RECIPIENTS = "Ihre Daten wurden an niemanden weitergegeben."


def _summary(a: AuskunftLike, st: dict) -> Table:
    data = [[p("Bereich", st["label"]), p("Einträge", st["label"])]]
    data += [[p(s.title, st["base"]), p(str(len(s.rows)), st["base"])] for s in a.sections]
    table = Table(data, colWidths=[CONTENT_WIDTH - 25 * mm, 25 * mm])
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#0b5394")),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _grid(rows: Sequence[RowLike], st: dict) -> Table | None:
    """Short records of the same shape (attendance, tags, meetings) as one table with a head
    row; None if the rows differ or have many fields."""
    labels = [label for label, _ in rows[0].fields]
    if not labels or len(labels) > 3 or any([label for label, _ in r.fields] != labels for r in rows):
        return None
    data = [[p(label, st["label"]) for label in labels]]
    data += [[p(value, st["base"]) for _, value in r.fields] for r in rows]
    first = CONTENT_WIDTH - 45 * mm * (len(labels) - 1)
    table = Table(data, colWidths=[first] + [45 * mm] * (len(labels) - 1), repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#0b5394")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#dddddd")),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _section(title: str, rows: Sequence[RowLike], st: dict) -> list:
    out: list = [CondPageBreak(30 * mm), p(f"{title} ({len(rows)})", st["h2"])]
    grid = _grid(rows, st) if len(rows) > 1 else None
    if grid is not None:
        return [*out, grid]
    for index, row in enumerate(rows):
        table = field_table(list(row.fields) or [("", "(keine Angaben)")], st, label_width=48 * mm)
        if index:
            rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[3 * mm])
            rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.3, colors.HexColor("#bbbbbb"))]))
            out.append(KeepTogether([rule, table]))
        else:
            out.append(table)
    return out


def _texts(title: str, lines: Sequence[str], st: dict) -> list:
    out: list = [CondPageBreak(25 * mm), p(title, st["h2"])]
    if len(lines) == 1:
        return [*out, p(lines[0], st["base"])]
    bullet = ParagraphStyle("bullet", parent=st["base"], leftIndent=10, bulletIndent=0, spaceAfter=2)
    return out + [Paragraph(escape(line), bullet, bulletText="•") for line in lines]


def write_auskunft(a: AuskunftLike, target: Path | BinaryIO) -> None:
    st = styles()
    story: list = [
        letterhead_block(a.letterhead, st),
        Spacer(1, 5 * mm),
        p(TITLE, st["title"]),
        p(f"über die zu Ihrer Person gespeicherten Daten · Stand {date_de(a.created_on)}", st["small"]),
        Spacer(1, 3 * mm),
        field_table([("Für", a.person_name), ("Verantwortlich", a.letterhead.office_name or "Stadtteilbüro")],
                    st, label_width=48 * mm),
        Spacer(1, 2 * mm),
        p("Sie haben gefragt, welche Daten wir über Sie gespeichert haben. Hier finden Sie alle Angaben, "
          "die in unserem Programm zu Ihrer Person gespeichert sind, dazu die Zwecke, die Empfänger, die "
          "Speicherdauer und Ihre Rechte.", st["base"]),
        p("Gespeicherte Daten im Überblick", st["h2"]),
        _summary(a, st),
    ]
    for section in a.sections:
        story += _section(section.title, section.rows, st)
    story += _texts("Zwecke der Verarbeitung", a.purposes, st)
    story += _texts("Empfänger Ihrer Daten", list(a.recipients) or [NO_RECIPIENTS], st)
    story += _texts("Speicherdauer", a.retention, st)
    story += _texts("Herkunft der Daten", [a.origin, a.automated_decisions], st)
    story += _texts("Ihre Rechte", a.rights, st)
    office = a.letterhead.office_name or "Stadtteilbüro"
    build_numbered(story, target, title=TITLE, footer=f"{office} · {TITLE} · Stand {date_de(a.created_on)}")


def save_auskunft_files(folder: Path, stem: str, pdf: bytes, json_text: str) -> tuple[Path, Path]:
    """Write ``stem.pdf`` and ``stem.json`` into ``folder``, each under a temporary name and
    then renamed; both or neither: if the JSON cannot be written, a PDF written just now is
    removed again, and the ``OSError`` goes to the caller."""
    pdf_path, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
    had_pdf = pdf_path.exists()
    write_atomically(pdf, pdf_path)
    try:
        write_atomically(json_text.encode("utf-8"), json_path)
    except BaseException:
        if not had_pdf:
            pdf_path.unlink(missing_ok=True)
        raise
    return pdf_path, json_path


def auskunft_pdf(a: AuskunftLike) -> bytes:
    buffer = io.BytesIO()
    write_auskunft(a, buffer)
    return buffer.getvalue()

"""Teilnehmerliste of an activity session (A4 PDF): letterhead, activity, date, time and
place, then numbered rows Name / Stadtgebiet / Unterschrift — the registered persons first,
then empty rows up to the end of the last page — and at the foot of every page "Gefördert
durch …" (with the letterhead's logo, if it has one).

Every row is as high as a signature needs, so how many fit on a page is known in advance:
the pages are cut here, each with its head, its rows and the funder line at its bottom.

Takes ``services.activity_docs.SignInSheetData``, described here by its shape only: exports
never import what reaches the database.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Image, PageBreak, Paragraph, Spacer, Table, TableStyle

from kuemmerer.domain.availability import DAYS
from kuemmerer.paths import write_atomically

from .pdf_base import CONTENT_WIDTH, FONT, FONT_BOLD, build_numbered, date_de, field_table, letterhead_block, p, styles

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

    from kuemmerer.services.dto import Letterhead

log = logging.getLogger(__name__)

TITLE = "Teilnehmerliste"
ROW_HEIGHT = 9.5 * mm  # room for a signature
HEAD_HEIGHT = 7 * mm
MIN_EMPTY_ROWS = 5  # when the sheet fills itself up: at least this many for walk-ins
# the frame of pdf_base.build_numbered: A4 minus 14 mm top and 18 mm bottom margin, 6 pt padding
FRAME_HEIGHT = A4[1] - 32 * mm - 12
SAFETY = 3 * mm  # what rounding inside platypus may take more than the sums here
LOGO_HEIGHT = 12 * mm
LOGO_MAX_WIDTH = 45 * mm
COLUMNS = (("Nr.", 11 * mm), ("Name", 66 * mm), ("Stadtgebiet", 36 * mm))  # the signature gets the rest
NAME_SIZES = (10, 9, 8, 7.5)
GRID = colors.HexColor("#666666")
BLUE = colors.HexColor("#0b5394")


class PersonLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def district(self) -> str: ...


class SheetLike(Protocol):
    @property
    def session_id(self) -> int: ...
    @property
    def letterhead(self) -> Letterhead: ...
    @property
    def printed_on(self) -> dt.date: ...
    @property
    def activity_name(self) -> str: ...
    @property
    def activity_kind(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def time_text(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def action_field(self) -> str: ...
    @property
    def funder(self) -> str: ...
    @property
    def persons(self) -> Sequence[PersonLike]: ...
    @property
    def empty_rows(self) -> int | None: ...
    @property
    def logo(self) -> bytes | None: ...


def sign_in_sheet_pdf(data: SheetLike) -> bytes:
    buffer = io.BytesIO()
    write_sign_in_sheet(data, buffer)
    return buffer.getvalue()


def save_sign_in_sheet(data: SheetLike, target: Path) -> None:
    """The PDF under a temporary name beside ``target``, then renamed."""
    write_atomically(sign_in_sheet_pdf(data), target)


def write_sign_in_sheet(data: SheetLike, target: Path | BinaryIO) -> None:
    st = styles()
    first_room = _rows_that_fit(_first_head(data, st), _funder_block(data, st))
    later_room = _rows_that_fit(_later_head(data, st), _funder_block(data, st))
    rows = _rows(data, first_room, later_room)

    story: list = []
    start = 0
    page = 0
    while start < len(rows) or page == 0:  # fresh flowables for every page: platypus keeps state in them
        head = _first_head(data, st) if page == 0 else _later_head(data, st)
        foot = _funder_block(data, st)
        room = first_room if page == 0 else later_room
        chunk = rows[start:start + room]
        if page:
            story.append(PageBreak())
        used = _height(head) + HEAD_HEIGHT + len(chunk) * ROW_HEIGHT + _height(foot)
        story += [*head, _table(chunk, start, st), Spacer(1, max(0, FRAME_HEIGHT - used - SAFETY)), *foot]
        start += room
        page += 1
    office = data.letterhead.office_name or "Stadtteilbüro"
    build_numbered(story, target, title=f"{TITLE} {data.activity_name} {date_de(data.date)}",
                   footer=f"{office} · {TITLE} · {data.activity_name} · {date_de(data.date)}")


# --------------------------------------------------------------------------- pieces


def day_text(data: SheetLike) -> str:
    """"Dienstag, 10.03.2026, 15:00–17:00 Uhr"."""
    return ", ".join(x for x in (DAYS[data.date.weekday()], date_de(data.date), data.time_text) if x)


def _first_head(data: SheetLike, st: dict) -> list:
    activity = f"{data.activity_name} ({data.activity_kind})" if data.activity_kind else data.activity_name
    fields: list[tuple[str, object]] = [("Aktivität", activity), ("Datum", day_text(data))]
    if data.location:
        fields.append(("Ort", data.location))
    if data.action_field:
        fields.append(("Handlungsfeld", data.action_field))
    return [
        letterhead_block(data.letterhead, st),
        Spacer(1, 4 * mm),
        p(TITLE, st["title"]),
        Spacer(1, 1 * mm),
        field_table(fields, st, label_width=32 * mm),
        Spacer(1, 2 * mm),
        p("Mit Ihrer Unterschrift bestätigen Sie Ihre Teilnahme. Die Liste dient nur dem Nachweis der "
          "Teilnahme und wird im Stadtteilbüro aufbewahrt.", st["small"]),
        Spacer(1, 3 * mm),
    ]


def _later_head(data: SheetLike, st: dict) -> list:
    return [
        Paragraph(f"<b>{TITLE}</b> · {escape(data.activity_name)} · {escape(day_text(data))} (Fortsetzung)",
                  st["base"]),
        Spacer(1, 3 * mm),
    ]


def _funder_block(data: SheetLike, st: dict) -> list:
    """"Gefördert durch …" and the letterhead's logo, or nothing when there is neither."""
    logo = _logo(data.logo)
    if not data.funder and logo is None:
        return []
    text = p(f"Gefördert durch {data.funder}" if data.funder else "", st["base"])
    if logo is None:
        cells, widths = [[text]], [CONTENT_WIDTH]
    else:
        cells, widths = [[text, logo]], [CONTENT_WIDTH - LOGO_MAX_WIDTH, LOGO_MAX_WIDTH]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (-1, 0), (-1, 0), "RIGHT" if logo is not None else "LEFT"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, BLUE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [table]


def _logo(content: bytes | None) -> Image | None:
    """The logo scaled to the funder line; an unreadable image is left out, never an error."""
    if not content:
        return None
    try:
        from reportlab.lib.utils import ImageReader

        width, height = ImageReader(io.BytesIO(content)).getSize()
        scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
        return Image(io.BytesIO(content), width=width * scale, height=height * scale)
    except Exception:  # noqa: BLE001 -- any image the reader cannot decode: print without it
        log.info("letterhead logo could not be read as an image")
        return None


def _height(flowables: list) -> float:
    total = 0.0
    for f in flowables:
        _w, h = f.wrap(CONTENT_WIDTH, FRAME_HEIGHT)
        total += h + f.getSpaceAfter() + f.getSpaceBefore()
    return total


def _rows_that_fit(head: list, foot: list) -> int:
    return max(1, int((FRAME_HEIGHT - SAFETY - _height(head) - _height(foot) - HEAD_HEIGHT) // ROW_HEIGHT))


def _rows(data: SheetLike, first_room: int, later_room: int) -> list[tuple[str, str]]:
    """The registered persons, then the empty rows: as many as asked for, or (none asked for)
    at least MIN_EMPTY_ROWS and then up to the end of the last page."""
    filled = [(person.name, person.district) for person in data.persons]
    if data.empty_rows is not None:
        return filled + [("", "")] * data.empty_rows
    wanted = len(filled) + MIN_EMPTY_ROWS
    capacity = first_room
    while capacity < wanted:
        capacity += later_room
    return filled + [("", "")] * (capacity - len(filled))


def _fitted(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """One line in ``width``: a smaller size for a long name, then cut with "…"."""
    from reportlab.lib.styles import ParagraphStyle

    for size in NAME_SIZES:
        if stringWidth(text, FONT, size) <= width:
            break
    else:
        while text and stringWidth(text + "…", FONT, size) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    return Paragraph(escape(text), ParagraphStyle(f"fit{size}", parent=style, fontSize=size, leading=size * 1.2))


def _table(rows: list[tuple[str, str]], offset: int, st: dict) -> Table:
    widths = [w for _, w in COLUMNS] + [CONTENT_WIDTH - sum(w for _, w in COLUMNS)]
    head = [label for label, _ in COLUMNS] + ["Unterschrift"]
    data: list[list] = [head]
    for i, (name, district) in enumerate(rows, offset + 1):
        data.append([str(i), _fitted(name, st["base"], widths[1] - 8) if name else "",
                     _fitted(district, st["base"], widths[2] - 8) if district else "", ""])
    table = Table(data, colWidths=widths, rowHeights=[HEAD_HEIGHT] + [ROW_HEIGHT] * len(rows))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5),
        ("FONT", (0, 1), (0, -1), FONT, 9),
        ("TEXTCOLOR", (0, 1), (0, -1), colors.HexColor("#444444")),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("GRID", (0, 0), (-1, -1), 0.8, GRID),  # thin lines vanish in a scaled-down preview
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table

"""Shared PDF pieces: embedded fonts (names from every language print), styles, letterhead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

if TYPE_CHECKING:  # the data classes come with the data: the PDF path imports only reportlab
    from kuemmerer.services.dto import Letterhead

FONT_DIR = Path(__file__).with_name("fonts")
FONT, FONT_BOLD = "KuemmererSans", "KuemmererSans-Bold"
CONTENT_WIDTH = 175 * mm - 12  # A4 minus margins minus the frame's 6 pt padding on each side


def register_fonts() -> None:
    """DejaVu Sans is embedded: ő, ł, ç, ş, ğ and Vietnamese letters print (Helvetica would not)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#333333")),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8,
                             spaceAfter=4),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#444444")),
        "right": ParagraphStyle("right", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "office": ParagraphStyle("office", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15),
    }


def p(text: str | None, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def date_de(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def letterhead_block(lh: Letterhead, st: dict) -> Table:
    left = [Paragraph(escape(lh.office_name or "Stadtteilbüro"), st["office"])]
    if lh.organisation:
        left.append(p(lh.organisation, st["small"]))
    contact = [x for x in (lh.street, lh.postcode_city) if x]
    reach = [x for x in (f"Tel. {lh.phone}" if lh.phone else "", lh.email) if x]
    right = [p(" · ".join(contact), st["right"]), p(" · ".join(reach), st["right"])]
    if lh.office_hours:
        right.append(p(f"Sprechzeiten: {lh.office_hours}", st["right"]))
    table = Table([[left, right]], colWidths=[95 * mm, CONTENT_WIDTH - 95 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#0b5394")),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def field_table(rows: Sequence[tuple[str, object]], st: dict, label_width: float = 38 * mm) -> Table:
    """Label/value rows; values may be strings or flowables."""
    data = [[p(label, st["label"]), value if not isinstance(value, str) else p(value, st["base"])]
            for label, value in rows]
    table = Table(data, colWidths=[label_width, CONTENT_WIDTH - label_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def build(story: list, target: Path | BinaryIO, *, title: str, footer: str) -> None:
    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Seite {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(target) if isinstance(target, Path) else target, pagesize=A4,
                            leftMargin=18 * mm, rightMargin=17 * mm, topMargin=14 * mm, bottomMargin=18 * mm,
                            title=title, author="Kümmerer", creator="Kümmerer")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def _numbered_canvas(footer: str) -> type:
    """A canvas that holds its pages back until the end, then stamps each with the footer
    and "Seite x von y" (the number of pages is known only then)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 -- reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(18 * mm, 10 * mm, footer)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Seite {number} von {total}")
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_numbered(story: list, target: Path | BinaryIO, *, title: str, footer: str,
                   on_page=None) -> None:
    """Like ``build``, with "Seite x von y" on every page (two passes over the pages)."""
    register_fonts()
    doc = SimpleDocTemplate(str(target) if isinstance(target, Path) else target, pagesize=A4,
                            leftMargin=18 * mm, rightMargin=17 * mm, topMargin=14 * mm, bottomMargin=18 * mm,
                            title=title, author="Kümmerer", creator="Kümmerer")
    kwargs = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
    doc.build(story, canvasmaker=_numbered_canvas(footer), **kwargs)

"""Das Handbuch als PDF (A4, zum Ausdrucken und neben dem Installationsprogramm): the same
chapters as the window, from the blocks of ``kuemmerer.handbook``, in the house style of
``pdf_base`` (DejaVu Sans, the blue rule), with a table of contents, PDF bookmarks and links."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Image as PdfImage
from reportlab.platypus.tableofcontents import TableOfContents

from kuemmerer import __version__, handbook

from .pdf_base import CONTENT_WIDTH, FONT, FONT_BOLD, styles

BLUE = colors.HexColor("#0b5394")
# the widest screenshot (900 px, her window scaled) fills the width of the text; smaller ones
# (dialogs) keep their proportion to it
PX = CONTENT_WIDTH / 900


def handbook_pdf() -> bytes:
    """The handbook as PDF bytes."""
    out = io.BytesIO()
    write_handbook(out)
    return out.getvalue()


class _HandbookDoc(SimpleDocTemplate):
    """Headings become entries of the table of contents and PDF bookmarks."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 -- reportlab's name
        entry = getattr(flowable, "toc_entry", None)
        if entry is None:
            return
        level, text, key = entry
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))


def _styles() -> dict[str, ParagraphStyle]:
    st = styles()
    base = st["base"]
    return {
        **st,
        "body": ParagraphStyle("hb-body", parent=base, spaceAfter=5, allowWidows=0),
        "item": ParagraphStyle("hb-item", parent=base, spaceAfter=2),
        "h1": ParagraphStyle("hb-h1", parent=st["title"], fontSize=18, leading=23, spaceAfter=8, textColor=BLUE,
                             keepWithNext=1),
        "h2": ParagraphStyle("hb-h2", parent=st["h2"], fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "caption": ParagraphStyle("hb-caption", parent=st["small"], spaceBefore=3, spaceAfter=8),
        "cover": ParagraphStyle("hb-cover", parent=st["title"], fontSize=30, leading=36, textColor=BLUE),
        "cover-sub": ParagraphStyle("hb-cover-sub", parent=base, fontSize=13, leading=18),
        "toc0": ParagraphStyle("hb-toc0", parent=base, fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=5),
        "toc1": ParagraphStyle("hb-toc1", parent=base, fontSize=9.5, leading=12.5, leftIndent=14),
    }


def _inline(text: str) -> str:
    """The handbook's inline markup as reportlab paragraph markup (shared with the window)."""
    return handbook.inline(
        text,
        code=lambda s: f'<font backColor="#eeeeee">{s}</font>',
        link=lambda label, anchor: f'<a href="#{anchor}" color="#0b5394"><u>{label}</u></a>')


def _heading(block: handbook.Heading, st: dict[str, ParagraphStyle]) -> Paragraph:
    para = Paragraph(f'<a name="{block.anchor}"/>{_inline(block.text)}', st["h1" if block.level == 1 else "h2"])
    para.toc_entry = (block.level - 1, handbook.plain(block.text), f"toc-{block.anchor}")
    return para


def _image(block: handbook.Image, st: dict[str, ParagraphStyle]) -> Flowable:
    width, height = handbook.image_size(block.file)
    scale = min(PX, CONTENT_WIDTH / width)
    picture = PdfImage(str(handbook.image_path(block.file)), width=width * scale, height=height * scale)
    picture.hAlign = "LEFT"
    framed = Table([[picture]], colWidths=[width * scale + 2])
    framed.hAlign = "LEFT"
    framed.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    parts: list[Flowable] = [Spacer(1, 3), framed]
    if block.caption:
        parts.append(Paragraph(_inline(block.caption), st["caption"]))
    return KeepTogether(parts)


def _note(block: handbook.Note, st: dict[str, ParagraphStyle]) -> Table:
    back, border = handbook.NOTE_COLORS
    box = Table([[Paragraph(_inline(block.text), st["base"])]], colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(back)),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(border)),
        ("LEFTPADDING", (0, 0), (-1, -1), 7), ("RIGHTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return box


def _list(block: handbook.ListBlock, st: dict[str, ParagraphStyle]) -> ListFlowable:
    items = [ListItem(Paragraph(_inline(text), st["item"])) for text in block.items]
    if block.ordered:
        return ListFlowable(items, bulletType="1", bulletFormat="%s.", bulletFontName=FONT, bulletFontSize=10,
                            leftIndent=16, spaceAfter=5)
    return ListFlowable(items, bulletType="bullet", start="•", bulletFontName=FONT, bulletFontSize=10,
                        leftIndent=14, spaceAfter=5)


def _story(st: dict[str, ParagraphStyle]) -> list[Flowable]:
    toc = TableOfContents()
    toc.levelStyles = [st["toc0"], st["toc1"]]
    toc.dotsMinLevel = 0
    story: list[Flowable] = [
        Spacer(1, 45 * mm),
        Paragraph("Kümmerer", st["cover"]),
        Spacer(1, 4 * mm),
        Paragraph("Handbuch für die Gemeinwesenkoordination im Stadtteilbüro", st["cover-sub"]),
        Spacer(1, 2 * mm),
        Paragraph(f"Version {__version__}", st["small"]),
        PageBreak(),
        Paragraph("Inhalt", st["h1"]),
        toc,
    ]
    for chapter in handbook.chapters():
        story.append(PageBreak())
        for block in chapter.blocks:
            if isinstance(block, handbook.Heading):
                story.append(_heading(block, st))
            elif isinstance(block, handbook.Paragraph):
                story.append(Paragraph(_inline(block.text), st["body"]))
            elif isinstance(block, handbook.ListBlock):
                story.append(_list(block, st))
            elif isinstance(block, handbook.Note):
                story += [Spacer(1, 2), _note(block, st), Spacer(1, 6)]
            else:
                story.append(_image(block, st))
    return story


def write_handbook(target: Path | BinaryIO) -> None:
    st = _styles()
    footer = f"Kümmerer – Handbuch · Version {__version__}"

    def on_page(canvas, doc) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Seite {doc.page}")
        canvas.restoreState()

    doc = _HandbookDoc(str(target) if isinstance(target, Path) else target, pagesize=A4,
                       leftMargin=18 * mm, rightMargin=17 * mm, topMargin=14 * mm, bottomMargin=18 * mm,
                       title=handbook.TITLE, author="Kümmerer", creator="Kümmerer", lang="de-DE")
    doc.multiBuild(_story(st), onFirstPage=on_page, onLaterPages=on_page)


def main(argv: list[str] | None = None) -> int:
    """``python -m kuemmerer.exports.handbook_pdf ZIEL.pdf``: the PDF next to the installer."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].lower().endswith(".pdf"):
        print("Aufruf: python -m kuemmerer.exports.handbook_pdf ZIEL.pdf", file=sys.stderr)
        return 2
    target = Path(args[0])
    try:
        target.write_bytes(handbook_pdf())
    except OSError:
        print(f"Das Handbuch konnte nicht nach {target} geschrieben werden: gibt es den Ordner, und darf "
              "man dort schreiben?", file=sys.stderr)
        return 2
    print(f"Handbuch geschrieben: {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

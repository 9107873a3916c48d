"""Sachbericht (A4 PDF) for funders: letterhead, period, where the figures come from, key
figures, a table and a bar chart per breakdown, her text per Handlungsfeld, "Seite x von y".

Data in (``services.reports.SachberichtData``, taken as plain attributes: exports may not
reach the database, and that module does), PDF bytes out. Figures only: no names.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from .pdf_base import CONTENT_WIDTH, FONT, FONT_BOLD, build_numbered, date_de, letterhead_block, p, styles

BLUE = colors.HexColor("#0b5394")
LIGHT = colors.HexColor("#e8eef6")
GRID = colors.HexColor("#c9d3df")
TABLE_WIDTH = 72 * mm
ROW_HEIGHT = 12.5  # points per row in tables and charts


def _figure_rows(rows, st: dict, header: tuple[str, str] | None, total: str | None) -> Table:
    data: list[list[Any]] = []
    if header:
        data.append([p(header[0], st["th"]), p(header[1], st["th_num"])])
    data += [[p(r.label, st["cell"]), p(r.shown, st["num"])] for r in rows]
    if total is not None:
        data.append([p("Summe", st["cell_bold"]), p(total, st["num_bold"])])
    table = Table(data, colWidths=[TABLE_WIDTH - 18 * mm, 18 * mm], rowHeights=ROW_HEIGHT, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), LIGHT), ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE)]
    if total is not None:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    table.setStyle(TableStyle(style))
    return table


def bar_chart(labels: list[str], values: list[int | None], shown: list[str], width: float) -> Drawing:
    """Horizontal bars in the order of the table (top to bottom); hidden values draw no bar
    but carry their mark ("<5", "•") as the label."""
    n = max(len(labels), 1)
    height = n * ROW_HEIGHT + 6
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 0, 3
    chart.width, chart.height = width - 28, n * ROW_HEIGHT
    chart.data = [[v or 0 for v in reversed(values)] or [0]]
    chart.categoryAxis.categoryNames = [""] * n  # the table beside the chart names the rows
    chart.categoryAxis.visible = False
    chart.valueAxis.visible = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([v or 0 for v in values] + [1])
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.barWidth = 7
    chart.groupSpacing = 4
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(reversed(shown)) or [""]]
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _breakdown(table, st: dict) -> KeepTogether:
    rows = table.rows
    figures = _figure_rows(rows, st, (table.header, "Anzahl"), table.total)
    chart_width = CONTENT_WIDTH - TABLE_WIDTH - 8 * mm
    chart = bar_chart([r.label for r in rows], [r.value for r in rows], [r.shown for r in rows], chart_width)
    # the chart's bars line up with the table's rows: a spacer as high as the header row
    side = Table([[figures, [Spacer(1, ROW_HEIGHT - 2), chart]]],
                 colWidths=[TABLE_WIDTH + 8 * mm, chart_width])
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([p(table.title, st["h2"]), side])


def _styles() -> dict:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    cell = ParagraphStyle("cell", parent=st["base"], fontSize=8.5, leading=10.5)
    st.update({
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
        "num_bold": ParagraphStyle("num_bold", parent=cell, fontName=FONT_BOLD, alignment=TA_RIGHT),
        "th": ParagraphStyle("th", parent=cell, fontName=FONT_BOLD),
        "th_num": ParagraphStyle("th_num", parent=cell, fontName=FONT_BOLD, alignment=TA_RIGHT),
        "h3": ParagraphStyle("h3", parent=st["base"], fontName=FONT_BOLD, fontSize=10.5, leading=14,
                             spaceBefore=6, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=st["base"], fontSize=12, leading=16),
    })
    return st


def _key_figures(data, st: dict) -> Table:
    rows = [[p(r.label, st["cell"]), p(r.shown, st["num_bold"])] for r in data.key_figures]
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    right += [["", ""]] * (len(left) - len(right))
    grid = [[*a, "", *b] for a, b in zip(left, right, strict=True)]
    col = (CONTENT_WIDTH - 6 * mm) / 2
    table = Table(grid, colWidths=[col - 16 * mm, 16 * mm, 6 * mm, col - 16 * mm, 16 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (1, -1), 0.3, GRID), ("LINEBELOW", (3, 0), (4, len(data.key_figures) - half - 1), 0.3, GRID),
    ]))
    return table


def _source(data, st: dict) -> Table:
    box = Table([[[p("Herkunft der Zahlen", st["cell_bold"]), p(data.source_note, st["cell"]), Spacer(1, 2),
                   p(data.suppression_note, st["cell"])]]], colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), LIGHT), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return box


def story(data) -> list:
    """The flowables of the Sachbericht for ``data`` (a ``SachberichtData``)."""
    st = _styles()
    out: list = [
        letterhead_block(data.letterhead, st),
        Spacer(1, 6 * mm),
        p("Sachbericht", st["title"]),
        p(f"Berichtszeitraum: {data.period_label}" + (f" ({data.period_range})"
                                                     if data.period_range != data.period_label else ""),
          st["subtitle"]),
        p(f"Erstellt am {date_de(data.generated_on)}", st["small"]),
        Spacer(1, 4 * mm),
        _source(data, st),
        p("Kennzahlen", st["h2"]),
        _key_figures(data, st),
        Spacer(1, 1.5 * mm),
        p(data.key_figures_note, st["small"]),
    ]
    out += [_breakdown(t, st) for t in data.tables]
    if data.sections:
        out.append(p("Handlungsfelder", st["h2"]))
        for name, text in data.sections:
            out.append(KeepTogether([p(name, st["h3"]), p(text, st["base"])]))
    return out


def write_sachbericht(data, target: Path | BinaryIO) -> None:
    build_numbered(story(data), target, title=data.title, footer=data.footer)


def sachbericht_pdf(data) -> bytes:
    """The Sachbericht as PDF bytes (what is printed, saved and archived)."""
    buffer = io.BytesIO()
    write_sachbericht(data, buffer)
    return buffer.getvalue()

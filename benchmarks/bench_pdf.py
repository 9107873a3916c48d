"""Speed of the PDF Sachbericht: ``exports.sachbericht.sachbericht_pdf`` against raw reportlab
drawing the same content (the same paragraphs, tables and bar charts built directly, a plain
one-pass "Seite x" footer), in the same run.

    .venv/bin/python benchmarks/bench_pdf.py [--rows 40] [--sections 12] [--paragraphs 6]
        [--repeat 5] [--max-ratio 1.5]

``--rows``: rows of each of the six breakdowns; ``--sections``: Handlungsfelder, each with
``--paragraphs`` paragraphs of text. Both sides get the same synthetic figures (no database:
this measures the drawing). Prints the medians and their ratio; exits 1 if the ratio is
above ``--max-ratio``.

Encryption on vs off (issue 11) does not apply here: nothing is read from the database (the
figures of a Sachbericht come from ``statistics.compute``, compared in ``bench_stats.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics as pystats
import sys
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kuemmerer.services import reports
from kuemmerer.services.dto import Letterhead

WORDS = ["Nachbarschaft", "Sprechstunde", "Beratung", "Ehrenamt", "Stadtteilrunde", "Familien", "Schulden",
         "Wohnung", "Treffpunkt", "Angebot", "Vermittlung", "Quartier", "Frühjahrsputz", "Spieleabend", "Café",
         "international", "Netzwerk", "Jobcenter"]


def sample_data(rows: int = 40, sections: int = 12, paragraphs: int = 6, seed: int = 1,
                suppress_below: int = 5) -> reports.SachberichtData:
    rnd = random.Random(seed)
    tables = []
    for title, header, _key in reports.TABLES:
        values = {f"{header} {i + 1}": rnd.choice([0, 1, 3, 7, 12, 25, 80, 140]) for i in range(rows)}
        tables.append(reports.figure_table(title, header, values, suppress_below))
    keys = tuple(reports.TableRow(f"Kennzahl {i + 1}", reports.number_de(v), v)
                 for i, v in enumerate(rnd.randint(5, 3000) for _ in range(13)))
    texts = tuple((f"Handlungsfeld {i + 1}",
                   "\n\n".join(" ".join(rnd.choice(WORDS) for _ in range(70)) for _ in range(paragraphs)))
                  for i in range(sections))
    return reports.SachberichtData(
        letterhead=Letterhead(office_name="Stadtteilbüro Beispiel", organisation="Träger e. V.",
                              street="Ahornweg 1", postcode_city="09999 Ort", phone="030 23125-100",
                              email="buero@example.org", office_hours="Di 9–12 Uhr"),
        period_label="2025", period_range="01.01.2025 – 31.12.2025",
        source_note="Aus den aktuellen Daten berechnet (das Jahr ist nicht eingefroren).",
        key_figures=keys, tables=tuple(tables), sections=texts, suppress_below=suppress_below,
        suppression_note=reports.suppression_note(suppress_below), generated_on=dt.date(2026, 1, 15))


def raw_reportlab(data: reports.SachberichtData) -> bytes:
    """The same content, built directly with reportlab (no shared helpers of the app)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from kuemmerer.exports.pdf_base import FONT, FONT_BOLD, register_fonts

    register_fonts()
    base = ParagraphStyle("b", fontName=FONT, fontSize=10, leading=13.5)
    cell = ParagraphStyle("c", parent=base, fontSize=8.5, leading=10.5)
    num = ParagraphStyle("n", parent=cell, alignment=TA_RIGHT)
    bold = ParagraphStyle("bo", parent=cell, fontName=FONT_BOLD)
    h1 = ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20)
    h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8)
    width = 175 * mm - 12

    def para(text, style):
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    lh = data.letterhead
    story: list = [
        Table([[para(lh.office_name, bold), para(f"{lh.street} · {lh.postcode_city}", num)]]),
        Spacer(1, 6 * mm), para("Sachbericht", h1), para(f"Berichtszeitraum: {data.period_label}", base),
        para(data.source_note, cell), para(data.suppression_note, cell), para("Kennzahlen", h2),
        Table([[para(r.label, cell), para(r.shown, num)] for r in data.key_figures]),
    ]
    for t in data.tables:
        rows = [[para(t.header, bold), para("Anzahl", num)]]
        rows += [[para(r.label, cell), para(r.shown, num)] for r in t.rows] + [[para("Summe", bold), para(t.total, num)]]
        table = Table(rows, colWidths=[54 * mm, 18 * mm], rowHeights=12.5)
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey)]))
        drawing = Drawing(width - 80 * mm, len(t.rows) * 12.5 + 6)
        chart = HorizontalBarChart()
        chart.width, chart.height = width - 108 * mm, len(t.rows) * 12.5
        chart.data = [[r.value or 0 for r in reversed(t.rows)]]
        chart.categoryAxis.visible = chart.valueAxis.visible = False
        chart.valueAxis.valueMin = 0
        chart.barLabelFormat = "values"
        chart.barLabelArray = [[r.shown for r in reversed(t.rows)]]
        chart.barLabels.fontName = FONT
        drawing.add(chart)
        story += [para(t.title, h2), Table([[table, drawing]], colWidths=[80 * mm, width - 80 * mm])]
    story.append(para("Handlungsfelder", h2))
    for name, text in data.sections:
        story += [para(name, bold), para(text, base)]

    def footer(canvas, doc):
        canvas.setFont(FONT, 7.5)
        canvas.drawString(18 * mm, 10 * mm, data.footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Seite {doc.page}")

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=17 * mm, topMargin=14 * mm,
                      bottomMargin=18 * mm).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _median_ms(fn, data, repeat: int) -> tuple[float, bytes]:
    times, pdf = [], b""
    for _ in range(repeat):
        t0 = time.perf_counter()
        pdf = fn(data)
        times.append((time.perf_counter() - t0) * 1000)
    return pystats.median(times), pdf


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def run(rows: int = 40, sections: int = 12, paragraphs: int = 6, repeat: int = 5) -> dict:
    from kuemmerer.exports.sachbericht import sachbericht_pdf

    data = sample_data(rows, sections, paragraphs)
    sachbericht_pdf(data), raw_reportlab(data)  # warm up: fonts, imports
    app_ms, app_pdf = _median_ms(sachbericht_pdf, data, repeat)
    raw_ms, raw_pdf = _median_ms(raw_reportlab, data, repeat)
    return {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms if raw_ms else 0.0,
            "app_pages": _pages(app_pdf), "raw_pages": _pages(raw_pdf)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--sections", type=int, default=12)
    ap.add_argument("--paragraphs", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--max-ratio", type=float, default=1.5)
    args = ap.parse_args(argv)
    r = run(args.rows, args.sections, args.paragraphs, args.repeat)
    print(f"Sachbericht: {r['app_ms']:.1f} ms ({r['app_pages']} Seiten) · reportlab direkt: "
          f"{r['raw_ms']:.1f} ms ({r['raw_pages']} Seiten) · Verhältnis {r['ratio']:.2f} "
          f"(höchstens {args.max_ratio})")
    return 0 if r["ratio"] <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())

"""Einladung and Protokoll of a network meeting (A4 PDF, German, with the letterhead).

Einladung: network, date, time and place, her note, the Tagesordnung (TOP 1, 2 …), the
"Offene Aufgaben" from earlier meetings as their own block (Aufgabe / verantwortlich / bis /
aus der Sitzung vom), and who is invited.

Protokoll: network, date, time and place, the participants (anwesend / entschuldigt), each
Tagesordnungspunkt with its minutes and its decision (bold, in a box), the general minutes,
the action items of this meeting as a table Aufgabe / verantwortlich / bis, and the
carried-over items with their state. Every page has "Seite x von y".

Long texts split across pages: minutes and decisions are paragraphs (a box drawn by the
paragraph style, not a table cell, so a long decision may run onto the next page); only the
short cells of the task tables are table rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from .pdf_base import CONTENT_WIDTH, FONT, FONT_BOLD, build_numbered, date_de, field_table, letterhead_block, p, styles

if TYPE_CHECKING:
    from kuemmerer.services.network_dto import DocActionItem, InvitationData, MeetingHead, MinutesData

BLUE = colors.HexColor("#0b5394")
LIGHT = colors.HexColor("#eef3f9")
GRID = colors.HexColor("#c9d3df")
FOOTER_SIZE = 7.5  # as pdf_base draws the footer
TOP_WIDTH = 19 * mm  # "TOP 999" in bold fits on one line


def _styles() -> dict[str, ParagraphStyle]:
    st = styles()
    base = st["base"]
    st["subtitle"] = ParagraphStyle("subtitle", parent=base, fontSize=12, leading=15, textColor=BLUE, spaceAfter=2)
    st["h2"] = ParagraphStyle("h2k", parent=st["h2"], textColor=BLUE, spaceBefore=10)
    st["top"] = ParagraphStyle("top", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14)
    st["text"] = ParagraphStyle("text", parent=base, leftIndent=TOP_WIDTH, spaceAfter=3)
    st["decision"] = ParagraphStyle("decision", parent=base, fontName=FONT_BOLD, leftIndent=TOP_WIDTH + 4,
                                    rightIndent=4, spaceBefore=4, spaceAfter=6, backColor=LIGHT,
                                    borderColor=BLUE, borderWidth=0.8, borderPadding=(4, 4, 4, 4))
    st["cell"] = ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5)
    st["cell_head"] = ParagraphStyle("cell_head", parent=st["cell"], fontName=FONT_BOLD)
    st["text_empty"] = ParagraphStyle("text_empty", parent=st["text"], textColor=colors.HexColor("#555555"))
    st["empty"] = ParagraphStyle("empty", parent=base, textColor=colors.HexColor("#555555"))
    return st


# --------------------------------------------------------------------------- pieces


def _head(title: str, meeting: MeetingHead, st: dict, printed: str = "") -> list:
    # "Gewerbestammtisch Kappel", not "Gewerbestammtisch Kappel (Gewerbestammtisch)"
    named = meeting.network_kind and meeting.network_kind.casefold() in meeting.network_name.casefold()
    kind = f" ({meeting.network_kind})" if meeting.network_kind and not named else ""
    rows: list[tuple[str, object]] = [("Termin", Paragraph(f"<b>{escape(meeting.when_text)}</b>", st["base"])),
                                      ("Ort", meeting.location or "wird noch bekannt gegeben")]
    if meeting.rhythm:
        rows.append(("Turnus", meeting.rhythm))
    if printed:
        rows.append(("Erstellt am", printed))
    return [
        Spacer(1, 5 * mm),
        p(title, st["title"]),
        p(f"{meeting.network_name}{kind}", st["subtitle"]),
        Spacer(1, 2 * mm),
        field_table(rows, st, label_width=26 * mm),
    ]


def _heading(text: str, st: dict) -> list:
    """A section heading that never ends a page alone: at least a few lines of room below it
    (a table after it may still run onto the next page, with its header repeated)."""
    return [CondPageBreak(40 * mm), p(text, st["h2"])]


def _cell(text: str, st: dict, style: str = "cell") -> Paragraph:
    return p(text, st[style])


def _task_table(header: Sequence[str], widths: Sequence[float], rows: list[list], st: dict) -> Table:
    data = [[_cell(h, st, "cell_head") for h in header], *rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _due(item: DocActionItem) -> str:
    return date_de(item.due_on) or "–"


def _owner(item: DocActionItem) -> str:
    return item.owner or "nicht festgelegt"


def _open_items_table(items: Sequence[DocActionItem], st: dict, with_state: bool) -> Table:
    """Aufgabe (with the day it was agreed) / verantwortlich / bis [/ Stand]."""
    rows = []
    for item in items:
        agreed = f"<br/><font size=7.5 color='#555555'>aus der Sitzung vom {date_de(item.agreed_on)}</font>" \
            if item.agreed_on else ""
        row = [Paragraph(escape(item.title) + agreed, st["cell"]), _cell(_owner(item), st), _cell(_due(item), st)]
        if with_state:
            row.append(_cell(item.state, st))
        rows.append(row)
    if with_state:
        widths = [CONTENT_WIDTH - 48 * mm - 22 * mm - 36 * mm, 48 * mm, 22 * mm, 36 * mm]
        return _task_table(("Aufgabe", "verantwortlich", "bis", "Stand"), widths, rows, st)
    widths = [CONTENT_WIDTH - 55 * mm - 24 * mm, 55 * mm, 24 * mm]
    return _task_table(("Aufgabe", "verantwortlich", "bis"), widths, rows, st)


def _build(story: list, title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    build_numbered(story, buffer, title=title, footer=footer)
    return buffer.getvalue()


def _footer(office: str, what: str, day: str) -> str:
    """"Stadtteilbüro · Protokoll Stadtteilrunde Kappel am 07.04.2026", shortened with "…" to
    leave room for "Seite x von y" beside it."""
    room = CONTENT_WIDTH - 30 * mm
    office = _shorten(office, room / 2)
    tail = f" am {day}"
    what = _shorten(what, room - _width(f"{office} · {tail}" if office else tail))
    return " · ".join(x for x in (office, what + tail) if x)


def _width(text: str) -> float:
    return stringWidth(text, FONT, FOOTER_SIZE)


def _shorten(text: str, room: float) -> str:
    while len(text) > 1 and _width(text) > room:
        text = text[:-2].rstrip() + "…"
    return text


# --------------------------------------------------------------------------- Einladung


def invitation_pdf(data: InvitationData) -> bytes:
    st = _styles()
    m = data.meeting
    story: list = [letterhead_block(data.letterhead, st), *_head("Einladung", m, st)]
    if data.note:
        story += [Spacer(1, 3 * mm), p(data.note, st["base"])]

    story += _heading("Tagesordnung", st)
    if data.agenda:
        story.extend(_top_row(item.number, item.title, st, heading=False) for item in data.agenda)
    else:
        story.append(p("Die Tagesordnung folgt.", st["empty"]))

    story += _heading("Offene Aufgaben aus früheren Sitzungen", st)
    if data.open_items:
        story.append(_open_items_table(data.open_items, st, with_state=False))
    else:
        story.append(p("Keine offenen Aufgaben.", st["empty"]))

    if data.invited:
        story += _heading("Eingeladen", st)
        story.append(_names_table([f"{i.name} ({i.role})" if i.role else i.name for i in data.invited], st))

    lh = data.letterhead
    reach = " oder ".join(x for x in (f"Tel. {lh.phone}" if lh.phone else "", lh.email) if x)
    story += [Spacer(1, 6 * mm),
              p("Wir freuen uns auf Ihre Teilnahme. Wenn Sie verhindert sind, sagen Sie bitte kurz ab"
                + (f" ({reach})." if reach else "."), st["base"])]
    return _build(story, data.title, _footer(lh.office_name, f"Einladung {m.network_name}", date_de(m.date)))


def _top_row(number: int, title: str, st: dict, *, heading: bool) -> Table:
    """"TOP 3" with the title beside it (a title wraps under itself, not under "TOP")."""
    style = st["top"] if heading else st["base"]
    table = Table([[p(f"TOP {number}", st["top"] if heading else st["label"]), p(title, style)]],
                  colWidths=[TOP_WIDTH, CONTENT_WIDTH - TOP_WIDTH])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 4 if heading else 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def _names_table(names: Sequence[str], st: dict) -> Table:
    """Names in two columns (down the first, then the second)."""
    half = (len(names) + 1) // 2
    left, right = list(names[:half]), list(names[half:])
    right += [""] * (len(left) - len(right))
    table = Table([[_cell(a, st, "base"), _cell(b, st, "base")] for a, b in zip(left, right, strict=True)],
                  colWidths=[CONTENT_WIDTH / 2, CONTENT_WIDTH / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


# --------------------------------------------------------------------------- Protokoll


def minutes_pdf(data: MinutesData) -> bytes:
    st = _styles()
    m = data.meeting
    story: list = [letterhead_block(data.letterhead, st), *_head("Protokoll", m, st, date_de(data.printed_on))]

    story += _heading("Teilnehmende", st)
    story.append(_who("Anwesend", data.present, st))
    story.append(_who("Entschuldigt", data.excused, st))

    story += _heading("Tagesordnung und Ergebnisse", st)
    if not data.agenda:
        story.append(p("Keine Tagesordnungspunkte erfasst.", st["empty"]))
    for item in data.agenda:
        story.append(CondPageBreak(30 * mm))  # a TOP does not start in the last lines of a page
        story.append(_top_row(item.number, item.title, st, heading=True))
        if item.minutes:
            story.append(p(item.minutes, st["text"]))
        if item.decision:
            story.append(Paragraph("Beschluss: " + escape(item.decision).replace("\n", "<br/>"), st["decision"]))
        if not item.minutes and not item.decision:
            story.append(p("Ohne Protokollnotiz.", st["text_empty"]))

    if data.minutes_text:
        story += [*_heading("Weitere Notizen", st), p(data.minutes_text, st["base"])]

    story += _heading("Aufgaben aus dieser Sitzung", st)
    if data.action_items:
        rows = [[_cell(f"TOP {i.agenda_number}" if i.agenda_number else "–", st),
                 _done_cell(i, st),
                 _cell(_owner(i), st), _cell(_due(i), st)] for i in data.action_items]
        widths = [14 * mm, CONTENT_WIDTH - 14 * mm - 55 * mm - 24 * mm, 55 * mm, 24 * mm]
        story.append(_task_table(("TOP", "Aufgabe", "verantwortlich", "bis"), widths, rows, st))
    else:
        story.append(p("Keine neuen Aufgaben.", st["empty"]))

    if data.carried_over:
        story += _heading("Offene Aufgaben aus früheren Sitzungen", st)
        story.append(_open_items_table(data.carried_over, st, with_state=True))

    return _build(story, data.title,
                  _footer(data.letterhead.office_name, f"Protokoll {m.network_name}", date_de(m.date)))


def _done_cell(item: DocActionItem, st: dict) -> Paragraph:
    """The task, and if it has been done since: when (in small print below)."""
    done = f"<br/><font size=7.5 color='#555555'>erledigt am {date_de(item.done_on)}</font>" \
        if item.done_on else ""
    return Paragraph(escape(item.title) + done, st["cell"])


def _who(label: str, names: Sequence[str], st: dict) -> Paragraph:
    text = ", ".join(names) if names else "–"
    count = f" ({len(names)})" if names else ""
    return Paragraph(f"<b>{escape(label)}{count}:</b> {escape(text)}", st["base"])

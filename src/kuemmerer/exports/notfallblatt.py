"""The Notfallblatt: the recovery code on paper, printed once, kept in the office safe."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from kuemmerer.domain.recovery_code import GROUPS, code_groups
from kuemmerer.services.dto import Letterhead

from .pdf_base import CONTENT_WIDTH, build, date_de, field_table, letterhead_block, p, styles

TITLE = "Notfallblatt – Kümmerer"
CODE_FONT = "Courier-Bold"  # built in; the code is plain ASCII, and a monospace font keeps the groups aligned
_PER_LINE = GROUPS // 2


@dataclass(frozen=True)
class NotfallblattData:
    """What the sheet prints. ``database_name`` is the file name only (a path is cut to it)."""

    key: bytes
    database_name: str
    created_on: dt.date
    letterhead: Letterhead = field(default_factory=Letterhead)


def _code_table(key: bytes) -> Table:
    groups = code_groups(key)
    rows = [groups[i:i + _PER_LINE] for i in range(0, len(groups), _PER_LINE)]
    cell = ParagraphStyle("code", fontName=CODE_FONT, fontSize=19, leading=24, alignment=TA_CENTER)
    data = [[Paragraph(group, cell) for group in row] for row in rows]
    width = CONTENT_WIDTH / _PER_LINE
    table = Table(data, colWidths=[width] * _PER_LINE, rowHeights=[13 * mm] * len(rows))
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#0b5394")),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9fb7d6")),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f7fc")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _bullets(items: list[str], st: dict, *, numbered: bool = False) -> ListFlowable:
    kwargs = {"bulletType": "1", "bulletFormat": "%s."} if numbered else {"bulletType": "bullet", "start": "•"}
    return ListFlowable([ListItem(p(text, st["base"]), leftIndent=14) for text in items],
                        leftIndent=14, bulletFontName=st["base"].fontName, bulletFontSize=10, **kwargs)


def notfallblatt_pdf(data: NotfallblattData) -> bytes:
    """The Notfallblatt as PDF bytes (one A4 page)."""
    st = styles()
    lh = data.letterhead
    db_name = PurePath(data.database_name).name
    keyfile_name = f"{db_name}.schluessel"
    office = lh.office_name or "Stadtteilbüro"
    story = [
        letterhead_block(lh, st),
        Spacer(1, 5 * mm),
        p(TITLE, st["title"]),
        p("Streng vertraulich – im Tresor des Büros aufbewahren.", st["h2"]),
        Spacer(1, 1 * mm),
        field_table([("Büro", office), ("Datenbank", db_name), ("Erstellt am", date_de(data.created_on))], st),
        Spacer(1, 4 * mm),
        KeepTogether([
            p("Notfallcode", st["h2"]),
            _code_table(data.key),
            Spacer(1, 1.5 * mm),
            p(f"{GROUPS} Gruppen zu je 4 Zeichen, von links nach rechts, erst die obere, dann die untere Zeile. "
              "Es kommen nur die Ziffern 0–9 und Großbuchstaben ohne I, L, O und U vor.", st["small"]),
        ]),
        p("Wozu dieses Blatt?", st["h2"]),
        p(f"Der Notfallcode ist der Schlüssel zur Datenbank „{db_name}“. Mit ihm lässt sich die Datenbank "
          "öffnen, wenn das Passwort vergessen ist oder die Schlüsseldatei "
          f"„{keyfile_name}“ neben der Datenbank fehlt oder beschädigt ist. Er passt auch zu jeder "
          "Sicherung dieser Datenbank.", st["base"]),
        p("Sicher aufbewahren", st["h2"]),
        _bullets([
            "Im Tresor des Büros aufbewahren – nicht beim Laptop, nicht in der Laptoptasche.",
            "Wer dieses Blatt hat, kann alle Daten lesen, auch ohne Passwort. Behandeln Sie es wie den "
            "Tresorschlüssel.",
            "Nicht fotografieren, nicht kopieren, nicht per E-Mail verschicken, nicht in einer Cloud ablegen.",
            "Kümmerer zeigt den Code nur dieses eine Mal. Sind Blatt und Passwort beide verloren, lassen sich "
            "die Daten von niemandem mehr öffnen – auch nicht vom Hersteller.",
            "Ein neues Passwort ändert den Notfallcode nicht: das Blatt bleibt gültig.",
        ], st),
        p("Passwort vergessen? So geht es", st["h2"]),
        _bullets([
            "Kümmerer starten und bei der Passwortabfrage den Notfallcode wählen.",
            "Den Code Gruppe für Gruppe abtippen. Groß- oder Kleinschreibung ist egal, Leerzeichen und "
            "Bindestriche auch. Ein Tippfehler wird erkannt und gemeldet.",
            "Ein neues Passwort festlegen. Die Daten bleiben, wie sie sind.",
            "Das Blatt wieder in den Tresor legen.",
        ], st, numbered=True),
        Spacer(1, 9 * mm),
        field_table([("Hinterlegt am", "_" * 30), ("Von", "_" * 30)], st),
    ]
    out = io.BytesIO()
    build(story, out, title=TITLE, footer=f"{office} · Notfallblatt · streng vertraulich")
    return out.getvalue()

"""The Sachbericht: her texts per Handlungsfeld and period, the report's data (letterhead,
figures from ``statistics.reported`` with where they come from, tables, texts), small
numbers suppressed for publication, and archiving the issued PDF.

Layering: services never import exports, so the PDF is drawn by a ``render`` function the
caller passes in (``kuemmerer.exports.sachbericht.sachbericht_pdf``); the data handed to it
(``SachberichtData``) holds figures and her texts only — no names of residents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kuemmerer.db.models import ActionField, ReportText
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AuditAction, ReportKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.domain.rules import suppress_small, suppress_table

from . import archive, lists, settings, statistics, validation
from .archive import ArchivedReport
from .dto import Letterhead, Statistics

TEXT_MAX = 20_000
NO_TEXT = "Kein Text erfasst."
SUPPRESS_RANGE = "Bitte eine ganze Zahl von 1 bis 100 angeben."
SECONDARY_MARK = "•"
KEY_FIGURES_NOTE = ("Namentlich Teilnehmende zählen einmal, gleich wie oft sie kamen. Anonym: Besuche ohne Namen "
                    "(Strichliste) und Köpfe ohne Namen bei Terminen von Aktivitäten, getrennt gezählt.")


# --------------------------------------------------------------------------- her texts


@dataclass(frozen=True)
class FieldText:
    """Her text on one Handlungsfeld for one period ("" when none is saved)."""

    action_field_id: int
    name: str
    period_from: dt.date
    period_to: dt.date
    text: str


def _period(value: object) -> Period:
    if not isinstance(value, Period):
        raise ValidationError.single("period", "Bitte einen Berichtszeitraum wählen.")
    return value


def _field(uow: UnitOfWork, action_field_id: object) -> ActionField:
    ident = validation.as_id(action_field_id)
    found = uow.find(ActionField, ident) if ident is not None else None
    if found is None:
        raise ValidationError.single("action_field_id", "Dieses Handlungsfeld gibt es nicht (mehr).")
    return found


def _row(uow: UnitOfWork, field_id: int, period: Period) -> ReportText | None:
    rows = uow.all(ReportText, action_field_id=field_id, period_from=period.start, period_to=period.end)
    return rows[0] if rows else None


def texts(uow: UnitOfWork, period: Period) -> list[FieldText]:
    """Every active Handlungsfeld in her order with her text for exactly ``period``."""
    period = _period(period)
    saved = {t.action_field_id: t.text
             for t in uow.all(ReportText, period_from=period.start, period_to=period.end)}
    return [FieldText(f.id, f.name, period.start, period.end, saved.get(f.id, ""))
            for f in lists.list_action_fields(uow, active_only=True)]


def get_text(uow: UnitOfWork, action_field_id: int, period: Period) -> str:
    field = _field(uow, action_field_id)
    row = _row(uow, field.id, _period(period))
    return row.text if row is not None else ""


def save_text(uow: UnitOfWork, action_field_id: int, period: Period, text: str | None) -> FieldText:
    """Keep her text on a Handlungsfeld for a period (commits; an empty text removes it)."""
    period = _period(period)
    field = _field(uow, action_field_id)
    if text is not None and not isinstance(text, str):
        raise ValidationError.single("text", "Bitte einen Text eingeben.")
    clean, problem = validation.clean_text(text)
    if problem:
        raise ValidationError.single("text", problem)
    clean = clean.replace("\r\n", "\n").replace("\r", "\n")
    if len(clean) > TEXT_MAX:
        raise ValidationError.single("text", f"Höchstens {TEXT_MAX:,} Zeichen (jetzt {len(clean):,}).".replace(",", "."))
    row = _row(uow, field.id, period)
    if not clean.strip():
        if row is not None:
            uow.delete(row)
            uow.flush()
            uow.audit(AuditAction.DELETE, "report_texts", row.id)
            uow.commit()
        return FieldText(field.id, field.name, period.start, period.end, "")
    if row is None:
        row = ReportText(action_field_id=field.id, period_from=period.start, period_to=period.end, text=clean)
        uow.add(row)
        uow.flush()
        uow.audit(AuditAction.CREATE, "report_texts", row.id)
        uow.commit()
    elif row.text != clean:
        row.text = clean
        uow.flush()
        uow.audit(AuditAction.UPDATE, "report_texts", row.id)
        uow.commit()
    return FieldText(field.id, field.name, period.start, period.end, row.text)


# --------------------------------------------------------------------------- report data


@dataclass(frozen=True)
class TableRow:
    label: str
    shown: str  # "17", "<5", "•"
    value: int | None  # None where hidden (the chart draws no bar)


@dataclass(frozen=True)
class FigureTable:
    """One breakdown (by district, gender …) as published, with its sum."""

    title: str
    header: str
    rows: tuple[TableRow, ...]
    total: str


@dataclass(frozen=True)
class SachberichtData:
    """Everything the PDF shows; figures and her texts only, no personal data."""

    letterhead: Letterhead
    period_label: str
    period_range: str
    source_note: str
    key_figures: tuple[TableRow, ...]
    tables: tuple[FigureTable, ...]
    sections: tuple[tuple[str, str], ...]  # (Handlungsfeld, her text or NO_TEXT)
    suppress_below: int | None
    suppression_note: str
    generated_on: dt.date
    key_figures_note: str = KEY_FIGURES_NOTE

    @property
    def title(self) -> str:
        return f"Sachbericht {self.period_label}"

    @property
    def footer(self) -> str:
        office = self.letterhead.office_name or "Stadtteilbüro"
        return f"{office} · Sachbericht {self.period_label} · erstellt am {self.generated_on:%d.%m.%Y}"


def number_de(value: int | float) -> str:
    """German figures: "1.234", "12,5"."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def check_suppress_below(value: object) -> int | None:
    """``None``/0 = nothing hidden (internal use); else 1 … 100."""
    if value is None or (value == 0 and not isinstance(value, bool)):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValidationError.single("suppress_below", SUPPRESS_RANGE)
    return value


def _key_figures(stats: Statistics, n: int) -> tuple[TableRow, ...]:
    counts = (
        ("Teilnehmende (namentlich)", stats.participants_named),
        ("Teilnehmende (anonym)", stats.participants_anonymous),
        ("Kontakte und Beratungen", stats.contacts),
        ("Anliegen neu", stats.requests_opened),
        ("Anliegen abgeschlossen", stats.requests_closed),
        ("Vermittlungen", stats.referrals_total),
        ("Ehrenamtliche (aktiv)", stats.volunteers_active),
        ("Ehrenamtliche, die auch teilnehmen", stats.volunteers_also_participants),
    )
    rows = [_row_for(label, value, n) for label, value in counts]
    hours = stats.volunteer_hours
    if n > 1 and 0 < hours < n:
        rows.append(TableRow("Ehrenamtliche Stunden", f"<{n}", None))
    elif n > 1 and suppress_small(stats.volunteers_active, n) is None:  # the hours of one or two people
        rows.append(TableRow("Ehrenamtliche Stunden", SECONDARY_MARK, None))
    else:
        rows.append(TableRow("Ehrenamtliche Stunden", number_de(hours), round(hours)))
    for label, value in (("Termine von Aktivitäten", stats.sessions),
                         ("Teilnahmen an Terminen (namentlich)", stats.attendance_named),
                         ("Teilnahmen an Terminen (anonym)", stats.attendance_anonymous),
                         ("Netzwerksitzungen", stats.meetings)):
        rows.append(_row_for(label, value, n))
    return tuple(rows)


def _row_for(label: str, value: int, n: int) -> TableRow:
    kept = suppress_small(value, n) if n > 1 else value
    return TableRow(label, number_de(value) if kept is not None else f"<{n}", kept)


TABLES = (
    ("Teilnehmende nach Stadtgebiet", "Stadtgebiet", "by_district"),
    ("Teilnehmende nach Geschlecht", "Geschlecht", "by_gender"),
    ("Teilnehmende nach Altersgruppe", "Altersgruppe", "by_age_band"),
    ("Anliegen nach Thema", "Thema", "requests_by_category"),
    ("Vermittlungen nach Angebot", "Angebot", "referrals_by_service"),
    ("Vermittlungen nach Ergebnis", "Ergebnis", "referrals_by_outcome"),
)


def figure_table(title: str, header: str, values: dict[str, int], n: int) -> FigureTable:
    """One breakdown, suppressed by ``suppress_table`` when ``n`` > 1."""
    labels, numbers = list(values), [int(v) for v in values.values()]
    published = suppress_table(numbers, n)
    rows = []
    for i, (label, value) in enumerate(zip(labels, numbers, strict=True)):
        cell = published.cells[i]
        shown = number_de(value) if cell is not None else SECONDARY_MARK if published.is_secondary(i) else f"<{n}"
        rows.append(TableRow(label, shown, cell))
    total_value = sum(numbers)
    total = number_de(total_value) if published.total is not None else f"<{n}" if 0 < total_value < n else SECONDARY_MARK
    return FigureTable(title, header, tuple(rows), total)


def suppression_note(n: int | None) -> str:
    if not n or n <= 1:
        return ("Alle Zahlen ungekürzt (für den internen Gebrauch; vor einer Veröffentlichung kleine "
                "Zahlen ausblenden).")
    return (f"Zum Schutz der Personen sind Zahlen von 1 bis {n - 1} als „<{n}“ ausgeblendet. Mit "
            f"„{SECONDARY_MARK}“ markierte Zahlen sind zusätzlich ausgeblendet, damit sich kleine Zahlen "
            "nicht aus einer Summe zurückrechnen lassen.")


def sachbericht_data(uow: UnitOfWork, period: Period, *, suppress_below: int | None = None,
                     today: dt.date | None = None) -> tuple[SachberichtData, statistics.ReportedFigures]:
    """The report's data for ``period`` (``suppress_below`` None/0: nothing hidden) and the
    reported figures it comes from."""
    period = _period(period)
    n = check_suppress_below(suppress_below) or 0
    figures = statistics.reported(uow, period.start, period.end)
    stats = figures.stats
    tables = tuple(figure_table(title, header, getattr(stats, key), n) for title, header, key in TABLES)
    sections = tuple((t.name, t.text if t.text.strip() else NO_TEXT) for t in texts(uow, period))
    data = SachberichtData(
        letterhead=settings.get_letterhead(uow),
        period_label=period.label,
        period_range=f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}",
        source_note=figures.note,
        key_figures=_key_figures(stats, n),
        tables=tables,
        sections=sections,
        suppress_below=n or None,
        suppression_note=suppression_note(n),
        generated_on=today or validation.today(),
    )
    return data, figures


def file_name(period: Period) -> str:
    """No personal data, no blanks: "Sachbericht_2026-H1.pdf"."""
    return f"Sachbericht_{_period(period).slug}.pdf"


# --------------------------------------------------------------------------- issuing

Render = Callable[[SachberichtData], bytes]


@dataclass(frozen=True)
class SachberichtDraft:
    """A drawn Sachbericht, not yet issued: printing or saving it archives exactly these bytes."""

    period: Period
    pdf: bytes
    file_name: str
    figures: dict[str, Any]
    suppress_below: int | None
    data: SachberichtData


def draft_sachbericht(uow: UnitOfWork, period: Period, render: Render, *, suppress_below: int | None = None,
                      today: dt.date | None = None) -> SachberichtDraft:
    """Draw the Sachbericht (nothing is written)."""
    data, figures = sachbericht_data(uow, period, suppress_below=suppress_below, today=today)
    return SachberichtDraft(period, render(data), file_name(period), figures.stats.as_json(),
                            data.suppress_below, data)


def record_sachbericht(uow: UnitOfWork, draft: SachberichtDraft) -> ArchivedReport:
    """Archive a printed or saved Sachbericht with its figures and the PDF bytes (commits)."""
    if not isinstance(draft, SachberichtDraft) or not bytes(draft.pdf).startswith(b"%PDF"):
        raise ValidationError.single("pdf", "Das ist kein fertiger Sachbericht (kein PDF-Dokument).")
    return archive.record_issued(uow, kind=ReportKind.SACHBERICHT, period=draft.period, figures=draft.figures,
                                 file_name=draft.file_name, content=draft.pdf, suppress_below=draft.suppress_below)

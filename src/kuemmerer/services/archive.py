"""The report archive: every issued report (Sachbericht PDF, Jahresstatistik xlsx) with its
period, creation time, figures (no personal data), file and SHA-256 — so "what did I report
for 2025" has one answer even after erasures, and a past report prints again byte-for-byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kuemmerer.db import report_queries
from kuemmerer.db.models import IssuedReport
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AuditAction, ReportKind
from kuemmerer.domain.errors import KuemmererError, NotFound
from kuemmerer.domain.periods import Period
from kuemmerer.paths import write_atomically

from . import statistics
from .dto import Statistics
from .statistics import FigureDifference
from .validation import as_id


@dataclass(frozen=True)
class ArchivedReport:
    """An issued report as the archive lists it (without the file bytes)."""

    id: int
    kind: ReportKind
    period: Period
    created_at: dt.datetime  # aware, UTC
    suppress_below: int | None
    file_name: str
    sha256: str
    figures: dict

    @property
    def stats(self) -> Statistics:
        return Statistics.from_json(self.figures)

    def created_local(self) -> dt.datetime:
        return self.created_at.astimezone()

    @property
    def created_text(self) -> str:
        """Local time, German: "06.12.2026 14:05"."""
        return f"{self.created_local():%d.%m.%Y %H:%M}"

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]

    @property
    def is_pdf(self) -> bool:
        """Only PDFs can be printed or previewed (an Excel file cannot)."""
        return self.file_name.lower().endswith(".pdf")

    @property
    def suppression_text(self) -> str:
        """"Werte unter 5 unterdrückt" or "keine" (the internal, full figures)."""
        return f"Werte unter {self.suppress_below} unterdrückt" if self.suppress_below else "keine"


def _row_to_report(r) -> ArchivedReport:
    return ArchivedReport(r.id, ReportKind(r.kind), Period.between(r.period_from, r.period_to),
                          r.created_at.replace(tzinfo=dt.UTC), r.suppress_below, r.file_name, r.sha256,
                          json.loads(r.figures))


def record_issued(uow: UnitOfWork, *, kind: ReportKind, period: Period, figures: dict, file_name: str,
                  content: bytes, suppress_below: int | None = None) -> ArchivedReport:
    """Keep an issued report (commits). ``figures`` is ``Statistics.as_json()`` of what the
    report shows; ``file_name`` holds no personal data (e.g. "Sachbericht_2026-H1.pdf")."""
    row = IssuedReport(kind=ReportKind(kind).value, period_from=period.start, period_to=period.end,
                       suppress_below=suppress_below or None, figures=json.dumps(figures, ensure_ascii=False),
                       file_name=file_name, sha256=hashlib.sha256(content).hexdigest(), content=bytes(content))
    uow.add(row)
    uow.flush()
    uow.audit(AuditAction.CREATE, "issued_reports", row.id)
    uow.commit()
    return get_report(uow, row.id)


def list_reports(uow: UnitOfWork, period: Period | None = None) -> list[ArchivedReport]:
    """Issued reports, newest first (only those of exactly ``period`` if given)."""
    rows = report_queries.issued_reports(uow.session, *((period.start, period.end) if period else ()))
    return [_row_to_report(r) for r in rows]


def get_report(uow: UnitOfWork, report_id: object) -> ArchivedReport:
    ident = as_id(report_id)
    row = None if ident is None else report_queries.issued_report(uow.session, ident)
    if row is None:
        raise NotFound("Bericht", report_id)
    return _row_to_report(row)


def content(uow: UnitOfWork, report_id: object) -> bytes:
    """The report's file exactly as issued; refuses if it no longer matches its SHA-256."""
    ident = as_id(report_id)
    if ident is None:
        raise NotFound("Bericht", "(ungültige Nummer)")
    row = uow.get(IssuedReport, ident, "Bericht")
    data = bytes(row.content)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise KuemmererError("Der archivierte Bericht stimmt nicht mehr mit seiner Prüfsumme überein.")
    return data


def live_differences(uow: UnitOfWork, report_id: object) -> tuple[FigureDifference, ...]:
    """Where today's live figures for the report's period differ from the archived ones
    (records added later, persons erased since); empty when they match."""
    report = get_report(uow, report_id)
    live = statistics.compute(uow, report.period.start, report.period.end)
    return statistics.differences(report.stats, live)


def reprint(uow: UnitOfWork, report_id: object, target: Path) -> ArchivedReport:
    """Write the archived file to ``target`` (temporary name, then rename), byte-for-byte."""
    data = content(uow, report_id)
    write_atomically(data, Path(target))
    return get_report(uow, report_id)

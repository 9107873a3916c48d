"""Read side of the report archive: the issued reports without their file bytes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from .models import IssuedReport

ARCHIVE_COLUMNS = (IssuedReport.id, IssuedReport.kind, IssuedReport.period_from, IssuedReport.period_to,
                   IssuedReport.created_at, IssuedReport.suppress_below, IssuedReport.file_name,
                   IssuedReport.sha256, IssuedReport.figures)


def issued_reports(session: OrmSession, start: dt.date | None = None, end: dt.date | None = None) -> list:
    """Every issued report (newest first); with ``start``/``end`` only those of exactly that period."""
    stmt = select(*ARCHIVE_COLUMNS).order_by(IssuedReport.created_at.desc(), IssuedReport.id.desc())
    if start is not None and end is not None:
        stmt = stmt.where(IssuedReport.period_from == start, IssuedReport.period_to == end)
    return list(session.execute(stmt).all())


def issued_report(session: OrmSession, report_id: int):
    """One issued report without its file bytes, or None."""
    return session.execute(select(*ARCHIVE_COLUMNS).where(IssuedReport.id == report_id)).first()

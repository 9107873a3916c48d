"""Read side of the Protokoll (audit log): count and page ``audit_events`` in SQL, filtered
by time (UTC bounds), action, kind (table name) and record id. Newest first by default.

The table grows with every write, so nothing here loads it whole: the list pages by offset
(``event_rows``), the export by key (``event_rows_after``: no OFFSET scan on big logs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select

from .models import AuditEvent
from .uow import UnitOfWork


@dataclass(frozen=True)
class AuditFilter:
    """``start`` inclusive, ``end`` exclusive (naive UTC, as stored); None = open."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: int | None = None


def _where(stmt: Any, f: AuditFilter) -> Any:
    if f.start is not None:
        stmt = stmt.where(AuditEvent.at >= f.start)
    if f.end is not None:
        stmt = stmt.where(AuditEvent.at < f.end)
    if f.action is not None:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.entity is not None:
        stmt = stmt.where(AuditEvent.entity == f.entity)
    if f.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == f.entity_id)
    return stmt


def _order(descending: bool) -> list:
    if descending:
        return [AuditEvent.at.desc(), AuditEvent.id.desc()]
    return [AuditEvent.at.asc(), AuditEvent.id.asc()]


_COLUMNS = (AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id)


def event_count(uow: UnitOfWork, f: AuditFilter) -> int:
    return uow.session.scalar(_where(select(func.count(AuditEvent.id)), f)) or 0


def event_rows(uow: UnitOfWork, f: AuditFilter, *, offset: int = 0, limit: int = 200,
               descending: bool = True) -> Sequence:
    """Rows ``(id, at, action, entity, entity_id)`` of one page, in time order (ties by id)."""
    stmt = _where(select(*_COLUMNS), f).order_by(*_order(descending))
    return uow.session.execute(stmt.offset(max(0, offset)).limit(max(0, limit))).all()


def event_rows_after(uow: UnitOfWork, f: AuditFilter, after: tuple[dt.datetime, int] | None, *,
                     limit: int = 2000, descending: bool = True) -> Sequence:
    """The next ``limit`` rows after the row ``after`` = ``(at, id)`` in the same order as
    ``event_rows`` (None: from the first row)."""
    stmt = _where(select(*_COLUMNS), f)
    if after is not None:
        at, ident = after
        if descending:
            stmt = stmt.where(or_(AuditEvent.at < at, and_(AuditEvent.at == at, AuditEvent.id < ident)))
        else:
            stmt = stmt.where(or_(AuditEvent.at > at, and_(AuditEvent.at == at, AuditEvent.id > ident)))
    return uow.session.execute(stmt.order_by(*_order(descending)).limit(max(0, limit))).all()


def entities_present(uow: UnitOfWork) -> list[str]:
    """Every kind (table name, or "database", "demo" …) that has at least one event."""
    return [e for e in uow.session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity))
            if e is not None]


def time_range(uow: UnitOfWork) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and the last event's time (UTC), or (None, None) for an empty log."""
    first, last = uow.session.execute(select(func.min(AuditEvent.at), func.max(AuditEvent.at))).one()
    return _as_datetime(first), _as_datetime(last)


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))

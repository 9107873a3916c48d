"""Read side of Netzwerk: the next agenda position, and the open items that carry over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from .models import ActionItem, AgendaItem, Meeting


def next_agenda_position(session: OrmSession, meeting_id: int) -> int:
    return (session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)) or 0) + 1


def open_item_ids_before(session: OrmSession, network_id: int, day: dt.date, meeting_id: int) -> list[int]:
    """Action items from meetings of ``network_id`` before ``day`` (or earlier the same day,
    by id) that were not done before ``day``; by due date (none last), then by id."""
    earlier = select(Meeting.id).where(
        Meeting.network_id == network_id,
        or_(Meeting.date < day, and_(Meeting.date == day, Meeting.id < meeting_id)))
    stmt = (select(ActionItem.id)
            .where(ActionItem.meeting_id.in_(earlier), or_(ActionItem.done_on.is_(None), ActionItem.done_on >= day))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id))
    return list(session.scalars(stmt))

"""Read side of the calendar export: meetings and open follow-ups in a date range, with the
stamps that make a stable UID and tell a calendar that an entry changed. No personal data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import literal, select
from sqlalchemy.orm import Session as OrmSession

from .listing import referral_follow_up_pending, request_follow_up_pending
from .models import ActionItem, Meeting, Network, Referral, Request


def meetings_between(session: OrmSession, start: dt.date, end: dt.date):
    """(id, network, date, start_time, end_time, location, created_at, updated_at) by date."""
    return session.execute(
        select(Meeting.id, Network.name.label("network"), Meeting.date, Meeting.start_time, Meeting.end_time,
               Meeting.location, Meeting.created_at, Meeting.updated_at)
        .join(Network, Network.id == Meeting.network_id)
        .where(Meeting.date.between(start, end)).order_by(Meeting.date, Meeting.start_time, Meeting.id)).all()


def follow_ups_between(session: OrmSession, start: dt.date, end: dt.date) -> list[tuple]:
    """Open Wiedervorlagen dated in the range: (kind, id, day, network or None, created_at,
    updated_at) for kinds "request", "referral" and "task" — ids, never names or titles."""
    none = literal(None)
    statements = (
        select(literal("request"), Request.id, Request.follow_up_on, none, Request.created_at, Request.updated_at)
        .where(Request.follow_up_on.between(start, end), request_follow_up_pending()),
        select(literal("referral"), Referral.id, Referral.follow_up_on, none, Referral.created_at,
               Referral.updated_at)
        .where(Referral.follow_up_on.between(start, end), referral_follow_up_pending()),
        select(literal("task"), ActionItem.id, ActionItem.due_on, Network.name, ActionItem.created_at,
               ActionItem.updated_at)
        .outerjoin(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Network, Network.id == Meeting.network_id)
        .where(ActionItem.due_on.between(start, end), ActionItem.done_on.is_(None)),
    )
    rows = [tuple(r) for stmt in statements for r in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r[2], r[0], r[1]))

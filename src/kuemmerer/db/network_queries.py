"""Read side of Netzwerk: the next agenda position, and the open items that carry over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from .models import ActionItem, AgendaItem, Meeting, MeetingParticipant, NetworkMember


def next_agenda_position(session: OrmSession, meeting_id: int) -> int:
    return (session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)) or 0) + 1


def open_item_ids_before(session: OrmSession, network_id: int, day: dt.date, meeting_id: int | None) -> list[int]:
    """Action items from meetings of ``network_id`` before ``day`` (or earlier the same day,
    by id; every meeting of that day when ``meeting_id`` is None: one not saved yet) that
    were not done before ``day``; by due date (none last), then by id."""
    same_day = Meeting.date == day if meeting_id is None else and_(Meeting.date == day, Meeting.id < meeting_id)
    earlier = select(Meeting.id).where(Meeting.network_id == network_id, or_(Meeting.date < day, same_day))
    stmt = (select(ActionItem.id)
            .where(ActionItem.meeting_id.in_(earlier), or_(ActionItem.done_on.is_(None), ActionItem.done_on >= day))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id))
    return list(session.scalars(stmt))


def network_figures(session: OrmSession, today: dt.date) -> dict[int, tuple[int, int, dt.date | None, int]]:
    """Per network: (members, meetings, next meeting from ``today`` on, action items not done)."""
    members = dict(session.execute(
        select(NetworkMember.network_id, func.count()).group_by(NetworkMember.network_id)).all())
    meetings = {nid: (n, nxt) for nid, n, nxt in session.execute(
        select(Meeting.network_id, func.count(), func.min(case((Meeting.date >= today, Meeting.date))))
        .group_by(Meeting.network_id))}
    open_items = dict(session.execute(
        select(Meeting.network_id, func.count(ActionItem.id)).join(ActionItem, ActionItem.meeting_id == Meeting.id)
        .where(ActionItem.done_on.is_(None)).group_by(Meeting.network_id)).all())
    ids = set(members) | set(meetings) | set(open_items)
    return {i: (members.get(i, 0), meetings.get(i, (0, None))[0], _day(meetings.get(i, (0, None))[1]),
                open_items.get(i, 0)) for i in ids}


def _day(value) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def meeting_figures(session: OrmSession, network_id: int):
    """The meetings of a network with (present, excused, agenda points, action items not done)."""
    present = (select(func.count()).where(MeetingParticipant.meeting_id == Meeting.id,
                                          MeetingParticipant.attended.is_(True)).correlate(Meeting).scalar_subquery())
    excused = (select(func.count()).where(MeetingParticipant.meeting_id == Meeting.id,
                                          MeetingParticipant.attended.is_(False)).correlate(Meeting).scalar_subquery())
    points = select(func.count()).where(AgendaItem.meeting_id == Meeting.id).correlate(Meeting).scalar_subquery()
    open_items = (select(func.count()).where(ActionItem.meeting_id == Meeting.id, ActionItem.done_on.is_(None))
                  .correlate(Meeting).scalar_subquery())
    return session.execute(
        select(Meeting.id, Meeting.date, Meeting.start_time, Meeting.end_time, Meeting.location,
               present.label("present"), excused.label("excused"), points.label("points"),
               open_items.label("open_items"))
        .where(Meeting.network_id == network_id).order_by(Meeting.date, Meeting.start_time, Meeting.id)).all()

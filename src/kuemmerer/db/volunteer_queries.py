"""Read side of Ehrenamt: "Wer kann helfen?" and the volunteers list with this year's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session as OrmSession

from kuemmerer.domain.enums import TagKind, VolunteerStatus

from .models import Assignment, Person, Tag, Volunteer, VolunteerInquiry, volunteer_tags


def _has_tags(kind: str, names: Sequence[str]):
    """Volunteers that carry every one of ``names`` of ``kind`` (case-insensitive)."""
    wanted = sorted({n.strip().casefold() for n in names if n and n.strip()})
    if not wanted:
        return None
    return (select(volunteer_tags.c.volunteer_id)
            .join(Tag, Tag.id == volunteer_tags.c.tag_id)
            .where(Tag.kind == kind, func.lower(Tag.name).in_(wanted))
            .group_by(volunteer_tags.c.volunteer_id)
            .having(func.count(func.distinct(func.lower(Tag.name))) == len(wanted)))


def volunteer_rows(session: OrmSession, *, year_start: dt.date, year_end: dt.date,
                   status: Sequence[str] | None = None, skills: Sequence[str] = (),
                   languages: Sequence[str] = (), interests: Sequence[str] = (), slots: int = 0):
    """Volunteers with their person's name and, for the year, how often she asked them, how
    often they said yes, their Einsätze and minutes, and the last time she asked — filtered
    by status, by tags (all of them) and by availability (every requested slot)."""
    asked = (select(VolunteerInquiry.volunteer_id.label("vid"), func.count().label("asked"),
                    func.sum(func.iif(VolunteerInquiry.answer == "zugesagt", 1, 0)).label("agreed"))
             .where(VolunteerInquiry.asked_on.between(year_start, year_end))
             .group_by(VolunteerInquiry.volunteer_id).subquery())
    worked = (select(Assignment.volunteer_id.label("vid"), func.count().label("assigned"),
                     func.sum(Assignment.minutes).label("minutes"))
              .where(Assignment.date.between(year_start, year_end))
              .group_by(Assignment.volunteer_id).subquery())
    last = (select(func.max(VolunteerInquiry.asked_on))
            .where(VolunteerInquiry.volunteer_id == Volunteer.id).correlate(Volunteer).scalar_subquery())
    stmt = (select(Volunteer.id, Volunteer.person_id, Person.last_name, Person.first_name, Person.phone,
                   Person.email, Volunteer.status, Volunteer.started_on, Volunteer.ended_on,
                   Volunteer.availability_slots, Volunteer.clearance_issued_on,
                   func.coalesce(asked.c.asked, 0).label("asked"), func.coalesce(asked.c.agreed, 0).label("agreed"),
                   func.coalesce(worked.c.assigned, 0).label("assigned"),
                   func.coalesce(worked.c.minutes, 0).label("minutes"), last.label("last_asked_on"))
            .join(Person, Person.id == Volunteer.person_id)
            .outerjoin(asked, asked.c.vid == Volunteer.id)
            .outerjoin(worked, worked.c.vid == Volunteer.id))
    if status:
        stmt = stmt.where(Volunteer.status.in_(list(status)))
    for kind, names in ((TagKind.SKILL, skills), (TagKind.LANGUAGE, languages), (TagKind.INTEREST, interests)):
        sub = _has_tags(kind.value, names)
        if sub is not None:
            stmt = stmt.where(Volunteer.id.in_(sub))
    if slots:
        stmt = stmt.where(and_(Volunteer.availability_slots.op("&")(slots) == slots))
    # who was asked least this year first, so she does not ask the same three people every time
    stmt = stmt.order_by(func.coalesce(asked.c.asked, 0), Person.sort_name, Volunteer.id)
    return session.execute(stmt).all()


def tags_of(session: OrmSession, volunteer_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    if not volunteer_ids:
        return out
    rows = session.execute(select(volunteer_tags.c.volunteer_id, Tag.kind, Tag.name)
                           .join(Tag, Tag.id == volunteer_tags.c.tag_id)
                           .where(volunteer_tags.c.volunteer_id.in_(list(volunteer_ids)))
                           .order_by(Tag.kind, Tag.name))
    for vid, kind, name in rows:
        out.setdefault(vid, []).append((kind, name))
    return out


def tag_names(session: OrmSession, kind: str) -> list[str]:
    """Every name of ``kind`` in use, for completion in the matching filter."""
    return list(session.scalars(select(Tag.name).where(Tag.kind == kind).order_by(func.lower(Tag.name))))


ACTIVE = (VolunteerStatus.ACTIVE.value,)


def clearances_on_file(session: OrmSession):
    """Volunteers still active or paused with a clearance issue date: (id, person_id, last, first, issued_on)."""
    return session.execute(
        select(Volunteer.id, Volunteer.person_id, Person.last_name, Person.first_name, Volunteer.clearance_issued_on)
        .join(Person, Person.id == Volunteer.person_id)
        .where(Volunteer.status != VolunteerStatus.ENDED.value, Volunteer.clearance_issued_on.is_not(None))
        .order_by(Volunteer.clearance_issued_on, Volunteer.id)).all()

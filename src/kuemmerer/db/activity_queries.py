"""Read side of Aktivitäten: the list with its figures for a year, the sessions of one
activity with their counts, and who attended or helped at one session — each one SQL
statement with the counting done by the database (no loop over sessions in Python)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Date, Integer, case, func, select, type_coerce

from .models import ActionField, Activity, Assignment, Attendance, District, Person, Session, Volunteer
from .uow import UnitOfWork


def activity_rows(uow: UnitOfWork, *, year_start: dt.date, year_end: dt.date, today: dt.date,
                  kind: str | None = None, active: bool | None = None) -> Sequence:
    """Every activity (of ``kind``; active or not) with its district, Handlungsfeld and funder,
    and: sessions in the year and in all, the next session from ``today`` on, named attendance
    and distinct participants in the year, anonymous heads in the year, volunteer minutes in
    the year. Ordered by id (the caller sorts as she asked)."""
    in_year = Session.date.between(year_start, year_end)
    sessions = (select(Session.activity_id.label("aid"),
                       func.count().label("sessions_total"),
                       func.sum(case((in_year, 1), else_=0)).label("sessions_year"),
                       func.sum(case((in_year, Session.anonymous_count), else_=0)).label("anonymous"),
                       type_coerce(func.min(case((Session.date >= today, Session.date))), Date)
                       .label("next_session"))
                .group_by(Session.activity_id).subquery())
    attended = (select(Session.activity_id.label("aid"),
                       func.count(Attendance.id).label("attendances"),
                       func.count(func.distinct(Attendance.person_id)).label("participants"))
                .join(Attendance, Attendance.session_id == Session.id)
                .where(in_year)
                .group_by(Session.activity_id).subquery())
    worked = (select(Assignment.activity_id.label("aid"), func.sum(Assignment.minutes).label("minutes"))
              .where(Assignment.date.between(year_start, year_end))
              .group_by(Assignment.activity_id).subquery())
    zero = 0
    stmt = (select(Activity.id, Activity.name, Activity.kind, Activity.location, Activity.starts_on,
                   Activity.ends_on, Activity.active, Activity.funder, Activity.district_id,
                   District.name.label("district"), Activity.action_field_id,
                   ActionField.name.label("action_field"),
                   type_coerce(func.coalesce(sessions.c.sessions_year, zero), Integer).label("sessions_year"),
                   type_coerce(func.coalesce(sessions.c.sessions_total, zero), Integer).label("sessions_total"),
                   sessions.c.next_session,
                   type_coerce(func.coalesce(attended.c.attendances, zero), Integer).label("attendances"),
                   type_coerce(func.coalesce(attended.c.participants, zero), Integer).label("participants"),
                   type_coerce(func.coalesce(sessions.c.anonymous, zero), Integer).label("anonymous"),
                   type_coerce(func.coalesce(worked.c.minutes, zero), Integer).label("minutes"))
            .outerjoin(District, District.id == Activity.district_id)
            .outerjoin(ActionField, ActionField.id == Activity.action_field_id)
            .outerjoin(sessions, sessions.c.aid == Activity.id)
            .outerjoin(attended, attended.c.aid == Activity.id)
            .outerjoin(worked, worked.c.aid == Activity.id))
    if kind is not None:
        stmt = stmt.where(Activity.kind == kind)
    if active is not None:
        stmt = stmt.where(Activity.active.is_(active))
    return uow.session.execute(stmt.order_by(Activity.id)).all()


def session_date_range(uow: UnitOfWork) -> tuple[dt.date | None, dt.date | None]:
    """The first and the last session date of all activities (None, None without sessions)."""
    first, last = uow.session.execute(select(func.min(Session.date), func.max(Session.date))).one()
    return first, last


def session_rows(uow: UnitOfWork, activity_id: int) -> Sequence:
    """The sessions of one activity, oldest first, each with its named attendance, its
    Einsätze (number and minutes) and its attached files."""
    from .models import Attachment

    named = (select(func.count()).where(Attendance.session_id == Session.id)
             .correlate(Session).scalar_subquery())
    assigned = (select(func.count()).where(Assignment.session_id == Session.id)
                .correlate(Session).scalar_subquery())
    minutes = (select(func.coalesce(func.sum(Assignment.minutes), 0)).where(Assignment.session_id == Session.id)
               .correlate(Session).scalar_subquery())
    files = (select(func.count()).where(Attachment.session_id == Session.id)
             .correlate(Session).scalar_subquery())
    stmt = (select(Session.id, Session.activity_id, Session.date, Session.start_time, Session.end_time,
                   Session.location, Session.note, Session.anonymous_count,
                   named.label("attendances"), assigned.label("assignments"), minutes.label("minutes"),
                   files.label("files"))
            .where(Session.activity_id == activity_id)
            .order_by(Session.date, Session.start_time, Session.id))
    return uow.session.execute(stmt).all()


def attendance_rows(uow: UnitOfWork, session_id: int) -> Sequence:
    """Who is on the list of one session: attendance id, person id, name, birth date, district."""
    stmt = (select(Attendance.id, Attendance.person_id, Person.last_name, Person.first_name, Person.birth_date,
                   District.name.label("district"))
            .join(Person, Person.id == Attendance.person_id)
            .outerjoin(District, District.id == Person.district_id)
            .where(Attendance.session_id == session_id)
            .order_by(Person.sort_name, Person.id))
    return uow.session.execute(stmt).all()


def assignment_rows(uow: UnitOfWork, session_id: int) -> Sequence:
    """The Einsätze at one session: assignment id, volunteer id, name, date, minutes, role, note."""
    stmt = (select(Assignment.id, Assignment.volunteer_id, Person.last_name, Person.first_name, Assignment.date,
                   Assignment.minutes, Assignment.role, Assignment.note)
            .join(Volunteer, Volunteer.id == Assignment.volunteer_id)
            .join(Person, Person.id == Volunteer.person_id)
            .where(Assignment.session_id == session_id)
            .order_by(Person.sort_name, Assignment.id))
    return uow.session.execute(stmt).all()


def funder_names(uow: UnitOfWork) -> list[str]:
    """Every Förderung written on an activity so far (for completion), in alphabetical order."""
    stmt = (select(Activity.funder).where(Activity.funder.is_not(None)).distinct()
            .order_by(func.lower(Activity.funder)))
    return list(uow.session.scalars(stmt))

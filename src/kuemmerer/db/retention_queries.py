"""Read side of Aufbewahrung: the last activity of every person in one grouped query.

"Activity" is what ``domain.retention`` says: contacts, attended sessions, requests opened or
closed, referrals (made, outcome, closed), consents (given, withdrawn), the volunteer profile
(start, end), Einsätze and network meetings; with none at all, the day the person was entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Date, Select, and_, exists, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session as OrmSession

from .models import (
    Assignment,
    Attendance,
    Consent,
    Contact,
    Meeting,
    MeetingParticipant,
    Person,
    Referral,
    Request,
    Session,
    Volunteer,
)

CHUNK = 500  # ids per IN (…): below SQLite's parameter limit


def _activity_days(ids: list[int]):
    """(person_id, day) for every dated thing the persons ``ids`` did; NULL days are ignored."""
    parts = [
        select(Contact.person_id, Contact.date.label("day")).where(Contact.person_id.in_(ids)),
        select(Attendance.person_id, Session.date).join(Session, Session.id == Attendance.session_id)
        .where(Attendance.person_id.in_(ids)),
        select(Request.person_id, Request.opened_on).where(Request.person_id.in_(ids)),
        select(Request.person_id, Request.closed_on).where(Request.person_id.in_(ids)),
        select(Referral.person_id, Referral.referred_on).where(Referral.person_id.in_(ids)),
        select(Referral.person_id, Referral.outcome_on).where(Referral.person_id.in_(ids)),
        select(Referral.person_id, Referral.closed_on).where(Referral.person_id.in_(ids)),
        select(Consent.person_id, Consent.given_on).where(Consent.person_id.in_(ids)),
        select(Consent.person_id, Consent.withdrawn_on).where(Consent.person_id.in_(ids)),
        select(Volunteer.person_id, Volunteer.started_on).where(Volunteer.person_id.in_(ids)),
        select(Volunteer.person_id, Volunteer.ended_on).where(Volunteer.person_id.in_(ids)),
        select(Volunteer.person_id, Assignment.date).join(Volunteer, Volunteer.id == Assignment.volunteer_id)
        .where(Volunteer.person_id.in_(ids)),
        select(MeetingParticipant.person_id, Meeting.date)
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .where(MeetingParticipant.person_id.in_(ids)),
    ]
    return union_all(*parts).subquery("activity")


def _last_activity_select(ids: list[int]) -> Select:
    """One grouped query: id, names, last activity (or the day entered) and "is an active
    volunteer" of the persons ``ids``."""
    days = _activity_days(ids)
    grouped = (select(days.c.person_id, func.max(days.c.day).label("last_day"))
               .where(days.c.day.is_not(None))
               .group_by(days.c.person_id)
               .subquery("last"))
    last_day = type_coerce(func.coalesce(grouped.c.last_day, func.date(Person.created_at)), Date)
    active_volunteer = exists().where(Volunteer.person_id == Person.id, Volunteer.ended_on.is_(None))
    return (select(Person.id, Person.last_name, Person.first_name, last_day.label("last_activity"),
                   active_volunteer.label("active_volunteer"))
            .outerjoin(grouped, grouped.c.person_id == Person.id)
            .where(Person.id.in_(ids)))


def _due_condition(last_day_due: dt.date):
    """True for a person with no activity after ``last_day_due``, some activity at all or
    entered on or before that day, and not an active volunteer: the same selection as
    "last activity <= last_day_due" of ``_last_activity_select``, as index look-ups per person
    (NOT EXISTS) instead of grouping every contact of the database."""
    pid = Person.id

    def after(column):
        return column > last_day_due

    recent = [
        exists().where(Contact.person_id == pid, after(Contact.date)),
        exists().where(Attendance.person_id == pid, Session.id == Attendance.session_id, after(Session.date)),
        exists().where(Request.person_id == pid, or_(after(Request.opened_on), after(Request.closed_on))),
        exists().where(Referral.person_id == pid, or_(after(Referral.referred_on), after(Referral.outcome_on),
                                                      after(Referral.closed_on))),
        exists().where(Consent.person_id == pid, or_(after(Consent.given_on), after(Consent.withdrawn_on))),
        # an active volunteer (no end date) is never due
        exists().where(Volunteer.person_id == pid, or_(Volunteer.ended_on.is_(None), after(Volunteer.started_on),
                                                       after(Volunteer.ended_on))),
        exists().where(Volunteer.person_id == pid, Assignment.volunteer_id == Volunteer.id, after(Assignment.date)),
        exists().where(MeetingParticipant.person_id == pid, Meeting.id == MeetingParticipant.meeting_id,
                       after(Meeting.date)),
    ]
    any_activity = or_(*(exists().where(column == pid) for column in (
        Contact.person_id, Attendance.person_id, Request.person_id, Referral.person_id, Consent.person_id,
        Volunteer.person_id, MeetingParticipant.person_id)))
    return and_(*(~e for e in recent), or_(any_activity, func.date(Person.created_at) <= last_day_due))


def count_due(session: OrmSession, last_day_due: dt.date) -> int:
    return session.scalar(select(func.count()).select_from(Person).where(_due_condition(last_day_due))) or 0


def due_persons(session: OrmSession, last_day_due: dt.date) -> Sequence:
    """Persons whose last activity is on or before ``last_day_due`` and who are not active
    volunteers, in German name order. Columns: id, last_name, first_name, last_activity,
    active_volunteer."""
    ids = list(session.scalars(select(Person.id).where(_due_condition(last_day_due))
                               .order_by(Person.sort_name, Person.id)))
    found = {}
    for start in range(0, len(ids), CHUNK):
        for row in session.execute(_last_activity_select(ids[start:start + CHUNK])).all():
            found[row.id] = row
    return [found[i] for i in ids if i in found]


def last_activity_of(session: OrmSession, person_ids: Iterable[int]) -> dict[int, tuple[dt.date, bool]]:
    """Last activity day and "is an active volunteer" of each of ``person_ids`` that exists."""
    ids = sorted(set(person_ids))
    out: dict[int, tuple[dt.date, bool]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in session.execute(_last_activity_select(ids[start:start + CHUNK])).all():
            out[row.id] = (row.last_activity, bool(row.active_volunteer))
    return out


def activity_years(session: OrmSession, person_ids: Iterable[int]) -> set[int]:
    """Calendar years in which any of ``person_ids`` has a dated activity (only these years'
    figures can change when the persons are erased)."""
    ids = sorted(set(person_ids))
    years: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        days = _activity_days(ids[start:start + CHUNK])
        stmt = select(func.distinct(func.substr(days.c.day, 1, 4))).where(days.c.day.is_not(None))
        years.update(int(y) for y in session.scalars(stmt))
    return years


def linked_counts(session: OrmSession, person_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """What erasing each person removes, as ``queries.person_linked_counts`` says it for one
    person, for many at once (one grouped query per kind of record)."""
    ids = sorted(set(person_ids))
    out: dict[int, dict[str, int]] = {
        i: dict.fromkeys(("requests", "contacts", "referrals", "consents", "attendances",
                          "meeting_participations", "volunteer", "assignments"), 0) for i in ids}
    kinds = (
        ("requests", Request.person_id, select(Request.person_id)),
        ("contacts", Contact.person_id, select(Contact.person_id)),
        ("referrals", Referral.person_id, select(Referral.person_id)),
        ("consents", Consent.person_id, select(Consent.person_id)),
        ("attendances", Attendance.person_id, select(Attendance.person_id)),
        ("meeting_participations", MeetingParticipant.person_id, select(MeetingParticipant.person_id)),
        ("volunteer", Volunteer.person_id, select(Volunteer.person_id)),
        ("assignments", Volunteer.person_id,
         select(Volunteer.person_id).join(Assignment, Assignment.volunteer_id == Volunteer.id)),
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for key, column, base in kinds:
            stmt = base.add_columns(func.count()).where(column.in_(chunk)).group_by(column)
            for person_id, n in session.execute(stmt).all():
                out[person_id][key] = n
    return out

"""Read side of the Berichte page: the participant figures of ``services.statistics.compute``
(one GROUP BY), figures per month and the records behind a count (drill-down), counted and
paged in SQL.

The figures and the drill-down share one definition of a participant, the first counted
day and the age band on it (``_firsts``, ``_age_band_value``), so a list and its number
always agree.
Filters come in as a plain dict; a key that is present with ``None`` means "none"
(e.g. ``{"district": None}``: persons without a district).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession

from .models import (
    Activity,
    AnonymousTally,
    Assignment,
    Attendance,
    Category,
    Contact,
    District,
    Meeting,
    Network,
    Organisation,
    Person,
    Referral,
    Request,
    Service,
    Session,
    Volunteer,
)


class Interrupted(Exception):
    """The work was cancelled while SQLite was still at it (``interruptible``)."""


@contextmanager
def interruptible(session: OrmSession, cancelled: Callable[[], bool]) -> Iterator[None]:
    """Let ``cancelled()`` stop a running query: SQLite asks every few thousand steps and
    gives up at once when it says True (raises ``Interrupted``)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None, "a session connection always wraps a sqlite3 connection"
    raw.set_progress_handler(lambda: 1 if cancelled() else 0, 20_000)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc.orig):
            raise Interrupted() from None
        raise
    finally:
        raw.set_progress_handler(None, 0)


_Day = dt.date | BindParameter[dt.date]  # a date, or a placeholder in a statement built once


def _between(column, start: _Day, end: _Day):
    return and_(column >= start, column <= end)


def _month(column):
    return func.substr(column, 1, 7)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- participants


def _age_band_value(first_day, birth):
    """The AgeBand value of DESIGN.md §4, as ``domain.rules.age_band`` computes it."""
    age = (cast(func.substr(first_day, 1, 4), Integer) - cast(func.substr(birth, 1, 4), Integer)
           - cast(func.substr(first_day, 6, 5) < func.substr(birth, 6, 5), Integer))
    return case(
        (birth.is_(None), "unbekannt"),
        (birth > first_day, "unbekannt"),
        (age < 18, "u18"), (age < 30, "18_29"), (age < 55, "30_54"), (age < 65, "55_64"),
        else_="65plus",
    )


def _firsts(start: _Day, end: _Day, count_attendance: bool):
    """Subquery: (person_id, first_day) for every participant of the period: a person with
    a Contact (or, with ``count_attendance``, an Attendance) in it, and the first such day."""
    days = select(Contact.person_id.label("person_id"), Contact.date.label("day")) \
        .where(_between(Contact.date, start, end))
    if count_attendance:
        days = union_all(days, select(Attendance.person_id, Session.date)
                         .join(Session, Session.id == Attendance.session_id)
                         .where(_between(Session.date, start, end)))  # type: ignore[assignment]
    d = days.subquery()
    return select(d.c.person_id, func.min(d.c.day).label("first_day")).group_by(d.c.person_id).subquery()


def _participants(start: dt.date, end: dt.date, count_attendance: bool):
    """Subquery: one row per participant of the period with the first counted day, the
    age band on that day, gender and district."""
    firsts = _firsts(start, end, count_attendance)
    return (
        select(firsts.c.person_id, firsts.c.first_day, Person.last_name, Person.first_name, Person.sort_name,
               Person.gender, Person.district_id, District.name.label("district"),
               _age_band_value(firsts.c.first_day, Person.birth_date).label("band"))
        .join(Person, Person.id == firsts.c.person_id)
        .outerjoin(District, District.id == Person.district_id)
    ).subquery()


def participant_groups(session: OrmSession, start: dt.date, end: dt.date, *, count_attendance: bool = True
                       ) -> list[tuple[str, str, str | None, int, int]]:
    """The participants of the period counted in one GROUP BY (DESIGN.md §4): one row per
    (AgeBand value on the first counted day, Gender value, district name or None) with the
    number of participants and how many of them are volunteers with an Einsatz in the period."""
    rows = session.execute(_participant_groups_stmt(count_attendance), {"start": start, "end": end})
    return [(str(b), str(g), d, int(n), int(v)) for b, g, d, n, v in rows]


@cache
def _participant_groups_stmt(count_attendance: bool) -> Select:
    """Built once per rule (the CASE of the age band alone is ~40 clause objects)."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    firsts = _firsts(start, end, count_attendance)
    band = _age_band_value(firsts.c.first_day, Person.birth_date).label("band")
    volunteering = (select(Volunteer.person_id).join(Assignment, Assignment.volunteer_id == Volunteer.id)
                    .where(_between(Assignment.date, start, end)))
    return (
        select(band, Person.gender, District.name, func.count(),
               func.sum(case((firsts.c.person_id.in_(volunteering), 1), else_=0)))
        .select_from(firsts)
        .join(Person, Person.id == firsts.c.person_id)
        .outerjoin(District, District.id == Person.district_id)
        .group_by(literal_column("band"), Person.gender, District.name)  # the band once per row, by its name
    )


def _participant_where(p, filters: dict) -> list:
    where = []
    if "district" in filters:
        where.append(p.c.district.is_(None) if filters["district"] is None else p.c.district == filters["district"])
    if "gender" in filters:
        where.append(p.c.gender == filters["gender"])
    if "age_band" in filters:
        where.append(p.c.band == filters["age_band"])
    if "first_from" in filters:
        where.append(p.c.first_day >= filters["first_from"].isoformat())
    if "first_to" in filters:
        where.append(p.c.first_day <= filters["first_to"].isoformat())
    return where


# --------------------------------------------------------------------------- per month


def monthly(session: OrmSession, start: dt.date, end: dt.date, *, count_attendance: bool = True
            ) -> dict[str, tuple[int, int, int]]:
    """{"YYYY-MM": (participants first counted that month, contacts, new requests)} for
    the months of the period that have any of them."""
    p = _participants(start, end, count_attendance)
    out: dict[str, list[int]] = {}
    months = (_month(p.c.first_day), _month(Contact.date), _month(Request.opened_on))
    queries = (
        select(months[0], func.count()).group_by(months[0]),
        select(months[1], func.count()).where(_between(Contact.date, start, end)).group_by(months[1]),
        select(months[2], func.count()).where(_between(Request.opened_on, start, end)).group_by(months[2]),
    )
    for i, stmt in enumerate(queries):
        for month, n in session.execute(stmt):
            out.setdefault(str(month), [0, 0, 0])[i] = n
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


# --------------------------------------------------------------------------- drill-down

def _drill(kind: str, start: dt.date, end: dt.date, filters: dict, count_attendance: bool
           ) -> tuple[Select, Any, list]:
    """(rows statement without order, the amount expression or None, order-by columns)."""
    stmt: Any  # one Select per kind, each with its own columns
    if kind == "participants":
        p = _participants(start, end, count_attendance)
        stmt = select(p.c.person_id, p.c.last_name, p.c.first_name, p.c.first_day, p.c.district, p.c.gender,
                      p.c.band).where(*_participant_where(p, filters))
        return stmt, None, [p.c.sort_name, p.c.person_id]
    if kind == "contacts":
        stmt = (select(Contact.id, Contact.person_id, Contact.date, Person.last_name, Person.first_name,
                       Contact.kind, Category.name, Contact.duration_minutes)
                .join(Person, Person.id == Contact.person_id)
                .outerjoin(Category, Category.id == Contact.category_id)
                .where(_between(Contact.date, start, end)))
        return stmt, None, [Contact.date, Person.sort_name, Contact.id]
    if kind in ("requests_opened", "requests_closed"):
        column = Request.opened_on if kind == "requests_opened" else Request.closed_on
        stmt = (select(Request.id, Request.person_id, Request.opened_on, Request.closed_on, Person.last_name,
                       Person.first_name, Request.title, Category.name, Request.status)
                .join(Person, Person.id == Request.person_id)
                .outerjoin(Category, Category.id == Request.category_id)
                .where(_between(column, start, end)))
        if "category" in filters:
            stmt = stmt.where(Category.name.is_(None) if filters["category"] is None
                              else Category.name == filters["category"])
        return stmt, None, [column, Person.sort_name, Request.id]
    if kind == "referrals":
        stmt = (select(Referral.id, Referral.person_id, Referral.referred_on, Person.last_name, Person.first_name,
                       Service.name, Organisation.name, Referral.outcome)
                .join(Person, Person.id == Referral.person_id)
                .join(Service, Service.id == Referral.service_id)
                .join(Organisation, Organisation.id == Referral.organisation_id)
                .where(_between(Referral.referred_on, start, end)))
        if "service" in filters:
            stmt = stmt.where(Service.name == filters["service"])
        if "outcome" in filters:
            stmt = stmt.where(Referral.outcome == filters["outcome"])
        return stmt, None, [Referral.referred_on, Person.sort_name, Referral.id]
    if kind == "volunteers":
        stmt = (select(Volunteer.person_id, Person.last_name, Person.first_name, func.count(Assignment.id),
                       func.sum(Assignment.minutes))
                .join(Assignment, Assignment.volunteer_id == Volunteer.id)
                .join(Person, Person.id == Volunteer.person_id)
                .where(_between(Assignment.date, start, end))
                .group_by(Volunteer.id, Volunteer.person_id, Person.last_name, Person.first_name, Person.sort_name))
        return stmt, "minutes", [Person.sort_name, Volunteer.person_id]
    if kind == "sessions":
        named = (select(func.count(Attendance.id)).where(Attendance.session_id == Session.id)
                 .correlate(Session).scalar_subquery())
        stmt = (select(Session.id, Session.date, Activity.name, named, Session.anonymous_count)
                .join(Activity, Activity.id == Session.activity_id)
                .where(_between(Session.date, start, end)))
        return stmt, None, [Session.date, Activity.name, Session.id]
    if kind == "attendance":
        stmt = (select(Attendance.id, Attendance.person_id, Session.date, Person.last_name, Person.first_name,
                       Activity.name)
                .join(Session, Session.id == Attendance.session_id)
                .join(Activity, Activity.id == Session.activity_id)
                .join(Person, Person.id == Attendance.person_id)
                .where(_between(Session.date, start, end)))
        return stmt, None, [Session.date, Activity.name, Person.sort_name, Attendance.id]
    if kind in ("anonymous", "anonymous_sessions"):
        heads = (select(Session.id.label("id"), literal("termin").label("source"), Session.date.label("day"),
                        Activity.name.label("what"), Session.anonymous_count.label("amount"))
                 .join(Activity, Activity.id == Session.activity_id)
                 .where(_between(Session.date, start, end), Session.anonymous_count > 0))
        if kind == "anonymous":
            tallies = (select(AnonymousTally.id.label("id"), literal("strichliste").label("source"),
                              AnonymousTally.date.label("day"), AnonymousTally.kind.label("what"),
                              AnonymousTally.count.label("amount"))
                       .where(_between(AnonymousTally.date, start, end)))
            u = union_all(tallies, heads).subquery()
        else:
            u = heads.subquery()
        stmt = select(u.c.id, u.c.source, u.c.day, u.c.what, u.c.amount)
        return stmt, "amount", [u.c.day, u.c.source, u.c.id]
    if kind == "meetings":
        stmt = (select(Meeting.id, Meeting.date, Meeting.start_time, Network.name, Meeting.location)
                .join(Network, Network.id == Meeting.network_id)
                .where(_between(Meeting.date, start, end)))
        return stmt, None, [Meeting.date, Meeting.start_time, Meeting.id]
    raise ValueError(f"unknown drill-down kind {kind!r}")


DRILL_KINDS = ("participants", "contacts", "requests_opened", "requests_closed", "referrals", "volunteers",
               "sessions", "attendance", "anonymous", "anonymous_sessions", "meetings")


def drill_total(session: OrmSession, kind: str, start: dt.date, end: dt.date, filters: dict, *,
                count_attendance: bool = True) -> tuple[int, int]:
    """(number of rows, sum of the amount column: minutes or anonymous heads; else the rows)."""
    stmt, amount, _order = _drill(kind, start, end, filters, count_attendance)
    sub = stmt.subquery()
    if amount is None:
        n = session.execute(select(func.count()).select_from(sub)).scalar_one()
        return int(n), int(n)
    column = list(sub.c)[-1]
    n, total = session.execute(select(func.count(), func.coalesce(func.sum(column), 0)).select_from(sub)).one()
    return int(n), int(total)


def drill_rows(session: OrmSession, kind: str, start: dt.date, end: dt.date, filters: dict, offset: int,
               limit: int, *, count_attendance: bool = True) -> list[tuple]:
    """One page of the records behind a count, as plain tuples (columns per kind, see
    ``_drill``); dates come back as ``datetime.date``."""
    stmt, _amount, order = _drill(kind, start, end, filters, count_attendance)
    rows = session.execute(stmt.order_by(*order).offset(offset).limit(limit)).all()
    dates = _DATE_AT.get(kind, ())
    return [tuple(_as_date(v) if i in dates else v for i, v in enumerate(r)) for r in rows]


# columns whose dates may come back as text (MIN over a UNION loses the Date type in SQLite)
_DATE_AT = {"participants": (3,), "anonymous": (2,), "anonymous_sessions": (2,)}

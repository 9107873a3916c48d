"""Read side: SQLAlchemy Core selects that return plain rows and numbers.

Lists and statistics query rows directly instead of loading object graphs.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import CursorResult, Date, Engine, Select, Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from kuemmerer.domain.rules import fold

from .models import (
    AnonymousTally,
    Assignment,
    Attendance,
    Category,
    Consent,
    Contact,
    District,
    Meeting,
    MeetingParticipant,
    Network,
    Person,
    Referral,
    Request,
    Service,
    Session,
    Volunteer,
    person_search_words,
)


def checkpoint(session: OrmSession) -> bool:
    """Fold the WAL into the file (after erasing personal data, so no old page lingers).

    Runs outside any transaction. If another connection (a report in the background, a
    second program) holds a read snapshot from before the erasure, SQLite cannot yet
    overwrite the old pages in the main file: then it is tried again as soon as a
    connection goes back to the pool, i.e. when the readers are gone. True if done now."""
    from .engine import checkpoint_or_later

    session.close()
    engine = session.get_bind()
    assert isinstance(engine, Engine), "UnitOfWork binds its sessions to an engine, never to a connection"
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None, "a checked-out pool connection always holds its sqlite3 connection"
        return checkpoint_or_later(engine, driver)
    finally:
        raw.close()


def person_linked_counts(session: OrmSession, person_id: int) -> dict[str, int]:
    volunteer_id = session.scalar(select(Volunteer.id).where(Volunteer.person_id == person_id))

    def count(model, column, value=person_id) -> int:
        return session.scalar(select(func.count()).select_from(model).where(column == value)) or 0

    return {
        "requests": count(Request, Request.person_id),
        "contacts": count(Contact, Contact.person_id),
        "referrals": count(Referral, Referral.person_id),
        "consents": count(Consent, Consent.person_id),
        "attendances": count(Attendance, Attendance.person_id),
        "meeting_participations": count(MeetingParticipant, MeetingParticipant.person_id),
        "volunteer": 1 if volunteer_id else 0,
        "assignments": count(Assignment, Assignment.volunteer_id, volunteer_id) if volunteer_id else 0,
    }


def delete_unused_tags(session: OrmSession) -> int:
    """Tags no volunteer uses any more (a free-text tag may hold personal detail)."""
    from .models import Tag, volunteer_tags

    used = select(volunteer_tags.c.tag_id)
    tags = Tag.__table__
    assert isinstance(tags, Table), "a declarative class without __table__ overrides maps a Table"
    result = session.execute(delete(tags).where(Tag.id.not_in(used)))
    assert isinstance(result, CursorResult), "a Core DELETE returns a cursor result"
    return result.rowcount or 0


def namesake_rows(session: OrmSession, last_name: str):
    """Persons whose last name is ``last_name`` in either spelling of umlauts (id, first_name,
    last_name, birth_date, street, postcode): the candidates an imported row may match. One
    look-up in the word index (its longest word), not a scan: 20,000 rows against 100,000
    persons stay quick."""
    from kuemmerer.domain.rules import fold, fold_variants

    from .search_key import WORD, spelling_key

    last_forms = set(fold_variants(last_name))
    words = fold(last_name).split(" ")
    if not last_forms or not any(words):
        return []
    key = spelling_key(max(words, key=len))
    stmt = select(Person.id, Person.first_name, Person.last_name, Person.birth_date, Person.street, Person.postcode) \
        .join(person_search_words, person_search_words.c.person_id == Person.id) \
        .where(person_search_words.c.kind == WORD, person_search_words.c.word == key)
    return [r for r in session.execute(stmt) if last_forms & set(fold_variants(r.last_name))]


def contact_exists(session: OrmSession, person_id: int, date: dt.date, category_id: int | None, kind: str) -> bool:
    """Whether this person already has a contact of this kind and Thema on this day (an
    imported contact log that is imported again adds nothing)."""
    stmt = select(Contact.id).where(Contact.person_id == person_id, Contact.date == date, Contact.kind == kind,
                                    Contact.category_id.is_(None) if category_id is None
                                    else Contact.category_id == category_id).limit(1)
    return session.scalar(stmt) is not None


def similar_persons(session: OrmSession, *, last_name: str, first_name: str | None,
                    birth_date: dt.date | None, street: str | None,
                    exclude_id: int | None) -> list[int]:
    """Ids of persons with the same name (either spelling of umlauts) and the same birth
    date or street."""
    from kuemmerer.domain.rules import fold_variants

    last_forms = set(fold_variants(last_name))
    if not last_forms:
        return []
    first_forms = set(fold_variants(first_name))
    stmt = select(Person.id, Person.first_name, Person.last_name, Person.birth_date, Person.street) \
        .where(or_(*(Person.search_text.contains(f" {form} ") for form in last_forms)))
    if exclude_id is not None:
        stmt = stmt.where(Person.id != exclude_id)
    out = []
    for row in session.execute(stmt):
        if not last_forms & set(fold_variants(row.last_name)):
            continue
        if first_forms and row.first_name and not first_forms & set(fold_variants(row.first_name)):
            continue
        same_birth = birth_date is not None and row.birth_date == birth_date
        same_street = bool(street) and fold(row.street) == fold(street)
        if same_birth or same_street:
            out.append(row.id)
    return out


# --------------------------------------------------------------------------- statistics


def _between(column, start: dt.date, end: dt.date):
    return and_(column >= start, column <= end)


def period_counts(session: OrmSession, start: dt.date, end: dt.date, held_until: dt.date | None = None) -> dict[str, int]:
    """Every single-number figure of the period in one SELECT: ``walk_ins`` (anonymous
    tallies), ``session_heads`` (anonymous head counts of sessions), ``contacts``,
    ``requests_opened``, ``requests_closed``, ``sessions``, ``attendance`` (named),
    ``meetings``, ``volunteers`` (persons with an Einsatz) and their ``minutes``. Sessions
    and meetings count up to ``held_until`` only (those after it are planned, not held)."""
    held = min(end, held_until) if held_until is not None else end
    row = session.execute(_period_counts_stmt(), {"start": start, "end": end, "held": held}).mappings().one()
    return {name: int(value or 0) for name, value in row.items()}


@cache
def _period_counts_stmt() -> Select:
    """Built once: ten scalar subqueries over ``:start``/``:end`` (``:held`` for sessions and meetings)."""
    start, end, held = bindparam("start", type_=Date), bindparam("end", type_=Date), bindparam("held", type_=Date)

    def between(column):
        planned = column is Session.date or column is Meeting.date  # counted once held
        return and_(column >= start, column <= (held if planned else end))

    def total(column, date_column):
        return select(func.coalesce(func.sum(column), 0)).where(between(date_column)).scalar_subquery()

    def count(model, date_column):
        return select(func.count()).select_from(model).where(between(date_column)).scalar_subquery()

    return select(
        total(AnonymousTally.count, AnonymousTally.date).label("walk_ins"),
        total(Session.anonymous_count, Session.date).label("session_heads"),
        count(Contact, Contact.date).label("contacts"),
        count(Request, Request.opened_on).label("requests_opened"),
        count(Request, Request.closed_on).label("requests_closed"),
        count(Session, Session.date).label("sessions"),
        select(func.count()).select_from(Attendance).join(Session, Session.id == Attendance.session_id)
        .where(between(Session.date)).scalar_subquery().label("attendance"),
        count(Meeting, Meeting.date).label("meetings"),
        select(func.count(Volunteer.person_id.distinct())).join(Assignment, Assignment.volunteer_id == Volunteer.id)
        .where(between(Assignment.date)).scalar_subquery().label("volunteers"),
        total(Assignment.minutes, Assignment.date).label("minutes"),
    )


def meetings_by_network(session: OrmSession, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Meetings in the period per network (networks without one are left out); the caller
    ends the period at the day up to which meetings were held."""
    stmt = (select(Network.name, func.count(Meeting.id)).join(Meeting, Meeting.network_id == Network.id)
            .where(_between(Meeting.date, start, end)).group_by(Network.name).order_by(Network.name))
    return [(name, n) for name, n in session.execute(stmt)]


def partners_reached(session: OrmSession, start: dt.date, end: dt.date) -> int:
    """Partner organisations present (anwesend) at least once at a meeting in the period
    (ended by the caller at the day up to which meetings were held)."""
    stmt = (select(func.count(MeetingParticipant.organisation_id.distinct()))
            .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
            .where(_between(Meeting.date, start, end), MeetingParticipant.attended.is_(True)))
    return int(session.scalar(stmt) or 0)


def requests_by_category(session: OrmSession, start: dt.date, end: dt.date) -> list[tuple[str | None, int]]:
    stmt = (select(Category.name, func.count(Request.id))
            .select_from(Request).outerjoin(Category, Category.id == Request.category_id)
            .where(_between(Request.opened_on, start, end)).group_by(Category.name))
    return [(name, count) for name, count in session.execute(stmt)]


def referrals_grouped(session: OrmSession, start: dt.date, end: dt.date) -> tuple[list, list]:
    where = _between(Referral.referred_on, start, end)
    by_service = session.execute(
        select(Service.name, func.count(Referral.id)).join(Service, Service.id == Referral.service_id)
        .where(where).group_by(Service.name)).all()
    by_outcome = session.execute(
        select(Referral.outcome, func.count(Referral.id)).where(where).group_by(Referral.outcome)).all()
    return [tuple(r) for r in by_service], [tuple(r) for r in by_outcome]


def district_names(session: OrmSession) -> list[str]:
    return list(session.scalars(select(District.name).order_by(District.sort_order, District.name)))


def category_names(session: OrmSession) -> list[str]:
    return list(session.scalars(select(Category.name).order_by(Category.sort_order, Category.name)))


def service_names(session: OrmSession) -> list[str]:
    return list(session.scalars(select(Service.name).order_by(Service.sort_order, Service.name)))


def years_with_activity(session: OrmSession) -> list[int]:
    """Calendar years in which anything countable happened."""
    years: set[int] = set()
    for column in (Contact.date, Session.date, AnonymousTally.date, Request.opened_on, Request.closed_on,
                   Referral.referred_on, Assignment.date, Meeting.date):
        low, high = session.execute(select(func.min(column), func.max(column))).one()
        if low is not None:
            low_y, high_y = int(str(low)[:4]), int(str(high)[:4])
            years.update(range(low_y, high_y + 1))
    return sorted(years)


def frozen_years(session: OrmSession) -> dict[int, str]:
    from .models import YearStatistics

    return dict(session.execute(select(YearStatistics.year, YearStatistics.data)).all())


def frozen_year(session: OrmSession, year: int) -> tuple[str, dt.datetime] | None:
    """(JSON of the frozen figures, frozen_at in UTC) of ``year``, or None."""
    from .models import YearStatistics

    row = session.execute(select(YearStatistics.data, YearStatistics.frozen_at)
                          .where(YearStatistics.year == year)).one_or_none()
    return None if row is None else (row[0], row[1])


def store_frozen_year(session: OrmSession, year: int, data: str) -> None:
    from .models import YearStatistics

    session.add(YearStatistics(year=year, data=data))


def referral_counts_by_organisation(session: OrmSession) -> dict[int, int]:
    return dict(session.execute(select(Referral.organisation_id, func.count(Referral.id))
                                .group_by(Referral.organisation_id)).all())

"""Statistics in SQL (issue 12 §4): ``statistics.compute`` counts the participants in one
GROUP BY over age band, gender and district and takes every single number from one SELECT.
Here it must give exactly the figures of the Python path it replaced (one row per
participant shipped to Python, the age band from ``domain.rules.age_band``, one query per
number), kept below verbatim as the reference: on hand-built edge cases, on the demo data
and on a database made by ``benchmarks/generate_large.py``, for a year, a quarter, a range
across a year end and an empty period, with and without attendance counting."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import and_, func, select, union_all

from kuemmerer.db import queries
from kuemmerer.db.models import (
    AnonymousTally,
    Assignment,
    Attendance,
    Contact,
    District,
    Meeting,
    MeetingParticipant,
    Network,
    Person,
    Request,
    Session,
    Volunteer,
)
from kuemmerer.domain.enums import AgeBand, Gender, ReferralOutcome
from kuemmerer.domain.rules import CountingRules, age_band
from kuemmerer.services import activities, lists, persons, requests, statistics, validation, volunteers
from kuemmerer.services.dto import Statistics
from kuemmerer.services.workspace import open_workspace
from tests.conftest import create_encrypted

D = dt.date
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

# --------------------------------------------------------------------------- the old Python path


def _between(column, start, end):
    return and_(column >= start, column <= end)


def _first_participation(session, start, end, count_attendance):
    """One row per participant: (person_id, first date, birth_date, gender, district)."""
    contact_dates = select(Contact.person_id.label("person_id"), Contact.date.label("day")) \
        .where(_between(Contact.date, start, end))
    all_dates = contact_dates
    if count_attendance:
        all_dates = union_all(contact_dates, select(Attendance.person_id, Session.date)
                              .join(Session, Session.id == Attendance.session_id)
                              .where(_between(Session.date, start, end)))
    dates = all_dates.subquery()
    firsts = select(dates.c.person_id, func.min(dates.c.day).label("first_day")) \
        .group_by(dates.c.person_id).subquery()
    stmt = (select(firsts.c.person_id, firsts.c.first_day, Person.birth_date, Person.gender, District.name)
            .join(Person, Person.id == firsts.c.person_id)
            .outerjoin(District, District.id == Person.district_id))
    rows = []
    for pid, first_value, birth, gender, district in session.execute(stmt):
        first_day = dt.date.fromisoformat(first_value) if isinstance(first_value, str) else first_value
        rows.append((pid, first_day, birth, gender, district))
    return rows


def _count_rows(session, model, date_column, start, end) -> int:
    return session.scalar(select(func.count()).select_from(model).where(_between(date_column, start, end))) or 0


def python_path(uow, start: dt.date, end: dt.date, rules: CountingRules) -> Statistics:
    """``statistics.compute`` as it was before the figures moved into SQL."""
    s = uow.session
    held = min(end, validation.today())  # sessions and meetings after today are only planned
    participants = _first_participation(s, start, end, rules.count_attendance)
    by_district = dict.fromkeys(queries.district_names(s), 0) | {"unbekannt": 0}
    by_gender = dict.fromkeys((g.label for g in Gender), 0)
    by_age = dict.fromkeys((a.label for a in AgeBand), 0)
    for _pid, first_day, birth, gender, district in participants:
        by_district[district or "unbekannt"] += 1
        by_gender[Gender(gender).label] += 1
        by_age[age_band(birth, first_day).label] += 1
    participant_ids = {p[0] for p in participants}

    tallies = int(s.scalar(select(func.coalesce(func.sum(AnonymousTally.count), 0))
                           .where(_between(AnonymousTally.date, start, end))))
    heads = int(s.scalar(select(func.coalesce(func.sum(Session.anonymous_count), 0))
                         .where(_between(Session.date, start, held))))

    by_category = dict.fromkeys(queries.category_names(s), 0)
    for name, n in queries.requests_by_category(s, start, end):
        key = name or "ohne Thema"
        by_category[key] = by_category.get(key, 0) + n
    by_service_rows, by_outcome_rows = queries.referrals_grouped(s, start, end)
    by_service = dict.fromkeys(queries.service_names(s), 0) | dict(by_service_rows)
    by_outcome = dict.fromkeys((o.label for o in ReferralOutcome), 0)
    for value, n in by_outcome_rows:
        by_outcome[ReferralOutcome(value).label] += n

    in_period = _between(Assignment.date, start, end)
    volunteer_ids = list(s.scalars(select(Volunteer.person_id).distinct()
                                   .join(Assignment, Assignment.volunteer_id == Volunteer.id).where(in_period)))
    minutes = int(s.scalar(select(func.coalesce(func.sum(Assignment.minutes), 0)).where(in_period)))
    return Statistics(
        period_from=start, period_to=end,
        participants_named=len(participants), participants_anonymous=tallies + heads,
        by_district=by_district, by_gender=by_gender, by_age_band=by_age,
        contacts=_count_rows(s, Contact, Contact.date, start, end),
        requests_opened=_count_rows(s, Request, Request.opened_on, start, end),
        requests_closed=_count_rows(s, Request, Request.closed_on, start, end),
        requests_by_category=by_category,
        referrals_total=sum(n for _, n in by_service_rows), referrals_by_service=by_service,
        referrals_by_outcome=by_outcome,
        volunteers_active=len(volunteer_ids), volunteer_hours=round(minutes / 60, 2),
        volunteers_also_participants=len(participant_ids & set(volunteer_ids)),
        sessions=_count_rows(s, Session, Session.date, start, held),
        attendance_named=s.scalar(select(func.count(Attendance.id)).join(Session, Session.id == Attendance.session_id)
                                  .where(_between(Session.date, start, held))) or 0,
        attendance_anonymous=heads,
        meetings=_count_rows(s, Meeting, Meeting.date, start, held),
        extra={"anonymous_walk_ins": tallies, "anonymous_session_heads": heads},
        meetings_by_network=_meetings_by_network(s, start, held),
        partners_reached=len({p.organisation_id for m in s.scalars(select(Meeting).where(_between(Meeting.date, start, held)))
                              for p in s.scalars(select(MeetingParticipant).where(MeetingParticipant.meeting_id == m.id))
                              if p.organisation_id is not None and p.attended}),
    )


def _meetings_by_network(s, start: dt.date, end: dt.date) -> dict[str, int]:
    """Counted in Python over the rows, in network name order (as the table shows them)."""
    counts: dict[str, int] = {}
    for m in s.scalars(select(Meeting).where(_between(Meeting.date, start, end))):
        name = s.get(Network, m.network_id).name
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def assert_same(uow, start: dt.date, end: dt.date, count_attendance: bool = True) -> Statistics:
    rules = CountingRules(count_attendance=count_attendance)
    new = statistics.compute(uow, start, end, rules)
    old = python_path(uow, start, end, rules)
    # the same numbers, the same keys in the same order (tables show them in this order)
    assert json.dumps(new.as_json(), ensure_ascii=False) == json.dumps(old.as_json(), ensure_ascii=False)
    assert new == old
    return new


# --------------------------------------------------------------------------- edge cases by hand

Y = 2026


@pytest.fixture
def edges(uow):
    """Birthdays on and around the band edges and the first counted day, 29 February, a
    birth date after the first contact, no birth date; every gender and district kind;
    attendance-only participants; volunteers who also take part (by contact or attendance)."""
    kappel = lists.districts.create(uow, name="Kappel")
    outside = next(d for d in lists.list_districts(uow) if d.name == "außerhalb")
    genders = ("weiblich", "maennlich", "divers", "keine_angabe")
    district_ids = (kappel.id, outside.id, None)
    first = D(Y, 3, 1)  # the first contact of everyone below
    births: list[dt.date | None] = [None, D(2008, 2, 29), D(Y, 3, 2), first, D(Y, 2, 28)]
    for years in (18, 30, 55, 65):
        births += [first.replace(year=Y - years) + dt.timedelta(days=d) for d in (-1, 0, 1)]
    people = []
    for i, birth in enumerate(births):
        p = persons.create_person(uow, last_name=f"Rand{i}", birth_date=birth, gender=genders[i % 4],
                                  district_id=district_ids[i % 3])
        requests.create_contact(uow, person_id=p.id, date=first)
        requests.create_contact(uow, person_id=p.id, date=D(Y, 9, 1))
        people.append(p)
    act = activities.create_activity(uow, name="Nähcafé")
    early = activities.create_session(uow, activity_id=act.id, date=D(Y, 2, 27), anonymous_count=4)
    late = activities.create_session(uow, activity_id=act.id, date=D(Y, 12, 30))
    guest = persons.create_person(uow, last_name="Nurgast", birth_date=D(Y - 18, 2, 28), gender="divers")
    for sess in (early, late):
        activities.add_attendance(uow, session_id=sess.id, person_id=guest.id)
    activities.add_attendance(uow, session_id=early.id, person_id=people[3].id)  # first day moves earlier
    for p in (people[1], guest, persons.create_person(uow, last_name="Nurhelfer")):
        v = volunteers.create_volunteer(uow, person_id=p.id, started_on=D(Y - 1, 1, 1))
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=D(Y, 3, 5), hours=2)
    requests.record_anonymous(uow, date=D(Y, 3, 1), count=3)
    uow.commit()
    return uow


@pytest.mark.parametrize(("start", "end"), [
    (D(Y, 1, 1), D(Y, 12, 31)), (D(Y, 1, 1), D(Y, 3, 31)), (D(Y, 2, 28), D(Y, 3, 1)),
    (D(Y, 3, 2), D(Y, 12, 31)), (D(Y, 12, 1), D(Y + 1, 1, 31)), (D(Y + 1, 1, 1), D(Y + 1, 12, 31)),
])
@pytest.mark.parametrize("count_attendance", [True, False])
def test_edge_cases_give_the_figures_of_the_python_path(edges, start, end, count_attendance):
    assert_same(edges, start, end, count_attendance)


def test_edge_cases_fill_every_band_and_the_volunteer_overlap(edges):
    s = assert_same(edges, D(Y, 1, 1), D(Y, 12, 31))
    assert all(s.by_age_band.values()), s.by_age_band  # the cases reach every band
    # no birth date; born the day after the first contact; born on it but came the days before
    assert s.by_age_band["unbekannt"] == 3
    assert s.volunteers_also_participants == 2 and s.volunteers_active == 3
    assert s.participants_named == 18  # 17 with contacts, 1 guest


# --------------------------------------------------------------------------- demo data

@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    from kuemmerer.services import demo

    ws = create_encrypted(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    with ws.uow() as uow:
        demo.generate(uow, years=2, seed=7, today=D(2026, 11, 20))
    yield ws
    ws.close()


DEMO_PERIODS = [
    (D(2025, 1, 1), D(2025, 12, 31)),  # a year
    (D(2026, 4, 1), D(2026, 6, 30)),  # a quarter
    (D(2025, 10, 15), D(2026, 2, 28)),  # across a year end
    (D(2020, 1, 1), D(2020, 12, 31)),  # before anything happened
    (D(2024, 11, 20), D(2026, 11, 20)),  # everything
]


@pytest.mark.parametrize(("start", "end"), DEMO_PERIODS)
@pytest.mark.parametrize("count_attendance", [True, False])
def test_demo_data_give_the_figures_of_the_python_path(demo_ws, start, end, count_attendance):
    with demo_ws.uow(read_only=True) as uow:
        s = assert_same(uow, start, end, count_attendance)
    if start.year == 2020:
        assert s.participants_named == 0 and sum(s.by_district.values()) == 0
    else:
        assert s.participants_named > 0 and sum(s.by_age_band.values()) == s.participants_named


def test_demo_data_reach_attendance_and_volunteers(demo_ws):
    """The comparison above means something: the demo year has attendance-only participants
    and volunteers who take part."""
    with demo_ws.uow(read_only=True) as uow:
        with_attendance = assert_same(uow, D(2025, 1, 1), D(2025, 12, 31), True)
        without = assert_same(uow, D(2025, 1, 1), D(2025, 12, 31), False)
    assert with_attendance.participants_named > without.participants_named
    assert with_attendance.volunteers_also_participants > 0


# --------------------------------------------------------------------------- generated database

def _load(name: str):
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated_ws(tmp_path_factory):
    """2,000 persons and 20,000 contacts over ten years up to 30.06.2026, encrypted as the
    benchmarks measure it."""
    generate_large, encrypted = _load("generate_large"), _load("encrypted")
    plain = tmp_path_factory.mktemp("generated") / "generated.sqlite"
    generate_large.generate(generate_large.parse_args(
        ["--out", str(plain), "--persons", "2000", "--contacts", "20000", "--today", "2026-06-30", "--force"]))
    ws = open_workspace(encrypted.encrypted_copy(plain), create=False, key=encrypted.BENCH_KEY)
    yield ws
    ws.close()


GENERATED_PERIODS = [
    (D(2025, 1, 1), D(2025, 12, 31)),  # a year
    (D(2024, 4, 1), D(2024, 6, 30)),  # a quarter
    (D(2023, 11, 15), D(2024, 2, 15)),  # across a year end
    (D(2010, 1, 1), D(2010, 12, 31)),  # before anything happened
    (D(2016, 1, 1), D(2026, 12, 31)),  # everything
]


@pytest.mark.parametrize(("start", "end"), GENERATED_PERIODS)
def test_generated_database_gives_the_figures_of_the_python_path(generated_ws, start, end):
    with generated_ws.uow(read_only=True) as uow:
        s = assert_same(uow, start, end)
    if start.year == 2010:
        assert s.participants_named == 0 and s.contacts == 0
    else:
        assert s.participants_named > 100 and sum(s.by_gender.values()) == s.participants_named

"""The Aktivitäten list, read side: its figures for a year (sessions, next session, named
attendance, distinct participants, anonymous heads, volunteer hours) counted in SQL, its
filters and its German sort; and per activity its sessions, per session who came and who
helped."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from kuemmerer.services import activities, activity_overview, lists, persons, validation, volunteers
from kuemmerer.services.activity_overview import ActivityQuery

D = dt.date
TODAY = D(2025, 6, 15)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def cafe(uow, kappel):
    """Café international: sessions in 2024, 2025 (past and to come) and 2026; one person at
    five sessions of 2025, another at two, anonymous heads, Einsätze."""
    with_field = lists.list_action_fields(uow)[0]
    act = activities.create_activity(uow, name="Café international", kind="gruppe", district_id=kappel.id,
                                     location="Treff Kappel", action_field_id=with_field.id,
                                     funder="Soziale Stadt", starts_on=D(2024, 1, 1))
    dates_2025 = [D(2025, 1, 7), D(2025, 2, 4), D(2025, 3, 4), D(2025, 4, 1), D(2025, 5, 6)]
    s25 = [activities.create_session(uow, activity_id=act.id, date=d, start_time="15:00") for d in dates_2025]
    later = activities.create_session(uow, activity_id=act.id, date=D(2025, 7, 1))
    soon = activities.create_session(uow, activity_id=act.id, date=D(2025, 6, 17))
    old = activities.create_session(uow, activity_id=act.id, date=D(2024, 11, 5), anonymous_count=40)
    activities.create_session(uow, activity_id=act.id, date=D(2026, 1, 6))
    anna = persons.create_person(uow, last_name="Arslan", first_name="Anna")
    ben = persons.create_person(uow, last_name="Brandt", first_name="Ben")
    for s in s25:
        activities.add_attendance(uow, session_id=s.id, person_id=anna.id)
    for s in s25[:2]:
        activities.add_attendance(uow, session_id=s.id, person_id=ben.id)
    activities.add_attendance(uow, session_id=old.id, person_id=ben.id)  # 2024: not this year
    activities.set_headcounts(uow, s25[0].id, {("weiblich", "u18"): 3, ("maennlich", "30_54"): 2})
    activities.update_session(uow, s25[1].id, anonymous_count=4)
    helper = volunteers.create_volunteer(
        uow, person_id=persons.create_person(uow, last_name="Hilfreich", first_name="Hanna").id)
    volunteers.create_assignment(uow, volunteer_id=helper.id, activity_id=act.id, session_id=s25[0].id,
                                 hours="2,5", role="Kaffee")
    volunteers.create_assignment(uow, volunteer_id=helper.id, activity_id=act.id, date=D(2025, 3, 4), hours=1)
    volunteers.create_assignment(uow, volunteer_id=helper.id, activity_id=act.id, session_id=old.id, hours=3)
    return {"activity": act, "s25": s25, "soon": soon, "later": later, "old": old, "anna": anna, "ben": ben,
            "helper": helper, "field": with_field, "kappel": kappel}


def row_of(rows, ident):
    return next(r for r in rows if r.id == ident)


def test_the_figures_of_a_year_a_person_at_five_sessions_counts_once(uow, cafe):
    row = row_of(activity_overview.activity_overview(uow, 2025), cafe["activity"].id)
    assert (row.name, row.kind_label, row.district, row.action_field, row.funder, row.location) == (
        "Café international", "offener Treff/Gruppe", "Kappel", cafe["field"].name, "Soziale Stadt", "Treff Kappel")
    assert (row.sessions_year, row.sessions_total) == (7, 9)
    assert row.next_session == D(2025, 6, 17)  # the next from today on, not the first of the year
    assert row.attendances == 7  # Anna five times, Ben twice
    assert row.participants == 2  # each of them once
    assert row.anonymous == 9  # 3 + 2 + 4; the 40 of 2024 are not in 2025
    assert (row.minutes, row.hours) == (210, 3.5)  # 2.5 h + 1 h; the 3 h of 2024 not
    last_year = row_of(activity_overview.activity_overview(uow, 2024), cafe["activity"].id)
    assert (last_year.sessions_year, last_year.attendances, last_year.participants, last_year.anonymous,
            last_year.hours) == (1, 1, 1, 40, 3.0)
    assert last_year.next_session == D(2025, 6, 17)  # "next" is always from today


def test_an_activity_without_sessions_shows_zeros(uow):
    act = activities.create_activity(uow, name="Frühjahrsputz", kind="aktion")
    row = row_of(activity_overview.activity_overview(uow), act.id)
    assert (row.year, row.sessions_year, row.sessions_total, row.next_session, row.attendances,
            row.participants, row.anonymous, row.minutes) == (2025, 0, 0, None, 0, 0, 0, 0)
    assert (row.district, row.action_field, row.funder) == (None, None, None)


def test_the_figures_take_a_fixed_number_of_statements_however_many_sessions(uow, cafe):
    """Counted by SQL: twenty more sessions with attendance add no statement."""
    engine = uow.session.get_bind()
    statements: list[str] = []

    def count(*_args):
        statements.append("x")

    def run() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            activity_overview.activity_overview(uow, 2025)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    before = run()
    act = cafe["activity"].id
    made = activities.create_series(uow, activity_id=act, first=D(2025, 1, 1), until=D(2025, 6, 1), weekdays=[3])
    for s in made:
        activities.add_attendance(uow, session_id=s.id, person_id=cafe["anna"].id)
    assert len(made) == 22
    assert run() == before
    row = row_of(activity_overview.activity_overview(uow, 2025), act)
    assert (row.sessions_year, row.attendances, row.participants) == (29, 29, 2)


def test_search_is_folded_and_every_word_must_match(uow, cafe):
    other = activities.create_activity(uow, name="Spieleabend", location="Bürgerhaus")
    ids = lambda text: {r.id for r in activity_overview.activity_overview(uow, 2025, text)}  # noqa: E731
    assert ids("cafe") == {cafe["activity"].id}
    assert ids("CAFÉ kappel") == {cafe["activity"].id}  # name and district
    assert ids("soziale") == {cafe["activity"].id}  # funder
    assert ids("burgerhaus") == {other.id}  # place, typed without umlaut
    assert ids("cafe spiele") == set()
    assert ids("") == {cafe["activity"].id, other.id}


def test_kind_and_active_filters(uow, cafe):
    course = activities.create_activity(uow, name="Deutschkurs", kind="kurs")
    ended = activities.create_activity(uow, name="Ferienspiele 2023", kind="kurs", active=False)
    ids = lambda **kw: {r.id for r in activity_overview.activity_overview(uow, 2025, **kw)}  # noqa: E731
    assert ids(kind="kurs") == {course.id, ended.id}
    assert ids(kind="kurs", active=True) == {course.id}
    assert ids(active=False) == {ended.id}
    assert ids() == {cafe["activity"].id, course.id, ended.id}
    query = ActivityQuery(year=2025, kind="gruppe", active=True)
    assert [r.id for r in activity_overview.overview(uow, query)] == [cafe["activity"].id]
    with pytest.raises(ValueError):
        activity_overview.activity_overview(uow, kind="nix")


def test_german_sort_and_sort_by_figures(uow, cafe):
    names = ["Zumba", "Öko-Garten", "Apfelernte", "obstwiese"]
    made = {n: activities.create_activity(uow, name=n) for n in names}
    activities.create_session(uow, activity_id=made["Zumba"].id, date=D(2025, 6, 16))
    by_name = [r.name for r in activity_overview.activity_overview(uow, 2025)]
    assert by_name == ["Apfelernte", "Café international", "obstwiese", "Öko-Garten", "Zumba"]
    down = [r.name for r in activity_overview.activity_overview(uow, 2025, sort="name", descending=True)]
    assert down == by_name[::-1]
    by_next = [r.name for r in activity_overview.activity_overview(uow, 2025, sort="next_session")]
    assert by_next[:2] == ["Zumba", "Café international"]  # 16.06. before 17.06.; none: last
    by_people = [r.name for r in activity_overview.activity_overview(uow, 2025, sort="participants",
                                                                        descending=True)]
    assert by_people[0] == "Café international"
    with pytest.raises(ValueError):
        activity_overview.activity_overview(uow, sort="sessions; DROP TABLE")


def test_sessions_with_their_counts_and_who_came_and_helped(uow, cafe):
    rows = activity_overview.sessions_of(uow, cafe["activity"].id)
    assert [r.date for r in rows] == sorted(r.date for r in rows)
    first = next(r for r in rows if r.id == cafe["s25"][0].id)
    assert (first.attendances, first.anonymous_count, first.assignments, first.hours) == (2, 5, 1, 2.5)
    assert [(a.name, a.person_id) for a in activity_overview.attendees(uow, first.id)] == [
        ("Arslan, Anna", cafe["anna"].id), ("Brandt, Ben", cafe["ben"].id)]
    [helper] = activity_overview.helpers(uow, first.id)
    assert (helper.name, helper.hours, helper.role, helper.date) == ("Hilfreich, Hanna", 2.5, "Kaffee", D(2025, 1, 7))


def test_years_offered_run_from_the_first_session_to_this_year_or_later(uow, cafe):
    assert activity_overview.activity_years(uow) == [2026, 2025, 2024]

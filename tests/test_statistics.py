"""Counting rules of DESIGN.md §4 on hand-built data, and the demo data cross-checked
against an independent plain-SQL computation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import CountingRules
from kuemmerer.services import activities, lists, partners, persons, requests, settings, statistics, volunteers

Y = 2025
FULL_YEAR = (dt.date(Y, 1, 1), dt.date(Y, 12, 31))
D = dt.date


def compute(uow, start=FULL_YEAR[0], end=FULL_YEAR[1], **rules):
    return statistics.compute(uow, start, end, CountingRules(**rules) if rules else None)


def person(uow, name, **kw):
    return persons.create_person(uow, last_name=name, **kw)


def contact(uow, p, day, **kw):
    return requests.create_contact(uow, person_id=p.id, date=day, **kw)


def test_a_person_with_three_contacts_counts_once(uow):
    p = person(uow, "Dreimal")
    for day in (D(Y, 1, 10), D(Y, 5, 5), D(Y, 11, 30)):
        contact(uow, p, day)
    s = compute(uow)
    assert s.participants_named == 1
    assert s.contacts == 3


def test_period_bounds_are_inclusive_and_outside_contacts_ignored(uow):
    inside_first, inside_last, before, after = (person(uow, n) for n in ("A", "B", "C", "E"))
    contact(uow, inside_first, D(Y, 1, 1))
    contact(uow, inside_last, D(Y, 12, 31))
    contact(uow, before, D(Y - 1, 12, 31))
    contact(uow, after, D(Y + 1, 1, 1))
    assert compute(uow).participants_named == 2


def test_age_band_is_taken_on_the_first_counted_date_in_the_period(uow):
    # 17 at the first contact (1 March), 18 at the second (1 July)
    p = person(uow, "Jung", birth_date=D(Y - 18, 6, 15))
    contact(uow, p, D(Y, 3, 1))
    contact(uow, p, D(Y, 7, 1))
    assert compute(uow).by_age_band["unter 18"] == 1
    assert compute(uow).by_age_band["18–29"] == 0
    # a period starting after the birthday sees an 18-year-old
    second_half = compute(uow, D(Y, 7, 1), D(Y, 12, 31))
    assert second_half.by_age_band["18–29"] == 1 and second_half.by_age_band["unter 18"] == 0


@pytest.mark.parametrize(("birth", "band"), [
    (None, "unbekannt"), (D(Y - 30, 1, 1), "30–54"), (D(Y - 55, 1, 1), "55–64"),
    (D(Y - 64, 1, 2), "55–64"), (D(Y - 65, 1, 1), "65 und älter"), (D(Y - 29, 1, 2), "18–29"),
])
def test_age_band_edges(uow, birth, band):
    p = person(uow, "X", birth_date=birth)
    contact(uow, p, D(Y, 1, 1))
    s = compute(uow)
    assert s.by_age_band[band] == 1 and sum(s.by_age_band.values()) == 1


def test_anonymous_participants_are_kept_apart(uow):
    named = person(uow, "Bekannt")
    contact(uow, named, D(Y, 2, 2))
    requests.record_anonymous(uow, date=D(Y, 2, 2), count=3)
    requests.record_anonymous(uow, date=D(Y, 3, 3))
    requests.record_anonymous(uow, date=D(Y - 1, 3, 3), count=50)  # other period
    act = activities.create_activity(uow, name="Café international")
    activities.create_session(uow, activity_id=act.id, date=D(Y, 4, 4), anonymous_count=12)
    s = compute(uow)
    assert s.participants_named == 1
    assert s.participants_anonymous == 3 + 1 + 12
    assert s.attendance_anonymous == 12
    assert sum(s.by_gender.values()) == 1  # the breakdowns are of the named only


def test_attendance_makes_a_participant_unless_the_setting_says_otherwise(uow):
    p = person(uow, "Gast")
    act = activities.create_activity(uow, name="Spieleabend")
    s1 = activities.create_session(uow, activity_id=act.id, date=D(Y, 5, 1))
    s2 = activities.create_session(uow, activity_id=act.id, date=D(Y, 6, 1))
    activities.add_attendance(uow, session_id=s1.id, person_id=p.id)
    activities.add_attendance(uow, session_id=s2.id, person_id=p.id)
    s = compute(uow)
    assert s.participants_named == 1 and s.attendance_named == 2 and s.sessions == 2
    assert compute(uow, count_attendance=False).participants_named == 0
    settings.set_counting_rules(uow, count_attendance=False, suppress_below=5)
    assert statistics.compute(uow, *FULL_YEAR).participants_named == 0


def test_first_date_combines_contacts_and_attendance(uow):
    p = person(uow, "Beides", birth_date=D(Y - 18, 3, 1))  # turns 18 on 1 March
    act = activities.create_activity(uow, name="Kurs")
    sess = activities.create_session(uow, activity_id=act.id, date=D(Y, 2, 1))  # 17 here
    activities.add_attendance(uow, session_id=sess.id, person_id=p.id)
    contact(uow, p, D(Y, 4, 1))
    assert compute(uow).by_age_band["unter 18"] == 1


def test_volunteers_are_counted_separately_with_hours(uow):
    helper = person(uow, "Helferin")
    both = person(uow, "Beides")
    act = activities.create_activity(uow, name="Frühjahrsputz")
    for p, hours in ((helper, "2,5"), (both, 3)):
        v = volunteers.create_volunteer(uow, person_id=p.id, started_on=D(Y - 1, 1, 1))
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=D(Y, 4, 12), hours=hours)
    contact(uow, both, D(Y, 5, 5))
    s = compute(uow)
    assert s.volunteers_active == 2
    assert s.volunteer_hours == 5.5
    assert s.participants_named == 1  # only the one who also came as a resident
    assert s.volunteers_also_participants == 1


def test_districts_including_unknown_and_outside(uow):
    kappel = lists.districts.create(uow, name="Kappel")
    outside = next(d for d in lists.list_districts(uow) if d.name == "außerhalb")
    for name, district in (("K", kappel.id), ("O", outside.id), ("U", None)):
        contact(uow, person(uow, name, district_id=district), D(Y, 3, 3))
    s = compute(uow)
    assert s.by_district == {"Kappel": 1, "außerhalb": 1, "unbekannt": 1}


def test_gender_labels(uow):
    for g in ("weiblich", "maennlich", "divers", "keine_angabe"):
        contact(uow, person(uow, g, gender=g), D(Y, 3, 3))
    assert compute(uow).by_gender == {"weiblich": 1, "männlich": 1, "divers": 1, "keine Angabe": 1}


def test_requests_and_referrals_grouped(uow):
    p = person(uow, "Anliegen")
    cats = {c.name: c.id for c in lists.list_categories(uow)}
    r1 = requests.create_request(uow, person_id=p.id, title="a", category_id=cats["Sucht"], opened_on=D(Y, 1, 5))
    requests.create_request(uow, person_id=p.id, title="b", category_id=cats["Sucht"], opened_on=D(Y, 2, 5))
    requests.create_request(uow, person_id=p.id, title="c", opened_on=D(Y, 2, 6))
    requests.create_request(uow, person_id=p.id, title="old", opened_on=D(Y - 1, 12, 1),
                            status="erledigt", closed_on=D(Y, 1, 2))
    requests.update_request(uow, r1.id, status="erledigt", closed_on=D(Y, 3, 1))
    services = {s.name: s.id for s in lists.list_services(uow)}
    org = partners.create_organisation(uow, name="Beratung", service_ids=[services["Suchtberatung"]])
    ref = partners.create_referral(uow, person_id=p.id, service_id=services["Suchtberatung"],
                                   organisation_id=org.id, referred_on=D(Y, 1, 6))
    partners.create_referral(uow, person_id=p.id, service_id=services["Suchtberatung"],
                             organisation_id=org.id, referred_on=D(Y, 1, 7))
    partners.record_outcome(uow, ref.id, "angekommen", on=D(Y, 1, 20))
    s = compute(uow)
    assert (s.requests_opened, s.requests_closed) == (3, 2)
    assert s.requests_by_category["Sucht"] == 2 and s.requests_by_category["ohne Thema"] == 1
    assert s.referrals_total == 2
    assert s.referrals_by_service["Suchtberatung"] == 2 and s.referrals_by_service["Jobcenter"] == 0
    assert s.referrals_by_outcome["angekommen"] == 1 and s.referrals_by_outcome["vermittelt"] == 1
    # closing keeps the result: the arrived referral still counts as "angekommen"
    partners.close_referral(uow, ref.id, D(Y, 3, 1))
    s = compute(uow)
    assert s.referrals_by_outcome["angekommen"] == 1 and s.referrals_by_outcome["vermittelt"] == 1
    assert set(s.referrals_by_outcome) == {"vermittelt", "angekommen", "nicht wahrgenommen", "abgelehnt"}


def test_period_end_before_start_is_refused(uow):
    with pytest.raises(ValidationError) as info:
        statistics.compute(uow, D(Y, 5, 1), D(Y, 4, 1))
    assert "period_to" in info.value.errors


# --------------------------------------------------------------------------- demo cross-check

INDEPENDENT_SQL = """
WITH days AS (
    SELECT person_id, date AS day FROM contacts WHERE date BETWEEN :a AND :b
    UNION ALL
    SELECT at.person_id, s.date FROM attendances at JOIN sessions s ON s.id = at.session_id
    WHERE s.date BETWEEN :a AND :b
), firsts AS (
    SELECT person_id, MIN(day) AS first_day FROM days GROUP BY person_id
), aged AS (
    SELECT f.person_id, p.gender, COALESCE(d.name, 'unbekannt') AS district,
           CASE WHEN p.birth_date IS NULL THEN NULL
                ELSE CAST(strftime('%Y', f.first_day) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER)
                     - (strftime('%m-%d', f.first_day) < strftime('%m-%d', p.birth_date)) END AS age
    FROM firsts f JOIN persons p ON p.id = f.person_id LEFT JOIN districts d ON d.id = p.district_id
)
SELECT CASE WHEN age IS NULL THEN 'unbekannt' WHEN age < 18 THEN 'unter 18' WHEN age < 30 THEN '18–29'
            WHEN age < 55 THEN '30–54' WHEN age < 65 THEN '55–64' ELSE '65 und älter' END AS band,
       gender, district, COUNT(*) FROM aged GROUP BY 1, 2, 3
"""

GENDER_LABEL = {"weiblich": "weiblich", "maennlich": "männlich", "divers": "divers", "keine_angabe": "keine Angabe"}


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    from kuemmerer.services import demo
    from kuemmerer.services.workspace import open_workspace

    ws = open_workspace(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    with ws.uow() as uow:
        demo.generate(uow, years=2, seed=7, today=D(2026, 11, 20))
    yield ws
    ws.close()


@pytest.mark.parametrize(("start", "end"), [(D(2025, 1, 1), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 11, 20)),
                                            (D(2025, 7, 1), D(2026, 6, 30)), (D(2026, 3, 1), D(2026, 3, 31))])
def test_statistics_on_demo_data_match_plain_sql(demo_ws, start, end):
    with demo_ws.uow(read_only=True) as uow:
        s = statistics.compute(uow, start, end)
        q = lambda sql: uow.session.execute(text(sql), {"a": start, "b": end}).scalar()  # noqa: E731
        rows = uow.session.execute(text(INDEPENDENT_SQL), {"a": start, "b": end}).all()
        bands, genders, districts = {}, {}, {}
        for band, gender, district, n in rows:
            bands[band] = bands.get(band, 0) + n
            genders[GENDER_LABEL[gender]] = genders.get(GENDER_LABEL[gender], 0) + n
            districts[district] = districts.get(district, 0) + n
        assert s.participants_named == sum(n for *_, n in rows) > 0
        assert {k: v for k, v in s.by_age_band.items() if v} == bands
        assert {k: v for k, v in s.by_gender.items() if v} == genders
        assert {k: v for k, v in s.by_district.items() if v} == districts
        assert s.participants_anonymous == q(
            "SELECT (SELECT COALESCE(SUM(count),0) FROM anonymous_tallies WHERE date BETWEEN :a AND :b)"
            " + (SELECT COALESCE(SUM(anonymous_count),0) FROM sessions WHERE date BETWEEN :a AND :b)")
        assert s.contacts == q("SELECT COUNT(*) FROM contacts WHERE date BETWEEN :a AND :b")
        assert s.requests_opened == q("SELECT COUNT(*) FROM requests WHERE opened_on BETWEEN :a AND :b")
        assert s.requests_closed == q("SELECT COUNT(*) FROM requests WHERE closed_on BETWEEN :a AND :b")
        assert s.referrals_total == q("SELECT COUNT(*) FROM referrals WHERE referred_on BETWEEN :a AND :b")
        for outcome_label, n in s.referrals_by_outcome.items():
            value = {"nicht wahrgenommen": "nicht_wahrgenommen"}.get(outcome_label, outcome_label)
            assert n == uow.session.execute(text(
                "SELECT COUNT(*) FROM referrals WHERE referred_on BETWEEN :a AND :b AND outcome = :o"),
                {"a": start, "b": end, "o": value}).scalar()
        assert s.volunteers_active == q(
            "SELECT COUNT(DISTINCT volunteer_id) FROM assignments WHERE date BETWEEN :a AND :b")
        assert s.volunteer_hours == round(q(
            "SELECT COALESCE(SUM(minutes),0) FROM assignments WHERE date BETWEEN :a AND :b") / 60, 2)
        assert s.sessions == q("SELECT COUNT(*) FROM sessions WHERE date BETWEEN :a AND :b")
        assert s.attendance_named == q(
            "SELECT COUNT(*) FROM attendances a JOIN sessions s ON s.id=a.session_id WHERE s.date BETWEEN :a AND :b")
        assert s.meetings == q("SELECT COUNT(*) FROM meetings WHERE date BETWEEN :a AND :b")
        assert sum(s.referrals_by_service.values()) == s.referrals_total
        assert sum(s.requests_by_category.values()) == s.requests_opened


# --------------------------------------------------------------------------- closed years


def test_erasing_a_person_does_not_change_reported_past_years(ws):
    last_year = dt.date.today().year - 1
    past = (D(last_year, 1, 1), D(last_year, 12, 31))
    with ws.uow() as uow:
        leaving = person(uow, "Geht", birth_date=D(1980, 1, 1))
        stays = person(uow, "Bleibt")
        contact(uow, leaving, D(last_year, 3, 3))
        contact(uow, stays, D(last_year, 4, 4))
        contact(uow, leaving, dt.date.today())
        before = statistics.report(uow, *past)
        assert not statistics.is_frozen(uow, last_year)
        persons.delete_person(uow, leaving.id)
    with ws.uow(read_only=True) as uow:
        assert statistics.is_frozen(uow, last_year)
        assert not statistics.is_frozen(uow, dt.date.today().year)  # the running year stays live
        after = statistics.report(uow, *past)
        live = statistics.compute(uow, *past)
        this_year = statistics.report(uow, D(dt.date.today().year, 1, 1), D(dt.date.today().year, 12, 31))
    assert after == before and after.participants_named == 2 and after.by_age_band["30–54"] == 1
    assert live.participants_named == 1  # the erased person's rows are really gone
    assert this_year.participants_named == 0


def test_report_for_partial_periods_is_always_live(ws):
    last_year = dt.date.today().year - 1
    with ws.uow() as uow:
        p = person(uow, "Geht")
        contact(uow, p, D(last_year, 3, 3))
        persons.delete_person(uow, p.id)
        assert statistics.report(uow, D(last_year, 1, 1), D(last_year, 6, 30)).participants_named == 0
        assert statistics.report(uow, D(last_year, 1, 1), D(last_year, 12, 31)).participants_named == 1


def test_statistics_survive_the_json_round_trip(uow):
    p = person(uow, "Rund", birth_date=D(2000, 5, 5), gender="divers")
    contact(uow, p, D(Y, 2, 2))
    s = compute(uow)
    from kuemmerer.services.dto import Statistics

    assert Statistics.from_json(s.as_json()) == s


def test_figures_list_districts_themen_and_angebote_in_her_order(ws, uow):
    """The tables for funders follow the order she set in Einstellungen, not the alphabet."""
    names = {s.name: s.id for s in lists.list_services(uow)}
    lists.set_order(uow, "services", [names["Suchtberatung"], names["Jobcenter"]])
    cats = {c.name: c.id for c in lists.list_categories(uow)}
    lists.set_order(uow, "categories", [cats["Sonstiges"]])
    s = statistics.compute(uow, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert list(s.referrals_by_service)[:2] == ["Suchtberatung", "Jobcenter"]
    assert next(iter(s.requests_by_category)) == "Sonstiges"

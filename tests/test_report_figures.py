"""The Berichte figures as data: figures with their counting sentence, breakdowns by
month, and drill-down lists whose length is exactly the count clicked — on small data
counted by hand; plus the statistics benchmark at a tiny size (no time asserted)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

from kuemmerer.db import report_queries_figures
from kuemmerer.domain.periods import Period
from kuemmerer.services import (
    activities,
    lists,
    networks,
    partners,
    persons,
    report_figures,
    requests,
    settings,
    statistics,
    volunteers,
)
from kuemmerer.services.report_figures import Cancelled, Drill

Y = 2025
D = dt.date
YEAR = Period.year(Y)


@pytest.fixture
def data(uow):
    """Hand-counted year 2025:
    - Anna (Kappel, weiblich, born 1990): contacts 10.01. and 05.03., Thema Sucht
    - Bernd (Kappel, männlich, born 2010): contact 20.03.; attends a session 15.01.
    - Cem (no district, divers, no birth date): contact 02.03.
    - Dora (außerhalb, weiblich, born 1950): contact 31.12.2024 only (outside the year)
    - Requests: Anna "Schulden" (Sucht, 11.01.), Cem "Formular" (no Thema, 02.03., closed 20.03.)
    - Referrals: Anna → Suchtberatung 12.01. (angekommen), Cem → Suchtberatung 03.03. (vermittelt)
    - Volunteer Dora: 2 Einsätze, 2,5 h + 1 h; session 15.01. with 4 anonymous heads;
      tallies 3 (05.02.) + 2 (06.02.); one meeting 20.02.
    """
    kappel = lists.districts.create(uow, name="Kappel")
    outside = next(d for d in lists.list_districts(uow) if d.name == "außerhalb")
    cats = {c.name: c.id for c in lists.list_categories(uow)}
    anna = persons.create_person(uow, last_name="Anfang", first_name="Anna", district_id=kappel.id,
                                 gender="weiblich", birth_date=D(1990, 6, 1))
    bernd = persons.create_person(uow, last_name="Berg", first_name="Bernd", district_id=kappel.id,
                                  gender="maennlich", birth_date=D(2010, 2, 1))
    cem = persons.create_person(uow, last_name="Celik", first_name="Cem", gender="divers")
    dora = persons.create_person(uow, last_name="Dorn", first_name="Dora", district_id=outside.id,
                                 gender="weiblich", birth_date=D(1950, 1, 1))
    for p, day in ((anna, D(Y, 1, 10)), (anna, D(Y, 3, 5)), (bernd, D(Y, 3, 20)), (cem, D(Y, 3, 2)),
                   (dora, D(Y - 1, 12, 31))):
        requests.create_contact(uow, person_id=p.id, date=day, category_id=cats["Sucht"] if p is anna else None)
    requests.create_request(uow, person_id=anna.id, title="Schulden", category_id=cats["Sucht"],
                            opened_on=D(Y, 1, 11))
    requests.create_request(uow, person_id=cem.id, title="Formular", opened_on=D(Y, 3, 2),
                            status="erledigt", closed_on=D(Y, 3, 20))
    services = {s.name: s.id for s in lists.list_services(uow)}
    org = partners.create_organisation(uow, name="Beratungsstelle Süd", service_ids=[services["Suchtberatung"]])
    ref = partners.create_referral(uow, person_id=anna.id, service_id=services["Suchtberatung"],
                                   organisation_id=org.id, referred_on=D(Y, 1, 12))
    partners.record_outcome(uow, ref.id, "angekommen", on=D(Y, 1, 20))
    partners.create_referral(uow, person_id=cem.id, service_id=services["Suchtberatung"],
                             organisation_id=org.id, referred_on=D(Y, 3, 3))
    act = activities.create_activity(uow, name="Spieleabend")
    session = activities.create_session(uow, activity_id=act.id, date=D(Y, 1, 15), anonymous_count=4)
    activities.add_attendance(uow, session_id=session.id, person_id=bernd.id)
    v = volunteers.create_volunteer(uow, person_id=dora.id, started_on=D(Y - 1, 1, 1))
    volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=D(Y, 1, 15), hours="2,5")
    volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=D(Y, 2, 15), hours=1)
    requests.record_anonymous(uow, date=D(Y, 2, 5), count=3)
    requests.record_anonymous(uow, date=D(Y, 2, 6), count=2)
    net = networks.create_network(uow, name="Stadtteilrunde")
    networks.create_meeting(uow, network_id=net.id, date=D(Y, 2, 20))
    uow.commit()
    return {"anna": anna.id, "bernd": bernd.id, "cem": cem.id, "dora": dora.id}


def names(uow, drill: Drill) -> list[str]:
    return [r.cells[0] if drill.kind in ("participants", "volunteers") else r.cells[1]
            for r in report_figures.drill_page(uow, drill, 0, 1000)]


def test_figures_with_their_counting_sentence(uow, data):
    o = report_figures.overview(uow, YEAR)
    values = {f.key: f.value for s in o.sections for f in s.figures}
    assert values == {
        "participants_named": 3, "participants_anonymous": 3 + 2 + 4, "contacts": 4, "requests_opened": 2,
        "requests_closed": 1, "referrals_total": 2, "volunteers_active": 1, "volunteer_hours": 3.5,
        "volunteers_also_participants": 0, "sessions": 1, "attendance_named": 1, "attendance_anonymous": 4,
        "meetings": 1,
    }
    assert [s.title for s in o.sections] == ["Teilnehmende", "Kontakte und Anliegen", "Ehrenamt",
                                             "Aktivitäten und Netzwerk"]
    rule = o.figure("participants_named").rule
    assert "einmal" in rule and "Teilnahme an einem Termin" in rule
    assert all(f.rule.endswith(".") and len(f.rule) > 30 for s in o.sections for f in s.figures)
    assert "Alter am ersten gezählten Tag" in o.breakdown("by_age_band").rule
    assert not o.frozen and "aktuellen Daten" in o.note
    settings.set_counting_rules(uow, count_attendance=False, suppress_below=5)
    rule = report_figures.overview(uow, YEAR).figure("participants_named").rule
    assert "mindestens einem Kontakt im Zeitraum" in rule and "Termin" not in rule


def test_breakdowns_by_district_gender_age_thema_angebot_result(uow, data):
    o = report_figures.overview(uow, YEAR)
    assert o.breakdown("by_district").value("Kappel") == 2
    assert o.breakdown("by_district").value("unbekannt") == 1
    assert o.breakdown("by_district").value("außerhalb") == 0  # Dora came only in 2024
    assert o.breakdown("by_gender").value("divers") == 1
    assert o.breakdown("by_age_band").value("unter 18") == 1  # Bernd, 14
    assert o.breakdown("by_age_band").value("30–54") == 1  # Anna, 34
    assert o.breakdown("by_category").value("Sucht") == 1
    assert o.breakdown("by_category").value("ohne Thema") == 1
    assert o.breakdown("by_service").value("Suchtberatung") == 2
    assert o.breakdown("by_outcome").value("angekommen") == 1
    assert o.breakdown("by_outcome").value("vermittelt") == 1


def test_by_month_counts_contacts_new_requests_and_first_counted_participants(uow, data):
    o = report_figures.overview(uow, YEAR)
    months = o.breakdown("by_month")
    assert months.columns == ("Teilnehmende erstmals", "Kontakte", "Anliegen neu")
    assert [r.label for r in months.rows][:3] == ["Januar 2025", "Februar 2025", "März 2025"]
    assert len(months.rows) == 12
    # January: Anna (contact 10.01.) and Bernd (session 15.01.) first counted; 1 contact; 1 request
    assert months.row("Januar 2025").values == (2, 1, 1)
    assert months.row("Februar 2025").values == (0, 0, 0)
    # March: Cem first counted (Anna and Bernd already in January); 3 contacts; 1 request
    assert months.row("März 2025").values == (1, 3, 1)
    assert sum(r.values[0] for r in months.rows) == o.figure("participants_named").value
    assert sum(r.values[1] for r in months.rows) == o.figure("contacts").value
    # a quarter lists its three months only
    q1 = report_figures.overview(uow, Period.quarter(Y, 1)).breakdown("by_month")
    assert [r.label for r in q1.rows] == ["Januar 2025", "Februar 2025", "März 2025"]
    # without attendance Bernd is first counted at his contact in March
    settings.set_counting_rules(uow, count_attendance=False, suppress_below=5)
    months = report_figures.overview(uow, YEAR).breakdown("by_month")
    assert months.row("Januar 2025").values[0] == 1 and months.row("März 2025").values[0] == 2


def test_drill_down_lists_exactly_the_records_behind_each_count(uow, data):
    o = report_figures.overview(uow, YEAR)

    def listed(drill):
        return names(uow, drill)

    assert listed(o.figure("participants_named").drill) == ["Anfang, Anna", "Berg, Bernd", "Celik, Cem"]
    assert listed(o.breakdown("by_district").row("Kappel").drills[0]) == ["Anfang, Anna", "Berg, Bernd"]
    assert listed(o.breakdown("by_district").row("unbekannt").drills[0]) == ["Celik, Cem"]
    assert listed(o.breakdown("by_district").row("außerhalb").drills[0]) == []
    assert listed(o.breakdown("by_age_band").row("unter 18").drills[0]) == ["Berg, Bernd"]
    assert listed(o.breakdown("by_age_band").row("unbekannt").drills[0]) == ["Celik, Cem"]
    assert listed(o.breakdown("by_gender").row("weiblich").drills[0]) == ["Anfang, Anna"]
    assert listed(o.breakdown("by_category").row("ohne Thema").drills[0]) == ["Celik, Cem"]
    assert listed(o.breakdown("by_outcome").row("angekommen").drills[0]) == ["Anfang, Anna"]
    assert listed(o.figure("contacts").drill) == ["Anfang, Anna", "Celik, Cem", "Anfang, Anna", "Berg, Bernd"]
    assert listed(o.breakdown("by_month").row("März 2025").drills[0]) == ["Celik, Cem"]
    assert listed(o.breakdown("by_month").row("März 2025").drills[1]) == ["Celik, Cem", "Anfang, Anna",
                                                                            "Berg, Bernd"]
    assert listed(o.figure("volunteers_active").drill) == ["Dorn, Dora"]
    # every count of the page equals its list (rows, hours or anonymous heads)
    checked = 0
    for section in o.sections:
        for f in section.figures:
            if f.drill is not None:
                assert report_figures.drill_total(uow, f.drill).value == f.value, f.key
                checked += 1
    for b in o.breakdowns:
        for row in b.rows:
            for value, drill in zip(row.values, row.drills, strict=True):
                assert report_figures.drill_total(uow, drill).value == value, (b.key, row.label)
                assert len(report_figures.drill_page(uow, drill, 0, 1000)) == report_figures.drill_total(
                    uow, drill).rows
                checked += 1
    assert checked > 50
    hours = report_figures.drill_total(uow, o.figure("volunteer_hours").drill)
    assert (hours.rows, hours.value) == (1, 3.5)
    anonymous = report_figures.drill_total(uow, o.figure("participants_anonymous").drill)
    assert (anonymous.rows, anonymous.value) == (3, 9)


def test_age_band_drill_down_matches_the_rule_at_the_edges(uow):
    """Age on the first counted day: a birthday on that very day counts; a birth date after
    it (a typing error) gives "unbekannt", as in the statistics, not a negative age."""
    cases = {"Eck": D(Y - 18, 3, 1), "Fink": D(Y - 18, 3, 2), "Gans": D(Y, 6, 1), "Hahn": D(Y - 65, 3, 1)}
    for name, birth in cases.items():
        p = persons.create_person(uow, last_name=name, birth_date=birth)
        requests.create_contact(uow, person_id=p.id, date=D(Y, 3, 1))
        requests.create_contact(uow, person_id=p.id, date=D(Y, 7, 1))
    o = report_figures.overview(uow, YEAR)
    bands = o.breakdown("by_age_band")
    expected = {"18–29": ["Eck"], "unter 18": ["Fink"], "unbekannt": ["Gans"], "65 und älter": ["Hahn"]}
    for label, who in expected.items():
        assert bands.value(label) == len(who)
        assert names(uow, bands.row(label).drills[0]) == who


def test_drill_rows_carry_dates_person_ids_and_german_labels(uow, data):
    o = report_figures.overview(uow, YEAR)
    first = report_figures.drill_page(uow, o.figure("participants_named").drill)[1]
    assert first.person_id == data["bernd"]
    assert first.cells == ("Berg, Bernd", D(Y, 1, 15), "Kappel", "männlich", "unter 18")
    assert report_figures.drill_columns("participants")[:2] == ("Name", "erstmals gezählt")
    ref = report_figures.drill_page(uow, o.figure("referrals_total").drill)[0]
    assert ref.cells == (D(Y, 1, 12), "Anfang, Anna", "Suchtberatung", "Beratungsstelle Süd", "angekommen")
    session, tally = report_figures.drill_page(uow, o.figure("participants_anonymous").drill)[:2]
    assert session.cells == (D(Y, 1, 15), "Termin", "Spieleabend", 4)
    assert tally.cells == (D(Y, 2, 5), "Strichliste", "Sprechzeit", 3)


def test_drill_down_is_paged(uow, data):
    drill = report_figures.overview(uow, YEAR).figure("contacts").drill
    pages = [report_figures.drill_page(uow, drill, offset, 3) for offset in (0, 3)]
    assert [len(p) for p in pages] == [3, 1]
    assert len({r.id for p in pages for r in p}) == 4


def test_a_frozen_year_shows_frozen_figures_and_the_note(ws):
    last_year = dt.date.today().year - 1
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Vorjahr")
        requests.create_contact(uow, person_id=p.id, date=D(last_year, 5, 5))
        gone = persons.create_person(uow, last_name="Gelöscht")
        requests.create_contact(uow, person_id=gone.id, date=D(last_year, 6, 6))
        uow.commit()
    with ws.uow() as uow:
        persons.delete_person(uow, gone.id)  # freezes last year first
    with ws.uow(read_only=True) as uow:
        o = report_figures.overview(uow, Period.year(last_year))
        assert o.frozen and "Eingefrorene Zahlen" in o.note and o.live_note
        assert o.figure("participants_named").value == 2  # as reported
        assert {d.key: (d.frozen, d.live) for d in o.differences}["participants_named"] == (2, 1)
        live = report_figures.drill_total(uow, o.figure("participants_named").drill)
        assert live.value == 1  # the list shows the live data
        assert not report_figures.overview(uow, Period.half(last_year, 1)).frozen


def test_cancelled_work_stops(uow, data):
    with pytest.raises(Cancelled):
        report_figures.overview(uow, YEAR, cancelled=lambda: True)
    # a running query is stopped too, not only between steps
    with pytest.raises(Cancelled), report_queries_figures.interruptible(uow.session, lambda: True):
        uow.session.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                 "WHERE x < 10000000) SELECT COUNT(*) FROM c"))
    with report_queries_figures.interruptible(uow.session, lambda: False):
        assert uow.session.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                        "WHERE x < 100000) SELECT COUNT(*) FROM c")).scalar() == 100000


def test_statistics_benchmark_runs_at_a_tiny_size(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "bench_stats", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_stats.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path / "tiny.sqlite"
    bench.generate(db, persons=300, contacts=3000, today=D(2026, 6, 30))
    result = bench.run(db, year=2025, repeat=1)  # raises if the app and the plain SQL differ
    assert result["contacts"] > 0 and result["participants"] > 0
    assert result["app_ms"] > 0 and result["sql_ms"] > 0 and result["ratio"] > 0
    assert statistics.year_period(2025)[0] == D(2025, 1, 1)

"""Figures that never silently ignore data: every erasure path freezes the finished years
first, any year the services accept can be frozen, frozen figures say when they were
frozen and how the live data now differs (services and CLI)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from kuemmerer import cli
from kuemmerer.services import (
    activities,
    lists,
    networks,
    partners,
    persons,
    requests,
    statistics,
    validation,
    volunteers,
)

D = dt.date
THIS_YEAR = dt.date.today().year
LAST_YEAR = THIS_YEAR - 1
LAST = D(LAST_YEAR, 5, 4)


def year_figures(uow, year):
    return statistics.compute(uow, D(year, 1, 1), D(year, 12, 31))


def reported(ws, year):
    with ws.uow(read_only=True) as uow:
        return statistics.reported(uow, D(year, 1, 1), D(year, 12, 31))


def diffs(figures) -> dict[str, tuple]:
    return {d.key: (d.frozen, d.live) for d in figures.frozen.differences}


# --------------------------------------------------------------------------- the three named cases


def test_a_person_with_a_contact_in_1989_can_be_deleted_and_1989_keeps_its_figures(ws):
    with ws.uow() as uow:
        old = persons.create_person(uow, last_name="Altfall", birth_date="12.03.55")
        requests.create_contact(uow, person_id=old.id, date="3.4.1989")
        persons.delete_person(uow, old.id)
    with ws.uow(read_only=True) as uow:
        assert persons.list_persons(uow) == []
        assert statistics.is_frozen(uow, 1989)
    figures = reported(ws, 1989)
    assert figures.stats.participants_named == 1 and figures.stats.contacts == 1
    assert figures.stats.by_age_band["30–54"] == 1  # 34 years old on 03.04.1989
    assert diffs(figures) == {"participants_named": (1, 0), "by_age_band/30–54": (1, 0),
                              "by_gender/keine Angabe": (1, 0), "by_district/unbekannt": (1, 0),
                              "contacts": (1, 0)}


def test_deleting_a_volunteer_keeps_last_years_hours(ws):
    with ws.uow() as uow:
        helper = persons.create_person(uow, last_name="Helferin")
        act = activities.create_activity(uow, name="Frühjahrsputz")
        v = volunteers.create_volunteer(uow, person_id=helper.id, started_on=D(LAST_YEAR, 1, 1))
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=LAST, hours="2,5")
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=D(LAST_YEAR, 6, 1),
                                     hours=1)
        volunteers.delete_volunteer(uow, v.id)
    with ws.uow(read_only=True) as uow:
        assert volunteers.list_volunteers(uow) == [] and volunteers.list_assignments(uow) == []
        assert year_figures(uow, LAST_YEAR).volunteer_hours == 0  # live: gone with the volunteer
        kept = statistics.report(uow, D(LAST_YEAR, 1, 1), D(LAST_YEAR, 12, 31))
    assert (kept.volunteers_active, kept.volunteer_hours) == (1, 3.5)
    assert diffs(reported(ws, LAST_YEAR)) == {"volunteers_active": (1, 0), "volunteer_hours": (3.5, 0)}


def test_a_backdated_contact_into_a_frozen_year_warns_and_shows_up_as_a_difference(ws, kappel, capsys, db_path):
    with ws.uow() as uow:
        stays = persons.create_person(uow, last_name="Bleibt", district_id=kappel.id)
        leaves = persons.create_person(uow, last_name="Geht")
        requests.create_contact(uow, person_id=stays.id, date=LAST)
        persons.delete_person(uow, leaves.id)  # freezes last year
        assert statistics.frozen_warning(uow, D(LAST_YEAR, 2, 1)) is not None
        assert statistics.frozen_warning(uow, D(THIS_YEAR, 1, 2)) is None
        late = persons.create_person(uow, last_name="Nachtrag")
        requests.create_contact(uow, person_id=late.id, date=D(LAST_YEAR, 2, 1))
        requests.create_contact(uow, person_id=stays.id, date=D(LAST_YEAR, 9, 9))
    figures = reported(ws, LAST_YEAR)
    assert figures.stats.participants_named == 1 and figures.stats.contacts == 1  # as reported
    assert diffs(figures) == {"participants_named": (1, 2), "by_district/unbekannt": (0, 1),
                              "by_gender/keine Angabe": (1, 2), "by_age_band/unbekannt": (1, 2),
                              "contacts": (1, 3)}
    assert "eingefroren am" in figures.note and "in 5 Zahlen" in figures.note
    ws.close()

    assert cli.main(["--db", str(db_path), "stats", "--year", str(LAST_YEAR)]) == 0
    out = capsys.readouterr().out
    frozen_at = figures.frozen.frozen_at_local()
    assert f"(eingefroren am {frozen_at:%d.%m.%Y um %H:%M} Uhr)" in out
    assert "Abweichungen der aktuellen Daten von den eingefrorenen Zahlen:" in out
    table, differences = out.split("Abweichungen der aktuellen Daten")
    assert [line.split()[-1] for line in table.splitlines() if line.startswith("Kontakte ")] == ["1"]
    assert [line.split()[1:] for line in differences.splitlines() if line.strip().startswith("Kontakte ")] \
        == [["1", "3", "+2"]]

    assert cli.main(["--db", str(db_path), "stats", "--year", str(LAST_YEAR), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["contacts"] == 1
    assert data["frozen"]["frozen_at"].startswith(f"{figures.frozen.frozen_at:%Y-%m-%dT%H:%M}")
    assert {"key": "contacts", "figure": "Kontakte", "frozen": 1, "live": 3, "difference": 2} \
        in data["frozen"]["differences"]


# --------------------------------------------------------------------------- every erasure path


@pytest.fixture
def world(ws, kappel):
    """Something of every counted kind in last year."""
    with ws.uow() as u:
        svc = next(s.id for s in lists.list_services(u) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(u, name="Beratungsstelle Test", service_ids=[svc])
        p = persons.create_person(u, last_name="Erste", district_id=kappel.id)
        q = persons.create_person(u, last_name="Zweite")
        r = requests.create_request(u, person_id=p.id, title="Stromschulden", opened_on=LAST)
        c = requests.create_contact(u, person_id=q.id, date=LAST)
        t = requests.record_anonymous(u, date=LAST, count=3)
        ref = partners.create_referral(u, person_id=p.id, service_id=svc, organisation_id=org.id,
                                       referred_on=LAST)
        a = activities.create_activity(u, name="Spieleabend")
        s = activities.create_session(u, activity_id=a.id, date=LAST, anonymous_count=4)
        att = activities.add_attendance(u, session_id=s.id, person_id=p.id)
        v = volunteers.create_volunteer(u, person_id=q.id, started_on=D(LAST_YEAR, 1, 1))
        asg = volunteers.create_assignment(u, volunteer_id=v.id, activity_id=a.id, date=LAST, hours=2)
        n = networks.create_network(u, name="Stadtteilrunde")
        m = networks.create_meeting(u, network_id=n.id, date=LAST)
        other = lists.districts.create(u, name="Hutholz")
        before = year_figures(u, LAST_YEAR)
    return SimpleNamespace(p=p, q=q, r=r, c=c, t=t, ref=ref, a=a, s=s, att=att, v=v, asg=asg, n=n, m=m,
                           kappel=kappel, other=other, before=before)


ERASURES = {
    "person": lambda u, w, files: persons.delete_person(u, w.p.id),
    "volunteer": lambda u, w, files: volunteers.delete_volunteer(u, w.v.id),
    "assignment": lambda u, w, files: volunteers.delete_assignment(u, w.asg.id),
    "session": lambda u, w, files: activities.delete_session(u, w.s.id, files),
    "activity": lambda u, w, files: activities.delete_activity(u, w.a.id, files),
    "attendance": lambda u, w, files: activities.remove_attendance(u, w.att.id),
    "contact": lambda u, w, files: requests.delete_contact(u, w.c.id),
    "tally": lambda u, w, files: requests.delete_anonymous(u, w.t.id),
    "request": lambda u, w, files: requests.delete_request(u, w.r.id),
    "referral": lambda u, w, files: partners.delete_referral(u, w.ref.id),
    "meeting": lambda u, w, files: networks.delete_meeting(u, w.m.id, files),
    "network": lambda u, w, files: networks.delete_network(u, w.n.id, files),
    # not an erasure, but it rewrites last year's figures by district all the same
    "district-merge": lambda u, w, files: lists.merge(u, "districts", w.kappel.id, w.other.id),
}


@pytest.mark.parametrize("what", ERASURES)
def test_every_erasure_path_freezes_first(ws, world, what, tmp_path):
    with ws.uow() as u:
        assert not statistics.is_frozen(u, LAST_YEAR)
        ERASURES[what](u, world, tmp_path / "files")
    with ws.uow(read_only=True) as u:
        assert statistics.is_frozen(u, LAST_YEAR)
        assert not statistics.is_frozen(u, THIS_YEAR)  # the running year is not reported yet
        live = year_figures(u, LAST_YEAR)
    figures = reported(ws, LAST_YEAR)
    assert figures.stats == world.before  # what was there before the deletion
    assert figures.frozen.differences, "the deletion changed the live figures"
    assert live != world.before


def test_a_frozen_year_without_changes_says_so(ws, world):
    with ws.uow() as u:
        other = persons.create_person(u, last_name="Ohne Daten")
        persons.delete_person(u, other.id)
    figures = reported(ws, LAST_YEAR)
    assert figures.frozen is not None and figures.frozen.differences == ()
    assert figures.note.endswith("die aktuellen Daten weichen nicht davon ab.")


def test_a_period_that_is_not_a_calendar_year_is_live_and_says_so(ws, world):
    with ws.uow() as u:
        persons.delete_person(u, world.q.id)
        partial = statistics.reported(u, D(LAST_YEAR, 1, 1), D(LAST_YEAR, 6, 30))
        unfrozen = statistics.reported(u, D(THIS_YEAR, 1, 1), D(THIS_YEAR, 12, 31))
    assert partial.frozen is None and "Nur ganze Kalenderjahre werden eingefroren" in partial.note
    assert partial.stats.contacts == 0  # the contact went with the person
    assert unfrozen.frozen is None and "nicht eingefroren" in unfrozen.note


def test_freezing_skips_nothing_it_can_store_and_stops_before_the_running_year(ws, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: D(2027, 3, 1))
    with ws.uow() as u:
        p = persons.create_person(u, last_name="Lange dabei")
        for day in ("1.1.1900", "31.12.1989", "2.2.2026", "1.3.2027"):
            requests.create_contact(u, person_id=p.id, date=day)
        frozen = statistics.freeze_before_erasure(u)
        u.commit()
        assert frozen == list(range(1900, 2027))
        assert year_figures(u, 1900).contacts == 1 and not statistics.is_frozen(u, 2027)


# --------------------------------------------------------------------------- CLI


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("year", ["0", "10000", "1899", "2201", "-5"])
def test_stats_year_out_of_range_is_one_german_line(capsys, ws, db_path, year):
    ws.close()
    code, out, err = run(capsys, "--db", str(db_path), "stats", f"--year={year}")
    assert code == 2 and out == ""
    assert err == f"Fehler: --year {year}: Das Jahr muss zwischen 1900 und 2200 liegen.\n"


def test_stats_without_period_is_the_running_year(capsys, ws, db_path):
    with ws.uow() as u:
        p = persons.create_person(u, last_name="Heute")
        requests.create_contact(u, person_id=p.id, date="heute")
    ws.close()
    code, out, _ = run(capsys, "--db", str(db_path), "stats", "--json")
    data = json.loads(out)
    assert code == 0 and data["period"] == {"from": f"{THIS_YEAR}-01-01", "to": f"{THIS_YEAR}-12-31"}
    assert data["contacts"] == 1 and data["frozen"] is None
    code, out, _ = run(capsys, "--db", str(db_path), "stats")
    assert code == 0 and f"Statistik 01.01.{THIS_YEAR} – 31.12.{THIS_YEAR}" in out
    assert "(das Jahr ist nicht eingefroren)" in out


def test_stats_takes_german_dates(capsys, ws, db_path):
    ws.close()
    a = json.loads(run(capsys, "--db", str(db_path), "stats", "--from", "1.1.2026", "--to", "31.3.26",
                       "--json")[1])
    b = json.loads(run(capsys, "--db", str(db_path), "stats", "--from", "2026-01-01", "--to", "2026-03-31",
                       "--json")[1])
    assert a == b and a["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    code, _, err = run(capsys, "--db", str(db_path), "stats", "--from", "31.02.2026", "--to", "heute")
    assert code == 2 and err == "Fehler: „31.02.2026“: Den 31.02.2026 gibt es nicht: Der Februar 2026 hat 28 Tage.\n"


def test_demo_option_uses_the_database_the_window_made(capsys, monkeypatch, tmp_path):
    from kuemmerer import paths
    from kuemmerer.ui import app

    assert app.demo_db_path() == paths.demo_db_path()
    code, _, err = run(capsys, "--demo", "check")
    assert code == 2 and str(paths.demo_db_path()) in err and "make run" in err
    assert run(capsys, "--demo", "demo", "--years", "1")[0] == 0
    assert paths.demo_db_path().exists()
    assert run(capsys, "--demo", "check")[:2] == (0, "ok\n")
    code, _, err = run(capsys, "--demo", "--db", str(tmp_path / "x.sqlite"), "check")
    assert code == 2 and "entweder --db oder --demo" in err


def test_a_year_frozen_before_the_network_figures_existed_shows_them_from_the_live_data(ws):
    from sqlalchemy import text

    with ws.uow() as u:
        n = networks.create_network(u, name="Gewerbestammtisch Alt")
        org = partners.create_organisation(u, name="Bäckerei Test")
        m = networks.create_meeting(u, network_id=n.id, date=LAST)
        networks.add_participant(u, meeting_id=m.id, organisation_id=org.id, attended=True)
        statistics.freeze_past_years(u)
        stored = json.loads(u.session.execute(text("SELECT data FROM year_statistics WHERE year = :y"),
                                              {"y": LAST_YEAR}).scalar())
        del stored["networks"]  # as frozen by a version before schema 0010
        u.session.execute(text("UPDATE year_statistics SET data = :d WHERE year = :y"),
                          {"d": json.dumps(stored), "y": LAST_YEAR})
        u.commit()
    figures = reported(ws, LAST_YEAR)
    assert figures.frozen is not None and figures.frozen.differences == ()
    assert figures.stats.meetings_by_network == {"Gewerbestammtisch Alt": 1} and figures.stats.partners_reached == 1

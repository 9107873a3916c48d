"""Demo data generator: refuses non-empty databases, is deterministic, looks plausible,
and respects every rule of the schema."""

from __future__ import annotations

import ast
import datetime as dt
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer.db import cipher
from kuemmerer.db.storage import open_database
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import demo, persons, statistics

TODAY = dt.date(2026, 11, 20)
YEARS = 3


def _generate(path: Path, *, seed: int = 1, years: int = YEARS, progress=None):
    db = open_database(path)
    try:
        with UnitOfWork(db.engine) as uow:
            summary = demo.generate(uow, years=years, seed=seed, today=TODAY, progress=progress)
    finally:
        db.close()
    return summary


def _rows(path: Path, sql: str, *params) -> list[tuple]:
    with closing(cipher.connect(path, None)) as conn:  # the demo here is a plain file
        return conn.execute(sql, params).fetchall()


def _scalar(path: Path, sql: str, *params):
    return _rows(path, sql, *params)[0][0]


def _day(value) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "k.sqlite")
    yield database
    database.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One demo database (3 years, seed 1) shared by the read-only checks."""
    path = tmp_path_factory.mktemp("demo") / "k.sqlite"
    calls: list[tuple[int, int]] = []
    summary = _generate(path, progress=lambda done, total: calls.append((done, total)))
    return path, summary, calls


# --------------------------------------------------------------------------- refusing


def test_refuses_a_database_with_persons_and_writes_nothing(db):
    with UnitOfWork(db.engine) as uow:
        persons.create_person(uow, last_name="Beispiel", first_name="Erika")
    before = {t: _scalar(db.path, f"SELECT count(*) FROM {t}")
              for t in ("persons", "districts", "categories", "services", "contacts",
                        "organisations", "audit_events")}
    with UnitOfWork(db.engine) as uow, pytest.raises(ValidationError) as info:
        demo.generate(uow, seed=1, today=TODAY)
    assert info.value.errors == {"": demo.NOT_EMPTY}
    assert "leere Datenbank" in str(info.value)
    after = {t: _scalar(db.path, f"SELECT count(*) FROM {t}") for t in before}
    assert after == before


def test_summary_matches_the_rows(generated):
    """Speed is measured in benchmarks/ as a ratio to plain sqlite3, never asserted here."""
    path, summary, _calls = generated
    counted = {
        "persons": "persons", "contacts": "contacts", "requests": "requests",
        "referrals": "referrals", "volunteers": "volunteers", "activities": "activities",
        "sessions": "sessions", "networks": "networks", "meetings": "meetings",
        "anonymous_tallies": "anonymous_tallies",
    }
    for field, table in counted.items():
        assert getattr(summary, field) == _scalar(path, f"SELECT count(*) FROM {table}"), field


def test_progress_is_reported_up_to_the_total(generated):
    *_, calls = generated
    assert calls, "progress was never called"
    totals = {total for _, total in calls}
    assert len(totals) == 1
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert done[-1] == calls[-1][1]


def test_demo_is_audited_once(generated):
    path, *_ = generated
    assert _scalar(path, "SELECT count(*) FROM audit_events WHERE action = 'demo'") == 1


# --------------------------------------------------------------------------- determinism

DETERMINISM_QUERIES = (
    "SELECT * FROM persons ORDER BY id",
    "SELECT * FROM contacts ORDER BY id",
    "SELECT * FROM referrals ORDER BY id",
    "SELECT * FROM requests ORDER BY id",
    "SELECT * FROM attendances ORDER BY id",
)


def test_same_seed_and_day_give_identical_rows(generated, tmp_path):
    path, summary, *_ = generated
    again = _generate(tmp_path / "again.sqlite")
    assert again == summary
    for sql in DETERMINISM_QUERIES:
        assert _rows(tmp_path / "again.sqlite", sql) == _rows(path, sql), sql


def test_another_seed_gives_other_rows(tmp_path):
    _generate(tmp_path / "one.sqlite", seed=1, years=1)
    _generate(tmp_path / "two.sqlite", seed=2, years=1)
    for sql in DETERMINISM_QUERIES[:3]:
        assert _rows(tmp_path / "one.sqlite", sql) != _rows(tmp_path / "two.sqlite", sql), sql


# --------------------------------------------------------------------------- plausibility


def test_about_500_participants_per_year(generated):
    path, *_ = generated
    db = open_database(path)
    try:
        with UnitOfWork(db.engine, read_only=True) as uow:
            for year in range(TODAY.year - YEARS + 1, TODAY.year):  # full years
                stats = statistics.compute(uow, *statistics.year_period(year))
                assert 400 <= stats.participants_named <= 650, (year, stats.participants_named)
                assert stats.participants_anonymous > 0
                assert stats.volunteers_active > 0 and stats.volunteer_hours > 0
                assert all(stats.by_age_band.values()), stats.by_age_band  # every band, unknown too
                assert stats.by_gender["divers"] > 0 and stats.by_gender["keine Angabe"] > 0
                assert stats.by_district["unbekannt"] > 0 and stats.by_district["außerhalb"] > 0
                assert all(stats.by_district[d] > 0 for d in demo.DISTRICTS)
            current = statistics.compute(uow, dt.date(TODAY.year, 1, 1), TODAY)
            assert 300 <= current.participants_named <= 650
    finally:
        db.close()


def test_participants_partly_return_the_next_year(generated):
    path, *_ = generated
    sql = """SELECT person_id FROM contacts WHERE date BETWEEN ? AND ?
             UNION SELECT a.person_id FROM attendances a JOIN sessions s ON s.id = a.session_id
             WHERE s.date BETWEEN ? AND ?"""

    def ids(year: int) -> set[int]:
        a, b = f"{year}-01-01", f"{year}-12-31"
        return {r[0] for r in _rows(path, sql, a, b, a, b)}

    first, second = ids(TODAY.year - 2), ids(TODAY.year - 1)
    shared = len(first & second)
    assert 0.2 * len(first) < shared < 0.7 * len(first)


def test_counts_of_the_other_entities(generated):
    path, summary, *_ = generated
    assert 35 <= summary.volunteers <= 45
    assert 18 <= summary.activities <= 22
    assert summary.networks == 4
    assert _scalar(path, "SELECT count(*) FROM organisations") >= 12
    assert summary.anonymous_tallies >= 52 * YEARS  # a few per week
    names = {r[0] for r in _rows(path, "SELECT name FROM networks")}
    assert names == {"Stadtteilrunde Helbersdorf", "AK Soziales", "Gewerbestammtisch Markersdorf",
                     "Netzwerk Kinder und Familie"}
    districts = dict(_rows(path, "SELECT name, kind FROM districts"))
    assert districts == {"außerhalb": "ausserhalb", "Kappel": "gebiet", "Markersdorf": "gebiet",
                         "Morgenleite": "gebiet", "Hutholz": "gebiet", "Helbersdorf": "gebiet"}
    # volunteers: some are participants too, some only volunteers
    volunteer_persons = {r[0] for r in _rows(path, "SELECT person_id FROM volunteers")}
    with_contact = {r[0] for r in _rows(path, "SELECT DISTINCT person_id FROM contacts")}
    assert volunteer_persons & with_contact
    assert volunteer_persons - with_contact
    # every partner service is offered by someone, with opening hours
    assert _scalar(path, """SELECT count(*) FROM services s WHERE NOT EXISTS
                            (SELECT 1 FROM organisation_services os WHERE os.service_id = s.id)""") == 0
    assert _scalar(path, "SELECT count(DISTINCT organisation_id) FROM opening_hours") >= 12


def test_nothing_is_dated_after_today(generated):
    path, *_ = generated
    columns = {
        "persons": ("birth_date", "created_at"),
        "contacts": ("date",),
        "requests": ("opened_on", "closed_on"),
        "anonymous_tallies": ("date",),
        "consents": ("given_on", "withdrawn_on"),
        "referrals": ("referred_on", "outcome_on"),
        "volunteers": ("started_on", "ended_on", "clearance_seen_on", "clearance_issued_on"),
        "activities": ("starts_on", "ends_on"),
        "attendances": ("created_at",),
        "assignments": ("date",),
        "action_items": ("done_on",),
    }
    # meetings after today are only planned: no minutes, nobody recorded as attending yet
    assert _scalar(path, "SELECT max(date) FROM meetings WHERE minutes_text IS NOT NULL") <= TODAY.isoformat()
    planned = _rows(path, "SELECT id, date FROM meetings WHERE date > ?", TODAY.isoformat())
    assert planned and all(_day(d) <= TODAY + dt.timedelta(days=62) for _, d in planned)
    assert _scalar(path, "SELECT count(*) FROM meeting_participants mp JOIN meetings m ON m.id = mp.meeting_id "
                         "WHERE m.date > ?", TODAY.isoformat()) == 0
    # sessions of the next four weeks are planned too: nobody attended, nobody worked there yet
    ahead = _rows(path, "SELECT id, date FROM sessions WHERE date > ?", TODAY.isoformat())
    assert ahead and all(_day(d) <= TODAY + dt.timedelta(days=28) for _, d in ahead)
    assert _scalar(path, "SELECT count(*) FROM attendances a JOIN sessions s ON s.id = a.session_id "
                         "WHERE s.date > ?", TODAY.isoformat()) == 0
    assert _scalar(path, "SELECT count(*) FROM sessions WHERE date > ? AND anonymous_count > 0",
                   TODAY.isoformat()) == 0
    for table, cols in columns.items():
        for col in cols:
            latest = _scalar(path, f"SELECT max({col}) FROM {table}")
            assert latest is not None, (table, col)
            assert _day(latest) <= TODAY, (table, col, latest)
    first = _scalar(path, "SELECT min(date) FROM contacts")
    assert _day(first) >= dt.date(TODAY.year - YEARS + 1, 1, 1)


def test_contacts_on_weekdays_with_plausible_durations_and_kinds(generated):
    path, *_ = generated
    days = [_day(r[0]) for r in _rows(path, "SELECT DISTINCT date FROM contacts")]
    assert all(d.weekday() < 5 for d in days)
    assert not any((d.month, d.day) in ((12, 24), (12, 25), (12, 26), (1, 1), (10, 3)) for d in days)
    low, high = _rows(path, "SELECT min(duration_minutes), max(duration_minutes) FROM contacts")[0]
    assert low >= 10 and high <= 90
    kinds = Counter(dict(_rows(path, "SELECT kind, count(*) FROM contacts GROUP BY kind")))
    assert kinds.most_common(1)[0][0] == "sprechzeit"
    assert {"telefon", "termin", "hausbesuch", "aufsuchend"} <= set(kinds)
    # contacts belong to requests of the same person
    assert _scalar(path, """SELECT count(*) FROM contacts c JOIN requests r ON r.id = c.request_id
                            WHERE r.person_id <> c.person_id""") == 0
    assert _scalar(path, "SELECT count(*) FROM contacts WHERE request_id IS NOT NULL") > 0


def test_seasonal_rhythm(generated):
    path, *_ = generated
    per_month: dict[int, list[int]] = {}
    for day, n in _rows(path, "SELECT date, count(*) FROM contacts GROUP BY date"):
        per_month.setdefault(_day(day).month, []).append(n)
    # average per weekday, counting weekdays without any contact as zero
    weekdays: Counter[int] = Counter()
    day = dt.date(TODAY.year - YEARS + 1, 1, 1)
    while day <= TODAY:
        if day.weekday() < 5:
            weekdays[day.month] += 1
        day += dt.timedelta(days=1)

    def average(*months: int) -> float:
        return sum(sum(per_month.get(m, [])) for m in months) / sum(weekdays[m] for m in months)

    assert average(8) < 0.75 * average(2, 3)
    assert average(8) < average(10, 11)


def test_requests_have_statuses_and_follow_ups_around_today(generated):
    path, *_ = generated
    statuses = dict(_rows(path, "SELECT status, count(*) FROM requests GROUP BY status"))
    assert set(statuses) == {"offen", "in_bearbeitung", "wartet", "erledigt", "abgebrochen"}
    assert statuses["erledigt"] > sum(statuses.values()) / 2
    assert _scalar(path, """SELECT count(*) FROM requests WHERE status IN ('erledigt', 'abgebrochen')
                            AND (closed_on IS NULL OR follow_up_on IS NOT NULL)""") == 0
    assert _scalar(path, """SELECT count(*) FROM requests WHERE status NOT IN ('erledigt', 'abgebrochen')
                            AND closed_on IS NOT NULL""") == 0
    follow_ups = [_day(r[0]) for r in _rows(
        path, "SELECT follow_up_on FROM requests WHERE follow_up_on IS NOT NULL")]
    assert any(d < TODAY for d in follow_ups)
    assert any(d == TODAY for d in follow_ups)
    assert any(d > TODAY for d in follow_ups)
    assert _scalar(path, "SELECT count(*) FROM requests WHERE category_id IS NULL") == 0


def test_referrals_outcomes_follow_ups_and_consents(generated):
    path, *_ = generated
    outcomes = dict(_rows(path, "SELECT outcome, count(*) FROM referrals GROUP BY outcome"))
    assert set(outcomes) == {"vermittelt", "angekommen", "nicht_wahrgenommen", "abgelehnt"}
    closed = _rows(path, "SELECT outcome, outcome_on, closed_on FROM referrals WHERE closed_on IS NOT NULL")
    assert closed, "some referrals are finished (abgeschlossen)"
    for outcome, outcome_on, closed_on in closed:
        assert outcome == "angekommen" and _day(outcome_on) <= _day(closed_on) <= TODAY
    for referred, outcome, outcome_on, follow_up in _rows(
            path, "SELECT referred_on, outcome, outcome_on, follow_up_on FROM referrals"):
        if outcome == "vermittelt":
            assert _day(follow_up) == _day(referred) + dt.timedelta(days=14)
            assert outcome_on is None
        else:
            assert follow_up is None
            assert _day(outcome_on) >= _day(referred)
    # the organisation offers the service; consents belong to the same person and recipient
    assert _scalar(path, """SELECT count(*) FROM referrals r WHERE NOT EXISTS (
                            SELECT 1 FROM organisation_services os
                            WHERE os.organisation_id = r.organisation_id
                            AND os.service_id = r.service_id)""") == 0
    with_consent = _scalar(path, "SELECT count(*) FROM referrals WHERE consent_id IS NOT NULL")
    assert with_consent > 0.7 * sum(outcomes.values())
    assert _scalar(path, """SELECT count(*) FROM referrals r JOIN consents c ON c.id = r.consent_id
                            WHERE c.person_id <> r.person_id
                            OR c.organisation_id <> r.organisation_id""") == 0
    assert _scalar(path, "SELECT count(*) FROM consents WHERE withdrawn_on IS NOT NULL") > 0
    categories = {r[0] for r in _rows(path, "SELECT data_categories FROM consents")}
    allowed = {"name", "kontakt", "geburtsdatum", "anliegen", "haushalt", "unterlagen"}
    assert all(set(c.split(",")) <= allowed for c in categories)


def test_volunteers_tags_and_police_clearance(generated):
    path, *_ = generated
    kinds = {r[0] for r in _rows(path, "SELECT DISTINCT t.kind FROM tags t "
                                       "JOIN volunteer_tags vt ON vt.tag_id = t.id")}
    assert kinds == {"faehigkeit", "interesse", "sprache"}
    clearances = _rows(path, """SELECT clearance_issued_on, clearance_seen_on, clearance_relevant_entry
                                FROM volunteers WHERE clearance_seen_on IS NOT NULL""")
    assert clearances
    for issued, seen, relevant in clearances:
        assert _day(issued) <= _day(seen) and relevant == 0
    # clearances only for volunteers working with children
    assert _scalar(path, """SELECT count(*) FROM volunteers v WHERE clearance_seen_on IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM assignments x
                            JOIN activities a ON a.id = x.activity_id WHERE x.volunteer_id = v.id
                            AND a.name IN ('Hausaufgabenhilfe', 'AK Naturerziehung', 'Kinderferienprogramm',
                            'Vorlesestunde in der Kita Pusteblume'))""") == 0
    minutes = _rows(path, "SELECT min(minutes), max(minutes) FROM assignments")[0]
    assert minutes[0] >= 30 and minutes[1] <= 360


def test_meetings_monthly_but_not_in_august(generated):
    path, *_ = generated
    months = {_day(r[0]).month for r in _rows(path, "SELECT date FROM meetings")}
    assert 8 not in months and len(months) == 11
    assert _scalar(path, """SELECT count(*) FROM meeting_participants
                            WHERE (person_id IS NULL) = (organisation_id IS NULL)""") == 0
    assert _scalar(path, "SELECT count(*) FROM meeting_participants WHERE person_id IS NOT NULL") > 0
    total, done = _rows(path, "SELECT count(*), count(done_on) FROM action_items")[0]
    assert total > 0 and done > total / 2
    assert _scalar(path, """SELECT count(*) FROM action_items a JOIN meetings m ON m.id = a.meeting_id
                            WHERE a.due_on < m.date OR a.done_on < m.date""") == 0


def test_names_are_varied_with_umlauts_and_other_letters(generated):
    path, *_ = generated
    names = " ".join(f"{first or ''} {last}" for first, last in _rows(path, "SELECT first_name, last_name FROM persons"))
    assert any(c in names for c in "äöüß")
    for letters in ("ł", "ş", "ç", "ő", "ă"):
        assert letters in names.lower(), letters
    distinct = _scalar(path, "SELECT count(DISTINCT first_name || ' ' || last_name) FROM persons")
    assert distinct > 0.9 * _scalar(path, "SELECT count(*) FROM persons")
    assert _scalar(path, "SELECT count(*) FROM persons WHERE district_id IS NULL") > 0
    assert _scalar(path, "SELECT count(*) FROM persons WHERE birth_date IS NULL") > 0


def test_contact_data_is_clearly_fake(generated):
    path, *_ = generated
    emails = [r[0] for r in _rows(path, "SELECT email FROM persons WHERE email IS NOT NULL "
                                        "UNION ALL SELECT email FROM organisations WHERE email IS NOT NULL")]
    assert len(emails) > 100
    assert all(e.endswith("@example.org") for e in emails)
    drama = ("030 23125-", "069 90009-", "040 66969-", "0221 4710-", "089 99998-")
    phones = [r[0] for r in _rows(path, "SELECT phone FROM persons WHERE phone IS NOT NULL "
                                        "UNION ALL SELECT phone FROM organisations WHERE phone IS NOT NULL")]
    assert phones and all(p.startswith(drama) for p in phones)
    cities = {r[0] for r in _rows(path, "SELECT DISTINCT city FROM persons WHERE city IS NOT NULL")}
    assert cities == {"Chemnitz"}
    postcodes = {r[0] for r in _rows(
        path, "SELECT DISTINCT postcode FROM persons WHERE postcode IS NOT NULL")}
    assert postcodes and all(p.isdigit() and len(p) == 5 and p.startswith("091") for p in postcodes)


def test_database_checks_pass(generated):
    path, *_ = generated
    assert _rows(path, "PRAGMA foreign_key_check") == []
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_demo_module_does_not_import_sqlalchemy():
    source = Path(demo.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "sqlalchemy" not in imported
    assert "random" in imported

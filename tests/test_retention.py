"""Aufbewahrung (issue 11 §4, DESIGN.md §5): the rule selects exactly the residents without
activity for the set period after the end of the year of their last one (an injected clock),
the preview says what goes and how the open years' figures change, erasure re-checks, keeps
the frozen figures, is journalled, and a restore of an older backup re-applies it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from kuemmerer.db import erasure_journal
from kuemmerer.db.models import Consent, Person, Referral
from kuemmerer.domain import retention as rule
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import (
    activities,
    lists,
    maintenance,
    networks,
    partners,
    persons,
    requests,
    retention,
    statistics,
    validation,
    volunteers,
)
from kuemmerer.services import today as today_service
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY

DAY = dt.date(2026, 1, 1)
OLD = dt.date(2020, 5, 4)
RECENT = dt.date(2024, 6, 1)


@pytest.fixture
def clock(monkeypatch):
    """Set the one clock; returns a setter for later days."""
    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(validation, "today", lambda: day)

    set_day(DAY)
    return set_day


def person(uow, name: str, *contacts: dt.date) -> int:
    p = persons.create_person(uow, last_name=name, first_name="Testa")
    for day in contacts:
        requests.create_contact(uow, person_id=p.id, date=day)
    return p.id


def due_names(uow, today=None) -> list[str]:
    return [p.name for p in retention.due_persons(uow, today)]


# --------------------------------------------------------------------------- the rule


def test_the_rule_at_the_boundary_of_the_year():
    assert rule.is_due(dt.date(2022, 12, 31), DAY, 3)
    assert not rule.is_due(dt.date(2023, 1, 1), DAY, 3)
    assert not rule.is_due(dt.date(2022, 12, 31), dt.date(2025, 12, 31), 3)
    assert not rule.is_due(dt.date(2000, 1, 1), DAY, 3, active_volunteer=True)
    assert rule.last_day_due(DAY, 3) == dt.date(2022, 12, 31)
    assert rule.keep_until(dt.date(2022, 3, 1), 3) == dt.date(2025, 12, 31)
    assert "dessen Ende mehr als 3 Jahre zurückliegt" in rule.rule_sentence(3)
    assert "mehr als ein Jahr zurückliegt" in rule.rule_sentence(1)


def test_exactly_the_residents_the_rule_selects(ws, uow, clock):
    person(uow, "Grenzfall", dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    person(uow, "Neujahr", dt.date(2023, 1, 1))
    person(uow, "Lange", dt.date(2019, 3, 3))
    active = person(uow, "Aktivehrenamt", dt.date(2019, 3, 3))
    volunteers.create_volunteer(uow, person_id=active, started_on=dt.date(2018, 1, 1))
    ended = person(uow, "Aufgehört", dt.date(2019, 3, 3))
    volunteers.create_volunteer(uow, person_id=ended, started_on=dt.date(2018, 1, 1), ended_on=dt.date(2021, 2, 1))
    rows = retention.due_persons(uow)
    assert [r.name for r in rows] == ["Aufgehört, Testa", "Grenzfall, Testa", "Lange, Testa"]
    by_name = {r.name: r for r in rows}
    assert by_name["Grenzfall, Testa"].last_activity == dt.date(2022, 12, 31)
    assert by_name["Grenzfall, Testa"].kept_until == dt.date(2025, 12, 31)
    assert by_name["Aufgehört, Testa"].last_activity == dt.date(2021, 2, 1)
    assert by_name["Grenzfall, Testa"].linked["contacts"] == 2
    assert by_name["Grenzfall, Testa"].linked_text == "2 Kontakte"
    assert by_name["Aufgehört, Testa"].linked_text == "1 Kontakt, 1 Ehrenamtsprofil"


def test_a_person_without_any_activity_counts_from_the_year_she_was_entered(ws, uow, clock):
    pid = person(uow, "Ohnealles")
    entered = dt.date.today().year
    assert due_names(uow) == []
    assert due_names(uow, dt.date(entered + 3, 12, 31)) == []
    assert due_names(uow, dt.date(entered + 4, 1, 1)) == ["Ohnealles, Testa"]
    # entered long ago (the real creation time, moved back): due on DAY
    uow.session.execute(update(Person).where(Person.id == pid).values(created_at=dt.datetime(2021, 6, 1, 8)))
    uow.commit()
    assert [(p.name, p.last_activity) for p in retention.due_persons(uow)] == [
        ("Ohnealles, Testa", dt.date(2021, 6, 1))]


def test_the_setting_of_one_and_of_thirty_years(ws, uow, clock):
    person(uow, "Einjahr", dt.date(2024, 12, 31))
    person(uow, "Neuer", dt.date(2025, 1, 1))
    person(uow, "Uralt", dt.date(1995, 12, 31))
    person(uow, "Fast", dt.date(1996, 1, 1))
    assert retention.get_years(uow) == 3
    assert retention.set_years(uow, 1) == 1
    assert due_names(uow) == ["Einjahr, Testa", "Fast, Testa", "Uralt, Testa"]
    assert retention.set_years(uow, "30") == 30
    assert retention.get_years(uow) == 30
    assert due_names(uow) == ["Uralt, Testa"]
    assert "mehr als 30 Jahre zurückliegt" in retention.rule_sentence(uow)


@pytest.mark.parametrize(("value", "message"), [
    (0, retention.YEARS_RANGE), (31, retention.YEARS_RANGE), ("drei", "Bitte eine ganze Zahl eingeben."),
    (None, "Bitte ausfüllen."), (2.5, "Bitte eine ganze Zahl eingeben."),
])
def test_a_bad_setting_is_refused_in_german(ws, uow, value, message):
    with pytest.raises(ValidationError) as err:
        retention.set_years(uow, value)
    assert err.value.errors == {"years": message}
    assert retention.get_years(uow) == 3


def _activity(uow, kind: str, pid: int, day: dt.date) -> None:
    """Give person ``pid`` one activity of ``kind`` on ``day``."""
    svc = lists.list_services(uow)[0].id
    if kind in ("request_opened", "request_closed"):
        opened = day if kind == "request_opened" else OLD
        r = requests.create_request(uow, person_id=pid, title="Formular", opened_on=opened)
        if kind == "request_closed":
            requests.update_request(uow, r.id, status="erledigt", closed_on=day)
    elif kind == "attendance":
        act = activities.create_activity(uow, name="Spieleabend")
        s = activities.create_session(uow, activity_id=act.id, date=day)
        activities.add_attendance(uow, session_id=s.id, person_id=pid)
    elif kind in ("referral", "referral_outcome", "referral_closed", "consent", "consent_withdrawn"):
        org = partners.create_organisation(uow, name=f"Beratung {pid} e. V.", service_ids=[svc])
        if kind.startswith("consent"):
            uow.add(Consent(person_id=pid, organisation_id=org.id, data_categories="name", purpose="Beratung",
                            given_on=day if kind == "consent" else OLD,
                            withdrawn_on=day if kind == "consent_withdrawn" else None))
        else:
            uow.add(Referral(person_id=pid, service_id=svc, organisation_id=org.id,
                             referred_on=day if kind == "referral" else OLD,
                             outcome_on=day if kind == "referral_outcome" else None,
                             closed_on=day if kind == "referral_closed" else None))
        uow.commit()
    elif kind == "assignment":
        v = volunteers.create_volunteer(uow, person_id=pid, started_on=OLD, ended_on=OLD)
        act = activities.create_activity(uow, name="Frühjahrsputz")
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, date=day, hours=2)
    elif kind == "volunteer_ended":
        volunteers.create_volunteer(uow, person_id=pid, started_on=OLD, ended_on=day)
    elif kind == "meeting":
        net = networks.create_network(uow, name=f"Stadtteilrunde {pid}")
        m = networks.create_meeting(uow, network_id=net.id, date=day)
        networks.add_participant(uow, meeting_id=m.id, person_id=pid)
    else:  # pragma: no cover
        raise AssertionError(kind)


KINDS = ["request_opened", "request_closed", "attendance", "referral", "referral_outcome", "referral_closed",
         "consent", "consent_withdrawn", "assignment", "volunteer_ended", "meeting"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_activity_counts(ws, uow, clock, kind):
    pid = person(uow, "Mitaktivität", OLD)
    _activity(uow, kind, pid, RECENT)
    assert due_names(uow) == []  # RECENT (2024) is within three years
    assert due_names(uow, dt.date(2028, 1, 1)) == ["Mitaktivität, Testa"]  # 2024 + 3 is over
    [row] = retention.due_persons(uow, dt.date(2028, 1, 1))
    assert row.last_activity == RECENT


def test_what_would_be_erased_is_what_erasing_one_person_removes(ws, uow, clock):
    """The list counts many persons at once; the count is the same as for one person."""
    from kuemmerer.db import queries

    ids = []
    for kind in KINDS:
        pid = person(uow, f"Art{kind}", OLD)
        _activity(uow, kind, pid, RECENT)
        ids.append(pid)
    rows = retention.due_persons(uow, dt.date(2030, 1, 1))
    assert sorted(r.id for r in rows) == sorted(ids)
    for r in rows:
        assert r.linked == queries.person_linked_counts(uow.session, r.id)
    assert sum(r.linked["assignments"] for r in rows) == 1
    assert sum(r.linked["meeting_participations"] for r in rows) == 1
    # the list (index look-ups) and the re-check before erasing (last activity) agree on every day
    from kuemmerer.db import retention_queries

    person(uow, "Nichts")
    last = retention_queries.last_activity_of(uow.session, [p.id for p in persons.list_persons(uow)])
    for day in (dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2028, 1, 1), dt.date(2031, 1, 1)):
        expected = {i for i, (d, active) in last.items() if rule.is_due(d, day, 3, active_volunteer=active)}
        assert {p.id for p in retention.due_persons(uow, day)} == expected
        assert retention.count_due(uow, day) == len(expected)


# --------------------------------------------------------------------------- preview


@pytest.fixture
def two_years(ws, clock):
    """Contacts in 2022 (a closed year, not frozen) and 2025 (a closed year) and 2026 (open)."""
    clock(dt.date(2026, 6, 1))
    with ws.uow() as uow:
        old = person(uow, "Altkontakt", dt.date(2022, 3, 1), dt.date(2022, 4, 1))
        keep = person(uow, "Bleibt", dt.date(2022, 3, 1), dt.date(2026, 5, 2))
    return old, keep


def test_the_preview_shows_what_goes_and_how_the_live_figures_change(ws, two_years):
    old, keep = two_years
    with ws.uow() as uow:
        preview = retention.statistics_preview(uow, [old, keep])
    assert [p.id for p in preview.persons] == [old]
    assert preview.not_due == 1
    assert preview.records == 2
    [change] = preview.years
    assert change.year == 2022 and change.freezes_first
    figures = {d.key: (d.frozen, d.live) for d in change.differences}
    assert figures["participants_named"] == (2, 1)
    assert figures["contacts"] == (3, 1)
    text = preview.summary()
    assert "Gelöscht würden: 1 Person, 2 Kontakte" in text
    assert "Kontakte: 3 → 1" in text
    assert "1 Person der Auswahl ist nicht (mehr) fällig und wird nicht gelöscht." in text
    # nothing was written: she is still there, nothing frozen
    with ws.uow(read_only=True) as uow:
        assert persons.person_linked_counts(uow, old)["contacts"] == 2
        assert statistics.frozen_view(uow, 2022) is None
        assert [p.id for p in retention.due_persons(uow)] == [old]


def test_a_frozen_year_is_not_in_the_preview(ws, two_years):
    old, _ = two_years
    with ws.uow() as uow:
        statistics.freeze_past_years(uow)
        uow.commit()
        preview = retention.statistics_preview(uow, [old])
    assert preview.years == ()
    assert preview.frozen_years == (2022, 2023, 2024, 2025)
    assert "Die Zahlen der noch nicht eingefrorenen Jahre ändern sich nicht." in preview.summary()


@pytest.mark.parametrize(("ids", "message"), [
    ([], retention.NOTHING_SELECTED), (["x"], retention.BAD_SELECTION), ("12", retention.BAD_SELECTION),
    (None, retention.BAD_SELECTION),
])
def test_bad_selections_are_refused_in_german(ws, uow, ids, message):
    for call in (retention.statistics_preview, retention.erase_due):
        with pytest.raises(ValidationError) as err:
            call(uow, ids)
        assert err.value.errors == {"ids": message}


# --------------------------------------------------------------------------- erasure


@pytest.mark.parametrize(("day", "message"), [
    (dt.date(2026, 6, 2), retention.FUTURE_DAY), ("01.01.2030", retention.BAD_DAY),
    (dt.datetime(2026, 1, 1, 8), retention.BAD_DAY),
])
def test_erasure_never_looks_ahead(ws, two_years, day, message):
    old, _ = two_years
    with ws.uow() as uow:
        with pytest.raises(ValidationError) as err:
            retention.erase_due(uow, [old], today=day)
        assert err.value.errors == {"today": message}
        assert retention.erase_due(uow, [old], today=dt.date(2022, 6, 1)) == 0  # an earlier day selects fewer
    with ws.uow(read_only=True) as uow:
        assert [p.id for p in persons.list_persons(uow)] == [old, two_years[1]]


def test_erasure_keeps_the_frozen_figures_and_is_journalled(ws, two_years):
    old, keep = two_years
    with ws.uow() as uow:
        assert retention.erase_due(uow, [old]) == 1
    with ws.uow(read_only=True) as uow:
        view = statistics.frozen_view(uow, 2022)
        assert view is not None
        assert (view.stats.participants_named, view.stats.contacts) == (2, 3)  # as before the erasure
        assert {d.key: d.live for d in view.differences}["contacts"] == 1
        assert [(e.kind, e.entity_id) for e in erasure_journal.stored_entries(uow.session)] == [("person", old)]
        assert [p.id for p in persons.list_persons(uow)] == [keep]
        assert retention.due_persons(uow) == []


def test_a_new_contact_since_the_list_keeps_the_person(ws, two_years):
    old, _ = two_years
    with ws.uow(read_only=True) as uow:
        listed = [p.id for p in retention.due_persons(uow)]
    assert listed == [old]
    with ws.uow() as uow:
        requests.create_contact(uow, person_id=old, date=dt.date(2026, 5, 30))
    with ws.uow() as uow:
        assert retention.erase_due(uow, listed) == 0
    with ws.uow(read_only=True) as uow:
        assert persons.person_linked_counts(uow, old)["contacts"] == 3
        assert erasure_journal.stored_entries(uow.session) == []


def test_an_id_that_is_gone_is_skipped(ws, two_years):
    old, _ = two_years
    with ws.uow() as uow:
        persons.delete_person(uow, old)
    with ws.uow() as uow:
        assert retention.erase_due(uow, [old, 999999]) == 0


def test_restoring_an_older_backup_erases_them_again(ws, two_years, db_path):
    old, keep = two_years
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        assert retention.erase_due(uow, [old]) == 1
    ws.close()
    restored = maintenance.restore(db_path, backup.path, backup.path.parent, TEST_KEY)
    again = open_workspace(db_path, create=False, key=TEST_KEY)
    try:
        assert maintenance.record_restore(again, restored) == 1
        with again.uow(read_only=True) as uow:
            assert [p.id for p in persons.list_persons(uow)] == [keep]
            view = statistics.frozen_view(uow, 2022)
            assert view is not None and view.stats.contacts == 3
    finally:
        again.close()


# --------------------------------------------------------------------------- Heute


def test_heute_reminds_once_a_month(ws, two_years, clock):
    with ws.uow(read_only=True) as uow:
        assert retention.reminder(uow) == ("Aufbewahrung: 1 Person ohne Kontakt seit über 3 Jahren "
                                           "– bitte prüfen.")
        assert today_service.dashboard(uow).retention_note == retention.reminder(uow)
    with ws.uow() as uow:
        retention.mark_reminded(uow)
    with ws.uow(read_only=True) as uow:
        assert retention.reminder(uow) is None
        assert today_service.dashboard(uow).retention_note is None
    clock(dt.date(2026, 6, 30))
    with ws.uow(read_only=True) as uow:
        assert retention.reminder(uow) is None
    clock(dt.date(2026, 7, 1))  # a new month
    with ws.uow(read_only=True) as uow:
        assert retention.reminder(uow) is not None


def test_no_reminder_when_nobody_is_due(ws, uow, clock):
    person(uow, "Frisch", dt.date(2025, 2, 2))
    assert retention.reminder(uow) is None
    retention.set_years(uow, 1)
    assert retention.reminder(uow) is None
    clock(dt.date(2027, 1, 1))
    assert retention.reminder(uow) == ("Aufbewahrung: 1 Person ohne Kontakt seit über einem Jahr "
                                       "– bitte prüfen.")

"""Ehrenamt and Aktivitäten (issue 13), service level: status, availability and matching,
clearance removal and renewal on an injected clock, inquiries, session series, head counts,
the typed-up sign-in sheet, and what all that does to the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kuemmerer.domain import availability
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.series import series_dates
from kuemmerer.services import activities, matching, persons, statistics, today, volunteers

D = dt.date
TUE_AFTERNOON, THU_EVENING = (1, 1), (3, 2)


def volunteer(uow, name, *, skills=(), languages=(), interests=(), slots=(), **kw):
    p = persons.create_person(uow, last_name=name, first_name="Vera")
    tags = [("faehigkeit", s) for s in skills] + [("sprache", s) for s in languages] + \
        [("interesse", s) for s in interests]
    return volunteers.create_volunteer(uow, person_id=p.id, tags=tags, availability_slots=list(slots), **kw)


# --------------------------------------------------------------------------- status and availability


def test_an_end_date_ends_the_volunteering_and_ended_needs_a_date(uow):
    v = volunteer(uow, "Ende", started_on=D(2024, 1, 1))
    assert v.status == "aktiv"
    assert volunteers.update_volunteer(uow, v.id, status="pausiert").status == "pausiert"
    assert volunteers.update_volunteer(uow, v.id, ended_on=D(2025, 6, 30)).status == "beendet"
    with pytest.raises(ValidationError) as err:
        volunteers.update_volunteer(uow, v.id, ended_on=None)  # still "beendet": when?
    assert set(err.value.errors) == {"ended_on"}
    again = volunteers.update_volunteer(uow, v.id, ended_on=None, status="aktiv")
    assert (again.status, again.ended_on) == ("aktiv", None)


def test_availability_grid_is_stored_and_described_in_german(uow):
    v = volunteer(uow, "Raster", slots=[TUE_AFTERNOON, THU_EVENING, (3, 0)])
    assert availability.slots(volunteers.get_volunteer(uow, v.id).availability_slots) == [
        TUE_AFTERNOON, (3, 0), THU_EVENING]
    assert availability.describe(v.availability_slots) == "Di nachmittags; Do vormittags und abends"
    assert availability.describe(availability.mask([(d, 0) for d in range(5)] + [(1, 1), (3, 1)])) == (
        "Mo, Mi, Fr vormittags; Di, Do vormittags und nachmittags")
    assert availability.describe(availability.mask([(d, 0) for d in range(5)])) == "Mo–Fr vormittags"
    assert availability.describe(availability.ALL) == "jederzeit"
    assert availability.describe(availability.mask([(d, p) for d in (5, 6) for p in range(3)])) == "Sa, So ganztags"


# --------------------------------------------------------------------------- matching


def test_matching_returns_exactly_the_volunteers_with_all_requested_properties(uow):
    both = volunteer(uow, "Beides", languages=["Arabisch", "Deutsch"], skills=["Kochen"],
                     slots=[TUE_AFTERNOON, THU_EVENING])
    volunteer(uow, "NurSprache", languages=["Arabisch"], slots=[THU_EVENING])  # not on Tuesday
    volunteer(uow, "NurZeit", languages=["Türkisch"], slots=[TUE_AFTERNOON])  # no Arabic
    paused = volunteer(uow, "Pause", languages=["arabisch"], slots=[TUE_AFTERNOON])
    volunteers.update_volunteer(uow, paused.id, status="pausiert")
    ended = volunteer(uow, "Weg", languages=["Arabisch"], slots=[TUE_AFTERNOON], started_on=D(2020, 1, 1))
    volunteers.update_volunteer(uow, ended.id, ended_on=D(2024, 1, 1))
    case_free = volunteer(uow, "Klein", languages=["arabisch"], skills=["kochen"], slots=[TUE_AFTERNOON])

    found = matching.find_helpers(uow, languages=["Arabisch"], slots=[TUE_AFTERNOON])
    assert {r.id for r in found} == {both.id, case_free.id}
    found = matching.find_helpers(uow, languages=["Arabisch"], skills=["Kochen"], slots=[TUE_AFTERNOON, THU_EVENING])
    assert [r.id for r in found] == [both.id]
    assert matching.find_helpers(uow, languages=["Arabisch", "Farsi"]) == []
    everyone_active = matching.find_helpers(uow)
    assert paused.id not in {r.id for r in everyone_active} and ended.id not in {r.id for r in everyone_active}
    assert len(everyone_active) == 4


def test_matching_shows_how_often_each_was_asked_and_assigned_this_year_least_asked_first(uow):
    a = volunteer(uow, "Anna", languages=["Arabisch"])
    b = volunteer(uow, "Berta", languages=["Arabisch"])
    act = activities.create_activity(uow, name="Café international")
    for day in (D(2025, 2, 1), D(2025, 5, 1)):
        matching.record_inquiry(uow, volunteer_id=a.id, activity_id=act.id, asked_on=day, answer="zugesagt")
    matching.record_inquiry(uow, volunteer_id=a.id, asked_on=D(2024, 12, 1), answer="abgesagt")  # last year
    volunteers.create_assignment(uow, volunteer_id=a.id, activity_id=act.id, date=D(2025, 5, 3), hours="2,5")
    rows = matching.find_helpers(uow, languages=["Arabisch"], year=2025)
    assert [r.id for r in rows] == [b.id, a.id]  # Berta was not asked yet: she comes first
    anna = rows[1]
    assert (anna.asked, anna.agreed, anna.assigned, anna.hours, anna.last_asked_on) == (2, 2, 1, 2.5, D(2025, 5, 1))
    assert [i.asked_on for i in matching.list_inquiries(uow, a.id)] == [D(2025, 5, 1), D(2025, 2, 1), D(2024, 12, 1)]


# --------------------------------------------------------------------------- clearance


def _with_clearance(uow, name, **kw):
    return volunteer(uow, name, clearance_seen_on=D(2021, 3, 10), clearance_issued_on=D(2021, 3, 1),
                     clearance_relevant_entry=False, **kw)


def test_clearance_fields_are_removed_exactly_on_the_day_the_rules_say_and_audited_by_id(ws):
    with ws.uow() as uow:
        ended = _with_clearance(uow, "Ende", started_on=D(2021, 3, 1))
        volunteers.update_volunteer(uow, ended.id, ended_on=D(2025, 1, 31), availability="dienstags",
                                    notes="Notiz bleibt")
        never = _with_clearance(uow, "Nie")
        volunteers.update_volunteer(uow, never.id, ended_on=D(2025, 3, 1))
        removal = volunteers.clearance_removal_on(volunteers.get_volunteer(uow, ended.id))
        assert removal == D(2025, 1, 31) + dt.timedelta(days=92)
        assert volunteers.clearance_removal_on(volunteers.get_volunteer(uow, never.id)) == D(2025, 3, 1)

        assert volunteers.erase_expired_clearances(uow, removal - dt.timedelta(days=1)) == [never.id]
        assert volunteers.get_volunteer(uow, ended.id).clearance_seen_on == D(2021, 3, 10)  # not a day early
        assert volunteers.erase_expired_clearances(uow, removal) == [ended.id]
        after = volunteers.get_volunteer(uow, ended.id)
        assert (after.clearance_seen_on, after.clearance_issued_on, after.clearance_relevant_entry) == (
            None, None, None)
        assert (after.availability, after.notes, after.ended_on) == ("dienstags", "Notiz bleibt", D(2025, 1, 31))
        assert volunteers.clearance_removal_on(after) is None  # nothing left to remove
        erased = uow.session.execute(text(
            "SELECT entity, entity_id FROM audit_events WHERE action = 'erase' ORDER BY id")).all()
    assert erased == [("volunteers", never.id), ("volunteers", ended.id)]


def test_renewal_reminder_on_heute_sixty_days_ahead_and_not_before(uow):
    v = _with_clearance(uow, "Erneuern", started_on=D(2021, 3, 1))  # issued 01.03.2021: expires 01.03.2026
    stopped = _with_clearance(uow, "Gestoppt", started_on=D(2021, 3, 1))
    volunteers.update_volunteer(uow, stopped.id, ended_on=D(2025, 12, 1))
    expires = D(2026, 3, 1)
    assert today.dashboard(uow, expires - dt.timedelta(days=61)).clearances_due == ()
    due = today.dashboard(uow, expires - dt.timedelta(days=60)).clearances_due
    assert [(c.volunteer_id, c.expires_on, c.days_left(expires - dt.timedelta(days=60))) for c in due] == [
        (v.id, expires, 60)]
    assert [c.volunteer_id for c in today.dashboard(uow, D(2026, 4, 1)).clearances_due] == [v.id]  # expired: still
    volunteers.set_renewal_years(uow, 3)
    assert today.dashboard(uow, D(2024, 1, 1)).clearances_due[0].expires_on == D(2024, 3, 1)
    volunteers.update_volunteer(uow, v.id, clearance_issued_on=D(2026, 2, 1), clearance_seen_on=D(2026, 2, 5))
    assert today.dashboard(uow, D(2026, 4, 1)).clearances_due == ()  # renewed


def test_a_leap_day_clearance_expires_on_the_28th():
    assert volunteers.clearance_expires_on(D(2024, 2, 29), 5) == D(2029, 2, 28)


# --------------------------------------------------------------------------- sessions


def test_series_every_tuesday_until_a_date_and_running_it_again_adds_nothing(uow):
    act = activities.create_activity(uow, name="Café international")
    made = activities.create_series(uow, activity_id=act.id, first="06.01.2026", until="31.03.2026",
                                    weekdays=[1], start_time="15:00", end_time="17:00", location="Treff")
    assert len(made) == 13 and all(s.date.weekday() == 1 for s in made)
    assert (made[0].date, made[-1].date, made[0].start_time) == (D(2026, 1, 6), D(2026, 3, 31), dt.time(15))
    assert activities.create_series(uow, activity_id=act.id, first="06.01.2026", until="31.03.2026",
                                    weekdays=[1], start_time="15:00", end_time="17:00") == []
    assert len(activities.list_sessions(uow, act.id)) == 13
    with pytest.raises(ValidationError) as err:  # a bad time stops the whole series: nothing written
        activities.create_series(uow, activity_id=act.id, first="01.04.2026", until="30.04.2026", weekdays=[3],
                                 start_time="17:00", end_time="15:00")
    assert set(err.value.errors) == {"end_time"}
    assert len(activities.list_sessions(uow, act.id)) == 13


def test_series_dates_every_other_week_on_two_days():
    dates = series_dates(D(2026, 1, 7), D(2026, 2, 5), weekdays=[0, 2], every_weeks=2)  # from a Wednesday
    assert dates == [D(2026, 1, 7), D(2026, 1, 19), D(2026, 1, 21), D(2026, 2, 2), D(2026, 2, 4)]


def test_head_counts_by_gender_and_age_band_sum_to_the_anonymous_count(uow):
    act = activities.create_activity(uow, name="Spieleabend")
    s = activities.create_session(uow, activity_id=act.id, date=D(2025, 3, 1), anonymous_count=5)
    assert s.headcounts == (("keine_angabe", "unbekannt", 5),)
    s = activities.set_headcounts(uow, s.id, {("weiblich", "u18"): 4, ("maennlich", "u18"): 3,
                                              ("divers", "18_29"): 0})
    assert s.anonymous_count == 7
    assert s.headcounts == (("maennlich", "u18", 3), ("weiblich", "u18", 4))
    s = activities.set_headcounts(uow, s.id, [("weiblich", "u18", 2)])
    assert (s.anonymous_count, s.headcounts) == (2, (("weiblich", "u18", 2),))
    s = activities.update_session(uow, s.id, note="Regen")  # other changes keep the breakdown
    assert s.headcounts == (("weiblich", "u18", 2),)
    stored = uow.session.execute(text("SELECT anonymous_count FROM sessions WHERE id = :i"), {"i": s.id}).scalar()
    assert stored == 2


# --------------------------------------------------------------------------- sign-in sheet and statistics


def test_sign_in_sheet_adds_existing_and_new_persons_once_in_one_transaction(uow):
    act = activities.create_activity(uow, name="Frühjahrsputz")
    s = activities.create_session(uow, activity_id=act.id, date=D(2025, 4, 5))
    known = [persons.create_person(uow, last_name=f"Nachbar{i}") for i in range(3)]
    activities.add_attendance(uow, session_id=s.id, person_id=known[0].id)
    done = activities.record_sign_in(uow, s.id, [known[0].id, known[1].id, {"last_name": "Neu", "first_name": "Nina"},
                                                 known[2].id, known[1].id])
    assert done == {"added": 3, "already": 2, "new_persons": 1}
    names = sorted(persons.get_person(uow, a.person_id).last_name for a in activities.list_attendance(uow, s.id))
    assert names == ["Nachbar0", "Nachbar1", "Nachbar2", "Neu"]
    before = len(persons.list_persons(uow))
    with pytest.raises(ValidationError) as err:
        activities.record_sign_in(uow, s.id, [{"last_name": "Noch Neuer"}, {"last_name": " "}])
    assert list(err.value.errors) == ["zeile_2"] and "Zeile 2" in err.value.errors["zeile_2"]
    assert len(persons.list_persons(uow)) == before  # the first row was not kept either
    with pytest.raises(ValidationError) as err:  # every rejected row is named at once
        activities.record_sign_in(uow, s.id, [{"last_name": ""}, known[0].id, 10**9, {"last_name": "Gut"}])
    assert sorted(err.value.errors) == ["zeile_1", "zeile_3"]
    assert len(persons.list_persons(uow)) == before


def test_five_sessions_count_once_hours_and_anonymous_heads_reach_the_statistics(uow):
    year = (D(2025, 1, 1), D(2025, 12, 31))
    base = statistics.compute(uow, *year)
    act = activities.create_activity(uow, name="Spieleabend")
    made = activities.create_series(uow, activity_id=act.id, first="07.01.2025", until="04.02.2025", weekdays=[1])
    assert len(made) == 5
    p = persons.create_person(uow, last_name="Oft")
    for s in made:
        activities.record_sign_in(uow, s.id, [p.id])
    activities.set_headcounts(uow, made[0].id, {("weiblich", "65plus"): 2, ("maennlich", "u18"): 1})
    v = volunteer(uow, "Helferin")
    for s, hours in zip(made[:2], ("1,5", 2), strict=True):
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, session_id=s.id, hours=hours)
    after = statistics.compute(uow, *year)
    assert after.participants_named - base.participants_named == 1
    assert after.attendance_named - base.attendance_named == 5
    assert after.attendance_anonymous - base.attendance_anonymous == 3
    assert after.participants_anonymous - base.participants_anonymous == 3
    assert after.volunteers_active - base.volunteers_active == 1
    assert after.volunteer_hours - base.volunteer_hours == 3.5


def test_a_photo_is_stored_encrypted_with_caption_and_publication_consent_and_removed_with_its_session(ws, tmp_path):
    photo = tmp_path / "Fruehjahrsputz.JPG"
    photo.write_bytes(b"\xff\xd8\xff\xe0 synthetic jpeg bytes")
    with ws.uow() as uow:
        act = activities.create_activity(uow, name="Frühjahrsputz")
        s = activities.create_session(uow, activity_id=act.id, date=D(2025, 4, 5))
        att = activities.add_attachment(uow, ws.files_dir, photo, session_id=s.id, description="Vor dem Treff",
                                        publication="ja")
        assert (att.file_name, att.publication, att.description) == ("Fruehjahrsputz.JPG", "ja", "Vor dem Treff")
        stored = ws.files_dir / att.stored_name
        assert stored.exists() and b"synthetic" not in stored.read_bytes()  # encrypted, not a link or a copy
        assert activities.read_attachment(uow, ws.files_dir, att.id) == photo.read_bytes()
        changed = activities.update_attachment(uow, att.id, description="Alle zusammen", publication="nein")
        assert (changed.description, changed.publication) == ("Alle zusammen", "nein")
        activities.delete_session(uow, s.id, ws.files_dir)
        assert activities.list_attachments(uow, session_id=s.id) == []
    assert not stored.exists() and photo.exists()  # hers stays where it was


def test_duplicates_of_a_name_typed_without_birth_date_are_all_namesakes(uow):
    a = persons.create_person(uow, last_name="Müller", first_name="Karin", birth_date=D(1970, 1, 1))
    b = persons.create_person(uow, last_name="Mueller", first_name="Karin")
    persons.create_person(uow, last_name="Müller", first_name="Kurt")
    assert sorted(persons.duplicates_of_new(uow, last_name="Muller", first_name="Karin")) == sorted([a.id, b.id])
    assert persons.duplicates_of_new(uow, last_name="Müller", first_name="Karin", birth_date=D(1970, 1, 1)) == [a.id]
    assert persons.duplicates_of_new(uow, last_name="Schulz") == []


def test_an_einsatz_cannot_be_booked_on_a_session_in_the_future(uow):
    act = activities.create_activity(uow, name="Sommerfest")
    later = activities.create_session(uow, activity_id=act.id, date=dt.date.today() + dt.timedelta(days=30))
    v = volunteer(uow, "Vorab")
    with pytest.raises(ValidationError) as err:
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, session_id=later.id, hours=2)
    assert "Zukunft" in err.value.errors["date"]


def test_changing_a_caption_keeps_the_publication_consent(ws, tmp_path):
    photo = tmp_path / "bild.png"
    photo.write_bytes(b"\x89PNG synthetic")
    with ws.uow() as uow:
        act = activities.create_activity(uow, name="Fest")
        att = activities.add_attachment(uow, ws.files_dir, photo, activity_id=act.id, publication="ja")
        assert activities.update_attachment(uow, att.id, description="Bühne").publication == "ja"
        assert activities.update_attachment(uow, att.id, publication="nein").description == "Bühne"


def test_planned_sessions_count_once_they_were_held(uow, monkeypatch):
    from kuemmerer.services import validation

    act = activities.create_activity(uow, name="Wochenmarkt-Stand")
    activities.create_series(uow, activity_id=act.id, first="01.07.2025", until="29.07.2025", weekdays=[1])
    monkeypatch.setattr(validation, "today", lambda: D(2025, 7, 16))  # 1., 8. and 15. were held
    assert statistics.compute(uow, D(2025, 1, 1), D(2025, 12, 31)).sessions == 3
    monkeypatch.setattr(validation, "today", lambda: D(2026, 1, 2))
    assert statistics.compute(uow, D(2025, 1, 1), D(2025, 12, 31)).sessions == 5

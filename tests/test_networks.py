"""Netzwerk (issue 14), service level: members, agenda items with minutes and decisions,
action items from a minute line that carry over to the next meeting until done, and the
calendar export (.ics) that her calendar imports."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from sqlalchemy import text

from kuemmerer import cli
from kuemmerer.domain.errors import ValidationError
from kuemmerer.exports.ics import ics_bytes
from kuemmerer.services import calendar, networks, partners, persons, requests
from tests.test_service_validation import snapshot

D = dt.date
RESIDENT = "Quartiersbewohnerin-Unverwechselbar"


def _runde(uow):
    n = networks.create_network(uow, name="Stadtteilrunde Kappel", rhythm="monatlich, 1. Dienstag")
    first = networks.create_meeting(uow, network_id=n.id, date=D(2026, 3, 3), start_time="18:00", end_time="20:00",
                                    location="Bürgerhaus")
    second = networks.create_meeting(uow, network_id=n.id, date=D(2026, 4, 7), start_time="18:00")
    third = networks.create_meeting(uow, network_id=n.id, date=D(2026, 5, 5), start_time="18:00")
    return n, first, second, third


def test_members_are_organisations_or_persons_once_each(uow):
    n, *_ = _runde(uow)
    org = partners.create_organisation(uow, name="Gewerbeverein Kappel", kind="unternehmen")
    p = persons.create_person(uow, last_name="Sprecherin")
    networks.add_member(uow, network_id=n.id, organisation_id=org.id, role="Mitglied")
    networks.add_member(uow, network_id=n.id, person_id=p.id, role="Bewohnervertretung")
    with pytest.raises(ValidationError) as err:
        networks.add_member(uow, network_id=n.id, organisation_id=org.id)
    assert "schon" in err.value.errors["organisation_id"]
    assert [(m.organisation_id, m.person_id, m.role) for m in networks.list_members(uow, n.id)] == [
        (org.id, None, "Mitglied"), (None, p.id, "Bewohnervertretung")]
    assert networks.networks.get(uow, n.id).rhythm == "monatlich, 1. Dienstag"


def test_agenda_items_are_numbered_in_order_with_minutes_and_decisions(uow):
    _n, first, *_ = _runde(uow)
    a = networks.add_agenda_item(uow, meeting_id=first.id, title="Begrüßung")
    b = networks.add_agenda_item(uow, meeting_id=first.id, title="Frühjahrsputz", minutes="Termin steht.",
                                 decision="25.04., 10 Uhr")
    assert (a.position, b.position) == (1, 2)
    networks.update_agenda_item(uow, a.id, position=3)
    assert [i.title for i in networks.list_agenda(uow, first.id)] == ["Frühjahrsputz", "Begrüßung"]


def test_an_open_action_item_carries_over_to_every_next_agenda_until_it_is_done(uow):
    n, first, second, third = _runde(uow)
    top = networks.add_agenda_item(uow, meeting_id=first.id, title="Frühjahrsputz")
    item = networks.create_action_item_from_minutes(uow, top.id, title="Plakate drucken", owner_text="Koordinatorin",
                                                    due_on=D(2026, 3, 31))
    assert (item.meeting_id, item.agenda_item_id) == (first.id, top.id)
    other = networks.create_network(uow, name="Gewerbestammtisch")
    elsewhere = networks.create_meeting(uow, network_id=other.id, date=D(2026, 4, 8))
    assert [i.id for i in networks.open_items_for_meeting(uow, first.id)] == []  # not before it was agreed
    assert [i.id for i in networks.open_items_for_meeting(uow, second.id)] == [item.id]
    assert [i.id for i in networks.open_items_for_meeting(uow, third.id)] == [item.id]
    assert networks.open_items_for_meeting(uow, elsewhere.id) == []  # another network's agenda
    networks.complete_action_item(uow, item.id, on=D(2026, 4, 7))  # ticked off in the second meeting
    assert [i.id for i in networks.open_items_for_meeting(uow, second.id)] == [item.id]  # still discussed there
    assert networks.open_items_for_meeting(uow, third.id) == []  # and gone afterwards
    with pytest.raises(ValidationError) as err:  # a minute line of one meeting cannot file into another
        networks.create_action_item(uow, meeting_id=second.id, agenda_item_id=top.id, title="x")
    assert set(err.value.errors) == {"agenda_item_id"}


# --------------------------------------------------------------------------- calendar


def _calendar(uow):
    n, first, second, third = _runde(uow)
    p = persons.create_person(uow, last_name=RESIDENT, first_name="Ottilie")
    r = requests.create_request(uow, person_id=p.id, title=f"Miete {RESIDENT}", opened_on=D(2026, 2, 1))
    requests.set_follow_up(uow, r.id, D(2026, 3, 30), note=f"{RESIDENT} anrufen")
    closed = requests.create_request(uow, person_id=p.id, title="Erledigt", opened_on=D(2026, 2, 1))
    requests.set_follow_up(uow, closed.id, D(2026, 3, 31))
    requests.set_status(uow, closed.id, "erledigt")
    top = networks.add_agenda_item(uow, meeting_id=first.id, title=f"Bericht von {RESIDENT}")
    task = networks.create_action_item_from_minutes(uow, top.id, title=f"{RESIDENT} einladen", due_on=D(2026, 3, 20))
    return first, second, third, r, closed, task


def _events(data) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(ics_bytes(data))
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_ics_has_every_meeting_and_follow_up_local_times_across_dst_and_no_resident_names(uow):
    first, second, third, r, closed, task = _calendar(uow)
    data = calendar.calendar_data(uow, "01.03.2026", "31.05.2026")
    raw = ics_bytes(data)
    assert RESIDENT.encode() not in raw and b"Ottilie" not in raw and b"Miete" not in raw
    cal = icalendar.Calendar.from_ical(raw)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries == sorted(["Stadtteilrunde Kappel"] * 3 + [
        f"Wiedervorlage Anliegen Nr. {r.id}", f"Aufgabe Nr. {task.id} fällig (Stadtteilrunde Kappel)"])
    meetings = [e for e in cal.walk("VEVENT") if str(e["summary"]) == "Stadtteilrunde Kappel"]
    starts = sorted(e.decoded("dtstart") for e in meetings)
    # 03.03. is winter time (UTC+1), 07.04. and 05.05. summer time (UTC+2): always 18:00 local
    assert [(s.hour, s.minute, s.utcoffset()) for s in starts] == [
        (18, 0, dt.timedelta(hours=1)), (18, 0, dt.timedelta(hours=2)), (18, 0, dt.timedelta(hours=2))]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [17, 16, 16]
    first_event = next(e for e in meetings if e.decoded("dtstart").month == 3)
    assert first_event.decoded("dtend").hour == 20 and str(first_event["location"]) == "Bürgerhaus"
    follow_up = next(e for e in cal.walk("VEVENT") if str(e["summary"]) == f"Wiedervorlage Anliegen Nr. {r.id}")
    assert follow_up.decoded("dtstart") == D(2026, 3, 30)  # all day
    assert f"Anliegen Nr. {closed.id}" not in raw.decode()  # a closed request has no follow-up any more


def test_a_second_export_has_the_same_uids_and_a_changed_entry_keeps_its_uid(uow):
    _first, second, _third, r, _closed, _task = _calendar(uow)
    uow.session.execute(text("UPDATE meetings SET created_at = '2026-01-02 08:00:00', "
                             "updated_at = '2026-01-02 08:00:00'"))  # made long ago: a change shows
    uow.commit()
    before = _events(calendar.calendar_data(uow, "01.03.2026", "31.05.2026"))
    again = _events(calendar.calendar_data(uow, "01.03.2026", "31.05.2026"))
    assert set(before) == set(again) and len(before) == 5
    networks.update_meeting(uow, second.id, start_time="19:00")
    changed = _events(calendar.calendar_data(uow, "01.03.2026", "31.05.2026"))
    assert set(changed) == set(before)
    uid = next(u for u in changed if u.startswith(f"sitzung-{second.id}-"))
    assert changed[uid].decoded("dtstart").hour == 19
    assert changed[uid].decoded("last-modified") >= before[uid].decoded("last-modified")
    assert int(changed[uid]["sequence"]) >= int(before[uid]["sequence"])


def test_bad_ranges_are_refused_in_german(uow):
    with pytest.raises(ValidationError) as err:
        calendar.calendar_data(uow, "01.05.2026", "01.03.2026")
    assert "vor dem Anfang" in err.value.errors["end"]
    with pytest.raises(ValidationError) as err:
        calendar.calendar_data(uow, "01.01.2020", "01.01.2030")
    assert "fünf Jahre" in err.value.errors["end"]


def test_cli_ics_writes_the_file_and_refuses_a_reversed_range_with_one_line(ws, tmp_path, capsys):
    with ws.uow() as uow:
        _calendar(uow)
    out = tmp_path / "termine.ics"
    assert cli.main(["--db", str(ws.path), "ics", "--from", "01.03.2026", "--to", "31.05.2026",
                     "--out", str(out)]) == 0
    assert "5 Termine" in capsys.readouterr().out
    assert len(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 5
    bad = tmp_path / "falsch.ics"
    assert cli.main(["--db", str(ws.path), "ics", "--from", "31.05.2026", "--to", "01.03.2026",
                     "--out", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "vor dem Anfang" in err[0] and not bad.exists()


def test_the_network_list_figures_and_a_new_meeting_sees_the_open_items(uow):
    n, first, second, third = _runde(uow)
    org = partners.create_organisation(uow, name="Kita Sonnenschein")
    networks.add_member(uow, network_id=n.id, organisation_id=org.id)
    networks.add_participant(uow, meeting_id=first.id, organisation_id=org.id, attended=True)
    p = persons.create_person(uow, last_name="Entschuldigt")
    networks.add_participant(uow, meeting_id=first.id, person_id=p.id, attended=False)
    top = networks.add_agenda_item(uow, meeting_id=first.id, title="Fest")
    item = networks.create_action_item_from_minutes(uow, top.id, title="Zelt leihen", due_on=D(2026, 3, 20))
    networks.create_network(uow, name="Arbeitskreis Süden", active=False)
    rows = networks.network_overview(uow, D(2026, 4, 1))
    assert [(r.name, r.members, r.meetings, r.next_meeting, r.open_items) for r in rows] == [
        ("Arbeitskreis Süden", 0, 0, None, 0), ("Stadtteilrunde Kappel", 1, 3, D(2026, 4, 7), 1)]
    assert [r.name for r in networks.filter_networks(rows, "suden")] == ["Arbeitskreis Süden"]
    assert networks.filter_networks(rows, "suden", active_only=True) == []
    meetings = networks.meeting_overview(uow, n.id)
    assert [(m.present, m.excused, m.points, m.open_items) for m in meetings] == [(1, 1, 1, 1), (0, 0, 0, 0),
                                                                              (0, 0, 0, 0)]
    assert [i.id for i in networks.open_items_for_network(uow, n.id, D(2026, 3, 3))] == [item.id]  # same day too
    assert networks.open_items_for_network(uow, n.id, D(2026, 3, 2)) == []


# --------------------------------------------------------------------------- the meeting editor's one save


def _guests(uow):
    org = partners.create_organisation(uow, name="Kita Sonnenschein")
    anna = persons.create_person(uow, last_name="Özdemir", first_name="Anna")
    return org, anna


def _new_meeting(n, org, anna, *, due_on):
    """What the editor sends for a new meeting: two points, a member present, one excused, an
    action item on the second (new) point and one of her own."""
    return dict(
        network_id=n.id, values={"date": "07.04.2026", "start_time": "18:00", "location": "Bürgerhaus"},
        points=[{"title": "Begrüßung"}, {"title": "Frühjahrsputz", "minutes": "Termin steht.", "decision": "25.04."}],
        participants=[{"organisation_id": org.id, "attended": True}, {"person_id": anna.id, "attended": False}],
        actions=[{"title": "Zelt leihen", "point": 1, "owner_organisation_id": org.id, "due_on": "20.04.2026"},
                 {"title": "Plakate drucken", "point": None, "owner_text": "Koordinatorin", "due_on": due_on}])


def test_a_meeting_save_with_a_bad_action_item_writes_nothing_at_all(ws, uow):
    n = networks.create_network(uow, name="Stadtteilrunde Kappel")
    org, anna = _guests(uow)
    before = snapshot(ws)
    call = _new_meeting(n, org, anna, due_on="01.04.2026")  # before the meeting
    call["points"][0]["title"] = " "
    with pytest.raises(ValidationError) as err:
        networks.save_meeting(uow, None, **call)
    # every problem at once, each where it is
    assert err.value.errors == {"actions.1.due_on": "Die Frist kann nicht vor der Sitzung liegen.",
                                "points.0.title": "Bitte ausfüllen."}
    assert snapshot(ws) == before  # no meeting, no points, no participants, no items (and no audit rows)
    assert networks.list_meetings(uow, n.id) == []


def test_a_good_meeting_save_writes_everything_in_one_go(ws, uow):
    n = networks.create_network(uow, name="Stadtteilrunde Kappel")
    org, anna = _guests(uow)
    earlier = networks.create_meeting(uow, network_id=n.id, date=D(2026, 3, 3))
    carried = networks.create_action_item(uow, meeting_id=earlier.id, title="Raum anfragen")
    saved = networks.save_meeting(uow, None, **_new_meeting(n, org, anna, due_on="30.04.2026"),
                                  done=[(carried.id, D(2026, 4, 7))])
    with ws.uow(read_only=True) as fresh:
        m = networks.meetings.get(fresh, saved.meeting.id)
        agenda = networks.list_agenda(fresh, m.id)
        parts = networks.list_participants(fresh, m.id)
        items = networks.list_action_items(fresh, m.id)
        ticked = networks.action_items.get(fresh, carried.id)
    assert (m.date, m.start_time, m.location) == (D(2026, 4, 7), dt.time(18), "Bürgerhaus")
    assert [(a.position, a.title, a.minutes, a.decision) for a in agenda] == [
        (1, "Begrüßung", None, None), (2, "Frühjahrsputz", "Termin steht.", "25.04.")]
    assert {(p.organisation_id, p.person_id, p.attended) for p in parts} == {(org.id, None, True),
                                                                              (None, anna.id, False)}
    assert [(i.title, i.agenda_item_id, i.owner_organisation_id, i.owner_text, i.due_on) for i in items] == [
        ("Zelt leihen", agenda[1].id, org.id, None, D(2026, 4, 20)),
        ("Plakate drucken", None, None, "Koordinatorin", D(2026, 4, 30))]
    assert ticked.done_on == D(2026, 4, 7)
    # the ids come back entry by entry, so the editor knows what it holds now
    assert [p.id for p in saved.points] == [a.id for a in agenda]
    assert [p.id if p else None for p in saved.participants] == [
        next(p.id for p in parts if p.organisation_id == org.id), next(p.id for p in parts if p.person_id == anna.id)]
    assert [a.id for a in saved.actions] == [i.id for i in items]
    assert [(d.id, d.done_on) for d in saved.done] == [(carried.id, D(2026, 4, 7))]


def test_an_update_removes_a_point_and_a_participant_and_ticks_an_open_item_done(ws, uow):
    n, first, second, _third = _runde(uow)
    org, anna = _guests(uow)
    top = networks.add_agenda_item(uow, meeting_id=first.id, title="Fest")
    carried = networks.create_action_item_from_minutes(uow, top.id, title="Zelt leihen", due_on=D(2026, 3, 20))
    saved = networks.save_meeting(
        uow, None, network_id=n.id, values={"date": "05.05.2026"},
        points=[{"title": "Berichte"}, {"title": "Verschiedenes", "minutes": "nichts"}],
        participants=[{"organisation_id": org.id, "attended": True}, {"person_id": anna.id, "attended": True}])
    berichte, verschiedenes = saved.points
    kita, anna_there = saved.participants
    assert kita is not None and anna_there is not None
    mine = networks.create_action_item_from_minutes(uow, berichte.id, title="Protokoll verschicken")
    again = networks.save_meeting(
        uow, saved.meeting.id, network_id=n.id, values={"location": "Bürgerhaus"},
        points=[{"id": verschiedenes.id, "title": "Sonstiges", "minutes": "nichts"}], deleted_points=[berichte.id],
        participants=[{"id": kita.id, "organisation_id": org.id, "attended": None}],  # nothing recorded any more
        removed_participants=[anna_there.id], done=[(carried.id, D(2026, 5, 5))])
    with ws.uow(read_only=True) as fresh:
        assert networks.meetings.get(fresh, again.meeting.id).location == "Bürgerhaus"
        assert [(a.id, a.position, a.title) for a in networks.list_agenda(fresh, again.meeting.id)] == [
            (verschiedenes.id, 1, "Sonstiges")]
        assert networks.list_participants(fresh, again.meeting.id) == []
        assert networks.action_items.get(fresh, carried.id).done_on == D(2026, 5, 5)
        # the item from the deleted point stays, without its point
        assert networks.action_items.get(fresh, mine.id).agenda_item_id is None
    assert again.participants == (None,)


def test_rows_of_another_meeting_are_refused_and_nothing_is_written(ws, uow):
    n, first, second, _third = _runde(uow)
    top = networks.add_agenda_item(uow, meeting_id=first.id, title="Fest")
    item = networks.create_action_item(uow, meeting_id=first.id, title="Zelt leihen")
    other = networks.create_network(uow, name="Gewerbestammtisch")
    foreign = networks.create_meeting(uow, network_id=other.id, date=D(2026, 3, 4))
    foreign_item = networks.create_action_item(uow, meeting_id=foreign.id, title="Fremd")
    before = snapshot(ws)
    with pytest.raises(ValidationError) as err:
        networks.save_meeting(uow, second.id, network_id=n.id, values={}, deleted_points=[top.id],
                              actions=[{"id": item.id, "title": "Zelt kaufen"}, {"title": "Neu", "point": 3}],
                              done=[(foreign_item.id, D(2026, 4, 7)), (item.id, "morgen früh")],
                              participants="Caritas")
    errors = err.value.errors
    assert "Datum" in errors.pop("done.1.done_on")
    assert errors == {
        "deleted_points.0": "Dieser Tagesordnungspunkt gehört zu einer anderen Sitzung.",
        "actions.0.id": "Diese Aufgabe gehört zu einer anderen Sitzung.",
        "actions.1.point": "Unbekannter Tagesordnungspunkt.",
        "done.0": "Diese Aufgabe gehört zu einem anderen Netzwerk.",
        "participants": "Bitte eine Liste angeben.",
    }
    assert snapshot(ws) == before

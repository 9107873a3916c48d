"""Correctable records: a contact moves to another person (the wrong Müller), contacts and
tallies are deleted with an audit row, a quick capture is undone exactly (or refused and
nothing deleted), and the day lists come newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import desk, lists, persons, requests, statistics

TODAY = dt.date.today()
TABLES = ("persons", "contacts", "requests", "anonymous_tallies")


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def counts(ws) -> dict[str, int]:
    with ws.uow(read_only=True) as u:
        return {t: u.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def audit_rows(ws, entity: str, ident: int) -> list[str]:
    with ws.uow(read_only=True) as u:
        return list(u.session.execute(
            text("SELECT action FROM audit_events WHERE entity = :e AND entity_id = :i ORDER BY id"),
            {"e": entity, "i": ident}).scalars())


def year_stats(ws):
    with ws.uow(read_only=True) as u:
        return statistics.compute(u, *statistics.year_period(TODAY.year))


@pytest.fixture
def two_muellers(ws, kappel):
    with ws.uow() as u:
        anna = persons.create_person(u, last_name="Testmüller", first_name="Anna", district_id=kappel.id,
                                     gender="weiblich")
        berta = persons.create_person(u, last_name="Testmüller", first_name="Berta", gender="weiblich")
        request = requests.create_request(u, person_id=anna.id, title="Nebenkosten", opened_on=TODAY - days(3))
        linked = requests.create_contact(u, person_id=anna.id, request_id=request.id, date=TODAY - days(1),
                                         note="zur Nebenkostenabrechnung")
        plain = requests.create_contact(u, person_id=anna.id, date=TODAY, duration_minutes=20)
    return {"anna": anna, "berta": berta, "request": request, "linked": linked, "plain": plain}


# --------------------------------------------------------------------------- move


def test_move_contact_to_the_right_person_counts_her_instead(ws, two_muellers):
    d = two_muellers
    before = year_stats(ws)
    with ws.uow() as u:
        moved = requests.move_contact(u, d["plain"].id, d["berta"].id)
    assert moved.contact.person_id == d["berta"].id and moved.from_person_id == d["anna"].id
    assert not moved.request_unlinked and moved.message == "Der Kontakt wurde verschoben."
    with ws.uow(read_only=True) as u:
        assert [c.id for c in requests.list_contacts(u, person_id=d["berta"].id)] == [d["plain"].id]
        assert [c.id for c in requests.list_contacts(u, person_id=d["anna"].id)] == [d["linked"].id]
        back = requests.contacts.get(u, d["plain"].id)
    assert (back.date, back.duration_minutes) == (TODAY, 20)  # nothing else changed
    after = year_stats(ws)
    assert after.contacts == before.contacts
    assert after.participants_named == before.participants_named + 1  # Berta now came too
    assert audit_rows(ws, "contacts", d["plain"].id) == ["create", "update"]


def test_moving_a_contact_of_a_request_drops_the_link_and_says_so(ws, two_muellers):
    d = two_muellers
    with ws.uow() as u:
        moved = requests.move_contact(u, d["linked"].id, d["berta"].id, note="korrigiert")
    assert moved.request_unlinked and "Verbindung wurde gelöst" in moved.message
    with ws.uow(read_only=True) as u:
        c = requests.contacts.get(u, d["linked"].id)
        assert requests.get_request(u, d["request"].id).person_id == d["anna"].id  # the request stays
    assert (c.person_id, c.request_id, c.note) == (d["berta"].id, None, "korrigiert")


@pytest.mark.parametrize(("target", "message"), [
    ("same", "Der Kontakt gehört bereits zu dieser Person."),
    (99999, "Diese Person gibt es nicht (mehr)."),
    (None, "Bitte auswählen."),
])
def test_move_refuses_bad_targets_in_german_and_writes_nothing(ws, two_muellers, target, message):
    d = two_muellers
    person_id = d["anna"].id if target == "same" else target
    with ws.uow() as u, pytest.raises(ValidationError) as exc:
        requests.move_contact(u, d["plain"].id, person_id)
    assert exc.value.errors == {"person_id": message}
    with ws.uow(read_only=True) as u:
        assert requests.contacts.get(u, d["plain"].id).person_id == d["anna"].id
    assert audit_rows(ws, "contacts", d["plain"].id) == ["create"]


def test_move_with_a_bad_changed_field_writes_nothing(ws, two_muellers):
    d = two_muellers
    with ws.uow() as u, pytest.raises(ValidationError) as exc:
        requests.move_contact(u, d["plain"].id, d["berta"].id, date=TODAY + days(1))
    assert "date" in exc.value.errors
    with ws.uow(read_only=True) as u:
        assert requests.contacts.get(u, d["plain"].id).person_id == d["anna"].id


# --------------------------------------------------------------------------- delete + audit


def test_deleting_a_contact_is_audited_with_its_id_and_leaves_the_statistics(ws, two_muellers):
    d = two_muellers
    before = year_stats(ws)
    with ws.uow() as u:
        requests.delete_contact(u, d["plain"].id)
    assert audit_rows(ws, "contacts", d["plain"].id) == ["create", "delete"]
    with ws.uow(read_only=True) as u:
        assert [c.id for c in requests.list_contacts(u, person_id=d["anna"].id)] == [d["linked"].id]
    assert year_stats(ws).contacts == before.contacts - 1


def test_deleting_a_tally_is_audited_and_leaves_the_anonymous_count(ws):
    with ws.uow() as u:
        tally = requests.record_anonymous(u, date=TODAY, count=3)
    assert year_stats(ws).extra["anonymous_walk_ins"] == 3
    with ws.uow() as u:
        requests.delete_anonymous(u, tally.id)
    assert audit_rows(ws, "anonymous_tallies", tally.id) == ["create", "delete"]
    assert year_stats(ws).extra["anonymous_walk_ins"] == 0


# --------------------------------------------------------------------------- undo


def test_undo_of_a_new_person_with_request_removes_all_of_it(ws):
    before = counts(ws)
    with ws.uow() as u:
        walk_in = desk.record_walk_in(u, new_last_name="Probe", new_first_name="Paula", open_request=True,
                                      request_title="Wohngeld")
    assert counts(ws) == {**before, "persons": 1, "contacts": 1, "requests": 1}
    with ws.uow() as u:
        desk.undo_walk_in(u, walk_in)
    assert counts(ws) == before
    assert audit_rows(ws, "persons", walk_in.person_id)[-1] == "delete"
    assert audit_rows(ws, "contacts", walk_in.contact_id)[-1] == "delete"
    assert audit_rows(ws, "requests", walk_in.request_id)[-1] == "delete"


def test_undo_of_a_known_person_keeps_the_person_and_her_other_contacts(ws, two_muellers):
    d = two_muellers
    with ws.uow() as u:
        walk_in = desk.record_walk_in(u, person_id=d["berta"].id, note="kurz")
    with ws.uow() as u:
        desk.undo_walk_in(u, walk_in)
    with ws.uow(read_only=True) as u:
        assert persons.get_person(u, d["berta"].id).first_name == "Berta"
        assert requests.list_contacts(u, person_id=d["berta"].id) == []
        assert len(requests.list_contacts(u, person_id=d["anna"].id)) == 2


def test_undo_of_an_anonymous_walk_in_removes_the_tally_only(ws):
    with ws.uow() as u:
        kept = requests.record_anonymous(u, date=TODAY)
        walk_in = desk.record_walk_in(u, anonymous=True)
    with ws.uow() as u:
        desk.undo_walk_in(u, walk_in)
    with ws.uow(read_only=True) as u:
        assert [t.id for t in requests.tallies.list(u)] == [kept.id]
    assert year_stats(ws).extra["anonymous_walk_ins"] == 1


def test_undo_refuses_when_the_new_person_got_more_since_and_deletes_nothing(ws):
    with ws.uow() as u:
        walk_in = desk.record_walk_in(u, new_last_name="Probe", new_first_name="Paula")
        requests.create_contact(u, person_id=walk_in.person_id, date=TODAY, kind="telefon")
    before = counts(ws)
    with ws.uow() as u, pytest.raises(ValidationError) as exc:
        desk.undo_walk_in(u, walk_in)
    assert "Probe, Paula wurde seitdem weiter erfasst" in exc.value.errors[""]
    assert "es wurde nichts gelöscht" in exc.value.errors[""]
    assert counts(ws) == before


def test_undo_refuses_when_the_request_got_another_contact_and_deletes_nothing(ws, two_muellers):
    d = two_muellers
    with ws.uow() as u:
        walk_in = desk.record_walk_in(u, person_id=d["berta"].id, open_request=True)
        requests.create_contact(u, person_id=d["berta"].id, request_id=walk_in.request_id, date=TODAY)
    before = counts(ws)
    with ws.uow() as u, pytest.raises(ValidationError):
        desk.undo_walk_in(u, walk_in)
    assert counts(ws) == before


def test_undo_twice_says_there_is_nothing_left(ws):
    with ws.uow() as u:
        walk_in = desk.record_walk_in(u, anonymous=True)
    with ws.uow() as u:
        desk.undo_walk_in(u, walk_in)
    with ws.uow() as u, pytest.raises(ValidationError) as exc:
        desk.undo_walk_in(u, walk_in)
    assert exc.value.errors == {"": desk.UNDO_GONE}


def test_status_text_of_a_capture(ws, two_muellers):
    with ws.uow() as u:
        named = desk.record_walk_in(u, person_id=two_muellers["anna"].id)
        anonymous = desk.record_walk_in(u, anonymous=True)
        assert desk.describe_walk_in(u, named) == "Kontakt mit Testmüller, Anna gespeichert"
        assert desk.describe_walk_in(u, anonymous) == "Anonymer Besuch gezählt"


# --------------------------------------------------------------------------- day lists


def test_captures_of_a_day_are_contacts_and_tallies_newest_first(ws, two_muellers):
    d = two_muellers
    with ws.uow() as u:
        first = desk.record_walk_in(u, anonymous=True)
        second = desk.record_walk_in(u, person_id=d["berta"].id)
        third = desk.record_walk_in(u, anonymous=True)
        requests.record_anonymous(u, date=TODAY - days(1))  # another day
        rows = desk.captures_on(u, TODAY)
    assert [(r.kind_of_row, r.id) for r in rows] == [
        ("tally", third.tally_id), ("contact", second.contact_id), ("tally", first.tally_id),
        ("contact", d["plain"].id)]
    assert rows[1].person_name == "Testmüller, Berta" and rows[0].person_name == "anonym"


def test_tallies_of_any_day_with_their_sum(ws, kappel):
    day = TODAY - days(400)
    with ws.uow() as u:
        cat = lists.list_categories(u)[0]
        older = requests.record_anonymous(u, date=day, count=2, district_id=kappel.id, gender="weiblich",
                                          age_band="65plus", category_id=cat.id, note="Ehepaar")
        newer = requests.record_anonymous(u, date=day)
        requests.record_anonymous(u, date=day + days(1), count=5)
        listed = desk.day_tallies(u, day)
    assert [r.id for r in listed.rows] == [newer.id, older.id]
    assert listed.total == 3
    row = listed.rows[1]
    assert (row.district, row.gender_label, row.age_band_label, row.category, row.count, row.note) == (
        "Kappel", "weiblich", "65 und älter", cat.name, 2, "Ehepaar")
    with ws.uow(read_only=True) as u:
        assert desk.day_tallies(u, day - days(1)).rows == ()

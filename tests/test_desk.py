"""Sprechstunde quick capture: one walk-in (known person, new person or anonymous) is
logged in one step; wrong input names the dialog's field and writes nothing; what
was captured counts in the funder statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import desk, lists, persons, requests, statistics

TODAY = dt.date.today()
UNKNOWN_ID = 99999
TABLES = ("persons", "contacts", "requests", "anonymous_tallies")


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def counts(session) -> dict[str, int]:
    return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def committed_counts(ws) -> dict[str, int]:
    with ws.uow(read_only=True) as u:
        return counts(u.session)


def category(uow, name="Schulden und Finanzen") -> int:
    return next(c.id for c in lists.list_categories(uow) if c.name == name)


@pytest.fixture
def kappel_id(uow):
    return lists.districts.create(uow, name="Kappel").id


@pytest.fixture
def mueller(uow):
    return persons.create_person(uow, last_name="Müller", first_name="Jürgen")


# --------------------------------------------------------------------------- good paths


def test_walk_in_of_a_known_person(ws, uow, mueller):
    debts = category(uow)
    before = committed_counts(ws)
    result = desk.record_walk_in(uow, person_id=mueller.id, category_id=debts, note="Mahnung Stromanbieter")
    assert result.person_id == mueller.id and not result.created_person
    assert result.request_id is None and result.tally_id is None
    (contact,) = requests.list_contacts(uow, person_id=mueller.id)
    assert contact.id == result.contact_id
    assert contact.category_id == debts
    assert contact.note == "Mahnung Stromanbieter"
    assert contact.kind == "sprechzeit"
    assert contact.date == TODAY
    assert contact.request_id is None
    after = committed_counts(ws)
    assert after == {**before, "contacts": before["contacts"] + 1}  # committed, nothing else


def test_walk_in_of_a_new_person(ws, uow, kappel_id):
    result = desk.record_walk_in(uow, new_last_name="  Özdemir ", new_first_name="Ayşe",
                                 district_id=kappel_id, gender="weiblich", category_id=category(uow),
                                 note="Erstkontakt")
    assert result.created_person
    p = persons.get_person(uow, result.person_id)
    assert (p.last_name, p.first_name, p.district_id, p.gender) == ("Özdemir", "Ayşe", kappel_id, "weiblich")
    (contact,) = requests.list_contacts(uow, person_id=p.id)
    assert contact.id == result.contact_id and contact.date == TODAY and contact.kind == "sprechzeit"
    assert committed_counts(ws) == {"persons": 1, "contacts": 1, "requests": 0, "anonymous_tallies": 0}


def test_anonymous_walk_in_is_only_counted(ws, uow, kappel_id):
    result = desk.record_walk_in(uow, anonymous=True, district_id=kappel_id, gender="männlich",
                                 age_band="30–54", category_id=category(uow, "Sucht"))
    assert result.person_id is None and result.contact_id is None and result.request_id is None
    assert not result.created_person
    tally = requests.tallies.get(uow, result.tally_id)
    assert (tally.date, tally.district_id, tally.gender, tally.age_band, tally.count) == (
        TODAY, kappel_id, "maennlich", "30_54", 1)
    assert tally.kind == "sprechzeit"
    assert tally.category_id == category(uow, "Sucht")
    assert committed_counts(ws) == {"persons": 0, "contacts": 0, "requests": 0, "anonymous_tallies": 1}


def test_walk_in_opening_a_request_with_default_title_and_follow_up(ws, uow, mueller):
    debts = category(uow)
    follow_up = TODAY + days(7)
    result = desk.record_walk_in(uow, person_id=mueller.id, category_id=debts, note="Mahnungen",
                                 open_request=True, follow_up_on=follow_up)
    req = requests.get_request(uow, result.request_id)
    assert req.title == "Schulden und Finanzen"  # the category's name
    assert req.person_id == mueller.id and req.category_id == debts
    assert req.follow_up_on == follow_up
    assert req.opened_on == TODAY and req.status == "offen"
    contact = next(c for c in requests.list_contacts(uow, person_id=mueller.id) if c.id == result.contact_id)
    assert contact.request_id == req.id
    assert committed_counts(ws) == {"persons": 1, "contacts": 1, "requests": 1, "anonymous_tallies": 0}


def test_walk_in_request_with_own_title_and_follow_up_as_german_date(uow, mueller):
    follow_up = TODAY + days(3)
    result = desk.record_walk_in(uow, person_id=mueller.id, open_request=True,
                                 request_title="  Wohngeldantrag ", follow_up_on=f"{follow_up:%d.%m.%Y}")
    req = requests.get_request(uow, result.request_id)
    assert req.title == "Wohngeldantrag" and req.follow_up_on == follow_up


def test_walk_in_request_without_category_gets_a_generic_title(uow, mueller):
    result = desk.record_walk_in(uow, person_id=mueller.id, open_request=True)
    assert requests.get_request(uow, result.request_id).title == "Anliegen aus der Sprechzeit"


def test_new_person_with_a_request(ws, uow):
    result = desk.record_walk_in(uow, new_last_name="Abel", open_request=True, category_id=category(uow, "Sucht"),
                                 follow_up_on=TODAY)
    req = requests.get_request(uow, result.request_id)
    assert req.person_id == result.person_id and req.title == "Sucht" and req.follow_up_on == TODAY
    assert committed_counts(ws) == {"persons": 1, "contacts": 1, "requests": 1, "anonymous_tallies": 0}


def test_walk_in_on_an_earlier_day_with_another_kind(uow, mueller):
    day = TODAY - days(2)
    result = desk.record_walk_in(uow, person_id=mueller.id, kind="telefon", day=day, duration_minutes=15,
                                 open_request=True, follow_up_on=day)
    contact = requests.list_contacts(uow, person_id=mueller.id)[0]
    assert (contact.date, contact.kind, contact.duration_minutes) == (day, "telefon", 15)
    assert requests.get_request(uow, result.request_id).opened_on == day


# --------------------------------------------------------------------------- errors write nothing


def _error_cases():
    """(id, keyword arguments or a callable of the fixtures giving them, field named)."""
    return [
        ("neither_person_nor_anonymous", lambda f: {"category_id": f["debts"]}, "person"),
        ("blank_new_name", lambda f: {"new_last_name": "   ", "new_first_name": "Anna"}, "person"),
        ("both_known_and_anonymous", lambda f: {"person_id": f["mueller"], "anonymous": True}, "person"),
        ("both_new_and_anonymous", lambda f: {"new_last_name": "Neu", "anonymous": True}, "person"),
        ("anonymous_with_request", lambda f: {"anonymous": True, "open_request": True}, "request_title"),
        ("follow_up_without_request",
         lambda f: {"person_id": f["mueller"], "follow_up_on": TODAY + days(3)}, "follow_up_on"),
        ("follow_up_without_request_new_person",
         lambda f: {"new_last_name": "Neu", "follow_up_on": TODAY + days(3)}, "follow_up_on"),
        ("follow_up_before_contact",
         lambda f: {"person_id": f["mueller"], "open_request": True, "follow_up_on": TODAY - days(1)},
         "follow_up_on"),
        ("follow_up_before_earlier_contact_day",
         lambda f: {"person_id": f["mueller"], "open_request": True, "day": TODAY - days(5),
                    "follow_up_on": TODAY - days(6)}, "follow_up_on"),
        ("unknown_category_known_person", lambda f: {"person_id": f["mueller"], "category_id": UNKNOWN_ID},
         "category_id"),
        ("unknown_category_new_person", lambda f: {"new_last_name": "Neu", "category_id": UNKNOWN_ID},
         "category_id"),
        ("unknown_category_new_person_with_request",
         lambda f: {"new_last_name": "Neu", "category_id": UNKNOWN_ID, "open_request": True},
         "category_id"),
        ("unknown_category_anonymous", lambda f: {"anonymous": True, "category_id": UNKNOWN_ID}, "category_id"),
        ("unknown_person", lambda f: {"person_id": UNKNOWN_ID}, "person"),
    ]


CASES = _error_cases()


@pytest.fixture
def refs(uow, mueller):
    return {"mueller": mueller.id, "debts": category(uow)}


@pytest.mark.parametrize(("make", "field"), [(m, f) for _, m, f in CASES], ids=[c[0] for c in CASES])
def test_wrong_input_names_the_field_and_writes_nothing(ws, uow, refs, make, field):
    before = committed_counts(ws)
    assert counts(uow.session) == before
    with pytest.raises(ValidationError) as exc:
        desk.record_walk_in(uow, **make(refs))
    assert field in exc.value.errors, exc.value.errors
    assert exc.value.errors[field].strip()
    assert committed_counts(ws) == before



def _pending_cases():
    return [pytest.param(m, id=i) for i, m, _ in CASES]


@pytest.mark.parametrize("make", _pending_cases())
def test_after_an_error_the_unit_of_work_holds_nothing_pending(ws, uow, refs, make):
    """The dialog shows the error, she corrects the field and saves again: only the
    corrected walk-in may be written, nothing left over from the failed attempt."""
    before = counts(uow.session)
    with pytest.raises(ValidationError):
        desk.record_walk_in(uow, **make(refs))
    assert counts(uow.session) == before


def test_correcting_the_category_after_an_error_does_not_create_the_person_twice(ws, uow):
    with pytest.raises(ValidationError):
        desk.record_walk_in(uow, new_last_name="Neu", category_id=UNKNOWN_ID)
    desk.record_walk_in(uow, new_last_name="Neu", category_id=category(uow))
    assert [p.last_name for p in persons.list_persons(uow)] == ["Neu"]
    assert committed_counts(ws)["persons"] == 1


def test_error_messages_are_german(uow, refs):
    with pytest.raises(ValidationError) as exc:
        desk.record_walk_in(uow)
    assert "Bitte" in exc.value.errors["person"]
    with pytest.raises(ValidationError) as exc:
        desk.record_walk_in(uow, person_id=refs["mueller"], open_request=True, follow_up_on=TODAY - days(1))
    assert "Wiedervorlage" in exc.value.errors["follow_up_on"]


# --------------------------------------------------------------------------- statistics


def test_quick_captured_walk_ins_count_in_the_statistics(uow, mueller, kappel_id):
    period = (TODAY - days(30), TODAY)
    before = statistics.compute(uow, *period)
    desk.record_walk_in(uow, new_last_name="Neu", district_id=kappel_id, gender="divers")
    desk.record_walk_in(uow, anonymous=True, district_id=kappel_id, gender="weiblich", age_band="unter 18")
    after = statistics.compute(uow, *period)
    assert after.participants_named == before.participants_named + 1
    assert after.participants_anonymous == before.participants_anonymous + 1
    assert after.extra["anonymous_walk_ins"] == before.extra["anonymous_walk_ins"] + 1
    assert after.contacts == before.contacts + 1
    assert after.by_district["Kappel"] == before.by_district["Kappel"] + 1
    assert after.by_gender["divers"] == before.by_gender["divers"] + 1


def test_a_known_person_coming_again_counts_once(uow, mueller):
    period = (TODAY - days(30), TODAY)
    desk.record_walk_in(uow, person_id=mueller.id, day=TODAY - days(3))
    once = statistics.compute(uow, *period)
    desk.record_walk_in(uow, person_id=mueller.id, open_request=True)
    again = statistics.compute(uow, *period)
    assert once.participants_named == again.participants_named == 1
    assert again.contacts == 2 and again.requests_opened == 1

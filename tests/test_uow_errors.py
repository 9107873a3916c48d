"""The unit of work turns a constraint the database caught into a German
ValidationError, rolls back, and stays usable; the clearance retention job erases only
what the law says (DESIGN.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kuemmerer.db.models import Contact, District, Person
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import lists, persons, volunteers


def count(ws, table: str) -> int:
    with ws.uow(read_only=True) as u:
        return u.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize(("make", "message"), [
    (lambda ids: District(name="Kappel"), "Ein solcher Eintrag existiert bereits."),
    (lambda ids: Contact(person_id=99999, date=dt.date(2024, 1, 2)),
     "Der Eintrag wird noch an anderer Stelle verwendet oder verweist auf etwas, das es nicht mehr gibt."),
    (lambda ids: Person(last_name="   "), "Die Eingaben verletzen eine Regel der Datenbank."),
], ids=["unique", "foreign-key", "check"])
@pytest.mark.parametrize("step", ["commit", "flush"])
def test_a_constraint_becomes_a_german_validation_error_and_nothing_is_written(ws, kappel, make, message, step):
    before = (count(ws, "districts"), count(ws, "contacts"), count(ws, "persons"))
    with ws.uow() as u:
        u.add(make({}))
        with pytest.raises(ValidationError) as info:
            getattr(u, step)()
        assert info.value.errors == {"": message}
        # the unit of work is rolled back and usable again
        persons.create_person(u, last_name="Danach")
    assert (count(ws, "districts"), count(ws, "contacts"), count(ws, "persons")) == (
        before[0], before[1], before[2] + 1)


def test_a_race_on_a_unique_name_is_caught_by_the_database(ws):
    """Two windows validate the same new name; the second commit meets the UNIQUE key."""
    with ws.uow() as first, ws.uow() as second:
        a = District(name="Hutholz")
        first.add(a)
        first.commit()
        second.add(District(name="Hutholz"))
        with pytest.raises(ValidationError, match="existiert bereits"):
            second.commit()
    with ws.uow(read_only=True) as u:
        assert [d.name for d in lists.list_districts(u)].count("Hutholz") == 1


TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(("started", "ended", "erased"), [
    (dt.date(2025, 1, 1), TODAY - dt.timedelta(days=93), True),    # stopped more than three months ago
    (dt.date(2025, 1, 1), TODAY - dt.timedelta(days=60), False),   # stopped two months ago: kept
    (None, TODAY - dt.timedelta(days=1), True),                    # never started: at once
    (dt.date(2025, 1, 1), None, False),                            # still active
])
def test_clearance_data_is_erased_three_months_after_the_end(ws, uow, started, ended, erased):
    p = persons.create_person(uow, last_name="Helferin")
    v = volunteers.create_volunteer(uow, person_id=p.id, started_on=started, ended_on=ended,
                                    clearance_issued_on=dt.date(2024, 12, 1),
                                    clearance_seen_on=dt.date(2024, 12, 10), clearance_relevant_entry=False)
    touched = volunteers.erase_expired_clearances(uow, TODAY)
    with ws.uow(read_only=True) as u:
        after = volunteers.get_volunteer(u, v.id)
    data = (after.clearance_seen_on, after.clearance_issued_on, after.clearance_relevant_entry)
    assert (touched == [v.id]) is erased
    assert data == ((None, None, None) if erased else (dt.date(2024, 12, 10), dt.date(2024, 12, 1), False))
    assert (after.started_on, after.ended_on) == (started, ended)  # only the clearance goes


@pytest.mark.parametrize("ident", [10**30, -(10**30), 2**63])
def test_a_number_no_row_can_have_is_not_found(ws, ident):
    from kuemmerer.domain.errors import NotFound

    with ws.uow(read_only=True) as u:
        assert u.find(Person, ident) is None
        with pytest.raises(NotFound):
            u.get(Person, ident, "Person")

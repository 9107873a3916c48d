"""Small input rules of services.validation and crud that the entity tests do not reach."""

from __future__ import annotations

import pytest

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import lists, persons, volunteers


@pytest.mark.parametrize("bad_id", [1.5, "1,5", True, "eins"])
def test_reference_ids_must_be_whole_numbers(uow, kappel, bad_id):
    with pytest.raises(ValidationError) as info:
        persons.create_person(uow, last_name="X", district_id=bad_id)
    assert "district_id" in info.value.errors


def test_whole_float_id_is_accepted(uow, kappel):
    assert persons.create_person(uow, last_name="X", district_id=float(kappel.id)).district_id == kappel.id


@pytest.mark.parametrize(("text", "expected"), [("nein", False), ("Ja", True), ("0", False), (False, False)])
def test_yes_no_text(uow, text, expected):
    p = persons.create_person(uow, last_name="Ehrenamt")
    v = volunteers.create_volunteer(uow, person_id=p.id, clearance_seen_on="2026-01-02",
                                    clearance_relevant_entry=text)
    assert v.clearance_relevant_entry is expected


def test_unclear_yes_no_is_refused(uow):
    p = persons.create_person(uow, last_name="Ehrenamt")
    with pytest.raises(ValidationError) as info:
        volunteers.create_volunteer(uow, person_id=p.id, clearance_seen_on="2026-01-02",
                                    clearance_relevant_entry="vielleicht")
    assert info.value.errors == {"clearance_relevant_entry": "Bitte ja oder nein angeben."}


def test_list_names_are_limited_to_the_column_length(uow):
    with pytest.raises(ValidationError) as info:
        lists.districts.create(uow, name="K" * 81)
    assert "80" in info.value.errors["name"]
    assert lists.services.create(uow, name="S" * 120).name == "S" * 120

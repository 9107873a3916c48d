"""Residents (Bewohner*innen): create, change, delete (really delete), look up."""

from __future__ import annotations

from typing import Any

from kuemmerer.db import queries
from kuemmerer.db.models import District, Person
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import AuditAction, ErasureKind, Gender
from kuemmerer.domain.rules import EARLIEST_BIRTH_DATE

from .crud import Crud, check_ref
from .dto import PersonDto
from .validation import Form


def _validate(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=persons.editable())
    clean: dict[str, Any] = {
        "last_name": form.text("last_name", required=True, max_len=100),
        "first_name": form.text("first_name", max_len=100),
        "birth_date": form.date("birth_date", not_future=True, not_before=EARLIEST_BIRTH_DATE,
                                kind=DateKind.BIRTH),
        "gender": form.choice("gender", Gender, Gender.UNSTATED),
        "district_id": check_ref(form, uow, District, "district_id", "Unbekanntes Stadtgebiet."),
        "street": form.text("street", max_len=150),
        "postcode": form.text("postcode", max_len=10),
        "city": form.text("city", max_len=100),
        "phone": form.text("phone", max_len=50),
        "email": form.email("email"),
        "languages": form.text("languages", max_len=200),
        "notes": form.text("notes", max_len=20000),
    }
    if clean["postcode"] and not clean["postcode"].isdigit():
        form.error("postcode", "Die Postleitzahl besteht nur aus Ziffern.")
    form.done()
    return clean


persons = Crud(Person, PersonDto, "Person", _validate)

create_person = persons.create
update_person = persons.update
get_person = persons.get


def delete_person(uow: UnitOfWork, person_id: int) -> dict[str, int]:
    """Delete a person and, through the database's cascades, every row with their data.

    Returns how many linked records went with them (for the log and the UI's
    confirmation). Audit keeps the id and the action only.
    """
    from . import erasures
    from .statistics import freeze_before_erasure

    person = uow.get(Person, person_id, "Person")
    linked = queries.person_linked_counts(uow.session, person_id)
    freeze_before_erasure(uow)  # reported years keep their figures (DESIGN.md §3)
    entry = erasures.journal(uow, ErasureKind.PERSON, person.id, person.created_at)  # re-applied after a restore
    uow.delete(person)
    uow.flush()
    queries.delete_unused_tags(uow.session)
    uow.audit(AuditAction.ERASE, "persons", person_id)
    uow.commit()
    erasures.publish(uow, [entry])
    queries.checkpoint(uow.session)
    return linked


def person_linked_counts(uow: UnitOfWork, person_id: int) -> dict[str, int]:
    """What deleting the person would remove, for the confirmation dialog."""
    uow.get(Person, person_id, "Person")
    return queries.person_linked_counts(uow.session, person_id)


def list_persons(uow: UnitOfWork) -> list[PersonDto]:
    return persons.list(uow, "last_name", "first_name")


def similar_persons(uow: UnitOfWork, *, last_name: str, first_name: str | None = None,
                    birth_date=None, street: str | None = None,
                    exclude_id: int | None = None) -> list[PersonDto]:
    """Existing persons a new entry may duplicate: same name and birth date, or same name
    and address (folded: "Müller" = "Muller")."""
    rows = queries.similar_persons(uow.session, last_name=last_name, first_name=first_name,
                                   birth_date=birth_date, street=street, exclude_id=exclude_id)
    return [persons.get(uow, r) for r in rows]


def duplicates_of_new(uow: UnitOfWork, *, last_name: str, first_name: str | None = None,
                      birth_date=None) -> list[int]:
    """The duplicate check for a person typed in by name (sign-in sheet): persons with the
    same name and birth date; without a birth date — a paper list rarely has one — every
    person of that name (folded spellings), as the quick capture asks. Ids, best first."""
    from . import listing

    found = [p.id for p in similar_persons(uow, last_name=last_name, first_name=first_name, birth_date=birth_date)]
    if not found and birth_date is None:
        found = [m.id for m in listing.namesakes(uow, last_name, first_name)]
    return found

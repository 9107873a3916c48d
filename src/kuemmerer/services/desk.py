"""Sprechstunde: log a walk-in in one step (named or anonymous), in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuemmerer.db.models import Category
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ContactKind
from kuemmerer.domain.errors import ValidationError

from . import persons, requests
from .validation import Form, check_order, today


@dataclass(frozen=True)
class WalkIn:
    person_id: int | None
    created_person: bool
    contact_id: int | None
    request_id: int | None
    tally_id: int | None


def record_walk_in(uow: UnitOfWork, *, person_id: int | None = None, new_last_name: str | None = None,
                   new_first_name: str | None = None, anonymous: bool = False,
                   district_id: int | None = None, gender: str | None = None, age_band: str | None = None,
                   category_id: int | None = None, note: str | None = None,
                   kind: str = ContactKind.OFFICE_HOURS.value, duration_minutes: int | None = None,
                   open_request: bool = False, request_title: str | None = None,
                   follow_up_on: dt.date | str | None = None, day: dt.date | None = None) -> WalkIn:
    """Record one walk-in. Exactly one of: an existing ``person_id``, a new person
    (``new_last_name``), or ``anonymous`` (district, gender, age band only).

    Errors name the dialog's fields: ``person``, ``category_id``, ``note``,
    ``request_title``, ``follow_up_on``.
    """
    day = day or today()
    form = Form({"follow_up_on": follow_up_on})
    named = person_id is not None or bool((new_last_name or "").strip())
    if anonymous and named:
        form.error("person", "Anonym oder mit Namen – bitte nur eins von beidem.")
    elif not anonymous and not named:
        form.error("person", "Bitte eine Person wählen, einen neuen Namen eingeben oder „anonym“ ankreuzen.")
    if anonymous and open_request:
        form.error("request_title", "Ein Anliegen braucht eine Person; anonym wird nur gezählt.")
    follow_up = form.date("follow_up_on")
    check_order(form, day, follow_up, "follow_up_on", "Die Wiedervorlage kann nicht vor dem Kontakt liegen.")
    if follow_up and not open_request:
        form.error("follow_up_on", "Eine Wiedervorlage gehört zu einem Anliegen: bitte „Anliegen eröffnen“ ankreuzen.")
    form.done()

    try:
        return _write(uow, person_id, new_last_name, new_first_name, anonymous, district_id, gender, age_band,
                      category_id, note, kind, duration_minutes, open_request, request_title, follow_up, day)
    except ValidationError:
        uow.rollback()  # nothing of a failed walk-in stays pending in the unit of work
        raise


def _write(uow, person_id, new_last_name, new_first_name, anonymous, district_id, gender, age_band,
           category_id, note, kind, duration_minutes, open_request, request_title, follow_up, day) -> WalkIn:
    if anonymous:
        tally = _renamed(lambda: requests.tallies.add(
            uow, date=day, kind=kind, district_id=district_id, gender=gender, age_band=age_band,
            category_id=category_id, note=note, count=1), {"date": "person"})
        uow.commit()
        return WalkIn(None, False, None, None, tally.id)

    created = person_id is None
    if created:
        person = _renamed(lambda: persons.persons.add(
            uow, last_name=new_last_name, first_name=new_first_name, district_id=district_id,
            gender=gender), {"last_name": "person", "first_name": "person"})
        person_id = person.id
    request_id = None
    if open_request:
        title = (request_title or "").strip() or _category_name(uow, category_id) or "Anliegen aus der Sprechzeit"
        request = _renamed(lambda: requests.requests.add(
            uow, person_id=person_id, category_id=category_id, title=title, description=note,
            opened_on=day, follow_up_on=follow_up), {"title": "request_title", "person_id": "person"})
        request_id = request.id
    contact = _renamed(lambda: requests.contacts.add(
        uow, person_id=person_id, request_id=request_id, category_id=category_id, date=day, kind=kind,
        duration_minutes=duration_minutes, note=note), {"person_id": "person", "date": "person"})
    uow.commit()
    return WalkIn(person_id, created, contact.id, request_id, None)


def _category_name(uow: UnitOfWork, category_id: int | None) -> str | None:
    category = uow.find(Category, category_id)
    return category.name if category else None


def _renamed(action, names: dict[str, str]):
    """Run a service step; its field errors are re-keyed to the quick-capture dialog's fields."""
    try:
        return action()
    except ValidationError as exc:
        raise ValidationError({names.get(k, k): v for k, v in exc.errors.items()}) from None

"""Sprechstunde: log a walk-in in one step (named or anonymous), in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuemmerer.db import desk_queries
from kuemmerer.db.models import AnonymousTally, Category, Contact, Person, Referral, Request
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AgeBand, ContactKind, Gender
from kuemmerer.domain.errors import ValidationError

from . import persons, requests, validation
from .listing import display_name
from .validation import Form, as_id, check_order


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
    form = Form({"follow_up_on": follow_up_on, "person": new_last_name, "request_title": request_title,
                 "day": day})
    day = form.date("day") or validation.today()
    last_name = form.text("person", max_len=10_000)  # its length is checked with the person
    request_title = form.text("request_title", max_len=10_000)  # … and with the request
    named = person_id is not None or bool(last_name)
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
    category = uow.find(Category, as_id(category_id))  # an unknown one is refused by the validator
    return category.name if category else None


def _renamed(action, names: dict[str, str]):
    """Run a service step; its field errors are re-keyed to the quick-capture dialog's fields."""
    try:
        return action()
    except ValidationError as exc:
        raise ValidationError({names.get(k, k): v for k, v in exc.errors.items()}) from None


# --------------------------------------------------------------------------- undo


UNDO_GONE = "Dieser Besuch ist schon gelöscht oder geändert worden; es gibt nichts rückgängig zu machen."


def undo_walk_in(uow: UnitOfWork, walk_in: WalkIn) -> None:
    """Remove exactly what ``record_walk_in`` created: the contact, the request, the tally,
    and a person it created — that one only if nothing else has been attached to them
    since; otherwise nothing at all is deleted and a German message says why."""
    contact = uow.find(Contact, walk_in.contact_id)
    request = uow.find(Request, walk_in.request_id)
    tally = uow.find(AnonymousTally, walk_in.tally_id)
    person = uow.find(Person, walk_in.person_id) if walk_in.created_person else None
    expected: list[tuple[int | None, object]] = [
        (walk_in.contact_id, contact), (walk_in.request_id, request), (walk_in.tally_id, tally)]
    if walk_in.created_person:
        expected.append((walk_in.person_id, person))
    if any(ident is not None and obj is None for ident, obj in expected) or not any(obj for _i, obj in expected):
        raise ValidationError.single("", UNDO_GONE)
    if contact is not None and contact.person_id != walk_in.person_id:
        raise ValidationError.single(
            "", "Der Kontakt wurde inzwischen einer anderen Person zugeordnet. Bitte einzeln löschen; "
                "es wurde nichts gelöscht.")
    if request is not None and _request_has_more(uow, request.id, walk_in.contact_id):
        raise ValidationError.single(
            "", "Zu dem Anliegen dieses Besuchs wurde seitdem weiter erfasst (Kontakte oder Vermittlungen). "
                "Bitte einzeln löschen; es wurde nichts gelöscht.")
    if person is not None:
        linked = persons.person_linked_counts(uow, person.id)
        ours = {"contacts": 1 if contact else 0, "requests": 1 if request else 0}
        if any(n != ours.get(key, 0) for key, n in linked.items()):
            raise ValidationError.single(
                "", f"{display_name(person.last_name, person.first_name)} wurde seitdem weiter erfasst "
                    "(weitere Kontakte, Anliegen oder Vermittlungen). Bitte den Kontakt einzeln löschen; "
                    "es wurde nichts gelöscht.")
    for obj in (contact, request, tally):
        if obj is not None:
            uow.delete(obj)
    uow.flush()
    if person is not None:
        uow.delete(person)
    uow.commit()


def _request_has_more(uow: UnitOfWork, request_id: int, contact_id: int | None) -> bool:
    others = [c for c in uow.all(Contact, request_id=request_id) if c.id != contact_id]
    return bool(others) or uow.exists(Referral, request_id=request_id)


def describe_walk_in(uow: UnitOfWork, walk_in: WalkIn) -> str:
    """What the status bar says after a capture: "Kontakt mit Müller, Anna gespeichert"."""
    person = uow.find(Person, walk_in.person_id)
    if walk_in.tally_id is not None or person is None:
        return "Anonymer Besuch gezählt"
    text = f"Kontakt mit {display_name(person.last_name, person.first_name)} gespeichert"
    if walk_in.created_person:
        text += " (neue Person)"
    if walk_in.request_id is not None:
        text += ", Anliegen eröffnet"
    return text


# --------------------------------------------------------------------------- day lists


@dataclass(frozen=True)
class TallyRow:
    """One line of a day's Strichliste."""

    id: int
    date: dt.date
    kind: str
    kind_label: str
    district_id: int | None
    district: str | None
    gender: str
    gender_label: str
    age_band: str
    age_band_label: str
    category_id: int | None
    category: str | None
    count: int
    note: str | None


@dataclass(frozen=True)
class DayTallies:
    day: dt.date
    rows: tuple[TallyRow, ...]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass(frozen=True)
class Capture:
    """One entry of "Heute erfasst": a named contact or an anonymous tally."""

    kind_of_row: str  # "contact" or "tally"
    id: int
    person_id: int | None
    person_name: str  # "anonym" for a tally
    kind: str  # German label of the contact kind
    category: str | None
    duration_minutes: int | None
    count: int
    note: str | None
    request_id: int | None

    @property
    def is_contact(self) -> bool:
        return self.kind_of_row == "contact"


def day_tallies(uow: UnitOfWork, day: dt.date) -> DayTallies:
    """The Strichliste of any ``day``, newest entry first."""
    rows = tuple(TallyRow(r.id, r.date, r.kind, ContactKind(r.kind).label, r.district_id, r.district,
                          r.gender, Gender(r.gender).label, r.age_band, AgeBand(r.age_band).label,
                          r.category_id, r.category, r.count, r.note)
                 for r in desk_queries.tallies_on(uow.session, day))
    return DayTallies(day, rows)


def captures_on(uow: UnitOfWork, day: dt.date) -> tuple[Capture, ...]:
    """Contacts and anonymous tallies dated ``day``, the newest capture first."""
    return tuple(Capture(r.kind_of_row, r.id, r.person_id,
                         display_name(r.last_name, r.first_name) if r.kind_of_row == "contact" else "anonym",
                         ContactKind(r.kind).label, r.category, r.duration_minutes, r.count, r.note, r.request_id)
                 for r in desk_queries.captures_on(uow.session, day))

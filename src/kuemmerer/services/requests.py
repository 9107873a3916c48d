"""Anliegen (requests), Kontakte (contacts) and the Strichliste (anonymous tallies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kuemmerer.db.models import AnonymousTally, Category, Contact, District, Person, Request
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AgeBand, ContactKind, Gender, RequestStatus

from . import validation
from .crud import Crud, check_ref
from .dto import AnonymousTallyDto, ContactDto, RequestDto
from .statistics import freeze_before_erasure
from .validation import Form, as_id, check_order

UNKNOWN_PERSON = "Diese Person gibt es nicht (mehr)."
UNKNOWN_CATEGORY = "Unbekanntes Thema."


def _validate_request(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=requests.editable())
    clean: dict[str, Any] = {
        "person_id": check_ref(form, uow, Person, "person_id", UNKNOWN_PERSON, required=True),
        "category_id": check_ref(form, uow, Category, "category_id", UNKNOWN_CATEGORY),
        "title": form.text("title", required=True, max_len=200),
        "description": form.text("description", max_len=20000),
        "status": form.choice("status", RequestStatus, RequestStatus.OPEN),
        "opened_on": form.date("opened_on", not_future=True) or (None if "opened_on" in form.errors else validation.today()),
        "closed_on": form.date("closed_on", not_future=True),
        "follow_up_on": form.date("follow_up_on"),
        "follow_up_note": form.text("follow_up_note", max_len=200),
    }
    if current is not None and clean["person_id"] != current.person_id:
        form.error("person_id", "Ein Anliegen kann nicht einer anderen Person zugeordnet werden.")
    status = RequestStatus(clean["status"]) if clean["status"] else None
    if status is not None and status.is_closed:
        if clean["closed_on"] is None and "closed_on" not in form.errors:
            clean["closed_on"] = max(validation.today(), clean["opened_on"] or validation.today())
        clean["follow_up_on"] = None  # nothing to follow up on a closed request
        clean["follow_up_note"] = None
    elif status is not None:
        clean["closed_on"] = None  # reopened
    check_order(form, clean["opened_on"], clean["closed_on"], "closed_on",
                "Das Anliegen kann nicht vor seinem Beginn abgeschlossen sein.")
    form.done()
    return clean


def _validate_contact(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=contacts.editable())
    clean: dict[str, Any] = {
        "person_id": check_ref(form, uow, Person, "person_id", UNKNOWN_PERSON, required=True),
        "request_id": check_ref(form, uow, Request, "request_id", "Dieses Anliegen gibt es nicht."),
        "category_id": check_ref(form, uow, Category, "category_id", UNKNOWN_CATEGORY),
        "date": form.date("date", required=True, not_future=True),
        "kind": form.choice("kind", ContactKind, ContactKind.OFFICE_HOURS),
        "duration_minutes": form.integer("duration_minutes", minimum=0, maximum=1440),
        "note": form.text("note", max_len=20000),
    }
    if clean["request_id"] and clean["person_id"]:
        request = uow.get(Request, clean["request_id"])
        if request.person_id != clean["person_id"]:
            form.error("request_id", "Das Anliegen gehört zu einer anderen Person.")
        elif clean["date"] is not None and clean["date"] < request.opened_on:
            form.error("date", f"Das Anliegen beginnt erst am {request.opened_on:%d.%m.%Y}.")
        elif clean["category_id"] is None:
            clean["category_id"] = request.category_id
    form.done()
    return clean


def _validate_tally(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=tallies.editable())
    clean = {
        "date": form.date("date", required=True, not_future=True),
        "kind": form.choice("kind", ContactKind, ContactKind.OFFICE_HOURS),
        "district_id": check_ref(form, uow, District, "district_id", "Unbekanntes Stadtgebiet."),
        "gender": form.choice("gender", Gender, Gender.UNSTATED),
        "age_band": form.choice("age_band", AgeBand, AgeBand.UNKNOWN),
        "category_id": check_ref(form, uow, Category, "category_id", UNKNOWN_CATEGORY),
        "count": form.integer("count", minimum=1, maximum=1000, default=1),
        "note": form.text("note", max_len=200),
    }
    form.done()
    return clean


requests = Crud(Request, RequestDto, "Anliegen", _validate_request, before_delete=freeze_before_erasure)
contacts = Crud(Contact, ContactDto, "Kontakt", _validate_contact, before_delete=freeze_before_erasure)
tallies = Crud(AnonymousTally, AnonymousTallyDto, "Strichlisten-Eintrag", _validate_tally,
               before_delete=freeze_before_erasure)

create_request = requests.create
update_request = requests.update
delete_request = requests.delete
get_request = requests.get

create_contact = contacts.create
update_contact = contacts.update
delete_contact = contacts.delete

record_anonymous = tallies.create
update_anonymous = tallies.update
delete_anonymous = tallies.delete


def list_requests(uow: UnitOfWork, person_id: int | None = None) -> list[RequestDto]:
    filters = {"person_id": person_id} if person_id is not None else {}
    return requests.list(uow, "opened_on", "id", **filters)


def list_contacts(uow: UnitOfWork, person_id: int | None = None,
                  request_id: int | None = None) -> list[ContactDto]:
    filters = {k: v for k, v in (("person_id", person_id), ("request_id", request_id)) if v is not None}
    return contacts.list(uow, "date", "id", **filters)


@dataclass(frozen=True)
class ContactMove:
    """The result of moving a contact to another person."""

    contact: ContactDto
    from_person_id: int
    request_unlinked: bool  # its Anliegen belonged to the old person, so the link was dropped

    @property
    def message(self) -> str:
        return ("Der Kontakt wurde verschoben. Er gehörte zu einem Anliegen der bisherigen Person; "
                "diese Verbindung wurde gelöst." if self.request_unlinked else "Der Kontakt wurde verschoben.")


def move_contact(uow: UnitOfWork, contact_id: int, person_id: int | None, **changes: Any) -> ContactMove:
    """Move a contact to another person ("the wrong Müller"), with optional other field
    ``changes`` in the same transaction. A link to a request of the old person is dropped
    (a request never changes its person); errors name ``person_id`` or the changed fields."""
    contact = contacts.row(uow, contact_id)
    old_person_id = contact.person_id
    form = Form({"person_id": person_id})
    new_person_id = check_ref(form, uow, Person, "person_id", UNKNOWN_PERSON, required=True)
    if new_person_id is not None and new_person_id == old_person_id:
        form.error("person_id", "Der Kontakt gehört bereits zu dieser Person.")
    form.done()
    request_id = changes.pop("request_id", contact.request_id)
    unlinked = False
    if request_id is not None:
        request = uow.find(Request, as_id(request_id))  # an unknown one is refused by the validator
        if request is not None and request.person_id != new_person_id:
            request_id, unlinked = None, True
    contacts.change(uow, contact.id, **changes, person_id=new_person_id, request_id=request_id)
    uow.commit()
    return ContactMove(contacts.as_dto(contact), old_person_id, unlinked)


def set_status(uow: UnitOfWork, request_id: int, status: RequestStatus | str) -> RequestDto:
    return requests.update(uow, request_id, status=status)


def set_follow_up(uow: UnitOfWork, request_id: int, day, note: str | None = None) -> RequestDto:
    """Set (or with ``day=None`` clear) the Wiedervorlage of a request."""
    return requests.update(uow, request_id, follow_up_on=day, follow_up_note=note if day else None)

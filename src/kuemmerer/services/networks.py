"""Netzwerk: standing networks, their meetings, participants and action items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kuemmerer.db.models import ActionItem, Meeting, MeetingParticipant, Network, Organisation, Person
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import NetworkKind

from .crud import Crud, check_ref, check_unique
from .dto import ActionItemDto, MeetingDto, MeetingParticipantDto, NetworkDto
from .files import delete_with_files
from .statistics import freeze_before_erasure
from .validation import Form, check_order


def _validate_network(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=networks.editable())
    clean = {
        "name": form.text("name", required=True, max_len=200),
        "kind": form.choice("kind", NetworkKind, NetworkKind.WORKING_GROUP),
        "description": form.text("description", max_len=20000),
        "active": form.boolean("active", default=True),
    }
    check_unique(form, uow, Network, "name", clean["name"], current, "Dieses Netzwerk gibt es schon.")
    form.done()
    return clean


def _validate_meeting(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=meetings.editable())
    clean = {
        "network_id": check_ref(form, uow, Network, "network_id", "Unbekanntes Netzwerk.", required=True),
        "date": form.date("date", required=True),
        "start_time": form.time("start_time"),
        "end_time": form.time("end_time"),
        "location": form.text("location", max_len=200),
        "agenda": form.text("agenda", max_len=20000),
        "minutes_text": form.text("minutes_text", max_len=100000),
    }
    check_order(form, clean["start_time"], clean["end_time"], "end_time",
                "Das Ende muss nach dem Beginn liegen.", strict=True)
    form.done()
    return clean


def _validate_participant(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=participants.editable())
    clean = {
        "meeting_id": check_ref(form, uow, Meeting, "meeting_id", "Unbekannte Sitzung.", required=True),
        "person_id": check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht."),
        "organisation_id": check_ref(form, uow, Organisation, "organisation_id", "Unbekannte Organisation."),
        "attended": form.boolean("attended", default=True),
    }
    if form.ok("person_id", "organisation_id") and (clean["person_id"] is None) == (clean["organisation_id"] is None):
        form.error("person_id", "Bitte entweder eine Person oder eine Organisation wählen.")
    elif form.ok("meeting_id", "person_id", "organisation_id"):
        who = {k: clean[k] for k in ("person_id", "organisation_id") if clean[k] is not None}
        if uow.exists(MeetingParticipant, exclude_id=getattr(current, "id", None),
                      meeting_id=clean["meeting_id"], **who):
            form.error(next(iter(who)), "Ist für diese Sitzung schon eingetragen.")
    form.done()
    return clean


def _validate_action_item(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=action_items.editable())
    clean = {
        "meeting_id": check_ref(form, uow, Meeting, "meeting_id", "Unbekannte Sitzung."),
        "title": form.text("title", required=True, max_len=300),
        "owner_person_id": check_ref(form, uow, Person, "owner_person_id", "Diese Person gibt es nicht."),
        "owner_organisation_id": check_ref(form, uow, Organisation, "owner_organisation_id",
                                           "Unbekannte Organisation."),
        "owner_text": form.text("owner_text", max_len=150),
        "due_on": form.date("due_on"),
        "done_on": form.date("done_on", not_future=True),
        "note": form.text("note", max_len=20000),
    }
    if clean["meeting_id"]:
        meeting_day = uow.get(Meeting, clean["meeting_id"]).date
        check_order(form, meeting_day, clean["due_on"], "due_on",
                    "Die Frist kann nicht vor der Sitzung liegen.")
        check_order(form, meeting_day, clean["done_on"], "done_on",
                    "Die Aufgabe kann nicht vor der Sitzung erledigt worden sein.")
    form.done()
    return clean


# meetings are counted in the funder statistics: deleting them freezes finished years first
networks = Crud(Network, NetworkDto, "Netzwerk", _validate_network, before_delete=freeze_before_erasure)
meetings = Crud(Meeting, MeetingDto, "Sitzung", _validate_meeting, before_delete=freeze_before_erasure)
participants = Crud(MeetingParticipant, MeetingParticipantDto, "Teilnahme", _validate_participant)
action_items = Crud(ActionItem, ActionItemDto, "Aufgabe", _validate_action_item)

create_network = networks.create
update_network = networks.update
create_meeting = meetings.create
update_meeting = meetings.update
add_participant = participants.create
remove_participant = participants.delete
create_action_item = action_items.create
update_action_item = action_items.update
delete_action_item = action_items.delete


def delete_meeting(uow: UnitOfWork, meeting_id: int, files_dir: Path) -> None:
    delete_with_files(uow, files_dir, meetings.delete, meeting_id, meeting_id=meeting_id)


def delete_network(uow: UnitOfWork, network_id: int, files_dir: Path) -> None:
    """Delete a network with its meetings, their participants, action items and files."""
    delete_with_files(uow, files_dir, networks.delete, network_id, network_id=network_id)


def list_networks(uow: UnitOfWork) -> list[NetworkDto]:
    return networks.list(uow, "name")


def list_meetings(uow: UnitOfWork, network_id: int | None = None) -> list[MeetingDto]:
    filters = {"network_id": network_id} if network_id is not None else {}
    return meetings.list(uow, "date", **filters)


def list_participants(uow: UnitOfWork, meeting_id: int) -> list[MeetingParticipantDto]:
    return participants.list(uow, "id", meeting_id=meeting_id)


def list_action_items(uow: UnitOfWork, meeting_id: int | None = None) -> list[ActionItemDto]:
    filters = {"meeting_id": meeting_id} if meeting_id is not None else {}
    return action_items.list(uow, "due_on", "id", **filters)


def complete_action_item(uow: UnitOfWork, item_id: int, on=None) -> ActionItemDto:
    from .validation import today

    return action_items.update(uow, item_id, done_on=on or today())

"""Netzwerk: standing networks, their meetings, participants and action items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuemmerer.db import network_queries
from kuemmerer.db.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingParticipant,
    Network,
    NetworkMember,
    Organisation,
    Person,
)
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import NetworkKind
from kuemmerer.domain.rules import fold

from .crud import Crud, check_ref, check_unique
from .dto import ActionItemDto, AgendaItemDto, MeetingDto, MeetingParticipantDto, NetworkDto, NetworkMemberDto
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
        "rhythm": form.text("rhythm", max_len=120),
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


def _one_of_person_or_organisation(form: Form, uow: UnitOfWork) -> tuple[int | None, int | None]:
    person = check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht.")
    organisation = check_ref(form, uow, Organisation, "organisation_id", "Unbekannte Organisation.")
    if form.ok("person_id", "organisation_id") and (person is None) == (organisation is None):
        form.error("person_id", "Bitte entweder eine Person oder eine Organisation wählen.")
    return person, organisation


def _validate_participant(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=participants.editable())
    meeting = check_ref(form, uow, Meeting, "meeting_id", "Unbekannte Sitzung.", required=True)
    person, organisation = _one_of_person_or_organisation(form, uow)
    clean = {"meeting_id": meeting, "person_id": person, "organisation_id": organisation,
             "attended": form.boolean("attended", default=True)}
    if form.ok("meeting_id", "person_id", "organisation_id"):
        who = {k: clean[k] for k in ("person_id", "organisation_id") if clean[k] is not None}
        if uow.exists(MeetingParticipant, exclude_id=getattr(current, "id", None),
                      meeting_id=clean["meeting_id"], **who):
            form.error(next(iter(who)), "Ist für diese Sitzung schon eingetragen.")
    form.done()
    return clean


def _validate_member(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=members.editable())
    network = check_ref(form, uow, Network, "network_id", "Unbekanntes Netzwerk.", required=True)
    person, organisation = _one_of_person_or_organisation(form, uow)
    clean = {"network_id": network, "person_id": person, "organisation_id": organisation,
             "role": form.text("role", max_len=120)}
    if form.ok("network_id", "person_id", "organisation_id"):
        who = {k: clean[k] for k in ("person_id", "organisation_id") if clean[k] is not None}
        if uow.exists(NetworkMember, exclude_id=getattr(current, "id", None), network_id=network, **who):
            form.error(next(iter(who)), "Gehört schon zu diesem Netzwerk.")
    form.done()
    return clean


def _validate_agenda_item(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=agenda_items.editable())
    meeting = check_ref(form, uow, Meeting, "meeting_id", "Unbekannte Sitzung.", required=True)
    clean: dict[str, Any] = {
        "meeting_id": meeting,
        "position": form.integer("position", minimum=1, maximum=999),
        "title": form.text("title", required=True, max_len=300),
        "minutes": form.text("minutes", max_len=100000),
        "decision": form.text("decision", max_len=20000),
    }
    if clean["position"] is None and form.ok("position") and meeting is not None:
        clean["position"] = network_queries.next_agenda_position(uow.session, meeting)
    form.done()
    return clean


def _validate_action_item(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=action_items.editable())
    agenda_item = check_ref(form, uow, AgendaItem, "agenda_item_id", "Unbekannter Tagesordnungspunkt.")
    if agenda_item is not None and form.raw("meeting_id") in (None, ""):
        form.values["meeting_id"] = uow.get(AgendaItem, agenda_item).meeting_id  # from a minute line
    clean = {
        "agenda_item_id": agenda_item,
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
    if agenda_item is not None and clean["meeting_id"] and \
            uow.get(AgendaItem, agenda_item).meeting_id != clean["meeting_id"]:
        form.error("agenda_item_id", "Der Tagesordnungspunkt gehört zu einer anderen Sitzung.")
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
members = Crud(NetworkMember, NetworkMemberDto, "Mitglied", _validate_member)
agenda_items = Crud(AgendaItem, AgendaItemDto, "Tagesordnungspunkt", _validate_agenda_item)

create_network = networks.create
update_network = networks.update
create_meeting = meetings.create
update_meeting = meetings.update
add_participant = participants.create
remove_participant = participants.delete
create_action_item = action_items.create
update_action_item = action_items.update
delete_action_item = action_items.delete
add_member = members.create
update_member = members.update
remove_member = members.delete
add_agenda_item = agenda_items.create
update_agenda_item = agenda_items.update
delete_agenda_item = agenda_items.delete


@dataclass(frozen=True)
class NetworkRow:
    """A network as the Netzwerk list shows it."""

    id: int
    name: str
    kind_label: str
    rhythm: str
    active: bool
    description: str
    members: int
    meetings: int
    next_meeting: dt.date | None  # from today on
    open_items: int  # action items of its meetings not done yet


@dataclass(frozen=True)
class MeetingRow:
    id: int
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str
    present: int
    excused: int
    points: int  # Tagesordnungspunkte
    open_items: int  # this meeting's action items not done yet


def network_overview(uow: UnitOfWork, today: dt.date) -> list[NetworkRow]:
    """Every network with its figures, by name (``filter_networks`` narrows them as she types)."""
    figures = network_queries.network_figures(uow.session, today)
    rows = []
    for n in networks.list(uow, "name"):
        kind = NetworkKind(n.kind).label if n.kind in NetworkKind.values() else n.kind
        members, meetings_n, next_meeting, open_n = figures.get(n.id, (0, 0, None, 0))
        rows.append(NetworkRow(n.id, n.name, kind, n.rhythm or "", n.active, n.description or "", members,
                               meetings_n, next_meeting, open_n))
    return rows


@dataclass(frozen=True)
class NetworkQuery:
    """What the Netzwerk list shows: the search, "nur aktive", the rows' order (ids)."""

    search: str = ""
    active_only: bool = False
    order: tuple[int, ...] = ()


def network_list(uow: UnitOfWork, query: NetworkQuery, today: dt.date) -> list[NetworkRow]:
    rows = filter_networks(network_overview(uow, today), query.search, query.active_only)
    if query.order:
        place = {ident: n for n, ident in enumerate(query.order)}
        rows.sort(key=lambda r: place.get(r.id, len(place)))
    return rows


def filter_networks(rows: list[NetworkRow], search: str = "", active_only: bool = False) -> list[NetworkRow]:
    """The rows (of the active networks only, if asked) whose name, kind, rhythm or description
    holds every word of ``search`` (folded: "suden" finds "Süden")."""
    words = fold(search).split()
    return [r for r in rows if (r.active or not active_only)
            and all(w in fold(" ".join((r.name, r.kind_label, r.rhythm, r.description))) for w in words)]


def meeting_overview(uow: UnitOfWork, network_id: int) -> list[MeetingRow]:
    """The meetings of a network with who came, who sent apologies, points and open items."""
    return [MeetingRow(r.id, r.date, r.start_time, r.end_time, r.location or "", r.present, r.excused, r.points,
                       r.open_items) for r in network_queries.meeting_figures(uow.session, network_id)]


def list_members(uow: UnitOfWork, network_id: int) -> list[NetworkMemberDto]:
    return members.list(uow, "id", network_id=network_id)


def list_agenda(uow: UnitOfWork, meeting_id: int) -> list[AgendaItemDto]:
    return agenda_items.list(uow, "position", "id", meeting_id=meeting_id)


def create_action_item_from_minutes(uow: UnitOfWork, agenda_item_id: Any, **values: Any) -> ActionItemDto:
    """An action item from a minute line: it belongs to that item's meeting (owner: a person,
    an organisation or her own — ``owner_text`` — with a due date)."""
    return action_items.create(uow, agenda_item_id=agenda_item_id, **values)


def open_items_for_network(uow: UnitOfWork, network_id: Any, day: Any) -> list[ActionItemDto]:
    """"Offene Aufgaben" for a meeting of ``network_id`` on ``day`` that is not saved yet
    (the same rule as ``open_items_for_meeting``)."""
    form = Form({"network_id": network_id, "day": day})
    network = check_ref(form, uow, Network, "network_id", "Unbekanntes Netzwerk.", required=True)
    when = form.date("day", required=True)
    form.done()
    assert network is not None and when is not None
    ids = network_queries.open_item_ids_before(uow.session, network, when, None)
    return [action_items.as_dto(uow.get(ActionItem, i)) for i in ids]


def open_items_for_meeting(uow: UnitOfWork, meeting_id: Any) -> list[ActionItemDto]:
    """"Offene Aufgaben" on a meeting's agenda: the action items of the network's earlier
    meetings that were not done before this meeting's day (done that day: still discussed
    there). Once done, an item leaves the agenda of every later meeting."""
    meeting = meetings.row(uow, meeting_id)
    ids = network_queries.open_item_ids_before(uow.session, meeting.network_id, meeting.date, meeting.id)
    return [action_items.as_dto(uow.get(ActionItem, i)) for i in ids]


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

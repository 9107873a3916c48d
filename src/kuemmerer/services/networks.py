"""Netzwerk: standing networks, their meetings, participants and action items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.domain.rules import fold

from .crud import Crud, check_ref, check_unique
from .dto import ActionItemDto, AgendaItemDto, MeetingDto, MeetingParticipantDto, NetworkDto, NetworkMemberDto
from .files import delete_with_files
from .statistics import freeze_before_erasure
from .validation import Form, as_id, check_order


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


# --------------------------------------------------------------------------- the meeting editor's one save

_POINT_KEYS = frozenset({"id", "position", "title", "minutes", "decision"})
_PARTICIPANT_KEYS = frozenset({"id", "person_id", "organisation_id", "attended"})
_ACTION_KEYS = frozenset({"id", "point", "title", "owner_person_id", "owner_organisation_id", "owner_text",
                          "due_on", "done_on", "note"})
_UNKNOWN = "Unbekannte Angaben."


@dataclass(frozen=True)
class SavedMeeting:
    """What ``save_meeting`` wrote, entry by entry of what it was given (for the editor's drafts)."""

    meeting: MeetingDto
    points: tuple[AgendaItemDto, ...]  # one per entry of ``points``
    participants: tuple[MeetingParticipantDto | None, ...]  # None: removed, or nothing recorded
    actions: tuple[ActionItemDto, ...]  # one per entry of ``actions``
    done: tuple[ActionItemDto, ...]  # one per entry of ``done``


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


class _Errors:
    """The errors of one save, each under a key that says where ("points.2.title")."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow
        self.found: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.found.setdefault(key, message)

    def run(self, prefix: str, fn: Any, *args: Any, skip: tuple[str, ...] = (), **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``, or None with its errors filed under ``prefix`` (except ``skip``)."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            errors = {_key(prefix, k): v for k, v in exc.errors.items() if k not in skip}
            if not self.uow.session.in_transaction():  # a constraint: the flush rolled back everything
                raise ValidationError({**self.found, **errors}) from None
            for k, v in errors.items():
                self.add(k, v)
        except NotFound:
            self.add(_key(prefix, "id"), "Diesen Eintrag gibt es nicht mehr.")
        return None

    def mapping(self, key: str, value: Any, allowed: frozenset[str] | tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, Mapping) or not set(value) <= set(allowed):
            self.add(key, _UNKNOWN)
            return None
        return dict(value)

    def entries(self, key: str, value: Any, allowed: frozenset[str]) -> list[dict[str, Any] | None]:
        """The dicts of a list (None for a rejected entry, so the indexes stay those she sent)."""
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.add(key, "Bitte eine Liste angeben.")
            return []
        return [self.mapping(f"{key}.{n}", entry, allowed) for n, entry in enumerate(value)]

    def ids(self, key: str, value: Any) -> list[tuple[int, int]]:
        """(index, id) of a list of record ids."""
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.add(key, "Bitte eine Liste angeben.")
            return []
        out = []
        for n, entry in enumerate(value):
            ident = as_id(entry)
            if ident is None:
                self.add(f"{key}.{n}", "Unbekannte Nummer.")
            else:
                out.append((n, ident))
        return out


_ELSEWHERE = {AgendaItem: "Dieser Tagesordnungspunkt gehört zu einer anderen Sitzung.",
              MeetingParticipant: "Diese Teilnahme gehört zu einer anderen Sitzung.",
              ActionItem: "Diese Aufgabe gehört zu einer anderen Sitzung."}


def _own_row(errors: _Errors, key: str, model: Any, ident: Any, meeting: Meeting | None, *, gone_ok: bool = False):
    """The ``model`` row ``ident`` of ``meeting``, or None (an error under ``key``, unless it is
    gone and ``gone_ok``: a row to delete that is deleted already)."""
    valid = as_id(ident)
    obj = errors.uow.find(model, valid) if valid is not None else None
    if obj is None:
        if not (gone_ok and valid is not None):
            errors.add(key, "Diesen Eintrag gibt es nicht mehr.")
        return None
    if meeting is None or obj.meeting_id != meeting.id:
        errors.add(key, _ELSEWHERE[model])
        return None
    return obj


_participation = participants  # the parameter of ``save_meeting`` has the same name


def save_meeting(uow: UnitOfWork, meeting_id: Any, *, network_id: Any, values: Any,
                 points: Any = (), deleted_points: Any = (), participants: Any = (),
                 removed_participants: Any = (), actions: Any = (), deleted_actions: Any = (),
                 done: Any = ()) -> SavedMeeting:
    """The meeting editor's „Speichern“ in one transaction: the meeting (new for ``meeting_id``
    None) with its agenda, participants and action items — all of it written, or nothing.

    ``values``: the meeting's own fields. ``points``: the agenda in order, dicts of ``title``,
    ``minutes``, ``decision`` (``position`` defaults to the place in the list), with ``id`` for a
    stored one. ``participants``: dicts of ``person_id`` or ``organisation_id`` and ``attended``
    (False: entschuldigt; None: nothing recorded, so a stored one with ``id`` is removed).
    ``actions``: dicts of ``title``, owner (``owner_person_id`` | ``owner_organisation_id`` |
    ``owner_text``), ``due_on``, ``done_on``, ``note`` and ``point`` (the index of its agenda
    point in ``points``, also of a new one), with ``id`` for a stored one. ``deleted_*`` /
    ``removed_participants``: ids of this meeting's rows to delete (one gone already is fine).
    ``done``: (action item id, day or None) for items of this network's meetings ticked done
    or not done any more (the open items of earlier meetings too).

    Every problem comes in one ``ValidationError`` whose keys say where: the meeting's own
    field names, "points.2.title", "participants.0.person_id", "actions.1.due_on", "done.0.done_on"…"""
    errors = _Errors(uow)
    current = meetings.row(uow, meeting_id) if meeting_id is not None else None
    fields = errors.mapping("", values, tuple(n for n in meetings.editable() if n != "network_id")) or {}
    point_list = errors.entries("points", points, _POINT_KEYS)
    participant_list = errors.entries("participants", participants, _PARTICIPANT_KEYS)
    action_list = errors.entries("actions", actions, _ACTION_KEYS)

    # -- the meeting itself
    meeting: Meeting | None
    if current is None:
        meeting = errors.run("", meetings.add, uow, network_id=network_id, **fields)
    else:
        if as_id(network_id) != current.network_id:
            errors.add("network_id", "Die Sitzung gehört zu einem anderen Netzwerk.")
        errors.run("", meetings.change, uow, current.id, **fields)
        meeting = current  # a rejected change leaves it as stored: the rest is checked against that
    network = meeting.network_id if meeting is not None else as_id(network_id)

    def check_only(crud: Crud, prefix: str, vals: dict[str, Any]) -> None:
        """A new meeting that cannot be written: its parts are still checked as far as they can be."""
        errors.run(prefix, crud.validate, uow, {**vals, "meeting_id": None}, None, skip=("meeting_id",))

    # -- deletions first (a removed guest may be added again; a deleted point frees its items)
    for key, ids, model in (("deleted_actions", deleted_actions, ActionItem),
                            ("deleted_points", deleted_points, AgendaItem),
                            ("removed_participants", removed_participants, MeetingParticipant)):
        for n, ident in errors.ids(key, ids):
            obj = _own_row(errors, f"{key}.{n}", model, ident, meeting, gone_ok=True)
            if obj is not None:
                uow.delete(obj)
    for n, entry in enumerate(participant_list):
        if entry is not None and entry.get("id") is not None and "attended" in entry and entry["attended"] is None:
            obj = _own_row(errors, f"participants.{n}.id", MeetingParticipant, entry["id"], meeting, gone_ok=True)
            if obj is not None:
                uow.delete(obj)
    errors.run("", uow.flush)
    uow.session.expire_all()  # the database set the deleted points' items to no point

    # -- the agenda
    point_rows: list[AgendaItem | None] = []
    for n, entry in enumerate(point_list):
        row = None
        if entry is not None:
            prefix = f"points.{n}"
            vals = {k: v for k, v in entry.items() if k != "id"}
            vals.setdefault("position", n + 1)
            if entry.get("id") is not None:
                obj = _own_row(errors, f"{prefix}.id", AgendaItem, entry["id"], meeting)
                row = errors.run(prefix, agenda_items.change, uow, obj.id, **vals) if obj is not None else None
            elif meeting is None:
                check_only(agenda_items, prefix, vals)
            else:
                row = errors.run(prefix, agenda_items.add, uow, meeting_id=meeting.id, **vals)
        point_rows.append(row)

    # -- participants: the stored ones first (a person taken off and put on again)
    participant_rows: list[MeetingParticipant | None] = [None] * len(participant_list)
    order = sorted(range(len(participant_list)),
                   key=lambda i: (participant_list[i] or {}).get("id") is None)
    for n in order:
        entry = participant_list[n]
        if entry is None:
            continue
        prefix = f"participants.{n}"
        vals = {k: v for k, v in entry.items() if k != "id"}
        if "attended" in vals and vals["attended"] is None:
            continue  # removed above, or nothing to record
        if entry.get("id") is not None:
            obj = _own_row(errors, f"{prefix}.id", MeetingParticipant, entry["id"], meeting)
            if obj is not None:
                participant_rows[n] = errors.run(prefix, _participation.change, uow, obj.id, **vals)
        elif meeting is None:
            check_only(_participation, prefix, vals)
        else:
            participant_rows[n] = errors.run(prefix, _participation.add, uow, meeting_id=meeting.id, **vals)

    # -- this meeting's action items, a new one on a new point too
    action_rows: list[ActionItem | None] = []
    for n, entry in enumerate(action_list):
        row = None
        if entry is not None:
            prefix = f"actions.{n}"
            vals = {k: v for k, v in entry.items() if k not in ("id", "point")}
            if "point" in entry:
                index = entry["point"]
                if index is None:
                    vals["agenda_item_id"] = None
                elif isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(point_list):
                    errors.add(f"{prefix}.point", "Unbekannter Tagesordnungspunkt.")
                elif (point := point_rows[index]) is not None:  # else its point was rejected (and said so)
                    vals["agenda_item_id"] = point.id
            if entry.get("id") is not None:
                obj = _own_row(errors, f"{prefix}.id", ActionItem, entry["id"], meeting)
                row = errors.run(prefix, action_items.change, uow, obj.id, **vals) if obj is not None else None
            elif meeting is None:
                check_only(action_items, prefix, vals)
            else:
                row = errors.run(prefix, action_items.add, uow, meeting_id=meeting.id, **vals)
        action_rows.append(row)

    # -- items ticked done (or not done any more), this meeting's and the open ones of earlier meetings
    done_rows: list[ActionItem | None] = []
    if not isinstance(done, (list, tuple)):
        errors.add("done", "Bitte eine Liste angeben.")
        done = ()
    for n, entry in enumerate(done):
        key, row = f"done.{n}", None
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            errors.add(key, _UNKNOWN)
        else:
            item_id = as_id(entry[0])
            obj = uow.find(ActionItem, item_id) if item_id is not None else None
            if obj is None:
                errors.add(key, "Diese Aufgabe gibt es nicht mehr.")
            elif obj.meeting_id is None or uow.get(Meeting, obj.meeting_id).network_id != network:
                errors.add(key, "Diese Aufgabe gehört zu einem anderen Netzwerk.")
            else:
                row = errors.run(key, action_items.change, uow, obj.id, done_on=entry[1])
        done_rows.append(row)

    if errors.found:
        uow.rollback()  # nothing of it is written
        raise ValidationError(errors.found)
    assert meeting is not None  # it was written, or there would be an error
    uow.commit()
    return SavedMeeting(
        meeting=meetings.as_dto(meeting),
        points=tuple(agenda_items.as_dto(r) for r in point_rows if r is not None),
        participants=tuple(_participation.as_dto(r) if r is not None else None for r in participant_rows),
        actions=tuple(action_items.as_dto(r) for r in action_rows if r is not None),
        done=tuple(action_items.as_dto(r) for r in done_rows if r is not None),
    )

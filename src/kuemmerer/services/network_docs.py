"""What goes on the Einladung and the Protokoll of a network meeting (issue 14).

The PDFs (``exports/meeting_docs.py``) only lay out what these functions collect; the CLI
and the window print the same data.

Einladung: the network, date, time and place, her note for the invitation, the
Tagesordnungspunkte in order, and as its own block the "Offene Aufgaben" carried over from
the network's earlier meetings (``networks.open_items_for_meeting``: the same list as the
meeting's agenda in the window), each with owner and due date; then the members invited.

Protokoll: the participants, anwesend and entschuldigt (organisations, then persons, each by
name in German order), every Tagesordnungspunkt with its minutes and decision, the general
minutes, the action items agreed in this meeting (owner: a person, an organisation or her own
text such as "Koordinatorin"; due date) and the carried-over items with their state on the
meeting's day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kuemmerer.db.models import Meeting, Network, Organisation, Person
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import NetworkKind
from kuemmerer.domain.rules import fold, sort_key

from . import networks, settings, validation
from .dto import ActionItemDto
from .network_dto import DocActionItem, DocAgendaItem, InvitationData, Invitee, MeetingHead, MinutesData
from .validation import Form, as_id

NO_MEETING = "Diese Sitzung gibt es nicht."


def _meeting(uow: UnitOfWork, meeting_id: Any) -> Meeting:
    """The meeting, or a German ``ValidationError`` at ``meeting_id``."""
    form = Form({"meeting_id": meeting_id})
    ident = as_id(meeting_id)
    meeting = uow.find(Meeting, ident) if ident is not None else None
    if meeting is None:
        form.error("meeting_id", NO_MEETING)
    form.done()
    assert meeting is not None
    return meeting


def _head(uow: UnitOfWork, meeting: Meeting) -> MeetingHead:
    network = uow.get(Network, meeting.network_id, "Netzwerk")
    return MeetingHead(
        meeting_id=meeting.id,
        network_name=network.name,
        network_kind=NetworkKind.labels().get(network.kind, network.kind),
        rhythm=network.rhythm or "",
        date=meeting.date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        location=meeting.location or "",
    )


def _agenda(uow: UnitOfWork, meeting_id: int) -> tuple[tuple[DocAgendaItem, ...], dict[int, int]]:
    """The Tagesordnungspunkte numbered 1, 2, 3 … in order, and agenda item id → number."""
    items = networks.list_agenda(uow, meeting_id)
    numbers = {item.id: n for n, item in enumerate(items, 1)}
    return tuple(DocAgendaItem(numbers[i.id], i.title, (i.minutes or "").strip(), (i.decision or "").strip())
                 for i in items), numbers


def _person_name(uow: UnitOfWork, person_id: int | None) -> str:
    person = uow.find(Person, person_id) if person_id is not None else None
    if person is None:
        return ""
    return f"{person.first_name} {person.last_name}" if person.first_name else person.last_name


def _organisation_name(uow: UnitOfWork, organisation_id: int | None) -> str:
    organisation = uow.find(Organisation, organisation_id) if organisation_id is not None else None
    return organisation.name if organisation is not None else ""


def _owner(uow: UnitOfWork, item: ActionItemDto) -> str:
    names = (_person_name(uow, item.owner_person_id), _organisation_name(uow, item.owner_organisation_id),
             (item.owner_text or "").strip())
    return ", ".join(n for n in names if n)


def item_state(item: ActionItemDto, day: dt.date) -> str:
    """The state of an action item on ``day`` (the meeting's day), as the Protokoll says it."""
    if item.done_on is not None and item.done_on <= day:
        return f"erledigt am {item.done_on:%d.%m.%Y}"
    if item.due_on is not None and item.due_on < day:
        return "überfällig"
    return "offen"


def _action_item(uow: UnitOfWork, item: ActionItemDto, day: dt.date, numbers: dict[int, int]) -> DocActionItem:
    agreed = uow.find(Meeting, item.meeting_id) if item.meeting_id is not None else None
    return DocActionItem(
        title=item.title,
        owner=_owner(uow, item),
        due_on=item.due_on,
        done_on=item.done_on,
        agenda_number=numbers.get(item.agenda_item_id) if item.agenda_item_id is not None else None,
        agreed_on=agreed.date if agreed is not None else None,
        state=item_state(item, day),  # her note on the item stays in the program
    )


def _open_items(uow: UnitOfWork, meeting: Meeting) -> tuple[DocActionItem, ...]:
    return tuple(_action_item(uow, i, meeting.date, {}) for i in networks.open_items_for_meeting(uow, meeting.id))


def _named(uow: UnitOfWork, row) -> tuple[tuple, str] | None:
    """(sort key, name) of the person or organisation of ``row`` (with ``person_id`` and
    ``organisation_id``): organisations before persons, each in German order."""
    if row.organisation_id:
        organisation = uow.find(Organisation, row.organisation_id)
        return None if organisation is None else ((0, fold(organisation.name), organisation.name, organisation.id),
                                                  organisation.name)
    person = uow.find(Person, row.person_id) if row.person_id else None
    if person is None:
        return None
    return (1, person.sort_name or sort_key(person.last_name, person.first_name), "", person.id), \
        _person_name(uow, person.id)


def _who(uow: UnitOfWork, rows) -> list[str]:
    named = [n for n in (_named(uow, r) for r in rows) if n is not None]
    return [name for _key, name in sorted(named, key=lambda n: n[0])]


def invitation_data(uow: UnitOfWork, meeting_id: Any, today: dt.date | None = None) -> InvitationData:
    """The Einladung of a meeting; a German ``ValidationError`` if there is no such meeting."""
    meeting = _meeting(uow, meeting_id)
    agenda, _numbers = _agenda(uow, meeting.id)
    invited = []
    for member in networks.list_members(uow, meeting.network_id):
        named = _named(uow, member)
        if named is not None:
            invited.append((named[0], Invitee(named[1], (member.role or "").strip())))
    invited.sort(key=lambda x: x[0])
    return InvitationData(
        letterhead=settings.get_letterhead(uow),
        printed_on=today or validation.today(),
        meeting=_head(uow, meeting),
        note=(meeting.agenda or "").strip(),
        agenda=agenda,
        open_items=_open_items(uow, meeting),
        invited=tuple(i for _key, i in invited),
    )


def minutes_data(uow: UnitOfWork, meeting_id: Any, today: dt.date | None = None) -> MinutesData:
    """The Protokoll of a meeting; a German ``ValidationError`` if there is no such meeting."""
    meeting = _meeting(uow, meeting_id)
    agenda, numbers = _agenda(uow, meeting.id)
    people = networks.list_participants(uow, meeting.id)
    items = networks.list_action_items(uow, meeting.id)
    # by TOP (items without a minute line last), then by due date, as agreed
    items.sort(key=lambda i: (numbers.get(i.agenda_item_id or 0, 10_000), i.due_on is None,
                              i.due_on or dt.date.min, i.id))
    return MinutesData(
        letterhead=settings.get_letterhead(uow),
        printed_on=today or validation.today(),
        meeting=_head(uow, meeting),
        present=tuple(_who(uow, [p for p in people if p.attended])),
        excused=tuple(_who(uow, [p for p in people if not p.attended])),
        agenda=agenda,
        minutes_text=(meeting.minutes_text or "").strip(),
        action_items=tuple(_action_item(uow, i, meeting.date, numbers) for i in items),
        carried_over=_open_items(uow, meeting),
    )

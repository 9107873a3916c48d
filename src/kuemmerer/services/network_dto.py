"""What the Einladung and the Protokoll of a network meeting print (issue 14).

Plain frozen data classes, filled by ``services.network_docs`` and laid out by
``exports.meeting_docs``. This module imports nothing that reaches the database, so the
PDF code may import it (exports never touch db, not even for type hints).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kuemmerer.domain.rules import WEEKDAYS

from .dto import Letterhead


@dataclass(frozen=True)
class MeetingHead:
    """Which meeting: network, kind, date, time and place."""

    meeting_id: int
    network_name: str
    network_kind: str  # German label ("Stadtteilrunde")
    rhythm: str  # "monatlich, 1. Dienstag" or ""
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str

    @property
    def day_text(self) -> str:
        """"Dienstag, 03.03.2026"."""
        return f"{WEEKDAYS[self.date.weekday()]}, {self.date:%d.%m.%Y}"

    @property
    def time_text(self) -> str:
        """"18:00–20:00 Uhr", "ab 18:00 Uhr" or ""."""
        if self.start_time and self.end_time:
            return f"{self.start_time:%H:%M}–{self.end_time:%H:%M} Uhr"
        if self.start_time:
            return f"ab {self.start_time:%H:%M} Uhr"
        return f"bis {self.end_time:%H:%M} Uhr" if self.end_time else ""

    @property
    def when_text(self) -> str:
        """"Dienstag, 03.03.2026, 18:00–20:00 Uhr"."""
        return ", ".join(x for x in (self.day_text, self.time_text) if x)

    def file_name(self, what: str) -> str:
        """"Protokoll-Stadtteilrunde-Kappel-2026-03-03.pdf": the network and the day, no person."""
        slug = re.sub(r"[^\w]+", "-", self.network_name).strip("-_")[:60].rstrip("-_") or f"Sitzung-{self.meeting_id}"
        return f"{what}-{slug}-{self.date:%Y-%m-%d}.pdf"


@dataclass(frozen=True)
class DocAgendaItem:
    number: int  # TOP 1, 2, 3 … in the order of the agenda (positions may have gaps)
    title: str
    minutes: str
    decision: str


@dataclass(frozen=True)
class DocActionItem:
    """An Aufgabe as printed: who does it by when, and where it came from."""

    title: str
    owner: str  # a person's name, an organisation's name and/or her own text ("Koordinatorin"); "" if nobody
    due_on: dt.date | None
    done_on: dt.date | None
    agenda_number: int | None  # the TOP of the minute line it came from (this meeting's agenda)
    agreed_on: dt.date | None  # the day of the meeting it was agreed in
    state: str  # on the meeting's day: "offen", "überfällig" (due before that day), "erledigt am …"


@dataclass(frozen=True)
class Invitee:
    name: str
    role: str  # "" if none


@dataclass(frozen=True)
class InvitationData:
    letterhead: Letterhead
    printed_on: dt.date
    meeting: MeetingHead
    note: str  # her free note for the invitation ("" if none)
    agenda: tuple[DocAgendaItem, ...]
    open_items: tuple[DocActionItem, ...]  # "Offene Aufgaben" from the network's earlier meetings
    invited: tuple[Invitee, ...]  # the network's members: organisations, then persons

    @property
    def title(self) -> str:
        return f"Einladung {self.meeting.network_name} {self.meeting.date:%d.%m.%Y}"

    @property
    def file_name(self) -> str:
        return self.meeting.file_name("Einladung")


@dataclass(frozen=True)
class MinutesData:
    letterhead: Letterhead
    printed_on: dt.date
    meeting: MeetingHead
    present: tuple[str, ...]  # anwesend: organisations, then persons, each by name
    excused: tuple[str, ...]  # entschuldigt
    agenda: tuple[DocAgendaItem, ...]
    minutes_text: str  # the general minutes ("" if none)
    action_items: tuple[DocActionItem, ...]  # agreed in this meeting
    carried_over: tuple[DocActionItem, ...]  # open items of earlier meetings, with their state

    @property
    def title(self) -> str:
        return f"Protokoll {self.meeting.network_name} {self.meeting.date:%d.%m.%Y}"

    @property
    def file_name(self) -> str:
        return self.meeting.file_name("Protokoll")

"""Aktivitäten at a glance: every activity with its figures for a year (sessions, next
session, named attendance, distinct participants, anonymous heads, volunteer hours), and
for one activity its sessions, and for one session who came and who helped.

The figures are counted by SQL (db/activity_queries.py); the search words and the sort
order are applied here, over the activities (a few hundred at most), with the German
folding the other lists use ("cafe" finds "Café", "Ö" sorts with "O")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kuemmerer.db import activity_queries as q
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ActivityKind
from kuemmerer.domain.rules import fold

from . import validation
from .listing import display_name

ACTIVITY_SORTS = ("name", "kind", "district", "action_field", "funder", "starts_on", "ends_on", "sessions_year",
                  "sessions_total", "next_session", "attendances", "participants", "anonymous", "hours")


@dataclass(frozen=True)
class ActivityQuery:
    """The Aktivitäten list's filters and sort (also what its export needs)."""

    year: int | None = None  # None: this year
    search: str = ""
    kind: str | None = None  # ActivityKind value; None = every kind
    active: bool | None = True  # None = active or not
    sort: str = "name"  # one of ACTIVITY_SORTS
    descending: bool = False


@dataclass(frozen=True)
class ActivityRow:
    id: int
    name: str
    kind: str
    location: str | None
    district_id: int | None
    district: str | None
    action_field_id: int | None
    action_field: str | None
    funder: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    active: bool
    year: int
    sessions_year: int
    sessions_total: int
    next_session: dt.date | None
    attendances: int  # named attendance in the year (a person at five sessions: five)
    participants: int  # distinct persons attending in the year (that person: once)
    anonymous: int  # anonymous heads in the year
    minutes: int  # volunteer Einsätze in the year

    @property
    def kind_label(self) -> str:
        return ActivityKind.labels().get(self.kind, self.kind)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def _matches(row: ActivityRow, words: list[str]) -> bool:
    haystack = fold(" ".join(x for x in (row.name, row.location, row.district, row.action_field, row.funder,
                                          row.kind_label) if x))
    return all(w in haystack for w in words)


def _sort_key(sort: str):
    if sort == "name":
        return lambda r: (fold(r.name), r.id)
    if sort == "kind":
        return lambda r: (fold(r.kind_label), fold(r.name), r.id)
    if sort in ("district", "action_field", "funder"):
        return lambda r: (getattr(r, sort) is None, fold(getattr(r, sort)), fold(r.name), r.id)
    if sort in ("starts_on", "ends_on", "next_session"):
        return lambda r: (getattr(r, sort) is None, getattr(r, sort) or dt.date.min, fold(r.name), r.id)
    attr = "minutes" if sort == "hours" else sort
    return lambda r: (getattr(r, attr), fold(r.name), r.id)


def activity_overview(uow: UnitOfWork, year: int | None = None, text: str = "", kind: str | None = None,
                      active: bool | None = None, *, sort: str = "name", descending: bool = False,
                      today: dt.date | None = None) -> list[ActivityRow]:
    """Every activity matching the filters with its figures for ``year`` (default: this year).
    ``text``: every word must occur in the name, place, district, Handlungsfeld, funder or
    kind (folded). Sorted by ``sort`` (one of ACTIVITY_SORTS); activities without the sorted
    value (no district, no next session …) come last, first when ``descending``."""
    chosen = validation.year_or_this(year)
    if kind is not None:
        kind = ActivityKind(kind).value
    if sort not in ACTIVITY_SORTS:
        raise ValueError(f"unknown sort: {sort!r}")
    rows = q.activity_rows(uow, year_start=dt.date(chosen, 1, 1), year_end=dt.date(chosen, 12, 31),
                           today=today or validation.today(), kind=kind, active=active)
    out = [ActivityRow(r.id, r.name, r.kind, r.location, r.district_id, r.district, r.action_field_id,
                       r.action_field, r.funder, r.starts_on, r.ends_on, bool(r.active), chosen, r.sessions_year,
                       r.sessions_total, r.next_session, r.attendances, r.participants, r.anonymous, r.minutes)
           for r in rows]
    return sort_rows(search_rows(out, text), sort, descending)


def search_rows(rows: Sequence[ActivityRow], text: str) -> list[ActivityRow]:
    """The rows whose name, place, district, Handlungsfeld, funder or kind contain every word
    of ``text`` (folded: "cafe" finds "Café"). A list that has the rows already narrows them
    as she types, without asking the database again."""
    words = fold(text).split()
    return [r for r in rows if _matches(r, words)] if words else list(rows)


def sort_rows(rows: Sequence[ActivityRow], sort: str = "name", descending: bool = False) -> list[ActivityRow]:
    """``rows`` in the order of ``sort`` (one of ACTIVITY_SORTS), German order for texts."""
    if sort not in ACTIVITY_SORTS:
        raise ValueError(f"unknown sort: {sort!r}")
    return sorted(rows, key=_sort_key(sort), reverse=descending)


def overview(uow: UnitOfWork, query: ActivityQuery, today: dt.date | None = None) -> list[ActivityRow]:
    """``activity_overview`` for a list's ``ActivityQuery``."""
    return activity_overview(uow, query.year, query.search, query.kind, query.active, sort=query.sort,
                             descending=query.descending, today=today)


def activity_years(uow: UnitOfWork) -> list[int]:
    """Years with sessions, and this year, newest first (for the year box of the list)."""
    first, last = q.session_date_range(uow)
    this = validation.today().year
    low = min(this, first.year) if first else this
    high = max(this, last.year) if last else this
    return list(range(high, low - 1, -1))


# --------------------------------------------------------------------------- one activity


@dataclass(frozen=True)
class SessionRow:
    id: int
    activity_id: int
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str | None
    note: str | None
    anonymous_count: int
    attendances: int  # named
    assignments: int  # Einsätze at this session
    minutes: int
    files: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def sessions_of(uow: UnitOfWork, activity_id: int) -> list[SessionRow]:
    """The sessions of an activity, oldest first, with their counts."""
    return [SessionRow(r.id, r.activity_id, r.date, r.start_time, r.end_time, r.location, r.note,
                       r.anonymous_count, r.attendances, r.assignments, r.minutes or 0, r.files)
            for r in q.session_rows(uow, activity_id)]


@dataclass(frozen=True)
class AttendeeRow:
    id: int  # the attendance
    person_id: int
    name: str
    birth_date: dt.date | None
    district: str | None


def attendees(uow: UnitOfWork, session_id: int) -> list[AttendeeRow]:
    """Who is on the list of a session, in name order."""
    return [AttendeeRow(r.id, r.person_id, display_name(r.last_name, r.first_name), r.birth_date, r.district)
            for r in q.attendance_rows(uow, session_id)]


@dataclass(frozen=True)
class HelperRow:
    id: int  # the assignment
    volunteer_id: int
    name: str
    date: dt.date
    minutes: int
    role: str | None
    note: str | None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def helpers(uow: UnitOfWork, session_id: int) -> list[HelperRow]:
    """The Einsätze at a session (volunteer, hours, role)."""
    return [HelperRow(r.id, r.volunteer_id, display_name(r.last_name, r.first_name), r.date, r.minutes, r.role,
                      r.note) for r in q.assignment_rows(uow, session_id)]


def funder_names(uow: UnitOfWork) -> list[str]:
    """The Förderungen already in use, so she writes „Soziale Stadt“ the same way each time."""
    return q.funder_names(uow)

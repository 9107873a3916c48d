"""Heute: what needs her attention today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuemmerer.db import listing as q
from kuemmerer.db import volunteer_queries
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ContactKind

from . import retention, validation, volunteers
from .listing import display_name

AGE_BUCKETS = (("bis 1 Woche", 7), ("1–4 Wochen", 28), ("1–3 Monate", 91), ("über 3 Monate", None))
KIND_LABELS = {"request": "Anliegen", "referral": "Vermittlung", "task": "Aufgabe"}


@dataclass(frozen=True)
class FollowUp:
    kind: str  # "request", "referral", "task"
    id: int
    person_id: int | None
    person_name: str
    what: str
    due_on: dt.date
    note: str | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days


@dataclass(frozen=True)
class TodayContact:
    id: int
    person_id: int
    person_name: str
    kind: str
    category: str | None
    duration_minutes: int | None
    request_id: int | None


@dataclass(frozen=True)
class UpcomingMeeting:
    id: int
    network: str
    date: dt.date
    start_time: dt.time | None
    location: str | None
    agenda: str | None


@dataclass(frozen=True)
class ClearanceDue:
    """A volunteer's police clearance to renew (shown from 60 days before it expires)."""

    volunteer_id: int
    person_id: int
    person_name: str
    expires_on: dt.date

    def days_left(self, today: dt.date) -> int:
        return (self.expires_on - today).days


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    follow_ups: tuple[FollowUp, ...]
    open_requests_by_age: tuple[tuple[str, int], ...]
    contacts_today: tuple[TodayContact, ...]
    anonymous_today: int
    next_meetings: tuple[UpcomingMeeting, ...]
    retention_note: str | None = None  # Aufbewahrung, once a month (services.retention.reminder)
    clearances_due: tuple[ClearanceDue, ...] = ()

    @property
    def open_requests(self) -> int:
        return sum(n for _, n in self.open_requests_by_age)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def dashboard(uow: UnitOfWork, today: dt.date | None = None) -> Dashboard:
    today = today or validation.today()
    s = uow.session
    follow_ups = tuple(FollowUp(kind, ident, pid, display_name(last, first) if last else "", what, _day(due), note)
                       for kind, ident, pid, last, first, what, due, note in q.due_follow_ups(s, today))
    limits = [days for _, days in AGE_BUCKETS if days is not None]
    buckets = dict(zip((label for label, _ in AGE_BUCKETS), q.open_request_age_buckets(s, today, limits), strict=True))
    contacts = tuple(TodayContact(r.id, r.person_id, display_name(r.last_name, r.first_name),
                                  ContactKind(r.kind).label, r.category, r.duration_minutes, r.request_id)
                     for r in q.contacts_on(s, today))
    meetings = tuple(UpcomingMeeting(ident, network, day, start, location, agenda)
                     for ident, day, start, location, agenda, network in q.next_meetings(s, today))
    return Dashboard(today, follow_ups, tuple(buckets.items()), contacts, q.anonymous_on(s, today), meetings,
                     retention.reminder(uow, today), clearances_due(uow, today))


def clearances_due(uow: UnitOfWork, today: dt.date) -> tuple[ClearanceDue, ...]:
    """Clearances of active or paused volunteers that expire within 60 days or have expired,
    soonest first (renewal after ``volunteers.get_renewal_years`` years from the issue date)."""
    years = volunteers.get_renewal_years(uow)
    out = []
    for vid, pid, last, first, issued in volunteer_queries.clearances_on_file(uow.session):
        expires = volunteers.renewal_due(issued, today, years)
        if expires is not None:
            out.append(ClearanceDue(vid, pid, display_name(last, first), expires))
    return tuple(sorted(out, key=lambda c: (c.expires_on, c.volunteer_id)))

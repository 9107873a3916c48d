"""Everything the person detail shows, in one read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuemmerer.db import listing as q
from kuemmerer.db.models import District, Person
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ContactKind, DataCategory, Gender, TagKind
from kuemmerer.domain.rules import age_band, referral_state_label

from . import validation
from .dto import PersonDto, RequestDto, from_row
from .listing import _date, _day
from .requests import list_requests


@dataclass(frozen=True)
class ContactRow:
    id: int
    date: dt.date
    kind: str
    duration_minutes: int | None
    note: str | None
    request_id: int | None
    request_title: str | None
    category: str | None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    referred_on: dt.date
    service: str
    organisation: str
    outcome: str  # the state as she reads it, e.g. "abgeschlossen (angekommen)"
    outcome_on: dt.date | None
    follow_up_on: dt.date | None


@dataclass(frozen=True)
class AttendanceRow:
    id: int
    date: dt.date
    start_time: dt.time | None
    activity: str


@dataclass(frozen=True)
class VolunteerSummary:
    started_on: dt.date | None
    ended_on: dt.date | None
    availability: str | None
    hours: float
    assignments: int
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    languages: tuple[str, ...]
    clearance_seen_on: dt.date | None
    clearance_relevant_entry: bool | None


@dataclass(frozen=True)
class ConsentRow:
    id: int
    organisation: str
    categories: str  # German labels, comma-separated
    purpose: str
    given_on: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None
    state: str  # "gültig", "widerrufen am …", "abgelaufen", "ab …"
    valid: bool


@dataclass(frozen=True)
class PersonOverview:
    person: PersonDto
    district: str | None
    gender_label: str
    age_band: str
    requests: tuple[RequestDto, ...]
    contacts: tuple[ContactRow, ...]
    referrals: tuple[ReferralRow, ...]
    attendances: tuple[AttendanceRow, ...]
    volunteer: VolunteerSummary | None
    consents: tuple[ConsentRow, ...] = ()


def consent_rows(uow: UnitOfWork, person_id: int, today: dt.date) -> tuple[ConsentRow, ...]:
    """The Schweigepflichtentbindungen of a person, newest first, with their state today."""
    from . import partners

    names = {o.id: o.name for o in partners.list_organisations(uow)}
    rows = []
    for c in reversed(partners.list_consents(uow, person_id)):
        state = c.state_on(today)  # one rule (domain.rules.consent_state) for every screen and sheet
        rows.append(ConsentRow(c.id, names.get(c.organisation_id, ""),
                               ", ".join(DataCategory(x).label for x in c.data_categories), c.purpose,
                               c.given_on, c.valid_until, c.withdrawn_on, state.text, state.valid))
    return tuple(rows)


def contact_rows(rows) -> tuple[ContactRow, ...]:
    return tuple(ContactRow(r.id, _day(r.date), ContactKind(r.kind).label, r.duration_minutes, r.note,
                            r.request_id, r.request_title, r.category) for r in rows)


def overview(uow: UnitOfWork, person_id: int, today: dt.date | None = None) -> PersonOverview:
    today = today or validation.today()
    s = uow.session
    p = uow.get(Person, person_id, "Person")
    district = uow.find(District, p.district_id)
    vol = None
    found = q.volunteer_summary(s, person_id)
    if found:
        v, minutes, count, tags = found
        by_kind = {k: tuple(n for kk, n in tags if kk == k) for k in TagKind.values()}
        vol = VolunteerSummary(v.started_on, v.ended_on, v.availability, round(minutes / 60, 2), count,
                               by_kind["faehigkeit"], by_kind["interesse"], by_kind["sprache"],
                               v.clearance_seen_on, v.clearance_relevant_entry)
    return PersonOverview(
        person=from_row(PersonDto, p),
        district=district.name if district else None,
        gender_label=Gender(p.gender).label,
        age_band=age_band(p.birth_date, today).label,
        requests=tuple(sorted(list_requests(uow, person_id), key=lambda r: (r.opened_on, r.id), reverse=True)),
        contacts=contact_rows(q.contact_rows(s, person_id=person_id)),
        referrals=tuple(ReferralRow(r.id, _day(r.referred_on), r.service, r.organisation,
                                    referral_state_label(r.outcome, _date(r.closed_on)), _date(r.outcome_on),
                                    _date(r.follow_up_on))
                        for r in q.person_referrals(s, person_id)),
        attendances=tuple(AttendanceRow(r.id, _day(r.date), r.start_time, r.activity)
                          for r in q.person_attendances(s, person_id)),
        volunteer=vol,
        consents=consent_rows(uow, person_id, today),
    )


def request_timeline(uow: UnitOfWork, request_id: int) -> tuple[ContactRow, ...]:
    return contact_rows(q.contact_rows(uow.session, request_id=request_id))

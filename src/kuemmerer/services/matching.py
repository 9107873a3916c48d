"""Ehrenamt at a glance and "Wer kann helfen?": volunteers filtered by skills, languages,
interests and availability together, with how often each was asked and assigned this year;
and the record of whom she asked when, for what, and what they answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kuemmerer.db import volunteer_queries as q
from kuemmerer.db.models import Activity, Volunteer, VolunteerInquiry
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import availability
from kuemmerer.domain.enums import InquiryAnswer, TagKind, VolunteerStatus
from kuemmerer.domain.rules import fold, fold_variants

from . import validation
from .crud import Crud, check_ref
from .dto import from_row
from .listing import display_name
from .validation import Form


@dataclass(frozen=True)
class VolunteerRow:
    id: int
    person_id: int
    name: str
    phone: str | None
    email: str | None
    status: str
    started_on: dt.date | None
    ended_on: dt.date | None
    availability_slots: int
    clearance_issued_on: dt.date | None
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    asked: int  # in the year
    agreed: int
    assigned: int  # Einsätze in the year
    minutes: int
    last_asked_on: dt.date | None

    @property
    def status_label(self) -> str:
        return VolunteerStatus(self.status).label

    @property
    def availability_text(self) -> str:
        return availability.describe(self.availability_slots)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def _year(year: int | None) -> tuple[dt.date, dt.date]:
    chosen = validation.year_or_this(year)
    return dt.date(chosen, 1, 1), dt.date(chosen, 12, 31)


def _rows(uow: UnitOfWork, rows) -> list[VolunteerRow]:
    tags = q.tags_of(uow.session, [r.id for r in rows])
    out = []
    for r in rows:
        mine = tags.get(r.id, [])
        names = {k: tuple(n for kind, n in mine if kind == k) for k in TagKind.values()}
        out.append(VolunteerRow(
            r.id, r.person_id, display_name(r.last_name, r.first_name), r.phone, r.email, r.status, r.started_on,
            r.ended_on, r.availability_slots, r.clearance_issued_on, names[TagKind.SKILL.value],
            names[TagKind.LANGUAGE.value], names[TagKind.INTEREST.value], r.asked, r.agreed, r.assigned,
            r.minutes or 0, r.last_asked_on))
    return out


def volunteer_overview(uow: UnitOfWork, *, year: int | None = None,
                       status: Sequence[str] | None = None) -> list[VolunteerRow]:
    """Every volunteer (or those of ``status``) with this year's figures, least asked first."""
    start, end = _year(year)
    return _rows(uow, q.volunteer_rows(uow.session, year_start=start, year_end=end, status=status))


def find_helpers(uow: UnitOfWork, *, skills: Sequence[str] = (), languages: Sequence[str] = (),
                 interests: Sequence[str] = (), slots: Any = 0, year: int | None = None) -> list[VolunteerRow]:
    """Active volunteers who have **all** the requested skills, languages and interests and
    are free in **every** requested slot (a bit mask or (day, part) pairs); least asked
    this year first."""
    mask = slots if isinstance(slots, int) else availability.mask(slots)
    start, end = _year(year)
    return _rows(uow, q.volunteer_rows(uow.session, year_start=start, year_end=end, status=q.ACTIVE,
                                       skills=skills, languages=languages, interests=interests, slots=mask))


@dataclass(frozen=True)
class VolunteerQuery:
    """What the Ehrenamt list shows: the year of its figures, the states (None: all), a search
    over names and tags, and — for "Wer kann helfen?" — skills, languages, interests and slots
    that must all match."""

    year: int | None = None
    status: tuple[str, ...] | None = None
    search: str = ""
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    slots: int = 0
    order: tuple[int, ...] = ()  # volunteer ids in the order the list shows them (its column sort)


def matches_search(row: VolunteerRow, search: str) -> bool:
    """Every word of ``search`` is found (folded: "Muller" finds "Müller") in the name or a tag."""
    words = fold(search).split()
    if not words:
        return True
    haystack = " ".join(fold(t) for t in (row.name, *row.skills, *row.languages, *row.interests))
    return all(any(variant in haystack for variant in fold_variants(word)) for word in words)


def volunteer_list(uow: UnitOfWork, query: VolunteerQuery | None = None) -> list[VolunteerRow]:
    """The Ehrenamt list for ``query`` (its default: everyone, this year's figures)."""
    query = query or VolunteerQuery()
    start, end = _year(query.year)
    rows = _rows(uow, q.volunteer_rows(uow.session, year_start=start, year_end=end, status=query.status,
                                       skills=query.skills, languages=query.languages, interests=query.interests,
                                       slots=query.slots))
    rows = [r for r in rows if matches_search(r, query.search)]
    if query.order:
        place = {ident: n for n, ident in enumerate(query.order)}
        rows.sort(key=lambda r: place.get(r.id, len(place)))
    return rows


def tag_names(uow: UnitOfWork, kind: str) -> list[str]:
    return q.tag_names(uow.session, TagKind(kind).value)


# --------------------------------------------------------------------------- inquiries


@dataclass(frozen=True)
class InquiryDto:
    id: int
    volunteer_id: int
    activity_id: int | None
    asked_on: dt.date
    answer: str
    note: str | None

    @property
    def answer_label(self) -> str:
        return InquiryAnswer(self.answer).label


def _validate_inquiry(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=inquiries.editable())
    clean = {
        "volunteer_id": check_ref(form, uow, Volunteer, "volunteer_id", "Unbekannte*r Ehrenamtliche*r.",
                                  required=True),
        "activity_id": check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität."),
        "asked_on": form.date("asked_on", required=True, not_future=True),
        "answer": form.choice("answer", InquiryAnswer, InquiryAnswer.OPEN),
        "note": form.text("note", max_len=300),
    }
    form.done()
    return clean


inquiries = Crud(VolunteerInquiry, InquiryDto, "Anfrage", _validate_inquiry,
                 to_dto=lambda o: from_row(InquiryDto, o))
record_inquiry = inquiries.create
update_inquiry = inquiries.update
delete_inquiry = inquiries.delete


def list_inquiries(uow: UnitOfWork, volunteer_id: int) -> list[InquiryDto]:
    rows = inquiries.list(uow, "asked_on", "id", volunteer_id=volunteer_id)
    return rows[::-1]  # newest first

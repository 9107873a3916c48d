"""Rows for the big lists (Personen, Anliegen, Vermittlungen), paged and filtered in SQL.

A page comes as a ``Page`` (a list of rows with ``cursor``, the sort key of its last row):
``*_page_after(uow, q, page.cursor, limit)`` gives the rows that follow (keyset paging, as
fast at the end of the list as at its start); ``*_page(uow, q, offset, limit)`` gives the
rows from row ``offset`` (OFFSET paging, for callers that jump to a row number)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kuemmerer.db import listing
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ReferralOutcome, RequestStatus
from kuemmerer.domain.rules import age_band, fold_variants, referral_state_label

from . import validation

UNKNOWN_DISTRICT = listing.UNKNOWN_DISTRICT
Page = listing.Page
Cursor = Sequence | None  # a Page's cursor; None: from the start


def display_name(last: str | None, first: str | None) -> str:
    return f"{last}, {first}" if first else (last or "")


@dataclass(frozen=True)
class PersonQuery:
    search: str = ""
    district_id: int | None = None  # None = all, UNKNOWN_DISTRICT = none recorded
    sort: str = "name"  # one of listing.PERSON_SORTS
    descending: bool = False


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    district: str | None
    birth_date: dt.date | None
    age_band: str
    last_contact: dt.date | None
    open_requests: int
    phone: str | None


def count_persons(uow: UnitOfWork, q: PersonQuery) -> int:
    return listing.person_count(uow.session, search=q.search, district_id=q.district_id)


def person_page(uow: UnitOfWork, q: PersonQuery, offset: int, limit: int,
                today: dt.date | None = None) -> listing.Page[PersonRow]:
    return _person_page(uow, q, today, offset=offset, limit=limit)


def person_page_after(uow: UnitOfWork, q: PersonQuery, after: Cursor, limit: int,
                      today: dt.date | None = None) -> listing.Page[PersonRow]:
    """The ``limit`` persons that follow the cursor ``after`` of the previous page (None: the first page)."""
    return _person_page(uow, q, today, after=after, limit=limit)


def _person_page(uow: UnitOfWork, q: PersonQuery, today: dt.date | None, *, limit: int, offset: int = 0,
                 after: Cursor = None) -> listing.Page[PersonRow]:
    rows = listing.person_rows(uow.session, search=q.search, district_id=q.district_id, sort=q.sort,
                               descending=q.descending, offset=offset, limit=limit, after=after)
    return Page(_person_rows(rows, today or validation.today()), rows.cursor)


def person_ids_after(uow: UnitOfWork, q: PersonQuery, after: Cursor, limit: int) -> listing.Page[int]:
    """Only the ids of the ``limit`` persons that follow the cursor ``after`` (None: the first
    page), in the list's order, with the cursor of the page: what a list needs to scroll
    through 100,000 persons; ``persons_by_id`` gives the rows it shows."""
    return listing.person_ids(uow.session, search=q.search, district_id=q.district_id, sort=q.sort,
                              descending=q.descending, limit=limit, after=after)


def persons_by_id(uow: UnitOfWork, ids: Sequence[int], today: dt.date | None = None) -> list[PersonRow]:
    """The list rows (as ``person_page`` gives them) of the persons ``ids``, in the order of
    ``ids``; persons no longer there are left out."""
    found = {r.id: r for r in _person_rows(listing.person_rows_by_id(uow.session, ids), today or validation.today())}
    return [found[i] for i in ids if i in found]


def _person_rows(rows: Sequence, today: dt.date) -> list[PersonRow]:
    # unpacked by position, not by name: a big export or a test builds 100,000 of these
    return [PersonRow(ident, display_name(last, first), district, birth, age_band(birth, today).label,
                      _date(last_contact), open_requests or 0, phone)
            for ident, last, first, birth, phone, district, last_contact, open_requests, *_key in rows]


@dataclass(frozen=True)
class RequestQuery:
    search: str = ""
    status: str | None = "open"  # "open", "closed", a RequestStatus value, or None = all
    category_id: int | None = None
    district_id: int | None = None
    follow_up: str | None = None  # None, "due", "overdue", "week", "any", "none"
    sort: str = "opened_on"
    descending: bool = True


@dataclass(frozen=True)
class RequestRow:
    id: int
    person_id: int
    person_name: str
    title: str
    category: str | None
    status: str
    status_label: str
    opened_on: dt.date
    closed_on: dt.date | None
    follow_up_on: dt.date | None
    follow_up_note: str | None
    last_contact: dt.date | None


def _request_filters(q: RequestQuery) -> dict:
    return {"search": q.search, "status": q.status, "category_id": q.category_id,
            "district_id": q.district_id, "follow_up": q.follow_up}


def count_requests(uow: UnitOfWork, q: RequestQuery, today: dt.date | None = None) -> int:
    return listing.request_count(uow.session, today=today or validation.today(), **_request_filters(q))


def request_page(uow: UnitOfWork, q: RequestQuery, offset: int, limit: int,
                 today: dt.date | None = None) -> listing.Page[RequestRow]:
    return _request_page(uow, q, today, offset=offset, limit=limit)


def request_page_after(uow: UnitOfWork, q: RequestQuery, after: Cursor, limit: int,
                       today: dt.date | None = None) -> listing.Page[RequestRow]:
    """The ``limit`` requests that follow the cursor ``after`` of the previous page (None: the first page)."""
    return _request_page(uow, q, today, after=after, limit=limit)


def _request_page(uow: UnitOfWork, q: RequestQuery, today: dt.date | None, *, limit: int, offset: int = 0,
                  after: Cursor = None) -> listing.Page[RequestRow]:
    rows = listing.request_rows(uow.session, today=today or validation.today(), sort=q.sort,
                                descending=q.descending, offset=offset, limit=limit, after=after,
                                **_request_filters(q))
    return Page([RequestRow(r.id, r.person_id, display_name(r.last_name, r.first_name), r.title, r.category,
                            r.status, RequestStatus(r.status).label, _day(r.opened_on), _date(r.closed_on),
                            _date(r.follow_up_on), r.follow_up_note, _date(r.last_contact)) for r in rows],
                rows.cursor)


@dataclass(frozen=True)
class ReferralQuery:
    search: str = ""
    state: str | None = "open"  # listing.REFERRAL_STATES or None = all
    service_id: int | None = None
    organisation_id: int | None = None
    person_id: int | None = None
    sort: str = "referred_on"
    descending: bool = True


REFERRAL_STATE_FILTERS = (
    ("Nicht abgeschlossen", "open"), ("Ergebnis offen", "awaiting"), ("Nachfrage fällig", "due"),
    *((f"Ergebnis: {o.label}", o.value) for o in ReferralOutcome if o is not ReferralOutcome.REFERRED),
    ("Abgeschlossen", "closed"), ("Alle", None),
)


@dataclass(frozen=True)
class ReferralRow:
    id: int
    person_id: int
    person_name: str
    referred_on: dt.date
    service: str
    organisation: str
    outcome: str
    state_label: str
    outcome_on: dt.date | None
    closed_on: dt.date | None
    follow_up_on: dt.date | None
    appointment_at: dt.datetime | None
    consent_id: int | None


def _referral_filters(q: ReferralQuery) -> dict:
    return {"search": q.search, "state": q.state, "service_id": q.service_id,
            "organisation_id": q.organisation_id, "person_id": q.person_id}


def count_referrals(uow: UnitOfWork, q: ReferralQuery, today: dt.date | None = None) -> int:
    return listing.referral_count(uow.session, today=today or validation.today(), **_referral_filters(q))


def referral_page(uow: UnitOfWork, q: ReferralQuery, offset: int, limit: int,
                  today: dt.date | None = None) -> listing.Page[ReferralRow]:
    return _referral_page(uow, q, today, offset=offset, limit=limit)


def referral_page_after(uow: UnitOfWork, q: ReferralQuery, after: Cursor, limit: int,
                        today: dt.date | None = None) -> listing.Page[ReferralRow]:
    """The ``limit`` referrals that follow the cursor ``after`` of the previous page (None: the first page)."""
    return _referral_page(uow, q, today, after=after, limit=limit)


def _referral_page(uow: UnitOfWork, q: ReferralQuery, today: dt.date | None, *, limit: int, offset: int = 0,
                   after: Cursor = None) -> listing.Page[ReferralRow]:
    rows = listing.referral_rows(uow.session, today=today or validation.today(), sort=q.sort,
                                 descending=q.descending, offset=offset, limit=limit, after=after,
                                 **_referral_filters(q))
    return Page([ReferralRow(r.id, r.person_id, display_name(r.last_name, r.first_name), _day(r.referred_on),
                             r.service, r.organisation, r.outcome,
                             referral_state_label(r.outcome, _date(r.closed_on)), _date(r.outcome_on),
                             _date(r.closed_on), _date(r.follow_up_on), r.appointment_at, r.consent_id)
                 for r in rows], rows.cursor)


@dataclass(frozen=True)
class PersonMatch:
    id: int
    name: str
    birth_date: dt.date | None
    district: str | None
    street: str | None

    @property
    def label(self) -> str:
        extra = [f"geb. {self.birth_date:%d.%m.%Y}" if self.birth_date else None, self.district, self.street]
        details = ", ".join(e for e in extra if e)
        return f"{self.name} ({details})" if details else self.name

    @property
    def line(self) -> str:
        """One line of the quick capture's list: "Müller, Anna (1957) · Hutholz · Lindenstraße 4"."""
        head = f"{self.name} ({self.birth_date.year})" if self.birth_date else self.name
        return " · ".join(p for p in (head, self.district, self.street) if p)


def find_persons(uow: UnitOfWork, search: str, limit: int = 8) -> list[PersonMatch]:
    return [_match(r) for r in listing.person_search_rows(uow.session, search, limit)]


def count_person_matches(uow: UnitOfWork, search: str) -> int:
    """How many persons the quick look-up ``search`` finds (no limit)."""
    if not listing.person_search_rows(uow.session, search, 1):
        return 0  # nothing searchable typed ("", "-"): no hits, not "everybody"
    return listing.person_count(uow.session, search=search)


def person_match_page(uow: UnitOfWork, search: str, offset: int, limit: int) -> list[PersonMatch]:
    """Rows ``offset`` … ``offset + limit`` of the quick look-up, in name order (the list
    in the quick capture fetches them page by page as she scrolls)."""
    rows = listing.person_search_rows(uow.session, search, offset + limit)
    return [_match(r) for r in rows[offset:]]


def namesakes(uow: UnitOfWork, last_name: str, first_name: str | None = None) -> list[PersonMatch]:
    """Persons with the same name as a new entry would get, folded ("Müller" = "Mueller" =
    "Muller"): same last name, and the same first name where both have one."""
    last_forms = set(fold_variants(last_name))
    if not last_forms:
        return []
    first_forms = set(fold_variants(first_name))
    out = []
    everyone = listing.person_count(uow.session, search=last_name)  # no limit: all of them
    for r in listing.person_search_rows(uow.session, last_name, everyone):
        if not last_forms & set(fold_variants(r.last_name)):
            continue
        if first_forms and r.first_name and not first_forms & set(fold_variants(r.first_name)):
            continue
        out.append(_match(r))
    return out


def _match(r) -> PersonMatch:
    return PersonMatch(r.id, display_name(r.last_name, r.first_name), r.birth_date, r.district, r.street)


def _date(value) -> dt.date | None:
    """Dates from aggregates (MAX over a subquery) come back as text from SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _day(value) -> dt.date:
    """``_date`` for a NOT NULL date column."""
    day = _date(value)
    assert day is not None, "the column is NOT NULL"
    return day

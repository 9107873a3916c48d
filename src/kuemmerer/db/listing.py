"""Read side of the big lists (persons, requests) and of the Heute dashboard.

Everything is filtered, sorted and paged in SQL, so a list opens instantly on ten
years of data: a page is ``LIMIT`` over an indexed order, the next page starts after the
sort key of the last row (keyset paging: ``WHERE (key, id) > (:last_key, :last_id)`` in
the list's order, so the 500th page costs what the first does; ``OFFSET`` is still there
for callers that want row n), and the per-row figures (last contact, open requests) are
correlated subqueries over indexes, evaluated only for the rows of the page (unless the
list is sorted by them). The Personen list goes further: it pages through ids only
(``person_ids``, read from the sort's index) and fills the rows it paints by id
(``person_rows_by_id``), so scrolling to the end of 100,000 persons reads no person's row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, case, false, func, intersect, literal, or_, select, true, union
from sqlalchemy.orm import Session as OrmSession

from kuemmerer.domain.enums import ReferralOutcome, RequestStatus
from kuemmerer.domain.rules import fold_variants, phone_digits

from .models import (
    ActionItem,
    AgendaItem,
    AnonymousTally,
    Category,
    Contact,
    District,
    Meeting,
    Network,
    Organisation,
    Person,
    Referral,
    Request,
    Service,
)
from .search_key import digits_ids, word_ids

OPEN_STATUSES = tuple(s.value for s in RequestStatus if not s.is_closed)
CLOSED_STATUSES = tuple(s.value for s in RequestStatus if s.is_closed)
UNKNOWN_DISTRICT = -1  # filter value for "no district recorded"


T = TypeVar("T")


class Page(list[T], Generic[T]):
    """The rows of one page and ``cursor``, the sort key of its last row (None if empty):
    pass it as ``after`` to get the rows that follow."""

    cursor: tuple | None = None

    def __init__(self, rows=(), cursor: tuple | None = None):
        super().__init__(rows)
        self.cursor = cursor


@dataclass(frozen=True)
class SortKey:
    """One term of a list's ORDER BY. ``nulls_last`` None is SQLite's default (NULL first
    ascending, last descending); ``nullable=False`` promises the expression is never NULL
    (lets the keyset bound use an index)."""

    expr: Any
    descending: bool = False
    nulls_last: bool | None = None
    nullable: bool = True

    def order(self, expr=None):
        e = self.expr if expr is None else expr
        o = e.desc() if self.descending else e.asc()
        return o.nulls_last() if self.nulls_last else o

    @property
    def nulls_first(self) -> bool:
        return not self.descending if self.nulls_last is None else not self.nulls_last

    def same(self, value):
        return self.expr.is_(None) if value is None else self.expr == literal(value)

    def beyond(self, value):
        """Rows strictly after ``value`` in this key's order."""
        if value is None:
            return self.expr.is_not(None) if self.nulls_first else false()
        cond = self.expr < literal(value) if self.descending else self.expr > literal(value)
        if self.nullable and not self.nulls_first:
            cond = or_(cond, self.expr.is_(None))
        return cond

    def at_or_beyond(self, value):
        """``same or beyond``, written as one range so that an index on the key is used."""
        if value is None:
            return true() if self.nulls_first else self.expr.is_(None)
        cond = self.expr <= literal(value) if self.descending else self.expr >= literal(value)
        if self.nullable and not self.nulls_first:
            cond = or_(cond, self.expr.is_(None))
        return cond


def after_condition(keys: Sequence[SortKey], after: Sequence) -> Any:
    """The rows that come after the row whose sort key is ``after`` (one value per key, the
    last key unique: the id) in the order of ``keys`` — ``(k1, k2, …) > (v1, v2, …)`` with
    each key's direction and NULL placement."""
    if len(after) != len(keys):
        raise ValueError("the cursor does not belong to this sort")
    terms: list[Any] = []
    equal: list[Any] = []
    for key, value in zip(keys, after, strict=True):
        terms.append(and_(*equal, key.beyond(value)))
        equal.append(key.same(value))
    return and_(keys[0].at_or_beyond(after[0]), or_(*terms))


def _keyed_select(ids: Select, keys: Sequence[SortKey], *, after: Sequence | None, offset: int,
                  limit: int) -> Select:
    """``ids`` (a SELECT of one id column) with the sort key columns k0, k1, … added, after
    the key ``after`` (or from row ``offset``), ``limit`` rows, in the order of ``keys``."""
    stmt = ids.add_columns(*(k.expr.label(f"k{i}") for i, k in enumerate(keys)))
    if after is not None:
        stmt = stmt.where(after_condition(keys, after))
    elif offset:
        stmt = stmt.offset(offset)
    return stmt.order_by(*(k.order() for k in keys)).limit(limit)


def _keyed_page(ids: Select, keys: Sequence[SortKey], *, after: Sequence | None, offset: int, limit: int):
    """``_keyed_select`` as subquery "page"."""
    return _keyed_select(ids, keys, after=after, offset=offset, limit=limit).subquery("page")


def _page_keys(page, keys: Sequence[SortKey]) -> tuple[list, list]:
    """The key columns of ``page`` to select, and the ORDER BY over them."""
    columns = [page.c[f"k{i}"] for i in range(len(keys))]
    return columns, [k.order(c) for k, c in zip(keys, columns, strict=True)]


def _with_cursor(rows: Sequence, keys: Sequence[SortKey]) -> Page:
    """Rows whose last len(keys) columns are the sort key, as a Page."""
    n = len(keys)
    return Page(rows, tuple(rows[-1][-n:]) if rows else None)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_ids(column, search: str) -> list[Select] | None:
    """For ``column`` (Person.search_text or Request.search_text): one SELECT of ids per
    condition of ``search`` — every word must start a word of the folded search text,
    digits also match inside phone numbers, "muller" and "mueller" find "Müller" — each
    from the word index (db.search_key); None if nothing searchable was typed."""
    all_digits = re.sub(r"\D", "", search)
    if re.fullmatch(r"[\d\s/+()-]+", search) and len(all_digits) >= 3:
        # a phone number, typed with spaces or not, "+49 69 …" also as "069 …"
        return [digits_ids(column, phone_digits(search))]
    ids = []
    for raw in search.split():
        if re.fullmatch(r"[\d/+()-]{3,}", raw):  # part of a phone number
            ids.append(digits_ids(column, phone_digits(raw)))
            continue
        words = fold_variants(raw)
        if words:
            ids.append(word_ids(column, words))
    return ids or None


def search_condition(column, search: str, *, by_index: bool = True):
    """``search_ids`` as a condition on the persons' or requests' id. ``by_index=False``
    keeps SQLite from reading the rows through the matches (it then walks an ordered
    index and stops after a page: better when most rows match)."""
    ids = search_ids(column, search)
    if ids is None:
        return None
    ident = Person.id if column is Person.search_text else Request.id
    key = ident if by_index else ident + 0
    return and_(*(key.in_(s) for s in ids))


def _matches(session: OrmSession, ids: list[Select], at_most: int | None = None) -> int:
    """How many persons (or requests) the id SELECTs of one search find together (counting
    stops at ``at_most``)."""
    found = intersect(*ids) if len(ids) > 1 else ids[0].distinct()
    if at_most is not None:
        found = found.limit(at_most)
    return session.scalar(select(func.count()).select_from(found.subquery())) or 0


# --------------------------------------------------------------------------- persons


def _last_contact():
    return (select(func.max(Contact.date)).where(Contact.person_id == Person.id)
            .correlate(Person).scalar_subquery())


def _open_requests():
    return (select(func.count(Request.id))
            .where(Request.person_id == Person.id, Request.status.in_(OPEN_STATUSES))
            .correlate(Person).scalar_subquery())


def _person_filter(stmt, search: str, district_id: int | None, *, by_index: bool = True):
    cond = search_condition(Person.search_text, search, by_index=by_index)
    if cond is not None:
        stmt = stmt.where(cond)
    if district_id == UNKNOWN_DISTRICT:
        stmt = stmt.where(Person.district_id.is_(None))
    elif district_id is not None:
        stmt = stmt.where(Person.district_id == district_id)
    return stmt


def person_count(session: OrmSession, *, search: str = "", district_id: int | None = None) -> int:
    ids = search_ids(Person.search_text, search)
    if ids is not None and district_id is None:  # counted in the word index alone
        return _matches(session, ids)
    stmt = _person_filter(select(func.count(Person.id)), search, district_id)
    return session.scalar(stmt) or 0


def _walk_in_order(session: OrmSession, search: str, offset: int, limit: int) -> bool:
    """Whether a page of the search is found faster by walking the list's order and testing
    each row against the matches (many match: the page is full after a few rows) than by
    reading every match and sorting them (few match)."""
    ids = search_ids(Person.search_text, search)
    if ids is None:
        return False
    everyone = session.scalar(select(func.max(Person.id))) or 0
    # rows walked ≈ (offset + limit) · everyone / matches, rows sorted = matches
    enough = math.isqrt((offset + limit) * everyone) + 1
    return _matches(session, ids, at_most=enough) >= enough


PERSON_SORTS = ("name", "district", "age", "last_contact", "open_requests")


def person_keys(sort: str, descending: bool, last_contact, open_requests) -> list[SortKey]:
    """The sort key of the Personen list (one of PERSON_SORTS; the district sort needs
    ``districts`` joined); ties go by German name order, then id."""
    name = [SortKey(Person.sort_name, nullable=False), SortKey(Person.id, nullable=False)]
    if sort == "district":
        return [SortKey(District.name.is_(None), nullable=False), SortKey(District.sort_order, descending),
                SortKey(District.name, descending), *name]
    if sort == "age":  # age ascending = birth date descending; unknown last
        return [SortKey(Person.birth_date.is_(None), nullable=False), SortKey(Person.birth_date, not descending),
                *name]
    if sort == "last_contact":
        return [SortKey(last_contact, descending, nulls_last=True), *name]
    if sort == "open_requests":
        return [SortKey(open_requests, descending, nullable=False), *name]
    return [SortKey(Person.sort_name, descending, nullable=False), SortKey(Person.id, descending, nullable=False)]


def person_order(sort: str, descending: bool, last_contact, open_requests) -> list:
    """The ORDER BY of the Personen list (``person_keys``). Shared with the export."""
    return [k.order() for k in person_keys(sort, descending, last_contact, open_requests)]


def _person_id_select(session: OrmSession, *, search: str, district_id: int | None, sort: str,
                      descending: bool, offset: int, limit: int, after: Sequence | None):
    """The SELECT of the ids of a page of the Personen list with the sort key columns k0,
    k1, …, and the sort key: only what filter and order need, so no row with computed
    figures is read for rows that are skipped."""
    ids = select(Person.id)
    if sort == "district":
        ids = ids.outerjoin(District, District.id == Person.district_id)
    keys = person_keys(sort, descending, _last_contact(), _open_requests())
    by_index = not _walk_in_order(session, search, 0 if after is not None else offset, limit)
    stmt = _keyed_select(_person_filter(ids, search, district_id, by_index=by_index), keys,
                         after=after, offset=offset, limit=limit)
    return stmt, keys


def _person_columns():
    """The display columns and per-row figures of the Personen list (``person_rows``)."""
    return (Person.id, Person.last_name, Person.first_name, Person.birth_date, Person.phone,
            District.name.label("district"), _last_contact().label("last_contact"),
            _open_requests().label("open_requests"))


def person_rows(session: OrmSession, *, search: str = "", district_id: int | None = None,
                sort: str = "name", descending: bool = False, offset: int = 0,
                limit: int = 200, after: Sequence | None = None) -> Page:
    """A page of the Personen list: the rows after the sort key ``after`` (a previous page's
    ``cursor``), or else from row ``offset``."""
    ids, keys = _person_id_select(session, search=search, district_id=district_id, sort=sort,
                                  descending=descending, offset=offset, limit=limit, after=after)
    page = ids.subquery("page")
    key_columns, order = _page_keys(page, keys)
    # display columns and per-row figures for the rows of the page only
    stmt = (select(*_person_columns(), *key_columns)
            .join(page, page.c.id == Person.id)
            .outerjoin(District, District.id == Person.district_id)
            .order_by(*order))
    return _with_cursor(session.connection().execute(stmt).all(), keys)


def person_ids(session: OrmSession, *, search: str = "", district_id: int | None = None,
               sort: str = "name", descending: bool = False, offset: int = 0,
               limit: int = 200, after: Sequence | None = None) -> Page[int]:
    """Only the ids of a page of the Personen list (the rows of ``person_rows``, in its
    order, with its ``cursor``): read from the sort's index alone, so that scrolling through
    100,000 persons reads no person's row; ``person_rows_by_id`` fills the rows shown."""
    ids, keys = _person_id_select(session, search=search, district_id=district_id, sort=sort,
                                  descending=descending, offset=offset, limit=limit, after=after)
    rows = session.connection().execute(ids).all()
    n = len(keys)
    return Page([r[0] for r in rows], tuple(rows[-1][-n:]) if rows else None)


def person_rows_by_id(session: OrmSession, ids: Sequence[int]) -> Sequence:
    """The rows of ``person_rows`` (without the sort key) of the persons ``ids``, in no
    particular order; ids of persons no longer there are left out."""
    if not ids:
        return []
    stmt = (select(*_person_columns())
            .outerjoin(District, District.id == Person.district_id)
            .where(Person.id.in_(list(ids))))
    return session.connection().execute(stmt).all()


# --------------------------------------------------------------------------- requests

_REQUESTS = Request.__table__.alias("by_person")
REQUEST_SORTS = ("opened_on", "person", "title", "category", "status", "follow_up_on", "last_contact")


def _request_last_contact():
    return (select(func.max(Contact.date)).where(Contact.request_id == Request.id)
            .correlate(Request).scalar_subquery())


def _request_filter(stmt, *, search: str, status: str | None, category_id: int | None,
                    district_id: int | None, follow_up: str | None, today: dt.date):
    for word in search.split():
        # every word must start a word of the person's name or of the title: the ids of
        # both, each from its word index, so no table is scanned for a word
        ids = []
        for persons in search_ids(Person.search_text, word) or ():
            ids.append(select(_REQUESTS.c.id).where(_REQUESTS.c.person_id.in_(persons)).correlate(None))
        ids += search_ids(Request.search_text, word) or ()
        if ids:
            stmt = stmt.where(Request.id.in_(union(*ids) if len(ids) > 1 else ids[0]))
    if status == "open":
        stmt = stmt.where(Request.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(Request.status.in_(CLOSED_STATUSES))
    elif status:
        stmt = stmt.where(Request.status == status)
    if category_id is not None:
        stmt = stmt.where(Request.category_id == category_id)
    if district_id == UNKNOWN_DISTRICT:
        stmt = stmt.where(Person.district_id.is_(None))
    elif district_id is not None:
        stmt = stmt.where(Person.district_id == district_id)
    if follow_up == "due":
        stmt = stmt.where(Request.follow_up_on <= today)
    elif follow_up == "overdue":
        stmt = stmt.where(Request.follow_up_on < today)
    elif follow_up == "week":
        stmt = stmt.where(Request.follow_up_on <= today + dt.timedelta(days=7))
    elif follow_up == "any":
        stmt = stmt.where(Request.follow_up_on.is_not(None))
    elif follow_up == "none":
        stmt = stmt.where(Request.follow_up_on.is_(None))
    return stmt


def request_count(session: OrmSession, *, today: dt.date, search: str = "", status: str | None = None,
                  category_id: int | None = None, district_id: int | None = None,
                  follow_up: str | None = None) -> int:
    stmt = select(func.count(Request.id))
    if district_id is not None:  # the person only when a filter needs it
        stmt = stmt.join(Person, Person.id == Request.person_id)
    stmt = _request_filter(stmt, search=search, status=status, category_id=category_id,
                           district_id=district_id, follow_up=follow_up, today=today)
    return session.scalar(stmt) or 0


def request_keys(sort: str, descending: bool) -> list[SortKey]:
    """The sort key of the Anliegen list (one of REQUEST_SORTS; "person" needs ``persons``
    joined, "category" ``categories``); ties go by id."""
    def key(expr, nullable: bool = True) -> SortKey:
        return SortKey(expr, descending, nullable=nullable)
    status_rank = case({s: i for i, s in enumerate(RequestStatus.values())}, value=Request.status)
    columns = {
        "person": [key(Person.sort_name, nullable=False)],
        "title": [key(Request.search_text)],
        "category": [SortKey(Category.name.is_(None), nullable=False), key(Category.sort_order), key(Category.name)],
        "status": [key(status_rank)],
        "follow_up_on": [SortKey(Request.follow_up_on.is_(None), nullable=False), key(Request.follow_up_on)],
        "last_contact": [SortKey(_request_last_contact(), descending, nulls_last=True)],
    }
    return columns.get(sort, [key(Request.opened_on, nullable=False)]) + [key(Request.id, nullable=False)]


def request_rows(session: OrmSession, *, today: dt.date, search: str = "", status: str | None = None,
                 category_id: int | None = None, district_id: int | None = None,
                 follow_up: str | None = None, sort: str = "opened_on", descending: bool = True,
                 offset: int = 0, limit: int = 200, after: Sequence | None = None) -> Page:
    """A page of the Anliegen list: the rows after the sort key ``after`` (a previous page's
    ``cursor``), or else from row ``offset``."""
    ids = select(Request.id)
    if district_id is not None or sort == "person":
        ids = ids.join(Person, Person.id == Request.person_id)
    if sort == "category":
        ids = ids.outerjoin(Category, Category.id == Request.category_id)
    ids = _request_filter(ids, search=search, status=status, category_id=category_id,
                          district_id=district_id, follow_up=follow_up, today=today)
    keys = request_keys(sort, descending)
    page = _keyed_page(ids, keys, after=after, offset=offset, limit=limit)
    key_columns, order = _page_keys(page, keys)
    stmt = (select(Request.id, Request.person_id, Request.title, Request.status, Request.opened_on,
                   Request.closed_on, Request.follow_up_on, Request.follow_up_note,
                   Category.name.label("category"), Person.last_name, Person.first_name,
                   _request_last_contact().label("last_contact"), *key_columns)
            .join(page, page.c.id == Request.id)
            .join(Person, Person.id == Request.person_id)
            .outerjoin(Category, Category.id == Request.category_id)
            .order_by(*order))
    return _with_cursor(session.execute(stmt).all(), keys)


# --------------------------------------------------------------------------- referrals

REFERRAL_SORTS = ("referred_on", "person", "service", "organisation", "state", "follow_up_on")
REFERRAL_STATES = ("open", "awaiting", "due", "closed", *ReferralOutcome.values())


def _referral_filter(stmt, *, search: str, state: str | None, service_id: int | None,
                     organisation_id: int | None, person_id: int | None, today: dt.date):
    for word in search.split():
        # every word starts a word of the person's name, or is part of the partner's or service's name
        pattern = f"%{_like_escape(word.casefold())}%"
        conds = [Organisation.name.ilike(pattern, escape="\\"), Service.name.ilike(pattern, escape="\\")]
        person = search_condition(Person.search_text, word)
        if person is not None:
            conds.append(person)
        stmt = stmt.where(or_(*conds))
    awaiting = and_(Referral.outcome == ReferralOutcome.REFERRED.value, Referral.closed_on.is_(None))
    if state == "open":
        stmt = stmt.where(Referral.closed_on.is_(None))
    elif state == "awaiting":
        stmt = stmt.where(awaiting)
    elif state == "due":
        stmt = stmt.where(awaiting, Referral.follow_up_on <= today)
    elif state == "closed":
        stmt = stmt.where(Referral.closed_on.is_not(None))
    elif state:
        stmt = stmt.where(Referral.outcome == state)
    for column, value in ((Referral.service_id, service_id), (Referral.organisation_id, organisation_id),
                          (Referral.person_id, person_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def _referral_joins(stmt):
    return (stmt.join(Person, Person.id == Referral.person_id)
            .join(Service, Service.id == Referral.service_id)
            .join(Organisation, Organisation.id == Referral.organisation_id))


def referral_count(session: OrmSession, *, today: dt.date, search: str = "", state: str | None = None,
                   service_id: int | None = None, organisation_id: int | None = None,
                   person_id: int | None = None) -> int:
    stmt = select(func.count(Referral.id))
    if search:
        stmt = _referral_joins(stmt)
    stmt = _referral_filter(stmt, search=search, state=state, service_id=service_id,
                            organisation_id=organisation_id, person_id=person_id, today=today)
    return session.scalar(stmt) or 0


def referral_keys(sort: str, descending: bool) -> list[SortKey]:
    """The sort key of the Vermittlungen list (one of REFERRAL_SORTS; "person", "service"
    and "organisation" need their tables joined); ties go by date, then id."""
    def key(expr, nullable: bool = True) -> SortKey:
        return SortKey(expr, descending, nullable=nullable)
    outcome_rank = case({s: i for i, s in enumerate(ReferralOutcome.values())}, value=Referral.outcome)
    columns = {
        "person": [key(Person.sort_name, nullable=False)],
        "service": [key(Service.name, nullable=False)],
        "organisation": [key(Organisation.name, nullable=False)],
        "state": [key(Referral.closed_on.is_not(None), nullable=False), key(outcome_rank)],
        "follow_up_on": [SortKey(Referral.follow_up_on.is_(None), nullable=False), key(Referral.follow_up_on)],
    }
    return columns.get(sort, []) + [key(Referral.referred_on, nullable=False), key(Referral.id, nullable=False)]


def referral_rows(session: OrmSession, *, today: dt.date, search: str = "", state: str | None = None,
                  service_id: int | None = None, organisation_id: int | None = None,
                  person_id: int | None = None, sort: str = "referred_on", descending: bool = True,
                  offset: int = 0, limit: int = 200, after: Sequence | None = None) -> Page:
    """A page of the Vermittlungen list: the rows after the sort key ``after`` (a previous
    page's ``cursor``), or else from row ``offset``."""
    ids = select(Referral.id)
    if search or sort in ("person", "service", "organisation"):
        ids = _referral_joins(ids)
    ids = _referral_filter(ids, search=search, state=state, service_id=service_id,
                           organisation_id=organisation_id, person_id=person_id, today=today)
    keys = referral_keys(sort, descending)
    page = _keyed_page(ids, keys, after=after, offset=offset, limit=limit)
    key_columns, order = _page_keys(page, keys)
    stmt = _referral_joins(
        select(Referral.id, Referral.person_id, Referral.referred_on, Referral.outcome, Referral.outcome_on,
               Referral.closed_on, Referral.follow_up_on, Referral.appointment_at, Referral.consent_id,
               Person.last_name, Person.first_name, Service.name.label("service"),
               Organisation.name.label("organisation"), *key_columns)
        .join(page, page.c.id == Referral.id)).order_by(*order)
    return _with_cursor(session.execute(stmt).all(), keys)


# --------------------------------------------------------------------------- Heute


def request_follow_up_pending():
    """A request's Wiedervorlage counts while the request is open (Heute, calendar)."""
    return Request.status.in_(OPEN_STATUSES)


def referral_follow_up_pending():
    """A referral's Nachfrage counts while the referral is "vermittelt" and not closed."""
    return and_(Referral.outcome == ReferralOutcome.REFERRED.value, Referral.closed_on.is_(None))


def due_follow_ups(session: OrmSession, today: dt.date, *, days_ahead: int = 0) -> list[tuple]:
    """Open Wiedervorlagen due by ``today + days_ahead``: (kind, id, person_id, last, first,
    what, due, note), oldest first. Kinds: "request", "referral", "task"."""
    until = today + dt.timedelta(days=days_ahead)
    req = (select(literal("request"), Request.id, Request.person_id, Person.last_name, Person.first_name,
                  Request.title, Request.follow_up_on, Request.follow_up_note)
           .join(Person, Person.id == Request.person_id)
           .where(Request.follow_up_on <= until, request_follow_up_pending()))
    ref = (select(literal("referral"), Referral.id, Referral.person_id, Person.last_name, Person.first_name,
                  (Service.name + " – " + Organisation.name), Referral.follow_up_on,
                  literal("Ist die Person angekommen?"))
           .join(Person, Person.id == Referral.person_id)
           .join(Service, Service.id == Referral.service_id)
           .join(Organisation, Organisation.id == Referral.organisation_id)
           .where(Referral.follow_up_on <= until, referral_follow_up_pending()))
    owner = Person.__table__.alias("owner")
    owner_org = Organisation.__table__.alias("owner_org")
    task = (select(literal("task"), ActionItem.id, ActionItem.owner_person_id,
                   func.coalesce(owner.c.last_name, owner_org.c.name, ActionItem.owner_text, ""),
                   owner.c.first_name, ActionItem.title, ActionItem.due_on,
                   func.coalesce("aus: " + Network.name, ActionItem.note))
            .outerjoin(owner, owner.c.id == ActionItem.owner_person_id)
            .outerjoin(owner_org, owner_org.c.id == ActionItem.owner_organisation_id)
            .outerjoin(Meeting, Meeting.id == ActionItem.meeting_id)
            .outerjoin(Network, Network.id == Meeting.network_id)
            .where(ActionItem.due_on <= until, ActionItem.done_on.is_(None)))
    rows = [tuple(r) for stmt in (req, ref, task) for r in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r[6], r[0], r[1]))


def open_request_age_buckets(session: OrmSession, today: dt.date, limits: Sequence[int]) -> list[int]:
    """Open requests per age bucket: opened at most limits[0] days ago, …, older than the last."""
    bounds = [today - dt.timedelta(days=n) for n in limits]
    counts = [func.count(Request.id).filter(Request.opened_on >= bounds[0])]
    counts += [func.count(Request.id).filter(Request.opened_on < hi, Request.opened_on >= lo)
               for hi, lo in pairwise(bounds)]
    counts.append(func.count(Request.id).filter(Request.opened_on < bounds[-1]))
    row = session.execute(select(*counts).where(Request.status.in_(OPEN_STATUSES))).one()
    return [int(n) for n in row]


def contacts_on(session: OrmSession, day: dt.date) -> Sequence:
    stmt = (select(Contact.id, Contact.person_id, Person.last_name, Person.first_name, Contact.kind,
                   Category.name.label("category"), Contact.duration_minutes, Contact.request_id)
            .join(Person, Person.id == Contact.person_id)
            .outerjoin(Category, Category.id == Contact.category_id)
            .where(Contact.date == day).order_by(Contact.id))
    return session.execute(stmt).all()


def anonymous_on(session: OrmSession, day: dt.date) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(AnonymousTally.count), 0))
                              .where(AnonymousTally.date == day)) or 0)


def next_meetings(session: OrmSession, today: dt.date, limit: int = 5) -> list[tuple]:
    """The next meetings: (id, date, start_time, location, agenda, network); ``agenda`` is the
    titles of its Tagesordnungspunkte, one per line (else the meeting's note)."""
    stmt = (select(Meeting.id, Meeting.date, Meeting.start_time, Meeting.location, Meeting.agenda,
                   Network.name.label("network"))
            .join(Network, Network.id == Meeting.network_id)
            .where(Meeting.date >= today).order_by(Meeting.date, Meeting.start_time, Meeting.id).limit(limit))
    rows = session.execute(stmt).all()
    titles: dict[int, list[str]] = {}
    for meeting_id, title in session.execute(
            select(AgendaItem.meeting_id, AgendaItem.title)
            .where(AgendaItem.meeting_id.in_([r.id for r in rows])).order_by(AgendaItem.position, AgendaItem.id)):
        titles.setdefault(meeting_id, []).append(title)
    return [(r.id, r.date, r.start_time, r.location,
             "\n".join(f"{n}. {t}" for n, t in enumerate(titles[r.id], 1)) if r.id in titles else r.agenda,
             r.network) for r in rows]


def person_search_rows(session: OrmSession, search: str, limit: int = 8) -> Sequence:
    """Quick look-up for the office-hour capture: best matches by name."""
    cond = search_condition(Person.search_text, search)
    if cond is None:
        return []
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.birth_date,
                   District.name.label("district"), Person.street)
            .outerjoin(District, District.id == Person.district_id)
            .where(cond).order_by(Person.sort_name, Person.id).limit(limit))
    return session.execute(stmt).all()


# --------------------------------------------------------------------------- one person


def contact_rows(session: OrmSession, *, person_id: int | None = None,
                 request_id: int | None = None) -> Sequence:
    """Contacts of a person or of a request, newest first, with request title and category."""
    stmt = (select(Contact.id, Contact.date, Contact.kind, Contact.duration_minutes, Contact.note,
                   Contact.request_id, Request.title.label("request_title"), Category.name.label("category"))
            .outerjoin(Request, Request.id == Contact.request_id)
            .outerjoin(Category, Category.id == Contact.category_id))
    if person_id is not None:
        stmt = stmt.where(Contact.person_id == person_id)
    if request_id is not None:
        stmt = stmt.where(Contact.request_id == request_id)
    return session.execute(stmt.order_by(Contact.date.desc(), Contact.id.desc())).all()


def person_referrals(session: OrmSession, person_id: int) -> Sequence:
    stmt = (select(Referral.id, Referral.referred_on, Referral.outcome, Referral.outcome_on, Referral.follow_up_on,
                   Referral.closed_on, Service.name.label("service"), Organisation.name.label("organisation"))
            .join(Service, Service.id == Referral.service_id)
            .join(Organisation, Organisation.id == Referral.organisation_id)
            .where(Referral.person_id == person_id).order_by(Referral.referred_on.desc(), Referral.id.desc()))
    return session.execute(stmt).all()


def person_attendances(session: OrmSession, person_id: int) -> Sequence:
    from .models import Activity, Attendance, Session

    stmt = (select(Attendance.id, Session.date, Session.start_time, Activity.name.label("activity"))
            .join(Session, Session.id == Attendance.session_id)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Attendance.person_id == person_id).order_by(Session.date.desc(), Attendance.id.desc()))
    return session.execute(stmt).all()


def volunteer_summary(session: OrmSession, person_id: int):
    from .models import Assignment, Tag, Volunteer, volunteer_tags

    v = session.execute(select(Volunteer).where(Volunteer.person_id == person_id)).scalar_one_or_none()
    if v is None:
        return None
    minutes, count = session.execute(select(func.coalesce(func.sum(Assignment.minutes), 0), func.count(Assignment.id))
                                     .where(Assignment.volunteer_id == v.id)).one()
    tags = session.execute(select(Tag.kind, Tag.name).join(volunteer_tags, volunteer_tags.c.tag_id == Tag.id)
                           .where(volunteer_tags.c.volunteer_id == v.id).order_by(Tag.kind, Tag.name)).all()
    return v, int(minutes), int(count), [tuple(t) for t in tags]

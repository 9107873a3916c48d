"""Read side of the exports: the contacts of a period, with person, request and topic, in
date order and fetched page by page (keyset paging, so the last page of 100,000 rows costs
what the first does), and the whole Personen list streamed from one statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from .listing import _last_contact, _open_requests, _person_filter, person_order, search_condition
from .models import Category, Contact, District, Person, Request


def _contact_filter(stmt, start: dt.date, end: dt.date, search: str):
    stmt = stmt.where(Contact.date >= start, Contact.date <= end)
    cond = search_condition(Person.search_text, search) if search else None
    if cond is not None:
        stmt = stmt.join(Person, Person.id == Contact.person_id).where(cond)
    return stmt


def contact_count(session: OrmSession, start: dt.date, end: dt.date, search: str = "") -> int:
    return session.scalar(_contact_filter(select(func.count(Contact.id)), start, end, search)) or 0


def contact_rows(session: OrmSession, start: dt.date, end: dt.date, search: str = "", *,
                 after: tuple[dt.date, int] | None = None, limit: int = 2000) -> Sequence:
    """Contacts dated ``start`` … ``end`` (oldest first, then by id) after the key ``after``
    (date, id) of the previous page's last row."""
    ids = _contact_filter(select(Contact.id, Contact.date), start, end, search)
    if after is not None:
        day, ident = after
        ids = ids.where(or_(Contact.date > day, and_(Contact.date == day, Contact.id > ident)))
    page = ids.order_by(Contact.date, Contact.id).limit(limit).subquery("page")
    stmt = (select(Contact.id, Contact.date, Contact.kind, Contact.duration_minutes, Contact.note,
                   Person.last_name, Person.first_name, Request.title.label("request_title"),
                   Category.name.label("category"))
            .join(page, page.c.id == Contact.id)
            .join(Person, Person.id == Contact.person_id)
            .outerjoin(Request, Request.id == Contact.request_id)
            .outerjoin(Category, Category.id == Contact.category_id)
            .order_by(Contact.date, Contact.id))
    return session.execute(stmt).all()


def person_rows(session: OrmSession, *, search: str = "", district_id: int | None = None, sort: str = "name",
                descending: bool = False, batch: int = 2000) -> Generator[Sequence, None, None]:
    """Every person of the Personen list for this filter, in exactly the list's order
    (``listing.person_rows``), as batches of ``batch`` rows (last_name, first_name,
    birth_date, district, last_contact, open_requests) from one statement: no OFFSET paging,
    no ORM rows. Iterate it while the session is open; closing the iterator ends the read."""
    last_contact = _last_contact().label("last_contact")
    open_requests = _open_requests().label("open_requests")
    order = person_order(sort, descending, last_contact, open_requests)
    stmt = _person_filter(select(Person.last_name, Person.first_name, Person.birth_date,
                                 District.name.label("district"), last_contact, open_requests)
                          .outerjoin(District, District.id == Person.district_id), search, district_id)
    result = session.connection().execute(stmt.order_by(*order))
    try:
        while rows := result.fetchmany(batch):
            yield rows
    finally:
        result.close()

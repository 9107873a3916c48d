"""Measurement aid: the query and index changes proposed for ``kuemmerer.db.listing``
(see README.md), applied *without touching src*.

``run.py --proposed`` makes a copy of the benchmark database with the indexes below
(``<name>-proposed.sqlite``) and patches the three functions into ``kuemmerer.db.listing``
for that run only, so the effect can be measured before anyone changes the application.
Once the changes are in src this file can go.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import case, func, select

from kuemmerer.db import listing as L
from kuemmerer.db.models import Category, District, Person, Request
from kuemmerer.domain.enums import RequestStatus

# (index to drop, index to create) – each new index starts with the columns of the old one,
# so every query (and every foreign-key check) the old one served is still served.
INDEXES = (
    ("ix_persons_sort_name", "CREATE INDEX ix_persons_sort_search ON persons (sort_name, id, search_text)"),
    ("ix_persons_district", "CREATE INDEX ix_persons_district_sort ON persons (district_id, sort_name, id)"),
    ("ix_requests_person", "CREATE INDEX ix_requests_person_status ON requests (person_id, status)"),
    ("ix_requests_opened", "CREATE INDEX ix_requests_opened_status ON requests (opened_on, status)"),
    ("ix_contacts_request", "CREATE INDEX ix_contacts_request_date ON contacts (request_id, date)"),
)


def make_indexed_copy(src: Path, dst: Path) -> Path:
    """``dst`` = ``src`` (SQLite backup API) with ``INDEXES`` applied; ANALYZE again if
    ``src`` had statistics, so that both files are planned alike."""
    dst.unlink(missing_ok=True)
    with closing(sqlite3.connect(src)) as a, closing(sqlite3.connect(dst, isolation_level=None)) as b:
        a.backup(b)
        b.execute("PRAGMA journal_mode=WAL")
        b.execute("BEGIN")
        for old, create in INDEXES:
            b.execute(f"DROP INDEX IF EXISTS {old}")
            b.execute(create)
        b.execute("COMMIT")
        if b.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            b.execute("ANALYZE")
    return dst


# --------------------------------------------------------------------------- queries


def person_rows(session, *, search="", district_id=None, sort="name", descending=False, offset=0, limit=200):
    direction = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    name_order = [Person.sort_name, Person.id]
    ids = select(Person.id)
    if sort == "district":
        ids = ids.outerjoin(District, District.id == Person.district_id)
        order = [District.name.is_(None), direction(District.sort_order), direction(District.name), *name_order]
    elif sort == "age":  # age ascending = birth date descending; unknown last
        order = [Person.birth_date.is_(None), (Person.birth_date.asc() if descending else Person.birth_date.desc()),
                 *name_order]
    elif sort == "last_contact":
        order = [direction(L._last_contact()).nulls_last(), *name_order]
    elif sort == "open_requests":
        order = [direction(L._open_requests()), *name_order]
    else:
        order = [direction(Person.sort_name), direction(Person.id)]
    # 1) the ids of the page, with only what filter and order need: OFFSET then skips
    #    index entries instead of joined rows with two computed subqueries each
    page = L._person_filter(ids, search, district_id).order_by(*order).offset(offset).limit(limit).subquery("page")
    # 2) the display columns and per-row figures for the rows of the page only
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.birth_date, Person.phone,
                   District.name.label("district"), L._last_contact().label("last_contact"),
                   L._open_requests().label("open_requests"))
            .join(page, page.c.id == Person.id)
            .outerjoin(District, District.id == Person.district_id)
            .order_by(*order))
    return session.execute(stmt).all()


def request_count(session, *, today, search="", status=None, category_id=None, district_id=None, follow_up=None):
    stmt = select(func.count(Request.id))
    if search or district_id is not None:  # the person only when a filter needs it
        stmt = stmt.join(Person, Person.id == Request.person_id)
    stmt = L._request_filter(stmt, search=search, status=status, category_id=category_id,
                             district_id=district_id, follow_up=follow_up, today=today)
    return session.scalar(stmt) or 0


def request_rows(session, *, today, search="", status=None, category_id=None, district_id=None,
                 follow_up=None, sort="opened_on", descending=True, offset=0, limit=200):
    direction = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    ids = select(Request.id)
    if search or district_id is not None or sort == "person":
        ids = ids.join(Person, Person.id == Request.person_id)
    if sort == "category":
        ids = ids.outerjoin(Category, Category.id == Request.category_id)
    ids = L._request_filter(ids, search=search, status=status, category_id=category_id,
                            district_id=district_id, follow_up=follow_up, today=today)
    columns = {
        "person": [direction(Person.sort_name)],
        "title": [direction(Request.search_text)],
        "category": [Category.name.is_(None), direction(Category.sort_order), direction(Category.name)],
        "status": [direction(case({s: i for i, s in enumerate(RequestStatus.values())}, value=Request.status))],
        "follow_up_on": [Request.follow_up_on.is_(None), direction(Request.follow_up_on)],
        "last_contact": [direction(L._request_last_contact()).nulls_last()],
    }
    order = columns.get(sort, [direction(Request.opened_on)]) + [direction(Request.id)]
    page = ids.order_by(*order).offset(offset).limit(limit).subquery("page")
    stmt = (select(Request.id, Request.person_id, Request.title, Request.status, Request.opened_on,
                   Request.closed_on, Request.follow_up_on, Request.follow_up_note,
                   Category.name.label("category"), Person.last_name, Person.first_name,
                   L._request_last_contact().label("last_contact"))
            .join(page, page.c.id == Request.id)
            .join(Person, Person.id == Request.person_id)
            .outerjoin(Category, Category.id == Request.category_id)
            .order_by(*order))
    return session.execute(stmt).all()


def patch_listing() -> None:
    """Use the proposed functions in ``kuemmerer.db.listing`` (for this process only)."""
    L.person_rows = person_rows
    L.request_count = request_count
    L.request_rows = request_rows

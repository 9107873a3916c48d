"""Read side of the Entwicklung tab: requests or contacts per month and per Thema or
Stadtgebiet, in one grouped query (never one query per cell)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session as OrmSession

from .models import Category, Contact, District, Person, Request

MEASURES = ("requests", "contacts")
DIMENSIONS = ("category", "district")


def monthly_counts(session: OrmSession, measure: str, dimension: str, start: dt.date, end: dt.date,
                   recent: tuple[dt.date, dt.date], before: tuple[dt.date, dt.date]) -> list[tuple]:
    """Rows ``(name or None, "YYYY-MM", count, in_recent, in_before)`` for every group and month
    with cases between ``start`` and ``end``. ``in_recent``/``in_before`` count the cases of
    the month that lie in the ``recent``/``before`` day ranges (the trend windows).

    Requests count by ``opened_on``, contacts by ``date``. Thema of a contact: its request's
    Thema, else the contact's own; Stadtgebiet: the person's (None = none stored)."""
    if measure not in MEASURES or dimension not in DIMENSIONS:
        raise ValueError(f"unknown trend {measure}/{dimension}")
    stmt: Any
    if measure == "requests":
        day = Request.opened_on
        stmt = select(Request.id).select_from(Request)
        if dimension == "category":
            stmt = stmt.outerjoin(Category, Category.id == Request.category_id)
        else:
            stmt = stmt.join(Person, Person.id == Request.person_id)
    else:
        day = Contact.date
        stmt = select(Contact.id).select_from(Contact)
        if dimension == "category":
            stmt = (stmt.outerjoin(Request, Request.id == Contact.request_id)
                    .outerjoin(Category, Category.id == func.coalesce(Request.category_id, Contact.category_id)))
        else:
            stmt = stmt.join(Person, Person.id == Contact.person_id)
    if dimension == "category":
        name: Any = Category.name
    else:
        stmt = stmt.outerjoin(District, District.id == Person.district_id)
        name = District.name
    month = func.substr(day, 1, 7)  # dates are stored as ISO text "YYYY-MM-DD"
    in_recent = func.sum(case((day.between(*recent), 1), else_=0))
    in_before = func.sum(case((day.between(*before), 1), else_=0))
    stmt = (stmt.with_only_columns(name, month, func.count(), in_recent, in_before)
            .where(day.between(start, end))
            .group_by(name, month))
    return [tuple(r) for r in session.execute(stmt).all()]


def group_names(session: OrmSession, dimension: str) -> list[tuple[str, bool]]:
    """Every Thema or Stadtgebiet in her order as ``(name, active)`` (also those without cases)."""
    model: Any = Category if dimension == "category" else District
    return [(n, bool(a)) for n, a in session.execute(select(model.name, model.active)
                                                     .order_by(model.sort_order, model.name))]

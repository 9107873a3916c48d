"""Read side of the desk: one day's Strichliste and what was captured on a day, as plain rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import literal, null, select, union_all
from sqlalchemy.orm import Session as OrmSession

from .models import AnonymousTally, Category, Contact, District, Person


def tallies_on(session: OrmSession, day: dt.date) -> Sequence:
    """The anonymous tallies dated ``day``, newest entry first, with district and Thema names."""
    stmt = (select(AnonymousTally.id, AnonymousTally.date, AnonymousTally.kind, AnonymousTally.district_id,
                   District.name.label("district"), AnonymousTally.gender, AnonymousTally.age_band,
                   AnonymousTally.category_id, Category.name.label("category"), AnonymousTally.count,
                   AnonymousTally.note, AnonymousTally.created_at)
            .outerjoin(District, District.id == AnonymousTally.district_id)
            .outerjoin(Category, Category.id == AnonymousTally.category_id)
            .where(AnonymousTally.date == day)
            .order_by(AnonymousTally.created_at.desc(), AnonymousTally.id.desc()))
    return session.execute(stmt).all()


def captures_on(session: OrmSession, day: dt.date) -> Sequence:
    """Contacts and anonymous tallies dated ``day``, newest capture first.

    Columns: ``kind_of_row`` ("contact"/"tally"), id, person_id, last_name, first_name, kind,
    category, duration_minutes, count, note, request_id, created_at.
    """
    contacts = (select(literal("contact").label("kind_of_row"), Contact.id, Contact.person_id,
                       Person.last_name, Person.first_name, Contact.kind, Category.name.label("category"),
                       Contact.duration_minutes, literal(1).label("count"), Contact.note, Contact.request_id,
                       Contact.created_at)
                .join(Person, Person.id == Contact.person_id)
                .outerjoin(Category, Category.id == Contact.category_id)
                .where(Contact.date == day))
    tallies = (select(literal("tally").label("kind_of_row"), AnonymousTally.id, null().label("person_id"),
                      null().label("last_name"), null().label("first_name"), AnonymousTally.kind,
                      Category.name.label("category"), null().label("duration_minutes"), AnonymousTally.count,
                      AnonymousTally.note, null().label("request_id"), AnonymousTally.created_at)
               .outerjoin(Category, Category.id == AnonymousTally.category_id)
               .where(AnonymousTally.date == day))
    both = union_all(contacts, tallies).subquery()
    stmt = select(both).order_by(both.c.created_at.desc(), both.c.id.desc(), both.c.kind_of_row)
    return session.execute(stmt).all()

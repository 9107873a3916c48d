"""Keeps ``Person.search_text`` (folded name, phone, e-mail) in step with the person."""

from __future__ import annotations

import re

from sqlalchemy import event

from kuemmerer.domain.rules import fold

from .models import Person


def person_search_text(person: Person) -> str:
    digits = re.sub(r"\D", "", person.phone or "")
    parts = [fold(person.first_name), fold(person.last_name), fold(person.email), digits]
    return " " + " ".join(p for p in parts if p) + " "


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _set_search_text(_mapper, _connection, target: Person) -> None:  # noqa: ANN001
    target.search_text = person_search_text(target)

"""Keeps ``Person.search_text`` (folded name, phone, e-mail) in step with the person."""

from __future__ import annotations

from sqlalchemy import event

from kuemmerer.domain.rules import fold, fold_variants, name_words, phone_digits, sort_key

from .models import Person, Request


def person_search_text(first_name: str | None, last_name: str | None, phone: str | None,
                       email: str | None) -> str:
    """Space-separated folded words (with "ue" spellings and the parts of "Al-Masri" or
    "O'Neill") and phone digits (also in national form): a search for a word prefix is
    ``LIKE '% prefix%'``. Frozen copies for migrations live in db.migrations.text_v*."""
    parts = [*name_words(first_name), *name_words(last_name), fold(email), *phone_digits(phone)]
    return " " + " ".join(p for p in parts if p) + " "


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _set_search_text(_mapper, _connection, target: Person) -> None:
    target.search_text = person_search_text(target.first_name, target.last_name, target.phone, target.email)
    target.sort_name = sort_key(target.last_name, target.first_name)


def request_search_text(title: str | None) -> str:
    return " " + " ".join(fold_variants(title)) + " "


@event.listens_for(Request, "before_insert")
@event.listens_for(Request, "before_update")
def _set_request_search_text(_mapper, _connection, target: Request) -> None:
    target.search_text = request_search_text(target.title)

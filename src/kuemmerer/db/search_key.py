"""Keeps ``Person.search_text`` (folded name, phone, e-mail) in step with the person, and
looks words up in the word index the database keeps of it (migration 0008)."""

from __future__ import annotations

import string
from typing import Any

from sqlalchemy import Select, Table, and_, event, or_, select

from kuemmerer.domain.rules import fold, fold_variants, name_words, phone_digits, sort_key

from .models import Person, Request, person_search_words, request_search_words


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


# --------------------------------------------------------------------------- the word index
#
# Migration 0008 keeps, per person and per request, every word of ``search_text`` in ONE
# spelling (``spelling_key``: ASCII lower case like SQLite's LIKE, then "ae"/"oe"/"ue" →
# "a"/"o"/"u") and every suffix of a word from each digit on. A typed word is looked up in
# that same spelling as a range of the primary key: "müller", "mueller" and "muller" all
# become "muller", so one range finds what ``LIKE '% muller%' OR LIKE '% mueller%'`` found.
# The triggers (SQL, in the migration) and the functions below must agree;
# tests/test_search_index.py checks that they do.

WORD, DIGITS = 0, 1  # kinds of index entries
SPELLING_PASSES = 3  # as PASSES in migration 0008
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def spelling_key(word: str) -> str:
    """The one spelling a (folded) word is indexed and looked up under."""
    key = word.translate(_ASCII_LOWER)
    for _ in range(SPELLING_PASSES):
        key = key.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return key


def index_entries(search_text: str | None) -> set[tuple[int, str]]:
    """(kind, word) rows the triggers of migration 0008 write for ``search_text``."""
    words = [w for w in (search_text or "").split(" ") if w]
    entries = {(WORD, spelling_key(w)) for w in words}
    entries |= {(DIGITS, w[i:]) for w in words for i, c in enumerate(w) if c in string.digits}
    return entries


def _upper_bound(prefix: str) -> str | None:
    """The least string after every string that starts with ``prefix`` (SQLite compares
    text by UTF-8 bytes, i.e. by code points); None if there is none to write."""
    last = ord(prefix[-1]) + 1
    if last == 0xD800:
        last = 0xE000  # surrogates cannot be stored
    return None if last > 0x10FFFF else prefix[:-1] + chr(last)


def _index_of(column) -> tuple[Table, Any, Any]:
    """(word table, its owner column, the owner's id) of a search_text column."""
    if column is Person.search_text:
        return person_search_words, person_search_words.c.person_id, Person.id
    if column is Request.search_text:
        return request_search_words, request_search_words.c.request_id, Request.id
    raise ValueError("no word index for this column")


def _prefix_ranges(words: Table, kind: int, prefixes: list[str]):
    ranges = []
    for prefix in prefixes:
        upper = _upper_bound(prefix)
        if upper is None:
            return None
        ranges.append(and_(words.c.word >= prefix, words.c.word < upper))
    return and_(words.c.kind == kind, or_(*ranges))


def digits_ids(column, digits: list[str]) -> Select:
    """Ids of the persons/requests (``column``: Person.search_text or Request.search_text)
    with a word of the search text that contains one of ``digits`` (strings of digits)."""
    words, owner, ident = _index_of(column)
    if not digits:
        return select(ident).correlate(None)  # nothing to look for: as before, no restriction
    if all(d.isascii() for d in digits):
        ranges = _prefix_ranges(words, DIGITS, digits)
        if ranges is not None:
            return select(owner).where(ranges)
    return select(ident).where(or_(*(column.like(f"%{d}%") for d in digits))).correlate(None)


def word_ids(column, spellings: list[str]) -> Select:
    """Ids of the persons/requests with a word of the search text that starts with the typed
    word whose folded spellings (``fold`` first, as rules.fold_variants gives them) are
    ``spellings``: one range of the index under the word's ``spelling_key``. (``LIKE`` over
    every row only for what the index cannot hold: a word that folds to two.)"""
    words, owner, ident = _index_of(column)
    key = spelling_key(spellings[0])
    if key and " " not in key:
        ranges = _prefix_ranges(words, WORD, [key])
        if ranges is not None:
            return select(owner).where(ranges)
    return (select(ident).where(or_(*(column.like(f"% {_like_escape(w)}%", escape="\\") for w in spellings)))
            .correlate(None))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

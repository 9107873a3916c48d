"""Search finds every part of a name and a phone number however it was written
(issue 8.7): "masri" finds Al-Masri, "neill" finds O'Neill, "heinz" finds Karl-Heinz,
"+49 69 …" finds "069 …" and the other way round; umlaut folding is kept."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer.db import cipher, migrate
from kuemmerer.services import listing, persons
from kuemmerer.services.listing import PersonQuery
from kuemmerer.services.workspace import open_workspace

REVISIONS = Path(__file__).parent / "data" / "revisions"


@pytest.fixture
def residents(uow):
    for last, first, phone in (("Al-Masri", "Yasmin", None), ("O'Neill", "Siobhan", None),
                               ("Schubert", "Karl-Heinz", "069 123456"),
                               ("Müller-Lüdenscheidt", "Jörg", "+49 371 55 66 77"),
                               ("Masur", "Anna", "+33 1 44 55 66"), ("Neil", "Peter", None)):
        persons.create_person(uow, last_name=last, first_name=first, phone=phone)
    return uow


def found(uow, search: str) -> set[str]:
    return {r.name for r in listing.person_page(uow, PersonQuery(search=search), 0, 1000)}


@pytest.mark.parametrize(("search", "expected"), [
    ("masri", {"Al-Masri, Yasmin"}),
    ("al-masri", {"Al-Masri, Yasmin"}),
    ("almasri", {"Al-Masri, Yasmin"}),
    ("neill", {"O'Neill, Siobhan"}),
    ("o'neill", {"O'Neill, Siobhan"}),
    ("oneill", {"O'Neill, Siobhan"}),
    ("neil", {"O'Neill, Siobhan", "Neil, Peter"}),
    ("heinz", {"Schubert, Karl-Heinz"}),
    ("karl", {"Schubert, Karl-Heinz"}),
    ("ludenscheidt", {"Müller-Lüdenscheidt, Jörg"}),
    ("luedenscheidt", {"Müller-Lüdenscheidt, Jörg"}),
    ("mueller", {"Müller-Lüdenscheidt, Jörg"}),
    ("heinz schub", {"Schubert, Karl-Heinz"}),
])
def test_every_part_of_a_name_is_found(residents, search, expected):
    assert found(residents, search) == expected


@pytest.mark.parametrize(("search", "expected"), [
    ("+49 69 123456", {"Schubert, Karl-Heinz"}),   # stored as 069 …
    ("0049 69 123456", {"Schubert, Karl-Heinz"}),
    ("069 123456", {"Schubert, Karl-Heinz"}),
    ("0371 556677", {"Müller-Lüdenscheidt, Jörg"}),  # stored as +49 371 …
    ("+49 371 556677", {"Müller-Lüdenscheidt, Jörg"}),
    ("+33 1 44", {"Masur, Anna"}),                   # not German: digits as typed
    ("+49", {"Müller-Lüdenscheidt, Jörg"}),          # not "every number with a 0"
])
def test_phone_numbers_in_national_and_international_form(residents, search, expected):
    assert found(residents, search) == expected


def test_quick_lookup_finds_name_parts_too(residents):
    assert [m.label.split(" (")[0] for m in listing.find_persons(residents, "masri")] == ["Al-Masri, Yasmin"]


def test_an_older_database_is_searchable_by_name_parts_after_the_upgrade(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copyfile(REVISIONS / "0005.sqlite", db)
    with closing(cipher.connect(db, None)) as conn, conn:  # an old revision is a plain file
        conn.execute("UPDATE persons SET last_name = 'Al-Masri', phone = '+49 371 1234' WHERE first_name = 'Ada'")
    migrate.upgrade(db, backup_dir=tmp_path / "b")
    assert migrate.head_revision() >= "0006"
    ws = open_workspace(db)
    with ws.uow(read_only=True) as uow:
        assert found(uow, "masri") == {"Al-Masri, Ada"}
        assert found(uow, "0371 1234") == {"Al-Masri, Ada"}
    ws.close()

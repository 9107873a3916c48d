"""Scrolling the Personen list to the end (issue 12 goal: 100,000 persons in ≤ 1 s): each
fetch brings only the ids of the next keyset page, and a row is filled — name, district,
age band, last contact, open requests — when it is painted. What she sees must not change:
the same rows, in the same order, with the same figures, for every sort and filter."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import QModelIndex, Qt

from kuemmerer.domain.enums import RequestStatus
from kuemmerer.services import listing, lists, persons, requests
from kuemmerer.services.listing import UNKNOWN_DISTRICT, PersonQuery
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.models import ID_ROLE, ROW_ROLE, Column, PagedModel
from kuemmerer.ui.pages.persons import PersonsPage
from tests.conftest import create_encrypted

D = dt.date
TODAY = D(2026, 6, 30)
LAST = ["Müller", "Mueller", "Özdemir", "Abel", "Zander"]
FIRST = ["Anna", "Hans", None]
BIRTH = [None, D(1950, 1, 1), D(1980, 5, 5), D(2012, 2, 3)]
DAYS = [D(2026, 1, 5), D(2026, 3, 1), D(2026, 6, 1)]
SORTS = ("name", "district", "age", "last_contact", "open_requests")  # the columns of the list, in order


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """25 persons with ties in every sort key, some without contact, request or district."""
    ws = create_encrypted(tmp_path_factory.mktemp("scroll") / "scroll.sqlite")
    rnd = random.Random(7)
    with ws.uow() as uow:
        districts = [lists.districts.create(uow, name=n, sort_order=o) for n, o in (("Kappel", 1), ("Hutholz", 2))]
        people = [persons.create_person(uow, last_name=rnd.choice(LAST), first_name=rnd.choice(FIRST),
                                        birth_date=rnd.choice(BIRTH),
                                        district_id=rnd.choice([None, *(d.id for d in districts)]),
                                        phone=rnd.choice([None, "0371 555 12 34"]))
                  for _ in range(25)]
        for i in range(20):
            who = rnd.choice(people[:15])  # the last ten have no request and no contact
            req = requests.create_request(uow, person_id=who.id, title="Mietschulden",
                                          status=rnd.choice(list(RequestStatus)), opened_on=DAYS[0])
            if i % 3:
                requests.create_contact(uow, person_id=who.id, request_id=req.id, date=rnd.choice(DAYS))
    yield ws, districts[0].id
    ws.close()


def queries(district_id: int):
    for sort in SORTS:
        for descending in (False, True):
            yield PersonQuery(sort=sort, descending=descending)
            yield PersonQuery(search="müller", sort=sort, descending=descending)
            yield PersonQuery(district_id=district_id, sort=sort, descending=descending)
            yield PersonQuery(district_id=UNKNOWN_DISTRICT, sort=sort, descending=descending)


def test_id_pages_filled_by_id_are_exactly_the_rows_of_the_full_pages_for_every_sort(world):
    ws, kappel = world
    size = 4
    with ws.uow(read_only=True) as uow:
        seen = 0
        for q in queries(kappel):
            shown = listing.person_page(uow, q, 0, 1_000, TODAY)
            ids, cursor = [], None
            while True:
                page = listing.person_ids_after(uow, q, cursor, size)
                ids += page
                if len(page) < size:
                    break
                cursor = page.cursor
            assert ids == [r.id for r in shown], q
            # filled in blocks as a paint does: the same rows, with the same figures
            filled = [row for start in range(0, len(ids), 3)
                      for row in listing.persons_by_id(uow, ids[start:start + 3], TODAY)]
            assert filled == shown, q
            seen += len(shown)
        assert seen > 250
    everyone = listing_rows(ws, PersonQuery())
    assert len(everyone) == 25
    assert sum(r.last_contact is None for r in everyone) >= 10 and sum(r.open_requests > 0 for r in everyone) >= 5
    assert sum(r.district is None for r in everyone) >= 3 and sum(r.birth_date is None for r in everyone) >= 3


def listing_rows(ws, q):
    with ws.uow(read_only=True) as uow:
        return listing.person_page(uow, q, 0, 1_000, TODAY)


def test_persons_by_id_keeps_the_order_asked_for_and_leaves_out_the_deleted(ws, kappel):
    with ws.uow() as uow:
        a = persons.create_person(uow, last_name="Abel", first_name="Anna", district_id=kappel.id)
        b = persons.create_person(uow, last_name="Zander", birth_date=D(1950, 1, 1))
        c = persons.create_person(uow, last_name="Müller")
    with ws.uow() as uow:
        persons.delete_person(uow, c.id)
    with ws.uow(read_only=True) as uow:
        rows = listing.persons_by_id(uow, [b.id, c.id, a.id], TODAY)
        assert listing.persons_by_id(uow, [], TODAY) == []
    assert [(r.id, r.name, r.district, r.age_band) for r in rows] == [
        (b.id, "Zander", None, "65 und älter"), (a.id, "Abel, Anna", "Kappel", "unbekannt")]


# --------------------------------------------------------------------------- the model


class FakeList:
    """A list of ``n`` persons as the services give it: ids by keyset, rows by id. Records
    every fill; ``gone`` are deleted after their ids were fetched."""

    def __init__(self, n: int):
        self.ids = list(range(1, n + 1))
        self.fills: list[list[int]] = []
        self.gone: set[int] = set()

    def count(self) -> int:
        return len(self.ids)

    def fetch_after(self, after, limit: int) -> listing.Page[int]:
        start = 0 if after is None else self.ids.index(after[0]) + 1
        chunk = self.ids[start:start + limit]
        return listing.Page(chunk, (chunk[-1],) if chunk else None)

    def fill(self, ids: list[int]) -> list:
        self.fills.append(list(ids))
        return [listing.PersonRow(i, f"Person {i}", None, None, "unbekannt", None, i % 3, None)
                for i in ids if i not in self.gone]


COLUMNS = [Column("Name", lambda r: r.name, sort="name"),
           Column("Offene Anliegen", lambda r: str(r.open_requests), align_right=True)]


def test_scrolling_to_the_end_fetches_ids_and_fills_only_the_rows_painted(qtmodeltester):
    fake = FakeList(5_000)
    model = PagedModel(COLUMNS, fake.count, fetch_after=fake.fetch_after, fill=fake.fill)
    model.reload()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5_000 and fake.fills == []  # no row filled while scrolling
    assert model.row_of_id(4_321) == 4_320 and model.index(4_320, 0).data(ID_ROLE) == 4_321
    assert fake.fills == []  # ids need no fill

    assert model.index(4_999, 0).data() == "Person 5000"  # the last row painted
    assert model.index(4_999, 1).data() == "2"
    assert fake.fills == [list(range(4_901, 5_001))]  # its block, in one call
    assert model.index(4_950, 0).data() == "Person 4951" and len(fake.fills) == 1
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None and len(fake.fills) == 1
    assert model.row_at(10).name == "Person 11" and model.index(10, 0).data(ROW_ROLE).id == 11
    assert fake.fills[1] == list(range(1, 101))
    assert model.data(model.index(0, 0, QModelIndex()).parent()) is None
    qtmodeltester.check(model)


def test_a_row_deleted_after_its_id_was_fetched_is_blank_not_an_error(qtmodeltester):
    fake = FakeList(300)
    model = PagedModel(COLUMNS, fake.count, fetch_after=fake.fetch_after, fill=fake.fill)
    model.reload()
    fake.gone.add(7)
    assert model.index(6, 0).data() is None and model.index(6, 0).data(ID_ROLE) == 7
    assert model.row_at(6) is None and model.row_of_id(7) == 6
    assert model.index(7, 0).data() == "Person 8"
    qtmodeltester.check(model)


# --------------------------------------------------------------------------- the page


def test_the_personen_list_scrolled_to_the_end_shows_the_same_values(qtbot, world, qtmodeltester):
    ws, _kappel = world
    ctx = AppContext(ws)
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.model.PAGE = page.model.FILL_BLOCK = 4  # several fetches and fill blocks over 25 persons
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    for column, sort in enumerate(SORTS):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            page.view.sortByColumn(column, order)
            while page.model.canFetchMore():
                page.model.fetchMore()
            page.view.scrollToBottom()
            with ws.uow(read_only=True) as uow:
                expected = listing.person_page(uow, page.query, 0, 1_000, ctx.today())
            assert page.query.sort == sort
            shown = [[page.model.index(r, c).data() for c in range(5)] for r in range(page.model.rowCount())]
            assert shown == [[col.text(row) for col in page.model.columns] for row in expected], (sort, order)
    qtmodeltester.check(page.model)

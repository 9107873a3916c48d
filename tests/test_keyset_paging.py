"""Keyset paging (issue 12 §5): the big lists fetch the page after the sort key of the last
row they have instead of skipping OFFSET rows. It must return exactly the rows OFFSET paging
returns, for every sort of every list, both directions, with ties in the sort key (same
names, same dates, NULL dates), with and without search and filters."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt

from kuemmerer.domain.enums import ReferralOutcome, RequestStatus
from kuemmerer.services import listing as ls
from kuemmerer.services import lists, partners, persons, requests
from kuemmerer.services.listing import UNKNOWN_DISTRICT, PersonQuery, ReferralQuery, RequestQuery
from kuemmerer.ui.models import Column, PagedModel
from tests.conftest import create_encrypted

D = dt.date
TODAY = D(2026, 6, 30)
SIZE = 4  # a small page: every list below has 3+ pages of it
LAST = ["Müller", "Mueller", "Schmidt", "Özdemir", "Abel", "Zander"]
FIRST = ["Anna", "Hans", None]
BIRTH = [None, D(1950, 1, 1), D(1980, 5, 5), D(2001, 2, 3)]
DAYS = [D(2026, 1, 5), D(2026, 3, 1), D(2026, 3, 1), D(2026, 6, 1)]  # same date twice as often


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One encrypted database for the whole module, with many ties and NULLs."""
    ws = create_encrypted(tmp_path_factory.mktemp("keyset") / "keyset.sqlite")
    rnd = random.Random(12)
    with ws.uow() as uow:
        districts = [lists.districts.create(uow, name=n, sort_order=o)
                     for n, o in (("Kappel", 1), ("Markersdorf", 2), ("Hutholz", 2))]  # same sort_order
        people = [persons.create_person(uow, last_name=rnd.choice(LAST), first_name=rnd.choice(FIRST),
                                        birth_date=rnd.choice(BIRTH),
                                        district_id=rnd.choice([None, *(d.id for d in districts)]),
                                        phone=rnd.choice([None, "0371 555 12 34", "0157 999 888"]))
                  for _ in range(30)]
        categories = [c.id for c in lists.list_categories(uow)][:3]
        reqs = []
        for i in range(30):
            who = rnd.choice(people[:20])  # the last ten persons have no request and no contact
            reqs.append(requests.create_request(
                uow, person_id=who.id, title=rnd.choice(["Mietschulden", "Antrag Wohngeld", "Kita-Platz"]),
                category_id=rnd.choice([None, *categories]), status=rnd.choice(list(RequestStatus)),
                opened_on=DAYS[0] if i % 2 else DAYS[1],
                follow_up_on=rnd.choice([None, None, D(2026, 7, 1), D(2026, 7, 8)])))
            if i % 3:
                requests.create_contact(uow, person_id=who.id, request_id=reqs[-1].id,
                                        date=rnd.choice(DAYS[1:]))
        services = [s.id for s in lists.list_services(uow)][:2]
        orgs = [partners.create_organisation(uow, name=n, service_ids=services)
                for n in ("Beratung Nord", "Beratung Süd", "Amt")]
        for i in range(24):
            ref = partners.create_referral(uow, person_id=rnd.choice(people).id, service_id=rnd.choice(services),
                                           organisation_id=rnd.choice(orgs).id, referred_on=rnd.choice(DAYS))
            if i % 4 == 1:
                partners.record_outcome(uow, ref.id, ReferralOutcome.ARRIVED, on=D(2026, 6, 10))
            if i % 4 == 2:
                partners.close_referral(uow, ref.id, D(2026, 6, 20))
        ids = {"district": districts[0].id, "category": categories[0], "service": services[0],
               "organisation": orgs[0].id, "person": people[0].id}
    yield ws, ids
    ws.close()


def _offset_pages(page, q):
    rows, offset = [], 0
    while more := page(q, offset, SIZE):
        rows += more
        offset += SIZE
    return rows


def _keyset_pages(page_after, q):
    rows, cursor, calls = [], None, 0
    while True:
        more = page_after(q, cursor, SIZE)
        calls += 1
        rows += more
        if len(more) < SIZE:
            return rows, calls
        assert calls < 100, "keyset paging does not come to an end"
        cursor = more.cursor


def _same_rows(uow, page, page_after, q):
    everyone = page(q, 0, 10_000)
    by_offset = _offset_pages(page, q)
    by_keyset, calls = _keyset_pages(page_after, q)
    assert [r.id for r in by_keyset] == [r.id for r in by_offset] == [r.id for r in everyone], q
    assert by_keyset == everyone  # the same rows with the same figures, not only the same ids
    assert calls == len(everyone) // SIZE + 1
    return everyone


def person_queries(ids):
    for sort in ("name", "district", "age", "last_contact", "open_requests"):
        for descending in (False, True):
            yield PersonQuery(sort=sort, descending=descending), True
            for search, district in (("müller", None), ("anna", None), ("", ids["district"]),
                                     ("", UNKNOWN_DISTRICT), ("mueller an", ids["district"]), ("0371", None)):
                yield PersonQuery(search=search, district_id=district, sort=sort, descending=descending), False


def test_person_pages_by_keyset_equal_offset_pages_for_every_sort(world):
    ws, ids = world
    with ws.uow(read_only=True) as uow:
        def page(q, offset, n):
            return ls.person_page(uow, q, offset, n, TODAY)

        def after(q, cursor, n):
            return ls.person_page_after(uow, q, cursor, n, TODAY)

        filtered_rows = 0
        for q, whole in person_queries(ids):
            rows = _same_rows(uow, page, after, q)
            if whole:
                assert len(rows) == 30 and len(rows) > 3 * SIZE
            filtered_rows += len(rows)
        assert filtered_rows > 200  # the filters find something, several pages of it
    # ties really are there: same names, same birth dates, no birth date, no district, no contact
    everyone = rows_of(world, PersonQuery())
    names = [r.name for r in everyone]
    assert len(set(names)) < len(names) - 5
    assert sum(r.birth_date is None for r in everyone) >= 3
    assert sum(r.district is None for r in everyone) >= 3
    assert sum(r.last_contact is None for r in everyone) >= 10


def rows_of(world, q):
    ws, _ids = world
    with ws.uow(read_only=True) as uow:
        return ls.person_page(uow, q, 0, 10_000, TODAY)


def request_queries(ids):
    for sort in ("opened_on", "person", "title", "category", "status", "follow_up_on", "last_contact"):
        for descending in (False, True):
            yield RequestQuery(status=None, sort=sort, descending=descending)
            yield RequestQuery(status="open", sort=sort, descending=descending)
            yield RequestQuery(status=None, search="müller", sort=sort, descending=descending)
            yield RequestQuery(status=None, search="miet", follow_up="none", sort=sort, descending=descending)
            yield RequestQuery(status=None, category_id=ids["category"], sort=sort, descending=descending)
            yield RequestQuery(status=None, district_id=ids["district"], follow_up="any", sort=sort,
                               descending=descending)


def test_request_pages_by_keyset_equal_offset_pages_for_every_sort(world):
    ws, ids = world
    with ws.uow(read_only=True) as uow:
        def page(q, offset, n):
            return ls.request_page(uow, q, offset, n, TODAY)

        def after(q, cursor, n):
            return ls.request_page_after(uow, q, cursor, n, TODAY)

        for q in request_queries(ids):
            rows = _same_rows(uow, page, after, q)
            if q.status is None and not q.search and q.category_id is None and q.district_id is None:
                assert len(rows) == 30
                assert sum(r.follow_up_on is None for r in rows) >= 5
                assert sum(r.last_contact is None for r in rows) >= 5
                assert len({r.opened_on for r in rows}) < 5


def referral_queries(ids):
    for sort in ("referred_on", "person", "service", "organisation", "state", "follow_up_on"):
        for descending in (False, True):
            yield ReferralQuery(state=None, sort=sort, descending=descending)
            yield ReferralQuery(state="open", sort=sort, descending=descending)
            yield ReferralQuery(state="closed", sort=sort, descending=descending)
            yield ReferralQuery(state=None, search="beratung", sort=sort, descending=descending)
            yield ReferralQuery(state=None, search="müller", sort=sort, descending=descending)
            yield ReferralQuery(state=None, service_id=ids["service"], organisation_id=ids["organisation"],
                                sort=sort, descending=descending)


def test_referral_pages_by_keyset_equal_offset_pages_for_every_sort(world):
    ws, ids = world
    with ws.uow(read_only=True) as uow:
        def page(q, offset, n):
            return ls.referral_page(uow, q, offset, n, TODAY)

        def after(q, cursor, n):
            return ls.referral_page_after(uow, q, cursor, n, TODAY)

        for q in referral_queries(ids):
            rows = _same_rows(uow, page, after, q)
            if q.state is None and not q.search and q.service_id is None:
                assert len(rows) == 24
                assert sum(r.follow_up_on is None for r in rows) >= 5


def test_the_page_after_a_deleted_row_still_follows_it(uow):
    """The cursor is the last row's sort key, not its position: when that row is gone (and a
    row before it), the next page still starts right after where she was — OFFSET would skip
    two persons she has not seen."""
    for i in range(12):
        persons.create_person(uow, last_name=["Abel", "Berg", "Abel"][i % 3], first_name="Anna",
                              birth_date=BIRTH[i % 4])
    q = PersonQuery(sort="age", descending=True)
    everyone = ls.person_page(uow, q, 0, 100, TODAY)
    first = ls.person_page_after(uow, q, None, SIZE, TODAY)
    assert [r.id for r in first] == [r.id for r in everyone[:SIZE]]
    persons.delete_person(uow, first[-1].id)
    persons.delete_person(uow, first[0].id)
    rest = ls.person_page_after(uow, q, first.cursor, 100, TODAY)
    assert [r.id for r in rest] == [r.id for r in everyone[SIZE:]]
    assert [r.id for r in ls.person_page(uow, q, SIZE, 100, TODAY)] == [r.id for r in everyone[SIZE + 2:]]


def test_a_cursor_of_another_sort_is_refused(world):
    ws, _ids = world
    with ws.uow(read_only=True) as uow:
        by_name = ls.person_page_after(uow, PersonQuery(), None, SIZE, TODAY)
        with pytest.raises(ValueError):
            ls.person_page_after(uow, PersonQuery(sort="age"), by_name.cursor, SIZE, TODAY)


# --------------------------------------------------------------------------- the model


class FakeList:
    """A list of numbered rows behind ``fetch_after``: records each call."""

    def __init__(self, n: int):
        self.rows = [(i, f"Zeile {i}") for i in range(n)]
        self.calls: list[tuple[object, int]] = []

    def count(self) -> int:
        return len(self.rows)

    def fetch_after(self, after, limit: int) -> ls.Page:
        self.calls.append((after, limit))
        start = 0 if after is None else after[0] + 1
        more = self.rows[start:start + limit]
        return ls.Page(more, (more[-1][0],) if more else None)


COLUMNS = [Column("Nr.", lambda r: str(r[0])), Column("Text", lambda r: r[1])]


def test_paged_model_fetches_after_the_cursor_and_in_larger_pages_further_down(qtbot, qtmodeltester):
    data = FakeList(20_000)
    model = PagedModel(COLUMNS, data.count, fetch_after=data.fetch_after)
    model.reload()
    assert data.calls == [(None, PagedModel.PAGE)]
    model.fetchMore()
    assert data.calls[-1] == ((PagedModel.PAGE - 1,), PagedModel.PAGE)  # the cursor of the last row she has
    while model.canFetchMore():
        model.fetchMore()
    assert [r[0] for r in model.rows] == list(range(20_000))  # no row twice, none left out
    sizes = [limit for _after, limit in data.calls]
    assert sizes[0] == sizes[1] == PagedModel.PAGE
    assert max(sizes) == PagedModel.MAX_PAGE and sizes == sorted(sizes)  # fetches grow as she scrolls far
    assert len(data.calls) < 20_000 // PagedModel.PAGE / 2
    loaded = 0
    for after, limit in data.calls:  # each fetch starts after the last row fetched before it
        assert after == ((loaded - 1,) if loaded else None)
        loaded += limit
    qtmodeltester.check(model)
    qtmodeltester._qt_tester = None  # the testers re-check from their reset slot: see test_gui_shell.detach_tester
    model.reload()  # a new query starts again with one page, from the start
    assert model.rowCount() == PagedModel.PAGE and data.calls[-1] == (None, PagedModel.PAGE)


def test_paged_model_without_a_cursor_uses_the_last_row(qtbot, qtmodeltester):
    rows = [(i, f"Zeile {i}") for i in range(450)]
    seen = []

    def fetch_after(after, limit):
        seen.append(after)
        start = 0 if after is None else after[0] + 1
        return rows[start:start + limit]  # a plain list: the model passes its last row

    model = PagedModel(COLUMNS, lambda: len(rows), fetch_after=fetch_after)
    model.reload()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rows == rows
    assert seen == [None, rows[199], rows[399]]
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)  # no sort callback: nothing happens
    assert model.rows == rows

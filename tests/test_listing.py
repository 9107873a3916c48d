"""The big lists (Personen, Anliegen) as the coordinator uses them: search as she
types it, filters, German order, sortable columns, paging without gaps, and the
per-row figures (last contact, open requests, age band)."""

from __future__ import annotations

import datetime as dt

import pytest

from kuemmerer.domain.enums import RequestStatus
from kuemmerer.services import listing, lists, persons, requests
from kuemmerer.services.listing import UNKNOWN_DISTRICT, PersonQuery, RequestQuery

TODAY = dt.date.today()
D = dt.date


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def person(uow, last, first=None, **kw):
    return persons.create_person(uow, last_name=last, first_name=first, **kw)


def all_persons(uow, q: PersonQuery | None = None, today=None):
    return listing.person_page(uow, q or PersonQuery(), 0, 100_000, today=today)


def names(rows) -> list[str]:
    return [r.name for r in rows]


def found(uow, search: str) -> set[str]:
    return set(names(all_persons(uow, PersonQuery(search=search))))


def district(uow, name, sort_order=0):
    return lists.districts.create(uow, name=name, sort_order=sort_order)


def category_ids(uow) -> dict[str, int]:
    return {c.name: c.id for c in lists.list_categories(uow)}


# --------------------------------------------------------------------------- search


@pytest.fixture
def residents(uow):
    kappel = district(uow, "Kappel", 1)
    markersdorf = district(uow, "Markersdorf", 2)
    return {
        "mueller": person(uow, "Müller", "Jürgen", birth_date=D(1975, 4, 3), district_id=kappel.id,
                          street="Hauptstraße 1", phone="0371 555 12 34"),
        "mueller2": person(uow, "Mueller", "Hans", district_id=markersdorf.id),
        "schmidt": person(uow, "Schmidt", "Anna", email="kontakt_as@web.de", phone="0157-999 888"),
        "kowalski": person(uow, "Kowalski", "Łukasz", district_id=kappel.id),
        "yilmaz": person(uow, "Yılmaz", "Şule", district_id=markersdorf.id),
        "nguyen": person(uow, "Nguyễn", "Văn An"),
        "keller": person(uow, "Keller", "Karl", district_id=kappel.id),
        "districts": (kappel, markersdorf),
    }


@pytest.mark.parametrize("search", ["muller", "Müller", "mueller", "MÜLLER", "mül", "Mül", "MUELLER"])
def test_umlaut_spellings_find_mueller(uow, residents, search):
    hits = found(uow, search)
    assert "Müller, Jürgen" in hits
    assert "Schmidt, Anna" not in hits and "Keller, Karl" not in hits


@pytest.mark.parametrize("search", ["müller", "Müller", "mueller"])
def test_mueller_spelled_with_ue_is_found_by_the_umlaut(uow, residents, search):
    assert {"Müller, Jürgen", "Mueller, Hans"} <= found(uow, search)


def test_words_are_prefixes_of_name_words_in_any_order(uow, residents):
    assert found(uow, "jür mül") == {"Müller, Jürgen"}
    assert found(uow, "mül jür") == {"Müller, Jürgen"}
    assert found(uow, "  jürgen   müller ") == {"Müller, Jürgen"}
    assert found(uow, "jür schmidt") == set()  # every word must match
    assert "Müller, Jürgen" not in found(uow, "ller")  # not the middle of a word
    assert found(uow, "ller") == set()  # "Keller" neither


def test_empty_search_finds_everyone(uow, residents):
    assert len(found(uow, "")) == 7
    assert len(found(uow, "   ")) == 7


@pytest.mark.parametrize("search", ["0371 555", "555", "5551234", "0371/5551234", "0371-555"])
def test_search_by_phone_digits(uow, residents, search):
    assert found(uow, search) == {"Müller, Jürgen"}


@pytest.mark.parametrize("search", ["0371 555 12 34", "555 12 34"])
def test_search_by_phone_number_as_written(uow, residents, search):
    assert found(uow, search) == {"Müller, Jürgen"}


def test_phone_digits_that_nobody_has_find_nobody(uow, residents):
    assert found(uow, "4711") == set()
    assert found(uow, "999 888") == {"Schmidt, Anna"}


def test_search_by_email(uow, residents):
    assert found(uow, "kontakt_as@web.de") == {"Schmidt, Anna"}
    assert found(uow, "Kontakt_AS@web") == {"Schmidt, Anna"}
    assert found(uow, "kontaktxas") == set()  # "_" is a character, not a wildcard
    assert found(uow, "kontakt%") == set()  # "%" likewise


@pytest.mark.parametrize(("search", "name"), [
    ("lukasz", "Kowalski, Łukasz"), ("Łukasz", "Kowalski, Łukasz"), ("LUK", "Kowalski, Łukasz"),
    ("sule", "Yılmaz, Şule"), ("Şule", "Yılmaz, Şule"), ("yilmaz", "Yılmaz, Şule"),
    ("nguyen", "Nguyễn, Văn An"), ("Nguyễn", "Nguyễn, Văn An"), ("van an", "Nguyễn, Văn An"),
])
def test_accents_and_other_scripts_fold(uow, residents, search, name):
    assert found(uow, search) == {name}


def test_quick_lookup_labels_show_birth_date_district_and_street(uow, residents):
    matches = listing.find_persons(uow, "mül jür")
    assert [m.id for m in matches] == [residents["mueller"].id]
    assert matches[0].label == "Müller, Jürgen (geb. 03.04.1975, Kappel, Hauptstraße 1)"
    bare = listing.find_persons(uow, "nguyen")
    assert bare[0].label == "Nguyễn, Văn An"
    assert listing.find_persons(uow, "") == []
    mixed = listing.find_persons(uow, "mueller")
    assert [m.name for m in mixed] == ["Mueller, Hans", "Müller, Jürgen"]  # German order, ties by first name


def test_quick_lookup_is_limited(uow):
    for i in range(12):
        person(uow, "Schulze", f"Kind{i:02d}")
    assert len(listing.find_persons(uow, "schulze")) == 8
    assert len(listing.find_persons(uow, "schulze", limit=3)) == 3


# --------------------------------------------------------------------------- filters and counts


def test_district_filter_including_unknown(uow, residents):
    kappel, markersdorf = residents["districts"]
    assert set(names(all_persons(uow, PersonQuery(district_id=kappel.id)))) == {
        "Müller, Jürgen", "Kowalski, Łukasz", "Keller, Karl"}
    assert set(names(all_persons(uow, PersonQuery(district_id=markersdorf.id)))) == {
        "Mueller, Hans", "Yılmaz, Şule"}
    assert set(names(all_persons(uow, PersonQuery(district_id=UNKNOWN_DISTRICT)))) == {
        "Schmidt, Anna", "Nguyễn, Văn An"}
    assert set(names(all_persons(uow, PersonQuery(search="mueller", district_id=markersdorf.id)))) == {
        "Mueller, Hans"}
    assert len(all_persons(uow, PersonQuery(district_id=None))) == 7


def test_count_persons_equals_the_unpaged_list_for_every_filter(uow, residents):
    kappel, markersdorf = residents["districts"]
    queries = [
        PersonQuery(),
        PersonQuery(search="müller"),
        PersonQuery(search="mül jür"),
        PersonQuery(search="555"),
        PersonQuery(search="nobody"),
        PersonQuery(district_id=kappel.id),
        PersonQuery(district_id=markersdorf.id),
        PersonQuery(district_id=UNKNOWN_DISTRICT),
        PersonQuery(search="müller", district_id=kappel.id),
        PersonQuery(search="k", district_id=kappel.id, sort="age", descending=True),
    ]
    for q in queries:
        assert listing.count_persons(uow, q) == len(all_persons(uow, q)), q


# --------------------------------------------------------------------------- German order


def test_german_order_of_last_names(uow):
    for last in ("Zander", "Peters", "Özdemir", "Olbrich", "Acker", "Äbi", "Abe", "Strauch",
                 "Straßer", "Strand", "Ullrich", "Übel", "Vogel"):
        person(uow, last)
    order = names(all_persons(uow))
    assert order.index("Olbrich") < order.index("Özdemir") < order.index("Peters")
    assert order.index("Özdemir") < order.index("Zander")
    assert order[:3] == ["Abe", "Äbi", "Acker"]
    assert order.index("Strand") < order.index("Straßer") < order.index("Strauch")
    assert order.index("Übel") < order.index("Ullrich") < order.index("Vogel")
    assert order[-1] == "Zander"


def test_strasser_and_strasser_with_eszett_sort_together(uow):
    person(uow, "Straßer", "Bernd")
    person(uow, "Strasser", "Anton")
    person(uow, "Strasser", "Carla")
    person(uow, "Strassmann", "Dora")
    assert names(all_persons(uow)) == ["Strasser, Anton", "Straßer, Bernd", "Strasser, Carla",
                                       "Strassmann, Dora"]


def test_first_name_breaks_ties_in_german_order(uow):
    person(uow, "Meier", "Zoe")
    person(uow, "Meier", "Önder")
    person(uow, "Meier", "Olga")
    person(uow, "Meier", "Paul")
    assert names(all_persons(uow)) == ["Meier, Olga", "Meier, Önder", "Meier, Paul", "Meier, Zoe"]


# --------------------------------------------------------------------------- sort keys and row values


@pytest.fixture
def sortable(uow):
    """Persons with every kind of known and unknown value for the sortable columns."""
    kappel = district(uow, "Kappel", 1)
    markersdorf = district(uow, "Markersdorf", 2)
    outside = next(d for d in lists.list_districts(uow) if d.name == "außerhalb")  # sort_order 999
    p = {
        "alt": person(uow, "Alt", "Anna", district_id=kappel.id, birth_date=D(1950, 1, 1)),
        "jung": person(uow, "Jung", "Ben", district_id=markersdorf.id, birth_date=D(2001, 5, 5)),
        "ohne": person(uow, "Ohne", "Angaben"),
        "mitte": person(uow, "Mitte", "Clara", district_id=kappel.id, birth_date=D(1985, 8, 8)),
        "fern": person(uow, "Fern", "Dieter", district_id=outside.id, birth_date=D(1970, 2, 2)),
        "oeko": person(uow, "Öko", "Emil", district_id=markersdorf.id),
    }
    c = lambda who, day, **kw: requests.create_contact(uow, person_id=p[who].id, date=day, **kw)  # noqa: E731
    r = lambda who, **kw: requests.create_request(uow, person_id=p[who].id, title="Anliegen", **kw)  # noqa: E731
    c("alt", TODAY - days(30))
    c("alt", TODAY - days(10))
    c("alt", TODAY - days(200))
    c("jung", TODAY - days(1))
    c("mitte", TODAY - days(100))
    c("fern", TODAY)
    r("alt", opened_on=TODAY - days(40))
    r("alt", opened_on=TODAY - days(20), status=RequestStatus.WAITING)
    r("alt", opened_on=TODAY - days(20), status=RequestStatus.IN_PROGRESS)
    r("alt", opened_on=TODAY - days(50), status=RequestStatus.DONE)
    r("jung", opened_on=TODAY - days(5), status=RequestStatus.DONE)
    r("jung", opened_on=TODAY - days(5), status=RequestStatus.CANCELLED)
    r("ohne", opened_on=TODAY - days(3))
    r("oeko", opened_on=TODAY - days(3))
    r("oeko", opened_on=TODAY - days(3))
    return p


def test_row_values_last_contact_and_open_requests(uow, sortable):
    rows = {r.name: r for r in all_persons(uow)}
    assert rows["Alt, Anna"].last_contact == TODAY - days(10)
    assert rows["Alt, Anna"].open_requests == 3  # offen, wartet, in Bearbeitung; not erledigt
    assert rows["Jung, Ben"].last_contact == TODAY - days(1)
    assert rows["Jung, Ben"].open_requests == 0  # erledigt and abgebrochen don't count
    assert rows["Ohne, Angaben"].last_contact is None
    assert rows["Ohne, Angaben"].open_requests == 1
    assert rows["Fern, Dieter"].last_contact == TODAY
    assert rows["Fern, Dieter"].district == "außerhalb"
    assert rows["Ohne, Angaben"].district is None
    assert rows["Mitte, Clara"].district == "Kappel"
    assert all(isinstance(r.last_contact, (dt.date, type(None))) for r in rows.values())


def test_closing_a_request_lowers_the_open_count(uow, sortable):
    req = requests.list_requests(uow, sortable["ohne"].id)[0]
    requests.set_status(uow, req.id, RequestStatus.DONE)
    row = next(r for r in all_persons(uow) if r.id == sortable["ohne"].id)
    assert row.open_requests == 0


def test_age_band_is_computed_for_the_given_day(uow):
    p = person(uow, "Geburtstag", birth_date=D(2000, 6, 15))
    person(uow, "Unbekannt")

    def band(day):
        return {r.name: r.age_band for r in all_persons(uow, today=day)}

    assert band(D(2018, 6, 14))["Geburtstag"] == "unter 18"
    assert band(D(2018, 6, 15))["Geburtstag"] == "18–29"
    assert band(D(2030, 6, 14))["Geburtstag"] == "18–29"
    assert band(D(2030, 6, 15))["Geburtstag"] == "30–54"
    assert band(D(2018, 6, 15))["Unbekannt"] == "unbekannt"
    # without a day: today
    from kuemmerer.domain.rules import age_band
    row = next(r for r in all_persons(uow) if r.id == p.id)
    assert row.age_band == age_band(D(2000, 6, 15), TODAY).label
    assert row.birth_date == D(2000, 6, 15)


def _known_then_unknown(values, *, descending, key=lambda v: v):
    """Known values in order, then every unknown one."""
    known = [v for v in values if v is not None]
    first_unknown = next((i for i, v in enumerate(values) if v is None), len(values))
    assert all(v is None for v in values[first_unknown:]), values
    assert known == sorted(known, key=key, reverse=descending), values


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_name(uow, sortable, descending):
    rows = names(all_persons(uow, PersonQuery(sort="name", descending=descending)))
    expected = ["Alt, Anna", "Fern, Dieter", "Jung, Ben", "Mitte, Clara", "Ohne, Angaben", "Öko, Emil"]
    assert rows == (expected[::-1] if descending else expected)


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_district(uow, sortable, descending):
    rows = all_persons(uow, PersonQuery(sort="district", descending=descending))
    districts = [r.district for r in rows]
    order = ["Kappel", "Markersdorf", "außerhalb"]  # the configured order (sort_order), not A–Z
    _known_then_unknown(districts, descending=descending, key=order.index)
    assert districts[-1] is None
    # within a district: by name
    kappel = [r.name for r in rows if r.district == "Kappel"]
    assert kappel == ["Alt, Anna", "Mitte, Clara"]


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_age(uow, sortable, descending):
    rows = all_persons(uow, PersonQuery(sort="age", descending=descending))
    births = [r.birth_date for r in rows]
    # youngest first when ascending by age = latest birth date first
    _known_then_unknown(births, descending=not descending)
    assert births[:4] == ([D(2001, 5, 5), D(1985, 8, 8), D(1970, 2, 2), D(1950, 1, 1)][::-1 if descending else 1])
    assert births[4:] == [None, None]


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_last_contact(uow, sortable, descending):
    rows = all_persons(uow, PersonQuery(sort="last_contact", descending=descending))
    last = [r.last_contact for r in rows]
    _known_then_unknown(last, descending=descending)
    assert last.count(None) == 2
    expected = [TODAY - days(100), TODAY - days(10), TODAY - days(1), TODAY]
    assert last[:4] == (expected[::-1] if descending else expected)


@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_open_requests(uow, sortable, descending):
    rows = all_persons(uow, PersonQuery(sort="open_requests", descending=descending))
    counts = [r.open_requests for r in rows]
    assert counts == sorted(counts, reverse=descending)
    assert (counts[0] if descending else counts[-1]) == 3
    assert rows[0 if descending else -1].name == "Alt, Anna"


# --------------------------------------------------------------------------- paging


@pytest.fixture
def crowd(uow):
    kappel = district(uow, "Kappel", 1)
    lasts = ["Özdemir", "Müller", "Mueller", "Abe", "Äbi", "Straßer", "Strasser", "Zander", "Peters",
             "Olbrich", "Nguyễn", "Łukasiewicz", "Schmidt", "Schmitt", "Schmid"]
    made = []
    for i in range(31):
        last = lasts[i % len(lasts)]
        p = person(uow, last, f"Vorname{i % 4}",  # duplicate names on purpose
                   district_id=kappel.id if i % 3 else None,
                   birth_date=D(1940 + i, 1 + i % 12, 1) if i % 5 else None)
        if i % 2:
            requests.create_contact(uow, person_id=p.id, date=TODAY - days(i % 7))
        if i % 4 == 1:
            requests.create_request(uow, person_id=p.id, title="Anliegen", opened_on=TODAY)
        made.append(p)
    return made


@pytest.mark.parametrize("sort", ["name", "district", "age", "last_contact", "open_requests"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_concatenate_to_the_full_list(uow, crowd, sort, descending):
    q = PersonQuery(sort=sort, descending=descending)
    full = [r.id for r in all_persons(uow, q)]
    assert len(full) == listing.count_persons(uow, q) == 31
    for page_size in (1, 4, 7):
        paged: list[int] = []
        offset = 0
        while True:
            page = listing.person_page(uow, q, offset, page_size)
            assert len(page) <= page_size
            if not page:
                break
            paged.extend(r.id for r in page)
            offset += page_size
        assert paged == full, page_size
        assert len(set(paged)) == len(paged) == 31


def test_pages_of_a_filtered_search(uow, crowd):
    q = PersonQuery(search="s", district_id=UNKNOWN_DISTRICT)
    full = [r.id for r in all_persons(uow, q)]
    pages = [r.id for off in range(0, 12, 3) for r in listing.person_page(uow, q, off, 3)]
    assert pages == full and len(full) == listing.count_persons(uow, q) == 4


# --------------------------------------------------------------------------- requests


@pytest.fixture
def anliegen(uow):
    cats = category_ids(uow)
    kappel = district(uow, "Kappel", 1)
    markersdorf = district(uow, "Markersdorf", 2)
    mueller = person(uow, "Müller", "Jürgen", district_id=kappel.id)
    oezdemir = person(uow, "Özdemir", "Ayşe", district_id=markersdorf.id)
    abel = person(uow, "Abel", "Ute")
    zander = person(uow, "Zander", "Max", district_id=kappel.id)

    def req(who, title, category=None, status=RequestStatus.OPEN, opened=20, follow_up=None):
        return requests.create_request(
            uow, person_id=who.id, title=title, category_id=cats[category] if category else None,
            status=status, opened_on=TODAY - days(opened),
            follow_up_on=TODAY + days(follow_up) if follow_up is not None else None)

    r = {
        "miete": req(mueller, "Mietschulden klären", "Schulden und Finanzen", follow_up=0, opened=30),
        "wohngeld": req(mueller, "Antrag Wohngeld", "Behörden und Formulare", RequestStatus.IN_PROGRESS,
                        follow_up=-3, opened=25),
        "brief": req(oezdemir, "Übersetzung Jobcenter-Brief", "Sprache und Integration",
                     RequestStatus.WAITING, follow_up=7, opened=10),
        "kita": req(oezdemir, "Kita-Platz", "Familie und Kinder", follow_up=8, opened=5),
        "streit": req(abel, "Nachbarschaftsstreit", "Wohnung und Nachbarschaft", RequestStatus.DONE,
                      opened=60),
        "strom": req(abel, "Stromsperre", "Schulden und Finanzen", RequestStatus.CANCELLED, opened=50),
        "rente": req(abel, "Formular Rente", None, opened=1),
        "wohnung": req(zander, "Wohnungssuche", "Wohnung und Nachbarschaft", opened=2),
    }
    requests.create_contact(uow, person_id=mueller.id, request_id=r["miete"].id, date=TODAY - days(4))
    requests.create_contact(uow, person_id=mueller.id, request_id=r["miete"].id, date=TODAY - days(9))
    return {"r": r, "cats": cats, "kappel": kappel, "markersdorf": markersdorf,
            "persons": {"mueller": mueller, "oezdemir": oezdemir, "abel": abel, "zander": zander}}


def all_requests(uow, q: RequestQuery, today=None):
    return listing.request_page(uow, q, 0, 100_000, today=today)


def titles(uow, q: RequestQuery, today=None) -> set[str]:
    return {r.title for r in all_requests(uow, q, today)}


def keys(data, *names) -> set[str]:
    return {data["r"][n].title for n in names}


def test_request_status_filters(uow, anliegen):
    a = anliegen
    assert titles(uow, RequestQuery()) == keys(a, "miete", "wohngeld", "brief", "kita", "rente", "wohnung")
    assert titles(uow, RequestQuery(status="open")) == titles(uow, RequestQuery())  # "open" is the default
    assert titles(uow, RequestQuery(status="closed")) == keys(a, "streit", "strom")
    assert titles(uow, RequestQuery(status="wartet")) == keys(a, "brief")
    assert titles(uow, RequestQuery(status=RequestStatus.IN_PROGRESS.value)) == keys(a, "wohngeld")
    assert titles(uow, RequestQuery(status="abgebrochen")) == keys(a, "strom")
    assert len(all_requests(uow, RequestQuery(status=None))) == 8


def test_request_category_and_district_filters(uow, anliegen):
    a = anliegen
    debts = a["cats"]["Schulden und Finanzen"]
    assert titles(uow, RequestQuery(status=None, category_id=debts)) == keys(a, "miete", "strom")
    assert titles(uow, RequestQuery(status="open", category_id=debts)) == keys(a, "miete")
    assert titles(uow, RequestQuery(status=None, district_id=a["kappel"].id)) == keys(
        a, "miete", "wohngeld", "wohnung")
    assert titles(uow, RequestQuery(status=None, district_id=a["markersdorf"].id)) == keys(a, "brief", "kita")
    assert titles(uow, RequestQuery(status=None, district_id=UNKNOWN_DISTRICT)) == keys(
        a, "streit", "strom", "rente")


def test_district_filter_follows_the_persons_current_district(uow, anliegen):
    a = anliegen
    persons.update_person(uow, a["persons"]["zander"].id, district_id=a["markersdorf"].id)
    assert titles(uow, RequestQuery(status=None, district_id=a["markersdorf"].id)) == keys(
        a, "brief", "kita", "wohnung")


@pytest.mark.parametrize(("follow_up", "expected"), [
    ("due", {"miete", "wohngeld"}),
    ("overdue", {"wohngeld"}),
    ("week", {"miete", "wohngeld", "brief"}),
    ("any", {"miete", "wohngeld", "brief", "kita"}),
    ("none", {"streit", "strom", "rente", "wohnung"}),
    (None, {"miete", "wohngeld", "brief", "kita", "streit", "strom", "rente", "wohnung"}),
])
def test_request_follow_up_filters(uow, anliegen, follow_up, expected):
    q = RequestQuery(status=None, follow_up=follow_up)
    assert titles(uow, q, today=TODAY) == keys(anliegen, *expected)
    assert listing.count_requests(uow, q, today=TODAY) == len(expected)


def test_follow_up_filters_are_relative_to_the_given_day(uow, anliegen):
    a = anliegen
    later = TODAY + days(8)
    assert titles(uow, RequestQuery(follow_up="due"), today=later) == keys(a, "miete", "wohngeld", "brief", "kita")
    assert titles(uow, RequestQuery(follow_up="overdue"), today=later) == keys(a, "miete", "wohngeld", "brief")
    earlier = TODAY - days(3)
    assert titles(uow, RequestQuery(follow_up="due"), today=earlier) == keys(a, "wohngeld")
    assert titles(uow, RequestQuery(follow_up="overdue"), today=earlier) == set()
    assert titles(uow, RequestQuery(follow_up="week"), today=earlier) == keys(a, "miete", "wohngeld")


def test_closing_a_request_removes_its_follow_up(uow, anliegen):
    a = anliegen
    requests.set_status(uow, a["r"]["miete"].id, RequestStatus.DONE)
    assert titles(uow, RequestQuery(status=None, follow_up="due"), today=TODAY) == keys(a, "wohngeld")


@pytest.mark.parametrize(("search", "expected"), [
    ("wohngeld", {"wohngeld"}),
    ("Mietschulden", {"miete"}),
    ("miet", {"miete"}),
    ("jobcenter", {"brief"}),
    ("Übersetzung", {"brief"}),
    ("kita", {"kita"}),
    ("antrag miete", set()),
    ("antrag wohngeld", {"wohngeld"}),
    ("müller", {"miete", "wohngeld"}),
    ("mueller", {"miete", "wohngeld"}),
    ("jür mül", {"miete", "wohngeld"}),
    ("ozdemir", {"brief", "kita"}),
    ("Ayşe", {"brief", "kita"}),
    ("abel", {"streit", "strom", "rente"}),
    ("wohnung", {"wohnung"}),
    ("niemand", set()),
])
def test_request_search_by_title_words_and_person_name(uow, anliegen, search, expected):
    q = RequestQuery(status=None, search=search)
    assert titles(uow, q) == keys(anliegen, *expected)
    assert listing.count_requests(uow, q) == len(expected)


@pytest.mark.parametrize("search", ["übersetzung", "ubersetzung"])
def test_request_search_by_title_word_with_umlaut(uow, anliegen, search):
    """Titles are folded like names (SQLite's LIKE alone is case-blind for ASCII only)."""
    assert titles(uow, RequestQuery(status=None, search=search)) == keys(anliegen, "brief")


def test_request_search_combined_with_filters(uow, anliegen):
    a = anliegen
    assert titles(uow, RequestQuery(status="open", search="abel")) == keys(a, "rente")
    assert titles(uow, RequestQuery(status="closed", search="abel")) == keys(a, "streit", "strom")


def test_request_rows_show_person_category_status_label_and_last_contact(uow, anliegen):
    rows = {r.title: r for r in all_requests(uow, RequestQuery(status=None))}
    miete = rows["Mietschulden klären"]
    assert miete.person_name == "Müller, Jürgen"
    assert miete.person_id == anliegen["persons"]["mueller"].id
    assert miete.category == "Schulden und Finanzen"
    assert miete.status_label == "offen"
    assert miete.follow_up_on == TODAY
    assert miete.last_contact == TODAY - days(4)
    assert rows["Übersetzung Jobcenter-Brief"].status_label == "wartet auf Rückmeldung"
    assert rows["Formular Rente"].category is None
    assert rows["Formular Rente"].last_contact is None
    streit = rows["Nachbarschaftsstreit"]
    assert streit.status == "erledigt" and streit.closed_on is not None and streit.follow_up_on is None


@pytest.mark.parametrize("descending", [False, True])
def test_request_sort_by_person_in_german_order(uow, anliegen, descending):
    rows = all_requests(uow, RequestQuery(status=None, sort="person", descending=descending))
    people = [r.person_name.split(",")[0] for r in rows]
    expected = ["Abel"] * 3 + ["Müller"] * 2 + ["Özdemir"] * 2 + ["Zander"]
    assert people == (expected[::-1] if descending else expected)


@pytest.mark.parametrize("descending", [False, True])
def test_request_sort_by_follow_up_with_empty_last(uow, anliegen, descending):
    rows = all_requests(uow, RequestQuery(status=None, sort="follow_up_on", descending=descending))
    dates = [r.follow_up_on for r in rows]
    _known_then_unknown(dates, descending=descending)
    assert dates[:4] == sorted([TODAY - days(3), TODAY, TODAY + days(7), TODAY + days(8)], reverse=descending)
    assert dates[4:] == [None] * 4


@pytest.mark.parametrize("descending", [False, True])
def test_request_sort_by_opened_on(uow, anliegen, descending):
    rows = all_requests(uow, RequestQuery(status=None, sort="opened_on", descending=descending))
    opened = [r.opened_on for r in rows]
    assert opened == sorted(opened, reverse=descending)


@pytest.mark.parametrize("descending", [False, True])
def test_request_sort_by_last_contact_with_empty_last(uow, anliegen, descending):
    rows = all_requests(uow, RequestQuery(status=None, sort="last_contact", descending=descending))
    _known_then_unknown([r.last_contact for r in rows], descending=descending)
    assert rows[0].title == "Mietschulden klären"


@pytest.mark.parametrize("descending", [False, True])
def test_request_sort_by_status_follows_the_workflow(uow, anliegen, descending):
    rows = all_requests(uow, RequestQuery(status=None, sort="status", descending=descending))
    order = list(RequestStatus.values())
    statuses = [order.index(r.status) for r in rows]
    assert statuses == sorted(statuses, reverse=descending)


def test_request_sort_by_title_in_german_order(uow, anliegen):
    """"Übersetzung" sorts with U, not after Z (SQLite's lower() leaves umlauts alone)."""
    rows = all_requests(uow, RequestQuery(status=None, sort="title", descending=False))
    got = [r.title for r in rows]
    assert got.index("Stromsperre") < got.index("Übersetzung Jobcenter-Brief") < got.index("Wohnungssuche")


@pytest.mark.parametrize("sort", ["opened_on", "person", "title", "category", "status", "follow_up_on",
                                  "last_contact"])
@pytest.mark.parametrize("descending", [False, True])
def test_request_pages_concatenate_and_count_matches(uow, anliegen, sort, descending):
    q = RequestQuery(status=None, sort=sort, descending=descending)
    full = [r.id for r in all_requests(uow, q)]
    paged = [r.id for off in range(0, 12, 3) for r in listing.request_page(uow, q, off, 3)]
    assert paged == full and len(set(full)) == len(full) == listing.count_requests(uow, q) == 8


def test_count_requests_matches_the_list_for_every_filter(uow, anliegen):
    a = anliegen
    debts = a["cats"]["Schulden und Finanzen"]
    for q in [
        RequestQuery(), RequestQuery(status="closed"), RequestQuery(status=None),
        RequestQuery(status="wartet"), RequestQuery(category_id=debts, status=None),
        RequestQuery(district_id=a["kappel"].id), RequestQuery(district_id=UNKNOWN_DISTRICT, status=None),
        RequestQuery(follow_up="due"), RequestQuery(follow_up="none", status=None),
        RequestQuery(search="müller", follow_up="overdue"), RequestQuery(search="wohnung", status=None),
    ]:
        assert listing.count_requests(uow, q, today=TODAY) == len(all_requests(uow, q, today=TODAY)), q


def test_request_search_mixes_name_and_title_words(uow):
    p = persons.create_person(uow, last_name="Müller", first_name="Jürgen")
    other = persons.create_person(uow, last_name="Schmidt")
    requests.create_request(uow, person_id=p.id, title="Mietschulden beim Vermieter")
    requests.create_request(uow, person_id=p.id, title="Kindergeld")
    requests.create_request(uow, person_id=other.id, title="Mietschulden")
    rows = listing.request_page(uow, listing.RequestQuery(search="müller miet", status=None), 0, 50)
    assert [r.title for r in rows] == ["Mietschulden beim Vermieter"]

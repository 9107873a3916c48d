"""Reading her old lists (issue 15), the pure rules: headers, kind of list, names, genders,
postcodes, dates and Excel serial days. Any cell gives a value or a German ValueError."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuemmerer.domain import import_rules as r

TODAY = dt.date(2026, 12, 6)


def test_headers_are_matched_whatever_their_case_spacing_or_synonym():
    headers = [" Familienname ", "VORNAME", "Geb.-Datum", "Ortsteil", "Tel.", "Mail", "Lieblingsfarbe", "Name"]
    mapping, unknown = r.match_headers(headers, "persons")
    assert mapping == {0: "last_name", 1: "first_name", 2: "birth_date", 3: "district", 4: "phone", 5: "email",
                       7: "name"}
    assert unknown == [6]
    assert r.match_headers(["Nachname", "Familienname"], "persons") == ({0: "last_name"}, [1])  # the first wins
    assert r.field_of("Kategorie", "contacts") == "category" and r.field_of("Anliegen", "contacts") == "category"
    assert r.field_of("Handy", "persons") == "phone" and r.field_of("Geburtstag", "persons") == "birth_date"
    assert r.field_of("Quartier", "persons") == "district" and r.field_of("Stadtteil", "persons") == "district"


def test_the_kind_of_list_is_recognised_from_its_headers():
    assert r.guess_kind(["Name", "Vorname", "Geburtsdatum", "Straße", "PLZ"]) == "persons"
    assert r.guess_kind(["Datum", "Nachname", "Vorname", "Thema", "Dauer"]) == "contacts"
    assert r.guess_kind(["Nachname", "Vorname", "Fähigkeiten", "Sprachen", "seit"]) == "volunteers"
    assert r.guess_kind(["Name", "Art", "Angebote", "Anschrift", "Öffnungszeiten"]) == "partners"
    assert r.field_of("Name", "partners") == "org_name" and r.field_of("Art", "partners") == "org_kind"
    assert r.layout_key(["Name ", "Geb.-Datum"]) == r.layout_key(["name", "Geb Datum"])


@pytest.mark.parametrize(("text", "expected"), [
    ("Müller, Karin", ("Müller", "Karin")), ("  Müller ,  Karin ", ("Müller", "Karin")),
    ("Karin Müller", ("Müller", "Karin")), ("Anna Maria Schulz", ("Schulz", "Anna Maria")),
    ("Müller", ("Müller", None)), ("Müller,", ("Müller", None)),
])
def test_a_name_in_one_column_is_split_sensibly(text, expected):
    assert r.split_name(text) == expected


@pytest.mark.parametrize("text", ["", "   ", ", Karin", None])
def test_a_missing_name_is_a_german_error(text):
    with pytest.raises(ValueError, match=r"Name|Nachname"):
        r.split_name(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("w", "weiblich"), ("W", "weiblich"), ("weiblich", "weiblich"), ("Frau", "weiblich"), ("Frau Dr.", "weiblich"),
    ("m", "maennlich"), ("Herr", "maennlich"), ("männlich", "maennlich"), ("d", "divers"), ("divers", "divers"),
    ("", "keine_angabe"), ("k. A.", "keine_angabe"), (None, "keine_angabe"),
])
def test_genders_in_their_usual_spellings(text, expected):
    assert r.parse_gender(text) == expected


def test_an_unknown_gender_is_refused_in_german():
    with pytest.raises(ValueError, match="kein Geschlecht"):
        r.parse_gender("Hund")


def test_postcodes_stay_text_with_their_leading_zero():
    assert r.postcode(9123) == "09123" and r.postcode("09123") == "09123" and r.postcode(9123.0) == "09123"
    assert r.postcode(" ") is None
    with pytest.raises(ValueError, match="Postleitzahl"):
        r.postcode("0912A")


@pytest.mark.parametrize(("value", "expected"), [
    ("12.03.1955", dt.date(1955, 3, 12)), ("1.2.55", dt.date(1955, 2, 1)), ("1955-03-12", dt.date(1955, 3, 12)),
    (dt.datetime(1970, 5, 6, 0, 0), dt.date(1970, 5, 6)), (45000, dt.date(2023, 3, 15)), ("45000", dt.date(2023, 3, 15)),
    ("", None), (None, None),
])
def test_dates_as_text_excel_dates_or_serial_days(value, expected):
    assert r.parse_date(value, today=TODAY, kind=r.DateKind.BIRTH) == expected


@pytest.mark.parametrize("value", ["31.02.1980", "gestern früh", "1980-02-31", True, -3])
def test_a_bad_date_is_a_german_error(value):
    with pytest.raises(ValueError) as err:
        r.parse_date(value, today=TODAY, kind=r.DateKind.BIRTH)
    assert str(err.value) and "Traceback" not in str(err.value)


def test_birth_year_and_lists():
    assert r.birth_from_year("1957") == dt.date(1957, 1, 1) and r.birth_from_year(1957) == dt.date(1957, 1, 1)
    assert r.split_list("Kochen, Nähen; kochen / Fahrrad") == ["Kochen", "Nähen", "Fahrrad"]
    with pytest.raises(ValueError, match="Geburtsjahr"):
        r.birth_from_year("57")


cells = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**12, 10**12),
                  st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                  st.datetimes(min_value=dt.datetime(1, 1, 1)), st.dates())


@given(cells)
def test_any_cell_gives_a_value_or_a_german_value_error(value):
    for parse in (r.split_name, r.parse_gender, r.postcode, r.birth_from_year, r.split_list, r.clean,
                  lambda v: r.parse_date(v, today=TODAY, kind=r.DateKind.BIRTH)):
        message = "ok"
        try:
            parse(value)
        except ValueError as exc:
            message = str(exc)  # a message to show at the row
        assert message


@given(st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers()), max_size=12))
def test_any_header_row_gives_a_mapping(headers):
    kind = r.guess_kind(headers)
    mapping, unknown = r.match_headers(headers, kind)
    assert sorted([*mapping, *unknown]) == list(range(len(headers)))
    assert len(set(mapping.values())) == len(mapping)

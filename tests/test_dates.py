"""Dates as Germans type them: one parser (domain.dates) for every date field and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuemmerer.domain.dates import (
    BAD_FORMAT,
    BAD_FORMAT_BIRTH,
    BAD_FORMAT_FUTURE,
    NEEDS_BIRTH_YEAR,
    NOT_IN_FUTURE,
    YEAR_DIGITS,
    YEAR_RANGE,
    DateError,
    DateKind,
    parse_german_date,
)
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import activities, persons, requests, validation
from kuemmerer.services.validation import Form

D = dt.date
B, N, F = DateKind.BIRTH, DateKind.ORDINARY, DateKind.FUTURE_ALLOWED  # birth, normal, future
WINTER = D(2026, 12, 2)
SILVESTER = D(2026, 12, 31)
NEUJAHR = D(2027, 1, 1)

CASES = [
    # ---- the forms she types
    (WINTER, N, "16.12.2026", D(2026, 12, 16)),
    (WINTER, N, "  16.12.2026\t", D(2026, 12, 16)),
    (WINTER, N, "6.1.2026", D(2026, 1, 6)),
    (WINTER, N, "16. 12. 2026", D(2026, 12, 16)),
    (WINTER, N, "06.01.26", D(2026, 1, 6)),
    (WINTER, N, "6.1.26", D(2026, 1, 6)),
    (WINTER, N, "16.12.", D(2026, 12, 16)),
    (WINTER, N, "16.12", D(2026, 12, 16)),
    (WINTER, N, "1.1.", D(2026, 1, 1)),
    (WINTER, N, "2026-12-16", D(2026, 12, 16)),
    (WINTER, N, "2026-1-6", D(2026, 1, 6)),
    (WINTER, N, "", None),
    (WINTER, N, "   ", None),
    # ---- two-digit years: nearest today (any date but a birth date)
    (WINTER, N, "12.03.55", D(2055, 3, 12)),
    (WINTER, N, "12.03.80", D(1980, 3, 12)),
    (WINTER, N, "12.03.00", D(2000, 3, 12)),
    (WINTER, F, "12.03.55", D(2055, 3, 12)),
    (D(2050, 6, 15), N, "1.1.99", D(2099, 1, 1)),
    (D(2050, 6, 15), N, "1.1.01", D(2001, 1, 1)),
    # ---- relative words
    (WINTER, N, "heute", WINTER),
    (WINTER, N, "Heute", WINTER),
    (WINTER, N, "gestern", D(2026, 12, 1)),
    (WINTER, N, "vorgestern", D(2026, 11, 30)),
    (WINTER, N, "-3", D(2026, 11, 29)),
    (WINTER, N, "morgen", NOT_IN_FUTURE),
    (WINTER, N, "+14", NOT_IN_FUTURE),
    (WINTER, F, "heute", WINTER),
    (WINTER, F, "morgen", D(2026, 12, 3)),
    (WINTER, F, "übermorgen", D(2026, 12, 4)),
    (WINTER, F, "Übermorgen", D(2026, 12, 4)),
    (WINTER, F, "uebermorgen", D(2026, 12, 4)),
    (WINTER, F, "+14", D(2026, 12, 16)),
    (WINTER, F, "+ 14", D(2026, 12, 16)),
    (WINTER, F, "-3", D(2026, 11, 29)),
    (WINTER, F, "+0", WINTER),
    (WINTER, F, "+99999", YEAR_RANGE),
    (WINTER, F, "-999999", YEAR_RANGE),
    # ---- days that do not exist: said so, not "wrong format"
    (WINTER, N, "31.02.2027", "Den 31.02.2027 gibt es nicht: Der Februar 2027 hat 28 Tage."),
    (WINTER, N, "29.02.2027", "Den 29.02.2027 gibt es nicht: Der Februar 2027 hat 28 Tage."),
    (WINTER, N, "29.02.2028", D(2028, 2, 29)),
    (WINTER, N, "29.02.", "Den 29.02.2026 gibt es nicht: Der Februar 2026 hat 28 Tage."),
    (WINTER, N, "31.04.2026", "Den 31.04.2026 gibt es nicht: Der April hat 30 Tage."),
    (WINTER, N, "32.01.2026", "Den 32.01.2026 gibt es nicht: Der Januar hat 31 Tage."),
    (WINTER, N, "0.1.2026", "Den 00.01.2026 gibt es nicht: Der Januar hat 31 Tage."),
    (WINTER, N, "1.13.2026", "Den 01.13.2026 gibt es nicht: Ein Jahr hat 12 Monate."),
    (WINTER, N, "2027-02-31", "Den 31.02.2027 gibt es nicht: Der Februar 2027 hat 28 Tage."),
    # ---- 1900–2200 only
    (WINTER, N, "1.1.1900", D(1900, 1, 1)),
    (WINTER, N, "31.12.2200", D(2200, 12, 31)),
    (WINTER, N, "31.12.1899", YEAR_RANGE),
    (WINTER, N, "1.1.2201", YEAR_RANGE),
    (WINTER, N, "0001-01-01", YEAR_RANGE),
    (WINTER, N, "9999-12-31", YEAR_RANGE),
    (WINTER, N, "31.02.1899", YEAR_RANGE),
    (WINTER, N, "12.3.955", YEAR_DIGITS),
    (WINTER, N, "12.3.19555", YEAR_DIGITS),
    (WINTER, N, "12.3.2", YEAR_DIGITS),
    # ---- not a date at all
    (WINTER, N, "bald", BAD_FORMAT),
    (WINTER, N, "16/12/2026", BAD_FORMAT),
    (WINTER, N, "16.12.2026.", BAD_FORMAT),
    (WINTER, N, "2026-12", BAD_FORMAT),
    (WINTER, N, "1.2.3.4", BAD_FORMAT),
    (WINTER, N, "١٦.١٢.٢٠٢٦", BAD_FORMAT),  # Arabic-Indic digits
    (WINTER, F, "nächste Woche", BAD_FORMAT_FUTURE),
    # ---- birth dates: the century that puts the date in the past; a year is needed
    (WINTER, B, "12.03.55", D(1955, 3, 12)),
    (WINTER, B, "12.03.1955", D(1955, 3, 12)),
    (WINTER, B, "1955-03-12", D(1955, 3, 12)),
    (WINTER, B, "01.01.26", D(2026, 1, 1)),
    (WINTER, B, "02.12.26", D(2026, 12, 2)),
    (WINTER, B, "03.12.26", D(1926, 12, 3)),
    (WINTER, B, "29.02.00", D(2000, 2, 29)),
    (WINTER, B, "16.12.", NEEDS_BIRTH_YEAR),
    (WINTER, B, "heute", BAD_FORMAT_BIRTH),
    (WINTER, B, "+14", BAD_FORMAT_BIRTH),
    (WINTER, B, "x", BAD_FORMAT_BIRTH),
    (WINTER, B, "31.12.1899", YEAR_RANGE),
    (WINTER, B, "31.02.55", "Den 31.02.1955 gibt es nicht: Der Februar 1955 hat 28 Tage."),
    # ---- around New Year
    (SILVESTER, N, "1.1.", D(2026, 1, 1)),
    (SILVESTER, F, "morgen", NEUJAHR),
    (SILVESTER, F, "+1", NEUJAHR),
    (SILVESTER, N, "1.1.27", NEUJAHR),
    (SILVESTER, B, "1.1.27", D(1927, 1, 1)),
    (SILVESTER, B, "31.12.26", SILVESTER),
    (NEUJAHR, N, "gestern", SILVESTER),
    (NEUJAHR, N, "-1", SILVESTER),
    (NEUJAHR, N, "31.12.", D(2027, 12, 31)),
    (NEUJAHR, N, "31.12.26", SILVESTER),
    (NEUJAHR, B, "31.12.26", SILVESTER),
    (NEUJAHR, B, "2.1.27", D(1927, 1, 2)),
    (NEUJAHR, B, "1.1.27", NEUJAHR),
]


@pytest.mark.parametrize(("today", "kind", "text", "expected"), CASES,
                         ids=[f"{k.value}-{t:%d.%m.}-{x!r}" for t, k, x, _e in CASES])
def test_german_date_table(today, kind, text, expected):
    if isinstance(expected, str):
        with pytest.raises(DateError) as info:
            parse_german_date(text, today=today, kind=kind)
        assert str(info.value) == expected
    else:
        assert parse_german_date(text, today=today, kind=kind) == expected


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=14),
                      st.text(alphabet="0123456789.-+ heutmorgnübvs", max_size=12)),
       kind=st.sampled_from(list(DateKind)),
       today=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_any_text_gives_a_date_in_range_or_a_german_message(text, kind, today):
    try:
        day = parse_german_date(text, today=today, kind=kind)
    except DateError as exc:
        message = str(exc)
    else:
        assert day is None or D(1900, 1, 1) <= day <= D(2200, 12, 31)
        return
    assert message[0].isupper() and message.endswith(".")


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.text(max_size=14), st.integers(), st.floats(), st.none(),
                       st.dates(), st.lists(st.integers(), max_size=2)),
       not_future=st.booleans())
def test_form_date_gives_a_date_or_a_field_error_never_another_exception(value, not_future):
    form = Form({"day": value})
    day = form.date("day", not_future=not_future)
    assert set(form.errors) <= {"day"}
    assert day is None or D(1900, 1, 1) <= day <= D(2200, 12, 31)
    if day is None and value is not None and str(value).strip() != "":
        assert form.errors["day"]


# --------------------------------------------------------------------------- through the services


@pytest.fixture
def winter(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: WINTER)
    return WINTER


def test_birth_date_with_two_digit_year_is_in_the_past(uow, winter):
    p = persons.create_person(uow, last_name="Testperson", birth_date="12.03.55")
    assert persons.get_person(uow, p.id).birth_date == D(1955, 3, 12)


def test_follow_up_accepts_plus_days_and_words(uow, winter):
    p = persons.create_person(uow, last_name="Testperson")
    r = requests.create_request(uow, person_id=p.id, title="Miete", follow_up_on="+14")
    assert requests.get_request(uow, r.id).follow_up_on == D(2026, 12, 16)
    r = requests.set_follow_up(uow, r.id, "übermorgen")
    assert r.follow_up_on == D(2026, 12, 4)


def test_a_contact_on_a_day_that_does_not_exist_names_the_day(uow, winter):
    p = persons.create_person(uow, last_name="Testperson")
    with pytest.raises(ValidationError) as info:
        requests.create_contact(uow, person_id=p.id, date="31.02.2026")
    assert info.value.errors == {"date": "Den 31.02.2026 gibt es nicht: Der Februar 2026 hat 28 Tage."}
    assert requests.list_contacts(uow) == []


def test_a_contact_cannot_be_dated_tomorrow_by_word(uow, winter):
    p = persons.create_person(uow, last_name="Testperson")
    with pytest.raises(ValidationError) as info:
        requests.create_contact(uow, person_id=p.id, date="morgen")
    assert info.value.errors == {"date": "Das Datum darf nicht in der Zukunft liegen."}
    c = requests.create_contact(uow, person_id=p.id, date="gestern")
    assert c.date == D(2026, 12, 1)


@pytest.mark.parametrize("day", [D(1899, 12, 31), D(2201, 1, 1), "1.1.1850", "0001-01-01", D(1, 1, 1)])
def test_services_refuse_dates_outside_1900_to_2200_also_as_date_objects(uow, winter, day):
    p = persons.create_person(uow, last_name="Testperson")
    act = activities.create_activity(uow, name="Spieleabend")
    with pytest.raises(ValidationError) as info:
        requests.record_anonymous(uow, date=day)
    assert info.value.errors == {"date": YEAR_RANGE}
    with pytest.raises(ValidationError) as info:
        activities.create_session(uow, activity_id=act.id, date=day)
    assert info.value.errors == {"date": YEAR_RANGE}
    with pytest.raises(ValidationError) as info:
        persons.update_person(uow, p.id, birth_date=day)
    assert info.value.errors == {"birth_date": YEAR_RANGE}
    assert requests.list_contacts(uow) == [] and activities.list_sessions(uow, act.id) == []


def test_session_dates_may_be_planned_with_plus_days(uow, winter):
    act = activities.create_activity(uow, name="Spieleabend")
    s = activities.create_session(uow, activity_id=act.id, date="+7")
    assert s.date == D(2026, 12, 9)


# --------------------------------------------------------------------------- the date field


@pytest.mark.gui
def test_date_field_shows_the_full_date_after_leaving_it_and_keeps_what_it_cannot_read(qtbot, winter):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QApplication, QLineEdit

    from kuemmerer.ui.widgets import DateField, FieldForm
    from tests.gui_helpers import type_text

    form = FieldForm()
    birth = form.add("birth_date", "Geburtsdatum", DateField())
    follow = form.add("follow_up_on", "Wiedervorlage", DateField())
    loose = DateField()  # no kind and in no form: completes only what reads the same either way
    form.add("note", "Notiz", QLineEdit())
    form.form.addRow("lose", loose)
    qtbot.addWidget(form)
    assert (birth.kind, follow.kind, loose.kind) == (B, F, None)

    def leave(field, text):
        field.edit.clear()
        type_text(field.edit, text)
        # she moves on to the next field (offscreen windows get no real focus)
        QApplication.sendEvent(field.edit, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
        return field.edit.text()

    assert leave(birth, "12.03.55") == "12.03.1955"
    assert leave(birth, "16.12.") == "16.12."  # a birth date needs a year: the service says so
    assert leave(follow, "16.12.") == "16.12.2026"
    assert leave(follow, "+14") == "16.12.2026"
    assert leave(follow, " übermorgen ") == "04.12.2026"
    assert leave(follow, "31.02.2027") == "31.02.2027"
    assert leave(follow, "bald") == "bald"
    assert leave(loose, "1.2.2026") == "01.02.2026"
    assert leave(loose, "12.03.55") == "12.03.55"
    assert follow.date() is None and birth.date() is None and loose.date() is None

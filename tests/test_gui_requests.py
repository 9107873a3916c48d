"""Anliegen with the real widgets: the filters of the RequestsPage narrow the table as the
services count; the detail shows the history of contacts and sets status and
Wiedervorlage; the Contact and Request dialogs write what she typed. Every write is
checked in the database afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kuemmerer.domain.enums import RequestStatus
from kuemmerer.services import listing, lists, persons, requests
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.request import ContactDialog, RequestDialog
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.requests import RequestsPage
from tests.gui_helpers import choose, click, click_row, days, de, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


TODAY = dt.date.today()
BAD_DATE = "Bitte ein Datum wie 16.12.2026 eingeben (oder heute, morgen, +14)."


# --------------------------------------------------------------------------- helpers


def shown_ids(page: RequestsPage) -> set[int]:
    return {page.model.data(page.model.index(r, 0), ID_ROLE) for r in range(page.model.rowCount())}


def get_request(ws, ident: int):
    with ws.uow(read_only=True) as uow:
        return requests.get_request(uow, ident)


def service_count(ws, **query) -> int:
    with ws.uow(read_only=True) as uow:
        return listing.count_requests(uow, listing.RequestQuery(**query), TODAY)


@pytest.fixture
def data(ws, kappel):
    """Two persons and seven requests in every status, topic and Wiedervorlage state."""
    with ws.uow() as uow:
        cats = {c.name: c.id for c in lists.list_categories(uow)}
        debts, housing = cats["Schulden und Finanzen"], cats["Wohnung und Nachbarschaft"]
        krause = persons.create_person(uow, last_name="Krause", first_name="Jana", district_id=kappel.id)
        oezdemir = persons.create_person(uow, last_name="Özdemir", first_name="Ayşe")

        def req(who, title, *, status=None, category=None, follow_up=None, opened=30):
            r = requests.create_request(uow, person_id=who.id, title=title, category_id=category,
                                        opened_on=TODAY - days(opened),
                                        follow_up_on=TODAY + days(follow_up) if follow_up is not None else None,
                                        follow_up_note="nachfragen" if follow_up is not None else None)
            if status:
                r = requests.set_status(uow, r.id, status)
            return r.id

        ids = {
            "due": req(krause, "Mietschulden", category=debts, follow_up=0),
            "overdue": req(krause, "Wohngeld", status="in_bearbeitung", category=housing, follow_up=-3),
            "week": req(oezdemir, "Kita-Platz", status="wartet", follow_up=5),
            "later": req(oezdemir, "Sprachkurs", follow_up=30),
            "none": req(krause, "Stromsperre", category=debts),
            "done": req(krause, "Formular Rente", status="erledigt", category=debts),
            "cancelled": req(oezdemir, "Umzug", status="abgebrochen", category=housing),
        }
        requests.create_contact(uow, person_id=krause.id, request_id=ids["due"], date=TODAY - days(20),
                                kind="sprechzeit", duration_minutes=30, note="Erstgespräch, Mahnung mitgebracht")
        requests.create_contact(uow, person_id=krause.id, request_id=ids["due"], date=TODAY - days(5),
                                kind="telefon")
        requests.create_contact(uow, person_id=krause.id, request_id=ids["none"], date=TODAY - days(2),
                                note="gehört nicht zu den Mietschulden")
    return {"ids": ids, "debts": debts, "housing": housing, "krause": krause, "oezdemir": oezdemir,
            "kappel": kappel}


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def page(qtbot, ctx, data):
    p = RequestsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    qtbot.waitExposed(p)
    return p


def select(qtbot, page: RequestsPage, request_id: int) -> None:
    row = page.model.row_of_id(request_id)
    assert row >= 0, "request not in the list"
    click_row(qtbot, page.view, row)
    assert page.detail.request is not None and page.detail.request.id == request_id


# --------------------------------------------------------------------------- filters


def test_the_list_starts_with_the_open_requests(ws, page, data):
    ids = data["ids"]
    assert shown_ids(page) == {ids[k] for k in ("due", "overdue", "week", "later", "none")}
    assert page.model.total == service_count(ws) == 5
    assert page.count_label.text() == "5 Anliegen"


@pytest.mark.parametrize(("status", "expected"), [
    ("open", {"due", "overdue", "week", "later", "none"}),
    ("offen", {"due", "later", "none"}),
    ("in_bearbeitung", {"overdue"}),
    ("wartet", {"week"}),
    ("erledigt", {"done"}),
    ("abgebrochen", {"cancelled"}),
    ("closed", {"done", "cancelled"}),
    (None, {"due", "overdue", "week", "later", "none", "done", "cancelled"}),
])
def test_status_filter_narrows_the_table(ws, page, data, status, expected):
    choose(page.status, status)
    assert shown_ids(page) == {data["ids"][k] for k in expected}
    assert page.model.total == service_count(ws, status=status) == len(expected)
    assert page.count_label.text() == f"{len(expected)} Anliegen"
    labels = {page.model.index(r, 4).data() for r in range(page.model.rowCount())}
    if status in RequestStatus.values():
        assert labels == {RequestStatus(status).label}


def test_category_filter_narrows_the_table(ws, page, data):
    ids = data["ids"]
    choose(page.status, None)
    choose(page.category, data["debts"])
    assert shown_ids(page) == {ids["due"], ids["none"], ids["done"]}
    assert page.model.total == service_count(ws, status=None, category_id=data["debts"]) == 3
    assert {page.model.index(r, 3).data() for r in range(page.model.rowCount())} == {"Schulden und Finanzen"}
    choose(page.status, "open")  # both filters at once
    assert shown_ids(page) == {ids["due"], ids["none"]}
    assert page.model.total == service_count(ws, status="open", category_id=data["debts"]) == 2
    choose(page.category, None)
    assert page.model.total == 5


@pytest.mark.parametrize(("follow_up", "expected"), [
    ("due", {"due", "overdue"}),
    ("overdue", {"overdue"}),
    ("week", {"due", "overdue", "week"}),
    ("any", {"due", "overdue", "week", "later"}),
    ("none", {"none"}),
    (None, {"due", "overdue", "week", "later", "none"}),
])
def test_follow_up_filter_narrows_the_table(ws, page, data, follow_up, expected):
    choose(page.follow_up, follow_up)
    assert shown_ids(page) == {data["ids"][k] for k in expected}
    assert page.model.total == service_count(ws, follow_up=follow_up) == len(expected)
    assert page.count_label.text() == f"{len(expected)} Anliegen"


def test_district_filter_and_search_narrow_the_table(qtbot, ws, page, data):
    ids = data["ids"]
    choose(page.district, data["kappel"].id)
    assert shown_ids(page) == {ids["due"], ids["overdue"], ids["none"]}
    assert page.model.total == service_count(ws, district_id=data["kappel"].id)
    choose(page.district, listing.UNKNOWN_DISTRICT)
    assert shown_ids(page) == {ids["week"], ids["later"]}
    choose(page.district, None)
    type_text(page.search, "özd")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=2000)
    assert shown_ids(page) == {ids["week"], ids["later"]}
    assert {page.model.index(r, 1).data() for r in range(page.model.rowCount())} == {"Özdemir, Ayşe"}


def test_set_filters_as_called_from_heute_shows_the_due_requests(page, data):
    page.set_filters(status="open", follow_up="due")
    assert page.follow_up.currentData() == "due" and page.status.currentData() == "open"
    assert shown_ids(page) == {data["ids"]["due"], data["ids"]["overdue"]}


# --------------------------------------------------------------------------- detail


def test_selecting_a_request_shows_its_history_with_german_dates(qtbot, page, data):
    ids = data["ids"]
    assert page.detail.request is None and not page.detail.status.isEnabled()
    select(qtbot, page, ids["due"])
    header = page.detail.header.text()
    assert "Mietschulden" in header and "Jana Krause" in header and "Schulden und Finanzen" in header
    assert f"begonnen am {de(TODAY - days(30))}" in header
    text = page.detail.timeline.toPlainText()
    assert de(TODAY - days(20)) in text and de(TODAY - days(5)) in text
    assert "Erstgespräch, Mahnung mitgebracht" in text and "30 Min." in text
    assert "ohne Notiz" in text  # the phone call without a note
    assert "gehört nicht zu den Mietschulden" not in text  # a contact of another request
    assert text.index(de(TODAY - days(5))) < text.index(de(TODAY - days(20)))  # newest first
    assert page.detail.status.currentData() == "offen"
    assert page.detail.follow_up.text() == de(TODAY)
    assert page.detail.follow_up_note.text() == "nachfragen"
    # another row: the detail follows
    select(qtbot, page, ids["later"])
    assert "Noch keine Kontakte" in page.detail.timeline.toPlainText()


def test_setting_the_status_to_done_writes_status_and_closing_date(qtbot, ws, page, data):
    ident = data["ids"]["due"]
    select(qtbot, page, ident)
    choose(page.detail.status, "erledigt")  # saved when picked: nothing to lose by forgetting a button
    r = get_request(ws, ident)
    assert r.status == "erledigt" and r.closed_on == TODAY
    assert r.follow_up_on is None  # nothing to follow up on a closed request
    # the open list no longer shows it; the header names the closing date
    assert ident not in shown_ids(page)
    choose(page.status, "erledigt")
    select(qtbot, page, ident)
    assert f"abgeschlossen am {de(TODAY)}" in page.detail.header.text()
    assert not page.detail.follow_up_button.isEnabled()
    # and reopened
    choose(page.detail.status, "in_bearbeitung")
    r = get_request(ws, ident)
    assert r.status == "in_bearbeitung" and r.closed_on is None


def test_setting_and_clearing_the_follow_up(qtbot, ws, page, data):
    ident = data["ids"]["none"]
    select(qtbot, page, ident)
    assert page.detail.follow_up.text() == "" and not page.detail.follow_up_clear.isEnabled()
    day = TODAY + days(14)
    type_text(page.detail.follow_up.edit, de(day))
    type_text(page.detail.follow_up_note, "Bescheid da? Anrufen")
    click(qtbot, page.detail.follow_up_button)
    r = get_request(ws, ident)
    assert (r.follow_up_on, r.follow_up_note) == (day, "Bescheid da? Anrufen")
    assert not page.detail.error.isVisible()
    assert page.detail.follow_up.text() == de(day)  # shown again after the reload
    row = page.model.row_of_id(ident)
    assert page.model.index(row, 5).data() == de(day)

    click(qtbot, page.detail.follow_up_clear)
    r = get_request(ws, ident)
    assert (r.follow_up_on, r.follow_up_note) == (None, None)
    assert page.detail.follow_up.text() == ""


@pytest.mark.parametrize(("typed", "message"), [
    ("31.02.2030", "Den 31.02.2030 gibt es nicht: Der Februar 2030 hat 28 Tage."),
    ("bald", BAD_DATE),
    ("", "Bitte ein Datum für die Wiedervorlage eingeben."),
])
def test_an_invalid_follow_up_shows_the_german_error_and_writes_nothing(qtbot, ws, page, data, typed, message):
    ident = data["ids"]["due"]
    select(qtbot, page, ident)
    before = get_request(ws, ident)
    page.detail.follow_up.edit.clear()
    type_text(page.detail.follow_up.edit, typed)
    click(qtbot, page.detail.follow_up_button)
    assert page.detail.error.isVisible()
    assert page.detail.error.text() == message
    assert get_request(ws, ident) == before
    assert page.detail.follow_up.text() == typed  # what she typed stays to be corrected


# --------------------------------------------------------------------------- dialogs


def test_contact_dialog_adds_a_contact_linked_to_the_request(qtbot, ws, ctx, page, data):
    ident = data["ids"]["due"]
    select(qtbot, page, ident)
    seen = {}

    def fill_and_save(dialog):
        seen["dialog"] = dialog
        dialog.show()
        dialog.date.edit.clear()
        type_text(dialog.date.edit, de(TODAY - days(1)))
        choose(dialog.kind, "hausbesuch")
        dialog.duration.setValue(45)
        type_text(dialog.note, "Unterlagen für die Schuldnerberatung zusammengestellt")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        return dialog.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ContactDialog, "exec", fill_and_save)
        click(qtbot, page.detail.contact_button)

    assert seen["dialog"].result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        contacts = requests.list_contacts(uow, request_id=ident)
    assert len(contacts) == 3
    new = contacts[-1]
    assert (new.date, new.kind, new.duration_minutes, new.note, new.person_id, new.request_id) == (
        TODAY - days(1), "hausbesuch", 45, "Unterlagen für die Schuldnerberatung zusammengestellt",
        data["krause"].id, ident)
    assert new.category_id == data["debts"]  # "(wie das Anliegen)"
    # the history shows it at once
    text = page.detail.timeline.toPlainText()
    assert de(TODAY - days(1)) in text and "Unterlagen für die Schuldnerberatung" in text and "45 Min." in text


def test_contact_before_the_request_began_is_refused_at_the_date(qtbot, ws, ctx, data):
    ident = data["ids"]["due"]
    d = ContactDialog(ctx, data["krause"].id, "Krause, Jana", request_id=ident, request_title="Mietschulden")
    qtbot.addWidget(d)
    d.show()
    assert d.date.text() == de(TODAY)  # today is filled in
    d.date.edit.clear()
    type_text(d.date.edit, de(TODAY - days(40)))
    type_text(d.note, "zu früh")
    qtbot.keyClick(d.date.edit, Qt.Key.Key_Return)
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert d.form.error_text("date") == f"Das Anliegen beginnt erst am {de(TODAY - days(30))}."
    with ws.uow(read_only=True) as uow:
        assert len(requests.list_contacts(uow, request_id=ident)) == 2


def test_contact_dialog_without_a_request_writes_a_contact_of_the_person(qtbot, ws, ctx, data):
    d = ContactDialog(ctx, data["oezdemir"].id, "Özdemir, Ayşe")
    qtbot.addWidget(d)
    d.show()
    choose(d.kind, "telefon")
    choose(d.category, data["housing"])
    type_text(d.note, "Rückruf wegen Wohnungssuche")
    d.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert d.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow, person_id=data["oezdemir"].id)
    assert (c.date, c.kind, c.request_id, c.category_id, c.duration_minutes) == (
        TODAY, "telefon", None, data["housing"], None)


def test_request_dialog_creates_a_request_that_the_list_shows(qtbot, ws, ctx, page, data):
    d = RequestDialog(ctx, data["oezdemir"].id, "Özdemir, Ayşe")
    qtbot.addWidget(d)
    d.show()
    assert d.opened_on.text() == de(TODAY)
    type_text(d.title_edit, "Widerspruch Jobcenter-Bescheid")
    choose(d.category, data["debts"])
    type_text(d.follow_up_on.edit, de(TODAY + days(7)))
    type_text(d.follow_up_note, "Frist prüfen")
    type_text(d.description, "Bescheid vom März, Rückforderung über 312 €")
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted

    with ws.uow(read_only=True) as uow:
        mine = [r for r in requests.list_requests(uow, person_id=data["oezdemir"].id)
                if r.title == "Widerspruch Jobcenter-Bescheid"]
    (r,) = mine
    assert (r.status, r.category_id, r.opened_on, r.follow_up_on, r.follow_up_note, r.description) == (
        "offen", data["debts"], TODAY, TODAY + days(7), "Frist prüfen",
        "Bescheid vom März, Rückforderung über 312 €")
    assert d.saved is not None and d.saved.id == r.id
    assert r.id in shown_ids(page)  # the page heard the change
    assert page.count_label.text() == "6 Anliegen"


def test_request_dialog_without_title_shows_the_error_and_writes_nothing(qtbot, ws, ctx, data):
    before = service_count(ws, status=None)
    d = RequestDialog(ctx, data["oezdemir"].id, "Özdemir, Ayşe")
    qtbot.addWidget(d)
    d.show()
    type_text(d.follow_up_on.edit, "32.01.2030")
    qtbot.keyClick(d.title_edit, Qt.Key.Key_Return)
    assert d.form.error_text("title") == "Bitte ausfüllen."
    assert d.form.error_text("follow_up_on") == "Den 32.01.2030 gibt es nicht: Der Januar hat 31 Tage."
    assert d.isVisible()
    assert service_count(ws, status=None) == before


def test_editing_a_request_from_the_detail_writes_the_change(qtbot, ws, page, data):
    ident = data["ids"]["later"]
    select(qtbot, page, ident)

    def edit_and_save(dialog):
        assert dialog.title_edit.text() == "Sprachkurs"
        dialog.title_edit.selectAll()
        type_text(dialog.title_edit, "Sprachkurs B1")
        choose(dialog.status, "wartet")
        dialog._save()
        return dialog.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RequestDialog, "exec", edit_and_save)
        click(qtbot, page.detail.edit_button)
    r = get_request(ws, ident)
    assert (r.title, r.status, r.follow_up_on) == ("Sprachkurs B1", "wartet", TODAY + days(30))
    assert "Sprachkurs B1" in page.detail.header.text()

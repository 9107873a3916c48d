"""Personen with the real widgets: the PersonDialog writes (or, on wrong input, does not
write) a person; the PersonsPage finds, filters, sorts, shows and deletes them.
Every check of a write looks into the database through the services afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from kuemmerer.domain.errors import NotFound
from kuemmerer.services import listing, persons, requests
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.person import PersonDialog
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.persons import PersonsPage
from kuemmerer.ui.widgets import GuardedDialog
from tests.gui_helpers import choose, click_row, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


TODAY = dt.date.today()
BAD_DATE = "Den 31.02.1980 gibt es nicht: Der Februar 1980 hat 29 Tage."


# --------------------------------------------------------------------------- helpers


def person_count(ws) -> int:
    with ws.uow(read_only=True) as uow:
        return listing.count_persons(uow, listing.PersonQuery())


def all_persons(ws):
    with ws.uow(read_only=True) as uow:
        return persons.list_persons(uow)


def add_person(ws, last, first=None, **kw):
    with ws.uow() as uow:
        return persons.create_person(uow, last_name=last, first_name=first, **kw)


def names(page: PersonsPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def page(qtbot, ctx):
    p = PersonsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.fixture
def new_dialog(qtbot, ctx):
    d = PersonDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.fixture
def discard_answers(monkeypatch):
    """Replace the "discard changes?" question; returns the list of recorded calls."""
    calls: list[bool] = []
    answer = {"value": False}

    def fake(parent):
        calls.append(answer["value"])
        return answer["value"]

    monkeypatch.setattr(GuardedDialog, "confirm_discard", staticmethod(fake))
    return calls, answer


def save_button(dialog: GuardedDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def click_header(qtbot, view, section: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


# --------------------------------------------------------------------------- creating


def test_new_person_saved_with_the_button_is_in_the_list_and_in_the_database(qtbot, ws, kappel, ctx, page,
                                                                             new_dialog):
    d = new_dialog
    type_text(d.last_name, "Özdemir")
    type_text(d.first_name, "Ayşe")
    type_text(d.birth_date.edit, "03.04.1975")
    choose(d.district, kappel.id)
    choose(d.gender, "weiblich")
    type_text(d.street, "Gartenstraße 5")
    qtbot.keyClicks(d.postcode, "09116")
    qtbot.keyClicks(d.phone, "0371 123456")
    qtbot.keyClicks(d.email, "ayse@example.org")
    assert d.is_dirty()

    qtbot.mouseClick(save_button(d), Qt.MouseButton.LeftButton)

    assert d.result() == QDialog.DialogCode.Accepted and not d.isVisible()
    (p,) = all_persons(ws)
    assert (p.last_name, p.first_name, p.birth_date, p.district_id, p.gender) == \
        ("Özdemir", "Ayşe", dt.date(1975, 4, 3), kappel.id, "weiblich")
    assert (p.street, p.postcode, p.phone, p.email) == ("Gartenstraße 5", "09116", "0371 123456", "ayse@example.org")
    assert d.saved is not None and d.saved.id == p.id
    # the page heard the change and lists the new person
    assert page.model.total == 1
    assert page.model.data(page.model.index(0, 0), ID_ROLE) == p.id
    assert names(page) == ["Özdemir, Ayşe"]
    assert page.model.index(0, 1).data() == "Kappel"
    assert page.count_label.text() == "1 Person"


def test_enter_in_a_field_saves_the_new_person(qtbot, ws, ctx, page, new_dialog):
    type_text(new_dialog.last_name, "Weiß")
    qtbot.keyClick(new_dialog.last_name, Qt.Key.Key_Return)
    assert new_dialog.result() == QDialog.DialogCode.Accepted
    assert [p.last_name for p in all_persons(ws)] == ["Weiß"]
    assert names(page) == ["Weiß"]


def test_new_person_button_on_the_page_opens_the_dialog_and_selects_the_saved_person(qtbot, ws, page,
                                                                                    monkeypatch):
    add_person(ws, "Adler")

    def fake_exec(dialog):
        type_text(dialog.last_name, "Zimmermann")
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", fake_exec)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert person_count(ws) == 2
    assert page.detail.overview is not None and page.detail.overview.person.last_name == "Zimmermann"
    assert page.current_id() == page.detail.overview.person.id


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("field", "fill", "message"), [
    ("last_name", {"first_name": "Anna"}, "Bitte ausfüllen."),
    ("birth_date", {"last_name": "Krause", "birth_date": "31.02.1980"}, BAD_DATE),
    ("email", {"last_name": "Krause", "email": "krause@"},
     "Das sieht nicht wie eine E-Mail-Adresse aus (name@beispiel.de)."),
    ("postcode", {"last_name": "Krause", "postcode": "09l16"}, "Die Postleitzahl besteht nur aus Ziffern."),
])
def test_wrong_input_shows_the_german_message_at_the_field_and_writes_nothing(qtbot, ws, new_dialog, field,
                                                                             fill, message):
    add_person(ws, "Vorhanden")
    d = new_dialog
    for name, text in fill.items():
        widget = d.form.fields[name]
        type_text(widget.edit if name == "birth_date" else widget, text)
    qtbot.mouseClick(save_button(d), Qt.MouseButton.LeftButton)

    assert d.form.error_text(field) == message
    assert d.form.errors[field].isVisible()
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert person_count(ws) == 1
    # nothing typed is lost, and the other fields have no error
    for name, text in fill.items():
        widget = d.form.fields[name]
        assert (widget.text() if hasattr(widget, "text") else None) == text
    assert all(d.form.error_text(n) == "" for n in d.form.fields if n != field)
    # the cursor is put into the field with the error
    assert QApplication.focusWidget() in (d.form.fields[field], getattr(d.form.fields[field], "edit", None))


def test_error_goes_away_when_the_input_is_corrected(qtbot, ws, new_dialog):
    d = new_dialog
    type_text(d.last_name, "Krause")
    type_text(d.birth_date.edit, "31.02.1980")
    qtbot.keyClick(d.last_name, Qt.Key.Key_Return)
    assert d.form.error_text("birth_date") == BAD_DATE
    assert person_count(ws) == 0
    d.birth_date.edit.clear()
    type_text(d.birth_date.edit, "28.02.1980")
    qtbot.keyClick(d.last_name, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted
    (p,) = all_persons(ws)
    assert p.birth_date == dt.date(1980, 2, 28)


def test_future_birth_date_is_refused(qtbot, ws, new_dialog):
    type_text(new_dialog.last_name, "Krause")
    type_text(new_dialog.birth_date.edit, (TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y"))
    qtbot.mouseClick(save_button(new_dialog), Qt.MouseButton.LeftButton)
    assert new_dialog.form.error_text("birth_date") != ""
    assert person_count(ws) == 0


# --------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize("answer", [False, True])
def test_same_name_and_birth_date_asks_before_creating_a_second_person(qtbot, ws, new_dialog, monkeypatch, answer):
    existing = add_person(ws, "Müller", "Jürgen", birth_date=dt.date(1975, 4, 3))
    asked = []

    def fake(parent, similar):
        asked.append([p.id for p in similar])
        return answer

    monkeypatch.setattr(PersonDialog, "confirm_duplicate", staticmethod(fake))
    d = new_dialog
    type_text(d.last_name, "Müller")
    type_text(d.first_name, "Jürgen")
    type_text(d.birth_date.edit, "03.04.1975")
    qtbot.mouseClick(save_button(d), Qt.MouseButton.LeftButton)

    assert asked == [[existing.id]]
    if answer:
        assert d.result() == QDialog.DialogCode.Accepted
        assert [p.full_name for p in all_persons(ws)] == ["Jürgen Müller", "Jürgen Müller"]
    else:
        assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
        assert [p.id for p in all_persons(ws)] == [existing.id]
        assert d.last_name.text() == "Müller"  # the input is still there
        assert d.birth_date.text() == "03.04.1975"


def test_same_name_with_another_birth_date_does_not_ask(qtbot, ws, new_dialog, monkeypatch):
    add_person(ws, "Müller", "Jürgen", birth_date=dt.date(1975, 4, 3))
    asked = []
    monkeypatch.setattr(PersonDialog, "confirm_duplicate", staticmethod(lambda p, s: asked.append(s) or False))
    type_text(new_dialog.last_name, "Müller")
    type_text(new_dialog.first_name, "Jürgen")
    type_text(new_dialog.birth_date.edit, "03.04.1985")
    qtbot.keyClick(new_dialog.first_name, Qt.Key.Key_Return)
    assert asked == []
    assert person_count(ws) == 2


# --------------------------------------------------------------------------- discarding


def test_esc_on_a_dirty_dialog_asks_and_keeps_it_open_when_she_wants_to_go_on(qtbot, ws, new_dialog,
                                                                            discard_answers):
    calls, answer = discard_answers
    d = new_dialog
    type_text(d.last_name, "Schäfer")
    answer["value"] = False
    qtbot.keyClick(d.last_name, Qt.Key.Key_Escape)
    assert calls == [False]
    assert d.isVisible()
    assert d.last_name.text() == "Schäfer"
    assert person_count(ws) == 0
    # the cancel button asks as well
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert calls == [False, False] and d.isVisible()
    # she can still save what she typed (back in the field, Enter)
    qtbot.mouseClick(d.last_name, Qt.MouseButton.LeftButton)
    qtbot.keyClick(d.last_name, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted
    assert [p.last_name for p in all_persons(ws)] == ["Schäfer"]


def test_esc_on_a_dirty_dialog_closes_without_writing_when_she_discards(qtbot, ws, new_dialog, discard_answers):
    calls, answer = discard_answers
    type_text(new_dialog.last_name, "Schäfer")
    answer["value"] = True
    qtbot.keyClick(new_dialog.last_name, Qt.Key.Key_Escape)
    assert calls == [True]
    assert not new_dialog.isVisible()
    assert new_dialog.result() == QDialog.DialogCode.Rejected
    assert person_count(ws) == 0


def test_a_clean_dialog_closes_without_asking(qtbot, ws, new_dialog, discard_answers):
    calls, _ = discard_answers
    qtbot.keyClick(new_dialog.last_name, Qt.Key.Key_Escape)
    assert calls == []
    assert not new_dialog.isVisible()
    assert person_count(ws) == 0


def test_a_dialog_opened_for_editing_is_clean_until_she_types(qtbot, ws, ctx, discard_answers):
    p = add_person(ws, "Krause", "Jana", birth_date=dt.date(1990, 1, 2))
    calls, _ = discard_answers
    d = PersonDialog(ctx, p)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.last_name.text() == "Krause" and d.birth_date.text() == "02.01.1990"
    assert not d.is_dirty()
    qtbot.keyClick(d.last_name, Qt.Key.Key_Escape)
    assert calls == [] and not d.isVisible()


def test_closing_the_window_of_a_dirty_dialog_asks_once(qtbot, ws, new_dialog, discard_answers):
    calls, answer = discard_answers
    type_text(new_dialog.last_name, "Schäfer")
    answer["value"] = False
    new_dialog.close()
    assert new_dialog.isVisible()
    assert len(calls) == 1
    answer["value"] = True
    new_dialog.close()
    assert not new_dialog.isVisible()
    assert len(calls) == 2, "closing the window should ask once, not twice"
    assert person_count(ws) == 0


def test_editing_a_person_writes_the_change(qtbot, ws, ctx, page):
    p = add_person(ws, "Krause", "Jana")
    page.reload()
    d = PersonDialog(ctx, p, parent=page)
    qtbot.addWidget(d)
    d.show()
    d.last_name.selectAll()
    type_text(d.last_name, "Krüger")
    qtbot.keyClick(d.last_name, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        assert persons.get_person(uow, p.id).last_name == "Krüger"
    assert names(page) == ["Krüger, Jana"]


# --------------------------------------------------------------------------- the list


@pytest.fixture
def name_variants(ws):
    return {n: add_person(ws, n).id for n in ("Müller", "Mueller", "Maier")}


def test_search_with_umlaut_narrows_the_list_to_both_spellings(qtbot, page, name_variants):
    page.reload()
    assert page.model.total == 3
    type_text(page.search, "müller")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=2000)
    assert sorted(names(page)) == ["Mueller", "Müller"]
    assert page.count_label.text() == "2 Personen"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 3, timeout=2000)
    assert page.count_label.text() == "3 Personen"


def test_search_without_umlaut_finds_mueller(qtbot, page, name_variants):
    page.reload()
    qtbot.keyClicks(page.search, "muller")
    qtbot.waitUntil(lambda: page.model.total < 3, timeout=2000)
    assert "Müller" in names(page) and "Maier" not in names(page)
    assert page.count_label.text() == f"{page.model.total} {'Person' if page.model.total == 1 else 'Personen'}"


def test_search_muller_finds_mueller_spelled_with_ue(qtbot, page, name_variants):
    page.reload()
    qtbot.keyClicks(page.search, "muller")
    qtbot.waitUntil(lambda: page.model.total < 3, timeout=2000)
    assert sorted(names(page)) == ["Mueller", "Müller"]
    assert page.count_label.text() == "2 Personen"


def test_the_first_key_is_answered_at_once_and_a_burst_is_debounced(qtbot, page, name_variants, monkeypatch):
    page.reload()
    runs = []
    original = page.model.reload

    def counting():
        runs.append(page.search.text())
        original()

    monkeypatch.setattr(page.model, "reload", counting)
    qtbot.keyClicks(page.search, "mai")
    assert runs == ["m"]  # the first keystroke at once; the rest of the burst waits a moment
    qtbot.waitUntil(lambda: runs == ["m", "mai"], timeout=2000)
    assert names(page) == ["Maier"]
    assert page.DEBOUNCE_MS <= 30


def test_district_filter_narrows_the_list(qtbot, ws, page, kappel):
    add_person(ws, "Adler", district_id=kappel.id)
    add_person(ws, "Berger", district_id=kappel.id)
    add_person(ws, "Conrad")
    page._data_changed("districts")  # as after the list of districts changed
    assert page.model.total == 3
    page.district.setCurrentIndex(page.district.findData(kappel.id))
    assert names(page) == ["Adler", "Berger"]
    assert page.count_label.text() == "2 Personen"
    page.district.setCurrentIndex(page.district.findData(listing.UNKNOWN_DISTRICT))
    assert names(page) == ["Conrad"]
    assert page.count_label.text() == "1 Person"
    with ws.uow(read_only=True) as uow:
        assert listing.count_persons(uow, listing.PersonQuery(district_id=kappel.id)) == 2
    page.district.setCurrentIndex(0)
    assert page.model.total == 3


def test_search_and_district_filter_combine(qtbot, ws, page, kappel):
    add_person(ws, "Müller", "Anna", district_id=kappel.id)
    add_person(ws, "Müller", "Bernd")
    page._data_changed("districts")
    page.district.setCurrentIndex(page.district.findData(kappel.id))
    type_text(page.search, "mül")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    assert names(page) == ["Müller, Anna"]


def test_clicking_the_name_header_sorts_in_german_order(qtbot, ws, page):
    for n in ("Peters", "Zander", "Özdemir", "Olbrich", "Adler", "Ärger"):
        add_person(ws, n)
    page.reload()
    assert names(page) == ["Adler", "Ärger", "Olbrich", "Özdemir", "Peters", "Zander"]
    click_header(qtbot, page.view, 0)
    assert page.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert names(page) == ["Zander", "Peters", "Özdemir", "Olbrich", "Ärger", "Adler"]
    click_header(qtbot, page.view, 0)
    order = names(page)
    assert order.index("Olbrich") < order.index("Özdemir") < order.index("Peters")
    assert order[-1] == "Zander"


def test_clicking_the_district_header_sorts_by_district(qtbot, ws, page, kappel):
    add_person(ws, "Adler")
    add_person(ws, "Zander", district_id=kappel.id)
    page.reload()
    click_header(qtbot, page.view, 1)
    assert names(page) == ["Zander", "Adler"]  # unknown district last
    assert page.query.sort == "district"


def test_selecting_a_row_shows_the_detail_with_counts_in_the_tabs(qtbot, ws, page, kappel):
    add_person(ws, "Adler")
    p = add_person(ws, "Özdemir", "Ayşe", birth_date=dt.date(1975, 4, 3), district_id=kappel.id,
                   phone="0371 99")
    with ws.uow() as uow:
        r1 = requests.create_request(uow, person_id=p.id, title="Mietschulden", opened_on=TODAY)
        requests.create_request(uow, person_id=p.id, title="Kita-Platz", opened_on=TODAY)
        requests.create_contact(uow, person_id=p.id, request_id=r1.id, date=TODAY, note="Erstgespräch")
    page.reload()
    assert page.detail.overview is None
    row = page.model.row_of_id(p.id)
    click_row(qtbot, page.view, row)
    o = page.detail.overview
    assert o is not None and o.person.id == p.id
    assert "Ayşe Özdemir" in page.detail.header.text() and "Kappel" in page.detail.header.text()
    tabs = page.detail.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Stammdaten", "Anliegen (2)", "Kontakte (1)", "Vermittlungen (0)", "Einwilligungen", "Teilnahmen (0)",
        "Ehrenamt"]
    assert sorted(page.detail.requests_model.index(r, 1).data() for r in range(2)) == ["Kita-Platz", "Mietschulden"]
    assert page.detail.contacts_model.index(0, 4).data() == "Erstgespräch"
    assert page.detail.edit_button.isEnabled() and page.detail.delete_button.isEnabled()
    # keyboard: Up moves to the other person and the detail follows
    qtbot.keyClick(page.view, Qt.Key.Key_Up)
    assert page.detail.overview.person.last_name == "Adler"
    assert page.detail.tabs.tabText(1) == "Anliegen (0)"


def test_open_request_in_the_detail_tab_emits_its_id(qtbot, ws, page):
    p = add_person(ws, "Adler")
    with ws.uow() as uow:
        r = requests.create_request(uow, person_id=p.id, title="Wohngeld", opened_on=TODAY)
    page.reload()
    page.show_person(p.id, 1)
    assert page.detail.tabs.currentIndex() == 1
    view = page.detail.requests_view
    view.setCurrentIndex(page.detail.requests_model.index(0, 0))
    with qtbot.waitSignal(page.open_request, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [r.id]


# --------------------------------------------------------------------------- deleting


@pytest.fixture
def with_contacts(ws):
    keep = add_person(ws, "Adler")
    p = add_person(ws, "Krause", "Jana")
    with ws.uow() as uow:
        r = requests.create_request(uow, person_id=p.id, title="Wohngeld", opened_on=TODAY)
        requests.create_contact(uow, person_id=p.id, request_id=r.id, date=TODAY)
        requests.create_contact(uow, person_id=p.id, date=TODAY)
        requests.create_contact(uow, person_id=keep.id, date=TODAY)
    return keep, p


def test_deleting_a_person_removes_them_and_their_contacts(qtbot, ws, page, with_contacts, monkeypatch):
    keep, p = with_contacts
    asked = []
    monkeypatch.setattr(PersonsPage, "confirm_delete", staticmethod(lambda parent, text: asked.append(text) or True))
    page.reload()
    click_row(qtbot, page.view, page.model.row_of_id(p.id))
    qtbot.mouseClick(page.detail.delete_button, Qt.MouseButton.LeftButton)

    (text,) = asked
    assert "„Jana Krause“" in text
    assert "1 Anliegen" in text and "2 Kontakte" in text
    assert "nicht rückgängig" in text
    with ws.uow(read_only=True) as uow:
        with pytest.raises(NotFound):
            persons.get_person(uow, p.id)
        assert requests.list_contacts(uow, person_id=p.id) == []
        assert requests.list_requests(uow, person_id=p.id) == []
        assert len(requests.list_contacts(uow, person_id=keep.id)) == 1
    assert names(page) == ["Adler"]
    assert page.detail.overview is None or page.detail.overview.person.id != p.id


def test_deleting_with_the_delete_key_and_saying_no_keeps_everything(qtbot, ws, page, with_contacts, monkeypatch):
    keep, p = with_contacts
    asked = []
    monkeypatch.setattr(PersonsPage, "confirm_delete", staticmethod(lambda parent, text: asked.append(text) or False))
    page.reload()
    click_row(qtbot, page.view, page.model.row_of_id(p.id))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "2 Kontakte" in asked[0]
    assert person_count(ws) == 2
    with ws.uow(read_only=True) as uow:
        assert len(requests.list_contacts(uow, person_id=p.id)) == 2
    assert page.detail.overview.person.id == p.id


def test_confirmation_names_a_single_contact_in_the_singular(qtbot, ws, page, monkeypatch):
    p = add_person(ws, "Krause")
    with ws.uow() as uow:
        requests.create_contact(uow, person_id=p.id, date=TODAY)
    asked = []
    monkeypatch.setattr(PersonsPage, "confirm_delete", staticmethod(lambda parent, text: asked.append(text) or False))
    page.reload()
    page.show_person(p.id)
    page.delete_current()
    assert "endgültig gelöscht: 1 Kontakt." in asked[0]

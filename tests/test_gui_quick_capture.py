"""Sprechstunde quick capture without traps: every match is reachable (a scrolling list with
the number of hits, namesakes told apart by birth year, district and street), a new
namesake is only created after asking, and Tab goes in screen order for every variant —
so typing in screen order puts each value into its own field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kuemmerer.services import desk, listing, lists, persons, requests, statistics
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.quick_capture import QuickCaptureDialog
from tests.gui_helpers import days, de, type_text

TODAY = dt.date.today()
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]
STREETS = ("Lindenstraße", "Birkenweg", "Ahornring", "Eichenallee", "Ulmenpfad")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def places(ws):
    with ws.uow() as uow:
        hutholz = lists.districts.create(uow, name="Hutholz")
        kappel = lists.districts.create(uow, name="Kappel")
        cats = {c.name: c.id for c in lists.list_categories(uow)}
    return {"Hutholz": hutholz.id, "Kappel": kappel.id, "cats": cats}


@pytest.fixture
def ten_muellers(ws, places):
    """Ten namesakes "Müller, Anna", told apart only by birth year, district and street."""
    ids = []
    with ws.uow() as uow:
        for i in range(10):
            p = persons.create_person(uow, last_name="Müller", first_name="Anna",
                                      birth_date=dt.date(1950 + i, 3, 1 + i),
                                      district_id=places["Hutholz" if i % 2 else "Kappel"],
                                      street=f"{STREETS[i % 5]} {i + 1}")
            ids.append(p.id)
    return ids


@pytest.fixture
def open_dialog(qtbot, ws):
    def make() -> QuickCaptureDialog:
        d = QuickCaptureDialog(AppContext(ws))
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        d.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is d.search, timeout=2000)
        return d

    return make


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None, "no widget has the keyboard focus"
    return w


def tab(qtbot) -> QWidget:
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    return focused()


SPACE = object()  # the Space key (ticks a check box)


def press_or_type(qtbot, value) -> None:
    if value is SPACE:
        qtbot.keyClick(focused(), Qt.Key.Key_Space)
    else:
        type_text(focused(), value)


def lines(dialog: QuickCaptureDialog) -> list[str]:
    return [dialog.model.index(r).data() for r in range(dialog.model.rowCount())]


def count_rows(ws) -> dict[str, int]:
    with ws.uow(read_only=True) as uow:
        return {"persons": listing.count_persons(uow, listing.PersonQuery()),
                "contacts": len(requests.list_contacts(uow)),
                "tallies": len(requests.tallies.list(uow)),
                "requests": listing.count_requests(uow, listing.RequestQuery(status=None), TODAY)}


# --------------------------------------------------------------------------- all matches reachable


def test_a_ninth_mueller_is_reachable_and_namesakes_can_be_told_apart(qtbot, ws, places, ten_muellers,
                                                                     open_dialog, qtmodeltester):
    dialog = open_dialog()
    type_text(dialog.search, "müller")
    assert dialog.hits.isVisible() and dialog.hits.text().startswith("10 Treffer")
    assert dialog.model.rowCount() == 11  # ten Müllers and "+ Neue Person anlegen"
    qtmodeltester.check(dialog.model)
    shown = lines(dialog)
    assert shown[0] == "Müller, Anna (1950) · Kappel · Lindenstraße 1"
    assert shown[8] == "Müller, Anna (1958) · Kappel · Eichenallee 9"
    assert shown[-1] == "+ Neue Person anlegen: müller"  # as typed
    assert len(set(shown)) == 11  # no two lines alike
    # the list scrolls: fewer lines are shown than there are
    view = dialog.results
    assert view.viewport().height() < view.sizeHintForRow(0) * 11
    # keyboard: Down leaves the name field into the list, on to the ninth, Enter picks her
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert focused() is view and view.currentIndex().row() == 1
    for _ in range(7):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    ninth = view.currentIndex()
    assert ninth.row() == 8 and ninth.data() == shown[8]
    assert view.viewport().rect().contains(view.visualRect(ninth)), "the ninth line is scrolled into view"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert dialog.isVisible(), "Enter on a line picks the person, it does not save yet"
    assert dialog.chosen.text() == "Gewählt: Müller, Anna"
    assert focused() is dialog.category
    type_text(dialog.note, "Nebenkostenabrechnung")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow)
    assert (c.person_id, c.note) == (ten_muellers[8], "Nebenkostenabrechnung")


def test_typing_in_the_list_goes_on_in_the_name_field(qtbot, ws, ten_muellers, open_dialog):
    dialog = open_dialog()
    type_text(dialog.search, "müll")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert focused() is dialog.results
    type_text(dialog.results, "er an")
    assert focused() is dialog.search and dialog.search.text() == "müller an"
    assert dialog.model.total == 10
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Up)  # Up on the first line: back in the name field
    assert focused() is dialog.search


def test_a_click_on_a_line_picks_that_person(qtbot, ws, ten_muellers, open_dialog):
    dialog = open_dialog()
    type_text(dialog.search, "müller")
    third = dialog.model.index(2)
    rect = dialog.results.visualRect(third)
    qtbot.mouseClick(dialog.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.chosen.text() == "Gewählt: Müller, Anna" and focused() is dialog.category
    assert dialog.isVisible() and not dialog.results.isVisible(), "picked, the list closed, nothing saved yet"
    type_text(dialog.note, "Wohngeld")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow)
    assert c.person_id == ten_muellers[2]


def test_more_hits_than_one_page_are_all_reachable(qtbot, ws, places, open_dialog, qtmodeltester):
    with ws.uow() as uow:
        for i in range(75):
            persons.create_person(uow, last_name="Schulze", first_name=f"Kind{i:02d}")
    dialog = open_dialog()
    type_text(dialog.search, "schulze")
    assert dialog.hits.text().startswith("75 Treffer")
    assert dialog.model.rowCount() == 76
    qtmodeltester.check(dialog.model)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.results, Qt.Key.Key_End)
    assert dialog.results.currentIndex().data() == "+ Neue Person anlegen: schulze"
    qtbot.keyClick(dialog.results, Qt.Key.Key_Up)
    assert dialog.results.currentIndex().data() == "Schulze, Kind74"


# --------------------------------------------------------------------------- the look-up itself


def test_person_matches_are_counted_and_paged_without_a_limit(uow):
    for i in range(20):
        persons.create_person(uow, last_name="Schulze", first_name=f"Kind{i:02d}")
    persons.create_person(uow, last_name="Schulz", first_name="Olaf")
    assert listing.count_person_matches(uow, "schulze") == 20
    assert listing.count_person_matches(uow, "schul") == 21
    assert listing.count_person_matches(uow, "") == 0
    assert listing.count_person_matches(uow, " - ") == 0  # nothing to search for is no hit, not everyone
    page = listing.person_match_page(uow, "schulze", 15, 10)
    assert [m.name for m in page] == [f"Schulze, Kind{i:02d}" for i in range(15, 20)]


def test_namesakes_fold_umlauts_and_ignore_other_first_names(uow):
    anna = persons.create_person(uow, last_name="Müller", first_name="Anna")
    mueller = persons.create_person(uow, last_name="Mueller", first_name="Anna")
    persons.create_person(uow, last_name="Müller", first_name="Annabell")
    persons.create_person(uow, last_name="Müllerschön", first_name="Anna")
    bare = persons.create_person(uow, last_name="Müller")
    assert {m.id for m in listing.namesakes(uow, "Müller", "Anna")} == {anna.id, mueller.id, bare.id}
    assert len(listing.namesakes(uow, "Muller", None)) == 4
    assert listing.namesakes(uow, "Beispiel", "Anna") == []


# --------------------------------------------------------------------------- namesakes ask first


def test_creating_a_namesake_asks_first(qtbot, ws, places, open_dialog, monkeypatch):
    with ws.uow() as uow:
        first = persons.create_person(uow, last_name="Müller", first_name="Anna", birth_date=dt.date(1957, 1, 2),
                                      district_id=places["Hutholz"], street="Lindenstraße 4")
        persons.create_person(uow, last_name="Mueller", first_name="Anna", district_id=places["Kappel"])
        persons.create_person(uow, last_name="Müller", first_name="Bernd")
    asked: list[tuple[str, str]] = []
    answers = [False, True]
    monkeypatch.setattr("kuemmerer.ui.dialogs.quick_capture.confirm",
                        lambda parent, title, text, yes, no: asked.append((text, yes, no)) or answers.pop(0))
    before = count_rows(ws)
    dialog = open_dialog()
    type_text(dialog.search, "Anna Müller")
    assert lines(dialog)[-1] == "+ Neue Person anlegen: Müller, Anna"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.results, Qt.Key.Key_End)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    # asked, with both namesakes told apart; she says "choose the existing one"
    (text, yes, no), = asked
    assert text.startswith("Es gibt schon 2 Personen namens Anna Müller:")
    assert "• Müller, Anna (1957) · Hutholz · Lindenstraße 4" in text and "• Mueller, Anna · Kappel" in text
    assert "Bernd" not in text
    assert (yes, no) == ("Trotzdem neu anlegen", "Vorhandene wählen")
    assert dialog.chosen.text() == ""
    assert focused() is dialog.results and dialog.results.currentIndex().data() == "Mueller, Anna · Kappel"
    assert not dialog.district.isVisible()  # still no new person
    # she tries again and says "yes, someone else": a new person is created
    qtbot.keyClick(dialog.results, Qt.Key.Key_End)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert len(asked) == 2
    assert dialog.chosen.text() == "Neue Person: Müller, Anna"
    assert focused() is dialog.district
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_walk_in.created_person and dialog.result_walk_in.person_id != first.id
    assert count_rows(ws) == {**before, "persons": before["persons"] + 1, "contacts": before["contacts"] + 1}


def test_choosing_the_existing_namesake_creates_nobody(qtbot, ws, places, open_dialog, monkeypatch):
    with ws.uow() as uow:
        anna = persons.create_person(uow, last_name="Müller", first_name="Anna")
    monkeypatch.setattr(QuickCaptureDialog, "ask_create_namesake", classmethod(lambda cls, *a: False))
    before = count_rows(ws)
    dialog = open_dialog()
    type_text(dialog.search, "Müller, Anna")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # onto "+ Neue Person anlegen"
    assert dialog.results.currentIndex().row() == dialog.model.new_row()
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)  # asked, "no": back on Anna
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert dialog.chosen.text() == "Gewählt: Müller, Anna"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result_walk_in.person_id == anna.id and not dialog.result_walk_in.created_person
    assert count_rows(ws) == {**before, "contacts": before["contacts"] + 1}


# --------------------------------------------------------------------------- Tab in screen order


def test_new_person_typed_in_screen_order_with_tab_lands_in_every_field(qtbot, ws, places, open_dialog):
    dialog = open_dialog()
    type_text(focused(), "Anna Beispiel")
    assert tab(qtbot) is dialog.anonymous
    assert tab(qtbot) is dialog.results
    assert dialog.results.currentIndex().data() == "+ Neue Person anlegen: Beispiel, Anna"
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.chosen.text() == "Neue Person: Beispiel, Anna"
    # from here on only typing and Tab, in the order the fields stand on the screen
    follow_up = TODAY + days(14)
    for value in ("Kappel", "weiblich", "Familie", "Kita-Platz gesucht", SPACE, "Kita-Platz für Ben",
                  de(follow_up)):
        press_or_type(qtbot, value)
        tab(qtbot)
    assert focused() is dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert dialog.district.currentText() == "Kappel"
    assert dialog.gender.currentText() == "weiblich"
    assert dialog.category.currentText() == "Familie und Kinder"
    assert dialog.note.text() == "Kita-Platz gesucht"
    assert dialog.open_request.isChecked()
    assert dialog.request_title.text() == "Kita-Platz für Ben"
    assert dialog.follow_up.text() == de(follow_up)
    qtbot.keyClick(focused(), Qt.Key.Key_Space)  # "Speichern"
    assert dialog.result() == QDialog.DialogCode.Accepted
    walk_in = dialog.result_walk_in
    with ws.uow(read_only=True) as uow:
        p = persons.get_person(uow, walk_in.person_id)
        (r,) = requests.list_requests(uow, person_id=p.id)
        (c,) = requests.list_contacts(uow, person_id=p.id)
    assert (p.last_name, p.first_name, p.district_id, p.gender) == ("Beispiel", "Anna", places["Kappel"], "weiblich")
    assert (r.title, r.follow_up_on, r.category_id) == ("Kita-Platz für Ben", follow_up,
                                                        places["cats"]["Familie und Kinder"])
    assert (c.note, c.request_id) == ("Kita-Platz gesucht", r.id)


def test_named_person_in_screen_order_with_tab(qtbot, ws, places, ten_muellers, open_dialog):
    dialog = open_dialog()
    type_text(focused(), "müller")
    assert tab(qtbot) is dialog.anonymous
    assert tab(qtbot) is dialog.results
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # the second Müller
    assert focused() is dialog.category  # district and gender are not asked for a known person
    for value in ("Schulden", "Mahnung"):
        type_text(focused(), value)
        tab(qtbot)
    assert focused() is dialog.open_request
    assert tab(qtbot) is dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert tab(qtbot) is dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    assert tab(qtbot) is dialog.search  # round and back to the top
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow)
    assert (c.person_id, c.note, c.category_id) == (ten_muellers[1], "Mahnung",
                                                    places["cats"]["Schulden und Finanzen"])


def test_anonymous_walk_in_in_screen_order_with_tab(qtbot, ws, places, open_dialog):
    dialog = open_dialog()
    assert tab(qtbot) is dialog.anonymous
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    assert dialog.anonymous.isChecked()
    assert tab(qtbot) is dialog.district  # the disabled name field and the hidden list drop out
    for value in ("Hutholz", "männlich", "65", "Behörden", "Formular Wohngeld"):
        type_text(focused(), value)
        tab(qtbot)
    assert focused() is dialog.buttons.button(dialog.buttons.StandardButton.Save)  # "Anliegen" is off
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (t,) = requests.tallies.list(uow)
    assert (t.district_id, t.gender, t.age_band, t.category_id, t.note) == (
        places["Hutholz"], "maennlich", "65plus", places["cats"]["Behörden und Formulare"], "Formular Wohngeld")


# --------------------------------------------------------------------------- frozen year


def test_a_capture_in_a_frozen_year_asks_first(qtbot, ws, places, open_dialog, monkeypatch):
    with ws.uow() as uow:
        desk.record_walk_in(uow, anonymous=True)
        statistics.freeze_past_years(uow, today=dt.date(TODAY.year + 1, 1, 10))
        uow.commit()
    asked: list[str] = []
    answers = [False, True]
    monkeypatch.setattr("kuemmerer.ui.widgets.confirm", lambda parent, title, text, yes, no="": (
        asked.append(title) or answers.pop(0)))
    dialog = open_dialog()
    dialog.anonymous.click()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert asked == ["Eingefrorenes Jahr"] and dialog.isVisible()
    assert count_rows(ws)["tallies"] == 1  # she said no: nothing written
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert count_rows(ws)["tallies"] == 2

"""Typing up a paper sign-in sheet (issue 13): one dialog, keyboard only. Names complete
against the stored persons (a misspelling like "Mueller" still finds "Müller"), Enter moves
to the next row, a new name becomes a new person after the duplicate check, a name already
on the list is marked, and Speichern writes the whole sheet in one transaction or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kuemmerer.services import activities, listing, lists, persons
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.sign_in import KEEP_NEW, SamePersonDialog, SignInDialog
from tests.gui_helpers import type_text

TODAY = dt.date.today()
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]

# (last name, first name, born, district, what she types for them)
KNOWN = [
    ("Müller", "Anna", 1957, "Hutholz", "Mueller"),  # misspelt on the sheet: the completion resolves it
    ("Weber", "Klaus", 1949, "Hutholz", "Weber"),
    ("Yılmaz", "Ayşe", 1975, "Kappel", "Ayse Yil"),
    ("Nguyen", "Thi", 1990, None, "Nguyen"),
    ("Schmidt", "Petra", 1966, "Kappel", "Petra Schm"),
    ("Wagner", "Ute", 1971, "Kappel", "Wagner"),
    ("Hoffmann", "Jürgen", 1955, "Hutholz", "Hoffm"),
    ("Schäfer", "Karin", 1960, "Kappel", "Schaefer"),
    ("Koch", "Dieter", 1944, "Hutholz", "Koch"),
    ("Richter", "Monika", 1952, "Kappel", "Richter"),
    ("Klein", "Sven", 1985, "Hutholz", "Klein"),
    ("Wolf", "Heike", 1978, "Kappel", "Wolf"),
    ("Schröder", "Ralf", 1969, "Hutholz", "Schröder"),
    ("Neumann", "Gisela", 1940, "Kappel", "Gisela Neu"),
    ("Schwarz", "Tobias", 1992, "Hutholz", "Schwarz"),
    ("Zimmermann", "Eva", 1983, "Kappel", "Zimmer"),
    ("Braun", "Frank", 1963, "Hutholz", "Braun"),
    ("Krüger", "Ilse", 1938, "Kappel", "Krüger"),
    ("Hofmann", "Lea", 2001, "Hutholz", "Lea Hof"),
    ("Hartmann", "Uwe", 1958, "Kappel", "Hartmann"),
    ("Lange", "Rita", 1947, "Hutholz", "Lange"),
]
REGISTERED = [("Becker", "Hans", 1938, "Hutholz"), ("Fischer", "Lena", 2001, "Hutholz")]
NAMESAKE = ("Schmidt", "Peter", dt.date(1980, 5, 12), "Kappel")
NEW = ["Nina Neumann", "Jonas Krause", "Olga Petrova", "Emil Brandt", "Sara Haddad", "Lukas Vogel", "Mia Sommer"]


@pytest.fixture
def sheet(ws):
    """A session of the Café international with two persons already on the list, and the
    persons of the neighbourhood (one "Schmidt, Peter" among them)."""
    with ws.uow() as uow:
        where = {n: lists.districts.create(uow, name=n).id for n in ("Hutholz", "Kappel")}
        where[None] = None

        def person(last, first, born, district):
            day = born if isinstance(born, dt.date) else dt.date(born, 3, 1)
            return persons.create_person(uow, last_name=last, first_name=first, birth_date=day,
                                         district_id=where[district]).id

        known = {typed: person(last, first, born, d) for last, first, born, d, typed in KNOWN}
        registered = [person(*p) for p in REGISTERED]
        peter = person(*NAMESAKE)
        cafe = activities.create_activity(uow, name="Café international", location="Bürgertreff")
        session = activities.create_session(uow, activity_id=cafe.id, date=TODAY, start_time="15:00",
                                            end_time="17:00")
        for pid in registered:
            activities.add_attendance(uow, session_id=session.id, person_id=pid)
    return {"session": session.id, "known": known, "registered": registered, "peter": peter, **where}


@pytest.fixture
def open_dialog(qtbot, ws, sheet):
    def make() -> SignInDialog:
        d = SignInDialog(AppContext(ws), sheet["session"])
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        d.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is d.name, timeout=2000)
        return d

    return make


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None, "no widget has the keyboard focus"
    return w


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), k, modifier)


def row(qtbot, text: str) -> None:
    """Type a name as written on the sheet and press Enter."""
    type_text(focused(), text)
    key(qtbot, Qt.Key.Key_Return)


def attendance(ws, session_id: int) -> list[tuple[str, str | None, dt.date | None]]:
    with ws.uow(read_only=True) as uow:
        out = []
        for a in activities.list_attendance(uow, session_id):
            p = persons.get_person(uow, a.person_id)
            out.append((p.last_name, p.first_name, p.birth_date))
    return sorted(out, key=lambda t: (t[0], t[1] or "", t[2] or dt.date.min))


def person_count(ws) -> int:
    with ws.uow(read_only=True) as uow:
        return listing.count_persons(uow, listing.PersonQuery())


def answer_same_person(qtbot, asked: list, choose_new: bool) -> None:
    """When "Ist das dieselbe Person?" comes up: note what it offers, answer by keyboard."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SamePersonDialog), dialog
        asked.append([dialog.model.index(r).data() for r in range(dialog.model.rowCount())])
        if choose_new:
            qtbot.keyClick(dialog.view, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.view, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


# --------------------------------------------------------------------------- the case


@pytest.mark.parametrize("same", [True, False], ids=["dieselbe-Person", "neue-Person"])
def test_a_thirty_name_sheet_writes_exactly_the_right_attendance_and_persons(qtbot, ws, sheet, open_dialog,
                                                                            same, qtmodeltester):
    dialog = open_dialog()
    before = person_count(ws)
    assert [dialog.model.index(r, 1).data() for r in range(2)] == \
        ["Becker, Hans (1938) · Hutholz", "Fischer, Lena (2001) · Hutholz"], "the list so far, at the top"
    typed = [t for *_p, t in KNOWN]
    asked: list = []
    new_names = list(NEW)
    for n, text in enumerate(typed):
        row(qtbot, text)
        if n == 0:  # "Mueller" took "Müller, Anna" and the next row is open
            assert dialog.model.index(2, 1).data() == "Müller, Anna (1957) · Hutholz"
            assert focused() is dialog.name and dialog.name.text() == ""
            assert dialog.model.input_row() == 3
        if n == 5:
            row(qtbot, "Fischer")  # already on the list: marked, not counted twice
        if n in (3, 8, 11, 14, 16, 18, 20):
            new_name = new_names.pop(0)
            row(qtbot, new_name)  # nobody of that name: the new-person form, names filled in
            assert dialog.form_open() and focused() is dialog.last_name
            if new_name == "Nina Neumann":  # with birth date and Stadtgebiet
                assert (dialog.last_name.text(), dialog.first_name.text()) == ("Neumann", "Nina")
                key(qtbot, Qt.Key.Key_Tab)
                key(qtbot, Qt.Key.Key_Tab)
                type_text(focused(), "02.02.1990")
                key(qtbot, Qt.Key.Key_Tab)
                type_text(focused(), "Ka")
            key(qtbot, Qt.Key.Key_Return)
            assert not dialog.form_open() and focused() is dialog.name
    # the namesake: "Peter Schmidt" is offered, but she thinks it is someone new
    type_text(focused(), "Peter Schmidt")
    key(qtbot, Qt.Key.Key_Down)
    assert dialog.suggestions.currentIndex().data() == "+ Neue Person anlegen: Schmidt, Peter"
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    type_text(focused(), "12.05.1980")
    answer_same_person(qtbot, asked, choose_new=not same)
    key(qtbot, Qt.Key.Key_Return)
    assert asked == [["Ja, dieselbe Person: Schmidt, Peter (geb. 12.05.1980, Kappel)",
                      "Nein, eine neue Person anlegen: Peter Schmidt"]]
    assert not dialog.form_open()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name, timeout=2000)  # back from the question

    rows = dialog.model.rows
    assert len(rows) == 30
    notes = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
    assert notes.count("schon eingetragen") == 3  # the two at the top and "Fischer" typed again
    assert notes.count("neue Person") == (7 if same else 8)
    qtmodeltester.check(dialog.model)

    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Strg+Enter saves
    assert not dialog.isVisible()
    assert dialog.result_counts == {"added": 29, "already": 0, "new_persons": 7 if same else 8}
    expected = [(last, first, dt.date(born, 3, 1)) for last, first, born, _d, _t in KNOWN]
    expected += [(last, first, dt.date(born, 3, 1)) for last, first, born, _d in REGISTERED]
    expected += [(n.split()[1], n.split()[0], dt.date(1990, 2, 2) if n == "Nina Neumann" else None) for n in NEW]
    expected.append(("Schmidt", "Peter", NAMESAKE[2]))
    assert attendance(ws, sheet["session"]) == sorted(expected, key=lambda t: (t[0], t[1] or "", t[2] or dt.date.min))
    assert person_count(ws) == before + (7 if same else 8)
    with ws.uow(read_only=True) as uow:
        peters = persons.similar_persons(uow, last_name="Schmidt", first_name="Peter", birth_date=NAMESAKE[2])
        nina = persons.similar_persons(uow, last_name="Neumann", first_name="Nina", birth_date=dt.date(1990, 2, 2))
    assert len(peters) == (1 if same else 2)
    assert [p.district_id for p in nina] == [sheet["Kappel"]]


def test_a_new_name_without_birth_date_asks_about_every_namesake(qtbot, ws, sheet, open_dialog):
    """A paper list rarely has a birth date: then every "Peter Schmidt" is offered."""
    dialog = open_dialog()
    type_text(focused(), "Peter Schmidt")
    key(qtbot, Qt.Key.Key_Down)
    assert dialog.suggestions.currentIndex().data() == "+ Neue Person anlegen: Schmidt, Peter"
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.form_open() and dialog.birth_date.text() == ""
    asked: list = []
    answer_same_person(qtbot, asked, choose_new=False)
    key(qtbot, Qt.Key.Key_Return)
    assert asked == [["Ja, dieselbe Person: Schmidt, Peter (geb. 12.05.1980, Kappel)",
                      "Nein, eine neue Person anlegen: Peter Schmidt"]]
    assert [(r.person_id, r.new) for r in dialog.model.rows] == [(sheet["peter"], None)]  # nobody new


# --------------------------------------------------------------------------- nothing lost


def test_esc_with_typed_rows_asks_before_discarding(qtbot, ws, sheet, open_dialog, monkeypatch):
    answers = [False, True]
    asked = []
    monkeypatch.setattr(SignInDialog, "confirm_discard",
                        classmethod(lambda cls, parent: asked.append(True) or answers.pop(0)))
    empty = open_dialog()
    key(qtbot, Qt.Key.Key_Escape)
    assert not empty.isVisible() and asked == [], "nothing typed: Esc just closes"

    dialog = open_dialog()
    row(qtbot, "Weber")
    row(qtbot, "Koch")
    key(qtbot, Qt.Key.Key_Escape)
    assert asked == [True] and dialog.isVisible(), "she chose to go on"
    assert [r.typed for r in dialog.model.rows] == ["Weber", "Koch"]
    key(qtbot, Qt.Key.Key_Escape)
    assert asked == [True, True] and not dialog.isVisible()
    assert len(attendance(ws, sheet["session"])) == 2  # nothing written


def test_a_rejected_row_is_shown_at_its_row_and_nothing_typed_is_lost(qtbot, ws, sheet, open_dialog):
    dialog = open_dialog()
    before = person_count(ws)
    row(qtbot, "Weber")
    row(qtbot, "Jonas Krause")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    future = TODAY.replace(year=TODAY.year + 1, day=1)
    type_text(focused(), future.strftime("%d.%m.%Y"))  # a birth date in the future: the service refuses it
    key(qtbot, Qt.Key.Key_Return)
    row(qtbot, "Koch")
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.isVisible(), "not saved"
    krause = 3  # the table's row (after the two already on the list), numbered 4 on screen
    note = dialog.model.index(krause, 2).data()
    assert note and "Zukunft" in note, note
    assert dialog.error.isVisible() and dialog.error.text().startswith(f"Nichts gespeichert. Zeile 4: {note}")
    assert [r.typed for r in dialog.model.rows] == ["Weber", "Jonas Krause", "Koch"]
    assert len(attendance(ws, sheet["session"])) == 2 and person_count(ws) == before  # nothing half-written
    # the row is selected: F2 opens it, she corrects the date, Enter, Strg+Enter
    assert focused() is dialog.table and dialog.table.currentIndex().row() == krause
    key(qtbot, Qt.Key.Key_F2)
    assert dialog.form_open() and (dialog.last_name.text(), dialog.first_name.text()) == ("Krause", "Jonas")
    dialog.birth_date.edit.setFocus()
    dialog.birth_date.edit.selectAll()
    type_text(focused(), "01.01.1990")
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.model.index(krause, 2).data() == "neue Person"
    assert len(dialog.model.rows) == 3, "changed in place, no row added"
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert ("Krause", "Jonas", dt.date(1990, 1, 1)) in attendance(ws, sheet["session"])
    assert len(attendance(ws, sheet["session"])) == 5 and person_count(ws) == before + 1


def test_every_rejected_row_is_marked_at_once_and_nothing_is_written(qtbot, ws, sheet, open_dialog):
    dialog = open_dialog()
    before = person_count(ws)
    future = TODAY.replace(year=TODAY.year + 1, day=1).strftime("%d.%m.%Y")  # the service refuses it

    def new_person(name: str, born: str) -> None:
        row(qtbot, name)
        key(qtbot, Qt.Key.Key_Tab)
        key(qtbot, Qt.Key.Key_Tab)
        type_text(focused(), born)
        key(qtbot, Qt.Key.Key_Return)

    row(qtbot, "Weber")
    new_person("Jonas Krause", future)
    row(qtbot, "Koch")
    new_person("Emil Brandt", future)
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.isVisible(), "not saved"
    notes = [dialog.model.index(r, 2).data() for r in range(2, dialog.model.input_row())]
    assert notes[0] == "" and notes[2] == "", "Weber and Koch are fine"
    krause, brandt = notes[1], notes[3]
    assert "Zukunft" in krause and "Zukunft" in brandt, notes  # both bad rows marked, not only the first
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith(
        f"Nichts gespeichert. 2 Zeilen brauchen einen Blick (rot markiert). Zeile 4: {krause} Zeile 6: {brandt}")
    assert [r.typed for r in dialog.model.rows] == ["Weber", "Jonas Krause", "Koch", "Emil Brandt"]
    assert len(attendance(ws, sheet["session"])) == 2 and person_count(ws) == before  # nothing written
    assert focused() is dialog.table and dialog.table.currentIndex().row() == 3  # the first of them

    # Krause corrected: saving again names only Brandt, still nothing written
    key(qtbot, Qt.Key.Key_F2)
    dialog.birth_date.edit.setFocus()
    dialog.birth_date.edit.selectAll()
    type_text(focused(), "01.01.1990")
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert [dialog.model.index(r, 2).data() for r in (3, 5)] == ["neue Person", brandt]
    assert dialog.error.text().startswith(f"Nichts gespeichert. Zeile 6: {brandt}")
    assert len(attendance(ws, sheet["session"])) == 2 and person_count(ws) == before
    # Brandt removed: the rest is written
    assert focused() is dialog.table and dialog.table.currentIndex().row() == 5
    key(qtbot, Qt.Key.Key_Delete)
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert dialog.result_counts == {"added": 3, "already": 0, "new_persons": 1}
    assert person_count(ws) == before + 1


def test_a_name_not_yet_taken_is_not_lost_on_saving(qtbot, ws, sheet, open_dialog):
    dialog = open_dialog()
    row(qtbot, "Weber")
    type_text(focused(), "Koc")  # typed, but Enter not pressed
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and "Zeile 4 ist noch nicht übernommen" in dialog.error.text()
    assert dialog.name.text() == "Koc" and len(attendance(ws, sheet["session"])) == 2


# --------------------------------------------------------------------------- the rows


def test_rows_are_removed_and_retyped_with_the_keyboard(qtbot, ws, sheet, open_dialog, qtmodeltester):
    dialog = open_dialog()
    for text in ("Weber", "Wagner", "Koch"):
        row(qtbot, text)
    key(qtbot, Qt.Key.Key_Up)  # from the typing row into the rows above: "Koch"
    assert focused() is dialog.table and dialog.table.currentIndex().row() == 4
    key(qtbot, Qt.Key.Key_Up)
    key(qtbot, Qt.Key.Key_Delete)  # "Wagner" goes
    assert [r.typed for r in dialog.model.rows] == ["Weber", "Koch"]
    qtmodeltester.check(dialog.model)
    key(qtbot, Qt.Key.Key_F2)  # "Koch" (now in row 4) typed again: she meant Klein
    assert focused() is dialog.name and dialog.name.text() == "Koch"
    assert dialog.model.index(dialog.model.input_row(), 2).data() == "ändert Zeile 4"
    dialog.name.selectAll()
    row(qtbot, "Klein")
    assert [r.typed for r in dialog.model.rows] == ["Weber", "Klein"]
    assert dialog.model.index(3, 1).data() == "Klein, Sven (1985) · Hutholz"
    assert focused() is dialog.name and dialog.name.text() == ""
    key(qtbot, Qt.Key.Key_Return)  # Enter on an empty row takes nothing and does not save
    assert dialog.isVisible() and len(dialog.model.rows) == 2
    qtmodeltester.check(dialog.model)
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_counts == {"added": 2, "already": 0, "new_persons": 0}


def test_the_question_lists_the_candidates_and_each_answer(qtbot, qtmodeltester):
    candidates = [(7, "Schmidt, Peter (geb. 12.05.1980, Kappel)"), (9, "Schmidt, Peter (geb. 12.05.1980)")]
    for presses, expected in ((0, 7), (1, 9), (2, KEEP_NEW)):
        d = SamePersonDialog(None, "Peter Schmidt", candidates)
        qtbot.addWidget(d)
        d.show()
        qtmodeltester.check(d.model)
        assert d.model.rowCount() == 3
        for _ in range(presses):
            qtbot.keyClick(d.view, Qt.Key.Key_Down)
        qtbot.keyClick(d.view, Qt.Key.Key_Return)
        assert d.choice == expected
    d = SamePersonDialog(None, "Peter Schmidt", candidates)
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClick(d.view, Qt.Key.Key_Escape)
    assert d.choice is None, "Esc: back to the form, nothing chosen"

"""Correctable records with the real widgets: in a person's Kontakte tab a contact is
edited, moved to the right person and deleted (database, audit and statistics follow);
Rückgängig in the status bar removes the last quick capture; the Strichliste day view
shows any day's anonymous counts with their sum and corrects them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kuemmerer.services import persons, requests, statistics
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.quick_capture import QuickCaptureDialog
from kuemmerer.ui.dialogs.request import ContactActions, ContactDialog, PersonPicker
from kuemmerer.ui.dialogs.tally import TallyDialog
from kuemmerer.ui.pages.persons import PersonsPage
from kuemmerer.ui.pages.tallies import TalliesPage
from tests.gui_helpers import choose, click, click_row, days, de, open_window, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                              r"This plugin does not support raise\(\)"),
]

TODAY = dt.date.today()


def year_stats(ws):
    with ws.uow(read_only=True) as uow:
        return statistics.compute(uow, *statistics.year_period(TODAY.year))


def audit(ws, entity: str, ident: int) -> list[str]:
    from sqlalchemy import text

    with ws.uow(read_only=True) as uow:
        return list(uow.session.execute(text(
            "SELECT action FROM audit_events WHERE entity = :e AND entity_id = :i ORDER BY id"),
            {"e": entity, "i": ident}).scalars())


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def muellers(ws, kappel):
    with ws.uow() as uow:
        anna = persons.create_person(uow, last_name="Testmüller", first_name="Anna", district_id=kappel.id,
                                     gender="weiblich")
        berta = persons.create_person(uow, last_name="Testmüller", first_name="Berta", gender="weiblich")
        contact = requests.create_contact(uow, person_id=anna.id, date=TODAY, note="Frage zum Wohngeld")
    return {"anna": anna, "berta": berta, "contact": contact}


@pytest.fixture
def page(qtbot, ctx, muellers):
    p = PersonsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    p.show_person(muellers["anna"].id, 2)
    click_row(qtbot, p.detail.contacts_view, 0)
    return p


def test_kontakte_tab_edit_a_contact(qtbot, ws, page, muellers, monkeypatch):
    detail = page.detail
    assert detail.tabs.currentIndex() == 2 and detail.contact_edit_button.isEnabled()
    seen = {}

    def edit_and_save(dialog):
        seen["dialog"] = dialog
        dialog.show()
        assert dialog.note.toPlainText() == "Frage zum Wohngeld"  # it opens the contact itself
        dialog.date.edit.clear()
        type_text(dialog.date.edit, de(TODAY - days(1)))
        choose(dialog.kind, "telefon")
        dialog.note.clear()
        type_text(dialog.note, "Rückruf wegen Wohngeld")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(ContactDialog, "exec", edit_and_save)
    click(qtbot, detail.contact_edit_button)
    with ws.uow(read_only=True) as uow:
        c = requests.contacts.get(uow, muellers["contact"].id)
    assert (c.date, c.kind, c.note, c.person_id) == (TODAY - days(1), "telefon", "Rückruf wegen Wohngeld",
                                                      muellers["anna"].id)
    assert detail.contacts_model.index(0, 1).data() == "Telefon"  # the tab shows it at once
    assert detail.contacts_model.index(0, 0).data() == de(TODAY - days(1))
    if (TODAY - days(1)).year == TODAY.year:
        assert year_stats(ws).contacts == 1


def test_kontakte_tab_move_a_contact_to_the_right_person(qtbot, ws, page, muellers, monkeypatch):
    before = year_stats(ws)
    assert before.participants_named == 1 and before.by_district["Kappel"] == 1

    def pick_berta(parent, ctx, *, exclude_id=None):
        picker = PersonPicker(ctx, exclude_id=exclude_id, parent=parent)
        qtbot.addWidget(picker)
        type_text(picker.search, "testmüller")
        offered = [picker.results.item(i).text() for i in range(picker.results.count())]
        assert offered == ["Testmüller, Berta"]  # not the person it belongs to now
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        return picker.picked

    monkeypatch.setattr(PersonPicker, "ask", pick_berta)
    click(qtbot, page.detail.contact_move_button)
    with ws.uow(read_only=True) as uow:
        assert requests.contacts.get(uow, muellers["contact"].id).person_id == muellers["berta"].id
    assert page.detail.contacts_model.rowCount() == 0
    assert page.detail.tabs.tabText(2) == "Kontakte (0)"
    assert page.detail.contacts_notice.text() == "Der Kontakt wurde verschoben. Neue Person: Testmüller, Berta."
    after = year_stats(ws)
    assert after.contacts == 1 and after.participants_named == 1
    assert after.by_district["Kappel"] == 0 and after.by_district["unbekannt"] == 1  # Berta has no district


def test_kontakte_tab_delete_a_contact_asks_once(qtbot, ws, page, muellers, monkeypatch):
    asked = []
    monkeypatch.setattr(ContactActions, "confirm_delete",
                        classmethod(lambda cls, parent, title, text: asked.append(text) or True))
    click(qtbot, page.detail.contact_delete_button)
    assert len(asked) == 1 and f"Testmüller, Anna vom {de(TODAY)}" in asked[0]
    with ws.uow(read_only=True) as uow:
        assert requests.list_contacts(uow) == []
    assert audit(ws, "contacts", muellers["contact"].id) == ["create", "delete"]
    assert page.detail.contacts_model.rowCount() == 0
    stats = year_stats(ws)
    assert stats.contacts == 0 and stats.participants_named == 0


def test_kontakte_tab_delete_answered_no_keeps_the_contact(qtbot, ws, page, monkeypatch):
    monkeypatch.setattr(ContactActions, "confirm_delete", classmethod(lambda cls, parent, title, text: False))
    click(qtbot, page.detail.contact_delete_button)
    with ws.uow(read_only=True) as uow:
        assert len(requests.list_contacts(uow)) == 1
    assert year_stats(ws).contacts == 1


# --------------------------------------------------------------------------- Rückgängig


@pytest.fixture
def window(qtbot, ws, tmp_path, muellers):
    return open_window(qtbot, ws, tmp_path)


def capture(qtbot, monkeypatch, window, name: str | None):
    def fill(dialog):
        dialog.show()
        if name is None:
            dialog.anonymous.setChecked(True)
        else:
            type_text(dialog.search, name)
            qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
        return dialog.result()

    monkeypatch.setattr(QuickCaptureDialog, "exec", fill)
    window.quick_capture()


def test_rueckgaengig_removes_the_last_named_capture(qtbot, ws, window, muellers, monkeypatch):
    capture(qtbot, monkeypatch, window, "berta")
    assert window.undo_button.isVisible()
    assert window.undo_label.text() == "Kontakt mit Testmüller, Berta gespeichert"
    assert year_stats(ws).contacts == 2 and year_stats(ws).participants_named == 2
    click(qtbot, window.undo_button)
    assert not window.undo_button.isVisible()
    with ws.uow(read_only=True) as uow:
        assert [c.id for c in requests.list_contacts(uow)] == [muellers["contact"].id]
        assert len(persons.list_persons(uow)) == 2  # Berta herself stays
    stats = year_stats(ws)
    assert stats.contacts == 1 and stats.participants_named == 1
    assert window.pages["Heute"].contacts.rowCount() == 1


def test_rueckgaengig_removes_a_new_person_and_an_anonymous_count(qtbot, ws, window, monkeypatch):
    capture(qtbot, monkeypatch, window, "Neumann, Nora")  # the last entry: a new person
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
    click(qtbot, window.undo_button)
    with ws.uow(read_only=True) as uow:
        assert [p.first_name for p in persons.list_persons(uow)] == ["Anna", "Berta"]
    capture(qtbot, monkeypatch, window, None)
    assert window.undo_label.text() == "Anonymer Besuch gezählt"
    assert year_stats(ws).extra["anonymous_walk_ins"] == 1
    click(qtbot, window.undo_button)
    assert year_stats(ws).extra["anonymous_walk_ins"] == 0
    assert year_stats(ws).contacts == 1


def test_rueckgaengig_offer_ends_after_the_timer(qtbot, window, monkeypatch):
    capture(qtbot, monkeypatch, window, None)
    assert window.undo_button.isVisible()
    window.undo_timer.timeout.emit()  # the ten seconds are over
    assert not window.undo_button.isVisible() and window.last_walk_in is None


# --------------------------------------------------------------------------- Strichliste


@pytest.fixture
def tallies(ws, kappel):
    day = TODAY - days(3)
    with ws.uow() as uow:
        a = requests.record_anonymous(uow, date=day, count=2, district_id=kappel.id, gender="weiblich")
        b = requests.record_anonymous(uow, date=day, age_band="65plus", note="Nachbarin")
        c = requests.record_anonymous(uow, date=day - days(1), count=4)
    return {"day": day, "a": a, "b": b, "c": c}


def test_strichliste_day_view_model_and_navigation(qtbot, qtmodeltester, ctx, tallies):
    page = TalliesPage(ctx, day=tallies["day"])
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)
    assert [page.model.row_at(r).id for r in range(page.model.rowCount())] == [tallies["b"].id, tallies["a"].id]
    assert page.model.index(1, 1).data() == "Kappel" and page.model.index(0, 3).data() == "65 und älter"
    assert "Summe: 3 anonym gezählt" in page.sum_label.text() and "(2 Einträge)" in page.sum_label.text()
    click(qtbot, page.previous_button)
    assert page.day == tallies["day"] - days(1) and page.date_field.text() == de(page.day)
    assert [r.count for r in page.model.rows] == [4]
    page.date_field.edit.clear()
    type_text(page.date_field.edit, de(TODAY))
    assert page.day == TODAY and page.model.rowCount() == 0 and "Summe: 0" in page.sum_label.text()
    assert not page.next_button.isEnabled()  # nothing is counted in the future
    qtmodeltester.check(page.model)


def test_strichliste_edit_and_delete(qtbot, ws, ctx, tallies, monkeypatch):
    page = TalliesPage(ctx, day=tallies["day"])
    qtbot.addWidget(page)
    page.show()
    click_row(qtbot, page.view, 1)  # the entry with count 2

    def set_count(dialog):
        dialog.show()
        assert dialog.count.value() == 2 and dialog.district.currentText() == "Kappel"
        dialog.count.setValue(5)
        choose(dialog.age_band, "18_29")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(TallyDialog, "exec", set_count)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    with ws.uow(read_only=True) as uow:
        a = requests.tallies.get(uow, tallies["a"].id)
    assert (a.count, a.age_band) == (5, "18_29")
    assert "Summe: 6 anonym gezählt" in page.sum_label.text()
    asked = []
    monkeypatch.setattr(TalliesPage, "confirm_delete", classmethod(lambda cls, parent, text: asked.append(text) or True))
    click(qtbot, page.delete_button)
    assert len(asked) == 1
    assert audit(ws, "anonymous_tallies", tallies["a"].id)[-1] == "delete"
    with ws.uow(read_only=True) as uow:
        assert sorted(t.id for t in requests.tallies.list(uow)) == sorted([tallies["b"].id, tallies["c"].id])
    assert "Summe: 1 anonym gezählt" in page.sum_label.text()
    if tallies["day"].year == TODAY.year:
        assert year_stats(ws).extra["anonymous_walk_ins"] == 1 + (4 if (tallies["day"] - days(1)).year == TODAY.year else 0)


def test_heute_button_and_menu_open_the_strichliste(qtbot, window):
    click(qtbot, window.pages["Heute"].tallies_button)
    assert window.tallies_window is not None and window.tallies_window.isVisible()
    assert window.tallies_window.page.day == TODAY
    window.tallies_window.close()
    window.tallies_action.trigger()
    assert window.tallies_window.isVisible()

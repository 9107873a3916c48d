"""Einstellungen with her lists, the first start, and the street that suggests the
district in the person dialog — with the real widgets, checked in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kuemmerer.services import lists, persons, requests, settings, statistics
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.first_start import FirstStartDialog
from kuemmerer.ui.dialogs.lists import MergeDialog, NameDialog
from kuemmerer.ui.dialogs.person import PersonDialog
from kuemmerer.ui.dialogs.quick_capture import QuickCaptureDialog
from kuemmerer.ui.pages.settings import ListEditor, ListEntriesModel, SettingsPage
from tests.gui_helpers import choose, click, click_row, open_window, type_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

TODAY = dt.date.today()


def year_stats(ws):
    with ws.uow(read_only=True) as uow:
        return statistics.compute(uow, *statistics.year_period(TODAY.year))


def district_names(ws) -> list[str]:
    with ws.uow(read_only=True) as uow:
        return [d.name for d in lists.list_districts(uow)]


def shown_names(editor: ListEditor) -> list[str]:
    return [editor.model.index(r, 0).data() for r in range(editor.model.rowCount())]


@pytest.fixture
def window(qtbot, ws, tmp_path):
    return open_window(qtbot, ws, tmp_path)


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def page(qtbot, ctx):
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    return p


def name_dialog_types(monkeypatch, text: str) -> list[NameDialog]:
    """NameDialog.exec types ``text`` into the name field and presses Enter."""
    opened: list[NameDialog] = []

    def fake_exec(dialog):
        opened.append(dialog)
        dialog.name.clear()
        type_text(dialog.name, text)
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(NameDialog, "exec", fake_exec)
    return opened


# --------------------------------------------------------------------------- the two stories


def test_new_database_gets_its_districts_in_einstellungen_and_the_next_capture_counts_there(
        qtbot, ws, window, monkeypatch):
    assert district_names(ws) == ["außerhalb"]
    page = window.show_section("Einstellungen")
    editor = page.show_list("districts")
    for name in ("Kappel", "Hutholz"):
        name_dialog_types(monkeypatch, name)
        click(qtbot, editor.new_button)
    assert district_names(ws) == ["Kappel", "Hutholz", "außerhalb"]
    assert shown_names(editor) == ["Kappel", "Hutholz", "außerhalb"]

    captured: list[QuickCaptureDialog] = []

    def fake_exec(dialog):
        captured.append(dialog)
        type_text(dialog.search, "Probe, Paula")
        while dialog.results.currentIndex().row() < dialog.model.rowCount() - 1:
            qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
        offered = [dialog.district.itemText(i) for i in range(dialog.district.count())]
        assert offered == ["unbekannt", "Kappel", "Hutholz", "außerhalb"]
        choose(dialog.district, dialog.district.itemData(offered.index("Hutholz")))
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        return dialog.result()

    monkeypatch.setattr(QuickCaptureDialog, "exec", fake_exec)
    window.quick_capture()
    assert captured[0].result() == QDialog.DialogCode.Accepted
    by_district = year_stats(ws).by_district
    assert by_district["Hutholz"] == 1
    assert by_district["unbekannt"] == 0 and by_district["Kappel"] == 0
    # the Personen filter offers the new districts too (refilled on the change)
    persons_page = window.show_section("Personen")
    assert persons_page.district.findText("Hutholz") >= 0


def test_merging_two_themen_moves_their_requests_and_statistics_follow(qtbot, ws, page, monkeypatch):
    with ws.uow() as uow:
        cats = {c.name: c.id for c in lists.list_categories(uow)}
        p = persons.create_person(uow, last_name="Probe")
        for i in range(3):
            requests.create_request(uow, person_id=p.id, title=f"Anliegen {i}", category_id=cats["Sonstiges"],
                                    opened_on=TODAY)
        requests.create_request(uow, person_id=p.id, title="Strom", category_id=cats["Schulden und Finanzen"],
                                opened_on=TODAY)
    before = year_stats(ws).requests_by_category
    assert (before["Sonstiges"], before["Schulden und Finanzen"]) == (3, 1)

    editor = page.show_list("categories")
    editor.reload()
    click_row(qtbot, editor.view, shown_names(editor).index("Sonstiges"))
    assert not editor.delete_button.isEnabled()  # used: only merge or deactivate
    previews: list[str] = []

    def fake_exec(dialog: MergeDialog):
        choose(dialog.target, cats["Schulden und Finanzen"])
        previews.append(dialog.preview.text())
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Save))
        return dialog.result()

    monkeypatch.setattr(MergeDialog, "exec", fake_exec)
    click(qtbot, editor.merge_button)
    assert "Anliegen: <b>3</b>" in previews[0] and "Kontakte: <b>0</b>" in previews[0]
    after = year_stats(ws).requests_by_category
    assert after["Schulden und Finanzen"] == 4 and "Sonstiges" not in after
    with ws.uow(read_only=True) as uow:
        assert {r.category_id for r in requests.list_requests(uow)} == {cats["Schulden und Finanzen"]}
    assert "Sonstiges" not in shown_names(editor)
    assert editor.current().name == "Schulden und Finanzen"


# --------------------------------------------------------------------------- the list editor


def test_list_models_pass_the_model_tester(qtbot, qtmodeltester, page):
    for kind in lists.KINDS:
        model = page.editors[kind].model
        assert isinstance(model, ListEntriesModel) and model.rowCount() > 0
        qtmodeltester.check(model)


def test_rename_order_deactivate_and_delete_with_the_buttons(qtbot, ws, page, monkeypatch):
    editor = page.show_list("districts")
    name_dialog_types(monkeypatch, "Kapel")
    click(qtbot, editor.new_button)
    name_dialog_types(monkeypatch, "Kappel")
    editor.view.doubleClicked.emit(editor.view.currentIndex())  # double-click renames
    name_dialog_types(monkeypatch, "Hutholz")
    click(qtbot, editor.new_button)
    assert district_names(ws) == ["Kappel", "Hutholz", "außerhalb"]
    assert editor.current().name == "Hutholz"
    click(qtbot, editor.up_button)
    assert district_names(ws) == ["Hutholz", "Kappel", "außerhalb"]
    assert not editor.up_button.isEnabled()
    page.activateWindow()
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus)
    qtbot.keyClick(editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert district_names(ws) == ["Kappel", "Hutholz", "außerhalb"]

    click(qtbot, editor.active_button)
    assert editor.active_button.text() == "Aktivieren"
    with ws.uow(read_only=True) as uow:
        assert "Hutholz" not in [d.name for d in lists.list_districts(uow, active_only=True)]
    dialog = PersonDialog(page.ctx)
    qtbot.addWidget(dialog)
    assert dialog.district.findText("Hutholz") < 0

    asked: list[str] = []
    monkeypatch.setattr(ListEditor, "confirm_delete", staticmethod(lambda parent, text: asked.append(text) or True))
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert asked == ["Stadtgebiet „Hutholz“ löschen?"]
    assert district_names(ws) == ["Kappel", "außerhalb"]


def test_duplicate_name_shows_the_german_message_at_the_field(qtbot, ws, page, monkeypatch):
    opened = name_dialog_types(monkeypatch, "sucht")
    editor = page.show_list("categories")
    before = shown_names(editor)
    click(qtbot, editor.new_button)
    assert opened[0].form.error_text("name") == "Dieses Thema gibt es schon."
    assert opened[0].result() != QDialog.DialogCode.Accepted
    assert shown_names(editor) == before


def test_streets_editor_saves_the_streets_of_the_chosen_district(qtbot, ws, page, monkeypatch):
    editor = page.show_list("districts")
    name_dialog_types(monkeypatch, "Kappel")
    click(qtbot, editor.new_button)
    streets = editor.streets
    assert "Kappel" in streets.title.text()
    streets.edit.setPlainText("Zwickauer Straße\nMüllerweg\nBö\x00se")
    click(qtbot, streets.save_button)
    assert streets.form.error_text("streets").startswith("Zeile 3:")
    streets.edit.setPlainText("Zwickauer Straße\nMüllerweg\n")
    click(qtbot, streets.save_button)
    assert streets.form.error_text("streets") == ""
    with ws.uow(read_only=True) as uow:
        kappel = next(d for d in lists.list_districts(uow) if d.name == "Kappel")
        assert [s.name for s in lists.streets(uow, kappel.id)] == ["Müllerweg", "Zwickauer Straße"]
    assert editor.model.index(editor.model.row_of_id(kappel.id), 3).data() == "2"


# --------------------------------------------------------------------------- person dialog


@pytest.fixture
def streets(ws):
    with ws.uow() as uow:
        kappel = lists.add_entry(uow, "districts", "Kappel")
        hutholz = lists.add_entry(uow, "districts", "Hutholz")
        lists.set_streets(uow, kappel.id, "Zwickauer Straße\nMüllerweg")
        lists.set_streets(uow, hutholz.id, "Am Harthwald")
    return kappel, hutholz


def test_typing_the_street_suggests_the_district_and_her_choice_wins(qtbot, ws, ctx, streets):
    kappel, hutholz = streets
    dialog = PersonDialog(ctx)
    qtbot.addWidget(dialog)
    type_text(dialog.last_name, "Probe")
    type_text(dialog.street, "Müllerweg 12a")
    assert dialog.district.currentData() == kappel.id
    assert "Kappel" in dialog.street_hint.text() and not dialog.street_hint.isHidden()
    for _ in range(len("Müllerweg 12a")):
        qtbot.keyClick(dialog.street, Qt.Key.Key_Backspace)
    type_text(dialog.street, "Unbekannte Gasse 1")
    assert dialog.district.currentData() is None  # only a suggestion: taken back
    assert dialog.street_hint.isHidden()

    choose(dialog.district, hutholz.id)  # her own choice
    dialog.street.clear()
    type_text(dialog.street, "Zwickauer Str. 5")
    assert dialog.district.currentData() == hutholz.id
    assert dialog.street_hint.text() == "Laut Straßenliste gehört die Straße zu Kappel."
    dialog._save()
    with ws.uow(read_only=True) as uow:
        (p,) = persons.list_persons(uow)
    assert (p.street, p.district_id) == ("Zwickauer Str. 5", hutholz.id)


def test_an_existing_persons_district_is_not_overwritten(qtbot, ws, ctx, streets):
    kappel, hutholz = streets
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Probe", district_id=hutholz.id)
    dialog = PersonDialog(ctx, p)
    qtbot.addWidget(dialog)
    type_text(dialog.street, "Müllerweg 1")
    assert dialog.district.currentData() == hutholz.id
    assert "Kappel" in dialog.street_hint.text()


# --------------------------------------------------------------------------- first start


def test_first_start_saves_letterhead_and_districts_and_einstellungen_shows_them(qtbot, ws, window):
    dialog = FirstStartDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    type_text(dialog.letterhead.edits["office_name"], "Stadtteilbüro Süd")
    type_text(dialog.letterhead.edits["phone"], "0371 000000")
    dialog.districts.setPlainText("Kappel\n\nHutholz\n")
    dialog._save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        assert settings.get_letterhead(uow).office_name == "Stadtteilbüro Süd"
    assert district_names(ws) == ["Kappel", "Hutholz", "außerhalb"]
    page = window.show_section("Einstellungen")  # no restart needed
    assert page.letterhead.edits["office_name"].text() == "Stadtteilbüro Süd"
    assert page.letterhead.edits["phone"].text() == "0371 000000"
    assert shown_names(page.editors["districts"]) == ["Kappel", "Hutholz", "außerhalb"]


def test_first_start_with_a_bad_district_writes_nothing(qtbot, ws, window):
    dialog = FirstStartDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    type_text(dialog.letterhead.edits["office_name"], "Stadtteilbüro Süd")
    dialog.districts.setPlainText("Kappel\n" + "x" * 81)
    dialog._save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.districts_form.error_text("districts").startswith("Zeile 2: Höchstens 80 Zeichen")
    with ws.uow(read_only=True) as uow:
        assert settings.get_letterhead(uow).is_empty
    assert district_names(ws) == ["außerhalb"]


def test_first_start_later_writes_nothing_and_only_districts_is_fine(qtbot, ws, window):
    dialog = FirstStartDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Cancel).text() == "Später"
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert district_names(ws) == ["außerhalb"]

    dialog = FirstStartDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.districts.setPlainText("Morgenleite")
    dialog._save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert district_names(ws) == ["Morgenleite", "außerhalb"]
    with ws.uow(read_only=True) as uow:
        assert settings.get_letterhead(uow).is_empty


def test_first_start_with_a_bad_letterhead_does_not_keep_the_districts_either(qtbot, ws, window):
    dialog = FirstStartDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    type_text(dialog.letterhead.edits["office_name"], "Stadtteilbüro Süd")
    type_text(dialog.letterhead.edits["email"], "buero@")
    dialog.districts.setPlainText("Kappel\nHutholz")
    dialog._save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.letterhead.form.error_text("email").startswith("Das sieht nicht wie eine E-Mail-Adresse aus")
    assert district_names(ws) == ["außerhalb"]
    with ws.uow(read_only=True) as uow:
        assert settings.get_letterhead(uow).is_empty

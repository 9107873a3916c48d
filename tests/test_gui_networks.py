"""Netzwerk with the real widgets: the network form, the list's filters, members added by
name, the meeting editor (participants anwesend/entschuldigt, agenda items with minutes and
decisions), an action item from a minute line that carries over to the next meeting until it
is ticked done — every write checked in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kuemmerer.services import networks, partners, persons, validation
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.meeting import ActionItemDialog, MeetingDialog
from kuemmerer.ui.dialogs.network import NetworkDialog
from kuemmerer.ui.pages.networks import NetworkDetail, NetworksPage
from kuemmerer.ui.widgets import GuardedDialog
from tests.gui_helpers import choose, click, click_row, de, tick, type_text
from tests.test_service_validation import snapshot

pytestmark = [
    pytest.mark.gui,
    # the name look-up's pop-up list: offscreen has no window manager to raise it or grab keys
    pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)"),
]

D = dt.date
TODAY = D(2026, 3, 20)


# --------------------------------------------------------------------------- helpers


def press(widget, key=Qt.Key.Key_Return) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def save_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def shown_names(page: NetworksPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def search_for(qtbot, page: NetworksPage, text: str) -> None:
    page.search.clear()
    page.search.setFocus()
    type_text(page.search, text)
    qtbot.waitUntil(lambda: not page._debounce.isActive(), timeout=2000)


def space_on(qtbot, view, row: int, column: int) -> None:
    """Tick or untick the check box in a cell with the keyboard, as she does."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_Space)


def row_named(model, name: str) -> int:
    return next(n for n, r in enumerate(model.rows) if getattr(r, "name", getattr(r, "title", None)) == name)


def open_editor(qtbot, ctx, network, meeting=None) -> MeetingDialog:
    d = MeetingDialog(ctx, network, meeting)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


# --------------------------------------------------------------------------- data


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def data(ws):
    with ws.uow() as uow:
        caritas = partners.create_organisation(uow, name="Caritas Kassel", kind="beratungsstelle")
        baeckerei = partners.create_organisation(uow, name="Bäckerei Körnerglück", kind="unternehmen")
        wohnbau = partners.create_organisation(uow, name="Wohnbau Süd eG", kind="wohnungsunternehmen")
        anna = persons.create_person(uow, last_name="Özdemir", first_name="Anna")
        paul = persons.create_person(uow, last_name="Glöckner", first_name="Paul")
        ak = networks.create_network(uow, name="AK Soziales", kind="arbeitskreis", rhythm="jeden 2. Mittwoch",
                                     description="Beratungsstellen im Süden")
        gewerbe = networks.create_network(uow, name="Gewerbestammtisch Markersdorf", kind="gewerbestammtisch")
        alt = networks.create_network(uow, name="Lenkungsgruppe Soziale Stadt", kind="gremium", active=False)
        networks.add_member(uow, network_id=ak.id, organisation_id=caritas.id, role="Sprecherin")
        networks.add_member(uow, network_id=ak.id, organisation_id=wohnbau.id)
        networks.add_member(uow, network_id=ak.id, person_id=anna.id, role="Bewohnervertretung")
        networks.add_member(uow, network_id=gewerbe.id, organisation_id=baeckerei.id)
        jan = networks.create_meeting(uow, network_id=ak.id, date=D(2026, 1, 14), start_time="09:30",
                                      end_time="11:30", location="Bürgerhaus Hutholz")
        feb = networks.create_meeting(uow, network_id=ak.id, date=D(2026, 2, 11), start_time="09:30")
        mar = networks.create_meeting(uow, network_id=ak.id, date=D(2026, 3, 11), start_time="09:30")
        apr = networks.create_meeting(uow, network_id=ak.id, date=D(2026, 4, 8), start_time="09:30")
    return {"caritas": caritas, "baeckerei": baeckerei, "wohnbau": wohnbau, "anna": anna, "paul": paul, "ak": ak,
            "gewerbe": gewerbe, "alt": alt, "jan": jan, "feb": feb, "mar": mar, "apr": apr}


@pytest.fixture
def page(qtbot, ctx, data):
    p = NetworksPage(ctx)
    qtbot.addWidget(p)
    p.resize(1180, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


# --------------------------------------------------------------------------- the network form


def test_the_network_form_says_what_is_missing_and_writes_what_she_typed(qtbot, ctx, ws, data, monkeypatch):
    d = NetworkDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    type_text(d.rhythm, "jeden letzten Donnerstag, 18:30 Uhr")
    click(qtbot, save_button(d))
    assert d.form.error_text("name") != ""  # a German message next to the name, nothing written
    assert d.isVisible()
    with ws.uow(read_only=True) as uow:
        assert len(networks.list_networks(uow)) == 3
    type_text(d.name, "AK Soziales")  # taken already
    click(qtbot, save_button(d))
    assert d.form.error_text("name") == "Dieses Netzwerk gibt es schon."
    d.name.selectAll()
    type_text(d.name, "Stadtteilrunde Hutholz")
    choose(d.kind, "stadtteilrunde")
    d.description.setFocus()
    type_text(d.description, "Offene Runde für alle")
    tick(qtbot, d.active)  # unticked: meets no more
    press(d.name)  # Enter saves
    assert not d.isVisible() and d.saved is not None
    with ws.uow(read_only=True) as uow:
        stored = networks.networks.get(uow, d.saved.id)
    assert (stored.name, stored.kind, stored.rhythm, stored.description, stored.active) == (
        "Stadtteilrunde Hutholz", "stadtteilrunde", "jeden letzten Donnerstag, 18:30 Uhr", "Offene Runde für alle",
        False)

    edit = NetworkDialog(ctx, stored)
    qtbot.addWidget(edit)
    assert (edit.name.text(), edit.kind.currentData(), edit.active.isChecked()) == (
        "Stadtteilrunde Hutholz", "stadtteilrunde", False)
    asked: list[str] = []

    def keep_editing(cls, parent) -> bool:
        asked.append(parent.windowTitle())
        return False

    monkeypatch.setattr(GuardedDialog, "confirm_discard", classmethod(keep_editing))
    edit.show()
    type_text(edit.rhythm, "x")
    press(edit, Qt.Key.Key_Escape)  # something typed: she is asked, and keeps editing
    assert asked == ["Netzwerk bearbeiten"] and edit.isVisible()


# --------------------------------------------------------------------------- list, filters, members


def test_search_and_only_active_narrow_the_real_table(qtbot, page, data, ws):
    assert shown_names(page) == ["AK Soziales", "Gewerbestammtisch Markersdorf"]  # active ones only
    assert page.count_label.text() == "2 von 3"
    row = page.model.row_of_id(data["ak"].id)
    assert [page.model.index(row, c).data() for c in range(6)] == [
        "AK Soziales", "Arbeitskreis", "jeden 2. Mittwoch", "3", "08.04.2026", ""]
    tick(qtbot, page.active_only)
    assert shown_names(page) == ["AK Soziales", "Gewerbestammtisch Markersdorf",
                                 "Lenkungsgruppe Soziale Stadt (nicht mehr aktiv)"]
    assert page.count_label.text() == "3 Netzwerke"
    search_for(qtbot, page, "gewerbe")
    assert shown_names(page) == ["Gewerbestammtisch Markersdorf"]
    assert page.detail.network is not None and page.detail.network.id == data["gewerbe"].id
    search_for(qtbot, page, "suden")  # folded, and in the description
    assert shown_names(page) == ["AK Soziales"]
    search_for(qtbot, page, "Lenkung")
    assert shown_names(page) == ["Lenkungsgruppe Soziale Stadt (nicht mehr aktiv)"]
    tick(qtbot, page.active_only)
    assert shown_names(page) == [] and page.detail.network is None
    assert page.detail.header.text() == "<i>Kein Netzwerk ausgewählt.</i>"


def test_members_are_added_by_name_with_a_role_changed_and_removed(qtbot, page, data, ws, monkeypatch):
    click_row(qtbot, page.view, page.model.row_of_id(data["gewerbe"].id))
    detail = page.detail
    assert [r.name for r in detail.members_model.rows] == ["Bäckerei Körnerglück"]
    type_text(detail.role, "Gastgeber")
    detail.add_member_field.setFocus()
    type_text(detail.add_member_field, "wohnbau")
    assert [h.name for h in detail.member_lookup.model.hits] == ["Wohnbau Süd eG"]
    press(detail.add_member_field)
    type_text(detail.add_member_field, "glockner")  # a person, found without the umlaut
    press(detail.add_member_field)
    with ws.uow(read_only=True) as uow:
        stored = {(m.organisation_id, m.person_id, m.role) for m in networks.list_members(uow, data["gewerbe"].id)}
    assert stored == {(data["baeckerei"].id, None, None), (data["wohnbau"].id, None, "Gastgeber"),
                      (None, data["paul"].id, None)}
    assert [r.name for r in detail.members_model.rows] == ["Bäckerei Körnerglück", "Glöckner, Paul",
                                                           "Wohnbau Süd eG"]
    assert page.model.index(page.model.row_of_id(data["gewerbe"].id), 3).data() == "3"
    type_text(detail.add_member_field, "Körnerglück")  # a member already: not offered again
    assert detail.member_lookup.model.hits == []
    detail.add_member_field.clear()

    monkeypatch.setattr(NetworkDetail, "ask_role", classmethod(lambda cls, parent, name, role: "Kasse"))
    click_row(qtbot, detail.members_view, row_named(detail.members_model, "Glöckner, Paul"))
    click(qtbot, detail.role_button)
    monkeypatch.setattr(NetworkDetail, "confirm_remove", classmethod(lambda cls, parent, title, text: True))
    click_row(qtbot, detail.members_view, row_named(detail.members_model, "Wohnbau Süd eG"))
    click(qtbot, detail.remove_member_button)
    with ws.uow(read_only=True) as uow:
        stored = {(m.organisation_id, m.person_id, m.role) for m in networks.list_members(uow, data["gewerbe"].id)}
    assert stored == {(data["baeckerei"].id, None, None), (None, data["paul"].id, "Kasse")}


# --------------------------------------------------------------------------- the meeting editor


def test_the_meeting_editor_writes_participants_and_agenda_items_with_minutes_and_decisions(
        qtbot, page, ctx, data, ws, monkeypatch):
    """„Neue Sitzung…“ on the page: members are pre-listed, she ticks anwesend/entschuldigt,
    adds a guest by name, types the agenda, reorders it, writes minutes and a decision."""
    edited = []

    def fill(dialog):
        edited.append(dialog)
        dialog.show()
        assert dialog.windowTitle() == "Neue Sitzung"
        assert dialog.start_time.text() == "09:30"  # from the last meeting
        m = dialog.participants_model
        assert [(r.name, r.state) for r in m.rows] == [("Caritas Kassel", None), ("Wohnbau Süd eG", None),
                                                       ("Özdemir, Anna", None)]
        dialog.date.edit.selectAll()
        type_text(dialog.date.edit, de(D(2026, 3, 18)))
        space_on(qtbot, dialog.participants_view, row_named(m, "Caritas Kassel"), 2)  # anwesend
        space_on(qtbot, dialog.participants_view, row_named(m, "Özdemir, Anna"), 3)  # entschuldigt
        space_on(qtbot, dialog.participants_view, row_named(m, "Wohnbau Süd eG"), 3)
        space_on(qtbot, dialog.participants_view, row_named(m, "Wohnbau Süd eG"), 2)  # changed her mind: anwesend
        dialog.add_participant.setFocus()
        type_text(dialog.add_participant, "Bäckerei")
        press(dialog.add_participant)  # Enter picks — and does not save the dialog
        assert dialog.isVisible()
        assert dialog.participants_summary.text() == "<b>3</b> anwesend, <b>1</b> entschuldigt"
        dialog.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
        for title in ("Berichte aus den Einrichtungen", "Planung Stadtteilfest", "Verschiedenes"):
            dialog.new_point.setFocus()
            type_text(dialog.new_point, title)
            press(dialog.new_point)
        assert dialog.isVisible()
        click_row(qtbot, dialog.points_view, 1)
        click(qtbot, dialog.up_button)  # the Stadtteilfest first
        assert [p.title for p in dialog.points_model.rows] == ["Planung Stadtteilfest",
                                                               "Berichte aus den Einrichtungen", "Verschiedenes"]
        assert dialog.points_model.index(0, 0).data() == "1"
        dialog.point_minutes.setFocus()
        type_text(dialog.point_minutes, "Termin steht: 13. Juni.")
        type_text(dialog.point_decision, "Das Büro beantragt die Mittel.")
        click_row(qtbot, dialog.points_view, 1)
        type_text(dialog.point_minutes, "Caritas: neue Sprechzeiten.")
        click_row(qtbot, dialog.points_view, 0)  # back: what she wrote is still there
        assert dialog.point_minutes.toPlainText() == "Termin steht: 13. Juni."
        assert dialog.points_model.index(0, 3).data() == "✓"
        click(qtbot, save_button(dialog))
        return dialog.result()

    monkeypatch.setattr(NetworkDetail, "exec_dialog", classmethod(lambda cls, dialog: fill(dialog)))
    click_row(qtbot, page.view, page.model.row_of_id(data["ak"].id))
    click(qtbot, page.detail.new_meeting_button)
    dialog = edited[0]
    assert not dialog.isVisible() and dialog.saved is not None
    with ws.uow(read_only=True) as uow:
        meeting = networks.meetings.get(uow, dialog.saved.id)
        parts = {(p.organisation_id, p.person_id, p.attended) for p in networks.list_participants(uow, meeting.id)}
        agenda = [(a.position, a.title, a.minutes, a.decision) for a in networks.list_agenda(uow, meeting.id)]
    assert (meeting.date, meeting.start_time, meeting.location) == (D(2026, 3, 18), dt.time(9, 30), None)
    assert parts == {(data["caritas"].id, None, True), (data["wohnbau"].id, None, True),
                     (data["baeckerei"].id, None, True), (None, data["anna"].id, False)}
    assert agenda == [(1, "Planung Stadtteilfest", "Termin steht: 13. Juni.", "Das Büro beantragt die Mittel."),
                      (2, "Berichte aus den Einrichtungen", "Caritas: neue Sprechzeiten.", None),
                      (3, "Verschiedenes", None, None)]
    # the page shows it, with the counts
    detail = page.detail
    row = detail.meetings_model.row_of_id(meeting.id)
    assert [detail.meetings_model.index(row, c).data() for c in (0, 1, 3, 4)] == ["Mi 18.03.2026", "09:30", "3", "1"]

    # editing again: as stored; Anna no longer excused, a guest taken off, a point deleted
    again = open_editor(qtbot, ctx, data["ak"], meeting)
    m = again.participants_model
    assert [(r.name, r.state) for r in m.rows] == [
        ("Bäckerei Körnerglück", "anwesend"), ("Caritas Kassel", "anwesend"), ("Wohnbau Süd eG", "anwesend"),
        ("Özdemir, Anna", "entschuldigt")]
    space_on(qtbot, again.participants_view, row_named(m, "Özdemir, Anna"), 3)
    click_row(qtbot, again.participants_view, row_named(m, "Bäckerei Körnerglück"))
    click(qtbot, again.remove_participant_button)
    monkeypatch.setattr(MeetingDialog, "confirm_remove", classmethod(lambda cls, parent, title, text: True))
    again.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    click_row(qtbot, again.points_view, 1)
    click(qtbot, again.delete_point_button)
    click(qtbot, save_button(again))
    with ws.uow(read_only=True) as uow:
        parts = {(p.organisation_id, p.person_id, p.attended) for p in networks.list_participants(uow, meeting.id)}
        titles = [(a.position, a.title) for a in networks.list_agenda(uow, meeting.id)]
    assert parts == {(data["caritas"].id, None, True), (data["wohnbau"].id, None, True)}
    assert titles == [(1, "Planung Stadtteilfest"), (2, "Verschiedenes")]


def test_bad_times_are_named_at_the_field_and_nothing_is_lost(qtbot, ctx, data, ws):
    d = open_editor(qtbot, ctx, data["ak"], data["jan"])
    d.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    type_text(d.new_point, "Neuer Punkt")
    press(d.new_point)
    d.end_time.selectAll()
    type_text(d.end_time, "08:00")  # before the start
    click(qtbot, save_button(d))
    assert d.isVisible() and d.form.error_text("start_time") == "Das Ende muss nach dem Beginn liegen."
    assert [p.title for p in d.points_model.rows] == ["Neuer Punkt"]
    with ws.uow(read_only=True) as uow:
        assert networks.list_agenda(uow, data["jan"].id) == []


def test_an_action_item_from_a_minute_line_carries_over_until_it_is_ticked_done(qtbot, ctx, data, ws, monkeypatch):
    """January: a point, its minutes and „Aufgabe aus diesem Punkt…“ for Caritas. February's
    editor lists it under „Offene Aufgaben“; ticked done there, March's no longer does."""

    def fill_task(dialog):
        assert isinstance(dialog, ActionItemDialog)
        dialog.show()
        type_text(dialog.title, "Raum für das Fest anfragen")
        dialog.due.edit.setFocus()
        type_text(dialog.due.edit, "01.01.2026")  # before the meeting: named, nothing taken
        click(qtbot, save_button(dialog))
        assert dialog.isVisible() and dialog.form.error_text("due_on") == "Die Frist kann nicht vor der Sitzung liegen."
        dialog.due.edit.selectAll()
        type_text(dialog.due.edit, "31.01.2026")
        choose(dialog.owner_box, f"org:{data['caritas'].id}")
        click(qtbot, save_button(dialog))
        return dialog.result()

    monkeypatch.setattr(MeetingDialog, "exec_dialog", classmethod(lambda cls, dialog: fill_task(dialog)))
    jan = open_editor(qtbot, ctx, data["ak"], data["jan"])
    jan.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    type_text(jan.new_point, "Planung Stadtteilfest")
    press(jan.new_point)
    jan.point_minutes.setFocus()
    type_text(jan.point_minutes, "Ein Raum wird gebraucht.")
    click(qtbot, jan.task_button)
    assert [(a.title, a.owner_name, a.due_on) for a in jan.actions_model.rows] == [
        ("Raum für das Fest anfragen", "Caritas Kassel", D(2026, 1, 31))]
    assert jan.actions_model.index(0, 2).data() == "Planung Stadtteilfest"
    click(qtbot, save_button(jan))
    assert not jan.isVisible()
    with ws.uow(read_only=True) as uow:
        (item,) = networks.list_action_items(uow, data["jan"].id)
        (point,) = networks.list_agenda(uow, data["jan"].id)
    assert (item.title, item.owner_organisation_id, item.due_on, item.done_on, item.agenda_item_id) == (
        "Raum für das Fest anfragen", data["caritas"].id, D(2026, 1, 31), None, point.id)

    feb = open_editor(qtbot, ctx, data["ak"], data["feb"])
    assert [(a.title, a.owner_name, a.origin, a.done) for a in feb.open_model.rows] == [
        ("Raum für das Fest anfragen", "Caritas Kassel", "14.01.2026", False)]
    assert feb.open_box.title() == "Offene Aufgaben (1 offen)"
    feb.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    space_on(qtbot, feb.open_view, 0, 0)  # erledigt
    assert feb.open_box.title() == "Offene Aufgaben (0 offen)"
    click(qtbot, save_button(feb))
    with ws.uow(read_only=True) as uow:
        assert networks.action_items.get(uow, item.id).done_on == D(2026, 2, 11)  # on the meeting's day

    mar = open_editor(qtbot, ctx, data["ak"], data["mar"])
    assert mar.open_model.rows == []  # done: gone from the later meetings' agenda
    assert mar.open_box.title() == "Offene Aufgaben (keine)"
    feb_again = open_editor(qtbot, ctx, data["ak"], data["feb"])
    assert [(a.title, a.done) for a in feb_again.open_model.rows] == [("Raum für das Fest anfragen", True)]
    assert feb_again.open_model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_her_own_item_for_a_meeting_ahead_and_the_task_list(qtbot, ctx, data, ws, monkeypatch):
    """„ich (Koordinatorin)“ as owner; an item without a point; an item deleted again."""

    def fill_task(dialog):
        dialog.show()
        type_text(dialog.title, "Einladung verschicken")
        assert dialog.owner_box.currentText() == "ich (Koordinatorin)"
        click(qtbot, save_button(dialog))
        return dialog.result()

    monkeypatch.setattr(MeetingDialog, "exec_dialog", classmethod(lambda cls, dialog: fill_task(dialog)))
    d = open_editor(qtbot, ctx, data["ak"], data["mar"])
    d.tabs.setCurrentIndex(MeetingDialog.TAB_ACTIONS)
    click(qtbot, d.new_task_button)
    assert d.actions_model.index(0, 1).data() == "Einladung verschicken (neu)"
    click(qtbot, save_button(d))
    with ws.uow(read_only=True) as uow:
        (item,) = networks.list_action_items(uow, data["mar"].id)
    assert (item.owner_text, item.agenda_item_id, item.owner_person_id) == ("Koordinatorin", None, None)
    apr = open_editor(qtbot, ctx, data["ak"], data["apr"])
    assert [a.owner_name for a in apr.open_model.rows] == ["ich (Koordinatorin)"]

    monkeypatch.setattr(MeetingDialog, "confirm_remove", classmethod(lambda cls, parent, title, text: True))
    d = open_editor(qtbot, ctx, data["ak"], data["mar"])
    d.tabs.setCurrentIndex(MeetingDialog.TAB_ACTIONS)
    click_row(qtbot, d.actions_view, 0)
    click(qtbot, d.delete_task_button)
    click(qtbot, save_button(d))
    with ws.uow(read_only=True) as uow:
        assert networks.list_action_items(uow, data["mar"].id) == []


def test_a_bad_action_item_stops_the_whole_save_and_is_named_on_its_tab(qtbot, ctx, data, ws, monkeypatch):
    """Saving is all or nothing: a point, a participant and a task are typed, then the meeting
    is moved past the task's deadline. „Speichern“ names the task and its problem and writes
    nothing — not even the new date; put right, one more „Speichern“ writes all of it."""

    def fill_task(dialog):
        dialog.show()
        type_text(dialog.title, "Raum für das Fest anfragen")
        dialog.due.edit.setFocus()
        type_text(dialog.due.edit, "31.01.2026")  # fine for the meeting on 14.01.
        click(qtbot, save_button(dialog))
        return dialog.result()

    monkeypatch.setattr(MeetingDialog, "exec_dialog", classmethod(lambda cls, dialog: fill_task(dialog)))
    before = snapshot(ws)
    d = open_editor(qtbot, ctx, data["ak"], data["jan"])
    space_on(qtbot, d.participants_view, row_named(d.participants_model, "Caritas Kassel"), 2)
    d.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    type_text(d.new_point, "Planung Stadtteilfest")
    press(d.new_point)
    click(qtbot, d.task_button)
    d.tabs.setCurrentIndex(MeetingDialog.TAB_PARTICIPANTS)
    d.date.edit.selectAll()
    type_text(d.date.edit, "05.02.2026")  # the meeting moves past the deadline
    click(qtbot, save_button(d))
    assert d.isVisible()
    assert d.save_error.isVisible() and d.save_error.text() == (
        "Nichts gespeichert – bitte korrigieren: Aufgabe „Raum für das Fest anfragen“: "
        "Die Frist kann nicht vor der Sitzung liegen.")
    assert d.tabs.currentIndex() == MeetingDialog.TAB_ACTIONS
    assert d.actions_view.currentIndex().row() == 0
    assert snapshot(ws) == before  # nothing at all: no date, no point, no participant, no task
    # nothing she typed is lost; she puts the date right and saves again
    assert [p.title for p in d.points_model.rows] == ["Planung Stadtteilfest"]
    d.date.edit.selectAll()
    type_text(d.date.edit, "21.01.2026")
    click(qtbot, save_button(d))
    assert not d.isVisible()
    with ws.uow(read_only=True) as uow:
        assert networks.meetings.get(uow, data["jan"].id).date == D(2026, 1, 21)
        (point,) = networks.list_agenda(uow, data["jan"].id)
        (item,) = networks.list_action_items(uow, data["jan"].id)
        parts = [(p.organisation_id, p.attended) for p in networks.list_participants(uow, data["jan"].id)]
    assert (item.title, item.agenda_item_id, item.due_on) == ("Raum für das Fest anfragen", point.id, D(2026, 1, 31))
    assert parts == [(data["caritas"].id, True)]


def test_a_point_without_a_title_is_named_at_its_title_and_nothing_is_written(qtbot, ctx, data, ws):
    d = open_editor(qtbot, ctx, data["ak"], data["feb"])
    d.tabs.setCurrentIndex(MeetingDialog.TAB_AGENDA)
    for title in ("Berichte", "Verschiedenes"):
        type_text(d.new_point, title)
        press(d.new_point)
    click_row(qtbot, d.points_view, 1)
    d.point_title.selectAll()
    press(d.point_title, Qt.Key.Key_Delete)  # the title is gone
    click_row(qtbot, d.points_view, 0)
    d.location.setText("Bürgerhaus")
    before = snapshot(ws)
    click(qtbot, save_button(d))
    assert d.isVisible() and d.points_view.currentIndex().row() == 1  # the point in question is shown
    assert d.point_form.error_text("point_title") == "Bitte ausfüllen."
    assert d.save_error.text() == "Nichts gespeichert – bitte korrigieren: Punkt 2: Bitte ausfüllen."
    assert snapshot(ws) == before


# --------------------------------------------------------------------------- models


def test_every_model_passes_the_model_tester(qtbot, qtmodeltester, page, ctx, data, ws):
    with ws.uow() as uow:
        networks.create_action_item(uow, meeting_id=data["jan"].id, title="Flyer drucken", owner_text="Koordinatorin")
        networks.add_agenda_item(uow, meeting_id=data["feb"].id, title="Berichte", minutes="…")
        networks.add_participant(uow, meeting_id=data["feb"].id, organisation_id=data["caritas"].id)
    page.reload()
    click_row(qtbot, page.view, page.model.row_of_id(data["ak"].id))
    type_text(page.detail.add_member_field, "a")
    for model in (page.model, page.detail.members_model, page.detail.meetings_model, page.detail.member_lookup.model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)
    d = open_editor(qtbot, ctx, data["ak"], data["feb"])
    type_text(d.add_participant, "a")
    for model in (d.participants_model, d.points_model, d.open_model, d.participant_lookup.model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)
    qtmodeltester.check(d.actions_model)

"""Ehrenamt with the real widgets (issue 13 §1, §2): the volunteer form saves every field and
its Führungszeugnis group takes nothing but the three allowed values; „Wer kann helfen?“
narrows the table exactly as the services do; an inquiry noted there updates the counts;
the status filter and the search; the detail tells when the clearance data are removed.
Every write is checked in the database afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from kuemmerer.domain import availability
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import activities, matching, persons, validation, volunteers
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.inquiry import InquiryDialog
from kuemmerer.ui.dialogs.person import PersonDialog
from kuemmerer.ui.dialogs.volunteer import VolunteerDialog, split_tags
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.volunteers import RenewalYearsBox, VolunteersPage
from kuemmerer.ui.widgets import DateField
from tests.gui_helpers import choose, click, click_row, de, tick, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window and for the completion pop-up
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                              r"This plugin does not support raise\(\)",
                              r"This plugin does not support grabbing the keyboard"),
]

D = dt.date
TODAY = D(2026, 3, 10)  # a Tuesday; the one clock of services and UI is set to it
TUE_AFTERNOON, THU_EVENING = (1, 1), (3, 2)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


def make_volunteer(uow, last, first, *, skills=(), languages=(), interests=(), slots=(), **kw):
    p = persons.create_person(uow, last_name=last, first_name=first, phone=f"0371 {len(last)}00")
    tags = [("faehigkeit", s) for s in skills] + [("sprache", s) for s in languages] + \
        [("interesse", s) for s in interests]
    return volunteers.create_volunteer(uow, person_id=p.id, tags=tags, availability_slots=list(slots), **kw)


@pytest.fixture
def team(ws):
    """Six volunteers: two active ones speak Arabic and are free on Tuesday afternoons."""
    with ws.uow() as uow:
        both = make_volunteer(uow, "Haddad", "Amira", languages=["Arabisch", "Deutsch"], skills=["Kochen"],
                              slots=[TUE_AFTERNOON, THU_EVENING], started_on=D(2024, 5, 1))
        only_language = make_volunteer(uow, "Nasser", "Omar", languages=["Arabisch"], slots=[THU_EVENING])
        only_time = make_volunteer(uow, "Yilmaz", "Deniz", languages=["Türkisch"], slots=[TUE_AFTERNOON])
        paused = make_volunteer(uow, "Pausch", "Petra", languages=["arabisch"], slots=[TUE_AFTERNOON],
                                status="pausiert")
        ended = make_volunteer(uow, "Müller", "Jürgen", languages=["Arabisch"], slots=[TUE_AFTERNOON],
                               started_on=D(2020, 1, 1), ended_on=D(2026, 1, 31),
                               clearance_seen_on=D(2021, 3, 10), clearance_issued_on=D(2021, 3, 1),
                               clearance_relevant_entry=False)
        small = make_volunteer(uow, "Klein", "Karim", languages=["arabisch"], skills=["kochen"],
                               slots=[TUE_AFTERNOON], clearance_seen_on=D(2021, 4, 20),
                               clearance_issued_on=D(2021, 4, 12), clearance_relevant_entry=False)
        cafe = activities.create_activity(uow, name="Café international")
    return {"both": both, "only_language": only_language, "only_time": only_time, "paused": paused,
            "ended": ended, "small": small, "cafe": cafe}


@pytest.fixture
def page(qtbot, ctx, team):
    p = VolunteersPage(ctx)
    qtbot.addWidget(p)
    p.resize(1190, 680)
    p.show()
    qtbot.waitExposed(p)
    return p


def shown_ids(model) -> set[int]:
    return {model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())}


def cell(model, ident: int, column: int) -> str:
    return model.index(model.row_of_id(ident), column).data()


def save_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def press(widget, key) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def descends(widget, ancestor) -> bool:
    """``widget`` lies under ``ancestor`` (also in a pop-up it owns, like a date field's calendar)."""
    node = widget.parent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent()
    return False


def volunteer_count(ws) -> int:
    with ws.uow(read_only=True) as uow:
        return len(volunteers.list_volunteers(uow))


# --------------------------------------------------------------------------- the form


@pytest.fixture
def new_dialog(qtbot, ctx):
    d = VolunteerDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.fixture
def resident(ws):
    with ws.uow() as uow:
        return persons.create_person(uow, last_name="Schröder", first_name="Lena", email="lena@example.org",
                                     birth_date=D(1990, 5, 1))


def test_the_volunteer_form_saves_every_field(qtbot, ws, resident, new_dialog):
    d = new_dialog
    assert d.chooser is not None
    type_text(d.chooser.search, "schröder le")
    assert d.chooser.results.isVisible()
    press(d.chooser.search, Qt.Key.Key_Return)  # the first hit: Lena Schröder
    assert d.chooser.person_id == resident.id and "Schröder, Lena" in d.chooser.chosen.text()
    choose(d.status, "pausiert")
    type_text(d.started_on.edit, "01.09.2025")
    type_text(d.tags["skills"], "Kochen, Nachhilfe, kochen")
    type_text(d.tags["interests"], "Garten")
    type_text(d.tags["languages"], "Deutsch, Arabisch")
    tick(qtbot, d.grid.box(*TUE_AFTERNOON))
    tick(qtbot, d.grid.box(*THU_EVENING))
    type_text(d.remark, "nicht in den Ferien")
    type_text(d.notes, "hat ein Lastenrad")
    type_text(d.seen_on.edit, "12.01.2026")
    type_text(d.issued_on.edit, "02.01.2026")
    choose(d.entry, "nein")
    assert d.is_dirty()
    click(qtbot, save_button(d))

    assert d.result() == d.DialogCode.Accepted and d.saved is not None
    with ws.uow(read_only=True) as uow:
        v = volunteers.get_volunteer(uow, d.saved.id)
    assert (v.person_id, v.status, v.started_on, v.ended_on) == (resident.id, "pausiert", D(2025, 9, 1), None)
    assert sorted(v.tag_names("faehigkeit")) == ["Kochen", "Nachhilfe"]  # "kochen" once
    assert v.tag_names("interesse") == ["Garten"]
    assert sorted(v.tag_names("sprache")) == ["Arabisch", "Deutsch"]
    assert availability.slots(v.availability_slots) == [TUE_AFTERNOON, THU_EVENING]
    assert (v.availability, v.notes) == ("nicht in den Ferien", "hat ein Lastenrad")
    assert (v.clearance_seen_on, v.clearance_issued_on, v.clearance_relevant_entry) == (
        D(2026, 1, 12), D(2026, 1, 2), False)


def test_the_clearance_group_takes_only_two_dates_and_yes_no(qtbot, ws, resident, new_dialog):
    d = new_dialog
    group = d.clearance
    # no free text anywhere in the group: every input is part of one of the two date fields
    # (its line edit and its calendar), or the fixed choice of three
    inputs = [w for kind in (QLineEdit, QAbstractSpinBox, QComboBox, QTextEdit, QPlainTextEdit)
              for w in group.findChildren(kind)]
    dates = group.findChildren(DateField)
    assert dates == [d.seen_on, d.issued_on]
    outside = [w for w in inputs if w is not d.entry and not any(descends(w, date) for date in dates)]
    assert outside == []
    assert [w for w in inputs if isinstance(w, QLineEdit) and isinstance(w.parent(), DateField)] == [
        f.edit for f in dates]
    assert not d.entry.isEditable()
    assert [d.entry.itemText(i) for i in range(d.entry.count())] == [
        "keine Angabe", "nein – ohne Eintrag", "ja – mit einschlägigem Eintrag"]

    # a date that does not exist: the service's German message at the field, nothing saved
    type_text(d.chooser.search, "Schröder")
    press(d.chooser.search, Qt.Key.Key_Return)
    type_text(d.seen_on.edit, "31.02.2026")
    before = volunteer_count(ws)
    click(qtbot, save_button(d))
    with ws.uow(read_only=True) as uow, pytest.raises(ValidationError) as err:
        volunteers.create_volunteer(uow, person_id=resident.id, clearance_seen_on="31.02.2026")
    expected = err.value.errors["clearance_seen_on"]
    assert d.form.error_text("clearance_seen_on") == expected and "gibt es nicht" in expected
    assert d.isVisible() and d.saved is None
    assert volunteer_count(ws) == before
    assert d.seen_on.text() == "31.02.2026"  # what she typed stays


def test_a_new_person_is_created_in_the_person_form_with_its_duplicate_check(qtbot, ws, ctx, resident,
                                                                               new_dialog, monkeypatch):
    asked: list[list] = []
    monkeypatch.setattr(PersonDialog, "confirm_duplicate",
                        classmethod(lambda cls, parent, similar: asked.append(similar) or True))

    def fill_person_form(cls, parent, ctx_, last, first):
        form = PersonDialog(ctx_, parent=parent)  # what the real hook shows, filled as typed
        form.last_name.setText(last)
        form.first_name.setText(first or "")
        type_text(form.birth_date.edit, "01.05.1990")  # the same as the one already there
        type_text(form.phone, "0371 555")
        return form.saved if form.save() else None

    monkeypatch.setattr(VolunteerDialog, "ask_new_person", classmethod(fill_person_form))
    d = new_dialog
    type_text(d.chooser.search, "Lena Schröder")
    rows = d.chooser.model.rowCount()
    last = d.chooser.model.index(rows - 1)
    assert last.data() == "+ Neue Person anlegen: Schröder, Lena"
    d.chooser.results.setCurrentIndex(last)
    press(d.chooser.results, Qt.Key.Key_Return)
    assert len(asked) == 1 and [p.id for p in asked[0]] == [resident.id]  # the duplicate check asked
    assert d.chooser.person_id not in (None, resident.id)
    click(qtbot, save_button(d))
    with ws.uow(read_only=True) as uow:
        v = volunteers.get_volunteer(uow, d.saved.id)
        p = persons.get_person(uow, v.person_id)
    assert (p.last_name, p.first_name, p.phone) == ("Schröder", "Lena", "0371 555")
    assert p.id != resident.id


def test_ended_needs_its_date_and_the_message_stands_at_the_field(qtbot, ws, ctx, team):
    v = team["both"]
    d = VolunteerDialog(ctx, v, person_name="Haddad, Amira")
    qtbot.addWidget(d)
    d.show()
    assert not d.ended_on.isEnabled()
    choose(d.status, "beendet")
    assert d.ended_on.isEnabled()
    click(qtbot, save_button(d))
    assert d.form.error_text("ended_on") == "Bitte angeben, wann das Ehrenamt beendet wurde."
    with ws.uow(read_only=True) as uow:
        assert volunteers.get_volunteer(uow, v.id).status == "aktiv"
    type_text(d.ended_on.edit, "28.02.2026")
    click(qtbot, save_button(d))
    with ws.uow(read_only=True) as uow:
        stored = volunteers.get_volunteer(uow, v.id)
    assert (stored.status, stored.ended_on) == ("beendet", D(2026, 2, 28))
    assert stored.tag_names("sprache") == ["Arabisch", "Deutsch"]  # the rest unchanged


def test_split_tags():
    assert split_tags(" Kochen,  Nähen ,, kochen ,Erste  Hilfe") == ["Kochen", "Nähen", "Erste Hilfe"]


# --------------------------------------------------------------------------- the list


def test_the_status_filter_and_the_search(qtbot, ws, page, team):
    running = {team[k].id for k in ("both", "only_language", "only_time", "paused", "small")}
    assert shown_ids(page.model) == running  # default: aktiv und pausiert
    assert page.count_label.text() == "5 Ehrenamtliche"
    for key, wanted in (("aktiv", running - {team["paused"].id}), ("pausiert", {team["paused"].id}),
                        ("beendet", {team["ended"].id}), ("alle", running | {team["ended"].id})):
        choose(page.status, key)
        with ws.uow(read_only=True) as uow:
            expected = {r.id for r in matching.volunteer_overview(
                uow, status=None if key == "alle" else [key])}
        assert shown_ids(page.model) == wanted == expected, key
    ended_row = page.model.row_of_id(team["ended"].id)
    assert page.model.index(ended_row, 1).data() == "beendet"
    assert page.model.index(ended_row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # grey

    # search as she types: names and tags, also without umlauts
    page.search.setFocus()
    type_text(page.search, "mueller")
    qtbot.waitUntil(lambda: shown_ids(page.model) == {team["ended"].id}, timeout=2000)
    page.search.clear()
    type_text(page.search, "kochen arab")
    qtbot.waitUntil(lambda: shown_ids(page.model) == {team["both"].id, team["small"].id}, timeout=2000)
    assert page.count_label.text() == "2 Ehrenamtliche"


def test_columns_detail_and_the_clearance_removal_date(qtbot, ws, page, team):
    choose(page.status, "alle")
    titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert titles == ["Name", "Stand", "seit", "Fähigkeiten", "Sprachen", "Verfügbar", "Gefragt", "Einsätze",
                      "Stunden", "Zeugnis bis"]
    small = team["small"].id
    assert [cell(page.model, small, c) for c in (0, 1, 3, 4, 5, 9)] == [
        "Klein, Karim", "aktiv", "kochen", "arabisch", "Di nachmittags", "12.04.2026"]
    # expires within 60 days: the services' reminder rule colours it
    assert page.model.index(page.model.row_of_id(small), 9).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert page.model.index(page.model.row_of_id(small), 0).data(Qt.ItemDataRole.ForegroundRole) is None

    click_row(qtbot, page.view, page.model.row_of_id(small))
    html = page.detail.info.toPlainText()
    assert "vorgelegt am 20.04.2021, ausgestellt am 12.04.2021, ohne Eintrag; erneuern bis 12.04.2026" in html
    assert "gelöscht" not in html

    ended = team["ended"].id
    click_row(qtbot, page.view, page.model.row_of_id(ended))
    assert page.detail.volunteer is not None and page.detail.volunteer.id == ended
    text = page.detail.info.toPlainText()
    assert "Die Angaben zum Führungszeugnis werden am 03.05.2026 gelöscht." in text  # 31.01. + three months
    assert "erneuern" not in text
    assert cell(page.model, ended, 9) == ""  # no renewal for someone who stopped
    assert page.detail.header.text().endswith("beendet am 31.01.2026")


def test_deleting_a_volunteer_keeps_the_person(qtbot, ws, page, team, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(VolunteersPage, "confirm_delete", classmethod(lambda cls, parent, text: asked.append(text)
                                                                      or True))
    v = team["only_time"]
    click_row(qtbot, page.view, page.model.row_of_id(v.id))
    click(qtbot, page.detail.delete_button)
    assert "Yilmaz, Deniz" in asked[0] and "Die Person selbst bleibt" in asked[0]
    assert v.id not in shown_ids(page.model)
    with ws.uow(read_only=True) as uow:
        assert v.id not in {x.id for x in volunteers.list_volunteers(uow)}
        assert persons.get_person(uow, v.person_id).last_name == "Yilmaz"


def test_every_model_passes_the_model_tester(qtbot, qtmodeltester, ws, page, team):
    with ws.uow() as uow:
        matching.record_inquiry(uow, volunteer_id=team["both"].id, asked_on=D(2026, 3, 1), answer="zugesagt",
                                activity_id=team["cafe"].id)
        volunteers.create_assignment(uow, volunteer_id=team["both"].id, activity_id=team["cafe"].id,
                                     date=D(2026, 3, 3), hours="2,5")
    page.ctx.notify("volunteers")
    click_row(qtbot, page.view, page.model.row_of_id(team["both"].id))
    assert page.detail.inquiries.rowCount() == 1 and page.detail.assignments.rowCount() == 1
    assert page.detail.assignments_label.text() == "<b>Einsätze</b> (1, zusammen 2,5 Stunden)"
    for model in (page.model, page.matching.model, page.detail.inquiries, page.detail.assignments):
        qtmodeltester.check(model, force_py=True)
    page.view.sortByColumn(8, Qt.SortOrder.DescendingOrder)  # Stunden
    assert page.model.row_at(0).id == team["both"].id
    qtmodeltester.check(page.model, force_py=True)


# --------------------------------------------------------------------------- Wer kann helfen?


def test_matching_arabisch_and_tuesday_afternoon_narrows_the_table_exactly(qtbot, ws, page, team):
    panel = page.matching
    page.tabs.setCurrentWidget(panel)
    active = {team[k].id for k in ("both", "only_language", "only_time", "small")}
    assert shown_ids(panel.model) == active  # no filter: every active volunteer, none paused or ended
    panel.tags["languages"].setFocus()
    type_text(panel.tags["languages"], "Arabisch")
    qtbot.waitUntil(lambda: shown_ids(panel.model) == {team[k].id for k in ("both", "only_language", "small")},
                    timeout=2000)
    tick(qtbot, panel.grid.box(*TUE_AFTERNOON))
    assert panel.grid.box(*TUE_AFTERNOON).accessibleName() == "Dienstag nachmittags"
    wanted = {team["both"].id, team["small"].id}
    with ws.uow(read_only=True) as uow:
        found = matching.find_helpers(uow, languages=["Arabisch"], slots=[TUE_AFTERNOON])
    assert shown_ids(panel.model) == wanted == {r.id for r in found}
    assert panel.count_label.text() == "2 passen"
    type_text(panel.tags["skills"], "Kochen")  # all together: still both (one wrote "kochen")
    qtbot.waitUntil(lambda: not panel._debounce.isActive(), timeout=2000)
    assert shown_ids(panel.model) == wanted
    tick(qtbot, panel.grid.box(*THU_EVENING))
    assert shown_ids(panel.model) == {team["both"].id}
    row = panel.model.row_of_id(team["both"].id)
    assert [panel.model.index(row, c).data() for c in (0, 1, 3, 4)] == [
        "Haddad, Amira", "0371 600", "Kochen · Arabisch, Deutsch",
        availability.describe(availability.mask([TUE_AFTERNOON, THU_EVENING]))]
    click(qtbot, panel.reset_button)
    assert shown_ids(panel.model) == active and panel.grid.value() == 0


def test_noting_an_inquiry_in_the_matching_updates_the_counts(qtbot, ws, page, team, monkeypatch):
    panel = page.matching
    page.tabs.setCurrentWidget(panel)
    small = team["small"].id

    def answer_like_her(dialog: InquiryDialog) -> int:
        dialog.show()
        assert dialog.asked_on.text() == de(TODAY)  # today by default
        choose(dialog.activity, team["cafe"].id)
        choose(dialog.answer, "zugesagt")
        type_text(dialog.note, "kann ab 16 Uhr")
        click(qtbot, save_button(dialog))
        return dialog.result()

    monkeypatch.setattr(InquiryDialog, "exec", answer_like_her)
    row = panel.model.row_of_id(small)
    assert [panel.model.index(row, c).data() for c in (5, 6, 7, 8)] == ["0", "0", "0", ""]
    click_row(qtbot, panel.view, row)
    click(qtbot, panel.inquiry_button)
    row = panel.model.row_of_id(small)
    assert [panel.model.index(row, c).data() for c in (5, 6, 7, 8)] == ["1", "1", "0", de(TODAY)]
    assert panel.current_id() == small  # still selected
    # the least asked come first: she moved to the end
    assert panel.model.row_at(panel.model.rowCount() - 1).id == small
    # the list tab and the detail follow
    assert cell(page.model, small, 6) == "1"
    with ws.uow(read_only=True) as uow:
        (inquiry,) = matching.list_inquiries(uow, small)
    assert (inquiry.asked_on, inquiry.activity_id, inquiry.answer, inquiry.note) == (
        TODAY, team["cafe"].id, "zugesagt", "kann ab 16 Uhr")
    click(qtbot, panel.show_button)
    assert page.tabs.currentIndex() == 0 and page.current_id() == small
    assert [page.detail.inquiries.index(0, c).data() for c in range(4)] == [
        de(TODAY), "Café international", "zugesagt", "kann ab 16 Uhr"]


def test_the_renewal_years_box_saves_and_the_column_follows(qtbot, ws, ctx, page, team):
    box = RenewalYearsBox(ctx)
    qtbot.addWidget(box)
    assert box.years.value() == 5
    box.years.setValue(3)
    click(qtbot, box.save_button)
    with ws.uow(read_only=True) as uow:
        assert volunteers.get_renewal_years(uow) == 3
    assert box.saved_note.text() == "Gespeichert."
    assert cell(page.model, team["small"].id, 9) == "12.04.2024"


def test_certificate_and_export_buttons_hand_over_the_volunteer_and_the_list(qtbot, ctx, page, team,
                                                                            monkeypatch):
    from kuemmerer.ui import activity_documents, export_actions

    calls: list[tuple] = []
    monkeypatch.setattr(activity_documents, "print_certificate", lambda *args: calls.append(("nachweis", *args)))
    monkeypatch.setattr(export_actions, "export_list", lambda *args: calls.append(("export", *args)))
    v = team["small"]
    click_row(qtbot, page.view, page.model.row_of_id(v.id))
    click(qtbot, page.detail.certificate_button)
    assert calls == [("nachweis", ctx, v.id, page)]
    choose(page.status, "aktiv")
    type_text(page.search, "arab")
    page.view.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    click(qtbot, page.export_button)
    kind, query = calls[1][3], calls[1][4]
    assert (calls[1][:3], kind, query.search, query.status) == (("export", page, ctx), "volunteers", "arab", ("aktiv",))
    assert list(query.order) == [page.model.rows[n].id for n in range(page.model.rowCount())]

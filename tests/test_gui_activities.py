"""Aktivitäten with the real widgets: the activity form, the session series (its preview and
exactly the sessions it writes), the head-count grid, Einsätze and attendance of a session,
photos attached by the file dialog and by dropping them, files removed with their session,
the filters of the list — every write checked in the database."""

from __future__ import annotations

import datetime as dt
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import text

from kuemmerer.services import activities, activity_overview, lists, persons, validation, volunteers
from kuemmerer.ui import attachments
from kuemmerer.ui.attachments import AttachmentPanel
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.activity import ActivityDialog
from kuemmerer.ui.dialogs.series import SeriesDialog
from kuemmerer.ui.dialogs.session import SessionDialog
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.activities import ActivitiesPage, ActivityDetail
from tests.gui_helpers import choose, click, click_row, tick, type_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
TODAY = D(2026, 2, 10)  # a Tuesday


# --------------------------------------------------------------------------- helpers


def replace_text(widget, value: str) -> None:
    widget.selectAll()
    type_text(widget, value)


def shown_names(page: ActivitiesPage) -> list[str]:
    return [page.model.row_at(r).name for r in range(page.model.rowCount())]


def session_dates(ws, activity_id: int) -> list[tuple[dt.date, dt.time | None, dt.time | None]]:
    with ws.uow(read_only=True) as uow:
        return [(s.date, s.start_time, s.end_time) for s in activities.list_sessions(uow, activity_id)]


def headcount_rows(ws, session_id: int) -> list[tuple[str, str, int]]:
    with ws.uow(read_only=True) as uow:
        return [tuple(r) for r in uow.session.execute(text(
            "SELECT gender, age_band, count FROM session_headcounts WHERE session_id = :s ORDER BY gender, age_band"),
            {"s": session_id})]


def photo(path: Path, color: str = "#3a7d44", size: tuple[int, int] = (800, 600)) -> Path:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def drop_files(widget, paths: list[Path]) -> tuple[bool, bool]:
    """Drag ``paths`` over ``widget`` and drop them there, as the file manager does."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


# --------------------------------------------------------------------------- data


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def data(ws, kappel):
    with ws.uow() as uow:
        field = lists.list_action_fields(uow)[0]
        cafe = activities.create_activity(uow, name="Café international", kind="gruppe", district_id=kappel.id,
                                          location="Treff Kappel", funder="Soziale Stadt")
        course = activities.create_activity(uow, name="Deutschkurs", kind="kurs")
        old = activities.create_activity(uow, name="Ferienspiele 2024", kind="aktion", active=False)
        jan = activities.create_session(uow, activity_id=cafe.id, date=D(2026, 1, 13), start_time="15:00",
                                        end_time="17:00")
        feb = activities.create_session(uow, activity_id=cafe.id, date=D(2026, 2, 3), start_time="15:00",
                                        end_time="17:00")
        last_year = activities.create_session(uow, activity_id=cafe.id, date=D(2025, 12, 2), anonymous_count=7)
        anna = persons.create_person(uow, last_name="Arslan", first_name="Anna")
        ben = persons.create_person(uow, last_name="Brandt", first_name="Ben")
        for s in (jan, feb):
            activities.add_attendance(uow, session_id=s.id, person_id=anna.id)
        activities.add_attendance(uow, session_id=feb.id, person_id=ben.id)
        helper = volunteers.create_volunteer(
            uow, person_id=persons.create_person(uow, last_name="Hilfreich", first_name="Hanna").id)
    return {"cafe": cafe, "course": course, "old": old, "jan": jan, "feb": feb, "last_year": last_year,
            "anna": anna, "ben": ben, "helper": helper, "field": field, "kappel": kappel}


@pytest.fixture
def page(qtbot, ctx, data):
    p = ActivitiesPage(ctx)
    qtbot.addWidget(p)
    p.resize(1206, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def select(qtbot, page: ActivitiesPage, activity_id: int) -> None:
    row = page.model.row_of_id(activity_id)
    assert row >= 0, "activity not in the list"
    click_row(qtbot, page.view, row)
    assert page.detail.activity is not None and page.detail.activity.id == activity_id


def select_session(qtbot, page: ActivitiesPage, session_id: int) -> None:
    row = page.detail.sessions_model.row_of_id(session_id)
    assert row >= 0
    click_row(qtbot, page.detail.sessions_view, row)
    assert page.detail.current_session_id() == session_id


# --------------------------------------------------------------------------- the list


def test_the_list_shows_the_figures_of_the_year(page, data):
    assert shown_names(page) == ["Café international", "Deutschkurs"]  # only active ones at first
    assert page.count_label.text() == "2 Aktivitäten"
    titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert titles[7] == "Termine\n2026" and titles[10] == "Teilnahmen\n2026"
    row = page.model.row_of_id(data["cafe"].id)
    cells = [page.model.index(row, c).data() for c in range(page.model.columnCount())]
    assert cells[:3] == ["Café international", "offener Treff/Gruppe", "Kappel"]
    assert cells[4] == "Soziale Stadt"
    assert cells[7:13] == ["2", "3", "", "3", "2", ""]  # 2 sessions in 2026, 3 in all; Anna twice, Ben once


def test_filters_narrow_the_real_table(qtbot, page, data, monkeypatch):
    reads = []
    real = activity_overview.activity_overview
    monkeypatch.setattr(activity_overview, "activity_overview", lambda *a, **kw: reads.append(a) or real(*a, **kw))
    page.search.setFocus()
    type_text(page.search, "cafe")  # folded: finds "Café"
    qtbot.waitUntil(lambda: shown_names(page) == ["Café international"] and not page._debounce.isActive())
    page.search.clear()
    qtbot.waitUntil(lambda: len(shown_names(page)) == 2 and not page._debounce.isActive())
    assert reads == []  # typing searches the rows read already
    choose(page.kind, "kurs")
    assert shown_names(page) == ["Deutschkurs"]
    assert len(reads) == 1  # another kind: read anew
    choose(page.active, None)
    choose(page.kind, "aktion")
    assert shown_names(page) == ["Ferienspiele 2024"]
    assert page.model.index(0, 0).data() == "Ferienspiele 2024 (nicht aktiv)"
    choose(page.kind, None)
    choose(page.active, False)
    assert shown_names(page) == ["Ferienspiele 2024"]
    choose(page.active, None)
    assert page.count_label.text() == "3 Aktivitäten"
    # another year: other figures and titles
    choose(page.year, 2025)
    row = page.model.row_of_id(data["cafe"].id)
    assert page.model.headerData(7, Qt.Orientation.Horizontal) == "Termine\n2025"
    assert [page.model.index(row, c).data() for c in (7, 10, 12)] == ["1", "", "7"]


def test_sorting_by_a_column_header_sorts_the_table(qtbot, page, data):
    with page.ctx.uow() as uow:
        activities.create_activity(uow, name="Öko-Garten")
        activities.create_activity(uow, name="Apfelernte")
    page.ctx.notify("activities")
    assert shown_names(page) == ["Apfelernte", "Café international", "Deutschkurs", "Öko-Garten"]
    page.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown_names(page) == ["Öko-Garten", "Deutschkurs", "Café international", "Apfelernte"]
    page.view.sortByColumn(10, Qt.SortOrder.DescendingOrder)  # Teilnahmen
    assert shown_names(page)[0] == "Café international"


# --------------------------------------------------------------------------- the activity form


# typing a known Förderung pops up the completion list: offscreen cannot raise it
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
def test_the_activity_form_saves_every_field_and_the_list_shows_it(qtbot, page, data, ws, monkeypatch):
    def fill(dialog: ActivityDialog):
        type_text(dialog.name, "Spieleabend")
        choose(dialog.kind, "veranstaltung")
        choose(dialog.district, data["kappel"].id)
        type_text(dialog.location, "Bürgerhaus")
        dialog.description.setPlainText("Brettspiele für alle Generationen")
        type_text(dialog.starts_on.edit, "01.03.2026")
        type_text(dialog.ends_on.edit, "30.06.2026")
        choose(dialog.action_field, data["field"].id)
        type_text(dialog.funder, "Soziale Stadt")
        tick(qtbot, dialog.active)  # not active (any more)
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(ActivityDialog, "exec", fill)
    click(qtbot, page.new_button)
    with ws.uow(read_only=True) as uow:
        [made] = [a for a in activities.list_activities(uow) if a.name == "Spieleabend"]
    assert (made.kind, made.district_id, made.location, made.description, made.starts_on, made.ends_on,
            made.action_field_id, made.funder, made.active) == (
        "veranstaltung", data["kappel"].id, "Bürgerhaus", "Brettspiele für alle Generationen", D(2026, 3, 1),
        D(2026, 6, 30), data["field"].id, "Soziale Stadt", False)
    # not active, yet shown: the filter that hid it was cleared
    assert page.current_id() == made.id and page.active.currentData() is None
    assert "Spieleabend" in page.detail.header.text() and "Handlungsfeld: " + data["field"].name in \
        page.detail.header.text()


def test_the_activity_form_refuses_bad_input_at_the_field(qtbot, ctx, ws, data):
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.starts_on.edit, "01.03.2026")
    type_text(dialog.ends_on.edit, "01.02.2026")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    assert dialog.form.error_text("name") == "Bitte ausfüllen."
    assert dialog.form.error_text("ends_on") == "Das Ende kann nicht vor dem Beginn liegen."
    assert dialog.isVisible()
    with ws.uow(read_only=True) as uow:
        assert len(activities.list_activities(uow)) == 3


def test_editing_keeps_what_was_not_touched(qtbot, page, data, ws, monkeypatch):
    select(qtbot, page, data["cafe"].id)

    def fill(dialog: ActivityDialog):
        assert dialog.name.text() == "Café international" and dialog.funder.text() == "Soziale Stadt"
        replace_text(dialog.name, "Café international am Dienstag")
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(ActivityDialog, "exec", fill)
    click(qtbot, page.detail.edit_button)
    with ws.uow(read_only=True) as uow:
        a = activities.get_activity(uow, data["cafe"].id)
    assert (a.name, a.funder, a.location, a.district_id) == ("Café international am Dienstag", "Soziale Stadt",
                                                             "Treff Kappel", data["kappel"].id)
    assert page.model.index(page.model.row_of_id(a.id), 0).data() == "Café international am Dienstag"


# --------------------------------------------------------------------------- sessions


def test_the_series_dialog_previews_and_creates_exactly_the_right_sessions(qtbot, page, data, ws, monkeypatch):
    select(qtbot, page, data["course"].id)
    seen = {}

    def fill(dialog: SeriesDialog):
        replace_text(dialog.first.edit, "06.01.2026")
        dialog.first.normalise()
        assert dialog.weekdays() == [1]  # the first date's Tuesday, ticked by itself
        type_text(dialog.until.edit, "31.03.2026")
        type_text(dialog.start_time, "15:00")
        type_text(dialog.end_time, "17:00")
        seen["preview"] = dialog.preview.text()
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(SeriesDialog, "exec", fill)
    click(qtbot, page.detail.series_button)
    assert seen["preview"] == "13 Termine: 06.01.2026 … 31.03.2026"
    made = session_dates(ws, data["course"].id)
    first = D(2026, 1, 6)
    assert made == [(first + dt.timedelta(weeks=n), dt.time(15), dt.time(17)) for n in range(13)]
    assert page.detail.notice.text() == "13 Termine angelegt."
    assert page.detail.sessions_model.rowCount() == 13
    assert page.model.index(page.model.row_of_id(data["course"].id), 7).data() == "13"


def test_a_second_series_on_two_weekdays_every_other_week_skips_what_exists(qtbot, ctx, ws, data):
    dialog = SeriesDialog(ctx, data["course"])
    qtbot.addWidget(dialog)
    dialog.show()
    with ws.uow() as uow:  # one session that the series would make again
        activities.create_session(uow, activity_id=data["course"].id, date=D(2026, 3, 5), start_time="10:00")
    dialog.taken.add((D(2026, 3, 5), dt.time(10)))
    replace_text(dialog.first.edit, "02.03.2026")  # a Monday
    tick(qtbot, dialog.weekday_boxes[3])  # Thursday too: from now on her choice counts
    choose(dialog.every_weeks, 2)
    type_text(dialog.until.edit, "29.03.2026")
    type_text(dialog.start_time, "10:00")
    # Mondays and Thursdays of the weeks of 02.03. and 16.03.
    assert dialog.planned_dates() == [D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 16), D(2026, 3, 19)]
    assert dialog.preview.text() == ("4 Termine: 02.03.2026 … 19.03.2026 (einen davon gibt es schon zur selben "
                                     "Uhrzeit – wird nicht doppelt angelegt)")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    assert [d for d, _s, _e in session_dates(ws, data["course"].id)] == dialog.planned_dates()
    assert len(dialog.saved) == 3


def test_a_series_with_its_end_before_its_start_says_so_and_writes_nothing(qtbot, ctx, ws, data):
    dialog = SeriesDialog(ctx, data["course"])
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.until.edit, "01.01.2026")
    assert dialog.preview.text() == "Das Ende liegt vor dem ersten Termin."
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    assert dialog.form.error_text("until") == "Das Ende der Reihe kann nicht vor dem ersten Termin liegen."
    assert session_dates(ws, data["course"].id) == []


def test_the_headcount_grid_writes_the_right_session_headcounts(qtbot, page, data, ws, monkeypatch):
    select(qtbot, page, data["cafe"].id)
    select_session(qtbot, page, data["feb"].id)
    seen = {}

    def fill(dialog: SessionDialog):
        cells = dialog.grid.cells
        for key, n in ((("weiblich", "u18"), "3"), (("weiblich", "30_54"), "2"), (("maennlich", "65plus"), "1"),
                       (("keine_angabe", "unbekannt"), "4")):
            cells[key].setFocus()
            cells[key].selectAll()
            type_text(cells[key], n)
        seen["total"] = dialog.grid.total.text()
        seen["row"] = dialog.grid.row_totals["weiblich"].text()
        seen["column"] = dialog.grid.column_totals["u18"].text()
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(SessionDialog, "exec", fill)
    click(qtbot, page.detail.edit_session_button)
    assert (seen["total"], seen["row"], seen["column"]) == ("<b>10</b>", "5", "3")
    assert headcount_rows(ws, data["feb"].id) == [("keine_angabe", "unbekannt", 4), ("maennlich", "65plus", 1),
                                                  ("weiblich", "30_54", 2), ("weiblich", "u18", 3)]
    with ws.uow(read_only=True) as uow:
        assert activities.get_session(uow, data["feb"].id).anonymous_count == 10
    assert page.detail.current_session().anonymous_count == 10  # the table follows

    def clear_one(dialog: SessionDialog):
        assert dialog.grid.cells[("weiblich", "u18")].value() == 3  # what is stored comes back
        dialog.grid.cells[("weiblich", "u18")].setValue(0)
        dialog._save()
        return dialog.result()

    monkeypatch.setattr(SessionDialog, "exec", clear_one)
    click(qtbot, page.detail.edit_session_button)
    assert ("weiblich", "u18", 3) not in headcount_rows(ws, data["feb"].id)
    assert len(headcount_rows(ws, data["feb"].id)) == 3


def test_a_new_session_with_times_in_the_wrong_order_is_refused_at_the_field(qtbot, ctx, ws, data):
    dialog = SessionDialog(ctx, data["course"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date.text() == "10.02.2026"  # today
    type_text(dialog.start_time, "17:00")
    type_text(dialog.end_time, "15:00")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    assert dialog.form.error_text("end_time") == "Das Ende muss nach dem Beginn liegen."
    assert session_dates(ws, data["course"].id) == []


def test_einsatz_and_attendance_of_a_session(qtbot, page, data, ws, monkeypatch):
    select(qtbot, page, data["cafe"].id)
    assert page.detail.current_session_id() == data["feb"].id  # the latest, none is ahead
    d = page.detail
    row = d.sessions_model.row_of_id(data["feb"].id)
    assert [d.sessions_model.index(row, c).data() for c in range(4)] == [
        "Di 03.02.2026", "15:00–17:00", "Treff Kappel", "2"]  # no place of its own: the activity's
    assert [d.attendees_model.row_at(r).name for r in range(d.attendees_model.rowCount())] == [
        "Arslan, Anna", "Brandt, Ben"]
    # an Einsatz: bad hours are refused in German, nothing written
    d.tabs.setCurrentIndex(d.TAB_HELPERS)
    choose(d.volunteer, data["helper"].id)
    type_text(d.hours, "viel")
    click(qtbot, d.add_helper_button)
    assert d.helper_error.isVisible() and d.helper_error.text() == "Bitte eine Zahl eingeben, z. B. 1,5."
    replace_text(d.hours, "1,5")
    type_text(d.role, "Kaffee")
    click(qtbot, d.add_helper_button)
    with ws.uow(read_only=True) as uow:
        [a] = volunteers.list_assignments(uow, data["helper"].id)
    assert (a.session_id, a.activity_id, a.minutes, a.role, a.date) == (data["feb"].id, data["cafe"].id, 90,
                                                                        "Kaffee", D(2026, 2, 3))
    assert d.helpers_model.row_at(0).name == "Hilfreich, Hanna"
    assert d.tabs.tabText(d.TAB_HELPERS) == "Einsätze (1)"
    assert d.current_session().assignments == 1
    # taking Ben off the list
    d.tabs.setCurrentIndex(d.TAB_ATTENDANCE)
    asked = []
    monkeypatch.setattr(ActivityDetail, "confirm_remove", staticmethod(lambda p, t, x: asked.append(x) or True))
    click_row(qtbot, d.attendees_view, 1)
    click(qtbot, d.remove_attendee_button)
    assert asked == ["„Brandt, Ben“ von der Teilnehmerliste am 03.02.2026 nehmen?"]
    with ws.uow(read_only=True) as uow:
        assert [x.person_id for x in activities.list_attendance(uow, data["feb"].id)] == [data["anna"].id]
    assert d.attendees_model.rowCount() == 1 and d.current_session().attendances == 1


def test_sign_in_dialog_and_sheet_are_opened_for_the_chosen_session(qtbot, page, data, ws, monkeypatch):
    """The two pieces other modules supply, replaced: the page hands them the session and
    shows what the sign-in dialog wrote."""
    calls = []

    class FakeSignInDialog:
        def __init__(self, ctx, session_id, parent):
            calls.append(("sign_in", session_id))
            self.ctx, self.session_id = ctx, session_id

        def exec(self):
            with self.ctx.uow() as uow:
                self.result_counts = activities.record_sign_in(
                    uow, self.session_id, [data["ben"].id, {"last_name": "Neu"}, data["anna"].id])
            return 1

    monkeypatch.setitem(sys.modules, "kuemmerer.ui.dialogs.sign_in",
                        types.SimpleNamespace(SignInDialog=FakeSignInDialog))
    monkeypatch.setitem(sys.modules, "kuemmerer.ui.activity_documents", types.SimpleNamespace(
        print_sign_in_sheet=lambda ctx, session_id, parent: calls.append(("print", session_id))))
    select(qtbot, page, data["cafe"].id)
    select_session(qtbot, page, data["jan"].id)
    click(qtbot, page.detail.sign_in_button)
    click(qtbot, page.detail.print_button)
    assert calls == [("sign_in", data["jan"].id), ("print", data["jan"].id)]
    d = page.detail
    assert [d.attendees_model.row_at(r).name for r in range(d.attendees_model.rowCount())] == [
        "Arslan, Anna", "Brandt, Ben", "Neu"]
    assert d.current_session_id() == data["jan"].id and d.current_session().attendances == 3
    assert d.notice.text() == "2 Personen eingetragen, davon 1 neue Person angelegt, 1 stand schon auf der Liste."


# --------------------------------------------------------------------------- photos and documents


def stored(ws) -> list[str]:
    return sorted(p.name for p in ws.files_dir.iterdir()) if ws.files_dir.exists() else []


def test_attaching_a_photo_by_the_file_dialog_shows_a_thumbnail_and_stores_it(qtbot, page, data, ws, tmp_path,
                                                                              monkeypatch):
    source = photo(tmp_path / "Frühjahrsputz.png")
    monkeypatch.setattr(attachments, "ask_files", lambda parent, title: [source])
    select(qtbot, page, data["cafe"].id)
    page.detail.tabs.setCurrentIndex(ActivityDetail.TAB_ACTIVITY_FILES)
    panel = page.detail.activity_files
    click(qtbot, panel.add_button)
    with ws.uow(read_only=True) as uow:
        [dto] = activities.list_attachments(uow, activity_id=data["cafe"].id)
        assert activities.read_attachment(uow, ws.files_dir, dto.id) == source.read_bytes()
    assert dto.file_name == "Frühjahrsputz.png" and dto.publication == "unklar"
    assert stored(ws) == [dto.stored_name]
    assert (ws.files_dir / dto.stored_name).read_bytes() != source.read_bytes()  # encrypted, not linked
    assert panel.model.rowCount() == 1 and panel.model.has_thumbnail(0)
    icon = panel.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    pixmap = icon.pixmap(attachments.THUMB)
    assert (pixmap.width(), pixmap.height()) == (128, 96)  # 800×600 scaled into the thumbnail
    assert pixmap.toImage().pixelColor(64, 48).name() == "#3a7d44"  # the photo itself
    assert page.detail.tabs.tabText(ActivityDetail.TAB_ACTIVITY_FILES) == "Fotos Aktivität (1)"
    # caption and consent, written as she leaves the field / picks the entry
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    panel.caption.setFocus()
    type_text(panel.caption, "Alle beim Aufräumen")
    panel.caption.editingFinished.emit()
    choose(panel.publication, "ja")
    with ws.uow(read_only=True) as uow:
        [dto] = activities.list_attachments(uow, activity_id=data["cafe"].id)
    assert (dto.description, dto.publication) == ("Alle beim Aufräumen", "ja")
    assert panel.model.index(0, 0).data() == "Alle beim Aufräumen"
    # „Speichern unter…“: the photo as it came
    target = tmp_path / "kopie.png"
    monkeypatch.setattr(attachments, "ask_save_path", lambda parent, title, suggested: target)
    click(qtbot, panel.save_button)
    assert target.read_bytes() == source.read_bytes()


def test_dropping_files_on_the_session_panel_attaches_them(qtbot, page, data, ws, tmp_path):
    pic = photo(tmp_path / "Kaffeetafel.jpg", "#f2c14e")
    doc = tmp_path / "Einladung.pdf"
    doc.write_bytes(b"%PDF-1.4 synthetic\n")
    select(qtbot, page, data["cafe"].id)
    select_session(qtbot, page, data["jan"].id)
    page.detail.tabs.setCurrentIndex(ActivityDetail.TAB_SESSION_FILES)
    panel = page.detail.session_files
    assert drop_files(panel.view.viewport(), [pic, doc]) == (True, True)
    with ws.uow(read_only=True) as uow:
        files = activities.list_attachments(uow, session_id=data["jan"].id)
    assert sorted(f.file_name for f in files) == ["Einladung.pdf", "Kaffeetafel.jpg"]
    rows = {panel.model.rows[r].file_name: r for r in range(panel.model.rowCount())}
    assert panel.model.has_thumbnail(rows["Kaffeetafel.jpg"]) and not panel.model.has_thumbnail(rows["Einladung.pdf"])
    assert panel.model.index(rows["Einladung.pdf"], 0).data() == "Einladung.pdf"  # a sheet and its name
    assert "2 Dateien hinzugefügt" in panel.notice.text()
    assert page.detail.current_session().files == 2
    # text dragged from elsewhere is no file: refused, nothing written
    mime = QMimeData()
    mime.setText("nur Text")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel.view.viewport(), enter)
    assert not enter.isAccepted()


def test_deleting_the_session_removes_its_files(qtbot, page, data, ws, tmp_path, monkeypatch):
    select(qtbot, page, data["cafe"].id)
    select_session(qtbot, page, data["jan"].id)
    page.detail.session_files.add_files([photo(tmp_path / "a.png")])
    with ws.uow(read_only=True) as uow:
        [dto] = activities.list_attachments(uow, session_id=data["jan"].id)
    assert (ws.files_dir / dto.stored_name).exists()
    asked = []
    monkeypatch.setattr(ActivityDetail, "confirm_remove", staticmethod(lambda p, t, x: asked.append(x) or True))
    select_session(qtbot, page, data["jan"].id)
    click(qtbot, page.detail.delete_session_button)
    assert asked == ["Den Termin am Di 13.01.2026 15:00–17:00 mit 1 namentlichen Teilnahme und 1 Datei endgültig "
                     "löschen?\n\nDie Zahlen bereits abgeschlossener Jahre bleiben erhalten."]
    assert [d for d, _s, _e in session_dates(ws, data["cafe"].id)] == [D(2025, 12, 2), D(2026, 2, 3)]
    assert not (ws.files_dir / dto.stored_name).exists()
    with ws.uow(read_only=True) as uow:
        assert uow.session.execute(text("SELECT count(*) FROM attachments")).scalar_one() == 0
    assert page.detail.sessions_model.row_of_id(data["jan"].id) < 0


def test_deleting_a_photo_asks_and_removes_the_file(qtbot, ctx, ws, data, tmp_path, monkeypatch):
    panel = AttachmentPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_owner(activity_id=data["course"].id)
    assert panel.add_files([photo(tmp_path / "b.png")]) == 1
    name = panel.model.rows[0].stored_name
    monkeypatch.setattr(AttachmentPanel, "confirm_delete", staticmethod(lambda parent, text: False))
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    click(qtbot, panel.delete_button)
    assert stored(ws) == [name]  # she said no
    monkeypatch.setattr(AttachmentPanel, "confirm_delete", staticmethod(lambda parent, text: True))
    click(qtbot, panel.delete_button)
    assert stored(ws) == [] and panel.model.rowCount() == 0


def test_a_file_too_big_or_a_folder_is_refused_in_german(qtbot, ctx, ws, data, tmp_path, monkeypatch):
    panel = AttachmentPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_owner(activity_id=data["course"].id)
    monkeypatch.setattr(activities, "MAX_ATTACHMENT_BYTES", 10)
    big = tmp_path / "gross.pdf"
    big.write_bytes(b"x" * 11)
    assert panel.add_files([big, tmp_path]) == 0
    assert panel.error.isVisible()
    assert "„gross.pdf“: Die Datei ist größer als 50 MB." in panel.error.text()
    assert "ist ein Ordner" in panel.error.text()
    assert stored(ws) == []


# --------------------------------------------------------------------------- models


def test_every_model_passes_the_model_tester(qtbot, page, data, tmp_path, qtmodeltester):
    select(qtbot, page, data["cafe"].id)
    select_session(qtbot, page, data["feb"].id)
    page.detail.activity_files.add_files([photo(tmp_path / "c.png"), tmp_path / "missing.png"])
    qtmodeltester.check(page.model)
    assert page.model.data(page.model.index(0, 0), ID_ROLE) is not None
    for model in (page.detail.sessions_model, page.detail.attendees_model, page.detail.helpers_model,
                  page.detail.activity_files.model, page.detail.session_files.model):
        qtmodeltester.check(model)
    assert page.detail.activity_files.model.rowCount() == 1

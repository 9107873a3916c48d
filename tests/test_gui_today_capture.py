"""Heute and the Sprechstunde quick capture with the real widgets: due Wiedervorlagen
are listed and open their request; a walk-in (known person, new person, anonymous) is
captured with the keyboard alone, lands in the database and counts in the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget

from kuemmerer.services import listing, lists, persons, requests, statistics
from kuemmerer.services import today as today_service
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.quick_capture import QuickCaptureDialog, split_new_name
from kuemmerer.ui.pages.requests import RequestsPage
from kuemmerer.ui.pages.today import TodayPage
from kuemmerer.ui.widgets import GuardedDialog
from tests.gui_helpers import choose, days, open_window, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


TODAY = dt.date.today()
NO_PERSON = "Bitte eine Person wählen, einen neuen Namen eingeben oder „anonym“ ankreuzen."


# --------------------------------------------------------------------------- helpers


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None, "no widget has the keyboard focus"
    return w


class MouseWatch(QObject):
    """Counts every mouse press/release/double click anywhere in the application."""

    KINDS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)

    def __init__(self):
        super().__init__()
        self.events: list[str] = []

    def eventFilter(self, obj, event):
        if event.type() in self.KINDS:
            self.events.append(f"{type(obj).__name__}: {event.type()}")
        return False


def table_counts(ws) -> dict[str, int]:
    with ws.uow(read_only=True) as uow:
        return {"persons": listing.count_persons(uow, listing.PersonQuery()),
                "contacts": len(requests.list_contacts(uow)),
                "tallies": len(requests.tallies.list(uow)),
                "requests": listing.count_requests(uow, listing.RequestQuery(status=None), TODAY)}


def year_stats(ws):
    with ws.uow(read_only=True) as uow:
        return statistics.compute(uow, *statistics.year_period(TODAY.year))


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def people(ws, kappel):
    with ws.uow() as uow:
        cats = {c.name: c.id for c in lists.list_categories(uow)}
        anna = persons.create_person(uow, last_name="Keller", first_name="Anna", district_id=kappel.id)
        karl = persons.create_person(uow, last_name="Keller", first_name="Karl", birth_date=dt.date(1950, 5, 1))
        other = persons.create_person(uow, last_name="Schulz", first_name="Olaf")
    return {"anna": anna, "karl": karl, "other": other, "cats": cats, "kappel": kappel}


@pytest.fixture
def dialog(qtbot, ctx, people):
    d = QuickCaptureDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is d.search, timeout=2000)
    return d


# --------------------------------------------------------------------------- Heute


@pytest.fixture
def follow_ups(ws):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Müller", first_name="Jürgen")

        def req(title, follow_up):
            return requests.create_request(uow, person_id=p.id, title=title, opened_on=TODAY - days(30),
                                           follow_up_on=TODAY + days(follow_up), follow_up_note="anrufen").id

        return {"today": req("Mietschulden", 0), "overdue": req("Wohngeld", -3), "tomorrow": req("Kita-Platz", 1),
                "person": p}


@pytest.fixture
def today_page(qtbot, ctx, follow_ups):
    page = TodayPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def follow_up_ids(page: TodayPage) -> list[int]:
    return [page.follow_ups.row_at(r).id for r in range(page.follow_ups.rowCount())]


def test_due_and_overdue_follow_ups_are_listed_but_not_tomorrows(today_page, follow_ups):
    ids = follow_up_ids(today_page)
    assert sorted(ids) == sorted([follow_ups["today"], follow_ups["overdue"]])
    assert follow_ups["tomorrow"] not in ids
    rows = {today_page.follow_ups.row_at(r).id: r for r in range(today_page.follow_ups.rowCount())}
    r = rows[follow_ups["today"]]
    assert [today_page.follow_ups.index(r, c).data() for c in range(5)] == [
        TODAY.strftime("%d.%m.%Y"), "Anliegen", "Müller, Jürgen", "Mietschulden", "anrufen"]
    title = today_page.title.text()
    assert TODAY.strftime("%d.%m.%Y") in title
    assert "2 Wiedervorlagen fällig, davon 1 überfällig" in title and "3 offene Anliegen" in title


def test_activating_a_follow_up_emits_open_request_with_its_id(qtbot, today_page, follow_ups):
    view = today_page.follow_up_view
    row = follow_up_ids(today_page).index(follow_ups["overdue"])
    view.setFocus()
    view.setCurrentIndex(today_page.follow_ups.index(row, 0))
    with qtbot.waitSignal(today_page.open_request, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [follow_ups["overdue"]]
    row = follow_up_ids(today_page).index(follow_ups["today"])
    rect = view.visualRect(today_page.follow_ups.index(row, 2))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(today_page.open_request, timeout=1000) as blocker:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [follow_ups["today"]]


def test_a_follow_up_done_today_leaves_the_list_after_the_change(qtbot, ws, ctx, today_page, follow_ups):
    with ws.uow() as uow:
        requests.set_status(uow, follow_ups["today"], "erledigt")
    ctx.notify("requests")
    assert follow_up_ids(today_page) == [follow_ups["overdue"]]
    assert "1 Wiedervorlagen fällig, davon 1 überfällig" in today_page.title.text()


@pytest.fixture
def window(qtbot, ws, tmp_path):
    return open_window(qtbot, ws, tmp_path)


def test_follow_up_on_heute_opens_the_request_in_anliegen(qtbot, follow_ups, window):
    page = window.pages["Heute"]
    assert window.stack.currentWidget() is page
    row = follow_up_ids(page).index(follow_ups["overdue"])
    page.follow_up_view.setFocus()
    page.follow_up_view.setCurrentIndex(page.follow_ups.index(row, 0))
    qtbot.keyClick(page.follow_up_view, Qt.Key.Key_Return)
    requests_page = window.stack.currentWidget()
    assert isinstance(requests_page, RequestsPage)
    assert window.sidebar.currentItem().text() == "Anliegen"
    assert requests_page.detail.request.id == follow_ups["overdue"]
    assert requests_page.current_id() == follow_ups["overdue"]


# --------------------------------------------------------------------------- quick capture


def test_named_walk_in_is_captured_with_the_keyboard_alone(qtbot, ws, ctx, people, dialog):
    watch = MouseWatch()
    QApplication.instance().installEventFilter(watch)
    try:
        before, stats_before = table_counts(ws), year_stats(ws)
        qtbot.keyClicks(focused(), "keller")  # the search field has the focus from the start
        assert dialog.model.rowCount() == 3  # Keller, Anna · Keller, Karl · new person
        assert dialog.results.currentIndex().row() == 0
        qtbot.keyClick(focused(), Qt.Key.Key_Down)
        assert dialog.results.currentIndex().data().startswith("Keller, Karl")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        assert dialog.chosen.text() == "Gewählt: Keller, Karl"
        assert focused() is dialog.category  # on to the topic
        qtbot.keyClick(focused(), Qt.Key.Key_Down)
        assert dialog.category.currentText() == "Schulden und Finanzen"
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.note
        qtbot.keyClicks(focused(), "Mahnung Stromanbieter")
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    finally:
        QApplication.instance().removeEventFilter(watch)

    assert watch.events == []  # no mouse at all
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    after = table_counts(ws)
    assert after == {**before, "contacts": before["contacts"] + 1}
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow, person_id=people["karl"].id)
    assert (c.date, c.kind, c.category_id, c.note, c.request_id) == (
        TODAY, "sprechzeit", people["cats"]["Schulden und Finanzen"], "Mahnung Stromanbieter", None)
    assert dialog.result_walk_in.contact_id == c.id and not dialog.result_walk_in.created_person
    stats = year_stats(ws)
    assert stats.participants_named == stats_before.participants_named + 1
    assert stats.contacts == stats_before.contacts + 1
    assert stats.participants_anonymous == stats_before.participants_anonymous


def test_enter_on_the_dialog_saves_the_walk_in(qtbot, ws, people, dialog):
    dialog.search.setText("schu")
    dialog._search_changed("schu")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # the first match is preselected
    assert dialog.chosen.text() == "Gewählt: Schulz, Olaf"
    choose(dialog.category, people["cats"]["Wohnung und Nachbarschaft"])
    dialog.note.setText("Nachbarschaftsstreit")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (c,) = requests.list_contacts(uow, person_id=people["other"].id)
    assert (c.note, c.category_id) == ("Nachbarschaftsstreit", people["cats"]["Wohnung und Nachbarschaft"])


def test_new_person_from_the_neue_person_entry(qtbot, ws, people, dialog):
    before, stats_before = table_counts(ws), year_stats(ws)
    qtbot.keyClicks(dialog.search, "Anna Beispiel")
    texts = [dialog.model.index(i).data() for i in range(dialog.model.rowCount())]
    assert texts[-1] == "+ Neue Person anlegen: Beispiel, Anna"
    while dialog.results.currentIndex().row() < dialog.model.rowCount() - 1:
        qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert not dialog.form.fields["district_id"].parentWidget().isVisible()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.chosen.text() == "Neue Person: Beispiel, Anna"
    # for a new person, district and gender are asked (not the age band)
    assert dialog.form.fields["district_id"].parentWidget().isVisible()
    assert dialog.form.fields["gender"].parentWidget().isVisible()
    assert not dialog.form.fields["age_band"].parentWidget().isVisible()
    choose(dialog.district, people["kappel"].id)
    choose(dialog.gender, "weiblich")
    choose(dialog.category, people["cats"]["Familie und Kinder"])
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted

    result = dialog.result_walk_in
    assert result.created_person
    with ws.uow(read_only=True) as uow:
        p = persons.get_person(uow, result.person_id)
        (c,) = requests.list_contacts(uow, person_id=p.id)
    assert (p.last_name, p.first_name, p.district_id, p.gender) == ("Beispiel", "Anna", people["kappel"].id,
                                                                    "weiblich")
    assert c.id == result.contact_id and c.category_id == people["cats"]["Familie und Kinder"]
    assert table_counts(ws) == {**before, "persons": before["persons"] + 1, "contacts": before["contacts"] + 1}
    assert year_stats(ws).participants_named == stats_before.participants_named + 1


@pytest.mark.parametrize(("typed", "expected"), [
    ("Anna Beispiel", ("Beispiel", "Anna")),
    ("Beispiel, Anna", ("Beispiel", "Anna")),
    ("Beispiel", ("Beispiel", None)),
    ("  Anna   Maria  Beispiel ", ("Beispiel", "Anna Maria")),
])
def test_split_new_name(typed, expected):
    assert split_new_name(typed) == expected


def test_anonymous_walk_in_is_counted_as_a_tally(qtbot, ws, people, dialog):
    before, stats_before = table_counts(ws), year_stats(ws)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Tab)
    assert focused() is dialog.anonymous
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    assert dialog.anonymous.isChecked()
    assert not dialog.search.isEnabled()
    for name in ("district_id", "gender", "age_band"):
        assert dialog.form.fields[name].parentWidget().isVisible(), name
    choose(dialog.district, people["kappel"].id)
    choose(dialog.gender, "maennlich")
    choose(dialog.age_band, "65plus")
    choose(dialog.category, people["cats"]["Behörden und Formulare"])
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert table_counts(ws) == {**before, "tallies": before["tallies"] + 1}
    with ws.uow(read_only=True) as uow:
        (t,) = requests.tallies.list(uow)
    assert (t.date, t.kind, t.district_id, t.gender, t.age_band, t.count, t.category_id) == (
        TODAY, "sprechzeit", people["kappel"].id, "maennlich", "65plus", 1,
        people["cats"]["Behörden und Formulare"])
    assert dialog.result_walk_in.tally_id == t.id and dialog.result_walk_in.person_id is None
    stats = year_stats(ws)
    assert stats.participants_anonymous == stats_before.participants_anonymous + 1
    assert stats.extra["anonymous_walk_ins"] == stats_before.extra["anonymous_walk_ins"] + 1
    assert stats.participants_named == stats_before.participants_named


def test_named_and_anonymous_walk_ins_both_count_in_this_years_statistics(qtbot, ws, ctx, people):
    stats_before = year_stats(ws)
    named = QuickCaptureDialog(ctx)
    qtbot.addWidget(named)
    named.show()
    qtbot.keyClicks(named.search, "olaf")
    qtbot.keyClick(named.search, Qt.Key.Key_Return)
    qtbot.keyClick(named, Qt.Key.Key_Return)
    anonymous = QuickCaptureDialog(ctx)
    qtbot.addWidget(anonymous)
    anonymous.show()
    anonymous.anonymous.click()
    qtbot.keyClick(anonymous, Qt.Key.Key_Return)
    assert named.result() == anonymous.result() == QDialog.DialogCode.Accepted
    stats = year_stats(ws)
    assert stats.participants_named == stats_before.participants_named + 1
    assert stats.participants_anonymous == stats_before.participants_anonymous + 1
    with ws.uow(read_only=True) as uow:
        board = today_service.dashboard(uow, TODAY)
    assert [c.person_id for c in board.contacts_today] == [people["other"].id]
    assert board.anonymous_today == 1


def test_saving_without_a_person_shows_the_error_at_the_person_and_writes_nothing(qtbot, ws, people, dialog):
    before = table_counts(ws)
    dialog.note.setText("wer war das?")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # nothing typed: Enter saves, and fails
    assert dialog.form.error_text("person") == NO_PERSON
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert table_counts(ws) == before
    # typed but not picked: still no person
    qtbot.keyClicks(dialog.search, "kel")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.form.error_text("person") == NO_PERSON
    assert table_counts(ws) == before
    assert dialog.note.text() == "wer war das?"


def test_follow_up_typed_then_request_unticked_does_not_fail_silently(qtbot, ws, people, dialog):
    """She ticks "Anliegen eröffnen", types a Wiedervorlage, changes her mind and unticks it:
    Enter must either save the walk-in or show her a message she can see."""
    before = table_counts(ws)
    qtbot.keyClicks(dialog.search, "olaf")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    dialog.open_request.click()
    type_text(dialog.follow_up.edit, (TODAY + days(7)).strftime("%d.%m.%Y"))
    dialog.open_request.click()
    assert not dialog.form.fields["follow_up_on"].parentWidget().isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    if dialog.result() == QDialog.DialogCode.Accepted:
        assert table_counts(ws)["contacts"] == before["contacts"] + 1
    else:
        visible = [label.text() for label in (dialog.form.general_error, *dialog.form.errors.values())
                   if label.isVisible() and label.text()]
        assert visible, "the walk-in was not saved and no message can be seen"
        assert table_counts(ws) == before


def test_walk_in_can_open_a_request_with_a_follow_up(qtbot, ws, people, dialog):
    qtbot.keyClicks(dialog.search, "olaf")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    choose(dialog.category, people["cats"]["Arbeit und Jobcenter"])
    dialog.open_request.click()
    assert dialog.form.fields["request_title"].parentWidget().isVisible()
    type_text(dialog.request_title, "Bewerbung überarbeiten")
    type_text(dialog.follow_up.edit, (TODAY + days(7)).strftime("%d.%m.%Y"))
    qtbot.keyClick(dialog.request_title, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ws.uow(read_only=True) as uow:
        (r,) = requests.list_requests(uow, person_id=people["other"].id)
        (c,) = requests.list_contacts(uow, person_id=people["other"].id)
    assert (r.title, r.follow_up_on, r.opened_on) == ("Bewerbung überarbeiten", TODAY + days(7), TODAY)
    assert c.request_id == r.id


def test_capture_shows_up_on_heute(qtbot, ws, ctx, people, dialog):
    page = TodayPage(ctx)
    qtbot.addWidget(page)
    assert page.contacts.rowCount() == 0
    qtbot.keyClicks(dialog.search, "olaf")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert page.contacts.rowCount() == 1
    assert page.contacts.index(0, 0).data() == "Schulz, Olaf"
    assert page.anonymous_label.text() == "1 Kontakte mit Namen, 0 anonym gezählt"


def test_esc_on_an_untouched_capture_closes_at_once(qtbot, ws, people, dialog, monkeypatch):
    asked = []
    monkeypatch.setattr(GuardedDialog, "confirm_discard", staticmethod(lambda parent: asked.append(1) or False))
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()


def test_esc_after_picking_a_person_asks_first(qtbot, ws, people, dialog, monkeypatch):
    asked = []
    monkeypatch.setattr(GuardedDialog, "confirm_discard", staticmethod(lambda parent: asked.append(1) or False))
    qtbot.keyClicks(dialog.search, "olaf")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert asked == [1] and dialog.isVisible()
    assert dialog.chosen.text() == "Gewählt: Schulz, Olaf"


# --------------------------------------------------------------------------- Ctrl+N


@pytest.fixture
def recorded_captures(monkeypatch):
    opened: list[QuickCaptureDialog] = []

    def fake_exec(dialog):
        opened.append(dialog)
        return 0

    monkeypatch.setattr(QuickCaptureDialog, "exec", fake_exec)
    return opened


def test_ctrl_n_opens_the_quick_capture_from_anywhere_in_the_window(qtbot, window, recorded_captures):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert window.capture_action.shortcut().toString() == "Ctrl+N"
    window.capture_action.trigger()
    assert len(recorded_captures) == 1
    # the key itself, with the focus somewhere on another page
    page = window.show_section("Personen")
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(recorded_captures) == 2
    assert isinstance(recorded_captures[-1], QuickCaptureDialog)
    assert recorded_captures[-1].parent() is window
    assert page.search.text() == ""  # the key did not go into the search field


def test_capture_button_on_heute_opens_the_quick_capture(qtbot, window, recorded_captures):
    qtbot.mouseClick(window.pages["Heute"].capture_button, Qt.MouseButton.LeftButton)
    assert len(recorded_captures) == 1

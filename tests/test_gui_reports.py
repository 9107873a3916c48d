"""Berichte: choosing a period redraws the figures (computed on a worker), clicking a
count lists exactly the records behind it, a frozen year says so, a slow computation
shows a busy bar and can be cancelled, and a newer period wins over an older one."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import types

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel

from kuemmerer.domain.periods import Period, PeriodKind
from kuemmerer.services import lists, persons, report_figures, requests
from kuemmerer.services.report_figures import Cancelled
from kuemmerer.ui.context import AppContext
from tests.gui_helpers import choose, click, click_row

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]

THIS_YEAR = dt.date.today().year
LAST_YEAR = THIS_YEAR - 1
D = dt.date


@pytest.fixture
def people(ws):
    """Last year: Kappel has Anna (contacts in Jan and in May) and Bernd (May); Cem has no
    district (Feb). This year: Anna once (January)."""
    with ws.uow() as uow:
        kappel = lists.districts.create(uow, name="Kappel")
        anna = persons.create_person(uow, last_name="Anfang", first_name="Anna", district_id=kappel.id)
        bernd = persons.create_person(uow, last_name="Berg", first_name="Bernd", district_id=kappel.id)
        cem = persons.create_person(uow, last_name="Celik", first_name="Cem")
        for p, day in ((anna, D(LAST_YEAR, 1, 10)), (anna, D(LAST_YEAR, 5, 5)), (bernd, D(LAST_YEAR, 5, 6)),
                       (cem, D(LAST_YEAR, 2, 2)), (anna, D(THIS_YEAR, 1, 2))):
            requests.create_contact(uow, person_id=p.id, date=day)
        uow.commit()
    return {"anna": anna.id, "bernd": bernd.id, "cem": cem.id}


@pytest.fixture
def page(qtbot, ws):
    from kuemmerer.ui.pages.reports import ReportsPage

    p = ReportsPage(AppContext(ws))
    qtbot.addWidget(p)
    p.resize(1206, 700)  # the window's content beside the sidebar on her 1366×768 screen
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.cancel()
    assert p.wait_idle()


def figure(page, key: str) -> str:
    return page.overview_tab.figure_buttons[key].text()


def wait_for(qtbot, page, period: Period) -> None:
    qtbot.waitUntil(lambda: not page.busy and page.overview is not None and page.overview.period == period,
                    timeout=10000)


def test_the_running_year_is_shown_first_and_another_year_or_quarter_redraws(qtbot, people, page):
    assert page.period == Period.year(THIS_YEAR)
    wait_for(qtbot, page, Period.year(THIS_YEAR))
    assert figure(page, "contacts") == "1" and figure(page, "participants_named") == "1"
    assert page.overview_tab.figure_buttons["participants_named"].isEnabled()

    page.picker.year_box.setValue(LAST_YEAR)
    wait_for(qtbot, page, Period.year(LAST_YEAR))
    assert figure(page, "contacts") == "4" and figure(page, "participants_named") == "3"
    assert str(LAST_YEAR) in page.title.text()

    choose(page.picker.kind_box, PeriodKind.QUARTER)  # Q1 of last year (today is not in it)
    wait_for(qtbot, page, Period.quarter(LAST_YEAR, 1))
    assert figure(page, "contacts") == "2" and figure(page, "participants_named") == "2"
    choose(page.picker.part_box, 2)
    wait_for(qtbot, page, Period.quarter(LAST_YEAR, 2))
    assert figure(page, "contacts") == "2"
    assert page.overview_tab.breakdown_boxes["by_district"].model.rows[0].values == (2,)  # Kappel: Anna, Bernd
    click(qtbot, page.picker.previous_button)
    wait_for(qtbot, page, Period.quarter(LAST_YEAR, 1))
    assert figure(page, "participants_named") == "2"

    choose(page.picker.kind_box, PeriodKind.RANGE)
    page.picker.from_field.set_date(D(LAST_YEAR, 2, 1))
    page.picker.to_field.set_date(D(LAST_YEAR, 5, 5))
    click(qtbot, page.picker.apply_button)
    wait_for(qtbot, page, Period(D(LAST_YEAR, 2, 1), D(LAST_YEAR, 5, 5)))
    assert figure(page, "contacts") == "2"  # Cem 02.02., Anna 05.05.
    page.picker.to_field.set_date(D(LAST_YEAR, 1, 1))
    click(qtbot, page.picker.apply_button)
    assert page.picker.error.isVisible() and "Ende" in page.picker.error.text()


def test_clicking_a_count_lists_exactly_the_records_behind_it(qtbot, people, page, qtmodeltester):
    page.set_period(Period.year(LAST_YEAR))
    wait_for(qtbot, page, Period.year(LAST_YEAR))

    click(qtbot, page.overview_tab.figure_buttons["participants_named"])
    dialog = page.drill_dialog
    assert dialog is not None and dialog.isVisible()
    qtmodeltester.check(dialog.model)
    assert [r.cells[0] for r in dialog.all_rows()] == ["Anfang, Anna", "Berg, Bernd", "Celik, Cem"]
    assert dialog.summary.text().startswith("3 Einträge")

    click(qtbot, page.overview_tab.figure_buttons["contacts"])
    dialog = page.drill_dialog
    assert [(r.cells[0], r.cells[1]) for r in dialog.all_rows()] == [
        (D(LAST_YEAR, 1, 10), "Anfang, Anna"), (D(LAST_YEAR, 2, 2), "Celik, Cem"),
        (D(LAST_YEAR, 5, 5), "Anfang, Anna"), (D(LAST_YEAR, 5, 6), "Berg, Bernd")]
    assert dialog.model.index(0, 0).data() == f"10.01.{LAST_YEAR}"

    box = page.overview_tab.breakdown_boxes["by_district"]
    labels = [r.label for r in box.model.rows]
    click_row(qtbot, box.view, labels.index("Kappel"))
    assert [r.cells[0] for r in page.drill_dialog.all_rows()] == ["Anfang, Anna", "Berg, Bernd"]
    assert box.model.rows[labels.index("Kappel")].values == (2,)
    bar = box.chart.bar_rect(labels.index("unbekannt"))
    qtbot.mouseClick(box.chart, Qt.MouseButton.LeftButton, pos=QPoint(bar.left() + 1, bar.center().y()))
    assert [r.cells[0] for r in page.drill_dialog.all_rows()] == ["Celik, Cem"]

    months = page.overview_tab.breakdown_boxes["by_month"]
    may = [r.label for r in months.model.rows].index(f"Mai {LAST_YEAR}")
    rect = months.view.visualRect(months.model.index(may, 2))  # the "Kontakte" cell of May
    qtbot.mouseClick(months.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [r.cells[1] for r in page.drill_dialog.all_rows()] == ["Anfang, Anna", "Berg, Bernd"]

    with qtbot.waitSignal(page.open_person) as opened:
        view = page.drill_dialog.view
        where = view.visualRect(page.drill_dialog.model.index(1, 1)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a real double-click starts so
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == [people["bernd"]]
    page.drill_dialog.close()


def test_a_frozen_year_shows_its_note_and_how_live_data_differs(qtbot, people, page, ws):
    with ws.uow() as uow:
        persons.delete_person(uow, people["cem"])  # freezes last year first
    page.set_period(Period.year(LAST_YEAR))
    wait_for(qtbot, page, Period.year(LAST_YEAR))
    note = page.overview_tab.note
    assert note.isVisible() and "Eingefrorene Zahlen des Jahres" in note.text()
    assert figure(page, "participants_named") == "3"  # as reported
    assert page.overview_tab.differences.isVisible()
    assert "Teilnehmende (namentlich): eingefroren 3, aktuell 2" in page.overview_tab.differences.text()
    click(qtbot, page.overview_tab.figure_buttons["participants_named"])
    dialog = page.drill_dialog
    assert len(dialog.all_rows()) == 2 and "berichtet wurde 3" in dialog.hint.text()
    dialog.close()
    page.set_period(Period.half(LAST_YEAR, 1))
    wait_for(qtbot, page, Period.half(LAST_YEAR, 1))
    assert "Eingefrorene" not in note.text() and not page.overview_tab.differences.isVisible()


class _SlowOverview:
    """A fake computation that runs until released or cancelled (as the real one stops);
    ``deaf``: it does not hear the cancel and delivers its result late anyway (the page
    must drop it)."""

    def __init__(self, *, deaf: bool = False):
        self.release = threading.Event()
        self.real = report_figures.overview
        self.started: list[Period] = []
        self.deaf = deaf

    def __call__(self, uow, period, cancelled=None):
        self.started.append(period)
        while not self.release.wait(0.01):
            if not self.deaf and cancelled is not None and cancelled():
                raise Cancelled()
        return self.real(uow, period)


def test_a_slow_computation_shows_a_busy_bar_and_can_be_cancelled(qtbot, people, page, monkeypatch):
    wait_for(qtbot, page, Period.year(THIS_YEAR))
    slow = _SlowOverview()
    monkeypatch.setattr(report_figures, "overview", slow)
    page.picker.year_box.setValue(LAST_YEAR)
    assert page.busy and not page.busy_bar.isVisible()  # not at once: only after 200 ms
    qtbot.waitUntil(lambda: page.busy_bar.isVisible() and page.cancel_button.isVisible(), timeout=3000)
    click(qtbot, page.cancel_button)
    assert not page.busy_bar.isVisible()
    assert "abgebrochen" in page.status.text() and str(THIS_YEAR) in page.status.text()
    assert page.wait_idle()
    assert page.overview.period == Period.year(THIS_YEAR) and figure(page, "contacts") == "1"


def test_a_result_arriving_after_cancel_is_dropped(qtbot, people, page, monkeypatch):
    wait_for(qtbot, page, Period.year(THIS_YEAR))
    slow = _SlowOverview(deaf=True)
    monkeypatch.setattr(report_figures, "overview", slow)
    page.set_period(Period.year(LAST_YEAR))
    qtbot.waitUntil(lambda: len(slow.started) == 1, timeout=3000)
    page.cancel()
    slow.release.set()
    assert page.wait_idle()
    qtbot.wait(50)
    assert page.overview.period == Period.year(THIS_YEAR) and figure(page, "contacts") == "1"


def test_a_newer_period_supersedes_an_older_running_one(qtbot, people, page, monkeypatch):
    wait_for(qtbot, page, Period.year(THIS_YEAR))
    slow = _SlowOverview(deaf=True)  # the year's result still arrives, after the quarter was asked for
    monkeypatch.setattr(report_figures, "overview", slow)
    shown = []
    page.overview_shown.connect(lambda o: shown.append(o.period))
    page.set_period(Period.year(LAST_YEAR))
    qtbot.waitUntil(lambda: len(slow.started) == 1, timeout=3000)
    page.set_period(Period.quarter(LAST_YEAR, 1))
    qtbot.waitUntil(lambda: len(slow.started) == 2, timeout=3000)
    slow.release.set()
    wait_for(qtbot, page, Period.quarter(LAST_YEAR, 1))
    assert page.wait_idle()
    qtbot.wait(50)
    assert shown == [Period.quarter(LAST_YEAR, 1)]  # the year's late result was dropped
    assert figure(page, "contacts") == "2"


def test_tabs_hear_the_period_and_the_export_button_gets_it(qtbot, page, monkeypatch):
    class Tab(QLabel):
        def __init__(self):
            super().__init__("Sachbericht")
            self.periods = []

        def set_period(self, period):
            self.periods.append(period)

    tab = Tab()
    page.add_tab("Sachbericht", tab)
    page.add_tab("Ohne Zeitraum", QLabel("x"))
    assert page.tabs.count() == 3 and page.tabs.tabText(0) == "&Übersicht"
    page.set_period(Period.month(LAST_YEAR, 3))
    assert tab.periods == [Period.year(THIS_YEAR), Period.month(LAST_YEAR, 3)]

    calls = []
    fake = types.ModuleType("kuemmerer.ui.export_actions")
    fake.export_jahresstatistik = lambda parent, ctx, period: calls.append((parent, ctx, period))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kuemmerer.ui.export_actions", fake)
    click(qtbot, page.export_button)
    assert calls == [(page, page.ctx, Period.month(LAST_YEAR, 3))]
    assert page.export_button.text() == "Jahresstatistik (Excel)…"


def test_figures_are_not_clipped_on_her_screen(qtbot, people, page):
    wait_for(qtbot, page, Period.year(THIS_YEAR))
    qtbot.wait(50)
    for key, button in page.overview_tab.figure_buttons.items():
        assert button.width() >= button.sizeHint().width(), key
    for label in page.overview_tab.widget().findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    for box in page.overview_tab.breakdown_boxes.values():
        assert box.height() >= box.minimumSizeHint().height(), box.title()
        assert box.view.height() >= box.view.horizontalHeader().height() + 24 * len(box.model.rows)
    assert page.overview_tab.horizontalScrollBar().maximum() == 0  # no sideways scrolling

"""Heute › „Führungszeugnisse erneuern“ (issue 13 §1): a clearance shows up 60 days before it
expires and stays once it has expired; ended volunteers and fresh clearances do not; a
double-click asks the window to open the volunteer."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kuemmerer.services import persons, validation, volunteers
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages.today import TodayPage
from tests.gui_helpers import days

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


def with_clearance(uow, last: str, issued: dt.date, **kw):
    p = persons.create_person(uow, last_name=last, first_name="Vera")
    return volunteers.create_volunteer(uow, person_id=p.id, started_on=D(2020, 1, 1), clearance_issued_on=issued,
                                       clearance_seen_on=issued + days(3), clearance_relevant_entry=False, **kw)


@pytest.fixture
def clearances(ws):
    with ws.uow() as uow:
        soon = with_clearance(uow, "Bald", D(2021, 4, 30))  # expires 30.04.2026: in 51 days
        expired = with_clearance(uow, "Vorbei", D(2021, 2, 1))  # expired 01.02.2026
        edge = with_clearance(uow, "Knapp", TODAY.replace(year=2021) + days(61))  # 61 days ahead: not yet
        fresh = with_clearance(uow, "Frisch", D(2025, 6, 1))
        ended = with_clearance(uow, "Aufgehört", D(2021, 2, 1), ended_on=D(2026, 2, 1))
    return {"soon": soon, "expired": expired, "edge": edge, "fresh": fresh, "ended": ended}


@pytest.fixture
def page(qtbot, ws):
    p = TodayPage(AppContext(ws))
    qtbot.addWidget(p)
    p.resize(1190, 680)
    p.show()
    qtbot.waitExposed(p)
    return p


def rows(page: TodayPage) -> list[list[str]]:
    m = page.clearances
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_the_reminder_lists_what_is_due_soonest_first(qtbot, qtmodeltester, clearances, page):
    assert page.clearances_box.isVisible()
    assert page.clearances_box.title() == "Führungszeugnisse erneuern (2)"
    assert rows(page) == [["Vorbei, Vera", "01.02.2026", "abgelaufen"],
                          ["Bald, Vera", "30.04.2026", "noch 51 Tage"]]
    qtmodeltester.check(page.clearances, force_py=True)


def test_the_reminder_comes_sixty_days_ahead_and_goes_when_renewed(qtbot, ws, clearances, page, monkeypatch):
    edge = clearances["edge"]
    monkeypatch.setattr(validation, "today", lambda: TODAY + days(1))  # now 60 days ahead
    page.ctx.notify("all")
    assert ["Knapp, Vera", "10.05.2026", "noch 60 Tage"] in rows(page)
    with ws.uow() as uow:
        volunteers.update_volunteer(uow, clearances["soon"].id, clearance_issued_on=D(2026, 3, 1),
                                    clearance_seen_on=D(2026, 3, 5))
        volunteers.update_volunteer(uow, clearances["expired"].id, clearance_issued_on=None,
                                    clearance_seen_on=None, clearance_relevant_entry=None)
    page.ctx.notify("volunteers")
    assert [r[0] for r in rows(page)] == ["Knapp, Vera"]
    with ws.uow() as uow:
        volunteers.update_volunteer(uow, edge.id, ended_on=TODAY)
    page.ctx.notify("volunteers")
    assert rows(page) == [] and page.clearances_box.isHidden()


def test_double_click_asks_to_open_the_volunteer(qtbot, clearances, page):
    view = page.clearances_view
    row = 1
    assert page.clearances.row_at(row).volunteer_id == clearances["soon"].id
    opened: list[int] = []
    page.open_volunteer.connect(opened.append)
    rect = view.visualRect(page.clearances.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real one starts so
    assert opened == []  # a single click only selects
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [clearances["soon"].id]  # once
    view.setFocus()
    view.setCurrentIndex(page.clearances.index(0, 0))
    with qtbot.waitSignal(page.open_volunteer, timeout=1000) as signal:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert signal.args == [clearances["expired"].id]


def test_no_box_while_nothing_is_due(qtbot, ws):
    page = TodayPage(AppContext(ws))
    qtbot.addWidget(page)
    page.show()
    assert page.clearances.rowCount() == 0 and page.clearances_box.isHidden()


def test_a_double_click_on_a_follow_up_opens_it_once(qtbot, ws):
    """„activated“ already is the double-click: the request opened twice when doubleClicked was connected too."""
    from kuemmerer.services import requests

    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Wagner")
        r = requests.create_request(uow, person_id=p.id, title="Wohngeld", opened_on=TODAY - days(9),
                                    follow_up_on=TODAY)
    page = TodayPage(AppContext(ws))
    qtbot.addWidget(page)
    page.resize(1190, 680)
    page.show()
    opened: list[int] = []
    page.open_request.connect(opened.append)
    view = page.follow_up_view
    rect = view.visualRect(page.follow_ups.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [r.id]

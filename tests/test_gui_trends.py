"""Berichte › Entwicklung: the monthly table by Thema/Stadtgebiet for Anliegen/Kontakte, the
rising rows marked, highlighted and named above the table, the rule stated on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kuemmerer.domain.periods import Period
from kuemmerer.services import lists, persons, requests, validation
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages import trends as page
from kuemmerer.ui.pages.trends import TrendsTab
from tests.gui_helpers import click

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
TODAY = D(2026, 3, 15)
RECENT = (D(2026, 1, 1), D(2026, 3, 15))
BEFORE = (D(2025, 1, 1), D(2025, 3, 15))


def spread(n, start, end):
    span = (end - start).days
    return [start + dt.timedelta(days=round(i * span / max(n - 1, 1))) for i in range(n)]


@pytest.fixture
def data(ws, monkeypatch):
    """Thema Alpha 10 → 15 requests (rising), Thema Beta 10 → 14 (not); all contacts in Nordviertel
    rise 0 → 6."""
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    with ws.uow() as uow:
        north = lists.districts.create(uow, name="Nordviertel").id
        pid = persons.create_person(uow, last_name="Testperson", district_id=north).id
        for name, before, recent in (("Thema Alpha", 10, 15), ("Thema Beta", 10, 14)):
            cat = lists.categories.create(uow, name=name).id
            for day in spread(before, *BEFORE) + spread(recent, *RECENT):
                requests.create_request(uow, person_id=pid, category_id=cat, title="Test", opened_on=day)
        for day in spread(6, *RECENT):
            requests.create_contact(uow, person_id=pid, date=day)
    return pid


@pytest.fixture
def tab(qtbot, ws, data):
    widget = TrendsTab(AppContext(ws))
    qtbot.addWidget(widget)
    widget.resize(1166, 620)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_period(Period.year(2025))  # accepted, the table still ends today
    return widget


def row_of(model, label):
    return next(r for r in range(model.rowCount()) if model.row_at(r).label == label)


def header(model, row):
    return model.headerData(row, Qt.Orientation.Vertical)


def test_rising_thema_is_marked_highlighted_and_named(qtbot, tab, qtmodeltester):
    m = tab.model
    months = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert len(months) == 25 and months[0] == "Apr 2024" and months[-2:] == ["Mär 2026", "Trend"]
    alpha, beta = row_of(m, "Thema Alpha"), row_of(m, "Thema Beta")
    assert header(m, alpha) == "▲ Thema Alpha" and header(m, beta) == "Thema Beta"
    assert m.index(alpha, m.trend_column).data() == "▲ 15 statt 10 (+50 %)"
    assert m.index(beta, m.trend_column).data() == "14 statt 10 (+40 %)"
    assert m.index(alpha, 3).data(Qt.ItemDataRole.BackgroundRole).color() == page.RISING_BACKGROUND
    assert m.index(beta, 3).data(Qt.ItemDataRole.BackgroundRole) is None
    jan = months.index("Jan 2026")
    assert [m.index(r, jan).data() for r in (alpha, beta)] == [
        str(sum(1 for d in spread(n, *RECENT) if d.month == 1)) for n in (15, 14)]
    assert "Thema Alpha: 15 Anliegen" in tab.alert.text() and "Thema Beta" not in tab.alert.text()
    assert "mindestens 50 % und mindestens 5 Fälle mehr" in tab.rule.text()
    assert "01.01.2025 – 15.03.2025" in tab.rule.text()
    assert header(m, m.rowCount() - 1) == "Zusammen"
    assert m.headerData(len(months) - 2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == \
        "Laufender Monat: bis heute (15.03.2026)"
    qtmodeltester.check(m)


def test_switches_to_contacts_and_districts(qtbot, tab, qtmodeltester):
    click(qtbot, tab.contacts_radio)
    m = tab.model
    labels = [m.row_at(r).label for r in range(m.rowCount())]
    assert {"Thema Alpha", "Thema Beta"} <= set(labels) and labels[-2:] == ["ohne Thema", "Zusammen"]
    assert m.index(row_of(m, "ohne Thema"), m.trend_column).data() == "▲ 6 statt 0 (neu)"
    click(qtbot, tab.district_radio)
    assert tab.measure.label == "Kontakte" and tab.dimension.label == "Stadtgebiet"
    north = row_of(m, "Nordviertel")
    assert header(m, north) == "▲ Nordviertel"
    assert "Stadtgebiet Nordviertel: 6 Kontakte" in tab.alert.text()
    click(qtbot, tab.requests_radio)
    assert m.index(row_of(m, "Nordviertel"), m.trend_column).data() == "29 statt 20 (+45 %)"
    assert "Kein Stadtgebiet steigt" in tab.alert.text()
    qtmodeltester.check(m)


def test_new_data_reloads_the_table(qtbot, ws, tab, data):
    m = tab.model
    with ws.uow() as uow:
        cat = next(c.id for c in lists.list_categories(uow) if c.name == "Thema Beta")
        requests.create_request(uow, person_id=data, category_id=cat, title="Test", opened_on=TODAY)
    tab.ctx.notify("requests")
    beta = row_of(m, "Thema Beta")
    assert m.index(beta, m.trend_column).data() == "▲ 15 statt 10 (+50 %)"
    assert "Thema Beta: 15 Anliegen" in tab.alert.text()

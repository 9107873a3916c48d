"""Einstellungen › Aufbewahrung with the real widgets: she sees the residents the rule
selects, previews what goes and how the open years' figures change, confirms once, and the
database holds what she was told; Heute reminds her once a month."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel, QTabWidget

from kuemmerer.db import erasure_journal
from kuemmerer.services import persons, requests, retention, statistics, validation
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages import retention as page
from kuemmerer.ui.pages.today import TodayPage
from tests.gui_helpers import click, click_row

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def residents(ws, monkeypatch):
    """Two due (contacts in 2021 and 2022 only), one who stays (a contact this year)."""
    monkeypatch.setattr(validation, "today", lambda: DAY)
    with ws.uow() as uow:
        ids = {}
        for name, days in (("Altmann", [dt.date(2021, 3, 1)]),
                           ("Bergfeld", [dt.date(2022, 4, 1), dt.date(2022, 5, 2)]),
                           ("Cremer", [dt.date(2022, 4, 1), dt.date(2026, 5, 2)])):
            p = persons.create_person(uow, last_name=name, first_name="Testa")
            for day in days:
                requests.create_contact(uow, person_id=p.id, date=day)
            ids[name] = p.id
    return ids


@pytest.fixture
def tab(qtbot, ws, residents):
    ctx = AppContext(ws)
    holder = QTabWidget()  # as in Einstellungen: the tab is not the first one shown
    holder.addTab(QLabel("Briefkopf"), "Briefkopf")
    t = page.RetentionTab(ctx)
    holder.addTab(t, "Aufbewahrung")
    qtbot.addWidget(holder)
    holder.resize(1100, 650)
    holder.show()
    qtbot.waitExposed(holder)
    holder.setCurrentWidget(t)
    yield t
    holder.close()


def shown(tab) -> list[list[str]]:
    m = tab.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_retention_with_preview(qtbot, ws, residents, tab, monkeypatch, qtmodeltester, tmp_path):
    qtmodeltester.check(tab.model)
    assert "mehr als 3 Jahre zurückliegt" in tab.rule_label.text()
    assert tab.years.value() == 3
    assert shown(tab) == [
        ["Altmann, Testa", "01.03.2021", "31.12.2024", "1", "1 Kontakt"],
        ["Bergfeld, Testa", "02.05.2022", "31.12.2025", "2", "2 Kontakte"],
    ]
    assert tab.count_label.text() == "2 Personen zur Löschung fällig"
    assert not tab.erase_button.isEnabled()

    click_row(qtbot, tab.view, 1)  # Bergfeld
    click(qtbot, tab.preview_button)
    qtbot.waitUntil(lambda: not tab.working, timeout=10_000)
    text = tab.preview_text.toPlainText()
    assert "Gelöscht würden: 1 Person, 2 Kontakte." in text
    assert "Statistik 2022 (abgeschlossen: wird vor dem Löschen eingefroren" in text
    assert "Teilnehmende (namentlich): 2 → 1" in text
    assert "Kontakte: 3 → 1" in text
    tab.grab().save(str(tmp_path / "retention.png"))

    asked: list[str] = []
    monkeypatch.setattr(page, "confirm", lambda _p, title, text, yes, no="Abbrechen": asked.append(text) or True)
    click(qtbot, tab.erase_button)
    qtbot.waitUntil(lambda: not tab.working, timeout=10_000)
    assert len(asked) == 1 and asked[0].startswith("1 Person mit 2 verknüpften Einträgen endgültig löschen?")
    assert tab.result.text() == "1 Person gelöscht."
    assert [row[0] for row in shown(tab)] == ["Altmann, Testa"]
    with ws.uow(read_only=True) as uow:
        assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Altmann", "Cremer"]
        assert [e.entity_id for e in erasure_journal.stored_entries(uow.session)] == [residents["Bergfeld"]]
        view = statistics.frozen_view(uow, 2022)
        assert view is not None and view.stats.contacts == 3  # the reported figures stay


def test_saying_no_erases_nothing(qtbot, ws, residents, tab, monkeypatch):
    monkeypatch.setattr(page, "confirm", lambda *_a, **_k: False)
    click(qtbot, tab.all_button)
    click(qtbot, tab.erase_button)
    qtbot.waitUntil(lambda: not tab.working, timeout=10_000)
    assert tab.result.isHidden()
    assert len(shown(tab)) == 2
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
        assert erasure_journal.stored_entries(uow.session) == []


def test_the_years_setting_is_saved_and_changes_the_list(qtbot, ws, residents, tab):
    tab.years.setValue(4)  # the arrows / Enter
    with ws.uow(read_only=True) as uow:
        assert retention.get_years(uow) == 4
    assert [row[0] for row in shown(tab)] == ["Altmann, Testa"]
    assert "mehr als 4 Jahre zurückliegt" in tab.rule_label.text()
    tab.years.setValue(1)
    assert [row[0] for row in shown(tab)] == ["Altmann, Testa", "Bergfeld, Testa"]


def test_a_new_contact_after_listing_keeps_her(qtbot, ws, residents, tab, monkeypatch):
    monkeypatch.setattr(page, "confirm", lambda *_a, **_k: True)
    click(qtbot, tab.all_button)
    with ws.uow() as uow:  # meanwhile, elsewhere: Altmann came by
        requests.create_contact(uow, person_id=residents["Altmann"], date=DAY)
    click(qtbot, tab.erase_button)
    qtbot.waitUntil(lambda: not tab.working, timeout=10_000)
    assert tab.result.text() == "1 Person gelöscht."
    with ws.uow(read_only=True) as uow:
        assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Altmann", "Cremer"]


def test_heute_reminds_and_opening_the_tab_counts_as_seen(qtbot, ws, residents, tmp_path):
    ctx = AppContext(ws)
    today = TodayPage(ctx)
    qtbot.addWidget(today)
    today.resize(1300, 700)
    today.show()
    qtbot.waitExposed(today)
    assert today.retention_box.isVisible()
    assert today.retention_note.text() == ("Aufbewahrung: 2 Personen ohne Kontakt seit über 3 Jahren "
                                           "– bitte prüfen.")
    today.grab().save(str(tmp_path / "today.png"))
    with qtbot.waitSignal(today.show_retention):
        click(qtbot, today.retention_open)
    t = page.RetentionTab(ctx)
    qtbot.addWidget(t)
    t.show()  # the window shows the tab: seen this month
    assert today.retention_box.isHidden()
    with ws.uow(read_only=True) as uow:
        assert retention.reminder(uow) is None


def test_heute_hides_the_reminder_until_next_month(qtbot, ws, residents, monkeypatch):
    today = TodayPage(AppContext(ws))
    qtbot.addWidget(today)
    today.show()
    click(qtbot, today.retention_hide)
    assert today.retention_box.isHidden()
    monkeypatch.setattr(validation, "today", lambda: dt.date(2026, 7, 1))
    today.reload()
    assert today.retention_box.isVisible()


def test_the_window_opens_aufbewahrung_from_heute(qtbot, ws, residents, tmp_path):
    from kuemmerer.ui.pages.settings import SettingsPage
    from tests.gui_helpers import open_window

    window = open_window(qtbot, ws, tmp_path)
    today = window.show_section("Heute")
    assert isinstance(today, TodayPage)
    qtbot.waitUntil(today.retention_box.isVisible)
    click(qtbot, today.retention_open)
    settings_page = window.pages["Einstellungen"]
    assert isinstance(settings_page, SettingsPage)
    assert window.stack.currentWidget() is settings_page
    assert settings_page.tabs.currentWidget() is settings_page.retention
    qtbot.waitUntil(lambda: settings_page.retention.model.rowCount() == 2)

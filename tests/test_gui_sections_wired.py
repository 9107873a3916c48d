"""The window brings the Ehrenamt, Aktivitäten and Netzwerk sections, Heute's clearance
reminder opens the volunteer, and Datei → Kalender exportieren… writes her calendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from PySide6.QtCore import QSettings

from kuemmerer.services import networks, persons, volunteers
from kuemmerer.ui import calendar_export
from kuemmerer.ui.main_window import MainWindow
from kuemmerer.ui.pages.activities import ActivitiesPage
from kuemmerer.ui.pages.networks import NetworksPage
from kuemmerer.ui.pages.volunteers import VolunteersPage


@pytest.fixture
def window(qtbot, ws, tmp_path):
    w = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_three_sections_are_real_pages(window):
    assert isinstance(window.show_section("Ehrenamt"), VolunteersPage)
    assert isinstance(window.show_section("Aktivitäten"), ActivitiesPage)
    assert isinstance(window.show_section("Netzwerk"), NetworksPage)


def test_the_clearance_reminder_on_heute_opens_the_volunteer(window, ws):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Erneuern", first_name="Ria")
        issued = window.ctx.today() - dt.timedelta(days=5 * 365 - 30)
        v = volunteers.create_volunteer(uow, person_id=p.id, started_on=issued, clearance_issued_on=issued,
                                        clearance_seen_on=issued)
    today = window.show_section("Heute")
    today.reload()
    today.open_volunteer.emit(v.id)
    page = window.pages["Ehrenamt"]
    assert window.stack.currentWidget() is page
    assert page.current_id() == v.id


def test_kalender_exportieren_writes_an_ics_without_names(window, ws, tmp_path, monkeypatch):
    with ws.uow() as uow:
        n = networks.create_network(uow, name="Stadtteilrunde Nord")
        networks.create_meeting(uow, network_id=n.id, date=window.ctx.today() + dt.timedelta(days=7),
                                start_time="17:00")
    target = tmp_path / "kalender.ics"
    notices = []
    monkeypatch.setattr(calendar_export, "ask_path", lambda parent, title, suggested: target)
    monkeypatch.setattr(calendar_export.Notice, "show", lambda parent, title, text: notices.append(title))
    action = next(a for a in window.file_menu.actions() if a.text() == "Kalender exportieren…")
    action.trigger()
    assert notices == ["Kalender exportiert"]
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Stadtteilrunde Nord"]
    assert events[0].decoded("dtstart").hour == 17


def test_a_double_click_on_a_referral_of_a_person_opens_it_once(qtbot, ws):
    from PySide6.QtCore import Qt

    from kuemmerer.services import lists, partners
    from kuemmerer.ui.context import AppContext
    from kuemmerer.ui.pages.persons import PersonsPage

    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Doppelklick")
        svc = lists.list_services(uow)[0].id
        org = partners.create_organisation(uow, name="Beratung Doppelklick", service_ids=[svc])
        ref = partners.create_referral(uow, person_id=p.id, service_id=svc, organisation_id=org.id,
                                       referred_on=dt.date(2026, 1, 5))
    page = PersonsPage(AppContext(ws))
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.show_person(p.id, 3)
    view = page.detail.referrals_view
    opened: list[int] = []
    page.open_referral.connect(opened.append)
    rect = view.visualRect(view.model().index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [ref.id]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no window stack
def test_hilfe_handbuch_opens_the_handbook_at_her_section(window):
    from kuemmerer.ui.handbook import HandbookWindow

    window.show_section("Personen")
    action = next(a for a in window.help_menu.actions() if a.text() == "Handbuch")
    assert action.shortcut().toString() == "F1"
    action.trigger()
    handbook = window.findChild(HandbookWindow)
    assert handbook is not None and handbook.isVisible()
    handbook.close()

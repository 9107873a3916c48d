"""What a newcomer trips over (issue 8, part 9): the first window fits a 1366×768 screen
with its status bar, Hilfe lists the real shortcuts, multi-line texts keep their line
breaks in the detail panes, and a status picked in the request detail is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QTextDocument

from kuemmerer.services import lists, partners, persons, requests
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.person import PersonDialog
from kuemmerer.ui.main_window import SECTIONS, MainWindow
from kuemmerer.ui.pages.referrals import ReferralsPage
from kuemmerer.ui.pages.requests import RequestsPage
from kuemmerer.ui.pages.tallies import TalliesWindow
from kuemmerer.ui.shortcuts import SHORTCUTS, ShortcutsDialog, german, live_shortcuts
from tests.gui_helpers import choose

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

TODAY = dt.date.today()
LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 without a 40 px task bar


def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def shown_text(html: str) -> str:
    """What a rich-text label shows, with its line breaks as "\\n"."""
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText().replace("\u2028", "\n")


def assert_fits(window: MainWindow, area: QRect) -> None:
    frame = window.FRAME
    assert window.width() + frame.width() <= area.width()
    assert window.height() + frame.height() <= area.height()
    assert area.contains(QRect(window.pos(), window.size()))
    bar = window.statusBar()
    assert bar.isVisible() and bar.geometry().bottom() < window.height()
    assert window.db_label.isVisible() and window.backup_label.isVisible()


def test_first_window_fits_a_1366x768_screen_with_its_status_bar(qtbot, ws, tmp_path):
    window = MainWindow(ws, settings=settings(tmp_path), available=LAPTOP)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert_fits(window, LAPTOP)
    # a size saved on a big screen does not push the status bar off the laptop's
    window.resize(1850, 1120)
    window.close()
    again = MainWindow(ws, settings=settings(tmp_path), available=LAPTOP)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert_fits(again, LAPTOP)


def test_hilfe_lists_every_shortcut_there_is_and_no_other(qtbot, ws, tmp_path):
    window = MainWindow(ws, settings=settings(tmp_path), available=LAPTOP)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Hilfe")
    entry = next(a for a in help_menu.actions() if a.text() == "Tastenkürzel…")
    entry.trigger()
    (dialog,) = [d for d in window.findChildren(ShortcutsDialog) if d.isVisible()]
    text = dialog.text.toPlainText()
    assert "Strg+N" in text and "Besuch erfassen" in text and "Strg+Umschalt+S" in text
    # everything that exists is listed: the window with every page (pages are built when first
    # shown, so build them all), the Strichliste window, an input form
    for name in SECTIONS:
        window.pages[name]  # builds the page
    tallies = TalliesWindow(window.ctx, window)
    form = PersonDialog(window.ctx, parent=window)
    qtbot.addWidget(form)
    live = live_shortcuts(window) | live_shortcuts(tallies) | live_shortcuts(form)
    listed = {s.keys for s in SHORTCUTS}
    assert live - listed == set()
    # and nothing listed is invented (keys handled in code are named with their place)
    assert {s.keys for s in SHORTCUTS if not s.handled_in_code} - live == set()
    for s in SHORTCUTS:
        assert german(s.keys) in text and s.what in text.replace("\n", " ")


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def made(ws):
    with ws.uow() as uow:
        debt = next(s.id for s in lists.list_services(uow) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(uow, name="Beratung Mitte", service_ids=[debt])
        p = persons.create_person(uow, last_name="Testfrau", first_name="Ulla")
        req = requests.create_request(uow, person_id=p.id, title="Post vom Amt", opened_on=TODAY,
                                      description="Brief vom 3.\nFrist bis Monatsende\n\nUnterlagen fehlen")
        ref = partners.create_referral(uow, person_id=p.id, service_id=debt, organisation_id=org.id,
                                       referred_on=TODAY, reason="Mahnungen\nKontopfändung droht",
                                       outcome="angekommen", outcome_note="Erstgespräch am Montag\nnächstes in 2 Wochen")
    return {"request": req.id, "referral": ref.id}


def test_multi_line_texts_keep_their_line_breaks_in_the_detail_panes(qtbot, ctx, made):
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_referral(made["referral"])
    assert "Anlass: Mahnungen\nKontopfändung droht" in shown_text(page.detail.header.text())
    assert "Erstgespräch am Montag\nnächstes in 2 Wochen" in shown_text(page.detail.outcome_label.text())
    requests_page = RequestsPage(ctx)
    qtbot.addWidget(requests_page)
    requests_page.show()
    requests_page.detail.show_request(made["request"])
    assert "Brief vom 3.\nFrist bis Monatsende\n\nUnterlagen fehlen" in shown_text(
        requests_page.detail.header.text())


def test_a_status_picked_in_the_request_detail_is_saved_at_once(qtbot, ws, ctx, made):
    page = RequestsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.detail.show_request(made["request"])
    choose(page.detail.status, "in_bearbeitung")  # as she picks it; nothing else clicked
    with ws.uow(read_only=True) as uow:
        assert requests.get_request(uow, made["request"]).status == "in_bearbeitung"
    assert not page.detail.error.isVisible()
    # picking another request afterwards loses nothing
    page.detail.show_request(None)
    page.detail.show_request(made["request"])
    assert page.detail.status.currentData() == "in_bearbeitung"

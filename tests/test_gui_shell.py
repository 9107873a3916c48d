"""The shell around the pages: item models that obey Qt's rules (also while paging and
sorting), the main window's sections, unexpected errors that end in a German dialog
and the log (never with personal data) while the program keeps running, the
screenshot mode, and the window geometry that survives a restart."""

from __future__ import annotations

import logging
import logging.handlers
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPushButton

from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.services import demo, listing, person_view
from kuemmerer.ui import errors
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.main_window import SECTIONS, MainWindow
from kuemmerer.ui.models import ID_ROLE, Column, PagedModel, RowsModel
from kuemmerer.ui.pages.persons import PersonDetail, PersonsPage
from kuemmerer.ui.pages.requests import RequestsPage
from kuemmerer.ui.pages.today import TodayPage
from tests.conftest import create_encrypted

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]



GERMAN_SECTIONS = ["Heute", "Personen", "Anliegen", "Vermittlungen", "Partner", "Ehrenamt", "Aktivitäten",
                   "Netzwerk", "Berichte", "Einstellungen"]


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    """One (encrypted) demo database (one year, fixed seed) for the whole module; tests only read it."""
    ws = create_encrypted(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    with ws.uow() as uow:
        demo.generate(uow, years=1, seed=2)
    yield ws
    ws.close()


@pytest.fixture
def ctx(demo_ws):
    return AppContext(demo_ws)




def check_model(qtmodeltester, model) -> None:
    """pytest-qt's Python checker (it also looks at the data's types) and Qt's own
    QAbstractItemModelTester (its complaints are Qt warnings, which fail the test).
    Both stay attached and check every later change of the model."""
    qtmodeltester.check(model, force_py=True)


def check_paged_model(qtmodeltester, model) -> None:
    """Qt's own tester on the lazily paged model: it runs all its checks now and keeps
    watching rows being fetched."""
    qtmodeltester.check(model)


def detach_tester(qtmodeltester) -> None:
    """Before a reset of a model that can fetch more, the testers must let go: Qt's
    QAbstractItemModelTester (and pytest-qt's Python one alike) re-runs its checks from
    its modelReset slot — including fetchMore() — before it has noted that the reset
    is over, and then reports its own rowsInserted as "inserted during a reset". A
    ten-line QAbstractListModel shows the same; it is a flaw of the checkers (Qt 6.12),
    not of the model. So: check, let go, change, check again."""
    qtmodeltester._qt_tester = None


def sort_every_column(model) -> None:
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)


def row_ids(model) -> list[int]:
    return [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]


# --------------------------------------------------------------------------- models


def test_person_list_model_loads_in_pages_of_200(qtbot, ctx, demo_ws):
    with demo_ws.uow(read_only=True) as uow:
        total = listing.count_persons(uow, listing.PersonQuery())
        everyone = [r.id for r in listing.person_page(uow, listing.PersonQuery(), 0, 10_000)]
    assert total > 2 * PagedModel.PAGE  # demo data big enough to page twice
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    model = page.model
    assert model.total == total
    assert model.rowCount() == PagedModel.PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PagedModel.PAGE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == total
    assert not model.canFetchMore()
    assert row_ids(model) == everyone  # in order, no row twice, none left out
    assert page.count_label.text() == f"{total} Personen"
    model.sort(0, Qt.SortOrder.DescendingOrder)  # a new query starts with one page again
    assert model.rowCount() == PagedModel.PAGE and model.canFetchMore()
    assert row_ids(model) == everyone[::-1][:PagedModel.PAGE]


def test_person_list_model_passes_the_model_tester(qtbot, qtmodeltester, ctx):
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    model = page.model
    check_paged_model(qtmodeltester, model)  # the first page (the tester fetches one more itself)
    while model.canFetchMore():
        model.fetchMore()  # watched
    assert model.rowCount() == model.total > 2 * PagedModel.PAGE
    detach_tester(qtmodeltester)
    for column in range(model.columnCount()):  # each sort starts again with the first page
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            assert model.rowCount() == PagedModel.PAGE
            check_paged_model(qtmodeltester, model)
            detach_tester(qtmodeltester)
    page.search.setText("mül")
    page._apply_filter()
    assert 0 < model.rowCount() < PagedModel.PAGE
    check_paged_model(qtmodeltester, model)


def test_person_list_view_fetches_more_when_scrolled_to_the_end(qtbot, ctx):
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == PagedModel.PAGE
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PagedModel.PAGE, timeout=3000)


def test_show_person_beyond_the_first_page_fetches_until_found(qtbot, ctx, demo_ws):
    with demo_ws.uow(read_only=True) as uow:
        n = listing.count_persons(uow, listing.PersonQuery())
        last = listing.person_page(uow, listing.PersonQuery(), n - 1, 1)[0]
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.show_person(last.id)
    assert page.current_id() == last.id
    assert page.detail.overview.person.id == last.id


def test_request_list_model_loads_in_pages_and_passes_the_model_tester(qtbot, qtmodeltester, ctx, demo_ws):
    with demo_ws.uow(read_only=True) as uow:
        open_count = listing.count_requests(uow, listing.RequestQuery())
        total = listing.count_requests(uow, listing.RequestQuery(status=None))
    assert 0 < open_count <= PagedModel.PAGE < total
    page = RequestsPage(ctx)
    qtbot.addWidget(page)
    model = page.model
    assert model.rowCount() == model.total == open_count and not model.canFetchMore()
    page.set_filters(status=None)  # all requests: more than a page
    assert model.total == total and model.rowCount() == PagedModel.PAGE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == min(total, 2 * PagedModel.PAGE)

    check_paged_model(qtmodeltester, model)
    while model.canFetchMore():
        model.fetchMore()  # watched
    assert model.rowCount() == total
    assert len(set(row_ids(model))) == total
    detach_tester(qtmodeltester)
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            assert model.rowCount() == PagedModel.PAGE
            check_paged_model(qtmodeltester, model)
            detach_tester(qtmodeltester)
    page.set_filters(status="open", follow_up="due")
    assert 0 < model.rowCount() == model.total
    check_paged_model(qtmodeltester, model)


@pytest.mark.parametrize("name", ["follow_ups", "ages", "contacts", "meetings"])
def test_rows_models_on_heute_pass_the_model_tester(qtbot, qtmodeltester, ctx, name):
    page = TodayPage(ctx)
    qtbot.addWidget(page)
    model = getattr(page, name)
    assert isinstance(model, RowsModel)
    if name != "contacts":  # the demo has due follow-ups, open requests and coming meetings
        assert model.rowCount() > 0
    check_model(qtmodeltester, model)
    sort_every_column(model)
    page.reload()  # a reset with the testers attached


def _person_with_everything(demo_ws) -> int:
    with demo_ws.uow(read_only=True) as uow:
        for row in listing.person_page(uow, listing.PersonQuery(sort="open_requests", descending=True), 0, 500):
            o = person_view.overview(uow, row.id)
            if o.requests and o.contacts and o.referrals and o.attendances:
                return row.id
    pytest.fail("no demo person with requests, contacts, referrals and attendances")


@pytest.fixture(scope="module")
def busy_person(demo_ws) -> int:
    return _person_with_everything(demo_ws)


@pytest.mark.parametrize("name", ["requests_model", "contacts_model", "referrals_model", "attendance_model"])
def test_rows_models_in_the_person_detail_pass_the_model_tester(qtbot, qtmodeltester, demo_ws, busy_person, name):
    detail = PersonDetail()
    qtbot.addWidget(detail)
    with demo_ws.uow(read_only=True) as uow:
        detail.show_overview(person_view.overview(uow, busy_person))
    model = getattr(detail, name)
    assert model.rowCount() > 0
    check_model(qtmodeltester, model)
    sort_every_column(model)
    detail.show_overview(None)  # emptied with the testers attached
    assert model.rowCount() == 0


def test_rows_model_sorts_german_and_keeps_persistent_indexes(qtbot, qtmodeltester):
    model = RowsModel([Column("Name", lambda r: r)], ["Peters", "Zander", "Özdemir", "Olbrich", "Ärger", "adler"])
    check_model(qtmodeltester, model)

    keep = QPersistentModelIndex(model.index(2, 0))  # Özdemir
    model.sort(0)
    assert [model.index(r, 0).data() for r in range(6)] == ["adler", "Ärger", "Olbrich", "Özdemir", "Peters",
                                                            "Zander"]
    assert keep.data() == "Özdemir" and keep.row() == 3


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12 on")
def test_signal_emit_keeps_the_reference_count_of_true(qtbot):
    """PySide6 6.12.0 dropped a reference to True on every emit() from Python and aborted the
    interpreter ("bool_dealloc") after ~1000 emits; the pinned version must not."""
    model = RowsModel([Column("Name", lambda r: r)], ["b", "a"])
    before = sys.getrefcount(True)
    for _ in range(2000):
        model.sort(0)  # two emits each (layoutAboutToBeChanged, layoutChanged)
    assert sys.getrefcount(True) >= before - 10


EXIT_AFTER_SORTING = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kuemmerer.services.workspace import open_workspace
from kuemmerer.ui.main_window import MainWindow
folder = Path(sys.argv[1])
ws = open_workspace(folder / "k.sqlite")
window = MainWindow(ws, settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
window.show()
for i in range(3000):  # she clicks the column headers on Heute now and then during a day
    window.pages["Heute"].follow_ups.sort(i % 2)
QTimer.singleShot(0, window.close)
app.exec()
ws.close()
print("closed normally")
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12 on")
def test_the_program_exits_cleanly_after_a_session_with_some_sorting(tmp_path):
    run = subprocess.run([sys.executable, "-c", EXIT_AFTER_SORTING, str(tmp_path)], env=_isolated_env(tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert "closed normally" in run.stdout
    assert run.returncode == 0, run.stderr[-500:]


# --------------------------------------------------------------------------- main window


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, demo_ws, settings):
    w = MainWindow(demo_ws, settings=settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_main_window_has_the_ten_german_sections_and_switches_pages(qtbot, window):
    sidebar = window.sidebar
    assert [sidebar.item(i).text() for i in range(sidebar.count())] == GERMAN_SECTIONS == list(SECTIONS)
    assert window.stack.count() == 10
    assert window.stack.currentWidget() is window.pages["Heute"]
    for row, name in reversed(list(enumerate(GERMAN_SECTIONS))):
        rect = sidebar.visualItemRect(sidebar.item(row))
        qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert sidebar.currentRow() == row
        assert window.stack.currentIndex() == row
        assert window.stack.currentWidget() is window.pages[name]
    # keyboard: Down in the sidebar goes to the next section
    sidebar.setFocus()
    qtbot.keyClick(sidebar, Qt.Key.Key_Down)
    assert window.stack.currentWidget() is window.pages["Personen"]


def test_go_to_menu_switches_sections(window):
    go = next(a for a in window.menuBar().actions() if a.text() == "&Gehe zu").menu()
    actions = go.actions()
    assert [a.text() for a in actions] == GERMAN_SECTIONS
    assert [a.shortcut().toString() for a in actions] == [f"Ctrl+{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)]
    actions[2].trigger()
    assert window.stack.currentWidget() is window.pages["Anliegen"]
    actions[9].trigger()
    assert window.stack.currentWidget() is window.pages["Einstellungen"]


def test_status_bar_names_the_database(window, demo_ws):
    assert window.db_label.text() == f"Datenbank: {demo_ws.path} (verschlüsselt)"
    assert window.backup_label.text() == "Noch keine Sicherung"


def test_window_geometry_is_stored_on_close_and_restored(qtbot, demo_ws, tmp_path):
    ini = str(tmp_path / "geometry.ini")
    first = MainWindow(demo_ws, settings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(40, 50, 1150, 600)
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (1150, 600), timeout=2000)
    where = first.geometry()
    first.close()
    stored = QSettings(ini, QSettings.Format.IniFormat)
    assert stored.value("window/geometry") is not None

    second = MainWindow(demo_ws, settings=QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    # the stored place comes back (the test screen is her 1366×768, tests/conftest.py)
    assert QApplication.primaryScreen().availableGeometry() == QRect(0, 0, 1366, 768)
    assert second.geometry() == where

    fresh = MainWindow(demo_ws, settings=QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(fresh)
    # the default without stored geometry, made to fit 1366×768 with the title bar (status bar visible)
    assert (fresh.width(), fresh.height()) == (1280, 728)


# --------------------------------------------------------------------------- unexpected errors


@pytest.fixture
def log_file():
    """The application's log file set up as at start, removed from the root logger afterwards."""
    from kuemmerer.logging_setup import setup_logging
    from kuemmerer.paths import log_dir

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    path = setup_logging()
    assert path == log_dir() / "kuemmerer.log"
    yield path
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers = handlers
    root.setLevel(level)


def _flush_logs() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


@pytest.fixture
def shown_errors(monkeypatch):
    shown: list[tuple[object, str, str]] = []
    monkeypatch.setattr(errors.ErrorDialog, "show", classmethod(lambda cls, parent, title, text:
                                                                shown.append((parent, title, text))))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    return shown


@pytest.mark.qt_no_exception_capture
def test_unexpected_error_in_a_slot_shows_the_german_dialog_logs_and_keeps_running(qtbot, log_file, shown_errors):
    errors.install_excepthook()
    clicks = []

    def boom():
        clicks.append(1)
        raise ValueError("Frau Müller")

    button = QPushButton("Los")
    qtbot.addWidget(button)
    button.clicked.connect(boom)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert clicks == [1]
    assert len(shown_errors) == 1
    _parent, title, text = shown_errors[0]
    assert title == "Unerwarteter Fehler"
    assert text == errors.UNEXPECTED
    assert text.startswith("Ein unerwarteter Fehler ist aufgetreten.") and "Kümmerer läuft weiter." in text
    assert "Müller" not in text and "ValueError" not in text
    _flush_logs()
    log = log_file.read_text(encoding="utf-8")
    assert "ValueError" in log and "boom" in log and "unexpected error in the window" in log
    assert "Müller" not in log and "Frau" not in log

    # the application is still running: events are processed, the button works again
    fired = []
    QTimer.singleShot(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1], timeout=1000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [1, 1]
    assert len(shown_errors) == 2


@pytest.mark.qt_no_exception_capture
def test_own_german_errors_in_a_slot_are_shown_as_they_are_and_not_logged(qtbot, log_file, shown_errors):
    errors.install_excepthook()
    button = QPushButton("Los")
    qtbot.addWidget(button)

    def refuse():
        raise ValidationError.single("date", "Das Datum liegt in der Zukunft.")

    button.clicked.connect(refuse)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [(t, x) for _p, t, x in shown_errors] == [("Hinweis", "Das Datum liegt in der Zukunft.")]
    _flush_logs()
    assert "ValidationError" not in (log_file.read_text(encoding="utf-8") if log_file.exists() else "")


@pytest.mark.qt_no_exception_capture
def test_known_errors_in_a_slot_are_shown_as_they_are(qtbot, log_file, shown_errors):
    errors.install_excepthook()
    button = QPushButton("Los")
    qtbot.addWidget(button)

    def gone():
        raise NotFound("Person", 7)

    button.clicked.connect(gone)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [(t, x) for _p, t, x in shown_errors] == [("Hinweis", "Person 7 wurde nicht gefunden.")]
    _flush_logs()
    assert "NotFound" not in (log_file.read_text(encoding="utf-8") if log_file.exists() else "")


def test_report_error_logs_the_chain_without_messages(qtbot, log_file, shown_errors):
    try:
        try:
            raise KeyError("Mustermann")
        except KeyError as inner:
            raise RuntimeError("Adresse Gartenstraße 5") from inner
    except RuntimeError as exc:
        errors.report_error(None, exc)
    _flush_logs()
    log = log_file.read_text(encoding="utf-8")
    assert "KeyError" in log and "RuntimeError" in log
    assert "Mustermann" not in log and "Gartenstraße" not in log
    assert shown_errors[-1][2] == errors.UNEXPECTED


# --------------------------------------------------------------------------- screenshots


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(home / "run"), LC_ALL="C.UTF-8")
    env.pop("KUEMMERER_DB", None)
    (home / "run").mkdir(parents=True, exist_ok=True)
    (home / "run").chmod(0o700)
    return env


def test_screenshot_mode_writes_every_section_and_dialog(tmp_path):
    env = _isolated_env(tmp_path)
    db = tmp_path / "demo.sqlite"
    cli = Path(sys.executable).with_name("kuemmerer-cli")
    fill = [str(cli)] if cli.exists() else [sys.executable, "-m", "kuemmerer.cli"]
    done = subprocess.run([*fill, "--db", str(db), "demo", "--years", "1"], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    shots = tmp_path / "shots"
    run = subprocess.run([sys.executable, "-m", "kuemmerer", "--db", str(db), "--screenshots", str(shots)],
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    pngs = sorted(shots.glob("*.png"))
    assert len(pngs) >= 15
    assert {p.name.split("-", 1)[1] for p in pngs} >= {"heute.png", "personen.png", "anliegen.png",
                                                        "einstellungen.png", "dialog-sprechstunde.png",
                                                        "dialog-person-fehler.png"}
    printed = {Path(line).name for line in run.stdout.split()}
    assert printed == {p.name for p in pngs}
    for png in pngs:
        assert png.stat().st_size > 0
        image = QImage(str(png))
        assert not image.isNull(), png.name
        assert image.width() >= 400, png.name
    # the main window screenshots have the window's size
    heute = QImage(str(next(p for p in pngs if p.name.endswith("-heute.png"))))
    assert (heute.width(), heute.height()) == (1366, 728)
    # the log went to the test's own home (XDG dirs), so nothing was written into the real one
    assert (tmp_path / "home" / "state" / "kuemmerer" / "log" / "kuemmerer.log").is_file()

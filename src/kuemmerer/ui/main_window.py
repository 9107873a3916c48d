"""Hauptfenster: Seitenleiste mit den Bereichen, Menü, Statuszeile."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from kuemmerer import APP_TITLE, __version__
from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError, ValidationError

from .errors import report_error

# Nothing here imports the database layer (SQLAlchemy, the services, the pages) at module
# level: the window paints its frame, sidebar and the Heute skeleton first (issue 12 §1); the
# pages are built the first time they are shown. For the same reason the skeleton does not
# touch PySide6's ``Qt`` namespace (its first use creates all of its ~130 enum classes, about
# 20 ms), the menus' actions (``_fill_menus``), message boxes and file dialogs, the form widgets
# (``.widgets``) or the workers (``.tasks``): what runs after the paint imports them where it
# needs them (tests/test_first_paint_modules.py watches this).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from kuemmerer.services.desk import WalkIn
    from kuemmerer.services.workspace import Workspace

    from .context import AppContext
    from .dialogs.quick_capture import QuickCaptureDialog
    from .pages.tallies import TalliesWindow

P = TypeVar("P", bound=QWidget)


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str = "Abbrechen") -> bool:
    """``widgets.confirm`` (the form widgets are imported when first needed, after the paint;
    tests replace this name)."""
    from .widgets import confirm as ask

    return ask(parent, title, text, yes, no)


SECTIONS = ("Heute", "Personen", "Anliegen", "Vermittlungen", "Partner", "Ehrenamt", "Aktivitäten",
            "Netzwerk", "Berichte", "Einstellungen")


class _Pages(dict):
    """The section pages built so far; ``pages[name]`` builds one the first time it is asked
    for (``pages.get(name)`` does not: None until it exists)."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def __missing__(self, name: str) -> QWidget:
        page = self._build(name)
        self[name] = page
        return page


class MainWindow(QMainWindow):
    """``MainWindow(None)`` is the skeleton that paints before the database is open;
    ``attach(ws)`` then builds Heute and brings the window to life. ``MainWindow(ws)`` does both."""

    page_built = Signal(str)  # a section's page was built (the first time it was shown)

    def __init__(self, ws: Workspace | None, *, demo: bool = False, settings: QSettings | None = None,
                 available: QRect | None = None):
        super().__init__()
        self.ctx: AppContext
        self.demo = demo
        self.attached = False
        self.housekeeping_running = False
        self._housekeeping_job: object | None = None
        self._close_when_done = False
        self._damage_handling = False
        self.tallies_window: TalliesWindow | None = None
        self.swapping = False  # a restore is swapping the database file
        self.backup_running = False  # Datei → Sicherung erstellen is at work
        self.swap_notice: QLabel | None = None
        self._held_timers: list[QTimer] = []
        self._page_before_swap = 0
        self.locked = False  # the lock screen is up: the database is closed, the key forgotten
        self.lock_dialog: QWidget | None = None
        self._veiled: list[QWidget] = []
        self._veiled_parts: list[QWidget] = []
        self.settings = settings or QSettings()
        self.setWindowTitle(f"{APP_TITLE} – Demodaten" if demo else APP_TITLE)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addItems(SECTIONS)
        self.sidebar.setFixedWidth(160)
        self.sidebar.setStyleSheet("QListWidget#sidebar { font-size: 11pt; } "
                                   "QListWidget#sidebar::item { padding: 7px 8px; }")
        self.stack = QStackedWidget()
        self.pages = _Pages(self._make_page)
        self.loading = QLabel("<h2>Heute</h2><p>Die Datenbank wird geöffnet …</p>")
        # Qt.AlignLeft | Qt.AlignTop, by name through the style sheet: no ``Qt`` before the paint
        self.loading.setStyleSheet("qproperty-alignment: 'AlignLeft | AlignTop';")
        self.loading.setContentsMargins(12, 8, 12, 8)
        for i, _name in enumerate(SECTIONS):  # a place for each page; filled when first shown
            self.stack.addWidget(self.loading if i == 0 else QWidget())
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self._show_row)
        self._build_menu()
        self.db_label = QLabel()
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self._build_undo()
        self.fit_to_screen(available)
        self.sidebar.setEnabled(False)  # until the database is open
        self.menuBar().setEnabled(False)
        if ws is not None:
            self.attach(ws)

    def attach(self, ws: Workspace) -> None:
        """The database is open: Heute is built and filled, the sidebar and menu come alive."""
        from .context import AppContext

        self.ctx = AppContext(ws, demo=self.demo, parent=self)
        self._fill_menus()
        self.attached = True
        self.sidebar.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.sidebar.setCurrentRow(0)
        self._show_row(0)
        self.refresh_status()
        self._start_idle_watch()
        from .errors import set_damage_handler

        set_damage_handler(self.handle_damage)

    # -- building ---------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if not self.attached or not 0 <= row < len(SECTIONS):
            return
        try:
            self.pages[SECTIONS[row]]  # builds the page the first time
        except DatabaseDamaged as exc:  # its first read met a damaged page: the recovery offer
            if exc.moved_to is not None:
                raise
            self._drop_half_built_pages()
            QTimer.singleShot(0, lambda damage=exc: self.handle_damage(damage))
            return
        if not (self.swapping or self.locked):
            self.stack.setCurrentIndex(row)

    def _drop_half_built_pages(self) -> None:
        """A page whose constructor failed is a child of the stack but not in it: delete it now,
        so that it hears no more change notices (Qt disconnects a deleted receiver)."""
        import shiboken6
        from PySide6.QtCore import Qt

        for child in self.stack.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if self.stack.indexOf(child) == -1 and child not in (self.swap_notice, self.loading):
                shiboken6.delete(child)

    def _make_page(self, name: str) -> QWidget:
        """Build the page of section ``name`` and put it in its place in the stack."""
        ctx = self.ctx
        page: QWidget
        if name == "Heute":
            from .pages.today import TodayPage

            today = TodayPage(ctx, self.stack)
            today.open_request.connect(self.open_request)
            today.open_person.connect(self.open_person)
            today.show_requests.connect(self.show_requests)
            today.quick_capture.connect(self.quick_capture)
            today.show_retention.connect(self.show_retention)
            today.show_tallies.connect(self.show_tallies)
            today.open_referral.connect(self.open_referral)
            today.open_volunteer.connect(self.open_volunteer)
            page = today
        elif name == "Personen":
            from .pages.persons import PersonsPage

            persons = PersonsPage(ctx, self.stack)
            persons.open_request.connect(self.open_request)
            persons.open_referral.connect(self.open_referral)
            page = persons
        elif name == "Anliegen":
            from .pages.requests import RequestsPage

            requests = RequestsPage(ctx, self.stack)
            requests.open_person.connect(lambda pid: self.open_person(pid, 1))
            requests.open_referral.connect(self.open_referral)
            page = requests
        elif name == "Vermittlungen":
            from .pages.referrals import ReferralsPage

            referrals = ReferralsPage(ctx, self.stack)
            referrals.open_person.connect(lambda pid: self.open_person(pid, 3))
            referrals.open_organisation.connect(self.open_organisation)
            page = referrals
        elif name == "Partner":
            from .pages.partners import PartnersPage

            partner_page = PartnersPage(ctx, self.stack)
            partner_page.open_referral.connect(self.open_referral)
            partner_page.open_person.connect(lambda pid: self.open_person(pid, 3))
            page = partner_page
        elif name == "Ehrenamt":
            from .pages.volunteers import VolunteersPage

            volunteer_page = VolunteersPage(ctx, self.stack)
            volunteer_page.open_person.connect(self.open_person)
            page = volunteer_page
        elif name == "Aktivitäten":
            from .pages.activities import ActivitiesPage

            activity_page = ActivitiesPage(ctx, self.stack)
            activity_page.open_person.connect(self.open_person)
            page = activity_page
        elif name == "Netzwerk":
            from .pages.networks import NetworksPage

            network_page = NetworksPage(ctx, self.stack)
            network_page.open_person.connect(self.open_person)
            page = network_page
        elif name == "Einstellungen":
            from .pages.settings import SettingsPage

            settings_page = SettingsPage(ctx, self.stack)
            watcher = getattr(self, "idle_watcher", None)
            if watcher is not None:
                settings_page.lock_settings.minutes_saved.connect(watcher.set_minutes)
            page = settings_page
        elif name == "Berichte":
            page = self._build_reports()
        else:
            raise KeyError(name)
        row = SECTIONS.index(name)
        current = self.stack.currentIndex()
        old = self.stack.widget(row)
        if old is not None:
            self.stack.removeWidget(old)
            if old is not self.loading:
                old.setParent(None)  # gone from the stack's children too
                old.deleteLater()
        self.stack.insertWidget(row, page)
        self.stack.setCurrentIndex(current)
        self.page_built.emit(name)
        return page

    def _build_reports(self) -> QWidget:
        """Berichte: one period on top; Übersicht, Sachbericht, Archiv and Entwicklung below."""
        from .pages.report_archive import ArchiveTab
        from .pages.report_sachbericht import SachberichtTab
        from .pages.reports import ReportsPage
        from .pages.trends import TrendsTab

        reports = ReportsPage(self.ctx, self.stack)
        reports.open_person.connect(self.open_person)
        reports.add_tab("&Sachbericht", SachberichtTab(self.ctx))
        reports.add_tab("&Archiv", ArchiveTab(self.ctx))
        reports.add_tab("&Entwicklung", TrendsTab(self.ctx))
        return reports

    def _build_menu(self) -> None:
        """The menu titles paint with the skeleton (disabled until the database is open);
        ``_fill_menus`` adds their actions when ``attach`` brings the window to life."""
        self.file_menu = self.menuBar().addMenu("&Datei")
        self.go_menu = self.menuBar().addMenu("&Gehe zu")
        self.help_menu = self.menuBar().addMenu("&Hilfe")

    def _fill_menus(self) -> None:
        if self.file_menu.actions():
            return
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QKeySequence

        file_menu = self.file_menu
        capture = QAction("Besuch erfassen…", self, shortcut=QKeySequence("Ctrl+N"))
        capture.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        capture.triggered.connect(self.quick_capture)
        file_menu.addAction(capture)
        self.capture_action = capture
        tallies = QAction("Strichliste…", self, shortcut=QKeySequence("Ctrl+Shift+S"))
        tallies.triggered.connect(self.show_tallies)
        file_menu.addAction(tallies)
        self.tallies_action = tallies
        file_menu.addSeparator()
        file_menu.addAction("Importieren…", self.import_list)
        file_menu.addAction("Import-Verlauf…", self.import_history)
        file_menu.addAction("Kalender exportieren…", self.export_calendar)
        file_menu.addSeparator()
        file_menu.addAction("Sicherung erstellen", self.create_backup)
        file_menu.addAction("Sicherung wiederherstellen…", self.restore_backup)
        file_menu.addSeparator()
        lock_action = QAction("Sperren", self, shortcut=QKeySequence("Ctrl+L"))
        lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        lock_action.triggered.connect(self.lock)
        file_menu.addAction(lock_action)
        self.lock_action = lock_action
        file_menu.addAction("Passwort ändern…", self.change_password)
        file_menu.addSeparator()
        quit_action = QAction("Beenden", self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        for i, name in enumerate(SECTIONS):
            action = QAction(name, self, shortcut=QKeySequence(f"Ctrl+{i + 1 if i < 9 else 0}"))
            action.triggered.connect(lambda _c=False, row=i: self.sidebar.setCurrentRow(row))
            self.go_menu.addAction(action)
        handbook = QAction("Handbuch", self, shortcut=QKeySequence("F1"))
        handbook.triggered.connect(self.show_handbook)
        self.help_menu.addAction(handbook)
        self.help_menu.addAction("Tastenkürzel…", self.show_shortcuts)
        self.help_menu.addAction("Über Kümmerer", self.about)

    def show_shortcuts(self):
        """Hilfe → Tastenkürzel: every shortcut there is (checked against the window in the tests)."""
        from .shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.show()
        return dialog

    # -- first size ---------------------------------------------------------------------------
    FRAME = QSize(16, 40)  # room for the window frame and title bar, which Qt knows only once shown

    def fit_to_screen(self, available: QRect | None = None) -> None:
        """The first size (or the saved one) within the available screen area (``available``,
        default: the screen's without task bar), so the status bar is visible at 1366×768."""
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                return
            available = screen.availableGeometry()
        width = min(self.width(), available.width() - self.FRAME.width())
        height = min(self.height(), available.height() - self.FRAME.height())
        self.resize(max(width, 640), max(height, 480))
        x = min(max(self.x(), available.left()), available.right() - self.width() - self.FRAME.width() + 1)
        y = min(max(self.y(), available.top()), available.bottom() - self.height() - self.FRAME.height() + 1)
        self.move(max(x, available.left()), max(y, available.top()))

    # -- navigation -----------------------------------------------------------------------
    def show_section(self, name: str) -> QWidget:
        self.sidebar.setCurrentRow(SECTIONS.index(name))
        return self.pages[name]

    def _show_page(self, name: str, kind: type[P]) -> P:
        """``show_section`` for a section whose page class is known (``_build_pages`` made it)."""
        page = self.show_section(name)
        assert isinstance(page, kind), f"the {name} section holds a {kind.__name__}"
        return page

    def open_person(self, person_id: int, tab: int | None = None) -> None:
        from .pages.persons import PersonsPage

        self._show_page("Personen", PersonsPage).show_person(person_id, tab)

    def open_volunteer(self, volunteer_id: int) -> None:
        """Heute's "Führungszeugnisse erneuern": the volunteer in Ehrenamt."""
        from .pages.volunteers import VolunteersPage

        self._show_page("Ehrenamt", VolunteersPage).show_volunteer(volunteer_id)

    def import_list(self) -> None:
        """Datei → Importieren…: one of her old lists with a preview (ui/import_dialog.py)."""
        from .import_dialog import import_file

        import_file(self, self.ctx)

    def import_history(self) -> None:
        """Datei → Import-Verlauf…: the imports so far; one can be undone as a whole."""
        from .import_dialog import show_history

        show_history(self, self.ctx)

    def export_calendar(self) -> None:
        """Datei → Kalender exportieren…: meetings and open follow-ups as .ics (no names)."""
        from .calendar_export import export_calendar

        export_calendar(self, self.ctx)

    def show_retention(self) -> None:
        """Heute's reminder: Einstellungen → Aufbewahrung."""
        from .pages.settings import SettingsPage

        self._show_page("Einstellungen", SettingsPage).show_retention()

    def open_request(self, request_id: int) -> None:
        from .pages.requests import RequestsPage

        self._show_page("Anliegen", RequestsPage).show_request(request_id)

    def open_referral(self, referral_id: int) -> None:
        from .pages.referrals import ReferralsPage

        self._show_page("Vermittlungen", ReferralsPage).show_referral(referral_id)

    def open_organisation(self, organisation_id: int) -> None:
        from .pages.partners import PartnersPage

        self._show_page("Partner", PartnersPage).show_organisation(organisation_id)

    def show_requests(self, follow_up: str) -> None:
        from .pages.requests import RequestsPage

        self._show_page("Anliegen", RequestsPage).set_filters(status="open", follow_up=follow_up or None)

    def show_tallies(self) -> TalliesWindow:
        """The Strichliste (anonymous counts of any day) in its own window."""
        if self.tallies_window is None:
            from .pages.tallies import TalliesWindow

            self.tallies_window = TalliesWindow(self.ctx, self)
        self.tallies_window.show()
        self.tallies_window.raise_()
        self.tallies_window.activateWindow()
        return self.tallies_window

    def quick_capture(self) -> QuickCaptureDialog:
        from .dialogs.quick_capture import QuickCaptureDialog

        dialog = QuickCaptureDialog(self.ctx, self)
        dialog.exec()
        if dialog.result_walk_in is not None:
            self.offer_undo(dialog.result_walk_in)
        return dialog

    # -- Rückgängig after a quick capture ---------------------------------------------------
    UNDO_SECONDS = 10

    def _build_undo(self) -> None:
        self.undo_label = QLabel()
        self.undo_label.setStyleSheet("color: #0b5394; font-weight: bold;")
        self.undo_button = QPushButton("Rückgängig")
        self.undo_button.setToolTip("Den eben erfassten Besuch wieder entfernen")
        self.undo_button.clicked.connect(self.undo_last_capture)
        self.statusBar().insertWidget(0, self.undo_label)
        self.statusBar().insertWidget(1, self.undo_button)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self._end_undo)
        self.last_walk_in: WalkIn | None = None
        self.undo_label.hide()
        self.undo_button.hide()

    def offer_undo(self, walk_in: WalkIn) -> None:
        """Say what was saved, with a Rückgängig button for the next seconds."""
        from kuemmerer.services import desk

        with self.ctx.uow(read_only=True) as uow:
            text = desk.describe_walk_in(uow, walk_in)
        self.last_walk_in = walk_in
        self.undo_label.setText(text)
        self.undo_label.show()
        self.undo_button.show()
        self.undo_button.setEnabled(True)
        self.undo_timer.start(self.UNDO_SECONDS * 1000)

    def _end_undo(self) -> None:
        self.last_walk_in = None
        self.undo_timer.stop()
        self.undo_label.hide()
        self.undo_button.hide()

    def undo_last_capture(self) -> None:
        walk_in = self.last_walk_in
        if walk_in is None:
            return
        self._end_undo()
        from kuemmerer.services import desk

        try:
            with self.ctx.uow() as uow:
                desk.undo_walk_in(uow, walk_in)
        except ValidationError as exc:
            self.statusBar().showMessage(" ".join(exc.errors.values()), 8000)
            return
        except KuemmererError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self.statusBar().showMessage("Rückgängig gemacht: der Besuch wurde wieder entfernt.", 5000)
        self.ctx.notify("contacts")

    # -- storage ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        ws = self.ctx.ws
        if ws.closed:
            return
        self.db_label.setText(f"Datenbank: {ws.path}" + (" (verschlüsselt)" if ws.encrypted else
                                                         " – nicht verschlüsselt"))
        from kuemmerer.services import maintenance

        from .formatting import date_de
        from .pages.today import TodayPage

        last = maintenance.last_backup_time(ws.path, ws.backup_dir)
        failure = maintenance.backup_failure(ws.path)
        if failure:  # never silent: the status bar (and Heute) say so until a backup succeeds
            self.backup_label.setText("Sicherung fehlgeschlagen – siehe Heute")
            self.backup_label.setStyleSheet("color: #b00020; font-weight: bold;")
            self.backup_label.setToolTip(failure)
        else:
            self.backup_label.setText(f"Letzte Sicherung: {date_de(last.date())} {last:%H:%M}" if last
                                      else "Noch keine Sicherung")
            self.backup_label.setStyleSheet("")
            self.backup_label.setToolTip("")
        today_page = self.pages.get("Heute")
        if isinstance(today_page, TodayPage):
            today_page.show_backup_problem(failure)

    def create_backup(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from kuemmerer.services import maintenance

        from .tasks import run_in_background

        ws = self.ctx.ws

        def done(info) -> None:
            self.backup_running = False
            self.refresh_status()
            QMessageBox.information(self, "Sicherung erstellt",
                                    f"Die Sicherung wurde erstellt und geprüft:\n{info.path}")

        def failed(exc: BaseException) -> None:
            self.backup_running = False
            self.refresh_status()
            report_error(self, exc)

        self.backup_running = True
        run_in_background(self, "Sicherung wird erstellt und geprüft …",
                          lambda: maintenance.create_backup(ws, reason="manuell"), done, failed)

    def restore_backup(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        if self.backup_running or self.housekeeping_running or self.swapping:  # never under a backup
            QMessageBox.information(self, "Bitte warten", "Es läuft gerade eine Sicherung. Bitte warten Sie, "
                                    "bis sie fertig ist, und stellen Sie dann wieder her.")
            return
        ws = self.ctx.ws
        path, _ = QFileDialog.getOpenFileName(self, "Sicherung wählen", str(ws.backup_dir),
                                              "Kümmerer-Sicherungen (*.sqlite)")
        if not path:
            return
        if not confirm(self, "Sicherung wiederherstellen?",
                       "Der jetzige Stand wird durch die gewählte Sicherung ersetzt. Vorher wird er selbst "
                       "gesichert, so dass Sie zurückkehren können.", "Wiederherstellen"):
            return
        from kuemmerer.services import maintenance
        from kuemmerer.services.workspace import open_workspace

        from .tasks import run_in_background

        db_path, backup_dir, key = ws.path, ws.backup_dir, ws.key  # the key: closing forgets it
        self._begin_swap("Die Sicherung wird wiederhergestellt …")

        def restore():
            restored = maintenance.restore(db_path, Path(path), backup_dir, key)
            new_ws = open_workspace(db_path, create=False, key=key)
            try:  # before the pages come back: erased persons never show up again
                return new_ws, maintenance.record_restore(new_ws, restored), None
            except Exception as exc:  # noqa: BLE001 - the restore itself succeeded; shown below
                return new_ws, 0, exc

        def done(result) -> None:
            new_ws, again, problem = result
            self._end_swap(new_ws)  # first: the window must come back whatever follows
            if problem is not None:
                report_error(self, problem)
            text = " ".join(t for t in ("Die Sicherung wurde wiederhergestellt.",
                                        maintenance.reapplied_text(again)) if t)
            QMessageBox.information(self, "Wiederhergestellt", text)

        def failed(exc: BaseException) -> None:
            try:  # the file as it was (never a new empty one in its place)
                self._end_swap(open_workspace(db_path, create=False, key=key))
            except Exception as reopen_exc:  # noqa: BLE001 - shown to her, the window stays closed
                self._swap_lost(reopen_exc)
            report_error(self, exc)

        self.restore_job = run_in_background(self, "Sicherung wird wiederhergestellt …", restore, done, failed,
                                             blocking=True)

    # While the file is swapped no page may reach the database: the context is closed
    # (``ctx.uow()`` refuses, change notices wait), the pages are hidden behind a notice,
    # their pending timers (search-as-you-type) wait, and a blocking dialog covers the app.
    def _begin_swap(self, text: str) -> None:
        self._stop_reports()
        self.swapping = True
        self._held_timers = [t for t in self.findChildren(QTimer) if t.isActive()]
        for timer in self._held_timers:
            timer.stop()
        self.ctx.close_for_swap()
        self._page_before_swap = self.stack.currentIndex()
        if self.swap_notice is None:
            from PySide6.QtCore import Qt

            # at the top: the "Bitte warten" dialog stands in the middle
            self.swap_notice = QLabel(alignment=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.swap_notice.setWordWrap(True)
            self.swap_notice.setContentsMargins(0, 80, 0, 0)
            self.stack.addWidget(self.swap_notice)  # last, so the sections keep their indices
        self.swap_notice.setText(f"<h3>{text}</h3><p>Kümmerer öffnet die Datenbank danach wieder.</p>")
        self.stack.setCurrentWidget(self.swap_notice)
        for widget in (self.sidebar, self.menuBar()):
            widget.setEnabled(False)
        self.statusBar().showMessage(text)

    def _end_swap(self, ws: Workspace) -> None:
        self.ctx.reopen(ws)  # every page reloads from the new file (still hidden)
        self.swapping = False
        if self.swap_notice is not None:
            self.stack.removeWidget(self.swap_notice)
            self.swap_notice.deleteLater()
            self.swap_notice = None
        self.stack.setCurrentIndex(self._page_before_swap)
        for widget in (self.sidebar, self.menuBar()):
            widget.setEnabled(True)
        for timer in self._held_timers:
            timer.start()
        self._held_timers = []
        self.statusBar().clearMessage()
        self.refresh_status()

    def _swap_lost(self, exc: BaseException) -> None:
        """The file could not be opened again: the pages stay closed; the menu still offers
        another restore and Beenden."""
        self.swapping = False
        self._held_timers = []
        if self.swap_notice is not None:
            self.swap_notice.setText("<h3>Die Datenbank konnte nicht wieder geöffnet werden.</h3>"
                                     f"<p>{exc if isinstance(exc, KuemmererError) else ''}</p>"
                                     "<p>Bitte über Datei → Sicherung wiederherstellen eine andere Sicherung "
                                     "wählen oder Kümmerer neu starten.</p>")
        self.menuBar().setEnabled(True)
        self.statusBar().clearMessage()

    def show_handbook(self):
        """Hilfe → Handbuch (F1): at the section she is in."""
        from .handbook import show_handbook

        row = self.sidebar.currentRow()
        return show_handbook(self, SECTIONS[row] if 0 <= row < len(SECTIONS) else None)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "Über Kümmerer",
                          f"<h3>Kümmerer {__version__}</h3><p>Für die Gemeinwesenkoordination im "
                          "Stadtteilbüro: Bewohner*innen, Anliegen, Vermittlungen, Ehrenamt, Aktivitäten "
                          "und Netzwerk – offline, alle Daten in einer Datei auf diesem Rechner.</p>"
                          f"<p>Datenbank: {self.ctx.ws.path}</p>")

    # -- locking --------------------------------------------------------------------------
    # Locked: the database is closed and its key forgotten (``Workspace.close``), every table
    # model drops its rows, the pages are replaced by a notice, open dialogs are veiled
    # (transparent and disabled — closing them would lose her unsaved input) and an
    # application-modal lock screen asks for the password or the Notfallcode.
    def _start_idle_watch(self) -> None:
        from kuemmerer.domain.unlock_policy import UnlockThrottle
        from kuemmerer.services import lock_settings

        from .lock import IdleWatcher

        try:
            with self.ctx.uow(read_only=True) as uow:
                minutes = lock_settings.get_lock_minutes(uow)
        except KuemmererError:
            minutes = lock_settings.DEFAULT_MINUTES
        self.idle_watcher = IdleWatcher(minutes, self)
        self.idle_watcher.idle.connect(self.lock)
        self.unlock_throttle = UnlockThrottle()  # wrong tries count across locks
        from .pages.settings import SettingsPage

        settings_page = self.pages.get("Einstellungen")
        if isinstance(settings_page, SettingsPage):
            settings_page.lock_settings.minutes_saved.connect(self.idle_watcher.set_minutes)

    def lock(self) -> None:
        if self.locked or self.swapping or not self.ctx.ws.encrypted or self.ctx.ws.closed:
            return
        if self.backup_running or self.housekeeping_running:  # never close the file under a backup
            QTimer.singleShot(30_000, self.lock)
            return
        from PySide6.QtCore import QAbstractItemModel, Qt

        db_path = self.ctx.ws.path
        self._veiled = [w for w in QApplication.topLevelWidgets()
                        if w is not self and w.isVisible() and w.windowType() != Qt.WindowType.ToolTip]
        self._veiled_parts = []
        for w in self._veiled:  # the dialog stays open (closing it would end her input) but empty
            w.setEnabled(False)
            parts = [c for c in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                     if c.isVisible()]
            for part in parts:
                part.hide()
            self._veiled_parts += parts
        self._begin_swap("Kümmerer ist gesperrt.")
        self.swapping = False  # closing the window while locked is fine: the file is closed
        self.locked = True
        if self.swap_notice is not None:
            self.swap_notice.setText("<h3>Kümmerer ist gesperrt.</h3><p>Zum Weiterarbeiten bitte das Passwort "
                                     "eingeben.</p>")
        for model in self.findChildren(QAbstractItemModel):
            forget = getattr(model, "forget", None)
            if callable(forget):
                forget()
        from .lock import LockScreen

        screen = LockScreen(db_path, throttle=self.unlock_throttle, demo_hint=self.ctx.demo)
        screen.setParent(self, Qt.WindowType.Dialog)
        screen.setWindowTitle(f"{APP_TITLE} – gesperrt")
        screen.setWindowModality(Qt.WindowModality.ApplicationModal)
        screen.unlocked.connect(lambda key, path=db_path: self.unlock(path, key))
        self.lock_dialog = screen
        screen.setGeometry(self.geometry())  # over the whole window: the notice behind stays hidden
        screen.prepare()
        screen.show()
        screen.activateWindow()

    def unlock(self, db_path: Path, key: bytes) -> None:
        from kuemmerer.services.workspace import open_workspace

        try:
            ws = open_workspace(db_path, create=False, key=key)
        except KuemmererError as exc:
            report_error(self.lock_dialog or self, exc)
            return
        if self.lock_dialog is not None:
            self.lock_dialog.hide()
            self.lock_dialog.deleteLater()
            self.lock_dialog = None
        self.locked = False
        self._end_swap(ws)
        for part in self._veiled_parts:
            part.show()
        for w in self._veiled:
            w.setEnabled(True)
        self._veiled, self._veiled_parts = [], []
        self.idle_watcher.resume()

    # -- the daily housekeeping, after the first paint ---------------------------------------
    def start_housekeeping(self) -> None:
        """The daily verified backup (with its full integrity check), ANALYZE and the erasure of
        expired clearance data run on a worker after the window has painted; the window stays
        usable, the status bar says so quietly, and closing waits for it to finish."""
        from kuemmerer.services import maintenance

        from .tasks import run_quietly

        ws = self.ctx.ws
        self.housekeeping_running = True
        self.statusBar().showMessage("Tägliche Sicherung und Prüfung laufen im Hintergrund …")

        def done(_result: object) -> None:
            self._housekeeping_over()

        def failed(exc: BaseException) -> None:
            self._housekeeping_over()
            if isinstance(exc, DatabaseDamaged):  # the daily full check found damage
                self.handle_damage(exc)
            elif isinstance(exc, KuemmererError):
                self.statusBar().showMessage(f"Die tägliche Sicherung ist fehlgeschlagen: {exc}", 15000)
            else:
                from kuemmerer.logging_setup import log_unexpected

                log_unexpected(logging.getLogger("kuemmerer.ui"), "housekeeping failed", exc)

        self._housekeeping_job = run_quietly(lambda: maintenance.housekeeping(ws), done, failed)

    def _housekeeping_over(self) -> None:
        self.housekeeping_running = False
        self._housekeeping_job = None
        self.statusBar().clearMessage()
        if self._close_when_done:
            self.close()
            return
        if self.attached and not self.ctx.ws.closed:
            self.refresh_status()

    # -- damage found while she works -------------------------------------------------------
    def handle_damage(self, exc: DatabaseDamaged) -> None:
        """SQLite reported a damaged page (or the daily check found one): the file is closed,
        the next open runs the full check and moves it aside, and the newest verified backup is
        offered at once (the same dialog as at the start); then the window goes on with it."""
        if self._damage_handling or self.swapping or not self.attached:
            return
        from PySide6.QtWidgets import QMessageBox

        from .app import open_or_recover

        self._damage_handling = True
        try:
            ws = self.ctx.ws
            path, key = ws.path, ws.key  # closing forgets the key
            self._begin_swap("Die Datenbank ist beschädigt.")
            QMessageBox.warning(self, "Datenbank beschädigt", str(exc))
            try:
                new_ws = open_or_recover(path, self, key)
            except KuemmererError as reopen_exc:
                self._swap_lost(reopen_exc)
                return
            if new_ws is None:
                self._swap_lost(exc)
                return
            self._end_swap(new_ws)
        finally:
            self._damage_handling = False

    def change_password(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        if not self.ctx.ws.encrypted:
            QMessageBox.information(self, "Passwort ändern", "Die Datenbank ist noch nicht verschlüsselt. Beim "
                                    "nächsten Start bietet Kümmerer an, sie zu verschlüsseln.")
            return
        from .dialogs.change_password import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.swapping:  # the file is being swapped: closing now could leave no database
            event.ignore()
            return
        if self.housekeeping_running:  # the daily backup finishes cleanly first, then we close
            self._close_when_done = True
            self.statusBar().showMessage("Kümmerer beendet sich, sobald die tägliche Sicherung fertig ist …")
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self._stop_reports()
        watcher = getattr(self, "idle_watcher", None)
        if watcher is not None:
            watcher.stop()
        if self.lock_dialog is not None:
            self.lock_dialog.close()
        super().closeEvent(event)

    def _stop_reports(self) -> None:
        """No report computation may hold the file (closing, or a restore swapping it)."""
        from .pages.reports import ReportsPage

        reports = self.pages.get("Berichte")
        if isinstance(reports, ReportsPage):
            reports.cancel()
            reports.wait_idle()

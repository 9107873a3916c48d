"""Hauptfenster: Seitenleiste mit den Bereichen, Menü, Statuszeile."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from kuemmerer import APP_TITLE, __version__
from kuemmerer.services import maintenance
from kuemmerer.services.workspace import Workspace, open_workspace

from .context import AppContext
from .dialogs.quick_capture import QuickCaptureDialog
from .errors import report_error
from .formatting import date_de
from .pages.settings import SettingsPage
from .pages.partners import PartnersPage
from .pages.persons import PersonsPage
from .pages.placeholder import ComingSoonPage
from .pages.referrals import ReferralsPage
from .pages.requests import RequestsPage
from .pages.today import TodayPage
from .tasks import run_in_background
from .widgets import confirm

SECTIONS = ("Heute", "Personen", "Anliegen", "Vermittlungen", "Partner", "Ehrenamt", "Aktivitäten",
            "Netzwerk", "Berichte", "Einstellungen")
COMING = {
    "Ehrenamt": "Ehrenamtliche, ihre Einsätze und Stunden, Ehrenamtsnachweise.",
    "Aktivitäten": "Projekte, Kurse und Veranstaltungen mit Terminen, Teilnahmen und Teilnehmerlisten.",
    "Netzwerk": "Arbeitskreise und Stadtteilrunden mit Sitzungen, Protokollen und Aufgaben.",
    "Berichte": "Jahresstatistik für Fördermittelgeber als Excel und PDF. "
                "Bis dahin: kuemmerer-cli stats --year JJJJ.",
}


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace, *, demo: bool = False, settings: QSettings | None = None):
        super().__init__()
        self.ctx = AppContext(ws, demo=demo, parent=self)
        self.settings = settings or QSettings()
        self.setWindowTitle(f"{APP_TITLE} – Demodaten" if demo else APP_TITLE)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addItems(SECTIONS)
        self.sidebar.setFixedWidth(160)
        self.sidebar.setStyleSheet("QListWidget#sidebar { font-size: 11pt; } "
                                   "QListWidget#sidebar::item { padding: 7px 8px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self._build_pages()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setCurrentRow(0)
        self._build_menu()
        self.db_label = QLabel()
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.refresh_status()
        self.resize(1280, 800)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    # -- building ---------------------------------------------------------------------
    def _build_pages(self) -> None:
        ctx = self.ctx
        today = TodayPage(ctx)
        persons = PersonsPage(ctx)
        requests = RequestsPage(ctx)
        referrals = ReferralsPage(ctx)
        partner_page = PartnersPage(ctx)
        partner_page.open_referral.connect(self.open_referral)
        partner_page.open_person.connect(lambda pid: self.open_person(pid, 3))
        today.open_request.connect(self.open_request)
        today.open_person.connect(self.open_person)
        today.show_requests.connect(self.show_requests)
        today.quick_capture.connect(self.quick_capture)
        persons.open_request.connect(self.open_request)
        requests.open_person.connect(lambda pid: self.open_person(pid, 1))
        today.open_referral.connect(self.open_referral)
        persons.open_referral.connect(self.open_referral)
        requests.open_referral.connect(self.open_referral)
        referrals.open_person.connect(lambda pid: self.open_person(pid, 3))
        referrals.open_organisation.connect(self.open_organisation)
        for name in SECTIONS:
            if name == "Heute":
                page = today
            elif name == "Personen":
                page = persons
            elif name == "Anliegen":
                page = requests
            elif name == "Vermittlungen":
                page = referrals
            elif name == "Partner":
                page = partner_page
            elif name == "Einstellungen":
                page = SettingsPage(ctx)
            else:
                page = ComingSoonPage(name, COMING[name])
            self.pages[name] = page
            self.stack.addWidget(page)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Datei")
        capture = QAction("Besuch erfassen…", self, shortcut=QKeySequence("Ctrl+N"))
        capture.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        capture.triggered.connect(self.quick_capture)
        file_menu.addAction(capture)
        self.capture_action = capture
        file_menu.addSeparator()
        file_menu.addAction("Sicherung erstellen", self.create_backup)
        file_menu.addAction("Sicherung wiederherstellen…", self.restore_backup)
        file_menu.addSeparator()
        quit_action = QAction("Beenden", self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu("&Gehe zu")
        for i, name in enumerate(SECTIONS):
            action = QAction(name, self, shortcut=QKeySequence(f"Ctrl+{i + 1 if i < 9 else 0}"))
            action.triggered.connect(lambda _c=False, row=i: self.sidebar.setCurrentRow(row))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Hilfe")
        help_menu.addAction("Über Kümmerer", self.about)

    # -- navigation -----------------------------------------------------------------------
    def show_section(self, name: str) -> QWidget:
        self.sidebar.setCurrentRow(SECTIONS.index(name))
        return self.pages[name]

    def open_person(self, person_id: int, tab: int | None = None) -> None:
        self.show_section("Personen").show_person(person_id, tab)

    def open_request(self, request_id: int) -> None:
        self.show_section("Anliegen").show_request(request_id)

    def open_referral(self, referral_id: int) -> None:
        self.show_section("Vermittlungen").show_referral(referral_id)

    def open_organisation(self, organisation_id: int) -> None:
        self.show_section("Partner").show_organisation(organisation_id)

    def show_requests(self, follow_up: str) -> None:
        self.show_section("Anliegen").set_filters(status="open", follow_up=follow_up or None)

    def quick_capture(self) -> QuickCaptureDialog:
        dialog = QuickCaptureDialog(self.ctx, self)
        dialog.exec()
        if dialog.result_walk_in is not None:
            self.statusBar().showMessage("Besuch gespeichert.", 4000)
        return dialog

    # -- storage ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        ws = self.ctx.ws
        self.db_label.setText(f"Datenbank: {ws.path}")
        last = maintenance.last_backup_time(ws.path, ws.backup_dir)
        self.backup_label.setText(f"Letzte Sicherung: {date_de(last.date())} {last:%H:%M}" if last
                                  else "Noch keine Sicherung")

    def create_backup(self) -> None:
        ws = self.ctx.ws

        def done(info) -> None:
            self.refresh_status()
            QMessageBox.information(self, "Sicherung erstellt",
                                    f"Die Sicherung wurde erstellt und geprüft:\n{info.path}")

        run_in_background(self, "Sicherung wird erstellt und geprüft …",
                          lambda: maintenance.create_backup(ws, reason="manuell"), done,
                          lambda exc: report_error(self, exc))

    def restore_backup(self) -> None:
        ws = self.ctx.ws
        path, _ = QFileDialog.getOpenFileName(self, "Sicherung wählen", str(ws.backup_dir),
                                              "Kümmerer-Sicherungen (*.sqlite)")
        if not path:
            return
        if not confirm(self, "Sicherung wiederherstellen?",
                       "Der jetzige Stand wird durch die gewählte Sicherung ersetzt. Vorher wird er selbst "
                       "gesichert, so dass Sie zurückkehren können.", "Wiederherstellen"):
            return
        db_path, backup_dir = ws.path, ws.backup_dir
        ws.close()

        def restore():
            maintenance.restore(db_path, path, backup_dir)
            return open_workspace(db_path)

        def done(new_ws: Workspace) -> None:
            maintenance.record_restore(new_ws)
            self.ctx.ws = new_ws
            self.ctx.notify("all")
            self.refresh_status()
            QMessageBox.information(self, "Wiederhergestellt", "Die Sicherung wurde wiederhergestellt.")

        def failed(exc: BaseException) -> None:
            self.ctx.ws = open_workspace(db_path)
            report_error(self, exc)

        run_in_background(self, "Sicherung wird wiederhergestellt …", restore, done, failed)

    def about(self) -> None:
        QMessageBox.about(self, "Über Kümmerer",
                          f"<h3>Kümmerer {__version__}</h3><p>Für die Gemeinwesenkoordination im "
                          "Stadtteilbüro: Bewohner*innen, Anliegen, Vermittlungen, Ehrenamt, Aktivitäten "
                          "und Netzwerk – offline, alle Daten in einer Datei auf diesem Rechner.</p>"
                          f"<p>Datenbank: {self.ctx.ws.path}</p>")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)

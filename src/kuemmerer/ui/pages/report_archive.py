"""Berichte › Archiv: every issued report (Sachbericht PDF, Jahresstatistik) with its period,
creation time, file name and checksum. A selected report can be saved again byte-for-byte,
a PDF previewed and printed, and where today's live figures differ from the archived
ones (records added later, persons erased since) is shown figure by figure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.domain.periods import Period
from kuemmerer.services import archive
from kuemmerer.services.archive import ArchivedReport
from kuemmerer.services.statistics import FigureDifference

from ..context import AppContext
from ..errors import report_error
from ..folders import documents_dir
from ..formatting import number_de
from ..models import Column, RowsModel
from ..printing import a4_printer, paint_pdf, preview_dialog
from ..widgets import ErrorLine, LazyReloadWidget, notice_label
from .tables import table_view

log = logging.getLogger(__name__)

NOTE_STYLE = "color: #555555;"
SAME = "Die heutigen Zahlen stimmen mit dem Bericht überein."
EMPTY_ALL = ("Noch keine Berichte ausgegeben. Ein Sachbericht wird hier archiviert, sobald er gedruckt oder "
             "gespeichert wird, die Jahresstatistik beim Speichern.")
EMPTY_PERIOD = "Für diesen Zeitraum wurde noch kein Bericht ausgegeben."
NO_PRINT_XLSX = "Eine Excel-Datei lässt sich hier nicht drucken: bitte „Erneut speichern…“ und in Excel öffnen."


def _figure(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number_de(value, 2)
    return number_de(value)


def _signed(value: int | float) -> str:
    text = _figure(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


REPORT_COLUMNS = [
    Column("Art", lambda r: r.kind.label),
    Column("Zeitraum", lambda r: r.period.label, sort_value=lambda r: (r.period.start, r.period.end)),
    Column("Erstellt", lambda r: r.created_text, sort_value=lambda r: r.created_at),
    Column("Datei", lambda r: r.file_name),
    Column("Kleine Zahlen", lambda r: r.suppression_text),
    Column("Prüfsumme", lambda r: r.short_sha, tooltip=lambda r: f"SHA-256: {r.sha256}"),
]

DIFF_COLUMNS = [
    Column("Zahl", lambda d: d.label),
    Column("im Bericht", lambda d: _figure(d.frozen), align_right=True, sort_value=lambda d: d.frozen),
    Column("heute", lambda d: _figure(d.live), align_right=True, sort_value=lambda d: d.live),
    Column("Differenz", lambda d: _signed(d.difference), align_right=True, sort_value=lambda d: d.difference),
]


def ask_reprint_path(parent: QWidget | None, report: ArchivedReport) -> Path | None:
    """Where to save the archived file again (its own suffix kept)."""
    suffix = Path(report.file_name).suffix or ".pdf"
    kind = "PDF-Dokumente" if suffix.lower() == ".pdf" else "Excel-Dateien"
    path, _ = QFileDialog.getSaveFileName(parent, "Archivierten Bericht erneut speichern",
                                          str(documents_dir() / report.file_name), f"{kind} (*{suffix})")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == suffix.lower() else target.with_name(target.name + suffix)


class ArchiveTab(LazyReloadWidget):
    """The archive of issued reports. ``set_period(period)``: the page's current period,
    used by "nur dieser Zeitraum"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 ask_path: Callable[[QWidget | None, ArchivedReport], Path | None] = ask_reprint_path):
        super().__init__(parent)
        self.ctx = ctx
        self.period: Period | None = None
        self.ask_path = ask_path
        self.differences: tuple[FigureDifference, ...] = ()
        self._stale = False

        intro = QLabel("Jeder ausgegebene Bericht bleibt hier mit seinen Zahlen und der Datei selbst erhalten – "
                       "auch wenn später Personen gelöscht werden. Er lässt sich unverändert erneut speichern "
                       "und drucken.")
        intro.setWordWrap(True)
        intro.setStyleSheet(NOTE_STYLE)
        self.only_period = QCheckBox("nur dieser Zeitraum")
        self.only_period.toggled.connect(lambda _on: self.reload())
        self.count_label = QLabel()
        self.count_label.setStyleSheet(NOTE_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.only_period)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.model = RowsModel(REPORT_COLUMNS, parent=self)
        self.view = table_view(self.model, stretch=len(REPORT_COLUMNS))  # no column stretched
        self.view.setSortingEnabled(False)  # newest first, as the archive keeps them
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.view.setAccessibleName("Ausgegebene Berichte")
        self.empty = QLabel(EMPTY_ALL)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(NOTE_STYLE)
        self.empty.hide()

        self.reprint_button = QPushButton("Erneut speichern…")
        self.reprint_button.setToolTip("Die archivierte Datei Byte für Byte unverändert speichern")
        self.preview_button = QPushButton("Vorschau…")
        self.print_button = QPushButton("Drucken…")
        self.reprint_button.clicked.connect(self.reprint)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_report)
        buttons = QHBoxLayout()
        for b in (self.reprint_button, self.preview_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.notice = notice_label()
        self.error = ErrorLine(self)

        self.diff_box = QGroupBox("Heute im Vergleich zum Bericht")
        self.diff_label = QLabel()
        self.diff_label.setWordWrap(True)
        self.diff_model = RowsModel(DIFF_COLUMNS, parent=self)
        self.diff_view = table_view(self.diff_model, stretch=0)
        self.diff_view.setAccessibleName("Abweichungen der heutigen Zahlen")
        for i, width in ((1, 100), (2, 100), (3, 100)):
            self.diff_view.setColumnWidth(i, width)
        box_layout = QVBoxLayout(self.diff_box)
        box_layout.addWidget(self.diff_label)
        box_layout.addWidget(self.diff_view, 1)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.view, 1)
        upper_layout.addWidget(self.empty)
        upper_layout.addLayout(buttons)
        upper_layout.addWidget(self.notice)
        upper_layout.addWidget(self.error)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.diff_box)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        self._set_period_text()
        self.reload()
        ctx.changed.connect(self._data_changed)

    # ------------------------------------------------------------------ list

    def set_period(self, period: Period) -> None:
        self.period = period
        self._set_period_text()
        if self.only_period.isChecked():
            self.reload()

    def _set_period_text(self) -> None:
        self.only_period.setText(f"nur dieser Zeitraum ({self.period.label})" if self.period else "nur dieser Zeitraum")
        self.only_period.setEnabled(self.period is not None)

    def reload(self) -> None:
        """Read the archive again, keeping the selected report if it is still listed."""
        self._stale = False
        current = self.selected()
        keep = current.id if current is not None else None
        period = self.period if self.only_period.isChecked() else None
        try:
            with self.ctx.uow(read_only=True) as uow:
                reports = archive.list_reports(uow, period)
        except KuemmererError as exc:
            report_error(self, exc)
            return
        self.model.set_rows(reports)
        n = len(reports)
        self.count_label.setText(f"{number_de(n)} {'Bericht' if n == 1 else 'Berichte'}")
        self.empty.setText(EMPTY_PERIOD if period else EMPTY_ALL)
        self.empty.setVisible(n == 0)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(True)
        row = self.model.row_of_id(keep) if keep is not None else -1
        if n:
            self.view.selectRow(max(row, 0))
        else:
            self._selected()

    def selected(self) -> ArchivedReport | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        report = self.selected()
        self.notice.hide()
        self.error.hide()
        self.reprint_button.setEnabled(report is not None)
        printable = report is not None and report.is_pdf
        for b in (self.preview_button, self.print_button):
            b.setEnabled(printable)
            b.setToolTip(NO_PRINT_XLSX if report is not None and not report.is_pdf else
                         "Den archivierten Bericht unverändert " + ("ansehen" if b is self.preview_button else "drucken"))
        self.show_differences()

    # ------------------------------------------------------------------ differences

    def show_differences(self) -> None:
        """Compare the selected report's figures with today's live figures of its period."""
        report = self.selected()
        if report is None:
            self.differences = ()
            self.diff_model.set_rows([])
            self.diff_label.setText("Bitte einen Bericht wählen.")
            self.diff_view.hide()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.ctx.uow(read_only=True) as uow:
                self.differences = archive.live_differences(uow, report.id)
        except KuemmererError as exc:
            self.differences = ()
            self.diff_label.setText("Die heutigen Zahlen ließen sich nicht berechnen.")
            self.diff_view.hide()
            report_error(self, exc)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.diff_model.set_rows(self.differences)
        n = len(self.differences)
        if n == 0:
            self.diff_label.setText(SAME)
            self.diff_view.hide()
        else:
            self.diff_label.setText(
                f"Die heutigen Zahlen für {report.period.label} weichen in {n} {'Zahl' if n == 1 else 'Zahlen'} "
                "vom Bericht ab (später nachgetragen oder gelöscht). Der archivierte Bericht bleibt unverändert.")
            self.diff_view.show()

    # ------------------------------------------------------------------ the file

    def _content(self, report: ArchivedReport) -> bytes | None:
        try:
            with self.ctx.uow(read_only=True) as uow:
                return archive.content(uow, report.id)
        except KuemmererError as exc:
            self.error.say(str(exc))
            return None

    def reprint(self) -> Path | None:
        """Erneut speichern…: the archived bytes, unchanged, where she chooses."""
        report = self.selected()
        if report is None:
            return None
        target = self.ask_path(self, report)
        if target is None:
            return None
        try:
            with self.ctx.uow(read_only=True) as uow:
                archive.reprint(uow, report.id, target)
        except OSError as exc:
            log.warning("saving an archived report failed: %s", type(exc).__name__)
            self.error.say(f"Die Datei konnte nicht gespeichert werden: {target}. Bitte einen anderen Ordner "
                           "wählen oder prüfen, ob die Datei gerade geöffnet ist.")
            return None
        except KuemmererError as exc:
            self.error.say(str(exc))
            return None
        self.error.hide()
        self.notice.setText(f"Unverändert gespeichert unter: {target}")
        self.notice.show()
        return target

    def _title(self, report: ArchivedReport) -> str:
        return f"{report.kind.label.split(' (')[0]} {report.period.label}"

    def preview(self) -> None:
        report = self.selected()
        if report is None or not report.is_pdf:
            return
        pdf = self._content(report)
        if pdf is not None:
            preview_dialog(self, pdf, self._title(report)).exec()

    def print_report(self) -> None:
        report = self.selected()
        if report is None or not report.is_pdf:
            return
        pdf = self._content(report)
        if pdf is None:
            return
        printer = a4_printer(self._title(report))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Drucken – {self._title(report)}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            paint_pdf(printer, pdf)
        except OSError:
            log.warning("printing an archived report failed")
            QMessageBox.warning(self, "Nicht gedruckt", "Der Drucker ließ sich nicht ansprechen.")

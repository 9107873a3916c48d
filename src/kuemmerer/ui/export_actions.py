"""„Exportieren…“: a list as she sees it, or the Jahresstatistik, into an Excel file.

She picks where (the suggested file name holds no personal data), the work runs off the
UI thread with a progress bar she can cancel, and she is told in German what happened.
On a cancel or an error nothing is left behind (exports.xlsx writes under a temporary name).

Imported lazily (openpyxl is slow to import). Tests replace ``ask_path`` (the file dialog)
and ``Notice.show`` (the closing message) instead of clicking through modal dialogs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from kuemmerer.domain.periods import Period

from .context import AppContext
from .errors import report_error
from .folders import documents_dir
from .formatting import number_de

KIND_TITLES = {"persons": "Personen", "requests": "Anliegen", "contacts": "Kontakte",
               "referrals": "Vermittlungen", "partners": "Partner", "volunteers": "Ehrenamtliche",
               "activities": "Aktivitäten", "networks": "Netzwerke"}


def ask_xlsx_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """The save dialog, in her documents folder with ``suggested`` as the name; ".xlsx" added."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / suggested),
                                          "Excel-Arbeitsmappen (*.xlsx)")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".xlsx" else target.with_name(target.name + ".xlsx")


# the file dialog; tests put a function here that returns a path (or None for "Abbrechen")
ask_path: Callable[[QWidget | None, str, str], Path | None] = ask_xlsx_path


class Notice:
    """The closing message; tests replace ``show`` to record instead of blocking."""

    @classmethod
    def show(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)


# --------------------------------------------------------------------------- background work


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    """Runs ``fn(progress, cancelled)`` on a worker thread; results come back as signals."""

    def __init__(self, fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit, self.stop.is_set)
        except BaseException as exc:  # noqa: BLE001 - handed back to the UI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_RUNNING: set[ExportRun] = set()  # kept alive until done, also without a parent widget


class ExportRun(QObject):
    """One export under way: a progress dialog with „Abbrechen“; ``finished`` carries the
    result (or the exception) once the German message has been given."""

    finished = Signal(object)

    def __init__(self, parent: QWidget | None, label: str, fn, on_done: Callable[[Any], None], *,
                 title: str = "Export", verb: str = "geschrieben",
                 on_cancelled: Callable[[BaseException], None] | None = None):
        super().__init__(parent)
        self._on_done = on_done
        self._on_cancelled = on_cancelled
        self.verb = verb
        self.title = title
        self.result: Any = None
        self.dialog = QProgressDialog(label, "Abbrechen", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(360)
        self.job = _Job(fn)
        self.dialog.canceled.connect(self.cancel)
        self.job.signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.job.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.job.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.running = True
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(self.job)

    def cancel(self) -> None:
        """Stop after the current page; the file is not written."""
        self.job.stop.set()
        self.dialog.setLabelText("Wird abgebrochen …")

    def _progress(self, done: int, total: int) -> None:
        if total > 0 and not self.job.stop.is_set():
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            self.dialog.setLabelText(f"{number_de(done)} von {number_de(total)} Zeilen {self.verb} …")

    def _close(self) -> None:
        self.running = False
        _RUNNING.discard(self)
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()

    def _done(self, result: Any) -> None:
        self._close()
        self.result = result
        self._on_done(result)
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        from kuemmerer.exports.xlsx import ExportCancelled
        from kuemmerer.services.importing import ImportCancelled

        self._close()
        self.result = exc
        owner = self.parent()
        parent = owner if isinstance(owner, QWidget) else None
        if isinstance(exc, (ExportCancelled, ImportCancelled)):
            if self._on_cancelled is not None:
                self._on_cancelled(exc)
            else:
                Notice.show(parent, f"{self.title} abgebrochen", str(exc))
        else:
            report_error(parent, exc)
        self.finished.emit(exc)


# --------------------------------------------------------------------------- the two exports


def export_list(parent: QWidget | None, ctx: AppContext, kind: str, query: object) -> ExportRun | None:
    """„Exportieren…“ of a list page: exactly its rows (``query``: the page's current filter and
    sort) into an .xlsx she chooses. None if she cancelled the file dialog."""
    from kuemmerer.exports import xlsx
    from kuemmerer.services import exports

    title = KIND_TITLES.get(kind, "Liste")
    period = getattr(query, "period", None)
    suggested = exports.list_file_name(kind, ctx.today(), period if isinstance(period, Period) else None)
    target = ask_path(parent, f"{title} als Excel-Datei speichern", suggested)
    if target is None:
        return None
    today = ctx.today()

    def work(progress, cancelled) -> int:
        with ctx.uow(read_only=True) as uow:
            export = exports.list_export(uow, kind, query, today=today)
            progress(0, export.total)
            return xlsx.save_table(target, export, progress=progress, cancelled=cancelled)

    def done(rows: int) -> None:
        Notice.show(parent, "Exportiert", f"{title}: {number_de(rows)} {'Zeile' if rows == 1 else 'Zeilen'} "
                    f"gespeichert in\n{target}")

    return ExportRun(parent, f"{title} werden exportiert …", work, done)


def export_jahresstatistik(parent: QWidget | None, ctx: AppContext, period: Period) -> ExportRun | None:
    """The Jahresstatistik of ``period`` as .xlsx (archived in the Berichte archive)."""
    from kuemmerer.exports import xlsx
    from kuemmerer.services import exports

    target = ask_path(parent, "Jahresstatistik als Excel-Datei speichern", exports.jahresstatistik_file_name(period))
    if target is None:
        return None

    def work(progress, cancelled):
        with ctx.uow() as uow:
            if cancelled():
                raise xlsx.ExportCancelled()
            return exports.save_jahresstatistik(uow, period, target, xlsx.jahresstatistik_bytes)

    def done(_report) -> None:
        ctx.notify("reports")
        Notice.show(parent, "Exportiert", f"Jahresstatistik {period.label} gespeichert in\n{target}\n\n"
                    "Sie ist im Berichtsarchiv abgelegt.")

    return ExportRun(parent, f"Jahresstatistik {period.label} wird erstellt …", work, done)

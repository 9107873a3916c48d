"""Slow work off the UI thread, with a progress dialog; results come back as signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the UI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_in_background(parent: QWidget, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None]) -> QProgressDialog:
    """Run ``fn`` on a worker thread; show a busy dialog meanwhile (no cancel: the work
    is a transaction that must finish or roll back)."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Bitte warten")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    job = _Job(fn)

    def finish(result: Any) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_done(result)

    def fail(exc: BaseException) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_error(exc)

    job.signals.done.connect(finish, Qt.ConnectionType.QueuedConnection)
    job.signals.failed.connect(fail, Qt.ConnectionType.QueuedConnection)
    dialog._job = job  # keep the signals alive as long as the dialog
    QThreadPool.globalInstance().start(job)
    return dialog

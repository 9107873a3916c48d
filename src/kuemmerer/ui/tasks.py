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


class BusyDialog(QProgressDialog):
    """"Bitte warten" without a way out: neither Esc nor the window's close button hides it
    while the work runs (the work is a transaction that must finish or roll back)."""

    def __init__(self, label: str, parent: QWidget | None):
        super().__init__(label, "", 0, 0, parent)
        self.setWindowTitle("Bitte warten")
        self.setCancelButton(None)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.running = True
        self._job: QRunnable | None = None

    def finish(self) -> None:
        self.running = False
        self.reset()
        self.hide()
        self.deleteLater()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.running:
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if not self.running:
            super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)


def run_in_background(parent: QWidget | None, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None], *, blocking: bool = False) -> BusyDialog:
    """Run ``fn`` on a worker thread; show a busy dialog meanwhile (no cancel: the work
    is a transaction that must finish or roll back). ``blocking``: the dialog comes up at
    once and blocks the whole application (not only ``parent``) until the work is done."""
    dialog = BusyDialog(label, parent)
    if blocking:
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
    else:
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
    job = _Job(fn)

    def finish(result: Any) -> None:
        dialog.finish()
        on_done(result)

    def fail(exc: BaseException) -> None:
        dialog.finish()
        on_error(exc)

    job.signals.done.connect(finish, Qt.ConnectionType.QueuedConnection)
    job.signals.failed.connect(fail, Qt.ConnectionType.QueuedConnection)
    dialog._job = job  # keep the signals alive as long as the dialog
    QThreadPool.globalInstance().start(job)
    return dialog


def run_blocking(parent: QWidget | None, label: str, fn: Callable[[], Any]) -> Any:
    """``run_in_background`` for a step the start has to wait for (no window yet to go on
    with): the busy dialog shows, the event loop keeps the screen alive, and the result is
    returned — or the worker's exception raised here."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    run_in_background(parent, label, fn, done, failed, blocking=True)
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def run_quietly(fn: Callable[[], Any], on_done: Callable[[Any], None],
                on_error: Callable[[BaseException], None]) -> QRunnable:
    """``fn`` on a worker thread with no dialog at all: the window stays usable (the daily
    housekeeping after the first paint). The results come back on the UI thread."""
    job = _Job(fn)
    job.signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
    job.signals.failed.connect(on_error, Qt.ConnectionType.QueuedConnection)
    job.setAutoDelete(False)  # the caller keeps it (and so its signals) until it reported
    QThreadPool.globalInstance().start(job)
    return job

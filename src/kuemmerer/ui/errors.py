"""Unexpected errors: a German dialog without personal data, the details in the log,
and the program keeps running. Qt's own warnings go to the log too."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError, ValidationError
from kuemmerer.logging_setup import log_unexpected, safe_traceback
from kuemmerer.paths import storage_problem

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger("kuemmerer.ui")
qt_log = logging.getLogger("kuemmerer.qt")

UNEXPECTED = ("Ein unerwarteter Fehler ist aufgetreten. Was Sie zuletzt gespeichert haben, "
              "ist sicher; die letzte Aktion wurde möglicherweise nicht ausgeführt.\n\n"
              "Die Einzelheiten stehen im Protokoll (ohne personenbezogene Daten). "
              "Kümmerer läuft weiter.")


class ErrorDialog:
    """Shown for errors; tests replace ``show`` to record instead of blocking."""

    @classmethod
    def show(cls, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # not before the window's first paint

        QMessageBox.critical(parent, title, text)


# Who handles a database found damaged while she works (the main window: it closes the file and
# offers the newest verified backup at once); the last one registered wins.
_DAMAGE_HANDLERS: list[Callable[[DatabaseDamaged], None]] = []


def set_damage_handler(handler: Callable[[DatabaseDamaged], None] | None) -> None:
    _DAMAGE_HANDLERS.clear()
    if handler is not None:
        _DAMAGE_HANDLERS.append(handler)


def report_error(parent: QWidget | None, exc: BaseException) -> None:
    """Known errors (German messages of our own) are shown as they are; the disk refusing
    (full, read-only, no permission) says what to do; anything else as the general
    message, with the traceback (no messages, no values) in the log. Damage met while the
    file is open goes to the damage handler (the recovery offer), if there is one."""
    if isinstance(exc, ValidationError):
        ErrorDialog.show(parent, "Hinweis", "\n".join(exc.errors.values()))
        return
    if isinstance(exc, DatabaseDamaged) and exc.moved_to is None and _DAMAGE_HANDLERS:
        _DAMAGE_HANDLERS[-1](exc)
        return
    if isinstance(exc, KuemmererError):
        ErrorDialog.show(parent, "Hinweis", str(exc))
        return
    problem = storage_problem(exc)  # disk full, read-only medium, no permission
    if problem is not None:
        log.warning("the disk refused a write\n%s", safe_traceback(exc))
        ErrorDialog.show(parent, "Nicht gespeichert", problem + "\n\nIhre Eingaben sind noch da; "
                         "Kümmerer läuft weiter.")
        return
    log_unexpected(log, "unexpected error in the window", exc)
    ErrorDialog.show(parent, "Unerwarteter Fehler", UNEXPECTED)


def install_excepthook() -> None:
    """Exceptions escaping a slot go to report_error instead of killing the program."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        report_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook


def install_qt_message_handler() -> None:
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(mode, _context, message):
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)

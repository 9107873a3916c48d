"""Locking the window: noticing that she is away, the lock screen, and its setting.

``IdleWatcher`` says when to lock; the window (``main_window``) then clears its data views,
closes the connection and shows ``LockScreen``; ``LockScreen.unlocked`` hands back the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.unlock_policy import UnlockThrottle
from kuemmerer.services import lock_settings

from .context import AppContext
from .dialogs.unlock import HINT_STYLE, UnlockForm
from .setting_box import NumberSettingBox

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


class IdleWatcher(QObject):
    """Emits ``idle`` once when she has not pressed a key, clicked or scrolled anywhere in the
    application for ``minutes`` minutes (``set_minutes(0)``: never), and when the system
    suspends the application.

    Suspend and Win+L: the only signal Qt gives portably is
    ``QGuiApplication.applicationStateChanged`` with ``Qt.ApplicationState.ApplicationSuspended``,
    which desktop platforms report only in some cases (mobile platforms always do). A locked
    session or a sleeping laptop is otherwise not reported; the idle timer then locks the window
    once the time is over, at the latest right after the laptop wakes up (a running timer counts
    the time it slept). That also happens with ``minutes`` 0: a suspend then locks all the same.

    After ``idle`` the watcher is quiet (input on the lock screen does not count) until
    ``resume()`` after unlocking; ``stop()`` silences it, e.g. while the window is closing.
    """

    idle = Signal()

    def __init__(self, minutes: int = lock_settings.DEFAULT_MINUTES, parent: QObject | None = None, *,
                 app: QGuiApplication | None = None):
        super().__init__(parent)
        running = app or QGuiApplication.instance()
        assert isinstance(running, QGuiApplication), "IdleWatcher needs the running QApplication"
        self._app: QGuiApplication = running
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._watching = True
        self._interval_ms = 0
        self.set_minutes(minutes)
        self._app.installEventFilter(self)
        self._app.applicationStateChanged.connect(self._state_changed)

    # -- settings ------------------------------------------------------------------------
    def set_minutes(self, minutes: int) -> None:
        """Lock after ``minutes`` without input; 0 turns the timer off."""
        self.set_interval_ms(max(0, int(minutes)) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        """The idle time in milliseconds (tests use a tiny one); 0 = off."""
        self._interval_ms = max(0, int(ms))
        self._timer.stop()
        if self._interval_ms and self._watching:
            self._timer.start(self._interval_ms)

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    @property
    def watching(self) -> bool:
        return self._watching

    # -- running -------------------------------------------------------------------------
    def resume(self) -> None:
        """Watch again (after unlocking); the idle time starts now."""
        self._watching = True
        self.set_interval_ms(self._interval_ms)

    def stop(self) -> None:
        self._watching = False
        self._timer.stop()

    def remove(self) -> None:
        """Stop and take the event filter off the application (the window is gone)."""
        self.stop()
        self._app.removeEventFilter(self)
        self._app.applicationStateChanged.disconnect(self._state_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._watching and self._interval_ms and event.type() in _ACTIVITY:
            self._timer.start(self._interval_ms)
        return False  # only watching: every event goes on as before

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended and self._watching:
            self._fire()

    def _fire(self) -> None:
        if not self._watching:
            return
        self.stop()
        self.idle.emit()


class LockScreen(QWidget):
    """"Kümmerer ist gesperrt": the database's name, the password (or the Notfallcode) and
    nothing else. It holds no data of residents and keeps no key: ``unlocked(bytes)``
    hands the key to the window, which reopens the database with it.

    ``prepare()`` empties the fields and puts the focus into the password field: call it
    each time the screen is shown."""

    unlocked = Signal(bytes)

    def __init__(self, db_path: Path | str, parent: QWidget | None = None, *,
                 throttle: UnlockThrottle | None = None, clock: Callable[[], float] = time.monotonic,
                 demo_hint: bool = False, kdf_params: Any = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.title = QLabel("Kümmerer ist gesperrt", self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.database = QLabel(self)
        self.database.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.database.setStyleSheet(HINT_STYLE)
        self.database.setWordWrap(True)
        explanation = QLabel("Die Daten sind vom Bildschirm genommen und die Datenbank ist geschlossen. "
                             "Zum Weiterarbeiten bitte das Passwort eingeben; was Sie in einem offenen "
                             "Fenster eingegeben hatten, ist noch da.", self)
        explanation.setWordWrap(True)
        explanation.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.form = UnlockForm(db_path, self, throttle=throttle, clock=clock, demo_hint=demo_hint,
                               kdf_params=kdf_params)
        self.form.unlocked.connect(self.unlocked)
        self._show_name()

        card = QFrame(self)
        card.setObjectName("lockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet("#lockCard { background: palette(base); border: 1px solid #b8c4d4; border-radius: 6px; }")
        card.setMaximumWidth(640)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 20)
        inner.addWidget(self.title)
        inner.addWidget(self.database)
        inner.addSpacing(8)
        inner.addWidget(explanation)
        inner.addSpacing(12)
        inner.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    @property
    def db_path(self) -> Path:
        return self.form.db_path

    def _show_name(self) -> None:
        self.database.setText(f"Datenbank „{self.form.db_path.name}“")

    def set_database(self, db_path: Path | str) -> None:
        self.form.set_database(db_path)
        self._show_name()

    def prepare(self) -> None:
        self.form.reset()
        self.form.focus_first()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.form.focus_first()


class LockSettingsBox(NumberSettingBox):
    """Einstellungen → "Sperren nach N Minuten" (0 = nie): a spin box and "Speichern".
    ``minutes_saved(int)`` (= ``saved``) tells the window's ``IdleWatcher.set_minutes``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(
            ctx, title="Sperren bei Abwesenheit", label="Sperren nach", suffix=" Minuten",
            accessible_name="Sperren nach Minuten", minimum=0, maximum=lock_settings.MAX_MINUTES,
            special_value="nie", read=lock_settings.get_lock_minutes, write=lock_settings.set_lock_minutes,
            hint="Ohne Eingabe sperrt sich Kümmerer nach dieser Zeit: die Daten verschwinden vom Bildschirm, "
                 "weiter geht es mit dem Passwort. 0 = nie (nicht empfohlen).", parent=parent)
        self.minutes = self.number
        self.minutes_saved = self.saved


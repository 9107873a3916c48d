"""What the GUI tests do as she does: type key by key, pick from a box, click buttons,
rows and check boxes. One place for all GUI test files."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (also umlauts) as real key events: textEdited fires."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def choose(box, data) -> None:
    """Pick the entry with ``data`` as the user does (the ``activated`` signal fires)."""
    index = box.findData(data)
    assert index >= 0, f"{data!r} not offered"
    box.setCurrentIndex(index)
    box.activated.emit(index)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def tick(qtbot, box) -> None:
    """Click a check box on its indicator (a click right of its text does not count)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def open_window(qtbot, ws, tmp_path):
    """The main window on ``ws``, shown, with its own settings file (no stored geometry)."""
    from PySide6.QtCore import QSettings

    from kuemmerer.ui.main_window import MainWindow

    window = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window

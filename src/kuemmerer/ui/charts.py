"""A horizontal bar chart drawn with QPainter (QtCharts is not shipped): one bar per
label, the number at the end of the bar; clicking a bar emits its row."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from .formatting import number_de

BAR = QColor("#3d7ab8")
BAR_HOVER = QColor("#1f5a94")
TEXT = QColor("#222222")


class BarChart(QWidget):
    """``set_data([("Kappel", 12), ("Hutholz", 3)])``; ``bar_clicked(row)`` on a click on a
    bar or its label. Sized to its rows. Labels are drawn left of the bars (elided with
    "…" only when they would take more than half the width); next to a table that names
    the rows, ``show_labels=False`` and ``set_top`` line the bars up with its rows."""

    bar_clicked = Signal(int)

    PAD = 6

    def __init__(self, parent: QWidget | None = None, *, row_height: int = 22, show_labels: bool = True):
        super().__init__(parent)
        self.ROW = row_height
        self.show_labels = show_labels
        self._top = self.PAD
        self._caption = ""
        self._data: list[tuple[str, float]] = []
        self._decimals = 0
        self._hover = -1
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumWidth(220)

    def set_data(self, data: Sequence[tuple[str, float]], *, decimals: int = 0) -> None:
        self._data = [(str(label), float(value)) for label, value in data]
        self._decimals = decimals
        self._hover = -1
        self.setFixedHeight(self.sizeHint().height())
        self.setAccessibleName("Balkendiagramm: " + ", ".join(f"{label} {number_de(v, decimals)}"
                                                                for label, v in self._data))
        self.update()

    def set_top(self, top: int, caption: str = "") -> None:
        """Start the bars ``top`` pixels down (to line up with the rows of a table beside
        it); ``caption`` is written above the bars."""
        self._top = top
        self._caption = caption
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    @property
    def data(self) -> list[tuple[str, float]]:
        return list(self._data)

    def sizeHint(self) -> QSize:
        return QSize(360, max(1, len(self._data)) * self.ROW + self._top + self.PAD)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, self.sizeHint().height())

    # -- geometry ------------------------------------------------------------------
    def _label_width(self) -> int:
        if not self.show_labels:
            return 0
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(label) for label, _ in self._data), default=0)
        return min(widest + 8, self.width() // 2)

    def _value_width(self) -> int:
        fm = QFontMetrics(self.font())
        return max((fm.horizontalAdvance(number_de(v, self._decimals)) for _, v in self._data), default=0) + 8

    def bar_rect(self, row: int) -> QRect:
        """Where the bar of ``row`` is drawn (zero-width bars get one pixel)."""
        left = self._label_width() + self.PAD
        room = max(1, self.width() - left - self._value_width() - self.PAD)
        top_value = max((v for _, v in self._data), default=0.0)
        value = self._data[row][1]
        width = int(room * value / top_value) if top_value > 0 else 0
        return QRect(left, self._top + row * self.ROW + 4, max(width, 1), self.ROW - 8)

    def row_at(self, y: int) -> int:
        row = (y - self._top) // self.ROW
        return row if 0 <= row < len(self._data) and y >= self._top else -1

    # -- events --------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        label_w = self._label_width()
        if not self._data:
            p.setPen(TEXT)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "keine Daten")
            return
        if self._caption:
            p.setPen(TEXT)
            p.drawText(QRect(label_w + self.PAD, 0, self.width() - label_w - self.PAD, self._top),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._caption)
        for row, (label, value) in enumerate(self._data):
            top = self._top + row * self.ROW
            p.setPen(TEXT)
            if self.show_labels:
                text = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 6)
                p.drawText(QRect(0, top, label_w - 6, self.ROW),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            bar = self.bar_rect(row)
            if value > 0:
                p.fillRect(bar, BAR_HOVER if row == self._hover else BAR)
            p.setPen(TEXT)
            p.drawText(QRect(bar.right() + 5, top, self._value_width(), self.ROW),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, number_de(value, self._decimals))
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(int(event.position().y()))
        if row != self._hover:
            self._hover = row
            self.update()

    def leaveEvent(self, _event) -> None:
        self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row = self.row_at(int(event.position().y()))
            if row >= 0:
                self.bar_clicked.emit(row)

"""Verfügbarkeit: seven weekdays × vormittags/nachmittags/abends as check boxes.

The value is the bit mask of ``domain.availability`` (what the services store and filter
on). Every box has an accessible name ("Dienstag nachmittags"); Tab walks the boxes day by
day, the arrow keys move within the grid, Space ticks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from kuemmerer.domain import availability

_ARROWS = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}


class AvailabilityGrid(QWidget):
    """``value()`` / ``set_value(mask)``; ``changed(mask)`` when she ticks or clears a box."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False):
        super().__init__(parent)
        self.setAccessibleName("Verfügbarkeit")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10 if not compact else 6)
        grid.setVerticalSpacing(1 if compact else 2)
        part_titles = ("vorm.", "nachm.", "abends") if compact else ("vormittags", "nachmittags", "abends")
        for part, title in enumerate(part_titles):
            head = QLabel(title)
            head.setToolTip(availability.PARTS[part])
            head.setStyleSheet("color: #555;")
            grid.addWidget(head, 0, part + 1, Qt.AlignmentFlag.AlignHCenter)
        self.boxes: list[list[QCheckBox]] = []
        for day, name in enumerate(availability.DAYS):
            label = QLabel(availability.DAY_SHORT[day] if compact else name)
            label.setToolTip(name)
            grid.addWidget(label, day + 1, 0)
            row = []
            for part, part_name in enumerate(availability.PARTS):
                box = QCheckBox()
                box.setAccessibleName(f"{name} {part_name}")
                box.setToolTip(f"{name} {part_name}")
                box.toggled.connect(self._toggled)
                box.installEventFilter(self)
                grid.addWidget(box, day + 1, part + 1, Qt.AlignmentFlag.AlignHCenter)
                row.append(box)
            self.boxes.append(row)
        grid.setColumnStretch(len(availability.PARTS) + 1, 1)
        chain = [b for row in self.boxes for b in row]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(chain[0])
        self._quiet = False

    def box(self, day: int, part: int) -> QCheckBox:
        return self.boxes[day][part]

    def value(self) -> int:
        return availability.mask((d, p) for d, row in enumerate(self.boxes) for p, b in enumerate(row)
                                 if b.isChecked())

    def set_value(self, value: int) -> None:
        """Show ``value`` without announcing it as her change."""
        self._quiet = True
        try:
            chosen = set(availability.slots(value or 0))
            for d, row in enumerate(self.boxes):
                for p, b in enumerate(row):
                    b.setChecked((d, p) in chosen)
        finally:
            self._quiet = False

    def clear(self) -> None:
        if self.value():
            self.set_value(0)
            self.changed.emit(0)

    def first_box(self) -> QCheckBox:
        return self.boxes[0][0]

    def last_box(self) -> QCheckBox:
        return self.boxes[-1][-1]

    def _toggled(self, _on: bool) -> None:
        if not self._quiet:
            self.changed.emit(self.value())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in _ARROWS and not event.modifiers():
            for d, row in enumerate(self.boxes):
                if obj in row:
                    dd, dp = _ARROWS[Qt.Key(event.key())]
                    p = row.index(obj)
                    nd, np_ = (d + dd) % len(self.boxes), (p + dp) % len(row)
                    self.boxes[nd][np_].setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
        return super().eventFilter(obj, event)

"""The report period: Jahr, Halbjahr, Quartal, Monat or a free range of two dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QToolButton, QWidget

from kuemmerer.domain.dates import FIRST_YEAR, LAST_YEAR, DateKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.periods import MONTHS, Period, PeriodKind

from .widgets import ERROR_STYLE, DateField

KINDS = (("Jahr", PeriodKind.YEAR), ("Halbjahr", PeriodKind.HALF), ("Quartal", PeriodKind.QUARTER),
         ("Monat", PeriodKind.MONTH), ("Freier Zeitraum", PeriodKind.RANGE))


def _parts(kind: PeriodKind) -> list[tuple[str, int]]:
    if kind is PeriodKind.HALF:
        return [("1. Halbjahr", 1), ("2. Halbjahr", 2)]
    if kind is PeriodKind.QUARTER:
        return [(f"{q}. Quartal", q) for q in range(1, 5)]
    if kind is PeriodKind.MONTH:
        return [(name, i + 1) for i, name in enumerate(MONTHS)]
    return []


def _part_of(kind: PeriodKind, day: dt.date) -> int:
    if kind is PeriodKind.HALF:
        return 1 if day.month <= 6 else 2
    if kind is PeriodKind.QUARTER:
        return (day.month - 1) // 3 + 1
    return day.month


class PeriodPicker(QWidget):
    """Emits ``period_changed(Period)`` whenever she picks another period; ``period`` is the
    current one (default: the running year)."""

    period_changed = Signal(object)

    def __init__(self, today: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self._today = today
        self._period = Period.year(today.year)
        self.kind_box = QComboBox()
        for label, kind in KINDS:
            self.kind_box.addItem(label, kind)
        self.kind_box.setToolTip("Art des Zeitraums")
        self.year_box = QSpinBox()
        self.year_box.setRange(FIRST_YEAR, LAST_YEAR)
        self.year_box.setKeyboardTracking(False)  # "2025" typed is one change, not four
        self.year_box.setValue(today.year)
        self.year_box.setToolTip("Jahr")
        self.year_box.setMinimumWidth(80)
        self.part_box = QComboBox()
        self.part_box.setMinimumWidth(120)
        self.from_field = DateField(kind=DateKind.FUTURE_ALLOWED)
        self.to_field = DateField(kind=DateKind.FUTURE_ALLOWED)
        for f in (self.from_field, self.to_field):
            f.setMinimumWidth(120)
        self.from_label = QLabel("von")
        self.to_label = QLabel("bis")
        self.apply_button = QPushButton("Anzeigen")
        self.apply_button.setToolTip("Den eingegebenen Zeitraum anzeigen")
        self.previous_button = QToolButton()
        self.previous_button.setText("◀")
        self.previous_button.setToolTip("Vorheriger Zeitraum")
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("Nächster Zeitraum")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Zeitraum:"))
        for w in (self.kind_box, self.year_box, self.part_box, self.from_label, self.from_field, self.to_label,
                  self.to_field, self.apply_button, self.previous_button, self.next_button, self.error):
            row.addWidget(w)
        row.addStretch(1)

        self.kind_box.activated.connect(lambda _i: self._kind_chosen())
        self.year_box.valueChanged.connect(lambda _v: self._from_boxes())
        self.part_box.activated.connect(lambda _i: self._from_boxes())
        self.apply_button.clicked.connect(self._from_range)
        for f in (self.from_field, self.to_field):
            f.edit.returnPressed.connect(self._from_range)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self._show(self._period)

    @property
    def period(self) -> Period:
        return self._period

    def set_period(self, period: Period) -> None:
        """Show ``period`` and announce it (as if she had picked it)."""
        self._show(period)
        self._set(period)

    # -- internals ---------------------------------------------------------------------
    def _kind(self) -> PeriodKind:
        return PeriodKind(self.kind_box.currentData())  # Qt hands the enum back as a plain str

    def _show(self, period: Period) -> None:
        """Put ``period`` into the boxes without announcing anything."""
        widgets = (self.kind_box, self.year_box, self.part_box)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.kind_box.setCurrentIndex(self.kind_box.findData(period.kind))
            self.year_box.setValue(period.start.year)
            self._fill_parts(period.kind)
            if period.kind in (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH):
                self.part_box.setCurrentIndex(self.part_box.findData(_part_of(period.kind, period.start)))
            self.from_field.set_date(period.start)
            self.to_field.set_date(period.end)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._visibility()

    def _fill_parts(self, kind: PeriodKind) -> None:
        self.part_box.clear()
        for label, value in _parts(kind):
            self.part_box.addItem(label, value)

    def _visibility(self) -> None:
        free = self._kind() is PeriodKind.RANGE
        self.year_box.setVisible(not free)
        self.part_box.setVisible(self._kind() in (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH))
        for w in (self.from_label, self.from_field, self.to_label, self.to_field, self.apply_button):
            w.setVisible(free)

    def _kind_chosen(self) -> None:
        kind = self._kind()
        current = self._period
        ref = self._today if current.start <= self._today <= current.end else current.start
        self.part_box.blockSignals(True)
        self._fill_parts(kind)
        if kind in (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH):
            self.part_box.setCurrentIndex(self.part_box.findData(_part_of(kind, ref)))
        self.part_box.blockSignals(False)
        self.year_box.blockSignals(True)
        self.year_box.setValue(ref.year)
        self.year_box.blockSignals(False)
        self._visibility()
        if kind is PeriodKind.RANGE:
            self.from_field.set_date(current.start)
            self.to_field.set_date(current.end)
            self.from_field.setFocus()
            return
        self._from_boxes()

    def _from_boxes(self) -> None:
        kind, year = self._kind(), self.year_box.value()
        part = self.part_box.currentData()
        if kind is PeriodKind.YEAR:
            self._set(Period.year(year))
        elif kind is PeriodKind.HALF:
            self._set(Period.half(year, part))
        elif kind is PeriodKind.QUARTER:
            self._set(Period.quarter(year, part))
        elif kind is PeriodKind.MONTH:
            self._set(Period.month(year, part))

    def _from_range(self) -> None:
        start, end = self.from_field.date(), self.to_field.date()
        if start is None or end is None:
            self._say("Bitte Beginn und Ende als Datum eingeben (TT.MM.JJJJ).")
            return
        try:
            period = Period.between(start, end)
        except ValidationError as exc:
            self._say(" ".join(exc.errors.values()))
            return
        self.from_field.set_date(start)
        self.to_field.set_date(end)
        self._set(period)

    def step(self, direction: int) -> None:
        """The period before (-1) or after (+1) the current one, of the same kind."""
        p = self._period
        try:
            if p.kind is PeriodKind.YEAR:
                new = Period.year(p.start.year + direction)
            elif p.kind is PeriodKind.HALF:
                half = _part_of(p.kind, p.start) + direction
                new = Period.half(p.start.year + (half - 1) // 2, (half - 1) % 2 + 1)
            elif p.kind is PeriodKind.QUARTER:
                quarter = _part_of(p.kind, p.start) + direction
                new = Period.quarter(p.start.year + (quarter - 1) // 4, (quarter - 1) % 4 + 1)
            elif p.kind is PeriodKind.MONTH:
                month = p.start.month + direction
                new = Period.month(p.start.year + (month - 1) // 12, (month - 1) % 12 + 1)
            else:
                length = p.end - p.start + dt.timedelta(days=1)
                new = Period(p.start + direction * length, p.end + direction * length)
        except ValidationError as exc:
            self._say(" ".join(exc.errors.values()))
            return
        self._show(new)
        self._set(new)

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _set(self, period: Period) -> None:
        self._say("")
        if period == self._period:
            return
        self._period = period
        self.period_changed.emit(period)

"""Termin einer Aktivität: Datum, Uhrzeit, Ort, Notiz und die anonyme Zählung nach
Geschlecht und Altersgruppe (ein kleines Raster mit Summen)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QGridLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from kuemmerer.domain.enums import AgeBand, Gender
from kuemmerer.services import activities
from kuemmerer.services.dto import ActivityDto, SessionDto

from ..context import AppContext
from ..formatting import date_de, number_de, time_de
from ..widgets import DateField, FieldForm, GuardedDialog, confirm_frozen_write, text_edit

GENDERS = (Gender.FEMALE, Gender.MALE, Gender.DIVERSE, Gender.UNSTATED)
AGE_BANDS = tuple(AgeBand)
MAX_CELL = 100000


def time_edit(placeholder: str = "HH:MM") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(5)
    edit.setFixedWidth(70)
    return edit


class HeadcountGrid(QWidget):
    """Anonymous heads by gender (rows) and age band (columns), with row, column and grand
    totals. ``counts()`` gives {(gender, age band): n} without the zeros."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.cells: dict[tuple[str, str], QSpinBox] = {}
        for col, band in enumerate(AGE_BANDS, start=1):
            head = QLabel(band.label)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, col)
        total_head = QLabel("<b>Summe</b>")
        total_head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(total_head, 0, len(AGE_BANDS) + 1)
        self.row_totals: dict[str, QLabel] = {}
        self.column_totals: dict[str, QLabel] = {}
        for row, gender in enumerate(GENDERS, start=1):
            grid.addWidget(QLabel(gender.label), row, 0)
            for col, band in enumerate(AGE_BANDS, start=1):
                box = QSpinBox()
                box.setRange(0, MAX_CELL)
                box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
                box.setAlignment(Qt.AlignmentFlag.AlignRight)
                box.setFixedWidth(62)
                box.setAccessibleName(f"{gender.label}, {band.label}")
                box.setToolTip(f"{gender.label}, {band.label}")
                box.valueChanged.connect(self._changed)
                self.cells[(gender.value, band.value)] = box
                grid.addWidget(box, row, col, Qt.AlignmentFlag.AlignCenter)
            total = QLabel("0")
            total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.row_totals[gender.value] = total
            grid.addWidget(total, row, len(AGE_BANDS) + 1)
        last = len(GENDERS) + 1
        grid.addWidget(QLabel("<b>Summe</b>"), last, 0)
        for col, band in enumerate(AGE_BANDS, start=1):
            total = QLabel("0")
            total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            total.setFixedWidth(62)
            self.column_totals[band.value] = total
            grid.addWidget(total, last, col, Qt.AlignmentFlag.AlignCenter)
        self.total = QLabel("<b>0</b>")
        self.total.setObjectName("headcount_total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.total, last, len(AGE_BANDS) + 1)
        grid.setColumnStretch(len(AGE_BANDS) + 2, 1)
        # Tab goes along a row (she reads the paper tally line by line)
        order = [self.cells[(g.value, b.value)] for g in GENDERS for b in AGE_BANDS]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.setFocusProxy(order[0])

    def first_cell(self) -> QSpinBox:
        return self.cells[(GENDERS[0].value, AGE_BANDS[0].value)]

    def last_cell(self) -> QSpinBox:
        return self.cells[(GENDERS[-1].value, AGE_BANDS[-1].value)]

    def set_counts(self, triples) -> None:
        for box in self.cells.values():
            box.blockSignals(True)
            box.setValue(0)
        for gender, band, n in triples:
            if (gender, band) in self.cells:
                self.cells[(gender, band)].setValue(n)
        for box in self.cells.values():
            box.blockSignals(False)
        self._update_totals()

    def counts(self) -> dict[tuple[str, str], int]:
        return {key: box.value() for key, box in self.cells.items() if box.value()}

    def total_count(self) -> int:
        return sum(box.value() for box in self.cells.values())

    def _changed(self, _value: int) -> None:
        self._update_totals()
        self.edited.emit()

    def _update_totals(self) -> None:
        for gender in GENDERS:
            n = sum(self.cells[(gender.value, b.value)].value() for b in AGE_BANDS)
            self.row_totals[gender.value].setText(number_de(n))
        for band in AGE_BANDS:
            n = sum(self.cells[(g.value, band.value)].value() for g in GENDERS)
            self.column_totals[band.value].setText(number_de(n))
        self.total.setText(f"<b>{number_de(self.total_count())}</b>")


class SessionDialog(GuardedDialog):
    """Neuer Termin (``session`` None) oder Termin bearbeiten, mit der anonymen Zählung."""

    def __init__(self, ctx: AppContext, activity: ActivityDto, session: SessionDto | None = None,
                 parent: QWidget | None = None, *, suggest_from: SessionDto | None = None):
        super().__init__(parent, "Termin bearbeiten" if session else "Neuer Termin")
        self.ctx, self.activity, self.session = ctx, activity, session
        self.saved: SessionDto | None = None
        f = self.form = FieldForm(self)
        f.add_row("Aktivität:", QLabel(f"<b>{escape(activity.name)}</b>"))
        self.date = f.add("date", "Datum", DateField(), required=True)
        times = QWidget()
        row = QGridLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_time = time_edit()
        self.end_time = time_edit()
        row.addWidget(self.start_time, 0, 0)
        row.addWidget(QLabel("bis"), 0, 1)
        row.addWidget(self.end_time, 0, 2)
        row.addWidget(QLabel("Uhr"), 0, 3)
        row.setColumnStretch(4, 1)
        times.setFocusProxy(self.start_time)
        f.add("start_time", "Uhrzeit", times)
        f.errors["end_time"] = f.errors["start_time"]  # one line for both times
        f.fields["end_time"] = self.end_time
        self.location = f.add("location", "Ort", QLineEdit())
        self.location.setPlaceholderText(activity.location or "wie bei der Aktivität")
        self.note = f.add("note", "Notiz", text_edit(height=60))
        self.grid = f.add("headcounts", "Anonym (ohne Namen)", HeadcountGrid(),
                          hint="Wer nicht auf der Namensliste steht, nur gezählt. Tab geht in der Zeile weiter.")
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.note, self.grid.first_cell())
        if session:
            self._fill(session)
        else:
            self.date.set_date(ctx.today())
            if suggest_from is not None:  # the times of the last session are the likely ones
                self.start_time.setText(time_de(suggest_from.start_time))
                self.end_time.setText(time_de(suggest_from.end_time))
        self.watch(self.date, self.start_time, self.end_time, self.location, self.note)
        self.grid.edited.connect(self.mark_dirty)
        self.date.setFocus()

    def _fill(self, s: SessionDto) -> None:
        self.date.set_date(s.date)
        self.start_time.setText(time_de(s.start_time))
        self.end_time.setText(time_de(s.end_time))
        self.location.setText(s.location or "")
        self.note.setPlainText(s.note or "")
        self.grid.set_counts(s.headcounts)

    def values(self) -> dict:
        return {
            "date": self.date.text(),
            "start_time": self.start_time.text().strip(),
            "end_time": self.end_time.text().strip(),
            "location": self.location.text(),
            "note": self.note.toPlainText(),
            "headcounts": self.grid.counts(),
        }

    def save(self) -> bool:
        values = self.values()
        if not confirm_frozen_write(self, self.ctx, self.date.date(), self.session.date if self.session else None):
            return False
        if self.session is None:
            activity_id = self.activity.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: activities.create_session(uow, activity_id=activity_id, **values), "activities")
        else:
            ident = self.session.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: activities.update_session(uow, ident, **values), "activities")
        return ok


def session_title(activity_name: str, s: SessionDto) -> str:
    """„Café international, 06.01.2026 15:00“ (for questions and headings)."""
    start = f" {time_de(s.start_time)}" if s.start_time else ""
    return f"{activity_name}, {date_de(s.date)}{start}"

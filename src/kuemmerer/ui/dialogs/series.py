"""Terminreihe: „jeden Dienstag 15–17 Uhr bis …“ in einem Schritt, mit einer Vorschau, wie
viele Termine entstehen, bevor etwas gespeichert wird."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.domain import series
from kuemmerer.domain.availability import DAY_SHORT, DAYS
from kuemmerer.services import activities
from kuemmerer.services.dto import ActivityDto, SessionDto
from kuemmerer.services.validation import parse_time

from ..context import AppContext
from ..formatting import date_de, number_de, time_de
from ..widgets import DateField, FieldForm, GuardedDialog, combo
from .session import time_edit

RHYTHM_ITEMS = [("jede Woche", 1), *((f"alle {n} Wochen", n) for n in range(2, 9))]


def preview_text(dates: list[dt.date], existing: int = 0) -> str:
    """„13 Termine: 06.01.2026 … 31.03.2026“ (and how many exist already)."""
    if not dates:
        return "In diesem Zeitraum liegt kein passender Tag."
    if len(dates) > series.MAX_SESSIONS:
        return f"Mehr als {series.MAX_SESSIONS} Termine – bitte ein früheres Ende wählen."
    n = len(dates)
    text = (f"1 Termin: {date_de(dates[0])}" if n == 1
            else f"{number_de(n)} Termine: {date_de(dates[0])} … {date_de(dates[-1])}")
    if existing:
        text += (f" ({'einen davon gibt' if existing == 1 else f'{number_de(existing)} davon gibt'} es schon "
                 "zur selben Uhrzeit – wird nicht doppelt angelegt)")
    return text


class SeriesDialog(GuardedDialog):
    """Termine einer Aktivität als Reihe anlegen."""

    def __init__(self, ctx: AppContext, activity: ActivityDto, parent: QWidget | None = None, *,
                 suggest_from: SessionDto | None = None):
        super().__init__(parent, "Terminreihe anlegen")
        self.ctx, self.activity = ctx, activity
        self.saved: list[SessionDto] = []
        with ctx.uow(read_only=True) as uow:
            self.taken = {(s.date, s.start_time) for s in activities.list_sessions(uow, activity.id)}
        self.buttons.button(self.buttons.StandardButton.Save).setText("Termine anlegen")
        f = self.form = FieldForm(self)
        f.add_row("Aktivität:", QLabel(f"<b>{escape(activity.name)}</b>"))
        self.first = f.add("first", "Erster Termin", DateField(), required=True)
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.weekday_boxes: list[QCheckBox] = []
        for i, short in enumerate(DAY_SHORT):
            box = QCheckBox(short)
            box.setToolTip(DAYS[i])
            box.setAccessibleName(DAYS[i])
            box.toggled.connect(self._weekday_clicked)
            self.weekday_boxes.append(box)
            row.addWidget(box)
        row.addStretch(1)
        days.setFocusProxy(self.weekday_boxes[0])
        f.add("weekdays", "Wochentage", days, hint="Keiner angekreuzt: der Wochentag des ersten Termins.")
        self.every_weeks = f.add("every_weeks", "Rhythmus", combo(RHYTHM_ITEMS))
        self.until = f.add("until", "Bis einschließlich", DateField(), required=True)
        times = QWidget()
        trow = QHBoxLayout(times)
        trow.setContentsMargins(0, 0, 0, 0)
        self.start_time = time_edit()
        self.end_time = time_edit()
        for w in (self.start_time, QLabel("bis"), self.end_time, QLabel("Uhr")):
            trow.addWidget(w)
        trow.addStretch(1)
        times.setFocusProxy(self.start_time)
        f.add("start_time", "Uhrzeit", times)
        f.errors["end_time"] = f.errors["start_time"]
        f.fields["end_time"] = self.end_time
        self.location = f.add("location", "Ort", QLineEdit())
        self.location.setPlaceholderText(activity.location or "wie bei der Aktivität")
        self.preview = QLabel()
        self.preview.setObjectName("series_preview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("color: #0b5394; font-weight: bold;")
        f.add_row("Vorschau:", self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self._days_chosen = False  # until she ticks a day, the first date's weekday is ticked
        self.first.set_date(ctx.today())
        if suggest_from is not None:
            self.start_time.setText(time_de(suggest_from.start_time))
            self.end_time.setText(time_de(suggest_from.end_time))
        self._follow_first()
        for signal in (self.first.edited, self.first.edit.textChanged, self.until.edited,
                       self.until.edit.textChanged, self.start_time.textChanged):
            signal.connect(lambda *_a: self._refresh())
        self.first.edited.connect(self._follow_first)
        self.first.edit.editingFinished.connect(self._follow_first)
        self.every_weeks.currentIndexChanged.connect(lambda _i: self._refresh())
        self.watch(self.first, self.until, self.every_weeks, self.start_time, self.end_time, self.location,
                   *self.weekday_boxes)
        self._refresh()
        self.first.setFocus()

    # -- the weekdays follow the first date until she chooses ------------------------------
    _setting_days = False

    def _weekday_clicked(self, _on: bool) -> None:
        if not self._setting_days:
            self._days_chosen = True
        self._refresh()

    def _follow_first(self) -> None:
        day = self.first.date()
        if self._days_chosen or day is None:
            return
        self._setting_days = True
        try:
            for i, box in enumerate(self.weekday_boxes):
                box.setChecked(i == day.weekday())
        finally:
            self._setting_days = False
        self._refresh()

    def weekdays(self) -> list[int]:
        return [i for i, box in enumerate(self.weekday_boxes) if box.isChecked()]

    # -- preview ------------------------------------------------------------------------
    def planned_dates(self) -> list[dt.date] | None:
        """The dates the series will have (as the service computes them); None while the
        first date or the end cannot be read."""
        first, until = self.first.date(), self.until.date()
        if first is None or until is None or until < first:
            return None
        return series.series_dates(first, until, self.weekdays(), self.every_weeks.currentData())

    def _refresh(self) -> None:
        dates = self.planned_dates()
        if dates is None:
            first, until = self.first.date(), self.until.date()
            if first is not None and until is not None:
                self.preview.setText("Das Ende liegt vor dem ersten Termin.")
            else:
                self.preview.setText("Ersten Termin und Ende angeben – dann steht hier, welche Termine entstehen.")
            self.preview.setToolTip("")
            return
        try:
            start = parse_time(self.start_time.text().strip())
        except ValueError:
            start = None
        existing = sum(1 for d in dates if (d, start) in self.taken) if len(dates) <= series.MAX_SESSIONS else 0
        self.preview.setText(preview_text(dates, existing))
        shown = dates[:40]
        more = f"\n… und {len(dates) - len(shown)} weitere" if len(dates) > len(shown) else ""
        self.preview.setToolTip("\n".join(f"{DAY_SHORT[d.weekday()]} {date_de(d)}" for d in shown) + more)

    # -- saving -------------------------------------------------------------------------
    def values(self) -> dict:
        return {
            "first": self.first.text(),
            "until": self.until.text(),
            "weekdays": self.weekdays(),
            "every_weeks": self.every_weeks.currentData(),
            "start_time": self.start_time.text().strip(),
            "end_time": self.end_time.text().strip(),
            "location": self.location.text(),
        }

    def save(self) -> bool:
        values = self.values()
        activity_id = self.activity.id
        ok, made = self.form.submit(self.ctx, lambda uow: activities.create_series(uow, activity_id=activity_id,
                                                                                  **values), "activities")
        self.saved = made or []
        return ok

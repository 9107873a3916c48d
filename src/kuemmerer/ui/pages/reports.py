"""Berichte: the period on top, the Jahresstatistik export, and tabs — the first,
Übersicht, shows the key figures with how each is counted, the breakdowns as table and
bar chart, and behind every count the list of records that make it up (drill-down).

The figures are computed on a worker thread; after 200 ms a busy bar with "Abbrechen"
shows; a newer period supersedes an older computation (its result is dropped)."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.periods import Period
from kuemmerer.services import report_figures
from kuemmerer.services.report_figures import Breakdown, BreakdownRow, Cancelled, Drill, DrillRow, Overview

from ..charts import BarChart
from ..context import AppContext
from ..errors import report_error
from ..formatting import date_de, number_de
from ..models import Column, PagedModel, RowsModel
from ..period_picker import PeriodPicker
from .tables import table_view

BUSY_AFTER_MS = 200
FROZEN_STYLE = ("background: #fff4ce; border: 1px solid #c19c00; padding: 8px; color: #3b2f00;")
NOTE_STYLE = "color: #555555;"
RULE_STYLE = "color: #555555;"
LINK_STYLE = ("QPushButton { border: none; color: #0b5394; font-size: 18px; font-weight: bold; text-align: right;"
              " padding: 0 4px; } QPushButton:hover { text-decoration: underline; }"
              " QPushButton:disabled { color: #222222; }")


def cell_text(value: Any) -> str:
    """German display of a drill-down cell: dates dd.mm.yyyy, numbers with German separators."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return date_de(value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return number_de(value)
    if isinstance(value, float):
        return number_de(value, 0 if value.is_integer() else 2)
    return str(value)


def value_text(value: int | float) -> str:
    return cell_text(value)


def _cell(i: int) -> Callable[[DrillRow], str]:
    return lambda row: cell_text(row.cells[i])


def _value(i: int) -> Callable[[BreakdownRow], str]:
    return lambda row: number_de(row.values[i])


def _sort_value(i: int) -> Callable[[BreakdownRow], int]:
    return lambda row: row.values[i]


# --------------------------------------------------------------------------- worker


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)


class _Computation(QRunnable):
    """Computes the Übersicht of one period with its own read-only unit of work."""

    def __init__(self, ctx: AppContext, period: Period, generation: int, stop: threading.Event):
        super().__init__()
        self.setAutoDelete(False)  # the page holds it until its signal arrived
        self.ctx, self.period, self.generation, self.stop = ctx, period, generation, stop
        self.signals = _Signals()

    def run(self) -> None:
        try:
            if self.stop.is_set():
                raise Cancelled()
            with self.ctx.uow(read_only=True) as uow:
                result = report_figures.overview(uow, self.period, cancelled=self.stop.is_set)
        except Cancelled:
            self.signals.cancelled.emit(self.generation)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.signals.failed.emit(self.generation, exc)
        else:
            self.signals.done.emit(self.generation, result)


# --------------------------------------------------------------------------- drill-down


NUMERIC = {"Einsätze", "Stunden", "namentlich", "anonym", "Anzahl", "Dauer (Min.)"}


class DrillDialog(QDialog):
    """The records behind a count, paged from SQL as the list scrolls. Names are shown in
    the app only. Double-click on a row of a person: ``open_person(person_id)``."""

    open_person = Signal(int)

    def __init__(self, ctx: AppContext, drill: Drill, clicked_value: int | float | None, *, frozen: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.drill = drill
        self.setWindowTitle("Einträge hinter der Zahl")
        self.resize(860, 520)
        with ctx.uow(read_only=True) as uow:
            self.total = report_figures.drill_total(uow, drill)
        titles = report_figures.drill_columns(drill.kind)
        columns = [Column(t, _cell(i), align_right=t in NUMERIC) for i, t in enumerate(titles)]
        self.model = PagedModel(columns, count=lambda: self.total.rows, fetch=self._fetch, parent=self)
        self.model.reload()
        self.view = table_view(self.model, stretch=0)
        self.view.activated.connect(self._open)
        for i, title in enumerate(titles):
            if title in ("Name", "Person", "Anliegen", "Partner", "Aktivität", "Netzwerk", "Art / Aktivität"):
                self.view.setColumnWidth(i, 230)
            else:
                self.view.resizeColumnToContents(i)
        heading = QLabel(f"<b>{escape(drill.title)}</b>")
        heading.setWordWrap(True)
        summary = f"{number_de(self.total.rows)} {'Eintrag' if self.total.rows == 1 else 'Einträge'}"
        if drill.counts_amount or drill.kind in ("volunteers", "anonymous", "anonymous_sessions"):
            summary += f", zusammen {value_text(self.total.amount)} {drill.amount_label}"
        self.summary = QLabel(summary)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        if clicked_value is not None and frozen and clicked_value != self.total.value:
            self.hint.setText(f"Eingefrorenes Jahr: berichtet wurde {value_text(clicked_value)}; die Liste zeigt "
                              f"die aktuellen Daten ({value_text(self.total.value)}).")
            self.hint.setStyleSheet(FROZEN_STYLE)
        else:
            self.hint.hide()
        people = any(r.person_id is not None for r in self.model.rows[:1])
        tip = QLabel("Doppelklick öffnet die Person." if people else "")
        tip.setStyleSheet(NOTE_STYLE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Schließen")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(tip, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

    def _fetch(self, offset: int, limit: int) -> list[DrillRow]:
        with self.ctx.uow(read_only=True) as uow:
            return report_figures.drill_page(uow, self.drill, offset, limit)

    def all_rows(self) -> list[DrillRow]:
        """Every row (fetching the remaining pages): for tests and checks."""
        while self.model.canFetchMore():
            self.model.fetchMore()
        return list(self.model.rows)

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and row.person_id is not None:
            self.open_person.emit(row.person_id)


# --------------------------------------------------------------------------- Übersicht


class BreakdownBox(QGroupBox):
    """One breakdown: its rule, a table (label + value columns) and a bar chart of the
    first value column. Clicking a cell or a bar asks for the records behind it."""

    drill = Signal(object, object)  # Drill, clicked value

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.breakdown: Breakdown | None = None
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet(RULE_STYLE)
        self.model = RowsModel([])
        self.view = table_view(self.model, stretch=0)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setToolTip("Klick auf eine Zeile oder Zahl zeigt die Einträge dahinter.")
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        self.chart = BarChart(row_height=24, show_labels=False)  # lined up with the table's rows
        self.chart.bar_clicked.connect(self._bar)
        row = QHBoxLayout()
        row.addWidget(self.view, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.chart, 1, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addLayout(row)
        layout.addStretch(1)

    def set_breakdown(self, b: Breakdown) -> None:
        self.breakdown = b
        self.setTitle(b.title + (" (aktuelle Daten)" if b.live else ""))
        self.rule.setText(b.rule)
        columns = [Column("Monat" if b.key == "by_month" else "", lambda r: r.label)]
        columns += [Column(title, _value(i), align_right=True, sort_value=_sort_value(i))
                    for i, title in enumerate(b.columns)]
        self.model.columns = columns
        self.model.set_rows(b.rows)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, max(self.view.columnWidth(0), 150))
        width = sum(self.view.columnWidth(i) for i in range(len(columns))) + 4
        self.view.setFixedWidth(width)
        header = self.view.horizontalHeader().sizeHint().height()
        self.view.horizontalHeader().setFixedHeight(header)
        self.view.setFixedHeight(header + 24 * max(1, len(b.rows)) + 2 * self.view.frameWidth())
        self.chart.set_data([(r.label, r.values[b.chart_column]) for r in b.rows])
        self.chart.set_top(header + self.view.frameWidth(),
                           f"Diagramm: {b.columns[b.chart_column]}" if len(b.columns) > 1 else "")

    def _clicked(self, index: QModelIndex) -> None:
        if self.breakdown is None or not index.isValid():
            return
        row = self.breakdown.rows[index.row()]
        column = max(0, index.column() - 1)
        if row.drills[column] is not None:
            self.drill.emit(row.drills[column], row.values[column])

    def _bar(self, index: int) -> None:
        if self.breakdown is None:
            return
        row, column = self.breakdown.rows[index], self.breakdown.chart_column
        if row.drills[column] is not None:
            self.drill.emit(row.drills[column], row.values[column])


class _Body(QWidget):
    """The scrolled content. Sized by its minimum size, not height-for-width: Qt's
    height-for-width through nested grids with word-wrapped labels comes out too small
    and squeezes the boxes (labels and tables cut off)."""

    def hasHeightForWidth(self) -> bool:
        return False


class OverviewTab(QScrollArea):
    """Key figures in sections (number, name, how it is counted) and the breakdowns."""

    drill = Signal(object, object)  # Drill, clicked value

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.overview: Overview | None = None
        self.figure_buttons: dict[str, QPushButton] = {}
        self.breakdown_boxes: dict[str, BreakdownBox] = {}
        body = _Body()
        self.setWidget(body)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setStyleSheet(FROZEN_STYLE)
        self.differences.hide()
        self.sections_grid = QGridLayout()
        self.sections_grid.setHorizontalSpacing(12)
        self.breakdowns_grid = QGridLayout()
        self.breakdowns_grid.setHorizontalSpacing(12)
        layout = QVBoxLayout(body)
        layout.addWidget(self.note)
        layout.addWidget(self.differences)
        layout.addLayout(self.sections_grid)
        layout.addLayout(self.breakdowns_grid)
        layout.addStretch(1)
        self._section_boxes: list[QGroupBox] = []

    def show_overview(self, o: Overview) -> None:
        first = self.overview is None
        self.overview = o
        if o.frozen:
            self.note.setText(f"<b>{escape(o.note)}</b><br>{escape(o.live_note)}")
            self.note.setStyleSheet(FROZEN_STYLE)
        else:
            self.note.setText(escape(o.note))
            self.note.setStyleSheet(NOTE_STYLE)
        if o.differences:
            shown = o.differences[:8]
            lines = [f"{escape(d.label)}: eingefroren {value_text(d.frozen)}, aktuell {value_text(d.live)}"
                     for d in shown]
            more = len(o.differences) - len(shown)
            if more:
                lines.append(f"… und {more} weitere")
            self.differences.setText("<b>So weichen die aktuellen Daten ab:</b><br>" + "<br>".join(lines))
        self.differences.setVisible(bool(o.differences))
        if first:
            self._build(o)
        for section in o.sections:
            for f in section.figures:
                button = self.figure_buttons[f.key]
                button.setText(value_text(f.value))
                button.setEnabled(f.drill is not None)
                button.setToolTip("Klick zeigt die Einträge hinter der Zahl." if f.drill else "")
        for b in o.breakdowns:
            self.breakdown_boxes[b.key].set_breakdown(b)

    def _build(self, o: Overview) -> None:
        for i, section in enumerate(o.sections):
            box = QGroupBox(section.title)
            grid = QGridLayout(box)
            grid.setColumnStretch(2, 1)
            for row, f in enumerate(section.figures):
                button = QPushButton()
                button.setObjectName(f"figure_{f.key}")
                button.setStyleSheet(LINK_STYLE)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setMinimumWidth(90)
                button.clicked.connect(lambda _c=False, key=f.key: self._figure_clicked(key))
                name = QLabel(f"{f.label}" + (f" ({f.unit})" if f.unit else ""))
                name.setMinimumWidth(150)
                rule = QLabel(f.rule)
                rule.setWordWrap(True)
                rule.setStyleSheet(RULE_STYLE)
                rule.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(name, row, 1, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(rule, row, 2, Qt.AlignmentFlag.AlignTop)
                self.figure_buttons[f.key] = button
            self.sections_grid.addWidget(box, i // 2, i % 2)
            self._section_boxes.append(box)
        column = 0
        row = 0
        for b in o.breakdowns:
            box = BreakdownBox()
            box.drill.connect(self.drill.emit)
            self.breakdown_boxes[b.key] = box
            if b.key == "by_month":
                if column:
                    row, column = row + 1, 0
                self.breakdowns_grid.addWidget(box, row, 0, 1, 2)
                row += 1
                continue
            self.breakdowns_grid.addWidget(box, row, column)
            row, column = (row, 1) if column == 0 else (row + 1, 0)

    def _figure_clicked(self, key: str) -> None:
        if self.overview is None:
            return
        f = self.overview.figure(key)
        if f.drill is not None:
            self.drill.emit(f.drill, f.value)


# --------------------------------------------------------------------------- the page


class ReportsPage(QWidget):
    """The Berichte section. ``add_tab(title, widget)`` adds a tab; every tab with a
    ``set_period(period)`` hears each new period. ``open_person(id)`` from drill-down."""

    open_person = Signal(int)
    overview_shown = Signal(object)  # the Overview now on screen (tests, other tabs)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.picker = PeriodPicker(ctx.today())
        self.picker.period_changed.connect(self._period_changed)
        self.export_button = QPushButton("Jahresstatistik (Excel)…")
        self.export_button.setToolTip("Die Zahlen des gewählten Zeitraums als Excel-Datei für Fördermittelgeber")
        self.export_button.clicked.connect(self.export_jahresstatistik)
        self.contacts_button = QPushButton("Kontakte (Excel)…")
        self.contacts_button.setToolTip("Alle Kontakte des gewählten Zeitraums als Excel-Tabelle (mit Namen: nur für Sie)")
        self.contacts_button.clicked.connect(self.export_contacts)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(180)
        self.busy_bar.setTextVisible(False)
        self.busy_label = QLabel("Zahlen werden berechnet …")
        self.cancel_button = QPushButton("Abbrechen")
        self.cancel_button.setToolTip("Die Berechnung abbrechen")
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setStyleSheet(NOTE_STYLE)
        for w in (self.busy_bar, self.busy_label, self.cancel_button):
            w.hide()
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.export_button)
        toolbar.addWidget(self.contacts_button)
        toolbar.addSpacing(16)
        toolbar.addWidget(self.busy_bar)
        toolbar.addWidget(self.busy_label)
        toolbar.addWidget(self.cancel_button)
        toolbar.addWidget(self.status, 1)
        self.title = QLabel()
        self.overview_tab = OverviewTab()
        self.overview_tab.drill.connect(self.show_drill)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview_tab, "&Übersicht")
        self._tabs: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.picker)
        layout.addLayout(toolbar)
        layout.addWidget(self.tabs, 1)

        self.overview: Overview | None = None
        self.drill_dialog: DrillDialog | None = None
        self._generation = 0
        self._running: dict[int, tuple[_Computation, threading.Event]] = {}
        self._stale = True
        self._show_title()
        ctx.changed.connect(self._data_changed)

    # -- public -----------------------------------------------------------------------
    @property
    def period(self) -> Period:
        return self.picker.period

    def set_period(self, period: Period) -> None:
        self.picker.set_period(period)

    def add_tab(self, title: str, widget: QWidget) -> None:
        self.tabs.addTab(widget, title)
        self._tabs.append(widget)
        if hasattr(widget, "set_period"):
            widget.set_period(self.period)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def refresh(self) -> None:
        """Compute the figures of the current period on a worker (supersedes any older run)."""
        self._stale = False
        for _job, stop in self._running.values():
            stop.set()
        self._generation += 1
        generation = self._generation
        stop = threading.Event()
        job = _Computation(self.ctx, self.period, generation, stop)
        job.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        job.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        job.signals.cancelled.connect(self._cancelled, Qt.ConnectionType.QueuedConnection)
        self._running[generation] = (job, stop)
        self.status.setText("")
        QTimer.singleShot(BUSY_AFTER_MS, lambda: self._show_busy(generation))
        QThreadPool.globalInstance().start(job)

    def cancel(self) -> None:
        """Stop the running computation; the figures shown stay those of the last period done."""
        for _job, stop in self._running.values():
            stop.set()
        self._generation += 1  # whatever still arrives is stale
        self._set_busy(False)
        shown = self.overview.period.label if self.overview is not None else None
        self.status.setText("Berechnung abgebrochen." + (f" Angezeigt werden die Zahlen für {shown}."
                                                         if shown and self.overview is not None
                                                         and self.overview.period != self.period else ""))
        self._stale = True

    def export_jahresstatistik(self) -> None:
        actions = importlib.import_module("kuemmerer.ui.export_actions")  # slow (openpyxl): only when asked
        actions.export_jahresstatistik(self, self.ctx, self.period)

    def export_contacts(self) -> None:
        """The Kontakte list of the chosen period (it has no list page of its own)."""
        actions = importlib.import_module("kuemmerer.ui.export_actions")
        exports = importlib.import_module("kuemmerer.services.exports")
        actions.export_list(self, self.ctx, "contacts", exports.ContactQuery(self.period))

    def show_drill(self, drill: Drill, value: int | float | None = None) -> DrillDialog:
        """Open the list of records behind a count (not modal: she can keep it open)."""
        if self.drill_dialog is not None:
            self.drill_dialog.close()
        frozen = self.overview is not None and self.overview.frozen
        dialog = DrillDialog(self.ctx, drill, value, frozen=frozen, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_person.connect(self.open_person.emit)
        dialog.destroyed.connect(lambda *_: self._forget_dialog(dialog))
        self.drill_dialog = dialog
        dialog.show()
        return dialog

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Wait (processing events) until no computation runs; for tests and shutdown."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(timeout_ms)
        while self._running and not deadline.hasExpired():
            QThreadPool.globalInstance().waitForDone(20)
            QCoreApplication.processEvents()
        return not self._running

    # -- internals ----------------------------------------------------------------------
    def _forget_dialog(self, dialog: DrillDialog) -> None:
        if self.drill_dialog is dialog:
            self.drill_dialog = None

    def _show_title(self) -> None:
        self.title.setText(f"<h2 style='margin:0'>Berichte – {escape(self.period.label)} "
                           f"<span style='font-size:small; font-weight:normal'>({date_de(self.period.start)} bis "
                           f"{date_de(self.period.end)})</span></h2>")

    def _period_changed(self, period: Period) -> None:
        self._show_title()
        for tab in self._tabs:
            if hasattr(tab, "set_period"):
                tab.set_period(period)
        self.refresh()

    def _data_changed(self, _what: str) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and not self._running:
            self.refresh()

    def _show_busy(self, generation: int) -> None:
        if generation == self._generation and generation in self._running:
            self._set_busy(True)

    def _set_busy(self, on: bool) -> None:
        for w in (self.busy_bar, self.busy_label, self.cancel_button):
            w.setVisible(on)

    def _finish(self, generation: int) -> bool:
        """Forget a finished run; True if its result is the one to show."""
        self._running.pop(generation, None)
        current = generation == self._generation
        if current:
            self._set_busy(False)
        return current

    def _done(self, generation: int, result: Overview) -> None:
        if not self._finish(generation):
            return  # a newer period superseded this one
        self.overview = result
        self.overview_tab.show_overview(result)
        self.overview_shown.emit(result)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if self._finish(generation):
            self.status.setText("Die Zahlen konnten nicht berechnet werden.")
            report_error(self, exc)

    def _cancelled(self, generation: int) -> None:
        self._finish(generation)

"""Berichte › Entwicklung (early warning): Anliegen or Kontakte per month over the last 24
months, by Thema or Stadtgebiet, with the groups that rise clearly against a year before
marked (▲), highlighted and named above the table. The rule is stated on the page; it
lives in ``domain/trends.py``. The table always ends with the current month."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.domain.periods import Period
from kuemmerer.domain.trends import MIN_RISE_CASES, MIN_RISE_PERCENT, RISING
from kuemmerer.services import trends
from kuemmerer.services.trends import Dimension, Measure, TrendRow, TrendTable

from ..context import AppContext
from ..errors import report_error
from ..formatting import number_de
from ..widgets import LazyReloadWidget

Index = QModelIndex | QPersistentModelIndex

RISING_BACKGROUND = QColor("#fde2cf")
RISING_TEXT = QColor("#8a2d00")
TOTAL_BACKGROUND = QColor("#eeeeee")
NOTE_STYLE = "color: #555555;"
ALERT_STYLE = "background: #fde2cf; border: 1px solid #d9822b; padding: 6px; color: #4a1b00;"
CALM_STYLE = "background: #e8f3e8; border: 1px solid #7fb07f; padding: 6px; color: #1e3d1e;"


class TrendModel(QAbstractTableModel):
    """Rows: Thema or Stadtgebiet (in the vertical header, which stays put when the months
    scroll) and the total; columns: the months, then "Trend"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: TrendTable | None = None
        self._rows: tuple[TrendRow, ...] = ()
        self._months: tuple[str, ...] = ()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: TrendTable) -> None:
        self.beginResetModel()
        self.table = table
        self._rows = table.rows
        self._months = table.month_labels
        self.endResetModel()

    @property
    def trend_column(self) -> int:
        return len(self._months)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self._rows else len(self._months) + 1

    def row_at(self, row: int) -> TrendRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not (0 <= section <= len(self._months) and self._rows and self.table is not None):
                return None
            last = section == len(self._months) - 1
            if role == Qt.ItemDataRole.DisplayRole:
                return self._months[section] if section < len(self._months) else "Trend"
            if role == Qt.ItemDataRole.ToolTipRole and last:
                return f"Laufender Monat: bis heute ({self.table.window.end:%d.%m.%Y})"
            if role == Qt.ItemDataRole.ToolTipRole and section == len(self._months):
                return (f"{self.table.window.label} gegenüber {self.table.window.label_before}; "
                        f"{RISING} = deutlich steigend")
            return None
        row = self.row_at(section)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{RISING} {row.label}" if row.rising else row.label
        if role == Qt.ItemDataRole.FontRole and (row.rising or row.is_total):
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and row.rising:
            return QBrush(RISING_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole and row.rising:
            return "Steigt deutlich gegenüber dem Vorjahr"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() <= len(self._months):
            return None
        trend = index.column() == len(self._months)
        if role == Qt.ItemDataRole.DisplayRole:
            return row.rise.text if trend else number_de(row.counts[index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignLeft if trend else Qt.AlignmentFlag.AlignRight
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.rising:
                return QBrush(RISING_BACKGROUND)
            if row.is_total:
                return QBrush(TOTAL_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and row.rising and trend:
            return QBrush(RISING_TEXT)
        if role == Qt.ItemDataRole.FontRole and (row.is_total or (row.rising and trend)):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and trend and self.table is not None:
            w = self.table.window
            return (f"{row.rise.recent} vom {w.label} gegenüber {row.rise.before} vom {w.label_before} "
                    f"({row.rise.change_text})")
        return None


class TrendsTab(LazyReloadWidget):
    """Entwicklung. ``set_period`` is accepted but not used: the table always shows the
    last 24 months up to today."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.table: TrendTable | None = None
        self._stale = False

        intro = QLabel("Frühwarnung: Wie entwickeln sich die Zahlen der letzten 24 Monate (bis heute)? "
                       f"Deutlich steigende Zeilen sind mit {RISING} markiert und farbig hinterlegt.")
        intro.setWordWrap(True)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet(NOTE_STYLE)
        self.rule.setToolTip(f"Regel: mindestens {MIN_RISE_PERCENT} % und mindestens {MIN_RISE_CASES} Fälle mehr; "
                             "beides muss zutreffen, damit kleine Zahlen keinen Fehlalarm geben.")

        self.requests_radio = QRadioButton("Anliegen")
        self.contacts_radio = QRadioButton("Kontakte")
        self.category_radio = QRadioButton("Thema")
        self.district_radio = QRadioButton("Stadtgebiet")
        self.requests_radio.setChecked(True)
        self.category_radio.setChecked(True)
        self.measure_group = QButtonGroup(self)
        self.dimension_group = QButtonGroup(self)
        for group, buttons in ((self.measure_group, (self.requests_radio, self.contacts_radio)),
                               (self.dimension_group, (self.category_radio, self.district_radio))):
            for b in buttons:
                group.addButton(b)
            group.buttonToggled.connect(self._switched)
        switches = QHBoxLayout()
        switches.addWidget(QLabel("Zählen:"))
        switches.addWidget(self.requests_radio)
        switches.addWidget(self.contacts_radio)
        switches.addSpacing(24)
        switches.addWidget(QLabel("je:"))
        switches.addWidget(self.category_radio)
        switches.addWidget(self.district_radio)
        switches.addStretch(1)

        self.alert = QLabel()
        self.alert.setWordWrap(True)
        self.alert.setTextFormat(Qt.TextFormat.RichText)

        self.model = TrendModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Entwicklung je Monat")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.horizontalHeader().setHighlightSections(False)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.rule)
        layout.addLayout(switches)
        layout.addWidget(self.alert)
        layout.addWidget(self.view, 1)
        self.reload()
        ctx.changed.connect(self._data_changed)

    def _switched(self, _button, on: bool) -> None:
        if on:
            self.reload()

    def set_period(self, _period: Period) -> None:
        """The Entwicklung always ends today; the page's period does not apply."""

    @property
    def measure(self) -> Measure:
        return Measure.CONTACTS if self.contacts_radio.isChecked() else Measure.REQUESTS

    @property
    def dimension(self) -> Dimension:
        return Dimension.DISTRICT if self.district_radio.isChecked() else Dimension.CATEGORY

    def reload(self) -> None:
        self._stale = False
        try:
            with self.ctx.uow(read_only=True) as uow:
                table = trends.trend_table(uow, self.measure, self.dimension, today=self.ctx.today())
        except KuemmererError as exc:
            report_error(self, exc)
            return
        self.table = table
        self.model.set_table(table)
        self.rule.setText(table.rule_text)
        sentences = table.sentences()
        what = "Thema" if table.dimension is Dimension.CATEGORY else "Stadtgebiet"
        if sentences:
            self.alert.setText("<b>Deutlich steigend:</b><br>" + "<br>".join(escape(s) for s in sentences))
            self.alert.setStyleSheet(ALERT_STYLE)
        else:
            self.alert.setText(f"Kein {what} steigt nach dieser Regel deutlich ({table.measure.label}).")
            self.alert.setStyleSheet(CALM_STYLE)
        self._fit_columns()

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        for c in range(self.model.trend_column):
            self.view.setColumnWidth(c, max(64, header.sectionSizeHint(c)))
        self.view.resizeColumnToContents(self.model.trend_column)
        self.view.verticalHeader().setMinimumWidth(150)
        QTimer.singleShot(0, self.show_latest)

    def show_latest(self) -> None:
        """Scroll to the right end: the latest months and the trend are what she looks for."""
        bar = self.view.horizontalScrollBar()
        bar.setValue(bar.maximum())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.show_latest)

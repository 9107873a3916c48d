"""Einstellungen › Aufbewahrung (DESIGN.md §5): the rule in one sentence, the years setting,
the residents the rule selects, a preview of what erasing the chosen ones removes and how the
statistics of the open years change, and the erasure after one confirmation."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain import retention as rule
from kuemmerer.domain.errors import KuemmererError, ValidationError
from kuemmerer.services import retention
from kuemmerer.services.retention import DuePerson, Preview

from ..context import AppContext
from ..formatting import date_de, number_de
from ..models import Column, RowsModel
from ..widgets import ErrorLine, LazyReloadWidget, confirm, notice_label
from .tables import table_view

DUE_COLUMNS = [
    Column("Name", lambda p: p.name),
    Column("Letzte Aktivität", lambda p: date_de(p.last_activity), sort_value=lambda p: p.last_activity),
    Column("Aufbewahrt bis", lambda p: date_de(p.kept_until), sort_value=lambda p: p.kept_until),
    Column("Einträge", lambda p: number_de(p.records), align_right=True, sort_value=lambda p: p.records,
           tooltip=lambda p: p.linked_text),
    Column("Was gelöscht würde", lambda p: p.linked_text),
]


def _persons(n: int) -> str:
    return "1 Person" if n == 1 else f"{number_de(n)} Personen"


class RetentionTab(LazyReloadWidget):
    """The Aufbewahrung tab. Opening it counts as having seen this month's reminder on Heute."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: Preview | None = None
        self.working = False  # a preview or an erasure runs on a worker
        self._stale = True  # read when first shown

        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.years = QSpinBox()
        self.years.setRange(rule.MIN_YEARS, rule.MAX_YEARS)
        self.years.setSuffix(" Jahre")
        self.years.setKeyboardTracking(False)  # typed "12" is saved once, not as 1 and then 12
        self.years.setAccessibleName("Aufbewahrungsfrist in Jahren")
        self.years.setToolTip("Jahre nach dem Ende des Jahres der letzten Aktivität (Vorgabe: 3)")
        self.years.valueChanged.connect(self._save_years)
        years_row = QHBoxLayout()
        years_label = QLabel("Aufbewahren nach dem Jahr der letzten Aktivität:")
        years_label.setBuddy(self.years)
        years_row.addWidget(years_label)
        years_row.addWidget(self.years)
        years_row.addStretch(1)

        self.count_label = QLabel()
        self.model = RowsModel(DUE_COLUMNS, parent=self)
        self.view = table_view(self.model, stretch=4)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.setAccessibleName("Zur Löschung fällige Personen")
        self.view.selectionModel().selectionChanged.connect(lambda _s, _d: self._selection_changed())

        self.all_button = QPushButton("Alle auswählen")
        self.preview_button = QPushButton("Vorschau")
        self.preview_button.setToolTip("Zeigt, was mit den ausgewählten Personen gelöscht würde und wie sich "
                                       "die Zahlen der offenen Jahre ändern – es wird nichts gelöscht.")
        self.erase_button = QPushButton("Löschen…")
        self.erase_button.setToolTip("Die ausgewählten Personen mit allen verknüpften Einträgen endgültig "
                                     "löschen (nach einer Rückfrage)")
        self.all_button.clicked.connect(self.view.selectAll)
        self.preview_button.clicked.connect(self.show_preview)
        self.erase_button.clicked.connect(self.erase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for b in (self.all_button, self.preview_button, self.erase_button):
            buttons.addWidget(b)

        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_text.setAccessibleName("Vorschau der Löschung")
        self.preview_text.setPlaceholderText("Personen auswählen und „Vorschau“ wählen: hier steht dann, was "
                                             "gelöscht würde und wie sich die Statistik ändert.")
        self.preview_text.setMaximumHeight(150)
        self.error = ErrorLine(self)
        self.result = notice_label()

        layout = QVBoxLayout(self)
        layout.addWidget(self.rule_label)
        layout.addLayout(years_row)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.preview_text)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        ctx.changed.connect(self._data_changed)
        self._selection_changed()

    # -- showing ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        try:
            with self.ctx.uow() as uow:
                changed = retention.mark_reminded(uow, self.ctx.today())
        except KuemmererError:
            changed = False
        if changed:
            self.ctx.notify("retention")  # Heute hides its reminder (and this tab reloads)
        super().showEvent(event)

    def reload(self) -> None:
        self._stale = False
        with self.ctx.uow(read_only=True) as uow:
            years = retention.get_years(uow)
            due = retention.due_persons(uow, self.ctx.today())
        self.years.blockSignals(True)
        self.years.setValue(years)
        self.years.blockSignals(False)
        self.years.setSuffix(" Jahr" if years == 1 else " Jahre")
        self.rule_label.setText(rule.rule_sentence(years))
        kept = set(self.selected_ids())
        self.model.set_rows(due)
        self.count_label.setText(f"{_persons(len(due))} zur Löschung fällig" if due
                                 else "Niemand ist zur Löschung fällig.")
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row, p in enumerate(due):
            if p.id in kept:
                self.view.selectionModel().select(self.model.index(row, 0), flags)
        self.view.resizeColumnsToContents()
        self._selection_changed()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [p.id for p in (self.model.row_at(r) for r in rows) if isinstance(p, DuePerson)]

    def _selection_changed(self) -> None:
        chosen = bool(self.selected_ids())
        self.preview_button.setEnabled(chosen)
        self.erase_button.setEnabled(chosen)
        self.all_button.setEnabled(self.model.rowCount() > 0)
        if self.preview is not None and {p.id for p in self.preview.persons} != set(self.selected_ids()):
            self.preview = None
            self.preview_text.clear()

    # -- the setting -------------------------------------------------------------------------
    def _save_years(self, value: int) -> None:
        if self.error.run(self.ctx, lambda uow: retention.set_years(uow, value), "retention"):
            self.result.hide()
            if not self.isVisible():
                self.reload()

    # -- preview and erasure -----------------------------------------------------------------
    def _in_background(self, label: str, work, done) -> None:
        """Preview and erasure compute the statistics of every open year twice: on ten years
        of data that takes seconds, so it runs on a worker with the busy dialog."""
        from ..errors import report_error
        from ..tasks import run_in_background

        self.error.hide()
        self.result.hide()
        self.working = True

        def finished(result) -> None:
            self.working = False
            done(result)

        def failed(exc: BaseException) -> None:
            self.working = False
            if isinstance(exc, ValidationError):
                self.error.say(" ".join(exc.errors.values()))
            else:
                report_error(self, exc)

        self.job = run_in_background(self, label, work, finished, failed)

    def _preview_work(self, ids: list[int]):
        today = self.ctx.today()

        def work() -> Preview:
            with self.ctx.uow() as uow:  # the "after" figures come from a rolled-back deletion
                return retention.statistics_preview(uow, ids, today)
        return work

    def _show(self, preview: Preview) -> None:
        self.preview = preview
        self.preview_text.setPlainText(preview.summary())

    def show_preview(self) -> None:
        self._in_background("Vorschau wird berechnet …", self._preview_work(self.selected_ids()), self._show)

    def erase(self) -> None:
        self._in_background("Vorschau wird berechnet …", self._preview_work(self.selected_ids()), self._ask_and_erase)

    def _ask_and_erase(self, preview: Preview) -> None:
        self._show(preview)
        if not preview.persons:
            self.error.say("Keine der ausgewählten Personen ist (noch) zur Löschung fällig.")
            return
        n, records = len(preview.persons), preview.records
        what = f"{_persons(n)} mit {number_de(records)} verknüpften Einträgen" if records else _persons(n)
        text = (f"{what} endgültig löschen?\n\n{preview.summary()}\n\nAbgeschlossene Jahre werden vorher "
                "eingefroren, ihre berichteten Zahlen bleiben. Die Löschung wird ohne Namen (nur mit Nummern) "
                "im Löschjournal vermerkt und gilt auch, wenn eine ältere Sicherung zurückgespielt wird. "
                "Das lässt sich nicht rückgängig machen.")
        if not confirm(self, "Personen endgültig löschen?", text, f"{_persons(n)} löschen"):
            return
        ids, today = [p.id for p in preview.persons], self.ctx.today()

        def work() -> int:
            with self.ctx.uow() as uow:
                return retention.erase_due(uow, ids, today)

        self._in_background("Personen werden gelöscht …", work, lambda erased: self._erased(n, erased))

    def _erased(self, n: int, erased: int) -> None:
        kept = n - erased
        line = f"{_persons(erased)} gelöscht."
        if kept:
            line += (f" {_persons(kept)} {'hatte' if kept == 1 else 'hatten'} inzwischen wieder Kontakt "
                     f"und {'bleibt' if kept == 1 else 'bleiben'}.")
        self.preview = None
        self.preview_text.clear()
        self.view.clearSelection()
        self.ctx.notify("persons")
        if not self.isVisible():
            self.reload()
        self.result.setText(line)
        self.result.show()

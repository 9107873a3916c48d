"""Einstellungen › Protokoll: the audit log — what happened when to which record (its kind and
number), filtered by days, action, Bereich and record number, paged from SQL, exported as
shown. It holds ids and actions only, never names or values, and says so."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import audit
from kuemmerer.services.audit import AuditQuery, AuditRow

from ..context import AppContext
from ..formatting import number_de
from ..models import Column, PagedModel
from ..widgets import DateField, ErrorLine, LazyReloadWidget, refill_combo
from .tables import table_view

SORT_COLUMN = 1  # Zeitpunkt

AUDIT_COLUMNS = [
    Column("Nr.", lambda r: str(r.id), align_right=True),
    Column("Zeitpunkt", lambda r: r.at_text, sort="at"),
    Column("Aktion", lambda r: r.action_label),
    Column("Bereich", lambda r: r.entity_label),
    Column("Datensatz-Nr.", lambda r: "" if r.entity_id is None else str(r.entity_id), align_right=True),
]

ALL_ACTIONS = "Alle Aktionen"
ALL_ENTITIES = "Alle Bereiche"


class AuditLogTab(LazyReloadWidget):
    """The Protokoll tab. Filters apply as she types (dates) or picks (boxes); a filter the
    service refuses shows its German message and an empty list until it is fixed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.query: AuditQuery | None = AuditQuery()  # None while the typed filter is invalid
        self._stale = True  # read when first shown (Einstellungen opens on another tab)

        note = QLabel(audit.PRIVACY_NOTE + " Personen erscheinen nur mit ihrer Nummer; gelöschte Daten "
                      "lassen sich hieraus nicht wiederherstellen.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        self.date_from = DateField(placeholder="von")
        self.date_to = DateField(placeholder="bis")
        for field, tip in ((self.date_from, "Erster Tag (leer: von Anfang an)"),
                           (self.date_to, "Letzter Tag, einschließlich (leer: bis heute)")):
            field.setMaximumWidth(140)
            field.edit.setAccessibleName(tip)
            field.edit.setToolTip(f"{tip} – z. B. 16.12.2026, 16.12., heute, gestern")
        self.action = QComboBox()
        self.action.setAccessibleName("Aktion")
        self.action.addItem(ALL_ACTIONS, None)
        for value, label in audit.actions():
            self.action.addItem(label, value)
        self.entity = QComboBox()
        self.entity.setAccessibleName("Bereich")
        self.entity.addItem(ALL_ENTITIES, None)
        self.entity.setMinimumContentsLength(14)
        self.entity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.entity_id = QLineEdit()
        self.entity_id.setPlaceholderText("Datensatz-Nr.")
        self.entity_id.setAccessibleName("Datensatz-Nr.")
        self.entity_id.setToolTip("Nur die Einträge zu diesem Datensatz (z. B. Person Nr. 17: Bereich "
                                  "„Person“ und 17)")
        self.entity_id.setClearButtonEnabled(True)
        self.entity_id.setMaximumWidth(120)
        self.reset_button = QPushButton("Zurücksetzen")
        self.reset_button.setToolTip("Alle Filter leeren")
        self.count_label = QLabel()
        self.export_button = QPushButton("Exportieren…")
        self.export_button.setToolTip("Das Protokoll, so wie es gefiltert ist, als Excel-Datei speichern")
        self.error = ErrorLine(self)

        self.model = PagedModel(AUDIT_COLUMNS, self._count, self._fetch, self._sort, self)
        self.view = table_view(self.model, stretch=3)
        self.view.setAccessibleName("Protokoll")
        self.view.setSortingEnabled(False)
        header = self.view.horizontalHeader()
        for column, width in ((0, 70), (1, 150), (2, 230), (4, 110)):
            header.resizeSection(column, width)
        header.setSortIndicator(SORT_COLUMN, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.view.setSortingEnabled(True)
        self.view.doubleClicked.connect(lambda index: self.show_record(self.model.row_at(index.row())))
        self.view.setToolTip("Doppelklick: nur die Einträge dieses Datensatzes zeigen")

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filter)
        self.date_from.edited.connect(self._debounce.start)
        self.date_to.edited.connect(self._debounce.start)
        self.entity_id.textEdited.connect(lambda _t: self._debounce.start())
        self.action.activated.connect(lambda _i: self.apply_filter())
        self.entity.activated.connect(lambda _i: self.apply_filter())
        self.reset_button.clicked.connect(self.reset_filters)
        self.export_button.clicked.connect(self.export)
        self.model.modelReset.connect(self._show_count)

        filters = QHBoxLayout()
        for caption, widget in (("&Von:", self.date_from), ("b&is:", self.date_to), ("A&ktion:", self.action),
                                ("Be&reich:", self.entity), ("&Nr.:", self.entity_id)):
            buddy = QLabel(caption)
            buddy.setBuddy(widget)
            filters.addWidget(buddy)
            filters.addWidget(widget, 1 if isinstance(widget, QComboBox) else 0)
        filters.addWidget(self.reset_button)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        ctx.changed.connect(self._data_changed)

    # -- data ---------------------------------------------------------------------------
    def _count(self) -> int:
        if self.query is None:
            return 0
        with self.ctx.uow(read_only=True) as uow:
            return audit.count(uow, self.query)

    def _fetch(self, offset: int, limit: int) -> list[AuditRow]:
        if self.query is None:
            return []
        with self.ctx.uow(read_only=True) as uow:
            return audit.page(uow, self.query, offset, limit)

    def _sort(self, _key: str, descending: bool) -> None:
        if self.query is not None:
            self.query = AuditQuery(self.query.date_from, self.query.date_to, self.query.action,
                                    self.query.entity, self.query.entity_id, descending)

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        """Only the time sorts (the log's own order): a click elsewhere keeps the arrow there."""
        if AUDIT_COLUMNS[column].sort is None:
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(SORT_COLUMN, Qt.SortOrder.DescendingOrder if self._descending()
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    def _descending(self) -> bool:
        return self.query.descending if self.query is not None else self._wanted_descending()

    def _wanted_descending(self) -> bool:
        return self.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def _typed_query(self) -> AuditQuery:
        return AuditQuery(self.date_from.text() or None, self.date_to.text() or None, self.action.currentData(),
                          self.entity.currentData(), self.entity_id.text().strip() or None,
                          self._wanted_descending())

    def apply_filter(self) -> bool:
        """Read the filters; True if the service accepted them (the list then shows them)."""
        self._debounce.stop()
        query = self._typed_query()
        try:
            audit.check(query)
        except ValidationError as exc:
            self.query = None
            self.error.say(" ".join(exc.errors.values()))
            self.model.reload()
            return False
        self.error.hide()
        self.query = query
        self.model.reload()
        return True

    def reset_filters(self) -> None:
        for field in (self.date_from, self.date_to):
            field.set_date(None)
        self.entity_id.clear()
        self.action.setCurrentIndex(0)
        self.entity.setCurrentIndex(0)
        self.apply_filter()

    def show_record(self, row: AuditRow | None) -> None:
        """Only the events of ``row``'s record (its Bereich and number)."""
        if row is None or row.entity_id is None:
            return
        self._fill_entities()
        index = self.entity.findData(row.entity)
        if index < 0:
            return
        self.entity.setCurrentIndex(index)
        self.entity_id.setText(str(row.entity_id))
        self.apply_filter()

    def _fill_entities(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            found = audit.entities(uow)
        refill_combo(self.entity, [(ALL_ENTITIES, None), *((label, key) for key, label in found)])

    def reload(self) -> None:
        """Read the log again (every write adds to it), keeping the filters."""
        self._stale = False
        if not self.ctx.available:
            return
        self._fill_entities()
        self.apply_filter()

    def _data_changed(self, _what: str) -> None:
        if self.ctx.available:
            super()._data_changed(_what)

    def _show_count(self) -> None:
        if self.query is None:
            self.count_label.setText("Bitte den Filter berichtigen – bis dahin werden keine Einträge gezeigt.")
            self.export_button.setEnabled(False)
            return
        n = self.model.total
        filtered = self.query != AuditQuery(descending=self.query.descending)
        what = f"{number_de(n)} {'Eintrag' if n == 1 else 'Einträge'}"
        self.count_label.setText(f"{what} (gefiltert)" if filtered else what)
        self.export_button.setEnabled(True)

    # -- export -----------------------------------------------------------------------------
    def export(self):
        """„Exportieren…“: the rows as shown (filters and order) into an Excel file she picks,
        written in the background; returns the ``ExportRun`` (None: nothing to do)."""
        from .. import export_actions

        if not self.apply_filter() or self.query is None:
            return None
        query = self.query
        today = self.ctx.today()
        target = export_actions.ask_path(self, "Protokoll als Excel-Datei speichern", audit.file_name(today))
        if target is None:
            return None
        ctx = self.ctx

        def work(progress, cancelled) -> int:
            from kuemmerer.exports import xlsx

            with ctx.uow(read_only=True) as uow:
                source = audit.export(uow, query, today=today)
                progress(0, source.total)
                return xlsx.save_table(target, source, progress=progress, cancelled=cancelled)

        def done(rows: int) -> None:
            export_actions.Notice.show(self, "Exportiert", f"Protokoll: {number_de(rows)} "
                                       f"{'Zeile' if rows == 1 else 'Zeilen'} gespeichert in\n{target}")

        return export_actions.ExportRun(self, "Protokoll wird exportiert …", work, done)

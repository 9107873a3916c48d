"""What the big list sections share: a search field that filters as you type, filter
boxes, a paged SQL list that sorts by clicking a header, and a detail pane."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget

from ..context import AppContext
from ..models import ID_ROLE, Column, PagedModel
from .tables import table_view

_UNSET = object()


class ListPage(QWidget):
    """Subclasses supply ``_count``, ``_fetch``, ``_sort``, ``_apply_filter``,
    ``show_detail(id | None)`` and ``count_text(n)``; they call ``finish_layout``. A list that
    can be exported names its kind in ``EXPORT_KIND`` (services.exports.KINDS), keeps its
    filter and sort in ``self.query`` and puts ``export_button`` into its bar. A list whose
    ``_fetch`` brings only ids sets ``LAZY_ROWS`` and supplies ``_fill(ids)``: the rows are
    then filled as they are painted (``PagedModel`` ``fill``)."""

    EXPORT_KIND: str | None = None
    LAZY_ROWS = False

    def __init__(self, ctx: AppContext, columns: Sequence[Column], *, placeholder: str,
                 stretch: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.model = PagedModel(columns, self._count, on_sort=self._sort, parent=self, fetch_after=self._fetch,
                                fill=self._fill if self.LAZY_ROWS else None)
        self.view = table_view(self.model, stretch=stretch)
        self.view.setSortingEnabled(False)  # enabled in finish_layout, after the subclass set its query
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_current(cur))
        self.model.modelReset.connect(lambda: self.count_label.setText(self.count_text(self.model.total)))
        self._shown = _UNSET
        # search as she types: the first keystroke of a burst is answered at once, the ones that
        # follow within a moment wait at most DEBOUNCE_MS for the next (issue 12 §3)
        self._debounce = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS)
        self._debounce.timeout.connect(self._debounced)
        self._since_keystroke = QElapsedTimer()
        self.search.textChanged.connect(self._search_typed)
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        ctx.changed.connect(self._data_changed)
        self.export_button = QPushButton("Exportieren…")
        self.export_button.setToolTip("Die Liste, so wie sie gefiltert und sortiert ist, als Excel-Datei speichern")
        self.export_button.clicked.connect(self.export)

    def finish_layout(self, top: Sequence[tuple[QWidget, int]], detail: QWidget, sizes: tuple[int, int],
                      sort_column: int, sort_order: Qt.SortOrder) -> None:
        bar = QHBoxLayout()
        for widget, stretch in top:
            bar.addWidget(widget, stretch)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes(list(sizes))
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.view.horizontalHeader().setSortIndicator(sort_column, sort_order)
        self.view.setSortingEnabled(True)  # sorts (and so loads) once

    DEBOUNCE_MS = 30
    BURST_MS = 250  # keystrokes closer than this belong to one burst

    def _search_typed(self, _text: str) -> None:
        first = not self._since_keystroke.isValid() or self._since_keystroke.elapsed() > self.BURST_MS
        self._since_keystroke.restart()
        if first and not self._debounce.isActive():
            self._debounced()
        else:
            self._debounce.start()

    # -- to be supplied -------------------------------------------------------------
    def _debounced(self) -> None:
        if self.ctx.available:  # a search typed just before the file was closed is dropped
            self._apply_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _count(self) -> int:
        raise NotImplementedError

    def _fetch(self, after, limit: int) -> list:
        """The ``limit`` rows after the cursor ``after`` (None: the first page), as a
        services.listing Page (keyset paging: its ``cursor`` is passed back for the next)."""
        raise NotImplementedError

    def _fill(self, ids: list[int]) -> list:
        """With ``LAZY_ROWS``: the rows of ``ids`` (any order; ids no longer there left out)."""
        raise NotImplementedError

    def _sort(self, key: str, descending: bool) -> None:
        raise NotImplementedError

    def _apply_filter(self) -> None:
        raise NotImplementedError

    def show_detail(self, ident: int | None) -> None:
        raise NotImplementedError

    def count_text(self, n: int) -> str:
        raise NotImplementedError

    def _data_changed(self, what: str) -> None:
        self.reload()

    # -- shared ---------------------------------------------------------------------------
    def export(self) -> None:
        """„Exportieren…“: the rows as shown (current filter and sort) into an Excel file."""
        if self.EXPORT_KIND is None:
            return
        if self._debounce.isActive():  # a search typed a moment ago counts
            self._debounce.stop()
            self._apply_filter()
        from .. import export_actions

        export_actions.export_list(self, self.ctx, self.EXPORT_KIND, getattr(self, "query", None))

    def current_id(self) -> int | None:
        return self._id_at(self.view.currentIndex())

    def _id_at(self, index: QModelIndex) -> int | None:
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def _on_current(self, index: QModelIndex) -> None:
        ident = self._id_at(index)
        self._shown = ident
        self.show_detail(ident)

    def reload(self, keep_id: int | None = None) -> None:
        """Re-run the query; keep the selected record selected (and its detail fresh)."""
        keep_id = keep_id if keep_id is not None else self.current_id()
        self.model.reload()
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        self._shown = _UNSET
        if row >= 0:
            self.view.selectRow(row)
            if self._shown != keep_id:
                self._on_current(self.model.index(row, 0))
        else:
            self.view.clearSelection()
            self.show_detail(None)

    def reveal(self, ident: int, clear_filters) -> None:
        """Select ``ident``; if the filters hide it, clear them (``clear_filters()``) and
        fetch pages until the row is there."""
        if self.model.row_of_id(ident) < 0:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            clear_filters()
            self.model.reload()
            while self.model.row_of_id(ident) < 0 and self.model.canFetchMore():
                self.model.fetchMore()
        row = self.model.row_of_id(ident)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
            if self._shown != ident:
                self._on_current(self.model.index(row, 0))

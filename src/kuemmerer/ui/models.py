"""Qt item models over DTOs: small lists in memory, big lists paged lazily from SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, QPersistentModelIndex, Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: str | None = None  # sort key name the query understands (paged) / None = not sortable
    align_right: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    sort_value: Callable[[Any], Any] | None = None  # for in-memory sorting


def german_collator() -> QCollator:
    collator = QCollator(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    return collator


class RowsBase(QAbstractTableModel):
    """Rows in memory shown through ``Column`` s (their text, tooltip, alignment, id); a
    subclass may bring columns that can do more (the meeting dialog's check boxes)."""

    def __init__(self, columns: Sequence[Any], parent=None):
        super().__init__(parent)
        self.columns: list[Any] = list(columns)
        self.rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == ID_ROLE:
            return getattr(row, "id", None)
        if role == ROW_ROLE:
            return row
        return None

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def forget(self) -> None:
        """Drop every row from memory (the window locks); the page reloads after unlocking."""
        self.beginResetModel()
        self.rows = []
        if hasattr(self, "total"):
            self.total = 0
        self.endResetModel()

    def row_of_id(self, ident: int) -> int:
        return next((i for i, r in enumerate(self.rows) if getattr(r, "id", None) == ident), -1)


class RowsModel(RowsBase):
    """A short list held in memory (dashboard, tabs). Sorts in German order."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None):
        super().__init__(columns, parent)
        self.rows = list(rows)
        self._collator = german_collator()

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        spec = self.columns[column]

        def key(row):
            if spec.sort_value is not None:
                value = spec.sort_value(row)
                return (value is None, value if value is not None else 0)
            return (False, self._collator.sortKey(spec.text(row)))

        self.layoutAboutToBeChanged.emit()
        old = list(self.rows)
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._fix_persistent(old)
        self.layoutChanged.emit()

    def _fix_persistent(self, old: list) -> None:
        positions = {id(r): i for i, r in enumerate(self.rows)}
        for idx in self.persistentIndexList():
            new_row = positions[id(old[idx.row()])]
            self.changePersistentIndex(idx, self.index(new_row, idx.column()))


class _Gone:
    """A row whose record was deleted after the list fetched its id: blank until the list reloads."""

    __slots__ = ("id",)

    def __init__(self, ident: int):
        self.id = ident


class PagedModel(RowsBase):
    """A big list fetched in pages from SQL as the view scrolls (canFetchMore/fetchMore).

    ``count()`` and ``fetch_after(after, limit)`` are supplied by the page and go through the
    services: ``after`` is None for the first page, else the ``cursor`` of the page fetched
    last (the sort key of its last row, keyset paging) or, if the fetch returns a plain list,
    the last row itself. ``fetch(offset, limit)`` (OFFSET paging) is still understood. The
    further she scrolls, the more rows one fetch brings (up to MAX_PAGE), so dragging the
    scroll bar to the end of 100,000 rows takes a few dozen fetches, not 500. Sorting asks
    ``on_sort(sort_key, descending)`` to change the query and then ``reload()``s —
    filtering, sorting and paging all happen in SQL.

    With ``fill(ids) -> rows`` the fetches bring only ids (ints), and a row is filled when
    it is first asked for (painted, selected, exported): the ids of its block of FILL_BLOCK
    rows go to ``fill`` in one call. Scrolling to the end of 100,000 persons then reads the
    sort's index, not 100,000 rows with their figures. The id of a row (``ID_ROLE``,
    ``row_of_id``) never needs a fill.
    """

    PAGE = 200
    MAX_PAGE = 2000
    MAX_IDS_PAGE = 20_000  # with ``fill``: a fetch of ids reads no row, so it may grow further
    FILL_BLOCK = 100

    def __init__(self, columns: Sequence[Column], count: Callable[[], int],
                 fetch: Callable[[int, int], list] | None = None,
                 on_sort: Callable[[str, bool], None] | None = None, parent=None, *,
                 fetch_after: Callable[[Any, int], list] | None = None,
                 fill: Callable[[list[int]], Sequence[Any]] | None = None):
        super().__init__(columns, parent)
        if (fetch is None) == (fetch_after is None):
            raise TypeError("PagedModel needs either fetch or fetch_after")
        self._count = count
        self._fetch = fetch
        self._fetch_after = fetch_after
        self._fill = fill
        self._on_sort = on_sort
        self._cursor: Any = None
        self.total = 0

    def _get(self, limit: int) -> list:
        """The ``limit`` rows after those the model has."""
        if self._fetch_after is None:
            assert self._fetch is not None
            return self._fetch(len(self.rows), limit)
        more = self._fetch_after(self._cursor if self.rows else None, limit)
        if more:
            self._cursor = getattr(more, "cursor", None) or more[-1]
        return more

    def _filled(self, row: int) -> Any:
        """Row ``row``, filled (with the rest of its block) if only its id is there yet."""
        item = self.rows[row]
        if type(item) is not int or self._fill is None:
            return item
        start = row - row % self.FILL_BLOCK
        block = self.rows[start:start + self.FILL_BLOCK]
        found = {r.id: r for r in self._fill([i for i in block if type(i) is int])}
        for n, i in enumerate(block, start):
            if type(i) is int:
                self.rows[n] = found.get(i) or _Gone(i)
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        item = self.rows[index.row()]
        if self._fill is not None and type(item) is int:
            if role == ID_ROLE:
                return item
            if role == Qt.ItemDataRole.TextAlignmentRole:  # the column's, no row needed
                return super().data(index, role)
            if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE):
                return None
            item = self._filled(index.row())
        if type(item) is _Gone:
            return item.id if role == ID_ROLE else None
        return super().data(index, role)

    def row_at(self, row: int) -> Any:
        if not 0 <= row < len(self.rows):
            return None
        item = self._filled(row)
        return None if type(item) is _Gone else item

    def row_of_id(self, ident: int) -> int:
        return next((n for n, r in enumerate(self.rows) if (r if type(r) is int else getattr(r, "id", None)) == ident),
                    -1)

    def page_size(self) -> int:
        """Rows the next fetch asks for: a page, growing by half of what she has scrolled through
        (fewer fetches matter most for the sorts by a figure, whose every page costs a pass
        over the list)."""
        most = self.MAX_PAGE if self._fill is None else self.MAX_IDS_PAGE
        return max(self.PAGE, min(most, len(self.rows) // 2))

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._cursor = None
        self.total = self._count()
        self.rows = self._get(self.PAGE) if self.total else []
        self.endResetModel()

    def forget(self) -> None:
        self._cursor = None
        super().forget()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._get(self.page_size())
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self._on_sort is None:
            return
        key = self.columns[column].sort
        if key is None:
            return
        self._on_sort(key, order == Qt.SortOrder.DescendingOrder)
        self.reload()

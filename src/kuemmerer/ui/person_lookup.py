"""The person look-up of the quick capture, for any name field: typing searches (folded:
"Muller" and "Mueller" find "Müller"), a list below shows every hit with birth year,
district and street (``PersonHitModel``, fetched page by page) and last "+ Neue Person
anlegen: …"; ↓ goes into the list, Enter picks, typing in the list goes on in the field.

The quick capture (``dialogs/quick_capture.py``), the sign-in sheet (``dialogs/sign_in.py``)
and any other name field use this one look-up; there is no second copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QListView

from kuemmerer.services import listing
from kuemmerer.services.listing import PersonMatch

from .context import AppContext

__all__ = ["CHOICE_ROLE", "EXISTING", "NEW", "PersonHitModel", "PersonLookup", "new_person_label",
           "split_new_name"]

NEW = "new"
EXISTING = "person"
CHOICE_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex


def split_new_name(text: str) -> tuple[str, str | None]:
    """"Müller, Anna" → ("Müller", "Anna"); "Anna Müller" → ("Müller", "Anna"); "Müller" → ("Müller", None)."""
    text = " ".join(text.split())
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return last, first or None
    words = text.split(" ")
    if len(words) == 1:
        return words[0], None
    return words[-1], " ".join(words[:-1])


def new_person_label(last: str, first: str | None) -> str:
    return f"{last}, {first}" if first else last


class PersonHitModel(QAbstractListModel):
    """Every person the typed name finds (counted and fetched page by page in SQL as the
    list scrolls), then one last line "+ Neue Person anlegen: …"."""

    PAGE = 50

    def __init__(self, count: Callable[[str], int], fetch: Callable[[str, int, int], Sequence[PersonMatch]],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._count = count
        self._fetch = fetch
        self.search = ""
        self.total = 0
        self._pages: dict[int, list[PersonMatch]] = {}
        self._new: tuple[str, str | None] | None = None

    def set_search(self, text: str) -> None:
        self.beginResetModel()
        self.search = " ".join(text.replace(",", " ").split())  # "Müller, Anna" as shown in the list
        self._pages = {}
        self.total = self._count(self.search) if self.search else 0
        self._new = split_new_name(text) if self.search else None
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._new is None:
            return 0
        return self.total + 1

    def match_at(self, row: int) -> PersonMatch | None:
        if not 0 <= row < self.total:
            return None
        page = row // self.PAGE
        if page not in self._pages:
            self._pages[page] = list(self._fetch(self.search, page * self.PAGE, self.PAGE))
        rows = self._pages[page]
        offset = row - page * self.PAGE
        return rows[offset] if offset < len(rows) else None

    def new_row(self) -> int:
        return self.total if self._new is not None else -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.column() != 0 or not 0 <= index.row() < self.rowCount():
            return None
        if index.row() == self.total:  # the "new person" line
            last, first = self._new or ("", None)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"+ Neue Person anlegen: {new_person_label(last, first)}"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == CHOICE_ROLE:
                return (NEW, (last, first), new_person_label(last, first))
            return None
        match = self.match_at(index.row())
        if match is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return match.line
        if role == Qt.ItemDataRole.ToolTipRole:
            return match.label
        if role == CHOICE_ROLE:
            return (EXISTING, match.id, match.name)
        return None

    def hits_text(self) -> str:
        if self._new is None:
            return ""
        if self.total == 0:
            return "Keine Treffer – mit ↓ und Enter als neue Person anlegen"
        return f"{self.total} Treffer – mit ↓ in die Liste, Enter übernimmt"


Choice = tuple  # (EXISTING, person id, name) or (NEW, (last name, first name), label)


class PersonLookup(QObject):
    """Binds a name field and a list view to one ``PersonHitModel``.

    ``picked(choice)``: she chose a line (Enter in the field or the list, or a click);
    ``current_changed(choice | None)``: the line Enter would take now (the first hit after
    each key); ``searched(text)``: the list now shows the hits for ``text`` (typed or set
    with ``search``). Keys the owner wants for itself can be taken by an event filter installed
    on the field after this object is made (filters installed later run first)."""

    picked = Signal(object)
    current_changed = Signal(object)
    searched = Signal(str)

    def __init__(self, ctx: AppContext, field: QLineEdit, view: QListView, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.field = field
        self.view = view
        self.model = PersonHitModel(self._count, self._fetch, self)
        view.setModel(self.model)
        view.setUniformItemSizes(True)  # only the shown lines are fetched
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.selectionModel().currentChanged.connect(lambda *_: self.current_changed.emit(self.current()))
        view.clicked.connect(self.pick)
        field.textEdited.connect(self.search)
        field.installEventFilter(self)
        view.installEventFilter(self)

    # -- searching -----------------------------------------------------------------------
    def _count(self, search: str) -> int:
        with self.ctx.uow(read_only=True) as uow:
            return listing.count_person_matches(uow, search)

    def _fetch(self, search: str, offset: int, limit: int) -> list[PersonMatch]:
        with self.ctx.uow(read_only=True) as uow:
            return listing.person_match_page(uow, search, offset, limit)

    def search(self, text: str) -> None:
        """Show the hits for ``text`` with the first one current (what Enter takes)."""
        self.model.set_search(text)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))
        self.current_changed.emit(self.current())
        self.searched.emit(text)

    def clear(self) -> None:
        self.field.clear()
        self.search("")

    def current(self) -> Choice | None:
        index = self.view.currentIndex()
        return index.data(CHOICE_ROLE) if index.isValid() else None

    def pick(self, index: QModelIndex | None = None) -> None:
        index = self.view.currentIndex() if index is None else index
        if index.isValid():
            self.picked.emit(index.data(CHOICE_ROLE))

    # -- keys ------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress or not self.model.rowCount():
            return super().eventFilter(obj, event)
        key = event.key()
        if obj is self.field:
            if key == Qt.Key.Key_Down:  # into the list, one line further
                row = self.view.currentIndex().row()
                self.view.setCurrentIndex(self.model.index(min(row + 1, self.model.rowCount() - 1)))
                self.view.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pick()
                return True
        elif obj is self.view:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pick()
                return True
            if key == Qt.Key.Key_Up and self.view.currentIndex().row() <= 0:
                self.field.setFocus()
                return True
            typed = event.text()
            if (typed and typed.isprintable() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier) \
                    or key == Qt.Key.Key_Backspace:
                # typing goes on in the name field, never into the list's own search
                self.field.setFocus()
                QApplication.sendEvent(self.field, QKeyEvent(event.type(), key, event.modifiers(), typed))
                return True
        return super().eventFilter(obj, event)

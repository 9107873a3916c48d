"""The person look-up of the quick capture, for any name field: typing searches (folded:
"Muller" and "Mueller" find "Müller"), a list below shows every hit with birth year,
district and street (``PersonHitModel``, fetched page by page) and last "+ Neue Person
anlegen: …"; ↓ goes into the list, Enter picks, typing in the list goes on in the field.

The model and the name helpers still live in ``dialogs/quick_capture.py``; this module
gives them a home for a second user (the sign-in sheet) without a second copy."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QListView

from kuemmerer.services import listing
from kuemmerer.services.listing import PersonMatch

from .context import AppContext
from .dialogs.quick_capture import (
    CHOICE_ROLE,
    EXISTING,
    NEW,
    PersonHitModel,
    new_person_label,
    split_new_name,
)

__all__ = ["CHOICE_ROLE", "EXISTING", "NEW", "PersonHitModel", "PersonLookup", "new_person_label",
           "split_new_name"]

Choice = tuple  # (EXISTING, person id, name) or (NEW, (last name, first name), label)


class PersonLookup(QObject):
    """Binds a name field and a list view to one ``PersonHitModel``.

    ``picked(choice)``: she chose a line (Enter in the field or the list, or a click);
    ``current_changed(choice | None)``: the line Enter would take now (the first hit after
    each key). Keys the owner wants for itself can be taken by an event filter installed
    on the field after this object is made (filters installed later run first)."""

    picked = Signal(object)
    current_changed = Signal(object)

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

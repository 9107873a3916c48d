"""Sprechstunde: einen Besuch in Sekunden erfassen – mit Namen oder anonym."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import AgeBand
from kuemmerer.services import desk, listing
from kuemmerer.services.desk import WalkIn
from kuemmerer.services.listing import PersonMatch

from ..context import AppContext
from ..formatting import date_de
from ..widgets import DateField, FieldForm, GuardedDialog, combo, confirm, confirm_frozen_write
from .person import district_items, gender_items
from .request import category_items

NEW = "new"
EXISTING = "person"
CHOICE_ROLE = Qt.ItemDataRole.UserRole
VISIBLE_ROWS = 8  # the list shows this many lines, then scrolls

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


class QuickCaptureDialog(GuardedDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "Sprechstunde – Besuch erfassen")
        self.ctx = ctx
        self.result_walk_in: WalkIn | None = None
        self.buttons.button(self.buttons.StandardButton.Save).setText("Speichern (Enter)")
        f = self.form = FieldForm(self)
        f.add_row("Datum:", QLabel(f"<b>heute, {date_de(ctx.today())}</b>"))

        person_box = QWidget()
        col = QVBoxLayout(person_box)
        col.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name tippen – vorhandene Person wählen oder neue anlegen")
        self.search.setClearButtonEnabled(True)
        self.anonymous = QCheckBox("anonym")
        self.anonymous.setToolTip("Nur zählen: Stadtgebiet, Geschlecht und Altersgruppe, kein Name")
        row.addWidget(self.search, 1)
        row.addWidget(self.anonymous)
        col.addLayout(row)
        self.hits = QLabel()
        self.hits.setStyleSheet("color: #555;")
        self.hits.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        col.addWidget(self.hits)
        self.model = PersonHitModel(self._count_matches, self._fetch_matches, self)
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setUniformItemSizes(True)  # only the shown lines are fetched
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        col.addWidget(self.results)
        self.chosen = QLabel()
        self.chosen.setStyleSheet("color: #0b5394; font-weight: bold;")
        self.chosen.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        col.addWidget(self.chosen)
        f.add("person", "Person", person_box, required=True)

        self.district = f.add("district_id", "Stadtgebiet", combo(district_items(ctx)))
        self.gender = f.add("gender", "Geschlecht", combo(gender_items()))
        self.age_band = f.add("age_band", "Altersgruppe", combo(
            [(AgeBand.UNKNOWN.label, AgeBand.UNKNOWN.value),
             *((a.label, a.value) for a in AgeBand if a is not AgeBand.UNKNOWN)]))
        self.category = f.add("category_id", "Thema", combo(category_items(ctx)))
        self.note = f.add("note", "Notiz", QLineEdit())
        self.note.setPlaceholderText("kurz: worum ging es? (Enter speichert)")
        self.open_request = QCheckBox("Anliegen eröffnen")
        f.add_row("", self.open_request)
        self.request_title = f.add("request_title", "Titel des Anliegens", QLineEdit())
        self.request_title.setPlaceholderText("leer = Thema als Titel")
        self.follow_up = f.add("follow_up_on", "Wiedervorlage", DateField())

        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self._set_tab_order()

        self.search.textEdited.connect(self._search_changed)
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.clicked.connect(self._pick)
        self.anonymous.toggled.connect(self._update_visibility)
        self.open_request.toggled.connect(self._update_visibility)
        self.watch(self.search, self.anonymous, self.category, self.note, self.open_request,
                   self.request_title, self.follow_up, self.district, self.gender, self.age_band)
        self._choice: tuple[str, object] | None = None
        self._update_visibility()
        self.search.setFocus()

    def _set_tab_order(self) -> None:
        """Tab goes the way the eye reads, for every variant (named, new person, anonymous):
        hidden or disabled fields drop out of the chain by themselves."""
        save = self.buttons.button(self.buttons.StandardButton.Save)
        cancel = self.buttons.button(self.buttons.StandardButton.Cancel)
        chain = [self.search, self.anonymous, self.results, self.district, self.gender, self.age_band,
                 self.category, self.note, self.open_request, self.request_title, self.follow_up.edit,
                 save, cancel]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    # -- hooks tests answer ----------------------------------------------------------------
    @classmethod
    def ask_create_namesake(cls, parent: QWidget, name: str, namesakes: Sequence[PersonMatch]) -> bool:
        """There are persons of that name already: create another one anyway?"""
        shown = "\n".join(f"• {m.line}" for m in namesakes[:VISIBLE_ROWS])
        more = len(namesakes) - VISIBLE_ROWS
        if more > 0:
            shown += f"\n… und {more} weitere"
        who = "eine Person" if len(namesakes) == 1 else f"{len(namesakes)} Personen"
        return confirm(parent, "Namensgleiche Person",
                       f"Es gibt schon {who} namens {name}:\n\n{shown}\n\n"
                       "Ist es wirklich jemand anderes? Dann legen Sie eine neue Person an; "
                       "sonst wählen Sie die vorhandene aus der Liste.",
                       "Trotzdem neu anlegen", "Vorhandene wählen")

    # -- choosing the person ------------------------------------------------------
    def _count_matches(self, search: str) -> int:
        with self.ctx.uow(read_only=True) as uow:
            return listing.count_person_matches(uow, search)

    def _fetch_matches(self, search: str, offset: int, limit: int) -> list[PersonMatch]:
        with self.ctx.uow(read_only=True) as uow:
            return listing.person_match_page(uow, search, offset, limit)

    def _search_changed(self, text: str) -> None:
        self._choice = None
        self.chosen.clear()
        self.model.set_search(text)
        if self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0))
        self._update_visibility()

    def _pick(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        kind, value, name = index.data(CHOICE_ROLE)
        if kind == NEW:
            last, first = value
            with self.ctx.uow(read_only=True) as uow:
                same = listing.namesakes(uow, last, first)
            if same and not self.ask_create_namesake(self, " ".join(p for p in (first, last) if p), same):
                self._show_namesakes(same, last)
                return
        self._choice = (kind, value)
        self.chosen.setText(("Neue Person: " if kind == NEW else "Gewählt: ") + name)
        self.model.set_search("")
        self.mark_dirty()
        self._update_visibility()
        (self.district if kind == NEW else self.category).setFocus()

    def _show_namesakes(self, same: Sequence[PersonMatch], last_name: str) -> None:
        """She said "choose the existing one": the list, with the first namesake selected
        (searching by the last name alone if the typed name did not list them all)."""
        rows = self._rows_of(same)
        if len(rows) < len(same):
            self.search.setText(last_name)
            self._search_changed(last_name)
            rows = self._rows_of(same)
        if rows:
            self.results.setCurrentIndex(self.model.index(rows[0]))
        self.results.setFocus()

    def _rows_of(self, matches: Sequence[PersonMatch]) -> list[int]:
        wanted = {m.id for m in matches}
        return [row for row in range(self.model.total)
                if (m := self.model.match_at(row)) is not None and m.id in wanted]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress or not self.model.rowCount():
            return super().eventFilter(obj, event)
        key = event.key()
        if obj is self.search:
            if key == Qt.Key.Key_Down:  # into the list, one line further
                row = self.results.currentIndex().row()
                self.results.setCurrentIndex(self.model.index(min(row + 1, self.model.rowCount() - 1)))
                self.results.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick(self.results.currentIndex())
                return True
        elif obj is self.results:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick(self.results.currentIndex())
                return True  # picked, not saved: the walk-in is not finished yet
            if key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                self.search.setFocus()
                return True
            typed = event.text()
            if (typed and typed.isprintable() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier) \
                    or key == Qt.Key.Key_Backspace:
                # typing goes on in the name field, never into the list's own search
                self.search.setFocus()
                QApplication.sendEvent(self.search, QKeyEvent(event.type(), key, event.modifiers(), typed))
                return True
        return super().eventFilter(obj, event)

    def _update_visibility(self) -> None:
        anonymous = self.anonymous.isChecked()
        new_person = self._choice is not None and self._choice[0] == NEW
        listing_shown = not anonymous and self.model.rowCount() > 0
        self.search.setEnabled(not anonymous)
        self.results.setVisible(listing_shown)
        self.hits.setVisible(listing_shown)
        self.hits.setText(self.model.hits_text())
        if listing_shown:
            lines = min(self.model.rowCount(), VISIBLE_ROWS)
            self.results.setFixedHeight(self.results.sizeHintForRow(0) * lines + 2 * self.results.frameWidth() + 2)
        self.chosen.setVisible(not anonymous and bool(self.chosen.text()))
        for name, visible in (("district_id", anonymous or new_person), ("gender", anonymous or new_person),
                              ("age_band", anonymous), ("request_title", self.open_request.isChecked()),
                              ("follow_up_on", self.open_request.isChecked())):
            box = self.form.fields[name].parentWidget()
            assert box is not None, "FieldForm.add puts every field in a box"
            box.setVisible(visible)
            self.form.labels[name].setVisible(visible)
        self.open_request.setEnabled(not anonymous)
        if anonymous and self.open_request.isChecked():
            self.open_request.setChecked(False)
        # the new heights reach the layouts as posted events: apply them before fitting the size
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.adjustSize()

    # -- saving ---------------------------------------------------------------------
    def save(self) -> bool:
        if not confirm_frozen_write(self, self.ctx, self.ctx.today()):
            return False
        with_request = self.open_request.isChecked() and not self.anonymous.isChecked()
        kwargs: dict = {"category_id": self.category.currentData(), "note": self.note.text(),
                        "open_request": with_request,
                        "request_title": self.request_title.text() if with_request else None,
                        "follow_up_on": self.follow_up.text() if with_request else None}
        if self.anonymous.isChecked():
            kwargs.update(anonymous=True, district_id=self.district.currentData(),
                          gender=self.gender.currentData(), age_band=self.age_band.currentData())
        elif self._choice and self._choice[0] == EXISTING:
            kwargs["person_id"] = self._choice[1]
        elif self._choice and self._choice[0] == NEW:
            new_name = self._choice[1]
            assert isinstance(new_name, tuple), "a new person is chosen as (last name, first name)"
            last, first = new_name
            kwargs.update(new_last_name=last, new_first_name=first, district_id=self.district.currentData(),
                          gender=self.gender.currentData())
        ok, self.result_walk_in = self.form.submit(self.ctx, lambda uow: desk.record_walk_in(uow, **kwargs),
                                                   "contacts")
        return ok

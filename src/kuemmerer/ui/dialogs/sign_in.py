"""Teilnehmerliste abtippen: a paper sign-in sheet typed up in one dialog, keyboard only.

One name per row: typing completes against the existing persons (the quick capture's
look-up, folded: "Mueller" finds "Müller"), Enter takes the suggestion and opens the
next row; a name nobody has becomes a "neue Person" in a small form beside the table
(with the duplicate check: "Ist das dieselbe Person?"). Persons already on the list are
shown at the top and a name typed twice is marked "schon eingetragen". Speichern writes
the whole sheet in one transaction (``activities.record_sign_in``): nothing half-written,
and a rejected row is shown at its row with nothing typed lost."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.availability import DAYS
from kuemmerer.domain.dates import DateError, DateKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import activities, lists, persons
from kuemmerer.services.listing import PersonMatch
from kuemmerer.services.validation import parse_date

from ..context import AppContext
from ..formatting import date_de, time_de
from ..person_lookup import EXISTING, NEW, PersonLookup, new_person_label
from ..widgets import ERROR_STYLE, DateField, FieldForm, GuardedDialog, combo, confirm_frozen_write
from .person import district_items

Index = QModelIndex | QPersistentModelIndex
KEEP_NEW = "new"  # the answer "keine dieselbe Person: neu anlegen"
CHOICE_DATA = Qt.ItemDataRole.UserRole

GREY = QColor("#6b6b6b")
BLUE = QColor("#0b5394")
ORANGE = QColor("#a35200")
RED = QColor("#b00020")
TYPING = QColor("#fff7d1")  # the row she is typing in


# --------------------------------------------------------------------------- the rows


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: a person already on the list (``present``), an existing
    person she typed (``person_id``), or a new one (``new``: the values for the service)."""

    typed: str
    label: str
    person_id: int | None = None
    new: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    present: bool = False


@dataclass(frozen=True)
class Status:
    text: str = ""
    color: QColor | None = None
    bold: bool = False
    tooltip: str = ""


def new_row_label(values: dict[str, Any], district: str | None) -> str:
    born = values.get("birth_date")
    parts = [new_person_label(values["last_name"], values.get("first_name")),
             f"geb. {date_de(born)}" if born else None, district]
    return "Neu: " + " · ".join(p for p in parts if p)


def _same_new(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def key(v: dict[str, Any]) -> tuple:
        return ((v["last_name"] or "").casefold(), (v.get("first_name") or "").casefold(), v.get("birth_date"))
    return key(a) == key(b)


class SheetModel(QAbstractTableModel):
    """The sheet as a table: the persons already on the list (grey, at the top), the rows
    she typed, and last the row she is typing in (its name cell holds the name field)."""

    HEADERS = ("Name auf der Liste", "Person", "Hinweis")
    TYPED, PERSON, NOTE = range(3)

    def __init__(self, present: Sequence[SheetRow] = (), parent: QObject | None = None):
        super().__init__(parent)
        self.present = list(present)
        self.rows: list[SheetRow] = []
        self.errors: dict[int, str] = {}  # index into rows -> German message
        self.preview = ""  # what Enter would take, shown in the typing row
        self.input_note = ""
        self._status: list[Status] = []
        self._restatus()

    # -- shape ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.present) + len(self.rows) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def input_row(self) -> int:
        return len(self.present) + len(self.rows)

    def typed_index(self, table_row: int) -> int | None:
        """Index into ``rows`` of a table row she typed; None for the others."""
        i = table_row - len(self.present)
        return i if 0 <= i < len(self.rows) else None

    def table_row(self, typed_index: int) -> int:
        return len(self.present) + typed_index

    def row_at(self, table_row: int) -> SheetRow | None:
        if 0 <= table_row < len(self.present):
            return self.present[table_row]
        i = self.typed_index(table_row)
        return self.rows[i] if i is not None else None

    # -- reading --------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1) if 0 <= section < self.rowCount() else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.row() == self.input_row():  # its own colour shows where she types, never a selection
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount() \
                or not 0 <= index.column() < len(self.HEADERS):
            return None
        row, column = index.row(), index.column()
        if row == self.input_row():
            return self._input_data(column, role)
        sheet_row = self.row_at(row)
        assert sheet_row is not None, "every row above the typing row is a sheet row"
        status = self._status[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.TYPED:
                return sheet_row.typed
            if column == self.PERSON:
                return sheet_row.label
            return status.tooltip or status.text if role == Qt.ItemDataRole.ToolTipRole else status.text
        if role == Qt.ItemDataRole.ForegroundRole:
            if sheet_row.present:
                return GREY
            if column == self.NOTE:
                return status.color
            if column == self.PERSON and sheet_row.new is not None:
                return BLUE
            return None
        if role == Qt.ItemDataRole.FontRole and column == self.NOTE and status.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _input_data(self, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole:
            return TYPING
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {self.PERSON: self.preview, self.NOTE: self.input_note}.get(column, "")
        if role == Qt.ItemDataRole.ForegroundRole and column != self.TYPED:
            return GREY
        if role == Qt.ItemDataRole.FontRole and column == self.PERSON:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def status_text(self, table_row: int) -> str:
        return self._status[table_row].text if 0 <= table_row < len(self._status) else ""

    # -- changing ----------------------------------------------------------------------------
    def add(self, row: SheetRow) -> int:
        at = self.input_row()
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.append(row)
        self._status.insert(at, Status())
        self.endInsertRows()
        self._restatus()
        return at

    def replace(self, table_row: int, row: SheetRow) -> None:
        i = self.typed_index(table_row)
        assert i is not None, "only typed rows can be replaced"
        self.rows[i] = row
        self.errors.pop(i, None)
        self.dataChanged.emit(self.index(table_row, 0), self.index(table_row, len(self.HEADERS) - 1))
        self._restatus()

    def remove(self, table_row: int) -> None:
        i = self.typed_index(table_row)
        assert i is not None, "only typed rows can be removed"
        self.beginRemoveRows(QModelIndex(), table_row, table_row)
        del self.rows[i]
        del self._status[table_row]
        self.errors = {(k if k < i else k - 1): v for k, v in self.errors.items() if k != i}
        self.endRemoveRows()
        self._restatus()

    def set_preview(self, preview: str, note: str = "") -> None:
        self.preview, self.input_note = preview, note
        at = self.input_row()
        self.dataChanged.emit(self.index(at, self.PERSON), self.index(at, self.NOTE))

    def set_errors(self, errors: dict[int, str]) -> None:
        self.errors = dict(errors)
        self._restatus()

    def _restatus(self) -> None:
        out = [Status("schon eingetragen", GREY, tooltip="Stand schon vor dem Abtippen auf der Liste")
               for _ in self.present]
        seen = {r.person_id: i for i, r in enumerate(self.present)}
        new_rows: list[tuple[int, dict[str, Any]]] = []
        for i, row in enumerate(self.rows):
            at = self.table_row(i)
            earlier = seen.get(row.person_id) if row.person_id is not None else next(
                (k for k, values in new_rows if row.new is not None and _same_new(values, row.new)), None)
            if i in self.errors:
                out.append(Status(self.errors[i], RED, bold=True))
            elif earlier is not None:
                out.append(Status("schon eingetragen", ORANGE, bold=True,
                                  tooltip=f"Steht schon in Zeile {earlier + 1}; wird nicht doppelt gezählt."))
            elif row.new is not None:
                out.append(Status("neue Person", BLUE, tooltip="Wird beim Speichern als neue Person angelegt."))
            else:
                out.append(Status())
            if row.person_id is not None:
                seen.setdefault(row.person_id, at)
            elif row.new is not None and earlier is None:
                new_rows.append((at, row.new))
        out.append(Status())  # the typing row
        self._status = out
        if self.rowCount() > 1:
            self.dataChanged.emit(self.index(0, self.NOTE), self.index(self.rowCount() - 1, self.NOTE))

    # -- what to save ---------------------------------------------------------------------------
    def duplicate(self, table_row: int) -> bool:
        return self.status_text(table_row) == "schon eingetragen" and self.typed_index(table_row) is not None

    def entries(self) -> tuple[list[int | dict[str, Any]], list[int]]:
        """The entries for ``record_sign_in`` (a name typed twice goes once) and the table row
        of each (to show a rejected entry at its row)."""
        entries: list[int | dict[str, Any]] = []
        where: list[int] = []
        for i, row in enumerate(self.rows):
            at = self.table_row(i)
            if self.duplicate(at):
                continue
            entries.append(row.person_id if row.person_id is not None else dict(row.new or {}))
            where.append(at)
        return entries, where

    def counts(self) -> tuple[int, int, int]:
        """(existing persons, new persons, names already on the list) among the typed rows."""
        known = new = twice = 0
        for i, row in enumerate(self.rows):
            if self.duplicate(self.table_row(i)):
                twice += 1
            elif row.new is not None:
                new += 1
            else:
                known += 1
        return known, new, twice


# --------------------------------------------------------------------------- "Ist das dieselbe Person?"


class ChoiceModel(QAbstractListModel):
    """A few lines to choose from, each with its value."""

    def __init__(self, items: Sequence[tuple[str, Any]], parent: QObject | None = None):
        super().__init__(parent)
        self.items = list(items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.column() != 0 or not 0 <= index.row() < len(self.items):
            return None
        text, value = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == CHOICE_DATA:
            return value
        return None


class SamePersonDialog(QDialog):
    """A new name resembles persons already stored: one of them, or really someone new?
    ↑↓ choose, Enter takes the line, Esc goes back to the new person's form."""

    def __init__(self, parent: QWidget | None, name: str, candidates: Sequence[tuple[int, str]]):
        super().__init__(parent)
        self.setWindowTitle("Ist das dieselbe Person?")
        self.choice: int | str | None = None
        who = "eine Person" if len(candidates) == 1 else f"{len(candidates)} Personen"
        intro = QLabel(f"<b>Ist das dieselbe Person?</b><br>Auf der Liste steht „{escape(name)}“. "
                       f"Es gibt schon {who} mit diesem Namen:")
        intro.setWordWrap(True)
        self.model = ChoiceModel([*((f"Ja, dieselbe Person: {line}", ident) for ident, line in candidates),
                                  (f"Nein, eine neue Person anlegen: {name}", KEEP_NEW)], self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setCurrentIndex(self.model.index(0))
        self.view.activated.connect(lambda _i: self.accept())
        rows = self.model.rowCount()
        self.view.setFixedHeight(self.view.sizeHintForRow(0) * min(rows, 8) + 2 * self.view.frameWidth() + 4)
        hint = QLabel("↑ ↓ wählen · Enter übernimmt · Esc zurück zur Eingabe")
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Übernehmen")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Zurück")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.view.setFocus()

    def accept(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        self.choice = index.data(CHOICE_DATA)
        super().accept()


# --------------------------------------------------------------------------- the dialog


class SignInDialog(GuardedDialog):
    """``SignInDialog(ctx, session_id, parent)``; after ``exec()`` returned Accepted,
    ``result_counts`` holds what ``record_sign_in`` returned (None: nothing was typed)."""

    def __init__(self, ctx: AppContext, session_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.result_counts: dict[str, int] | None = None
        self._editing: int | None = None  # the table row being changed (None: a new row)
        self._form_typed = ""  # the name as typed for the row the new-person form is for
        with ctx.uow(read_only=True) as uow:
            session = activities.get_session(uow, session_id)
            activity = activities.get_activity(uow, session.activity_id)
            self.districts = {d.id: d.name for d in lists.list_districts(uow)}
            present = [self._present_row(uow, a.person_id) for a in activities.list_attendance(uow, session_id)]
        self.session = session
        self.setWindowTitle(f"Teilnehmerliste abtippen – {activity.name}, {date_de(session.date)}")

        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Speichern (Strg+Enter)")
        save.setDefault(False)
        save.setAutoDefault(False)
        for sequence in ("Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(sequence), self).activated.connect(self._save)

        when = f"{DAYS[session.date.weekday()]}, {date_de(session.date)}"
        if session.start_time:
            when += f", {time_de(session.start_time)}" + (f"–{time_de(session.end_time)}" if session.end_time else "")
        where = session.location or activity.location
        heading = QLabel(f"<b>{escape(activity.name)}</b> · {escape(when)}" + (f" · {escape(where)}" if where else ""))
        heading.setStyleSheet("font-size: 11pt;")
        intro = QLabel("Namen von der Papierliste abtippen, einen je Zeile: Enter übernimmt den Vorschlag "
                       "und öffnet die nächste Zeile. Wer nicht gefunden wird, wird als neue Person angelegt.")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")

        # the sheet
        self.model = SheetModel(present, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SheetModel.TYPED, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SheetModel.PERSON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SheetModel.NOTE, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(SheetModel.TYPED, 210)
        self.table.setColumnWidth(SheetModel.NOTE, 150)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(max(26, self.fontMetrics().height() + 12))
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.name = QLineEdit()
        self.name.setPlaceholderText("Name tippen …")
        self.name.setFrame(False)
        self.name.setStyleSheet(f"background: {TYPING.name()};")
        self.table.setIndexWidget(self.model.index(self.model.input_row(), SheetModel.TYPED), self.name)

        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        keys = QLabel("Enter übernimmt · ↓ Vorschläge · ↑ Zeilen darüber (F2 ändert, Entf entfernt) · "
                      "Strg+Enter speichert")
        keys.setStyleSheet("color: #555;")
        keys.setWordWrap(True)

        # suggestions and the new person, right of the sheet
        self.suggestions = QListView()
        self.lookup = PersonLookup(ctx, self.name, self.suggestions, self)
        self.hits = QLabel()
        self.hits.setStyleSheet("color: #555;")
        self.hits.setWordWrap(True)
        suggestions_box = QGroupBox("Vorschläge")
        column = QVBoxLayout(suggestions_box)
        column.addWidget(self.hits)
        column.addWidget(self.suggestions, 1)
        self.suggestions_box = suggestions_box

        self.new_box = QGroupBox("Neue Person")
        self.form = FieldForm(self.new_box)
        self.last_name = self.form.add("last_name", "Nachname", QLineEdit(), required=True)
        self.first_name = self.form.add("first_name", "Vorname", QLineEdit())
        self.birth_date = self.form.add("birth_date", "Geburtsdatum", DateField(kind=DateKind.BIRTH))
        self.district = self.form.add("district_id", "Stadtgebiet", combo(district_items(ctx)))
        new_hint = QLabel("Enter übernimmt · Esc zurück zum Namen")
        new_hint.setStyleSheet("color: #555;")
        new_column = QVBoxLayout(self.new_box)
        new_column.addWidget(self.form)
        new_column.addWidget(new_hint)
        self.new_box.hide()

        right = QVBoxLayout()
        right.addWidget(suggestions_box, 1)
        right.addWidget(self.new_box)
        right.addStretch()  # the new-person form keeps its height when the suggestions give way
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.error)
        left.addWidget(keys)
        body = QHBoxLayout()
        body.addLayout(left, 7)
        body.addLayout(right, 4)
        self.summary = QLabel()
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        self.lookup.picked.connect(self._picked)
        self.lookup.current_changed.connect(self._show_current)
        self.name.textEdited.connect(lambda _t: self.error.hide())
        # installed after the look-up's own filter, so these run first
        for w in (self.name, self.table, self.last_name, self.first_name, self.birth_date.edit, self.district):
            w.installEventFilter(self)
        chain = [self.name, self.suggestions, self.table, self.last_name, self.first_name, self.birth_date.edit,
                 self.district, save, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)
        self.resize(1180, 680)
        self._update()
        self.name.setFocus()

    # -- hooks tests answer ----------------------------------------------------------------
    @classmethod
    def ask_same_person(cls, parent: QWidget, name: str, candidates: Sequence[tuple[int, str]]) -> int | str | None:
        """"Ist das dieselbe Person?": a candidate's id, ``KEEP_NEW``, or None (back to the form)."""
        dialog = SamePersonDialog(parent, name, candidates)
        dialog.exec()
        dialog.deleteLater()
        return dialog.choice

    # -- loading ------------------------------------------------------------------------------
    def _match(self, dto) -> PersonMatch:
        return PersonMatch(dto.id, dto.display_name, dto.birth_date, self.districts.get(dto.district_id), dto.street)

    def _present_row(self, uow, person_id: int) -> SheetRow:
        return SheetRow("", self._match(persons.get_person(uow, person_id)).line, person_id, present=True)

    # -- typing a row ---------------------------------------------------------------------------
    def _show_current(self, choice: Any) -> None:
        note = f"ändert Zeile {self._editing + 1}" if self._editing is not None else ""
        if not choice:
            self.model.set_preview("", note)
        elif choice[0] == EXISTING:
            match = self.lookup.model.match_at(self.suggestions.currentIndex().row())
            self.model.set_preview(f"→ {match.line if match else choice[2]}", note)
        else:
            self.model.set_preview(f"→ neue Person: {choice[2]}", note)
        self.hits.setText(self.lookup.model.hits_text() or "Namen tippen: passende Personen erscheinen hier.")

    def _picked(self, choice: Any) -> None:
        kind, value, name = choice
        typed = " ".join(self.name.text().split())
        if kind == EXISTING:
            match = self.lookup.model.match_at(self.suggestions.currentIndex().row())
            self._take(SheetRow(typed, match.line if match else name, value))
        elif kind == NEW:
            last, first = value
            self._open_form(typed, {"last_name": last, "first_name": first})

    def _take(self, row: SheetRow) -> None:
        """Put the row on the sheet (or over the row being changed) and go on to the next one."""
        if self._editing is not None and self.model.typed_index(self._editing) is not None:
            self.model.replace(self._editing, row)
            done_at = self._editing
        else:
            done_at = self.model.add(row)
        self._editing = None
        self.mark_dirty()
        self.lookup.clear()
        self._close_form()
        self.table.clearSelection()
        # the typing row in view; a changed row further up stays in view as well
        self.table.scrollTo(self.model.index(self.model.input_row(), 0))
        if done_at != self.model.input_row() - 1:
            self.table.scrollTo(self.model.index(done_at, 0))
        self._update()
        self.focus_name()

    def _edit_row(self, table_row: int) -> None:
        """F2 or Enter on a typed row: type it again (an existing person) or change the new
        person's values; what is taken then replaces the row."""
        row = self.model.row_at(table_row)
        if row is None or row.present:
            return
        self._editing = table_row
        self.table.selectRow(table_row)
        if row.new is not None:
            self._open_form(row.typed, row.new)
            return
        self.name.setText(row.typed)
        self.lookup.search(row.typed)
        self.focus_name()
        self.name.selectAll()

    def focus_name(self) -> None:
        """Into the typing row, scrolled into view (out of view, the table hides the field)."""
        self.table.scrollTo(self.model.index(self.model.input_row(), SheetModel.TYPED))
        self.table.updateGeometries()
        self.name.setFocus()

    def _cancel_edit(self) -> None:
        self._editing = None
        self.lookup.clear()
        self.table.clearSelection()
        self._show_current(None)

    def _remove_row(self, table_row: int) -> None:
        if self.model.typed_index(table_row) is None:
            return
        if self._editing == table_row:
            self._cancel_edit()
        elif self._editing is not None and self._editing > table_row:
            self._editing -= 1
        self.model.remove(table_row)
        self._update()
        if self.model.typed_index(min(table_row, self.model.input_row() - 1)) is not None:
            self.table.selectRow(min(table_row, self.model.input_row() - 1))
        else:
            self.focus_name()

    # -- the new person ---------------------------------------------------------------------------
    def _open_form(self, typed: str, values: dict[str, Any]) -> None:
        self._form_typed = typed
        self.form.clear_errors()
        self.last_name.setText(values.get("last_name") or "")
        self.first_name.setText(values.get("first_name") or "")
        self.birth_date.set_date(values.get("birth_date"))
        index = self.district.findData(values.get("district_id"))
        self.district.setCurrentIndex(max(index, 0))
        row_no = (self._editing if self._editing is not None else self.model.input_row()) + 1
        self.new_box.setTitle(f"Neue Person – Zeile {row_no}")
        self.suggestions_box.hide()
        self.new_box.show()
        self.last_name.setFocus()
        self.last_name.selectAll()

    def _close_form(self) -> None:
        self.focus_name()  # first: hiding the focused field would hand the focus to the table
        self.new_box.hide()
        self.suggestions_box.show()

    def form_open(self) -> bool:
        return not self.new_box.isHidden()

    def _accept_new(self) -> None:
        last = " ".join(self.last_name.text().split())
        first = " ".join(self.first_name.text().split()) or None
        errors = {}
        if not last:
            errors["last_name"] = "Bitte den Nachnamen angeben."
        born: dt.date | None = None
        try:
            born = parse_date(self.birth_date.text(), DateKind.BIRTH)
        except DateError as exc:
            errors["birth_date"] = str(exc)
        if errors:
            self.form.show_errors(errors)
            return
        self.form.clear_errors()
        values = {"last_name": last, "first_name": first, "birth_date": born,
                  "district_id": self.district.currentData()}
        answer = self._same_person(values)
        if answer is None:
            self.last_name.setFocus()
            return  # back to the form
        typed = self._form_typed or new_person_label(last, first)
        if answer == KEEP_NEW:
            self._take(SheetRow(typed, new_row_label(values, self.district.currentText()
                                                     if values["district_id"] is not None else None),
                                new=values))
        else:
            chosen = int(answer)
            with self.ctx.uow(read_only=True) as uow:
                line = self._match(persons.get_person(uow, chosen)).line
            self._take(SheetRow(typed, line, chosen))

    def _same_person(self, values: dict[str, Any]) -> int | str | None:
        """Asks "Ist das dieselbe Person?" when the service finds possible duplicates
        (``persons.duplicates_of_new``: the rule lives there); ``KEEP_NEW`` when it finds none."""
        with self.ctx.uow(read_only=True) as uow:
            found = [self._match(persons.get_person(uow, ident)) for ident in persons.duplicates_of_new(
                uow, last_name=values["last_name"], first_name=values["first_name"],
                birth_date=values["birth_date"])]
        if not found:
            return KEEP_NEW
        name = " ".join(p for p in (values["first_name"], values["last_name"]) if p)
        answer = self.ask_same_person(self, name, [(m.id, m.label) for m in found])
        self.activateWindow()  # typing goes on here (without a window manager, nobody else hands it back)
        return answer

    # -- keys ---------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(obj, event)
        key = event.key()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain
        if obj is self.name:
            if enter and not self.name.text().strip():
                return True  # an empty row: nothing to take (Strg+Enter saves)
            if key == Qt.Key.Key_Up and self.model.input_row() > 0:
                self.table.selectRow(self.model.input_row() - 1)
                self.table.setFocus()
                return True
            if key == Qt.Key.Key_Escape and self._editing is not None:
                self._cancel_edit()
                return True
        elif obj is self.table:
            current = self.table.currentIndex().row()
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._remove_row(current)
                return True
            if enter or key == Qt.Key.Key_F2:
                if self.model.typed_index(current) is not None:
                    self._edit_row(current)
                else:
                    self.focus_name()
                return True
            if key == Qt.Key.Key_Down and current >= self.model.input_row() - 1:
                self.table.clearSelection()
                self.focus_name()
                return True
            typed = event.text()
            if typed and typed.isprintable() and plain:
                self.table.clearSelection()
                self.focus_name()
                QApplication.sendEvent(self.name, QKeyEvent(event.type(), key, event.modifiers(), typed))
                return True
        elif obj in (self.last_name, self.first_name, self.birth_date.edit, self.district):
            if enter:
                if obj is self.birth_date.edit:
                    self.birth_date.normalise()
                self._accept_new()
                return True
            if key == Qt.Key.Key_Escape:
                self._close_form()
                if self._editing is not None:
                    self._cancel_edit()
                self.focus_name()
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            return  # Enter takes a name, never the whole sheet: Strg+Enter saves
        super().keyPressEvent(event)

    def _context_menu(self, pos: QPoint) -> None:
        row = self.table.indexAt(pos).row()
        if self.model.typed_index(row) is None:
            return
        self.table.selectRow(row)
        menu = QMenu(self)
        menu.addAction("Zeile ändern (F2)", lambda: self._edit_row(row))
        menu.addAction("Zeile entfernen (Entf)", lambda: self._remove_row(row))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- state -----------------------------------------------------------------------------------
    def _update(self) -> None:
        known, new, twice = self.model.counts()
        parts = [f"{known} vorhanden", f"{new} neu"] + ([f"{twice} schon eingetragen"] if twice else [])
        typed = len(self.model.rows)
        self.summary.setText(f"{typed} {'Name' if typed == 1 else 'Namen'} abgetippt: " + ", ".join(parts)
                             + f" · vorher eingetragen: {len(self.model.present)}")
        self._show_current(self.lookup.current())

    def typed_anything(self) -> bool:
        return bool(self.model.rows) or bool(self.name.text().strip()) or self.form_open()

    def reject(self) -> None:
        self._dirty = self.typed_anything()
        super().reject()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> bool:
        self.error.hide()
        row_no = self.model.input_row() + 1
        if self.form_open():
            self._say(f"Die neue Person in Zeile {(self._editing if self._editing is not None else row_no - 1) + 1} "
                      "ist noch nicht übernommen: Enter übernimmt sie, Esc verwirft sie.")
            self.last_name.setFocus()
            return False
        if self.name.text().strip():
            self._say(f"Zeile {self._editing + 1 if self._editing is not None else row_no} ist noch nicht "
                      "übernommen: Enter übernimmt den Namen, oder die Zeile leeren.")
            self.focus_name()
            return False
        entries, where = self.model.entries()
        if not entries:
            self.result_counts = None
            return True  # nothing new on the sheet: nothing to write
        if not confirm_frozen_write(self, self.ctx, self.session.date):
            return False
        try:
            with self.ctx.uow() as uow:
                counts = activities.record_sign_in(uow, self.session_id, entries)
        except ValidationError as exc:
            self._show_rejected(exc.errors, where)
            return False
        self.model.set_errors({})
        self.result_counts = counts
        self.ctx.notify("attendance")
        if counts.get("new_persons"):
            self.ctx.notify("persons")
        return True

    def _show_rejected(self, errors: dict[str, str], where: list[int]) -> None:
        """Every rejected entry at once: its German message at its row (numbered as on the
        screen), and the red line says how many rows need a look."""
        at_rows: dict[int, str] = {}
        general: list[str] = []
        for key, message in errors.items():
            m = re.fullmatch(r"zeile_(\d+)", key)
            if m and 1 <= int(m[1]) <= len(where):
                at_rows[where[int(m[1]) - 1]] = re.sub(r"^Zeile \d+:\s*", "", message)
            else:
                general.append(message)
        typed = {i: msg for r, msg in at_rows.items() if (i := self.model.typed_index(r)) is not None}
        self.model.set_errors(typed)
        rows = [f"Zeile {r + 1}: {text}" for r, text in sorted(at_rows.items())]
        if len(rows) > 1:
            rows.insert(0, f"{len(rows)} Zeilen brauchen einen Blick (rot markiert).")
        fix = ""
        if at_rows:
            fix = (" Die Zeilen" if len(at_rows) > 1 else " Die Zeile") + \
                " mit F2 ändern oder mit Entf entfernen, dann erneut speichern."
        self._say("Nichts gespeichert. " + " ".join(general + rows) + fix)
        if at_rows:
            first = min(at_rows)
            self.table.selectRow(first)
            self.table.scrollTo(self.model.index(first, 0))
            self.table.setFocus()

"""Sitzung eines Netzwerks: Datum, Zeit, Ort und Hinweis für die Einladung; wer da war
(anwesend / entschuldigt); die Tagesordnung mit den offenen Aufgaben früherer Sitzungen
obenauf, Protokoll und Beschluss je Punkt; Aufgaben aus einem Punkt.

Everything she changes stays in the dialog until „Speichern“ writes it in one transaction
(``networks.save_meeting``: all of it or nothing; one button, as in every other form);
„Abbrechen“ asks before dropping changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import count
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.domain.rules import fold
from kuemmerer.services import listing, networks, partners
from kuemmerer.services.dto import ActionItemDto, MeetingDto, NetworkDto

from ..context import AppContext
from ..formatting import date_de, number_de, time_de
from ..models import Index, RowsBase
from ..pages.tables import table_view
from ..widgets import (
    DateField,
    ErrorLine,
    FieldForm,
    GuardedDialog,
    confirm_frozen_write,
    notice_label,
    text_edit,
)

ORG, PERSON, TEXT = "org", "person", "text"
HERSELF = "Koordinatorin"  # owner_text of her own action items (as the services and the PDFs know it)
HERSELF_LABEL = "ich (Koordinatorin)"
PRESENT, EXCUSED = "anwesend", "entschuldigt"
HINT_STYLE = "color: #555;"
WHO_ROLE = Qt.ItemDataRole.UserRole + 10
# the keys of ``networks.save_meeting``'s lists: their errors are not the meeting's own fields
_SAVE_PARTS = {"points", "deleted_points", "participants", "removed_participants", "actions", "deleted_actions",
               "done"}

_keys = count(1)


# =========================================================================== names


def names_of(uow, person_ids: Sequence[int | None], org_ids: Sequence[int | None]) -> dict[tuple[str, int], str]:
    """{(PERSON, id): "Müller, Anna", (ORG, id): "Caritas …"} for the ids given."""
    out: dict[tuple[str, int], str] = {}
    wanted = sorted({i for i in person_ids if i is not None})
    for row in listing.persons_by_id(uow, wanted) if wanted else []:
        out[(PERSON, row.id)] = row.name
    orgs = {i for i in org_ids if i is not None}
    if orgs:
        for o in partners.list_organisations(uow):
            if o.id in orgs:
                out[(ORG, o.id)] = o.name
    return out


def who_of(organisation_id: int | None, person_id: int | None) -> tuple[str, int]:
    """(ORG, id) or (PERSON, id) of a row that has exactly one of them."""
    return (ORG, organisation_id) if organisation_id is not None else (PERSON, int(person_id or 0))


def owner_of(item: ActionItemDto) -> tuple[str, Any]:
    if item.owner_person_id is not None:
        return (PERSON, item.owner_person_id)
    if item.owner_organisation_id is not None:
        return (ORG, item.owner_organisation_id)
    return (TEXT, item.owner_text or "")


def owner_label(owner: tuple[str, Any], names: dict[tuple[str, int], str]) -> str:
    kind, ident = owner
    if kind == TEXT:
        return HERSELF_LABEL if ident == HERSELF else (ident or "")
    return names.get((kind, ident), "(gelöscht)")


def owner_key(owner: tuple[str, Any]) -> str:
    """The owner as a combo box entry's data: "org:3", "person:12", "text:Koordinatorin"."""
    return f"{owner[0]}:{owner[1]}"


def owner_values(owner: tuple[str, Any]) -> dict[str, Any]:
    kind, ident = owner
    return {"owner_person_id": ident if kind == PERSON else None,
            "owner_organisation_id": ident if kind == ORG else None,
            "owner_text": ident if kind == TEXT and ident else None}


# =========================================================================== look-up


@dataclass(frozen=True)
class WhoHit:
    kind: str  # ORG or PERSON
    id: int
    name: str
    line: str  # what the list shows


class WhoModel(QAbstractListModel):
    """Partners (organisations) and persons whose name matches what she typed: partners
    first, at most ``LIMIT`` of each. ``exclude`` leaves out those already listed."""

    LIMIT = 8

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, persons: bool = True,
                 organisations: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.hits: list[WhoHit] = []
        self.persons, self.organisations = persons, organisations
        self.exclude: Callable[[WhoHit], bool] = lambda _hit: False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits) or index.column() != 0:
            return None
        hit = self.hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return hit.line
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.line
        if role == WHO_ROLE:
            return hit
        return None

    def set_search(self, text: str) -> None:
        words = fold(text).split()
        hits: list[WhoHit] = []
        if words:
            with self.ctx.uow(read_only=True) as uow:
                if self.organisations:
                    found = [o for o in partners.list_organisations(uow)
                             if all(w in fold(o.name) for w in words)]
                    found.sort(key=lambda o: (not o.active, fold(o.name)))
                    for o in found:
                        hit = WhoHit(ORG, o.id, o.name, f"{o.name} (Partner{'' if o.active else ', nicht mehr aktiv'})")
                        if not self.exclude(hit):
                            hits.append(hit)
                    hits = hits[:self.LIMIT]
                if self.persons:
                    persons = [WhoHit(PERSON, m.id, m.name, m.line) for m in listing.find_persons(uow, text, self.LIMIT * 2)]
                    hits += [h for h in persons if not self.exclude(h)][:self.LIMIT]
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()


class EnterEdit(QLineEdit):
    """A line edit that keeps Enter for itself (``returnPressed``): in a dialog, Enter here
    adds or picks — it does not save the whole dialog."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class WhoLookup(QObject):
    """A name field that offers matching partners and persons in a pop-up as she types;
    Enter (or a click) takes the highlighted line, else the first. ``picked(WhoHit)``."""

    picked = Signal(object)

    def __init__(self, ctx: AppContext, field: QLineEdit, parent: QObject | None = None, **kinds: bool):
        super().__init__(parent)
        self.field = field
        self.model = WhoModel(ctx, self, **kinds)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(field)  # not setCompleter: picking must not write the line into the field
        self.completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        field.textEdited.connect(self.search)
        field.returnPressed.connect(self.pick_current)

    def search(self, text: str) -> None:
        self.model.set_search(text)
        popup = self.completer.popup()
        if self.model.rowCount() and self.field.isVisible():
            self.completer.complete()
        elif popup is not None and popup.isVisible():
            popup.hide()

    def pick_current(self) -> None:
        if not self.field.text().strip():
            return
        self.model.set_search(self.field.text())  # what is typed now (a paste, a test)
        popup = self.completer.popup()
        row = 0
        if popup is not None and popup.isVisible():
            current = popup.currentIndex()
            row = current.row() if current.isValid() else 0
            popup.hide()
        if self.model.rowCount():
            self._pick(self.model.hits[min(row, self.model.rowCount() - 1)])

    def _activated(self, index: QModelIndex) -> None:
        hit = index.data(WHO_ROLE)
        if isinstance(hit, WhoHit):
            self._pick(hit)

    def _pick(self, hit: WhoHit) -> None:
        self.field.clear()
        self.model.set_search("")
        self.picked.emit(hit)


# =========================================================================== models


@dataclass(frozen=True)
class DraftColumn:
    title: str
    text: Callable[[Any], str] = lambda _r: ""
    checked: Callable[[Any], bool] | None = None  # a check box column
    toggle: Callable[[Any, bool], None] | None = None
    tooltip: Callable[[Any], str | None] | None = None
    align_right: bool = False


class DraftModel(RowsBase):
    """Rows the dialog holds until „Speichern“ (mutable drafts); check box columns change
    them (``edited`` tells the dialog), rows can be appended, removed and moved."""

    edited = Signal()

    def __init__(self, columns: Sequence[DraftColumn], parent: QObject | None = None):
        super().__init__(columns, parent)

    def _valid(self, index: Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self.rows) and 0 <= index.column() < len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and self._valid(index):
            column = self.columns[index.column()]
            if column.checked is not None:
                return Qt.CheckState.Checked if column.checked(self.rows[index.row()]) else Qt.CheckState.Unchecked
            return None
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].toggle is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not self._valid(index):
            return False
        toggle = self.columns[index.column()].toggle
        if toggle is None:
            return False
        on = (value.value if isinstance(value, Qt.CheckState) else int(value)) == Qt.CheckState.Checked.value
        toggle(self.rows[index.row()], on)
        self.refresh(index.row())
        self.edited.emit()
        return True

    # -- rows --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append(self, row: Any) -> int:
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append(row)
        self.endInsertRows()
        return n

    def remove_at(self, n: int) -> Any:
        self.beginRemoveRows(QModelIndex(), n, n)
        row = self.rows.pop(n)
        self.endRemoveRows()
        return row

    def move(self, n: int, delta: int) -> int:
        """Move row ``n`` one up (-1) or down (+1); its new row."""
        target = n + delta
        if not (0 <= n < len(self.rows) and 0 <= target < len(self.rows)):
            return n
        self.beginMoveRows(QModelIndex(), n, n, QModelIndex(), target + 1 if delta > 0 else target)
        self.rows.insert(target, self.rows.pop(n))
        self.endMoveRows()
        self.dataChanged.emit(self.index(min(n, target), 0), self.index(max(n, target), len(self.columns) - 1))
        return target

    def refresh(self, n: int) -> None:
        if 0 <= n < len(self.rows):
            self.dataChanged.emit(self.index(n, 0), self.index(n, len(self.columns) - 1))

    def row_at(self, n: int) -> Any:
        return self.rows[n] if 0 <= n < len(self.rows) else None


# =========================================================================== drafts


@dataclass(eq=False)
class ParticipantDraft:
    kind: str  # ORG / PERSON
    ref_id: int
    name: str
    member_role: str | None = None  # None: not a member of the network
    state: str | None = None  # PRESENT / EXCUSED / None (nothing recorded)
    id: int | None = None  # the stored participation
    stored: str | None = None

    @property
    def who(self) -> tuple[str, int]:
        return (self.kind, self.ref_id)

    def set_state(self, state: str, on: bool) -> None:
        self.state = state if on else (None if self.state == state else self.state)


@dataclass(eq=False)
class PointDraft:
    title: str
    minutes: str = ""
    decision: str = ""
    id: int | None = None
    stored: tuple | None = None  # (position, title, minutes, decision) as stored
    key: int = field(default_factory=lambda: next(_keys))


@dataclass(eq=False)
class ActionDraft:
    title: str
    owner: tuple[str, Any]
    owner_name: str
    due_text: str = ""
    due_on: dt.date | None = None
    point: PointDraft | None = None
    id: int | None = None
    done: bool = False
    stored_done_on: dt.date | None = None
    origin: str = ""  # the earlier meeting it comes from (open items)


def _yes(flag: bool) -> str:
    return "✓" if flag else ""


PARTICIPANT_COLUMNS = [
    DraftColumn("Name", lambda p: p.name, tooltip=lambda p: p.name),
    DraftColumn("Art", lambda p: ("Organisation" if p.kind == ORG else "Person")
                + (f" · Mitglied{': ' + p.member_role if p.member_role else ''}" if p.member_role is not None else ""),
                tooltip=lambda p: "Mitglied des Netzwerks" if p.member_role is not None else "Gast"),
    DraftColumn(PRESENT, checked=lambda p: p.state == PRESENT, toggle=lambda p, on: p.set_state(PRESENT, on)),
    DraftColumn(EXCUSED, checked=lambda p: p.state == EXCUSED, toggle=lambda p, on: p.set_state(EXCUSED, on)),
]

POINT_COLUMNS = [
    DraftColumn("Nr.", lambda p: "", align_right=True),  # filled by the dialog (position = row)
    DraftColumn("Tagesordnungspunkt", lambda p: p.title, tooltip=lambda p: p.title),
    DraftColumn("Protokoll", lambda p: _yes(bool(p.minutes.strip())), tooltip=lambda p: p.minutes or None),
    DraftColumn("Beschluss", lambda p: _yes(bool(p.decision.strip())), tooltip=lambda p: p.decision or None),
]


def _set_done(item: ActionDraft, on: bool) -> None:
    item.done = on


OPEN_COLUMNS = [
    DraftColumn("erledigt", checked=lambda a: a.done, toggle=_set_done),
    DraftColumn("Aufgabe", lambda a: a.title, tooltip=lambda a: a.title),
    DraftColumn("zuständig", lambda a: a.owner_name, tooltip=lambda a: a.owner_name),
    DraftColumn("Frist", lambda a: date_de(a.due_on)),
    DraftColumn("aus der Sitzung", lambda a: a.origin),
]

ACTION_COLUMNS = [
    DraftColumn("erledigt", checked=lambda a: a.done, toggle=_set_done),
    DraftColumn("Aufgabe", lambda a: a.title + ("" if a.id else " (neu)"), tooltip=lambda a: a.title),
    DraftColumn("zu Punkt", lambda a: a.point.title if a.point else "", tooltip=lambda a: a.point.title if a.point else None),
    DraftColumn("zuständig", lambda a: a.owner_name, tooltip=lambda a: a.owner_name),
    DraftColumn("Frist", lambda a: date_de(a.due_on) or a.due_text),
    DraftColumn("erledigt am", lambda a: date_de(a.stored_done_on) if a.done and a.stored_done_on
                else ("beim Speichern" if a.done else "")),
]


def draft_table(model: DraftModel, stretch: int) -> QTableView:
    view = table_view(model, stretch=stretch)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


# =========================================================================== action item


class ActionItemDialog(GuardedDialog):
    """„Aufgabe aus diesem Punkt…“: title, who does it (herself, a participant or member, or
    anyone found by name) and by when. Checked by the services at once; written with the
    meeting (``draft`` holds it)."""

    def __init__(self, ctx: AppContext, point: PointDraft | None, people: Sequence[tuple[tuple[str, int], str]],
                 meeting_id: int | None, parent: QWidget | None = None):
        super().__init__(parent, "Aufgabe aus diesem Punkt" if point else "Neue Aufgabe")
        self.ctx, self.point, self.meeting_id = ctx, point, meeting_id
        self.draft: ActionDraft | None = None
        f = self.form = FieldForm(self)
        if point is not None:
            title = QLabel(f"<b>{escape(point.title)}</b>")
            title.setWordWrap(True)
            f.add_row("Punkt:", title)
        self.title = f.add("title", "Aufgabe", QLineEdit(), required=True)
        self.title.setPlaceholderText("z. B. Angebot für die Hüpfburg einholen")
        self.title.setMaxLength(300)
        self.owner_field = QWidget()
        column = QVBoxLayout(self.owner_field)
        column.setContentsMargins(0, 0, 0, 0)
        self.owner_box = QComboBox()
        self.owner_box.addItem(HERSELF_LABEL, owner_key((TEXT, HERSELF)))
        self.names = {owner_key((TEXT, HERSELF)): HERSELF_LABEL}
        for who, name in people:
            self._offer(who, name)
        self.owner_box.setMinimumContentsLength(28)
        self.owner_search = EnterEdit()
        self.owner_search.setPlaceholderText("Andere Person oder Organisation suchen …")
        self.owner_search.setClearButtonEnabled(True)
        self.lookup = WhoLookup(ctx, self.owner_search, self)
        self.lookup.picked.connect(self._picked)
        column.addWidget(self.owner_box)
        column.addWidget(self.owner_search)
        self.owner_field.setFocusProxy(self.owner_box)
        f.add("owner_person_id", "Zuständig", self.owner_field)
        f.errors["owner_organisation_id"] = f.errors["owner_text"] = f.errors["owner_person_id"]
        self.due = f.add("due_on", "Frist", DateField(placeholder="TT.MM.JJJJ (ohne Frist: leer)"))
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.watch(self.title, self.owner_box, self.due)
        self.title.setFocus()

    def _offer(self, who: tuple[str, int], name: str) -> int:
        """The entry of ``who`` in the owner box (added if new)."""
        key = owner_key(who)
        index = self.owner_box.findData(key)
        if index < 0:
            self.owner_box.addItem(f"{name} ({'Organisation' if who[0] == ORG else 'Person'})", key)
            self.names[key] = name
            index = self.owner_box.count() - 1
        return index

    def owner(self) -> tuple[str, Any]:
        kind, _, ident = str(self.owner_box.currentData()).partition(":")
        return (kind, ident if kind == TEXT else int(ident))

    def _picked(self, hit: WhoHit) -> None:
        self.owner_box.setCurrentIndex(self._offer((hit.kind, hit.id), hit.name))
        self.mark_dirty()

    def values(self) -> dict:
        return {"title": self.title.text(), "due_on": self.due.text(), **owner_values(self.owner())}

    def save(self) -> bool:
        """Checked like the service will check it (rolled back: nothing is written here)."""
        values = self.values()
        check = {**values, "meeting_id": self.meeting_id}
        try:
            with self.ctx.uow(read_only=True) as uow:
                networks.action_items.validate(uow, check, None)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            return False
        name = self.names[self.owner_box.currentData()]
        self.draft = ActionDraft(title=values["title"].strip(), owner=self.owner(), owner_name=name,
                                 due_text=values["due_on"], due_on=self.due.date(), point=self.point)
        return True


# =========================================================================== the meeting


class MeetingDialog(GuardedDialog):
    """Neue Sitzung (``meeting`` None) oder Sitzung bearbeiten. ``saved``: the stored meeting."""

    TAB_PARTICIPANTS, TAB_AGENDA, TAB_ACTIONS, TAB_NOTES = range(4)

    def __init__(self, ctx: AppContext, network: NetworkDto, meeting: MeetingDto | None = None,
                 parent: QWidget | None = None, *, suggest_from: MeetingDto | None = None):
        super().__init__(parent, "Sitzung bearbeiten" if meeting else "Neue Sitzung")
        self.ctx, self.network, self.meeting = ctx, network, meeting
        self.saved: MeetingDto | None = meeting
        # stored rows she removed: deleted by „Speichern“ (ids)
        self._deleted_points: list[int] = []
        self._removed_participants: list[int] = []
        self._deleted_tasks: list[int] = []

        # -- the meeting's own fields ---------------------------------------------------------
        f = self.form = FieldForm()
        self.date = f.add("date", "Datum", DateField(), required=True)
        self.date.setMaximumWidth(180)
        times = QWidget()
        row = QGridLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_time, self.end_time = _time_edit(), _time_edit()
        row.addWidget(self.start_time, 0, 0)
        row.addWidget(QLabel("bis"), 0, 1)
        row.addWidget(self.end_time, 0, 2)
        row.addWidget(QLabel("Uhr"), 0, 3)
        row.setColumnStretch(4, 1)
        times.setFocusProxy(self.start_time)
        f.add("start_time", "Uhrzeit", times)
        f.errors["end_time"] = f.errors["start_time"]
        f.fields["end_time"] = self.end_time
        self.location = f.add("location", "Ort", QLineEdit())
        self.location.setMaxLength(200)
        right = FieldForm()
        self.agenda_note = right.add("agenda", "Hinweis für die Einladung", text_edit(height=66),
                                     hint="Steht in der Einladung über der Tagesordnung.")
        f.adopt(right)
        head = QHBoxLayout()
        head.addWidget(f, 2)
        head.addWidget(right, 3)

        # -- participants -----------------------------------------------------------------
        self.participants_model = DraftModel(PARTICIPANT_COLUMNS, self)
        self.participants_view = draft_table(self.participants_model, stretch=0)
        self.participants_view.setColumnWidth(1, 230)
        self.participants_view.setColumnWidth(2, 90)
        self.participants_view.setColumnWidth(3, 100)
        self.participants_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_participant = EnterEdit()
        self.add_participant.setPlaceholderText("Weitere Person oder Organisation hinzufügen: Namen tippen, Enter")
        self.add_participant.setClearButtonEnabled(True)
        self.participant_lookup = WhoLookup(ctx, self.add_participant, self)
        self.participant_lookup.model.exclude = lambda hit: any(
            p.who == (hit.kind, hit.id) for p in self.participants_model.rows)
        self.participant_lookup.picked.connect(self._add_participant)
        self.remove_participant_button = QPushButton("Aus der Liste nehmen")
        self.remove_participant_button.setToolTip("Nur Gäste; bei Mitgliedern „anwesend“ und „entschuldigt“ abwählen")
        self.remove_participant_button.clicked.connect(self.remove_participant)
        self.participants_summary = QLabel()
        participants_tab = QWidget()
        p_layout = QVBoxLayout(participants_tab)
        p_hint = QLabel("Die Mitglieder des Netzwerks stehen schon in der Liste. Ein Klick ins Kästchen (oder die "
                        "Leertaste) setzt „anwesend“ oder „entschuldigt“; ohne Haken wird für sie nichts gespeichert.")
        p_hint.setWordWrap(True)
        p_hint.setStyleSheet(HINT_STYLE)
        p_layout.addWidget(p_hint)
        p_layout.addWidget(self.participants_view, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_participant, 1)
        add_row.addWidget(self.remove_participant_button)
        p_layout.addLayout(add_row)
        p_layout.addWidget(self.participants_summary)

        # -- agenda: open items, points, minutes, decisions --------------------------------
        self.open_model = DraftModel(OPEN_COLUMNS, self)
        self.open_view = draft_table(self.open_model, stretch=1)
        for col, width in ((0, 70), (2, 170), (3, 84), (4, 110)):
            self.open_view.setColumnWidth(col, width)
        self.open_box = QGroupBox("Offene Aufgaben")
        open_layout = QVBoxLayout(self.open_box)
        open_layout.setContentsMargins(6, 4, 6, 6)
        self.open_hint = QLabel()
        self.open_hint.setWordWrap(True)
        self.open_hint.setStyleSheet(HINT_STYLE)
        open_layout.addWidget(self.open_hint)
        open_layout.addWidget(self.open_view)
        self.open_view.setFixedHeight(118)

        self.points_model = DraftModel(POINT_COLUMNS, self)
        self.points_model.columns[0] = DraftColumn("Nr.", lambda p: str(self.points_model.rows.index(p) + 1),
                                                   align_right=True)
        self.points_view = draft_table(self.points_model, stretch=1)
        self.points_view.setColumnWidth(0, 36)
        self.points_view.setColumnWidth(2, 70)
        self.points_view.setColumnWidth(3, 72)
        self.points_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._point_changed())
        self.new_point = EnterEdit()
        self.new_point.setPlaceholderText("Neuer Tagesordnungspunkt: Titel, Enter")
        self.new_point.setMaxLength(300)
        self.new_point.returnPressed.connect(self.add_point)
        self.add_point_button = QPushButton("Hinzufügen")
        self.add_point_button.clicked.connect(self.add_point)
        self.up_button = QPushButton("▲ nach oben")
        self.down_button = QPushButton("▼ nach unten")
        self.delete_point_button = QPushButton("Punkt löschen…")
        self.up_button.clicked.connect(lambda: self.move_point(-1))
        self.down_button.clicked.connect(lambda: self.move_point(1))
        self.delete_point_button.clicked.connect(self.delete_point)
        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.setContentsMargins(0, 0, 0, 0)
        l_layout.addWidget(QLabel("<b>Tagesordnungspunkte</b>"))
        l_layout.addWidget(self.points_view, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_point, 1)
        new_row.addWidget(self.add_point_button)
        l_layout.addLayout(new_row)
        move_row = QHBoxLayout()
        move_row.addWidget(self.up_button)
        move_row.addWidget(self.down_button)
        move_row.addStretch(1)
        move_row.addWidget(self.delete_point_button)
        l_layout.addLayout(move_row)

        self.point_editor = QWidget()
        pe = self.point_form = FieldForm(self.point_editor)
        self.point_title = pe.add("point_title", "Titel", QLineEdit(), required=True)
        self.point_title.setMaxLength(300)
        self.point_minutes = pe.add("point_minutes", "Protokoll", text_edit(height=120))
        self.point_minutes.setPlaceholderText("Was besprochen wurde")
        self.point_decision = pe.add("point_decision", "Beschluss", text_edit(height=56))
        self.point_decision.setPlaceholderText("Was beschlossen wurde (falls etwas)")
        self.task_button = QPushButton("Aufgabe aus diesem Punkt…")
        self.task_button.setToolTip("Wer macht was bis wann? Erscheint in den nächsten Sitzungen unter "
                                    "„Offene Aufgaben“, bis sie erledigt ist.")
        self.task_button.clicked.connect(self.task_from_point)
        pe_layout = QVBoxLayout(self.point_editor)
        pe_layout.setContentsMargins(0, 0, 0, 0)
        pe_layout.addWidget(pe)
        task_row = QHBoxLayout()
        task_row.addStretch(1)
        task_row.addWidget(self.task_button)
        pe_layout.addLayout(task_row)
        pe_layout.addStretch(1)
        self.point_title.textEdited.connect(lambda t: self._edit_point("title", t))
        self.point_minutes.textChanged.connect(lambda: self._edit_point("minutes", self.point_minutes.toPlainText()))
        self.point_decision.textChanged.connect(
            lambda: self._edit_point("decision", self.point_decision.toPlainText()))
        self.agenda_notice = notice_label()

        points_split = QSplitter()
        points_split.addWidget(left)
        points_split.addWidget(self.point_editor)
        points_split.setChildrenCollapsible(False)
        points_split.setSizes([420, 600])
        agenda_tab = QWidget()
        a_layout = QVBoxLayout(agenda_tab)
        a_layout.addWidget(self.open_box)
        a_layout.addWidget(points_split, 1)
        a_layout.addWidget(self.agenda_notice)

        # -- this meeting's action items -------------------------------------------------
        self.actions_model = DraftModel(ACTION_COLUMNS, self)
        self.actions_view = draft_table(self.actions_model, stretch=1)
        for col, width in ((0, 70), (2, 200), (3, 170), (4, 84), (5, 100)):
            self.actions_view.setColumnWidth(col, width)
        self.new_task_button = QPushButton("Neue Aufgabe…")
        self.new_task_button.setToolTip("Eine Aufgabe ohne Bezug zu einem Punkt")
        self.new_task_button.clicked.connect(lambda: self.new_task(None))
        self.delete_task_button = QPushButton("Aufgabe löschen…")
        self.delete_task_button.clicked.connect(self.delete_task)
        actions_tab = QWidget()
        t_layout = QVBoxLayout(actions_tab)
        t_hint = QLabel("Aufgaben aus dieser Sitzung. Offene stehen in den folgenden Sitzungen unter "
                        "„Offene Aufgaben“, bis sie erledigt sind; eigene mit Frist auch unter Heute.")
        t_hint.setWordWrap(True)
        t_hint.setStyleSheet(HINT_STYLE)
        t_layout.addWidget(t_hint)
        t_layout.addWidget(self.actions_view, 1)
        t_row = QHBoxLayout()
        t_row.addWidget(self.new_task_button)
        t_row.addStretch(1)
        t_row.addWidget(self.delete_task_button)
        t_layout.addLayout(t_row)

        notes_tab = QWidget()
        n_layout = QVBoxLayout(notes_tab)
        nf = FieldForm()
        self.minutes_text = nf.add("minutes_text", "Allgemeines zum Protokoll", text_edit(height=200),
                                   hint="Was zu keinem Punkt gehört (Begrüßung, Termine, Sonstiges).")
        f.adopt(nf)
        n_layout.addWidget(nf)
        n_layout.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(participants_tab, "Teilnahme")
        self.tabs.addTab(agenda_tab, "Tagesordnung und Protokoll")
        self.tabs.addTab(actions_tab, "Aufgaben")
        self.tabs.addTab(notes_tab, "Allgemeines")
        self.save_error = ErrorLine()

        title = QLabel(f"Netzwerk: <b>{escape(network.name)}</b>")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)
        self.resize(1120, 690)
        self.setMinimumSize(900, 600)

        for model in (self.participants_model, self.open_model, self.actions_model):
            model.edited.connect(self.mark_dirty)
            model.edited.connect(self._update_labels)
        self._load(suggest_from)
        self.watch(self.date, self.start_time, self.end_time, self.location, self.agenda_note, self.minutes_text)
        self._update_labels()
        self._point_changed()
        self.date.setFocus()

    # -- loading ----------------------------------------------------------------------------
    def _load(self, suggest_from: MeetingDto | None) -> None:
        m = self.meeting
        with self.ctx.uow(read_only=True) as uow:
            members = networks.list_members(uow, self.network.id)
            stored = networks.list_participants(uow, m.id) if m else []
            points = networks.list_agenda(uow, m.id) if m else []
            own = networks.list_action_items(uow, m.id) if m else []
            carried = self._carried_items(uow)
            origins = {x.id: x.date for x in networks.list_meetings(uow, self.network.id)}
            items = [*own, *carried]
            names = names_of(uow, [x.person_id for x in members] + [x.person_id for x in stored]
                             + [x.owner_person_id for x in items],
                             [x.organisation_id for x in members] + [x.organisation_id for x in stored]
                             + [x.owner_organisation_id for x in items])
        self.names = names
        # participants: the stored ones, then the members not recorded yet
        rows: list[ParticipantDraft] = []
        roles = {who_of(x.organisation_id, x.person_id): x.role or "" for x in members}
        for p in stored:
            who = who_of(p.organisation_id, p.person_id)
            state = PRESENT if p.attended else EXCUSED
            rows.append(ParticipantDraft(who[0], who[1], names.get(who, "(gelöscht)"), roles.get(who), state, p.id,
                                         state))
        recorded = {r.who for r in rows}
        for who, role in roles.items():
            if who not in recorded:
                rows.append(ParticipantDraft(who[0], who[1], names.get(who, "(gelöscht)"), role))
        self.participants_model.set_rows(_sorted_participants(rows))
        # agenda
        self.points_model.set_rows([PointDraft(p.title, p.minutes or "", p.decision or "", p.id,
                                               (p.position, p.title, p.minutes or "", p.decision or ""))
                                    for p in points])
        by_id = {p.id: p for p in self.points_model.rows}
        self.actions_model.set_rows([self._action_draft(x, by_id.get(x.agenda_item_id)) for x in own])
        opens = []
        for x in carried:
            draft = self._action_draft(x, None)
            draft.origin = date_de(origins.get(x.meeting_id)) if x.meeting_id else ""
            opens.append(draft)
        self.open_model.set_rows(opens)
        if m:
            self.date.set_date(m.date)
            self.start_time.setText(time_de(m.start_time))
            self.end_time.setText(time_de(m.end_time))
            self.location.setText(m.location or "")
            self.agenda_note.setPlainText(m.agenda or "")
            self.minutes_text.setPlainText(m.minutes_text or "")
        else:
            self.date.set_date(self.ctx.today())
            if suggest_from is not None:  # the time and place of the last meeting are the likely ones
                self.start_time.setText(time_de(suggest_from.start_time))
                self.end_time.setText(time_de(suggest_from.end_time))
                self.location.setText(suggest_from.location or "")
        self.open_hint.setText("Aus früheren Sitzungen, noch nicht erledigt. Ein Haken bei „erledigt“ trägt sie "
                               "mit dem Datum dieser Sitzung als erledigt ein.")
        if self.points_model.rows:
            self.points_view.selectRow(0)

    def _carried_items(self, uow) -> list[ActionItemDto]:
        if self.meeting is not None:
            return networks.open_items_for_meeting(uow, self.meeting.id)
        return networks.open_items_for_network(uow, self.network.id, self.ctx.today())  # a meeting not saved yet

    def _action_draft(self, x: ActionItemDto, point: PointDraft | None) -> ActionDraft:
        owner = owner_of(x)
        return ActionDraft(x.title, owner, owner_label(owner, self.names), date_de(x.due_on), x.due_on, point, x.id,
                           x.done_on is not None, x.done_on)

    # -- labels -----------------------------------------------------------------------------
    def _update_labels(self) -> None:
        rows = self.participants_model.rows
        present = sum(1 for p in rows if p.state == PRESENT)
        excused = sum(1 for p in rows if p.state == EXCUSED)
        self.participants_summary.setText(f"<b>{number_de(present)}</b> anwesend, "
                                          f"<b>{number_de(excused)}</b> entschuldigt")
        self.tabs.setTabText(self.TAB_PARTICIPANTS, f"Teilnahme ({present} anwesend)")
        open_now = sum(1 for a in self.open_model.rows if not a.done)
        self.open_box.setTitle(f"Offene Aufgaben ({number_de(open_now)} offen)" if self.open_model.rows
                               else "Offene Aufgaben (keine)")
        self.tabs.setTabText(self.TAB_AGENDA, f"Tagesordnung und Protokoll ({len(self.points_model.rows)} Punkte)")
        self.tabs.setTabText(self.TAB_ACTIONS, f"Aufgaben ({len(self.actions_model.rows)})")

    # -- participants -----------------------------------------------------------------------
    def _add_participant(self, hit: WhoHit) -> None:
        for n, p in enumerate(self.participants_model.rows):
            if p.who == (hit.kind, hit.id):
                self.participants_view.selectRow(n)
                return
        n = self.participants_model.append(ParticipantDraft(hit.kind, hit.id, hit.name, None, PRESENT))
        self.names[(hit.kind, hit.id)] = hit.name
        self.participants_view.selectRow(n)
        self.mark_dirty()
        self._update_labels()

    def remove_participant(self) -> None:
        index = self.participants_view.currentIndex()
        p = self.participants_model.row_at(index.row()) if index.isValid() else None
        if p is None:
            return
        if p.member_role is not None:  # members stay listed; nothing recorded for them
            p.state = None
            self.participants_model.refresh(index.row())
        else:
            self.participants_model.remove_at(index.row())
            if p.id is not None:
                self._removed_participants.append(p.id)
        self.mark_dirty()
        self._update_labels()

    # -- agenda -----------------------------------------------------------------------------
    def current_point(self) -> PointDraft | None:
        index = self.points_view.currentIndex()
        return self.points_model.row_at(index.row()) if index.isValid() else None

    def add_point(self) -> None:
        title = self.new_point.text().strip()
        if not title:
            self.new_point.setFocus()
            return
        n = self.points_model.append(PointDraft(title))
        self.new_point.clear()
        self.points_view.selectRow(n)
        self.mark_dirty()
        self._update_labels()
        self.new_point.setFocus()  # the next title; the minutes are a click away

    def move_point(self, delta: int) -> None:
        index = self.points_view.currentIndex()
        if not index.isValid():
            return
        n = self.points_model.move(index.row(), delta)
        self.points_view.selectRow(n)
        self.mark_dirty()

    def delete_point(self) -> None:
        index = self.points_view.currentIndex()
        p = self.current_point()
        if p is None:
            return
        tasks = [a for a in self.actions_model.rows if a.point is p]
        more = ("\n\nDie Aufgabe aus diesem Punkt bleibt erhalten." if len(tasks) == 1 else
                f"\n\nDie {len(tasks)} Aufgaben aus diesem Punkt bleiben erhalten." if tasks else "")
        if (p.minutes.strip() or p.decision.strip() or p.id) and not self.confirm_remove(
                self, "Punkt löschen?", f"Den Tagesordnungspunkt „{p.title}“ mit Protokoll und Beschluss "
                                        f"löschen (beim Speichern)?{more}"):
            return
        self.points_model.remove_at(index.row())
        for a in tasks:
            a.point = None  # the item stays, without its point (as the database keeps it)
        if p.id is not None:
            self._deleted_points.append(p.id)
        self.mark_dirty()
        self._update_labels()
        self._point_changed()

    def _point_changed(self) -> None:
        p = self.current_point()
        for w in (self.point_title, self.point_minutes, self.point_decision):
            w.blockSignals(True)
        self.point_title.setText(p.title if p else "")
        self.point_minutes.setPlainText(p.minutes if p else "")
        self.point_decision.setPlainText(p.decision if p else "")
        for w in (self.point_title, self.point_minutes, self.point_decision):
            w.blockSignals(False)
        self.point_form.clear_errors()
        for widget in (self.point_title, self.point_minutes, self.point_decision, self.task_button,
                       self.delete_point_button):
            widget.setEnabled(p is not None)
        row = self.points_view.currentIndex().row() if p else -1
        self.up_button.setEnabled(p is not None and row > 0)
        self.down_button.setEnabled(p is not None and row < len(self.points_model.rows) - 1)

    def _edit_point(self, attribute: str, value: str) -> None:
        p = self.current_point()
        if p is None or getattr(p, attribute) == value:
            return
        setattr(p, attribute, value)
        self.points_model.refresh(self.points_view.currentIndex().row())
        self.mark_dirty()

    # -- action items -----------------------------------------------------------------------
    def _people(self) -> list[tuple[tuple[str, int], str]]:
        """Who can own an item, first those present, then the other listed ones."""
        rows = sorted(self.participants_model.rows, key=lambda p: (p.state != PRESENT, p.kind != ORG))
        return [(p.who, p.name) for p in rows]

    def task_from_point(self) -> None:
        p = self.current_point()
        if p is not None:
            self.new_task(p)

    def new_task(self, point: PointDraft | None) -> None:
        dialog = ActionItemDialog(self.ctx, point, self._people(), self.meeting.id if self.meeting else None, self)
        if self.exec_dialog(dialog) and dialog.draft is not None:
            n = self.actions_model.append(dialog.draft)
            self.actions_view.selectRow(n)
            self.mark_dirty()
            self._update_labels()
            self.agenda_notice.setText(f"Aufgabe „{dialog.draft.title}“ für {dialog.draft.owner_name} vorgemerkt – "
                                       "sie wird mit „Speichern“ eingetragen (Reiter „Aufgaben“).")
            self.agenda_notice.show()

    def delete_task(self) -> None:
        index = self.actions_view.currentIndex()
        a = self.actions_model.row_at(index.row()) if index.isValid() else None
        if a is None:
            return
        if a.id is not None and not self.confirm_remove(self, "Aufgabe löschen?",
                                                        f"Die Aufgabe „{a.title}“ löschen (beim Speichern)?"):
            return
        self.actions_model.remove_at(index.row())
        if a.id is not None:
            self._deleted_tasks.append(a.id)
        self.mark_dirty()
        self._update_labels()

    @classmethod
    def exec_dialog(cls, dialog: QDialog) -> int:
        """Run a sub-dialog (tests replace this to fill it in)."""
        return dialog.exec()

    @classmethod
    def confirm_remove(cls, parent: QWidget, title: str, text: str) -> bool:
        from ..widgets import confirm

        return confirm(parent, title, text, "Löschen")

    # -- saving -----------------------------------------------------------------------------
    def values(self) -> dict:
        return {"date": self.date.text(), "start_time": self.start_time.text().strip(),
                "end_time": self.end_time.text().strip(), "location": self.location.text(),
                "agenda": self.agenda_note.toPlainText(), "minutes_text": self.minutes_text.toPlainText()}

    def save(self) -> bool:
        """Everything she changed in one transaction (``networks.save_meeting``): all of it is
        written, or nothing — then each problem is shown where it is and nothing typed is lost."""
        self.save_error.hide()
        self.form.clear_errors()
        self.point_form.clear_errors()
        if not confirm_frozen_write(self, self.ctx, self.date.date(), self.meeting.date if self.meeting else None):
            return False
        today = self.ctx.today()
        points = self.points_model.rows
        sent_points = [{"title": p.title, "minutes": p.minutes, "decision": p.decision, "position": n,
                        **({"id": p.id} if p.id is not None else {})} for n, p in enumerate(points, start=1)]
        changed = [p for p in self.participants_model.rows if p.state != p.stored]
        sent_participants = [{"person_id" if p.kind == PERSON else "organisation_id": p.ref_id,
                              "attended": None if p.state is None else p.state == PRESENT,
                              **({"id": p.id} if p.id is not None else {})} for p in changed]
        new_actions = [a for a in self.actions_model.rows if a.id is None]
        sent_actions = [{"title": a.title, "due_on": a.due_text, **owner_values(a.owner),
                         "point": points.index(a.point) if a.point in points else None,
                         "done_on": today if a.done else None} for a in new_actions]
        day = min(self.date.date() or today, today)  # open items are done at this meeting (ahead: today)
        ticked = [(a, today) for a in self.actions_model.rows if a.id is not None] + \
                 [(a, day) for a in self.open_model.rows]
        ticked = [(a, on) for a, on in ticked if a.done != (a.stored_done_on is not None)]
        network_id, ident = self.network.id, self.meeting.id if self.meeting else None
        try:
            with self.ctx.uow() as uow:
                saved = networks.save_meeting(
                    uow, ident, network_id=network_id, values=self.values(), points=sent_points,
                    deleted_points=list(self._deleted_points), participants=sent_participants,
                    removed_participants=list(self._removed_participants), actions=sent_actions,
                    deleted_actions=list(self._deleted_tasks),
                    done=[(a.id, on if a.done else None) for a, on in ticked])
        except ValidationError as exc:
            self._show_save_errors(exc.errors, changed, new_actions, [a for a, _on in ticked])
            return False
        except NotFound:  # the meeting itself was deleted meanwhile (elsewhere)
            self.save_error.say("Diese Sitzung gibt es nicht mehr; nichts wurde gespeichert.")
            return False
        # the drafts now hold what is stored
        self.meeting = self.saved = saved.meeting
        for p, dto in zip(points, saved.points, strict=True):
            p.id, p.stored = dto.id, (dto.position, p.title, p.minutes, p.decision)
        for p, stored in zip(changed, saved.participants, strict=True):
            p.id, p.stored = (stored.id if stored else None), p.state
        for a, item in zip(new_actions, saved.actions, strict=True):
            a.id, a.stored_done_on = item.id, item.done_on
        for (a, _on), item in zip(ticked, saved.done, strict=True):
            a.stored_done_on = item.done_on
        self._deleted_points.clear()
        self._removed_participants.clear()
        self._deleted_tasks.clear()
        self.ctx.notify("networks")
        return True

    def _show_save_errors(self, errors: dict[str, str], participants: list[ParticipantDraft],
                          actions: list[ActionDraft], ticked: list[ActionDraft]) -> None:
        """The meeting's own fields get their messages next to them; a point's go next to the
        point's fields (the first such point selected); every problem of the agenda, the
        participants and the action items is named in the line above the buttons, and the tab
        of the first one is shown."""
        own = {k: v for k, v in errors.items() if "." not in k and k not in _SAVE_PARTS}
        self.form.show_errors(own)
        lines: list[str] = []
        tabs: list[int] = []
        point_fields: dict[str, str] = {}
        first_point: int | None = None
        for key, message in errors.items():
            if key in own:
                continue
            part, _, rest = key.partition(".")
            number, _, name = rest.partition(".")
            n = int(number) if number.isdigit() else -1
            if part == "points" and 0 <= n < len(self.points_model.rows):
                title = self.points_model.rows[n].title.strip()
                lines.append(f"Punkt {n + 1}{f' „{title}“' if title else ''}: {message}")
                tabs.append(self.TAB_AGENDA)
                first_point = n if first_point is None else first_point
                if n == first_point and name in ("title", "minutes", "decision"):
                    point_fields[f"point_{name}"] = message
            elif part == "participants" and 0 <= n < len(participants):
                lines.append(f"Teilnahme {participants[n].name}: {message}")
                tabs.append(self.TAB_PARTICIPANTS)
            elif part == "actions" and 0 <= n < len(actions):
                lines.append(f"Aufgabe „{actions[n].title}“: {message}")
                tabs.append(self.TAB_ACTIONS)
                if actions[n] in self.actions_model.rows:
                    self.actions_view.selectRow(self.actions_model.rows.index(actions[n]))
            elif part == "done" and 0 <= n < len(ticked):
                lines.append(f"Aufgabe „{ticked[n].title}“ als erledigt: {message}")
                tabs.append(self.TAB_ACTIONS if ticked[n] in self.actions_model.rows else self.TAB_AGENDA)
            else:
                lines.append(message)
        if first_point is not None:
            self.points_view.selectRow(first_point)  # shows the point (and clears its old messages)
            self.point_form.show_errors(point_fields)
        if "minutes_text" in own:
            self.tabs.setCurrentIndex(self.TAB_NOTES)
        elif tabs and not own:
            self.tabs.setCurrentIndex(tabs[0])
        if lines:
            self.save_error.say("Nichts gespeichert – bitte korrigieren: " + " ".join(lines))


def _time_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText("HH:MM")
    edit.setMaxLength(5)
    edit.setFixedWidth(70)
    return edit


def _sorted_participants(rows: list[ParticipantDraft]) -> list[ParticipantDraft]:
    from ..models import german_collator

    collator = german_collator()
    return sorted(rows, key=lambda p: (p.kind != ORG, collator.sortKey(p.name)))


def meeting_title(network_name: str, m: MeetingDto) -> str:
    """„AK Soziales, 12.01.2026 09:30“ (for questions and headings)."""
    start = f" {time_de(m.start_time)}" if m.start_time else ""
    return f"{network_name}, {date_de(m.date)}{start}"


"""Ehrenamtliche*r anlegen und bearbeiten: the person, Stand, Fähigkeiten, Interessen,
Sprachen, Verfügbarkeit (the grid), notes, and the Führungszeugnis with only the three
fields the law allows (§ 72a SGB VIII) — no free text can be typed there."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import TagKind, VolunteerStatus
from kuemmerer.services import matching, volunteers
from kuemmerer.services.dto import PersonDto, VolunteerDto

from ..availability_grid import AvailabilityGrid
from ..context import AppContext
from ..formatting import date_de
from ..person_lookup import NEW, PersonLookup
from ..widgets import DateField, FieldForm, GuardedDialog, combo, set_combo_data, text_edit
from .person import PersonDialog

HINT_STYLE = "color: #555;"
VISIBLE_HITS = 5

# „einschlägiger Eintrag“: the service reads "ja" / "nein", and "" as not stated
ENTRY_ITEMS = [("keine Angabe", ""), ("nein – ohne Eintrag", "nein"), ("ja – mit einschlägigem Eintrag", "ja")]

TAG_FIELDS = (("skills", TagKind.SKILL, "Fähigkeiten", "z. B. Kochen, Nachhilfe, Fahrrad reparieren"),
              ("interests", TagKind.INTEREST, "Interessen", "z. B. Garten, Kinder, Senioren"),
              ("languages", TagKind.LANGUAGE, "Sprachen", "z. B. Deutsch, Arabisch, Russisch"))


def split_tags(text: str) -> list[str]:
    """"Kochen, Nähen,, kochen " → ["Kochen", "Nähen"] (repeats, also in other case, once)."""
    out: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


class _LastItemCompleter(QCompleter):
    """Completes the name after the last comma, keeping the ones before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(",", 1)[0] + ", " if "," in text else ""
        return head + str(index.data())


class TagEdit(QLineEdit):
    """Names of one kind (Fähigkeiten, Sprachen, …), comma separated, completed from the
    names already in use."""

    def __init__(self, names: Sequence[str] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.names_model = QStringListModel(list(names), self)
        completer = _LastItemCompleter(self.names_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    def set_known(self, names: Sequence[str]) -> None:
        self.names_model.setStringList(list(names))

    def names(self) -> list[str]:
        return split_tags(self.text())

    def set_names(self, names: Sequence[str]) -> None:
        self.setText(", ".join(names))


def tag_edits(ctx: AppContext) -> dict[str, TagEdit]:
    """One TagEdit per kind (skills, interests, languages), completing the names in use."""
    with ctx.uow(read_only=True) as uow:
        known = {key: matching.tag_names(uow, kind.value) for key, kind, _label, _hint in TAG_FIELDS}
    edits = {}
    for key, _kind, label, hint in TAG_FIELDS:
        edit = TagEdit(known[key])
        edit.setPlaceholderText(hint)
        edit.setAccessibleName(label)
        edit.setToolTip("Mehrere mit Komma trennen; vorhandene Angaben werden beim Tippen vorgeschlagen.")
        edits[key] = edit
    return edits


class PersonChooser(QWidget):
    """The person of a new volunteer: type the name (the quick capture's look-up, page by page
    in SQL), pick an existing person, or the last line "+ Neue Person anlegen: …" opens the
    person form (with its duplicate check)."""

    def __init__(self, ctx: AppContext, dialog: VolunteerDialog):
        super().__init__(dialog)
        self.ctx, self.dialog = ctx, dialog
        self.person_id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name tippen: vorhandene oder neue Person")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Person suchen")
        self.results = QListView()
        self.results.setAccessibleName("Gefundene Personen")
        self.results.hide()
        self.lookup = PersonLookup(ctx, self.search, self.results, self)
        self.model = self.lookup.model
        self.chosen = QLabel()
        self.chosen.setStyleSheet("color: #0b5394; font-weight: bold;")
        self.chosen.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.search)
        column.addWidget(self.results)
        column.addWidget(self.chosen)
        self.setFocusProxy(self.search)
        self.search.textEdited.connect(self._search_changed)
        self.lookup.picked.connect(self.pick)

    def _search_changed(self, _text: str) -> None:
        shown = self.model.rowCount() > 0
        if shown:
            lines = min(self.model.rowCount(), VISIBLE_HITS)
            self.results.setFixedHeight(self.results.sizeHintForRow(0) * lines + 2 * self.results.frameWidth() + 2)
        self.results.setVisible(shown)

    def pick(self, choice: tuple) -> None:
        """A line was taken (Enter or a click): an existing person, or a new one made in the person form."""
        kind, value, name = choice
        if kind == NEW:
            last, first = value
            created = self.dialog.ask_new_person(self.dialog, self.ctx, last, first)
            if created is None:
                self.search.setFocus()
                return
            value, name, prefix = created.id, created.display_name, "Neue Person: "
        else:
            prefix = "Gewählt: "
        self.choose(value, prefix + name)
        self.dialog.mark_dirty()
        self.dialog.person_chosen()

    def choose(self, person_id: int, text: str) -> None:
        self.person_id = person_id
        self.chosen.setText(text)
        self.chosen.show()
        self.lookup.clear()
        self.results.hide()


class VolunteerDialog(GuardedDialog):
    """A new volunteer (``volunteer`` None) or one to edit; ``saved`` holds the result."""

    def __init__(self, ctx: AppContext, volunteer: VolunteerDto | None = None, *, person_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent, "Ehrenamtliche*n bearbeiten" if volunteer else "Neue*r Ehrenamtliche*r")
        self.ctx, self.volunteer = ctx, volunteer
        self.saved: VolunteerDto | None = None
        with ctx.uow(read_only=True) as uow:
            self.renewal_years = volunteers.get_renewal_years(uow)

        # -- left: who, since when, what they can do -------------------------------------
        f = self.form = FieldForm(self)
        self.chooser: PersonChooser | None = None
        if volunteer is None:
            self.chooser = f.add("person_id", "Person", PersonChooser(ctx, self), required=True)
        else:
            f.add("person_id", "Person", QLabel(f"<b>{escape(person_name)}</b>"))
        self.status = f.add("status", "Stand", combo([(s.label, s.value) for s in VolunteerStatus]))
        self.status.setToolTip("„beendet“ braucht das Datum, an dem das Ehrenamt endete")
        self.started_on = f.add("started_on", "Ehrenamtlich seit", DateField())
        self.ended_on = f.add("ended_on", "Beendet am", DateField())
        self.tags = tag_edits(ctx)
        for key, _kind, label, _hint in TAG_FIELDS:
            f.add(key, label, self.tags[key])
        self.notes = f.add("notes", "Notizen", text_edit(height=64),
                           hint="Keine Diagnosen oder Gesundheitsdaten eintragen.")

        # -- right: when, and the clearance ------------------------------------------------
        r = self.right_form = FieldForm(self)
        self.grid = r.add("availability_slots", "Verfügbar", AvailabilityGrid())
        self.remark = r.add("availability", "Bemerkung", QLineEdit())
        self.remark.setMaxLength(200)
        self.remark.setPlaceholderText("z. B. „nur in den Schulferien“")
        self.clearance = QGroupBox("Führungszeugnis (§ 72a SGB VIII)")
        c = self.clearance_form = FieldForm(self.clearance)
        self.seen_on = c.add("clearance_seen_on", "Vorgelegt am", DateField(kind=DateKind.ORDINARY))
        self.issued_on = c.add("clearance_issued_on", "Ausgestellt am", DateField(kind=DateKind.ORDINARY))
        self.entry = c.add("clearance_relevant_entry", "Einschlägiger Eintrag", combo(ENTRY_ITEMS))
        self.entry.setEditable(False)
        self.clearance_state = QLabel()
        self.clearance_state.setWordWrap(True)
        self.clearance_state.setStyleSheet(HINT_STYLE)
        clearance_hint = QLabel("Nur diese drei Angaben werden gespeichert – kein Inhalt des Zeugnisses. "
                                f"Erneuern nach {self.renewal_years} Jahren; gelöscht drei Monate nach dem "
                                "Ende des Ehrenamts.")
        clearance_hint.setWordWrap(True)
        clearance_hint.setStyleSheet(HINT_STYLE)
        box_layout = QVBoxLayout(self.clearance)
        box_layout.addWidget(c)
        box_layout.addWidget(self.clearance_state)
        box_layout.addWidget(clearance_hint)
        right_column = QVBoxLayout()
        right_column.addWidget(r)
        right_column.addWidget(self.clearance)
        right_column.addStretch(1)
        f.adopt(r)
        f.adopt(c)

        columns = QHBoxLayout()
        columns.addWidget(f, 5, Qt.AlignmentFlag.AlignTop)
        columns.addSpacing(12)
        columns.addLayout(right_column, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(900)

        if volunteer is not None:
            self._fill(volunteer)
        self._status_changed()
        self._show_clearance_state()
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
        self.grid.changed.connect(self.mark_dirty)
        self.watch(self.status, self.started_on, self.ended_on, *self.tags.values(), self.notes,
                   self.remark, self.seen_on, self.issued_on, self.entry)
        self._set_tab_order()
        (self.chooser or self.status).setFocus()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.chooser.search, self.chooser.results] if self.chooser else []
        chain += [self.status, self.started_on.edit, self.ended_on.edit, *self.tags.values(), self.notes,
                  self.grid.first_box()]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)
        rest: list[QWidget] = [self.grid.last_box(), self.remark, self.seen_on.edit, self.issued_on.edit, self.entry,
                               self.buttons.button(self.buttons.StandardButton.Save),
                               self.buttons.button(self.buttons.StandardButton.Cancel)]
        for first, second in zip(rest, rest[1:], strict=False):
            self.setTabOrder(first, second)

    def _fill(self, v: VolunteerDto) -> None:
        set_combo_data(self.status, v.status)
        self.started_on.set_date(v.started_on)
        self.ended_on.set_date(v.ended_on)
        for key, kind, _label, _hint in TAG_FIELDS:
            self.tags[key].set_names(v.tag_names(kind.value))
        self.notes.setPlainText(v.notes or "")
        self.grid.set_value(v.availability_slots)
        self.remark.setText(v.availability or "")
        self.seen_on.set_date(v.clearance_seen_on)
        self.issued_on.set_date(v.clearance_issued_on)
        set_combo_data(self.entry, {None: "", True: "ja", False: "nein"}[v.clearance_relevant_entry])

    def _status_changed(self) -> None:
        ended = self.status.currentData() == VolunteerStatus.ENDED.value
        self.ended_on.setEnabled(ended)
        if ended and not self.ended_on.text() and self.isVisible():
            self.ended_on.setFocus()

    def _show_clearance_state(self) -> None:
        """What the services say about the stored clearance: when to renew, when it is removed."""
        v = self.volunteer
        text = ""
        if v is not None:
            removal = volunteers.clearance_removal_on(v)
            expires = volunteers.clearance_expires_on(v.clearance_issued_on, self.renewal_years)
            if removal is not None:
                text = f"Die Angaben zum Führungszeugnis werden am {date_de(removal)} gelöscht."
            elif expires is not None:
                text = f"Erneuern bis {date_de(expires)}."
        self.clearance_state.setText(text)
        self.clearance_state.setVisible(bool(text))

    def person_chosen(self) -> None:
        """After the person: on to the Stand."""
        self.status.setFocus()

    # -- hooks tests answer ---------------------------------------------------------------
    @classmethod
    def ask_new_person(cls, parent: QWidget, ctx: AppContext, last_name: str,
                       first_name: str | None) -> PersonDto | None:
        """The person form with the typed name, its duplicate check included; the new person or None."""
        dialog = PersonDialog(ctx, parent=parent)
        dialog.last_name.setText(last_name)
        dialog.first_name.setText(first_name or "")
        dialog.mark_dirty()
        return dialog.saved if dialog.exec() else None

    # -- saving ----------------------------------------------------------------------------
    def values(self) -> dict:
        ended = self.status.currentData() == VolunteerStatus.ENDED.value
        tags = [(kind.value, name) for key, kind, _l, _h in TAG_FIELDS for name in self.tags[key].names()]
        return {
            "status": self.status.currentData(),
            "started_on": self.started_on.text(),
            "ended_on": self.ended_on.text() if ended else None,
            "tags": tags,
            "notes": self.notes.toPlainText(),
            "availability_slots": self.grid.value(),
            "availability": self.remark.text(),
            "clearance_seen_on": self.seen_on.text(),
            "clearance_issued_on": self.issued_on.text(),
            "clearance_relevant_entry": self.entry.currentData(),
        }

    def save(self) -> bool:
        values = self.values()
        if self.volunteer is None:
            assert self.chooser is not None
            person_id = self.chooser.person_id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: volunteers.create_volunteer(uow, person_id=person_id, **values), "volunteers")
        else:
            ident = self.volunteer.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: volunteers.update_volunteer(uow, ident, **values), "volunteers")
        return ok


"""Anliegen anlegen/bearbeiten und Kontakte erfassen."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import ContactKind, RequestStatus
from kuemmerer.domain.errors import KuemmererError, ValidationError
from kuemmerer.services import listing, lists, persons, requests, statistics
from kuemmerer.services.dto import ContactDto, RequestDto
from kuemmerer.services.requests import ContactMove

from ..context import AppContext
from ..formatting import date_de
from ..widgets import (
    DateField,
    FieldForm,
    GuardedDialog,
    combo,
    confirm,
    confirm_frozen_write,
    set_combo_data,
    text_edit,
)


def category_items(ctx: AppContext, empty: str = "(kein Thema)") -> list[tuple[str, int | None]]:
    with ctx.uow(read_only=True) as uow:
        cats = lists.list_categories(uow, active_only=True)
    return [(empty, None), *((c.name, c.id) for c in cats)]


def status_items() -> list[tuple[str, str]]:
    return [(s.label, s.value) for s in RequestStatus]


def contact_kind_items() -> list[tuple[str, str]]:
    return [(k.label, k.value) for k in ContactKind]


class RequestDialog(GuardedDialog):
    def __init__(self, ctx: AppContext, person_id: int, person_name: str,
                 request: RequestDto | None = None, parent: QWidget | None = None):
        super().__init__(parent, "Anliegen bearbeiten" if request else "Neues Anliegen")
        self.ctx, self.person_id, self.request = ctx, person_id, request
        self.saved: RequestDto | None = None
        f = self.form = FieldForm(self)
        f.add_row("Person:", QLabel(f"<b>{person_name}</b>"))
        self.title_edit = f.add("title", "Worum geht es", QLineEdit(), required=True)
        self.category = f.add("category_id", "Thema", combo(category_items(ctx)))
        self.status = f.add("status", "Status", combo(status_items()))
        self.opened_on = f.add("opened_on", "Begonnen am", DateField())
        self.follow_up_on = f.add("follow_up_on", "Wiedervorlage", DateField())
        self.follow_up_note = f.add("follow_up_note", "Wiedervorlage – was tun", QLineEdit())
        self.description = f.add("description", "Beschreibung", text_edit(height=90))
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        if request:
            self.title_edit.setText(request.title)
            set_combo_data(self.category, request.category_id)
            set_combo_data(self.status, request.status)
            self.opened_on.set_date(request.opened_on)
            self.follow_up_on.set_date(request.follow_up_on)
            self.follow_up_note.setText(request.follow_up_note or "")
            self.description.setPlainText(request.description or "")
        else:
            self.opened_on.set_date(ctx.today())
        self.watch(self.title_edit, self.category, self.status, self.opened_on, self.follow_up_on,
                   self.follow_up_note, self.description)
        self.title_edit.setFocus()

    def save(self) -> bool:
        values = {
            "title": self.title_edit.text(), "category_id": self.category.currentData(),
            "status": self.status.currentData(), "opened_on": self.opened_on.text(),
            "follow_up_on": self.follow_up_on.text(), "follow_up_note": self.follow_up_note.text(),
            "description": self.description.toPlainText(),
        }
        if not confirm_frozen_write(self, self.ctx, self.opened_on.date(),
                                    self.request.opened_on if self.request else None):
            return False
        if self.request is None:
            def action(uow):
                return requests.create_request(uow, person_id=self.person_id, **values)
        else:
            request_id = self.request.id

            def action(uow):
                return requests.update_request(uow, request_id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "requests")
        return ok


class ContactDialog(GuardedDialog):
    """Einen Kontakt (Beratung, Telefonat, Hausbesuch…) zu einer Person/einem Anliegen.

    Editing an existing contact also offers "Andere Person…": the contact moves to the
    person picked there when it is saved (the wrong Müller)."""

    def __init__(self, ctx: AppContext, person_id: int, person_name: str, *, request_id: int | None = None,
                 request_title: str | None = None, contact: ContactDto | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, "Kontakt bearbeiten" if contact else "Kontakt erfassen")
        self.ctx, self.person_id, self.request_id, self.contact = ctx, person_id, request_id, contact
        self.saved: ContactDto | None = None
        self.moved: ContactMove | None = None
        self.move_to: tuple[int, str] | None = None
        self.move_button: QPushButton | None = None
        f = self.form = FieldForm(self)
        self.person_label = QLabel(f"<b>{escape(person_name)}</b>")
        if contact is not None:
            self.move_button = QPushButton("Andere Person…")
            self.move_button.setToolTip("Den Kontakt einer anderen Person zuordnen (z. B. der richtigen Frau Müller)")
            self.move_button.clicked.connect(self.pick_other_person)
            person_row = QWidget()
            row = QHBoxLayout(person_row)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.person_label, 1)
            row.addWidget(self.move_button)
            f.add("person_id", "Person", person_row)
        else:
            f.add_row("Person:", self.person_label)
        if request_title:
            f.add_row("Anliegen:", QLabel(escape(request_title)))
        self.date = f.add("date", "Datum", DateField(), required=True)
        self.kind = f.add("kind", "Art", combo(contact_kind_items()))
        self.duration = f.add("duration_minutes", "Dauer (Minuten)", QSpinBox())
        self.duration.setRange(0, 1440)
        self.duration.setSingleStep(5)
        self.duration.setSpecialValueText("–")
        self.category = f.add("category_id", "Thema", combo(category_items(
            ctx, "(wie das Anliegen)" if request_id else "(kein Thema)")))
        self.note = f.add("note", "Notiz", text_edit(height=90))
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        if contact:
            self.date.set_date(contact.date)
            set_combo_data(self.kind, contact.kind)
            self.duration.setValue(contact.duration_minutes or 0)
            set_combo_data(self.category, contact.category_id)
            self.note.setPlainText(contact.note or "")
        else:
            self.date.set_date(ctx.today())
        self.watch(self.date, self.kind, self.duration, self.category, self.note)
        self.note.setFocus()

    def pick_other_person(self) -> None:
        picked = PersonPicker.ask(self, self.ctx, exclude_id=self.person_id)
        if picked is None:
            return
        self.choose_person(*picked)

    def choose_person(self, person_id: int, name: str) -> None:
        """The contact will belong to ``person_id`` once saved."""
        self.move_to = (person_id, name)
        note = " – die Verbindung zum Anliegen wird gelöst" if self.request_id or (
            self.contact and self.contact.request_id) else ""
        self.person_label.setText(f"<b>{escape(name)}</b> <span style='color:#555'>(wird beim Speichern "
                                  f"verschoben{note})</span>")
        self.mark_dirty()

    def save(self) -> bool:
        values = {
            "date": self.date.text(), "kind": self.kind.currentData(),
            "duration_minutes": self.duration.value() or None, "category_id": self.category.currentData(),
            "note": self.note.toPlainText(),
        }
        old_day = self.contact.date if self.contact else None
        if not confirm_frozen_write(self, self.ctx, self.date.date(), old_day):
            return False
        if self.contact is None:
            def action(uow):
                return requests.create_contact(uow, person_id=self.person_id, request_id=self.request_id, **values)
        elif self.move_to is not None:
            contact_id, target_id = self.contact.id, self.move_to[0]

            def action(uow):
                self.moved = moved = requests.move_contact(uow, contact_id, target_id, **values)
                return moved.contact
        else:
            contact_id = self.contact.id

            def action(uow):
                return requests.update_contact(uow, contact_id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "contacts")
        return ok


class PersonPicker(QDialog):
    """Pick a person by typing part of the name (the quick capture's search)."""

    def __init__(self, ctx: AppContext, *, exclude_id: int | None = None, parent: QWidget | None = None,
                 title: str = "Andere Person wählen"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.ctx, self.exclude_id = ctx, exclude_id
        self.picked: tuple[int, str] | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name tippen, z. B. „müller anna“")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hint = QLabel("Zu welcher Person gehört der Kontakt?")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Übernehmen")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Abbrechen")
        self.buttons.accepted.connect(self.take_current)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.setMinimumSize(420, 320)
        self.search.textChanged.connect(self.refresh)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(lambda _i: self.take_current())
        self.results.itemDoubleClicked.connect(lambda _i: self.take_current())
        self._update_ok()
        self.search.setFocus()

    def refresh(self, text: str | None = None) -> None:
        text = (self.search.text() if text is None else text).strip()
        self.results.clear()
        if text:
            with self.ctx.uow(read_only=True) as uow:
                matches = listing.find_persons(uow, text, limit=12)
            for m in matches:
                if m.id == self.exclude_id:
                    continue
                item = QListWidgetItem(m.label)
                item.setData(Qt.ItemDataRole.UserRole, (m.id, m.name))
                self.results.addItem(item)
            if self.results.count():
                self.results.setCurrentRow(0)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.results.currentItem() is not None)

    def take_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.picked = tuple(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.take_current()
                return True
        return super().eventFilter(obj, event)

    @classmethod
    def ask(cls, parent: QWidget, ctx: AppContext, *, exclude_id: int | None = None) -> tuple[int, str] | None:
        """(person id, name) of the picked person, or None (tests replace this)."""
        dialog = cls(ctx, exclude_id=exclude_id, parent=parent)
        return dialog.picked if dialog.exec() == QDialog.DialogCode.Accepted else None


class ContactActions:
    """Open, move and delete a contact from wherever it is shown; ``say`` shows a line of
    German text to her (results and errors), the page refreshes through ``ctx.notify``."""

    def __init__(self, ctx: AppContext, parent: QWidget, say: Callable[[str], None]):
        self.ctx, self.parent, self.say = ctx, parent, say

    def _load(self, contact_id: int):
        with self.ctx.uow(read_only=True) as uow:
            contact = requests.contacts.get(uow, contact_id)
            person = persons.get_person(uow, contact.person_id)
            request = requests.get_request(uow, contact.request_id) if contact.request_id else None
        return contact, person, request

    def edit(self, contact_id: int) -> bool:
        try:
            contact, person, request = self._load(contact_id)
        except KuemmererError as exc:
            self.say(str(exc))
            return False
        dialog = ContactDialog(self.ctx, person.id, person.display_name, request_id=contact.request_id,
                               request_title=request.title if request else None, contact=contact,
                               parent=self.parent)
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        if saved and dialog.moved is not None:
            self.say(dialog.moved.message)
        return saved

    def move(self, contact_id: int) -> ContactMove | None:
        try:
            contact, _person, _request = self._load(contact_id)
        except KuemmererError as exc:
            self.say(str(exc))
            return None
        picked = PersonPicker.ask(self.parent, self.ctx, exclude_id=contact.person_id)
        if picked is None:
            return None
        try:
            with self.ctx.uow() as uow:
                moved = requests.move_contact(uow, contact_id, picked[0])
        except ValidationError as exc:
            self.say(" ".join(exc.errors.values()))
            return None
        except KuemmererError as exc:
            self.say(str(exc))
            return None
        self.say(f"{moved.message} Neue Person: {picked[1]}.")
        self.ctx.notify("contacts")
        return moved

    def delete(self, contact_id: int) -> bool:
        try:
            contact, person, _request = self._load(contact_id)
        except KuemmererError as exc:
            self.say(str(exc))
            return False
        with self.ctx.uow(read_only=True) as uow:
            frozen = statistics.frozen_warning(uow, contact.date)
        text = (f"Den Kontakt mit {person.display_name} vom {date_de(contact.date)} "
                f"({ContactKind(contact.kind).label}) löschen?" + (f"\n\n{frozen}" if frozen else ""))
        if not self.confirm_delete(self.parent, "Kontakt löschen?", text):
            return False
        try:
            with self.ctx.uow() as uow:
                requests.delete_contact(uow, contact_id)
        except KuemmererError as exc:
            self.say(str(exc))
            return False
        self.say("Der Kontakt wurde gelöscht.")
        self.ctx.notify("contacts")
        return True

    @classmethod
    def confirm_delete(cls, parent: QWidget, title: str, text: str) -> bool:
        """The one question before deleting (tests replace this)."""
        return confirm(parent, title, text, "Löschen")

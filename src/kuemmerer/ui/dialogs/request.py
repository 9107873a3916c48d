"""Anliegen anlegen/bearbeiten und Kontakte erfassen."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from kuemmerer.domain.enums import ContactKind, RequestStatus
from kuemmerer.services import lists, requests
from kuemmerer.services.dto import ContactDto, RequestDto

from ..context import AppContext
from ..widgets import DateField, FieldForm, GuardedDialog, combo, set_combo_data, text_edit


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
        if self.request is None:
            def action(uow):
                return requests.create_request(uow, person_id=self.person_id, **values)
        else:
            def action(uow):
                return requests.update_request(uow, self.request.id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "requests")
        return ok


class ContactDialog(GuardedDialog):
    """Einen Kontakt (Beratung, Telefonat, Hausbesuch…) zu einer Person/einem Anliegen."""

    def __init__(self, ctx: AppContext, person_id: int, person_name: str, *, request_id: int | None = None,
                 request_title: str | None = None, contact: ContactDto | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, "Kontakt bearbeiten" if contact else "Kontakt erfassen")
        self.ctx, self.person_id, self.request_id, self.contact = ctx, person_id, request_id, contact
        self.saved: ContactDto | None = None
        f = self.form = FieldForm(self)
        f.add_row("Person:", QLabel(f"<b>{person_name}</b>"))
        if request_title:
            f.add_row("Anliegen:", QLabel(request_title))
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

    def save(self) -> bool:
        values = {
            "date": self.date.text(), "kind": self.kind.currentData(),
            "duration_minutes": self.duration.value() or None, "category_id": self.category.currentData(),
            "note": self.note.toPlainText(),
        }
        if self.contact is None:
            def action(uow):
                return requests.create_contact(uow, person_id=self.person_id, request_id=self.request_id, **values)
        else:
            def action(uow):
                return requests.update_contact(uow, self.contact.id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "contacts")
        return ok

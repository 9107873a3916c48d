"""Anfrage notieren: whom she asked when, for which activity, and what they answered."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.domain.enums import InquiryAnswer
from kuemmerer.services import activities, matching
from kuemmerer.services.matching import InquiryDto

from ..context import AppContext
from ..widgets import DateField, FieldForm, GuardedDialog, combo, set_combo_data

NO_ACTIVITY = "(keine bestimmte Aktivität)"


def activity_items(ctx: AppContext, keep_id: int | None = None) -> list[tuple[str, int | None]]:
    """The activities still running (and the one an inquiry already names)."""
    with ctx.uow(read_only=True) as uow:
        found = [a for a in activities.list_activities(uow) if a.active or a.id == keep_id]
    return [(NO_ACTIVITY, None), *((a.name, a.id) for a in found)]


class InquiryDialog(GuardedDialog):
    """A new inquiry (``inquiry`` None: dated today, answer still open) or one to correct."""

    def __init__(self, ctx: AppContext, volunteer_id: int, volunteer_name: str, *,
                 inquiry: InquiryDto | None = None, activity_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, "Anfrage bearbeiten" if inquiry else "Anfrage notieren")
        self.ctx, self.volunteer_id, self.inquiry = ctx, volunteer_id, inquiry
        self.saved: InquiryDto | None = None
        f = self.form = FieldForm(self)
        f.add_row("Ehrenamtliche*r:", QLabel(f"<b>{escape(volunteer_name)}</b>"))
        self.asked_on = f.add("asked_on", "Gefragt am", DateField(), required=True)
        self.activity = f.add("activity_id", "Wofür", combo(
            activity_items(ctx, inquiry.activity_id if inquiry else activity_id)))
        self.activity.setToolTip("Für welche Aktivität sie gefragt wurde (kann leer bleiben)")
        self.answer = f.add("answer", "Antwort", combo([(a.label, a.value) for a in InquiryAnswer]))
        self.note = f.add("note", "Notiz", QLineEdit())
        self.note.setMaxLength(300)
        self.note.setPlaceholderText("kurz, z. B. „kann erst ab 16 Uhr“ (Enter speichert)")
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        if inquiry is not None:
            self.asked_on.set_date(inquiry.asked_on)
            set_combo_data(self.activity, inquiry.activity_id)
            set_combo_data(self.answer, inquiry.answer)
            self.note.setText(inquiry.note or "")
        else:
            self.asked_on.set_date(ctx.today())
            set_combo_data(self.activity, activity_id)
        self.watch(self.asked_on, self.activity, self.answer, self.note)
        self.answer.setFocus()

    def values(self) -> dict:
        return {"asked_on": self.asked_on.text(), "activity_id": self.activity.currentData(),
                "answer": self.answer.currentData(), "note": self.note.text()}

    def save(self) -> bool:
        values = self.values()
        if self.inquiry is None:
            vid = self.volunteer_id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: matching.record_inquiry(uow, volunteer_id=vid, **values), "volunteers")
        else:
            ident = self.inquiry.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: matching.update_inquiry(uow, ident, **values), "volunteers")
        return ok

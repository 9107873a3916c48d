"""Aktivität anlegen und bearbeiten: Name, Art, Stadtgebiet, Ort, Beschreibung, Zeitraum,
Handlungsfeld, Förderung, aktiv."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QCompleter, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.domain.enums import ActivityKind
from kuemmerer.services import activities, activity_overview, lists
from kuemmerer.services.dto import ActivityDto

from ..context import AppContext
from ..widgets import DateField, FieldForm, GuardedDialog, combo, set_combo_data, text_edit
from .person import district_items


def kind_items() -> list[tuple[str, str]]:
    return [(k.label, k.value) for k in ActivityKind]


def action_field_items(ctx: AppContext, keep: int | None = None) -> list[tuple[str, int | None]]:
    """The active Handlungsfelder in her order; the one an activity has keeps its place even
    if she has switched it off since."""
    with ctx.uow(read_only=True) as uow:
        fields = [f for f in lists.list_action_fields(uow) if f.active or f.id == keep]
    return [("(keins)", None), *((f.name, f.id) for f in fields)]


class ActivityDialog(GuardedDialog):
    """Neue Aktivität (``activity`` None) oder Aktivität bearbeiten."""

    def __init__(self, ctx: AppContext, activity: ActivityDto | None = None, parent: QWidget | None = None):
        super().__init__(parent, "Aktivität bearbeiten" if activity else "Neue Aktivität")
        self.ctx = ctx
        self.activity = activity
        self.saved: ActivityDto | None = None
        with ctx.uow(read_only=True) as uow:
            funders = activity_overview.funder_names(uow)
        f = self.form = FieldForm(self)
        self.name = f.add("name", "Name", QLineEdit(), required=True)
        self.name.setPlaceholderText("z. B. Café international, Frühjahrsputz")
        self.kind = f.add("kind", "Art", combo(kind_items()))
        districts = district_items(ctx, with_unknown="(ohne)")
        if activity and activity.district_id is not None and activity.district_id not in {d for _n, d in districts}:
            with ctx.uow(read_only=True) as uow:  # a district she has switched off since
                districts += [(d.name, d.id) for d in lists.list_districts(uow) if d.id == activity.district_id]
        self.district = f.add("district_id", "Stadtgebiet", combo(districts))
        self.location = f.add("location", "Ort", QLineEdit())
        self.location.setPlaceholderText("z. B. Bürgerhaus, Raum 2 – gilt für alle Termine ohne eigenen Ort")
        self.description = f.add("description", "Beschreibung", text_edit(height=80))
        self.starts_on = f.add("starts_on", "Beginn", DateField())
        self.ends_on = f.add("ends_on", "Ende", DateField(placeholder="offen"))
        self.action_field = f.add("action_field_id", "Handlungsfeld",
                                  combo(action_field_items(ctx, activity.action_field_id if activity else None)))
        self.funder = f.add("funder", "Förderung", QLineEdit(),
                            hint="Fördermittelgeber oder Programm, z. B. „Soziale Stadt“, „ESF Plus“")
        completer = QCompleter(funders, self.funder)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.funder.setCompleter(completer)
        self.active = QCheckBox("aktiv (läuft noch)")
        self.active.setChecked(True)
        self.active.setToolTip("Nicht mehr aktive Aktivitäten stehen nur unter „alle“ in der Liste.")
        f.add("active", "Stand", self.active)
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        if activity:
            self._fill(activity)
        self.watch(self.name, self.kind, self.district, self.location, self.description, self.starts_on,
                   self.ends_on, self.action_field, self.funder, self.active)
        self.name.setFocus()

    def _fill(self, a: ActivityDto) -> None:
        self.name.setText(a.name)
        set_combo_data(self.kind, a.kind)
        set_combo_data(self.district, a.district_id)
        self.location.setText(a.location or "")
        self.description.setPlainText(a.description or "")
        self.starts_on.set_date(a.starts_on)
        self.ends_on.set_date(a.ends_on)
        set_combo_data(self.action_field, a.action_field_id)
        self.funder.setText(a.funder or "")
        self.active.setChecked(a.active)

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "district_id": self.district.currentData(),
            "location": self.location.text(),
            "description": self.description.toPlainText(),
            "starts_on": self.starts_on.text(),
            "ends_on": self.ends_on.text(),
            "action_field_id": self.action_field.currentData(),
            "funder": self.funder.text(),
            "active": self.active.isChecked(),
        }

    def save(self) -> bool:
        values = self.values()
        if self.activity is None:
            ok, self.saved = self.form.submit(self.ctx, lambda uow: activities.create_activity(uow, **values),
                                              "activities")
        else:
            ident = self.activity.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: activities.update_activity(uow, ident, **values), "activities")
        return ok

"""Strichliste: einen anonymen Eintrag anlegen oder korrigieren."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from kuemmerer.domain.enums import AgeBand
from kuemmerer.services import lists, requests
from kuemmerer.services.dto import AnonymousTallyDto

from ..context import AppContext
from ..widgets import DateField, FieldForm, GuardedDialog, combo, confirm_frozen_write, set_combo_data
from .person import district_items, gender_items
from .request import category_items, contact_kind_items


def age_band_items() -> list[tuple[str, str]]:
    return [(AgeBand.UNKNOWN.label, AgeBand.UNKNOWN.value),
            *((a.label, a.value) for a in AgeBand if a is not AgeBand.UNKNOWN)]


def _keep_inactive(box: QComboBox, ident: int | None, names: dict[int, str]) -> None:
    """An entry from a list item she has since switched off stays choosable (and chosen)."""
    if ident is not None and box.findData(ident) < 0:
        box.addItem(f"{names.get(ident, '?')} (nicht mehr aktiv)", ident)


class TallyDialog(GuardedDialog):
    """Ein Strichlisten-Eintrag: Datum, Art, Stadtgebiet, Geschlecht, Altersgruppe, Thema, Anzahl, Notiz.
    ``tally`` None = neuer Eintrag (am Tag ``day``)."""

    def __init__(self, ctx: AppContext, tally: AnonymousTallyDto | None = None, *, day: dt.date | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, "Strichliste – Eintrag bearbeiten" if tally else "Strichliste – anonym zählen")
        self.ctx, self.tally = ctx, tally
        self.saved: AnonymousTallyDto | None = None
        f = self.form = FieldForm(self)
        self.date = f.add("date", "Datum", DateField(), required=True)
        self.kind = f.add("kind", "Art", combo(contact_kind_items()))
        self.district = f.add("district_id", "Stadtgebiet", combo(district_items(ctx)))
        self.gender = f.add("gender", "Geschlecht", combo(gender_items()))
        self.age_band = f.add("age_band", "Altersgruppe", combo(age_band_items()))
        self.category = f.add("category_id", "Thema", combo(category_items(ctx)))
        self.count = f.add("count", "Anzahl", QSpinBox(), required=True,
                           hint="Wie viele Personen mit diesen Merkmalen (z. B. eine Familie)")
        self.count.setRange(1, 1000)
        self.note = f.add("note", "Notiz", QLineEdit())
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("kurz, ohne Namen")
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        if tally is not None:
            with ctx.uow(read_only=True) as uow:
                districts = {d.id: d.name for d in lists.list_districts(uow)}
                categories = {c.id: c.name for c in lists.list_categories(uow)}
            _keep_inactive(self.district, tally.district_id, districts)
            _keep_inactive(self.category, tally.category_id, categories)
            self.date.set_date(tally.date)
            set_combo_data(self.kind, tally.kind)
            set_combo_data(self.district, tally.district_id)
            set_combo_data(self.gender, tally.gender)
            set_combo_data(self.age_band, tally.age_band)
            set_combo_data(self.category, tally.category_id)
            self.count.setValue(tally.count)
            self.note.setText(tally.note or "")
        else:
            self.date.set_date(day or ctx.today())
            self.count.setValue(1)
        self.watch(self.date, self.kind, self.district, self.gender, self.age_band, self.category, self.count,
                   self.note)
        self.district.setFocus()

    def values(self) -> dict:
        return {"date": self.date.text(), "kind": self.kind.currentData(), "district_id": self.district.currentData(),
                "gender": self.gender.currentData(), "age_band": self.age_band.currentData(),
                "category_id": self.category.currentData(), "count": self.count.value(),
                "note": self.note.text()}

    def save(self) -> bool:
        values = self.values()
        if not confirm_frozen_write(self, self.ctx, self.date.date(), self.tally.date if self.tally else None):
            return False
        if self.tally is None:
            def action(uow):
                return requests.record_anonymous(uow, **values)
        else:
            tally_id = self.tally.id

            def action(uow):
                return requests.update_anonymous(uow, tally_id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "tallies")
        return ok

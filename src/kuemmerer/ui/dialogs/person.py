"""Anlegen und Bearbeiten einer Person."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import Gender
from kuemmerer.services import listing, lists, persons
from kuemmerer.services.dto import PersonDto

from ..context import AppContext
from ..formatting import date_de
from ..widgets import DateField, FieldForm, GuardedDialog, combo, set_combo_data, text_edit


def district_items(ctx: AppContext, *, with_unknown: str = "unbekannt") -> list[tuple[str, int | None]]:
    with ctx.uow(read_only=True) as uow:
        districts = lists.list_districts(uow, active_only=True)
    return [(with_unknown, None), *((d.name, d.id) for d in districts)]


def district_filter_items(ctx: AppContext) -> list[tuple[str, int | None]]:
    """For list filters: all, each district, and "no district recorded"."""
    return [("Alle Stadtgebiete", None), *district_items(ctx)[1:],
            ("Stadtgebiet unbekannt", listing.UNKNOWN_DISTRICT)]


def gender_items() -> list[tuple[str, str]]:
    return [(g.label, g.value) for g in (Gender.UNSTATED, Gender.FEMALE, Gender.MALE, Gender.DIVERSE)]


class PersonDialog(GuardedDialog):
    """Stammdaten einer Person; ``person`` None = neue Person."""

    def __init__(self, ctx: AppContext, person: PersonDto | None = None, parent: QWidget | None = None):
        super().__init__(parent, "Person bearbeiten" if person else "Neue Person")
        self.ctx = ctx
        self.person = person
        self.saved: PersonDto | None = None
        f = self.form = FieldForm(self)
        self.last_name = f.add("last_name", "Nachname", QLineEdit(), required=True)
        self.first_name = f.add("first_name", "Vorname", QLineEdit())
        self.birth_date = f.add("birth_date", "Geburtsdatum", DateField(kind=DateKind.BIRTH))
        self.gender = f.add("gender", "Geschlecht", combo(gender_items()))
        self.district = f.add("district_id", "Stadtgebiet", combo(district_items(ctx)))
        self.street = f.add("street", "Straße, Nr.", QLineEdit())
        self.street_hint = QLabel()
        self.street_hint.setObjectName("street_hint")
        self.street_hint.setStyleSheet("color: #555;")
        self.street_hint.setWordWrap(True)
        self.street_hint.hide()
        street_box = self.street.parentWidget()
        street_column = street_box.layout() if street_box is not None else None
        assert isinstance(street_column, QVBoxLayout), "FieldForm.add puts each field in a QVBoxLayout column"
        street_column.insertWidget(1, self.street_hint)
        self.postcode = f.add("postcode", "PLZ", QLineEdit())
        self.postcode.setMaxLength(5)
        self.city = f.add("city", "Ort", QLineEdit())
        self.phone = f.add("phone", "Telefon", QLineEdit())
        self.email = f.add("email", "E-Mail", QLineEdit())
        self.languages = f.add("languages", "Sprachen", QLineEdit())
        self.notes = f.add("notes", "Notizen", text_edit(height=80),
                           hint="Keine Diagnosen oder Gesundheitsdaten eintragen.")
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        # the district follows the street only while she has not chosen one herself
        self._district_chosen = bool(person and person.district_id is not None)
        self._suggested: int | None = None
        if person:
            self._fill(person)
        self.district.activated.connect(self._district_picked)
        self.street.textEdited.connect(self._suggest_district)
        self.watch(self.last_name, self.first_name, self.birth_date, self.gender, self.district,
                   self.street, self.postcode, self.city, self.phone, self.email, self.languages, self.notes)
        self.last_name.setFocus()

    def _district_picked(self, _index: int) -> None:
        self._district_chosen = True
        self._suggested = None
        self._suggest_district(self.street.text())

    def _suggest_district(self, street: str) -> None:
        """Typing the street suggests the district from her street lists; her choice wins."""
        with self.ctx.uow(read_only=True) as uow:
            suggestion = lists.suggest_district(uow, street)
        current = self.district.currentData()
        if not self._district_chosen:
            wanted = suggestion.id if suggestion else None
            if wanted != current and self.district.findData(wanted) >= 0:
                set_combo_data(self.district, wanted)
            self._suggested = wanted
            if suggestion:
                self.street_hint.setText(f"Nach der Straßenliste: {suggestion.name}")
        elif suggestion and suggestion.id != current:
            self.street_hint.setText(f"Laut Straßenliste gehört die Straße zu {suggestion.name}.")
        else:
            suggestion = None
        self.street_hint.setVisible(suggestion is not None)

    def _fill(self, p: PersonDto) -> None:
        self.last_name.setText(p.last_name)
        self.first_name.setText(p.first_name or "")
        self.birth_date.set_date(p.birth_date)
        set_combo_data(self.gender, p.gender)
        set_combo_data(self.district, p.district_id)
        for widget, value in ((self.street, p.street), (self.postcode, p.postcode), (self.city, p.city),
                              (self.phone, p.phone), (self.email, p.email), (self.languages, p.languages)):
            widget.setText(value or "")
        self.notes.setPlainText(p.notes or "")

    def values(self) -> dict:
        return {
            "last_name": self.last_name.text(),
            "first_name": self.first_name.text(),
            "birth_date": self.birth_date.text(),
            "gender": self.gender.currentData(),
            "district_id": self.district.currentData(),
            "street": self.street.text(),
            "postcode": self.postcode.text(),
            "city": self.city.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
            "languages": self.languages.text(),
            "notes": self.notes.toPlainText(),
        }

    def save(self) -> bool:
        values = self.values()
        if self.person is None:
            with self.ctx.uow(read_only=True) as uow:
                similar = persons.similar_persons(
                    uow, last_name=values["last_name"], first_name=values["first_name"],
                    birth_date=self.birth_date.date(), street=values["street"])
            if similar and not self.confirm_duplicate(self, similar):
                return False
            ok, self.saved = self.form.submit(self.ctx, lambda uow: persons.create_person(uow, **values), "persons")
        else:
            person_id = self.person.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: persons.update_person(uow, person_id, **values), "persons")
        return ok

    @classmethod
    def confirm_duplicate(cls, parent: QWidget, similar: list[PersonDto]) -> bool:
        """Warn that the new person may already exist (tests replace this)."""
        names = "\n".join(
            f"• {p.display_name}" + (f", geb. {date_de(p.birth_date)}" if p.birth_date else "")
            + (f", {p.street}" if p.street else "") for p in similar[:5])
        box = QMessageBox(QMessageBox.Icon.Warning, "Gibt es diese Person schon?",
                          "Es gibt schon eine Person mit gleichem Namen und gleichem Geburtsdatum "
                          f"oder gleicher Anschrift:\n\n{names}\n\nTrotzdem neu anlegen?", parent=parent)
        create = box.addButton("Trotzdem anlegen", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("Zurück", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.exec()
        return box.clickedButton() is create

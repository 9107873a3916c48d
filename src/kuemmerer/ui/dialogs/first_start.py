"""Erster Start: Briefkopf und Stadtgebiete eintragen – beides darf auch später kommen."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import lists, settings

from ..context import AppContext
from ..widgets import FieldForm, GuardedDialog, text_edit
from .letterhead import LetterheadForm


class FirstStartDialog(GuardedDialog):
    """Letterhead and districts in one step; what stays empty is skipped, "Später" skips all.
    Both are written in one transaction: bad input anywhere writes nothing."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "Willkommen bei Kümmerer")
        self.ctx = ctx
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("Später")
        intro = QLabel("<h3>Willkommen!</h3>Die Datenbank wurde neu angelegt. Zwei Dinge helfen von Anfang an: "
                       "der <b>Briefkopf</b> Ihres Büros (er erscheint auf Vermittlungsbögen, Teilnehmerlisten "
                       "und Berichten) und die <b>Stadtgebiete</b> Ihres Projektgebiets (damit jeder Besuch im "
                       "richtigen Stadtgebiet gezählt wird). Was Sie jetzt nicht wissen, lassen Sie leer – "
                       "alles lässt sich später unter „Einstellungen“ eintragen und ändern.")
        intro.setWordWrap(True)

        letterhead_box = QGroupBox("Briefkopf")
        self.letterhead = LetterheadForm(ctx, letterhead_box)
        QVBoxLayout(letterhead_box).addWidget(self.letterhead)

        districts_box = QGroupBox("Stadtgebiete")
        self.districts_form = FieldForm(districts_box)
        self.districts = self.districts_form.add(
            "districts", "Stadtgebiete", text_edit(height=200),
            hint="Ein Name je Zeile, z. B. Kappel, Hutholz, Morgenleite. „außerhalb“ gibt es schon. "
                 "Straßen je Stadtgebiet können Sie später unter „Einstellungen“ ergänzen.")
        QVBoxLayout(districts_box).addWidget(self.districts_form)
        self.letterhead.form.adopt(self.districts_form)  # one form shows the errors of both

        columns = QHBoxLayout()
        columns.addWidget(letterhead_box, 3)
        columns.addWidget(districts_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(880)
        self.watch(*self.letterhead.edits.values(), self.districts)
        self.setTabOrder(list(self.letterhead.edits.values())[-1], self.districts)
        self.letterhead.edits["office_name"].setFocus()

    def letterhead_values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.letterhead.edits.items()}

    def save(self) -> bool:
        values = self.letterhead_values()
        with_letterhead = any(v.strip() for v in values.values())
        names = self.districts.toPlainText()
        with_districts = bool(names.strip())
        if not (with_letterhead or with_districts):
            return True  # nothing typed: like "Später"

        def write(uow) -> None:
            if with_districts:  # the letterhead, if any, commits both at once
                lists.add_districts(uow, names, commit=not with_letterhead)
            if with_letterhead:
                settings.set_letterhead(uow, **values)

        form = self.letterhead.form
        try:
            with self.ctx.uow() as uow:
                write(uow)
        except ValidationError as exc:
            form.show_errors(exc.errors)
            return False
        form.clear_errors()
        if with_letterhead:
            self.ctx.notify("settings")
        if with_districts:
            self.ctx.notify("districts")
        return True

"""Sprechstunde: einen Besuch in Sekunden erfassen – mit Namen oder anonym."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import AgeBand
from kuemmerer.services import desk, listing
from kuemmerer.services.desk import WalkIn
from kuemmerer.services.listing import PersonMatch

from ..context import AppContext
from ..formatting import date_de
from ..person_lookup import EXISTING, NEW, PersonLookup, split_new_name
from ..widgets import DateField, FieldForm, GuardedDialog, combo, confirm, confirm_frozen_write
from .person import district_items, gender_items
from .request import category_items

__all__ = ["VISIBLE_ROWS", "QuickCaptureDialog", "split_new_name"]  # split_new_name: still imported from here

VISIBLE_ROWS = 8  # the list shows this many lines, then scrolls


class QuickCaptureDialog(GuardedDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, "Sprechstunde – Besuch erfassen")
        self.ctx = ctx
        self.result_walk_in: WalkIn | None = None
        self.buttons.button(self.buttons.StandardButton.Save).setText("Speichern (Enter)")
        f = self.form = FieldForm(self)
        f.add_row("Datum:", QLabel(f"<b>heute, {date_de(ctx.today())}</b>"))

        person_box = QWidget()
        col = QVBoxLayout(person_box)
        col.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name tippen – vorhandene Person wählen oder neue anlegen")
        self.search.setClearButtonEnabled(True)
        self.anonymous = QCheckBox("anonym")
        self.anonymous.setToolTip("Nur zählen: Stadtgebiet, Geschlecht und Altersgruppe, kein Name")
        row.addWidget(self.search, 1)
        row.addWidget(self.anonymous)
        col.addLayout(row)
        self.hits = QLabel()
        self.hits.setStyleSheet("color: #555;")
        self.hits.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        col.addWidget(self.hits)
        self.results = QListView()
        self.lookup = PersonLookup(ctx, self.search, self.results, self)  # typing, ↓, Enter, paging
        self.model = self.lookup.model
        col.addWidget(self.results)
        self.chosen = QLabel()
        self.chosen.setStyleSheet("color: #0b5394; font-weight: bold;")
        self.chosen.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        col.addWidget(self.chosen)
        f.add("person", "Person", person_box, required=True)

        self.district = f.add("district_id", "Stadtgebiet", combo(district_items(ctx)))
        self.gender = f.add("gender", "Geschlecht", combo(gender_items()))
        self.age_band = f.add("age_band", "Altersgruppe", combo(
            [(AgeBand.UNKNOWN.label, AgeBand.UNKNOWN.value),
             *((a.label, a.value) for a in AgeBand if a is not AgeBand.UNKNOWN)]))
        self.category = f.add("category_id", "Thema", combo(category_items(ctx)))
        self.note = f.add("note", "Notiz", QLineEdit())
        self.note.setPlaceholderText("kurz: worum ging es? (Enter speichert)")
        self.open_request = QCheckBox("Anliegen eröffnen")
        f.add_row("", self.open_request)
        self.request_title = f.add("request_title", "Titel des Anliegens", QLineEdit())
        self.request_title.setPlaceholderText("leer = Thema als Titel")
        self.follow_up = f.add("follow_up_on", "Wiedervorlage", DateField())

        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self._set_tab_order()

        self.lookup.searched.connect(self._searched)
        self.lookup.picked.connect(self._pick)
        self.anonymous.toggled.connect(self._update_visibility)
        self.open_request.toggled.connect(self._update_visibility)
        self.watch(self.search, self.anonymous, self.category, self.note, self.open_request,
                   self.request_title, self.follow_up, self.district, self.gender, self.age_band)
        self._choice: tuple[str, object] | None = None
        self._update_visibility()
        self.search.setFocus()

    def _set_tab_order(self) -> None:
        """Tab goes the way the eye reads, for every variant (named, new person, anonymous):
        hidden or disabled fields drop out of the chain by themselves."""
        save = self.buttons.button(self.buttons.StandardButton.Save)
        cancel = self.buttons.button(self.buttons.StandardButton.Cancel)
        chain = [self.search, self.anonymous, self.results, self.district, self.gender, self.age_band,
                 self.category, self.note, self.open_request, self.request_title, self.follow_up.edit,
                 save, cancel]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    # -- hooks tests answer ----------------------------------------------------------------
    @classmethod
    def ask_create_namesake(cls, parent: QWidget, name: str, namesakes: Sequence[PersonMatch]) -> bool:
        """There are persons of that name already: create another one anyway?"""
        shown = "\n".join(f"• {m.line}" for m in namesakes[:VISIBLE_ROWS])
        more = len(namesakes) - VISIBLE_ROWS
        if more > 0:
            shown += f"\n… und {more} weitere"
        who = "eine Person" if len(namesakes) == 1 else f"{len(namesakes)} Personen"
        return confirm(parent, "Namensgleiche Person",
                       f"Es gibt schon {who} namens {name}:\n\n{shown}\n\n"
                       "Ist es wirklich jemand anderes? Dann legen Sie eine neue Person an; "
                       "sonst wählen Sie die vorhandene aus der Liste.",
                       "Trotzdem neu anlegen", "Vorhandene wählen")

    # -- choosing the person ------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        """Search as if she had typed ``text`` into the name field."""
        self.lookup.search(text)

    def _searched(self, _text: str) -> None:
        """A new search: whatever was chosen before is gone."""
        self._choice = None
        self.chosen.clear()
        self._update_visibility()

    def _pick(self, choice: Any) -> None:
        """She took a line of the list (Enter or a click): a person, or a new one."""
        kind, value, name = choice
        if kind == NEW:
            last, first = value
            with self.ctx.uow(read_only=True) as uow:
                same = listing.namesakes(uow, last, first)
            if same and not self.ask_create_namesake(self, " ".join(p for p in (first, last) if p), same):
                self._show_namesakes(same, last)
                return
        self._choice = (kind, value)
        self.chosen.setText(("Neue Person: " if kind == NEW else "Gewählt: ") + name)
        self.model.set_search("")
        self.mark_dirty()
        self._update_visibility()
        (self.district if kind == NEW else self.category).setFocus()

    def _show_namesakes(self, same: Sequence[PersonMatch], last_name: str) -> None:
        """She said "choose the existing one": the list, with the first namesake selected
        (searching by the last name alone if the typed name did not list them all)."""
        rows = self._rows_of(same)
        if len(rows) < len(same):
            self.search.setText(last_name)
            self._search_changed(last_name)
            rows = self._rows_of(same)
        if rows:
            self.results.setCurrentIndex(self.model.index(rows[0]))
        self.results.setFocus()

    def _rows_of(self, matches: Sequence[PersonMatch]) -> list[int]:
        wanted = {m.id for m in matches}
        return [row for row in range(self.model.total)
                if (m := self.model.match_at(row)) is not None and m.id in wanted]

    def _update_visibility(self) -> None:
        anonymous = self.anonymous.isChecked()
        new_person = self._choice is not None and self._choice[0] == NEW
        listing_shown = not anonymous and self.model.rowCount() > 0
        self.search.setEnabled(not anonymous)
        self.results.setVisible(listing_shown)
        self.hits.setVisible(listing_shown)
        self.hits.setText(self.model.hits_text())
        if listing_shown:
            lines = min(self.model.rowCount(), VISIBLE_ROWS)
            self.results.setFixedHeight(self.results.sizeHintForRow(0) * lines + 2 * self.results.frameWidth() + 2)
        self.chosen.setVisible(not anonymous and bool(self.chosen.text()))
        for name, visible in (("district_id", anonymous or new_person), ("gender", anonymous or new_person),
                              ("age_band", anonymous), ("request_title", self.open_request.isChecked()),
                              ("follow_up_on", self.open_request.isChecked())):
            box = self.form.fields[name].parentWidget()
            assert box is not None, "FieldForm.add puts every field in a box"
            box.setVisible(visible)
            self.form.labels[name].setVisible(visible)
        self.open_request.setEnabled(not anonymous)
        if anonymous and self.open_request.isChecked():
            self.open_request.setChecked(False)
        # the new heights reach the layouts as posted events: apply them before fitting the size
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.adjustSize()

    # -- saving ---------------------------------------------------------------------
    def save(self) -> bool:
        if not confirm_frozen_write(self, self.ctx, self.ctx.today()):
            return False
        with_request = self.open_request.isChecked() and not self.anonymous.isChecked()
        kwargs: dict = {"category_id": self.category.currentData(), "note": self.note.text(),
                        "open_request": with_request,
                        "request_title": self.request_title.text() if with_request else None,
                        "follow_up_on": self.follow_up.text() if with_request else None}
        if self.anonymous.isChecked():
            kwargs.update(anonymous=True, district_id=self.district.currentData(),
                          gender=self.gender.currentData(), age_band=self.age_band.currentData())
        elif self._choice and self._choice[0] == EXISTING:
            kwargs["person_id"] = self._choice[1]
        elif self._choice and self._choice[0] == NEW:
            new_name = self._choice[1]
            assert isinstance(new_name, tuple), "a new person is chosen as (last name, first name)"
            last, first = new_name
            kwargs.update(new_last_name=last, new_first_name=first, district_id=self.district.currentData(),
                          gender=self.gender.currentData())
        ok, self.result_walk_in = self.form.submit(self.ctx, lambda uow: desk.record_walk_in(uow, **kwargs),
                                                   "contacts")
        return ok

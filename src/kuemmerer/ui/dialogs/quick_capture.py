"""Sprechstunde: einen Besuch in Sekunden erfassen – mit Namen oder anonym."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import AgeBand
from kuemmerer.services import desk, listing
from kuemmerer.services.desk import WalkIn

from ..context import AppContext
from ..formatting import date_de
from ..widgets import DateField, FieldForm, GuardedDialog, combo
from .person import district_items, gender_items
from .request import category_items

NEW = "new"
EXISTING = "person"


def split_new_name(text: str) -> tuple[str, str | None]:
    """"Müller, Anna" → ("Müller", "Anna"); "Anna Müller" → ("Müller", "Anna"); "Müller" → ("Müller", None)."""
    text = " ".join(text.split())
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return last, first or None
    words = text.split(" ")
    if len(words) == 1:
        return words[0], None
    return words[-1], " ".join(words[:-1])


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
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        col.addWidget(self.results)
        self.chosen = QLabel()
        self.chosen.setStyleSheet("color: #0b5394; font-weight: bold;")
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
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self.search.textEdited.connect(self._search_changed)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(self._pick_item)
        self.results.itemClicked.connect(self._pick_item)
        self.anonymous.toggled.connect(self._update_visibility)
        self.open_request.toggled.connect(self._update_visibility)
        self.watch(self.search, self.anonymous, self.category, self.note, self.open_request,
                   self.request_title, self.follow_up, self.district, self.gender, self.age_band)
        self._choice: tuple[str, object] | None = None
        self._update_visibility()
        self.search.setFocus()

    # -- choosing the person ------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        self._choice = None
        self.chosen.clear()
        self.results.clear()
        text = text.strip()
        if not text:
            self._update_visibility()
            return
        with self.ctx.uow(read_only=True) as uow:
            matches = listing.find_persons(uow, text, limit=6)
        for m in matches:
            item = QListWidgetItem(m.label)
            item.setData(Qt.ItemDataRole.UserRole, (EXISTING, m.id, m.name))
            self.results.addItem(item)
        last, first = split_new_name(text)
        label = f"+ Neue Person anlegen: {last}" + (f", {first}" if first else "")
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, (NEW, (last, first), f"{last}, {first}" if first else last))
        self.results.addItem(item)
        self.results.setCurrentRow(0)
        rows = self.results.count()
        self.results.setFixedHeight(self.results.sizeHintForRow(0) * rows + 2 * self.results.frameWidth() + 2)
        self._update_visibility()

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        kind, value, name = item.data(Qt.ItemDataRole.UserRole)
        self._choice = (kind, value)
        self.chosen.setText(("Neue Person: " if kind == NEW else "Gewählt: ") + name)
        self.results.clear()
        self.mark_dirty()
        self._update_visibility()
        self.category.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.count():
                self._pick_item(self.results.currentItem())
                return True
        return super().eventFilter(obj, event)

    def _update_visibility(self) -> None:
        anonymous = self.anonymous.isChecked()
        new_person = self._choice is not None and self._choice[0] == NEW
        self.search.setEnabled(not anonymous)
        self.results.setVisible(not anonymous and self.results.count() > 0)
        self.chosen.setVisible(not anonymous and bool(self.chosen.text()))
        for name, visible in (("district_id", anonymous or new_person), ("gender", anonymous or new_person),
                              ("age_band", anonymous), ("request_title", self.open_request.isChecked()),
                              ("follow_up_on", self.open_request.isChecked())):
            self.form.fields[name].parentWidget().setVisible(visible)
            self.form.labels[name].setVisible(visible)
        self.open_request.setEnabled(not anonymous)
        if anonymous and self.open_request.isChecked():
            self.open_request.setChecked(False)
        self.adjustSize()

    # -- saving ---------------------------------------------------------------------
    def save(self) -> bool:
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
            last, first = self._choice[1]
            kwargs.update(new_last_name=last, new_first_name=first, district_id=self.district.currentData(),
                          gender=self.gender.currentData())
        ok, self.result_walk_in = self.form.submit(self.ctx, lambda uow: desk.record_walk_in(uow, **kwargs),
                                                   "contacts")
        return ok

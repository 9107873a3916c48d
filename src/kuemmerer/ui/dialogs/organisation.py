"""Kooperationspartner anlegen und bearbeiten: Angebote, Öffnungszeiten, Ansprechperson."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import OrganisationKind
from kuemmerer.domain.rules import WEEKDAYS
from kuemmerer.services import lists, partners
from kuemmerer.services.dto import OrganisationDto

from ..context import AppContext
from ..formatting import time_de
from ..widgets import FieldForm, GuardedDialog, combo, set_combo_data, text_edit

SERVICE_ID_ROLE = Qt.ItemDataRole.UserRole


def kind_items() -> list[tuple[str, str]]:
    return [(k.label, k.value) for k in OrganisationKind]


class HoursRow(QWidget):
    """One line of the weekly hours: Wochentag, von, bis, Hinweis, Entfernen."""

    edited = Signal()
    remove_requested = Signal(object)

    def __init__(self, weekday: int = 0, opens: str = "", closes: str = "", note: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.weekday = QComboBox()
        for i, name in enumerate(WEEKDAYS):
            self.weekday.addItem(name, i)
        self.weekday.setCurrentIndex(weekday)
        self.weekday.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.weekday.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.weekday.setAccessibleName("Wochentag")
        self.opens = _time_edit(opens, "von")
        self.closes = _time_edit(closes, "bis")
        self.note = QLineEdit(note)
        self.note.setPlaceholderText("Hinweis, z. B. nur mit Termin")
        self.note.setAccessibleName("Hinweis")
        self.remove = QPushButton("Entfernen")  # Enter on it removes (a tool button would save)
        self.remove.setToolTip("Diese Zeile entfernen")
        self.remove.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.weekday)
        layout.addWidget(self.opens)
        layout.addWidget(QLabel("–"))
        layout.addWidget(self.closes)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.remove)
        self.weekday.activated.connect(lambda _i: self.edited.emit())
        for edit in (self.opens, self.closes, self.note):
            edit.textEdited.connect(lambda _t: self.edited.emit())

    def is_empty(self) -> bool:
        return not (self.opens.text().strip() or self.closes.text().strip() or self.note.text().strip())

    def value(self) -> tuple[int, str, str, str | None]:
        return (self.weekday.currentData(), self.opens.text().strip(), self.closes.text().strip(),
                self.note.text().strip() or None)


def _time_edit(text: str, name: str) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText("09:00")
    edit.setMaxLength(9)
    edit.setAccessibleName(name)
    edit.setToolTip("Uhrzeit wie 09:00")
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00:00") + 24)
    edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return edit


class WeeklyHoursEditor(QWidget):
    """Regular opening hours as rows; „Zeile hinzufügen“ suggests the day after the last."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[HoursRow] = []
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(3)
        self._anchor = QWidget(self)  # where the rows go in the tab order: before „Zeile hinzufügen“
        self._anchor.setFixedSize(0, 0)
        self._anchor.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty_label = QLabel("Keine festen Zeiten eingetragen.")
        self.empty_label.setStyleSheet("color: #555;")
        self.add_button = QPushButton("Zeile hinzufügen")
        self.add_button.clicked.connect(self._add_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.empty_label)
        bottom.addStretch(1)
        bottom.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._rows_box)
        layout.addLayout(bottom)
        self.setFocusProxy(self.add_button)

    def add_row(self, weekday: int = 0, opens: str = "", closes: str = "", note: str = "") -> HoursRow:
        row = HoursRow(weekday, opens, closes, note, self)
        row.edited.connect(self.edited.emit)
        row.remove_requested.connect(self.remove_row)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        self.empty_label.setVisible(False)
        self.setFocusProxy(self.rows[0].weekday)
        self._fix_tab_order()
        return row

    def _fix_tab_order(self) -> None:
        chain = [self._anchor, *(w for r in self.rows for w in (r.weekday, r.opens, r.closes, r.note, r.remove)),
                 self.add_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def remove_row(self, row: HoursRow) -> None:
        if row not in self.rows:
            return
        index = self.rows.index(row)
        self.rows.remove(row)
        self._rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.empty_label.setVisible(not self.rows)
        if self.rows:
            self.setFocusProxy(self.rows[0].weekday)
            self.rows[min(index, len(self.rows) - 1)].weekday.setFocus()
        else:
            self.setFocusProxy(self.add_button)
            self.add_button.setFocus()
        self.edited.emit()

    def _add_clicked(self) -> None:
        if self.rows:  # the next day, same times: Mo 9–12 → Di 9–12 in one click
            last = self.rows[-1]
            weekday, opens, closes, _note = last.value()
            row = self.add_row(min(weekday + 1, 6), opens, closes)
        else:
            row = self.add_row()
        row.weekday.setFocus()
        self.edited.emit()

    def set_hours(self, hours) -> None:
        for row in list(self.rows):
            self._rows_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows.clear()
        for h in hours:
            self.add_row(h.weekday, time_de(h.opens), time_de(h.closes), h.note or "")
        self.empty_label.setVisible(not self.rows)

    def values(self) -> list[tuple[int, str, str, str | None]]:
        """The rows as the service wants them; rows left completely empty are ignored."""
        return [row.value() for row in self.rows if not row.is_empty()]


class OrganisationDialog(GuardedDialog):
    """Stammdaten eines Kooperationspartners; ``organisation`` None = neuer Partner."""

    def __init__(self, ctx: AppContext, organisation: OrganisationDto | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, "Partner bearbeiten" if organisation else "Neuer Partner")
        self.ctx = ctx
        self.organisation = organisation
        self.saved: OrganisationDto | None = None

        # left column: who and where
        f = self.form = FieldForm()
        self.name = f.add("name", "Name", QLineEdit(), required=True)
        self.kind = f.add("kind", "Art", combo(kind_items()))
        set_combo_data(self.kind, OrganisationKind.COUNSELLING.value)
        self.contact_person = f.add("contact_person", "Ansprechperson", QLineEdit())
        self.street = f.add("street", "Straße, Nr.", QLineEdit())
        self.postcode = f.add("postcode", "PLZ", QLineEdit())
        self.postcode.setMaxLength(10)
        self.postcode.setMaximumWidth(90)
        self.city = f.add("city", "Ort", QLineEdit())
        self.phone = f.add("phone", "Telefon", QLineEdit())
        self.email = f.add("email", "E-Mail", QLineEdit())
        self.website = f.add("website", "Website", QLineEdit())
        self.website.setPlaceholderText("z. B. www.beispiel.de")
        self.languages = f.add("languages", "Sprachen", QLineEdit())
        self.languages.setPlaceholderText("z. B. Deutsch, Türkisch, Arabisch")
        self.services = f.add("service_ids", "Angebote", QListWidget(),
                              hint="Anhaken, was der Partner anbietet.")
        self.services.setMinimumHeight(150)
        self.active = f.add("active", "Status", QCheckBox("aktiv"),
                            hint="Nicht mehr aktive Partner bleiben mit ihren Vermittlungen erhalten, "
                                 "werden aber ausgeblendet.")
        self.active.setChecked(True)

        # right column: when and what else
        right = FieldForm()
        right.form.setRowWrapPolicy(right.form.RowWrapPolicy.WrapAllRows)  # labels above the big fields
        self.weekly_hours = right.add("weekly_hours", "Öffnungszeiten", WeeklyHoursEditor())
        self.opening_hours = right.add("opening_hours", "Öffnungszeiten (Freitext)", text_edit(height=56),
                                       hint="Was nicht in die Zeilen passt, z. B. „Termine nach Vereinbarung“.")
        self.what_to_bring = right.add("what_to_bring", "Mitzubringen", text_edit(height=56))
        self.notes = right.add("notes", "Notizen", text_edit(height=90))
        f.adopt(right)  # one form for the errors: messages land next to the field in either column

        self._fill_services(organisation.service_ids if organisation else ())
        columns = QWidget()
        row = QHBoxLayout(columns)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(18)
        row.addWidget(f, 5, Qt.AlignmentFlag.AlignTop)
        row.addWidget(right, 6, Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(columns)
        self._columns = columns
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        if organisation:
            self._fill(organisation)
        self.watch(self.name, self.kind, self.contact_person, self.street, self.postcode, self.city,
                   self.phone, self.email, self.website, self.languages, self.active, self.opening_hours,
                   self.what_to_bring, self.notes)
        self.services.itemChanged.connect(self.mark_dirty)
        self.weekly_hours.edited.connect(self.mark_dirty)
        self._fit_to_screen()
        self.name.setFocus()

    # -- filling ---------------------------------------------------------------------
    def _fill_services(self, chosen) -> None:
        with self.ctx.uow(read_only=True) as uow:
            services = lists.list_services(uow)
        chosen = set(chosen)
        for s in services:
            if not s.active and s.id not in chosen:
                continue
            item = QListWidgetItem(s.name if s.active else f"{s.name} (nicht mehr verwendet)")
            item.setData(SERVICE_ID_ROLE, s.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            if s.description:
                item.setToolTip(s.description)
            self.services.addItem(item)
        if not self.services.count():
            self.services.addItem(QListWidgetItem("Noch keine Angebote angelegt (Einstellungen)."))

    def _fill(self, o: OrganisationDto) -> None:
        self.name.setText(o.name)
        set_combo_data(self.kind, o.kind)
        for widget, value in ((self.contact_person, o.contact_person), (self.street, o.street),
                              (self.postcode, o.postcode), (self.city, o.city), (self.phone, o.phone),
                              (self.email, o.email), (self.website, o.website), (self.languages, o.languages)):
            widget.setText(value or "")
        for text, value in ((self.opening_hours, o.opening_hours), (self.what_to_bring, o.what_to_bring),
                            (self.notes, o.notes)):
            text.setPlainText(value or "")
        self.active.setChecked(o.active)
        self.weekly_hours.set_hours(o.weekly_hours)

    def preferred_size(self) -> QSize:
        """What the two columns want (at least 940 wide), with room for the buttons."""
        hint = self._columns.sizeHint()
        layout = self.layout()
        assert layout is not None, "__init__ gives the dialog its QVBoxLayout"
        margins = layout.contentsMargins()
        return QSize(max(hint.width() + margins.left() + margins.right() + 20, 940),
                     hint.height() + self.buttons.sizeHint().height() + margins.top() + margins.bottom()
                     + layout.spacing() + 4)

    def _fit_to_screen(self) -> None:
        """As big as the content wants, but never beyond the screen (then it scrolls)."""
        want = self.preferred_size()
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            want = want.boundedTo(QSize(screen.width() - 40, screen.height() - 60))
        self.resize(want)

    # -- values ------------------------------------------------------------------------
    def service_ids(self) -> list[int]:
        out = []
        for i in range(self.services.count()):
            item = self.services.item(i)
            ident = item.data(SERVICE_ID_ROLE)
            if ident is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(ident)
        return out

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "contact_person": self.contact_person.text(),
            "street": self.street.text(),
            "postcode": self.postcode.text(),
            "city": self.city.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
            "website": self.website.text(),
            "languages": self.languages.text(),
            "opening_hours": self.opening_hours.toPlainText(),
            "what_to_bring": self.what_to_bring.toPlainText(),
            "notes": self.notes.toPlainText(),
            "active": self.active.isChecked(),
            "service_ids": self.service_ids(),
            "weekly_hours": self.weekly_hours.values(),
        }

    def save(self) -> bool:
        values = self.values()
        if self.organisation is None:
            def action(uow):
                return partners.create_organisation(uow, **values)
        else:
            organisation_id = self.organisation.id

            def action(uow):
                return partners.update_organisation(uow, organisation_id, **values)
        ok, self.saved = self.form.submit(self.ctx, action, "organisations")
        return ok


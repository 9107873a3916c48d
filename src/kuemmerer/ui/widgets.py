"""Form building blocks: German date fields with a calendar, error labels at the fields,
dialogs that never lose what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from kuemmerer.domain.dates import DateError, DateKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import validation
from kuemmerer.services.validation import parse_date

from .formatting import date_de

ERROR_STYLE = "color: #b00020;"

W = TypeVar("W", bound=QWidget)


def date_kind_of_field(name: str) -> DateKind:
    """How a form field reads dates when its DateField was given no kind: birth dates as
    birth dates, anything else permissively (the service refuses a future date where it
    must not be)."""
    return DateKind.BIRTH if name.startswith("birth") else DateKind.FUTURE_ALLOWED


_DATE_HINTS = {
    DateKind.BIRTH: "z. B. 12.03.1955 oder 12.03.55",
    DateKind.ORDINARY: "z. B. 16.12.2026, 16.12., heute, gestern, -3 (vor drei Tagen)",
    DateKind.FUTURE_ALLOWED: "z. B. 16.12.2026, 16.12., heute, morgen, +14 (in vierzehn Tagen)",
}


class LazyReloadWidget(QWidget):
    """A tab that follows change notices only while she can see it: visible, it reloads at
    once; hidden, it notes that it is stale and reloads when shown again."""

    _stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def _data_changed(self, _what: str) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()


class DateField(QWidget):
    """A date typed as Germans type it (``16.12.2026``, ``16.12.``, ``12.03.55``, ``heute``,
    ``+14``: see ``domain.dates``) or picked from a calendar; may stay empty.

    Leaving the field shows the date in full (``16.12.`` becomes ``16.12.2026``); text that
    is not a date stays as typed, so the service can say what is wrong with it. ``kind``
    says how to read two-digit years and words; ``FieldForm.add`` sets it from the field's
    name when none was given (``date_kind_of_field``). A field with no kind at all only
    completes what reads the same as a birth date and as any other date (``16.12.26`` stays
    as typed), and the service, which knows the kind, decides."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "TT.MM.JJJJ",
                 kind: DateKind | None = None):
        super().__init__(parent)
        self.kind = kind
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(20)  # " übermorgen ", "16. 12. 2026"
        self.edit.setToolTip(_DATE_HINTS[DateKind.FUTURE_ALLOWED])
        if kind is not None:
            self.set_kind(kind)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())
        self.edit.editingFinished.connect(self.normalise)
        self.button = QToolButton(self)
        self.button.setText("…")
        self.button.setToolTip("Kalender öffnen")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        self._menu = menu
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def _prepare_calendar(self) -> None:
        day = self.date() or validation.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, qdate: QDate) -> None:
        self.set_date(dt.date(qdate.year(), qdate.month(), qdate.day()))
        self._menu.close()
        self.edited.emit()

    def text(self) -> str:
        return self.edit.text().strip()

    def set_date(self, day: dt.date | None) -> None:
        self.edit.setText(date_de(day))

    def date(self) -> dt.date | None:
        """The typed date, or None if empty, unreadable or (without a kind) ambiguous; the
        service names the error."""
        text = self.text()
        try:
            if self.kind is not None:
                return parse_date(text, self.kind)
            day = parse_date(text, DateKind.FUTURE_ALLOWED)
            return day if day == parse_date(text, DateKind.BIRTH) else None
        except DateError:
            return None

    def set_kind(self, kind: DateKind) -> None:
        self.kind = kind
        self.edit.setToolTip(_DATE_HINTS[kind])

    def normalise(self) -> None:
        """Show a readable date in full (TT.MM.JJJJ); leave anything else as typed."""
        day = self.date()
        if day is not None and self.edit.text() != date_de(day):
            self.edit.setText(date_de(day))


class FieldForm(QWidget):
    """A QFormLayout whose rows each have an error label right under the field.

    ``show_errors({"field": "message"})`` puts German messages next to the fields (and
    those without a field at the top); nothing typed is lost.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        outer.addLayout(self.form)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}

    def add(self, name: str, label: str, widget: W, *, required: bool = False,
            hint: str | None = None) -> W:
        if isinstance(widget, DateField) and widget.kind is None:
            widget.set_kind(date_kind_of_field(name))
        text = f"{label}*:" if required else f"{label}:"
        label_widget = QLabel(text)
        label_widget.setBuddy(widget)
        if required:
            label_widget.setToolTip("Pflichtfeld")
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setStyleSheet("color: #555;")
            hint_label.setWordWrap(True)
            column.addWidget(hint_label)
        error = QLabel(box)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.form.addRow(label_widget, box)
        self.fields[name] = widget
        self.errors[name] = error
        self.labels[name] = label_widget
        return widget

    def adopt(self, other: FieldForm) -> None:
        """Show (and clear) the errors of ``other``'s fields too — for a dialog whose fields
        stand in several forms (columns, group boxes) but are saved in one step."""
        self.fields.update(other.fields)
        self.errors.update(other.errors)
        self.labels.update(other.labels)

    def add_row(self, label: str, widget: QWidget) -> None:
        self.form.addRow(label, widget)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        general = []
        first: QWidget | None = None
        for name, message in errors.items():
            label = self.errors.get(name)
            if label is None:
                general.append(message)
                continue
            label.setText(message)
            label.show()
            first = first or self.fields[name]
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
        if first is not None:
            first.setFocus()

    def submit(self, ctx, action: Callable[[Any], Any], changed: str) -> tuple[bool, Any]:
        """Run ``action(uow)`` in one unit of work of ``ctx``. Bad input: its German messages go
        to their fields and ``(False, None)`` comes back, nothing typed is lost. Success: the
        errors are cleared, pages hear ``ctx.notify(changed)``, and ``(True, result)``."""
        try:
            with ctx.uow() as uow:
                result = action(uow)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False, None
        self.clear_errors()
        ctx.notify(changed)
        return True, result

    def error_text(self, name: str) -> str:
        label = self.errors.get(name)
        return label.text() if label is not None and label.isVisibleTo(self) else ""


def combo(items: Iterable[tuple[str, Any]], *, parent: QWidget | None = None) -> QComboBox:
    box = QComboBox(parent)
    for text, data in items:
        box.addItem(text, data)
    return box


def refill_combo(box: QComboBox, items: Iterable[tuple[str, Any]]) -> None:
    """Replace a filter box's entries, keeping the chosen one (else the first) and without
    announcing a change: the lists behind filters change while she works."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    for text, data in items:
        box.addItem(text, data)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


class ErrorLine(QLabel):
    """A red line under a group of buttons that write at once (no dialog to hold errors)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.show()

    def run(self, ctx, action: Callable[[Any], Any], changed: str) -> bool:
        """``action(uow)`` in one unit of work; German validation messages appear here,
        success clears them and tells the pages ``changed``."""
        self.hide()
        try:
            with ctx.uow() as uow:
                action(uow)
        except ValidationError as exc:
            self.say(" ".join(exc.errors.values()))
            return False
        ctx.notify(changed)
        return True


def set_combo_data(box: QComboBox, data: Any) -> None:
    index = box.findData(data)
    box.setCurrentIndex(index if index >= 0 else 0)


def text_edit(parent: QWidget | None = None, *, height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class GuardedDialog(QDialog):
    """Enter saves, Esc cancels — and closing with unsaved changes asks first."""

    def __init__(self, parent: QWidget | None = None, title: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._dirty = False
        self._watching = False
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Speichern")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Abbrechen")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_shortcut.activated.connect(self._save)

    # -- dirty tracking --------------------------------------------------------
    def watch(self, *widgets: QObject) -> None:
        """Mark the dialog dirty when the user edits any of ``widgets``."""
        for w in widgets:
            for signal in _edit_signals(w):
                signal.connect(self.mark_dirty)
        self._watching = True

    def mark_dirty(self, *_args) -> None:
        if self._watching:
            self._dirty = True

    def is_dirty(self) -> bool:
        return self._dirty

    # -- saving ------------------------------------------------------------------
    def save(self) -> bool:
        """Write through the services; return True on success (subclasses)."""
        raise NotImplementedError

    def _save(self) -> None:
        if self.save():
            self._dirty = False
            self.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not isinstance(self.focusWidget(), (QPlainTextEdit, QAbstractButton)):
            self._save()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self._dirty and not self.confirm_discard(self):
            return
        self._dirty = False
        super().reject()

    @classmethod
    def confirm_discard(cls, parent: QWidget) -> bool:
        """Ask before throwing away typed input (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Änderungen verwerfen?",
                          "Sie haben Eingaben gemacht, die noch nicht gespeichert sind. "
                          "Wirklich schließen und die Eingaben verwerfen?", parent=parent)
        discard = box.addButton("Verwerfen", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Weiter bearbeiten", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is discard


def _edit_signals(w: QObject) -> list:
    if isinstance(w, DateField):
        return [w.edited]
    if isinstance(w, QLineEdit):
        return [w.textEdited]
    if isinstance(w, QPlainTextEdit):
        return [w.textChanged]
    if isinstance(w, QComboBox):
        return [w.activated]
    if isinstance(w, QCheckBox):
        return [w.toggled]
    if isinstance(w, QSpinBox):
        return [w.valueChanged]
    return []


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str = "Abbrechen") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def notice_label() -> QLabel:
    """A blue line that says what just happened ("Kontakt verschoben …"); hidden until used."""
    label = QLabel()
    label.setStyleSheet("color: #0b5394;")
    label.setWordWrap(True)
    label.hide()
    return label


def confirm_frozen_write(parent: QWidget, ctx, *days: dt.date | None) -> bool:
    """Before saving something dated ``days``: if a day lies in a frozen year, ask once
    (DESIGN.md §3); True = go ahead."""
    from kuemmerer.services import statistics

    with ctx.uow(read_only=True) as uow:
        warning = statistics.frozen_warning(uow, *days)
    if warning is None:
        return True
    return confirm(parent, "Eingefrorenes Jahr", warning, "Trotzdem speichern")


def run_dialog(dialog: QDialog, on_saved: Callable[[], None] | None = None) -> bool:
    saved = dialog.exec() == QDialog.DialogCode.Accepted
    if saved and on_saved:
        on_saved()
    return saved

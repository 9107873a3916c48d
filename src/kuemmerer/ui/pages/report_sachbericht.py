"""Berichte › Sachbericht: her text per Handlungsfeld for the chosen period (saved as she
types, on leaving a field and before the period changes: text is never lost), small
numbers hidden for publication, and Vorschau / Drucken / Als PDF speichern. A printed or
saved Sachbericht is archived with exactly the bytes that left the program."""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError, ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.services import reports, settings
from kuemmerer.services.reports import SachberichtDraft

from ..context import AppContext
from ..errors import report_error
from ..printing import a4_printer, paint_pdf, preview_dialog, save_pdf
from ..widgets import ErrorLine

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 700


class FieldEditor(QPlainTextEdit):
    """Her text on one Handlungsfeld; tells the tab when she leaves it."""

    def __init__(self, field_id: int, on_leave, parent: QWidget | None = None):
        super().__init__(parent)
        self.field_id = field_id
        self._on_leave = on_leave
        self.setTabChangesFocus(True)
        self.setMinimumHeight(90)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._on_leave()


class SachberichtTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.period: Period | None = None
        self.editors: dict[int, FieldEditor] = {}
        self._names: dict[int, str] = {}
        self._dirty: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_texts)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        intro = QLabel("Ihr Text je Handlungsfeld für diesen Zeitraum. Er wird beim Tippen gespeichert und "
                       "erscheint im Sachbericht unter den Zahlen. Bitte keine Namen von Bewohner*innen.")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        self.error = ErrorLine(self)
        self.saved_label = QLabel()
        self.saved_label.setStyleSheet("color: #555;")

        self.fields_box = QWidget()
        self.fields_layout = QVBoxLayout(self.fields_box)
        self.fields_layout.setContentsMargins(0, 0, 8, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields_box)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.suppress = QCheckBox()
        self.suppress.setChecked(True)
        self.preview_button = QPushButton("Vorschau…")
        self.print_button = QPushButton("Drucken…")
        self.save_button = QPushButton("Als PDF speichern…")
        self.preview_button.setToolTip("Den Sachbericht ansehen (und von dort drucken)")
        self.print_button.setToolTip("Den Sachbericht drucken; er wird mit seinen Zahlen archiviert")
        self.save_button.setToolTip("Den Sachbericht als PDF speichern; er wird mit seinen Zahlen archiviert")
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_report)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.suppress)
        layout.addLayout(buttons)
        self._set_enabled(False)
        self.refresh_rules()
        ctx.changed.connect(self._data_changed)

    # ------------------------------------------------------------------ period and texts

    def set_period(self, period: Period) -> None:
        """Show the texts of ``period`` (the texts of the previous one are saved first)."""
        if not self.save_texts():
            return  # a refused text stays on screen with its message; nothing is lost
        self.period = period
        self.heading.setText(f"<h3>Sachbericht {period.label}</h3>")
        self.reload_texts()
        self._set_enabled(True)

    def reload_texts(self) -> None:
        while self.fields_layout.count():
            item = self.fields_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.editors.clear()
        self._names.clear()
        self._dirty.clear()
        if self.period is None:
            return
        with self.ctx.uow(read_only=True) as uow:
            found = reports.texts(uow, self.period)
        if not found:
            note = QLabel("Es gibt keine aktiven Handlungsfelder. Sie werden unter Einstellungen › "
                          "Handlungsfelder gepflegt.")
            note.setWordWrap(True)
            self.fields_layout.addWidget(note)
        for text in found:
            label = QLabel(f"<b>{escape(text.name)}</b>")
            editor = FieldEditor(text.action_field_id, self.save_texts)
            editor.setPlainText(text.text)
            editor.setAccessibleName(f"Text zum Handlungsfeld {text.name}")
            editor.setPlaceholderText("Was ist in diesem Handlungsfeld im Zeitraum geschehen?")
            editor.textChanged.connect(lambda fid=text.action_field_id: self._typed(fid))
            label.setBuddy(editor)
            self.fields_layout.addWidget(label)
            self.fields_layout.addWidget(editor)
            self.editors[text.action_field_id] = editor
            self._names[text.action_field_id] = text.name
        self.fields_layout.addStretch(1)

    def _typed(self, field_id: int) -> None:
        self._dirty.add(field_id)
        self.saved_label.setText("")
        self._timer.start()

    def save_texts(self) -> bool:
        """Save every changed text now; False (and the message shown) if one was refused."""
        self._timer.stop()
        if self.period is None or not self._dirty:
            return True
        period = self.period
        for field_id in sorted(self._dirty):
            editor = self.editors.get(field_id)
            if editor is None:
                self._dirty.discard(field_id)
                continue
            try:
                with self.ctx.uow() as uow:
                    reports.save_text(uow, field_id, period, editor.toPlainText())
            except ValidationError as exc:
                self.error.say(f"{self._names.get(field_id, '')}: " + " ".join(exc.errors.values()))
                return False
            except KuemmererError as exc:
                report_error(self, exc)
                return False
            self._dirty.discard(field_id)
        self.error.hide()
        self.saved_label.setText("Texte gespeichert.")
        return True

    def hideEvent(self, event) -> None:
        self.save_texts()
        super().hideEvent(event)

    def _data_changed(self, what: str) -> None:
        if what in ("action_fields", "all") and self.save_texts():
            self.reload_texts()
        if what in ("settings", "all"):
            self.refresh_rules()

    # ------------------------------------------------------------------ suppression

    def refresh_rules(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            n = settings.get_counting_rules(uow).suppress_below
        self._rule = n
        if n and n > 1:
            self.suppress.setText(f"Kleine Zahlen (unter {n}) für die Veröffentlichung ausblenden")
            self.suppress.setEnabled(True)
        else:
            self.suppress.setText("Kleine Zahlen ausblenden (in den Einstellungen ausgeschaltet)")
            self.suppress.setEnabled(False)

    def suppress_below(self) -> int | None:
        return self._rule if self.suppress.isChecked() and self._rule and self._rule > 1 else None

    # ------------------------------------------------------------------ the PDF

    def _set_enabled(self, on: bool) -> None:
        for b in (self.preview_button, self.print_button, self.save_button):
            b.setEnabled(on)

    def draft(self) -> SachberichtDraft | None:
        """The Sachbericht as it would be issued now (texts saved first)."""
        if self.period is None or not self.save_texts():
            return None
        from kuemmerer.exports.sachbericht import sachbericht_pdf

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.ctx.uow(read_only=True) as uow:
                return reports.draft_sachbericht(uow, self.period, sachbericht_pdf,
                                                 suppress_below=self.suppress_below(), today=self.ctx.today())
        except KuemmererError as exc:
            report_error(self, exc)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _issue(self, draft: SachberichtDraft) -> None:
        try:
            with self.ctx.uow() as uow:
                reports.record_sachbericht(uow, draft)
        except KuemmererError as exc:
            report_error(self, exc)
            return
        self.ctx.notify("reports")

    def preview(self) -> None:
        """Vorschau…: the pages; printing from there issues (archives) the report."""
        draft = self.draft()
        if draft is None:
            return
        dialog = preview_dialog(self, draft.pdf, draft.data.title)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._issue(draft)

    def print_report(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        printer = a4_printer(draft.data.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Drucken – {draft.data.title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            paint_pdf(printer, draft.pdf)
        except OSError:
            log.warning("printing the Sachbericht failed")
            QMessageBox.warning(self, "Nicht gedruckt", "Der Drucker ließ sich nicht ansprechen.")
            return
        self._issue(draft)

    def save_report(self):
        draft = self.draft()
        if draft is None:
            return None
        target = save_pdf(self, draft.pdf, draft.file_name)
        if target is None:
            return None
        self._issue(draft)
        QMessageBox.information(self, "Gespeichert", f"Gespeichert und archiviert unter:\n{target}")
        return target

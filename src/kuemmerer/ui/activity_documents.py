"""Teilnehmerliste and Ehrenamtsnachweis from the window: "Drucken…" shows the print preview,
"Als PDF speichern…" asks where — the way the Vermittlungsbogen does (``ui/printing.py``), with
the same bytes the CLI writes. The Ehrenamtsnachweis first asks for the period (Von/Bis,
default the running year) in a small dialog that says what it will certify.

The PDF code (reportlab) is imported only when a document is made.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.errors import KuemmererError, ValidationError
from kuemmerer.services import activity_docs, persons, volunteers

from . import printing
from .context import AppContext
from .errors import report_error
from .formatting import date_de
from .widgets import DateField, FieldForm

log = logging.getLogger(__name__)

SHEET_TITLE = "Teilnehmerliste"
CERTIFICATE_TITLE = "Ehrenamtsnachweis"


# -- hooks the tests replace (pytest-qt: dialogs a test can drive) ---------------------------


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    return printing.ask_save_path(parent, suggested)


def show_preview(parent: QWidget | None, pdf: bytes, title: str) -> None:
    printing.print_pdf(parent, pdf, title)


def tell_saved(parent: QWidget | None, target: Path) -> None:
    QMessageBox.information(parent, "Gespeichert", f"Gespeichert unter:\n{target}")


# -- Teilnehmerliste -------------------------------------------------------------------------


def sign_in_sheet_document(ctx: AppContext, session_id: int) -> tuple[bytes, str, str]:
    """(PDF bytes, title, suggested file name) of the session's Teilnehmerliste."""
    with ctx.uow(read_only=True) as uow:
        data = activity_docs.sign_in_sheet_data(uow, session_id, today=ctx.today())
    from kuemmerer.exports.sign_in_sheet import sign_in_sheet_pdf

    return sign_in_sheet_pdf(data), f"{SHEET_TITLE} {data.activity_name} {date_de(data.date)}", data.file_name


def print_sign_in_sheet(ctx: AppContext, session_id: int, parent: QWidget | None) -> bool:
    """Drucken…: the print preview of the Teilnehmerliste (printing from there)."""
    try:
        pdf, title, _name = sign_in_sheet_document(ctx, session_id)
    except KuemmererError as exc:  # the session was deleted meanwhile
        report_error(parent, exc)
        return False
    show_preview(parent, pdf, title)
    return True


def save_sign_in_sheet(ctx: AppContext, session_id: int, parent: QWidget | None) -> Path | None:
    """Als PDF speichern…: asks where, writes atomically, says where it went."""
    try:
        pdf, _title, name = sign_in_sheet_document(ctx, session_id)
    except KuemmererError as exc:
        report_error(parent, exc)
        return None
    target = printing.save_pdf(parent, pdf, name, ask=ask_save_path)
    if target is not None:
        tell_saved(parent, target)
    return target


# -- Ehrenamtsnachweis -----------------------------------------------------------------------


class CertificateDialog(QDialog):
    """Von/Bis for the Ehrenamtsnachweis of one volunteer; "Drucken…" (Enter) and "Als PDF
    speichern…"; a line says how many Einsätze and hours the period holds. Nothing is written
    to the database here, so closing never loses anything."""

    def __init__(self, ctx: AppContext, volunteer_id: int, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.volunteer_id = volunteer_id
        self.saved: Path | None = None
        self.setWindowTitle(f"{CERTIFICATE_TITLE} – {name}")
        year = ctx.today().year
        heading = QLabel(f"<b>{CERTIFICATE_TITLE}</b> für {_html(name)}: Einsätze und Stunden in einem Zeitraum")
        heading.setWordWrap(True)
        self.form = FieldForm(self)
        self.start = self.form.add("start", "Von", DateField(kind=DateKind.FUTURE_ALLOWED), required=True)
        self.end = self.form.add("end", "Bis", DateField(kind=DateKind.FUTURE_ALLOWED), required=True)
        self.start.set_date(dt.date(year, 1, 1))
        self.end.set_date(dt.date(year, 12, 31))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(self)
        self.print_button = self._button("Drucken…", self.print_document,
                                         "Vorschau des Ehrenamtsnachweises, von dort drucken")
        self.save_button = self._button("Als PDF speichern…", self.save_document, "Den Nachweis als PDF-Datei ablegen")
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("Schließen")
        close.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        self.print_button.setDefault(True)
        for field in (self.start, self.end):
            field.edited.connect(self.update_summary)
            field.edit.editingFinished.connect(self.update_summary)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.start.edit, self.end.edit)
        self.setTabOrder(self.end.edit, self.print_button)
        self.setTabOrder(self.print_button, self.save_button)
        self.setTabOrder(self.save_button, close)
        self.resize(480, self.sizeHint().height())
        self.start.setFocus()
        self.update_summary()

    def _button(self, text: str, slot, tip: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- the data ----------------------------------------------------------------------------
    def _build(self) -> activity_docs.CertificateData:
        with self.ctx.uow(read_only=True) as uow:
            return activity_docs.certificate_data(uow, self.volunteer_id, self.start.text(), self.end.text(),
                                                  today=self.ctx.today())

    def data(self) -> activity_docs.CertificateData | None:
        """The certificate for the typed period; bad input: German messages at the fields."""
        try:
            data = self._build()
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            self.summary.clear()
            return None
        self.form.clear_errors()
        self._say(data)
        return data

    def update_summary(self) -> None:
        """While she types: what the period holds, or why it cannot be certified (quietly, at
        the bottom; the fields show the messages when she prints or saves)."""
        if self.start.date() is None or self.end.date() is None:
            self.summary.clear()
            return
        try:
            data = self._build()
        except ValidationError as exc:
            self.summary.setText(" ".join(exc.errors.values()))
            return
        self._say(data)

    def _say(self, data: activity_docs.CertificateData) -> None:
        count = data.assignments
        places = len(data.lines)
        self.summary.setText(f"Im Zeitraum: {count} {'Einsatz' if count == 1 else 'Einsätze'} in {places} "
                             f"{'Aktivität' if places == 1 else 'Aktivitäten'}, zusammen {data.total_hours_text} "
                             "Stunden.")

    def _pdf(self) -> tuple[bytes, activity_docs.CertificateData] | None:
        data = self.data()
        if data is None:
            return None
        from kuemmerer.exports.certificate import certificate_pdf

        return certificate_pdf(data), data

    # -- the actions ---------------------------------------------------------------------------
    def print_document(self) -> bool:
        made = self._pdf()
        if made is None:
            return False
        pdf, data = made
        show_preview(self, pdf, f"{CERTIFICATE_TITLE} Nr. {data.volunteer_id}")
        return True

    def save_document(self) -> Path | None:
        made = self._pdf()
        if made is None:
            return None
        pdf, data = made
        target = printing.save_pdf(self, pdf, data.file_name, ask=ask_save_path)
        if target is not None:
            self.saved = target
            tell_saved(self, target)
        return target


def _html(text: str) -> str:
    from html import escape

    return escape(text)


def volunteer_name(ctx: AppContext, volunteer_id: int) -> str:
    with ctx.uow(read_only=True) as uow:
        person = persons.get_person(uow, volunteers.get_volunteer(uow, volunteer_id).person_id)
    return person.full_name


def print_certificate(ctx: AppContext, volunteer_id: int, parent: QWidget | None) -> CertificateDialog | None:
    """Ehrenamtsnachweis…: the period dialog (modal) with Drucken… and Als PDF speichern…;
    a German message if the volunteer is gone."""
    try:
        name = volunteer_name(ctx, volunteer_id)
    except KuemmererError as exc:
        report_error(parent, exc)
        return None
    dialog = CertificateDialog(ctx, volunteer_id, name, parent)
    dialog.exec()
    return dialog

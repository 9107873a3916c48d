"""Auskunft (Art. 15): what is stored about one person — a summary here, and the PDF to
preview, print or save (with the machine-readable JSON beside it)."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.paths import storage_problem
from kuemmerer.services import auskunft as auskunft_service
from kuemmerer.services.auskunft import Auskunft

from .. import printing
from ..context import AppContext
from ..errors import report_error
from ..folders import documents_dir
from ..formatting import date_de, number_de

log = logging.getLogger(__name__)


def ask_folder(parent: QWidget | None) -> Path | None:
    """The folder for the two files (tests replace this hook)."""
    folder = QFileDialog.getExistingDirectory(parent, "Ordner für die Auskunft wählen", str(documents_dir()))
    return Path(folder) if folder else None


class AuskunftDialog(QDialog):
    def __init__(self, data: Auskunft, parent: QWidget | None = None):
        super().__init__(parent)
        self.data = data
        self._pdf: bytes | None = None
        self.saved: tuple[Path, Path] | None = None
        self.setWindowTitle(f"Auskunft (Art. 15) – {data.person_name}")

        heading = QLabel(f"<b>Auskunft nach Art. 15 DSGVO</b> für {escape(data.person_name)} "
                         f"(Nr. {data.person_id}), Stand {date_de(data.created_on)}")
        heading.setWordWrap(True)
        intro = QLabel("Gespeichert sind zu dieser Person (alles steht in der Auskunft, dazu Zwecke, "
                       "Empfänger, Speicherdauer und Rechte):")
        intro.setWordWrap(True)

        summary = QWidget()
        self.summary = QFormLayout(summary)
        self.summary.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for title, count in data.counts:
            value = QLabel(f"{number_de(count)} {'Eintrag' if count == 1 else 'Einträge'}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.summary.addRow(QLabel(title), value)
        scroll = QScrollArea()
        scroll.setWidget(summary)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.status = QLabel("„Speichern…“ legt die Auskunft als PDF und als maschinenlesbare JSON-Datei "
                             "in einen Ordner Ihrer Wahl; die Dateinamen enthalten keinen Namen.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.preview_button = self._button("Vorschau…", self.preview)
        self.print_button = self._button("Drucken…", self.print_document)
        self.save_button = self._button("Speichern…", self.save)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("Schließen")
        self.buttons.rejected.connect(self.reject)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, min(620, 190 + 22 * len(data.sections)))

    def _button(self, text: str, slot) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- the document ------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return f"Auskunft Nr. {self.data.person_id}"

    def pdf(self) -> bytes:
        if self._pdf is None:
            from kuemmerer.exports.auskunft_pdf import auskunft_pdf

            self._pdf = auskunft_pdf(self.data)
        return self._pdf

    def preview(self) -> None:
        printing.preview_dialog(self, self.pdf(), self.title).exec()

    def print_document(self) -> None:
        printer = printing.a4_printer(self.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Drucken – {self.title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            printing.paint_pdf(printer, self.pdf())
        except OSError:
            log.warning("printing an Auskunft failed")
            QMessageBox.warning(self, "Nicht gedruckt", "Der Drucker ließ sich nicht ansprechen.")

    def save(self) -> tuple[Path, Path] | None:
        """Speichern…: asks for a folder and writes the PDF and the JSON file into it."""
        from kuemmerer.exports.auskunft_pdf import save_auskunft_files

        folder = ask_folder(self)
        if folder is None:
            return None
        try:
            self.saved = save_auskunft_files(folder, self.data.file_stem, self.pdf(),
                                             auskunft_service.to_json(self.data))
        except OSError as exc:
            log.warning("saving an Auskunft failed: %s", type(exc).__name__)
            if storage_problem(exc) is not None:  # full, read-only, no permission: says what to do
                report_error(self, exc)
            else:
                QMessageBox.warning(self, "Nicht gespeichert",
                                    f"Die Auskunft konnte nicht in {folder} gespeichert werden.\n\n"
                                    "Bitte einen anderen Ordner wählen oder prüfen, ob eine der Dateien "
                                    "gerade geöffnet ist.")
            return None
        pdf_path, json_path = self.saved
        self.status.setText(f"Gespeichert in {folder}:\n{pdf_path.name} und {json_path.name}")
        return self.saved


def open_auskunft(parent: QWidget | None, ctx: AppContext, person_id: int) -> AuskunftDialog | None:
    """Build the Auskunft for the person and show the dialog (not modal: she can look things
    up meanwhile; returns at once); a German message if the person is gone."""
    try:
        with ctx.uow(read_only=True) as uow:
            data = auskunft_service.build_auskunft(uow, person_id, today=ctx.today())
    except KuemmererError as exc:
        report_error(parent, exc)
        return None
    dialog = AuskunftDialog(data, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

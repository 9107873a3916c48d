"""Drucken… and Als PDF speichern… for the documents the exports produce.

The print preview shows exactly the PDF that "Als PDF speichern…" writes and the CLI
produces: its pages are rendered (pypdfium2, 300 dpi) onto the printer's pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from .folders import documents_dir

log = logging.getLogger(__name__)

PRINT_DPI = 300


def pdf_page_images(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """Every page of ``pdf`` as an image at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(doc)):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888).copy()  # own the pixels before pdfium frees them
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            images.append(image)
            page.close()
        return images
    finally:
        doc.close()


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Put the pages of ``pdf`` onto ``printer``, each filling one A4 sheet (the PDF has its
    own margins). Returns the number of pages."""
    images = pdf_page_images(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Der Drucker ließ sich nicht ansprechen.")
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
        target.moveTo(0, 0)
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(images)


def a4_printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF brings its margins
    printer.setDocName(title)
    return printer


class _PreviewDialog(QPrintPreviewDialog):
    """Keeps its printer alive (Qt holds only a pointer to it: a collected printer crashes)."""

    def __init__(self, printer: QPrinter, parent: QWidget | None):
        super().__init__(printer, parent)
        self.kept_printer = printer


def preview_dialog(parent: QWidget | None, pdf: bytes, title: str) -> QPrintPreviewDialog:
    printer = a4_printer(title)
    dialog = _PreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Druckvorschau – {title}")
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf))
    dialog.resize(900, 760)
    return dialog


def preview_widget(dialog: QPrintPreviewDialog) -> QPrintPreviewWidget:
    widget = dialog.findChild(QPrintPreviewWidget)
    assert widget is not None, "QPrintPreviewDialog always holds a QPrintPreviewWidget"
    return widget


def print_pdf(parent: QWidget | None, pdf: bytes, title: str) -> None:
    """Drucken…: the system print dialog with a preview of the pages."""
    preview_dialog(parent, pdf, title).exec()


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Als PDF speichern", str(documents_dir() / suggested),
                                          "PDF-Dokumente (*.pdf)")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".pdf" else target.with_name(target.name + ".pdf")


def save_pdf(parent: QWidget | None, pdf: bytes, suggested: str,
             ask: Callable[[QWidget | None, str], Path | None] = ask_save_path) -> Path | None:
    """Als PDF speichern…: asks where, writes atomically, says where it went."""
    from kuemmerer.exports.documents import save_file

    target = ask(parent, suggested)
    if target is None:
        return None
    try:
        save_file(pdf, target)
    except OSError as exc:
        log.warning("saving a PDF failed: %s", type(exc).__name__)
        QMessageBox.warning(parent, "Nicht gespeichert",
                            f"Die Datei konnte nicht gespeichert werden:\n{target}\n\n"
                            "Bitte einen anderen Ordner wählen oder prüfen, ob die Datei gerade geöffnet ist.")
        return None
    return target

"""Einladung and Protokoll of a network meeting from the window: "Drucken…" shows the print
preview (with "Als PDF speichern…" in its tool bar), "Als PDF speichern…" asks where — the
way the Vermittlungsbogen does (``ui/printing.py``), with the same bytes the CLI writes.

The PDF code (reportlab) is imported only when a document is made. A meeting deleted
meanwhile is a German message, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QMessageBox, QToolBar, QWidget

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.services import network_docs

from . import printing
from .context import AppContext
from .errors import report_error

log = logging.getLogger(__name__)

INVITATION = "invitation"
MINUTES = "minutes"
SAVE_TEXT = "Als PDF speichern…"


# -- hooks the tests replace (pytest-qt: dialogs a test can drive) ---------------------------


def ask_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    return printing.ask_save_path(parent, suggested)


def show_preview(dialog: QPrintPreviewDialog) -> None:
    dialog.exec()


def tell_saved(parent: QWidget | None, target: Path) -> None:
    QMessageBox.information(parent, "Gespeichert", f"Gespeichert unter:\n{target}")


# -- the documents ---------------------------------------------------------------------------


def meeting_document(ctx: AppContext, meeting_id: int, kind: str) -> tuple[bytes, str, str]:
    """(PDF bytes, title, suggested file name) of the meeting's Einladung or Protokoll;
    a German ``ValidationError`` if the meeting is gone."""
    from kuemmerer.exports import meeting_docs

    with ctx.uow(read_only=True) as uow:
        if kind == MINUTES:
            minutes = network_docs.minutes_data(uow, meeting_id, today=ctx.today())
            return meeting_docs.minutes_pdf(minutes), minutes.title, minutes.file_name
        invitation = network_docs.invitation_data(uow, meeting_id, today=ctx.today())
    return meeting_docs.invitation_pdf(invitation), invitation.title, invitation.file_name


def _made(ctx: AppContext, meeting_id: int, kind: str, parent: QWidget | None) -> tuple[bytes, str, str] | None:
    try:
        return meeting_document(ctx, meeting_id, kind)
    except KuemmererError as exc:  # the meeting was deleted meanwhile
        report_error(parent, exc)
        return None


def _save(parent: QWidget | None, pdf: bytes, name: str) -> Path | None:
    target = printing.save_pdf(parent, pdf, name, ask=ask_save_path)
    if target is not None:
        tell_saved(parent, target)
    return target


def preview_with_save(parent: QWidget | None, pdf: bytes, title: str, name: str,
                      saved: Callable[[Path], None] | None = None) -> QPrintPreviewDialog:
    """The print preview of ``pdf`` with "Als PDF speichern…" in its tool bar (not shown yet)."""
    dialog = printing.preview_dialog(parent, pdf, title)
    action = QAction(SAVE_TEXT, dialog)
    action.setObjectName("save_pdf")
    action.setToolTip("Das Dokument als PDF-Datei ablegen")

    def save() -> None:
        target = _save(dialog, pdf, name)
        if target is not None and saved is not None:
            saved(target)

    action.triggered.connect(lambda _checked=False: save())
    bar = dialog.findChild(QToolBar)
    assert bar is not None, "QPrintPreviewDialog always holds its tool bar"
    bar.addSeparator()
    bar.addAction(action)
    return dialog


def _print(ctx: AppContext, meeting_id: int, kind: str, parent: QWidget | None) -> bool:
    made = _made(ctx, meeting_id, kind, parent)
    if made is None:
        return False
    pdf, title, name = made
    show_preview(preview_with_save(parent, pdf, title, name))
    return True


def print_invitation(ctx: AppContext, meeting_id: int, parent: QWidget | None) -> bool:
    """Einladung drucken…: the print preview (print or save as PDF from there)."""
    return _print(ctx, meeting_id, INVITATION, parent)


def print_minutes(ctx: AppContext, meeting_id: int, parent: QWidget | None) -> bool:
    """Protokoll drucken…: the print preview (print or save as PDF from there)."""
    return _print(ctx, meeting_id, MINUTES, parent)


def save_invitation(ctx: AppContext, meeting_id: int, parent: QWidget | None) -> Path | None:
    """Einladung als PDF speichern…: asks where (the network and the day as name), writes
    atomically, says where it went."""
    made = _made(ctx, meeting_id, INVITATION, parent)
    return None if made is None else _save(parent, made[0], made[2])


def save_minutes(ctx: AppContext, meeting_id: int, parent: QWidget | None) -> Path | None:
    """Protokoll als PDF speichern…: as ``save_invitation``."""
    made = _made(ctx, meeting_id, MINUTES, parent)
    return None if made is None else _save(parent, made[0], made[2])

"""Datei → Kalender exportieren…: her meetings and open follow-ups as an .ics file that
Outlook and Thunderbird import (re-importing a newer file updates the entries). The entries
name no resident. Tests replace ``ask_path`` (the save dialog) and ``Notice.show``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from kuemmerer.domain.errors import KuemmererError

from .context import AppContext
from .errors import report_error
from .export_actions import Notice
from .folders import documents_dir
from .formatting import date_de, number_de


def ask_ics_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / suggested),
                                          "Kalenderdateien (*.ics)")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".ics" else target.with_name(target.name + ".ics")


ask_path: Callable[[QWidget | None, str, str], Path | None] = ask_ics_path


def export_calendar(parent: QWidget | None, ctx: AppContext) -> Path | None:
    """Meetings and open follow-ups from 90 days back to a year ahead into a file she picks."""
    from kuemmerer.exports.ics import ics_bytes
    from kuemmerer.paths import write_atomically
    from kuemmerer.services import calendar

    try:
        with ctx.uow(read_only=True) as uow:
            data = calendar.calendar_data(uow, today=ctx.today())
        target = ask_path(parent, "Kalender exportieren", data.file_name)
        if target is None:
            return None
        write_atomically(ics_bytes(data), target)
    except (KuemmererError, OSError) as exc:
        report_error(parent, exc)
        return None
    Notice.show(parent, "Kalender exportiert",
                f"{number_de(len(data.entries))} Termine vom {date_de(data.start)} bis {date_de(data.end)} "
                f"gespeichert in\n{target}\n\nIn Outlook oder Thunderbird: Datei → Importieren. Ein späterer "
                "Export aktualisiert die Termine, statt sie zu verdoppeln. Namen von Bewohner*innen stehen nicht "
                "darin.")
    return target

"""What every page and dialog gets handed: the open workspace and a change signal."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from kuemmerer.services.workspace import Workspace


class AppContext(QObject):
    """Passed to pages and dialogs explicitly (no global). ``changed`` tells every page
    that data of a kind ("persons", "requests", "contacts", "all" …) was written."""

    changed = Signal(str)

    def __init__(self, ws: Workspace, *, demo: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.ws = ws
        self.demo = demo

    def uow(self, *, read_only: bool = False):
        return self.ws.uow(read_only=read_only)

    def today(self) -> dt.date:
        return dt.date.today()

    def notify(self, what: str = "all") -> None:
        self.changed.emit(what)

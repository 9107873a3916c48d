"""What every page and dialog gets handed: the open workspace and a change signal."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from kuemmerer.services import validation
from kuemmerer.services.workspace import Workspace, WorkspaceClosed


class AppContext(QObject):
    """Passed to pages and dialogs explicitly (no global). ``changed`` tells every page
    that data of a kind ("persons", "requests", "contacts", "all" …) was written.

    While the database file is swapped (a restore), the context is *closed*: ``uow()``
    refuses with ``WorkspaceClosed`` instead of letting the old engine reopen the file,
    and change notices are held back; ``reopen`` hands over the new workspace and then
    tells every page "all"."""

    changed = Signal(str)
    availability = Signal(bool)  # False while the file is swapped, True once reopened

    def __init__(self, ws: Workspace, *, demo: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self._ws = ws
        self._closed = False
        self._held: list[str] = []
        self.demo = demo

    @property
    def ws(self) -> Workspace:
        return self._ws

    @property
    def available(self) -> bool:
        """False while a restore swaps the file, and once the workspace has been closed."""
        return not self._closed and not self._ws.closed

    def uow(self, *, read_only: bool = False):
        if self._closed:
            raise WorkspaceClosed()
        return self._ws.uow(read_only=read_only)

    def today(self) -> dt.date:
        return validation.today()  # the one clock the services use too

    def notify(self, what: str = "all") -> None:
        if self._closed:  # nobody may read now; the pages hear "all" after reopening
            self._held.append(what)
            return
        self.changed.emit(what)

    # -- swapping the file ---------------------------------------------------------------
    def close_for_swap(self) -> Workspace:
        """Close the workspace for a file swap; from now on nothing reaches it."""
        self._closed = True
        self.availability.emit(False)
        self._ws.close()
        return self._ws

    def reopen(self, ws: Workspace) -> None:
        """Hand over the workspace opened after the swap; every page reloads."""
        self._ws = ws
        self._closed = False
        self._held.clear()
        self.availability.emit(True)
        self.changed.emit("all")

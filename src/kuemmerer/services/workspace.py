"""An open database as the UI and the CLI see it: paths and units of work, no SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kuemmerer.db.migrate import default_backup_dir
from kuemmerer.db.storage import Database, open_database
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.errors import StorageError

from . import lists
from .opening import check_openable  # noqa: F401 - its light home (no SQLAlchemy); re-exported for callers


class WorkspaceClosed(StorageError):
    """A unit of work was asked of a closed workspace (e.g. while a restore swaps the file):
    a bug in the caller, never a reason to reopen the file."""

    def __init__(self) -> None:
        super().__init__("Die Datenbank ist gerade geschlossen (zum Beispiel während einer "
                         "Wiederherstellung). Bitte einen Moment warten und es dann noch einmal versuchen.")


@dataclass
class Workspace:
    db: Database
    closed: bool = field(default=False, init=False)

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def backup_dir(self) -> Path:
        return self.db.backup_dir

    @property
    def files_dir(self) -> Path:
        return self.db.files_dir

    @property
    def key(self) -> bytes | None:
        """The database key while it is open (None: a plain file from before encryption)."""
        return self.db.key

    @property
    def encrypted(self) -> bool:
        return self.db.encrypted

    @property
    def created(self) -> bool:
        return self.db.created

    @property
    def migrated(self) -> bool:
        return self.db.migrated

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        if self.closed:  # the engine would silently open the file again
            raise WorkspaceClosed()
        return UnitOfWork(self.db.engine, read_only=read_only, file_key=self.db.key)

    def close(self) -> None:
        """Close every connection; afterwards ``uow()`` refuses (closing twice is harmless)."""
        if self.closed:
            return
        self.closed = True
        self.db.close()

    def analyze(self) -> None:
        from kuemmerer.db.storage import analyze

        if self.closed:
            raise WorkspaceClosed()
        analyze(self.db.engine)


def open_workspace(path: Path, *, create: bool = True, key: bytes | None = None,
                   now: dt.datetime | None = None) -> Workspace:
    """Open (creating, checking and migrating as needed) the database at ``path`` with its
    key (``encryption.unlock`` turns a password or Notfallcode into one); a new database is
    encrypted with ``key`` and gets the default lists. Without a key a new database is a plain
    file — only tests and the migration of older files do that; her entry points
    (``encryption.create``) always pass one.

    The file is checked only after an unclean shutdown, after damage was seen, or when the
    last good check is older than a day (``now``: the clock; default the computer's);
    damage met later raises ``DatabaseDamaged`` (``moved_to`` None) from the unit of work."""
    ws = Workspace(open_database(Path(path), create=create, key=key, now=now))
    if ws.created:
        with ws.uow() as uow:
            lists.ensure_defaults(uow)
    return ws



def backup_dir_for(db_path: Path) -> Path:
    return default_backup_dir(Path(db_path))


def today() -> dt.date:
    """The one clock (``validation.today``), which tests may set."""
    from . import validation

    return validation.today()

"""Opening a database file the safe way: check, migrate, hand out an engine."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from kuemmerer.domain.errors import (
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseUnreadable,
    MigrationBlocked,
    NotADatabase,
    StorageError,
)

from . import backup, integrity, migrate
from .engine import make_engine

log = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database file: its path, engine and backup folder."""

    path: Path
    engine: Engine
    backup_dir: Path
    created: bool = False
    migrated: bool = False
    files_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.files_dir = self.path.parent / "Anhaenge"

    def close(self) -> None:
        self.engine.dispose()
        _checkpoint(self.path)


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics (bounded: ``analysis_limit`` samples each
    index, so it takes well under a second even on ten years of data)."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        conn.execute("PRAGMA analysis_limit=1000")
        conn.execute("ANALYZE")
    finally:
        raw.close()


def _checkpoint(path: Path) -> None:
    """Fold the WAL back into the file, so that a closed database is one file."""
    try:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:  # no exc_info: exception messages may quote her data
        from kuemmerer.logging_setup import safe_traceback

        log.warning("checkpoint on close failed\n%s", safe_traceback(exc))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _read_only_folder(folder: Path) -> DatabaseReadOnly:
    return DatabaseReadOnly(
        f"Der Ordner {folder} ist schreibgeschützt. Kümmerer braucht dort Schreibrecht (für die "
        "Datenbank, ihre Sperrdatei und die Sicherungen). Es wurde nichts verändert. Bitte die "
        "Datenbank in einen Ordner kopieren, in dem Sie schreiben dürfen, und dort öffnen."
    )


def is_ours(path: Path, backup_dir: Path) -> bool:
    """A file that starts like an SQLite database, or one she has backups of (whatever
    it holds now, it was her database): only such a file may be moved aside."""
    return integrity.starts_like_sqlite(path) or bool(backup.list_backups(path, backup_dir))


def preflight(path: Path, *, backup_dir: Path | None = None, write: bool = True) -> None:
    """Refuse, with its own German message, a path that is no database file of hers or
    that she cannot read (or, with ``write``, write); never moves or creates anything.

    Decision: an unwritable database (file or folder) is refused, not opened read-only;
    the message says what to do. A path that does not exist passes (it may be created)."""
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir else migrate.default_backup_dir(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if folder.exists() and not folder.is_dir():
            raise NotADatabase(f"{folder} ist eine Datei, kein Ordner. Bitte einen anderen Speicherort wählen.") \
                from None
        if write and folder.exists() and not _writable(folder):
            raise _read_only_folder(folder) from None
        return
    except PermissionError:
        raise DatabaseUnreadable(
            f"Auf die Datenbank {path} kann Kümmerer nicht zugreifen (keine Berechtigung für den "
            "Ordner). Es wurde nichts verändert. Bitte die Zugriffsrechte prüfen."
        ) from None
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte…
        shown = str(path) if len(str(path)) <= 120 else str(path)[:120] + "…"
        raise NotADatabase(f"Der Pfad {shown} lässt sich nicht als Datenbank verwenden (zu lang oder "
                           "ungültig). Bitte einen kürzeren Pfad wählen.") from None
    if stat.S_ISDIR(mode):
        raise NotADatabase(
            f"{path} ist ein Ordner, keine Datenbankdatei. Bitte die Datei selbst angeben "
            f"(zum Beispiel {path / 'kuemmerer.sqlite'}). Es wurde nichts verändert."
        )
    if not stat.S_ISREG(mode):
        raise NotADatabase(f"{path} ist keine gewöhnliche Datei und kann keine Datenbank sein. "
                           "Es wurde nichts verändert.")
    try:
        ours = is_ours(path, backup_dir)
    except PermissionError:
        raise DatabaseUnreadable(
            f"Die Datenbank {path} lässt sich nicht lesen (keine Berechtigung). Es wurde nichts "
            "verändert. Bitte die Zugriffsrechte der Datei prüfen (Eigentümer: Ihr Benutzerkonto, "
            "Lesen und Schreiben erlaubt)."
        ) from None
    except OSError:
        raise DatabaseUnreadable(f"Die Datenbank {path} lässt sich nicht lesen. Es wurde nichts verändert.") \
            from None
    if not ours:
        raise NotADatabase(
            f"{path} ist keine Kümmerer-Datenbank (die Datei beginnt nicht wie eine Datenbank). "
            "Sie wurde nicht verändert. Bitte die richtige Datei angeben."
        )
    if write and not _writable(path.parent):
        raise _read_only_folder(path.parent)
    if write and not _writable(path):
        raise DatabaseReadOnly(
            f"Die Datenbank {path} ist schreibgeschützt, Kümmerer könnte nichts speichern. Es "
            "wurde nichts verändert. Bitte den Schreibschutz aufheben (Eigenschaften der Datei) "
            "oder die Datei in einen eigenen Ordner kopieren."
        )


def check_contents(path: Path) -> list[str]:
    """The full check of the file's contents (empty list = ok); an error that is no verdict
    on the contents (busy, cannot open, read-only folder) is a German ``StorageError``."""
    try:
        return integrity.damage_of(Path(path))
    except sqlite3.Error as exc:
        raise _busy(Path(path), exc) from None


def _busy(path: Path, exc: sqlite3.Error) -> StorageError:
    if path.parent.is_dir() and not _writable(path.parent):
        return _read_only_folder(path.parent)
    name = getattr(exc, "sqlite_errorname", exc.__class__.__name__)
    return StorageError(f"Die Datenbank {path} lässt sich gerade nicht öffnen ({name}). Es wurde "
                        "nichts verändert. Bitte andere Programme schließen, die sie benutzen, und "
                        "es noch einmal versuchen.")


def backup_contents(path: Path) -> dict[str, int]:
    """How much a (checked) backup holds, for the offer to restore it: ``persons``."""
    with closing(sqlite3.connect(integrity.read_only_uri(path), uri=True)) as conn:
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
    return {"persons": int(persons)}


def open_database(path: Path, *, backup_dir: Path | None = None, create: bool = True,
                  upgrade: bool = True) -> Database:
    """Open (or create) the database at ``path``.

    ``quick_check`` on every open; a damaged file is moved aside (never deleted)
    and ``DatabaseDamaged`` names the newest verified backup to restore. A schema
    that is behind is migrated, after a verified backup, in one transaction.
    """
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir else migrate.default_backup_dir(path)
    preflight(path, backup_dir=backup_dir)
    created = not path.exists()
    if created and not create:
        raise StorageError(f"Die Datenbank {path} gibt es nicht.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise _read_only_folder(path.parent) from None
    if not created:
        problems = integrity.check_file(path, quick=True)
        if problems:
            try:  # only a verdict on the contents counts, not "busy" or "cannot open"
                problems = integrity.damage_of(path, quick=True)
            except sqlite3.Error as exc:
                raise _busy(path, exc) from None
        if problems:
            moved = backup.move_aside(path)
            newest = backup.newest_backup(path, backup_dir)
            raise DatabaseDamaged(
                "Die Datenbank ist beschädigt und wurde beiseitegelegt "
                f"({moved.name}). " + (
                    f"Die neueste geprüfte Sicherung ist {newest.path.name}."
                    if newest else "Es gibt keine geprüfte Sicherung."
                ),
                moved_to=str(moved),
                newest_backup=str(newest.path) if newest else None,
            )
    migrated = False
    if upgrade:
        try:
            migrated = migrate.upgrade(path, backup_dir=backup_dir) and not created
        except StorageError as exc:
            raise _migration_blocked(path, backup_dir, exc) from None
    engine = make_engine(path)
    return Database(path=path, engine=engine, backup_dir=backup_dir, created=created, migrated=migrated)


def _migration_blocked(path: Path, backup_dir: Path, exc: StorageError) -> MigrationBlocked:
    newest = backup.newest_backup(path, backup_dir)
    step = (f"Nächster Schritt: die neueste Sicherung wiederherstellen, die die Prüfung besteht "
            f"({newest.path.name} vom {newest.taken_at:%d.%m.%Y %H:%M})."
            if newest else
            "Es gibt keine Sicherung, die die Prüfung besteht. Bitte die Datei nicht löschen "
            "und sich an die Betreuung wenden.")
    return MigrationBlocked(
        f"Die Datenbank {path.name} lässt sich nicht auf den neuen Stand bringen und deshalb "
        f"nicht öffnen. Grund: {str(exc).rstrip('.')}. Die Datei bleibt unverändert. {step}",
        newest_backup=str(newest.path) if newest else None,
    )

"""Is this path a database file of hers that can be opened — decided without loading
SQLAlchemy and without changing anything.

The window runs this before its first paint (issue 12 §1), so the usual answers (a new
file, a plain database, an encrypted one with its key file beside it) come from ``stat``
and the first 100 bytes alone: the driver (``sqlcipher3``), the key file and backup code
are imported only for a file that neither starts like SQLite nor has its key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kuemmerer.domain.errors import DatabaseReadOnly, DatabaseUnreadable, NotADatabase

BACKUPS_DIR = "Sicherungen"  # next to the database
# the same values as ``integrity.SQLITE_MAGIC`` and ``keyfile.SUFFIX`` (a test keeps them equal):
# importing those modules would load the driver before the first paint
SQLITE_MAGIC = b"SQLite format 3\x00"
KEYFILE_SUFFIX = ".schluessel"


def default_backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUPS_DIR


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _read_only_folder(folder: Path) -> DatabaseReadOnly:
    return DatabaseReadOnly(
        f"Der Ordner {folder} ist schreibgeschützt. Kümmerer braucht dort Schreibrecht (für die "
        "Datenbank, ihre Sperrdatei und die Sicherungen). Es wurde nichts verändert. Bitte die "
        "Datenbank in einen Ordner kopieren, in dem Sie schreiben dürfen, und dort öffnen."
    )


def starts_like_sqlite(path: Path) -> bool:
    """``integrity.starts_like_sqlite`` without importing the driver: True for an empty file,
    a file with SQLite's header or one whose 100-byte header was zeroed (a damaged database)."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    return not head or head.startswith(SQLITE_MAGIC) or (len(head) == 100 and not any(head))


def has_keyfile(path: Path) -> bool:
    """Is ``keyfile.keyfile_path(path)`` there (``<db file name>.schluessel`` beside it)?"""
    return path.with_name(path.name + KEYFILE_SUFFIX).exists()


def is_ours(path: Path, backup_dir: Path, key: bytes | None = None) -> bool:
    """A file that starts like an SQLite database, has its key file beside it, or one she
    has backups of (whatever it holds now, it was her database), or that looks like an
    encrypted database (whose key file is lost: the Notfallcode decides) or that ``key``
    opens: only such a file may be moved aside."""
    path = Path(path)
    if starts_like_sqlite(path) or has_keyfile(path):
        return True
    from . import backup, cipher

    return (bool(backup.list_backups(path, backup_dir)) or cipher.looks_encrypted(path)
            or (key is not None and cipher.opens_with(path, key)))


def _driver_errors() -> tuple[type[Exception], type[Exception]]:
    """The SQLite drivers' errors (evaluated only when an exception is being matched)."""
    from . import cipher

    return cipher.Error


def preflight(path: Path, *, backup_dir: Path | None = None, write: bool = True,
              key: bytes | None = None) -> None:
    """Refuse, with its own German message, a path that is no database file of hers or
    that she cannot read (or, with ``write``, write); never moves or creates anything.

    Decision: an unwritable database (file or folder) is refused, not opened read-only;
    the message says what to do. A path that does not exist passes (it may be created)."""
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir else default_backup_dir(path)
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
        ours = is_ours(path, backup_dir, key)
    except PermissionError:
        raise DatabaseUnreadable(
            f"Die Datenbank {path} lässt sich nicht lesen (keine Berechtigung). Es wurde nichts "
            "verändert. Bitte die Zugriffsrechte der Datei prüfen (Eigentümer: Ihr Benutzerkonto, "
            "Lesen und Schreiben erlaubt)."
        ) from None
    except (OSError, *_driver_errors()):
        raise DatabaseUnreadable(f"Die Datenbank {path} lässt sich nicht lesen. Es wurde nichts verändert.") \
            from None
    if not ours:
        raise NotADatabase(
            f"{path} ist keine Kümmerer-Datenbank (die Datei beginnt nicht wie eine Datenbank). "
            "Sie wurde nicht verändert. Bitte die richtige Datei angeben. (Ist es eine verschlüsselte "
            "Datenbank, deren Schlüsseldatei fehlt, öffnet sie der Notfallcode vom Notfallblatt.)"
        )
    if write and not _writable(path.parent):
        raise _read_only_folder(path.parent)
    if write and not _writable(path):
        raise DatabaseReadOnly(
            f"Die Datenbank {path} ist schreibgeschützt, Kümmerer könnte nichts speichern. Es "
            "wurde nichts verändert. Bitte den Schreibschutz aufheben (Eigenschaften der Datei) "
            "oder die Datei in einen eigenen Ordner kopieren."
        )

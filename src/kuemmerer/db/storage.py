"""Opening a database file the safe way: check, migrate, hand out an engine."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine

from kuemmerer.domain.errors import (
    DatabaseDamaged,
    MigrationBlocked,
    NeedsKey,
    StorageError,
    WrongKey,
)
from kuemmerer.paths import fsync_dir

from . import backup, cipher, integrity, keyfile, migrate
from .engine import make_engine
from .preflight import _read_only_folder, _writable, is_ours, preflight  # noqa: F401 - re-exported

log = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database file: its path, engine, backup folder and key (None: a plain file
    from before encryption)."""

    path: Path
    engine: Engine
    backup_dir: Path
    created: bool = False
    migrated: bool = False
    key: bytes | None = field(default=None, repr=False)
    files_dir: Path = field(init=False)
    # the token of the unclean-shutdown marker this open left (integrity.mark_open)
    marker: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.files_dir = self.path.parent / "Anhaenge"

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def close(self) -> None:
        self.engine.dispose()
        _checkpoint(self.path, self.key)
        self.key = None  # the key leaves this object with the connections
        integrity.mark_closed(self.path, self.backup_dir, self.marker)  # a clean close: no check at the next open
        self.marker = None


class DamagedWhileOpen(DatabaseDamaged):
    """SQLite reported a damaged page while she worked (the open no longer reads every page).
    The file stays where it is (``moved_to`` None: connections are still open); the next open
    runs the full check and takes the damaged-file path (moved aside, backup offered)."""


def damaged_while_open(path: Path, backup_dir: Path, key: bytes | None) -> DamagedWhileOpen:
    """The German error for damage met while reading or writing ``path``; notes the damage
    in the marker, so the next open checks the whole file."""
    integrity.note_damage(path)
    try:
        newest = backup.newest_backup(path, backup_dir, key)
    except (OSError, *cipher.Error):  # the error must reach her even if the backups cannot be read
        newest = None
    log.warning("SQLite reported damage while the database was open")
    return DamagedWhileOpen(
        "Die Datenbank ist beschädigt: ein Teil der Datei lässt sich nicht mehr lesen. Die letzte "
        "Aktion wurde nicht ausgeführt. " + (
            f"Die neueste geprüfte Sicherung ist {newest.path.name} vom {newest.taken_at:%d.%m.%Y %H:%M}. "
            if newest else "Es gibt keine geprüfte Sicherung. ")
        + "Beim nächsten Öffnen wird die Datenbank vollständig geprüft und beiseitegelegt; dann lässt "
        "sich die Sicherung wiederherstellen.",
        newest_backup=str(newest.path) if newest else None,
    )


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


def _checkpoint(path: Path, key: bytes | None) -> None:
    """Fold the WAL back into the file, so that a closed database is one file."""
    try:
        with closing(cipher.connect(path, key)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except cipher.Error as exc:  # no exc_info: exception messages may quote her data
        from kuemmerer.logging_setup import safe_traceback

        log.warning("checkpoint on close failed\n%s", safe_traceback(exc))


def check_contents(path: Path, key: bytes | None = None) -> list[str]:
    """The full check of the file's contents (empty list = ok); an error that is no verdict
    on the contents (busy, cannot open, read-only folder) is a German ``StorageError``."""
    try:
        return integrity.damage_of(Path(path), key)
    except cipher.Error as exc:
        raise _busy(Path(path), exc) from None


def _busy(path: Path, exc: BaseException) -> StorageError:
    if path.parent.is_dir() and not _writable(path.parent):
        return _read_only_folder(path.parent)
    name = getattr(exc, "sqlite_errorname", exc.__class__.__name__)
    return StorageError(f"Die Datenbank {path} lässt sich gerade nicht öffnen ({name}). Es wurde "
                        "nichts verändert. Bitte andere Programme schließen, die sie benutzen, und "
                        "es noch einmal versuchen.")


def backup_contents(path: Path, key: bytes | None = None) -> dict[str, int]:
    """How much a (checked) backup holds, for the offer to restore it: ``persons``."""
    with closing(cipher.connect(path, backup.key_for(path, key), read_only=True)) as conn:
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
    return {"persons": int(persons)}


def file_key(path: Path, key: bytes | None) -> bytes | None:
    """The key to open the existing file ``path`` with: None for a plain file (from before
    encryption; whatever ``key`` says), ``key`` for an encrypted one once it is known to be
    the right one. Raises ``NeedsKey`` (no key) or ``WrongKey``; never changes anything.

    The right key: the one the key file beside the database was made for (its check value),
    or — without a usable key file — one that reads the schema."""
    if cipher.is_plain(path):
        return None
    if key is None:
        raise NeedsKey(f"Die Datenbank {path.name} ist verschlüsselt. Zum Öffnen bitte das Passwort "
                       "eingeben (oder den Notfallcode vom Notfallblatt).")
    try:
        # a key file that belongs to another database does not make the right key wrong
        matches = keyfile.check_key(keyfile.keyfile_path(path), key) or cipher.opens_with(path, key)
    except StorageError:  # no key file, or a damaged one: the database itself decides
        matches = cipher.opens_with(path, key)
    if not matches:
        raise WrongKey(f"Der Schlüssel passt nicht zur Datenbank {path.name}. Es wurde nichts verändert. "
                       "Bitte den Notfallcode vom Notfallblatt dieser Datenbank nehmen.")
    return key


def open_database(path: Path, *, backup_dir: Path | None = None, create: bool = True,
                  upgrade: bool = True, key: bytes | None = None, now: dt.datetime | None = None) -> Database:
    """Open (or create) the database at ``path``; ``key`` encrypts a new one and opens an
    encrypted one (a plain file from before encryption opens without it).

    The open checks the file only when there is a reason (``integrity.check_due``, issue 12
    §2): ``quick_check`` after an unclean shutdown or when the last good check is older than
    a day (``now``: the clock, for tests), the full check after damage was seen while she
    worked. A damaged file is moved aside (never deleted) and ``DatabaseDamaged`` names the
    newest verified backup to restore; damage the open does not read is reported when SQLite
    meets it (``DamagedWhileOpen``). A schema that is behind is migrated, after a verified
    backup, in one transaction. An encrypted file without a key, or with the wrong one, is
    refused (``NeedsKey``, ``WrongKey``) and never taken for a damaged one.
    """
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir else migrate.default_backup_dir(path)
    preflight(path, backup_dir=backup_dir, key=key)
    created = not path.exists()
    if created and not create:
        raise StorageError(f"Die Datenbank {path} gibt es nicht.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise _read_only_folder(path.parent) from None
    now = now or dt.datetime.now()
    if not created:
        try:
            key = file_key(path, key)
        except cipher.Error as exc:
            raise _busy(path, exc) from None
        due = integrity.check_due(path, backup_dir, now)
        if due is not None:
            problems = integrity.check_file(path, key, quick=due == integrity.QUICK)
            if problems:
                try:  # only a verdict on the contents counts, not "busy" or "cannot open"
                    problems = integrity.damage_of(path, key, quick=due == integrity.QUICK)
                except cipher.Error as exc:
                    raise _busy(path, exc) from None
            if problems:
                _refuse_damaged(path, backup_dir, key)
            integrity.note_good_check(path, backup_dir, now)
    migrated = False
    if upgrade:
        try:
            migrated = migrate.upgrade(path, backup_dir=backup_dir, key=key) and not created
        except StorageError as exc:
            raise _migration_blocked(path, backup_dir, exc, key) from None
        except Exception as exc:
            # the schema read met damage the open did not check for (e.g. page 1)
            if not created and integrity.is_damage(exc) and _damaged(path, key):
                _refuse_damaged(path, backup_dir, key)
            raise
    engine = make_engine(path, key=key, on_damage=lambda: damaged_while_open(path, backup_dir, key))
    return Database(path=path, engine=engine, backup_dir=backup_dir, created=created, migrated=migrated,
                    key=key, marker=integrity.mark_open(path, now))


def _damaged(path: Path, key: bytes | None) -> bool:
    """Does the full check find damage (errors that are no verdict become ``_busy``)?"""
    try:
        return bool(integrity.damage_of(path, key))
    except cipher.Error as exc:
        raise _busy(path, exc) from None


def _refuse_damaged(path: Path, backup_dir: Path, key: bytes | None) -> NoReturn:
    """The damaged-file path: move the file aside and name the newest verified backup — unless
    the key reads neither the file nor any backup (then it proves nothing about damage)."""
    if key is not None and not cipher.opens_with(path, key) \
            and not any(cipher.opens_with(b.path, key) for b in backup.list_backups(path, backup_dir)
                        if not cipher.is_plain(b.path)):
        # the key reads neither the file nor any backup: that proves nothing about damage
        # (a key file of another database?) — never move her file aside on such a guess
        raise WrongKey(f"Die Datenbank {path.name} lässt sich mit diesem Schlüssel nicht lesen: entweder "
                       "gehört der Schlüssel (oder die Schlüsseldatei) zu einer anderen Datenbank, oder "
                       "ihr Anfang ist beschädigt. Es wurde nichts verändert. Bitte mit dem Notfallcode "
                       "vom Notfallblatt dieser Datenbank öffnen.")
    moved = backup.move_aside(path)
    # the marker and the last check belonged to the file now moved aside
    integrity.clear_marker(path)
    integrity.forget_good_check(path, backup_dir)
    newest = backup.newest_backup(path, backup_dir, key)
    raise DatabaseDamaged(
        "Die Datenbank ist beschädigt und wurde beiseitegelegt "
        f"({moved.name}). " + (
            f"Die neueste geprüfte Sicherung ist {newest.path.name}."
            if newest else "Es gibt keine geprüfte Sicherung."
        ),
        moved_to=str(moved),
        newest_backup=str(newest.path) if newest else None,
    )


def _migration_blocked(path: Path, backup_dir: Path, exc: StorageError, key: bytes | None) -> MigrationBlocked:
    newest = backup.newest_backup(path, backup_dir, key)
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


def encrypt_file(path: Path, key: bytes, backup_dir: Path) -> backup.BackupInfo:
    """Encrypt the plain database ``path`` in place with ``key`` (every connection closed;
    the key file must already be written). Returns the verified plain backup taken first.

    Steps: check the file; a verified backup (``vor-verschluesselung``); fold the WAL in;
    ``sqlcipher_export`` into a temporary file beside it, checked with the key and compared
    table by table (row counts); then one atomic rename over the plain file. A crash at any
    moment leaves the plain file (with a now unused key file: the next try overwrites it) or
    the encrypted one — never neither, never half."""
    path = Path(path)
    if not cipher.is_plain(path):
        raise StorageError(f"Die Datenbank {path.name} ist schon verschlüsselt.")
    problems = check_contents(path)
    if problems:
        raise StorageError("Die Datenbank ist nicht in Ordnung und wird deshalb nicht verschlüsselt: "
                           + problems[0])
    safety = backup.create_backup(path, backup_dir, reason="vor-verschluesselung", rotate=False)
    _checkpoint(path, None)
    tmp = path.with_name(path.name + ".verschluesseln-tmp")
    try:
        tmp.unlink(missing_ok=True)  # left by an interrupted earlier try
        cipher.export(path, None, tmp, key)
        problems = integrity.check_file(tmp, key)
        if problems or _row_counts(tmp, key) != _row_counts(path, None):
            raise StorageError("Die verschlüsselte Kopie ließ sich nicht bestätigen; die Datenbank bleibt "
                               "unverändert (unverschlüsselt).")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    log.info("database encrypted in place")
    return safety


def _row_counts(path: Path, key: bytes | None) -> dict[str, int]:
    with closing(cipher.connect(path, key, read_only=True)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}

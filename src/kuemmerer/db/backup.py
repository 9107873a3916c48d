"""Verified backups, rotation and restore (DESIGN.md §3).

A backup never copies the file: SQLite's online backup API writes a consistent
snapshot to a temporary name, the snapshot is reopened and checked, and only
then renamed to its final ``.sqlite`` name. Backups are single files in
rollback-journal mode, so they can be copied to a stick as they are.

A backup of an encrypted database is encrypted with the same key, and the key file
(wrapped with her password) is copied beside it as ``<backup>.schluessel``: a backup on a
stick opens with her password, or with the Notfallcode alone. Plain backups from before
encryption stay readable without a key (``key_for``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kuemmerer.domain.errors import StorageError
from kuemmerer.paths import (
    create_private_file,
    fsync_dir,
    private_dir,
    private_file,
    real_path,
    storage_problem,
    write_atomically,
)

from . import cipher, keyfile
from .integrity import check_connection, check_file

log = logging.getLogger(__name__)

REGULAR = "taeglich"
BEFORE_IMPORT, BEFORE_IMPORT_UNDO = "vor-import", "vor-import-rueckgaengig"
SPECIAL_REASONS = ("vor-migration", "vor-wiederherstellung", "vor-verschluesselung", BEFORE_IMPORT, BEFORE_IMPORT_UNDO)
KEEP_SPECIAL = 3  # newest backups kept of each special reason
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z-]+)\.sqlite$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size_bytes: int


def backup_name(db_path: Path, when: dt.datetime, reason: str) -> str:
    return f"{Path(db_path).stem}-{when:%Y%m%d-%H%M%S}-{reason}.sqlite"


def list_backups(db_path: Path, backup_dir: Path) -> list[BackupInfo]:
    """Backups of the database ``db_path`` in ``backup_dir``, newest first."""
    stem = Path(db_path).stem
    found = []
    if not Path(backup_dir).is_dir():
        return []
    for entry in Path(backup_dir).iterdir():
        m = _NAME.match(entry.name)
        if not m or m["stem"] != stem:
            continue
        when = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
        found.append(BackupInfo(entry, when, m["reason"], entry.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)




def key_for(path: Path, key: bytes | None) -> bytes | None:
    """The key to read the backup (or database) file ``path`` with: None for a plain file
    (a backup from before encryption), else ``key``."""
    return None if cipher.is_plain(Path(path)) else key


def _snapshot(source: cipher.Connection, target: Path, key: bytes | None) -> None:
    """Write a consistent copy of ``source`` (keyed with ``key``) to the new file ``target``
    (0600 from the start), encrypted with the same key."""
    create_private_file(target)
    with closing(cipher.connect(target, key)) as dst:
        source.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()


def keyfile_of(backup_file: Path) -> Path:
    """Where the key file copied with a backup lives: beside it, ``<backup>.schluessel``."""
    return keyfile.keyfile_path(backup_file)


def _copy_keyfile(db_path: Path, backup_file: Path) -> None:
    """The database's key file beside the backup (atomic; nothing if there is none)."""
    source = keyfile.keyfile_path(db_path)
    if source.exists():
        write_atomically(source.read_bytes(), keyfile_of(backup_file))


def create_backup(db_path: Path, backup_dir: Path, *, reason: str = REGULAR,
                  now: dt.datetime | None = None, rotate: bool = True, key: bytes | None = None) -> BackupInfo:
    """Take a verified backup of ``db_path`` (encrypted with ``key``; None: a plain file)
    into ``backup_dir`` and return it.

    The source is checked first (integrity + foreign keys); a damaged source is
    not backed up (it would overwrite a good backup in the rotation).
    """
    db_path, backup_dir = real_path(db_path), Path(backup_dir)
    if not db_path.exists():
        raise StorageError(f"Die Datenbank {db_path} gibt es nicht.")
    tmp: Path | None = None
    try:
        private_dir(backup_dir)
        _remove_stale_temp_files(db_path, backup_dir)
        when = now or dt.datetime.now()
        if now is None:
            # the clock may stand still or step back (backups in quick succession, the autumn
            # hour): a new backup is always the newest, or the rotation would delete it at once
            latest = max((b.taken_at for b in list_backups(db_path, backup_dir)), default=None)
            if latest is not None and when <= latest:
                when = latest + dt.timedelta(seconds=1)
        # two backups in one second (of any reason) get different times, so the rotation's
        # "newest of the day" is always the one just written
        while any(backup_dir.glob(backup_name(db_path, when, "*"))):
            when += dt.timedelta(seconds=1)
        final = backup_dir / backup_name(db_path, when, reason)
        tmp = final.with_name(final.name + ".tmp")
        key = key_for(db_path, key)
        with closing(cipher.connect(db_path, key, timeout=30)) as src:
            src.execute("PRAGMA busy_timeout=30000")
            problems = check_connection(src)
            if problems:
                raise StorageError(
                    "Die Datenbank ist beschädigt, es wurde keine Sicherung erstellt: " + problems[0]
                )
            _snapshot(src, tmp, key)
        problems = check_file(tmp, key)
        if problems:
            raise StorageError("Die Sicherung ließ sich nicht prüfen und wurde verworfen: " + problems[0])
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if key is not None:  # the key file first: a backup on disk always has its key file
            _copy_keyfile(db_path, final)
        os.replace(tmp, final)
        tmp = None
        fsync_dir(backup_dir)
    except (OSError, *cipher.Error, StorageError) as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        error = exc if isinstance(exc, StorageError) else StorageError(
            "Die Sicherung ist fehlgeschlagen; Ihre Daten sind unverändert. "
            + (storage_problem(exc) or "Bitte versuchen Sie es später noch einmal."))
        _note_failure(db_path, str(error))
        if error is exc:
            raise
        log.warning("backup failed: %s", type(exc).__qualname__)
        raise error from None
    _last_failure.pop(db_path, None)
    log.info("backup written: %s", final.name)
    if rotate:
        rotate_backups(db_path, backup_dir, today=when.date())
    return BackupInfo(final, when, reason, final.stat().st_size)


def _remove_stale_temp_files(db_path: Path, backup_dir: Path) -> None:
    """Temp files an older version left after a failure (or a crash left): gone once they are
    an hour old (a younger one may belong to a backup running right now in another process)."""
    cutoff = dt.datetime.now().timestamp() - 3600
    for old in backup_dir.glob(f"{db_path.stem}-*.sqlite.tmp"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


# The last failed backup of each database (real path) in this process, so the window can
# say so (status bar, Heute) instead of failing silently; a good backup clears it.
_last_failure: dict[Path, tuple[dt.datetime, str]] = {}


def _note_failure(db_path: Path, message: str) -> None:
    _last_failure[db_path] = (dt.datetime.now(), message)


def last_failure(db_path: Path) -> tuple[dt.datetime, str] | None:
    """When and why the last backup of ``db_path`` failed, unless one succeeded since."""
    return _last_failure.get(real_path(db_path))


def backups_to_keep(backups: list[BackupInfo], *, daily: int = 14, weekly: int = 8,
                    monthly: int = 12) -> set[Path]:
    """Grandfather-father-son: the newest backup of each of the newest ``daily`` days,
    ``weekly`` ISO weeks and ``monthly`` months that have backups; plus the newest
    ``KEEP_SPECIAL`` of each special reason (before a migration or a restore)."""
    keep: set[Path] = set()
    regular = sorted((b for b in backups if b.reason not in SPECIAL_REASONS),
                     key=lambda b: b.taken_at, reverse=True)
    for count, key in (
        (daily, lambda b: b.taken_at.date()),
        (weekly, lambda b: b.taken_at.isocalendar()[:2]),
        (monthly, lambda b: (b.taken_at.year, b.taken_at.month)),
    ):
        seen: set = set()
        for b in regular:
            k = key(b)
            if k in seen:
                continue
            if len(seen) == count:
                break
            seen.add(k)
            keep.add(b.path)
    for reason in SPECIAL_REASONS:
        special = sorted((b for b in backups if b.reason == reason), key=lambda b: b.taken_at, reverse=True)
        keep.update(b.path for b in special[:KEEP_SPECIAL])
    return keep


def rotate_backups(db_path: Path, backup_dir: Path, today: dt.date | None = None) -> list[Path]:
    """Delete the backups the rotation does not keep; return what was deleted."""
    backups = list_backups(db_path, backup_dir)
    keep = backups_to_keep(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            keyfile_of(b.path).unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def newest_backup(db_path: Path, backup_dir: Path, key: bytes | None = None) -> BackupInfo | None:
    """The newest backup that passes the integrity check (read with ``key`` if encrypted)."""
    for b in list_backups(db_path, backup_dir):
        if not check_file(b.path, key_for(b.path, key)):
            return b
    return None


def restore_backup(db_path: Path, backup_file: Path, backup_dir: Path,
                   key: bytes | None = None) -> BackupInfo | None:
    """Replace the contents of ``db_path`` with ``backup_file``; with ``key`` the restored
    database is encrypted with it (a plain backup from before encryption is encrypted on the
    way), without one it is a plain file.

    The backup is checked first; the current database, if it is readable, is
    itself backed up (reason ``vor-wiederherstellung``) and returned, so a restore
    can be undone. The caller must have closed every connection to ``db_path``.
    """
    db_path, backup_file = real_path(db_path), Path(backup_file)
    backup_key = key_for(backup_file, key)
    problems = check_file(backup_file, backup_key)
    if problems:
        raise StorageError(f"Die Sicherung {backup_file.name} ist nicht in Ordnung: {problems[0]}")
    safety = None
    if db_path.exists():
        current_key = key_for(db_path, key)
        if check_file(db_path, current_key):
            move_aside(db_path)
        else:
            safety = create_backup(db_path, backup_dir, reason="vor-wiederherstellung", rotate=False,
                                   key=current_key)
    tmp = db_path.with_name(db_path.name + ".restore-tmp")
    try:
        tmp.unlink(missing_ok=True)  # left by an earlier failed restore
        if backup_key == key:
            with closing(cipher.connect(backup_file, backup_key, read_only=True)) as src:
                _snapshot(src, tmp, key)
        else:  # a plain backup into an encrypted database: SQLite's backup API cannot change the key
            cipher.export(backup_file, backup_key, tmp, key)
        if check_file(tmp, key):
            raise StorageError("Die wiederhergestellte Datei ließ sich nicht prüfen; nichts wurde geändert.")
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(tmp, db_path)
        fsync_dir(db_path.parent)
    except (OSError, *cipher.Error, StorageError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, StorageError):
            raise
        log.warning("restore failed: %s", type(exc).__qualname__)
        raise StorageError("Die Wiederherstellung ist fehlgeschlagen. "
                           + (storage_problem(exc) or "Bitte versuchen Sie es noch einmal.")) from None
    private_file(db_path)
    log.info("restored database from %s", backup_file.name)
    return safety


def move_aside(db_path: Path) -> Path:
    """Move a damaged database (and its -wal/-shm) aside; never delete it."""
    db_path = Path(db_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.beschaedigt-{stamp}")
    shutil.move(db_path, target)
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            shutil.move(side, Path(str(target) + suffix))
    log.warning("damaged database moved aside to %s", target.name)
    return target


def plain_backups(db_path: Path, backup_dir: Path) -> list[BackupInfo]:
    """Backups of ``db_path`` that are plain files (taken before the database was encrypted)."""
    found = []
    for b in list_backups(db_path, backup_dir):
        with contextlib.suppress(OSError):
            if cipher.is_plain(b.path):
                found.append(b)
    return found


def remove_securely(path: Path) -> None:
    """Overwrite the file with zeros (synced), then delete it. On an SSD or a journalling
    file system old blocks may survive elsewhere; the README says so — full-disk encryption
    is what covers that."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        chunk = b"\0" * (1 << 20)
        left = size
        while left > 0:
            n = min(left, len(chunk))
            fh.write(chunk[:n])
            left -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()
    fsync_dir(path.parent)

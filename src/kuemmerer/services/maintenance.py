"""Backups, restore and checks as use cases (with audit events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kuemmerer.db import backup as _backup
from kuemmerer.db import integrity, storage
from kuemmerer.db.backup import BackupInfo
from kuemmerer.domain.enums import AuditAction
from kuemmerer.domain.errors import DatabaseDamaged, StorageError

from . import erasures
from .workspace import Workspace

__all__ = ["BackupInfo", "RecoveryOffer", "check", "create_backup", "list_backups", "recovery_offer", "restore"]


@dataclass(frozen=True)
class RecoveryOffer:
    """The newest backup that passes its check, as offered when the database cannot be used."""

    path: Path
    taken_at: dt.datetime
    persons: int


def check(db_path: Path, key: bytes | None = None) -> list[str]:
    """Integrity and foreign-key problems of the file (empty list = ok); an encrypted file
    needs its key (``NeedsKey``/``WrongKey`` otherwise, never a verdict of damage)."""
    if not Path(db_path).exists():
        raise StorageError(f"Die Datenbank {db_path} gibt es nicht.")
    storage.preflight(Path(db_path), write=False, key=key)
    problems = storage.check_contents(Path(db_path), storage.file_key(Path(db_path), key))
    if not problems:  # a good full check: the next open need not check again today
        integrity.note_good_check(Path(db_path), _backup_dir_of(Path(db_path)))
    return problems


def _backup_dir_of(db_path: Path) -> Path:
    from kuemmerer.db.migrate import default_backup_dir

    return default_backup_dir(db_path)


def recovery_offer(db_path: Path, backup_dir: Path, backup_file: Path | str | None = None,
                   key: bytes | None = None) -> RecoveryOffer | None:
    """``backup_file`` (or else the newest backup that passes its check) with its date and
    how many persons it holds; None if there is no such backup."""
    chosen = None
    if backup_file is not None:
        chosen = next((b for b in _backup.list_backups(db_path, backup_dir) if b.path == Path(backup_file)), None)
    if chosen is None:
        chosen = _backup.newest_backup(db_path, backup_dir, key)
    if chosen is None:
        return None
    return RecoveryOffer(chosen.path, chosen.taken_at, storage.backup_contents(chosen.path, key)["persons"])


def create_backup(db: Workspace, target_dir: Path | None = None, *, reason: str = _backup.REGULAR,
                  now: dt.datetime | None = None) -> BackupInfo:
    """A verified backup; its full check of the database counts as the day's check (the open
    need not check again). A backup refused because the database is damaged raises
    ``DatabaseDamaged`` (the file stays; the next open takes the damaged-file path)."""
    try:
        info = _backup.create_backup(db.path, Path(target_dir) if target_dir else db.backup_dir,
                                     reason=reason, now=now, key=db.key)
    except StorageError as exc:
        if _damaged(db):
            raise storage.damaged_while_open(db.path, db.backup_dir, db.key) from exc
        raise
    integrity.note_good_check(db.path, db.backup_dir, info.taken_at)
    with db.uow() as uow:
        uow.audit(AuditAction.BACKUP, "database")
        uow.commit()
    return info


def _damaged(db: Workspace) -> bool:
    """After a failed backup: is the database itself damaged (the full check says so)?"""
    try:
        return bool(storage.check_contents(db.path, db.key))
    except StorageError:  # busy, cannot open: no verdict on the contents
        return False


def backup_failure(db_path: Path) -> str | None:
    """If the last backup of ``db_path`` in this session failed (and none succeeded since):
    when and why, in German, for the status bar and Heute."""
    failed = _backup.last_failure(db_path)
    if failed is None:
        return None
    when, why = failed
    return f"Sicherung um {when:%H:%M} Uhr: {why}"


def list_backups(db_path: Path, backup_dir: Path) -> list[BackupInfo]:
    return _backup.list_backups(db_path, backup_dir)


def newest_backup(db_path: Path, backup_dir: Path, key: bytes | None = None) -> BackupInfo | None:
    return _backup.newest_backup(db_path, backup_dir, key)


def last_backup_time(db_path: Path, backup_dir: Path) -> dt.datetime | None:
    found = _backup.list_backups(db_path, backup_dir)
    return found[0].taken_at if found else None


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: the safety backup of the replaced state (if there was one), when
    the restored backup was taken, and every erasure known before the restore (re-applied by
    ``record_restore``)."""

    safety: BackupInfo | None
    backup_taken_at: dt.datetime | None  # local time, from the backup's name
    journal: tuple[erasures.JournalEntry, ...]


def restore(db_path: Path, backup_file: Path, backup_dir: Path, key: bytes | None = None) -> Restored:
    """Restore ``backup_file`` over ``db_path`` (every connection must be closed); with
    ``key`` (the database's) the restored file is encrypted with it. Before the swap the
    erasure journal is gathered from the file being replaced, every backup and the journal
    file, so ``record_restore`` can re-apply erasures the backup does not know."""
    if not Path(backup_file).is_file():
        raise StorageError(f"Die Sicherung {backup_file} gibt es nicht.")
    # the database itself may be missing or moved aside; a folder or foreign file is refused
    storage.preflight(Path(db_path), backup_dir=Path(backup_dir))
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    backups = [b.path for b in _backup.list_backups(db_path, backup_dir)]
    journal = erasures.collect_for_restore(Path(db_path), Path(backup_dir), backups, key)
    taken = next((b.taken_at for b in _backup.list_backups(db_path, backup_dir)
                  if b.path.resolve() == Path(backup_file).resolve()), None)
    # a backup from elsewhere (a stick, another name) has no known time: every journalled
    # erasure whose record it still holds (same id and creation time) is re-applied
    safety = _backup.restore_backup(Path(db_path), Path(backup_file), Path(backup_dir), key)
    # the restored file was checked in full; a marker (unclean end, damage seen) was the old file's
    integrity.clear_marker(Path(db_path))
    integrity.note_good_check(Path(db_path), Path(backup_dir))
    integrity.note_clean_close(Path(db_path), Path(backup_dir))
    return Restored(safety, taken, tuple(journal))


def record_restore(db: Workspace, restored: Restored | None = None) -> int:
    """After the restored file was opened (and migrated): re-apply the erasures made after the
    backup was taken, keep the whole journal in it, and audit the restore. Returns how many
    erasures were re-applied (she is told)."""
    again = 0
    with db.uow() as uow:
        if restored is not None:
            again = erasures.reapply(uow, restored.journal, restored.backup_taken_at)
        uow.audit(AuditAction.RESTORE, "database")
        uow.commit()
    return again


def reapplied_text(n: int) -> str:
    """German, for the message after a restore."""
    if n == 0:
        return ""
    noun = "Löschung" if n == 1 else "Löschungen"
    return (f"{n} {noun} aus der Zeit nach dieser Sicherung {'wurde' if n == 1 else 'wurden'} erneut "
            "ausgeführt, damit gelöschte Personen gelöscht bleiben.")


def housekeeping(db: Workspace, today: dt.date | None = None) -> dict[str, object]:
    """What runs once a day when the window opens: a verified daily backup (if there is
    none from today yet) and erasure of expired police-clearance data (§72a SGB VIII)."""
    from . import validation, volunteers

    today = today or validation.today()
    done: dict[str, object] = {"backup": None, "clearances_erased": []}
    newest = _backup.list_backups(db.path, db.backup_dir)
    if not any(b.reason == _backup.REGULAR and b.taken_at.date() == today for b in newest):
        try:
            done["backup"] = create_backup(db)
        except DatabaseDamaged:  # the window must offer the damaged-file path, not go on
            raise
        except StorageError:  # shown by the window (backup_failure); the day's other work goes on
            done["backup"] = None
    with db.uow() as uow:
        done["clearances_erased"] = volunteers.erase_expired_clearances(uow, today)
    if done["backup"] is not None:  # once a day: fresh statistics for the query planner
        db.analyze()
    return done

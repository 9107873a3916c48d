"""The erasure journal as use cases: journal an erasure, and after a restore re-apply every
erasure the restored backup does not know yet — an erased resident never comes back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from kuemmerer.db import erasure_journal, queries
from kuemmerer.db.erasure_journal import JournalEntry
from kuemmerer.db.migrate import default_backup_dir
from kuemmerer.db.models import Person, Volunteer
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AuditAction, ErasureKind
from kuemmerer.paths import real_path

__all__ = ["JournalEntry", "collect_for_restore", "journal", "publish", "reapply"]


def journal(uow: UnitOfWork, kind: ErasureKind, entity_id: int, record_created_at: dt.datetime | None) -> JournalEntry:
    """Journal an erasure in the unit of work's transaction; after the commit hand the
    result to ``publish`` so it is also written beside the database."""
    return erasure_journal.add(uow.session, kind.value, entity_id, record_created_at)


def publish(uow: UnitOfWork, entries: Iterable[JournalEntry]) -> None:
    """After the commit: append the entries to the journal file in the backup folder."""
    erasure_journal.append_to_sidecar(erasure_journal.sidecar_dir_of(uow.session), list(entries))


def collect_for_restore(db_path: Path, backup_dir: Path, backup_files: Iterable[Path],
                        key: bytes | None = None) -> list[JournalEntry]:
    """Every erasure known anywhere before a restore: the database about to be replaced (if
    it can still be read), every backup (a newer backup knows erasures an older one does not)
    and the journal file beside the database."""
    found: set[JournalEntry] = set()
    found.update(erasure_journal.entries_in_file(db_path, key))
    for path in backup_files:
        found.update(erasure_journal.entries_in_file(path, key))
    for folder in {Path(backup_dir), default_backup_dir(real_path(db_path))}:
        found.update(erasure_journal.sidecar_entries(folder))
    return sorted(found, key=JournalEntry.sort_key)


def _to_utc_naive(local: dt.datetime) -> dt.datetime:
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def reapply(uow: UnitOfWork, entries: Iterable[JournalEntry], backup_taken_at: dt.datetime | None) -> int:
    """Re-apply, in the restored database, every journalled erasure made after the backup was
    taken (``backup_taken_at``: local time from the backup's name; None = every erasure) whose
    record is still there — the same record, by id and creation time. Persons are erased with
    everything linked (figures of finished years are frozen first, as for every erasure);
    police-clearance data is cleared. The restored journal then holds every entry. Commits;
    returns how many erasures were re-applied."""
    from .statistics import freeze_before_erasure

    since = _to_utc_naive(backup_taken_at) if backup_taken_at is not None else None
    entries = sorted(set(entries), key=JournalEntry.sort_key)
    due = [e for e in entries if since is None or e.erased_at >= since]
    done = 0
    frozen = False
    for e in due:
        if e.kind == ErasureKind.PERSON.value:
            person = uow.find(Person, e.entity_id)
            if person is None or (e.record_created_at is not None and person.created_at != e.record_created_at):
                continue
            if not frozen:
                freeze_before_erasure(uow)
                frozen = True
            uow.delete(person)
            uow.flush()
            done += 1
        elif e.kind == ErasureKind.CLEARANCE.value:
            v = uow.find(Volunteer, e.entity_id)
            if v is None or (e.record_created_at is not None and v.created_at != e.record_created_at):
                continue
            if (v.clearance_seen_on, v.clearance_issued_on, v.clearance_relevant_entry) == (None, None, None):
                continue
            v.clearance_seen_on = v.clearance_issued_on = v.clearance_relevant_entry = None
            done += 1
    if done:
        queries.delete_unused_tags(uow.session)
    erasure_journal.store_missing(uow.session, entries)
    if done:
        uow.audit(AuditAction.ERASE, "erasures")
    uow.commit()
    if done:
        queries.checkpoint(uow.session)
    return done

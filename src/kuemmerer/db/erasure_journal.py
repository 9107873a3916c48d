"""The erasure journal (DESIGN.md §3): what was erased and when, by id only.

Each erasure is written twice: as a row of ``erasures`` in the same transaction as the
erasure itself, and — after the commit — as one line appended to ``Sicherungen/
loeschjournal.jsonl`` beside the database. The line survives when the database file itself
is damaged and only an older backup is left. Neither holds a name or any other value of
the erased record: the kind, the record's id, the record's own creation time (so a re-used
id is never mistaken for it) and the time of the erasure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from kuemmerer.paths import PRIVATE_FILE_MODE, private_dir

from . import cipher
from .migrate import default_backup_dir
from .models import Erasure

log = logging.getLogger(__name__)

SIDECAR = "loeschjournal.jsonl"


@dataclass(frozen=True)
class JournalEntry:
    erased_at: dt.datetime  # naive UTC, as stored
    kind: str  # ErasureKind value
    entity_id: int
    record_created_at: dt.datetime | None  # naive UTC

    def sort_key(self) -> tuple:
        return (self.erased_at, self.kind, self.entity_id, self.record_created_at or dt.datetime.min)

    def as_line(self) -> str:
        created = self.record_created_at.isoformat() if self.record_created_at else None
        return json.dumps({"kind": self.kind, "id": self.entity_id, "created": created,
                           "erased": self.erased_at.isoformat()}, ensure_ascii=True)

    @classmethod
    def from_line(cls, line: str) -> JournalEntry | None:
        try:
            data = json.loads(line)
            created = dt.datetime.fromisoformat(data["created"]) if data.get("created") else None
            return cls(dt.datetime.fromisoformat(data["erased"]), str(data["kind"]), int(data["id"]), created)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # a line torn by a crash or edited by hand: skipped


def _parse_stored(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


# --------------------------------------------------------------------------- in the database


def add(session: OrmSession, kind: str, entity_id: int, record_created_at: dt.datetime | None) -> JournalEntry:
    """Journal an erasure in the current transaction (commits with the erasure)."""
    row = Erasure(kind=kind, entity_id=entity_id, record_created_at=record_created_at,
                  erased_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    session.add(row)
    return JournalEntry(row.erased_at, kind, entity_id, record_created_at)


def stored_entries(session: OrmSession) -> list[JournalEntry]:
    rows = session.execute(select(Erasure.erased_at, Erasure.kind, Erasure.entity_id, Erasure.record_created_at))
    return sorted((JournalEntry(a, k, i, c) for a, k, i, c in rows), key=JournalEntry.sort_key)


def store_missing(session: OrmSession, entries: Iterable[JournalEntry]) -> int:
    """Add the entries this database's journal does not hold yet (after a restore); returns how many."""
    have = set(stored_entries(session))
    new = [e for e in sorted(set(entries), key=JournalEntry.sort_key) if e not in have]
    for e in new:
        session.add(Erasure(kind=e.kind, entity_id=e.entity_id, record_created_at=e.record_created_at,
                            erased_at=e.erased_at))
    return len(new)


def entries_in_file(path: Path, key: bytes | None = None) -> list[JournalEntry]:
    """The journal stored in a database or backup file (encrypted with ``key``, or plain);
    [] if it has none (an older revision) or cannot be read (a damaged file, another key:
    whatever is readable is not worth a failed restore)."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        with closing(cipher.connect(path, None if cipher.is_plain(path) else key, read_only=True)) as conn:
            rows = conn.execute("SELECT erased_at, kind, entity_id, record_created_at FROM erasures").fetchall()
        found = [JournalEntry(erased, k, int(i), _parse_stored(c))
                 for a, k, i, c in rows if (erased := _parse_stored(a)) is not None]
        return sorted(found, key=JournalEntry.sort_key)
    except (*cipher.Error, OSError, ValueError, TypeError):
        return []


# --------------------------------------------------------------------------- beside the database


def sidecar_path(backup_dir: Path) -> Path:
    return Path(backup_dir) / SIDECAR


def sidecar_dir_of(session: OrmSession) -> Path | None:
    """The backup folder beside the database the session works on (where the sidecar lives)."""
    bind = session.get_bind()
    database = getattr(getattr(bind, "url", None), "database", None)
    if not database or database == ":memory:":
        return None
    return default_backup_dir(Path(os.path.realpath(database)))


def append_to_sidecar(backup_dir: Path | None, entries: Iterable[JournalEntry]) -> bool:
    """Append the entries (after their commit), 0600 in a 0700 folder, synced. A failure is
    logged and returns False: the database's own journal already holds them."""
    lines = "".join(e.as_line() + "\n" for e in entries)
    if backup_dir is None or not lines:
        return True
    try:
        private_dir(backup_dir)
        fd = os.open(sidecar_path(backup_dir), os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        try:
            os.write(fd, lines.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return True
    except OSError as exc:
        log.warning("erasure journal beside the database not written: %s", type(exc).__qualname__)
        return False


def sidecar_entries(backup_dir: Path) -> list[JournalEntry]:
    path = sidecar_path(backup_dir)
    with contextlib.suppress(OSError):
        text = path.read_text(encoding="ascii", errors="replace")
        return sorted((e for e in map(JournalEntry.from_line, text.splitlines()) if e is not None),
                      key=JournalEntry.sort_key)
    return []

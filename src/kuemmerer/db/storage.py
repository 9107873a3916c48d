"""Opening a database file the safe way: check, migrate, hand out an engine."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from kuemmerer.domain.errors import DatabaseDamaged, StorageError

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
    except sqlite3.Error:
        log.warning("checkpoint on close failed", exc_info=True)


def open_database(path: Path, *, backup_dir: Path | None = None, create: bool = True,
                  upgrade: bool = True) -> Database:
    """Open (or create) the database at ``path``.

    ``quick_check`` on every open; a damaged file is moved aside (never deleted)
    and ``DatabaseDamaged`` names the newest verified backup to restore. A schema
    that is behind is migrated, after a verified backup, in one transaction.
    """
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir else migrate.default_backup_dir(path)
    created = not path.exists()
    if created and not create:
        raise StorageError(f"Die Datenbank {path} gibt es nicht.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not created:
        problems = integrity.check_file(path, quick=True)
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
        migrated = migrate.upgrade(path, backup_dir=backup_dir) and not created
    engine = make_engine(path)
    return Database(path=path, engine=engine, backup_dir=backup_dir, created=created, migrated=migrated)

"""Schema migrations with Alembic: one transaction, verified backup first.

Alembic is imported lazily: it is slow to import and only needed when the
schema is behind (an up-to-date database is recognised without it).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kuemmerer.domain.errors import StorageError

from .engine import make_engine
from .preflight import default_backup_dir

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None, script_location: Path | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision(script_location: Path | None = None) -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_config(script_location=script_location)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"expected one migration head, found {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w]+)?['\"]?", re.M)


def _head_without_alembic(script_location: Path | None = None) -> str | None:
    """The head revision read from the scripts' ``revision``/``down_revision`` lines, so that
    opening an up-to-date database does not import Alembic (slow). None if unclear."""
    revisions, parents = set(), set()
    for script in (Path(script_location or MIGRATIONS_DIR) / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if found.get("down_revision") not in (None, "", "None"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def needs_upgrade(engine: Engine, script_location: Path | None = None) -> bool:
    current = current_revision(engine)
    fast = _head_without_alembic(script_location)
    if fast is not None and current == fast:
        return False
    return current != head_revision(script_location)


def upgrade(db_path: Path, *, backup_dir: Path | None = None, script_location: Path | None = None,
            target: str = "head", key: bytes | None = None) -> bool:
    """Bring the database at ``db_path`` to ``target``. Returns True if anything was done.

    A non-empty database is first checked and backed up (verified); the whole
    upgrade then runs in one ``BEGIN IMMEDIATE`` transaction with foreign keys
    off (SQLite's table rebuilds), checks ``foreign_key_check`` and commits —
    or rolls back completely, leaving schema and data as they were.
    """
    engine = make_engine(db_path, key=key, foreign_keys=False, pooled=False)
    try:
        if not needs_upgrade(engine, script_location) and target == "head":
            return False
        from alembic import command

        if not is_empty(engine):
            from .backup import create_backup

            create_backup(db_path, backup_dir or default_backup_dir(db_path), reason="vor-migration", key=key)
        with engine.begin() as conn:
            command.upgrade(_config(conn, script_location), target)
            problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise StorageError(
                    "Die Aktualisierung der Datenbank wurde abgebrochen: "
                    f"{len(problems)} Verweise passen nicht mehr. Es wurde nichts geändert."
                )
        log.info("database schema upgraded to %s", target)
        return True
    finally:
        engine.dispose()




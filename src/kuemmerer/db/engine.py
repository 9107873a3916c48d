"""The engine factory: the only place that opens the database file.

Every connection gets the pragmas of DESIGN.md §3. The driver's own transaction
handling is switched off so that SQLAlchemy's ``begin`` emits our BEGIN: write
transactions start with ``BEGIN IMMEDIATE`` (all or nothing, even for DDL, and no
late "database is locked" on the first write); read-only ones with ``BEGIN``.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from kuemmerer.paths import private_db_folder, private_dir, private_file

from . import cipher
from .integrity import is_damage

READONLY = "kuemmerer_readonly"
log = logging.getLogger(__name__)
# what each engine raises when SQLite reports a damaged page while she works (storage builds
# it: a German ``DatabaseDamaged`` naming the newest good backup); see ``damage_error``
_ON_DAMAGE: weakref.WeakKeyDictionary[Engine, Callable[[], BaseException]] = weakref.WeakKeyDictionary()
# engines whose WAL still holds erased data because a reader's snapshot kept the checkpoint
# from finishing: every connection handed back to the pool tries again (checkpoint_later)
_CHECKPOINT_PENDING: weakref.WeakSet[Engine] = weakref.WeakSet()

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA secure_delete=ON",
    "PRAGMA trusted_schema=OFF",
)


def _configure(dbapi_connection: cipher.Connection, foreign_keys: bool) -> None:
    # No implicit BEGIN by the sqlite3 module: we begin explicitly in on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


SIDE_FILES = ("-wal", "-shm", "-journal")
ATTACHMENTS_DIR = "Anhaenge"  # next to the database (storage.Database.files_dir)
from .preflight import BACKUPS_DIR  # noqa: E402 - next to the database (preflight.default_backup_dir)


def tighten_files(path: Path) -> None:
    """Her files readable by her only (0600; POSIX — on Windows the profile folder already
    keeps others out): the database and its -wal/-shm/-journal, and the existing attachments
    and backup folders (0700) with their files. SQLite gives a new -wal/-shm the mode of the database."""
    path = Path(path)
    if path.parent.is_dir():
        private_db_folder(path.parent)
    for name in ("", *SIDE_FILES):
        private_file(Path(str(path) + name))
    for folder in (path.parent / ATTACHMENTS_DIR, path.parent / BACKUPS_DIR):
        if folder.is_dir():
            private_dir(folder)
            for entry in folder.iterdir():
                private_file(entry)


def make_engine(path: Path | str, *, key: bytes | None = None, foreign_keys: bool = True,
                pooled: bool = True, on_damage: Callable[[], BaseException] | None = None) -> Engine:
    """An engine on the SQLite file at ``path``, encrypted with ``key`` (None: a plain file).

    ``on_damage`` builds the error raised instead of SQLite's own when a statement meets a
    damaged page (SQLITE_CORRUPT, SQLITE_NOTADB): the open does not check every page any more
    (issue 12 §2), so damage may first show while she works, and must never pass silently.

    ``foreign_keys=False`` is for schema migrations only: SQLite's table rebuilds
    (batch mode) would otherwise cascade deletes when the old table is dropped;
    the migration checks ``foreign_key_check`` itself before it commits.
    """
    path = Path(path)

    def creator() -> cipher.Connection:
        # the key before anything else reads the file (cipher.connect quotes the path as a URI)
        return cipher.connect(path, key)

    kwargs: dict = {"hide_parameters": True, "module": cipher.dbapi, "creator": creator}
    if not pooled:
        kwargs["poolclass"] = NullPool
    # the URL only tells SQLAlchemy that this is a file (a pool of connections, not one);
    # the creator opens it
    engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)), **kwargs)

    tighten_files(Path(path))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        private_file(Path(path))  # a file SQLite has just created: 0600 before any -wal exists
        _configure(dbapi_connection, foreign_keys)

    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection, _record):
        if dbapi_connection is not None and engine in _CHECKPOINT_PENDING and checkpoint_now(dbapi_connection):
            _CHECKPOINT_PENDING.discard(engine)

    if on_damage is not None:
        _ON_DAMAGE[engine] = on_damage

        @event.listens_for(engine, "handle_error")
        def on_error(context):
            if is_damage(context.original_exception):
                return on_damage()
            return None

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get(READONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def damage_error(engine: Engine, exc: BaseException) -> BaseException | None:
    """The error to raise instead of ``exc`` if it is SQLite reporting damage on ``engine``'s
    file (for errors that did not pass through SQLAlchemy: a driver connection used directly);
    None otherwise."""
    build = _ON_DAMAGE.get(engine)
    if build is None or not is_damage(exc):
        return None
    return build()


def checkpoint_now(dbapi_connection: cipher.Connection) -> bool:
    """Fold the whole WAL into the file and truncate it, without waiting for readers (a
    reader's snapshot would make it wait ``busy_timeout``); True if nothing is left in the WAL."""
    try:
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        try:
            busy, log_frames, done = dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            dbapi_connection.execute("PRAGMA busy_timeout=5000")
    except cipher.Error as exc:
        log.warning("checkpoint failed: %s", type(exc).__qualname__)
        return False
    return busy == 0 and log_frames == done


def checkpoint_or_later(engine: Engine, dbapi_connection: cipher.Connection) -> bool:
    """Checkpoint now; if a reader still holds an older snapshot (so erased pages would stay in
    the main file), try again each time a connection of ``engine`` goes back to the pool —
    that is, as soon as the readers are gone. True if done now."""
    if checkpoint_now(dbapi_connection):
        _CHECKPOINT_PENDING.discard(engine)
        return True
    _CHECKPOINT_PENDING.add(engine)
    return False


def checkpoint_pending(engine: Engine) -> bool:
    return engine in _CHECKPOINT_PENDING


def readonly(engine: Engine) -> Engine:
    """The same engine, but transactions begin DEFERRED (for read-only work)."""
    return engine.execution_options(**{READONLY: True})

"""The engine factory: the only place that opens the database file.

Every connection gets the pragmas of DESIGN.md §3. The driver's own transaction
handling is switched off so that SQLAlchemy's ``begin`` emits our BEGIN: write
transactions start with ``BEGIN IMMEDIATE`` (all or nothing, even for DDL, and no
late "database is locked" on the first write); read-only ones with ``BEGIN``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

READONLY = "kuemmerer_readonly"

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA secure_delete=ON",
    "PRAGMA trusted_schema=OFF",
)


def _configure(dbapi_connection: sqlite3.Connection, foreign_keys: bool) -> None:
    # No implicit BEGIN by the sqlite3 module: we begin explicitly in on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def make_engine(path: Path | str, *, foreign_keys: bool = True, pooled: bool = True) -> Engine:
    """An engine on the SQLite file at ``path``.

    ``foreign_keys=False`` is for schema migrations only: SQLite's table rebuilds
    (batch mode) would otherwise cascade deletes when the old table is dropped;
    the migration checks ``foreign_key_check`` itself before it commits.
    """
    url = f"sqlite+pysqlite:///{Path(path)}"
    kwargs: dict = {"hide_parameters": True}
    if not pooled:
        kwargs["poolclass"] = NullPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        _configure(dbapi_connection, foreign_keys)

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get(READONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def readonly(engine: Engine) -> Engine:
    """The same engine, but transactions begin DEFERRED (for read-only work)."""
    return engine.execution_options(**{READONLY: True})

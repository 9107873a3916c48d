"""SQLite's own checks of a database file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def check_connection(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """Problems found (empty list = ok): integrity (or quick) check, then foreign keys."""
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    problems = [str(r[0]) for r in _rows(conn, pragma) if r[0] != "ok"]
    if not quick:
        for table, rowid, parent, _fkid in _rows(conn, "PRAGMA foreign_key_check"):
            problems.append(f"Verweis ins Leere: {table} Zeile {rowid} → {parent}")
    return problems


def check_file(path: Path, *, quick: bool = False) -> list[str]:
    """Check the file at ``path`` without changing it (read-only connection)."""
    try:
        uri = f"file:{Path(path).as_posix()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            return check_connection(conn, quick=quick)
    except sqlite3.DatabaseError as exc:
        return [f"Datei ist keine lesbare Datenbank ({exc.__class__.__name__})"]

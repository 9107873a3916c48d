"""SQLite's own checks of a database file."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from . import cipher

SQLITE_MAGIC = b"SQLite format 3\x00"
# the only SQLite error codes that mean "this file is damaged" (the others - busy, locked,
# cannot open, permission, read-only, I/O - say nothing about the file's contents)
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def read_only_uri(path: Path) -> str:
    """A ``file:`` URI for a read-only connection, every character quoted (``# ? % & ;``,
    spaces, umlauts), so SQLite opens exactly ``path`` and nothing else."""
    return Path(path).absolute().as_uri() + "?mode=ro"


def starts_like_sqlite(path: Path) -> bool:
    """True for an empty file, a file with SQLite's header, or one whose 100-byte header
    was zeroed (a damaged database); False for a letter, a picture, a folder… — and for an
    encrypted database, which starts with random bytes (``storage.is_ours`` knows it by its
    key file, its backups or its key)."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    return not head or head.startswith(SQLITE_MAGIC) or (len(head) == 100 and not any(head))


def _rows(conn: cipher.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def check_connection(conn: cipher.Connection, *, quick: bool = False) -> list[str]:
    """Problems found (empty list = ok): integrity (or quick) check, then foreign keys."""
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    problems = [str(r[0]) for r in _rows(conn, pragma) if r[0] != "ok"]
    if not quick and not problems and _is_keyed(conn):
        # SQLCipher's own check: every page's HMAC (a flipped byte in an encrypted page)
        problems = [str(r[0]) for r in _rows(conn, "PRAGMA cipher_integrity_check")]
    if not quick:
        for table, rowid, parent, _fkid in _rows(conn, "PRAGMA foreign_key_check"):
            problems.append(f"Verweis ins Leere: {table} Zeile {rowid} → {parent}")
    return problems


def _is_keyed(conn: cipher.Connection) -> bool:
    try:
        return bool(_rows(conn, "PRAGMA cipher_provider"))
    except cipher.Error:
        return False


def is_damage(exc: BaseException) -> bool:
    """Does this error say the file's contents are damaged (not: busy, locked, no access)?"""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in _DAMAGE_CODES


def damage_of(path: Path, key: bytes | None = None, *, quick: bool = False) -> list[str]:
    """Problems of the file's contents (empty list = ok), read with ``key`` (None: a plain
    file). Errors that are no verdict on the contents (busy, locked, cannot open, no
    permission) are raised, not reported. A wrong key looks like damage: callers that may
    hold a wrong key check it first (``keyfile.check_key``)."""
    try:
        with closing(cipher.connect(path, key, read_only=True)) as conn:
            return check_connection(conn, quick=quick)
    except cipher.DatabaseError as exc:
        if is_damage(exc):
            return [f"Datei ist keine lesbare Datenbank ({exc.__class__.__name__})"]
        raise


def check_file(path: Path, key: bytes | None = None, *, quick: bool = False) -> list[str]:
    """Check the file at ``path`` without changing it (read-only connection)."""
    try:
        return damage_of(path, key, quick=quick)
    except cipher.DatabaseError as exc:
        return [f"Datei ist keine lesbare Datenbank ({exc.__class__.__name__})"]

"""Every connection to one of her database files goes through here (SQLCipher 4).

The database is encrypted with a random 256-bit key (issue 11; the key file beside it is
``keyfile.py``). SQLCipher is a complete SQLite: with a key, every page of the file, its WAL
and every backup is AES-256 encrypted and authenticated (HMAC-SHA512); without one it reads
and writes plain SQLite files — an older plain database and its plain backups stay readable
until she encrypts them (``encrypt_in_place``).

- The key is handed over raw (``x'…'``), so SQLCipher's own PBKDF2 is skipped: the password's
  slow, memory-hard derivation happens once, in ``keyfile.unwrap``.
- A wrong key is accepted by ``PRAGMA key``; the first read then fails with SQLITE_NOTADB,
  exactly as a file with a damaged first page does. ``opens_with`` tells the two apart only
  as far as anything can: a key that passes ``keyfile.check_key`` and still fails means damage.
- ``cipher_log_level = NONE``: SQLCipher would otherwise print decryption errors to stderr.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi

from kuemmerer.paths import create_private_file

SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_BYTES = 32
PAGE_SIZE = 4096  # SQLCipher 4's default page size
# the errors of both drivers (a test or an older helper may still hand us a stdlib connection)
Error = (dbapi.Error, sqlite3.Error)
DatabaseError = (dbapi.DatabaseError, sqlite3.DatabaseError)
Connection = dbapi.Connection
# The page cache of every connection may grow to 256 MB (KiB; SQLite's default is 2 MB): every
# page an encrypted file reads from disk is decrypted and its HMAC checked, so keeping decrypted
# pages saves most of that work. It only grows with the pages actually read (never beyond the
# file), so a small database costs what it is. Measured on 100k persons / 1M contacts: Heute
# with 64 MB 1.45× the plain file's time, with 256 MB 1.03× (benchmarks/run.py).
PAGE_CACHE_KIB = 256_000


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(conn: dbapi.Connection, key: bytes | None) -> None:
    """Key a fresh connection (before anything else touches the file); ``None`` = plain file."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        conn.execute(_key_pragma(key))
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")  # the same for plain files: a fair comparison


def connect(path: Path | str, key: bytes | None, *, read_only: bool = False,
            timeout: float = 5.0, create: bool = True) -> dbapi.Connection:
    """A connection to exactly ``path`` (every character of the path quoted in a ``file:``
    URI: ``# ? % &`` and umlauts stay the path), keyed with ``key``; ``create=False``: a
    missing file is an error, not a new empty database."""
    mode = "?mode=ro" if read_only else ("" if create else "?mode=rw")
    uri = Path(path).absolute().as_uri() + mode
    conn = dbapi.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        apply_key(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def is_plain(path: Path) -> bool:
    """True for a file that starts like a plain SQLite database (or is empty); an encrypted
    file starts with 16 random bytes (its salt)."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    return not head or head == SQLITE_MAGIC


def looks_encrypted(path: Path) -> bool:
    """Could this be an encrypted database (whose key file is lost)? Not plain, not empty, and
    whole 4 KiB pages — a letter, a picture or a zip file is refused before anything is
    asked; a guess that lets a foreign file through only ever leads to "the code does not fit"."""
    size = Path(path).stat().st_size
    return size >= PAGE_SIZE and size % PAGE_SIZE == 0 and not is_plain(path)


def opens_with(path: Path, key: bytes | None) -> bool:
    """Does ``key`` (None: no key) read the file's schema? False for a wrong key, a damaged
    first page or a file that is no database; other errors (busy, no access) are raised.

    Nothing is left behind: a read-only connection to a database in WAL mode would create its
    ``-wal`` and ``-shm`` files and could not remove them; this one (which only reads, and never
    creates the database) removes them when it closes as the last one."""
    def read_schema(read_only: bool) -> None:
        with closing(connect(path, key, read_only=read_only, create=False)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    try:
        try:
            read_schema(read_only=False)
        except dbapi.OperationalError as exc:
            if _code(exc) not in (8, 14):  # READONLY, CANTOPEN: a write-protected file or folder
                raise
            read_schema(read_only=True)
        return True
    except dbapi.DatabaseError as exc:
        if _code(exc) in (11, 26):  # CORRUPT, NOTADB
            return False
        raise


def _code(exc: BaseException) -> int:
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def export(source: Path, source_key: bytes | None, target: Path, target_key: bytes | None) -> None:
    """Write the whole database ``source`` into the new file ``target`` under another key
    (plain → encrypted, encrypted → plain or another key) with ``sqlcipher_export``; the
    target is created 0600 and left in rollback-journal mode. ``user_version`` is copied too
    (``sqlcipher_export`` leaves it out)."""
    create_private_file(target)
    try:
        with closing(connect(source, source_key, read_only=True, timeout=30)) as conn:
            conn.isolation_level = None
            conn.execute("PRAGMA busy_timeout = 30000")
            user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            key_sql = f"x'{target_key.hex()}'" if target_key is not None else ""
            conn.execute(f"ATTACH DATABASE ? AS target KEY \"{key_sql}\"", (Path(target).absolute().as_uri(),))
            conn.execute("BEGIN")
            conn.execute("SELECT sqlcipher_export('target')")
            conn.execute(f"PRAGMA target.user_version = {user_version}")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE target")
        with closing(connect(target, target_key)) as out:
            out.execute("PRAGMA journal_mode = DELETE").fetchone()
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise

"""SQLite's own checks of a database file, and when the open runs them (issue 12 §2).

When the open checks: a ``quick_check`` decrypts every page in use (2 s on 225 MB), so the
open runs it only when there is a reason (``check_due``):

- **an unclean shutdown**: every open leaves a marker ``<db>.offen`` beside the database
  (written atomically, 0600; it holds an opening time, a random token and a flag, never
  anything of her data) and a clean ``Database.close()`` removes it. A marker found at open
  means the program that had it open did not close it (a crash, a kill, a power cut) —
  or is still running (the window while a CLI command reads): either way the open checks;
- **damage seen while she worked**: SQLite reported a page it cannot read; the marker says
  so and stays, and the next open runs the *full* check (then moves the file aside);
- **the file changed since the clean close**: the close notes the file's size and
  modification time; another size or time at the next open means something else wrote it
  (a copy over it, a sync tool, a truncation) — checked before it is used;
- **the last good check is older than a day** (or there is none, or it was of another file
  under the same name: its inode and a hash of its first 16 bytes, an encrypted file's
  salt). The daily backup's full check, every check at open and ``kuemmerer-cli check`` count.

The times live in ``<backup folder>/<stem>.letzte-pruefung`` (JSON, 0600, no personal
data). Damage that none of this sees (a page rotting on the disk, mtime unchanged) shows
when SQLite reads the page: the engine turns that error into ``DatabaseDamaged``.

Known limit: a marker belongs to whoever opened last. If the CLI opens while the window
runs, it checks (the window's marker is there) and takes the marker over; if the window then
crashes without having written after the CLI closed, the next open finds neither a marker
nor a changed file — the daily check still comes within a day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
from contextlib import closing
from pathlib import Path

from kuemmerer.paths import fsync_dir, write_atomically

from . import cipher

log = logging.getLogger(__name__)

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
    """Does this error say the file's contents are damaged (not: busy, locked, no access)?
    Also for an error SQLAlchemy wrapped (the driver's error is its ``orig``)."""
    for candidate in (exc, getattr(exc, "orig", None)):
        code = getattr(candidate, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _DAMAGE_CODES:
            return True
    return False


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


# -- when the open checks ---------------------------------------------------------------------
CHECK_INTERVAL = dt.timedelta(days=1)
QUICK = "quick"
FULL = "full"


def marker_path(db_path: Path) -> Path:
    """The unclean-shutdown marker beside the database: ``<db>.offen``."""
    return Path(str(db_path) + ".offen")


def check_record_path(db_path: Path, backup_dir: Path) -> Path:
    """Where the time of the last good check is kept: ``<backup folder>/<stem>.letzte-pruefung``."""
    return Path(backup_dir) / f"{Path(db_path).stem}.letzte-pruefung"


def file_identity(db_path: Path) -> str:
    """Which file this is (not what it holds): its inode and a hash of its first 16 bytes
    (an encrypted file's random salt). A file copied or restored over the name is another one."""
    st = os.stat(db_path)
    with open(db_path, "rb") as fh:
        head = fh.read(16)
    return f"{st.st_ino}:{hashlib.sha256(head).hexdigest()[:16]}"


def _read_json(path: Path) -> dict | None:
    """The JSON object in ``path``; None if there is no such file, {} if it is unreadable."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    write_atomically(json.dumps(data, ensure_ascii=False).encode("utf-8"), path)
    fsync_dir(path.parent)


def _fingerprint(db_path: Path) -> str:
    """The file as it was left: size and modification time (any write changes them)."""
    st = os.stat(db_path)
    return f"{st.st_size}:{st.st_mtime_ns}"


def last_good_check(db_path: Path, backup_dir: Path) -> dt.datetime | None:
    """When a check last found this very file in order (None: never, or another file)."""
    record = _read_json(check_record_path(db_path, backup_dir))
    if not record:
        return None
    try:
        if record.get("datei") != file_identity(db_path):
            return None
        return dt.datetime.fromisoformat(str(record["geprueft"]))
    except (OSError, KeyError, ValueError):
        return None


def _update_record(db_path: Path, backup_dir: Path, **fields: str) -> None:
    """Change fields of the check record; a failure to write is logged only: the next open
    then checks once more (the safe side). The backup folder is not created for it (a check
    or a close creates nothing; the first backup does): until then every open checks."""
    path = check_record_path(db_path, backup_dir)
    if not Path(backup_dir).is_dir():
        return
    try:
        _write_json(path, {**(_read_json(path) or {}), **fields})
    except OSError as exc:
        log.warning("check record not written: %s", type(exc).__qualname__)


def note_good_check(db_path: Path, backup_dir: Path, when: dt.datetime | None = None) -> None:
    """Keep ``when`` (default: now) as the time a check found the file ``db_path`` in order."""
    try:
        identity = file_identity(db_path)
    except OSError:
        return
    _update_record(db_path, backup_dir, geprueft=(when or dt.datetime.now()).isoformat(timespec="seconds"),
                   datei=identity)


def note_clean_close(db_path: Path, backup_dir: Path) -> None:
    """Keep the size and modification time of the file as a clean close left it."""
    try:
        fingerprint = _fingerprint(db_path)
    except OSError:
        return
    _update_record(db_path, backup_dir, geschlossen=fingerprint)


def forget_good_check(db_path: Path, backup_dir: Path) -> None:
    with contextlib.suppress(OSError):
        check_record_path(db_path, backup_dir).unlink(missing_ok=True)


def check_due(db_path: Path, backup_dir: Path, now: dt.datetime | None = None) -> str | None:
    """Which check the open of ``db_path`` must run: ``FULL`` after damage was seen while she
    worked, ``QUICK`` after an unclean shutdown, when the file changed since the clean close,
    or when the last good check is older than ``CHECK_INTERVAL`` (or in the future: the clock
    was changed); else None."""
    marker = _read_json(marker_path(db_path))
    if marker is not None:
        return FULL if marker.get("schaden") else QUICK
    record = _read_json(check_record_path(db_path, backup_dir)) or {}
    try:
        if record.get("geschlossen") != _fingerprint(db_path):
            return QUICK
    except OSError:
        return QUICK
    last = last_good_check(db_path, backup_dir)
    now = now or dt.datetime.now()
    if last is None or not dt.timedelta(0) <= now - last < CHECK_INTERVAL:
        return QUICK
    return None


def mark_open(db_path: Path, now: dt.datetime | None = None) -> str | None:
    """Leave the marker of an open database; returns its token (None: it could not be
    written, which is logged — the open goes on, the daily check still comes)."""
    token = secrets.token_hex(8)
    when = (now or dt.datetime.now()).isoformat(timespec="seconds")
    try:
        _write_json(marker_path(db_path), {"geoeffnet": when, "token": token, "schaden": False})
    except OSError as exc:
        log.warning("open marker not written: %s", type(exc).__qualname__)
        return None
    return token


def clear_marker(db_path: Path) -> None:
    """The file under this name was replaced (a restore, all connections closed): its marker
    said something about the old file."""
    with contextlib.suppress(OSError):
        marker_path(db_path).unlink(missing_ok=True)


def note_damage(db_path: Path) -> None:
    """SQLite reported damage while she worked: the marker says so (and stays at close), so the
    next open runs the full check."""
    marker = marker_path(db_path)
    data = _read_json(marker) or {}
    try:
        _write_json(marker, {**data, "schaden": True})
    except OSError as exc:
        log.warning("damage not noted in the marker: %s", type(exc).__qualname__)


def mark_closed(db_path: Path, backup_dir: Path, token: str | None) -> None:
    """A clean close: note how the file was left and remove the marker — only the one this
    open wrote (``token``; another program that opened since owns it now), and not when damage
    was seen (the next open must check)."""
    if token is None:
        return
    marker = marker_path(db_path)
    data = _read_json(marker)
    if data is not None and (data.get("token") != token or data.get("schaden")):
        return
    note_clean_close(db_path, backup_dir)  # before the marker goes: a crash in between checks
    if data is None:
        return
    try:
        marker.unlink()
        fsync_dir(marker.parent)
    except OSError as exc:
        log.warning("open marker not removed: %s", type(exc).__qualname__)

"""The rows of a referral's documents (Vermittlungsbogen, Schweigepflichtentbindung), read
without SQLAlchemy, so that ``kuemmerer-cli referral-sheet`` and ``consent-form`` as whole
processes stay within twice a plain script's time (issue 12).

This is no second way to open her database: it reads only when the normal open
(``storage.open_database``) would have nothing to do but read, and leaves every decision to
that open otherwise. ``read_referral`` returns None — the caller then opens the normal way,
which checks, migrates, refuses or moves the file aside as it always does — unless:

- the open's own rule finds no check due (``integrity.check_due``: no unclean-shutdown marker,
  no damage seen, the file as its last clean close left it, a good check within the day);
- the file is encrypted (a plain one from before encryption goes the normal way), only hers
  (0600 on POSIX: the normal open tightens it), with no rollback journal and no unfinished
  WAL beside it;
- the key reads it, and its schema is at ``HEAD_REVISION`` (a test keeps that equal to the
  migrations' head; a file behind it is migrated by the normal open, one ahead is refused there);
- the referral and everything it points to are there.

Any error of the driver (wrong key, damage, busy …) or a value the models would not read
returns None as well. Nothing is written: the connection is read-write only so that SQLite
removes the ``-wal``/``-shm`` it creates when it closes (a read-only connection would leave
them behind); ``query_only`` refuses every change, and the file's size and time stay as they
were, so the next open decides as before. Values are typed as the models type them, by
the columns' declared types (``DATE``, ``DATETIME``, ``TIME``, ``BOOLEAN``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import cipher, integrity
from .preflight import default_backup_dir

log = logging.getLogger(__name__)

# The schema revision these reads are written for: the migrations' head
# (``migrate.head_revision()``; tests/test_document_light.py fails when they differ).
HEAD_REVISION = "0011"

# how the models read a column of each declared type (SQLAlchemy's SQLite types store ISO text)
_TYPED: dict[str, Callable[[Any], Any]] = {
    "DATE": dt.date.fromisoformat,
    "DATETIME": dt.datetime.fromisoformat,
    "TIME": dt.time.fromisoformat,
    "BOOLEAN": bool,
}
# read-side settings of every connection (engine.PRAGMAS without the ones only writers need)
_PRAGMAS = ("PRAGMA query_only=ON", "PRAGMA trusted_schema=OFF", "PRAGMA temp_store=MEMORY",
            "PRAGMA busy_timeout=5000")


class Row(SimpleNamespace):
    """One row, its columns as attributes (``services.dto.from_row`` reads them)."""


@dataclass(frozen=True)
class ReferralRows:
    """Everything the two documents of one referral show, as stored."""

    referral: Row
    person: Row
    service: Row
    organisation: Row
    organisation_service_ids: tuple[int, ...]
    opening_hours: tuple[Row, ...]
    consents: tuple[Row, ...]  # the person's and the referral's own, oldest first
    consent_referrals: tuple[Row, ...]  # the referrals linking one of them, by referred_on, id
    letterhead: Any  # the stored JSON of the setting "letterhead"; None if never set


class _Fallback(Exception):
    """The normal open must decide (the reason is logged; it holds no personal data)."""


def read_referral(path: Path, key: bytes, referral_id: int, *, backup_dir: Path | None = None,
                  now: dt.datetime | None = None) -> ReferralRows | None:
    """The rows of referral ``referral_id`` in the encrypted database ``path``, or None when
    the normal open has to decide (see the module's docstring)."""
    path = Path(path)
    try:
        _ready(path, Path(backup_dir) if backup_dir else default_backup_dir(path), now)
        with closing(cipher.connect(path, key, create=False)) as conn:
            conn.isolation_level = None  # the transaction is ours: BEGIN … COMMIT
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            conn.execute("BEGIN")  # one snapshot for every read
            try:
                return _rows(conn, referral_id)
            finally:
                conn.execute("COMMIT")
    except _Fallback as why:
        log.debug("documents read the normal way: %s", why)
    except (*cipher.Error, OSError, ValueError, TypeError) as exc:  # the normal open says what it is
        log.debug("documents read the normal way after %s", type(exc).__qualname__)
    return None


def _ready(path: Path, backup_dir: Path, now: dt.datetime | None) -> None:
    """Raise ``_Fallback`` unless the normal open would only read."""
    if integrity.check_due(path, backup_dir, now) is not None:
        raise _Fallback("check due")
    if cipher.is_plain(path):
        raise _Fallback("plain file")
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise _Fallback("file readable by others")
    if Path(f"{path}-journal").exists():
        raise _Fallback("rollback journal")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        raise _Fallback("unfinished WAL")


def _rows(conn: cipher.Connection, referral_id: int) -> ReferralRows:
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if revision != [(HEAD_REVISION,)]:
        raise _Fallback("schema not at head")
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        raise _Fallback("not in WAL mode")
    referral = _one(conn, "referrals", "id = ?", (referral_id,))
    organisation = _one(conn, "organisations", "id = ?", (referral.organisation_id,))
    # the person's consents, and the referral's own (were it another person's, the form still shows it)
    whose = "person_id = ? OR id IS ?"
    mine = (referral.person_id, referral.consent_id)
    setting = conn.execute("SELECT value FROM settings WHERE key = 'letterhead'").fetchone()
    return ReferralRows(
        referral=referral,
        person=_one(conn, "persons", "id = ?", (referral.person_id,)),
        service=_one(conn, "services", "id = ?", (referral.service_id,)),
        organisation=organisation,
        organisation_service_ids=tuple(r[0] for r in conn.execute(
            "SELECT service_id FROM organisation_services WHERE organisation_id = ?", (organisation.id,))),
        opening_hours=_all(conn, "opening_hours", "organisation_id = ? ORDER BY weekday, opens", (organisation.id,)),
        consents=_all(conn, "consents", f"{whose} ORDER BY given_on, id", mine),
        consent_referrals=_all(conn, "referrals", f"consent_id IN (SELECT id FROM consents WHERE {whose}) "
                               "ORDER BY referred_on, id", mine),
        letterhead=json.loads(setting[0]) if setting is not None else None,
    )


def _converters(conn: cipher.Connection, table: str) -> dict[str, Callable[[Any], Any]]:
    return {name: _TYPED[decl.upper()] for _cid, name, decl, *_ in conn.execute(f"PRAGMA table_info({table})")
            if decl.upper() in _TYPED}


def _all(conn: cipher.Connection, table: str, where: str, params: Sequence[object]) -> tuple[Row, ...]:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE {where}", tuple(params))
    names = [d[0] for d in cursor.description]
    typed = _converters(conn, table)
    return tuple(Row(**{name: (typed[name](value) if value is not None and name in typed else value)
                        for name, value in zip(names, row, strict=True)}) for row in cursor.fetchall())


def _one(conn: cipher.Connection, table: str, where: str, params: Sequence[object]) -> Row:
    rows = _all(conn, table, where, params)
    if len(rows) != 1:  # a referral that is not there: the normal open says so in German
        raise _Fallback(f"no single row in {table}")
    return rows[0]

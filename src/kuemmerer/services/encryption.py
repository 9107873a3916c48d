"""Encryption at rest as use cases: a new encrypted database, unlocking with the password or
the Notfallcode, changing or resetting the password, encrypting an older plain database.

The design (README "Verschlüsselung"): the database is encrypted with a random 256-bit key;
the Notfallcode *is* that key (``domain/recovery_code.py``), printed once on the Notfallblatt;
her password unlocks a copy of the key in ``<db>.schluessel`` beside the database and beside
every backup (``db/keyfile.py``). No function here ever writes before every check passed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
from dataclasses import dataclass
from pathlib import Path

from kuemmerer.db import backup as _backup
from kuemmerer.db import cipher, keyfile, storage
from kuemmerer.db.engine import ATTACHMENTS_DIR
from kuemmerer.db.keyfile import DEFAULT_KDF, KdfParams, password_problems, password_strength
from kuemmerer.domain import recovery_code
from kuemmerer.domain.enums import AuditAction
from kuemmerer.domain.errors import NeedsKey, StorageError, ValidationError, WrongKey
from kuemmerer.paths import storage_problem, write_atomically

from . import files
from .workspace import Workspace, backup_dir_for, open_workspace

__all__ = ["DEMO_PASSWORD", "DbState", "create", "password_problems", "password_strength", "unlock"]

# The demo database's password (synthetic residents only; shown in the README and on the demo's
# lock screen). Never for real data: her own database gets her own password at the first start.
DEMO_PASSWORD = "Demo-Kuemmerer-2026"
PASSWORD_ENV = "KUEMMERER_PASSWORD"


class DbState(enum.Enum):
    NEW = "neu"                    # no file yet: the first start sets a password
    PLAIN = "unverschlüsselt"      # from before encryption: offer to encrypt it
    ENCRYPTED = "verschlüsselt"    # the password (or the Notfallcode) opens it
    NO_KEYFILE = "ohne Schlüsseldatei"  # encrypted, key file lost: only the Notfallcode opens it


def state(path: Path) -> DbState:
    path = Path(path)
    if not path.exists():
        return DbState.NEW
    if cipher.is_plain(path):
        return DbState.PLAIN
    return DbState.ENCRYPTED if keyfile.keyfile_path(path).exists() else DbState.NO_KEYFILE


def new_key() -> bytes:
    return keyfile.new_key()


def code_of(key: bytes) -> str:
    """The Notfallcode of ``key`` (14 groups of four)."""
    return recovery_code.format_code(key)


def key_from_code(code: str) -> bytes:
    """The key a typed Notfallcode stands for (``ValidationError`` on "recovery_code" for a typo)."""
    return recovery_code.parse_code(code)


def check_new_password(password: str, repeated: str, field: str = "password") -> None:
    """Refuse a weak password or a repetition that differs (``ValidationError`` on ``field``
    or on "repeated")."""
    problems = password_problems(password)
    if problems:
        raise ValidationError.single(field, " ".join(problems))
    if password != repeated:
        raise ValidationError.single("repeated", "Die Wiederholung stimmt nicht mit dem Passwort überein.")


def _keep_stale_keyfile(path: Path) -> None:
    """A key file without its database (the database was moved aside or deleted): kept under
    another name, never overwritten — it still opens backups taken with it."""
    kf = keyfile.keyfile_path(path)
    if kf.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target, n = kf.with_name(f"{kf.name}.bis-{stamp}"), 1
        while target.exists():  # two in one second: the older one is kept too
            n += 1
            target = kf.with_name(f"{kf.name}.bis-{stamp}-{n}")
        os.replace(kf, target)


def create(path: Path, key: bytes, password: str, *, params: KdfParams = DEFAULT_KDF) -> Workspace:
    """A new encrypted database at ``path``: the key file (her password checked first), then
    the database itself. Call it after the Notfallblatt was printed or saved."""
    path = Path(path)
    if password_problems(password):
        raise ValidationError.single("password", " ".join(password_problems(password)))
    if path.exists():
        raise StorageError(f"Die Datenbank {path} gibt es schon; es wird keine neue angelegt.")
    storage.preflight(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _keep_stale_keyfile(path)
    keyfile.write_keyfile(keyfile.keyfile_path(path), key, password, params=params)
    try:
        return open_workspace(path, key=key)
    except BaseException:
        # the database could not be created: its new key file goes too (nothing half-made stays)
        if not path.exists():
            with contextlib.suppress(OSError):
                keyfile.keyfile_path(path).unlink()
        raise


class ForeignKeyFile(StorageError):
    """The key file beside the database holds another database's key (copied or restored
    there by mistake). The database is not taken for damaged and nothing is changed; the
    Notfallcode opens it, and ``reset_password`` keeps the foreign file under another name."""


def _foreign_keyfile(path: Path, *, code_fits: bool = False) -> ForeignKeyFile:
    if code_fits:
        return ForeignKeyFile(
            f"Der Notfallcode passt, aber die Schlüsseldatei „{keyfile.keyfile_path(path).name}“ neben der "
            "Datenbank gehört zu einer anderen Datenbank. Es wurde nichts verändert. Bitte mit dem Notfallcode "
            "ein neues Passwort festlegen (die fremde Schlüsseldatei wird dabei unter anderem Namen aufbewahrt).")
    return ForeignKeyFile(
        f"Die Schlüsseldatei „{keyfile.keyfile_path(path).name}“ gehört nicht zu dieser Datenbank (oder die "
        "Datenbank ist gleich am Anfang beschädigt). Es wurde nichts verändert. Mit dem Notfallcode vom "
        "Notfallblatt lässt sich die Datenbank öffnen und ein neues Passwort festlegen.")


def _key_fits(path: Path, key: bytes) -> bool:
    """Whether the key from the key file is this database's: it reads the schema, or — the first
    page may be damaged — one of its encrypted backups opens with it. Busy or unreadable:
    True (opening says why)."""
    try:
        if cipher.is_plain(path) or cipher.opens_with(path, key):
            return True
    except (OSError, *cipher.Error):
        return True
    for b in _backup.list_backups(path, backup_dir_for(path)):
        with contextlib.suppress(OSError, *cipher.Error):
            if not cipher.is_plain(b.path) and cipher.opens_with(b.path, key):
                return True
    return False


def unlock(path: Path, *, password: str | None = None, code: str | None = None) -> bytes:
    """The key of the encrypted database ``path`` from her password or the Notfallcode.

    Wrong password → ``ValidationError`` on "password"; a code that is mistyped (its checksum
    catches every typo) or belongs to another database → on "recovery_code"; a missing or
    damaged key file with a password → its own ``StorageError`` that points to the Notfallcode,
    a key file of another database → ``ForeignKeyFile`` (so the database is never moved aside
    as damaged). Nothing is written."""
    path = Path(path)
    if code is not None:
        key = recovery_code.parse_code(code)
    if not path.is_file():
        raise StorageError(f"Die Datenbank {path} gibt es nicht.")
    if code is not None:
        try:
            storage.file_key(path, key)
        except WrongKey:
            with contextlib.suppress(OSError, *cipher.Error):
                if cipher.opens_with(path, key):  # the code fits; the key file beside is another one's
                    raise _foreign_keyfile(path, code_fits=True) from None
            raise ValidationError.single(recovery_code.FIELD, keyfile.WRONG_RECOVERY_CODE) from None
        except cipher.Error:
            raise StorageError(f"Die Datenbank {path.name} lässt sich gerade nicht lesen.") from None
        return key
    if not password:
        raise ValidationError.single("password", "Bitte das Passwort eingeben.")
    key = keyfile.unwrap(keyfile.keyfile_path(path), password)
    if not _key_fits(path, key):
        raise _foreign_keyfile(path)
    return key


def open_with(path: Path, *, password: str | None = None, code: str | None = None,
              create: bool = False) -> Workspace:
    """``unlock`` and open in one step (the CLI); a plain file opens without either."""
    path = Path(path)
    if path.exists() and cipher.is_plain(path):
        return open_workspace(path, create=False)
    if not path.exists() and not create:
        raise StorageError(f"Die Datenbank {path} gibt es nicht.")
    if password is None and code is None:
        raise NeedsKey(f"Die Datenbank {path.name} ist verschlüsselt. Bitte das Passwort angeben.")
    return open_workspace(path, create=False, key=unlock(path, password=password, code=code))


def password_from_environment() -> str | None:
    """``KUEMMERER_PASSWORD`` — for benchmarks, automated checks and the demo; never meant
    for daily use (any program of hers can read its environment)."""
    return os.environ.get(PASSWORD_ENV) or None


def change_password(ws: Workspace, old_password: str, new_password: str, repeated: str, *,
                    params: KdfParams = DEFAULT_KDF) -> int:
    """A new password for the open database: the key file is rewrapped (atomically: after a
    crash the old or the new password works), then the key files beside the backups follow,
    so an old password opens nothing any more. Returns how many backup key files were
    renewed. The database and its key stay the same; the Notfallblatt stays valid."""
    if not ws.encrypted:
        raise StorageError("Die Datenbank ist nicht verschlüsselt; es gibt kein Passwort zu ändern.")
    check_new_password(new_password, repeated, "new_password")
    main = keyfile.keyfile_path(ws.path)
    keyfile.change_password(main, old_password, new_password, params=params)
    assert ws.key is not None
    renewed = _spread_keyfile(ws.path, ws.backup_dir, ws.key)
    with ws.uow() as uow:
        uow.audit(AuditAction.UPDATE, "password")
        uow.commit()
    return renewed


def _spread_keyfile(db_path: Path, backup_dir: Path, key: bytes) -> int:
    """The database's key file over the key files beside its backups that hold the same key
    (a backup of an older database of the same name keeps its own; a damaged one is left)."""
    data = keyfile.keyfile_path(db_path).read_bytes()
    renewed = 0
    for b in _backup.list_backups(db_path, backup_dir):
        side = _backup.keyfile_of(b.path)
        try:
            same = side.exists() and keyfile.check_key(side, key)
        except StorageError:
            same = False
        if same:
            write_atomically(data, side)
            renewed += 1
    return renewed


def reset_password(path: Path, code: str, new_password: str, repeated: str, *,
                   params: KdfParams = DEFAULT_KDF) -> bytes:
    """She forgot the password, or the key file is lost or damaged: the Notfallcode opens the
    database and a new key file is written with a new password; the key files beside the
    backups follow (as after ``change_password``). Returns the key."""
    path = Path(path)
    check_new_password(new_password, repeated, "new_password")
    try:
        key = unlock(path, code=code)
    except ForeignKeyFile:  # the code opens the database; the key file beside is another one's
        key = recovery_code.parse_code(code)
    kf = keyfile.keyfile_path(path)
    with contextlib.suppress(StorageError):  # a damaged key file is replaced
        if kf.exists() and not keyfile.check_key(kf, key):
            _keep_stale_keyfile(path)  # never overwritten: it may open backups of its own database
    keyfile.reset_password(kf, key, new_password, params=params)
    _spread_keyfile(path, backup_dir_for(path), key)
    return key


@dataclass(frozen=True)
class Encrypted:
    """What ``encrypt_existing`` did: the verified plain backup taken first, and the older
    plain backups now offered for secure removal."""

    safety: _backup.BackupInfo
    plain_backups: tuple[_backup.BackupInfo, ...]


def encrypt_existing(path: Path, key: bytes, password: str, *, params: KdfParams = DEFAULT_KDF) -> Encrypted:
    """Encrypt her older plain database in place (every connection closed): the password is
    checked, the key file written, a verified backup taken, then the file is replaced by its
    encrypted copy in one atomic step (``storage.encrypt_file``)."""
    path = Path(path)
    if password_problems(password):
        raise ValidationError.single("password", " ".join(password_problems(password)))
    if state(path) is not DbState.PLAIN:
        raise StorageError(f"Die Datenbank {path.name} ist nicht unverschlüsselt.")
    storage.preflight(path)
    # a key file beside a plain database is left from an interrupted try: its key was never used
    kf = keyfile.keyfile_path(path)
    keyfile.write_keyfile(kf, key, password, overwrite=True, params=params)
    backup_dir = backup_dir_for(path)
    try:
        safety = storage.encrypt_file(path, key, backup_dir)
    except BaseException as exc:
        # still the plain file: the new key file's key was never used, so it goes again (a
        # crash right here leaves it; the next try overwrites it)
        with contextlib.suppress(OSError):
            if cipher.is_plain(path):
                kf.unlink(missing_ok=True)
        if isinstance(exc, StorageError) or not isinstance(exc, (OSError, *cipher.Error)):
            raise
        raise StorageError("Die Verschlüsselung ist fehlgeschlagen; die Datenbank ist unverändert "
                           "(unverschlüsselt). " + (storage_problem(exc) or "Bitte es noch einmal versuchen.")) \
            from None
    files.encrypt_all(path.parent / ATTACHMENTS_DIR, key)
    return Encrypted(safety, tuple(_backup.plain_backups(path, backup_dir)))


def plain_backups(path: Path) -> list[_backup.BackupInfo]:
    return _backup.plain_backups(Path(path), backup_dir_for(Path(path)))


def remove_plain_backups(backups: list[_backup.BackupInfo] | tuple[_backup.BackupInfo, ...]) -> int:
    """Overwrite and delete the given plain backups (she chose to); returns how many."""
    removed = 0
    for b in backups:
        if b.path.exists() and cipher.is_plain(b.path):
            _backup.remove_securely(b.path)
            removed += 1
    return removed


def keyfile_for_restore(db_path: Path, backup_file: Path) -> Path | None:
    """Which key file's password opens what restoring ``backup_file`` needs: the database's
    own, else the one copied beside the backup; None when neither exists and the backup is
    plain (a restore from before encryption stays plain until she encrypts it)."""
    main = keyfile.keyfile_path(db_path)
    if main.exists():
        return main
    side = _backup.keyfile_of(Path(backup_file))
    if side.exists():
        return side
    if Path(backup_file).is_file() and not cipher.is_plain(Path(backup_file)):
        raise NeedsKey(f"Die Sicherung {Path(backup_file).name} ist verschlüsselt, und keine Schlüsseldatei "
                       "liegt bei ihr oder bei der Datenbank. Sie lässt sich mit dem Notfallcode öffnen.")
    return None


def unlock_keyfile(path: Path, password: str) -> bytes:
    return keyfile.unwrap(path, password)


def adopt_backup_keyfile(db_path: Path, backup_file: Path) -> bool:
    """After a restore into a place without a key file: the backup's key file is copied beside
    the restored database (so her password opens it). True if copied."""
    main, side = keyfile.keyfile_path(db_path), _backup.keyfile_of(Path(backup_file))
    if main.exists() or not side.exists() or not Path(db_path).is_file() or cipher.is_plain(Path(db_path)):
        return False
    write_atomically(side.read_bytes(), main)
    return True

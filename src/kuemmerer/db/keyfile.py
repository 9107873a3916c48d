"""The key file beside the database: the database key, wrapped with her password.

Design (issue 11 §1). The database is encrypted with a random 256-bit key (``new_key``).
That key is printed once as the recovery code (``domain/recovery_code.py``) on the
Notfallblatt; a copy sits beside the database in ``<db>.schluessel``, wrapped with her
password, so daily work needs only the password. Changing the password rewraps this copy
only; the database itself is not touched. The recovery code opens the database without
this file.

The file is small JSON::

    {"format": "kuemmerer-schluessel", "version": 1,
     "kdf": {"name": "scrypt", "n": 65536, "r": 8, "p": 1, "salt": "<16 bytes, base64>"},
     "cipher": {"name": "AES-256-GCM", "nonce": "<12 bytes, base64>"},
     "wrapped_key": "<32 bytes + 16 bytes tag, base64>",
     "key_check": "<HMAC-SHA256 of a constant under the key, base64>",
     "checksum": "<SHA-256 of all the fields above, hex>"}

- The wrapping key is scrypt(password, salt) with n = 2**16, r = 8, p = 1 — memory-hard:
  64 MiB and 0.28 s per try measured on the development machine (2**15: 0.11 s,
  2**17: 0.5 s), so guessing passwords from a stolen file is slow.
- AES-256-GCM authenticates the wrapped key and, as associated data, every other field
  (kdf, cipher, key_check), so none of them can be swapped unnoticed.
- ``key_check`` lets a typed recovery code be checked against this file without opening
  the database (``check_key``); it reveals nothing about the key.
- ``checksum`` needs no secret: it tells a damaged file (a flipped bit, a truncated copy,
  some other JSON) from a wrong password, which would otherwise look the same to GCM.

Writes are atomic (temp file in the same folder, fsync, rename, fsync of the folder; mode
0600), so a crash or kill -9 at any moment leaves either the old or the new file, never a
half-written one. Temp files are named ``.~<name>.<random>.tmp`` — they never end in
``.schluessel``, so nothing takes them for a key file — and are removed on the next write.
Every failure (wrong password, damaged or missing file, weak password) happens before
anything is written: nothing is created or overwritten then.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import math
import os
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuemmerer.domain.errors import StorageError, ValidationError
from kuemmerer.paths import fsync_dir

SUFFIX = ".schluessel"
FORMAT = "kuemmerer-schluessel"
VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
MIN_PASSWORD_LENGTH = 10
_MAX_FILE_BYTES = 64 * 1024
_MAX_KDF_MEMORY = 256 * 1024 * 1024  # refuse foreign parameters that would eat the laptop
_CHECK_LABEL = b"Kuemmerer Schluesselpruefwert v1"
_TMP_PREFIX = ".~"
_TMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost: memory is 128·r·n bytes. Tests may pass cheaper ones; the file records
    what was used, so ``unwrap`` reads them back."""

    n: int = 2 ** 16
    r: int = 8
    p: int = 1

    @property
    def memory(self) -> int:
        return 128 * self.r * self.n

    def is_sane(self) -> bool:
        return (self.n >= 2 and self.n & (self.n - 1) == 0 and 1 <= self.r <= 32 and 1 <= self.p <= 16
                and self.memory <= _MAX_KDF_MEMORY)


DEFAULT_KDF = KdfParams()


# ---------------------------------------------------------------------------------------- errors

class KeyFileError(StorageError):
    """The key file cannot be used; ``path`` names it. Nothing was created or changed."""

    def __init__(self, message: str, path: Path):
        self.path = path
        super().__init__(message)


class KeyFileMissing(KeyFileError):
    pass


class KeyFileDamaged(KeyFileError):
    pass


class KeyFileUnreadable(KeyFileError):
    pass


class KeyFileExists(KeyFileError):
    pass


_RECOVERY_HINT = "Mit dem Notfallcode vom Notfallblatt lässt sich die Datenbank trotzdem öffnen."
WRONG_PASSWORD = "Das Passwort stimmt nicht."
WRONG_RECOVERY_CODE = "Der Notfallcode passt nicht zu dieser Datenbank."


def _missing(path: Path) -> KeyFileMissing:
    return KeyFileMissing(f"Die Schlüsseldatei „{path.name}“ gibt es nicht (sie gehört neben die Datenbank). "
                          + _RECOVERY_HINT, path)


def _damaged(path: Path) -> KeyFileDamaged:
    return KeyFileDamaged(f"Die Schlüsseldatei „{path.name}“ ist beschädigt oder keine Schlüsseldatei von "
                          "Kümmerer. " + _RECOVERY_HINT, path)


# ----------------------------------------------------------------------------------------- paths

def keyfile_path(db_path: Path | str) -> Path:
    """Where the key file of a database lives: ``<db file name>.schluessel`` beside it."""
    db = Path(db_path)
    return db.with_name(db.name + SUFFIX)


def new_key() -> bytes:
    """A fresh random database key (256 bits)."""
    return secrets.token_bytes(KEY_BYTES)


# -------------------------------------------------------------------------------------- password

def _password_bytes(password: str) -> bytes:
    # NFC: "ä" typed on macOS (decomposed) and on Windows (composed) is the same password
    return unicodedata.normalize("NFC", password).encode("utf-8")


def password_problems(password: str) -> list[str]:
    """What stops this password from being used (German; empty list: it may be used).

    The hard rules are: at least 10 characters, and at least 4 different ones. How strong
    it is beyond that is ``password_strength``, shown but not enforced."""
    pw = unicodedata.normalize("NFC", password or "")
    problems = []
    if not pw.strip():
        return [f"Bitte ein Passwort mit mindestens {MIN_PASSWORD_LENGTH} Zeichen eingeben."]
    if len(pw) < MIN_PASSWORD_LENGTH:
        problems.append(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen "
                        f"(es hat {len(pw)}).")
    if len(set(pw)) < 4:
        problems.append("Das Passwort besteht aus zu wenigen verschiedenen Zeichen (mindestens 4).")
    return problems


def password_bits(password: str) -> float:
    """A rough entropy estimate in bits, by a simple rule that anyone can redo by hand:

    - the pool is the sum of the character classes used: lower case letters 26, upper case
      26, digits 10, anything else (umlauts, spaces, punctuation) 33;
    - a character counts only if it is not the same as the one before and does not continue
      a run by one (``aaa``, ``abc``, ``321`` count as one character);
    - bits = counted characters × log2(pool).

    It overrates dictionary words; it is a guide for her, not a guarantee."""
    pw = unicodedata.normalize("NFC", password or "")
    if not pw:
        return 0.0
    pool = 0
    if any(c.islower() and c.isascii() for c in pw):
        pool += 26
    if any(c.isupper() and c.isascii() for c in pw):
        pool += 26
    if any(c.isdigit() and c.isascii() for c in pw):
        pool += 10
    if any(not (c.isascii() and c.isalnum()) for c in pw):
        pool += 33
    counted = 1
    for prev, cur in zip(pw, pw[1:], strict=False):
        if abs(ord(cur) - ord(prev)) > 1:
            counted += 1
    return counted * math.log2(pool)


STRONG_BITS = 80
MEDIUM_BITS = 60


def password_strength(password: str) -> str:
    """"schwach" (under 60 bits by ``password_bits``), "mittel" (under 80) or "stark";
    a password that ``password_problems`` rejects is always "schwach"."""
    if password_problems(password):
        return "schwach"
    bits = password_bits(password)
    if bits >= STRONG_BITS:
        return "stark"
    return "mittel" if bits >= MEDIUM_BITS else "schwach"


def _require_usable(password: str, field: str) -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationError.single(field, " ".join(problems))


# ------------------------------------------------------------------------------------ the format

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, length: int) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if len(data) != length:
        raise ValueError("wrong length")
    return data


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _checksum(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in fields.items() if k != "checksum"})).hexdigest()


def _associated(fields: dict[str, Any]) -> bytes:
    return _canonical({k: fields[k] for k in ("format", "version", "kdf", "cipher", "key_check")})


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()


def _derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hashlib.scrypt(_password_bytes(password), salt=salt, n=params.n, r=params.r, p=params.p,
                          maxmem=2 * params.memory + 2 ** 20, dklen=32)


def _wrap(key: bytes, password: str, params: KdfParams) -> bytes:
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    fields: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "key_check": _b64(_key_check(key)),
    }
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # here: the window paints before it loads

    wrapped = AESGCM(_derive(password, salt, params)).encrypt(nonce, key, _associated(fields))
    fields["wrapped_key"] = _b64(wrapped)
    fields["checksum"] = _checksum(fields)
    return (json.dumps(fields, indent=1, ensure_ascii=True) + "\n").encode("ascii")


@dataclass(frozen=True)
class _Parsed:
    fields: dict[str, Any]
    params: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    key_check: bytes


def _read(path: Path) -> _Parsed:
    """The key file parsed and its checksum verified; KeyFileMissing/Damaged/Unreadable."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError:
        raise KeyFileUnreadable(f"Die Schlüsseldatei „{path.name}“ lässt sich nicht lesen.", path) from None
    if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_FILE_BYTES:
        raise _damaged(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError:
        raise KeyFileUnreadable(f"Die Schlüsseldatei „{path.name}“ lässt sich nicht lesen "
                                "(keine Berechtigung?).", path) from None
    try:
        fields = json.loads(raw.decode("utf-8"))
        if not isinstance(fields, dict) or fields.get("format") != FORMAT:
            raise ValueError("foreign file")
        if fields.get("version") != VERSION:
            if isinstance(fields.get("version"), int) and fields["version"] > VERSION:
                raise KeyFileDamaged(f"Die Schlüsseldatei „{path.name}“ stammt aus einer neueren Version von "
                                     "Kümmerer. Bitte Kümmerer aktualisieren. " + _RECOVERY_HINT, path)
            raise ValueError("unknown version")
        if set(fields) != {"format", "version", "kdf", "cipher", "wrapped_key", "key_check", "checksum"}:
            raise ValueError("fields")
        if not hmac.compare_digest(str(fields["checksum"]), _checksum(fields)):
            raise ValueError("checksum")
        kdf, cipher = fields["kdf"], fields["cipher"]
        if (not isinstance(kdf, dict) or kdf.get("name") != "scrypt" or set(kdf) != {"name", "n", "r", "p", "salt"}
                or not isinstance(cipher, dict) or cipher != {"name": "AES-256-GCM", "nonce": cipher.get("nonce")}):
            raise ValueError("algorithms")
        if not all(type(kdf[k]) is int for k in ("n", "r", "p")):
            raise ValueError("parameters")
        params = KdfParams(kdf["n"], kdf["r"], kdf["p"])
        if not params.is_sane():
            raise ValueError("parameters")
        return _Parsed(fields, params, _unb64(kdf["salt"], SALT_BYTES), _unb64(cipher["nonce"], NONCE_BYTES),
                       _unb64(fields["wrapped_key"], KEY_BYTES + 16), _unb64(fields["key_check"], 32))
    except KeyFileDamaged:
        raise
    except (ValueError, UnicodeDecodeError, binascii.Error, TypeError, AttributeError, KeyError):
        raise _damaged(path) from None


def _unwrap_parsed(path: Path, parsed: _Parsed, password: str, field: str) -> bytes:
    from cryptography.exceptions import InvalidTag  # here: the window paints before it loads
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        key = AESGCM(_derive(password, parsed.salt, parsed.params)).decrypt(
            parsed.nonce, parsed.wrapped, _associated(parsed.fields))
    except InvalidTag:
        raise ValidationError.single(field, WRONG_PASSWORD) from None
    if not hmac.compare_digest(_key_check(key), parsed.key_check):  # pragma: no cover - GCM binds key_check
        raise _damaged(path)
    return key


# ---------------------------------------------------------------------------------- atomic write



def is_temp_file(path: Path | str, keyfile: Path | str) -> bool:
    """Whether ``path`` is a leftover temp file of a write to ``keyfile`` (never a key file)."""
    name, key_name = Path(path).name, Path(keyfile).name
    return name.startswith(f"{_TMP_PREFIX}{key_name}.") and name.endswith(_TMP_SUFFIX)


def _remove_stale_temps(path: Path) -> None:
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            if is_temp_file(entry, path):
                with contextlib.suppress(OSError):
                    entry.unlink()


def _atomic_write(path: Path, data: bytes, *, overwrite: bool) -> None:
    folder = path.parent
    _remove_stale_temps(path)
    tmp = folder / f"{_TMP_PREFIX}{path.name}.{secrets.token_hex(6)}{_TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            # a hard link fails if the name exists: never clobbers a key file written meanwhile
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise KeyFileExists(f"Die Schlüsseldatei „{path.name}“ gibt es schon; sie wird nicht "
                                    "überschrieben.", path) from None
            except OSError:  # no hard links (e.g. FAT stick): check, then rename
                if path.exists():
                    raise KeyFileExists(f"Die Schlüsseldatei „{path.name}“ gibt es schon; sie wird nicht "
                                        "überschrieben.", path) from None
                os.replace(tmp, path)
            else:
                tmp.unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


# ------------------------------------------------------------------------------------ public API

def write_keyfile(path: Path | str, key: bytes, password: str, *, overwrite: bool = False,
                  params: KdfParams = DEFAULT_KDF) -> None:
    """Write a new key file holding ``key`` wrapped with ``password`` (atomic, mode 0600).

    Refuses a weak password (``ValidationError`` on "password") and an existing file
    unless ``overwrite`` (``KeyFileExists``) — in both cases nothing is written."""
    path = Path(path)
    if len(key) != KEY_BYTES:
        raise ValueError("key must be 32 bytes")
    _require_usable(password, "password")
    if not path.parent.is_dir():
        raise KeyFileUnreadable(f"Der Ordner für die Schlüsseldatei „{path.name}“ fehlt.", path)
    if not overwrite and path.exists():
        raise KeyFileExists(f"Die Schlüsseldatei „{path.name}“ gibt es schon; sie wird nicht überschrieben.", path)
    _atomic_write(path, _wrap(key, password, params), overwrite=overwrite)


def unwrap(path: Path | str, password: str) -> bytes:
    """The database key from the key file. ``ValidationError`` on "password" if the password
    is wrong; ``KeyFileMissing``/``KeyFileDamaged``/``KeyFileUnreadable`` otherwise."""
    path = Path(path)
    return _unwrap_parsed(path, _read(path), password, "password")


def change_password(path: Path | str, old_password: str, new_password: str, *,
                    params: KdfParams = DEFAULT_KDF) -> None:
    """Rewrap the key with a new password; the key (and so the database) stays the same.

    Wrong old password → ``ValidationError`` on "old_password"; weak new one → on
    "new_password"; nothing is written then. The replace is atomic: after a crash at any
    moment, either the old or the new password opens the file."""
    path = Path(path)
    _require_usable(new_password, "new_password")
    parsed = _read(path)
    key = _unwrap_parsed(path, parsed, old_password, "old_password")
    _atomic_write(path, _wrap(key, new_password, params), overwrite=True)


def check_key(path: Path | str, key: bytes) -> bool:
    """Whether ``key`` (e.g. from a typed recovery code) is the key this file holds — without
    the password. ``KeyFileMissing``/``KeyFileDamaged`` if the file cannot tell."""
    path = Path(path)
    return hmac.compare_digest(_key_check(key), _read(path).key_check)


def verify_recovery_key(path: Path | str, key: bytes) -> None:
    """``check_key``, as an error: ``ValidationError`` on "recovery_code" if it does not fit."""
    if not check_key(path, key):
        raise ValidationError.single("recovery_code", WRONG_RECOVERY_CODE)


def reset_password(path: Path | str, key: bytes, new_password: str, *, params: KdfParams = DEFAULT_KDF) -> None:
    """Her password is forgotten or the key file lost or damaged: write a new key file for
    ``key`` (from the recovery code) with a new password.

    If a readable key file exists, the key must fit it (else ``ValidationError`` on
    "recovery_code", nothing written). If it is missing or damaged, this module cannot
    tell — the caller must have opened the database with ``key`` first."""
    path = Path(path)
    _require_usable(new_password, "new_password")
    try:
        fits = check_key(path, key)
    except (KeyFileMissing, KeyFileDamaged):
        fits = True
    if not fits:
        raise ValidationError.single("recovery_code", WRONG_RECOVERY_CODE)
    _atomic_write(path, _wrap(key, new_password, params), overwrite=True)

"""How ``kuemmerer-cli`` gets the key of an encrypted database: never from an argument.

The password comes from ``--password-file DATEI`` (its first line), else from the
environment variable ``KUEMMERER_PASSWORD`` (for scripts and benchmarks — not meant for daily
use: other programs of hers can read it), else from a prompt when a person sits at the
terminal. ``--code-file DATEI`` opens with the Notfallcode instead (a lost key file, a
forgotten password). The demo database uses the fixed demo password.
"""

from __future__ import annotations

import getpass
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kuemmerer.domain.errors import KuemmererError, NeedsKey


@dataclass
class Secrets:
    password_file: Path | None = None
    code_file: Path | None = None
    demo: bool = False


_current = Secrets()


@dataclass
class _Early:
    """A key being derived in the background (``start_unlock``)."""

    password: str
    thread: threading.Thread
    key: list[bytes] = field(default_factory=list)


_early: dict[Path, _Early] = {}
_PASSWORD_ENV = "KUEMMERER_PASSWORD"  # encryption.PASSWORD_ENV; ``key_for`` checks it is the same password


def start_unlock(db_path: Path) -> None:
    """Start deriving the key of the existing encrypted database ``db_path`` in a background
    thread, when the password comes without asking (``--password-file`` or the environment).

    The key file's scrypt (~0.25 s with her parameters) releases the GIL, so it runs while the
    command imports the database layer (~0.3 s). Only the key file's own module is imported, here,
    before the thread starts (two threads importing the same package could see it half-made);
    the thread only reads the file and computes. Whatever goes wrong in it is dropped: ``key_for``
    then takes the exact way, which says why in German."""
    db_path = Path(db_path)
    if _current.code_file is not None:
        return
    try:
        pw = _first_line(_current.password_file, "Passwortdatei") if _current.password_file is not None \
            else os.environ.get(_PASSWORD_ENV)
    except KuemmererError:
        return
    if not pw:
        return
    from kuemmerer.db import keyfile  # light: hashlib, cryptography; no SQLAlchemy

    source = keyfile.keyfile_path(db_path)
    if not db_path.is_file() or not source.is_file():
        return
    found: list[bytes] = []

    def derive() -> None:
        try:
            found.append(keyfile.unwrap(source, pw))
        except Exception:  # noqa: BLE001 -- the exact way in key_for reports it
            return

    thread = threading.Thread(target=derive, name="kuemmerer-unlock", daemon=True)
    _early[db_path] = _Early(pw, thread, found)
    thread.start()


def peek_early_key(db_path: Path) -> bytes | None:
    """The key ``start_unlock`` derived for ``db_path`` (waiting for it), left in place for
    ``key_for``; None if none was started or the password did not fit."""
    early = _early.get(Path(db_path))
    if early is None:
        return None
    early.thread.join()
    return early.key[0] if early.key else None


def _early_key(db_path: Path, pw: str) -> bytes | None:
    """The key ``start_unlock`` derived for ``db_path`` with the same password ``pw``, else None."""
    early = _early.pop(Path(db_path), None)
    if early is None:
        return None
    early.thread.join()
    return early.key[0] if early.key and early.password == pw else None


def configure(password_file: str | None, code_file: str | None, demo: bool) -> None:
    """Where this run's password comes from (``main`` calls it once per command)."""
    _current.password_file = Path(password_file) if password_file else None
    _current.code_file = Path(code_file) if code_file else None
    _current.demo = demo
    _early.clear()  # a key derived for an earlier command of this process is not used again


def read_text(path: Path, what: str = "Datei", folder_instead: str = "Textdatei") -> str:
    """A UTF-8 text file the user named on the command line; each refusal is one German line."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise KuemmererError(f"Die {what} {path} gibt es nicht.") from None
    except IsADirectoryError:
        raise KuemmererError(f"{path} ist ein Ordner, keine {folder_instead}.") from None
    except UnicodeDecodeError:
        raise KuemmererError(f"Die {what} {path} ist keine UTF-8-Textdatei.") from None
    except OSError:
        raise KuemmererError(f"Die {what} {path} lässt sich nicht lesen.") from None


def _first_line(path: Path, what: str) -> str:
    lines = read_text(path, what, what).splitlines()
    return lines[0] if lines else ""


def password(*, prompt: str = "Passwort: ") -> str | None:
    """Her password from the file, the environment or the terminal; None if none is to be had."""
    from kuemmerer.services import encryption

    if _current.password_file is not None:
        return _first_line(_current.password_file, "Passwortdatei")
    from_env = encryption.password_from_environment()
    if from_env:
        return from_env
    if _current.demo:
        return encryption.DEMO_PASSWORD
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            return None
    return None


def code() -> str | None:
    if _current.code_file is None:
        return None
    return _first_line(_current.code_file, "Codedatei")


def _no_password(db_path: Path) -> NeedsKey:
    return NeedsKey(f"Die Datenbank {db_path.name} ist verschlüsselt. Bitte das Passwort angeben: mit "
                    "--password-file DATEI oder in der Umgebungsvariable KUEMMERER_PASSWORD (oder den "
                    "Notfallcode mit --code-file DATEI).")


def key_for(db_path: Path) -> bytes | None:
    """The key of the existing database ``db_path`` (None: a plain file from before encryption)."""
    from kuemmerer.services import encryption

    state = encryption.state(db_path)
    if state in (encryption.DbState.NEW, encryption.DbState.PLAIN):
        return None
    the_code = code()
    if the_code is not None:
        return encryption.unlock(db_path, code=the_code)
    if state is encryption.DbState.NO_KEYFILE:
        raise NeedsKey(f"Die Schlüsseldatei {db_path.name}.schluessel fehlt. Die Datenbank lässt sich mit dem "
                       "Notfallcode öffnen: --code-file DATEI (eine Textdatei mit dem Code vom Notfallblatt).")
    pw = password()
    if pw is None:
        raise _no_password(db_path)
    key = _early_key(db_path, pw)
    # the same checks as ``unlock`` after its scrypt: the key must be this database's
    if key is not None and encryption._key_fits(db_path, key):
        return key
    return encryption.unlock(db_path, password=pw)


def new_password(db_path: Path) -> str:
    """The password for a new database (a prompt asks twice)."""
    from kuemmerer.services import encryption

    if _current.password_file is not None or encryption.password_from_environment() or _current.demo:
        pw = password()
        assert pw is not None
        return pw
    if sys.stdin is not None and sys.stdin.isatty():
        first = password(prompt="Neues Passwort (mindestens 10 Zeichen): ") or ""
        again = password(prompt="Passwort wiederholen: ") or ""
        encryption.check_new_password(first, again)
        return first
    raise NeedsKey(f"Für die neue Datenbank {db_path.name} fehlt ein Passwort: mit --password-file DATEI "
                   "oder in der Umgebungsvariable KUEMMERER_PASSWORD angeben.")


def key_for_restore(db_path: Path, backup_file: Path) -> bytes | None:
    """The key the restored database gets: the database's own (its key file and her password,
    or the Notfallcode), else the key file beside the backup; None for a plain backup when no
    key exists (it stays plain until she encrypts it in the window)."""
    from kuemmerer.services import encryption

    the_code = code()
    if the_code is not None:
        return encryption.key_from_code(the_code)
    source = encryption.keyfile_for_restore(db_path, backup_file)
    if source is None:
        return None
    pw = password()
    if pw is None:
        raise _no_password(db_path)
    return encryption.unlock_keyfile(source, pw)

"""Files kept in the data folder for attachments: encrypted like the database, deleted with
the record that owns them.

An attachment of an encrypted database is stored as ``MAGIC + nonce + AES-256-GCM(content)``
with a key derived from the database key (HKDF-SHA256, its own label), and the file's stored
name as associated data (a file cannot be swapped for another unnoticed). Attachments of a
plain database (from before encryption) are plain copies; ``encrypt_all`` encrypts them when
the database is encrypted. Files are at most 50 MB, so one call encrypts a whole file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kuemmerer.db.models import Attachment, Meeting, Session
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.errors import StorageError
from kuemmerer.paths import fsync_dir, write_atomically

MAGIC = b"KMRANH1\0"
_NONCE = 12


def _file_key(db_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kuemmerer attachments v1").derive(db_key)


def is_encrypted_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def seal(content: bytes, stored_name: str, db_key: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return MAGIC + nonce + AESGCM(_file_key(db_key)).encrypt(nonce, content, MAGIC + stored_name.encode())


def write_file(target: Path, content: bytes, db_key: bytes | None) -> None:
    """Store ``content`` as the attachment file ``target`` (encrypted if there is a key; 0600)."""
    data = seal(content, Path(target).name, db_key) if db_key is not None else content
    write_atomically(data, target)


def read_file(path: Path, db_key: bytes | None) -> bytes:
    """The content of an attachment file (decrypted; a plain one from before encryption as is)."""
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        return data
    if db_key is None:
        raise StorageError("Der Anhang ist verschlüsselt, die Datenbank aber nicht geöffnet.")
    nonce, sealed = data[len(MAGIC):len(MAGIC) + _NONCE], data[len(MAGIC) + _NONCE:]
    try:
        return AESGCM(_file_key(db_key)).decrypt(nonce, sealed, MAGIC + Path(path).name.encode())
    except InvalidTag:
        raise StorageError(f"Der Anhang {Path(path).name} ist beschädigt oder gehört zu einer anderen "
                           "Datenbank.") from None


def encrypt_all(files_dir: Path, db_key: bytes) -> int:
    """Encrypt every plain attachment file in ``files_dir`` in place (atomic per file);
    returns how many. Already encrypted files are left alone, so a second run is harmless."""
    done = 0
    folder = Path(files_dir)
    if not folder.is_dir():
        return 0
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and not entry.name.endswith(".tmp") and not is_encrypted_file(entry):
            write_file(entry, entry.read_bytes(), db_key)
            done += 1
    if done:
        fsync_dir(folder)
    return done


def owned_files(uow: UnitOfWork, *, activity_id: int | None = None, session_id: int | None = None,
                meeting_id: int | None = None, network_id: int | None = None) -> list[str]:
    """Stored names of every file that goes when the given owner is deleted (with its
    sessions or meetings, which the database deletes by cascade)."""
    owners: list[dict[str, int]] = []
    if activity_id is not None:
        owners.append({"activity_id": activity_id})
        owners += [{"session_id": s.id} for s in uow.all(Session, activity_id=activity_id)]
    if session_id is not None:
        owners.append({"session_id": session_id})
    if meeting_id is not None:
        owners.append({"meeting_id": meeting_id})
    if network_id is not None:
        owners += [{"meeting_id": m.id} for m in uow.all(Meeting, network_id=network_id)]
    return [a.stored_name for owner in owners for a in uow.all(Attachment, **owner)]


def remove_files(files_dir: Path, names: list[str]) -> None:
    for name in names:
        (Path(files_dir) / name).unlink(missing_ok=True)


def delete_with_files(uow: UnitOfWork, files_dir: Path, delete: Callable[[UnitOfWork, int], None],
                      ident: int, **owner: int) -> None:
    """Delete a record (committing) and then the files it owned."""
    names = owned_files(uow, **owner)
    delete(uow, ident)
    remove_files(files_dir, names)

"""What the window and the CLI check before anything else — without loading the database
layer (SQLAlchemy), so that the window can paint first (issue 12 §1)."""

from __future__ import annotations

from pathlib import Path

from kuemmerer.db.preflight import preflight


def check_openable(path: Path, *, write: bool = True) -> None:
    """Refuse (German ``StorageError``) a folder, a foreign file, an unreadable file or, with
    ``write``, a read-only file or folder - before a lock file or anything else is created.
    An encrypted file whose key file is lost passes (it looks like whole pages): the
    Notfallcode decides."""
    preflight(Path(path), write=write)

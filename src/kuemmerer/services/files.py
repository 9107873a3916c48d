"""Files kept in the data folder for attachments: deleted with the record that owns them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kuemmerer.db.models import Attachment, Meeting, Session
from kuemmerer.db.uow import UnitOfWork


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

"""Aktivitäten: projects, events and courses; their dated sessions, attendance and files."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from kuemmerer.db.models import Activity, Attachment, Attendance, District, Meeting, Person, Session
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ActivityKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.paths import private_dir, write_atomically

from .crud import Crud, check_ref
from .dto import ActivityDto, AttachmentDto, AttendanceDto, SessionDto, from_row
from .files import delete_with_files, read_file, remove_files, write_file
from .statistics import freeze_before_erasure
from .validation import Form, check_order

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def _validate_activity(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=activities.editable())
    clean = {
        "name": form.text("name", required=True, max_len=200),
        "kind": form.choice("kind", ActivityKind, ActivityKind.PROJECT),
        "description": form.text("description", max_len=20000),
        "district_id": check_ref(form, uow, District, "district_id", "Unbekanntes Stadtgebiet."),
        "location": form.text("location", max_len=200),
        "starts_on": form.date("starts_on"),
        "ends_on": form.date("ends_on"),
        "active": form.boolean("active", default=True),
    }
    check_order(form, clean["starts_on"], clean["ends_on"], "ends_on",
                "Das Ende kann nicht vor dem Beginn liegen.")
    form.done()
    return clean


def _validate_session(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=sessions.editable())
    clean = {
        "activity_id": check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität.", required=True),
        "date": form.date("date", required=True),
        "start_time": form.time("start_time"),
        "end_time": form.time("end_time"),
        "location": form.text("location", max_len=200),
        "anonymous_count": form.integer("anonymous_count", minimum=0, maximum=100000, default=0),
        "note": form.text("note", max_len=20000),
    }
    check_order(form, clean["start_time"], clean["end_time"], "end_time",
                "Das Ende muss nach dem Beginn liegen.", strict=True)
    form.done()
    return clean


def _validate_attendance(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=("session_id", "person_id"))
    clean = {
        "session_id": check_ref(form, uow, Session, "session_id", "Unbekannter Termin.", required=True),
        "person_id": check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht.", required=True),
    }
    if form.ok("session_id", "person_id") and uow.exists(
            Attendance, exclude_id=getattr(current, "id", None), **clean):
        form.error("person_id", "Die Person ist für diesen Termin schon eingetragen.")
    form.done()
    return clean


# deleting an activity or a session takes its attendance and Einsätze along: freeze first
activities = Crud(Activity, ActivityDto, "Aktivität", _validate_activity, before_delete=freeze_before_erasure)
sessions = Crud(Session, SessionDto, "Termin", _validate_session, before_delete=freeze_before_erasure)
attendances = Crud(Attendance, AttendanceDto, "Teilnahme", _validate_attendance,
                   before_delete=freeze_before_erasure)

create_activity = activities.create
update_activity = activities.update
get_activity = activities.get
create_session = sessions.create
update_session = sessions.update
get_session = sessions.get
add_attendance = attendances.create
remove_attendance = attendances.delete


def delete_activity(uow: UnitOfWork, activity_id: int, files_dir: Path) -> None:
    """Delete an activity with its sessions, attendance, assignments and attached files."""
    delete_with_files(uow, files_dir, activities.delete, activity_id, activity_id=activity_id)


def delete_session(uow: UnitOfWork, session_id: int, files_dir: Path) -> None:
    delete_with_files(uow, files_dir, sessions.delete, session_id, session_id=session_id)


def list_activities(uow: UnitOfWork) -> list[ActivityDto]:
    return activities.list(uow, "name")


def list_sessions(uow: UnitOfWork, activity_id: int) -> list[SessionDto]:
    return sessions.list(uow, "date", "start_time", activity_id=activity_id)


def list_attendance(uow: UnitOfWork, session_id: int) -> list[AttendanceDto]:
    return attendances.list(uow, "id", session_id=session_id)


# --------------------------------------------------------------------------- attachments


def add_attachment(uow: UnitOfWork, files_dir: Path, source: Path, *, activity_id: int | None = None,
                   session_id: int | None = None, meeting_id: int | None = None,
                   description: str | None = None) -> AttachmentDto:
    """Copy ``source`` into the data folder and link it to one activity, session or meeting."""
    source = Path(source)
    form = Form({"activity_id": activity_id, "session_id": session_id, "meeting_id": meeting_id,
                 "description": description})
    owners = [check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität."),
              check_ref(form, uow, Session, "session_id", "Unbekannter Termin."),
              check_ref(form, uow, Meeting, "meeting_id", "Unbekannte Sitzung.")]
    if sum(o is not None for o in owners) != 1 and not form.errors:
        form.error("", "Eine Datei gehört zu genau einer Aktivität, einem Termin oder einer Sitzung.")
    if not source.is_file():
        form.error("file", "Die Datei wurde nicht gefunden.")
    elif source.stat().st_size > MAX_ATTACHMENT_BYTES:
        form.error("file", "Die Datei ist größer als 50 MB.")
    desc = form.text("description", max_len=300)
    form.done()
    files_dir = Path(files_dir)
    private_dir(files_dir)  # 0700: attachments are as private as the database
    stored = uuid.uuid4().hex + source.suffix.lower()[:10]
    target = files_dir / stored
    content = source.read_bytes()  # at most 50 MB (checked above)
    digest = hashlib.sha256(content)
    write_file(target, content, uow.file_key)  # encrypted with the database's key (services/files.py)
    obj = Attachment(activity_id=activity_id, session_id=session_id, meeting_id=meeting_id,
                     file_name=source.name, stored_name=stored, size_bytes=len(content),
                     sha256=digest.hexdigest(), description=desc)
    uow.add(obj)
    try:
        uow.commit()
    except ValidationError:
        target.unlink(missing_ok=True)
        raise
    return from_row(AttachmentDto, obj)


def delete_attachment(uow: UnitOfWork, files_dir: Path, attachment_id: int) -> None:
    obj = uow.get(Attachment, attachment_id, "Anhang")
    name = obj.stored_name
    uow.delete(obj)
    uow.commit()
    remove_files(files_dir, [name])


def export_attachment(uow: UnitOfWork, files_dir: Path, attachment_id: int, target: Path) -> Path:
    obj = uow.get(Attachment, attachment_id, "Anhang")
    write_atomically(read_file(Path(files_dir) / obj.stored_name, uow.file_key), target)
    return Path(target)


def list_attachments(uow: UnitOfWork, **owner: int) -> list[AttachmentDto]:
    return [from_row(AttachmentDto, a) for a in uow.all(Attachment, "file_name", **owner)]

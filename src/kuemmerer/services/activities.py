"""Aktivitäten: projects, events and courses; their dated sessions, attendance and files."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kuemmerer.db.models import (
    ActionField,
    Activity,
    Attachment,
    Attendance,
    District,
    Meeting,
    Person,
    Session,
    SessionHeadcount,
)
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import series
from kuemmerer.domain.enums import ActivityKind, AgeBand, Gender, Publication
from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.paths import private_dir, write_atomically

from . import persons
from .crud import Crud, check_ref
from .dto import ActivityDto, AttachmentDto, AttendanceDto, SessionDto, from_row
from .files import delete_with_files, read_file, remove_files, write_file
from .statistics import freeze_before_erasure
from .validation import Form, as_id, check_order

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
        "action_field_id": check_ref(form, uow, ActionField, "action_field_id", "Unbekanntes Handlungsfeld."),
        "funder": form.text("funder", max_len=120),
    }
    check_order(form, clean["starts_on"], clean["ends_on"], "ends_on",
                "Das Ende kann nicht vor dem Beginn liegen.")
    form.done()
    return clean


MAX_HEADCOUNT = 100000
UNSTATED = (Gender.UNSTATED.value, AgeBand.UNKNOWN.value)


def _validate_session(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=(*sessions.editable(), "headcounts"))
    clean: dict[str, Any] = {
        "activity_id": check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität.", required=True),
        "date": form.date("date", required=True),
        "start_time": form.time("start_time"),
        "end_time": form.time("end_time"),
        "location": form.text("location", max_len=200),
        "note": form.text("note", max_len=20000),
    }
    check_order(form, clean["start_time"], clean["end_time"], "end_time",
                "Das Ende muss nach dem Beginn liegen.", strict=True)
    counts = _headcount_values(form, current)
    if counts is not None:
        clean["headcounts"] = _headcount_rows(current, counts)
        clean["anonymous_count"] = sum(counts.values())  # the triggers of 0009 agree
    form.done()
    return clean


def _headcount_values(form: Form, current) -> dict[tuple[str, str], int] | None:
    """The anonymous head count by (gender, age band) the values ask for; ``None`` = unchanged.

    ``headcounts``: a mapping or (gender, age band, count) triples; a bare ``anonymous_count``
    that differs from the stored total replaces the breakdown with one "keine Angabe /
    unbekannt" row (the quick way, and what older callers send)."""
    if form.raw("headcounts") is not None:
        raw = form.raw("headcounts")
        out: dict[tuple[str, str], int] = {}
        try:
            triples = [(*key, n) for key, n in raw.items()] if isinstance(raw, Mapping) else [tuple(t) for t in raw]
        except TypeError:
            triples = [()]
        for triple in triples:
            if len(triple) != 3 or not all(isinstance(x, str) for x in triple[:2]) \
                    or triple[0] not in Gender.values() or triple[1] not in AgeBand.values():
                form.error("headcounts", "Bitte die Zahlen nach Geschlecht und Altersgruppe angeben.")
                continue
            sub = Form({"n": triple[2]})
            n = sub.integer("n", minimum=0, maximum=MAX_HEADCOUNT, default=0)
            if sub.errors:
                form.error("headcounts", sub.errors["n"])
                continue
            out[(triple[0], triple[1])] = out.get((triple[0], triple[1]), 0) + (n or 0)
        if sum(out.values()) > MAX_HEADCOUNT:
            form.error("headcounts", f"Höchstens {MAX_HEADCOUNT} anonyme Teilnehmende je Termin.")
        return {k: n for k, n in out.items() if n > 0}
    total = form.integer("anonymous_count", minimum=0, maximum=MAX_HEADCOUNT, default=0)
    if total is None or (current is not None and total == current.anonymous_count):
        return None
    return {UNSTATED: total} if total else {}


def _headcount_rows(current, counts: dict[tuple[str, str], int]) -> list[SessionHeadcount]:
    """Rows for ``counts``, reusing the session's existing rows (so a key never clashes on flush)."""
    existing = {(h.gender, h.age_band): h for h in (current.headcounts if current is not None else ())}
    rows = []
    for (gender, band), n in counts.items():
        row = existing.get((gender, band)) or SessionHeadcount(gender=gender, age_band=band, count=n)
        row.count = n
        rows.append(row)
    return rows


def _session_dto(obj: Session) -> SessionDto:
    heads = tuple(sorted((h.gender, h.age_band, h.count) for h in obj.headcounts))
    return from_row(SessionDto, obj, headcounts=heads)


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
sessions = Crud(Session, SessionDto, "Termin", _validate_session, to_dto=_session_dto,
                before_delete=freeze_before_erasure)
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


def set_headcounts(uow: UnitOfWork, session_id: int, counts: Any) -> SessionDto:
    """The anonymous head count of a session: {(gender, age band): n} or (gender, age band, n)
    triples; zeros drop their row."""
    return sessions.update(uow, session_id, headcounts=counts)


def create_series(uow: UnitOfWork, *, activity_id: Any, first: Any, until: Any, weekdays: Iterable[int] = (),
                  every_weeks: Any = 1, start_time: Any = None, end_time: Any = None,
                  location: Any = None) -> list[SessionDto]:
    """Sessions on every matching day from ``first`` to ``until`` in one transaction. A day
    that already has a session of this activity at the same start time is skipped, so running
    the same series twice adds nothing."""
    form = Form({"activity_id": activity_id, "first": first, "until": until, "every_weeks": every_weeks,
                 "weekdays": weekdays, "start_time": start_time})
    activity = check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität.", required=True)
    begins = form.time("start_time")
    start = form.date("first", required=True)
    end = form.date("until", required=True)
    step = form.integer("every_weeks", required=True, minimum=1, maximum=8)
    try:
        days = sorted({int(d) for d in (weekdays or ())})
    except (TypeError, ValueError):
        days = [-1]
    if any(not 0 <= d <= 6 for d in days):
        form.error("weekdays", "Bitte Wochentage aus der Liste wählen.")
    check_order(form, start, end, "until", "Das Ende der Reihe kann nicht vor dem ersten Termin liegen.")
    dates: list[dt.date] = []
    if start and end and step and form.ok("until", "weekdays", "every_weeks"):
        dates = series.series_dates(start, end, days, step)
        if len(dates) > series.MAX_SESSIONS:
            form.error("until", f"Höchstens {series.MAX_SESSIONS} Termine auf einmal; bitte ein früheres Ende wählen.")
        elif not dates:
            form.error("until", "In diesem Zeitraum liegt kein passender Tag.")
    form.done()
    taken = {(s.date, s.start_time) for s in uow.all(Session, activity_id=activity)}
    made = []
    try:
        for day in dates:
            if (day, begins) in taken:
                continue
            # validates times and place; an error there is the same for every day and stops it all
            made.append(sessions.add(uow, activity_id=activity, date=day, start_time=start_time,
                                     end_time=end_time, location=location))
    except ValidationError:
        uow.rollback()  # nothing of the series is written
        raise
    uow.commit()
    return [sessions.as_dto(o) for o in made]


# --------------------------------------------------------------------------- sign-in sheet


def record_sign_in(uow: UnitOfWork, session_id: Any, entries: Iterable[int | Mapping[str, Any]]) -> dict[str, int]:
    """A typed-up paper sign-in sheet in one transaction: each entry is an existing person's
    id or the values of a new person (created here). Persons already on the list are left
    as they are. Returns the numbers ``added``, ``already`` and ``new_persons``; nothing is
    written if any entry is rejected (``ValidationError`` names every rejected row: "zeile_3")."""
    form = Form({"session_id": session_id})
    session = check_ref(form, uow, Session, "session_id", "Unbekannter Termin.", required=True)
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Iterable):
        form.error("entries", "Bitte die Namen der Liste angeben.")
    form.done()
    present = {a.person_id for a in uow.all(Attendance, session_id=session)}
    added = already = created = 0
    problems: dict[str, str] = {}
    for row, entry in enumerate(entries, start=1):
        try:
            if isinstance(entry, Mapping):
                person_id = persons.persons.add(uow, **entry).id
                created += 1
            else:
                person_id = persons.persons.row(uow, entry).id
        except ValidationError as exc:
            problems[f"zeile_{row}"] = f"Zeile {row}: " + next(iter(exc.errors.values()))
            continue
        except NotFound:
            problems[f"zeile_{row}"] = f"Zeile {row}: Diese Person gibt es nicht."
            continue
        except TypeError:  # fields a person does not have
            problems[f"zeile_{row}"] = f"Zeile {row}: Unbekannte Angaben zur Person."
            continue
        if person_id in present:
            already += 1
            continue
        uow.add(Attendance(session_id=session, person_id=person_id))
        present.add(person_id)
        added += 1
    if problems:  # every rejected row at once, and nothing written
        uow.rollback()
        raise ValidationError(problems)
    uow.commit()
    return {"added": added, "already": already, "new_persons": created}


# --------------------------------------------------------------------------- attachments


def add_attachment(uow: UnitOfWork, files_dir: Path, source: Path, *, activity_id: int | None = None,
                   session_id: int | None = None, meeting_id: int | None = None,
                   description: str | None = None, publication: Any = None) -> AttachmentDto:
    """Copy ``source`` into the data folder (encrypted; never a link to where it came from)
    and link it to one activity, session or meeting, with her caption and whether it may be
    published."""
    source = Path(source)
    form = Form({"activity_id": activity_id, "session_id": session_id, "meeting_id": meeting_id,
                 "description": description, "publication": publication})
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
    published = form.choice("publication", Publication, Publication.UNCLEAR)
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
                     sha256=digest.hexdigest(), description=desc, publication=published)
    uow.add(obj)
    try:
        uow.commit()
    except ValidationError:
        target.unlink(missing_ok=True)
        raise
    return from_row(AttachmentDto, obj)


def update_attachment(uow: UnitOfWork, attachment_id: Any, **changes: Any) -> AttachmentDto:
    """Change the caption (``description``) and/or the publication consent (``publication``)
    of an attached file; what is not given stays as it is."""
    unknown = set(changes) - {"description", "publication"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    ident = as_id(attachment_id)
    if ident is None:
        raise NotFound("Anhang", "(ungültige Nummer)")
    obj = uow.get(Attachment, ident, "Anhang")
    form = Form({"description": obj.description, "publication": obj.publication, **changes})
    desc = form.text("description", max_len=300)
    published = form.choice("publication", Publication, Publication.UNCLEAR)
    form.done()
    obj.description = desc
    obj.publication = published or Publication.UNCLEAR.value
    uow.commit()
    return from_row(AttachmentDto, obj)


def read_attachment(uow: UnitOfWork, files_dir: Path, attachment_id: int) -> bytes:
    """The decrypted content of an attached file (for a thumbnail or a preview)."""
    obj = uow.get(Attachment, attachment_id, "Anhang")
    return read_file(Path(files_dir) / obj.stored_name, uow.file_key)


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

"""Ehrenamt: volunteer profiles (1:1 with a person), tags, Einsätze (assignments).

Police clearance (§72a SGB VIII): only the date it was seen, its issue date and
"relevant entry yes/no" are stored, and they are erased three months after the
volunteer stops (at once if they never started).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kuemmerer.db.models import Activity, Assignment, Person, Session, Tag, Volunteer
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import availability
from kuemmerer.domain.enums import AuditAction, ErasureKind, TagKind, VolunteerStatus

from . import settings
from .crud import Crud, check_ref
from .dto import AssignmentDto, VolunteerDto, from_row
from .statistics import freeze_before_erasure
from .validation import Form, check_order

CLEARANCE_KEEP_AFTER_END = dt.timedelta(days=92)  # three months
RENEWAL_KEY = "clearance.renewal_years"
DEFAULT_RENEWAL_YEARS = 5
MAX_RENEWAL_YEARS = 10
REMIND_DAYS_AHEAD = 60


def _volunteer_dto(v: Volunteer) -> VolunteerDto:
    tags = tuple(sorted((t.kind, t.name) for t in v.tags))
    return from_row(VolunteerDto, v, tags=tags)


def _validate_volunteer(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=(*volunteers.editable(), "tags"))
    clean: dict[str, Any] = {
        "person_id": check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht.", required=True),
        "started_on": form.date("started_on"),
        "ended_on": form.date("ended_on"),
        "status": form.choice("status", VolunteerStatus, VolunteerStatus.ACTIVE),
        "availability_slots": _slots(form),
        "availability": form.text("availability", max_len=200),
        "notes": form.text("notes", max_len=20000),
        "clearance_seen_on": form.date("clearance_seen_on", not_future=True),
        "clearance_issued_on": form.date("clearance_issued_on", not_future=True),
        "clearance_relevant_entry": form.boolean("clearance_relevant_entry", default=None),
    }
    if clean["person_id"] and uow.exists(Volunteer, exclude_id=getattr(current, "id", None),
                                         person_id=clean["person_id"]):
        form.error("person_id", "Diese Person ist bereits als Ehrenamtliche*r erfasst.")
    check_order(form, clean["started_on"], clean["ended_on"], "ended_on",
                "Das Ende kann nicht vor dem Beginn liegen.")
    if clean["ended_on"] is not None:
        clean["status"] = VolunteerStatus.ENDED.value  # an end date means the volunteering ended
    elif clean["status"] == VolunteerStatus.ENDED.value and form.ok("ended_on"):
        form.error("ended_on", "Bitte angeben, wann das Ehrenamt beendet wurde.")
    check_order(form, clean["clearance_issued_on"], clean["clearance_seen_on"], "clearance_seen_on",
                "Das Führungszeugnis kann nicht vor seiner Ausstellung vorgelegt worden sein.")
    if clean["clearance_relevant_entry"] is not None and clean["clearance_seen_on"] is None:
        form.error("clearance_seen_on", "Bitte angeben, wann das Führungszeugnis vorgelegt wurde.")
    if "tags" in values:
        clean["tags"] = _tags(uow, form, values["tags"] or ())
    form.done()
    return clean


def _slots(form: Form) -> int:
    """``availability_slots``: a bit mask (int) or (day, part) pairs, see domain/availability.py."""
    raw = form.raw("availability_slots")
    if raw is None or raw == "":
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        if 0 <= raw <= availability.ALL:
            return raw
    elif isinstance(raw, (list, tuple, set, frozenset)):
        try:
            return availability.mask(raw)
        except (TypeError, ValueError):
            pass
    form.error("availability_slots", "Bitte Wochentage und Tageszeiten aus dem Raster wählen.")
    return 0


def _tags(uow: UnitOfWork, form: Form, pairs) -> list[Tag]:
    """Tags from (kind, name) pairs: existing ones reused, repeats ignored."""
    chosen: dict[tuple[str, str], Tag] = {}
    for pair in pairs:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            form.error("tags", "Jede Angabe braucht Art und Bezeichnung.")
            continue
        kind, name = pair[0], str(pair[1] or "").strip()
        if kind not in TagKind.values():
            form.error("tags", f"Unbekannte Art „{kind}“.")
            continue
        if not name or (kind, name) in chosen:
            continue
        if len(name) > 80:
            form.error("tags", "Höchstens 80 Zeichen je Angabe.")
            continue
        chosen[(kind, name)] = next(iter(uow.all(Tag, kind=kind, name=name)), None) or Tag(kind=kind, name=name)
    return list(chosen.values())


volunteers = Crud(Volunteer, VolunteerDto, "Ehrenamtliche*r", _validate_volunteer, to_dto=_volunteer_dto,
                  before_delete=freeze_before_erasure)  # past years keep the hours of a deleted volunteer
create_volunteer = volunteers.create
update_volunteer = volunteers.update
delete_volunteer = volunteers.delete
get_volunteer = volunteers.get


def list_volunteers(uow: UnitOfWork) -> list[VolunteerDto]:
    return volunteers.list(uow, "id")


def has_clearance(v: VolunteerDto) -> bool:
    return any(x is not None for x in (v.clearance_seen_on, v.clearance_issued_on, v.clearance_relevant_entry))


def clearance_removal_on(v: VolunteerDto) -> dt.date | None:
    """The day the clearance data is removed: three months after the end, the end day itself
    for a volunteer who never started; ``None`` while the volunteering goes on (or without data)."""
    if not has_clearance(v) or v.ended_on is None:
        return None
    return v.ended_on if v.started_on is None else v.ended_on + CLEARANCE_KEEP_AFTER_END


def clearance_due_for_erasure(v: VolunteerDto, today: dt.date) -> bool:
    removal = clearance_removal_on(v)
    return removal is not None and today >= removal


def get_renewal_years(uow: UnitOfWork) -> int:
    """After how many years from its issue date a clearance should be renewed (default five)."""
    value = settings.get_value(uow, RENEWAL_KEY)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RENEWAL_YEARS:
        return DEFAULT_RENEWAL_YEARS
    return value


def set_renewal_years(uow: UnitOfWork, years: Any) -> int:
    form = Form({"renewal_years": years})
    number = form.integer("renewal_years", required=True, minimum=1, maximum=MAX_RENEWAL_YEARS)
    form.done()
    assert number is not None
    settings.set_value(uow, RENEWAL_KEY, number)
    return number


def clearance_expires_on(issued_on: dt.date | None, years: int) -> dt.date | None:
    """Issue date plus ``years`` (29 February → 28 February)."""
    if issued_on is None:
        return None
    try:
        return issued_on.replace(year=issued_on.year + years)
    except ValueError:
        return issued_on.replace(year=issued_on.year + years, day=28)


def renewal_due(issued_on: dt.date | None, today: dt.date, years: int) -> dt.date | None:
    """The expiry date if a clearance issued on ``issued_on`` expires within 60 days of
    ``today`` or has expired; ``None`` otherwise (the caller leaves out ended volunteers)."""
    expires = clearance_expires_on(issued_on, years)
    if expires is None or today < expires - dt.timedelta(days=REMIND_DAYS_AHEAD):
        return None
    return expires


def erase_expired_clearances(uow: UnitOfWork, today: dt.date) -> list[int]:
    """Erase clearance data of volunteers who stopped more than three months ago
    (or never started); returns the volunteer ids touched."""
    from kuemmerer.db import queries

    from . import erasures

    done = []
    entries = []
    for obj in uow.all(Volunteer, "id"):
        if clearance_due_for_erasure(_volunteer_dto(obj), today):
            obj.clearance_seen_on = obj.clearance_issued_on = obj.clearance_relevant_entry = None
            uow.audit(AuditAction.ERASE, "volunteers", obj.id)  # "Führungszeugnis" by id, nothing else
            done.append(obj.id)
            entries.append(erasures.journal(uow, ErasureKind.CLEARANCE, obj.id, obj.created_at))
    uow.commit()
    if entries:
        erasures.publish(uow, entries)
        queries.checkpoint(uow.session)
    return done


def _validate_assignment(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    if "hours" in values:
        values = {k: v for k, v in values.items() if k != "minutes"}
    elif "minutes" in values:
        values = {**values, "hours": values["minutes"] / 60 if values["minutes"] is not None else None}
        values.pop("minutes")
    form = Form(values, known=(*(n for n in assignments.editable() if n != "minutes"), "hours"))
    clean = {
        "volunteer_id": check_ref(form, uow, Volunteer, "volunteer_id", "Unbekannte*r Ehrenamtliche*r.",
                                  required=True),
        "activity_id": check_ref(form, uow, Activity, "activity_id", "Unbekannte Aktivität.", required=True),
        "session_id": check_ref(form, uow, Session, "session_id", "Unbekannter Termin."),
        "date": form.date("date", required=True, not_future=True),
        "minutes": form.hours_as_minutes("hours"),
        "role": form.text("role", max_len=120),
        "note": form.text("note", max_len=300),
    }
    if clean["session_id"] and clean["activity_id"]:
        session = uow.get(Session, clean["session_id"])
        if session.activity_id != clean["activity_id"]:
            form.error("session_id", "Der Termin gehört zu einer anderen Aktivität.")
        elif clean["date"] is None and "date" in form.errors and form.raw("date") in (None, ""):
            form.errors.pop("date")
            day = Form({"date": session.date})
            clean["date"] = day.date("date", not_future=True)  # the session's day, if it has come
            if day.errors:
                form.error("date", "Der Termin liegt in der Zukunft: ein Einsatz wird erst danach eingetragen.")
    form.done()
    return clean


assignments = Crud(Assignment, AssignmentDto, "Einsatz", _validate_assignment, before_delete=freeze_before_erasure)
create_assignment = assignments.create
update_assignment = assignments.update
delete_assignment = assignments.delete


def list_assignments(uow: UnitOfWork, volunteer_id: int | None = None) -> list[AssignmentDto]:
    filters = {"volunteer_id": volunteer_id} if volunteer_id is not None else {}
    return assignments.list(uow, "date", "id", **filters)

"""What goes on the Teilnehmerliste of a session and on a volunteer's Ehrenamtsnachweis.

The PDFs (``exports/sign_in_sheet.py``, ``exports/certificate.py``) only lay out what these
functions collect; the CLI and the window print the same data.

Teilnehmerliste: the activity, date, time and place, Handlungsfeld and funder, and the
persons already registered for the session (named attendance) with their Stadtgebiet — no
other personal data: everyone who signs sees the sheet.

Ehrenamtsnachweis: the volunteer's name and address, the period, and per activity the
Einsätze and hours in the period; the total is the sum of the Einsätze in the period (the
same minutes the statistics count), never a sum of rounded lines.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuemmerer.db.models import ActionField, Activity, Assignment, Attendance, Person, Session, Volunteer
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import ActivityKind, Gender
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import postal_address

from . import settings, validation
from .dto import Letterhead
from .validation import Form, as_id

log = logging.getLogger(__name__)

NO_SESSION = "Diesen Termin gibt es nicht."
NO_VOLUNTEER = "Unter dieser Nummer ist niemand als Ehrenamtliche*r erfasst."
MAX_EMPTY_ROWS = 300
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")
SALUTATIONS = {Gender.FEMALE.value: "Frau", Gender.MALE.value: "Herr"}
DATIVE = {"Herr": "Herrn"}


def hours_text(minutes: int) -> str:
    """Minutes as German hours: 90 → "1,5", 100 → "1,67", 120 → "2"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# --------------------------------------------------------------------------- Teilnehmerliste


@dataclass(frozen=True)
class SignInPerson:
    name: str  # "Nachname, Vorname"
    district: str  # "" if not known


@dataclass(frozen=True)
class SignInSheetData:
    session_id: int
    letterhead: Letterhead
    printed_on: dt.date
    activity_name: str
    activity_kind: str  # German label
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str
    action_field: str
    funder: str
    persons: tuple[SignInPerson, ...]
    empty_rows: int | None  # None: fill up the last page (the PDF knows how many fit)
    logo: bytes | None = None  # the letterhead's logo, if it has a readable one

    @property
    def time_text(self) -> str:
        """"15:00–17:00 Uhr", "ab 15:00 Uhr" or ""."""
        if self.start_time and self.end_time:
            return f"{self.start_time:%H:%M}–{self.end_time:%H:%M} Uhr"
        if self.start_time:
            return f"ab {self.start_time:%H:%M} Uhr"
        return f"bis {self.end_time:%H:%M} Uhr" if self.end_time else ""

    @property
    def file_name(self) -> str:
        """No personal data in the name: date and number of the session."""
        return f"Teilnehmerliste-{self.date:%Y-%m-%d}-Termin-{self.session_id}.pdf"


def sign_in_sheet_data(uow: UnitOfWork, session_id: Any, empty_rows: Any = None,
                       today: dt.date | None = None) -> SignInSheetData:
    """The Teilnehmerliste of a session: the persons registered so far (sorted by name) and
    ``empty_rows`` empty rows — ``None`` fills up the last page with at least a few."""
    form = Form({"session_id": session_id, "empty_rows": empty_rows})
    ident = as_id(session_id)
    session = uow.find(Session, ident) if ident is not None else None
    if session is None:
        form.error("session_id", NO_SESSION)
    rows = None if empty_rows is None else form.integer("empty_rows", minimum=0, maximum=MAX_EMPTY_ROWS)
    form.done()
    assert session is not None
    activity = uow.get(Activity, session.activity_id, "Aktivität")
    field = uow.find(ActionField, activity.action_field_id) if activity.action_field_id else None
    people = [uow.get(Person, a.person_id) for a in uow.all(Attendance, "id", session_id=session.id)]
    people.sort(key=lambda p: (p.sort_name, p.id))
    lh = settings.get_letterhead(uow)
    return SignInSheetData(
        session_id=session.id,
        letterhead=lh,
        printed_on=today or validation.today(),
        activity_name=activity.name,
        activity_kind=ActivityKind.labels().get(activity.kind, activity.kind),
        date=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        location=session.location or activity.location or "",
        action_field=field.name if field else "",
        funder=activity.funder or "",
        persons=tuple(SignInPerson(_list_name(p), p.district.name if p.district else "") for p in people),
        empty_rows=rows,
        logo=_logo(lh),
    )


def _list_name(p: Person) -> str:
    return f"{p.last_name}, {p.first_name}" if p.first_name else p.last_name


def _logo(lh: Letterhead) -> bytes | None:
    """The letterhead's logo file, if it names a readable image of sensible size (else none:
    a missing logo never stops a print)."""
    if not lh.logo_path.strip():
        return None
    path = Path(lh.logo_path.strip())
    try:
        if path.suffix.lower() not in LOGO_SUFFIXES or not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        log.info("letterhead logo not readable")
        return None


# --------------------------------------------------------------------------- Ehrenamtsnachweis


@dataclass(frozen=True)
class CertificateLine:
    activity: str
    kind: str  # German label
    first_on: dt.date
    last_on: dt.date
    assignments: int  # Einsätze
    minutes: int

    @property
    def hours_text(self) -> str:
        return hours_text(self.minutes)


@dataclass(frozen=True)
class CertificateData:
    volunteer_id: int
    letterhead: Letterhead
    printed_on: dt.date
    salutation: str  # "Frau", "Herr" or "" (then the name alone)
    name: str  # "Vera Muster"
    address: str  # "Lindenstraße 4, 09120 Chemnitz" or ""
    volunteer_since: dt.date | None
    start: dt.date
    end: dt.date
    lines: tuple[CertificateLine, ...]
    total_minutes: int  # the sum of the Einsätze in the period
    signer_name: str  # the coordinator, if the letterhead names her
    signer_office: str  # the office (and Träger) under the signature line
    place: str  # the town of the letterhead, for "Ort, Datum"

    @property
    def addressed_name(self) -> str:
        return f"{self.salutation} {self.name}" if self.salutation else self.name

    @property
    def dative_name(self) -> str:
        """For "Wir danken …": "Herrn Jürgen Schäfer", "Frau Vera Muster", "Kim Lee"."""
        salutation = DATIVE.get(self.salutation, self.salutation)
        return f"{salutation} {self.name}" if salutation else self.name

    @property
    def total_hours_text(self) -> str:
        return hours_text(self.total_minutes)

    @property
    def assignments(self) -> int:
        return sum(line.assignments for line in self.lines)

    @property
    def file_name(self) -> str:
        """No name in the file name: the volunteer's number and the period."""
        return f"Ehrenamtsnachweis-{self.volunteer_id}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.pdf"


def certificate_data(uow: UnitOfWork, volunteer_id: Any, start: Any, end: Any,
                     today: dt.date | None = None) -> CertificateData:
    """The Ehrenamtsnachweis of a volunteer for ``start`` … ``end`` (both days included)."""
    form = Form({"volunteer_id": volunteer_id, "start": start, "end": end})
    ident = as_id(volunteer_id)
    volunteer = uow.find(Volunteer, ident) if ident is not None else None
    if volunteer is None:
        form.error("volunteer_id", NO_VOLUNTEER)
    first = form.date("start", required=True)
    last = form.date("end", required=True)
    if first and last and last < first:
        form.error("end", "Das Ende des Zeitraums liegt vor seinem Beginn.")
    form.done()
    assert volunteer is not None and first is not None and last is not None
    work = [a for a in uow.all(Assignment, "date", "id", volunteer_id=volunteer.id) if first <= a.date <= last]
    if not work:
        raise ValidationError.single(
            "", f"Vom {first:%d.%m.%Y} bis {last:%d.%m.%Y} sind für diese*n Ehrenamtliche*n keine Einsätze "
                "eingetragen – bitte einen anderen Zeitraum wählen.")
    lines = _lines(uow, work)
    person = volunteer.person
    lh = settings.get_letterhead(uow)
    return CertificateData(
        volunteer_id=volunteer.id,
        letterhead=lh,
        printed_on=today or validation.today(),
        salutation=SALUTATIONS.get(person.gender, ""),
        name=f"{person.first_name} {person.last_name}" if person.first_name else person.last_name,
        address=postal_address(person.street, person.postcode, person.city),
        volunteer_since=volunteer.started_on,
        start=first,
        end=last,
        lines=lines,
        total_minutes=sum(a.minutes for a in work),
        signer_name=_signer_name(lh),
        signer_office=" · ".join(x for x in (lh.office_name, lh.organisation) if x),
        place=_town(lh.postcode_city),
    )


def _lines(uow: UnitOfWork, work: list[Assignment]) -> tuple[CertificateLine, ...]:
    """One line per activity, in the order she first helped there."""
    grouped: dict[int, list[Assignment]] = {}
    for a in work:
        grouped.setdefault(a.activity_id, []).append(a)
    lines = []
    for activity_id, rows in grouped.items():
        activity = uow.get(Activity, activity_id, "Aktivität")
        lines.append(CertificateLine(
            activity=activity.name,
            kind=ActivityKind.labels().get(activity.kind, activity.kind),
            first_on=min(a.date for a in rows),
            last_on=max(a.date for a in rows),
            assignments=len(rows),
            minutes=sum(a.minutes for a in rows),
        ))
    return tuple(lines)


def _signer_name(lh: Letterhead) -> str:
    """The coordinator's own name for the signature line. The letterhead has no such field
    yet; once it has one (``contact_name``), it is used here without further change."""
    return str(getattr(lh, "contact_name", "") or "").strip()


def _town(postcode_city: str) -> str:
    """"09120 Chemnitz" → "Chemnitz" (the postcode does not belong in "Ort, Datum")."""
    parts = postcode_city.split()
    while parts and any(ch.isdigit() for ch in parts[0]):
        parts.pop(0)
    return " ".join(parts)

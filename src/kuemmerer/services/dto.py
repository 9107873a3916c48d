"""Frozen DTOs the services return; widgets and exports hold these, never ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from kuemmerer.domain.rules import ConsentState, consent_state_of, referral_state_label


def from_row(cls, obj, **extra):
    """Build a DTO of ``cls`` from attributes of ``obj`` (an ORM object or a row)."""
    values = {}
    for f in fields(cls):
        if f.name in extra:
            values[f.name] = extra[f.name]
        elif hasattr(obj, f.name):
            values[f.name] = getattr(obj, f.name)
    return cls(**values)


@dataclass(frozen=True)
class Letterhead:
    office_name: str = ""
    organisation: str = ""
    street: str = ""
    postcode_city: str = ""
    phone: str = ""
    email: str = ""
    office_hours: str = ""
    logo_path: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.office_name.strip()


@dataclass(frozen=True)
class DistrictDto:
    id: int
    name: str
    kind: str
    sort_order: int
    active: bool


@dataclass(frozen=True)
class CategoryDto:
    id: int
    name: str
    sort_order: int
    active: bool


@dataclass(frozen=True)
class ServiceDto:
    id: int
    name: str
    description: str | None
    active: bool
    sort_order: int = 0


@dataclass(frozen=True)
class ListEntry:
    """One entry of her lists (Stadtgebiet, Thema, Angebot) as Einstellungen shows it."""

    id: int
    name: str
    active: bool
    sort_order: int
    uses: int  # records referring to it; 0 = may be deleted
    streets: int = 0  # Stadtgebiete only
    outside: bool = False  # the district kind "außerhalb"


@dataclass(frozen=True)
class StreetDto:
    id: int
    district_id: int
    name: str


@dataclass(frozen=True)
class MergePreview:
    """What merging ``source`` into ``target`` moves: (German label, how many) per kind."""

    kind: str
    source_id: int
    source_name: str
    target_id: int
    target_name: str
    moves: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.moves)


@dataclass(frozen=True)
class PersonDto:
    id: int
    last_name: str
    first_name: str | None
    birth_date: dt.date | None
    gender: str
    district_id: int | None
    street: str | None
    postcode: str | None
    city: str | None
    phone: str | None
    email: str | None
    languages: str | None
    notes: str | None

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}" if self.first_name else self.last_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.first_name else self.last_name


@dataclass(frozen=True)
class RequestDto:
    id: int
    person_id: int
    category_id: int | None
    title: str
    description: str | None
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    follow_up_on: dt.date | None
    follow_up_note: str | None


@dataclass(frozen=True)
class ContactDto:
    id: int
    person_id: int
    request_id: int | None
    category_id: int | None
    date: dt.date
    kind: str
    duration_minutes: int | None
    note: str | None


@dataclass(frozen=True)
class AnonymousTallyDto:
    id: int
    date: dt.date
    kind: str
    district_id: int | None
    gender: str
    age_band: str
    category_id: int | None
    count: int
    note: str | None


@dataclass(frozen=True)
class OpeningHoursDto:
    weekday: int
    opens: dt.time
    closes: dt.time
    note: str | None = None


@dataclass(frozen=True)
class OrganisationDto:
    id: int
    name: str
    kind: str
    contact_person: str | None
    street: str | None
    postcode: str | None
    city: str | None
    phone: str | None
    email: str | None
    website: str | None
    opening_hours: str | None
    what_to_bring: str | None
    languages: str | None
    notes: str | None
    active: bool
    service_ids: tuple[int, ...] = ()
    weekly_hours: tuple[OpeningHoursDto, ...] = ()


@dataclass(frozen=True)
class ConsentDto:
    id: int
    person_id: int
    organisation_id: int
    data_categories: tuple[str, ...]
    purpose: str
    given_on: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None
    # the referral it was given for (the first one linking it): its Angebot and closing day
    referral_id: int | None = None
    service_id: int | None = None
    referral_closed_on: dt.date | None = None

    def state_on(self, day: dt.date) -> ConsentState:
        """Valid or not on ``day``, and its German state text (domain rule ``consent_state``)."""
        return consent_state_of(self, day)

    def is_valid_on(self, day: dt.date) -> bool:
        """A consent passes data on ``day`` if given, not expired, not withdrawn and — without
        an end date — its referral is not closed yet."""
        return self.state_on(day).valid


@dataclass(frozen=True)
class ReferralDto:
    id: int
    person_id: int
    request_id: int | None
    service_id: int
    organisation_id: int
    consent_id: int | None
    referred_on: dt.date
    reason: str | None
    appointment_at: dt.datetime | None
    outcome: str
    outcome_on: dt.date | None
    outcome_note: str | None
    follow_up_on: dt.date | None
    closed_on: dt.date | None

    @property
    def state_label(self) -> str:
        return referral_state_label(self.outcome, self.closed_on)


@dataclass(frozen=True)
class VolunteerDto:
    id: int
    person_id: int
    started_on: dt.date | None
    ended_on: dt.date | None
    availability: str | None
    notes: str | None
    clearance_seen_on: dt.date | None
    clearance_issued_on: dt.date | None
    clearance_relevant_entry: bool | None
    tags: tuple[tuple[str, str], ...] = ()  # (kind, name)
    status: str = "aktiv"  # VolunteerStatus
    availability_slots: int = 0  # domain/availability.py

    def tag_names(self, kind: str) -> list[str]:
        return [name for k, name in self.tags if k == kind]


@dataclass(frozen=True)
class ActivityDto:
    id: int
    name: str
    kind: str
    description: str | None
    district_id: int | None
    location: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    active: bool
    action_field_id: int | None = None
    funder: str | None = None


@dataclass(frozen=True)
class SessionDto:
    id: int
    activity_id: int
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str | None
    anonymous_count: int
    note: str | None
    headcounts: tuple[tuple[str, str, int], ...] = ()  # (gender, age band, count), summing to anonymous_count


@dataclass(frozen=True)
class AttendanceDto:
    id: int
    session_id: int
    person_id: int


@dataclass(frozen=True)
class AssignmentDto:
    id: int
    volunteer_id: int
    activity_id: int
    session_id: int | None
    date: dt.date
    minutes: int
    role: str | None
    note: str | None

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class NetworkDto:
    id: int
    name: str
    kind: str
    description: str | None
    active: bool
    rhythm: str | None = None


@dataclass(frozen=True)
class NetworkMemberDto:
    id: int
    network_id: int
    person_id: int | None
    organisation_id: int | None
    role: str | None


@dataclass(frozen=True)
class AgendaItemDto:
    id: int
    meeting_id: int
    position: int
    title: str
    minutes: str | None
    decision: str | None


@dataclass(frozen=True)
class MeetingDto:
    id: int
    network_id: int
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    location: str | None
    agenda: str | None
    minutes_text: str | None


@dataclass(frozen=True)
class MeetingParticipantDto:
    id: int
    meeting_id: int
    person_id: int | None
    organisation_id: int | None
    attended: bool


@dataclass(frozen=True)
class ActionItemDto:
    id: int
    meeting_id: int | None
    title: str
    owner_person_id: int | None
    owner_organisation_id: int | None
    owner_text: str | None
    due_on: dt.date | None
    done_on: dt.date | None
    note: str | None
    agenda_item_id: int | None = None


@dataclass(frozen=True)
class AttachmentDto:
    id: int
    activity_id: int | None
    session_id: int | None
    meeting_id: int | None
    file_name: str
    stored_name: str
    size_bytes: int
    sha256: str
    description: str | None
    publication: str = "unklar"  # domain.enums.Publication


@dataclass(frozen=True)
class Statistics:
    """Funder statistics for a period (DESIGN.md §4)."""

    period_from: dt.date
    period_to: dt.date
    participants_named: int
    participants_anonymous: int
    by_district: dict[str, int]
    by_gender: dict[str, int]
    by_age_band: dict[str, int]
    contacts: int
    requests_opened: int
    requests_closed: int
    requests_by_category: dict[str, int]
    referrals_total: int
    referrals_by_service: dict[str, int]
    referrals_by_outcome: dict[str, int]
    volunteers_active: int
    volunteer_hours: float
    volunteers_also_participants: int
    sessions: int
    attendance_named: int
    attendance_anonymous: int
    meetings: int
    extra: dict = field(default_factory=dict)
    meetings_by_network: dict[str, int] = field(default_factory=dict)
    partners_reached: int = 0  # organisations present (anwesend) at a meeting in the period

    @classmethod
    def from_json(cls, data: dict) -> Statistics:
        p, r, f, v, a = (data["participants"], data["requests"], data["referrals"], data["volunteers"],
                         data["activities"])
        return cls(
            period_from=dt.date.fromisoformat(data["period"]["from"]),
            period_to=dt.date.fromisoformat(data["period"]["to"]),
            participants_named=p["named"], participants_anonymous=p["anonymous"],
            by_district=p["by_district"], by_gender=p["by_gender"], by_age_band=p["by_age_band"],
            contacts=data["contacts"], requests_opened=r["opened"], requests_closed=r["closed"],
            requests_by_category=r["by_category"], referrals_total=f["total"],
            referrals_by_service=f["by_service"], referrals_by_outcome=f["by_outcome"],
            volunteers_active=v["active"], volunteer_hours=v["hours"],
            volunteers_also_participants=v.get("also_participants", 0),
            sessions=a["sessions"], attendance_named=a["attendance_named"],
            attendance_anonymous=a["attendance_anonymous"], meetings=data["meetings"],
            extra=data.get("extra", {}),
            # figures frozen before 0010 have no "networks": none counted then
            meetings_by_network=data.get("networks", {}).get("meetings_by_network", {}),
            partners_reached=data.get("networks", {}).get("partners_reached", 0),
        )

    def as_json(self) -> dict:
        return {
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "participants": {
                "named": self.participants_named,
                "anonymous": self.participants_anonymous,
                "by_district": self.by_district,
                "by_gender": self.by_gender,
                "by_age_band": self.by_age_band,
            },
            "contacts": self.contacts,
            "requests": {
                "opened": self.requests_opened,
                "closed": self.requests_closed,
                "by_category": self.requests_by_category,
            },
            "referrals": {
                "total": self.referrals_total,
                "by_service": self.referrals_by_service,
                "by_outcome": self.referrals_by_outcome,
            },
            "volunteers": {
                "active": self.volunteers_active,
                "hours": self.volunteer_hours,
                "also_participants": self.volunteers_also_participants,
            },
            "activities": {
                "sessions": self.sessions,
                "attendance_named": self.attendance_named,
                "attendance_anonymous": self.attendance_anonymous,
            },
            "meetings": self.meetings,
            "networks": {
                "meetings_by_network": self.meetings_by_network,
                "partners_reached": self.partners_reached,
            },
            "extra": self.extra,
        }


@dataclass(frozen=True)
class ResidentPart:
    """What the partner may learn about the resident: only what a valid consent covers."""

    name: str | None
    birth_date: dt.date | None
    address: str | None
    phone: str | None
    email: str | None
    reason: str | None
    consent_given_on: dt.date
    consent_valid_until: dt.date | None
    categories: tuple[str, ...]  # German labels
    consent_state: str = ""  # "gültig bis zum Abschluss der Vermittlung" (domain rule consent_state)
    consent_referral_id: int | None = None  # the referral it was given for, if another one


@dataclass(frozen=True)
class ReferralSheet:
    """Vermittlungsbogen (DESIGN.md §7)."""

    referral_id: int
    letterhead: Letterhead
    printed_on: dt.date
    referred_on: dt.date
    service: str
    organisation: OrganisationDto
    appointment_at: dt.datetime | None
    resident: ResidentPart | None  # None: no valid consent – the partner part stays blank


@dataclass(frozen=True)
class ConsentFormData:
    """Schweigepflichtentbindung, pre-filled for signature."""

    referral_id: int
    letterhead: Letterhead
    printed_on: dt.date
    person_name: str
    person_birth_date: dt.date | None
    person_address: str | None
    organisation: OrganisationDto
    service: str
    purpose: str
    categories: tuple[tuple[str, bool], ...]  # (German label, ticked)
    valid_until: dt.date | None


# --------------------------------------------------------------------------- calendar (services.calendar)


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    summary: str
    day: dt.date
    start: dt.time | None  # None: an all-day entry
    end: dt.time | None
    location: str | None
    description: str
    created: dt.datetime  # UTC, naive as stored
    modified: dt.datetime
    sequence: int


@dataclass(frozen=True)
class CalendarData:
    start: dt.date
    end: dt.date
    entries: tuple[CalendarEntry, ...]
    time_zone: str = "Europe/Berlin"  # where she works; the .ics carries its VTIMEZONE

    @property
    def file_name(self) -> str:
        return f"Kuemmerer-Termine_{self.start.isoformat()}_{self.end.isoformat()}.ics"

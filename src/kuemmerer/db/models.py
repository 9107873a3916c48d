"""Typed SQLAlchemy 2 models of the whole domain (DESIGN.md §1).

Constraints live in the database: foreign keys with the ON DELETE the domain
needs, NOT NULL, CHECKs for enums and non-negative numbers, unique keys.
Deleting a person cascades to every row that holds their personal data.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kuemmerer.domain.enums import (
    ActivityKind,
    AgeBand,
    ContactKind,
    DistrictKind,
    ErasureKind,
    Gender,
    InquiryAnswer,
    NetworkKind,
    OrganisationKind,
    Publication,
    ReferralOutcome,
    ReportKind,
    RequestStatus,
    TagKind,
    VolunteerStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _in(column: str, enum) -> str:
    values = ", ".join(f"'{v}'" for v in enum.values())
    return f"{column} IN ({values})"


def _not_blank(column: str) -> str:
    """Not empty and not only white space (spaces, tabs, line breaks)."""
    return f"length(trim({column}, ' ' || char(9) || char(10) || char(13))) > 0"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """``created_at``/``updated_at`` in UTC, set by the database and by the ORM."""

    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, nullable=False, default=_utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime,
        nullable=False,
        default=_utcnow,
        onupdate=_utcnow,
        server_default=func.current_timestamp(),
    )


def fk(target: str, ondelete: str, **kw) -> ForeignKey:
    return ForeignKey(target, ondelete=ondelete, **kw)


# --------------------------------------------------------------------------- lists


class District(Timestamped, Base):
    __tablename__ = "districts"
    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        CheckConstraint(_in("kind", DistrictKind), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=DistrictKind.AREA.value)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    streets: Mapped[list[DistrictStreet]] = relationship(
        back_populates="district", passive_deletes=True, order_by="DistrictStreet.name"
    )


class DistrictStreet(Base):
    """A street of a Stadtgebiet: typing a person's street suggests the district.
    ``key`` is the folded street name without house number ("Straße" = "Str.")."""

    __tablename__ = "district_streets"
    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        UniqueConstraint("district_id", "key"),
        Index("ix_district_streets_key", "key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(fk("districts.id", "CASCADE"))
    name: Mapped[str] = mapped_column(String(150))
    key: Mapped[str] = mapped_column(String(150))

    district: Mapped[District] = relationship(back_populates="streets")


class Category(Timestamped, Base):
    __tablename__ = "categories"
    __table_args__ = (CheckConstraint(_not_blank("name"), name="name_not_blank"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """Settings that belong to the data (letterhead, counting rules); value is JSON text."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_utcnow, onupdate=_utcnow, server_default=func.current_timestamp()
    )


class YearStatistics(Base):
    """Frozen funder statistics of a closed calendar year (JSON of services.dto.Statistics):
    erasing a person later must not change figures already reported."""

    __tablename__ = "year_statistics"
    __table_args__ = (CheckConstraint("year BETWEEN 1900 AND 2200", name="year_range"),)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    frozen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    data: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """What happened to which record: ids and action only, never field values."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]


# --------------------------------------------------------------------------- residents


class Person(Timestamped, Base):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(_not_blank("last_name"), name="last_name_not_blank"),
        CheckConstraint(_in("gender", Gender), name="gender"),
        Index("ix_persons_sort_search", "sort_name", "id", "search_text"),
        Index("ix_persons_district_sort", "district_id", "sort_name", "id"),
        Index("ix_persons_name_birth", "last_name", "birth_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(20), default=Gender.UNSTATED.value)
    district_id: Mapped[int | None] = mapped_column(fk("districts.id", "RESTRICT"))
    street: Mapped[str | None] = mapped_column(String(150))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(150))
    languages: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # folded name/phone/e-mail for umlaut- and case-insensitive search in SQL;
    # maintained by db.events on every insert and update
    search_text: Mapped[str] = mapped_column(Text, default="")
    # folded "last\x01first" for German order in SQL (DIN 5007-1), same listener
    sort_name: Mapped[str] = mapped_column(String(220), default="", server_default="")

    district: Mapped[District | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship(
        back_populates="person", passive_deletes=True, uselist=False
    )


class Request(Timestamped, Base):
    """Anliegen: a concern a resident brings."""

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(_not_blank("title"), name="title_not_blank"),
        CheckConstraint(_in("status", RequestStatus), name="status"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
        Index("ix_requests_person_status", "person_id", "status"),
        Index("ix_requests_status_opened", "status", "opened_on"),
        Index("ix_requests_opened_status", "opened_on", "status"),
        Index("ix_requests_closed", "closed_on"),
        Index("ix_requests_category", "category_id"),
        Index("ix_requests_follow_up", "follow_up_on"),
        Index("ix_requests_search", "search_text"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"))
    category_id: Mapped[int | None] = mapped_column(fk("categories.id", "RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN.value)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_note: Mapped[str | None] = mapped_column(String(200))
    # folded title (with "ue" spellings) for search and German order; db.search_key keeps it
    search_text: Mapped[str] = mapped_column(String(450), default="", server_default="")


def _search_words(name: str, owner: str) -> Table:
    """The word index of ``<owner>s.search_text`` (migration 0008): one row per word of the
    search text in its one indexed spelling (kind 0), and per suffix of a word that starts
    with a digit (kind 1, phone numbers are found by any part). Written only by the
    database's own triggers, read by db.search_key; no foreign key (the triggers delete
    with the owner, and a key would make every delete of a person scan this table)."""
    return Table(
        name,
        Base.metadata,
        Column("kind", Integer, nullable=False),
        Column("word", Text, nullable=False),
        Column(owner, Integer, nullable=False),
        PrimaryKeyConstraint("kind", "word", owner),
        sqlite_with_rowid=False,
    )


person_search_words = _search_words("person_search_words", "person_id")
request_search_words = _search_words("request_search_words", "request_id")


class Contact(Timestamped, Base):
    """Kontakt/Beratung: one interaction with a named resident."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(_in("kind", ContactKind), name="kind"),
        CheckConstraint(
            "duration_minutes IS NULL OR (duration_minutes >= 0 AND duration_minutes <= 1440)",
            name="duration_range",
        ),
        Index("ix_contacts_person_date", "person_id", "date"),
        Index("ix_contacts_date_person", "date", "person_id"),
        Index("ix_contacts_request_date", "request_id", "date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"))
    request_id: Mapped[int | None] = mapped_column(fk("requests.id", "SET NULL"))
    category_id: Mapped[int | None] = mapped_column(fk("categories.id", "RESTRICT"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default=ContactKind.OFFICE_HOURS.value)
    duration_minutes: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)


class AnonymousTally(Timestamped, Base):
    """Strichliste: walk-ins counted without a name."""

    __tablename__ = "anonymous_tallies"
    __table_args__ = (
        CheckConstraint(_in("gender", Gender), name="gender"),
        CheckConstraint(_in("age_band", AgeBand), name="age_band"),
        CheckConstraint(_in("kind", ContactKind), name="kind"),
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_anonymous_tallies_date", "date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default=ContactKind.OFFICE_HOURS.value)
    district_id: Mapped[int | None] = mapped_column(fk("districts.id", "RESTRICT"))
    gender: Mapped[str] = mapped_column(String(20), default=Gender.UNSTATED.value)
    age_band: Mapped[str] = mapped_column(String(20), default=AgeBand.UNKNOWN.value)
    category_id: Mapped[int | None] = mapped_column(fk("categories.id", "RESTRICT"))
    count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str | None] = mapped_column(String(200))


# --------------------------------------------------------------------------- partners

organisation_services = Table(
    "organisation_services",
    Base.metadata,
    Column("organisation_id", fk("organisations.id", "CASCADE"), primary_key=True),
    Column("service_id", fk("services.id", "CASCADE"), primary_key=True),
    Index("ix_organisation_services_service", "service_id"),
)


class Service(Timestamped, Base):
    """Angebot: a kind of help partners offer (Schuldnerberatung, Suchtberatung…)."""

    __tablename__ = "services"
    __table_args__ = (CheckConstraint(_not_blank("name"), name="name_not_blank"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=organisation_services, back_populates="services", passive_deletes=True
    )


class Organisation(Timestamped, Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        CheckConstraint(_in("kind", OrganisationKind), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default=OrganisationKind.OTHER.value)
    contact_person: Mapped[str | None] = mapped_column(String(150))
    street: Mapped[str | None] = mapped_column(String(150))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(150))
    website: Mapped[str | None] = mapped_column(String(200))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    what_to_bring: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    services: Mapped[list[Service]] = relationship(
        secondary=organisation_services, back_populates="organisations", passive_deletes=True
    )
    weekly_hours: Mapped[list[OpeningHours]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="(OpeningHours.weekday, OpeningHours.opens)"
    )


class OpeningHours(Base):
    """Structured weekly opening hours of an organisation (weekday 0 = Monday)."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("closes > opens", name="closes_after_opens"),
        Index("ix_opening_hours_organisation", "organisation_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(fk("organisations.id", "CASCADE"))
    weekday: Mapped[int]
    opens: Mapped[dt.time] = mapped_column(Time)
    closes: Mapped[dt.time] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(100))


class Consent(Timestamped, Base):
    """Schweigepflichtentbindung: written consent to pass named data to a recipient."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint(_not_blank("purpose"), name="purpose_not_blank"),
        CheckConstraint("valid_until IS NULL OR valid_until >= given_on", name="valid_after_given"),
        CheckConstraint(
            "withdrawn_on IS NULL OR withdrawn_on >= given_on", name="withdrawn_after_given"
        ),
        Index("ix_consents_person", "person_id"),
        Index("ix_consents_organisation", "organisation_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"))
    organisation_id: Mapped[int] = mapped_column(fk("organisations.id", "RESTRICT"))
    data_categories: Mapped[str] = mapped_column(String(200))  # comma-separated DataCategory
    purpose: Mapped[str] = mapped_column(Text)
    given_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)


class Referral(Timestamped, Base):
    """Vermittlung of a resident to a partner's service, with its outcome."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(_in("outcome", ReferralOutcome), name="outcome"),
        CheckConstraint(
            "outcome_on IS NULL OR outcome_on >= referred_on", name="outcome_after_referral"
        ),
        CheckConstraint("closed_on IS NULL OR closed_on >= referred_on", name="closed_after_referral"),
        Index("ix_referrals_person", "person_id"),
        Index("ix_referrals_referred_on", "referred_on"),
        Index("ix_referrals_organisation", "organisation_id"),
        Index("ix_referrals_service", "service_id"),
        Index("ix_referrals_follow_up", "follow_up_on"),
        Index("ix_referrals_request", "request_id"),
        Index("ix_referrals_consent", "consent_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"))
    request_id: Mapped[int | None] = mapped_column(fk("requests.id", "SET NULL"))
    service_id: Mapped[int] = mapped_column(fk("services.id", "RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(fk("organisations.id", "RESTRICT"))
    consent_id: Mapped[int | None] = mapped_column(fk("consents.id", "SET NULL"))
    referred_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    appointment_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(30), default=ReferralOutcome.REFERRED.value)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # "abgeschlossen"; the outcome stays the result


# --------------------------------------------------------------------------- volunteers

volunteer_tags = Table(
    "volunteer_tags",
    Base.metadata,
    Column("volunteer_id", fk("volunteers.id", "CASCADE"), primary_key=True),
    Column("tag_id", fk("tags.id", "CASCADE"), primary_key=True),
    Index("ix_volunteer_tags_tag", "tag_id"),
)


class Tag(Base):
    """A skill, interest or language a volunteer has."""

    __tablename__ = "tags"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint(_in("kind", TagKind), name="kind"),
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))


class Volunteer(Timestamped, Base):
    """Volunteer profile of a person (1:1). Police clearance only as §72a SGB VIII allows."""

    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ended_after_started"),
        CheckConstraint(
            "clearance_issued_on IS NULL OR clearance_seen_on IS NULL "
            "OR clearance_issued_on <= clearance_seen_on",
            name="clearance_issued_before_seen",
        ),
        CheckConstraint(_in("status", VolunteerStatus), name="status"),
        CheckConstraint("(status = 'beendet') = (ended_on IS NOT NULL)", name="ended_iff_status_ended"),
        CheckConstraint("availability_slots >= 0 AND availability_slots < 2097152", name="availability_slots_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"), unique=True)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=VolunteerStatus.ACTIVE.value,
                                        server_default=VolunteerStatus.ACTIVE.value)
    # weekdays × vormittags/nachmittags/abends as bits (domain/availability.py); ``availability`` is her remark
    availability_slots: Mapped[int] = mapped_column(default=0, server_default="0")
    availability: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    clearance_seen_on: Mapped[dt.date | None] = mapped_column(Date)
    clearance_issued_on: Mapped[dt.date | None] = mapped_column(Date)
    clearance_relevant_entry: Mapped[bool | None] = mapped_column(Boolean)

    person: Mapped[Person] = relationship(back_populates="volunteer")
    tags: Mapped[list[Tag]] = relationship(secondary=volunteer_tags, passive_deletes=True)


class VolunteerInquiry(Timestamped, Base):
    """Angefragt: she asked a volunteer to help (with an activity or in general) and what they said."""

    __tablename__ = "volunteer_inquiries"
    __table_args__ = (
        CheckConstraint(_in("answer", InquiryAnswer), name="answer"),
        Index("ix_volunteer_inquiries_volunteer_asked_on", "volunteer_id", "asked_on"),
        Index("ix_volunteer_inquiries_activity", "activity_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(fk("volunteers.id", "CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(fk("activities.id", "SET NULL"))
    asked_on: Mapped[dt.date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(String(20), default=InquiryAnswer.OPEN.value)
    note: Mapped[str | None] = mapped_column(String(300))


# --------------------------------------------------------------------------- activities


class Activity(Timestamped, Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        CheckConstraint(_in("kind", ActivityKind), name="kind"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="ends_after_starts"),
        Index("ix_activities_district", "district_id"),
        Index("ix_activities_action_field", "action_field_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=ActivityKind.PROJECT.value)
    description: Mapped[str | None] = mapped_column(Text)
    district_id: Mapped[int | None] = mapped_column(fk("districts.id", "RESTRICT"))
    location: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    action_field_id: Mapped[int | None] = mapped_column(fk("action_fields.id", "SET NULL"))  # Handlungsfeld
    funder: Mapped[str | None] = mapped_column(String(120))  # Fördermittelgeber / Förderprogramm


class Session(Timestamped, Base):
    """Termin einer Aktivität: one dated occurrence with attendance."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("anonymous_count >= 0", name="anonymous_count_non_negative"),
        CheckConstraint(
            "end_time IS NULL OR start_time IS NULL OR end_time > start_time", name="end_after_start"
        ),
        Index("ix_sessions_activity_date", "activity_id", "date"),
        Index("ix_sessions_date", "date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(fk("activities.id", "CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    # total of session_headcounts, kept by triggers (migration 0009): the figures read this one column
    anonymous_count: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)

    headcounts: Mapped[list[SessionHeadcount]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SessionHeadcount.id")


class SessionHeadcount(Base):
    """Anonymous head count of a session by gender and age band (the sum is ``sessions.anonymous_count``)."""

    __tablename__ = "session_headcounts"
    __table_args__ = (
        UniqueConstraint("session_id", "gender", "age_band"),
        CheckConstraint(_in("gender", Gender), name="gender"),
        CheckConstraint(_in("age_band", AgeBand), name="age_band"),
        CheckConstraint("count >= 1", name="count_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(fk("sessions.id", "CASCADE"))
    gender: Mapped[str] = mapped_column(String(20), default=Gender.UNSTATED.value)
    age_band: Mapped[str] = mapped_column(String(20), default=AgeBand.UNKNOWN.value)
    count: Mapped[int] = mapped_column()


class Attendance(Base):
    """Teilnahme: a named person attending a session."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        Index("ix_attendances_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(fk("sessions.id", "CASCADE"))
    person_id: Mapped[int] = mapped_column(fk("persons.id", "CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_utcnow, server_default=func.current_timestamp()
    )


class Assignment(Timestamped, Base):
    """Einsatz: a volunteer's work for an activity (optionally one session), in minutes."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("minutes >= 0 AND minutes <= 1440", name="minutes_range"),
        Index("ix_assignments_volunteer_date", "volunteer_id", "date"),
        Index("ix_assignments_date", "date"),
        Index("ix_assignments_activity", "activity_id"),
        Index("ix_assignments_session", "session_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(fk("volunteers.id", "CASCADE"))
    activity_id: Mapped[int] = mapped_column(fk("activities.id", "CASCADE"))
    session_id: Mapped[int | None] = mapped_column(fk("sessions.id", "CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(default=0)
    role: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))


# --------------------------------------------------------------------------- networks


class Network(Timestamped, Base):
    """Gremium, Arbeitskreis, Stadtteilrunde, Gewerbestammtisch."""

    __tablename__ = "networks"
    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        CheckConstraint(_in("kind", NetworkKind), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=NetworkKind.WORKING_GROUP.value)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    rhythm: Mapped[str | None] = mapped_column(String(120))  # "monatlich, 1. Dienstag"


class NetworkMember(Base):
    """A member of a network: an organisation or a person (exactly one), with a role."""

    __tablename__ = "network_members"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)", name="person_xor_organisation"),
        Index("uq_network_members_person", "network_id", "person_id", unique=True,
              sqlite_where=Column("person_id").isnot(None)),
        Index("uq_network_members_organisation", "network_id", "organisation_id", unique=True,
              sqlite_where=Column("organisation_id").isnot(None)),
        Index("ix_network_members_person", "person_id"),
        Index("ix_network_members_organisation", "organisation_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(fk("networks.id", "CASCADE"))
    person_id: Mapped[int | None] = mapped_column(fk("persons.id", "CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(fk("organisations.id", "CASCADE"))
    role: Mapped[str | None] = mapped_column(String(120))


class Meeting(Timestamped, Base):
    """Sitzung / Netzwerktreffen of a network."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(
            "end_time IS NULL OR start_time IS NULL OR end_time > start_time", name="end_after_start"
        ),
        Index("ix_meetings_network_date", "network_id", "date"),
        Index("ix_meetings_date", "date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(fk("networks.id", "CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    agenda: Mapped[str | None] = mapped_column(Text)
    minutes_text: Mapped[str | None] = mapped_column(Text)


class MeetingParticipant(Base):
    """A person or an organisation taking part in a meeting (exactly one of them)."""

    __tablename__ = "meeting_participants"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="person_xor_organisation"
        ),
        Index(
            "uq_meeting_participants_person",
            "meeting_id",
            "person_id",
            unique=True,
            sqlite_where=Column("person_id").isnot(None),
        ),
        Index(
            "uq_meeting_participants_organisation",
            "meeting_id",
            "organisation_id",
            unique=True,
            sqlite_where=Column("organisation_id").isnot(None),
        ),
        Index("ix_meeting_participants_person", "person_id"),
        Index("ix_meeting_participants_organisation", "organisation_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(fk("meetings.id", "CASCADE"))
    person_id: Mapped[int | None] = mapped_column(fk("persons.id", "CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(fk("organisations.id", "CASCADE"))
    attended: Mapped[bool] = mapped_column(Boolean, default=True)


class AgendaItem(Base):
    """Tagesordnungspunkt of a meeting, with the minutes and the decision on it."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint(_not_blank("title"), name="title_not_blank"),
        CheckConstraint("position >= 1", name="position_positive"),
        Index("ix_agenda_items_meeting_position", "meeting_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(fk("meetings.id", "CASCADE"))
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)


class ActionItem(Timestamped, Base):
    """Aufgabe / To-do, usually from a meeting, with owner, due date and done date."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(_not_blank("title"), name="title_not_blank"),
        Index("ix_action_items_meeting", "meeting_id"),
        Index("ix_action_items_open_due", "done_on", "due_on"),
        Index("ix_action_items_owner_person", "owner_person_id"),
        Index("ix_action_items_owner_organisation", "owner_organisation_id"),
        Index("ix_action_items_agenda_item", "agenda_item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(fk("meetings.id", "CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    owner_person_id: Mapped[int | None] = mapped_column(fk("persons.id", "SET NULL"))
    owner_organisation_id: Mapped[int | None] = mapped_column(fk("organisations.id", "SET NULL"))
    owner_text: Mapped[str | None] = mapped_column(String(150))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    agenda_item_id: Mapped[int | None] = mapped_column(fk("agenda_items.id", "SET NULL"))  # the minute line


class Attachment(Timestamped, Base):
    """A file kept in the data folder, linked to exactly one activity, session or meeting."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(
            "(activity_id IS NOT NULL) + (session_id IS NOT NULL) + (meeting_id IS NOT NULL) = 1",
            name="exactly_one_owner",
        ),
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
        CheckConstraint(_not_blank("file_name"), name="file_name_not_blank"),
        CheckConstraint(_in("publication", Publication), name="publication"),
        Index("ix_attachments_activity", "activity_id"),
        Index("ix_attachments_session", "session_id"),
        Index("ix_attachments_meeting", "meeting_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(fk("activities.id", "CASCADE"))
    session_id: Mapped[int | None] = mapped_column(fk("sessions.id", "CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(fk("meetings.id", "CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(300))  # her caption
    publication: Mapped[str] = mapped_column(String(20), default=Publication.UNCLEAR.value,
                                             server_default=Publication.UNCLEAR.value)


# --------------------------------------------------------------------------- imports


class ImportRun(Timestamped, Base):
    """An import of one of her old lists: what it did, and whether it was undone."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("kind IN ('persons', 'contacts', 'volunteers', 'partners')", name="kind"),
        CheckConstraint("created >= 0 AND matched >= 0 AND filled >= 0 AND rejected >= 0 AND skipped >= 0",
                        name="counts_non_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    layout_key: Mapped[str] = mapped_column(String(1000), default="")
    created: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    filled: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


IMPORT_ITEM_COLUMNS = ("person_id", "contact_id", "volunteer_id", "organisation_id", "service_id",
                       "category_id", "district_id")


class ImportItem(Base):
    """A record an import created (what "undo" takes back): exactly one of the columns is set,
    a record is created by one import only, and the link goes with its record."""

    __tablename__ = "import_items"
    __table_args__ = (
        CheckConstraint(" + ".join(f"({c} IS NOT NULL)" for c in IMPORT_ITEM_COLUMNS) + " = 1", name="exactly_one"),
        Index("ix_import_items_import", "import_id"),
        Index("ix_import_items_person", "person_id", unique=True),
        Index("ix_import_items_contact", "contact_id", unique=True),
        Index("ix_import_items_volunteer", "volunteer_id", unique=True),
        Index("ix_import_items_organisation", "organisation_id", unique=True),
        Index("ix_import_items_service", "service_id", unique=True),
        Index("ix_import_items_category", "category_id", unique=True),
        Index("ix_import_items_district", "district_id", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(fk("imports.id", "CASCADE"))
    person_id: Mapped[int | None] = mapped_column(fk("persons.id", "CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(fk("contacts.id", "CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(fk("volunteers.id", "CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(fk("organisations.id", "CASCADE"))
    service_id: Mapped[int | None] = mapped_column(fk("services.id", "CASCADE"))
    category_id: Mapped[int | None] = mapped_column(fk("categories.id", "CASCADE"))
    district_id: Mapped[int | None] = mapped_column(fk("districts.id", "CASCADE"))


# --------------------------------------------------------------------------- erasures and reports


class Erasure(Base):
    """The erasure journal: what was erased and when, by id only (no names, no values).
    Restoring an older backup re-applies every erasure made after the backup was taken.
    ``record_created_at`` is the erased record's own creation time, so a re-used id in a
    backup is never mistaken for the erased record."""

    __tablename__ = "erasures"
    __table_args__ = (
        CheckConstraint(_in("kind", ErasureKind), name="kind"),
        Index("ix_erasures_erased_at", "erased_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    record_created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    erased_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class ActionField(Timestamped, Base):
    """Handlungsfeld of her area's integrated action plan: the Sachbericht has a section
    per field ("Beratung und Vermittlung", "Ehrenamt", …)."""

    __tablename__ = "action_fields"
    __table_args__ = (CheckConstraint(_not_blank("name"), name="name_not_blank"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReportText(Timestamped, Base):
    """Her text on one Handlungsfeld for one report period."""

    __tablename__ = "report_texts"
    __table_args__ = (
        UniqueConstraint("action_field_id", "period_from", "period_to"),
        CheckConstraint("period_to >= period_from", name="period_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    action_field_id: Mapped[int] = mapped_column(fk("action_fields.id", "CASCADE"))
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)


class IssuedReport(Base):
    """An issued report (PDF Sachbericht or Jahresstatistik): its period, the figures as
    JSON (no personal data), the file itself and its SHA-256, so it can be reprinted
    byte-for-byte and compared with today's figures."""

    __tablename__ = "issued_reports"
    __table_args__ = (
        CheckConstraint(_in("kind", ReportKind), name="kind"),
        CheckConstraint("period_to >= period_from", name="period_order"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("suppress_below IS NULL OR suppress_below BETWEEN 1 AND 100", name="suppress_range"),
        Index("ix_issued_reports_period", "period_from", "period_to"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    suppress_below: Mapped[int | None]
    figures: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)

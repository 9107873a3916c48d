"""What goes on the Vermittlungsbogen and the Schweigepflichtentbindung.

The rule of DESIGN.md §5 (``domain.rules.covering_consent``), not the PDF code, decides:
the partner part of a referral sheet carries the resident's data only under the
referral's own consent, or another one for the same recipient and the same Angebot,
valid on the day the sheet is printed (one without an end date ends when its referral
is closed), and only the categories it covers (name; address and contact data; birth
date; the concern as reason). Without one, the part stays blank for her to fill in by hand.

Two ways in, one builder: the window and the CLI's normal open read through the unit of
work (``referral_sheet``, ``consent_form``); ``kuemmerer-cli`` first tries the rows of
``db.document_reads`` without SQLAlchemy (``referral_sheet_light``, ``consent_form_light``:
None means "open the normal way"). Both turn what they read into the same ``_Facts`` and
consents, and ``build_referral_sheet``/``build_consent_form`` make the documents from those.
This module imports no SQLAlchemy itself: the unit-of-work side loads the models when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kuemmerer.domain.enums import DataCategory
from kuemmerer.domain.rules import covering_consent, postal_address

from . import validation
from .dto import (
    ConsentDto,
    ConsentFormData,
    Letterhead,
    OpeningHoursDto,
    OrganisationDto,
    PersonDto,
    ReferralSheet,
    ResidentPart,
    from_row,
)

if TYPE_CHECKING:
    from kuemmerer.db.document_reads import ReferralRows
    from kuemmerer.db.uow import UnitOfWork


@dataclass(frozen=True)
class _Facts:
    """What both documents of a referral show, however it was read. ``referral`` has the
    referral's columns as attributes (a model object or a row)."""

    referral: Any
    person: PersonDto
    service: str
    organisation: OrganisationDto
    letterhead: Letterhead


# --------------------------------------------------------------------------- one builder


def letterhead_of(stored: Any) -> Letterhead:
    """The letterhead from the stored setting (a dict of its fields; None: never set)."""
    stored = stored or {}
    return Letterhead(**{f.name: stored.get(f.name, "") for f in fields(Letterhead)})


def organisation_of(org: Any, service_ids: Iterable[int], hours: Iterable[Any]) -> OrganisationDto:
    """A partner with its Angebote (ids) and weekly opening hours, as the documents show it."""
    return from_row(OrganisationDto, org, service_ids=tuple(sorted(service_ids)),
                    weekly_hours=tuple(sorted((from_row(OpeningHoursDto, h) for h in hours),
                                              key=lambda h: (h.weekday, h.opens))))


def _address(p: PersonDto) -> str | None:
    return postal_address(p.street, p.postcode, p.city) or None


def build_referral_sheet(facts: _Facts, consent: ConsentDto | None, today: dt.date) -> ReferralSheet:
    """The Vermittlungsbogen; ``consent``: the one covering the referral on ``today`` (or None)."""
    r, person = facts.referral, facts.person
    resident = None
    if consent is not None:
        cats = set(consent.data_categories)
        contact = DataCategory.CONTACT.value in cats
        resident = ResidentPart(
            name=person.full_name if DataCategory.NAME.value in cats else None,
            birth_date=person.birth_date if DataCategory.BIRTH_DATE.value in cats else None,
            address=_address(person) if contact else None,
            phone=person.phone if contact else None,
            email=person.email if contact else None,
            reason=r.reason if DataCategory.CONCERN.value in cats else None,
            consent_given_on=consent.given_on,
            consent_valid_until=consent.valid_until,
            categories=tuple(DataCategory(c).label for c in consent.data_categories),
            consent_state=consent.state_on(today).text,
            consent_referral_id=consent.referral_id if consent.referral_id != r.id else None,
        )
    return ReferralSheet(
        referral_id=r.id,
        letterhead=facts.letterhead,
        printed_on=today,
        referred_on=r.referred_on,
        service=facts.service,
        organisation=facts.organisation,
        appointment_at=r.appointment_at,
        resident=resident,
    )


def build_consent_form(facts: _Facts, recorded: ConsentDto | None, today: dt.date) -> ConsentFormData:
    """The consent form for the referral's recipient, pre-filled: the resident signs her own
    data, so her name and address are on it; the categories of the ``recorded`` consent (the
    referral's own) are ticked, otherwise none (she ticks with the resident)."""
    person, service = facts.person, facts.service
    ticked = set(recorded.data_categories) if recorded else set()
    return ConsentFormData(
        referral_id=facts.referral.id,
        letterhead=facts.letterhead,
        printed_on=today,
        person_name=person.full_name,
        person_birth_date=person.birth_date,
        person_address=_address(person),
        organisation=facts.organisation,
        service=service,
        purpose=recorded.purpose if recorded else f"Vermittlung an das Angebot „{service}“: "
                                                  "Terminvereinbarung, Beratung und Rückmeldung an das Stadtteilbüro",
        categories=tuple((c.label, c.value in ticked) for c in DataCategory),
        valid_until=recorded.valid_until if recorded else None,
    )


# --------------------------------------------------------------------------- through the unit of work


def consent_for_sheet(uow: UnitOfWork, referral_id: int, on: dt.date) -> ConsentDto | None:
    """The consent that lets this referral pass data on ``on``: its own if still valid, else
    the newest valid one for the same recipient and the same Angebot (``partners.covering_consent``)."""
    from . import partners

    return partners.covering_consent(uow, referral_id, on)


def _facts(uow: UnitOfWork, referral_id: int) -> _Facts:
    from kuemmerer.db.models import Organisation, Person, Referral, Service

    from . import settings

    r = uow.get(Referral, referral_id, "Vermittlung")
    org = uow.get(Organisation, r.organisation_id)
    return _Facts(
        referral=r,
        person=from_row(PersonDto, uow.get(Person, r.person_id)),
        service=uow.get(Service, r.service_id).name,
        organisation=organisation_of(org, (s.id for s in org.services), org.weekly_hours),
        letterhead=letterhead_of(settings.get_value(uow, "letterhead")),
    )


def referral_sheet(uow: UnitOfWork, referral_id: int, today: dt.date | None = None) -> ReferralSheet:
    today = today or validation.today()
    facts = _facts(uow, referral_id)
    return build_referral_sheet(facts, consent_for_sheet(uow, referral_id, today), today)


def consent_form(uow: UnitOfWork, referral_id: int, today: dt.date | None = None) -> ConsentFormData:
    from . import partners

    facts = _facts(uow, referral_id)
    consent_id = facts.referral.consent_id
    recorded = partners.get_consent(uow, consent_id) if consent_id else None
    return build_consent_form(facts, recorded, today or validation.today())


# --------------------------------------------------------------------------- without SQLAlchemy (kuemmerer-cli)


def _light_facts(rows: ReferralRows) -> _Facts:
    return _Facts(
        referral=rows.referral,
        person=from_row(PersonDto, rows.person),
        service=rows.service.name,
        organisation=organisation_of(rows.organisation, rows.organisation_service_ids, rows.opening_hours),
        letterhead=letterhead_of(rows.letterhead),
    )


def _light_consents(rows: ReferralRows) -> list[ConsentDto]:
    """The person's consents, each with the referral it was given for (the first linking it:
    its Angebot and closing day), as ``partners.list_consents`` gives them."""
    home: dict[int, Any] = {}
    for r in rows.consent_referrals:
        home.setdefault(r.consent_id, r)
    return [from_row(ConsentDto, c, data_categories=tuple(p for p in c.data_categories.split(",") if p),
                     referral_id=home[c.id].id if c.id in home else None,
                     service_id=home[c.id].service_id if c.id in home else None,
                     referral_closed_on=home[c.id].closed_on if c.id in home else None)
            for c in rows.consents]


def _read(path: Path, key: bytes, referral_id: int) -> ReferralRows | None:
    from kuemmerer.db import document_reads

    return document_reads.read_referral(path, key, referral_id)


def referral_sheet_light(path: Path, key: bytes, referral_id: int,
                         today: dt.date | None = None) -> ReferralSheet | None:
    """``referral_sheet`` read without SQLAlchemy; None: open the database the normal way."""
    rows = _read(path, key, referral_id)
    if rows is None:
        return None
    today = today or validation.today()
    r = rows.referral
    consent = covering_consent(_light_consents(rows), person_id=r.person_id, organisation_id=r.organisation_id,
                               service_id=r.service_id, own_consent_id=r.consent_id, day=today)
    return build_referral_sheet(_light_facts(rows), consent, today)


def consent_form_light(path: Path, key: bytes, referral_id: int,
                       today: dt.date | None = None) -> ConsentFormData | None:
    """``consent_form`` read without SQLAlchemy; None: open the database the normal way."""
    rows = _read(path, key, referral_id)
    if rows is None:
        return None
    own = rows.referral.consent_id
    recorded = next((c for c in _light_consents(rows) if c.id == own), None) if own else None
    return build_consent_form(_light_facts(rows), recorded, today or validation.today())

"""What goes on the Vermittlungsbogen and the Schweigepflichtentbindung.

The rule of DESIGN.md §5 (``domain.rules.covering_consent``), not the PDF code, decides:
the partner part of a referral sheet carries the resident's data only under the
referral's own consent, or another one for the same recipient and the same Angebot,
valid on the day the sheet is printed (one without an end date ends when its referral
is closed), and only the categories it covers (name; address and contact data; birth
date; the concern as reason). Without one, the part stays blank for her to fill in by hand.
"""

from __future__ import annotations

import datetime as dt

from kuemmerer.db.models import Person, Referral, Service
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import DataCategory
from kuemmerer.domain.rules import postal_address

from . import partners, settings, validation
from .dto import ConsentDto, ConsentFormData, PersonDto, ReferralSheet, ResidentPart, from_row


def _address(p: PersonDto) -> str | None:
    return postal_address(p.street, p.postcode, p.city) or None


def consent_for_sheet(uow: UnitOfWork, referral_id: int, on: dt.date) -> ConsentDto | None:
    """The consent that lets this referral pass data on ``on``: its own if still valid, else
    the newest valid one for the same recipient and the same Angebot (``partners.covering_consent``)."""
    return partners.covering_consent(uow, referral_id, on)


def referral_sheet(uow: UnitOfWork, referral_id: int, today: dt.date | None = None) -> ReferralSheet:
    today = today or validation.today()
    r = uow.get(Referral, referral_id, "Vermittlung")
    person = from_row(PersonDto, uow.get(Person, r.person_id))
    consent = consent_for_sheet(uow, referral_id, today)
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
        letterhead=settings.get_letterhead(uow),
        printed_on=today,
        referred_on=r.referred_on,
        service=uow.get(Service, r.service_id).name,
        organisation=partners.get_organisation(uow, r.organisation_id),
        appointment_at=r.appointment_at,
        resident=resident,
    )


def consent_form(uow: UnitOfWork, referral_id: int, today: dt.date | None = None) -> ConsentFormData:
    """The consent form for the referral's recipient, pre-filled: the resident signs her own
    data, so her name and address are on it; the categories of a recorded consent are ticked,
    otherwise none (she ticks with the resident)."""
    today = today or validation.today()
    r = uow.get(Referral, referral_id, "Vermittlung")
    person = from_row(PersonDto, uow.get(Person, r.person_id))
    service = uow.get(Service, r.service_id).name
    recorded = partners.get_consent(uow, r.consent_id) if r.consent_id else None
    ticked = set(recorded.data_categories) if recorded else set()
    return ConsentFormData(
        referral_id=r.id,
        letterhead=settings.get_letterhead(uow),
        printed_on=today,
        person_name=person.full_name,
        person_birth_date=person.birth_date,
        person_address=_address(person),
        organisation=partners.get_organisation(uow, r.organisation_id),
        service=service,
        purpose=recorded.purpose if recorded else f"Vermittlung an das Angebot „{service}“: "
                                                  "Terminvereinbarung, Beratung und Rückmeldung an das Stadtteilbüro",
        categories=tuple((c.label, c.value in ticked) for c in DataCategory),
        valid_until=recorded.valid_until if recorded else None,
    )

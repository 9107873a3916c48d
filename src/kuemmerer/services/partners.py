"""Kooperationspartner (organisations), Schweigepflichtentbindungen (consents), Vermittlungen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from kuemmerer.db import queries
from kuemmerer.db.models import Consent, OpeningHours, Organisation, Person, Referral, Request, Service
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.dates import FIRST_YEAR, LAST_YEAR, YEAR_RANGE
from kuemmerer.domain.enums import DataCategory, OrganisationKind, ReferralOutcome
from kuemmerer.domain.rules import WEEKDAYS, fold, matches_words, sort_key
from kuemmerer.domain.rules import covering_consent as covering_consent_rule

from . import lists, settings, validation
from .crud import Crud, check_ref, check_unique
from .dto import ConsentDto, OpeningHoursDto, OrganisationDto, ReferralDto, from_row
from .statistics import freeze_before_erasure
from .validation import Form, as_id, check_order, parse_time

# --------------------------------------------------------------------------- organisations


def _organisation_dto(org: Organisation) -> OrganisationDto:
    return from_row(
        OrganisationDto, org,
        service_ids=tuple(sorted(s.id for s in org.services)),
        weekly_hours=tuple(sorted((from_row(OpeningHoursDto, h) for h in org.weekly_hours),
                                  key=lambda h: (h.weekday, h.opens))),
    )


def _clean_hours(form: Form) -> list[OpeningHoursDto] | None:
    raw = form.raw("weekly_hours")
    if raw is None:
        return None
    if not isinstance(raw, (list, tuple)):
        form.error("weekly_hours", "Jede Öffnungszeit braucht Wochentag, Beginn und Ende.")
        return []
    out = []
    for item in raw:
        if not isinstance(item, (tuple, list)) or len(item) not in (3, 4):
            form.error("weekly_hours", "Jede Öffnungszeit braucht Wochentag, Beginn und Ende.")
            continue
        weekday, opens, closes = item[0], item[1], item[2]
        note = item[3] if len(item) > 3 else None
        try:
            o, c = parse_time(opens), parse_time(closes)
        except ValueError:
            form.error("weekly_hours", "Bitte Uhrzeiten wie 09:00 angeben.")
            continue
        if not (isinstance(weekday, int) and 0 <= weekday <= 6) or o is None or c is None:
            form.error("weekly_hours", "Jede Öffnungszeit braucht Wochentag, Beginn und Ende.")
        elif c <= o:
            form.error("weekly_hours", f"{WEEKDAYS[weekday]}: Das Ende muss nach dem Beginn liegen.")
        else:
            out.append(OpeningHoursDto(weekday, o, c, note))
    return out


def _validate_organisation(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=(*organisations.editable(), "service_ids", "weekly_hours"))
    clean: dict[str, Any] = {
        "name": form.text("name", required=True, max_len=200),
        "kind": form.choice("kind", OrganisationKind, OrganisationKind.OTHER),
        "contact_person": form.text("contact_person", max_len=150),
        "street": form.text("street", max_len=150),
        "postcode": form.text("postcode", max_len=10),
        "city": form.text("city", max_len=100),
        "phone": form.text("phone", max_len=50),
        "email": form.email("email"),
        "website": form.text("website", max_len=200),
        "opening_hours": form.text("opening_hours", max_len=2000),
        "what_to_bring": form.text("what_to_bring", max_len=2000),
        "languages": form.text("languages", max_len=200),
        "notes": form.text("notes", max_len=20000),
        "active": form.boolean("active", default=True),
    }
    check_unique(form, uow, Organisation, "name", clean["name"], current,
                 "Eine Organisation mit diesem Namen gibt es schon.")
    if "service_ids" in values:
        chosen: list[Service] = []
        sids = values["service_ids"] or ()
        if not isinstance(sids, (list, tuple, set, frozenset)):
            sids = [None]  # not a choice from the list
        for sid in sids:
            ident = as_id(sid)
            service = uow.find(Service, ident) if ident is not None else None
            if service is None:
                form.error("service_ids", "Unbekanntes Angebot.")
            elif service not in chosen:
                chosen.append(service)
        clean["services"] = chosen
    hours = _clean_hours(form)
    if hours is not None:
        clean["weekly_hours"] = [OpeningHours(weekday=h.weekday, opens=h.opens, closes=h.closes,
                                              note=h.note) for h in hours]
    form.done()
    return clean


# services and weekly hours are not columns: they change only when passed
organisations = Crud(Organisation, OrganisationDto, "Organisation",
                                  _validate_organisation, to_dto=_organisation_dto)

create_organisation = organisations.create
update_organisation = organisations.update
get_organisation = organisations.get


def delete_organisation(uow: UnitOfWork, organisation_id: int) -> None:
    org = uow.get(Organisation, organisation_id, "Organisation")
    if uow.exists(Referral, organisation_id=org.id) or uow.exists(Consent, organisation_id=org.id):
        from kuemmerer.domain.errors import InUse

        raise InUse(f"An „{org.name}“ wurde schon vermittelt. Bitte stattdessen auf "
                    "„nicht mehr aktiv“ setzen; die Vermittlungen bleiben so nachvollziehbar.")
    organisations.delete(uow, organisation_id)


def list_organisations(uow: UnitOfWork, service_id: int | None = None, *,
                       active_only: bool = False) -> list[OrganisationDto]:
    items = organisations.list(uow, "name")
    if service_id is not None:
        items = [o for o in items if service_id in o.service_ids]
    if active_only:
        items = [o for o in items if o.active]
    return sorted(items, key=lambda o: sort_key(o.name, None))


@dataclass(frozen=True)
class OrganisationRow:
    """A line of the partner directory."""

    id: int
    name: str
    kind_label: str
    services: tuple[str, ...]
    contact_person: str | None
    city: str | None
    phone: str | None
    active: bool
    referrals: int


def search_organisations(uow: UnitOfWork, text: str = "", *, service_id: int | None = None,
                         include_inactive: bool = False) -> list[OrganisationRow]:
    """The partner directory, filtered: every word must occur in the name, an offered
    service (or its description), the kind, contact person, place or languages —
    "Schulden" finds every partner offering Schuldnerberatung."""
    services = {s.id: s for s in lists.list_services(uow)}
    counts = queries.referral_counts_by_organisation(uow.session)
    out = []
    for org in list_organisations(uow, service_id):
        if not (org.active or include_inactive):
            continue
        offered = [services[i] for i in org.service_ids if i in services]
        kind = OrganisationKind(org.kind).label
        if not matches_words(text, org.name, kind, org.contact_person, org.city, org.languages,
                             *(s.name for s in offered), *(s.description for s in offered)):
            continue
        out.append(OrganisationRow(org.id, org.name, kind, tuple(sorted((s.name for s in offered), key=fold)),
                                   org.contact_person, org.city, org.phone, org.active, counts.get(org.id, 0)))
    return out


# --------------------------------------------------------------------------- consents


def _consent_dto(c: Consent) -> ConsentDto:
    return from_row(ConsentDto, c, data_categories=tuple(p for p in c.data_categories.split(",") if p))


def _home_referral(uow: UnitOfWork, consent_id: int) -> Referral | None:
    """The referral a consent was given for: the first one linking it."""
    return next(iter(uow.all(Referral, "referred_on", "id", consent_id=consent_id)), None)


def _with_referral(uow: UnitOfWork, c: ConsentDto) -> ConsentDto:
    """The consent with the referral it was given for: that referral's Angebot is the
    consent's, and its closing ends a consent without an end date (DESIGN.md §5)."""
    home = _home_referral(uow, c.id)
    if home is None:
        return replace(c, referral_id=None, service_id=None, referral_closed_on=None)
    return replace(c, referral_id=home.id, service_id=home.service_id, referral_closed_on=home.closed_on)


def _validate_consent(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    if isinstance(values.get("data_categories"), str):
        values = {**values, "data_categories": values["data_categories"].split(",")}
    form = Form(values, known=consents.editable())
    cats = form.choices("data_categories", DataCategory, required=True)
    clean = {
        "person_id": check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht.", required=True),
        "organisation_id": check_ref(form, uow, Organisation, "organisation_id",
                                     "Unbekannte Organisation.", required=True),
        "data_categories": ",".join(cats),
        "purpose": form.text("purpose", required=True, max_len=2000),
        "given_on": form.date("given_on", required=True, not_future=True),
        "valid_until": form.date("valid_until"),
        "withdrawn_on": form.date("withdrawn_on", not_future=True),
    }
    check_order(form, clean["given_on"], clean["valid_until"], "valid_until",
                "Die Gültigkeit kann nicht vor der Erteilung enden.")
    check_order(form, clean["given_on"], clean["withdrawn_on"], "withdrawn_on",
                "Der Widerruf kann nicht vor der Erteilung liegen.")
    form.done()
    return clean


consents = Crud(Consent, ConsentDto, "Einwilligung", _validate_consent, to_dto=_consent_dto)
delete_consent = consents.delete


def record_consent(uow: UnitOfWork, **values: Any) -> ConsentDto:
    return _with_referral(uow, consents.create(uow, **values))


def update_consent(uow: UnitOfWork, consent_id: int, **changes: Any) -> ConsentDto:
    return _with_referral(uow, consents.update(uow, consent_id, **changes))


def get_consent(uow: UnitOfWork, consent_id: int) -> ConsentDto:
    return _with_referral(uow, consents.get(uow, consent_id))


def withdraw_consent(uow: UnitOfWork, consent_id: int, on: dt.date | None = None) -> ConsentDto:
    """Withdrawing is one click: from ``on`` (default today) no data passes any more."""
    return update_consent(uow, consent_id, withdrawn_on=on or validation.today())


def list_consents(uow: UnitOfWork, person_id: int) -> list[ConsentDto]:
    return [_with_referral(uow, c) for c in consents.list(uow, "given_on", person_id=person_id)]


def valid_consent(uow: UnitOfWork, person_id: int, organisation_id: int,
                  on: dt.date | None = None, service_id: int | None = None) -> ConsentDto | None:
    """The newest consent of the person for that recipient that is valid on ``on``; with
    ``service_id``, only one a new referral to that Angebot may use: given for a referral
    to the same Angebot, or not used by any referral yet (it then becomes that one's)."""
    day = on or validation.today()
    found = [c for c in list_consents(uow, person_id)
             if c.organisation_id == organisation_id and c.is_valid_on(day)
             and (service_id is None or c.service_id in (None, service_id))]
    return found[-1] if found else None


def covering_consent(uow: UnitOfWork, referral_id: int, on: dt.date | None = None) -> ConsentDto | None:
    """The consent under which this referral passes the resident's data on ``on``
    (DESIGN.md §5, rule ``domain.rules.covering_consent``): its own consent, else one for
    the same recipient and the same Angebot; one without an end date ends when its
    referral is closed; withdrawn or expired ones never cover."""
    r = uow.get(Referral, referral_id, "Vermittlung")
    return covering_consent_rule(list_consents(uow, r.person_id), person_id=r.person_id,
                                 organisation_id=r.organisation_id, service_id=r.service_id,
                                 own_consent_id=r.consent_id, day=on or validation.today())


# --------------------------------------------------------------------------- referrals


def _validate_referral(uow: UnitOfWork, values: dict[str, Any], current) -> dict[str, Any]:
    form = Form(values, known=referrals.editable())
    clean: dict[str, Any] = {
        "person_id": check_ref(form, uow, Person, "person_id", "Diese Person gibt es nicht.", required=True),
        "request_id": check_ref(form, uow, Request, "request_id", "Dieses Anliegen gibt es nicht."),
        "service_id": check_ref(form, uow, Service, "service_id", "Unbekanntes Angebot.", required=True),
        "organisation_id": check_ref(form, uow, Organisation, "organisation_id",
                                     "Unbekannte Organisation.", required=True),
        "consent_id": check_ref(form, uow, Consent, "consent_id", "Diese Einwilligung gibt es nicht."),
        "referred_on": form.date("referred_on", not_future=True) or (
            None if "referred_on" in form.errors else validation.today()),
        "reason": form.text("reason", max_len=5000),
        "appointment_at": form.raw("appointment_at") or None,
        "outcome": form.choice("outcome", ReferralOutcome, ReferralOutcome.REFERRED),
        "outcome_on": form.date("outcome_on", not_future=True),
        "outcome_note": form.text("outcome_note", max_len=5000),
        "follow_up_on": form.date("follow_up_on"),
        "closed_on": form.date("closed_on", not_future=True),
    }
    if clean["appointment_at"] is not None and not isinstance(clean["appointment_at"], dt.datetime):
        form.error("appointment_at", "Bitte Datum und Uhrzeit des Termins angeben.")
    elif clean["appointment_at"] is not None and not FIRST_YEAR <= clean["appointment_at"].year <= LAST_YEAR:
        form.error("appointment_at", YEAR_RANGE)
    pair_changed = current is None or (clean["service_id"], clean["organisation_id"]) != (
        current.service_id, current.organisation_id)
    if clean["service_id"] and clean["organisation_id"] and pair_changed:
        # checked when chosen; a partner dropping the service later does not block the outcome
        org = uow.get(Organisation, clean["organisation_id"])
        if clean["service_id"] not in {s.id for s in org.services}:
            form.error("organisation_id", f"„{org.name}“ bietet dieses Angebot nicht an.")
    if clean["request_id"] and clean["person_id"] \
            and uow.get(Request, clean["request_id"]).person_id != clean["person_id"]:
        form.error("request_id", "Das Anliegen gehört zu einer anderen Person.")
    if clean["consent_id"] and clean["person_id"] and clean["organisation_id"]:
        consent = uow.get(Consent, clean["consent_id"])
        if consent.person_id != clean["person_id"] or consent.organisation_id != clean["organisation_id"]:
            form.error("consent_id", "Die Einwilligung gilt nicht für diese Person und diesen Empfänger.")
        else:
            home = _home_referral(uow, consent.id)
            if home is not None and home is not current and home.service_id != clean["service_id"]:
                form.error("consent_id", "Die Einwilligung wurde für ein anderes Angebot erteilt; "
                                         "sie gilt nur für denselben Empfänger und dasselbe Angebot.")
    check_order(form, clean["referred_on"], clean["outcome_on"], "outcome_on",
                "Das Ergebnis kann nicht vor der Vermittlung liegen.")
    check_order(form, clean["referred_on"], clean["closed_on"], "closed_on",
                "Der Abschluss kann nicht vor der Vermittlung liegen.")
    check_order(form, clean["outcome_on"], clean["closed_on"], "closed_on",
                "Der Abschluss kann nicht vor dem Ergebnis liegen.")
    outcome = ReferralOutcome(clean["outcome"]) if clean["outcome"] else None
    if clean["closed_on"] is not None:
        clean["follow_up_on"] = None  # finished: nothing left to ask
    elif outcome is ReferralOutcome.REFERRED and clean["follow_up_on"] is None \
            and clean["referred_on"] is not None:
        # "Ist die Person angekommen?" stays open as long as the referral is only "vermittelt"
        clean["follow_up_on"] = clean["referred_on"] + dt.timedelta(days=settings.get_follow_up_days(uow))
    if outcome is ReferralOutcome.REFERRED:
        clean["outcome_on"] = None
    elif outcome is not None:
        clean["follow_up_on"] = None  # the question "angekommen?" is answered
        if clean["outcome_on"] is None and "outcome_on" not in form.errors:
            clean["outcome_on"] = validation.today()
    form.done()
    return clean


referrals = Crud(Referral, ReferralDto, "Vermittlung", _validate_referral,
                 before_delete=freeze_before_erasure)
create_referral = referrals.create
update_referral = referrals.update
delete_referral = referrals.delete
get_referral = referrals.get


def record_outcome(uow: UnitOfWork, referral_id: int, outcome: ReferralOutcome | str,
                   on: dt.date | None = None, note: str | None = None) -> ReferralDto:
    """vermittelt → angekommen / nicht wahrgenommen / abgelehnt (on ``on``, default today)."""
    return referrals.update(uow, referral_id, outcome=outcome, outcome_on=on or validation.today(),
                            outcome_note=note)


def close_referral(uow: UnitOfWork, referral_id: int, on: dt.date | str | None = None) -> ReferralDto:
    """→ abgeschlossen: the result stays as it is; the follow-up question is gone."""
    return referrals.update(uow, referral_id, closed_on=on or validation.today())


def reopen_referral(uow: UnitOfWork, referral_id: int) -> ReferralDto:
    return referrals.update(uow, referral_id, closed_on=None)


def list_referrals(uow: UnitOfWork, person_id: int | None = None,
                   organisation_id: int | None = None) -> list[ReferralDto]:
    filters = {k: v for k, v in (("person_id", person_id), ("organisation_id", organisation_id))
               if v is not None}
    return referrals.list(uow, "referred_on", "id", **filters)


def save_referral(uow: UnitOfWork, referral_id: int | None = None, *,
                  consent: dict[str, Any] | None = None, **values: Any) -> ReferralDto:
    """Create (``referral_id`` None) or update a referral, in one transaction with its consent:
    with ``consent`` values the Schweigepflichtentbindung is recorded for the same person and
    partner and linked; without, a consent valid today for that recipient is linked if the
    referral has none (or moves to another partner: a consent names its recipient). Both
    are written or neither; bad input of both parts comes in one ValidationError, the
    consent's fields prefixed "consent_"."""
    from kuemmerer.domain.errors import ValidationError

    current = referrals.get(uow, referral_id) if referral_id is not None else None
    owner = {"person_id": values.get("person_id", current.person_id if current else None),
             "organisation_id": values.get("organisation_id", current.organisation_id if current else None)}
    errors: dict[str, str] = {}
    if consent is not None:
        try:
            values["consent_id"] = consents.add(uow, **owner, **consent).id
        except ValidationError as exc:
            values.pop("consent_id", None)
            errors.update({k if k in owner else f"consent_{k}": v for k, v in exc.errors.items()})
    elif "consent_id" not in values and (current is None or current.consent_id is None
                                         or current.organisation_id != owner["organisation_id"]):
        service_id = values.get("service_id", current.service_id if current else None)
        pid, oid = as_id(owner["person_id"]), as_id(owner["organisation_id"])  # bad ids: the validator says so
        on_file = (valid_consent(uow, pid, oid, service_id=as_id(service_id) or -1)
                   if pid is not None and oid is not None else None)
        values["consent_id"] = on_file.id if on_file else None
    try:
        saved = referrals.add(uow, **values) if referral_id is None else referrals.change(uow, referral_id, **values)
    except ValidationError as exc:
        errors = {**exc.errors, **errors}
    if errors:
        uow.rollback()
        raise ValidationError(errors)
    uow.commit()
    return referrals.as_dto(saved)

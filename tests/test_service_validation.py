"""Every service create/update rejects bad input with a German message per field and
writes nothing; the good paths return DTOs whose values are what the database holds."""

from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from kuemmerer.domain.enums import ReferralOutcome, RequestStatus
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.services import (
    activities,
    desk,
    lists,
    lock_settings,
    matching,
    networks,
    partners,
    persons,
    reports,
    requests,
    retention,
    settings,
    volunteers,
)
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, copy_database, create_encrypted

TODAY = dt.date.today()
FUTURE = TODAY + dt.timedelta(days=3)
PAST = dt.date(2024, 3, 5)
BEFORE_PAST = PAST - dt.timedelta(days=1)
UNKNOWN_ID = 99999

# every message the services show is German: it has at least one common German word
GERMAN_WORDS = {
    "bitte", "nicht", "unbekannt", "unbekannte", "unbekanntes", "unbekannter", "gibt", "es",
    "höchstens", "mindestens", "darf", "kann", "muss", "schon", "bereits", "datum", "zahl",
    "stunden", "gehört", "gilt", "die", "das", "der", "ein", "eine", "diese", "dieses", "nur",
    "ist", "und", "oder", "jede", "braucht", "vor", "nach", "für", "wert", "erlaubt",
}


def assert_german(message: object) -> None:
    assert isinstance(message, str) and message.strip(), message
    words = set(re.findall(r"\w+", message.lower()))
    assert words & GERMAN_WORDS or any(c in message for c in "äöüÄÖÜß"), message


# --------------------------------------------------------------------------- helpers


def snapshot(ws) -> dict[str, list[tuple]]:
    """Every row of every table (a read-only unit of work: readers never wait in WAL mode)."""
    with ws.uow(read_only=True) as u:
        tables = u.session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )).scalars().all()
        return {t: sorted(map(tuple, u.session.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                for t in tables}


def count(ws, table: str) -> int:
    with ws.uow(read_only=True) as u:
        return u.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def read(ws, fn, *args, **kwargs):
    """Call a read service in a fresh unit of work: what the database really holds."""
    with ws.uow(read_only=True) as u:
        return fn(u, *args, **kwargs)


def resolve(value, w):
    if callable(value):
        return value(w)
    if isinstance(value, list):
        return [resolve(v, w) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, w) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, w) for k, v in value.items()}
    return value


def C(fn, **kwargs):
    """A create call; values may be getters on the world (``P`` = the person id …)."""
    return lambda w: (fn, (), {k: resolve(v, w) for k, v in kwargs.items()})


def U(fn, ident, *args, **kwargs):
    """An update call on the record ``ident(w)``."""
    return lambda w: (fn, (ident(w), *args), {k: resolve(v, w) for k, v in kwargs.items()})


P, Q = attrgetter("p"), attrgetter("q")
R, RQ = attrgetter("r"), attrgetter("rq")
KAPPEL, CAT = attrgetter("kappel"), attrgetter("cat")
SVC, SVC2 = attrgetter("svc"), attrgetter("svc2")
ORG, ORG2 = attrgetter("org"), attrgetter("org2")
CONSENT, CONSENT_ORG2, CONSENT_Q = attrgetter("c"), attrgetter("c2"), attrgetter("cq")
REF = attrgetter("ref")
A, A2, S, S2 = attrgetter("a"), attrgetter("a2"), attrgetter("s"), attrgetter("s2")
V, ASG = attrgetter("v"), attrgetter("asg")
N, M, AI = attrgetter("n"), attrgetter("m"), attrgetter("ai")
OUTSIDE = attrgetter("outside")


def _build_world(ws) -> SimpleNamespace:
    with ws.uow() as u:
        kappel = lists.districts.create(u, name="Kappel")
        outside = next(d for d in lists.list_districts(u) if d.name == lists.OUTSIDE_NAME)
        cat = next(c for c in lists.list_categories(u) if c.name == "Sucht")
        svcs = {s.name: s.id for s in lists.list_services(u)}
        svc, svc2 = svcs["Schuldnerberatung"], svcs["Suchtberatung"]
        org = partners.create_organisation(u, name="Schuldnerberatung Caritas", service_ids=[svc])
        org2 = partners.create_organisation(u, name="Suchtberatung Stadtmission", service_ids=[svc2])
        p = persons.create_person(u, last_name="Muster", first_name="Erna",
                                  birth_date=dt.date(1970, 1, 2), district_id=kappel.id)
        q = persons.create_person(u, last_name="Beispiel")
        r = requests.create_request(u, person_id=p.id, title="Stromschulden", opened_on=PAST)
        rq = requests.create_request(u, person_id=q.id, title="Wohnung", opened_on=PAST)
        c = partners.record_consent(u, person_id=p.id, organisation_id=org.id,
                                    data_categories=["name"], purpose="Termin", given_on=PAST)
        c2 = partners.record_consent(u, person_id=p.id, organisation_id=org2.id,
                                     data_categories=["name"], purpose="Termin", given_on=PAST)
        cq = partners.record_consent(u, person_id=q.id, organisation_id=org.id,
                                     data_categories=["name"], purpose="Termin", given_on=PAST)
        ref = partners.create_referral(u, person_id=p.id, service_id=svc, organisation_id=org.id,
                                       referred_on=PAST)
        a = activities.create_activity(u, name="Spieleabend")
        a2 = activities.create_activity(u, name="Frühjahrsputz")
        s = activities.create_session(u, activity_id=a.id, date=PAST)
        s2 = activities.create_session(u, activity_id=a2.id, date=PAST)
        activities.add_attendance(u, session_id=s.id, person_id=p.id)
        v = volunteers.create_volunteer(u, person_id=p.id, started_on=dt.date(2024, 1, 1))
        asg = volunteers.create_assignment(u, volunteer_id=v.id, activity_id=a.id, date=PAST, hours=2)
        n = networks.create_network(u, name="Stadtteilrunde Kappel")
        m = networks.create_meeting(u, network_id=n.id, date=PAST)
        networks.add_participant(u, meeting_id=m.id, person_id=p.id)
        networks.add_participant(u, meeting_id=m.id, organisation_id=org.id)
        ai = networks.create_action_item(u, meeting_id=m.id, title="Einladung schreiben")
        mem = networks.add_member(u, network_id=n.id, organisation_id=org.id)
        top = networks.add_agenda_item(u, meeting_id=m.id, title="Begrüßung")
        inq = matching.record_inquiry(u, volunteer_id=v.id, asked_on=PAST, activity_id=a.id)
        photo = ws.path.parent / "fest.jpg"
        photo.write_bytes(b"\xff\xd8 kein echtes Bild")
        att = activities.add_attachment(u, ws.files_dir, photo, activity_id=a.id, description="Fest")
    return SimpleNamespace(
        kappel=kappel.id, outside=outside.id, cat=cat.id, svc=svc, svc2=svc2, org=org.id,
        org2=org2.id, p=p.id, q=q.id, r=r.id, rq=rq.id, c=c.id, c2=c2.id, cq=cq.id, ref=ref.id,
        a=a.id, a2=a2.id, s=s.id, s2=s2.id, v=v.id, asg=asg.id, n=n.id, m=m.id, ai=ai.id, inq=inq.id, att=att.id,
        mem=mem.id, top=top.id,
    )


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    """The small world of records the cases refer to, built once and copied per test."""
    path = tmp_path_factory.mktemp("template") / "kuemmerer.sqlite"
    ws = create_encrypted(path)
    try:
        world = _build_world(ws)
    finally:
        ws.close()  # checkpoints: the whole database is in the one file
    return path, world


@pytest.fixture
def db_path(tmp_path, _template):
    return copy_database(_template[0], tmp_path / "kuemmerer.sqlite")


@pytest.fixture
def ws(db_path):
    """The test's copy of the (encrypted) template, opened with its key."""
    workspace = open_workspace(db_path, key=TEST_KEY)
    yield workspace
    workspace.close()


@pytest.fixture
def w(ws, _template):
    """Ids of the world's records (in the test's own copy of the database)."""
    return _template[1]


# --------------------------------------------------------------------------- rejections

cr_person = persons.create_person
cr_request, cr_contact, cr_tally = (requests.create_request, requests.create_contact,
                                    requests.record_anonymous)
cr_consent, cr_referral = partners.record_consent, partners.create_referral
cr_org = partners.create_organisation
cr_vol, cr_asg = volunteers.create_volunteer, volunteers.create_assignment
cr_act, cr_session, cr_att = (activities.create_activity, activities.create_session,
                              activities.add_attendance)
cr_net, cr_meeting, cr_part, cr_item = (networks.create_network, networks.create_meeting,
                                        networks.add_participant, networks.create_action_item)


def consent(**kw):
    base = dict(person_id=P, organisation_id=ORG, data_categories=["name", "anliegen"],
                purpose="Terminvereinbarung", given_on=PAST)
    return C(cr_consent, **{**base, **kw})


def referral(**kw):
    base = dict(person_id=P, service_id=SVC, organisation_id=ORG, referred_on=PAST)
    return C(cr_referral, **{**base, **kw})


def assignment(**kw):
    base = dict(volunteer_id=V, activity_id=A, date=PAST, hours="1,5")
    return C(cr_asg, **{**base, **kw})


def hours(*items):
    return C(cr_org, name="Neue Beratungsstelle", weekly_hours=list(items))


REJECTED = [
    pytest.param(C(retention.set_years, years=0), "years", id="retention-years-zero"),
    pytest.param(C(retention.set_years, years="drei"), "years", id="retention-years-word"),
    pytest.param(C(retention.erase_due, ids=[]), "ids", id="retention-erase-nothing"),
    pytest.param(C(lock_settings.set_lock_minutes, minutes=241), "lock_minutes", id="lock-minutes-too-many"),
    pytest.param(C(lock_settings.set_lock_minutes, minutes="zehn"), "lock_minutes", id="lock-minutes-word"),
    pytest.param(C(reports.save_text, action_field_id=999999, period=Period.year(2025), text="x"),
                 "action_field_id", id="report-text-unknown-field"),
    pytest.param(C(reports.save_text, action_field_id=1, period=Period.year(2025), text="Bö\x00se"), "text",
                 id="report-text-nul"),
    pytest.param(C(reports.save_text, action_field_id=1, period="2025", text="Text"), "period",
                 id="report-text-no-period"),
    pytest.param(C(lists.add_entry, kind="action_fields", name="Ehrenamt"), "name", id="list-add-action-field-twice"),
    pytest.param(C(lists.add_entry, kind="districts", name="kappel"), "name", id="list-add-duplicate-case"),
    pytest.param(C(lists.add_entry, kind="categories", name="Ka\x00ffee"), "name", id="list-add-nul"),
    pytest.param(C(lists.add_with_streets, kind="districts", name="Hutholz", streets_text="Gut\nBö\x00se"),
                 "streets", id="list-add-bad-street"),
    pytest.param(C(lists.add_districts, names="Hutholz\nKappel"), "districts", id="districts-add-duplicate"),
    pytest.param(C(lists.rename, kind="services", ident=SVC, name=" "), "name", id="list-rename-blank"),
    pytest.param(C(lists.set_order, kind="services", ids=[UNKNOWN_ID]), "order", id="list-order-unknown"),
    pytest.param(C(lists.merge, kind="districts", source_id=KAPPEL, target_id=KAPPEL), "target",
                 id="list-merge-into-itself"),
    pytest.param(C(lists.merge_preview, kind="categories", source_id=CAT, target_id=CAT), "target",
                 id="list-merge-preview-into-itself"),
    pytest.param(C(lists.set_streets, district_id=KAPPEL, text="x" * 151), "streets", id="streets-too-long"),
    pytest.param(C(lists.add_street, district_id=KAPPEL, name="  "), "street", id="street-blank"),
    pytest.param(U(requests.set_status, R, "fertig"), "status", id="set-status-unknown"),
    pytest.param(U(requests.set_follow_up, R, "31.02.2024"), "follow_up_on", id="set-follow-up-no-such-day"),
    pytest.param(U(partners.close_referral, REF, on=BEFORE_PAST), "closed_on", id="close-referral-before-referral"),
    pytest.param(C(partners.save_referral, person_id=P, service_id=SVC, organisation_id=ORG, referred_on=FUTURE),
                 "referred_on", id="save-referral-future"),
    pytest.param(C(desk.record_walk_in, person_id=P, anonymous=True), "person", id="walk-in-named-and-anonymous"),
    pytest.param(C(desk.record_walk_in, person_id=UNKNOWN_ID), "person", id="walk-in-unknown-person"),
    # ---- persons
    pytest.param(C(cr_person, last_name=""), "last_name", id="person-empty-name"),
    pytest.param(C(cr_person, last_name="   "), "last_name", id="person-blank-name"),
    pytest.param(C(cr_person, last_name="x" * 101), "last_name", id="person-name-too-long"),
    pytest.param(C(cr_person, last_name="Neu", birth_date=FUTURE), "birth_date", id="person-birth-future"),
    pytest.param(C(cr_person, last_name="Neu", birth_date="31.02.2024"), "birth_date", id="person-birth-31feb"),
    pytest.param(C(cr_person, last_name="Neu", birth_date="morgen"), "birth_date", id="person-birth-word"),
    pytest.param(C(cr_person, last_name="Neu", birth_date="01.01.1899"), "birth_date", id="person-birth-too-old"),
    pytest.param(C(cr_person, last_name="Neu", email="erna(at)web.de"), "email", id="person-email-no-at"),
    pytest.param(C(cr_person, last_name="Neu", email="erna@web"), "email", id="person-email-no-domain"),
    pytest.param(C(cr_person, last_name="Neu", district_id=UNKNOWN_ID), "district_id", id="person-unknown-district"),
    pytest.param(C(cr_person, last_name="Neu", district_id="Kappel"), "district_id", id="person-district-not-id"),
    pytest.param(C(cr_person, last_name="Neu", gender="female"), "gender", id="person-unknown-gender"),
    pytest.param(C(cr_person, last_name="Neu", postcode="09l26"), "postcode", id="person-postcode-letters"),
    pytest.param(U(persons.update_person, P, last_name=" "), "last_name", id="person-update-blank-name"),
    pytest.param(U(persons.update_person, P, birth_date=FUTURE), "birth_date", id="person-update-birth-future"),
    pytest.param(U(persons.update_person, P, email="kein-mail"), "email", id="person-update-email"),
    # ---- requests (Anliegen)
    pytest.param(C(cr_request, person_id=P, title=""), "title", id="request-empty-title"),
    pytest.param(C(cr_request, person_id=P, title="  \t "), "title", id="request-blank-title"),
    pytest.param(C(cr_request, person_id=None, title="Miete"), "person_id", id="request-no-person"),
    pytest.param(C(cr_request, person_id=UNKNOWN_ID, title="Miete"), "person_id", id="request-unknown-person"),
    pytest.param(C(cr_request, person_id=P, title="Miete", category_id=UNKNOWN_ID), "category_id",
                 id="request-unknown-category"),
    pytest.param(C(cr_request, person_id=P, title="Miete", status="fertig"), "status", id="request-unknown-status"),
    pytest.param(C(cr_request, person_id=P, title="Miete", opened_on=FUTURE), "opened_on", id="request-opened-future"),
    pytest.param(C(cr_request, person_id=P, title="Miete", opened_on="morgen"), "opened_on", id="request-opened-word"),
    pytest.param(C(cr_request, person_id=P, title="Miete", opened_on=PAST, status="erledigt",
                   closed_on=BEFORE_PAST), "closed_on", id="request-closed-before-opened"),
    pytest.param(C(cr_request, person_id=P, title="Miete", status="erledigt", closed_on=FUTURE), "closed_on",
                 id="request-closed-future"),
    pytest.param(C(cr_request, person_id=P, title="Miete", follow_up_on="31.02.2024"), "follow_up_on",
                 id="request-follow-up-31feb"),
    pytest.param(U(requests.update_request, R, status="erledigt", closed_on="04.03.2024"), "closed_on",
                 id="request-update-closed-before-opened"),
    pytest.param(U(requests.update_request, R, person_id=Q), "person_id", id="request-update-other-person"),
    pytest.param(U(requests.update_request, R, title=""), "title", id="request-update-empty-title"),
    # ---- contacts
    pytest.param(C(cr_contact, person_id=P, date=FUTURE), "date", id="contact-future"),
    pytest.param(C(cr_contact, person_id=P, date=None), "date", id="contact-no-date"),
    pytest.param(C(cr_contact, person_id=P, date="31.02.2024"), "date", id="contact-31feb"),
    pytest.param(C(cr_contact, person_id=P, date="morgen"), "date", id="contact-date-word"),
    pytest.param(C(cr_contact, person_id=UNKNOWN_ID, date=PAST), "person_id", id="contact-unknown-person"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, request_id=RQ), "request_id",
                 id="contact-request-of-other-person"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, request_id=UNKNOWN_ID), "request_id",
                 id="contact-unknown-request"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, category_id=UNKNOWN_ID), "category_id",
                 id="contact-unknown-category"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, kind="brieftaube"), "kind", id="contact-unknown-kind"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, duration_minutes=-5), "duration_minutes",
                 id="contact-negative-minutes"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, duration_minutes=1441), "duration_minutes",
                 id="contact-too-many-minutes"),
    pytest.param(C(cr_contact, person_id=P, date=PAST, duration_minutes="zehn"), "duration_minutes",
                 id="contact-minutes-word"),
    pytest.param(C(cr_contact, person_id=P, date=BEFORE_PAST, request_id=R), "date",
                 id="contact-before-its-request"),
    # ---- anonymous tallies (Strichliste)
    pytest.param(C(cr_tally, date=FUTURE), "date", id="tally-future"),
    pytest.param(C(cr_tally, date=None), "date", id="tally-no-date"),
    pytest.param(C(cr_tally, date="31.02.2024"), "date", id="tally-31feb"),
    pytest.param(C(cr_tally, date=PAST, count=0), "count", id="tally-zero-count"),
    pytest.param(C(cr_tally, date=PAST, count=-3), "count", id="tally-negative-count"),
    pytest.param(C(cr_tally, date=PAST, count=1001), "count", id="tally-too-many"),
    pytest.param(C(cr_tally, date=PAST, count="drei"), "count", id="tally-count-word"),
    pytest.param(C(cr_tally, date=PAST, district_id=UNKNOWN_ID), "district_id", id="tally-unknown-district"),
    pytest.param(C(cr_tally, date=PAST, category_id=UNKNOWN_ID), "category_id", id="tally-unknown-category"),
    pytest.param(C(cr_tally, date=PAST, gender="frau"), "gender", id="tally-unknown-gender"),
    pytest.param(C(cr_tally, date=PAST, age_band="40-50"), "age_band", id="tally-unknown-age-band"),
    pytest.param(C(cr_tally, date=PAST, kind="brieftaube"), "kind", id="tally-unknown-kind"),
    # ---- districts, categories, services
    pytest.param(C(lists.districts.create, name=""), "name", id="district-empty"),
    pytest.param(C(lists.districts.create, name="  "), "name", id="district-blank"),
    pytest.param(C(lists.districts.create, name="Kappel"), "name", id="district-duplicate"),
    pytest.param(C(lists.districts.create, name="  Kappel "), "name", id="district-duplicate-padded"),
    pytest.param(C(lists.districts.create, name="Hutholz", kind="stadt"), "kind", id="district-unknown-kind"),
    pytest.param(C(lists.districts.create, name="Hutholz", sort_order="vorne"), "sort_order",
                 id="district-sort-word"),
    pytest.param(U(lists.districts.update, OUTSIDE, name="Kappel"), "name", id="district-update-duplicate"),
    pytest.param(C(lists.categories.create, name=""), "name", id="category-empty"),
    pytest.param(C(lists.categories.create, name="Sucht"), "name", id="category-duplicate"),
    pytest.param(U(lists.categories.update, CAT, name="Sonstiges"), "name", id="category-update-duplicate"),
    pytest.param(C(lists.services.create, name=" "), "name", id="service-blank"),
    pytest.param(C(lists.services.create, name="Schuldnerberatung"), "name", id="service-duplicate"),
    pytest.param(U(lists.services.update, SVC, name="Suchtberatung"), "name", id="service-update-duplicate"),
    # ---- organisations
    pytest.param(C(cr_org, name=""), "name", id="org-empty-name"),
    pytest.param(C(cr_org, name="Schuldnerberatung Caritas"), "name", id="org-duplicate"),
    pytest.param(C(cr_org, name="Neu", kind="firma"), "kind", id="org-unknown-kind"),
    pytest.param(C(cr_org, name="Neu", email="info@"), "email", id="org-bad-email"),
    pytest.param(C(cr_org, name="Neu", service_ids=[UNKNOWN_ID]), "service_ids", id="org-unknown-service"),
    pytest.param(hours((0, "12:00", "09:00")), "weekly_hours", id="org-hours-end-before-start"),
    pytest.param(hours((0, "09:00", "09:00")), "weekly_hours", id="org-hours-end-equals-start"),
    pytest.param(hours((7, "09:00", "12:00")), "weekly_hours", id="org-hours-weekday-7"),
    pytest.param(hours((-1, "09:00", "12:00")), "weekly_hours", id="org-hours-weekday-negative"),
    pytest.param(hours(("Montag", "09:00", "12:00")), "weekly_hours", id="org-hours-weekday-name"),
    pytest.param(hours((0, "neun Uhr", "12:00")), "weekly_hours", id="org-hours-bad-time"),
    pytest.param(hours((0, None, "12:00")), "weekly_hours", id="org-hours-missing-time"),
    pytest.param(hours((0, "09:00")), "weekly_hours", id="org-hours-incomplete"),
    pytest.param(hours("Mo 9-12"), "weekly_hours", id="org-hours-not-a-tuple"),
    pytest.param(C(cr_org, name="Neu", service_ids=["Schuldnerberatung"]), "service_ids",
                 id="org-service-not-an-id"),
    pytest.param(U(partners.update_organisation, ORG, name="Suchtberatung Stadtmission"), "name",
                 id="org-update-duplicate"),
    pytest.param(U(partners.update_organisation, ORG, weekly_hours=[(1, "14:00", "10:00")]), "weekly_hours",
                 id="org-update-bad-hours"),
    pytest.param(U(partners.update_organisation, ORG, service_ids=[SVC, UNKNOWN_ID]), "service_ids",
                 id="org-update-unknown-service"),
    # ---- consents
    pytest.param(consent(person_id=UNKNOWN_ID), "person_id", id="consent-unknown-person"),
    pytest.param(consent(organisation_id=UNKNOWN_ID), "organisation_id", id="consent-unknown-org"),
    pytest.param(consent(organisation_id=None), "organisation_id", id="consent-no-org"),
    pytest.param(consent(data_categories=[]), "data_categories", id="consent-no-data-categories"),
    pytest.param(consent(data_categories=["name", "gesundheit"]), "data_categories",
                 id="consent-unknown-data-category"),
    pytest.param(consent(purpose="  "), "purpose", id="consent-blank-purpose"),
    pytest.param(consent(given_on=FUTURE), "given_on", id="consent-given-future"),
    pytest.param(consent(given_on=None), "given_on", id="consent-no-given-on"),
    pytest.param(consent(given_on="31.02.2024"), "given_on", id="consent-given-31feb"),
    pytest.param(consent(valid_until=BEFORE_PAST), "valid_until", id="consent-valid-until-before-given"),
    pytest.param(consent(withdrawn_on=BEFORE_PAST), "withdrawn_on", id="consent-withdrawn-before-given"),
    pytest.param(consent(withdrawn_on=FUTURE), "withdrawn_on", id="consent-withdrawn-future"),
    pytest.param(U(partners.withdraw_consent, CONSENT, on=BEFORE_PAST), "withdrawn_on",
                 id="consent-withdraw-before-given"),
    pytest.param(U(partners.update_consent, CONSENT, valid_until="01.01.2020"), "valid_until",
                 id="consent-update-valid-until"),
    # ---- referrals (Vermittlungen)
    pytest.param(referral(person_id=UNKNOWN_ID), "person_id", id="referral-unknown-person"),
    pytest.param(referral(service_id=UNKNOWN_ID), "service_id", id="referral-unknown-service"),
    pytest.param(referral(organisation_id=UNKNOWN_ID), "organisation_id", id="referral-unknown-org"),
    pytest.param(referral(service_id=None), "service_id", id="referral-no-service"),
    pytest.param(referral(organisation_id=ORG2), "organisation_id", id="referral-org-without-service"),
    pytest.param(referral(request_id=RQ), "request_id", id="referral-request-of-other-person"),
    pytest.param(referral(consent_id=CONSENT_Q), "consent_id", id="referral-consent-of-other-person"),
    pytest.param(referral(consent_id=CONSENT_ORG2), "consent_id", id="referral-consent-for-other-org"),
    pytest.param(referral(consent_id=UNKNOWN_ID), "consent_id", id="referral-unknown-consent"),
    pytest.param(referral(referred_on=FUTURE), "referred_on", id="referral-future"),
    pytest.param(referral(referred_on="morgen"), "referred_on", id="referral-date-word"),
    pytest.param(referral(outcome="super"), "outcome", id="referral-unknown-outcome"),
    pytest.param(referral(outcome="angekommen", outcome_on=BEFORE_PAST), "outcome_on",
                 id="referral-outcome-before-referral"),
    pytest.param(referral(outcome="angekommen", outcome_on=FUTURE), "outcome_on", id="referral-outcome-future"),
    pytest.param(referral(appointment_at="morgen 10 Uhr"), "appointment_at", id="referral-appointment-text"),
    pytest.param(referral(appointment_at=dt.datetime(9999, 12, 31, 10)), "appointment_at",
                 id="referral-appointment-year-9999"),
    pytest.param(referral(closed_on=BEFORE_PAST), "closed_on", id="referral-closed-before-referral"),
    pytest.param(referral(closed_on=FUTURE), "closed_on", id="referral-closed-future"),
    pytest.param(referral(outcome="angekommen", outcome_on="20.03.2024", closed_on="15.03.2024"), "closed_on",
                 id="referral-closed-before-result"),
    pytest.param(referral(outcome="abgeschlossen"), "outcome", id="referral-closed-is-no-result"),
    pytest.param(U(partners.close_referral, REF, BEFORE_PAST), "closed_on", id="referral-close-before-referral"),
    pytest.param(U(partners.record_outcome, REF, "angekommen", on=BEFORE_PAST), "outcome_on",
                 id="referral-record-outcome-before-referral"),
    pytest.param(U(partners.record_outcome, REF, "weiss nicht"), "outcome", id="referral-record-unknown-outcome"),
    pytest.param(U(partners.update_referral, REF, organisation_id=ORG2), "organisation_id",
                 id="referral-update-org-without-service"),
    # ---- volunteers
    pytest.param(C(cr_vol, person_id=UNKNOWN_ID), "person_id", id="volunteer-unknown-person"),
    pytest.param(C(cr_vol, person_id=None), "person_id", id="volunteer-no-person"),
    pytest.param(C(cr_vol, person_id=P), "person_id", id="volunteer-twice"),
    pytest.param(C(cr_vol, person_id=Q, started_on=PAST, ended_on=BEFORE_PAST), "ended_on",
                 id="volunteer-ended-before-started"),
    pytest.param(C(cr_vol, person_id=Q, started_on="31.02.2024"), "started_on", id="volunteer-started-31feb"),
    pytest.param(C(cr_vol, person_id=Q, clearance_seen_on=FUTURE), "clearance_seen_on",
                 id="volunteer-clearance-seen-future"),
    pytest.param(C(cr_vol, person_id=Q, clearance_issued_on=FUTURE), "clearance_issued_on",
                 id="volunteer-clearance-issued-future"),
    pytest.param(C(cr_vol, person_id=Q, clearance_issued_on=PAST, clearance_seen_on=BEFORE_PAST),
                 "clearance_seen_on", id="volunteer-clearance-seen-before-issued"),
    pytest.param(C(cr_vol, person_id=Q, clearance_relevant_entry=False), "clearance_seen_on",
                 id="volunteer-entry-without-seen-on"),
    pytest.param(C(cr_vol, person_id=Q, tags=[("hobby", "Kochen")]), "tags", id="volunteer-unknown-tag-kind"),
    pytest.param(C(cr_vol, person_id=Q, tags=[("sprache",)]), "tags", id="volunteer-malformed-tag"),
    pytest.param(C(cr_vol, person_id=Q, tags=[("sprache", "x" * 81)]), "tags", id="volunteer-tag-too-long"),
    pytest.param(U(volunteers.update_volunteer, V, ended_on="31.12.2023"), "ended_on",
                 id="volunteer-update-ended-before-started"),
    pytest.param(U(volunteers.update_volunteer, V, tags=[("sprache", "Polnisch"), ("x", "y")]),
                 "tags", id="volunteer-update-bad-tags"),
    # ---- assignments (Einsätze)
    pytest.param(assignment(hours=-1), "hours", id="assignment-negative-hours"),
    pytest.param(assignment(hours="-0,5"), "hours", id="assignment-negative-hours-text"),
    pytest.param(assignment(hours=25), "hours", id="assignment-too-many-hours"),
    pytest.param(assignment(hours="viel"), "hours", id="assignment-hours-word"),
    pytest.param(assignment(hours=None), "hours", id="assignment-no-hours"),
    pytest.param(assignment(hours="__drop__"), "hours", id="assignment-hours-missing"),
    pytest.param(assignment(hours="__drop__", minutes=-30), "hours", id="assignment-negative-minutes"),
    pytest.param(assignment(hours="nan"), "hours", id="assignment-hours-nan"),
    pytest.param(assignment(hours="inf"), "hours", id="assignment-hours-inf"),
    pytest.param(assignment(volunteer_id=UNKNOWN_ID), "volunteer_id", id="assignment-unknown-volunteer"),
    pytest.param(assignment(activity_id=UNKNOWN_ID), "activity_id", id="assignment-unknown-activity"),
    pytest.param(assignment(session_id=UNKNOWN_ID), "session_id", id="assignment-unknown-session"),
    pytest.param(assignment(session_id=S2), "session_id", id="assignment-session-of-other-activity"),
    pytest.param(assignment(date=FUTURE), "date", id="assignment-future"),
    pytest.param(assignment(date="31.02.2024"), "date", id="assignment-31feb"),
    pytest.param(U(volunteers.update_assignment, ASG, hours="-2"), "hours", id="assignment-update-negative"),
    pytest.param(U(volunteers.update_assignment, ASG, hours="24,5"), "hours", id="assignment-update-too-many"),
    # ---- volunteers: status, availability, clearance renewal, inquiries (issue 13)
    pytest.param(C(cr_vol, person_id=Q, status="weg"), "status", id="volunteer-unknown-status"),
    pytest.param(C(cr_vol, person_id=Q, status="beendet"), "ended_on", id="volunteer-ended-without-end-date"),
    pytest.param(C(cr_vol, person_id=Q, availability_slots=1 << 21), "availability_slots",
                 id="volunteer-slots-out-of-grid"),
    pytest.param(C(cr_vol, person_id=Q, availability_slots=[(7, 0)]), "availability_slots",
                 id="volunteer-slot-day-8"),
    pytest.param(C(cr_vol, person_id=Q, availability_slots="Dienstag"), "availability_slots",
                 id="volunteer-slots-text"),
    pytest.param(C(volunteers.set_renewal_years, years=0), "renewal_years", id="renewal-years-zero"),
    pytest.param(C(volunteers.set_renewal_years, years="fünf"), "renewal_years", id="renewal-years-word"),
    pytest.param(C(matching.record_inquiry, volunteer_id=UNKNOWN_ID, asked_on=PAST), "volunteer_id",
                 id="inquiry-unknown-volunteer"),
    pytest.param(C(matching.record_inquiry, volunteer_id=V, asked_on=FUTURE), "asked_on", id="inquiry-future"),
    pytest.param(C(matching.record_inquiry, volunteer_id=V, asked_on=PAST, answer="vielleicht"), "answer",
                 id="inquiry-unknown-answer"),
    pytest.param(C(matching.record_inquiry, volunteer_id=V, asked_on=PAST, activity_id=UNKNOWN_ID),
                 "activity_id", id="inquiry-unknown-activity"),
    pytest.param(U(matching.update_inquiry, attrgetter("inq"), note="x" * 301), "note", id="inquiry-update-long-note"),
    # ---- sessions: head counts, series, sign-in sheet (issue 13)
    pytest.param(U(activities.set_headcounts, S, {("weiblich", "alt"): 2}), "headcounts",
                 id="headcount-unknown-age-band"),
    pytest.param(U(activities.set_headcounts, S, {("weiblich", "u18"): -2}), "headcounts",
                 id="headcount-negative"),
    pytest.param(U(activities.set_headcounts, S, {("weiblich", "u18"): "viele"}), "headcounts",
                 id="headcount-word"),
    pytest.param(C(activities.create_series, activity_id=A, first=PAST, until=BEFORE_PAST), "until",
                 id="series-ends-before-start"),
    pytest.param(C(activities.create_series, activity_id=A, first="01.01.2020", until="31.12.2030"), "until",
                 id="series-too-long"),
    pytest.param(C(activities.create_series, activity_id=A, first=PAST, until=PAST, weekdays=[9]), "weekdays",
                 id="series-weekday-9"),
    pytest.param(C(activities.create_series, activity_id=A, first=PAST, until=PAST, every_weeks=0),
                 "every_weeks", id="series-every-0-weeks"),
    pytest.param(C(activities.create_series, activity_id=A, first=PAST, until=PAST + dt.timedelta(days=14),
                   every_weeks=-1), "every_weeks", id="series-every-minus-1-weeks"),
    pytest.param(C(activities.create_series, activity_id=UNKNOWN_ID, first=PAST, until=PAST), "activity_id",
                 id="series-unknown-activity"),
    pytest.param(C(activities.record_sign_in, session_id=S, entries=[Q, UNKNOWN_ID]), "zeile_2",
                 id="sign-in-unknown-person"),
    pytest.param(C(activities.record_sign_in, session_id=S, entries=[{"last_name": ""}]), "zeile_1",
                 id="sign-in-new-person-without-name"),
    pytest.param(C(activities.record_sign_in, session_id=UNKNOWN_ID, entries=[Q]), "session_id",
                 id="sign-in-unknown-session"),
    pytest.param(C(cr_act, name="Fest", action_field_id=UNKNOWN_ID), "action_field_id",
                 id="activity-unknown-action-field"),
    pytest.param(C(cr_act, name="Fest", funder="x" * 121), "funder", id="activity-funder-too-long"),
    pytest.param(U(activities.update_attachment, attrgetter("att"), publication="vielleicht"), "publication",
                 id="attachment-unknown-publication"),
    pytest.param(U(activities.update_attachment, attrgetter("att"), description="x" * 301), "description",
                 id="attachment-caption-too-long"),
    # ---- activities, sessions, attendance
    pytest.param(C(cr_act, name=""), "name", id="activity-empty-name"),
    pytest.param(C(cr_act, name="Fest", kind="party"), "kind", id="activity-unknown-kind"),
    pytest.param(C(cr_act, name="Fest", district_id=UNKNOWN_ID), "district_id", id="activity-unknown-district"),
    pytest.param(C(cr_act, name="Fest", starts_on=PAST, ends_on=BEFORE_PAST), "ends_on",
                 id="activity-ends-before-starts"),
    pytest.param(C(cr_act, name="Fest", starts_on="bald"), "starts_on", id="activity-starts-word"),
    pytest.param(U(activities.update_activity, A, starts_on="10.03.2024", ends_on="01.03.2024"), "ends_on",
                 id="activity-update-ends-before-starts"),
    pytest.param(C(cr_session, activity_id=UNKNOWN_ID, date=PAST), "activity_id", id="session-unknown-activity"),
    pytest.param(C(cr_session, activity_id=A, date=None), "date", id="session-no-date"),
    pytest.param(C(cr_session, activity_id=A, date="31.02.2024"), "date", id="session-31feb"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, start_time="10:00", end_time="09:00"), "end_time",
                 id="session-end-before-start"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, start_time="10:00", end_time="10:00"), "end_time",
                 id="session-end-equals-start"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, start_time="25:00"), "start_time",
                 id="session-hour-25"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, end_time="halb zehn"), "end_time",
                 id="session-time-words"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, anonymous_count=-1), "anonymous_count",
                 id="session-negative-count"),
    pytest.param(C(cr_session, activity_id=A, date=PAST, anonymous_count="viele"), "anonymous_count",
                 id="session-count-word"),
    pytest.param(U(activities.update_session, S, start_time="18:00", end_time="17:00"), "end_time",
                 id="session-update-end-before-start"),
    pytest.param(C(cr_att, session_id=S, person_id=P), "person_id", id="attendance-twice"),
    pytest.param(C(cr_att, session_id=S, person_id=UNKNOWN_ID), "person_id", id="attendance-unknown-person"),
    pytest.param(C(cr_att, session_id=UNKNOWN_ID, person_id=Q), "session_id", id="attendance-unknown-session"),
    # ---- networks: members, agenda items, action items from a minute line (issue 14)
    pytest.param(C(networks.add_member, network_id=N, person_id=None), "person_id", id="member-nobody"),
    pytest.param(C(networks.add_member, network_id=N, person_id=P, organisation_id=ORG), "person_id",
                 id="member-person-and-organisation"),
    pytest.param(C(networks.add_member, network_id=UNKNOWN_ID, person_id=P), "network_id",
                 id="member-unknown-network"),
    pytest.param(C(networks.add_member, network_id=N, person_id=P, role="x" * 121), "role", id="member-role-too-long"),
    pytest.param(U(networks.update_member, attrgetter("mem"), person_id=UNKNOWN_ID), "person_id",
                 id="member-update-unknown-person"),
    pytest.param(C(networks.add_agenda_item, meeting_id=M, title=" "), "title", id="agenda-item-blank"),
    pytest.param(C(networks.add_agenda_item, meeting_id=M, title="TOP", position=0), "position",
                 id="agenda-item-position-0"),
    pytest.param(C(networks.add_agenda_item, meeting_id=UNKNOWN_ID, title="TOP"), "meeting_id",
                 id="agenda-item-unknown-meeting"),
    pytest.param(U(networks.update_agenda_item, attrgetter("top"), decision="x" * 20001), "decision",
                 id="agenda-item-update-decision-too-long"),
    pytest.param(U(networks.create_action_item_from_minutes, attrgetter("top"), title=""), "title",
                 id="action-item-from-minutes-no-title"),
    pytest.param(U(networks.create_action_item_from_minutes, lambda w: UNKNOWN_ID, title="Flyer"), "agenda_item_id",
                 id="action-item-from-unknown-minutes"),
    pytest.param(C(networks.save_meeting, meeting_id=None, network_id=N, values={"date": PAST},
                   points=[{"title": "Begrüßung"}], participants=[{"person_id": Q, "attended": True}],
                   actions=[{"title": "Flyer", "point": 0, "due_on": BEFORE_PAST}]),
                 "actions.0.due_on", id="meeting-save-action-due-before-meeting"),
    pytest.param(U(networks.save_meeting, M, network_id=N, values={"location": "Bürgerhaus"},
                   points=[{"id": attrgetter("top"), "title": " "}]),
                 "points.0.title", id="meeting-save-blank-point"),
    # ---- networks, meetings, participants, action items
    pytest.param(C(cr_net, name=""), "name", id="network-empty-name"),
    pytest.param(C(cr_net, name="Stadtteilrunde Kappel"), "name", id="network-duplicate"),
    pytest.param(C(cr_net, name="AK Neu", kind="verein"), "kind", id="network-unknown-kind"),
    pytest.param(C(cr_meeting, network_id=UNKNOWN_ID, date=PAST), "network_id", id="meeting-unknown-network"),
    pytest.param(C(cr_meeting, network_id=N, date=None), "date", id="meeting-no-date"),
    pytest.param(C(cr_meeting, network_id=N, date="bald"), "date", id="meeting-date-word"),
    pytest.param(C(cr_meeting, network_id=N, date=PAST, start_time="18:00", end_time="16:00"), "end_time",
                 id="meeting-end-before-start"),
    pytest.param(C(cr_meeting, network_id=N, date=PAST, start_time="18:00", end_time="18:00"), "end_time",
                 id="meeting-end-equals-start"),
    pytest.param(C(cr_meeting, network_id=N, date=PAST, start_time="halb zehn"), "start_time",
                 id="meeting-time-words"),
    pytest.param(U(networks.update_meeting, M, start_time="18:00", end_time="9:00"), "end_time",
                 id="meeting-update-end-before-start"),
    pytest.param(C(cr_part, meeting_id=M), "person_id", id="participant-neither"),
    pytest.param(C(cr_part, meeting_id=M, person_id=Q, organisation_id=ORG2), "person_id",
                 id="participant-both"),
    pytest.param(C(cr_part, meeting_id=M, person_id=P), "person_id", id="participant-person-twice"),
    pytest.param(C(cr_part, meeting_id=M, organisation_id=ORG), "organisation_id", id="participant-org-twice"),
    pytest.param(C(cr_part, meeting_id=UNKNOWN_ID, person_id=Q), "meeting_id", id="participant-unknown-meeting"),
    pytest.param(C(cr_part, meeting_id=M, person_id=UNKNOWN_ID), "person_id", id="participant-unknown-person"),
    pytest.param(C(cr_part, meeting_id=M, organisation_id=UNKNOWN_ID), "organisation_id",
                 id="participant-unknown-org"),
    pytest.param(C(cr_item, title=""), "title", id="action-item-empty-title"),
    pytest.param(C(cr_item, title="X", meeting_id=UNKNOWN_ID), "meeting_id", id="action-item-unknown-meeting"),
    pytest.param(C(cr_item, title="X", owner_person_id=UNKNOWN_ID), "owner_person_id",
                 id="action-item-unknown-person"),
    pytest.param(C(cr_item, title="X", owner_organisation_id=UNKNOWN_ID), "owner_organisation_id",
                 id="action-item-unknown-org"),
    pytest.param(C(cr_item, title="X", meeting_id=M, due_on=BEFORE_PAST), "due_on",
                 id="action-item-due-before-meeting"),
    pytest.param(C(cr_item, title="X", due_on="bald"), "due_on", id="action-item-due-word"),
    pytest.param(C(cr_item, title="X", done_on=FUTURE), "done_on", id="action-item-done-future"),
    pytest.param(C(cr_item, title="X", meeting_id=M, done_on=BEFORE_PAST), "done_on",
                 id="action-item-done-before-meeting"),
    pytest.param(U(networks.update_action_item, AI, title="  "), "title", id="action-item-update-blank"),
    pytest.param(U(networks.complete_action_item, AI, on=FUTURE), "done_on", id="action-item-complete-future"),
    # ---- settings
    pytest.param(C(settings.set_letterhead, office_name=""), "office_name", id="letterhead-no-office"),
    pytest.param(C(settings.set_letterhead, office_name="   "), "office_name", id="letterhead-blank-office"),
    pytest.param(C(settings.set_letterhead, office_name="Stadtteilbüro", email="buero@"), "email",
                 id="letterhead-bad-email"),
    pytest.param(C(settings.set_letterhead, office_name="Stadtteilbüro", phone="1" * 301), "phone",
                 id="letterhead-too-long"),
    pytest.param(C(settings.set_counting_rules, count_attendance=True, suppress_below=-1), "suppress_below",
                 id="counting-negative"),
    pytest.param(C(settings.set_counting_rules, count_attendance=True, suppress_below=101), "suppress_below",
                 id="counting-too-high"),
    pytest.param(C(settings.set_counting_rules, count_attendance=True, suppress_below="fünf"),
                 "suppress_below", id="counting-word"),
    pytest.param(C(settings.set_counting_rules, count_attendance=False, suppress_below=None),
                 "suppress_below", id="counting-missing"),
]


@pytest.mark.parametrize(("make_call", "field"), REJECTED)
def test_bad_input_is_rejected_in_german_and_nothing_is_written(ws, uow, w, make_call, field):
    fn, args, kwargs = make_call(w)
    kwargs = {k: v for k, v in kwargs.items() if v != "__drop__"}
    before = snapshot(ws)
    with pytest.raises(ValidationError) as info:
        fn(uow, *args, **kwargs)
    uow.rollback()
    errors = info.value.errors
    assert field in errors, errors
    for message in errors.values():
        assert_german(message)
    assert snapshot(ws) == before


WRITE_VERBS = re.compile(r"^(create|update|record|add|set|withdraw|complete|save|close|reopen|move|merge|"
                         r"rename|undo|change|import|erase)(_|$)")
# writers that take no value a user types (only ids, or program-internal values), each with the reason
NO_USER_INPUT = {
    "importing.import_persons": "writes a Preview that preview_persons built from her file (its rows are validated "
                                "there); takes the workspace for the backup first; tested in test_import_preview",
    "importing.undo_import": "takes an id from the import history; its refusals are tested in test_import_preview",
    "importing.undo_import_after_backup": "undo_import after a backup; refusals tested in test_cli_import",
    "maintenance.create_backup": "a folder chosen in a file dialog; tested in test_backup",
    "maintenance.record_restore": "records that a restore happened; no user values",
    "partners.reopen_referral": "takes only the referral id",
    "settings.set_value": "program-internal key/value store under set_letterhead/set_counting_rules",
    "activities.add_attachment": "a file picked in a dialog; its rejections are tested in test_attachments",
    "lists.set_active": "takes an id and a yes/no from a button; tested in test_lists",
    "lists.move": "takes an id and a step from a button; tested in test_lists",
    "desk.undo_walk_in": "takes what the quick capture returned; its refusals are tested in test_records",
    "volunteers.erase_expired_clearances": "a retention job over a date; tested in test_uow_errors",
    "exports.save_jahresstatistik": "writes to a file chosen in a save dialog or given as --out (the CLI checks it "
                                    "first); a period from the picker; refusals tested in test_cli_export and "
                                    "test_xlsx_export",
    "reports.record_sachbericht": "archives a Sachbericht the program just drew (refuses anything else); "
                                  "tested in test_sachbericht",
    "encryption.create": "a password and a key from the first-start dialog, no record fields; weak passwords, "
                         "a taken path and a failed creation (nothing left behind) are tested in test_encryption",
    "encryption.change_password": "passwords only; wrong old, weak new and a differing repetition are rejected "
                                  "before anything is written: tested in test_encryption",
    "archive.record_issued": "keeps a report the program just generated (figures, bytes, a generated name); "
                             "tested in test_archive",
}


def _service_writers() -> dict[str, object]:
    """Every public write function of every service module, found by its verb (not a hand-kept list)."""
    import importlib
    import pkgutil

    import kuemmerer.services as package

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in {"demo"}:  # a fixture factory, not a use case
            continue
        module = importlib.import_module(f"kuemmerer.services.{info.name}")
        for name, obj in vars(module).items():
            if callable(obj) and WRITE_VERBS.match(name):
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_service_write_function_has_a_rejection_case():
    """A new write function without a case in REJECTED (or UPDATE_REJECTED) fails here."""
    world = SimpleNamespace(**dict.fromkeys(
        ["kappel", "outside", "cat", "svc", "svc2", "org", "org2", "p", "q", "r", "rq", "c", "c2", "cq",
         "ref", "a", "a2", "s", "s2", "v", "asg", "n", "m", "ai", "inq", "att", "mem", "top"], 1))
    exercised = {param.values[0](world)[0] for param in REJECTED}
    writers = _service_writers()
    assert len(writers) > 40  # the discovery itself works
    # the update functions not listed in REJECTED share their validator with the create
    # function and are exercised by UPDATE_REJECTED below
    covered_by_update_tests = {requests.update_contact, requests.update_anonymous, networks.update_network,
                               requests.move_contact}
    missing = {name for name, fn in writers.items()
               if fn not in exercised and fn not in covered_by_update_tests and name not in NO_USER_INPUT}
    assert missing == set()
    assert set(NO_USER_INPUT) <= set(writers), "exemptions for writers that no longer exist"


UPDATE_REJECTED = [
    pytest.param("contact-move", dict(person_id=UNKNOWN_ID), "person_id", id="contact-move-unknown-person"),
    pytest.param("contact-move", dict(person_id=None), "person_id", id="contact-move-nobody"),
    pytest.param("contact-move", dict(person_id="P", date=FUTURE), "date", id="contact-move-future"),
    pytest.param("contact", dict(date=FUTURE), "date", id="contact-update-future"),
    pytest.param("contact", dict(duration_minutes=-1), "duration_minutes", id="contact-update-negative"),
    pytest.param("contact", dict(request_id="rq"), "request_id", id="contact-update-other-request"),
    pytest.param("tally", dict(count=0), "count", id="tally-update-zero"),
    pytest.param("tally", dict(age_band="alt"), "age_band", id="tally-update-age-band"),
    pytest.param("network", dict(name="Gewerbestammtisch"), "name", id="network-update-duplicate"),
    pytest.param("network", dict(name=" "), "name", id="network-update-blank"),
]


@pytest.mark.parametrize(("what", "changes", "field"), UPDATE_REJECTED)
def test_updates_of_contacts_tallies_networks_are_validated(ws, uow, w, what, changes, field):
    with ws.uow() as u:
        if what in ("contact", "contact-move"):
            ident = requests.create_contact(u, person_id=w.p, request_id=w.r, date=PAST).id
            update = requests.update_contact if what == "contact" else requests.move_contact
        elif what == "tally":
            ident = requests.record_anonymous(u, date=PAST, count=2).id
            update = requests.update_anonymous
        else:
            networks.create_network(u, name="Gewerbestammtisch")
            ident = w.n
            update = networks.update_network
    changes = {k: {"rq": w.rq, "P": w.q}.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = snapshot(ws)
    with pytest.raises(ValidationError) as info:
        update(uow, ident, **changes)
    uow.rollback()
    assert field in info.value.errors, info.value.errors
    assert_german(info.value.errors[field])
    assert snapshot(ws) == before


def test_unknown_field_names_are_a_programming_error(uow, w):
    with pytest.raises(TypeError):
        persons.create_person(uow, last_name="Neu", nachname="Neu")
    with pytest.raises(TypeError):
        settings.set_letterhead(uow, office_name="Büro", fax="123")


# --------------------------------------------------------------------------- good paths


def test_person_german_date_and_round_trip(ws, uow, w):
    dto = persons.create_person(uow, last_name="  Yılmaz ", first_name="Ayşe", birth_date="05.03.1980",
                                gender="weiblich", district_id=w.kappel, postcode="09126",
                                email="ayse@example.de")
    assert dto.last_name == "Yılmaz"  # trimmed
    assert dto.birth_date == dt.date(1980, 3, 5)
    assert read(ws, persons.get_person, dto.id) == dto
    with ws.uow(read_only=True) as u:
        raw = u.session.execute(text("SELECT birth_date FROM persons WHERE id = :i"), {"i": dto.id}).scalar()
    assert raw == "1980-03-05"


def test_person_update_keeps_unchanged_fields(ws, uow, w):
    before = read(ws, persons.get_person, w.p)
    after = persons.update_person(uow, w.p, phone="0371 123456")
    assert after.phone == "0371 123456"
    assert after == read(ws, persons.get_person, w.p)
    assert {k: v for k, v in vars(after).items() if k != "phone"} == \
        {k: v for k, v in vars(before).items() if k != "phone"}


def test_gender_accepts_label_and_value(uow):
    assert persons.create_person(uow, last_name="A", gender="männlich").gender == "maennlich"
    assert persons.create_person(uow, last_name="B", gender="maennlich").gender == "maennlich"


def test_closing_a_request_sets_closed_on_and_clears_follow_up(ws, uow, w):
    dto = requests.set_follow_up(uow, w.r, "01.04.2024", "Anrufen")
    assert (dto.follow_up_on, dto.follow_up_note) == (dt.date(2024, 4, 1), "Anrufen")
    closed = requests.set_status(uow, w.r, RequestStatus.DONE)
    assert closed.status == "erledigt"
    assert closed.closed_on == TODAY
    assert closed.follow_up_on is None and closed.follow_up_note is None
    assert read(ws, requests.get_request, w.r) == closed
    assert closed.title == "Stromschulden" and closed.opened_on == PAST  # unchanged
    reopened = requests.set_status(uow, w.r, "in Bearbeitung")  # the German label works too
    assert reopened.status == "in_bearbeitung" and reopened.closed_on is None
    assert read(ws, requests.get_request, w.r) == reopened


def test_request_closed_with_explicit_date_and_default_opened_on(ws, uow, w):
    dto = requests.create_request(uow, person_id=w.p, title="Antrag", status="abgebrochen",
                                  opened_on="01.03.2024", closed_on="2024-03-02")
    assert (dto.opened_on, dto.closed_on) == (dt.date(2024, 3, 1), dt.date(2024, 3, 2))
    fresh = requests.create_request(uow, person_id=w.p, title="Neu")
    assert fresh.opened_on == TODAY and fresh.status == "offen" and fresh.closed_on is None
    assert read(ws, requests.get_request, dto.id) == dto


def test_contact_takes_category_from_its_request(ws, uow, w):
    requests.update_request(uow, w.r, category_id=w.cat)
    dto = requests.create_contact(uow, person_id=w.p, request_id=w.r, date="05.03.2024",
                                  kind="Telefon", duration_minutes="30")
    assert (dto.category_id, dto.date, dto.kind, dto.duration_minutes) == (w.cat, PAST, "telefon", 30)
    assert read(ws, requests.list_contacts, request_id=w.r) == [dto]
    updated = requests.update_contact(uow, dto.id, note="Rückruf")
    assert updated.duration_minutes == 30 and updated.note == "Rückruf"


def test_anonymous_tally(ws, uow, w):
    before = count(ws, "anonymous_tallies")
    dto = requests.record_anonymous(uow, date="05.03.2024", count="3", age_band="65 und älter",
                                    district_id=w.kappel)
    assert (dto.date, dto.count, dto.age_band, dto.gender) == (PAST, 3, "65plus", "keine_angabe")
    assert count(ws, "anonymous_tallies") == before + 1
    assert requests.update_anonymous(uow, dto.id, count=4).age_band == "65plus"


def test_lists_trim_and_allow_renaming_to_itself(ws, uow, w):
    d = lists.districts.create(uow, name="  Hutholz  ")
    assert d.name == "Hutholz" and d.kind == "gebiet"
    assert lists.districts.update(uow, d.id, name="Hutholz", sort_order="3").sort_order == 3
    assert read(ws, lists.districts.get, d.id).sort_order == 3
    cat = lists.categories.update(uow, w.cat, active=False)
    assert cat.active is False and cat.name == "Sucht"


def test_assignment_hours_are_stored_as_minutes(ws, uow, w):
    dto = volunteers.create_assignment(uow, volunteer_id=w.v, activity_id=w.a, date="05.03.2024",
                                       hours="1,5")
    assert dto.minutes == 90 and dto.hours == 1.5
    assert volunteers.create_assignment(uow, volunteer_id=w.v, activity_id=w.a, date=PAST,
                                        minutes=45).minutes == 45
    assert volunteers.create_assignment(uow, volunteer_id=w.v, activity_id=w.a, date=PAST,
                                        hours=0).minutes == 0
    # a session's date is taken when none is given
    s = volunteers.create_assignment(uow, volunteer_id=w.v, activity_id=w.a, session_id=w.s, hours="2")
    assert (s.date, s.minutes) == (PAST, 120)
    stored = {a.id: a.minutes for a in read(ws, volunteers.list_assignments, w.v)}
    assert stored[dto.id] == 90 and stored[s.id] == 120
    # updating something else keeps the minutes
    assert volunteers.update_assignment(uow, dto.id, role="Aufbau").minutes == 90
    assert volunteers.update_assignment(uow, dto.id, hours="0,25").minutes == 15


def test_new_referral_gets_a_follow_up_and_an_outcome_clears_it(ws, uow, w):
    dto = partners.create_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                   consent_id=w.c, request_id=w.r, referred_on="05.03.2024")
    assert dto.referred_on == PAST
    assert dto.follow_up_on == PAST + dt.timedelta(days=14)
    assert dto.outcome == "vermittelt" and dto.outcome_on is None
    assert read(ws, partners.get_referral, dto.id) == dto
    done = partners.record_outcome(uow, dto.id, ReferralOutcome.ARRIVED, on="12.03.2024", note="ok")
    assert done.outcome == "angekommen" and done.outcome_on == dt.date(2024, 3, 12)
    assert done.follow_up_on is None
    assert (done.consent_id, done.request_id, done.referred_on) == (w.c, w.r, PAST)  # kept
    assert read(ws, partners.get_referral, dto.id) == done


def test_closing_keeps_the_result_and_ends_the_follow_up(ws, uow, w):
    dto = partners.create_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                   referred_on=PAST)
    partners.record_outcome(uow, dto.id, "angekommen", on="12.03.2024", note="Erstgespräch war gut")
    closed = partners.close_referral(uow, dto.id, "30.04.2024")
    assert (closed.outcome, closed.outcome_on, closed.closed_on) == ("angekommen", dt.date(2024, 3, 12),
                                                                     dt.date(2024, 4, 30))
    assert closed.outcome_note == "Erstgespräch war gut" and closed.follow_up_on is None
    assert closed.state_label == "abgeschlossen (angekommen)"
    assert read(ws, partners.get_referral, dto.id) == closed
    reopened = partners.reopen_referral(uow, dto.id)
    assert reopened.closed_on is None and reopened.state_label == "angekommen"
    # closed straight from "vermittelt": no question left, no result invented
    other = partners.create_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                     referred_on=PAST)
    ended = partners.close_referral(uow, other.id)
    assert (ended.outcome, ended.closed_on, ended.follow_up_on) == ("vermittelt", TODAY, None)
    assert ended.state_label == "abgeschlossen"


def test_referral_follow_up_follows_the_setting(uow, w):
    settings.set_value(uow, "referrals.follow_up_days", 7)
    dto = partners.create_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                   referred_on=PAST)
    assert dto.follow_up_on == PAST + dt.timedelta(days=7)
    explicit = partners.create_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                        referred_on=PAST, follow_up_on="20.03.2024")
    assert explicit.follow_up_on == dt.date(2024, 3, 20)
    assert partners.record_outcome(uow, explicit.id, "nicht wahrgenommen").outcome_on == TODAY


def test_withdrawn_consent_is_no_longer_valid(ws, uow, w):
    assert partners.valid_consent(uow, w.p, w.org).id == w.c
    dto = partners.withdraw_consent(uow, w.c)
    assert dto.withdrawn_on == TODAY
    assert dto.purpose == "Termin" and dto.given_on == PAST  # kept
    assert read(ws, partners.get_consent, w.c) == dto
    assert read(ws, partners.valid_consent, w.p, w.org) is None
    assert read(ws, partners.valid_consent, w.p, w.org, on=PAST) is not None  # valid back then


def test_consent_round_trip(ws, uow, w):
    dto = partners.record_consent(uow, person_id=w.q, organisation_id=w.org2,
                                  data_categories="name,Geburtsdatum", purpose=" Anmeldung ",
                                  given_on="05.03.2024", valid_until="05.03.2025")
    assert dto.data_categories == ("name", "geburtsdatum")
    assert dto.purpose == "Anmeldung"
    assert (dto.given_on, dto.valid_until) == (PAST, dt.date(2025, 3, 5))
    assert read(ws, partners.get_consent, dto.id) == dto
    assert partners.valid_consent(uow, w.q, w.org2, on=dt.date(2025, 3, 6)) is None


def test_organisation_with_services_and_weekly_hours(ws, uow, w):
    dto = partners.create_organisation(uow, name="Migrationsberatung AWO", kind="Beratungsstelle",
                                       service_ids=[w.svc2, w.svc],
                                       weekly_hours=[(2, "13:00", "16:00"), (0, "9:00", "12.30 Uhr", "offen")])
    assert dto.kind == "beratungsstelle"
    assert dto.service_ids == tuple(sorted((w.svc, w.svc2)))
    stored = read(ws, partners.get_organisation, dto.id)
    assert [(h.weekday, h.opens, h.closes, h.note) for h in stored.weekly_hours] == [
        (0, dt.time(9), dt.time(12, 30), "offen"), (2, dt.time(13), dt.time(16), None)]
    assert set(dto.weekly_hours) == set(stored.weekly_hours)  # order: see the xfail below
    dto = stored
    # an update that does not pass services or hours keeps them
    renamed = partners.update_organisation(uow, dto.id, phone="0371 1")
    assert renamed.service_ids == dto.service_ids and renamed.weekly_hours == dto.weekly_hours
    cleared = partners.update_organisation(uow, dto.id, service_ids=[], weekly_hours=[])
    assert cleared.service_ids == () and cleared.weekly_hours == ()
    assert read(ws, partners.get_organisation, dto.id) == cleared
    assert count(ws, "opening_hours") == 0


def test_volunteer_tags_are_shared_and_kept(ws, uow, w):
    dto = volunteers.create_volunteer(uow, person_id=w.q, started_on="05.03.2024",
                                      tags=[("sprache", "Arabisch"), ("faehigkeit", " Kochen "),
                                            ("interesse", "")])
    assert dto.started_on == PAST
    assert dto.tags == (("faehigkeit", "Kochen"), ("sprache", "Arabisch"))
    volunteers.update_volunteer(uow, w.v, tags=[("sprache", "Arabisch")])
    assert count(ws, "tags") == 2  # "Arabisch" is one tag for both
    kept = volunteers.update_volunteer(uow, dto.id, availability="abends")
    assert kept.tags == dto.tags and kept.started_on == PAST
    assert read(ws, volunteers.get_volunteer, dto.id) == kept
    ok = volunteers.update_volunteer(uow, dto.id, clearance_issued_on="01.03.2024",
                                     clearance_seen_on=PAST, clearance_relevant_entry=False)
    assert (ok.clearance_issued_on, ok.clearance_seen_on, ok.clearance_relevant_entry) == \
        (dt.date(2024, 3, 1), PAST, False)


def test_activity_session_attendance(ws, uow, w):
    act = activities.create_activity(uow, name="Café international", kind="offener Treff/Gruppe",
                                     starts_on="01.03.2024", ends_on="01.03.2024", district_id=w.kappel)
    assert (act.kind, act.starts_on, act.ends_on) == ("gruppe", dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    ses = activities.create_session(uow, activity_id=act.id, date="05.03.2024", start_time="9:30",
                                    end_time="11.00 Uhr", anonymous_count="4")
    assert (ses.date, ses.start_time, ses.end_time, ses.anonymous_count) == (
        PAST, dt.time(9, 30), dt.time(11), 4)
    assert read(ws, activities.get_session, ses.id) == ses
    att = activities.add_attendance(uow, session_id=ses.id, person_id=w.p)
    assert read(ws, activities.list_attendance, ses.id) == [att]
    assert activities.update_session(uow, ses.id, note="Regen").start_time == dt.time(9, 30)
    assert activities.update_activity(uow, act.id, location="Treff").ends_on == dt.date(2024, 3, 1)


def test_network_meeting_participants_action_items(ws, uow, w):
    net = networks.create_network(uow, name="Gewerbestammtisch", kind="Gewerbestammtisch")
    assert net.kind == "gewerbestammtisch"
    meet = networks.create_meeting(uow, network_id=net.id, date="05.03.2024", start_time="18:00",
                                   end_time="19:30")
    assert (meet.date, meet.start_time, meet.end_time) == (PAST, dt.time(18), dt.time(19, 30))
    part = networks.add_participant(uow, meeting_id=meet.id, organisation_id=w.org, attended=False)
    assert (part.person_id, part.organisation_id, part.attended) == (None, w.org, False)
    # the same person may sit in two meetings
    networks.add_participant(uow, meeting_id=meet.id, person_id=w.p)
    item = networks.create_action_item(uow, meeting_id=meet.id, title="Flyer", owner_person_id=w.p,
                                       due_on="05.03.2024")
    assert item.due_on == PAST
    done = networks.complete_action_item(uow, item.id)
    assert done.done_on == TODAY and done.title == "Flyer" and done.owner_person_id == w.p
    assert read(ws, networks.list_action_items, meet.id) == [done]
    assert read(ws, networks.list_participants, meet.id)[0] == part


def test_settings_round_trip(ws, uow):
    lh = settings.set_letterhead(uow, office_name=" Stadtteilbüro Kappel ", email="buero@example.de")
    assert lh.office_name == "Stadtteilbüro Kappel" and lh.street == ""
    assert read(ws, settings.get_letterhead) == lh
    rules = settings.set_counting_rules(uow, count_attendance=False, suppress_below="3")
    assert (rules.count_attendance, rules.suppress_below) == (False, 3)
    assert read(ws, settings.get_counting_rules) == rules


# --------------------------------------------------------------------------- regressions
# Each of these failed against the first version of the services (found while writing
# this file): malformed entries crashed with IndexError/ValueError, repeated ids or tags
# reached the UNIQUE keys and came back as a field-less error, "nan" hours crashed,
# an outcome could not be recorded once the partner dropped the service, and the DTO
# returned by create_organisation listed opening hours in input order.


def _rejects_on_field_or_dedupes(call, field, check_ok):
    try:
        result = call()
    except ValidationError as exc:
        errors = exc.errors
    else:
        assert check_ok(result), result
        return
    assert field in errors, errors
    assert_german(errors[field])


def test_incomplete_weekly_hours_entry_is_a_validation_error(uow, w):
    with pytest.raises(ValidationError) as info:
        partners.create_organisation(uow, name="Neu", weekly_hours=[(0, "09:00")])
    assert "weekly_hours" in info.value.errors


def test_non_numeric_service_id_is_a_validation_error(uow, w):
    with pytest.raises(ValidationError) as info:
        partners.create_organisation(uow, name="Neu", service_ids=["Schuldnerberatung"])
    assert "service_ids" in info.value.errors


def test_duplicate_service_ids_are_deduplicated_or_named(uow, w):
    _rejects_on_field_or_dedupes(
        lambda: partners.create_organisation(uow, name="Neu", service_ids=[w.svc, w.svc]),
        "service_ids", lambda dto: dto.service_ids == (w.svc,))


def test_repeated_new_tag_in_one_call_is_deduplicated(uow, w):
    _rejects_on_field_or_dedupes(
        lambda: volunteers.create_volunteer(uow, person_id=w.q,
                                            tags=[("sprache", "Tigrinya"), ("sprache", " Tigrinya")]),
        "tags", lambda dto: dto.tags == (("sprache", "Tigrinya"),))


def test_malformed_tag_entry_is_a_validation_error(uow, w):
    with pytest.raises(ValidationError) as info:
        volunteers.create_volunteer(uow, person_id=w.q, tags=[("sprache",)])
    assert "tags" in info.value.errors


def test_nan_hours_are_a_validation_error(uow, w):
    with pytest.raises(ValidationError) as info:
        volunteers.create_assignment(uow, volunteer_id=w.v, activity_id=w.a, date=PAST, hours="nan")
    assert "hours" in info.value.errors


def test_outcome_can_be_recorded_after_partner_drops_the_service(ws, uow, w):
    partners.update_organisation(uow, w.org, service_ids=[w.svc2])
    dto = partners.record_outcome(uow, w.ref, "angekommen", on=PAST)
    assert dto.outcome == "angekommen"


def test_returned_weekly_hours_are_in_stored_order(ws, uow, w):
    dto = partners.create_organisation(uow, name="Neu", weekly_hours=[(2, "13:00", "16:00"),
                                                                      (0, "09:00", "12:00")])
    assert dto == read(ws, partners.get_organisation, dto.id)


def test_save_referral_writes_referral_and_consent_together_or_neither(ws, uow, w):
    good_consent = {"data_categories": ["name"], "purpose": "Termin", "given_on": PAST}
    before = (len(read(ws, partners.list_referrals, w.p)), len(read(ws, partners.list_consents, w.p)))
    # the consent is bad: neither is written, its errors carry the prefix
    with pytest.raises(ValidationError) as exc:
        partners.save_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                               consent={**good_consent, "data_categories": []})
    assert set(exc.value.errors) == {"consent_data_categories"}
    # the referral is bad: the good consent is not written either
    with pytest.raises(ValidationError) as exc:
        partners.save_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                               referred_on=FUTURE, consent=good_consent)
    assert set(exc.value.errors) == {"referred_on"}
    assert (len(read(ws, partners.list_referrals, w.p)), len(read(ws, partners.list_consents, w.p))) == before
    saved = partners.save_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org,
                                   consent=good_consent)
    consent = read(ws, partners.get_consent, saved.consent_id)
    assert (consent.person_id, consent.organisation_id, consent.data_categories) == (w.p, w.org, ("name",))
    assert read(ws, partners.get_referral, saved.id) == saved


def test_save_referral_links_the_consent_on_file_and_drops_it_when_the_partner_changes(ws, uow, w):
    on_file = partners.valid_consent(uow, w.p, w.org)
    assert on_file is not None
    saved = partners.save_referral(uow, person_id=w.p, service_id=w.svc, organisation_id=w.org)
    assert saved.consent_id == on_file.id
    other = partners.create_organisation(uow, name="Zweite Stelle", service_ids=[w.svc])
    moved = partners.save_referral(uow, saved.id, organisation_id=other.id)
    assert (moved.organisation_id, moved.consent_id) == (other.id, None)  # a consent names its recipient
    assert read(ws, partners.get_referral, saved.id) == moved

"""The database enforces its rules itself, even when the services' validation is bypassed.

Raw SQL (and a few ORM objects) write rows that break one rule each: every CHECK, NOT
NULL, UNIQUE and FOREIGN KEY constraint of the live schema must answer with an
``IntegrityError``. Coverage tests list the constraints of the live schema, so a new
constraint without a case here fails.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import Integer, text
from sqlalchemy.exc import IntegrityError

from kuemmerer.db.models import (
    Attachment,
    Base,
    District,
    MeetingParticipant,
    Person,
    Session,
    Tag,
)
from kuemmerer.services import activities, lists, networks, partners, persons, requests, settings, volunteers
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, copy_database, create_encrypted

DAY = "2024-03-05"
DAY_BEFORE = "2024-03-04"
NO_SUCH_ID = 999999
T = "{:02d}:00:00.000000".format  # how SQLAlchemy stores a Time in SQLite


# --------------------------------------------------------------------------- a world to refer to


def _build_world(ws) -> SimpleNamespace:
    with ws.uow() as u:
        kappel = lists.districts.create(u, name="Kappel")
        svcs = {s.name: s.id for s in lists.list_services(u)}
        svc, svc2 = svcs["Schuldnerberatung"], svcs["Suchtberatung"]
        org = partners.create_organisation(u, name="Schuldnerberatung Caritas", service_ids=[svc],
                                           weekly_hours=[(0, "09:00", "12:00")])
        p = persons.create_person(u, last_name="Muster", district_id=kappel.id)
        q = persons.create_person(u, last_name="Beispiel")
        r = requests.create_request(u, person_id=p.id, title="Miete", opened_on=DAY)
        c = partners.record_consent(u, person_id=p.id, organisation_id=org.id, data_categories=["name"],
                                    purpose="Termin", given_on=DAY)
        partners.create_referral(u, person_id=p.id, service_id=svc, organisation_id=org.id,
                                 consent_id=c.id, request_id=r.id, referred_on=DAY)
        a = activities.create_activity(u, name="Spieleabend")
        s = activities.create_session(u, activity_id=a.id, date=DAY)
        activities.set_headcounts(u, s.id, {("weiblich", "u18"): 2})
        activities.add_attendance(u, session_id=s.id, person_id=p.id)
        v = volunteers.create_volunteer(u, person_id=p.id, tags=[("sprache", "Arabisch")])
        n = networks.create_network(u, name="Stadtteilrunde")
        m = networks.create_meeting(u, network_id=n.id, date=DAY)
        networks.add_participant(u, meeting_id=m.id, person_id=p.id)
        networks.add_participant(u, meeting_id=m.id, organisation_id=org.id)
        networks.create_action_item(u, meeting_id=m.id, title="Flyer", owner_person_id=p.id)
        networks.add_member(u, network_id=n.id, person_id=p.id)
        networks.add_member(u, network_id=n.id, organisation_id=org.id)
        networks.add_agenda_item(u, meeting_id=m.id, title="Begrüßung")
        from kuemmerer.db.models import ImportItem, ImportRun

        imp = ImportRun(file_name="alt.csv", kind="persons", layout_key="", created=1, matched=0, filled=0,
                        rejected=0, skipped=0)
        u.add(imp)
        u.flush()
        contact = requests.create_contact(u, person_id=p.id, date=DAY)
        cat = lists.list_categories(u)[0].id
        for column, ident in (("person_id", p.id), ("contact_id", contact.id), ("volunteer_id", v.id),
                              ("organisation_id", org.id), ("service_id", svc), ("category_id", cat),
                              ("district_id", kappel.id)):
            u.add(ImportItem(import_id=imp.id, **{column: ident}))
        settings.set_value(u, "test.existing", 1)
        tag2 = Tag(kind="faehigkeit", name="Kochen")
        u.add(tag2)
        u.add(Attachment(activity_id=a.id, file_name="plan.pdf", stored_name="vorhanden.pdf",
                         size_bytes=3, sha256="0" * 64))
        u.session.execute(text("INSERT INTO district_streets (district_id, name, key) "
                               "VALUES (:d, 'Lindenstraße', 'linden str')"), {"d": kappel.id})
        u.session.execute(text("INSERT INTO report_texts (action_field_id, period_from, period_to, text) "
                               "VALUES (1, '2024-01-01', '2024-12-31', 'Bericht')"))
        u.commit()
        tag = u.all(Tag, kind="sprache", name="Arabisch")[0].id
        return SimpleNamespace(kappel=kappel.id, svc=svc, svc2=svc2, org=org.id, p=p.id, q=q.id,
                               a=a.id, s=s.id, v=v.id, tag=tag, tag2=tag2.id, n=n.id, m=m.id, r=r.id, imp=imp.id,
                               contact=contact.id, cat=cat)


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "kuemmerer.sqlite"
    ws = create_encrypted(path)
    try:
        world = _build_world(ws)
    finally:
        ws.close()
    return path, world


@pytest.fixture
def db_path(tmp_path, _template):
    return copy_database(_template[0], tmp_path / "kuemmerer.sqlite")


@pytest.fixture
def ws(db_path):
    """The copy of the (encrypted) template, opened with its key."""
    workspace = open_workspace(db_path, key=TEST_KEY)
    yield workspace
    workspace.close()


@pytest.fixture
def w(ws, _template):
    return _template[1]


def valid_row(table: str, w) -> dict:
    """A row of ``table`` the database accepts (not colliding with the world's rows)."""
    return {
        "districts": dict(name="Hutholz", kind="gebiet", sort_order=0, active=1),
        "district_streets": dict(district_id=w.kappel, name="Ahornweg", key="ahornweg"),
        "categories": dict(name="Neues Thema", sort_order=0, active=1),
        "services": dict(name="Neues Angebot", active=1),
        "organisations": dict(name="Neue Organisation", kind="sonstige", active=1),
        "opening_hours": dict(organisation_id=w.org, weekday=1, opens=T(9), closes=T(12)),
        "organisation_services": dict(organisation_id=w.org, service_id=w.svc2),
        "settings": dict(key="test.new", value="1"),
        "year_statistics": dict(year=2024, frozen_at="2025-01-02 10:00:00.000000", data="{}"),
        "audit_events": dict(at="2024-03-05 10:00:00.000000", action="create", entity="persons"),
        "persons": dict(last_name="Neumann", gender="keine_angabe", search_text=""),
        "requests": dict(person_id=w.p, title="Antrag", status="offen", opened_on=DAY),
        "contacts": dict(person_id=w.p, date=DAY, kind="sprechzeit"),
        "anonymous_tallies": dict(date=DAY, kind="sprechzeit", gender="keine_angabe",
                                  age_band="unbekannt", count=1),
        "consents": dict(person_id=w.p, organisation_id=w.org, data_categories="name",
                         purpose="Termin", given_on=DAY),
        "referrals": dict(person_id=w.p, service_id=w.svc, organisation_id=w.org, referred_on=DAY,
                          outcome="vermittelt"),
        "tags": dict(kind="sprache", name="Finnisch"),
        "volunteers": dict(person_id=w.q),
        "volunteer_tags": dict(volunteer_id=w.v, tag_id=w.tag2),
        "activities": dict(name="Fest", kind="projekt", active=1),
        "sessions": dict(activity_id=w.a, date=DAY, anonymous_count=0),
        "session_headcounts": dict(session_id=w.s, gender="divers", age_band="18_29", count=1),
        "volunteer_inquiries": dict(volunteer_id=w.v, asked_on=DAY, answer="offen"),
        "network_members": dict(network_id=w.n, person_id=w.q, organisation_id=None, role="Mitglied"),
        "imports": dict(file_name="liste.csv", kind="persons", layout_key="", created=1, matched=0, filled=0,
                        rejected=0, skipped=0),
        "import_items": dict(import_id=w.imp, person_id=w.q),
        "agenda_items": dict(meeting_id=w.m, position=2, title="Verschiedenes"),
        "attendances": dict(session_id=w.s, person_id=w.q),
        "assignments": dict(volunteer_id=w.v, activity_id=w.a, date=DAY, minutes=60),
        "networks": dict(name="Neues Netzwerk", kind="arbeitskreis", active=1),
        "meetings": dict(network_id=w.n, date=DAY),
        "meeting_participants": dict(meeting_id=w.m, person_id=w.q, organisation_id=None, attended=1),
        "action_items": dict(title="Aufgabe"),
        "attachments": dict(activity_id=w.a, session_id=None, meeting_id=None, file_name="b.pdf",
                            stored_name="neu.pdf", size_bytes=1, sha256="0" * 64),
        "erasures": dict(kind="person", entity_id=7, erased_at="2024-03-05 10:00:00.000000"),
        "person_search_words": dict(kind=0, word="neuwort", person_id=w.p),
        "request_search_words": dict(kind=0, word="neuwort", request_id=w.r),
        "action_fields": dict(name="Neues Handlungsfeld", sort_order=0, active=1),
        "report_texts": dict(action_field_id=1, period_from=DAY, period_to=DAY, text="Text"),
        "issued_reports": dict(kind="sachbericht", period_from=DAY, period_to=DAY,
                               created_at="2024-03-05 10:00:00.000000", figures="{}", file_name="bericht.pdf",
                               sha256="0" * 64, content=b"%PDF"),
    }[table]


def insert(uow, table: str, values: dict) -> None:
    cols = ", ".join(f'"{c}"' for c in values)
    params = ", ".join(f":{c}" for c in values)
    uow.session.execute(text(f'INSERT INTO "{table}" ({cols}) VALUES ({params})'), values)


def insert_with(uow, w, table: str, overrides) -> None:
    if callable(overrides):
        overrides = overrides(w)
    insert(uow, table, {**valid_row(table, w), **overrides})


def rejected(uow, w, table: str, overrides) -> str:
    """Insert the valid row changed by ``overrides``; return the database's message."""
    with pytest.raises(IntegrityError) as info:
        insert_with(uow, w, table, overrides)
    uow.rollback()
    return str(info.value.orig)


def live_schema(uow) -> list[tuple[str, str]]:
    return [tuple(r) for r in uow.session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version'"))]


TABLES = [t.name for t in Base.metadata.sorted_tables]


@pytest.mark.parametrize("table", TABLES)
def test_the_valid_rows_are_accepted(uow, w, table):
    """Control: each failure below is caused by the one value the case changes."""
    insert_with(uow, w, table, {})
    uow.session.flush()


def test_valid_rows_cover_every_table(uow):
    assert {name for name, _ in live_schema(uow)} == set(TABLES)


# --------------------------------------------------------------------------- CHECK

CHECKS = [
    ("ck_districts_kind", "districts", {"kind": "stadt"}),
    ("ck_districts_name_not_blank", "districts", {"name": "   "}),
    ("ck_districts_name_not_blank", "districts", {"name": ""}),
    ("ck_district_streets_name_not_blank", "district_streets", {"name": " "}),
    ("ck_categories_name_not_blank", "categories", {"name": " "}),
    ("ck_services_name_not_blank", "services", {"name": "  "}),
    ("ck_organisations_kind", "organisations", {"kind": "firma"}),
    ("ck_organisations_name_not_blank", "organisations", {"name": " "}),
    ("ck_opening_hours_weekday_range", "opening_hours", {"weekday": 7}),
    ("ck_opening_hours_weekday_range", "opening_hours", {"weekday": -1}),
    ("ck_opening_hours_closes_after_opens", "opening_hours", {"opens": T(12), "closes": T(9)}),
    ("ck_opening_hours_closes_after_opens", "opening_hours", {"opens": T(12), "closes": T(12)}),
    ("ck_persons_gender", "persons", {"gender": "female"}),
    ("ck_persons_last_name_not_blank", "persons", {"last_name": "   "}),
    ("ck_requests_status", "requests", {"status": "fertig"}),
    ("ck_requests_title_not_blank", "requests", {"title": " "}),
    ("ck_requests_closed_after_opened", "requests", {"status": "erledigt", "closed_on": DAY_BEFORE}),
    ("ck_contacts_kind", "contacts", {"kind": "brief"}),
    ("ck_contacts_duration_range", "contacts", {"duration_minutes": -1}),
    ("ck_contacts_duration_range", "contacts", {"duration_minutes": 1441}),
    ("ck_anonymous_tallies_kind", "anonymous_tallies", {"kind": "brief"}),
    ("ck_anonymous_tallies_gender", "anonymous_tallies", {"gender": "frau"}),
    ("ck_anonymous_tallies_age_band", "anonymous_tallies", {"age_band": "40_50"}),
    ("ck_anonymous_tallies_count_positive", "anonymous_tallies", {"count": 0}),
    ("ck_anonymous_tallies_count_positive", "anonymous_tallies", {"count": -2}),
    ("ck_consents_purpose_not_blank", "consents", {"purpose": "  "}),
    ("ck_consents_valid_after_given", "consents", {"valid_until": DAY_BEFORE}),
    ("ck_consents_withdrawn_after_given", "consents", {"withdrawn_on": DAY_BEFORE}),
    ("ck_referrals_outcome", "referrals", {"outcome": "super"}),
    ("ck_referrals_outcome_after_referral", "referrals", {"outcome": "angekommen", "outcome_on": DAY_BEFORE}),
    ("ck_referrals_closed_after_referral", "referrals", {"closed_on": DAY_BEFORE}),
    ("ck_referrals_outcome", "referrals", {"outcome": "abgeschlossen"}),  # a date (closed_on), not a result
    ("ck_tags_kind", "tags", {"kind": "hobby"}),
    ("ck_tags_name_not_blank", "tags", {"name": " "}),
    ("ck_volunteers_ended_after_started", "volunteers", {"started_on": DAY, "ended_on": DAY_BEFORE}),
    ("ck_volunteers_clearance_issued_before_seen", "volunteers",
     {"clearance_issued_on": DAY, "clearance_seen_on": DAY_BEFORE}),
    ("ck_volunteers_status", "volunteers", {"status": "ruhend"}),
    ("ck_volunteers_ended_iff_status_ended", "volunteers", {"status": "beendet"}),
    ("ck_volunteers_ended_iff_status_ended", "volunteers", {"status": "aktiv", "ended_on": DAY}),
    ("ck_volunteers_availability_slots_range", "volunteers", {"availability_slots": -1}),
    ("ck_volunteers_availability_slots_range", "volunteers", {"availability_slots": 1 << 21}),
    ("ck_volunteer_inquiries_answer", "volunteer_inquiries", {"answer": "vielleicht"}),
    ("ck_session_headcounts_gender", "session_headcounts", {"gender": "frau"}),
    ("ck_session_headcounts_age_band", "session_headcounts", {"age_band": "40_50"}),
    ("ck_session_headcounts_count_positive", "session_headcounts", {"count": 0}),
    ("ck_activities_kind", "activities", {"kind": "party"}),
    ("ck_activities_name_not_blank", "activities", {"name": "  "}),
    ("ck_activities_ends_after_starts", "activities", {"starts_on": DAY, "ends_on": DAY_BEFORE}),
    ("ck_sessions_anonymous_count_non_negative", "sessions", {"anonymous_count": -1}),
    ("ck_sessions_end_after_start", "sessions", {"start_time": T(18), "end_time": T(17)}),
    ("ck_sessions_end_after_start", "sessions", {"start_time": T(18), "end_time": T(18)}),
    ("ck_assignments_minutes_range", "assignments", {"minutes": -1}),
    ("ck_assignments_minutes_range", "assignments", {"minutes": 1441}),
    ("ck_networks_kind", "networks", {"kind": "verein"}),
    ("ck_networks_name_not_blank", "networks", {"name": ""}),
    ("ck_meetings_end_after_start", "meetings", {"start_time": T(18), "end_time": T(16)}),
    ("ck_meetings_end_after_start", "meetings", {"start_time": T(18), "end_time": T(18)}),
    ("ck_meeting_participants_person_xor_organisation", "meeting_participants", {"person_id": None}),
    ("ck_meeting_participants_person_xor_organisation", "meeting_participants",
     lambda w: {"organisation_id": w.org}),
    ("ck_action_items_title_not_blank", "action_items", {"title": "   "}),
    ("ck_network_members_person_xor_organisation", "network_members", {"person_id": None}),
    ("ck_network_members_person_xor_organisation", "network_members", lambda w: {"organisation_id": w.org}),
    ("ck_agenda_items_title_not_blank", "agenda_items", {"title": " "}),
    ("ck_agenda_items_position_positive", "agenda_items", {"position": 0}),
    ("ck_imports_kind", "imports", {"kind": "termine"}),
    ("ck_imports_counts_non_negative", "imports", {"created": -1}),
    ("ck_import_items_exactly_one", "import_items", {"person_id": None}),
    ("ck_import_items_exactly_one", "import_items", lambda w: {"organisation_id": w.org}),
    ("ck_attachments_exactly_one_owner", "attachments", {"activity_id": None}),
    ("ck_attachments_exactly_one_owner", "attachments", lambda w: {"meeting_id": w.m}),
    ("ck_attachments_exactly_one_owner", "attachments", lambda w: {"session_id": w.s, "meeting_id": w.m}),
    ("ck_attachments_file_name_not_blank", "attachments", {"file_name": " "}),
    ("ck_attachments_size_non_negative", "attachments", {"size_bytes": -1}),
    ("ck_attachments_publication", "attachments", {"publication": "vielleicht"}),
    ("ck_year_statistics_year_range", "year_statistics", {"year": 24}),
    ("ck_year_statistics_year_range", "year_statistics", {"year": 1899}),
    ("ck_year_statistics_year_range", "year_statistics", {"year": 2201}),
    ("ck_erasures_kind", "erasures", {"kind": "kontakt"}),
    ("ck_action_fields_name_not_blank", "action_fields", {"name": " "}),
    ("ck_report_texts_period_order", "report_texts", {"period_to": DAY_BEFORE}),
    ("ck_issued_reports_kind", "issued_reports", {"kind": "brief"}),
    ("ck_issued_reports_period_order", "issued_reports", {"period_to": DAY_BEFORE}),
    ("ck_issued_reports_sha256_length", "issued_reports", {"sha256": "0" * 63}),
    ("ck_issued_reports_suppress_range", "issued_reports", {"suppress_below": 0}),
    ("ck_issued_reports_suppress_range", "issued_reports", {"suppress_below": 101}),
]
CHECKED = {name for name, _, _ in CHECKS}


@pytest.mark.parametrize(("name", "table", "overrides"), CHECKS,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CHECKS)])
def test_check_constraint_is_enforced(uow, w, name, table, overrides):
    assert rejected(uow, w, table, overrides) == f"CHECK constraint failed: {name}"


def test_every_check_constraint_of_the_live_schema_has_a_case(uow):
    live = set()
    for _table, sql in live_schema(uow):
        live |= set(re.findall(r"CONSTRAINT\s+(\w+)\s+CHECK\s*\(", sql))
    assert len(live) > 40
    assert live - CHECKED == set(), "CHECK constraints without a test"
    assert CHECKED - live == set(), "tests for CHECK constraints that no longer exist"


BOUNDARIES = [
    ("contacts", {"duration_minutes": 0}), ("contacts", {"duration_minutes": 1440}),
    ("assignments", {"minutes": 0}), ("assignments", {"minutes": 1440}),
    ("anonymous_tallies", {"count": 1}), ("sessions", {"anonymous_count": 0}),
    ("opening_hours", {"weekday": 0}), ("opening_hours", {"weekday": 6}),
    ("requests", {"status": "erledigt", "closed_on": DAY}),
    ("consents", {"valid_until": DAY, "withdrawn_on": DAY}),
    ("referrals", {"outcome": "angekommen", "outcome_on": DAY}),
    ("volunteers", {"started_on": DAY, "ended_on": DAY, "status": "beendet", "clearance_issued_on": DAY,
                    "clearance_seen_on": DAY}),
    ("volunteers", {"status": "pausiert", "availability_slots": (1 << 21) - 1}),
    ("activities", {"starts_on": DAY, "ends_on": DAY}),
    ("activities", {"starts_on": None, "ends_on": DAY}),
    ("sessions", {"start_time": None, "end_time": T(9)}),
    ("meeting_participants", lambda w: {"person_id": None, "organisation_id": w.org, "meeting_id": w.m_other}),
    ("attachments", lambda w: {"activity_id": None, "meeting_id": w.m}),
    ("attachments", {"size_bytes": 0}),
    ("year_statistics", {"year": 1900}), ("year_statistics", {"year": 2200}),
    ("district_streets", lambda w: {"key": "linden str", "district_id": w.other_district}),  # one street, two districts
    ("issued_reports", {"suppress_below": 1}), ("issued_reports", {"suppress_below": 100}),
    ("report_texts", {"action_field_id": 2, "period_from": DAY_BEFORE}),
]


@pytest.mark.parametrize(("table", "overrides"), BOUNDARIES)
def test_boundary_values_are_accepted(ws, uow, w, table, overrides):
    with ws.uow() as u:
        w = SimpleNamespace(**vars(w), m_other=networks.create_meeting(u, network_id=w.n, date=DAY).id,
                            other_district=lists.districts.create(u, name="Hutholz-Süd").id)
    insert_with(uow, w, table, overrides)
    uow.session.flush()


NOT_BLANK = sorted({(name, table, next(iter(overrides))) for name, table, overrides in CHECKS
                   if name.endswith("_not_blank")})


@pytest.mark.parametrize("blank", ["\t", "\n", " \r\n ", "\t \t"], ids=["tab", "newline", "crlf", "tabs"])
@pytest.mark.parametrize(("name", "table", "column"), NOT_BLANK, ids=[n for n, _, _ in NOT_BLANK])
def test_not_blank_checks_reject_every_kind_of_white_space(uow, w, name, table, column, blank):
    assert rejected(uow, w, table, {column: blank}) == f"CHECK constraint failed: {name}"


def test_not_blank_checks_accept_text_with_white_space_around_it(uow, w):
    insert_with(uow, w, "persons", {"last_name": "\tMüller\n"})
    uow.session.flush()


# --------------------------------------------------------------------------- CHECK through the ORM


ORM_CHECKS = [
    ("ck_persons_last_name_not_blank", lambda w: Person(last_name="  ")),
    ("ck_persons_gender", lambda w: Person(last_name="Neu", gender="w")),
    ("ck_districts_kind", lambda w: District(name="Neu", kind="dorf")),
    ("ck_sessions_anonymous_count_non_negative", lambda w: Session(activity_id=w.a, date=dt.date(2024, 3, 5),
                                                                   anonymous_count=-3)),
    ("ck_sessions_end_after_start", lambda w: Session(activity_id=w.a, date=dt.date(2024, 3, 5),
                                                      start_time=dt.time(10), end_time=dt.time(9))),
    ("ck_meeting_participants_person_xor_organisation",
     lambda w: MeetingParticipant(meeting_id=w.m, person_id=w.q, organisation_id=w.org)),
    ("ck_attachments_exactly_one_owner",
     lambda w: Attachment(file_name="x.pdf", stored_name="x.pdf", size_bytes=1, sha256="0")),
    ("ck_tags_kind", lambda w: Tag(kind="skill", name="Kochen")),
]


@pytest.mark.parametrize(("name", "make"), ORM_CHECKS, ids=[n for n, _ in ORM_CHECKS])
def test_orm_objects_hit_the_same_checks(uow, w, name, make):
    uow.session.add(make(w))
    with pytest.raises(IntegrityError) as info:
        uow.session.flush()
    uow.rollback()
    assert str(info.value.orig) == f"CHECK constraint failed: {name}"


def test_orm_update_hits_the_check(uow, w):
    person = uow.session.get(Person, w.p)
    person.last_name = " "
    with pytest.raises(IntegrityError, match="ck_persons_last_name_not_blank"):
        uow.session.flush()
    uow.rollback()


# --------------------------------------------------------------------------- NOT NULL


def _is_rowid_alias(table, column) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) == 1 and pk[0] is column and isinstance(column.type, Integer)


NOT_NULL = [(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns
            if not c.nullable and not _is_rowid_alias(t, c)]


@pytest.mark.parametrize(("table", "column"), NOT_NULL, ids=[f"{t}.{c}" for t, c in NOT_NULL])
def test_not_null_is_enforced(uow, w, table, column):
    assert rejected(uow, w, table, {column: None}) == f"NOT NULL constraint failed: {table}.{column}"


def test_not_null_cases_match_the_live_schema(uow):
    live = set()
    for table, _ in live_schema(uow):
        rows = list(uow.session.execute(text(f'PRAGMA table_info("{table}")')).mappings())
        single_pk = sum(1 for r in rows if r["pk"]) == 1
        for row in rows:
            rowid_alias = single_pk and row["pk"] and row["type"] == "INTEGER"  # NULL means "next rowid"
            if row["notnull"] and not rowid_alias:
                live.add((table, row["name"]))
    assert live == set(NOT_NULL)


# --------------------------------------------------------------------------- UNIQUE

UNIQUE = [
    ("person_search_words", ("kind", "word", "person_id"), {"word": "muster"}),
    ("request_search_words", ("kind", "word", "request_id"), {"word": "miete"}),
    ("districts", ("name",), {"name": "Kappel"}),
    ("district_streets", ("district_id", "key"), {"key": "linden str"}),
    ("categories", ("name",), {"name": "Sucht"}),
    ("services", ("name",), {"name": "Schuldnerberatung"}),
    ("organisations", ("name",), {"name": "Schuldnerberatung Caritas"}),
    ("networks", ("name",), {"name": "Stadtteilrunde"}),
    ("tags", ("kind", "name"), {"kind": "sprache", "name": "Arabisch"}),
    ("attendances", ("session_id", "person_id"), lambda w: {"person_id": w.p}),
    ("volunteers", ("person_id",), lambda w: {"person_id": w.p}),
    ("session_headcounts", ("session_id", "gender", "age_band"), {"gender": "weiblich", "age_band": "u18"}),
    ("meeting_participants", ("meeting_id", "person_id"), lambda w: {"person_id": w.p}),
    ("meeting_participants", ("meeting_id", "organisation_id"),
     lambda w: {"person_id": None, "organisation_id": w.org}),
    ("network_members", ("network_id", "person_id"), lambda w: {"person_id": w.p}),
    ("import_items", ("person_id",), lambda w: {"person_id": w.p}),
    *(("import_items", (column,), lambda w, column=column, owner=owner: {"person_id": None, column: getattr(w, owner)})
      for column, owner in (("contact_id", "contact"), ("volunteer_id", "v"), ("organisation_id", "org"),
                            ("service_id", "svc"), ("category_id", "cat"), ("district_id", "kappel"))),
    ("network_members", ("network_id", "organisation_id"), lambda w: {"person_id": None, "organisation_id": w.org}),
    ("attachments", ("stored_name",), {"stored_name": "vorhanden.pdf"}),
    ("organisation_services", ("organisation_id", "service_id"), lambda w: {"service_id": w.svc}),
    ("volunteer_tags", ("volunteer_id", "tag_id"), lambda w: {"tag_id": w.tag}),
    ("settings", ("key",), {"key": "test.existing"}),
    ("action_fields", ("name",), {"name": "Ehrenamt"}),
    ("report_texts", ("action_field_id", "period_from", "period_to"),
     {"period_from": dt.date(2024, 1, 1), "period_to": dt.date(2024, 12, 31)}),
]


@pytest.mark.parametrize(("table", "columns", "overrides"), UNIQUE,
                         ids=[f"{t}({','.join(c)})" for t, c, _ in UNIQUE])
def test_unique_is_enforced(uow, w, table, columns, overrides):
    message = rejected(uow, w, table, overrides)
    assert message == "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)


def test_every_unique_index_of_the_live_schema_has_a_case(uow):
    live = set()
    for table, _ in live_schema(uow):
        for idx in uow.session.execute(text(f'PRAGMA index_list("{table}")')).mappings():
            if idx["unique"]:
                cols = tuple(r["name"] for r in uow.session.execute(
                    text(f'PRAGMA index_info("{idx["name"]}")')).mappings())
                live.add((table, cols))
    assert live == {(t, c) for t, c, _ in UNIQUE}


UNIQUE_ALLOWS = [
    ("tags", {"kind": "interesse", "name": "Arabisch"}),  # same name, other kind
    ("attendances", lambda w: {"person_id": w.p, "session_id": w.s_other}),
    ("meeting_participants", lambda w: {"person_id": w.p, "meeting_id": w.m_other}),
    ("meeting_participants", lambda w: {"person_id": None, "organisation_id": w.org, "meeting_id": w.m_other}),
    # the partial indexes ignore NULLs: many organisations and many persons in one meeting
    ("meeting_participants", lambda w: {"person_id": w.q}),
]


@pytest.mark.parametrize(("table", "overrides"), UNIQUE_ALLOWS)
def test_unique_keys_allow_what_they_should(ws, uow, w, table, overrides):
    with ws.uow() as u:
        extra = dict(m_other=networks.create_meeting(u, network_id=w.n, date=DAY).id,
                     s_other=activities.create_session(u, activity_id=w.a, date=DAY).id)
    insert_with(uow, SimpleNamespace(**vars(w), **extra), table, overrides)
    uow.session.flush()


# --------------------------------------------------------------------------- FOREIGN KEY

FOREIGN_KEYS = sorted((t.name, fk.parent.name, fk.column.table.name, fk.ondelete or "NO ACTION")
                      for t in Base.metadata.sorted_tables for fk in t.foreign_keys)
# a bad id in these columns must not also break the one-owner / one-participant checks
FK_ALSO = {
    ("meeting_participants", "organisation_id"): {"person_id": None},
    ("attachments", "session_id"): {"activity_id": None},
    ("attachments", "meeting_id"): {"activity_id": None},
    ("network_members", "organisation_id"): {"person_id": None},
    **{("import_items", c): {"person_id": None}
       for c in ("contact_id", "volunteer_id", "organisation_id", "service_id", "category_id", "district_id")},
}


@pytest.mark.parametrize(("table", "column", "parent", "ondelete"), FOREIGN_KEYS,
                         ids=[f"{t}.{c}" for t, c, _, _ in FOREIGN_KEYS])
def test_reference_to_a_missing_parent_is_refused(uow, w, table, column, parent, ondelete):
    message = rejected(uow, w, table, {**FK_ALSO.get((table, column), {}), column: NO_SUCH_ID})
    assert message == "FOREIGN KEY constraint failed"


def test_foreign_key_cases_match_the_live_schema(uow):
    live = set()
    for table, _ in live_schema(uow):
        for fk in uow.session.execute(text(f'PRAGMA foreign_key_list("{table}")')).mappings():
            live.add((table, fk["from"], fk["table"], fk["on_delete"]))
    assert live == set(FOREIGN_KEYS)


def test_foreign_keys_are_on_and_consistent(uow):
    assert uow.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert uow.session.execute(text("PRAGMA foreign_key_check")).all() == []


RESTRICT = [(t, c, p) for t, c, p, on in FOREIGN_KEYS if on == "RESTRICT"]


@pytest.mark.parametrize(("table", "column", "parent"), RESTRICT,
                         ids=[f"{p}<-{t}.{c}" for t, c, p in RESTRICT])
def test_a_parent_in_use_cannot_be_deleted(uow, w, table, column, parent):
    insert(uow, parent, valid_row(parent, w))
    parent_id = uow.session.execute(text("SELECT last_insert_rowid()")).scalar()
    insert_with(uow, w, table, {column: parent_id})
    with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
        uow.session.execute(text(f"DELETE FROM {parent} WHERE id = :i"), {"i": parent_id})
    uow.rollback()


def test_restrict_covers_the_lists_and_partners():
    assert {p for _, _, p in RESTRICT} == {"districts", "categories", "services", "organisations"}


def test_a_parent_not_in_use_can_be_deleted(uow, w):
    for parent in ("districts", "categories", "services", "organisations"):
        insert(uow, parent, valid_row(parent, w))
        parent_id = uow.session.execute(text("SELECT last_insert_rowid()")).scalar()
        deleted = uow.session.execute(text(f"DELETE FROM {parent} WHERE id = :i"), {"i": parent_id})
        assert deleted.rowcount == 1
        assert uow.session.execute(text(f"SELECT count(*) FROM {parent} WHERE id = :i"), {"i": parent_id}).scalar() == 0


def test_deleting_a_district_takes_its_streets_along(uow, w):
    insert(uow, "districts", valid_row("districts", w))
    district_id = uow.session.execute(text("SELECT last_insert_rowid()")).scalar()
    insert_with(uow, w, "district_streets", {"district_id": district_id})
    uow.session.execute(text("DELETE FROM districts WHERE id = :i"), {"i": district_id})
    assert uow.session.execute(text("SELECT count(*) FROM district_streets WHERE district_id = :i"),
                               {"i": district_id}).scalar() == 0


def test_orm_delete_of_a_district_in_use_is_refused(uow, w):
    uow.session.delete(uow.session.get(District, w.kappel))
    with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
        uow.session.flush()
    uow.rollback()
    assert uow.session.get(District, w.kappel) is not None

"""Writes tests/data/revisions/<head>.sqlite: a small database at the current head revision.

Run once per released schema revision (``python tests/data/make_revision_db.py``) and
commit the file; test_migrations upgrades every stored file to the newest head.
The content is synthetic and fixed (no real persons).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from kuemmerer.db.migrate import head_revision
from kuemmerer.services import activities, lists, partners, persons, requests, volunteers
from kuemmerer.services.workspace import open_workspace

EXPECTED = {"persons": 2, "requests": 1, "contacts": 2, "referrals": 1, "consents": 1,
            "volunteers": 1, "assignments": 1, "sessions": 1, "attendances": 1}
# rows of tables that a revision introduced, in the stored files from that revision on
EXPECTED_SINCE = {"0007": {"erasures": 1, "issued_reports": 1, "report_texts": 1, "action_fields": 4},
                  "0008": {"person_search_words": 17, "request_search_words": 1},
                  "0009": {"volunteer_inquiries": 1, "session_headcounts": 2},
                  "0010": {"network_members": 2, "agenda_items": 2, "action_items": 1},
                  "0011": {"imports": 1, "import_items": 0}}


def build(path: Path) -> None:
    ws = open_workspace(path)
    with ws.uow() as uow:
        d = lists.districts.create(uow, name="Hutholz")
        a = persons.create_person(uow, last_name="Testperson-Äöü", first_name="Ada",
                                  birth_date=dt.date(1970, 2, 3), district_id=d.id, gender="weiblich")
        b = persons.create_person(uow, last_name="Zweite", first_name="Şule")
        r = requests.create_request(uow, person_id=a.id, title="Nebenkostenabrechnung",
                                    opened_on=dt.date(2026, 1, 5), category_id=1)
        requests.create_contact(uow, person_id=a.id, request_id=r.id, date=dt.date(2026, 1, 5))
        requests.create_contact(uow, person_id=b.id, date=dt.date(2026, 2, 1))
        org = partners.create_organisation(uow, name="Beratung Test e. V.", service_ids=[1])
        c = partners.record_consent(uow, person_id=a.id, organisation_id=org.id,
                                    data_categories=["name", "kontakt"], purpose="Terminvereinbarung",
                                    given_on=dt.date(2026, 1, 5))
        partners.create_referral(uow, person_id=a.id, service_id=1, organisation_id=org.id,
                                 consent_id=c.id, referred_on=dt.date(2026, 1, 5))
        v = volunteers.create_volunteer(uow, person_id=b.id, started_on=dt.date(2025, 1, 1))
        act = activities.create_activity(uow, name="Spieleabend")
        s = activities.create_session(uow, activity_id=act.id, date=dt.date(2026, 2, 1), anonymous_count=4)
        activities.add_attendance(uow, session_id=s.id, person_id=a.id)
        volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, session_id=s.id,
                                     date=dt.date(2026, 2, 1), hours=2)
        if head_revision() >= "0007":
            _since_0007(uow)
        if head_revision() >= "0008":
            _since_0008(uow, b.id)
        if head_revision() >= "0009":
            _since_0009(uow, v.id, act.id, s.id)
        if head_revision() >= "0010":
            _since_0010(uow, a.id, org.id)
    if head_revision() >= "0011":
        _since_0011(ws, path)
    ws.close()


def _since_0007(uow) -> None:
    """An erasure in the journal, a Handlungsfeld text and an issued report."""
    from kuemmerer.db.models import ReportText
    from kuemmerer.domain.enums import ReportKind
    from kuemmerer.domain.periods import Period
    from kuemmerer.services import archive, statistics

    gone = persons.create_person(uow, last_name="Geloescht-Test")
    persons.delete_person(uow, gone.id)
    uow.add(ReportText(action_field_id=1, period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 12, 31),
                       text="Beratung im Stadtteilbüro (Testtext)."))
    uow.commit()
    stats = statistics.compute(uow, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    archive.record_issued(uow, kind=ReportKind.SACHBERICHT, period=Period.year(2026), figures=stats.as_json(),
                          file_name="Sachbericht_2026.pdf", content=b"%PDF-1.4 test")


def _since_0008(uow, person_id: int) -> None:
    """A phone number and an e-mail address in the word index (digits are indexed from every digit on)."""
    persons.update_person(uow, person_id, phone="0371 4455", email="s.zweite@example.org")
    uow.commit()


def _since_0009(uow, volunteer_id: int, activity_id: int, session_id: int) -> None:
    """Status, availability grid, an inquiry, an activity's Handlungsfeld and funder, head counts by group."""
    from kuemmerer.services import matching

    volunteers.update_volunteer(uow, volunteer_id, status="pausiert", availability_slots=[(1, 1), (3, 2)])
    matching.record_inquiry(uow, volunteer_id=volunteer_id, activity_id=activity_id, asked_on=dt.date(2026, 1, 20),
                            answer="zugesagt", note="hilft beim Aufbau")
    activities.update_activity(uow, activity_id, action_field_id=3, funder="Soziale Stadt (Test)")
    activities.set_headcounts(uow, session_id, {("weiblich", "u18"): 3, ("maennlich", "u18"): 1})


def _since_0010(uow, person_id: int, organisation_id: int) -> None:
    """A network with its rhythm and two members, a meeting with two agenda items and an action item from a minute line."""
    from kuemmerer.services import networks

    n = networks.create_network(uow, name="Stadtteilrunde Test", rhythm="monatlich, 1. Dienstag")
    networks.add_member(uow, network_id=n.id, organisation_id=organisation_id, role="Mitglied")
    networks.add_member(uow, network_id=n.id, person_id=person_id, role="Bewohnervertretung")
    m = networks.create_meeting(uow, network_id=n.id, date=dt.date(2026, 3, 3), start_time="18:00")
    networks.add_agenda_item(uow, meeting_id=m.id, title="Begrüßung")
    top = networks.add_agenda_item(uow, meeting_id=m.id, title="Frühjahrsputz", minutes="Termin steht.",
                                   decision="Am 25.04. um 10 Uhr.")
    networks.create_action_item_from_minutes(uow, top.id, title="Plakate drucken", owner_text="Koordinatorin",
                                             due_on=dt.date(2026, 4, 1))


def _since_0011(ws, path: Path) -> None:
    """An import of a small csv whose one row is a person already there (her postcode filled)."""
    from kuemmerer.services import importing

    source = path.with_name("import-test.csv")
    source.write_text("Nachname;Vorname;PLZ\nZweite;Şule;09123\n", encoding="utf-8")
    try:
        with ws.uow() as uow:
            preview = importing.preview_persons(uow, importing.read_table(source), today=dt.date(2026, 12, 6))
        importing.import_persons(ws, preview, file_name="import-test.csv", decisions={2: importing.SAME})
    finally:
        source.unlink()


if __name__ == "__main__":
    target = Path(__file__).with_name("revisions") / f"{head_revision()}.sqlite"
    if target.exists() and "--force" not in sys.argv:
        sys.exit(f"{target} exists; a released revision's file is never rewritten")
    build(target)
    print(target)

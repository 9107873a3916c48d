"""Auskunft nach Art. 15 DSGVO: every row that references the person is in it (found through the
foreign keys, as the erasure does), nothing of anyone else is, and the PDF says it all in
German, page by page."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from sqlalchemy import select, text

from kuemmerer.db.models import Base
from kuemmerer.domain.errors import NotFound
from kuemmerer.exports.auskunft_pdf import auskunft_pdf
from kuemmerer.services import activities, auskunft, persons, requests
from tests.test_person_erasure import DAY, EMAIL, FIRST_NAME, LAST_NAME, owned_ids, world  # noqa: F401

TODAY = dt.date(2026, 12, 3)
# every value of the other resident (Bernd Beispiel) carries one of these
OTHER = ("Beispiel", "Bernd", "Geheimnis")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def shared(ws, world, tmp_path):  # noqa: F811 -- the fixture imported above
    """Besides the erasure world: a contact of Bernd's that points at one of Erna's requests
    (his row, not hers), and a photo of the session both attended."""
    with ws.uow() as u:
        her_request = u.session.execute(text("SELECT min(id) FROM requests WHERE person_id = :p"),
                                        {"p": world.erna.id}).scalar()
        u.session.execute(text(
            "INSERT INTO contacts (person_id, request_id, date, kind, note, created_at, updated_at) "
            "VALUES (:p, :r, :d, 'telefon', 'Geheimnis von Bernd', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"p": world.bernd.id, "r": her_request, "d": DAY})
        u.commit()
        photo = tmp_path / "Fotos vom Spieleabend.jpg"
        photo.write_bytes(b"\xff\xd8 not really a photo")
        activities.add_attachment(u, ws.files_dir, photo, session_id=world.session_ids[0])
    return world


def build(ws, person_id: int) -> auskunft.Auskunft:
    with ws.uow(read_only=True) as u:
        return auskunft.build_auskunft(u, person_id, today=TODAY)


def _keys(table, rows) -> set:
    pk = [c.name for c in table.primary_key.columns]
    return {tuple(r[c] for c in pk) for r in rows}


def test_every_row_that_references_her_is_in_the_json(ws, shared):
    """Generic: every foreign key column of the schema that points at her person row or at her
    volunteer profile; each such row is in the JSON, in the section of its table."""
    data = json.loads(auskunft.to_json(build(ws, shared.erna.id)))
    sections = {s["key"]: s["rows"] for s in data["sections"]}
    targets = {"persons": [shared.erna.id], "volunteers": [shared.erna.volunteer_id]}
    checked = set()
    with ws.uow(read_only=True) as u:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                for fk in column.foreign_keys:
                    ids = targets.get(fk.column.table.name)
                    if ids is None:
                        continue
                    rows = [dict(r) for r in u.session.execute(select(table).where(column.in_(ids))).mappings()]
                    if not rows:
                        continue
                    checked.add(f"{table.name}.{column.name}")
                    assert _keys(table, rows) <= _keys(table, sections.get(table.name, [])), \
                        f"{table.name}.{column.name}"
    assert checked >= {"requests.person_id", "contacts.person_id", "referrals.person_id", "consents.person_id",
                       "attendances.person_id", "volunteers.person_id", "meeting_participants.person_id",
                       "action_items.owner_person_id", "assignments.volunteer_id", "volunteer_tags.volunteer_id"}
    # and, found independently through SQLite's own foreign key list (as the erasure test does):
    for table, ids in owned_ids(ws, shared.erna.id).items():
        assert ids <= {r["id"] for r in sections[table]}, table
    counts = {k: len(v) for k, v in sections.items()}
    assert counts == {"persons": 1, "requests": 2, "contacts": 3, "consents": 1, "referrals": 2, "attendances": 2,
                      "volunteers": 1, "volunteer_tags": 2, "assignments": 3, "meeting_participants": 1,
                      "action_items": 1, "attachments": 1}


def test_nothing_of_the_other_resident_is_in_it(ws, shared):
    a = build(ws, shared.erna.id)
    as_json = auskunft.to_json(a)
    as_pdf = pdf_text(auskunft_pdf(a))
    for needle in (*OTHER, "bernd@example.de"):
        assert needle.lower() not in as_json.lower(), needle
        assert needle.lower() not in as_pdf.lower(), needle
    # control: his own Auskunft does carry his data, and hers carries hers
    assert "Geheimnis von Bernd" in auskunft.to_json(build(ws, shared.bernd.id))
    for needle in (LAST_NAME, FIRST_NAME, EMAIL, f"Notiz zu {FIRST_NAME}", f"Schulden {LAST_NAME}",
                   f"Einsatz {LAST_NAME}"):
        assert needle in as_json, needle
        assert needle in as_pdf, needle


def test_json_is_machine_readable_with_names_of_what_she_refers_to(ws, shared):
    a = build(ws, shared.erna.id)
    raw = auskunft.to_json(a)
    assert raw == auskunft.to_json(build(ws, shared.erna.id))  # stable
    data = json.loads(raw)
    assert data["format"] == "kuemmerer-auskunft" and data["person_id"] == shared.erna.id
    assert data["created_on"] == "2026-12-03"
    rows = {s["key"]: s for s in data["sections"]}
    me = rows["persons"]["rows"][0]
    assert me["birth_date"] == "1961-07-14" and me["district"] == {"name": "Kappel"}
    assert "search_text" not in me and "sort_name" not in me
    assert rows["persons"]["title"] == "Angaben zur Person"
    referral = rows["referrals"]["rows"][0]
    assert referral["organisation"] == {"name": "Schuldnerberatung Caritas"}
    assert referral["service"] == {"name": "Schuldnerberatung"}
    assert referral["referred_on"] == DAY.isoformat()
    attendance = rows["attendances"]["rows"][0]
    assert attendance["session"] == {"activity": "Spieleabend", "date": DAY.isoformat(), "start_time": None}
    assert {t["tag"]["name"] for t in rows["volunteer_tags"]["rows"]} == {"Arabisch", "Kochen"}
    assert rows["attachments"]["rows"][0]["file_name"] == "Fotos vom Spieleabend.jpg"
    assert "Beratung und Vermittlung" in data["purposes"][0]
    assert any("Fördermittelgeber" in p and "nur Zahlen" in p for p in data["purposes"])
    assert data["recipients"] == [f"Schuldnerberatung Caritas (Angebot „Schuldnerberatung“, Vermittlung vom "
                                  f"{DAY:%d.%m.%Y}, mit Ihrer Einwilligung vom {DAY:%d.%m.%Y})",
                                  f"Schuldnerberatung Caritas (Angebot „Schuldnerberatung“, Vermittlung vom "
                                  f"{DAY + dt.timedelta(days=1):%d.%m.%Y}, mit Ihrer Einwilligung vom {DAY:%d.%m.%Y})"]
    assert any("Solange Ihr Ehrenamt andauert" in r for r in data["retention"])  # she volunteers, no end date
    assert not any("letzter Kontakt" in r for r in data["retention"])


def test_retention_counts_from_her_last_activity(ws):
    """As the Aufbewahrung rule does: the latest contact, request, referral, consent … counts."""
    with ws.uow() as u:
        p = persons.create_person(u, last_name="Spätkontakt")
        requests.create_contact(u, person_id=p.id, date=dt.date(2024, 5, 2))
        requests.create_request(u, person_id=p.id, title="Formular", opened_on=dt.date(2025, 2, 1))
    [*_, sentence, _stats] = build(ws, p.id).retention
    assert sentence == ("Ihr letzter Kontakt war am 01.02.2025; ohne weiteren Kontakt werden Ihre Daten "
                        "ab dem 01.01.2029 zur Löschung vorgemerkt.")


def test_sections_read_in_german(ws, shared):
    a = build(ws, shared.erna.id)
    titles = [s.title for s in a.sections]
    assert titles[:5] == ["Angaben zur Person", "Anliegen", "Kontakte und Beratungen",
                          "Einwilligungen (Schweigepflichtentbindungen)", "Vermittlungen an Partner"]
    person = dict(a.sections[0].rows[0].fields)
    assert person["Nachname"] == LAST_NAME and person["Geburtsdatum"] == "14.07.1961"
    assert person["Stadtgebiet"] == "Kappel"
    work = dict(next(s for s in a.sections if s.key == "assignments").rows[0].fields)
    assert work["Zeit"] == "1,5 Std." and work["Aktivität"] == "Spieleabend"
    for section in a.sections:
        for row in section.rows:
            for label, _value in row.fields:
                assert "_" not in label, (section.key, label)  # no column names shown to her


def test_pdf_has_every_section_and_numbered_pages(ws, shared, tmp_path):
    a = build(ws, shared.erna.id)
    pdf = auskunft_pdf(a)
    body = pdf_text(pdf)
    pages = body.count("\f")
    assert pages >= 2
    assert f"Seite 1 von {pages}" in body and f"Seite {pages} von {pages}" in body
    assert "Auskunft nach Art. 15 DSGVO" in body and "Stand 03.12.2026" in body
    for s in a.sections:
        assert f"{s.title} ({len(s.rows)})" in body, s.title
    for heading in ("Zwecke der Verarbeitung", "Empfänger Ihrer Daten", "Speicherdauer", "Ihre Rechte"):
        assert heading in body
    assert "14.07.1961" in body and "1961-07-14" not in body
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-", str(tmp_path / "p")],
                   input=pdf, check=True)
    assert (tmp_path / "p-1.png").stat().st_size > 5000


def test_a_person_with_nothing_but_a_name(ws):
    with ws.uow() as u:
        p = persons.create_person(u, last_name="Nurname")
    a = build(ws, p.id)
    assert [s.key for s in a.sections] == ["persons"]
    assert a.recipients == ()
    assert not any("letzter Kontakt" in r for r in a.retention)
    body = pdf_text(auskunft_pdf(a))
    assert "Ihre Daten wurden an niemanden weitergegeben." in body
    assert "Angaben zur Person (1)" in body and "Anliegen (" not in body


@pytest.mark.parametrize("ident", [0, 999_999, 2**70, -3])
def test_unknown_person(ws, ident):
    with ws.uow(read_only=True) as u, pytest.raises(NotFound) as caught:
        auskunft.build_auskunft(u, ident)
    assert str(caught.value) == "Diese Person gibt es nicht."


def test_an_inquiry_and_the_availability_grid_are_in_her_auskunft(ws, shared):
    from kuemmerer.services import matching, volunteers

    with ws.uow() as uow:
        volunteers.update_volunteer(uow, shared.erna.volunteer_id, availability_slots=[(1, 1)])
        matching.record_inquiry(uow, volunteer_id=shared.erna.volunteer_id, activity_id=shared.activity_id,
                                asked_on=dt.date(2025, 3, 4), answer="abgesagt", note="im Urlaub")
    a = build(ws, shared.erna.id)
    profile = dict(next(s for s in a.sections if s.key == "volunteers").rows[0].fields)
    assert profile["Verfügbar"] == "Di nachmittags" and profile["Stand"] == "aktiv"
    asked = dict(next(s for s in a.sections if s.key == "volunteer_inquiries").rows[0].fields)
    assert asked == {"Angefragt am": "04.03.2025", "Aktivität": "Spieleabend", "Antwort": "abgesagt",
                     "Notiz": "im Urlaub"}


def test_her_membership_of_a_network_is_in_her_auskunft(ws, shared):
    from kuemmerer.services import networks

    with ws.uow() as uow:
        n = networks.create_network(uow, name="Bewohnerbeirat Test")
        networks.add_member(uow, network_id=n.id, person_id=shared.erna.id, role="Sprecherin")
    a = build(ws, shared.erna.id)
    member = dict(next(s for s in a.sections if s.key == "network_members").rows[0].fields)
    assert member == {"Netzwerk": "Bewohnerbeirat Test", "Rolle": "Sprecherin"}


def test_a_person_taken_over_from_an_old_list_says_so_in_her_auskunft(ws, tmp_path):
    from kuemmerer.services import importing

    source = tmp_path / "alt.csv"
    source.write_text("Nachname;Vorname\nAusliste;Ilse\n", encoding="utf-8")
    with ws.uow() as uow:
        preview = importing.preview_persons(uow, importing.read_table(source), today=dt.date(2026, 12, 6))
    importing.import_persons(ws, preview, file_name="alt.csv")
    with ws.uow(read_only=True) as uow:
        ilse = next(p for p in persons.list_persons(uow) if p.last_name == "Ausliste")
    a = build(ws, ilse.id)
    taken = dict(next(s for s in a.sections if s.key == "import_items").rows[0].fields)
    assert taken["Liste"] == "alt.csv" and "Übernommen am" in taken
    assert all("_" not in label for s in a.sections for row in s.rows for label, _v in row.fields)

"""Deleting a person really deletes (DESIGN.md §3, §5): every row that references them goes,
shared records stay, the other residents' data is untouched, the audit log keeps ids only,
and not even the bytes of the database file remember the name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from kuemmerer.domain.enums import AuditAction
from kuemmerer.services import activities, lists, networks, partners, persons, requests, volunteers
from kuemmerer.services.workspace import open_workspace

LAST_NAME = "Zzyxwortel"
FIRST_NAME = "Ottilinde"
EMAIL = "ottilinde.zzyxwortel@example.de"
DAY = dt.date(2024, 3, 5)


def _days(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


@pytest.fixture
def world(ws) -> SimpleNamespace:
    """Erna (the person to erase) and Bernd (who stays) share a session, a meeting, a tag."""
    return build_world(ws)


def build_world(ws) -> SimpleNamespace:
    with ws.uow() as u:
        kappel = lists.districts.create(u, name="Kappel")
        svc = next(s.id for s in lists.list_services(u) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(u, name="Schuldnerberatung Caritas", service_ids=[svc])
        act = activities.create_activity(u, name="Spieleabend")
        s1 = activities.create_session(u, activity_id=act.id, date=DAY)
        s2 = activities.create_session(u, activity_id=act.id, date=_days(7))
        net = networks.create_network(u, name="Stadtteilrunde")
        meeting = networks.create_meeting(u, network_id=net.id, date=DAY)

        def resident(last, first, email, *, n_requests, n_loose_contacts, n_referrals,
                     sessions, n_assignments):
            p = persons.create_person(u, last_name=last, first_name=first, email=email,
                                      birth_date=dt.date(1961, 7, 14), district_id=kappel.id,
                                      street=f"{last}weg 3", notes=f"Notiz zu {first} {last}")
            reqs = [requests.create_request(u, person_id=p.id, title=f"Anliegen {last} {i}",
                                            description=f"{first} {last}", opened_on=_days(i))
                    for i in range(n_requests)]
            for r in reqs:
                requests.create_contact(u, person_id=p.id, request_id=r.id, date=_days(20),
                                        note=f"Beratung {last}")
            for _ in range(n_loose_contacts):
                requests.create_contact(u, person_id=p.id, date=_days(21), note=f"Anruf {last}")
            consent = partners.record_consent(u, person_id=p.id, organisation_id=org.id,
                                              data_categories=["name", "kontakt"],
                                              purpose=f"Vermittlung {last}", given_on=DAY)
            for i in range(n_referrals):
                partners.create_referral(u, person_id=p.id, service_id=svc, organisation_id=org.id,
                                         consent_id=consent.id, request_id=reqs[0].id,
                                         referred_on=_days(i), reason=f"Schulden {last}")
            vol = volunteers.create_volunteer(u, person_id=p.id, started_on=DAY,
                                              notes=f"Ehrenamt {last}",
                                              tags=[("sprache", "Arabisch"), ("faehigkeit", "Kochen")])
            for i in range(n_assignments):
                volunteers.create_assignment(u, volunteer_id=vol.id, activity_id=act.id, date=_days(i),
                                             hours="1,5", note=f"Einsatz {last}")
            for s in sessions:
                activities.add_attendance(u, session_id=s.id, person_id=p.id)
            networks.add_participant(u, meeting_id=meeting.id, person_id=p.id)
            item = networks.create_action_item(u, meeting_id=meeting.id, title="Aufgabe aus der Sitzung",
                                               owner_person_id=p.id)
            return SimpleNamespace(id=p.id, volunteer_id=vol.id, item_id=item.id, consent_id=consent.id)

        erna = resident(LAST_NAME, FIRST_NAME, EMAIL, n_requests=2, n_loose_contacts=1,
                        n_referrals=2, sessions=[s1, s2], n_assignments=3)
        bernd = resident("Beispiel", "Bernd", "bernd@example.de", n_requests=1, n_loose_contacts=2,
                         n_referrals=1, sessions=[s1], n_assignments=1)
    return SimpleNamespace(erna=erna, bernd=bernd, session_ids=(s1.id, s2.id), meeting_id=meeting.id,
                           activity_id=act.id, org_id=org.id)


EXPECTED_COUNTS = {
    "requests": 2, "contacts": 3, "referrals": 2, "consents": 1, "attendances": 2,
    "meeting_participations": 1, "volunteer": 1, "assignments": 3,
}


def tables(u) -> list[str]:
    return list(u.session.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).scalars())


def references(u, target: str) -> list[tuple[str, str, str]]:
    """(table, column, on_delete) of every foreign key that points at ``target``."""
    out = []
    for table in tables(u):
        for fk in u.session.execute(text(f'PRAGMA foreign_key_list("{table}")')).mappings():
            if fk["table"] == target:
                out.append((table, fk["from"], fk["on_delete"]))
    return out


def rows(u, table: str, column: str, ident: int) -> list[tuple]:
    return [tuple(r) for r in u.session.execute(
        text(f'SELECT * FROM "{table}" WHERE "{column}" = :i ORDER BY 1'), {"i": ident})]


def owned_ids(ws, person_id: int) -> dict[str, set[int]]:
    """Ids of the rows (table → ids) that hold the person's data: those referencing the person,
    and transitively the rows referencing those (assignments of their volunteer profile …)."""
    with ws.uow(read_only=True) as u:
        owned: dict[str, set[int]] = {"persons": {person_id}}
        queue = ["persons"]
        while queue:
            parent = queue.pop()
            for table, column, on_delete in references(u, parent):
                if on_delete != "CASCADE" or "id" not in _columns(u, table):
                    continue
                ids = set(u.session.execute(text(
                    f'SELECT id FROM "{table}" WHERE "{column}" IN ({",".join(map(str, owned[parent]))})'
                )).scalars())
                if ids - owned.get(table, set()):
                    owned.setdefault(table, set()).update(ids)
                    queue.append(table)
        return owned


def _columns(u, table: str) -> list[str]:
    return [r["name"] for r in u.session.execute(text(f'PRAGMA table_info("{table}")')).mappings()]


def person_data(ws, person_id: int, volunteer_id: int) -> dict:
    """Every row that references the person or their volunteer profile, by table and column."""
    with ws.uow(read_only=True) as u:
        out = {("persons", "id"): rows(u, "persons", "id", person_id)}
        for target, ident in (("persons", person_id), ("volunteers", volunteer_id)):
            for table, column, _ in references(u, target):
                out[(table, column)] = rows(u, table, column, ident)
        return out


def test_linked_counts_before_delete(ws, world):
    with ws.uow(read_only=True) as u:
        assert persons.person_linked_counts(u, world.erna.id) == EXPECTED_COUNTS
        assert persons.person_linked_counts(u, world.bernd.id) == {
            "requests": 1, "contacts": 3, "referrals": 1, "consents": 1, "attendances": 1,
            "meeting_participations": 1, "volunteer": 1, "assignments": 1}
    with ws.uow() as u:
        assert persons.delete_person(u, world.erna.id) == EXPECTED_COUNTS


def test_no_row_references_the_person_after_delete(ws, world):
    owned = owned_ids(ws, world.erna.id)
    assert {"requests", "contacts", "referrals", "consents", "attendances", "meeting_participants",
            "volunteers", "assignments"} <= set(owned)
    with ws.uow() as u:
        persons.delete_person(u, world.erna.id)
    with ws.uow(read_only=True) as u:
        person_refs = references(u, "persons")
        assert ("action_items", "owner_person_id", "SET NULL") in person_refs
        assert len(person_refs) >= 8
        for table, column, _ in person_refs:
            assert rows(u, table, column, world.erna.id) == [], f"{table}.{column}"
        assert rows(u, "persons", "id", world.erna.id) == []
        # nothing anywhere still points at a row that held her data (assignments and tags of her
        # volunteer profile, contacts or referrals linked to her requests and consents …)
        for parent, ids in owned.items():
            id_list = ",".join(map(str, ids))
            assert u.session.execute(text(
                f'SELECT count(*) FROM "{parent}" WHERE id IN ({id_list})')).scalar() == 0, parent
            for table, column, _ in references(u, parent):
                left = u.session.execute(text(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" IN ({id_list})')).scalar()
                assert left == 0, f"{table}.{column} still points at {parent}"
        assert u.session.execute(text("SELECT count(*) FROM volunteers WHERE id = :v"),
                                 {"v": world.erna.volunteer_id}).scalar() == 0
        assert u.session.execute(text("SELECT count(*) FROM assignments WHERE volunteer_id = :v"),
                                 {"v": world.erna.volunteer_id}).scalar() == 0
        assert u.session.execute(text("PRAGMA foreign_key_check")).all() == []


def test_shared_records_stay_and_her_action_item_loses_its_owner(ws, world):
    with ws.uow() as u:
        persons.delete_person(u, world.erna.id)
    with ws.uow(read_only=True) as u:
        item = networks.list_action_items(u, world.meeting_id)
        mine = next(i for i in item if i.id == world.erna.item_id)
        assert mine.owner_person_id is None and mine.title  # the task itself remains
        assert [s.id for s in activities.list_sessions(u, world.activity_id)] == list(world.session_ids)
        assert [m.id for m in networks.list_meetings(u)] == [world.meeting_id]
        assert partners.get_organisation(u, world.org_id).name == "Schuldnerberatung Caritas"
        tags = {tuple(r) for r in u.session.execute(text("SELECT kind, name FROM tags"))}
        assert ("sprache", "Arabisch") in tags  # still Bernd's


def test_the_other_persons_data_is_untouched(ws, world):
    before = person_data(ws, world.bernd.id, world.bernd.volunteer_id)
    assert sum(len(v) for v in before.values()) > 12
    with ws.uow() as u:
        persons.delete_person(u, world.erna.id)
    assert person_data(ws, world.bernd.id, world.bernd.volunteer_id) == before
    with ws.uow(read_only=True) as u:
        assert partners.valid_consent(u, world.bernd.id, world.org_id, on=DAY).id == world.bernd.consent_id
        assert persons.person_linked_counts(u, world.bernd.id)["assignments"] == 1


def test_erasure_is_audited_with_ids_only(ws, world):
    with ws.uow() as u:
        persons.delete_person(u, world.erna.id)
    with ws.uow(read_only=True) as u:
        erase = u.session.execute(text(
            "SELECT entity FROM audit_events WHERE action = :a AND entity_id = :i"),
            {"a": AuditAction.ERASE.value, "i": world.erna.id}).scalars().all()
        assert erase == ["persons"]
        text_columns = [r["name"] for r in u.session.execute(text("PRAGMA table_info(audit_events)")).mappings()
                        if any(t in r["type"].upper() for t in ("CHAR", "TEXT", "CLOB"))]
        assert text_columns
        for column in text_columns:
            for needle in (LAST_NAME, FIRST_NAME, EMAIL, "Kappel"):
                hits = u.session.execute(text(
                    f"SELECT count(*) FROM audit_events WHERE \"{column}\" LIKE :n"),
                    {"n": f"%{needle}%"}).scalar()
                assert hits == 0, (column, needle)


def _database_files(db_path: Path) -> list[Path]:
    return [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]


def _traces(db_path: Path) -> dict[str, int]:
    found = {}
    for path in _database_files(db_path):
        data = path.read_bytes().lower()
        for needle in (LAST_NAME, FIRST_NAME):
            n = data.count(needle.lower().encode())
            if n:
                found[f"{path.name}:{needle}"] = n
    return found


def test_the_name_is_gone_from_the_file_bytes(db_path):
    # a plain database (from before encryption): only there are names visible in the bytes.
    # In an encrypted one the old pages would stay as ciphertext that her key still reads;
    # secure_delete and the checkpoint that remove them work the same for both.
    ws = open_workspace(db_path)
    assert not ws.encrypted
    try:
        world = build_world(ws)
        assert _traces(db_path), "control: before the erasure the name is in the file or the WAL"
        with ws.uow() as u:
            persons.delete_person(u, world.erna.id)
        wal = db_path.with_name(db_path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
        assert _traces(db_path) == {}
    finally:
        ws.close()
    assert _traces(db_path) == {}
    assert b"bernd" in db_path.read_bytes().lower()  # control: the other resident is still there


def test_an_encrypted_file_never_shows_the_name(ws, world, db_path):
    """Her database is encrypted: neither the file nor its WAL hold a name in clear text."""
    assert _database_files(db_path) and _traces(db_path) == {}
    assert b"bernd" not in b"".join(p.read_bytes().lower() for p in _database_files(db_path))
    with ws.uow(read_only=True) as u:  # control: the data is there, readable with the key
        assert LAST_NAME in [p.last_name for p in persons.list_persons(u)]


def test_tags_used_only_by_the_erased_person_are_deleted(ws):
    from kuemmerer.services import volunteers

    with ws.uow() as uow:
        a = persons.create_person(uow, last_name="Eins")
        b = persons.create_person(uow, last_name="Zwei")
        volunteers.create_volunteer(uow, person_id=a.id, tags=[("faehigkeit", "Kocht für Frau Zzyx"),
                                                                ("sprache", "Arabisch")])
        volunteers.create_volunteer(uow, person_id=b.id, tags=[("sprache", "Arabisch")])
        persons.delete_person(uow, a.id)
    with ws.uow(read_only=True) as uow:
        names = [r[0] for r in uow.session.execute(text("SELECT name FROM tags"))]
    assert names == ["Arabisch"]

"""Protokoll (audit log, issue 11 §6): the real log filtered by action, Bereich, record and local
days; paging reaches every row; the export holds exactly the filtered rows; and no name or
note ever reaches the log or its export."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import openpyxl
import pytest
from sqlalchemy import event, insert, text

from kuemmerer.db.models import AuditEvent, Base
from kuemmerer.domain.errors import ValidationError
from kuemmerer.exports import xlsx
from kuemmerer.services import audit, maintenance, persons, requests
from kuemmerer.services.audit import AuditQuery

CANARY_NAME = "Quaxelbrink"
CANARY_FIRST = "Ottilie-Zebulon"
CANARY_NOTE = "Schuldenberg bei der Kanarienbank"


@pytest.fixture
def berlin(monkeypatch):
    """Local time is German time (CET/CEST), whatever the machine says."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _insert(ws, *events: tuple[dt.datetime, str, str, int | None]) -> None:
    """Events at chosen (UTC) times, as the unit of work writes them."""
    with ws.uow() as uow:
        uow.session.execute(insert(AuditEvent), [{"at": at, "action": action, "entity": entity, "entity_id": ident}
                                                 for at, action, entity, ident in events])
        uow.commit()


def _all(ws, q: AuditQuery | None = None, limit: int = 50) -> list[audit.AuditRow]:
    rows: list[audit.AuditRow] = []
    with ws.uow(read_only=True) as uow:
        while True:
            page = audit.page(uow, q, len(rows), limit)
            if not page:
                return rows
            rows.extend(page)


@pytest.fixture
def worked(ws):
    """Two persons with a contact each, one of them erased, and a backup taken."""
    with ws.uow() as uow:
        kept = persons.create_person(uow, last_name="Musterfrau", first_name="Erika")
        gone = persons.create_person(uow, last_name="Beispiel", first_name="Bert")
    with ws.uow() as uow:
        contact = requests.create_contact(uow, person_id=kept.id, date=dt.date.today(), note="Formular")
        requests.create_contact(uow, person_id=gone.id, date=dt.date.today())
    with ws.uow() as uow:
        persons.delete_person(uow, gone.id)
    maintenance.create_backup(ws)
    return {"kept": kept.id, "gone": gone.id, "contact": contact.id}


def test_filter_by_action_finds_exactly_the_erasure_and_the_backup(ws, worked):
    erased = _all(ws, AuditQuery(action="erase"))
    assert [(r.action_label, r.entity_label, r.entity_id) for r in erased] == [
        ("personenbezogene Daten gelöscht", "Person", worked["gone"])]
    backups = _all(ws, AuditQuery(action="backup"))
    assert [(r.action_label, r.entity_label, r.entity_id) for r in backups] == [
        ("Sicherung erstellt", "Datenbank", None)]
    with ws.uow(read_only=True) as uow:
        assert audit.count(uow, AuditQuery(action="erase")) == 1
        assert audit.count(uow, AuditQuery()) == len(_all(ws))
        assert audit.count(uow, AuditQuery()) > 10  # the default lists, persons, contacts …


def test_filter_by_bereich_and_record_number(ws, worked):
    contacts = _all(ws, AuditQuery(entity="contacts", action="create"))
    assert len(contacts) == 2 and {r.entity_label for r in contacts} == {"Kontakt"}
    assert worked["contact"] in {r.entity_id for r in contacts}
    history = _all(ws, AuditQuery(entity="persons", entity_id=str(worked["gone"])))
    assert history[-1].action == "create"  # newest first: the creation comes last
    assert {r.action for r in history} >= {"create", "erase"}
    assert {r.entity_id for r in history} == {worked["gone"]}
    assert _all(ws, AuditQuery(entity="persons", entity_id=worked["kept"], action="erase")) == []
    # the label she sees works as a filter value too
    assert [r.id for r in _all(ws, AuditQuery(entity="Kontakt"))] == [r.id for r in _all(ws, AuditQuery(
        entity="contacts"))]


def test_entities_lists_the_kinds_present_in_german_order(ws, worked):
    with ws.uow(read_only=True) as uow:
        found = audit.entities(uow)
    keys = [k for k, _label in found]
    assert {"persons", "contacts", "database", "districts", "categories"} <= set(keys)
    assert "referrals" not in keys  # none written
    labels = [label for _k, label in found]
    assert labels == sorted(labels, key=lambda s: s.casefold().replace("ä", "a").replace("ö", "o"))


def test_days_are_local_days_and_times_are_shown_in_local_time(ws, berlin):
    _insert(ws,
            (dt.datetime(2026, 3, 1, 22, 59, 59), "update", "persons", 1),  # 01.03. 23:59:59 in Berlin
            (dt.datetime(2026, 3, 1, 23, 0, 0), "update", "persons", 2),  # 02.03. 00:00:00
            (dt.datetime(2026, 3, 2, 22, 59, 59), "update", "persons", 3),  # 02.03. 23:59:59
            (dt.datetime(2026, 3, 2, 23, 0, 0), "update", "persons", 4),  # 03.03. 00:00:00
            (dt.datetime(2026, 7, 1, 21, 30, 0), "update", "persons", 5))  # 01.07. 23:30 (summer time)
    day = _all(ws, AuditQuery(date_from="02.03.2026", date_to=dt.date(2026, 3, 2), action="update"))
    assert [(r.entity_id, r.at_text) for r in day] == [(3, "02.03.2026 23:59:59"), (2, "02.03.2026 00:00:00")]
    assert [r.entity_id for r in _all(ws, AuditQuery(date_to="01.03.2026", action="update"))] == [1]
    assert [r.entity_id for r in _all(ws, AuditQuery(date_from="03.03.2026", date_to="30.06.2026",
                                                     action="update"))] == [4]
    assert [r.at_text for r in _all(ws, AuditQuery(date_from="01.07.2026", date_to="01.07.2026"))] == [
        "01.07.2026 23:30:00"]
    oldest_first = _all(ws, AuditQuery(action="update", descending=False))
    assert [r.entity_id for r in oldest_first] == [1, 2, 3, 4, 5]


def test_paging_reaches_every_row_once_in_order_even_with_equal_times(ws):
    same = dt.datetime(2026, 5, 5, 10, 0, 0)
    _insert(ws, *[(same if i % 3 else same + dt.timedelta(seconds=i), "update", "requests", i)
                  for i in range(1, 1235)])
    q = AuditQuery(entity="requests")
    rows = _all(ws, q, limit=97)
    with ws.uow(read_only=True) as uow:
        assert audit.count(uow, q) == 1234
    assert len(rows) == 1234 and len({r.id for r in rows}) == 1234
    keys = [(r.at, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_export_holds_exactly_the_filtered_rows_as_shown(ws, worked, tmp_path):
    _insert(ws, *[(dt.datetime(2026, 1, 1, 12, 0, 0), "update", "contacts", i) for i in range(1, 30)])
    q = AuditQuery(entity="contacts")
    shown = _all(ws, q)
    target = tmp_path / "protokoll.xlsx"
    with ws.uow(read_only=True) as uow:
        source = audit.export(uow, q, page_size=4, today=dt.date(2026, 12, 6))  # many pages across equal times
        assert source.file_name == "Protokoll_2026-12-06.xlsx"
        written = xlsx.save_table(target, source)
    assert written == len(shown) == 31
    sheet = openpyxl.load_workbook(target)["Protokoll"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nr.", "Zeitpunkt", "Aktion", "Bereich", "Datensatz-Nr.")
    assert rows[1:] == [(r.id, r.at, r.action_label, r.entity_label, r.entity_id) for r in shown]
    assert [f"{at:%d.%m.%Y %H:%M:%S}" for _n, at, *_ in rows[1:]] == [r.at_text for r in shown]
    assert {entity for *_x, entity, _i in rows[1:]} == {"Kontakt"}


def test_export_of_an_empty_filter_is_a_header_only_table(ws, worked, tmp_path):
    with ws.uow(read_only=True) as uow:
        written = xlsx.save_table(tmp_path / "leer.xlsx", audit.export(uow, AuditQuery(action="restore")))
    assert written == 0
    rows = list(openpyxl.load_workbook(tmp_path / "leer.xlsx").active.iter_rows(values_only=True))
    assert rows == [("Nr.", "Zeitpunkt", "Aktion", "Bereich", "Datensatz-Nr.")]


def test_canary_no_name_or_note_reaches_the_log_or_its_export(ws, tmp_path):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name=CANARY_NAME, first_name=CANARY_FIRST, notes=CANARY_NOTE,
                                  phone="0371 4711-0815")
    with ws.uow() as uow:
        persons.update_person(uow, p.id, notes=CANARY_NOTE + " (erledigt)", street="Kanarienweg 7")
        requests.create_contact(uow, person_id=p.id, date=dt.date.today(), note=CANARY_NOTE)
    with ws.uow() as uow:
        persons.delete_person(uow, p.id)
    secrets = (CANARY_NAME, CANARY_FIRST, "Kanarienbank", "Kanarienweg", "4711")
    with ws.uow(read_only=True) as uow:
        stored = uow.session.execute(text("SELECT * FROM audit_events")).all()
        source = audit.export(uow)
        xlsx.save_table(tmp_path / "p.xlsx", source)
        shown = audit.page(uow, None, 0, 10_000)
    assert len(stored) == len(shown) > 5
    dump = repr(stored) + repr(shown)
    with zipfile.ZipFile(tmp_path / "p.xlsx") as z:
        dump += "".join(z.read(name).decode("utf-8") for name in z.namelist())
    assert "Person" in dump  # the dump is real: the Bereich is there …
    for secret in secrets:
        assert secret not in dump  # … the person's data is not


def test_invalid_filters_get_german_messages_per_field(ws):
    cases = [
        (AuditQuery(date_from="10.03.2026", date_to="01.03.2026"), "date_to", "nicht vor"),
        (AuditQuery(date_from="31.02.2026"), "date_from", "Februar"),
        (AuditQuery(date_to="gestern abend"), "date_to", "Datum"),
        (AuditQuery(action="explodiert"), "action", "Unbekannter Wert"),
        (AuditQuery(entity=["persons"]), "entity", "Bereich"),  # type: ignore[arg-type]
        (AuditQuery(entity="x" * 41), "entity", "Bereich"),
        (AuditQuery(entity_id="siebzehn"), "entity_id", "Datensatz-Nummer"),
        (AuditQuery(entity_id=0), "entity_id", "Datensatz-Nummer"),
        (AuditQuery(descending="ja"), "descending", "Reihenfolge"),  # type: ignore[arg-type]
    ]
    with ws.uow(read_only=True) as uow:
        for q, field, words in cases:
            for call in (lambda q=q: audit.count(uow, q), lambda q=q: audit.page(uow, q, 0, 10),
                         lambda q=q: audit.export(uow, q), lambda q=q: audit.check(q)):
                with pytest.raises(ValidationError) as caught:
                    call()
                assert field in caught.value.errors, (q, caught.value.errors)
                assert words in caught.value.errors[field]
        with pytest.raises(ValidationError) as caught:
            audit.count(uow, {"action": "erase"})  # type: ignore[arg-type]
        assert "Protokoll" in caught.value.errors["query"]


def test_every_table_has_a_german_bereich_and_unknown_kinds_stay_readable():
    tables = set(Base.metadata.tables) - {"audit_events"}
    missing = sorted(t for t in tables if t not in audit.ENTITY_LABELS)
    assert missing == []
    assert audit.entity_label("persons") == "Person"
    assert audit.entity_label("issued_reports") == "Bericht"
    assert audit.entity_label("parking_spaces") == "Sonstiges (parking spaces)"
    assert audit.action_label("erase") == "personenbezogene Daten gelöscht"
    assert audit.action_label("vanished") == "vanished"


def test_page_and_count_read_through_sql_filters(ws):
    """The filter runs in the query: a million-row log would not be loaded to filter it."""
    _insert(ws, *[(dt.datetime(2026, 2, 2, 8, 0, 0), "delete", "tags", i) for i in range(1, 6)])
    with ws.uow(read_only=True) as uow:
        statements: list[str] = []
        engine = uow.session.get_bind()

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            rows = audit.page(uow, AuditQuery(action="delete", entity="tags"), 0, 3)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert [r.entity_id for r in rows] == [5, 4, 3]
        assert any("LIMIT" in s and "audit_events.action =" in s for s in statements)

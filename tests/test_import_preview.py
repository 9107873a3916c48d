"""Import of her old lists (issue 15), first part: reading messy .csv and .xlsx files and the
preview of a list of persons. Nothing is written by any of it."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import importing, lists, persons
from tests.test_service_validation import snapshot

TODAY = dt.date(2026, 12, 6)
MESSY = (" Familienname ;VORNAME;Geb.-Datum;Geschlecht;PLZ;Ortsteil;Lieblingsfarbe\r\n"
         "Müller;Karin;12.03.1955;w;09123;Kappel;grün\r\n"
         "Schäfer;Jürgen;1.2.55;Herr;9123;Hutholz;blau\r\n"
         ";Ohne;01.01.1990;w;;;\r\n"
         "Weiß;Anna;31.02.1980;w;;;\r\n"
         "müller ;karin;12.03.1955;Frau;;;\r\n"
         "Özdemir;Ali;;m;09126;Neustadt;\r\n")


@pytest.fixture
def kappel(uow):
    return lists.districts.create(uow, name="Kappel").id


def test_a_windows_1252_csv_with_semicolons_is_read_as_she_sees_it(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    table = importing.read_table(path)
    assert (table.encoding, table.delimiter, table.first_row) == ("cp1252", ";", 2)
    assert table.headers[0] == "Familienname" and table.rows[0][:2] == ("Müller", "Karin")
    assert table.rows[1][0] == "Schäfer"
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + "Name,Vorname\nWeiß,Anna\n".encode())
    assert importing.read_table(utf8).headers == ("Name", "Vorname")  # the BOM is not part of the header
    tabs = tmp_path / "tabs.txt"
    tabs.write_text("Nachname\tVorname\nKoch\tEva\n", encoding="utf-8")
    assert importing.read_table(tabs).rows == (("Koch", "Eva"),)


def test_an_xlsx_with_a_date_serial_and_a_name_in_one_column(tmp_path):
    path = tmp_path / "alt.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Bewohner"
    ws.append([])  # a blank line above the header
    ws.append(["Name", "Geburtsjahr", "Geb.-Datum", "PLZ"])
    ws.append(["Müller, Karin", None, dt.datetime(1955, 3, 12), 9123])
    ws.append(["Hans Peter Schulz", 1948, 45000, "09126"])
    book.save(path)
    table = importing.read_table(path)
    assert (table.sheet, table.sheets, table.first_row) == ("Bewohner", ("Bewohner",), 3)
    with pytest.raises(ValidationError) as err:
        importing.read_table(path, sheet="Gibtsnicht")
    assert "Blatt" in err.value.errors["file"]


def test_the_preview_creates_matches_fills_and_rejects_with_row_numbers(ws, uow, kappel, tmp_path):
    existing = persons.create_person(uow, last_name="Müller", first_name="Karin", birth_date=dt.date(1955, 3, 12))
    namesake = persons.create_person(uow, last_name="Özdemir", first_name="Ali")  # no birth date, no address
    path = tmp_path / "liste.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    before = snapshot(ws)
    preview = importing.preview_persons(uow, importing.read_table(path), today=TODAY)
    assert snapshot(ws) == before  # a preview writes nothing
    by_row = {r.row: r for r in preview.rows}
    assert (by_row[2].action, by_row[2].person_id) == (importing.MATCH, existing.id)
    assert set(by_row[2].fills) == {"gender", "postcode", "district_id"}  # only her empty fields
    assert by_row[3].action == importing.CREATE
    assert by_row[3].values["postcode"] == "09123" and by_row[3].values["gender"] == "maennlich"
    assert by_row[3].values["birth_date"] == dt.date(1955, 2, 1)
    assert (by_row[4].action, by_row[4].reason) == (importing.REJECT, "Der Nachname fehlt.")
    assert by_row[5].action == importing.REJECT and "31.02.1980" in by_row[5].reason
    assert (by_row[6].action, by_row[6].same_as_row) == (importing.MATCH, 2)  # "müller ;karin" again
    assert (by_row[7].action, by_row[7].candidates) == (importing.UNCERTAIN, (namesake.id,))
    assert preview.new_districts == ("Hutholz", "Neustadt")
    assert [preview.mapping[i] for i in sorted(preview.mapping)] == [
        "last_name", "first_name", "birth_date", "gender", "postcode", "district"]
    assert preview.unknown_columns == (6,)
    assert importing.describe(preview) == "1 neu, 2 vorhanden (1 werden ergänzt), 1 unsicher, 2 abgelehnt"


def test_without_a_name_column_she_is_asked_to_map_one(uow, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Farbe;Zahl\nrot;1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        importing.preview_persons(uow, importing.read_table(path), today=TODAY)
    assert "Namen" in err.value.errors["mapping"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("leer.csv", b"", "leer"), ("leer2.csv", b"\n\n  \n", "leer"), ("kaputt.xlsx", b"PK\x03\x04 kein zip", "öffnen"),
    ("bild.png", b"\x89PNG", "Excel-Datei"),
])
def test_files_that_are_no_table_are_refused_in_german(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        importing.read_table(path)
    assert message in err.value.errors["file"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_as_csv_give_a_table_or_a_german_refusal_and_the_preview_writes_nothing(ws, tmp_path, data):
    path = tmp_path / "zufall.csv"
    path.write_bytes(b"Nachname;Vorname;Geburtsdatum;PLZ;Geschlecht\n" + data)
    table = importing.read_table(path)
    before = snapshot(ws)
    with ws.uow() as uow:
        preview = importing.preview_persons(uow, table, today=TODAY)
    assert snapshot(ws) == before
    assert all(r.action in (importing.CREATE, importing.MATCH, importing.UNCERTAIN, importing.REJECT)
               for r in preview.rows)
    assert all(r.reason for r in preview.rows if r.action == importing.REJECT)


# --------------------------------------------------------------------------- writing and undo


def _messy(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    return importing.read_table(path)


def test_the_messy_file_imports_its_good_rows_and_a_second_import_adds_nothing(ws, tmp_path):
    from kuemmerer.services import maintenance

    with ws.uow() as uow:
        lists.districts.create(uow, name="Kappel")
        existing = persons.create_person(uow, last_name="Müller", first_name="Karin", birth_date=dt.date(1955, 3, 12))
        ali = persons.create_person(uow, last_name="Özdemir", first_name="Ali")
        preview = importing.preview_persons(uow, _messy(tmp_path), today=TODAY)
    done = importing.import_persons(ws, preview, file_name="liste.csv", decisions={7: importing.SAME},
                                    create_districts=True)
    assert (done.created, done.matched, done.filled, done.rejected, done.skipped) == (1, 2, 2, 2, 1)
    assert done.backup is not None and done.backup.exists()
    assert any(b.reason == "vor-import" for b in maintenance.list_backups(ws.path, ws.backup_dir))
    with ws.uow(read_only=True) as uow:
        karin = persons.get_person(uow, existing.id)
        assert (karin.gender, karin.postcode) == ("weiblich", "09123")  # her empty fields filled
        juergen = next(p for p in persons.list_persons(uow) if p.last_name == "Schäfer")
        assert (juergen.postcode, juergen.birth_date) == ("09123", dt.date(1955, 2, 1))
        districts = {d.id: d.name for d in lists.list_districts(uow)}
        assert districts[juergen.district_id] == "Hutholz"  # created as she chose
        assert persons.get_person(uow, ali.id).postcode == "09126"  # "dieselbe Person"
        count = len(persons.list_persons(uow))
        again = importing.preview_persons(uow, _messy(tmp_path), today=TODAY)
    second = importing.import_persons(ws, again, file_name="liste.csv", decisions={7: importing.SAME})
    assert (second.created, second.filled) == (0, 0)
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == count


def test_an_import_is_undone_as_a_whole_but_keeps_a_person_with_new_data(ws, tmp_path):
    from kuemmerer.services import requests

    path = tmp_path / "neu.csv"
    path.write_text("Nachname;Vorname\nNeu;Eins\nNeu;Zwei\n", encoding="utf-8")
    with ws.uow() as uow:
        preview = importing.preview_persons(uow, importing.read_table(path), today=TODAY)
    done = importing.import_persons(ws, preview, file_name="neu.csv")
    with ws.uow() as uow:
        zwei = next(p for p in persons.list_persons(uow) if p.first_name == "Zwei")
        requests.create_contact(uow, person_id=zwei.id, date=dt.date(2026, 12, 1))
        assert importing.undo_import(uow, done.import_id) == {"deleted": 1, "kept": 1}
        assert [p.first_name for p in persons.list_persons(uow)] == ["Zwei"]
        with pytest.raises(ValidationError):
            importing.undo_import(uow, done.import_id)


def test_a_bad_decision_writes_nothing(ws, tmp_path):
    with ws.uow() as uow:
        preview = importing.preview_persons(uow, _messy(tmp_path), today=TODAY)
    before = snapshot(ws)
    with pytest.raises(ValidationError):
        importing.import_persons(ws, preview, file_name="x.csv", decisions={7: "vielleicht"})
    assert snapshot(ws) == before

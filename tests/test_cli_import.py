"""`kuemmerer-cli import`: a list from her old file; --dry-run writes nothing, a real run writes
the good rows once (a second run adds nothing) and saves the rejected rows beside the file;
`imports` lists the history and `import-undo` takes an import back; bad input is one German line."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kuemmerer import cli
from kuemmerer.services import lists, persons, requests
from tests.test_service_validation import snapshot

LIST = ("Name;Geb.-Datum;Geschlecht;PLZ;Lieblingsfarbe\n"
        "Müller, Karin;12.03.1955;w;9123;x\n"
        "Jürgen Schäfer;01.02.1955;m;09123;y\n"
        ";01.01.1990;w;;\n"
        "Weiß, Anna;31.02.1980;w;;\n")


def run(ws, *args: str) -> int:
    return cli.main(["--db", str(ws.path), "import", *args])


def test_dry_run_shows_the_rows_and_writes_nothing(ws, tmp_path, capsys):
    source = tmp_path / "alt.csv"
    source.write_bytes(LIST.encode("cp1252"))
    before = snapshot(ws)
    assert run(ws, str(source), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Zeile 4: abgelehnt – Der Nachname fehlt." in out and "Zeile 5: abgelehnt" in out
    assert "Probelauf: 2 neu, 0 vorhanden (0 werden ergänzt), 0 unsicher, 2 abgelehnt. Nichts gespeichert." in out
    assert "Nicht übernommen: Lieblingsfarbe" in out
    assert snapshot(ws) == before


def test_a_real_run_writes_the_good_rows_once(ws, tmp_path, capsys):
    source = tmp_path / "alt.csv"
    source.write_bytes(LIST.encode("cp1252"))
    assert run(ws, str(source)) == 0
    assert "2 neu angelegt" in capsys.readouterr().out
    with ws.uow(read_only=True) as uow:
        names = sorted((p.last_name, p.first_name, p.postcode, p.birth_date) for p in persons.list_persons(uow))
    assert names == [("Müller", "Karin", "09123", dt.date(1955, 3, 12)),
                     ("Schäfer", "Jürgen", "09123", dt.date(1955, 2, 1))]
    assert run(ws, str(source)) == 0
    assert "0 neu angelegt, 2 schon vorhanden" in capsys.readouterr().out
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 2


def test_a_contact_log_the_rejected_rows_beside_it_the_history_and_undo(ws, tmp_path, capsys):
    source = tmp_path / "kontakte.csv"
    source.write_text("Datum;Name;Thema;Art\n03.02.2026;Koch, Eva;Miete;Telefon\n"
                      "04.02.2026;Koch, Eva;Wohnumfeld;\n31.02.2026;Weiß, Anna;Miete;\n", encoding="utf-8")
    assert run(ws, str(source), "--create-topics") == 0
    out = capsys.readouterr().out
    assert "Art der Liste: Kontakte" in out and "Zeile 4: abgelehnt" in out
    assert "Kontakte: 2 neu angelegt" in out and "1 neue Person." in out
    rejected = tmp_path / "kontakte-abgelehnt.xlsx"
    assert f"Abgelehnte Zeilen gespeichert: {rejected}" in out
    cells = list(openpyxl.load_workbook(rejected).active.iter_rows(values_only=True))
    assert cells[0] == ("Zeile", "Grund", "Datum", "Name", "Thema", "Art")
    assert cells[1][0] == 4 and "31.02.2026" in cells[1][2] and cells[1][3] == "Weiß, Anna"
    with ws.uow(read_only=True) as uow:
        assert len(requests.contacts.list(uow)) == 2
        assert {"Miete", "Wohnumfeld"} <= {c.name for c in lists.list_categories(uow)}

    assert cli.main(["--db", str(ws.path), "imports"]) == 0
    history = capsys.readouterr().out
    assert "Nr. 1" in history and "Kontakte: kontakte.csv – 2 neu" in history and "aktiv" in history
    assert cli.main(["--db", str(ws.path), "import-undo", "1"]) == 0
    assert "Import Nr. 1 rückgängig gemacht: 5 Einträge gelöscht." in capsys.readouterr().out  # 2 + Eva + 2 Themen
    with ws.uow(read_only=True) as uow:
        assert requests.contacts.list(uow) == [] and persons.list_persons(uow) == []
    assert cli.main(["--db", str(ws.path), "import-undo", "1"]) == 2
    assert "schon rückgängig" in capsys.readouterr().err
    assert run(ws, str(source), "--create-topics") == 0
    assert (tmp_path / "kontakte-abgelehnt-2.xlsx").exists()  # the first list of rejected rows stays hers


def test_a_new_thema_or_stadtgebiet_goes_to_one_she_has(ws, tmp_path, capsys):
    with ws.uow() as uow:
        miete = lists.categories.create(uow, name="Miete").id
        nord = lists.districts.create(uow, name="Nordstadt").id
    contacts = tmp_path / "k.csv"
    contacts.write_text("Datum;Name;Thema\n03.02.2026;Koch, Eva;Mietrecht\n", encoding="utf-8")
    assert run(ws, str(contacts), "--topic-as", "mietrecht=MIETE") == 0
    assert "Unbekannte Themen" not in capsys.readouterr().out
    people = tmp_path / "p.csv"
    people.write_text("Nachname;Vorname;Kiez\nBerg;Udo;Nordst.\n", encoding="utf-8")
    assert run(ws, str(people), "--district-as", "Nordst.=Nordstadt") == 0
    with ws.uow(read_only=True) as uow:
        assert [c.category_id for c in requests.contacts.list(uow)] == [miete]
        assert {p.last_name: p.district_id for p in persons.list_persons(uow)}["Berg"] == nord
        assert [c.name for c in lists.list_categories(uow)].count("Mietrecht") == 0


def test_map_assigns_a_column_by_hand(ws, tmp_path, capsys):
    source = tmp_path / "zuname.csv"
    source.write_text("Familie;Ruf\nKoch;Eva\n", encoding="utf-8")
    assert run(ws, str(source), "--map", "Familie=Nachname", "--map", "Ruf=Vorname", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Familie → Nachname" in out and "Ruf → Vorname" in out and "1 neu" in out


@pytest.mark.parametrize(("content", "args", "message"), [
    ("Nachname;Vorname\nKoch;Eva\n", ("--kind", "termine"), "--kind"),
    ("Datum;Thema\n01.02.2024;Miete\n", ("--kind", "kontakte"), "Namen"),
    ("Datum;Name;Thema\n01.02.2024;Koch;Mietrecht\n", ("--topic-as", "Mietrecht=Gibtsnicht"), "--topic-as"),
    ("Nachname;Kiez\nKoch;Nord\n", ("--district-as", "Nord"), "--district-as"),
    ("Nachname;Vorname\nKoch;Eva\n", ("--map", "Nachname"), "SPALTE=FELD"),
    ("Nachname;Vorname\nKoch;Eva\n", ("--map", "Gibtsnicht=Nachname"), "SPALTE=FELD"),
    ("", (), "leer"),
    (None, (), "Ordner"),
])
def test_bad_input_is_one_german_line_and_exit_2(ws, tmp_path, capsys, content, args, message):
    source = tmp_path / "x.csv"
    if content is None:
        source.mkdir()  # a folder where a file is expected
    else:
        source.write_text(content, encoding="utf-8")
    before = snapshot(ws)
    assert run(ws, str(source), *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert snapshot(ws) == before

"""``kuemmerer-cli lists``: print her lists, add a district with its streets (to set up
several offices the same way); bad input is one German line and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuemmerer import cli
from kuemmerer.services import encryption, lists
from tests.conftest import TEST_PASSWORD, create_encrypted


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def district_rows(db: Path) -> list[tuple[str, list[str]]]:
    ws = encryption.open_with(db, password=TEST_PASSWORD)
    try:
        with ws.uow(read_only=True) as uow:
            return [(d.name, [s.name for s in lists.streets(uow, d.id)]) for d in lists.list_districts(uow)]
    finally:
        ws.close()


@pytest.fixture
def streets_file(tmp_path: Path) -> Path:
    path = tmp_path / "kappel.txt"
    path.write_text("Zwickauer Straße\n\nMüllerweg\nzwickauer str.\n", encoding="utf-8")
    return path


def test_add_districts_with_streets_to_a_new_database_and_list_them(capsys, tmp_path, streets_file):
    db = tmp_path / "buero.sqlite"
    # a new office: "init" makes the encrypted database (the password from KUEMMERER_PASSWORD)
    code, out, err = run(capsys, "--db", str(db), "init", "--notfallblatt", str(tmp_path / "notfallblatt.pdf"))
    assert (code, err) == (0, "") and encryption.state(db) == encryption.DbState.ENCRYPTED
    code, out, err = run(capsys, "--db", str(db), "lists", "districts", "--add", "Kappel", "--streets", str(streets_file))
    assert (code, err) == (0, "")
    assert out.strip() == "Hinzugefügt: Kappel mit 2 Straßen."
    assert run(capsys, "--db", str(db), "lists", "districts", "--add", "Hutholz")[0] == 0
    assert district_rows(db) == [("Kappel", ["Müllerweg", "Zwickauer Straße"]), ("Hutholz", []),
                                 ("außerhalb", [])]

    code, out, err = run(capsys, "--db", str(db), "lists", "districts")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["Kappel", "Hutholz", "außerhalb"]
    assert lines[0].split()[1:] == ["aktiv", "2", "Straßen"]


def test_list_categories_and_services_show_inactive_ones(capsys, tmp_path):
    db = tmp_path / "buero.sqlite"
    ws = create_encrypted(db)
    with ws.uow() as uow:
        sid = next(s.id for s in lists.list_services(uow) if s.name == "Jobcenter")
        lists.set_active(uow, "services", sid, False)
    ws.close()
    code, out, _ = run(capsys, "--db", str(db), "lists", "services")
    assert code == 0
    assert "Jobcenter" in out and out.split("Jobcenter", 1)[1].split()[0] == "deaktiviert"
    code, out, _ = run(capsys, "--db", str(db), "lists", "categories")
    assert code == 0 and out.splitlines()[0].split()[0:2] == ["Schulden", "und"]
    assert "Straßen" not in out


@pytest.mark.parametrize(("args", "message"), [
    (("--add", "Kappel"), "Dieses Stadtgebiet gibt es schon."),
    (("--add", "kappel"), "Dieses Stadtgebiet gibt es schon."),
    (("--add", "Hutholz", "--streets", "fehlt.txt"), "gibt es nicht"),
    (("--add", "Hutholz", "--streets", "latin1.txt"), "keine UTF-8-Textdatei"),
    (("--add", "Hutholz", "--streets", "."), "ist ein Ordner"),
    (("--add", "Hutholz", "--streets", "bad.txt"), "Zeile 2"),
    (("--add", "   "), "Bitte ausfüllen."),
    (("--streets", "kappel.txt"), "nur zusammen mit --add"),
])
def test_bad_input_is_one_german_line_exit_2_and_nothing_written(capsys, tmp_path, streets_file, args, message,
                                                                 monkeypatch):
    db = tmp_path / "buero.sqlite"
    create_encrypted(db).close()
    assert run(capsys, "--db", str(db), "lists", "districts", "--add", "Kappel")[0] == 0
    (tmp_path / "latin1.txt").write_bytes("Straße\n".encode("latin-1"))
    (tmp_path / "bad.txt").write_text("Gut\nBö\x00se\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = district_rows(db)
    code, out, err = run(capsys, "--db", str(db), "lists", "districts", *args)
    assert code == 2 and out == ""
    assert err.startswith("Fehler: ") and err.count("\n") == 1 and message in err
    assert district_rows(db) == before


@pytest.mark.parametrize("args", [(), ("--add", "Kappel")])
def test_listing_needs_an_existing_database(capsys, tmp_path, args):
    """Adding does not create a database either: a new one is encrypted and made by "init"
    (which asks for the password and writes the Notfallblatt first)."""
    code, out, err = run(capsys, "--db", str(tmp_path / "nicht-da.sqlite"), "lists", "districts", *args)
    assert code == 2 and "gibt es nicht" in err and "init --notfallblatt" in err
    assert not (tmp_path / "nicht-da.sqlite").exists()
    assert list(tmp_path.iterdir()) == []  # no key file, no lock file


def test_streets_only_for_districts(capsys, tmp_path, streets_file):
    db = tmp_path / "buero.sqlite"
    create_encrypted(db).close()
    code, _, err = run(capsys, "--db", str(db), "lists", "services", "--add", "Tafel", "--streets", str(streets_file))
    assert code == 2 and "nur für districts" in err
    code, out, _ = run(capsys, "--db", str(db), "lists", "services", "--add", "Tafel")
    assert (code, out.strip()) == (0, "Hinzugefügt: Tafel.")

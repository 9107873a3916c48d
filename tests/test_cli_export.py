"""``kuemmerer-cli export``: the Jahresstatistik and the lists as xlsx from the command line;
bad periods, unknown lists and unwritable targets end in one German line, exit 2, and no
file (not even a half-written one)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

import openpyxl
import pytest

from kuemmerer import cli
from kuemmerer.services import archive, listing, workspace
from tests.conftest import TEST_KEY
from tests.demo_data import copy_of, demo_template

YEAR = 2025


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory, years=1, seed=5, today=dt.date(YEAR, 12, 31))


@pytest.fixture
def db(template, tmp_path):
    return copy_of(template, tmp_path)


def run(db, *args: str) -> int:
    return cli.main(["--db", str(db), *args])


def archived(db):
    ws = workspace.open_workspace(db, key=TEST_KEY)
    try:
        with ws.uow(read_only=True) as uow:
            return archive.list_reports(uow)
    finally:
        ws.close()


def test_export_stats_writes_the_figures_of_stats_json_and_archives_them(db, tmp_path, capsys):
    assert run(db, "stats", "--from", "1.4.2025", "--to", "30.6.2025", "--json") == 0
    expected = json.loads(capsys.readouterr().out)
    out = tmp_path / "statistik.xlsx"
    assert run(db, "export", "stats", "--from", "1.4.2025", "--to", "30.6.2025", "--out", str(out)) == 0
    assert "Jahresstatistik 2. Quartal 2025" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    figures = {r[0]: r[1] for r in wb["Kennzahlen"].iter_rows(min_row=2, values_only=True)}
    assert figures["Kontakte"] == expected["contacts"] > 0
    assert figures["Teilnehmende (namentlich)"] == expected["participants"]["named"]
    districts = {r[0]: r[1] for r in wb["Stadtgebiete"].iter_rows(min_row=2, values_only=True) if r[0] not in
                 (None, "Summe")}
    assert districts == expected["participants"]["by_district"]
    [report] = archived(db)
    assert (report.period.label, report.file_name) == ("2. Quartal 2025", "Jahresstatistik_2025-Q2.xlsx")
    assert report.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()


def test_export_list_persons_with_a_search(db, tmp_path, capsys):
    ws = workspace.open_workspace(db, key=TEST_KEY)
    with ws.uow(read_only=True) as uow:
        some = listing.person_page(uow, listing.PersonQuery(), 0, 1)[0]
        search = some.name.split(",")[0]
        expected = listing.person_page(uow, listing.PersonQuery(search=search), 0, 10_000)
    ws.close()
    out = tmp_path / "personen.xlsx"
    assert run(db, "export", "list", "persons", "--search", search, "--out", str(out)) == 0
    assert f"({len(expected)} Zeile" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)["Personen"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [p.name for p in expected]


def test_export_list_contacts_of_a_period(db, tmp_path):
    out = tmp_path / "kontakte.xlsx"
    assert run(db, "export", "list", "contacts", "--from", "1.3.2025", "--to", "31.3.2025", "--out", str(out)) == 0
    rows = list(openpyxl.load_workbook(out)["Kontakte"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Datum", "Person", "Art")
    days = [r[0].date() for r in rows[1:]]
    assert days and days == sorted(days) and all(dt.date(2025, 3, 1) <= d <= dt.date(2025, 3, 31) for d in days)
    for kind in ("requests", "referrals", "partners"):
        assert run(db, "export", "list", kind, "--out", str(tmp_path / f"{kind}.xlsx")) == 0
        assert openpyxl.load_workbook(tmp_path / f"{kind}.xlsx").active.max_row > 1


@pytest.mark.parametrize(("args", "message"), [
    (["export", "list", "meetings"], "Unbekannte Liste"),
    (["export", "list", "persons", "--year", "2025"], "nur bei contacts"),
    (["export", "list", "contacts", "--from", "1.1.2025"], "--from und --to zusammen"),
    (["export", "stats"], "Bitte den Zeitraum angeben"),
    (["export", "stats", "--from", "1.5.2025", "--to", "1.4.2025"], "--to liegt vor --from"),
    (["export", "stats", "--year", "1800"], "--year 1800"),
    (["export", "stats", "--year", "2025", "--from", "1.1.2025", "--to", "2.1.2025"], "entweder --year"),
    (["export", "stats", "--from", "31.2.2025", "--to", "1.4.2025"], "31.2.2025"),
])
def test_bad_input_is_one_german_line_and_no_file(db, tmp_path, capsys, args, message):
    out = tmp_path / "x.xlsx"
    assert run(db, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler:") and message in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.sqlite", "k.sqlite.schluessel"]
    assert archived(db) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write everywhere")
def test_a_folder_she_may_not_write_to_is_refused(db, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert run(db, "export", "list", "persons", "--out", str(locked / "p.xlsx")) == 2
    assert "Keine Berechtigung" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["missing/p.xlsx", "folder"])
def test_unwritable_targets_are_refused(db, tmp_path, capsys, target):
    (tmp_path / "folder").mkdir()
    assert run(db, "export", "list", "persons", "--out", str(tmp_path / target)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler:") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "k.sqlite", "k.sqlite.schluessel"]
    assert list((tmp_path / "folder").iterdir()) == []


def test_a_disk_refusing_the_write_leaves_the_old_file(db, tmp_path, capsys, monkeypatch):
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"old")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert run(db, "export", "list", "persons", "--out", str(out)) == 2
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert "Der Datenträger ist voll" in capsys.readouterr().err
    assert out.read_bytes() == b"old" and not list(tmp_path.glob("*.tmp"))


def test_report_command_is_registered(db, tmp_path):
    out = tmp_path / "bericht.pdf"
    assert run(db, "report", "--year", str(YEAR), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "report" in cli.COMMANDS


def test_export_list_volunteers_with_the_hours_of_a_year(db, tmp_path, capsys):
    from kuemmerer.services import volunteers

    ws = workspace.open_workspace(db, key=TEST_KEY)
    with ws.uow(read_only=True) as uow:
        minutes: dict[int, int] = {}
        for a in volunteers.list_assignments(uow):
            if a.date.year == YEAR:
                minutes[a.volunteer_id] = minutes.get(a.volunteer_id, 0) + a.minutes
        expected = {v.id: round(minutes.get(v.id, 0) / 60, 2) for v in volunteers.list_volunteers(uow)}
    ws.close()
    assert sum(expected.values()) > 0
    out = tmp_path / "ehrenamt.xlsx"
    assert run(db, "export", "list", "volunteers", "--year", str(YEAR), "--out", str(out)) == 0
    assert f"({len(expected)} Zeile" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)["Ehrenamtliche"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected)
    assert sorted(r[header.index("Stunden")] for r in rows) == sorted(expected.values())
    assert {r[header.index("Stand")] for r in rows} <= {"aktiv", "pausiert", "beendet"}
    assert run(db, "export", "list", "activities", "--year", str(YEAR), "--out", str(tmp_path / "a.xlsx")) == 0
    assert openpyxl.load_workbook(tmp_path / "a.xlsx")["Aktivitäten"].max_row > 1
    capsys.readouterr()
    assert run(db, "export", "list", "volunteers", "--year", "99999", "--out", str(tmp_path / "x.xlsx")) == 2
    assert "1900 und 2200" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
    assert run(db, "export", "list", "activities", "--year", "1800", "--out", str(tmp_path / "y.xlsx")) == 2
    assert "1900 und 2200" in capsys.readouterr().err and not (tmp_path / "y.xlsx").exists()

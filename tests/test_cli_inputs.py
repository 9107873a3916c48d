"""Bad command-line input: one German line on stderr, exit 2, nothing created (issue 9, defect 9)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kuemmerer.cli import main
from kuemmerer.services import lists, partners, persons
from kuemmerer.services.workspace import open_workspace


@pytest.fixture
def db_with_referral(tmp_path):
    path = tmp_path / "daten" / "kuemmerer.sqlite"
    path.parent.mkdir()
    ws = open_workspace(path)
    try:
        with ws.uow() as u:
            svc = next(s.id for s in lists.list_services(u) if s.name == "Schuldnerberatung")
            org = partners.create_organisation(u, name="Beratungsstelle", service_ids=[svc])
            p = persons.create_person(u, last_name="Muster")
            ref = partners.create_referral(u, person_id=p.id, service_id=svc, organisation_id=org.id,
                                           referred_on=dt.date(2024, 3, 5))
    finally:
        ws.close()
    return path, ref.id


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def assert_one_german_line(code: int, err: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Fehler: "), err
    assert "unerwartet" not in lines[0].lower(), err
    assert "Traceback" not in err


@pytest.mark.parametrize("year", ["-1", "0", "10000"])
def test_stats_with_a_year_out_of_range(capsys, db_with_referral, year):
    db, _ref = db_with_referral
    before = files_under(db.parent)
    assert_one_german_line(*run(capsys, "--db", str(db), "stats", "--year", year))
    assert files_under(db.parent) == before


@pytest.mark.parametrize("ident", [str(2**63), str(10**30), "0", "-5"])
@pytest.mark.parametrize("command", ["referral-sheet", "consent-form"])
def test_an_id_no_record_can_have(capsys, db_with_referral, tmp_path, command, ident):
    db, _ref = db_with_referral
    out = tmp_path / "bogen.pdf"
    assert_one_german_line(*run(capsys, "--db", str(db), command, ident, "--out", str(out)))
    assert not out.exists()


def _unwritable(tmp_path: Path) -> str:
    locked = tmp_path / "gesperrt"
    locked.mkdir()
    (locked / "bogen.pdf").write_bytes(b"alt")
    (locked / "bogen.pdf").chmod(0o400)
    locked.chmod(0o500)
    return str(locked / "bogen.pdf")


OUTS = {
    "a-folder": str,
    "empty": lambda tmp: "",
    "over-long-name": lambda tmp: str(tmp / ("x" * 300 + ".pdf")),
    "unwritable": _unwritable,
}


@pytest.mark.parametrize("case", sorted(OUTS))
def test_out_that_cannot_be_written(capsys, db_with_referral, tmp_path, case):
    if case == "unwritable" and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    db, ref = db_with_referral
    target = tmp_path / "ziel"
    target.mkdir()
    out = OUTS[case](target)
    before = files_under(tmp_path)
    assert_one_german_line(*run(capsys, "--db", str(db), "referral-sheet", str(ref), "--out", out))
    assert files_under(tmp_path) == before


def test_a_5000_character_db_path(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_german_line(*run(capsys, "--db", "d" * 5000, "stats"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["stats"], ["check"], ["backup"], ["lists", "districts", "--add", "Kappel"],
                                     ["demo"]])
def test_dev_null_as_db_creates_nothing(capsys, command):
    assert not Path("/dev/null-journal").exists()
    assert_one_german_line(*run(capsys, "--db", "/dev/null", *command))
    assert not Path("/dev/null-journal").exists()
    assert not Path("/dev/null-wal").exists()

"""``kuemmerer-cli auskunft PERSON_NR --out ORDNER``: PDF and JSON without the name in the file
names; a bad number or folder exits 2 with one German line and writes nothing."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os

import pytest

from kuemmerer import cli, cli_auskunft
from kuemmerer.exports import auskunft_pdf
from kuemmerer.services import persons, requests, validation, workspace

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def run(monkeypatch):
    """``cli.main`` with the auskunft command registered as cli.py will register it."""
    build = cli.build_parser

    def parser():
        p = build()
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        if "auskunft" not in sub.choices:
            cli_auskunft.add_parser(sub, cli._record_id)
        return p

    monkeypatch.setattr(cli, "build_parser", parser)
    monkeypatch.setitem(cli.COMMANDS, "auskunft", cli_auskunft.run)
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    return cli.main


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "k.sqlite"
    ws = workspace.open_workspace(path)
    try:
        with ws.uow() as u:
            p = persons.create_person(u, last_name="Quaxelbrink", first_name="Ülrike", phone="0371 000000")
            requests.create_request(u, person_id=p.id, title="Ärger mit dem Vermieter", opened_on=TODAY)
            persons.create_person(u, last_name="Andere")
    finally:
        ws.close()
    return path, p.id


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "aus"
    folder.mkdir()
    return folder


def test_writes_pdf_and_json(run, db, out, capsys):
    path, pid = db
    assert run(["--db", str(path), "auskunft", str(pid), "--out", str(out)]) == 0
    stem = f"Auskunft_{pid}_2026-12-03"
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.json", f"{stem}.pdf"]
    assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    sections = {s["key"]: s["rows"] for s in data["sections"]}
    assert sections["persons"][0]["first_name"] == "Ülrike"
    assert [r["title"] for r in sections["requests"]] == ["Ärger mit dem Vermieter"]
    assert "Andere" not in (out / f"{stem}.json").read_text(encoding="utf-8")
    said = capsys.readouterr().out
    assert "Gespeichert:" in said and "Quaxelbrink" not in said


@pytest.mark.parametrize(("ident", "message"), [
    ("999", "Diese Person gibt es nicht."),
    ("0", "keine gültige Nummer"),
    ("abc", "keine gültige Nummer"),
    ("99999999999999999999999", "keine gültige Nummer"),
])
def test_bad_number_exits_2_and_writes_nothing(run, db, out, capsys, ident, message):
    path, _pid = db
    assert run(["--db", str(path), "auskunft", ident, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_missing_folder_or_a_file_as_folder(run, db, out, tmp_path, capsys):
    path, pid = db
    assert run(["--db", str(path), "auskunft", str(pid), "--out", str(tmp_path / "fehlt")]) == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert not (tmp_path / "fehlt").exists()
    a_file = tmp_path / "datei.txt"
    a_file.write_text("x")
    assert run(["--db", str(path), "auskunft", str(pid), "--out", str(a_file)]) == 2
    assert "kein Ordner" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_folder(run, db, out, capsys):
    path, pid = db
    out.chmod(0o500)
    try:
        assert run(["--db", str(path), "auskunft", str(pid), "--out", str(out)]) == 2
        assert "Keine Berechtigung" in capsys.readouterr().err
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


def test_a_failing_second_file_leaves_nothing_half_written(run, db, out, capsys, monkeypatch):
    path, pid = db
    real = auskunft_pdf.write_atomically

    def full_disk(content, target):
        if str(target).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(content, target)

    monkeypatch.setattr(auskunft_pdf, "write_atomically", full_disk)
    assert run(["--db", str(path), "auskunft", str(pid), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Der Datenträger ist voll" in err and "No space" not in err
    assert list(out.iterdir()) == []

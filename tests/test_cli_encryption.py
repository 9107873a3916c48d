"""``kuemmerer-cli`` with an encrypted database: ``init`` with the Notfallblatt, where the
password comes from (``KUEMMERER_PASSWORD``, ``--password-file``, ``--code-file``, none at
all), the demo password, and a restore onto an empty place from a backup with its key file."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from kuemmerer.cli import main
from kuemmerer.db import backup as bk
from kuemmerer.db import keyfile
from kuemmerer.services import encryption, maintenance, persons
from kuemmerer.services.encryption import DbState
from kuemmerer.services.workspace import backup_dir_for, open_workspace

from .conftest import TEST_KEY, TEST_PASSWORD, create_encrypted

SQLITE_HEAD = b"SQLite format 3\x00"


def snapshot(folder: Path) -> dict[str, tuple[int, bytes] | None]:
    return {str(p.relative_to(folder)): (None if p.is_dir() else (p.stat().st_mtime_ns, p.read_bytes()))
            for p in sorted(folder.rglob("*"))}


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()


def one_german_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Fehler: ") and "Traceback" not in err
    return lines[0]


@pytest.fixture
def enc(tmp_path):
    """A closed encrypted database with two persons and one backup, in its own folder."""
    path = tmp_path / "buero" / "kuemmerer.sqlite"
    path.parent.mkdir()
    ws = create_encrypted(path)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Beispiel", first_name="Berta")
        persons.create_person(uow, last_name="Muster", first_name="Max")
    ws.close()
    return path


def test_init_writes_the_notfallblatt_and_an_encrypted_database(tmp_path, capsys):
    db, sheet = tmp_path / "neu" / "kuemmerer.sqlite", tmp_path / "notfallblatt.pdf"
    assert main(["--db", str(db), "init", "--notfallblatt", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "Notfallblatt gespeichert" in out
    assert db.is_file() and db.read_bytes()[:16] != SQLITE_HEAD
    key = keyfile.unwrap(keyfile.keyfile_path(db), TEST_PASSWORD)
    text = "".join(pdf_text(sheet).split())
    assert encryption.code_of(key).replace("-", "") in text
    assert "kuemmerer.sqlite" in text
    assert encryption.state(db) is DbState.ENCRYPTED
    assert main(["--db", str(db), "check"]) == 0
    assert capsys.readouterr().out.strip() == "ok"


def test_init_with_a_weak_password_writes_neither_sheet_nor_database(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KUEMMERER_PASSWORD", "kurz")
    db, sheet = tmp_path / "kuemmerer.sqlite", tmp_path / "notfallblatt.pdf"
    assert main(["--db", str(db), "init", "--notfallblatt", str(sheet)]) == 2
    assert "zu kurz" in one_german_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_init_over_an_existing_database_is_refused(enc, capsys):
    before = snapshot(enc.parent)
    assert main(["--db", str(enc), "init", "--notfallblatt", str(enc.parent / "blatt.pdf")]) == 2
    assert "gibt es schon" in one_german_line(capsys.readouterr().err)
    assert snapshot(enc.parent) == before


def test_wrong_password_file_exits_2_with_one_german_line_and_changes_nothing(enc, tmp_path, capsys):
    pw_file = tmp_path / "pw.txt"
    pw_file.write_text("Falsches-Passwort-1\n", encoding="utf-8")
    before = snapshot(enc.parent)
    for command in (["check"], ["backup"], ["stats"]):
        assert main(["--db", str(enc), "--password-file", str(pw_file), *command]) == 2
        assert one_german_line(capsys.readouterr().err) == "Fehler: Das Passwort stimmt nicht."
    assert snapshot(enc.parent) == before
    # the right password in the file wins over the environment
    pw_file.write_text(TEST_PASSWORD + "\n", encoding="utf-8")
    assert main(["--db", str(enc), "--password-file", str(pw_file), "check"]) == 0
    assert capsys.readouterr().out.strip() == "ok"


def test_code_file_opens_a_database_whose_key_file_is_gone(enc, tmp_path, capsys):
    keyfile.keyfile_path(enc).unlink()
    assert main(["--db", str(enc), "check"]) == 2
    assert "--code-file" in one_german_line(capsys.readouterr().err)
    code_file = tmp_path / "code.txt"
    code_file.write_text(encryption.code_of(TEST_KEY).lower().replace("-", " ") + "\n", encoding="utf-8")
    assert main(["--db", str(enc), "--code-file", str(code_file), "check"]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    code_file.write_text(encryption.code_of(bytes(32)) + "\n", encoding="utf-8")
    assert main(["--db", str(enc), "--code-file", str(code_file), "check"]) == 2
    assert "passt nicht" in one_german_line(capsys.readouterr().err)


def test_no_password_anywhere_exits_2_with_a_german_line(enc, capsys, monkeypatch):
    monkeypatch.delenv("KUEMMERER_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nobody at a terminal
    before = snapshot(enc.parent)
    assert main(["--db", str(enc), "check"]) == 2
    line = one_german_line(capsys.readouterr().err)
    assert "verschlüsselt" in line and "KUEMMERER_PASSWORD" in line
    assert snapshot(enc.parent) == before
    new = enc.parent / "neu.sqlite"
    assert main(["--db", str(new), "init", "--notfallblatt", str(enc.parent / "blatt.pdf")]) == 2
    assert "fehlt ein Passwort" in one_german_line(capsys.readouterr().err)
    assert snapshot(enc.parent) == before


def test_demo_without_a_password_uses_the_demo_password(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("KUEMMERER_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    db = tmp_path / "demo.sqlite"
    assert main(["--db", str(db), "demo", "--years", "1"]) == 0
    err = capsys.readouterr().err
    assert encryption.DEMO_PASSWORD in err
    assert db.read_bytes()[:16] != SQLITE_HEAD
    assert keyfile.unwrap(keyfile.keyfile_path(db), encryption.DEMO_PASSWORD)
    monkeypatch.setenv("KUEMMERER_PASSWORD", encryption.DEMO_PASSWORD)
    assert main(["--db", str(db), "check"]) == 0
    assert capsys.readouterr().out.strip() == "ok"


def test_restore_onto_an_empty_place_adopts_the_backups_key_file(enc, capsys):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    # the laptop's folder is lost; the backup folder (a stick) is what is left
    enc.unlink()
    keyfile.keyfile_path(enc).unlink()
    assert main(["--db", str(enc), "restore", str(info.path)]) == 0
    assert "Wiederhergestellt" in capsys.readouterr().out
    assert enc.read_bytes()[:16] != SQLITE_HEAD
    assert keyfile.keyfile_path(enc).read_bytes() == bk.keyfile_of(info.path).read_bytes()
    assert encryption.state(enc) is DbState.ENCRYPTED
    assert main(["--db", str(enc), "check"]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    ws = encryption.open_with(enc, password=TEST_PASSWORD)
    with ws.uow(read_only=True) as uow:
        assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Beispiel", "Muster"]
    ws.close()
    assert bk.list_backups(enc, backup_dir_for(enc))

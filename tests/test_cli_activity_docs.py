"""``kuemmerer-cli sign-in-sheet`` and ``kuemmerer-cli certificate``: both write a valid PDF
(atomically); a bad id, a bad date or a reversed period is one German line, exit 2, no file."""

from __future__ import annotations

import datetime as dt
import errno
import os

import pytest

from kuemmerer import cli
from kuemmerer.services import activities, persons, settings, volunteers
from tests.conftest import create_encrypted
from tests.pdf_helpers import pdf_layout_text as pdf_text

D = dt.date


@pytest.fixture
def made(db_path):
    ws = create_encrypted(db_path)
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", postcode_city="09126 Chemnitz")
        cafe = activities.create_activity(uow, name="Café international", funder="Soziale Stadt")
        session = activities.create_session(uow, activity_id=cafe.id, date=D(2025, 3, 11), start_time="15:00")
        p = persons.create_person(uow, last_name="Öztürk", first_name="Elif")
        activities.add_attendance(uow, session_id=session.id, person_id=p.id)
        helper = persons.create_person(uow, last_name="Schäfer", first_name="Jürgen", gender="maennlich")
        v = volunteers.create_volunteer(uow, person_id=helper.id)
        for day, hours in ((D(2025, 3, 11), "2,5"), (D(2025, 5, 2), "1"), (D(2024, 12, 31), "7")):
            volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=cafe.id, date=day, hours=hours)
    ws.close()
    return {"db": db_path, "session": session.id, "volunteer": v.id}


def run(made, *args: str) -> int:
    return cli.main(["--db", str(made["db"]), *args])


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("out"))


def test_sign_in_sheet_writes_the_pdf(made, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    assert run(made, "sign-in-sheet", str(made["session"]), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")
    text = pdf_text(out)
    assert "Teilnehmerliste" in text and "Café international" in text and "11.03.2025" in text
    assert "Öztürk, Elif" in text and "Gefördert durch Soziale Stadt" in text
    assert capsys.readouterr().out.startswith(f"Gespeichert: {out}")
    assert leftovers(tmp_path) == ["out.pdf"]  # no temporary file left behind


@pytest.mark.parametrize(("start", "end"), [("2025-01-01", "2025-12-31"), ("1.1.2025", "31.12.2025")])
def test_certificate_writes_the_pdf_with_the_hours_of_the_period(made, tmp_path, capsys, start, end):
    out = tmp_path / "out.pdf"
    assert run(made, "certificate", str(made["volunteer"]), "--from", start, "--to", end, "--out", str(out)) == 0
    text = " ".join(pdf_text(out).split())
    assert "Ehrenamtsnachweis" in text and "Herr Jürgen Schäfer" in text
    assert "Insgesamt: 2 Einsätze mit 3,5 Stunden" in text  # not the 7 hours of 31.12.2024
    assert "3,5 Stunden" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "words"), [
    (["sign-in-sheet", "999"], "Diesen Termin gibt es nicht."),
    (["sign-in-sheet", "null"], "keine gültige Nummer"),
    (["certificate", "999", "--from", "2025-01-01", "--to", "2025-12-31"], "niemand als Ehrenamtliche*r"),
    (["certificate", "{v}", "--from", "2025-02-30", "--to", "2025-12-31"], "2025-02-30"),
    (["certificate", "{v}", "--from", "Januar", "--to", "2025-12-31"], "Januar"),
    (["certificate", "{v}", "--from", "2025-12-31", "--to", "2025-01-01"], "--to liegt vor --from"),
    (["certificate", "{v}", "--from", "2025-01-01"], "--to"),
    (["certificate", "{v}", "--from", "2023-01-01", "--to", "2023-12-31"], "keine Einsätze"),
])
def test_bad_input_is_one_german_line_exit_2_and_no_file(made, tmp_path, capsys, args, words):
    out = tmp_path / "out.pdf"
    args = [a.format(v=made["volunteer"]) for a in args]
    assert run(made, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("Fehler:") and words in err, err
    assert "Traceback" not in err
    assert leftovers(tmp_path) == []


def test_a_folder_or_missing_folder_as_target_exits_2(made, tmp_path, capsys):
    folder = tmp_path / "out-ordner"
    folder.mkdir()
    assert run(made, "sign-in-sheet", str(made["session"]), "--out", str(folder)) == 2
    assert "ist ein Ordner" in capsys.readouterr().err
    assert run(made, "certificate", str(made["volunteer"]), "--from", "2025-01-01", "--to", "2025-12-31",
               "--out", str(tmp_path / "fehlt" / "out.pdf")) == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert leftovers(tmp_path) == ["out-ordner"] and list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_whole_or_not_at_all(made, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"alt")
    assert run(made, "sign-in-sheet", str(made["session"]), "--out", str(out)) == 0
    before = out.read_bytes()
    assert before.startswith(b"%PDF") and leftovers(tmp_path) == ["out.pdf"]

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # the disk fills up while the new file is written
    assert run(made, "certificate", str(made["volunteer"]), "--from", "2025-01-01", "--to", "2025-12-31",
               "--out", str(out)) == 2
    assert "Datenträger ist voll" in capsys.readouterr().err
    assert out.read_bytes() == before and leftovers(tmp_path) == ["out.pdf"]  # the old one stays, whole

"""``kuemmerer-cli minutes`` and ``kuemmerer-cli invitation``: both write a valid PDF
(atomically); a bad meeting number is one German line, exit 2, and no file."""

from __future__ import annotations

import datetime as dt
import errno
import os

import pytest

from kuemmerer import cli
from kuemmerer.services import networks, partners, settings
from tests.conftest import create_encrypted
from tests.pdf_helpers import pdf_words as pdf_text

D = dt.date


@pytest.fixture
def made(db_path):
    ws = create_encrypted(db_path)
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", postcode_city="09126 Chemnitz")
        n = networks.create_network(uow, name="Gewerbestammtisch Kappel", kind="gewerbestammtisch")
        march = networks.create_meeting(uow, network_id=n.id, date=D(2026, 3, 3), start_time="19:00")
        april = networks.create_meeting(uow, network_id=n.id, date=D(2026, 4, 7), start_time="19:00",
                                        location="Bäckerei Müller")
        baecker = partners.create_organisation(uow, name="Bäckerei Müller", kind="unternehmen")
        networks.add_member(uow, network_id=n.id, organisation_id=baecker.id)
        networks.add_participant(uow, meeting_id=april.id, organisation_id=baecker.id)
        top = networks.add_agenda_item(uow, meeting_id=march.id, title="Weihnachtsmarkt")
        networks.create_action_item_from_minutes(uow, top.id, title="Stände zählen", owner_organisation_id=baecker.id,
                                                 due_on=D(2026, 4, 1))
        fest = networks.add_agenda_item(uow, meeting_id=april.id, title="Straßenfest", decision="Wir machen mit.")
        networks.create_action_item_from_minutes(uow, fest.id, title="Flyer gestalten", owner_text="Koordinatorin",
                                                 due_on=D(2026, 5, 2))
    ws.close()
    return {"db": db_path, "april": april.id}


def run(made, *args: str) -> int:
    return cli.main(["--db", str(made["db"]), *args])


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("out"))


def test_minutes_writes_the_protokoll(made, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    assert run(made, "minutes", str(made["april"]), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")
    text = pdf_text(out)
    assert "Protokoll Gewerbestammtisch Kappel" in text and "Anwesend (1): Bäckerei Müller" in text
    assert "Beschluss: Wir machen mit." in text and "TOP 1 Flyer gestalten Koordinatorin 02.05.2026" in text
    assert "Stände zählen Bäckerei Müller 01.04.2026 überfällig" in text
    said = capsys.readouterr().out
    assert said == f"Gespeichert: {out} (Protokoll, 1 Tagesordnungspunkt, 1 Aufgabe)\n"
    assert leftovers(tmp_path) == ["out.pdf"]  # no temporary file left behind


def test_invitation_writes_the_einladung_with_the_open_items(made, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    assert run(made, "invitation", str(made["april"]), "--out", str(out)) == 0
    text = pdf_text(out)
    assert "Einladung Gewerbestammtisch Kappel" in text and "Dienstag, 07.04.2026, ab 19:00 Uhr" in text
    assert "TOP 1 Straßenfest" in text and "Wir machen mit." not in text
    assert "Offene Aufgaben aus früheren Sitzungen" in text and "Stände zählen Bäckerei Müller 01.04.2026" in text
    assert capsys.readouterr().out.endswith("(Einladung, 1 Tagesordnungspunkt, 1 offene Aufgabe)\n")
    assert leftovers(tmp_path) == ["out.pdf"]


@pytest.mark.parametrize(("args", "words"), [
    (["minutes", "999"], "Diese Sitzung gibt es nicht."),
    (["invitation", "999"], "Diese Sitzung gibt es nicht."),
    (["minutes", "null"], "keine gültige Nummer"),
    (["invitation", "-3"], "keine gültige Nummer"),
    (["invitation", str(2 ** 70)], "keine gültige Nummer"),
])
def test_a_bad_meeting_number_is_one_german_line_exit_2_and_no_file(made, tmp_path, capsys, args, words):
    out = tmp_path / "out.pdf"
    assert run(made, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("Fehler:") and words in err, err
    assert "Traceback" not in err
    assert leftovers(tmp_path) == []


def test_a_folder_or_a_missing_folder_as_target_exits_2(made, tmp_path, capsys):
    folder = tmp_path / "out-ordner"
    folder.mkdir()
    assert run(made, "minutes", str(made["april"]), "--out", str(folder)) == 2
    assert "ist ein Ordner" in capsys.readouterr().err
    assert run(made, "invitation", str(made["april"]), "--out", str(tmp_path / "fehlt" / "out.pdf")) == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert leftovers(tmp_path) == ["out-ordner"] and list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_whole_or_not_at_all(made, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.pdf"
    assert run(made, "invitation", str(made["april"]), "--out", str(out)) == 0
    before = out.read_bytes()

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # the disk fills up while the new file is written
    assert run(made, "minutes", str(made["april"]), "--out", str(out)) == 2
    assert "Datenträger ist voll" in capsys.readouterr().err
    assert out.read_bytes() == before and leftovers(tmp_path) == ["out.pdf"]  # the old one stays, whole

"""The Notfallblatt PDF: the recovery code exactly, in groups, with plain German instructions."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from kuemmerer.domain.recovery_code import code_groups, format_code, parse_code
from kuemmerer.exports.notfallblatt import NotfallblattData, notfallblatt_pdf
from kuemmerer.services.dto import Letterhead

KEY = bytes(range(7, 39))
LH = Letterhead(office_name="Stadtteilbüro Musterviertel", organisation="Beispielverein e. V.",
                street="Probeweg 1", postcode_city="12345 Musterstadt")


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return notfallblatt_pdf(NotfallblattData(KEY, "/home/beispiel/Büro/kuemmerer.sqlite", dt.date(2026, 12, 2), LH))


def test_the_code_is_printed_exactly_in_groups_and_types_back_to_the_key(pdf):
    text = pdf_text(pdf)
    groups = code_groups(KEY)
    lines = [line.split() for line in text.splitlines()
             if re.fullmatch(r"\s*([0-9A-Z]{4}\s+){6}[0-9A-Z]{4}\s*", line)]
    assert lines == [groups[:7], groups[7:]]
    assert parse_code("\n".join(" ".join(line) for line in lines)) == KEY
    assert format_code(KEY).replace("-", "") == "".join(groups)


def test_the_sheet_names_office_file_date_and_says_what_to_do(pdf):
    text = pdf_text(pdf)
    flat = " ".join(pdf_text(pdf, layout=False).split())
    assert "Notfallblatt – Kümmerer" in text
    assert "Stadtteilbüro Musterviertel" in text
    assert re.search(r"Datenbank\s+kuemmerer\.sqlite\n", text)
    assert "/home/beispiel" not in text and "Büro/" not in text
    assert re.search(r"Erstellt am\s+02\.12\.2026", text)
    for phrase in ["Im Tresor des Büros aufbewahren",
                   "Wer dieses Blatt hat, kann alle Daten lesen, auch ohne Passwort.",
                   "Kümmerer starten und bei der Passwortabfrage den Notfallcode wählen.",
                   "„kuemmerer.sqlite.schluessel“ neben der Datenbank fehlt oder beschädigt ist"]:
        assert phrase in flat, phrase
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Pages:\s+1\n", info)


def test_the_key_hides_nowhere_but_on_the_page(pdf):
    """Not in the PDF's metadata or as raw bytes: only the printed code carries it."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Notfallblatt" in info and code_groups(KEY)[0] not in info
    assert KEY not in pdf and KEY.hex().encode() not in pdf


def test_an_empty_letterhead_still_prints(tmp_path):
    pdf = notfallblatt_pdf(NotfallblattData(bytes(32), "k.sqlite", dt.date(2027, 1, 5)))
    text = pdf_text(pdf)
    assert "Stadtteilbüro" in text and "05.01.2027" in text
    groups = code_groups(bytes(32))
    assert [line.split() for line in text.splitlines() if line.strip().startswith("0000")] == [groups[:7], groups[7:]]
    png = tmp_path / "blatt"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", "-", str(png)], input=pdf, check=True)
    assert (tmp_path / "blatt.png").stat().st_size > 5000

"""The Vermittlungsbogen command stays light (issue 12) and the sheet prints every letter she uses.

No time is asserted: the guards are what the command imports and what the sheet draws.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from kuemmerer.exports.documents import referral_pdf
from kuemmerer.exports.pdf_base import FONT, FONT_BOLD, register_fonts
from kuemmerer.services.dto import Letterhead, OrganisationDto, ReferralSheet, ResidentPart
from tests.test_referral_docs import case  # noqa: F401 - the fixture: a referral with its partner

GERMAN = "Grüße aus der Weidenstraße: „Öffnungszeiten“ – Kosten 0 € · Äpfel, Übung, ß"
NAMES = "Łucja Kovács-Öztürk, Őrsi Çelik, Şahin Doğan, Nguyễn Thị Hương"


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _sheet(reason: str = GERMAN, what_to_bring: str = GERMAN) -> ReferralSheet:
    org = OrganisationDto(id=1, name="Schuldner- und Insolvenzberatung Süd e. V.", kind="beratungsstelle",
                          contact_person="Frau Çelik", street="Lindenallee 3", postcode="09126", city="Chemnitz",
                          phone="0371 5550100", email="beratung@example.org", website=None,
                          opening_hours="Mo–Fr nach Vereinbarung", what_to_bring=what_to_bring,
                          languages="Deutsch, Türkçe, Tiếng Việt", notes=None, active=True)
    resident = ResidentPart(name=NAMES, birth_date=dt.date(1988, 4, 2), address="Weidenstraße 5, 09123 Chemnitz",
                            phone="0371 5550199", email=None, reason=reason, consent_given_on=dt.date(2026, 3, 1),
                            consent_valid_until=None, categories=("Name", "Anschrift und Kontaktdaten", "Anliegen"),
                            consent_state="gültig bis zum Abschluss der Vermittlung")
    return ReferralSheet(referral_id=7, letterhead=Letterhead(office_name="Stadtteilbüro Süd", street="Ahornweg 1",
                                                                postcode_city="09999 Ort", phone="030 23125-100"),
                         printed_on=dt.date(2026, 3, 2), referred_on=dt.date(2026, 3, 1), service="Schuldnerberatung",
                         organisation=org, appointment_at=dt.datetime(2026, 3, 9, 14, 30), resident=resident)


def test_the_referral_sheet_command_loads_no_migrations_excel_or_qt(case, ws, tmp_path):  # noqa: F811
    out = tmp_path / "bogen.pdf"
    probe = (f"import sys\nfrom kuemmerer import cli\n"
             f"assert cli.main(['--db', {str(ws.path)!r}, 'referral-sheet', "
             f"'{case['ref'].id}', '--out', {str(out)!r}]) == 0\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('sqlalchemy', 'reportlab', 'alembic', 'openpyxl', 'PySide6'))))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = set(proc.stdout.splitlines()[-1].split())
    assert {m.split(".")[0] for m in modules} == {"sqlalchemy", "reportlab"}
    assert "Vermittlungsbogen" in "".join(_pages(out.read_bytes()))


def test_every_letter_of_german_text_and_foreign_names_prints():
    text = " ".join(" ".join(_pages(referral_pdf(_sheet()))).split())
    for needed in (GERMAN, NAMES, "✂ hier abtrennen", "☐ Der Termin wurde nicht wahrgenommen.",
                   "09.03.2026 um 14:30 Uhr", "Einwilligung vom 01.03.2026"):
        assert needed in text, needed
    # and the embedded fonts have a glyph for each of them (no empty boxes on paper)
    register_fonts()
    for font in (FONT, FONT_BOLD):
        glyphs = pdfmetrics.getFont(font).face.charToGlyph
        assert [ch for ch in set(GERMAN + NAMES + "✂☐") if not ch.isspace() and ord(ch) not in glyphs] == []


def test_however_long_the_reason_the_slip_stays_whole_on_one_page():
    seen_pages = set()
    for repeat in range(1, 40, 2):
        pages = _pages(referral_pdf(_sheet(reason=" ".join([GERMAN] * repeat))))
        seen_pages.add(len(pages))
        assert [f"Seite {n}" in page for n, page in enumerate(pages, 1)] == [True] * len(pages)
        with_slip = [n for n, page in enumerate(pages) if "hier abtrennen" in page or "die Nummer genügt uns" in page]
        assert with_slip == [len(pages) - 1], repeat  # all of it, on the last page
    assert {1, 2} <= seen_pages

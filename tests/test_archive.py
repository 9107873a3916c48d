"""The report archive: an issued report keeps its figures and file, reprints byte-for-byte
after erasures, and says where today's live figures differ from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import update

from kuemmerer.db.models import IssuedReport
from kuemmerer.domain.enums import ReportKind
from kuemmerer.domain.errors import KuemmererError, NotFound
from kuemmerer.domain.periods import Period
from kuemmerer.services import archive, lists, persons, requests, statistics, validation

D = dt.date
Q1 = Period.quarter(2026, 1)
FAKE_PDF = b"%PDF-1.4\n% synthetic test report\n" + bytes(range(256)) + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: D(2026, 6, 15))


@pytest.fixture
def two_people(uow):
    north = lists.districts.create(uow, name="Nordviertel").id
    a = persons.create_person(uow, last_name="Testfrau", first_name="Anna", district_id=north)
    b = persons.create_person(uow, last_name="Testmann", first_name="Bernd")
    requests.create_contact(uow, person_id=a.id, date=D(2026, 2, 3))
    requests.create_contact(uow, person_id=b.id, date=D(2026, 3, 4))
    return a.id, b.id


def issue(uow, period=Q1, content=FAKE_PDF, kind=ReportKind.SACHBERICHT, name="Sachbericht_2026-Q1.pdf", **kw):
    figures = statistics.compute(uow, period.start, period.end).as_json()
    return archive.record_issued(uow, kind=kind, period=period, figures=figures, file_name=name, content=content, **kw)


def test_after_erasing_a_person_the_report_reprints_byte_for_byte_and_lists_the_difference(uow, two_people,
                                                                                          tmp_path):
    report = issue(uow)
    assert archive.live_differences(uow, report.id) == ()
    persons.delete_person(uow, two_people[0])

    target = tmp_path / "nochmal.pdf"
    again = archive.reprint(uow, report.id, target)
    assert target.read_bytes() == FAKE_PDF
    assert hashlib.sha256(target.read_bytes()).hexdigest() == report.sha256 == again.sha256
    assert archive.get_report(uow, report.id).stats.participants_named == 2  # the archive keeps its figures

    diffs = {d.key: (d.label, d.frozen, d.live, d.difference) for d in archive.live_differences(uow, report.id)}
    assert diffs["participants_named"] == ("Teilnehmende (namentlich)", 2, 1, -1)
    assert diffs["contacts"] == ("Kontakte", 2, 1, -1)
    assert diffs["by_district/Nordviertel"] == ("Teilnehmende nach Stadtgebiet: Nordviertel", 1, 0, -1)
    assert "by_district/unbekannt" not in diffs  # Bernd is still there


def test_a_later_contact_shows_as_a_difference_too(uow, two_people):
    report = issue(uow)
    requests.create_contact(uow, person_id=two_people[1], date=D(2026, 3, 30))
    assert [(d.key, d.frozen, d.live) for d in archive.live_differences(uow, report.id)] == [("contacts", 2, 3)]


def test_list_newest_first_and_filtered_by_period(uow, two_people):
    first = issue(uow)
    year = issue(uow, Period.year(2025), b"PK\x03\x04 synthetic xlsx", ReportKind.JAHRESSTATISTIK,
                 "Jahresstatistik_2025.xlsx")
    second = issue(uow, suppress_below=5)
    assert [r.id for r in archive.list_reports(uow)] == [second.id, year.id, first.id]
    assert [r.id for r in archive.list_reports(uow, Q1)] == [second.id, first.id]
    assert archive.list_reports(uow, Period.year(2024)) == []
    assert archive.list_reports(uow, Period.year(2025))[0].period.label == "2025"


def test_display_properties(uow, two_people):
    pdf = issue(uow, suppress_below=5)
    xlsx = issue(uow, Period.year(2025), b"PK\x03\x04 x", ReportKind.JAHRESSTATISTIK, "Jahresstatistik_2025.xlsx")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", pdf.created_text)
    assert pdf.short_sha == pdf.sha256[:12] and len(pdf.sha256) == 64
    assert pdf.is_pdf and not xlsx.is_pdf
    assert pdf.suppression_text == "Werte unter 5 unterdrückt" and xlsx.suppression_text == "keine"
    assert pdf.period.label == "1. Quartal 2026"


def test_a_tampered_file_is_refused_and_unknown_reports_are_not_found(uow, two_people, tmp_path):
    report = issue(uow)
    uow.session.execute(update(IssuedReport).where(IssuedReport.id == report.id).values(content=b"%PDF other"))
    uow.commit()
    with pytest.raises(KuemmererError, match="Prüfsumme"):
        archive.reprint(uow, report.id, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    for bad in (999, "abc", None):
        with pytest.raises(NotFound):
            archive.live_differences(uow, bad)


def test_a_real_sachbericht_is_archived_when_issued(uow, two_people, tmp_path):
    from kuemmerer.exports.sachbericht import sachbericht_pdf
    from kuemmerer.services import reports

    draft = reports.draft_sachbericht(uow, Q1, sachbericht_pdf)
    issued = reports.record_sachbericht(uow, draft)
    persons.delete_person(uow, two_people[1])
    archive.reprint(uow, issued.id, tmp_path / "s.pdf")
    assert (tmp_path / "s.pdf").read_bytes() == draft.pdf
    assert [d.key for d in archive.live_differences(uow, issued.id)][:2] == ["participants_named", "by_district/unbekannt"]

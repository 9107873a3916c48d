"""Vermittlungsbogen and Schweigepflichtentbindung: what the PDFs say, checked in their text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from kuemmerer import cli
from kuemmerer.exports.consent_form import write_consent_form
from kuemmerer.exports.referral_sheet import write_referral_sheet
from kuemmerer.services import lists, partners, persons, referral_docs, settings

TODAY = dt.date.today()
LAST, FIRST = "Kovács-Öztürk", "Łucja"
STREET, PHONE, REASON = "Weidenstraße 5", "0371 5550199", "Mietschulden – Räumungsklage droht, Gespräch mit Vermieterin nötig"
PERSONAL = (LAST, FIRST, STREET, "5550199", "Räumungsklage")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def case(uow):
    settings.set_letterhead(uow, office_name="Stadtteilbüro Süd", street="Ahornweg 1", postcode_city="09999 Ort",
                            phone="030 23125-100", email="buero@example.org")
    service = next(s for s in lists.list_services(uow) if s.name == "Schuldnerberatung")
    org = partners.create_organisation(
        uow, name="Schuldner- und Insolvenzberatung Süd e. V.", street="Lindenallee 3", postcode="09126",
        city="Chemnitz", phone="030 23125-200", contact_person="Frau Çelik", service_ids=[service.id],
        what_to_bring="Mahnungen, Kontoauszüge, Personalausweis", weekly_hours=[(1, "09:00", "12:00")])
    other = partners.create_organisation(uow, name="Andere Stelle", service_ids=[service.id])
    p = persons.create_person(uow, last_name=LAST, first_name=FIRST, street=STREET, postcode="09123",
                              city="Chemnitz", phone=PHONE, birth_date="1988-04-02")
    ref = partners.create_referral(uow, person_id=p.id, service_id=service.id, organisation_id=org.id,
                                   reason=REASON, appointment_at=dt.datetime.combine(TODAY, dt.time(14, 30)))
    return {"uow": uow, "person": p, "org": org, "other": other, "service": service, "ref": ref}


def sheet_text(case, tmp_path) -> str:
    data = referral_docs.referral_sheet(case["uow"], case["ref"].id)
    out = tmp_path / "bogen.pdf"
    write_referral_sheet(data, out)
    return pdf_text(out)


def consent(case, categories=("name", "kontakt", "anliegen"), **kw):
    values = {"given_on": TODAY, **kw}
    return partners.record_consent(case["uow"], person_id=case["person"].id, organisation_id=case["org"].id,
                                   data_categories=list(categories), purpose="Termin Schuldnerberatung", **values)


def test_without_consent_the_sheet_has_no_personal_data(case, tmp_path):
    text = sheet_text(case, tmp_path)
    for secret in PERSONAL:
        assert secret not in text
    # what she needs to go there is all on it
    for needed in ("Vermittlungsbogen", "Schuldner- und Insolvenzberatung Süd e. V.", "Lindenallee 3",
                   "Frau Çelik", "Dienstag 09:00–12:00 Uhr", "Mahnungen, Kontoauszüge", "Schuldnerberatung",
                   f"{TODAY:%d.%m.%Y} um 14:30 Uhr", "Rückmeldung an das Stadtteilbüro", "Stadtteilbüro Süd",
                   "selbst eintragen"):
        assert needed in text, needed


def test_with_consent_the_partner_part_holds_name_contact_and_reason(case, tmp_path):
    c = consent(case)
    partners.update_referral(case["uow"], case["ref"].id, consent_id=c.id)
    text = " ".join(sheet_text(case, tmp_path).split())
    assert f"{FIRST} {LAST}" in text  # ł, á, Ö extract exactly
    assert STREET in text and PHONE in text
    assert "Räumungsklage droht" in text
    assert f"Einwilligung vom {TODAY:%d.%m.%Y}" in text


def test_only_the_categories_the_consent_covers(case, tmp_path):
    c = consent(case, categories=("name",))
    partners.update_referral(case["uow"], case["ref"].id, consent_id=c.id)
    text = sheet_text(case, tmp_path)
    assert LAST in text
    assert STREET not in text and "5550199" not in text and "Räumungsklage" not in text


@pytest.mark.parametrize("change", ["withdrawn", "expired", "other_recipient", "not_yet_given"])
def test_withdrawn_expired_or_foreign_consent_passes_nothing(case, tmp_path, change):
    if change == "withdrawn":
        c = consent(case, given_on=TODAY - dt.timedelta(days=10))
        partners.withdraw_consent(case["uow"], c.id)
    elif change == "expired":
        c = consent(case, given_on=TODAY - dt.timedelta(days=30), valid_until=TODAY - dt.timedelta(days=1))
    elif change == "other_recipient":
        c = partners.record_consent(case["uow"], person_id=case["person"].id, organisation_id=case["other"].id,
                                    data_categories=["name", "kontakt", "anliegen"], purpose="x", given_on=TODAY)
    else:  # recorded with today's date, but the sheet is printed for yesterday
        c = consent(case)
    if change != "other_recipient":
        partners.update_referral(case["uow"], case["ref"].id, consent_id=c.id)
    day = TODAY - dt.timedelta(days=1) if change == "not_yet_given" else TODAY
    data = referral_docs.referral_sheet(case["uow"], case["ref"].id, today=day)
    assert data.resident is None
    out = tmp_path / "bogen.pdf"
    write_referral_sheet(data, out)
    text = pdf_text(out)
    for secret in PERSONAL:
        assert secret not in text


def test_consent_form_is_prefilled_for_signature(case, tmp_path):
    c = consent(case, categories=("name", "anliegen"), valid_until=TODAY + dt.timedelta(days=365))
    partners.update_referral(case["uow"], case["ref"].id, consent_id=c.id)
    out = tmp_path / "einwilligung.pdf"
    write_consent_form(referral_docs.consent_form(case["uow"], case["ref"].id), out)
    text = " ".join(pdf_text(out).split())
    assert FIRST in text and LAST in text and "02.04.1988" in text
    assert "Schuldner- und Insolvenzberatung Süd e. V." in text and "Lindenallee 3" in text
    assert "☒ Name" in text and "☐ Anschrift und Kontaktdaten" in text and "☒ Anliegen" in text
    assert "Termin Schuldnerberatung" in text
    assert "widerrufen" in text and "freiwillig" in text
    assert f"{TODAY + dt.timedelta(days=365):%d.%m.%Y}" in text


def test_consent_form_without_recorded_consent_ticks_nothing(case, tmp_path):
    data = referral_docs.consent_form(case["uow"], case["ref"].id)
    assert not any(ticked for _, ticked in data.categories)
    assert "Schuldnerberatung" in data.purpose


def test_cli_writes_both_documents(case, tmp_path, capsys, ws):
    ref_id = case["ref"].id
    sheet, form = tmp_path / "bogen.pdf", tmp_path / "form.pdf"
    assert cli.main(["--db", str(ws.path), "referral-sheet", str(ref_id), "--out", str(sheet)]) == 0
    assert cli.main(["--db", str(ws.path), "consent-form", str(ref_id), "--out", str(form)]) == 0
    assert "Vermittlungsbogen" in pdf_text(sheet) and LAST not in pdf_text(sheet)
    assert "Einwilligung in die Weitergabe von Daten" in pdf_text(form) and LAST in pdf_text(form)
    capsys.readouterr()
    assert cli.main(["--db", str(ws.path), "referral-sheet", "99999", "--out", str(sheet)]) == 2
    assert "nicht gefunden" in capsys.readouterr().err


def test_pdf_metadata_carries_no_personal_data(case, tmp_path):
    consent(case)
    out = tmp_path / "bogen.pdf"
    write_referral_sheet(referral_docs.referral_sheet(case["uow"], case["ref"].id), out)
    meta = PdfReader(out).metadata
    assert LAST not in str(meta.title) and "Vermittlungsbogen" in str(meta.title)

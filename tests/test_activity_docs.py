"""Teilnehmerliste and Ehrenamtsnachweis (issue 13 §5): what the services collect and what the
PDFs show, read back with pdftotext — the activity, the date, the registered names, the
numbered empty rows and the funder line on every page; the certificate's total is exactly the
sum of the Einsätze in the period and leaves out those outside it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from kuemmerer.domain.errors import ValidationError
from kuemmerer.exports.certificate import certificate_pdf
from kuemmerer.exports.sign_in_sheet import sign_in_sheet_pdf
from kuemmerer.services import activities, activity_docs, lists, persons, settings, volunteers
from tests.pdf_helpers import pdf_layout_text as pdf_text

D = dt.date
PRINTED = D(2026, 1, 20)
APRIL, JUNE_END = D(2025, 4, 1), D(2025, 6, 30)
FUNDER = "ESF Plus – Programm „Bildung im Quartier“"


def pages(pdf: bytes) -> list[str]:
    return pdf_text(pdf).split("\f")[:len(PdfReader(io.BytesIO(pdf)).pages)]


def numbered_rows(text: str) -> list[tuple[int, str]]:
    """(number, rest of the line) of every table row: a line that starts with its number."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s{0,12}(\d{1,3})(?:\s+(.*))?$", line)
        if m and not re.search(r"\d{2}\.\d{2}\.\d{4}", line):
            rows.append((int(m.group(1)), (m.group(2) or "").strip()))
    return rows


@pytest.fixture
def made(ws):
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", organisation="Bürgerhaus Süd e. V.",
                                street="Am Hang 1", postcode_city="09126 Chemnitz")
        kappel = lists.districts.create(uow, name="Kappel").id
        field = lists.action_fields.create(uow, name="Nachbarschaft und Begegnung").id
        cafe = activities.create_activity(uow, name="Café international", kind="gruppe", funder=FUNDER,
                                          action_field_id=field, location="Bürgerhaus")
        session = activities.create_session(uow, activity_id=cafe.id, date=D(2025, 3, 11), start_time="15:00",
                                            end_time="17:00")
        for last, first in (("Özdemir", "Ayşe"), ("Groß", "Anna"), ("Łukasiewicz", "Jan")):
            p = persons.create_person(uow, last_name=last, first_name=first, district_id=kappel)
            activities.add_attendance(uow, session_id=session.id, person_id=p.id)
        outsider = persons.create_person(uow, last_name="Nichtda", first_name="Nina")  # registered elsewhere
        other = activities.create_session(uow, activity_id=cafe.id, date=D(2025, 3, 18), start_time="15:00")
        activities.add_attendance(uow, session_id=other.id, person_id=outsider.id)

        putz = activities.create_activity(uow, name="Frühjahrsputz", kind="aktion")
        kurs = activities.create_activity(uow, name="Nähkurs", kind="kurs")
        helper = persons.create_person(uow, last_name="Schäfer", first_name="Jürgen", gender="maennlich",
                                       street="Am Hang 3", postcode="09126", city="Chemnitz")
        v = volunteers.create_volunteer(uow, person_id=helper.id, started_on=D(2024, 5, 1))
        inside = [(cafe.id, None, D(2025, 6, 30), "1,5"), (putz.id, None, D(2025, 4, 1), "3,25")]  # last, first day
        outside = [(cafe.id, session.id, D(2025, 3, 11), "2"), (cafe.id, None, D(2025, 3, 31), "4"),
                   (kurs.id, None, D(2025, 7, 1), "6")]
        for activity_id, session_id, day, hours in inside + outside:
            volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=activity_id, session_id=session_id,
                                         date=day, hours=hours)
    return {"session": session.id, "volunteer": v.id, "cafe": cafe.id, "kappel": kappel, "helper": helper.id}


def sheet(ws, session_id, **kw):
    with ws.uow(read_only=True) as uow:
        return activity_docs.sign_in_sheet_data(uow, session_id, today=PRINTED, **kw)


def certificate(ws, volunteer_id, start=APRIL, end=JUNE_END):
    with ws.uow(read_only=True) as uow:
        return activity_docs.certificate_data(uow, volunteer_id, start, end, today=PRINTED)


# --------------------------------------------------------------------------- Teilnehmerliste


def test_sign_in_sheet_shows_the_session_the_registered_persons_numbered_empty_rows_and_the_funder(ws, made):
    data = sheet(ws, made["session"])
    assert [(p.name, p.district) for p in data.persons] == [
        ("Groß, Anna", "Kappel"), ("Łukasiewicz, Jan", "Kappel"), ("Özdemir, Ayşe", "Kappel")]  # German order
    [page] = pages(sign_in_sheet_pdf(data))
    assert "Teilnehmerliste" in page and "Stadtteilbüro Hutholz" in page
    assert "Café international (offener Treff/Gruppe)" in page
    assert "Dienstag, 11.03.2025, 15:00–17:00 Uhr" in page
    assert "Bürgerhaus" in page and "Nachbarschaft und Begegnung" in page
    assert re.search(r"Nr\.\s+Name\s+Stadtgebiet\s+Unterschrift", page)
    rows = numbered_rows(page)
    assert [n for n, _ in rows] == list(range(1, len(rows) + 1))
    assert [re.split(r"\s{2,}", rest) for _, rest in rows[:3]] == [
        ["Groß, Anna", "Kappel"], ["Łukasiewicz, Jan", "Kappel"], ["Özdemir, Ayşe", "Kappel"]]
    assert len(rows) >= 3 + 5 and all(rest == "" for _, rest in rows[3:])  # the page is filled with empty rows
    assert "Nichtda" not in page  # registered for another session
    assert f"Gefördert durch {FUNDER}" in " ".join(page.split())


def test_forty_registered_persons_run_over_pages_with_one_numbering_and_the_funder_on_each(ws, made):
    with ws.uow() as uow:
        for i in range(37):
            p = persons.create_person(uow, last_name=f"Teilnehmerin {i:02d}", first_name="Zoë")
            activities.add_attendance(uow, session_id=made["session"], person_id=p.id)
    data = sheet(ws, made["session"])
    assert len(data.persons) == 40
    texts = pages(sign_in_sheet_pdf(data))
    assert len(texts) >= 2
    numbers = [n for text in texts for n, _ in numbered_rows(text)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 45
    names = [rest for text in texts for _, rest in numbered_rows(text) if rest]
    assert len(names) == 40 and names[-1].startswith("Teilnehmerin 36, Zoë")
    for index, text in enumerate(texts):
        assert f"Gefördert durch {FUNDER}" in " ".join(text.split())
        assert f"Seite {index + 1} von {len(texts)}" in text
        assert re.search(r"Nr\.\s+Name\s+Stadtgebiet\s+Unterschrift", text)
    assert "(Fortsetzung)" in texts[1] and "Dienstag, 11.03.2025" in texts[1]

    exact = sheet(ws, made["session"], empty_rows=0)  # asked for none: exactly the registered ones
    assert [n for text in pages(sign_in_sheet_pdf(exact)) for n, _ in numbered_rows(text)] == list(range(1, 41))


def test_without_funder_there_is_no_funder_line_and_a_logo_is_printed_beside_it(ws, made, tmp_path):
    with ws.uow() as uow:
        activities.update_activity(uow, made["cafe"], funder=None)
    assert "Gefördert" not in pdf_text(sign_in_sheet_pdf(sheet(ws, made["session"])))

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "navy").save(logo)
    with ws.uow() as uow:
        activities.update_activity(uow, made["cafe"], funder="Soziale Stadt")
        lh = settings.get_letterhead(uow)
        settings.set_letterhead(uow, **{**lh.__dict__, "logo_path": str(logo)})
    pdf = sign_in_sheet_pdf(sheet(ws, made["session"]))
    assert "Gefördert durch Soziale Stadt" in pdf_text(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1

    logo.write_bytes(b"not an image")  # a broken logo never stops the print
    pdf = sign_in_sheet_pdf(sheet(ws, made["session"]))
    assert "Gefördert durch Soziale Stadt" in pdf_text(pdf) and not PdfReader(io.BytesIO(pdf)).pages[0].images


@pytest.mark.parametrize(("session", "rows", "field", "words"), [
    (999, None, "session_id", "Diesen Termin gibt es nicht."),
    ("abc", None, "session_id", "Diesen Termin gibt es nicht."),
    (None, -1, "empty_rows", "negativ"),
    (None, "viele", "empty_rows", "ganze Zahl"),
])
def test_sign_in_sheet_refuses_a_missing_session_and_bad_row_counts_in_german(ws, made, session, rows, field, words):
    with pytest.raises(ValidationError) as err, ws.uow(read_only=True) as uow:
        activity_docs.sign_in_sheet_data(uow, session or made["session"], empty_rows=rows)
    assert words in err.value.errors[field]


# --------------------------------------------------------------------------- Ehrenamtsnachweis


def test_certificate_total_is_the_sum_of_the_einsaetze_in_the_period_and_leaves_out_the_others(ws, made):
    data = certificate(ws, made["volunteer"])
    with ws.uow(read_only=True) as uow:
        every = volunteers.list_assignments(uow, made["volunteer"])
    in_period = [a for a in every if D(2025, 4, 1) <= a.date <= D(2025, 6, 30)]
    assert len(every) == 5 and len(in_period) == 2
    assert data.total_minutes == sum(a.minutes for a in in_period) == 90 + 195
    assert [(line.activity, line.assignments, line.hours_text) for line in data.lines] == [
        ("Frühjahrsputz", 1, "3,25"), ("Café international", 1, "1,5")]

    text = pdf_text(certificate_pdf(data))
    flat = " ".join(text.split())
    assert "Ehrenamtsnachweis" in text and "Stadtteilbüro Hutholz" in text
    assert "Herr Jürgen Schäfer, wohnhaft Am Hang 3, 09126 Chemnitz," in flat
    assert "vom 01.04.2025 bis 30.06.2025" in flat
    assert re.search(r"Frühjahrsputz\s+01\.04\.2025\s+1\s+3,25", text)
    assert re.search(r"Café international\s+30\.06\.2025\s+1\s+1,5", text)
    assert re.search(r"Summe\s+2\s+4,75", text)
    assert "Insgesamt: 2 Einsätze mit 4,75 Stunden" in flat
    assert "Nähkurs" not in text and "11.03.2025" not in text and "31.03.2025" not in text
    assert "Wir danken Herrn Jürgen Schäfer herzlich" in flat
    assert "Das Ehrenamt besteht seit dem 01.05.2024." in flat
    assert "Chemnitz, 20.01.2026" in flat and "Ort, Datum" in text
    assert "Stadtteilbüro Hutholz · Bürgerhaus Süd e. V." in flat  # under her signature line

    whole_year = certificate(ws, made["volunteer"], D(2025, 1, 1), D(2025, 12, 31))
    assert whole_year.total_minutes == sum(a.minutes for a in every) == 16 * 60 + 45
    assert "Insgesamt: 5 Einsätze mit 16,75 Stunden" in " ".join(pdf_text(certificate_pdf(whole_year)).split())


def test_certificate_says_frau_or_herr_only_when_known(ws, made):
    with ws.uow() as uow:
        persons.update_person(uow, made["helper"], gender="keine_angabe")
    flat = " ".join(pdf_text(certificate_pdf(certificate(ws, made["volunteer"]))).split())
    assert "Jürgen Schäfer, wohnhaft" in flat and "Herr" not in flat and "Frau" not in flat
    assert "Wir danken Jürgen Schäfer herzlich" in flat
    with ws.uow() as uow:
        persons.update_person(uow, made["helper"], gender="weiblich", first_name="Jutta")
    flat = " ".join(pdf_text(certificate_pdf(certificate(ws, made["volunteer"]))).split())
    assert "Frau Jutta Schäfer, wohnhaft" in flat and "Wir danken Frau Jutta Schäfer herzlich" in flat


@pytest.mark.parametrize(("volunteer", "start", "end", "field", "words"), [
    (999, "1.4.2025", "30.6.2025", "volunteer_id", "niemand als Ehrenamtliche*r"),
    (None, "30.6.2025", "1.4.2025", "end", "Das Ende des Zeitraums liegt vor seinem Beginn."),
    (None, "31.02.2025", "30.6.2025", "start", "gibt es nicht"),
    (None, "", "30.6.2025", "start", "Bitte ausfüllen."),
    (None, "1.1.2024", "31.12.2024", "", "keine Einsätze"),
])
def test_certificate_refuses_bad_ids_and_periods_in_german(ws, made, volunteer, start, end, field, words):
    with pytest.raises(ValidationError) as err, ws.uow(read_only=True) as uow:
        activity_docs.certificate_data(uow, volunteer or made["volunteer"], start, end)
    assert words in err.value.errors[field]


def test_file_names_carry_no_names(ws, made):
    assert sheet(ws, made["session"]).file_name == f"Teilnehmerliste-2025-03-11-Termin-{made['session']}.pdf"
    assert certificate(ws, made["volunteer"]).file_name == \
        f"Ehrenamtsnachweis-{made['volunteer']}-20250401-20250630.pdf"

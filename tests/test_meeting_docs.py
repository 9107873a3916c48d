"""Einladung and Protokoll of a network meeting (issue 14): what the PDFs say, read back with
pdftotext as a member would read them — participants, decisions, action items with owners
and due dates; the agenda with the open items of earlier meetings, never the done ones."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from kuemmerer.domain.errors import ValidationError
from kuemmerer.exports.meeting_docs import invitation_pdf, minutes_pdf
from kuemmerer.services import network_docs, networks, partners, persons, settings
from tests.pdf_helpers import pdf_words as pdf_text

D = dt.date


def pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def runde(uow):
    """The Stadtteilrunde: March meeting with three action items (one done in March), April
    meeting with agenda, minutes, a decision, participants and its own action items."""
    settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", postcode_city="09126 Chemnitz",
                            phone="0371 123456")
    n = networks.create_network(uow, name="Stadtteilrunde Kappel", kind="stadtteilrunde",
                                rhythm="monatlich, 1. Dienstag")
    march = networks.create_meeting(uow, network_id=n.id, date=D(2026, 3, 3), start_time="18:00")
    april = networks.create_meeting(uow, network_id=n.id, date=D(2026, 4, 7), start_time="18:00", end_time="19:30",
                                    location="Bürgerhaus Kappel", agenda="Bitte Ideen für das Fest mitbringen.",
                                    minutes_text="Nächste Sitzung am 05.05.2026.")
    gewerbe = partners.create_organisation(uow, name="Gewerbeverein Kappel", kind="unternehmen")
    aerzte = partners.create_organisation(uow, name="Ärztehaus Süd")
    elif_ = persons.create_person(uow, last_name="Öztürk", first_name="Elif")
    juergen = persons.create_person(uow, last_name="Schäfer", first_name="Jürgen")
    ute = persons.create_person(uow, last_name="Zander", first_name="Ute")
    networks.add_member(uow, network_id=n.id, organisation_id=gewerbe.id, role="Sprecher")
    networks.add_member(uow, network_id=n.id, person_id=elif_.id, role="Bewohnervertretung")
    putz = networks.add_agenda_item(uow, meeting_id=march.id, title="Frühjahrsputz")
    plakate = networks.create_action_item_from_minutes(uow, putz.id, title="Plakate drucken",
                                                       owner_text="Koordinatorin", due_on=D(2026, 3, 31))
    networks.create_action_item_from_minutes(uow, putz.id, title="Müllsäcke bestellen",
                                             owner_organisation_id=gewerbe.id, due_on=D(2026, 4, 30))
    raum = networks.create_action_item_from_minutes(uow, putz.id, title="Raum buchen", owner_person_id=juergen.id)
    networks.complete_action_item(uow, raum.id, on=D(2026, 3, 9))  # done before April

    networks.add_agenda_item(uow, meeting_id=april.id, title="Begrüßung")
    fest = networks.add_agenda_item(uow, meeting_id=april.id, title="Stadtteilfest am 13. Juni",
                                    minutes="Zwölf Stände haben zugesagt.",
                                    decision="Das Fest findet am 13.06.2026 von 14 bis 20 Uhr statt.")
    networks.create_action_item_from_minutes(uow, fest.id, title="Straßensperrung beantragen",
                                             owner_text="Koordinatorin", due_on=D(2026, 5, 15))
    networks.create_action_item_from_minutes(uow, fest.id, title="Bühne organisieren",
                                             owner_organisation_id=gewerbe.id, due_on=D(2026, 6, 1))
    schulen = networks.create_action_item(uow, meeting_id=april.id, title="Schulen einladen",
                                          owner_person_id=elif_.id, due_on=D(2026, 5, 20))
    networks.add_participant(uow, meeting_id=april.id, person_id=ute.id)
    networks.add_participant(uow, meeting_id=april.id, organisation_id=gewerbe.id)
    networks.add_participant(uow, meeting_id=april.id, person_id=elif_.id)
    networks.add_participant(uow, meeting_id=april.id, organisation_id=aerzte.id, attended=False)
    networks.add_participant(uow, meeting_id=april.id, person_id=juergen.id, attended=False)
    return {"march": march.id, "april": april.id, "plakate": plakate.id, "schulen": schulen.id}


def test_the_minutes_hold_participants_decisions_and_action_items_with_owners_and_due_dates(uow, runde):
    data = network_docs.minutes_data(uow, runde["april"], today=D(2026, 4, 8))
    text = pdf_text(minutes_pdf(data))
    assert "Stadtteilbüro Hutholz" in text and "Protokoll Stadtteilrunde Kappel" in text
    assert "Dienstag, 07.04.2026, 18:00–19:30 Uhr" in text and "Bürgerhaus Kappel" in text
    # anwesend / entschuldigt: organisations, then persons, each in German order
    assert "Anwesend (3): Gewerbeverein Kappel, Elif Öztürk, Ute Zander" in text
    assert "Entschuldigt (2): Ärztehaus Süd, Jürgen Schäfer" in text
    assert "TOP 1 Begrüßung" in text and "TOP 2 Stadtteilfest am 13. Juni" in text
    assert "Zwölf Stände haben zugesagt." in text
    assert "Beschluss: Das Fest findet am 13.06.2026 von 14 bis 20 Uhr statt." in text
    assert "Nächste Sitzung am 05.05.2026." in text
    # the action items of this meeting: TOP / Aufgabe / verantwortlich / bis
    assert "Aufgabe verantwortlich bis" in text
    assert "TOP 2 Straßensperrung beantragen Koordinatorin 15.05.2026" in text
    assert "TOP 2 Bühne organisieren Gewerbeverein Kappel 01.06.2026" in text
    assert "Schulen einladen Elif Öztürk 20.05.2026" in text
    # carried over from March, with their state on the meeting's day; the done one is gone
    assert "Plakate drucken Koordinatorin 31.03.2026 überfällig" in text
    assert "Müllsäcke bestellen Gewerbeverein Kappel 30.04.2026 offen" in text
    assert "Raum buchen" not in text
    assert "Seite 1 von 1" in text and "Erstellt am 08.04.2026" in text
    assert "erledigt" not in text

    networks.complete_action_item(uow, runde["schulen"], on=D(2026, 4, 20))  # printed again after it was done
    text = pdf_text(minutes_pdf(network_docs.minutes_data(uow, runde["april"], today=D(2026, 4, 21))))
    assert "Schulen einladen Elif Öztürk 20.05.2026 erledigt am 20.04.2026" in text


def test_the_invitation_holds_the_agenda_and_the_open_items_of_earlier_meetings_not_the_done_ones(uow, runde):
    data = network_docs.invitation_data(uow, runde["april"], today=D(2026, 3, 20))
    text = pdf_text(invitation_pdf(data))
    assert "Stadtteilbüro Hutholz" in text and "Einladung Stadtteilrunde Kappel" in text
    assert "Dienstag, 07.04.2026, 18:00–19:30 Uhr" in text and "Bitte Ideen für das Fest mitbringen." in text
    assert "Tagesordnung TOP 1 Begrüßung TOP 2 Stadtteilfest am 13. Juni" in text
    assert "Offene Aufgaben aus früheren Sitzungen" in text
    assert "Plakate drucken Koordinatorin 31.03.2026" in text and "aus der Sitzung vom 03.03.2026" in text
    assert "Müllsäcke bestellen Gewerbeverein Kappel 30.04.2026" in text
    assert "Raum buchen" not in text  # done in March
    assert "Zwölf Stände" not in text and "Beschluss" not in text  # an invitation has no minutes
    assert "Eingeladen Gewerbeverein Kappel (Sprecher) Elif Öztürk (Bewohnervertretung)" in text
    assert "(Tel. 0371 123456)" in text

    networks.complete_action_item(uow, runde["plakate"], on=D(2026, 4, 1))  # done before the meeting
    again = pdf_text(invitation_pdf(network_docs.invitation_data(uow, runde["april"], today=D(2026, 4, 2))))
    assert "Plakate drucken" not in again and "Müllsäcke bestellen" in again


def test_a_meeting_without_agenda_participants_or_items_says_so(uow, runde):
    n = networks.create_network(uow, name="Gewerbestammtisch Kappel", kind="gewerbestammtisch")
    empty = networks.create_meeting(uow, network_id=n.id, date=D(2026, 5, 4))
    invitation = pdf_text(invitation_pdf(network_docs.invitation_data(uow, empty.id, today=D(2026, 5, 1))))
    assert "Gewerbestammtisch Kappel (" not in invitation  # the kind is in the name already
    assert "Montag, 04.05.2026" in invitation and "wird noch bekannt gegeben" in invitation
    assert "Die Tagesordnung folgt." in invitation and "Keine offenen Aufgaben." in invitation
    minutes = pdf_text(minutes_pdf(network_docs.minutes_data(uow, empty.id, today=D(2026, 5, 5))))
    assert "Anwesend: – Entschuldigt: –" in minutes and "Keine neuen Aufgaben." in minutes


def test_a_long_agenda_runs_over_two_pages_with_every_point_and_its_umlauts(uow, runde):
    for k in range(3, 61):
        networks.add_agenda_item(uow, meeting_id=runde["april"], title=f"Bericht Nr. {k}: Grünflächen und Lärmschutz",
                                 minutes="Ausführliche Aussprache über die Größe der Beete. " * 4,
                                 decision=f"Beschluss über Maßnahme {k}" if k % 10 == 0 else "")
    networks.update_agenda_item(uow, networks.list_agenda(uow, runde["april"])[1].id,
                                decision="Sehr langer Beschluss über Öffnungszeiten. " * 300)  # longer than a page
    invitation = invitation_pdf(network_docs.invitation_data(uow, runde["april"], today=D(2026, 3, 20)))
    minutes = minutes_pdf(network_docs.minutes_data(uow, runde["april"], today=D(2026, 4, 8)))
    assert pages(invitation) >= 2 and pages(minutes) >= 5
    text = pdf_text(invitation)
    assert "TOP 60 Bericht Nr. 60: Grünflächen und Lärmschutz" in text and f"Seite 2 von {pages(invitation)}" in text
    assert "Plakate drucken" in text  # the open items still come after the long agenda
    text = pdf_text(minutes)
    assert "TOP 60 Bericht Nr. 60: Grünflächen und Lärmschutz" in text and "Beschluss über Maßnahme 60" in text
    assert text.count("Öffnungszeiten") == 300  # nothing of the long decision is lost at the page breaks
    assert "Straßensperrung beantragen Koordinatorin 15.05.2026" in text


def test_the_file_names_carry_the_network_and_the_day_but_no_person(uow, runde):
    invitation = network_docs.invitation_data(uow, runde["april"])
    minutes = network_docs.minutes_data(uow, runde["april"])
    assert invitation.file_name == "Einladung-Stadtteilrunde-Kappel-2026-04-07.pdf"
    assert minutes.file_name == "Protokoll-Stadtteilrunde-Kappel-2026-04-07.pdf"
    assert minutes.title == "Protokoll Stadtteilrunde Kappel 07.04.2026"


def test_no_such_meeting_is_a_german_message(uow, runde):
    for bad in (999, "abc", None, 10 ** 30, True, -1):
        for build in (network_docs.invitation_data, network_docs.minutes_data):
            with pytest.raises(ValidationError) as err:
                build(uow, bad)
            assert err.value.errors == {"meeting_id": "Diese Sitzung gibt es nicht."}, bad

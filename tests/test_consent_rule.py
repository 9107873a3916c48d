"""Consent means recipient and purpose (DESIGN.md §5): which consent lets a referral pass
data, read back from the database and from the printed sheet and form."""

from __future__ import annotations

import datetime as dt

import pytest

from kuemmerer.domain.enums import DataCategory
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import consent_state
from kuemmerer.exports.consent_form import write_consent_form
from kuemmerer.exports.referral_sheet import write_referral_sheet
from kuemmerer.services import lists, partners, person_view, persons, referral_docs
from tests.test_referral_docs import pdf_text

TODAY = dt.date.today()
LAST, FIRST, STREET = "Testfrau", "Ulla", "Probeweg 7"
CONSENT = {"data_categories": ["name", "kontakt", "anliegen"], "purpose": "Termin vereinbaren",
           "given_on": TODAY - dt.timedelta(days=20)}


@pytest.fixture
def w(uow):
    services = {s.name: s.id for s in lists.list_services(uow)}
    debt, addiction = services["Schuldnerberatung"], services["Suchtberatung"]
    org = partners.create_organisation(uow, name="Beratungszentrum Nord", service_ids=[debt, addiction])
    other_org = partners.create_organisation(uow, name="Andere Beratung", service_ids=[debt])
    p = persons.create_person(uow, last_name=LAST, first_name=FIRST, street=STREET, postcode="09999",
                              city="Ort")
    q = persons.create_person(uow, last_name="Beispiel", first_name="Bodo")
    ago = TODAY - dt.timedelta(days=20)
    # the referral with its own, open-ended consent
    own = partners.save_referral(uow, person_id=p.id, service_id=debt, organisation_id=org.id,
                                 referred_on=ago, reason="Mahnungen", consent=CONSENT)
    return {"uow": uow, "debt": debt, "addiction": addiction, "org": org.id, "other_org": other_org.id,
            "p": p.id, "q": q.id, "own": own, "consent": own.consent_id, "ago": ago}


def referral(w, service: str = "debt", *, org: str = "org", person: str = "p", consent_id=None):
    """A referral made without the dialog: it links no consent unless told to."""
    return partners.create_referral(w["uow"], person_id=w[person], service_id=w[service],
                                    organisation_id=w[org], referred_on=w["ago"], reason="Mahnungen",
                                    consent_id=consent_id)


def covering(w, ref_id, on=TODAY):
    return partners.covering_consent(w["uow"], ref_id, on)


def sheet(w, ref_id, tmp_path, on=TODAY):
    data = referral_docs.referral_sheet(w["uow"], ref_id, today=on)
    out = tmp_path / f"bogen-{ref_id}.pdf"
    write_referral_sheet(data, out)
    return data, " ".join(pdf_text(out).split())


# --------------------------------------------------------------------------- the three cases


def test_own_consent_covers_and_the_sheet_says_until_when(w, tmp_path):
    assert covering(w, w["own"].id).id == w["consent"]
    data, text = sheet(w, w["own"].id, tmp_path)
    assert data.resident is not None and data.resident.name == f"{FIRST} {LAST}"
    assert f"{FIRST} {LAST}" in text and STREET in text and "Mahnungen" in text
    assert "(gültig bis zum Abschluss der Vermittlung)" in text
    assert "erteilt zur Vermittlung Nr." not in text  # its own


def test_same_recipient_same_service_is_covered_other_service_is_not(w, tmp_path):
    same = referral(w, "debt")
    other_service = referral(w, "addiction")
    assert covering(w, same.id).id == w["consent"]
    _, text = sheet(w, same.id, tmp_path)
    assert f"{FIRST} {LAST}" in text
    assert f"erteilt zur Vermittlung Nr. {w['own'].id} für dasselbe Angebot" in text
    # the same recipient, another Angebot: nothing passes
    assert covering(w, other_service.id) is None
    data, text = sheet(w, other_service.id, tmp_path)
    assert data.resident is None
    assert LAST not in text and STREET not in text and "selbst eintragen" in text


def test_open_ended_consent_ends_when_its_referral_is_closed(w, tmp_path):
    same = referral(w, "debt")
    partners.close_referral(w["uow"], w["own"].id, TODAY)
    stored = partners.get_consent(w["uow"], w["consent"])
    assert (stored.valid_until, stored.referral_closed_on) == (None, TODAY)
    ended = f"beendet mit Abschluss der Vermittlung am {TODAY:%d.%m.%Y}"
    assert stored.state_on(TODAY).text == ended
    for ref_id in (w["own"].id, same.id):
        assert covering(w, ref_id) is None
        data, text = sheet(w, ref_id, tmp_path)
        assert data.resident is None and LAST not in text and STREET not in text
    # the day before it still passed
    assert covering(w, w["own"].id, TODAY - dt.timedelta(days=1)).id == w["consent"]
    # the person's Einwilligungen tab reads the same sentence
    (row,) = person_view.consent_rows(w["uow"], w["p"], TODAY)
    assert (row.state, row.valid) == (ended, False)
    # reopened, it is valid again: the closing alone ended it
    partners.reopen_referral(w["uow"], w["own"].id)
    assert covering(w, w["own"].id).id == w["consent"]


def test_a_consent_with_an_end_date_outlives_the_closing(w):
    dated = partners.save_referral(w["uow"], person_id=w["p"], service_id=w["debt"], organisation_id=w["other_org"],
                                   referred_on=w["ago"],
                                   consent={**CONSENT, "valid_until": TODAY + dt.timedelta(days=30)})
    partners.close_referral(w["uow"], dated.id, TODAY)
    assert covering(w, dated.id).id == dated.consent_id
    assert partners.get_consent(w["uow"], dated.consent_id).state_on(TODAY).text == "gültig"


# --------------------------------------------------------------------------- never covers


def test_withdrawn_consent_covers_nothing(w, tmp_path):
    same = referral(w, "debt")
    partners.withdraw_consent(w["uow"], w["consent"], TODAY)
    for ref_id in (w["own"].id, same.id):
        assert covering(w, ref_id) is None
        assert LAST not in sheet(w, ref_id, tmp_path)[1]
    (row,) = person_view.consent_rows(w["uow"], w["p"], TODAY)
    assert row.state == f"widerrufen am {TODAY:%d.%m.%Y}"


def test_expired_consent_covers_nothing(w):
    partners.update_consent(w["uow"], w["consent"], valid_until=TODAY - dt.timedelta(days=1))
    assert covering(w, w["own"].id) is None
    assert covering(w, referral(w, "debt").id) is None
    (row,) = person_view.consent_rows(w["uow"], w["p"], TODAY)
    assert row.state == f"abgelaufen am {TODAY - dt.timedelta(days=1):%d.%m.%Y}"


def test_other_recipient_and_other_person_are_not_covered(w, tmp_path):
    other_recipient = referral(w, "debt", org="other_org")
    other_person = referral(w, "debt", person="q")
    assert covering(w, other_recipient.id) is None
    assert covering(w, other_person.id) is None
    assert LAST not in sheet(w, other_recipient.id, tmp_path)[1]


def test_a_consent_for_another_service_cannot_be_linked_or_picked_up(w):
    with pytest.raises(ValidationError) as exc:
        referral(w, "addiction", consent_id=w["consent"])
    assert "anderes Angebot" in exc.value.errors["consent_id"]
    # the dialog's save links a consent on file only for the same Angebot
    addiction = partners.save_referral(w["uow"], person_id=w["p"], service_id=w["addiction"],
                                       organisation_id=w["org"])
    debt = partners.save_referral(w["uow"], person_id=w["p"], service_id=w["debt"], organisation_id=w["org"])
    assert (addiction.consent_id, debt.consent_id) == (None, w["consent"])


def test_the_state_texts_of_the_rule():
    given, day = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
    assert consent_state(day, given).text == "gültig bis zum Abschluss der Vermittlung"
    assert consent_state(day, given, referral_closed_on=dt.date(2026, 3, 10)).text == \
        "beendet mit Abschluss der Vermittlung am 10.03.2026"
    assert consent_state(day, given, valid_until=dt.date(2026, 3, 9)).text == "abgelaufen am 09.03.2026"
    assert consent_state(day, given, withdrawn_on=dt.date(2026, 3, 5)).text == "widerrufen am 05.03.2026"
    assert consent_state(day, given, valid_until=dt.date(2026, 3, 10), referral_closed_on=day).valid


# --------------------------------------------------------------------------- the consent form


def test_consent_form_prints_every_category_as_a_box_the_chosen_ones_ticked(w, tmp_path):
    out = tmp_path / "einwilligung.pdf"
    write_consent_form(referral_docs.consent_form(w["uow"], w["own"].id), out)
    text = " ".join(pdf_text(out).split())
    chosen = set(CONSENT["data_categories"])
    for cat in DataCategory:
        assert f"{'☒' if cat.value in chosen else '☐'} {cat.label}" in text, cat.label
    assert "ohne Angabe: gültig bis zum Abschluss der Vermittlung" in text

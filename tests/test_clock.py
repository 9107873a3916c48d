"""One clock (STYLE.md): the services, the CLI and the window all ask ``validation.today``,
so a test (or a day-end check) that sets it sees every part agree."""

from __future__ import annotations

import datetime as dt

from kuemmerer.services import listing, requests, validation, workspace
from kuemmerer.services import today as desk_today

DAY = dt.date(2031, 7, 14)


def test_every_part_reads_the_one_clock(ws, uow, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: DAY)
    from kuemmerer.services import persons

    p = persons.create_person(uow, last_name="Uhr")
    requests.create_request(uow, person_id=p.id, title="Frist", opened_on=DAY, follow_up_on=DAY)
    assert workspace.today() == DAY
    assert desk_today.dashboard(uow).today == DAY
    # "due" follow-ups are counted against the same day
    assert listing.count_requests(uow, listing.RequestQuery(follow_up="due")) == 1


def test_the_window_asks_the_same_clock(ws, monkeypatch):
    from kuemmerer.ui.context import AppContext

    monkeypatch.setattr(validation, "today", lambda: DAY)
    assert AppContext(ws).today() == DAY


def test_defaults_of_the_services_read_the_one_clock_too(ws, uow, monkeypatch):
    """Dates the services fill in themselves (opened, referred, closed, withdrawn …) are the
    clock's day, not the computer's (a module that imported ``today`` by name kept the real one)."""
    from kuemmerer.services import lists, partners, persons

    monkeypatch.setattr(validation, "today", lambda: DAY)
    p = persons.create_person(uow, last_name="Uhr")
    r = requests.create_request(uow, person_id=p.id, title="Ohne Datum")
    assert r.opened_on == DAY
    assert requests.update_request(uow, r.id, status="erledigt").closed_on == DAY
    svc = lists.list_services(uow)[0].id
    org = partners.create_organisation(uow, name="Uhrwerk e. V.", service_ids=[svc])
    ref = partners.create_referral(uow, person_id=p.id, service_id=svc, organisation_id=org.id)
    assert ref.referred_on == DAY
    assert partners.close_referral(uow, ref.id).closed_on == DAY

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

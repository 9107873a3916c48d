"""Heute: what the coordinator sees first in the morning: due Wiedervorlagen (requests,
referrals, tasks), how old the open requests are, today's contacts and walk-ins,
and the next meetings."""

from __future__ import annotations

import datetime as dt

import pytest

from kuemmerer.domain.enums import RequestStatus
from kuemmerer.services import lists, networks, partners, persons, requests, today

TODAY = dt.date.today()


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def person(uow, last, first=None, **kw):
    return persons.create_person(uow, last_name=last, first_name=first, **kw)


def dashboard(uow, day=TODAY):
    return today.dashboard(uow, day)


def request(uow, who, title, *, opened=30, follow_up=None, **kw):
    return requests.create_request(uow, person_id=who.id, title=title, opened_on=TODAY - days(opened),
                                   follow_up_on=TODAY + days(follow_up) if follow_up is not None else None,
                                   **kw)


def follow_up_keys(board) -> set[tuple[str, int]]:
    return {(f.kind, f.id) for f in board.follow_ups}


# --------------------------------------------------------------------------- follow-ups


def test_request_follow_ups_due_today_and_overdue_appear_with_the_person(uow):
    mueller = person(uow, "Müller", "Jürgen")
    due_today = request(uow, mueller, "Mietschulden", follow_up=0)
    overdue = request(uow, mueller, "Wohngeld", follow_up=-2)
    tomorrow = request(uow, mueller, "Kita-Platz", follow_up=1)
    closed = request(uow, mueller, "Stromsperre", follow_up=0)
    requests.set_status(uow, closed.id, RequestStatus.DONE)
    no_follow_up = request(uow, mueller, "Formular")

    board = dashboard(uow)
    keys = follow_up_keys(board)
    assert ("request", due_today.id) in keys
    assert ("request", overdue.id) in keys
    assert ("request", tomorrow.id) not in keys
    assert ("request", closed.id) not in keys
    assert ("request", no_follow_up.id) not in keys
    assert len(board.follow_ups) == 2
    # oldest first, with name, title and how long overdue
    first, second = board.follow_ups
    assert (first.id, second.id) == (overdue.id, due_today.id)
    assert first.person_name == "Müller, Jürgen" and first.person_id == mueller.id
    assert first.what == "Wohngeld" and first.kind_label == "Anliegen"
    assert first.due_on == TODAY - days(2) and first.days_overdue(TODAY) == 2
    assert second.days_overdue(TODAY) == 0


def test_tomorrows_follow_up_shows_up_tomorrow(uow):
    p = person(uow, "Abel")
    tomorrow = request(uow, p, "Kita-Platz", follow_up=1)
    assert ("request", tomorrow.id) in follow_up_keys(dashboard(uow, TODAY + days(1)))


def test_waiting_and_in_progress_requests_keep_their_follow_up(uow):
    p = person(uow, "Abel")
    waiting = request(uow, p, "Antwort Jobcenter", follow_up=0, status=RequestStatus.WAITING)
    busy = request(uow, p, "Antrag", follow_up=-1, status=RequestStatus.IN_PROGRESS)
    cancelled = request(uow, p, "Abgebrochen", follow_up=0)
    requests.set_status(uow, cancelled.id, RequestStatus.CANCELLED)
    assert follow_up_keys(dashboard(uow)) == {("request", waiting.id), ("request", busy.id)}


@pytest.fixture
def partner(uow):
    service = next(s for s in lists.list_services(uow) if s.name == "Schuldnerberatung")
    org = partners.create_organisation(uow, name="Diakonie Chemnitz", service_ids=[service.id])
    return service, org


def test_referral_waiting_for_arrival_appears_until_the_outcome_is_recorded(uow, partner):
    service, org = partner
    p = person(uow, "Özdemir", "Ayşe")
    follow_up_days = 14  # default setting
    due = partners.create_referral(uow, person_id=p.id, service_id=service.id, organisation_id=org.id,
                                   referred_on=TODAY - days(follow_up_days))
    assert due.follow_up_on == TODAY
    fresh = partners.create_referral(uow, person_id=p.id, service_id=service.id, organisation_id=org.id,
                                     referred_on=TODAY)

    board = dashboard(uow)
    referral_items = [f for f in board.follow_ups if f.kind == "referral"]
    assert [f.id for f in referral_items] == [due.id]  # the fresh one is not due yet
    item = referral_items[0]
    assert item.note == "Ist die Person angekommen?"
    assert item.person_name == "Özdemir, Ayşe" and item.person_id == p.id
    assert item.kind_label == "Vermittlung"
    assert "Schuldnerberatung" in item.what and "Diakonie Chemnitz" in item.what
    assert item.due_on == TODAY

    partners.record_outcome(uow, due.id, "angekommen")
    assert ("referral", due.id) not in follow_up_keys(dashboard(uow))
    assert ("referral", fresh.id) in follow_up_keys(dashboard(uow, TODAY + days(follow_up_days)))


@pytest.mark.parametrize("outcome", ["nicht_wahrgenommen", "abgelehnt", "closed"])
def test_any_answered_referral_leaves_the_list(uow, partner, outcome):
    service, org = partner
    p = person(uow, "Abel")
    ref = partners.create_referral(uow, person_id=p.id, service_id=service.id, organisation_id=org.id,
                                   referred_on=TODAY - days(20), follow_up_on=TODAY - days(3))
    assert ("referral", ref.id) in follow_up_keys(dashboard(uow))
    if outcome == "closed":  # finished without a recorded result
        partners.close_referral(uow, ref.id, TODAY)
        assert partners.get_referral(uow, ref.id).state_label == "abgeschlossen"
    else:
        partners.record_outcome(uow, ref.id, outcome)
    assert ("referral", ref.id) not in follow_up_keys(dashboard(uow))


def test_open_action_items_appear_as_tasks_done_ones_not(uow):
    due = networks.create_action_item(uow, title="Flyer drucken", due_on=TODAY, owner_text="Frau Berger")
    overdue = networks.create_action_item(uow, title="Raum buchen", due_on=TODAY - days(5))
    done = networks.create_action_item(uow, title="Protokoll verschicken", due_on=TODAY - days(1))
    networks.complete_action_item(uow, done.id)
    later = networks.create_action_item(uow, title="Sommerfest planen", due_on=TODAY + days(3))
    undated = networks.create_action_item(uow, title="Irgendwann")

    board = dashboard(uow)
    assert follow_up_keys(board) == {("task", due.id), ("task", overdue.id)}
    task = next(f for f in board.follow_ups if f.id == due.id)
    assert task.what == "Flyer drucken" and task.kind_label == "Aufgabe" and task.due_on == TODAY
    assert ("task", later.id) not in follow_up_keys(board)
    assert ("task", undated.id) not in follow_up_keys(board)


def test_all_kinds_together_oldest_first(uow, partner):
    service, org = partner
    p = person(uow, "Müller", "Jürgen")
    req = request(uow, p, "Mietschulden", follow_up=-1)
    ref = partners.create_referral(uow, person_id=p.id, service_id=service.id, organisation_id=org.id,
                                   referred_on=TODAY - days(30), follow_up_on=TODAY - days(4))
    task = networks.create_action_item(uow, title="Flyer", due_on=TODAY)
    board = dashboard(uow)
    assert [(f.kind, f.id) for f in board.follow_ups] == [("referral", ref.id), ("request", req.id),
                                                          ("task", task.id)]


# --------------------------------------------------------------------------- open requests by age


def test_open_request_age_buckets_with_their_boundaries(uow):
    p = person(uow, "Abel")
    for age in (0, 7, 8, 28, 29, 91, 92, 400):
        request(uow, p, f"{age} Tage", opened=age)
    closed = request(uow, p, "erledigt", opened=3)
    requests.set_status(uow, closed.id, RequestStatus.DONE)
    request(uow, p, "abgebrochen", opened=100, status=RequestStatus.CANCELLED)
    request(uow, p, "wartet", opened=100, status=RequestStatus.WAITING)  # open: counts

    board = dashboard(uow)
    assert board.open_requests_by_age == (
        ("bis 1 Woche", 2), ("1–4 Wochen", 2), ("1–3 Monate", 2), ("über 3 Monate", 3))
    assert board.open_requests == 9


def test_age_buckets_are_counted_from_the_dashboard_day(uow):
    p = person(uow, "Abel")
    request(uow, p, "neu", opened=0)
    later = dashboard(uow, TODAY + days(8))
    assert dict(later.open_requests_by_age)["1–4 Wochen"] == 1
    assert dict(later.open_requests_by_age)["bis 1 Woche"] == 0


def test_no_open_requests_gives_empty_buckets_in_order(uow):
    board = dashboard(uow)
    assert [label for label, _ in board.open_requests_by_age] == [
        "bis 1 Woche", "1–4 Wochen", "1–3 Monate", "über 3 Monate"]
    assert board.open_requests == 0


# --------------------------------------------------------------------------- today's contacts


def test_todays_contacts_with_german_kind_labels_and_anonymous_walk_ins(uow):
    cats = {c.name: c.id for c in lists.list_categories(uow)}
    mueller = person(uow, "Müller", "Jürgen")
    abel = person(uow, "Abel", "Ute")
    req = request(uow, mueller, "Mietschulden", opened=5, category_id=cats["Schulden und Finanzen"])
    walk_in = requests.create_contact(uow, person_id=mueller.id, date=TODAY, request_id=req.id)
    phone = requests.create_contact(uow, person_id=abel.id, date=TODAY, kind="telefon",
                                    category_id=cats["Sucht"], duration_minutes=20)
    visit = requests.create_contact(uow, person_id=abel.id, date=TODAY, kind="hausbesuch")
    requests.create_contact(uow, person_id=abel.id, date=TODAY - days(1), kind="termin")  # yesterday
    requests.record_anonymous(uow, date=TODAY, count=3)
    requests.record_anonymous(uow, date=TODAY)
    requests.record_anonymous(uow, date=TODAY - days(1), count=5)

    board = dashboard(uow)
    got = [(c.id, c.person_name, c.kind, c.category) for c in board.contacts_today]
    assert got == [
        (walk_in.id, "Müller, Jürgen", "Sprechzeit", "Schulden und Finanzen"),  # category of its request
        (phone.id, "Abel, Ute", "Telefon", "Sucht"),
        (visit.id, "Abel, Ute", "Hausbesuch", None),
    ]
    assert board.contacts_today[0].request_id == req.id
    assert board.contacts_today[1].duration_minutes == 20
    assert board.contacts_today[0].person_id == mueller.id
    assert board.anonymous_today == 4
    assert board.today == TODAY


def test_yesterdays_dashboard_shows_yesterdays_contacts(uow):
    p = person(uow, "Abel")
    requests.create_contact(uow, person_id=p.id, date=TODAY - days(1), kind="aufsuchend")
    requests.record_anonymous(uow, date=TODAY - days(1), count=2)
    assert dashboard(uow).contacts_today == () and dashboard(uow).anonymous_today == 0
    yesterday = dashboard(uow, TODAY - days(1))
    assert [c.kind for c in yesterday.contacts_today] == ["aufsuchende Arbeit"]
    assert yesterday.anonymous_today == 2


# --------------------------------------------------------------------------- next meetings


def test_next_meetings_today_and_later_in_date_order_at_most_five(uow):
    runde = networks.create_network(uow, name="Stadtteilrunde Kappel", kind="stadtteilrunde")
    ak = networks.create_network(uow, name="AK Naturerziehung")

    def meeting(net, offset, start=None, **kw):
        return networks.create_meeting(uow, network_id=net.id, date=TODAY + days(offset),
                                       start_time=start, **kw)

    meeting(runde, -1, "10:00")  # past
    later_same_day = meeting(ak, 3, "18:00")
    m_today = meeting(runde, 0, "16:00", location="Bürgertreff")
    m_tomorrow = meeting(ak, 1)
    earlier_same_day = meeting(runde, 3, "09:30")
    m_10 = meeting(runde, 10, agenda="Sommerfest")
    meeting(ak, 30)
    meeting(ak, 60)

    board = dashboard(uow)
    assert [m.id for m in board.next_meetings] == [m_today.id, m_tomorrow.id, earlier_same_day.id,
                                                   later_same_day.id, m_10.id]
    first = board.next_meetings[0]
    assert first.network == "Stadtteilrunde Kappel"
    assert first.date == TODAY and first.start_time == dt.time(16, 0)
    assert first.location == "Bürgertreff"
    assert board.next_meetings[-1].agenda == "Sommerfest"
    assert all(m.date >= TODAY for m in board.next_meetings)


def test_few_meetings_are_all_shown_and_past_ones_never(uow):
    net = networks.create_network(uow, name="Gewerbestammtisch")
    old = networks.create_meeting(uow, network_id=net.id, date=TODAY - days(7))
    soon = networks.create_meeting(uow, network_id=net.id, date=TODAY + days(2))
    board = dashboard(uow)
    assert [m.id for m in board.next_meetings] == [soon.id]
    assert old.id not in [m.id for m in board.next_meetings]


def test_empty_database_gives_an_empty_dashboard(uow):
    board = dashboard(uow)
    assert board.follow_ups == () and board.contacts_today == () and board.next_meetings == ()
    assert board.anonymous_today == 0 and board.open_requests == 0


def test_dashboard_defaults_to_today(uow):
    p = person(uow, "Abel")
    req = request(uow, p, "heute", follow_up=0)
    board = today.dashboard(uow)
    assert board.today == TODAY
    assert [f.id for f in board.follow_ups] == [req.id]

"""Entwicklung (early warning): counts per month and Thema/Stadtgebiet over the last 24
months, and the rising rule (at least +50 % and at least 5 more cases than a year before)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from kuemmerer.domain import trends as rule
from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import lists, persons, requests, trends, validation

D = dt.date
TODAY = D(2026, 3, 15)  # window: 01.01.–15.03.2026 against 01.01.–15.03.2025


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    return TODAY


def category(uow, name):
    return lists.categories.create(uow, name=name).id


def district(uow, name):
    return lists.districts.create(uow, name=name).id


def person(uow, district_id=None):
    return persons.create_person(uow, last_name="Testperson", first_name="Erika", district_id=district_id).id


def open_requests(uow, pid, cat, days):
    return [requests.create_request(uow, person_id=pid, category_id=cat, title="Test", opened_on=d).id
            for d in days]


def spread(n, start, end):
    """``n`` days evenly from ``start`` to ``end`` (both inclusive)."""
    span = (end - start).days
    return [start + dt.timedelta(days=round(i * span / max(n - 1, 1))) for i in range(n)]


RECENT = (D(2026, 1, 1), D(2026, 3, 15))
BEFORE = (D(2025, 1, 1), D(2025, 3, 15))


@pytest.fixture
def three_themes(uow, today):
    """Thema Alpha: 10 → 15 (+50 %, +5: exactly the threshold); Beta: 10 → 14 (+40 %, +4: just
    below); Gamma: 1 → 3 (+200 % but only 2 more). Plus cases outside the windows."""
    pid = person(uow)
    cats = {n: category(uow, n) for n in ("Thema Alpha", "Thema Beta", "Thema Gamma")}
    for name, before, recent in (("Thema Alpha", 10, 15), ("Thema Beta", 10, 14), ("Thema Gamma", 1, 3)):
        open_requests(uow, pid, cats[name], spread(before, *BEFORE) + spread(recent, *RECENT))
    # same month a year before, but after the 15th: in the Mär 2025 column, not in the window
    open_requests(uow, pid, cats["Thema Beta"], [D(2025, 3, 16), D(2025, 3, 31)])
    # older than 24 months: nowhere
    open_requests(uow, pid, cats["Thema Alpha"], [D(2024, 3, 31)])
    return cats


def test_exactly_the_threshold_is_marked_just_below_and_small_numbers_are_not(uow, three_themes):
    table = trends.trend_table(uow, "anliegen", "thema")
    alpha, beta, gamma = (table.row(n) for n in ("Thema Alpha", "Thema Beta", "Thema Gamma"))
    assert (alpha.rise.recent, alpha.rise.before, alpha.rising) == (15, 10, True)
    assert alpha.rise.text == "▲ 15 statt 10 (+50 %)"
    assert (beta.rise.recent, beta.rise.before, beta.rising) == (14, 10, False)
    assert beta.rise.text == "14 statt 10 (+40 %)"
    assert (gamma.rise.recent, gamma.rise.before, gamma.rising) == (3, 1, False)
    assert gamma.rise.text == "3 statt 1 (+200 %)"
    assert [r.label for r in table.rising_rows] == ["Thema Alpha"]
    assert table.sentences() == ("Thema Thema Alpha: 15 Anliegen seit dem 01.01.2026 statt 10 in denselben Tagen "
                                 "ein Jahr zuvor (+50 %).",)


def test_counts_per_month_equal_a_hand_count(uow, three_themes):
    table = trends.trend_table(uow, trends.Measure.REQUESTS, trends.Dimension.CATEGORY)
    assert len(table.months) == 24
    assert table.month_labels[0] == "Apr 2024" and table.month_labels[-1] == "Mär 2026"
    col = {label: i for i, label in enumerate(table.month_labels)}
    beta = table.row("Thema Beta")
    by_hand: dict[str, int] = {}
    for d in spread(10, *BEFORE) + spread(14, *RECENT) + [D(2025, 3, 16), D(2025, 3, 31)]:
        label = rule.month_label((d.year, d.month))
        by_hand[label] = by_hand.get(label, 0) + 1
    assert {table.month_labels[i]: n for i, n in enumerate(beta.counts) if n} == by_hand
    assert beta.counts[col["Mär 2025"]] == by_hand["Mär 2025"]  # includes the 16th and 31st
    alpha = table.row("Thema Alpha")
    assert sum(alpha.counts) == 25  # the one of March 2024 is older than 24 months
    total = table.row(trends.TOTAL)
    assert total.is_total and not total.rising
    assert total.counts == tuple(sum(r.counts[i] for r in table.rows[:-1]) for i in range(24))


def test_contacts_count_by_their_request_s_thema_or_their_own_or_none(uow, today):
    pid = person(uow)
    a, b = category(uow, "Thema Alpha"), category(uow, "Thema Beta")
    (rid,) = open_requests(uow, pid, a, [D(2026, 1, 5)])
    requests.create_contact(uow, person_id=pid, request_id=rid, category_id=b, date=D(2026, 1, 6))  # request wins
    requests.create_contact(uow, person_id=pid, category_id=b, date=D(2026, 2, 7))
    requests.create_contact(uow, person_id=pid, date=D(2026, 2, 8))
    requests.create_contact(uow, person_id=pid, date=D(2026, 3, 16 - 1))
    table = trends.trend_table(uow, "kontakte", "thema")
    col = {label: i for i, label in enumerate(table.month_labels)}
    assert table.row("Thema Alpha").counts[col["Jan 2026"]] == 1
    assert table.row("Thema Beta").counts[col["Feb 2026"]] == 1
    assert table.row("ohne Thema").counts[col["Feb 2026"]] == 1
    assert table.row("ohne Thema").counts[col["Mär 2026"]] == 1
    assert table.rows[-2].label == "ohne Thema"  # after her Themen, before the total


def test_by_district_of_the_person_and_unknown(uow, today):
    north, south = district(uow, "Nordviertel"), district(uow, "Südviertel")
    p_north, p_none = person(uow, north), person(uow)
    for day in spread(6, *RECENT):
        requests.create_contact(uow, person_id=p_north, date=day)
    requests.create_contact(uow, person_id=p_none, date=D(2025, 2, 1))
    table = trends.trend_table(uow, "kontakte", "stadtgebiet")
    assert table.row("Nordviertel").rise.text == "▲ 6 statt 0 (neu)"
    assert table.row("Nordviertel").rising
    assert sum(table.row("Südviertel").counts) == 0  # listed without cases
    assert table.row("unbekannt").rise.text == "0 statt 1 (−100 %)"
    requests_table = trends.trend_table(uow, "anliegen", "stadtgebiet")
    assert sum(requests_table.row(trends.TOTAL).counts) == 0
    assert south  # the district exists


def test_the_rule_in_numbers():
    assert rule.rise(15, 10).rising and not rule.rise(14, 10).rising
    assert rule.rise(18, 12).rising and not rule.rise(17, 12).rising  # +5 but only +41 %
    assert not rule.rise(3, 1).rising and rule.rise(5, 0).rising and not rule.rise(4, 0).rising
    assert not rule.rise(110, 100).rising  # +10 cases, only +10 %
    assert rule.rise(6, 4).change_text == "+50 %" and rule.rise(3, 4).change_text == "−25 %"
    assert rule.rise(0, 0).text == "0 statt 0 (±0 %)"
    assert rule.rise(299, 200).change_text == "+49 %"  # cut, never rounded up to the threshold


def test_window_and_months_in_german():
    w = rule.TrendWindow.ending(D(2028, 2, 29))
    assert (w.start, w.end, w.start_before, w.end_before) == (D(2027, 12, 1), D(2028, 2, 29), D(2026, 12, 1),
                                                              D(2027, 2, 28))
    assert rule.last_months(D(2026, 1, 31), 3) == ((2025, 11), (2025, 12), (2026, 1))
    assert [rule.month_label((2026, m)) for m in (1, 3, 10, 12)] == ["Jan 2026", "Mär 2026", "Okt 2026", "Dez 2026"]
    assert "mindestens 50 % und mindestens 5 Fälle mehr" in rule.rule_text(w)


def test_one_grouped_query_not_one_per_cell(uow, three_themes):
    statements: list[str] = []
    engine = uow.session.get_bind()

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        trends.trend_table(uow, "anliegen", "thema")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2


@pytest.mark.parametrize(("measure", "dimension", "field"), [("besuche", "thema", "measure"),
                                                              ("anliegen", "straße", "dimension")])
def test_unknown_choices_are_refused_in_german(uow, measure, dimension, field):
    with pytest.raises(ValidationError) as err:
        trends.trend_table(uow, measure, dimension)
    assert field in err.value.errors and "Bitte" in err.value.errors[field]


def test_retired_themen_show_only_while_they_have_cases(uow, today):
    pid = person(uow)
    old, unused = category(uow, "Thema Alt"), category(uow, "Thema Ungenutzt")
    open_requests(uow, pid, old, [D(2025, 6, 1)])
    for ident in (old, unused):
        lists.categories.update(uow, ident, active=False)
    labels = [r.label for r in trends.trend_table(uow).rows]
    assert "Thema Alt" in labels and "Thema Ungenutzt" not in labels

"""Her own lists (Stadtgebiete, Themen, Angebote): add, rename, order, deactivate, delete
only when unused, merge with a preview of what moves, and streets that suggest a district."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kuemmerer.domain.errors import InUse, ValidationError
from kuemmerer.services import activities, lists, partners, persons, requests, statistics

DAY = dt.date(2025, 3, 4)
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def names(uow, kind: str) -> list[str]:
    return [e.name for e in lists.entries(uow, kind)]


def row_counts(uow) -> dict[str, int]:
    tables = ("districts", "categories", "services", "district_streets", "persons", "requests",
              "contacts", "anonymous_tallies", "referrals", "organisation_services", "activities")
    return {t: uow.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def category_id(uow, name: str) -> int:
    return next(c.id for c in lists.list_categories(uow) if c.name == name)


def service_id(uow, name: str) -> int:
    return next(s.id for s in lists.list_services(uow) if s.name == name)


# --------------------------------------------------------------------------- add, rename, order


def test_new_districts_come_before_outside_and_keep_her_order(uow):
    lists.add_entry(uow, "districts", "Kappel")
    lists.add_entry(uow, "districts", "Hutholz")
    assert names(uow, "districts") == ["Kappel", "Hutholz", "außerhalb"]
    hutholz = next(e for e in lists.entries(uow, "districts") if e.name == "Hutholz")
    lists.move(uow, "districts", hutholz.id, -1)
    assert names(uow, "districts") == ["Hutholz", "Kappel", "außerhalb"]
    assert [d.name for d in lists.list_districts(uow)] == ["Hutholz", "Kappel", "außerhalb"]
    lists.move(uow, "districts", hutholz.id, -1)  # already first: stays
    assert names(uow, "districts")[0] == "Hutholz"
    lists.move(uow, "districts", hutholz.id, +1)
    assert names(uow, "districts") == ["Kappel", "Hutholz", "außerhalb"]


def test_new_category_and_service_at_the_end_and_set_order(uow):
    lists.add_entry(uow, "categories", "Nachbarschaftshilfe")
    assert names(uow, "categories")[-1] == "Nachbarschaftshilfe"
    tafel = lists.add_entry(uow, "services", "Tafel")
    assert [s.name for s in lists.list_services(uow)][-1] == "Tafel"
    others = [e.id for e in lists.entries(uow, "services") if e.id != tafel.id]
    lists.set_order(uow, "services", [tafel.id, *others])
    assert next(s.name for s in lists.list_services(uow)) == "Tafel"
    with pytest.raises(ValidationError):
        lists.set_order(uow, "services", [tafel.id, tafel.id])


def test_rename_and_duplicate_names_regardless_of_case(uow):
    kappel = lists.add_entry(uow, "districts", "Kappel")
    lists.rename(uow, "districts", kappel.id, "Kappel-Nord")
    assert "Kappel-Nord" in names(uow, "districts")
    with pytest.raises(ValidationError) as err:
        lists.add_entry(uow, "districts", "kappel-nord")
    assert err.value.errors == {"name": "Dieses Stadtgebiet gibt es schon."}
    with pytest.raises(ValidationError):
        lists.rename(uow, "categories", category_id(uow, "Sucht"), "sonstiges")
    lists.rename(uow, "districts", kappel.id, "KAPPEL-NORD")  # its own name in other case is fine
    assert "KAPPEL-NORD" in names(uow, "districts")


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=st.one_of(st.just(""), st.text(alphabet=" \t", max_size=5), st.just("x" * 500),
                      st.text(min_size=1, max_size=10).map(lambda t: f"Ka\x00{t}"),
                      st.sampled_from(["Zeile\nzwei", "Tab\tdrin", "\x7f"])))
def test_odd_names_get_a_german_error_and_nothing_is_written(uow, name):
    before = row_counts(uow)
    for kind in lists.KINDS:
        with pytest.raises(ValidationError) as err:
            lists.add_entry(uow, kind, name)
        message = err.value.errors["name"]
        assert message in ("Bitte ausfüllen.", lists.CONTROL_CHARS) or message.startswith("Höchstens")
    assert row_counts(uow) == before


def test_deactivated_entries_leave_the_choices_but_count_in_statistics(uow):
    kappel = lists.add_entry(uow, "districts", "Kappel")
    p = persons.create_person(uow, last_name="Testperson", district_id=kappel.id)
    requests.create_contact(uow, person_id=p.id, date=DAY)
    lists.set_active(uow, "districts", kappel.id, False)
    assert "Kappel" not in [d.name for d in lists.list_districts(uow, active_only=True)]
    assert "Kappel" in [d.name for d in lists.list_districts(uow)]
    assert persons.get_person(uow, p.id).district_id == kappel.id  # history keeps it
    assert statistics.compute(uow, *YEAR).by_district["Kappel"] == 1
    entry = next(e for e in lists.entries(uow, "districts") if e.id == kappel.id)
    assert (entry.active, entry.uses) == (False, 1)
    lists.set_active(uow, "districts", kappel.id, True)
    assert "Kappel" in [d.name for d in lists.list_districts(uow, active_only=True)]


# --------------------------------------------------------------------------- delete


def test_delete_only_when_unused(uow):
    kappel = lists.add_entry(uow, "districts", "Kappel")
    hutholz = lists.add_entry(uow, "districts", "Hutholz")
    lists.set_streets(uow, hutholz.id, "Am Harthwald")
    persons.create_person(uow, last_name="Testperson", district_id=kappel.id)
    before = row_counts(uow)
    with pytest.raises(InUse) as err:
        lists.delete_entry(uow, "districts", kappel.id)
    assert "„Kappel“ wird noch verwendet (1 × Personen)" in str(err.value)
    assert row_counts(uow) == before
    lists.delete_entry(uow, "districts", hutholz.id)  # unused; its streets go with it
    assert names(uow, "districts") == ["Kappel", "außerhalb"]
    assert row_counts(uow)["district_streets"] == 0


def test_a_service_partners_offer_is_in_use(uow):
    tafel = lists.add_entry(uow, "services", "Tafel")
    partners.create_organisation(uow, name="Tafel Süd", service_ids=[tafel.id])
    with pytest.raises(InUse, match="Partner mit diesem Angebot"):
        lists.delete_entry(uow, "services", tafel.id)
    assert "Tafel" in names(uow, "services")


# --------------------------------------------------------------------------- merge


def test_merging_districts_moves_persons_tallies_activities_and_streets(uow):
    kappel = lists.add_entry(uow, "districts", "Kappel")
    kappel2 = lists.add_entry(uow, "districts", "Kapel")  # a typo she wants to get rid of
    lists.set_streets(uow, kappel.id, "Zwickauer Straße\nAm Harthwald")
    lists.set_streets(uow, kappel2.id, "Zwickauer Str.\nStollberger Straße")
    for i in range(3):
        p = persons.create_person(uow, last_name=f"Person{i}", district_id=kappel2.id if i else kappel.id)
        requests.create_contact(uow, person_id=p.id, date=DAY)
    requests.record_anonymous(uow, date=DAY, district_id=kappel2.id, count=4)
    activities.create_activity(uow, name="Frühjahrsputz", district_id=kappel2.id)
    before = statistics.compute(uow, *YEAR).by_district
    assert (before["Kappel"], before["Kapel"]) == (1, 2)

    preview = lists.merge_preview(uow, "districts", kappel2.id, kappel.id)
    assert dict(preview.moves) == {"Personen": 2, "anonyme Besuche (Strichliste)": 1, "Aktivitäten": 1,
                                   "Straßen": 1}
    counts = row_counts(uow)
    assert row_counts(uow) == counts  # a preview writes nothing

    moved = lists.merge(uow, "districts", kappel2.id, kappel.id)
    assert moved == preview
    assert names(uow, "districts") == ["Kappel", "außerhalb"]
    after = statistics.compute(uow, *YEAR).by_district
    assert after["Kappel"] == 3 and "Kapel" not in after
    assert sorted(s.name for s in lists.streets(uow, kappel.id)) == [
        "Am Harthwald", "Stollberger Straße", "Zwickauer Straße"]
    assert all(t.district_id == kappel.id for t in requests.tallies.list(uow))
    assert lists.merge_preview(uow, "districts", lists.entries(uow, "districts")[1].id, kappel.id).total == 0


def test_merging_categories_moves_requests_contacts_tallies_and_statistics_follow(uow):
    money, debts = category_id(uow, "Schulden und Finanzen"), category_id(uow, "Sonstiges")
    p = persons.create_person(uow, last_name="Testperson")
    for i in range(2):
        requests.create_request(uow, person_id=p.id, title=f"Anliegen {i}", category_id=debts, opened_on=DAY)
    requests.create_request(uow, person_id=p.id, title="Miete", category_id=money, opened_on=DAY)
    requests.create_contact(uow, person_id=p.id, date=DAY, category_id=debts)
    requests.record_anonymous(uow, date=DAY, category_id=debts)
    assert statistics.compute(uow, *YEAR).requests_by_category["Sonstiges"] == 2

    preview = lists.merge_preview(uow, "categories", debts, money)
    assert dict(preview.moves) == {"Anliegen": 2, "Kontakte": 1, "anonyme Besuche (Strichliste)": 1}
    assert (preview.source_name, preview.target_name, preview.total) == ("Sonstiges", "Schulden und Finanzen", 4)
    lists.merge(uow, "categories", debts, money)
    by_category = statistics.compute(uow, *YEAR).requests_by_category
    assert by_category["Schulden und Finanzen"] == 3 and "Sonstiges" not in by_category
    assert {r.category_id for r in requests.list_requests(uow)} == {money}
    assert "Sonstiges" not in names(uow, "categories")


def test_merging_services_moves_referrals_and_keeps_one_offering_per_partner(uow):
    debt, social = service_id(uow, "Schuldnerberatung"), service_id(uow, "Sozialberatung")
    both = partners.create_organisation(uow, name="Beratung A", service_ids=[debt, social])
    only_social = partners.create_organisation(uow, name="Beratung B", service_ids=[social])
    p = persons.create_person(uow, last_name="Testperson")
    partners.create_referral(uow, person_id=p.id, service_id=social, organisation_id=only_social.id,
                             referred_on=DAY)
    preview = lists.merge_preview(uow, "services", social, debt)
    assert dict(preview.moves) == {"Vermittlungen": 1, "Partner mit diesem Angebot": 2}
    lists.merge(uow, "services", social, debt)
    assert statistics.compute(uow, *YEAR).referrals_by_service["Schuldnerberatung"] == 1
    for org in (both, only_social):
        assert [o.id for o in partners.list_organisations(uow, service_id=debt) if o.id == org.id] == [org.id]
    assert row_counts(uow)["organisation_services"] == 2
    assert "Sozialberatung" not in names(uow, "services")


def test_merge_into_itself_is_refused(uow):
    sid = service_id(uow, "Jobcenter")
    with pytest.raises(ValidationError, match="anderen Eintrag"):
        lists.merge_preview(uow, "services", sid, sid)
    with pytest.raises(ValidationError):
        lists.merge(uow, "services", sid, sid)
    assert "Jobcenter" in names(uow, "services")


# --------------------------------------------------------------------------- streets


@pytest.fixture
def two_districts(uow):
    kappel = lists.add_entry(uow, "districts", "Kappel")
    helbersdorf = lists.add_entry(uow, "districts", "Helbersdorf")
    lists.set_streets(uow, kappel.id, "Zwickauer Straße\nMüllerweg\n\nStraße des 17. Juni\nZwickauer Str.")
    lists.set_streets(uow, helbersdorf.id, "Helbersdorfer Straße\nStollberger Straße")
    return kappel, helbersdorf


@pytest.mark.parametrize("typed", ["Zwickauer Straße 12a", "zwickauer str. 12 a", "Zwickauerstr.5",
                                   "ZWICKAUER STRASSE 3-5", "Muellerweg 2", "Müllerweg", "Straße des 17. Juni 4"])
def test_streets_suggest_their_district(uow, two_districts, typed):
    kappel, _ = two_districts
    assert lists.suggest_district(uow, typed).id == kappel.id


@pytest.mark.parametrize("typed", ["", "   ", "12", "Unbekannte Gasse 3", "Zwickau", None])
def test_no_suggestion_for_unknown_streets(uow, two_districts, typed):
    assert lists.suggest_district(uow, typed) is None


def test_a_street_in_two_districts_suggests_none(uow, two_districts):
    kappel, helbersdorf = two_districts
    assert lists.suggest_district(uow, "Stollberger Str. 40").id == helbersdorf.id
    lists.add_street(uow, kappel.id, "Stollberger Straße")
    assert lists.suggest_district(uow, "Stollberger Str. 40") is None


def test_an_inactive_district_is_not_suggested(uow, two_districts):
    kappel, _ = two_districts
    lists.set_active(uow, "districts", kappel.id, False)
    assert lists.suggest_district(uow, "Müllerweg 1") is None


def test_street_list_keeps_one_of_each_and_replaces(uow, two_districts):
    kappel, _ = two_districts
    assert [s.name for s in lists.streets(uow, kappel.id)] == [
        "Müllerweg", "Straße des 17. Juni", "Zwickauer Straße"]
    assert lists.entries(uow, "districts")[0].streets == 3
    lists.set_streets(uow, kappel.id, "Müllerweg\nAm Harthwald")
    assert [s.name for s in lists.streets(uow, kappel.id)] == ["Am Harthwald", "Müllerweg"]
    with pytest.raises(ValidationError, match="schon in der Liste"):
        lists.add_street(uow, kappel.id, "Am Harthwald 3")
    street = lists.add_street(uow, kappel.id, "Zschopauer Str.")
    lists.remove_street(uow, street.id)
    assert len(lists.streets(uow, kappel.id)) == 2


@pytest.mark.parametrize("bad", ["Gut\nBö\x00se", "x" * 151, "Gut\n12"])
def test_bad_street_lines_name_the_line_and_write_nothing(uow, two_districts, bad):
    kappel, _ = two_districts
    before = row_counts(uow)
    with pytest.raises(ValidationError) as err:
        lists.set_streets(uow, kappel.id, bad)
    assert err.value.errors["streets"].startswith("Zeile ")
    assert row_counts(uow) == before
    with pytest.raises(ValidationError):
        lists.add_street(uow, kappel.id, "  ")


def test_add_districts_is_all_or_nothing(uow):
    before = row_counts(uow)
    with pytest.raises(ValidationError) as err:
        lists.add_districts(uow, "Kappel\n\nHutholz\nkappel\naußerhalb\n" + "y" * 81)
    message = err.value.errors["districts"]
    assert "Zeile 4" in message and "Zeile 5" in message and "Zeile 6" in message
    assert row_counts(uow) == before
    added = lists.add_districts(uow, "Kappel\n  Hutholz  \n\n")
    assert [d.name for d in added] == ["Kappel", "Hutholz"]
    assert names(uow, "districts") == ["Kappel", "Hutholz", "außerhalb"]

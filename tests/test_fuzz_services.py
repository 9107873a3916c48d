"""Property test: every create/update service answers any value of any type with success or a
German ``ValidationError`` naming a field — never another exception, never a partial write."""

from __future__ import annotations

import datetime as dt
import inspect
import math
import os
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.services import lists, partners, persons
from kuemmerer.services.crud import Crud
from tests.conftest import create_encrypted
from tests.test_service_validation import (
    NO_USER_INPUT,
    _build_world,
    _service_writers,
    assert_german,
    snapshot,
)

PAST = dt.date(2024, 3, 5)
P, Q, R, REF = attrgetter("p"), attrgetter("q"), attrgetter("r"), attrgetter("ref")
KAPPEL, OUTSIDE, CAT, SVC = attrgetter("kappel"), attrgetter("outside"), attrgetter("cat"), attrgetter("svc")
ORG, CONSENT = attrgetter("org"), attrgetter("c")
A, S, V, ASG = attrgetter("a"), attrgetter("s"), attrgetter("v"), attrgetter("asg")
N, M, AI = attrgetter("n"), attrgetter("m"), attrgetter("ai")

Call = tuple[tuple[Any, ...], dict[str, Any]]


def call(*args: Any, **kwargs: Any) -> Callable[[Any], Call]:
    """A valid call on the world ``w`` (arguments may be getters of its ids)."""
    def make(w: Any) -> Call:
        def value(v: Any) -> Any:
            return v(w) if callable(v) else v
        return tuple(value(a) for a in args), {k: value(v) for k, v in kwargs.items()}
    return make


# a valid call per writer, so the fuzzed value meets the validator's later checks too
BASELINES: dict[str, Callable[[Any], Call]] = {
    "activities.add_attendance": call(session_id=S, person_id=Q),
    "activities.create_activity": call(name="Fest"),
    "activities.create_session": call(activity_id=A, date=PAST),
    "activities.update_activity": call(A, name="Fest"),
    "activities.update_session": call(S, date=PAST),
    "activities.set_headcounts": call(S, {("weiblich", "u18"): 2}),
    "activities.create_series": call(activity_id=A, first=PAST, until=PAST + dt.timedelta(days=14), weekdays=[1]),
    "activities.record_sign_in": call(session_id=S, entries=[Q]),
    "activities.update_attachment": call(attrgetter("att"), description="Fest", publication="ja"),
    "matching.record_inquiry": call(volunteer_id=V, asked_on=PAST, answer="zugesagt", note="fragt nach"),
    "matching.update_inquiry": call(attrgetter("inq"), answer="abgesagt"),
    "volunteers.set_renewal_years": call(years=5),
    "desk.record_walk_in": call(person_id=P, note="Strom", category_id=CAT, duration_minutes=10),
    "lists.add_districts": call(names="Hutholz"),
    "lists.add_entry": call(kind="categories", name="Neu"),
    "lists.add_street": call(district_id=KAPPEL, name="Kirchweg"),
    "lists.add_with_streets": call(kind="districts", name="Neustadt", streets_text="Kirchweg"),
    "lists.merge": call(kind="categories", source_id=CAT, target_id=CAT),
    "lists.merge_preview": call(kind="districts", source_id=KAPPEL, target_id=OUTSIDE),
    "lists.rename": call(kind="services", ident=SVC, name="Beratung"),
    "lists.set_order": call(kind="categories", ids=[CAT]),
    "lists.set_streets": call(district_id=KAPPEL, text="Kirchweg\nAm Markt"),
    "lock_settings.set_lock_minutes": call(minutes=10),
    "networks.add_participant": call(meeting_id=M, person_id=Q),
    "networks.complete_action_item": call(AI, on=PAST),
    "networks.add_member": call(network_id=N, person_id=Q, role="Bewohnerin"),
    "networks.update_member": call(attrgetter("mem"), role="Sprecher"),
    "networks.add_agenda_item": call(meeting_id=M, title="Bericht", minutes="gut", decision="weiter so"),
    "networks.update_agenda_item": call(attrgetter("top"), title="Begrüßung und Vorstellung"),
    "networks.create_action_item_from_minutes": call(attrgetter("top"), title="Flyer", due_on=PAST),
    "networks.create_action_item": call(title="Einladen", meeting_id=M, due_on=PAST),
    "networks.create_meeting": call(network_id=N, date=PAST, start_time="10:00", end_time="11:00"),
    "networks.create_network": call(name="Runde"),
    "networks.update_action_item": call(AI, title="Einladen"),
    "networks.update_meeting": call(M, date=PAST),
    "networks.update_network": call(N, name="Runde Kappel"),
    # a new meeting each time (``meeting_id`` None), so the participants are new to it too
    "networks.save_meeting": lambda w: ((), dict(
        meeting_id=None, network_id=w.n, values={"date": PAST, "start_time": "10:00", "location": "Bürgerhaus"},
        points=[{"title": "Bericht", "minutes": "gut"}], deleted_points=[],
        participants=[{"person_id": w.q, "attended": True}, {"organisation_id": w.org, "attended": False}],
        removed_participants=[],
        actions=[{"title": "Einladen", "point": 0, "owner_text": "Koordinatorin", "due_on": PAST}],
        deleted_actions=[], done=[(w.ai, PAST)])),
    "partners.close_referral": call(REF, on=PAST),
    "partners.create_organisation": call(name="Beratung", service_ids=[SVC],
                                         weekly_hours=[(0, "09:00", "12:00")]),
    "partners.create_referral": call(person_id=P, service_id=SVC, organisation_id=ORG, referred_on=PAST),
    "partners.record_consent": call(person_id=P, organisation_id=ORG, data_categories=["name"],
                                    purpose="Termin", given_on=PAST),
    "partners.record_outcome": call(REF, "angekommen", on=PAST, note="gut"),
    "partners.save_referral": call(person_id=P, service_id=SVC, organisation_id=ORG, referred_on=PAST),
    "partners.update_consent": call(CONSENT, purpose="Termin"),
    "partners.update_organisation": call(ORG, name="Caritas"),
    "partners.update_referral": call(REF, referred_on=PAST),
    "partners.withdraw_consent": call(CONSENT, on=PAST),
    "persons.create_person": call(last_name="Muster", first_name="Anna", birth_date="01.02.1980"),
    "persons.update_person": call(Q, last_name="Beispiel"),
    "retention.erase_due": call(ids=[P]),  # P is not due: nothing is erased
    "retention.set_years": call(years=5),
    "reports.save_text": call(1, Period.year(2025), "Beratung im Stadtteilbüro"),
    "requests.create_contact": call(person_id=P, date=PAST, request_id=R),
    "requests.create_request": call(person_id=P, title="Miete", opened_on=PAST),
    "requests.move_contact": call(None, Q),  # the contact id is filled in below
    "requests.record_anonymous": call(date=PAST, count=2),
    "requests.set_follow_up": call(R, PAST, note="anrufen"),
    "requests.set_status": call(R, "offen"),
    "requests.update_anonymous": call(None, count=3),  # the tally id is filled in below
    "requests.update_contact": call(None, note="x"),  # the contact id is filled in below
    "requests.update_request": call(R, title="Miete"),
    "settings.set_counting_rules": call(count_attendance=True, suppress_below=3),
    "settings.set_letterhead": call(office_name="Stadtteilbüro", phone="123"),
    "volunteers.create_assignment": call(volunteer_id=V, activity_id=A, date=PAST, hours="1,5"),
    "volunteers.create_volunteer": call(person_id=Q, started_on=PAST),
    "volunteers.update_assignment": call(ASG, hours=2),
    "volunteers.update_volunteer": call(V, started_on=PAST),
}
# the lists' generic create/update (``lists.districts.create`` …) are writers too
EXTRA_WRITERS: dict[str, Any] = {
    "lists.districts.create": (lists.districts.create, call(name="Hutholz")),
    "lists.districts.update": (lists.districts.update, call(KAPPEL, name="Kappel")),
    "lists.categories.create": (lists.categories.create, call(name="Wohnen")),
    "lists.services.update": (lists.services.update, call(SVC, name="Schuldnerberatung")),
}

WRITERS = {name: (fn, BASELINES[name]) for name, fn in _service_writers().items() if name not in NO_USER_INPUT}
WRITERS.update(EXTRA_WRITERS)


def test_every_writer_with_user_input_has_a_baseline():
    assert set(BASELINES) == {n for n in _service_writers() if n not in NO_USER_INPUT}


def field_names(name: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """The named values a writer takes: its keyword parameters, the entity's editable fields
    for the generic create/update, and whatever its valid call uses."""
    names = set(kwargs)
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, Crud):
        names |= set(owner.editable())
    params = list(inspect.signature(fn).parameters.values())[1 + len(args):]
    names |= {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    if name.startswith("lists."):
        names.discard("kind")  # which list: the screen's tab says it, no one types it
    return sorted(names - {"commit", "consent"})


_SURROGATE_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
ANY_VALUE = st.one_of(
    _SURROGATE_TEXT,
    st.sampled_from(["\ud800", "a\x00b", "x\x01y", "\x7f", "Zeile 1\nZeile 2\tTab", "", " ", "01.02.2024",
                     "31.12.9999", "01.01.0001", "12:00", "99:99", "1,5", "-1", "nan", "inf", "1e309",
                     "x" * 25_000]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**30, 2**63, 2**63 - 1, -(2**63) - 1, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.inf, -math.inf, math.nan, 1.5, 1e308]),
    st.booleans(),
    st.none(),
    st.binary(max_size=10),
    st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(9999, 12, 31, 23, 59),
                     dt.time(23, 59)]),
    st.lists(st.one_of(st.integers(), st.text(max_size=5), st.none(),
                       st.tuples(st.integers(-2, 8), st.text(max_size=6), st.text(max_size=6))), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just(object()),
)


@pytest.fixture(scope="module")
def world_ws(tmp_path_factory):
    ws = create_encrypted(tmp_path_factory.mktemp("fuzz") / "kuemmerer.sqlite")
    try:
        w = _build_world(ws)
        with ws.uow() as u:  # ids the baselines of contacts and tallies need
            from kuemmerer.services import requests
            w.contact = requests.create_contact(u, person_id=w.p, request_id=w.r, date=PAST).id
            w.tally = requests.record_anonymous(u, date=PAST, count=2).id
        yield ws, w
    finally:
        ws.close()


def _baseline(name: str, make: Callable[[Any], Call], w: Any) -> Call:
    args, kwargs = make(w)
    if args and args[0] is None:
        args = ((w.tally if name == "requests.update_anonymous" else w.contact), *args[1:])
    return args, kwargs


@pytest.mark.parametrize("name", sorted(WRITERS))
@settings(max_examples=int(os.environ.get("KUEMMERER_FUZZ_EXAMPLES", "25")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_gives_success_or_a_german_validation_error(world_ws, name, data):
    ws, w = world_ws
    fn, make = WRITERS[name]
    args, kwargs = _baseline(name, make, w)
    names = field_names(name, fn, args, kwargs)
    slots = [f"#{i}" for i in range(len(args))] + names
    fuzzed = data.draw(st.lists(st.sampled_from(slots), min_size=1, max_size=3, unique=True), "fields")
    args_l = list(args)
    for slot in fuzzed:
        value = data.draw(ANY_VALUE, slot)
        if slot.startswith("#"):
            args_l[int(slot[1:])] = value
        else:
            kwargs[slot] = value
    # the record a screen works on is a parameter of its own (``ident``, ``district_id`` of a
    # street list …); for it "not found" is the answer, for any id among the values a field error
    own_params = {p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind is not p.VAR_KEYWORD and (p.name.endswith("_id") or p.name == "ident")}
    before = snapshot(ws)
    with ws.uow() as u:
        try:
            fn(u, *args_l, **kwargs)
        except NotFound:
            # the record to change is gone (or no record has the id): only for a fuzzed record id
            u.rollback()
            assert any(slot.startswith("#") or slot in own_params for slot in fuzzed), fuzzed
            errors, failed = None, True
        except ValidationError as exc:
            u.rollback()
            errors: dict[str, str] | None = exc.errors
            failed = True
        else:
            errors, failed = None, False
    if errors is not None:
        assert errors, "a ValidationError names at least one field"
        for message in errors.values():
            assert_german(message)
    if failed:
        assert snapshot(ws) == before, "a refused call wrote something"


# --------------------------------------------------------------------------- the reproductions of issue 9


def _count_rows(ws) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot(ws).items()}


@pytest.mark.parametrize(("field", "value"), [
    ("last_name", "Mus\ud800ter"),
    ("last_name", "Mus\x00ter"),
    ("notes", "\udfff"),
    ("notes", "Zeile\x00"),
    ("district_id", 10**30),
    ("district_id", 2**63),
    ("district_id", math.inf),
    ("district_id", math.nan),
    ("district_id", True),
    ("district_id", "\ud800"),
    ("district_id", [1]),
    ("first_name", ["Erna"]),
    ("first_name", b"Erna"),
    ("first_name", True),
])
def test_bad_person_values_are_named_in_german_and_nothing_is_written(ws, uow, field, value):
    before = _count_rows(ws)
    with pytest.raises(ValidationError) as info:
        persons.create_person(uow, **{"last_name": "Muster", field: value})
    uow.rollback()
    assert set(info.value.errors) == {field}
    assert_german(info.value.errors[field])
    assert _count_rows(ws) == before


@pytest.mark.parametrize("value", [5, 1.5, {"name": True}, b"name", object()])
def test_data_categories_that_are_no_list(ws, uow, value):
    with ws.uow() as u:
        svc = next(s.id for s in lists.list_services(u) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(u, name="Beratung", service_ids=[svc]).id
        person = persons.create_person(u, last_name="Muster").id
    before = _count_rows(ws)
    with pytest.raises(ValidationError) as info:
        partners.record_consent(uow, person_id=person, organisation_id=org, data_categories=value,
                                purpose="Termin", given_on=PAST)
    uow.rollback()
    assert "data_categories" in info.value.errors
    assert_german(info.value.errors["data_categories"])
    assert _count_rows(ws) == before


def test_huge_ids_of_the_record_to_change_are_not_found(uow):
    for ident in (10**30, 2**63, math.inf, math.nan, True, "\ud800"):
        with pytest.raises(NotFound):
            persons.update_person(uow, ident, last_name="Neu")  # type: ignore[arg-type]


def test_other_control_characters_are_dropped_tab_and_line_breaks_kept(ws, uow):
    made = persons.create_person(uow, last_name="Mus\x1bter\x7f", notes="Zeile 1\r\nZeile\x0c 2\tEnde\x85")
    with ws.uow(read_only=True) as u:
        back = persons.get_person(u, made.id)
    assert back.last_name == "Muster"
    assert back.notes == "Zeile 1\r\nZeile 2\tEnde"

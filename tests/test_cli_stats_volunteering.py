"""`kuemmerer-cli stats --json` moves as the counting rules say when sessions, attendance,
head counts and Einsätze are added (issue 13 §6: one counting rule for all of it)."""

from __future__ import annotations

import datetime as dt
import json

from kuemmerer import cli
from kuemmerer.services import activities, persons, volunteers


def stats(ws, capsys) -> dict:
    assert cli.main(["--db", str(ws.path), "stats", "--year", "2025", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_json_counts_a_regular_once_the_heads_apart_and_the_volunteer_hours(ws, capsys):
    before = stats(ws, capsys)
    with ws.uow() as uow:
        act = activities.create_activity(uow, name="Café international")
        made = activities.create_series(uow, activity_id=act.id, first="04.03.2025", until="01.04.2025",
                                        weekdays=[1], start_time="15:00", end_time="17:00")
        regular = persons.create_person(uow, last_name="Stammgast", birth_date=dt.date(1950, 5, 5))
        for s in made:
            activities.record_sign_in(uow, s.id, [regular.id, {"last_name": f"Gast{s.id}"}])
        activities.set_headcounts(uow, made[0].id, {("weiblich", "u18"): 4, ("divers", "65plus"): 1})
        helper = persons.create_person(uow, last_name="Helferin")
        v = volunteers.create_volunteer(uow, person_id=helper.id, started_on=dt.date(2025, 1, 1))
        for s in made[:3]:
            volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=act.id, session_id=s.id, hours=2)
    after = stats(ws, capsys)
    assert len(made) == 5
    assert after["participants"]["named"] - before["participants"]["named"] == 1 + 5  # the regular once
    assert after["participants"]["anonymous"] - before["participants"]["anonymous"] == 5
    assert after["activities"]["attendance_named"] - before["activities"]["attendance_named"] == 10
    assert after["activities"]["attendance_anonymous"] - before["activities"]["attendance_anonymous"] == 5
    assert after["activities"]["sessions"] - before["activities"]["sessions"] == 5
    assert after["volunteers"]["active"] - before["volunteers"]["active"] == 1
    assert after["volunteers"]["hours"] - before["volunteers"]["hours"] == 6

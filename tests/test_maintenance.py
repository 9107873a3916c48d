"""Daily housekeeping: one verified backup a day, police-clearance data erased on time."""

from __future__ import annotations

import datetime as dt

from kuemmerer.services import maintenance, persons, volunteers

D = dt.date


def _volunteer(uow, name, **kw):
    p = persons.create_person(uow, last_name=name)
    return volunteers.create_volunteer(uow, person_id=p.id, clearance_seen_on=D(2026, 1, 10),
                                       clearance_issued_on=D(2026, 1, 2), clearance_relevant_entry=False, **kw)


def test_one_daily_backup_per_day(ws):
    first = maintenance.housekeeping(ws, today=dt.date.today())
    second = maintenance.housekeeping(ws, today=dt.date.today())
    assert first["backup"] is not None and second["backup"] is None
    assert len(maintenance.list_backups(ws.path, ws.backup_dir)) == 1
    with ws.uow(read_only=True) as uow:  # and the planner got its statistics
        from sqlalchemy import text

        assert uow.session.execute(text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")).scalar() == 1


def test_clearance_data_erased_three_months_after_the_end(ws):
    with ws.uow() as uow:
        active = _volunteer(uow, "Aktiv", started_on=D(2026, 1, 1))
        stopped_recently = _volunteer(uow, "Neulich", started_on=D(2026, 1, 1), ended_on=D(2026, 9, 1))
        stopped_long_ago = _volunteer(uow, "Lange", started_on=D(2026, 1, 1), ended_on=D(2026, 7, 1))
        never_started = _volunteer(uow, "Nie", ended_on=D(2026, 10, 20))
    done = maintenance.housekeeping(ws, today=D(2026, 11, 1))
    assert sorted(done["clearances_erased"]) == sorted([stopped_long_ago.id, never_started.id])
    with ws.uow(read_only=True) as uow:
        by_id = {v.id: v for v in volunteers.list_volunteers(uow)}
    for kept in (active, stopped_recently):
        assert by_id[kept.id].clearance_seen_on == D(2026, 1, 10)
        assert by_id[kept.id].clearance_relevant_entry is False
    for erased in (stopped_long_ago, never_started):
        v = by_id[erased.id]
        assert (v.clearance_seen_on, v.clearance_issued_on, v.clearance_relevant_entry) == (None, None, None)
        assert v.ended_on is not None  # the volunteer record itself stays


def test_every_kind_of_write_is_audited_with_ids_only(ws):
    from sqlalchemy import text

    from kuemmerer.services import settings

    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Prüfer", first_name="Ina")
        persons.update_person(uow, p.id, first_name="Ines")
        settings.set_letterhead(uow, office_name="Stadtteilbüro Süd")
        persons.delete_person(uow, p.id)
    with ws.uow(read_only=True) as uow:
        rows = uow.session.execute(text(
            "SELECT action, entity, entity_id FROM audit_events ORDER BY id")).all()
    assert ("create", "persons", p.id) in rows
    assert ("update", "persons", p.id) in rows
    assert ("create", "settings", None) in rows
    assert ("erase", "persons", p.id) in rows
    flat = " ".join(str(v) for r in rows for v in r)
    assert "Prüfer" not in flat and "Ines" not in flat and "Stadtteilbüro" not in flat

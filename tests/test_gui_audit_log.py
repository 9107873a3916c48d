"""Einstellungen › Protokoll with real widgets: the filters narrow the real log, paging reaches
every row, „Exportieren…“ writes exactly the rows shown, and the model is a correct Qt model."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from sqlalchemy import insert

from kuemmerer.db.models import AuditEvent
from kuemmerer.services import maintenance, persons
from kuemmerer.ui import export_actions
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages.audit_log import AuditLogTab
from tests.gui_helpers import choose, click, type_text

pytestmark = [pytest.mark.gui]

CANARY = "Wunderlich-Quappendorf"


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def tab(qtbot, ctx):
    widget = AuditLogTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1140, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def saved(monkeypatch, tmp_path):
    """The file dialog answers with a path in tmp_path; the closing messages are recorded."""
    record: dict = {"asked": [], "notices": [], "target": tmp_path / "protokoll.xlsx"}

    def ask(parent, title, suggested):
        record["asked"].append((title, suggested))
        return record["target"]

    monkeypatch.setattr(export_actions, "ask_path", ask)
    monkeypatch.setattr(export_actions.Notice, "show",
                        classmethod(lambda cls, parent, title, text: record["notices"].append((title, text))))
    return record


def _insert(ws, events) -> None:
    with ws.uow() as uow:
        uow.session.execute(insert(AuditEvent), [{"at": at, "action": action, "entity": entity, "entity_id": ident}
                                                 for at, action, entity, ident in events])
        uow.commit()


def shown_rows(tab) -> list[list[str]]:
    model = tab.model
    while model.canFetchMore():
        model.fetchMore()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_shows_the_log_newest_first_with_the_privacy_sentence(qtbot, ws, ctx, tab, qtmodeltester):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name=CANARY, notes="Geheimnis")
    ctx.notify("persons")
    rows = shown_rows(tab)
    assert rows[0] == [rows[0][0], rows[0][1], "angelegt", "Person", str(p.id)]
    assert [int(r[0]) for r in rows] == sorted((int(r[0]) for r in rows), reverse=True)
    assert tab.count_label.text() == f"{len(rows)} Einträge"
    labels = " ".join(w.text() for w in tab.findChildren(type(tab.count_label)))
    assert "nie Namen" in labels
    assert CANARY not in repr(rows) and "Geheimnis" not in repr(rows)
    qtmodeltester.check(tab.model)


def test_action_and_bereich_boxes_narrow_the_list(qtbot, ws, ctx, tab):
    with ws.uow() as uow:
        gone = persons.create_person(uow, last_name="Beispiel")
    with ws.uow() as uow:
        persons.delete_person(uow, gone.id)
    maintenance.create_backup(ws)
    ctx.notify("all")
    choose(tab.action, "erase")
    assert shown_rows(tab) == [[shown_rows(tab)[0][0], shown_rows(tab)[0][1], "personenbezogene Daten gelöscht",
                                "Person", str(gone.id)]]
    assert tab.count_label.text() == "1 Eintrag (gefiltert)"
    choose(tab.action, None)
    choose(tab.entity, "database")  # offered because a backup was taken
    assert [r[2:] for r in shown_rows(tab)] == [["Sicherung erstellt", "Datenbank", ""]]
    choose(tab.entity, "persons")
    assert {r[3] for r in shown_rows(tab)} == {"Person"}
    assert {r[2] for r in shown_rows(tab)} >= {"angelegt", "personenbezogene Daten gelöscht"}
    click(qtbot, tab.reset_button)
    assert tab.action.currentData() is None and tab.entity.currentData() is None
    assert len(shown_rows(tab)) > 10


def test_typed_days_filter_and_a_wrong_range_is_named(qtbot, ws, ctx, tab):
    _insert(ws, [(dt.datetime(2025, 3, 3, 11, 0), "update", "requests", 7),
                 (dt.datetime(2025, 4, 4, 11, 0), "update", "requests", 8)])
    ctx.notify("requests")
    type_text(tab.date_from.edit, "01.03.2025")
    type_text(tab.date_to.edit, "31.03.2025")
    qtbot.waitUntil(lambda: [r[4] for r in shown_rows(tab)] == ["7"], timeout=3000)
    assert shown_rows(tab)[0][1].startswith("03.03.2025 ")
    tab.date_to.edit.clear()
    type_text(tab.date_to.edit, "01.02.2025")
    qtbot.waitUntil(tab.error.isVisible, timeout=3000)
    assert "„bis“ darf nicht vor „von“ liegen." in tab.error.text()
    assert tab.model.rowCount() == 0 and not tab.export_button.isEnabled()
    click(qtbot, tab.reset_button)
    assert not tab.error.isVisible() and tab.model.rowCount() > 2


def test_paging_reaches_every_row(qtbot, ws, ctx, tab):
    _insert(ws, [(dt.datetime(2026, 1, 1, 9, 0), "update", "contacts", i) for i in range(1, 451)])
    ctx.notify("contacts")
    choose(tab.entity, "contacts")
    assert tab.model.rowCount() < 450  # the first page only …
    rows = shown_rows(tab)
    assert sorted(int(r[4]) for r in rows) == list(range(1, 451))  # … and every row once when scrolled
    assert tab.count_label.text() == "450 Einträge (gefiltert)"


def test_double_click_shows_one_records_history(qtbot, ws, ctx, tab):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Musterfrau")
        persons.create_person(uow, last_name="Beispiel")
    with ws.uow() as uow:
        persons.update_person(uow, p.id, first_name="Erika")
    ctx.notify("persons")
    row = next(i for i, r in enumerate(shown_rows(tab)) if r[3] == "Person" and r[4] == str(p.id))
    tab.view.doubleClicked.emit(tab.model.index(row, 0))
    assert [r[2:] for r in shown_rows(tab)] == [["geändert", "Person", str(p.id)], ["angelegt", "Person", str(p.id)]]
    assert tab.entity.currentData() == "persons" and tab.entity_id.text() == str(p.id)


def test_export_holds_exactly_the_rows_shown_and_no_personal_data(qtbot, ws, ctx, tab, saved):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name=CANARY, notes="Kanarienbank")
    with ws.uow() as uow:
        persons.delete_person(uow, p.id)
    _insert(ws, [(dt.datetime(2026, 2, 2, 9, 0), "update", "persons", i) for i in range(1, 40)])
    ctx.notify("all")
    choose(tab.entity, "persons")
    rows = shown_rows(tab)
    click(qtbot, tab.export_button)
    qtbot.waitUntil(lambda: bool(saved["notices"]), timeout=20_000)
    title, text = saved["notices"][-1]
    assert title == "Exportiert" and f"{len(rows)} Zeilen" in text
    assert saved["asked"] == [("Protokoll als Excel-Datei speichern", f"Protokoll_{ctx.today().isoformat()}.xlsx")]
    data = list(openpyxl.load_workbook(saved["target"])["Protokoll"].iter_rows(values_only=True))
    assert data[0] == ("Nr.", "Zeitpunkt", "Aktion", "Bereich", "Datensatz-Nr.")
    as_shown = [[str(n), f"{at:%d.%m.%Y %H:%M:%S}", action, entity, "" if ident is None else str(ident)]
                for n, at, action, entity, ident in data[1:]]
    assert as_shown == rows and len(rows) == 42  # angelegt, gelöscht, personenbezogene Daten gelöscht, 39 × geändert
    with zipfile.ZipFile(saved["target"]) as z:
        content = "".join(z.read(name).decode("utf-8") for name in z.namelist())
    assert "Person" in content and CANARY not in content and "Kanarienbank" not in content


def test_export_with_a_wrong_filter_asks_for_no_file(qtbot, ws, ctx, tab, saved):
    tab.entity_id.setText("siebzehn")
    assert tab.export() is None
    assert saved["asked"] == [] and "Datensatz-Nummer" in tab.error.text()

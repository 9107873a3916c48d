"""„Exportieren…“ with the real widgets: the file holds exactly the rows the list shows (filter
and sort), a cancel leaves the old file untouched, and the Jahresstatistik is archived."""

from __future__ import annotations

import datetime as dt
import tempfile

import openpyxl
import pytest
from PySide6.QtCore import Qt

from kuemmerer.domain.periods import Period
from kuemmerer.services import archive, lists, persons, workspace
from kuemmerer.ui import export_actions
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages.partners import PartnersPage
from kuemmerer.ui.pages.persons import PersonsPage
from kuemmerer.ui.pages.referrals import ReferralsPage
from kuemmerer.ui.pages.requests import RequestsPage
from tests.conftest import TEST_KEY
from tests.demo_data import copy_of, demo_template
from tests.gui_helpers import choose, click

pytestmark = [pytest.mark.gui]

YEAR = 2025


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory, years=1, seed=7, today=dt.date(YEAR, 12, 31))


@pytest.fixture
def ctx(template, tmp_path):
    w = workspace.open_workspace(copy_of(template, tmp_path), key=TEST_KEY)
    yield AppContext(w)
    w.close()


@pytest.fixture
def saved(monkeypatch, tmp_path):
    """The file dialog answers with a path in tmp_path; the closing messages are recorded."""
    record = {"asked": [], "notices": []}
    target = tmp_path / "export.xlsx"

    def ask(parent, title, suggested):
        record["asked"].append(suggested)
        return target

    monkeypatch.setattr(export_actions, "ask_path", ask)
    monkeypatch.setattr(export_actions.Notice, "show",
                        classmethod(lambda cls, parent, title, text: record["notices"].append((title, text))))
    record["target"] = target
    return record


def shown_rows(page) -> list[list[str]]:
    model = page.model
    while model.canFetchMore():
        model.fetchMore()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def exported(path, sheet=None) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list((wb[sheet] if sheet else wb.active).iter_rows(values_only=True))


def wait_for_notice(qtbot, saved) -> tuple[str, str]:
    qtbot.waitUntil(lambda: bool(saved["notices"]), timeout=20_000)
    return saved["notices"][-1]


def test_persons_export_holds_the_filtered_rows_in_the_list_order(qtbot, ctx, saved):
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    with ctx.uow(read_only=True) as uow:
        district = lists.list_districts(uow)[1]
    choose(page.district, district.id)
    page.view.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # Letzter Kontakt, newest first
    rows = shown_rows(page)
    assert len(rows) > 5
    click(qtbot, page.export_button)
    title, text = wait_for_notice(qtbot, saved)
    assert title == "Exportiert" and f"{len(rows)} Zeilen" in text
    assert saved["asked"] == [f"Personen_{ctx.today().isoformat()}.xlsx"]
    data = exported(saved["target"], "Personen")
    assert list(data[0]) == [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert [r[0] for r in data[1:]] == [r[0] for r in rows]
    assert {r[1] for r in data[1:]} == {district.name}
    assert [r[3].strftime("%d.%m.%Y") if r[3] else "–" for r in data[1:]] == [r[3] for r in rows]


def test_requests_referrals_and_partners_export_what_they_show(qtbot, ctx, saved):
    for page_type, column in ((RequestsPage, 1), (ReferralsPage, 1), (PartnersPage, 0)):
        page = page_type(ctx)
        qtbot.addWidget(page)
        page.show()
        if page_type is PartnersPage:
            page.view.horizontalHeader().setSortIndicator(5, Qt.SortOrder.DescendingOrder)  # most referrals first
            rows = [[page.model.index(r, c).data() for c in range(6)] for r in range(page.model.rowCount())]
        else:
            rows = shown_rows(page)
        assert rows
        saved["notices"].clear()
        click(qtbot, page.export_button)
        assert wait_for_notice(qtbot, saved)[0] == "Exportiert"
        data = exported(saved["target"])
        assert [r[column] for r in data[1:]] == [r[column] for r in rows], page_type.__name__


def test_cancel_leaves_the_old_file_and_nothing_else(qtbot, ctx, saved, monkeypatch, tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    with ctx.uow() as uow:
        for n in range(300):
            persons.create_person(uow, last_name=f"Testperson{n:03d}", first_name="Eva")
    saved["target"].write_bytes(b"the old file")
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    run = export_actions.export_list(page, ctx, "persons", page.query)
    run.cancel()  # at once: the worker stops before it saves
    with qtbot.waitSignal(run.finished, timeout=20_000):
        pass
    assert saved["notices"] == [("Export abgebrochen",
                                 "Der Export wurde abgebrochen; es wurde keine Datei gespeichert.")]
    assert saved["target"].read_bytes() == b"the old file"
    assert not list(tmp_path.glob("*.tmp"))
    assert list(folder.iterdir()) == []


def test_jahresstatistik_is_saved_and_archived(qtbot, ctx, saved):
    period = Period.quarter(YEAR, 3)
    run = export_actions.export_jahresstatistik(None, ctx, period)
    with qtbot.waitSignal(run.finished, timeout=20_000):
        pass
    assert saved["asked"] == ["Jahresstatistik_2025-Q3.xlsx"]
    assert saved["notices"][0][0] == "Exportiert"
    assert exported(saved["target"], "Übersicht")[0][0] == "Jahresstatistik 3. Quartal 2025"
    with ctx.uow(read_only=True) as uow:
        [report] = archive.list_reports(uow)
    assert report.period == period
    assert archive_bytes(ctx, report.id) == saved["target"].read_bytes()


def archive_bytes(ctx, report_id: int) -> bytes:
    with ctx.uow(read_only=True) as uow:
        return archive.content(uow, report_id)


def test_no_file_chosen_no_export(qtbot, ctx, monkeypatch):
    monkeypatch.setattr(export_actions, "ask_path", lambda parent, title, suggested: None)
    assert export_actions.export_list(None, ctx, "persons", None) is None


def test_contacts_of_the_reports_period_export_from_berichte(qtbot, ctx, saved):
    """Kontakte have no list page: Berichte exports those of the chosen period."""
    from kuemmerer.domain.periods import Period
    from kuemmerer.services import statistics
    from kuemmerer.ui.pages.reports import ReportsPage

    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.set_period(Period.quarter(YEAR, 2))
    assert page.wait_idle()
    click(qtbot, page.contacts_button)
    title, _text = wait_for_notice(qtbot, saved)
    assert title == "Exportiert"
    assert saved["asked"] == [f"Kontakte_{YEAR}-Q2.xlsx"]
    with ctx.uow(read_only=True) as uow:
        expected = statistics.compute(uow, dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 30)).contacts
    rows = exported(saved["target"])[1:]
    assert expected > 5 and len(rows) == expected
    assert all(dt.date(YEAR, 4, 1) <= r[0].date() <= dt.date(YEAR, 6, 30) for r in rows)


def test_volunteers_export_holds_the_rows_in_the_list_order(qtbot, ctx, saved):
    from kuemmerer.ui.pages.volunteers import VolunteersPage

    page = VolunteersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    choose(page.status, "alle")
    page.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # seit: the newest first
    rows = [[page.model.index(r, c).data() for c in range(9)] for r in range(page.model.rowCount())]
    assert len(rows) > 5 and [r[0] for r in rows] != sorted(r[0] for r in rows)
    click(qtbot, page.export_button)
    assert wait_for_notice(qtbot, saved)[0] == "Exportiert"
    data = exported(saved["target"], "Ehrenamtliche")
    assert [r[0] for r in data[1:]] == [r[0] for r in rows]


def test_activities_export_holds_the_rows_in_the_list_order(qtbot, ctx, saved):
    from kuemmerer.ui.pages.activities import ActivitiesPage

    page = ActivitiesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    choose(page.active, None)  # laufende und beendete
    page.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # Name, Z first
    rows = [[page.model.index(r, c).data() for c in range(2)] for r in range(page.model.rowCount())]
    assert len(rows) > 5 and [r[0] for r in rows] != sorted(r[0] for r in rows)
    click(qtbot, page.export_button)
    assert wait_for_notice(qtbot, saved)[0] == "Exportiert"
    data = exported(saved["target"], "Aktivitäten")
    assert [r[0] for r in data[1:]] == [r[0] for r in rows]


def test_networks_export_holds_the_rows_in_the_list_order(qtbot, ctx, saved):
    from kuemmerer.ui.pages.networks import NetworksPage

    page = NetworksPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # Name, Z first
    rows = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert len(rows) > 2 and rows != sorted(rows)
    click(qtbot, page.export_button)
    assert wait_for_notice(qtbot, saved)[0] == "Exportiert"
    data = exported(saved["target"], "Netzwerke")
    assert [r[0] for r in data[1:]] == rows

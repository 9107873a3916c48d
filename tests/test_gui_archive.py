"""Berichte › Archiv: the issued reports newest first, "nur dieser Zeitraum", save again
byte-for-byte, preview/print for PDFs only, and today's differences to the report."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from kuemmerer.domain.enums import ReportKind
from kuemmerer.domain.periods import Period
from kuemmerer.services import archive, lists, persons, reports, requests, statistics, validation
from kuemmerer.ui import printing
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages import report_archive
from kuemmerer.ui.pages.report_archive import SAME, ArchiveTab
from tests.gui_helpers import click, click_row, tick

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
Q1, Y2025 = Period.quarter(2026, 1), Period.year(2025)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: D(2026, 6, 15))


@pytest.fixture
def people(ws):
    with ws.uow() as uow:
        north = lists.districts.create(uow, name="Nordviertel").id
        a = persons.create_person(uow, last_name="Testfrau", first_name="Anna", district_id=north).id
        b = persons.create_person(uow, last_name="Testmann", first_name="Bernd").id
        requests.create_contact(uow, person_id=a, date=D(2026, 2, 3))
        requests.create_contact(uow, person_id=b, date=D(2026, 3, 4))
        requests.create_contact(uow, person_id=b, date=D(2025, 5, 6))
    return a, b


@pytest.fixture
def issued(ws, people):
    """A real Sachbericht of Q1 2026 (PDF) and an Excel Jahresstatistik 2025, issued in that order."""
    from kuemmerer.exports.sachbericht import sachbericht_pdf

    with ws.uow() as uow:
        xlsx = archive.record_issued(uow, kind=ReportKind.JAHRESSTATISTIK, period=Y2025,
                                     figures=statistics.compute(uow, Y2025.start, Y2025.end).as_json(),
                                     file_name="Jahresstatistik_2025.xlsx", content=b"PK\x03\x04 synthetic")
        pdf = reports.record_sachbericht(uow, reports.draft_sachbericht(uow, Q1, sachbericht_pdf))
    return pdf, xlsx


@pytest.fixture
def tab(qtbot, ws):
    widget = ArchiveTab(AppContext(ws))
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_period(Q1)
    return widget


def cells(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_lists_newest_first_with_german_columns_and_filters_by_period(qtbot, issued, tab, qtmodeltester):
    pdf, xlsx = issued
    assert [tab.model.headerData(i, report_archive.Qt.Orientation.Horizontal) for i in range(6)] == [
        "Art", "Zeitraum", "Erstellt", "Datei", "Kleine Zahlen", "Prüfsumme"]
    assert cells(tab.model, 0) == ["Sachbericht (PDF)", "Jahresstatistik (Excel)"]
    assert cells(tab.model, 1) == ["1. Quartal 2026", "2025"]
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", t) for t in cells(tab.model, 2))
    assert cells(tab.model, 3) == ["Sachbericht_2026-Q1.pdf", "Jahresstatistik_2025.xlsx"]
    assert cells(tab.model, 5) == [pdf.sha256[:12], xlsx.sha256[:12]]
    assert tab.only_period.text() == "nur dieser Zeitraum (1. Quartal 2026)"
    tick(qtbot, tab.only_period)
    assert cells(tab.model, 3) == ["Sachbericht_2026-Q1.pdf"]
    tab.set_period(Y2025)
    assert cells(tab.model, 3) == ["Jahresstatistik_2025.xlsx"]
    tab.set_period(Period.year(2024))
    assert tab.model.rowCount() == 0 and tab.empty.isVisible()
    assert "noch kein Bericht" in tab.empty.text()
    qtmodeltester.check(tab.model)


def test_after_an_erasure_it_saves_again_byte_for_byte_and_shows_the_differences(qtbot, ws, people, issued, tab,
                                                                                tmp_path, qtmodeltester):
    pdf, _xlsx = issued
    click_row(qtbot, tab.view, 0)
    assert tab.diff_label.text() == SAME and not tab.diff_view.isVisible()
    with ws.uow() as uow:
        persons.delete_person(uow, people[0])
    tab.ctx.notify("persons")
    assert tab.selected().id == pdf.id  # the selection is kept
    diffs = {cells(tab.diff_model, 0)[i]: tuple(cells(tab.diff_model, c)[i] for c in (1, 2, 3))
             for i in range(tab.diff_model.rowCount())}
    assert diffs["Teilnehmende (namentlich)"] == ("2", "1", "−1")
    assert diffs["Kontakte"] == ("2", "1", "−1")
    assert diffs["Teilnehmende nach Stadtgebiet: Nordviertel"] == ("1", "0", "−1")
    assert tab.diff_view.isVisible() and "weichen in" in tab.diff_label.text()
    qtmodeltester.check(tab.diff_model)

    target = tmp_path / "wieder.pdf"
    tab.ask_path = lambda parent, report: target
    click(qtbot, tab.reprint_button)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == pdf.sha256
    assert str(target) in tab.notice.text()
    assert len(PdfReader(str(target)).pages) >= 1


def test_excel_reports_cannot_be_printed_but_saved_again(qtbot, issued, tab, tmp_path):
    _pdf, xlsx = issued
    click_row(qtbot, tab.view, 1)
    assert not tab.print_button.isEnabled() and not tab.preview_button.isEnabled()
    assert "Excel" in tab.print_button.toolTip()
    assert tab.reprint_button.isEnabled()
    tab.ask_path = lambda parent, report: tmp_path / report.file_name
    click(qtbot, tab.reprint_button)
    assert (tmp_path / "Jahresstatistik_2025.xlsx").read_bytes() == b"PK\x03\x04 synthetic"
    tab.ctx.notify("persons")  # a reload keeps her selection
    assert tab.selected().id == xlsx.id and not tab.print_button.isEnabled()
    click_row(qtbot, tab.view, 0)
    assert tab.print_button.isEnabled() and tab.preview_button.isEnabled()


def test_preview_and_print_show_the_archived_pages(qtbot, issued, tab, tmp_path, monkeypatch):
    pdf, _xlsx = issued
    shown = []

    def fake_preview(dialog):
        widget = printing.preview_widget(dialog)
        widget.updatePreview()
        shown.append((dialog.windowTitle(), widget.pageCount()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(printing.QPrintPreviewDialog, "exec", fake_preview)
    click_row(qtbot, tab.view, 0)
    click(qtbot, tab.preview_button)
    with tab.ctx.uow(read_only=True) as uow:
        pages = len(PdfReader(__import__("io").BytesIO(archive.content(uow, pdf.id))).pages)
    assert shown == [("Druckvorschau – Sachbericht 1. Quartal 2026", pages)]

    out = tmp_path / "gedruckt.pdf"

    def fake_print(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(report_archive.QPrintDialog, "exec", fake_print)
    click(qtbot, tab.print_button)
    assert len(PdfReader(str(out)).pages) == pages


def test_empty_archive_says_how_reports_get_there(qtbot, tab):
    assert tab.model.rowCount() == 0
    assert tab.empty.isVisible() and "Noch keine Berichte" in tab.empty.text()
    assert not tab.reprint_button.isEnabled() and not tab.print_button.isEnabled()


def test_a_newly_issued_report_appears_when_the_page_hears_of_it(qtbot, ws, people, tab):
    with ws.uow() as uow:
        archive.record_issued(uow, kind=ReportKind.SACHBERICHT, period=Q1,
                              figures=statistics.compute(uow, Q1.start, Q1.end).as_json(),
                              file_name="Sachbericht_2026-Q1.pdf", content=b"%PDF-1.4 synthetic")
    tab.ctx.notify("reports")
    assert cells(tab.model, 3) == ["Sachbericht_2026-Q1.pdf"]
    assert tab.selected() is not None and tab.diff_label.text() == SAME

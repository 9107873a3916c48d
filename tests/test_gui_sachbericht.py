"""Berichte › Sachbericht tab: her texts survive period changes (from the database),
suppression check box, preview/print/save produce pages and archive the report;
Einstellungen › Handlungsfelder."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from kuemmerer.domain.periods import Period
from kuemmerer.services import archive, lists, persons, reports, requests, settings
from kuemmerer.ui import printing
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.pages import report_sachbericht
from kuemmerer.ui.pages.report_sachbericht import SachberichtTab
from kuemmerer.ui.pages.settings import SettingsPage
from tests.gui_helpers import click, type_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

Y2025, H1 = Period.year(2025), Period.half(2025, 1)


@pytest.fixture
def ctx(ws):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Testperson")
        requests.create_contact(uow, person_id=p.id, date=Y2025.start)
    return AppContext(ws)


@pytest.fixture
def tab(qtbot, ctx):
    widget = SachberichtTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    widget.set_period(Y2025)
    return widget


def archived(ws):
    with ws.uow(read_only=True) as uow:
        return archive.list_reports(uow)


def text_in_db(ws, field_id, period):
    with ws.uow(read_only=True) as uow:
        return reports.get_text(uow, field_id, period)


def test_text_survives_a_period_change(qtbot, ws, tab):
    first_id, editor = next(iter(tab.editors.items()))
    assert len(tab.editors) == 4
    type_text(editor, "Sprechstunde jeden Dienstag")
    tab.set_period(H1)  # saves before switching
    assert text_in_db(ws, first_id, Y2025) == "Sprechstunde jeden Dienstag"
    assert tab.editors[first_id].toPlainText() == ""
    type_text(tab.editors[first_id], "Nur im ersten Halbjahr")
    qtbot.waitUntil(lambda: text_in_db(ws, first_id, H1) == "Nur im ersten Halbjahr", timeout=3000)  # debounce
    tab.set_period(Y2025)
    assert tab.editors[first_id].toPlainText() == "Sprechstunde jeden Dienstag"


def test_a_refused_text_stays_on_screen(qtbot, ws, tab):
    first_id, editor = next(iter(tab.editors.items()))
    editor.setPlainText("x" * (reports.TEXT_MAX + 1))
    tab.set_period(H1)
    assert tab.period == Y2025 and editor.toPlainText().startswith("xxx")  # not switched, not lost
    assert "Höchstens" in tab.error.text() and tab.error.isVisible()


def test_suppression_box_names_the_threshold(qtbot, ws, ctx, tab):
    assert tab.suppress.text() == "Kleine Zahlen (unter 5) für die Veröffentlichung ausblenden"
    assert tab.suppress_below() == 5
    tab.suppress.setChecked(False)
    assert tab.suppress_below() is None
    with ws.uow() as uow:
        settings.set_counting_rules(uow, count_attendance=True, suppress_below=0)
    ctx.notify("settings")
    assert not tab.suppress.isEnabled() and tab.suppress_below() is None


def test_preview_shows_pages_and_printing_from_it_archives(qtbot, ws, tab, monkeypatch):
    shown = []

    def fake_exec(dialog):
        widget = printing.preview_widget(dialog)
        widget.updatePreview()
        shown.append((dialog.windowTitle(), widget.pageCount()))
        return QDialog.DialogCode.Accepted  # she pressed "Drucken" in the preview

    monkeypatch.setattr(printing.QPrintPreviewDialog, "exec", fake_exec)
    type_text(next(iter(tab.editors.values())), "Ein Text")
    click(qtbot, tab.preview_button)
    [report] = archived(ws)
    pages = len(PdfReader(io.BytesIO(_content(ws, report.id))).pages)
    assert shown == [("Druckvorschau – Sachbericht 2025", pages)] and pages >= 2
    assert report.suppress_below == 5


def _content(ws, ident):
    with ws.uow(read_only=True) as uow:
        return archive.content(uow, ident)


def test_print_dialog_prints_pages_and_archives(qtbot, ws, tab, tmp_path, monkeypatch):
    out = tmp_path / "gedruckt.pdf"

    def fake_exec(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(report_sachbericht.QPrintDialog, "exec", fake_exec)
    click(qtbot, tab.print_button)
    [report] = archived(ws)
    assert len(PdfReader(str(out)).pages) == len(PdfReader(io.BytesIO(_content(ws, report.id))).pages)
    monkeypatch.setattr(report_sachbericht.QPrintDialog, "exec", lambda d: QDialog.DialogCode.Rejected)
    click(qtbot, tab.print_button)
    assert len(archived(ws)) == 1  # cancelled: not issued


def test_save_as_pdf_writes_and_archives_the_same_bytes(qtbot, ws, tab, tmp_path, monkeypatch):
    target = tmp_path / "bericht.pdf"
    suggested = []

    def ask(parent, name):
        suggested.append(name)
        return target

    monkeypatch.setattr(printing, "ask_save_path", ask)
    monkeypatch.setattr(report_sachbericht, "save_pdf",
                        lambda parent, pdf, name: printing.save_pdf(parent, pdf, name, ask=ask))
    monkeypatch.setattr(report_sachbericht.QMessageBox, "information", lambda *a: None)
    click(qtbot, tab.save_button)
    [report] = archived(ws)
    assert suggested == ["Sachbericht_2025.pdf"]
    assert report.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()


def test_settings_has_a_handlungsfelder_tab(qtbot, ws, ctx, tab):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    labels = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "&Handlungsfelder" in labels
    editor = page.show_list("action_fields")
    with ws.uow(read_only=True) as uow:
        expected = [f.name for f in lists.list_action_fields(uow)]
    assert [editor.model.row_at(i).name for i in range(editor.model.rowCount())] == expected
    assert editor.merge_button.text() == "Zusammenführen…"
    first_id, first = next(iter(tab.editors.items()))
    type_text(first, "Noch nicht gespeichert")

    def added(uow):
        lists.add_entry(uow, "action_fields", "Kultur im Quartier")

    assert editor.error.run(ctx, added, "action_fields")
    assert "Kultur im Quartier" in [editor.model.row_at(i).name for i in range(editor.model.rowCount())]
    assert len(tab.editors) == 5  # the Sachbericht tab shows the new field at once …
    assert tab.editors[first_id].toPlainText() == "Noch nicht gespeichert"  # … and kept her text
    assert text_in_db(ws, first_id, Y2025) == "Noch nicht gespeichert"

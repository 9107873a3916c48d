"""Auskunft (Art. 15) in the window: the dialog for a person shows how much is stored, and
"Speichern…" writes the PDF and the JSON into the folder she picks; preview and print show
the same pages."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from kuemmerer.services import partners, persons, requests, validation
from kuemmerer.ui import printing
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs import auskunft as dialog_module
from kuemmerer.ui.dialogs.auskunft import open_auskunft
from kuemmerer.ui.errors import ErrorDialog
from tests.gui_helpers import click

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

DAY = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def ctx(ws, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    return AppContext(ws)


@pytest.fixture
def person_id(ws):
    with ws.uow() as u:
        p = persons.create_person(u, last_name="Wörlitzer", first_name="Ännchen", notes="mag Kaffee")
        r = requests.create_request(u, person_id=p.id, title="Wohnung zu feucht", opened_on=DAY)
        for n in range(3):
            requests.create_contact(u, person_id=p.id, request_id=r.id, date=DAY + dt.timedelta(days=n))
        org = partners.create_organisation(u, name="Mieterverein Süd")
        partners.record_consent(u, person_id=p.id, organisation_id=org.id, data_categories=["name"],
                                purpose="Beratung zur Miete", given_on=DAY)
        other = persons.create_person(u, last_name="Nebenan", notes="Nachbarin")
        requests.create_contact(u, person_id=other.id, date=DAY)
    return p.id


@pytest.fixture
def parent(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    return w


def summary(dialog) -> dict[str, str]:
    form = dialog.summary
    out = {}
    for row in range(form.rowCount()):
        label = form.itemAt(row, form.ItemRole.LabelRole).widget()
        value = form.itemAt(row, form.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(value, QLabel)
        out[label.text()] = value.text()
    return out


def test_dialog_shows_what_is_stored_and_saves_both_files(qtbot, ctx, person_id, parent, tmp_path, monkeypatch):
    dialog = open_auskunft(parent, ctx, person_id)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    assert "Ännchen Wörlitzer" in dialog.windowTitle()
    assert summary(dialog) == {
        "Angaben zur Person": "1 Eintrag", "Anliegen": "1 Eintrag", "Kontakte und Beratungen": "3 Einträge",
        "Einwilligungen (Schweigepflichtentbindungen)": "1 Eintrag"}
    dialog.grab().save(str(tmp_path / "auskunft_dialog.png"))

    folder = tmp_path / "ausgabe"
    folder.mkdir()
    asked = []
    monkeypatch.setattr(dialog_module, "ask_folder", lambda p: asked.append(p) or folder)
    click(qtbot, dialog.save_button)
    assert asked == [dialog]
    stem = f"Auskunft_{person_id}_2026-12-03"
    assert sorted(p.name for p in folder.iterdir()) == [f"{stem}.json", f"{stem}.pdf"]
    data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    sections = {s["key"]: s for s in data["sections"]}
    assert sections["contacts"]["count"] == 3 and sections["persons"]["rows"][0]["notes"] == "mag Kaffee"
    assert "Nebenan" not in (folder / f"{stem}.json").read_text(encoding="utf-8")
    text = "\n".join(page.extract_text() for page in PdfReader(str(folder / f"{stem}.pdf")).pages)
    assert "Wohnung zu feucht" in text and "Mieterverein Süd" in text and "Nachbarin" not in text
    assert stem in dialog.status.text()

    monkeypatch.setattr(dialog_module, "ask_folder", lambda p: None)  # she cancels: nothing more
    click(qtbot, dialog.save_button)
    assert len(list(folder.iterdir())) == 2


def test_preview_and_print_show_the_pages(qtbot, ctx, person_id, parent, tmp_path, monkeypatch):
    dialog = open_auskunft(parent, ctx, person_id)
    assert dialog is not None
    pages = len(PdfReader(io.BytesIO(dialog.pdf())).pages)
    shown = []

    def fake_preview(d):
        widget = printing.preview_widget(d)
        widget.updatePreview()
        shown.append(widget.pageCount())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(printing.QPrintPreviewDialog, "exec", fake_preview)
    click(qtbot, dialog.preview_button)
    assert shown == [pages]

    out = tmp_path / "gedruckt.pdf"

    def fake_print(d):
        d.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        d.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog_module.QPrintDialog, "exec", fake_print)
    click(qtbot, dialog.print_button)
    assert len(PdfReader(str(out)).pages) == pages


def test_unknown_person_says_so(qtbot, ctx, parent, monkeypatch):
    said = []
    monkeypatch.setattr(ErrorDialog, "show", classmethod(lambda cls, p, title, text: said.append(text)))
    assert open_auskunft(parent, ctx, 4711) is None
    assert said == ["Diese Person gibt es nicht."]


def test_the_personen_page_opens_the_auskunft_of_the_selected_person(qtbot, ctx, person_id, monkeypatch):
    from kuemmerer.ui.pages.persons import PersonsPage

    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_person(person_id)
    qtbot.waitUntil(lambda: page.detail.overview is not None and page.detail.overview.person.id == person_id)
    dialog = page.auskunft_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert f"Auskunft_{person_id}_" in dialog.data.file_stem
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Wörlitzer" in texts and "Nebenan" not in texts

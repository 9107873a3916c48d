"""Teilnehmerliste and Ehrenamtsnachweis from the window (offscreen): the certificate's period
dialog (Von/Bis, the running year by default, German messages at the fields, what the period
holds), "Drucken…" (the preview gets the PDF) and "Als PDF speichern…" (the file is written
where she chose, under a name without a person's name)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kuemmerer.services import activities, persons, settings, validation, volunteers
from kuemmerer.ui import activity_documents as docs
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.errors import ErrorDialog
from tests.gui_helpers import click, type_text
from tests.pdf_helpers import pdf_words as pdf_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
TODAY = D(2025, 8, 15)


@pytest.fixture
def ctx(ws, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    return AppContext(ws)


@pytest.fixture
def made(ws, ctx):
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", postcode_city="09126 Chemnitz")
        cafe = activities.create_activity(uow, name="Café international", funder="Soziale Stadt")
        session = activities.create_session(uow, activity_id=cafe.id, date=D(2025, 3, 11), start_time="15:00")
        p = persons.create_person(uow, last_name="Öztürk", first_name="Elif")
        activities.add_attendance(uow, session_id=session.id, person_id=p.id)
        helper = persons.create_person(uow, last_name="Schäfer", first_name="Jutta", gender="weiblich")
        v = volunteers.create_volunteer(uow, person_id=helper.id)
        for day, hours in ((D(2025, 3, 11), "2,5"), (D(2025, 5, 2), "1"), (D(2024, 12, 31), "7")):
            volunteers.create_assignment(uow, volunteer_id=v.id, activity_id=cafe.id, date=day, hours=hours)
    return {"session": session.id, "volunteer": v.id}


@pytest.fixture
def hooks(monkeypatch, tmp_path):
    """The file dialog, the print preview and the "Gespeichert" box, as she would answer them."""
    seen: dict[str, list] = {"asked": [], "previews": [], "saved": [], "errors": []}
    target = tmp_path / "gewählt.pdf"

    def ask(parent, suggested):
        seen["asked"].append(suggested)
        return target

    monkeypatch.setattr(docs, "ask_save_path", ask)
    monkeypatch.setattr(docs, "show_preview", lambda parent, pdf, title: seen["previews"].append((title, pdf)))
    monkeypatch.setattr(docs, "tell_saved", lambda parent, path: seen["saved"].append(path))
    monkeypatch.setattr(ErrorDialog, "show", classmethod(lambda cls, parent, title, text: seen["errors"].append(text)))
    seen["target"] = [target]
    return seen


def open_dialog(qtbot, ctx, made) -> docs.CertificateDialog:
    dialog = docs.CertificateDialog(ctx, made["volunteer"], "Jutta Schäfer")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(field, text: str) -> None:
    field.edit.clear()
    type_text(field.edit, text)
    field.edit.editingFinished.emit()


def test_the_period_dialog_starts_with_the_running_year_and_says_what_it_holds(qtbot, ctx, made):
    dialog = open_dialog(qtbot, ctx, made)
    assert (dialog.start.text(), dialog.end.text()) == ("01.01.2025", "31.12.2025")
    assert "Jutta Schäfer" in dialog.windowTitle()
    assert dialog.summary.text() == "Im Zeitraum: 2 Einsätze in 1 Aktivität, zusammen 3,5 Stunden."
    assert dialog.print_button.isDefault()
    retype(dialog.start, "1.1.2024")
    assert dialog.summary.text() == "Im Zeitraum: 3 Einsätze in 1 Aktivität, zusammen 10,5 Stunden."


def test_save_as_pdf_writes_the_certificate_where_she_chose(qtbot, ctx, made, hooks):
    dialog = open_dialog(qtbot, ctx, made)
    retype(dialog.start, "1.4.2025")  # only the May Einsatz
    click(qtbot, dialog.save_button)
    [target] = hooks["target"]
    assert hooks["asked"] == [f"Ehrenamtsnachweis-{made['volunteer']}-20250401-20251231.pdf"]  # no name
    assert hooks["saved"] == [target] and dialog.saved == target
    text = pdf_text(target.read_bytes())
    assert "Ehrenamtsnachweis" in text and "Frau Jutta Schäfer" in text
    assert "vom 01.04.2025 bis 31.12.2025" in text and "Insgesamt: 1 Einsatz mit 1 Stunden" in text


def test_a_reversed_period_is_said_at_the_field_and_nothing_is_saved_or_shown(qtbot, ctx, made, hooks):
    dialog = open_dialog(qtbot, ctx, made)
    retype(dialog.end, "1.1.2025")
    retype(dialog.start, "1.6.2025")
    assert "liegt vor seinem Beginn" in dialog.summary.text()
    click(qtbot, dialog.save_button)
    click(qtbot, dialog.print_button)
    assert dialog.form.error_text("end") == "Das Ende des Zeitraums liegt vor seinem Beginn."
    assert hooks["asked"] == [] and hooks["previews"] == [] and not hooks["target"][0].exists()
    retype(dialog.start, "")
    click(qtbot, dialog.print_button)
    assert dialog.form.error_text("start") == "Bitte ausfüllen." and hooks["previews"] == []
    retype(dialog.start, "1.1.2023")  # fixed: the same dialog prints, the messages go
    retype(dialog.end, "31.12.2023")
    click(qtbot, dialog.print_button)
    assert "keine Einsätze" in dialog.form.general_error.text() and hooks["previews"] == []
    retype(dialog.end, "31.12.2025")
    qtbot.keyClick(dialog.end.edit, Qt.Key.Key_Return)  # Enter prints (the default button)
    [(title, pdf)] = hooks["previews"]
    assert title == f"Ehrenamtsnachweis Nr. {made['volunteer']}" and "10,5 Stunden" in pdf_text(pdf)
    assert dialog.form.error_text("end") == "" and not dialog.form.general_error.isVisible()


def test_the_cancelled_file_dialog_writes_nothing(qtbot, ctx, made, hooks, monkeypatch):
    monkeypatch.setattr(docs, "ask_save_path", lambda parent, suggested: None)
    dialog = open_dialog(qtbot, ctx, made)
    click(qtbot, dialog.save_button)
    assert hooks["saved"] == [] and dialog.saved is None


def test_print_certificate_opens_the_dialog_or_says_the_volunteer_is_gone(qtbot, ctx, made, hooks, monkeypatch):
    shown = []
    monkeypatch.setattr(docs.CertificateDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    dialog = docs.print_certificate(ctx, made["volunteer"], None)
    qtbot.addWidget(dialog)
    assert shown == ["Ehrenamtsnachweis – Jutta Schäfer"]
    assert docs.print_certificate(ctx, 999, None) is None
    assert len(hooks["errors"]) == 1 and "nicht gefunden" in hooks["errors"][0]


def test_sign_in_sheet_preview_and_save_as_pdf(qtbot, ctx, made, hooks):
    assert docs.print_sign_in_sheet(ctx, made["session"], None)
    [(title, pdf)] = hooks["previews"]
    assert title == "Teilnehmerliste Café international 11.03.2025"
    text = pdf_text(pdf)
    assert "Öztürk, Elif" in text and "Gefördert durch Soziale Stadt" in text

    target = docs.save_sign_in_sheet(ctx, made["session"], None)
    assert target == hooks["target"][0] and hooks["saved"] == [target]
    assert hooks["asked"] == [f"Teilnehmerliste-2025-03-11-Termin-{made['session']}.pdf"]
    assert pdf_text(target.read_bytes()) == text


def test_a_deleted_session_is_a_german_message_not_a_traceback(qtbot, ctx, made, hooks, ws):
    with ws.uow() as uow:
        activities.delete_session(uow, made["session"], ws.files_dir)
    assert not docs.print_sign_in_sheet(ctx, made["session"], None)
    assert docs.save_sign_in_sheet(ctx, made["session"], None) is None
    assert hooks["errors"] == ["Diesen Termin gibt es nicht."] * 2
    assert hooks["previews"] == [] and hooks["asked"] == []

"""Einladung and Protokoll from the window (offscreen): "Als PDF speichern…" writes the
document where she chose, under the network's name and the day (no person's name);
"Drucken…" opens the print preview, whose "Als PDF speichern…" writes the same bytes; a
meeting deleted meanwhile is a German message and no file."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QToolBar

from kuemmerer.services import networks, partners, persons, settings, validation
from kuemmerer.ui import network_documents as docs
from kuemmerer.ui import printing
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.errors import ErrorDialog
from tests.pdf_helpers import pdf_words as pdf_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

D = dt.date
TODAY = D(2026, 4, 8)


@pytest.fixture
def ctx(ws, monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)
    return AppContext(ws)


@pytest.fixture
def meeting(ws, ctx) -> int:
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Hutholz", postcode_city="09126 Chemnitz")
        n = networks.create_network(uow, name="AK Naturerziehung", kind="arbeitskreis")
        march = networks.create_meeting(uow, network_id=n.id, date=D(2026, 3, 3), start_time="16:00")
        april = networks.create_meeting(uow, network_id=n.id, date=D(2026, 4, 7), start_time="16:00",
                                        location="Kita Sonnenschein")
        kita = partners.create_organisation(uow, name="Kita Sonnenschein")
        gruen = persons.create_person(uow, last_name="Grünberg", first_name="Jörg")
        networks.add_participant(uow, meeting_id=april.id, organisation_id=kita.id)
        networks.add_participant(uow, meeting_id=april.id, person_id=gruen.id, attended=False)
        top = networks.add_agenda_item(uow, meeting_id=march.id, title="Hochbeete")
        networks.create_action_item_from_minutes(uow, top.id, title="Erde bestellen", owner_person_id=gruen.id,
                                                 due_on=D(2026, 4, 30))
        walk = networks.add_agenda_item(uow, meeting_id=april.id, title="Waldspaziergang",
                                        decision="Am 16.05.2026 um 10 Uhr.")
        networks.create_action_item_from_minutes(uow, walk.id, title="Eltern informieren",
                                                 owner_organisation_id=kita.id, due_on=D(2026, 5, 9))
    return april.id


@pytest.fixture
def hooks(monkeypatch, tmp_path):
    """The file dialog, the print preview and the "Gespeichert" box, as she would answer them."""
    seen: dict[str, list] = {"asked": [], "previews": [], "saved": [], "errors": []}
    target = tmp_path / "gewählt.pdf"

    def ask(parent, suggested):
        seen["asked"].append(suggested)
        return target

    monkeypatch.setattr(docs, "ask_save_path", ask)
    monkeypatch.setattr(docs, "show_preview", seen["previews"].append)
    monkeypatch.setattr(docs, "tell_saved", lambda parent, path: seen["saved"].append(path))
    monkeypatch.setattr(ErrorDialog, "show", classmethod(lambda cls, parent, title, text: seen["errors"].append(text)))
    seen["target"] = [target]
    return seen


def test_save_minutes_as_pdf_writes_the_protokoll_where_she_chose(qtbot, ctx, meeting, hooks):
    target = docs.save_minutes(ctx, meeting, None)
    assert target == hooks["target"][0] and hooks["saved"] == [target]
    assert hooks["asked"] == ["Protokoll-AK-Naturerziehung-2026-04-07.pdf"]  # no person's name
    text = pdf_text(target.read_bytes())
    assert "Protokoll AK Naturerziehung" in text
    assert "Anwesend (1): Kita Sonnenschein" in text and "Entschuldigt (1): Jörg Grünberg" in text
    assert "Beschluss: Am 16.05.2026 um 10 Uhr." in text
    assert "TOP 1 Eltern informieren Kita Sonnenschein 09.05.2026" in text
    assert "Erde bestellen Jörg Grünberg 30.04.2026 offen" in text
    assert "Erstellt am 08.04.2026" in text  # the day of the app's clock


def test_save_invitation_as_pdf_writes_the_einladung_with_the_open_items(qtbot, ctx, meeting, hooks):
    target = docs.save_invitation(ctx, meeting, None)
    assert hooks["asked"] == ["Einladung-AK-Naturerziehung-2026-04-07.pdf"] and hooks["saved"] == [target]
    text = pdf_text(target.read_bytes())
    assert "Einladung AK Naturerziehung" in text and "Dienstag, 07.04.2026, ab 16:00 Uhr" in text
    assert "TOP 1 Waldspaziergang" in text and "Erde bestellen Jörg Grünberg 30.04.2026" in text


def test_the_print_preview_shows_the_pages_and_saves_the_same_pdf(qtbot, ctx, meeting, hooks):
    assert docs.print_minutes(ctx, meeting, None) is True
    [dialog] = hooks["previews"]
    assert isinstance(dialog, QPrintPreviewDialog)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Druckvorschau – Protokoll AK Naturerziehung 07.04.2026"
    preview = printing.preview_widget(dialog)
    preview.updatePreview()  # the PDF's pages are painted onto the printer's
    assert preview.pageCount() == 1
    bar = dialog.findChild(QToolBar)
    [save] = [a for a in bar.actions() if a.text() == "Als PDF speichern…"]
    assert isinstance(save, QAction) and save.isEnabled()
    save.trigger()
    [target] = hooks["saved"]
    assert hooks["asked"] == ["Protokoll-AK-Naturerziehung-2026-04-07.pdf"]
    pdf, _title, _name = docs.meeting_document(ctx, meeting, docs.MINUTES)
    assert pdf_text(target.read_bytes()) == pdf_text(pdf)  # what the preview shows is saved (its time stamp aside)
    assert docs.print_invitation(ctx, meeting, None) is True
    assert hooks["previews"][1].windowTitle() == "Druckvorschau – Einladung AK Naturerziehung 07.04.2026"
    qtbot.addWidget(hooks["previews"][1])


def test_a_deleted_meeting_is_a_german_message_and_nothing_is_shown_or_saved(qtbot, ctx, meeting, hooks, tmp_path):
    with ctx.uow() as uow:
        networks.delete_meeting(uow, meeting, tmp_path / "files")
    assert docs.print_minutes(ctx, meeting, None) is False
    assert docs.save_invitation(ctx, meeting, None) is None
    assert hooks["errors"] == ["Diese Sitzung gibt es nicht."] * 2
    assert hooks["previews"] == [] and hooks["asked"] == [] and not hooks["target"][0].exists()

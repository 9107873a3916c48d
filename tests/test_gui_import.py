"""Datei → Importieren… and Import-Verlauf…: the preview follows her mapping, she decides the
uncertain rows, a cancel writes nothing, 20,000 rows go through with a progress bar, and an
import is undone from the history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from kuemmerer.services import importing, lists, persons, validation
from kuemmerer.ui import import_dialog
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.main_window import MainWindow
from tests.test_service_validation import snapshot

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def notices(monkeypatch):
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(import_dialog.Notice, "show", lambda parent, title, text: seen.append((title, text)))
    return seen


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


def open_dialog(qtbot, ctx, path: Path, timeout: int = 10_000) -> import_dialog.ImportDialog:
    dialog = import_dialog.import_file(None, ctx, path)
    assert dialog is not None
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog, timeout)
    return dialog


def wait_preview(qtbot, dialog, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: dialog.preview is not None or "zuordnen" in dialog.summary.text(), timeout=timeout)


def import_and_wait(qtbot, dialog, timeout: int = 10_000) -> None:
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=timeout)


def names(ws) -> list[tuple]:
    with ws.uow(read_only=True) as uow:
        return sorted((p.last_name, p.first_name, p.phone or "") for p in persons.list_persons(uow))


def test_changing_the_mapping_makes_the_preview_again(qtbot, ctx, ws, tmp_path, qtmodeltester):
    source = tmp_path / "liste.csv"
    source.write_text("Familie;Rufname;Kiez\nKoch;Eva;Kappel\nBerg;Udo;Hutholz\n;Ida;\n", encoding="utf-8")
    dialog = open_dialog(qtbot, ctx, source)
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "Namen" in dialog.summary.text()  # no column holds the name yet
    dialog.field_boxes[0].setCurrentIndex(dialog.field_boxes[0].findData("last_name"))
    wait_preview(qtbot, dialog)
    assert dialog.preview is not None and dialog.import_button.isEnabled()
    assert [r.result.action for r in dialog.model.rows] == [importing.CREATE, importing.CREATE, importing.REJECT]
    assert set(dialog.preview.new_districts) == {"Kappel", "Hutholz"}  # "Kiez" is a Stadtgebiet
    assert set(dialog.district_boxes) == {"Kappel", "Hutholz"}
    dialog.show_only.setCurrentIndex(dialog.show_only.findData(importing.REJECT))
    assert dialog.proxy.rowCount() == 1  # the filter narrows the table
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(dialog.proxy)

    # the Stadtgebiet column is left out: the preview no longer asks about Stadtgebiete
    dialog.field_boxes[2].setCurrentIndex(dialog.field_boxes[2].findData(import_dialog.IGNORE))
    wait_preview(qtbot, dialog)
    assert dialog.preview.new_districts == () and dialog.choices_box.isHidden()


def test_her_decisions_on_uncertain_rows_are_followed(qtbot, ctx, ws, tmp_path, notices):
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Müller", first_name="Karin")
        persons.create_person(uow, last_name="Schulz", first_name="Hans")
    source = tmp_path / "liste.csv"
    source.write_text("Name;Telefon\nMüller, Karin;0371 111\nSchulz, Hans;0371 222\n", encoding="utf-8")
    dialog = open_dialog(qtbot, ctx, source)
    assert [r.result.action for r in dialog.model.rows] == [importing.UNCERTAIN, importing.UNCERTAIN]
    dialog.select_row(2)
    assert dialog.same_button.isEnabled() and "Karin Müller" in dialog.candidate.text()
    dialog.same_button.click()  # Karin is the one she has
    assert dialog.current_row().id == 3  # on to the next undecided row
    dialog.new_button.click()  # Hans is someone else
    assert dialog.decisions() == {2: importing.SAME, 3: importing.NEW}
    assert dialog.model.data(dialog.model.index(0, 4)) == "dieselbe Person"
    import_and_wait(qtbot, dialog)
    assert notices and notices[-1][0] == "Importiert"
    assert names(ws) == [("Müller", "Karin", "0371 111"), ("Schulz", "Hans", ""), ("Schulz", "Hans", "0371 222")]


def test_closing_or_cancelling_writes_nothing(qtbot, ctx, ws, tmp_path, notices):
    source = tmp_path / "liste.csv"
    source.write_text("Nachname;Vorname\n" + "".join(f"Person{i:04d};Eva\n" for i in range(300)), encoding="utf-8")
    before = snapshot(ws)
    dialog = open_dialog(qtbot, ctx, source)
    dialog.reject()  # Abbrechen after the preview
    assert snapshot(ws) == before

    dialog = open_dialog(qtbot, ctx, source)
    dialog.start_import()
    dialog.run.cancel()  # „Abbrechen“ in the progress dialog, at once
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=10_000)
    assert notices == [("Import abgebrochen", "Der Import wurde abgebrochen; es wurde nichts gespeichert.")]
    after = snapshot(ws)
    after.pop("audit_events")
    before.pop("audit_events")
    assert after == before  # only the backup's audit line is new
    assert dialog.isVisible() or dialog.result() == 0  # she can change something and import again


def test_the_import_is_undone_from_the_history(qtbot, ctx, ws, tmp_path, notices, monkeypatch, qtmodeltester):
    with ws.uow() as uow:
        lists.categories.create(uow, name="Miete")
    source = tmp_path / "kontakte.csv"
    source.write_text("Datum;Name;Thema\n03.02.2026;Koch, Eva;Miete\n04.02.2026;Koch, Eva;Wohnumfeld\n"
                      "31.02.2026;Berg, Udo;Miete\n", encoding="utf-8")
    dialog = open_dialog(qtbot, ctx, source)
    assert dialog.kind.currentData() == "contacts"
    assert set(dialog.category_boxes) == {"Wohnumfeld"}
    import_and_wait(qtbot, dialog)
    assert dialog.rejected_file == tmp_path / "kontakte-abgelehnt.xlsx" and dialog.rejected_file.exists()
    assert "kontakte-abgelehnt.xlsx" in notices[-1][1]

    history = import_dialog.ImportHistoryDialog(ctx)
    qtbot.addWidget(history)
    qtmodeltester.check(history.model)
    assert history.model.data(history.model.index(0, 3)) == "kontakte.csv"
    monkeypatch.setattr(import_dialog, "confirm_undo", lambda parent, run: True)
    history.undo_button.click()
    assert "4 Einträge gelöscht" in history.note.text()  # 2 contacts, Eva, the new Thema
    assert history.model.data(history.model.index(0, 7)) != "" and not history.undo_button.isEnabled()
    assert names(ws) == []
    with ws.uow(read_only=True) as uow:
        assert {c.name for c in lists.list_categories(uow)} >= {"Miete"}
        assert "Wohnumfeld" not in {c.name for c in lists.list_categories(uow)}


def test_the_file_menu_opens_the_import(qtbot, ws, tmp_path, monkeypatch):
    window = MainWindow(ws, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    source = tmp_path / "liste.csv"
    source.write_text("Nachname;Vorname\nKoch;Eva\n", encoding="utf-8")
    opened = []
    monkeypatch.setattr(import_dialog, "ask_file", lambda parent: opened.append(1) or source)
    texts = [a.text() for a in window.file_menu.actions()]
    assert "Importieren…" in texts and "Import-Verlauf…" in texts
    next(a for a in window.file_menu.actions() if a.text() == "Importieren…").trigger()
    dialog = window.findChild(import_dialog.ImportDialog)
    assert opened and dialog is not None
    wait_preview(qtbot, dialog)
    assert dialog.preview is not None and dialog.preview.count(importing.CREATE) == 1
    dialog.reject()


@pytest.mark.slow
def test_twenty_thousand_rows_with_a_progress_bar(qtbot, ctx, ws, tmp_path, notices):
    source = tmp_path / "gross.csv"
    lines = ["Nachname;Vorname;Geburtsdatum;PLZ"]
    lines += [f"Name{i:05d};Vorname{i % 97};{1 + i % 28:02d}.{1 + i % 12:02d}.{1940 + i % 60};{9000 + i % 900:05d}"
              for i in range(20_000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    steps: list[tuple[int, int]] = []
    dialog = import_dialog.import_file(None, ctx, source)
    qtbot.addWidget(dialog)
    dialog.run.job.signals.progress.connect(lambda d, t: steps.append((d, t)))
    wait_preview(qtbot, dialog, timeout=240_000)
    assert dialog.preview.count(importing.CREATE) == 20_000
    assert steps[-1] == (20_000, 20_000) and len(steps) > 50  # the bar moved on the way
    steps.clear()
    dialog.start_import()
    dialog.run.job.signals.progress.connect(lambda d, t: steps.append((d, t)))
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=240_000)
    assert notices[-1][0] == "Importiert"
    assert steps[-1] == (20_000, 20_000)
    assert len(names(ws)) == 20_000

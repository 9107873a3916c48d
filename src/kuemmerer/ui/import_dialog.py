"""Datei → Importieren…: one of her old lists (Excel or CSV) into Kümmerer, with a preview.

She picks the file; the kind of list and the columns are recognised (or what she chose for a
file of the same layout last time) and can be corrected; the preview shows row by row what
would be created, what is there already (and which empty fields would be filled), what is
uncertain (she decides: the same person or a new one) and what is rejected, with the reason.
New Stadtgebiete and Themen are created, mapped to one she has, or left empty, as she
chooses. Nothing is written until „Importieren“; reading, preview and import run off the UI
thread with a progress bar and can be cancelled; the import is one transaction after a
verified backup, and the rejected rows are saved beside her file.

Datei → Import-Verlauf…: the imports so far, each of which can be undone as a whole.

Tests replace ``ask_file`` (the open dialog), ``Notice.show`` and ``confirm_undo``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain import import_rules as rules
from kuemmerer.domain.errors import KuemmererError
from kuemmerer.services import importing, lists

from .context import AppContext
from .errors import report_error
from .export_actions import ExportRun, Notice
from .folders import documents_dir
from .formatting import date_de, number_de
from .models import Column, RowsModel
from .widgets import combo, confirm, set_combo_data

ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}
IGNORE = ""  # the mapping combo's "— nicht übernehmen —"
SKIP = "skip"  # her answer "überspringen" for an uncertain row (the row is left out)
ACTION_TEXT = {importing.CREATE: "neu", importing.MATCH: "vorhanden", importing.UNCERTAIN: "unsicher",
               importing.REJECT: "abgelehnt"}
DECISION_TEXT = {importing.SAME: "dieselbe Person", importing.NEW: "neue Person", SKIP: "überspringen"}
FIELD_TEXT = {"last_name": "Nachname", "first_name": "Vorname", "birth_date": "Geburtsdatum", "gender": "Geschlecht",
              "street": "Straße", "postcode": "PLZ", "city": "Ort", "phone": "Telefon", "email": "E-Mail",
              "district_id": "Stadtgebiet", "volunteer": "Ehrenamt", "services": "Angebote", "kind": "Art",
              "opening_hours": "Öffnungszeiten", "notes": "Notizen"}


def ask_import_file(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Liste importieren", str(documents_dir()),
                                          "Excel- und CSV-Dateien (*.xlsx *.xlsm *.csv *.txt);;Alle Dateien (*)")
    return Path(path) if path else None


ask_file: Callable[[QWidget | None], Path | None] = ask_import_file


def _row_name(r: importing.RowResult) -> str:
    v = r.values
    if "name" in v and "last_name" not in v:  # an organisation
        return str(v["name"])
    return ", ".join(str(p) for p in (v.get("last_name"), v.get("first_name")) if p)


def _row_note(kind: str, r: importing.RowResult) -> str:
    """What she needs to know about a row: the reason, what is filled, the contact."""
    parts: list[str] = []
    if kind == "contacts" and r.extra:
        e = r.extra
        parts.append(" · ".join(p for p in (date_de(e["date"]), e["category"] or "ohne Thema") if p))
        if r.new_person and r.action == importing.CREATE:
            parts.append("neue Person")
    if r.reason:
        parts.append(r.reason)
    if r.fills:
        parts.append("ergänzt: " + ", ".join(FIELD_TEXT.get(f, f) for f in r.fills))
    if r.district_name:
        parts.append(f"Stadtgebiet „{r.district_name}“ neu")
    return " – ".join(parts)


class _PreviewRow:
    """A row of the preview table: the service's result and her decision."""

    __slots__ = ("decision", "id", "kind", "result")

    def __init__(self, kind: str, result: importing.RowResult):
        self.kind, self.result, self.id = kind, result, result.row
        self.decision: str | None = None


PREVIEW_COLUMNS = (
    Column("Zeile", lambda p: str(p.result.row), align_right=True, sort_value=lambda p: p.result.row),
    Column("Ergebnis", lambda p: ACTION_TEXT[p.result.action]),
    Column("Name", lambda p: _row_name(p.result)),
    Column("Hinweis", lambda p: _row_note(p.kind, p.result), tooltip=lambda p: _row_note(p.kind, p.result) or None),
    Column("Ihre Entscheidung", lambda p: DECISION_TEXT.get(p.decision or "", "bitte wählen")
           if p.result.action == importing.UNCERTAIN and p.result.person_of_row is None else ""),
)


class _ActionFilter(QSortFilterProxyModel):
    """Only the rows of one result (or all)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.action: str | None = None

    def set_action(self, action: str | None) -> None:
        self.beginFilterChange()
        self.action = action
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        if self.action is None:
            return True
        model = self.sourceModel()
        row = model.row_at(source_row) if isinstance(model, RowsModel) else None
        return row is not None and row.result.action == self.action


class ImportDialog(QDialog):
    """The preview of one file and the import itself."""

    def __init__(self, ctx: AppContext, path: Path, table: importing.Table, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Liste importieren – {path.name}")
        self.ctx, self.path, self.table = ctx, path, table
        self.preview: importing.Preview | None = None
        self.outcome: importing.ImportResult | None = None
        self.rejected_file: Path | None = None
        self.run: ExportRun | None = None  # the preview or import under way
        self._filling = False
        with ctx.uow(read_only=True) as uow:
            remembered = importing.remembered_mapping(uow, table)
            self.districts = [(d.name, d.id) for d in lists.list_districts(uow)]
            self.categories = [(c.name, c.id) for c in lists.list_categories(uow)]
        self.remembered = remembered is not None
        kind, mapping = remembered if remembered else (rules.guess_kind(table.headers), None)
        self.resize(1180, 680)
        outer = QVBoxLayout(self)

        top = QHBoxLayout()
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.file_label, 1)
        self.sheet = combo([(name, name) for name in table.sheets] or [("–", None)])
        self.sheet.setEnabled(len(table.sheets) > 1)
        sheet_label = QLabel("&Blatt:")
        sheet_label.setBuddy(self.sheet)
        top.addWidget(sheet_label)
        top.addWidget(self.sheet)
        sheet_label.setVisible(bool(table.sheets))  # a CSV file has no sheets
        self.sheet.setVisible(bool(table.sheets))
        self.kind = combo([(label, key) for key, label in rules.KINDS.items()])
        kind_label = QLabel("&Art der Liste:")
        kind_label.setBuddy(self.kind)
        top.addWidget(kind_label)
        top.addWidget(self.kind)
        outer.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        columns_box = QGroupBox("Spalten der Datei")
        columns_layout = QVBoxLayout(columns_box)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        columns_layout.addWidget(self.mapping_note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        self.grid = QGridLayout(holder)
        self.grid.setColumnStretch(1, 1)
        scroll.setWidget(holder)
        columns_layout.addWidget(scroll, 1)
        self.field_boxes: list[QComboBox] = []
        split.addWidget(columns_box)

        preview_box = QGroupBox("Vorschau – noch nichts gespeichert")
        preview_layout = QVBoxLayout(preview_box)
        line = QHBoxLayout()
        self.summary = QLabel("Die Vorschau wird erstellt …")
        self.summary.setWordWrap(True)
        line.addWidget(self.summary, 1)
        self.show_only = combo([("alle Zeilen", None), ("neu", importing.CREATE), ("vorhanden", importing.MATCH),
                                ("unsicher", importing.UNCERTAIN), ("abgelehnt", importing.REJECT)])
        show_label = QLabel("&Zeigen:")
        show_label.setBuddy(self.show_only)
        line.addWidget(show_label)
        line.addWidget(self.show_only)
        preview_layout.addLayout(line)
        self.model = RowsModel(PREVIEW_COLUMNS, parent=self)
        self.proxy = _ActionFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((56, 86, 190, 330, 130)):
            self.view.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        preview_layout.addWidget(self.view, 1)
        decide = QHBoxLayout()
        self.candidate = QLabel()
        self.candidate.setWordWrap(True)
        decide.addWidget(self.candidate, 1)
        self.same_button = QPushButton("&Dieselbe Person")
        self.new_button = QPushButton("&Neue Person")
        self.skip_button = QPushButton("Ü&berspringen")
        for button, answer in ((self.same_button, importing.SAME), (self.new_button, importing.NEW),
                               (self.skip_button, SKIP)):
            button.clicked.connect(lambda _c=False, a=answer: self.decide(a))
            decide.addWidget(button)
        preview_layout.addLayout(decide)
        self.choices_box = QGroupBox("Neue Stadtgebiete und Themen")
        self.choices_form = QFormLayout(self.choices_box)
        self.choices_box.hide()
        preview_layout.addWidget(self.choices_box)
        split.addWidget(preview_box)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([450, 730])
        outer.addWidget(split, 1)

        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #990000;")
        self.warning.hide()
        outer.addWidget(self.warning)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Importieren")
        self.import_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Abbrechen")
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.district_boxes: dict[str, QComboBox] = {}
        self.category_boxes: dict[str, QComboBox] = {}
        set_combo_data(self.kind, kind)
        self._show_file()
        self._fill_mapping(mapping)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        self.show_only.currentIndexChanged.connect(lambda _i: self.proxy.set_action(self.show_only.currentData()))
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_candidate())
        self._show_candidate()
        self.refresh()

    # -- the file and its columns -----------------------------------------------------------
    def _show_file(self) -> None:
        t = self.table
        encoding = ENCODINGS.get(t.encoding or "", t.encoding)
        what = f"CSV, {encoding}, Trennzeichen „{'Tab' if t.delimiter == chr(9) else t.delimiter}“" \
            if t.encoding else "Excel"
        self.file_label.setText(f"<b>{escape(self.path.name)}</b> ({escape(what)}) · "
                                f"{number_de(len(t.rows))} Zeilen unter der Kopfzeile")

    def _example(self, column: int) -> str:
        for line in self.table.rows[:50]:
            if column < len(line) and (text := rules.clean(line[column])):
                return text if len(text) <= 18 else text[:17] + "…"
        return ""

    def _fill_mapping(self, mapping: dict[int, str] | None) -> None:
        """One combo per column of the file: what it is taken as (or not at all)."""
        kind = self.kind.currentData()
        if mapping is None:
            mapping = rules.match_headers(self.table.headers, kind)[0]
        self._filling = True
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.field_boxes = []
        items = [("— nicht übernehmen —", IGNORE), *((label, name) for name, label in rules.FIELDS[kind].items())]
        for i, header in enumerate(self.table.headers):
            name = QLabel(f"<b>{escape(header or f'Spalte {i + 1}')}</b>")
            example = QLabel(escape(self._example(i)))
            example.setStyleSheet("color: #666666;")
            example.setMaximumWidth(120)
            box = combo(items)
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setAccessibleName(f"Spalte {header or i + 1} übernehmen als")
            set_combo_data(box, mapping.get(i, IGNORE))
            box.currentIndexChanged.connect(lambda _i, c=i: self._mapping_changed(c))
            name.setBuddy(box)
            self.grid.addWidget(name, i, 0)
            self.grid.addWidget(example, i, 1)
            self.grid.addWidget(box, i, 2)
            self.field_boxes.append(box)
        self.grid.setRowStretch(len(self.table.headers), 1)
        self._filling = False
        self.mapping_note.setText("Zuordnung wie beim letzten Import einer Datei mit diesen Spalten."
                                  if self.remembered else "An den Überschriften erkannt – bitte prüfen.")

    def mapping(self) -> dict[int, str]:
        return {i: box.currentData() for i, box in enumerate(self.field_boxes) if box.currentData()}

    def _mapping_changed(self, column: int) -> None:
        if self._filling:
            return
        chosen = self.field_boxes[column].currentData()
        if chosen:  # a field goes to one column only: the other column lets it go
            self._filling = True
            for i, box in enumerate(self.field_boxes):
                if i != column and box.currentData() == chosen:
                    set_combo_data(box, IGNORE)
            self._filling = False
        self.remembered = False
        self.mapping_note.setText("Von Ihnen zugeordnet.")
        self.refresh()

    def _kind_changed(self, _index: int) -> None:
        self.remembered = False
        self._fill_mapping(None)
        self.refresh()

    def _sheet_changed(self, _index: int) -> None:
        sheet = self.sheet.currentData()
        try:
            self.table = importing.read_table(self.path, sheet)
        except KuemmererError as exc:
            report_error(self, exc)
            return
        self._show_file()
        self._fill_mapping(None)
        self.refresh()

    # -- the preview -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Make the preview again (off the UI thread, with a progress bar for a long file)."""
        if self.run is not None and self.run.running:
            self.run.cancel()  # the newer preview replaces it
        self.preview = None
        self.import_button.setEnabled(False)
        self.model.set_rows([])
        kind, mapping, table, today = self.kind.currentData(), self.mapping(), self.table, self.ctx.today()
        try:
            importing.check_mapping(table, kind, mapping)
        except KuemmererError as exc:
            self.summary.setText(f"<span style='color:#990000'>{escape(str(exc))}</span>")
            self._fill_choices()
            return
        self.summary.setText("Die Vorschau wird erstellt …")
        ctx = self.ctx

        def work(progress, cancelled):
            with ctx.uow(read_only=True) as uow:
                return importing.preview(uow, table, kind, mapping, today=today, progress=progress,
                                         cancelled=cancelled)

        self.run = ExportRun(self, "Die Liste wird geprüft …", work, self._show_preview, title="Vorschau",
                             verb="geprüft", on_cancelled=lambda _e: self._preview_cancelled())
        self.run.finished.connect(self._failed_preview)

    def _failed_preview(self, result: Any) -> None:
        if isinstance(result, BaseException) and not isinstance(result, importing.ImportCancelled):
            self.summary.setText("Die Vorschau ließ sich nicht erstellen.")

    def _preview_cancelled(self) -> None:
        if self.preview is None:
            self.summary.setText("Vorschau abgebrochen – Zuordnung ändern oder schließen.")

    def _show_preview(self, preview: importing.Preview) -> None:
        if preview.mapping != self.mapping() or preview.kind != self.kind.currentData():
            return  # an older preview came in after she changed the mapping
        self.preview = preview
        self.model.set_rows([_PreviewRow(preview.kind, r) for r in preview.rows])
        self.summary.setText(importing.describe(preview) + ". Nichts ist gespeichert, bis Sie „Importieren“ wählen.")
        self._fill_choices()
        self._warn_frozen(preview)
        self.import_button.setEnabled(True)
        self._show_candidate()

    def _warn_frozen(self, preview: importing.Preview) -> None:
        from kuemmerer.services import statistics

        days = [r.extra["date"] for r in preview.rows if r.action == importing.CREATE and "date" in r.extra]
        warning = None
        if days:
            with self.ctx.uow(read_only=True) as uow:
                warning = statistics.frozen_warning(uow, min(days))
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))

    def _fill_choices(self) -> None:
        """One combo per Stadtgebiet / Thema she does not have yet: new, one of hers, or empty."""
        while self.choices_form.rowCount():
            self.choices_form.removeRow(0)
        self.district_boxes, self.category_boxes = {}, {}
        preview = self.preview
        names = [] if preview is None else [("Stadtgebiet", n, self.districts, self.district_boxes)
                                             for n in preview.new_districts] + \
            [("Thema", n, self.categories, self.category_boxes) for n in preview.new_categories]
        for what, name, existing, boxes in names:
            box = combo([("neu anlegen", importing.NEW), ("leer lassen", None),
                         *((f"→ {label}", ident) for label, ident in existing)])
            box.setAccessibleName(f"{what} {name}")
            self.choices_form.addRow(f"{what} „{name}“:", box)
            boxes[name] = box
        self.choices_box.setVisible(bool(names))

    # -- uncertain rows ----------------------------------------------------------------------
    def current_row(self) -> _PreviewRow | None:
        index = self.proxy.mapToSource(self.view.currentIndex())
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_row(self, file_row: int) -> None:
        source = self.model.row_of_id(file_row)
        index = self.proxy.mapFromSource(self.model.index(source, 0))
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _show_candidate(self) -> None:
        row = self.current_row()
        uncertain = row is not None and row.result.action == importing.UNCERTAIN and row.result.person_of_row is None
        for button in (self.same_button, self.new_button, self.skip_button):
            button.setEnabled(uncertain)
        if not uncertain or row is None or row.result.person_id is None:
            self.candidate.setText("Unsichere Zeilen: Zeile wählen und entscheiden – dieselbe Person oder eine neue."
                                   if self.preview is not None and self.preview.count(importing.UNCERTAIN) else "")
            return
        from kuemmerer.services import persons

        with self.ctx.uow(read_only=True) as uow:
            p = persons.get_person(uow, row.result.person_id)
        known = ", ".join(x for x in (p.full_name, f"geb. {date_de(p.birth_date)}" if p.birth_date else "",
                                      " ".join(filter(None, (p.street, p.postcode)))) if x)
        more = len(row.result.candidates) - 1
        self.candidate.setText(f"Schon da: <b>{escape(known)}</b>"
                               + (f" (und {more} weitere mit diesem Namen)" if more > 0 else ""))

    def decide(self, answer: str) -> None:
        row = self.current_row()
        if row is None or row.result.action != importing.UNCERTAIN:
            return
        row.decision = answer
        source = self.model.row_of_id(row.id)
        self.model.dataChanged.emit(self.model.index(source, 4), self.model.index(source, 4))
        # on to the next undecided row
        for n in range(source + 1, len(self.model.rows)):
            nxt = self.model.rows[n]
            if nxt.result.action == importing.UNCERTAIN and nxt.result.person_of_row is None and nxt.decision is None:
                self.select_row(nxt.id)
                break

    def decisions(self) -> dict[int, str]:
        return {r.id: r.decision for r in self.model.rows
                if r.decision in (importing.SAME, importing.NEW)}

    # -- the import ---------------------------------------------------------------------------
    def start_import(self) -> None:
        preview = self.preview
        if preview is None or (self.run is not None and self.run.running):
            return
        undecided = sum(1 for r in self.model.rows if r.result.action == importing.UNCERTAIN
                        and r.result.person_of_row is None and r.decision is None)
        if undecided and not confirm(self, "Unsichere Zeilen",
                                     f"{number_de(undecided)} unsichere {'Zeile ist' if undecided == 1 else 'Zeilen sind'} "
                                     "nicht entschieden und wird übersprungen. Trotzdem importieren?",
                                     "Importieren"):
            return
        ctx, path, decisions = self.ctx, self.path, self.decisions()
        districts = {n: box.currentData() for n, box in self.district_boxes.items()}
        categories = {n: box.currentData() for n, box in self.category_boxes.items()}
        layout = rules.layout_key(self.table.headers)

        def work(progress, cancelled):
            from kuemmerer.exports.xlsx import save_table

            done = importing.run_import(ctx.ws, preview, file_name=path.name, layout_key=layout,
                                        decisions=decisions, districts=districts, categories=categories,
                                        progress=progress, cancelled=cancelled)
            saved: Path | str | None = None
            if preview.rejected:
                try:
                    target = importing.rejected_file_for(path)
                    save_table(target, importing.rejected_rows(preview, path.name))
                    saved = target
                except (OSError, KuemmererError) as exc:
                    saved = str(getattr(exc, "strerror", None) or exc)
            return done, saved

        self.import_button.setEnabled(False)
        self.run = ExportRun(self, "Die Liste wird importiert …", work, self._imported, title="Import",
                             verb="übernommen", on_cancelled=self._import_cancelled)
        self.run.finished.connect(lambda r: self.import_button.setEnabled(self.preview is not None)
                                  if isinstance(r, BaseException) else None)

    def _import_cancelled(self, exc: BaseException) -> None:
        Notice.show(self, "Import abgebrochen", str(exc))

    def _imported(self, outcome: tuple[importing.ImportResult, Path | str | None]) -> None:
        done, saved = outcome
        self.outcome = done
        self.ctx.notify("all")
        text = f"{done.describe()}.\n\nVorher wurde eine Sicherung angelegt:\n{done.backup}"
        if isinstance(saved, Path):
            self.rejected_file = saved
            text += f"\n\nDie abgelehnten Zeilen stehen mit Grund in\n{saved}\n– dort korrigieren und erneut importieren."
        elif saved:
            text += f"\n\nDie abgelehnten Zeilen konnten nicht neben der Datei gespeichert werden ({saved})."
        text += "\n\nDatei → Import-Verlauf… macht den Import bei Bedarf als Ganzes rückgängig."
        Notice.show(self, "Importiert", text)
        self.accept()

    def reject(self) -> None:
        if self.run is not None and self.run.running:
            self.run.cancel()  # stops the preview; an import rolls back
            return
        super().reject()


def import_file(parent: QWidget | None, ctx: AppContext, path: Path | None = None) -> ImportDialog | None:
    """Datei → Importieren…: ask for the file, read it and open the preview."""
    path = path or ask_file(parent)
    if path is None:
        return None
    try:
        table = importing.read_table(path)
    except KuemmererError as exc:
        report_error(parent, exc)
        return None
    dialog = ImportDialog(ctx, path, table, parent)
    dialog.open()
    return dialog


# --------------------------------------------------------------------------- the history

HISTORY_COLUMNS = (
    Column("Nr.", lambda r: str(r.id), align_right=True, sort_value=lambda r: r.id),
    Column("Importiert am", lambda r: r.created_text, sort_value=lambda r: r.created_at),
    Column("Art", lambda r: r.kind_label),
    Column("Datei", lambda r: r.file_name),
    Column("Neu", lambda r: number_de(r.created), align_right=True, sort_value=lambda r: r.created),
    Column("Vorhanden", lambda r: number_de(r.matched), align_right=True, sort_value=lambda r: r.matched),
    Column("Abgelehnt", lambda r: number_de(r.rejected), align_right=True, sort_value=lambda r: r.rejected),
    Column("Rückgängig gemacht", lambda r: r.undone_text),
)


def confirm_undo(parent: QWidget, run: importing.ImportRunDto) -> bool:
    return confirm(parent, "Import rückgängig machen",
                   f"Import Nr. {run.id} ({run.file_name}) rückgängig machen?\n\nGelöscht wird, was dieser Import "
                   "angelegt hat – außer Einträgen, zu denen inzwischen weitere Daten erfasst wurden. Ergänzte "
                   "Felder bleiben. Vorher wird eine Sicherung angelegt.", "Rückgängig machen")


class ImportHistoryDialog(QDialog):
    """Her imports, newest first; „Rückgängig machen…“ takes one back as a whole."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import-Verlauf")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.model = RowsModel(HISTORY_COLUMNS, parent=self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        for column, width in enumerate((50, 130, 110, 200, 60, 80, 80, 150)):
            self.view.setColumnWidth(column, width)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Schließen")
        self.undo_button = buttons.addButton("&Rückgängig machen…", QDialogButtonBox.ButtonRole.ActionRole)
        self.undo_button.clicked.connect(self.undo)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update())
        self.reload()

    def reload(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            self.model.set_rows(importing.list_imports(uow))
        if self.model.rows:
            self.view.selectRow(0)
        self.note.setText("" if self.model.rows else "Noch keine Importe.")
        self._update()

    def current(self) -> importing.ImportRunDto | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update(self) -> None:
        run = self.current()
        self.undo_button.setEnabled(run is not None and run.undone_at is None)

    def undo(self) -> None:
        run = self.current()
        if run is None or run.undone_at is not None or not confirm_undo(self, run):
            return
        try:
            result = importing.undo_import_after_backup(self.ctx.ws, run.id)
        except (KuemmererError, OSError) as exc:
            report_error(self, exc)
            return
        self.ctx.notify("all")
        kept = f", {number_de(result['kept'])} behalten (inzwischen mit weiteren Daten)" if result["kept"] else ""
        self.note.setText(f"Import Nr. {run.id} rückgängig gemacht: {number_de(result['deleted'])} Einträge gelöscht"
                          f"{kept}.")
        with self.ctx.uow(read_only=True) as uow:
            self.model.set_rows(importing.list_imports(uow))
        self.view.selectRow(self.model.row_of_id(run.id))
        self._update()


def show_history(parent: QWidget | None, ctx: AppContext) -> ImportHistoryDialog:
    dialog = ImportHistoryDialog(ctx, parent)
    dialog.open()
    return dialog

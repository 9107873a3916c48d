"""Dialoge für ihre Listen (Stadtgebiete, Themen, Angebote): Name eingeben, zusammenführen."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import lists
from kuemmerer.services.dto import ListEntry, MergePreview

from ..context import AppContext
from ..formatting import number_de
from ..widgets import FieldForm, GuardedDialog

# German words per list: (one entry, "new" title, heading of the list)
WORDS = {
    "districts": ("Stadtgebiet", "Neues Stadtgebiet", "Stadtgebiete"),
    "categories": ("Thema", "Neues Thema", "Themen"),
    "services": ("Angebot", "Neues Angebot", "Angebote"),
    "action_fields": ("Handlungsfeld", "Neues Handlungsfeld", "Handlungsfelder"),
}
CHANGED = {"districts": "districts", "categories": "categories", "services": "services",
           "action_fields": "action_fields"}


class NameDialog(GuardedDialog):
    """Name of a new entry (``entry`` None) or a new name for ``entry``."""

    def __init__(self, ctx: AppContext, kind: str, entry: ListEntry | None = None, parent: QWidget | None = None):
        word, new_title, _ = WORDS[kind]
        super().__init__(parent, f"{word} umbenennen" if entry else new_title)
        self.ctx = ctx
        self.kind = kind
        self.entry = entry
        self.saved = None
        self.form = FieldForm(self)
        self.name = self.form.add("name", "Name", QLineEdit(), required=True)
        self.name.setMaxLength(200)
        if entry:
            self.name.setText(entry.name)
            self.name.selectAll()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.watch(self.name)
        self.name.setFocus()

    def save(self) -> bool:
        name = self.name.text()
        if self.entry is None:
            action = lambda uow: lists.add_entry(uow, self.kind, name)  # noqa: E731
        else:
            entry_id = self.entry.id
            action = lambda uow: lists.rename(uow, self.kind, entry_id, name)  # noqa: E731
        ok, self.saved = self.form.submit(self.ctx, action, CHANGED[self.kind])
        return ok


def preview_text(preview: MergePreview) -> str:
    source, target = escape(preview.source_name), escape(preview.target_name)
    lines = [f"<p>„{source}“ wird mit „{target}“ zusammengeführt. Danach gibt es "
             f"„{source}“ nicht mehr. Es wechseln:</p><ul>"]
    for label, n in preview.moves:
        lines.append(f"<li>{label}: <b>{number_de(n)}</b></li>")
    lines.append("</ul>")
    if not preview.total:
        lines.append("<p>Es hängen keine Einträge daran.</p>")
    lines.append("<p>Das lässt sich nicht rückgängig machen (außer mit einer Sicherung). Eingefrorene "
                 "Jahreszahlen bleiben, wie sie berichtet wurden.</p>")
    return "".join(lines)


class MergeDialog(GuardedDialog):
    """Pick the entry that stays, see how many records move, confirm."""

    def __init__(self, ctx: AppContext, kind: str, source: ListEntry, others: list[ListEntry],
                 parent: QWidget | None = None):
        word, _, _ = WORDS[kind]
        super().__init__(parent, f"{word} zusammenführen")
        self.ctx = ctx
        self.kind = kind
        self.source = source
        self.merged: MergePreview | None = None
        self.buttons.button(self.buttons.StandardButton.Save).setText("Zusammenführen")
        self.form = FieldForm(self)
        self.form.add_row("Aufgeben:", QLabel(f"<b>{escape(source.name)}</b>"))
        self.target = QComboBox()
        for entry in others:
            suffix = "" if entry.active else " (deaktiviert)"
            self.target.addItem(entry.name + suffix, entry.id)
        self.form.add("target", "Behalten", self.target, required=True)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setMinimumHeight(160)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.target.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()
        self.target.setFocus()

    def refresh(self) -> None:
        target_id = self.target.currentData()
        if target_id is None:
            self.preview.setText("Es gibt keinen anderen Eintrag, mit dem zusammengeführt werden kann.")
            return
        try:
            with self.ctx.uow(read_only=True) as uow:
                preview = lists.merge_preview(uow, self.kind, self.source.id, target_id)
        except ValidationError as exc:
            self.preview.setText(" ".join(exc.errors.values()))
            return
        self.preview.setText(preview_text(preview))

    def save(self) -> bool:
        target_id = self.target.currentData()
        if target_id is None:
            self.form.show_errors({"target": "Bitte auswählen."})
            return False
        ok, self.merged = self.form.submit(
            self.ctx, lambda uow: lists.merge(uow, self.kind, self.source.id, target_id), CHANGED[self.kind])
        return ok

"""Einstellungen: Briefkopf, ihre Listen (Stadtgebiete mit Straßen, Themen, Angebote,
Handlungsfelder) und wo die Daten liegen."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.errors import KuemmererError
from kuemmerer.services import lists
from kuemmerer.services.dto import ListEntry

from ..context import AppContext
from ..dialogs.letterhead import LetterheadForm
from ..dialogs.lists import CHANGED, WORDS, MergeDialog, NameDialog
from ..formatting import number_de
from ..models import ID_ROLE, Column, RowsModel
from ..widgets import ErrorLine, FieldForm, text_edit
from .audit_log import AuditLogTab
from .retention import RetentionTab
from .tables import table_view

INACTIVE_COLOR = QColor("#777777")

def _uses(e: ListEntry) -> str:
    return number_de(e.uses) if e.uses else "–"


class ListEntriesModel(RowsModel):
    """Entries of one list in her order; deactivated ones in grey."""

    def __init__(self, kind: str, parent=None):
        columns = [Column("Name", lambda e: e.name),
                   Column("Status", lambda e: "aktiv" if e.active else "deaktiviert"),
                   Column("Verwendet", _uses, align_right=True,
                          tooltip=lambda e: f"{number_de(e.uses)} Einträge verweisen darauf")]
        if kind == "districts":
            columns.append(Column("Straßen", lambda e: number_de(e.streets) if e.streets else "–",
                                  align_right=True))
        super().__init__(columns, parent=parent)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and not row.active:
                return INACTIVE_COLOR
            return None
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Her order is the order: the list is not sorted by clicking a header."""


class ListEditor(QWidget):
    """One of her lists: a table in her order with buttons for every change; for
    Stadtgebiete also the streets of the chosen district."""

    def __init__(self, ctx: AppContext, kind: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        word = WORDS[kind][0]
        self.model = ListEntriesModel(kind, self)
        self.view = table_view(self.model)
        self.view.setSortingEnabled(False)
        self.view.setAccessibleName(WORDS[kind][2])
        self.view.doubleClicked.connect(lambda _i: self.rename())
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        self.error = ErrorLine(self)
        self.new_button = QPushButton("Neu…")
        self.rename_button = QPushButton("Umbenennen…")
        self.up_button = QPushButton("Nach oben")
        self.down_button = QPushButton("Nach unten")
        self.active_button = QPushButton("Deaktivieren")
        self.merge_button = QPushButton("Zusammenführen…")
        self.delete_button = QPushButton("Löschen")
        self.new_button.setToolTip(f"{word} anlegen")
        self.rename_button.setToolTip("Umbenennen (F2 oder Doppelklick)")
        self.up_button.setToolTip("In der Reihenfolge nach oben (Strg+Pfeil hoch)")
        self.down_button.setToolTip("In der Reihenfolge nach unten (Strg+Pfeil runter)")
        self.active_button.setToolTip("Deaktivierte Einträge stehen nicht mehr zur Auswahl, bleiben aber "
                                      "in den erfassten Daten und in der Statistik.")
        self.merge_button.setToolTip("Alle Einträge auf einen anderen übertragen und diesen auflösen")
        self.delete_button.setToolTip("Nur möglich, solange nichts darauf verweist (Entf)")
        self.new_button.clicked.connect(self.new)
        self.rename_button.clicked.connect(self.rename)
        self.up_button.clicked.connect(lambda: self.move_entry(-1))
        self.down_button.clicked.connect(lambda: self.move_entry(+1))
        self.active_button.clicked.connect(self.toggle_active)
        self.merge_button.clicked.connect(self.merge)
        self.delete_button.clicked.connect(self.delete)
        for keys, slot in ((QKeySequence(Qt.Key.Key_F2), self.rename),
                           (QKeySequence(QKeySequence.StandardKey.Delete), self.delete),
                           (QKeySequence("Ctrl+Up"), lambda: self.move_entry(-1)),
                           (QKeySequence("Ctrl+Down"), lambda: self.move_entry(+1))):
            action = QAction(self.view, shortcut=keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)

        buttons = QVBoxLayout()
        for b in (self.new_button, self.rename_button, self.up_button, self.down_button, self.active_button,
                  self.merge_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        table_box = QWidget()
        row = QHBoxLayout(table_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.view, 1)
        row.addLayout(buttons)
        label = QLabel(intro)
        label.setWordWrap(True)
        label.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.error)
        self.streets: StreetsEditor | None = None
        if kind == "districts":
            self.streets = StreetsEditor(ctx, self)
            splitter = QSplitter()
            splitter.addWidget(table_box)
            splitter.addWidget(self.streets)
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
            splitter.setSizes([640, 420])
            layout.addWidget(splitter, 1)
        else:
            layout.addWidget(table_box, 1)
        self.setTabOrder(self.view, self.new_button)
        for first, second in zip((self.new_button, self.rename_button, self.up_button, self.down_button,
                                  self.active_button, self.merge_button),
                                 (self.rename_button, self.up_button, self.down_button, self.active_button,
                                  self.merge_button, self.delete_button), strict=True):
            self.setTabOrder(first, second)
        if self.streets is not None:
            self.setTabOrder(self.delete_button, self.streets.edit)
            self.setTabOrder(self.streets.edit, self.streets.save_button)
        self.reload()

    # -- data ---------------------------------------------------------------------------
    def reload(self, keep_id: int | None = None) -> None:
        keep_id = keep_id if keep_id is not None else self.current_id()
        with self.ctx.uow(read_only=True) as uow:
            rows = lists.entries(uow, self.kind)
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setSectionResizeMode(0, self.view.horizontalHeader().ResizeMode.Stretch)
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        self.view.selectRow(max(row, 0) if rows else -1)
        self._update_buttons()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def current(self) -> ListEntry | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, ident: int) -> None:
        row = self.model.row_of_id(ident)
        if row >= 0:
            self.view.selectRow(row)

    def _update_buttons(self) -> None:
        entry = self.current()
        row = self.view.currentIndex().row()
        has = entry is not None
        for b in (self.rename_button, self.active_button):
            b.setEnabled(has)
        self.merge_button.setEnabled(has and self.model.rowCount() > 1)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.model.rowCount() - 1)
        unused = entry is not None and entry.uses == 0
        self.delete_button.setEnabled(unused)
        self.delete_button.setToolTip("Löschen (Entf)" if unused else
                                      "Wird verwendet – bitte deaktivieren oder zusammenführen.")
        self.active_button.setText("Aktivieren" if entry is not None and not entry.active else "Deaktivieren")
        if self.streets is not None:
            self.streets.show_district(entry)

    def _changed(self, keep_id: int | None = None) -> None:
        self.error.hide()
        self.reload(keep_id)
        self.ctx.notify(CHANGED[self.kind])
        self.view.setFocus()  # the keyboard stays on the list

    def _run(self, action) -> bool:
        """Write at once; German refusals (in use, bad order…) go to the red line."""
        self.error.hide()
        try:
            with self.ctx.uow() as uow:
                action(uow)
        except KuemmererError as exc:
            self.error.say(" ".join(exc.errors.values()) if hasattr(exc, "errors") else str(exc))
            return False
        return True

    # -- actions ------------------------------------------------------------------------
    def new(self) -> None:
        dialog = NameDialog(self.ctx, self.kind, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved.id)
        self.view.setFocus()

    def rename(self) -> None:
        entry = self.current()
        if entry is None:
            return
        dialog = NameDialog(self.ctx, self.kind, entry, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(entry.id)
        self.view.setFocus()

    def move_entry(self, step: int) -> None:
        entry = self.current()
        if entry is not None and self._run(lambda uow: lists.move(uow, self.kind, entry.id, step)):
            self._changed(entry.id)

    def toggle_active(self) -> None:
        entry = self.current()
        if entry is not None and self._run(
                lambda uow: lists.set_active(uow, self.kind, entry.id, not entry.active)):
            self._changed(entry.id)

    def merge(self) -> None:
        entry = self.current()
        if entry is None:
            return
        others = [e for e in self.model.rows if e.id != entry.id]
        dialog = MergeDialog(self.ctx, self.kind, entry, others, parent=self)
        if dialog.exec() and dialog.merged is not None:
            self._changed(dialog.merged.target_id)
        self.view.setFocus()

    def delete(self) -> None:
        entry = self.current()
        if entry is None or not self.delete_button.isEnabled():
            return
        if not self.confirm_delete(self, f"{WORDS[self.kind][0]} „{entry.name}“ löschen?"):
            return
        if self._run(lambda uow: lists.delete_entry(uow, self.kind, entry.id)):
            self._changed()

    @staticmethod
    def confirm_delete(parent: QWidget, text: str) -> bool:
        """Ask before deleting (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Löschen?", text, parent=parent)
        yes = box.addButton("Löschen", QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton("Abbrechen", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes


class StreetsEditor(QWidget):
    """The streets of one district, one per line; typing a person's street then
    suggests the district."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.district: ListEntry | None = None
        self.title = QLabel()
        self.form = FieldForm(self)
        self.edit = self.form.add("streets", "Straßen", text_edit(height=300),
                                  hint="Eine Straße je Zeile, ohne Hausnummer. Groß/klein, „Straße“/„Str.“ "
                                       "und ä/ae spielen keine Rolle. Steht eine Straße in zwei "
                                       "Stadtgebieten, wird keines vorgeschlagen.")
        self.edit.setFixedHeight(16777215)
        self.edit.setMinimumHeight(200)
        self.edit.setTabChangesFocus(True)
        self.save_button = QPushButton("Straßen speichern")
        self.save_button.clicked.connect(self.save)
        self.saved_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.form, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved_label, 1)
        layout.addLayout(row)

    def show_district(self, entry: ListEntry | None) -> None:
        if entry is not None and self.district is not None and entry.id == self.district.id:
            self.district = entry
            return
        self.district = entry
        self.form.clear_errors()
        self.saved_label.clear()
        self.setEnabled(entry is not None)
        if entry is None:
            self.title.setText("<b>Straßen</b>")
            self.edit.clear()
            return
        self.title.setText(f"<b>Straßen von {escape(entry.name)}</b>")
        with self.ctx.uow(read_only=True) as uow:
            names = [s.name for s in lists.streets(uow, entry.id)]
        self.edit.setPlainText("\n".join(names))

    def save(self) -> bool:
        if self.district is None:
            return False
        district_id, text = self.district.id, self.edit.toPlainText()
        ok, saved = self.form.submit(self.ctx, lambda uow: lists.set_streets(uow, district_id, text), "districts")
        if ok:
            self.edit.setPlainText("\n".join(s.name for s in saved))
            self.saved_label.setText(f"Gespeichert: {number_de(len(saved))} Straßen.")
        return ok


INTROS = {
    "districts": "Die Stadtgebiete Ihres Projektgebiets, in Ihrer Reihenfolge (so erscheinen sie in Auswahllisten "
                 "und in der Statistik). Rechts: die Straßen des gewählten Stadtgebiets – damit schlägt "
                 "Kümmerer beim Eintragen einer Adresse das Stadtgebiet vor.",
    "categories": "Die Themen, nach denen Anliegen und Kontakte eingeordnet und gezählt werden.",
    "services": "Die Angebote, die Partner machen und an die Sie vermitteln.",
    "action_fields": "Die Handlungsfelder Ihres Handlungskonzepts, in Ihrer Reihenfolge: Im Sachbericht steht "
                     "zu jedem aktiven Handlungsfeld Ihr Text für den Berichtszeitraum (Berichte › Sachbericht). "
                     "Zusammenführen überträgt die Texte; hat das Ziel für denselben Zeitraum schon einen Text, "
                     "werden beide aneinandergehängt.",
}


class SettingsPage(QWidget):
    """Einstellungen: Briefkopf, her lists and where the data lives."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()

        letterhead_tab = QWidget()
        self.letterhead = LetterheadForm(ctx, letterhead_tab)
        self.letterhead.setMaximumWidth(640)
        self.save_button = QPushButton("Briefkopf speichern")
        self.saved_label = QLabel()
        self.save_button.clicked.connect(self._save)
        box = QVBoxLayout(letterhead_tab)
        hint = QLabel("Der Briefkopf erscheint auf Vermittlungsbögen, Teilnehmerlisten und Berichten.")
        hint.setStyleSheet("color: #555;")
        box.addWidget(hint)
        box.addWidget(self.letterhead)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)

        self.editors = {kind: ListEditor(ctx, kind, INTROS[kind]) for kind in lists.KINDS}
        self.tabs.addTab(letterhead_tab, "&Briefkopf")
        self.tabs.addTab(self.editors["districts"], "&Stadtgebiete")
        self.tabs.addTab(self.editors["categories"], "&Themen")
        self.tabs.addTab(self.editors["services"], "&Angebote")
        self.tabs.addTab(self.editors["action_fields"], "&Handlungsfelder")

        data_tab = QWidget()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_box = QVBoxLayout(data_tab)
        data_box.addWidget(self.info)
        self.password_button = QPushButton("Passwort ändern…")
        self.password_button.clicked.connect(self._change_password)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password_button)
        password_row.addStretch(1)
        data_box.addLayout(password_row)
        from ..lock import LockSettingsBox

        self.lock_settings = LockSettingsBox(ctx)
        data_box.addWidget(self.lock_settings)
        from .volunteers import RenewalYearsBox

        self.renewal_years = RenewalYearsBox(ctx)  # Führungszeugnis: renew after n years
        data_box.addWidget(self.renewal_years)
        data_box.addStretch(1)
        self.tabs.addTab(data_tab, "&Daten")
        self.retention = RetentionTab(ctx)
        self.tabs.addTab(self.retention, "A&ufbewahrung")
        self.audit_log = AuditLogTab(ctx)
        self.tabs.addTab(self.audit_log, "&Protokoll")

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Einstellungen</h2>"))
        layout.addWidget(self.tabs, 1)
        self.refresh_info()
        ctx.changed.connect(self._data_changed)

    def _save(self) -> None:
        self.saved_label.setText("Gespeichert." if self.letterhead.save() else "")

    def _data_changed(self, what: str) -> None:
        if what in ("settings", "all"):
            self.letterhead.load()
            self.letterhead.form.clear_errors()
        for kind, editor in self.editors.items():
            if what in (CHANGED[kind], "all") or (what == "persons" and kind == "districts") \
                    or (what in ("requests", "contacts") and kind == "categories") \
                    or (what in ("referrals", "organisations") and kind == "services"):
                editor.reload()
        if what == "all":
            self.refresh_info()

    def refresh_info(self) -> None:
        ws = self.ctx.ws
        if ws.closed:
            return
        secured = ("verschlüsselt (SQLCipher 4, AES-256); Schlüsseldatei "
                   f"{escape(ws.path.name)}.schluessel daneben" if ws.encrypted else
                   "<b>nicht verschlüsselt</b> – Kümmerer bietet beim nächsten Start an, sie zu verschlüsseln")
        self.info.setText(f"<h3>Wo die Daten liegen</h3>Datenbank: {escape(str(ws.path))}<br>"
                          f"Sicherungen: {escape(str(ws.backup_dir))}<br>Anhänge: {escape(str(ws.files_dir))}"
                          f"<h3>Verschlüsselung</h3>Die Datenbank ist {secured}.")
        self.password_button.setEnabled(ws.encrypted)

    def _change_password(self) -> None:
        from ..dialogs.change_password import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, self).exec()

    def show_retention(self) -> None:
        self.tabs.setCurrentWidget(self.retention)

    def show_list(self, kind: str) -> ListEditor:
        editor = self.editors[kind]
        self.tabs.setCurrentWidget(editor)
        return editor


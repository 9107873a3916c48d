"""Fotodokumentation & Publizitätsnachweise: the photos and documents of an activity or of
one session, as thumbnails; files are added by dragging them onto the panel or with
„Datei hinzufügen…“ (the service copies them, encrypted, into the data folder — never a
link to where they came from); caption and publication consent are edited below the
thumbnails; „Speichern unter…“ writes a decrypted copy where she chooses.

Tests replace ``ask_files`` / ``ask_save_path`` (the file dialogs) and
``AttachmentPanel.confirm_delete``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QImageReader, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import Publication
from kuemmerer.domain.errors import NotFound, ValidationError
from kuemmerer.services import activities
from kuemmerer.services.dto import AttachmentDto

from .context import AppContext
from .folders import documents_dir
from .formatting import number_de
from .models import ID_ROLE, ROW_ROLE
from .widgets import ErrorLine, confirm, notice_label, set_combo_data

THUMB = QSize(128, 96)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"})

Index = QModelIndex | QPersistentModelIndex


def ask_open_files(parent: QWidget | None, title: str) -> list[Path]:
    paths, _ = QFileDialog.getOpenFileNames(
        parent, title, str(documents_dir()),
        "Fotos und Dokumente (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.tif *.tiff *.pdf *.doc *.docx *.odt "
        "*.xls *.xlsx *.ods *.txt);;Alle Dateien (*)")
    return [Path(p) for p in paths]


def ask_save_file(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(documents_dir() / suggested))
    return Path(path) if path else None


# the file dialogs; tests put functions here that return paths (or [] / None for „Abbrechen“)
ask_files: Callable[[QWidget | None, str], list[Path]] = ask_open_files
ask_save_path: Callable[[QWidget | None, str, str], Path | None] = ask_save_file


def size_de(n: int) -> str:
    if n < 1024:
        return f"{n} Byte"
    if n < 1024 * 1024:
        return f"{number_de(n / 1024, 0)} KB"
    return f"{number_de(n / 1024 / 1024, 1)} MB"


def is_image(name: str) -> bool:
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def thumbnail(data: bytes) -> QPixmap | None:
    """The picture in ``data`` scaled into THUMB (rotated as the camera says), or None if it
    is no picture Qt can read. Large photos are decoded at thumbnail size, not in full."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > THUMB.width() or size.height() > THUMB.height()):
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    if image.isNull():
        return None
    if image.width() > THUMB.width() or image.height() > THUMB.height():  # a reader that cannot scale
        image = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return QPixmap.fromImage(image)


def document_icon(name: str) -> QPixmap:
    """A sheet of paper with the file's type on it (PDF, DOCX …) for files that are no picture."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    w, h = 66, 88
    x, y = (THUMB.width() - w) // 2, (THUMB.height() - h) // 2
    painter.setPen(QPen(QColor("#777777"), 1.5))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(x, y, w, h)
    painter.setPen(QColor("#0b5394"))
    font = QFont()
    font.setBold(True)
    font.setPointSize(11)
    painter.setFont(font)
    suffix = Path(name).suffix.lstrip(".").upper()[:5] or "DATEI"
    painter.drawText(x, y, w, h, Qt.AlignmentFlag.AlignCenter, suffix)
    painter.end()
    return pixmap


class AttachmentModel(QAbstractListModel):
    """The files of one owner; the thumbnail of a picture is read (decrypted) and scaled when
    it is first shown, then kept."""

    def __init__(self, load: Callable[[int], bytes], parent: QObject | None = None):
        super().__init__(parent)
        self._load = load
        self.rows: list[AttachmentDto] = []
        self._icons: dict[tuple[int, str], QIcon] = {}
        self.pictures: set[tuple[int, str]] = set()

    def set_rows(self, rows: list[AttachmentDto]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        keep = {(r.id, r.sha256) for r in self.rows}
        self._icons = {k: v for k, v in self._icons.items() if k in keep}
        self.pictures &= keep
        self.endResetModel()

    def replace(self, dto: AttachmentDto) -> None:
        for i, r in enumerate(self.rows):
            if r.id == dto.id:
                self.rows[i] = dto
                index = self.index(i, 0)
                self.dataChanged.emit(index, index)
                return

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def row_of_id(self, ident: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == ident), -1)

    def icon(self, a: AttachmentDto) -> QIcon:
        key = (a.id, a.sha256)
        if key not in self._icons:
            pixmap = None
            if is_image(a.file_name):
                try:
                    pixmap = thumbnail(self._load(a.id))
                except (NotFound, OSError, ValueError):
                    pixmap = None  # file missing or not readable: the sheet instead
            if pixmap is not None:
                self.pictures.add(key)
            self._icons[key] = QIcon(pixmap if pixmap is not None else document_icon(a.file_name))
        return self._icons[key]

    def has_thumbnail(self, row: int) -> bool:
        """True if row ``row`` shows the picture itself (not the sheet drawn for documents)."""
        a = self.rows[row]
        self.icon(a)
        return (a.id, a.sha256) in self.pictures

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.column() != 0 or not 0 <= index.row() < len(self.rows):
            return None
        a = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return a.description or a.file_name
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon(a)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [a.file_name, size_de(a.size_bytes)]
            if a.description:
                lines.insert(0, a.description)
            lines.append("Veröffentlichung: " + Publication.labels().get(a.publication, a.publication))
            return "\n".join(lines)
        if role == ID_ROLE:
            return a.id
        if role == ROW_ROLE:
            return a
        return None


class AttachmentPanel(QWidget):
    """Thumbnails of the files of one activity or one session, with what she can do to them.
    ``show_owner(activity_id=…)`` / ``show_owner(session_id=…)``; ``changed`` after every write."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, what: str = "Aktivität"):
        super().__init__(parent)
        self.ctx = ctx
        self.what = what
        self.owner: dict[str, int] = {}
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.model = AttachmentModel(self._read, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setWrapping(True)
        self.view.setIconSize(THUMB)
        self.view.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 40))
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setDragEnabled(False)
        self.view.setAcceptDrops(True)
        self.view.viewport().setAcceptDrops(True)
        self.view.viewport().installEventFilter(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.selectionModel().currentChanged.connect(lambda _c, _p: self._selected())
        self.view.setAccessibleName("Fotos und Dokumente")
        self.setAcceptDrops(True)

        self.caption = QLineEdit()
        self.caption.setPlaceholderText("Bildunterschrift, z. B. „Frühjahrsputz am Spielplatz“")
        self.caption.setMaxLength(300)
        self.caption.editingFinished.connect(self._save_details)
        self.publication = QComboBox()
        for p in Publication:
            self.publication.addItem(p.label, p.value)
        self.publication.setToolTip("Dürfen Foto oder Dokument veröffentlicht werden (Flyer, Website, "
                                    "Publizitätsnachweis für die Förderung)?")
        self.publication.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.publication.setMinimumContentsLength(16)
        self.publication.activated.connect(lambda _i: self._save_details())
        self.add_button = QPushButton("Datei hinzufügen…")
        self.add_button.setToolTip("Fotos oder Dokumente wählen – oder Dateien auf diese Fläche ziehen")
        self.save_button = QPushButton("Speichern unter…")
        self.save_button.setToolTip("Eine Kopie der Datei in einem Ordner Ihrer Wahl speichern")
        self.delete_button = QPushButton("Löschen…")
        self.add_button.clicked.connect(self.add_dialog)
        self.save_button.clicked.connect(self.save_as)
        self.delete_button.clicked.connect(self.delete_current)
        self.notice = notice_label()
        self.error = ErrorLine()

        details = QHBoxLayout()
        details.addWidget(QLabel("Bildunterschrift:"))
        details.addWidget(self.caption, 3)
        details.addWidget(QLabel("Veröffentlichen:"))
        details.addWidget(self.publication, 2)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addLayout(details)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        self.show_owner()

    # -- data ---------------------------------------------------------------------------
    @property
    def files_dir(self) -> Path:
        return self.ctx.ws.files_dir

    def _read(self, attachment_id: int) -> bytes:
        with self.ctx.uow(read_only=True) as uow:
            return activities.read_attachment(uow, self.files_dir, attachment_id)

    def show_owner(self, *, activity_id: int | None = None, session_id: int | None = None) -> None:
        """Show the files of the activity or the session (neither: an empty, disabled panel)."""
        owner = {"activity_id": activity_id} if activity_id is not None else \
            {"session_id": session_id} if session_id is not None else {}
        if owner != self.owner:
            self.notice.hide()
            self.error.hide()
        self.owner = owner
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        keep_id = keep_id if keep_id is not None else self.current_id()
        rows: list[AttachmentDto] = []
        if self.owner:
            with self.ctx.uow(read_only=True) as uow:
                rows = activities.list_attachments(uow, **self.owner)
        self.model.set_rows(rows)
        enabled = bool(self.owner)
        for w in (self.view, self.add_button):
            w.setEnabled(enabled)
        self.setAcceptDrops(enabled)
        if not enabled:
            self.heading.setText(f"<i>Erst einen {self.what} wählen.</i>" if self.what == "Termin"
                                 else f"<i>Erst eine {self.what} wählen.</i>")
        elif rows:
            self.heading.setText(f"{len(rows)} {'Datei' if len(rows) == 1 else 'Dateien'} – weitere Fotos oder "
                                 "Dokumente hierher ziehen oder „Datei hinzufügen…“.")
        else:
            self.heading.setText("Noch keine Fotos oder Dokumente. Dateien hierher ziehen oder „Datei hinzufügen…“.")
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
        self._selected()

    def current(self) -> AttachmentDto | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def current_id(self) -> int | None:
        a = self.current()
        return a.id if a else None

    def _selected(self) -> None:
        a = self.current()
        for w in (self.caption, self.publication, self.save_button, self.delete_button):
            w.setEnabled(a is not None)
        self.caption.blockSignals(True)
        self.caption.setText(a.description or "" if a else "")
        self.caption.blockSignals(False)
        set_combo_data(self.publication, a.publication if a else Publication.UNCLEAR.value)

    # -- adding -------------------------------------------------------------------------
    def add_dialog(self) -> None:
        if not self.owner:
            return
        paths = ask_files(self, "Fotos oder Dokumente hinzufügen")
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[Path]) -> int:
        """Copy each file into the data folder for the current owner; returns how many were
        added. Files refused (too big, gone, a folder) are named under the thumbnails."""
        if not self.owner:
            return 0
        added: list[AttachmentDto] = []
        problems: list[str] = []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                if path.is_dir():
                    problems.append(f"„{path.name}“ ist ein Ordner – bitte die Dateien darin wählen.")
                    continue
                try:
                    with self.ctx.uow() as uow:
                        added.append(activities.add_attachment(
                            uow, self.files_dir, path, activity_id=self.owner.get("activity_id"),
                            session_id=self.owner.get("session_id")))
                except ValidationError as exc:
                    problems.append(f"„{path.name}“: " + " ".join(exc.errors.values()))
                except OSError:
                    problems.append(f"„{path.name}“ ließ sich nicht lesen.")
        finally:
            QApplication.restoreOverrideCursor()
        if added:
            self.ctx.notify("activities")
            self.reload(keep_id=added[-1].id)
            self.notice.setText(f"{len(added)} {'Datei' if len(added) == 1 else 'Dateien'} hinzugefügt "
                                "(in den Datenordner kopiert).")
            self.notice.show()
            self.changed.emit()
        if problems:
            self.error.say(" ".join(problems))
        else:
            self.error.hide()
        return len(added)

    @staticmethod
    def _local_files(mime) -> list[Path]:
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def _drag_event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self.owner and self._local_files(event.mimeData()):
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            paths = self._local_files(event.mimeData())
            if self.owner and paths:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                self.add_files(paths)
            else:
                event.ignore()
            return True
        return False

    def eventFilter(self, obj, event) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return self._drag_event(event)
        return super().eventFilter(obj, event)

    def dragEnterEvent(self, event) -> None:
        self._drag_event(event)

    def dragMoveEvent(self, event) -> None:
        self._drag_event(event)

    def dropEvent(self, event) -> None:
        self._drag_event(event)

    # -- changing, saving, deleting -----------------------------------------------------
    def _save_details(self) -> None:
        a = self.current()
        if a is None:
            return
        caption = self.caption.text().strip() or None
        publication = self.publication.currentData()
        if (caption, publication) == (a.description, a.publication):
            return
        try:
            with self.ctx.uow() as uow:
                dto = activities.update_attachment(uow, a.id, description=caption, publication=publication)
        except ValidationError as exc:
            self.error.say(" ".join(exc.errors.values()))
            return
        except NotFound:
            self.reload()
            return
        self.error.hide()
        self.model.replace(dto)
        self.ctx.notify("activities")
        self.changed.emit()

    def save_as(self) -> Path | None:
        a = self.current()
        if a is None:
            return None
        target = ask_save_path(self, "Kopie der Datei speichern", a.file_name)
        if target is None:
            return None
        try:
            with self.ctx.uow(read_only=True) as uow:
                out = activities.export_attachment(uow, self.files_dir, a.id, target)
        except OSError:
            self.error.say(f"Die Datei konnte nicht nach {target} geschrieben werden.")
            return None
        self.error.hide()
        self.notice.setText(f"Gespeichert: {out}")
        self.notice.show()
        return out

    def delete_current(self) -> None:
        a = self.current()
        if a is None:
            return
        name = f"„{a.description}“ ({a.file_name})" if a.description else f"„{a.file_name}“"
        if not self.confirm_delete(self, f"{name} endgültig löschen?\n\nDie Datei wird auch aus dem "
                                   "Datenordner entfernt."):
            return
        with self.ctx.uow() as uow:
            activities.delete_attachment(uow, self.files_dir, a.id)
        self.ctx.notify("activities")
        self.notice.setText(f"{a.file_name} gelöscht.")
        self.notice.show()
        self.reload()
        self.changed.emit()

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Datei löschen?", text, "Löschen")

    def _menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            self.view.setCurrentIndex(index)
            menu.addAction("Speichern unter…", self.save_as)
            menu.addAction("Bildunterschrift bearbeiten", self._edit_caption)
            menu.addSeparator()
            menu.addAction("Löschen…", self.delete_current)
            menu.addSeparator()
        menu.addAction("Datei hinzufügen…", self.add_dialog).setEnabled(bool(self.owner))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _edit_caption(self) -> None:
        self.caption.setFocus()
        self.caption.selectAll()

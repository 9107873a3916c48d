"""Hilfe → Handbuch (F1): the handbook in a window of its own, beside her work.

Left: a search field and the table of contents (chapters and their sections; while she
searches, each with the number of matches). Right: the whole handbook in one QTextBrowser,
with its screenshots fitted to the width. The search finds what she types the way the
handbook's own search does (``kuemmerer.handbook.search_pattern``: "schlussel" finds
"Schlüssel"): every match is marked, the current one selected; Enter and ▶ go to the next,
◀ to the previous, across chapters. Nothing found says so. Offline: only the packaged text
and pictures are shown, links lead only within the handbook.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt, QTimer, QUrl, QUrlQuery
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kuemmerer import handbook

from .printing import save_pdf

ANCHOR_ROLE = Qt.ItemDataRole.UserRole
MATCH_COLOR = QColor("#ffe680")
CURRENT_COLOR = QColor("#ff9f40")
NOT_FOUND_STYLE = "color: #b00020;"
PDF_NAME = "Kuemmerer-Handbuch.pdf"


class HandbookBrowser(QTextBrowser):
    """Shows only the handbook's own pictures, each scaled smoothly to the width the window
    gives it (``name?w=740``; Qt's own scaling of a large picture is coarse)."""

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return super().loadResource(kind, url)
        url = QUrl(url)
        name = url.path().rsplit("/", 1)[-1]
        path = handbook.image_path(name)
        if not name or path.parent != handbook.IMAGE_DIR or not path.is_file():
            return None
        image = QImage(str(path))
        wanted = QUrlQuery(url).queryItemValue("w")
        if wanted.isdigit() and 0 < int(wanted) < image.width():
            ratio = max(self.devicePixelRatioF(), 1.0)
            image = image.scaledToWidth(round(int(wanted) * ratio), Qt.TransformationMode.SmoothTransformation)
            image.setDevicePixelRatio(ratio)
        return image


class HandbookWindow(QWidget):
    """The handbook; non-modal, one per parent window (``show_handbook`` reuses it)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(handbook.TITLE)
        self.setObjectName("handbook")
        self.matches: list[QTextCursor] = []
        self.current = -1
        self._query = ""
        self._anchor_positions: list[tuple[int, str]] = []  # document position, anchor; in reading order
        self.pdf_job: object | None = None
        self.saved_pdf: Path | None = None  # where "Als PDF speichern…" last put it
        self._chapters_hit = 0

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.run_search)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Im Handbuch suchen …")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Im Handbuch suchen")
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._enter)
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Voriger Treffer")
        self.previous_button.setAccessibleName("Voriger Treffer")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Nächster Treffer (Enter im Suchfeld)")
        self.next_button.setAccessibleName("Nächster Treffer")
        self.next_button.clicked.connect(lambda: self.step(1))
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(34)
            button.setAutoDefault(False)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.toc = QTreeWidget()
        self.toc.setHeaderHidden(True)
        self.toc.setRootIsDecorated(True)
        self.toc.setAccessibleName("Inhalt")
        self.toc.itemClicked.connect(self._toc_clicked)
        self.toc.itemActivated.connect(self._toc_clicked)
        self.chapter_items: dict[str, QTreeWidgetItem] = {}
        self.section_items: dict[str, QTreeWidgetItem] = {}
        for chapter in handbook.chapters():
            item = QTreeWidgetItem([chapter.title])
            item.setData(0, ANCHOR_ROLE, chapter.id)
            item.setToolTip(0, chapter.title)
            self.chapter_items[chapter.id] = item
            for section in chapter.sections:
                title = handbook.plain(section.text)
                child = QTreeWidgetItem([title])
                child.setData(0, ANCHOR_ROLE, section.anchor)
                child.setToolTip(0, title)
                item.addChild(child)
                self.section_items[section.anchor] = child
            self.toc.addTopLevelItem(item)
        self.pdf_button = QPushButton("Als PDF speichern…")
        self.pdf_button.setToolTip("Das ganze Handbuch als PDF, zum Ausdrucken")
        self.pdf_button.clicked.connect(self.save_as_pdf)

        self.browser = HandbookBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)  # only anchors within the handbook (_link)
        self.browser.anchorClicked.connect(self._link)
        self.browser.document().setDocumentMargin(14)
        self.browser.setHtml(handbook.html(image_width=None))
        self.browser.setAccessibleName("Handbuch")
        self.browser.verticalScrollBar().valueChanged.connect(self._follow_scroll)
        self._collect_anchors()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.previous_button)
        search_row.addWidget(self.next_button)
        left_layout.addLayout(search_row)
        left_layout.addWidget(self.status)
        left_layout.addWidget(self.toc, 1)
        left_layout.addWidget(self.pdf_button)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.browser)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([310, 790])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_search)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(60)
        self._fit_timer.timeout.connect(self.fit_images)
        self._update_buttons()
        self.fit_to_screen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the handbook (from the search field as well as from the text)."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    # -- size ----------------------------------------------------------------------------------
    def fit_to_screen(self) -> None:
        """1100×700, or less on a smaller screen (her laptop: 1366×768 with a task bar)."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = 1100, 700
        if area is not None:
            width = min(width, area.width() - 40)
            height = min(height, area.height() - 60)
        self.resize(max(width, 640), max(height, 420))
        self.setMinimumSize(600, 400)
        owner = self.parentWidget()
        if area is not None and owner is not None:  # over the middle of her window, within the screen
            frame = self.frameGeometry()
            frame.moveCenter(owner.window().frameGeometry().center())
            x = min(max(frame.left(), area.left()), area.right() - frame.width() + 1)
            y = min(max(frame.top(), area.top()), area.bottom() - frame.height() + 1)
            self.move(max(x, area.left()), max(y, area.top()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def fit_images(self) -> None:
        """Every screenshot at its own size, or as wide as the text area if that is narrower."""
        doc = self.browser.document()
        room = self.browser.viewport().width() - 2 * int(doc.documentMargin()) - 8
        room = max(room, 160)
        edits: list[tuple[int, int, QTextCharFormat]] = []
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    file = QUrl(image.name()).path()
                    natural_w, natural_h = handbook.image_size(file)
                    width = min(natural_w, room)
                    if abs(image.width() - width) > 0.5:
                        image.setName(file if width == natural_w else f"{file}?w={width}")
                        image.setWidth(width)
                        image.setHeight(natural_h * width / natural_w)
                        edits.append((fragment.position(), fragment.length(), image))
                it += 1
            block = block.next()
        if not edits:
            return
        top = self._anchor_at_top()
        cursor = QTextCursor(doc)
        for position, length, fmt in edits:
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(fmt)
        if self.current >= 0:
            self._show_current()
        elif top:
            self.browser.scrollToAnchor(top)

    # -- contents --------------------------------------------------------------------------------
    def _collect_anchors(self) -> None:
        doc = self.browser.document()
        found: list[tuple[int, str]] = []
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                found += [(fragment.position(), name) for name in fragment.charFormat().anchorNames()]
                it += 1
            block = block.next()
        self._anchor_positions = found

    def _anchor_at_top(self) -> str | None:
        """The last chapter or section that begins above the top of the view."""
        doc = self.browser.document()
        layout = doc.documentLayout()
        top = self.browser.verticalScrollBar().value() + 24
        current = None
        for position, name in self._anchor_positions:
            if layout.blockBoundingRect(doc.findBlock(position)).top() > top:
                break
            current = name
        return current

    def _follow_scroll(self, _value: int) -> None:
        name = self._anchor_at_top()
        item = self.section_items.get(name or "") or self.chapter_items.get(name or "")
        if item is not None and item is not self.toc.currentItem():
            self.toc.blockSignals(True)
            self.toc.setCurrentItem(item)
            self.toc.blockSignals(False)

    def _toc_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.go_to(item.data(0, ANCHOR_ROLE))

    def _link(self, url: QUrl) -> None:
        if url.fragment():
            self.go_to(url.fragment())

    def go_to(self, topic: str | None) -> bool:
        """Show a chapter or section (its anchor, or a section of the main window such as
        "Vermittlungen"); False if there is none by that name (the view stays)."""
        if not topic:
            return False
        anchor = topic if topic in handbook.anchors() else handbook.topic_for_section(topic)
        if anchor is None:
            return False
        self.browser.scrollToAnchor(anchor)
        item = self.section_items.get(anchor) or self.chapter_items.get(anchor)
        if item is not None:
            self.toc.setCurrentItem(item)
            self.toc.scrollToItem(item)
        return True

    # -- search ----------------------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _enter(self) -> None:
        if self.search.text() != self._query or self._debounce.isActive():
            self._debounce.stop()
            self.run_search()
        else:
            self.step(1)

    def run_search(self) -> None:
        """Mark every match of the search field's text and go to the first one."""
        query = self.search.text()
        self._query = query
        self.matches = []
        self.current = -1
        pattern = handbook.search_pattern(query)
        if pattern is None:
            self.browser.setExtraSelections([])
            self.status.clear()
            self.status.setStyleSheet("")
            self._label_toc({})
            self._update_buttons()
            return
        rx = QRegularExpression(pattern, QRegularExpression.PatternOption.CaseInsensitiveOption
                                | QRegularExpression.PatternOption.UseUnicodePropertiesOption)
        doc = self.browser.document()
        cursor = doc.find(rx, 0)
        while not cursor.isNull():
            if cursor.hasSelection():
                self.matches.append(cursor)
            else:  # an empty match cannot happen with our patterns; never loop on one
                break
            cursor = doc.find(rx, cursor)
        hits = handbook.search(query)
        counts: dict[str, int] = {}
        for hit in hits:
            counts[hit.chapter_id] = counts.get(hit.chapter_id, 0) + hit.count
            if hit.anchor != hit.chapter_id:
                counts[hit.anchor] = counts.get(hit.anchor, 0) + hit.count
        self._label_toc(counts)
        self._chapters_hit = len({hit.chapter_id for hit in hits})
        if not self.matches:
            self.status.setText(f"Nichts gefunden für „{query.strip()}“.")
            self.status.setStyleSheet(NOT_FOUND_STYLE)
            self.browser.setExtraSelections([])
            self._update_buttons()
            return
        self.status.setStyleSheet("")
        self.current = 0
        self._show_current()

    def step(self, direction: int) -> None:
        """The next (1) or previous (-1) match, around the end."""
        if not self.matches:
            return
        self.current = (self.current + direction) % len(self.matches)
        self._show_current()

    def _show_current(self) -> None:
        selections = []
        for i, match in enumerate(self.matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = match
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT_COLOR if i == self.current else MATCH_COLOR)
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)
        here = QTextCursor(self.matches[self.current])
        here.setPosition(here.selectionStart())
        self.browser.setTextCursor(here)
        # the match a third of the way down, with what leads up to it above (not at the very edge)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + self.browser.cursorRect().top() - self.browser.viewport().height() // 3)
        total = len(self.matches)
        chapters = self._chapters_hit
        self.status.setText(f"Treffer {self.current + 1} von {total}"
                            + (f" in {chapters} Kapiteln" if chapters > 1 else "")
                            + " – Enter: nächster")
        self._update_buttons()

    def _label_toc(self, counts: dict[str, int]) -> None:
        """Chapters and sections with the number of matches in them; those without are grey
        while a search is on."""
        searching = bool(self._query.strip())
        grey = self.palette().color(self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text)
        for anchor, item in [*self.chapter_items.items(), *self.section_items.items()]:
            title = item.toolTip(0)
            n = counts.get(anchor, 0)
            item.setText(0, f"{title} ({n})" if n else title)
            item.setForeground(0, grey if searching and not n else self.palette().color(self.palette().ColorRole.Text))
        if searching:  # open the chapters with matches; after the search, the contents stay as they are
            for chapter_id, item in self.chapter_items.items():
                item.setExpanded(bool(counts.get(chapter_id)))

    def _update_buttons(self) -> None:
        several = len(self.matches) > 1
        self.previous_button.setEnabled(several)
        self.next_button.setEnabled(several)

    # -- PDF ---------------------------------------------------------------------------------------
    def save_as_pdf(self) -> None:
        """Als PDF speichern…: the handbook's PDF (made in the background), then where to put it."""
        from .errors import report_error
        from .tasks import run_in_background

        def make() -> bytes:
            from kuemmerer.exports.handbook_pdf import handbook_pdf

            return handbook_pdf()

        def done(pdf: bytes) -> None:
            self.pdf_job = None
            self.saved_pdf = save_pdf(self, pdf, PDF_NAME)

        def failed(exc: BaseException) -> None:
            self.pdf_job = None
            report_error(self, exc)

        self.pdf_job = run_in_background(self, "Das Handbuch wird als PDF gesetzt …", make, done, failed)


def show_handbook(parent: QWidget | None, topic: str | None = None) -> HandbookWindow:
    """Open the handbook beside ``parent`` (or bring the open one to the front) at ``topic``:
    a chapter or section anchor ("sicherungen", "notfallcode") or a section of the main
    window ("Vermittlungen"); unknown or None keeps the place she was reading."""
    window = parent.findChild(HandbookWindow, options=Qt.FindChildOption.FindDirectChildrenOnly) if parent else None
    if window is None:
        window = HandbookWindow(parent)
        if topic is None:
            window.go_to(handbook.chapters()[0].id)
    window.show()
    window.raise_()
    window.activateWindow()
    if topic:
        window.go_to(topic)
        QTimer.singleShot(0, window, lambda: window.go_to(topic))  # again after the first layout (images fitted)
    return window

"""Anliegen: Liste mit Filtern, Verlauf der Kontakte, Status und Wiedervorlage."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import RequestStatus
from kuemmerer.services import listing, person_view, persons, requests
from kuemmerer.services.dto import RequestDto
from kuemmerer.services.listing import RequestQuery

from ..context import AppContext
from ..dialogs.person import district_filter_items
from ..dialogs.referral import ReferralDialog
from ..dialogs.request import ContactActions, ContactDialog, RequestDialog, category_items
from ..formatting import date_de, multiline_html, number_de, relative_days
from ..models import Column
from ..widgets import DateField, ErrorLine, combo, notice_label, refill_combo
from .list_page import ListPage

STATUS_FILTERS = [("Offen (alle offenen)", "open"), *((s.label, s.value) for s in RequestStatus),
                  ("Abgeschlossen (erledigt/abgebrochen)", "closed"), ("Alle", None)]
FOLLOW_UP_FILTERS = [("Wiedervorlage: alle", None), ("fällig (bis heute)", "due"), ("überfällig", "overdue"),
                     ("in den nächsten 7 Tagen", "week"), ("mit Wiedervorlage", "any"), ("ohne Wiedervorlage", "none")]

REQUEST_COLUMNS = [
    Column("Begonnen", lambda r: date_de(r.opened_on), sort="opened_on"),
    Column("Person", lambda r: r.person_name, sort="person"),
    Column("Anliegen", lambda r: r.title, sort="title", tooltip=lambda r: r.title),
    Column("Thema", lambda r: r.category or "", sort="category"),
    Column("Status", lambda r: r.status_label, sort="status"),
    Column("Wiedervorlage", lambda r: date_de(r.follow_up_on), sort="follow_up_on",
           tooltip=lambda r: r.follow_up_note),
]


class RequestDetail(QWidget):
    changed = Signal()
    open_person = Signal(int)
    open_referral = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.request: RequestDto | None = None
        self.person_name = ""
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(lambda _l: self.request and self.open_person.emit(self.request.person_id))
        actions = QHBoxLayout()
        self.contact_button = QPushButton("Kontakt hinzufügen")
        self.edit_button = QPushButton("Bearbeiten")
        self.referral_button = QPushButton("Vermitteln…")
        self.referral_button.setToolTip("Zu diesem Anliegen an eine Beratungsstelle oder einen Partner vermitteln")
        actions.addWidget(self.contact_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.referral_button)
        actions.addStretch(1)
        status_box = QGroupBox("Status und Wiedervorlage")
        grid = QGridLayout(status_box)
        self.status = QComboBox()
        for s in RequestStatus:
            self.status.addItem(s.label, s.value)
        self.follow_up = DateField()
        self.follow_up_note = QLineEdit()
        self.follow_up_note.setPlaceholderText("was ist dann zu tun?")
        self.follow_up_button = QPushButton("Setzen")
        self.follow_up_clear = QPushButton("Entfernen")
        self.error = ErrorLine()
        grid.addWidget(QLabel("Status:"), 0, 0)
        grid.addWidget(self.status, 0, 1)
        grid.addWidget(QLabel("Wiedervorlage:"), 1, 0)
        grid.addWidget(self.follow_up, 1, 1)
        grid.addWidget(self.follow_up_button, 1, 2)
        grid.addWidget(QLabel("Was tun:"), 2, 0)
        grid.addWidget(self.follow_up_note, 2, 1)
        grid.addWidget(self.follow_up_clear, 2, 2)
        grid.addWidget(self.error, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.timeline = QTextBrowser()
        self.timeline.setOpenLinks(False)
        self.timeline.setToolTip("Auf das Datum klicken wählt einen Kontakt; Doppelklick oder Enter öffnet ihn.")
        self.timeline.anchorClicked.connect(self._anchor_clicked)
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._timeline_menu)
        self.timeline.installEventFilter(self)
        self.timeline.viewport().installEventFilter(self)
        self.timeline_rows: tuple = ()
        self.selected_contact: int | None = None
        self.contact_edit_button = QPushButton("Bearbeiten…")
        self.contact_move_button = QPushButton("Verschieben…")
        self.contact_move_button.setToolTip("Den Kontakt einer anderen Person zuordnen; er verlässt dieses Anliegen")
        self.contact_delete_button = QPushButton("Löschen…")
        self.contact_notice = notice_label()
        self.contact_actions = ContactActions(ctx, self, self.say_about_contacts)
        self.contact_edit_button.clicked.connect(lambda: self._contact_action(self.contact_actions.edit))
        self.contact_move_button.clicked.connect(lambda: self._contact_action(self.contact_actions.move))
        self.contact_delete_button.clicked.connect(lambda: self._contact_action(self.contact_actions.delete))
        contact_row = QHBoxLayout()
        contact_row.addWidget(QLabel("Gewählter Kontakt:"))
        for button in (self.contact_edit_button, self.contact_move_button, self.contact_delete_button):
            contact_row.addWidget(button)
        contact_row.addWidget(self.contact_notice, 1)
        contact_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addWidget(status_box)
        layout.addWidget(QLabel("<b>Verlauf</b>"))
        layout.addWidget(self.timeline, 1)
        layout.addLayout(contact_row)
        self.contact_button.clicked.connect(self.add_contact)
        self.edit_button.clicked.connect(self.edit)
        self.referral_button.clicked.connect(self.refer)
        # a status picked in the combo is written at once (errors on the red line), never lost silently
        self.status.activated.connect(lambda _i: self.apply_status())
        self.status.setToolTip("Wird beim Auswählen sofort gespeichert.")
        self.follow_up_button.clicked.connect(self.apply_follow_up)
        self.follow_up_clear.clicked.connect(self.clear_follow_up)
        self.show_request(None)

    def show_request(self, request_id: int | None) -> None:
        self.error.hide()
        widgets = (self.contact_button, self.edit_button, self.referral_button, self.status, self.follow_up,
                   self.follow_up_note, self.follow_up_button, self.follow_up_clear)
        if request_id is None:
            self.request = None
            self.header.setText("<i>Kein Anliegen ausgewählt.</i>")
            self.timeline.clear()
            self.timeline_rows = ()
            self.selected_contact = None
            self.say_about_contacts("")
            self._update_contact_buttons()
            for w in widgets:
                w.setEnabled(False)
            return
        if self.request is None or self.request.id != request_id:
            self.selected_contact = None
            self.say_about_contacts("")
        with self.ctx.uow(read_only=True) as uow:
            r = self.request = requests.get_request(uow, request_id)
            person = persons.get_person(uow, r.person_id)
            timeline = person_view.request_timeline(uow, request_id)
            category = next((c for c, i in category_items(self.ctx) if i == r.category_id), None) \
                if r.category_id else None
        for w in widgets:
            w.setEnabled(True)
        self.person_name = person.display_name
        status = RequestStatus(r.status)
        closed = f", abgeschlossen am {date_de(r.closed_on)}" if r.closed_on else ""
        self.header.setText(
            f"<h2 style='margin:0'>{escape(r.title)}</h2>"
            f"<a href='person'>{escape(person.full_name)}</a> · {escape(category or 'ohne Thema')} · "
            f"<b>{status.label}</b> · begonnen am {date_de(r.opened_on)}{closed}"
            + (f"<br>{multiline_html(r.description)}" if r.description else ""))
        self.status.setCurrentIndex(self.status.findData(r.status))
        self.follow_up.set_date(r.follow_up_on)
        self.follow_up_note.setText(r.follow_up_note or "")
        self.follow_up.setEnabled(not status.is_closed)
        self.follow_up_note.setEnabled(not status.is_closed)
        self.follow_up_button.setEnabled(not status.is_closed)
        self.follow_up_clear.setEnabled(r.follow_up_on is not None)
        self.timeline_rows = timeline
        if self.selected_contact not in {c.id for c in timeline}:
            self.selected_contact = None
        self._render_timeline()

    # -- the contacts of the timeline ----------------------------------------------------------
    def _render_timeline(self) -> None:
        today = self.ctx.today()
        items = []
        for c in self.timeline_rows:
            duration = f" · {c.duration_minutes} Min." if c.duration_minutes else ""
            note = escape(c.note or "").replace("\n", "<br>")
            style = " style='background-color:#dbe7f5'" if c.id == self.selected_contact else ""
            items.append(f"<p{style}><a href='contact:{c.id}'><b>{date_de(c.date)}</b></a> "
                         f"<span style='color:#555'>({relative_days(c.date, today)})"
                         f" · {escape(c.kind)}{duration}</span><br>{note or '<i>ohne Notiz</i>'}</p>")
        scroll = self.timeline.verticalScrollBar().value()
        self.timeline.setHtml("".join(items) or "<p><i>Noch keine Kontakte zu diesem Anliegen.</i></p>")
        self.timeline.verticalScrollBar().setValue(scroll)
        self._update_contact_buttons()

    def _update_contact_buttons(self) -> None:
        for button in (self.contact_edit_button, self.contact_move_button, self.contact_delete_button):
            button.setEnabled(self.selected_contact is not None)

    def select_contact(self, contact_id: int | None) -> None:
        if contact_id != self.selected_contact:
            self.selected_contact = contact_id
            self._render_timeline()

    @staticmethod
    def _contact_of(href: str) -> int | None:
        return int(href.split(":", 1)[1]) if href.startswith("contact:") else None

    def _anchor_clicked(self, url: QUrl) -> None:
        ident = self._contact_of(url.toString())
        if ident is not None:
            self.select_contact(ident)

    def _contact_action(self, action) -> None:
        if self.selected_contact is not None:
            action(self.selected_contact)

    def say_about_contacts(self, text: str) -> None:
        self.contact_notice.setText(text)
        self.contact_notice.setVisible(bool(text))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.timeline.viewport() and isinstance(event, QMouseEvent) \
                and event.type() == QEvent.Type.MouseButtonDblClick:
            ident = self._contact_of(self.timeline.anchorAt(event.position().toPoint()))
            if ident is not None:
                self.select_contact(ident)
                self.contact_actions.edit(ident)
                return True
        if obj is self.timeline and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            ident = self._contact_of(self.timeline.textCursor().charFormat().anchorHref()) or self.selected_contact
            if ident is not None:
                self.select_contact(ident)
                self.contact_actions.edit(ident)
                return True
        if obj is self.timeline and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Delete and self.selected_contact is not None:
            self.contact_actions.delete(self.selected_contact)
            return True
        return super().eventFilter(obj, event)

    def _timeline_menu(self, pos) -> None:
        ident = self._contact_of(self.timeline.anchorAt(pos))
        if ident is None:
            ident = self.selected_contact
        if ident is None:
            return
        self.select_contact(ident)
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", lambda: self.contact_actions.edit(ident))
        menu.addAction("Verschieben…", lambda: self.contact_actions.move(ident))
        menu.addSeparator()
        menu.addAction("Löschen…", lambda: self.contact_actions.delete(ident))
        menu.exec(self.timeline.viewport().mapToGlobal(pos))

    def _run(self, action) -> None:
        self.error.run(self.ctx, action, "requests")

    def apply_status(self) -> None:
        if self.request:
            self._run(lambda uow: requests.set_status(uow, self.request.id, self.status.currentData()))

    def apply_follow_up(self) -> None:
        if self.request:
            day, note = self.follow_up.text(), self.follow_up_note.text()
            if not day:
                self.error.say("Bitte ein Datum für die Wiedervorlage eingeben.")
                return
            self._run(lambda uow: requests.set_follow_up(uow, self.request.id, day, note))

    def clear_follow_up(self) -> None:
        if self.request:
            self._run(lambda uow: requests.set_follow_up(uow, self.request.id, None))

    def add_contact(self) -> None:
        if self.request:
            ContactDialog(self.ctx, self.request.person_id, self.person_name, request_id=self.request.id,
                          request_title=self.request.title, parent=self).exec()

    def refer(self) -> None:
        if self.request:
            dialog = ReferralDialog(self.ctx, self.request.person_id, self.person_name, request_id=self.request.id,
                                    parent=self)
            if dialog.exec() and dialog.saved:
                self.open_referral.emit(dialog.saved.id)

    def edit(self) -> None:
        if self.request:
            RequestDialog(self.ctx, self.request.person_id, self.person_name, self.request, parent=self).exec()


class RequestsPage(ListPage):
    EXPORT_KIND = "requests"
    open_person = Signal(int)
    open_referral = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, REQUEST_COLUMNS, placeholder="Suchen: Anliegen oder Name", stretch=2, parent=parent)
        self.query = RequestQuery()
        self.status = combo(STATUS_FILTERS)
        self.category = QComboBox()
        self.district = QComboBox()
        self.follow_up = combo(FOLLOW_UP_FILTERS)
        self._fill_lists()
        self.search.setMinimumWidth(180)
        for w in (self.status, self.category, self.district, self.follow_up):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(10)
            w.currentIndexChanged.connect(lambda _i: self._apply_filter())
        for col, width in ((0, 82), (1, 150), (3, 115), (4, 105), (5, 95)):
            self.view.setColumnWidth(col, width)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.detail = RequestDetail(ctx)
        self.view.activated.connect(lambda _i: self.detail.edit())
        self.detail.open_person.connect(self.open_person.emit)
        self.detail.open_referral.connect(self.open_referral.emit)
        self.finish_layout([(self.search, 2), (self.status, 0), (self.category, 0), (self.district, 0),
                            (self.follow_up, 0), (self.count_label, 0), (self.export_button, 0)],
                           self.detail, (720, 400), 0, Qt.SortOrder.DescendingOrder)

    def _fill_lists(self) -> None:
        refill_combo(self.category, [("Alle Themen", None), *category_items(self.ctx)[1:]])
        refill_combo(self.district, district_filter_items(self.ctx))

    def _count(self) -> int:
        with self.ctx.uow(read_only=True) as uow:
            return listing.count_requests(uow, self.query, self.ctx.today())

    def _fetch(self, after, limit: int) -> list:
        with self.ctx.uow(read_only=True) as uow:
            return listing.request_page_after(uow, self.query, after, limit, self.ctx.today())

    def _sort(self, key: str, descending: bool) -> None:
        q = self.query
        self.query = RequestQuery(q.search, q.status, q.category_id, q.district_id, q.follow_up, key, descending)

    def _apply_filter(self) -> None:
        q = self.query
        self.query = RequestQuery(self.search.text().strip(), self.status.currentData(), self.category.currentData(),
                                  self.district.currentData(), self.follow_up.currentData(), q.sort, q.descending)
        self.reload()

    def count_text(self, n: int) -> str:
        return f"{number_de(n)} Anliegen"

    def show_detail(self, ident: int | None) -> None:
        self.detail.show_request(ident)

    def set_filters(self, *, status: str | None = "open", follow_up: str | None = None) -> None:
        for box, value in ((self.status, status), (self.follow_up, follow_up)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self._apply_filter()

    def _data_changed(self, what: str) -> None:
        if what in ("all", "categories", "districts"):
            self._fill_lists()
        self.reload()

    def show_request(self, request_id: int) -> None:
        def clear_filters() -> None:
            for box in (self.status, self.category, self.district, self.follow_up):
                box.blockSignals(True)
            self.status.setCurrentIndex(self.status.findData(None))
            for box in (self.category, self.district, self.follow_up):
                box.setCurrentIndex(0)
            for box in (self.status, self.category, self.district, self.follow_up):
                box.blockSignals(False)
            q = self.query
            self.query = RequestQuery(status=None, sort=q.sort, descending=q.descending)

        self.reveal(request_id, clear_filters)

    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return

        def open_person() -> None:
            if self.detail.request:
                self.open_person.emit(self.detail.request.person_id)

        menu = QMenu(self)
        menu.addAction("Kontakt hinzufügen…", self.detail.add_contact)
        menu.addAction("Bearbeiten…", self.detail.edit)
        menu.addAction("Vermitteln…", self.detail.refer)
        menu.addAction("Person öffnen", open_person)
        menu.addSeparator()
        menu.addAction("Liste exportieren…", self.export)
        menu.exec(self.view.viewport().mapToGlobal(pos))


"""Partner: Verzeichnis der Kooperationspartner mit Angeboten, Öffnungszeiten und den
Vermittlungen an sie."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kuemmerer.domain.enums import OrganisationKind
from kuemmerer.domain.errors import InUse, NotFound
from kuemmerer.domain.rules import opening_hours_lines, postal_address
from kuemmerer.services import listing, lists, partners
from kuemmerer.services.dto import OrganisationDto

from ..context import AppContext
from ..dialogs.organisation import OrganisationDialog
from ..formatting import EMPTY, date_de, number_de
from ..models import ID_ROLE, Column, RowsModel, german_collator
from ..widgets import confirm, refill_combo
from .tables import table_view

RELOAD_ON = ("organisations", "services", "referrals", "persons", "all")
INACTIVE = "(nicht mehr aktiv)"
MAX_REFERRALS = 500

PARTNER_COLUMNS = [
    Column("Name", lambda r: r.name if r.active else f"{r.name} {INACTIVE}", tooltip=lambda r: r.name),
    Column("Art", lambda r: r.kind_label),
    Column("Angebote", lambda r: ", ".join(r.services), tooltip=lambda r: "\n".join(r.services) or None),
    Column("Ort", lambda r: r.city or ""),
    Column("Telefon", lambda r: r.phone or ""),
    Column("Vermittlungen", lambda r: str(r.referrals) if r.referrals else "", align_right=True,
           sort_value=lambda r: r.referrals),
]

REFERRAL_COLUMNS = [
    Column("Datum", lambda r: date_de(r.referred_on), sort_value=lambda r: r.referred_on),
    Column("Person", lambda r: r.person_name, tooltip=lambda r: r.person_name),
    Column("Angebot", lambda r: r.service, tooltip=lambda r: r.service),
    Column("Stand", lambda r: r.state_label, tooltip=lambda r: r.state_label),
]


class ColumnFitter(QObject):
    """Shares a table's width: ``fixed`` columns keep their width, the ``flexible`` ones split
    the rest by weight (never below their minimum) — until she drags a column border herself."""

    def __init__(self, view: QTableView, fixed: dict[int, int], flexible: dict[int, tuple[float, int]]):
        super().__init__(view)
        self.view, self.fixed, self.flexible = view, fixed, flexible
        self.auto = True
        self._busy = False
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._resized)
        self.fit()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize and self.auto:
            self.fit()
        return False

    def fit(self) -> None:
        self._busy = True
        try:
            for col, width in self.fixed.items():
                self.view.setColumnWidth(col, width)
            rest = max(0, self.view.viewport().width() - sum(self.fixed.values()))
            widths = {col: max(minimum, int(rest * weight)) for col, (weight, minimum) in self.flexible.items()}
            first = next(iter(widths))
            widths[first] += max(0, rest - sum(widths.values()))  # rounding: to the first one
            for col, width in widths.items():
                self.view.setColumnWidth(col, width)
        finally:
            self._busy = False

    def _resized(self, *_args) -> None:
        if not self._busy:
            self.auto = False


class PartnerModel(RowsModel):
    """The directory rows; partners no longer active are shown in grey."""

    INACTIVE_BRUSH = QBrush(QColor("#777777"))

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and not row.active and 0 <= index.column() < len(self.columns):
                return self.INACTIVE_BRUSH
            return None
        return super().data(index, role)


def _href(url: str) -> str:
    return url if "://" in url else f"https://{url}"


def _multiline(text: str | None) -> str:
    return escape(text).replace("\n", "<br>") if text else EMPTY


class PartnerDetail(QWidget):
    """Everything about one partner: contact, offers, hours, and who was referred there."""

    edit_requested = Signal()
    delete_requested = Signal()
    open_referral = Signal(int)
    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.organisation: OrganisationDto | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Bearbeiten…")
        self.delete_button = QPushButton("Löschen…")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        self.delete_button.clicked.connect(self.delete_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.info = QTextBrowser()
        self.info.setOpenExternalLinks(True)
        self.info.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.info.viewport().setAutoFillBackground(False)
        self.referrals_label = QLabel()
        self.referrals_model = RowsModel(REFERRAL_COLUMNS, parent=self)
        self.referrals_view = table_view(self.referrals_model, stretch=len(REFERRAL_COLUMNS))
        self.referrals_view.setSortingEnabled(True)
        self.referrals_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.referral_columns = ColumnFitter(self.referrals_view, {0: 82},
                                             {1: (0.36, 90), 2: (0.30, 80), 3: (0.34, 90)})
        self.referrals_view.activated.connect(self._open_referral)
        self.referrals_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.referrals_view.customContextMenuRequested.connect(self._referral_menu)
        self.referrals_view.setToolTip("Doppelklick oder Eingabetaste öffnet die Vermittlung")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.referrals_label)
        lower_layout.addWidget(self.referrals_view, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.info)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self.show_organisation(None)

    def show_organisation(self, org_id: int | None) -> None:
        o = None
        if org_id is not None:
            try:
                with self.ctx.uow(read_only=True) as uow:
                    o = partners.get_organisation(uow, org_id)
                    names = {s.id: s.name for s in lists.list_services(uow)}
                    referrals = listing.referral_page(
                        uow, listing.ReferralQuery(organisation_id=org_id, state=None), 0, MAX_REFERRALS,
                        self.ctx.today())
            except NotFound:
                o = None
        self.organisation = o
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(o is not None)
        self.referrals_view.setEnabled(o is not None)
        if o is None:
            self.header.setText("<i>Kein Partner ausgewählt.</i>")
            self.info.clear()
            self.referrals_label.setText("<b>Vermittlungen an diesen Partner</b>")
            self.referrals_model.set_rows([])
            return
        kind = OrganisationKind(o.kind).label if o.kind in OrganisationKind.values() else o.kind
        state = "" if o.active else " · <b style='color:#b00020'>nicht mehr aktiv</b>"
        self.header.setText(f"<h2 style='margin:0'>{escape(o.name)}</h2>{escape(kind)}{state}")
        collator = german_collator()
        offered = sorted((names[i] for i in o.service_ids if i in names), key=collator.sortKey)
        self.info.setHtml(self._info_html(o, offered))
        self.referrals_model.set_rows(referrals)
        header = self.referrals_view.horizontalHeader()
        self.referrals_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        count = len(referrals)
        shown = f"{number_de(count)}" if count < MAX_REFERRALS else f"die letzten {MAX_REFERRALS}"
        self.referrals_label.setText(f"<b>Vermittlungen an diesen Partner</b> ({shown})")

    @staticmethod
    def _info_html(o: OrganisationDto, services: list[str]) -> str:
        address = postal_address(o.street, o.postcode, o.city)
        email = f"<a href='mailto:{escape(o.email)}'>{escape(o.email)}</a>" if o.email else EMPTY
        website = (f"<a href='{escape(_href(o.website))}'>{escape(o.website)}</a>" if o.website else EMPTY)
        hours = [escape(line) for line in opening_hours_lines(o.weekly_hours)]
        if o.opening_hours:
            hours.append(_multiline(o.opening_hours))
        rows = (
            ("Angebote", escape(", ".join(services)) if services else EMPTY),
            ("Ansprechperson", escape(o.contact_person) if o.contact_person else EMPTY),
            ("Anschrift", escape(address) if address else EMPTY),
            ("Telefon", escape(o.phone) if o.phone else EMPTY),
            ("E-Mail", email),
            ("Website", website),
            ("Öffnungszeiten", "<br>".join(hours) if hours else EMPTY),
            ("Mitzubringen", _multiline(o.what_to_bring)),
            ("Sprachen", escape(o.languages) if o.languages else EMPTY),
            ("Notizen", _multiline(o.notes)),
        )
        cells = "".join(f"<tr><td style='color:#555; padding-right:10px' valign='top'>{label}:</td>"
                        f"<td valign='top'>{value}</td></tr>" for label, value in rows)
        return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"

    def _referral_at(self, index: QModelIndex):
        return self.referrals_model.row_at(index.row()) if index.isValid() else None

    def _open_referral(self, index: QModelIndex) -> None:
        row = self._referral_at(index)
        if row is not None:
            self.open_referral.emit(row.id)

    def _referral_menu(self, pos) -> None:
        row = self._referral_at(self.referrals_view.indexAt(pos))
        if row is None:
            return
        menu = QMenu(self)
        menu.addAction("Vermittlung öffnen", lambda: self.open_referral.emit(row.id))
        menu.addAction("Person öffnen", lambda: self.open_person.emit(row.person_id))
        menu.exec(self.referrals_view.viewport().mapToGlobal(pos))


class PartnersPage(QWidget):
    """The partner directory: search by name or offer, filter by service, details at the right."""

    open_referral = Signal(int)
    open_person = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText("Suchen: Name oder Angebot (z. B. „Schulden“)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.service = QComboBox()
        self.service.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.service.setMinimumContentsLength(16)
        self.service.setToolTip("Nur Partner mit diesem Angebot")
        self.inactive = QCheckBox("auch nicht mehr aktive")
        self.count_label = QLabel()
        self.new_button = QPushButton("Neuer Partner")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.setToolTip("Neuen Partner anlegen (Strg+Umschalt+N)")
        self.export_button = QPushButton("Exportieren…")
        self.export_button.setToolTip("Die Liste, so wie sie gefiltert und sortiert ist, als Excel-Datei speichern")

        self.model = PartnerModel(PARTNER_COLUMNS, parent=self)
        self.view = table_view(self.model, stretch=len(PARTNER_COLUMNS))
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setMinimumSectionSize(50)
        count_width = header.fontMetrics().horizontalAdvance(PARTNER_COLUMNS[5].title) + 20
        self.columns = ColumnFitter(self.view, {1: 112, 3: 78, 4: 102, 5: count_width},
                                    {0: (0.66, 160), 2: (0.34, 80)})  # names elide, with the full one as tooltip
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_current(cur))
        self.view.activated.connect(lambda _i: self.edit_current())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        delete_action = QAction("Löschen", self.view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.delete_current)
        self.view.addAction(delete_action)

        self.detail = PartnerDetail(ctx)
        self.detail.edit_requested.connect(self.edit_current)
        self.detail.delete_requested.connect(self.delete_current)
        self.detail.open_referral.connect(self.open_referral.emit)
        self.detail.open_person.connect(self.open_person.emit)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.service, 1)
        bar.addWidget(self.inactive)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        bar.addWidget(self.export_button)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._shown: int | None = None
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(lambda: self.reload() if self.ctx.available else None)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.service.currentIndexChanged.connect(lambda _i: self.reload())
        self.inactive.toggled.connect(lambda _on: self.reload())
        self.new_button.clicked.connect(self.new_partner)
        self.export_button.clicked.connect(self.export)
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        ctx.changed.connect(self._data_changed)
        self._fill_services()
        self.reload()

    # -- data ---------------------------------------------------------------------------
    def _focus_search(self) -> None:
        """Ctrl+F: into the search field, with what is there selected."""
        self.search.setFocus()
        self.search.selectAll()

    def _fill_services(self) -> None:
        with self.ctx.uow(read_only=True) as uow:
            services = lists.list_services(uow, active_only=True)
        refill_combo(self.service, [("Alle Angebote", None), *((s.name, s.id) for s in services)])

    def reload(self, keep_id: int | None = None) -> None:
        """Re-read the directory with the filters; the selected partner stays selected."""
        self._debounce.stop()
        keep_id = keep_id if keep_id is not None else self.current_id()
        with self.ctx.uow(read_only=True) as uow:
            rows = partners.search_organisations(uow, self.search.text().strip(),
                                                 service_id=self.service.currentData(),
                                                 include_inactive=self.inactive.isChecked())
        self.model.set_rows(rows)
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.count_label.setText(f"{number_de(len(rows))} Partner")
        row = self.model.row_of_id(keep_id) if keep_id is not None else -1
        self._shown = None
        if row >= 0:
            self.view.selectRow(row)
            if self._shown != keep_id:  # selecting the same row again emits nothing
                self._on_current(self.model.index(row, 0))
        else:
            self.view.clearSelection()
            self._show_detail(None)

    def _data_changed(self, what: str) -> None:
        if what not in RELOAD_ON:
            return
        if what in ("services", "all"):
            self._fill_services()
        self.reload()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None

    def _on_current(self, index: QModelIndex) -> None:
        ident = self.model.data(self.model.index(index.row(), 0), ID_ROLE) if index.isValid() else None
        self._show_detail(ident)

    def _show_detail(self, ident: int | None) -> None:
        self._shown = ident
        self.detail.show_organisation(ident)

    def show_organisation(self, org_id: int) -> None:
        """Select the partner and show its detail; filters that hide it are cleared."""
        if self.model.row_of_id(org_id) < 0:
            for w in (self.search, self.service, self.inactive):
                w.blockSignals(True)
            self.search.clear()
            self.service.setCurrentIndex(0)
            with self.ctx.uow(read_only=True) as uow:
                try:
                    active = partners.get_organisation(uow, org_id).active
                except NotFound:
                    active = True
            if not active:
                self.inactive.setChecked(True)
            for w in (self.search, self.service, self.inactive):
                w.blockSignals(False)
            self.reload(keep_id=org_id)
        row = self.model.row_of_id(org_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
            if self._shown != org_id:
                self._on_current(self.model.index(row, 0))

    # -- actions ---------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.addAction("Bearbeiten…", self.edit_current)
        menu.addSeparator()
        menu.addAction("Löschen…", self.delete_current)
        menu.addSeparator()
        menu.addAction("Liste exportieren…", self.export)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def export(self) -> None:
        """„Exportieren…“: the directory as shown (search, offer, inactive ones, sort order)."""
        from kuemmerer.services.exports import PartnerQuery

        from .. import export_actions

        if self._debounce.isActive():  # a search typed a moment ago counts
            self.reload()
        header = self.view.horizontalHeader()
        query = PartnerQuery(self.search.text().strip(), self.service.currentData(), self.inactive.isChecked(),
                             header.sortIndicatorSection(), header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        export_actions.export_list(self, self.ctx, "partners", query)

    def new_partner(self) -> None:
        dialog = OrganisationDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_organisation(dialog.saved.id)

    def edit_current(self) -> None:
        o = self.detail.organisation
        if o is None:
            return
        dialog = OrganisationDialog(self.ctx, o, parent=self)
        if dialog.exec() and dialog.saved:
            self.show_organisation(dialog.saved.id)

    def delete_current(self) -> None:
        o = self.detail.organisation
        if o is None:
            return
        text = (f"Den Partner „{o.name}“ endgültig löschen?\n\n"
                "Partner, an die schon vermittelt wurde, lassen sich nicht löschen – "
                "sie werden stattdessen auf „nicht mehr aktiv“ gesetzt.")
        if not self.confirm_delete(self, text):
            return
        try:
            with self.ctx.uow() as uow:
                partners.delete_organisation(uow, o.id)
        except InUse as exc:
            if self.refuse_delete(self, str(exc), o.active):
                with self.ctx.uow() as uow:
                    partners.update_organisation(uow, o.id, active=False)
                self.ctx.notify("organisations")
                self.show_organisation(o.id)
            return
        self.ctx.notify("organisations")

    @classmethod
    def confirm_delete(cls, parent: QWidget, text: str) -> bool:
        return confirm(parent, "Partner löschen?", text, "Endgültig löschen")

    @classmethod
    def refuse_delete(cls, parent: QWidget, message: str, can_deactivate: bool) -> bool:
        """Say why deleting is refused; True = set the partner to „nicht mehr aktiv“ instead
        (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Partner kann nicht gelöscht werden", message,
                          parent=parent)
        deactivate = box.addButton("Auf „nicht mehr aktiv“ setzen", QMessageBox.ButtonRole.AcceptRole) \
            if can_deactivate else None
        close = box.addButton("Schließen", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(close)
        box.exec()
        return deactivate is not None and box.clickedButton() is deactivate

"""Netzwerk anlegen oder bearbeiten: Name, Art, Rhythmus, Beschreibung, aktiv."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QVBoxLayout, QWidget

from kuemmerer.domain.enums import NetworkKind
from kuemmerer.services import networks
from kuemmerer.services.dto import NetworkDto

from ..context import AppContext
from ..widgets import FieldForm, GuardedDialog, combo, set_combo_data, text_edit

KIND_ITEMS = [(k.label, k.value) for k in NetworkKind]


class NetworkDialog(GuardedDialog):
    """Neues Netzwerk (``network`` None) oder Netzwerk bearbeiten. ``saved``: the stored DTO."""

    def __init__(self, ctx: AppContext, network: NetworkDto | None = None, parent: QWidget | None = None):
        super().__init__(parent, "Netzwerk bearbeiten" if network else "Neues Netzwerk")
        self.ctx, self.network = ctx, network
        self.saved: NetworkDto | None = None
        f = self.form = FieldForm(self)
        self.name = f.add("name", "Name", QLineEdit(), required=True)
        self.name.setPlaceholderText("z. B. Stadtteilrunde Helbersdorf")
        self.name.setMaxLength(200)
        self.kind = f.add("kind", "Art", combo(KIND_ITEMS))
        self.rhythm = f.add("rhythm", "Rhythmus", QLineEdit())
        self.rhythm.setPlaceholderText("z. B. jeden 2. Dienstag im Monat, 9:30 Uhr")
        self.rhythm.setMaxLength(120)
        self.description = f.add("description", "Beschreibung", text_edit(height=90),
                                 hint="Wer dabei ist, worum es geht, Ansprechpersonen …")
        self.active = f.add("active", "Aktiv", QCheckBox("trifft sich noch"))
        self.active.setToolTip("Netzwerke, die sich nicht mehr treffen, bleiben mit ihren Sitzungen erhalten.")
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if network:
            self.name.setText(network.name)
            set_combo_data(self.kind, network.kind)
            self.rhythm.setText(network.rhythm or "")
            self.description.setPlainText(network.description or "")
            self.active.setChecked(network.active)
        else:
            set_combo_data(self.kind, NetworkKind.WORKING_GROUP.value)
            self.active.setChecked(True)
        self.watch(self.name, self.kind, self.rhythm, self.description, self.active)
        self.name.setFocus()

    def values(self) -> dict:
        return {"name": self.name.text(), "kind": self.kind.currentData(), "rhythm": self.rhythm.text(),
                "description": self.description.toPlainText(), "active": self.active.isChecked()}

    def save(self) -> bool:
        values = self.values()
        if self.network is None:
            ok, self.saved = self.form.submit(self.ctx, lambda uow: networks.create_network(uow, **values), "networks")
        else:
            ident = self.network.id
            ok, self.saved = self.form.submit(
                self.ctx, lambda uow: networks.update_network(uow, ident, **values), "networks")
        return ok

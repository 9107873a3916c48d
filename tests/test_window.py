"""The window as it stands after the foundation: opens on a database and shows real figures."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel

from kuemmerer.services import persons, requests

pytestmark = pytest.mark.gui


def test_main_window_shows_this_years_figures(qtbot, ws):
    with ws.uow() as uow:
        for name in ("Ärger", "Öztürk", "Nguyễn"):
            p = persons.create_person(uow, last_name=name)
            requests.create_contact(uow, person_id=p.id, date=dt.date.today())
    from kuemmerer.ui.main_window import MainWindow

    win = MainWindow(ws)
    qtbot.addWidget(win)
    assert str(ws.path) in " ".join(lbl.text() for lbl in win.findChildren(QLabel))
    box = win.findChild(QGroupBox)
    assert box.title() == f"Überblick {dt.date.today().year}"
    form = box.layout()
    assert isinstance(form, QFormLayout)
    rows = {form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text():
            form.itemAt(i, QFormLayout.ItemRole.FieldRole).widget().text() for i in range(form.rowCount())}
    assert rows["Teilnehmende (namentlich):"] == "3"
    assert rows["Kontakte:"] == "3"

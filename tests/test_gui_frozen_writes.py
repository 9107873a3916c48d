"""A write dated in a year whose figures are frozen asks first (issue 8.6): the request
and referral dialogs, like the quick capture, contact and tally dialogs (tested with them).
"No" writes nothing and keeps the dialog open; "Trotzdem speichern" writes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kuemmerer.services import lists, partners, persons, requests, statistics
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.referral import ReferralDialog
from kuemmerer.ui.dialogs.request import RequestDialog
from tests.gui_helpers import choose, de, type_text

pytestmark = pytest.mark.gui

FROZEN_DAY = dt.date(2024, 5, 6)


@pytest.fixture
def world(ws):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Nowak", first_name="Ewa")
        requests.create_contact(uow, person_id=p.id, date=FROZEN_DAY)
        debt = next(s.id for s in lists.list_services(uow) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(uow, name="Schuldnerberatung Nord", service_ids=[debt])
        assert statistics.freeze_past_years(uow, today=dt.date(2025, 1, 2)) == [2024]
        uow.commit()
    return {"person": p.id, "debt": debt, "org": org.id}


@pytest.fixture
def answers(monkeypatch):
    """Answers to the frozen-year question, in order; the titles asked are recorded."""
    state = {"answers": [], "asked": []}

    def confirm(parent, title, text, yes, no="Abbrechen"):
        state["asked"].append((title, text))
        return state["answers"].pop(0)

    monkeypatch.setattr("kuemmerer.ui.widgets.confirm", confirm)
    return state


def count(ws, table: str) -> int:
    from sqlalchemy import text

    with ws.uow(read_only=True) as u:
        return u.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def press_save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_a_request_backdated_into_a_frozen_year_asks_first(qtbot, ws, world, answers):
    dialog = RequestDialog(AppContext(ws), world["person"], "Nowak, Ewa")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.title_edit, "Nachtrag aus dem Aktenordner")
    dialog.opened_on.edit.setText(de(FROZEN_DAY))
    answers["answers"] = [False, True]
    press_save(dialog)
    assert [t for t, _ in answers["asked"]] == ["Eingefrorenes Jahr"]
    assert "2024" in answers["asked"][0][1]
    assert dialog.isVisible() and count(ws, "requests") == 0
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and count(ws, "requests") == 1


def test_a_request_of_this_year_saves_without_a_question(qtbot, ws, world, answers):
    dialog = RequestDialog(AppContext(ws), world["person"], "Nowak, Ewa")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.title_edit, "Heute gekommen")
    press_save(dialog)
    assert answers["asked"] == [] and count(ws, "requests") == 1


def test_a_referral_backdated_into_a_frozen_year_asks_first(qtbot, ws, world, answers):
    dialog = ReferralDialog(AppContext(ws), world["person"], "Nowak, Ewa")
    qtbot.addWidget(dialog)
    dialog.show()
    choose(dialog.service, world["debt"])
    choose(dialog.organisation, world["org"])
    dialog.referred_on.edit.setText(de(FROZEN_DAY))
    answers["answers"] = [False]
    press_save(dialog)
    assert [t for t, _ in answers["asked"]] == ["Eingefrorenes Jahr"]
    assert dialog.isVisible() and count(ws, "referrals") == 0

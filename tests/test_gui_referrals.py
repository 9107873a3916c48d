"""Vermittlungen with the real widgets: the referral dialog (service → partner, consent
recorded in place, one-click withdrawal), the Vermittlungen list and its detail (result,
closing, follow-up on Heute), printing and saving the PDF. Every write is checked in the
database afterwards; PDFs are checked on their text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from kuemmerer.services import listing, lists, partners, persons, requests, today
from kuemmerer.ui import printing
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.referral import ReferralDialog
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.persons import PersonsPage
from kuemmerer.ui.pages.referrals import ReferralsPage, referral_document
from kuemmerer.ui.pages.requests import RequestsPage
from tests.gui_helpers import choose, click, days, de, open_window, tick, type_text

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

TODAY = dt.date.today()


def offered(box) -> list:
    return [box.itemData(i) for i in range(box.count()) if box.itemData(i) is not None]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def referral_list(ws, person_id: int):
    with ws.uow(read_only=True) as uow:
        return partners.list_referrals(uow, person_id=person_id)


def consent_list(ws, person_id: int):
    with ws.uow(read_only=True) as uow:
        return partners.list_consents(uow, person_id)


@pytest.fixture
def data(ws):
    with ws.uow() as uow:
        svc = {s.name: s.id for s in lists.list_services(uow)}
        debt = svc.get("Schuldnerberatung") or lists.services.create(uow, name="Schuldnerberatung").id
        addiction = svc.get("Suchtberatung") or lists.services.create(uow, name="Suchtberatung").id
        sbs = partners.create_organisation(
            uow, name="Schuldnerberatung Süd e. V.", service_ids=[debt], street="Lindenstraße 4", postcode="09120",
            city="Chemnitz", phone="0371 123456", contact_person="Frau Groß",
            weekly_hours=[(0, "09:00", "12:00", None), (3, "14:00", "18:00", None)],
            what_to_bring="Kontoauszüge, Mahnungen")
        caritas = partners.create_organisation(uow, name="Caritas Beratungszentrum", service_ids=[debt, addiction])
        sucht = partners.create_organisation(uow, name="Suchtberatung Am Park", service_ids=[addiction])
        closed = partners.create_organisation(uow, name="Alte Beratung (geschlossen)", service_ids=[debt],
                                              active=False)
        p = persons.create_person(uow, last_name="Kowalczyk", first_name="Łucja", phone="0151 2345678",
                                  street="Kometenring 3", postcode="09122", city="Chemnitz")
        req = requests.create_request(uow, person_id=p.id, title="Mahnungen vom Inkasso", opened_on=TODAY - days(3))
    return {"debt": debt, "addiction": addiction, "sbs": sbs.id, "caritas": caritas.id, "sucht": sucht.id,
            "closed": closed.id, "person": p.id, "request": req.id}


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


def open_dialog(qtbot, ctx, data, **kw) -> ReferralDialog:
    dialog = ReferralDialog(ctx, data["person"], "Kowalczyk, Łucja", **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


# --------------------------------------------------------------------------- the dialog


def test_choosing_a_service_offers_only_the_active_partners_offering_it(qtbot, ctx, data):
    dialog = open_dialog(qtbot, ctx, data)
    assert offered(dialog.organisation) == []  # first the service
    choose(dialog.service, data["debt"])
    assert set(offered(dialog.organisation)) == {data["sbs"], data["caritas"]}  # not the inactive one
    choose(dialog.service, data["addiction"])
    assert set(offered(dialog.organisation)) == {data["caritas"], data["sucht"]}
    choose(dialog.organisation, data["sucht"])
    assert dialog.organisation.currentData() == data["sucht"]
    choose(dialog.service, data["debt"])
    choose(dialog.organisation, data["sbs"])
    info = dialog.partner_info.text()
    assert "Lindenstraße 4, 09120 Chemnitz" in info and "0371 123456" in info and "Mo 09:00–12:00" in info


def test_new_referral_with_consent_writes_both_and_links_them(qtbot, ws, ctx, data):
    dialog = open_dialog(qtbot, ctx, data, request_id=data["request"])
    assert dialog.request.currentData() == data["request"]
    choose(dialog.service, data["debt"])
    choose(dialog.organisation, data["sbs"])
    assert "Keine gültige Einwilligung" in dialog.consent_status.text()
    type_text(dialog.reason, "Mahnungen vom Inkasso, Ratenzahlung klären")
    type_text(dialog.appointment_date.edit, de(TODAY + days(7)))
    type_text(dialog.appointment_time, "10:30")
    click(qtbot, dialog.record_consent)
    QApplication.processEvents()  # the consent fields are laid out before she clicks them
    assert dialog.consent_fields.isVisible()
    for cat in ("name", "kontakt", "anliegen"):
        tick(qtbot, dialog.category_boxes[cat])
    assert dialog.consent_purpose.text().startswith("Vermittlung an Schuldnerberatung Süd e. V.")
    type_text(dialog.consent_valid_until.edit, de(TODAY + days(365)))
    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted

    (ref,) = referral_list(ws, data["person"])
    (consent,) = consent_list(ws, data["person"])
    assert (ref.service_id, ref.organisation_id, ref.request_id, ref.consent_id) == (
        data["debt"], data["sbs"], data["request"], consent.id)
    assert ref.reason == "Mahnungen vom Inkasso, Ratenzahlung klären"
    assert ref.appointment_at == dt.datetime.combine(TODAY + days(7), dt.time(10, 30))
    assert (ref.referred_on, ref.outcome) == (TODAY, "vermittelt")
    assert ref.follow_up_on == TODAY + days(14)  # the automatic "Ist die Person angekommen?"
    assert set(consent.data_categories) == {"name", "kontakt", "anliegen"}
    assert (consent.organisation_id, consent.given_on, consent.valid_until) == (
        data["sbs"], TODAY, TODAY + days(365))
    with ws.uow(read_only=True) as uow:
        assert ("referral", ref.id) in {(f.kind, f.id) for f in today.dashboard(uow, TODAY + days(14)).follow_ups}
    # the sheet carries name and reason for the partner
    text = pdf_text(referral_document(ctx, ref.id, "sheet")[0])
    assert "Łucja Kowalczyk" in text  # the embedded font has the Ł
    assert "Ratenzahlung klären" in text


def test_consent_without_categories_is_refused_next_to_the_field_and_nothing_is_written(qtbot, ws, ctx, data):
    dialog = open_dialog(qtbot, ctx, data)
    choose(dialog.service, data["debt"])
    choose(dialog.organisation, data["sbs"])
    click(qtbot, dialog.record_consent)
    QApplication.processEvents()
    dialog.consent_given_on.edit.clear()
    type_text(dialog.consent_given_on.edit, de(TODAY + days(3)))
    save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.form.error_text("consent_data_categories")
    assert "Zukunft" in dialog.form.error_text("consent_given_on")
    assert referral_list(ws, data["person"]) == [] and consent_list(ws, data["person"]) == []
    # what she typed is still there; fixing it saves both
    tick(qtbot, dialog.category_boxes["name"])
    dialog.consent_given_on.set_date(TODAY)
    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(referral_list(ws, data["person"])) == 1 and len(consent_list(ws, data["person"])) == 1


def test_without_partner_the_error_stands_at_the_partner_field(qtbot, ws, ctx, data):
    dialog = open_dialog(qtbot, ctx, data)
    choose(dialog.service, data["debt"])  # two partners: none chosen yet
    assert dialog.organisation.currentData() is None
    save(qtbot, dialog)
    assert dialog.form.error_text("organisation_id")
    assert referral_list(ws, data["person"]) == []


def test_a_bad_appointment_time_is_refused_at_the_appointment(qtbot, ws, ctx, data):
    dialog = open_dialog(qtbot, ctx, data)
    choose(dialog.service, data["addiction"])
    choose(dialog.organisation, data["sucht"])
    type_text(dialog.appointment_date.edit, de(TODAY + days(2)))
    type_text(dialog.appointment_time, "25:99")
    save(qtbot, dialog)
    assert "Termin" in dialog.form.error_text("appointment_at")
    assert referral_list(ws, data["person"]) == []


def test_a_valid_consent_on_file_is_shown_linked_and_withdrawn_with_one_click(qtbot, ws, ctx, data):
    with ws.uow() as uow:
        c = partners.record_consent(uow, person_id=data["person"], organisation_id=data["caritas"],
                                    data_categories=["name"], purpose="Schuldnerberatung", given_on=TODAY - days(30))
    dialog = open_dialog(qtbot, ctx, data)
    choose(dialog.service, data["debt"])
    choose(dialog.organisation, data["caritas"])
    assert "Liegt vor" in dialog.consent_status.text() and dialog.withdraw_button.isVisible()
    save(qtbot, dialog)
    (ref,) = referral_list(ws, data["person"])
    assert ref.consent_id == c.id  # the consent on file is linked

    dialog = open_dialog(qtbot, ctx, data)
    choose(dialog.service, data["debt"])
    choose(dialog.organisation, data["caritas"])
    click(qtbot, dialog.withdraw_button)  # one click, written at once
    (stored,) = consent_list(ws, data["person"])
    assert stored.withdrawn_on == TODAY
    assert "Widerrufen am" in dialog.consent_status.text() and not dialog.withdraw_button.isVisible()
    text = pdf_text(referral_document(ctx, ref.id, "sheet")[0])
    assert "Kowalczyk" not in text and "Łucja" not in text


def test_editing_records_the_result_and_closing_keeps_it(qtbot, ws, ctx, data):
    with ws.uow() as uow:
        ref = partners.create_referral(uow, person_id=data["person"], service_id=data["debt"],
                                       organisation_id=data["sbs"], referred_on=TODAY - days(10))
    dialog = open_dialog(qtbot, ctx, data, referral=ref)
    assert dialog.outcome_box.isVisible() and dialog.follow_up_on.text() == de(TODAY + days(4))
    choose(dialog.outcome, "angekommen")
    type_text(dialog.outcome_on.edit, de(TODAY - days(2)))
    type_text(dialog.outcome_note, "Erstgespräch hat stattgefunden")
    save(qtbot, dialog)
    (r,) = referral_list(ws, data["person"])
    assert (r.outcome, r.outcome_on, r.outcome_note, r.follow_up_on) == (
        "angekommen", TODAY - days(2), "Erstgespräch hat stattgefunden", None)
    dialog = open_dialog(qtbot, ctx, data, referral=r)
    type_text(dialog.closed_on.edit, de(TODAY - days(5)))  # before the result
    save(qtbot, dialog)
    assert "Ergebnis" in dialog.form.error_text("closed_on")
    dialog.closed_on.set_date(TODAY)
    save(qtbot, dialog)
    (r,) = referral_list(ws, data["person"])
    assert (r.outcome, r.closed_on, r.state_label) == ("angekommen", TODAY, "abgeschlossen (angekommen)")


# --------------------------------------------------------------------------- entry points


def test_person_page_vermitteln_opens_the_dialog_and_then_the_new_referral(qtbot, ws, ctx, data):
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_person(data["person"])
    opened = []
    page.open_referral.connect(opened.append)

    def fill(dialog):
        choose(dialog.service, data["addiction"])
        choose(dialog.organisation, data["sucht"])
        dialog._save()
        return dialog.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ReferralDialog, "exec", fill)
        click(qtbot, page.detail.referral_button)
    (ref,) = referral_list(ws, data["person"])
    assert opened == [ref.id]
    assert page.detail.tabs.tabText(3) == "Vermittlungen (1)"
    assert page.detail.referrals_model.row_at(0).organisation == "Suchtberatung Am Park"


def test_request_detail_vermitteln_links_the_request(qtbot, ws, ctx, data):
    page = RequestsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_request(data["request"])

    def fill(dialog):
        assert dialog.request.currentData() == data["request"]
        choose(dialog.service, data["debt"])
        choose(dialog.organisation, data["sbs"])
        dialog._save()
        return dialog.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ReferralDialog, "exec", fill)
        click(qtbot, page.detail.referral_button)
    (ref,) = referral_list(ws, data["person"])
    assert ref.request_id == data["request"]


# --------------------------------------------------------------------------- the Vermittlungen section


@pytest.fixture
def made(ws, data):
    with ws.uow() as uow:
        def make(org, svc, referred, **kw):
            return partners.create_referral(uow, person_id=data["person"], service_id=svc, organisation_id=org,
                                            referred_on=TODAY - days(referred), **kw).id
        ids = {
            "due": make(data["sbs"], data["debt"], 20),
            "fresh": make(data["caritas"], data["addiction"], 1),
            "arrived": make(data["sucht"], data["addiction"], 40, outcome="angekommen"),
            "closed": make(data["caritas"], data["debt"], 60, outcome="abgelehnt", closed_on=TODAY - days(30)),
        }
    return ids


@pytest.fixture
def page(qtbot, ctx, made):
    p = ReferralsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    qtbot.waitExposed(p)
    return p


def shown(page) -> set[int]:
    return {page.model.data(page.model.index(r, 0), ID_ROLE) for r in range(page.model.rowCount())}


def test_the_list_filters_by_state_service_and_search(qtbot, ws, page, made, data, qtmodeltester):
    qtmodeltester.check(page.model)
    assert shown(page) == {made["due"], made["fresh"], made["arrived"]}  # not finished ones
    assert page.count_label.text() == "3 Vermittlungen"
    choose(page.state, "due")
    assert shown(page) == {made["due"]}
    choose(page.state, "closed")
    assert shown(page) == {made["closed"]}
    choose(page.state, None)
    choose(page.service, data["addiction"])
    assert shown(page) == {made["fresh"], made["arrived"]}
    choose(page.service, None)
    type_text(page.search, "caritas")
    qtbot.waitUntil(lambda: shown(page) == {made["fresh"], made["closed"]})
    page.search.clear()
    type_text(page.search, "kowalczyk schuld")
    qtbot.waitUntil(lambda: shown(page) == {made["due"], made["closed"]})
    with ws.uow(read_only=True) as uow:
        assert page.model.rowCount() == listing.count_referrals(
            uow, listing.ReferralQuery(search="kowalczyk schuld", state=None), TODAY)


def test_result_buttons_write_the_outcome_and_end_the_follow_up_on_heute(qtbot, ws, page, made):
    with ws.uow(read_only=True) as uow:
        assert ("referral", made["due"]) in {(f.kind, f.id) for f in today.dashboard(uow).follow_ups}
    page.show_referral(made["due"])
    assert "Nachfrage „Ist die Person angekommen?“" in page.detail.outcome_label.text()
    click(qtbot, page.detail.outcome_buttons["nicht_wahrgenommen"])
    with ws.uow(read_only=True) as uow:
        r = partners.get_referral(uow, made["due"])
        assert (r.outcome, r.outcome_on, r.follow_up_on) == ("nicht_wahrgenommen", TODAY, None)
        assert ("referral", made["due"]) not in {(f.kind, f.id) for f in today.dashboard(uow).follow_ups}
    assert "nicht wahrgenommen" in page.detail.outcome_label.text()
    click(qtbot, page.detail.close_button)
    with ws.uow(read_only=True) as uow:
        r = partners.get_referral(uow, made["due"])
    assert (r.outcome, r.closed_on) == ("nicht_wahrgenommen", TODAY)
    assert made["due"] not in shown(page)  # "Nicht abgeschlossen" no longer lists it
    choose(page.state, "closed")
    page.show_referral(made["due"])
    assert page.detail.close_button.text() == "Wieder öffnen"
    assert "abgeschlossen (nicht wahrgenommen)" in page.detail.outcome_label.text()


def test_withdraw_in_the_detail_stops_the_data_on_the_sheet(qtbot, ws, ctx, page, made, data):
    with ws.uow() as uow:
        c = partners.record_consent(uow, person_id=data["person"], organisation_id=data["sbs"],
                                    data_categories=["name", "kontakt", "anliegen"], purpose="Schulden",
                                    given_on=TODAY - days(20))
        partners.update_referral(uow, made["due"], consent_id=c.id, reason="Brief vom Inkassobüro")
    page.show_referral(made["due"])
    assert "Gültig" in page.detail.consent_label.text()
    assert "Kowalczyk" in pdf_text(referral_document(ctx, made["due"], "sheet")[0])
    click(qtbot, page.detail.withdraw_button)
    assert consent_list(ws, data["person"])[0].withdrawn_on == TODAY
    assert "widerrufen am" in page.detail.consent_label.text()
    text = pdf_text(referral_document(ctx, made["due"], "sheet")[0])
    assert "Kowalczyk" not in text and "Inkassobüro" not in text and "0151" not in text


def test_print_preview_shows_the_pages_of_the_same_pdf(qtbot, ctx, page, made, monkeypatch):
    shown_dialogs = []

    def fake_exec(dialog):
        widget = printing.preview_widget(dialog)
        widget.updatePreview()
        shown_dialogs.append((dialog.windowTitle(), widget.pageCount()))
        return 0

    monkeypatch.setattr(printing.QPrintPreviewDialog, "exec", fake_exec)
    page.show_referral(made["due"])
    click(qtbot, page.detail.print_sheet)
    click(qtbot, page.detail.print_consent)
    assert shown_dialogs == [(f"Druckvorschau – Vermittlungsbogen Nr. {made['due']}", 1),
                             (f"Druckvorschau – Schweigepflichtentbindung Nr. {made['due']}", 1)]


def test_printing_to_a_file_puts_each_pdf_page_on_an_a4_sheet(qtbot, ctx, made, tmp_path):
    pdf, title, _ = referral_document(ctx, made["due"], "sheet")
    printer = printing.a4_printer(title)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert printing.paint_pdf(printer, pdf) == len(PdfReader(io.BytesIO(pdf)).pages)
    printed = PdfReader(str(out))
    assert len(printed.pages) == len(PdfReader(io.BytesIO(pdf)).pages)
    box = printed.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4


def test_save_as_pdf_writes_the_document(qtbot, ctx, page, made, tmp_path, monkeypatch):
    target = tmp_path / "bogen.pdf"
    monkeypatch.setattr(printing, "ask_save_path", lambda parent, suggested: target)
    suggested = []
    original = printing.save_pdf

    def save_pdf(parent, pdf, name, ask=None):
        suggested.append(name)
        return original(parent, pdf, name, ask=lambda p, s: target)

    import kuemmerer.ui.pages.referrals as referrals_page

    monkeypatch.setattr(referrals_page, "save_pdf", save_pdf)
    monkeypatch.setattr(referrals_page.QMessageBox, "information", lambda *a: None)
    page.show_referral(made["due"])
    click(qtbot, page.detail.save_sheet)
    assert suggested == [f"Vermittlungsbogen-{made['due']}.pdf"]  # no name of the resident
    text = pdf_text(target.read_bytes())
    assert "Vermittlungsbogen" in text and "Schuldnerberatung Süd e. V." in text and "Lindenstraße 4" in text


def test_referral_follow_up_on_heute_opens_it_in_vermittlungen_and_leaves_when_answered(qtbot, ws, made, tmp_path):


    window = open_window(qtbot, ws, tmp_path)
    heute = window.pages["Heute"]
    rows = [heute.follow_ups.row_at(r) for r in range(heute.follow_ups.rowCount())]
    row = next(i for i, r in enumerate(rows) if r.kind == "referral" and r.id == made["due"])
    assert (rows[row].kind_label, rows[row].note) == ("Vermittlung", "Ist die Person angekommen?")
    heute.follow_up_view.setFocus()
    heute.follow_up_view.setCurrentIndex(heute.follow_ups.index(row, 0))
    qtbot.keyClick(heute.follow_up_view, Qt.Key.Key_Return)
    assert window.sidebar.currentItem().text() == "Vermittlungen"
    page = window.stack.currentWidget()
    assert isinstance(page, ReferralsPage) and page.detail.referral.id == made["due"]
    click(qtbot, page.detail.outcome_buttons["angekommen"])
    assert made["due"] not in {heute.follow_ups.row_at(r).id for r in range(heute.follow_ups.rowCount())
                               if heute.follow_ups.row_at(r).kind == "referral"}


def test_consents_tab_of_a_person_lists_them_and_withdraws_with_one_click(qtbot, ws, ctx, data, qtmodeltester):
    with ws.uow() as uow:
        valid = partners.record_consent(uow, person_id=data["person"], organisation_id=data["sbs"],
                                        data_categories=["name", "kontakt"], purpose="Schuldnerberatung",
                                        given_on=TODAY - days(10), valid_until=TODAY + days(100))
        partners.record_consent(uow, person_id=data["person"], organisation_id=data["sucht"],
                                data_categories=["name"], purpose="Sucht", given_on=TODAY - days(400),
                                valid_until=TODAY - days(35))
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_person(data["person"])
    detail = page.detail
    qtmodeltester.check(detail.consents_model)
    assert detail.tabs.tabText(4) == "Einwilligungen (1 gültig)"
    rows = [detail.consents_model.row_at(r) for r in range(detail.consents_model.rowCount())]
    assert [(r.organisation, r.state) for r in rows] == [
        ("Schuldnerberatung Süd e. V.", "gültig"),
        ("Suchtberatung Am Park", f"abgelaufen am {de(TODAY - days(35))}")]
    assert rows[0].categories == "Name, Anschrift und Kontaktdaten"
    detail.tabs.setCurrentIndex(4)
    detail.consents_view.setCurrentIndex(detail.consents_model.index(1, 0))
    assert not detail.withdraw_button.isEnabled()  # an expired one has nothing to withdraw
    detail.consents_view.setCurrentIndex(detail.consents_model.index(0, 0))
    click(qtbot, detail.withdraw_button)
    with ws.uow(read_only=True) as uow:
        assert partners.get_consent(uow, valid.id).withdrawn_on == TODAY
        assert partners.valid_consent(uow, data["person"], data["sbs"]) is None
    assert detail.tabs.tabText(4) == "Einwilligungen (0 gültig)"
    assert detail.consents_model.row_at(0).state == f"widerrufen am {de(TODAY)}"

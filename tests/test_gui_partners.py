"""Partner directory with the real widgets: search by name or offer (also without umlauts),
the service filter, the detail with hours and the referrals to the partner, and the
OrganisationDialog creating, editing and refusing bad input. Every write is checked in
the database afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kuemmerer.domain.errors import NotFound
from kuemmerer.services import lists, partners, persons
from kuemmerer.ui.context import AppContext
from kuemmerer.ui.dialogs.organisation import OrganisationDialog
from kuemmerer.ui.models import ID_ROLE
from kuemmerer.ui.pages.partners import PartnersPage
from tests.gui_helpers import choose, click, click_row, days, de, type_text

pytestmark = [
    pytest.mark.gui,
    # the offscreen platform says so for every top-level window; it is not about our code
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

TODAY = dt.date.today()
BAD_EMAIL = "Das sieht nicht wie eine E-Mail-Adresse aus (name@beispiel.de)."


# --------------------------------------------------------------------------- helpers


def replace_text(widget, text: str) -> None:
    widget.selectAll()
    type_text(widget, text)


def shown_ids(page: PartnersPage) -> set[int]:
    return {page.model.data(page.model.index(r, 0), ID_ROLE) for r in range(page.model.rowCount())}


def column_texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def get_org(ws, ident: int):
    with ws.uow(read_only=True) as uow:
        return partners.get_organisation(uow, ident)


def org_count(ws) -> int:
    with ws.uow(read_only=True) as uow:
        return len(partners.list_organisations(uow))


def service_search(ws, text: str = "", **kw) -> set[int]:
    with ws.uow(read_only=True) as uow:
        return {r.id for r in partners.search_organisations(uow, text, **kw)}


def service_item(dialog: OrganisationDialog, service_id: int):
    for i in range(dialog.services.count()):
        item = dialog.services.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == service_id:
            return item
    raise AssertionError(f"service {service_id} not offered")


def check_service(dialog: OrganisationDialog, service_id: int, on: bool = True) -> None:
    service_item(dialog, service_id).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def save_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


# --------------------------------------------------------------------------- data


@pytest.fixture
def data(ws):
    """Five partners (one no longer active) on the default services, one person referred twice."""
    with ws.uow() as uow:
        svc = {s.name: s.id for s in lists.list_services(uow)}
        debt, social, language, seniors, jobs = (svc["Schuldnerberatung"], svc["Sozialberatung"],
                                                 svc["Sprachkurs"], svc["Seniorenberatung"], svc["Jobcenter"])
        caritas = partners.create_organisation(
            uow, name="Caritas Kassel", kind="beratungsstelle", service_ids=[debt], city="Kassel",
            phone="0561 1234", contact_person="Frau Roth", email="schulden@caritas.example",
            weekly_hours=[(0, "09:00", "12:00", None), (2, "14:00", "18:00", "nur mit Termin")])
        diakonie = partners.create_organisation(
            uow, name="Diakonie Sozialdienst", kind="beratungsstelle", service_ids=[social, debt],
            city="Kassel", phone="0561 9876")
        buergerhaus = partners.create_organisation(
            uow, name="Bürgerhaus Kappel", kind="verein", service_ids=[language, seniors],
            street="Marktplatz 3", postcode="34117", city="Kassel", website="www.buergerhaus.example",
            opening_hours="In den Ferien geschlossen", what_to_bring="Ausweis",
            languages="Deutsch, Türkisch", notes="Klingel <b>defekt</b> & bitte klopfen",
            weekly_hours=[(1, "10:00", "16:00", None), (0, "08:30", "12:00", None),
                          (0, "14:00", "16:00", None)])
        jobcenter = partners.create_organisation(
            uow, name="Jobcenter Mitte", kind="behoerde", service_ids=[jobs], city="Kassel")
        old = partners.create_organisation(
            uow, name="Schuldenhilfe Alt e. V.", kind="verein", service_ids=[debt, social], active=False)
        krause = persons.create_person(uow, last_name="Krause", first_name="Jana")
        oezdemir = persons.create_person(uow, last_name="Özdemir", first_name="Ayşe")
        r1 = partners.create_referral(uow, person_id=krause.id, service_id=debt, organisation_id=caritas.id,
                                      referred_on=TODAY - days(20))
        r2 = partners.create_referral(uow, person_id=oezdemir.id, service_id=debt,
                                      organisation_id=caritas.id, referred_on=TODAY - days(3))
        r3 = partners.create_referral(uow, person_id=oezdemir.id, service_id=social,
                                      organisation_id=diakonie.id, referred_on=TODAY - days(1))
    return {"caritas": caritas, "diakonie": diakonie, "buergerhaus": buergerhaus, "jobcenter": jobcenter,
            "old": old, "krause": krause, "oezdemir": oezdemir, "referrals": (r1, r2, r3),
            "debt": debt, "social": social, "language": language, "seniors": seniors, "jobs": jobs,
            "services": svc}


@pytest.fixture
def ctx(ws):
    return AppContext(ws)


@pytest.fixture
def page(qtbot, ctx, data):
    p = PartnersPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    qtbot.waitExposed(p)
    return p


def select(qtbot, page: PartnersPage, org_id: int) -> None:
    row = page.model.row_of_id(org_id)
    assert row >= 0, "partner not in the list"
    click_row(qtbot, page.view, row)
    assert page.current_id() == org_id
    assert page.detail.organisation is not None and page.detail.organisation.id == org_id


def search_for(qtbot, page: PartnersPage, text: str, expected: int) -> None:
    page.search.clear()
    page.search.setFocus()
    type_text(page.search, text)
    qtbot.waitUntil(lambda: page.model.rowCount() == expected and not page._debounce.isActive(), timeout=2000)


@pytest.fixture
def dialog_factory(qtbot, ctx):
    def make(org=None):
        d = OrganisationDialog(ctx, org)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return make


# --------------------------------------------------------------------------- list and filters


def test_the_directory_lists_the_active_partners_with_their_offers(page, data, ws):
    assert shown_ids(page) == service_search(ws) == {data[k].id for k in
                                                     ("caritas", "diakonie", "buergerhaus", "jobcenter")}
    assert page.count_label.text() == "4 Partner"
    titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert titles == ["Name", "Art", "Angebote", "Ort", "Telefon", "Vermittlungen"]
    assert column_texts(page.model, 0) == ["Bürgerhaus Kappel", "Caritas Kassel", "Diakonie Sozialdienst",
                                           "Jobcenter Mitte"]  # German order
    row = page.model.row_of_id(data["diakonie"].id)
    assert [page.model.index(row, c).data() for c in range(6)] == [
        "Diakonie Sozialdienst", "Beratungsstelle", "Schuldnerberatung, Sozialberatung", "Kassel", "0561 9876", "1"]
    assert page.model.index(page.model.row_of_id(data["caritas"].id), 5).data() == "2"
    assert page.model.index(page.model.row_of_id(data["jobcenter"].id), 5).data() == ""
    align = page.model.index(row, 5).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    # all columns fit next to the detail, the name gets the most room
    widths = [page.view.columnWidth(c) for c in range(6)]
    assert sum(widths) <= page.view.viewport().width() and widths[0] == max(widths)
    assert page.current_id() is None and page.detail.organisation is None
    assert not page.detail.edit_button.isEnabled() and not page.detail.delete_button.isEnabled()
    assert "Kein Partner ausgewählt" in page.detail.header.text()


def test_searching_schulden_finds_exactly_the_partners_offering_schuldnerberatung(qtbot, page, data, ws):
    search_for(qtbot, page, "Schulden", 2)
    expected = {data["caritas"].id, data["diakonie"].id}
    assert shown_ids(page) == expected == service_search(ws, "Schulden")
    with ws.uow(read_only=True) as uow:  # the same as "everyone active offering Schuldnerberatung"
        offering = {o.id for o in partners.list_organisations(uow, data["debt"], active_only=True)}
    assert shown_ids(page) == offering
    assert page.count_label.text() == "2 Partner"
    # the old one offers it too but is no longer active; ticking the box shows it, marked
    click(qtbot, page.inactive)
    assert page.inactive.isChecked()
    assert shown_ids(page) == expected | {data["old"].id}
    row = page.model.row_of_id(data["old"].id)
    assert page.model.index(row, 0).data() == "Schuldenhilfe Alt e. V. (nicht mehr aktiv)"
    assert page.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert page.model.index(page.model.row_of_id(data["caritas"].id), 0).data(
        Qt.ItemDataRole.ForegroundRole) is None
    assert page.count_label.text() == "3 Partner"


def test_typing_without_umlauts_finds_the_buergerhaus(qtbot, page, data):
    search_for(qtbot, page, "burgerhaus", 1)
    assert shown_ids(page) == {data["buergerhaus"].id}
    search_for(qtbot, page, "buergerhaus kappel", 1)
    assert shown_ids(page) == {data["buergerhaus"].id}
    search_for(qtbot, page, "Bürgerhaus", 1)
    search_for(qtbot, page, "gibt es nicht", 0)
    assert page.count_label.text() == "0 Partner"


def test_search_waits_for_the_typing_to_pause(qtbot, page, data):
    page.search.setFocus()
    type_text(page.search, "Jobc")
    assert page._debounce.isActive() and page.model.rowCount() == 4  # not yet
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert shown_ids(page) == {data["jobcenter"].id}


def test_the_service_filter_narrows_the_table(qtbot, page, data, ws):
    names = [page.service.itemText(i) for i in range(page.service.count())]
    assert names[0] == "Alle Angebote" and "Sozialberatung" in names and "Schuldnerberatung" in names
    choose(page.service, data["social"])
    assert shown_ids(page) == {data["diakonie"].id} == service_search(ws, service_id=data["social"])
    assert page.count_label.text() == "1 Partner"
    click(qtbot, page.inactive)
    assert shown_ids(page) == {data["diakonie"].id, data["old"].id}
    choose(page.service, data["debt"])  # filter and search together
    search_for(qtbot, page, "kassel", 2)
    assert shown_ids(page) == {data["caritas"].id, data["diakonie"].id}
    choose(page.service, None)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)  # still "kassel": all but the old one
    assert data["old"].id not in shown_ids(page)


def test_sorting_by_referrals_and_the_model_tester(qtbot, qtmodeltester, page, data):
    qtmodeltester.check(page.model, force_py=True)
    page.view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.model, 5)[:2] == ["2", "1"]
    page.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert column_texts(page.model, 0)[0] == "Jobcenter Mitte"
    page.reload()  # a reload keeps the chosen order
    assert column_texts(page.model, 0)[0] == "Jobcenter Mitte"
    for column in range(page.model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            page.model.sort(column, order)
    click(qtbot, page.inactive)
    select(qtbot, page, data["caritas"].id)
    qtmodeltester.check(page.detail.referrals_model, force_py=True)
    for column in range(page.detail.referrals_model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            page.detail.referrals_model.sort(column, order)
    select(qtbot, page, data["jobcenter"].id)  # an empty referral list is checked too


# --------------------------------------------------------------------------- detail


def test_the_detail_shows_address_hours_and_escaped_notes(qtbot, page, data):
    select(qtbot, page, data["buergerhaus"].id)
    header = page.detail.header.text()
    assert "Bürgerhaus Kappel" in header and "Verein/Initiative" in header and "nicht mehr aktiv" not in header
    text = page.detail.info.toPlainText()
    for expected in ("Angebote:", "Seniorenberatung, Sprachkurs", "Marktplatz 3, 34117 Kassel",
                     "www.buergerhaus.example", "Mo 08:30–12:00, 14:00–16:00", "Di 10:00–16:00",
                     "In den Ferien geschlossen", "Mitzubringen:", "Ausweis", "Deutsch, Türkisch",
                     "Klingel <b>defekt</b> & bitte klopfen"):
        assert expected in text, expected
    assert text.index("Mo 08:30") < text.index("Di 10:00") < text.index("In den Ferien")
    assert "https://www.buergerhaus.example" in page.detail.info.toHtml()  # a clickable link
    assert page.detail.edit_button.isEnabled() and page.detail.delete_button.isEnabled()
    # another partner: its own hours with the note
    select(qtbot, page, data["caritas"].id)
    text = page.detail.info.toPlainText()
    assert "Mo 09:00–12:00" in text and "Mi 14:00–18:00 (nur mit Termin)" in text
    assert "Frau Roth" in text and "schulden@caritas.example" in text
    assert "Bürgerhaus" not in text


def test_the_referral_table_lists_the_referrals_and_opens_them(qtbot, page, data):
    r1, r2, r3 = data["referrals"]
    select(qtbot, page, data["caritas"].id)
    model = page.detail.referrals_model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["Datum", "Person", "Angebot", "Stand"]
    assert model.rowCount() == 2
    assert [model.index(r, 0).data() for r in range(2)] == [de(TODAY - days(3)), de(TODAY - days(20))]  # newest first
    assert [model.index(r, 1).data() for r in range(2)] == ["Özdemir, Ayşe", "Krause, Jana"]
    assert {model.index(r, 2).data() for r in range(2)} == {"Schuldnerberatung"}
    assert {model.index(r, 3).data() for r in range(2)} == {"vermittelt"}
    assert "(2)" in page.detail.referrals_label.text()
    view = page.detail.referrals_view
    opened = []
    page.open_referral.connect(opened.append)
    # double-click (a real one starts with a click)
    rect = view.visualRect(model.index(1, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == []  # a single click only selects
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [r1.id]  # once
    opened.clear()
    # Enter on the current row
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [r2.id]  # once, the referral of the selected row
    # another partner shows only its own
    select(qtbot, page, data["diakonie"].id)
    assert model.rowCount() == 1 and model.index(0, 1).data() == "Özdemir, Ayşe"
    select(qtbot, page, data["jobcenter"].id)
    assert model.rowCount() == 0 and "(0)" in page.detail.referrals_label.text()


def test_ctrl_f_focuses_the_search_and_enter_in_the_table_opens_the_editor(qtbot, page, data):
    select(qtbot, page, data["jobcenter"].id)
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    seen = []

    def cancel(dialog):
        seen.append(dialog)
        return QDialog.DialogCode.Rejected

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(OrganisationDialog, "exec", cancel)
        page.view.setFocus()
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert len(seen) == 1
    assert seen[0].windowTitle() == "Partner bearbeiten" and seen[0].name.text() == "Jobcenter Mitte"


def test_the_page_follows_changes_elsewhere_and_keeps_the_selection(qtbot, ws, ctx, page, data):
    select(qtbot, page, data["diakonie"].id)
    with ws.uow() as uow:
        new = partners.create_organisation(uow, name="Awo Stadtteilbüro", service_ids=[data["social"]])
    ctx.notify("organisations")
    assert new.id in shown_ids(page) and page.count_label.text() == "5 Partner"
    assert page.current_id() == data["diakonie"].id and page.detail.organisation.id == data["diakonie"].id
    # a new referral elsewhere: the count and the detail table follow
    with ws.uow() as uow:
        partners.create_referral(uow, person_id=data["krause"].id, service_id=data["social"],
                                 organisation_id=data["diakonie"].id, referred_on=TODAY)
    ctx.notify("referrals")
    assert page.model.index(page.model.row_of_id(data["diakonie"].id), 5).data() == "2"
    assert page.detail.referrals_model.rowCount() == 2
    # a new service shows up in the filter
    with ws.uow() as uow:
        lists.services.create(uow, name="Tafel")
    ctx.notify("services")
    assert page.service.findText("Tafel") >= 0
    ctx.notify("contacts")  # not about partners: nothing happens
    assert page.current_id() == data["diakonie"].id


def test_show_organisation_clears_filters_that_hide_it(qtbot, page, data):
    search_for(qtbot, page, "Jobcenter", 1)
    page.show_organisation(data["caritas"].id)
    assert page.search.text() == "" and page.current_id() == data["caritas"].id
    assert page.detail.organisation.id == data["caritas"].id
    choose(page.service, data["jobs"])
    page.show_organisation(data["old"].id)  # no longer active: the box is ticked
    assert page.service.currentData() is None and page.inactive.isChecked()
    assert page.current_id() == data["old"].id
    assert "nicht mehr aktiv" in page.detail.header.text()


# --------------------------------------------------------------------------- dialog


def test_the_dialog_creates_a_partner_with_services_and_weekly_hours(qtbot, ws, page, data):
    before = org_count(ws)

    def fill_and_save(d):
        assert d.windowTitle() == "Neuer Partner"
        assert not d.is_dirty()
        type_text(d.name, "Migrationsdienst Süd")
        assert d.is_dirty()
        choose(d.kind, "verein")
        check_service(d, data["services"]["Migrationsberatung"])
        check_service(d, data["language"])
        type_text(d.contact_person, "Herr Yılmaz")
        type_text(d.street, "Südring 5")
        type_text(d.postcode, "34119")
        type_text(d.city, "Kassel")
        type_text(d.phone, "0561 555")
        type_text(d.email, "info@migration.example")
        type_text(d.website, "migration.example")
        type_text(d.languages, "Türkisch, Arabisch")
        click(qtbot, d.weekly_hours.add_button)
        row = d.weekly_hours.rows[0]
        choose(row.weekday, 1)
        type_text(row.opens, "9:00")
        type_text(row.closes, "12:30")
        click(qtbot, d.weekly_hours.add_button)  # the next day with the same times is suggested
        row2 = d.weekly_hours.rows[1]
        assert (row2.weekday.currentData(), row2.opens.text(), row2.closes.text()) == (2, "9:00", "12:30")
        replace_text(row2.closes, "11:00")
        type_text(row2.note, "nur Frauen")
        click(qtbot, d.weekly_hours.add_button)  # a third row, emptied again, is ignored
        row3 = d.weekly_hours.rows[2]
        assert row3.weekday.currentData() == 3
        for edit in (row3.opens, row3.closes):
            edit.selectAll()
            qtbot.keyClick(edit, Qt.Key.Key_Delete)
        assert row3.is_empty()
        type_text(d.opening_hours, "Termine nach Vereinbarung")
        type_text(d.what_to_bring, "Aufenthaltstitel")
        type_text(d.notes, "Dolmetscherin donnerstags")
        qtbot.keyClick(d.name, Qt.Key.Key_Return)  # Enter saves
        return d.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(OrganisationDialog, "exec", fill_and_save)
        click(qtbot, page.new_button)

    assert org_count(ws) == before + 1
    with ws.uow(read_only=True) as uow:
        (new,) = [o for o in partners.list_organisations(uow) if o.name == "Migrationsdienst Süd"]
    o = get_org(ws, new.id)
    assert (o.kind, o.contact_person, o.street, o.postcode, o.city, o.phone, o.email, o.website, o.languages,
            o.opening_hours, o.what_to_bring, o.notes, o.active) == (
        "verein", "Herr Yılmaz", "Südring 5", "34119", "Kassel", "0561 555", "info@migration.example",
        "migration.example", "Türkisch, Arabisch", "Termine nach Vereinbarung", "Aufenthaltstitel",
        "Dolmetscherin donnerstags", True)
    assert set(o.service_ids) == {data["services"]["Migrationsberatung"], data["language"]}
    assert [(h.weekday, h.opens, h.closes, h.note) for h in o.weekly_hours] == [
        (1, dt.time(9, 0), dt.time(12, 30), None), (2, dt.time(9, 0), dt.time(11, 0), "nur Frauen")]
    # the page shows and selects it
    assert page.current_id() == o.id and page.count_label.text() == "5 Partner"
    assert "Di 09:00–12:30" in page.detail.info.toPlainText()
    assert "Mi 09:00–11:00 (nur Frauen)" in page.detail.info.toPlainText()


@pytest.mark.parametrize(("field", "fill", "message"), [
    ("email", lambda d: type_text(d.email, "kaputt@"), BAD_EMAIL),
    ("weekly_hours", lambda d: _hours(d, 3, "14:00", "12:00"), "Donnerstag: Das Ende muss nach dem Beginn liegen."),
    ("weekly_hours", lambda d: _hours(d, 0, "9 Uhr", "12:00"), "Bitte Uhrzeiten wie 09:00 angeben."),
    ("weekly_hours", lambda d: _hours(d, 0, "09:00", ""), "Jede Öffnungszeit braucht Wochentag, Beginn und Ende."),
    ("name", lambda d: d.name.clear(), "Bitte ausfüllen."),
    ("name", lambda d: replace_text(d.name, "Caritas Kassel"), "Eine Organisation mit diesem Namen gibt es schon."),
])
def test_bad_input_shows_the_german_message_at_the_field_and_writes_nothing(
        qtbot, ws, data, dialog_factory, field, fill, message):
    before = org_count(ws)
    d = dialog_factory()
    type_text(d.name, "Neue Stelle")
    fill(d)
    qtbot.keyClick(d.name, Qt.Key.Key_Return)
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert d.form.error_text(field) == message
    assert d.form.errors[field].isVisible()
    assert org_count(ws) == before
    assert d.saved is None


def _hours(d, weekday, opens, closes):
    row = d.weekly_hours.add_row()
    choose(row.weekday, weekday)
    type_text(row.opens, opens)
    type_text(row.closes, closes)


def test_fixing_the_error_then_saves(qtbot, ws, data, dialog_factory):
    d = dialog_factory()
    type_text(d.name, "Neue Stelle")
    _hours(d, 4, "16:00", "15:00")
    click(qtbot, save_button(d))
    assert d.form.error_text("weekly_hours") == "Freitag: Das Ende muss nach dem Beginn liegen."
    row = d.weekly_hours.rows[0]
    replace_text(row.closes, "18:00")
    assert row.value() == (4, "16:00", "18:00", None)
    click(qtbot, save_button(d))
    assert d.result() == QDialog.DialogCode.Accepted
    o = get_org(ws, d.saved.id)
    assert [(h.weekday, h.opens, h.closes) for h in o.weekly_hours] == [(4, dt.time(16), dt.time(18))]
    assert o.kind == "beratungsstelle" and o.service_ids == () and o.active


def test_editing_keeps_the_fields_she_did_not_touch(qtbot, ws, page, data):
    # one of its services is no longer offered in the lists: it stays assigned
    with ws.uow() as uow:
        lists.services.update(uow, data["seniors"], active=False)
    page.ctx.notify("services")
    ident = data["buergerhaus"].id
    before = get_org(ws, ident)
    select(qtbot, page, ident)

    def edit(d):
        assert d.windowTitle() == "Partner bearbeiten"
        assert d.name.text() == "Bürgerhaus Kappel" and d.notes.toPlainText() == before.notes
        assert len(d.weekly_hours.rows) == 3
        assert d.weekly_hours.rows[0].value() == (0, "08:30", "12:00", None)
        item = service_item(d, data["seniors"])
        assert item.text() == "Seniorenberatung (nicht mehr verwendet)"
        assert item.checkState() == Qt.CheckState.Checked
        replace_text(d.phone, "0561 4711")
        d._save()
        return d.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(OrganisationDialog, "exec", edit)
        click(qtbot, page.detail.edit_button)
    after = get_org(ws, ident)
    assert after.phone == "0561 4711"
    assert after == replace(before, phone="0561 4711")
    assert page.current_id() == ident and "0561 4711" in page.detail.info.toPlainText()


def test_an_untouched_dialog_saves_the_partner_unchanged(qtbot, ws, data, dialog_factory):
    before = get_org(ws, data["caritas"].id)
    d = dialog_factory(before)
    assert not d.is_dirty()
    click(qtbot, save_button(d))
    assert d.result() == QDialog.DialogCode.Accepted
    assert get_org(ws, before.id) == before == d.saved


def test_setting_a_partner_inactive_hides_it_from_the_list(qtbot, ws, page, data):
    ident = data["jobcenter"].id
    select(qtbot, page, ident)

    def deactivate(d):
        d.active.setFocus()
        qtbot.keyClick(d.active, Qt.Key.Key_Space)
        assert not d.active.isChecked() and d.is_dirty()
        click(qtbot, save_button(d))
        return d.result()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(OrganisationDialog, "exec", deactivate)
        click(qtbot, page.detail.edit_button)
    assert get_org(ws, ident).active is False
    # she just edited it, so it stays in view (with the box ticked) and is marked
    assert page.current_id() == ident and page.inactive.isChecked()
    assert "nicht mehr aktiv" in page.detail.header.text()
    click(qtbot, page.inactive)
    assert ident not in shown_ids(page)


def test_escape_with_changes_asks_before_discarding(qtbot, ws, data, dialog_factory, monkeypatch):
    asked = []
    monkeypatch.setattr(OrganisationDialog, "confirm_discard", classmethod(lambda cls, p: asked.append(1) or False))
    d = dialog_factory(get_org(ws, data["caritas"].id))
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not d.isVisible() and asked == []
    d = dialog_factory(get_org(ws, data["caritas"].id))
    click(qtbot, d.weekly_hours.rows[0].remove)
    assert d.is_dirty() and len(d.weekly_hours.rows) == 1
    qtbot.keyClick(d.name, Qt.Key.Key_Escape)
    assert asked == [1] and d.isVisible()  # "weiter bearbeiten"
    assert len(get_org(ws, data["caritas"].id).weekly_hours) == 2


def test_the_hours_editor_works_with_the_keyboard(qtbot, ws, data, dialog_factory):
    d = dialog_factory(get_org(ws, data["caritas"].id))
    editor = d.weekly_hours
    assert [r.value() for r in editor.rows] == [(0, "09:00", "12:00", None), (2, "14:00", "18:00", "nur mit Termin")]
    # Tab from the last field of the left column walks through the rows, then to „Zeile hinzufügen“
    d.active.setFocus()
    order = []
    for _ in range(11):
        d.focusNextChild()
        order.append(d.focusWidget())
    first, second = editor.rows
    assert order[:10] == [first.weekday, first.opens, first.closes, first.note, first.remove,
                          second.weekday, second.opens, second.closes, second.note, second.remove]
    assert order[10] is editor.add_button
    # Enter on the buttons adds and removes rows (and does not save)
    editor.add_button.setFocus()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Return)
    assert len(editor.rows) == 3 and d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert editor.rows[2].value() == (3, "14:00", "18:00", None)  # the next day, same times
    assert d.focusWidget() is editor.rows[2].weekday
    editor.rows[0].remove.setFocus()
    qtbot.keyClick(editor.rows[0].remove, Qt.Key.Key_Return)
    assert [r.value()[0] for r in editor.rows] == [2, 3] and d.isVisible()
    assert d.is_dirty()
    assert len(get_org(ws, data["caritas"].id).weekly_hours) == 2  # nothing written yet
    qtbot.keyClick(editor.rows[0].opens, Qt.Key.Key_Return)  # Enter in a field saves
    assert d.result() == QDialog.DialogCode.Accepted
    assert [(h.weekday, h.opens) for h in get_org(ws, data["caritas"].id).weekly_hours] == [
        (2, dt.time(14)), (3, dt.time(14))]


def test_the_dialog_fits_on_a_1280_by_800_screen(qtbot, ws, data, dialog_factory):
    d = dialog_factory(get_org(ws, data["buergerhaus"].id))
    want = d.preferred_size()
    assert want.width() <= 1240 and want.height() <= 740, want
    d.resize(want)
    qtbot.wait(10)
    assert d._columns.minimumSizeHint().boundedTo(QSize(1240, 740)) == d._columns.minimumSizeHint()
    labels = [d.form.labels[k].text() for k in ("name", "kind", "service_ids", "weekly_hours", "opening_hours")]
    assert labels == ["Name*:", "Art:", "Angebote:", "Öffnungszeiten:", "Öffnungszeiten (Freitext):"]
    assert [d.kind.itemText(i) for i in range(d.kind.count())][:2] == ["Beratungsstelle", "Behörde/Amt"]
    assert [save_button(d).text(), d.buttons.button(QDialogButtonBox.StandardButton.Cancel).text()] == [
        "Speichern", "Abbrechen"]


# --------------------------------------------------------------------------- delete


def test_deleting_a_partner_with_referrals_is_refused_with_the_message(qtbot, ws, page, data, monkeypatch):
    ident = data["caritas"].id
    select(qtbot, page, ident)
    asked, refused = [], []
    monkeypatch.setattr(PartnersPage, "confirm_delete", classmethod(lambda cls, p, text: asked.append(text) or True))
    monkeypatch.setattr(PartnersPage, "refuse_delete",
                        classmethod(lambda cls, p, message, can: refused.append((message, can)) or False))
    click(qtbot, page.detail.delete_button)
    assert len(asked) == 1 and "Caritas Kassel" in asked[0]
    assert refused == [("An „Caritas Kassel“ wurde schon vermittelt. Bitte stattdessen auf „nicht mehr aktiv“ "
                        "setzen; die Vermittlungen bleiben so nachvollziehbar.", True)]
    o = get_org(ws, ident)
    assert o.active and ident in shown_ids(page) and page.current_id() == ident


def test_the_refusal_offers_to_set_the_partner_inactive(qtbot, ws, page, data, monkeypatch):
    ident = data["diakonie"].id
    select(qtbot, page, ident)
    before = get_org(ws, ident)
    monkeypatch.setattr(PartnersPage, "confirm_delete", classmethod(lambda cls, p, text: True))
    monkeypatch.setattr(PartnersPage, "refuse_delete", classmethod(lambda cls, p, message, can: True))
    click(qtbot, page.detail.delete_button)
    after = get_org(ws, ident)
    assert after == replace(before, active=False)  # nothing else changed
    assert page.current_id() == ident and "nicht mehr aktiv" in page.detail.header.text()


def test_deleting_a_partner_without_referrals(qtbot, ws, page, data, monkeypatch):
    ident = data["buergerhaus"].id
    select(qtbot, page, ident)
    answers = [False, True]
    monkeypatch.setattr(PartnersPage, "confirm_delete", classmethod(lambda cls, p, text: answers.pop(0)))
    monkeypatch.setattr(PartnersPage, "refuse_delete",
                        classmethod(lambda cls, p, m, c: pytest.fail("deleting was refused")))
    click(qtbot, page.detail.delete_button)  # "Abbrechen"
    assert get_org(ws, ident).name == "Bürgerhaus Kappel"
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)  # the Entf key does the same
    with ws.uow(read_only=True) as uow, pytest.raises(NotFound):
        partners.get_organisation(uow, ident)
    assert ident not in shown_ids(page) and page.count_label.text() == "3 Partner"
    assert page.detail.organisation is None and not page.detail.delete_button.isEnabled()

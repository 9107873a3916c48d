"""``kuemmerer --screenshots DIR``: every section and main dialog rendered to PNG (offscreen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kuemmerer.services import listing

from .dialogs.first_start import FirstStartDialog
from .dialogs.letterhead import LetterheadDialog
from .dialogs.person import PersonDialog
from .dialogs.quick_capture import QuickCaptureDialog
from .dialogs.referral import ReferralDialog
from .dialogs.request import ContactDialog, RequestDialog
from .main_window import SECTIONS, MainWindow
from .pages.persons import PersonsPage
from .pages.reports import ReportsPage
from .pages.settings import SettingsPage
from .widgets import GuardedDialog


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _slug(name: str) -> str:
    return name.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace(" ", "-")


def _section_dialogs(window: MainWindow) -> list[tuple[str, Callable[[], GuardedDialog]]]:
    """The editors of Ehrenamt, Aktivitäten and Netzwerk, on the first entry of the demo data."""
    from kuemmerer.services import activities, matching, networks, volunteers

    from .dialogs.meeting import MeetingDialog
    from .dialogs.series import SeriesDialog
    from .dialogs.session import SessionDialog
    from .dialogs.volunteer import VolunteerDialog

    ctx = window.ctx
    out: list[tuple[str, Callable[[], GuardedDialog]]] = []
    with ctx.uow(read_only=True) as uow:
        helpers = matching.volunteer_overview(uow, status=("aktiv",))
        busy = max(helpers, key=lambda r: r.assigned, default=None)
        volunteer = volunteers.get_volunteer(uow, busy.id) if busy else None
        acts = activities.list_activities(uow)
        act = next((a for a in acts if activities.list_sessions(uow, a.id)), None)
        session = activities.list_sessions(uow, act.id)[-1] if act else None
        held = [m for m in networks.list_meetings(uow) if m.date <= ctx.today() and m.minutes_text]
        meeting = held[-1] if held else None
        network = networks.networks.get(uow, meeting.network_id) if meeting else None
    if volunteer is not None and busy is not None:
        out.append(("dialog-ehrenamt", lambda: VolunteerDialog(ctx, volunteer, person_name=busy.name, parent=window)))
    if act is not None and session is not None:
        out.append(("dialog-termin", lambda: SessionDialog(ctx, act, session, parent=window)))
        out.append(("dialog-terminreihe", lambda: SeriesDialog(ctx, act, parent=window)))
    if meeting is not None and network is not None:
        out.append(("dialog-sitzung", lambda: MeetingDialog(ctx, network, meeting, parent=window)))
    return out


def _import_dialogs(window: MainWindow, grab: Callable[[QWidget, str], None]) -> None:
    """Datei → Importieren… on a small synthetic contact log (one row uncertain, one rejected)
    and the Import-Verlauf; nothing is imported."""
    import tempfile
    import time

    from kuemmerer.services import importing

    from .import_dialog import ImportDialog, ImportHistoryDialog

    ctx = window.ctx
    with ctx.uow(read_only=True) as uow:
        first = listing.person_page(uow, listing.PersonQuery(), 0, 1)
    known = f"{first[0].name}" if first else "Beispiel, Bea"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "kontakte-2025.csv"
        source.write_text("Datum;Name;Geb.-Datum;Kategorie;Kontaktart;Dauer\n"
                          f"03.02.2025;{known};;Miete;Telefon;30\n"
                          "04.02.2025;Neumann, Erika;01.02.1950;Mietrecht;Hausbesuch;1,5 h\n"
                          "05.02.2025;Neumann, Erika;01.02.1950;Mietrecht;Sprechstunde;20 min\n"
                          "31.02.2025;Weiß, Anna;;Miete;;\n", encoding="utf-8")
        dialog = ImportDialog(ctx, source, importing.read_table(source), window)
        dialog.show()
        deadline = time.monotonic() + 20
        while dialog.preview is None and time.monotonic() < deadline:
            _settle()
            time.sleep(0.02)
        grab(dialog, "dialog-import")
        dialog.done(0)
        dialog.deleteLater()
    history = ImportHistoryDialog(ctx, window)
    history.show()
    grab(history, "dialog-import-verlauf")
    history.done(0)
    history.deleteLater()


def take_screenshots(window: MainWindow, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    window.resize(1366, 728)  # her 1366×768 laptop, maximised, less the title bar
    window.show()
    _settle()

    def grab(widget: QWidget, name: str) -> None:
        _settle()
        path = out / f"{len(written) + 1:02d}-{name}.png"
        widget.grab().save(str(path))
        written.append(path)

    for name in SECTIONS:
        window.show_section(name)
        if name in ("Personen", "Anliegen", "Vermittlungen", "Partner", "Ehrenamt", "Aktivitäten", "Netzwerk"):
            view = getattr(window.pages[name], "view", None)
            if view is not None:
                view.selectRow(0)
        grab(window, _slug(name))

    settings_page = window.show_section("Einstellungen")
    assert isinstance(settings_page, SettingsPage)
    settings_page.show_list("districts").view.selectRow(0)
    grab(window, "einstellungen-stadtgebiete")
    settings_page.show_retention()
    grab(window, "einstellungen-aufbewahrung")
    settings_page.tabs.setCurrentWidget(settings_page.audit_log)
    grab(window, "einstellungen-protokoll")
    settings_page.tabs.setCurrentIndex(0)

    reports = window.show_section("Berichte")
    assert isinstance(reports, ReportsPage)
    for i in range(reports.tabs.count()):
        reports.tabs.setCurrentIndex(i)
        reports.wait_idle()
        grab(window, "berichte-" + _slug(reports.tabs.tabText(i).replace("&", "")))
    reports.tabs.setCurrentIndex(0)

    tallies = window.show_tallies()
    grab(tallies, "strichliste")
    tallies.close()

    persons_page = window.show_section("Personen")
    assert isinstance(persons_page, PersonsPage)
    persons_page.search.setText("mül")
    persons_page._apply_filter()
    persons_page.view.selectRow(0)
    grab(window, "personen-suche")

    ctx = window.ctx
    with ctx.uow(read_only=True) as uow:
        first = listing.person_page(uow, listing.PersonQuery(), 0, 1)
        first_request = listing.request_page(uow, listing.RequestQuery(), 0, 1)
    dialogs: list[tuple[str, Callable[[], GuardedDialog]]] = [("dialog-neue-person", lambda: PersonDialog(ctx, parent=window))]
    if first:
        from kuemmerer.services import persons

        with ctx.uow(read_only=True) as uow:
            person = persons.get_person(uow, first[0].id)
        dialogs.append(("dialog-person-bearbeiten", lambda: PersonDialog(ctx, person, parent=window)))
        dialogs.append(("dialog-kontakt", lambda: ContactDialog(ctx, person.id, person.display_name, parent=window)))
        dialogs.append(("dialog-neues-anliegen",
                        lambda: RequestDialog(ctx, person.id, person.display_name, parent=window)))
    if first_request:
        from kuemmerer.services import requests

        with ctx.uow(read_only=True) as uow:
            req = requests.get_request(uow, first_request[0].id)
        dialogs.append(("dialog-anliegen-bearbeiten",
                        lambda: RequestDialog(ctx, req.person_id, first_request[0].person_name, req, parent=window)))
    with ctx.uow(read_only=True) as uow:
        first_referral = listing.referral_page(uow, listing.ReferralQuery(state="awaiting"), 0, 1)
    if first_referral:
        from kuemmerer.services import partners

        ref_row = first_referral[0]
        with ctx.uow(read_only=True) as uow:
            referral = partners.get_referral(uow, ref_row.id)

        def new_referral() -> GuardedDialog:
            d = ReferralDialog(ctx, referral.person_id, ref_row.person_name, parent=window)
            d.service.setCurrentIndex(max(0, d.service.findData(referral.service_id)))
            d.organisation.setCurrentIndex(max(0, d.organisation.findData(referral.organisation_id)))
            d.record_consent.setChecked(True)
            return d

        dialogs.append(("dialog-vermitteln", new_referral))
        dialogs.append(("dialog-vermittlung-bearbeiten",
                        lambda: ReferralDialog(ctx, referral.person_id, ref_row.person_name, referral=referral,
                                               parent=window)))
    dialogs.append(("dialog-briefkopf", lambda: LetterheadDialog(ctx, window)))
    dialogs.append(("dialog-erster-start", lambda: FirstStartDialog(ctx, window)))

    def errors_dialog() -> GuardedDialog:
        d = PersonDialog(ctx, parent=window)
        d.birth_date.edit.setText("31.02.1980")
        d.email.setText("keine-adresse")
        d.save()
        return d

    dialogs.append(("dialog-person-fehler", errors_dialog))

    def capture_dialog() -> GuardedDialog:
        d = QuickCaptureDialog(ctx, window)
        d.search.setText("mül")
        d._search_changed("mül")
        return d

    dialogs.append(("dialog-sprechstunde", capture_dialog))

    def capture_anonymous() -> GuardedDialog:
        d = QuickCaptureDialog(ctx, window)
        d.anonymous.setChecked(True)
        return d

    dialogs.append(("dialog-sprechstunde-anonym", capture_anonymous))
    dialogs += _section_dialogs(window)
    for name, make in dialogs:
        dialog = make()
        dialog.show()
        grab(dialog, name)
        dialog._dirty = False
        dialog.done(0)
        dialog.deleteLater()

    _import_dialogs(window, grab)

    from .dialogs.encryption_setup import PasswordSetupDialog
    from .dialogs.unlock import UnlockDialog

    setup = PasswordSetupDialog(ctx.ws.path.name, window)
    setup.show()
    grab(setup, "ersteinrichtung-passwort")
    setup.password_edit.setText("Kastanienallee-17")
    setup.repeated_edit.setText("Kastanienallee-17")
    setup.go_on()
    grab(setup, "ersteinrichtung-notfallblatt")
    setup.reject()
    setup.deleteLater()
    unlock = UnlockDialog(ctx.ws.path, window, demo_hint=ctx.demo)
    unlock.show()
    grab(unlock, "start-passwort")
    unlock.done(0)
    unlock.deleteLater()
    if ctx.ws.encrypted:
        window.lock()
        grab(window.lock_dialog or window, "gesperrt")
        window.lock_dialog.close() if window.lock_dialog is not None else None
    QTimer.singleShot(0, window.close)
    _settle()
    return written

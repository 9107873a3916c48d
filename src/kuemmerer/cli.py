"""``kuemmerer-cli``: the headless entry point, on the same services as the window.

Errors print one German line (never a traceback) and exit non-zero:
1 = the check found problems, 2 = a clear error (bad input, locked, damaged…),
3 = an unexpected error (details in the log file, without personal data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kuemmerer import __version__
from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError, MigrationBlocked, ValidationError

if TYPE_CHECKING:
    from kuemmerer.services.dto import ConsentFormData, ReferralSheet

log = logging.getLogger("kuemmerer.cli")


_ARGPARSE_DE = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Befehle",
    "options": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Versionsnummer zeigen und beenden",
    "the following arguments are required: %s": "Es fehlt: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "unbekannter Befehl %(value)r (möglich: %(choices)s)",
    "expected one argument": "erwartet einen Wert",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "argument %(argument_name)s: %(message)s": "%(message)s",
    "%(prog)s: error: %(message)s\n": "Fehler: %(message)s\n",
}
# argparse looks `_` up at call time; typeshed's argparse stub omits that module-private name
argparse._ = lambda text: _ARGPARSE_DE.get(text, text)  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"Fehler: {message}\n")


def _date(text: str) -> dt.date:
    """A date as Germans type it (``1.1.2026``, ``16.12.``, ``heute``, ISO): the one parser."""
    from kuemmerer.domain.dates import DateError, DateKind
    from kuemmerer.services.validation import parse_date

    try:
        return parse_date(text, DateKind.FUTURE_ALLOWED) or _empty_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(f"„{text}“: {exc.message}") from None


def _record_id(text: str) -> int:
    """The number of a record as shown in the program: 1 … 2⁶³−1 (SQLite's largest)."""
    from kuemmerer.services.validation import as_id

    ident = as_id(text)
    if ident is None:
        raise argparse.ArgumentTypeError(f"„{text[:30]}“ ist keine gültige Nummer (eine ganze Zahl ab 1).")
    return ident


def _os_message(exc: OSError, what: str) -> str:
    """One German sentence for a file-system refusal (the system's English text is not shown)."""
    import errno

    reasons = {
        errno.ENAMETOOLONG: "Der Name oder Pfad ist zu lang – bitte einen kürzeren wählen.",
        errno.EACCES: "Keine Berechtigung – bitte einen Ordner wählen, in dem Sie schreiben dürfen.",
        errno.EPERM: "Keine Berechtigung – bitte einen Ordner wählen, in dem Sie schreiben dürfen.",
        errno.EROFS: "Der Datenträger ist schreibgeschützt – bitte einen anderen Ort wählen.",
        errno.ENOSPC: "Der Datenträger ist voll – bitte Platz schaffen oder einen anderen Ort wählen.",
        errno.EISDIR: "Das ist ein Ordner – bitte einen Dateinamen angeben.",
        errno.ENOENT: "Den Ordner gibt es nicht.",
        errno.ENOTDIR: "Ein Teil des Pfads ist kein Ordner.",
    }
    return f"{what}: {reasons.get(exc.errno or 0, f'Zugriff nicht möglich (Fehlernummer {exc.errno}).')}"


def _check_out(text: str) -> Path:
    """``--out``: a file name in an existing folder she may write to; nothing is created here."""
    import os

    if not text.strip():
        raise KuemmererError("--out: Bitte einen Dateinamen angeben, z. B. bogen.pdf.")
    out = Path(text)
    if out.is_dir():
        raise KuemmererError(f"--out: {out} ist ein Ordner – bitte einen Dateinamen angeben, z. B. bogen.pdf.")
    if not out.parent.is_dir():
        raise KuemmererError(f"Den Ordner {out.parent} gibt es nicht.")
    try:
        name_max = os.pathconf(out.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    if len(os.fsencode(out.name + ".tmp")) > name_max:
        raise KuemmererError("--out: Der Dateiname ist zu lang – bitte einen kürzeren wählen.")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise KuemmererError(f"--out: Keine Berechtigung, {out} zu schreiben – bitte einen anderen Ort wählen.")
    return out


def _empty_date(text: str) -> dt.date:
    raise argparse.ArgumentTypeError("Bitte ein Datum wie 16.12.2026 angeben.")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kuemmerer-cli", description="Kümmerer ohne Fenster: Demodaten, Prüfung, "
                "Sicherung, Wiederherstellung, Statistik, Excel-Export und Sachbericht.")
    p.add_argument("--db", metavar="PFAD", help="Datenbankdatei (sonst KUEMMERER_DB oder der Standardordner)")
    p.add_argument("--demo", action="store_true",
                   help="die Demodatenbank verwenden, die „make run“ (kuemmerer --demo) angelegt hat")
    p.add_argument("--password-file", metavar="DATEI",
                   help="Passwort aus der ersten Zeile dieser Datei (sonst KUEMMERER_PASSWORD oder Abfrage)")
    p.add_argument("--code-file", metavar="DATEI",
                   help="mit dem Notfallcode öffnen (Textdatei mit dem Code vom Notfallblatt)")
    p.add_argument("--version", action="version", version=f"Kümmerer {__version__}",
                   help="Versionsnummer zeigen und beenden")
    sub = p.add_subparsers(dest="command", required=True, metavar="BEFEHL", parser_class=_Parser)

    init = sub.add_parser("init", help="neue verschlüsselte Datenbank anlegen und das Notfallblatt speichern")
    init.add_argument("--notfallblatt", required=True, metavar="DATEI",
                      help="Ziel des Notfallblatts (PDF mit dem Notfallcode: ausdrucken und sicher verwahren)")

    demo = sub.add_parser("demo", help="leere Datenbank mit erfundenen Demodaten füllen")
    demo.add_argument("--years", type=int, default=3, help="Anzahl Jahre (Standard 3)")
    demo.add_argument("--seed", type=int, default=1, help="Startwert des Zufalls (gleich = gleiche Daten)")

    sub.add_parser("check", help="Datenbank prüfen (Integrität und Verweise)")

    bk = sub.add_parser("backup", help="geprüfte Sicherung erstellen")
    bk.add_argument("--to", metavar="ORDNER", help="Zielordner (Standard: Ordner „Sicherungen“ neben der Datenbank)")

    sub.add_parser("backups", help="vorhandene Sicherungen auflisten")

    rs = sub.add_parser("restore", help="Sicherung wiederherstellen (der jetzige Stand wird vorher gesichert)")
    rs.add_argument("file", metavar="DATEI")

    for name, text in (("referral-sheet", "Vermittlungsbogen als PDF"),
                       ("consent-form", "Schweigepflichtentbindung als PDF (zum Unterschreiben)")):
        doc = sub.add_parser(name, help=text)
        doc.add_argument("referral_id", type=_record_id, metavar="VERMITTLUNG_NR")
        doc.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. bogen.pdf")

    st = sub.add_parser("stats", help="Statistik für einen Zeitraum (ohne Angabe: das laufende Jahr)")
    st.add_argument("--from", dest="start", type=_date, metavar="TT.MM.JJJJ", help="erster Tag")
    st.add_argument("--to", dest="end", type=_date, metavar="TT.MM.JJJJ", help="letzter Tag")
    st.add_argument("--year", type=int, metavar="JJJJ", help="ganzes Kalenderjahr (Standard: das laufende)")
    st.add_argument("--json", action="store_true", help="als JSON ausgeben")

    ics = sub.add_parser("ics", help="Kalender (.ics): alle Sitzungen und offenen Wiedervorlagen, ohne Namen "
                                     "(Standard: 90 Tage zurück bis ein Jahr voraus)")
    ics.add_argument("--from", dest="start", type=_date, metavar="TT.MM.JJJJ", help="erster Tag")
    ics.add_argument("--to", dest="end", type=_date, metavar="TT.MM.JJJJ", help="letzter Tag")
    ics.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. termine.ics")

    _add_export_parser(sub)
    from kuemmerer import cli_activities, cli_auskunft, cli_import, cli_networks, cli_report

    cli_report.add_parser(sub, _date)
    cli_auskunft.add_parser(sub, _record_id)
    cli_activities.add_parser(sub, _record_id, _date)
    cli_networks.add_parser(sub, _record_id)
    cli_import.add_parser(sub, _record_id)

    ls = sub.add_parser("lists", help="Stadtgebiete, Themen oder Angebote anzeigen oder ergänzen")
    ls.add_argument("list_kind", choices=("districts", "categories", "services"), metavar="LISTE",
                    help="districts (Stadtgebiete), categories (Themen) oder services (Angebote)")
    ls.add_argument("--add", metavar="NAME", help="einen Eintrag hinzufügen")
    ls.add_argument("--streets", metavar="DATEI",
                    help="mit --add bei districts: Textdatei (UTF-8) mit einer Straße je Zeile")
    return p


def _add_export_parser(sub) -> None:
    ex = sub.add_parser("export", help="Excel-Datei: Jahresstatistik oder eine Liste")
    what = ex.add_subparsers(dest="export_what", required=True, metavar="WAS", parser_class=_Parser)
    es = what.add_parser("stats", help="Jahresstatistik (xlsx) für einen Zeitraum; wird im Berichtsarchiv abgelegt")
    ls = what.add_parser("list", help="eine Liste als Tabelle (xlsx): persons (Personen), requests (Anliegen), "
                         "contacts (Kontakte eines Zeitraums), referrals (Vermittlungen), partners (Partner), "
                         "volunteers (Ehrenamtliche), activities (Aktivitäten; beide mit den Zahlen des laufenden Jahres)")
    ls.add_argument("kind", metavar="LISTE",
                    help="persons, requests, contacts, referrals, partners, volunteers oder activities")
    for p in (es, ls):
        contacts = " (nur bei contacts; Standard: das laufende Jahr)" if p is ls else ""
        figures = " (bei contacts; bei volunteers und activities: das Jahr der Zahlen)" if p is ls else ""
        p.add_argument("--year", type=int, metavar="JJJJ", help=f"ganzes Kalenderjahr{figures}")
        p.add_argument("--from", dest="start", type=_date, metavar="TT.MM.JJJJ", help=f"erster Tag{contacts}")
        p.add_argument("--to", dest="end", type=_date, metavar="TT.MM.JJJJ", help=f"letzter Tag{contacts}")
    ls.add_argument("--search", default="", metavar="TEXT",
                    help="nur Einträge, die den Text enthalten (wie das Suchfeld der Liste)")
    for p in (es, ls):
        p.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. liste.xlsx")


# --------------------------------------------------------------------------- commands


def _open(db_path: Path):
    """The existing database, unlocked with the password (``cli_keys``)."""
    from kuemmerer import cli_keys
    from kuemmerer.services.workspace import open_workspace

    if not db_path.exists():
        raise KuemmererError(f"Die Datenbank {db_path} gibt es nicht. Eine neue legt „kuemmerer-cli --db … init "
                             "--notfallblatt DATEI“ an (oder der erste Start des Programms).")
    return open_workspace(db_path, create=False, key=cli_keys.key_for(db_path))


def cmd_init(args, db_path: Path) -> int:
    """A new encrypted database: the Notfallblatt is written before the database exists."""
    from kuemmerer import cli_keys
    from kuemmerer.exports.notfallblatt import NotfallblattData, notfallblatt_pdf
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.paths import write_atomically
    from kuemmerer.services import encryption, validation

    if db_path.exists():
        raise KuemmererError(f"Die Datenbank {db_path} gibt es schon; es wird keine neue angelegt.")
    target = _check_out(args.notfallblatt)
    password = cli_keys.new_password(db_path)
    encryption.check_new_password(password, password)
    key = encryption.new_key()
    pdf = notfallblatt_pdf(NotfallblattData(key=key, database_name=db_path.name, created_on=validation.today()))
    _saved(target, lambda: write_atomically(pdf, target))
    with InstanceLock(db_path):
        encryption.create(db_path, key, password).close()
    print(f"Verschlüsselte Datenbank angelegt: {db_path}")
    print(f"Notfallblatt gespeichert: {target} – bitte ausdrucken, sicher verwahren und die Datei dann löschen.")
    return 0


def cmd_demo(args, db_path: Path) -> int:
    from kuemmerer import cli_keys
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.services import demo, encryption

    if args.years < 1 or args.years > 15:
        raise ValidationError.single("years", "--years muss zwischen 1 und 15 liegen.")
    with InstanceLock(db_path):
        if db_path.exists():
            db = _open(db_path)
        else:  # synthetic residents only: her password, or else the demo password
            password = cli_keys.password() if (args.password_file or encryption.password_from_environment()) \
                else encryption.DEMO_PASSWORD
            db = encryption.create(db_path, encryption.new_key(), password or encryption.DEMO_PASSWORD)
            if password == encryption.DEMO_PASSWORD:
                print(f"Passwort der Demodatenbank: {encryption.DEMO_PASSWORD}", file=sys.stderr)
        try:
            with db.uow() as uow:
                summary = demo.generate(uow, years=args.years, seed=args.seed)
        finally:
            db.close()
    print(f"Demodaten erzeugt in {db_path}: {summary.persons} Personen, {summary.contacts} Kontakte, "
          f"{summary.referrals} Vermittlungen, {summary.volunteers} Ehrenamtliche, "
          f"{summary.activities} Aktivitäten, {summary.meetings} Sitzungen.")
    return 0


def cmd_check(args, db_path: Path) -> int:
    from kuemmerer import cli_keys
    from kuemmerer.services import maintenance

    problems = maintenance.check(db_path, cli_keys.key_for(db_path))
    if not problems:
        print("ok")
        return 0
    print(f"{len(problems)} Problem(e) in {db_path}:")
    for line in problems[:50]:
        print(f"  {line}")
    return 1


def cmd_backup(args, db_path: Path) -> int:
    from kuemmerer.services import maintenance

    db = _open(db_path)
    try:
        info = maintenance.create_backup(db, Path(args.to) if args.to else None)
    finally:
        db.close()
    print(f"Sicherung erstellt und geprüft: {info.path}")
    return 0


def cmd_backups(args, db_path: Path) -> int:
    from kuemmerer.services import maintenance
    from kuemmerer.services.workspace import backup_dir_for

    backup_dir = backup_dir_for(db_path)
    found = maintenance.list_backups(db_path, backup_dir)
    if not found:
        print(f"Keine Sicherungen in {backup_dir}.")
        return 0
    for b in found:
        print(f"{b.taken_at:%d.%m.%Y %H:%M:%S}  {b.reason:<22} {b.size_bytes / 1024:>9.0f} KB  {b.path}")
    return 0


def cmd_restore(args, db_path: Path) -> int:
    from kuemmerer import cli_keys
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.services import encryption, maintenance
    from kuemmerer.services.workspace import backup_dir_for

    with InstanceLock(db_path):
        key = cli_keys.key_for_restore(db_path, Path(args.file))
        restored = maintenance.restore(db_path, Path(args.file), backup_dir_for(db_path), key)
        encryption.adopt_backup_keyfile(db_path, Path(args.file))
        db = _open(db_path)  # migrates an older backup to the current schema
        try:
            again = maintenance.record_restore(db, restored)
        finally:
            db.close()
    print(f"Wiederhergestellt aus {args.file}.")
    if again:
        print(maintenance.reapplied_text(again))
    if restored.safety:
        print(f"Der vorherige Stand wurde gesichert: {restored.safety.path}")
    return 0


def _period(args) -> tuple[dt.date, dt.date]:
    """--year, or --from with --to, or nothing: the running year."""
    from kuemmerer.domain.dates import FIRST_YEAR, LAST_YEAR, YEAR_RANGE
    from kuemmerer.services.validation import today

    if args.year is not None:
        if args.start or args.end:
            raise ValidationError.single("year", "Bitte entweder --year oder --from/--to angeben.")
        if not FIRST_YEAR <= args.year <= LAST_YEAR:
            raise ValidationError.single("year", f"--year {args.year}: {YEAR_RANGE}")
        return dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    if not args.start and not args.end:
        year = today().year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not (args.start and args.end):
        raise ValidationError.single("period", "Bitte --from und --to zusammen angeben (oder --year).")
    if args.end < args.start:
        raise ValidationError.single("period", "--to liegt vor --from.")
    return args.start, args.end


def format_stats(stats, note: str | None = None) -> str:
    """The statistics as a German plain-text table (under ``note``: where they come from)."""
    lines = [f"Statistik {stats.period_from:%d.%m.%Y} – {stats.period_to:%d.%m.%Y}"]
    if note:
        lines.append(note)
    lines.append("")

    def block(title: str, mapping: dict[str, int]) -> None:
        lines.append(title)
        for key, value in mapping.items():
            lines.append(f"  {key:<34}{value:>8}")

    lines.append(f"Teilnehmende (namentlich)           {stats.participants_named:>8}")
    lines.append(f"Teilnehmende (anonym)               {stats.participants_anonymous:>8}")
    block("nach Stadtgebiet", stats.by_district)
    block("nach Geschlecht", stats.by_gender)
    block("nach Altersgruppe", stats.by_age_band)
    lines.append(f"Kontakte                            {stats.contacts:>8}")
    lines.append(f"Anliegen neu / abgeschlossen        {stats.requests_opened:>8} / {stats.requests_closed}")
    block("Anliegen nach Thema", stats.requests_by_category)
    lines.append(f"Vermittlungen                       {stats.referrals_total:>8}")
    block("nach Angebot", stats.referrals_by_service)
    block("nach Ergebnis", stats.referrals_by_outcome)
    hours = f"{stats.volunteer_hours:.1f}".replace(".", ",")
    lines.append(f"Ehrenamtliche aktiv / Stunden       {stats.volunteers_active:>8} / {hours}")
    lines.append(f"Termine von Aktivitäten             {stats.sessions:>8}")
    lines.append(f"Teilnahmen namentlich / anonym      {stats.attendance_named:>8} / {stats.attendance_anonymous}")
    lines.append(f"Netzwerksitzungen                   {stats.meetings:>8}")
    return "\n".join(lines)


def format_differences(frozen) -> str:
    """How the live data differs from frozen figures, one figure a line."""
    if frozen is None or not frozen.differences:
        return ""

    def num(value) -> str:
        return f"{value:g}".replace(".", ",")

    lines = ["", "Abweichungen der aktuellen Daten von den eingefrorenen Zahlen:",
             f"  {'':<44}{'eingefroren':>12}{'aktuell':>10}{'Differenz':>11}"]
    for d in frozen.differences:
        sign = "+" if d.difference > 0 else ""
        lines.append(f"  {d.label:<44}{num(d.frozen):>12}{num(d.live):>10}{sign + num(d.difference):>11}")
    return "\n".join(lines)


def cmd_stats(args, db_path: Path) -> int:
    from kuemmerer.services import statistics

    start, end = _period(args)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            figures = statistics.reported(uow, start, end)
    finally:
        db.close()
    if args.json:
        import json

        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
    else:
        print(format_stats(figures.stats, figures.note) + format_differences(figures.frozen))
    return 0


def _unlocked_early(db_path: Path) -> bytes | None:
    """The key ``cli_keys.start_unlock`` derived in the background for ``db_path`` (None: none
    was started — Notfallcode, prompt, plain file, no key file — or the password did not fit).
    It stays there for ``cli_keys.key_for``, so the normal open after all costs no second scrypt."""
    from kuemmerer import cli_keys

    return cli_keys.peek_early_key(db_path)  # read, not taken: key_for takes it


def _load_document_code(command: str) -> None:
    """What a document needs besides its data — reportlab, the PDF writer and its embedded
    fonts — loaded while the key file's scrypt runs in the background (``cli_keys.start_unlock``;
    it releases the GIL), not after it."""
    from kuemmerer.exports import pdf_base

    if command == "referral-sheet":
        from kuemmerer.exports import referral_sheet  # noqa: F401 - loaded now, used after the unlock
    else:
        from kuemmerer.exports import consent_form  # noqa: F401 - loaded now, used after the unlock
    pdf_base.register_fonts()


def _document_light(args, db_path: Path) -> ReferralSheet | ConsentFormData | None:
    """The document read without SQLAlchemy (issue 12: the whole command ≤ 2× a plain script),
    when the key was unlocked early and the normal open would only read; None: open normally,
    which checks, migrates and refuses with its own German messages (a wrong password, a
    referral that does not exist …)."""
    from kuemmerer.services import referral_docs

    _load_document_code(args.command)
    key = _unlocked_early(db_path)
    if key is None:
        return None
    if args.command == "referral-sheet":
        return referral_docs.referral_sheet_light(db_path, key, args.referral_id)
    return referral_docs.consent_form_light(db_path, key, args.referral_id)


def cmd_document(args, db_path: Path) -> int:
    """``referral-sheet`` and ``consent-form``: read lightly if the open would only read, else
    through the normal open (``_document_light``); the PDF is written atomically."""
    out = _check_out(args.out)
    data = _document_light(args, db_path)
    if data is None:
        from kuemmerer.services import referral_docs

        db = _open(db_path)
        try:
            with db.uow(read_only=True) as uow:
                if args.command == "referral-sheet":
                    data = referral_docs.referral_sheet(uow, args.referral_id)
                else:
                    data = referral_docs.consent_form(uow, args.referral_id)
        finally:
            db.close()
    from kuemmerer.exports.documents import referral_pdf, save_file

    try:
        save_file(referral_pdf(data), out)
    except OSError as exc:
        raise KuemmererError(_os_message(exc, f"{out} konnte nicht gespeichert werden")) from None
    print(f"Gespeichert: {out}")
    return 0


def cmd_ics(args, db_path: Path) -> int:
    """``ics``: meetings and open follow-ups as an iCalendar file (her calendar imports it)."""
    from kuemmerer.paths import write_atomically
    from kuemmerer.services import calendar

    calendar.check_range(args.start, args.end)  # a bad range is refused before the file is opened
    out = _check_out(args.out)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            data = calendar.calendar_data(uow, args.start, args.end)
    finally:
        db.close()
    from kuemmerer.exports.ics import ics_bytes

    _saved(out, lambda: write_atomically(ics_bytes(data), out))
    print(f"Gespeichert: {out} ({len(data.entries)} Termine vom {data.start:%d.%m.%Y} bis {data.end:%d.%m.%Y})")
    return 0


def _export_period(args, *, required: bool):
    """``--year`` or ``--from`` with ``--to`` as a ``Period`` (named: "2025", "2. Quartal 2025" …)."""
    from kuemmerer.domain.periods import Period

    if required and args.year is None and not args.start and not args.end:
        raise ValidationError.single("period", "Bitte den Zeitraum angeben: --year JJJJ oder --from und --to.")
    return Period.between(*_period(args))


def _list_query(args):
    from kuemmerer.services import exports, listing

    kind = args.kind
    if kind not in exports.KINDS:
        raise ValidationError.single("kind", f"Unbekannte Liste „{kind[:30]}“ – möglich sind: {', '.join(exports.KINDS)}.")
    search = args.search.strip()
    if kind == "contacts":
        return exports.ContactQuery(_export_period(args, required=False), search)
    if kind == "volunteers" and not (args.start or args.end):  # --year: the year of the figures
        return exports.matching.VolunteerQuery(year=args.year, search=search)
    if kind == "activities" and not (args.start or args.end):
        return exports.activity_overview.ActivityQuery(year=args.year, search=search, active=None)
    if args.year is not None or args.start or args.end:
        raise ValidationError.single("period", "--year, --from und --to gibt es nur bei contacts (Kontakte); "
                                               "--year auch bei volunteers und activities.")
    # without a list window there is no filter to keep: everything the search finds
    return {"persons": listing.PersonQuery(search),
            "requests": listing.RequestQuery(search, status=None),
            "referrals": listing.ReferralQuery(search, state=None),
            "partners": exports.PartnerQuery(search, include_inactive=True)}[kind]


def cmd_export(args, db_path: Path) -> int:
    """``export stats`` (Jahresstatistik, archived) and ``export list KIND`` (a list as xlsx)."""
    from kuemmerer.exports import xlsx
    from kuemmerer.services import exports

    if args.export_what == "stats":
        period = _export_period(args, required=True)
        out = _check_out(args.out)
        from kuemmerer.instance_lock import InstanceLock

        with InstanceLock(db_path):
            db = _open(db_path)
            try:
                with db.uow() as uow:
                    _saved(out, lambda: exports.save_jahresstatistik(uow, period, out, xlsx.jahresstatistik_bytes))
            finally:
                db.close()
        print(f"Gespeichert: {out} (Jahresstatistik {period.label}, im Berichtsarchiv abgelegt).")
        return 0
    query = _list_query(args)
    out = _check_out(args.out)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            export = exports.list_export(uow, args.kind, query)
            rows = _saved(out, lambda: xlsx.save_table(out, export))
    finally:
        db.close()
    print(f"Gespeichert: {out} ({rows} {'Zeile' if rows == 1 else 'Zeilen'}).")
    return 0


def _saved(out: Path, write):
    """Run ``write`` (which saves to ``out``); a refusal of the file system becomes one German line."""
    try:
        return write()
    except OSError as exc:
        raise KuemmererError(_os_message(exc, f"{out} konnte nicht gespeichert werden")) from None


def cmd_lists(args, db_path: Path) -> int:
    """``lists KIND`` prints a list; ``lists KIND --add NAME [--streets FILE]`` adds one entry."""
    from kuemmerer.services import lists

    if args.add is None:
        if args.streets:
            raise ValidationError.single("streets", "--streets geht nur zusammen mit --add.")
        db = _open(db_path)
        try:
            with db.uow(read_only=True) as uow:
                entries = lists.entries(uow, args.list_kind)
        finally:
            db.close()
        for e in entries:
            line = f"{e.name:<40} {'aktiv' if e.active else 'deaktiviert':<12}"
            if args.list_kind == "districts":
                line += f" {e.streets:>4} Straßen"
            print(line.rstrip())
        return 0
    if args.streets and args.list_kind != "districts":
        raise ValidationError.single("streets", "--streets gibt es nur für districts (Stadtgebiete).")
    streets = _read_text_file(Path(args.streets)) if args.streets else None
    from kuemmerer.instance_lock import InstanceLock

    with InstanceLock(db_path):
        db = _open(db_path)
        try:
            with db.uow() as uow:
                entry = lists.add_with_streets(uow, args.list_kind, args.add, streets)
        finally:
            db.close()
    extra = f" mit {entry.streets} Straßen" if streets is not None else ""
    print(f"Hinzugefügt: {entry.name}{extra}.")
    return 0


def _read_text_file(path: Path) -> str:
    from kuemmerer.cli_keys import read_text

    return read_text(path)


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "referral-sheet": cmd_document, "consent-form": cmd_document, "check": cmd_check,
            "backup": cmd_backup, "backups": cmd_backups, "restore": cmd_restore, "stats": cmd_stats, "lists": cmd_lists,
            "export": cmd_export, "ics": cmd_ics, "report": lambda args, db: _cli_report().run(args, db),
            "auskunft": lambda args, db: _cli_auskunft().run(args, db),
            "sign-in-sheet": lambda args, db: _cli_activities().run(args, db),
            "certificate": lambda args, db: _cli_activities().run(args, db),
            "minutes": lambda args, db: _cli_networks().run(args, db),
            "invitation": lambda args, db: _cli_networks().run(args, db),
            "import": lambda args, db: _cli_import().run(args, db),
            "imports": lambda args, db: _cli_import().run(args, db),
            "import-undo": lambda args, db: _cli_import().run(args, db)}


_OPENS_EXISTING = frozenset({"referral-sheet", "consent-form", "check", "backup", "stats", "lists", "export", "report",
                             "auskunft", "ics", "sign-in-sheet", "certificate", "minutes", "invitation",
                             "import", "imports", "import-undo"})


def _cli_import():
    from kuemmerer import cli_import

    return cli_import


def _cli_networks():
    from kuemmerer import cli_networks

    return cli_networks


def _cli_activities():
    from kuemmerer import cli_activities

    return cli_activities


def _cli_report():
    from kuemmerer import cli_report

    return cli_report


def _cli_auskunft():
    from kuemmerer import cli_auskunft

    return cli_auskunft


def main(argv: Sequence[str] | None = None) -> int:
    from kuemmerer.logging_setup import log_unexpected, setup_logging
    from kuemmerer.paths import demo_db_path, resolve_db_path

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed in German
        return exc.code if isinstance(exc.code, int) else 2
    try:
        log_file = setup_logging()
    except OSError:
        log_file = None
    try:
        if args.demo and args.db:
            raise KuemmererError("Bitte entweder --db oder --demo angeben.")
        db_path = demo_db_path() if args.demo else resolve_db_path(args.db)
        from kuemmerer import cli_keys

        cli_keys.configure(args.password_file, args.code_file, args.demo)
        if args.command in _OPENS_EXISTING:  # the key file's scrypt runs while the database layer is imported
            cli_keys.start_unlock(db_path)
        creates = args.command in ("demo", "init")
        # restore works on a missing or moved-aside database; a folder, foreign, unreadable or
        # read-only file is refused here, before a lock file or anything else is created
        from kuemmerer.services.opening import check_openable  # no SQLAlchemy: commands load it when they open

        check_openable(db_path, write=args.command not in ("check", "backups"))
        if not creates and args.command != "restore" and not db_path.exists():
            # no command but init creates her database any more (it is encrypted: password and
            # Notfallblatt first), so the message says how - as ``_open`` meant to, which this
            # check runs before
            hint = (" Sie entsteht beim ersten Start mit „make run“ (kuemmerer --demo)." if args.demo else
                    " Eine neue legt „kuemmerer-cli --db … init --notfallblatt DATEI“ an (oder der erste Start "
                    "des Programms).")
            raise KuemmererError(f"Die Datenbank {db_path} gibt es nicht.{hint}")
        return COMMANDS[args.command](args, db_path)
    except ValidationError as exc:
        print("Fehler: " + " ".join(exc.errors.values()), file=sys.stderr)
        return 2
    except (DatabaseDamaged, MigrationBlocked) as exc:
        backup = f"„{exc.newest_backup}“" if exc.newest_backup else "DATEI"
        print(f"Fehler: {exc} Wiederherstellen mit: kuemmerer-cli --db „{db_path}“ restore {backup}",
              file=sys.stderr)
        return 2
    except KuemmererError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except OSError as exc:  # a path the system refuses (too long, no permission …): her input, not a bug
        print(f"Fehler: {_os_message(exc, 'Die Datei oder der Ordner kann nicht benutzt werden')}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 -- last resort: message-free traceback to the log, exit 3 (module docstring)
        log_unexpected(log, f"unexpected error in command {args.command}", exc)
        where = f" Details stehen im Protokoll: {log_file}" if log_file else ""
        print(f"Fehler: Ein unerwarteter Fehler ist aufgetreten.{where}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

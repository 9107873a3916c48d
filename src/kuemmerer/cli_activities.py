"""``kuemmerer-cli sign-in-sheet`` and ``kuemmerer-cli certificate``: the Teilnehmerliste of a
session and the Ehrenamtsnachweis of a volunteer as PDF (registered by cli.py).

``sign-in-sheet TERMIN_NR --out DATEI.pdf`` and
``certificate EHRENAMT_NR --from TT.MM.JJJJ --to TT.MM.JJJJ --out DATEI.pdf`` (ISO dates work
too). The data is read, the PDF built, and only then written: under a temporary name beside
the target, then renamed. Bad input (no such session or volunteer, a bad or reversed period)
is one German line, exit 2, and no file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

COMMANDS = ("sign-in-sheet", "certificate")


def add_parser(sub, record_id_type, date_type) -> None:
    sp = sub.add_parser("sign-in-sheet", help="Teilnehmerliste eines Termins als PDF (zum Unterschreiben)")
    sp.add_argument("session_id", type=record_id_type, metavar="TERMIN_NR")
    sp.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. teilnehmerliste.pdf")

    cp = sub.add_parser("certificate", help="Ehrenamtsnachweis für einen Zeitraum als PDF")
    cp.add_argument("volunteer_id", type=record_id_type, metavar="EHRENAMT_NR",
                    help="Nummer des Ehrenamts (wie in der Liste „Ehrenamt“)")
    cp.add_argument("--from", dest="start", required=True, type=date_type, metavar="TT.MM.JJJJ", help="erster Tag")
    cp.add_argument("--to", dest="end", required=True, type=date_type, metavar="TT.MM.JJJJ", help="letzter Tag")
    cp.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. ehrenamtsnachweis.pdf")


def run(args: argparse.Namespace, db_path: Path) -> int:
    from kuemmerer.cli import _check_out, _open, _saved
    from kuemmerer.domain.errors import ValidationError
    from kuemmerer.paths import write_atomically
    from kuemmerer.services import activity_docs

    if args.command == "certificate" and args.end < args.start:  # said in the words of the command line
        raise ValidationError.single("period", "--to liegt vor --from.")
    out = _check_out(args.out)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            if args.command == "sign-in-sheet":
                sheet = activity_docs.sign_in_sheet_data(uow, args.session_id)
            else:
                certificate = activity_docs.certificate_data(uow, args.volunteer_id, args.start, args.end)
    finally:
        db.close()
    if args.command == "sign-in-sheet":
        from kuemmerer.exports.sign_in_sheet import sign_in_sheet_pdf

        pdf = sign_in_sheet_pdf(sheet)
        what = f"Teilnehmerliste, {len(sheet.persons)} angemeldet"
    else:
        from kuemmerer.exports.certificate import certificate_pdf

        pdf = certificate_pdf(certificate)
        what = f"Ehrenamtsnachweis, {certificate.total_hours_text} Stunden"
    _saved(out, lambda: write_atomically(pdf, out))
    print(f"Gespeichert: {out} ({what})")
    return 0

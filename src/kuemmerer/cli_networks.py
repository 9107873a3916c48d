"""``kuemmerer-cli minutes`` and ``kuemmerer-cli invitation``: the Protokoll and the Einladung
of a network meeting as PDF (registered by cli.py).

``minutes SITZUNG_NR --out DATEI.pdf`` and ``invitation SITZUNG_NR --out DATEI.pdf``. The
data is read, the PDF built, and only then written: under a temporary name beside the
target, then renamed. Bad input (no such meeting, a bad number, an unusable --out) is one
German line, exit 2, and no file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

COMMANDS = ("minutes", "invitation")


def add_parser(sub, record_id_type) -> None:
    for name, text, example in (
            ("minutes", "Protokoll einer Sitzung (Netzwerk) als PDF", "protokoll.pdf"),
            ("invitation", "Einladung zu einer Sitzung (Netzwerk) als PDF, mit Tagesordnung und offenen Aufgaben",
             "einladung.pdf")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("meeting_id", type=record_id_type, metavar="SITZUNG_NR",
                        help="Nummer der Sitzung (wie im Bereich „Netzwerk“)")
        sp.add_argument("--out", required=True, metavar="DATEI", help=f"Ziel, z. B. {example}")


def run(args: argparse.Namespace, db_path: Path) -> int:
    from kuemmerer.cli import _check_out, _open, _saved
    from kuemmerer.paths import write_atomically
    from kuemmerer.services import network_docs

    out = _check_out(args.out)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            if args.command == "minutes":
                minutes = network_docs.minutes_data(uow, args.meeting_id)
            else:
                invitation = network_docs.invitation_data(uow, args.meeting_id)
    finally:
        db.close()
    from kuemmerer.exports import meeting_docs

    if args.command == "minutes":
        pdf = meeting_docs.minutes_pdf(minutes)
        n = len(minutes.action_items)
        what = f"Protokoll, {_tops(len(minutes.agenda))}, {n} {'Aufgabe' if n == 1 else 'Aufgaben'}"
    else:
        pdf = meeting_docs.invitation_pdf(invitation)
        n = len(invitation.open_items)
        what = f"Einladung, {_tops(len(invitation.agenda))}, {n} offene {'Aufgabe' if n == 1 else 'Aufgaben'}"
    _saved(out, lambda: write_atomically(pdf, out))
    print(f"Gespeichert: {out} ({what})")
    return 0


def _tops(n: int) -> str:
    return f"{n} {'Tagesordnungspunkt' if n == 1 else 'Tagesordnungspunkte'}"

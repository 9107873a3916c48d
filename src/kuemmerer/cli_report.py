"""``kuemmerer-cli report``: the PDF Sachbericht for a period (registered by cli.py).

``report (--year JJJJ | --from TT.MM.JJJJ --to TT.MM.JJJJ) [--suppress-below N] --out DATEI.pdf``
writes the PDF (temporary name, then rename) and archives it with its figures. Bad input
is refused before anything is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub, date_type) -> argparse.ArgumentParser:
    rp = sub.add_parser("report", help="Sachbericht als PDF für einen Zeitraum (wird archiviert)")
    rp.add_argument("--from", dest="start", type=date_type, metavar="TT.MM.JJJJ", help="erster Tag")
    rp.add_argument("--to", dest="end", type=date_type, metavar="TT.MM.JJJJ", help="letzter Tag")
    rp.add_argument("--year", type=str, metavar="JJJJ", help="ganzes Kalenderjahr")
    rp.add_argument("--suppress-below", type=str, metavar="N",
                    help="Zahlen unter N für die Veröffentlichung ausblenden (1 bis 100)")
    rp.add_argument("--out", required=True, metavar="DATEI", help="Ziel, z. B. sachbericht.pdf")
    return rp


def _whole_number(text: str | None, option: str, problem: str) -> int | None:
    from kuemmerer.domain.errors import ValidationError

    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise ValidationError.single(option, f"{option} „{text[:20]}“: {problem}") from None


def period_of(args):
    """``--year`` or ``--from`` with ``--to``, as a ``Period`` (German errors)."""
    from kuemmerer.domain.dates import YEAR_RANGE
    from kuemmerer.domain.errors import ValidationError
    from kuemmerer.domain.periods import Period

    year = _whole_number(args.year, "--year", "Bitte eine Jahreszahl angeben, z. B. 2025.")
    if year is not None:
        if args.start or args.end:
            raise ValidationError.single("year", "Bitte entweder --year oder --from/--to angeben.")
        try:
            return Period.year(year)
        except ValidationError:
            raise ValidationError.single("year", f"--year {year}: {YEAR_RANGE}") from None
    if not (args.start and args.end):
        raise ValidationError.single("period", "Bitte den Zeitraum angeben: --year JJJJ oder --from und --to.")
    if args.end < args.start:
        raise ValidationError.single("period", "--to liegt vor --from.")
    return Period.between(args.start, args.end)


def run(args, db_path: Path) -> int:
    from kuemmerer.cli import _check_out, _open, _os_message
    from kuemmerer.domain.errors import KuemmererError, ValidationError
    from kuemmerer.services import reports

    period = period_of(args)
    n = _whole_number(args.suppress_below, "--suppress-below", reports.SUPPRESS_RANGE)
    if n is not None and not 1 <= n <= 100:
        raise ValidationError.single("suppress_below", f"--suppress-below {n}: {reports.SUPPRESS_RANGE}")
    out = _check_out(args.out)

    from kuemmerer.exports.documents import save_file
    from kuemmerer.exports.sachbericht import sachbericht_pdf

    db = _open(db_path)
    try:
        with db.uow() as uow:
            draft = reports.draft_sachbericht(uow, period, sachbericht_pdf, suppress_below=n)
            try:
                save_file(draft.pdf, out)
            except OSError as exc:
                raise KuemmererError(_os_message(exc, f"{out} konnte nicht gespeichert werden")) from None
            try:
                archived = reports.record_sachbericht(uow, draft)
            except BaseException:
                out.unlink(missing_ok=True)  # not archived: not issued either
                raise
    finally:
        db.close()
    hidden = f", Zahlen unter {n} ausgeblendet" if n and n > 1 else ""
    print(f"Gespeichert: {out} (Sachbericht {period.label}{hidden}; archiviert als Nr. {archived.id})")
    return 0

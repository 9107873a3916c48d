"""The whole-process floors of ``bench.py``: what a plain script needs for the same output.

    python benchmarks/floors.py stats DB YEAR             # the year's figures as JSON on stdout
    python benchmarks/floors.py referral DB ID OUT.pdf    # a one-page referral sheet

Both unlock the database the same way ``kuemmerer-cli`` must — the password from
``KUEMMERER_PASSWORD``, the key from the key file beside the database (scrypt, as the file
says) — and read the same encrypted file through ``cipher.connect``; then ``stats`` runs the
hand-written aggregate of ``bench_stats.py`` and prints it as JSON, ``referral`` reads the
referral with its service and organisation and draws a page with raw reportlab in the same
embedded fonts (DejaVu Sans: a name in any language prints) as the app's sheet. Nothing of
the app is imported but the key file reader, ``cipher.connect`` and the fonts' folder.
"""

from __future__ import annotations

import os
import sys
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _connect(db: Path):
    from kuemmerer.db import cipher, keyfile

    key = keyfile.unwrap(keyfile.keyfile_path(db), os.environ["KUEMMERER_PASSWORD"])
    return cipher.connect(db, key, read_only=True)


def stats(db: Path, year: int) -> None:
    import datetime as dt
    import json

    from bench_stats import plain_sql

    with closing(_connect(db)) as conn:
        figures = plain_sql(conn, dt.date(year, 1, 1), dt.date(year, 12, 31))
    print(json.dumps(figures, ensure_ascii=False, indent=2))


REFERRAL_SQL = """
SELECT r.id, r.referred_on, s.name, o.name, o.street, o.postcode, o.city, o.phone, o.opening_hours
FROM referrals r JOIN services s ON s.id = r.service_id JOIN organisations o ON o.id = r.organisation_id
WHERE r.id = ?
"""


def referral_page(data: tuple, target) -> None:
    """The referral ``data`` (a row of ``REFERRAL_SQL``) as a one-page PDF into ``target``."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    rid, day, service, org, street, postcode, city, phone, hours = data
    if "Sans" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(__file__).resolve().parents[1] / "src" / "kuemmerer" / "exports" / "fonts"
        pdfmetrics.registerFont(TTFont("Sans", str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("Sans-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    canvas = Canvas(target)
    y = 270 * mm
    canvas.setFont("Sans-Bold", 16)
    canvas.drawString(18 * mm, y, "Vermittlungsbogen")
    canvas.setFont("Sans", 10)
    for line in (f"Nr. {rid} · vermittelt am {day}", f"Angebot: {service}", f"Stelle: {org}",
                 f"Adresse: {street or ''}, {postcode or ''} {city or ''}", f"Telefon: {phone or '–'}",
                 f"Öffnungszeiten: {hours or 'bitte telefonisch erfragen'}", "", "✂ hier abtrennen",
                 "Rückmeldung an das Stadtteilbüro", f"Vermittlung Nr. {rid} – Angebot: {service}",
                 "☐ Die Person ist bei uns angekommen am: ______________"):
        y -= 6 * mm
        canvas.drawString(18 * mm, y, line)
    canvas.showPage()
    canvas.save()


def referral(db: Path, referral_id: int, out: Path) -> None:
    with closing(_connect(db)) as conn:
        data = conn.execute(REFERRAL_SQL, (referral_id,)).fetchone()
    referral_page(data, str(out))


if __name__ == "__main__":
    what, db = sys.argv[1], Path(sys.argv[2])
    if what == "stats":
        stats(db, int(sys.argv[3]))
    else:
        referral(db, int(sys.argv[3]), Path(sys.argv[4]))

"""Speed of the funder statistics: ``statistics.compute`` for one year against the same
figures computed by hand-written SQL (the floor), on the plain file and on its encrypted
copy, all in the same run (issue 11: encryption on vs off; issue 12: the app within 1.5× of
the floor on the same encrypted file).

    .venv/bin/python benchmarks/bench_stats.py [--db PATH] [--year YYYY] [--repeat 5]
        [--persons 100000] [--contacts 1000000] [--max-ratio 1.5] [--plain-only]

If the database does not exist it is generated first with ``generate_large.py`` (sizes from
``--persons``/``--contacts``). The app side runs exactly as the Berichte page does
(``open_workspace``, ``ws.uow(read_only=True)``, ``statistics.compute``); the reference side
runs the SQL below on its own read-only connection to the same file (through SQLCipher — with
no key for the plain file — the same SQLite library as the app; the stdlib ``sqlite3`` must not
touch a file SQLCipher has open in the same process). The encrypted sides use
``encrypted.encrypted_copy(db)`` (made if missing or older than the plain file). The four sides
are timed in turn (SQL, app, SQL encrypted, app encrypted, SQL, …) so that a busy moment of the
shared machine hits all of them, and all are checked to give the same figures before anything
is timed. Prints the medians and the ratios app/SQL (plain and encrypted) and encrypted/plain;
exits 1 if an app/SQL ratio is above ``--max-ratio`` or encrypted/plain above
``--max-enc-ratio`` (1.15).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics as pystats
import sys
import time
from contextlib import ExitStack, closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DB = Path("/tmp/kuemmerer-bench-stats.sqlite")

# The participants of the period with their first counted day, grouped by age band (age on
# that day, DESIGN.md §4), gender and district, with how many of them are volunteers with an
# Einsatz in the period: the rule written out by hand.
PARTICIPANTS_SQL = """
WITH days AS (
    SELECT person_id, date AS day FROM contacts WHERE date BETWEEN :a AND :b
    UNION ALL
    SELECT at.person_id, s.date FROM attendances at JOIN sessions s ON s.id = at.session_id
    WHERE s.date BETWEEN :a AND :b
), firsts AS (
    SELECT person_id, MIN(day) AS first_day FROM days GROUP BY person_id
), aged AS (
    SELECT f.person_id, p.gender, COALESCE(d.name, 'unbekannt') AS district,
           CASE WHEN p.birth_date IS NULL OR p.birth_date > f.first_day THEN NULL
                ELSE CAST(substr(f.first_day, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER)
                     - (substr(f.first_day, 6, 5) < substr(p.birth_date, 6, 5)) END AS age,
           f.person_id IN (SELECT v.person_id FROM volunteers v JOIN assignments a ON a.volunteer_id = v.id
                           WHERE a.date BETWEEN :a AND :b) AS volunteering
    FROM firsts f JOIN persons p ON p.id = f.person_id LEFT JOIN districts d ON d.id = p.district_id
)
SELECT CASE WHEN age IS NULL THEN 'unbekannt' WHEN age < 18 THEN 'unter 18' WHEN age < 30 THEN '18–29'
            WHEN age < 55 THEN '30–54' WHEN age < 65 THEN '55–64' ELSE '65 und älter' END AS band,
       gender, district, COUNT(*), SUM(volunteering) FROM aged GROUP BY 1, 2, 3
"""

SCALARS_SQL = """
SELECT
  (SELECT COALESCE(SUM(count), 0) FROM anonymous_tallies WHERE date BETWEEN :a AND :b),
  (SELECT COALESCE(SUM(anonymous_count), 0) FROM sessions WHERE date BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM contacts WHERE date BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM requests WHERE opened_on BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM requests WHERE closed_on BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM referrals WHERE referred_on BETWEEN :a AND :b),
  (SELECT COUNT(DISTINCT volunteer_id) FROM assignments WHERE date BETWEEN :a AND :b),
  (SELECT COALESCE(SUM(minutes), 0) FROM assignments WHERE date BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM sessions WHERE date BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM attendances at JOIN sessions s ON s.id = at.session_id WHERE s.date BETWEEN :a AND :b),
  (SELECT COUNT(*) FROM meetings WHERE date BETWEEN :a AND :b)
"""

GROUPED_SQL = (
    "SELECT COALESCE(c.name, 'ohne Thema'), COUNT(*) FROM requests r LEFT JOIN categories c ON c.id = r.category_id"
    " WHERE r.opened_on BETWEEN :a AND :b GROUP BY 1",
    "SELECT s.name, COUNT(*) FROM referrals r JOIN services s ON s.id = r.service_id"
    " WHERE r.referred_on BETWEEN :a AND :b GROUP BY 1",
    "SELECT outcome, COUNT(*) FROM referrals WHERE referred_on BETWEEN :a AND :b GROUP BY 1",
)

GENDER = {"weiblich": "weiblich", "maennlich": "männlich", "divers": "divers", "keine_angabe": "keine Angabe"}
OUTCOME = {"vermittelt": "vermittelt", "angekommen": "angekommen", "nicht_wahrgenommen": "nicht wahrgenommen",
           "abgelehnt": "abgelehnt"}


def plain_sql(conn, start: dt.date, end: dt.date) -> dict:
    """The figures by hand: every number ``statistics.compute`` gives, as a plain dict."""
    p = {"a": start.isoformat(), "b": end.isoformat()}
    bands: dict[str, int] = {}
    genders: dict[str, int] = {}
    districts: dict[str, int] = {}
    named = also_volunteers = 0
    for band, gender, district, n, volunteering in conn.execute(PARTICIPANTS_SQL, p):
        named += n
        also_volunteers += volunteering
        bands[band] = bands.get(band, 0) + n
        genders[GENDER[gender]] = genders.get(GENDER[gender], 0) + n
        districts[district] = districts.get(district, 0) + n
    (tallies, heads, contacts, opened, closed, referrals, volunteers, minutes, sessions, attendance,
     meetings) = conn.execute(SCALARS_SQL, p).fetchone()
    by_category, by_service, by_outcome = (dict(conn.execute(sql, p).fetchall()) for sql in GROUPED_SQL)
    return {
        "participants_named": named, "participants_anonymous": tallies + heads, "by_age_band": bands,
        "by_gender": genders, "by_district": districts, "contacts": contacts, "requests_opened": opened,
        "requests_closed": closed, "requests_by_category": by_category, "referrals_total": referrals,
        "referrals_by_service": by_service,
        "referrals_by_outcome": {OUTCOME[k]: v for k, v in by_outcome.items()},
        "volunteers_active": volunteers, "volunteer_hours": round(minutes / 60, 2),
        "volunteers_also_participants": also_volunteers, "sessions": sessions,
        "attendance_named": attendance, "attendance_anonymous": heads, "meetings": meetings,
    }


def app_figures(stats) -> dict:
    """The same dict from the app's ``Statistics`` (zero rows left out, as SQL has none)."""
    out = {}
    for key in ("participants_named", "participants_anonymous", "by_age_band", "by_gender", "by_district",
                "contacts", "requests_opened", "requests_closed", "requests_by_category", "referrals_total",
                "referrals_by_service", "referrals_by_outcome", "volunteers_active", "volunteer_hours",
                "volunteers_also_participants", "sessions",
                "attendance_named", "attendance_anonymous", "meetings"):
        value = getattr(stats, key)
        out[key] = {k: v for k, v in value.items() if v} if isinstance(value, dict) else value
    return out


def generate(db: Path, persons: int, contacts: int, today: dt.date | None = None) -> None:
    """``generate_large.py`` into ``db``."""
    import generate_large

    argv = ["--out", str(db), "--persons", str(persons), "--contacts", str(contacts), "--force"]
    if today is not None:
        argv += ["--today", today.isoformat()]
    generate_large.generate(generate_large.parse_args(argv))


def _round_robin(sides: dict, repeat: int) -> dict[str, float]:
    """Median ms per side, the sides timed in turn (a, b, c, a, b, c, …) so that a busy
    moment of the shared machine hits all of them; each side is warmed up once first."""
    for fn in sides.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, fn in sides.items():
            t = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t) * 1000)
    return {name: pystats.median(ts) for name, ts in times.items()}


def _check(got: dict, expected: dict, what: str) -> None:
    if got != expected:
        wrong = sorted(k for k in expected if expected[k] != got.get(k))
        raise AssertionError(f"{what} differ in: {', '.join(wrong)}")


def run(db: Path, year: int | None = None, repeat: int = 5, *, with_encrypted: bool = True) -> dict:
    """Time the sides on ``db`` for ``year`` (default: the last full year with contacts):
    the hand-written SQL and ``statistics.compute`` on the plain file and (unless
    ``with_encrypted`` is False) both again on its encrypted copy, all in turn. Returns the
    medians (ms), the ratios and the year; ``enc_sql_ratio`` is the app against the floor on
    the same encrypted file (issue 12). Raises if any two sides give different figures."""
    import encrypted

    from kuemmerer.db import cipher
    from kuemmerer.services import statistics
    from kuemmerer.services.workspace import open_workspace

    enc_db = encrypted.encrypted_copy(db) if with_encrypted else None
    with ExitStack() as stack:
        conn = stack.enter_context(closing(cipher.connect(db, None, read_only=True)))
        if year is None:
            last = conn.execute("SELECT MAX(date) FROM contacts").fetchone()[0]
            year = int(last[:4]) - 1 if last else dt.date.today().year
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        ws = open_workspace(db, create=False)
        stack.callback(ws.close)

        def app(w):
            with w.uow(read_only=True) as uow:
                return statistics.compute(uow, start, end)

        sides = {"sql": lambda: plain_sql(conn, start, end), "app": lambda: app(ws)}
        expected = plain_sql(conn, start, end)
        stats = app(ws)
        _check(app_figures(stats), expected, "statistics.compute and the plain SQL")
        if enc_db is not None:
            enc_conn = stack.enter_context(closing(cipher.connect(enc_db, encrypted.BENCH_KEY, read_only=True)))
            enc_ws = open_workspace(enc_db, create=False, key=encrypted.BENCH_KEY)
            stack.callback(enc_ws.close)
            _check(plain_sql(enc_conn, start, end), expected, "the plain SQL on the plain and the encrypted copy")
            _check(app_figures(app(enc_ws)), expected, "statistics.compute on the encrypted copy and the plain SQL")
            sides |= {"sql_enc": lambda: plain_sql(enc_conn, start, end), "app_enc": lambda: app(enc_ws)}
        ms = _round_robin(sides, repeat)

    def ratio(a: str, b: str) -> float:
        return ms[a] / ms[b] if ms.get(a) and ms.get(b) else 0.0

    return {"year": year, "app_ms": ms["app"], "sql_ms": ms["sql"], "ratio": ratio("app", "sql"),
            "app_enc_ms": ms.get("app_enc", 0.0), "sql_enc_ms": ms.get("sql_enc", 0.0),
            "enc_ratio": ratio("app_enc", "app"), "enc_sql_ratio": ratio("app_enc", "sql_enc"),
            "contacts": stats.contacts, "participants": stats.participants_named}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--max-ratio", type=float, default=1.5)
    p.add_argument("--max-enc-ratio", type=float, default=1.15)
    p.add_argument("--plain-only", action="store_true", help="do not measure the encrypted copy")
    args = p.parse_args(argv)
    if not args.db.exists():
        generate(args.db, args.persons, args.contacts)
    r = run(args.db, args.year, args.repeat, with_encrypted=not args.plain_only)
    print(f"Jahr {r['year']}: {r['contacts']:,} Kontakte, {r['participants']:,} Teilnehmende "
          f"(Mediane aus {args.repeat}, abwechselnd gemessen)")
    print(f"statistics.compute   {r['app_ms']:8.1f} ms")
    print(f"SQL von Hand         {r['sql_ms']:8.1f} ms")
    print(f"Verhältnis           {r['ratio']:8.2f} (Grenze {args.max_ratio})")
    ok = r["ratio"] <= args.max_ratio
    if r["app_enc_ms"]:
        print(f"verschlüsselt: statistics.compute {r['app_enc_ms']:8.1f} ms")
        print(f"verschlüsselt: SQL von Hand       {r['sql_enc_ms']:8.1f} ms")
        print(f"verschlüsselt: Verhältnis         {r['enc_sql_ratio']:8.2f} (Grenze {args.max_ratio})")
        print(f"verschl./unverschl. (App)         {r['enc_ratio']:8.2f} (Grenze {args.max_enc_ratio})")
        ok = ok and r["enc_sql_ratio"] <= args.max_ratio and r["enc_ratio"] <= args.max_enc_ratio
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Speed of the funder statistics: ``statistics.compute`` for one year against the same
figures computed by hand-written SQL on a plain ``sqlite3`` connection, in the same run.

    .venv/bin/python benchmarks/bench_stats.py [--db PATH] [--year YYYY] [--repeat 5]
        [--persons 100000] [--contacts 1000000] [--max-ratio 1.5]

If the database does not exist it is generated first with ``generate_large.py`` (sizes from
``--persons``/``--contacts``). The app side runs exactly as the Berichte page does
(``open_workspace``, ``ws.uow(read_only=True)``, ``statistics.compute``); the reference side
runs the SQL below on its own read-only ``sqlite3`` connection. Both are checked to give the
same figures before anything is timed. Prints the medians and their ratio; exits 1 if the
ratio is above ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics as pystats
import sys
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DB = Path("/tmp/kuemmerer-bench-stats.sqlite")

# The participants of the period with their first counted day, grouped by age band (age on
# that day, DESIGN.md §4), gender and district: the rule written out by hand.
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
                     - (substr(f.first_day, 6, 5) < substr(p.birth_date, 6, 5)) END AS age
    FROM firsts f JOIN persons p ON p.id = f.person_id LEFT JOIN districts d ON d.id = p.district_id
)
SELECT CASE WHEN age IS NULL THEN 'unbekannt' WHEN age < 18 THEN 'unter 18' WHEN age < 30 THEN '18–29'
            WHEN age < 55 THEN '30–54' WHEN age < 65 THEN '55–64' ELSE '65 und älter' END AS band,
       gender, district, COUNT(*) FROM aged GROUP BY 1, 2, 3
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


def plain_sql(conn: sqlite3.Connection, start: dt.date, end: dt.date) -> dict:
    """The figures by hand: every number ``statistics.compute`` gives, as a plain dict."""
    p = {"a": start.isoformat(), "b": end.isoformat()}
    bands: dict[str, int] = {}
    genders: dict[str, int] = {}
    districts: dict[str, int] = {}
    named = 0
    for band, gender, district, n in conn.execute(PARTICIPANTS_SQL, p):
        named += n
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
        "volunteers_active": volunteers, "volunteer_hours": round(minutes / 60, 2), "sessions": sessions,
        "attendance_named": attendance, "attendance_anonymous": heads, "meetings": meetings,
    }


def app_figures(stats) -> dict:
    """The same dict from the app's ``Statistics`` (zero rows left out, as SQL has none)."""
    out = {}
    for key in ("participants_named", "participants_anonymous", "by_age_band", "by_gender", "by_district",
                "contacts", "requests_opened", "requests_closed", "requests_by_category", "referrals_total",
                "referrals_by_service", "referrals_by_outcome", "volunteers_active", "volunteer_hours", "sessions",
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


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return pystats.median(times), result


def run(db: Path, year: int | None = None, repeat: int = 5) -> dict:
    """Time both sides on ``db`` for ``year`` (default: the last full year with contacts);
    returns the medians (ms), the ratio and the year. Raises if the figures differ."""
    from kuemmerer.services import statistics
    from kuemmerer.services.workspace import open_workspace

    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        if year is None:
            last = conn.execute("SELECT MAX(date) FROM contacts").fetchone()[0]
            year = int(last[:4]) - 1 if last else dt.date.today().year
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        plain_sql(conn, start, end)  # warm the page cache for both
        sql_ms, expected = _median_ms(lambda: plain_sql(conn, start, end), repeat)

    ws = open_workspace(db)
    try:
        def app():
            with ws.uow(read_only=True) as uow:
                return statistics.compute(uow, start, end)

        app()
        app_ms, stats = _median_ms(app, repeat)
    finally:
        ws.close()
    got = app_figures(stats)
    if got != expected:
        wrong = sorted(k for k in expected if expected[k] != got.get(k))
        raise AssertionError(f"statistics.compute and the plain SQL differ in: {', '.join(wrong)}")
    return {"year": year, "app_ms": app_ms, "sql_ms": sql_ms, "ratio": app_ms / sql_ms if sql_ms else 0.0,
            "contacts": stats.contacts, "participants": stats.participants_named}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--max-ratio", type=float, default=1.5)
    args = p.parse_args(argv)
    if not args.db.exists():
        generate(args.db, args.persons, args.contacts)
    r = run(args.db, args.year, args.repeat)
    print(f"Jahr {r['year']}: {r['contacts']:,} Kontakte, {r['participants']:,} Teilnehmende")
    print(f"statistics.compute   {r['app_ms']:8.1f} ms (Median aus {args.repeat})")
    print(f"SQL von Hand         {r['sql_ms']:8.1f} ms")
    print(f"Verhältnis           {r['ratio']:8.2f} (Grenze {args.max_ratio})")
    return 0 if r["ratio"] <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())

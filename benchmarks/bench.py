"""``make bench``: every operation of issue 12 against its floor, measured in the same run, as ONE table.

    .venv/bin/python benchmarks/bench.py [--persons 100000] [--contacts 1000000] [--db PATH]
        [--repeat 5] [--only REGEX]

The database: ``--db`` (default ``/tmp/kuemmerer-bench.sqlite`` for the default size, else
``/tmp/kuemmerer-bench-<persons>.sqlite``) is generated with ``generate_large.py`` if it is
missing or its schema is older than the app's; every row runs on its encrypted copy
(``encrypted.encrypted_copy``, SQLCipher 4 as her database is), and every floor uses that same
encrypted file through ``cipher.connect`` unless the row says otherwise.

Rows (Kümmerer → floor):

- Start → first paint: ``kuemmerer --db …`` offscreen, process start to the first paint of
  the main window (``first_paint.py``) → bare ``QApplication`` + ``QMainWindow.show()``.
- Keystroke search: ``count_persons`` + ``person_page`` (200) per keystroke of „m“ … „müller“
  → the same SQL statements (captured from the engine) re-run on a plain SQLCipher connection.
- Yearly statistics in process: ``statistics.compute`` (``bench_stats.run``) → its
  hand-written aggregate.
- ``kuemmerer-cli stats --year … --json``, whole process → ``floors.py stats``: unlock
  (scrypt) + ``cipher.connect`` + the same aggregate + JSON.
- Scroll to the end: as the Personen list does it — every keyset page of ids
  (``person_ids_after``, pages growing from 200 to 20,000) until the list ends, and the rows
  painted (first screen, last screen) filled by ``persons_by_id`` → the same SQL statements
  re-run. The note gives the time of fetching every row with its figures instead.
- Referral sheet PDF, whole process: ``kuemmerer-cli referral-sheet`` → ``floors.py
  referral``: unlock + one SELECT + a raw reportlab page in the same embedded fonts. The
  command reads without SQLAlchemy (``db.document_reads``) when the open has nothing to do
  but read — her database between two uses: closed cleanly, checked today (the copy gets the
  backup folder where the open notes its check); the note gives ``consent-form`` and the
  command with that read switched off (the normal open through SQLAlchemy and the models).
- Referral sheet PDF in process: ``exports.documents.referral_pdf`` → that raw page.
- Sachbericht PDF: ``bench_pdf.run`` → raw reportlab with the same content.
- Personen export (xlsx): ``bench_xlsx.run`` on the encrypted copy → raw openpyxl ``write_only``.
- Backup: ``bench_backup.run``: ``create_backup`` of the encrypted copy → the same backup of
  the plain file.

The processes that unlock with the password (start, ``kuemmerer-cli``, their floors) pay one
scrypt of the key file as she does: ``bench.py`` re-wraps the copy's key file with the default
parameters (n = 2¹⁶, ~0.25 s: a security parameter, the same for app and floor). Sides are
timed in turn (app, floor, app, …) after one warm-up each; medians. Benchmarks report:
nothing here fails on a slow time (tests never assert one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics as pystats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import encrypted
import generate_large

HERE = Path(__file__).resolve().parent

PAGE = 200  # PagedModel.PAGE in the UI
TYPED = ("m", "mü", "mül", "müll", "mülle", "müller")


@dataclass
class Row:
    label: str
    app: list[float]  # seconds
    floor_label: str
    floor: list[float]
    goal: str = ""
    note: str = ""

    @property
    def ratio(self) -> float:
        return pystats.median(self.app) / pystats.median(self.floor) if self.app and self.floor else 0.0


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=None, help="default: 10 per person")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", default=None, help="run only rows whose label matches this regex")
    return p.parse_args(argv)


def default_db(persons: int) -> Path:
    if persons == 100_000:
        return generate_large.DEFAULT_OUT
    return generate_large.DEFAULT_OUT.with_name(f"kuemmerer-bench-{persons}.sqlite")


def _behind(path: Path) -> bool:
    """Whether the file's schema is older than the app's migrations (run.py's one check)."""
    import run

    return run._behind(path)


def ensure_db(db: Path, persons: int, contacts: int) -> None:
    if db.exists() and not _behind(db):
        return
    print(f"generating {db} ({persons:,} persons, {contacts:,} contacts) …", file=sys.stderr, flush=True)
    generate_large.main(["--out", str(db), "--persons", str(persons), "--contacts", str(contacts), "--force"])


def in_turn(sides: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Seconds per run of each side, the sides timed in turn after one warm-up each."""
    for fn in sides:
        fn()
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(repeat):
        for i, fn in enumerate(sides):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return times


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KUEMMERER_PASSWORD=encrypted.BENCH_PASSWORD)
    env.pop("KUEMMERER_DB", None)
    return env


def _process(cmd: list[str], env: dict[str, str]) -> Callable[[], float]:
    """A whole process as a side: seconds from start to exit (it must succeed)."""
    def run() -> float:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} … failed ({proc.returncode}): {proc.stderr[-800:]}")
        return 0.0
    return run


def _first_paint(kind: str, db: Path, env: dict[str, str], out: list[float]) -> Callable[[], None]:
    """Process start → first paint of the main window (``first_paint.py`` prints the moment)."""
    cmd = [sys.executable, str(HERE / "first_paint.py"), kind] + ([str(db)] if kind == "app" else [])

    def run() -> None:
        t0 = time.time()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        lines = proc.stdout.split()
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"first_paint.py {kind} failed ({proc.returncode}): {proc.stderr[-800:]}")
        out.append(float(lines[0]) - t0)
    return run


def _cli() -> str:
    exe = Path(sys.executable).with_name("kuemmerer-cli")
    return str(exe)


# --------------------------------------------------------------------------- rows


def start_row(enc_db: Path, repeat: int) -> Row:
    env = _env(enc_db)
    app: list[float] = []
    bare: list[float] = []
    app_run, bare_run = _first_paint("app", enc_db, env, app), _first_paint("bare", enc_db, env, bare)
    app_run(), bare_run()  # warm-up: page cache, and the day's first start does its housekeeping
    app.clear(), bare.clear()
    for _ in range(repeat):
        app_run()
        bare_run()
    return Row("Start → erstes Zeichnen des Hauptfensters (offscreen)", app, "leeres QMainWindow.show()", bare,
               "≤ 1.3×")


class Capture:
    """The SQL statements (with parameters) the app's engine sends while switched on."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.on = False
        self.statements: list[tuple[str, tuple]] = []
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if self.on:
            self.statements.append((statement, tuple(parameters or ())))


def _replayed(conn, statements: list[tuple[str, tuple]]) -> Callable[[], None]:
    def run() -> None:
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
    return run


def _with_sql_floor(ws, conn, work: Callable, repeat: int) -> tuple[list[float], list[float], object]:
    """``work(uow)`` in read-only units of work against the same statements re-run raw."""
    def app() -> object:
        with ws.uow(read_only=True) as uow:
            return work(uow)

    capture = Capture(ws.db.engine)
    capture.on = True
    result = app()
    capture.on = False
    selects = [(sql, p) for sql, p in capture.statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    app_times, floor_times = in_turn([app, _replayed(conn, selects)], repeat)
    return app_times, floor_times, result


def search_row(ws, conn, day: dt.date, repeat: int) -> Row:
    from kuemmerer.services import listing

    def typing(uow) -> list[int]:
        out = []
        for text in TYPED:
            q = listing.PersonQuery(search=text)
            out.append(listing.count_persons(uow, q))
            listing.person_page(uow, q, 0, PAGE, day)
        return out

    app, floor, counts = _with_sql_floor(ws, conn, typing, repeat)
    per_key = len(TYPED)
    return Row("Tastendruck in Personen: count + Seite 1 (je Taste, „m“ … „müller“)", [t / per_key for t in app],
               "dieselben SQL-Anweisungen direkt", [t / per_key for t in floor], "< 100 ms",
               f"Treffer {counts[0]:,} … {counts[-1]:,}")  # type: ignore[index]


SCREEN = 30  # rows the Personen list shows at 1366×768
FILL_BLOCK = 100  # PagedModel.FILL_BLOCK: a paint fills the rows of its block in one query
MAX_IDS_PAGE = 20_000  # PagedModel.MAX_IDS_PAGE: fetches of ids only grow to this
MAX_PAGE = 2000  # PagedModel.MAX_PAGE


def _blocks(first: int, last: int) -> list[tuple[int, int]]:
    """The fill blocks (start, end) that rows first … last lie in."""
    return [(b, b + FILL_BLOCK) for b in range(first - first % FILL_BLOCK, last + 1, FILL_BLOCK)]


def scroll_row(ws, conn, day: dt.date, repeat: int) -> Row:
    from kuemmerer.services import listing

    def scroll(uow) -> int:
        """As the Personen list does it: each fetchMore brings only the ids after the cursor
        (keyset, pages growing to 20,000); the rows painted — the first screen, then the last —
        are filled, a block of FILL_BLOCK rows per query."""
        q = listing.PersonQuery()
        page = listing.person_ids_after(uow, q, None, PAGE)
        ids = list(page)
        for a, b in _blocks(0, SCREEN - 1):
            listing.persons_by_id(uow, ids[a:b], day)
        while len(page):
            page = listing.person_ids_after(uow, q, page.cursor, max(PAGE, min(MAX_IDS_PAGE, len(ids) // 2)))
            ids += page
        for a, b in _blocks(max(0, len(ids) - SCREEN), len(ids) - 1):
            shown = listing.persons_by_id(uow, ids[a:b], day)
            assert len(shown) == len(ids[a:b])
        return len(ids)

    def every_row(uow) -> int:
        """For the note: every row with its figures, as the list fetched them before (and the export does)."""
        q = listing.PersonQuery()
        page = listing.person_page_after(uow, q, None, PAGE, day)
        total = len(page)
        while len(page):
            page = listing.person_page_after(uow, q, page.cursor, max(PAGE, min(MAX_PAGE, total // 2)), day)
            total += len(page)
        return total

    app, floor, total = _with_sql_floor(ws, conn, scroll, max(1, min(repeat, 3)))
    with ws.uow(read_only=True) as uow:
        t0 = time.perf_counter()
        every_row(uow)
        filled = time.perf_counter() - t0
    return Row("Personen bis zum Ende scrollen (fetchMore: Keyset, nur ids; gezeichnete Zeilen gefüllt)", app,
               "dieselben SQL-Anweisungen direkt", floor, "≤ 1 s",
               f"{total:,} Zeilen; jede Zeile samt Kennzahlen geholt: {_time(filled)}")


def stats_rows(db: Path, enc_db: Path, year: int, repeat: int) -> list[Row]:
    import bench_stats

    r = bench_stats.run(db, year, repeat)
    return [Row("Jahresstatistik im Prozess (statistics.compute)", [r["app_enc_ms"] / 1000],
                "SQL-Aggregat von Hand", [r["sql_enc_ms"] / 1000], "≤ 1.5×",
                f"{year}: {r['contacts']:,} Kontakte")]


def cli_stats_row(enc_db: Path, year: int, repeat: int) -> Row:
    env = _env(enc_db)
    app, floor = in_turn([_process([_cli(), "--db", str(enc_db), "stats", "--year", str(year), "--json"], env),
                          _process([sys.executable, str(HERE / "floors.py"), "stats", str(enc_db), str(year)], env)],
                         repeat)
    return Row("kuemmerer-cli stats --year … --json (ganzer Prozess)", app,
               "Skript: entsperren + cipher.connect + Aggregat + JSON", floor, "≤ 2×", _kdf_note(enc_db))


def _kdf_note(enc_db: Path) -> str:
    from kuemmerer.db import keyfile

    n = keyfile._read(keyfile.keyfile_path(enc_db)).params.n
    return f"Schlüsseldatei scrypt n = 2^{n.bit_length() - 1}"


def _first_referral(conn) -> int:
    row = conn.execute("SELECT MIN(id) FROM referrals").fetchone()
    if not row or row[0] is None:
        raise RuntimeError("the benchmark database has no referral")
    return int(row[0])


# ``kuemmerer-cli`` with its light read path switched off: the normal open (SQLAlchemy, models), for the note
_WITHOUT_LIGHT_PATH = ("import sys\nfrom kuemmerer import cli\ncli._document_light = lambda args, db_path: None\n"
                       "sys.exit(cli.main(sys.argv[1:]))")


def referral_rows(ws, conn, enc_db: Path, referral_id: int, repeat: int, folder: Path) -> list[Row]:
    import floors

    from kuemmerer.db.preflight import default_backup_dir
    from kuemmerer.exports.documents import referral_pdf
    from kuemmerer.paths import private_dir
    from kuemmerer.services import referral_docs

    env = _env(enc_db)
    # her database has its backup folder (the daily backup makes it), where the open notes its
    # last good check; without one every open checks the whole file, and never reads lightly
    private_dir(default_backup_dir(enc_db))
    cli_args = ["--db", str(enc_db), "referral-sheet", str(referral_id), "--out", str(folder / "a.pdf")]
    form_args = ["--db", str(enc_db), "consent-form", str(referral_id), "--out", str(folder / "e.pdf")]
    # the warm-up run opens the normal way (the open workspace of this process left its marker:
    # it checks, takes the marker over and closes cleanly); every timed run then reads lightly
    app, floor, form, normal = in_turn([
        _process([_cli(), *cli_args], env),
        _process([sys.executable, str(HERE / "floors.py"), "referral", str(enc_db), str(referral_id),
                  str(folder / "f.pdf")], env),
        _process([_cli(), *form_args], env),
        _process([sys.executable, "-c", _WITHOUT_LIGHT_PATH, *cli_args], env)], repeat)
    floor_s = pystats.median(floor)
    whole = Row("Vermittlungsbogen-PDF (ganzer Prozess, kuemmerer-cli)", app,
                "Skript: entsperren + SELECT + reportlab-Seite", floor, "≤ 2×",
                f"{_kdf_note(enc_db)}; consent-form {_time(pystats.median(form))} "
                f"({pystats.median(form) / floor_s:.2f}×); über SQLAlchemy und die Modelle (normales Öffnen, "
                f"vorher): {_time(pystats.median(normal))} ({pystats.median(normal) / floor_s:.2f}×)")
    with ws.uow(read_only=True) as uow:
        sheet = referral_docs.referral_sheet(uow, referral_id)
    data = conn.execute(floors.REFERRAL_SQL, (referral_id,)).fetchone()

    def raw() -> None:
        buffer = io.BytesIO()
        floors.referral_page(data, buffer)

    app, floor = in_turn([lambda: referral_pdf(sheet), raw], max(repeat, 5))
    inproc = Row("Vermittlungsbogen-PDF im Prozess (referral_pdf)", app, "reportlab-Seite direkt", floor, "",
                 _accel_note())
    return [whole, inproc]


def _accel_note() -> str:
    from reportlab.lib import rl_accel

    return "rl_accel aktiv" if rl_accel._c_funcs else "ohne rl_accel"


def sachbericht_row(repeat: int) -> Row:
    import bench_pdf

    r = bench_pdf.run(repeat=repeat)
    return Row("Sachbericht-PDF (40 Zeilen × 12 Felder)", [r["app_ms"] / 1000], "reportlab direkt, gleicher Inhalt",
               [r["raw_ms"] / 1000], "≤ 1.5×", f"{r['app_pages']} Seiten")


def xlsx_row(db: Path, repeat: int) -> Row:
    import bench_xlsx

    r = bench_xlsx.run(db, max(1, min(repeat, 3)))
    return Row("Personen-Export xlsx (verschlüsselt)", [r["enc_s"]], "openpyxl write_only, gleiche Zellen",
               [r["raw_s"]], "≤ 1.2×", f"{r['rows']:,} Zeilen; unverschlüsselt {r['app_s']:.2f} s")


def backup_row(db: Path, repeat: int) -> Row:
    import bench_backup

    r = bench_backup.run(db, max(1, min(repeat, 3)))
    return Row("Sicherung (create_backup, verschlüsselt)", [r["enc_s"]], "dieselbe Sicherung unverschlüsselt",
               [r["plain_s"]], "≤ 1.5×", f"{r['enc_bytes'] / 1e6:.0f} MB")


# --------------------------------------------------------------------------- table


def _time(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def table(rows: list[Row]) -> str:
    lines = ["| Vorgang | Kümmerer | Untergrenze (floor) | floor | Verhältnis | Ziel | Anmerkung |",
             "|---|---:|---|---:|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r.label} | {_time(pystats.median(r.app))} | {r.floor_label} | "
                     f"{_time(pystats.median(r.floor))} | {r.ratio:.2f}× | {r.goal} | {r.note} |")
    return "\n".join(lines)


def _year(conn) -> int:
    last = conn.execute("SELECT MAX(date) FROM contacts").fetchone()[0]
    return int(last[:4]) - 1 if last else dt.date.today().year


def run(db: Path, repeat: int = 5, only: str | None = None, day: dt.date | None = None) -> list[Row]:
    """Every row on ``db`` (plain, generated) and its encrypted copy; the rows in table order."""
    from kuemmerer.db import cipher
    from kuemmerer.services.workspace import open_workspace

    enc_db = encrypted.with_real_kdf(encrypted.encrypted_copy(db))
    day = day or dt.date.today()
    wanted = (lambda label: re.search(only, label) is not None) if only else (lambda label: True)
    rows: list[Row] = []

    def add(label: str, make: Callable[[], Row | list[Row]]) -> None:
        if not wanted(label):
            return
        print(f"  {label} …", file=sys.stderr, flush=True)
        made = make()
        rows.extend(made if isinstance(made, list) else [made])

    with closing(cipher.connect(enc_db, encrypted.BENCH_KEY, read_only=True)) as conn:
        year, referral_id = _year(conn), _first_referral(conn)
    # the processes first: no workspace of this process holds the file while the window opens it
    add("Start", lambda: start_row(enc_db, repeat))
    add("cli stats", lambda: cli_stats_row(enc_db, year, repeat))
    ws = open_workspace(enc_db, create=False, key=encrypted.BENCH_KEY)
    try:
        with tempfile.TemporaryDirectory() as folder, \
                closing(cipher.connect(enc_db, encrypted.BENCH_KEY, read_only=True)) as conn:
            add("Tastendruck Suche", lambda: search_row(ws, conn, day, repeat))
            add("Vermittlungsbogen PDF", lambda: referral_rows(ws, conn, enc_db, referral_id, repeat, Path(folder)))
            add("Scrollen", lambda: scroll_row(ws, conn, day, repeat))
    finally:
        ws.close()
    add("Jahresstatistik", lambda: stats_rows(db, enc_db, year, repeat))
    add("Sachbericht", lambda: sachbericht_row(repeat))
    add("Export xlsx", lambda: xlsx_row(db, repeat))
    add("Sicherung", lambda: backup_row(db, repeat))
    order = ["Start", "Tastendruck", "Jahresstatistik", "kuemmerer-cli stats", "scrollen", "Vermittlungsbogen-PDF (ganzer",
             "Vermittlungsbogen-PDF im", "Sachbericht", "Personen-Export", "Sicherung"]
    return sorted(rows, key=lambda r: next((i for i, key in enumerate(order) if key in r.label), len(order)))


def describe(db: Path) -> str:
    from kuemmerer.db import cipher

    with closing(cipher.connect(db, None, read_only=True)) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("persons", "contacts", "requests")}
    return (f"{counts['persons']:,} Personen, {counts['contacts']:,} Kontakte, {counts['requests']:,} Anliegen; "
            f"verschlüsselte Kopie {encrypted.encrypted_path(db).name} (SQLCipher {cipher.dbapi.sqlite_version}); "
            f"{os.cpu_count()} Kerne; Mediane")


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or default_db(args.persons)
    ensure_db(db, args.persons, args.contacts or args.persons * 10)
    rows = run(db, args.repeat, args.only)
    print(f"\n{describe(db)} aus {args.repeat} Läufen, {dt.date.today():%d.%m.%Y}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Timings of the big lists and of "Heute" on a large database, through the real services.

    .venv/bin/python benchmarks/run.py [--db PATH] [--repeat 5] [--today YYYY-MM-DD]
                                       [--only REGEX] [--explain-over 100] [--pragma NAME=VALUE]

If the database does not exist it is generated first (benchmarks/generate_large.py with
its default sizes). Every scenario runs ``--repeat`` times, each in its own read-only unit
of work (``ws.uow(read_only=True)``), exactly as a page of the UI calls the services:
a list (re)load is ``count`` + the first page of 200, a sort or filter change is a reload.
The table shows the median and the maximum in milliseconds.

Encryption on vs off (issue 11): every scenario runs on the plain file and on an encrypted
copy of it (``encrypted.py``; made once, again when the plain file is newer), alternately in
the same run; the table gives both medians and the ratio encrypted/plain (goal ≤ 1.15).
``--plain-only`` leaves the encrypted copy out.

For every scenario whose median is over ``--explain-over`` ms the SQL the services sent is
captured (SQLAlchemy cursor events), each statement is re-run on its own connection to the
plain file (through SQLCipher, as every connection here) to time it alone, and its ``EXPLAIN QUERY PLAN`` is printed.

``--pragma`` (repeatable) sets an extra PRAGMA on every connection of the app's engine,
to measure a connection setting without changing the application (e.g.
``--pragma mmap_size=268435456``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

import encrypted
import generate_large

from kuemmerer.db import cipher
from kuemmerer.db.engine import make_engine
from kuemmerer.db.migrate import needs_upgrade
from kuemmerer.db.models import District
from kuemmerer.services import listing, today
from kuemmerer.services.listing import PersonQuery, RequestQuery
from kuemmerer.services.workspace import open_workspace

PAGE = 200  # PagedModel.PAGE in the UI
MAX_PAGE = 2000  # PagedModel.MAX_PAGE: a fetch grows to half the rows loaded, up to this
MAX_IDS_PAGE = 20_000  # PagedModel.MAX_IDS_PAGE: the same for lists that fetch ids only (Personen)
FILL_BLOCK = 100  # PagedModel.FILL_BLOCK: rows filled per query as they are painted


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=generate_large.DEFAULT_OUT)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--today", type=dt.date.fromisoformat, default=None,
                   help="the day the services see as today (default: today)")
    p.add_argument("--only", default=None, help="run only scenarios whose label matches this regex")
    p.add_argument("--explain-over", type=float, default=100.0,
                   help="explain the SQL of scenarios whose median is over this many ms")
    p.add_argument("--pragma", action="append", default=[], help="extra PRAGMA NAME=VALUE per connection")
    p.add_argument("--skip-open", action="store_true", help="do not time opening the workspace")
    p.add_argument("--migrate", action="store_true",
                   help="let the app migrate an outdated --db (it takes a backup first)")
    p.add_argument("--plain-only", action="store_true", help="do not measure the encrypted copy")
    return p.parse_args(argv)


def _behind(path: Path) -> bool:
    """Whether the file's schema is older than the app's migrations."""
    engine = make_engine(path, pooled=False)
    try:
        return needs_upgrade(engine)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- scenarios


def _persons(q: PersonQuery, day: dt.date, offset: int = 0, count: bool = True):
    def run(uow):
        n = listing.count_persons(uow, q) if count else None
        rows = listing.person_page(uow, q, offset, PAGE, day)
        return f"{n:,} / {len(rows)}" if count else f"{len(rows)}"
    return run


def _requests(q: RequestQuery, day: dt.date):
    def run(uow):
        n = listing.count_requests(uow, q, day)
        rows = listing.request_page(uow, q, 0, PAGE, day)
        return f"{n:,} / {len(rows)}"
    return run


def _scroll(q: PersonQuery, day: dt.date, pages: int):
    """Before issue 12 §5: dragging the scroll bar to row pages*200 as OFFSET pages of 200."""
    def run(uow):
        total = 0
        for page in range(pages):
            n = len(listing.person_page(uow, q, page * PAGE, PAGE, day))
            total += n
            if n < PAGE:  # the end of the list: the view stops fetching
                break
        return f"{total:,} rows"
    return run


def _scroll_keyset(q: PersonQuery, day: dt.date, rows: int | None):
    """What PagedModel does when she drags the scroll bar to row ``rows`` (None: the end):
    each fetchMore asks for the rows after the last one's sort key, more rows per fetch the
    further down she is."""
    def run(uow):
        page = listing.person_page_after(uow, q, None, PAGE, day)
        total, fetches = len(page), 1
        while len(page) and (rows is None or total < rows):
            page = listing.person_page_after(uow, q, page.cursor, max(PAGE, min(MAX_PAGE, total // 2)), day)
            total += len(page)
            fetches += 1
        return f"{total:,} rows, {fetches} fetches"
    return run


def _scroll_ids(q: PersonQuery, day: dt.date):
    """What the Personen list does when she drags the scroll bar to the end: fetches of ids
    only (keyset, growing to MAX_IDS_PAGE), then the last screen's block filled."""
    def run(uow):
        page = listing.person_ids_after(uow, q, None, PAGE)
        ids, fetches = list(page), 1
        while len(page):
            page = listing.person_ids_after(uow, q, page.cursor, max(PAGE, min(MAX_IDS_PAGE, len(ids) // 2)))
            ids += page
            fetches += 1
        shown = listing.persons_by_id(uow, ids[-(len(ids) % FILL_BLOCK or FILL_BLOCK):], day)
        return f"{len(ids):,} ids, {fetches} fetches, {len(shown)} filled"
    return run


def scenarios(district_id: int, day: dt.date) -> list[tuple]:
    """(label, function of a unit of work returning a short result text[, most repeats])."""
    s: list[tuple] = [
        ("Personen öffnen (count + Seite 1, Name)", _persons(PersonQuery(), day)),
        ("Personen Seite 251 (offset 50 000)", _persons(PersonQuery(), day, offset=50_000, count=False)),
        ("Personen scrollen bis 50 000 (OFFSET, 250 × 200)", _scroll(PersonQuery(), day, 250), 2),
        ("Personen scrollen bis 50 000 (Keyset, jede Zeile gefüllt)", _scroll_keyset(PersonQuery(), day, 50_000), 2),
        ("Personen scrollen bis zum Ende (OFFSET, 500 × 200)", _scroll(PersonQuery(), day, 1_000), 2),
        ("Personen scrollen bis zum Ende (Keyset, jede Zeile gefüllt)", _scroll_keyset(PersonQuery(), day, None), 2),
        ("Personen scrollen bis zum Ende (Keyset, nur ids, wie die Liste)", _scroll_ids(PersonQuery(), day), 2),
        ("Personen sort Alter scrollen bis zum Ende (OFFSET)", _scroll(PersonQuery(sort="age"), day, 1_000), 2),
        ("Personen sort Alter scrollen bis zum Ende (Keyset)", _scroll_keyset(PersonQuery(sort="age"), day, None),
         2),
        ("Personen sort Alter scrollen bis zum Ende (nur ids, wie die Liste)",
         _scroll_ids(PersonQuery(sort="age"), day), 2),
        ("Personen sort Stadtgebiet scrollen bis zum Ende (nur ids, wie die Liste)",
         _scroll_ids(PersonQuery(sort="district"), day), 2),
        ("Personen sort letzter Kontakt scrollen bis zum Ende (nur ids, wie die Liste)",
         _scroll_ids(PersonQuery(sort="last_contact", descending=True), day), 1),
        ("Personen sort letzter Kontakt ↓", _persons(PersonQuery(sort="last_contact", descending=True), day)),
        ("Personen sort letzter Kontakt, Seite 2", _persons(PersonQuery(sort="last_contact", descending=True),
                                                           day, offset=PAGE, count=False)),
        ("Personen sort Stadtgebiet", _persons(PersonQuery(sort="district"), day)),
        ("Personen sort Alter", _persons(PersonQuery(sort="age"), day)),
        ("Personen sort offene Anliegen ↓", _persons(PersonQuery(sort="open_requests", descending=True), day)),
    ]
    for text in ("m", "mü", "mül", "müller", "muller", "mueller", "mül jür", "0371 555", "0371", "keïta", "xyz"):
        s.append((f"Personen Suche „{text}“", _persons(PersonQuery(search=text), day)))
    s.append(("Personen Suche „müller“, Seite 11 (offset 2 000)",
              _persons(PersonQuery(search="müller"), day, offset=2_000, count=False)))
    s += [
        ("Personen Filter Stadtgebiet", _persons(PersonQuery(district_id=district_id), day)),
        ("Personen Filter Stadtgebiet unbekannt", _persons(PersonQuery(district_id=listing.UNKNOWN_DISTRICT), day)),
        ("Anliegen öffnen (offen, neueste zuerst)", _requests(RequestQuery(), day)),
        ("Anliegen Wiedervorlage fällig", _requests(RequestQuery(follow_up="due"), day)),
        ("Anliegen sort Person", _requests(RequestQuery(sort="person", descending=False), day)),
        ("Anliegen sort letzter Kontakt ↓", _requests(RequestQuery(sort="last_contact"), day)),
        ("Anliegen alle (auch erledigte)", _requests(RequestQuery(status=None), day)),
        ("Anliegen Suche „müller“", _requests(RequestQuery(search="müller"), day)),
        ("Anliegen Suche „müller miet“ (alle)", _requests(RequestQuery(search="müller miet", status=None), day)),
        ("Heute: today.dashboard", lambda uow: _dash(uow, day)),
        ("Schnellerfassung find_persons(„müll“)", lambda uow: f"{len(listing.find_persons(uow, 'müll'))}"),
        ("Schnellerfassung find_persons(„xyz“)", lambda uow: f"{len(listing.find_persons(uow, 'xyz'))}"),
    ]
    return s


def _dash(uow, day: dt.date) -> str:
    d = today.dashboard(uow, day)
    return f"{len(d.follow_ups):,} WV, {d.open_requests:,} offen, {len(d.contacts_today)} K"


# --------------------------------------------------------------------------- measuring


class Capture:
    """Collects the SQL (and DBAPI parameters) the engine sends while switched on."""

    def __init__(self, engine):
        self.on = False
        self.statements: list[tuple[str, tuple]] = []
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, tuple(parameters or ())))


def _ms(seconds: float) -> float:
    return seconds * 1000


def time_scenario(ws, fn: Callable, repeat: int) -> tuple[list[float], str]:
    times, result = [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        with ws.uow(read_only=True) as uow:
            result = fn(uow)
        times.append(_ms(time.perf_counter() - t0))
    return times, result


def time_both(plain_ws, enc_ws, fn: Callable, repeat: int) -> tuple[list[float], list[float], str]:
    """The scenario on the plain and the encrypted workspace, alternately (plain first);
    both must give the same result."""
    plain_times: list[float] = []
    enc_times: list[float] = []
    result = ""
    for _ in range(repeat):
        t, result = time_scenario(plain_ws, fn, 1)
        plain_times += t
        if enc_ws is not None:
            t, enc_result = time_scenario(enc_ws, fn, 1)
            enc_times += t
            if enc_result != result:
                sys.exit(f"plain and encrypted copy differ: {result} / {enc_result}")
    return plain_times, enc_times, result


def _inline(sql: str, params: tuple) -> str:
    """The statement with its parameters written in (for reading only)."""
    it = iter(params)

    def sub(_m):
        v = next(it, None)
        return "NULL" if v is None else str(v) if isinstance(v, int | float) else "'" + str(v).replace("'", "''") + "'"

    return re.sub(r"\?", sub, sql)


def explain_tree(path: Path, statements: list[tuple[str, tuple]], pragmas: list[str]) -> None:
    with closing(cipher.connect(path, None, read_only=True)) as conn:
        for p in pragmas:
            conn.execute(f"PRAGMA {p}")
        seen = set()
        for sql, params in statements:
            if (sql, params) in seen:
                continue
            seen.add((sql, params))
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                conn.execute(sql, params).fetchall()
                runs.append(_ms(time.perf_counter() - t0))
            print(f"\n    -- {min(runs):.1f} ms alone (best of 3)")
            print("    " + " ".join(_inline(sql, params).split()))
            depth: dict[int, int] = {0: 0}
            for node, parent, _unused, detail in conn.execute("EXPLAIN QUERY PLAN " + sql, params):
                depth[node] = depth.get(parent, 0) + 1
                print("    " + "  " * depth[node] + detail)


def _counts(path: Path) -> dict[str, int]:
    with closing(cipher.connect(path, None, read_only=True)) as conn:
        tables = ("persons", "requests", "contacts", "anonymous_tallies", "referrals", "districts")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _ratio_text(plain: list[float], enc: list[float]) -> str:
    return f"{statistics.median(enc) / statistics.median(plain):.2f}" if plain and enc else "–"


def main(argv=None) -> None:
    args = parse_args(argv)
    path: Path = args.db
    if not path.exists():
        print(f"{path} does not exist: generating it (default sizes)")
        generate_large.main(["--out", str(path)])
    elif _behind(path) and not args.migrate:
        if path.resolve() != generate_large.DEFAULT_OUT.resolve():
            sys.exit(f"{path} has an older schema than the app. Regenerate it (generate_large.py --force) "
                     "or pass --migrate to let the app migrate it (after a backup).")
        print(f"{path} has an older schema than the app: generating it again (default sizes)")
        generate_large.main(["--out", str(path), "--force"])
    day = args.today or dt.date.today()
    size = path.stat().st_size + sum(Path(str(path) + s).stat().st_size
                                     for s in ("-wal",) if Path(str(path) + s).exists())
    counts = _counts(path)
    print(f"\ndatabase {path}: {size / 1e6:.0f} MB; "
          + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"sqlite {cipher.dbapi.sqlite_version} (SQLCipher); today = {day}; repeat = {args.repeat}"
          + (f"; extra pragmas: {', '.join(args.pragma)}" if args.pragma else ""))
    enc_path = None if args.plain_only else encrypted.encrypted_copy(path)
    if enc_path is not None:
        print(encrypted.describe(path, enc_path))

    results: list[tuple[str, str, list[float], list[float]]] = []
    if not args.skip_open:
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(args.repeat):
            for side, (p, key) in enumerate(((path, None), (enc_path, encrypted.BENCH_KEY))):
                if p is None:
                    continue
                t0 = time.perf_counter()
                open_workspace(p, create=False, key=key).close()
                times[side].append(_ms(time.perf_counter() - t0))
        results.append(("open_workspace + close (quick_check)", "", *times))

    ws = open_workspace(path, create=False)
    enc_ws = open_workspace(enc_path, create=False, key=encrypted.BENCH_KEY) if enc_path is not None else None
    try:
        for p in args.pragma:
            for w in (ws, enc_ws):
                if w is not None:
                    event.listen(w.db.engine, "connect", lambda conn, _rec, p=p: conn.execute(f"PRAGMA {p}"))
        capture = Capture(ws.db.engine)
        with ws.uow(read_only=True) as uow:
            district_id = uow.session.scalar(select(District.id).where(District.name == "Markersdorf")) \
                or uow.session.scalar(select(District.id).order_by(District.id))
        todo = [(label, fn, *most) for label, fn, *most in scenarios(district_id, day)
                if not args.only or re.search(args.only, label)]
        slow = []
        for label, fn, *most in todo:
            times, enc_times, result = time_both(ws, enc_ws, fn, min(args.repeat, *most) if most else args.repeat)
            results.append((label, result, times, enc_times))
            enc_text = (f"  verschlüsselt {statistics.median(enc_times):8.1f} ms  "
                        f"Verhältnis {_ratio_text(times, enc_times)}") if enc_times else ""
            print(f"  {label:<50} {statistics.median(times):8.1f} ms  (max {max(times):.1f}){enc_text}  {result}",
                  flush=True)
            if statistics.median(times) > args.explain_over:
                capture.statements, capture.on = [], True
                with ws.uow(read_only=True) as uow:
                    fn(uow)
                capture.on = False
                slow.append((label, capture.statements))
    finally:
        ws.close()
        if enc_ws is not None:
            enc_ws.close()

    print("\n| Szenario | Zeilen (Anzahl / Seite) | Median ms | Max ms | verschlüsselt Median ms "
          "| Max ms | Verhältnis |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, result, times, enc_times in results:
        enc_cells = (f"{statistics.median(enc_times):.1f} | {max(enc_times):.1f} | {_ratio_text(times, enc_times)}"
                     if enc_times else "– | – | –")
        print(f"| {label} | {result} | {statistics.median(times):.1f} | {max(times):.1f} | {enc_cells} |")
    paired = [(statistics.median(t), statistics.median(e)) for _l, _r, t, e in results if t and e]
    if paired:
        ratios = sorted(e / t for t, e in paired)
        total = sum(e for _t, e in paired) / sum(t for t, _e in paired)
        print(f"\nverschlüsselt/unverschlüsselt: Summe der Mediane {total:.2f}, Median der Verhältnisse "
              f"{statistics.median(ratios):.2f}, höchstes {ratios[-1]:.2f}; "
              f"{sum(r > 1.15 for r in ratios)} von {len(ratios)} über 1.15")

    if slow:
        print(f"\nSlower than {args.explain_over:.0f} ms (median): the statements, each timed alone, "
              "and their query plans")
        for label, statements in slow:
            print(f"\n== {label}")
            shown = statements if len(statements) <= 10 else statements[:2] + statements[-2:]
            explain_tree(path, shown, args.pragma)


if __name__ == "__main__":
    main()

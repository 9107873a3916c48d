"""Speed of the list export: „Exportieren…“ of the Personen list (all persons) against raw
openpyxl ``write_only`` writing the same cells, in the same run.

    .venv/bin/python benchmarks/bench_xlsx.py [--db PATH] [--persons 100000] [--contacts 1000000]
        [--repeat 3] [--max-ratio 1.2]

If the database does not exist it is generated first with ``generate_large.py``. The app side
runs as the window does: ``services.exports.list_export`` (rows streamed from one SQL
statement, 2,000 a page) into ``exports.xlsx.save_table`` (escaping, widths, a defined table,
temporary name, fsync, rename). The reference side gets the same rows already in memory (not
timed) and writes the same cells (bold header, text, dates as "DD.MM.YYYY", integers) with
plain openpyxl ``write_only`` and ``Workbook.save``. Both files are checked first to hold the
same cells (value, number format, bold). Prints the medians and their ratio; exits 1 if the
ratio is above ``--max-ratio``.

Encryption on vs off (issue 11): the app side runs on the plain file and on an encrypted
copy of it (``encrypted.py``), alternately; both exports must hold the same cells. Prints the
ratio encrypted/plain too (goal ≤ 1.15; exits 1 above ``--max-enc-ratio`` if given — the
suite runs this script at a tiny size, where the ratio is noise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics as pystats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DB = Path("/tmp/kuemmerer-bench-xlsx.sqlite")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--max-ratio", type=float, default=1.2)
    p.add_argument("--max-enc-ratio", type=float, default=None,
                   help="exit 1 if encrypted/plain is above this (default: only report it against 1.15)")
    p.add_argument("--plain-only", action="store_true", help="do not measure the encrypted copy")
    return p.parse_args(argv)


def ensure_db(args: argparse.Namespace) -> None:
    if args.db.exists():
        return
    import generate_large

    generate_large.main(["--persons", str(args.persons), "--contacts", str(args.contacts),
                         "--out", str(args.db), "--no-analyze"])


def app_export(ws, target: Path) -> int:
    from kuemmerer.exports import xlsx
    from kuemmerer.services import exports

    with ws.uow(read_only=True) as uow:
        return xlsx.save_table(target, exports.list_export(uow, "persons"))


def raw_openpyxl(header: tuple[str, ...], rows: list[tuple], target: Path) -> int:
    """The floor: openpyxl write_only writing the same cells, nothing else."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Personen")
    bold = []
    for title in header:
        cell = WriteOnlyCell(ws, title)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    for name, district, band, last, open_requests in rows:
        day = None
        if last is not None:
            day = WriteOnlyCell(ws, last)
            day.number_format = "DD.MM.YYYY"
        ws.append([name, district, band, day, open_requests])
    wb.save(target)
    return len(rows)


def read_back(path: Path) -> list[tuple]:
    """Every cell as (value, number format, bold): the two files must agree in all three."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    out = [tuple((c.value.date() if isinstance(c.value, dt.datetime) else c.value, c.number_format, bool(c.font.b))
                 for c in row if c.value is not None)
           for row in wb.active.iter_rows()]
    wb.close()
    return out


def run(db: Path, repeat: int = 3, *, with_encrypted: bool = True) -> dict:
    """Median seconds of the app's export (plain file, and its encrypted copy unless
    ``with_encrypted`` is False) and of raw openpyxl writing the same cells, timed in turn;
    all files are checked first to hold the same cells (``SystemExit`` if not)."""
    import encrypted

    from kuemmerer.services import exports
    from kuemmerer.services.workspace import open_workspace

    enc_db = encrypted.encrypted_copy(db) if with_encrypted else None
    ws = open_workspace(db, create=False)
    enc_ws = None if enc_db is None else open_workspace(enc_db, create=False, key=encrypted.BENCH_KEY)
    enc_times: list[float] = []
    try:
        with ws.uow(read_only=True) as uow:
            export = exports.list_export(uow, "persons")
            header = tuple(c.title for c in export.columns)
            rows = export.rows()
        with tempfile.TemporaryDirectory() as folder:
            app_file, raw_file = Path(folder) / "app.xlsx", Path(folder) / "raw.xlsx"
            app_export(ws, app_file)
            raw_openpyxl(header, rows, raw_file)
            if read_back(app_file) != read_back(raw_file):
                sys.exit("the two files do not hold the same cells")
            enc_file = Path(folder) / "enc.xlsx"
            if enc_ws is not None:
                app_export(enc_ws, enc_file)
                if read_back(enc_file) != read_back(app_file):
                    sys.exit("the exports of the plain and the encrypted copy differ")
            app_times, raw_times = [], []
            for _ in range(repeat):
                t = time.perf_counter()
                raw_openpyxl(header, rows, raw_file)
                raw_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                app_export(ws, app_file)
                app_times.append(time.perf_counter() - t)
                if enc_ws is not None:
                    t = time.perf_counter()
                    app_export(enc_ws, enc_file)
                    enc_times.append(time.perf_counter() - t)
    finally:
        ws.close()
        if enc_ws is not None:
            enc_ws.close()
    app, raw = pystats.median(app_times), pystats.median(raw_times)
    return {"rows": len(rows), "app_s": app, "raw_s": raw, "ratio": app / raw,
            "enc_s": pystats.median(enc_times) if enc_times else 0.0,
            "enc_ratio": encrypted.ratio(enc_times, app_times) if enc_times else 0.0}


def main(argv=None) -> float:
    args = parse_args(argv)
    ensure_db(args)
    r = run(args.db, args.repeat, with_encrypted=not args.plain_only)
    ratio = r["ratio"]
    print(f"{r['rows']:,} persons: export {r['app_s']:.2f} s, raw openpyxl write_only {r['raw_s']:.2f} s, "
          f"ratio {ratio:.2f} (limit {args.max_ratio})")
    failed = ratio > args.max_ratio
    if r["enc_s"]:
        print(f"{r['rows']:,} persons: export from the encrypted copy {r['enc_s']:.2f} s, "
              f"encrypted/plain {r['enc_ratio']:.2f} (goal {args.max_enc_ratio or 1.15})")
        failed = failed or (args.max_enc_ratio is not None and r["enc_ratio"] > args.max_enc_ratio)
    if failed:
        sys.exit(1)
    return ratio


if __name__ == "__main__":
    main()

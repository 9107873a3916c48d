"""Speed of the backup with encryption on vs off: ``maintenance.create_backup`` (check of the
source, snapshot, check of the copy, fsync, key file beside it) on the plain file and on an
encrypted copy of it, alternately, in the same run (issue 11: goal ≤ 1.5).

    .venv/bin/python benchmarks/bench_backup.py [--db PATH] [--persons 100000]
        [--contacts 1000000] [--repeat 3] [--max-ratio 1.5]

If the database does not exist it is generated first with ``generate_large.py``; the
encrypted copy is ``encrypted.encrypted_copy(db)``. Every backup goes into a fresh temporary
folder (no rotation work from earlier runs) and is deleted after it was timed. Each backup
writes its audit event into the database, as in the app. Prints the medians and their ratio;
exits 1 if the ratio is above ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics as pystats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import encrypted
import generate_large

DEFAULT_DB = generate_large.DEFAULT_OUT


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--max-ratio", type=float, default=1.5)
    return p.parse_args(argv)


def run(db: Path, repeat: int = 3) -> dict:
    """Median seconds of a backup of the plain file and of its encrypted copy, their ratio and
    the sizes; checks that both backups hold the same number of persons."""
    from kuemmerer.db import storage
    from kuemmerer.services import maintenance
    from kuemmerer.services.workspace import open_workspace

    enc_db = encrypted.encrypted_copy(db)
    plain_ws = open_workspace(db, create=False)
    enc_ws = open_workspace(enc_db, create=False, key=encrypted.BENCH_KEY)
    sizes: dict[str, int] = {}
    persons: dict[str, int] = {}
    try:
        def backup(ws, side: str):
            def go():
                folder = Path(tempfile.mkdtemp(prefix=f"kuemmerer-bench-backup-{side}-"))
                try:
                    info = maintenance.create_backup(ws, folder)
                    if side not in persons:  # the warm-up run (not timed)
                        sizes[side] = info.path.stat().st_size
                        persons[side] = storage.backup_contents(info.path, ws.key)["persons"]
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
            return go

        plain_times, enc_times = encrypted.interleaved(backup(plain_ws, "plain"), backup(enc_ws, "enc"),
                                                       repeat, time.perf_counter)
    finally:
        plain_ws.close()
        enc_ws.close()
    if persons["plain"] != persons["enc"]:
        raise AssertionError(f"the backups differ: {persons}")
    return {"plain_s": pystats.median(plain_times), "enc_s": pystats.median(enc_times),
            "ratio": encrypted.ratio(enc_times, plain_times), "plain_bytes": sizes["plain"],
            "enc_bytes": sizes["enc"], "persons": persons["plain"]}


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.db.exists():
        generate_large.main(["--out", str(args.db), "--persons", str(args.persons),
                             "--contacts", str(args.contacts)])
    r = run(args.db, args.repeat)
    print(f"Sicherung ({r['persons']:,} Personen): unverschlüsselt {r['plain_s']:.2f} s "
          f"({r['plain_bytes'] / 1e6:.0f} MB), verschlüsselt {r['enc_s']:.2f} s ({r['enc_bytes'] / 1e6:.0f} MB), "
          f"Verhältnis {r['ratio']:.2f} (Grenze {args.max_ratio})")
    return 0 if r["ratio"] <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())

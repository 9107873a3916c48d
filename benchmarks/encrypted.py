"""Encryption on vs off (issue 11, "Speed"): an encrypted copy of a generated plain database,
so that every benchmark runs its work on both in the same run and reports the ratio
encrypted/plain (goal ≤ 1.15 for lists and statistics, ≤ 1.5 for the backup).

The copy is written with ``cipher.export`` (SQLCipher's ``sqlcipher_export``: the same pages,
rows and indexes, ``sqlite_stat1`` included) under a fixed benchmark key, with a key file
(password ``BENCH_PASSWORD``, cheap scrypt: the benchmarks pass the key, the password is only
for ``kuemmerer-cli`` or the window on the copy). It sits beside the plain file as
``<name>-verschluesselt.sqlite`` and is made again whenever the plain file is newer.

Every connection of a benchmark goes through SQLCipher (``cipher.connect(path, None)`` for
the plain file): the stdlib ``sqlite3`` must never touch a file SQLCipher has open in the
same process (the two libraries do not see each other's locks).
"""

from __future__ import annotations

import statistics as pystats
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from kuemmerer.db import cipher, keyfile
from kuemmerer.db.engine import SIDE_FILES

BENCH_KEY = bytes(range(100, 132))  # a fixed key for throw-away benchmark files only
BENCH_PASSWORD = "Benchmark-Passwort-2026"
CHEAP_KDF = keyfile.KdfParams(n=2 ** 10)


def encrypted_path(plain: Path) -> Path:
    plain = Path(plain)
    return plain.with_name(f"{plain.stem}-verschluesselt{plain.suffix or '.sqlite'}")


def _remove(db: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        Path(str(db) + suffix).unlink(missing_ok=True)
    keyfile.keyfile_path(db).unlink(missing_ok=True)


def _checkpointed(plain: Path) -> None:
    """Fold a plain file's WAL back (the export reads through it anyway; this keeps the
    comparison of file sizes honest and the mtime check meaningful)."""
    with closing(cipher.connect(plain, None, timeout=30)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def encrypted_copy(plain: Path, target: Path | None = None, *, force: bool = False) -> Path:
    """The encrypted copy of ``plain`` (made now if missing, older than ``plain`` or ``force``)."""
    plain = Path(plain)
    target = Path(target) if target is not None else encrypted_path(plain)
    if not force and target.exists() and keyfile.keyfile_path(target).exists() \
            and target.stat().st_mtime >= plain.stat().st_mtime and cipher.opens_with(target, BENCH_KEY):
        return target
    _checkpointed(plain)
    _remove(target)
    cipher.export(plain, None, target, BENCH_KEY)
    keyfile.write_keyfile(keyfile.keyfile_path(target), BENCH_KEY, BENCH_PASSWORD, params=CHEAP_KDF)
    with closing(cipher.connect(target, BENCH_KEY)) as conn:  # as the app keeps it
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
    return target


def with_real_kdf(target: Path) -> Path:
    """Re-wrap the copy's key file with the default scrypt parameters (as her key file has
    them), for the benchmarks that unlock with the password as she does; the key stays."""
    source = keyfile.keyfile_path(target)
    if keyfile._read(source).params != keyfile.DEFAULT_KDF:
        keyfile.change_password(source, BENCH_PASSWORD, BENCH_PASSWORD, params=keyfile.DEFAULT_KDF)
    return target


def describe(plain: Path, encrypted: Path) -> str:
    size = plain.stat().st_size / 1e6
    return (f"plain {plain.name} ({size:.0f} MB) vs encrypted {encrypted.name} "
            f"({encrypted.stat().st_size / 1e6:.0f} MB, SQLCipher, cache {cipher.PAGE_CACHE_KIB:,} KiB)")


def interleaved(plain: Callable[[], object], encrypted: Callable[[], object], repeat: int,
                clock: Callable[[], float]) -> tuple[list[float], list[float]]:
    """Time both sides alternately (plain, encrypted, plain, …) so that a busy moment of the
    machine hits both; each side is warmed up once first. Seconds per run."""
    plain(), encrypted()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for side, fn in enumerate((plain, encrypted)):
            t0 = clock()
            fn()
            times[side].append(clock() - t0)
    return times


def ratio(encrypted_times: list[float], plain_times: list[float]) -> float:
    plain = pystats.median(plain_times)
    return pystats.median(encrypted_times) / plain if plain else 0.0

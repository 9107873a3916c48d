"""benchmarks/bench_backup.py stays runnable at a tiny size (no time is asserted): a backup of
a generated plain database and of its encrypted copy, holding the same persons."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_backup.py"


def test_the_backup_benchmark_runs_on_a_plain_and_an_encrypted_copy(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_backup", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path / "bench.sqlite"
    bench.generate_large.main(["--out", str(db), "--persons", "300", "--contacts", "2000"])
    result = bench.run(db, repeat=1)
    assert result["persons"] == 300
    assert result["plain_s"] > 0 and result["enc_s"] > 0 and result["ratio"] > 0
    for name in ("bench_backup", "encrypted", "generate_large"):
        sys.modules.pop(name, None)

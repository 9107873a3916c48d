"""The benchmarks cannot rot (issue 12 §7): the generator and every row of ``make bench``
(benchmarks/bench.py) run at a small size, so a schema or API change that breaks one fails
here. No time is asserted — only that every operation ran, on the right data, against its
floor. Also the import diet of §6: a CLI command imports what it needs and no more, and the
PDF path runs on reportlab's C accelerator."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
ROWS = ("Start → erstes Zeichnen", "Tastendruck in Personen", "Jahresstatistik im Prozess", "kuemmerer-cli stats",
        "bis zum Ende scrollen", "Vermittlungsbogen-PDF (ganzer Prozess", "Vermittlungsbogen-PDF im Prozess",
        "Sachbericht-PDF", "Personen-Export xlsx", "Sicherung")
TIME = r"\d+(?:\.\d+)? (?:ms|s)"


def test_make_bench_prints_every_row_against_its_floor_at_a_small_size(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    names = ("bench", "bench_stats", "bench_pdf", "bench_xlsx", "bench_backup", "floors", "encrypted", "generate_large")
    for name in names:
        sys.modules.pop(name, None)
    try:
        bench = importlib.import_module("bench")
        db = tmp_path / "bench.sqlite"
        assert bench.main(["--db", str(db), "--persons", "2000", "--contacts", "10000", "--repeat", "1"]) == 0
    finally:
        for name in names:
            sys.modules.pop(name, None)
    out = capsys.readouterr().out
    assert "2,000 Personen, 10,000 Kontakte" in out  # the generator made what was asked, and bench read it
    lines = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| Vorgang")]
    assert len(lines) == len(ROWS), out
    for row, line in zip(ROWS, lines, strict=True):  # one table, in the order
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert row in cells[0], line
        assert re.fullmatch(TIME, cells[1]) and re.fullmatch(TIME, cells[3]), line  # Kümmerer and floor measured
        assert re.fullmatch(r"\d+\.\d\d×", cells[4]) and float(cells[4][:-1]) > 0, line
    assert "2,000 Zeilen" in out  # scrolled to the very end, and exported every person
    assert "rl_accel aktiv" in out


def _modules_after(code: str) -> list[str]:
    probe = ("import sys\n" + code + "\nheavy = ('sqlalchemy', 'alembic', 'reportlab', 'openpyxl', 'PySide6')\n"
             "print(' '.join(m for m in heavy if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[-1].split()


def test_the_cli_parser_imports_nothing_heavy():
    assert _modules_after("from kuemmerer import cli\ncli.build_parser().format_help()") == []


def test_cli_stats_imports_the_database_layer_but_no_pdf_excel_migrations_or_qt(ws):
    modules = _modules_after(f"from kuemmerer import cli\nassert cli.main(['--db', {str(ws.path)!r}, 'stats', "
                             "'--year', '2025', '--json']) == 0")
    assert modules == ["sqlalchemy"]


def test_the_pdf_path_imports_reportlab_and_no_database_layer():
    modules = _modules_after("import kuemmerer.exports.documents, kuemmerer.exports.referral_sheet, "
                             "kuemmerer.exports.consent_form, kuemmerer.exports.sachbericht")
    assert modules == ["reportlab"]


def test_the_pdf_path_runs_on_reportlabs_c_accelerator():
    """rl_accel (pinned) is found by reportlab: glyph widths, checksums and numbers in C."""
    from reportlab.lib import rl_accel

    assert {"fp_str", "calcChecksum", "instanceStringWidthTTF"} <= set(rl_accel._c_funcs)

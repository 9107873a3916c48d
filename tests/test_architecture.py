"""The layering of DESIGN.md §2, enforced: import-linter contracts and a few direct greps."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kuemmerer"


def test_import_linter_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def _imports(pattern: str) -> set[str]:
    rx = re.compile(rf"^\s*(from|import)\s+{pattern}\b", re.M)
    return {str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if rx.search(p.read_text(encoding="utf-8"))}


def test_only_ui_imports_pyside():
    assert {p for p in _imports("PySide6") if not p.startswith("ui/")} == set()


def test_only_db_imports_sqlalchemy_or_alembic():
    offenders = {p for p in _imports("(sqlalchemy|alembic)") if not p.startswith("db/")}
    assert offenders == set()


def test_window_start_does_not_import_slow_modules():
    """openpyxl, reportlab and alembic are imported lazily, not on start."""
    code = ("import sys, kuemmerer.ui.app, kuemmerer.ui.main_window, kuemmerer.services.workspace;"
            "print(sorted(m for m in ('openpyxl', 'reportlab', 'alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}).stdout.strip()
    assert out == "[]"


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path):
    from kuemmerer.services.workspace import open_workspace

    open_workspace(tmp_path / "k.sqlite").close()
    code = ("import sys; from kuemmerer.services.workspace import open_workspace;"
            f"open_workspace({str(tmp_path / 'k.sqlite')!r}).close();"
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr

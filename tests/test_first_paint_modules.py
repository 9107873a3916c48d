"""Paint first (issue 12 §1), guarded by what is loaded rather than by time: at the first paint
of the main window the start has loaded no database driver, no SQLAlchemy, no log-file
handler, no form widgets and not PySide6's ``Qt`` namespace; right after the paint it catches
up (garbage collection on again, the log file open) and opens the database as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kuemmerer.db import integrity, keyfile, preflight
from tests.conftest import create_encrypted

# What may be imported of Kümmerer when the window first paints. A module added here is
# paid for by every start, before she sees anything: import it where it is needed instead.
BEFORE_THE_PAINT = {
    "kuemmerer", "kuemmerer.ui", "kuemmerer.ui.app", "kuemmerer.ui.main_window", "kuemmerer.ui.errors",
    "kuemmerer.domain", "kuemmerer.domain.errors", "kuemmerer.paths", "kuemmerer.logging_setup",
    "kuemmerer.instance_lock", "kuemmerer.services", "kuemmerer.services.opening", "kuemmerer.db",
    "kuemmerer.db.preflight",
}
# Heavy modules (and packages) that only the database, the log file or the pages need.
NOT_BEFORE_THE_PAINT = {"sqlalchemy", "alembic", "sqlcipher3", "sqlite3", "_sqlite3", "logging.handlers", "socket",
                        "pickle", "cryptography", "openpyxl", "reportlab"}

START = textwrap.dedent("""
    import gc, json, logging, os, sys
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    app = QApplication(sys.argv[:1])
    seen = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if "paint" not in seen and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                import PySide6.QtCore
                seen["paint"] = {"modules": sorted(sys.modules), "qt_namespace": "Qt" in vars(PySide6.QtCore),
                                 "gc": gc.isenabled(), "loading": obj.stack.currentWidget() is obj.loading,
                                 "attached": obj.attached}
                if sys.argv[2] == "paint":
                    print(json.dumps(seen), flush=True)
                    os._exit(0)
            return False

    watcher = FirstPaint(app)
    show = QWidget.show

    def show_watched(widget):
        widget.installEventFilter(watcher)
        show(widget)

    QWidget.show = show_watched

    from kuemmerer.ui import main_window

    def started(window):  # the last step before the event loop: the start is done
        import logging.handlers
        files = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
        seen["started"] = {"gc": gc.isenabled(), "log_files": [h.baseFilename for h in files],
                           "attached": window.attached, "page": type(window.stack.currentWidget()).__name__}
        print(json.dumps(seen), flush=True)
        os._exit(0)

    main_window.MainWindow.start_housekeeping = started
    from kuemmerer.ui import app as kuemmerer_app
    kuemmerer_app.main(["--db", sys.argv[1]])
    print(json.dumps(seen), flush=True)
""")


def _start(db: Path, until: str) -> dict:
    """Start the window on ``db`` in a process of its own; what it saw at the first paint and
    (``until="started"``) when the start was done, right before the event loop."""
    run = subprocess.run([sys.executable, "-c", START, str(db), until], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.strip(), run.stdout + run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str]) -> tuple[set[str], set[str]]:
    """Kümmerer's modules that are not allowed yet, and the heavy ones that are there."""
    ours = {m for m in modules if m.split(".")[0] == "kuemmerer"}
    heavy = {m for m in modules if m in NOT_BEFORE_THE_PAINT or m.split(".")[0] in NOT_BEFORE_THE_PAINT}
    return ours - BEFORE_THE_PAINT, heavy


@pytest.mark.gui
def test_the_window_paints_before_the_database_layer_the_log_file_and_the_pages_are_loaded(db_path):
    create_encrypted(db_path).close()  # her usual start: an encrypted database with its key file
    seen = _start(db_path, "started")
    paint = seen["paint"]
    assert _loaded(paint["modules"]) == (set(), set())
    assert not paint["qt_namespace"], "PySide6's Qt namespace (≈130 enum classes) was created before the paint"
    assert not paint["gc"]  # no cycle collection while the start creates thousands of objects
    assert paint["loading"] and not paint["attached"]  # nothing of her data before the database is open
    # right after the paint: collection on again, the log file open, her database open, Heute shown
    started = seen["started"]
    assert started["gc"] and started["attached"] and started["page"] == "TodayPage"
    assert [Path(f).name for f in started["log_files"]] == ["kuemmerer.log"]


@pytest.mark.gui
def test_a_first_start_paints_before_anything_is_loaded_either(tmp_path):
    seen = _start(tmp_path / "neu" / "kuemmerer.sqlite", "paint")  # the first-start dialog would follow
    assert _loaded(seen["paint"]["modules"]) == (set(), set())
    assert not seen["paint"]["qt_namespace"]


# -- the driver-free checks of db/preflight.py give the driver modules' answers ---------------


def test_preflight_knows_the_database_header_and_the_key_file_as_the_driver_modules_do():
    assert preflight.SQLITE_MAGIC == integrity.SQLITE_MAGIC
    assert Path("x.sqlite").with_name("x.sqlite" + preflight.KEYFILE_SUFFIX) == keyfile.keyfile_path("x.sqlite")


@pytest.mark.parametrize("content", [b"", integrity.SQLITE_MAGIC + bytes(200), bytes(4096), bytes(50),
                                     b"Hallo, liebe Nachbarn!\n" * 10, os.urandom(4096)],
                         ids=["empty", "sqlite", "zeroed-header", "short-zeros", "letter", "random"])
def test_preflight_reads_a_file_head_as_integrity_does(tmp_path, content):
    path = tmp_path / "datei"
    path.write_bytes(content)
    assert preflight.starts_like_sqlite(path) == integrity.starts_like_sqlite(path)
    assert preflight.has_keyfile(path) is keyfile.keyfile_path(path).exists() is False
    keyfile.keyfile_path(path).write_text("{}", encoding="utf-8")
    assert preflight.has_keyfile(path) is True

"""Start → first paint of a main window, as a process of its own (run by ``bench.py``).

    python benchmarks/first_paint.py app DB      # kuemmerer's window on DB (KUEMMERER_PASSWORD unlocks it)
    python benchmarks/first_paint.py bare        # the floor: QApplication + QMainWindow.show()
    ... --app-wide-filter                        # the old watcher (see below), for comparison
    ... --compile                                # compile Kümmerer's sources at every start (see below)

Prints ``time.time()`` at the first paint event of a ``QMainWindow`` (the parent subtracts the
moment it started the process), then quits the event loop: the window closes as at any
normal end (the database is closed, the lock released). Nothing else is changed.

The watcher is an event filter on the shown ``QMainWindow`` only (installed by a wrapper
around ``QWidget.show``), the same for both sides. An event filter on the whole application
(``--app-wide-filter``, how this was measured until 06.12.2026) makes PySide6 wrap every
object that receives an event in Python — for the app's sidebar, menus and status bar that
creates about 130 enum classes of widgets it never uses (≈ 50 ms), a cost of the measurement
that a real start does not have and the bare window (one widget) hardly pays.

Bytecode: an installed Kümmerer starts from compiled ``.pyc`` files (pip compiles at install,
PyInstaller bundles them), and so does the floor (PySide6 from site-packages). The
development tree has none when ``PYTHONDONTWRITEBYTECODE`` is set (as on the shared machine),
so every start would compile the window's modules again (≈ 30 ms for ``main_window.py`` and
``app.py``). Both sides therefore keep their bytecode in ``<tmp>/kuemmerer-bench-pycache``
(written by the warm-up run, rewritten whenever a source changes); ``--compile`` measures
the old way.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

PYCACHE = Path(tempfile.gettempdir()) / "kuemmerer-bench-pycache"


def _watch(app, *, app_wide: bool = False) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow, QWidget

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 -- Qt's name
            if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                self.seen = True
                print(f"{time.time():.6f}", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    watcher = FirstPaint(app)
    if app_wide:
        app.installEventFilter(watcher)
        return
    show = QWidget.show

    def show_watched(widget: QWidget) -> None:
        if isinstance(widget, QMainWindow) and not watcher.seen:
            widget.installEventFilter(watcher)
        show(widget)

    QWidget.show = show_watched  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    app_wide = "--app-wide-filter" in argv
    if "--compile" not in argv:  # before the first import, the same for both sides
        sys.dont_write_bytecode = False
        sys.pycache_prefix = str(PYCACHE)
    argv = [a for a in argv if a not in ("--app-wide-filter", "--compile")]
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    _watch(app, app_wide=app_wide)
    if argv[0] == "bare":
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        return app.exec()
    from kuemmerer.ui import app as kuemmerer_app

    return kuemmerer_app.main(["--db", argv[1]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

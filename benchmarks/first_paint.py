"""Start → first paint of a main window, as a process of its own (run by ``bench.py``).

    python benchmarks/first_paint.py app DB      # kuemmerer's window on DB (KUEMMERER_PASSWORD unlocks it)
    python benchmarks/first_paint.py bare        # the floor: QApplication + QMainWindow.show()

Prints ``time.time()`` at the first paint event of a ``QMainWindow`` (the parent subtracts the
moment it started the process), then quits the event loop: the window closes as at any
normal end (the database is closed, the lock released). Nothing else is changed.
"""

from __future__ import annotations

import sys
import time


def _watch(app) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 -- Qt's name
            if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                self.seen = True
                print(f"{time.time():.6f}", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    watcher = FirstPaint(app)
    app.installEventFilter(watcher)


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    _watch(app)
    if argv[0] == "bare":
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        return app.exec()
    from kuemmerer.ui import app as kuemmerer_app

    return kuemmerer_app.main(["--db", argv[1]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

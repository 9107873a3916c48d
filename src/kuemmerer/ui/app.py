"""``kuemmerer``: starts the window (``--db PATH``, ``--demo``, ``--screenshots DIR``)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from kuemmerer import APP_TITLE
from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError
from kuemmerer.logging_setup import log_unexpected, setup_logging

log = logging.getLogger("kuemmerer.ui")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kuemmerer", description="Kümmerer starten")
    p.add_argument("--db", metavar="PFAD", help="Datenbankdatei")
    p.add_argument("--demo", action="store_true",
                   help="Demodatenbank öffnen (im eigenen Demo-Ordner, nie die echte Datenbank)")
    p.add_argument("--screenshots", metavar="ORDNER",
                   help="alle Bereiche und Dialoge als PNG in ORDNER speichern und beenden")
    return p.parse_args(argv)


def install_german(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    translator = QTranslator(app)
    if translator.load("qtbase_de", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)


def demo_db_path() -> Path:
    from kuemmerer.paths import data_dir

    return data_dir() / "demo" / "kuemmerer-demo.sqlite"


def prepare_demo(path: Path) -> None:
    """Create and fill the demo database if it does not exist yet (with a progress bar)."""
    if path.exists():
        return
    from kuemmerer.services import demo
    from kuemmerer.services.workspace import open_workspace

    dialog = QProgressDialog("Demodaten werden erzeugt …", "", 0, 12)
    dialog.setWindowTitle(APP_TITLE)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()

    ws = open_workspace(path)
    try:
        with ws.uow() as uow:
            demo.generate(uow, years=3, seed=1, progress=progress)
    finally:
        ws.close()
        dialog.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.suppress(OSError):
        setup_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), "kuemmerer needs a QApplication, not a QCoreApplication"
    app.setApplicationName("kuemmerer")
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("kuemmerer")
    install_german(app)

    from .errors import install_excepthook, install_qt_message_handler

    install_qt_message_handler()
    install_excepthook()

    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.paths import resolve_db_path
    from kuemmerer.services.workspace import open_workspace

    try:
        db_path = demo_db_path() if args.demo else resolve_db_path(args.db)
        lock = InstanceLock(db_path).acquire()
        if args.demo:
            prepare_demo(db_path)
        ws = open_workspace(db_path)
    except DatabaseDamaged as exc:
        QMessageBox.critical(None, APP_TITLE, f"{exc}\n\nZum Wiederherstellen: kuemmerer-cli restore DATEI "
                             "(oder nach dem Neustart im Menü Datei → Sicherung wiederherstellen).")
        return 2
    except KuemmererError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback to the user
        log_unexpected(log, "start failed", exc)
        QMessageBox.critical(None, APP_TITLE, "Kümmerer konnte nicht starten. Einzelheiten stehen im Protokoll.")
        return 3

    from kuemmerer.services import maintenance, settings

    if not args.screenshots:
        try:
            maintenance.housekeeping(ws)
        except KuemmererError as exc:
            QMessageBox.warning(None, APP_TITLE, f"Die tägliche Sicherung ist fehlgeschlagen: {exc}")
        except Exception as exc:  # noqa: BLE001
            log_unexpected(log, "housekeeping failed", exc)

    from .main_window import MainWindow

    window = MainWindow(ws, demo=args.demo)
    try:
        if args.screenshots:
            from .screenshots import take_screenshots

            written = take_screenshots(window, Path(args.screenshots))
            print("\n".join(str(p) for p in written))
            return 0
        window.show()
        with ws.uow(read_only=True) as uow:
            first_start = ws.created and settings.get_letterhead(uow).is_empty
        if first_start:
            from .dialogs.first_start import FirstStartDialog

            FirstStartDialog(window.ctx, window).exec()
        return app.exec()
    finally:
        window.ctx.ws.close()
        lock.release()

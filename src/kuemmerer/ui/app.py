"""``kuemmerer``: starts the window (``--db PATH``, ``--demo``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from kuemmerer import APP_TITLE
from kuemmerer.domain.errors import KuemmererError
from kuemmerer.logging_setup import log_unexpected, setup_logging

log = logging.getLogger("kuemmerer.ui")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kuemmerer", description="Kümmerer starten")
    p.add_argument("--db", metavar="PFAD", help="Datenbankdatei")
    p.add_argument("--demo", action="store_true",
                   help="Demodatenbank öffnen (im eigenen Demo-Ordner, nie die echte Datenbank)")
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
    """Create and fill the demo database if it does not exist yet."""
    if path.exists():
        return
    from kuemmerer.services import demo
    from kuemmerer.services.workspace import open_workspace

    ws = open_workspace(path)
    try:
        with ws.uow() as uow:
            demo.generate(uow, years=3, seed=1)
    finally:
        ws.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        setup_logging()
    except OSError:
        pass
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kuemmerer")
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("kuemmerer")
    install_german(app)

    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.paths import resolve_db_path

    try:
        db_path = demo_db_path() if args.demo else resolve_db_path(args.db)
        lock = InstanceLock(db_path).acquire()
        if args.demo:
            prepare_demo(db_path)
        from kuemmerer.services.workspace import open_workspace

        db = open_workspace(db_path)
    except KuemmererError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback to the user
        log_unexpected(log, "start failed", exc)
        QMessageBox.critical(None, APP_TITLE, "Kümmerer konnte nicht starten. Details stehen im Protokoll.")
        return 3

    from kuemmerer.services import maintenance

    try:
        maintenance.housekeeping(db)
    except KuemmererError as exc:
        QMessageBox.warning(None, APP_TITLE, f"Die tägliche Sicherung ist fehlgeschlagen: {exc}")
    except Exception as exc:  # noqa: BLE001
        log_unexpected(log, "housekeeping failed", exc)

    from .main_window import MainWindow

    window = MainWindow(db, demo=args.demo)
    window.show()
    try:
        return app.exec()
    finally:
        db.close()
        lock.release()

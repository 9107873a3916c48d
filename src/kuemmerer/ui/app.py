"""``kuemmerer``: starts the window (``--db PATH``, ``--demo``, ``--screenshots DIR``)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

from kuemmerer import APP_TITLE
from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError, MigrationBlocked
from kuemmerer.logging_setup import log_unexpected, setup_logging
from kuemmerer.paths import demo_db_path

if TYPE_CHECKING:
    from kuemmerer.services.workspace import Workspace

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


def open_or_recover(db_path: Path, parent: QWidget | None = None) -> Workspace | None:
    """Open the database; if it is damaged (moved aside), cannot be migrated or is missing
    although there are backups of it, offer the newest verified backup in one dialog and
    restore it with one click. None = she quit (nothing was created in place of her database)."""
    from kuemmerer.services import maintenance
    from kuemmerer.services.workspace import backup_dir_for, open_workspace

    from .dialogs.damaged import START_EMPTY, DamagedDialog

    backup_dir = backup_dir_for(db_path)
    offer = maintenance.recovery_offer(db_path, backup_dir) if not db_path.exists() else None
    if offer is not None:  # e.g. moved aside at the last start: not silently a new, empty one
        answer = DamagedDialog(
            f"Die Datenbank {db_path} gibt es nicht (mehr) – zum Beispiel, weil sie beim letzten Start als "
            "beschädigt beiseitegelegt wurde. Es gibt aber Sicherungen von ihr.",
            offer, parent, allow_empty=True).exec()
        if answer == START_EMPTY:
            return open_workspace(db_path)
        if answer != QDialog.DialogCode.Accepted:
            return None
    else:
        try:
            return open_workspace(db_path)
        except (DatabaseDamaged, MigrationBlocked) as exc:
            offer = maintenance.recovery_offer(db_path, backup_dir, exc.newest_backup)
            if DamagedDialog(str(exc), offer, parent).exec() != QDialog.DialogCode.Accepted or offer is None:
                return None
    restored = maintenance.restore(db_path, offer.path, backup_dir)
    ws = open_workspace(db_path, create=False)  # migrates an older backup
    again = maintenance.record_restore(ws, restored)
    if again:
        QMessageBox.information(parent, "Wiederhergestellt", maintenance.reapplied_text(again))
    if restored.safety:
        log.info("state before the restore saved as %s", restored.safety.path.name)
    return ws


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
    from kuemmerer.services.workspace import check_openable

    lock = None
    try:
        db_path = demo_db_path() if args.demo else resolve_db_path(args.db)
        check_openable(db_path)  # a folder, foreign, unreadable or read-only file: refused, nothing created
        lock = InstanceLock(db_path).acquire()
        if args.demo:
            prepare_demo(db_path)
        opened = open_or_recover(db_path)
        if opened is None:
            lock.release()
            return 2
        ws = opened
    except KuemmererError as exc:
        if lock is not None:
            lock.release()
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

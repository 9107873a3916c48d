"""``kuemmerer``: starts the window (``--db PATH``, ``--demo``, ``--screenshots DIR``)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from kuemmerer import APP_TITLE
from kuemmerer.domain.errors import DatabaseDamaged, KuemmererError, MigrationBlocked, ValidationError
from kuemmerer.logging_setup import hold_early_records, log_unexpected, setup_logging
from kuemmerer.paths import demo_db_path

# Dialogs and message boxes are imported where they are used: each Qt class PySide6 sets up
# costs its share of the time before the first paint (issue 12 §1).
if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

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
    from PySide6.QtWidgets import QProgressDialog

    from kuemmerer.services import demo, encryption

    dialog = QProgressDialog("Demodaten werden erzeugt …", "", 0, 12)
    dialog.setWindowTitle(APP_TITLE)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()

    # synthetic residents only: encrypted like hers, with the demo password from the README
    ws = encryption.create(path, encryption.new_key(), encryption.DEMO_PASSWORD)
    try:
        with ws.uow() as uow:
            demo.generate(uow, years=3, seed=1, progress=progress)
    finally:
        ws.close()
        dialog.close()


class _Quit(Exception):
    """She closed a dialog at the start: nothing is opened or created."""


def _given_password(demo: bool) -> str | None:
    from kuemmerer.services import encryption

    return encryption.password_from_environment() or (encryption.DEMO_PASSWORD if demo else None)


def unlock_at_start(db_path: Path, *, demo: bool = False, parent: QWidget | None = None) -> bytes | None:
    """The key of the existing encrypted database: ``KUEMMERER_PASSWORD`` (automated starts)
    or the demo password if they fit, else the unlock dialog (password, or the Notfallcode).
    None for a plain or missing file. ``_Quit`` if she closes the dialog."""
    from kuemmerer.services import encryption

    state = encryption.state(db_path)
    if state in (encryption.DbState.NEW, encryption.DbState.PLAIN):
        return None
    given = _given_password(demo)
    if given and state is encryption.DbState.ENCRYPTED:
        with contextlib.suppress(ValidationError):
            return encryption.unlock(db_path, password=given)
    from PySide6.QtWidgets import QDialog

    from .dialogs.unlock import UnlockDialog

    dialog = UnlockDialog(db_path, parent, demo_hint=demo)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        raise _Quit()
    return dialog.key


def create_at_start(db_path: Path, parent: QWidget | None = None) -> Workspace:
    """The first start: her password and the Notfallblatt before anything else, then the new
    encrypted database. ``_Quit`` if she closes the dialog (nothing was written)."""
    from PySide6.QtWidgets import QDialog

    from kuemmerer.services import encryption

    from .dialogs.encryption_setup import PasswordSetupDialog

    dialog = PasswordSetupDialog(db_path.name, parent, mode="new")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        raise _Quit()
    return encryption.create(db_path, dialog.key, dialog.password)


def offer_encryption(db_path: Path, parent: QWidget | None = None) -> bytes | None:
    """Her database is still a plain file (from before encryption): offer to encrypt it now
    (a verified backup first), then the secure removal of the plain backups. Returns the new
    key, or None if she chose "Später" (it opens as it is; the offer comes at every start)."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from kuemmerer.services import encryption

    from .dialogs.encryption_setup import PasswordSetupDialog
    from .tasks import run_blocking

    box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE,
                      "Ihre Datenbank ist noch nicht verschlüsselt: Wer die Festplatte oder eine Sicherung "
                      "kopiert, kann alles lesen. Kümmerer verschlüsselt sie jetzt (vorher wird sie gesichert). "
                      "Sie vergeben dazu ein Passwort und erhalten ein Notfallblatt.", parent=parent)
    now = box.addButton("Jetzt verschlüsseln", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Später", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(now)
    box.exec()
    if box.clickedButton() is not now:
        return None
    dialog = PasswordSetupDialog(db_path.name, parent, mode="encrypt")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        return None
    key, password = dialog.key, dialog.password
    done = run_blocking(parent, "Die Datenbank wird verschlüsselt …",
                        lambda: encryption.encrypt_existing(db_path, key, password))
    plain = list(done.plain_backups)
    if plain and QMessageBox.question(
            parent, APP_TITLE,
            f"Die Datenbank ist jetzt verschlüsselt. Es gibt noch {len(plain)} unverschlüsselte "
            f"Sicherung{'en' if len(plain) != 1 else ''} (auch die gerade vor dem Verschlüsseln erstellte). "
            "Sollen sie jetzt sicher gelöscht werden (überschrieben, dann gelöscht)? Sicherungen auf "
            "USB-Sticks löschen Sie bitte selbst.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes:
        encryption.remove_plain_backups(plain)
    return key


def _restore_key(db_path: Path, backup_file: Path, parent: QWidget | None) -> bytes | None:
    """The key a restore into a missing database needs (its key file's password)."""
    from kuemmerer.services import encryption

    source = encryption.keyfile_for_restore(db_path, backup_file)
    if source is None:
        return None
    given = _given_password(False)
    if given:
        with contextlib.suppress(ValidationError):
            return encryption.unlock_keyfile(source, given)
    from PySide6.QtWidgets import QDialog

    from .dialogs.unlock import UnlockDialog

    dialog = UnlockDialog(db_path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        raise _Quit()
    return dialog.key


def open_or_recover(db_path: Path, parent: QWidget | None = None, key: bytes | None = None) -> Workspace | None:
    """Open the database (with ``key`` if it is encrypted; a missing one is created after the
    first-start dialog); if it is damaged (moved aside), cannot be migrated or is missing
    although there are backups of it, offer the newest verified backup in one dialog and
    restore it with one click. None = she quit (nothing was created in place of her database)."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from kuemmerer.services import encryption, maintenance
    from kuemmerer.services.workspace import backup_dir_for, open_workspace

    from .dialogs.damaged import START_EMPTY, DamagedDialog

    backup_dir = backup_dir_for(db_path)
    try:
        offer = maintenance.recovery_offer(db_path, backup_dir, key=key) if not db_path.exists() else None
        if offer is not None:  # e.g. moved aside at the last start: not silently a new, empty one
            answer = DamagedDialog(
                f"Die Datenbank {db_path} gibt es nicht (mehr) – zum Beispiel, weil sie beim letzten Start als "
                "beschädigt beiseitegelegt wurde. Es gibt aber Sicherungen von ihr.",
                offer, parent, allow_empty=True).exec()
            if answer == START_EMPTY:
                return create_at_start(db_path, parent)
            if answer != QDialog.DialogCode.Accepted:
                return None
            key = key or _restore_key(db_path, offer.path, parent)
        elif not db_path.exists():
            return create_at_start(db_path, parent)
        else:
            try:
                return open_workspace(db_path, create=False, key=key)
            except (DatabaseDamaged, MigrationBlocked) as exc:
                offer = maintenance.recovery_offer(db_path, backup_dir, exc.newest_backup, key=key)
                if DamagedDialog(str(exc), offer, parent).exec() != QDialog.DialogCode.Accepted or offer is None:
                    return None
    except _Quit:
        return None
    restored = maintenance.restore(db_path, offer.path, backup_dir, key)
    encryption.adopt_backup_keyfile(db_path, offer.path)
    ws = open_workspace(db_path, create=False, key=key)  # migrates an older backup
    again = maintenance.record_restore(ws, restored)
    if again:
        QMessageBox.information(parent, "Wiederhergestellt", maintenance.reapplied_text(again))
    if restored.safety:
        log.info("state before the restore saved as %s", restored.safety.path.name)
    return ws


def start_logging() -> None:
    """The log file (opened after the first paint; what was logged before is in it too)."""
    with contextlib.suppress(OSError):
        setup_logging()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Until the first paint: no cyclic garbage collection (PySide6 creates thousands of enum
    # objects meanwhile, ~4 ms of collections) and the log file is not opened yet (its handler
    # module costs ~15 ms); ``after_paint`` catches up on both, also when the start fails.
    collecting = gc.isenabled()
    gc.disable()
    hold_early_records()
    painted = False

    def after_paint() -> None:
        nonlocal painted
        if not painted:
            painted = True
            if collecting:
                gc.enable()
            start_logging()

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
    from kuemmerer.services.opening import check_openable

    from .main_window import MainWindow

    lock = None
    window: MainWindow | None = None
    try:
        db_path = demo_db_path() if args.demo else resolve_db_path(args.db)
        check_openable(db_path)  # a folder, foreign, unreadable or read-only file: refused, nothing created
        lock = InstanceLock(db_path).acquire()
        # the first paint — frame, sidebar, Heute skeleton — before the database layer is loaded
        window = MainWindow(None, demo=args.demo)
        if not args.screenshots:
            window.show()
            app.processEvents()
        after_paint()
        parent = window if window.isVisible() else None
        if args.demo:
            prepare_demo(db_path)
        from kuemmerer.services import encryption

        try:
            if encryption.state(db_path) is encryption.DbState.PLAIN and not args.screenshots:
                key = offer_encryption(db_path, parent)
            else:
                key = unlock_at_start(db_path, demo=args.demo, parent=parent)
        except _Quit:
            key, opened = None, None
        else:
            opened = open_or_recover(db_path, parent, key=key)
        if opened is None:
            window.close()
            lock.release()
            return 2
        ws = opened
    except KuemmererError as exc:
        from PySide6.QtWidgets import QMessageBox

        after_paint()
        if lock is not None:
            lock.release()
        QMessageBox.critical(window if window is not None and window.isVisible() else None, APP_TITLE, str(exc))
        if window is not None:
            window.close()
        return 2
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback to the user
        from PySide6.QtWidgets import QMessageBox

        after_paint()
        log_unexpected(log, "start failed", exc)
        QMessageBox.critical(None, APP_TITLE, "Kümmerer konnte nicht starten. Einzelheiten stehen im Protokoll.")
        if window is not None:
            window.close()
        if lock is not None:
            lock.release()
        return 3

    from kuemmerer.services import settings

    try:
        window.attach(ws)
        if args.screenshots:
            from .screenshots import take_screenshots

            written = take_screenshots(window, Path(args.screenshots))
            print("\n".join(str(p) for p in written))
            return 0
        with ws.uow(read_only=True) as uow:
            first_start = ws.created and settings.get_letterhead(uow).is_empty
        if first_start:
            from .dialogs.first_start import FirstStartDialog

            FirstStartDialog(window.ctx, window).exec()
        window.start_housekeeping()  # the daily backup and checks, after the first paint
        return app.exec()
    finally:
        window.ctx.ws.close()
        lock.release()

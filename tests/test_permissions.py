"""Issue 9, defect 6: her files are readable by her only. Data, backup and log folders are
created 0700, the database (with -wal/-shm), lock, backups, attachments and log 0600, and
what an older version left readable is tightened on open. POSIX only: on Windows the
user's profile folder already keeps other users out (README, "Wo die Daten liegen")."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from kuemmerer.db import backup as bk
from kuemmerer.db.keyfile import keyfile_path
from kuemmerer.instance_lock import InstanceLock
from kuemmerer.logging_setup import setup_logging
from kuemmerer.paths import data_dir, default_db_path
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, create_encrypted

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Windows: the profile folder restricts access")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The usual umask (022): files would be 0644 and folders 0755 without our care."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers = handlers
    root.setLevel(level)


def test_a_new_database_in_the_default_folder_is_hers_only(loose_umask):
    db_path = default_db_path()
    assert not data_dir().exists()
    with InstanceLock(db_path):
        ws = create_encrypted(db_path)
        with ws.uow() as uow:
            persons.create_person(uow, last_name="Privat")
        backup = maintenance.create_backup(ws)
        assert Path(str(db_path) + "-wal").exists()
        assert {name: mode(Path(str(db_path) + name)) for name in ("", "-wal", "-shm", ".lock", ".schluessel")} == {
            "": 0o600, "-wal": 0o600, "-shm": 0o600, ".lock": 0o600, ".schluessel": 0o600}
        assert mode(data_dir()) == 0o700
        assert mode(ws.backup_dir) == 0o700
        assert mode(backup.path) == 0o600
        assert mode(bk.keyfile_of(backup.path)) == 0o600
        ws.close()


def test_the_log_folder_and_file_are_hers_only(tmp_path, loose_umask, restore_logging):
    log_file = setup_logging(tmp_path / "logs")
    logging.getLogger("kuemmerer.test").warning("ein Eintrag")
    assert mode(log_file.parent) == 0o700
    assert mode(log_file) == 0o600


def test_a_rotated_log_file_is_hers_only_too(tmp_path, loose_umask, restore_logging):
    log_file = setup_logging(tmp_path / "logs")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(log_file))
    logging.getLogger("kuemmerer.test").warning("vorher")
    handler.doRollover()  # type: ignore[attr-defined]
    logging.getLogger("kuemmerer.test").warning("nachher")
    assert sorted(p.name for p in log_file.parent.iterdir()) == ["kuemmerer.log", "kuemmerer.log.1"]
    assert {p.name: mode(p) for p in log_file.parent.iterdir()} == {"kuemmerer.log": 0o600,
                                                                    "kuemmerer.log.1": 0o600}


def test_files_an_older_version_left_readable_are_tightened_on_open(loose_umask, restore_logging):
    db_path = default_db_path()
    ws = open_workspace(db_path)
    maintenance.create_backup(ws)
    ws.close()
    attachments = db_path.parent / "Anhaenge"
    attachments.mkdir()
    (attachments / "protokoll.pdf").write_bytes(b"%PDF-1.4")
    log_dir = data_dir().parent / "logs"
    log_dir.mkdir()
    (log_dir / "kuemmerer.log").write_text("alt\n", encoding="utf-8")
    loose = [data_dir(), ws.backup_dir, attachments, log_dir]
    loose_files = [db_path, *ws.backup_dir.iterdir(), attachments / "protokoll.pdf", log_dir / "kuemmerer.log"]
    for folder in loose:
        os.chmod(folder, 0o755)
    for file in loose_files:
        os.chmod(file, 0o644)

    setup_logging(log_dir)
    with InstanceLock(db_path):
        open_workspace(db_path).close()

    assert {str(p): mode(p) for p in loose} == {str(p): 0o700 for p in loose}
    assert {str(p): mode(p) for p in loose_files} == {str(p): 0o600 for p in loose_files}


def test_a_folder_she_chose_is_left_as_it_is(tmp_path, loose_umask):
    """Her "Dokumente" folder is hers to share; only Kümmerer's own files in it are tightened."""
    documents = tmp_path / "Dokumente"
    documents.mkdir(mode=0o755)
    os.chmod(documents, 0o755)
    db_path = documents / "kuemmerer.sqlite"
    with InstanceLock(db_path):
        ws = create_encrypted(db_path)
        maintenance.create_backup(ws)
        ws.close()
    assert mode(documents) == 0o755
    assert mode(db_path) == 0o600 and mode(keyfile_path(db_path)) == 0o600
    assert mode(ws.backup_dir) == 0o700


def test_a_new_folder_for_the_database_is_created_hers_only(tmp_path, loose_umask):
    db_path = tmp_path / "neu" / "tiefer" / "kuemmerer.sqlite"
    with InstanceLock(db_path):
        create_encrypted(db_path).close()
    assert mode(tmp_path / "neu") == 0o700
    assert mode(tmp_path / "neu" / "tiefer") == 0o700
    assert mode(db_path) == 0o600 and mode(keyfile_path(db_path)) == 0o600


def test_a_failed_checkpoint_logs_no_exception_text(tmp_path, caplog):
    """Defect 10: exception messages may quote her data, so no ``exc_info`` in the log; the
    safe traceback (frames and exception types) is enough to find the place."""
    from kuemmerer.db.storage import _checkpoint

    folder = tmp_path / "Frau Beispiel"  # a folder is no database: sqlite3 cannot open it
    folder.mkdir()
    with caplog.at_level(logging.WARNING, logger="kuemmerer.db.storage"):
        _checkpoint(folder, TEST_KEY)
    [record] = [r for r in caplog.records if r.name == "kuemmerer.db.storage"]
    text = caplog.text
    assert record.exc_info is None
    assert "checkpoint on close failed" in text and "OperationalError" in text and "_checkpoint" in text
    assert "unable to open" not in text and "Beispiel" not in text

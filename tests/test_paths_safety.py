"""Issue 9, defect 4: the lock, the backup folder and a restore go by the real file, not by
the path she typed; a symlink to the database is the same database (DESIGN.md §3)."""

from __future__ import annotations

import os

import pytest

from kuemmerer import cli
from kuemmerer.domain.errors import DatabaseLocked
from kuemmerer.instance_lock import InstanceLock
from kuemmerer.paths import resolve_db_path
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import open_workspace
from tests.demo_data import last_names

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks need extra rights on Windows")


names = last_names


@pytest.fixture
def real_and_link(tmp_path):
    """Her database in one folder, and a link to it on the "desktop"."""
    real = tmp_path / "Daten" / "kuemmerer.sqlite"
    real.parent.mkdir()
    ws = open_workspace(real)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Aus-der-Sicherung")
    ws.close()
    desktop = tmp_path / "Schreibtisch"
    desktop.mkdir()
    link = desktop / "kuemmerer.sqlite"
    link.symlink_to(real)
    return real, link


def test_a_second_start_through_a_symlink_is_refused(real_and_link):
    real, link = real_and_link
    with InstanceLock(real), pytest.raises(DatabaseLocked, match="läuft bereits"):
        InstanceLock(link).acquire()
    with InstanceLock(link), pytest.raises(DatabaseLocked, match="läuft bereits"):
        InstanceLock(real).acquire()


def test_the_path_she_gives_is_resolved_to_the_real_file(real_and_link):
    real, link = real_and_link
    assert resolve_db_path(str(link)) == real
    # a link to the folder is resolved too
    folder_link = link.parent / "Ordner"
    folder_link.symlink_to(real.parent)
    assert resolve_db_path(str(folder_link / "kuemmerer.sqlite")) == real


def test_a_backup_through_the_symlink_goes_next_to_the_real_file(real_and_link, capsys):
    real, link = real_and_link
    assert cli.main(["--db", str(link), "backup"]) == 0
    assert [b.reason for b in maintenance.list_backups(real, real.parent / "Sicherungen")] == ["taeglich"]
    assert not (link.parent / "Sicherungen").exists()


def test_a_restore_through_the_symlink_replaces_the_real_file_and_keeps_the_link(real_and_link, capsys):
    real, link = real_and_link
    ws = open_workspace(real)
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Nach-der-Sicherung")
    ws.close()

    assert cli.main(["--db", str(link), "restore", str(backup.path)]) == 0, capsys.readouterr().err

    assert link.is_symlink() and os.readlink(link) == str(real)
    assert names(real) == ["Aus-der-Sicherung"]
    # the state before the restore was backed up next to the real file, not next to the link
    assert not (link.parent / "Sicherungen").exists()
    safety = [b for b in maintenance.list_backups(real, real.parent / "Sicherungen")
              if b.reason == "vor-wiederherstellung"]
    assert len(safety) == 1


def test_restore_backup_given_the_link_itself_replaces_the_real_file(real_and_link):
    """The service, called with the link (as the GUI would with a path from elsewhere)."""
    real, link = real_and_link
    ws = open_workspace(real)
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Nach-der-Sicherung")
    ws.close()

    maintenance.restore(link, backup.path, real.parent / "Sicherungen")

    assert link.is_symlink()
    assert names(real) == ["Aus-der-Sicherung"]


@pytest.mark.parametrize("folder", ["Buero #2", "a%20b", "Daten?x", "Ä & ö; ü"])
def test_a_restore_reads_the_backup_even_in_folders_with_odd_names(tmp_path, folder):
    db_path = tmp_path / folder / "kuemmerer.sqlite"
    db_path.parent.mkdir()
    ws = open_workspace(db_path)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Gesichert")
    backup = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Danach")
    ws.close()
    maintenance.restore(db_path, backup.path, ws.backup_dir)
    assert names(db_path) == ["Gesichert"]

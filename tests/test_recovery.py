"""Issue 9, defects 2 and 11: the advised recovery works. A database damaged in each of four
ways is moved aside, the message names the newest verified backup and the exact command,
``kuemmerer-cli restore`` works on the missing database, and the backup's data is back. A
database whose migration is blocked by a dangling reference says what to do next."""

from __future__ import annotations

import os
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer import cli
from kuemmerer.db import backup, cipher
from kuemmerer.domain.errors import DatabaseDamaged, MigrationBlocked
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import backup_dir_for, open_workspace
from tests.conftest import TEST_KEY, create_encrypted
from tests.demo_data import last_names

REVISIONS = Path(__file__).parent / "data" / "revisions"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _half(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _zeroed_header(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.write(b"\0" * 100)


def _one_page(path: Path) -> None:
    with closing(cipher.connect(path, TEST_KEY)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='persons'").fetchone()[0]
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])  # SQLCipher answers with text
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(os.urandom(size))


DAMAGE = {"random-bytes": _random_bytes, "half": _half, "zeroed-header": _zeroed_header, "one-page": _one_page}


def damaged_with_backup(db: Path, how: str) -> Path:
    """Her (encrypted) database with a backup holding "Gesichert", then "Danach" written; then
    damaged. Its key file stays: she opens it with her password, which tells damage from a
    wrong key."""
    db.parent.mkdir(parents=True, exist_ok=True)
    ws = create_encrypted(db)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Gesichert", first_name="Gerda")
        persons.create_person(uow, last_name="Auch", first_name="Anna")
    taken = maintenance.create_backup(ws)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Danach", first_name="Dora")
    ws.close()
    DAMAGE[how](db)
    return taken.path


names = last_names


@pytest.mark.parametrize("how", DAMAGE)
def test_cli_recovery_walk(capsys, tmp_path, how):
    db = tmp_path / "Büro #2" / "kuemmerer.sqlite"
    taken = damaged_with_backup(db, how)

    code, out, err = run(capsys, "--db", str(db), "stats")
    assert code == 2
    assert "beschädigt" in err and "beiseitegelegt" in err
    assert f"restore „{taken}“" in err  # the exact backup to restore, not a placeholder
    assert not db.exists()
    assert [p for p in db.parent.iterdir() if ".beschaedigt-" in p.name]

    code, out, err = run(capsys, "--db", str(db), "restore", str(taken))
    assert code == 0, err
    assert names(db) == ["Auch", "Gesichert"]
    assert maintenance.check(db, TEST_KEY) == []


def test_restore_works_when_the_damaged_file_is_still_there(capsys, tmp_path):
    db = tmp_path / "kuemmerer.sqlite"
    taken = damaged_with_backup(db, "one-page")
    code, out, err = run(capsys, "--db", str(db), "restore", str(taken))
    assert code == 0, err
    assert names(db) == ["Auch", "Gesichert"]
    assert [p for p in tmp_path.iterdir() if ".beschaedigt-" in p.name]  # kept, not deleted


def test_restore_works_when_the_database_was_never_there(capsys, tmp_path):
    db = tmp_path / "kuemmerer.sqlite"
    taken = damaged_with_backup(db, "half")
    db.unlink()
    code, out, err = run(capsys, "--db", str(db), "restore", str(taken))
    assert code == 0, err
    assert names(db) == ["Auch", "Gesichert"]


def test_the_offer_names_date_and_persons_of_the_newest_verified_backup(tmp_path):
    db = tmp_path / "kuemmerer.sqlite"
    taken = damaged_with_backup(db, "zeroed-header")
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db, key=TEST_KEY)
    offer = maintenance.recovery_offer(db, backup_dir_for(db), caught.value.newest_backup, key=TEST_KEY)
    assert offer is not None
    assert offer.path == taken and offer.persons == 2


# ------------------------------------------------------------ dangling reference (defect 11)


def old_database_with_dangling_reference(tmp_path: Path) -> tuple[Path, Path]:
    """A (plain, from before encryption) database of revision 0001 with a good backup, then a
    consent whose person is gone."""
    db = tmp_path / "kuemmerer.sqlite"
    shutil.copy(REVISIONS / "0001.sqlite", db)
    good = backup.create_backup(db, backup_dir_for(db))
    with closing(cipher.connect(db, None)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        person = conn.execute("SELECT min(id) FROM persons").fetchone()[0]
        conn.execute("DELETE FROM persons WHERE id = ?", (person,))
        assert conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.commit()
    return db, good.path


def test_a_dangling_reference_that_blocks_migration_says_what_to_do(capsys, tmp_path):
    db, good = old_database_with_dangling_reference(tmp_path)
    before = db.read_bytes()
    with pytest.raises(MigrationBlocked) as caught:
        open_workspace(db)
    assert "Nächster Schritt" in str(caught.value)
    assert caught.value.newest_backup == str(good)
    assert db.read_bytes() == before  # left as it was

    code, out, err = run(capsys, "--db", str(db), "stats")
    assert code == 2
    assert "Nächster Schritt" in err and f"restore „{good}“" in err

    code, out, err = run(capsys, "--db", str(db), "restore", str(good))
    assert code == 0, err
    assert len(names(db)) == 2
    assert maintenance.check(db) == []

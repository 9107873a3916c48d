"""Issue 9, defects 1 and 3: opening something that is not her database moves nothing and
says what it is; only an SQLite file that fails its check is moved aside; every URI is quoted
(folder names with ``# ? % & ;``, spaces, umlauts, very long paths)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer import cli
from kuemmerer.db import cipher
from kuemmerer.domain.errors import DatabaseDamaged, StorageError
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import open_workspace


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_db(path: Path, names: tuple[str, ...] = ("Muster",)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ws = open_workspace(path)
    with ws.uow() as uow:
        for name in names:
            persons.create_person(uow, last_name=name, first_name="Test")
    ws.close()
    return path


def listing(folder: Path) -> list[str]:
    """The folder's entries, without SQLite's own -wal/-shm companions."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


def damage(path: Path) -> None:
    """Overwrite the persons table's root page (a file that still starts like SQLite)."""
    with closing(cipher.connect(path, None)) as conn:  # a plain file (from before encryption)
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='persons'").fetchone()[0]
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xff" * size)


# --------------------------------------------------------------- not her database: nothing moved


def test_a_folder_as_database_is_refused_and_not_renamed(capsys, tmp_path):
    docs = tmp_path / "Dokumente"
    docs.mkdir()
    (docs / "brief.odt").write_text("Lieber Herr …", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(docs), "stats")
    assert code == 2
    assert "Ordner" in err and "Unerwartet" not in err
    assert listing(tmp_path) == ["Dokumente"]
    assert listing(docs) == ["brief.odt"]


def test_a_foreign_file_is_refused_and_not_renamed(capsys, tmp_path):
    letter = tmp_path / "brief.txt"
    letter.write_text("Sehr geehrte Damen und Herren,\n" * 50, encoding="utf-8")
    before = letter.read_bytes()
    code, out, err = run(capsys, "--db", str(letter), "backup")
    assert code == 2
    assert "keine Kümmerer-Datenbank" in err
    assert listing(tmp_path) == ["brief.txt"]
    assert letter.read_bytes() == before


def test_a_foreign_file_is_refused_by_the_window_start_too(tmp_path):
    letter = tmp_path / "brief.txt"
    letter.write_text("Hallo", encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        open_workspace(letter)
    assert not isinstance(caught.value, DatabaseDamaged)
    assert listing(tmp_path) == ["brief.txt"]


def test_a_damaged_sqlite_file_is_still_moved_aside(tmp_path):
    db = make_db(tmp_path / "k.sqlite")
    damage(db)
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db)
    assert not db.exists()
    assert caught.value.moved_to and Path(caught.value.moved_to).exists()


# ------------------------------------------------- permissions: as an ordinary user (not root)


def _as_nobody(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "kuemmerer.cli", *args]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("needs setpriv to drop root")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = dict(os.environ, HOME="/nonexistent", XDG_STATE_HOME=tempfile.gettempdir(),
               PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    env.pop("KUEMMERER_DB", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can reach (pytest's tmp folders are root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="i9-perm-"))
    folder.chmod(0o777)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o777)
    shutil.rmtree(folder)


def test_a_database_she_cannot_read_is_refused_and_not_renamed(shared_dir):
    db = make_db(shared_dir / "k.sqlite")
    db.chmod(0o000)
    done = _as_nobody("--db", str(db), "stats")
    assert done.returncode == 2, done.stderr
    assert "lesen" in done.stderr and "Berechtigung" in done.stderr
    assert listing(shared_dir) == ["Sicherungen", "k.sqlite"] or listing(shared_dir) == ["k.sqlite"]
    db.chmod(0o644)
    assert maintenance.check(db) == []


def test_a_healthy_database_in_a_read_only_folder_gets_its_own_message(shared_dir):
    folder = shared_dir / "nur-lesen"
    db = make_db(folder / "k.sqlite")
    db.chmod(0o644)
    folder.chmod(0o555)
    before = listing(folder)
    done = _as_nobody("--db", str(db), "stats")
    assert done.returncode == 2, done.stderr
    assert "schreibgeschützt" in done.stderr
    assert "keine lesbare Datenbank" not in done.stderr
    assert listing(folder) == before


def test_a_read_only_database_file_is_refused_before_the_first_save(shared_dir):
    db = make_db(shared_dir / "k.sqlite")
    db.chmod(0o444)
    done = _as_nobody("--db", str(db), "lists", "districts", "--add", "Neustadt")
    assert done.returncode == 2, done.stderr
    assert "schreibgeschützt" in done.stderr and "Unerwartet" not in done.stderr
    assert listing(shared_dir) == ["k.sqlite"]


# ------------------------------------------------------------------------- URIs quoted


FOLDER_NAMES = ["Buero #2", "a%20b", "Daten?x", "x&y;z", "Bü ro ä ö ß", "l" * 60 + "/" + "ä" * 60 + "/" + "z" * 60]


@pytest.mark.parametrize("folder", FOLDER_NAMES)
def test_check_reports_a_damaged_database_in_any_folder(capsys, tmp_path, folder):
    db = make_db(tmp_path / folder / "k.sqlite")
    damage(db)
    before = listing(db.parent)
    code, out, err = run(capsys, "--db", str(db), "check")
    assert code == 1, out + err
    assert out.strip() != "ok"
    assert listing(db.parent) == before  # no stray empty file where the URI was cut


@pytest.mark.parametrize("folder", FOLDER_NAMES)
def test_a_healthy_database_in_any_folder_opens_and_stays_where_it_is(capsys, tmp_path, folder):
    db = make_db(tmp_path / folder / "k.sqlite", names=("Erster", "Zweiter"))
    code, out, err = run(capsys, "--db", str(db), "check")
    assert (code, out.strip()) == (0, "ok"), err
    code, out, err = run(capsys, "--db", str(db), "stats", "--json")
    assert code == 0, err
    assert db.exists()
    assert not [p for p in db.parent.iterdir() if "beschaedigt" in p.name]
    ws = open_workspace(db, create=False)
    try:
        with ws.uow(read_only=True) as uow:
            assert sorted(p.last_name for p in persons.list_persons(uow)) == ["Erster", "Zweiter"]
    finally:
        ws.close()
    assert listing(tmp_path) == [folder.split("/")[0]]


def test_check_in_a_read_only_folder_says_so_instead_of_calling_it_unreadable(shared_dir):
    folder = shared_dir / "nur-lesen"
    db = make_db(folder / "k.sqlite")
    db.chmod(0o644)
    folder.chmod(0o555)
    done = _as_nobody("--db", str(db), "check")
    assert "keine lesbare Datenbank" not in done.stdout + done.stderr
    assert (done.returncode, done.stdout.strip()) == (0, "ok") or (
        done.returncode == 2 and "schreibgeschützt" in done.stderr), done.stdout + done.stderr
    assert listing(folder) == ["k.sqlite"]


def test_a_device_as_database_is_refused_and_nothing_created(capsys):
    code, out, err = run(capsys, "--db", "/dev/null", "backup")
    assert code == 2 and "keine gewöhnliche Datei" in err
    assert not Path("/dev/null-journal").exists()

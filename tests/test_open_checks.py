"""Issue 12 §2: the open checks the file only when there is a reason, and a damaged file is
still never used silently.

- a clean close, then an open the same day: no ``quick_check`` (it decrypts every page);
- an unclean shutdown (a process killed with SIGKILL while it had the database open): the
  next open runs ``quick_check``;
- the last good check older than a day (the clock injected): the open runs it;
- a page in the middle overwritten with random bytes after a clean close, with the marker
  clean and the check fresh: caught at open when the file's size or time changed, and
  otherwise (the page rotted on the disk) when SQLite reads it — a German error naming the
  newest good backup, in the window's unit of work and in the CLI; the next open then takes
  the damaged-file path (moved aside, backup offered, restore works);
- page 1 damaged (the salt kept, the time kept): caught at open, because the schema read fails.

The checks are counted by a fake wrapper around ``cipher.connect`` that records the check
pragmas every connection runs (no mock library, no timing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kuemmerer import cli
from kuemmerer.db import cipher, integrity
from kuemmerer.domain.errors import DatabaseDamaged
from kuemmerer.services import maintenance, persons
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, create_encrypted

PAGE = cipher.PAGE_SIZE
RESERVE = 80  # SQLCipher 4: IV (16) + HMAC-SHA512 (64) at the end of every page
NOTE = "SEITENPRUEFUNG"


class CheckCounter:
    """Wraps ``cipher.connect``: every connection reports the integrity pragmas it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.pragmas: list[str] = []
        real = cipher.connect

        def connect(*args, **kwargs):
            conn = real(*args, **kwargs)
            conn.set_trace_callback(self._seen)
            return conn

        monkeypatch.setattr(cipher, "connect", connect)

    def _seen(self, sql: str) -> None:
        low = sql.strip().lower()
        if low.startswith("pragma") and ("quick_check" in low or "integrity_check" in low):
            self.pragmas.append(low.removeprefix("pragma").strip())

    @property
    def quick(self) -> int:
        return self.pragmas.count("quick_check")

    @property
    def full(self) -> int:
        return self.pragmas.count("integrity_check")


def with_persons(db: Path, n: int = 60) -> Path:
    """Her encrypted database with ``n`` persons whose notes fill a page each, a verified
    daily backup (its full check counts as today's check), closed cleanly; returns the backup."""
    ws = create_encrypted(db)
    with ws.uow() as uow:
        for i in range(n):
            persons.create_person(uow, last_name=f"Seite{i}", first_name="Test", notes=f"{NOTE} {i} " + "x" * 3000)
    taken = maintenance.create_backup(ws)
    ws.close()
    return taken.path


def person_page_in_the_middle(db: Path) -> int:
    """The number of a page that holds persons (their notes), nearest the middle of the file —
    found by decrypting the pages with the test key (raw key: AES-256-CBC, IV in the reserve)."""
    data = db.read_bytes()
    count = len(data) // PAGE
    found = []
    for number in range(2, count + 1):
        page = data[(number - 1) * PAGE:number * PAGE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        plain = Cipher(algorithms.AES(TEST_KEY), modes.CBC(iv)).decryptor().update(page[:PAGE - RESERVE])
        if NOTE.encode() in plain:
            found.append(number)
    assert len(found) > 10, "the notes should fill pages of their own"
    return min(found, key=lambda n: abs(n - count // 2))


def overwrite(db: Path, start: int, length: int, *, keep_time: bool) -> None:
    """Random bytes over ``length`` bytes at ``start`` (in place: same file, same inode); with
    ``keep_time`` the modification time is set back, as when a page rots on the disk."""
    before = db.stat()
    with open(db, "r+b") as fh:
        fh.seek(start)
        fh.write(os.urandom(length))
    if keep_time:
        os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_clean_close_then_an_open_runs_no_check(db_path, monkeypatch):
    with_persons(db_path, n=3)
    counter = CheckCounter(monkeypatch)
    ws = open_workspace(db_path, key=TEST_KEY)
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
    ws.close()
    open_workspace(db_path, key=TEST_KEY).close()
    assert counter.pragmas == []
    assert not integrity.marker_path(db_path).exists()


def test_the_marker_is_there_while_open_and_holds_nothing_of_hers(db_path):
    with_persons(db_path, n=2)
    ws = open_workspace(db_path, key=TEST_KEY)
    marker = integrity.marker_path(db_path)
    assert stat.S_IMODE(marker.stat().st_mode) == 0o600
    assert set(json.loads(marker.read_bytes())) == {"geoeffnet", "token", "schaden"}
    assert b"Seite" not in marker.read_bytes()
    ws.close()
    assert not marker.exists()
    record = integrity.check_record_path(db_path, ws.backup_dir)
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert set(json.loads(record.read_bytes())) == {"geprueft", "datei", "geschlossen"}


KILLED_CHILD = """
import os, sys, time
from pathlib import Path
from kuemmerer.services import persons
from kuemmerer.services.workspace import open_workspace

ws = open_workspace(Path(sys.argv[1]), create=False, key=bytes.fromhex(os.environ["KUEMMERER_TEST_KEY"]))
with ws.uow() as uow:
    persons.create_person(uow, last_name="VorDemAbsturz")
print("ready", flush=True)
time.sleep(120)
"""


def test_an_unclean_shutdown_runs_quick_check_at_the_next_open(db_path, monkeypatch):
    with_persons(db_path, n=2)
    env = dict(os.environ, KUEMMERER_TEST_KEY=TEST_KEY.hex())
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(db_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert integrity.marker_path(db_path).exists()  # the killed process could not close cleanly

    counter = CheckCounter(monkeypatch)
    ws = open_workspace(db_path, key=TEST_KEY)
    assert (counter.quick, counter.full) == (1, 0)
    with ws.uow(read_only=True) as uow:
        assert "VorDemAbsturz" in [p.last_name for p in persons.list_persons(uow)]
    ws.close()
    open_workspace(db_path, key=TEST_KEY).close()  # closed cleanly now: no check
    assert (counter.quick, counter.full) == (1, 0)


def test_a_last_check_older_than_a_day_runs_quick_check(db_path, monkeypatch):
    with_persons(db_path, n=2)
    checked = integrity.last_good_check(db_path, db_path.parent / "Sicherungen")
    assert checked is not None
    counter = CheckCounter(monkeypatch)
    open_workspace(db_path, key=TEST_KEY, now=checked + dt.timedelta(hours=23)).close()
    assert counter.pragmas == []
    open_workspace(db_path, key=TEST_KEY, now=checked + dt.timedelta(hours=24, minutes=1)).close()
    assert counter.pragmas == ["quick_check"]
    # that check counts: the same day later no check again
    open_workspace(db_path, key=TEST_KEY, now=checked + dt.timedelta(hours=30)).close()
    assert counter.pragmas == ["quick_check"]


def test_a_clock_set_back_behind_the_last_check_runs_it(db_path, monkeypatch):
    with_persons(db_path, n=2)
    checked = integrity.last_good_check(db_path, db_path.parent / "Sicherungen")
    assert checked is not None
    counter = CheckCounter(monkeypatch)
    open_workspace(db_path, key=TEST_KEY, now=checked - dt.timedelta(hours=2)).close()
    assert counter.pragmas == ["quick_check"]


def test_a_page_written_over_after_a_clean_close_is_caught_at_open(db_path):
    """Something else wrote the file (its size or time changed): checked before it is used."""
    taken = with_persons(db_path)
    page = person_page_in_the_middle(db_path)
    overwrite(db_path, (page - 1) * PAGE, PAGE, keep_time=False)
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db_path, key=TEST_KEY)
    assert caught.value.moved_to is not None and not db_path.exists()
    assert caught.value.newest_backup == str(taken)


def test_a_page_rotting_on_disk_goes_the_damaged_file_path_when_it_is_read(db_path, monkeypatch, capsys):
    taken = with_persons(db_path)
    page = person_page_in_the_middle(db_path)
    overwrite(db_path, (page - 1) * PAGE, PAGE, keep_time=True)

    counter = CheckCounter(monkeypatch)
    ws = open_workspace(db_path, key=TEST_KEY)  # the marker is clean and the check fresh
    assert counter.pragmas == []
    with ws.uow(read_only=True) as uow, pytest.raises(DatabaseDamaged) as caught:
        persons.list_persons(uow)
    message = str(caught.value)
    assert message.startswith("Die Datenbank ist beschädigt")
    assert f"Die neueste geprüfte Sicherung ist {taken.name} vom " in message
    assert caught.value.newest_backup == str(taken) and caught.value.moved_to is None
    ws.close()
    assert json.loads(integrity.marker_path(db_path).read_bytes())["schaden"] is True

    # the next open runs the full check and takes the damaged-file path
    with pytest.raises(DatabaseDamaged) as at_open:
        open_workspace(db_path, key=TEST_KEY)
    assert counter.full >= 1
    assert at_open.value.moved_to is not None and at_open.value.newest_backup == str(taken)
    assert not db_path.exists() and not integrity.marker_path(db_path).exists()

    maintenance.restore(db_path, taken, db_path.parent / "Sicherungen", TEST_KEY)
    before = len(counter.pragmas)
    ws = open_workspace(db_path, key=TEST_KEY)  # the restored file was checked in full
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 60
    ws.close()
    assert len(counter.pragmas) == before


def test_the_cli_meeting_a_damaged_page_says_so_in_german_and_names_the_backup(db_path, capsys):
    taken = with_persons(db_path)
    page = person_page_in_the_middle(db_path)
    overwrite(db_path, (page - 1) * PAGE, PAGE, keep_time=True)
    code = cli.main(["--db", str(db_path), "export", "list", "persons", "--out", str(db_path.parent / "p.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Fehler: Die Datenbank ist beschädigt: ein Teil der Datei lässt sich nicht mehr lesen.")
    assert f"Die neueste geprüfte Sicherung ist {taken.name} vom " in err
    assert f"restore „{taken}“" in err and "Traceback" not in err
    assert db_path.exists() and not (db_path.parent / "p.xlsx").exists()
    # the CLI's open did not check; the damage it met is noted: the next open moves the file aside
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db_path, key=TEST_KEY)
    assert caught.value.moved_to is not None


def test_damage_met_through_the_driver_connection_is_translated_by_the_unit_of_work(db_path):
    taken = with_persons(db_path)
    page = person_page_in_the_middle(db_path)
    overwrite(db_path, (page - 1) * PAGE, PAGE, keep_time=True)
    ws = open_workspace(db_path, key=TEST_KEY)

    def read_through_the_driver() -> None:
        with ws.uow(read_only=True) as uow:  # as db/report_queries_figures.interruptible does
            driver = uow.session.connection().connection.driver_connection
            assert driver is not None
            driver.execute("SELECT notes FROM persons").fetchall()

    try:
        with pytest.raises(DatabaseDamaged, match=taken.name):
            read_through_the_driver()
    finally:
        ws.close()


def test_page_one_damaged_is_caught_at_open_by_the_schema_read(db_path, monkeypatch):
    """The salt (first 16 bytes) and the file's time kept, so no check is due: the schema
    read fails, and the open takes the damaged-file path."""
    taken = with_persons(db_path, n=3)
    overwrite(db_path, 16, PAGE - 16, keep_time=True)
    counter = CheckCounter(monkeypatch)
    assert integrity.check_due(db_path, db_path.parent / "Sicherungen") is None
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db_path, key=TEST_KEY)
    assert counter.quick == 0  # not due: found by reading the schema
    assert caught.value.moved_to is not None and caught.value.newest_backup == str(taken)
    assert "beschädigt und wurde beiseitegelegt" in str(caught.value)


def test_the_daily_backup_finding_damage_sends_the_next_open_down_the_damaged_file_path(db_path):
    taken = with_persons(db_path)
    page = person_page_in_the_middle(db_path)
    overwrite(db_path, (page - 1) * PAGE, PAGE, keep_time=True)
    ws = open_workspace(db_path, key=TEST_KEY)
    with pytest.raises(DatabaseDamaged, match=taken.name):
        maintenance.housekeeping(ws, today=dt.date.today() + dt.timedelta(days=1))
    ws.close()
    with pytest.raises(DatabaseDamaged) as caught:
        open_workspace(db_path, key=TEST_KEY)
    assert caught.value.moved_to is not None


def test_a_file_copied_over_the_name_is_checked(db_path, tmp_path, monkeypatch):
    with_persons(db_path, n=2)
    other = tmp_path / "anders" / "kuemmerer.sqlite"
    other.parent.mkdir()
    create_encrypted(other).close()
    data = other.read_bytes()
    with closing(open(db_path, "r+b")) as fh:  # copied over in place (same inode), time set back
        before = db_path.stat()
        fh.truncate(0)
        fh.write(data)
    os.utime(db_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    counter = CheckCounter(monkeypatch)
    open_workspace(db_path, key=TEST_KEY).close()
    assert counter.pragmas == ["quick_check"]

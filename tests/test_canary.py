"""The canary (issue 11, "What it must show"): a resident with a unique name and a request
with a unique phrase; their bytes (UTF-8, UTF-16-LE, UTF-16-BE, any letter case) are found
nowhere on disk — the database, its WAL and SHM, the key file, the backups and their key
files, the attachments, the temporary folder and the log — while the database is open
(after a commit, the WAL in use) and after it is closed; and no file in the database
folder starts like a plain SQLite file (``head -c 16`` is not ``SQLite format 3\\0``).

The Auskunft/report exports are not scanned: she saves those where she chooses.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kuemmerer.db.cipher import SQLITE_MAGIC
from kuemmerer.logging_setup import setup_logging
from kuemmerer.paths import log_dir
from kuemmerer.services import activities, files, maintenance, persons, requests
from kuemmerer.services.workspace import Workspace, open_workspace
from tests.conftest import TEST_KEY, create_encrypted

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


@dataclass
class Canary:
    ws: Workspace
    db: Path
    temp: Path
    logs: Path
    secrets: tuple[str, ...]


def needles(secrets: tuple[str, ...]) -> dict[bytes, str]:
    """Every secret in every encoding, lower case (the files are lowered too)."""
    return {s.lower().encode(enc): f"{s!r} ({enc})" for s in secrets for enc in ENCODINGS}


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def leaks(files: list[Path], secrets: tuple[str, ...]) -> list[str]:
    wanted = needles(secrets)
    found = []
    for path in files:
        data = path.read_bytes().lower()
        found += [f"{path.name}: {what}" for needle, what in wanted.items() if needle in data]
    return found


def database_files(c: Canary) -> list[Path]:
    """Everything in the database folder: db, -wal, -shm, key file, lock file,
    Sicherungen/* (backups and their key files), Anhaenge/*."""
    return files_under(c.db.parent)


def plain_heads(files: list[Path]) -> list[str]:
    out = []
    for path in files:
        with open(path, "rb") as fh:
            if fh.read(16) == SQLITE_MAGIC:
                out.append(path.name)
    return out


@pytest.fixture
def canary(tmp_path, monkeypatch) -> Iterator[Canary]:
    """Her world with the canary in it, the database still open; the temporary folder is a
    fresh one (for Python and for SQLite) and the log is the real log file."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    for var in ("TMPDIR", "SQLITE_TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(var, str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log_file = setup_logging()  # where the app logs (XDG_STATE_HOME is this test's)

    tag = uuid.uuid4().hex[:10]
    name = f"Zyxqorn{tag}"
    phrase = f"Quabbelnotiz Wrexdorf {tag[::-1]}"
    db = tmp_path / "daten" / "kuemmerer.sqlite"
    db.parent.mkdir()
    source = tmp_path / "quelle" / "Protokoll.txt"
    source.parent.mkdir()
    source.write_text(f"Gesprächsnotiz {name}: {phrase}\n", encoding="utf-8")

    ws = create_encrypted(db)
    try:
        with ws.uow() as u:
            person = persons.create_person(u, last_name=name, first_name="Testperson")
            request = requests.create_request(u, person_id=person.id, title="Beratung",
                                              description=f"{phrase} (erste Notiz)")
            activity = activities.create_activity(u, name="Frühjahrsputz")
            activities.add_attachment(u, ws.files_dir, source, activity_id=activity.id,
                                      description="Protokoll")
        maintenance.create_backup(ws)
        with ws.uow() as u:  # one more commit after the backup: it sits in the WAL
            requests.update_request(u, request.id, description=f"{phrase} bei {name}")
        logging.getLogger("kuemmerer.test").info("Kanarienvogel: Person %s angelegt", person.id)
        yield Canary(ws, db, temp, log_file.parent, (name, phrase))
    finally:
        ws.close()
        for h in root.handlers:
            if h not in handlers:
                h.close()
        root.handlers = handlers
        root.setLevel(level)


def scan(c: Canary) -> None:
    db_files = database_files(c)
    names = {p.name for p in db_files}
    backups = [p for p in db_files if p.parent.name == "Sicherungen" and p.suffix == ".sqlite"]
    assert c.db.name in names and c.db.name + ".schluessel" in names, names
    assert backups and {b.name + ".schluessel" for b in backups} <= names, names
    attachments = files_under(c.ws.files_dir)
    assert len(attachments) == 1 and attachments[0] in db_files
    assert files.is_encrypted_file(attachments[0])
    logs = files_under(c.logs)
    assert logs and c.logs == log_dir(), "the log file is where the app writes it"
    temps = files_under(c.temp)
    assert leaks(db_files + temps + logs, c.secrets) == []
    assert plain_heads(db_files) == []


def test_the_canary_is_nowhere_on_disk_while_open_and_after_closing(canary):
    wal = canary.db.with_name(canary.db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "open, after a commit: the WAL is in use"
    assert canary.db.with_name(canary.db.name + "-shm").exists()
    scan(canary)

    canary.ws.close()
    scan(canary)
    # and the canary is really in there: the file opens with the key and holds her
    ws = open_workspace(canary.db, create=False, key=TEST_KEY)
    try:
        with ws.uow(read_only=True) as u:
            found = [p for p in persons.list_persons(u) if p.last_name == canary.secrets[0]]
            assert len(found) == 1
            descriptions = [r.description for r in requests.list_requests(u, found[0].id)]
            assert descriptions == [f"{canary.secrets[1]} bei {canary.secrets[0]}"]
    finally:
        ws.close()


def test_the_scan_finds_every_encoding_in_any_case(tmp_path):
    """The scanner itself: a secret written as UTF-8, UTF-16-LE or -BE, in another case, is found."""
    secret = "Zyxqorn Geheim"
    written = ("utf-8", "utf-16-le", "utf-16-be")
    for enc in written:
        (tmp_path / enc).write_bytes(b"\x00junk" + secret.upper().encode(enc) + b"junk")
    (tmp_path / "clean").write_bytes(b"Zyxqor" + b"n Geheim".decode().encode("utf-16-le"))
    found = leaks(files_under(tmp_path), (secret,))
    assert sorted(found) == sorted(f"{enc}: {secret!r} ({enc})" for enc in written)

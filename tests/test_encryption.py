"""Encryption at rest as she meets it (issue 11 "What it must show"): a new encrypted database,
unlocking with the password or the Notfallcode, what a wrong password, a wrong code, a damaged
or missing key file do (their German message, and nothing created or overwritten), changing
and resetting the password, encrypting an older plain database, and backups.

A kill -9 during a password change is covered where the rewrap happens:
tests/test_keyfile.py::test_password_change_survives_kill_9_at_any_moment (``change_password``
here rewraps with exactly that function before anything else is written).
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuemmerer.db import backup as bk
from kuemmerer.db import cipher, keyfile
from kuemmerer.domain import recovery_code
from kuemmerer.domain.errors import NeedsKey, StorageError, ValidationError, WrongKey
from kuemmerer.services import encryption, maintenance, persons, requests
from kuemmerer.services.encryption import DbState
from kuemmerer.services.workspace import backup_dir_for, open_workspace

from .conftest import CHEAP_KDF, TEST_KEY, TEST_PASSWORD, create_encrypted

NEW_PASSWORD = "Neues-Passwort-2027"
OTHER_KEY = bytes(range(100, 132))
SQLITE_HEAD = b"SQLite format 3\x00"


# ---------------------------------------------------------------------------------------- helpers

def snapshot(folder: Path) -> dict[str, tuple[int, bytes] | None]:
    """Every file under ``folder`` with its mtime and bytes (folders as None): equal before
    and after means nothing was created, changed, renamed or deleted."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else (p.stat().st_mtime_ns, p.read_bytes()))
            for p in sorted(folder.rglob("*"))}


def count(path: Path, key: bytes | None, table: str) -> int:
    with closing(cipher.connect(path, key, read_only=True)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def names(path: Path, key: bytes | None) -> list[str]:
    with closing(cipher.connect(path, key, read_only=True)) as conn:
        return [r[0] for r in conn.execute("SELECT last_name FROM persons ORDER BY last_name")]


def add_people(ws, n: int = 3) -> None:
    with ws.uow() as uow:
        for i in range(n):
            p = persons.create_person(uow, last_name=f"Testperson{i}", first_name="Erika")
            requests.create_contact(uow, person_id=p.id, date=dt.date(2026, 3, 1 + i))
            requests.create_contact(uow, person_id=p.id, date=dt.date(2026, 4, 1 + i))


def make_plain(path: Path, n: int = 3) -> None:
    """An older plain database with data (from before encryption)."""
    ws = open_workspace(path)
    assert not ws.encrypted
    add_people(ws, n)
    ws.close()


def closed_encrypted(path: Path, n: int = 0) -> None:
    ws = create_encrypted(path)
    add_people(ws, n)
    ws.close()


# ------------------------------------------------------------------------------------------ create

def test_create_makes_an_encrypted_database_and_a_key_file_her_password_opens(tmp_path):
    path = tmp_path / "kuemmerer.sqlite"
    assert encryption.state(path) is DbState.NEW
    ws = create_encrypted(path)
    assert ws.encrypted and ws.key == TEST_KEY
    add_people(ws, 1)
    ws.close()
    kf = keyfile.keyfile_path(path)
    assert path.is_file() and kf.is_file()
    assert path.read_bytes()[:16] != SQLITE_HEAD
    assert keyfile.unwrap(kf, TEST_PASSWORD) == TEST_KEY
    assert encryption.state(path) is DbState.ENCRYPTED
    assert names(path, TEST_KEY) == ["Testperson0"]


@pytest.mark.parametrize("password", ["", "kurz", "aaaaaaaaaaaaaa"])
def test_create_with_a_weak_password_creates_nothing(tmp_path, password):
    folder = tmp_path / "neu"
    folder.mkdir()
    with pytest.raises(ValidationError) as err:
        encryption.create(folder / "kuemmerer.sqlite", TEST_KEY, password, params=CHEAP_KDF)
    assert set(err.value.errors) == {"password"}
    assert "Passwort" in err.value.errors["password"]
    assert list(folder.iterdir()) == []


def test_create_in_a_missing_folder_with_a_weak_password_makes_no_folder(tmp_path):
    with pytest.raises(ValidationError):
        encryption.create(tmp_path / "gibtsnicht" / "k.sqlite", TEST_KEY, "kurz", params=CHEAP_KDF)
    assert list(tmp_path.iterdir()) == []


def test_create_refuses_an_existing_database(tmp_path):
    path = tmp_path / "kuemmerer.sqlite"
    closed_encrypted(path, 2)
    before = snapshot(tmp_path)
    with pytest.raises(StorageError, match="gibt es schon"):
        encryption.create(path, OTHER_KEY, NEW_PASSWORD, params=CHEAP_KDF)
    assert snapshot(tmp_path) == before


def test_create_keeps_a_stale_key_file_under_another_name(tmp_path):
    path = tmp_path / "kuemmerer.sqlite"
    kf = keyfile.keyfile_path(path)
    keyfile.write_keyfile(kf, OTHER_KEY, "Altes-Passwort-99", params=CHEAP_KDF)
    stale = kf.read_bytes()
    create_encrypted(path).close()
    assert keyfile.unwrap(kf, TEST_PASSWORD) == TEST_KEY
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(kf.name + ".")]
    assert len(kept) == 1 and kept[0].read_bytes() == stale
    assert keyfile.unwrap(kept[0], "Altes-Passwort-99") == OTHER_KEY


def test_two_stale_key_files_in_one_second_are_both_kept(tmp_path, monkeypatch):
    """The stale name has a time stamp to the second: a second one in the same second must
    not replace the first."""
    path = tmp_path / "kuemmerer.sqlite"
    kf = keyfile.keyfile_path(path)
    frozen = dt.datetime(2026, 12, 2, 10, 0, 0)

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen

    monkeypatch.setattr(encryption.dt, "datetime", Clock)
    stale = []
    for i in range(2):
        keyfile.write_keyfile(kf, bytes([i]) * 32, f"Altes-Passwort-{i}9", params=CHEAP_KDF)
        stale.append(kf.read_bytes())
        create_encrypted(path).close()
        path.unlink()  # the database moved aside: its key file is stale again
        kf.unlink()
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(kf.name + "."))
    assert kept == sorted(stale)


# ------------------------------------------------------------------------------------------ unlock

@pytest.fixture
def enc(tmp_path):
    """A closed encrypted database with three persons, in its own folder."""
    path = tmp_path / "daten" / "kuemmerer.sqlite"
    path.parent.mkdir()
    closed_encrypted(path, 3)
    return path


def test_unlock_with_the_password_or_the_code_gives_the_key(enc):
    assert encryption.unlock(enc, password=TEST_PASSWORD) == TEST_KEY
    assert encryption.unlock(enc, code=encryption.code_of(TEST_KEY)) == TEST_KEY
    # typed lower case with spaces instead of dashes, as Crockford allows
    typed = encryption.code_of(TEST_KEY).replace("-", " ").lower()
    assert encryption.unlock(enc, code=typed) == TEST_KEY


def test_wrong_password_is_a_german_message_and_writes_nothing(enc):
    before = snapshot(enc.parent)
    with pytest.raises(ValidationError) as err:
        encryption.unlock(enc, password="Falsches-Passwort-1")
    assert err.value.errors == {"password": "Das Passwort stimmt nicht."}
    with pytest.raises(ValidationError) as err:
        encryption.open_with(enc, password="Falsches-Passwort-1")
    assert set(err.value.errors) == {"password"}
    assert snapshot(enc.parent) == before


def test_empty_password_asks_for_one(enc):
    with pytest.raises(ValidationError) as err:
        encryption.unlock(enc, password="")
    assert err.value.errors == {"password": "Bitte das Passwort eingeben."}


_CODE = encryption.code_of(TEST_KEY)
_CODE_CHARS = _CODE.replace("-", "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(0, len(_CODE_CHARS) - 1), shift=st.integers(1, len(recovery_code.ALPHABET) - 1))
def test_one_mistyped_character_of_the_code_is_caught_before_anything_is_tried(enc, pos, shift):
    original = _CODE_CHARS[pos]
    wrong = recovery_code.ALPHABET[(recovery_code.ALPHABET.index(original) + shift) % len(recovery_code.ALPHABET)]
    typed = _CODE_CHARS[:pos] + wrong + _CODE_CHARS[pos + 1:]
    with pytest.raises(ValidationError) as err:
        encryption.unlock(enc, code=typed)
    assert set(err.value.errors) == {"recovery_code"}
    assert "Tippfehler" in err.value.errors["recovery_code"]


def test_the_code_of_another_database_does_not_fit(enc):
    before = snapshot(enc.parent)
    with pytest.raises(ValidationError) as err:
        encryption.unlock(enc, code=encryption.code_of(OTHER_KEY))
    assert err.value.errors == {"recovery_code": "Der Notfallcode passt nicht zu dieser Datenbank."}
    keyfile.keyfile_path(enc).unlink()  # without the key file the database itself decides
    with pytest.raises(ValidationError, match="passt nicht"):
        encryption.unlock(enc, code=encryption.code_of(OTHER_KEY))
    del before[keyfile.keyfile_path(enc).name]
    assert snapshot(enc.parent) == before


def _flip(data: bytes) -> bytes:
    i = data.index(b'"wrapped_key"') + 20
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


@pytest.mark.parametrize("damage", ["flipped", "truncated", "other_json", "empty"])
def test_damaged_key_file_with_the_password_points_to_the_notfallcode(enc, damage):
    kf = keyfile.keyfile_path(enc)
    good = kf.read_bytes()
    bad = {"flipped": _flip(good), "truncated": good[: len(good) // 2],
           "other_json": json.dumps({"name": "Einkaufsliste", "items": [1, 2]}).encode(), "empty": b""}[damage]
    kf.write_bytes(bad)
    before = snapshot(enc.parent)
    for attempt in (lambda: encryption.unlock(enc, password=TEST_PASSWORD),
                    lambda: encryption.open_with(enc, password=TEST_PASSWORD)):
        with pytest.raises(StorageError) as err:
            attempt()
        assert not isinstance(err.value, ValidationError)
        assert "beschädigt" in str(err.value) and "Notfallcode" in str(err.value)
    assert snapshot(enc.parent) == before
    assert kf.read_bytes() == bad
    # the Notfallcode still opens it, and a new password replaces the damaged file
    assert encryption.unlock(enc, code=_CODE) == TEST_KEY
    encryption.reset_password(enc, _CODE, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF)
    assert encryption.unlock(enc, password=NEW_PASSWORD) == TEST_KEY


def test_missing_key_file_the_code_opens_and_a_new_password_is_set(enc):
    keyfile.keyfile_path(enc).unlink()
    assert encryption.state(enc) is DbState.NO_KEYFILE
    before = snapshot(enc.parent)
    with pytest.raises(StorageError, match="Notfallcode"):
        encryption.unlock(enc, password=TEST_PASSWORD)
    assert snapshot(enc.parent) == before
    ws = encryption.open_with(enc, code=_CODE)
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
    ws.close()
    with pytest.raises(ValidationError) as err:
        encryption.reset_password(enc, _CODE, NEW_PASSWORD, "Anderes-Passwort-1", params=CHEAP_KDF)
    assert set(err.value.errors) == {"repeated"}
    assert not keyfile.keyfile_path(enc).exists()
    assert encryption.reset_password(enc, _CODE, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF) == TEST_KEY
    assert encryption.state(enc) is DbState.ENCRYPTED
    ws = encryption.open_with(enc, password=NEW_PASSWORD)
    assert ws.key == TEST_KEY
    ws.close()


def test_reset_with_the_code_of_another_database_writes_nothing(enc):
    keyfile.keyfile_path(enc).unlink()
    before = snapshot(enc.parent)
    with pytest.raises(ValidationError, match="passt nicht"):
        encryption.reset_password(enc, encryption.code_of(OTHER_KEY), NEW_PASSWORD, NEW_PASSWORD,
                                  params=CHEAP_KDF)
    assert snapshot(enc.parent) == before


def test_unlock_of_a_missing_database_is_a_german_message(tmp_path):
    gone = tmp_path / "weg.sqlite"
    for kwargs in ({"password": TEST_PASSWORD}, {"code": _CODE}):
        with pytest.raises(StorageError) as err:
            encryption.unlock(gone, **kwargs)
        assert "gibt es nicht" in str(err.value)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------- open_workspace without a key

@pytest.mark.parametrize("with_keyfile", [True, False])
def test_encrypted_file_without_or_with_a_wrong_key_is_never_moved_aside(enc, with_keyfile):
    if not with_keyfile:
        keyfile.keyfile_path(enc).unlink()
    before = snapshot(enc.parent)
    with pytest.raises(NeedsKey, match="verschlüsselt"):
        open_workspace(enc)
    with pytest.raises(NeedsKey):
        open_workspace(enc, create=False)
    with pytest.raises(WrongKey, match="passt nicht"):
        open_workspace(enc, key=OTHER_KEY)
    assert snapshot(enc.parent) == before
    assert not list(enc.parent.glob("*beschaedigt*"))


# ----------------------------------------------------------------------------------- change_password

def test_change_password_old_no_longer_opens_new_does_and_backup_key_files_follow(enc):
    ws = open_workspace(enc, key=TEST_KEY)
    first = maintenance.create_backup(ws, now=dt.datetime(2026, 11, 1, 9, 0, 0))
    second = maintenance.create_backup(ws, now=dt.datetime(2026, 11, 2, 9, 0, 0))
    renewed = encryption.change_password(ws, TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF)
    ws.close()
    assert renewed == 2
    with pytest.raises(ValidationError):
        encryption.unlock(enc, password=TEST_PASSWORD)
    assert encryption.unlock(enc, password=NEW_PASSWORD) == TEST_KEY
    main = keyfile.keyfile_path(enc).read_bytes()
    for b in (first, second):
        side = bk.keyfile_of(b.path)
        assert side.read_bytes() == main
        with pytest.raises(ValidationError):
            keyfile.unwrap(side, TEST_PASSWORD)
    # the Notfallcode is unchanged
    assert encryption.unlock(enc, code=_CODE) == TEST_KEY


@pytest.mark.parametrize(("old", "new", "repeated", "field"), [
    ("Falsches-Passwort-1", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
    (TEST_PASSWORD, "kurz", "kurz", "new_password"),
    (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "repeated"),
])
def test_a_refused_password_change_writes_nothing(enc, old, new, repeated, field):
    ws = open_workspace(enc, key=TEST_KEY)
    maintenance.create_backup(ws)
    ws.close()
    ws = open_workspace(enc, key=TEST_KEY)
    before = snapshot(enc.parent)
    with pytest.raises(ValidationError) as err:
        encryption.change_password(ws, old, new, repeated, params=CHEAP_KDF)
    assert set(err.value.errors) == {field}
    after = snapshot(enc.parent)
    ws.close()
    assert after == before
    assert encryption.unlock(enc, password=TEST_PASSWORD) == TEST_KEY


def test_a_plain_database_has_no_password_to_change(tmp_path):
    path = tmp_path / "alt.sqlite"
    make_plain(path, 1)
    ws = open_workspace(path)
    with pytest.raises(StorageError, match="nicht verschlüsselt"):
        encryption.change_password(ws, TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF)
    ws.close()
    assert not keyfile.keyfile_path(path).exists()


# -------------------------------------------------------------------------------- encrypt_existing

@pytest.fixture
def plain(tmp_path):
    """An older plain database with three persons (six contacts) and two plain backups."""
    path = tmp_path / "kuemmerer.sqlite"
    make_plain(path, 3)
    ws = open_workspace(path)
    old = [maintenance.create_backup(ws, now=dt.datetime(2025, 5, d, 8, 0, 0)) for d in (1, 2)]
    ws.close()
    assert all(cipher.is_plain(b.path) for b in old)
    return path


def test_encrypt_existing_encrypts_in_place_with_every_row(plain):
    assert encryption.state(plain) is DbState.PLAIN
    plain_names = names(plain, None)
    contacts = count(plain, None, "contacts")
    assert contacts == 6
    done = encryption.encrypt_existing(plain, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    assert encryption.state(plain) is DbState.ENCRYPTED
    assert plain.read_bytes()[:16] != SQLITE_HEAD
    assert not cipher.opens_with(plain, None)
    assert names(plain, TEST_KEY) == plain_names
    assert count(plain, TEST_KEY, "contacts") == contacts
    # the verified plain backup taken first
    assert "vor-verschluesselung" in done.safety.path.name and done.safety.path.exists()
    assert cipher.is_plain(done.safety.path)
    assert maintenance.check(done.safety.path) == []
    assert names(done.safety.path, None) == plain_names
    # every plain backup is offered for removal
    offered = {b.path for b in done.plain_backups}
    assert {b.path for b in encryption.plain_backups(plain)} == offered
    assert len(offered) == 3 and done.safety.path in offered
    assert not list(plain.parent.glob("*tmp*"))
    ws = encryption.open_with(plain, password=TEST_PASSWORD)
    with ws.uow(read_only=True) as uow:
        assert len(requests.list_contacts(uow)) == 6
    ws.close()
    assert maintenance.check(plain, TEST_KEY) == []


def test_remove_plain_backups_removes_them_from_disk(plain):
    done = encryption.encrypt_existing(plain, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    ws = encryption.open_with(plain, password=TEST_PASSWORD)
    encrypted_backup = maintenance.create_backup(ws)
    ws.close()
    assert encryption.remove_plain_backups(done.plain_backups) == 3
    assert all(not b.path.exists() for b in done.plain_backups)
    assert encryption.plain_backups(plain) == []
    assert encrypted_backup.path.exists() and bk.keyfile_of(encrypted_backup.path).exists()
    assert encryption.remove_plain_backups(done.plain_backups) == 0


def test_encrypt_existing_refuses_a_weak_password_and_an_encrypted_database(plain, enc):
    before = snapshot(plain.parent)
    with pytest.raises(ValidationError) as err:
        encryption.encrypt_existing(plain, TEST_KEY, "kurz", params=CHEAP_KDF)
    assert set(err.value.errors) == {"password"}
    assert snapshot(plain.parent) == before
    with pytest.raises(StorageError, match="nicht unverschlüsselt"):
        encryption.encrypt_existing(enc, OTHER_KEY, NEW_PASSWORD, params=CHEAP_KDF)
    assert encryption.unlock(enc, password=TEST_PASSWORD) == TEST_KEY


def test_an_interrupted_encryption_leaves_the_plain_database_intact(plain, monkeypatch):
    plain_names = names(plain, None)

    def broken_export(source, source_key, target, target_key):
        Path(target).write_bytes(b"halb geschrieben")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cipher, "export", broken_export)
    with pytest.raises(StorageError) as err:
        encryption.encrypt_existing(plain, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    assert "unverschlüsselt" in str(err.value)
    monkeypatch.undo()
    assert cipher.is_plain(plain) and encryption.state(plain) is DbState.PLAIN
    assert names(plain, None) == plain_names
    assert not list(plain.parent.glob("*tmp*"))
    # the key file of the failed try is gone with it: its key was never used
    assert not keyfile.keyfile_path(plain).exists()
    ws = open_workspace(plain)
    assert not ws.encrypted
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
    ws.close()
    # and the next try works
    encryption.encrypt_existing(plain, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    assert names(plain, TEST_KEY) == plain_names


# ----------------------------------------------------------------------------------------- backups

def test_backup_of_an_encrypted_database_is_encrypted_and_opens_with_the_password(enc):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    assert info.path.read_bytes()[:16] != SQLITE_HEAD
    assert not cipher.opens_with(info.path, None)
    side = bk.keyfile_of(info.path)
    assert side.name == info.path.name + ".schluessel"
    key = encryption.unlock_keyfile(side, TEST_PASSWORD)
    assert names(info.path, key) == ["Testperson0", "Testperson1", "Testperson2"]


def test_rotation_deletes_the_backup_and_its_key_file(enc):
    ws = open_workspace(enc, key=TEST_KEY)
    days = [dt.datetime(2026, 1, 1, 9) + dt.timedelta(days=i) for i in range(16)]
    taken = [maintenance.create_backup(ws, now=when) for when in days]
    ws.close()
    gone = [b for b in taken if not b.path.exists()]
    assert len(gone) == 2  # 14 daily kept (the oldest two fall out)
    assert all(not bk.keyfile_of(b.path).exists() for b in gone)
    assert all(bk.keyfile_of(b.path).exists() for b in taken if b.path.exists())
    leftovers = [p for p in backup_dir_for(enc).iterdir() if p.name.endswith(".schluessel")
                 and not Path(str(p)[: -len(".schluessel")]).exists()]
    assert leftovers == []


def test_restoring_a_plain_backup_into_an_encrypted_database_encrypts_it(tmp_path):
    path = tmp_path / "kuemmerer.sqlite"
    make_plain(path, 2)
    ws = open_workspace(path)
    old = maintenance.create_backup(ws)
    ws.close()
    encryption.encrypt_existing(path, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    ws = open_workspace(path, key=TEST_KEY)
    with ws.uow() as uow:
        persons.create_person(uow, last_name="Nachher")
    ws.close()
    assert len(names(path, TEST_KEY)) == 3
    maintenance.restore(path, old.path, backup_dir_for(path), TEST_KEY)
    assert path.read_bytes()[:16] != SQLITE_HEAD
    assert names(path, TEST_KEY) == ["Testperson0", "Testperson1"]
    assert count(path, TEST_KEY, "contacts") == 4
    assert encryption.state(path) is DbState.ENCRYPTED


def test_restore_without_the_main_key_file_adopts_the_backups_key_file(enc):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    # the laptop's folder is lost: database and key file gone, the backup stick is left
    enc.unlink()
    keyfile.keyfile_path(enc).unlink()
    assert encryption.keyfile_for_restore(enc, info.path) == bk.keyfile_of(info.path)
    key = encryption.unlock_keyfile(encryption.keyfile_for_restore(enc, info.path), TEST_PASSWORD)
    maintenance.restore(enc, info.path, backup_dir_for(enc), key)
    assert encryption.state(enc) is DbState.NO_KEYFILE
    assert encryption.adopt_backup_keyfile(enc, info.path) is True
    assert keyfile.keyfile_path(enc).read_bytes() == bk.keyfile_of(info.path).read_bytes()
    assert encryption.adopt_backup_keyfile(enc, info.path) is False  # never overwrites
    ws = encryption.open_with(enc, password=TEST_PASSWORD)
    with ws.uow(read_only=True) as uow:
        assert len(persons.list_persons(uow)) == 3
    ws.close()
    # with the main key file back, it is the one asked for
    assert encryption.keyfile_for_restore(enc, info.path) == keyfile.keyfile_path(enc)


def test_keyfile_for_restore_of_a_lone_encrypted_backup_needs_the_code(enc):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    keyfile.keyfile_path(enc).unlink()
    bk.keyfile_of(info.path).unlink()
    with pytest.raises(NeedsKey, match="Notfallcode"):
        encryption.keyfile_for_restore(enc, info.path)
    assert encryption.adopt_backup_keyfile(enc, info.path) is False


def test_keyfile_for_restore_of_a_plain_backup_without_any_key_file_is_none(tmp_path):
    path = tmp_path / "kuemmerer.sqlite"
    make_plain(path, 1)
    ws = open_workspace(path)
    info = maintenance.create_backup(ws)
    ws.close()
    assert encryption.keyfile_for_restore(path, info.path) is None
    assert encryption.adopt_backup_keyfile(path, info.path) is False


# ------------------------------------------------------------------ a key file of another database

@pytest.fixture
def swapped(enc, tmp_path):
    """The key file beside ``enc`` is another database's (same name, other folder): copied or
    restored there by mistake. Its password is TEST_PASSWORD too."""
    other = tmp_path / "anderswo" / enc.name
    other.parent.mkdir()
    encryption.create(other, OTHER_KEY, TEST_PASSWORD, params=CHEAP_KDF).close()
    keyfile.keyfile_path(enc).write_bytes(keyfile.keyfile_path(other).read_bytes())
    return enc


def test_a_key_file_of_another_database_never_gets_the_database_moved_aside(swapped):
    before = snapshot(swapped.parent)
    for attempt in (lambda: encryption.unlock(swapped, password=TEST_PASSWORD),
                    lambda: encryption.open_with(swapped, password=TEST_PASSWORD)):
        with pytest.raises(encryption.ForeignKeyFile) as err:
            attempt()
        assert "anderen Datenbank" in str(err.value) or "gehört nicht zu dieser Datenbank" in str(err.value)
        assert "Notfallcode" in str(err.value) and "nichts verändert" in str(err.value)
    assert encryption.unlock(swapped, code=_CODE) == TEST_KEY  # the right code opens it all the same
    assert snapshot(swapped.parent) == before
    assert not list(swapped.parent.glob("*beschaedigt*"))
    assert names(swapped, TEST_KEY) == ["Testperson0", "Testperson1", "Testperson2"]


def test_the_notfallcode_sets_a_new_password_and_keeps_the_foreign_key_file(swapped):
    foreign = keyfile.keyfile_path(swapped).read_bytes()
    assert encryption.reset_password(swapped, _CODE, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF) == TEST_KEY
    assert encryption.unlock(swapped, password=NEW_PASSWORD) == TEST_KEY
    kept = [p for p in swapped.parent.iterdir() if ".schluessel.bis-" in p.name]
    assert [p.read_bytes() for p in kept] == [foreign]
    ws = encryption.open_with(swapped, code=_CODE)
    ws.close()


def test_a_damaged_first_page_with_the_right_key_file_is_still_damage(enc):
    """The key opens a backup, so the key file is this database's: the database is damaged,
    and opening it moves it aside and names the backup (as before encryption)."""
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    data = bytearray(enc.read_bytes())
    data[100:200] = bytes(100)
    enc.write_bytes(bytes(data))
    key = encryption.unlock(enc, password=TEST_PASSWORD)
    assert key == TEST_KEY
    from kuemmerer.domain.errors import DatabaseDamaged
    with pytest.raises(DatabaseDamaged) as err:
        open_workspace(enc, key=key)
    assert err.value.newest_backup == str(info.path)


def test_reset_password_renews_the_key_files_beside_the_backups(enc, tmp_path):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws, now=dt.datetime(2026, 11, 1, 9))
    ws.close()
    # a backup of an older database of the same name, with its own key file, in the same folder
    older = bk.keyfile_of(info.path).with_name(info.path.name.replace("20261101", "20250101") + ".schluessel")
    keyfile.write_keyfile(older, OTHER_KEY, "Altes-Passwort-99", params=CHEAP_KDF)
    Path(str(older)[: -len(".schluessel")]).write_bytes(bytes(4096))
    older_bytes = older.read_bytes()
    encryption.reset_password(enc, _CODE, NEW_PASSWORD, NEW_PASSWORD, params=CHEAP_KDF)
    assert bk.keyfile_of(info.path).read_bytes() == keyfile.keyfile_path(enc).read_bytes()
    assert keyfile.unwrap(bk.keyfile_of(info.path), NEW_PASSWORD) == TEST_KEY
    assert older.read_bytes() == older_bytes
    ws = open_workspace(enc, key=TEST_KEY)
    assert encryption.change_password(ws, NEW_PASSWORD, TEST_PASSWORD, TEST_PASSWORD, params=CHEAP_KDF) == 1
    ws.close()
    assert older.read_bytes() == older_bytes


def test_adopt_without_a_restored_database_does_nothing(enc, tmp_path):
    ws = open_workspace(enc, key=TEST_KEY)
    info = maintenance.create_backup(ws)
    ws.close()
    elsewhere = tmp_path / "leer" / "kuemmerer.sqlite"
    elsewhere.parent.mkdir()
    assert encryption.adopt_backup_keyfile(elsewhere, info.path) is False
    assert list(elsewhere.parent.iterdir()) == []


# ----------------------------------------------------------------------------- cipher.opens_with

def test_opens_with_leaves_no_wal_or_shm_behind(enc):
    before = snapshot(enc.parent)
    assert cipher.opens_with(enc, TEST_KEY) is True
    assert cipher.opens_with(enc, OTHER_KEY) is False
    assert snapshot(enc.parent) == before
    with pytest.raises(cipher.Error):
        cipher.opens_with(enc.parent / "gibtsnicht.sqlite", TEST_KEY)
    assert snapshot(enc.parent) == before


def test_opens_with_reads_a_write_protected_database(enc, monkeypatch):
    real = cipher.connect

    def write_protected(path, key, *, read_only=False, **kw):
        if not read_only:
            exc = cipher.dbapi.OperationalError("attempt to write a readonly database")
            exc.sqlite_errorcode = 8  # type: ignore[attr-defined]
            raise exc
        return real(path, key, read_only=True, **kw)

    monkeypatch.setattr(cipher, "connect", write_protected)
    assert cipher.opens_with(enc, TEST_KEY) is True
    assert cipher.opens_with(enc, OTHER_KEY) is False

"""Attachments of an encrypted database are encrypted on disk (key derived from the database
key, the stored name bound in), read back unchanged, refused when swapped or damaged; the
attachments of an older plain database are encrypted with it."""

from __future__ import annotations

import pytest

from kuemmerer.domain.errors import StorageError
from kuemmerer.services import activities, encryption, files, persons
from kuemmerer.services.workspace import open_workspace
from tests.conftest import CHEAP_KDF

PHRASE = b"Schuldnerberatung Termin Zyxqornwald"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "Notiz.txt"
    path.write_bytes(PHRASE * 50)
    return path


def test_an_attachment_is_stored_encrypted_and_exported_as_it_was(ws, source, tmp_path):
    with ws.uow() as uow:
        activity = activities.create_activity(uow, name="Frühjahrsputz")
        dto = activities.add_attachment(uow, ws.files_dir, source, activity_id=activity.id)
    on_disk = (ws.files_dir / dto.stored_name).read_bytes()
    assert on_disk.startswith(files.MAGIC)
    assert PHRASE not in on_disk and PHRASE[:12] not in on_disk
    with ws.uow(read_only=True) as uow:
        out = activities.export_attachment(uow, ws.files_dir, dto.id, tmp_path / "kopie.txt")
    assert out.read_bytes() == source.read_bytes()


def test_a_swapped_or_damaged_attachment_file_is_refused_in_german(ws, source, tmp_path):
    with ws.uow() as uow:
        activity = activities.create_activity(uow, name="Frühjahrsputz")
        first = activities.add_attachment(uow, ws.files_dir, source, activity_id=activity.id)
        second = activities.add_attachment(uow, ws.files_dir, source, activity_id=activity.id)
    a, b = ws.files_dir / first.stored_name, ws.files_dir / second.stored_name
    a.write_bytes(b.read_bytes())  # another file under this name: the name is bound in
    with ws.uow(read_only=True) as uow, pytest.raises(StorageError, match="beschädigt"):
        activities.export_attachment(uow, ws.files_dir, first.id, tmp_path / "x.txt")
    damaged = bytearray(b.read_bytes())
    damaged[-1] ^= 1
    b.write_bytes(bytes(damaged))
    with ws.uow(read_only=True) as uow, pytest.raises(StorageError, match="beschädigt"):
        activities.export_attachment(uow, ws.files_dir, second.id, tmp_path / "y.txt")


def test_encrypting_an_older_plain_database_encrypts_its_attachments(tmp_path, source):
    path = tmp_path / "alt.sqlite"
    ws = open_workspace(path)  # a plain database from before encryption
    try:
        with ws.uow() as uow:
            persons.create_person(uow, last_name="Beispiel")
            activity = activities.create_activity(uow, name="Frühjahrsputz")
            dto = activities.add_attachment(uow, ws.files_dir, source, activity_id=activity.id)
        stored = ws.files_dir / dto.stored_name
        assert stored.read_bytes() == source.read_bytes()  # plain, as before encryption
    finally:
        ws.close()
    key = encryption.new_key()
    encryption.encrypt_existing(path, key, "Ein-gutes-Passwort-42", params=CHEAP_KDF)
    assert PHRASE not in stored.read_bytes() and stored.read_bytes().startswith(files.MAGIC)
    again = open_workspace(path, create=False, key=key)
    try:
        with again.uow(read_only=True) as uow:
            out = activities.export_attachment(uow, again.files_dir, dto.id, tmp_path / "kopie.txt")
        assert out.read_bytes() == source.read_bytes()
    finally:
        again.close()

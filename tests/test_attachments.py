"""Attachments: the file is copied into the data folder under a new name, checked, listed,
exported unchanged, and removed with the record that owns it; bad input writes nothing,
neither a row nor a stray file."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import text

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import activities, networks

DAY = dt.date(2024, 3, 5)


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path / "Anhaenge"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "Einladung Frühjahrsputz.PDF"
    path.write_bytes(b"%PDF-1.4 synthetic\n" * 100)
    return path


@pytest.fixture
def activity(uow):
    return activities.create_activity(uow, name="Frühjahrsputz")


def stored_files(files_dir) -> list[str]:
    return sorted(p.name for p in files_dir.iterdir()) if files_dir.exists() else []


def rows(ws) -> int:
    with ws.uow(read_only=True) as u:
        return u.session.execute(text("SELECT count(*) FROM attachments")).scalar_one()


def test_a_file_is_copied_with_its_checksum_and_exported_unchanged(ws, uow, files_dir, source, activity, tmp_path):
    dto = activities.add_attachment(uow, files_dir, source, activity_id=activity.id, description="Flyer")
    assert (dto.file_name, dto.size_bytes, dto.description) == (source.name, 1900, "Flyer")
    assert dto.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert dto.stored_name != source.name and dto.stored_name.endswith(".pdf")  # no name of hers on disk
    assert stored_files(files_dir) == [dto.stored_name]
    with ws.uow(read_only=True) as u:
        assert activities.list_attachments(u, activity_id=activity.id) == [dto]
        out = activities.export_attachment(u, files_dir, dto.id, tmp_path / "kopie.pdf")
    assert out.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(("make_owner", "field"), [
    (lambda a, s: {"activity_id": None}, ""),                       # no owner
    (lambda a, s: {"activity_id": a, "session_id": s}, ""),         # two owners
    (lambda a, s: {"activity_id": 99999}, "activity_id"),           # unknown owner
])
def test_bad_owner_is_refused_and_nothing_is_copied(ws, uow, files_dir, source, activity, make_owner, field):
    session = activities.create_session(uow, activity_id=activity.id, date=DAY)
    with pytest.raises(ValidationError) as info:
        activities.add_attachment(uow, files_dir, source, **make_owner(activity.id, session.id))
    assert field in info.value.errors
    assert (rows(ws), stored_files(files_dir)) == (0, [])


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_missing_file_or_a_folder_is_refused_in_german(ws, uow, files_dir, tmp_path, activity, kind):
    path = tmp_path / "weg.pdf"
    if kind == "folder":
        path.mkdir()
    with pytest.raises(ValidationError) as info:
        activities.add_attachment(uow, files_dir, path, activity_id=activity.id)
    assert info.value.errors["file"] == "Die Datei wurde nicht gefunden."
    assert (rows(ws), stored_files(files_dir)) == (0, [])


def test_a_file_over_the_limit_is_refused(ws, uow, files_dir, tmp_path, activity, monkeypatch):
    big = tmp_path / "gross.bin"
    big.write_bytes(b"x" * 11)
    monkeypatch.setattr(activities, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError) as info:
        activities.add_attachment(uow, files_dir, big, activity_id=activity.id)
    assert "größer" in info.value.errors["file"]
    assert (rows(ws), stored_files(files_dir)) == (0, [])


def test_a_database_refusal_at_commit_leaves_no_copied_file(ws, uow, files_dir, source, activity):
    """The copy happens before the commit; when the database refuses the row, the copy goes."""
    uow.session.execute(text("CREATE TEMP TRIGGER refuse BEFORE INSERT ON attachments "
                             "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    with pytest.raises(ValidationError) as info:
        activities.add_attachment(uow, files_dir, source, activity_id=activity.id)
    assert "Regel der Datenbank" in info.value.errors[""]
    assert (rows(ws), stored_files(files_dir)) == (0, [])


def test_deleting_an_attachment_removes_its_file(ws, uow, files_dir, source, activity):
    keep = activities.add_attachment(uow, files_dir, source, activity_id=activity.id)
    gone = activities.add_attachment(uow, files_dir, source, activity_id=activity.id)
    activities.delete_attachment(uow, files_dir, gone.id)
    assert stored_files(files_dir) == [keep.stored_name]
    assert rows(ws) == 1


def test_deleting_an_activity_removes_the_files_of_its_sessions_too(ws, uow, files_dir, source, activity):
    other = activities.create_activity(uow, name="Spieleabend")
    session = activities.create_session(uow, activity_id=activity.id, date=DAY)
    activities.add_attachment(uow, files_dir, source, activity_id=activity.id)
    activities.add_attachment(uow, files_dir, source, session_id=session.id)
    kept = activities.add_attachment(uow, files_dir, source, activity_id=other.id)
    activities.delete_activity(uow, activity.id, files_dir)
    assert stored_files(files_dir) == [kept.stored_name]
    assert rows(ws) == 1


def test_deleting_a_network_removes_the_files_of_its_meetings(ws, uow, files_dir, source):
    net = networks.create_network(uow, name="Stadtteilrunde")
    meeting = networks.create_meeting(uow, network_id=net.id, date=DAY)
    activities.add_attachment(uow, files_dir, source, meeting_id=meeting.id)
    networks.delete_network(uow, net.id, files_dir)
    assert (rows(ws), stored_files(files_dir)) == (0, [])


@pytest.mark.skipif(__import__("os").name != "posix", reason="POSIX permissions")
def test_a_new_attachment_is_readable_by_her_only(uow, files_dir, source, activity):
    dto = activities.add_attachment(uow, files_dir, source, activity_id=activity.id)
    assert (files_dir.stat().st_mode & 0o777, (files_dir / dto.stored_name).stat().st_mode & 0o777) == (0o700, 0o600)

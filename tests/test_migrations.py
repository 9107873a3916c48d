"""Alembic migrations: one transaction, verified backup first, stored old databases upgrade."""

from __future__ import annotations

import shutil
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer.db import backup as bk
from kuemmerer.db import cipher, migrate
from kuemmerer.db.engine import make_engine
from kuemmerer.db.models import Base
from kuemmerer.services import persons, requests
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, create_encrypted

REVISIONS = Path(__file__).parent / "data" / "revisions"


def _connect(path: Path) -> cipher.Connection:
    """The test databases are encrypted with TEST_KEY; the stored old revisions are plain."""
    return cipher.connect(path, bk.key_for(path, TEST_KEY))


def _schema(path: Path) -> list[tuple]:
    with closing(_connect(path)) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def _rows(path: Path, table: str) -> list[tuple]:
    with closing(_connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def _columns(path: Path, table: str) -> list[str]:
    with closing(_connect(path)) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _scripts_with(tmp_path: Path, body: str, rev: str = "9001") -> Path:
    """A copy of our migrations plus one more revision with ``body`` as its upgrade()."""
    scripts = tmp_path / "scripts"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    source = (
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        f"revision = {rev!r}\ndown_revision = {head!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n" + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
        + "\n\ndef downgrade():\n    pass\n"
    )
    (scripts / "versions" / f"{rev}_test.py").write_text(source, encoding="utf-8")
    return scripts


@pytest.fixture
def filled(ws, db_path):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name="Bestand", first_name="Bea")
        r = requests.create_request(uow, person_id=p.id, title="Heizung", opened_on="2026-01-01")
        requests.create_contact(uow, person_id=p.id, request_id=r.id, date="2026-01-02")
    ws.close()
    return db_path


def test_models_and_migrations_agree(db_path):
    """Autogenerate finds nothing to do at head: every model change has a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    create_encrypted(db_path).close()
    engine = make_engine(db_path, key=TEST_KEY)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migration_failing_half_way_leaves_schema_and_data_intact(filled, tmp_path):
    before_schema, before_rows = _schema(filled), _rows(filled, "persons")
    scripts = _scripts_with(tmp_path, '''
        op.add_column("persons", sa.Column("nickname", sa.String(50)))
        op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("UPDATE persons SET last_name = 'kaputt'")
        op.execute("DELETE FROM contacts")
        raise RuntimeError("migration fails half-way")
    ''')
    with pytest.raises(RuntimeError, match="half-way"):
        migrate.upgrade(filled, script_location=scripts, key=TEST_KEY)
    assert _schema(filled) == before_schema
    assert _rows(filled, "persons") == before_rows
    assert len(_rows(filled, "contacts")) == 1
    assert _rows(filled, "alembic_version") == [(migrate.head_revision(),)]


def test_failing_table_rebuild_does_not_cascade_or_lose_rows(filled, tmp_path):
    """Batch mode rebuilds tables (DROP + RENAME): with foreign keys on, dropping ``persons``
    would cascade-delete requests and contacts. The migration runs with them off."""
    scripts = _scripts_with(tmp_path, '''
        with op.batch_alter_table("persons", recreate="always") as batch:
            batch.alter_column("languages", type_=sa.String(300))
        raise RuntimeError("after the rebuild")
    ''')
    before = _schema(filled)
    with pytest.raises(RuntimeError):
        migrate.upgrade(filled, script_location=scripts, key=TEST_KEY)
    assert _schema(filled) == before
    assert len(_rows(filled, "requests")) == 1 and len(_rows(filled, "contacts")) == 1


def test_successful_table_rebuild_keeps_children_and_backs_up_first(filled, tmp_path):
    scripts = _scripts_with(tmp_path, '''
        with op.batch_alter_table("persons", recreate="always") as batch:
            batch.add_column(sa.Column("nickname", sa.String(50)))
    ''')
    backups = tmp_path / "backups"
    assert migrate.upgrade(filled, backup_dir=backups, script_location=scripts, key=TEST_KEY)
    assert "nickname" in _columns(filled, "persons")
    assert len(_rows(filled, "requests")) == 1 and len(_rows(filled, "contacts")) == 1
    assert _rows(filled, "alembic_version") == [("9001",)]
    taken = bk.list_backups(filled, backups)
    assert [b.reason for b in taken] == ["vor-migration"]
    # the backup holds the old schema
    assert not cipher.is_plain(taken[0].path)  # encrypted with the database's key
    assert "nickname" not in _columns(taken[0].path, "persons")


def test_migration_leaving_dangling_references_is_rolled_back(filled, tmp_path):
    scripts = _scripts_with(tmp_path, '''
        op.execute("DELETE FROM persons")  # FKs are off during migrations: we must notice
    ''')
    from kuemmerer.domain.errors import StorageError

    with pytest.raises(StorageError, match="nichts geändert"):
        migrate.upgrade(filled, script_location=scripts, key=TEST_KEY)
    assert len(_rows(filled, "persons")) == 1


def test_empty_database_needs_no_backup(tmp_path):
    backups = tmp_path / "b"
    migrate.upgrade(tmp_path / "new.sqlite", backup_dir=backups)
    assert not backups.exists() or not list(backups.iterdir())


@pytest.mark.parametrize("stored", sorted(REVISIONS.glob("*.sqlite")), ids=lambda p: p.stem)
def test_stored_database_of_every_released_revision_upgrades(stored, tmp_path):
    from tests.data.make_revision_db import EXPECTED, EXPECTED_SINCE

    db = tmp_path / "old.sqlite"
    shutil.copyfile(stored, db)
    assert _rows(db, "alembic_version") == [(stored.stem,)]
    ws = open_workspace(db)
    assert ws.migrated == (stored.stem != migrate.head_revision())
    with ws.uow(read_only=True) as uow:
        names = [p.last_name for p in persons.list_persons(uow)]
    ws.close()
    assert "Testperson-Äöü" in names
    assert _rows(db, "alembic_version") == [(migrate.head_revision(),)]
    for table, count in EXPECTED.items():
        assert len(_rows(db, table)) == count, table
    for since, expected in EXPECTED_SINCE.items():
        for table, count in expected.items():
            if stored.stem >= since:
                assert len(_rows(db, table)) == count, table
    from kuemmerer.db.integrity import check_file
    from kuemmerer.db.search_key import person_search_text
    from kuemmerer.domain.rules import sort_key

    assert check_file(db) == []
    # derived search columns were backfilled as the application computes them today
    with closing(_connect(db)) as conn:
        person_rows = conn.execute(
            "SELECT first_name, last_name, phone, email, search_text, sort_name FROM persons").fetchall()
        request_rows = conn.execute("SELECT title, search_text FROM requests").fetchall()
    assert person_rows
    for first, last, phone, email, search, sort in person_rows:
        assert search == person_search_text(first, last, phone, email)
        assert sort == sort_key(last, first)
    from kuemmerer.db.search_key import request_search_text

    for title, search in request_rows:
        assert search == request_search_text(title)


def test_a_revision_file_exists_for_the_current_head():
    assert (REVISIONS / f"{migrate.head_revision()}.sqlite").exists(), (
        "new schema revision: run python tests/data/make_revision_db.py and commit the file")


def test_0005_keeps_the_result_and_turns_old_abgeschlossen_into_a_closing_date(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copyfile(REVISIONS / "0004.sqlite", db)
    with closing(_connect(db)) as conn, conn:
        conn.execute("UPDATE referrals SET outcome = 'abgeschlossen', outcome_on = '2026-02-01', "
                     "follow_up_on = '2026-01-19'")
        (referral,) = conn.execute("SELECT id FROM referrals").fetchone()
    migrate.upgrade(db, backup_dir=tmp_path / "b")
    with closing(_connect(db)) as conn:
        row = conn.execute("SELECT outcome, outcome_on, closed_on, follow_up_on FROM referrals WHERE id = ?",
                           (referral,)).fetchone()
    # no result was ever recorded, so none is invented: "vermittelt", closed on the old date
    assert row == ("vermittelt", None, "2026-02-01", None)
    ws = open_workspace(db)
    from kuemmerer.services import partners

    with ws.uow(read_only=True) as uow:
        assert partners.get_referral(uow, referral).state_label == "abgeschlossen"
    ws.close()
    with pytest.raises(cipher.dbapi.IntegrityError), closing(_connect(db)) as conn, conn:
        conn.execute("UPDATE referrals SET outcome = 'abgeschlossen'")


def test_0009_keeps_an_anonymous_count_as_one_unspecified_group_and_its_triggers_keep_the_total(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copyfile(REVISIONS / "0008.sqlite", db)
    with closing(_connect(db)) as conn, conn:
        conn.execute("UPDATE volunteers SET ended_on = '2026-03-01'")
    migrate.upgrade(db, backup_dir=tmp_path / "b")
    with closing(_connect(db)) as conn, conn:
        assert conn.execute("SELECT status FROM volunteers").fetchall() == [("beendet",)]
        (session_id, total), = conn.execute("SELECT id, anonymous_count FROM sessions").fetchall()
        assert total == 4
        assert conn.execute("SELECT gender, age_band, count FROM session_headcounts").fetchall() == [
            ("keine_angabe", "unbekannt", 4)]
        conn.execute("INSERT INTO session_headcounts (session_id, gender, age_band, count) "
                     "VALUES (?, 'weiblich', 'u18', 3)", (session_id,))
        assert conn.execute("SELECT anonymous_count FROM sessions").fetchone() == (7,)
        conn.execute("UPDATE session_headcounts SET count = 1 WHERE gender = 'keine_angabe'")
        assert conn.execute("SELECT anonymous_count FROM sessions").fetchone() == (4,)
        conn.execute("DELETE FROM session_headcounts WHERE gender = 'weiblich'")
        assert conn.execute("SELECT anonymous_count FROM sessions").fetchone() == (1,)


def test_0010_turns_an_agenda_text_into_numbered_items_in_order(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copyfile(REVISIONS / "0009.sqlite", db)
    agenda = "TOP 1: Begrüßung\n\n2) Bericht aus dem Quartier\n  3. Verschiedenes  \n2026 Jahresplanung"
    with closing(_connect(db)) as conn, conn:
        conn.execute("INSERT INTO networks (name, kind, active) VALUES ('Runde', 'arbeitskreis', 1)")
        conn.execute("INSERT INTO meetings (network_id, date, agenda) VALUES (1, '2026-02-03', ?)", (agenda,))
        conn.execute("INSERT INTO meetings (network_id, date) VALUES (1, '2026-03-03')")
    migrate.upgrade(db, backup_dir=tmp_path / "b")
    with closing(_connect(db)) as conn:
        rows = conn.execute(
            "SELECT meeting_id, position, title FROM agenda_items ORDER BY meeting_id, position").fetchall()
        assert rows == [(1, 1, "Begrüßung"), (1, 2, "Bericht aus dem Quartier"), (1, 3, "Verschiedenes"),
                        (1, 4, "2026 Jahresplanung")]
        assert conn.execute("SELECT agenda FROM meetings ORDER BY id").fetchall() == [(None,), (None,)]

"""One synthetic demo database per test module, copied fresh for each test (the demo
generator is slow; a copy is not). Encrypted with the tests' key, as hers is; the copy
takes the key file along, so the CLI opens it with the tests' password."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kuemmerer.services import demo, persons, workspace
from tests.conftest import TEST_KEY, copy_database, create_encrypted


def demo_template(tmp_path_factory, *, years: int, seed: int, today: dt.date) -> Path:
    """A demo database of ``years`` years up to ``today`` (for a module-scoped fixture)."""
    path = tmp_path_factory.mktemp("template") / "k.sqlite"
    ws = create_encrypted(path)
    with ws.uow() as uow:
        demo.generate(uow, years=years, seed=seed, today=today)
    ws.close()
    return path


def copy_of(template: Path, tmp_path: Path) -> Path:
    """A copy of the template (and its key file); open it with ``key=TEST_KEY``."""
    return copy_database(template, tmp_path / "k.sqlite")


def last_names(db_path: Path, key: bytes | None = TEST_KEY) -> list[str]:
    """The last names of every person in the database at ``db_path`` (opened with the test
    key — a plain file opens without it —, read, closed)."""
    ws = workspace.open_workspace(db_path, create=False, key=key)
    try:
        with ws.uow(read_only=True) as uow:
            return sorted(p.last_name for p in persons.list_persons(uow))
    finally:
        ws.close()

"""One synthetic demo database per test module, copied fresh for each test (the demo
generator is slow; a copy is not)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from kuemmerer.services import demo, persons, workspace


def demo_template(tmp_path_factory, *, years: int, seed: int, today: dt.date) -> Path:
    """A demo database of ``years`` years up to ``today`` (for a module-scoped fixture)."""
    path = tmp_path_factory.mktemp("template") / "k.sqlite"
    ws = workspace.open_workspace(path)
    with ws.uow() as uow:
        demo.generate(uow, years=years, seed=seed, today=today)
    ws.close()
    return path


def copy_of(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "k.sqlite"
    shutil.copyfile(template, path)
    return path


def last_names(db_path: Path) -> list[str]:
    """The last names of every person in the database at ``db_path`` (opened, read, closed)."""
    ws = workspace.open_workspace(db_path, create=False)
    try:
        with ws.uow(read_only=True) as uow:
            return sorted(p.last_name for p in persons.list_persons(uow))
    finally:
        ws.close()

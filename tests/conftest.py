"""Shared fixtures: a fresh database per test; Qt offscreen before any Qt import."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kuemmerer.services import lists  # noqa: E402
from kuemmerer.services.workspace import Workspace, open_workspace  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """No test touches the real data or log folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("KUEMMERER_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kuemmerer.sqlite"


@pytest.fixture
def ws(db_path: Path):
    workspace = open_workspace(db_path)
    yield workspace
    workspace.close()


@pytest.fixture
def uow(ws: Workspace):
    """A unit of work on a fresh database with the default lists."""
    with ws.uow() as u:
        yield u


@pytest.fixture
def kappel(ws: Workspace):
    with ws.uow() as u:
        return lists.districts.create(u, name="Kappel")


TODAY = dt.date.today()

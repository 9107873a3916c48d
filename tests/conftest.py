"""Shared fixtures: a fresh database per test; Qt offscreen before any Qt import."""

from __future__ import annotations

import os

# Before Qt is imported anywhere: no display needed, and the offscreen screen is her laptop's
# 1366×768 (Qt's default offscreen screen is 800×800), so GUI tests see what she sees.
_SCREEN = os.path.join(os.path.dirname(__file__), "data", "screen-1366x768.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

import datetime as dt  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kuemmerer.db.keyfile import KdfParams, keyfile_path  # noqa: E402
from kuemmerer.services import encryption, lists  # noqa: E402
from kuemmerer.services.workspace import Workspace  # noqa: E402

# Every test database is encrypted, as hers is: one fixed key (so a test may reopen the file
# with ``open_workspace(path, key=TEST_KEY)``) and a key file with TEST_PASSWORD, wrapped with
# cheap scrypt parameters (the file records them, so unwrapping is fast too).
TEST_KEY = bytes(range(32))
TEST_PASSWORD = "Test-Passwort-2026"
CHEAP_KDF = KdfParams(n=2 ** 10)


def create_encrypted(path: Path) -> Workspace:
    """A new encrypted database at ``path``, as the first start makes one."""
    return encryption.create(path, TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)


def copy_database(source: Path, target: Path) -> Path:
    """Copy a closed database file and its key file (if it has one) to ``target``."""
    shutil.copyfile(source, target)
    if keyfile_path(source).exists():
        shutil.copyfile(keyfile_path(source), keyfile_path(target))
    return target


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """No test touches the real data or log folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("KUEMMERER_DB", raising=False)
    # the CLI (and the window) read the password from here: the test databases' password
    monkeypatch.setenv("KUEMMERER_PASSWORD", TEST_PASSWORD)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kuemmerer.sqlite"


@pytest.fixture
def ws(db_path: Path):
    workspace = create_encrypted(db_path)
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


@pytest.fixture(autouse=True)
def no_blocking_dialogs(request, monkeypatch):
    """GUI tests: a modal question nobody answers would hang the run. Answer "discard"
    unless a test says otherwise, and close (and report as a failure) any other modal box."""
    if request.node.get_closest_marker("gui") is None:
        yield None
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kuemmerer.ui.widgets import GuardedDialog

    request.getfixturevalue("qtbot")  # a QApplication exists from here on
    monkeypatch.setattr(GuardedDialog, "confirm_discard", staticmethod(lambda parent: True))
    unexpected: list[str] = []

    from kuemmerer.ui.tasks import BusyDialog

    def close_modal():
        w = QApplication.activeModalWidget()
        # the app's own "Bitte warten" closes itself; the lock screen is what a lock test drives
        if w is not None and not isinstance(w, BusyDialog) and type(w).__name__ != "LockScreen":
            unexpected.append(f"{type(w).__name__}: {w.windowTitle()}")
            w.close()

    timer = QTimer()
    timer.timeout.connect(close_modal)
    timer.start(100)
    yield unexpected
    timer.stop()
    assert unexpected == [], "a modal dialog came up that the test did not expect"

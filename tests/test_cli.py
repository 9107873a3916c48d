"""``kuemmerer-cli``: commands, German one-line errors, exit codes, JSON keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer import cli
from kuemmerer.db import cipher
from kuemmerer.services import encryption
from tests.conftest import TEST_PASSWORD

STATS_KEYS = {
    "participants": {"named", "anonymous", "by_district", "by_gender", "by_age_band"},
    "requests": {"opened", "closed", "by_category"},
    "referrals": {"total", "by_service", "by_outcome"},
    "volunteers": {"active", "hours"},
    "activities": {"sessions", "attendance_named", "attendance_anonymous"},
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """An encrypted demo database with the tests' password (module-scoped: set up before the
    autouse fixture that puts the password into the environment, so it is given here)."""
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(encryption.PASSWORD_ENV, TEST_PASSWORD)
        assert cli.main(["--db", str(path), "demo", "--years", "1", "--seed", "3"]) == 0
    assert encryption.state(path) == encryption.DbState.ENCRYPTED
    return path


def _connect(db: Path) -> cipher.Connection:
    """A raw connection to a database the CLI made (its key from the key file and password)."""
    return cipher.connect(db, encryption.unlock(db, password=TEST_PASSWORD))


def test_demo_refuses_a_non_empty_database(capsys, demo_db):
    before = demo_db.stat().st_size
    code, out, err = run(capsys, "--db", str(demo_db), "demo")
    assert code == 2
    assert err.startswith("Fehler: ") and "leere Datenbank" in err and err.count("\n") == 1
    assert "Traceback" not in err
    assert demo_db.stat().st_size == before


def test_check_ok(capsys, demo_db):
    assert run(capsys, "--db", str(demo_db), "check")[:2] == (0, "ok\n")


def test_check_reports_problems_with_exit_1(capsys, tmp_path):
    db = tmp_path / "bad.sqlite"  # a plain file (from before encryption) is checked as well
    conn = cipher.connect(db, None)
    conn.executescript("CREATE TABLE a(id INTEGER PRIMARY KEY);"
                       "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));"
                       "INSERT INTO b VALUES (1, 42);")
    conn.close()
    code, out, _ = run(capsys, "--db", str(db), "check")
    assert code == 1 and "Problem" in out and "b Zeile 1" in out


def test_stats_json_has_the_documented_keys(capsys, demo_db):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--year", str(_demo_year()), "--json")
    assert code == 0
    data = json.loads(out)
    for key, sub in STATS_KEYS.items():
        assert sub <= set(data[key]), key
    assert isinstance(data["contacts"], int) and isinstance(data["meetings"], int)
    assert data["participants"]["named"] > 100
    assert set(data["participants"]["by_age_band"]) == {"unter 18", "18–29", "30–54", "55–64",
                                                        "65 und älter", "unbekannt"}


def test_stats_from_to_equals_year(capsys, demo_db):
    y = _demo_year()
    a = json.loads(run(capsys, "--db", str(demo_db), "stats", "--year", str(y), "--json")[1])
    b = json.loads(run(capsys, "--db", str(demo_db), "stats", "--from", f"{y}-01-01", "--to", f"{y}-12-31",
                       "--json")[1])
    assert a == b


def test_stats_as_german_text(capsys, demo_db):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--year", str(_demo_year()))
    assert code == 0 and "Teilnehmende (namentlich)" in out and "nach Altersgruppe" in out


@pytest.mark.parametrize(("args", "fragment"), [
    (["stats", "--from", "2026-13-01", "--to", "2026-12-31"], "Den 01.13.2026 gibt es nicht"),
    (["stats", "--from", "2026-05-01", "--to", "2026-04-01"], "vor --from"),
    (["stats", "--from", "1.1.2026"], "zusammen"),
    (["stats", "--year", "2026", "--from", "2026-01-01"], "entweder"),
    (["demo", "--years", "99"], "zwischen"),
    (["rumpelstilzchen"], "unbekannter Befehl"),
])
def test_bad_input_gives_one_german_line(capsys, demo_db, args, fragment):
    code, out, err = run(capsys, "--db", str(demo_db), *args)
    assert code == 2
    assert err.startswith("Fehler: ") and fragment in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_missing_database_is_reported(capsys, tmp_path):
    code, _, err = run(capsys, "--db", str(tmp_path / "nix.sqlite"), "check")
    assert code == 2 and "gibt es nicht" in err


def test_backup_list_and_restore(capsys, tmp_path):
    db = tmp_path / "k.sqlite"
    assert run(capsys, "--db", str(db), "demo", "--years", "1")[0] == 0
    code, out, _ = run(capsys, "--db", str(db), "backup")
    assert code == 0 and "Sicherung erstellt und geprüft" in out
    backup_file = Path(out.strip().split(": ", 1)[1])
    assert backup_file.exists()
    with closing(_connect(db)) as conn:
        conn.execute("DELETE FROM contacts")
        conn.commit()
    code, out, _ = run(capsys, "--db", str(db), "backups")
    assert code == 0 and backup_file.name in out
    code, out, _ = run(capsys, "--db", str(db), "restore", str(backup_file))
    assert code == 0 and "vorherige Stand wurde gesichert" in out
    with closing(_connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] > 0


def test_backup_to_other_folder(capsys, demo_db, tmp_path):
    code, out, _ = run(capsys, "--db", str(demo_db), "backup", "--to", str(tmp_path / "stick"))
    assert code == 0 and list((tmp_path / "stick").glob("*.sqlite"))


def test_restore_while_the_app_holds_the_database_is_refused(capsys, demo_db, tmp_path):
    from kuemmerer.instance_lock import InstanceLock

    with InstanceLock(demo_db):
        code, _, err = run(capsys, "--db", str(demo_db), "restore", str(tmp_path / "x.sqlite"))
    assert code == 2 and "läuft bereits" in err


def test_unexpected_error_is_one_line_and_logged_without_personal_data(capsys, demo_db, monkeypatch, tmp_path):
    def boom(args, db_path):
        raise ValueError("Frau Müller-Lüdenscheidt, Ahornweg 3")

    monkeypatch.setitem(cli.COMMANDS, "check", boom)
    code, _, err = run(capsys, "--db", str(demo_db), "check")
    assert code == 3 and "unerwarteter Fehler" in err and "Müller" not in err
    from kuemmerer.paths import log_dir

    log = (log_dir() / "kuemmerer.log").read_text(encoding="utf-8")
    assert "ValueError" in log and "Müller" not in log and "Ahornweg" not in log


def test_env_variable_selects_the_database(capsys, demo_db, monkeypatch):
    monkeypatch.setenv("KUEMMERER_DB", str(demo_db))
    assert run(capsys, "check")[:2] == (0, "ok\n")


def test_console_script_runs(demo_db):
    exe = Path(sys.executable).with_name("kuemmerer-cli")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kuemmerer.cli"]
    proc = subprocess.run([*cmd, "--db", str(demo_db), "check"], capture_output=True, text=True,
                          env={**os.environ}, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "ok\n"


def _demo_year() -> int:
    import datetime as dt

    return dt.date.today().year

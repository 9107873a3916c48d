"""Crash test: a writer killed with SIGKILL at random moments loses nothing it acknowledged.

It runs on an encrypted database, as hers is (SQLCipher; the key goes to the child in
``KUEMMERER_CRASH_KEY``, the check command unlocks with the test password, every read here
goes through ``cipher.connect`` with the key), and once, briefly, on a plain file from
before encryption (``KUEMMERER_CRASH_PLAIN_ROUNDS``, default 3).

A child process (tests/crash_writer.py) writes one transaction after another
through ``open_workspace`` and the unit of work: person ``Crash{n}``, a request,
``intended_contacts(n)`` contacts and an update of person ``n-1``, committed once,
and appends ``n`` to an acknowledgement file (fsynced) only after the commit
returned. The test kills it with SIGKILL after a random time (also inside big
commits and WAL checkpoints), ``KUEMMERER_CRASH_ROUNDS`` times (default 20 on the
encrypted file: a round there takes about 1.5 times as long as on a plain one, so the
whole test keeps its running time of about a minute).

After every kill:
- ``kuemmerer-cli check`` prints ``ok`` and exits 0;
- every acknowledged ``n`` is in the database, complete;
- every ``n`` in the database is complete (all or nothing, including the one
  transaction that may have committed without its acknowledgement): its request,
  exactly the intended contacts, the update it made to ``n-1``, and the audit
  events written in the same transaction;
- the present ``n`` are exactly 1..top, and top is the last acknowledged ``n``
  or the one after it.
The next round continues with top+1. At the end: ``integrity_check``,
``foreign_key_check``, and the app opens the file again.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from contextlib import closing
from pathlib import Path

import pytest

from kuemmerer.db import cipher
from kuemmerer.services.workspace import open_workspace
from tests.conftest import TEST_KEY, create_encrypted

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "SIGKILL"),
                       reason="needs SIGKILL (POSIX)"),
]

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = int(os.environ.get("KUEMMERER_CRASH_ROUNDS", "20"))
PLAIN_ROUNDS = int(os.environ.get("KUEMMERER_CRASH_PLAIN_ROUNDS", "3"))
SEED = int(os.environ.get("KUEMMERER_CRASH_SEED", "20250117"))
STARTUP_TIMEOUT = 60.0


def _load_writer():
    spec = importlib.util.spec_from_file_location("kuemmerer_crash_writer", WRITER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cw = _load_writer()


def _acked(path: Path) -> list[int]:
    """The acknowledged n: complete lines only (a kill may cut the last one short)."""
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    return [int(line) for line in lines[:-1]]


def _ro(db: Path, key: bytes | None) -> cipher.Connection:
    """Read-only, through SQLCipher (never the stdlib sqlite3 on our files in this process)."""
    return cipher.connect(db, key, read_only=True)


@functools.cache
def _note_length(n: int) -> int:
    return sum(len(cw.contact_note(n, i)) for i in range(cw.intended_contacts(n)))


def _verify(db: Path, key: bytes | None, acked: set[int]) -> int:
    """Check all-or-nothing and durability; return the highest n in the database."""
    with closing(_ro(db, key)) as conn:
        conn.execute("BEGIN")  # one snapshot for all reads
        persons = conn.execute(
            "SELECT id, last_name, notes FROM persons WHERE last_name LIKE 'Crash%'").fetchall()
        requests = conn.execute("SELECT id, person_id, title FROM requests").fetchall()
        contacts = conn.execute(
            "SELECT id, person_id, request_id, length(note) FROM contacts").fetchall()
        audit = conn.execute(
            "SELECT entity, action, entity_id FROM audit_events "
            "WHERE entity IN ('persons', 'requests', 'contacts')").fetchall()
        conn.rollback()

    by_n: dict[int, tuple[int, str | None]] = {}
    for pid, name, notes in persons:
        n = int(name.removeprefix("Crash"))
        assert n not in by_n, f"Crash{n} ist doppelt vorhanden"
        by_n[n] = (pid, notes)
    present = set(by_n)
    top = max(present, default=0)

    missing_acked = sorted(acked - present)
    assert not missing_acked, f"bestätigte Transaktionen fehlen: {missing_acked[:20]}"
    assert present == set(range(1, top + 1)), (
        f"Lücke in den Transaktionen: fehlend {sorted(set(range(1, top + 1)) - present)[:20]}")

    req_by_person: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rid, person_id, title in requests:
        req_by_person[person_id].append((rid, title))
    contacts_by_person: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    for cid, person_id, request_id, note_len in contacts:
        contacts_by_person[person_id].append((cid, request_id, note_len))

    for n, (pid, notes) in by_n.items():
        reqs = req_by_person.get(pid, [])
        assert len(reqs) == 1 and reqs[0][1] == cw.request_title(n), f"Crash{n}: Anliegen {reqs}"
        rid = reqs[0][0]
        mine = contacts_by_person.get(pid, [])
        assert len(mine) == cw.intended_contacts(n), (
            f"Crash{n}: {len(mine)} statt {cw.intended_contacts(n)} Kontakte")
        assert all(request_id == rid for _, request_id, _ in mine), f"Crash{n}: Kontakt ohne Anliegen"
        expected_len = _note_length(n)
        assert sum(length for _, _, length in mine) == expected_len, f"Crash{n}: Kontaktnotizen"
        expected_notes = cw.updated_note(n) if n + 1 in present else cw.created_note(n)
        assert notes == expected_notes, f"Crash{n}: Notiz {notes!r} statt {expected_notes!r}"

    # The audit events were written in the same transactions: exactly one "create"
    # per row, one "update" per changed predecessor, none for rows that are not there.
    creates = Counter((entity, eid) for entity, action, eid in audit if action == "create")
    updates = Counter(eid for entity, action, eid in audit if entity == "persons" and action == "update")
    person_ids = {pid for pid, _ in by_n.values()}
    crash_request_ids = {rid for rid, person_id, _ in requests if person_id in person_ids}
    crash_contact_ids = {cid for pid in person_ids for cid, _, _ in contacts_by_person.get(pid, [])}
    for entity, ids in (("persons", person_ids), ("requests", crash_request_ids),
                        ("contacts", crash_contact_ids)):
        audited = {eid for (e, eid), count in creates.items() if e == entity}
        assert audited == ids, f"Protokoll {entity}: {sorted(audited ^ ids)[:20]}"
        assert all(creates[(entity, eid)] == 1 for eid in ids), f"Protokoll {entity} doppelt"
    updated = {by_n[n][0] for n in present if n + 1 in present}
    assert set(updates) == updated and all(c == 1 for c in updates.values()), "Protokoll Änderungen"
    return top


def _child_env(tmp: Path, key: bytes | None) -> dict[str, str]:
    """Environment of the child processes: the writer's key (the check command unlocks the
    key file with KUEMMERER_PASSWORD, set by conftest). Each round starts two Pythons; if
    bytecode writing is off (PYTHONDONTWRITEBYTECODE), each recompiles every module it
    imports, so let them cache bytecode in a temporary folder instead (not in the repository)."""
    env = dict(os.environ)
    env.pop(cw.KEY_ENV, None)
    if key is not None:
        env[cw.KEY_ENV] = key.hex()
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def _start_check(db: Path, env: dict[str, str]) -> subprocess.Popen:
    """``kuemmerer-cli --db DB check`` as a separate process (collect with ``_finish_check``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "kuemmerer.cli", "--db", str(db), "check"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _finish_check(check: subprocess.Popen) -> None:
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0 and out.strip() == "ok", (
        f"check nach dem Absturz: rc={check.returncode}\n{out}\n{err}")


def _wait_ready(proc: subprocess.Popen, err_file: Path) -> None:
    ready, _, _ = select.select([proc.stdout], [], [], STARTUP_TIMEOUT)
    line = proc.stdout.readline() if ready else b""
    if line.strip() != b"ready":
        proc.kill()
        proc.wait()
        pytest.fail(f"writer did not start (rc={proc.returncode}):\n{err_file.read_text()}")


def _wait_for_ack(proc: subprocess.Popen, ack: Path, err_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not _acked(ack):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"writer acknowledged nothing (rc={proc.returncode}):\n{err_file.read_text()}")
        time.sleep(0.01)


class _Writer:
    """A crash_writer process, started early (imports take most of a second) and told
    its START_N only when the database may be written again."""

    def __init__(self, db: Path, tmp: Path, r: int, env: dict[str, str]):
        self.ack = tmp / f"ack-{r:03d}.txt"
        self.err_file = tmp / f"writer-{r:03d}.err"
        with open(self.err_file, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(WRITER), str(db), str(self.ack), "-"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env,
            )

    def go(self, start: int) -> None:
        self.proc.stdin.write(f"{start}\n".encode())
        self.proc.stdin.close()
        _wait_ready(self.proc, self.err_file)

    def stderr(self) -> str:
        return self.err_file.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if not stream.closed:
                stream.close()


@pytest.mark.parametrize(("encrypted", "rounds"), [(True, ROUNDS), (False, PLAIN_ROUNDS)],
                         ids=["verschluesselt", "unverschluesselt"])
def test_sigkill_loses_no_acknowledged_transaction(tmp_path: Path, encrypted: bool, rounds: int) -> None:
    db = tmp_path / "crash.sqlite"
    key = TEST_KEY if encrypted else None
    if encrypted:
        create_encrypted(db).close()
        assert not cipher.is_plain(db) and not cipher.opens_with(db, None)
    else:
        open_workspace(db).close()
        assert cipher.is_plain(db)
    env = _child_env(tmp_path, key)
    rng = random.Random(SEED)
    all_acked: set[int] = set()
    top = 0
    unacked_commits = 0
    started = time.monotonic()
    spent: Counter[str] = Counter()

    writer = _Writer(db, tmp_path, 0, env)
    following: _Writer | None = None
    try:
        for r in range(rounds):
            t0 = time.monotonic()
            writer.go(top + 1)
            spent["start"] += time.monotonic() - t0
            if r + 1 < rounds:  # imports while this one writes; touches nothing until go()
                following = _Writer(db, tmp_path, r + 1, env)
            if r == 0:
                _wait_for_ack(writer.proc, writer.ack, writer.err_file)
            time.sleep(rng.uniform(0.05, 0.6))
            assert writer.proc.poll() is None, f"writer died on its own:\n{writer.stderr()}"
            os.kill(writer.proc.pid, signal.SIGKILL)
            writer.proc.wait()
            assert writer.proc.returncode == -signal.SIGKILL, writer.stderr()
            writer.stop()

            t0 = time.monotonic()
            check = _start_check(db, env)  # read-only, runs while we verify (read-only too)
            try:
                acked_now = _acked(writer.ack)
                assert acked_now == list(range(top + 1, top + 1 + len(acked_now))), "ack file out of order"
                all_acked.update(acked_now)
                last_acked = acked_now[-1] if acked_now else top
                new_top = _verify(db, key, all_acked)
                spent["verify"] += time.monotonic() - t0
            except BaseException:
                check.kill()
                check.communicate()
                raise
            _finish_check(check)
            spent["check+verify"] += time.monotonic() - t0
            # at most the one transaction in flight may have committed without its ack
            assert last_acked <= new_top <= last_acked + 1, (r, last_acked, new_top)
            unacked_commits += new_top == last_acked + 1
            top = new_top
            if following is not None:
                writer, following = following, None
    finally:
        writer.stop()
        if following is not None:
            following.stop()

    with closing(_ro(db, key)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    open_workspace(db, create=False, key=key).close()  # quick_check on open; folds the WAL back
    assert cipher.is_plain(db) is not encrypted
    assert _verify(db, key, all_acked) == top
    _finish_check(_start_check(db, env))

    assert len(all_acked) >= rounds, f"the writer hardly wrote: {len(all_acked)} acks in {rounds} rounds"
    print(f"\ncrash test ({'encrypted' if encrypted else 'plain'}): {rounds} kills, "
          f"{len(all_acked)} acknowledged transactions (last {top}), "
          f"{unacked_commits} committed but not yet acknowledged, "
          f"{time.monotonic() - started:.1f} s ("
          + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()) + ")")

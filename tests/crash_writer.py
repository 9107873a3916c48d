"""Child process of the crash test (tests/test_crash.py): writes until it is killed.

    python tests/crash_writer.py DBPATH ACKFILE START_N

The database key (hex) comes in the environment variable ``KUEMMERER_CRASH_KEY``
(never as an argument); without it the file is opened as a plain one.

START_N ``-`` means: import everything, then read START_N as a line from stdin
(lets the test start the next writer early, while the current one still writes).
Opens the database through ``open_workspace`` (as the app does), prints ``ready``
and then loops forever. Iteration ``n`` is ONE unit of work, committed once:

- a person ``Crash{n}`` (notes ``created_note(n)``),
- one request for them,
- ``intended_contacts(n)`` contacts on that request (200 large ones every
  ``BIG_EVERY``-th n, so kills land in big commits and WAL growth),
- and an update of the person ``Crash{n-1}`` (notes ``updated_note(n-1)``).

Values are checked by the services' own validators (``Crud.validate``), exactly
as ``Crud.create``/``update`` do, but the rows are added through the unit of work
and committed once (each service call would commit on its own). Only after
``commit`` returned is ``n`` appended to ACKFILE and fsynced. Every few
iterations a ``wal_checkpoint`` runs on the engine's connection, so kills land
during checkpoints too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

KEY_ENV = "KUEMMERER_CRASH_KEY"
BIG_EVERY = 9
BIG_CONTACTS = 200
BIG_NOTE_CHARS = 600


def intended_contacts(n: int) -> int:
    """How many contacts transaction ``n`` writes (the test checks this exact number)."""
    return BIG_CONTACTS if n % BIG_EVERY == 0 else 1 + n % 3


def last_name(n: int) -> str:
    return f"Crash{n}"


def created_note(n: int) -> str:
    return f"angelegt in Transaktion {n}"


def updated_note(n: int) -> str:
    """The notes of person ``n`` after transaction ``n + 1`` changed them."""
    return f"geändert in Transaktion {n + 1}"


def request_title(n: int) -> str:
    return f"Anliegen {n}"


def contact_note(n: int, i: int) -> str:
    base = f"Kontakt {i} von {n}"
    if intended_contacts(n) == BIG_CONTACTS:
        return (base + " " + "x" * BIG_NOTE_CHARS)[:BIG_NOTE_CHARS]
    return base


def _write_one(ws, n: int, category_id: int, prev_id: int | None) -> int:
    import datetime as dt

    from kuemmerer.db.models import Contact, Person, Request
    from kuemmerer.services.persons import persons as person_crud
    from kuemmerer.services.requests import contacts as contact_crud
    from kuemmerer.services.requests import requests as request_crud

    today = dt.date.today()
    with ws.uow() as uow:
        person = Person(**person_crud.validate(
            uow, {"last_name": last_name(n), "first_name": "Test", "notes": created_note(n)}, None))
        uow.add(person)
        uow.flush()
        request = Request(**request_crud.validate(
            uow, {"person_id": person.id, "category_id": category_id, "title": request_title(n),
                  "description": f"{intended_contacts(n)} Kontakte", "opened_on": today}, None))
        uow.add(request)
        uow.flush()
        contacts = []
        for i in range(intended_contacts(n)):
            clean = contact_crud.validate(
                uow, {"person_id": person.id, "request_id": request.id, "date": today,
                      "duration_minutes": i % 120, "note": contact_note(n, i)}, None)
            contacts.append(Contact(**clean))
        uow.add_all(contacts)
        if prev_id is not None:
            prev = uow.get(Person, prev_id, "Person")
            assert prev.last_name == last_name(n - 1), prev.last_name
            clean = person_crud.validate(
                uow, {**person_crud.current_values(prev), "notes": updated_note(n - 1)}, prev)
            for name, value in clean.items():
                setattr(prev, name, value)
        uow.commit()
        return person.id


def _checkpoint(ws, mode: str) -> None:
    raw = ws.db.engine.raw_connection()
    try:
        raw.driver_connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
    finally:
        raw.close()


def main(argv: list[str]) -> int:
    db_path, ack_path = Path(argv[0]), Path(argv[1])

    # import everything (also what open_workspace imports lazily) before START_N arrives
    import alembic.command
    import alembic.script  # noqa: F401
    from sqlalchemy import select

    import kuemmerer.services.persons
    import kuemmerer.services.requests  # noqa: F401
    from kuemmerer.db.models import Category, Person
    from kuemmerer.services.workspace import open_workspace

    start = int(sys.stdin.readline() if argv[2] == "-" else argv[2])

    key_hex = os.environ.get(KEY_ENV)
    ws = open_workspace(db_path, create=False, key=bytes.fromhex(key_hex) if key_hex else None)
    with ws.uow(read_only=True) as uow:
        category_id = uow.session.scalars(select(Category.id).order_by(Category.id)).first()
        prev_id = None
        if start > 1:  # the previous transaction is the newest one in the database
            prev_id = uow.session.scalars(
                select(Person.id).where(Person.last_name == last_name(start - 1))).one()
    print("ready", flush=True)

    ack = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    n = start
    while True:
        prev_id = _write_one(ws, n, category_id, prev_id)
        os.write(ack, f"{n}\n".encode())  # one write() per line: never interleaved
        os.fsync(ack)
        if n % 3 == 0:  # also right after every big transaction (n % 9 == 0)
            _checkpoint(ws, "PASSIVE")
        elif n % 7 == 0:
            _checkpoint(ws, "TRUNCATE")
        n += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

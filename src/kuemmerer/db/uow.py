"""Unit of work: one session, one transaction, committed once or rolled back.

Every ORM write is recorded as an ``AuditEvent`` (table, id, action: never
field values) in the same transaction, by a session event, so no service can
forget it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kuemmerer.domain.enums import AuditAction
from kuemmerer.domain.errors import NotFound, ValidationError

from . import search_key  # noqa: F401  (registers the search_text listeners)
from .engine import damage_error, readonly
from .models import AuditEvent, Base

T = TypeVar("T", bound=Base)

_UNAUDITED = {"audit_events"}


def _audit_rows(session: Session) -> list[dict]:
    rows: list[dict] = []
    for objs, action in (
        (session.new, AuditAction.CREATE),
        (session.dirty, AuditAction.UPDATE),
        (session.deleted, AuditAction.DELETE),
    ):
        for obj in objs:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in _UNAUDITED:
                continue
            if action is AuditAction.UPDATE and not session.is_modified(obj, include_collections=True):
                continue
            rows.append({"action": action.value, "entity": table, "entity_id": getattr(obj, "id", None)})
    return rows


@event.listens_for(Session, "after_flush")
def _record_audit(session: Session, _ctx) -> None:
    if session.info.get("bulk"):
        return
    rows = _audit_rows(session)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: ...; uow.commit()`` — rolls back unless committed."""

    def __init__(self, engine: Engine, *, read_only: bool = False, file_key: bytes | None = None):
        self._factory = sessionmaker(
            bind=readonly(engine) if read_only else engine, expire_on_commit=False
        )
        self.session: Session
        self._engine = engine
        # the database key, for files kept beside the database (attachments are encrypted
        # with a key derived from it: services/files.py); None for a plain database
        self.file_key = file_key

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.session.rollback()
        self.session.close()
        # SQLite reporting a damaged page through a driver connection used directly (statements
        # through SQLAlchemy are translated by the engine already): the German error instead
        replacement = damage_error(self._engine, exc) if exc is not None else None
        if replacement is not None and replacement is not exc:
            raise replacement from exc

    # -- writing -------------------------------------------------------------
    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise _constraint_error(exc) from None

    def flush(self) -> None:
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            raise _constraint_error(exc) from None

    def rollback(self) -> None:
        self.session.rollback()

    def add(self, obj: Base) -> None:
        self.session.add(obj)

    def add_all(self, objs: Iterable[Base]) -> None:
        self.session.add_all(objs)

    def delete(self, obj: Base) -> None:
        self.session.delete(obj)

    def bulk(self) -> None:
        """For bulk writes (demo data, imports): no per-row audit events in this unit of
        work; the caller records one summary event with ``audit``."""
        self.session.info["bulk"] = True

    def audit(self, action: AuditAction, entity: str, entity_id: int | None = None) -> None:
        """Record an event that is not a plain ORM write (backup, erase, demo…)."""
        self.session.execute(
            insert(AuditEvent), [{"action": action.value, "entity": entity, "entity_id": entity_id}]
        )

    # -- reading -------------------------------------------------------------
    def get(self, model: type[T], ident: object, what: str | None = None) -> T:
        obj = self.find(model, ident)
        if obj is None:
            raise NotFound(what or model.__name__, ident)
        return obj

    def find(self, model: type[T], ident: object) -> T | None:
        """The row with primary key ``ident`` (an id, or a key like a setting's name), or None —
        also for a number no row can have (beyond SQLite's 64 bits)."""
        if ident is None:
            return None
        try:
            return self.session.get(model, ident)
        except OverflowError:
            return None

    def exists(self, model: type[Base], exclude_id: int | None = None, **equals) -> bool:
        key = model.__mapper__.primary_key[0]
        stmt = select(key).filter_by(**equals)
        if exclude_id is not None:
            stmt = stmt.where(key != exclude_id)
        return self.session.execute(stmt.limit(1)).first() is not None

    def all(self, model: type[T], *order_by: str, **equals) -> list[T]:
        stmt = select(model).filter_by(**equals)
        for name in order_by:
            stmt = stmt.order_by(getattr(model, name))
        return list(self.session.scalars(stmt))


def _constraint_error(exc: IntegrityError) -> ValidationError:
    """A database constraint caught what validation did not (e.g. a race): say so in German."""
    text = str(exc.orig) if exc.orig is not None else ""
    if "UNIQUE" in text:
        return ValidationError.single("", "Ein solcher Eintrag existiert bereits.")
    if "FOREIGN KEY" in text:
        return ValidationError.single(
            "", "Der Eintrag wird noch an anderer Stelle verwendet oder verweist auf etwas, das es nicht mehr gibt.")
    return ValidationError.single("", "Die Eingaben verletzen eine Regel der Datenbank.")

"""Create/update/delete/get/list for one entity, so each module states only its rules.

An entity module supplies ``validate(uow, values, current) -> clean dict`` (raising
``ValidationError``) and ``to_dto(obj) -> DTO``; ``Crud`` does the rest: merges an
update onto the current values, writes through the unit of work and commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar, cast

from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.errors import NotFound

from .dto import from_row
from .validation import as_id

D = TypeVar("D")

Validator = Callable[[UnitOfWork, dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Crud(Generic[D]):
    model: Any  # a mapped class of db.models
    dto: type[D]
    what: str  # German name for messages ("Person", "Anliegen"…)
    validate: Validator
    to_dto: Callable[[Any], D] | None = None
    before_delete: Callable[[UnitOfWork, Any], object] | None = None  # its result is ignored

    def as_dto(self, obj) -> D:
        return self.to_dto(obj) if self.to_dto else from_row(self.dto, obj)

    def editable(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cast(Any, self.dto)) if f.name != "id" and f.name in self.model.__table__.c)

    def current_values(self, obj) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.editable()}

    def row(self, uow: UnitOfWork, ident: Any):
        """The record, or ``NotFound`` — also for an id no record can have (``10**30``, ``inf``)."""
        valid = as_id(ident)
        if valid is None:
            raise NotFound(self.what, "(ungültige Nummer)")
        return uow.get(self.model, valid, self.what)

    def add(self, uow: UnitOfWork, **values: Any):
        """Validate and add without committing (for several writes in one transaction);
        returns the flushed ORM object (with its id)."""
        clean = self.validate(uow, values, None)
        obj = self.model(**clean)
        uow.add(obj)
        uow.flush()
        return obj

    def create(self, uow: UnitOfWork, **values: Any) -> D:
        obj = self.add(uow, **values)
        uow.commit()
        return self.as_dto(obj)

    def change(self, uow: UnitOfWork, ident: int, **changes: Any):
        """Validate and apply ``changes`` without committing; returns the flushed ORM object."""
        obj = self.row(uow, ident)
        clean = self.validate(uow, {**self.current_values(obj), **changes}, obj)
        for name, value in clean.items():
            setattr(obj, name, value)
        uow.flush()
        return obj

    def update(self, uow: UnitOfWork, ident: int, **changes: Any) -> D:
        obj = self.change(uow, ident, **changes)
        uow.commit()
        return self.as_dto(obj)

    def delete(self, uow: UnitOfWork, ident: int) -> None:
        obj = self.row(uow, ident)
        if self.before_delete:
            self.before_delete(uow, obj)
        uow.delete(obj)
        uow.commit()

    def get(self, uow: UnitOfWork, ident: int) -> D:
        return self.as_dto(self.row(uow, ident))

    def list(self, uow: UnitOfWork, *order_by: str, **equals: Any) -> list[D]:
        return [self.as_dto(o) for o in uow.all(self.model, *(order_by or ("id",)), **equals)]


def check_ref(form, uow: UnitOfWork, model: type, name: str, message: str,
              *, required: bool = False) -> int | None:
    """The id in ``form.values[name]`` if a ``model`` row with it exists, else an error on ``name``."""
    value = form.raw(name)
    if value in (None, ""):
        if required:
            form.error(name, "Bitte auswählen.")
        return None
    ident = as_id(value)
    if ident is None or uow.find(model, ident) is None:
        form.error(name, message)
        return None
    return ident


def check_unique(form, uow: UnitOfWork, model: type, name: str, value: Any, current: Any,
                 message: str) -> None:
    if value is not None and uow.exists(model, exclude_id=getattr(current, "id", None), **{name: value}):
        form.error(name, message)

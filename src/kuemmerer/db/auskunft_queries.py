"""Read side of the Auskunft (GDPR Art. 15): every row that holds data of one person.

Found generically through the foreign keys of ``Base.metadata``, so a table added later is
in the Auskunft without anyone remembering it:

1. every row of a table with a foreign key to ``persons`` whose key names her (requests,
   contacts, consents, attendances, her volunteer profile, meeting participation, tasks
   she owns …) — only where one of its person columns is hers, never another resident's
   row that merely points at one of her rows;
2. from there, rows of tables *without* a person column that die with one of her rows
   (``ON DELETE CASCADE``): the assignments and tags of her volunteer profile, and so on.

These are exactly the rows that erasing her deletes or unlinks. Shared records she only
points at (a district, a Thema, an Angebot, a partner, a session, a meeting) are not
copied; each such reference gets the few readable fields that say what it is (a name, a
date), never anything about other people (no meeting minutes, no other participants, no
partner's contact person). Attachments of the sessions, activities and meetings she took
part in are listed (file name, size, date) since such documents may show her.

Rows come back as plain dicts: column → value, plus per foreign key column ``x_id`` a key
``x`` with the readable fields of the referenced row (or None).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Table, or_, select

from .models import Activity, Attachment, Base, Meeting, Network, Session
from .uow import UnitOfWork

PERSONS = "persons"
# folded copies of the name kept only for search and sorting: the same data, not shown twice
DERIVED_COLUMNS = frozenset({"search_text", "sort_name"})
# readable fields of rows she only refers to; anything not named here is never copied
_REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "districts": ("name",),
    "categories": ("name",),
    "services": ("name",),
    "organisations": ("name",),
    "activities": ("name",),
    "networks": ("name",),
    "tags": ("kind", "name"),
    "requests": ("title", "opened_on"),
    "consents": ("purpose", "given_on"),
    "imports": ("file_name", "created_at"),
}

Row = dict[str, Any]


def _person_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if any(fk.column.table.name == PERSONS for fk in c.foreign_keys)]


def _pk(table: Table) -> list[Column]:
    return list(table.primary_key.columns)


def _key(table: Table, row: Row) -> tuple:
    return tuple(row[c.name] for c in _pk(table))


def _select_rows(uow: UnitOfWork, table: Table, condition) -> list[Row]:
    stmt = select(table).where(condition).order_by(*_pk(table))
    return [{k: v for k, v in r.items() if k not in DERIVED_COLUMNS}
            for r in uow.session.execute(stmt).mappings()]


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def person_rows(uow: UnitOfWork, person_id: int) -> dict[str, list[Row]] | None:
    """Every row (table → rows, in the order of ``Base.metadata.sorted_tables``, then by
    primary key) that holds data of the person; None if there is no such person."""
    persons = Base.metadata.tables[PERSONS]
    try:
        me = _select_rows(uow, persons, persons.c.id == person_id)
    except OverflowError:  # a number no row can have
        return None
    if not me:
        return None
    found: dict[str, list[Row]] = {PERSONS: me}
    keys: dict[str, set[tuple]] = {PERSONS: {(person_id,)}}

    # 1. rows with a person column that names her
    for table in _tables():
        cols = _person_columns(table)
        if table.name == PERSONS or not cols:
            continue
        rows = _select_rows(uow, table, or_(*(c == person_id for c in cols)))
        if rows:
            found[table.name] = rows
            keys[table.name] = {_key(table, r) for r in rows}

    # 2. rows without a person column that die with one of her rows, to any depth
    changed = True
    while changed:
        changed = False
        for table in _tables():
            if _person_columns(table):
                continue
            for column in table.columns:
                for fk in column.foreign_keys:
                    parent = fk.column.table.name
                    if (fk.ondelete or "").upper() != "CASCADE" or parent not in found:
                        continue
                    parent_ids = [r[fk.column.name] for r in found[parent]]
                    rows = _select_rows(uow, table, column.in_(parent_ids))
                    new = [r for r in rows if _key(table, r) not in keys.get(table.name, set())]
                    if new:
                        found.setdefault(table.name, []).extend(new)
                        keys.setdefault(table.name, set()).update(_key(table, r) for r in new)
                        found[table.name].sort(key=_row_order(table))
                        changed = True

    attachments = _attachments(uow, found)
    if attachments:
        found["attachments"] = attachments
    _add_references(uow, found)
    order = [t.name for t in _tables()]
    return {name: found[name] for name in sorted(found, key=order.index)}


def _row_order(table: Table):
    """Sort key for rows of ``table``: by primary key, as the queries return them."""
    def key(row: Row) -> tuple:
        return tuple((v is None, v) for v in _key(table, row))
    return key


# -- references: what the rows she points at are called ----------------------------------------


def _reference_fields(uow: UnitOfWork, table: str, ids: Iterable[Any]) -> dict[Any, Row]:
    """Readable fields (id → fields) of the referenced rows of ``table``; {} if the table has
    nothing readable to say."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    if table == "sessions":
        rows = uow.session.execute(
            select(Session.id, Activity.name.label("activity"), Session.date, Session.start_time)
            .join(Activity, Activity.id == Session.activity_id).where(Session.id.in_(ids))).mappings()
        return {r["id"]: {k: v for k, v in r.items() if k != "id"} for r in rows}
    if table == "meetings":
        rows = uow.session.execute(
            select(Meeting.id, Network.name.label("network"), Meeting.date, Meeting.start_time)
            .join(Network, Network.id == Meeting.network_id).where(Meeting.id.in_(ids))).mappings()
        return {r["id"]: {k: v for k, v in r.items() if k != "id"} for r in rows}
    fields = _REFERENCE_FIELDS.get(table)
    if not fields:
        return {}
    t = Base.metadata.tables[table]
    stmt = select(t.c.id, *(t.c[f] for f in fields)).where(t.c.id.in_(ids))
    return {r["id"]: {f: r[f] for f in fields} for r in uow.session.execute(stmt).mappings()}


def reference_key(column: str) -> str:
    """The key that carries the readable fields of a foreign key column: ``district_id`` →
    ``district``."""
    return column[:-3] if column.endswith("_id") else f"{column}_ref"


def _add_references(uow: UnitOfWork, found: dict[str, list[Row]]) -> None:
    for name, rows in found.items():
        table = Base.metadata.tables[name]
        for column in table.columns:
            targets = {fk.column.table.name for fk in column.foreign_keys}
            if not targets or column.name not in rows[0] or targets & {PERSONS, "volunteers"}:
                continue  # her own person row and profile are in the Auskunft themselves
            target = targets.pop()
            fields = _reference_fields(uow, target, (r[column.name] for r in rows))
            key = reference_key(column.name)
            if key in table.c:
                key = f"{column.name}_ref"
            for r in rows:
                r[key] = fields.get(r[column.name])


# -- attachments of what she took part in --------------------------------------------------------


def _attachments(uow: UnitOfWork, found: dict[str, list[Row]]) -> list[Row]:
    """Files linked to a session, activity or meeting she attended, worked at or sat in."""
    session_ids = {r["session_id"] for t in ("attendances", "assignments") for r in found.get(t, [])
                   if r.get("session_id") is not None}
    activity_ids = {r["activity_id"] for r in found.get("assignments", [])}
    if session_ids:
        activity_ids |= set(uow.session.scalars(
            select(Session.activity_id).where(Session.id.in_(session_ids))))
    meeting_ids = {r["meeting_id"] for r in found.get("meeting_participants", [])}
    conditions = [col.in_(ids) for col, ids in ((Attachment.session_id, session_ids),
                                                (Attachment.activity_id, activity_ids),
                                                (Attachment.meeting_id, meeting_ids)) if ids]
    if not conditions:
        return []
    stmt = (select(Attachment.id, Attachment.activity_id, Attachment.session_id, Attachment.meeting_id,
                   Attachment.file_name, Attachment.size_bytes, Attachment.created_at)
            .where(or_(*conditions)).order_by(Attachment.id))
    return [dict(r) for r in uow.session.execute(stmt).mappings()]


__all__ = ["DERIVED_COLUMNS", "person_rows", "reference_key"]

"""Configurable lists: districts (Stadtgebiete), categories (Themen), services (Angebote) and
action fields (Handlungsfelder: the sections of the Sachbericht).

Merging two Handlungsfelder moves her report texts to the target; where the target has a
text for the same period too, nothing is lost: the texts are joined (target first, a blank
line, then the merged one)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kuemmerer.db import lists_queries
from kuemmerer.db.models import ActionField, Category, District, DistrictStreet, Service
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AuditAction, DistrictKind
from kuemmerer.domain.errors import InUse, ValidationError

from .crud import Crud, check_unique
from .dto import CategoryDto, DistrictDto, ListEntry, MergePreview, ServiceDto, StreetDto
from .validation import REQUIRED, Form, as_id, clean_text

OUTSIDE_NAME = "außerhalb"

DEFAULT_CATEGORIES = (
    "Schulden und Finanzen", "Wohnung und Nachbarschaft", "Behörden und Formulare",
    "Arbeit und Jobcenter", "Gesundheit und Pflege", "Sucht", "Familie und Kinder",
    "Sprache und Integration", "Freizeit und Engagement", "Sonstiges",
)
DEFAULT_SERVICES = (
    "Schuldnerberatung", "Suchtberatung", "Migrationsberatung", "Sozialberatung",
    "Mieterberatung", "Familienberatung", "Jobcenter", "Ordnungsamt",
    "Erziehungsberatung", "Seniorenberatung", "Rechtsberatung", "Sprachkurs",
)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARS = "Bitte keine Steuerzeichen (Tabulator, Zeilenumbruch, Nullbyte …) verwenden."


def _validate_named(uow: UnitOfWork, values: dict[str, Any], current, model, taken: str,
                    extra_fields=()) -> tuple[Form, dict[str, Any]]:
    form = Form(values)
    if isinstance(values.get("name"), str) and _CONTROL.search(values["name"]):
        form.error("name", CONTROL_CHARS)  # every one refused here, also those ``Form.text`` drops
    clean: dict[str, Any] = {
        "name": form.text("name", required=True, max_len=lists_queries.max_length(model)),
        "active": form.boolean("active", default=True),
    }
    if clean["name"] and _CONTROL.search(clean["name"]):
        form.error("name", CONTROL_CHARS)
    check_unique(form, uow, model, "name", clean["name"], current, taken)
    if clean["name"] and form.ok("name"):
        folded = clean["name"].casefold()
        current_id = getattr(current, "id", None)
        if any(o.name.casefold() == folded and o.id != current_id for o in uow.all(model)):
            form.error("name", taken)
    for name in extra_fields:
        clean[name] = form.integer(name, default=0) if name == "sort_order" else form.text(name, max_len=2000)
    return form, clean


def _validate_district(uow, values, current):
    form, clean = _validate_named(uow, values, current, District,
                                  "Dieses Stadtgebiet gibt es schon.", ("sort_order",))
    clean["kind"] = form.choice("kind", DistrictKind, DistrictKind.AREA)
    form.done()
    return clean


def _validate_category(uow, values, current):
    form, clean = _validate_named(uow, values, current, Category,
                                  "Dieses Thema gibt es schon.", ("sort_order",))
    form.done()
    return clean


@dataclass(frozen=True)
class ActionFieldDto:
    """A Handlungsfeld: one section of the Sachbericht."""

    id: int
    name: str
    sort_order: int
    active: bool


def _validate_action_field(uow, values, current):
    form, clean = _validate_named(uow, values, current, ActionField,
                                  "Dieses Handlungsfeld gibt es schon.", ("sort_order",))
    form.done()
    return clean


def _validate_service(uow, values, current):
    form, clean = _validate_named(uow, values, current, Service,
                                  "Dieses Angebot gibt es schon.", ("description", "sort_order"))
    form.done()
    return clean


def _refuse_if_used(kind: str):
    def before_delete(uow: UnitOfWork, obj) -> None:
        counts = lists_queries.reference_counts(uow, kind, obj.id)
        used = [f"{n} × {label}" for (key, label, _c) in lists_queries.REFERENCES[kind]
                if (n := counts[key])]
        if used:
            raise InUse(f"{WHAT[kind]} „{obj.name}“ wird noch verwendet ({', '.join(used)}). Bitte "
                        "stattdessen deaktivieren oder mit einem anderen Eintrag zusammenführen.")
    return before_delete


WHAT = {"districts": "Das Stadtgebiet", "categories": "Das Thema", "services": "Das Angebot",
        "action_fields": "Das Handlungsfeld"}

districts = Crud(District, DistrictDto, "Stadtgebiet", _validate_district,
                 before_delete=_refuse_if_used("districts"))
categories = Crud(Category, CategoryDto, "Thema", _validate_category,
                  before_delete=_refuse_if_used("categories"))
services = Crud(Service, ServiceDto, "Angebot", _validate_service,
                before_delete=_refuse_if_used("services"))

action_fields = Crud(ActionField, ActionFieldDto, "Handlungsfeld", _validate_action_field,
                     before_delete=_refuse_if_used("action_fields"))

KINDS = ("districts", "categories", "services", "action_fields")
CRUDS: dict[str, Crud[Any]] = {"districts": districts, "categories": categories, "services": services,
                               "action_fields": action_fields}


def _crud(kind: str) -> Crud:
    try:
        return CRUDS[kind]
    except KeyError:
        raise ValueError(f"unknown list {kind!r}") from None


def list_districts(uow: UnitOfWork, *, active_only: bool = False) -> list[DistrictDto]:
    items = districts.list(uow, "sort_order", "name")
    return [d for d in items if d.active or not active_only]


def list_categories(uow: UnitOfWork, *, active_only: bool = False) -> list[CategoryDto]:
    items = categories.list(uow, "sort_order", "name")
    return [c for c in items if c.active or not active_only]


def list_services(uow: UnitOfWork, *, active_only: bool = False) -> list[ServiceDto]:
    items = services.list(uow, "sort_order", "name")
    return [s for s in items if s.active or not active_only]


def list_action_fields(uow: UnitOfWork, *, active_only: bool = False) -> list[ActionFieldDto]:
    """The Handlungsfelder in her order (the order of the Sachbericht's sections)."""
    items = action_fields.list(uow, "sort_order", "name")
    return [a for a in items if a.active or not active_only]


# --------------------------------------------------------------------------- Einstellungen


def entries(uow: UnitOfWork, kind: str) -> list[ListEntry]:
    """All entries of a list in her order, with how often each is used (for Einstellungen)."""
    crud = _crud(kind)
    uses = lists_queries.usage_by_entry(uow, kind)
    streets = lists_queries.street_counts(uow) if kind == "districts" else {}
    return [ListEntry(id=o.id, name=o.name, active=bool(o.active), sort_order=o.sort_order,
                      uses=uses.get(o.id, 0), streets=streets.get(o.id, 0),
                      outside=getattr(o, "kind", None) == DistrictKind.OUTSIDE.value)
            for o in _ordered(uow, crud.model)]


def _ordered(uow: UnitOfWork, model) -> list:
    return uow.all(model, "sort_order", "name")


def _renumber(objs: list) -> None:
    for position, obj in enumerate(objs):
        if obj.sort_order != position:
            obj.sort_order = position


def _add(uow: UnitOfWork, kind: str, name: str):
    """Add at the end of her order (Stadtgebiete: before "außerhalb"); does not commit."""
    crud = _crud(kind)
    ordered = _ordered(uow, crud.model)
    obj = crud.add(uow, name=name, sort_order=0)
    at = len(ordered)
    if kind == "districts":
        at = next((i for i, o in enumerate(ordered) if o.kind == DistrictKind.OUTSIDE.value), at)
    _renumber([*ordered[:at], obj, *ordered[at:]])
    uow.flush()
    return obj


def add_entry(uow: UnitOfWork, kind: str, name: str):
    """A new Stadtgebiet, Thema, Angebot or Handlungsfeld at the end of her order; its DTO."""
    obj = _add(uow, kind, name)
    uow.commit()
    return _crud(kind).as_dto(obj)


def add_districts(uow: UnitOfWork, names: str | list[str], *, commit: bool = True) -> list[DistrictDto]:
    """Several Stadtgebiete at once (first start: one name per line, blank lines skipped);
    all or none. Errors name the line under the field ``districts``. ``commit=False``
    leaves the commit to the caller (first start: together with the letterhead)."""
    lines = _lines(names, "districts", str.splitlines)
    problems: list[str] = []
    added = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not isinstance(line, str):
            problems.append(f"Zeile {number}: Bitte einen Namen eingeben.")
            continue
        if not line.strip():
            continue
        if line.strip().casefold() in seen:
            problems.append(f"Zeile {number}: „{line.strip()}“ steht doppelt in der Liste.")
            continue
        seen.add(line.strip().casefold())
        try:
            added.append(_add(uow, "districts", line))
        except ValidationError as exc:
            problems.append(f"Zeile {number}: " + " ".join(exc.errors.values()))
    if problems:
        uow.rollback()
        raise ValidationError.single("districts", " ".join(problems))
    if commit:
        uow.commit()
    return [districts.as_dto(o) for o in added]


def add_with_streets(uow: UnitOfWork, kind: str, name: str, streets_text: str | None = None) -> ListEntry:
    """One new entry, for districts with its streets (one per line), in one transaction."""
    obj = _add(uow, kind, name)
    if streets_text is not None:
        _replace_streets(uow, obj.id, streets_text)
    uow.commit()
    return next(e for e in entries(uow, kind) if e.id == obj.id)


def rename(uow: UnitOfWork, kind: str, ident: int, name: str):
    return _crud(kind).update(uow, ident, name=name)


def set_active(uow: UnitOfWork, kind: str, ident: int, active: bool):
    """Deactivated entries vanish from the choice lists but stay in history and statistics."""
    return _crud(kind).update(uow, ident, active=bool(active))


def move(uow: UnitOfWork, kind: str, ident: int, step: int) -> list[ListEntry]:
    """Move an entry ``step`` places (-1 = up, +1 = down) in her order."""
    crud = _crud(kind)
    ordered = _ordered(uow, crud.model)
    obj = uow.get(crud.model, ident, crud.what)
    i = ordered.index(obj)
    j = max(0, min(len(ordered) - 1, i + step))
    ordered.insert(j, ordered.pop(i))
    _renumber(ordered)
    uow.commit()
    return entries(uow, kind)


def set_order(uow: UnitOfWork, kind: str, ids: list[int]) -> list[ListEntry]:
    """Put the list in the order of ``ids`` (entries not named keep their order after them)."""
    crud = _crud(kind)
    ordered = _ordered(uow, crud.model)
    by_id = {o.id: o for o in ordered}
    if not isinstance(ids, (list, tuple)):
        raise ValidationError.single("order", "Die Reihenfolge nennt unbekannte oder doppelte Einträge.")
    ids = [as_id(i) or 0 for i in ids]
    unknown = [i for i in ids if i not in by_id]
    if unknown or len(set(ids)) != len(ids):
        raise ValidationError.single("order", "Die Reihenfolge nennt unbekannte oder doppelte Einträge.")
    first = [by_id[i] for i in ids]
    _renumber([*first, *(o for o in ordered if o.id not in set(ids))])
    uow.commit()
    return entries(uow, kind)


def delete_entry(uow: UnitOfWork, kind: str, ident: int) -> None:
    """Delete an entry nobody uses; a used one is refused (InUse, German)."""
    _crud(kind).delete(uow, ident)


def merge_preview(uow: UnitOfWork, kind: str, source_id: int, target_id: int) -> MergePreview:
    """How many records of each kind would move from ``source`` to ``target``."""
    crud = _crud(kind)
    source, target = _merge_pair(uow, crud, source_id, target_id)
    counts = lists_queries.reference_counts(uow, kind, source.id)
    moves = [(label, counts[key]) for key, label, _c in lists_queries.REFERENCES[kind]]
    if kind == "districts":
        moves.append(("Straßen", _new_streets(uow, source.id, target.id)))
    return MergePreview(kind, source.id, source.name, target.id, target.name, tuple(moves))


def _new_streets(uow: UnitOfWork, source: int, target: int) -> int:
    have = {s.key for s in uow.all(DistrictStreet, district_id=target)}
    return sum(1 for s in uow.all(DistrictStreet, district_id=source) if s.key not in have)


def _merge_pair(uow: UnitOfWork, crud: Crud, source_id: int, target_id: int):
    if source_id == target_id:
        raise ValidationError.single("target", "Bitte einen anderen Eintrag als Ziel wählen.")
    return crud.row(uow, source_id), crud.row(uow, target_id)


def merge(uow: UnitOfWork, kind: str, source_id: int, target_id: int) -> MergePreview:
    """Move every record of ``source`` to ``target`` and delete ``source``, in one
    transaction; returns what moved (the same figures as ``merge_preview``)."""
    from .statistics import freeze_before_erasure

    preview = merge_preview(uow, kind, source_id, target_id)
    source_id, target_id = preview.source_id, preview.target_id  # the checked ids
    crud = _crud(kind)
    if kind != "action_fields":  # Handlungsfelder carry texts, not counted figures
        freeze_before_erasure(uow)  # figures by district / Thema already reported keep their old names
    lists_queries.move_references(uow, kind, source_id, target_id)
    if kind == "districts":
        lists_queries.move_streets(uow, source_id, target_id)
    uow.session.expire_all()
    uow.delete(uow.get(crud.model, source_id, crud.what))
    uow.flush()
    uow.audit(AuditAction.UPDATE, crud.model.__tablename__, target_id)
    _renumber(_ordered(uow, crud.model))
    uow.commit()
    return preview


# --------------------------------------------------------------------------- streets

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_HOUSE_NUMBER = re.compile(r"[\s.,]*\d+\s*[a-z]?(\s*[-/–+]\s*\d+\s*[a-z]?)*\s*$")


def street_key(text: str | None) -> str:
    """The folded street name for matching: case, umlauts ("ü" = "ue"), accents,
    "Straße"/"Str."/"strasse", blanks and hyphens, and a trailing house number ("12a",
    "12-14") do not matter. "" when nothing is left."""
    text = unicodedata.normalize("NFC", text or "").casefold().translate(_UMLAUTS)
    text = text.split(",", 1)[0]
    stripped = _HOUSE_NUMBER.sub("", text)
    text = stripped if re.search(r"[a-z]", stripped) else text
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"strasse|str\b\.?", "str", text)
    return "".join(c for c in text if c.isalnum())


def streets(uow: UnitOfWork, district_id: int) -> list[StreetDto]:
    districts.row(uow, district_id)
    return [StreetDto(s.id, s.district_id, s.name) for s in uow.all(DistrictStreet, "name", district_id=district_id)]


_STREET_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # tabs are blanks here


def _street(line: str) -> tuple[str, str] | str | None:
    """(name, key) of one typed street, a German problem, or None for a blank line."""
    if _STREET_CONTROL.search(line):
        return "Bitte keine Steuerzeichen (Nullbyte …) verwenden."
    problem = clean_text(line)[1]  # a lone surrogate
    if problem:
        return problem
    name = " ".join(line.split())
    if not name:
        return None
    max_len = lists_queries.max_length(DistrictStreet)
    if len(name) > max_len:
        return f"Höchstens {max_len} Zeichen (jetzt {len(name)})."
    key = street_key(name)
    if not any(c.isalpha() for c in key):
        return f"„{name}“ ist kein Straßenname."
    return name, key


def set_streets(uow: UnitOfWork, district_id: int, text: str | list[str]) -> list[StreetDto]:
    """Replace the streets of a district (one per line; blank lines and repeats skipped);
    all or nothing."""
    districts.row(uow, district_id)
    _replace_streets(uow, district_id, text)
    uow.commit()
    return streets(uow, district_id)


def _lines(value: object, field: str, split) -> list:
    """The lines of a text (or a list of lines); a German error on ``field`` for anything else."""
    if isinstance(value, str):
        return split(value)  # each line is checked on its own: the message names the line
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValidationError.single(field, "Bitte einen Namen pro Zeile eingeben.")


def _replace_streets(uow: UnitOfWork, district_id: int, text: str | list[str]) -> None:
    lines = _lines(text, "streets", lambda t: t.split("\n"))
    problems: list[str] = []
    wanted: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        parsed = _street(line.rstrip("\r")) if isinstance(line, str) else "Bitte einen Straßennamen eingeben."
        if isinstance(parsed, str):
            problems.append(f"Zeile {number}: {parsed}")
        elif parsed and parsed[1] not in wanted:
            wanted[parsed[1]] = parsed[0]
    if problems:
        raise ValidationError.single("streets", " ".join(problems))
    for old in uow.all(DistrictStreet, district_id=district_id):
        if old.key in wanted:
            if old.name != wanted[old.key]:
                old.name = wanted[old.key]
            del wanted[old.key]
        else:
            uow.delete(old)
    uow.flush()
    uow.add_all(DistrictStreet(district_id=district_id, name=n, key=k) for k, n in wanted.items())
    uow.flush()


def add_street(uow: UnitOfWork, district_id: int, name: str) -> StreetDto:
    districts.row(uow, district_id)
    parsed = _street(name or "") if isinstance(name, str) or name is None else "Bitte einen Straßennamen eingeben."
    if parsed is None or isinstance(parsed, str):
        raise ValidationError.single("street", parsed or REQUIRED)
    if uow.exists(DistrictStreet, district_id=district_id, key=parsed[1]):
        raise ValidationError.single("street", "Diese Straße steht schon in der Liste.")
    street = DistrictStreet(district_id=district_id, name=parsed[0], key=parsed[1])
    uow.add(street)
    uow.commit()
    return StreetDto(street.id, street.district_id, street.name)


def remove_street(uow: UnitOfWork, street_id: int) -> None:
    uow.delete(uow.get(DistrictStreet, street_id, "Straße"))
    uow.commit()


def suggest_district(uow: UnitOfWork, street_text: str | None) -> DistrictDto | None:
    """The active district whose street list has this street; None when none does, or
    when several do (a street through two districts: she decides)."""
    key = street_key(street_text)
    if not key:
        return None
    found = lists_queries.districts_with_street(uow, key)
    if len(found) != 1 or not found[0][1]:
        return None
    return districts.get(uow, found[0][0])


def ensure_defaults(uow: UnitOfWork) -> None:
    """Fill empty lists with sensible defaults on first start (districts only "außerhalb":
    the project area's districts are entered by the coordinator)."""
    if not uow.exists(District):
        uow.add(District(name=OUTSIDE_NAME, kind=DistrictKind.OUTSIDE.value, sort_order=999))
    if not uow.exists(Category):
        uow.add_all(Category(name=n, sort_order=i) for i, n in enumerate(DEFAULT_CATEGORIES))
    if not uow.exists(Service):
        uow.add_all(Service(name=n, sort_order=i)  # alphabetical, as migration 0006 orders old ones
                    for i, n in enumerate(sorted(DEFAULT_SERVICES, key=str.casefold)))
    uow.commit()

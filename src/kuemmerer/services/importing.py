"""Import of her old lists (issue 15): reading an .xlsx or .csv file as it is; the preview of
a list of persons, contacts, volunteers or partners — what would be created, what matches a
record that is already there (and is left alone or only has empty fields filled), what is
uncertain and waits for her decision, and what is rejected, with row number and reason; the
import itself in one transaction after a verified backup; the import history and its undo.

CSV files come as UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,`` or
tabs: all of it is detected. Excel files are read with openpyxl in read-only mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kuemmerer.db import lists_queries, queries
from kuemmerer.db.backup import BEFORE_IMPORT, BEFORE_IMPORT_UNDO
from kuemmerer.db.models import (
    IMPORT_ITEM_COLUMNS,
    Category,
    Consent,
    Contact,
    District,
    ImportItem,
    ImportRun,
    Organisation,
    Person,
    Referral,
    Service,
    Volunteer,
)
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import import_rules as rules
from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import AuditAction, ErasureKind, Gender, OrganisationKind, TagKind
from kuemmerer.domain.errors import KuemmererError, NotFound, ValidationError
from kuemmerer.domain.rules import fold_variants

from . import lists, partners, persons, requests, settings, validation, volunteers
from .exports import ListExport

MAX_ROWS = 50_000
MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class Table:
    """The cells of one sheet: ``headers`` and the rows below (row numbers as in the file)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    first_row: int = 2  # the file's row number of rows[0]
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None  # csv only
    delimiter: str | None = None  # csv only


def _refuse(message: str) -> ValidationError:
    return ValidationError.single("file", message)


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The first sheet (or ``sheet``) of an .xlsx, or a .csv; ``ValidationError`` on "file"
    for a file that is missing, too big, empty or not a table."""
    path = Path(path)
    if path.is_dir():
        raise _refuse(f"{path.name} ist ein Ordner – bitte eine Excel- oder CSV-Datei wählen.")
    if not path.is_file():
        raise _refuse("Die Datei wurde nicht gefunden.")
    if path.stat().st_size > MAX_BYTES:
        raise _refuse("Die Datei ist größer als 50 MB.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt"):
        return _read_csv(path.read_bytes())
    raise _refuse("Bitte eine Excel-Datei (.xlsx) oder eine CSV-Datei (.csv) wählen.")


def decode(data: bytes) -> tuple[str, str]:
    """Text and its encoding: UTF-8 with or without BOM, else Windows-1252 (her old Excel's CSV)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.replace("\x00", "")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise _refuse("Die Datei ist leer.")
    delimiter = max(DELIMITERS, key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = [row for _, row in zip(range(MAX_ROWS + 2), reader, strict=False)]
    except csv.Error as exc:
        raise _refuse(f"Die CSV-Datei lässt sich nicht lesen: {exc}.") from None
    return _table([tuple(r) for r in lines], encoding=encoding, delimiter=delimiter)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    import openpyxl

    # a damaged file fails on opening or only while its sheet is read (openpyxl reads lazily)
    damaged = (zipfile.BadZipFile, zlib.error, ParseError, KeyError, OSError, ValueError, EOFError, TypeError,
               OverflowError, IndexError)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except damaged as exc:
        raise _refuse(f"Die Excel-Datei lässt sich nicht öffnen ({type(exc).__name__}).") from None
    try:
        names = tuple(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise _refuse(f"Ein Blatt „{sheet}“ gibt es nicht. Blätter: {', '.join(names)}.")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        try:
            lines = [tuple(r) for _, r in zip(range(MAX_ROWS + 2), ws.iter_rows(values_only=True), strict=False)]
            return _table(lines, sheet=ws.title, sheets=names)
        except ValidationError:
            raise
        except damaged as exc:
            raise _refuse(f"Die Excel-Datei ist beschädigt und lässt sich nicht lesen ({type(exc).__name__}).") \
                from None
    finally:
        book.close()


def _table(lines: list[tuple[Any, ...]], **info: Any) -> Table:
    """The first non-empty line is the header; blank lines at the top are skipped."""
    start = next((i for i, line in enumerate(lines) if any(rules.clean(c) for c in line)), None)
    if start is None:
        raise _refuse("Die Datei ist leer.")
    if len(lines) - start - 1 > MAX_ROWS:
        raise _refuse(f"Höchstens {MAX_ROWS:,} Zeilen auf einmal.".replace(",", "."))
    headers = tuple(rules.clean(c) for c in lines[start])
    width = len(headers)
    rows = tuple(tuple(line[:width]) + ("",) * (width - len(line)) for line in lines[start + 1:])
    return Table(headers, rows, first_row=start + 2, **info)


# --------------------------------------------------------------------------- the preview

CREATE, MATCH, UNCERTAIN, REJECT = "neu", "vorhanden", "unsicher", "abgelehnt"
SAME, NEW = "same", "new"  # her answer for an uncertain row; NEW also: create an unknown Thema/Stadtgebiet
PROGRESS_EVERY = 200  # rows between two progress reports (and cancel checks)
REQUIRED = {"persons": ("last_name", "name"), "volunteers": ("last_name", "name"),
            "contacts": ("last_name", "name"), "partners": ("org_name",)}
REQUIRED_TEXT = {"persons": "Welche Spalte enthält den Namen? Bitte zuordnen.",
                 "volunteers": "Welche Spalte enthält den Namen? Bitte zuordnen.",
                 "contacts": "Welche Spalten enthalten Datum und Namen? Bitte zuordnen.",
                 "partners": "Welche Spalte enthält den Namen der Einrichtung? Bitte zuordnen."}

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class ImportCancelled(KuemmererError):
    """She cancelled: nothing of the import was written."""

    def __init__(self) -> None:
        super().__init__("Der Import wurde abgebrochen; es wurde nichts gespeichert.")


@dataclass
class RowResult:
    row: int  # the file's row number
    action: str  # CREATE, MATCH, UNCERTAIN, REJECT — for a list of contacts: of the contact
    values: dict[str, Any] = field(default_factory=dict)  # the person (partners: the organisation) as stored
    person_id: int | None = None  # MATCH: the person; UNCERTAIN: the likeliest candidate
    candidates: tuple[int, ...] = ()
    fills: tuple[str, ...] = ()  # MATCH: her empty fields this row would fill
    reason: str = ""  # REJECT: why; UNCERTAIN: what is unsure; MATCH of a contact: that it is there
    same_as_row: int | None = None  # a repeat of an earlier row of the file (skipped)
    district_name: str = ""  # a Stadtgebiet she does not have yet
    extra: dict[str, Any] = field(default_factory=dict)  # contact, volunteer profile or Angebote of the row
    person_of_row: int | None = None  # contacts: the earlier row that brings in the same person
    organisation_id: int | None = None  # partners, MATCH: the organisation
    cells: tuple[Any, ...] = ()  # REJECT: the row as it stands in the file

    @property
    def new_person(self) -> bool:
        """A contact whose person is not there yet (created with it)."""
        return self.person_id is None and self.action != REJECT and self.person_of_row is None


@dataclass(frozen=True)
class Preview:
    kind: str
    mapping: dict[int, str]
    unknown_columns: tuple[int, ...]
    rows: tuple[RowResult, ...]
    new_districts: tuple[str, ...]  # Stadtgebiete the file names that she does not have yet
    new_categories: tuple[str, ...] = ()  # Themen of a list of contacts she does not have yet
    new_services: tuple[str, ...] = ()  # Angebote of a list of partners (created with the import)
    headers: tuple[str, ...] = ()

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == REJECT]


@dataclass
class _Lookups:
    districts: dict[str, int]
    categories: dict[str, int]
    organisations: dict[str, int]
    services: dict[str, int]
    today: dt.date


def _lookups(uow: UnitOfWork, today: dt.date) -> _Lookups:
    return _Lookups({d.name.casefold(): d.id for d in lists.list_districts(uow)},
                    {c.name.casefold(): c.id for c in lists.categories.list(uow)},
                    {o.name.casefold(): o.id for o in partners.organisations.list(uow)},
                    {s.name.casefold(): s.id for s in lists.services.list(uow)}, today)


def check_mapping(table: Table, kind: str, mapping: Mapping[Any, Any]) -> dict[int, str]:
    """Her mapping (column -> field) as the preview takes it; ``ValidationError`` on "mapping"
    for a column the file does not have, a field this kind of list does not know, a field
    given twice, or no column for the name."""
    out: dict[int, str] = {}
    try:
        pairs = list(mapping.items())
    except (AttributeError, TypeError):
        raise ValidationError.single("mapping", "Die Zuordnung der Spalten ist ungültig.") from None
    for column, name in pairs:
        if isinstance(column, bool) or not isinstance(column, int) or not 0 <= column < len(table.headers):
            raise ValidationError.single("mapping", "Diese Spalte gibt es in der Datei nicht.")
        if name not in rules.FIELDS[kind]:
            raise ValidationError.single("mapping", f"„{str(name)[:40]}“ gibt es in einer Liste der Art "
                                                    f"„{rules.KINDS[kind]}“ nicht.")
        if name in out.values():
            raise ValidationError.single("mapping", f"„{rules.FIELDS[kind][name]}“ ist zwei Spalten zugeordnet.")
        out[column] = name
    if not any(f in REQUIRED[kind] for f in out.values()) or (kind == "contacts" and "date" not in out.values()):
        raise ValidationError.single("mapping", REQUIRED_TEXT[kind])
    return out


def preview(uow: UnitOfWork, table: Table, kind: str | None = None, mapping: Mapping[int, str] | None = None,
            *, today: dt.date | None = None, progress: Progress | None = None,
            cancelled: IsCancelled | None = None) -> Preview:
    """What importing ``table`` as a list of ``kind`` (None: recognised from the headers) would
    do, row by row; nothing is written. ``mapping`` (column -> field) is hers (corrected in the
    preview or remembered for this layout); None: recognised from the headers."""
    kind = rules.guess_kind(table.headers) if kind is None else kind
    if kind not in rules.KINDS:
        raise ValidationError.single("kind", "Bitte Personen, Kontakte, Ehrenamtliche oder Partner wählen.")
    recognised, unknown = rules.match_headers(table.headers, kind)
    mapping = check_mapping(table, kind, recognised if mapping is None else mapping)
    look = _lookups(uow, today or validation.today())
    state = _State()
    results: list[RowResult] = []
    total = len(table.rows)
    for n, line in enumerate(table.rows):
        if n % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(n, total)
        if not any(rules.clean(v) for v in line):
            continue  # an empty line
        row = table.first_row + n
        try:
            cells = {f: _cell(line[i]) for i, f in mapping.items() if i < len(line)}
            result = _ROW[kind](uow, row, cells, look, state)
        except ValidationError as exc:
            result = RowResult(row, REJECT, reason=" ".join(dict.fromkeys(exc.errors.values())))
        except ValueError as exc:
            result = RowResult(row, REJECT, reason=str(exc))
        if result.action == REJECT:
            result.cells = tuple(line)
        results.append(result)
    if progress is not None:
        progress(total, total)
    return Preview(kind, dict(mapping), tuple(i for i in unknown if i not in mapping), tuple(results),
                   tuple(state.new_districts), tuple(state.new_categories), tuple(state.new_services),
                   tuple(table.headers))


def _cell(value: Any) -> Any:
    """Text as the forms store it (invisible control characters dropped); ValueError for text
    that cannot be stored at all (a NUL byte, a lone surrogate)."""
    if not isinstance(value, str):
        return value
    text, problem = validation.clean_text(value)
    if problem:
        raise ValueError(problem)
    return text


def preview_persons(uow: UnitOfWork, table: Table, mapping: Mapping[int, str] | None = None,
                    today: dt.date | None = None) -> Preview:
    return preview(uow, table, "persons", mapping, today=today)


@dataclass
class _State:
    """What the rows so far brought: keys of persons, contacts and organisations, new names."""

    persons: dict[tuple, int] = field(default_factory=dict)  # person key -> first row
    records: dict[tuple, int] = field(default_factory=dict)  # contact / organisation key -> first row
    new_districts: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    person_results: dict[int, RowResult] = field(default_factory=dict)  # row -> its result


def _new_name(uow: UnitOfWork, crud: Any, name: str, known: dict[str, int], new: list[str]) -> str:
    """``name`` if it is not in ``known`` (case-insensitive), noted once in ``new``; else "".
    A name the list would refuse (too long, control characters) rejects the row now, not the
    whole import later."""
    if not name or name.casefold() in known:
        return ""
    if name.casefold() not in {n.casefold() for n in new}:
        crud.validate(uow, {"name": name}, None)
        new.append(name)
    return name


def _checked_date(day: dt.date | None, *, not_future: bool = False) -> dt.date | None:
    """A date the date fields would take (1900 … 2200, not in the future where that matters)."""
    if day is None:
        return None
    form = validation.Form({"day": day})
    form.date("day", not_future=not_future)
    if form.errors:
        raise ValueError(form.errors["day"])
    return day


def _person_values(cells: dict[str, Any], look: _Lookups) -> dict[str, Any]:
    """The person of one row as ``persons`` takes it; ValueError with the German reason."""
    last, first = rules.clean(cells.get("last_name")), rules.clean(cells.get("first_name")) or None
    if not last and rules.clean(cells.get("name")):
        last, split_first = rules.split_name(cells["name"])
        first = first or split_first
    if not last:
        raise ValueError("Der Nachname fehlt.")
    birth = rules.parse_date(cells.get("birth_date"), today=look.today, kind=DateKind.BIRTH)
    if birth is None and rules.clean(cells.get("birth_year")):
        birth = rules.birth_from_year(cells["birth_year"])
    district_name = rules.clean(cells.get("district"))
    gender = rules.parse_gender(cells.get("gender")) if "gender" in cells else None
    values: dict[str, Any] = {
        "last_name": last, "first_name": first, "birth_date": birth, "gender": gender,
        "street": rules.clean(cells.get("street")) or None, "postcode": rules.postcode(cells.get("postcode")),
        "city": rules.clean(cells.get("city")) or None, "phone": rules.clean(cells.get("phone")) or None,
        "email": rules.clean(cells.get("email")) or None,
        "district_id": look.districts.get(district_name.casefold()) if district_name else None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _empty(name: str, value: Any) -> bool:
    """A field with nothing in it ("keine Angabe" is nothing for the gender)."""
    return value in (None, "") or (name == "gender" and value == Gender.UNSTATED.value)


def _fills(current: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if _empty(k, getattr(current, k, None)) and not _empty(k, v)}


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and bool(set(fold_variants(a)) & set(fold_variants(b)))


def _match(uow: UnitOfWork, values: dict[str, Any]) -> tuple[str, tuple[int, ...]]:
    """MATCH (one person: same name and birth date, or without birth dates the same name and
    postcode or street), UNCERTAIN (the same name, nothing to confirm it) or CREATE."""
    sure: list[int] = []
    unsure: list[int] = []
    for r in queries.namesake_rows(uow.session, values["last_name"]):
        first = values.get("first_name")
        if first and r.first_name and not _same(first, r.first_name):
            continue
        birth = values.get("birth_date")
        if birth is not None and r.birth_date is not None:
            if birth == r.birth_date:
                sure.append(r.id)
            continue  # another birth date: another person
        place = (values.get("postcode") and values.get("postcode") == r.postcode) or \
            _same(values.get("street"), r.street)
        (sure if place and (first or not r.first_name) else unsure).append(r.id)
    if len(sure) == 1:
        return MATCH, tuple(sure)
    if sure or unsure:
        return UNCERTAIN, tuple(sure + unsure)
    return CREATE, ()


def _person_key(values: dict[str, Any]) -> tuple:
    return (tuple(sorted(fold_variants(values["last_name"]))), tuple(sorted(fold_variants(values.get("first_name")))),
            values.get("birth_date"))


def _person_row(uow: UnitOfWork, row: int, cells: dict[str, Any], look: _Lookups, state: _State) -> RowResult:
    """The person part of a row: checked as the form checks, matched to the file's earlier rows
    and to her persons."""
    values = _person_values(cells, look)
    clean = persons.persons.validate(uow, dict(values), None)  # the same checks as the form
    values = {k: clean.get(k, v) for k, v in values.items() if clean.get(k, v) is not None}  # stored as cleaned
    key = _person_key(values)
    if key in state.persons:  # the person of an earlier row: nothing of this row makes a person
        first = state.persons[key]
        return RowResult(row, MATCH, values, same_as_row=first, reason=f"wie Zeile {first}")
    state.persons[key] = row
    district = _new_name(uow, lists.districts, rules.clean(cells.get("district")), look.districts,
                         state.new_districts)
    action, candidates = _match(uow, values)
    result = RowResult(row, action, values, candidates[0] if candidates else None, candidates,
                       district_name=district)
    if action == MATCH:
        result.fills = tuple(_fills(uow.get(Person, candidates[0]), values))
    elif action == UNCERTAIN:
        result.reason = "Eine Person mit diesem Namen gibt es schon – dieselbe oder eine neue?"
    state.person_results[row] = result
    return result


def _volunteer_row(uow: UnitOfWork, row: int, cells: dict[str, Any], look: _Lookups, state: _State) -> RowResult:
    started = _checked_date(rules.parse_since(cells.get("since"), today=look.today))
    skills, languages = rules.split_list(cells.get("skills")), rules.split_list(cells.get("languages"))
    extra: dict[str, Any] = {"started_on": started, "skills": skills, "languages": languages}
    for name in (*skills, *languages):
        if len(name) > 80:
            raise ValueError(f"„{name[:30]}…“: höchstens 80 Zeichen je Fähigkeit oder Sprache.")
    result = _person_row(uow, row, cells, look, state)
    result.extra = extra
    if result.action == MATCH and result.same_as_row is None:
        profile = next(iter(uow.all(Volunteer, person_id=result.person_id)), None)
        if profile is None:
            result.fills = (*result.fills, "volunteer")
        else:
            have = {(t.kind, t.name.casefold()) for t in profile.tags}
            new_tags = [t for t in _tag_pairs(result.extra) if (t[0], t[1].casefold()) not in have]
            if (profile.started_on is None and started is not None) or new_tags:
                result.fills = (*result.fills, "volunteer")
    return result


def _tag_pairs(extra: dict[str, Any]) -> list[tuple[str, str]]:
    return [(TagKind.SKILL.value, s) for s in extra.get("skills", ())] + \
        [(TagKind.LANGUAGE.value, s) for s in extra.get("languages", ())]


def _contact_row(uow: UnitOfWork, row: int, cells: dict[str, Any], look: _Lookups, state: _State) -> RowResult:
    date = rules.parse_date(cells.get("date"), today=look.today)
    if date is None:
        raise ValueError("Das Datum fehlt.")
    if date > look.today:
        raise ValueError(f"Der {date:%d.%m.%Y} liegt in der Zukunft.")
    _checked_date(date, not_future=True)
    category = rules.clean(cells.get("category"))
    if len(category) > 80:
        raise ValueError(f"„{category[:30]}…“: ein Thema hat höchstens 80 Zeichen.")
    note = str(cells.get("note") or "").strip()
    if len(note) > 20000:
        raise ValueError("Die Notiz ist länger als 20.000 Zeichen.")
    contact: dict[str, Any] = {"date": date, "category": category, "kind": rules.parse_contact_kind(cells.get("kind")),
               "duration_minutes": rules.parse_minutes(cells.get("duration")), "note": note or None}
    person = _person_row(uow, row, cells, look, state)
    result = RowResult(row, CREATE, person.values, extra=contact, district_name=person.district_name)
    first = state.persons[_person_key(person.values)]
    source = state.person_results[first]
    result.person_id, result.candidates = source.person_id, source.candidates
    if first != row:
        result.person_of_row = first
    if source.action == UNCERTAIN:
        result.action, result.reason = UNCERTAIN, source.reason if first == row else f"Person wie in Zeile {first}"
    elif source.action == MATCH and first == row:
        result.fills = source.fills
    key = (_person_key(person.values), date, category.casefold(), contact["kind"])
    if key in state.records:
        result.action, result.same_as_row = MATCH, state.records[key]
        result.reason = f"wie Zeile {state.records[key]}"
        return result
    state.records[key] = row
    if result.action == CREATE and source.action == MATCH and result.person_id is not None:
        category_id = look.categories.get(category.casefold()) if category else None
        if queries.contact_exists(uow.session, result.person_id, date, category_id, contact["kind"]):
            result.action, result.reason = MATCH, "Dieser Kontakt ist schon erfasst."
    if result.action != MATCH:  # only a contact that is written needs its Thema
        _new_name(uow, lists.categories, category, look.categories, state.new_categories)
    return result


def _partner_row(uow: UnitOfWork, row: int, cells: dict[str, Any], look: _Lookups, state: _State) -> RowResult:
    name = rules.clean(cells.get("org_name"))
    if not name:
        raise ValueError("Der Name der Einrichtung fehlt.")
    kind, kind_note = rules.parse_organisation_kind(cells.get("org_kind"))
    values: dict[str, Any] = {
        "name": name, "kind": kind, "street": rules.clean(cells.get("street")) or None,
        "postcode": rules.postcode(cells.get("postcode")), "city": rules.clean(cells.get("city")) or None,
        "phone": rules.clean(cells.get("phone")) or None, "email": rules.clean(cells.get("email")) or None,
        "opening_hours": rules.clean(cells.get("opening_hours")) or None,
        "notes": f"Art laut übernommener Liste: {kind_note}" if kind_note else None,
    }
    values = {k: v for k, v in values.items() if v is not None}
    services = rules.split_list(cells.get("services"))
    for service in services:
        if len(service) > 120:
            raise ValueError(f"„{service[:30]}…“: höchstens 120 Zeichen je Angebot.")
    existing = look.organisations.get(name.casefold())
    current = uow.get(Organisation, existing) if existing is not None else None
    clean = partners.organisations.validate(uow, {**(partners.organisations.current_values(current) if current
                                                     else {}), **values}, current)  # the same checks as the form
    values = {k: clean.get(k, v) for k, v in values.items() if clean.get(k, v) is not None}
    key = (name.casefold(),)
    if key in state.records:
        first = state.records[key]
        return RowResult(row, MATCH, values, same_as_row=first, reason=f"wie Zeile {first}",
                         extra={"services": services})
    state.records[key] = row
    for service in services:
        _new_name(uow, lists.services, service, look.services, state.new_services)
    if current is None:
        return RowResult(row, CREATE, values, extra={"services": services})
    fills = tuple(k for k in _fills(current, values) if k != "kind" or current.kind == OrganisationKind.OTHER.value)
    have = {s.name.casefold() for s in current.services}
    if any(s.casefold() not in have for s in services):
        fills = (*fills, "services")
    return RowResult(row, MATCH, values, fills=fills, organisation_id=current.id, extra={"services": services})


_ROW: dict[str, Callable[..., RowResult]] = {"persons": _person_row, "volunteers": _volunteer_row,
                                            "contacts": _contact_row, "partners": _partner_row}


def _new_persons(n: int) -> str:
    return f"{n} neue Person" if n == 1 else f"{n} neue Personen"


def describe(preview: Preview) -> str:
    """One German line: "12 neu, 3 vorhanden (2 werden ergänzt), 1 unsicher, 2 abgelehnt"."""
    filled = sum(1 for r in preview.rows if r.action == MATCH and r.fills)
    line = (f"{preview.count(CREATE)} neu, {preview.count(MATCH)} vorhanden ({filled} werden ergänzt), "
            f"{preview.count(UNCERTAIN)} unsicher, {preview.count(REJECT)} abgelehnt")
    if preview.kind == "contacts":
        people = sum(1 for r in preview.rows if r.action == CREATE and r.new_person)
        line = f"Kontakte: {line}; {_new_persons(people)}"
    return line


# --------------------------------------------------------------------------- the import


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    created: int
    matched: int
    filled: int
    rejected: int
    skipped: int  # uncertain rows she did not decide, repeats of earlier rows
    backup: Path | None  # the verified backup taken right before
    kind: str = "persons"
    new_persons: int = 0  # contacts and volunteers: persons created with them

    def describe(self) -> str:
        what = {"contacts": "Kontakte", "volunteers": "Ehrenamtliche", "partners": "Partner"}.get(self.kind)
        line = (f"{self.created} neu angelegt, {self.matched} schon vorhanden ({self.filled} ergänzt), "
                f"{self.rejected} abgelehnt, {self.skipped} übersprungen")
        if what:
            line = f"{what}: {line}"
        if self.kind in ("contacts", "volunteers") and self.new_persons:
            line += f"; {_new_persons(self.new_persons)}"
        return line


Choice = int | str | None  # an existing entry's id, NEW (create it) or None (leave the field empty)


def _choices(uow: UnitOfWork, name: str, model: type, wanted: Mapping[str, Choice] | None, new: Sequence[str],
             default: Choice) -> dict[str, Choice]:
    """Her choice for each new Stadtgebiet or Thema, checked: NEW, None or an entry she has."""
    out: dict[str, Choice] = {n.casefold(): default for n in new}
    for key, choice in dict(wanted or {}).items():
        if choice is not None and choice != NEW and (isinstance(choice, bool) or not isinstance(choice, int)
                                                     or uow.find(model, choice) is None):
            raise ValidationError.single(name, f"„{str(key)[:40]}“: bitte einen vorhandenen Eintrag wählen, "
                                               "neu anlegen oder leer lassen.")
        out[str(key).casefold()] = choice
    return out


class _Writer:
    """Writes the rows of one import in the caller's transaction and records what it made."""

    def __init__(self, uow: UnitOfWork, run: Any, preview: Preview, decisions: dict[int, str]) -> None:
        self.uow, self.run, self.preview, self.decisions = uow, run, preview, decisions
        self.person_of_row: dict[int, int | None] = {}
        self.created = self.matched = self.filled = self.skipped = self.new_persons = 0
        self.districts: dict[str, Choice] = {}
        self.categories: dict[str, Choice] = {}
        self.services: dict[str, Choice] = {s.name.casefold(): s.id for s in lists.services.list(uow)}

    def record(self, column: str, ident: int) -> None:
        self.uow.add(ImportItem(import_id=self.run.id, **{column: ident}))

    def entry(self, table: dict[str, Choice], crud: Any, column: str, name: str) -> int | None:
        """The id for a named Stadtgebiet / Thema / Angebot, creating it once if she chose NEW."""
        choice = table.get(name.casefold())
        if choice == NEW:
            choice = crud.add(self.uow, name=name).id
            self.record(column, choice)
            table[name.casefold()] = choice
        return choice if isinstance(choice, int) else None

    def person(self, r: RowResult) -> tuple[int | None, bool]:
        """(the person of row ``r`` — found, filled or created —, whether it was made now);
        None: her decision is missing (the row is skipped)."""
        if r.person_of_row is not None:
            return self.person_of_row.get(r.person_of_row), False
        values = dict(r.values)
        if r.district_name and "district_id" not in values:
            district = self.entry(self.districts, lists.districts, "district_id", r.district_name)
            if district is not None:
                values["district_id"] = district
        target: int | None = r.person_id
        if r.action == UNCERTAIN:
            answer = self.decisions.get(r.row)
            target = None if answer is None else (r.person_id if answer == SAME else None)
            if answer is None:
                self.person_of_row[r.row] = None
                return None, False
        made = target is None
        if made:
            target = persons.persons.add(self.uow, **values).id
            self.record("person_id", target)
        else:
            assert target is not None
            fills = _fills(self.uow.get(Person, target), values)
            if fills:
                persons.persons.change(self.uow, target, **fills)
                self.filled += 1
        self.person_of_row[r.row] = target
        return target, made

    def write(self, r: RowResult) -> None:
        kind = self.preview.kind
        if kind == "partners":
            return self.partner(r)
        person_id, made = self.person(r)
        if person_id is None:
            self.skipped += 1
            return
        if kind == "persons":
            self.created += made
            self.matched += not made
        elif kind == "volunteers":
            self.new_persons += made
            self.volunteer(person_id, r.extra)
        else:  # contacts
            self.new_persons += made
            if r.action == MATCH:  # the contact is there already
                self.matched += 1
                return
            e = r.extra
            category = self.entry(self.categories, lists.categories, "category_id", e["category"]) \
                if e["category"] else None
            contact = requests.contacts.add(self.uow, person_id=person_id, date=e["date"], kind=e["kind"],
                                            category_id=category, duration_minutes=e["duration_minutes"],
                                            note=e["note"])
            self.record("contact_id", contact.id)
            self.created += 1

    def volunteer(self, person_id: int, extra: dict[str, Any]) -> None:
        profile = next(iter(self.uow.all(Volunteer, person_id=person_id)), None)
        pairs = _tag_pairs(extra)
        if profile is None:
            made = volunteers.volunteers.add(self.uow, person_id=person_id, started_on=extra["started_on"], tags=pairs)
            self.record("volunteer_id", made.id)
            self.created += 1
            return
        self.matched += 1
        have = {(t.kind, t.name.casefold()) for t in profile.tags}
        current = [(t.kind, t.name) for t in profile.tags]
        more = [p for p in pairs if (p[0], p[1].casefold()) not in have]
        changes: dict[str, Any] = {"tags": current + more} if more else {}
        if profile.started_on is None and extra["started_on"] is not None:
            changes["started_on"] = extra["started_on"]
        if changes:
            volunteers.volunteers.change(self.uow, profile.id, **changes)
            self.filled += 1

    def partner(self, r: RowResult) -> None:
        service_ids = [i for name in r.extra["services"]
                       if (i := self.service(name)) is not None]
        if r.organisation_id is None:
            org = partners.organisations.add(self.uow, **r.values, service_ids=service_ids)
            self.record("organisation_id", org.id)
            self.created += 1
            return
        self.matched += 1
        current = self.uow.get(Organisation, r.organisation_id)
        changes: dict[str, Any] = {k: v for k, v in _fills(current, r.values).items()
                                   if k != "kind" or current.kind == OrganisationKind.OTHER.value}
        have = [s.id for s in current.services]
        if any(i not in have for i in service_ids):
            changes["service_ids"] = have + [i for i in service_ids if i not in have]
        if changes:
            partners.organisations.change(self.uow, current.id, **changes)
            self.filled += 1

    def service(self, name: str) -> int | None:
        if name.casefold() not in self.services:
            self.services[name.casefold()] = NEW
        return self.entry(self.services, lists.services, "service_id", name)


def run_import(ws: Any, preview: Preview, *, file_name: str, layout_key: str = "",
               decisions: Mapping[int, str] | None = None, districts: Mapping[str, Choice] | None = None,
               categories: Mapping[str, Choice] | None = None, create_districts: bool = False,
               create_categories: bool = False, progress: Progress | None = None,
               cancelled: IsCancelled | None = None) -> ImportResult:
    """Write ``preview`` in ONE transaction, after a verified backup: new rows are created,
    matched records get only their empty fields filled, an uncertain row follows her decision
    (``SAME`` fills the likeliest candidate, ``NEW`` creates; none: skipped). A Stadtgebiet or
    Thema she does not have yet is what she chose in ``districts`` / ``categories`` (name ->
    an existing entry's id, NEW, or None: left empty; ``create_*`` makes NEW the default);
    Angebote of a partner list are created. The import is recorded with what it created, so it
    can be undone, and its column mapping is remembered for files of the same layout.
    ``cancelled()`` is asked while writing: True rolls everything back (``ImportCancelled``)."""
    from . import maintenance

    answers = dict(decisions or {})
    if not isinstance(preview, Preview) or any(a not in (SAME, NEW) for a in answers.values()):
        raise ValidationError.single("decisions", "Bitte für jede unsichere Zeile „dieselbe“ oder „neu“ wählen.")
    with ws.uow(read_only=True) as uow:  # her choices are checked before the backup is taken
        district_choices = _choices(uow, "districts", District, districts, preview.new_districts,
                                    NEW if create_districts else None)
        category_choices = _choices(uow, "categories", Category, categories, preview.new_categories,
                                    NEW if create_categories else None)
    backup = maintenance.create_backup(ws, reason=BEFORE_IMPORT).path
    rows = [r for r in preview.rows if r.action != REJECT]
    with ws.uow() as uow:
        try:
            run = ImportRun(file_name=str(file_name)[:255] or "(ohne Namen)", kind=preview.kind,
                            layout_key=str(layout_key)[:1000])
            uow.add(run)
            uow.flush()
            writer = _Writer(uow, run, preview, answers)
            writer.districts = {**{d.name.casefold(): d.id for d in lists.list_districts(uow)}, **district_choices}
            writer.categories = {**{c.name.casefold(): c.id for c in lists.categories.list(uow)}, **category_choices}
            for n, r in enumerate(rows):
                if n % PROGRESS_EVERY == 0:
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(n, len(rows))
                if r.same_as_row is not None:
                    writer.skipped += 1  # a repeat of an earlier row
                    continue
                writer.write(r)
            run.created, run.matched, run.filled = writer.created, writer.matched, writer.filled
            run.rejected, run.skipped = preview.count(REJECT), writer.skipped
            if layout_key:
                remember_mapping(uow, layout_key, preview.kind, preview.mapping, commit=False)
            uow.flush()
            if cancelled is not None and cancelled():
                raise ImportCancelled()
        except BaseException:
            uow.rollback()  # nothing of the import is kept
            raise
        uow.commit()
        if progress is not None:
            progress(len(rows), len(rows))
        return ImportResult(run.id, writer.created, writer.matched, writer.filled, run.rejected, writer.skipped,
                            backup, preview.kind, writer.new_persons)


def import_persons(ws: Any, preview: Preview, *, file_name: str, layout_key: str = "",
                   decisions: Mapping[int, str] | None = None, create_districts: bool = False) -> ImportResult:
    if not isinstance(preview, Preview) or preview.kind != "persons":
        raise ValidationError.single("decisions", "Das ist keine Vorschau einer Personenliste.")
    return run_import(ws, preview, file_name=file_name, layout_key=layout_key, decisions=decisions,
                      create_districts=create_districts)


# --------------------------------------------------------------------------- remembered mappings


def _mapping_key(layout_key: str) -> str:
    return "import.mapping." + hashlib.sha256(layout_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def remember_mapping(uow: UnitOfWork, layout_key: str, kind: str, mapping: Mapping[int, str], *,
                     commit: bool = True) -> None:
    """Keep her column mapping for files of this layout (the next such file opens with it)."""
    settings.set_value(uow, _mapping_key(layout_key), {"kind": kind, "mapping": {str(i): f for i, f in mapping.items()}},
                       commit=commit)


def remembered_mapping(uow: UnitOfWork, table: Table) -> tuple[str, dict[int, str]] | None:
    """(kind, mapping) she used for a file of this layout before; None if none (or it no longer fits)."""
    stored = settings.get_value(uow, _mapping_key(rules.layout_key(table.headers)))
    try:
        kind = stored["kind"]
        mapping = {int(i): f for i, f in stored["mapping"].items()}
        return kind, check_mapping(table, kind, mapping)
    except (TypeError, KeyError, ValueError, AttributeError, ValidationError):
        return None


# --------------------------------------------------------------------------- history and undo


@dataclass(frozen=True)
class ImportRunDto:
    id: int
    file_name: str
    kind: str
    created_at: dt.datetime  # aware, UTC
    created: int
    matched: int
    filled: int
    rejected: int
    skipped: int
    undone_at: dt.datetime | None  # aware, UTC

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def created_text(self) -> str:
        """Local time, German: "06.12.2026 14:05"."""
        return f"{self.created_at.astimezone():%d.%m.%Y %H:%M}"

    @property
    def undone_text(self) -> str:
        return f"{self.undone_at.astimezone():%d.%m.%Y %H:%M}" if self.undone_at else ""


def list_imports(uow: UnitOfWork) -> list[ImportRunDto]:
    """Her imports, newest first."""
    def utc(when: dt.datetime | None) -> dt.datetime | None:
        return when.replace(tzinfo=dt.UTC) if when is not None else None

    return [ImportRunDto(r.id, r.file_name, r.kind, r.created_at.replace(tzinfo=dt.UTC), r.created, r.matched,
                         r.filled, r.rejected, r.skipped, utc(r.undone_at)) for r in reversed(uow.all(ImportRun, "id"))]


def _undoable(uow: UnitOfWork, import_id: Any) -> ImportRun:
    """The import ``import_id``; ``NotFound`` or a German refusal if it was undone already."""
    ident = validation.as_id(import_id)
    run = uow.find(ImportRun, ident) if ident is not None else None
    if run is None:
        raise NotFound("Import", str(import_id)[:20])
    if run.undone_at is not None:
        raise ValidationError.single("import_id", "Dieser Import wurde schon rückgängig gemacht.")
    return run


def undo_import(uow: UnitOfWork, import_id: Any) -> dict[str, int]:
    """Take an import back in one transaction: what it created is deleted — contacts, volunteer
    profiles, persons (as "Person löschen" does, journalled), organisations, and the Angebote,
    Themen and Stadtgebiete it added — except what got anything else since (a contact, a
    request, a referral, an Einsatz …): that is kept and counted. Filled-in fields stay.
    Returns {"deleted": n, "kept": m}."""
    from kuemmerer.db.models import Assignment, MeetingParticipant, NetworkMember, VolunteerInquiry

    from . import erasures
    from .statistics import freeze_before_erasure

    run = _undoable(uow, import_id)
    items = uow.all(ImportItem, import_id=run.id)
    ids = {c: [getattr(i, c) for i in items if getattr(i, c) is not None] for c in IMPORT_ITEM_COLUMNS}
    deleted = kept = 0
    entries = []
    freeze_before_erasure(uow)  # reported years keep their figures (DESIGN.md §3)
    for contact in filter(None, (uow.find(Contact, i) for i in ids["contact_id"])):
        uow.delete(contact)
        deleted += 1
    uow.flush()
    for profile in filter(None, (uow.find(Volunteer, i) for i in ids["volunteer_id"])):
        if uow.exists(Assignment, volunteer_id=profile.id) or uow.exists(VolunteerInquiry, volunteer_id=profile.id):
            kept += 1
            continue
        uow.delete(profile)
        deleted += 1
    uow.flush()
    for person in filter(None, (uow.find(Person, i) for i in ids["person_id"])):
        if any(queries.person_linked_counts(uow.session, person.id).values()):
            kept += 1
            continue
        entries.append(erasures.journal(uow, ErasureKind.PERSON, person.id, person.created_at))
        uow.delete(person)
        uow.audit(AuditAction.ERASE, "persons", person.id)
        deleted += 1
    uow.flush()
    for org in filter(None, (uow.find(Organisation, i) for i in ids["organisation_id"])):
        if any(uow.exists(m, organisation_id=org.id) for m in (Referral, Consent, MeetingParticipant, NetworkMember)):
            kept += 1
            continue
        uow.delete(org)
        deleted += 1
    uow.flush()
    named: tuple[tuple[str, type[Service | Category | District], str], ...] = (
        ("service_id", Service, "services"), ("category_id", Category, "categories"),
        ("district_id", District, "districts"))
    for column, model, kind in named:
        for ident in ids[column]:
            entry = uow.find(model, ident)
            if entry is None:
                continue
            if any(lists_queries.reference_counts(uow, kind, ident).values()):
                kept += 1
                continue
            uow.delete(entry)
            deleted += 1
        uow.flush()
    queries.delete_unused_tags(uow.session)
    run.undone_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    uow.commit()
    erasures.publish(uow, entries)
    if entries:
        queries.checkpoint(uow.session)
    return {"deleted": deleted, "kept": kept}


def undo_import_after_backup(ws: Any, import_id: Any) -> dict[str, int]:
    """``undo_import`` after a verified backup (the window and the command line take this)."""
    from . import maintenance

    with ws.uow(read_only=True) as uow:  # an unknown or undone import is refused before the backup
        _undoable(uow, import_id)
    maintenance.create_backup(ws, reason=BEFORE_IMPORT_UNDO)
    with ws.uow() as uow:
        return undo_import(uow, import_id)


# --------------------------------------------------------------------------- the rejected rows


def rejected_file_for(source: Path) -> Path:
    """Where the rejected rows of ``source`` are saved: beside it, "<name>-abgelehnt.xlsx", or
    "-abgelehnt-2.xlsx" … — an existing file of hers is never overwritten."""
    source = Path(source)
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        target = source.with_name(f"{source.stem}-abgelehnt{suffix}.xlsx")
        if not target.exists():
            return target
    raise _refuse("Neben der Datei liegen schon zu viele Listen abgelehnter Zeilen.")


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}" if value.time() != dt.time() else f"{value:%d.%m.%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return rules.clean(value)


def rejected_rows(preview: Preview, file_name: str = "") -> ListExport:
    """The rejected rows as a list (row number, reason, then the row as it was in her file):
    she corrects them there and imports that file again."""
    from .exports import INT, TEXT, ExportColumn

    titles: list[str] = []
    for i, header in enumerate(preview.headers, 1):
        title = header or f"Spalte {i}"
        while title.casefold() in {t.casefold() for t in (*titles, "Zeile", "Grund")}:
            title += " (2)"
        titles.append(title)
    columns = (ExportColumn("Zeile", INT), ExportColumn("Grund"), *(ExportColumn(t, TEXT) for t in titles))
    rows = [(r.row, r.reason, *(_cell_text(c) for c in r.cells[:len(titles)]),
             *([""] * (len(titles) - len(r.cells)))) for r in preview.rejected]
    stem = Path(file_name).stem if file_name else "Import"
    return ListExport("import", "Abgelehnte Zeilen", "Abgelehnt", columns, len(rows),
                      f"{stem}-abgelehnt.xlsx", lambda: iter([rows]))

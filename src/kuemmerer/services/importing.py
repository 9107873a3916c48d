"""Import of her old lists (issue 15), first part: reading an .xlsx or .csv file as it is,
and the preview of a list of persons — what would be created, what matches a person who is
already there (and is left alone or only has empty fields filled), what is uncertain and
waits for her decision, and what is rejected, with row number and reason. Nothing here
writes to the database.

CSV files come as UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,`` or
tabs: all of it is detected. Excel files are read with openpyxl in read-only mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kuemmerer.db import queries
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import import_rules as rules
from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import Gender
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import fold_variants

from . import lists, persons, validation

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

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse(f"Die Excel-Datei lässt sich nicht öffnen ({type(exc).__name__}).") from None
    try:
        names = tuple(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise _refuse(f"Ein Blatt „{sheet}“ gibt es nicht. Blätter: {', '.join(names)}.")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        lines = [tuple(r) for _, r in zip(range(MAX_ROWS + 2), ws.iter_rows(values_only=True), strict=False)]
        return _table(lines, sheet=ws.title, sheets=names)
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


# --------------------------------------------------------------------------- preview of persons

CREATE, MATCH, UNCERTAIN, REJECT = "neu", "vorhanden", "unsicher", "abgelehnt"


@dataclass
class RowResult:
    row: int  # the file's row number
    action: str  # CREATE, MATCH, UNCERTAIN, REJECT
    values: dict[str, Any] = field(default_factory=dict)  # the person as it would be stored
    person_id: int | None = None  # MATCH: the person; UNCERTAIN: the likeliest candidate
    candidates: tuple[int, ...] = ()
    fills: tuple[str, ...] = ()  # MATCH: her empty fields this row would fill
    reason: str = ""  # REJECT: why; UNCERTAIN: what is unsure
    same_as_row: int | None = None  # a repeat of an earlier row of the file
    district_name: str = ""  # a Stadtgebiet she does not have yet (created on import if she chooses)


@dataclass(frozen=True)
class Preview:
    kind: str
    mapping: dict[int, str]
    unknown_columns: tuple[int, ...]
    rows: tuple[RowResult, ...]
    new_districts: tuple[str, ...]  # Stadtgebiete the file names that she does not have yet

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def _person_values(cells: dict[str, Any], districts: dict[str, int], today: dt.date) -> dict[str, Any]:
    """The person of one row as ``persons`` takes it; ValueError with the German reason."""
    last, first = rules.clean(cells.get("last_name")), rules.clean(cells.get("first_name")) or None
    if not last and rules.clean(cells.get("name")):
        last, split_first = rules.split_name(cells["name"])
        first = first or split_first
    if not last:
        raise ValueError("Der Nachname fehlt.")
    birth = rules.parse_date(cells.get("birth_date"), today=today, kind=DateKind.BIRTH)
    if birth is None and rules.clean(cells.get("birth_year")):
        birth = rules.birth_from_year(cells["birth_year"])
    district_name = rules.clean(cells.get("district"))
    values: dict[str, Any] = {
        "last_name": last, "first_name": first, "birth_date": birth, "gender": rules.parse_gender(cells.get("gender")),
        "street": rules.clean(cells.get("street")) or None, "postcode": rules.postcode(cells.get("postcode")),
        "city": rules.clean(cells.get("city")) or None, "phone": rules.clean(cells.get("phone")) or None,
        "email": rules.clean(cells.get("email")) or None,
        "district_id": districts.get(district_name.casefold()) if district_name else None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _empty(name: str, value: Any) -> bool:
    """A field with nothing in it ("keine Angabe" is nothing for the gender)."""
    return value in (None, "") or (name == "gender" and value == Gender.UNSTATED.value)


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


def preview_persons(uow: UnitOfWork, table: Table, mapping: dict[int, str] | None = None,
                    today: dt.date | None = None) -> Preview:
    """What importing ``table`` as a list of persons would do, row by row (nothing is written).
    ``mapping`` (column -> field) is what she corrected; None: recognised from the headers."""
    today = today or validation.today()
    recognised, unknown = rules.match_headers(table.headers, "persons")
    mapping = dict(recognised if mapping is None else mapping)
    if not any(f in ("last_name", "name") for f in mapping.values()):
        raise ValidationError.single("mapping", "Welche Spalte enthält den Namen? Bitte zuordnen.")
    districts = {d.name.casefold(): d.id for d in lists.list_districts(uow)}
    seen: dict[tuple, int] = {}
    results: list[RowResult] = []
    new_districts: list[str] = []
    for n, line in enumerate(table.rows):
        row = table.first_row + n
        cells = {f: line[i] for i, f in mapping.items() if i < len(line)}
        if not any(rules.clean(v) for v in line):
            continue  # an empty line
        try:
            values = _person_values(cells, districts, today)
            persons.persons.validate(uow, dict(values), None)  # the same checks as the form
        except ValidationError as exc:
            results.append(RowResult(row, REJECT, reason=" ".join(exc.errors.values())))
            continue
        except ValueError as exc:
            results.append(RowResult(row, REJECT, reason=str(exc)))
            continue
        name = rules.clean(cells.get("district"))
        unknown_district = name if name and name.casefold() not in districts else ""
        if unknown_district and name not in new_districts:
            new_districts.append(name)
        key = (tuple(sorted(fold_variants(values["last_name"]))), tuple(sorted(fold_variants(values.get("first_name")))),
               values.get("birth_date"))
        if key in seen:
            results.append(RowResult(row, MATCH, values, same_as_row=seen[key], reason=f"wie Zeile {seen[key]}"))
            continue
        seen[key] = row
        action, candidates = _match(uow, values)
        result = RowResult(row, action, values, candidates[0] if candidates else None, candidates,
                           district_name=unknown_district)
        if action == MATCH:
            current = persons.get_person(uow, candidates[0])
            result.fills = tuple(k for k, v in values.items() if _empty(k, getattr(current, k, None)) and not _empty(k, v))
        elif action == UNCERTAIN:
            result.reason = "Eine Person mit diesem Namen gibt es schon – dieselbe oder eine neue?"
        results.append(result)
    return Preview("persons", mapping, tuple(i for i in unknown if i not in mapping), tuple(results),
                   tuple(new_districts))


def describe(preview: Preview) -> str:
    """One German line: "12 neu, 3 vorhanden (2 werden ergänzt), 1 unsicher, 2 abgelehnt"."""
    filled = sum(1 for r in preview.rows if r.action == MATCH and r.fills)
    return (f"{preview.count(CREATE)} neu, {preview.count(MATCH)} vorhanden ({filled} werden ergänzt), "
            f"{preview.count(UNCERTAIN)} unsicher, {preview.count(REJECT)} abgelehnt")


# --------------------------------------------------------------------------- writing and undo

SAME, NEW = "same", "new"  # her answer for an uncertain row


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    created: int
    matched: int
    filled: int
    rejected: int
    skipped: int  # uncertain rows she did not decide, repeats of earlier rows
    backup: Path | None  # the verified backup taken right before

    def describe(self) -> str:
        return (f"{self.created} neu angelegt, {self.matched} schon vorhanden ({self.filled} ergänzt), "
                f"{self.rejected} abgelehnt, {self.skipped} übersprungen")


def import_persons(ws: Any, preview: Preview, *, file_name: str, layout_key: str = "",
                   decisions: dict[int, str] | None = None, create_districts: bool = False) -> ImportResult:
    """Write ``preview`` (a list of persons) in ONE transaction, after a verified backup:
    new rows are created, matched persons get only their empty fields filled, an uncertain
    row follows her decision (``SAME`` fills the likeliest candidate, ``NEW`` creates; none:
    skipped), and Stadtgebiete the file names are created if she chose so (else left empty).
    The import is recorded with the persons it created, so it can be undone."""
    from kuemmerer.db.models import ImportedPerson, ImportRun

    from . import maintenance

    decisions = dict(decisions or {})
    bad = {row: answer for row, answer in decisions.items() if answer not in (SAME, NEW)}
    if bad or not isinstance(preview, Preview) or preview.kind != "persons":
        raise ValidationError.single("decisions", "Bitte für jede unsichere Zeile „dieselbe“ oder „neu“ wählen.")
    backup = maintenance.create_backup(ws, reason="vor-import").path
    created = matched = filled = skipped = 0
    with ws.uow() as uow:
        try:
            district_ids = {d.name.casefold(): d.id for d in lists.list_districts(uow)}
            if create_districts:
                for name in preview.new_districts:
                    if name.casefold() not in district_ids:
                        district_ids[name.casefold()] = lists.districts.add(uow, name=name).id
            run = ImportRun(file_name=str(file_name)[:255] or "(ohne Namen)", kind="persons",
                            layout_key=str(layout_key)[:1000])
            uow.add(run)
            uow.flush()
            for r in preview.rows:
                if r.action == REJECT:
                    continue
                if r.same_as_row is not None:
                    skipped += 1
                    continue
                values = dict(r.values)
                if create_districts and "district_id" not in values and r.district_name:
                    values["district_id"] = district_ids.get(r.district_name.casefold())
                action = r.action
                if action == UNCERTAIN:
                    answer = decisions.get(r.row)
                    if answer is None:
                        skipped += 1
                        continue
                    action = MATCH if answer == SAME else CREATE
                if action == CREATE:
                    person = persons.persons.add(uow, **values)
                    uow.add(ImportedPerson(import_id=run.id, person_id=person.id))
                    created += 1
                    continue
                matched += 1
                target = r.person_id
                assert target is not None
                current = persons.get_person(uow, target)
                fills = {k: v for k, v in values.items() if _empty(k, getattr(current, k, None)) and not _empty(k, v)}
                if fills:
                    persons.persons.change(uow, target, **fills)
                    filled += 1
            run.created, run.matched, run.filled = created, matched, filled
            run.rejected, run.skipped = preview.count(REJECT), skipped
            uow.flush()
        except BaseException:
            uow.rollback()  # nothing of the import is kept
            raise
        uow.commit()
        return ImportResult(run.id, created, matched, filled, run.rejected, skipped, backup)


def undo_import(uow: UnitOfWork, import_id: Any) -> dict[str, int]:
    """Take an import back: the persons it created are deleted (as "Person löschen" does),
    except those that got anything else since (a contact, a request …): they are kept and
    counted. Filled-in fields stay. Returns {"deleted": n, "kept": m}."""
    from kuemmerer.db.models import ImportedPerson, ImportRun
    from kuemmerer.domain.errors import NotFound

    from .validation import as_id

    ident = as_id(import_id)
    run = uow.find(ImportRun, ident) if ident is not None else None
    if run is None:
        raise NotFound("Import", str(import_id)[:20])
    if run.undone_at is not None:
        raise ValidationError.single("import_id", "Dieser Import wurde schon rückgängig gemacht.")
    deleted = kept = 0
    for link in uow.all(ImportedPerson, import_id=run.id):
        counts = queries.person_linked_counts(uow.session, link.person_id)
        if any(counts.values()):
            kept += 1
            continue
        persons.delete_person(uow, link.person_id)
        deleted += 1
    run = uow.get(ImportRun, ident)
    run.undone_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    uow.commit()
    return {"deleted": deleted, "kept": kept}

"""``kuemmerer-cli import DATEI [--sheet BLATT] [--dry-run] [--map SPALTE=FELD …] [--kind ART]``:
a list of persons, contacts, volunteers or partners from her old Excel or CSV file; and
``kuemmerer-cli imports`` (the history) and ``kuemmerer-cli import-undo NR`` (registered by cli.py).

``--dry-run`` shows what would happen and writes nothing. Without it, a verified backup is
taken and the good rows are written in one transaction; rows that are uncertain (a person of
that name exists, nothing confirms it is her) are listed and left out (the command asks no
questions; add a birth date or address to the row, or decide in the window).
Rejected rows are listed with their row number and reason and saved beside the file as
"<name>-abgelehnt.xlsx". The mapping used is remembered for files of the same layout.
One German line and exit 2 for a file that cannot be read or a mapping that does not fit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

COMMANDS = ("import", "imports", "import-undo")
KIND_WORDS = {"personen": "persons", "kontakte": "contacts", "ehrenamtliche": "volunteers", "ehrenamt": "volunteers",
              "partner": "partners"}


def add_parser(sub, record_id=int) -> None:
    ip = sub.add_parser("import", help="Liste aus Excel (.xlsx) oder CSV übernehmen (mit --dry-run nur ansehen)")
    ip.add_argument("file", metavar="DATEI")
    ip.add_argument("--sheet", metavar="BLATT", help="Blatt der Excel-Datei (Standard: das erste)")
    ip.add_argument("--kind", metavar="ART", help="personen, kontakte, ehrenamtliche oder partner "
                                                  "(Standard: an den Spalten erkannt)")
    ip.add_argument("--dry-run", action="store_true", help="nur zeigen, was geschähe; nichts speichern")
    ip.add_argument("--map", action="append", default=[], metavar="SPALTE=FELD",
                    help="eine Spalte selbst zuordnen, z. B. --map \"Zuname=Nachname\" (mehrfach möglich; "
                         "FELD „-“ = Spalte nicht übernehmen)")
    ip.add_argument("--create-districts", action="store_true",
                    help="Stadtgebiete aus der Datei anlegen, die es noch nicht gibt (sonst bleibt das Feld leer)")
    ip.add_argument("--create-topics", action="store_true",
                    help="Themen aus der Datei anlegen, die es noch nicht gibt (sonst ohne Thema)")
    ip.add_argument("--district-as", action="append", default=[], metavar="NAME=VORHANDEN",
                    help="ein Stadtgebiet der Datei einem vorhandenen zuordnen, z. B. \"Nordst.=Nordstadt\"")
    ip.add_argument("--topic-as", action="append", default=[], metavar="NAME=VORHANDEN",
                    help="ein Thema der Datei einem vorhandenen zuordnen, z. B. \"Mietrecht=Wohnen\"")
    sub.add_parser("imports", help="bisherige Importe auflisten")
    up = sub.add_parser("import-undo", help="einen Import als Ganzes rückgängig machen")
    up.add_argument("import_id", metavar="NR", type=record_id, help="Nummer aus „kuemmerer-cli imports“")


def _kind(table, word: str | None) -> str:
    from kuemmerer.domain import import_rules as rules
    from kuemmerer.domain.errors import ValidationError

    if word is None:
        return rules.guess_kind(table.headers)
    kind = KIND_WORDS.get(rules.header_key(word))
    if kind is None:
        raise ValidationError.single("kind", f"--kind „{word[:30]}“: bitte personen, kontakte, ehrenamtliche "
                                             "oder partner.")
    return kind


def _mapping(table, kind: str, pairs: list[str], start: dict[int, str] | None) -> dict[int, str] | None:
    from kuemmerer.domain import import_rules as rules
    from kuemmerer.domain.errors import ValidationError

    if not pairs:
        return start
    fields = rules.FIELDS[kind]
    mapping = dict(start) if start is not None else rules.match_headers(table.headers, kind)[0]
    by_label = {rules.header_key(label): name for name, label in fields.items()}
    by_label |= {rules.header_key(name): name for name in fields}
    columns = {rules.header_key(h): i for i, h in enumerate(table.headers)}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        field = by_label.get(rules.header_key(target))
        if not sep or rules.header_key(column) not in columns or (field is None and target.strip() != "-"):
            raise ValidationError.single("map", f"--map „{pair[:60]}“: bitte SPALTE=FELD (Felder: "
                                                f"{', '.join(fields.values())}; „-“ = ignorieren).")
        index = columns[rules.header_key(column)]
        mapping = {i: f for i, f in mapping.items() if f != field and i != index}
        if field is not None:
            mapping[index] = field
    return mapping


def _as_existing(pairs: list[str], option: str, existing: list[tuple[str, int]]) -> dict[str, int]:
    """``--topic-as "Mietrecht=Wohnen"``: a name of the file -> the id of an entry she has."""
    from kuemmerer.domain.errors import ValidationError

    by_name = {name.casefold(): ident for name, ident in existing}
    out: dict[str, int] = {}
    for pair in pairs:
        name, sep, target = (part.strip() for part in pair.partition("="))
        if not sep or not name or target.casefold() not in by_name:
            known = ", ".join(name for name, _ in existing)
            raise ValidationError.single(option, f"{option} „{pair[:60]}“: bitte NAME=VORHANDEN mit einem "
                                                 f"vorhandenen Eintrag ({known[:200]}).")
        out[name] = by_name[target.casefold()]
    return out


def run(args: argparse.Namespace, db_path: Path) -> int:
    if args.command == "imports":
        return _history(db_path)
    if args.command == "import-undo":
        return _undo(args, db_path)
    return _import(args, db_path)


def _import(args: argparse.Namespace, db_path: Path) -> int:
    from kuemmerer.cli import _open
    from kuemmerer.domain import import_rules as rules
    from kuemmerer.exports.xlsx import save_table
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.services import importing, lists

    source = Path(args.file)
    table = importing.read_table(source, args.sheet)
    with InstanceLock(db_path):
        ws = _open(db_path)
        try:
            with ws.uow(read_only=True) as uow:
                remembered = importing.remembered_mapping(uow, table) if args.kind is None or not args.map else None
                kind = remembered[0] if remembered and args.kind is None else _kind(table, args.kind)
                start = remembered[1] if remembered and remembered[0] == kind else None
                mapping = _mapping(table, kind, args.map, start)
                preview = importing.preview(uow, table, kind, mapping)
                districts = _as_existing(args.district_as, "--district-as",
                                         [(d.name, d.id) for d in lists.list_districts(uow)])
                topics = _as_existing(args.topic_as, "--topic-as", [(c.name, c.id) for c in lists.list_categories(uow)])
            labels = rules.FIELDS[kind]
            print(f"Art der Liste: {rules.KINDS[kind]}" + (" (Zuordnung wie beim letzten Mal)" if start else ""))
            print("Spalten: " + ", ".join(f"{table.headers[i]} → {labels[f]}" for i, f in sorted(preview.mapping.items())))
            if preview.unknown_columns:
                print("Nicht übernommen: " + ", ".join(table.headers[i] or f"Spalte {i + 1}"
                                                        for i in preview.unknown_columns))
            for r in preview.rows:
                if r.action == importing.REJECT:
                    print(f"Zeile {r.row}: abgelehnt – {r.reason}")
                elif r.action == importing.UNCERTAIN:
                    print(f"Zeile {r.row}: unsicher – {r.reason} (hier übersprungen)")
            open_districts = [n for n in preview.new_districts if n.casefold() not in _folded(districts)]
            open_topics = [n for n in preview.new_categories if n.casefold() not in _folded(topics)]
            if open_districts and not args.create_districts:
                print("Unbekannte Stadtgebiete (bleiben leer; --create-districts legt sie an, --district-as "
                      "ordnet zu): " + ", ".join(open_districts))
            if open_topics and not args.create_topics:
                print("Unbekannte Themen (Kontakte ohne Thema; --create-topics legt sie an, --topic-as ordnet zu): "
                      + ", ".join(open_topics))
            if args.dry_run:
                print(f"Probelauf: {importing.describe(preview)}. Nichts gespeichert.")
                return 0
            done = importing.run_import(ws, preview, file_name=source.name, layout_key=rules.layout_key(table.headers),
                                        create_districts=args.create_districts,
                                        create_categories=args.create_topics, districts=districts,
                                        categories=topics)
        finally:
            ws.close()
    print(f"Import Nr. {done.import_id}: {done.describe()}. Sicherung vorher: {done.backup}")
    if preview.rejected:
        target = importing.rejected_file_for(source)
        try:
            save_table(target, importing.rejected_rows(preview, source.name))
            print(f"Abgelehnte Zeilen gespeichert: {target}")
        except OSError as exc:
            print(f"Die abgelehnten Zeilen konnten nicht neben der Datei gespeichert werden ({exc.strerror or exc}).")
    return 0


def _folded(names: dict[str, int]) -> set[str]:
    return {n.casefold() for n in names}


def _history(db_path: Path) -> int:
    from kuemmerer.cli import _open
    from kuemmerer.services import importing

    ws = _open(db_path)
    try:
        with ws.uow(read_only=True) as uow:
            runs = importing.list_imports(uow)
    finally:
        ws.close()
    if not runs:
        print("Noch keine Importe.")
    for r in runs:
        state = f"rückgängig gemacht am {r.undone_text}" if r.undone_at else "aktiv"
        print(f"Nr. {r.id}  {r.created_text}  {r.kind_label}: {r.file_name} – {r.created} neu, "
              f"{r.matched} vorhanden, {r.rejected} abgelehnt – {state}")
    return 0


def _undo(args: argparse.Namespace, db_path: Path) -> int:
    from kuemmerer.cli import _open
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.services import importing

    with InstanceLock(db_path):
        ws = _open(db_path)
        try:
            result = importing.undo_import_after_backup(ws, args.import_id)
        finally:
            ws.close()
    print(f"Import Nr. {args.import_id} rückgängig gemacht: {result['deleted']} Einträge gelöscht"
          + (f", {result['kept']} behalten (inzwischen mit weiteren Daten)." if result["kept"] else "."))
    return 0

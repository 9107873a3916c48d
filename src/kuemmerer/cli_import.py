"""``kuemmerer-cli import DATEI [--sheet BLATT] [--dry-run] [--map SPALTE=FELD …]``: a list of
persons from her old Excel or CSV file (registered by cli.py).

``--dry-run`` shows what would happen and writes nothing. Without it, a verified backup is
taken and the good rows are written in one transaction; rows that are uncertain (a person of
that name exists, nothing confirms it is her) are listed and left out (the command asks no
questions; add a birth date or address to the row, or enter her by hand).
Rejected rows are listed with their row number and reason. One German line and exit 2 for a
file that cannot be read or a list that is not one of persons.
"""

from __future__ import annotations

import argparse
from pathlib import Path

COMMANDS = ("import",)


def add_parser(sub) -> None:
    ip = sub.add_parser("import", help="Personenliste aus Excel (.xlsx) oder CSV übernehmen (mit --dry-run nur ansehen)")
    ip.add_argument("file", metavar="DATEI")
    ip.add_argument("--sheet", metavar="BLATT", help="Blatt der Excel-Datei (Standard: das erste)")
    ip.add_argument("--dry-run", action="store_true", help="nur zeigen, was geschähe; nichts speichern")
    ip.add_argument("--map", action="append", default=[], metavar="SPALTE=FELD",
                    help="eine Spalte selbst zuordnen, z. B. --map \"Zuname=Nachname\" (mehrfach möglich)")
    ip.add_argument("--create-districts", action="store_true",
                    help="Stadtgebiete aus der Datei anlegen, die es noch nicht gibt")


def _mapping(table, pairs: list[str]) -> dict[int, str] | None:
    from kuemmerer.domain import import_rules as rules
    from kuemmerer.domain.errors import ValidationError

    if not pairs:
        return None
    mapping, _unknown = rules.match_headers(table.headers, "persons")
    by_label = {rules.header_key(label): name for name, label in rules.PERSON_FIELDS.items()}
    by_label |= {rules.header_key(name): name for name in rules.PERSON_FIELDS}
    columns = {rules.header_key(h): i for i, h in enumerate(table.headers)}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        field = by_label.get(rules.header_key(target))
        if not sep or rules.header_key(column) not in columns or (field is None and target.strip() != "-"):
            raise ValidationError.single("map", f"--map „{pair[:60]}“: bitte SPALTE=FELD (Felder: "
                                                f"{', '.join(rules.PERSON_FIELDS.values())}; „-“ = ignorieren).")
        index = columns[rules.header_key(column)]
        mapping = {i: f for i, f in mapping.items() if f != field and i != index}
        if field is not None:
            mapping[index] = field
    return mapping


def run(args: argparse.Namespace, db_path: Path) -> int:
    from kuemmerer.cli import _open
    from kuemmerer.domain import import_rules as rules
    from kuemmerer.domain.errors import ValidationError
    from kuemmerer.instance_lock import InstanceLock
    from kuemmerer.services import importing

    table = importing.read_table(Path(args.file), args.sheet)
    kind = rules.guess_kind(table.headers)
    if kind != "persons" and not args.map:
        raise ValidationError.single("file", f"Die Spalten sehen nach einer Liste der Art „{rules.KINDS[kind]}“ aus; "
                                             "übernommen werden bisher Personenlisten (Spalten mit --map zuordnen).")
    mapping = _mapping(table, args.map)
    with InstanceLock(db_path):
        ws = _open(db_path)
        try:
            with ws.uow(read_only=True) as uow:
                preview = importing.preview_persons(uow, table, mapping)
            labels = rules.PERSON_FIELDS
            print("Spalten: " + ", ".join(f"{table.headers[i]} → {labels[f]}" for i, f in sorted(preview.mapping.items())))
            if preview.unknown_columns:
                print("Nicht übernommen: " + ", ".join(table.headers[i] or f"Spalte {i + 1}"
                                                        for i in preview.unknown_columns))
            for r in preview.rows:
                if r.action == importing.REJECT:
                    print(f"Zeile {r.row}: abgelehnt – {r.reason}")
                elif r.action == importing.UNCERTAIN:
                    print(f"Zeile {r.row}: unsicher – {r.reason} (hier übersprungen)")
            if preview.new_districts and not args.create_districts:
                print("Unbekannte Stadtgebiete (bleiben leer; --create-districts legt sie an): "
                      + ", ".join(preview.new_districts))
            if args.dry_run:
                print(f"Probelauf: {importing.describe(preview)}. Nichts gespeichert.")
                return 0
            done = importing.import_persons(ws, preview, file_name=Path(args.file).name,
                                            layout_key=rules.layout_key(table.headers),
                                            create_districts=args.create_districts)
        finally:
            ws.close()
    print(f"Import Nr. {done.import_id}: {done.describe()}. Sicherung vorher: {done.backup}")
    return 0

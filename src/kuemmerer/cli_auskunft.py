"""``kuemmerer-cli auskunft PERSON_NR --out ORDNER``: the Auskunft nach Art. 15 DSGVO for one
person, as ``Auskunft_<Nr>_<Datum>.pdf`` and ``.json`` in the folder (registered by cli.py).

The file names carry no name. Both files are built before anything is written; each is
written under a temporary name and then renamed, and if the second cannot be written the
first is removed again: she gets both or neither.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_parser(sub, record_id_type) -> argparse.ArgumentParser:
    ap = sub.add_parser("auskunft", help="Auskunft nach Art. 15 DSGVO für eine Person (PDF und JSON)")
    ap.add_argument("person_id", type=record_id_type, metavar="PERSON_NR")
    ap.add_argument("--out", required=True, metavar="ORDNER", help="Ordner für die beiden Dateien")
    return ap


def check_folder(text: str) -> Path:
    """``--out``: an existing folder she may write to; nothing is created here."""
    from kuemmerer.domain.errors import KuemmererError

    if not text.strip():
        raise KuemmererError("--out: Bitte einen Ordner angeben.")
    folder = Path(text)
    if not folder.exists():
        raise KuemmererError(f"Den Ordner {folder} gibt es nicht.")
    if not folder.is_dir():
        raise KuemmererError(f"--out: {folder} ist kein Ordner – bitte einen Ordner angeben.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise KuemmererError(f"--out: Keine Berechtigung, in {folder} zu schreiben – bitte einen anderen Ordner wählen.")
    return folder


def run(args, db_path: Path) -> int:
    from kuemmerer.cli import _open, _os_message
    from kuemmerer.domain.errors import KuemmererError, NotFound
    from kuemmerer.services import auskunft

    folder = check_folder(args.out)
    db = _open(db_path)
    try:
        with db.uow(read_only=True) as uow:
            try:
                data = auskunft.build_auskunft(uow, args.person_id)
            except NotFound:
                raise KuemmererError("Diese Person gibt es nicht.") from None
    finally:
        db.close()
    from kuemmerer.exports.auskunft_pdf import auskunft_pdf, save_auskunft_files

    pdf = auskunft_pdf(data)
    try:
        pdf_path, json_path = save_auskunft_files(folder, data.file_stem, pdf, auskunft.to_json(data))
    except OSError as exc:
        raise KuemmererError(_os_message(exc, "Die Auskunft konnte nicht gespeichert werden")) from None
    print(f"Gespeichert: {pdf_path} und {json_path}")
    return 0

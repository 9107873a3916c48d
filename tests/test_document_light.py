"""``kuemmerer-cli referral-sheet`` / ``consent-form`` read without SQLAlchemy (issue 12) —
the same documents as the normal open, and the normal open whenever it has more to do than
read: a schema behind the head, an unclean shutdown, a wrong password, a referral that is not
there."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from kuemmerer import cli
from kuemmerer.db import cipher, document_reads, integrity, keyfile, migrate
from kuemmerer.db.preflight import default_backup_dir
from kuemmerer.exports.documents import referral_pdf
from kuemmerer.services import lists, partners, persons, referral_docs, settings
from kuemmerer.services.workspace import open_workspace
from tests.conftest import CHEAP_KDF, TEST_KEY, TEST_PASSWORD

TODAY = dt.date.today()
REVISIONS = Path(__file__).parent / "data" / "revisions"
LAST, FIRST, STREET, PHONE = "Kovács-Öztürk", "Łucja", "Weidenstraße 5", "0371 5550199"
REASON = "Mietschulden – Räumungsklage droht"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _closed_cleanly(path: Path) -> None:
    """As her database is between two uses: its backup folder (the daily backup makes it),
    closed cleanly after an open that checked it today — the open has nothing to do but read."""
    default_backup_dir(path).mkdir(exist_ok=True)
    open_workspace(path, create=False, key=TEST_KEY).close()
    assert integrity.check_due(path, default_backup_dir(path)) is None


@pytest.fixture
def refs(ws):
    """A resident's referrals to one partner: with her own consent for everything, with one for
    her name and concern only, one covered by the consent of another referral to the same
    Angebot, a closed one whose consent ended with it; and another resident's referral without
    any consent. The database closed cleanly."""
    with ws.uow() as uow:
        settings.set_letterhead(uow, office_name="Stadtteilbüro Süd", street="Ahornweg 1", postcode_city="09999 Ort",
                                phone="030 23125-100", email="buero@example.org")
        service = next(s for s in lists.list_services(uow) if s.name == "Schuldnerberatung")
        org = partners.create_organisation(
            uow, name="Schuldner- und Insolvenzberatung Süd e. V.", street="Lindenallee 3", postcode="09126",
            city="Chemnitz", phone="030 23125-200", contact_person="Frau Çelik", service_ids=[service.id],
            what_to_bring="Mahnungen, Kontoauszüge", opening_hours="und nach Vereinbarung",
            weekly_hours=[(3, "14:00", "17:30"), (1, "09:00", "12:00")])
        her = persons.create_person(uow, last_name=LAST, first_name=FIRST, street=STREET, postcode="09123",
                                    city="Chemnitz", phone=PHONE, email="lucja@example.org", birth_date="1988-04-02")
        other = persons.create_person(uow, last_name="Ahrens", first_name="Bodo", street="Ulmenweg 2")

        def referral(person_id: int, categories: list[str] | None = None, **consent) -> int:
            own = partners.record_consent(uow, person_id=person_id, organisation_id=org.id, data_categories=categories,
                                          purpose="Termin Schuldnerberatung", given_on=TODAY, **consent) \
                if categories else None
            return partners.create_referral(
                uow, person_id=person_id, service_id=service.id, organisation_id=org.id, reason=REASON,
                appointment_at=dt.datetime.combine(TODAY, dt.time(14, 30)), consent_id=own.id if own else None).id

        ids = {"full": referral(her.id, ["name", "kontakt", "geburtsdatum", "anliegen"],
                                valid_until=TODAY + dt.timedelta(days=365)),
               "partial": referral(her.id, ["name", "anliegen"]),
               "covered": referral(her.id),
               "none": referral(other.id),
               "closed": referral(her.id, ["name"])}  # a consent without end date ends with its referral
        partners.close_referral(uow, ids["closed"], on=TODAY)
    ws.close()
    _closed_cleanly(ws.path)
    return ids


def _normal(path: Path, kind: str, ref_id: int):
    ws = open_workspace(path, create=False, key=TEST_KEY)
    try:
        with ws.uow(read_only=True) as uow:
            return (referral_docs.referral_sheet if kind == "sheet" else referral_docs.consent_form)(uow, ref_id)
    finally:
        ws.close()


def _light(path: Path, kind: str, ref_id: int, key: bytes = TEST_KEY):
    return (referral_docs.referral_sheet_light if kind == "sheet" else referral_docs.consent_form_light)(
        path, key, ref_id)


def _files(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file below ``folder`` with its size, time and content (nothing may change)."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_head_revision_of_the_light_reads_is_the_migrations_head():
    assert migrate.head_revision() == document_reads.HEAD_REVISION


@pytest.mark.parametrize("which", ["full", "partial", "covered", "none", "closed"])
@pytest.mark.parametrize("kind", ["sheet", "form"])
def test_the_light_path_gives_the_same_document_as_the_normal_open(refs, ws, kind, which):
    normal = _normal(ws.path, kind, refs[which])
    before = _files(ws.path.parent)
    light = _light(ws.path, kind, refs[which])
    assert light == normal
    assert _text(referral_pdf(light)) == _text(referral_pdf(normal))
    assert _files(ws.path.parent) == before  # nothing written: no marker, no -wal/-shm, the check record as it was


def test_what_the_partner_part_shows_read_lightly(refs, ws):
    """The same consent rule: everything, only the covered categories, the other referral's consent, nothing."""
    full, partial, covered, none = (_text(referral_pdf(_light(ws.path, "sheet", refs[k])))
                                    for k in ("full", "partial", "covered", "none"))
    for shown in (f"{FIRST} {LAST}", STREET, PHONE, "02.04.1988", "Räumungsklage"):
        assert shown in full, shown
    assert f"{FIRST} {LAST}" in partial and "Räumungsklage" in partial
    assert STREET not in partial and PHONE not in partial and "02.04.1988" not in partial
    assert f"erteilt zur Vermittlung Nr. {refs['partial']} für dasselbe Angebot" in covered
    assert "Ahrens" not in none and "Ulmenweg" not in none and "selbst eintragen" in none
    # the closed referral's own consent ended with it: the newest valid one for the same Angebot covers it
    closed = _text(referral_pdf(_light(ws.path, "sheet", refs["closed"])))
    assert f"erteilt zur Vermittlung Nr. {refs['partial']} für dasselbe Angebot" in closed
    form = _text(referral_pdf(_light(ws.path, "form", refs["partial"])))
    assert "☒ Name" in form and "☐ Anschrift und Kontaktdaten" in form and "☒ Anliegen" in form
    # the partner's hours in weekday order, whatever order they were entered in
    assert "Dienstag 09:00–12:00 Uhr Donnerstag 14:00–17:30 Uhr und nach Vereinbarung" in full


def test_the_cli_process_reads_the_document_without_sqlalchemy(refs, ws, tmp_path):
    out = tmp_path / "bogen.pdf"
    probe = ("import sys\nfrom kuemmerer import cli\n"
             f"code = cli.main(['--db', {str(ws.path)!r}, 'referral-sheet', '{refs['full']}', '--out', {str(out)!r}])\n"
             "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KUEMMERER_PASSWORD": TEST_PASSWORD})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 []"
    text = _text(out.read_bytes())
    assert "Vermittlungsbogen" in text and f"{FIRST} {LAST}" in text and "Räumungsklage" in text


def _encrypted_revision(revision: str, target: Path) -> Path:
    """A stored database of an older release (plain), encrypted as hers is, in WAL mode, closed
    cleanly after a check today — only its schema may send the reads to the normal open."""
    cipher.export(REVISIONS / f"{revision}.sqlite", None, target, TEST_KEY)
    keyfile.write_keyfile(keyfile.keyfile_path(target), TEST_KEY, TEST_PASSWORD, params=CHEAP_KDF)
    with closing(cipher.connect(target, TEST_KEY)) as conn:
        conn.execute("PRAGMA journal_mode=WAL").fetchall()
    backups = default_backup_dir(target)
    backups.mkdir()
    integrity.note_good_check(target, backups)
    integrity.note_clean_close(target, backups)
    assert integrity.check_due(target, backups) is None
    return target


def _revision(path: Path) -> str:
    with closing(cipher.connect(path, TEST_KEY, read_only=True)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_schema_behind_the_head_is_migrated_by_the_normal_open_not_read(tmp_path, capsys):
    head = migrate.head_revision()
    stored = sorted(p.stem for p in REVISIONS.glob("*.sqlite"))
    assert head in stored
    for folder in ("head", "behind"):
        (tmp_path / folder).mkdir()
    at_head = _encrypted_revision(head, tmp_path / "head" / "kuemmerer.sqlite")
    assert _light(at_head, "sheet", 1) is not None  # the same preparation at the head reads lightly

    db = _encrypted_revision(max(r for r in stored if r < head), tmp_path / "behind" / "kuemmerer.sqlite")
    assert _light(db, "sheet", 1) is None and _light(db, "form", 1) is None
    out = tmp_path / "bogen.pdf"
    assert cli.main(["--db", str(db), "referral-sheet", "1", "--out", str(out)]) == 0, capsys.readouterr().err
    assert "Vermittlungsbogen" in _text(out.read_bytes())
    assert _revision(db) == head  # the normal open migrated it …
    assert [p.name for p in default_backup_dir(db).glob("*vor-migration*.sqlite")]  # … after a backup
    assert _light(db, "sheet", 1) is not None  # and closed it cleanly: now it reads lightly


def test_an_unclean_shutdown_sends_the_command_to_the_normal_open(refs, ws, tmp_path):
    integrity.mark_open(ws.path)  # the marker a crashed program (or the open window) leaves
    assert _light(ws.path, "sheet", refs["full"]) is None
    out = tmp_path / "bogen.pdf"
    assert cli.main(["--db", str(ws.path), "referral-sheet", str(refs["full"]), "--out", str(out)]) == 0
    assert f"{FIRST} {LAST}" in _text(out.read_bytes())
    # the normal open checked the file, took the marker over and closed cleanly
    assert not integrity.marker_path(ws.path).exists()
    assert integrity.check_due(ws.path, default_backup_dir(ws.path)) is None


def test_a_key_that_does_not_read_the_file_leaves_it_to_the_normal_open(refs, ws):
    assert _light(ws.path, "sheet", refs["full"], key=bytes(32)) is None


def _cli_err(capsys, args: list[str], *, light: bool, monkeypatch) -> tuple[int, str]:
    with monkeypatch.context() as m:
        if not light:
            m.setattr(cli, "_document_light", lambda args, db_path: None)
        code = cli.main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", ["wrong password", "no such referral"])
def test_refusals_say_the_same_german_line_as_the_normal_open(refs, ws, tmp_path, capsys, monkeypatch, case):
    ref_id = "99999" if case == "no such referral" else str(refs["full"])
    if case == "wrong password":
        monkeypatch.setenv("KUEMMERER_PASSWORD", "Falsches-Passwort-2026")
    args = ["--db", str(ws.path), "referral-sheet", ref_id, "--out", str(tmp_path / "bogen.pdf")]
    light = _cli_err(capsys, args, light=True, monkeypatch=monkeypatch)
    normal = _cli_err(capsys, args, light=False, monkeypatch=monkeypatch)
    assert light == normal
    code, err = light
    assert code == 2 and err.startswith("Fehler: ") and len(err.strip().splitlines()) == 1
    assert ("Passwort" if case == "wrong password" else "nicht gefunden") in err
    assert "Traceback" not in err and not (tmp_path / "bogen.pdf").exists()

"""``kuemmerer-cli report``: the Sachbericht as a file, archived; bad input exits 2 with one
German line and leaves no file."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib

import pytest

from kuemmerer import cli
from kuemmerer.services import archive, workspace
from tests.conftest import TEST_KEY
from tests.demo_data import copy_of, demo_template

YEAR = 2025


@pytest.fixture
def run():
    return cli.main


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory, years=1, seed=2, today=dt.date(YEAR, 12, 31))


@pytest.fixture
def db(template, tmp_path):
    return copy_of(template, tmp_path)


def archived(db):
    ws = workspace.open_workspace(db, key=TEST_KEY)
    try:
        with ws.uow(read_only=True) as uow:
            return archive.list_reports(uow)
    finally:
        ws.close()


def test_report_writes_and_archives_the_pdf(run, db, tmp_path, capsys):
    out = tmp_path / "bericht.pdf"
    assert run(["--db", str(db), "report", "--year", str(YEAR), "--suppress-below", "5", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    [report] = archived(db)
    assert report.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (report.period.label, report.suppress_below, report.file_name) == ("2025", 5, "Sachbericht_2025.pdf")
    assert "Gespeichert:" in capsys.readouterr().out
    half = tmp_path / "h1.pdf"
    assert run(["--db", str(db), "report", "--from", "1.1.2025", "--to", "30.6.2025", "--out", str(half)]) == 0
    assert archived(db)[0].period.label == "1. Halbjahr 2025" and archived(db)[0].suppress_below is None


@pytest.mark.parametrize(("args", "words"), [
    (["--year", "1800"], "--year 1800"),
    (["--year", "zwanzig"], "Jahreszahl"),
    (["--year", str(YEAR), "--from", "1.1.2025"], "entweder --year"),
    (["--from", "1.1.2025"], "--from und --to"),
    ([], "Zeitraum"),
    (["--from", "1.7.2025", "--to", "1.1.2025"], "--to liegt vor --from"),
    (["--year", str(YEAR), "--suppress-below", "0"], "1 bis 100"),
    (["--year", str(YEAR), "--suppress-below", "101"], "1 bis 100"),
    (["--year", str(YEAR), "--suppress-below", "fünf"], "1 bis 100"),
])
def test_bad_input_exits_2_and_writes_nothing(run, db, tmp_path, capsys, args, words):
    out = tmp_path / "bericht.pdf"
    assert run(["--db", str(db), "report", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("Fehler:") and words in err
    assert not out.exists() and list(tmp_path.glob("bericht*")) == []
    assert archived(db) == []


def test_unwritable_targets_exit_2(run, db, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "ordner"
    folder.mkdir()
    for target, words in ((folder, "ist ein Ordner"), (tmp_path / "fehlt" / "b.pdf", "gibt es nicht"),
                          (tmp_path / ("x" * 300 + ".pdf"), "zu lang")):
        assert run(["--db", str(db), "report", "--year", str(YEAR), "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and words in err, err
    assert list(folder.iterdir()) == []

    from kuemmerer.exports import documents

    def disk_full(content, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(documents, "save_file", disk_full)
    out = tmp_path / "voll.pdf"
    assert run(["--db", str(db), "report", "--year", str(YEAR), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Der Datenträger ist voll" in err and "No space" not in err
    assert not out.exists() and archived(db) == []

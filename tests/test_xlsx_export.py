"""Excel exports: the Jahresstatistik holds the numbers ``kuemmerer-cli stats --json`` gives
(read back with openpyxl and, independently, with LibreOffice), lists are real tables with
exactly the rows of the list, formulas never run, and a failed or cancelled export leaves
nothing behind."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from kuemmerer import cli
from kuemmerer.domain.enums import ReportKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.exports import xlsx
from kuemmerer.services import archive, exports, listing, lists, persons, requests, workspace
from tests.conftest import TEST_KEY
from tests.demo_data import copy_of, demo_template

YEAR = 2025
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PERIODS = [
    Period.year(YEAR),
    Period.quarter(YEAR, 2),
    Period.between(dt.date(YEAR, 11, 15), dt.date(YEAR + 1, 2, 15)),  # across the turn of the year
    Period.month(YEAR, 3),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return demo_template(tmp_path_factory, years=2, seed=3, today=dt.date(YEAR + 1, 3, 31))


@pytest.fixture
def db(template, tmp_path):
    return copy_of(template, tmp_path)


@pytest.fixture
def demo_ws(db):
    w = workspace.open_workspace(db, key=TEST_KEY)
    yield w
    w.close()


def cli_stats(db: Path, period: Period, capsys) -> dict:
    capsys.readouterr()
    assert cli.main(["--db", str(db), "stats", "--from", f"{period.start:%d.%m.%Y}", "--to",
                     f"{period.end:%d.%m.%Y}", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def expected_sheets(figures: dict) -> dict[str, dict[str, float]]:
    """What each sheet must say, from the JSON of ``stats --json``."""
    p, r, f, v, a = (figures["participants"], figures["requests"], figures["referrals"], figures["volunteers"],
                     figures["activities"])
    return {
        "Kennzahlen": {
            "Teilnehmende (namentlich)": p["named"], "Teilnehmende (anonym)": p["anonymous"],
            "Kontakte": figures["contacts"], "Anliegen neu": r["opened"], "Anliegen abgeschlossen": r["closed"],
            "Vermittlungen": f["total"], "Ehrenamtliche aktiv": v["active"], "Ehrenamtliche Stunden": v["hours"],
            "Ehrenamtliche, die auch teilnehmen": v["also_participants"], "Termine von Aktivitäten": a["sessions"],
            "Teilnahmen namentlich": a["attendance_named"], "Teilnahmen anonym": a["attendance_anonymous"],
            "Netzwerksitzungen": figures["meetings"],
            "Partnerorganisationen in Sitzungen erreicht": figures["networks"]["partners_reached"],
        },
        "Stadtgebiete": p["by_district"], "Geschlecht": p["by_gender"], "Altersgruppen": p["by_age_band"],
        "Themen": r["by_category"], "Angebote": f["by_service"], "Ergebnisse": f["by_outcome"],
        "Netzwerke": figures["networks"]["meetings_by_network"],
    }


def sheet_figures(rows: list[list]) -> dict[str, float]:
    """label -> number of a figure sheet (header row and the "Summe" line left out)."""
    out = {}
    for row in rows[1:]:
        if not row or row[0] in (None, "", "Summe"):
            continue
        out[str(row[0])] = float(row[1])
    return out


def save_stats(demo_ws, period: Period, target: Path, when=dt.datetime(2026, 1, 5, 9, 30)):
    with demo_ws.uow() as uow:
        return exports.save_jahresstatistik(uow, period, target, xlsx.jahresstatistik_bytes, generated_at=when)


# --------------------------------------------------------------------------- Jahresstatistik


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.slug)
def test_jahresstatistik_has_the_numbers_of_stats_json(db, demo_ws, tmp_path, capsys, period):
    expected = cli_stats(db, period, capsys)
    target = tmp_path / "j.xlsx"
    save_stats(demo_ws, period, target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Übersicht", "Kennzahlen", "Stadtgebiete", "Geschlecht", "Altersgruppen", "Themen",
                             "Angebote", "Ergebnisse", "Netzwerke"]
    for sheet, values in expected_sheets(expected).items():
        rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
        assert sheet_figures(rows) == {k: float(v) for k, v in values.items()}, sheet
    assert expected["participants"]["named"] > 0  # the period has data: the comparison means something
    overview = list(wb["Übersicht"].iter_rows(values_only=True))
    labels = {r[0]: r[1] for r in overview if r and r[0]}
    assert labels["Zeitraum"] == period.label
    assert (labels["vom"].date(), labels["bis"].date()) == (period.start, period.end)
    assert labels["Herkunft der Zahlen"] == expected["note"]
    assert labels["Erstellt am"] == dt.datetime(2026, 1, 5, 9, 30)
    assert "Stadtteilbüro" in labels["Büro"] or labels["Büro"]
    assert any(str(r[1]).startswith("Teilnehmende: Wer im Zeitraum") for r in overview if r and r[1])


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("period", PERIODS[1:3], ids=lambda p: p.slug)  # a quarter; across the turn of the year
def test_libreoffice_reads_the_same_numbers_in_every_sheet(db, demo_ws, tmp_path, capsys, period):
    expected = expected_sheets(cli_stats(db, period, capsys))
    target = tmp_path / "Jahresstatistik.xlsx"
    save_stats(demo_ws, period, target)
    sheets = libreoffice_csv(target, tmp_path)
    for sheet, values in expected.items():
        assert sheet_figures(sheets[sheet]) == {k: float(v) for k, v in values.items()}, sheet
    assert sheets["Übersicht"][0][0] == f"Jahresstatistik {period.label}"


def libreoffice_csv(path: Path, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as LibreOffice reads it (its own profile: other soffice runs
    do not get in the way). Formula results, not formulas, are exported."""
    out = tmp_path / "csv"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=120)
    sheets = {}
    for f in out.glob(f"{path.stem}-*.csv"):
        with f.open(encoding="utf-8", newline="") as handle:
            sheets[f.stem[len(path.stem) + 1:]] = list(csv.reader(handle))
    return sheets


def test_jahresstatistik_is_archived_with_its_bytes_and_figures(demo_ws, tmp_path):
    target = tmp_path / "meine statistik.xlsx"
    report = save_stats(demo_ws, Period.quarter(YEAR, 2), target)
    data = target.read_bytes()
    assert report.kind is ReportKind.JAHRESSTATISTIK and report.period == Period.quarter(YEAR, 2)
    assert report.file_name == "Jahresstatistik_2025-Q2.xlsx"  # her file name is not archived
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    with demo_ws.uow(read_only=True) as uow:
        assert archive.content(uow, report.id) == data
        [listed] = archive.list_reports(uow, Period.quarter(YEAR, 2))
        from kuemmerer.services import statistics

        assert listed.figures == statistics.reported(uow, *year_q2()).stats.as_json()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def year_q2():
    return dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 30)


def test_the_same_data_gives_the_same_bytes(demo_ws, tmp_path):
    when = dt.datetime(2026, 2, 1, 8, 0, 0)
    with demo_ws.uow(read_only=True) as uow:
        one = xlsx.jahresstatistik_bytes(exports.jahresstatistik_data(uow, Period.year(YEAR), generated_at=when))
        two = xlsx.jahresstatistik_bytes(exports.jahresstatistik_data(uow, Period.year(YEAR), generated_at=when))
        later = xlsx.jahresstatistik_bytes(exports.jahresstatistik_data(
            uow, Period.year(YEAR), generated_at=when + dt.timedelta(minutes=1)))
    assert one == two
    assert one != later


def test_a_failed_archive_leaves_no_file(demo_ws, tmp_path):
    target = tmp_path / "j.xlsx"
    target.write_bytes(b"old")

    def broken(_data):
        raise RuntimeError("render failed")

    with demo_ws.uow() as uow, pytest.raises(RuntimeError):
        exports.save_jahresstatistik(uow, Period.year(YEAR), target, broken)
    assert target.read_bytes() == b"old"
    with demo_ws.uow(read_only=True) as uow:
        assert archive.list_reports(uow) == []
    with demo_ws.uow() as uow, pytest.raises(ValidationError) as info:
        exports.save_jahresstatistik(uow, "2025", target, xlsx.jahresstatistik_bytes)
    assert "period" in info.value.errors
    assert not list(tmp_path.glob("*.tmp"))


# --------------------------------------------------------------------------- lists


def test_person_list_is_a_real_table_with_the_rows_of_the_list(demo_ws, tmp_path):
    with demo_ws.uow(read_only=True) as uow:
        districts = lists.list_districts(uow)
        query = listing.PersonQuery(district_id=districts[0].id, sort="last_contact", descending=True)
        shown = listing.person_page(uow, query, 0, 10_000)
        export = exports.list_export(uow, "persons", query, page_size=7)  # many pages
        target = tmp_path / export.file_name
        assert xlsx.save_table(target, export) == len(shown) > 7
    ws = openpyxl.load_workbook(target)["Personen"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Stadtgebiet", "Altersgruppe", "Letzter Kontakt", "Offene Anliegen")
    assert [r[0] for r in rows[1:]] == [p.name for p in shown]
    assert [r[3].date() if r[3] else None for r in rows[1:]] == [p.last_contact for p in shown]
    assert [r[4] for r in rows[1:]] == [p.open_requests for p in shown]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    [table] = ws.tables.values()
    assert table.ref == f"A1:E{len(shown) + 1}"
    dated = next(c for c in ws["D"][1:] if c.value is not None)
    assert dated.is_date and dated.number_format == "DD.MM.YYYY"
    assert isinstance(ws["E2"].value, int)
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    assert all(6 <= w <= 60 for w in widths) and widths[0] > 12  # names are wider than the default
    assert re.fullmatch(r"Personen_\d{4}-\d\d-\d\d\.xlsx", export.file_name)


@pytest.mark.parametrize("descending", [False, True], ids=["auf", "ab"])
@pytest.mark.parametrize("sort", ["name", "district", "age", "last_contact", "open_requests"])
def test_person_export_has_the_rows_and_order_of_the_list_for_every_sort(demo_ws, sort, descending):
    """The export streams the persons from its own statement: its rows and order must be the
    list's, for every sort, with and without a filter."""
    with demo_ws.uow(read_only=True) as uow:
        district = lists.list_districts(uow)[1].id
        for query in (listing.PersonQuery(sort=sort, descending=descending),
                      listing.PersonQuery(district_id=district, sort=sort, descending=descending),
                      listing.PersonQuery(district_id=listing.UNKNOWN_DISTRICT, sort=sort, descending=descending),
                      listing.PersonQuery(search="a", sort=sort, descending=descending)):
            shown = listing.person_page(uow, query, 0, 100_000, dt.date(YEAR + 1, 3, 31))
            exported = exports.list_export(uow, "persons", query, today=dt.date(YEAR + 1, 3, 31), page_size=10).rows()
            assert exported == [(p.name, p.district or "unbekannt", p.age_band, p.last_contact, p.open_requests)
                                for p in shown]
            assert len(shown) > 10  # several pages
    assert len({r[3] for r in exported}) > 10 and len({r[4] for r in exported}) > 1  # the sorts have something to sort


def test_cells_of_several_date_and_formula_columns_keep_their_own_values(tmp_path):
    """Styled cells are reused column by column: each row and column still holds its own value."""
    class Source:
        sheet_title = table_name = "Mehrfach"
        columns = (exports.ExportColumn("Von", "date"), exports.ExportColumn("Bis", "date"),
                   exports.ExportColumn("Zeit", "datetime"), exports.ExportColumn("A"), exports.ExportColumn("B"),
                   exports.ExportColumn("Zahl", "int"))
        total = 40

        def pages(self):
            for start in range(0, 40, 7):
                yield [(dt.date(YEAR, 1, 1) + dt.timedelta(n), dt.date(YEAR, 6, 1) + dt.timedelta(n),
                        dt.datetime(YEAR, 2, 1, 8, 30) + dt.timedelta(hours=n), f"=A{n}", f"-{n}", True if n == 3 else n)
                       for n in range(start, min(start + 7, 40))]

    assert xlsx.save_table(tmp_path / "m.xlsx", Source()) == 40
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")["Mehrfach"]
    rows = list(ws.iter_rows(min_row=2))
    assert [[c.value for c in r] for r in rows] == [
        [dt.datetime(YEAR, 1, 1) + dt.timedelta(n), dt.datetime(YEAR, 6, 1) + dt.timedelta(n),
         dt.datetime(YEAR, 2, 1, 8, 30) + dt.timedelta(hours=n), f"=A{n}", f"-{n}", 1 if n == 3 else n]
        for n in range(40)]
    assert {(c.number_format, c.data_type, c.quotePrefix) for r in rows for c in r[:5]} == {
        ("DD.MM.YYYY", "d", False), ("DD.MM.YYYY HH:MM", "d", False), ("General", "s", True)}


def add_contact_with(ws, note: str, last_name: str = "Formelfrau"):
    with ws.uow() as uow:
        p = persons.create_person(uow, last_name=last_name, first_name="Ida")
        requests.create_contact(uow, person_id=p.id, date=dt.date(YEAR, 5, 5), note=note, duration_minutes=15)


def test_text_that_looks_like_a_formula_stays_text(demo_ws, tmp_path):
    add_contact_with(demo_ws, '=HYPERLINK("x")')
    add_contact_with(demo_ws, "+1+1", last_name="Plusmann")
    target = tmp_path / "Kontakte.xlsx"
    with demo_ws.uow(read_only=True) as uow:
        export = exports.list_export(uow, "contacts", exports.ContactQuery(Period.month(YEAR, 5), "Ida"))
        assert xlsx.save_table(target, export) == 2
    ws = openpyxl.load_workbook(target)["Kontakte"]
    notes = {r[1].value: r[6] for r in ws.iter_rows(min_row=2)}
    link = notes["Formelfrau, Ida"]
    assert (link.value, link.data_type, link.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (notes["Plusmann, Ida"].value, notes["Plusmann, Ida"].data_type) == ("+1+1", "s")
    assert ws["A2"].value == dt.datetime(YEAR, 5, 5) and ws["F2"].value == 15
    if SOFFICE:
        [rows] = libreoffice_csv(target, tmp_path).values()
        assert {r[1]: r[6] for r in rows[1:]} == {"Formelfrau, Ida": '=HYPERLINK("x")', "Plusmann, Ida": "+1+1"}


def test_characters_xml_cannot_hold_are_removed():
    assert xlsx.clean_text("a\x01b\x0bc\x1fd\ud800e\tf\ng") == "abcde\tf\ng"
    assert xlsx.clean_text("x" * 40_000) == "x" * 32_767


class _Source:
    sheet_title = table_name = "Test"
    columns = (exports.ExportColumn("Text"), exports.ExportColumn("Tag", "date"))
    total = 3

    def __init__(self, fail_on_page: int | None = None):
        self.fail_on_page = fail_on_page

    def pages(self):
        for n in range(3):
            if n == self.fail_on_page:
                raise OSError(28, "No space left on device")
            yield [(f"Zeile {n}", dt.date(YEAR, 1, n + 1))]


@pytest.fixture
def own_tempdir(tmp_path, monkeypatch):
    """openpyxl's sheet files go here, so the test sees any it leaves behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("how", ["cancel", "error"])
def test_a_cancelled_or_failed_export_leaves_nothing(tmp_path, own_tempdir, how):
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"the old file")
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) >= 2  # after the first page

    source, stop = (_Source(), cancelled) if how == "cancel" else (_Source(fail_on_page=2), None)
    with pytest.raises(xlsx.ExportCancelled if how == "cancel" else OSError):
        xlsx.save_table(target, source, cancelled=stop)
    assert target.read_bytes() == b"the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.xlsx", "tmp"]
    assert list(own_tempdir.iterdir()) == []
    progress = []
    assert xlsx.save_table(target, _Source(), progress=lambda d, t: progress.append((d, t))) == 3
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert [r[0] for r in openpyxl.load_workbook(target)["Test"].iter_rows(values_only=True)] == [
        "Text", "Zeile 0", "Zeile 1", "Zeile 2"]
    assert list(own_tempdir.iterdir()) == []


def test_an_empty_list_is_still_a_table_with_a_filter(demo_ws, tmp_path):
    with demo_ws.uow(read_only=True) as uow:
        export = exports.list_export(uow, "persons", listing.PersonQuery(search="Niemandsname"))
        assert xlsx.save_table(tmp_path / "leer.xlsx", export) == 0
    ws = openpyxl.load_workbook(tmp_path / "leer.xlsx")["Personen"]
    assert [c.value for c in ws[1]] == ["Name", "Stadtgebiet", "Altersgruppe", "Letzter Kontakt", "Offene Anliegen"]
    assert ws.auto_filter.ref == "A1:E1" and ws.max_row == 1


@pytest.mark.parametrize("kind", ["requests", "referrals", "partners", "contacts"])
def test_every_list_exports_the_rows_its_query_gives(demo_ws, tmp_path, kind):
    queries = {"requests": listing.RequestQuery(status=None, sort="person"),
               "referrals": listing.ReferralQuery(state=None, sort="service", descending=False),
               "partners": exports.PartnerQuery(include_inactive=True, sort_column=5, descending=True),
               "contacts": exports.ContactQuery(Period.quarter(YEAR, 4))}
    with demo_ws.uow(read_only=True) as uow:
        small = exports.list_export(uow, kind, queries[kind], page_size=5).rows()
        export = exports.list_export(uow, kind, queries[kind])
        assert export.rows() == small and len(small) == export.total > 5
        xlsx.save_table(tmp_path / "l.xlsx", export)
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [c.title for c in export.columns]
    firsts = [r[1] if kind in ("requests", "referrals", "contacts") else r[0] for r in small]
    assert [r[1] if kind in ("requests", "referrals", "contacts") else r[0] for r in rows[1:]] == firsts
    if kind == "partners":
        counts = [r[5] for r in rows[1:]]
        assert counts == sorted(counts, reverse=True)


def test_unknown_lists_and_wrong_queries_are_refused_in_german(uow):
    with pytest.raises(ValidationError) as info:
        exports.list_export(uow, "meetings")
    assert "Unbekannte Liste" in info.value.errors["kind"]
    with pytest.raises(ValidationError) as info:
        exports.list_export(uow, "contacts")
    assert "Zeitraum" in info.value.errors["period"]
    with pytest.raises(ValidationError):
        exports.list_export(uow, "persons", listing.RequestQuery())


def test_partner_order_is_german():
    names = ["Zentrum 10", "Ärztehaus", "zentrum 9", "Arbeit", "Öko", "Ost"]
    assert sorted(names, key=exports.german_key) == ["Arbeit", "Ärztehaus", "Öko", "Ost", "zentrum 9", "Zentrum 10"]



def test_the_benchmark_runs_at_a_tiny_size(tmp_path, capsys):
    """benchmarks/bench_xlsx.py stays runnable (no time is asserted)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_xlsx.py"
    spec = importlib.util.spec_from_file_location("bench_xlsx", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    ratio = bench.main(["--db", str(tmp_path / "b.sqlite"), "--persons", "300", "--contacts", "2000",
                        "--repeat", "1", "--max-ratio", "1000"])
    out = capsys.readouterr().out
    assert ratio > 0 and "300 persons: export" in out


@pytest.mark.parametrize(("period", "target", "field"), [
    ("2025", "ok", "period"), (None, "ok", "period"), (Period.year(2025), "", "target"),
])
def test_the_service_refuses_a_missing_period_or_target_in_german(demo_ws, tmp_path, period, target, field):
    out = tmp_path / "j.xlsx" if target == "ok" else target
    with demo_ws.uow() as uow, pytest.raises(ValidationError) as info:
        exports.save_jahresstatistik(uow, period, out, xlsx.jahresstatistik_bytes)
    assert list(info.value.errors) == [field]
    assert not (tmp_path / "j.xlsx").exists() and not list(tmp_path.glob("*.tmp"))
    with demo_ws.uow(read_only=True) as uow:
        assert archive.list_reports(uow) == []

"""The Sachbericht: her texts, the PDF's figures against ``statistics.reported``, the
suppression of small numbers, "Seite x von y", archiving; the Handlungsfelder list."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess

import pytest

from kuemmerer.domain.errors import InUse, ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.domain.rules import suppress_table
from kuemmerer.exports.sachbericht import sachbericht_pdf
from kuemmerer.services import archive, demo, lists, persons, reports, requests, statistics
from kuemmerer.services.reports import number_de

YEAR = 2025
PERIOD = Period.year(YEAR)
TODAY = dt.date(2026, 2, 3)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def table_lines(text: str, title: str) -> dict[str, str]:
    """label -> shown number of the table under ``title`` (until its "Summe" line, included)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    out = {}
    for line in lines[start + 2:]:
        m = re.match(r"\s*(.+?)\s{2,}(\S+)(\s|$)", line)
        if m:
            out[m.group(1)] = m.group(2)
        if line.strip().startswith("Summe"):
            break
    return out


@pytest.fixture
def demo_uow(uow):
    demo.generate(uow, years=1, seed=3, today=dt.date(YEAR, 12, 31))
    return uow


def field_id(uow, name: str) -> int:
    return next(f.id for f in lists.list_action_fields(uow) if f.name == name)


# --------------------------------------------------------------------------- suppression rule


def test_single_small_cell_takes_the_next_smallest_with_it():
    t = suppress_table([3, 10, 20, 0], 5)
    assert t.cells == (None, None, 20, 0) and t.secondary == frozenset({1}) and t.total == 33


def test_small_cells_stay_unrecoverable_from_the_total():
    t = suppress_table([1, 5, 50], 5)  # hiding 5 alone would give 1 + 5 = 6: the 1 pinned
    assert t.cells == (None, None, None) and t.total == 56
    assert suppress_table([2, 3], 5).total is None  # nothing left to hide: the total goes
    assert suppress_table([2, 3], 0).cells == (2, 3)  # 0: nothing hidden (internal tables)


# --------------------------------------------------------------------------- her texts


def test_texts_are_kept_per_field_and_period(uow):
    fid = field_id(uow, lists.list_action_fields(uow)[0].name)
    reports.save_text(uow, fid, PERIOD, "Zwölf Sprechstunden\r\nim Quartier")
    assert reports.get_text(uow, fid, PERIOD) == "Zwölf Sprechstunden\nim Quartier"
    assert reports.get_text(uow, fid, Period.half(YEAR, 1)) == ""
    reports.save_text(uow, fid, PERIOD, "  ")  # empty removes it
    assert reports.get_text(uow, fid, PERIOD) == ""


@pytest.mark.parametrize(("call", "field", "message"), [
    (lambda u, f: reports.save_text(u, 999_999, PERIOD, "x"), "action_field_id", "gibt es nicht"),
    (lambda u, f: reports.save_text(u, f, "2025", "x"), "period", "Berichtszeitraum"),
    (lambda u, f: reports.save_text(u, f, PERIOD, "a\x00b"), "text", ""),
    (lambda u, f: reports.save_text(u, f, PERIOD, "x" * 20_001), "text", "Höchstens 20.000 Zeichen"),
    (lambda u, f: reports.save_text(u, f, PERIOD, ["x"]), "text", "Text"),
])
def test_bad_texts_are_refused_in_german(uow, call, field, message):
    fid = lists.list_action_fields(uow)[0].id
    with pytest.raises(ValidationError) as err:
        call(uow, fid)
    assert message in err.value.errors[field]


# --------------------------------------------------------------------------- the PDF


def test_pdf_figures_equal_the_reported_statistics(demo_uow):
    uow = demo_uow
    figures = statistics.reported(uow, PERIOD.start, PERIOD.end)
    s = figures.stats
    draft = reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf, today=TODAY)
    text = pdf_text(draft.pdf)
    assert "Sachbericht" in text and "Berichtszeitraum: 2025 (01.01.2025 – 31.12.2025)" in text
    assert "Erstellt am 03.02.2026" in text
    assert " ".join(figures.note.split()[:6]) in " ".join(text.split())  # where the figures come from
    for title, key in (("Teilnehmende nach Stadtgebiet", "by_district"), ("Teilnehmende nach Geschlecht", "by_gender"),
                       ("Teilnehmende nach Altersgruppe", "by_age_band"), ("Anliegen nach Thema", "requests_by_category"),
                       ("Vermittlungen nach Angebot", "referrals_by_service"),
                       ("Vermittlungen nach Ergebnis", "referrals_by_outcome")):
        shown = table_lines(text, title)
        expected = {k: number_de(v) for k, v in getattr(s, key).items()}
        assert {k: shown[k] for k in expected} == expected, title
        assert shown["Summe"] == number_de(sum(getattr(s, key).values()))
    flat = " ".join(text.split())
    for label, value in (("Kontakte und Beratungen", s.contacts), ("Anliegen neu", s.requests_opened),
                         ("Vermittlungen", s.referrals_total), ("Netzwerksitzungen", s.meetings),
                         ("Ehrenamtliche Stunden", s.volunteer_hours)):
        assert f"{label} {number_de(value)}" in flat, label
    assert s.participants_named > 0 and number_de(s.participants_named) in flat


def test_frozen_figures_are_reported_and_say_so(demo_uow):
    uow = demo_uow
    statistics.freeze_past_years(uow, today=dt.date(YEAR + 1, 1, 5))
    uow.commit()
    p = persons.create_person(uow, last_name="Nachtrag")
    requests.create_contact(uow, person_id=p.id, date=dt.date(YEAR, 5, 5))  # live now differs
    frozen = statistics.reported(uow, PERIOD.start, PERIOD.end)
    assert frozen.frozen is not None
    text = " ".join(pdf_text(reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf).pdf).split())
    assert f"Eingefrorene Zahlen des Jahres {YEAR}" in text
    assert f"Kontakte und Beratungen {number_de(frozen.stats.contacts)}" in text


def test_with_suppression_no_table_cell_shows_one_to_four(demo_uow):
    uow = demo_uow
    draft = reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf, suppress_below=5)
    plain = pdf_text(reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf).pdf)
    text = pdf_text(draft.pdf)
    assert "als „<5“ ausgeblendet" in text
    cells = []
    for title, _h, _k in reports.TABLES:
        cells += table_lines(text, title).values()
    # unsuppressed, the demo has small numbers: the check below can bite
    assert {"1", "2", "3", "4"} & set(table_lines(plain, "Vermittlungen nach Angebot").values())
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Kennzahlen")
    end = next(i for i, line in enumerate(lines) if line.strip() == reports.TABLES[0][0])
    key_cells = re.findall(r"\s{2}(\S+)(?=\s{2}|$)", "\n".join(lines[start + 1:end]))
    assert "<5" in cells
    assert not [c for c in cells + key_cells if c in ("1", "2", "3", "4")]
    assert draft.suppress_below == 5


def test_pages_are_numbered_and_texts_appear(demo_uow):
    uow = demo_uow
    fields = lists.list_action_fields(uow, active_only=True)
    reports.save_text(uow, fields[1].id, PERIOD, "Der Gewerbestammtisch traf sich viermal.\nNeu: Straßenfest.")
    text = pdf_text(reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf).pdf)
    pages = text.split("\f")
    n = len([pg for pg in pages if pg.strip()])
    assert n >= 2
    for i in range(1, n + 1):
        assert f"Seite {i} von {n}" in text
    assert "Der Gewerbestammtisch traf sich viermal." in text and "Neu: Straßenfest." in text
    assert text.count(reports.NO_TEXT) == len(fields) - 1
    assert "Nachtrag" not in text


def test_issued_report_is_archived_with_the_bytes(demo_uow, tmp_path):
    uow = demo_uow
    draft = reports.draft_sachbericht(uow, Period.half(YEAR, 2), sachbericht_pdf, suppress_below=5)
    target = tmp_path / draft.file_name
    target.write_bytes(draft.pdf)
    archived = reports.record_sachbericht(uow, draft)
    assert archived.file_name == "Sachbericht_2025-H2.pdf" and archived.suppress_below == 5
    assert archived.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert archive.content(uow, archived.id) == target.read_bytes()
    assert archived.stats.contacts == statistics.compute(uow, dt.date(YEAR, 7, 1), dt.date(YEAR, 12, 31)).contacts
    with pytest.raises(ValidationError) as err:
        reports.record_sachbericht(uow, draft.__class__(**{**draft.__dict__, "pdf": b"nope"}))
    assert "kein PDF" in err.value.errors["pdf"]


def test_bad_suppression_threshold_is_refused(uow):
    for bad in (-1, 101, 2.5, "5", True):
        with pytest.raises(ValidationError) as err:
            reports.sachbericht_data(uow, PERIOD, suppress_below=bad)
        assert err.value.errors["suppress_below"] == reports.SUPPRESS_RANGE


# --------------------------------------------------------------------------- Handlungsfelder list


def test_action_fields_are_a_list_like_the_others(uow):
    seeded = [f.name for f in lists.list_action_fields(uow)]
    assert len(seeded) == 4
    new = lists.add_entry(uow, "action_fields", "Kultur im Quartier")
    assert [e.name for e in lists.entries(uow, "action_fields")][-1] == "Kultur im Quartier"
    with pytest.raises(ValidationError) as err:
        lists.add_entry(uow, "action_fields", "kultur im quartier")
    assert err.value.errors["name"] == "Dieses Handlungsfeld gibt es schon."
    lists.move(uow, "action_fields", new.id, -10)
    assert lists.list_action_fields(uow)[0].name == "Kultur im Quartier"
    lists.set_active(uow, "action_fields", new.id, False)
    assert "Kultur im Quartier" not in [t.name for t in reports.texts(uow, PERIOD)]
    reports.save_text(uow, new.id, PERIOD, "Ein Text")
    with pytest.raises(InUse, match="Berichtstexte"):
        lists.delete_entry(uow, "action_fields", new.id)


def test_merging_action_fields_moves_and_joins_texts(uow):
    a, b = lists.list_action_fields(uow)[:2]
    reports.save_text(uow, a.id, PERIOD, "Text A 2025")
    reports.save_text(uow, a.id, Period.year(2024), "Text A 2024")
    reports.save_text(uow, b.id, PERIOD, "Text B 2025")
    preview = lists.merge_preview(uow, "action_fields", a.id, b.id)
    assert ("Berichtstexte", 2) in preview.moves
    lists.merge(uow, "action_fields", a.id, b.id)
    assert a.id not in [f.id for f in lists.list_action_fields(uow)]
    assert reports.get_text(uow, b.id, PERIOD) == "Text B 2025\n\nText A 2025"
    assert reports.get_text(uow, b.id, Period.year(2024)) == "Text A 2024"


def test_small_key_figures_are_hidden_too(uow):
    for name in ("Testperson A", "Testperson B", "Testperson C"):
        p = persons.create_person(uow, last_name=name)
        requests.create_contact(uow, person_id=p.id, date=dt.date(YEAR, 3, 3))
    flat = " ".join(pdf_text(reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf, suppress_below=5).pdf).split())
    assert "Teilnehmende (namentlich) <5" in flat
    assert "Kontakte und Beratungen <5" in flat
    assert "Testperson" not in flat
    plain = " ".join(pdf_text(reports.draft_sachbericht(uow, PERIOD, sachbericht_pdf).pdf).split())
    assert "Kontakte und Beratungen 3" in plain


def test_pdf_benchmark_runs_at_a_tiny_size():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_pdf", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_pdf.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(rows=3, sections=1, paragraphs=1, repeat=1)
    assert result["app_pages"] >= 1 and result["raw_pages"] >= 1
    assert result["app_ms"] > 0 and result["raw_ms"] > 0 and result["ratio"] > 0

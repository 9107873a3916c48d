"""Das Handbuch (issue 16, item 6): every chapter is there, every picture it shows is on disk
(and small), its links and the menu entries it names exist, the search finds what she types and
says when nothing is found, the window opens beside her work at her laptop's size with its
pictures, and the PDF says the same as the window."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QWidget

from kuemmerer import handbook
from tests.gui_helpers import click, type_text
from tests.pdf_helpers import pdf_words

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "src" / "kuemmerer" / "ui"

CHAPTERS = {
    "erster-start": "Der erste Start",
    "alltag": "Die tägliche Arbeit",
    "vermittlungen": "Vermittlungen und Einwilligungen",
    "ehrenamt-aktivitaeten-netzwerk": "Ehrenamt, Aktivitäten und Netzwerk",
    "importieren": "Alte Listen übernehmen",
    "berichte": "Berichte und Statistik",
    "sicherungen": "Sicherungen",
    "probleme": "Wenn etwas schiefgeht",
    "datenschutz": "Datenschutz im Alltag",
}

def all_source_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in handbook.chapter_files())


# -- the text ------------------------------------------------------------------------------------
def test_every_chapter_is_there_in_reading_order_and_says_something():
    chapters = handbook.chapters()
    assert [(c.id, c.title) for c in chapters] == list(CHAPTERS.items())
    for c in chapters:
        words = sum(len(t.split()) for b in c.blocks for t in handbook.block_texts(b))
        assert words > 120, f"{c.title}: only {words} words"


@pytest.mark.parametrize(("query", "chapter"), [
    ("Passwort", "erster-start"), ("Notfallblatt", "erster-start"), ("Briefkopf", "erster-start"),
    ("Stadtgebiete", "erster-start"),
    ("Heute", "alltag"), ("Personen", "alltag"), ("Anliegen", "alltag"), ("Besuch erfassen", "alltag"),
    ("Strichliste", "alltag"),
    ("Einwilligung", "vermittlungen"), ("Vermittlungsbogen", "vermittlungen"),
    ("Ehrenamtsnachweis", "ehrenamt-aktivitaeten-netzwerk"), ("Terminreihe", "ehrenamt-aktivitaeten-netzwerk"),
    ("Protokoll…", "ehrenamt-aktivitaeten-netzwerk"),
    ("Datei → Importieren", "importieren"), ("Import-Verlauf", "importieren"),
    ("Jahresstatistik", "berichte"), ("Sachbericht", "berichte"),
    ("Sicherung wiederherstellen", "sicherungen"), ("%LOCALAPPDATA%", "sicherungen"),
    ("Notfallcode", "probleme"), ("beschädigt", "probleme"), ("kein Platz mehr frei", "probleme"),
])
def test_she_finds_each_topic_of_the_task_in_its_chapter(query, chapter):
    assert chapter in {hit.chapter_id for hit in handbook.search(query)}, query


def test_every_picture_it_shows_is_there_small_and_every_picture_there_is_shown():
    shown = [image.file for image in handbook.images()]
    on_disk = {p.name for p in handbook.IMAGE_DIR.iterdir()}
    assert len(shown) >= 8
    assert set(shown) == on_disk
    total = 0
    for image in handbook.images():
        assert image.caption, image.file
        width, height = handbook.image_size(image.file)
        assert 300 <= width <= 900 and height > 100, image.file
        total += handbook.image_path(image.file).stat().st_size
    assert total < 1_500_000


def test_the_script_makes_exactly_the_pictures_the_handbook_shows():
    spec = importlib.util.spec_from_file_location("make_handbook_images", ROOT / "scripts" / "make_handbook_images.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert set(script.CHOSEN.values()) == {image.file for image in handbook.images()}
    assert script.TARGET == handbook.IMAGE_DIR


def test_links_and_topics_lead_to_a_chapter_or_section():
    headings = [b.anchor for c in handbook.chapters() for b in c.blocks if isinstance(b, handbook.Heading)]
    assert len(headings) == len(set(headings)), "an anchor is used twice"
    linked = re.findall(r"\]\(#([a-z0-9-]+)\)", all_source_text())
    assert linked
    assert set(linked) <= set(headings)
    assert set(handbook.SECTION_TOPICS.values()) <= set(headings)
    assert handbook.topic_for_section("Vermittlungen") == "vermittlungen"
    assert handbook.topic_for_section("Gibt es nicht") is None


def test_the_menu_entries_and_settings_tabs_it_names_exist():
    """"Datei → …" and "Einstellungen → …" as the window really has them."""
    text = all_source_text()
    menu = (UI / "main_window.py").read_text(encoding="utf-8")
    named = set(re.findall(r"Datei → ([A-ZÄÖÜ][\w\-äöüß]*(?: [\w\-äöüß]+)*…?)", text))
    assert {"Importieren…", "Import-Verlauf…", "Sicherung erstellen", "Sicherung wiederherstellen…", "Sperren",
            "Passwort ändern…", "Kalender exportieren…"} <= named
    for entry in named:
        assert f'"{entry}"' in menu, f"Datei → {entry} is not in the menu"
    settings = (UI / "pages" / "settings.py").read_text(encoding="utf-8")
    settings_tabs = {t.replace("&", "") for t in re.findall(r'addTab\([^,]+, "([^"]+)"\)', settings)}
    assert {"Briefkopf", "Stadtgebiete", "Daten", "Aufbewahrung", "Protokoll"} <= settings_tabs
    tabs = set(re.findall(r"Einstellungen → ([A-ZÄÖÜ][a-zäöüß]+)", text))
    assert tabs >= {"Daten", "Handlungsfelder"}
    assert tabs <= settings_tabs


# -- the source format -------------------------------------------------------------------------------
def test_the_source_format_becomes_blocks_and_the_same_markup_for_window_and_pdf():
    chapter = handbook.parse(
        "# Titel\n\nErster Absatz\nüber zwei Zeilen mit **fett**, `Strg+N` und [Link](#titel).\n\n"
        "## Ein Abschnitt {#eigen}\n- Punkt eins\n  geht weiter\n- Punkt <zwei>\n\n1. Schritt\n2. Schritt\n\n"
        "> Hinweis\n> in zwei Zeilen\n\n![Bild & Text](bild.png)\n", "titel")
    assert chapter.title == "Titel"
    kinds = [type(b).__name__ for b in chapter.blocks]
    assert kinds == ["Heading", "Paragraph", "Heading", "ListBlock", "ListBlock", "Note", "Image"]
    _, para, section, bullets, steps, note, image = chapter.blocks
    assert section == handbook.Heading(2, "Ein Abschnitt", "eigen")
    assert bullets == handbook.ListBlock(("Punkt eins geht weiter", "Punkt <zwei>"), ordered=False)
    assert steps.ordered and steps.items == ("Schritt", "Schritt")
    assert note == handbook.Note("Hinweis in zwei Zeilen")
    assert image == handbook.Image("bild.png", "Bild & Text")
    assert handbook.plain(para.text) == "Erster Absatz über zwei Zeilen mit fett, Strg+N und Link."
    assert handbook.inline(para.text) == ('Erster Absatz über zwei Zeilen mit <b>fett</b>, <code>Strg+N</code> und '
                                          '<a href="#titel">Link</a>.')
    assert handbook.inline(bullets.items[1]) == "Punkt &lt;zwei&gt;"
    assert handbook.slug("Passwort vergessen: der Notfallcode") == "passwort-vergessen-der-notfallcode"
    with pytest.raises(handbook.HandbookSourceError):
        handbook.parse("Text ohne Titel\n", "x")
    with pytest.raises(handbook.HandbookSourceError):
        handbook.parse("# Titel\n### zu tief\n", "x")


# -- the search --------------------------------------------------------------------------------------
def test_search_finds_the_notfallcode_where_she_needs_it():
    hits = handbook.search("Notfallcode")
    sections = {hit.anchor for hit in hits}
    assert {"notfallblatt", "notfallcode"} <= sections
    assert {hit.chapter_id for hit in hits} >= {"erster-start", "probleme"}
    first = next(hit for hit in hits if hit.anchor == "notfallcode")
    assert first.section_title == "Passwort vergessen: der Notfallcode"
    assert "Notfallcode" in first.snippet and first.count >= 3
    # as she types it: lower case, without umlauts, "ss" for "ß", spaces anyhow
    assert handbook.search("notfallcode") == hits
    assert "probleme" in {hit.chapter_id for hit in handbook.search("schlusseldatei")}
    assert "Straße" in " ".join(hit.snippet for hit in handbook.search("strasse"))
    assert handbook.search("Sicherung   wiederherstellen")


def test_search_says_when_nothing_is_found():
    assert handbook.search("Quantenphysik") == []
    assert handbook.search("   ") == []
    assert handbook.search_pattern("") is None
    # what she types is text, never a pattern
    assert handbook.search("Strg+N")
    assert handbook.search("a.b(") == []


# -- the window ----------------------------------------------------------------------------------------
@pytest.fixture
def main_window(qtbot):
    parent = QWidget()
    parent.resize(1366, 728)
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    return parent


def images_in(window) -> list:
    doc = window.browser.document()
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(fmt.toImageFormat())
            it += 1
        block = block.next()
    return found


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                           r"This plugin does not support raise\(\)")
def test_the_window_opens_beside_her_work_at_the_topic_and_is_reused(qtbot, main_window):
    from kuemmerer.ui.handbook import HandbookWindow, show_handbook

    window = show_handbook(main_window, "sicherungen")
    qtbot.waitExposed(window)
    assert isinstance(window, HandbookWindow) and window.isWindow() and not window.isModal()
    assert QApplication.activeModalWidget() is None and main_window.isEnabled()
    assert window.windowTitle() == "Kümmerer – Handbuch"
    assert window.toc.currentItem().text(0) == "Sicherungen"
    qtbot.waitUntil(lambda: window._anchor_at_top() == "sicherungen")
    # F1 on a section of the main window, a second time: the same window, at that place
    again = show_handbook(main_window, "Vermittlungen")
    assert again is window and len(main_window.findChildren(HandbookWindow)) == 1
    qtbot.waitUntil(lambda: window._anchor_at_top() == "vermittlungen")
    # a link in the text leads within the handbook
    window.browser.anchorClicked.emit(QUrl("#einwilligung"))
    qtbot.waitUntil(lambda: window._anchor_at_top() == "einwilligung")
    assert window.toc.currentItem().text(0) == "Die Einwilligung (Schweigepflichtentbindung)"
    # the table of contents leads there too
    item = window.chapter_items["probleme"]
    window.toc.itemClicked.emit(item, 0)
    qtbot.waitUntil(lambda: window._anchor_at_top() == "probleme")
    # Esc closes it; her window stays
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert not window.isVisible() and main_window.isVisible()


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                           r"This plugin does not support raise\(\)")
def test_the_window_fits_her_laptop_and_shows_every_picture_within_its_width(qtbot, main_window, tmp_path):
    from kuemmerer.ui.handbook import show_handbook

    window = show_handbook(main_window)
    qtbot.waitExposed(window)
    screen = window.screen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768)  # tests/data/screen-1366x768.json
    assert screen.contains(window.frameGeometry())
    assert window.width() >= 1000 and window.height() >= 600
    room = window.browser.viewport().width()
    qtbot.waitUntil(lambda: all(f.width() <= room for f in images_in(window)))
    assert window.browser.horizontalScrollBar().maximum() == 0  # nothing cut off at the right
    pictures = images_in(window)
    assert len(pictures) == len(handbook.images())
    for fmt in pictures:  # every picture is loaded, scaled smoothly to the width it is shown at
        image = window.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(fmt.name()))
        assert image is not None and not image.isNull(), fmt.name()
        assert abs(image.width() / image.devicePixelRatio() - fmt.width()) <= 1, fmt.name()
    # nothing from outside the handbook's pictures
    assert window.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("../__init__.py")) is None
    # the status line and every control are inside the window at 1366×768
    for widget in (window.search, window.next_button, window.pdf_button, window.toc, window.browser):
        top_left = widget.mapTo(window, widget.rect().topLeft())
        assert window.rect().contains(top_left) and window.rect().contains(top_left + widget.rect().bottomRight())
    shot = tmp_path / "handbuch.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 20_000


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                           r"This plugin does not support raise\(\)")
def test_search_in_the_window_marks_every_notfallcode_and_jumps_from_one_to_the_next(qtbot, main_window):
    from kuemmerer.ui.handbook import show_handbook

    window = show_handbook(main_window)
    qtbot.waitExposed(window)
    type_text(window.search, "notfallcode")
    qtbot.waitUntil(lambda: bool(window.matches))
    expected = sum(hit.count for hit in handbook.search("Notfallcode"))
    assert len(window.matches) == expected == len(window.browser.extraSelections())
    assert all(m.selectedText().lower() == "notfallcode" for m in window.matches)
    assert window.status.text().startswith(f"Treffer 1 von {expected} in ")
    first = window.browser.textCursor().position()
    assert first == window.matches[0].selectionStart()
    # Enter: the next one, further down; ◀ goes back
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.status.text().startswith(f"Treffer 2 von {expected}")
    assert window.browser.textCursor().position() > first
    click(qtbot, window.previous_button)
    assert window.browser.textCursor().position() == first
    # the table of contents says where they are
    assert window.chapter_items["probleme"].text(0).startswith("Wenn etwas schiefgeht (")
    assert window.chapter_items["berichte"].text(0) == "Berichte und Statistik"
    # the last match, then around to the first
    for _ in range(expected - 1):
        click(qtbot, window.next_button)
    assert window.matches[window.current].selectionStart() == window.matches[-1].selectionStart()
    click(qtbot, window.next_button)
    assert window.browser.textCursor().position() == first


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                           r"This plugin does not support raise\(\)")
def test_search_in_the_window_says_when_nothing_is_found(qtbot, main_window):
    from kuemmerer.ui.handbook import show_handbook

    window = show_handbook(main_window)
    qtbot.waitExposed(window)
    type_text(window.search, "Quantenphysik")
    qtbot.waitUntil(lambda: window.status.text() != "")
    assert window.status.text() == "Nichts gefunden für „Quantenphysik“."
    assert window.matches == [] and window.browser.extraSelections() == []
    assert not window.next_button.isEnabled() and not window.previous_button.isEnabled()
    # a new search finds again, an empty field clears the marks
    window.search.clear()
    type_text(window.search, "Sachbericht")
    qtbot.waitUntil(lambda: bool(window.matches))
    assert window.status.text().startswith("Treffer 1 von")
    window.search.clear()
    qtbot.waitUntil(lambda: window.status.text() == "")
    assert window.browser.extraSelections() == []
    assert window.chapter_items["berichte"].text(0) == "Berichte und Statistik"


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)",
                           r"This plugin does not support raise\(\)")
def test_the_window_saves_the_handbook_as_pdf(qtbot, main_window, tmp_path, monkeypatch):
    from kuemmerer.ui import handbook as handbook_ui
    from kuemmerer.ui import printing

    target = tmp_path / "Handbuch.pdf"
    monkeypatch.setattr(handbook_ui, "save_pdf",
                        lambda parent, pdf, name: printing.save_pdf(parent, pdf, name, ask=lambda _p, _s: target))
    window = handbook_ui.show_handbook(main_window)
    qtbot.waitExposed(window)
    click(qtbot, window.pdf_button)
    qtbot.waitUntil(lambda: window.saved_pdf is not None, timeout=30_000)
    assert window.saved_pdf == target
    words = pdf_words(target)
    assert "Wenn etwas schiefgeht" in words and "Notfallcode" in words


# -- the PDF -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf() -> bytes:
    from kuemmerer.exports.handbook_pdf import handbook_pdf

    return handbook_pdf()


def test_the_pdf_has_every_chapter_its_sections_and_every_picture(pdf):
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF")
    words = pdf_words(pdf)
    for title in CHAPTERS.values():
        assert words.count(title) >= 2, title  # in the table of contents and as the chapter's title
    for c in handbook.chapters():
        for section in c.sections:
            assert handbook.plain(section.text) in words
    assert "Passwort vergessen? Mit Notfallcode öffnen" in words
    assert "Kümmerer – Handbuch · Version" in words and "Seite 12" in words
    reader = PdfReader(io.BytesIO(pdf))
    assert 12 <= len(reader.pages) <= 40
    pictures = sum(len(page.images) for page in reader.pages)
    assert pictures == len(handbook.images())
    # bookmarks of the chapters
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline == list(CHAPTERS.values())
    # the entries of the contents and the links in the text lead to their pages
    number = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    links = [(i, number[annot.get_object()["/Dest"][0].idnum]) for i, page in enumerate(reader.pages)
             for annot in page.get("/Annots") or [] if "/Dest" in annot.get_object()]
    body = [page.extract_text().split("\n", 2)[-1] for page in reader.pages]  # below the footer line
    chapter_pages = [i for i, text in enumerate(body) if i > 0 and any(text.startswith(t) for t in CHAPTERS.values())]
    assert len(chapter_pages) == len(CHAPTERS)
    contents_pages = range(1, chapter_pages[0])  # after the cover
    assert set(chapter_pages) <= {to for at, to in links if at in contents_pages}
    first_chapter = range(chapter_pages[0], chapter_pages[1])  # ends with "siehe Datenschutz im Alltag"
    assert any(at in first_chapter and to == chapter_pages[-1] for at, to in links)


def test_the_pdf_for_the_installer_is_written_by_one_command(tmp_path, capsys):
    from kuemmerer.exports.handbook_pdf import main

    target = tmp_path / "Kuemmerer-Handbuch.pdf"
    assert main([str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF") and "Sicherungen" in pdf_words(target)
    # a folder that is not there: one German line, exit 2, nothing written
    assert main([str(tmp_path / "fehlt" / "h.pdf")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Das Handbuch konnte nicht nach")
    assert not (tmp_path / "fehlt").exists()
    assert main([]) == 2 and main(["handbuch.txt"]) == 2

"""Das Handbuch: German text in small Markdown-like files, parsed into blocks that the window
(``ui/handbook.py``, as HTML) and the PDF (``exports/handbook_pdf.py``, as reportlab
paragraphs) render the same way. Plain Python: no Qt, no reportlab, no database.

The source format, one file per chapter (``NN-kapitel-id.md``, in reading order):

    # Kapiteltitel
    ## Abschnitt {#anker}           a section; the anchor is optional (else made from the title)
    Text, auch über mehrere         a paragraph (lines up to an empty line)
    Zeilen.
    - Punkt                         a bullet list (a line indented by two spaces continues the item)
    1. Schritt                      a numbered list
    > Hinweis                       a boxed note (every line starts with "> ")
    ![Bildunterschrift](datei.png)  a screenshot from ``bilder/``

Inline: ``**fett**``, `` `Taste oder Pfad` `` and ``[Text](#anker)`` (a link to a chapter or section).
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGE_DIR = HERE / "bilder"
TITLE = "Kümmerer – Handbuch"


# -- blocks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    level: int  # 1 = chapter, 2 = section
    text: str  # inline markup
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool


@dataclass(frozen=True)
class Image:
    file: str  # a name in IMAGE_DIR
    caption: str


@dataclass(frozen=True)
class Note:
    text: str


Block = Heading | Paragraph | ListBlock | Image | Note


@dataclass(frozen=True)
class Chapter:
    id: str  # the file name without its number: "erster-start"
    title: str
    blocks: tuple[Block, ...]  # the first is the chapter's Heading

    @property
    def sections(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading) and b.level == 2)


class HandbookSourceError(ValueError):
    """A chapter file does not follow the format (a developer's mistake; the tests find it)."""


# -- parsing -----------------------------------------------------------------------------------
_ANCHOR = re.compile(r"\s*\{#([a-z0-9-]+)\}\s*$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_BULLET = re.compile(r"^- (.*)$")
_NUMBER = re.compile(r"^\d+\. (.*)$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str) -> str:
    """"Passwort vergessen?" → "passwort-vergessen" (anchors without umlauts)."""
    words = re.findall(r"[a-z0-9]+", plain(text).lower().translate(_UMLAUTS))
    return "-".join(words)


def parse(source: str, chapter_id: str) -> Chapter:
    lines = source.replace("\r\n", "\n").split("\n")
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    ordered = False
    note: list[str] = []

    def flush() -> None:
        nonlocal ordered
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(ListBlock(tuple(items), ordered))
            items.clear()
        if note:
            blocks.append(Note(" ".join(note)))
            note.clear()

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            if level not in (1, 2) or line[level:level + 1] != " ":
                raise HandbookSourceError(f"{chapter_id}:{number}: only '# ' and '## ' headings")
            text = line[level + 1:]
            found = _ANCHOR.search(text)
            anchor = found.group(1) if found else ""
            text = _ANCHOR.sub("", text).strip()
            if level == 1:
                if blocks:
                    raise HandbookSourceError(f"{chapter_id}:{number}: one '# ' title, at the top")
                anchor = chapter_id
            blocks.append(Heading(level, text, anchor or slug(text)))
            continue
        image = _IMAGE.match(stripped)
        if image and not line.startswith(" "):
            flush()
            blocks.append(Image(image.group(2), image.group(1).strip()))
            continue
        if line.startswith("> ") or line == ">":
            if paragraph or items:
                flush()
            note.append(line[2:].strip())
            continue
        bullet, numbered = _BULLET.match(line), _NUMBER.match(line)
        if bullet or numbered:
            if paragraph or note or (items and ordered != bool(numbered)):
                flush()
            ordered = bool(numbered)
            items.append((bullet or numbered).group(1).strip())  # type: ignore[union-attr]
            continue
        if items and line.startswith("  "):  # continues the item above
            items[-1] += " " + stripped
            continue
        if items or note:
            flush()
        paragraph.append(stripped)
    flush()
    if not blocks or not isinstance(blocks[0], Heading) or blocks[0].level != 1:
        raise HandbookSourceError(f"{chapter_id}: the chapter starts with its '# ' title")
    return Chapter(chapter_id, plain(blocks[0].text), tuple(blocks))


def chapter_files() -> list[Path]:
    return sorted(HERE.glob("[0-9][0-9]-*.md"))


@functools.cache
def chapters() -> tuple[Chapter, ...]:
    """Every chapter, in reading order (read once)."""
    return tuple(parse(path.read_text(encoding="utf-8"), path.stem[3:]) for path in chapter_files())


def chapter(chapter_id: str) -> Chapter:
    for c in chapters():
        if c.id == chapter_id:
            return c
    raise KeyError(chapter_id)


def anchors() -> dict[str, Chapter]:
    """Every anchor (chapters and sections) and the chapter it is in."""
    found: dict[str, Chapter] = {}
    for c in chapters():
        for b in c.blocks:
            if isinstance(b, Heading):
                found[b.anchor] = c
    return found


def images() -> list[Image]:
    return [b for c in chapters() for b in c.blocks if isinstance(b, Image)]


def image_path(name: str) -> Path:
    return IMAGE_DIR / name


def image_size(name: str) -> tuple[int, int]:
    """Width and height of a PNG in ``bilder/`` (read from its header)."""
    with open(image_path(name), "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise HandbookSourceError(f"{name} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


# -- inline markup -----------------------------------------------------------------------------
_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`|\[(?P<label>[^\]]+)\]\((?P<href>#[a-z0-9-]+)\)")


def plain(text: str) -> str:
    """The text as it reads, without markup."""
    return _INLINE.sub(lambda m: m.group("bold") or m.group("code") or m.group("label"), text)


def inline(text: str, *, code: Callable[[str], str] = lambda s: f"<code>{s}</code>",
           link: Callable[[str, str], str] = lambda label, anchor: f'<a href="#{anchor}">{label}</a>') -> str:
    """Inline markup as the small HTML that both Qt's rich text and reportlab's paragraphs
    read (``<b>``, ``<a href>``); ``code`` and ``link`` wrap the escaped text their own way."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos:m.start()], quote=False))
        if m.group("bold") is not None:
            out.append(f"<b>{inline(m.group('bold'), code=code, link=link)}</b>")
        elif m.group("code") is not None:
            out.append(code(escape(m.group("code"), quote=False)))
        else:
            out.append(link(escape(m.group("label"), quote=False), m.group("href")[1:]))
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def block_texts(block: Block) -> list[str]:
    """What a block shows, as plain text, one string per line of the rendered document."""
    if isinstance(block, Heading | Paragraph | Note):
        return [plain(block.text)]
    if isinstance(block, ListBlock):
        return [plain(item) for item in block.items]
    return [plain(block.caption)] if block.caption else []


# -- the window's HTML ---------------------------------------------------------------------------
NOTE_COLORS = ("#fff8d6", "#e0c860")  # background, border: as the demo hint of the unlock dialog


def html(image_width: int | None = 860) -> str:
    """The whole handbook as one HTML document for a QTextBrowser (images by file name: set
    its search path to ``IMAGE_DIR``; none wider than ``image_width``)."""
    parts: list[str] = []
    for c in chapters():
        for b in c.blocks:
            parts.append(_block_html(b, image_width))
    return "<html><body>" + "\n".join(parts) + "</body></html>"


def _block_html(b: Block, image_width: int | None) -> str:
    if isinstance(b, Heading):
        tag = "h1" if b.level == 1 else "h2"
        space = "margin-top:28px;" if b.level == 1 else "margin-top:16px;"
        return f"<{tag} style='{space}'><a name='{b.anchor}'></a>{inline(b.text)}</{tag}>"
    if isinstance(b, Paragraph):
        return f"<p>{inline(b.text)}</p>"
    if isinstance(b, ListBlock):
        tag = "ol" if b.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + f"</{tag}>"
    if isinstance(b, Note):
        back, border = NOTE_COLORS
        return (f"<table width='100%' cellpadding='8' cellspacing='0' border='1' bgcolor='{back}' "
                f"style='border-color:{border}; border-style:solid; margin:6px 0'><tr><td>{inline(b.text)}</td></tr></table>")
    width, height = image_size(b.file)
    if image_width and width > image_width:
        width, height = image_width, round(height * image_width / width)
    caption = f"<p style='color:#444; margin-top:2px'>{inline(b.caption)}</p>" if b.caption else ""
    return f"<p><img src='{escape(b.file)}' width='{width}' height='{height}'></p>{caption}"


# -- search --------------------------------------------------------------------------------------
_FOLD = {"a": "[aä]", "ä": "(?:ä|ae)", "o": "[oö]", "ö": "(?:ö|oe)", "u": "[uü]", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}


def search_pattern(query: str) -> str | None:
    """A regular expression (for Python's ``re`` and Qt's QRegularExpression alike, to be used
    case-insensitive) that finds ``query`` as she types it: "schlussel" finds "Schlüssel",
    "strasse" finds "Straße", spaces stand for any white space. None for an empty query."""
    words = query.casefold().split()
    if not words:
        return None
    out: list[str] = []
    for w_index, word in enumerate(words):
        if w_index:
            out.append(r"\s+")
        i = 0
        while i < len(word):
            ch = word[i]
            if ch == "s" and word[i + 1:i + 2] == "s":
                out.append("(?:ss|ß)")
                i += 2
                continue
            out.append(_FOLD.get(ch) or re.escape(ch))
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Hit:
    chapter_id: str
    chapter_title: str
    anchor: str  # the section the first match is in (or the chapter)
    section_title: str
    count: int  # matches in this section
    snippet: str  # the words around the first match


def search(query: str) -> list[Hit]:
    """Every section with the query in it (headings, text, lists, notes, captions), in reading
    order; empty when nothing is found."""
    pattern = search_pattern(query)
    if pattern is None:
        return []
    rx = re.compile(pattern, re.IGNORECASE)
    hits: list[Hit] = []
    for c in chapters():
        anchor, title = c.id, c.title
        count, snippet = 0, ""
        for b in c.blocks:
            if isinstance(b, Heading) and b.level == 2:
                if count:
                    hits.append(Hit(c.id, c.title, anchor, title, count, snippet))
                anchor, title, count, snippet = b.anchor, plain(b.text), 0, ""
            for text in block_texts(b):
                found = list(rx.finditer(text))
                if found and not snippet:
                    snippet = _snippet(text, found[0].start(), found[0].end())
                count += len(found)
        if count:
            hits.append(Hit(c.id, c.title, anchor, title, count, snippet))
    return hits


def _snippet(text: str, start: int, end: int, room: int = 40) -> str:
    left = max(0, start - room)
    right = min(len(text), end + room)
    left = text.rfind(" ", 0, left) + 1 if left else 0
    cut = text.find(" ", right)
    right = len(text) if cut < 0 else cut
    return ("… " if left else "") + text[left:right] + (" …" if right < len(text) else "")


# -- where the handbook opens -----------------------------------------------------------------------
SECTION_TOPICS = {
    "Heute": "heute", "Personen": "personen", "Anliegen": "anliegen", "Vermittlungen": "vermittlungen",
    "Partner": "partner", "Ehrenamt": "ehrenamt", "Aktivitäten": "aktivitaeten", "Netzwerk": "netzwerk",
    "Berichte": "berichte", "Einstellungen": "einstellungen",
}


def topic_for_section(section: str | None) -> str | None:
    """The anchor that explains a section of the main window ("Vermittlungen" → its chapter)."""
    return SECTION_TOPICS.get(section or "")

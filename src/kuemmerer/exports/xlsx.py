"""Excel workbooks with openpyxl: every list as a real table, and the Jahresstatistik.

Real tables (DESIGN.md §7): the header row bold and frozen, a defined Excel table (so
autofilter and sorting work), dates as dates ("DD.MM.YYYY"), numbers as numbers, column
widths fitted to the content (capped), and text that starts with ``= + - @`` (or a tab or
carriage return) stored as text with Excel's quote prefix, so no formula ever runs.
Characters XML cannot hold are removed.

Lists are streamed page by page into openpyxl's ``write_only`` mode, so 100,000 rows need
little memory; a callback can cancel between pages. Files are written under a temporary
name beside the target, synced and renamed: on a failure or a cancel nothing is left
behind and an older file of the same name is untouched.

No Qt, no session: the data comes in as plain objects (see the Protocols below; the
services build them), the file goes out to a path or a stream.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from kuemmerer.domain.errors import KuemmererError

TEXT, DATE, DATETIME, INT, NUMBER = "text", "date", "datetime", "int", "number"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
HOURS_FORMAT = "#,##0.0#"
MAX_WIDTH = 60
MIN_WIDTH = 6
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SURROGATES = re.compile("[\ud800-\udfff]")
_TABLE_STYLE = "TableStyleMedium2"
_OVERVIEW_CHARS = 95  # characters of the overview's text column in one printed line

Progress = Callable[[int, int], None]  # rows written so far, rows in all
Cancelled = Callable[[], bool]  # True: stop now, leave nothing behind


class ExportCancelled(KuemmererError):
    """The export was cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Der Export wurde abgebrochen; es wurde keine Datei gespeichert.")


class ColumnLike(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def kind(self) -> str: ...  # TEXT, DATE, DATETIME, INT or NUMBER


class TableSource(Protocol):
    """What a list export hands in (``services.exports.ListExport``)."""

    @property
    def sheet_title(self) -> str: ...

    @property
    def table_name(self) -> str: ...

    @property
    def columns(self) -> Sequence[ColumnLike]: ...

    @property
    def total(self) -> int: ...

    def pages(self) -> Iterator[Sequence[Sequence[Any]]]: ...


# --------------------------------------------------------------------------- cells


def clean_text(text: str) -> str:
    """Text a cell can hold: no control characters XML refuses, no lone surrogates, at most
    Excel's 32,767 characters."""
    if not text.isprintable():  # control characters and lone surrogates are not printable
        text = _SURROGATES.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))
    return text[:MAX_CELL_TEXT]


class _Cells:
    """Makes the cells of one write-only sheet.

    Most values go in as they are; only a date (number format) or text that looks like a
    formula (quote prefix) needs a styled cell. A write-only sheet writes each row out before
    ``append`` returns, so every column reuses its own few styled cells: a styled value costs
    setting one attribute, not a new ``Cell`` with its own style array."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._date = self._proto(number_format=DATE_FORMAT)
        self._datetime = self._proto(number_format=DATETIME_FORMAT)
        self._quoted = self._proto(quote_prefix=True)
        self._bold = self._proto(bold=True)

    def _proto(self, *, number_format: str | None = None, quote_prefix: bool = False, bold: bool = False):
        cell = Cell(self.ws)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)
        return cell._style

    def _cell(self, style, data_type: str) -> Cell:
        cell = Cell(self.ws, 1, 1, style_array=style)  # a copy of the style; row/column are set when appended
        # values are ours and already checked: they are set as ``_value`` without openpyxl
        # guessing their type (a string beginning with "=" would become a formula)
        cell.data_type = data_type
        return cell

    def header(self, title: str) -> Cell:
        cell = self._cell(self._bold, "s")
        cell._value = clean_text(title)
        return cell

    def _text(self) -> Callable[[Any], Any]:
        quoted = self._cell(self._quoted, "s")

        def text(value: Any) -> Any:
            if value.__class__ is str and value.isprintable() and len(value) <= MAX_CELL_TEXT \
                    and not value.startswith(FORMULA_STARTS):
                return value or None  # the common case, quickly
            if value is None:
                return None
            text = clean_text(str(value))
            if not text:
                return None
            if text.startswith(FORMULA_STARTS):
                quoted._value = text
                return quoted
            return text
        return text

    def _date_or_time(self) -> Callable[[Any], Any]:
        day_cell, time_cell, text = self._cell(self._date, "d"), self._cell(self._datetime, "d"), self._text()
        date_class, datetime_class = dt.date, dt.datetime

        def date(value: Any) -> Any:
            if value is None:
                return None
            kind = value.__class__
            if kind is date_class:  # the common case, quickly
                day_cell._value = value
                return day_cell
            if isinstance(value, datetime_class):
                time_cell._value = value.replace(tzinfo=None)
                return time_cell
            if isinstance(value, date_class):
                day_cell._value = value
                return day_cell
            return text(value)
        return date

    def _number(self) -> Callable[[Any], Any]:
        text = self._text()

        def number(value: Any) -> Any:
            kind = value.__class__
            if kind is int or kind is float or value is None:  # the common case, quickly
                return value
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, int | float):
                return value
            return text(value)
        return number

    def converters(self, columns: Sequence[ColumnLike]) -> list[Callable[[Any], Any]]:
        """One converter per column, each with its own cells (two date columns in one row
        must not share a cell)."""
        by_kind = {TEXT: self._text, DATE: self._date_or_time, DATETIME: self._date_or_time, INT: self._number,
                   NUMBER: self._number}
        return [by_kind.get(c.kind, self._text)() for c in columns]


def _shown_width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATE:
        return 10
    if kind == DATETIME:
        return 16
    if kind in (INT, NUMBER) and isinstance(value, int | float):
        return len(f"{value:,}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0) if "\n" in text else len(text)


def fitted_widths(columns: Sequence[ColumnLike], rows: Iterable[Sequence[Any]], cap: int = MAX_WIDTH) -> list[float]:
    """Column widths (in characters) for the header and ``rows``: the widest entry plus a
    little room (the header also for the filter button), at least MIN_WIDTH, at most ``cap``."""
    widths = [len(c.title) + 4 for c in columns]
    kinds = [c.kind for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _shown_width(value, kinds[i]) + 2)
    return [float(min(max(w, MIN_WIDTH), cap)) for w in widths]


# --------------------------------------------------------------------------- files


@contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A file object under ``target.tmp``; on leaving without an error it is synced and renamed
    to ``target`` (0600: the lists hold personal data). On any error (or a cancel) the
    temporary file is removed and an existing ``target`` stays as it was."""
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry one time stamp: the same workbook gives the same bytes."""

    def __init__(self, stream: BinaryIO, when: dt.datetime):
        super().__init__(stream, "w", ZIP_DEFLATED, allowZip64=True)
        self._when = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, self._when)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        info = self._info(str(arcname or Path(filename).name))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=info.file_size > 2**31) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _save(wb: Workbook, stream: BinaryIO, generated_at: dt.datetime) -> None:
    """Write ``wb`` to ``stream`` with ``generated_at`` as its creation and change time."""
    when = generated_at.astimezone(dt.UTC).replace(tzinfo=None) if generated_at.tzinfo else generated_at
    wb.properties.created = wb.properties.modified = when
    wb.properties.creator = wb.properties.lastModifiedBy = "Kümmerer"
    archive = _FixedTimeZip(stream, generated_at)
    ExcelWriter(wb, archive).save()


def _discard(wb: Workbook) -> None:
    """A write-only workbook given up half-way: close and delete the sheets' temporary files."""
    for ws in wb._sheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        rows = getattr(ws, "_rows", None)
        with suppress(Exception):
            if rows is not None:
                rows.close()  # ends the row generator while its file is still open
            writer.close()
        with suppress(OSError, ValueError):
            writer.cleanup()


# --------------------------------------------------------------------------- lists


def _print_fitted(ws, landscape: bool = True) -> None:
    """Printed, the sheet is as wide as the page (landscape A4), as long as it needs."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = 9  # A4 (Worksheet.PAPERSIZE_A4; write-only sheets lack the name)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.print_title_rows = "1:1"


def _table(ws, name: str, columns: Sequence[ColumnLike], rows: int) -> None:
    last = get_column_letter(len(columns))
    if rows == 0:  # Excel refuses a table without a data row: a plain filter on the header
        ws.auto_filter.ref = f"A1:{last}1"
        return
    ref = f"A1:{last}{rows + 1}"
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=i, name=clean_text(c.title)) for i, c in enumerate(columns, 1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def write_table(out: BinaryIO, source: TableSource, *, progress: Progress | None = None,
                cancelled: Cancelled | None = None, generated_at: dt.datetime | None = None) -> int:
    """Stream ``source`` into one sheet of a new workbook written to ``out``; returns the
    number of rows. ``cancelled()`` is asked between pages; True raises ExportCancelled."""
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    columns = list(source.columns)
    wb = Workbook(write_only=True)
    pages: Iterator[Sequence[Sequence[Any]]] | None = None
    try:
        ws = wb.create_sheet(clean_text(source.sheet_title)[:31] or "Liste")
        cells = _Cells(ws)
        convert = cells.converters(columns)
        pages = iter(source.pages())
        first = list(next(pages, []))
        for i, width in enumerate(fitted_widths(columns, first), 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        _print_fitted(ws)
        ws.append([cells.header(c.title) for c in columns])
        done = 0
        total = max(source.total, 0)
        page: Sequence[Sequence[Any]] = first
        while True:
            if cancelled is not None and cancelled():
                raise ExportCancelled()
            for row in page:
                ws.append([f(v) for f, v in zip(convert, row, strict=True)])
            done += len(page)
            if progress is not None:
                progress(done, max(total, done))
            following = next(pages, None)
            if following is None:
                break
            page = following
        _table(ws, source.table_name, columns, done)
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        _save(wb, out, generated_at)
    except BaseException:
        close = getattr(pages, "close", None)
        if close is not None:
            close()  # ends the source's generator (and its reads) now, not at garbage collection
        _discard(wb)
        raise
    return done


def save_table(target: Path, source: TableSource, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None, generated_at: dt.datetime | None = None) -> int:
    """``write_table`` into the file ``target`` (temporary name, sync, rename)."""
    with atomic_file(Path(target)) as out:
        return write_table(out, source, progress=progress, cancelled=cancelled, generated_at=generated_at)


# --------------------------------------------------------------------------- Jahresstatistik


class LetterheadLike(Protocol):
    @property
    def office_name(self) -> str: ...

    @property
    def organisation(self) -> str: ...

    @property
    def street(self) -> str: ...

    @property
    def postcode_city(self) -> str: ...

    @property
    def phone(self) -> str: ...

    @property
    def email(self) -> str: ...


class FiguresLike(Protocol):
    """``services.statistics.ReportedFigures``: ``note`` (where the figures come from), ``frozen``."""

    @property
    def note(self) -> str: ...

    @property
    def frozen(self) -> Any: ...


class JahresstatistikLike(Protocol):
    """What ``services.exports.JahresstatistikData`` holds."""

    @property
    def period_label(self) -> str: ...

    @property
    def period_start(self) -> dt.date: ...

    @property
    def period_end(self) -> dt.date: ...

    @property
    def letterhead(self) -> LetterheadLike: ...

    @property
    def figures(self) -> FiguresLike: ...

    @property
    def rules(self) -> Sequence[str]: ...

    @property
    def key_figures(self) -> Sequence[tuple[str, int | float]]: ...

    @property
    def breakdowns(self) -> Sequence[tuple[str, str, str, str, dict[str, int]]]: ...  # sheet, table, 2 headers, values

    @property
    def generated_at(self) -> dt.datetime: ...


class _Col:
    def __init__(self, title: str, kind: str):
        self.title, self.kind = title, kind


def _figure_sheet(wb: Workbook, title: str, table_name: str, header: tuple[str, str],
                  rows: Sequence[tuple[str, int | float]], total: int | float | None) -> None:
    ws = wb.create_sheet(title)
    columns = [_Col(header[0], TEXT), _Col(header[1], NUMBER)]
    widths = fitted_widths(columns, [*rows, ("Summe", total or 0)])
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for label, value in rows:
        ws.append([clean_text(label), value])
        if isinstance(value, float):
            ws.cell(ws.max_row, 2).number_format = HOURS_FORMAT
        if label.startswith(FORMULA_STARTS):
            c = ws.cell(ws.max_row, 1)
            c.data_type, c.quotePrefix = "s", True
    ws.freeze_panes = "A2"
    _print_fitted(ws, landscape=False)
    _table_in(ws, table_name, columns, len(rows))
    if total is not None:
        ws.append([])
        ws.append(["Summe", total])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)


def _table_in(ws, name: str, columns: Sequence[ColumnLike], rows: int) -> None:
    last = get_column_letter(len(columns))
    if rows == 0:
        ws.auto_filter.ref = f"A1:{last}1"
        return
    table = Table(displayName=name, ref=f"A1:{last}{rows + 1}")
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)


def _overview(wb: Workbook, data: JahresstatistikLike) -> None:
    ws = wb.active
    ws.title = "Übersicht"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    _print_fitted(ws, landscape=False)
    ws.print_title_rows = None
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    top = Alignment(vertical="top")

    def line(label: str, value: Any = None, number_format: str | None = None, bold: bool = False) -> None:
        ws.append([label, value if not isinstance(value, str) else clean_text(value)])
        a, b = ws.cell(ws.max_row, 1), ws.cell(ws.max_row, 2)
        a.alignment, b.alignment = top, wrap
        if bold:
            a.font = Font(bold=True)
        if number_format:
            b.number_format = number_format
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            b.data_type, b.quotePrefix = "s", True
        if isinstance(value, str) and len(value) > _OVERVIEW_CHARS:  # readers do not grow wrapped rows
            ws.row_dimensions[ws.max_row].height = 15 * -(-len(value) // _OVERVIEW_CHARS)

    ws.append([f"Jahresstatistik {data.period_label}"])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append([])
    lh = data.letterhead
    office = [x for x in (lh.office_name, lh.organisation) if x and x.strip()]
    address = ", ".join(x for x in (lh.street, lh.postcode_city) if x and x.strip())
    reach = " · ".join(x for x in (lh.phone, lh.email) if x and x.strip())
    line("Büro", " – ".join(office) if office else "(kein Briefkopf in den Einstellungen)", bold=True)
    if address:
        line("Anschrift", address, bold=True)
    if reach:
        line("Erreichbar", reach, bold=True)
    line("Zeitraum", data.period_label, bold=True)
    line("vom", data.period_start, DATE_FORMAT, bold=True)
    line("bis", data.period_end, DATE_FORMAT, bold=True)
    line("Herkunft der Zahlen", data.figures.note, bold=True)
    line("Erstellt am", data.generated_at.replace(tzinfo=None), DATETIME_FORMAT, bold=True)
    ws.append([])
    ws.append(["Zählregeln"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for i, rule in enumerate(data.rules, 1):
        line(f"{i}.", rule)
    frozen = data.figures.frozen
    if frozen is not None and frozen.differences:
        ws.append([])
        ws.append(["Abweichungen der aktuellen Daten von den eingefrorenen Zahlen"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["Zahl", "eingefroren / aktuell / Differenz"])
        for d in frozen.differences:
            sign = "+" if d.difference > 0 else ""
            line(d.label, f"{d.frozen:g} / {d.live:g} / {sign}{d.difference:g}".replace(".", ","))
    ws.append([])
    ws.append(["Die Zahlen stehen auf den folgenden Blättern: Kennzahlen, dann je Aufschlüsselung ein Blatt."])


def jahresstatistik_workbook(data: JahresstatistikLike) -> Workbook:
    wb = Workbook()
    _overview(wb, data)
    _figure_sheet(wb, "Kennzahlen", "Kennzahlen", ("Kennzahl", "Wert"), list(data.key_figures), None)
    for sheet, table_name, first, second, values in data.breakdowns:
        _figure_sheet(wb, sheet, table_name, (first, second), list(values.items()), sum(values.values()))
    return wb


def jahresstatistik_bytes(data: JahresstatistikLike) -> bytes:
    """The Jahresstatistik workbook: sheet "Übersicht" (office, period, where the figures come
    from, counting rules, generation time), "Kennzahlen", then one sheet per breakdown. The
    same data and generation time give the same bytes."""
    buffer = io.BytesIO()
    _save(jahresstatistik_workbook(data), buffer, data.generated_at)
    return buffer.getvalue()

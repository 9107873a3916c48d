"""German display formats for dates, numbers and empty values."""

from __future__ import annotations

import datetime as dt

EMPTY = "–"


def date_de(day: dt.date | None, empty: str = "") -> str:
    return f"{day:%d.%m.%Y}" if day else empty


def time_de(t: dt.time | None) -> str:
    return f"{t:%H:%M}" if t else ""


def number_de(value: int | float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def relative_days(day: dt.date, today: dt.date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "heute"
    if delta == -1:
        return "gestern"
    if delta == 1:
        return "morgen"
    return f"seit {-delta} Tagen" if delta < 0 else f"in {delta} Tagen"


def multiline_html(text: str | None) -> str:
    """Plain text for a rich-text label: escaped, its line breaks kept (notes, descriptions, minutes)."""
    from html import escape

    return escape(text or "").replace("\r\n", "\n").replace("\n", "<br>")

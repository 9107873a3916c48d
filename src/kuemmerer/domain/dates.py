"""Dates as Germans type them: one parser for every date field and the CLI.

Accepted (surrounding blanks are ignored, words in any case):

- ``16.12.2026``, ``6.1.2026``, ``16. 12. 2026``
- ``16.12.26``, ``6.1.26`` — a two-digit year: for a birth date the century that puts the
  date in the past (``12.03.55`` is 1955), for any other date the one nearest today
- ``16.12.`` or ``16.12`` — this year (not for birth dates: they need a year)
- ``2026-12-16`` (ISO)
- ``heute``, ``gestern``, ``vorgestern``, ``-3`` (three days ago) — every kind but a
  birth date
- ``morgen``, ``übermorgen``, ``+14`` (in fourteen days) — only where a future date makes
  sense (``DateKind.FUTURE_ALLOWED``); elsewhere they are refused like any future date

Every date must lie in the years 1900–2200 (the range the database can freeze).
Errors are ``DateError`` (a ``ValueError``) with a German message that says what is wrong:
a day that does not exist, a year out of range, or a format that is not a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re

FIRST_YEAR = 1900
LAST_YEAR = 2200
MIN_DATE = dt.date(FIRST_YEAR, 1, 1)
MAX_DATE = dt.date(LAST_YEAR, 12, 31)

BAD_FORMAT = "Bitte ein Datum wie 16.12.2026 eingeben."
BAD_FORMAT_FUTURE = "Bitte ein Datum wie 16.12.2026 eingeben (oder heute, morgen, +14)."
BAD_FORMAT_BIRTH = "Bitte ein Datum wie 12.03.1955 eingeben."
NEEDS_BIRTH_YEAR = "Bitte auch das Geburtsjahr angeben, z. B. 12.03.1955."
YEAR_RANGE = f"Das Jahr muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen."
YEAR_DIGITS = "Bitte das Jahr zwei- oder vierstellig angeben, z. B. 2026 oder 26."
NOT_IN_FUTURE = "Das Datum darf nicht in der Zukunft liegen."

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


class DateKind(enum.Enum):
    """What a date field holds; decides two-digit years and relative words."""

    BIRTH = "birth"  # two-digit year: the century that puts it in the past; no words
    ORDINARY = "ordinary"  # two-digit year: nearest today; heute/gestern/-N
    FUTURE_ALLOWED = "future"  # as ORDINARY, plus morgen/übermorgen/+N


class DateError(ValueError):
    """Text that is not a usable date; ``str(error)`` is the German message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_WORDS = {"heute": 0, "gestern": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2, "uebermorgen": 2}
_DOTTED = re.compile(r"([0-9]{1,2})\s*\.\s*([0-9]{1,2})\s*(?:\.\s*([0-9]*))?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_OFFSET = re.compile(r"([+-])\s*([0-9]{1,6})")


def bad_format(kind: DateKind) -> str:
    return {DateKind.BIRTH: BAD_FORMAT_BIRTH, DateKind.FUTURE_ALLOWED: BAD_FORMAT_FUTURE}.get(kind, BAD_FORMAT)


def check_range(day: dt.date) -> dt.date:
    """``day`` if it lies in 1900–2200, else DateError."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateError(YEAR_RANGE)
    return day


def parse_german_date(text: str, *, today: dt.date, kind: DateKind = DateKind.ORDINARY) -> dt.date | None:
    """The date ``text`` means, seen on ``today``; None for empty text; DateError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    word = text.casefold()
    if word in _WORDS or _OFFSET.fullmatch(text):
        return _relative(word, today, kind)
    if m := _ISO.fullmatch(text):
        return _build(int(m[1]), int(m[2]), int(m[3]))
    m = _DOTTED.fullmatch(text)
    if not m:
        raise DateError(bad_format(kind))
    day, month, year_text = int(m[1]), int(m[2]), m[3] or ""
    if not year_text:
        if kind is DateKind.BIRTH:
            raise DateError(NEEDS_BIRTH_YEAR)
        return _build(today.year, month, day)
    if len(year_text) == 4:
        return _build(int(year_text), month, day)
    if len(year_text) != 2:
        raise DateError(YEAR_DIGITS)
    return _build(_century(int(year_text), month, day, today, kind), month, day)


def _relative(word: str, today: dt.date, kind: DateKind) -> dt.date:
    if kind is DateKind.BIRTH:
        raise DateError(BAD_FORMAT_BIRTH)
    if word in _WORDS:
        days = _WORDS[word]
    else:
        m = _OFFSET.fullmatch(word)
        assert m is not None  # the caller matched it
        days = int(m[2]) * (1 if m[1] == "+" else -1)
    if days > 0 and kind is not DateKind.FUTURE_ALLOWED:
        raise DateError(NOT_IN_FUTURE)
    ordinal = today.toordinal() + days
    if not MIN_DATE.toordinal() <= ordinal <= MAX_DATE.toordinal():
        raise DateError(YEAR_RANGE)
    return dt.date.fromordinal(ordinal)


def _century(two_digits: int, month: int, day: int, today: dt.date, kind: DateKind) -> int:
    """The full year of a two-digit year: the latest not after ``today`` for a birth
    date, else the one nearest ``today``."""
    base = today.year - today.year % 100 + two_digits
    candidates = (base - 100, base, base + 100)

    def probe(year: int) -> dt.date:
        """The date in ``year``, or (if it does not exist there) a close one that does;
        whether the day really exists is checked afterwards."""
        year = max(1, min(year, 9999))
        try:
            return dt.date(year, month, day)
        except ValueError:
            return dt.date(year, min(max(month, 1), 12), min(max(day, 1), 28))

    if kind is DateKind.BIRTH:
        past = [y for y in candidates if probe(y) <= today]
        return max(past)
    return min(candidates, key=lambda y: (abs(probe(y).toordinal() - today.toordinal()), y))


def _build(year: int, month: int, day: int) -> dt.date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(YEAR_RANGE)
    shown = f"{day:02d}.{month:02d}.{year}"
    if not 1 <= month <= 12:
        raise DateError(f"Den {shown} gibt es nicht: Ein Jahr hat 12 Monate.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        when = f"der {MONTHS[month - 1]} {year}" if month == 2 else f"der {MONTHS[month - 1]}"
        raise DateError(f"Den {shown} gibt es nicht: {when[0].upper()}{when[1:]} hat {last} Tage.")
    return dt.date(year, month, day)


def format_german_date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""

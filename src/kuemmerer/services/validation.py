"""Turning plain input values into clean ones, with German messages per field."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kuemmerer.domain.dates import NOT_IN_FUTURE, DateError, DateKind, check_range, parse_german_date
from kuemmerer.domain.enums import LabelledEnum
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import is_email

MISSING = object()

REQUIRED = "Bitte ausfüllen."
BAD_DATE = "Bitte ein Datum wie 16.12.2026 eingeben."  # the parser's messages are more specific
BAD_TIME = "Bitte eine gültige Uhrzeit eingeben (HH:MM)."
FUTURE = NOT_IN_FUTURE
NOT_TEXT = "Bitte einen Text eingeben."
NUL_BYTE = "Bitte kein Nullbyte (unsichtbares Steuerzeichen) eingeben – der Text wurde wohl falsch kopiert."
BAD_CHARACTER = ("Der Text enthält ein ungültiges Zeichen (wohl aus einer fehlerhaften Kopie). "
                 "Bitte neu eintippen.")
TOO_BIG = "Die Zahl ist zu groß."
NOT_A_WHOLE_NUMBER = "Bitte eine ganze Zahl eingeben."

# SQLite stores integers in 64 bits: a larger number cannot even be looked up
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# control characters that are dropped from text: all but tab, line feed and carriage return
# (NUL is refused instead, see ``clean_text``)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def today() -> dt.date:
    """The one clock of the services and the UI (tests replace it)."""
    return dt.date.today()


def clean_text(value: Any) -> tuple[str, str | None]:
    """Text as typed, or ``("", German message)`` if ``value`` cannot be stored as text.

    Refused: values that are not text or a number (lists, bytes, yes/no …), NUL bytes and
    lone surrogates (no valid character; SQLite cannot store them). Other control
    characters (form feed, escape, DEL, C1 …) are invisible and she cannot find them to
    delete them, so they are silently dropped; tab and line breaks are kept.
    """
    if value is None:
        return "", None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return "", NOT_TEXT
    text = str(value)
    if "\x00" in text:
        return "", NUL_BYTE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "", BAD_CHARACTER
    return _CONTROL.sub("", text), None


def as_id(value: Any) -> int | None:
    """A record id from an int, a whole float or digits; None for anything else (also for
    ``True``, ``inf``, ``nan``, ``10**30``, lists …: no record has such an id)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # also inf and nan
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= INT_MAX else None


def parse_date(value: Any, kind: DateKind = DateKind.FUTURE_ALLOWED) -> dt.date | None:
    """A date from a ``date`` or text as Germans type it (``domain.dates``), seen on
    ``today()``; None for empty; ``DateError`` (a ValueError with a German message)
    otherwise, also for a date outside 1900–2200."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return check_range(value.date())
    if isinstance(value, dt.date):
        return check_range(value)
    return parse_german_date(str(value), today=today(), kind=kind)


def parse_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*(Uhr)?\s*", str(value))
    if not m:
        raise ValueError(value)
    return dt.time(int(m[1]), int(m[2]))


class Form:
    """Reads fields from ``values``; collects errors; ``done()`` raises them all at once."""

    def __init__(self, values: Mapping[str, Any], known: Iterable[str] | None = None):
        self.values = dict(values)
        self.errors: dict[str, str] = {}
        if known is not None:
            unknown = set(self.values) - set(known)
            if unknown:
                raise TypeError(f"unknown fields: {sorted(unknown)}")

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def ok(self, *names: str) -> bool:
        return not any(n in self.errors for n in names)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def raw(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def text(self, name: str, *, required: bool = False, max_len: int = 200) -> str | None:
        text, problem = clean_text(self.values.get(name))
        if problem:
            self.error(name, problem)
            return None
        text = text.strip()
        if not text:
            if required:
                self.error(name, REQUIRED)
            return None
        if len(text) > max_len:
            self.error(name, f"Höchstens {max_len} Zeichen (jetzt {len(text)}).")
        return text

    def email(self, name: str) -> str | None:
        text = self.text(name, max_len=150)
        if text and not is_email(text):
            self.error(name, "Das sieht nicht wie eine E-Mail-Adresse aus (name@beispiel.de).")
        return text

    def date(self, name: str, *, required: bool = False, not_future: bool = False,
             not_before: dt.date | None = None, kind: DateKind | None = None) -> dt.date | None:
        """A date field. ``kind`` defaults to ``ORDINARY`` for a field that must not lie in
        the future and to ``FUTURE_ALLOWED`` (``morgen``, ``+14``) for any other."""
        if kind is None:
            kind = DateKind.ORDINARY if not_future else DateKind.FUTURE_ALLOWED
        try:
            day = parse_date(self.values.get(name), kind)
        except DateError as exc:
            self.error(name, exc.message)
            return None
        except (TypeError, ValueError):
            self.error(name, BAD_DATE)
            return None
        if day is None:
            if required:
                self.error(name, REQUIRED)
            return None
        if not_future and day > today():
            self.error(name, FUTURE)
        if not_before and day < not_before:
            self.error(name, f"Das Datum darf nicht vor dem {not_before:%d.%m.%Y} liegen.")
        return day

    def time(self, name: str) -> dt.time | None:
        try:
            return parse_time(self.values.get(name))
        except ValueError:
            self.error(name, BAD_TIME)
            return None

    def integer(self, name: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None, default: int | None = None) -> int | None:
        value = self.values.get(name, default)
        if value is None or value == "":
            if required:
                self.error(name, REQUIRED)
            return default
        whole_float = isinstance(value, float) and value.is_integer()
        if (isinstance(value, bool) or not isinstance(value, (int, str))) and not whole_float:
            self.error(name, NOT_A_WHOLE_NUMBER)
            return None
        try:
            number = int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
        except ValueError:  # also for a surrogate or more than 4,300 digits
            self.error(name, NOT_A_WHOLE_NUMBER)
            return None
        if not INT_MIN <= number <= INT_MAX:
            self.error(name, TOO_BIG if number > 0 else NOT_A_WHOLE_NUMBER)
            return None
        if minimum is not None and number < minimum:
            self.error(name, "Die Zahl darf nicht negativ sein." if minimum == 0 else f"Mindestens {minimum}.")
        if maximum is not None and number > maximum:
            self.error(name, f"Höchstens {maximum}.")
        return number

    def hours_as_minutes(self, name: str, *, required: bool = True) -> int | None:
        """Hours (``2``, ``1.5``, ``"1,5"``) as whole minutes, 0…24 h."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                self.error(name, REQUIRED)
            return None
        try:
            hours = float(str(value).replace(",", "."))
        except ValueError:
            hours = math.nan
        if not math.isfinite(hours):
            self.error(name, "Bitte eine Zahl eingeben, z. B. 1,5.")
            return None
        if hours < 0:
            self.error(name, "Die Stunden dürfen nicht negativ sein.")
            return None
        if hours > 24:
            self.error(name, "Mehr als 24 Stunden an einem Tag sind nicht möglich.")
            return None
        return round(hours * 60)

    def boolean(self, name: str, default: bool | None = False) -> bool | None:
        value = self.values.get(name, default)
        if value is None or value == "":
            return default if value == "" else None
        if isinstance(value, str):
            text = value.strip().casefold()
            if text in ("ja", "j", "true", "1", "wahr", "x"):
                return True
            if text in ("nein", "n", "false", "0", "falsch"):
                return False
            self.error(name, "Bitte ja oder nein angeben.")
            return None
        return bool(value)

    def choice(self, name: str, enum: type[LabelledEnum], default: LabelledEnum | None = None,
               *, required: bool = True) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if default is not None:
                return default.value
            if required:
                self.error(name, REQUIRED)
            return None
        if isinstance(value, enum):
            return value.value
        text = str(value)
        for member in enum:
            if text in (member.value, member.label):
                return member.value
        self.error(name, "Unbekannter Wert. Erlaubt: " + ", ".join(enum.labels().values()) + ".")
        return None

    def choices(self, name: str, enum: type[LabelledEnum], *, required: bool = False) -> list[str]:
        raw = self.values.get(name)
        if raw is None or raw == "":
            raw = []
        if isinstance(raw, str):
            raw = [p for p in raw.split(",") if p.strip()]
        if not isinstance(raw, (list, tuple, set, frozenset)):
            self.error(name, "Bitte eine Auswahl aus der Liste treffen.")
            return []
        out: list[str] = []
        for value in raw:
            member = next((m for m in enum if isinstance(value, str) and value.strip() in (m.value, m.label)),
                          None)
            if member is None:
                shown, problem = clean_text(value)
                self.error(name, problem or f"Unbekannter Wert „{shown}“.")
            elif member.value not in out:
                out.append(member.value)
        if required and not out and name not in self.errors:
            self.error(name, "Bitte mindestens eine Angabe wählen.")
        return out


def check_order(form: Form, first: Any, second: Any, field: str, message: str,
                *, strict: bool = False) -> None:
    """Error on ``field`` if both values are set and ``second`` comes before ``first``."""
    if first is None or second is None:
        return
    if second < first or (strict and second == first):
        form.error(field, message)


def year_or_this(year: Any) -> int:
    """The year of a list's figures: this year for None, else a whole number 1900–2200;
    ``ValidationError`` on "year" otherwise."""
    if year is None:
        return today().year
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise ValidationError.single("year", "Bitte ein Jahr zwischen 1900 und 2200 angeben.")
    return year

"""Report periods: a year, a half-year, a quarter, a month or a free range, with the German
name she reads ("2. Quartal 2026") and a name safe for files ("2026-Q2")."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .dates import FIRST_YEAR, LAST_YEAR, YEAR_RANGE
from .errors import ValidationError

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


class PeriodKind(StrEnum):
    YEAR = "jahr"
    HALF = "halbjahr"
    QUARTER = "quartal"
    MONTH = "monat"
    RANGE = "zeitraum"


def _year(year: int, field: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError.single(field, YEAR_RANGE)
    return year


@dataclass(frozen=True)
class Period:
    """A closed range of days ``start`` … ``end`` and how it was chosen."""

    start: dt.date
    end: dt.date
    kind: PeriodKind = PeriodKind.RANGE

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError.single("period_to", "Das Ende des Zeitraums liegt vor seinem Beginn.")
        _year(self.start.year, "period_from")
        _year(self.end.year, "period_to")

    @classmethod
    def year(cls, year: int) -> Period:
        _year(year)
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        _year(year)
        if half not in (1, 2):
            raise ValidationError.single("half", "Ein Halbjahr ist das 1. oder das 2.")
        return cls(dt.date(year, 1 if half == 1 else 7, 1), dt.date(year, 6 if half == 1 else 12, 30 if half == 1 else 31),
                   PeriodKind.HALF)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        _year(year)
        if quarter not in (1, 2, 3, 4):
            raise ValidationError.single("quarter", "Ein Quartal ist das 1. bis 4.")
        first = 3 * quarter - 2
        last = first + 2
        return cls(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]),
                   PeriodKind.QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _year(year)
        if month not in range(1, 13):
            raise ValidationError.single("month", "Einen solchen Monat gibt es nicht (1 bis 12).")
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]),
                   PeriodKind.MONTH)

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """A free range; named as year, half-year, quarter or month when it is exactly one."""
        p = cls(start, end)
        for named in _named_candidates(start):
            if named.start == start and named.end == end:
                return named
        return p

    @property
    def is_calendar_year(self) -> bool:
        return self.kind is PeriodKind.YEAR

    @property
    def label(self) -> str:
        """German: "2026", "1. Halbjahr 2026", "2. Quartal 2026", "März 2026", "01.03.2026 – 15.04.2026"."""
        y = self.start.year
        if self.kind is PeriodKind.YEAR:
            return str(y)
        if self.kind is PeriodKind.HALF:
            return f"{1 if self.start.month == 1 else 2}. Halbjahr {y}"
        if self.kind is PeriodKind.QUARTER:
            return f"{(self.start.month - 1) // 3 + 1}. Quartal {y}"
        if self.kind is PeriodKind.MONTH:
            return f"{MONTHS[self.start.month - 1]} {y}"
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @property
    def slug(self) -> str:
        """For file names (no personal data, no spaces): "2026", "2026-H1", "2026-Q2", "2026-03",
        "2026-03-01_2026-04-15"."""
        y = self.start.year
        if self.kind is PeriodKind.YEAR:
            return f"{y}"
        if self.kind is PeriodKind.HALF:
            return f"{y}-H{1 if self.start.month == 1 else 2}"
        if self.kind is PeriodKind.QUARTER:
            return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{y}-{self.start.month:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def _named_candidates(start: dt.date) -> list[Period]:
    y = start.year
    return [Period.year(y), Period.half(y, 1 if start.month <= 6 else 2),
            Period.quarter(y, (start.month - 1) // 3 + 1), Period.month(y, start.month)]

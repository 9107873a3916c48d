"""Entwicklung (early warning): the months shown and the rule for a Thema or Stadtgebiet
that rises clearly.

The rule: in the last ``WINDOW_MONTHS`` months (the running month up to today) at least
``MIN_RISE_PERCENT`` % and at least ``MIN_RISE_CASES`` cases more than in the same days a
year before. Both conditions must hold: a rise from 1 to 3 is +200 % but only 2 cases, a
rise from 100 to 110 is 10 cases but only +10 %."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTHS_SHOWN = 24
WINDOW_MONTHS = 3
MIN_RISE_PERCENT = 50
MIN_RISE_CASES = 5

MONTH_ABBR = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
RISING = "▲"

Month = tuple[int, int]  # (year, month)


def month_label(month: Month) -> str:
    """German short name: "Jan 2026", "Mär 2025"."""
    year, m = month
    return f"{MONTH_ABBR[m - 1]} {year}"


def add_months(month: Month, k: int) -> Month:
    index = month[0] * 12 + (month[1] - 1) + k
    return index // 12, index % 12 + 1


def last_months(today: dt.date, n: int = MONTHS_SHOWN) -> tuple[Month, ...]:
    """The ``n`` months ending with today's month, oldest first."""
    current = (today.year, today.month)
    return tuple(add_months(current, k) for k in range(-(n - 1), 1))


def first_day(month: Month) -> dt.date:
    return dt.date(month[0], month[1], 1)


def _a_year_before(day: dt.date) -> dt.date:
    last = calendar.monthrange(day.year - 1, day.month)[1]
    return dt.date(day.year - 1, day.month, min(day.day, last))


@dataclass(frozen=True)
class TrendWindow:
    """The days compared: ``start``…``end`` (today) against ``start_before``…``end_before``."""

    start: dt.date
    end: dt.date
    start_before: dt.date
    end_before: dt.date

    @classmethod
    def ending(cls, today: dt.date) -> TrendWindow:
        start = first_day(add_months((today.year, today.month), -(WINDOW_MONTHS - 1)))
        return cls(start, today, _a_year_before(start), _a_year_before(today))

    def months(self) -> tuple[Month, ...]:
        end = (self.end.year, self.end.month)
        return tuple(add_months(end, k) for k in range(-(WINDOW_MONTHS - 1), 1))

    def months_before(self) -> tuple[Month, ...]:
        return tuple(add_months(m, -12) for m in self.months())

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @property
    def label_before(self) -> str:
        return f"{self.start_before:%d.%m.%Y} – {self.end_before:%d.%m.%Y}"


def rule_text(window: TrendWindow) -> str:
    """The rule in one German sentence, with the days it compares."""
    return (f"{RISING} steigend heißt: vom {window.start:%d.%m.%Y} bis heute ({window.end:%d.%m.%Y}) mindestens "
            f"{MIN_RISE_PERCENT} % und mindestens {MIN_RISE_CASES} Fälle mehr als in denselben Tagen ein Jahr zuvor "
            f"({window.label_before}).")


def _percent_de(value: float) -> str:
    """Whole per cent, cut towards zero (+49,6 % shows as "+49 %", never as a rounded-up "+50 %")."""
    whole = int(value)
    return f"+{whole} %" if whole >= 0 else f"−{-whole} %"


@dataclass(frozen=True)
class Rise:
    """Cases in the recent window against the same days a year before."""

    recent: int
    before: int

    @property
    def more(self) -> int:
        return self.recent - self.before

    @property
    def percent(self) -> float | None:
        """Change in per cent; None when there were no cases a year before."""
        return None if self.before == 0 else 100 * self.more / self.before

    @property
    def rising(self) -> bool:
        """At least MIN_RISE_CASES more and at least MIN_RISE_PERCENT % more (integers, no rounding)."""
        return self.more >= MIN_RISE_CASES and self.more * 100 >= MIN_RISE_PERCENT * self.before

    @property
    def change_text(self) -> str:
        """"+100 %", "−25 %", "±0 %" or "neu" (none a year before)."""
        if self.percent is None:
            return "neu" if self.recent else "±0 %"
        if self.more == 0:
            return "±0 %"
        return _percent_de(self.percent)

    @property
    def text(self) -> str:
        """For the Trend column: "▲ 12 statt 6 (+100 %)"; without ▲ when not rising."""
        core = f"{self.recent} statt {self.before} ({self.change_text})"
        return f"{RISING} {core}" if self.rising else core


def rise(recent: int, before: int) -> Rise:
    return Rise(int(recent), int(before))

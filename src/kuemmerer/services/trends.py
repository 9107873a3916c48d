"""Entwicklung (early warning): requests or contacts per month over the last 24 months, by
Thema or Stadtgebiet, with the groups that rise clearly against a year before
(rule in ``domain/trends.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from kuemmerer.db import trend_queries
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import trends as rule
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.trends import Month, Rise, TrendWindow

from . import validation

NO_CATEGORY = "ohne Thema"
NO_DISTRICT = "unbekannt"
TOTAL = "Zusammen"


class Measure(StrEnum):
    REQUESTS = "anliegen"
    CONTACTS = "kontakte"

    @property
    def label(self) -> str:
        return "Anliegen" if self is Measure.REQUESTS else "Kontakte"


class Dimension(StrEnum):
    CATEGORY = "thema"
    DISTRICT = "stadtgebiet"

    @property
    def label(self) -> str:
        return "Thema" if self is Dimension.CATEGORY else "Stadtgebiet"


E = TypeVar("E", bound=StrEnum)

_QUERY_MEASURE = {Measure.REQUESTS: "requests", Measure.CONTACTS: "contacts"}
_QUERY_DIMENSION = {Dimension.CATEGORY: "category", Dimension.DISTRICT: "district"}


@dataclass(frozen=True)
class TrendRow:
    """One Thema or Stadtgebiet (or the total): cases per month and the trend."""

    label: str
    counts: tuple[int, ...]  # one per month of the table
    rise: Rise
    is_total: bool = False

    @property
    def rising(self) -> bool:
        return self.rise.rising and not self.is_total


@dataclass(frozen=True)
class TrendTable:
    measure: Measure
    dimension: Dimension
    months: tuple[Month, ...]
    window: TrendWindow
    rows: tuple[TrendRow, ...]  # groups in her order, the total last

    @property
    def month_labels(self) -> tuple[str, ...]:
        return tuple(rule.month_label(m) for m in self.months)

    @property
    def rule_text(self) -> str:
        return rule.rule_text(self.window)

    @property
    def rising_rows(self) -> tuple[TrendRow, ...]:
        return tuple(r for r in self.rows if r.rising)

    def sentences(self) -> tuple[str, ...]:
        """One German sentence per rising group."""
        noun = self.measure.label
        out = []
        for r in self.rising_rows:
            what = "Thema" if self.dimension is Dimension.CATEGORY else "Stadtgebiet"
            out.append(f"{what} {r.label}: {r.rise.recent} {noun} seit dem {self.window.start:%d.%m.%Y} statt "
                       f"{r.rise.before} in denselben Tagen ein Jahr zuvor ({r.rise.change_text}).")
        return tuple(out)

    def row(self, label: str) -> TrendRow:
        return next(r for r in self.rows if r.label == label)


def _choice(enum: type[E], value: object, field: str, message: str) -> E:
    try:
        return enum(value if isinstance(value, str) else "")
    except ValueError:
        raise ValidationError.single(field, message) from None


def trend_table(uow: UnitOfWork, measure: Measure | str = Measure.REQUESTS,
                dimension: Dimension | str = Dimension.CATEGORY, *,
                today: dt.date | None = None) -> TrendTable:
    """Cases per month (the last ``MONTHS_SHOWN`` months up to today) per Thema or
    Stadtgebiet, with each group's trend. Active groups are listed even without cases;
    cases without a Thema/Stadtgebiet form "ohne Thema"/"unbekannt"."""
    m = _choice(Measure, measure, "measure", "Bitte Anliegen oder Kontakte wählen.")
    d = _choice(Dimension, dimension, "dimension", "Bitte Thema oder Stadtgebiet wählen.")
    today = today or validation.today()
    months = rule.last_months(today)
    window = TrendWindow.ending(today)
    rows = trend_queries.monthly_counts(uow.session, _QUERY_MEASURE[m], _QUERY_DIMENSION[d],
                                        rule.first_day(months[0]), today, (window.start, window.end),
                                        (window.start_before, window.end_before))
    empty = NO_CATEGORY if d is Dimension.CATEGORY else NO_DISTRICT
    position = {f"{y:04d}-{mo:02d}": i for i, (y, mo) in enumerate(months)}
    counts: dict[str, list[int]] = {}
    windows: dict[str, list[int]] = {}
    for name, month, n, recent, before in rows:
        key = name or empty
        counts.setdefault(key, [0] * len(months))[position[month]] += n
        w = windows.setdefault(key, [0, 0])
        w[0] += recent or 0
        w[1] += before or 0
    names = [n for n, active in trend_queries.group_names(uow.session, _QUERY_DIMENSION[d])
             if active or n in counts]
    names += [n for n in counts if n not in names and n != empty]
    if empty in counts:
        names.append(empty)
    out = []
    for name in names:
        w = windows.get(name, [0, 0])
        out.append(TrendRow(name, tuple(counts.get(name, [0] * len(months))), rule.rise(w[0], w[1])))
    total = tuple(sum(c[i] for c in counts.values()) for i in range(len(months)))
    out.append(TrendRow(TOTAL, total, rule.rise(sum(w[0] for w in windows.values()),
                                                 sum(w[1] for w in windows.values())), is_total=True))
    return TrendTable(m, d, months, window, tuple(out))

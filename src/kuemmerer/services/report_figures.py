"""What the Berichte page shows, as data: the key figures of a period in sections, each
with the one German sentence saying how it is counted (DESIGN.md §4), the breakdowns
(Stadtgebiet, Geschlecht, Altersgruppe, Thema, Monat, Angebot, Ergebnis) and, behind
every count, a ``Drill``: the records that make up that number, counted and paged in SQL.

Figures come from ``statistics.reported``: a frozen calendar year shows its frozen
figures (with the note and how the live data differs); drill-down lists and the
figures per month always come from the live data (the Overview says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kuemmerer.db import report_queries_figures as q
from kuemmerer.db.report_queries_figures import Interrupted as Cancelled
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AgeBand, ContactKind, Gender, ReferralOutcome, RequestStatus
from kuemmerer.domain.periods import MONTHS, Period

from . import settings, statistics
from .dto import Statistics
from .statistics import NO_CATEGORY, UNKNOWN, FigureDifference

__all__ = ["Breakdown", "BreakdownRow", "Cancelled", "Drill", "DrillRow", "DrillTotal", "Figure", "Overview",
           "Section", "drill_columns", "drill_page", "drill_total", "overview"]

PAGE = 200


# --------------------------------------------------------------------------- DTOs

@dataclass(frozen=True)
class Drill:
    """The records behind one count: ``kind`` of record, the period, and filters
    (``(("district", "Kappel"),)``; a filter with None means "none given")."""

    kind: str
    start: dt.date
    end: dt.date
    title: str
    filters: tuple[tuple[str, Any], ...] = ()
    count_attendance: bool = True
    counts_amount: bool = False  # the clicked number is the sum of hours/heads, not the rows

    def filter_dict(self) -> dict[str, Any]:
        return dict(self.filters)

    @property
    def amount_label(self) -> str:
        """What the list's amount column adds up to (German)."""
        if self.kind == "volunteers":
            return "Stunden"
        if self.kind in ("anonymous", "anonymous_sessions"):
            return "anonym Gezählte"
        return "Einträge"


@dataclass(frozen=True)
class Figure:
    key: str  # a Statistics field name ("contacts")
    label: str  # German ("Kontakte")
    value: int | float
    rule: str  # one German sentence: how it is counted
    drill: Drill | None
    unit: str = ""  # "Std." for hours


@dataclass(frozen=True)
class Section:
    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    values: tuple[int, ...]
    drills: tuple[Drill | None, ...]


@dataclass(frozen=True)
class Breakdown:
    key: str  # "by_district", "by_month" …
    title: str
    rule: str
    columns: tuple[str, ...]  # titles of the value columns (the chart shows the first)
    rows: tuple[BreakdownRow, ...]
    live: bool = False  # always from the live data (also in a frozen year)
    chart_column: int = 0  # which value column the bar chart shows

    def value(self, label: str, column: int = 0) -> int:
        return next(r.values[column] for r in self.rows if r.label == label)

    def row(self, label: str) -> BreakdownRow:
        return next(r for r in self.rows if r.label == label)


@dataclass(frozen=True)
class Overview:
    period: Period
    stats: Statistics
    note: str  # where the figures come from (frozen or live), German
    frozen: bool
    differences: tuple[FigureDifference, ...]
    sections: tuple[Section, ...]
    breakdowns: tuple[Breakdown, ...]
    live_note: str = ""  # said in a frozen year: lists and months show the live data

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


@dataclass(frozen=True)
class DrillTotal:
    rows: int  # records in the list
    amount: int | float  # hours (volunteers), anonymous heads, else the rows
    value: int | float  # what the clicked count is: ``amount`` or ``rows``


@dataclass(frozen=True)
class DrillRow:
    id: int | None
    person_id: int | None  # double-click opens the person
    cells: tuple[Any, ...] = field(default=())  # date, str, int or float per column


# --------------------------------------------------------------------------- rules

def rules_text(count_attendance: bool) -> dict[str, str]:
    """Figure key → how it is counted, one German sentence each (DESIGN.md §4)."""
    came = ("mindestens einem Kontakt oder einer Teilnahme an einem Termin" if count_attendance
            else "mindestens einem Kontakt")
    return {
        "participants_named": f"Jede Person mit {came} im Zeitraum zählt einmal, egal wie oft sie kam.",
        "participants_anonymous": "Anonym gezählte Besuche (Strichliste) plus anonyme Teilnehmende an Terminen "
                                  "im Zeitraum; getrennt von den namentlich Gezählten.",
        "contacts": "Jeder Kontakt mit Datum im Zeitraum zählt, auch mehrere derselben Person.",
        "requests_opened": "Anliegen, die im Zeitraum begonnen haben.",
        "requests_closed": "Anliegen, die im Zeitraum abgeschlossen wurden (erledigt oder abgebrochen).",
        "referrals_total": "Vermittlungen mit Datum im Zeitraum, gleich mit welchem Ergebnis.",
        "volunteers_active": "Ehrenamtliche mit mindestens einem Einsatz im Zeitraum; jede Person zählt einmal.",
        "volunteer_hours": "Summe der Stunden aller Einsätze mit Datum im Zeitraum.",
        "volunteers_also_participants": "Ehrenamtliche, die im Zeitraum zugleich als Teilnehmende zählen.",
        "sessions": "Termine von Aktivitäten mit Datum im Zeitraum.",
        "attendance_named": "Jede namentliche Teilnahme an einem Termin im Zeitraum zählt "
                            "(wer an drei Terminen war, zählt dreimal).",
        "attendance_anonymous": "Summe der anonym gezählten Teilnehmenden an Terminen im Zeitraum.",
        "meetings": "Sitzungen von Netzwerken und Gremien mit Datum im Zeitraum.",
        "by_district": "Teilnehmende nach dem Stadtgebiet, das bei der Person eingetragen ist "
                       "(ohne Angabe: unbekannt).",
        "by_gender": "Teilnehmende nach dem bei der Person eingetragenen Geschlecht.",
        "by_age_band": "Teilnehmende nach ihrem Alter am ersten gezählten Tag im Zeitraum.",
        "by_category": "Neue Anliegen (Beginn im Zeitraum) nach ihrem Thema.",
        "by_month": "Je Monat: Teilnehmende, die in diesem Monat zum ersten Mal im Zeitraum gezählt wurden "
                    "(zusammen ergeben sie die Teilnehmenden), Kontakte und neue Anliegen.",
        "by_service": "Vermittlungen im Zeitraum nach dem Angebot, an das vermittelt wurde.",
        "by_outcome": "Vermittlungen im Zeitraum nach ihrem Ergebnis (heutiger Stand).",
    }


LABELS = {
    "participants_named": "Teilnehmende namentlich",
    "participants_anonymous": "Teilnehmende anonym",
    "contacts": "Kontakte",
    "requests_opened": "Anliegen neu",
    "requests_closed": "Anliegen abgeschlossen",
    "referrals_total": "Vermittlungen",
    "volunteers_active": "Ehrenamtliche aktiv",
    "volunteer_hours": "Stunden Ehrenamt",
    "volunteers_also_participants": "davon auch Teilnehmende",
    "sessions": "Termine von Aktivitäten",
    "attendance_named": "Teilnahmen namentlich",
    "attendance_anonymous": "Teilnahmen anonym",
    "meetings": "Netzwerksitzungen",
}

_SECTIONS = (
    ("Teilnehmende", ("participants_named", "participants_anonymous")),
    ("Kontakte und Anliegen", ("contacts", "requests_opened", "requests_closed", "referrals_total")),
    ("Ehrenamt", ("volunteers_active", "volunteer_hours", "volunteers_also_participants")),
    ("Aktivitäten und Netzwerk", ("sessions", "attendance_named", "attendance_anonymous", "meetings")),
)

_DRILL_OF = {  # figure key → drill-down kind
    "participants_named": "participants", "participants_anonymous": "anonymous", "contacts": "contacts",
    "requests_opened": "requests_opened", "requests_closed": "requests_closed", "referrals_total": "referrals",
    "volunteers_active": "volunteers", "volunteer_hours": "volunteers", "sessions": "sessions",
    "attendance_named": "attendance", "attendance_anonymous": "anonymous_sessions", "meetings": "meetings",
}

_AMOUNT = {"participants_anonymous", "volunteer_hours", "attendance_anonymous"}


# --------------------------------------------------------------------------- overview

def overview(uow: UnitOfWork, period: Period, cancelled: Callable[[], bool] | None = None) -> Overview:
    """Everything the Übersicht shows for ``period``. ``cancelled`` is asked while the
    work runs; when it says True the work stops with ``Cancelled``."""
    stop = cancelled or (lambda: False)
    count_attendance = settings.get_counting_rules(uow).count_attendance
    with q.interruptible(uow.session, stop):
        reported = statistics.reported(uow, period.start, period.end)
        if stop():
            raise Cancelled()
        months = q.monthly(uow.session, period.start, period.end, count_attendance=count_attendance)
    s = reported.stats
    rules = rules_text(count_attendance)

    def drill(kind: str, title: str, filters: tuple = (), start: dt.date = period.start,
              end: dt.date = period.end, amount: bool = False) -> Drill:
        return Drill(kind, start, end, f"{title} – {period.label}", filters, count_attendance, amount)

    sections = tuple(
        Section(title, tuple(
            Figure(key, LABELS[key], getattr(s, key), rules[key],
                   drill(_DRILL_OF[key], LABELS[key], amount=key in _AMOUNT) if key in _DRILL_OF else None,
                   "Std." if key == "volunteer_hours" else "")
            for key in keys))
        for title, keys in _SECTIONS)

    def table(key: str, title: str, column: str, data: dict[str, int], drill_for) -> Breakdown:
        rows = tuple(BreakdownRow(label, (n,), (drill_for(label),)) for label, n in data.items())
        return Breakdown(key, title, rules[key], (column,), rows)

    participants = "Teilnehmende namentlich"
    gender_value = {g.label: g.value for g in Gender}
    band_value = {a.label: a.value for a in AgeBand}
    outcome_value = {o.label: o.value for o in ReferralOutcome}
    breakdowns = [
        table("by_district", "Nach Stadtgebiet", "Teilnehmende", s.by_district,
              lambda label: drill("participants", f"{participants}, Stadtgebiet {label}",
                                  (("district", None if label == UNKNOWN else label),))),
        table("by_gender", "Nach Geschlecht", "Teilnehmende", s.by_gender,
              lambda label: drill("participants", f"{participants}, {label}",
                                  (("gender", gender_value.get(label, label)),))),
        table("by_age_band", "Nach Altersgruppe", "Teilnehmende", s.by_age_band,
              lambda label: drill("participants", f"{participants}, Alter {label}",
                                  (("age_band", band_value.get(label, label)),))),
        table("by_category", "Anliegen nach Thema", "Anliegen neu", s.requests_by_category,
              lambda label: drill("requests_opened", f"Anliegen neu, Thema {label}",
                                  (("category", None if label == NO_CATEGORY else label),))),
        _by_month(period, months, rules["by_month"], drill),
        table("by_service", "Vermittlungen nach Angebot", "Vermittlungen", s.referrals_by_service,
              lambda label: drill("referrals", f"Vermittlungen an {label}", (("service", label),))),
        table("by_outcome", "Vermittlungen nach Ergebnis", "Vermittlungen", s.referrals_by_outcome,
              lambda label: drill("referrals", f"Vermittlungen, Ergebnis {label}",
                                  (("outcome", outcome_value.get(label, label)),))),
    ]
    frozen = reported.frozen is not None
    live_note = ("Die Listen hinter den Zahlen und die Zahlen je Monat zeigen die aktuellen Daten."
                 if frozen else "")
    return Overview(period, s, reported.note, frozen,
                    reported.frozen.differences if reported.frozen is not None else (),
                    sections, tuple(breakdowns), live_note)


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def _by_month(period: Period, months: dict[str, tuple[int, int, int]], rule: str, drill) -> Breakdown:
    rows = []
    for year, month in period.months():
        first = max(period.start, dt.date(year, month, 1))
        last = min(period.end, Period.month(year, month).end)
        values = months.get(f"{year:04d}-{month:02d}", (0, 0, 0))
        label = month_label(year, month)
        rows.append(BreakdownRow(label, values, (
            drill("participants", f"Teilnehmende, erstmals gezählt im {label}",
                  (("first_from", first), ("first_to", last))),
            drill("contacts", f"Kontakte im {label}", (), first, last),
            drill("requests_opened", f"Anliegen neu im {label}", (), first, last),
        )))
    return Breakdown("by_month", "Nach Monat", rule, ("Teilnehmende erstmals", "Kontakte", "Anliegen neu"),
                     tuple(rows), live=True, chart_column=1)


# --------------------------------------------------------------------------- drill-down

_COLUMNS = {
    "participants": ("Name", "erstmals gezählt", "Stadtgebiet", "Geschlecht", "Altersgruppe"),
    "contacts": ("Datum", "Person", "Art", "Thema", "Dauer (Min.)"),
    "requests_opened": ("Beginn", "Person", "Anliegen", "Thema", "Stand", "abgeschlossen"),
    "requests_closed": ("abgeschlossen", "Person", "Anliegen", "Thema", "Stand", "Beginn"),
    "referrals": ("Datum", "Person", "Angebot", "Partner", "Ergebnis"),
    "volunteers": ("Name", "Einsätze", "Stunden"),
    "sessions": ("Datum", "Aktivität", "namentlich", "anonym"),
    "attendance": ("Datum", "Aktivität", "Person"),
    "anonymous": ("Datum", "Herkunft", "Art / Aktivität", "Anzahl"),
    "anonymous_sessions": ("Datum", "Herkunft", "Aktivität", "Anzahl"),
    "meetings": ("Datum", "Uhrzeit", "Netzwerk", "Ort"),
}


def drill_columns(kind: str) -> tuple[str, ...]:
    return _COLUMNS[kind]


def drill_total(uow: UnitOfWork, d: Drill) -> DrillTotal:
    """How many records the list has and the number they add up to (rows; hours for
    volunteers; heads for anonymous counts)."""
    rows, amount = q.drill_total(uow.session, d.kind, d.start, d.end, d.filter_dict(),
                                 count_attendance=d.count_attendance)
    total: int | float = rows
    if d.kind == "volunteers":
        total = round(amount / 60, 2)
    elif d.kind in ("anonymous", "anonymous_sessions"):
        total = amount
    return DrillTotal(rows, total, total if d.counts_amount else rows)


def _name(last: str | None, first: str | None) -> str:
    return f"{last}, {first}" if first else (last or "")


_GENDER = Gender.labels()
_BAND = AgeBand.labels()
_KIND = ContactKind.labels()
_STATUS = RequestStatus.labels()
_OUTCOME = ReferralOutcome.labels()


def drill_page(uow: UnitOfWork, d: Drill, offset: int = 0, limit: int = PAGE) -> list[DrillRow]:
    """One page of the records behind a count, in the order of ``drill_columns``."""
    raw = q.drill_rows(uow.session, d.kind, d.start, d.end, d.filter_dict(), offset, limit,
                       count_attendance=d.count_attendance)
    out = []
    for r in raw:
        k = d.kind
        if k == "participants":
            pid, last, first, day, district, gender, band = r
            out.append(DrillRow(pid, pid, (_name(last, first), day, district or UNKNOWN,
                                           _GENDER.get(gender, gender), _BAND.get(band, band))))
        elif k == "contacts":
            cid, pid, day, last, first, kind, category, minutes = r
            out.append(DrillRow(cid, pid, (day, _name(last, first), _KIND.get(kind, kind), category or "",
                                           minutes)))
        elif k in ("requests_opened", "requests_closed"):
            rid, pid, opened, closed, last, first, title, category, status = r
            when, other = (opened, closed) if k == "requests_opened" else (closed, opened)
            out.append(DrillRow(rid, pid, (when, _name(last, first), title, category or NO_CATEGORY,
                                           _STATUS.get(status, status), other)))
        elif k == "referrals":
            fid, pid, day, last, first, service, organisation, outcome = r
            out.append(DrillRow(fid, pid, (day, _name(last, first), service, organisation,
                                           _OUTCOME.get(outcome, outcome))))
        elif k == "volunteers":
            pid, last, first, n, minutes = r
            out.append(DrillRow(pid, pid, (_name(last, first), n, round((minutes or 0) / 60, 2))))
        elif k == "sessions":
            sid, day, activity, named, anonymous = r
            out.append(DrillRow(sid, None, (day, activity, named, anonymous)))
        elif k == "attendance":
            aid, pid, day, last, first, activity = r
            out.append(DrillRow(aid, pid, (day, activity, _name(last, first))))
        elif k in ("anonymous", "anonymous_sessions"):
            ident, source, day, what, amount = r
            origin = "Strichliste" if source == "strichliste" else "Termin"
            out.append(DrillRow(ident, None, (day, origin, _KIND.get(what, what) if source == "strichliste" else what,
                                              amount)))
        elif k == "meetings":
            mid, day, start, network, location = r
            out.append(DrillRow(mid, None, (day, f"{start:%H:%M}" if start else "", network, location or "")))
    return out

"""Aufbewahrung (DESIGN.md §5): list the residents whose data is due for erasure, preview
what erasing them removes and how the live statistics of the open years change, erase them
after a confirmation (each through ``persons.delete_person``: finished years are frozen first,
the erasure is journalled by id and re-applied after a restore), and remind her on Heute.

The rule is ``domain.retention``. The reminder: while residents are due, Heute shows one line
until she opens the Aufbewahrung page or hides the line; that month is then stored
("retention.reminded_month") and the line comes back in the next calendar month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kuemmerer.db import queries, retention_queries
from kuemmerer.db.models import Person
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import retention as rule
from kuemmerer.domain.errors import ValidationError

from . import persons, settings, statistics, validation
from .listing import display_name
from .statistics import FigureDifference

YEARS_KEY = "retention.years"
REMINDED_KEY = "retention.reminded_month"

# what erasing a person removes, in the order she reads it: key of
# queries.person_linked_counts -> (one, many)
LINKED_LABELS: dict[str, tuple[str, str]] = {
    "contacts": ("Kontakt", "Kontakte"),
    "requests": ("Anliegen", "Anliegen"),
    "referrals": ("Vermittlung", "Vermittlungen"),
    "consents": ("Einwilligung", "Einwilligungen"),
    "attendances": ("Teilnahme", "Teilnahmen"),
    "meeting_participations": ("Sitzungsteilnahme", "Sitzungsteilnahmen"),
    "volunteer": ("Ehrenamtsprofil", "Ehrenamtsprofile"),
    "assignments": ("Einsatz", "Einsätze"),
}

NOTHING_SELECTED = "Bitte mindestens eine Person auswählen."
BAD_SELECTION = "Die Auswahl enthält etwas, das keine Person ist."
BAD_DAY = "Bitte ein gültiges Datum angeben."
FUTURE_DAY = "Gelöscht wird nach dem heutigen Stand, nicht nach einem Tag in der Zukunft."
YEARS_RANGE = f"Bitte eine Zahl von {rule.MIN_YEARS} bis {rule.MAX_YEARS} Jahren eingeben."


def linked_text(counts: dict[str, int]) -> str:
    """"3 Kontakte, 1 Anliegen" — what goes with a person (or with several); "" if nothing."""
    parts = []
    for key, (one, many) in LINKED_LABELS.items():
        n = counts.get(key, 0)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)


@dataclass(frozen=True)
class DuePerson:
    """A resident whose data is due for erasure, and what erasing them removes."""

    id: int
    name: str
    last_activity: dt.date
    kept_until: dt.date  # 31.12. of the last activity's year + the setting
    linked: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        """How many linked records go with the person."""
        return sum(self.linked.values())

    @property
    def linked_text(self) -> str:
        return linked_text(self.linked) or "nur die Personendaten"


@dataclass(frozen=True)
class YearChange:
    """How the live figures of one year not frozen yet change when the persons are erased."""

    year: int
    freezes_first: bool  # a finished year: frozen before the erasure, so its reported figures stay
    differences: tuple[FigureDifference, ...]  # frozen = before, live = after

    @property
    def label(self) -> str:
        if self.freezes_first:
            return (f"{self.year} (abgeschlossen: wird vor dem Löschen eingefroren, die berichteten "
                    "Zahlen bleiben; nur die aktuellen Zahlen ändern sich)")
        return f"{self.year} (offen)"


@dataclass(frozen=True)
class Preview:
    """What erasing the chosen due persons removes, and how the open years' figures change."""

    persons: tuple[DuePerson, ...]
    not_due: int  # chosen ids that are (no longer) due: they would not be erased
    years: tuple[YearChange, ...]  # only years whose figures change
    frozen_years: tuple[int, ...]  # already frozen: their reported figures stay unchanged

    @property
    def records(self) -> int:
        return sum(p.records for p in self.persons)

    @property
    def linked(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for p in self.persons:
            for key, n in p.linked.items():
                total[key] = total.get(key, 0) + n
        return total

    def summary(self) -> str:
        """German lines: who and what would be erased, and what happens to the statistics."""
        n = len(self.persons)
        lines = [f"Gelöscht würden: {_persons(n)}"
                 + (f", {linked_text(self.linked)}." if self.records else " (nur die Personendaten).")]
        if self.not_due:
            one = self.not_due == 1
            lines.append(f"{_persons(self.not_due)} der Auswahl {'ist' if one else 'sind'} nicht (mehr) "
                         f"fällig und {'wird' if one else 'werden'} nicht gelöscht.")
        if self.frozen_years:
            lines.append(f"Eingefrorene Jahre ({_years(self.frozen_years)}) behalten ihre berichteten Zahlen.")
        if not self.years:
            lines.append("Die Zahlen der noch nicht eingefrorenen Jahre ändern sich nicht.")
        for change in self.years:
            lines.append(f"Statistik {change.label}:")
            for d in change.differences:
                lines.append(f"  {d.label}: {_num(d.frozen)} → {_num(d.live)}")
        return "\n".join(lines)


def _persons(n: int) -> str:
    return "1 Person" if n == 1 else f"{n} Personen"


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def _num(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))


# --------------------------------------------------------------------------- the setting


def get_years(uow: UnitOfWork) -> int:
    """Years after the end of the year of last activity (default 3)."""
    value = settings.get_value(uow, YEARS_KEY)
    if isinstance(value, int) and not isinstance(value, bool) and rule.MIN_YEARS <= value <= rule.MAX_YEARS:
        return value
    return rule.DEFAULT_YEARS


def set_years(uow: UnitOfWork, years: Any) -> int:
    """Store the retention period in years (1–30); German ValidationError on "years"."""
    form = validation.Form({"years": years})
    number = form.integer("years", required=True)
    if form.ok("years") and number is not None and not rule.MIN_YEARS <= number <= rule.MAX_YEARS:
        form.error("years", YEARS_RANGE)
    form.done()
    assert number is not None, "a required integer without error is a number"
    settings.set_value(uow, YEARS_KEY, number)
    return number


def rule_sentence(uow: UnitOfWork) -> str:
    return rule.rule_sentence(get_years(uow))


# --------------------------------------------------------------------------- who is due


def _due_rows(uow: UnitOfWork, today: dt.date, years: int) -> Sequence:
    return retention_queries.due_persons(uow.session, rule.last_day_due(today, years))


def due_persons(uow: UnitOfWork, today: dt.date | None = None) -> list[DuePerson]:
    """The residents the rule selects on ``today`` (German name order), each with their last
    activity and what erasing them removes."""
    today = today or validation.today()
    years = get_years(uow)
    rows = _due_rows(uow, today, years)
    linked = retention_queries.linked_counts(uow.session, [r.id for r in rows])
    return [DuePerson(r.id, display_name(r.last_name, r.first_name), r.last_activity,
                      rule.keep_until(r.last_activity, years), linked[r.id])
            for r in rows]


def count_due(uow: UnitOfWork, today: dt.date | None = None) -> int:
    today = today or validation.today()
    return retention_queries.count_due(uow.session, rule.last_day_due(today, get_years(uow)))


def _clean_ids(ids: Any) -> list[int]:
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise ValidationError.single("ids", BAD_SELECTION)
    clean: list[int] = []
    for value in ids:
        ident = validation.as_id(value)
        if ident is None:
            raise ValidationError.single("ids", BAD_SELECTION)
        if ident not in clean:
            clean.append(ident)
    if not clean:
        raise ValidationError.single("ids", NOTHING_SELECTED)
    return clean


def _still_due(uow: UnitOfWork, ids: list[int], today: dt.date, years: int) -> list[int]:
    """Those of ``ids`` that exist and are due on ``today`` now (re-checked in the database)."""
    last = retention_queries.last_activity_of(uow.session, ids)
    return [i for i in ids if i in last and rule.is_due(last[i][0], today, years, active_volunteer=last[i][1])]


# --------------------------------------------------------------------------- preview


def statistics_preview(uow: UnitOfWork, ids: Any, today: dt.date | None = None) -> Preview:
    """What erasing the due persons among ``ids`` removes, and per year not frozen yet the
    figures that change (before → after). "After" is computed in a transaction that deletes
    them and is rolled back: the same counting rules, nothing written."""
    today = today or validation.today()
    chosen = _clean_ids(ids)
    years = get_years(uow)
    due_ids = _still_due(uow, chosen, today, years)
    rows = {r.id: r for r in _due_rows(uow, today, years)}
    linked = retention_queries.linked_counts(uow.session, due_ids)
    people = tuple(DuePerson(i, display_name(rows[i].last_name, rows[i].first_name), rows[i].last_activity,
                             rule.keep_until(rows[i].last_activity, years), linked[i])
                   for i in due_ids if i in rows)
    frozen = set(queries.frozen_years(uow.session))
    # only the years with their activity can change; frozen ones keep their figures anyway
    open_years = sorted(retention_queries.activity_years(uow.session, [p.id for p in people]) - frozen)
    changes: list[YearChange] = []
    if people and open_years:
        before = {y: statistics.compute(uow, *statistics.year_period(y)) for y in open_years}
        try:
            for p in people:
                person = uow.find(Person, p.id)
                if person is not None:
                    uow.delete(person)
            uow.flush()
            after = {y: statistics.compute(uow, *statistics.year_period(y)) for y in open_years}
        finally:
            uow.rollback()
        for y in open_years:
            diff = statistics.differences(before[y], after[y])
            if diff:
                changes.append(YearChange(y, y < today.year, diff))
    return Preview(people, len(chosen) - len(people), tuple(changes), tuple(sorted(frozen)))


# --------------------------------------------------------------------------- erasure


def _erasure_day(today: Any) -> dt.date:
    """The day the rule is checked against for an erasure: the clock's day, or an earlier one
    (a later day would erase persons who are not due yet)."""
    now = validation.today()
    if today is None:
        return now
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise ValidationError.single("today", BAD_DAY)
    if today > now:
        raise ValidationError.single("today", FUTURE_DAY)
    return today


def erase_due(uow: UnitOfWork, ids: Any, today: dt.date | None = None) -> int:
    """Erase the persons among ``ids`` that are still due (re-checked now: one who got a new
    contact since the list was shown stays). Each goes through ``persons.delete_person``:
    finished years are frozen first, the erasure is journalled (ids only) and the file
    checkpointed. Returns how many persons were erased."""
    today = _erasure_day(today)
    chosen = _clean_ids(ids)
    due = _still_due(uow, chosen, today, get_years(uow))
    for person_id in due:
        persons.delete_person(uow, person_id)
    return len(due)


# --------------------------------------------------------------------------- Heute


def _month(today: dt.date) -> str:
    return f"{today:%Y-%m}"


def reminder(uow: UnitOfWork, today: dt.date | None = None) -> str | None:
    """The line for Heute while residents are due, once per calendar month: None if there
    is nobody due or she has opened the Aufbewahrung page (or hidden the line) this month."""
    today = today or validation.today()
    if settings.get_value(uow, REMINDED_KEY) == _month(today):
        return None
    n = count_due(uow, today)
    if n == 0:
        return None
    return (f"Aufbewahrung: {_persons(n)} ohne Kontakt seit über {rule.years_text(get_years(uow))} "
            "– bitte prüfen.")


def mark_reminded(uow: UnitOfWork, today: dt.date | None = None) -> bool:
    """She has seen the Aufbewahrung page or hidden the line: no reminder until next month.
    True if this changed anything (Heute then hides the line)."""
    today = today or validation.today()
    if settings.get_value(uow, REMINDED_KEY) == _month(today):
        return False
    settings.set_value(uow, REMINDED_KEY, _month(today))
    return True

"""Aufbewahrung (DESIGN.md §5): when a resident's personal data is due for erasure.

The rule: a person is *due* when the end of the calendar year of their last activity plus
``years`` (a setting, default 3) lies before today. Their *last activity* is the latest of:
a contact, a session they attended, a request opened or closed, a referral made, its outcome
or its closing, a consent given or withdrawn, a volunteer's start, end or Einsatz, a network
meeting they took part in. A person with no activity at all counts from the day they were
entered. A volunteer who is still active (no end date) is never due.

Plain Python: the database side (``db.retention_queries``) finds the last activity per person
with one grouped query and selects with ``last_day_due``; this module is the one place the
rule is written down.
"""

from __future__ import annotations

import datetime as dt

DEFAULT_YEARS = 3
MIN_YEARS = 1
MAX_YEARS = 30


def last_day_due(today: dt.date, years: int) -> dt.date:
    """The latest last-activity day that is due on ``today``: 31.12. of the year
    ``today.year - years - 1`` (e.g. 31.12.2022 on 01.01.2026 with 3 years)."""
    year = today.year - years - 1
    return dt.date(year, 12, 31) if year >= dt.MINYEAR else dt.date.min


def keep_until(last_activity: dt.date, years: int) -> dt.date:
    """The last day the data is kept: 31.12. of the year of the last activity plus ``years``."""
    return dt.date(min(last_activity.year + years, dt.MAXYEAR), 12, 31)


def is_due(last_activity: dt.date, today: dt.date, years: int, *, active_volunteer: bool = False) -> bool:
    """True when the person's data is due for erasure on ``today``."""
    if active_volunteer:
        return False
    return keep_until(last_activity, years) < today


def years_text(years: int) -> str:
    """"einem Jahr" / "3 Jahren" (after "seit über")."""
    return "einem Jahr" if years == 1 else f"{years} Jahren"


def rule_sentence(years: int) -> str:
    """The rule in one German sentence (shown on the Aufbewahrung page)."""
    span = "ein Jahr" if years == 1 else f"{years} Jahre"
    return (f"Zur Löschung vorgeschlagen wird, wessen letzte Aktivität in einem Jahr liegt, dessen Ende mehr "
            f"als {span} zurückliegt – Aktivität ist ein Kontakt, eine Teilnahme, ein Anliegen (eröffnet oder "
            "abgeschlossen), eine Vermittlung, eine Einwilligung, ein Einsatz oder eine Sitzung; wer nie eine "
            "hatte, zählt ab dem Tag der Anlage; aktive Ehrenamtliche (ohne Enddatum) werden nie vorgeschlagen.")

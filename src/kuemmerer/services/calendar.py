"""Kalender exportieren: every meeting and her open follow-ups as calendar entries.

An entry names no resident: "Wiedervorlage Anliegen Nr. 123", "Nachfrage Vermittlung
Nr. 45", "Aufgabe Nr. 7 fällig (Stadtteilrunde …)". Each has a UID made of its kind, id and
creation time, so importing a newer export updates the entries instead of doubling them
(and two databases never share one), and a SEQUENCE that grows whenever it was changed.
The file itself is written by ``exports.ics`` (services never import exports).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kuemmerer.db import calendar_queries as q
from kuemmerer.db.uow import UnitOfWork

from . import validation
from .dto import CalendarData, CalendarEntry
from .validation import Form

DEFAULT_BACK = dt.timedelta(days=90)
DEFAULT_AHEAD = dt.timedelta(days=366)
MAX_SPAN = dt.timedelta(days=366 * 5)
FOLLOW_UP_TITLES = {"request": "Wiedervorlage Anliegen Nr. {id}", "referral": "Nachfrage Vermittlung Nr. {id}",
                    "task": "Aufgabe Nr. {id} fällig"}


def _uid(kind: str, ident: int, created: dt.datetime) -> str:
    return f"{kind}-{ident}-{created:%Y%m%dT%H%M%S}@kuemmerer"


def _sequence(created: dt.datetime, modified: dt.datetime) -> int:
    """Seconds between creation and the last change: 0 for a new entry, more after each change."""
    return max(0, int((modified - created).total_seconds()))


def _range(start: Any, end: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    form = Form({"start": start, "end": end})
    first = form.date("start") or today - DEFAULT_BACK
    last = form.date("end") or max(first, today) + DEFAULT_AHEAD
    if form.ok("start", "end"):
        if last < first:
            form.error("end", "Das Ende liegt vor dem Anfang.")
        elif last - first > MAX_SPAN:
            form.error("end", "Höchstens fünf Jahre auf einmal.")
    form.done()
    return first, last


def calendar_data(uow: UnitOfWork, start: Any = None, end: Any = None, *, today: dt.date | None = None) -> CalendarData:
    """Meetings and open follow-ups from ``start`` to ``end`` (default: 90 days back to a year ahead)."""
    first, last = _range(start, end, today or validation.today())
    entries = []
    for m in q.meetings_between(uow.session, first, last):
        entries.append(CalendarEntry(
            _uid("sitzung", m.id, m.created_at), m.network, m.date, m.start_time,
            m.end_time if m.start_time else None, m.location, f"Sitzung Nr. {m.id} – {m.network} (aus Kümmerer)",
            m.created_at, m.updated_at, _sequence(m.created_at, m.updated_at)))
    for kind, ident, day, network, created, modified in q.follow_ups_between(uow.session, first, last):
        summary = FOLLOW_UP_TITLES[kind].format(id=ident) + (f" ({network})" if network else "")
        entries.append(CalendarEntry(
            _uid(f"wiedervorlage-{kind}", ident, created), summary, day, None, None, None,
            f"{summary} – Einzelheiten in Kümmerer.", created, modified, _sequence(created, modified)))
    return CalendarData(first, last, tuple(sorted(entries, key=lambda e: (e.day, e.start or dt.time(0), e.uid))))


def check_range(start: Any, end: Any) -> None:
    """Raise the German ``ValidationError`` for a bad range before anything is opened (CLI)."""
    _range(start, end, validation.today())



"""Dates of a series of sessions: "every Tuesday 15–17 h until …", "every other Thursday"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

MAX_SESSIONS = 260  # five years of weekly sessions


def series_dates(first: dt.date, until: dt.date, weekdays: Iterable[int] = (), every_weeks: int = 1) -> list[dt.date]:
    """Every date from ``first`` to ``until`` (both included) that falls on one of ``weekdays``
    (0 = Monday; none given: the weekday of ``first``), in every ``every_weeks``-th week counted
    from the week of ``first``. At most ``MAX_SESSIONS`` dates (the caller says when it is more)."""
    days = sorted(set(weekdays)) or [first.weekday()]
    if every_weeks < 1:
        raise ValueError("every_weeks must be at least 1")
    week_start = first - dt.timedelta(days=first.weekday())
    out: list[dt.date] = []
    week = 0
    while True:
        monday = week_start + dt.timedelta(weeks=week)
        if monday > until:
            return out
        for day in days:
            date = monday + dt.timedelta(days=day)
            if first <= date <= until:
                out.append(date)
                if len(out) > MAX_SESSIONS:
                    return out
        week += every_weeks

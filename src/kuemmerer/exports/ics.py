"""Kalender exportieren: ``services.calendar`` data as an iCalendar file (RFC 5545) with the
``icalendar`` package: times in Europe/Berlin with a VTIMEZONE for the years in the file,
all-day entries for follow-ups, stable UIDs. Outlook and Thunderbird import it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar

if TYPE_CHECKING:
    from kuemmerer.services.dto import CalendarData

PRODID = "-//Kuemmerer//Stadtteilbuero//DE"


def _utc(naive: dt.datetime) -> dt.datetime:
    return naive.replace(tzinfo=dt.UTC)


def ics_bytes(data: CalendarData, *, stamp: dt.datetime | None = None) -> bytes:
    zone = ZoneInfo(data.time_zone)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Kümmerer – Termine")
    cal.add("x-wr-timezone", data.time_zone)
    now = stamp or dt.datetime.now(dt.UTC)
    for e in data.entries:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("summary", e.summary)
        event.add("dtstamp", now)
        event.add("created", _utc(e.created))
        event.add("last-modified", _utc(e.modified))
        event.add("sequence", e.sequence)
        if e.start is None:
            event.add("dtstart", e.day)
            event.add("dtend", e.day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            begin = dt.datetime.combine(e.day, e.start, tzinfo=zone)
            event.add("dtstart", begin)
            finish = dt.datetime.combine(e.day, e.end, tzinfo=zone) if e.end else begin + dt.timedelta(hours=2)
            event.add("dtend", finish)
        if e.location:
            event.add("location", e.location)
        event.add("description", e.description)
        cal.add_component(event)
    cal.add_missing_timezones(first_date=dt.date(data.start.year - 1, 1, 1),
                              last_date=dt.date(data.end.year + 2, 1, 1))
    return cal.to_ical()

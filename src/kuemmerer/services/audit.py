"""Protokoll: the audit log as she reads it — what happened (action) to which kind of record
(Bereich) and its number, when (local time). Ids and actions only, never names or values.

Filtered (from–to in local days, action, Bereich, record number) and paged in SQL; the same
filter gives the export (``export``: a ``services.exports.ListExport`` for
``kuemmerer.exports.xlsx.save_table``) with exactly the rows and values the list shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kuemmerer.db import audit_queries
from kuemmerer.db.audit_queries import AuditFilter
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.dates import DateKind
from kuemmerer.domain.enums import AuditAction
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import fold

from . import validation
from .exports import DATETIME, INT, PAGE_SIZE, TEXT, ExportColumn, ListExport
from .validation import Form

# the kind of record an event names (a table, or what a non-table event is about) in her words
ENTITY_LABELS: dict[str, str] = {
    "persons": "Person",
    "requests": "Anliegen",
    "contacts": "Kontakt",
    "anonymous_tallies": "Anonymer Kontakt",
    "referrals": "Vermittlung",
    "consents": "Einwilligung",
    "organisations": "Partner",
    "services": "Angebot",
    "organisation_services": "Angebot eines Partners",
    "opening_hours": "Öffnungszeit",
    "districts": "Stadtgebiet",
    "district_streets": "Straße (Stadtgebiet)",
    "categories": "Thema",
    "action_fields": "Handlungsfeld",
    "tags": "Schlagwort",
    "volunteer_tags": "Schlagwort (Ehrenamt)",
    "settings": "Einstellung",
    "year_statistics": "Eingefrorene Jahreszahlen",
    "volunteers": "Ehrenamt",
    "volunteer_inquiries": "Anfrage (Ehrenamt)",
    "activities": "Aktivität",
    "sessions": "Termin einer Aktivität",
    "session_headcounts": "Anonyme Zählung eines Termins",
    "attendances": "Teilnahme",
    "assignments": "Einsatz",
    "networks": "Gremium",
    "network_members": "Mitglied eines Netzwerks",
    "meetings": "Sitzung",
    "agenda_items": "Tagesordnungspunkt",
    "meeting_participants": "Sitzungsteilnahme",
    "action_items": "Aufgabe",
    "attachments": "Anhang",
    "erasures": "Löschjournal",
    "imports": "Import",
    "import_items": "Eintrag aus einem Import",
    "person_search_words": "Suchindex (Personen)",  # kept by triggers, never audited
    "request_search_words": "Suchindex (Anliegen)",
    "report_texts": "Berichtstext",
    "issued_reports": "Bericht",
    "database": "Datenbank",
    "demo": "Demodaten",
}

COLUMNS = (ExportColumn("Nr.", INT), ExportColumn("Zeitpunkt", DATETIME), ExportColumn("Aktion", TEXT),
           ExportColumn("Bereich", TEXT), ExportColumn("Datensatz-Nr.", INT))
SHEET_TITLE = "Protokoll"
PRIVACY_NOTE = ("Das Protokoll hält nur fest, was wann mit welchem Datensatz geschah (Nummer und Aktion) – "
                "nie Namen, Notizen oder andere Inhalte.")
_MAX_ENTITY = 40  # as the column


def entity_label(entity: str | None) -> str:
    """The Bereich in her words; a kind without a German name is shown readably, not hidden."""
    if not entity:
        return "unbekannt"
    label = ENTITY_LABELS.get(entity)
    if label is not None:
        return label
    return f"Sonstiges ({entity.replace('_', ' ')})"


def action_label(action: str | None) -> str:
    try:
        return AuditAction(action or "").label
    except ValueError:
        return str(action or "unbekannt")


@dataclass(frozen=True)
class AuditQuery:
    """The Protokoll's filter. Days are local days (``dt.date`` or German text such as
    "16.12.2026" or "heute"), both inclusive; ``action`` an ``AuditAction`` value; ``entity``
    the kind (``ENTITY_LABELS`` key); ``entity_id`` one record's number; None = any."""

    date_from: dt.date | str | None = None
    date_to: dt.date | str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: int | str | None = None
    descending: bool = True  # newest first


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # local time, to the second
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: int | None

    @property
    def at_text(self) -> str:
        return self.at.strftime("%d.%m.%Y %H:%M:%S")

    def as_export_row(self) -> tuple:
        return (self.id, self.at, self.action_label, self.entity_label, self.entity_id)


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    """The start of local ``day`` as naive UTC (as ``at`` is stored)."""
    return dt.datetime.combine(day, dt.time.min).astimezone(dt.UTC).replace(tzinfo=None)


def to_local(at: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC) as naive local time, to the second."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().replace(tzinfo=None, microsecond=0)


def _filter(q: object) -> AuditFilter:
    """``q`` checked: German messages per field (date_from, date_to, action, entity, entity_id)."""
    if q is None:
        return AuditFilter()
    if not isinstance(q, AuditQuery):
        raise ValidationError.single("query", "Diese Filter gehören nicht zum Protokoll.")
    form = Form({"date_from": q.date_from, "date_to": q.date_to, "action": q.action, "entity": q.entity,
                 "entity_id": q.entity_id})
    start = form.date("date_from", kind=DateKind.ORDINARY)
    end = form.date("date_to", kind=DateKind.ORDINARY)
    action = form.choice("action", AuditAction, required=False)
    entity = _entity(form)
    entity_id = _entity_id(form)
    if start is not None and end is not None and end < start:
        form.error("date_to", "„bis“ darf nicht vor „von“ liegen.")
    if not isinstance(q.descending, bool):
        form.error("descending", "Bitte die Reihenfolge als ja/nein angeben.")
    form.done()
    return AuditFilter(
        start=_local_midnight_utc(start) if start is not None else None,
        end=_local_midnight_utc(end + dt.timedelta(days=1)) if end is not None else None,
        action=action, entity=entity, entity_id=entity_id)


def _entity(form: Form) -> str | None:
    value = form.raw("entity")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        form.error("entity", "Bitte einen Bereich aus der Liste wählen.")
        return None
    text = value.strip()
    by_label = {label: key for key, label in ENTITY_LABELS.items()}
    text = by_label.get(text, text)
    if not text or len(text) > _MAX_ENTITY or not text.isprintable():
        form.error("entity", "Unbekannter Bereich. Bitte einen Bereich aus der Liste wählen.")
        return None
    return text


def _entity_id(form: Form) -> int | None:
    value = form.raw("entity_id")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ident = validation.as_id(value)
    if ident is None:
        form.error("entity_id", "Bitte eine Datensatz-Nummer (ganze Zahl ab 1) eingeben.")
    return ident


def check(q: AuditQuery | None) -> None:
    """Raise the German ValidationError a bad filter gets (for the form, before a query)."""
    _filter(q)


def count(uow: UnitOfWork, q: AuditQuery | None = None) -> int:
    """How many events the filter ``q`` lets through."""
    return audit_queries.event_count(uow, _filter(q))


def _row(r: Any) -> AuditRow:
    at = r.at if isinstance(r.at, dt.datetime) else dt.datetime.fromisoformat(str(r.at))
    return AuditRow(r.id, to_local(at), r.action, action_label(r.action), r.entity, entity_label(r.entity),
                    r.entity_id)


def page(uow: UnitOfWork, q: AuditQuery | None, offset: int, limit: int) -> list[AuditRow]:
    """One page of the filtered log in its order (newest first unless ``q.descending`` is False)."""
    f = _filter(q)
    descending = q.descending if q is not None else True
    offset = max(0, int(offset))
    limit = max(0, int(limit))
    return [_row(r) for r in audit_queries.event_rows(uow, f, offset=offset, limit=limit, descending=descending)]


def actions() -> list[tuple[str, str]]:
    """Every action as ``(value, German label)`` in the enum's order (for a filter box)."""
    return [(a.value, a.label) for a in AuditAction]


def entities(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The kinds that occur in the log as ``(kind, German label)``, in German order."""
    found = [(e, entity_label(e)) for e in audit_queries.entities_present(uow)]
    return sorted(found, key=lambda item: (fold(item[1]), item[1]))


def file_name(today: dt.date | None = None) -> str:
    """No personal data, no blanks: "Protokoll_2026-12-06.xlsx"."""
    return f"{SHEET_TITLE}_{(today or validation.today()).isoformat()}.xlsx"


def export(uow: UnitOfWork, q: AuditQuery | None = None, *, today: dt.date | None = None,
           page_size: int = PAGE_SIZE) -> ListExport:
    """The filtered log as the list shows it (same rows, order and values) for
    ``kuemmerer.exports.xlsx.save_table``; ``pages()`` reads through ``uow``: iterate it while
    that unit of work is open. Pages by key, so a long log is never scanned by OFFSET."""
    f = _filter(q)
    descending = q.descending if q is not None else True
    page_size = max(1, int(page_size))
    total = audit_queries.event_count(uow, f)

    def pages() -> Iterator[list[tuple]]:
        after: tuple[dt.datetime, int] | None = None
        sent = 0
        while sent < total:
            rows = audit_queries.event_rows_after(uow, f, after, limit=min(page_size, total - sent),
                                                  descending=descending)
            if not rows:
                return
            yield [_row(r).as_export_row() for r in rows]
            sent += len(rows)
            after = (rows[-1].at, rows[-1].id)

    return ListExport("audit", SHEET_TITLE, SHEET_TITLE, COLUMNS, total, file_name(today), pages)

"""Auskunft nach Art. 15 DSGVO: everything stored about one person, ready to hand over.

``build_auskunft`` collects every row that holds her data (``db.auskunft_queries``: found
through the foreign keys, nothing of anyone else) and turns it into an ``Auskunft``: sections
with German titles and label → value rows for the PDF, the raw rows for the machine-readable
file (``to_json``), and what Art. 15 (1) asks for besides the data: purposes, recipients,
storage period, origin, her rights.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from kuemmerer.db.auskunft_queries import person_rows
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import availability, retention
from kuemmerer.domain.enums import (
    ContactKind,
    DataCategory,
    Gender,
    InquiryAnswer,
    LabelledEnum,
    ReferralOutcome,
    RequestStatus,
    TagKind,
    VolunteerStatus,
)
from kuemmerer.domain.errors import NotFound

from . import retention as retention_service
from . import settings, validation
from .dto import Letterhead

FORMAT_NAME = "kuemmerer-auskunft"
FORMAT_VERSION = 1
TITLE = "Auskunft nach Art. 15 DSGVO"


class PersonNotFound(NotFound):
    def __init__(self, ident: object):
        super().__init__("Person", ident)
        self.args = ("Diese Person gibt es nicht.",)

    def __str__(self) -> str:
        return "Diese Person gibt es nicht."


# --------------------------------------------------------------------------- DTO


@dataclass(frozen=True)
class AuskunftRow:
    """One stored record: ``fields`` as she reads them (label, value; empty values left
    out), ``data`` as stored (column → value, plus the names of what it refers to)."""

    id: int | None
    fields: tuple[tuple[str, str], ...]
    data: Mapping[str, Any]


@dataclass(frozen=True)
class AuskunftSection:
    key: str  # the table, stable for machines
    title: str
    rows: tuple[AuskunftRow, ...]


@dataclass(frozen=True)
class Auskunft:
    person_id: int
    person_name: str
    created_on: dt.date
    letterhead: Letterhead
    sections: tuple[AuskunftSection, ...]
    purposes: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: tuple[str, ...]
    origin: str
    rights: tuple[str, ...]
    automated_decisions: str

    @property
    def counts(self) -> tuple[tuple[str, int], ...]:
        """(section title, number of records) for a summary."""
        return tuple((s.title, len(s.rows)) for s in self.sections)

    @property
    def file_stem(self) -> str:
        """No name in the file name: ``Auskunft_17_2026-12-03``."""
        return f"Auskunft_{self.person_id}_{self.created_on.isoformat()}"


# --------------------------------------------------------------------------- formatting


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.datetime | dt.date):
        return _date(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, Mapping):
        return " · ".join(_plain(v) for v in value.values() if v is not None)
    return str(value).strip()


def _enum(enum: type[LabelledEnum]) -> Callable[[Any], str]:
    labels = enum.labels()
    return lambda v: labels.get(v, str(v)) if v is not None else ""


def _categories(value: Any) -> str:
    labels = DataCategory.labels()
    return ", ".join(labels.get(c.strip(), c.strip()) for c in str(value or "").split(",") if c.strip())


def _name(ref: Any) -> str:
    return str(ref.get("name") or "") if isinstance(ref, Mapping) else ""


def _dated(ref: Any, what: str) -> str:
    """``Spieleabend am 05.03.2024 um 18:00 Uhr`` for a session or meeting reference."""
    if not isinstance(ref, Mapping):
        return ""
    text = f"{ref.get(what) or ''} am {_date(ref['date'])}" if ref.get("date") else str(ref.get(what) or "")
    if ref.get("start_time"):
        text += f" um {ref['start_time']:%H:%M} Uhr"
    return text


def _request(ref: Any) -> str:
    if not isinstance(ref, Mapping):
        return ""
    return f"{ref.get('title')} (seit {_date(ref['opened_on'])})" if ref.get("opened_on") else str(ref.get("title"))


def _tag(ref: Any) -> str:
    if not isinstance(ref, Mapping):
        return ""
    return f"{TagKind.labels().get(ref.get('kind', ''), ref.get('kind'))}: {ref.get('name')}"


def _hours(minutes: Any) -> str:
    if minutes is None:
        return ""
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{hours} Std."


def _size(size: Any) -> str:
    if size is None:
        return ""
    return f"{size / 1024:.0f} KB".replace(".", ",") if size >= 1024 else f"{size} Bytes"


Field = tuple[str, str, Callable[[Any], str]]  # (key in the row, label, formatter)


@dataclass(frozen=True)
class _Layout:
    title: str
    fields: tuple[Field, ...]


def _f(key: str, label: str, fmt: Callable[[Any], str] = _plain) -> Field:
    return (key, label, fmt)


_CREATED = _f("created_at", "Erfasst am")

SECTION_LAYOUTS: dict[str, _Layout] = {
    "persons": _Layout("Angaben zur Person", (
        _f("last_name", "Nachname"), _f("first_name", "Vorname"), _f("birth_date", "Geburtsdatum"),
        _f("gender", "Geschlecht", _enum(Gender)), _f("street", "Straße"), _f("postcode", "PLZ"),
        _f("city", "Ort"), _f("district", "Stadtgebiet", _name), _f("phone", "Telefon"), _f("email", "E-Mail"),
        _f("languages", "Sprachen"), _f("notes", "Notizen"), _f("created_at", "Erfasst am"),
        _f("updated_at", "Zuletzt geändert am"))),
    "requests": _Layout("Anliegen", (
        _f("id", "Nr."), _f("title", "Anliegen"), _f("category", "Thema", _name),
        _f("description", "Beschreibung"), _f("status", "Stand", _enum(RequestStatus)),
        _f("opened_on", "Begonnen am"), _f("closed_on", "Abgeschlossen am"),
        _f("follow_up_on", "Wiedervorlage am"), _f("follow_up_note", "Wiedervorlage-Notiz"))),
    "contacts": _Layout("Kontakte und Beratungen", (
        _f("date", "Datum"), _f("kind", "Art", _enum(ContactKind)), _f("duration_minutes", "Dauer (Minuten)"),
        _f("request", "Zum Anliegen", _request), _f("category", "Thema", _name), _f("note", "Notiz"))),
    "consents": _Layout("Einwilligungen (Schweigepflichtentbindungen)", (
        _f("id", "Nr."), _f("organisation", "Empfänger", _name), _f("data_categories", "Welche Daten", _categories),
        _f("purpose", "Zweck"), _f("given_on", "Erteilt am"), _f("valid_until", "Gültig bis"),
        _f("withdrawn_on", "Widerrufen am"))),
    "referrals": _Layout("Vermittlungen an Partner", (
        _f("id", "Nr."), _f("referred_on", "Vermittelt am"), _f("service", "Angebot", _name),
        _f("organisation", "Partner", _name), _f("request", "Zum Anliegen", _request), _f("reason", "Anlass"),
        _f("appointment_at", "Termin"), _f("outcome", "Ergebnis", _enum(ReferralOutcome)),
        _f("outcome_on", "Ergebnis am"), _f("outcome_note", "Notiz zum Ergebnis"),
        _f("follow_up_on", "Wiedervorlage am"), _f("closed_on", "Abgeschlossen am"),
        _f("consent_id", "Mit Einwilligung Nr."))),
    "attendances": _Layout("Teilnahme an Aktivitäten", (
        _f("session", "Termin", lambda r: _dated(r, "activity")), _CREATED)),
    "volunteers": _Layout("Ehrenamt", (
        _f("started_on", "Beginn"), _f("ended_on", "Ende"), _f("status", "Stand", _enum(VolunteerStatus)),
        _f("availability_slots", "Verfügbar", lambda v: availability.describe(v) if isinstance(v, int) else ""),
        _f("availability", "Verfügbarkeit (Hinweis)"),
        _f("notes", "Notizen"), _f("clearance_seen_on", "Führungszeugnis eingesehen am"),
        _f("clearance_issued_on", "Führungszeugnis ausgestellt am"),
        _f("clearance_relevant_entry", "Einschlägige Eintragung"), _CREATED)),
    "volunteer_tags": _Layout("Fähigkeiten, Interessen und Sprachen", (_f("tag", "Eintrag", _tag),)),
    "volunteer_inquiries": _Layout("Anfragen für ehrenamtliche Einsätze", (
        _f("asked_on", "Angefragt am"), _f("activity", "Aktivität", _name),
        _f("answer", "Antwort", _enum(InquiryAnswer)), _f("note", "Notiz"))),
    "assignments": _Layout("Ehrenamtliche Einsätze", (
        _f("date", "Datum"), _f("activity", "Aktivität", _name), _f("session", "Termin", lambda r: _dated(r, "activity")),
        _f("minutes", "Zeit", _hours), _f("role", "Aufgabe"), _f("note", "Notiz"))),
    "network_members": _Layout("Mitgliedschaft in Netzwerken und Gremien", (
        _f("network", "Netzwerk", _name), _f("role", "Rolle"))),
    "import_items": _Layout("Übernommen aus einer früheren Liste", (
        _f("import", "Liste", lambda r: _plain(r.get("file_name")) if isinstance(r, Mapping) else ""),
        _f("import", "Übernommen am", lambda r: _plain(r.get("created_at")) if isinstance(r, Mapping) else ""))),
    "meeting_participants": _Layout("Teilnahme an Sitzungen und Netzwerktreffen", (
        _f("meeting", "Sitzung", lambda r: _dated(r, "network")), _f("attended", "Anwesend"))),
    "action_items": _Layout("Aufgaben aus Sitzungen (Sie sind verantwortlich)", (
        _f("title", "Aufgabe"), _f("meeting", "Aus der Sitzung", lambda r: _dated(r, "network")),
        _f("owner_text", "Verantwortlich (Text)"), _f("due_on", "Fällig am"), _f("done_on", "Erledigt am"),
        _f("note", "Notiz"))),
    "attachments": _Layout("Dokumente zu Ihren Terminen und Sitzungen", (
        _f("file_name", "Datei"), _f("activity", "Aktivität", _name),
        _f("session", "Termin", lambda r: _dated(r, "activity")),
        _f("meeting", "Sitzung", lambda r: _dated(r, "network")), _f("size_bytes", "Größe", _size),
        _f("created_at", "Abgelegt am"))),
}
# never shown to her as fields (ids of the links; their names are shown instead)
_HIDDEN = {"person_id", "volunteer_id", "owner_person_id"}


def _fields(key: str, row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    layout = SECTION_LAYOUTS.get(key)
    out: list[tuple[str, str]] = []
    known: set[str] = set()
    if layout is not None:
        for name, label, fmt in layout.fields:
            known.add(name)
            text = fmt(row.get(name)) if row.get(name) is not None else ""
            if text:
                out.append((label, text))
    # a column no layout knows yet (a table or field added later) is shown, not hidden
    for name, value in row.items():
        if name in known or name in _HIDDEN or name in ("id", "created_at", "updated_at"):
            continue
        if (name.endswith("_id") and name[:-3] in known) or f"{name}_id" in known:
            continue  # a link shown by its name, or the name of a link shown by its number
        text = _plain(value)
        if text:
            out.append((name, text))
    return tuple(out)


# --------------------------------------------------------------------------- the use case

_NUMBERS = {1: "ein", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht",
            9: "neun", 10: "zehn"}


def _years(n: int) -> str:
    return f"{_NUMBERS.get(n, str(n))} Jahr{'e' if n != 1 else ''}"


# the dates that count as activity for the retention rule (domain.retention), per section
_ACTIVITY_DATES: dict[str, tuple[str, ...]] = {
    "contacts": ("date",), "requests": ("opened_on", "closed_on"),
    "referrals": ("referred_on", "outcome_on", "closed_on"), "consents": ("given_on", "withdrawn_on"),
    "volunteers": ("started_on", "ended_on"), "assignments": ("date",),
}


def _last_activity(rows: Mapping[str, list[dict[str, Any]]]) -> dt.date | None:
    """Her last activity as the Aufbewahrung rule counts it (``domain.retention``): contacts,
    sessions attended, requests, referrals, consents, volunteering, meetings."""
    days: list[dt.date] = [r[c] for key, cols in _ACTIVITY_DATES.items() for r in rows.get(key, [])
                           for c in cols if isinstance(r.get(c), dt.date)]
    for key, ref in (("attendances", "session"), ("meeting_participants", "meeting")):
        days += [r[ref]["date"] for r in rows.get(key, []) if isinstance(r.get(ref), Mapping)]
    return max(days) if days else None


def _retention(rows: Mapping[str, list[dict[str, Any]]], years: int) -> tuple[str, ...]:
    out = [f"Ihre Daten werden gelöscht, wenn Sie {_years(years)} lang keinen Kontakt mehr zu uns hatten: "
           f"{_years(years)} nach dem Ende des Jahres Ihres letzten Kontakts werden sie zur Löschung "
           "vorgemerkt und nach einer Prüfung gelöscht. Auf Ihren Wunsch löschen wir sie früher, soweit "
           "keine Pflicht zur Aufbewahrung entgegensteht."]
    last = _last_activity(rows)
    active_volunteer = any(v.get("ended_on") is None for v in rows.get("volunteers", []))
    if last is not None and not active_volunteer:
        due = retention.keep_until(last, years) + dt.timedelta(days=1)
        out.append(f"Ihr letzter Kontakt war am {_date(last)}; ohne weiteren Kontakt werden Ihre Daten "
                   f"ab dem {_date(due)} zur Löschung vorgemerkt.")
    elif active_volunteer:
        out.append("Solange Ihr Ehrenamt andauert, bleiben Ihre Daten gespeichert.")
    if rows.get("volunteers"):
        out.append("Angaben zum Führungszeugnis (nur: eingesehen am, ausgestellt am, einschlägige Eintragung "
                   "ja/nein) werden drei Monate nach dem Ende Ihres Ehrenamts gelöscht, sofort, wenn das "
                   "Ehrenamt nicht beginnt.")
    out.append("Statistiken für Fördermittelgeber enthalten nur Zahlen ohne Bezug zu Ihrer Person; sie "
               "bleiben auch nach der Löschung Ihrer Daten unverändert.")
    return tuple(out)


PURPOSES = (
    "Beratung und Vermittlung im Stadtteil: Ihre Anliegen bearbeiten, Kontakte und Termine festhalten, "
    "an Wiedervorlagen denken und Sie – nur mit Ihrer schriftlichen Einwilligung – an Beratungsstellen "
    "und andere Partner vermitteln.",
    "Statistik für Fördermittelgeber: Es werden nur Zahlen weitergegeben (z. B. wie viele Menschen "
    "welcher Altersgruppe, welchen Geschlechts und aus welchem Stadtgebiet beraten wurden), niemals Ihr "
    "Name oder andere Angaben zu Ihrer Person.",
    "Ehrenamtskoordination: Einsätze planen, Stunden für einen Ehrenamtsnachweis festhalten und die "
    "Einsicht in das Führungszeugnis nach § 72a SGB VIII dokumentieren.",
)
ACTIVITY_PURPOSE = ("Aktivitäten und Netzwerkarbeit im Stadtteil: Teilnahme an Terminen und Sitzungen "
                    "festhalten und Aufgaben aus Sitzungen verfolgen.")
RIGHTS = (
    "Sie können verlangen, dass falsche Angaben berichtigt (Art. 16 DSGVO), Ihre Daten gelöscht "
    "(Art. 17 DSGVO) oder nur eingeschränkt verarbeitet werden (Art. 18 DSGVO), und der Verarbeitung "
    "widersprechen (Art. 21 DSGVO).",
    "Eine Einwilligung können Sie jederzeit mit Wirkung für die Zukunft widerrufen (Art. 7 Abs. 3 DSGVO).",
    "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO).",
    "Diese Auskunft erhalten Sie auch als maschinenlesbare Datei (JSON) mit denselben Angaben.",
)
ORIGIN = ("Die Angaben stammen von Ihnen selbst oder wurden bei Ihren Kontakten mit dem Stadtteilbüro, "
          "bei Vermittlungen und bei Aktivitäten festgehalten. Rückmeldungen von Partnern enthalten nur, "
          "ob Sie dort angekommen sind.")
AUTOMATED = "Es gibt keine automatisierte Entscheidungsfindung und kein Profiling."


def _recipients(rows: Mapping[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    consents = {c["id"]: c for c in rows.get("consents", [])}
    out: list[str] = []
    for r in rows.get("referrals", []):
        consent = consents.get(r.get("consent_id"))
        if consent is None:
            continue
        service = _name(r.get("service"))
        out.append(f"{_name(r.get('organisation'))} (Angebot „{service}“, Vermittlung vom {_date(r['referred_on'])}, "
                   f"mit Ihrer Einwilligung vom {_date(consent['given_on'])})")
    return tuple(dict.fromkeys(out))


def build_auskunft(uow: UnitOfWork, person_id: int, today: dt.date | None = None) -> Auskunft:
    """Everything stored about the person, for the PDF and the JSON file. ``PersonNotFound``
    ("Diese Person gibt es nicht.") for an unknown id."""
    today = today or validation.today()
    ident = validation.as_id(person_id)
    rows = person_rows(uow, ident) if ident is not None else None
    if rows is None:
        raise PersonNotFound(person_id)
    person = rows["persons"][0]
    order = list(SECTION_LAYOUTS)
    keys = sorted(rows, key=lambda k: order.index(k) if k in order else len(order))  # stable: new tables last
    sections = tuple(
        AuskunftSection(key=key, title=SECTION_LAYOUTS[key].title if key in SECTION_LAYOUTS else key,
                        rows=tuple(AuskunftRow(id=r.get("id"), fields=_fields(key, r), data=r) for r in rows[key]))
        for key in keys)
    purposes: tuple[str, ...] = PURPOSES
    if any(rows.get(k) for k in ("attendances", "meeting_participants", "action_items")):
        purposes = (*PURPOSES, ACTIVITY_PURPOSE)
    first = person.get("first_name")
    return Auskunft(
        person_id=person["id"],
        person_name=f"{first} {person['last_name']}" if first else person["last_name"],
        created_on=today,
        letterhead=settings.get_letterhead(uow),
        sections=sections,
        purposes=purposes,
        recipients=_recipients(rows),
        retention=_retention(rows, retention_service.get_years(uow)),
        origin=ORIGIN,
        rights=RIGHTS,
        automated_decisions=AUTOMATED,
    )


# --------------------------------------------------------------------------- machine-readable


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def to_json(auskunft: Auskunft) -> str:
    """The Auskunft as JSON (UTF-8 text, ISO dates, keys sorted): every stored row with its
    column names and values, section titles, and the texts of Art. 15 (1)."""
    lh = {f.name: getattr(auskunft.letterhead, f.name) for f in fields(Letterhead) if f.name != "logo_path"}
    doc = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "title": TITLE,
        "created_on": auskunft.created_on,
        "controller": lh,
        "person_id": auskunft.person_id,
        "sections": [{"key": s.key, "title": s.title, "count": len(s.rows),
                      "rows": [dict(r.data) for r in s.rows]} for s in auskunft.sections],
        "purposes": list(auskunft.purposes),
        "recipients": list(auskunft.recipients),
        "retention": list(auskunft.retention),
        "origin": auskunft.origin,
        "rights": list(auskunft.rights),
        "automated_decisions": auskunft.automated_decisions,
    }
    return json.dumps(_jsonable(doc), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

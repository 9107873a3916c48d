"""Export use cases: the rows and columns of every list as the list shows them (filter and
sort included), the contacts of a period, and the Jahresstatistik (its data, written by a
``render`` function the caller passes in, and archived).

Layering: services never import exports, so the workbook is written by the caller
(``kuemmerer.exports.xlsx``) from what this module hands out: a ``ListExport`` (title,
columns, total, rows page by page) or a ``JahresstatistikData``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kuemmerer.db import export_queries
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AgeBand, ContactKind, Gender, ReportKind
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.periods import Period
from kuemmerer.domain.rules import CountingRules, age_band, fold

from . import activity_overview, archive, listing, matching, networks, partners, settings, statistics, validation
from .archive import ArchivedReport
from .dto import Letterhead
from .listing import PersonQuery, ReferralQuery, RequestQuery, display_name

TEXT, DATE, DATETIME, INT, NUMBER = "text", "date", "datetime", "int", "number"  # as exports.xlsx
PAGE_SIZE = 2000
INACTIVE = "(nicht mehr aktiv)"  # as the partner list shows it


@dataclass(frozen=True)
class ExportColumn:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class PartnerQuery:
    """The partner list's filters and its sort (column index as shown, see PARTNER_COLUMNS)."""

    search: str = ""
    service_id: int | None = None
    include_inactive: bool = False
    sort_column: int = 0
    descending: bool = False


@dataclass(frozen=True)
class ContactQuery:
    """Contacts dated in ``period``; ``search`` matches the person (name, phone, e-mail)."""

    period: Period
    search: str = ""


@dataclass(frozen=True)
class ListExport:
    """One list to export: what the sheet is called, its columns, how many rows, and the rows
    page by page (``pages()`` reads through the unit of work it was made with: iterate it
    while that unit of work is open)."""

    kind: str
    sheet_title: str
    table_name: str
    columns: tuple[ExportColumn, ...]
    total: int
    file_name: str
    _pages: Callable[[], Iterator[list[tuple]]] = field(repr=False)

    def pages(self) -> Iterator[list[tuple]]:
        return self._pages()

    def rows(self) -> list[tuple]:
        return [row for page in self.pages() for row in page]


# --------------------------------------------------------------------------- columns per list

PERSON_COLUMNS = (ExportColumn("Name"), ExportColumn("Stadtgebiet"), ExportColumn("Altersgruppe"),
                  ExportColumn("Letzter Kontakt", DATE), ExportColumn("Offene Anliegen", INT))
REQUEST_COLUMNS = (ExportColumn("Begonnen", DATE), ExportColumn("Person"), ExportColumn("Anliegen"),
                   ExportColumn("Thema"), ExportColumn("Status"), ExportColumn("Wiedervorlage", DATE))
REFERRAL_COLUMNS = (ExportColumn("Datum", DATE), ExportColumn("Person"), ExportColumn("Angebot"),
                    ExportColumn("Partner"), ExportColumn("Stand"), ExportColumn("Nachfrage", DATE))
PARTNER_COLUMNS = (ExportColumn("Name"), ExportColumn("Art"), ExportColumn("Angebote"), ExportColumn("Ort"),
                   ExportColumn("Telefon"), ExportColumn("Vermittlungen", INT))
CONTACT_COLUMNS = (ExportColumn("Datum", DATE), ExportColumn("Person"), ExportColumn("Art"), ExportColumn("Thema"),
                   ExportColumn("Anliegen"), ExportColumn("Dauer (Min.)", INT), ExportColumn("Notiz"))

VOLUNTEER_COLUMNS = (ExportColumn("Name"), ExportColumn("Stand"), ExportColumn("Seit", DATE), ExportColumn("Bis", DATE),
                     ExportColumn("Fähigkeiten"), ExportColumn("Sprachen"), ExportColumn("Interessen"),
                     ExportColumn("Verfügbar"), ExportColumn("Telefon"), ExportColumn("E-Mail"),
                     ExportColumn("Angefragt", INT), ExportColumn("Zugesagt", INT), ExportColumn("Einsätze", INT),
                     ExportColumn("Stunden", NUMBER))

ACTIVITY_COLUMNS = (ExportColumn("Name"), ExportColumn("Art"), ExportColumn("Stadtgebiet"), ExportColumn("Handlungsfeld"),
                    ExportColumn("Förderung"), ExportColumn("Beginn", DATE), ExportColumn("Ende", DATE),
                    ExportColumn("Termine im Jahr", INT), ExportColumn("Termine gesamt", INT),
                    ExportColumn("Nächster Termin", DATE), ExportColumn("Teilnahmen", INT),
                    ExportColumn("Personen", INT), ExportColumn("Anonym", INT), ExportColumn("Stunden Ehrenamt", NUMBER))

NETWORK_COLUMNS = (ExportColumn("Name"), ExportColumn("Art"), ExportColumn("Rhythmus"), ExportColumn("Mitglieder", INT),
                   ExportColumn("Sitzungen", INT), ExportColumn("Nächste Sitzung", DATE),
                   ExportColumn("Offene Aufgaben", INT), ExportColumn("Aktiv"))

# kind -> (sheet title = start of the file name, Excel table name, columns)
LISTS: dict[str, tuple[str, str, tuple[ExportColumn, ...]]] = {
    "persons": ("Personen", "Personen", PERSON_COLUMNS),
    "requests": ("Anliegen", "Anliegen", REQUEST_COLUMNS),
    "contacts": ("Kontakte", "Kontakte", CONTACT_COLUMNS),
    "referrals": ("Vermittlungen", "Vermittlungen", REFERRAL_COLUMNS),
    "partners": ("Partner", "Partner", PARTNER_COLUMNS),
    "volunteers": ("Ehrenamtliche", "Ehrenamtliche", VOLUNTEER_COLUMNS),
    "activities": ("Aktivitäten", "Aktivitaeten", ACTIVITY_COLUMNS),
    "networks": ("Netzwerke", "Netzwerke", NETWORK_COLUMNS),
}
KINDS = tuple(LISTS)
_QUERY_TYPES: dict[str, type] = {"persons": PersonQuery, "requests": RequestQuery, "contacts": ContactQuery,
                                 "referrals": ReferralQuery, "partners": PartnerQuery,
                                 "volunteers": matching.VolunteerQuery,
                                 "activities": activity_overview.ActivityQuery,
                                 "networks": networks.NetworkQuery}


def list_file_name(kind: str, today: dt.date, period: Period | None = None) -> str:
    """No personal data, no blanks: "Personen_2026-12-06.xlsx", "Kontakte_2026-Q2.xlsx"."""
    title = LISTS[kind][0]
    return f"{title}_{period.slug if period is not None else today.isoformat()}.xlsx"


def _paged(fetch_after: Callable[[Any, int], listing.Page], to_row: Callable[[Any], tuple], total: int,
           page_size: int) -> Callable[[], Iterator[list[tuple]]]:
    """Pages of a list as ``fetch_after(cursor, limit)`` gives them (keyset paging: each page
    starts after the sort key of the one before, so the last page costs what the first does)."""
    def pages() -> Iterator[list[tuple]]:
        cursor, done = None, 0
        while done < total:
            rows = fetch_after(cursor, page_size)
            if not rows:
                return
            yield [to_row(r) for r in rows]
            done += len(rows)
            cursor = rows.cursor
    return pages


def _person_pages(uow: UnitOfWork, q: PersonQuery, today: dt.date,
                  page_size: int) -> Callable[[], Iterator[list[tuple]]]:
    """The Personen list's rows (as ``listing.person_page`` shows them) streamed from one
    statement; plain tuples, age bands and days worked out once per distinct value."""
    def pages() -> Iterator[list[tuple]]:
        bands: dict[Any, str] = {}
        days: dict[Any, dt.date | None] = {None: None}
        batches = export_queries.person_rows(uow.session, search=q.search, district_id=q.district_id,
                                             sort=q.sort, descending=q.descending, batch=page_size)
        try:
            for batch in batches:
                page = []
                for last, first, birth, district, last_contact, open_requests in batch:
                    band = bands.get(birth)
                    if band is None:
                        band = bands[birth] = age_band(birth, today).label
                    day = days.get(last_contact, days)
                    if day is days:
                        day = days[last_contact] = _day(last_contact)
                    page.append((display_name(last, first), district or "unbekannt", band, day, open_requests or 0))
                yield page
        finally:
            batches.close()
    return pages


def _request_row(r: listing.RequestRow) -> tuple:
    return (r.opened_on, r.person_name, r.title, r.category, r.status_label, r.follow_up_on)


def _referral_row(r: listing.ReferralRow) -> tuple:
    return (r.referred_on, r.person_name, r.service, r.organisation, r.state_label, r.follow_up_on)


def _partner_row(r: partners.OrganisationRow) -> tuple:
    return (r.name if r.active else f"{r.name} {INACTIVE}", r.kind_label, ", ".join(r.services), r.city,
            r.phone, r.referrals)


def _volunteer_row(r: matching.VolunteerRow) -> tuple:
    return (r.name, r.status_label, r.started_on, r.ended_on, ", ".join(r.skills), ", ".join(r.languages),
            ", ".join(r.interests), r.availability_text, r.phone, r.email, r.asked, r.agreed, r.assigned, r.hours)


def _activity_row(r: activity_overview.ActivityRow) -> tuple:
    return (r.name, r.kind_label, r.district, r.action_field, r.funder, r.starts_on, r.ends_on, r.sessions_year,
            r.sessions_total, r.next_session, r.attendances, r.participants, r.anonymous, r.hours)


def _network_row(r: networks.NetworkRow) -> tuple:
    return (r.name, r.kind_label, r.rhythm, r.members, r.meetings, r.next_meeting, r.open_items,
            "ja" if r.active else "nein")


def _contact_row(r) -> tuple:
    try:
        kind = ContactKind(r.kind).label
    except ValueError:
        kind = r.kind
    return (_day(r.date), display_name(r.last_name, r.first_name), kind, r.category, r.request_title,
            r.duration_minutes, r.note)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


_NUMBER_RUN = re.compile(r"(\d+)")


def german_key(text: str | None) -> tuple:
    """Sort key in German order as the list shows it: case and umlauts folded ("Ärztehaus"
    next to "Arzt"), numbers by value ("Haus 9" before "Haus 10")."""
    parts = _NUMBER_RUN.split(fold(text))
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text or "")


def sorted_partner_rows(rows: Sequence[partners.OrganisationRow], column: int,
                        descending: bool) -> list[partners.OrganisationRow]:
    """The partner list's order: by the column's text (German order), "Vermittlungen" by number;
    equal rows keep the directory's order (by name)."""
    if not 0 <= column < len(PARTNER_COLUMNS):
        return list(rows)
    if column == 5:
        def key(r):
            return (False, r.referrals)
    else:
        def key(r):
            value = _partner_row(r)[column]
            return (False, german_key(value or ""))
    return sorted(rows, key=key, reverse=descending)


def _in_pages(rows: list[tuple], page_size: int) -> tuple[int, Callable[[], Iterator[list[tuple]]]]:
    """A list read whole (a few hundred rows: partners, volunteers) handed out page by page."""
    def pages() -> Iterator[list[tuple]]:
        for start in range(0, len(rows), page_size):
            yield rows[start:start + page_size]
    return len(rows), pages


def _period_of(value: object, field_name: str = "period") -> Period:
    if not isinstance(value, Period):
        raise ValidationError.single(field_name, "Bitte einen Zeitraum wählen (Jahr, Quartal, Monat oder von–bis).")
    return value


def list_export(uow: UnitOfWork, kind: str, query: object = None, *, today: dt.date | None = None,
                page_size: int = PAGE_SIZE) -> ListExport:
    """The list ``kind`` (persons, requests, contacts, referrals, partners, volunteers, activities, networks) with
    exactly the rows,
    order and columns the list page shows for ``query`` (its current filter and sort; None:
    the list's defaults — contacts need a ``ContactQuery`` with a period)."""
    if kind not in LISTS:
        raise ValidationError.single("kind", f"Unbekannte Liste „{str(kind)[:30]}“ – möglich sind: "
                                     f"{', '.join(KINDS)}.")
    today = today or validation.today()
    if query is None and kind != "contacts":
        query = _QUERY_TYPES[kind]()
    if not isinstance(query, _QUERY_TYPES[kind]):
        if kind == "contacts":
            raise ValidationError.single("period", "Bitte einen Zeitraum für die Kontakte wählen.")
        raise ValidationError.single("query", "Diese Filter gehören nicht zu dieser Liste.")
    page_size = max(1, int(page_size))
    sheet, table, columns = LISTS[kind]
    period = None
    if isinstance(query, PersonQuery):
        total = listing.count_persons(uow, query)
        pages = _person_pages(uow, query, today, page_size)
    elif isinstance(query, RequestQuery):
        total = listing.count_requests(uow, query, today)
        pages = _paged(lambda after, n: listing.request_page_after(uow, query, after, n, today), _request_row,
                       total, page_size)
    elif isinstance(query, ReferralQuery):
        total = listing.count_referrals(uow, query, today)
        pages = _paged(lambda after, n: listing.referral_page_after(uow, query, after, n, today), _referral_row,
                       total, page_size)
    elif isinstance(query, networks.NetworkQuery):
        total, pages = _in_pages([_network_row(r) for r in networks.network_list(uow, query, today)], page_size)
    elif isinstance(query, activity_overview.ActivityQuery):
        total, pages = _in_pages([_activity_row(r) for r in activity_overview.overview(uow, query, today)], page_size)
    elif isinstance(query, matching.VolunteerQuery):
        total, pages = _in_pages([_volunteer_row(r) for r in matching.volunteer_list(uow, query)], page_size)
    elif isinstance(query, PartnerQuery):
        found = partners.search_organisations(uow, query.search, service_id=query.service_id,
                                              include_inactive=query.include_inactive)
        total, pages = _in_pages([_partner_row(r) for r in sorted_partner_rows(found, query.sort_column,
                                                                               query.descending)], page_size)
    else:
        assert isinstance(query, ContactQuery)
        period = _period_of(query.period)
        contact_query = query
        total = export_queries.contact_count(uow.session, period.start, period.end, contact_query.search)

        def pages() -> Iterator[list[tuple]]:
            after = None
            while True:
                rows = export_queries.contact_rows(uow.session, period.start, period.end, contact_query.search,
                                                   after=after, limit=page_size)
                if not rows:
                    return
                yield [_contact_row(r) for r in rows]
                after = (_day(rows[-1].date), rows[-1].id)
    return ListExport(kind, sheet, table, columns, total, list_file_name(kind, today, period), pages)


# --------------------------------------------------------------------------- Jahresstatistik

BREAKDOWNS = (  # sheet, Excel table name, first column, second column, Statistics field
    ("Stadtgebiete", "Stadtgebiete", "Stadtgebiet", "Teilnehmende", "by_district"),
    ("Geschlecht", "Geschlecht", "Geschlecht", "Teilnehmende", "by_gender"),
    ("Altersgruppen", "Altersgruppen", "Altersgruppe", "Teilnehmende", "by_age_band"),
    ("Themen", "Themen", "Thema", "Anliegen neu", "requests_by_category"),
    ("Angebote", "Angebote", "Angebot", "Vermittlungen", "referrals_by_service"),
    ("Ergebnisse", "Ergebnisse", "Ergebnis", "Vermittlungen", "referrals_by_outcome"),
    ("Netzwerke", "Netzwerke", "Netzwerk", "Sitzungen", "meetings_by_network"),
)
KEY_FIGURES = ("participants_named", "participants_anonymous", "contacts", "requests_opened", "requests_closed",
               "referrals_total", "volunteers_active", "volunteer_hours", "volunteers_also_participants",
               "sessions", "attendance_named", "attendance_anonymous", "meetings", "partners_reached")


@dataclass(frozen=True)
class JahresstatistikData:
    """Everything the Jahresstatistik workbook shows; figures only, no personal data."""

    period: Period
    letterhead: Letterhead
    figures: statistics.ReportedFigures
    rules: tuple[str, ...]
    key_figures: tuple[tuple[str, int | float], ...]
    breakdowns: tuple[tuple[str, str, str, str, dict[str, int]], ...]
    generated_at: dt.datetime  # local time, to the second

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def period_start(self) -> dt.date:
        return self.period.start

    @property
    def period_end(self) -> dt.date:
        return self.period.end

    @property
    def stats(self):
        return self.figures.stats


def counting_rules_text(rules: CountingRules) -> tuple[str, ...]:
    """The counting rules (DESIGN.md §4) as she and her funder read them, one sentence each."""
    counted = "einen Kontakt oder eine Teilnahme an einem Termin" if rules.count_attendance else "einen Kontakt"
    suppress = (f"In veröffentlichten Tabellen werden Zahlen unter {rules.suppress_below} ausgeblendet; diese "
                "Statistik ist intern und zeigt alle Zahlen ungekürzt." if rules.suppress_below
                else "Kleine Zahlen werden nicht ausgeblendet; diese Statistik zeigt alle Zahlen ungekürzt.")
    return (
        f"Teilnehmende: Wer im Zeitraum mindestens {counted} hatte, zählt einmal – gleich, wie oft die Person kam.",
        "Anonyme Teilnehmende sind die Strichliste (Besuche ohne Namen) und die anonym gezählten Teilnehmenden "
        "von Terminen; sie stehen neben den namentlich Gezählten und werden nie mit ihnen zusammengezählt.",
        "Altersgruppe ist das Alter am ersten gezählten Tag der Person im Zeitraum ("
        + ", ".join(a.label for a in AgeBand) + ").",
        "Geschlecht: " + ", ".join(g.label for g in Gender) + ".",
        "Stadtgebiet ist das bei der Person gespeicherte; ohne Angabe zählt sie unter „unbekannt“.",
        "Ehrenamtliche (mit einem Einsatz im Zeitraum) werden mit ihren Stunden getrennt gezählt; wie viele von "
        "ihnen auch teilgenommen haben, steht bei den Kennzahlen.",
        suppress,
    )


def jahresstatistik_file_name(period: Period) -> str:
    """No personal data, no blanks: "Jahresstatistik_2026.xlsx", "Jahresstatistik_2026-Q2.xlsx"."""
    return f"Jahresstatistik_{_period_of(period).slug}.xlsx"


def jahresstatistik_data(uow: UnitOfWork, period: Period, *,
                         generated_at: dt.datetime | None = None) -> JahresstatistikData:
    """The Jahresstatistik of ``period``: the figures ``statistics.reported`` gives (frozen for a
    frozen calendar year, else live, and it says which), office, counting rules."""
    period = _period_of(period)
    figures = statistics.reported(uow, period.start, period.end)
    stats = figures.stats
    key = tuple((statistics.FIGURE_LABELS[name], getattr(stats, name)) for name in KEY_FIGURES)
    breakdowns = tuple((sheet, table, first, second, dict(getattr(stats, name)))
                       for sheet, table, first, second, name in BREAKDOWNS)
    when = (generated_at or dt.datetime.now()).replace(microsecond=0)
    return JahresstatistikData(period, settings.get_letterhead(uow), figures,
                               counting_rules_text(settings.get_counting_rules(uow)), key, breakdowns, when)


Render = Callable[[JahresstatistikData], bytes]


def _target(value: object) -> Path:
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise ValidationError.single("target", "Bitte einen Dateinamen angeben, z. B. Jahresstatistik_2026.xlsx.")
    return Path(value)


def save_jahresstatistik(uow: UnitOfWork, period: Period, target: str | os.PathLike, render: Render, *,
                         generated_at: dt.datetime | None = None) -> ArchivedReport:
    """Write the Jahresstatistik of ``period`` to ``target`` (``render``: the workbook's bytes,
    ``kuemmerer.exports.xlsx.jahresstatistik_bytes``) and archive it (commits). The file is
    written under a temporary name and synced first, then archived, then renamed: if anything
    fails, no file is left and nothing is archived."""
    period = _period_of(period)
    path = _target(target)
    data = jahresstatistik_data(uow, period, generated_at=generated_at)
    content = render(data)
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        issued = archive.record_issued(uow, kind=ReportKind.JAHRESSTATISTIK, period=period,
                                       figures=data.stats.as_json(), file_name=jahresstatistik_file_name(period),
                                       content=content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return issued

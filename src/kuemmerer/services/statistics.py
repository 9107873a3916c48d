"""Funder statistics for any period, by the counting rules of DESIGN.md §4.

- A participant has at least one Contact (or, by setting, one Attendance) in the
  period and counts once, however often they came.
- Anonymous walk-ins and anonymous session head counts are reported apart.
- Age band: age on the person's first counted date in the period.
- District: the district stored on the person; none = "unbekannt".
- Volunteers: those with an assignment in the period, with their hours; reported
  separately (how many of them are also participants is given too).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from kuemmerer.db import queries, report_queries_figures
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.dates import FIRST_YEAR
from kuemmerer.domain.enums import AgeBand, Gender, ReferralOutcome
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import CountingRules

from . import settings, validation
from .dto import Statistics

UNKNOWN = "unbekannt"
NO_CATEGORY = "ohne Thema"


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError.single("period_to", "Das Ende des Zeitraums liegt vor seinem Beginn.")


def _zeroed(keys) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def compute(uow: UnitOfWork, start: dt.date, end: dt.date,
            rules: CountingRules | None = None) -> Statistics:
    _check_period(start, end)
    s = uow.session
    rules = rules or settings.get_counting_rules(uow)

    # one GROUP BY over age band, gender and district: no row per participant leaves SQLite
    groups = report_queries_figures.participant_groups(s, start, end, count_attendance=rules.count_attendance)
    by_district = _zeroed(queries.district_names(s)) | {UNKNOWN: 0}
    by_gender = _zeroed(g.label for g in Gender)
    by_age = _zeroed(a.label for a in AgeBand)
    named = also_volunteers = 0
    for band, gender, district, n, volunteering in groups:
        by_district[district or UNKNOWN] += n
        by_gender[Gender(gender).label] += n
        by_age[AgeBand(band).label] += n
        named += n
        also_volunteers += volunteering

    held = min(end, validation.today())  # planned sessions and meetings count once they were held
    counts = queries.period_counts(s, start, end, held)
    tallies, heads = counts["walk_ins"], counts["session_heads"]

    by_category = _zeroed(queries.category_names(s))
    for name, n in queries.requests_by_category(s, start, end):
        key = name or NO_CATEGORY
        by_category[key] = by_category.get(key, 0) + n

    by_service_rows, by_outcome_rows = queries.referrals_grouped(s, start, end)
    by_service = _zeroed(queries.service_names(s)) | dict(by_service_rows)
    by_outcome = _zeroed(o.label for o in ReferralOutcome)
    for value, n in by_outcome_rows:
        by_outcome[ReferralOutcome(value).label] += n

    return Statistics(
        period_from=start,
        period_to=end,
        participants_named=named,
        participants_anonymous=tallies + heads,
        by_district=by_district,
        by_gender=by_gender,
        by_age_band=by_age,
        contacts=counts["contacts"],
        requests_opened=counts["requests_opened"],
        requests_closed=counts["requests_closed"],
        requests_by_category=by_category,
        referrals_total=sum(n for _, n in by_service_rows),
        referrals_by_service=by_service,
        referrals_by_outcome=by_outcome,
        volunteers_active=counts["volunteers"],
        volunteer_hours=round(counts["minutes"] / 60, 2),
        volunteers_also_participants=also_volunteers,
        sessions=counts["sessions"],
        attendance_named=counts["attendance"],
        attendance_anonymous=heads,
        meetings=counts["meetings"],
        extra={"anonymous_walk_ins": tallies, "anonymous_session_heads": heads},
        meetings_by_network=dict(queries.meetings_by_network(s, start, held)),
        partners_reached=queries.partners_reached(s, start, held),
    )


def freeze_past_years(uow: UnitOfWork, today: dt.date | None = None) -> list[int]:
    """Store the figures of every finished calendar year (1900 up to last year) that has
    data and is not frozen yet (does not commit). The running year stays live: it has not
    been reported yet. A period that is not a calendar year is never frozen; ``reported``
    says so when it shows one."""
    today = today or validation.today()
    frozen = queries.frozen_years(uow.session)
    done = []
    for year in queries.years_with_activity(uow.session):
        if FIRST_YEAR <= year < today.year and year not in frozen:
            stats = compute(uow, *year_period(year))
            queries.store_frozen_year(uow.session, year, json.dumps(stats.as_json(), ensure_ascii=False))
            done.append(year)
    if done:
        uow.flush()
    return done


def freeze_before_erasure(uow: UnitOfWork, _obj=None) -> list[int]:
    """The first step of every path that deletes counted data (persons, volunteers,
    Einsätze, Termine, Teilnahmen, Kontakte, Strichliste, Anliegen, Vermittlungen): freeze
    the finished years so figures already reported never change (DESIGN.md §3). Usable as
    ``Crud(before_delete=...)``; does not commit (the deletion commits both)."""
    return freeze_past_years(uow)


def report(uow: UnitOfWork, start: dt.date, end: dt.date) -> Statistics:
    """Statistics for reports: a whole calendar year that is frozen comes from its frozen
    figures (unchanged by later erasures); any other period is computed. Use ``reported``
    to also say so and to see how the live data differs."""
    return reported(uow, start, end).stats


# --------------------------------------------------------------------------- frozen figures

FIGURE_LABELS = {
    "participants_named": "Teilnehmende (namentlich)",
    "participants_anonymous": "Teilnehmende (anonym)",
    "by_district": "Teilnehmende nach Stadtgebiet",
    "by_gender": "Teilnehmende nach Geschlecht",
    "by_age_band": "Teilnehmende nach Altersgruppe",
    "contacts": "Kontakte",
    "requests_opened": "Anliegen neu",
    "requests_closed": "Anliegen abgeschlossen",
    "requests_by_category": "Anliegen nach Thema",
    "referrals_total": "Vermittlungen",
    "referrals_by_service": "Vermittlungen nach Angebot",
    "referrals_by_outcome": "Vermittlungen nach Ergebnis",
    "volunteers_active": "Ehrenamtliche aktiv",
    "volunteer_hours": "Ehrenamtliche Stunden",
    "volunteers_also_participants": "Ehrenamtliche, die auch teilnehmen",
    "sessions": "Termine von Aktivitäten",
    "attendance_named": "Teilnahmen namentlich",
    "attendance_anonymous": "Teilnahmen anonym",
    "meetings": "Netzwerksitzungen",
    "meetings_by_network": "Sitzungen nach Netzwerk",
    "partners_reached": "Partnerorganisationen in Sitzungen erreicht",
}


@dataclass(frozen=True)
class FigureDifference:
    """One figure whose live value is no longer the frozen one."""

    key: str  # "contacts" or "by_district/Kappel"
    label: str  # German: "Kontakte", "Teilnehmende nach Stadtgebiet: Kappel"
    frozen: int | float
    live: int | float

    @property
    def difference(self) -> int | float:
        return round(self.live - self.frozen, 2)

    def as_json(self) -> dict:
        return {"key": self.key, "figure": self.label, "frozen": self.frozen, "live": self.live,
                "difference": self.difference}


@dataclass(frozen=True)
class FrozenYear:
    """The frozen figures of a year, when they were frozen, and how the live data differs."""

    year: int
    stats: Statistics
    frozen_at: dt.datetime  # aware, UTC
    differences: tuple[FigureDifference, ...]

    def frozen_at_local(self) -> dt.datetime:
        return self.frozen_at.astimezone()


@dataclass(frozen=True)
class ReportedFigures:
    """Figures to report for a period plus where they come from, in one German sentence."""

    stats: Statistics
    frozen: FrozenYear | None
    note: str

    def as_json(self) -> dict:
        frozen = None
        if self.frozen is not None:
            frozen = {"frozen_at": self.frozen.frozen_at.isoformat(timespec="seconds"),
                      "differences": [d.as_json() for d in self.frozen.differences]}
        return {**self.stats.as_json(), "frozen": frozen, "note": self.note}


def differences(frozen: Statistics, live: Statistics) -> tuple[FigureDifference, ...]:
    """Every figure whose live value differs from the frozen one (dict figures per key;
    a key missing on one side counts as 0)."""
    out = []
    for name, label in FIGURE_LABELS.items():
        a, b = getattr(frozen, name), getattr(live, name)
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a or {}, b or {}
            for key in list(a) + [k for k in b if k not in a]:
                if a.get(key, 0) != b.get(key, 0):
                    out.append(FigureDifference(f"{name}/{key}", f"{label}: {key}", a.get(key, 0), b.get(key, 0)))
        elif a != b:
            out.append(FigureDifference(name, label, a, b))
    return tuple(out)


def frozen_view(uow: UnitOfWork, year: int) -> FrozenYear | None:
    """The frozen figures of ``year`` with when they were frozen and the difference to the
    live figures (only figures that differ); None if the year is not frozen."""
    row = queries.frozen_year(uow.session, year)
    if row is None:
        return None
    data, frozen_at = row
    stored = json.loads(data)
    stats = Statistics.from_json(stored)
    live = compute(uow, *year_period(year))
    if "networks" not in stored:  # frozen before these figures existed (schema 0010): they come from the live data
        stats = replace(stats, meetings_by_network=live.meetings_by_network, partners_reached=live.partners_reached)
    return FrozenYear(year, stats, frozen_at.replace(tzinfo=dt.UTC), differences(stats, live))


def _is_calendar_year(start: dt.date, end: dt.date) -> bool:
    return start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)


def reported(uow: UnitOfWork, start: dt.date, end: dt.date) -> ReportedFigures:
    """The figures to report for a period and a German note on where they come from: a
    frozen calendar year gives its frozen figures, when they were frozen and how the live
    data now differs; anything else is computed from the live data and says so."""
    _check_period(start, end)
    if _is_calendar_year(start, end):
        view = frozen_view(uow, start.year)
        if view is not None:
            when = f"{view.frozen_at_local():%d.%m.%Y um %H:%M} Uhr"
            n = len(view.differences)
            if n == 0:
                tail = "die aktuellen Daten weichen nicht davon ab."
            else:
                tail = (f"die aktuellen Daten weichen in {n} {'Zahl' if n == 1 else 'Zahlen'} davon ab "
                        "(nachgetragen oder gelöscht).")
            return ReportedFigures(view.stats, view,
                                   f"Eingefrorene Zahlen des Jahres {start.year} (eingefroren am {when}); {tail}")
        note = "Aus den aktuellen Daten berechnet (das Jahr ist nicht eingefroren)."
    else:
        note = ("Aus den aktuellen Daten berechnet: Nur ganze Kalenderjahre werden eingefroren, "
                "Löschungen ändern diesen Zeitraum.")
    return ReportedFigures(compute(uow, start, end), None, note)


def frozen_warning(uow: UnitOfWork, *days: dt.date | None) -> str | None:
    """A German warning if any of ``days`` lies in a year whose figures are frozen (a
    write there changes the live figures but not the reported ones), else None."""
    years = sorted({d.year for d in days if d is not None} & set(queries.frozen_years(uow.session)))
    if not years:
        return None
    listed = ", ".join(str(y) for y in years)
    noun = "des Jahres" if len(years) == 1 else "der Jahre"
    return (f"Die Zahlen {noun} {listed} sind bereits eingefroren (berichtet). Dieser Eintrag "
            "ändert die aktuellen Zahlen, nicht die eingefrorenen; der Unterschied wird in der "
            "Statistik ausgewiesen.")


def is_frozen(uow: UnitOfWork, year: int) -> bool:
    return year in queries.frozen_years(uow.session)

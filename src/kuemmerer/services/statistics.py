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

from kuemmerer.db import queries
from kuemmerer.db.models import Contact, Meeting, Request, Session
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import AgeBand, Gender, ReferralOutcome
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import CountingRules, age_band

from . import settings
from .dto import Statistics

UNKNOWN = "unbekannt"
NO_CATEGORY = "ohne Thema"


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError.single("period_to", "Das Ende des Zeitraums liegt vor seinem Beginn.")


def _zeroed(keys) -> dict[str, int]:
    return {k: 0 for k in keys}


def compute(uow: UnitOfWork, start: dt.date, end: dt.date,
            rules: CountingRules | None = None) -> Statistics:
    _check_period(start, end)
    s = uow.session
    rules = rules or settings.get_counting_rules(uow)

    participants = queries.first_participation(s, start, end, count_attendance=rules.count_attendance)
    by_district = _zeroed(queries.district_names(s)) | {UNKNOWN: 0}
    by_gender = _zeroed(g.label for g in Gender)
    by_age = _zeroed(a.label for a in AgeBand)
    for _pid, first_day, birth, gender, district in participants:
        by_district[district or UNKNOWN] += 1
        by_gender[Gender(gender).label] += 1
        by_age[age_band(birth, first_day).label] += 1
    participant_ids = {p[0] for p in participants}

    tallies, heads = queries.anonymous_counts(s, start, end)

    by_category = _zeroed(queries.category_names(s))
    for name, n in queries.requests_by_category(s, start, end):
        key = name or NO_CATEGORY
        by_category[key] = by_category.get(key, 0) + n

    by_service_rows, by_outcome_rows = queries.referrals_grouped(s, start, end)
    by_service = _zeroed(queries.service_names(s)) | dict(by_service_rows)
    by_outcome = _zeroed(o.label for o in ReferralOutcome)
    for value, n in by_outcome_rows:
        by_outcome[ReferralOutcome(value).label] += n

    volunteer_person_ids, minutes = queries.volunteer_figures(s, start, end)

    return Statistics(
        period_from=start,
        period_to=end,
        participants_named=len(participants),
        participants_anonymous=tallies + heads,
        by_district=by_district,
        by_gender=by_gender,
        by_age_band=by_age,
        contacts=queries.count_rows(s, Contact, Contact.date, start, end),
        requests_opened=queries.count_rows(s, Request, Request.opened_on, start, end),
        requests_closed=queries.count_rows(s, Request, Request.closed_on, start, end),
        requests_by_category=by_category,
        referrals_total=sum(n for _, n in by_service_rows),
        referrals_by_service=by_service,
        referrals_by_outcome=by_outcome,
        volunteers_active=len(volunteer_person_ids),
        volunteer_hours=round(minutes / 60, 2),
        volunteers_also_participants=len(participant_ids & set(volunteer_person_ids)),
        sessions=queries.count_rows(s, Session, Session.date, start, end),
        attendance_named=queries.attendance_count(s, start, end),
        attendance_anonymous=heads,
        meetings=queries.count_rows(s, Meeting, Meeting.date, start, end),
        extra={"anonymous_walk_ins": tallies, "anonymous_session_heads": heads},
    )


def freeze_past_years(uow: UnitOfWork, today: dt.date | None = None) -> list[int]:
    """Store the figures of every finished year with data that is not frozen yet (does not
    commit). Called before personal data is erased, so reported years never change."""
    today = today or dt.date.today()
    frozen = queries.frozen_years(uow.session)
    done = []
    for year in queries.years_with_activity(uow.session):
        if year < today.year and year not in frozen:
            stats = compute(uow, *year_period(year))
            queries.store_frozen_year(uow.session, year, json.dumps(stats.as_json(), ensure_ascii=False))
            done.append(year)
    return done


def report(uow: UnitOfWork, start: dt.date, end: dt.date) -> Statistics:
    """Statistics for reports: a whole calendar year that is closed comes from its frozen
    figures (unchanged by later erasures); any other period is computed."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        data = queries.frozen_years(uow.session).get(start.year)
        if data is not None:
            return Statistics.from_json(json.loads(data))
    return compute(uow, start, end)


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

"""SQL for her lists (Stadtgebiete, Themen, Angebote, Handlungsfelder): who uses an entry,
moving the records of one entry onto another (merge), and the streets of the districts."""

from __future__ import annotations

from sqlalchemy import CursorResult, String, and_, delete, exists, func, insert, literal, select, update

from .models import (
    ActionField,
    Activity,
    AnonymousTally,
    Base,
    Category,
    Contact,
    District,
    DistrictStreet,
    Referral,
    ReportText,
    Request,
    Service,
    organisation_services,
)
from .models import Person as PersonModel
from .uow import UnitOfWork


def max_length(model: type[Base], column: str = "name") -> int:
    """The n of a ``String(n)`` column, for the form's length check."""
    column_type = model.__table__.c[column].type
    assert isinstance(column_type, String) and column_type.length is not None, f"{column} is a String(n)"
    return column_type.length


LIST_MODELS = {"districts": District, "categories": Category, "services": Service, "action_fields": ActionField}

# (key, German label, column referring to the entry) per list; the order is the order shown
REFERENCES = {
    "districts": (("persons", "Personen", PersonModel.district_id),
                  ("tallies", "anonyme Besuche (Strichliste)", AnonymousTally.district_id),
                  ("activities", "Aktivitäten", Activity.district_id)),
    "categories": (("requests", "Anliegen", Request.category_id),
                   ("contacts", "Kontakte", Contact.category_id),
                   ("tallies", "anonyme Besuche (Strichliste)", AnonymousTally.category_id)),
    "services": (("referrals", "Vermittlungen", Referral.service_id),
                 ("partners", "Partner mit diesem Angebot", organisation_services.c.service_id)),
    "action_fields": (("report_texts", "Berichtstexte", ReportText.action_field_id),),
}


def reference_counts(uow: UnitOfWork, kind: str, ident: int) -> dict[str, int]:
    """How many records of each kind refer to entry ``ident`` (keys of ``REFERENCES``)."""
    s = uow.session
    return {key: s.scalar(select(func.count()).where(column == ident)) or 0
            for key, _label, column in REFERENCES[kind]}


def usage_by_entry(uow: UnitOfWork, kind: str) -> dict[int, int]:
    """Entry id → number of records referring to it (all reference kinds together)."""
    s = uow.session
    totals: dict[int, int] = {}
    for _key, _label, column in REFERENCES[kind]:
        for ident, n in s.execute(select(column, func.count()).where(column.is_not(None)).group_by(column)):
            totals[ident] = totals.get(ident, 0) + n
    return totals


def street_counts(uow: UnitOfWork) -> dict[int, int]:
    rows = uow.session.execute(select(DistrictStreet.district_id, func.count())
                               .group_by(DistrictStreet.district_id))
    return dict(rows.all())


def move_references(uow: UnitOfWork, kind: str, source: int, target: int) -> dict[str, int]:
    """Point every record of ``source`` at ``target`` (does not commit); how many moved.
    A partner offering both Angebote keeps one row."""
    s = uow.session
    moved: dict[str, int] = {}
    for key, _label, column in REFERENCES[kind]:
        if column.table is organisation_services:
            moved[key] = _move_offerings(uow, source, target)
            continue
        if column.table is ReportText.__table__:
            moved[key] = _move_report_texts(uow, source, target)
            continue
        result = s.execute(update(column.table).where(column == source).values({column.name: target})
                           .execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult), "a Core UPDATE returns a cursor result"
        moved[key] = result.rowcount or 0
    return moved


def _move_offerings(uow: UnitOfWork, source: int, target: int) -> int:
    s = uow.session
    os_ = organisation_services
    has_source = select(os_.c.organisation_id).where(os_.c.service_id == source)
    count = s.scalar(select(func.count()).select_from(has_source.subquery())) or 0
    other = os_.alias("other")
    missing = (select(os_.c.organisation_id, literal(target))
               .where(os_.c.service_id == source)
               .where(~exists().where(and_(other.c.organisation_id == os_.c.organisation_id,
                                           other.c.service_id == target))))
    s.execute(insert(os_).from_select(["organisation_id", "service_id"], missing))
    s.execute(delete(os_).where(os_.c.service_id == source))
    return count


def _move_report_texts(uow: UnitOfWork, source: int, target: int) -> int:
    """Her texts of ``source`` go to ``target``; where ``target`` has a text for the same
    period too, both are kept: the target's text, a blank line, then the source's."""
    s = uow.session
    theirs = {(t.period_from, t.period_to): t
              for t in s.scalars(select(ReportText).where(ReportText.action_field_id == target))}
    moved = 0
    for text in list(s.scalars(select(ReportText).where(ReportText.action_field_id == source))):
        kept = theirs.get((text.period_from, text.period_to))
        if kept is None:
            text.action_field_id = target
        else:
            kept.text = "\n\n".join(t for t in (kept.text.rstrip(), text.text.strip()) if t)
            s.delete(text)
        moved += 1
    s.flush()
    return moved


def move_streets(uow: UnitOfWork, source: int, target: int) -> int:
    """Give ``target`` the streets of ``source`` it does not have yet; how many."""
    s = uow.session
    taken = set(s.scalars(select(DistrictStreet.key).where(DistrictStreet.district_id == target)))
    moved = 0
    for street in s.scalars(select(DistrictStreet).where(DistrictStreet.district_id == source)):
        if street.key in taken:
            continue
        street.district_id = target
        taken.add(street.key)
        moved += 1
    s.flush()
    return moved


def districts_with_street(uow: UnitOfWork, key: str) -> list[tuple[int, bool]]:
    """(district id, active) of every district that lists a street with ``key``."""
    rows = uow.session.execute(select(District.id, District.active).join(DistrictStreet)
                               .where(DistrictStreet.key == key).distinct())
    return [(ident, bool(active)) for ident, active in rows]

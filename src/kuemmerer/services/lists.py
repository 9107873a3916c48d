"""Configurable lists: districts (Stadtgebiete), categories (Themen), services (Angebote)."""

from __future__ import annotations

from typing import Any

from kuemmerer.db.models import (
    Activity,
    AnonymousTally,
    Category,
    Contact,
    District,
    Referral,
    Request,
    Service,
)
from kuemmerer.db.models import Person as PersonModel
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.enums import DistrictKind
from kuemmerer.domain.errors import InUse

from .crud import Crud, check_unique
from .dto import CategoryDto, DistrictDto, ServiceDto
from .validation import Form

OUTSIDE_NAME = "außerhalb"

DEFAULT_CATEGORIES = (
    "Schulden und Finanzen", "Wohnung und Nachbarschaft", "Behörden und Formulare",
    "Arbeit und Jobcenter", "Gesundheit und Pflege", "Sucht", "Familie und Kinder",
    "Sprache und Integration", "Freizeit und Engagement", "Sonstiges",
)
DEFAULT_SERVICES = (
    "Schuldnerberatung", "Suchtberatung", "Migrationsberatung", "Sozialberatung",
    "Mieterberatung", "Familienberatung", "Jobcenter", "Ordnungsamt",
    "Erziehungsberatung", "Seniorenberatung", "Rechtsberatung", "Sprachkurs",
)


def _validate_named(uow: UnitOfWork, values: dict[str, Any], current, model, taken: str,
                    extra_fields=()) -> tuple[Form, dict[str, Any]]:
    form = Form(values)
    clean = {
        "name": form.text("name", required=True, max_len=model.__table__.c.name.type.length),
        "active": form.boolean("active", default=True),
    }
    check_unique(form, uow, model, "name", clean["name"], current, taken)
    for name in extra_fields:
        clean[name] = form.integer(name, default=0) if name == "sort_order" else form.text(name, max_len=2000)
    return form, clean


def _validate_district(uow, values, current):
    form, clean = _validate_named(uow, values, current, District,
                                  "Dieses Stadtgebiet gibt es schon.", ("sort_order",))
    clean["kind"] = form.choice("kind", DistrictKind, DistrictKind.AREA)
    form.done()
    return clean


def _validate_category(uow, values, current):
    form, clean = _validate_named(uow, values, current, Category,
                                  "Dieses Thema gibt es schon.", ("sort_order",))
    form.done()
    return clean


def _validate_service(uow, values, current):
    form, clean = _validate_named(uow, values, current, Service,
                                  "Dieses Angebot gibt es schon.", ("description",))
    form.done()
    return clean


def _refuse_if_used(what: str, *checks):
    def before_delete(uow: UnitOfWork, obj) -> None:
        for model, column in checks:
            if uow.exists(model, **{column: obj.id}):
                raise InUse(f"{what} „{obj.name}“ wird noch verwendet. Bitte stattdessen "
                            "auf „nicht mehr verwenden“ setzen.")
    return before_delete


districts = Crud(District, DistrictDto, "Stadtgebiet", _validate_district,
                 before_delete=_refuse_if_used("Das Stadtgebiet", (PersonModel, "district_id"),
                                               (AnonymousTally, "district_id"), (Activity, "district_id")))
categories = Crud(Category, CategoryDto, "Thema", _validate_category,
                  before_delete=_refuse_if_used("Das Thema", (Request, "category_id"),
                                                (Contact, "category_id"), (AnonymousTally, "category_id")))
services = Crud(Service, ServiceDto, "Angebot", _validate_service,
                before_delete=_refuse_if_used("Das Angebot", (Referral, "service_id")))


def list_districts(uow: UnitOfWork, *, active_only: bool = False) -> list[DistrictDto]:
    items = districts.list(uow, "sort_order", "name")
    return [d for d in items if d.active or not active_only]


def list_categories(uow: UnitOfWork, *, active_only: bool = False) -> list[CategoryDto]:
    items = categories.list(uow, "sort_order", "name")
    return [c for c in items if c.active or not active_only]


def list_services(uow: UnitOfWork, *, active_only: bool = False) -> list[ServiceDto]:
    items = services.list(uow, "name")
    return [s for s in items if s.active or not active_only]


def ensure_defaults(uow: UnitOfWork) -> None:
    """Fill empty lists with sensible defaults on first start (districts only "außerhalb":
    the project area's districts are entered by the coordinator)."""
    if not uow.exists(District):
        uow.add(District(name=OUTSIDE_NAME, kind=DistrictKind.OUTSIDE.value, sort_order=999))
    if not uow.exists(Category):
        uow.add_all(Category(name=n, sort_order=i) for i, n in enumerate(DEFAULT_CATEGORIES))
    if not uow.exists(Service):
        uow.add_all(Service(name=n) for n in DEFAULT_SERVICES)
    uow.commit()

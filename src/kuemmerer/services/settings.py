"""Settings that belong to the data: letterhead, counting rules, follow-up defaults.

Stored as JSON in the ``settings`` table; window geometry and UI state belong in
QSettings, not here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from kuemmerer.db.models import Setting
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain.rules import CountingRules

from .dto import Letterhead
from .validation import Form

DEFAULTS: dict[str, Any] = {
    "referrals.follow_up_days": 14,
    "counting.count_attendance": True,
    "counting.suppress_below": 5,
}


def get_value(uow: UnitOfWork, key: str) -> Any:
    row = uow.find(Setting, key)
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


def set_value(uow: UnitOfWork, key: str, value: Any, *, commit: bool = True) -> None:
    row = uow.find(Setting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        uow.add(Setting(key=key, value=text))
    else:
        row.value = text
    if commit:
        uow.commit()


def get_letterhead(uow: UnitOfWork) -> Letterhead:
    stored = get_value(uow, "letterhead") or {}
    return Letterhead(**{f.name: stored.get(f.name, "") for f in fields(Letterhead)})


def set_letterhead(uow: UnitOfWork, **values: Any) -> Letterhead:
    form = Form(values, known=[f.name for f in fields(Letterhead)])
    clean = {f.name: form.text(f.name, max_len=300) or "" for f in fields(Letterhead)}
    if not clean["office_name"]:
        form.error("office_name", "Bitte den Namen des Büros angeben.")
    if clean["email"]:
        form.email("email")
    form.done()
    letterhead = Letterhead(**clean)
    set_value(uow, "letterhead", asdict(letterhead))
    return letterhead


def get_counting_rules(uow: UnitOfWork) -> CountingRules:
    return CountingRules(
        count_attendance=bool(get_value(uow, "counting.count_attendance")),
        suppress_below=int(get_value(uow, "counting.suppress_below")),
    )


def set_counting_rules(uow: UnitOfWork, *, count_attendance: bool, suppress_below: int) -> CountingRules:
    form = Form({"suppress_below": suppress_below})
    threshold = form.integer("suppress_below", minimum=0, maximum=100, required=True)
    form.done()
    set_value(uow, "counting.count_attendance", bool(count_attendance), commit=False)
    set_value(uow, "counting.suppress_below", threshold)
    return get_counting_rules(uow)


def get_follow_up_days(uow: UnitOfWork) -> int:
    return int(get_value(uow, "referrals.follow_up_days"))

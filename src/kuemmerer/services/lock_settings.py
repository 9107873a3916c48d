"""The window's lock: "Sperren nach N Minuten" without input (0 = nie), stored with the data."""

from __future__ import annotations

from kuemmerer.db.uow import UnitOfWork

from . import settings
from .validation import Form

KEY = "lock.minutes"
DEFAULT_MINUTES = 10
MAX_MINUTES = 240
FIELD = "lock_minutes"
OUT_OF_RANGE = f"Bitte 0 bis {MAX_MINUTES} Minuten angeben (0 = nie automatisch sperren)."


def get_lock_minutes(uow: UnitOfWork) -> int:
    """Minutes without input before the window locks; 0 = never. 10 until she sets it
    (and for a stored value that is not a whole number in range)."""
    value = settings.get_value(uow, KEY)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
        return DEFAULT_MINUTES
    return value


def set_lock_minutes(uow: UnitOfWork, minutes: int) -> int:
    """Store the lock time (0–240 minutes, 0 = never); ``ValidationError`` on "lock_minutes"."""
    form = Form({FIELD: minutes})
    number = form.integer(FIELD, required=True)
    if number is not None and not 0 <= number <= MAX_MINUTES:
        form.error(FIELD, OUT_OF_RANGE)
    form.done()
    assert number is not None
    settings.set_value(uow, KEY, number)
    return number

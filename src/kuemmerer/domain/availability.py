"""When a volunteer can help: weekdays × morning/afternoon/evening, as one small integer.

Slot ``(day, part)`` is bit ``day * 3 + part`` (day 0 = Montag … 6 = Sonntag; part 0 =
vormittags, 1 = nachmittags, 2 = abends), so "all the requested slots are free" is
``requested & available == requested`` — in Python and in SQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable

DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
DAY_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
PARTS = ("vormittags", "nachmittags", "abends")
ALL = (1 << (len(DAYS) * len(PARTS))) - 1  # 21 bits


def bit(day: int, part: int) -> int:
    if not (0 <= day < len(DAYS) and 0 <= part < len(PARTS)):
        raise ValueError(f"no such slot: {day}, {part}")
    return 1 << (day * len(PARTS) + part)


def mask(slots: Iterable[tuple[int, int]]) -> int:
    value = 0
    for day, part in slots:
        value |= bit(day, part)
    return value


def slots(value: int) -> list[tuple[int, int]]:
    """The (day, part) pairs set in ``value``, Monday morning first."""
    return [(d, p) for d in range(len(DAYS)) for p in range(len(PARTS)) if value & bit(d, p)]


def covers(available: int, requested: int) -> bool:
    """True if every requested slot is among the available ones."""
    return requested & available == requested


def _days_text(days: list[int]) -> str:
    """"Mo–Fr" for a run of three or more days, else "Di, Do"."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_SHORT[run[0]]}–{DAY_SHORT[run[-1]]}")
        else:
            parts.extend(DAY_SHORT[d] for d in run)
    return ", ".join(parts)


def describe(value: int) -> str:
    """German text: "Di nachmittags, Do vormittags und abends", "Mo–Fr vormittags",
    "Sa, So ganztags"; "" for none, "jederzeit" for all. Days with the same times go together."""
    if value == ALL:
        return "jederzeit"
    groups: dict[tuple[int, ...], list[int]] = {}
    for day in range(len(DAYS)):
        parts = tuple(p for p in range(len(PARTS)) if value & bit(day, p))
        if parts:
            groups.setdefault(parts, []).append(day)
    out = []
    for parts, days in groups.items():
        names = [PARTS[p] for p in parts]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]
        out.append(f"{_days_text(days)} {'ganztags' if len(parts) == len(PARTS) else joined}")
    return "; ".join(out)

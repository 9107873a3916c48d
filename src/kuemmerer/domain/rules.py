"""Business rules that need no storage: age bands, counting rules, plausibility of dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .enums import AgeBand, ReferralOutcome

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years of life on ``day`` (a person born on 29 Feb ages on 1 Mar in other years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_band(birth_date: dt.date | None, day: dt.date) -> AgeBand:
    """Age band of DESIGN.md §4 for a person born on ``birth_date``, on ``day``."""
    if birth_date is None or birth_date > day:
        return AgeBand.UNKNOWN
    age = age_on(birth_date, day)
    if age < 18:
        return AgeBand.UNDER_18
    if age < 30:
        return AgeBand.FROM_18
    if age < 55:
        return AgeBand.FROM_30
    if age < 65:
        return AgeBand.FROM_55
    return AgeBand.FROM_65


@dataclass(frozen=True)
class CountingRules:
    """How participants are counted; funders differ, so each rule is a setting."""

    count_attendance: bool = True  # an Attendance makes a participant, not only a Contact
    suppress_below: int = 5  # published tables blank out cells below this (0 = never)


def suppress_small(value: int, threshold: int) -> int | None:
    """The value for a *published* table: ``None`` (shown as "<n") where 0 < value < threshold."""
    if threshold and 0 < value < threshold:
        return None
    return value


@dataclass(frozen=True)
class SuppressedTable:
    """A published table after ``suppress_table``: ``None`` where a cell is hidden."""

    cells: tuple[int | None, ...]
    secondary: frozenset[int]  # indexes hidden only so the small ones cannot be recomputed
    total: int | None

    def is_secondary(self, index: int) -> bool:
        return index in self.secondary


def suppress_table(values: Sequence[int], threshold: int) -> SuppressedTable:
    """Suppression of small numbers in one published table with its total (the sum of
    ``values``). The rule, for threshold N (0 or 1 = nothing hidden):

    1. Primary: every cell and the total with 0 < value < N is hidden (shown as "<N").
       Zeros are shown: "nobody" reveals nothing about a person.
    2. Secondary: if a cell is hidden and the total is shown, the hidden cells could be
       recomputed (or narrowed) from the total. So further cells are hidden, smallest
       non-zero first, until every hidden small cell could still be anything from 1 to
       N-1 given the total and the shown cells: with P small hidden cells, Q secondary
       hidden cells (each known to be at least N) and S = total - shown cells, that holds
       when Q > 0 and S >= (P-1) + N*Q + N-1. If no non-zero cell is left to hide, the
       total is hidden too.

    Each table is protected on its own; the tables by district, gender and age band share
    their total (the named participants, shown as a key figure).
    """
    cells: list[int | None] = [int(v) for v in values]
    total = sum(int(v) for v in values)
    if threshold <= 1:
        return SuppressedTable(tuple(cells), frozenset(), total)
    small = [i for i, v in enumerate(values) if 0 < v < threshold]
    for i in small:
        cells[i] = None
    shown_total: int | None = suppress_small(total, threshold)
    secondary: set[int] = set()
    if small and shown_total is not None:
        while True:
            hidden_sum = total - sum(v for v in cells if v is not None)
            if secondary and hidden_sum >= (len(small) - 1) + threshold * len(secondary) + threshold - 1:
                break
            candidates = [(v, i) for i, v in enumerate(cells) if v]
            if not candidates:
                shown_total = None
                break
            _v, index = min(candidates)
            cells[index] = None
            secondary.add(index)
    return SuppressedTable(tuple(cells), frozenset(secondary), shown_total)


_FOLD_MAP = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def fold(text: str | None) -> str:
    """Search key: lower case, umlauts and accents folded ("Müller" and "Muller" → "muller").

    "ü" folds to "u" (not "ue") so that people typing without umlauts find the name;
    the inverse spelling "Mueller" is handled by also folding "ue"/"oe"/"ae" in queries.
    """
    if not text:
        return ""
    text = text.casefold().translate(_FOLD_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip()


_DE_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold_variants(text: str | None) -> list[str]:
    """``fold`` plus the other German spelling of umlauts, both ways: "Müller" gives
    "muller" and "mueller"; "Mueller" gives "mueller" and "muller" — so whichever way a
    name was written and whichever way it is typed, it is found."""
    base = fold(text)
    if not base:
        return []
    out = [base]
    for variant in (fold((text or "").casefold().translate(_DE_TRANSLIT)),
                    re.sub(r"([aou])e", r"\1", base)):
        if variant not in out:
            out.append(variant)
    return out


_NAME_JOINERS = re.compile(r"[-‐‑–'’`´.]")


def name_words(text: str | None) -> list[str]:
    """Every searchable spelling of a name: ``fold_variants`` of the whole name, of each
    part joined by a hyphen, apostrophe or dot, and of the parts run together — so
    "masri" finds "Al-Masri", "neill" and "oneill" find "O'Neill", "heinz" finds
    "Karl-Heinz"."""
    out = fold_variants(text)
    if text and _NAME_JOINERS.search(text):
        pieces = [p for p in _NAME_JOINERS.split(text) if p.strip()]
        for extra in (*pieces, "".join(pieces)):
            for v in fold_variants(extra):
                if v not in out:
                    out.append(v)
    return out


def phone_digits(phone: str | None) -> list[str]:
    """Digits of a phone number as typed, plus the national form of an international
    German number ("+49 69 123" and "0049 69 123" also give "069123")."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return []
    out = [digits]
    stripped = (phone or "").lstrip()
    if stripped.startswith("+49") or digits.startswith("0049"):
        national = "0" + digits[2:] if stripped.startswith("+") else "0" + digits[4:]
        national = re.sub(r"^00", "0", national)  # "+49 (0) 69 …"
        if len(national) >= 3 and national not in out:
            out.append(national)
    return out


def sort_key(last_name: str | None, first_name: str | None) -> str:
    """German dictionary order (DIN 5007-1: ä = a, ß = ss), last name first."""
    return f"{fold(last_name)}\x01{fold(first_name)}"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def is_plausible_birth_date(day: dt.date, today: dt.date) -> bool:
    return EARLIEST_BIRTH_DATE <= day <= today


def referral_state_label(outcome: str, closed_on: dt.date | None) -> str:
    """What a referral's state reads as: "angekommen", or "abgeschlossen (angekommen)"
    once it is closed; a closed referral without result is just "abgeschlossen"."""
    result = ReferralOutcome(outcome)
    if closed_on is None:
        return result.label
    return "abgeschlossen" if result is ReferralOutcome.REFERRED else f"abgeschlossen ({result.label})"


_STEM_SUFFIXES = ("en", "er", "n", "e", "s")


def word_stems(word: str) -> list[str]:
    """A typed word and its German stems, folded: "Schulden" gives "schulden" and
    "schuld", so it finds "Schuldnerberatung"; stems stay at least four letters long."""
    base = fold(word)
    out = [base] if base else []
    for suffix in _STEM_SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4 and base[: -len(suffix)] not in out:
            out.append(base[: -len(suffix)])
    return out


def matches_words(query: str, *texts: str | None) -> bool:
    """True if every word of ``query`` (or one of its stems, or its other umlaut
    spelling) occurs somewhere in ``texts``; an empty query matches everything."""
    haystack = " ".join(fold(t) for t in texts if t)
    haystack_translit = " ".join(v for t in texts if t for v in fold_variants(t))
    for word in query.split():
        candidates = {*word_stems(word), *fold_variants(word)}
        if not any(c and (c in haystack or c in haystack_translit) for c in candidates):
            return False
    return True


WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def opening_hours_lines(hours, *, short: bool = True, suffix: str = "") -> list[str]:
    """Weekly hours (objects with weekday, opens, closes, note) as one line per day:
    "Mo 09:00–12:00, 14:00–16:00" (``short``) or "Montag 09:00–12:00 Uhr" (suffix " Uhr")."""
    by_day: dict[int, list[str]] = {}
    for h in sorted(hours, key=lambda h: (h.weekday, h.opens)):
        slot = f"{h.opens:%H:%M}–{h.closes:%H:%M}{suffix}" + (f" ({h.note})" if h.note else "")
        by_day.setdefault(h.weekday, []).append(slot)
    return [f"{WEEKDAYS[day][:2] if short else WEEKDAYS[day]} {', '.join(slots)}"
            for day, slots in sorted(by_day.items())]


def postal_address(street: str | None, postcode: str | None, city: str | None) -> str:
    """"Lindenstraße 4, 09120 Chemnitz"; parts that are missing are left out ("" if none)."""
    town = " ".join(x for x in (postcode, city) if x)
    return ", ".join(x for x in (street, town) if x)


# --------------------------------------------------------------------------- consents (DESIGN.md §5)

CONSENT_VALID = "gültig"
CONSENT_UNTIL_CLOSED = "gültig bis zum Abschluss der Vermittlung"


@dataclass(frozen=True)
class ConsentState:
    """Whether a consent passes data on a day, and how that reads ("gültig", "widerrufen am …")."""

    valid: bool
    text: str


def consent_state(day: dt.date, given_on: dt.date, valid_until: dt.date | None = None,
                  withdrawn_on: dt.date | None = None, referral_closed_on: dt.date | None = None) -> ConsentState:
    """The state of a Schweigepflichtentbindung on ``day``. A withdrawal counts from its
    day on; ``valid_until`` is the last valid day; a consent without an end date ends
    when the referral it was given for is closed (``referral_closed_on``, from that day on) —
    as the printed form says."""
    if withdrawn_on is not None and withdrawn_on <= day:
        return ConsentState(False, f"widerrufen am {withdrawn_on:%d.%m.%Y}")
    if day < given_on:
        return ConsentState(False, f"gültig ab {given_on:%d.%m.%Y}")
    if valid_until is not None:
        if valid_until < day:
            return ConsentState(False, f"abgelaufen am {valid_until:%d.%m.%Y}")
        return ConsentState(True, CONSENT_VALID)
    if referral_closed_on is not None and referral_closed_on <= day:
        return ConsentState(False, f"beendet mit Abschluss der Vermittlung am {referral_closed_on:%d.%m.%Y}")
    return ConsentState(True, CONSENT_UNTIL_CLOSED)


def consent_state_of(consent, day: dt.date) -> ConsentState:
    """``consent_state`` of an object with given_on, valid_until, withdrawn_on and
    referral_closed_on (the closing day of the referral it was given for)."""
    return consent_state(day, consent.given_on, consent.valid_until, consent.withdrawn_on,
                         consent.referral_closed_on)


def covering_consent(consents, *, person_id: int, organisation_id: int, service_id: int,
                     own_consent_id: int | None, day: dt.date):
    """Which consent lets a referral pass the resident's data on ``day`` (DESIGN.md §5):
    the referral's own consent if it is valid; else the newest valid consent of the same
    person for the same recipient **and** the same service (Angebot) — the service of the
    referral that consent was given for (``service_id`` of the consent; ``None`` if it was
    never used, and then it covers nothing but a referral that links it as its own).
    ``consents`` are objects with id, person_id, organisation_id, service_id, given_on,
    valid_until, withdrawn_on and referral_closed_on. Withdrawn or expired ones never cover."""
    def usable(c) -> bool:
        return (c.person_id == person_id and c.organisation_id == organisation_id
                and consent_state_of(c, day).valid)

    own = [c for c in consents if own_consent_id is not None and c.id == own_consent_id]
    if own and usable(own[0]):
        return own[0]
    same = [c for c in consents if c.id != own_consent_id and c.service_id == service_id and usable(c)]
    return max(same, key=lambda c: (c.given_on, c.id)) if same else None

"""Text folding as of migration 0002 — FROZEN.

Migrations that backfill search keys import these so that an old migration keeps its
meaning when the application's own rules (kuemmerer.domain.rules) change later. Never
edit this module; a new rule gets a new module and a new migration.
"""

import re
import unicodedata

_FOLD = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text):
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c))).strip()


def variants(text):
    base = fold(text)
    if not base:
        return []
    out = [base]
    for variant in (fold((text or "").casefold().translate(_TRANSLIT)), re.sub(r"([aou])e", r"\1", base)):
        if variant not in out:
            out.append(variant)
    return out

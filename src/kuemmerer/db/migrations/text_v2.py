"""Person search text as of migration 0006 — FROZEN.

Adds the parts of hyphenated and apostrophed names ("Al-Masri" → "al", "masri",
"almasri") and the national form of "+49 …" phone numbers to the text of text_v1.
Never edit this module; a new rule gets a new module and a new migration.
"""

import re

from kuemmerer.db.migrations.text_v1 import fold, variants

_JOINERS = re.compile(r"[-‐‑–'’`´.]")


def name_words(text):
    out = variants(text)
    if text and _JOINERS.search(text):
        pieces = [p for p in _JOINERS.split(text) if p.strip()]
        for extra in (*pieces, "".join(pieces)):
            for v in variants(extra):
                if v not in out:
                    out.append(v)
    return out


def phone_digits(phone):
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return []
    out = [digits]
    stripped = (phone or "").lstrip()
    if stripped.startswith("+49") or digits.startswith("0049"):
        national = "0" + digits[2:] if stripped.startswith("+") else "0" + digits[4:]
        national = re.sub(r"^00", "0", national)
        if len(national) >= 3 and national not in out:
            out.append(national)
    return out


def person_search_text(first_name, last_name, phone, email):
    parts = [*name_words(first_name), *name_words(last_name), fold(email), *phone_digits(phone)]
    return " " + " ".join(p for p in parts if p) + " "

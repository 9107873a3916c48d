"""Reading her old lists (issue 15): which column is which, what kind of list it is, and the
values as Kümmerer stores them — names, genders, postcodes, dates, Excel serial days.

Pure rules, no files and no database: the import service reads the table and calls these.
Every function answers any input with a value or a ``ValueError`` whose text is German.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from .dates import DateError, DateKind, parse_german_date
from .enums import ContactKind, Gender, OrganisationKind

KINDS = {"persons": "Personen", "contacts": "Kontakte", "volunteers": "Ehrenamtliche", "partners": "Partner"}

# field -> German label, per kind (the preview names the columns with these)
PERSON_FIELDS = {"last_name": "Nachname", "first_name": "Vorname", "name": "Name (Nachname, Vorname)",
                 "birth_date": "Geburtsdatum", "birth_year": "Geburtsjahr", "gender": "Geschlecht",
                 "street": "Straße", "postcode": "PLZ", "city": "Ort", "district": "Stadtgebiet",
                 "phone": "Telefon", "email": "E-Mail"}
FIELDS: dict[str, dict[str, str]] = {
    "persons": PERSON_FIELDS,
    "contacts": {"date": "Datum", "last_name": "Nachname", "first_name": "Vorname",
                 "name": "Name (Nachname, Vorname)", "birth_date": "Geburtsdatum", "category": "Thema",
                 "kind": "Art", "duration": "Dauer (Minuten)", "note": "Notiz"},
    "volunteers": {**PERSON_FIELDS, "skills": "Fähigkeiten", "languages": "Sprachen", "since": "seit"},
    "partners": {"org_name": "Name", "org_kind": "Art", "services": "Angebote", "street": "Straße",
                 "postcode": "PLZ", "city": "Ort", "phone": "Telefon", "email": "E-Mail",
                 "opening_hours": "Öffnungszeiten"},
}

# header spellings (folded: lower case, umlauts as ae/oe/ue, no punctuation or blanks) -> field
SYNONYMS: dict[str, str] = {}
for _field, _words in {
    "last_name": ("nachname", "familienname", "name1", "zuname"),
    "first_name": ("vorname", "rufname", "name2"),
    "name": ("name", "namevorname", "nachnamevorname", "person", "teilnehmer", "teilnehmerin", "bewohner",
             "bewohnerin"),
    "birth_date": ("geburtsdatum", "gebdatum", "geboren", "geburtstag", "gebam", "geb"),
    "birth_year": ("geburtsjahr", "jahrgang", "gebjahr"),
    "gender": ("geschlecht", "anrede", "mw", "mwd", "sex"),
    "street": ("strasse", "str", "anschrift", "adresse", "strassehausnummer", "strasseundhausnummer"),
    "postcode": ("plz", "postleitzahl"),
    "city": ("ort", "wohnort", "stadt"),
    "district": ("stadtgebiet", "ortsteil", "stadtteil", "quartier", "viertel", "gebiet", "kiez", "wohngebiet",
                 "sozialraum"),
    "phone": ("telefon", "tel", "telefonnummer", "handy", "mobil", "mobilnummer", "telnr", "rufnummer"),
    "email": ("email", "mail", "emailadresse", "mailadresse"),
    "date": ("datum", "kontaktdatum", "tag", "wann"),
    "category": ("thema", "kategorie", "anliegen", "themenbereich", "bereich"),
    "kind": ("art", "kontaktart", "form"),
    "duration": ("dauer", "dauermin", "dauerminuten", "minuten", "zeit"),
    "note": ("notiz", "bemerkung", "bemerkungen", "anmerkung", "kommentar", "notizen"),
    "skills": ("faehigkeiten", "kenntnisse", "kann", "skills"),
    "languages": ("sprachen", "sprache", "spricht"),
    "since": ("seit", "dabeiseit", "beginn", "ehrenamtlichseit", "eintritt"),
    "services": ("angebote", "angebot", "leistungen"),
    "opening_hours": ("oeffnungszeiten", "sprechzeiten", "erreichbarkeit"),
    "org_name": ("einrichtung", "organisation", "traeger", "stelle", "partner", "firma"),
    "org_kind": ("typ", "einrichtungsart"),
}.items():
    for _w in _words:
        SYNONYMS[_w] = _field


def header_key(text: object) -> str:
    """A header as it is looked up: lower case, ä→ae, ß→ss, accents dropped, only letters and
    digits ("Geb.-Datum " → "gebdatum", "E-Mail" → "email", "Straße/Hausnr." → "strassehausnr")."""
    folded = str(text or "").strip().casefold()
    folded = folded.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def field_of(header: object, kind: str) -> str | None:
    """The field a header stands for in a list of ``kind``; None for a column to ignore."""
    key = header_key(header)
    field = SYNONYMS.get(key)
    if kind == "partners":  # a partner list's "Name" and "Art" are the organisation's
        field = {"name": "org_name", "kind": "org_kind", "last_name": None}.get(field or "", field)
    return field if field in FIELDS[kind] else None


def match_headers(headers: Sequence[object], kind: str) -> tuple[dict[int, str], list[int]]:
    """Column index -> field for the columns recognised (the first column wins when two mean
    the same), and the indexes of the columns she may ignore or map by hand."""
    mapping: dict[int, str] = {}
    unknown: list[int] = []
    for i, header in enumerate(headers):
        field = field_of(header, kind)
        if field is None or field in mapping.values():
            unknown.append(i)
        else:
            mapping[i] = field
    return mapping, unknown


def guess_kind(headers: Sequence[object]) -> str:
    """What list this is: contacts have a date and a topic, partners services or opening hours,
    volunteers skills or "seit"; everything else is a list of persons."""
    keys = {SYNONYMS.get(header_key(h)) for h in headers}
    raw = {header_key(h) for h in headers}
    if {"services", "opening_hours"} & keys or ({"org_name"} & keys and not {"first_name", "birth_date"} & keys):
        return "partners"
    if {"skills", "since"} & keys:
        return "volunteers"
    if "date" in keys and ({"category", "kind", "duration", "note"} & keys or "datum" in raw):
        return "contacts"
    return "persons"


def layout_key(headers: Iterable[object]) -> str:
    """The same layout of columns gives the same key (the mapping she corrected is remembered by it)."""
    return "|".join(header_key(h) for h in headers)


# --------------------------------------------------------------------------- values

_BLANK = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: "²".isdigit() is true, int("²") fails


def clean(value: object) -> str:
    """Text of a cell, with runs of blanks as one space and no blanks around it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value.bit_length() > 10_000:  # str() refuses more than 4,300 digits
        raise ValueError("Diese Zahl ist zu lang.")
    return _BLANK.sub(" ", str(value)).strip()


def split_name(text: object) -> tuple[str, str | None]:
    """"Müller, Karin" → ("Müller", "Karin"); "Karin Müller" → ("Müller", "Karin");
    "Müller" → ("Müller", None). A name in one column is "last, first" when there is a comma,
    else the last word is the last name ("Anna Maria Schulz" → ("Schulz", "Anna Maria"))."""
    name = clean(text)
    if not name:
        raise ValueError("Der Name fehlt.")
    if "," in name:
        last, _, first = name.partition(",")
        last, first = last.strip(), first.strip()
        if not last:
            raise ValueError(f"„{name}“: vor dem Komma fehlt der Nachname.")
        return last, first or None
    words = name.split(" ")
    if len(words) == 1:
        return name, None
    return words[-1], " ".join(words[:-1])


GENDERS = {
    Gender.FEMALE.value: ("w", "weiblich", "frau", "fr", "f", "female", "weibl", "mädchen", "madchen"),
    Gender.MALE.value: ("m", "männlich", "mannlich", "maennlich", "herr", "hr", "male", "männl", "junge", "mann"),
    Gender.DIVERSE.value: ("d", "divers", "x", "diverse", "inter", "nichtbinär"),
    Gender.UNSTATED.value: ("", "k.a.", "ka", "keine angabe", "-", "?", "unbekannt", "o.a."),
}
_GENDER_OF = {word: value for value, words in GENDERS.items() for word in words}


def parse_gender(value: object) -> str:
    """w/m/d, weiblich, Frau/Herr (also "Frau Dr."), k. A. → the stored value."""
    text = clean(value).casefold().rstrip(".")
    for candidate in (text, text.replace(" ", ""), text.replace(" ", "").replace(".", ""),
                      text.split(" ")[0].rstrip(".") if text else ""):
        if candidate in _GENDER_OF:
            return _GENDER_OF[candidate]
    raise ValueError(f"„{clean(value)[:40]}“ ist kein Geschlecht (w, m, d, weiblich, männlich, divers, Frau, Herr).")


def postcode(value: object) -> str | None:
    """A German postcode as text: Excel's 9123 (the leading zero lost) → "09123"."""
    text = clean(value)
    if not text:
        return None
    if _DIGITS.fullmatch(text) and len(text) <= 5:
        return text.zfill(5)
    raise ValueError(f"„{text[:20]}“ ist keine Postleitzahl (fünf Ziffern).")


EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system (its 29.02.1900 bug included)


def parse_date(value: object, *, today: dt.date, kind: DateKind = DateKind.ORDINARY) -> dt.date | None:
    """A date cell: an Excel date (datetime), an Excel serial number (45000 → 2023-03-15), or
    text in the forms the date fields take (12.03.1955, 1.2.55, 1955-03-12)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("Das ist kein Datum.")
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\s*\d{5}(\.0)?\s*", value)):
        serial = value if isinstance(value, int) else float(value)  # a huge int is no float
        if not 1 <= serial <= 2958465:
            raise ValueError(f"{clean(value)[:20]} ist kein Datum.")
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    text = clean(value)
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T].*)?", text)
    if iso:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise ValueError(f"Den {text[:10]} gibt es nicht.") from None
    try:
        return parse_german_date(text, today=today, kind=kind)
    except DateError as exc:
        raise ValueError(str(exc)) from None


def birth_from_year(value: object) -> dt.date | None:
    """A "Geburtsjahr" alone: stored as 1 January of that year (age bands need no more)."""
    text = clean(value)
    if not text:
        return None
    if _DIGITS.fullmatch(text) and len(text) == 4 and 1900 <= int(text) <= 2100:
        return dt.date(int(text), 1, 1)
    raise ValueError(f"„{text[:20]}“ ist kein Geburtsjahr.")


def split_list(value: object) -> list[str]:
    """"Kochen, Nähen; Fahrrad" → ["Kochen", "Nähen", "Fahrrad"] (repeats and blanks dropped)."""
    out: list[str] = []
    for part in re.split(r"[,;/\n]", clean(value)):
        item = part.strip()
        if item and item.casefold() not in {o.casefold() for o in out}:
            out.append(item)
    return out


CONTACT_KINDS = {
    ContactKind.OFFICE_HOURS.value: ("sprechzeit", "sprechstunde", "buero", "büro", "offenesprechstunde", "beratung",
                                     "persoenlich", "persönlich", "vorort"),
    ContactKind.APPOINTMENT.value: ("termin", "vereinbartertermin", "beratungstermin"),
    ContactKind.PHONE.value: ("telefon", "tel", "telefonisch", "anruf", "handy", "phone"),
    ContactKind.EMAIL.value: ("email", "mail", "brief", "emailbrief", "schriftlich", "post", "whatsapp", "sms"),
    ContactKind.HOME_VISIT.value: ("hausbesuch", "besuch", "zuhause"),
    ContactKind.OUTREACH.value: ("aufsuchend", "aufsuchendearbeit", "strasse", "unterwegs", "streetwork"),
}
_CONTACT_KIND_OF = {header_key(w): value for value, words in CONTACT_KINDS.items() for w in words}


def parse_contact_kind(value: object) -> str:
    """"Sprechstunde", "Telefon", "Hausbesuch", "Mail" … → the stored kind; empty: Sprechzeit."""
    key = header_key(value)
    if not key:
        return ContactKind.OFFICE_HOURS.value
    if key in _CONTACT_KIND_OF:
        return _CONTACT_KIND_OF[key]
    raise ValueError(f"„{clean(value)[:40]}“ ist keine Kontaktart "
                     f"({', '.join(k.label for k in ContactKind)}).")


_HOURS = re.compile(r"([0-9]{1,4}(?:[.,][0-9]{1,4})?)\s*(h|std\.?|stunden?)$")
_MINUTES = re.compile(r"([0-9]{1,6})\s*(min\.?|minuten)?$")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::00)?$")


def parse_minutes(value: object) -> int | None:
    """A duration cell: 30, "30 min", "1,5 h", "1:30", an Excel time cell → minutes (0 … 1440);
    empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("Das ist keine Dauer.")
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.timedelta):
        minutes = value.total_seconds() / 60
    elif isinstance(value, float) and 0 < value < 1:
        raise ValueError(f"„{clean(value)[:20]}“: Minuten oder Stunden? Bitte z. B. 30 min oder 0,5 h schreiben.")
    elif isinstance(value, int):
        if not 0 <= value <= 1440:
            raise ValueError(f"„{clean(value)[:20]}“: die Dauer muss zwischen 0 und 24 Stunden liegen.")
        minutes = value
    elif isinstance(value, float):
        minutes = value
    else:
        text = clean(value).casefold()
        if (m := _HOURS.fullmatch(text)) is not None:
            minutes = float(m[1].replace(",", ".")) * 60
        elif (m := _CLOCK.fullmatch(text)) is not None:
            minutes = int(m[1]) * 60 + int(m[2])
        elif (m := _MINUTES.fullmatch(text)) is not None:
            minutes = int(m[1])
        else:
            raise ValueError(f"„{clean(value)[:20]}“ ist keine Dauer (z. B. 30, 30 min, 1,5 h oder 1:30).")
    if math.isnan(minutes) or not 0 <= minutes <= 1440:  # NaN, negative, more than a day
        raise ValueError(f"„{clean(value)[:20]}“: die Dauer muss zwischen 0 und 24 Stunden liegen.")
    return round(minutes)


ORGANISATION_KINDS = {
    OrganisationKind.COUNSELLING.value: ("beratungsstelle", "beratung", "fachberatung", "fachdienst"),
    OrganisationKind.AUTHORITY.value: ("behoerde", "amt", "behoerdeamt", "stadtverwaltung", "jobcenter", "verwaltung"),
    OrganisationKind.CLUB.value: ("verein", "initiative", "vereininitiative", "ev", "verband"),
    OrganisationKind.CHURCH.value: ("kirche", "kirchengemeinde", "gemeinde", "moschee", "moscheegemeinde"),
    OrganisationKind.SCHOOL.value: ("schule", "kita", "schulekita", "kindergarten", "hort", "bildung"),
    OrganisationKind.BUSINESS.value: ("gewerbe", "unternehmen", "unternehmengewerbe", "firma", "geschaeft", "laden",
                                      "betrieb", "einzelhandel"),
    OrganisationKind.HOUSING.value: ("wohnungsunternehmen", "wohnungsbaugesellschaft", "vermieter",
                                     "wohnungsgesellschaft", "genossenschaft", "wohnungsgenossenschaft"),
    OrganisationKind.OTHER.value: ("sonstige", "sonstiges", "andere"),
}
_ORGANISATION_KIND_OF = {header_key(w): value for value, words in ORGANISATION_KINDS.items() for w in words}


def parse_organisation_kind(value: object) -> tuple[str, str | None]:
    """"Beratungsstelle", "Amt", "Verein", "Gewerbe" … → (stored kind, None); a kind she named
    otherwise ("Jugendhilfe") → ("sonstige", "Jugendhilfe"), kept as a note, never refused."""
    key = header_key(value)
    if not key:
        return OrganisationKind.OTHER.value, None
    if key in _ORGANISATION_KIND_OF:
        return _ORGANISATION_KIND_OF[key], None
    return OrganisationKind.OTHER.value, clean(value)[:200]


def parse_since(value: object, *, today: dt.date) -> dt.date | None:
    """"seit": a date, or a year alone (2019 → 01.01.2019)."""
    text = clean(value)
    if _DIGITS.fullmatch(text) and len(text) == 4:
        year = int(text)
        if not 1900 <= year <= today.year:
            raise ValueError(f"„{text}“ ist kein Jahr, seit dem jemand dabei sein kann.")
        return dt.date(year, 1, 1)
    return parse_date(value, today=today)

"""Enumerations of the domain. Values are stored in the database; labels are German UI text."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a German label."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = ""):  # the default only lets ``Gender("weiblich")`` type-check
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


class Gender(LabelledEnum):
    FEMALE = "weiblich", "weiblich"
    MALE = "maennlich", "männlich"
    DIVERSE = "divers", "divers"
    UNSTATED = "keine_angabe", "keine Angabe"


class AgeBand(LabelledEnum):
    UNDER_18 = "u18", "unter 18"
    FROM_18 = "18_29", "18–29"
    FROM_30 = "30_54", "30–54"
    FROM_55 = "55_64", "55–64"
    FROM_65 = "65plus", "65 und älter"
    UNKNOWN = "unbekannt", "unbekannt"


class DistrictKind(LabelledEnum):
    AREA = "gebiet", "Stadtgebiet"
    OUTSIDE = "ausserhalb", "außerhalb"


class RequestStatus(LabelledEnum):
    OPEN = "offen", "offen"
    IN_PROGRESS = "in_bearbeitung", "in Bearbeitung"
    WAITING = "wartet", "wartet auf Rückmeldung"
    DONE = "erledigt", "erledigt"
    CANCELLED = "abgebrochen", "abgebrochen"

    @property
    def is_closed(self) -> bool:
        return self in (RequestStatus.DONE, RequestStatus.CANCELLED)


class ContactKind(LabelledEnum):
    OFFICE_HOURS = "sprechzeit", "Sprechzeit"
    APPOINTMENT = "termin", "Termin"
    PHONE = "telefon", "Telefon"
    EMAIL = "email", "E-Mail/Brief"
    HOME_VISIT = "hausbesuch", "Hausbesuch"
    OUTREACH = "aufsuchend", "aufsuchende Arbeit"


class OrganisationKind(LabelledEnum):
    COUNSELLING = "beratungsstelle", "Beratungsstelle"
    AUTHORITY = "behoerde", "Behörde/Amt"
    CLUB = "verein", "Verein/Initiative"
    CHURCH = "kirche", "Kirchengemeinde"
    SCHOOL = "schule", "Schule/Kita"
    BUSINESS = "unternehmen", "Unternehmen/Gewerbe"
    HOUSING = "wohnungsunternehmen", "Wohnungsunternehmen"
    OTHER = "sonstige", "Sonstige"


class ReferralOutcome(LabelledEnum):
    """The result of a referral. "abgeschlossen" is not a result but ``Referral.closed_on``:
    vermittelt → angekommen / nicht wahrgenommen / abgelehnt → abgeschlossen."""

    REFERRED = "vermittelt", "vermittelt"
    ARRIVED = "angekommen", "angekommen"
    NO_SHOW = "nicht_wahrgenommen", "nicht wahrgenommen"
    DECLINED = "abgelehnt", "abgelehnt"


class DataCategory(LabelledEnum):
    """Categories of personal data a consent may cover."""

    NAME = "name", "Name"
    CONTACT = "kontakt", "Anschrift und Kontaktdaten"
    BIRTH_DATE = "geburtsdatum", "Geburtsdatum"
    CONCERN = "anliegen", "Anliegen und Anlass der Vermittlung"
    HOUSEHOLD = "haushalt", "Haushalts- und Einkommenssituation"
    DOCUMENTS = "unterlagen", "Unterlagen und Bescheide"


class TagKind(LabelledEnum):
    SKILL = "faehigkeit", "Fähigkeit"
    INTEREST = "interesse", "Interesse"
    LANGUAGE = "sprache", "Sprache"


class VolunteerStatus(LabelledEnum):
    ACTIVE = "aktiv", "aktiv"
    PAUSED = "pausiert", "pausiert"
    ENDED = "beendet", "beendet"


class InquiryAnswer(LabelledEnum):
    """What a volunteer said when she asked them to help."""

    OPEN = "offen", "noch offen"
    YES = "zugesagt", "zugesagt"
    NO = "abgesagt", "abgesagt"


class Publication(LabelledEnum):
    """May a photo or document be published (Publizitätsnachweis, website, flyer)?"""

    UNCLEAR = "unklar", "nicht geklärt"
    AGREED = "ja", "ja – alle Abgebildeten sind einverstanden"
    NO_PERSONS = "keine_personen", "ja – keine Personen erkennbar"
    REFUSED = "nein", "nein – nicht veröffentlichen"


class ActivityKind(LabelledEnum):
    PROJECT = "projekt", "Projekt"
    ACTION = "aktion", "Aktion"
    EVENT = "veranstaltung", "Veranstaltung"
    COURSE = "kurs", "Kurs"
    GROUP = "gruppe", "offener Treff/Gruppe"


class NetworkKind(LabelledEnum):
    BOARD = "gremium", "Gremium"
    WORKING_GROUP = "arbeitskreis", "Arbeitskreis"
    DISTRICT_ROUND = "stadtteilrunde", "Stadtteilrunde"
    BUSINESS_ROUND = "gewerbestammtisch", "Gewerbestammtisch"
    OTHER = "sonstige", "Sonstiges Netzwerk"


class AuditAction(LabelledEnum):
    CREATE = "create", "angelegt"
    UPDATE = "update", "geändert"
    DELETE = "delete", "gelöscht"
    ERASE = "erase", "personenbezogene Daten gelöscht"
    BACKUP = "backup", "Sicherung erstellt"
    RESTORE = "restore", "Sicherung wiederhergestellt"
    MIGRATE = "migrate", "Datenbank aktualisiert"
    DEMO = "demo", "Demodaten erzeugt"


class ErasureKind(LabelledEnum):
    """What an entry of the erasure journal erased (re-applied after a restore)."""

    PERSON = "person", "Person mit allen Daten"
    CLEARANCE = "fuehrungszeugnis", "Angaben zum Führungszeugnis"


class ReportKind(LabelledEnum):
    """An issued report kept in the archive."""

    SACHBERICHT = "sachbericht", "Sachbericht (PDF)"
    JAHRESSTATISTIK = "jahresstatistik", "Jahresstatistik (Excel)"

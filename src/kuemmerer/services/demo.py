"""Demo data: a few years of an invented neighbourhood office, for trying the app out.

Everything here is synthetic. Names are random combinations of common first and
last names, streets are invented, phone numbers come from the ranges the
Bundesnetzagentur keeps free for films and books ("drama numbers") and e-mail
addresses use the reserved domain ``example.org``. No real person's data.

The generator first *plans* the whole data set in plain Python (one
``random.Random(seed)``, no clock: the same seed and ``today`` give the same
rows, timestamps included), then writes it with the ORM in a handful of batched
flushes and commits once.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from kuemmerer.db.models import (
    ActionField,
    ActionItem,
    Activity,
    AgendaItem,
    AnonymousTally,
    Assignment,
    Attendance,
    Category,
    Consent,
    Contact,
    District,
    Meeting,
    MeetingParticipant,
    Network,
    NetworkMember,
    OpeningHours,
    Organisation,
    Person,
    Referral,
    Request,
    Service,
    Session,
    SessionHeadcount,
    Tag,
    Volunteer,
    VolunteerInquiry,
)
from kuemmerer.db.uow import UnitOfWork
from kuemmerer.domain import availability
from kuemmerer.domain.enums import (
    ActivityKind,
    AgeBand,
    AuditAction,
    ContactKind,
    DistrictKind,
    Gender,
    InquiryAnswer,
    NetworkKind,
    OrganisationKind,
    ReferralOutcome,
    RequestStatus,
    TagKind,
    VolunteerStatus,
)
from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.rules import age_on

from . import lists, settings, validation

NOT_EMPTY = ("Die Datenbank enthält schon Daten. Demodaten werden nur in eine leere "
             "Datenbank geschrieben.")

D = dt.date
ONE_DAY = dt.timedelta(days=1)
FLUSH_EVERY = 2000
PARTICIPANTS_PER_YEAR = (470, 530)
CITY = "Chemnitz"
EMAIL_DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoSummary:
    persons: int
    contacts: int
    requests: int
    referrals: int
    volunteers: int
    activities: int
    sessions: int
    networks: int
    meetings: int
    anonymous_tallies: int


# =========================================================================== vocabulary

# group: (weight, female first names, male first names, last names, languages)
# a last name is either one string or (female form, male form)
NAME_GROUPS: dict[str, tuple[float, tuple, tuple, tuple, tuple]] = {
    "de": (
        0.60,
        ("Anna", "Maria", "Ursula", "Monika", "Petra", "Sabine", "Karin", "Renate", "Brigitte",
         "Helga", "Ingrid", "Gisela", "Christa", "Heike", "Andrea", "Kerstin", "Katrin", "Anja",
         "Susanne", "Claudia", "Nicole", "Stefanie", "Julia", "Lisa", "Laura", "Lea", "Hannah",
         "Sophie", "Emma", "Mia", "Lena", "Jana", "Franziska", "Mandy", "Peggy", "Doreen",
         "Yvonne", "Grit", "Ramona", "Jördis", "Dörte", "Käthe", "Bärbel", "Hannelore", "Elke",
         "Silke", "Antje", "Charlotte", "Greta", "Frieda", "Lotte", "Jacqueline", "Cindy"),
        ("Thomas", "Michael", "Andreas", "Frank", "Jens", "Uwe", "Ralf", "Steffen", "Torsten",
         "Matthias", "Stefan", "Daniel", "Tobias", "Paul", "Felix", "Lukas", "Maximilian", "Ben",
         "Jonas", "Leon", "Finn", "Karl", "Heinz", "Werner", "Manfred", "Dieter", "Klaus",
         "Jürgen", "Jörg", "Björn", "Günter", "Horst", "Siegfried", "Rüdiger", "Lutz", "René",
         "André", "Maik", "Enrico", "Ronny", "Sören", "Götz", "Kevin", "Marcel", "Emil", "Oskar"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
         "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Krause",
         "Lehmann", "Schulze", "Köhler", "Herrmann", "König", "Walter", "Fuchs", "Scholz",
         "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Günther", "Berger",
         "Winkler", "Lorenz", "Baumann", "Franke", "Albrecht", "Böhm", "Winter", "Krämer",
         "Vogt", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Dietrich", "Kühn",
         "Pohl", "Engel", "Bergmann", "Voigt", "Pfeiffer", "Böhme", "Löffler", "Ullrich",
         "Nestler", "Fröhlich", "Weißflog", "Uhlig", "Rößler", "Seifert", "Kretzschmar",
         "Thümmler", "Glöckner", "Schönherr", "Fiedler", "Tränkner", "Männel", "Weigel",
         "Göpfert", "Süß", "Haußmann", "Strauß", "Preußler"),
        ("Deutsch",),
    ),
    "ru": (
        0.09,
        ("Olga", "Natalia", "Swetlana", "Tatjana", "Irina", "Jelena", "Ljudmila", "Oksana",
         "Julija", "Anastasija", "Walentina", "Halyna", "Kateryna"),
        ("Sergej", "Dmitri", "Alexander", "Wladimir", "Andrej", "Juri", "Oleksandr", "Dmytro",
         "Mykola", "Bohdan", "Taras", "Iwan", "Artjom"),
        (("Iwanowa", "Iwanow"), ("Petrowa", "Petrow"), ("Smirnowa", "Smirnow"),
         ("Kusnezowa", "Kusnezow"), ("Sokolowa", "Sokolow"), ("Morosowa", "Morosow"),
         ("Wolkowa", "Wolkow"), "Schewtschenko", "Kowalenko", "Bondarenko", "Tkatschenko",
         "Melnyk", "Boiko", "Hryhorenko", "Sawtschuk"),
        ("Russisch, Deutsch", "Ukrainisch, Russisch", "Ukrainisch", "Russisch"),
    ),
    "tr": (
        0.045,
        ("Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Gülşen", "Özlem", "Çiğdem",
         "Büşra", "Şeyma", "Merve"),
        ("Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Murat", "Emre", "Burak",
         "Oğuz", "Çağlar", "Serkan", "Yusuf"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir",
         "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Koç", "Kurt", "Özkan", "Şimşek", "Polat"),
        ("Türkisch, Deutsch", "Türkisch", "Kurdisch, Türkisch"),
    ),
    "ar": (
        0.05,
        ("Fatima", "Amira", "Layla", "Mariam", "Noor", "Huda", "Salma", "Yasmin", "Aisha", "Rana"),
        ("Mohammed", "Ahmad", "Omar", "Yusuf", "Khaled", "Hassan", "Ibrahim", "Karim", "Tariq",
         "Samir"),
        ("Al-Hassan", "Haddad", "Khalil", "Nasser", "Mahmoud", "Abdullah", "Saleh", "Ibrahim",
         "Al-Masri", "Hamdan", "Mansour", "Othman"),
        ("Arabisch", "Arabisch, Englisch", "Arabisch, Französisch"),
    ),
    "sy": (
        0.06,
        ("Rasha", "Rim", "Lina", "Hiba", "Dima", "Nour", "Ghada", "Sawsan", "Rouba"),
        ("Firas", "Mazen", "Wael", "Rami", "Hussam", "Ammar", "Louay", "Bassel", "Majd"),
        ("Al-Ahmad", "Darwish", "Kurdi", "Haj Ali", "Sabbagh", "Halabi", "Shami", "Jaber",
         "Hamwi", "Al-Khatib"),
        ("Arabisch", "Arabisch, Kurdisch", "Arabisch, Deutsch"),
    ),
    "pl": (
        0.04,
        ("Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Ewa", "Magdalena", "Dorota", "Beata",
         "Żaneta"),
        ("Łukasz", "Grzegorz", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Wojciech",
         "Zbigniew"),
        (("Kowalska", "Kowalski"), ("Wiśniewska", "Wiśniewski"), "Wójcik", "Kowalczyk",
         ("Kamińska", "Kamiński"), ("Lewandowska", "Lewandowski"), ("Zielińska", "Zieliński"),
         ("Szymańska", "Szymański"), "Woźniak", ("Dąbrowska", "Dąbrowski"), "Mazur", "Król",
         "Nowak", "Gałązka"),
        ("Polnisch, Deutsch", "Polnisch"),
    ),
    "vn": (
        0.04,
        ("Thị Lan", "Thị Hoa", "Thu Trang", "Ngọc Anh", "Thị Hương", "Minh Thư", "Thanh Hà",
         "Lan Anh"),
        ("Văn Minh", "Đức Anh", "Quang Huy", "Văn Hùng", "Tuấn Anh", "Minh Khoa", "Hoàng Nam"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Nguyen",
         "Tran", "Pham"),
        ("Vietnamesisch, Deutsch", "Vietnamesisch"),
    ),
    "ro": (
        0.03,
        ("Ioana", "Andreea", "Elena", "Mihaela", "Alexandra", "Cristina", "Ana-Maria", "Roxana"),
        ("Mihai", "Ștefan", "Răzvan", "Ionuț", "Andrei", "Florin", "Gheorghe", "Cătălin"),
        ("Popescu", "Ionescu", "Munteanu", "Constantinescu", "Stănescu", "Dumitrescu", "Bălan",
         "Rădulescu", "Moldovan", "Lăzărescu", "Țurcanu"),
        ("Rumänisch", "Rumänisch, Deutsch", "Romanes, Rumänisch"),
    ),
    "hu": (
        0.02,
        ("Erzsébet", "Zsófia", "Katalin", "Ildikó", "Réka", "Orsolya"),
        ("Ferenc", "László", "Zoltán", "Gábor", "Bence", "Ödön"),
        ("Szőke", "Kovács", "Horváth", "Nagy", "Tóth", "Szabó", "Kiss", "Fekete", "Bíró", "Győri"),
        ("Ungarisch, Deutsch", "Ungarisch"),
    ),
    "fa": (
        0.03,
        ("Zahra", "Maryam", "Fatemeh", "Parisa", "Shirin", "Soraya", "Mahsa"),
        ("Reza", "Ali", "Farid", "Hamid", "Mohammad", "Navid", "Omid"),
        ("Ahmadi", "Rahimi", "Hosseini", "Karimi", "Sadeghi", "Rezaei", "Mohammadi", "Jafari",
         "Noori"),
        ("Dari, Paschtu", "Farsi", "Farsi, Englisch", "Dari"),
    ),
}

# district name: (weight, postcodes, invented streets)
DISTRICTS: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "Kappel": (22, ("09119",), ("Ahornweg", "Birkenstraße", "Am Kirschgarten", "Lindenring",
                                 "Ulmenweg", "Kastanienallee")),
    "Markersdorf": (20, ("09123", "09122"), ("Sonnenhang", "Mondscheinweg", "Sternenstraße",
                                             "Am Regenbogen", "Wolkenweg", "Kometenring")),
    "Morgenleite": (15, ("09122",), ("Morgenröte", "Am Wiesengrund", "Kleeblattweg",
                                      "Tulpenstraße", "Rosenhof", "Mohnblumenweg")),
    "Hutholz": (18, ("09123", "09125"), ("Waldblick", "Eichenhain", "Buchenweg", "Am Farnhang",
                                          "Pilzweg", "Moosgrund")),
    "Helbersdorf": (17, ("09120",), ("Lerchenweg", "Meisenring", "Amselstraße", "Finkenweg",
                                      "Am Taubenschlag", "Zeisigweg")),
}
OUTSIDE_WEIGHT = 5
NO_DISTRICT_WEIGHT = 3
OUTSIDE_ADDRESSES = (("09111", "Gartenstraße"), ("09113", "Schillerhof"), ("09126", "Parkweg"),
                     ("09130", "Am Mühlbach"), ("09116", "Feldrain"))

# category: (weight, request titles, services to refer to, chance of a referral)
CATEGORY_PLAN: dict[str, tuple[float, tuple[str, ...], tuple[str, ...], float]] = {
    "Schulden und Finanzen": (16, (
        "Mahnung vom Stromversorger", "Ratenzahlung mit Inkassobüro", "Kontopfändung",
        "Haushaltsplan aufstellen", "Rückforderung Jobcenter", "Mietschulden",
        "Handyvertrag kündigen"), ("Schuldnerberatung", "Sozialberatung"), 0.45),
    "Wohnung und Nachbarschaft": (18, (
        "Lärm im Haus", "Schimmel in der Wohnung", "Wohnungssuche", "Nebenkostenabrechnung prüfen",
        "Streit im Treppenhaus", "Umzug in barrierefreie Wohnung", "Reparatur lässt auf sich warten"),
        ("Mieterberatung", "Ordnungsamt", "Rechtsberatung"), 0.2),
    "Behörden und Formulare": (20, (
        "Wohngeldantrag", "Antrag Bildung und Teilhabe", "Rentenantrag ausfüllen",
        "Befreiung vom Rundfunkbeitrag", "Schwerbehindertenausweis beantragen",
        "Widerspruch gegen Bescheid", "Kindergeldantrag", "Sozialpass beantragen"),
        ("Sozialberatung", "Rechtsberatung"), 0.15),
    "Arbeit und Jobcenter": (12, (
        "Bewerbungsunterlagen erstellen", "Weiterbewilligungsantrag Bürgergeld",
        "Termin beim Jobcenter vorbereiten", "Minijob gesucht", "Anerkennung Berufsabschluss"),
        ("Jobcenter", "Sozialberatung", "Migrationsberatung"), 0.25),
    "Gesundheit und Pflege": (9, (
        "Pflegegrad beantragen", "Hausarzt gesucht", "Zuzahlungsbefreiung Krankenkasse",
        "Begleitung zum Facharzt", "Hilfe im Haushalt organisieren"),
        ("Seniorenberatung", "Sozialberatung"), 0.3),
    "Sucht": (3, (
        "Kontakt zur Suchtberatung", "Angehörige suchen Unterstützung", "Glücksspiel"),
        ("Suchtberatung",), 0.7),
    "Familie und Kinder": (9, (
        "Kitaplatz finden", "Unterhaltsvorschuss beantragen", "Schwierigkeiten in der Schule",
        "Ferienbetreuung", "Elterngeld beantragen"),
        ("Familienberatung", "Erziehungsberatung"), 0.3),
    "Sprache und Integration": (8, (
        "Integrationskurs finden", "Behördenbrief verstehen", "Aufenthaltstitel verlängern",
        "Sprachmittlung für Arzttermin", "Deutschkurs für Fortgeschrittene"),
        ("Migrationsberatung", "Sprachkurs"), 0.35),
    "Freizeit und Engagement": (4, (
        "Interesse am Ehrenamt", "Mitmachen im Gemeinschaftsgarten", "Raum für Nachbarschaftstreffen",
        "Idee für das Stadtteilfest"), (), 0.0),
    "Sonstiges": (5, (
        "Allgemeine Auskunft", "Sozialticket", "Internetzugang einrichten", "Formular ausdrucken"),
        ("Sozialberatung",), 0.1),
}

REQUEST_DESCRIPTIONS = (
    "Unterlagen liegen teilweise vor.", "Bewohner*in wünscht Begleitung.",
    "Frist beachten.", "Brief wurde gemeinsam gelesen.", "Erstgespräch in der Sprechzeit.",
    "Kam auf Empfehlung der Nachbarin.", "Sprachmittlung war nötig.",
)
CONTACT_NOTES = (
    "Unterlagen gesichtet", "Antrag gemeinsam ausgefüllt", "Telefonat mit Vermieter",
    "Brief erklärt", "Termin vereinbart", "Nachfrage zum Stand", "Kopien gemacht",
    "Rückruf erbeten", "Vermittlungsbogen mitgegeben", "Kurze Auskunft",
)
FOLLOW_UP_NOTES = (
    "Bescheid nachfragen", "Unterlagen mitbringen lassen", "Rückruf Vermieter",
    "Frist für Widerspruch prüfen", "Nachfragen, ob Termin geklappt hat", "Antwort der Behörde abwarten",
)
QUICK_NOTES = ("Kurze Auskunft", "Weg zum Amt erklärt", "Formular ausgegeben", "Info zu Angeboten")

HOURS_NOTES = ("Termine auch außerhalb der Sprechzeiten nach Vereinbarung",
               "Offene Sprechstunde ohne Anmeldung; sonst bitte anrufen", None,
               "In den Schulferien eingeschränkt", None, "Erstgespräch nur mit Termin")
CLOSED = "closed"  # drawn like an outcome: arrived, and later closed
OUTCOME_NOTES = {
    ReferralOutcome.ARRIVED.value: ("Erstgespräch hat stattgefunden", "Termin wahrgenommen"),
    CLOSED: ("Beratung abgeschlossen", "Ratenplan vereinbart",
                                   "Antrag bewilligt"),
    ReferralOutcome.NO_SHOW.value: ("Termin nicht wahrgenommen", "Hat sich nicht gemeldet"),
    ReferralOutcome.DECLINED.value: ("Möchte keine Beratung mehr", "Keine Kapazität, Warteliste"),
}

CONSENT_CATEGORIES = (
    "name,kontakt,anliegen", "name,kontakt,anliegen", "name,kontakt", "name,anliegen",
    "name,kontakt,geburtsdatum,anliegen", "name,kontakt,anliegen,unterlagen",
    "name,kontakt,haushalt,unterlagen",
)

# name, kind, district, street, services, weekly hours, what to bring, languages
ORGANISATIONS: tuple[tuple, ...] = (
    ("Schuldner- und Insolvenzberatung Chemnitz-Süd e. V.", OrganisationKind.COUNSELLING, "Kappel",
     "Lindenring 4", ("Schuldnerberatung",), ((0, "09:00", "12:00"), (1, "13:00", "17:00"),
                                              (3, "09:00", "12:00"), (3, "13:00", "18:00")),
     "Alle Mahnungen und Rechnungen, Kontoauszüge der letzten drei Monate, Einkommensnachweise, "
     "Mietvertrag", "Deutsch, Russisch"),
    ("Suchtberatungsstelle Am Flemminggebiet", OrganisationKind.COUNSELLING, None,
     "Am Wiesenhang 17", ("Suchtberatung",), ((0, "10:00", "16:00"), (2, "10:00", "18:00"),
                                              (4, "09:00", "13:00")),
     "Krankenversicherungskarte; keine Anmeldung nötig zur offenen Sprechstunde",
     "Deutsch, Englisch, Russisch"),
    ("Internationales Begegnungszentrum Brückenschlag e. V.", OrganisationKind.CLUB, "Markersdorf",
     "Kometenring 21", ("Migrationsberatung", "Sprachkurs"),
     ((0, "09:00", "15:00"), (1, "09:00", "15:00"), (3, "12:00", "18:00")),
     "Pass oder Aufenthaltstitel, aktuelle Bescheide", "Deutsch, Arabisch, Farsi, Türkisch, Englisch"),
    ("Allgemeine Sozialberatung im Bürgerhaus Hutholz", OrganisationKind.COUNSELLING, "Hutholz",
     "Eichenhain 2", ("Sozialberatung", "Seniorenberatung"),
     ((1, "09:00", "12:00"), (3, "13:00", "17:00")),
     "Bescheide und Briefe, um die es geht; Personalausweis", "Deutsch, Vietnamesisch"),
    ("Mieterhilfe Kappel-Helbersdorf e. V.", OrganisationKind.CLUB, "Helbersdorf",
     "Zeisigweg 9", ("Mieterberatung", "Rechtsberatung"), ((1, "16:00", "19:00"),),
     "Mietvertrag, Nebenkostenabrechnung, Schriftverkehr mit dem Vermieter, Fotos von Mängeln",
     "Deutsch"),
    ("Familien- und Erziehungsberatungsstelle Regenbogen", OrganisationKind.COUNSELLING,
     "Morgenleite", "Mohnblumenweg 30", ("Familienberatung", "Erziehungsberatung"),
     ((0, "08:00", "16:00"), (1, "08:00", "16:00"), (2, "08:00", "18:00"), (3, "08:00", "16:00"),
      (4, "08:00", "13:00")),
     "Nichts Besonderes; Termin vorher telefonisch vereinbaren", "Deutsch, Englisch, Polnisch"),
    ("Jobcenter Geschäftsstelle Südwest", OrganisationKind.AUTHORITY, None,
     "Verwaltungsplatz 3", ("Jobcenter",), ((0, "08:00", "12:00"), (1, "08:00", "12:00"),
                                           (3, "08:00", "12:00"), (3, "14:00", "18:00"),
                                           (4, "08:00", "12:00")),
     "Personalausweis, Einladungsschreiben, Kundennummer, Bescheide", "Deutsch, Englisch"),
    ("Bürgerservice und Ordnungsamt, Außenstelle Süd", OrganisationKind.AUTHORITY, "Markersdorf",
     "Sternenstraße 1", ("Ordnungsamt",), ((0, "09:00", "12:00"), (1, "09:00", "18:00"),
                                          (3, "09:00", "18:00")),
     "Personalausweis; bei Beschwerden Datum, Uhrzeit und Ort notieren", "Deutsch"),
    ("Seniorenbüro Morgenleite", OrganisationKind.CLUB, "Morgenleite", "Rosenhof 12",
     ("Seniorenberatung",), ((1, "09:00", "12:00"), (2, "09:00", "12:00"), (3, "14:00", "16:00")),
     "Pflegekassenbescheide, Medikamentenplan", "Deutsch, Russisch"),
    ("Offene Rechtsberatung im Stadtteiltreff", OrganisationKind.OTHER, "Kappel",
     "Kastanienallee 8", ("Rechtsberatung",), ((2, "17:00", "19:00"),),
     "Alle Schreiben zur Sache, Fristen notieren; Beratungshilfeschein, falls vorhanden", "Deutsch"),
    ("Sprachschule Wortbrücke gGmbH", OrganisationKind.OTHER, None, "Schillerhof 5",
     ("Sprachkurs", "Migrationsberatung"), ((0, "08:30", "16:30"), (1, "08:30", "16:30"),
                                           (2, "08:30", "16:30"), (3, "08:30", "16:30")),
     "Berechtigungsschein für den Integrationskurs, Pass", "Deutsch, Englisch, Arabisch, Ukrainisch"),
    ("Frauen- und Familienzentrum Lindenhof e. V.", OrganisationKind.CLUB, "Helbersdorf",
     "Amselstraße 44", ("Familienberatung", "Sozialberatung", "Schuldnerberatung"),
     ((0, "09:00", "14:00"), (2, "09:00", "14:00"), (4, "09:00", "12:00")),
     "Nichts; Kinder dürfen mitkommen", "Deutsch, Arabisch, Rumänisch"),
    ("Wohnungsgenossenschaft Sonnenhang eG", OrganisationKind.HOUSING, "Markersdorf",
     "Sonnenhang 60", (), ((1, "09:00", "12:00"), (3, "14:00", "18:00")), None, "Deutsch"),
    ("Grundschule am Birkenwäldchen", OrganisationKind.SCHOOL, "Kappel", "Birkenstraße 25", (),
     (), None, None),
    ("Kita Pusteblume", OrganisationKind.SCHOOL, "Markersdorf", "Wolkenweg 3", (), (), None, None),
    ("Kirchgemeinde Am Lindenplatz", OrganisationKind.CHURCH, "Helbersdorf", "Lerchenweg 1", (),
     ((3, "15:00", "17:00"),), None, "Deutsch"),
    ("Bäckerei Körnerglück", OrganisationKind.BUSINESS, "Markersdorf", "Am Regenbogen 2", (),
     ((0, "06:00", "18:00"), (1, "06:00", "18:00"), (2, "06:00", "18:00"), (3, "06:00", "18:00"),
      (4, "06:00", "18:00"), (5, "07:00", "11:00")), None, None),
    ("Apotheke am Kometenring", OrganisationKind.BUSINESS, "Markersdorf", "Kometenring 7", (),
     ((0, "08:00", "18:30"), (1, "08:00", "18:30"), (2, "08:00", "18:30"), (3, "08:00", "18:30"),
      (4, "08:00", "18:30"), (5, "08:30", "12:00")), None, None),
    ("Fahrradladen Speiche & Söhne", OrganisationKind.BUSINESS, "Markersdorf", "Mondscheinweg 14",
     (), ((1, "10:00", "18:00"), (2, "10:00", "18:00"), (3, "10:00", "18:00"),
          (4, "10:00", "18:00"), (5, "10:00", "13:00")), None, None),
    ("Sportverein Grün-Weiß Hutholz e. V.", OrganisationKind.CLUB, "Hutholz", "Waldblick 40", (),
     (), None, "Deutsch"),
)
ORG_MAILBOXES = {
    "Schuldner- und Insolvenzberatung Chemnitz-Süd e. V.": "schuldnerberatung-sued",
    "Suchtberatungsstelle Am Flemminggebiet": "suchtberatung-flemming",
    "Internationales Begegnungszentrum Brückenschlag e. V.": "brueckenschlag",
    "Allgemeine Sozialberatung im Bürgerhaus Hutholz": "sozialberatung-hutholz",
    "Mieterhilfe Kappel-Helbersdorf e. V.": "mieterhilfe-kh",
    "Familien- und Erziehungsberatungsstelle Regenbogen": "beratung-regenbogen",
    "Jobcenter Geschäftsstelle Südwest": "jobcenter-suedwest",
    "Bürgerservice und Ordnungsamt, Außenstelle Süd": "buergerservice-sued",
    "Offene Rechtsberatung im Stadtteiltreff": "rechtsberatung-treff",
    "Frauen- und Familienzentrum Lindenhof e. V.": "ffz-lindenhof",
    "Wohnungsgenossenschaft Sonnenhang eG": "wg-sonnenhang",
    "Grundschule am Birkenwäldchen": "gs-birkenwaeldchen",
    "Sportverein Grün-Weiß Hutholz e. V.": "gruen-weiss-hutholz",
}

# name, kind, district, location, (min age, max age, women only), schedule, (start, end),
# popularity, (anonymous min, max), for children (needs police clearance), team size
ACTIVITIES: tuple[tuple, ...] = (
    ("Frühjahrsputz im Quartier", ActivityKind.ACTION, "Markersdorf", "Treffpunkt am Stadtteiltreff",
     (0, 120, False), ("yearly_nth", 4, 5, 2), ("09:30", "13:00"), 2, (15, 40), False, 4),
    ("AK Naturerziehung", ActivityKind.PROJECT, "Hutholz", "Waldspielplatz Hutholz",
     (5, 12, False), ("biweekly", 2, range(3, 12), ("school",)), ("15:00", "17:00"), 4, (0, 2),
     True, 2),
    ("Spieleabend", ActivityKind.GROUP, "Kappel", "Stadtteiltreff Kappel", (12, 120, False),
     ("monthly", 4, 1, ()), ("18:00", "21:00"), 3, (0, 4), False, 2),
    ("Café international", ActivityKind.GROUP, "Markersdorf", "Begegnungscafé Markersdorf",
     (16, 120, False), ("weekly", (3,), range(1, 13), ("christmas", "summer")),
     ("15:00", "17:30"), 7, (1, 6), False, 3),
    ("Nähwerkstatt", ActivityKind.COURSE, "Helbersdorf", "Stadtteiltreff Helbersdorf, Werkraum",
     (14, 120, False), ("weekly", (1,), range(1, 13), ("christmas", "summer")),
     ("17:00", "19:00"), 3, (0, 1), False, 2),
    ("Hausaufgabenhilfe", ActivityKind.GROUP, "Morgenleite", "Grundschule am Birkenwäldchen, Raum 12",
     (6, 14, False), ("weekly", (0, 2), range(1, 13), ("school",)), ("14:00", "16:00"), 6, (0, 0),
     True, 3),
    ("Seniorentanz", ActivityKind.GROUP, "Hutholz", "Bürgerhaus Hutholz, Saal", (60, 120, False),
     ("weekly", (2,), range(1, 13), ("christmas", "summer")), ("10:00", "11:30"), 6, (0, 2),
     False, 1),
    ("Stadtteilfest", ActivityKind.EVENT, None, "Festwiese am Bürgerhaus", (0, 120, False),
     ("yearly_nth", 6, 5, 2), ("14:00", "19:00"), 2, (250, 600), False, 6),
    ("Repair-Café", ActivityKind.PROJECT, "Kappel", "Stadtteiltreff Kappel", (14, 120, False),
     ("monthly", 5, 3, (8,)), ("10:00", "13:00"), 3, (2, 10), False, 3),
    ("Sprachcafé Deutsch", ActivityKind.COURSE, "Markersdorf", "Begegnungscafé Markersdorf",
     (16, 120, False), ("weekly", (0,), range(1, 13), ("christmas", "summer")),
     ("16:00", "17:30"), 4, (0, 3), False, 2),
    ("Kinderferienprogramm", ActivityKind.PROJECT, None, "Stadtteiltreff Kappel und Umgebung",
     (6, 13, False), ("holiday_weeks",), ("09:00", "14:00"), 3, (0, 5), True, 3),
    ("Laternenumzug", ActivityKind.EVENT, "Helbersdorf", "Start an der Kirche Am Lindenplatz",
     (0, 120, False), ("yearly_day", 11, 11), ("17:00", "19:00"), 2, (60, 150), False, 4),
    ("Adventsnachmittag", ActivityKind.EVENT, "Morgenleite", "Seniorenbüro Morgenleite",
     (0, 120, False), ("yearly_nth", 12, 5, 1), ("14:30", "17:30"), 2, (30, 80), False, 3),
    ("Gemeinschaftsgarten Hutholz", ActivityKind.PROJECT, "Hutholz", "Garten am Moosgrund",
     (8, 120, False), ("weekly", (5,), range(4, 11), ()), ("10:00", "12:30"), 3, (0, 4), False, 2),
    ("Smartphone-Sprechstunde für Ältere", ActivityKind.COURSE, "Kappel", "Stadtteiltreff Kappel",
     (60, 120, False), ("biweekly", 1, range(1, 13), ("christmas", "summer")), ("10:00", "11:30"),
     3, (0, 2), False, 1),
    ("Kochtreff", ActivityKind.GROUP, "Helbersdorf", "Stadtteiltreff Helbersdorf, Küche",
     (16, 120, False), ("monthly", 3, 2, (8,)), ("17:00", "20:00"), 2, (0, 2), False, 2),
    ("Vorlesestunde in der Kita Pusteblume", ActivityKind.GROUP, "Markersdorf", "Kita Pusteblume",
     (3, 7, False), ("biweekly", 4, range(1, 13), ("school",)), ("09:30", "10:30"), 4, (3, 8),
     True, 2),
    ("Frauenfrühstück", ActivityKind.GROUP, "Morgenleite", "Stadtteiltreff Morgenleite",
     (18, 120, True), ("monthly", 2, -1, (8,)), ("09:00", "11:00"), 5, (0, 3), False, 1),
    ("Fahrradwerkstatt", ActivityKind.PROJECT, "Hutholz", "Garage am Bürgerhaus Hutholz",
     (10, 120, False), ("weekly", (3,), range(4, 10), ()), ("16:00", "18:00"), 2, (1, 5), False, 2),
    ("Bewohnerversammlung Morgenleite", ActivityKind.EVENT, "Morgenleite", "Schulaula Morgenleite",
     (18, 120, False), ("twice_yearly", 1), ("18:00", "20:00"), 1, (10, 30), False, 2),
)
LANGUAGE_ACTIVITIES = ("Café international", "Sprachcafé Deutsch")
STARTS_IN_SECOND_YEAR = "Nähwerkstatt"
ENDS_AFTER_FIRST_YEAR = "Kochtreff"

SKILLS = ("Kochen und Backen", "Handwerk", "Nähen", "Gartenarbeit", "Nachhilfe", "Fahrdienst",
          "Computer und Smartphone", "Fotografie", "Musik", "Organisation", "Fahrradreparatur",
          "Vorlesen", "Übersetzen")
INTERESTS = ("Kinder und Jugend", "Senior*innen", "Umwelt und Natur", "Kultur", "Sport",
             "Stadtteilfest", "Begegnung und Sprache", "Nachbarschaftshilfe")
LANGUAGE_TAGS = {"de": "Deutsch", "ru": "Russisch", "tr": "Türkisch", "ar": "Arabisch",
                 "sy": "Arabisch", "pl": "Polnisch", "vn": "Vietnamesisch", "ro": "Rumänisch",
                 "hu": "Ungarisch", "fa": "Farsi"}
EXTRA_LANGUAGES = ("Englisch", "Englisch", "Französisch", "Spanisch", "Ukrainisch")
AVAILABILITY = ("Di und Do nachmittags", "am Wochenende", "flexibel", "vormittags",
                "nach Absprache", "einmal im Monat", None)
# the grid (domain/availability.py) each remark above stands for
AVAILABILITY_SLOTS = {
    "Di und Do nachmittags": availability.mask([(1, 1), (3, 1)]),
    "am Wochenende": availability.mask([(d, p) for d in (5, 6) for p in range(3)]),
    "flexibel": availability.mask([(d, p) for d in range(5) for p in range(3)]),
    "vormittags": availability.mask([(d, 0) for d in range(5)]),
}
HEADCOUNT_BANDS = (AgeBand.UNDER_18, AgeBand.FROM_30, AgeBand.FROM_55, AgeBand.FROM_65)
# Handlungsfeld of an activity (else "Nachbarschaft und Beteiligung") and who funds it, in turn
ACTIVITY_FIELDS = {"Hausaufgabenhilfe": "Beratung und Vermittlung", "Sprachcafé Deutsch": "Beratung und Vermittlung",
                   "Repair-Café": "Ehrenamt", "AK Naturerziehung": "Ehrenamt"}
FUNDERS = ("Sozialer Zusammenhalt (Städtebauförderung)", "Verfügungsfonds des Stadtteils", None,
           "Stiftung Nachbarschaft (Demo)", None)
INQUIRY_NOTES = (None, "hat diesmal keine Zeit", "ruft zurück", "gern beim nächsten Mal", "im Urlaub")
ROLES = ("Leitung", "Mithilfe", "Mithilfe", "Betreuung", "Aufbau und Abbau")

# name, kind, description, (weekday, nth of month), (start, end), location, org kinds
NETWORKS: tuple[tuple, ...] = (
    ("Stadtteilrunde Helbersdorf", NetworkKind.DISTRICT_ROUND,
     "Offene Runde von Einrichtungen, Vereinen und Bewohner*innen aus Helbersdorf.",
     (1, 1), ("16:00", "18:00"), "Stadtteiltreff Helbersdorf",
     (OrganisationKind.CLUB, OrganisationKind.CHURCH, OrganisationKind.HOUSING,
      OrganisationKind.SCHOOL, OrganisationKind.COUNSELLING)),
    ("AK Soziales", NetworkKind.WORKING_GROUP,
     "Arbeitskreis der sozialen Beratungsstellen im Chemnitzer Süden.",
     (2, 2), ("09:30", "11:30"), "Bürgerhaus Hutholz, Beratungsraum",
     (OrganisationKind.COUNSELLING, OrganisationKind.AUTHORITY, OrganisationKind.OTHER)),
    ("Gewerbestammtisch Markersdorf", NetworkKind.BUSINESS_ROUND,
     "Treffen der Gewerbetreibenden rund um den Kometenring.",
     (3, -1), ("18:30", "20:30"), "Bäckerei Körnerglück, Café",
     (OrganisationKind.BUSINESS, OrganisationKind.HOUSING)),
    ("Netzwerk Kinder und Familie", NetworkKind.WORKING_GROUP,
     "Kitas, Schulen und Familienberatung stimmen Angebote für Familien ab.",
     (0, 3), ("14:00", "15:30"), "Kita Pusteblume",
     (OrganisationKind.SCHOOL, OrganisationKind.COUNSELLING, OrganisationKind.CLUB)),
)
AGENDA_ITEMS = (
    "Berichte aus den Einrichtungen", "Planung Stadtteilfest", "Sauberkeit und Müll im Quartier",
    "Verkehrssituation vor der Schule", "Fördermittel für das nächste Jahr", "Leerstand im Wohngebiet",
    "Angebote in den Sommerferien", "Neue Ansprechpartner*innen stellen sich vor",
    "Beleuchtung der Fußwege", "Adventsaktion", "Spielplatz am Wiesengrund", "Verschiedenes",
)
MINUTES_LINES = (
    "Die Runde war gut besucht.", "Die Anregungen werden an die Stadtverwaltung weitergegeben.",
    "Zur nächsten Sitzung wird ein Gast eingeladen.", "Ergebnisse siehe Aufgaben.",
    "Kurzer Austausch, keine Beschlüsse.",
)
ACTION_TITLES = (
    "Einladung zum Stadtteilfest verteilen", "Aushang für den Frühjahrsputz erstellen",
    "Anfrage an das Grünflächenamt schicken", "Protokoll an alle verschicken",
    "Raum für das nächste Treffen reservieren", "Flyer übersetzen lassen",
    "Termine der Sommerferienangebote sammeln", "Kontakt zur Wohnungsgenossenschaft aufnehmen",
    "Fördermittelantrag vorbereiten", "Liste der Ansprechpartner*innen aktualisieren",
    "Gewerbetreibende zum Adventsmarkt anfragen", "Beschwerde zur Beleuchtung weiterleiten",
)

# film and book numbers of the Bundesnetzagentur: never assigned to anyone
DRAMA_NUMBERS = (("030", "23125"), ("069", "90009"), ("040", "66969"), ("0221", "4710"),
                 ("089", "99998"))


# =========================================================================== calendar


def _easter(year: int) -> D:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return D(year, month, day)


def _holidays(year: int) -> set[D]:
    """Public holidays in Saxony."""
    easter = _easter(year)
    repentance = D(year, 11, 22)
    while repentance.weekday() != 2:
        repentance -= ONE_DAY
    days = {D(year, 1, 1), D(year, 5, 1), D(year, 10, 3), D(year, 10, 31), D(year, 12, 25),
            D(year, 12, 26), repentance}
    days |= {easter + dt.timedelta(days=n) for n in (-2, 1, 39, 50)}
    return days


def _season(day: D) -> float:
    """How busy the office is: fewer people in the summer holidays and at Christmas."""
    m, d = day.month, day.day
    if m == 1:
        return 0.5 if d <= 6 else 1.35
    if m in (2, 3):
        return 1.35
    if m == 4:
        return 1.1
    if m in (5, 6):
        return 1.0
    if m == 7:
        return 0.9 if d < 20 else 0.5
    if m == 8:
        return 0.45
    if m == 9:
        return 1.1
    if m == 10:
        return 1.25
    if m == 11:
        return 1.3
    # December
    if d <= 18:
        return 1.0
    if d <= 23:
        return 0.4
    if d in (24, 31):
        return 0.0
    return 0.15


WEEKDAY_FACTOR = (0.9, 1.4, 0.8, 1.4, 0.6, 0.0, 0.0)  # Tue and Thu are office hours


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> D:
    if nth > 0:
        day = D(year, month, 1)
        day += dt.timedelta(days=(weekday - day.weekday()) % 7 + 7 * (nth - 1))
        return day
    last = (D(year + (month == 12), month % 12 + 1, 1)) - ONE_DAY
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _school_break(day: D, easter: D) -> bool:
    md = (day.month, day.day)
    return ((2, 10) <= md <= (2, 21) or easter - dt.timedelta(days=3) <= day <= easter + dt.timedelta(days=7)
            or (7, 1) <= md <= (8, 10) or (10, 13) <= md <= (10, 24) or md >= (12, 21) or md <= (1, 2))


def _christmas_break(day: D) -> bool:
    return (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 5)


def _summer_break(day: D) -> bool:
    return (7, 28) <= (day.month, day.day) <= (8, 17)


class _Calendar:
    def __init__(self, years: Sequence[int], today: D):
        self.today = today
        self.holidays: set[D] = set()
        for y in years:
            self.holidays |= _holidays(y)
        self._workdays: dict[int, tuple[list[D], list[float]]] = {}
        for y in years:
            days, weights = [], []
            day, last = D(y, 1, 1), min(D(y, 12, 31), today)
            while day <= last:
                w = self.weight(day)
                if w > 0:
                    days.append(day)
                    weights.append(w)
                day += ONE_DAY
            self._workdays[y] = (days, list(accumulate(weights)))

    def is_workday(self, day: D) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def weight(self, day: D) -> float:
        if not self.is_workday(day):
            return 0.0
        return _season(day) * WEEKDAY_FACTOR[day.weekday()]

    def has_workdays(self, year: int) -> bool:
        return bool(self._workdays[year][0])

    def pick(self, rng: random.Random, year: int, k: int = 1) -> list[D]:
        days, cum = self._workdays[year]
        return rng.choices(days, cum_weights=cum, k=k)

    def next_workday(self, day: D) -> D:
        while not self.is_workday(day) or _season(day) == 0:
            day += ONE_DAY
        return day


# =========================================================================== plan


@dataclass
class _Person:
    group: str
    first_name: str | None
    last_name: str
    gender: str
    birth_date: D | None
    district: str | None
    street: str | None
    postcode: str | None
    city: str | None
    phone: str | None
    email: str | None
    languages: str | None
    first_seen: D | None = None
    obj: Any = None  # the Person row, set when written

    def seen(self, day: D) -> None:
        if self.first_seen is None or day < self.first_seen:
            self.first_seen = day

    def age_on(self, day: D) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)


@dataclass
class _Episode:
    person: int
    category: str | None
    title: str | None  # None: a contact without a request
    contacts: list[tuple[D, str, int, str | None]] = field(default_factory=list)
    status: str = RequestStatus.OPEN.value
    closed_on: D | None = None
    follow_up_on: D | None = None
    follow_up_note: str | None = None
    description: str | None = None
    referral: dict | None = None
    obj: Any = None  # the Request row, set when written


@dataclass
class _Volunteer:
    person: int
    started_on: D
    ended_on: D | None
    availability: str | None
    tags: list[tuple[str, str]]
    child_work: bool = False
    obj: Any = None  # the Volunteer row, set when written

    def active_on(self, day: D) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass
class _Session:
    date: D
    start: dt.time
    end: dt.time
    anonymous: int
    attendees: list[int] = field(default_factory=list)
    assignments: list[tuple[int, int, str]] = field(default_factory=list)  # volunteer, minutes, role
    obj: Any = None  # the Session row, set when written


@dataclass
class _Activity:
    spec: tuple
    starts_on: D | None
    ends_on: D | None
    active: bool
    sessions: list[_Session] = field(default_factory=list)
    team: list[int] = field(default_factory=list)
    prep: list[tuple[int, D, int]] = field(default_factory=list)  # volunteer, date, minutes
    obj: Any = None  # the Activity row, set when written

    @property
    def name(self) -> str:
        return self.spec[0]

    def fits(self, p: _Person, on: D) -> bool:
        lo, hi, women = self.spec[4]
        if women and p.gender != Gender.FEMALE.value:
            return False
        age = p.age_on(on)
        if age is None:
            return lo >= 12 and hi >= 100
        return lo <= age <= hi


def _t(text: str) -> dt.time:
    h, m = text.split(":")
    return dt.time(int(h), int(m))


def _stamp(day: D, hour: int = 16, minute: int = 30) -> dict[str, dt.datetime]:
    moment = dt.datetime.combine(day, dt.time(hour, minute))
    return {"created_at": moment, "updated_at": moment}


_ASCII_MAP = str.maketrans("łŁıđĐ", "lLidD")


def _ascii(text: str) -> str:
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    text = text.translate(_ASCII_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    out = "".join(c if c.isalnum() and c.isascii() else "-" for c in plain)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


class _Planner:
    def __init__(self, rng: random.Random, years: int, today: D,
                 categories: list[str], services: list[str], follow_up_days: int = 14):
        self.rng = rng
        self.follow_up_days = follow_up_days
        self.today = today
        self.years = list(range(today.year - years + 1, today.year + 1))
        self.start = D(self.years[0], 1, 1)
        self.cal = _Calendar(self.years, today)
        self.categories = categories
        self.services = services
        self.persons: list[_Person] = []
        self.episodes: list[_Episode] = []
        self.tallies: list[dict] = []
        self.volunteers: list[_Volunteer] = []
        self.activities: list[_Activity] = []
        self.meetings: list[tuple[int, dict, list, list]] = []  # network, fields, participants, items
        self.network_members: list[tuple[list[int], list[int]]] = []  # per network: organisations, persons
        self.participants: dict[int, list[int]] = {}
        self.roles: dict[int, dict[int, str]] = {}
        self._emails: set[str] = set()
        self._phones = [f"{area} {block}-{n:03d}" for area, block in DRAMA_NUMBERS for n in range(900)]
        rng.shuffle(self._phones)
        groups = list(NAME_GROUPS)
        self._groups = groups
        self._group_cum = list(accumulate(NAME_GROUPS[g][0] for g in groups))
        self._districts = list(DISTRICTS)
        self._district_cum = list(accumulate(
            [DISTRICTS[d][0] for d in self._districts] + [OUTSIDE_WEIGHT, NO_DISTRICT_WEIGHT]))
        self._cat_names = list(categories)
        self._cat_cum = list(accumulate(CATEGORY_PLAN.get(c, (3,))[0] for c in self._cat_names))

    # ---------------------------------------------------------------- persons
    def _gender(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return Gender.FEMALE.value
        if r < 0.965:
            return Gender.MALE.value
        if r < 0.975:
            return Gender.DIVERSE.value
        return Gender.UNSTATED.value

    def _first_name(self, group: str, gender: str) -> str:
        _, female, male, _, _ = NAME_GROUPS[group]
        if gender == Gender.FEMALE.value:
            return self.rng.choice(female)
        if gender == Gender.MALE.value:
            return self.rng.choice(male)
        return self.rng.choice(female + male)

    def _last_name(self, group: str, gender: str) -> str:
        name = self.rng.choice(NAME_GROUPS[group][3])
        if isinstance(name, tuple):
            female = gender == Gender.FEMALE.value or (
                gender != Gender.MALE.value and self.rng.random() < 0.5)
            return name[0] if female else name[1]
        return name

    def _birth_date(self, age: int | None, reference: D) -> D | None:
        if age is None:
            return None
        day = D(reference.year - age - 1, reference.month, 1) + dt.timedelta(
            days=self.rng.randrange(365))
        return min(day, self.today - ONE_DAY)

    def _age(self, role: str) -> int | None:
        r = self.rng.random()
        if role == "activity":
            bands = ((0.03, None), (0.38, (3, 17)), (0.46, (18, 29)), (0.64, (30, 54)),
                     (0.75, (55, 64)), (1.0, (65, 92)))
        elif role == "volunteer":
            bands = ((0.0, None), (0.03, (17, 17)), (0.20, (18, 29)), (0.55, (30, 54)),
                     (0.75, (55, 64)), (1.0, (65, 80)))
        else:
            bands = ((0.06, None), (0.08, (16, 17)), (0.26, (18, 29)), (0.68, (30, 54)),
                     (0.83, (55, 64)), (1.0, (65, 94)))
        for limit, span in bands:
            if r < limit:
                return None if span is None else self.rng.randint(*span)
        return self.rng.randint(30, 54)

    def new_person(self, role: str, reference: D) -> int:
        rng = self.rng
        group = rng.choices(self._groups, cum_weights=self._group_cum)[0]
        gender = self._gender()
        last = self._last_name(group, gender)
        first_group = group
        if rng.random() < 0.12:  # mixed families, married names
            first_group = rng.choices(self._groups, cum_weights=self._group_cum)[0]
        first = self._first_name(first_group, gender) if rng.random() > 0.01 else None
        age = self._age(role)
        birth = self._birth_date(age, reference)
        district_i = rng.choices(range(len(self._district_cum)), cum_weights=self._district_cum)[0]
        street = postcode = city = None
        if district_i < len(self._districts):
            district = self._districts[district_i]
            if rng.random() < 0.88:
                _, postcodes, streets = DISTRICTS[district]
                street = f"{rng.choice(streets)} {rng.randint(1, 98)}{rng.choice(('',) * 9 + ('a',))}"
                postcode, city = rng.choice(postcodes), CITY
        elif district_i == len(self._districts):
            district = lists.OUTSIDE_NAME
            if rng.random() < 0.8:
                postcode, name = rng.choice(OUTSIDE_ADDRESSES)
                street, city = f"{name} {rng.randint(1, 60)}", CITY
        else:
            district = None  # unknown
        adult = age is None or age >= 16
        phone = self._phones.pop() if adult and rng.random() < 0.6 and self._phones else None
        email = None
        if adult and first and rng.random() < 0.33:
            f, ll = _ascii(first), _ascii(last)
            pattern = rng.randrange(3)
            local = (f"{f}.{ll}", f"{f[0]}.{ll}{rng.randint(50, 99)}", f"{ll}.{f}")[pattern]
            while f"{local}@{EMAIL_DOMAIN}" in self._emails:
                local += str(rng.randint(0, 9))
            email = f"{local}@{EMAIL_DOMAIN}"
            self._emails.add(email)
        langs = NAME_GROUPS[group][4]
        if group == "de":
            languages = "Deutsch" if rng.random() < 0.1 else None
        else:
            languages = rng.choice(langs) if rng.random() < 0.8 else None
        self.persons.append(_Person(group, first, last, gender, birth, district, street, postcode,
                                    city, phone, email, languages))
        return len(self.persons) - 1

    # ---------------------------------------------------------------- participants per year
    def plan_participants(self) -> None:
        rng = self.rng
        previous: dict[int, str] = {}
        earlier: dict[int, str] = {}
        for y in self.years:
            year_end = min(D(y, 12, 31), self.today)
            fraction = ((year_end - D(y, 1, 1)).days + 1) / 365
            target = round(rng.randint(*PARTICIPANTS_PER_YEAR) * min(1.0, fraction ** 0.6))
            if not self.cal.has_workdays(y):
                target = 0
            roles: dict[int, str] = {}
            for pid, last_role in previous.items():
                keep = 0.55 if last_role != "contact" else 0.38
                if rng.random() < keep:
                    age = self.persons[pid].age_on(D(y, 1, 1))
                    role = last_role
                    if rng.random() < 0.2 and (age is None or age >= 16):
                        role = rng.choice(("contact", "activity", "both"))
                    roles[pid] = role
            for pid, role in earlier.items():
                if pid not in roles and pid not in previous and rng.random() < 0.08:
                    roles[pid] = role
            while len(roles) > target:
                roles.pop(rng.choice(list(roles)))
            while len(roles) < target:
                r = rng.random()
                role = "contact" if r < 0.57 else "activity" if r < 0.88 else "both"
                roles[self.new_person(role, D(y, 1, 1))] = role
            self.roles[y] = roles
            self.participants[y] = list(roles)
            earlier |= previous
            previous = roles

    # ---------------------------------------------------------------- contacts and requests
    def _contact_kind(self, first: bool) -> tuple[str, int]:
        r = self.rng.random()
        if first:
            kind = (ContactKind.OFFICE_HOURS if r < 0.75 else ContactKind.PHONE if r < 0.88
                    else ContactKind.OUTREACH if r < 0.96 else ContactKind.HOME_VISIT)
        else:
            kind = (ContactKind.OFFICE_HOURS if r < 0.5 else ContactKind.PHONE if r < 0.72
                    else ContactKind.APPOINTMENT if r < 0.9 else ContactKind.HOME_VISIT if r < 0.95
                    else ContactKind.EMAIL if r < 0.98 else ContactKind.OUTREACH)
        lo, hi = {
            ContactKind.OFFICE_HOURS: (10, 45), ContactKind.PHONE: (10, 30),
            ContactKind.APPOINTMENT: (30, 90), ContactKind.HOME_VISIT: (45, 90),
            ContactKind.OUTREACH: (10, 30), ContactKind.EMAIL: (10, 20),
        }[kind]
        return kind.value, self.rng.randrange(lo, hi + 1, 5)

    def _follow_up_day(self, after: D, limit: D) -> D | None:
        rng = self.rng
        day = after + dt.timedelta(days=rng.choice((2, 5, 7, 7, 10, 14, 14, 21, 28, 35)))
        for _ in range(4):
            day = self.cal.next_workday(day)
            if rng.random() < _season(day) / 1.35:
                break
            day += dt.timedelta(days=7)
        day = self.cal.next_workday(day)
        return day if day <= limit else None

    def plan_contacts(self) -> None:
        rng = self.rng
        for y in self.years:
            limit = min(D(y, 12, 31), self.today)
            for pid, role in self.roles[y].items():
                if role == "activity":
                    continue
                n = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
                for first_day in sorted(self.cal.pick(rng, y, n)):
                    self._episode(pid, first_day, limit)

    def _episode(self, pid: int, first_day: D, limit: D) -> None:
        rng = self.rng
        drawn = rng.choices(self._cat_names, cum_weights=self._cat_cum)[0]
        with_request = rng.random() < 0.8
        plan = CATEGORY_PLAN.get(drawn)
        title = (rng.choice(plan[1]) if plan else drawn) if with_request else None
        category = None if not with_request and rng.random() < 0.4 else drawn
        ep = _Episode(pid, category, title)
        n = rng.choices((1, 2, 3, 4, 5, 6, 7, 8), weights=(30, 25, 18, 12, 6, 4, 3, 2))[0] \
            if with_request else 1
        day: D | None = first_day
        for i in range(n):
            if day is None:
                break
            kind, minutes = self._contact_kind(i == 0)
            if with_request:
                note = rng.choice(CONTACT_NOTES) if rng.random() < 0.4 else None
            else:
                note = rng.choice(QUICK_NOTES) if rng.random() < 0.6 else None
            ep.contacts.append((day, kind, minutes, note))
            self.persons[pid].seen(day)
            day = self._follow_up_day(day, limit)
        if with_request:
            self._request_state(ep)
            if plan and plan[2] and rng.random() < plan[3]:
                self._referral(ep, plan[2])
        self.episodes.append(ep)

    def _request_state(self, ep: _Episode) -> None:
        rng, today = self.rng, self.today
        last = ep.contacts[-1][0]
        idle = (today - last).days
        closed_chance = 0.95 if idle > 60 else 0.6 if idle > 21 else 0.2
        if rng.random() < 0.25:
            ep.description = rng.choice(REQUEST_DESCRIPTIONS)
        if rng.random() < closed_chance:
            ep.status = (RequestStatus.DONE if rng.random() < 0.85 else RequestStatus.CANCELLED).value
            ep.closed_on = min(today, last + dt.timedelta(days=rng.choice((0, 0, 0, 1, 3, 7, 14))))
            return
        if len(ep.contacts) == 1 and idle < 21:
            ep.status = RequestStatus.OPEN.value
        else:
            ep.status = rng.choice((RequestStatus.IN_PROGRESS, RequestStatus.IN_PROGRESS,
                                    RequestStatus.WAITING)).value
        r = rng.random()
        if r < 0.3 and last < today:  # overdue
            ep.follow_up_on = max(last + ONE_DAY, today - dt.timedelta(days=rng.randint(1, 21)))
        elif r < 0.4:
            ep.follow_up_on = today
        else:
            ep.follow_up_on = today + dt.timedelta(days=rng.randint(1, 35))
        ep.follow_up_note = rng.choice(FOLLOW_UP_NOTES) if rng.random() < 0.7 else None

    def _referral(self, ep: _Episode, services: tuple[str, ...]) -> None:
        rng, today = self.rng, self.today
        available = [s for s in services if s in self.services]
        if not available:
            return
        referred = rng.choice(ep.contacts)[0]
        age = (today - referred).days
        if age <= 14:
            weights = (75, 10, 5, 5, 5)
        elif age <= 120:
            weights = (20, 30, 15, 10, 25)
        else:
            weights = (1, 33, 16, 10, 40)
        outcome = rng.choices((ReferralOutcome.REFERRED, ReferralOutcome.ARRIVED,
                               ReferralOutcome.NO_SHOW, ReferralOutcome.DECLINED,
                               CLOSED), weights=weights)[0]
        outcome = getattr(outcome, "value", outcome)
        appointment = None
        if rng.random() < 0.5:
            day = referred + dt.timedelta(days=rng.randint(2, 21))
            while day.weekday() >= 5:
                day += ONE_DAY
            appointment = dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.choice((0, 30))))
        outcome_on = follow_up = note = closed_on = None
        if outcome == ReferralOutcome.REFERRED.value:
            follow_up = referred + dt.timedelta(days=self.follow_up_days)
        else:
            base = appointment.date() if appointment else referred
            outcome_on = min(today, base + dt.timedelta(days=rng.randint(0, 30)))
            if appointment and appointment.date() > today:
                appointment = None
            if outcome == CLOSED:
                closed_on = min(today, outcome_on + dt.timedelta(days=rng.randint(14, 90)))
            note = rng.choice(OUTCOME_NOTES[outcome]) if rng.random() < 0.6 else None
            if outcome == CLOSED:
                outcome = ReferralOutcome.ARRIVED.value
        consent = None
        if rng.random() < 0.85:
            withdrawn = None
            if rng.random() < 0.06:
                day = referred + dt.timedelta(days=rng.randint(1, 120))
                withdrawn = day if day <= today else None
            consent = {
                "data_categories": rng.choice(CONSENT_CATEGORIES),
                "given_on": referred,
                "valid_until": referred + dt.timedelta(days=365) if rng.random() < 0.5 else None,
                "withdrawn_on": withdrawn,
            }
        ep.referral = {
            "service": rng.choice(available),
            "referred_on": referred,
            "appointment_at": appointment,
            "outcome": outcome,
            "outcome_on": outcome_on,
            "outcome_note": note,
            "follow_up_on": follow_up,
            "closed_on": closed_on,
            "consent": consent,
            "org_pick": rng.random(),
        }

    # ---------------------------------------------------------------- anonymous tallies
    def plan_tallies(self, districts: list[str | None]) -> None:
        rng = self.rng
        week = self.start - dt.timedelta(days=self.start.weekday())
        genders = (Gender.FEMALE.value, Gender.MALE.value, Gender.DIVERSE.value, Gender.UNSTATED.value)
        bands = [b.value for b in AgeBand]
        while week <= self.today:
            days = [week + dt.timedelta(days=i) for i in range(5)]
            days = [d for d in days if self.start <= d <= self.today and self.cal.weight(d) > 0]
            if days:
                n = round(rng.randint(2, 6) * _season(days[0]) / 1.1)
                for day in sorted(rng.choices(days, k=n)):
                    r = rng.random()
                    kind = (ContactKind.OFFICE_HOURS if r < 0.75 else ContactKind.PHONE if r < 0.9
                            else ContactKind.OUTREACH).value
                    self.tallies.append({
                        "date": day,
                        "kind": kind,
                        "district": rng.choice(districts),
                        "gender": rng.choices(genders, weights=(48, 35, 1, 16))[0],
                        "age_band": rng.choices(bands, weights=(6, 15, 30, 12, 15, 22))[0],
                        "category": rng.choice(self.categories) if rng.random() < 0.6 else None,
                        "count": rng.choices((1, 2, 3, 4), weights=(75, 18, 5, 2))[0],
                        "note": rng.choice(QUICK_NOTES) if rng.random() < 0.1 else None,
                    })
            week += dt.timedelta(days=7)

    # ---------------------------------------------------------------- volunteers
    def plan_volunteers(self) -> None:
        rng = self.rng
        adults = sorted({pid for y in self.years for pid in self.participants[y]
                         if (a := self.persons[pid].age_on(self.start)) is not None and 18 <= a <= 78})
        chosen = rng.sample(adults, min(14, len(adults)))
        chosen += [self.new_person("volunteer", self.start) for _ in range(40 - len(chosen))]
        span = (self.today - self.start).days
        for pid in chosen:
            if rng.random() < 0.45:
                started = self.start - dt.timedelta(days=rng.randint(1, 4 * 365))
            else:
                started = self.start + dt.timedelta(days=rng.randint(0, max(0, span - 30)))
            ended = None
            if rng.random() < 0.2 and (self.today - started).days > 120:
                ended = started + dt.timedelta(days=rng.randint(90, (self.today - started).days - 1))
            p = self.persons[pid]
            tags = [(TagKind.SKILL.value, s) for s in rng.sample(SKILLS, rng.randint(1, 3))]
            tags += [(TagKind.INTEREST.value, s) for s in rng.sample(INTERESTS, rng.randint(1, 2))]
            langs = [LANGUAGE_TAGS[p.group]]
            if p.group != "de":
                langs.append("Deutsch")
            if rng.random() < 0.4:
                langs.append(rng.choice(EXTRA_LANGUAGES))
            tags += [(TagKind.LANGUAGE.value, lang) for lang in dict.fromkeys(langs)]
            p.seen(started)
            self.volunteers.append(_Volunteer(pid, started, ended, rng.choice(AVAILABILITY), tags))

    # ---------------------------------------------------------------- activities
    def _dates(self, schedule: tuple, year: int) -> list[D]:
        rng, cal = self.rng, self.cal
        kind = schedule[0]
        easter = _easter(year)
        out: list[D] = []
        if kind in ("weekly", "biweekly"):
            weekdays = schedule[1] if kind == "weekly" else (schedule[1],)
            months, breaks = schedule[2], schedule[3]
            day = D(year, 1, 1)
            while day.year == year:
                if (day.weekday() in weekdays and day.month in months and day not in cal.holidays
                        and (kind == "weekly" or day.isocalendar()[1] % 2 == 0)
                        and not ("school" in breaks and _school_break(day, easter))
                        and not ("christmas" in breaks and _christmas_break(day))
                        and not ("summer" in breaks and _summer_break(day))
                        and rng.random() > 0.05):
                    out.append(day)
                day += ONE_DAY
        elif kind == "monthly":
            _, weekday, nth, skip = schedule
            for month in range(1, 13):
                day = _nth_weekday(year, month, weekday, nth)
                if month not in skip and day not in cal.holidays and rng.random() > 0.05:
                    out.append(day)
        elif kind == "yearly_nth":
            _, month, weekday, nth = schedule
            out.append(_nth_weekday(year, month, weekday, nth))
        elif kind == "yearly_day":
            _, month, day = schedule
            out.append(D(year, month, day))
        elif kind == "twice_yearly":
            out += [_nth_weekday(year, 3, schedule[1], 2), _nth_weekday(year, 10, schedule[1], 2)]
        elif kind == "holiday_weeks":
            day = D(year, 7, 20)
            while day <= D(year, 8, 7):
                if day.weekday() < 4 and day not in cal.holidays:
                    out.append(day)
                day += ONE_DAY
        return out

    def plan_activities(self) -> None:
        rng = self.rng
        first = self.years[0]
        for spec in ACTIVITIES:
            name = spec[0]
            starts, ends, active = None, None, True
            if name == STARTS_IN_SECOND_YEAR and len(self.years) >= 2:
                starts = D(first + 1, 3, 1)
            if name == ENDS_AFTER_FIRST_YEAR and len(self.years) >= 2:
                ends, active = D(first, 12, 31), False
            act = _Activity(spec, starts, ends, active)
            for y in self.years:
                for day in self._dates(spec[5], y):
                    if day > self.today or (starts and day < starts) or (ends and day > ends):
                        continue
                    lo, hi = spec[8]
                    act.sessions.append(_Session(day, _t(spec[6][0]), _t(spec[6][1]),
                                                 rng.randint(lo, hi)))
            if act.starts_on is None:  # running since before the period
                since = act.sessions[0].date if act.sessions else D(first, rng.randint(1, 12), 1)
                act.starts_on = D(since.year - rng.randint(1, 5), since.month, min(since.day, 28))
            self.activities.append(act)

    @staticmethod
    def _appeal(act: _Activity, p: _Person) -> float:
        """How likely a person picks this activity among those that fit them."""
        lo, hi, _women = act.spec[4]
        weight = act.spec[7]
        if hi - lo <= 60:  # made for children or for older people
            weight *= 2.5
        if act.name in LANGUAGE_ACTIVITIES and p.group != "de":
            weight *= 3
        return weight

    def plan_attendance(self) -> None:
        rng = self.rng
        for y in self.years:
            year_acts = [a for a in self.activities if any(s.date.year == y for s in a.sessions)]
            regulars: dict[int, list[tuple[int, float, D, D]]] = {i: [] for i in range(len(year_acts))}
            mid = D(y, 7, 1)
            want = [(pid, role) for pid, role in self.roles[y].items() if role != "contact"]
            year_start, year_end = D(y, 1, 1), min(D(y, 12, 31), self.today)
            span = (year_end - year_start).days
            loyalty, seasonal = [], []
            for act in year_acts:
                n_sessions = sum(1 for s in act.sessions if s.date.year == y)
                loyalty.append((0.5, 0.95) if act.spec[5][0] == "holiday_weeks"
                               else (0.35, 0.85) if n_sessions >= 60 else (0.15, 0.7))
                seasonal.append(n_sessions < 20)
            for pid, _role in want:
                p = self.persons[pid]
                fits = [i for i, a in enumerate(year_acts) if a.fits(p, mid)]
                if not fits:
                    fits = [i for i, a in enumerate(year_acts) if a.spec[4][0] == 0]
                if not fits:
                    self.roles[y][pid] = "contact"
                    continue
                weights = [self._appeal(year_acts[i], p) for i in fits]
                n = 1 if rng.random() < 0.7 else 2
                chosen = dict.fromkeys(rng.choices(fits, weights=weights, k=n))
                for i in chosen:
                    if seasonal[i] or rng.random() < 0.5:  # all year
                        lo, hi = year_start, year_end
                    else:
                        a_ = year_start + dt.timedelta(days=rng.randint(0, span))
                        b_ = year_start + dt.timedelta(days=rng.randint(0, span))
                        lo, hi = min(a_, b_), max(a_, b_)
                    regulars[i].append((pid, rng.uniform(*loyalty[i]), lo, hi))
            for i, act in enumerate(year_acts):
                sessions = [s for s in act.sessions if s.date.year == y]
                one_off = len(sessions) <= 2
                attended: set[int] = set()
                for s in sessions:
                    for pid, p_attend, lo, hi in regulars[i]:
                        if one_off or (lo <= s.date <= hi and rng.random() < p_attend):
                            s.attendees.append(pid)
                            attended.add(pid)
                for pid, _p, lo, hi in regulars[i]:
                    if pid not in attended:
                        within = [s for s in sessions if lo <= s.date <= hi] or sessions
                        rng.choice(within).attendees.append(pid)
            for act in year_acts:
                for s in act.sessions:
                    if s.date.year == y:
                        for pid in s.attendees:
                            self.persons[pid].seen(s.date)

    def plan_teams(self) -> None:
        rng = self.rng
        n = len(self.volunteers)
        load = [0] * n
        for act in self.activities:
            size = act.spec[10]
            # children: volunteers with police clearance, the same few
            pool = list(range(min(n, 12))) if act.spec[9] else list(range(n))
            pool.sort(key=lambda v: (load[v], rng.random()))
            team = pool[:size] if size <= len(pool) else pool
            for v in team:
                load[v] += 1
                if act.spec[9]:
                    self.volunteers[v].child_work = True
            act.team = team
            for s in act.sessions:
                active = [v for v in team if self.volunteers[v].active_on(s.date)]
                if not active:
                    continue
                k = min(len(active), 1 + (rng.random() < 0.4) + (act.spec[1] == ActivityKind.EVENT) * 3)
                length = (s.end.hour * 60 + s.end.minute) - (s.start.hour * 60 + s.start.minute)
                for v in rng.sample(active, k):
                    minutes = max(60, min(360, length + rng.choice((15, 30, 30, 45, 60))))
                    s.assignments.append((v, minutes, rng.choice(ROLES)))
            for y in self.years:
                year_days = [s.date for s in act.sessions if s.date.year == y]
                if not year_days:
                    continue
                for _ in range(rng.randint(0, 2)):
                    day = year_days[0] - dt.timedelta(days=rng.randint(3, 20))
                    if day < self.start:
                        continue
                    active = [v for v in team if self.volunteers[v].active_on(day)]
                    if active:
                        act.prep.append((rng.choice(active), day, rng.randrange(60, 241, 30)))

    def plan_clearances(self) -> list[dict]:
        rng, today = self.rng, self.today
        out = []
        for v in self.volunteers:
            c: dict[str, Any] = {"clearance_seen_on": None, "clearance_issued_on": None,
                                 "clearance_relevant_entry": None}
            if v.child_work:
                gone = v.ended_on is not None and today >= v.ended_on + dt.timedelta(days=92)
                if not gone:
                    issued = v.started_on - dt.timedelta(days=rng.randint(10, 60))
                    if (today - issued).days > 5 * 365 - 60:  # renewed every five years
                        issued = today - dt.timedelta(days=rng.randint(30, 4 * 365))
                    seen = min(today, issued + dt.timedelta(days=rng.randint(3, 30)))
                    c = {"clearance_seen_on": seen, "clearance_issued_on": issued,
                         "clearance_relevant_entry": False}
            out.append(c)
        return out

    # ---------------------------------------------------------------- networks
    def plan_networks(self, org_kinds: list[str]) -> None:
        rng = self.rng
        vol_persons = [v.person for v in self.volunteers]
        for n, (_name, _kind, _desc, (weekday, nth), (t0, t1), location, kinds) in enumerate(NETWORKS):
            kinds_v = {k.value for k in kinds}
            members = [i for i, k in enumerate(org_kinds) if k in kinds_v]
            residents = rng.sample(vol_persons, min(len(vol_persons), rng.randint(2, 4)))
            self.network_members.append((members, residents))
            for y in self.years:
                for month in range(1, 13):
                    if month == 8:
                        continue
                    day = _nth_weekday(y, month, weekday, nth)
                    if day > self.today or day in self.cal.holidays:
                        continue
                    agenda = rng.sample(AGENDA_ITEMS[:-1], rng.randint(2, 4)) + [AGENDA_ITEMS[-1]]
                    fields = {
                        "date": day, "start_time": _t(t0), "end_time": _t(t1), "location": location,
                        "agenda": agenda, "minutes_text": " ".join(rng.sample(MINUTES_LINES, 2)),
                    }
                    parts: list[tuple[str, int, bool]] = []
                    for o in members:
                        r = rng.random()
                        if r < 0.75:
                            parts.append(("org", o, True))
                        elif r < 0.88:
                            parts.append(("org", o, False))
                    for pid in residents:
                        if rng.random() < 0.6:
                            parts.append(("person", pid, True))
                            self.persons[pid].seen(day)
                    items = []
                    for _ in range(rng.choices((0, 1, 2, 3), weights=(20, 35, 30, 15))[0]):
                        due = day + dt.timedelta(days=rng.randint(7, 45))
                        if due < self.today - dt.timedelta(days=10):
                            done = (min(self.today, day + dt.timedelta(
                                days=rng.randint(1, (due - day).days + 10)))
                                if rng.random() < 0.9 else None)
                        else:
                            done = (min(self.today, day + dt.timedelta(days=rng.randint(1, 10)))
                                    if rng.random() < 0.3 and day < self.today else None)
                        r = rng.random()
                        owner = (("org", rng.choice(members)) if r < 0.4 and members
                                 else ("person", rng.choice(residents)) if r < 0.6 and residents
                                 else ("text", rng.choice(("Koordinatorin", "Stadtteilbüro", "alle"))))
                        items.append({"title": rng.choice(ACTION_TITLES), "due_on": due,
                                      "done_on": done, "owner": owner})
                    self.meetings.append((n, fields, parts, items))
            # the next two months are planned already: agenda, no minutes, nobody attended yet
            for ahead in range(3):
                y, month = divmod(self.today.month - 1 + ahead, 12)
                y, month = self.today.year + y, month + 1
                day = _nth_weekday(y, month, weekday, nth)
                if month == 8 or not (self.today < day <= self.today + dt.timedelta(days=62)) \
                        or day in self.cal.holidays:
                    continue
                agenda = rng.sample(AGENDA_ITEMS[:-1], rng.randint(2, 3)) + [AGENDA_ITEMS[-1]]
                fields = {"date": day, "start_time": _t(t0), "end_time": _t(t1), "location": location,
                          "agenda": agenda, "minutes_text": None}
                self.meetings.append((n, fields, [], []))


# =========================================================================== writing


DEMO_LETTERHEAD = {
    "office_name": "Stadtteilbüro Am Wiesengrund (Demo)",
    "organisation": "Demo-Träger Gemeinwesenarbeit e. V.",
    "street": "Wiesengrund 12",
    "postcode_city": "09123 Chemnitz",
    "phone": "030 23125-100",
    "email": "stadtteilbuero@example.org",
    "office_hours": "Di 9–12 Uhr, Do 14–18 Uhr",
    "logo_path": "",
}


def _refuse_if_not_empty(uow: UnitOfWork) -> None:
    for model in (Person, Organisation, Activity, Network, AnonymousTally):
        if uow.exists(model):
            raise ValidationError.single("", NOT_EMPTY)


class _Writer:
    def __init__(self, uow: UnitOfWork, progress: Callable[[int, int], None] | None, total: int):
        self.uow = uow
        self.progress = progress
        self.total = total
        self.step = 0
        self.pending: list = []

    def add(self, obj) -> None:
        self.pending.append(obj)
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.uow.add_all(self.pending)
            self.pending = []
        self.uow.flush()

    def done(self) -> None:
        self.flush()
        self.step += 1
        if self.progress is not None:
            self.progress(min(self.step, self.total), self.total)


def _planned_days(act: Any, today: D) -> list[D]:
    """Sessions of a running activity in the next four weeks, in the rhythm of its last two."""
    if not act.active or not act.sessions:
        return []
    last = act.sessions[-1].date
    gap = (last - act.sessions[-2].date).days if len(act.sessions) > 1 else 7
    if not 7 <= gap <= 35 or (today - last).days > gap + 7:
        return []
    days, day = [], last + dt.timedelta(days=gap)
    while day <= today + dt.timedelta(days=28):
        if day > today:
            days.append(day)
        day += dt.timedelta(days=gap)
    return days


def _rhythm(weekday: int, nth: int) -> str:
    """"monatlich, 2. Dienstag" / "monatlich, letzter Donnerstag" (nicht im August)."""
    day = availability.DAYS[weekday]
    return f"monatlich, {'letzter' if nth == -1 else f'{nth}.'} {day} (nicht im August)"


def _inquiries(plan: Any, rng: random.Random, today: D) -> list[VolunteerInquiry]:
    """Whom she asked: each volunteer a week before their first Einsatz of an activity in a
    year (zugesagt), and now and then another active volunteer who said no or has not
    answered yet. Own random stream: the rest of the demo stays as it was."""
    out: list[VolunteerInquiry] = []
    first: dict[tuple[int, int, int], D] = {}
    for a, act in enumerate(plan.activities):
        for ses in act.sessions:
            for vol, _minutes, _role in ses.assignments:
                key = (a, vol, ses.date.year)
                first[key] = min(first.get(key, ses.date), ses.date)
    for (a, vol, _year), day in sorted(first.items()):
        asked = day - dt.timedelta(days=7)
        if asked > today:
            continue
        activity_id = plan.activities[a].obj.id
        out.append(VolunteerInquiry(volunteer_id=plan.volunteers[vol].obj.id, activity_id=activity_id,
                                    asked_on=asked, answer=InquiryAnswer.YES.value, note=None,
                                    **_stamp(asked, 10, 15)))
        others = [v for v in plan.volunteers if v.active_on(asked) and v is not plan.volunteers[vol]]
        if others and rng.random() < 0.5:
            other = rng.choice(others)
            answer = InquiryAnswer.NO if asked < today - dt.timedelta(days=14) else InquiryAnswer.OPEN
            out.append(VolunteerInquiry(volunteer_id=other.obj.id, activity_id=activity_id, asked_on=asked,
                                        answer=answer.value, note=rng.choice(INQUIRY_NOTES),
                                        **_stamp(asked, 10, 20)))
    return out


def generate(uow: UnitOfWork, *, years: int = 3, seed: int = 1, today: dt.date | None = None,
             progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill an empty database with invented demo data for ``years`` calendar years up to ``today``.

    Deterministic: the same ``seed`` and ``today`` always give the same rows.
    """
    if not isinstance(years, int) or not 1 <= years <= 20:
        raise ValidationError.single("years", "Bitte zwischen 1 und 20 Jahren wählen.")
    today = today or validation.today()
    _refuse_if_not_empty(uow)
    lists.ensure_defaults(uow)
    uow.bulk()  # one DEMO audit event instead of one per row
    rng = random.Random(seed)
    total = 12
    w = _Writer(uow, progress, total)
    if progress is not None:
        progress(0, total)

    # ------------------------------------------------------------ lists
    districts = {d.name: d for d in uow.all(District, "id")}
    for i, name in enumerate(DISTRICTS, start=1):
        if name not in districts:
            districts[name] = District(name=name, kind=DistrictKind.AREA.value, sort_order=i)
            w.add(districts[name])
    categories = {c.name: c for c in uow.all(Category, "sort_order", "id") if c.active}
    services = {s.name: s for s in uow.all(Service, "name") if s.active}
    existing_tags = {(t.kind, t.name): t for t in uow.all(Tag, "id")}

    plan = _Planner(rng, years, today, list(categories), list(services),
                    settings.get_follow_up_days(uow))
    plan.plan_participants()
    plan.plan_activities()
    plan.plan_attendance()
    plan.plan_contacts()
    plan.plan_tallies([*DISTRICTS, lists.OUTSIDE_NAME, None])
    plan.plan_volunteers()
    plan.plan_teams()
    clearances = plan.plan_clearances()
    plan.plan_networks([o[1].value for o in ORGANISATIONS])
    start = plan.start
    w.done()

    # ------------------------------------------------------------ organisations
    orgs: list[Organisation] = []
    unused_services = list(services.values())
    for i, (name, kind, district, street, offered, hours, bring, languages) in enumerate(ORGANISATIONS):
        postcode = (DISTRICTS[district][1][0] if district in DISTRICTS else rng.choice(("09111", "09113")))
        slug = ORG_MAILBOXES.get(name) or _ascii(name)
        svc = [services[s] for s in offered if s in services]
        if offered and not svc and unused_services:  # custom service list: offer something
            svc = [unused_services[i % len(unused_services)]]
        weekly = [OpeningHours(weekday=d, opens=_t(a), closes=_t(b)) for d, a, b in hours]
        # the free text adds what the weekly hours cannot say (not a copy of them)
        text = HOURS_NOTES[i % len(HOURS_NOTES)] if hours else "Termine nach Vereinbarung"
        area, block = DRAMA_NUMBERS[i % len(DRAMA_NUMBERS)]
        org = Organisation(
            name=name, kind=kind.value, street=street, postcode=postcode, city=CITY,
            contact_person=(f"{rng.choice(('Frau', 'Herr'))} "
                            f"{plan._last_name('de', Gender.MALE.value)}") if rng.random() < 0.8 else None,
            phone=f"{area} {block}-9{i:02d}", email=f"{slug}@{EMAIL_DOMAIN}",
            website=f"https://{slug}.{EMAIL_DOMAIN}", opening_hours=text, what_to_bring=bring,
            languages=languages, notes=None, active=True, services=svc, weekly_hours=weekly,
            **_stamp(start - dt.timedelta(days=30), 10, 0),
        )
        orgs.append(org)
        w.add(org)
    by_service: dict[str, list[Organisation]] = {}
    for org in orgs:
        for s in org.services:
            by_service.setdefault(s.name, []).append(org)
    w.done()

    # ------------------------------------------------------------ persons
    for i, p in enumerate(plan.persons):
        p.obj = Person(
            first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date, gender=p.gender,
            district=districts.get(p.district) if p.district else None, street=p.street,
            postcode=p.postcode, city=p.city, phone=p.phone, email=p.email, languages=p.languages,
            notes=None, **_stamp(p.first_seen or start, 9 + i % 8, (i * 7) % 60),
        )
        w.add(p.obj)
    w.done()

    # ------------------------------------------------------------ requests
    for ep in plan.episodes:
        if ep.title is None:
            continue
        opened = ep.contacts[0][0]
        ep.obj = Request(
            person_id=plan.persons[ep.person].obj.id,
            category_id=categories[ep.category].id if ep.category else None,
            title=ep.title, description=ep.description, status=ep.status, opened_on=opened,
            closed_on=ep.closed_on, follow_up_on=ep.follow_up_on, follow_up_note=ep.follow_up_note,
            created_at=dt.datetime.combine(opened, dt.time(12, 0)),
            updated_at=dt.datetime.combine(ep.closed_on or ep.contacts[-1][0], dt.time(12, 5)),
        )
        w.add(ep.obj)
    w.done()

    # ------------------------------------------------------------ consents
    consents: dict[int, Consent] = {}
    for n, ep in enumerate(plan.episodes):
        ref = ep.referral
        if ref is None:
            continue
        candidates = by_service.get(ref["service"]) or orgs[:1]
        org = candidates[int(ref["org_pick"] * len(candidates))]
        ref["org"] = org
        c = ref["consent"]
        if c is not None:
            consents[n] = Consent(
                person_id=plan.persons[ep.person].obj.id, organisation_id=org.id,
                data_categories=c["data_categories"],
                purpose=f"Vermittlung an {org.name} ({ref['service']})",
                given_on=c["given_on"], valid_until=c["valid_until"], withdrawn_on=c["withdrawn_on"],
                created_at=dt.datetime.combine(c["given_on"], dt.time(12, 10)),
                updated_at=dt.datetime.combine(c["withdrawn_on"] or c["given_on"], dt.time(12, 10)),
            )
            w.add(consents[n])
    w.done()

    # ------------------------------------------------------------ referrals and contacts
    n_referrals = n_contacts = 0
    for n, ep in enumerate(plan.episodes):
        person_id = plan.persons[ep.person].obj.id
        request_id = ep.obj.id if ep.obj is not None else None
        category_id = categories[ep.category].id if ep.category else None
        for day, kind, minutes, note in ep.contacts:
            w.add(Contact(person_id=person_id, request_id=request_id, category_id=category_id,
                          date=day, kind=kind, duration_minutes=minutes, note=note,
                          **_stamp(day, 17, 0)))
            n_contacts += 1
        ref = ep.referral
        if ref is not None:
            service = services[ref["service"]]
            w.add(Referral(
                person_id=person_id, request_id=request_id, service_id=service.id,
                organisation_id=ref["org"].id,
                consent_id=consents[n].id if n in consents else None,
                referred_on=ref["referred_on"], reason=ep.title, appointment_at=ref["appointment_at"],
                outcome=ref["outcome"], outcome_on=ref["outcome_on"], outcome_note=ref["outcome_note"],
                follow_up_on=ref["follow_up_on"], closed_on=ref["closed_on"],
                created_at=dt.datetime.combine(ref["referred_on"], dt.time(17, 5)),
                updated_at=dt.datetime.combine(ref["closed_on"] or ref["outcome_on"] or ref["referred_on"],
                                               dt.time(17, 5)),
            ))
            n_referrals += 1
    w.done()

    # ------------------------------------------------------------ anonymous tallies
    for t in plan.tallies:
        w.add(AnonymousTally(
            date=t["date"], kind=t["kind"],
            district_id=districts[t["district"]].id if t["district"] else None,
            gender=t["gender"], age_band=t["age_band"],
            category_id=categories[t["category"]].id if t["category"] else None,
            count=t["count"], note=t["note"], **_stamp(t["date"], 16, 45)))
    w.done()

    # ------------------------------------------------------------ volunteers
    tags = dict(existing_tags)
    for v, clearance in zip(plan.volunteers, clearances, strict=True):
        vtags = []
        for key in v.tags:
            if key not in tags:
                tags[key] = Tag(kind=key[0], name=key[1])
            vtags.append(tags[key])
        v.obj = Volunteer(
            person_id=plan.persons[v.person].obj.id, started_on=v.started_on, ended_on=v.ended_on,
            status=VolunteerStatus.ENDED.value if v.ended_on else VolunteerStatus.ACTIVE.value,
            availability=v.availability, availability_slots=AVAILABILITY_SLOTS.get(v.availability or "", 0),
            notes=None, tags=vtags, **clearance,
            created_at=dt.datetime.combine(v.started_on, dt.time(11, 0)),
            updated_at=dt.datetime.combine(v.ended_on or v.started_on, dt.time(11, 0)),
        )
        w.add(v.obj)
    w.done()

    # ------------------------------------------------------------ activities and sessions
    fields_by_name = {f.name: f.id for f in uow.all(ActionField)}
    for n, act in enumerate(plan.activities):
        spec = act.spec
        act.obj = Activity(
            name=spec[0], kind=spec[1].value,
            district_id=districts[spec[2]].id if spec[2] else None, location=spec[3],
            description=None, starts_on=act.starts_on, ends_on=act.ends_on, active=act.active,
            action_field_id=fields_by_name.get(ACTIVITY_FIELDS.get(spec[0], "Nachbarschaft und Beteiligung")),
            funder=FUNDERS[n % len(FUNDERS)],
            created_at=dt.datetime.combine(act.starts_on or start, dt.time(10, 0)),
            updated_at=dt.datetime.combine(act.ends_on or act.starts_on or start, dt.time(10, 0)),
        )
        w.add(act.obj)
    w.flush()
    n_sessions = 0
    for act in plan.activities:
        for ses in act.sessions:
            band = HEADCOUNT_BANDS[n_sessions % len(HEADCOUNT_BANDS)].value
            split = ((Gender.FEMALE, (ses.anonymous + 1) // 2), (Gender.MALE, ses.anonymous // 2))
            ses.obj = Session(activity_id=act.obj.id, date=ses.date, start_time=ses.start, end_time=ses.end,
                              location=None, anonymous_count=ses.anonymous, note=None,
                              headcounts=[SessionHeadcount(gender=g.value, age_band=band, count=n)
                                          for g, n in split if n],
                              **_stamp(ses.date, 20, 0))
            w.add(ses.obj)
            n_sessions += 1
        for day in _planned_days(act, today):  # the next four weeks are planned already
            w.add(Session(activity_id=act.obj.id, date=day, start_time=act.sessions[-1].start,
                          end_time=act.sessions[-1].end, location=None, anonymous_count=0, note=None,
                          **_stamp(today, 9, 0)))
            n_sessions += 1
    w.done()

    # ------------------------------------------------------------ attendance and assignments
    for act in plan.activities:
        for ses in act.sessions:
            moment = dt.datetime.combine(ses.date, dt.time(20, 5))
            for pid in ses.attendees:
                w.add(Attendance(session_id=ses.obj.id, person_id=plan.persons[pid].obj.id,
                                 created_at=moment))
            for vol, minutes, role in ses.assignments:
                w.add(Assignment(volunteer_id=plan.volunteers[vol].obj.id, activity_id=act.obj.id,
                                 session_id=ses.obj.id, date=ses.date, minutes=minutes, role=role,
                                 **_stamp(ses.date, 20, 10)))
        for vol, day, minutes in act.prep:
            w.add(Assignment(volunteer_id=plan.volunteers[vol].obj.id, activity_id=act.obj.id,
                             session_id=None, date=day, minutes=minutes, role="Vorbereitung",
                             **_stamp(day, 18, 0)))
    for inquiry in _inquiries(plan, random.Random(seed * 7919 + 13), today):
        w.add(inquiry)
    w.done()

    # ------------------------------------------------------------ networks and meetings
    networks = []
    for name, kind, desc, (weekday, nth), *_ in NETWORKS:
        net = Network(name=name, kind=kind.value, description=desc, active=True, rhythm=_rhythm(weekday, nth),
                      **_stamp(start - dt.timedelta(days=60), 10, 0))
        networks.append(net)
        w.add(net)
    w.flush()
    for net, (org_ids, resident_ids) in zip(networks, plan.network_members, strict=True):
        for o in org_ids:
            w.add(NetworkMember(network_id=net.id, organisation_id=orgs[o].id))
        for pid in resident_ids:
            w.add(NetworkMember(network_id=net.id, person_id=plan.persons[pid].obj.id,
                                role="Bewohnervertretung"))
    meetings = []
    for n, fields, _parts, _items in plan.meetings:
        titles = fields["agenda"]  # Tagesordnungspunkte (agenda_items), the text field stays for a note
        m = Meeting(network_id=networks[n].id, **{k: v for k, v in fields.items() if k != "agenda"},
                    **_stamp(min(fields["date"], today), 21, 0))
        meetings.append(m)
        w.add(m)
        w.flush()
        for position, title in enumerate(titles, start=1):
            w.add(AgendaItem(meeting_id=m.id, position=position, title=title))
    w.flush()
    for m, (_n, fields, parts, items) in zip(meetings, plan.meetings, strict=True):
        for what, ident, attended in parts:
            w.add(MeetingParticipant(
                meeting_id=m.id, attended=attended,
                person_id=plan.persons[ident].obj.id if what == "person" else None,
                organisation_id=orgs[ident].id if what == "org" else None))
        for item in items:
            kind, ident = item["owner"]
            w.add(ActionItem(
                meeting_id=m.id, title=item["title"], due_on=item["due_on"], done_on=item["done_on"],
                owner_person_id=plan.persons[ident].obj.id if kind == "person" else None,
                owner_organisation_id=orgs[ident].id if kind == "org" else None,
                owner_text=ident if kind == "text" else None, note=None,
                created_at=dt.datetime.combine(fields["date"], dt.time(21, 5)),
                updated_at=dt.datetime.combine(item["done_on"] or fields["date"], dt.time(21, 5)),
            ))
    w.done()

    settings.set_value(uow, "letterhead", DEMO_LETTERHEAD, commit=False)
    uow.audit(AuditAction.DEMO, "demo", None)
    uow.commit()
    if progress is not None:
        progress(total, total)
    return DemoSummary(
        persons=len(plan.persons),
        contacts=n_contacts,
        requests=sum(1 for ep in plan.episodes if ep.obj is not None),
        referrals=n_referrals,
        volunteers=len(plan.volunteers),
        activities=len(plan.activities),
        sessions=n_sessions,
        networks=len(networks),
        meetings=len(meetings),
        anonymous_tallies=len(plan.tallies),
    )


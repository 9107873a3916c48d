"""A large synthetic Kümmerer database for benchmarks: ten years of a very busy office.

    .venv/bin/python benchmarks/generate_large.py [--persons 100000] [--contacts 1000000]
                                                  [--out PATH] [--seed N] [--force]

The schema comes from the real migrations (``open_workspace`` creates the file and the
default lists); the rows are then written with raw ``executemany`` (through SQLCipher's
SQLite — ``cipher.connect(path, None)`` on the plain file, the library the app uses, so
that SQL functions of its triggers exist) in a few big transactions, not through the ORM, so that a million contacts take seconds.
``persons.search_text`` and ``persons.sort_name`` are computed with the application's own
functions, so search and sort behave exactly as in the app.

Everything is invented: names are random combinations of first and last names, streets
are made up, phone numbers use the fictitious "555" block and e-mail addresses the
reserved domain ``example.org``.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import sys
import time
from contextlib import closing
from itertools import accumulate
from pathlib import Path

from kuemmerer.db import cipher, search_key
from kuemmerer.db.search_key import person_search_text
from kuemmerer.domain.rules import fold, sort_key
from kuemmerer.services.workspace import open_workspace

DEFAULT_OUT = Path("/tmp/kuemmerer-bench.sqlite")
YEARS = 10

DISTRICTS = ("Kappel", "Markersdorf", "Morgenleite", "Hutholz", "Helbersdorf")

# Last names, roughly by frequency (first = most common). German, Turkish, Arabic,
# Polish, Russian, Romanian, Balkan, Vietnamese, West African, Syrian, Afghan … with
# umlauts, ß and accents, so that folding and "ue" spellings are exercised.
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
    "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
    "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke",
    "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
    "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
    "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff",
    "Pfeiffer", "Lindner", "Uhlig", "Löffler", "Fröhlich", "Göbel", "Rößler", "Förster",
    "Mueller", "Muller", "Müller-Lüdecke", "Schmidt-Öztürk",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir",
    "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek",
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Dąbrowski", "Woźniak", "Kozłowski",
    "Ivanov", "Smirnow", "Kusnezow", "Popow", "Petrow", "Sokolow", "Lebedew", "Morosow",
    "Schewtschenko", "Bondarenko", "Kowalenko", "Tkatschenko", "Krawtschenko",
    "Popescu", "Ionescu", "Dumitru", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Mățău",
    "Horváth", "Kovács", "Tóth", "Szabó", "Novák", "Dvořák", "Svoboda", "Černý", "Procházka",
    "Kovačević", "Petrović", "Jovanović", "Hodžić", "Begić", "Krasniqi", "Gashi", "Berisha",
    "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui",
    "Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Ibrahim", "Hussein",
    "Abdullah", "Al-Ahmad", "Darwish", "Hamdan", "Khoury", "Yousef", "Othman",
    "Ahmadi", "Hosseini", "Rahimi", "Mohammadi", "Karimi", "Sultani", "Noori", "Haidari",
    "Okafor", "Mensah", "Diallo", "Traoré", "Ouédraogo", "Keïta", "Nkemelu", "Abebe", "Tesfaye",
    "García", "Fernández", "López", "Rodríguez", "Pereira", "Gonçalves", "Rossi", "Russo",
    "Esposito", "Papadopoulos", "Georgiou", "N'Diaye", "O'Brien", "da Silva", "van der Berg",
)

FIRST_NAMES_F = (
    "Anna", "Maria", "Sabine", "Petra", "Claudia", "Susanne", "Andrea", "Birgit", "Monika",
    "Renate", "Ursula", "Hildegard", "Käthe", "Jutta", "Gisela", "Ilse", "Bärbel", "Doris",
    "Heike", "Kerstin", "Anja", "Katrin", "Nicole", "Sandra", "Stefanie", "Julia", "Lena",
    "Sophie", "Lea", "Emma", "Mia", "Hannah", "Lina", "Marie", "Charlotte", "Zoë", "Chloé",
    "Renée", "Jördis", "Tülay", "Ayşe", "Fatma", "Emine", "Gülşen", "Öznur", "Çağla", "Elif",
    "Zeynep", "Büşra", "Leyla", "Fatima", "Amira", "Yasmin", "Nour", "Rania", "Aisha", "Mariam",
    "Małgorzata", "Agnieszka", "Katarzyna", "Dorota", "Olga", "Natalja", "Swetlana", "Tatjana",
    "Oksana", "Iryna", "Ana", "Ioana", "Elena", "Mihaela", "Jelena", "Ljiljana", "Thi Lan",
    "Hương", "Mai", "Adaeze", "Ama", "Aminata", "Samira", "Parisa", "Zahra", "Soraya", "Zoé",
)
FIRST_NAMES_M = (
    "Thomas", "Michael", "Andreas", "Peter", "Stefan", "Frank", "Jürgen", "Jörg", "Uwe",
    "Klaus", "Dieter", "Günter", "Horst", "Manfred", "Wolfgang", "Bernd", "Ralf", "Sven",
    "Björn", "Sören", "Lukas", "Leon", "Finn", "Jonas", "Paul", "Elias", "Noah", "Ben",
    "Max", "Felix", "André", "René", "José", "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin",
    "Ömer", "Şükrü", "Çetin", "Emre", "Yusuf", "Mohammed", "Ahmad", "Omar", "Khaled", "Amir",
    "Karim", "Hamid", "Łukasz", "Piotr", "Krzysztof", "Paweł", "Tomasz", "Dmitri", "Sergej",
    "Aleksandr", "Wladimir", "Bogdan", "Mykola", "Ionuț", "Mihai", "Andrei", "Goran", "Dragan",
    "Miloš", "Arbën", "Minh", "Đức", "Quang", "Kwame", "Chukwuemeka", "Moussa", "Tesfay",
    "Reza", "Farid", "Javad", "Nikolaos", "Giovanni", "Luís", "Søren",
)

STREETS = (
    "Ahornweg", "Am Stadtpark", "Birkenallee", "Blumenstraße", "Brückenstraße", "Dorfstraße",
    "Eichendorffstraße", "Feldweg", "Fliederweg", "Gartenstraße", "Goethestraße", "Grüner Winkel",
    "Hauptstraße", "Hügelweg", "Kastanienring", "Lindenplatz", "Mühlenweg", "Parkstraße",
    "Rosenhof", "Schillerplatz", "Schulstraße", "Sonnenhang", "Talstraße", "Uferweg",
    "Waldblick", "Wiesenring", "Zum Bächle", "Lärchenweg", "Kiefernstraße", "Paul-Bertz-Straße",
)
LANGUAGES = ("Deutsch", "Türkisch", "Arabisch", "Russisch", "Ukrainisch", "Polnisch",
             "Rumänisch", "Vietnamesisch", "Dari", "Englisch", "Französisch", "Tigrinya")

TITLES = (
    "Mietschulden", "Stromschulden", "Antrag Wohngeld", "Ärger mit dem Vermieter",
    "Streit mit Nachbarn", "Schimmel in der Wohnung", "Jobcenter-Bescheid prüfen",
    "Antrag Bürgergeld", "Widerspruch schreiben", "Kita-Platz gesucht", "Schulanmeldung",
    "Deutschkurs gesucht", "Pflegegrad beantragen", "Arzttermin begleiten", "Rundfunkbeitrag",
    "Formulare Familienkasse", "Umzug organisieren", "Mahnungen sortieren", "Ehrenamt gesucht",
    "Hilfe beim Lebenslauf", "Behördenbrief übersetzen", "Krankenkasse Rückfrage",
    "Sucht: Gesprächsangebot", "Einsamkeit im Alter", "Fahrrad für Arbeitsweg",
)
FOLLOW_UP_NOTES = ("Nachfragen, ob Bescheid da ist", "Termin beim Amt?", "Unterlagen mitbringen lassen",
                   "Rückruf vereinbart", "Frist läuft ab", None, None)

CONTACT_KINDS = (("sprechzeit", 45), ("termin", 20), ("telefon", 20), ("email", 6),
                 ("hausbesuch", 5), ("aufsuchend", 4))
GENDERS = (("weiblich", 50), ("maennlich", 44), ("divers", 1), ("keine_angabe", 5))
AGE_BANDS = ("u18", "18_29", "30_54", "55_64", "65plus", "unbekannt")
OPEN_STATUSES = (("offen", 5), ("in_bearbeitung", 3), ("wartet", 2))
CLOSED_STATUSES = (("erledigt", 85), ("abgebrochen", 15))


def _weighted(pairs):
    values = [v for v, _ in pairs]
    cum = list(accumulate(w for _, w in pairs))
    return values, cum


def _pick(rng: random.Random, values, cum):
    return values[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _workday(day: dt.date, step: int = 1) -> dt.date:
    """``day`` or the next (``step=-1``: previous) Monday to Friday."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def _email_part(text: str) -> str:
    return "".join(c for c in fold(text).replace(" ", "-") if c.isalnum() or c in "-.")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=None, help="default: 1.5 per person")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--no-analyze", action="store_true",
                   help="leave out ANALYZE (the app itself never runs it, so real files have no sqlite_stat1)")
    return p.parse_args(argv)


class Generator:
    def __init__(self, conn: cipher.dbapi.Connection, args: argparse.Namespace):
        self.conn = conn
        self.rng = random.Random(args.seed)
        self.today = args.today or dt.date.today()
        self.start = self.today.replace(year=self.today.year - YEARS)
        self.n_persons = args.persons
        self.n_contacts = args.contacts
        self.n_requests = args.requests if args.requests is not None else args.persons * 3 // 2
        self.days = (self.today - self.start).days
        # working days only (contacts, tallies); today is added explicitly
        self.workdays = [self.start + dt.timedelta(d) for d in range(self.days + 1)
                         if (self.start + dt.timedelta(d)).weekday() < 5]
        self.iso = {d: d.isoformat() for d in (self.start + dt.timedelta(n) for n in range(self.days + 400))}

    # -- helpers ----------------------------------------------------------------
    def _day(self, d: dt.date) -> str:
        return self.iso.get(d) or d.isoformat()

    def _bulk(self, table: str, columns: tuple[str, ...], rows) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        cur = self.conn.executemany(sql, rows)
        return cur.rowcount

    # -- lists --------------------------------------------------------------------
    def lists(self) -> None:
        c = self.conn
        for i, name in enumerate(DISTRICTS):
            c.execute("INSERT INTO districts (name, kind, sort_order, active) VALUES (?, 'gebiet', ?, 1)",
                      (name, i))
        self.district_ids = [r[0] for r in c.execute("SELECT id FROM districts WHERE kind = 'gebiet' ORDER BY id")]
        self.outside_id = c.execute("SELECT id FROM districts WHERE kind = 'ausserhalb'").fetchone()[0]
        self.category_ids = [r[0] for r in c.execute("SELECT id FROM categories ORDER BY id")]
        self.service_ids = [r[0] for r in c.execute("SELECT id FROM services ORDER BY id")]

    # -- persons ------------------------------------------------------------------
    def persons(self) -> None:
        rng = self.rng
        last_cum = list(accumulate(1 / (r + 1) ** 0.5 for r in range(len(LAST_NAMES))))
        genders, gender_cum = _weighted(GENDERS)
        district_pool = self.district_ids * 17 + [self.outside_id] * 5 + [None] * 10  # 85 % / 5 % / 10 %
        rows = []
        # how busy each person is: a few regulars, many who came once or twice
        self.person_weight = []
        today = self.today
        for pid in range(1, self.n_persons + 1):
            last = LAST_NAMES[bisect.bisect_right(last_cum, rng.random() * last_cum[-1])]
            gender = _pick(rng, genders, gender_cum)
            pool = FIRST_NAMES_F if gender == "weiblich" else FIRST_NAMES_M if gender == "maennlich" \
                else (FIRST_NAMES_F if rng.random() < 0.5 else FIRST_NAMES_M)
            first = rng.choice(pool) if rng.random() < 0.97 else None
            if rng.random() < 0.9:
                birth = today - dt.timedelta(days=rng.randint(365 * 3, 365 * 92))
                birth_s = birth.isoformat()
                adult = (today - birth).days >= 365 * 16
            else:
                birth_s, adult = None, True
            phone = None
            if adult and rng.random() < 0.7:
                phone = (f"0371 555{rng.randint(0, 99999):05d}" if rng.random() < 0.6
                         else f"0151 555{rng.randint(0, 9999999):07d}")
            email = None
            if adult and rng.random() < 0.4:
                local = f"{_email_part(first or 'info')}.{_email_part(last)}{rng.randint(1, 999)}"
                email = f"{local}@example.org"
            if rng.random() < 0.8:
                street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
                postcode, city = f"091{rng.randint(10, 31)}", "Chemnitz"
            else:
                street = postcode = city = None
            languages = None
            if rng.random() < 0.35:
                languages = ", ".join(sorted(set(rng.sample(LANGUAGES, rng.randint(1, 3)))))
            notes = "Kommt meist donnerstags." if rng.random() < 0.02 else None
            rows.append((pid, first, last, birth_s, gender, rng.choice(district_pool), street, postcode, city,
                         phone, email, languages, notes,
                         person_search_text(first, last, phone, email), sort_key(last, first)))
            self.person_weight.append(min(100.0, rng.paretovariate(1.6)))
        self._bulk("persons", ("id", "first_name", "last_name", "birth_date", "gender", "district_id",
                               "street", "postcode", "city", "phone", "email", "languages", "notes",
                               "search_text", "sort_name"), rows)
        self.person_cum = list(accumulate(self.person_weight))

    def _person(self) -> int:
        return bisect.bisect_right(self.person_cum, self.rng.random() * self.person_cum[-1]) + 1

    # -- requests -----------------------------------------------------------------
    def requests(self) -> None:
        rng, today = self.rng, self.today
        opens, open_cum = _weighted(OPEN_STATUSES)
        closes, close_cum = _weighted(CLOSED_STATUSES)
        plan = []
        for _ in range(self.n_requests):
            person = self._person()
            category = rng.choice(self.category_ids) if rng.random() < 0.92 else None
            title = rng.choice(TITLES)
            follow_up = note = closed = None
            if rng.random() < 0.10:  # open: mostly recent
                status = _pick(rng, opens, open_cum)
                opened = _workday(today - dt.timedelta(days=min(int(rng.expovariate(1 / 150)), self.days)), -1)
                if rng.random() < 0.35:
                    follow_up = max(opened, today + dt.timedelta(days=rng.randint(-45, 30)))
                    note = rng.choice(FOLLOW_UP_NOTES)
            else:
                status = _pick(rng, closes, close_cum)
                opened = self.workdays[rng.randrange(len(self.workdays) - 1)]
                closed = min(today, opened + dt.timedelta(days=int(rng.expovariate(1 / 40))))
                if rng.random() < 0.03:  # a follow-up that was never cleared
                    follow_up = opened + dt.timedelta(days=rng.randint(0, (closed - opened).days))
            plan.append((opened, person, category, title, status, closed, follow_up, note))
        plan.sort(key=lambda r: r[0])  # ids grow with time, as in real use
        # requests.search_text (migration 0003), if this version of the app has it
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(requests)")}
        title_key = getattr(search_key, "request_search_text", None) if "search_text" in columns else None
        title_keys = {t: title_key(t) for t in TITLES} if title_key else {}
        rows = []
        self.requests_plan = []  # (id, person, category, opened, end)
        for rid, (opened, person, category, title, status, closed, follow_up, note) in enumerate(plan, 1):
            desc = "Unterlagen liegen vor." if rng.random() < 0.1 else None
            row = (rid, person, category, title, desc, status, self._day(opened),
                   closed and self._day(closed), follow_up and self._day(follow_up), note)
            rows.append((*row, title_keys[title]) if title_key else row)
            self.requests_plan.append((rid, person, category, opened, closed or today))
        self._bulk("requests", ("id", "person_id", "category_id", "title", "description", "status",
                                "opened_on", "closed_on", "follow_up_on", "follow_up_note")
                   + (("search_text",) if title_key else ()), rows)

    # -- contacts -----------------------------------------------------------------
    def contacts(self) -> None:
        rng, today = self.rng, self.today
        kinds, kind_cum = _weighted(CONTACT_KINDS)
        plan = []
        # about 40 % of the contacts belong to a request: the first on the day it was
        # opened, then one every few (working) days until it was closed (at most 120 days)
        linked_target = int(self.n_contacts * 0.4)
        spans = sum(min(120, (end - opened).days) for _r, _p, _c, opened, end in self.requests_plan)
        # (with fewer contacts than requests the gap is as long as all spans together: each
        # request keeps only its first contact)
        gap = spans / max(1, linked_target - len(self.requests_plan)) or 1.0
        for rid, person, category, opened, end in self.requests_plan:
            last = min(end, opened + dt.timedelta(days=120))
            day = opened
            while day <= last:
                plan.append((day, person, rid, category))
                step = max(1, round(rng.expovariate(1 / gap)))
                if step > (last - day).days:  # past the end; a huge step would overflow the date
                    break
                day = _workday(day + dt.timedelta(days=step))
        # on a weekend there would be no contacts today: add a few, so "Heute" has something
        today_count = 40 if today.weekday() >= 5 else 0
        for _ in range(max(0, self.n_contacts - len(plan) - today_count)):
            day = self.workdays[rng.randrange(len(self.workdays))]
            category = rng.choice(self.category_ids) if rng.random() < 0.7 else None
            plan.append((day, self._person(), None, category))
        for _ in range(max(0, self.n_contacts - len(plan))):
            plan.append((today, self._person(), None, rng.choice(self.category_ids)))
        plan.sort(key=lambda r: r[0])
        durations = (None, 5, 10, 15, 20, 30, 45, 60, 90)

        def rows():
            for day, person, rid, category in plan:
                note = "Kurz nachgefragt." if rng.random() < 0.03 else None
                yield (person, rid, category, self._day(day), _pick(rng, kinds, kind_cum),
                       rng.choice(durations), note)

        self._bulk("contacts", ("person_id", "request_id", "category_id", "date", "kind",
                                "duration_minutes", "note"), rows())

    # -- anonymous tallies ----------------------------------------------------------
    def tallies(self, n: int) -> None:
        rng = self.rng
        kinds, kind_cum = _weighted(CONTACT_KINDS)
        genders, gender_cum = _weighted(GENDERS)
        days = sorted([self.workdays[rng.randrange(len(self.workdays))] for _ in range(n - 5)]
                      + [self.today] * 5)
        rows = [(self._day(d), _pick(rng, kinds, kind_cum),
                 rng.choice(self.district_ids + [self.outside_id, None]), _pick(rng, genders, gender_cum),
                 rng.choice(AGE_BANDS), rng.choice(self.category_ids + [None]), rng.choice((1, 1, 1, 2, 3)),
                 None) for d in days]
        self._bulk("anonymous_tallies", ("date", "kind", "district_id", "gender", "age_band", "category_id",
                                         "count", "note"), rows)

    # -- partners, referrals, networks (small, so that the dashboard has all parts) --
    def partners(self, n_referrals: int) -> None:
        rng, today = self.rng, self.today
        c = self.conn
        kinds = ("beratungsstelle", "behoerde", "verein", "kirche", "schule", "wohnungsunternehmen")
        org_ids = []
        for i in range(40):
            cur = c.execute("INSERT INTO organisations (name, kind, city, phone, email, active) "
                            "VALUES (?, ?, 'Chemnitz', ?, ?, 1)",
                            (f"Beratungsstelle {rng.choice(STREETS)} {i + 1}", rng.choice(kinds),
                             f"0371 555{rng.randint(0, 99999):05d}", f"kontakt{i + 1}@example.org"))
            org_ids.append(cur.lastrowid)
        pairs = sorted({(o, s) for o in org_ids for s in rng.sample(self.service_ids, 3)})
        self._bulk("organisation_services", ("organisation_id", "service_id"), pairs)
        offered = {}
        for o, s in pairs:
            offered.setdefault(o, []).append(s)
        req_by_person = {}
        for rid, person, _cat, _opened, _end in self.requests_plan:
            req_by_person.setdefault(person, rid)
        rows = []
        for _ in range(n_referrals):
            person = self._person()
            org = rng.choice(org_ids)
            referred = self.start + dt.timedelta(days=rng.randint(0, self.days))
            recent = (today - referred).days < 60
            outcome = "vermittelt" if recent or rng.random() < 0.02 else rng.choice(
                ("angekommen", "angekommen", "nicht_wahrgenommen", "abgelehnt"))
            outcome_on = None if outcome == "vermittelt" else min(today, referred + dt.timedelta(rng.randint(1, 60)))
            follow_up = referred + dt.timedelta(days=14) if outcome == "vermittelt" and rng.random() < 0.7 else None
            closed_on = outcome_on if outcome_on and rng.random() < 0.6 else None  # finished with its result
            rows.append((person, req_by_person.get(person) if rng.random() < 0.5 else None,
                         rng.choice(offered[org]), org, self._day(referred), outcome,
                         outcome_on and self._day(outcome_on), follow_up and self._day(follow_up),
                         closed_on and self._day(closed_on)))
        rows.sort(key=lambda r: r[4])
        self._bulk("referrals", ("person_id", "request_id", "service_id", "organisation_id", "referred_on",
                                 "outcome", "outcome_on", "follow_up_on", "closed_on"), rows)
        # networks with a meeting a month, action items
        meetings = []
        for name, kind in (("Stadtteilrunde Süd", "stadtteilrunde"), ("AK Naturerziehung", "arbeitskreis"),
                           ("Gewerbestammtisch", "gewerbestammtisch"), ("Quartiersrat", "gremium")):
            nid = c.execute("INSERT INTO networks (name, kind, active) VALUES (?, ?, 1)", (name, kind)).lastrowid
            day = self.start + dt.timedelta(days=rng.randint(0, 27))
            while day <= today + dt.timedelta(days=90):
                meetings.append((nid, self._day(day), "17:00:00.000000", "19:00:00.000000", "Stadtteiltreff"))
                day += dt.timedelta(days=28)
        meetings.sort(key=lambda r: r[1])
        self._bulk("meetings", ("network_id", "date", "start_time", "end_time", "location"), meetings)
        items = []
        for mid, mdate in c.execute("SELECT id, date FROM meetings WHERE date <= ?", (self._day(today),)).fetchall():
            for _ in range(rng.randint(0, 3)):
                due = dt.date.fromisoformat(mdate) + dt.timedelta(days=rng.randint(7, 42))
                done = None if (today - due).days < 30 and rng.random() < 0.6 else self._day(min(due, today))
                items.append((mid, rng.choice(("Einladung verschicken", "Raum buchen", "Protokoll rundmailen",
                                               "Förderantrag vorbereiten")),
                              rng.choice(("Koordination", "Vorstand", None)), self._day(due), done))
        self._bulk("action_items", ("meeting_id", "title", "owner_text", "due_on", "done_on"), items)


def _without_indexes(conn: cipher.dbapi.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the (non-constraint) indexes of ``tables`` and return their exact SQL: building
    an index once over sorted data is much faster than updating it a million times."""
    marks = ",".join("?" * len(tables))
    rows = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks}) ORDER BY name", tables).fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _counts(conn: cipher.dbapi.Connection) -> dict[str, int]:
    tables = ("districts", "persons", "requests", "contacts", "anonymous_tallies", "organisations",
              "referrals", "meetings", "action_items")
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def generate(args: argparse.Namespace) -> Path:
    out: Path = args.out
    if out.exists():
        if not args.force:
            sys.exit(f"{out} exists; use --force to overwrite it")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(out) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    ws = open_workspace(out)  # schema from the real migrations, default lists
    ws.close()
    t_schema = time.perf_counter()

    with closing(cipher.connect(out, None)) as conn:
        conn.isolation_level = None  # BEGIN/COMMIT are explicit below
        conn.execute("PRAGMA journal_mode=OFF")  # a throw-away file: no rollback journal while filling
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=OFF")  # checked once at the end with foreign_key_check
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA temp_store=MEMORY")
        gen = Generator(conn, args)
        steps = []

        def step(label, fn, *a):
            s = time.perf_counter()
            conn.execute("BEGIN")
            fn(*a)
            conn.execute("COMMIT")
            steps.append((label, time.perf_counter() - s))
            print(f"  {label:<30} {steps[-1][1]:6.1f} s", flush=True)

        conn.execute("BEGIN")
        index_sql = _without_indexes(conn, ("persons", "requests", "contacts", "anonymous_tallies", "referrals"))
        conn.execute("COMMIT")
        step("lists", gen.lists)
        step(f"persons ({gen.n_persons:,})", gen.persons)
        step(f"requests ({gen.n_requests:,})", gen.requests)
        step(f"contacts ({gen.n_contacts:,})", gen.contacts)
        step("anonymous tallies", gen.tallies, max(50, gen.n_contacts // 300))
        step("partners, referrals, meetings", gen.partners, max(100, gen.n_persons // 10))
        step("indexes", lambda: [conn.execute(sql) for sql in index_sql])
        s = time.perf_counter()
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise SystemExit(f"foreign_key_check failed: {problems[:10]}")
        if not args.no_analyze:
            conn.execute("ANALYZE")
            conn.execute("PRAGMA optimize")
        print(f"  {'foreign_key_check, ANALYZE':<30} {time.perf_counter() - s:6.1f} s")
        conn.execute("PRAGMA journal_mode=WAL")  # as the app keeps it
        counts = _counts(conn)
    total = time.perf_counter() - t0
    size = out.stat().st_size
    print(f"schema via open_workspace: {t_schema - t0:.1f} s")
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"done in {total:.1f} s; {out} is {size / 1e6:.0f} MB")
    return out


def main(argv=None) -> Path:
    return generate(parse_args(argv))


if __name__ == "__main__":
    main()

"""Import of her old lists (issue 15): contact logs, volunteer lists and partner lists — preview,
import in one transaction, a second import that adds nothing, her choices for unknown Themen
and Stadtgebiete, the remembered column mapping, cancel, and undo as a whole."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kuemmerer.domain.errors import ValidationError
from kuemmerer.services import importing, lists, partners, persons, requests, volunteers
from tests.test_service_validation import snapshot

TODAY = dt.date(2026, 12, 6)

CONTACTS = ("Datum;Name;Geb.-Datum;Kategorie;Kontaktart;Dauer;Bemerkung\n"
            "03.02.2026;Müller, Karin;12.03.1955;Miete;Sprechstunde;30 min;Nebenkosten\n"
            "2026-02-10;Karin Müller;12.03.1955;Mietrecht;Telefon;1,5 h;\n"
            "10.02.2026;Karin Müller;12.03.1955;Mietrecht;Telefon;1,5 h;\n"  # the same contact again
            "11.2.26;Yilmaz, Deniz;;Mietrecht;Hausbesuch;45;\n"
            "01.01.2027;Koch, Eva;;Miete;;;\n"  # in the future
            "12.02.2026;Koch, Eva;;Miete;Brieftaube;;\n"  # no such kind
            "13.02.2026;Koch, Eva;;Miete;;viel;\n"  # no duration
            "14.02.2026;;;Miete;;;\n")  # no name


@pytest.fixture
def contacts_file(tmp_path):
    path = tmp_path / "kontakte-2026.csv"
    path.write_bytes(CONTACTS.encode("cp1252"))
    return path


def _preview(ws, path, kind=None, mapping=None):
    with ws.uow(read_only=True) as uow:
        return importing.preview(uow, importing.read_table(path), kind, mapping, today=TODAY)


def _contacts(ws):
    with ws.uow(read_only=True) as uow:
        people = {p.id: p for p in persons.list_persons(uow)}
        cats = {c.id: c.name for c in lists.list_categories(uow)}
        return sorted((people[c.person_id].last_name, c.date, cats.get(c.category_id), c.kind, c.duration_minutes)
                      for c in requests.contacts.list(uow))


def test_a_contact_log_is_recognised_previewed_and_imported_once(ws, contacts_file):
    with ws.uow() as uow:
        miete = lists.categories.create(uow, name="Miete").id
    preview = _preview(ws, contacts_file)
    assert preview.kind == "contacts"
    by_row = {r.row: r for r in preview.rows}
    assert [by_row[n].action for n in range(2, 10)] == [importing.CREATE, importing.CREATE, importing.MATCH,
                                                       importing.CREATE] + [importing.REJECT] * 4
    assert by_row[3].person_of_row == 2 and by_row[4].same_as_row == 3  # one new Karin, the repeat skipped
    assert by_row[2].new_person and not by_row[3].new_person
    assert "Zukunft" in by_row[6].reason and "Kontaktart" in by_row[7].reason
    assert "Dauer" in by_row[8].reason and "Nachname" in by_row[9].reason
    assert preview.new_categories == ("Mietrecht",)
    assert by_row[6].cells[1] == "Koch, Eva"  # the rejected row as it was, for the list of rejected rows

    done = importing.run_import(ws, preview, file_name=contacts_file.name, categories={"Mietrecht": importing.NEW})
    assert (done.created, done.new_persons, done.skipped, done.rejected) == (3, 2, 1, 4)
    assert done.backup is not None and done.backup.exists()
    assert _contacts(ws) == [("Müller", dt.date(2026, 2, 3), "Miete", "sprechzeit", 30),
                             ("Müller", dt.date(2026, 2, 10), "Mietrecht", "telefon", 90),
                             ("Yilmaz", dt.date(2026, 2, 11), "Mietrecht", "hausbesuch", 45)]
    with ws.uow(read_only=True) as uow:
        assert lists.categories.get(uow, miete).name == "Miete"

    again = _preview(ws, contacts_file)
    assert again.count(importing.CREATE) == 0 and again.new_categories == ()
    second = importing.run_import(ws, again, file_name=contacts_file.name)
    assert second.created == 0 and second.new_persons == 0
    assert len(_contacts(ws)) == 3

    with ws.uow() as uow:
        assert importing.undo_import(uow, done.import_id) == {"deleted": 6, "kept": 0}  # 3 contacts, 2 persons, 1 Thema
    assert _contacts(ws) == []
    with ws.uow(read_only=True) as uow:
        assert [p.last_name for p in persons.list_persons(uow)] == []
        assert "Mietrecht" not in {c.name for c in lists.list_categories(uow)}
        history = importing.list_imports(uow)
    assert [(h.id, h.kind_label, h.undone_at is not None) for h in history] == [
        (second.import_id, "Kontakte", False), (done.import_id, "Kontakte", True)]


def test_an_unknown_thema_can_go_to_one_she_has_or_stay_empty(ws, contacts_file):
    with ws.uow() as uow:
        miete = lists.categories.create(uow, name="Miete").id
    preview = _preview(ws, contacts_file)
    importing.run_import(ws, preview, file_name="k.csv", categories={"mietrecht": miete})
    assert {c[2] for c in _contacts(ws)} == {"Miete"}
    with ws.uow(read_only=True) as uow:
        assert "Mietrecht" not in {c.name for c in lists.list_categories(uow)}


def test_a_choice_that_is_no_entry_is_refused_before_anything_is_written(ws, contacts_file):
    preview = _preview(ws, contacts_file)
    before = snapshot(ws)
    for bad in ({"Mietrecht": 99999}, {"Mietrecht": "irgendwas"}, {"Mietrecht": True}):
        with pytest.raises(ValidationError) as err:
            importing.run_import(ws, preview, file_name="k.csv", categories=bad)
        assert "categories" in err.value.errors
    with pytest.raises(ValidationError):
        importing.run_import(ws, preview, file_name="k.csv", decisions={2: "vielleicht"})
    assert snapshot(ws) == before
    assert not list(ws.backup_dir.glob("*vor-import*"))


def test_cancel_while_writing_leaves_nothing_and_progress_reaches_the_end(ws, contacts_file):
    preview = _preview(ws, contacts_file)
    before = snapshot(ws)
    with pytest.raises(importing.ImportCancelled):
        importing.run_import(ws, preview, file_name="k.csv", cancelled=lambda: True)
    after = snapshot(ws)
    assert [e[2:] for e in after.pop("audit_events") if e not in before["audit_events"]] == [("backup", "database", None)]
    before.pop("audit_events")
    assert after == before  # only the backup before it
    seen: list[tuple[int, int]] = []
    with ws.uow(read_only=True) as uow:
        importing.preview(uow, importing.read_table(contacts_file), progress=lambda d, t: seen.append((d, t)),
                          today=TODAY)
    assert seen[-1] == (8, 8)
    with ws.uow(read_only=True) as uow, pytest.raises(importing.ImportCancelled):
        importing.preview(uow, importing.read_table(contacts_file), cancelled=lambda: True, today=TODAY)


def test_a_volunteer_list_adds_profiles_and_tags_and_fills_only_what_is_empty(ws, tmp_path):
    with ws.uow() as uow:
        known = persons.create_person(uow, last_name="Schäfer", first_name="Jürgen", birth_date=dt.date(1955, 2, 1))
        helper = persons.create_person(uow, last_name="Weiß", first_name="Anna", postcode="09123")
        volunteers.create_volunteer(uow, person_id=helper.id, started_on=dt.date(2020, 5, 1),
                                    tags=[("sprache", "Arabisch")])
    path = tmp_path / "ehrenamt.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Geburtsdatum", "PLZ", "Fähigkeiten", "Sprachen", "dabei seit"])
    sheet.append(["Schaefer, Juergen", dt.datetime(1955, 2, 1), None, "Kochen, Fahrrad", "Türkisch", 2019])
    sheet.append(["Anna Weiß", None, 9123, "Nähen", "Arabisch; Englisch", "01.01.2018"])
    sheet.append(["Neu, Nora", None, None, "", "", ""])
    sheet.append(["Fehler, Fritz", None, None, "", "", "2099"])
    book.save(path)

    preview = _preview(ws, path)
    assert preview.kind == "volunteers"
    assert [r.action for r in preview.rows] == [importing.MATCH, importing.MATCH, importing.CREATE, importing.REJECT]
    assert "volunteer" in preview.rows[0].fills and "volunteer" in preview.rows[1].fills
    done = importing.run_import(ws, preview, file_name=path.name)
    assert (done.created, done.matched, done.filled, done.new_persons) == (2, 1, 1, 1)  # Weiß was one already
    with ws.uow(read_only=True) as uow:
        profiles = {persons.get_person(uow, v.person_id).last_name: v for v in volunteers.list_volunteers(uow)}
    assert profiles["Schäfer"].started_on == dt.date(2019, 1, 1)
    assert set(profiles["Schäfer"].tags) == {("faehigkeit", "Kochen"), ("faehigkeit", "Fahrrad"), ("sprache", "Türkisch")}
    assert profiles["Weiß"].started_on == dt.date(2020, 5, 1)  # hers stays
    assert set(profiles["Weiß"].tags) == {("sprache", "Arabisch"), ("sprache", "Englisch"), ("faehigkeit", "Nähen")}
    assert profiles["Neu"].started_on is None

    assert _preview(ws, path).rows[0].fills == ()  # nothing left to add the second time
    with ws.uow() as uow:
        assert importing.undo_import(uow, done.import_id) == {"deleted": 3, "kept": 0}  # 2 profiles, Nora
    with ws.uow(read_only=True) as uow:
        left = {persons.get_person(uow, v.person_id).last_name for v in volunteers.list_volunteers(uow)}
        assert left == {"Weiß"}
        assert persons.get_person(uow, known.id).last_name == "Schäfer"


def test_a_partner_list_creates_organisations_and_their_angebote(ws, tmp_path):
    with ws.uow() as uow:
        caritas = partners.create_organisation(uow, name="Caritas Schuldnerberatung", kind="beratungsstelle")
    path = tmp_path / "partner.csv"
    path.write_text("Einrichtung,Art,Angebote,Straße,PLZ,Telefon,Öffnungszeiten\n"
                    "caritas schuldnerberatung,Beratungsstelle,Schuldnerberatung,Markt 1,09111,0371 123,Mo 9-12\n"
                    "Bäckerei Sonne,Gewerbe,Brötchen für Feste; Praktikum,,,,\n"
                    "Jugendhaus Ost,Jugendhilfe,Offener Treff,,,,\n"
                    ",Verein,,,,,\n", encoding="utf-8")
    preview = _preview(ws, path)
    assert preview.kind == "partners"
    assert [r.action for r in preview.rows] == [importing.MATCH, importing.CREATE, importing.CREATE, importing.REJECT]
    assert set(preview.rows[0].fills) >= {"street", "postcode", "phone", "opening_hours"}
    assert set(preview.new_services) == {"Brötchen für Feste", "Praktikum", "Offener Treff"}
    done = importing.run_import(ws, preview, file_name=path.name)
    assert (done.created, done.matched, done.filled) == (2, 1, 1)
    with ws.uow(read_only=True) as uow:
        orgs = {o.name: o for o in partners.list_organisations(uow)}
        service_names = {s.id: s.name for s in lists.list_services(uow)}
    assert orgs["Caritas Schuldnerberatung"].phone == "0371 123" and orgs["Caritas Schuldnerberatung"].id == caritas.id
    assert orgs["Bäckerei Sonne"].kind == "unternehmen"
    assert {service_names[i] for i in orgs["Bäckerei Sonne"].service_ids} == {"Brötchen für Feste", "Praktikum"}
    assert orgs["Jugendhaus Ost"].kind == "sonstige" and "Jugendhilfe" in orgs["Jugendhaus Ost"].notes

    assert _preview(ws, path).count(importing.CREATE) == 0
    with ws.uow() as uow:
        assert importing.undo_import(uow, done.import_id) == {"deleted": 5, "kept": 0}  # 2 organisations, 3 Angebote
    with ws.uow(read_only=True) as uow:
        assert {o.name for o in partners.list_organisations(uow)} == {"Caritas Schuldnerberatung"}
        assert "Praktikum" not in {s.name for s in lists.list_services(uow)}


def test_the_mapping_she_corrected_is_remembered_for_the_same_layout(ws, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("Zuname;Rufname;Kiez\nKoch;Eva;Kappel\n", encoding="utf-8")
    table = importing.read_table(path)
    with ws.uow(read_only=True) as uow:
        assert importing.remembered_mapping(uow, table) is None
        preview = importing.preview(uow, table, "persons", {0: "last_name", 1: "first_name", 2: "district"},
                                    today=TODAY)
    importing.run_import(ws, preview, file_name=path.name, layout_key=importing.rules.layout_key(table.headers),
                         create_districts=True)
    with ws.uow(read_only=True) as uow:
        assert importing.remembered_mapping(uow, table) == ("persons", {0: "last_name", 1: "first_name", 2: "district"})
        other = importing.read_table(path)
        assert importing.remembered_mapping(uow, importing.Table(("Zuname",), ((),))) is None
        assert other.headers == table.headers


@pytest.mark.parametrize(("mapping", "says"), [
    ({7: "last_name"}, "Spalte"), ({0: "lieblingsfarbe"}, "gibt es"), ({0: "last_name", 1: "last_name"}, "zwei"),
    ({1: "first_name"}, "Namen"), ("kaputt", "ungültig"), ({True: "last_name"}, "Spalte")])
def test_a_wrong_mapping_is_refused_in_german(ws, tmp_path, mapping, says):
    path = tmp_path / "liste.csv"
    path.write_text("Zuname;Rufname\nKoch;Eva\n", encoding="utf-8")
    with ws.uow(read_only=True) as uow, pytest.raises(ValidationError) as err:
        importing.preview(uow, importing.read_table(path), "persons", mapping)
    assert says in err.value.errors["mapping"]

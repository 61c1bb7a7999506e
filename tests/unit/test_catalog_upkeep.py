"""Services and categories kept up: add, rename, owning team, retire, delete, on SQLite and PostgreSQL.

The oracle is the database itself, read with raw SQL through the driver (sqlite3 / psycopg2)."""

from __future__ import annotations

import sqlite3

import pytest

from incident_desk.domain.incident import IncidentFilter
from incident_desk.domain.metrics import MetricsFilter
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService
from tests.team_tools import open_desk


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, db_path) -> str:
    return str(db_path) if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def desk(url, clock):
    d = open_desk(url, clock=clock)
    admin = d.actor
    d.users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    d.users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Service Desk")
    d.users.add_user(actor=admin, username="vic", display_name="Vic Viewer", role="viewer", team="Network")
    yield d
    d.close()


def raw(url: str, query: str, *params) -> list[tuple]:
    if url.startswith("postgres"):
        import psycopg2
        con = psycopg2.connect(url)
        try:
            with con.cursor() as cur:
                cur.execute(query.replace("?", "%s"), params)
                return [tuple(r) for r in cur.fetchall()]
        finally:
            con.close()
    con = sqlite3.connect(url)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def dump(url: str) -> list:
    """What the upkeep may touch, for 'nothing was written'."""
    return [raw(url, "SELECT id, name, name_key, description, team_id, retired_at FROM business_service ORDER BY id"),
            raw(url, "SELECT id, name, parent_id, active FROM category ORDER BY id"),
            raw(url, "SELECT id, category, subcategory, service FROM incident ORDER BY id"),
            raw(url, "SELECT COUNT(*) FROM audit"), raw(url, "SELECT key, value FROM setting ORDER BY key")]


def log(desk, **kw):
    draft = dict(title="Printer on floor 3 jams", category="Printing", subcategory="Printer", impact="medium",
                 urgency="medium", reporter_name="Ann Example", reporter_contact="ann@example.org")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def audit(url: str, prefix: str) -> list[tuple]:
    return raw(url, "SELECT actor_name, action, detail FROM audit WHERE action LIKE ? ORDER BY id", prefix + "%")


# ---- services ------------------------------------------------------------------------------------------------

def test_a_service_is_added_with_its_team_renamed_moved_and_audited(desk, url):
    comm, lena = desk.communication, desk.users.actor("lena")
    comm.add_service(actor=lena, name="Payroll", description="Salaries", team="Service Desk")
    inc = log(desk, service="payroll ")      # the free-text field, any case and spacing
    comm.set_service(actor=lena, name="Payroll", new_name="Payroll & HR")
    comm.set_service_team(actor=lena, name="Payroll & HR", team="Network")
    assert raw(url, "SELECT s.name, s.name_key, t.name, s.retired_at FROM business_service s "
                    "LEFT JOIN team t ON t.id = s.team_id") == [("Payroll & HR", "payroll & hr", "Network", None)]
    # The incident keeps its own text (history) and is linked to the service under its new name.
    assert raw(url, "SELECT service FROM incident WHERE id = ?", inc.id) == [("payroll",)]
    assert comm.services_of(inc.key) == ["Payroll & HR"]
    assert {s.id: n for s, n in ((s, comm.incident_counts().get(s.id, 0)) for s in comm.list_services())} == \
        {raw(url, "SELECT id FROM business_service")[0][0]: 1}
    listed = comm.get_service("payroll & hr")
    assert (listed.team, listed.retired) == ("Network", False)
    assert audit(url, "settings.services.") == [
        ("lena", "settings.services.add", "Payroll (team Service Desk)"),
        ("lena", "settings.services.rename", "Payroll → Payroll & HR"),
        ("lena", "settings.services.team", "Payroll & HR: Network")]
    comm.set_service_team(actor=lena, name="Payroll & HR", team=None)
    assert raw(url, "SELECT team_id FROM business_service") == [(None,)]


def test_a_used_service_is_retired_not_deleted_and_an_unused_one_may_go(desk, url, clock):
    comm, admin = desk.communication, desk.actor
    for name in ("Web Shop", "Mail", "Fax"):
        comm.add_service(actor=admin, name=name, public=True)
    old = log(desk, service="Web Shop")
    other = log(desk, service=None)
    comm.announce(actor=admin, key=other.key, state="investigating", message="Mail is slow.", services=["Mail"])
    counts = comm.incident_counts()
    ids = dict(raw(url, "SELECT name, id FROM business_service"))
    assert counts == {ids["Web Shop"]: 1, ids["Mail"]: 1}
    before = dump(url)
    with pytest.raises(ValidationError, match=r"^The service 'Web Shop' is on 1 incident; retire it instead"):
        comm.delete_service(actor=admin, name="web shop")
    with pytest.raises(ValidationError, match="is on 1 incident"):
        comm.delete_service(actor=admin, name="Mail")  # linked by a public update only
    assert dump(url) == before
    clock.advance(minutes=5)
    comm.retire_service(actor=admin, name="Web Shop")
    assert raw(url, "SELECT retired_at FROM business_service WHERE name = 'Web Shop'") == \
        [(int(clock.now.timestamp()),)]
    assert comm.service_names() == ["Fax", "Mail"]                     # pickers for new incidents
    assert [s.name for s in comm.status_snapshot().services] == ["Fax", "Mail"]
    assert comm.services_of(old.key) == ["Web Shop"]                   # the old incident keeps it
    assert comm.get_service("Web Shop").retired
    assert raw(url, "SELECT service FROM incident WHERE id = ?", old.id) == [("Web Shop",)]
    comm.delete_service(actor=admin, name="Fax")
    assert sorted(r[0] for r in raw(url, "SELECT name FROM business_service")) == ["Mail", "Web Shop"]
    comm.retire_service(actor=admin, name="Web Shop", retired=False)
    assert comm.service_names() == ["Mail", "Web Shop"]
    assert [a[1] for a in audit(url, "settings.services.")][-3:] == [
        "settings.services.retire", "settings.services.delete", "settings.services.unretire"]


@pytest.mark.parametrize("name, message", [
    ("   ", "A service needs a name."),
    ("x" * 201, "The service name is 201 characters long; the limit is 200."),
    ("mail", "There is already a service 'mail'."),
])
def test_bad_service_names_are_refused_in_one_sentence_and_nothing_is_written(desk, url, name, message):
    comm = desk.communication
    comm.add_service(actor=desk.actor, name="Mail")
    comm.add_service(actor=desk.actor, name="Web Shop")
    before = dump(url)
    with pytest.raises(ValidationError) as add:
        comm.add_service(actor=desk.actor, name=name)
    with pytest.raises(ValidationError) as rename:
        comm.set_service(actor=desk.actor, name="Web Shop", new_name=name)
    assert str(add.value) == str(rename.value) == message
    with pytest.raises(ValidationError, match=r"^There is no team 'Ghosts'\.$"):
        comm.set_service_team(actor=desk.actor, name="Mail", team="Ghosts")
    assert dump(url) == before


@pytest.mark.parametrize("who", ["alex", "vic"])
def test_agents_and_viewers_are_refused_every_service_change(desk, url, who):
    comm = desk.communication
    comm.add_service(actor=desk.actor, name="Mail")
    actor = desk.users.actor(who)
    before = dump(url)[:4]
    calls = [lambda: comm.add_service(actor=actor, name="Sneaky"),
             lambda: comm.set_service(actor=actor, name="Mail", new_name="Post"),
             lambda: comm.set_service_team(actor=actor, name="Mail", team="Network"),
             lambda: comm.retire_service(actor=actor, name="Mail"),
             lambda: comm.delete_service(actor=actor, name="Mail")]
    for call in calls:
        with pytest.raises(PermissionDenied, match="manage business services"):
            call()
    assert dump(url)[:3] == before[:3]


# ---- categories ----------------------------------------------------------------------------------------------

def test_renaming_a_category_rewrites_its_incidents_and_old_names_still_find_them(desk, url, clock):
    settings, lena = desk.settings, desk.users.actor("lena")
    first = log(desk)
    log(desk, subcategory="Scanner")
    log(desk, category="Network", subcategory="VPN")
    clock.advance(hours=1)
    moved = settings.rename_category(actor=lena, name="Printing", new_name="Print and scan")
    assert moved == 2
    assert raw(url, "SELECT category, subcategory FROM incident ORDER BY id") == [
        ("Print and scan", "Printer"), ("Print and scan", "Scanner"), ("Network", "VPN")]
    assert "Print and scan" in settings.categories() and "Printing" not in settings.categories()
    # A saved view or a metrics filter kept with the old name still finds them.
    old_view = IncidentFilter(categories=frozenset({"Printing"}))
    assert desk.incidents.count_incidents(filters=old_view) == 2
    assert [r.key for r in desk.incidents.list_incidents(filters=old_view)][-1] == first.key
    report = MetricsService.for_desk(desk).refresh(MetricsFilter(categories=frozenset({"Printing"})))
    assert report.total == 2 and {c: g.count for c, g in report.by_category.items()} == {"Print and scan": 2}
    # A rename of a rename: the first name follows to the last.
    settings.rename_category(actor=lena, name="Print and scan", new_name="Output")
    assert settings.current_category_names({"Printing", "Print and scan", "Network"}) == {"Output", "Network"}
    # A subcategory: only its own category's incidents change.
    assert settings.rename_category(actor=lena, name="Printer", parent="Output", new_name="Laser printer") == 1
    assert raw(url, "SELECT subcategory FROM incident ORDER BY id") == [("Laser printer",), ("Scanner",), ("VPN",)]
    assert audit(url, "settings.categories.") == [
        ("lena", "settings.categories.rename", "Printing → Print and scan (2 incidents)"),
        ("lena", "settings.categories.rename", "Print and scan → Output (2 incidents)"),
        ("lena", "settings.categories.rename", "Output / Printer → Laser printer (1 incident)")]
    # The incident still edits, and new incidents go under the new name.
    desk.incidents.edit_incident(actor=desk.actor, key=first.key, changes={"title": "Laser jams"},
                                 expected_version=first.version)
    assert log(desk, category="output", subcategory="laser printer").category == "Output"


def test_a_used_category_is_retired_not_deleted_and_an_unused_one_may_go(desk, url):
    settings, admin = desk.settings, desk.actor
    used = log(desk)
    settings.add_category(actor=admin, name="Kiosk")
    settings.add_category(actor=admin, name="Screen", parent="Kiosk")
    before = dump(url)
    with pytest.raises(ValidationError, match=r"^'Printing' is on 1 incident; retire it instead of deleting it\.$"):
        settings.delete_category(actor=admin, name="Printing")
    with pytest.raises(ValidationError, match="'Printer' is on 1 incident"):
        settings.delete_category(actor=admin, name="Printer", parent="Printing")
    assert dump(url) == before
    settings.retire_category(actor=admin, name="Printing")
    # The category and its subcategories (not Database's 'Outage', say) are retired.
    assert sorted((n, bool(a)) for n, a in raw(
        url, "SELECT c.name, c.active FROM category c LEFT JOIN category p ON p.id = c.parent_id "
             "WHERE c.name = 'Printing' OR p.name = 'Printing'")) == \
        [("Print queue", False), ("Printer", False), ("Printing", False), ("Scanner", False)]
    assert raw(url, "SELECT COUNT(*) FROM category WHERE active = ?", True if url.startswith("postgres") else 1) \
        == [(len(dump(url)[1]) - 4,)]
    assert "Printing" not in settings.categories()                    # offered for no new incident
    with pytest.raises(ValidationError, match="Unknown category 'Printing'"):
        log(desk)
    assert "Printing" in settings.category_names()                     # filters and metrics still know it
    desk.incidents.edit_incident(actor=admin, key=used.key, changes={"title": "Still editable"},
                                 expected_version=used.version)
    assert raw(url, "SELECT category FROM incident WHERE id = ?", used.id) == [("Printing",)]
    entries = {(e.parent, e.name): (e.retired, e.incidents) for e in settings.category_entries()}
    assert entries[(None, "Printing")] == (True, 1) and entries[("Printing", "Printer")] == (True, 1)
    with pytest.raises(ValidationError, match="The category 'printing' exists"):
        settings.add_category(actor=admin, name="printing")            # retired names are still taken
    settings.retire_category(actor=admin, name="Printing", retired=False)
    assert settings.categories()["Printing"] == ["Print queue", "Printer", "Scanner"]
    settings.delete_category(actor=admin, name="Kiosk")                # with its subcategory
    assert raw(url, "SELECT COUNT(*) FROM category WHERE name IN ('Kiosk', 'Screen')") == [(0,)]
    assert [a[1:] for a in audit(url, "settings.categories.")][-4:] == [
        ("settings.categories.add", "Kiosk / Screen"), ("settings.categories.retire", "Printing"),
        ("settings.categories.unretire", "Printing"), ("settings.categories.delete", "Kiosk")]


@pytest.mark.parametrize("new, message", [
    ("  ", "A category name needs 1 to 100 characters."),
    ("y" * 101, "A category name needs 1 to 100 characters."),
    ("network", "The category 'network' exists."),
    ("Bad\nname", None),
])
def test_bad_category_names_are_refused_in_one_sentence_and_nothing_is_written(desk, url, new, message):
    log(desk)
    before = dump(url)
    with pytest.raises(ValidationError) as exc:
        desk.settings.rename_category(actor=desk.actor, name="Printing", new_name=new)
    text = str(exc.value)
    assert text == message if message else text.startswith("The category name contains control characters")
    assert text.count(". ") == 0 and text.endswith(".")
    with pytest.raises(ValidationError, match=r"^Printing already has 'scanner'\.$"):
        desk.settings.rename_category(actor=desk.actor, name="Printer", parent="Printing", new_name="scanner")
    with pytest.raises(NotFoundError, match=r"^There is no category 'Ghost'\.$"):
        desk.settings.rename_category(actor=desk.actor, name="Ghost", new_name="Spirit")
    assert dump(url) == before


@pytest.mark.parametrize("who", ["alex", "vic"])
def test_agents_and_viewers_are_refused_every_category_change(desk, url, who):
    actor, settings = desk.users.actor(who), desk.settings
    before = dump(url)[:3]
    for call in (lambda: settings.add_category(actor=actor, name="Sneaky"),
                 lambda: settings.rename_category(actor=actor, name="Printing", new_name="Sneaky"),
                 lambda: settings.retire_category(actor=actor, name="Printing"),
                 lambda: settings.delete_category(actor=actor, name="Facilities")):
        with pytest.raises(PermissionDenied, match="change categories"):
            call()
    assert dump(url)[:3] == before


def test_a_case_only_rename_is_allowed(desk, url):
    log(desk)
    desk.settings.rename_category(actor=desk.actor, name="Printing", new_name="PRINTING")
    assert raw(url, "SELECT DISTINCT category FROM incident") == [("PRINTING",)]
    assert desk.incidents.count_incidents(filters=IncidentFilter(categories=frozenset({"Printing"}))) == 1


def test_retired_services_have_a_stored_instant_that_survives_a_reopen(desk, url, clock):
    desk.communication.add_service(actor=desk.actor, name="Mail")
    desk.communication.retire_service(actor=desk.actor, name="Mail")
    clock.advance(days=1)
    again = open_desk(url, clock=clock)
    try:
        assert again.communication.get_service("Mail").retired
        assert again.communication.service_names() == []
    finally:
        again.close()


# ---- the JSON import: a service this desk already has under another id --------------------------------------

def test_json_import_maps_a_same_name_service_to_the_one_this_desk_has(url, clock, tmp_path):
    from incident_desk.services.desk import Desk
    from incident_desk.services.transfer.importer import ImportOptions
    from incident_desk.services.transfer.service import Transfer
    source = Desk.open(str(tmp_path / "source.db"), clock=clock)
    try:
        comm = source.communication
        comm.add_service(actor=source.actor, name="Kiosks", public=True, subscribers=["ops@example.org"])
        comm.add_service(actor=source.actor, name="Mail")
        inc = log(source, service="Mail")
        comm.announce(actor=source.actor, key=inc.key, state="investigating", message="Kiosks too.",
                      services=["Kiosks"])
        Transfer(source).export_json(tmp_path / "source.json")
    finally:
        source.close()
    target = open_desk(url, clock=clock)
    try:
        # This desk has 'KIOSKS' under id 2 and 'Payroll' under id 1, the ids the file gives Kiosks and Mail.
        target.communication.add_service(actor=target.actor, name="Payroll", description="ours")
        target.communication.add_service(actor=target.actor, name="KIOSKS", subscribers=["desk@example.org"])
        before = dict(raw(url, "SELECT name_key, id FROM business_service"))
        assert before == {"payroll": 1, "kiosks": 2}
        report = Transfer(target).import_file(ImportOptions(format="json", path=tmp_path / "source.json"))
        assert report.written
        rows = raw(url, "SELECT id, name, name_key, description, public FROM business_service ORDER BY id")
        assert [(r[0], r[1], r[3], bool(r[4])) for r in rows] == [
            (1, "Payroll", "ours", False), (2, "Kiosks", "", True), (3, "Mail", "", False)]
        assert sorted(raw(url, "SELECT service_id, address FROM service_subscriber")) == [
            (2, "desk@example.org"), (2, "ops@example.org")]
        assert raw(url, "SELECT incident_id, service_id FROM affected_service") == [(inc.id, 2)]
        assert target.communication.services_of(inc.key) == ["Mail", "Kiosks"]
        target.communication.add_service(actor=target.actor, name="Fax")   # the id sequence is past them all
        assert raw(url, "SELECT id FROM business_service WHERE name = 'Fax'") == [(4,)]
    finally:
        target.close()


def test_an_old_database_gets_the_owning_team_and_retirement_columns(tmp_path, clock):
    """Schema 15 on a file made before it: the columns are put back by the migration (SQLite's own ALTER)."""
    from incident_desk.services.desk import Desk
    from incident_desk.storage.migrations import STEPS, m015_service_catalog
    path = tmp_path / "old.db"
    desk = Desk.open(str(path), clock=clock)
    desk.communication.add_service(actor=desk.actor, name="Mail")
    desk.close()
    before = next(v for v, step in STEPS.items() if step is m015_service_catalog.upgrade) - 1
    con = sqlite3.connect(path)
    # SQLite cannot drop a column with a foreign key: the table is made again as schema 14 had it.
    columns = ("id, name, name_key, description, public, override_state, override_reason, override_by_id, "
               "override_at, created_at, updated_at")
    con.executescript("PRAGMA foreign_keys = OFF; CREATE TABLE old_service (id INTEGER NOT NULL PRIMARY KEY, "
                      "name VARCHAR(200) NOT NULL, name_key VARCHAR(200) NOT NULL UNIQUE, description TEXT NOT NULL, "
                      "public INTEGER NOT NULL, override_state VARCHAR(32), override_reason TEXT, "
                      "override_by_id INTEGER, override_at INTEGER, created_at INTEGER NOT NULL, "
                      f"updated_at INTEGER NOT NULL); INSERT INTO old_service SELECT {columns} FROM business_service; "
                      "DROP TABLE business_service; "
                      "ALTER TABLE old_service RENAME TO business_service; "
                      f"UPDATE schema_info SET value = '{before}' WHERE key = 'schema_version';")
    con.close()
    desk = Desk.open(str(path), clock=clock)
    try:
        desk.users.add_user(actor=desk.actor, username="lena", display_name="Lena", role="lead", team="Ops")
        desk.communication.set_service_team(actor=desk.actor, name="Mail", team="Ops")
        desk.communication.retire_service(actor=desk.actor, name="Mail")
    finally:
        desk.close()
    columns = {r[1] for r in raw(str(path), "PRAGMA table_info(business_service)")}
    assert {"team_id", "retired_at"} <= columns
    assert raw(str(path), "SELECT s.name, t.name, s.retired_at IS NOT NULL FROM business_service s "
                          "JOIN team t ON t.id = s.team_id") == [("Mail", "Ops", 1)]

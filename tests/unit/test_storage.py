"""open_database: schema versions, migrations with a backup, refusals, and the hot query shapes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from peewee import SqliteDatabase

from incident_desk.domain.incident import IncidentFilter, Sort, Status
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage import queries
from incident_desk.storage.database import StorageError, Store, open_database
from incident_desk.storage.migrations import CURRENT_VERSION, m001_initial, set_version
from tests.conftest import T0


@pytest.fixture
def any_desk(desk):
    """The query tests below on each backend (the file tests above are SQLite's own)."""
    return desk


def make_version_1_file(path):
    """Exactly what release 1 wrote: only step 1 of the schema, plus one incident and its event."""
    db = SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    store = Store(db=db, url=str(path), backend="sqlite", path=path)
    with db.atomic():
        m001_initial.upgrade(store)
        set_version(store, 1)
    db.execute_sql("INSERT INTO incident (key, title, description, category, reporter_name, reporter_contact, "
                   "channel, impact, urgency, priority, priority_overridden, status, opened_at, updated_at, "
                   "reopen_count, hold_s, hold_bh_s, version, response_breached, resolve_breached) VALUES "
                   "('INC-000001', 'Old printer report', '', 'Printing', 'Ann', '', 'phone', 2, 2, 3, 0, 10, "
                   "1700000000, 1700000000, 0, 0, 0, 1, 0, 0)")
    db.execute_sql("INSERT INTO event (incident_id, at, kind, new_value) VALUES (1, 1700000000, 'created', 'x')")
    db.close()


def test_fresh_database_is_at_the_current_version_in_wal_mode(db_path):
    store = open_database(db_path)
    assert store.db.execute_sql("SELECT value FROM schema_info WHERE key='schema_version'").fetchone()[0] == \
        str(CURRENT_VERSION)
    assert store.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    store.close()


def test_version_1_file_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "old.db"
    make_version_1_file(path)
    assert "escalation_level" not in {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(incident)")}
    store = open_database(path)
    assert store.backup_path is not None and store.backup_path.exists()
    backup = sqlite3.connect(store.backup_path)
    assert backup.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0] == "1"
    assert backup.execute("SELECT title FROM incident").fetchone()[0] == "Old printer report"
    columns = {r[1] for r in store.db.execute_sql("PRAGMA table_info(incident)")}
    assert "escalation_level" in columns
    assert {"escalation", "notification", "watcher"} <= set(store.db.get_tables())
    version = store.db.execute_sql("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0]
    assert version == str(CURRENT_VERSION)
    store.close()
    desk = Desk.open(str(path))  # and the old incident works with the new code
    inc = desk.incidents.get_incident("INC-000001")
    assert inc.title == "Old printer report" and inc.escalation_level == 0
    desk.incidents.transition(actor=desk.actor, key=inc.key, to="acknowledged")
    desk.close()


def test_a_migrated_file_matches_a_fresh_one(tmp_path):
    old = tmp_path / "old.db"
    make_version_1_file(old)
    open_database(old).close()
    open_database(tmp_path / "new.db").close()

    def shape(path):
        con = sqlite3.connect(path)
        cols = {t: sorted(r[1] for r in con.execute(f"PRAGMA table_info('{t}')"))
                for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        idx = sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'"))
        return cols, idx
    assert shape(old) == shape(tmp_path / "new.db")


def test_newer_schema_is_refused_and_left_alone(db_path):
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE schema_info SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match="newer Incident Desk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_not_a_database(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("hello, I am a text file\n")
    with pytest.raises(StorageError, match="not an Incident Desk database"):
        open_database(text)
    assert text.read_text() == "hello, I am a text file\n"
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE songs (title TEXT)").connection.commit()
    with pytest.raises(StorageError, match="not an Incident Desk database"):
        open_database(foreign)
    with pytest.raises(StorageError, match="is a folder"):
        open_database(tmp_path)
    with pytest.raises(StorageError, match="does not exist"):
        open_database(tmp_path / "missing" / "desk.db")


def _seed(desk, n=60):
    for i in range(n):
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title=f"Report {i % 7}", category="Network", impact=["high", "medium", "low"][i % 3],
            urgency=["high", "medium", "low"][i // 3 % 3], assignee=None))
        desk.clock.advance(minutes=i % 4)  # ties in opened_at on purpose
        if i % 5 == 0:
            desk.incidents.transition(actor=desk.actor, key=f"INC-{i + 1:06d}", to="acknowledged")


@pytest.mark.parametrize("column", ["key", "priority", "status", "title", "opened_at", "updated_at",
                                    "resolve_due_at", "resolved_at", "assignee", "category"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_equal_one_big_page(any_desk, column, descending):
    desk = any_desk
    _seed(desk)
    sort = Sort(column, descending)
    everything = desk.incidents.list_incidents(sort=sort, limit=1000)
    pages, after = [], None
    while True:
        page = desk.incidents.list_incidents(sort=sort, limit=7, after=after)
        if not page:
            break
        pages += page
        after = (page[-1].sort_value(column), page[-1].id)
    assert [r.id for r in pages] == [r.id for r in everything]
    # reading backwards from the end gives the same rows in reverse
    back = desk.incidents.list_incidents(sort=sort, limit=1000, reverse=True)
    assert [r.id for r in back] == [r.id for r in reversed(everything)]
    # and positions agree with the list
    row = everything[23]
    assert desk.incidents.position_of(key=row.key, filters=IncidentFilter(), sort=sort) == 23


@pytest.mark.sqlite_only  # SQLite's query plans (EXPLAIN QUERY PLAN)
def test_hot_queries_use_indexes(desk):
    _seed(desk, 20)
    store = desk.store
    plan = queries.explain_list(store, IncidentFilter(), Sort("opened_at", True))
    assert "TEMP B-TREE" not in plan, plan
    plan = queries.explain_list(store, IncidentFilter(statuses=frozenset({Status.NEW})), Sort("opened_at", True))
    assert "TEMP B-TREE" not in plan and "status" in plan, plan
    plan = queries.explain_list(store, IncidentFilter(text="printer"), Sort("opened_at", True))
    assert "incident_fts VIRTUAL TABLE" in plan and "LIST SUBQUERY" in plan, plan
    plan = queries.explain_list(store, IncidentFilter(), Sort("opened_at", True), after=(1, 5))
    assert "SEARCH i USING" in plan and "INDEX" in plan, plan
    # The page's rows themselves are read by primary key.
    plan = queries.explain_list(store, IncidentFilter(statuses=frozenset({Status.NEW})), Sort("opened_at", True),
                                whole=True)
    assert "SEARCH i USING INTEGER PRIMARY KEY" in plan and "LIST SUBQUERY" in plan, plan


@pytest.mark.parametrize("text", ['"', "*", "AND (", "'; DROP TABLE incident; --", "NEAR(a b)", "title:x",
                                  "^start", "a OR", "-x", "😀", "مرحبا", "\x00\x01", "  "])
def test_search_text_is_never_syntax(any_desk, text):
    desk = any_desk
    _seed(desk, 3)
    desk.incidents.list_incidents(filters=IncidentFilter(text=text))
    desk.incidents.count_incidents(filters=IncidentFilter(text=text))
    desk.incidents.similar_open(text)
    assert desk.incidents.count_incidents() == 3


def test_breaching_filter(any_desk, clock):
    desk = any_desk
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Core switch down", category="Network", impact="high", urgency="high"))
    now = clock()
    assert desk.incidents.count_incidents(filters=IncidentFilter(breaching=True, breach_at=now)) == 0
    later = now + timedelta(minutes=16)  # P1 response target is 15 minutes
    assert desk.incidents.count_incidents(filters=IncidentFilter(breaching=True, breach_at=later)) == 1
    assert inc.response_due_at == now + timedelta(minutes=15)


@pytest.mark.sqlite_only  # the walk is the SQLite search's own strategy
def test_dense_search_walks_the_sort_index_and_returns_the_same_rows(desk, monkeypatch):
    from incident_desk.services.demo import DemoGenerator
    DemoGenerator(desk.store, clock=desk.clock, settings=desk.settings).generate(actor=desk.actor, count=4000,
                                                                                 days=60)
    monkeypatch.setattr(queries, "DENSE_MATCHES", 50)
    for column in ("opened_at", "priority", "assignee", "title"):
        filt = IncidentFilter(text="printer")
        assert queries._dense_text(desk.store, filt)
        plan = queries.explain_list(desk.store, filt, Sort(column, True))
        dense = desk.incidents.list_incidents(filters=filt, sort=Sort(column, True), limit=300)
        monkeypatch.setattr(queries, "DENSE_MATCHES", 10**9)
        sparse = desk.incidents.list_incidents(filters=filt, sort=Sort(column, True), limit=300)
        monkeypatch.setattr(queries, "DENSE_MATCHES", 50)
        assert [r.id for r in dense] == [r.id for r in sparse] and len(dense) > 50, plan
    assert desk.incidents.count_incidents(filters=IncidentFilter(text="printer")) == \
        desk.incidents.count_incidents(filters=IncidentFilter(text="printer", opened_from=T0.replace(year=2000)))


def test_acknowledged_range_and_open_at_filters(any_desk, clock):
    desk = any_desk
    a = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Mail down", category="Email"))
    clock.advance(hours=1)
    desk.incidents.transition(actor=desk.actor, key=a.key, to="acknowledged")
    acked = clock()
    clock.advance(hours=1)
    desk.incidents.transition(actor=desk.actor, key=a.key, to="resolved", resolution_code="fixed")
    resolved = clock()
    b = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Phone dead", category="Telephony"))
    clock.advance(hours=1)
    desk.incidents.transition(actor=desk.actor, key=b.key, to="cancelled", cancel_reason="works again")

    def keys(**kw):
        return {r.key for r in desk.incidents.list_incidents(filters=IncidentFilter(**kw))}
    assert keys(acknowledged_from=acked, acknowledged_to=acked + timedelta(seconds=1)) == {a.key}
    assert keys(acknowledged_to=acked) == set()
    assert keys(open_at=resolved - timedelta(minutes=1)) == {a.key}
    assert keys(open_at=resolved + timedelta(minutes=1)) == {b.key}  # b opened at the resolution instant
    assert keys(open_at=clock() + timedelta(minutes=1)) == set()


@pytest.mark.parametrize("typed", ["INC-000007", "inc-7", "INC-7", "7", "#7", "  INC-000007  "])
def test_the_search_box_finds_an_incident_by_its_key(desk, typed):
    _seed(desk, 12)
    rows = desk.incidents.list_incidents(filters=IncidentFilter(text=typed))
    assert "INC-000007" in [r.key for r in rows]
    assert desk.incidents.count_incidents(filters=IncidentFilter(text=typed)) == len(rows)


def test_a_key_search_still_honours_the_other_filters(desk):
    _seed(desk, 12)
    key_only = desk.incidents.list_incidents(filters=IncidentFilter(text="INC-000007"))
    status = key_only[0].status
    other = next(s for s in Status if s != status)
    assert desk.incidents.count_incidents(filters=IncidentFilter(text="INC-000007",
                                                                 statuses=frozenset({other}))) == 0
    assert desk.incidents.count_incidents(filters=IncidentFilter(text="INC-999999")) == 0


@pytest.mark.parametrize("typed", ["0", "INC-000000", "INC-", "#", "##7", "INC-9999999999999", "999999999999",
                                   "-7", "7.0", "INC 7", "\u0667", "INC-\U0001F600"])
def test_key_like_hostile_search_text_is_never_an_error(desk, typed):
    _seed(desk, 8)
    rows = desk.incidents.list_incidents(filters=IncidentFilter(text=typed))
    assert desk.incidents.count_incidents(filters=IncidentFilter(text=typed)) == len(rows)

"""The same services on PostgreSQL: schema creation, lifecycle, search, paging and conflicts."""

from __future__ import annotations

import os

import pytest

from incident_desk.domain.incident import IncidentFilter, Sort, Status
from incident_desk.services.desk import Desk
from incident_desk.services.errors import ConflictError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.storage.database import StorageError, open_database
from tests.team_tools import TEAM_ADMIN, TEAM_PASSWORD, ensure_team, open_desk

pytestmark = pytest.mark.postgres


def test_lifecycle_on_postgres(pg_url, clock):
    desk = open_desk(pg_url, clock=clock)
    try:
        assert desk.store.backend == "postgres"
        keys = []
        for n in range(12):
            inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                title=f"VPN drops for user {n}", category="Network", impact="high", urgency=["high", "low"][n % 2],
                description="Happens after lunch"))
            keys.append(inc.key)
            clock.advance(minutes=1)
        desk.incidents.transition(actor=desk.actor, key=keys[0], to="acknowledged")
        desk.incidents.comment(actor=desk.actor, key=keys[1], text="Firmware 4.2 suspected")
        assert [r.key for r in desk.incidents.list_incidents(filters=IncidentFilter(text="firmware"))] == [keys[1]]
        assert desk.incidents.count_incidents(filters=IncidentFilter(text="VPN lunch")) == 12
        assert desk.incidents.count_incidents(filters=IncidentFilter(text="'; DROP TABLE incident; --")) == 0
        # A key typed into the search box finds that incident on PostgreSQL too.
        number = str(int(keys[3].split("-")[1]))
        found = [r.key for r in desk.incidents.list_incidents(filters=IncidentFilter(text="#" + number))]
        assert keys[3] in found  # (and whatever mentions that number in its text)
        sort = Sort("resolve_due_at", descending=False)
        everything = desk.incidents.list_incidents(sort=sort, limit=100)
        pages, after = [], None
        while page := desk.incidents.list_incidents(sort=sort, limit=5, after=after):
            pages += page
            after = (page[-1].sort_value("resolve_due_at"), page[-1].id)
        assert [r.id for r in pages] == [r.id for r in everything]
        inc = desk.incidents.get_incident(keys[0])
        assert inc.status == Status.ACKNOWLEDGED and inc.acknowledged_at is not None
        other = Desk.on_store(desk.store, clock=clock, username=TEAM_ADMIN, password=TEAM_PASSWORD)
        other.incidents.edit_incident(actor=other.actor, key=inc.key, expected_version=inc.version,
                                      changes={"title": "VPN drops after lunch"})
        with pytest.raises(ConflictError):
            desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                         changes={"title": "mine"})
    finally:
        desk.close()
    reopened = open_database(pg_url)  # a second open finds the schema at the current version
    reopened.close()


def test_bad_postgres_urls_are_one_sentence():
    with pytest.raises(StorageError, match="names no database"):
        open_database("postgresql://user@127.0.0.1:1/")
    with pytest.raises(StorageError):
        open_database("postgresql://user@127.0.0.1:1/nothing_listens_here")


def test_cli_process_on_postgres_loads_the_driver_on_demand(pg_url, tmp_path):
    """A fresh process imports peewee without psycopg2 (see storage.pg_driver) and still works on PostgreSQL."""
    import json
    import subprocess
    import sys

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "incident_desk", "--db", pg_url, "--user", TEAM_ADMIN, *args],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path),
                                   "INCIDENT_DESK_PASSWORD": TEAM_PASSWORD})
        assert done.returncode == 0, done.stderr
        return done.stdout

    ensure_team(pg_url)
    cli("log", "--title", "Printer on floor 3 jams", "--category", "Hardware")
    rows = json.loads(cli("list", "--json"))
    assert [r["title"] for r in rows] == ["Printer on floor 3 jams"]


def _server_error(url: str, *statements: str, holder: str | None = None) -> BaseException:
    """The error the real server gives for the last of ``statements`` (``holder`` runs first on a second
    connection that keeps its transaction open, as another desk would)."""
    import psycopg2
    other = psycopg2.connect(url) if holder else None
    con = psycopg2.connect(url)
    try:
        if other is not None:
            other.cursor().execute(holder)
        cur = con.cursor()
        for statement in statements[:-1]:
            cur.execute(statement)
        with pytest.raises(psycopg2.Error) as caught:
            cur.execute(statements[-1])
        return caught.value
    finally:
        con.close()
        if other is not None:
            other.close()


def test_postgres_errors_are_classified_by_their_sqlstate_from_the_real_server(pg_url):
    """Each kind the desk explains to a person, raised by the server itself (its SQLSTATE, whatever the
    server's message language), and the sentence the person reads."""
    import psycopg2

    from incident_desk.storage.database import error_kind, translate_error
    setup = psycopg2.connect(pg_url)
    setup.autocommit = True
    setup.cursor().execute("CREATE TABLE kinds (name varchar(4))")
    setup.close()
    read_only = _server_error(pg_url, "SET TRANSACTION READ ONLY", "INSERT INTO kinds VALUES ('x')")
    locked = _server_error(pg_url, "SET lock_timeout = '50ms'", "SELECT * FROM kinds",
                           holder="LOCK TABLE kinds IN ACCESS EXCLUSIVE MODE")
    cancelled = _server_error(pg_url, "SET statement_timeout = '50ms'", "SELECT pg_sleep(5)")
    too_long = _server_error(pg_url, "INSERT INTO kinds VALUES ('longer than four')")
    assert [(e.pgcode, error_kind(e)) for e in (read_only, locked, cancelled, too_long)] == [
        ("25006", "read-only"), ("55P03", "locked"), ("57014", "locked"), ("22001", "too-long")]
    with pytest.raises(psycopg2.OperationalError) as unreachable:
        psycopg2.connect("postgresql://nobody@127.0.0.1:1/none", connect_timeout=5)
    assert error_kind(unreachable.value) == "connection"
    assert error_kind(_server_error(pg_url, "SELECT * FROM no_such_table")) is None  # the driver's own words
    assert str(translate_error(read_only)) == "The database is read-only; nothing was changed."
    assert str(translate_error(locked)).startswith("The database is locked by another program for longer than")

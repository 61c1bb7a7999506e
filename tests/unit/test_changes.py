"""ChangeFeed reports commits of other connections, not its own, and never on the first poll."""

from __future__ import annotations

import pytest

from incident_desk.services.changes import ChangeFeed
from incident_desk.services.incidents import IncidentDraft

# SQLite's data_version polling; PostgreSQL's LISTEN/NOTIFY feed is tests/integration/test_notify_triggers.py.
pytestmark = pytest.mark.sqlite_only


def test_first_poll_is_a_baseline(desk):
    feed = ChangeFeed(desk.store)
    assert feed.supported
    assert feed.poll() is False
    assert feed.poll() is False


def test_own_writes_do_not_count(desk):
    feed = ChangeFeed(desk.store)
    feed.poll()
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="Own write", category="Email"))
    assert feed.poll() is False


def test_another_connection_commit_is_seen_once(desk, backend, clock):
    feed = ChangeFeed(desk.store)
    feed.poll()
    other = backend.open()
    try:
        other.incidents.log_incident(actor=other.actor, draft=IncidentDraft(title="From elsewhere", category="Email"))
    finally:
        other.close()
    assert feed.poll() is True
    assert feed.poll() is False


def test_raw_sqlite_commit_is_seen(desk, backend):
    feed = ChangeFeed(desk.store)
    feed.poll()
    con = backend.connect()
    con.execute("UPDATE incident SET title = title WHERE 0")  # a commit that changes nothing still counts
    con.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    con.commit()
    con.close()
    assert feed.poll() is True


def test_postgres_store_never_reports(desk):
    class FakePg:
        is_sqlite = False
        is_team = True

        def data_version(self):  # pragma: no cover - must not be called
            raise AssertionError("PostgreSQL has no data_version")

    feed = ChangeFeed(FakePg())
    assert feed.supported is False
    assert feed.poll() is False
    assert feed.listener is not None and not feed.listener.connected  # LISTEN/NOTIFY instead, when asked

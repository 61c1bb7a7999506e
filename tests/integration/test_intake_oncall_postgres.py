"""The intake, its lock and on-call rotations on PostgreSQL (schema 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg2
import pytest

from incident_desk.domain.intake import parse_alertmanager, parse_pagerduty
from incident_desk.services.clock import ManualClock
from incident_desk.storage.intake_queries import IntakeLock
from tests.team_tools import open_desk

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_intake_and_oncall_on_postgres(pg_url):
    clock = ManualClock(NOW)
    desk = open_desk(pg_url, clock=clock)  # a team database: signed in as its admin
    other = open_desk(pg_url, clock=clock)
    try:
        a = desk.actor
        desk.users.add_user(actor=a, username="ann", display_name="Ann", role="agent", team="Ops")
        desk.users.add_user(actor=a, username="bob", display_name="Bob", role="lead", team="Ops")
        desk.oncall.set_rotation(actor=a, team="Ops", users=["ann", "bob"], every="1d", start="2026-11-01T09:00",
                                 tz="Europe/Berlin")
        assert desk.oncall.who("Ops", NOW).user == "bob"   # 10:00 Berlin on day 1 of the rotation
        payload = {"version": "4", "groupKey": "g", "alerts": [
            {"status": "firing", "labels": {"alertname": "Down", "team": "Ops", "severity": "critical"},
             "fingerprint": "pgfp"}]}
        assert [o.action for o in desk.intake.accept(parse_alertmanager(payload))] == ["opened"]
        assert [o.action for o in desk.intake.accept(parse_alertmanager(payload))] == ["fired_again"]
        alert, _ = parse_pagerduty({"event_action": "trigger", "dedup_key": "k",
                                    "payload": {"summary": "s", "source": "x", "severity": "info"}})
        [[first], [second]] = desk.intake.accept_batch([[alert], [alert]])
        assert (first.action, second.action) == ("opened", "fired_again")
        clock.advance(minutes=1)
        raised = desk.escalation.scan()
        assert [(r["rule"], r["recipients"]) for r in raised] == [("p1-oncall-1m", ["bob"])]
        lock, again = IntakeLock(desk.store), IntakeLock(other.store)
        assert lock.acquire() and not again.acquire()
        lock.release()
        assert again.acquire()
        again.release()
    finally:
        other.close()
        desk.close()
    con = psycopg2.connect(pg_url)
    with con.cursor() as cur:
        cur.execute("SELECT i.channel, i.priority, i.team_name, a.fired FROM alert_key a JOIN incident i "
                    "ON i.id = a.incident_id WHERE a.dedup_key = 'alertmanager:pgfp'")
        assert cur.fetchall() == [("monitoring", 1, "Ops", 2)]
    con.close()

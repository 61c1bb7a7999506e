"""Stakeholder communication on PostgreSQL: services and their state, announce, the reminder once, the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from incident_desk.reports.statuspage import publish_desk
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft

pytestmark = pytest.mark.postgres


def test_communication_on_postgres(pg_url, tmp_path):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    clock = ManualClock(start)
    desk = Desk.open(pg_url, clock=clock)
    try:
        a = desk.actor
        desk.users.add_user(actor=a, username="sam", display_name="Sam Planted", role="agent")
        comm = desk.communication
        comm.add_service(actor=a, name="Web Shop", public=True, subscribers=["news@example.org"])
        comm.add_service(actor=a, name="Ledger")
        inc = desk.incidents.log_incident(actor=a, draft=IncidentDraft(
            title="Checkout fails", category="Software", impact="high", urgency="high", service="web shop",
            assignee="sam", reporter_contact="pia@example.net"))
        comm.announce(actor=a, key=inc.key, state="investigating", message="Payments fail.", services=["Ledger"])
        assert {s.name: s.state.value for s in comm.list_services()} == {"Ledger": "major_outage",
                                                                         "Web Shop": "major_outage"}
        comm.override(actor=a, name="Ledger", state="under_maintenance", reason="migration")
        comm.set_major(actor=a, key=inc.key)
        clock.set(start + timedelta(minutes=25))
        desk.escalation.scan()
        desk.escalation.scan()
        publish_desk(desk, tmp_path)
        status = json.loads((tmp_path / "status.json").read_text())
        assert [(s["name"], s["state"]) for s in status["services"]] == [("Web Shop", "major_outage")]
        assert status["incidents"][0]["updates"][0]["message"] == "Payments fail."
        assert sorted(comm.distribution(inc.key).recipients) == ["news@example.org", "pia@example.net"]
    finally:
        desk.close()
    con = psycopg2.connect(pg_url)
    try:
        cur = con.cursor()
        cur.execute("SELECT u.username, n.due_at FROM notification n JOIN \"user\" u ON u.id = n.user_id "
                    "WHERE n.kind = 'communication'")
        assert cur.fetchall() == [("sam", int(start.timestamp()) + 30 * 60)]
        cur.execute("SELECT major, reminded_due_at FROM incident_comms")
        assert cur.fetchall() == [(True, int(start.timestamp()) + 30 * 60)]
    finally:
        con.close()

"""Three signed-in desks (agent, agent, lead) in three processes on one PostgreSQL database at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.services.clock import ManualClock
from incident_desk.services.incidents import IncidentDraft
from tests.reliability.reliability_tools import assert_overlapped, run_team
from tests.team_tools import open_desk
from tests.team_tools import pg_rows as _rows

pytestmark = pytest.mark.postgres
TEAM = {"ana": ("agent", "ana-pass-1"), "ben": ("agent", "ben-pass-1"), "lena": ("lead", "lena-pass-1")}
EDITS = 24


def test_three_processes_lose_nothing_report_conflicts_notify_once_and_hear_each_other(pg_url):
    # Logged an hour ago (the desk's clock set back), so the P1s are overdue for the processes' real clocks.
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    admin = open_desk(pg_url, clock=ManualClock(an_hour_ago))
    try:
        for name, (role, password) in TEAM.items():
            admin.users.add_user(actor=admin.actor, username=name, role=role, team="Service Desk", password=password)
        admin.users.set_team_lead(actor=admin.actor, team="Service Desk", username="lena")
        shared = [admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(
            title=f"Shared {n}", category="Software", impact="low", urgency="low")).key for n in range(2)]
        for n in range(12):
            admin.incidents.log_incident(actor=admin.actor, draft=IncidentDraft(
                title=f"Outage {n}", category="Network", impact="high", urgency="high", assignee="ana",
                team="Service Desk"))
    finally:
        admin.close()
    keys = ",".join(shared)
    reports = run_team(*[(pg_url, name, password, keys, EDITS) for name, (_role, password) in TEAM.items()])
    assert_overlapped(reports)
    assert [r["errors"] for r in reports] == [[], [], []]
    # No lost update: every token a process saved is in the description exactly once, and nothing else is.
    for key in shared:
        [(description,)] = _rows(pg_url, "SELECT description FROM incident WHERE id = %s", int(key.split("-")[1]))
        found = re.findall(r"\[[a-z]+:\d+\]", description)
        saved = [t for r in reports for t in r["saved"][key]]
        assert sorted(found) == sorted(saved) and len(found) == len(set(found))
    assert sum(len(r["saved"][k]) for r in reports for k in shared) == 3 * EDITS
    # Each conflict was reported (a ConflictError, then a retry): attempts = saves + conflicts.
    for r in reports:
        assert r["attempts"] == EDITS + r["conflicts"]
    assert sum(r["conflicts"] for r in reports) > 0  # (dozens per run: three desks on two incidents)
    # Every escalation fired once (raised by exactly one process) and notified each recipient once.
    raised = [tuple(x) for r in reports for x in r["raised"]]
    assert raised and len(raised) == len(set(raised))
    assert _rows(pg_url, "SELECT count(*) FROM escalation") == [(len(raised),)]
    assert _rows(pg_url, "SELECT escalation_id, user_id, count(*) FROM notification WHERE escalation_id IS NOT NULL "
                         "GROUP BY escalation_id, user_id HAVING count(*) > 1") == []
    assert _rows(pg_url, "SELECT count(*) FROM escalation e WHERE NOT EXISTS "
                         "(SELECT 1 FROM notification n WHERE n.escalation_id = e.id)") == [(0,)]
    # And each process heard of the others' changes through LISTEN/NOTIFY (its own are never reported).
    for r in reports:
        assert {"event", "incident"} <= set(r["heard"]), r["worker"]

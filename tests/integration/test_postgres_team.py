"""A team on one PostgreSQL database: desks in several processes escalate once, claim alerts once, lose no update."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0
from tests.reliability.reliability_tools import assert_overlapped, run_together, run_updaters
from tests.team_tools import open_desk
from tests.team_tools import pg_rows as _rows

pytestmark = pytest.mark.postgres


def _team(url: str, clock) -> Desk:
    desk = open_desk(url, clock=clock)
    admin = desk.actor
    desk.users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    desk.users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Service Desk")
    desk.users.set_team_lead(actor=admin, team="Service Desk", username="lena")
    return desk


def _overdue_p1s(url: str, clock, count: int) -> None:
    desk = _team(url, clock)
    try:
        for i in range(count):
            desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                title=f"Overdue {i}", category="Hardware", impact="high", urgency="high", assignee="alex",
                team="Service Desk"))
    finally:
        desk.close()


def test_two_desks_on_postgres_raise_each_escalation_once(pg_url, clock):
    """PostgreSQL has no database-wide write lock: the second desk starts once the first has committed
    its first batch, in the first's pause, so their batches interleave and each raises some; together,
    each escalation exactly once."""
    count = 40
    _overdue_p1s(pg_url, clock, count)
    now = (T0 + timedelta(minutes=6)).isoformat()
    # Pauses long enough that a desk starved of CPU (a loaded CI machine) still starts while the other is
    # half way: 8 batches x 300 ms give the second desk 2.4 s to find work.
    reports = run_together(("escalate", pg_url, now, 5, 300, 0), ("escalate", pg_url, now, 5, 300, -1))
    assert_overlapped(reports)
    mine = [[tuple(r) for r in report["raised"]] for report in reports]
    assert all(mine), f"one desk raised nothing: {[len(m) for m in mine]}"
    raised = mine[0] + mine[1]
    assert len(raised) == len(set(raised)) == count
    assert _rows(pg_url, "SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM escalation") == [(count, count)]
    assert _rows(pg_url, "SELECT COUNT(*), COUNT(DISTINCT escalation_id) FROM notification "
                         "WHERE escalation_id IS NOT NULL") == [(count, count)]
    assert _rows(pg_url, "SELECT COUNT(*) FROM event WHERE kind = 'escalation'") == [(count,)]
    assert _rows(pg_url, "SELECT MIN(escalation_level), MAX(escalation_level) FROM incident") == [(1, 1)]
    # A third scan at the same instant finds nothing left to raise.
    again = open_desk(pg_url, clock=clock)
    try:
        assert again.escalation.scan(T0 + timedelta(minutes=6)) == []
    finally:
        again.close()


def test_desks_scanning_the_same_batch_on_postgres_raise_it_once(pg_url, clock):
    """Three desks released at the same instant read the same due incidents before any commits: the
    claims' unique key lets one desk raise each escalation; the others' claims find it taken."""
    count = 30
    _overdue_p1s(pg_url, clock, count)
    now = (T0 + timedelta(minutes=6)).isoformat()
    reports = run_together(*[("escalate", pg_url, now, 10, 20)] * 3)
    assert_overlapped(reports)
    raised = [tuple(r) for report in reports for r in report["raised"]]
    assert len(raised) == len(set(raised)) == count
    assert _rows(pg_url, "SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM escalation") == [(count, count)]
    assert _rows(pg_url, "SELECT COUNT(*) FROM notification WHERE escalation_id IS NOT NULL") == [(count,)]
    assert _rows(pg_url, "SELECT COUNT(*) FROM event WHERE kind = 'escalation'") == [(count,)]
    assert _rows(pg_url, "SELECT MAX(escalation_level) FROM incident") == [(1,)]


def test_alerts_on_postgres_are_claimed_once_by_two_desks(pg_url, clock):
    desk = _team(pg_url, clock)
    try:
        lena = desk.users.actor("lena")
        for n in range(60):
            desk.incidents.log_incident(actor=lena, draft=IncidentDraft(
                title=f"Mail down on floor {n}", category="Email", assignee="alex"))
        pending = sorted(n.id for n in desk.notifications.pending_alerts("alex", limit=1000))
    finally:
        desk.close()
    assert len(pending) == 60
    reports = run_together(("claim", pg_url, "alex", "asc", 5), ("claim", pg_url, "alex", "desc", 5))
    assert_overlapped(reports)
    first, second = (set(r["claimed"]) for r in reports)
    assert first and second, (len(first), len(second))
    assert not first & second and first | second == set(pending)
    assert _rows(pg_url, "SELECT COUNT(*) FROM notification WHERE alerted_at IS NULL") == [(0,)]


def test_concurrent_updates_on_postgres_lose_nothing(pg_url, clock):
    """Three processes append tokens to the same two incidents with the optimistic lock: every saved
    token is in the text once, in each writer's order, and the version counts every save."""
    keys = []
    desk = open_desk(pg_url, clock=clock)
    try:
        for n in range(2):
            keys.append(desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                title=f"Shared incident {n}", category="Network")).key)
    finally:
        desk.close()
    ready, outcomes = run_updaters(*[("loop", pg_url, f"w{n}", ",".join(keys), 30) for n in range(3)])
    assert ready == ["ready"] * 3
    assert [o["errors"] for o in outcomes] == [[], [], []]
    for key in keys:
        saved = [t for o in outcomes for t in o["saved"][key]]
        assert len(saved) == 3 * 30 // len(keys)
        [(inc_id, version, description)] = _rows(
            pg_url, "SELECT id, version, description FROM incident WHERE key = %s", key)
        for token in saved:
            assert description.count(token) == 1, f"{token} lost from {key}"
        for o in outcomes:
            assert sorted(o["saved"][key], key=description.index) == o["saved"][key]
        assert version == 1 + len(saved)
        assert _rows(pg_url, "SELECT COUNT(*) FROM event WHERE incident_id = %s AND kind = 'field' "
                             "AND field = 'description'", inc_id) == [(len(saved),)]


def test_simultaneous_saves_on_postgres_one_wins_the_rest_conflict(pg_url, clock):
    desk = open_desk(pg_url, clock=clock)
    try:
        key = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title="Contended", category="Network")).key
    finally:
        desk.close()
    read, outcomes = run_updaters(*[("race", pg_url, f"w{n}", key) for n in range(3)])
    assert read == ["read 1"] * 3  # all read the same version before anyone wrote
    winners = [o for o in outcomes if o["result"] == "saved"]
    assert len(winners) == 1, outcomes
    for o in outcomes:
        if o is not winners[0]:
            assert o["result"] == "conflict" and o["current"] == 2, o
            assert "was changed by" in o["message"] and "nothing was saved" in o["message"]
    assert _rows(pg_url, "SELECT title, version FROM incident WHERE key = %s", key) == [
        (f"Won by {winners[0]['worker']}", 2)]

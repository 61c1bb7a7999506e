"""The escalation engine on a real SQLite file: once per rule and cycle, recipients, catch-up, races."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from incident_desk.domain.escalation import DEFAULT_ESCALATION_POLICY, EscalationPolicy, EscalationRule, Recipient
from incident_desk.domain.incident import Status
from incident_desk.domain.sla import DEFAULT_POLICY, SlaPolicy, SlaTarget
from incident_desk.services.clock import ManualClock
from incident_desk.services.errors import ConflictError, PermissionDenied, ValidationError
from incident_desk.services.incidents import IncidentDraft
from tests.conftest import T0
from tests.reliability.reliability_tools import assert_overlapped, run_together

ROOT = Path(__file__).resolve().parents[2]


def log_p1(desk, *, title="Printer on fire", assignee=None, opened_at=None, impact="high", urgency="high"):
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title=title, category="Hardware", impact=impact, urgency=urgency, assignee=assignee, opened_at=opened_at))


def rows(backend, sql, *params):
    con = backend.connect()
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def at(minutes=0, hours=0):
    return T0 + timedelta(minutes=minutes, hours=hours)


# ---------------------------------------------------------------- once per rule

def test_each_rule_fires_exactly_once_at_its_due_time(desk, clock, backend):
    inc = log_p1(desk)
    assert desk.escalation.next_escalation_of(inc.id) == at(5)
    assert desk.escalation.scan(at(5) - timedelta(seconds=1)) == []
    [first] = desk.escalation.scan(at(5))
    assert (first["rule"], first["level"], first["due_at"]) == ("p1-unack-5m", 1, at(5).isoformat())
    assert desk.escalation.scan(at(5)) == []
    assert desk.escalation.scan(at(14)) == []
    assert sorted(r["rule"] for r in desk.escalation.scan(at(15))) == ["p1-unack-15m", "response-100"]
    for minute in (15, 16, 30, 60):
        assert desk.escalation.scan(at(minute)) == []
    assert rows(backend, "SELECT rule_key, cycle, level FROM escalation ORDER BY id") == [
        ("p1-unack-5m", 0, 1), ("p1-unack-15m", 0, 2), ("response-100", 0, 2)]
    current = desk.incidents.get_incident(inc.key)
    assert current.escalation_level == 2
    escalations = [e for e in desk.incidents.timeline(inc.key) if e.kind == "escalation"]
    assert len(escalations) == 3
    assert any(e.new_value == "level 2" and "15 minutes" in e.note for e in escalations)


def test_level_raise_bumps_the_version_so_an_open_editor_learns_of_it(desk):
    inc = log_p1(desk)
    desk.escalation.scan(at(6))
    after = desk.incidents.get_incident(inc.key)
    assert after.version == inc.version + 1
    with pytest.raises(ConflictError) as err:
        desk.incidents.edit_incident(actor=desk.actor, key=inc.key, expected_version=inc.version,
                                     changes={"title": "Printer really on fire"})
    assert err.value.current_version == after.version


def test_acknowledged_in_time_never_escalates_for_acknowledgement(desk, clock):
    inc = log_p1(desk)
    clock.advance(minutes=3)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.ACKNOWLEDGED)
    assert desk.escalation.scan(at(20)) == []
    raised = desk.escalation.scan(at(hours=3, minutes=3))  # 75 % of 4 h after opening
    assert [r["rule"] for r in raised] == ["resolution-75"]


def test_catch_up_after_a_night_raises_each_due_rule_once_with_its_real_due_time(desk, backend):
    inc = log_p1(desk)
    morning = at(hours=23)  # the desk was closed overnight
    raised = desk.escalation.scan(morning)
    due = {r["rule"]: r["due_at"] for r in raised}
    assert due == {"p1-unack-5m": at(5).isoformat(), "p1-unack-15m": at(15).isoformat(),
                   "response-100": at(15).isoformat(), "resolution-75": at(hours=3).isoformat(),
                   "resolution-100": at(hours=4).isoformat()}
    assert all(r["fired_at"] == morning.isoformat() for r in raised)
    assert desk.escalation.scan(morning) == []
    assert desk.escalation.scan(morning + timedelta(days=3)) == []
    assert rows(backend, "SELECT COUNT(*) FROM escalation")[0][0] == 5
    assert desk.incidents.get_incident(inc.key).escalation_level == 3  # 5 min, 15 min, 100 %
    # Notifications carry the real due time too.
    stored = rows(backend, "SELECT DISTINCT due_at FROM notification WHERE kind = 'escalation' ORDER BY due_at")
    assert stored[0][0] == int(at(5).timestamp())


def test_on_hold_pauses_resolution_escalations_and_reopen_starts_a_new_cycle(desk, clock):
    inc = log_p1(desk)
    clock.advance(minutes=1)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.ACKNOWLEDGED)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.IN_PROGRESS)
    clock.advance(minutes=59)
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.ON_HOLD, hold_reason="vendor")
    assert desk.escalation.next_escalation_of(inc.id) is None  # nothing runs while held
    assert desk.escalation.scan(at(hours=10)) == []
    clock.set(at(hours=10))
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.IN_PROGRESS)
    # 1 h used before the hold; 75 % of 4 h is reached 2 h after resuming.
    assert desk.escalation.next_escalation_of(inc.id) == at(hours=12)
    assert [r["rule"] for r in desk.escalation.scan(at(hours=12))] == ["resolution-75"]
    clock.set(at(hours=12, minutes=30))
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.RESOLVED, resolution_code="fixed")
    assert desk.escalation.next_escalation_of(inc.id) is None
    clock.set(at(hours=14))
    desk.incidents.transition(actor=desk.actor, key=inc.key, to=Status.IN_PROGRESS)  # reopened
    # 3.5 h were used when it was resolved: past 75 % already (due at the reopen), 100 % after 30 min.
    raised = desk.escalation.scan(at(hours=14, minutes=10))
    assert [(r["rule"], r["cycle"], r["due_at"]) for r in raised] == [("resolution-75", 1, at(hours=14).isoformat())]
    assert [(r["rule"], r["cycle"]) for r in desk.escalation.scan(at(hours=14, minutes=30))] == \
        [("resolution-100", 1)]


# ---------------------------------------------------------------- recipients

def test_recipients_team_lead_manager_assignee(team_desk, backend):
    desk = team_desk
    log_p1(desk, assignee="alex")
    raised = {r["rule"]: r["recipients"] for r in desk.escalation.scan(at(hours=5))}
    assert raised["p1-unack-5m"] == ["lena"]           # Service Desk's lead
    assert raised["p1-unack-15m"] == ["max"]           # manager on duty
    assert raised["resolution-75"] == ["alex"]         # the assignee
    assert raised["resolution-100"] == ["lena"]
    assert raised["response-100"] == ["alex", "lena"]
    per_user = dict(rows(backend, 'SELECT u.username, COUNT(*) FROM notification n JOIN "user" u '
                                  "ON u.id = n.user_id WHERE n.kind = 'escalation' GROUP BY u.username"))
    assert per_user == {"lena": 3, "max": 1, "alex": 2}
    assert desk.notifications.unread_count("lena") == 3


def test_unassigned_without_team_goes_to_admins_and_nobody_twice(team_desk, backend):
    desk = team_desk
    policy = EscalationPolicy(name="Doubled", rules=(EscalationRule(
        key="dup", description="Twice the same person", trigger="unacknowledged_after", threshold=60,
        recipients=(Recipient("person", "lena"), Recipient("team", "Service Desk"), Recipient("team_lead")),
        priorities=frozenset()),))
    desk.policies.set_escalation_policy(actor=desk.actor, policy=policy)
    log_p1(desk)  # no assignee, no team: the team lead is nobody
    [item] = desk.escalation.scan(at(2))
    assert item["recipients"] == ["lena", "alex"]
    assert rows(backend, "SELECT COUNT(*) FROM notification WHERE escalation_id IS NOT NULL")[0][0] == 2
    fallback = EscalationPolicy(name="Lead only", rules=(EscalationRule(
        key="lead", description="Lead of nobody", trigger="unacknowledged_after", threshold=60,
        recipients=(Recipient("team_lead"),)),))
    desk.policies.set_escalation_policy(actor=desk.actor, policy=fallback)
    log_p1(desk, title="Second")
    raised = desk.escalation.scan(at(3))
    admins = [u["username"] for u in desk.users.list_users() if u["role"] == "admin"]
    assert [r["recipients"] for r in raised if r["rule"] == "lead"] == [admins, admins]


def test_single_user_desk_gets_every_escalation(desk):
    inc = log_p1(desk)
    raised = desk.escalation.scan(at(hours=5))
    assert {tuple(r["recipients"]) for r in raised} == {(desk.actor.username,)}
    # Besides the escalations, the P1's "public update due" reminder (issue 18's cadence), once.
    kinds = [n.kind for n in desk.notifications.inbox(desk.actor)]
    assert sorted(kinds) == ["communication"] + ["escalation"] * 5 and len(raised) == 5
    assert all(n.incident_key == inc.key for n in desk.notifications.inbox(desk.actor))


# ---------------------------------------------------------------- the schedule

@pytest.mark.sqlite_only  # SQLite's query plan (EXPLAIN QUERY PLAN); PostgreSQL's planner is not guarded here
def test_scan_reads_only_due_candidates_through_the_schedule_index(desk, backend):
    for i in range(5):
        log_p1(desk, title=f"Incident {i}", impact="low", urgency="low")  # P4/P5: slow targets
    plan = desk.escalation.explain_scan(at(1))
    assert "ix_incident_next_escalation" in plan and "SCAN incident" not in plan
    nexts = rows(backend, "SELECT next_escalation_at FROM incident")
    assert all(n is None or n > int(at(1).timestamp()) for (n,) in nexts)


def test_rows_written_without_a_schedule_are_evaluated_on_the_first_scan(desk, backend):
    inc = log_p1(desk)
    con = backend.connect()
    con.execute("UPDATE incident SET next_escalation_at = 0")  # as a bulk loader leaves them
    con.commit()
    con.close()
    assert [r["rule"] for r in desk.escalation.scan(at(6))] == ["p1-unack-5m"]
    assert desk.escalation.next_escalation_of(inc.id) == at(15)


def test_a_broken_row_is_skipped_and_retried_not_fatal(desk, backend):
    bad = log_p1(desk, title="Broken history")
    good = log_p1(desk, title="Fine")
    con = backend.connect()
    con.execute("INSERT INTO event (incident_id, at, kind, new_value) VALUES (?, ?, 'status', 'exploded')",
                (bad.id, int(at(1).timestamp())))
    con.commit()
    con.close()
    raised = desk.escalation.scan(at(6))
    assert [r["incident"] for r in raised] == [good.key]
    assert desk.escalation.next_escalation_of(bad.id) == at(6) + timedelta(minutes=5)


# ---------------------------------------------------------------- policies

def test_sla_policy_change_recomputes_open_incidents_in_batches(team_desk, clock, backend):
    desk = team_desk
    keys = [log_p1(desk, title=f"Open {i}").key for i in range(5)]
    done = log_p1(desk, title="Done")
    desk.incidents.transition(actor=desk.actor, key=done.key, to=Status.ACKNOWLEDGED)
    desk.incidents.transition(actor=desk.actor, key=done.key, to=Status.RESOLVED, resolution_code="fixed")
    before_done = rows(backend, "SELECT resolve_due_at FROM incident WHERE key = ?", done.key)
    targets = dict(DEFAULT_POLICY.targets)
    targets[list(targets)[0]] = SlaTarget(response_s=600, resolve_s=2 * 3600)  # P1: 10 min / 2 h
    policy = SlaPolicy(name="Tighter", calendar=DEFAULT_POLICY.calendar, targets=targets)
    seen = []
    with pytest.raises(PermissionDenied):
        desk.policies.set_sla_policy(actor=desk.users.actor("alex"), policy=policy)
    count = desk.policies.set_sla_policy(actor=desk.users.actor("lena"), policy=policy, batch_size=2,
                                         progress=seen.append)
    assert count == 5 and seen == [2, 4, 5]
    for key in keys:
        [(response_due, resolve_due, nxt)] = rows(
            backend, "SELECT response_due_at, resolve_due_at, next_escalation_at FROM incident WHERE key = ?", key)
        assert response_due == int(at(10).timestamp())
        assert resolve_due == int(at(hours=2).timestamp())
        assert nxt == int(at(5).timestamp())
    assert rows(backend, "SELECT resolve_due_at FROM incident WHERE key = ?", done.key) == before_done
    # A second desk (another process's view) notices the change at its next scan.
    other = backend.open(clock=ManualClock(T0))
    try:
        assert other.settings.sla_policy().name == "Tighter"
        assert {r["rule"] for r in other.escalation.scan(at(11))} >= {"response-100"}
    finally:
        other.close()


def test_escalation_policy_set_checks_role_and_rejects_hostile_input(team_desk):
    desk = team_desk
    with pytest.raises(PermissionDenied):
        desk.policies.set_escalation_policy(actor=desk.users.actor("alex"), policy=DEFAULT_ESCALATION_POLICY)
    for hostile in ({"name": "x", "rules": "DROP TABLE incident"},
                    {"name": "", "rules": []},
                    {"name": "x", "rules": [{"key": "../../etc", "description": "d", "trigger": "unacknowledged_after",
                                             "threshold": 5, "recipients": [{"kind": "person", "name": "a"}]}]},
                    {"name": "x", "rules": [{"key": "a", "description": "d", "trigger": "resolution_fraction",
                                             "threshold": 1e9, "recipients": [{"kind": "assignee"}]}]},
                    ["not", "a", "policy"]):
        with pytest.raises(ValidationError):
            desk.policies.set_escalation_policy(actor=desk.actor, policy=hostile)
    assert desk.policies.escalation_policy() == DEFAULT_ESCALATION_POLICY
    n = desk.policies.set_escalation_policy(actor=desk.users.actor("lena"),
                                            policy=DEFAULT_ESCALATION_POLICY.to_dict())
    assert n == 0


# ---------------------------------------------------------------- two desks, two processes

@pytest.mark.sqlite_only  # PostgreSQL's race: tests/integration/test_postgres_team.py
def test_two_processes_racing_on_one_file_produce_one_escalation_each(team_desk, backend):
    """Two desks released together by a barrier scan the same due incidents in small batches: their
    scans overlap, each raises some, and together they raise each escalation exactly once."""
    desk = team_desk
    count = 60
    for i in range(count):
        log_p1(desk, title=f"Overdue {i}", assignee="alex" if i % 2 else "sam")
    desk.close()
    reports = run_together(*[("escalate", backend, at(6).isoformat(), 10, 150)] * 2)
    assert_overlapped(reports)
    mine = [[tuple(r) for r in report["raised"]] for report in reports]
    assert all(mine), f"one desk raised nothing: {[len(m) for m in mine]}"
    raised = mine[0] + mine[1]
    assert len(raised) == len(set(raised)) == count
    assert {rule for _, rule, _ in raised} == {"p1-unack-5m"}
    assert rows(backend, "SELECT COUNT(*), COUNT(DISTINCT incident_id) FROM escalation") == [(count, count)]
    # One notification per recipient per escalation: each incident's team lead, once.
    assert rows(backend, "SELECT COUNT(*), COUNT(DISTINCT escalation_id) FROM notification "
                         "WHERE escalation_id IS NOT NULL") == [(count, count)]
    assert rows(backend, "SELECT COUNT(*) FROM event WHERE kind = 'escalation'")[0][0] == count
    assert rows(backend, "SELECT MIN(escalation_level), MAX(escalation_level) FROM incident") == [(1, 1)]

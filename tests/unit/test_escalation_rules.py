"""Escalation rules: when each default rule becomes due, cycles, catch-up and policy storage."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.domain.escalation import (
    DEFAULT_ESCALATION_POLICY,
    DueEscalation,
    EscalationPolicy,
    EscalationRule,
    IncidentSnapshot,
    Recipient,
    due_escalations,
    next_escalation_at,
    rule_due_at,
    without_on_call,
)
from incident_desk.domain.incident import DomainError, Priority, Status
from incident_desk.domain.sla import DEFAULT_POLICY, compute_clocks

UTC = UTC
H = 3600
OPENED = datetime(2024, 6, 3, 10, tzinfo=UTC)  # Monday, inside business hours


def at(minutes: float = 0, hours: float = 0) -> datetime:
    return OPENED + timedelta(minutes=minutes, hours=hours)


# The team in these snapshots has no on-call rotation: the policy applies without its on-call rules
# (tests/unit/test_oncall_escalation.py covers a team with one).
NO_ROTATION = without_on_call(DEFAULT_ESCALATION_POLICY)


def evaluate(priority=Priority.P1, history=(), now=None, *, level=0, already_fired=(),
             policy=NO_ROTATION, opened_at=OPENED) -> list[DueEscalation]:
    history = list(history)
    status = history[-1][1] if history else Status.NEW
    reopens = sum(1 for (_, a), (_, b) in zip(history, history[1:])
                  if a == Status.RESOLVED and b == Status.IN_PROGRESS)
    clocks = compute_clocks(DEFAULT_POLICY, priority=priority, opened_at=opened_at,
                            history=history, now=now)
    snapshot = IncidentSnapshot(id=42, key="INC-000042", priority=priority, status=status,
                                opened_at=opened_at, reopen_count=reopens, assignee="ann",
                                team="network", escalation_level=level)
    return due_escalations(policy, snapshot, clocks, now, already_fired=already_fired)


def keys(due: list[DueEscalation]) -> list[str]:
    return [d.rule.key for d in due]


ACKED = [(at(1), Status.ACKNOWLEDGED), (at(2), Status.IN_PROGRESS)]


# ---------------------------------------------------------------- unacknowledged rules

def test_nothing_is_due_for_a_fresh_p1():
    assert evaluate(now=at(5) - timedelta(seconds=1)) == []


def test_p1_unacknowledged_five_minutes_goes_to_the_team_lead():
    [due] = evaluate(now=at(5))
    assert due.rule.key == "p1-unack-5m"
    assert due.due_at == at(5)
    assert due.cycle == 0
    assert due.rule.recipients == (Recipient("team_lead"),)
    assert due.rule.raise_level and due.level_after_raise == 1
    assert due.dedup_key == (42, "p1-unack-5m", 0)
    assert due.summary == "INC-000042: P1 not acknowledged after 5 minutes."


def test_p1_unacknowledged_fifteen_minutes_goes_to_the_manager_and_response_is_breached():
    due = evaluate(now=at(15))
    assert keys(due) == ["p1-unack-5m", "p1-unack-15m", "response-100"]
    assert [d.due_at for d in due] == [at(5), at(15), at(15)]
    manager = due[1]
    assert manager.rule.recipients == (Recipient("manager"),) and manager.rule.severity == "critical"
    # Levels climb in due order; the response breach does not raise.
    assert [d.level_after_raise for d in due] == [1, 2, 2]


def test_already_fired_rules_are_skipped_and_levels_continue():
    due = evaluate(now=at(15), level=1, already_fired={("p1-unack-5m", 0)})
    assert keys(due) == ["p1-unack-15m", "response-100"]
    assert due[0].level_after_raise == 2


def test_unacknowledged_rule_does_not_fire_once_acknowledged_in_time():
    assert evaluate(history=[(at(4), Status.ACKNOWLEDGED)], now=at(hours=1)) == []


def test_unacknowledged_rule_does_not_fire_late_after_acknowledgement():
    # The engine slept through the 5-minute mark; by the time it runs the incident is acknowledged.
    due = evaluate(history=[(at(10), Status.ACKNOWLEDGED)], now=at(20))
    assert "p1-unack-5m" not in keys(due) and "response-100" not in keys(due)


def test_p2_unacknowledged_thirty_minutes():
    assert evaluate(Priority.P2, now=at(29)) == []
    due = evaluate(Priority.P2, now=at(30))
    assert keys(due) == ["p2-unack-30m", "response-100"]
    assert due[0].due_at == at(30) and not due[0].rule.raise_level
    assert due[0].level_after_raise == 0
    assert due[1].rule.recipients == (Recipient("assignee"), Recipient("team_lead"))


def test_lower_priorities_have_no_unacknowledged_rules():
    assert evaluate(Priority.P3, now=at(hours=2)) == []
    assert evaluate(Priority.P5, now=at(hours=200)) == []


def test_catch_up_reports_the_real_due_instants():
    due = evaluate(now=at(hours=3))
    assert [(d.rule.key, d.due_at) for d in due] == [
        ("p1-unack-5m", at(5)), ("p1-unack-15m", at(15)), ("response-100", at(15)),
        ("resolution-75", at(hours=3))]


# ---------------------------------------------------------------- response and resolution fractions

def test_business_hours_response_breach_for_p3():
    friday = datetime(2024, 6, 7, 16, tzinfo=UTC)
    assert evaluate(Priority.P3, now=datetime(2024, 6, 10, 9, 59, tzinfo=UTC), opened_at=friday) == []
    [due] = evaluate(Priority.P3, now=datetime(2024, 6, 10, 12, tzinfo=UTC), opened_at=friday)
    assert due.rule.key == "response-100"
    assert due.due_at == datetime(2024, 6, 10, 10, tzinfo=UTC)  # 2 h Friday + 2 h Monday


def test_resolution_three_quarters_warns_the_assignee():
    assert evaluate(history=ACKED, now=at(hours=3) - timedelta(seconds=1)) == []
    [due] = evaluate(history=ACKED, now=at(hours=3))
    assert due.rule.key == "resolution-75"
    assert due.rule.recipients == (Recipient("assignee"),)
    assert not due.rule.raise_level and due.rule.severity in {"info", "warning"}
    assert due.due_at == at(hours=3)


def test_resolution_breach_goes_to_the_team_lead_and_raises():
    due = evaluate(history=ACKED, now=at(hours=4))
    assert keys(due) == ["resolution-75", "resolution-100"]
    breach = due[1]
    assert breach.due_at == at(hours=4)
    assert breach.rule.recipients == (Recipient("team_lead"),)
    assert breach.rule.severity == "critical" and breach.level_after_raise == 1


def test_resolution_catch_up_hours_later():
    due = evaluate(history=ACKED, now=at(hours=14))
    assert [(d.rule.key, d.due_at) for d in due] == [("resolution-75", at(hours=3)),
                                                     ("resolution-100", at(hours=4))]


def test_hold_postpones_resolution_rules():
    history = ACKED + [(at(hours=2), Status.ON_HOLD), (at(hours=6), Status.IN_PROGRESS)]
    assert evaluate(history=history, now=at(hours=6, minutes=30)) == []
    [due] = evaluate(history=history, now=at(hours=7))
    assert due.rule.key == "resolution-75" and due.due_at == at(hours=7)


def test_on_hold_incident_past_the_mark_still_escalates():
    history = ACKED + [(at(hours=3, minutes=30), Status.ON_HOLD)]
    due = evaluate(history=history, now=at(hours=10))
    assert keys(due) == ["resolution-75"] and due[0].due_at == at(hours=3)


def test_business_hours_resolution_warning_for_p3():
    friday = datetime(2024, 6, 7, 16, tzinfo=UTC)
    history = [(friday + timedelta(minutes=10), Status.ACKNOWLEDGED)]
    due = evaluate(Priority.P3, history=history, now=datetime(2024, 6, 12, 9, tzinfo=UTC), opened_at=friday)
    assert keys(due) == ["resolution-75"]
    assert due[0].due_at == datetime(2024, 6, 12, 8, 30, tzinfo=UTC)  # 22.5 business hours


@pytest.mark.parametrize("final", [Status.RESOLVED, Status.CLOSED, Status.CANCELLED])
def test_nothing_fires_for_incidents_that_are_not_open(final):
    history = [(at(30), Status.ACKNOWLEDGED), (at(hours=5), Status.RESOLVED)]
    if final == Status.CLOSED:
        history.append((at(hours=6), Status.CLOSED))
    if final == Status.CANCELLED:
        history = [(at(30), Status.CANCELLED)]
    assert evaluate(history=history, now=at(hours=20)) == []


# ---------------------------------------------------------------- cycles

REOPENED = ACKED + [(at(hours=3, minutes=30), Status.RESOLVED), (at(hours=10), Status.IN_PROGRESS)]


def test_reopen_starts_a_new_cycle_for_resolution_rules():
    due = evaluate(history=REOPENED, now=at(hours=10))
    assert [(d.rule.key, d.cycle, d.due_at) for d in due] == [("resolution-75", 1, at(hours=10))]
    assert due[0].dedup_key == (42, "resolution-75", 1)


def test_reopened_clock_breaches_from_where_it_stopped():
    due = evaluate(history=REOPENED, now=at(hours=10, minutes=30),
                   already_fired={("resolution-75", 0), ("resolution-75", 1)})
    assert [(d.rule.key, d.cycle, d.due_at) for d in due] == [("resolution-100", 1, at(hours=10, minutes=30))]


def test_firing_in_cycle_zero_does_not_silence_cycle_one():
    due = evaluate(history=REOPENED, now=at(hours=10), already_fired={("resolution-75", 0)})
    assert keys(due) == ["resolution-75"]


def test_response_rules_belong_to_cycle_zero():
    rule = DEFAULT_ESCALATION_POLICY.rule("p1-unack-5m")
    snapshot = IncidentSnapshot(id=1, key="INC-000001", priority=Priority.P1, status=Status.NEW,
                                opened_at=OPENED, reopen_count=3)
    clocks = compute_clocks(DEFAULT_POLICY, priority=Priority.P1, opened_at=OPENED, history=[], now=at(6))
    [due] = due_escalations(NO_ROTATION, snapshot, clocks, at(6))
    assert due.rule == rule and due.cycle == 0


# ---------------------------------------------------------------- helpers

def test_rule_due_at_and_next_escalation():
    snapshot = IncidentSnapshot(id=1, key="INC-000001", priority=Priority.P1, status=Status.NEW, opened_at=OPENED)
    clocks = compute_clocks(DEFAULT_POLICY, priority=Priority.P1, opened_at=OPENED, history=[], now=at(1))
    assert rule_due_at(DEFAULT_ESCALATION_POLICY.rule("p1-unack-15m"), snapshot, clocks) == at(15)
    assert rule_due_at(DEFAULT_ESCALATION_POLICY.rule("response-100"), snapshot, clocks) is None
    assert next_escalation_at(DEFAULT_ESCALATION_POLICY, snapshot, clocks, at(1)) == at(5)
    assert next_escalation_at(DEFAULT_ESCALATION_POLICY, snapshot, clocks, at(5)) == at(15)

    held = IncidentSnapshot(id=1, key="INC-000001", priority=Priority.P1, status=Status.ON_HOLD, opened_at=OPENED)
    history = ACKED + [(at(hours=1), Status.ON_HOLD)]
    held_clocks = compute_clocks(DEFAULT_POLICY, priority=Priority.P1, opened_at=OPENED, history=history,
                                 now=at(hours=2))
    assert next_escalation_at(DEFAULT_ESCALATION_POLICY, held, held_clocks, at(hours=2)) is None


def test_naive_now_is_rejected():
    snapshot = IncidentSnapshot(id=1, key="k", priority=Priority.P1, status=Status.NEW, opened_at=OPENED)
    clocks = compute_clocks(DEFAULT_POLICY, priority=Priority.P1, opened_at=OPENED, history=[], now=at(5))
    with pytest.raises(DomainError, match="time zone"):
        due_escalations(DEFAULT_ESCALATION_POLICY, snapshot, clocks, datetime(2024, 6, 3, 11))


# ---------------------------------------------------------------- policy storage and validation

def test_default_policy_rules():
    rules = {r.key: r for r in DEFAULT_ESCALATION_POLICY.rules}
    assert set(rules) == {"p1-oncall-1m", "p2-oncall-10m", "p1-unack-5m", "p1-unack-15m", "p2-unack-30m",
                          "resolution-75", "resolution-100", "response-100"}
    assert rules["p1-oncall-1m"].recipients == (Recipient("on_call"),) and rules["p1-oncall-1m"].threshold == 60
    assert {r.key for r in NO_ROTATION.rules} == set(rules) - {"p1-oncall-1m", "p2-oncall-10m"}
    assert rules["p1-unack-5m"].threshold == 300 and rules["p1-unack-15m"].threshold == 900
    assert rules["p2-unack-30m"].priorities == frozenset({Priority.P2})
    assert rules["resolution-75"].priorities == frozenset()  # every priority
    assert rules["resolution-75"].per_cycle and not rules["response-100"].per_cycle
    assert rules["p1-unack-5m"].describe_trigger() == "not acknowledged after 5 min"
    assert rules["resolution-75"].describe_trigger() == "75 % of the resolution target"


def test_policy_round_trips_through_json():
    data = json.loads(json.dumps(DEFAULT_ESCALATION_POLICY.to_dict()))
    assert EscalationPolicy.from_dict(data) == DEFAULT_ESCALATION_POLICY
    custom = EscalationPolicy(name="Night", rules=(
        EscalationRule(key="p3-late", description="P3 slow", trigger="resolution_fraction", threshold=0.5,
                       recipients=(Recipient("person", "bob"), Recipient("team", "db")),
                       priorities=frozenset({Priority.P3, Priority.P4}), severity="info"),))
    assert EscalationPolicy.from_dict(json.loads(json.dumps(custom.to_dict()))) == custom


def _rule(**overrides) -> dict:
    data = DEFAULT_ESCALATION_POLICY.rule("p1-unack-5m").to_dict()
    data.update(overrides)
    return data


@pytest.mark.parametrize("data, message", [
    ({"name": "", "rules": []}, "needs a name"),
    ({"name": "x", "rules": [_rule(), _rule()]}, "share the key"),
    ({"name": "x", "rules": [_rule(trigger="whenever")]}, "unknown trigger"),
    ({"name": "x", "rules": [_rule(severity="panic")]}, "unknown severity"),
    ({"name": "x", "rules": [_rule(recipients=[])]}, "notifies nobody"),
    ({"name": "x", "rules": [_rule(recipients=[{"kind": "pager"}])]}, "Unknown recipient kind"),
    ({"name": "x", "rules": [_rule(recipients=[{"kind": "person"}])]}, "needs a name"),
    ({"name": "x", "rules": [_rule(recipients=[{"kind": "assignee", "name": "bob"}])]}, "takes no name"),
    ({"name": "x", "rules": [_rule(threshold=-5)]}, "positive threshold"),
    ({"name": "x", "rules": [_rule(trigger="resolution_fraction", threshold=75)]}, "fraction of the target"),
    ({"name": "x", "rules": [_rule(key="Has Spaces")]}, "not valid"),
    ({"name": "x", "rules": [_rule(description=" ")]}, "needs a description"),
    ({"name": "x", "rules": [_rule(priorities=["P7"])]}, "Unknown priority"),
    ({"name": "x", "rules": [_rule(priorities="P1")]}, "must be a list"),
    ({"name": "x", "rules": "all"}, "must be a list"),
    ([], "JSON object"),
])
def test_policy_validation(data, message):
    with pytest.raises(DomainError, match=message):
        EscalationPolicy.from_dict(data)


def test_unknown_rule_lookup():
    with pytest.raises(DomainError, match="no rule 'nope'"):
        DEFAULT_ESCALATION_POLICY.rule("nope")


def test_recipient_descriptions():
    assert Recipient("team_lead").describe() == "team lead"
    assert Recipient("team_lead", "db").describe() == "lead of team db"
    assert Recipient("manager").describe() == "manager on duty"
    assert Recipient("person", "bob").describe() == "bob"

"""Each headline figure against the previous period of equal length: hand-computed from two periods of
incidents, the same in the service, its JSON and the CLI's text; and the SLA policy's compliance target."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.cli import metrics as cli_metrics
from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import Status
from incident_desk.domain.sla import SlaPolicy
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 11, 4, tzinfo=UTC)          # "Last 4 weeks" on 1 December: 28 whole days with today
END = NOW + timedelta(seconds=1)                   # an open period ends just after now
PREVIOUS_START = START - (END - START)             # 2026-10-07 11:59:59
H = 3600


def build_two_periods(desk, clock) -> None:
    """Three incidents in the previous period and four in the current one (one resolved across the
    boundary), every step at a hand-chosen instant.

    previous: A P2 ack 1 h, resolved 4 h (met); B P2 ack 2 h, resolved 10 h (P2's 8 h missed);
              C P3 ack 1 h, still open at the boundary.
    current:  C resolved after 21 days (missed); D P2 ack 0.5 h, resolved 6 h (met); E P2 ack 1 h,
              resolved 5 h (met); F P2 ack 3.5 h, open; G P4 new, open.
    """
    admin = desk.actor
    keys = {}
    ACK, RESOLVED = Status.ACKNOWLEDGED, Status.RESOLVED  # noqa: N806 (short names keep one day a line)
    steps = [
        ((10, 12, 10, 0), "A", "P2"), ((10, 12, 11, 0), "A", ACK), ((10, 12, 14, 0), "A", RESOLVED),
        ((10, 14, 10, 0), "B", "P2"), ((10, 14, 12, 0), "B", ACK), ((10, 14, 20, 0), "B", RESOLVED),
        ((10, 20, 10, 0), "C", "P3"), ((10, 20, 11, 0), "C", ACK),
        ((11, 10, 9, 0), "D", "P2"), ((11, 10, 9, 30), "D", ACK),
        ((11, 10, 10, 0), "C", RESOLVED), ((11, 10, 15, 0), "D", RESOLVED),
        ((11, 12, 9, 0), "E", "P2"), ((11, 12, 10, 0), "E", ACK), ((11, 12, 14, 0), "E", RESOLVED),
        ((11, 20, 9, 0), "F", "P2"), ((11, 20, 12, 30), "F", ACK),
        ((11, 25, 9, 0), "G", "P4"),
    ]
    for (month, day, hour, minute), name, what in steps:
        clock.set(datetime(2026, month, day, hour, minute, tzinfo=UTC))
        if isinstance(what, Status):
            desk.incidents.transition(actor=admin, key=keys[name], to=what, resolution_code="fixed")
        else:  # a priority: log it
            keys[name] = desk.incidents.log_incident(actor=admin, draft=IncidentDraft(
                title=f"Incident {name}", category="Network", priority=what, override_reason="test")).key
    clock.set(NOW)


# Hand-computed figures (hours for durations, per cent for shares).
CURRENT = {"volume": 4, "backlog": 2, "mtta": (0.5 + 1 + 3.5) / 3, "mttr": (504 + 6 + 5) / 3,
           "sla": 100 * 2 / 3, "reopen": 0.0}
PREVIOUS = {"volume": 3, "backlog": 1, "mtta": (1 + 2 + 1) / 3, "mttr": (4 + 10) / 2, "sla": 50.0, "reopen": 0.0}
# What the cards and the CLI say: per cent of the previous value, points for shares.
EXPECTED = {"volume": ("▲ 33 %", ""), "backlog": ("▲ 100 %", "worse"), "mtta": ("▲ 25 %", "worse"),
            "mttr": ("▲ 2352 %", "worse"), "sla": ("▲ 16.7 pts", "better"), "reopen": ("= no change", "")}


@pytest.fixture
def two_periods(desk, clock):
    build_two_periods(desk, clock)
    return desk


def _cli(desk, *argv: str) -> str:
    parser = argparse.ArgumentParser(prog="incident-desk")
    cli_metrics.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["metrics", *argv])
    out = io.StringIO()
    assert args.func(desk, args, out=out) == 0
    return out.getvalue()


def test_the_previous_period_has_the_same_length_and_ends_where_this_one_begins(two_periods):
    report = MetricsService.for_desk(two_periods).refresh(dm.MetricsFilter(start=START))
    assert report.previous.start == int(PREVIOUS_START.timestamp())
    assert report.previous.end == int(START.timestamp())
    assert datetime.fromtimestamp(report.previous.start, UTC) == datetime(2026, 10, 7, 11, 59, 59, tzinfo=UTC)
    assert report.period_text() == "4 weeks"   # 27.5 days: the 28 days it touches


def test_each_change_is_the_hand_computed_one(two_periods):
    report = MetricsService.for_desk(two_periods).refresh(dm.MetricsFilter(start=START))
    prev = report.previous
    assert (prev.total, prev.open, prev.resolved, prev.acknowledged) == (3, 1, 2, 3)
    assert (report.total, report.open, report.resolved, report.acknowledged) == (4, 2, 3, 3)
    assert report.ttr.mean == pytest.approx(CURRENT["mttr"] * H) and prev.ttr.mean == pytest.approx(7 * H)
    assert report.tta.mean == pytest.approx(CURRENT["mtta"] * H)
    assert prev.tta.mean == pytest.approx(PREVIOUS["mtta"] * H)
    assert report.sla.pct == pytest.approx(CURRENT["sla"]) and prev.sla.pct == pytest.approx(50.0)
    changes = report.changes()
    for key in ("volume", "backlog", "mtta", "mttr"):
        expected = 100 * (CURRENT[key] - PREVIOUS[key]) / PREVIOUS[key]
        assert changes[key].amount == pytest.approx(expected), key
    assert changes["sla"].amount == pytest.approx(CURRENT["sla"] - 50.0)
    for key, (short, verdict) in EXPECTED.items():
        assert (changes[key].short(), changes[key].verdict) == (short, verdict), key
    assert changes["mttr"].describe("4 weeks") == "▲ 2352 % vs previous 4 weeks (worse)"


def test_the_cli_prints_and_returns_the_same_changes(two_periods):
    data = json.loads(_cli(two_periods, "--from", "2026-11-04", "--json"))
    previous = data["previous"]
    assert previous["from"] == "2026-10-07T11:59:59+00:00" and previous["to"] == "2026-11-04T00:00:00+00:00"
    assert previous["length"] == "4 weeks"
    assert previous["counts"]["total"] == 3 and previous["counts"]["open"] == 1
    assert previous["mttr_hours_mean"] == pytest.approx(7.0)
    assert previous["sla_compliance_pct"] == pytest.approx(50.0)
    change = previous["change"]
    assert change["volume"]["amount"] == pytest.approx(100 / 3) and change["volume"]["unit"] == "%"
    assert change["sla"]["unit"] == "pts" and change["sla"]["verdict"] == "better"
    assert change["mttr"]["text"] == "▲ 2352 % vs previous 4 weeks (worse)"
    text = _cli(two_periods, "--from", "2026-11-04")
    assert "Against the previous 4 weeks (2026-10-07 to 2026-11-03):" in text
    lines = {line.split()[0] + " " + line.split()[1]: line for line in text.splitlines() if " -> " in line}
    assert lines["Open backlog"].split() == ["Open", "backlog", "1", "->", "2", "▲", "100", "%", "(worse)"]
    assert lines["MTTR h"].split() == ["MTTR", "h", "7.0", "->", "171.7", "▲", "2352", "%", "(worse)"]
    assert lines["SLA compliance"].split()[3:] == ["50.0", "->", "66.7", "▲", "16.7", "pts", "(better)"]


def test_all_time_has_no_previous_period(two_periods):
    report = MetricsService.for_desk(two_periods).refresh()
    assert report.previous is None and report.changes() == {}
    assert json.loads(_cli(two_periods, "--json"))["previous"] is None
    assert "No previous period to compare with" in _cli(two_periods)


def test_filters_apply_to_the_previous_period_too(two_periods):
    p2 = dm.MetricsFilter(start=START, priorities=frozenset({"P2"}))
    report = MetricsService.for_desk(two_periods).refresh(p2)
    assert report.previous.total == 2 and report.total == 3       # A, B before; D, E, F now
    assert report.previous.open == 0 and report.open == 1


def test_the_compliance_target_comes_from_the_sla_policy(desk):
    report = MetricsService.for_desk(desk).refresh()
    assert report.sla_target_pct == 95.0   # the documented default
    policy = desk.settings.sla_policy()
    desk.policies.set_sla_policy(actor=desk.actor, policy=SlaPolicy(
        name=policy.name, calendar=policy.calendar, targets=policy.targets, compliance_target=0.9))
    report = MetricsService.for_desk(desk).refresh()
    assert report.sla_target_pct == 90.0 and report.to_dict()["sla_target_pct"] == 90.0
    # A policy stored before the target existed reads as the default.
    data = policy.to_dict()
    data.pop("compliance_target")
    assert SlaPolicy.from_dict(data).compliance_target == 0.95


@pytest.mark.parametrize("key,current,previous,short,verdict", [
    ("mttr", 3.2, 3.2 / 1.12, "▲ 12 %", "worse"),
    ("mtta", 90, 100, "▼ 10 %", "better"),
    ("sla", 97.0, 95.0, "▲ 2.0 pts", "better"),
    ("sla", 95.01, 95.0, "= no change", ""),
    ("reopen", 2.0, 5.0, "▼ 3.0 pts", "better"),
    ("backlog", 5, 0, "▲ from 0", "worse"),
    ("volume", 0, 0, "= no change", ""),
    ("volume", 110, 100, "▲ 10 %", ""),
    ("volume", 100.4, 100, "▲ 0.4 %", ""),
    ("mttr", None, 4.0, "no earlier figure", ""),
    ("mttr", 4.0, None, "no earlier figure", ""),
])
def test_change_words(key, current, previous, short, verdict):
    change = dm.Change(key, current, previous)
    assert (change.short(), change.verdict) == (short, verdict)


def test_period_words():
    assert [dm.period_text(s) for s in (86_400, 3 * 86_400 + 1, 28 * 86_400, 182 * 86_400 - 3600)] == \
        ["1 day", "4 days", "4 weeks", "26 weeks"]

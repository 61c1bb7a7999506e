"""The `metrics` sub-command: same figures as the service, strict dates, readable table and JSON."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from incident_desk.cli import metrics as cli_metrics
from incident_desk.domain.incident import Status
from incident_desk.services.errors import ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="incident-desk")
    subs = parser.add_subparsers(dest="command")
    cli_metrics.register(subs)
    return parser.parse_args(["metrics", *argv])


def _run(desk, *argv: str) -> str:
    args = _parse(*argv)
    out = io.StringIO()
    assert args.func(desk, args, out=out) == 0
    return out.getvalue()


@pytest.fixture
def small_desk(team_desk, clock):
    admin = team_desk.actor
    # One incident from 2009: "without --from/--to it covers all incidents, however old".
    old = team_desk.incidents.log_incident(actor=admin, draft=IncidentDraft(
        title="Old printer", category="Printing", opened_at=datetime(2009, 3, 2, 10, tzinfo=UTC)))
    clock.advance(hours=1)
    team_desk.incidents.transition(actor=admin, key=old.key, to=Status.ACKNOWLEDGED)
    for k in range(3):
        inc = team_desk.incidents.log_incident(actor=admin, draft=IncidentDraft(
            title=f"VPN {k}", category="Network", team="Network"))
        clock.advance(minutes=20)
        team_desk.incidents.transition(actor=admin, key=inc.key, to=Status.ACKNOWLEDGED)
        clock.advance(hours=2 + k)
        team_desk.incidents.transition(actor=admin, key=inc.key, to=Status.RESOLVED, resolution_code="fixed")
    clock.advance(days=1)
    return team_desk


def test_json_has_the_documented_shape_and_matches_the_service(small_desk):
    data = json.loads(_run(small_desk, "--json"))
    service = MetricsService.for_desk(small_desk).refresh().to_dict()
    assert data["counts"] == service["counts"]
    assert data["counts"]["total"] == 4 and data["counts"]["resolved"] == 3 and data["counts"]["open"] == 1
    assert data["period"]["from"].startswith("2009-03-02")
    for key in ("mean", "median", "p90"):
        assert data["mttr_hours"][key] == service["mttr_hours"][key]
        assert key in data["mtta_hours"]
    assert data["mttr_hours"]["median"] == pytest.approx(10 / 3)   # TTRs 2:20, 3:20, 4:20 from opening
    assert isinstance(data["sla_compliance_pct"], float)
    assert {"category": "Network", "count": 3} .items() <= next(
        c for c in data["by_category"] if c["category"] == "Network").items()
    assert {r["priority"] for r in data["by_priority"]} <= {"P1", "P2", "P3", "P4", "P5"}
    assert all("mttr_hours_mean" in r for r in data["by_priority"] + data["by_category"])
    assert data["series"] and {"start", "volume", "mttr_hours", "backlog"} <= set(data["series"][0])


def test_filters_and_grouping(small_desk, clock):
    today = clock().date()
    data = json.loads(_run(small_desk, "--json", "--team", "Network", "--by", "day",
                           "--from", (today - timedelta(days=2)).isoformat(), "--to", today.isoformat()))
    assert data["counts"]["total"] == 3 and data["period"]["by"] == "day"
    assert len(data["series"]) == 3
    assert json.loads(_run(small_desk, "--json", "--category", "Printing"))["counts"]["total"] == 1


def test_table_is_readable(small_desk):
    text = _run(small_desk)
    assert "MTTR" in text and "MTTA" in text and "Definitions:" in text
    assert "Left out of MTTR" in text and "Network" in text


@pytest.mark.parametrize("argv, message", [
    (("--from", "2026-13-01"), "is not a date"),
    (("--from", "02/11/2026"), "is not a date"),
    (("--to", "yesterday"), "is not a date"),
    (("--from", "2026-11-02", "--to", "2026-11-01"), "swap them"),
    (("--priority", "P9"), "Unknown priority"),
    (("--team", "Nobody"), "no team 'Nobody'"),
    (("--category", "Gardening"), "no category 'Gardening'"),
])
def test_bad_input_is_one_clear_sentence(small_desk, argv, message):
    args = _parse(*argv)
    with pytest.raises(ValidationError, match=message) as info:
        args.func(small_desk, args, out=io.StringIO())
    assert str(info.value).count(". ") == 0 and str(info.value).endswith(".")

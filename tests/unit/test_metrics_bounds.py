"""A series has at most 3,000 points: a longer period is grouped more coarsely, and the report says so."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from incident_desk.domain.metrics import MetricsFilter
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService
from tests.reliability.reliability_tools import run_cli


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


@pytest.fixture
def metrics(desk, clock):
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Old one", category="Network", opened_at=datetime(1971, 3, 1, tzinfo=UTC)))
    desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(title="New one", category="Network"))
    return MetricsService.for_desk(desk)


def test_days_over_decades_become_weeks_and_say_so(metrics):
    start, end = date(1970, 1, 1), date(2026, 11, 3)
    report = metrics.refresh(MetricsFilter(start=datetime(1970, 1, 1, tzinfo=UTC),
                                           end=datetime(2026, 11, 3, tzinfo=UTC)), by="day")
    days = (end - start).days
    weeks = (_monday(end - timedelta(days=1)) - _monday(start)).days // 7 + 1
    assert (report.by, report.by_asked, len(report.buckets)) == ("week", "day", weeks)
    assert weeks <= 3000 < days
    assert report.note == (f"Grouped by week: by day this period would have {days:,} points, more than the "
                           f"3,000 a series shows.")
    assert sum(b.volume_total for b in report.buckets) == 2  # nothing lost in the coarser grouping


def test_the_whole_range_by_week_becomes_months(metrics):
    report = metrics.refresh(MetricsFilter(start=datetime(1970, 1, 1, tzinfo=UTC),
                                           end=datetime(2201, 1, 1, tzinfo=UTC)), by="week")
    assert (report.by, len(report.buckets)) == ("month", (2200 - 1970 + 1) * 12)
    assert report.to_dict()["period"]["by_asked"] == "week" and "12,054 points" in report.note


def test_a_period_that_fits_keeps_its_grouping(metrics):
    report = metrics.refresh(MetricsFilter(start=datetime(2018, 1, 1, tzinfo=UTC),
                                           end=datetime(2026, 1, 1, tzinfo=UTC)), by="day")
    assert (report.by, report.note, len(report.buckets)) == ("day", "", (date(2026, 1, 1) - date(2018, 1, 1)).days)


def test_the_cli_says_so_in_text_and_json(tmp_path):
    db = tmp_path / "desk.db"
    assert run_cli(db, "init").returncode == 0
    assert run_cli(db, "log", "--title", "Old one", "--category", "Network",
                   "--opened-at", "1971-03-01T00:00Z").returncode == 0
    text = run_cli(db, "metrics", "--from", "1970-01-01", "--to", "2026-11-02", "--by", "day")
    assert text.returncode == 0, text.stderr  # 1970-01-01 to 2026-11-02 inclusive: 20,760 days
    assert text.stdout.splitlines()[1] == ("Grouped by week: by day this period would have 20,760 points, more "
                                           "than the 3,000 a series shows.")
    data = json.loads(run_cli(db, "metrics", "--from", "1970-01-01", "--by", "day", "--json").stdout)
    assert (data["period"]["by"], data["period"]["by_asked"]) == ("week", "day")
    assert len(data["series"]) <= 3000

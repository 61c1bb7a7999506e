"""One way to write durations and instants: the table, editor, metrics, CLI and reports agree."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from incident_desk.domain.formatting import (
    duration,
    exact_duration,
    local,
    stat_duration,
    stat_durations,
    time_brief,
    time_long,
    time_short,
)
from incident_desk.services.policies import parse_duration


@pytest.mark.parametrize("seconds, text", [
    (0, "0 s"), (59, "59 s"), (60, "1 min"), (-2100, "35 min"), (3600, "1 h"), (7800, "2 h 10 min"),
    (86400, "1 d"), (90000, "1 d 1 h"), (9 * 86400 + 23 * 3600, "9 d 23 h"), (10 * 86400 + 5 * 3600, "10 d"),
    (177 * 86400 + 7200, "177 d"),
])
def test_durations_read_the_same_everywhere(seconds, text):
    assert duration(seconds) == text


def test_statistics_read_side_by_side_share_one_unit():
    # A mean of 3.2 days beside a median of 38.2 hours was the metrics card's old mix.
    assert stat_durations([3.2 * 86400, 38.2 * 3600, 5.1 * 86400]) == ["3.2 d", "1.6 d", "5.1 d"]
    assert stat_durations([1500, 600, None]) == ["25 min", "10 min", "-"]
    assert stat_durations([None, None]) == ["-", "-"]
    assert stat_duration(5.25 * 3600) == "5.2 h" or stat_duration(5.25 * 3600) == "5.3 h"
    assert stat_duration(None) == "-"


@pytest.mark.parametrize("seconds, day, text", [
    (900, None, "15 min"), (4 * 3600, None, "4 h"), (2 * 86400, None, "2 d"), (90, None, "90 s"),
    (3 * 8 * 3600, 8 * 3600, "3 bd"), (12 * 3600, 8 * 3600, "12 h"), (None, None, ""),
])
def test_configured_spans_round_trip_through_the_policy_parser(seconds, day, text):
    assert exact_duration(seconds, business_day_s=day) == text
    if seconds:
        assert parse_duration(text, business_day_s=day or 86400) == seconds


def test_instants_in_a_fixed_zone():
    zone = timezone(timedelta(hours=2))
    at = datetime(2026, 12, 2, 12, 5, tzinfo=UTC)
    assert time_short(at, zone) == "2026-12-02 14:05"
    assert time_long(at, zone) == "Wed 02 Dec 2026 14:05"
    assert time_brief(at, zone) == "Wed 02 Dec 14:05"
    assert time_short(None) == time_long(None) == time_brief(None) == "-"


def test_an_instant_at_the_edge_of_the_calendar_never_fails_to_show():
    east = timezone(timedelta(hours=14))
    last = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)  # 9999-12-31T23:00Z has no +14:00 form
    assert local(last, east) == last
    assert time_short(last, east) == "9999-12-31 23:00"
    first = datetime(1, 1, 1, 0, 30, tzinfo=UTC)
    assert time_short(first, timezone(timedelta(hours=-5))) == "0001-01-01 00:30"


def test_local_zone_east_of_utc_in_a_fresh_process():
    """The machine's own zone (TZ) east of UTC, as issue 13 found: no OverflowError from astimezone()."""
    code = ("from datetime import datetime, timezone; from incident_desk.domain.formatting import time_short; "
            "print(time_short(datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "TZ": "Pacific/Kiritimati"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "9999-12-31 23:00"

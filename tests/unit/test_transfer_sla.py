"""The import's bulk SLA arithmetic agrees with the services' own clocks, and long calendar spans stay exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.sla import DEFAULT_POLICY, BusinessCalendar, SlaPolicy
from incident_desk.services import sla_state
from incident_desk.services.transfer.sla_fast import StoppedClocks

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
NOW = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())

calendars = st.builds(
    BusinessCalendar, timezone=st.sampled_from(ZONES),
    work_days=st.sets(st.integers(0, 6), min_size=1), start=st.sampled_from([time(7), time(8, 30), time(9)]),
    end=st.sampled_from([time(16), time(18), time(20, 15)]),
    holidays=st.sets(st.dates(date(2025, 1, 1), date(2026, 12, 31)), max_size=12))


def _by_hand(calendar: BusinessCalendar, start: int, end: int) -> int:
    """Business seconds in [start, end): every local day's window clipped, one day at a time."""
    zone = ZoneInfo(calendar.timezone)
    day = datetime.fromtimestamp(start, zone).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, zone).date() + timedelta(days=1)
    total = 0
    while day <= last:
        if day.weekday() in calendar.work_days and day not in calendar.holidays:
            lo = int(datetime.combine(day, calendar.start, tzinfo=zone).timestamp())
            hi = int(datetime.combine(day, calendar.end, tzinfo=zone).timestamp())
            total += max(0, min(hi, end) - max(lo, start))
        day += timedelta(days=1)
    return total


@settings(max_examples=60, deadline=None)
@given(calendar=calendars, start=st.integers(1_700_000_000, 1_790_000_000), length=st.integers(0, 400 * 86_400))
def test_long_spans_count_every_working_second(calendar, start, length):
    end = start + length
    got = calendar.working_delta(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))
    assert got == timedelta(seconds=_by_hand(calendar, start, end))


steps = st.lists(st.sampled_from([Status.ACKNOWLEDGED, Status.IN_PROGRESS]), max_size=2)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars, business=st.booleans(), priority=st.sampled_from(list(Priority)),
       opened=st.integers(1_730_000_000, 1_790_000_000), gaps=st.lists(st.integers(0, 40 * 86_400), min_size=4,
                                                                          max_size=4),
       middle=steps, end=st.sampled_from(["resolved", "closed", "closed_unresolved", "cancelled"]),
       acknowledged=st.booleans())
def test_stopped_clocks_match_the_services(calendar, business, priority, opened, gaps, middle, end, acknowledged):
    targets = {p.label: {**DEFAULT_POLICY.target_for(p).to_dict(), "business_hours": business} for p in Priority}
    policy = SlaPolicy.from_dict({**DEFAULT_POLICY.to_dict(), "calendar": calendar.to_dict(), "targets": targets})
    at = opened
    history: list[tuple[int, Status]] = []
    ack = None
    for n, status in enumerate(middle):
        at += gaps[n]
        history.append((at, status))
        if ack is None and acknowledged:
            ack = at
    at += gaps[2]
    resolved = None
    if end in ("resolved", "closed"):
        history.append((at, Status.RESOLVED))
        resolved = at
        at += gaps[3]
    final = {"resolved": Status.RESOLVED, "closed": Status.CLOSED, "closed_unresolved": Status.CLOSED,
             "cancelled": Status.CANCELLED}[end]
    if final != Status.RESOLVED:
        history.append((at, final))
    if at > NOW:
        return
    fast = StoppedClocks(policy).columns(priority=int(priority), status=final, opened=opened, acknowledged=ack,
                                         resolved=resolved, history=history, now=NOW)
    row = SimpleNamespace(priority=int(priority), opened_at=opened, acknowledged_at=ack, resolved_at=resolved,
                          status=int(final))
    full = sla_state.sla_columns(policy, row, [(datetime.fromtimestamp(t, UTC), s) for t, s in history],
                                 datetime.fromtimestamp(NOW, UTC))
    full.setdefault("response_breached", False)
    fast.setdefault("response_breached", False)
    assert {k: fast.get(k) for k in full} == full


def test_a_hold_or_a_reopen_takes_the_full_computation():
    clocks = StoppedClocks(DEFAULT_POLICY)
    held = [(100, Status.ACKNOWLEDGED), (200, Status.ON_HOLD), (300, Status.IN_PROGRESS), (400, Status.RESOLVED)]
    reopened = [(100, Status.RESOLVED), (200, Status.IN_PROGRESS), (300, Status.RESOLVED)]
    for history in (held, reopened):
        assert clocks.columns(priority=3, status=Status.RESOLVED, opened=0, acknowledged=100, resolved=400,
                              history=history, now=NOW) is None
    assert clocks.columns(priority=3, status=Status.IN_PROGRESS, opened=0, acknowledged=None, resolved=None,
                          history=[], now=NOW) is None


def test_a_clock_stopped_exactly_on_its_target_met_it():
    """On the deadline is met, a second later missed: the same boundary as the services' clocks."""
    targets = {p.label: {**DEFAULT_POLICY.target_for(p).to_dict(), "business_hours": False} for p in Priority}
    policy = SlaPolicy.from_dict({**DEFAULT_POLICY.to_dict(), "targets": targets})
    target = policy.target_for(Priority.P2)
    opened = 1_780_000_000
    for late in (0, 1):
        ack = opened + target.response_s + late
        resolved = opened + target.resolve_s + late
        history = [(ack, Status.ACKNOWLEDGED), (resolved, Status.RESOLVED)]
        fast = StoppedClocks(policy).columns(priority=2, status=Status.RESOLVED, opened=opened, acknowledged=ack,
                                             resolved=resolved, history=history, now=NOW)
        assert (fast["response_breached"], fast["resolve_breached"]) == (bool(late), bool(late))
        row = SimpleNamespace(priority=2, opened_at=opened, acknowledged_at=ack, resolved_at=resolved,
                              status=int(Status.RESOLVED))
        full = sla_state.sla_columns(policy, row, [(datetime.fromtimestamp(t, UTC), s) for t, s in history],
                                     datetime.fromtimestamp(NOW, UTC))
        assert {k: fast[k] for k in full} == full

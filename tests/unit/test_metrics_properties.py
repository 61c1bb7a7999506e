"""Every metrics figure against a brute-force Python computation over random incident histories."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.sla import business_duration, compute_clocks
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService

T0 = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)  # a Monday
UTC = UTC
CATEGORIES = ["Network", "Email", "Access"]
TEAMS = ["Service Desk", "Network"]
OPEN = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD}

# One step of an incident's life: an action and the minutes before it.
step = st.tuples(st.sampled_from(["next", "cancel", "hold", "resolve", "reopen", "close"]),
                 st.integers(min_value=1, max_value=3 * 24 * 60))
incident_plan = st.fixed_dictionaries({
    "offset_min": st.integers(min_value=0, max_value=60 * 24 * 40),
    "priority": st.sampled_from(list(Priority)),
    "category": st.sampled_from(CATEGORIES),
    "team": st.sampled_from(TEAMS),
    "steps": st.lists(step, max_size=8),
})


@dataclass
class Truth:
    """What brute force knows about one incident, from the history the test itself drove."""

    priority: int
    category: str
    team: str
    opened: int
    history: list = field(default_factory=list)   # (epoch, Status)
    ack: int | None = None
    resolved: int | None = None
    ended: int | None = None                       # end of the final open span
    status: Status = Status.NEW
    reopened: bool = False


def _ep(d: datetime) -> int:
    return int(d.timestamp())


def _dt(s: int) -> datetime:
    return datetime.fromtimestamp(s, UTC)


def _drive(desk: Desk, clock: ManualClock, plan: dict) -> Truth:
    opened = T0 + timedelta(minutes=plan["offset_min"])
    clock.set(opened)
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Probe", category=plan["category"], team=plan["team"], priority=plan["priority"].label,
        override_reason="test"))
    truth = Truth(priority=int(inc.priority), category=plan["category"], team=plan["team"], opened=_ep(opened))
    status = Status.NEW
    for action, minutes in plan["steps"]:
        target = None
        if action == "cancel" and status in (Status.NEW, Status.ACKNOWLEDGED):
            target = Status.CANCELLED
        elif action == "next" and status == Status.NEW:
            target = Status.ACKNOWLEDGED
        elif action == "next" and status in (Status.ACKNOWLEDGED, Status.ON_HOLD):
            target = Status.IN_PROGRESS
        elif action == "hold" and status == Status.IN_PROGRESS:
            target = Status.ON_HOLD
        elif action == "resolve" and status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
            target = Status.RESOLVED
        elif action == "reopen" and status == Status.RESOLVED:
            target = Status.IN_PROGRESS
        elif action == "close" and status == Status.RESOLVED:
            target = Status.CLOSED
        if target is None:
            continue
        clock.advance(minutes=minutes)
        desk.incidents.transition(actor=desk.actor, key=inc.key, to=target, resolution_code="fixed",
                                  cancel_reason="no longer needed", hold_reason="vendor")
        at = _ep(clock())
        if status == Status.NEW and target != Status.CANCELLED:
            truth.ack = at
        if target == Status.RESOLVED:
            truth.resolved = at
        if status == Status.RESOLVED and target == Status.IN_PROGRESS:
            truth.resolved, truth.reopened = None, True
        truth.history.append((at, target))
        status = target
    truth.status = status
    if status in (Status.RESOLVED, Status.CLOSED):
        truth.ended = truth.resolved
    elif status == Status.CANCELLED:
        truth.ended = truth.history[-1][0]
    return truth


def _holds(t: Truth, end: int) -> list[tuple[int, int]]:
    out, since, current = [], t.opened, Status.NEW
    for at, status in t.history:
        if current == Status.ON_HOLD:
            out.append((since, min(at, end)))
        current, since = status, at
    if current == Status.ON_HOLD:
        out.append((since, end))
    return [(a, b) for a, b in out if b > a]


def _ttr(t: Truth, policy, business: bool, no_hold: bool) -> int:
    cal = policy.calendar
    if business:
        total = business_duration(cal, _dt(t.opened), _dt(t.resolved))
        hold = sum(business_duration(cal, _dt(a), _dt(b)) for a, b in _holds(t, t.resolved))
    else:
        total = t.resolved - t.opened
        hold = sum(b - a for a, b in _holds(t, t.resolved))
    return total - hold if no_hold else total


def _tta(t: Truth, policy, business: bool) -> int:
    if business:
        return business_duration(policy.calendar, _dt(t.opened), _dt(t.ack))
    return t.ack - t.opened


def _history(t: Truth, until: int) -> list:
    return [(_dt(a), s) for a, s in t.history if a <= until]


def _dur(values: list[int]) -> tuple:
    return (len(values), sum(values), dm.nearest_rank(values, 50), dm.nearest_rank(values, 90))


def _got(d) -> tuple:
    return (d.n, d.total, d.median, d.p90)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans=st.lists(incident_plan, min_size=1, max_size=14),
       by=st.sampled_from(dm.GRANULARITIES),
       business=st.booleans(), no_hold=st.booleans(),
       start_day=st.one_of(st.none(), st.integers(min_value=-3, max_value=30)),
       length_days=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
       team=st.one_of(st.none(), st.sampled_from(TEAMS)),
       prios=st.frozensets(st.sampled_from(list(Priority)), max_size=2))
def test_every_figure_matches_brute_force(plans, by, business, no_hold, start_day, length_days, team, prios):
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(T0)
        desk = Desk.open(str(Path(tmp) / "m.db"), clock=clock)
        try:
            admin = desk.actor
            desk.users.add_user(actor=admin, username="alex", team="Service Desk")
            desk.users.add_user(actor=admin, username="sam", team="Network")
            truths = [_drive(desk, clock, p) for p in plans]
            latest = max([t.opened for t in truths] + [a for t in truths for a, _ in t.history])
            now = latest + 3600
            clock.set(_dt(now))
            start = None if start_day is None else T0 + timedelta(days=start_day)
            end = None
            if length_days is not None:
                end = (start or T0) + timedelta(days=length_days)
            filt = dm.MetricsFilter(start=start, end=end, teams=frozenset({team}) if team else frozenset(),
                                    priorities=prios)
            report = MetricsService.for_desk(desk).refresh(filt, by=by, business_hours=business,
                                                           exclude_hold=no_hold)
            _check(report, truths, desk.settings.sla_policy(), filt, by, business, no_hold, now)
        finally:
            desk.close()


def _check(report, truths, policy, filt, by, business, no_hold, now):
    scope = [t for t in truths if (not filt.teams or t.team in filt.teams)
             and (not filt.priorities or Priority(t.priority) in filt.priorities)]
    first = min(t.opened for t in truths)
    lo = _ep(filt.start) if filt.start else first
    hi = _ep(filt.end) if filt.end else now + 1
    hi = max(hi, lo + 1)  # a period starting after everything is one empty second, not an error
    assert (report.start, report.end) == (lo, hi)
    inside = lambda s: s is not None and lo <= s < hi  # noqa: E731
    opened = [t for t in scope if inside(t.opened)]
    resolved = [t for t in scope if inside(t.resolved)]
    acked = [t for t in scope if inside(t.ack)]
    left_out = [t for t in scope if t.status in (Status.CLOSED, Status.CANCELLED) and t.resolved is None
                and inside(t.ended)]
    assert report.total == len(opened)
    assert report.resolved == len(resolved)
    assert report.acknowledged == len(acked)
    assert report.left_out == len(left_out)
    assert report.reopened == sum(t.reopened for t in resolved)
    ttr = {id(t): _ttr(t, policy, business, no_hold) for t in resolved}
    tta = {id(t): _tta(t, policy, business) for t in acked}
    assert _got(report.ttr) == _dur(list(ttr.values()))
    assert _got(report.tta) == _dur(list(tta.values()))

    def met(t) -> bool:
        return compute_clocks(policy, priority=Priority(t.priority), opened_at=_dt(t.opened),
                              history=_history(t, t.resolved), now=_dt(t.resolved)).resolution.state != "missed"

    targets = [t for t in resolved if policy.target_for(Priority(t.priority)).resolve_s]
    assert (report.sla.met, report.sla.total) == (sum(met(t) for t in targets), len(targets))
    resp = [t for t in acked if policy.target_for(Priority(t.priority)).response_s]
    resp_met = sum(compute_clocks(policy, priority=Priority(t.priority), opened_at=_dt(t.opened),
                                  history=_history(t, t.ack), now=_dt(t.ack)).response.state != "missed"
                   for t in resp)
    assert (report.response_sla.met, report.response_sla.total) == (resp_met, len(resp))

    def open_at(t, at) -> bool:
        return t.opened < at and (t.ended is None or t.ended >= at)

    assert report.open == sum(open_at(t, hi) for t in scope)
    # Series: every bucket against the same definitions restricted to the bucket.
    starts = dm.bucket_range(lo, hi - 1, by)
    assert [b.start for b in report.buckets] == [max(s, lo) for s in starts]
    for b in report.buckets:
        within = lambda s: s is not None and b.start <= s < b.end  # noqa: E731, B023 (called at once)
        vol: dict[str, int] = {}
        for t in scope:
            if within(t.opened):
                vol[t.category] = vol.get(t.category, 0) + 1
        assert b.volume == vol
        b_res = [t for t in resolved if within(t.resolved)]
        assert _got(b.ttr) == _dur([ttr[id(t)] for t in b_res])
        assert _got(b.tta) == _dur([tta[id(t)] for t in acked if within(t.ack)])
        for p in Priority:
            values = [ttr[id(t)] for t in b_res if t.priority == p]
            got = b.ttr_by_priority.get(int(p))
            assert (got.n, got.total) if got else (0, 0) == (len(values), sum(values))
        b_targets = [t for t in b_res if policy.target_for(Priority(t.priority)).resolve_s]
        assert (b.sla.met, b.sla.total) == (sum(met(t) for t in b_targets), len(b_targets))
        assert b.backlog == sum(open_at(t, b.end) for t in scope)
    for cat, g in report.by_category.items():
        assert g.count == sum(t.category == cat for t in opened)
        values = [ttr[id(t)] for t in resolved if t.category == cat]
        assert (g.ttr.n, g.ttr.total) == (len(values), sum(values))
    for p, g in report.by_priority.items():
        assert g.count == sum(t.priority == p for t in opened)
    # Age of what is open at the end of the period.
    ages = [hi - t.opened for t in scope if open_at(t, hi)]
    expected = []
    for _label, lo_d, hi_d in dm.AGE_BUCKETS:
        expected.append(sum(1 for a in ages if a > lo_d * dm.DAY_S and (hi_d is None or a <= hi_d * dm.DAY_S)))
    assert [n for _, n in report.age] == expected
    assert math.isclose(report.reopen_rate_pct or 0.0,
                        100.0 * report.reopened / report.resolved if report.resolved else 0.0)

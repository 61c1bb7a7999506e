"""Every metrics figure against an oracle that shares no code with the product, over random histories.

The oracle knows only what the test itself did (each incident's status changes and their instants)
and the definitions on the metrics tab, written out again here: business time is counted minute by
minute from the calendar's own description, percentiles are nearest-rank, SLA targets are met or
missed from the targets given, buckets are UTC days, Monday weeks and months, the trend rule is
exact arithmetic. Nothing from incident_desk.domain.metrics or incident_desk.domain.sla is used.

INCIDENT_DESK_HYPOTHESIS_EXAMPLES=2000 runs a longer search (default 150 histories).
"""

from __future__ import annotations

import math
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.metrics import MetricsFilter
from incident_desk.services.clock import ManualClock
from incident_desk.services.desk import Desk
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import MetricsService

EXAMPLES = int(os.environ.get("INCIDENT_DESK_HYPOTHESIS_EXAMPLES", "150"))
T0 = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)  # a Monday; Europe/Berlin leaves summer time on 25 October
CATEGORIES = ["Network", "Email", "Access"]
TEAMS = ["Service Desk", "Network"]
MIN = 60
HOUR = 3600
DAY = 86_400
OPEN = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD}
RUNNING = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS}


# ---- the SLA policies a desk may have, as plain data ------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    zone: str
    days: frozenset[int]          # 0 = Monday
    start: time
    end: time
    holidays: frozenset[date]


@dataclass(frozen=True)
class Target:
    response_min: int | None
    resolve_min: int | None
    business: bool


@dataclass(frozen=True)
class Policy:
    name: str
    calendar: Calendar
    targets: dict  # priority number -> Target

    def target(self, priority: int) -> Target:
        return self.targets.get(priority, Target(None, None, False))

    def as_settings(self) -> dict:
        """The policy as the desk's settings take it (JSON shape)."""
        cal = self.calendar
        return {
            "name": self.name,
            "calendar": {"timezone": cal.zone, "work_days": sorted(cal.days), "start": cal.start.strftime("%H:%M"),
                         "end": cal.end.strftime("%H:%M"), "holidays": [d.isoformat() for d in sorted(cal.holidays)]},
            "targets": {f"P{p}": {"response_s": t.response_min and t.response_min * MIN,
                                  "resolve_s": t.resolve_min and t.resolve_min * MIN, "business_hours": t.business}
                        for p, t in self.targets.items()},
        }


STANDARD = Policy("Standard", Calendar("UTC", frozenset(range(5)), time(8), time(18), frozenset()), {
    1: Target(15, 4 * 60, False), 2: Target(30, 8 * 60, False),
    3: Target(4 * 60, 30 * 60, True), 4: Target(10 * 60, 50 * 60, True)})
BERLIN = Policy("Berlin", Calendar("Europe/Berlin", frozenset(range(6)), time(9), time(17, 30),
                                   frozenset({date(2026, 10, 3), date(2026, 10, 26), date(2026, 9, 21)})), {
    1: Target(30, 2 * 60, False), 2: Target(60, 6 * 60, True), 3: Target(2 * 60, 16 * 60, True),
    4: Target(None, 40 * 60, True), 5: Target(8 * 60, None, True)})

# Minute-by-minute business time: every minute of the test's time span, in or out of working hours.
SPAN_START = int((T0 - timedelta(days=5)).timestamp())
SPAN_MINUTES = 100 * 24 * 60


@cache
def _working_prefix(cal: Calendar) -> list[int]:
    """prefix[k] = working minutes in [SPAN_START, SPAN_START + k minutes)."""
    zone = ZoneInfo(cal.zone)
    prefix = [0]
    total = 0
    for k in range(SPAN_MINUTES):
        local = datetime.fromtimestamp(SPAN_START + k * MIN, zone)
        if local.weekday() in cal.days and local.date() not in cal.holidays and cal.start <= local.time() < cal.end:
            total += 1
        prefix.append(total)
    return prefix


def business_seconds(cal: Calendar, a: int, b: int) -> int:
    """Working seconds in [a, b); every instant of the test lies on a whole minute."""
    if b <= a:
        return 0
    assert (a - SPAN_START) % MIN == 0 and (b - SPAN_START) % MIN == 0, (a, b)
    prefix = _working_prefix(cal)
    return (prefix[(b - SPAN_START) // MIN] - prefix[(a - SPAN_START) // MIN]) * MIN


def counted(policy: Policy, target: Target, a: int, b: int) -> int:
    return business_seconds(policy.calendar, a, b) if target.business else max(0, b - a)


# ---- what happened to each incident, as the test drove it ------------------------------------------

@dataclass
class Truth:
    priority: int
    category: str
    team: str
    opened: int
    history: list = field(default_factory=list)   # (epoch, Status) in order
    ack: int | None = None
    resolved: int | None = None                    # final resolution (None when reopened since)
    ended: int | None = None                       # end of the final open span
    status: Status = Status.NEW
    reopened: bool = False

    def spans(self, until: int) -> list[tuple[int, int, Status]]:
        """(start, end, status) from opening to ``until``."""
        out, since, current = [], self.opened, Status.NEW
        for at, status in self.history:
            if at > until:
                break
            out.append((since, at, current))
            since, current = at, status
        out.append((since, until, current))
        return [(a, b, s) for a, b, s in out if b > a]

    def open_at(self, at: int) -> bool:
        return self.opened < at and (self.ended is None or self.ended >= at)


# One step of an incident's life: which of the moves allowed at that point, after how many minutes
# (minutes to hours, or up to three days, so targets are both met and missed).
step = st.tuples(st.integers(min_value=0, max_value=5),
                 st.one_of(st.integers(min_value=1, max_value=180), st.integers(min_value=1, max_value=3 * 24 * 60)))
incident_plan = st.fixed_dictionaries({
    "offset_min": st.integers(min_value=0, max_value=60 * 24 * 40),
    "priority": st.sampled_from(list(Priority)),
    "category": st.sampled_from(CATEGORIES),
    "team": st.sampled_from(TEAMS),
    "steps": st.lists(step, min_size=2, max_size=8),
})
# The moves of the lifecycle, cancelling listed last so a walk rarely ends at once.
MOVES = {
    Status.NEW: [Status.ACKNOWLEDGED, Status.ACKNOWLEDGED, Status.CANCELLED],
    Status.ACKNOWLEDGED: [Status.IN_PROGRESS, Status.RESOLVED, Status.IN_PROGRESS, Status.CANCELLED],
    Status.IN_PROGRESS: [Status.RESOLVED, Status.ON_HOLD],
    Status.ON_HOLD: [Status.IN_PROGRESS],
    Status.RESOLVED: [Status.IN_PROGRESS, Status.CLOSED],
}


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
    truth = Truth(priority=int(plan["priority"]), category=plan["category"], team=plan["team"], opened=_ep(opened))
    status = Status.NEW
    for choice, minutes in plan["steps"]:
        moves = MOVES.get(status)
        if not moves:
            break
        target = moves[choice % len(moves)]
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


# ---- the definitions, written out again ----------------------------------------------------------------

def ttr(t: Truth, policy: Policy, business: bool, no_hold: bool) -> int:
    spans = t.spans(t.resolved)
    measure = (lambda a, b: business_seconds(policy.calendar, a, b)) if business else (lambda a, b: b - a)
    total = measure(t.opened, t.resolved)
    held = sum(measure(a, b) for a, b, s in spans if s == Status.ON_HOLD)
    return total - held if no_hold else total


def tta(t: Truth, policy: Policy, business: bool) -> int:
    return business_seconds(policy.calendar, t.opened, t.ack) if business else t.ack - t.opened


def resolution_met(t: Truth, policy: Policy) -> bool:
    """Counted while New, Acknowledged or In progress (not On hold, not while resolved before a reopen)."""
    target = policy.target(t.priority)
    used = sum(counted(policy, target, a, b) for a, b, s in t.spans(t.resolved) if s in RUNNING)
    return used <= target.resolve_min * MIN


def response_met(t: Truth, policy: Policy) -> bool:
    target = policy.target(t.priority)
    return counted(policy, target, t.opened, t.ack) <= target.response_min * MIN


def nearest_rank(values: list[int], percent: int) -> int | None:
    if not values:
        return None
    rank = math.ceil(Fraction(percent, 100) * len(values))
    return sorted(values)[rank - 1]


def durations(values: list[int]) -> tuple:
    return (len(values), sum(values), nearest_rank(values, 50), nearest_rank(values, 90))


def got_durations(d) -> tuple:
    return (d.n, d.total, d.median, d.p90)


def buckets(lo: int, hi: int, by: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every UTC day, Monday week or month touching [lo, hi), clipped to it."""
    first = _dt(lo).replace(hour=0, minute=0, second=0, microsecond=0)
    if by == "week":
        first -= timedelta(days=first.weekday())
    elif by == "month":
        first = first.replace(day=1)
    out = []
    start = first
    while _ep(start) < hi:
        if by == "day":
            nxt = start + timedelta(days=1)
        elif by == "week":
            nxt = start + timedelta(days=7)
        else:
            nxt = (start + timedelta(days=32)).replace(day=1)
        label = start.strftime("%Y-%m") if by == "month" else start.date().isoformat()
        out.append((max(_ep(start), lo), min(_ep(nxt), hi), label))
        start = nxt
    return out


AGES = [("up to 1 day", 0, 1), ("1-3 days", 1, 3), ("3-7 days", 3, 7), ("7-30 days", 7, 30),
        ("over 30 days", 30, None)]


def rising(counts: list[int]) -> bool:
    """The trend rule in exact arithmetic: last week >= 5, >= 1.5x the 8-week mean, >= mean + 3 sqrt(mean)."""
    count, mean = counts[-1], Fraction(sum(counts[:-1]), 8)
    return count >= 5 and count >= Fraction(3, 2) * mean and count >= mean and (count - mean) ** 2 >= 9 * mean


def trend_week(hi: int) -> datetime:
    """Monday 00:00 UTC of the last complete week before the end of the period."""
    last = _dt(hi - 1).replace(hour=0, minute=0, second=0, microsecond=0)
    return last - timedelta(days=last.weekday() + 7)


def expected_trends(scope: list[Truth], hi: int) -> dict[str, int]:
    week = _ep(trend_week(hi))
    out = {}
    for cat in CATEGORIES:
        counts = [sum(1 for t in scope if t.category == cat and week + (k - 8) * 7 * DAY <= t.opened
                      < week + (k - 7) * 7 * DAY) for k in range(9)]
        if rising(counts):
            out[cat] = counts[-1]
    return out


# ---- the property ----------------------------------------------------------------------------------------

def _open_desk(tmp: str, policy: Policy) -> tuple[Desk, ManualClock]:
    clock = ManualClock(T0 - timedelta(days=1))
    desk = Desk.open(str(Path(tmp) / "m.db"), clock=clock)
    desk.users.add_user(actor=desk.actor, username="alex", team="Service Desk")
    desk.users.add_user(actor=desk.actor, username="sam", team="Network")
    desk.policies.set_sla_policy(actor=desk.actor, policy=policy.as_settings())
    return desk, clock


# One falsifying history is enough to read, and shrinking a second one costs minutes.
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          report_multiple_bugs=False)
@pytest.mark.timeout(900)  # shrinking a failure runs hundreds of histories
@given(plans=st.lists(incident_plan, min_size=3, max_size=14),
       policy=st.sampled_from([STANDARD, BERLIN]),
       by=st.sampled_from(["day", "week", "month"]),
       business=st.booleans(), no_hold=st.booleans(),
       start_day=st.one_of(st.none(), st.integers(min_value=-3, max_value=20)),
       length_days=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
       team=st.sampled_from([None, None, *TEAMS]),
       prios=st.frozensets(st.sampled_from(list(Priority)), max_size=2))
def test_every_figure_matches_the_independent_oracle(plans, policy, by, business, no_hold, start_day, length_days,
                                                     team, prios):
    with tempfile.TemporaryDirectory() as tmp:
        desk, clock = _open_desk(tmp, policy)
        try:
            truths = [_drive(desk, clock, p) for p in plans]
            latest = max([t.opened for t in truths] + [a for t in truths for a, _ in t.history])
            now = latest + HOUR
            clock.set(_dt(now))
            start = None if start_day is None else T0 + timedelta(days=start_day)
            end = None if length_days is None else (start or T0) + timedelta(days=length_days)
            filt = MetricsFilter(start=start, end=end, teams=frozenset({team}) if team else frozenset(),
                                 priorities=prios)
            report = MetricsService.for_desk(desk).refresh(filt, by=by, business_hours=business,
                                                           exclude_hold=no_hold)
        finally:
            desk.close()
        check_stored(Path(tmp) / "m.db", truths, policy)
    # What the search covered (pytest --hypothesis-show-statistics).
    event(f"resolution SLA missed in the period: {report.sla.total - report.sla.met > 0}")
    event(f"reopened and resolved again: {report.reopened > 0}")
    check_report(report, truths, policy, filt, by, business, no_hold, now)


def check_stored(path: Path, truths: list[Truth], policy: Policy) -> None:
    """Every incident's frozen durations and SLA verdicts, read with plain sqlite3, whatever the filters."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT tta_s, tta_bh_s, response_breached, ttr_s, ttr_bh_s, hold_s, hold_bh_s, "
                           "resolve_breached FROM incident ORDER BY id").fetchall()
    finally:
        con.close()
    assert len(rows) == len(truths)
    for k, (t, row) in enumerate(zip(truths, rows)):
        tta_s, tta_bh_s, response_breached, ttr_s, ttr_bh_s, hold_s, hold_bh_s, resolve_breached = row
        if t.ack is not None:
            assert (tta_s, tta_bh_s) == (tta(t, policy, False), tta(t, policy, True)), k
            if policy.target(t.priority).response_min:
                assert bool(response_breached) == (not response_met(t, policy)), (k, t)
        if t.resolved is not None:
            assert (ttr_s, ttr_bh_s) == (ttr(t, policy, False, False), ttr(t, policy, True, False)), k
            assert (ttr_s - hold_s, ttr_bh_s - hold_bh_s) == (
                ttr(t, policy, False, True), ttr(t, policy, True, True)), k
            if policy.target(t.priority).resolve_min:
                assert bool(resolve_breached) == (not resolution_met(t, policy)), (k, t)
        else:
            assert (ttr_s, ttr_bh_s, bool(resolve_breached)) == (None, None, False), k


def check_report(report, truths, policy, filt, by, business, no_hold, now):
    scope = [t for t in truths if (not filt.teams or t.team in filt.teams)
             and (not filt.priorities or Priority(t.priority) in filt.priorities)]
    lo = _ep(filt.start) if filt.start else min(t.opened for t in truths)
    hi = _ep(filt.end) if filt.end else now + 1
    hi = max(hi, lo + 1)  # a period starting after everything is one empty second, not an error
    assert (report.start, report.end) == (lo, hi)

    def inside(s, a=lo, b=hi):
        return s is not None and a <= s < b

    opened = [t for t in scope if inside(t.opened)]
    resolved = [t for t in scope if inside(t.resolved)]
    acked = [t for t in scope if inside(t.ack)]
    left_out = [t for t in scope if t.status in (Status.CLOSED, Status.CANCELLED) and t.resolved is None
                and inside(t.ended)]
    with_resolve = {p for p in range(1, 6) if policy.target(p).resolve_min}
    with_response = {p for p in range(1, 6) if policy.target(p).response_min}
    ttr_of = {id(t): ttr(t, policy, business, no_hold) for t in resolved}
    tta_of = {id(t): tta(t, policy, business) for t in acked}

    def sla(group: list[Truth]) -> tuple[int, int]:
        judged = [t for t in group if t.priority in with_resolve]
        return (sum(resolution_met(t, policy) for t in judged), len(judged))

    def response(group: list[Truth]) -> tuple[int, int]:
        judged = [t for t in group if t.priority in with_response]
        return (sum(response_met(t, policy) for t in judged), len(judged))

    # Headline figures.
    assert (report.total, report.resolved, report.acknowledged, report.left_out) == (
        len(opened), len(resolved), len(acked), len(left_out))
    assert report.reopened == sum(t.reopened for t in resolved)
    assert got_durations(report.ttr) == durations([ttr_of[id(t)] for t in resolved])
    assert got_durations(report.tta) == durations([tta_of[id(t)] for t in acked])
    assert (report.sla.met, report.sla.total) == sla(resolved)
    assert (report.response_sla.met, report.response_sla.total) == response(acked)
    assert report.sla_priorities == sorted(with_resolve)
    assert report.open == sum(t.open_at(hi) for t in scope)
    expected_rate = 100 * Fraction(report.reopened, len(resolved)) if resolved else None
    assert report.reopen_rate_pct == (None if expected_rate is None else float(expected_rate))

    # Every category and priority the oracle expects, including any the report might leave out.
    assert set(report.by_category) <= set(CATEGORIES)
    for cat in CATEGORIES:
        g = report.by_category.get(cat)
        got = (g.count, g.ttr.n, g.ttr.total, g.tta.n, g.tta.total) if g else (0, 0, 0, 0, 0)
        res = [ttr_of[id(t)] for t in resolved if t.category == cat]
        ack = [tta_of[id(t)] for t in acked if t.category == cat]
        assert got == (sum(t.category == cat for t in opened), len(res), sum(res), len(ack), sum(ack)), cat
    assert set(report.by_priority) <= {int(p) for p in Priority}
    for p in range(1, 6):
        g = report.by_priority.get(p)
        got = (g.count, g.ttr.n, g.ttr.total, g.tta.n, g.tta.total, g.sla.met, g.sla.total) if g else (0,) * 7
        res_p = [t for t in resolved if t.priority == p]
        ack = [tta_of[id(t)] for t in acked if t.priority == p]
        assert got == (sum(t.priority == p for t in opened), len(res_p), sum(ttr_of[id(t)] for t in res_p),
                       len(ack), sum(ack), *sla(res_p)), f"P{p}"

    # The series: every bucket against the same definitions restricted to it.
    expected_buckets = buckets(lo, hi, by)
    assert [(b.start, b.end, b.label) for b in report.buckets] == expected_buckets
    for b in report.buckets:
        def within(s, b=b):
            return inside(s, b.start, b.end)
        volume = {}
        for t in scope:
            if within(t.opened):
                volume[t.category] = volume.get(t.category, 0) + 1
        assert b.volume == volume, b.label
        b_res = [t for t in resolved if within(t.resolved)]
        b_ack = [t for t in acked if within(t.ack)]
        assert got_durations(b.ttr) == durations([ttr_of[id(t)] for t in b_res]), b.label
        assert got_durations(b.tta) == durations([tta_of[id(t)] for t in b_ack]), b.label
        for p in range(1, 6):
            values = [ttr_of[id(t)] for t in b_res if t.priority == p]
            got = b.ttr_by_priority.get(p)
            assert ((got.n, got.total) if got is not None else (0, 0)) == (len(values), sum(values)), (b.label, p)
            comp = b.sla_by_priority.get(p)
            expected = sla([t for t in b_res if t.priority == p]) if p in with_resolve else (0, 0)
            assert ((comp.met, comp.total) if comp is not None else (0, 0)) == expected, (b.label, p)
        assert (b.sla.met, b.sla.total) == sla(b_res), b.label
        assert (b.response_sla.met, b.response_sla.total) == response(b_ack), b.label
        assert b.backlog == sum(t.open_at(b.end) for t in scope), b.label

    # Age of what is open at the end of the period.
    ages = [hi - t.opened for t in scope if t.open_at(hi)]
    assert report.age == [(label, sum(1 for a in ages if a > low * DAY and (high is None or a <= high * DAY)))
                          for label, low, high in AGES]
    # Rising categories, judged on the week before the one holding the period's end.
    assert {t.category: t.count for t in report.trends} == expected_trends(scope, hi)
    assert all(t.week_start == trend_week(hi).date() for t in report.trends)


# ---- the trend rule on histories made to trip it ---------------------------------------------------------

@settings(max_examples=max(20, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow],
          report_multiple_bugs=False)
@pytest.mark.timeout(900)
@given(weekly=st.lists(st.tuples(st.lists(st.integers(min_value=0, max_value=3), min_size=8, max_size=8),
                                 st.integers(min_value=0, max_value=12)), min_size=len(CATEGORIES),
                       max_size=len(CATEGORIES)),
       end_weekday=st.integers(min_value=0, max_value=6), end_hour=st.integers(min_value=0, max_value=23),
       explicit_end=st.booleans(), priority=st.sampled_from([None, Priority.P3]))
def test_rising_categories_are_exactly_those_the_rule_flags(weekly, end_weekday, end_hour, explicit_end, priority):
    judged = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday: the week the rule will judge
    end = judged + timedelta(days=7 + end_weekday, hours=end_hour, minutes=1)
    with tempfile.TemporaryDirectory() as tmp:
        desk, clock = _open_desk(tmp, STANDARD)
        try:
            clock.set(end)
            truths = []
            for cat, (baseline, last) in zip(CATEGORIES, weekly):
                for k, n in enumerate([*baseline, last]):
                    week = judged - timedelta(days=7 * (8 - k))
                    for j in range(n):
                        # Spread over the week, the first at Monday 00:00 and none past Sunday 23:59.
                        at = week + timedelta(minutes=(j * 7 * 24 * 60) // max(n, 1))
                        p = Priority.P3 if j % 2 else Priority.P4
                        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
                            title="Probe", category=cat, opened_at=at, priority=p.label, override_reason="test"))
                        truths.append(Truth(priority=int(p), category=cat, team="", opened=_ep(at)))
            filt = MetricsFilter(end=end if explicit_end else None,
                                 priorities=frozenset({priority}) if priority else frozenset())
            report = MetricsService.for_desk(desk).refresh(filt, by="week")
        finally:
            desk.close()
    event(f"rising categories: {len(report.trends)}")
    scope = [t for t in truths if priority is None or t.priority == int(priority)]
    hi = _ep(end) if explicit_end else _ep(end) + 1
    assert trend_week(hi) == judged
    assert {t.category: t.count for t in report.trends} == expected_trends(scope, hi)
    for t in report.trends:
        counts = [sum(1 for x in scope if x.category == t.category and
                      _ep(judged) + (k - 8) * 7 * DAY <= x.opened < _ep(judged) + (k - 7) * 7 * DAY)
                  for k in range(9)]
        assert t.week_start == judged.date() and t.baseline == sum(counts[:-1]) / 8

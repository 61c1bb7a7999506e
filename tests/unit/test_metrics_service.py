"""MetricsService on real SQLite and PostgreSQL: figures, drill-downs, plans."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import Priority, Status
from incident_desk.services.desk import Desk
from incident_desk.services.errors import ValidationError
from incident_desk.services.incidents import IncidentDraft
from incident_desk.services.metrics import DrillPoint, MetricsService
from incident_desk.storage import metrics_queries as mq
from tests.team_tools import open_desk

H = 3600


def build_history(desk, clock) -> dict:
    """A small desk over three weeks: plain, reopened, on-hold, cancelled and still-open incidents."""
    admin = desk.actor
    start = clock()
    keys = {}

    def log(name, category, priority, hours_after_start):
        clock.set(start + timedelta(hours=hours_after_start))
        inc = desk.incidents.log_incident(actor=admin, draft=IncidentDraft(
            title=name, category=category, priority=priority, override_reason="test"))
        keys[name] = inc.key
        return inc.key

    def move(key, to, hours, **kw):
        clock.advance(hours=hours)
        desk.incidents.transition(actor=admin, key=key, to=to, resolution_code="fixed", **kw)

    k = log("plain", "Network", "P2", 0)
    move(k, Status.ACKNOWLEDGED, 0.5)
    move(k, Status.RESOLVED, 3)
    move(k, Status.CLOSED, 24)
    k = log("reopened", "Network", "P3", 2)
    move(k, Status.ACKNOWLEDGED, 1)
    move(k, Status.IN_PROGRESS, 1)
    move(k, Status.RESOLVED, 5)
    move(k, Status.IN_PROGRESS, 30)     # reopened
    move(k, Status.RESOLVED, 20)        # final resolution in week 2
    k = log("held", "Email", "P3", 30)
    move(k, Status.ACKNOWLEDGED, 2)
    move(k, Status.IN_PROGRESS, 1)
    move(k, Status.ON_HOLD, 4, hold_reason="vendor")
    move(k, Status.IN_PROGRESS, 48)
    move(k, Status.RESOLVED, 2)
    k = log("cancelled", "Email", "P4", 50)
    move(k, Status.CANCELLED, 1, cancel_reason="duplicate call")
    k = log("acked-cancelled", "Access", "P4", 60)
    move(k, Status.ACKNOWLEDGED, 3)
    move(k, Status.CANCELLED, 2, cancel_reason="user left")
    k = log("open", "Access", "P1", 200)
    move(k, Status.ACKNOWLEDGED, 0.1)
    log("new", "Network", "P5", 400)
    clock.set(start + timedelta(hours=500))
    return keys


@pytest.fixture
def history(desk, clock):
    return build_history(desk, clock)


def test_headline_figures_follow_the_definitions(desk, clock, history):
    report = MetricsService.for_desk(desk).refresh(by="week")
    assert report.total == 7
    assert report.resolved == 3                 # plain, reopened (final resolution), held
    assert report.left_out == 2                 # both cancelled, no resolution time
    assert report.open == 2                     # "open" and "new"
    assert report.reopened == 1
    assert report.acknowledged == 5             # all but "cancelled" and "new"
    ttrs = sorted([3.5 * H, 57 * H, 57 * H])    # reopened: 1+1+5+30+20; held: 2+1+4+48+2
    assert report.ttr.total == sum(ttrs)
    assert report.ttr.median == ttrs[1] and report.ttr.p90 == ttrs[2]
    held = MetricsService.for_desk(desk).refresh(by="week", exclude_hold=True)
    assert held.ttr.total == sum(ttrs) - 48 * H
    d = report.to_dict()
    assert d["counts"] == {"total": 7, "resolved": 3, "open": 2, "acknowledged": 5, "left_out_of_mttr": 2,
                           "reopened": 1}
    assert d["mttr_hours"]["median"] == pytest.approx(57.0)
    assert {r["category"] for r in d["by_category"]} == {"Network", "Email", "Access"}
    assert [r["priority"] for r in d["by_priority"]] == ["P1", "P2", "P3", "P4", "P5"]
    assert sum(s["volume"] for s in d["series"]) == 7
    assert d["series"][-1]["backlog"] == 2


def test_filters_narrow_every_figure(desk, clock, history):
    service = MetricsService.for_desk(desk)
    email = service.refresh(dm.MetricsFilter(categories=frozenset({"Email"})))
    assert (email.total, email.resolved, email.left_out) == (2, 1, 1)
    p3 = service.refresh(dm.MetricsFilter(priorities=frozenset({Priority.P3})))
    assert p3.resolved == 2 and p3.reopened == 1
    start = clock() - timedelta(hours=500)
    first_day = service.refresh(dm.MetricsFilter(start=start, end=start + timedelta(days=1)), by="day")
    assert first_day.total == 2 and first_day.resolved == 1


def test_every_drill_down_lists_exactly_the_incidents_behind_its_point(desk, clock, history):
    service = MetricsService.for_desk(desk)
    report = service.refresh(by="week")
    count = lambda f: desk.incidents.count_incidents(filters=f)  # noqa: E731
    checked = 0
    for i, b in enumerate(report.buckets):
        for cat, n in b.volume.items():
            assert count(service.drill_down(report, DrillPoint("volume", i, cat))[0]) == n
            checked += 1
        assert count(service.drill_down(report, DrillPoint("mttr", i))[0]) == b.ttr.n
        assert count(service.drill_down(report, DrillPoint("mtta", i))[0]) == b.tta.n
        assert count(service.drill_down(report, DrillPoint("backlog", i))[0]) == b.backlog
        for p, comp in b.sla_by_priority.items():
            assert count(service.drill_down(report, DrillPoint("sla", i, Priority(p).label))[0]) == comp.total
        checked += 4
    for j, (_, n) in enumerate(report.age):
        assert count(service.drill_down(report, DrillPoint("age", j))[0]) == n
    assert checked > 10


def test_drill_down_of_an_empty_point_lists_nothing(desk, clock, history):
    service = MetricsService.for_desk(desk)
    report = service.refresh(by="day")
    empty = next(i for i, b in enumerate(report.buckets) if b.tta.n == 0)
    filt, label = service.drill_down(report, DrillPoint("mtta", empty))
    assert desk.incidents.count_incidents(filters=filt) == 0
    assert label.startswith("Acknowledged")


def test_trend_rule_flags_a_category_well_above_its_baseline(desk, clock):
    admin = desk.actor
    base = clock()
    for week in range(9):
        n = 12 if week == 8 else 1
        for k in range(n):
            clock.set(base + timedelta(weeks=week, hours=k))
            desk.incidents.log_incident(actor=admin, draft=IncidentDraft(title="Wi-Fi", category="Network"))
            if k < 2:  # Email stays flat: one a week, then two is not well above
                clock.set(base + timedelta(weeks=week, hours=k, minutes=1))
                desk.incidents.log_incident(actor=admin, draft=IncidentDraft(title="Mail", category="Email"))
    clock.set(base + timedelta(weeks=9, hours=1))
    service = MetricsService.for_desk(desk)
    report = service.refresh()
    assert [(t.category, t.count, t.baseline) for t in report.trends] == [("Network", 12, 1.0)]
    filt, _ = service.drill_down(report, DrillPoint("trend", 0))
    assert desk.incidents.count_incidents(filters=filt) == 12
    assert "Network is rising" in report.to_dict()["trends"][0]["text"]


def test_nearest_rank_and_trend_rule_units():
    assert dm.nearest_rank([5, 1, 3, 2], 50) == 2          # lower middle
    assert dm.nearest_rank(list(range(1, 11)), 90) == 9
    assert dm.nearest_rank([7], 90) == 7
    assert dm.nearest_rank([], 50) is None
    assert [dm.rank_of(n, 90) for n in (1, 10, 11)] == [1, 9, 10]
    assert not dm.is_rising(4, 0.0)                          # too few to matter
    assert dm.is_rising(12, 2.0) and not dm.is_rising(12, 10.0)
    monday = dm.bucket_start(1_793_609_978, "week")
    assert dm.datetime.fromtimestamp(monday, dm.UTC).weekday() == 0


def test_bad_granularity_is_a_validation_error(desk):
    with pytest.raises(ValidationError, match="day, week or month"):
        MetricsService.for_desk(desk).refresh(by="year")


@pytest.mark.sqlite_only  # SQLite's query plans (INDEXED BY, EXPLAIN QUERY PLAN)
def test_hot_queries_walk_the_metrics_indexes(desk, clock, history):
    store = desk.store
    mq.load_combos(store, ranges=[(0, 10)], priorities=[3], categories=["Network"])
    # Every family's sums, and the durations every percentile is picked from, in one covered walk each.
    durations = {"resolved": "(i.ttr_bh_s - i.hold_bh_s)", "acked": "i.tta_bh_s"}
    for family in (mq.OPENED, mq.RESOLVED, mq.ACKED, mq.ENDED):
        known = durations.get(family.name, "NULL")
        sql = (f"SELECT m.id, COUNT(*), group_concat(CASE WHEN m.r >= 1 THEN {known} END) FROM temp.metrics_combo m "
               f"CROSS JOIN incident i INDEXED BY {family.index} "
               f"WHERE m.r >= 0 AND i.priority = m.p AND i.category = m.c AND i.{family.instant} >= m.lo "
               f"AND i.{family.instant} < m.hi AND {family.condition} GROUP BY m.id")
        plan = mq.explain(store, sql)
        assert f"COVERING INDEX {family.index}" in plan or family is mq.ENDED and f"INDEX {family.index}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.postgres
def test_same_figures_on_postgresql(tmp_path, clock, pg_url):
    sqlite_desk = Desk.open(str(tmp_path / "a.db"), clock=clock)
    start = clock()
    try:
        build_history(sqlite_desk, clock)
        expected = MetricsService.for_desk(sqlite_desk).refresh().to_dict()
    finally:
        sqlite_desk.close()
    clock.set(start)
    pg = open_desk(pg_url, clock=clock)
    try:
        build_history(pg, clock)
        got = MetricsService.for_desk(pg).refresh().to_dict()
    finally:
        pg.close()
    for key in ("counts", "mtta_hours", "mttr_hours", "sla_compliance_pct", "by_category", "by_priority", "series"):
        assert got[key] == expected[key], key

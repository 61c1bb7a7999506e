"""The metrics service: headline figures, series and drill-down filters, all counted by the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import OPEN_STATUSES, DomainError, IncidentFilter, Priority
from incident_desk.domain.limits import clamp_epoch
from incident_desk.domain.sla import DEFAULT_COMPLIANCE_TARGET
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.settings import SettingsService
from incident_desk.storage import metrics_queries as mq
from incident_desk.storage.database import Store

UTC = UTC
# A drill-down listing explicit incident numbers stays under SQLite's 32,766 bound parameters.
PRIORITIES = [int(p) for p in Priority]

Progress = Callable[[int, str], None]


@dataclass
class Durations:
    """One duration figure: how many, mean, nearest-rank median and p90, in seconds."""

    n: int = 0
    total: int = 0
    median: int | None = None
    p90: int | None = None
    ranked: int = 0  # rows whose duration is known: the population median and p90 rank

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def hours(self) -> dict:
        return {"n": self.n, "mean": dm.hours(self.mean), "median": dm.hours(self.median),
                "p90": dm.hours(self.p90)}


@dataclass
class Compliance:
    met: int = 0
    total: int = 0

    @property
    def pct(self) -> float | None:
        return 100.0 * self.met / self.total if self.total else None


@dataclass
class Bucket:
    """One period of a series: [start, end) in epoch seconds, clipped to the report's period."""

    start: int
    end: int
    label: str
    volume: dict[str, int] = field(default_factory=dict)        # by category
    ttr: Durations = field(default_factory=Durations)
    tta: Durations = field(default_factory=Durations)
    ttr_by_priority: dict[int, Durations] = field(default_factory=dict)
    sla_by_priority: dict[int, Compliance] = field(default_factory=dict)
    sla: Compliance = field(default_factory=Compliance)
    response_sla: Compliance = field(default_factory=Compliance)  # acknowledged in the bucket, by response target
    backlog: int = 0
    backlog_at: int = 0
    reopened: int = 0       # resolved in this period after at least one reopen (the monthly review's rate)

    @property
    def volume_total(self) -> int:
        return sum(self.volume.values())

    @property
    def reopen_rate_pct(self) -> float | None:
        return 100.0 * self.reopened / self.ttr.n if self.ttr.n else None


@dataclass
class GroupFigures:
    """Totals for one category or priority over the whole period."""

    name: str
    count: int = 0
    ttr: Durations = field(default_factory=Durations)
    tta: Durations = field(default_factory=Durations)
    sla: Compliance = field(default_factory=Compliance)


@dataclass
class Headline:
    """The headline figures of one period: a report's own, and (alone) the previous period's."""

    start: int
    end: int
    total: int = 0
    resolved: int = 0
    acknowledged: int = 0
    open: int = 0
    reopened: int = 0
    tta: Durations = field(default_factory=Durations)
    ttr: Durations = field(default_factory=Durations)
    sla: Compliance = field(default_factory=Compliance)
    response_sla: Compliance = field(default_factory=Compliance)


def headline_figures(r: Headline) -> dict[str, float | None]:
    """The figures the headline cards show, by the keys of domain.metrics.BETTER_WHEN (seconds, %)."""
    return {"volume": r.total, "backlog": r.open, "mtta": r.tta.mean, "mttr": r.ttr.mean, "sla": r.sla.pct,
            "response_sla": r.response_sla.pct,
            "reopen": 100.0 * r.reopened / r.resolved if r.resolved else None}


@dataclass(kw_only=True)
class MetricsReport(Headline):
    """Everything the tab, the CLI and the reports show; plain data, no Qt."""

    filters: dm.MetricsFilter
    by: str                 # the grouping used; may be coarser than the one asked for (see note)
    business_hours: bool
    exclude_hold: bool
    generated_at: datetime
    left_out: int = 0
    by_category: dict[str, GroupFigures] = field(default_factory=dict)
    by_priority: dict[int, GroupFigures] = field(default_factory=dict)
    buckets: list[Bucket] = field(default_factory=list)
    top_categories: list[str] = field(default_factory=list)
    other_categories: list[str] = field(default_factory=list)
    age: list[tuple[str, int]] = field(default_factory=list)
    age_at: int = 0
    open_at_end_is_now: bool = True
    trends: list[dm.Trend] = field(default_factory=list)
    sla_priorities: list[int] = field(default_factory=list)
    sla_target_pct: float = 100.0 * DEFAULT_COMPLIANCE_TARGET
    previous: Headline | None = None   # None for a period with no start ("All time")
    by_asked: str = ""
    note: str = ""          # why the grouping is coarser than asked, for the tab, the CLI and exports

    @property
    def reopen_rate_pct(self) -> float | None:
        return 100.0 * self.reopened / self.resolved if self.resolved else None

    def changes(self) -> dict[str, dm.Change]:
        """Each headline figure against the previous period; empty when there is none."""
        if self.previous is None:
            return {}
        now, before = headline_figures(self), headline_figures(self.previous)
        return {key: dm.Change(key, now[key], before[key]) for key in dm.BETTER_WHEN}

    def period_text(self) -> str:
        """'26 weeks': how long the period is (and so the previous one)."""
        return dm.period_text(self.end - self.start)

    def volume_series(self) -> dict[str, list[int]]:
        """Volume per bucket for the top categories plus Other (when there are others)."""
        out = {c: [b.volume.get(c, 0) for b in self.buckets] for c in self.top_categories}
        if self.other_categories:
            out[dm.OTHER] = [sum(b.volume.get(c, 0) for c in self.other_categories) for b in self.buckets]
        return out

    def to_dict(self) -> dict:
        """JSON-ready figures (hours for durations, percentages 0-100)."""
        f = self.filters
        return {
            "period": {"from": _iso(self.start), "to": _iso(self.end), "by": self.by,
                       "by_asked": self.by_asked or self.by, "note": self.note,
                       "business_hours": self.business_hours, "exclude_hold": self.exclude_hold,
                       "teams": sorted(f.teams), "assignees": sorted(f.assignees),
                       "categories": sorted(f.categories), "priorities": [p.label for p in sorted(f.priorities)]},
            "generated_at": self.generated_at.isoformat(),
            "counts": {"total": self.total, "resolved": self.resolved, "open": self.open,
                       "acknowledged": self.acknowledged, "left_out_of_mttr": self.left_out,
                       "reopened": self.reopened},
            "mtta_hours": self.tta.hours(),
            "mttr_hours": self.ttr.hours(),
            "sla_compliance_pct": self.sla.pct,
            "response_compliance_pct": self.response_sla.pct,
            "reopen_rate_pct": self.reopen_rate_pct,
            "sla_target_pct": self.sla_target_pct,
            "previous": self._previous_dict(),
            "by_category": [
                {"category": g.name, "count": g.count, "resolved": g.ttr.n,
                 "mttr_hours_mean": dm.hours(g.ttr.mean), "mtta_hours_mean": dm.hours(g.tta.mean)}
                for g in sorted(self.by_category.values(), key=lambda g: (-g.count, g.name))],
            "by_priority": [
                {"priority": Priority(p).label, "count": g.count, "resolved": g.ttr.n,
                 "mttr_hours_mean": dm.hours(g.ttr.mean), "mtta_hours_mean": dm.hours(g.tta.mean),
                 "sla_compliance_pct": g.sla.pct if p in self.sla_priorities else None}
                for p, g in sorted(self.by_priority.items())],
            "open_by_age": [{"age": label, "count": n} for label, n in self.age],
            "trends": [{"category": t.category, "week": t.week_start.isoformat(), "count": t.count,
                        "baseline": t.baseline, "text": t.describe()} for t in self.trends],
            "series": [self._bucket_dict(b) for b in self.buckets],
            "definitions": dict(dm.DEFINITIONS),
        }

    def _previous_dict(self) -> dict | None:
        """The previous period's figures and each change, as the cards show them."""
        if self.previous is None:
            return None
        p, period = self.previous, self.period_text()
        return {
            "from": _iso(p.start), "to": _iso(p.end), "length": period,
            "counts": {"total": p.total, "resolved": p.resolved, "open": p.open, "acknowledged": p.acknowledged,
                       "reopened": p.reopened},
            "mtta_hours_mean": dm.hours(p.tta.mean), "mttr_hours_mean": dm.hours(p.ttr.mean),
            "sla_compliance_pct": p.sla.pct, "response_compliance_pct": p.response_sla.pct,
            "reopen_rate_pct": 100.0 * p.reopened / p.resolved if p.resolved else None,
            # By the headline keys (domain.metrics.BETTER_WHEN); amount in "unit" (% or points).
            "change": {k: {"amount": c.amount, "unit": "pts" if c.in_points else "%", "direction": c.direction,
                           "verdict": c.verdict, "text": c.describe(period)} for k, c in self.changes().items()},
        }

    def _bucket_dict(self, b: Bucket) -> dict:
        volume = {c: b.volume.get(c, 0) for c in self.top_categories}
        if self.other_categories:
            volume[dm.OTHER] = sum(b.volume.get(c, 0) for c in self.other_categories)
        return {
            "start": _iso(b.start), "end": _iso(b.end), "label": b.label,
            "volume": b.volume_total, "volume_by_category": volume,
            "mtta_hours": b.tta.hours(), "mttr_hours": b.ttr.hours(),
            "mttr_hours_by_priority": {Priority(p).label: dm.hours(d.mean)
                                       for p, d in sorted(b.ttr_by_priority.items())},
            "sla_compliance_pct": b.sla.pct,
            "sla_compliance_pct_by_priority": {Priority(p).label: c.pct for p, c in sorted(b.sla_by_priority.items())},
            "response_compliance_pct": b.response_sla.pct,
            "backlog": b.backlog, "backlog_at": _iso(b.backlog_at),
        }

    def series_rows(self) -> list[dict]:
        """Flat rows (one per bucket) for CSV export."""
        rows = []
        volume = self.volume_series()
        for k, b in enumerate(self.buckets):
            row = {"start": _iso(b.start), "end": _iso(b.end), "volume": b.volume_total}
            for name, values in volume.items():
                row[f"volume {name}"] = values[k]
            for key, d in (("mtta", b.tta), ("mttr", b.ttr)):
                h = d.hours()
                row.update({f"{key} n": d.n, f"{key} mean h": h["mean"], f"{key} median h": h["median"],
                            f"{key} p90 h": h["p90"]})
            for p in PRIORITIES:
                d = b.ttr_by_priority.get(p)
                row[f"mttr P{p} mean h"] = dm.hours(d.mean) if d else None
            row["sla compliance %"] = b.sla.pct
            for p in self.sla_priorities:
                c = b.sla_by_priority.get(p)
                row[f"sla P{p} %"] = c.pct if c else None
            row["backlog"] = b.backlog
            rows.append(row)
        return rows


def _iso(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat()


def _dt(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


@dataclass(frozen=True)
class DrillPoint:
    """What was clicked: a chart, a bucket index (or age/trend index) and a series name."""

    chart: str      # volume | mttr | mtta | sla | backlog | age | trend
    index: int
    series: str = ""


class MetricsService:
    """One source of truth for every number the metrics tab, the CLI and the reports show."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService):
        self.store = store
        self.clock = clock
        self.settings = settings

    @classmethod
    def for_desk(cls, desk) -> MetricsService:
        return cls(desk.store, clock=desk.clock, settings=desk.settings)

    # ---- the report --------------------------------------------------------------------------

    def refresh(self, filters: dm.MetricsFilter | None = None, *, by: str = "week", business_hours: bool = False,
                exclude_hold: bool = False, progress: Progress | None = None, ack_percentiles: bool = True,
                ageing: bool = True) -> MetricsReport:
        """Every figure for ``filters`` grouped ``by`` day, week or month (UTC). A reader that shows no
        acknowledgement median/p90 or open-age buckets (the monthly review) may skip those two parts."""
        filters = filters or dm.MetricsFilter()
        if filters.categories:  # a category asked for by the name it had before a rename
            filters = replace(filters, categories=self.settings.current_category_names(filters.categories))
        try:
            dm.check_granularity(by)
        except DomainError as exc:
            raise ValidationError(str(exc), field="by") from None
        step = _Stepper(progress, 8)
        now_s = clamp_epoch(int(self.clock().timestamp()))
        with self.store.read():
            step("Finding the period")
            first, last = mq.extent(self.store)
            # A row outside the desk's years (an older release's) must not stretch "all time" to year 0.
            first = None if first is None else clamp_epoch(first)
            last = None if last is None else clamp_epoch(last)
            start = int(filters.start.timestamp()) if filters.start else (first if first is not None else now_s)
            end = int(filters.end.timestamp()) if filters.end else max(now_s, last or now_s) + 1
            if end <= start:
                end = start + 1
            # Where rows can be at all: nothing is opened before the first opening, and acknowledgements,
            # resolutions and closings are stamped by the clock (see mq.extent).
            within = (first if first is not None else now_s, max(now_s, last or now_s) + 1)
            asked, by = by, dm.fit_granularity(start, end, by)
            report = MetricsReport(filters=filters, by=by, business_hours=business_hours,
                                   exclude_hold=exclude_hold, start=start, end=end,
                                   generated_at=_dt(now_s), by_asked=asked,
                                   note=dm.coarsened_text(asked, by, start, end))
            starts = dm.bucket_range(start, end - 1, by)
            report.buckets = [Bucket(start=max(s, start), end=min(dm.next_bucket(s, by), end),
                                     label=dm.bucket_label(s, by)) for s in starts]
            ranges = [(b.start, b.end) for b in report.buckets]
            prios = sorted(int(p) for p in filters.priorities) or PRIORITIES
            present = mq.categories_present(self.store)
            cats = sorted(c for c in present if not filters.categories or c in filters.categories)
            scope = self._scope(filters)
            policy = self.settings.sla_policy()
            report.sla_priorities = [p for p in PRIORITIES if policy.target_for(Priority(p)).resolve_s]
            report.sla_target_pct = 100.0 * policy.compliance_target
            response_prios = [p for p in PRIORITIES if policy.target_for(Priority(p)).response_s]
            ttr = mq.ttr_sql(business_hours=business_hours, exclude_hold=exclude_hold)
            tta = mq.tta_sql(business_hours=business_hours)
            # Leading ranges before the period feed the backlog (what was already open at its start). With
            # a start, the last of them is the previous period of equal length: the cards' change costs
            # no query of its own.
            if filters.start is not None:
                report.previous = Headline(start=start - (end - start), end=start)
                before = [(-(2 ** 62), report.previous.start), (report.previous.start, start)]
            else:
                before = [(-(2 ** 62), start)]

            step("Counting openings")
            # One set of (range, priority, category) combos for all four families. The leading ranges
            # (before the period) count for the backlog and the previous period; acknowledgements skip the
            # open-ended first one, and durations are listed for the period's own ranges only.
            lead = len(before)
            combos = mq.load_combos(self.store, ranges=before + ranges, priorities=prios, categories=cats,
                                    within=within)
            opened = mq.grouped(self.store, mq.OPENED, combos=combos, scope=scope, columns=["COUNT(*)"])
            step("Summing resolutions")
            # Groups share one priority, so whether a target applies is decided per group, not per row.
            resolved = mq.grouped(
                self.store, mq.RESOLVED, combos=combos, scope=scope, durations=ttr, durations_from=lead,
                columns=["COUNT(*)", f"SUM({ttr})", "SUM(CASE WHEN i.resolve_breached THEN 0 ELSE 1 END)",
                         "SUM(CASE WHEN i.reopen_count > 0 THEN 1 ELSE 0 END)", f"COUNT({ttr})"])
            ttr_known = _texts_by_bucket(len(ranges), ((row[0] - lead, row[-1]) for row in resolved))
            resolved = [(r, p, c, n, total, n if p in report.sla_priorities else 0,
                         met if p in report.sla_priorities else 0, reopened, ranked)
                        for r, p, c, n, total, met, reopened, ranked, _known in resolved]
            step("Summing acknowledgements")
            acked = mq.grouped(
                self.store, mq.ACKED, combos=combos, scope=scope, from_range=1,
                durations=tta if ack_percentiles else None, durations_from=lead,
                columns=["COUNT(*)", f"SUM({tta})", "SUM(CASE WHEN i.response_breached THEN 0 ELSE 1 END)",
                         f"COUNT({tta})"])
            tta_known = (_texts_by_bucket(len(ranges), ((row[0] - lead, row[-1]) for row in acked))
                         if ack_percentiles else None)
            acked = [(r, p, c, n, total, n if p in response_prios else 0, met if p in response_prios else 0,
                      ranked) for r, p, c, n, total, met, ranked, *_known in acked]
            step("Counting closures")
            ended = mq.grouped(self.store, mq.ENDED, combos=combos, scope=scope, columns=["COUNT(*)"])
            self._combine(report, opened, resolved, acked, ended, lead=lead)

            step("Ranking resolution times")
            _percentiles(report, ttr_known, "ttr")
            step("Ranking acknowledgement times")
            if tta_known is not None:
                _percentiles(report, tta_known, "tta")

            step("Ageing the backlog")
            report.age_at = end
            report.open_at_end_is_now = end > now_s
            if ageing:
                bounds = [b[1] * dm.DAY_S for b in dm.AGE_BUCKETS] + [None]
                counts = mq.age_counts(self.store, at=end, bounds=bounds, scope=scope,
                                       open_now=report.open_at_end_is_now)
                report.age = [(label, n) for (label, _, _), n in zip(dm.AGE_BUCKETS, counts)]
            report.trends = self._trends(end, prios, cats, scope)
        step("Done")
        return report

    def _scope(self, filters: dm.MetricsFilter) -> IncidentFilter:
        return IncidentFilter(teams=filters.teams, assignees=filters.assignees, categories=filters.categories,
                              priorities=filters.priorities)

    def _combine(self, report: MetricsReport, opened, resolved, acked, ended, *, lead: int) -> None:
        """Fold the per (range, priority, category) rows into the report's figures. Ranges below ``lead``
        lie before the period (the last of them is the previous period when there is one). Grouped by
        day a two-year desk gives ~150,000 rows: sums are gathered in plain lists and dicts first, and
        the figures' objects touched once per key, not once per row."""
        buckets = report.buckets
        n = len(buckets)
        prev = report.previous
        labels = {int(p): p.label for p in Priority}
        by_category, by_priority = report.by_category, report.by_priority

        def group(table: dict, key, name) -> GroupFigures:
            if key not in table:
                table[key] = GroupFigures(name=name)
            return table[key]

        opened_before = ended_before = 0
        opened_per = [0] * n
        ended_per = [0] * n
        per_category: dict = {}
        per_priority: dict = {}
        for r, p, c, count in opened:
            if r < lead:
                opened_before += count
                if prev is not None and r == lead - 1:
                    prev.total += count
                continue
            k = r - lead
            volume = buckets[k].volume
            volume[c] = volume.get(c, 0) + count
            opened_per[k] += count
            per_category[c] = per_category.get(c, 0) + count
            per_priority[p] = per_priority.get(p, 0) + count
        for c, count in per_category.items():
            group(by_category, c, c).count += count
        for p, count in per_priority.items():
            group(by_priority, p, labels[p]).count += count
        report.total = sum(opened_per)

        # [n, total, ranked] durations and [met, total] compliance, per key.
        ttr_b, ttr_bp, ttr_c, ttr_p = [[0, 0, 0] for _ in range(n)], {}, {}, {}
        sla_b, sla_bp, sla_p = [[0, 0] for _ in range(n)], {}, {}
        reopened_b = [0] * n
        for r, p, c, count, total, n_target, n_met, n_reopened, ranked in resolved:
            total, ranked, n_met, n_target = int(total or 0), int(ranked or 0), int(n_met or 0), int(n_target)
            if r < lead:
                ended_before += count
                if prev is not None and r == lead - 1:
                    _add_durations(prev.ttr, [count, total, ranked])
                    _add_compliance(prev.sla, [n_met, n_target])
                    prev.resolved += count
                    prev.reopened += int(n_reopened or 0)
                continue
            k = r - lead
            ended_per[k] += count
            for acc in (ttr_b[k], ttr_bp.setdefault((k, p), [0, 0, 0]), ttr_c.setdefault(c, [0, 0, 0]),
                        ttr_p.setdefault(p, [0, 0, 0])):
                acc[0] += count
                acc[1] += total
                acc[2] += ranked
            reopened_b[k] += int(n_reopened or 0)
            if n_target:
                for acc in (sla_b[k], sla_bp.setdefault((k, p), [0, 0]), sla_p.setdefault(p, [0, 0])):
                    acc[0] += n_met
                    acc[1] += n_target
        for k, acc in enumerate(ttr_b):
            _add_durations(buckets[k].ttr, acc)
            _add_durations(report.ttr, acc)
            _add_compliance(buckets[k].sla, sla_b[k])
            _add_compliance(report.sla, sla_b[k])
            buckets[k].reopened = reopened_b[k]
        for (k, p), acc in ttr_bp.items():
            _add_durations(buckets[k].ttr_by_priority.setdefault(p, Durations()), acc)
        for (k, p), acc in sla_bp.items():
            _add_compliance(buckets[k].sla_by_priority.setdefault(p, Compliance()), acc)
        for c, acc in ttr_c.items():
            _add_durations(group(by_category, c, c).ttr, acc)
        for p, acc in ttr_p.items():
            _add_durations(group(by_priority, p, labels[p]).ttr, acc)
        for p, acc in sla_p.items():
            _add_compliance(group(by_priority, p, labels[p]).sla, acc)
        report.resolved = report.ttr.n
        report.reopened = sum(reopened_b)

        # Acknowledgement rows start at range 1: the open-ended first range feeds no figure.
        tta_b, tta_c, tta_p = [[0, 0, 0] for _ in range(n)], {}, {}
        response_b = [[0, 0] for _ in range(n)]
        for r, p, c, count, total, n_target, n_met, ranked in acked:
            total, ranked, n_met, n_target = int(total or 0), int(ranked or 0), int(n_met or 0), int(n_target)
            k = r - lead
            if k < 0:
                if prev is not None:
                    prev.acknowledged += count
                    _add_durations(prev.tta, [count, total, ranked])
                    _add_compliance(prev.response_sla, [n_met, n_target])
                continue
            for acc in (tta_b[k], tta_c.setdefault(c, [0, 0, 0]), tta_p.setdefault(p, [0, 0, 0])):
                acc[0] += count
                acc[1] += total
                acc[2] += ranked
            response_b[k][0] += n_met
            response_b[k][1] += n_target
        for k, acc in enumerate(tta_b):
            _add_durations(buckets[k].tta, acc)
            _add_durations(report.tta, acc)
            _add_compliance(buckets[k].response_sla, response_b[k])
            _add_compliance(report.response_sla, response_b[k])
        for c, acc in tta_c.items():
            _add_durations(group(by_category, c, c).tta, acc)
        for p, acc in tta_p.items():
            _add_durations(group(by_priority, p, labels[p]).tta, acc)
        report.acknowledged = report.tta.n

        for r, _p, _c, count in ended:
            if r < lead:
                ended_before += count
                continue
            ended_per[r - lead] += count
            report.left_out += count
        open_count = opened_before - ended_before
        if prev is not None:
            prev.open = open_count  # open when this period starts: the previous one's end
        for k, b in enumerate(buckets):
            open_count += opened_per[k] - ended_per[k]
            b.backlog = open_count
            b.backlog_at = b.end
        report.open = buckets[-1].backlog if buckets else 0
        totals = {c: g.count for c, g in report.by_category.items() if g.count}
        report.top_categories = dm.top_categories(totals)
        report.other_categories = sorted(c for c in totals if c not in report.top_categories)

    def _trends(self, end: int, prios: list[int], cats: list[str], scope: IncidentFilter) -> list[dm.Trend]:
        week = dm.trend_week(end - 1)
        ranges = [(week - (dm.TREND_WEEKS - k) * 7 * dm.DAY_S, week - (dm.TREND_WEEKS - k - 1) * 7 * dm.DAY_S)
                  for k in range(dm.TREND_WEEKS + 1)]
        combos = mq.load_combos(self.store, ranges=ranges, priorities=prios, categories=cats)
        rows = mq.grouped(self.store, mq.OPENED, combos=combos, scope=scope, columns=["COUNT(*)"])
        weekly: dict[str, list[int]] = {}
        for r, _p, c, count in rows:
            weekly.setdefault(c, [0] * (dm.TREND_WEEKS + 1))[r] += count
        return dm.detect_trends(weekly, week)

    # ---- drill-down -------------------------------------------------------------------------------

    def drill_down(self, report: MetricsReport, point: DrillPoint) -> tuple[IncidentFilter, str]:
        """The incident-table filter that lists exactly the incidents behind a clicked point, and a label."""
        base = self._scope(report.filters)
        if point.chart == "trend":
            trend = report.trends[point.index]
            lo = int(datetime(trend.week_start.year, trend.week_start.month, trend.week_start.day,
                              tzinfo=UTC).timestamp())
            filt = replace(base, opened_from=_dt(lo), opened_to=_dt(lo + 7 * dm.DAY_S),
                           categories=_narrow(base.categories, {trend.category}))
            return filt, f"{trend.category}, opened in the week of {trend.week_start.isoformat()}"
        if point.chart == "age":
            label, _ = report.age[point.index]
            _, lo_d, hi_d = dm.AGE_BUCKETS[point.index]
            at = report.age_at
            opened_to = at - lo_d * dm.DAY_S
            opened_from = None if hi_d is None else at - hi_d * dm.DAY_S
            if report.open_at_end_is_now:
                filt = replace(base, statuses=frozenset(OPEN_STATUSES), opened_to=_dt(opened_to),
                               opened_from=_dt(opened_from) if opened_from is not None else None)
                return filt, f"Open, {label} old"
            filt = replace(base, open_at=_dt(at), opened_to=_dt(opened_to),
                           opened_from=_dt(opened_from) if opened_from is not None else None)
            return filt, f"Open at {_iso(at)[:16]}, {label} old"
        b = report.buckets[point.index]
        span = f"{_iso(b.start)[:10]} to {_iso(b.end - 1)[:10]}"
        if point.chart == "volume":
            names = set(report.other_categories) if point.series == dm.OTHER else {point.series}
            filt = replace(base, opened_from=_dt(b.start), opened_to=_dt(b.end),
                           categories=_narrow(base.categories, names))
            return filt, f"Opened {span}, {point.series}"
        if point.chart in ("mttr", "sla"):
            filt = replace(base, resolved_from=_dt(b.start), resolved_to=_dt(b.end))
            label = f"Resolved {span}"
            if point.series.startswith("P"):
                p = Priority.parse(point.series)
                filt = replace(filt, priorities=_narrow(base.priorities, {p}))
                label += f", {p.label}"
            elif point.chart == "sla":
                filt = replace(filt, priorities=_narrow(base.priorities,
                                                        {Priority(p) for p in report.sla_priorities}))
            return filt, label
        if point.chart == "mtta":
            return replace(base, acknowledged_from=_dt(b.start), acknowledged_to=_dt(b.end)), f"Acknowledged {span}"
        if point.chart == "backlog":
            at = b.backlog_at
            if at > int(self.clock().timestamp()) and point.index == len(report.buckets) - 1 \
                    and report.open_at_end_is_now:
                return replace(base, statuses=frozenset(OPEN_STATUSES)), "Open now"
            return replace(base, open_at=_dt(at)), f"Open at {_iso(at)[:16].replace('T', ' ')}"
        raise ValidationError(f"There is no chart called '{point.chart}'.", field="chart")


def _texts_by_bucket(n: int, pairs) -> list[list[str]]:
    """The durations column of grouped rows, gathered per bucket (index < 0: before the period)."""
    out: list[list[str]] = [[] for _ in range(n)]
    for k, text in pairs:
        if k >= 0 and text:
            out[k].append(text)
    return out


def _percentiles(report: MetricsReport, known: list[list[str]], attr: str) -> None:
    """Nearest-rank median and p90 of every period and of the whole report, from their known durations."""
    values = [mq.durations(texts) for texts in known]
    for b, got in zip(report.buckets, values):
        d: Durations = getattr(b, attr)
        if d.n:
            d.median, d.p90 = _ranked(got, d.n)
    overall: Durations = getattr(report, attr)
    if overall.n:
        overall.median, overall.p90 = _ranked(np.concatenate(values), overall.n)


def _add_durations(d: Durations, acc: list[int]) -> None:
    d.n += acc[0]
    d.total += acc[1]
    d.ranked += acc[2]


def _add_compliance(comp: Compliance, acc: list[int]) -> None:
    comp.met += acc[0]
    comp.total += acc[1]


def _ranked(known: np.ndarray, n: int) -> tuple[int | None, int | None]:
    """The nearest-rank P50 and P90 of ``n`` rows (dm.rank_of) from their ``known`` durations: a rank
    past the rows whose duration is known has no value, as in the SQL this replaces."""
    ranks = [dm.rank_of(n, dm.P50), dm.rank_of(n, dm.P90)]
    usable = sorted({r - 1 for r in ranks if 1 <= r <= len(known)})
    if not usable:
        return None, None
    picked = np.partition(known, usable)
    return tuple(int(picked[r - 1]) if 1 <= r <= len(known) else None for r in ranks)


def _narrow(current: frozenset, wanted: set) -> frozenset:
    return frozenset(wanted & current) if current else frozenset(wanted)


class _Stepper:
    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, text: str) -> None:
        if self.progress is not None:
            self.progress(min(100, int(100 * self.done / self.total)), text)
        self.done += 1

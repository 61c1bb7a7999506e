"""What the reports say, gathered from the services: an incident's closure report or postmortem (for the
team, or for customers with nobody's name, contact or internal note in it) and the monthly review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from incident_desk.domain import metrics as dm
from incident_desk.domain.closure import format_problem_key, redact
from incident_desk.domain.incident import (
    EV_COMMENT,
    EV_WORK_NOTE,
    DomainError,
    Incident,
    LinkKind,
    Priority,
    Status,
)
from incident_desk.domain.postmortem import (
    SECTIONS,
    ActionItem,
    KeyDurations,
    Milestone,
    Postmortem,
    PostmortemStatus,
)
from incident_desk.domain.reporting import Month, parse_audience, parse_month
from incident_desk.services.errors import ValidationError
from incident_desk.storage import closure_queries as cq
from incident_desk.storage.queries import ts

Progress = Callable[[int, str], None]
TREND_MONTHS = 6
MAJOR_LIMIT = 25
NOT_STARTED = "Not started"
OVERDUE_LIMIT = 30
SEVERITY_WORDS = {Priority.P1: "Critical", Priority.P2: "High", Priority.P3: "Moderate", Priority.P4: "Low",
                  Priority.P5: "Planning"}


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    what: str
    who: str | None = None
    milestone: str | None = None


@dataclass(frozen=True)
class ReportSection:
    heading: str
    text: str


@dataclass
class IncidentReport:
    """One incident's report. For a customer audience every text is already chosen and redacted here, so
    no renderer can leak what the data does not hold."""

    audience: str
    kind: str                      # postmortem | closure
    generated_at: datetime
    key: str
    title: str
    facts: list[tuple[str, str]]
    durations: KeyDurations
    sections: list[ReportSection]
    timeline: list[TimelineRow]
    action_items: list[tuple[str, str | None, str, str]]   # title, owner (internal only), due, status
    postmortem_status: str | None = None
    draft_note: str | None = None
    comments: list[tuple[datetime, str, str, str]] = field(default_factory=list)  # internal only
    links: list[tuple[str, str, str]] = field(default_factory=list)               # internal only


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def sla_word(state: str) -> str:
    """How an SLA clock ended, in words for a report."""
    return {"met": "met", "missed": "missed", "none": "no target", "running": "still running"}.get(state, state)


class ReportService:
    """Builds report data from the desk's services; one source of truth for every number."""

    def __init__(self, desk):
        self.desk = desk

    # ---- one incident ----------------------------------------------------------------------------------

    def incident_report(self, key: str, *, audience: str = "internal") -> IncidentReport:
        try:
            audience = parse_audience(audience)
        except DomainError as exc:
            raise ValidationError(str(exc), field="audience") from None
        desk = self.desk
        with desk.store.read():
            inc = desk.incidents.get_incident(key)
            pm = desk.postmortems.get(inc.key)
            durations = desk.postmortems.durations(inc.key, pm)
            items = desk.action_items.for_incident(inc.id)
            problem = desk.problems.problem_of(inc.id)
            comments = [e for e in desk.incidents.timeline(inc.key, newest_first=False)
                        if e.kind in (EV_COMMENT, EV_WORK_NOTE)]
            links = desk.incidents.links(inc.key)
            generated = desk.postmortems.generated_timeline(inc.key) if pm is None else []
            names = self._names(inc)
        if audience == "customer":
            return self._customer(inc, pm, durations, items, problem, names)
        return self._internal(inc, pm, durations, items, problem, comments, links, generated)

    def _names(self, inc: Incident) -> list[str]:
        """Everyone a customer report must not name: the reporter and every account of the desk."""
        names = [inc.reporter_name, inc.reporter_contact]
        for username, display, email in cq.user_names(self.desk.store):
            names += [username, display, email]
        return [n for n in names if n]

    def _internal(self, inc: Incident, pm: Postmortem | None, durations: KeyDurations, items: list[ActionItem],
                  problem, comments, links, generated) -> IncidentReport:
        today = self.desk.action_items.today()
        facts = [
            ("Priority", f"{inc.priority.label} (impact {inc.impact.label}, urgency {inc.urgency.label})"
             + (f"; override: {inc.override_reason}" if inc.priority_overridden else "")),
            ("Category", inc.category + (f" / {inc.subcategory}" if inc.subcategory else "")),
            ("Service", inc.service or "-"),
            ("Status", inc.status.label),
            ("Reporter", f"{inc.reporter_name or '-'}" + (f" <{inc.reporter_contact}>" if inc.reporter_contact
                                                          else "") + f" via {inc.channel.value}"),
            ("Assignee", (inc.assignee or "unassigned") + (f" ({inc.team})" if inc.team else "")),
            ("Opened", _dt(inc.opened_at)), ("Acknowledged", _dt(inc.acknowledged_at)),
            ("Resolved", _dt(inc.resolved_at)), ("Closed", _dt(inc.closed_at)),
            ("Reopened", f"{inc.reopen_count} time{'s' if inc.reopen_count != 1 else ''}"),
            ("Resolution", (inc.resolution_code or "-") + (f": {inc.resolution_notes}" if inc.resolution_notes
                                                           else "")),
            ("Root-cause category", inc.root_cause or "not recorded"),
            ("Caller confirmation", f"{_dt(inc.caller_confirmed_at)}: {inc.caller_confirmation}"
             if inc.caller_confirmed_at else "not recorded"),
            ("Problem", f"{problem.key} {problem.title} ({problem.status.label})" if problem else "-"),
        ]
        if inc.duplicate_of:
            facts.append(("Duplicate of", inc.duplicate_of))
        sections: list[ReportSection] = []
        draft_note = None
        if pm is not None:
            sections.append(ReportSection("As reported", inc.description or "(no description)"))
            facts += [("Postmortem", pm.status.label + (" (required)" if pm.required else "")),
                      ("Written by", pm.author or "-"),
                      ("Approved by", f"{pm.approver} on {_dt(pm.published_at)}" if pm.approver else "-")]
            if pm.status != PostmortemStatus.PUBLISHED:
                draft_note = f"This postmortem is a {pm.status.label.lower()}; it has not been approved yet."
            impact = [f"Who: {pm.text('impact_who') or 'not stated'}",
                      f"How many: {pm.impact_count:,}" if pm.impact_count is not None else "How many: not stated",
                      f"How long: {_hours(durations.impact_s)} (computed from the timeline)"]
            for section in SECTIONS:
                text = pm.text(section.name)
                if section.name == "customer_impact":
                    text = "\n".join(impact) + ("\n\n" + text if text else "")
                sections.append(ReportSection(section.heading, text or "(not written)"))
            timeline = [TimelineRow(e.at, e.text, e.actor, e.milestone.label if e.milestone else None)
                        for e in pm.visible_entries()]
        else:
            sections.append(ReportSection("Summary", inc.description or inc.title))
            if inc.resolution_notes:
                sections.append(ReportSection("What was done", inc.resolution_notes))
            timeline = [TimelineRow(d.at, d.text, d.actor) for d in generated]
        return IncidentReport(
            audience="internal", kind="postmortem" if pm else "closure", generated_at=self.desk.clock(),
            key=inc.key, title=inc.title, facts=facts, durations=durations, sections=sections, timeline=timeline,
            action_items=[(i.title, i.owner or "NO OWNER", i.due.isoformat() if i.due else "-",
                           i.status.label + (" (overdue)" if i.overdue(today) else "")) for i in items],
            postmortem_status=pm.status.label if pm else None, draft_note=draft_note,
            comments=[(e.at, "work note" if e.kind == EV_WORK_NOTE else "comment", e.actor or "system", e.note or "")
                      for e in comments],
            links=[(link.kind.value if link.from_key == inc.key else _reverse(link.kind),
                    link.to_key if link.from_key == inc.key else link.from_key, link.to_title) for link in links])

    def _customer(self, inc: Incident, pm: Postmortem | None, durations: KeyDurations, items: list[ActionItem],
                  problem, names: list[str]) -> IncidentReport:
        # Only a published postmortem speaks to customers; a draft's words are not approved yet.
        published = pm if pm is not None and pm.status == PostmortemStatus.PUBLISHED else None

        def clean(text: str | None) -> str:
            return redact(text, names).strip()

        title = clean(inc.title)
        # An internal service's name is the desk's business: customers read the public ones, else the category.
        affected = ", ".join(self.desk.communication.public_services_of(inc.key)) or inc.category
        facts = [("Severity", f"{SEVERITY_WORDS[inc.priority]} ({inc.priority.label})"),
                 ("Affected", clean(affected)),
                 ("Status", inc.status.label),
                 ("Started", _dt(self._milestone(published, Milestone.IMPACT_START) or inc.opened_at)),
                 ("Resolved", _dt(inc.resolved_at)),
                 ("Duration of impact", _hours(durations.impact_s))]
        sections = []
        if published:
            sections.append(ReportSection("What happened", clean(published.text("summary")) or title))
            impact = []
            if published.text("impact_who"):
                impact.append(f"Affected: {clean(published.text('impact_who'))}")
            if published.impact_count is not None:
                impact.append(f"Number affected: {published.impact_count:,}")
            impact.append(f"Duration: {_hours(durations.impact_s)}")
            body = clean(published.text("customer_impact"))
            sections.append(ReportSection("Impact", "\n".join(impact) + ("\n\n" + body if body else "")))
            sections.append(ReportSection("What we did", clean(published.text("response"))
                                          or _resolution_words(inc, clean)))
            cause = clean(published.text("root_cause"))
            category = f"Root-cause category: {inc.root_cause}." if inc.root_cause else ""
            sections.append(ReportSection("Why it happened", "\n\n".join(t for t in (category, cause) if t)
                                          or "The investigation of the cause is still open."))
        else:
            sections.append(ReportSection("What happened", f"{title} ({clean(affected)})."))
            sections.append(ReportSection("Impact", f"Duration: {_hours(durations.impact_s)}"))
            sections.append(ReportSection("What we did", _resolution_words(inc, clean)))
            if inc.root_cause:
                sections.append(ReportSection("Why it happened", f"Root-cause category: {inc.root_cause}."))
        if problem is not None and problem.status.value == "known_error" and problem.workaround:
            sections.append(ReportSection("If it happens again", clean(problem.workaround)))
        return IncidentReport(
            audience="customer", kind="postmortem" if published else "closure", generated_at=self.desk.clock(),
            key=inc.key, title=title, facts=facts, durations=durations, sections=sections,
            timeline=self._customer_timeline(inc, published),
            action_items=[(clean(i.title), None, i.due.strftime("%B %Y") if i.due else "-", i.status.label)
                          for i in items if i.status.value != "cancelled"],
            postmortem_status=None)

    @staticmethod
    def _milestone(pm: Postmortem | None, milestone: Milestone) -> datetime | None:
        if pm is None:
            return None
        found = [e.at for e in pm.visible_entries() if e.milestone == milestone]
        return min(found) if found else None

    def _customer_timeline(self, inc: Incident, pm: Postmortem | None) -> list[TimelineRow]:
        """Milestones only, from the incident's own instants: no entry text a person wrote."""
        rows = []
        start = self._milestone(pm, Milestone.IMPACT_START)
        if start:
            rows.append(TimelineRow(start, "The problem began"))
        rows.append(TimelineRow(inc.opened_at, "We were alerted and opened an incident"))
        if inc.acknowledged_at:
            rows.append(TimelineRow(inc.acknowledged_at, "An engineer started working on it"))
        mitigated = self._milestone(pm, Milestone.MITIGATED)
        if mitigated:
            rows.append(TimelineRow(mitigated, "The impact was mitigated"))
        if inc.resolved_at:
            rows.append(TimelineRow(inc.resolved_at, "The problem was resolved"))
        if inc.closed_at and inc.status == Status.CLOSED:
            rows.append(TimelineRow(inc.closed_at, "The incident was closed"))
        return sorted(rows, key=lambda r: r.at)

    # ---- the monthly review ------------------------------------------------------------------------------

    def monthly_review(self, month: str | Month, *, progress: Progress | None = None) -> MonthlyReview:
        from incident_desk.services.metrics import MetricsService
        try:
            month = month if isinstance(month, Month) else parse_month(month)
        except DomainError as exc:
            raise ValidationError(str(exc), field="month") from None
        step = progress or (lambda _pct, _text: None)
        metrics = MetricsService.for_desk(self.desk)
        first = month.back(TREND_MONTHS - 1)
        step(5, f"Figures from {first.name} to {month.name}")
        # One refresh by month over the six months: its last two buckets are the month and the one
        # before, the same numbers the metrics tab shows for them, and the charts' series.
        trend = metrics.refresh(dm.MetricsFilter(start=first.start, end=month.end), by="month",
                                ack_percentiles=False, ageing=False)
        step(75, "Major incidents and action items")
        policy = self.desk.settings.closure_policy()
        priorities = sorted(int(p) for p in policy.postmortem_priorities)
        store = self.desk.store
        start, end = int(month.start.timestamp()), int(month.end.timestamp())
        with store.read():
            counts = cq.major_counts(store, start=start, end=end, priorities=priorities)
            rows = cq.major_incidents(store, start=start, end=end, priorities=priorities, limit=MAJOR_LIMIT)
            action_counts = self.desk.action_items.counts()
            overdue = self.desk.action_items.list(overdue=True, limit=OVERDUE_LIMIT)
            problem_counts = self.desk.problems.counts()
        by_status: dict[str, int] = {}
        for _p, status, n in counts:
            label = PostmortemStatus(status).label if status else NOT_STARTED
            by_status[label] = by_status.get(label, 0) + n
        majors = [MajorIncident(key=r[1], title=r[2], priority=Priority(r[3]), category=r[4], status=Status(r[5]),
                                opened_at=ts(r[6]), resolved_at=ts(r[7]), ttr_s=r[8],
                                postmortem=PostmortemStatus(r[9]).label if r[9] else NOT_STARTED,
                                problem=format_problem_key(r[10]) if r[10] else None) for r in rows]
        step(100, "Done")
        return MonthlyReview(
            month=month, generated_at=self.desk.clock(), current=_figures(trend.buckets[-1]),
            previous=_figures(trend.buckets[-2]),
            trend_labels=[b.label for b in trend.buckets], volume_series=trend.volume_series(),
            mttr_series={"mean": [dm.hours(b.ttr.mean) for b in trend.buckets],
                         "median": [dm.hours(b.ttr.median) for b in trend.buckets],
                         "p90": [dm.hours(b.ttr.p90) for b in trend.buckets]},
            trends=[t.describe() for t in trend.trends],
            major_priorities=[Priority(p).label for p in priorities], major_by_status=by_status,
            major_total=sum(by_status.values()), majors=majors, action_counts=action_counts,
            overdue_items=overdue, today=self.desk.action_items.today(), problem_counts=problem_counts)


@dataclass(frozen=True)
class Figures:
    """The headline figures of one month (durations in seconds, shares in per cent)."""

    opened: int
    resolved: int
    mtta_s: float | None
    mttr_s: float | None
    mttr_median_s: float | None
    mttr_p90_s: float | None
    sla_pct: float | None
    reopen_pct: float | None


def _figures(bucket) -> Figures:
    """A month's headline figures from its bucket of the metrics service's monthly series."""
    return Figures(opened=bucket.volume_total, resolved=bucket.ttr.n, mtta_s=bucket.tta.mean, mttr_s=bucket.ttr.mean,
                   mttr_median_s=bucket.ttr.median, mttr_p90_s=bucket.ttr.p90, sla_pct=bucket.sla.pct,
                   reopen_pct=bucket.reopen_rate_pct)


@dataclass(frozen=True)
class MajorIncident:
    key: str
    title: str
    priority: Priority
    category: str
    status: Status
    opened_at: datetime
    resolved_at: datetime | None
    ttr_s: int | None
    postmortem: str
    problem: str | None


@dataclass
class MonthlyReview:
    """The board's and team leads' month: figures against the month before, trends, majors, follow-ups."""

    month: Month
    generated_at: datetime
    current: Figures
    previous: Figures
    trend_labels: list[str]
    volume_series: dict[str, list[int]]
    mttr_series: dict[str, list[float | None]]
    trends: list[str]
    major_priorities: list[str]
    major_by_status: dict[str, int]
    major_total: int
    majors: list[MajorIncident]
    action_counts: dict[str, int]
    overdue_items: list[ActionItem]
    today: date
    problem_counts: dict[str, int]
    definitions: dict[str, str] = field(default_factory=lambda: dict(dm.DEFINITIONS))


def _hours(seconds: float | None) -> str:
    from incident_desk.domain.reporting import hours_text
    return hours_text(seconds)


def _resolution_words(inc: Incident, clean) -> str:
    if inc.status not in (Status.RESOLVED, Status.CLOSED):
        return "The incident is still being worked on."
    code = (inc.resolution_code or "resolved").capitalize()
    notes = clean(inc.resolution_notes)
    return f"{code}." + (f" {notes}" if notes else "")


def _reverse(kind: LinkKind) -> str:
    return {LinkKind.DUPLICATE_OF: "duplicated_by", LinkKind.RELATED: "related",
            LinkKind.PARENT_OF: "child_of"}[kind]


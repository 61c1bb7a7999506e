"""The `metrics` sub-command: the metrics service's figures as a readable table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import DomainError, Priority
from incident_desk.domain.text import printable
from incident_desk.services.errors import ValidationError

if TYPE_CHECKING:
    from incident_desk.services.metrics import MetricsReport


def register(subparsers) -> argparse.ArgumentParser:
    """Add `metrics` to the CLI's sub-commands."""
    parser = subparsers.add_parser(
        "metrics", help="print MTTA, MTTR, SLA compliance, volumes and series",
        description="Print the metrics the Metrics tab shows, computed by the same service. "
                    "Without --from/--to it covers every incident, however old.")
    parser.add_argument("--from", dest="date_from", metavar="DATE",
                        help="first day of the period, YYYY-MM-DD (UTC, inclusive)")
    parser.add_argument("--to", dest="date_to", metavar="DATE",
                        help="last day of the period, YYYY-MM-DD (UTC, inclusive)")
    parser.add_argument("--by", choices=dm.GRANULARITIES, default="week", help="series grouping (default: week)")
    parser.add_argument("--team", action="append", default=[], metavar="TEAM", help="only this team (repeatable)")
    parser.add_argument("--assignee", action="append", default=[], metavar="USER",
                        help="only this assignee's incidents (repeatable)")
    parser.add_argument("--category", action="append", default=[], metavar="CATEGORY",
                        help="only this category (repeatable)")
    parser.add_argument("--priority", action="append", default=[], metavar="P",
                        help="only this priority, P1..P5 (repeatable)")
    parser.add_argument("--business-hours", action="store_true",
                        help="durations in the SLA calendar's working hours")
    parser.add_argument("--exclude-hold", action="store_true", help="subtract time spent On hold from TTR")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=run)
    return parser


def build_filter(args: argparse.Namespace) -> dm.MetricsFilter:
    """The MetricsFilter the arguments ask for; bad dates or priorities raise ValidationError."""
    start = end = None
    try:
        if args.date_from:
            start = dm.day_start(dm.parse_day(args.date_from, "--from date"))
        if args.date_to:
            end = dm.day_after(dm.parse_day(args.date_to, "--to date"))
    except DomainError as exc:
        raise ValidationError(str(exc), field="date") from None
    if start is not None and end is not None and end <= start:
        raise ValidationError(f"--to {args.date_to} is before --from {args.date_from}; swap them.", field="date")
    try:
        priorities = frozenset(Priority.parse(p) for p in args.priority)
    except DomainError as exc:
        raise ValidationError(str(exc), field="priority") from None
    return dm.MetricsFilter(start=start, end=end, teams=frozenset(t.strip() for t in args.team if t.strip()),
                            assignees=frozenset(a.strip() for a in args.assignee if a.strip()),
                            categories=frozenset(c.strip() for c in args.category if c.strip()),
                            priorities=priorities)


def run(desk, args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Compute and print; returns the exit code (errors are raised for cli.main to report)."""
    out = out or sys.stdout
    filters = build_filter(args)
    _check_names(desk, filters)
    # Imported here: every start of the app builds this parser, and the service is 40 ms of imports.
    from incident_desk.services.metrics import MetricsService
    report = MetricsService.for_desk(desk).refresh(filters, by=args.by, business_hours=args.business_hours,
                                                  exclude_hold=args.exclude_hold)
    if args.json:
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(format_report(report))
    return 0


def _check_names(desk, filters: dm.MetricsFilter) -> None:
    """Unknown team, user or category names are typos, not empty results."""
    teams = {t.lower() for t in desk.users.team_names()}
    for name in filters.teams:
        if name.lower() not in teams:
            raise ValidationError(f"There is no team '{name}'.", field="team")
    users = {u["username"].lower() for u in desk.users.list_users()}
    for name in filters.assignees:
        if name.lower() not in users:
            raise ValidationError(f"There is no user '{name}'.", field="assignee")
    known = {c.lower() for c in desk.settings.category_names()}  # retired ones still have incidents
    for name in filters.categories:
        if next(iter(desk.settings.current_category_names({name}))).lower() not in known:
            raise ValidationError(f"There is no category '{name}'; see the category list in Settings.",
                                  field="category")


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


# (label, headline key, previous figure's JSON name, current figure's JSON path, number format)
_CHANGE_ROWS = (("Opened", "volume", ("counts", "total"), "{:,.0f}"),
                ("Open backlog", "backlog", ("counts", "open"), "{:,.0f}"),
                ("MTTA h", "mtta", ("mtta_hours_mean",), "{:.2f}"), ("MTTR h", "mttr", ("mttr_hours_mean",), "{:.1f}"),
                ("SLA compliance %", "sla", ("sla_compliance_pct",), "{:.1f}"),
                ("Reopen rate %", "reopen", ("reopen_rate_pct",), "{:.1f}"))


def _change_lines(report: MetricsReport, d: dict) -> list[str]:
    """The headline against the previous period of equal length, as the tab's cards show it."""
    previous = d["previous"]
    if previous is None:
        return ["  No previous period to compare with: the period starts with the first incident.", ""]
    last = dm.bucket_label(report.previous.end - 1, "day")
    lines = [f"  Against the previous {previous['length']} ({previous['from'][:10]} to {last}):"]
    current = dict(d, mtta_hours_mean=d["mtta_hours"]["mean"], mttr_hours_mean=d["mttr_hours"]["mean"])
    changes = report.changes()
    for label, key, path, fmt in _CHANGE_ROWS:
        before, after = previous, current
        for name in path:
            before, after = before[name], after[name]
        change = changes[key]
        verdict = f" ({change.verdict})" if change.verdict else ""
        lines.append(f"    {label:18}{_num(before, fmt):>10} -> {_num(after, fmt):<10}{change.short()}{verdict}")
    lines.append("")
    return lines


def format_report(report: MetricsReport) -> str:
    """A plain-text report: headline, per priority, per category, then the series."""
    d = report.to_dict()
    c = d["counts"]
    lines = []
    period = d["period"]
    clock = "business hours" if report.business_hours else "wall clock"
    if report.exclude_hold:
        clock += ", On hold excluded"
    last = dm.bucket_label(report.end - 1, "day")  # the period is half-open; show its last day
    lines.append(f"Metrics {period['from'][:10]} to {last} (UTC, inclusive), by {report.by} ({clock})")
    if report.note:
        lines.append(report.note)
    lines.append("")
    lines.append(f"  Opened            {c['total']:>10,}")
    lines.append(f"  Resolved          {c['resolved']:>10,}   (MTTR is over these)")
    lines.append(f"  Left out of MTTR  {c['left_out_of_mttr']:>10,}   (closed or cancelled without a resolution time)")
    lines.append(f"  Open backlog      {c['open']:>10,}")
    lines.append(f"  SLA compliance    {_num(d['sla_compliance_pct']):>10} %  "
                 f"(response {_num(d['response_compliance_pct'])} %; target {d['sla_target_pct']:g} %)")
    lines.append(f"  Reopen rate       {_num(d['reopen_rate_pct']):>10} %")
    lines.append("")
    lines.extend(_change_lines(report, d))
    lines.append(f"  {'':6}{'n':>10}{'mean h':>10}{'median h':>10}{'p90 h':>10}")
    for name, key in (("MTTA", "mtta_hours"), ("MTTR", "mttr_hours")):
        h = d[key]
        lines.append(f"  {name:6}{h['n']:>10,}{_num(h['mean'], '{:.2f}'):>10}{_num(h['median'], '{:.2f}'):>10}"
                     f"{_num(h['p90'], '{:.2f}'):>10}")
    for t in report.trends:
        lines.append(f"  ! {printable(t.describe())}")
    lines.append("")
    lines.append(f"  {'Priority':10}{'opened':>10}{'resolved':>10}{'MTTR h':>10}{'MTTA h':>10}{'SLA %':>8}")
    for row in d["by_priority"]:
        lines.append(f"  {row['priority']:10}{row['count']:>10,}{row['resolved']:>10,}"
                     f"{_num(row['mttr_hours_mean']):>10}{_num(row['mtta_hours_mean'], '{:.2f}'):>10}"
                     f"{_num(row['sla_compliance_pct']):>8}")
    lines.append("")
    # Category names are typed by leads: escaped, never obeyed by the terminal (not in --json).
    names = {r["category"]: printable(r["category"]) for r in d["by_category"]}
    width = max([len(n) for n in names.values()] + [8]) + 2
    lines.append(f"  {'Category':{width}}{'opened':>10}{'resolved':>10}{'MTTR h':>10}")
    for row in d["by_category"]:
        lines.append(f"  {names[row['category']]:{width}}{row['count']:>10,}{row['resolved']:>10,}"
                     f"{_num(row['mttr_hours_mean']):>10}")
    lines.append("")
    lines.append(f"  {'Period':12}{'opened':>8}{'MTTA h':>8}{'MTTR h':>8}{'p90 h':>8}{'SLA %':>7}{'backlog':>9}")
    for s in d["series"]:
        lines.append(f"  {s['label']:12}{s['volume']:>8,}{_num(s['mtta_hours']['mean'], '{:.2f}'):>8}"
                     f"{_num(s['mttr_hours']['mean']):>8}{_num(s['mttr_hours']['p90']):>8}"
                     f"{_num(s['sla_compliance_pct']):>7}{s['backlog']:>9,}")
    lines.append("")
    lines.append("Definitions:")
    for text in dm.DEFINITIONS.values():
        lines.append(f"  - {text}")
    return "\n".join(lines) + "\n"

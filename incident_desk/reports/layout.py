"""What goes where: the incident report and the monthly review laid out as document blocks."""

from __future__ import annotations

from incident_desk.domain.metrics import DEFINITIONS
from incident_desk.domain.postmortem import DURATION_DEFINITIONS
from incident_desk.domain.reporting import change_text, hours_text, pct_text, plural
from incident_desk.reports.document import Document, Figure, Heading, PageBreak, Paragraph, Table
from incident_desk.services.reports import IncidentReport, MonthlyReview, sla_word

UTC_FORMAT = "%Y-%m-%d %H:%M"


def _when(value) -> str:
    return value.strftime(UTC_FORMAT) if value else "-"


def incident_document(report: IncidentReport) -> Document:
    """The closure report or postmortem of one incident, for the team or for customers."""
    customer = report.audience == "customer"
    if customer:
        title = f"Incident report: {report.title}"
        subtitle = (f"Reference {report.key} · for customers · prepared {_when(report.generated_at)} UTC")
        footer = f"{report.key} · incident report"
    else:
        kind = "Postmortem" if report.kind == "postmortem" else "Closure report"
        title = f"{kind}: {report.key} {report.title}"
        subtitle = (f"Internal: contains names, contacts and internal notes · generated "
                    f"{_when(report.generated_at)} UTC")
        footer = f"{report.key} · {kind.lower()} · internal"
    doc = Document(title=title, subtitle=subtitle, footer=footer)
    if report.draft_note:
        doc.add(Paragraph(report.draft_note, "warning"))
    doc.add(Heading("At a glance"), Table(("Item", "Detail"), tuple(report.facts), widths=(26, 74)))
    d = report.durations
    if customer:
        rows = (("Time to respond", hours_text(d.acknowledge_s), "From our alert to an engineer working on it."),
                ("Time to mitigate", hours_text(d.mitigate_s), "From our alert to the impact being relieved."),
                ("Time to resolve", hours_text(d.resolve_s), "From our alert to the problem being resolved."),
                ("Duration of impact", hours_text(d.impact_s), "How long the service was affected."),
                ("Response target", sla_word(d.response_sla), "Whether our response-time commitment was met."),
                ("Resolution target", sla_word(d.resolution_sla), "Whether our resolution-time commitment was met."))
    else:
        rows = (("Time to detect", hours_text(d.detect_s) if d.detect_s is not None else "unknown",
                 DURATION_DEFINITIONS["detect"]),
                ("Time to acknowledge", hours_text(d.acknowledge_s), DURATION_DEFINITIONS["acknowledge"]),
                ("Time to mitigate", hours_text(d.mitigate_s), DURATION_DEFINITIONS["mitigate"]),
                ("Time to resolve", hours_text(d.resolve_s), DURATION_DEFINITIONS["resolve"]),
                ("Impact duration", hours_text(d.impact_s), DURATION_DEFINITIONS["impact"]),
                ("Response target", sla_word(d.response_sla), DURATION_DEFINITIONS["sla"]),
                ("Resolution target", sla_word(d.resolution_sla), DURATION_DEFINITIONS["sla"]))
    doc.add(Heading("Key durations"),
            Paragraph("Computed from the incident's recorded times, never typed.", "muted"),
            Table(("Measure", "Value", "Definition"), rows, align="lrl", widths=(22, 14, 64)))
    for section in report.sections:
        doc.add(Heading(section.heading), Paragraph(section.text))
    doc.add(Heading("Timeline"))
    if customer:
        doc.add(Table(("Time (UTC)", "What happened"), tuple((_when(r.at), r.what) for r in report.timeline),
                      widths=(24, 76)))
    else:
        doc.add(Table(("Time (UTC)", "What happened", "Who", "Marks"),
                      tuple((_when(r.at), r.what, r.who or "system", r.milestone or "") for r in report.timeline),
                      widths=(18, 56, 13, 13)))
    doc.add(Heading("What will prevent a repeat" if customer else "Action items"))
    if report.action_items:
        if customer:
            doc.add(Table(("Action", "Planned for", "Status"),
                          tuple((t, due, status) for t, _owner, due, status in report.action_items),
                          widths=(64, 18, 18)))
        else:
            doc.add(Table(("Action", "Owner", "Due", "Status"), tuple(report.action_items), widths=(52, 16, 14, 18)))
    else:
        doc.add(Paragraph("None recorded yet.", "muted"))
    if not customer:
        if report.links:
            doc.add(Heading("Linked incidents"),
                    Table(("Relation", "Incident", "Title"), tuple((k.replace("_", " "), key, t)
                                                                   for k, key, t in report.links),
                          widths=(18, 16, 66)))
        doc.add(Heading("Comments and work notes"))
        if report.comments:
            doc.add(Table(("Time (UTC)", "Kind", "Who", "Text"),
                          tuple((_when(at), kind, who, text) for at, kind, who, text in report.comments),
                          widths=(18, 12, 12, 58)))
        else:
            doc.add(Paragraph("None.", "muted"))
    return doc


def review_document(review: MonthlyReview) -> Document:
    """The monthly review for team leads and the board."""
    month, prev = review.month, review.month.previous()
    c, p = review.current, review.previous
    doc = Document(title=f"Monthly incident review: {month.name}",
                   subtitle=f"For team leads and the board · {month.name} (UTC) · generated "
                            f"{_when(review.generated_at)} UTC",
                   footer=f"Incident review {month.label}")
    rows = (
        ("Incidents opened", f"{c.opened:,}", f"{p.opened:,}", change_text(c.opened, p.opened, lower_is_better=None)),
        ("Incidents resolved", f"{c.resolved:,}", f"{p.resolved:,}",
         change_text(c.resolved, p.resolved, lower_is_better=None)),
        ("MTTA (mean)", hours_text(c.mtta_s), hours_text(p.mtta_s), change_text(c.mtta_s, p.mtta_s,
                                                                                lower_is_better=True)),
        ("MTTR (mean)", hours_text(c.mttr_s), hours_text(p.mttr_s), change_text(c.mttr_s, p.mttr_s,
                                                                                lower_is_better=True)),
        ("MTTR (median)", hours_text(c.mttr_median_s), hours_text(p.mttr_median_s),
         change_text(c.mttr_median_s, p.mttr_median_s, lower_is_better=True)),
        ("MTTR (p90)", hours_text(c.mttr_p90_s), hours_text(p.mttr_p90_s),
         change_text(c.mttr_p90_s, p.mttr_p90_s, lower_is_better=True)),
        ("SLA compliance", pct_text(c.sla_pct), pct_text(p.sla_pct),
         change_text(c.sla_pct, p.sla_pct, lower_is_better=False, points=True)),
        ("Reopen rate", pct_text(c.reopen_pct), pct_text(p.reopen_pct),
         change_text(c.reopen_pct, p.reopen_pct, lower_is_better=True, points=True)),
    )
    doc.add(Heading("Headline figures"),
            Table(("Figure", month.name, prev.name, "Change"), rows, align="lrrr", widths=(30, 22, 22, 26)),
            Paragraph("\n".join(f"- {DEFINITIONS[k]}" for k in ("volume", "tta", "ttr", "percentiles", "sla",
                                                                  "reopen", "buckets")), "muted"))
    if review.trends:
        doc.add(Paragraph("\n".join(f"- {t}" for t in review.trends), "note"))

    labels = review.trend_labels
    doc.add(Heading("Category trend"),
            Figure("volume", f"Incidents opened per month by category, {labels[0]} to {labels[-1]} (count)",
                   "Stacked bars: incidents opened in each month, split by category."),
            Table(("Category", *labels), tuple((name, *(f"{v:,}" for v in values))
                                              for name, values in review.volume_series.items()),
                  align="l" + "r" * len(labels), caption="Incidents opened (count)"))
    series = review.mttr_series
    doc.add(Heading("Time to resolve"),
            Figure("mttr", f"MTTR per month: mean, median and p90, {labels[0]} to {labels[-1]} (hours)",
                   "Lines: mean, median and 90th percentile of the time to resolve, in hours, per month."),
            Table(("Month", "Mean (h)", "Median (h)", "p90 (h)"),
                  tuple((label, _h(series["mean"][k]), _h(series["median"][k]), _h(series["p90"][k]))
                        for k, label in enumerate(labels)), align="lrrr"))

    doc.add(PageBreak(), Heading("Major incidents"))
    statuses = ", ".join(f"{n:,} {name.lower()}" for name, n in sorted(review.major_by_status.items(),
                                                                        key=_pm_order))
    were = "was" if review.major_total == 1 else "were"
    if review.major_priorities:
        doc.add(Paragraph(f"{plural(review.major_total, 'incident')} of priority "
                          f"{', '.join(review.major_priorities)} {were} opened in {month.name} (cancelled ones left "
                          f"out); each needs a postmortem once resolved. Postmortems: {statuses or 'none'}."))
    else:
        doc.add(Paragraph("No priority needs a postmortem under the closure policy, so no incident counts as major."))
    if review.majors:
        shown = len(review.majors)
        caption = (f"The {shown} of highest priority and longest time to resolve, of {review.major_total:,}"
                   if review.major_total > shown else "")
        doc.add(Table(("Incident", "Priority", "Title", "Category", "Time to resolve", "Postmortem"),
                      tuple((m.key, m.priority.label, m.title, m.category,
                             hours_text(m.ttr_s) if m.ttr_s is not None else f"{m.status.label}", m.postmortem)
                            for m in review.majors),
                      align="llllrl", caption=caption, widths=(14, 9, 37, 14, 12, 14)))
    counts = review.action_counts
    doc.add(Heading("Action items"),
            Paragraph(f"{counts['open']:,} open, {counts['overdue']:,} overdue, {counts['unowned']:,} without an "
                      f"owner (on {review.today.isoformat()})."))
    if review.overdue_items:
        doc.add(Table(("Overdue action", "Owner", "Due", "For", "Status"),
                      tuple((i.title, i.owner or "no owner", i.due.isoformat() if i.due else "-",
                             i.incident_key or i.problem_key or "-", i.status.label) for i in review.overdue_items),
                      widths=(46, 14, 12, 14, 14)))
    problems = review.problem_counts
    doc.add(Heading("Problems"),
            Paragraph(f"{problems.get('open', 0):,} open, {plural(problems.get('known_error', 0), 'known error')} "
                      f"with a workaround, {problems.get('resolved', 0):,} resolved."))
    return doc


def _h(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _pm_order(item: tuple[str, int]) -> int:
    return {"Published": 0, "In review": 1, "Draft": 2}.get(item[0], 3)

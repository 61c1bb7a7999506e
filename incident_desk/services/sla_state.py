"""Keeps an incident's denormalized SLA columns and frozen durations in step with its timeline."""

from __future__ import annotations

from datetime import datetime

from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.sla import SlaClocks, SlaPolicy, business_duration, compute_clocks, hold_intervals
from incident_desk.storage.queries import epoch, ts


def clocks_for(policy: SlaPolicy, row, history: list, now: datetime) -> SlaClocks:
    return compute_clocks(policy, priority=Priority(row.priority), opened_at=ts(row.opened_at),
                          history=history, now=now)


def sla_columns(policy: SlaPolicy, row, history: list, now: datetime, *, clocks: SlaClocks | None = None) -> dict:
    """Column values for ``row`` as of ``now``: due instants, paused remainder, frozen durations."""
    clocks = clocks or clocks_for(policy, row, history, now)
    cols = clocks.storage_columns()
    fields = {"response_due_at": epoch(cols.response_due_at), "resolve_due_at": epoch(cols.resolve_due_at),
              "sla_paused_remaining_s": cols.paused_remaining_s}
    opened = ts(row.opened_at)
    calendar = policy.calendar
    if row.acknowledged_at is not None:
        acked = ts(row.acknowledged_at)
        fields["tta_s"] = row.acknowledged_at - row.opened_at
        fields["tta_bh_s"] = business_duration(calendar, opened, acked)
        fields["response_breached"] = clocks.response.state == "missed"
    end = ts(row.resolved_at) if row.resolved_at is not None else now
    holds = hold_intervals(history, opened, end)
    fields["hold_s"] = int(sum((e - s).total_seconds() for s, e in holds))
    fields["hold_bh_s"] = sum(business_duration(calendar, s, e) for s, e in holds)
    if row.resolved_at is not None and Status(row.status) in (Status.RESOLVED, Status.CLOSED):
        resolved = ts(row.resolved_at)
        fields["ttr_s"] = row.resolved_at - row.opened_at
        fields["ttr_bh_s"] = business_duration(calendar, opened, resolved)
        fields["resolve_breached"] = clocks.resolution.state == "missed"
    else:
        fields.update(ttr_s=None, ttr_bh_s=None, resolve_breached=False)
    return fields

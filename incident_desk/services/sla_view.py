"""SLA clocks of one incident for the detail editor, computed from its status history."""

from __future__ import annotations

from datetime import datetime

from incident_desk.domain.formatting import duration as format_duration
from incident_desk.domain.sla import (
    STATE_BREACHED,
    STATE_LABELS,
    STATE_MET,
    STATE_MISSED,
    STATE_NONE,
    STATE_OK,
    STATE_PAUSED,
    STATE_WARNING,
    Clock,
    SlaClocks,
    compute_clocks,
    describe_pause_policy,
)
from incident_desk.storage import repository as repo


def sla_clocks(desk, key: str | int, now: datetime | None = None) -> SlaClocks:
    """Response and resolution clocks of incident ``key`` as of ``now`` (default: the desk's clock)."""
    incident = desk.incidents.get_incident(key)
    history = repo.status_history(desk.store, incident.id)
    return compute_clocks(desk.settings.sla_policy(), priority=incident.priority,
                          opened_at=incident.opened_at, history=history, now=now or desk.clock())


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state.capitalize())


def clock_text(clock: Clock) -> str:
    """One line for a clock: time left or overdue, or how it ended."""
    if clock.state == STATE_NONE:
        return "No target for this priority"
    hours = " (business hours)" if clock.business_hours else ""
    remaining = clock.remaining_s or 0
    if clock.state in (STATE_OK, STATE_WARNING):
        return f"{format_duration(remaining)} left{hours}"
    if clock.state == STATE_BREACHED:
        return f"Overdue by {format_duration(remaining)}{hours}"
    if clock.state == STATE_PAUSED:
        if remaining < 0:
            return f"Paused, already overdue by {format_duration(remaining)}"
        return f"Paused with {format_duration(remaining)} left{hours}"
    if clock.state == STATE_MET:
        return f"Met with {format_duration(remaining)} to spare"
    if clock.state == STATE_MISSED:
        return f"Missed by {format_duration(remaining)}"
    return "Stopped (cancelled)"


def pause_policy_text() -> str:
    return describe_pause_policy()


__all__ = ["sla_clocks", "clock_text", "state_label", "pause_policy_text", "SlaClocks"]

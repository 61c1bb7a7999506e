"""SLA clocks of one incident for the detail editor, computed from its status history."""

from __future__ import annotations

from datetime import datetime

from incident_desk.domain.sla import (
    STATE_BREACHED,
    STATE_MET,
    STATE_MISSED,
    STATE_NONE,
    STATE_OK,
    STATE_PAUSED,
    STATE_STOPPED,
    STATE_WARNING,
    Clock,
    SlaClocks,
    compute_clocks,
    describe_pause_policy,
)
from incident_desk.storage import repository as repo

_STATE_LABELS = {
    STATE_NONE: "No target", STATE_OK: "On track", STATE_WARNING: "Warning", STATE_BREACHED: "Breached",
    STATE_PAUSED: "Paused", STATE_MET: "Met", STATE_MISSED: "Missed", STATE_STOPPED: "Stopped",
}


def sla_clocks(desk, key: str | int, now: datetime | None = None) -> SlaClocks:
    """Response and resolution clocks of incident ``key`` as of ``now`` (default: the desk's clock)."""
    incident = desk.incidents.get_incident(key)
    history = repo.status_history(desk.store, incident.id)
    return compute_clocks(desk.settings.sla_policy(), priority=incident.priority,
                          opened_at=incident.opened_at, history=history, now=now or desk.clock())


def format_duration(seconds: int) -> str:
    """'2 d 3 h', '4 h 05 min', '12 min', '40 s' for a non-negative number of seconds."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def state_label(state: str) -> str:
    return _STATE_LABELS.get(state, state.capitalize())


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


__all__ = ["sla_clocks", "clock_text", "state_label", "format_duration", "pause_policy_text", "SlaClocks"]

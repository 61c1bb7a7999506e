"""SLA columns of imported incidents whose clocks have stopped, computed in bulk (see services.sla_state)."""

from __future__ import annotations

from incident_desk.domain.incident import Priority, Status
from incident_desk.domain.sla import BusinessSecondsIndex, SlaPolicy

_RUNNING = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
_STOPPING = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})
TERMINAL = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})


class StoppedClocks:
    """What services.sla_state.sla_columns gives for an incident that ended without a hold or a reopen,
    from plain arithmetic on business-second indexes: most imported history is like that, and computing
    every clock in full took most of an import's time. Anything else returns None (the full computation)."""

    def __init__(self, policy: SlaPolicy):
        self.policy = policy
        self.index = BusinessSecondsIndex(policy.calendar)
        self._targets = {p: policy.target_for(p) for p in Priority}

    def columns(self, *, priority: int, status: Status, opened: int, acknowledged: int | None,
                resolved: int | None, history: list[tuple[int, Status]], now: int) -> dict | None:
        if status not in TERMINAL:
            return None
        first_exit = first_stop = None
        for at, new in history:  # in time order, as compute_clocks reads it
            if at > now or new == Status.ON_HOLD or (new == Status.IN_PROGRESS and first_stop is not None):
                return None  # a change after now, a hold or a reopen: not a plain stopped clock
            at = max(at, opened)
            if first_exit is None and new != Status.NEW:
                first_exit = (at, new)
            if first_stop is None and new in _STOPPING:
                first_stop = (at, new)
        if first_stop is None:
            return None
        target = self._targets[Priority(priority)]
        index = self.index
        fields: dict = {"response_due_at": None, "resolve_due_at": None, "sla_paused_remaining_s": None,
                        "hold_s": 0, "hold_bh_s": 0, "ttr_s": None, "ttr_bh_s": None, "resolve_breached": False}
        base = index.at(opened)
        if acknowledged is not None:
            fields["tta_s"] = acknowledged - opened
            fields["tta_bh_s"] = max(0, index.at(acknowledged) - base)
            missed = False
            if target.response_s and first_exit is not None and first_exit[1] != Status.CANCELLED:
                counted = self._counted(opened, first_exit[0], target.business_hours, base)
                missed = counted > target.response_s
            fields["response_breached"] = missed
        if resolved is not None and status in (Status.RESOLVED, Status.CLOSED):
            fields["ttr_s"] = resolved - opened
            fields["ttr_bh_s"] = max(0, index.at(resolved) - base)
            if target.resolve_s and first_stop[1] != Status.CANCELLED and status != Status.CANCELLED:
                counted = self._counted(opened, first_stop[0], target.business_hours, base)
                fields["resolve_breached"] = counted > target.resolve_s
        return fields

    def _counted(self, start: int, end: int, business_hours: bool, base: int) -> int:
        if end <= start:
            return 0
        return self.index.at(end) - base if business_hours else end - start

"""SLA and escalation policies: read and change them by role, and recompute open incidents after a change."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

from incident_desk.domain.escalation import DEFAULT_ESCALATION_POLICY, EscalationPolicy, without_on_call
from incident_desk.domain.incident import DomainError
from incident_desk.domain.sla import SlaPolicy, compute_clocks
from incident_desk.services import sla_state
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.escalation import Facts, history_of, schedule_value
from incident_desk.services.settings import CLOSURE_KEY, SettingsService
from incident_desk.storage import escalation_queries as eq
from incident_desk.storage import oncall_queries as oq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store

ESCALATION_KEY = "escalation_policy"
SLA_KEY = "sla_policy"
RECOMPUTE_BATCH = 500
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|hours?|d|days?|bd|business days?)?\s*$", re.I)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
           "d": 86400, "day": 86400, "days": 86400}


def parse_duration(text: str, *, business_day_s: int, what: str = "target") -> int | None:
    """'15 min', '4 h', '3 bd' (business days of the calendar), '' = no target -> seconds or None."""
    if text is None or str(text).strip() in ("", "-", "none"):
        return None
    match = _DURATION_RE.match(str(text))
    if not match:
        raise ValidationError(f"The {what} '{text}' is not a duration; write e.g. 15 min, 4 h or 3 bd.", field=what)
    amount, unit = float(match.group(1)), (match.group(2) or "min").lower()
    seconds = amount * (business_day_s if unit.startswith("b") else _UNIT_S[unit])
    if seconds < 1 or seconds > 365 * 86400:
        raise ValidationError(f"The {what} '{text}' must be between 1 second and a year.", field=what)
    return int(round(seconds))


class PolicyService:
    """Policies are cached per process and re-read when another process changes them."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService):
        self.store = store
        self.clock = clock
        self.settings = settings
        self._versions: dict[str, int] = {}
        self._escalation: EscalationPolicy | None = None

    def refresh(self) -> bool:
        """Drop cached policies when their stored version moved (another desk saved); True if it did."""
        versions = eq.setting_versions(self.store, (ESCALATION_KEY, SLA_KEY, CLOSURE_KEY))
        if versions == self._versions:
            return False
        self._versions = versions
        self._escalation = None
        self.settings.invalidate()
        return True

    # ---- escalation --------------------------------------------------------------------------------

    def escalation_policy(self) -> EscalationPolicy:
        if self._escalation is None:
            data = repo.get_setting(self.store, ESCALATION_KEY)
            try:
                self._escalation = EscalationPolicy.from_dict(data) if data else DEFAULT_ESCALATION_POLICY
            except DomainError:
                self._escalation = DEFAULT_ESCALATION_POLICY
        return self._escalation

    def set_escalation_policy(self, *, actor: Actor, policy: EscalationPolicy | dict) -> int:
        """Save (lead or admin); every open incident is re-evaluated at the next scan. Returns how many."""
        require(actor, "settings.escalation")
        policy = self._as_escalation_policy(policy)
        with self.store.write():
            repo.put_setting(self.store, ESCALATION_KEY, policy.to_dict(), now=self.clock())
            count = eq.reschedule_all_open(self.store)
        self._escalation = None
        self._versions = {}
        return count

    @staticmethod
    def _as_escalation_policy(policy) -> EscalationPolicy:
        if isinstance(policy, EscalationPolicy):
            return policy
        try:
            return EscalationPolicy.from_dict(policy)
        except DomainError as exc:
            raise ValidationError(str(exc), field="escalation") from None

    # ---- SLA -------------------------------------------------------------------------------------------

    def sla_policy(self) -> SlaPolicy:
        return self.settings.sla_policy()

    def set_sla_policy(self, *, actor: Actor, policy: SlaPolicy | dict, batch_size: int = RECOMPUTE_BATCH,
                       progress: Callable[[int], None] | None = None) -> int:
        """Save (lead or admin), then recompute the due columns of every open incident; returns how many."""
        require(actor, "settings.sla")
        if not isinstance(policy, SlaPolicy):
            try:
                policy = SlaPolicy.from_dict(policy)
            except DomainError as exc:
                raise ValidationError(str(exc), field="sla") from None
        self.settings.set_sla_policy(actor=actor, policy=policy)
        self._versions = {}
        return self.recompute_open(policy=policy, batch_size=batch_size, progress=progress)

    def recompute_open(self, *, policy: SlaPolicy | None = None, now: datetime | None = None,
                       batch_size: int = RECOMPUTE_BATCH, progress: Callable[[int], None] | None = None) -> int:
        """SLA due columns and escalation schedule of open incidents, in id-keyset batches of one
        transaction each (a concurrent desk waits for one batch at most); returns the number done."""
        if batch_size < 1:
            raise ValidationError("The batch size must be at least 1.", field="batch_size")
        policy = policy or self.settings.sla_policy()
        escalation = self.escalation_policy()
        now = now or self.clock()
        after, done = 0, 0
        while True:
            with self.store.write():
                rows = eq.open_incident_facts(self.store, after, batch_size)
                if not rows:
                    return done
                ids = [r[0] for r in rows]
                histories = eq.status_histories(self.store, ids)
                fired = eq.fired_rules(self.store, ids)
                rota_teams = oq.teams_with_rotation(self.store)
                groups: dict[tuple, list] = {}
                for row in rows:
                    facts = Facts.of(row)
                    history = history_of(histories[facts.id])
                    shim = SimpleNamespace(priority=facts.priority, opened_at=facts.opened_at, status=facts.status,
                                           acknowledged_at=facts.acknowledged_at, resolved_at=facts.resolved_at)
                    fields = sla_state.sla_columns(policy, shim, history, now)
                    snapshot = facts.snapshot()
                    clocks = compute_clocks(policy, priority=snapshot.priority, opened_at=snapshot.opened_at,
                                            history=history, now=now)
                    own = escalation if facts.team_id in rota_teams else without_on_call(escalation)
                    fields["next_escalation_at"] = schedule_value(own, snapshot, clocks, now, fired[facts.id])
                    columns = tuple(fields)
                    groups.setdefault(columns, []).append((*fields.values(), facts.id))
                for columns, values in groups.items():
                    eq.update_sla_columns(self.store, columns, values)
            done += len(rows)
            after = rows[-1][0]
            if progress is not None:
                progress(done)
            if len(rows) < batch_size:
                return done

"""Escalation rules as pure functions of an incident snapshot, its SLA clocks, the policy and now."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from incident_desk.domain.formatting import exact_duration
from incident_desk.domain.incident import OPEN_STATUSES, DomainError, Priority, Status
from incident_desk.domain.sla import SlaClocks, SlaPolicy

UTC = UTC

RECIPIENT_KINDS = ("person", "team", "team_lead", "assignee", "manager", "on_call")
# Kinds that must name someone, and kinds the service resolves from the incident itself.
_NAMED_KINDS = frozenset({"person", "team"})
_UNNAMED_KINDS = frozenset({"assignee"})

TRIGGER_UNACKNOWLEDGED = "unacknowledged_after"
TRIGGER_RESPONSE = "response_fraction"
TRIGGER_RESOLUTION = "resolution_fraction"
TRIGGERS = (TRIGGER_UNACKNOWLEDGED, TRIGGER_RESPONSE, TRIGGER_RESOLUTION)
SEVERITIES = ("info", "warning", "critical")
# The least severity an escalation of each priority is sent with, whatever its rule says: a P1
# escalation is always critical (inbox, tray urgency), a P2 one at least a warning.
SEVERITY_FLOOR = {Priority.P1: "critical", Priority.P2: "warning"}
MAX_FRACTION = 10.0

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Recipient:
    """Who hears about an escalation; name None means the service resolves it from the incident."""

    kind: str
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in RECIPIENT_KINDS:
            raise DomainError(f"Unknown recipient kind '{self.kind}'; use one of: {', '.join(RECIPIENT_KINDS)}.")
        if self.name is not None and (not isinstance(self.name, str) or not self.name.strip()):
            raise DomainError(f"The {self.kind} recipient's name is empty; leave it out or give a name.")
        if self.kind in _NAMED_KINDS and self.name is None:
            raise DomainError(f"A {self.kind} recipient needs a name.")
        if self.kind in _UNNAMED_KINDS and self.name is not None:
            raise DomainError("The assignee recipient means the incident's assignee; it takes no name.")

    def describe(self) -> str:
        if self.kind == "person":
            return self.name
        if self.kind == "team":
            return f"team {self.name}"
        if self.kind == "team_lead":
            return f"lead of team {self.name}" if self.name else "team lead"
        if self.kind == "manager":
            return f"manager {self.name}" if self.name else "manager on duty"
        if self.kind == "on_call":
            return f"on call for team {self.name}" if self.name else "on-call person"
        return "assignee"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict) -> Recipient:
        if not isinstance(data, dict):
            raise DomainError("Each escalation recipient must be a JSON object with a kind.")
        return cls(kind=data.get("kind", ""), name=data.get("name"))


def only_on_call(rule: EscalationRule) -> bool:
    """A rule that pages only whoever is on call: with nobody on call it notifies no one (no fallback)."""
    return all(r.kind == "on_call" for r in rule.recipients)


def without_on_call(policy: EscalationPolicy) -> EscalationPolicy:
    """The policy as it applies to a team without a rotation: its on-call-only rules left out."""
    rules = tuple(r for r in policy.rules if not only_on_call(r))
    return policy if len(rules) == len(policy.rules) else EscalationPolicy(name=policy.name, rules=rules)


def notification_severity(rule_severity: str, priority: Priority) -> str:
    """The severity an escalation is sent with: its rule's, raised to the priority's floor."""
    floor = SEVERITY_FLOOR.get(Priority(priority), "info")
    return max(rule_severity, floor, key=SEVERITIES.index)


def _parse_priorities(values: Iterable) -> frozenset[Priority]:
    if isinstance(values, (str, bytes)):
        raise DomainError("A rule's priorities must be a list such as [\"P1\", \"P2\"].")
    return frozenset(Priority.parse(v) for v in values)


@dataclass(frozen=True)
class EscalationRule:
    """One deadline that, once passed with its condition holding, notifies and may raise the level."""

    key: str
    description: str
    trigger: str
    threshold: float
    recipients: tuple[Recipient, ...]
    priorities: frozenset[Priority] = frozenset()
    raise_level: bool = False
    severity: str = "warning"

    def __post_init__(self) -> None:
        object.__setattr__(self, "priorities", _parse_priorities(self.priorities))
        object.__setattr__(self, "recipients", tuple(self.recipients))
        if not isinstance(self.key, str) or not _KEY_RE.match(self.key):
            raise DomainError(
                f"The rule key '{self.key}' is not valid; use lower-case letters, digits, '.', '_' or '-'.")
        if not isinstance(self.description, str) or not self.description.strip():
            raise DomainError(f"Rule '{self.key}' needs a description.")
        if self.trigger not in TRIGGERS:
            raise DomainError(f"Rule '{self.key}' has unknown trigger '{self.trigger}'; "
                              f"use one of: {', '.join(TRIGGERS)}.")
        self._check_threshold()
        if not self.recipients:
            raise DomainError(f"Rule '{self.key}' notifies nobody; add at least one recipient.")
        if not all(isinstance(r, Recipient) for r in self.recipients):
            raise DomainError(f"Rule '{self.key}' has a recipient that is not a Recipient.")
        if self.severity not in SEVERITIES:
            raise DomainError(f"Rule '{self.key}' has unknown severity '{self.severity}'; "
                              "use info, warning or critical.")

    def _check_threshold(self) -> None:
        value = self.threshold
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise DomainError(f"Rule '{self.key}' needs a positive threshold, not {value!r}.")
        if self.trigger != TRIGGER_UNACKNOWLEDGED and value > MAX_FRACTION:
            raise DomainError(
                f"Rule '{self.key}' threshold {value} is a fraction of the target; use e.g. 0.75 or 1.0.")

    @property
    def per_cycle(self) -> bool:
        """Resolution rules fire again after a reopen; response rules only ever in cycle 0."""
        return self.trigger == TRIGGER_RESOLUTION

    def applies_to(self, priority: Priority) -> bool:
        return not self.priorities or priority in self.priorities

    def describe_trigger(self) -> str:
        if self.trigger == TRIGGER_UNACKNOWLEDGED:
            return f"not acknowledged after {exact_duration(self.threshold)}"
        clock = "response" if self.trigger == TRIGGER_RESPONSE else "resolution"
        return f"{self.threshold * 100:g} % of the {clock} target"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "description": self.description,
            "priorities": [p.label for p in sorted(self.priorities)],
            "trigger": self.trigger,
            "threshold": self.threshold,
            "recipients": [r.to_dict() for r in self.recipients],
            "raise_level": self.raise_level,
            "severity": self.severity,
        }

    @classmethod
    def from_dict(cls, data: dict) -> EscalationRule:
        if not isinstance(data, dict):
            raise DomainError("Each escalation rule must be a JSON object.")
        recipients = data.get("recipients", [])
        if not isinstance(recipients, (list, tuple)):
            raise DomainError(f"Rule '{data.get('key', '')}' recipients must be a list.")
        return cls(
            key=data.get("key", ""),
            description=data.get("description", ""),
            priorities=_parse_priorities(data.get("priorities", [])),
            trigger=data.get("trigger", ""),
            threshold=data.get("threshold", 0),
            recipients=tuple(Recipient.from_dict(r) for r in recipients),
            raise_level=bool(data.get("raise_level", False)),
            severity=data.get("severity", "warning"),
        )


@dataclass(frozen=True)
class EscalationPolicy:
    """A named, ordered set of rules with unique keys."""

    name: str
    rules: tuple[EscalationRule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        if not isinstance(self.name, str) or not self.name.strip():
            raise DomainError("The escalation policy needs a name.")
        seen = set()
        for rule in self.rules:
            if not isinstance(rule, EscalationRule):
                raise DomainError("Every escalation rule must be an EscalationRule.")
            if rule.key in seen:
                raise DomainError(f"Two escalation rules share the key '{rule.key}'; keys must be unique.")
            seen.add(rule.key)

    def rule(self, key: str) -> EscalationRule:
        for rule in self.rules:
            if rule.key == key:
                return rule
        raise DomainError(f"The escalation policy has no rule '{key}'.")

    def to_dict(self) -> dict:
        return {"name": self.name, "rules": [r.to_dict() for r in self.rules]}

    @classmethod
    def from_dict(cls, data: dict) -> EscalationPolicy:
        if not isinstance(data, dict):
            raise DomainError("The escalation policy must be a JSON object.")
        rules = data.get("rules", [])
        if not isinstance(rules, (list, tuple)):
            raise DomainError("The escalation policy's rules must be a list.")
        return cls(name=data.get("name", ""), rules=tuple(EscalationRule.from_dict(r) for r in rules))


_TEAM_LEAD = Recipient("team_lead")
_MANAGER = Recipient("manager")
_ASSIGNEE = Recipient("assignee")
_ON_CALL = Recipient("on_call")

DEFAULT_ESCALATION_POLICY = EscalationPolicy(
    name="Standard",
    rules=(
        # The on-call person hears first; a team without a rotation has nobody on call and these pass
        # silently, so the team lead's rules below stay the first anyone hears of it.
        EscalationRule(key="p1-oncall-1m", description="P1 not acknowledged after 1 minute: paging on call",
                       priorities=frozenset({Priority.P1}), trigger=TRIGGER_UNACKNOWLEDGED,
                       threshold=60, recipients=(_ON_CALL,), raise_level=False, severity="critical"),
        EscalationRule(key="p2-oncall-10m", description="P2 not acknowledged after 10 minutes: paging on call",
                       priorities=frozenset({Priority.P2}), trigger=TRIGGER_UNACKNOWLEDGED,
                       threshold=10 * 60, recipients=(_ON_CALL,), raise_level=False, severity="warning"),
        EscalationRule(key="p1-unack-5m", description="P1 not acknowledged after 5 minutes",
                       priorities=frozenset({Priority.P1}), trigger=TRIGGER_UNACKNOWLEDGED,
                       threshold=5 * 60, recipients=(_TEAM_LEAD,), raise_level=True,
                       severity="critical"),
        EscalationRule(key="p1-unack-15m", description="P1 not acknowledged after 15 minutes",
                       priorities=frozenset({Priority.P1}), trigger=TRIGGER_UNACKNOWLEDGED,
                       threshold=15 * 60, recipients=(_MANAGER,), raise_level=True,
                       severity="critical"),
        EscalationRule(key="p2-unack-30m", description="P2 not acknowledged after 30 minutes",
                       priorities=frozenset({Priority.P2}), trigger=TRIGGER_UNACKNOWLEDGED,
                       threshold=30 * 60, recipients=(_TEAM_LEAD,), raise_level=False,
                       severity="warning"),
        EscalationRule(key="resolution-75", description="75 % of the resolution target used",
                       trigger=TRIGGER_RESOLUTION, threshold=0.75, recipients=(_ASSIGNEE,),
                       raise_level=False, severity="warning"),
        EscalationRule(key="resolution-100", description="Resolution target breached",
                       trigger=TRIGGER_RESOLUTION, threshold=1.0, recipients=(_TEAM_LEAD,),
                       raise_level=True, severity="critical"),
        EscalationRule(key="response-100", description="Response target breached",
                       trigger=TRIGGER_RESPONSE, threshold=1.0, recipients=(_ASSIGNEE, _TEAM_LEAD),
                       raise_level=False, severity="warning"),
    ),
)


@dataclass(frozen=True)
class IncidentSnapshot:
    """The plain incident facts the rules look at; the service builds it from a row."""

    id: int
    key: str
    priority: Priority
    status: Status
    opened_at: datetime
    reopen_count: int = 0
    assignee: str | None = None
    team: str | None = None
    escalation_level: int = 0


@dataclass(frozen=True)
class DueEscalation:
    """A rule that has become due for one incident in one cycle, with the real instant it did."""

    incident_id: int
    incident_key: str
    rule: EscalationRule
    cycle: int
    due_at: datetime
    level_after_raise: int

    @property
    def dedup_key(self) -> tuple[int, str, int]:
        """(incident id, rule key, cycle): unique in the database so a rule never fires twice."""
        return (self.incident_id, self.rule.key, self.cycle)

    @property
    def summary(self) -> str:
        return f"{self.incident_key}: {self.rule.description}."


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"The {what} has no time zone; pass an aware datetime.")
    return value.astimezone(UTC)


def rule_due_at(rule: EscalationRule, snapshot: IncidentSnapshot, clocks: SlaClocks) -> datetime | None:
    """When ``rule`` became (or becomes, for wall-clock rules) due in the current cycle, or None if
    its condition does not hold now. Fraction rules only return instants already reached."""
    if snapshot.status not in OPEN_STATUSES or not rule.applies_to(snapshot.priority):
        return None
    if rule.trigger == TRIGGER_UNACKNOWLEDGED:
        # Still New now means it was never acknowledged; once acknowledged the rule is moot, even
        # when the engine catches up on a deadline it slept through.
        if snapshot.status != Status.NEW:
            return None
        return _aware(snapshot.opened_at, "opening time") + timedelta(seconds=rule.threshold)
    if rule.trigger == TRIGGER_RESPONSE:
        if not clocks.response.running:
            return None
        return clocks.response.reached_at(rule.threshold)
    reached = clocks.resolution.reached_at(rule.threshold)
    if reached is None:
        return None
    # A reopened incident already past the mark becomes due again at the reopen, not back in
    # the earlier cycle.
    return max(reached, clocks.cycle_started_at)


def rule_cycle(rule: EscalationRule, snapshot: IncidentSnapshot) -> int:
    return snapshot.reopen_count if rule.per_cycle else 0


def due_escalations(policy: EscalationPolicy, snapshot: IncidentSnapshot, clocks: SlaClocks,
                    now: datetime, *,
                    already_fired: Collection[tuple[str, int]] = ()) -> list[DueEscalation]:
    """Rules due by ``now`` whose condition still holds, oldest first.

    ``already_fired`` holds (rule key, cycle) pairs the service has recorded; skipping them keeps
    level_after_raise right when several deadlines are caught up in one run. The database's unique
    (incident id, rule key, cycle) key remains the guard against firing twice.
    """
    now = _aware(now, "current time")
    fired = set(already_fired)
    found = []
    for order, rule in enumerate(policy.rules):
        cycle = rule_cycle(rule, snapshot)
        if (rule.key, cycle) in fired:
            continue
        due_at = rule_due_at(rule, snapshot, clocks)
        if due_at is not None and due_at <= now:
            found.append((due_at, order, rule, cycle))
    found.sort(key=lambda item: (item[0], item[1]))
    level = snapshot.escalation_level
    due = []
    for due_at, _, rule, cycle in found:
        if rule.raise_level:
            level += 1
        due.append(DueEscalation(incident_id=snapshot.id, incident_key=snapshot.key, rule=rule,
                                 cycle=cycle, due_at=due_at, level_after_raise=level))
    return due


def next_escalation_at(policy: EscalationPolicy, snapshot: IncidentSnapshot, clocks: SlaClocks,
                       now: datetime) -> datetime | None:
    """The earliest future instant a rule could become due if nothing changes (for scheduling)."""
    now = _aware(now, "current time")
    upcoming = []
    for rule in policy.rules:
        if snapshot.status not in OPEN_STATUSES or not rule.applies_to(snapshot.priority):
            continue
        if rule.trigger == TRIGGER_UNACKNOWLEDGED:
            at = rule_due_at(rule, snapshot, clocks)
        elif rule.trigger == TRIGGER_RESPONSE:
            at = clocks.response.projected_at(rule.threshold) if clocks.response.running else None
        else:
            at = clocks.resolution.projected_at(rule.threshold)
        if at is not None and at > now:
            upcoming.append(at)
    return min(upcoming, default=None)


def earliest_due_offsets(policy: EscalationPolicy, sla: SlaPolicy) -> dict[tuple[Priority, bool], int | None]:
    """Per (priority, may still be unacknowledged): whole seconds after opening before which no rule
    of ``policy`` can fall due, or None when none ever can (no rule applies or has a target).

    A lower bound, whatever the incident's history: business time never runs faster than the wall
    clock, holds only delay a clock, and a reopen resumes it. An incident that has been acknowledged
    can no longer meet an "unacknowledged" or a response rule. The engine schedules never-evaluated
    incidents (a bulk load) at opening + this bound in one statement, and evaluates each in full only
    once that instant comes: a scan evaluates an incident no later than it can first fall due."""
    out: dict[tuple[Priority, bool], int | None] = {}
    for priority in Priority:
        target = sla.target_for(priority)
        for unacknowledged in (True, False):
            offsets = []
            for rule in policy.rules:
                if not rule.applies_to(priority):
                    continue
                if rule.trigger == TRIGGER_UNACKNOWLEDGED:
                    if unacknowledged:
                        offsets.append(rule.threshold)
                elif rule.trigger == TRIGGER_RESPONSE:
                    if unacknowledged and target.response_s:
                        offsets.append(target.response_s * rule.threshold)
                elif target.resolve_s:
                    offsets.append(target.resolve_s * rule.threshold)
            out[(priority, unacknowledged)] = int(min(offsets)) if offsets else None
    return out

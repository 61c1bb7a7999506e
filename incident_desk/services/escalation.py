"""The escalation engine: finds due deadlines through the schedule index, escalates once, notifies."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from incident_desk.domain.escalation import (
    EscalationPolicy,
    EscalationRule,
    IncidentSnapshot,
    Recipient,
    due_escalations,
    earliest_due_offsets,
    next_escalation_at,
    notification_severity,
    only_on_call,
    without_on_call,
)
from incident_desk.domain.incident import EV_ESCALATION, DomainError, Priority, Status
from incident_desk.domain.limits import check_instant
from incident_desk.domain.sla import SlaPolicy, compute_clocks
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.services.notifications import NotificationService
from incident_desk.services.settings import SettingsService
from incident_desk.storage import escalation_queries as eq
from incident_desk.storage import oncall_queries as oq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

log = logging.getLogger(__name__)

BATCH_SIZE = 200    # incidents per write transaction: short enough that a desk's own saves never wait long
BOUND_BATCH = 20_000  # ids per transaction when a bulk load is scheduled at its lower bounds
RETRY_S = 300       # an incident whose facts cannot be evaluated is looked at again after this
# A person asking for a scan at another instant (tests, an admin catching up by hand) may move this far
# from the clock; further would fire real escalations early (or date them long ago) unless forced.
MAX_MANUAL_SKEW = timedelta(hours=24)
SCHEDULE_KINDS = frozenset({"logged", "transitioned"})


@dataclass(frozen=True)
class Facts:
    """One incident row as the engine reads it (see storage.escalation_queries._FACT_COLUMNS)."""

    id: int
    key: str
    title: str
    priority: int
    status: int
    opened_at: int
    reopen_count: int
    escalation_level: int
    assignee_id: int | None
    assignee: str | None
    team_id: int | None
    team: str | None
    version: int
    acknowledged_at: int | None
    resolved_at: int | None

    @classmethod
    def of(cls, row: Sequence) -> Facts:
        return cls(*row)

    def snapshot(self) -> IncidentSnapshot:
        return IncidentSnapshot(id=self.id, key=self.key, priority=Priority(self.priority), status=Status(self.status),
                                opened_at=ts(self.opened_at), reopen_count=self.reopen_count or 0,
                                assignee=self.assignee, team=self.team, escalation_level=self.escalation_level or 0)


def history_of(raw: Sequence[tuple[int, str]]) -> list[tuple[datetime, Status]]:
    return [(ts(at), Status.parse(value)) for at, value in raw]


def ceil_epoch(value: datetime | None) -> int | None:
    """Rounded up, so a scan never looks at an incident a fraction of a second too early, forever."""
    return None if value is None else math.ceil(value.timestamp())


def schedule_value(policy: EscalationPolicy, snapshot: IncidentSnapshot, clocks, now: datetime,
                   fired: set[tuple[str, int]]) -> int | None:
    """What next_escalation_at should hold: when the first unfired rule fell due (a scan at any later
    instant, even a `--now` in the past, finds it), else the next instant, or None."""
    due = due_escalations(policy, snapshot, clocks, now, already_fired=fired)
    if due:
        return math.floor(min(d.due_at for d in due).timestamp())
    return ceil_epoch(next_escalation_at(policy, snapshot, clocks, now))


class _People:
    """Active users and teams, read once per scan: who a recipient names."""

    def __init__(self, store: Store, fallback_user_id: int | None, on_call=None):
        self.users = eq.active_people(store)   # (id, username, role, team_id, is_manager_on_duty)
        self.teams = eq.teams(store)           # (id, name, lead_id)
        self.active_ids = {u[0] for u in self.users}
        self.fallback_user_id = fallback_user_id
        self.on_call = on_call                 # (team_id, now) -> username on call, or None

    @property
    def single_user(self) -> bool:
        return len(self.users) == 1

    def _team_id(self, name: str | None, facts: Facts) -> int | None:
        if name is None:
            return facts.team_id
        return next((t[0] for t in self.teams if t[1].lower() == name.lower()), None)

    def _lead_of(self, team_id: int | None) -> list[int]:
        if team_id is None:
            return []
        lead = next((t[2] for t in self.teams if t[0] == team_id), None)
        if lead in self.active_ids:
            return [lead]
        return [u[0] for u in self.users if u[3] == team_id and u[2] == "lead"]

    def resolve(self, recipient: Recipient, facts: Facts) -> list[int]:
        kind, name = recipient.kind, recipient.name
        if kind == "person" or (kind == "manager" and name):
            return [u[0] for u in self.users if u[1].lower() == name.lower()]
        if kind == "team":
            team_id = self._team_id(name, facts)
            return [u[0] for u in self.users if team_id is not None and u[3] == team_id]
        if kind == "team_lead":
            return self._lead_of(self._team_id(name, facts))
        if kind == "assignee":
            if facts.assignee_id in self.active_ids:
                return [facts.assignee_id]
            return self._lead_of(facts.team_id)
        if kind == "manager":
            return [u[0] for u in self.users if u[4]]
        if kind == "on_call":
            team_id = self._team_id(name, facts)
            if team_id is None or self.on_call is None or self.now is None:
                return []
            username = self.on_call(team_id, self.now)
            return [u[0] for u in self.users if username and u[1].lower() == username.lower()]
        return []

    now: datetime | None = None

    def recipients(self, rule: EscalationRule, facts: Facts) -> list[int]:
        """Each person once; a single-user desk's user gets everything; nobody resolvable -> admins.
        A rule paging only the on-call person reaches nobody when no one is on call."""
        if only_on_call(rule):
            return list(dict.fromkeys(u for r in rule.recipients for u in self.resolve(r, facts)))
        if self.single_user:
            return [self.users[0][0]]
        found: list[int] = []
        for recipient in rule.recipients:
            for user_id in self.resolve(recipient, facts):
                if user_id not in found:
                    found.append(user_id)
        if not found:
            found = [u[0] for u in self.users if u[2] == "admin"]
        if not found and self.fallback_user_id in self.active_ids:
            found = [self.fallback_user_id]
        return found

    def name(self, user_id: int) -> str:
        return next((u[1] for u in self.users if u[0] == user_id), str(user_id))


class EscalationEngine:
    """scan(now) raises every due escalation once; the write hook keeps the schedule current."""

    def __init__(self, store: Store, *, clock: Clock, settings: SettingsService, policies,
                 notifications: NotificationService, bus: EventBus | None = None, actor: Actor | None = None,
                 incidents=None, action_items=None, communication=None):
        self.store = store
        self.clock = clock
        self.settings = settings
        self.policies = policies
        self.notifications = notifications
        self.bus = bus or EventBus()
        self.actor = actor
        # Closure runs on the same beat: resolved incidents close after the policy's days, overdue action
        # items notify their owners. Each once, whichever desk scans first, with catch-up after downtime.
        self.incidents = incidents
        self.action_items = action_items
        # Major incidents' public-update cadence: "update due in 5 min" to the assignee, once per due instant.
        self.communication = communication
        self.last_closure: list[dict] = []
        self._on_call_cache: dict = {}
        self._without_on_call: tuple | None = None
        self._batch_rota_teams: set[int] | None = None
        self._in_batch = False

    @contextmanager
    def batch(self):
        """Many incident writes in one transaction (the intake's group commit): which teams have a rotation
        is read once for all of them, not once per incident. Nothing in the batch edits rotations."""
        self._in_batch, self._batch_rota_teams = True, None
        try:
            yield
        finally:
            self._in_batch, self._batch_rota_teams = False, None

    def _rotation_teams(self) -> set[int]:
        if not self._in_batch:
            return oq.teams_with_rotation(self.store)
        if self._batch_rota_teams is None:
            self._batch_rota_teams = oq.teams_with_rotation(self.store)
        return self._batch_rota_teams

    def _policy_for(self, policy: EscalationPolicy, team_id: int | None, rota_teams: set[int]) -> EscalationPolicy:
        """The policy without its on-call-only rules for an incident whose team has no rotation: nobody
        could be paged, so those rules neither fire nor hold a place in the schedule."""
        if team_id in rota_teams or not any(only_on_call(r) for r in policy.rules):
            return policy
        cached = self._without_on_call
        if cached is None or cached[0] is not policy:
            cached = self._without_on_call = (policy, without_on_call(policy))
        return cached[1]

    def _on_call(self, team_id: int, now: datetime) -> str | None:
        """Who is on call for the team (read once per team and instant in a scan)."""
        key = (team_id, now)
        if key not in self._on_call_cache:
            if len(self._on_call_cache) > 1000:
                self._on_call_cache.clear()
            from incident_desk.services.oncall import OncallService
            self._on_call_cache[key] = OncallService(self.store, clock=self.clock).on_call_user(team_id, now)
        return self._on_call_cache[key]

    def scan(self, now: datetime | None = None, *, batch_size: int = BATCH_SIZE, actor: Actor | None = None,
             force: bool = False) -> list[dict]:
        """Raise what is due by ``now``; returns one dict per escalation this call raised. What the closure
        pass did (auto-closes, overdue notices) and the public-update reminders are left in ``last_closure``.

        ``actor`` is the person who asked for this scan (the CLI, a button): the timeline names them
        instead of the desk's own timer. Such a person may name another instant than the clock's only
        as an admin, and one more than MAX_MANUAL_SKEW away only with ``force``."""
        clock_now = self.clock()
        now = check_instant(now or clock_now, "scan time")
        if actor is not None and now != clock_now.astimezone(UTC):
            require(actor, "escalation.set_time")
            if abs(now - clock_now) > MAX_MANUAL_SKEW and not force:
                raise ValidationError(
                    f"The scan time {now:%Y-%m-%d %H:%M} UTC is more than {MAX_MANUAL_SKEW.days * 24} hours from "
                    f"the clock ({clock_now.astimezone(UTC):%Y-%m-%d %H:%M} UTC); it would fire escalations "
                    f"at the wrong time, so it must be forced (escalate --force).", field="now")
        raised = self._scan_escalations(now, batch_size=batch_size, actor=actor)
        self.last_closure = self.scan_closure(now)
        if self.communication is not None:
            self.last_closure += self.communication.remind_due(now)
        return raised

    def scan_closure(self, now: datetime | None = None) -> list[dict]:
        """Close resolved incidents that are due and tell owners of overdue action items; one dict each."""
        now = (now or self.clock()).astimezone(UTC)
        done: list[dict] = []
        if self.incidents is not None:
            done += self.incidents.auto_close_due(now)
        if self.action_items is not None:
            done += self.action_items.notify_overdue(now)
        return done

    def _scan_escalations(self, now: datetime, *, batch_size: int, actor: Actor | None) -> list[dict]:
        self.policies.refresh()
        sla, policy = self.settings.sla_policy(), self.policies.escalation_policy()
        now_e = epoch(now)
        self._schedule_bulk_load(sla, policy, now_e)
        raised: list[dict] = []
        people: _People | None = None
        while True:
            batch: list[dict] = []
            with self.store.write():
                ids = eq.due_candidates(self.store, now_e, batch_size)
                if ids:
                    if people is None:
                        people = _People(self.store, self.actor.id if self.actor else None, self._on_call)
                    people.now = now
                    batch = self._process(ids, sla, policy, people, now, actor)
            raised.extend(batch)
            for item in batch:
                self.bus.publish(Change("escalated", item["incident_id"], item["incident"],
                                        actor.username if actor else None, ("escalation_level",)))
            if len(ids) < batch_size:
                return raised

    def _schedule_bulk_load(self, sla: SlaPolicy, policy: EscalationPolicy, now_e: int) -> None:
        """Incidents no one has evaluated yet (a bulk load, a policy change) first get the earliest
        instant any rule could fall due for them, a few statements for a hundred thousand rows; only
        those whose instant has already come are evaluated in full by this scan (7.6 s -> well under
        2 s for 100,000 freshly loaded open incidents)."""
        with self.store.read():
            span = eq.unscheduled_id_span(self.store)
        if span is None:
            return
        offsets = {(int(p), unack): v for (p, unack), v in earliest_due_offsets(policy, sla).items()}
        for first in range(span[0], span[1] + 1, BOUND_BATCH):
            with self.store.write():
                eq.schedule_at_lower_bounds(self.store, offsets, now_e, first_id=first,
                                            last_id=min(first + BOUND_BATCH - 1, span[1]))

    def _process(self, ids: list[int], sla: SlaPolicy, policy: EscalationPolicy, people: _People,
                 now: datetime, actor: Actor | None) -> list[dict]:
        histories = eq.status_histories(self.store, ids)
        fired = eq.fired_rules(self.store, ids)
        rota_teams = oq.teams_with_rotation(self.store)
        raised: list[dict] = []
        schedule: list[tuple[int | None, int]] = []
        for row in eq.incident_facts(self.store, ids):
            facts = Facts.of(row)
            try:
                snapshot = facts.snapshot()
                clocks = compute_clocks(sla, priority=snapshot.priority, opened_at=snapshot.opened_at,
                                        history=history_of(histories[facts.id]), now=now)
                own = self._policy_for(policy, facts.team_id, rota_teams)
                due = due_escalations(own, snapshot, clocks, now, already_fired=fired[facts.id])
                level = facts.escalation_level or 0
                for item in due:
                    result = self._fire(item, facts, level, people, now, actor)
                    if result is not None:
                        raised.append(result)
                        level = result["level"]
                        fired[facts.id].add((item.rule.key, item.cycle))
                schedule.append((ceil_epoch(next_escalation_at(own, snapshot, clocks, now)), facts.id))
            except (DomainError, ValueError, KeyError) as exc:
                # One broken row must not stop the others' escalations; it is retried later.
                log.warning("cannot evaluate %s for escalation: %s", facts.key, exc)
                schedule.append((epoch(now) + RETRY_S, facts.id))
        eq.set_next_escalation(self.store, schedule)
        return raised

    def _fire(self, due, facts: Facts, level: int, people: _People, now: datetime,
              actor: Actor | None) -> dict | None:
        rule = due.rule
        now_e = epoch(now)
        escalation_id = eq.claim_escalation(self.store, incident_id=facts.id, rule_key=rule.key, cycle=due.cycle,
                                            level=level, due_at=epoch(due.due_at), fired_at=now_e)
        if escalation_id is None:
            return None  # another desk won this one: it writes the event and the notifications
        version, old_level = None, level
        if rule.raise_level:
            level, version = eq.raise_level(self.store, facts.id, now_e)
            eq.set_escalation_level(self.store, escalation_id, level)
        recipients = people.recipients(rule, facts)
        if not recipients and only_on_call(rule):
            return None  # nobody on call (the team has no rotation): claimed, so it passes once, silently
        names = [people.name(u) for u in recipients]
        due_text = due.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        repo.insert_event(self.store, incident_id=facts.id, at=now, actor_id=actor.id if actor else None,
                          kind=EV_ESCALATION,
                          field="level" if rule.raise_level else None,
                          old_value=old_level if rule.raise_level else None,
                          new_value=f"level {level}" if rule.raise_level else None,
                          note=f"{rule.description}; due {due_text}; notified {', '.join(names) or 'nobody'}",
                          version=version)
        priority = Priority(facts.priority)
        severity = notification_severity(rule.severity, priority)
        title = f"{facts.key} escalated: {rule.description}"
        # The due instant travels as due_at, shown by the reader in the one time format (never baked in).
        body = f"{facts.title} — {priority.label}"
        self.notifications.write([(user_id, facts.id, "escalation", severity, int(priority), title, body,
                                   now_e, epoch(due.due_at), escalation_id) for user_id in recipients])
        return {"incident": facts.key, "incident_id": facts.id, "title": facts.title, "priority": priority.label,
                "rule": rule.key, "description": rule.description, "cycle": due.cycle, "severity": severity,
                "level": level, "raised_level": rule.raise_level, "due_at": due.due_at.isoformat(),
                "fired_at": now.isoformat(), "recipients": names, "kind": "escalation"}

    # ---- keeping the schedule current ----------------------------------------------------------------

    def on_incident_written(self, service, incident_id: int, change: Change, actor: Actor, now: datetime) -> None:
        """IncidentService write hook: a new, moved or re-prioritised incident gets its next instant."""
        if change.kind not in SCHEDULE_KINDS and not (change.kind == "edited" and "priority" in change.fields):
            return
        known = getattr(service, "last_sla", None)
        if known is not None and known.incident_id == incident_id and known.now == now:
            # The write just computed this incident's clocks from its history: reuse them; a new
            # incident has fired nothing yet. (Saves three queries and a clock computation per log.)
            self.reschedule([incident_id], now, sla=known.policy, known_clocks={incident_id: known.clocks},
                            nothing_fired=change.kind == "logged")
            return
        self.reschedule([incident_id], now, sla=service.settings.sla_policy())

    def reschedule(self, ids: Sequence[int], now: datetime, *, sla: SlaPolicy | None = None,
                   known_clocks: dict | None = None, nothing_fired: bool = False) -> None:
        """Recompute next_escalation_at of ``ids``; call inside a write transaction."""
        sla = sla or self.settings.sla_policy()
        policy = self.policies.escalation_policy()
        known_clocks = known_clocks or {}
        missing = [i for i in ids if i not in known_clocks]
        histories = eq.status_histories(self.store, missing) if missing else {}
        fired = {i: set() for i in ids} if nothing_fired else eq.fired_rules(self.store, ids)
        rota_teams = self._rotation_teams() if any(only_on_call(r) for r in policy.rules) else set()
        pairs = []
        for row in eq.incident_facts(self.store, ids):
            facts = Facts.of(row)
            snapshot = facts.snapshot()
            clocks = known_clocks.get(facts.id) or compute_clocks(
                sla, priority=snapshot.priority, opened_at=snapshot.opened_at,
                history=history_of(histories[facts.id]), now=now)
            own = self._policy_for(policy, facts.team_id, rota_teams)
            pairs.append((schedule_value(own, snapshot, clocks, now, fired[facts.id]), facts.id))
        eq.set_next_escalation(self.store, pairs)

    def next_escalation_of(self, incident_id: int) -> datetime | None:
        value = eq.next_escalation_of(self.store, incident_id)
        return ts(value)

    def explain_scan(self, now: datetime) -> str:
        return eq.explain_due_candidates(self.store, epoch(now))

    def escalation_count(self) -> int:
        return eq.escalation_count(self.store)

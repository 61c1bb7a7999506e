"""Incident use cases: log, edit (optimistic lock), transition, assign, comment, link, read, list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from incident_desk.domain import incident as dom
from incident_desk.domain.closure import AUTO_CLOSE_ACTOR, parse_root_cause
from incident_desk.domain.incident import (
    EV_ALERT,
    EV_ASSIGN,
    EV_COMMENT,
    EV_CONFIRMATION,
    EV_CREATED,
    EV_FIELD,
    EV_LINK,
    EV_REPORTER_UPDATE,
    EV_STATUS,
    EV_WATCH,
    EV_WORK_NOTE,
    Channel,
    HoldReason,
    Incident,
    IncidentFilter,
    IncidentRow,
    Level,
    Link,
    LinkKind,
    Priority,
    Sort,
    Status,
    TimelineEvent,
)
from incident_desk.domain.limits import check_instant, check_whole
from incident_desk.domain.priority import PriorityMatrix
from incident_desk.services import sla_state
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.services.settings import SettingsService
from incident_desk.storage import closure_queries as cq
from incident_desk.storage import queries, search
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

FUTURE_TOLERANCE = timedelta(minutes=5)
AUTO_CLOSE_BATCH = 200  # incidents per write transaction when the desk closes resolved ones itself
# The desk acting on its own (auto-close): no user row; the timeline names it by its label.
SYSTEM_ACTOR = Actor(id=0, username=AUTO_CLOSE_ACTOR, display_name="Incident Desk", role="admin")
# Recent callers are looked for among this many of the latest incidents per suggestion wanted.
RECENT_SCAN = 20

# Called inside the write transaction with (service, incident_id, change, actor, now); the
# notification service hooks in here so a notification commits with the change it reports.
WriteHook = Callable[["IncidentService", int, Change, Actor, datetime], None]


class _NewRow:
    """What the SLA reads of an incident about to be written: open since ``opened_at``, nothing yet."""

    __slots__ = ("priority", "opened_at")
    status = int(Status.NEW)
    acknowledged_at = resolved_at = None

    def __init__(self, *, priority: int, opened_at: int):
        self.priority, self.opened_at = priority, opened_at


@dataclass(frozen=True)
class SlaSnapshot:
    """The history and clocks the last write computed, for hooks running in the same transaction."""

    incident_id: int
    policy: object
    history: list
    clocks: object
    now: datetime


@dataclass(frozen=True)
class IncidentDraft:
    """What the log dialog and `incident-desk log` collect."""

    title: str
    category: str
    impact: str | Level = Level.MEDIUM
    urgency: str | Level = Level.MEDIUM
    description: str = ""
    subcategory: str | None = None
    service: str | None = None
    reporter_name: str = ""
    reporter_contact: str = ""
    channel: str | Channel = Channel.PHONE
    assignee: str | None = None
    team: str | None = None
    opened_at: datetime | None = None
    priority: str | Priority | None = None
    override_reason: str | None = None
    # Solved at first contact: log it resolved with this code and these notes.
    resolution_code: str | None = None
    resolution_notes: str | None = None


def _as(parse, value, field: str):
    try:
        return parse(value)
    except dom.DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


def _line(value, what: str, limit: int, field: str) -> str:
    return _as(partial(dom.clean_line, what=what, limit=limit), value, field)


def _version(value: int | None, field: str = "expected_version") -> int | None:
    """An expected version the database can compare (a 30-digit one would overflow the driver)."""
    return None if value is None else _as(partial(check_whole, what="expected version", low=1), value, field)


class IncidentService:
    """Every change to an incident: permission check, version bump and timeline in one transaction."""

    def __init__(self, store: Store, *, clock: Clock, bus: EventBus | None = None,
                 settings: SettingsService | None = None):
        self.store = store
        self.clock = clock
        self.bus = bus or EventBus()
        self.settings = settings or SettingsService(store, clock=clock)
        self.write_hooks: list[WriteHook] = []
        self.last_sla: SlaSnapshot | None = None

    # ---- helpers --------------------------------------------------------------------------

    def _record(self, key: str | int):
        number = key if isinstance(key, int) else _as(dom.parse_key, key, "key")
        row = repo.incident_record(self.store, number)
        if row is None:
            raise NotFoundError(f"There is no incident {dom.format_key(number)}.")
        return row

    def _user_id(self, username: str | None, field: str = "assignee") -> int | None:
        if username is None or str(username).strip() == "":
            return None
        row = repo.user_by_name(self.store, str(username))
        if row is None:
            raise ValidationError(f"There is no user '{username}'.", field=field)
        if not row.active:
            raise ValidationError(f"The user '{username}' is deactivated.", field=field)
        return row.id

    def _team_id(self, name: str | None) -> int | None:
        if name is None or str(name).strip() == "":
            return None
        row = repo.team_by_name(self.store, str(name))
        if row is None:
            raise ValidationError(f"There is no team '{name}'.", field="team")
        return row.id

    def _check_category(self, category: str, subcategory: str | None) -> tuple[str, str | None]:
        tree = self.settings.categories()
        category = (category or "").strip()
        if not category:
            raise ValidationError("Choose a category.", field="category")
        match = next((c for c in tree if c.lower() == category.lower()), None)
        if match is None:
            raise ValidationError(
                f"Unknown category '{category}'; known categories: {', '.join(tree) or 'none'}.", field="category")
        sub = (subcategory or "").strip() or None
        if sub is not None:
            subs = tree[match]
            sub_match = next((s for s in subs if s.lower() == sub.lower()), None)
            if sub_match is None:
                raise ValidationError(
                    f"Unknown subcategory '{sub}' for {match}; use one of: {', '.join(subs) or 'none'}.",
                    field="subcategory")
            sub = sub_match
        return match, sub

    def _matrix(self) -> PriorityMatrix:
        return self.settings.priority_matrix()

    def _after_write(self, incident_id: int, change: Change, actor: Actor, now: datetime) -> None:
        for hook in self.write_hooks:
            hook(self, incident_id, change, actor, now)

    def _publish(self, change: Change) -> None:
        self.bus.publish(change)

    def _bump(self, row, actor: Actor, now: datetime, fields: dict, events: list[dict],
              expected_version: int | None) -> int:
        """Write fields with the version check and append the events, all stamped with the new version."""
        version = row.version if expected_version is None else expected_version
        fields = dict(fields)
        fields["updated_at"] = epoch(now)
        new_version = repo.update_incident(self.store, row.id, version, fields)
        # The desk itself (id 0) has no user row: its events carry its name as a label instead.
        actor_id, label = (actor.id, None) if actor.id else (None, actor.username)
        for ev in events:
            repo.insert_event(self.store, incident_id=row.id, at=ev.pop("at", now), actor_id=actor_id,
                              version=new_version, actor_label=label, **ev)
        return new_version

    def _refresh_sla(self, incident_id: int, now: datetime) -> None:
        row = repo.incident_record(self.store, incident_id)
        policy = self.settings.sla_policy()
        history = repo.status_history(self.store, incident_id)
        clocks = sla_state.clocks_for(policy, row, history, now)
        fields = sla_state.sla_columns(policy, row, history, now, clocks=clocks)
        if fields:
            repo.update_incident_columns(self.store, incident_id, fields)
        # Write hooks in the same transaction (the escalation schedule) reuse these, not recompute.
        self.last_sla = SlaSnapshot(incident_id, policy, history, clocks, now)

    # ---- reads ---------------------------------------------------------------------------------

    def get_incident(self, key: str | int) -> Incident:
        row = self._record(key)
        return repo.load_incident(self.store, row.id)

    def timeline(self, key: str | int, *, newest_first: bool = True) -> list[TimelineEvent]:
        return repo.timeline(self.store, self._record(key).id, newest_first=newest_first)

    def links(self, key: str | int) -> list[Link]:
        return repo.links_of(self.store, self._record(key).id)

    def watchers(self, key: str | int) -> list[str]:
        ids = repo.watcher_ids(self.store, self._record(key).id)
        return sorted(repo.user_by_id(self.store, i).username for i in ids)

    def list_incidents(self, *, filters: IncidentFilter = IncidentFilter(), sort: Sort = Sort(),
                       limit: int = 200, after: tuple | None = None, offset: int = 0,
                       reverse: bool = False) -> list[IncidentRow]:
        if limit < 1 or limit > 10_000:
            raise ValidationError("The page size must be between 1 and 10000.", field="limit")
        if offset < 0:
            raise ValidationError("The offset cannot be negative.", field="offset")
        return queries.list_rows(self.store, self._named_now(filters), sort, limit=limit, after=after,
                                 offset=offset, reverse=reverse)

    def count_incidents(self, *, filters: IncidentFilter = IncidentFilter()) -> int:
        return queries.count_incidents(self.store, self._named_now(filters))

    def _named_now(self, filters: IncidentFilter) -> IncidentFilter:
        """A saved view may name a category by what it was called before a rename."""
        if not filters.categories:
            return filters
        return replace(filters, categories=self.settings.current_category_names(filters.categories))

    def rows_by_ids(self, ids: list[int]) -> list[IncidentRow]:
        return queries.rows_by_ids(self.store, ids)

    def position_of(self, *, key: str | int, filters: IncidentFilter, sort: Sort) -> int | None:
        """Row index of an incident in a view, or None when the view does not hold it."""
        row = self._record(key)
        filters = self._named_now(filters)
        found = queries.rows_by_ids(self.store, [row.id])
        if not found or not queries.count_incidents(self.store, _with_key(filters, row.id)):
            return None
        return queries.position_of(self.store, filters, sort, found[0])

    def recent_reporters(self, *, limit: int = 30) -> list[tuple[str, str]]:
        """(name, contact) of the callers of the latest incidents, newest first, each name once: the
        log dialog's suggestions, read from the incidents themselves (no separate list to keep)."""
        limit = _as(partial(check_whole, what="limit", low=1, high=1000), limit, "limit")
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for name, contact in repo.latest_reporters(self.store, scan=limit * RECENT_SCAN):
            if name.lower() not in seen:
                seen.add(name.lower())
                out.append((name, contact))
                if len(out) == limit:
                    break
        return out

    def similar_open(self, text: str, *, limit: int = 8) -> list[IncidentRow]:
        """Possible duplicates of a report being typed: open incidents sharing its words."""
        ids = search.similar_open_incidents(self.store, text, limit=limit)
        return queries.rows_by_ids(self.store, ids)

    # ---- writes -----------------------------------------------------------------------------------

    def log_incident(self, *, actor: Actor, draft: IncidentDraft) -> Incident:
        incident_id = self._log(actor, draft, logger_watches=True)
        if (draft.resolution_code or "").strip():
            # Checked before the incident was written, so only a failing database can stop it here.
            return self.transition(actor=actor, key=incident_id, to=Status.RESOLVED,
                                   resolution_code=draft.resolution_code, resolution_notes=draft.resolution_notes,
                                   note="Solved at first contact")
        return repo.load_incident(self.store, incident_id)

    def log_incident_id(self, *, actor: Actor, draft: IncidentDraft, logger_watches: bool = True) -> int:
        """log_incident for a caller that needs only the new id (the alert intake): the incident is not read
        back, and an account that is no one to tell (monitoring) need not watch what it logs. A draft
        resolved at first contact is refused here (use log_incident)."""
        if (draft.resolution_code or "").strip():
            raise ValidationError("log_incident_id does not resolve at first contact.", field="resolution_code")
        return self._log(actor, draft, logger_watches=logger_watches)

    def _log(self, actor: Actor, draft: IncidentDraft, *, logger_watches: bool) -> int:
        require(actor, "incident.log")
        now = self.clock()
        title = _as(dom.clean_title, draft.title, "title")
        description = _as(lambda v: dom.clean_text(v, what="description"), draft.description, "description")
        impact = _as(Level.parse, draft.impact, "impact")
        urgency = _as(Level.parse, draft.urgency, "urgency")
        channel = draft.channel if isinstance(draft.channel, Channel) else _as(Channel.parse, draft.channel, "channel")
        opened_at = _as(partial(check_instant, what="opening time"), draft.opened_at or now, "opened_at")
        if opened_at > now + FUTURE_TOLERANCE:
            raise ValidationError("The opening time is in the future.", field="opened_at")
        reporter_name = _line(draft.reporter_name, "reporter name", dom.NAME_MAX, "reporter_name")
        reporter_contact = _line(draft.reporter_contact, "reporter contact", dom.CONTACT_MAX, "reporter_contact")
        service = _line(draft.service, "service", dom.NAME_MAX, "service") or None
        matrix_priority = self._matrix().priority(impact, urgency)
        priority, overridden, reason = matrix_priority, False, None
        if draft.priority is not None and str(draft.priority).strip():
            wanted = _as(Priority.parse, draft.priority, "priority")
            if wanted != matrix_priority:
                require(actor, "incident.override_priority")
                reason = _line(draft.override_reason, "override reason", dom.REASON_MAX, "override_reason")
                if not reason:
                    raise ValidationError("Give a reason for overriding the priority.", field="override_reason")
                priority, overridden = wanted, True
        resolve = bool((draft.resolution_code or "").strip())
        if resolve:
            require(actor, "incident.transition")
            _resolution_code(draft.resolution_code)
            _resolution_notes(draft.resolution_notes)
        # The SLA columns go in with the row: a new incident's clocks need only its priority and opening
        # time (no status history yet), not a read-back and a second write of every SLA index.
        policy = self.settings.sla_policy()
        fresh = _NewRow(priority=int(priority), opened_at=epoch(opened_at))
        clocks = sla_state.clocks_for(policy, fresh, [], now)
        sla_fields = sla_state.sla_columns(policy, fresh, [], now, clocks=clocks)
        with self.store.write():
            category, subcategory = self._check_category(draft.category, draft.subcategory)
            assignee_id = self._user_id(draft.assignee)
            team_id = self._team_id(draft.team)
            if assignee_id and team_id is None:
                team_id = repo.user_by_id(self.store, assignee_id).team_id
            incident_id = repo.insert_incident(self.store, dict(**sla_fields, **dict(
                title=title, description=description, category=category, subcategory=subcategory,
                service=service, reporter_name=reporter_name,
                reporter_contact=reporter_contact, channel=channel.value, impact=int(impact),
                urgency=int(urgency), priority=int(priority), priority_overridden=overridden,
                override_reason=reason, status=int(Status.NEW), assignee=assignee_id, team=team_id,
                assignee_name=_username(self.store, assignee_id), team_name=_team_name(self.store, team_id),
                opened_at=epoch(opened_at), updated_at=epoch(now), created_by=actor.id, version=1)))
            note = f"Logged from {channel.value}"
            if draft.opened_at is not None and abs((now - opened_at).total_seconds()) >= 60:
                note += f"; reported at {opened_at.isoformat()}, logged at {now.isoformat()}"
            repo.insert_event(self.store, incident_id=incident_id, at=now, actor_id=actor.id, kind=EV_CREATED,
                              new_value=title, note=note, version=1)
            if overridden:
                repo.insert_event(self.store, incident_id=incident_id, at=now, actor_id=actor.id, kind=EV_FIELD,
                                  field="priority", old_value=matrix_priority.label, new_value=priority.label,
                                  note=f"Override: {reason}", version=1)
            if assignee_id:
                repo.insert_event(self.store, incident_id=incident_id, at=now, actor_id=actor.id, kind=EV_ASSIGN,
                                  field="assignee", new_value=draft.assignee, version=1)
                repo.add_watcher(self.store, incident_id, assignee_id)
            if logger_watches:
                repo.add_watcher(self.store, incident_id, actor.id)
            search.index_incident(self.store, incident_id, title, description)
            # Write hooks in the same transaction (the escalation schedule) reuse these, as after _refresh_sla.
            self.last_sla = SlaSnapshot(incident_id, policy, [], clocks, now)
            change = Change("logged", incident_id, dom.format_key(incident_id), actor.username)
            self._after_write(incident_id, change, actor, now)
        self._publish(change)
        return incident_id

    def edit_incident(self, *, actor: Actor, key: str | int, expected_version: int,
                      changes: dict) -> Incident:
        """Change fields; ``expected_version`` is the version the editor read (optimistic lock)."""
        require(actor, "incident.edit")
        unknown = set(changes) - set(dom.EDITABLE_FIELDS)
        if unknown:
            raise ValidationError(f"'{sorted(unknown)[0]}' cannot be edited.", field=sorted(unknown)[0])
        expected_version = _version(expected_version)
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            if Status(row.status) in dom.TERMINAL_STATUSES:
                require(actor, "incident.edit_closed")
            fields, events = self._field_changes(actor, row, changes)
            if not fields:
                return repo.load_incident(self.store, row.id)
            self._bump(row, actor, now, fields, events, expected_version)
            if "title" in fields or "description" in fields:
                current = repo.incident_record(self.store, row.id)
                search.index_incident(self.store, row.id, current.title, current.description)
            if "priority" in fields:
                self._refresh_sla(row.id, now)
            if "assignee" in fields and fields["assignee"]:
                repo.add_watcher(self.store, row.id, fields["assignee"])
            change = Change("edited", row.id, row.key, actor.username, tuple(sorted(fields)))
            self._after_write(row.id, change, actor, now)
        self._publish(change)
        return repo.load_incident(self.store, row.id)

    def _field_changes(self, actor: Actor, row, changes: dict) -> tuple[dict, list[dict]]:
        fields: dict = {}
        events: list[dict] = []

        def changed(field: str, old, new, shown_old=None, shown_new=None, column: str | None = None):
            if old == new:
                return
            fields[column or field] = new
            events.append(dict(kind=EV_FIELD, field=field,
                               old_value=shown_old if shown_old is not None else old,
                               new_value=shown_new if shown_new is not None else new))

        if "title" in changes:
            changed("title", row.title, _as(dom.clean_title, changes["title"], "title"))
        if "description" in changes:
            changed("description", row.description,
                    _as(lambda v: dom.clean_text(v, what="description"), changes["description"], "description"))
        if "category" in changes or "subcategory" in changes:
            cat, sub = self._check_category(changes.get("category", row.category),
                                            changes.get("subcategory",
                                                        row.subcategory if "category" not in changes else None))
            changed("category", row.category, cat)
            changed("subcategory", row.subcategory, sub)
        for name, limit in (("service", dom.NAME_MAX), ("reporter_name", dom.NAME_MAX),
                            ("reporter_contact", dom.CONTACT_MAX)):
            if name in changes:
                value = _line(changes[name], name.replace("_", " "), limit, name)
                if name == "service":
                    value = value or None
                changed(name, getattr(row, name), value)
        if "channel" in changes:
            channel = _as(Channel.parse, changes["channel"], "channel")
            changed("channel", row.channel, channel.value)
        # 0 is an unknown level: imported history may give a priority without impact and urgency.
        impact = Level(row.impact) if row.impact else None
        urgency = Level(row.urgency) if row.urgency else None
        if "impact" in changes:
            impact = _as(Level.parse, changes["impact"], "impact")
            changed("impact", row.impact, int(impact), _level_label(row.impact), impact.label)
        if "urgency" in changes:
            urgency = _as(Level.parse, changes["urgency"], "urgency")
            changed("urgency", row.urgency, int(urgency), _level_label(row.urgency), urgency.label)
        matrix_priority = self._matrix().priority(impact, urgency) if impact and urgency else None
        overridden = bool(row.priority_overridden)
        target = Priority(row.priority)
        if matrix_priority is None:
            # Nothing to derive from: the priority stays as recorded unless it is set by hand.
            if str(changes.get("priority") or "").strip():
                target = _as(Priority.parse, changes["priority"], "priority")
        elif "priority" in changes:
            wanted = changes["priority"]
            if wanted is None or str(wanted).strip() == "" or \
                    _as(Priority.parse, wanted, "priority") == matrix_priority:
                if overridden:
                    fields["priority_overridden"] = False
                    fields["override_reason"] = None
                overridden, target = False, matrix_priority
            else:
                wanted = _as(Priority.parse, wanted, "priority")
                require(actor, "incident.override_priority")
                reason = _line(changes.get("override_reason"), "override reason", dom.REASON_MAX, "override_reason")
                if not reason:
                    raise ValidationError("Give a reason for overriding the priority.", field="override_reason")
                if wanted != Priority(row.priority) or not overridden:
                    fields["priority_overridden"] = True
                    fields["override_reason"] = reason
                overridden, target = True, wanted
        elif not overridden:
            target = matrix_priority
        if target != Priority(row.priority):
            fields["priority"] = int(target)
            note = f"Override: {fields.get('override_reason')}" if overridden else \
                f"From the matrix: {self._matrix().explain(impact, urgency)}" if matrix_priority else \
                "Set by hand; impact or urgency is unknown"
            events.append(dict(kind=EV_FIELD, field="priority", old_value=Priority(row.priority).label,
                               new_value=target.label, note=note))
        if "assignee" in changes:
            new_id = self._user_id(changes["assignee"])
            if new_id != row.assignee_id:
                fields["assignee"] = new_id
                fields["assignee_name"] = _username(self.store, new_id)
                old_name = repo.user_by_id(self.store, row.assignee_id).username if row.assignee_id else None
                events.append(dict(kind=EV_ASSIGN, field="assignee", old_value=old_name,
                                   new_value=changes["assignee"] or None))
                if "team" not in changes and new_id:
                    team_id = repo.user_by_id(self.store, new_id).team_id
                    if team_id and team_id != row.team_id:
                        changes = {**changes, "team": repo.team_by_id(self.store, team_id).name}
        if "team" in changes:
            team_id = self._team_id(changes["team"])
            if team_id != row.team_id:
                fields["team"] = team_id
                fields["team_name"] = _team_name(self.store, team_id)
                old = repo.team_by_id(self.store, row.team_id).name if row.team_id else None
                events.append(dict(kind=EV_ASSIGN, field="team", old_value=old, new_value=changes["team"] or None))
        for name in ("resolution_code", "resolution_notes"):
            if name in changes:
                value = _as(partial(dom.clean_text, what=name.replace("_", " ")), changes[name] or "", name)
                changed(name, getattr(row, name), value.strip() or None)
        if "override_reason" in changes and "priority" not in changes and overridden:
            reason = _line(changes["override_reason"], "override reason", dom.REASON_MAX, "override_reason")
            if not reason:
                raise ValidationError("Give a reason for overriding the priority.", field="override_reason")
            changed("override_reason", row.override_reason, reason)
        return fields, events

    def assign(self, *, actor: Actor, key: str | int, assignee: str | None, team: str | None = None,
               expected_version: int | None = None) -> Incident:
        require(actor, "incident.assign")
        expected_version = _version(expected_version)
        changes = {"assignee": assignee}
        if team is not None:
            changes["team"] = team
        row = self._record(key)
        return self.edit_incident(actor=actor, key=row.id, changes=changes,
                                  expected_version=row.version if expected_version is None else expected_version)

    def transition(self, *, actor: Actor, key: str | int, to: Status | str, expected_version: int | None = None,
                   note: str | None = None, resolution_code: str | None = None,
                   resolution_notes: str | None = None, cancel_reason: str | None = None,
                   duplicate_of: str | None = None, hold_reason: str | HoldReason | None = None,
                   root_cause: str | None = None, with_children: bool = False) -> Incident:
        """Move an incident; resolving takes a code, optional notes and root-cause category, and with
        ``with_children`` resolves its open children (and theirs) the same way in the same transaction."""
        require(actor, "incident.transition")
        expected_version = _version(expected_version)
        target = to if isinstance(to, Status) else _as(Status.parse, to, "status")
        if with_children and (target != Status.RESOLVED or duplicate_of):
            raise ValidationError("Only a resolution (not as a duplicate) can take the open children along.",
                                  field="with_children")
        cause = _as(parse_root_cause, root_cause, "root_cause")
        if cause and target != Status.RESOLVED:
            raise ValidationError("A root-cause category is recorded when resolving.", field="root_cause")
        if target == Status.CLOSED:
            require(actor, "incident.close")
        if target == Status.CANCELLED:
            require(actor, "incident.cancel")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            current = Status(row.status)
            as_duplicate = bool(duplicate_of)
            _as(lambda _: dom.check_transition(current, target, as_duplicate=as_duplicate), None, "status")
            fields: dict = {"status": int(target)}
            status_note = _as(partial(dom.clean_text, what="note"), note or "", "note").strip() or None
            extra_events: list[dict] = []
            if dom.sets_acknowledged(current, target) and row.acknowledged_at is None:
                fields["acknowledged_at"] = epoch(now)
            if target == Status.ON_HOLD:
                reason = hold_reason if isinstance(hold_reason, HoldReason) else \
                    _as(HoldReason.parse, hold_reason or "caller", "hold_reason")
                fields["hold_reason"] = reason.name.lower()
                status_note = f"{reason.value}" + (f": {status_note}" if status_note else "")
            elif current == Status.ON_HOLD:
                fields["hold_reason"] = None
            if target == Status.RESOLVED:
                if as_duplicate:
                    original = self._record(duplicate_of)
                    if original.id == row.id:
                        raise ValidationError("An incident cannot be a duplicate of itself.", field="duplicate_of")
                    fields["duplicate_of"] = original.id
                    code = "duplicate"
                    repo.add_link(self.store, source_id=row.id, target_id=original.id, kind=LinkKind.DUPLICATE_OF.value,
                                  at=now, actor_id=actor.id)
                    extra_events.append(dict(kind=EV_LINK, field="duplicate_of", new_value=original.key))
                else:
                    code = _resolution_code(resolution_code)
                notes = _resolution_notes(resolution_notes)
                fields.update(resolved_at=epoch(now), resolution_code=code, resolution_notes=notes or None)
                if cause:
                    fields["root_cause"] = cause
            if dom.is_reopen(current, target):
                fields.update(reopen_count=row.reopen_count + 1, resolved_at=None, closed_at=None)
                status_note = "Reopened" + (f": {status_note}" if status_note else "")
            if target == Status.CLOSED:
                fields["closed_at"] = epoch(now)
            if target == Status.CANCELLED:
                reason = _as(partial(dom.clean_text, what="cancel reason", limit=dom.REASON_MAX), cancel_reason or "",
                             "cancel_reason").strip()
                if not reason:
                    raise ValidationError("Give a reason for cancelling.", field="cancel_reason")
                # closed_at marks the end of every closing state, so backlog counts need no timeline.
                fields.update(cancel_reason=reason, closed_at=epoch(now))
                status_note = reason
            events = [dict(kind=EV_STATUS, field="status", old_value=current.slug, new_value=target.slug,
                           note=status_note), *extra_events]
            self._bump(row, actor, now, fields, events, expected_version)
            self._refresh_sla(row.id, now)
            change = Change("transitioned", row.id, row.key, actor.username, ("status",))
            self._after_write(row.id, change, actor, now)
            changes = [change]
            if with_children:
                changes += self._resolve_descendants(row, actor, now, fields)
        for each in changes:
            self._publish(each)
        return repo.load_incident(self.store, row.id)

    def _resolve_descendants(self, parent, actor: Actor, now: datetime, resolved: dict) -> list[Change]:
        """Resolve every open incident below ``parent`` with its resolution; call inside its transaction.
        A child is resolved from any open status, as a duplicate may be: the parent's fix was its fix."""
        out = []
        for child_id in cq.open_descendants(self.store, parent.id):
            child = repo.incident_record(self.store, child_id)
            current = Status(child.status)
            fields = {name: resolved[name] for name in ("status", "resolved_at", "resolution_code",
                                                         "resolution_notes", "root_cause") if name in resolved}
            if dom.sets_acknowledged(current, Status.RESOLVED) and child.acknowledged_at is None:
                fields["acknowledged_at"] = epoch(now)
            if current == Status.ON_HOLD:
                fields["hold_reason"] = None
            events = [dict(kind=EV_STATUS, field="status", old_value=current.slug, new_value=Status.RESOLVED.slug,
                           note=f"Resolved with its parent {parent.key}")]
            self._bump(child, actor, now, fields, events, None)
            self._refresh_sla(child.id, now)
            change = Change("transitioned", child.id, child.key, actor.username, ("status",))
            self._after_write(child.id, change, actor, now)
            out.append(change)
        return out

    def open_children(self, key: str | int) -> list[IncidentRow]:
        """Open incidents below ``key`` (children and theirs): what resolving it may take along."""
        return queries.rows_by_ids(self.store, cq.open_descendants(self.store, self._record(key).id))

    def set_root_cause(self, *, actor: Actor, key: str | int, category: str | None,
                       expected_version: int | None = None) -> Incident:
        """Record (or clear) the root-cause category; after closing only a lead may change it."""
        require(actor, "incident.edit")
        cause = _as(parse_root_cause, category, "root_cause")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            status = Status(row.status)
            if status == Status.CANCELLED:
                raise ValidationError(f"{row.key} was cancelled; it has no root cause to record.",
                                      field="root_cause")
            if status == Status.CLOSED:
                require(actor, "incident.close")
            if cause == row.root_cause:
                return repo.load_incident(self.store, row.id)
            self._bump(row, actor, now, {"root_cause": cause},
                       [dict(kind=EV_FIELD, field="root_cause", old_value=row.root_cause, new_value=cause)],
                       expected_version)
            change = Change("edited", row.id, row.key, actor.username, ("root_cause",))
            self._after_write(row.id, change, actor, now)
        self._publish(change)
        return repo.load_incident(self.store, row.id)

    def confirm_resolution(self, *, actor: Actor, key: str | int, confirmed: bool = True, note: str = "",
                           expected_version: int | None = None) -> Incident:
        """Record what the caller said about the fix. Confirmed: noted with the time (closed incidents
        too, since callers answer late). Not fixed: the incident is reopened with the caller's words."""
        require(actor, "incident.transition")
        text = _as(lambda v: dom.clean_text(v, what="note", limit=2000), note or "", "note").strip()
        if not confirmed:
            if not text:
                raise ValidationError("Say what the caller reported as still wrong.", field="note")
            row = self._record(key)
            if Status(row.status) != Status.RESOLVED:
                raise ValidationError(f"{row.key} is {Status(row.status).label.lower()}; only a resolved incident "
                                      f"can be reopened on the caller's word.", field="status")
            return self.transition(actor=actor, key=row.id, to=Status.IN_PROGRESS, expected_version=expected_version,
                                   note=f"The caller says it is not fixed: {text}")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            if Status(row.status) not in (Status.RESOLVED, Status.CLOSED):
                raise ValidationError(f"{row.key} is {Status(row.status).label.lower()}; the caller can confirm "
                                      f"only a resolution.", field="status")
            text = text or "The caller confirmed the fix."
            self._bump(row, actor, now, {"caller_confirmed_at": epoch(now), "caller_confirmation": text},
                       [dict(kind=EV_CONFIRMATION, new_value="confirmed", note=text)], expected_version)
            change = Change("edited", row.id, row.key, actor.username, ("caller_confirmation",))
            self._after_write(row.id, change, actor, now)
        self._publish(change)
        return repo.load_incident(self.store, row.id)

    def auto_close_due(self, now: datetime | None = None, *, batch_size: int = AUTO_CLOSE_BATCH) -> list[dict]:
        """Close every incident resolved at least the policy's N days before ``now``, once each, as the desk
        itself: a scan after downtime catches up and names the real due time. Returns one dict per closing."""
        now = now or self.clock()
        policy = self.settings.closure_policy()
        if not policy.auto_close_days:
            return []
        cutoff = epoch(now - timedelta(days=policy.auto_close_days))
        closed: list[dict] = []
        while True:
            changes: list[Change] = []
            with self.store.write():
                due = cq.due_for_auto_close(self.store, cutoff, batch_size)
                for incident_id, resolved_at in due:
                    row = repo.incident_record(self.store, incident_id)
                    # Read again inside the lock: another desk may have closed or reopened it meanwhile.
                    if row is None or Status(row.status) != Status.RESOLVED or row.resolved_at > cutoff:
                        continue
                    due_at = policy.auto_close_at(ts(resolved_at))
                    due_text = due_at.strftime("%Y-%m-%d %H:%M UTC")
                    note = (f"Closed automatically {policy.auto_close_days} day"
                            f"{'s' if policy.auto_close_days != 1 else ''} after resolution (due {due_text})")
                    self._bump(row, SYSTEM_ACTOR, now, {"status": int(Status.CLOSED), "closed_at": epoch(now)},
                               [dict(kind=EV_STATUS, field="status", old_value=Status.RESOLVED.slug,
                                     new_value=Status.CLOSED.slug, note=note)], row.version)
                    self._refresh_sla(row.id, now)
                    change = Change("transitioned", row.id, row.key, SYSTEM_ACTOR.username, ("status",))
                    self._after_write(row.id, change, SYSTEM_ACTOR, now)
                    changes.append(change)
                    closed.append({"kind": "auto_close", "incident": row.key, "incident_id": row.id,
                                   "title": row.title, "resolved_at": ts(resolved_at).isoformat(),
                                   "due_at": due_at.isoformat(), "closed_at": now.isoformat()})
            for change in changes:
                self._publish(change)
            if len(due) < batch_size:
                return closed

    def comment(self, *, actor: Actor, key: str | int, text: str, work_note: bool = False) -> TimelineEvent:
        """Comments are part of what the reporter may be told; work notes stay internal. Both join the timeline."""
        require(actor, "incident.comment")
        body = _as(lambda v: dom.clean_text(v, what="comment"), text, "text").strip()
        if not body:
            raise ValidationError("The comment is empty.", field="text")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            kind = EV_WORK_NOTE if work_note else EV_COMMENT
            # A comment bumps the version too, so an editor holding an older copy is told of it.
            self._bump(row, actor, now, {}, [dict(kind=kind, note=body)], None)
            search.index_comment(self.store, row.id, body)
            change = Change("commented", row.id, row.key, actor.username, (kind,))
            self._after_write(row.id, change, actor, now)
        self._publish(change)
        return repo.timeline(self.store, row.id)[0]

    def record_alert(self, *, actor: Actor, key: str | int, note: str, value: str | None = None) -> None:
        """Monitoring's word on an incident (an alert fired again, joined, recovered): a timeline event
        that bumps the version, so an open editor hears of it, and changes no field."""
        require(actor, "incident.comment")
        note = _as(lambda v: dom.clean_text(v, what="note", limit=dom.TEXT_MAX), note, "note")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            self._bump(row, actor, now, {}, [dict(kind=EV_ALERT, new_value=value, note=note)], None)
            change = Change("alerted", row.id, row.key, actor.username, (EV_ALERT,))
            self._after_write(row.id, change, actor, now)
        self._publish(change)

    def record_reporter_update(self, *, actor: Actor, key: str | int, message: str) -> None:
        """The agent sent the reporter a status update from their own mail client."""
        require(actor, "incident.comment")
        now = self.clock()
        body = _as(lambda v: dom.clean_text(v, what="message"), message, "message").strip()
        with self.store.write():
            row = self._record(key)
            self._bump(row, actor, now, {}, [dict(kind=EV_REPORTER_UPDATE, new_value=row.reporter_contact,
                                                  note=body)], None)
            change = Change("reporter_updated", row.id, row.key, actor.username)
        self._publish(change)

    def link(self, *, actor: Actor, key: str | int, other: str | int, kind: LinkKind | str,
             remove: bool = False) -> list[Link]:
        """Link two incidents (duplicate_of, related, parent_of); both timelines record it."""
        require(actor, "incident.link")
        link_kind = kind if isinstance(kind, LinkKind) else _as(LinkKind.parse, kind, "kind")
        now = self.clock()
        with self.store.write():
            row = self._record(key)
            other_row = self._record(other)
            if row.id == other_row.id:
                raise ValidationError("An incident cannot be linked to itself.", field="other")
            if remove:
                n = repo.remove_link(self.store, source_id=row.id, target_id=other_row.id, kind=link_kind.value)
                if link_kind == LinkKind.RELATED:
                    n += repo.remove_link(self.store, source_id=other_row.id, target_id=row.id, kind=link_kind.value)
                if not n:
                    raise NotFoundError(f"{row.key} has no {link_kind.value} link to {other_row.key}.")
                verb = "unlinked"
            else:
                if link_kind == LinkKind.PARENT_OF and other_row.id in _ancestors(self.store, row.id):
                    raise ValidationError(f"{other_row.key} is already above {row.key}; that would make a loop.",
                                          field="other")
                if not repo.add_link(self.store, source_id=row.id, target_id=other_row.id, kind=link_kind.value, at=now,
                                     actor_id=actor.id):
                    return repo.links_of(self.store, row.id)
                verb = "linked"
            self._bump(row, actor, now, {}, [dict(kind=EV_LINK, field=link_kind.value,
                                                  old_value=other_row.key if remove else None,
                                                  new_value=None if remove else other_row.key, note=verb)], None)
            self._bump(other_row, actor, now, {}, [dict(kind=EV_LINK, field=_reverse(link_kind),
                                                        old_value=row.key if remove else None,
                                                        new_value=None if remove else row.key, note=verb)], None)
        self._publish(Change("linked", row.id, row.key, actor.username))
        self._publish(Change("linked", other_row.id, other_row.key, actor.username))
        return repo.links_of(self.store, row.id)

    def watch(self, *, actor: Actor, key: str | int, watching: bool = True) -> None:
        require(actor, "incident.watch")
        with self.store.write():
            row = self._record(key)
            change = repo.add_watcher if watching else repo.remove_watcher
            done = change(self.store, row.id, actor.id)
            if done:
                repo.insert_event(self.store, incident_id=row.id, at=self.clock(), actor_id=actor.id, kind=EV_WATCH,
                                  new_value="watching" if watching else "stopped watching")
        self._publish(Change("watched", row.id, row.key, actor.username))


def _resolution_code(code: str | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationError("Choose a resolution code.", field="resolution_code")
    if code not in dom.RESOLUTION_CODES:
        raise ValidationError(f"Unknown resolution code '{code}'; use one of: {', '.join(dom.RESOLUTION_CODES)}.",
                              field="resolution_code")
    return code


def _resolution_notes(notes: str | None) -> str:
    return _as(lambda v: dom.clean_text(v, what="resolution notes"), notes or "", "resolution_notes").strip()


def _level_label(value: int) -> str:
    return Level(value).label if value else "unknown"


def _username(store: Store, user_id: int | None) -> str | None:
    return repo.user_by_id(store, user_id).username if user_id else None


def _team_name(store: Store, team_id: int | None) -> str | None:
    return repo.team_by_id(store, team_id).name if team_id else None


def _reverse(kind: LinkKind) -> str:
    return {LinkKind.DUPLICATE_OF: "duplicated_by", LinkKind.RELATED: "related",
            LinkKind.PARENT_OF: "child_of"}[kind]


def _ancestors(store: Store, incident_id: int) -> set[int]:
    seen: set[int] = set()
    frontier = [incident_id]
    while frontier:
        current = frontier.pop()
        for link in repo.links_of(store, current):
            if link.kind == LinkKind.PARENT_OF and link.to_key == dom.format_key(current):
                parent = dom.parse_key(link.from_key)
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
    return seen


def _with_key(filters: IncidentFilter, incident_id: int) -> IncidentFilter:
    keys = filters.keys & {incident_id} if filters.keys else frozenset({incident_id})
    return replace(filters, keys=keys or frozenset({-1}))

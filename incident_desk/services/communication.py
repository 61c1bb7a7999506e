"""Stakeholder communication: business services and their state, public updates, cadence, distribution."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from incident_desk.domain import communication as comm
from incident_desk.domain.closure import redactor
from incident_desk.domain.communication import CadenceFacts, ServiceState, UpdateState
from incident_desk.domain.incident import (
    EV_FIELD,
    EV_PUBLIC_UPDATE,
    DomainError,
    Priority,
    Status,
    format_key,
    parse_key,
)
from incident_desk.reports.markdown import escape_line
from incident_desk.services.audit import AuditLog
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.services.reporter_update import compose_mailto, valid_address
from incident_desk.storage import closure_queries as cq
from incident_desk.storage import communication_queries as q
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts


@dataclass(frozen=True)
class BusinessService:
    """A service as the desk sees it (internal: subscribers and the override's reason and author)."""

    id: int
    name: str
    description: str
    public: bool
    state: ServiceState
    derived: ServiceState
    override_reason: str | None
    override_by: str | None
    override_at: datetime | None
    subscribers: tuple[str, ...] = ()
    team: str | None = None       # the team that owns it (schema 15)
    retired: bool = False         # offered for no new incident; stays on old ones

    @property
    def overridden(self) -> bool:
        return self.state != self.derived or self.override_reason is not None

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "public": self.public,
                "state": self.state.value, "derived_state": self.derived.value,
                "override_reason": self.override_reason, "override_by": self.override_by,
                "override_at": self.override_at.isoformat() if self.override_at else None,
                "subscribers": list(self.subscribers), "team": self.team, "retired": self.retired}


@dataclass(frozen=True)
class PublicUpdate:
    id: int
    incident_key: str
    at: datetime
    state: UpdateState
    message: str
    author: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "incident": self.incident_key, "at": self.at.isoformat(), "state": self.state.value,
                "message": self.message, "author": self.author}


@dataclass(frozen=True)
class Distribution:
    """One update ready to send: the mail (recipients in BCC only) and the same words for chat."""

    subject: str
    text: str
    markdown: str
    recipients: tuple[str, ...]
    mailto: str


# ---- what a status page may carry (built only from public facts, already redacted) ----------------

@dataclass(frozen=True)
class PublicService:
    name: str
    state: ServiceState


@dataclass(frozen=True)
class PublicEntry:
    id: int
    at: datetime
    state: UpdateState
    message: str


@dataclass(frozen=True)
class PublicIncident:
    key: str
    title: str
    is_open: bool
    state: UpdateState
    services: tuple[str, ...]
    started_at: datetime
    updated_at: datetime
    updates: tuple[PublicEntry, ...]   # oldest first


@dataclass(frozen=True)
class StatusSnapshot:
    generated_at: datetime
    desk_id: str
    services: tuple[PublicService, ...]
    incidents: tuple[PublicIncident, ...]   # open ones first, then the newest
    history_days: int = comm.HISTORY_DAYS

    @property
    def overall(self) -> ServiceState:
        return max((s.state for s in self.services), key=lambda s: s.severity, default=ServiceState.OPERATIONAL)


def _as(parse, value, field: str):
    try:
        return parse(value)
    except DomainError as exc:
        raise ValidationError(str(exc), field=field) from None


class CommunicationService:
    """Services list, public updates on the timeline, the cadence of major incidents, what to send."""

    def __init__(self, store: Store, *, clock: Clock, bus: EventBus | None = None, notifications=None):
        self.store = store
        self.clock = clock
        self.bus = bus or EventBus()
        self.notifications = notifications
        # incident id -> (version, priority, opened_at, major, due): what the last pass computed. An incident's
        # version moves with every change that can move its due instant (a public update, the priority, the
        # major mark), so a pass recomputes only those and reads the rest as a handful of integers.
        self._dues: dict[int, tuple] = {}
        self._dues_lock = threading.Lock()

    # ---- services ---------------------------------------------------------------------------------

    def _service_row(self, name: str) -> tuple:
        key = _as(comm.clean_service_name, name, "service").casefold()
        row = q.service_by_key(self.store, key)
        if row is None:
            raise NotFoundError(f"There is no service '{name}'; add it with 'incident-desk service add'.")
        return row

    def _derived(self) -> dict[int, ServiceState]:
        """Every service's state from the open incidents naming it (their own field or an update's)."""
        by_key = {r[2]: r[0] for r in q.services(self.store)}
        best: dict[int, int] = {}
        for text, priority in q.open_priorities_by_service_text(self.store):
            service_id = by_key.get(" ".join(str(text).split()).casefold())
            if service_id is not None:
                best[service_id] = min(best.get(service_id, 9), priority)
        for service_id, priority in q.open_priorities_by_affected(self.store):
            best[service_id] = min(best.get(service_id, 9), priority)
        return {sid: comm.derived_state([p]) for sid, p in best.items()}

    def _build(self, rows: Sequence[tuple], *, with_subscribers: bool = True) -> list[BusinessService]:
        derived = self._derived()
        subs: dict[int, list[str]] = defaultdict(list)
        if with_subscribers:
            for service_id, address in q.subscribers(self.store, [r[0] for r in rows]):
                subs[service_id].append(address)
        out = []
        for (sid, name, _key, description, public, override_state, override_reason, override_by, override_at,
             _created, _updated, team, retired_at) in rows:
            base = derived.get(sid, ServiceState.OPERATIONAL)
            out.append(BusinessService(
                id=sid, name=name, description=description or "", public=bool(public),
                state=comm.service_state([], override_state) if override_state else base, derived=base,
                override_reason=override_reason if override_state else None,
                override_by=override_by if override_state else None,
                override_at=ts(override_at) if override_state else None, subscribers=tuple(subs[sid]),
                team=team, retired=retired_at is not None))
        return out

    def list_services(self, *, public_only: bool = False) -> list[BusinessService]:
        with self.store.read():
            return self._build(q.services(self.store, public_only=public_only))

    def get_service(self, name: str) -> BusinessService:
        with self.store.read():
            return self._build([self._service_row(name)])[0]

    def add_service(self, *, actor: Actor, name: str, description: str = "", public: bool = False,
                    subscribers: Sequence[str] = (), team: str | None = None) -> BusinessService:
        require(actor, "service.manage")
        clean = _as(comm.clean_service_name, name, "name")
        text = _as(lambda v: comm.clean_text(v, what="description", limit=comm.DESCRIPTION_MAX), description,
                   "description").strip()
        addresses = self._addresses(subscribers)
        now = epoch(self.clock())
        with self.store.write():
            if q.service_by_key(self.store, clean.casefold()) is not None:
                raise ValidationError(f"There is already a service '{clean}'.", field="name")
            service_id = q.insert_service(self.store, name=clean, name_key=clean.casefold(), description=text,
                                          public=public, now=now)
            team_id = self._team_id(team)
            if team_id is not None:
                q.update_service(self.store, service_id, {"team_id": team_id})
            q.add_subscribers(self.store, service_id, addresses)
            self._audit(actor, "settings.services.add", clean + (f" (team {team.strip()})" if team_id else ""))
        self.bus.publish(Change("service_changed", actor=actor.username))
        return self.get_service(clean)

    def set_service(self, *, actor: Actor, name: str, new_name: str | None = None, description: str | None = None,
                    public: bool | None = None, add_subscribers: Sequence[str] = (),
                    remove_subscribers: Sequence[str] = ()) -> BusinessService:
        require(actor, "service.manage")
        fields: dict = {}
        if new_name is not None:
            clean = _as(comm.clean_service_name, new_name, "name")
            fields.update(name=clean, name_key=clean.casefold())
        if description is not None:
            fields["description"] = _as(lambda v: comm.clean_text(v, what="description", limit=comm.DESCRIPTION_MAX),
                                        description, "description").strip()
        if public is not None:
            fields["public"] = bool(public)
        adding = self._addresses(add_subscribers)
        with self.store.write():
            row = self._service_row(name)
            if "name_key" in fields and fields["name_key"] != row[2]:
                if q.service_by_key(self.store, fields["name_key"]) is not None:
                    raise ValidationError(f"There is already a service '{fields['name']}'.", field="name")
                # Incidents name their service in a text field: those naming the old name stay with the
                # service under its new one (linked explicitly, their own text is history and stays).
                old = [t for t in q.distinct_incident_services(self.store)
                       if " ".join(t.split()).casefold() == row[2]]
                q.link_incidents_with_service_text(self.store, old, row[0])
            if "name" in fields and fields["name"] != row[1]:
                self._audit(actor, "settings.services.rename", f"{row[1]} → {fields['name']}")
            if fields:
                fields["updated_at"] = epoch(self.clock())
                q.update_service(self.store, row[0], fields)
            q.add_subscribers(self.store, row[0], adding)
            q.remove_subscribers(self.store, row[0], [a.strip() for a in remove_subscribers])
        self.bus.publish(Change("service_changed", actor=actor.username))
        return self.get_service(fields.get("name", row[1]))

    def override(self, *, actor: Actor, name: str, state: ServiceState | str | None,
                 reason: str = "") -> BusinessService:
        """A lead sets the state by hand (planned maintenance, an outage no incident names yet), with a
        reason; ``state`` None lifts the override and the incidents speak again."""
        require(actor, "service.override")
        now = epoch(self.clock())
        if state is None:
            fields = {"override_state": None, "override_reason": None, "override_by_id": None, "override_at": None}
        else:
            parsed = _as(ServiceState.parse, state, "state")
            why = _as(lambda v: comm.clean_text(v, what="reason", limit=comm.DESCRIPTION_MAX), reason, "reason").strip()
            if not why:
                raise ValidationError("Say why the service's state is set by hand (--reason).", field="reason")
            fields = {"override_state": parsed.value, "override_reason": why, "override_by_id": actor.id or None,
                      "override_at": now}
        with self.store.write():
            row = self._service_row(name)
            q.update_service(self.store, row[0], {**fields, "updated_at": now})
        self.bus.publish(Change("service_changed", actor=actor.username))
        return self.get_service(row[1])

    def sync_services(self, *, actor: Actor) -> list[str]:
        """Every free-text service on an incident becomes an entry (internal); returns the names added."""
        require(actor, "service.manage")
        added: list[str] = []
        now = epoch(self.clock())
        with self.store.write():
            known = {r[2] for r in q.services(self.store)}
            for text in sorted(q.distinct_incident_services(self.store)):
                name = " ".join(str(text).split())[:comm.SERVICE_NAME_MAX]
                if name and name.casefold() not in known:
                    known.add(name.casefold())
                    q.insert_service(self.store, name=name, name_key=name.casefold(), description="", public=False,
                                     now=now)
                    added.append(name)
        if added:
            self.bus.publish(Change("service_changed", actor=actor.username))
        return added

    # ---- the catalogue (Settings → Services): owning team, retirement, deletion of unused ones ------------

    def service_names(self) -> list[str]:
        """The services offered for new incidents: every one not retired."""
        with self.store.read():
            return q.active_service_names(self.store)

    def incident_counts(self) -> dict[int, int]:
        """service id -> incidents that name it (their own field, any case and spacing) or are linked to it."""
        with self.store.read():
            rows = q.services(self.store)
            texts = q.service_text_counts(self.store)
            linked = q.affected_counts(self.store)
        by_key = {r[2]: r[0] for r in rows}
        counts: dict[int, int] = defaultdict(int)
        for text, n in texts:
            service_id = by_key.get(_key(text))
            if service_id is not None:
                counts[service_id] += n
        key_of = {r[0]: r[2] for r in rows}
        for service_id, text, n in linked:
            if text is None or _key(text) != key_of.get(service_id):  # those were counted by their own field
                counts[service_id] += n
        return dict(counts)

    def set_service_team(self, *, actor: Actor, name: str, team: str | None) -> BusinessService:
        """The team that owns the service; None or "" for none."""
        require(actor, "service.manage")
        with self.store.write():
            row = self._service_row(name)
            team_id = self._team_id(team)
            q.update_service(self.store, row[0], {"team_id": team_id, "updated_at": epoch(self.clock())})
            self._audit(actor, "settings.services.team",
                        f"{row[1]}: {team.strip() if team_id else 'no team'}")
        self.bus.publish(Change("service_changed", actor=actor.username))
        return self.get_service(row[1])

    def retire_service(self, *, actor: Actor, name: str, retired: bool = True) -> BusinessService:
        """A retired service is offered for no new incident and leaves the status page's list; its old
        incidents keep it, and it can be brought back (``retired`` False)."""
        require(actor, "service.manage")
        now = epoch(self.clock())
        with self.store.write():
            row = self._service_row(name)
            if (row[12] is not None) != retired:
                q.update_service(self.store, row[0], {"retired_at": now if retired else None, "updated_at": now})
                self._audit(actor, "settings.services.retire" if retired else "settings.services.unretire", row[1])
        self.bus.publish(Change("service_changed", actor=actor.username))
        return self.get_service(row[1])

    def delete_service(self, *, actor: Actor, name: str) -> None:
        """Only a service no incident names or is linked to may go; one in use is retired instead."""
        require(actor, "service.manage")
        with self.store.write():
            row = self._service_row(name)
            used = self.incident_counts().get(row[0], 0)
            if used:
                raise ValidationError(f"The service '{row[1]}' is on {used:,} incident{'s' if used != 1 else ''}; "
                                      "retire it instead of deleting it.", field="name")
            q.delete_service(self.store, row[0])
            self._audit(actor, "settings.services.delete", row[1])
        self.bus.publish(Change("service_changed", actor=actor.username))

    def _team_id(self, team: str | None) -> int | None:
        name = (team or "").strip()
        if not name:
            return None
        found = repo.team_by_name(self.store, name)
        if found is None:
            raise ValidationError(f"There is no team '{name}'.", field="team")
        return found.id

    def _audit(self, actor: Actor, action: str, detail: str) -> None:
        AuditLog(self.store, clock=self.clock).append(actor=actor, action=action, detail=detail)

    @staticmethod
    def _addresses(values: Sequence[str]) -> list[str]:
        out = []
        for value in values:
            address = valid_address(value)
            if not address:
                raise ValidationError(f"'{value}' is not one e-mail address.", field="subscribers")
            out.append(address)
        return out

    @staticmethod
    def _number(key: str | int) -> int:
        return key if isinstance(key, int) else _as(parse_key, key, "key")

    # ---- public updates -------------------------------------------------------------------------------

    def announce(self, *, actor: Actor, key: str | int, state: UpdateState | str, message: str,
                 services: Sequence[str] = ()) -> PublicUpdate:
        """Record a public update on the incident's timeline (its own kind, never a comment) and link the
        services it names; the incident's own service is linked too (made an entry when it is new)."""
        require(actor, "incident.announce")
        parsed = _as(UpdateState.parse, state, "state")
        text = _as(comm.clean_message, message, "message")
        names = [_as(comm.clean_service_name, s, "service") for s in services]
        now = self.clock()
        with self.store.write():
            number = self._number(key)
            row = repo.incident_record(self.store, number)
            if row is None:
                raise NotFoundError(f"There is no incident {format_key(number)}.")
            if Status(row.status) == Status.CANCELLED:
                raise ValidationError(f"{row.key} is cancelled; a cancelled incident gets no public updates.",
                                      field="key")
            service_ids = []
            for name in names:
                found = q.service_by_key(self.store, name.casefold())
                if found is None:
                    raise NotFoundError(f"There is no service '{name}'; add it with 'incident-desk service add'.")
                service_ids.append(found[0])
            own = " ".join((row.service or "").split())
            if own:
                found = q.service_by_key(self.store, own.casefold())
                if found is None:
                    q.insert_service(self.store, name=own[:comm.SERVICE_NAME_MAX], name_key=own.casefold()[:200],
                                     description="", public=False, now=epoch(now))
            actor_id, label = (actor.id, None) if actor.id else (None, actor.username)
            version = repo.update_incident(self.store, row.id, row.version, {"updated_at": epoch(now)})
            repo.insert_event(self.store, incident_id=row.id, at=now, actor_id=actor_id, kind=EV_PUBLIC_UPDATE,
                              field=parsed.value, new_value=", ".join(names) or None, note=text, version=version,
                              actor_label=label)
            update_id = q.insert_public_update(self.store, incident_id=row.id, at=epoch(now), state=parsed.value,
                                               message=text, author_id=actor_id)
            q.add_affected(self.store, row.id, service_ids)
        self.bus.publish(Change("announced", row.id, row.key, actor.username, (EV_PUBLIC_UPDATE,)))
        return PublicUpdate(update_id, row.key, now, parsed, text, actor.username)

    def updates_of(self, key: str | int) -> list[PublicUpdate]:
        number = self._number(key)
        with self.store.read():
            rows = q.public_updates(self.store, [number])
        return [PublicUpdate(r[1], format_key(r[0]), ts(r[2]), UpdateState(r[3]), r[4], r[5]) for r in rows]

    def services_of(self, key: str | int) -> list[str]:
        """The services an incident affects: its own field's and those its updates named."""
        number = self._number(key)
        with self.store.read():
            facts = q.incident_facts(self.store, [number])
            if not facts:
                raise NotFoundError(f"There is no incident {format_key(number)}.")
            return [s.name for s in self._services_of_incidents(facts)[number]]

    def public_services_of(self, key: str | int) -> list[str]:
        """The public services an incident affects: what may be named outside the desk (customer reports)."""
        number = self._number(key)
        with self.store.read():
            facts = q.incident_facts(self.store, [number])
            if not facts:
                raise NotFoundError(f"There is no incident {format_key(number)}.")
            rows = self._services_of_incidents(facts)[number]
        return [s.name for s in rows if s.public]

    def _services_of_incidents(self, facts: Sequence[tuple]) -> dict[int, list[tuple]]:
        """incident id -> [(service id, name, public)] for incident_facts rows."""
        rows = q.services(self.store)
        by_id = {r[0]: r for r in rows}
        by_key = {r[2]: r for r in rows}
        out: dict[int, list[tuple]] = {f[0]: [] for f in facts}
        for f in facts:
            own = by_key.get(" ".join((f[7] or "").split()).casefold())
            if own is not None:
                out[f[0]].append(own)
        for incident_id, service_id in q.affected_of(self.store, [f[0] for f in facts]):
            row = by_id.get(service_id)
            if row is not None and row not in out[incident_id]:
                out[incident_id].append(row)
        return {i: [_named(r) for r in v] for i, v in out.items()}

    def set_major(self, *, actor: Actor, key: str | int, major: bool = True) -> None:
        """Mark (or unmark) an incident as major: it then keeps a communication cadence whatever its priority."""
        require(actor, "incident.major")
        number = self._number(key)
        now = self.clock()
        with self.store.write():
            row = repo.incident_record(self.store, number)
            if row is None:
                raise NotFoundError(f"There is no incident {format_key(number)}.")
            current = q.comms_of(self.store, row.id)
            was = bool(current[0]) if current else False
            if was == major:
                return
            q.set_major(self.store, row.id, major, actor.id or None, epoch(now))
            actor_id, label = (actor.id, None) if actor.id else (None, actor.username)
            version = repo.update_incident(self.store, row.id, row.version, {"updated_at": epoch(now)})
            repo.insert_event(self.store, incident_id=row.id, at=now, actor_id=actor_id, kind=EV_FIELD, field="major",
                              old_value="yes" if was else "no", new_value="yes" if major else "no", version=version,
                              actor_label=label)
        self.bus.publish(Change("edited", row.id, row.key, actor.username, ("major",)))

    def is_major(self, key: str | int) -> bool:
        number = self._number(key)
        with self.store.read():
            row = q.comms_of(self.store, number)
        return bool(row[0]) if row else False

    # ---- cadence --------------------------------------------------------------------------------------

    def _dues_now(self) -> list[tuple[tuple, datetime]]:
        """(state row, due instant) of every open major incident; see ``cadence_states`` for the row."""
        states = q.cadence_states(self.store)
        with self._dues_lock:
            known = dict(self._dues)
        stale = [r for r in states if known.get(r[0], (None,))[:4] != (r[1], r[2], r[3], bool(r[4]))]
        if stale:
            last = q.last_updates(self.store, [r[0] for r in stale])
            for row in stale:
                at_state = last.get(row[0])
                due = comm.next_update_due(CadenceFacts(
                    priority=Priority(row[2]), major=bool(row[4]), opened_at=ts(row[3]),
                    last_update_at=ts(at_state[0]) if at_state else None,
                    last_state=UpdateState(at_state[1]) if at_state else None))
                known[row[0]] = (row[1], row[2], row[3], bool(row[4]), due)
        current = {r[0]: known[r[0]] for r in states}  # closed ones leave the cache
        with self._dues_lock:
            self._dues = current
        return [(row, current[row[0]][4]) for row in states if current[row[0]][4] is not None]

    def cadence_due(self) -> dict[int, datetime]:
        """incident id -> when its next public update is due, for every open major incident."""
        with self.store.read():
            return {row[0]: due for row, due in self._dues_now()}

    def remind_due(self, now: datetime | None = None) -> list[dict]:
        """'Update due in 5 min' to the assignee (else the team's lead, else the admins), once per due instant."""
        now = (now or self.clock()).astimezone(UTC)
        with self.store.read():
            # row[5]: the due instant last reminded of. Read first: a scan with nothing to remind of (nearly
            # every scan) takes no write lock, which would stall every other desk's writes meanwhile.
            due_now = {row[0]: due for row, due in self._dues_now()
                       if now >= comm.reminder_at(due) and row[5] != epoch(due)}
        done: list[dict] = []
        if not due_now:
            return done
        with self.store.write():
            for row in q.cadence_details(self.store, sorted(due_now)):
                due = due_now[row[0]]
                if not q.claim_reminder(self.store, row[0], epoch(due)):  # another desk was first
                    continue
                recipients = self._recipients_for(row)
                left = max(0, int((due - now).total_seconds() // 60))
                title = (f"{row[1]} public update due in {left} min" if due > now
                         else f"{row[1]} public update overdue")
                if self.notifications is not None and recipients:
                    self.notifications.write([(user_id, row[0], "communication", "warning", row[3], title,
                                               row[2], epoch(now), epoch(due), None) for user_id in recipients])
                done.append({"kind": "update_due", "incident": row[1], "incident_id": row[0],
                             "due_at": due.isoformat(), "recipients": recipients})
        for item in done:
            self.bus.publish(Change("update_due", item["incident_id"], item["incident"]))
        return done

    def _recipients_for(self, row: tuple) -> list[int]:
        active = set(q.active_user_ids(self.store))
        if row[5] in active:
            return [row[5]]
        leads = [u for u in q.team_leads(self.store, row[6]) if u in active]
        if leads:
            return leads
        if len(active) == 1:
            return sorted(active)
        return q.active_user_ids(self.store, role="admin")

    # ---- distribution ---------------------------------------------------------------------------------

    def distribution(self, key: str | int, update_id: int | None = None, *,
                     status_url: str = "") -> Distribution:
        """The latest (or the given) public update as a mail to subscribers and reporters (BCC) and as
        text and Markdown for chat. Only public words: the incident's title, its public services, the
        update; names and contacts typed into them are redacted."""
        number = self._number(key)
        with self.store.read():
            facts = q.incident_facts(self.store, [number])
            if not facts:
                raise NotFoundError(f"There is no incident {format_key(number)}.")
            updates = q.public_updates(self.store, [number])
            chosen = [u for u in updates if update_id is None or u[1] == update_id]
            if not chosen:
                raise NotFoundError(f"{format_key(number)} has no public update"
                                    f"{'' if update_id is None else f' {update_id}'} yet.")
            update = chosen[-1]
            services = self._services_of_incidents(facts)[number]
            service_ids = [s.id for s in services]
            subscribers = [a for _, a in q.subscribers(self.store, service_ids)]
            reporters = q.linked_reporter_contacts(self.store, number)
            clean = self._redactor(facts)
        recipients = tuple(dict.fromkeys(a for a in (valid_address(x) for x in [*subscribers, *reporters]) if a))
        public = [s.name for s in services if s.public]
        state = UpdateState(update[3])
        title = clean(facts[0][2])
        message = clean(update[4])
        at = ts(update[2]).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        subject = f"[{facts[0][1]}] {state.label}: {title}"
        lines = [f"{state.label} — {title}", f"Incident: {facts[0][1]}"]
        if public:
            lines.append(f"Affected: {', '.join(public)}")
        lines += [f"Posted: {at}", "", message]
        if status_url:
            lines += ["", f"Status page: {status_url}"]
        text = "\n".join(lines)
        md = [f"**{state.label}** — {_md(title)} ({facts[0][1]})"]
        if public:
            md.append(f"*Affected:* {_md(', '.join(public))}")
        md += [f"*Posted:* {at}", "", _md(message)]
        if status_url:
            md += ["", f"[Status page]({status_url})"]
        return Distribution(subject=subject, text=text, markdown="\n".join(md), recipients=recipients,
                            mailto=compose_mailto(bcc=recipients, subject=subject, body=text))

    def _redactor(self, facts: Sequence[tuple]):
        names: list[str] = []
        for username, display, email in cq.user_names(self.store):
            names += [username, display, email]
        for f in facts:
            names += [f[8], f[9]]
        return redactor(names)

    # ---- the status page ------------------------------------------------------------------------------

    def status_snapshot(self, now: datetime | None = None) -> StatusSnapshot:
        """Everything a status page shows, and nothing else: public services and their states, and the
        incidents with public updates (open ones and the last days'), titles and updates redacted."""
        now = (now or self.clock()).astimezone(UTC)
        since = now - timedelta(days=comm.HISTORY_DAYS)
        with self.store.read():
            all_services = self._build(q.services(self.store), with_subscribers=False)
            ids = q.published_incident_ids(self.store, epoch(since))
            facts = q.incident_facts(self.store, ids)
            linked = self._services_of_incidents(facts)
            updates = q.public_updates(self.store, ids)
            clean = self._redactor(facts)
            desk_id = str(getattr(self.store, "identity", "") or "")
        public_ids = {s.id for s in all_services if s.public}
        by_incident: dict[int, list[PublicEntry]] = defaultdict(list)
        for incident_id, update_id, at, state, message, _author in updates:
            by_incident[incident_id].append(PublicEntry(update_id, ts(at), UpdateState(state), clean(message)))
        incidents = []
        for f in facts:
            entries = by_incident.get(f[0])
            if not entries:
                continue
            last = entries[-1]
            is_open = Status(f[3]).is_open and last.state != UpdateState.RESOLVED
            incidents.append(PublicIncident(
                key=f[1], title=clean(f[2]), is_open=is_open, state=last.state,
                services=tuple(s.name for s in linked[f[0]] if s.id in public_ids),
                started_at=entries[0].at, updated_at=last.at, updates=tuple(entries)))
        incidents.sort(key=lambda i: (not i.is_open, -i.updated_at.timestamp(), i.key))
        services = tuple(PublicService(s.name, s.state) for s in all_services if s.public and not s.retired)
        return StatusSnapshot(generated_at=now, desk_id=desk_id, services=services, incidents=tuple(incidents))


@dataclass(frozen=True)
class _Named:
    id: int
    name: str
    public: bool


def _key(text: str) -> str:
    """How a free-text service matches an entry: spacing and case do not count."""
    return " ".join(str(text).split()).casefold()


def _named(row: tuple) -> _Named:
    return _Named(row[0], row[1], bool(row[4]))


def _md(text: str) -> str:
    """Markdown's own characters written out, so a title cannot turn into a link, a list or a heading in
    chat; plain punctuation ('e-mail', 'again.') stays as typed, without backslashes chat would show."""
    return "\n".join(escape_line(line) for line in str(text).split("\n"))

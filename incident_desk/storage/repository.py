"""Reads and writes of single records (incidents, events, people, settings) for the services."""

from __future__ import annotations

import json
from datetime import datetime

from peewee import JOIN, fn

from incident_desk.domain.incident import (Channel, HoldReason, Incident, Level, Link, LinkKind,
                                           Priority, Status, TimelineEvent, format_key)
from incident_desk.storage import search, tables
from incident_desk.storage.database import ConflictError
from incident_desk.storage.queries import epoch, ts

T = tables


# ---- people, teams, categories -------------------------------------------------------------

def user_by_name(username: str):
    return T.User.get_or_none(fn.lower(T.User.username) == username.strip().lower())


def user_by_id(user_id: int):
    return T.User.get_or_none(T.User.id == user_id)


def list_users(*, active_only: bool = False) -> list:
    query = T.User.select(T.User, T.Team).join(T.Team, JOIN.LEFT_OUTER).order_by(T.User.username)
    if active_only:
        query = query.where(T.User.active == True)  # noqa: E712 (peewee expression)
    return list(query)


def insert_user(*, username: str, display_name: str, email: str, role: str, team_id: int | None,
                now: datetime, is_manager_on_duty: bool = False):
    return T.User.create(username=username, display_name=display_name, email=email, role=role,
                         team=team_id, created_at=epoch(now), is_manager_on_duty=is_manager_on_duty)


def update_user(user_id: int, **fields) -> None:
    T.User.update(**fields).where(T.User.id == user_id).execute()


def team_by_name(name: str):
    return T.Team.get_or_none(fn.lower(T.Team.name) == name.strip().lower())


def team_by_id(team_id: int):
    return T.Team.get_or_none(T.Team.id == team_id)


def list_teams() -> list:
    return list(T.Team.select().order_by(T.Team.name))


def insert_team(name: str, lead_id: int | None = None):
    return T.Team.create(name=name, lead=lead_id)


def set_team_lead(team_id: int, lead_id: int | None) -> None:
    T.Team.update(lead=lead_id).where(T.Team.id == team_id).execute()


def category_tree() -> dict[str, list[str]]:
    """Active categories with their active subcategories, alphabetical."""
    tree: dict[str, list[str]] = {}
    parents = {}
    for cat in T.Category.select().where(T.Category.active == True).order_by(T.Category.name):  # noqa: E712
        if cat.parent_id is None:
            tree[cat.name] = []
            parents[cat.id] = cat.name
    for cat in T.Category.select().where(T.Category.parent.is_null(False) & (T.Category.active == True)  # noqa: E712
                                         ).order_by(T.Category.name):
        if cat.parent_id in parents:
            tree[parents[cat.parent_id]].append(cat.name)
    return tree


def insert_category(name: str, parent_name: str | None = None):
    parent = None
    if parent_name:
        parent = T.Category.get(T.Category.parent.is_null(True) & (T.Category.name == parent_name))
    return T.Category.create(name=name, parent=parent)


# ---- incidents ---------------------------------------------------------------------------------

def _to_incident(row, assignee: str | None, team: str | None, created_by: str | None,
                 duplicate_key: str | None) -> Incident:
    return Incident(
        id=row.id, key=row.key, title=row.title, description=row.description, category=row.category,
        subcategory=row.subcategory, service=row.service, reporter_name=row.reporter_name,
        reporter_contact=row.reporter_contact, channel=Channel(row.channel), impact=Level(row.impact),
        urgency=Level(row.urgency), priority=Priority(row.priority),
        priority_overridden=bool(row.priority_overridden), override_reason=row.override_reason,
        status=Status(row.status), hold_reason=HoldReason[row.hold_reason.upper()] if row.hold_reason else None,
        assignee=assignee, team=team, opened_at=ts(row.opened_at), acknowledged_at=ts(row.acknowledged_at),
        resolved_at=ts(row.resolved_at), closed_at=ts(row.closed_at), updated_at=ts(row.updated_at),
        reopen_count=row.reopen_count, resolution_code=row.resolution_code,
        resolution_notes=row.resolution_notes, cancel_reason=row.cancel_reason, duplicate_of=duplicate_key,
        escalation_level=row.escalation_level or 0, response_due_at=ts(row.response_due_at),
        resolve_due_at=ts(row.resolve_due_at), sla_paused_remaining_s=row.sla_paused_remaining_s,
        version=row.version, created_by=created_by, source=row.source, external_key=row.external_key)


def incident_record(incident_id: int):
    return T.Incident.get_or_none(T.Incident.id == incident_id)


def load_incident(incident_id: int) -> Incident | None:
    row = incident_record(incident_id)
    if row is None:
        return None
    names = {}
    ids = [i for i in (row.assignee_id, row.created_by_id) if i]
    if ids:
        names = {u.id: u.username for u in T.User.select(T.User.id, T.User.username).where(T.User.id.in_(ids))}
    team = T.Team.get_or_none(T.Team.id == row.team_id) if row.team_id else None
    dup = format_key(row.duplicate_of_id) if row.duplicate_of_id else None
    return _to_incident(row, names.get(row.assignee_id), team.name if team else None,
                        names.get(row.created_by_id), dup)


def insert_incident(fields: dict) -> int:
    """Insert and give the row its key from its id (INC-000123)."""
    fields = dict(fields)
    fields.setdefault("key", "")
    row_id = T.Incident.insert(**fields).execute()
    T.Incident.update(key=format_key(row_id)).where(T.Incident.id == row_id).execute()
    return row_id


def update_incident(incident_id: int, expected_version: int, fields: dict) -> int:
    """Write ``fields`` if the row is still at ``expected_version``; returns the new version."""
    fields = dict(fields)
    fields["version"] = expected_version + 1
    n = (T.Incident.update(**fields)
         .where((T.Incident.id == incident_id) & (T.Incident.version == expected_version)).execute())
    if n != 1:
        current = T.Incident.get_or_none(T.Incident.id == incident_id)
        if current is None:
            raise ConflictError(f"{format_key(incident_id)} no longer exists.")
        changes = events_since_version(incident_id, expected_version)
        who = sorted({c.actor or "someone" for c in changes}) or ["someone"]
        what = sorted({c.field or c.kind for c in changes})
        detail = f" ({', '.join(what)})" if what else ""
        raise ConflictError(
            f"{format_key(incident_id)} was changed by {', '.join(who)}{detail} after you opened it "
            f"(version {expected_version} -> {current.version}); nothing was saved.",
            current_version=current.version, changes=changes)
    return expected_version + 1


def insert_event(*, incident_id: int, at: datetime, actor_id: int | None, kind: str, field: str | None = None,
                 old_value=None, new_value=None, note: str | None = None, version: int | None = None) -> None:
    """Append to the timeline; ``version`` is the incident version this change produced."""
    T.Event.insert(incident=incident_id, at=epoch(at), actor=actor_id, kind=kind, field=field,
                   old_value=None if old_value is None else str(old_value),
                   new_value=None if new_value is None else str(new_value), note=note,
                   version=version).execute()


def timeline(incident_id: int, *, newest_first: bool = True) -> list[TimelineEvent]:
    order = (T.Event.id.desc(),) if newest_first else (T.Event.id.asc(),)
    query = (T.Event.select(T.Event, T.User.username.alias("actor_name"))
             .join(T.User, JOIN.LEFT_OUTER, on=(T.Event.actor == T.User.id))
             .where(T.Event.incident == incident_id).order_by(*order).objects())
    key = format_key(incident_id)
    return [TimelineEvent(id=e.id, incident_key=key, at=ts(e.at), actor=e.actor_name,
                          kind=e.kind, field=e.field, old_value=e.old_value, new_value=e.new_value, note=e.note)
            for e in query]


def status_history(incident_id: int) -> list[tuple[datetime, Status]]:
    query = (T.Event.select(T.Event.at, T.Event.new_value)
             .where((T.Event.incident == incident_id) & (T.Event.kind == "status")).order_by(T.Event.id))
    return [(ts(e.at), Status.parse(e.new_value)) for e in query]


def events_since_version(incident_id: int, version: int) -> list[TimelineEvent]:
    """Events of the changes made after the incident was at ``version``, oldest first."""
    query = (T.Event.select(T.Event, T.User.username.alias("actor_name"))
             .join(T.User, JOIN.LEFT_OUTER, on=(T.Event.actor == T.User.id))
             .where((T.Event.incident == incident_id) & (T.Event.version > version)).order_by(T.Event.id).objects())
    key = format_key(incident_id)
    return [TimelineEvent(id=e.id, incident_key=key, at=ts(e.at), actor=e.actor_name,
                          kind=e.kind, field=e.field, old_value=e.old_value, new_value=e.new_value, note=e.note)
            for e in query]


def add_link(*, source_id: int, target_id: int, kind: str, at: datetime, actor_id: int | None) -> bool:
    n = (T.IncidentLink.insert(source=source_id, target=target_id, kind=kind, created_at=epoch(at),
                               created_by=actor_id).on_conflict_ignore().execute())
    return bool(n)


def remove_link(*, source_id: int, target_id: int, kind: str) -> int:
    return (T.IncidentLink.delete().where((T.IncidentLink.source == source_id) & (T.IncidentLink.target == target_id)
                                          & (T.IncidentLink.kind == kind)).execute())


def links_of(incident_id: int) -> list[Link]:
    out = []
    key = format_key(incident_id)
    for link in T.IncidentLink.select().where((T.IncidentLink.source == incident_id) | (T.IncidentLink.target == incident_id)):
        other_id = link.target_id if link.source_id == incident_id else link.source_id
        other = T.Incident.get_or_none(T.Incident.id == other_id)
        kind = LinkKind(link.kind)
        outgoing = link.source_id == incident_id
        out.append(Link(kind=kind, from_key=key if outgoing else format_key(other_id),
                        to_key=format_key(other_id) if outgoing else key,
                        to_title=other.title if other else "", to_status=Status(other.status) if other else None))
    return out


def add_watcher(incident_id: int, user_id: int) -> bool:
    return bool(T.Watcher.insert(incident=incident_id, user=user_id).on_conflict_ignore().execute())


def remove_watcher(incident_id: int, user_id: int) -> int:
    return T.Watcher.delete().where((T.Watcher.incident == incident_id) & (T.Watcher.user == user_id)).execute()


def watcher_ids(incident_id: int) -> list[int]:
    return [w.user_id for w in T.Watcher.select(T.Watcher.user).where(T.Watcher.incident == incident_id)]


# ---- settings ------------------------------------------------------------------------------

def get_setting(key: str):
    row = T.Setting.get_or_none(T.Setting.key == key)
    return json.loads(row.value) if row else None


def put_setting(key: str, value, *, now: datetime) -> None:
    text = json.dumps(value, sort_keys=True)
    (T.Setting.insert(key=key, value=text, updated_at=epoch(now))
     .on_conflict(conflict_target=[T.Setting.key],
                  update={T.Setting.value: text, T.Setting.updated_at: epoch(now),
                          T.Setting.version: T.Setting.version + 1}).execute())


def max_incident_id() -> int:
    return T.Incident.select(fn.MAX(T.Incident.id)).scalar() or 0


def update_incident_columns(incident_id: int, fields: dict) -> None:
    """Derived columns (SLA due instants, frozen durations): no version bump, no event."""
    T.Incident.update(**fields).where(T.Incident.id == incident_id).execute()

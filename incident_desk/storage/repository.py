"""Reads and writes of single records (incidents, events, people, settings) for the services."""

from __future__ import annotations

import json
from datetime import datetime

from peewee import JOIN

from incident_desk.domain.incident import (
    Channel,
    HoldReason,
    Incident,
    Level,
    Link,
    LinkKind,
    Priority,
    Status,
    TimelineEvent,
    format_key,
)
from incident_desk.storage import tables
from incident_desk.storage.database import NOT_UTF8_TEXT, ConflictError, StorageError, Store
from incident_desk.storage.queries import epoch, ts
from incident_desk.storage.sql import bool_value, bound, execute, fetch_one, marks

T = tables


# ---- people, teams, categories -------------------------------------------------------------

def _one(store: Store, model, where: str, params: tuple):
    """A model instance from prepared SQL: peewee's builder costs ~0.3 ms a lookup, and logging an
    assigned incident makes several (the 1 ms budget)."""
    if not all(_storable(p) for p in params):
        # sqlite3 would raise a bare UnicodeEncodeError for a lone surrogate (bytes that were not
        # UTF-8 on a command line): say what is wrong, like the text fields' own check does.
        raise StorageError(NOT_UTF8_TEXT)
    fields = model._meta.sorted_fields
    row = fetch_one(store, f"SELECT {', '.join(f.column_name for f in fields)} FROM \"{model._meta.table_name}\" "
                           f"WHERE {where} LIMIT 1", params)
    if row is None:
        return None
    instance = model(**{f.name: value for f, value in zip(fields, row)})
    instance._dirty.clear()
    return instance


def _storable(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def user_by_name(store: Store, username: str):
    return _one(store, T.User, "lower(username) = ?", (username.strip().lower(),))


def user_by_id(store: Store, user_id: int):
    return _one(store, T.User, "id = ?", (user_id,))


def list_users(store: Store, *, active_only: bool = False) -> list:
    query = T.User.select(T.User, T.Team).join(T.Team, JOIN.LEFT_OUTER).order_by(T.User.username)
    if active_only:
        query = query.where(T.User.active == True)  # noqa: E712 (peewee expression)
    return list(bound(store, query))


def insert_user(store: Store, *, username: str, display_name: str, email: str, role: str, team_id: int | None,
                now: datetime, is_manager_on_duty: bool = False):
    user_id = T.User.insert(username=username, display_name=display_name, email=email, role=role,
                            team=team_id, created_at=epoch(now),
                            is_manager_on_duty=is_manager_on_duty).execute(store.db)
    return user_by_id(store, user_id)


def update_user(store: Store, user_id: int, **fields) -> None:
    T.User.update(**fields).where(T.User.id == user_id).execute(store.db)


def has_users(store: Store) -> bool:
    return fetch_one(store, 'SELECT 1 FROM "user" LIMIT 1') is not None


def schema_fact(store: Store, key: str) -> str | None:
    """A fact about the database itself (table schema_info), e.g. which account is the local one."""
    row = fetch_one(store, "SELECT value FROM schema_info WHERE key = ?", (key,))
    return row[0] if row else None


def set_schema_fact(store: Store, key: str, value: str) -> None:
    (T.SchemaInfo.insert(key=key, value=value)
     .on_conflict(conflict_target=[T.SchemaInfo.key], update={T.SchemaInfo.value: value}).execute(store.db))


def insert_audit(store: Store, *, at: datetime, actor_id: int | None, actor_name: str | None, action: str,
                 detail: str) -> None:
    execute(store, "INSERT INTO audit (at, actor_id, actor_name, action, detail) VALUES (?, ?, ?, ?, ?)",
            (epoch(at), actor_id, actor_name, action, detail))


def audit_rows(store: Store, *, limit: int, action: str | None = None) -> list[tuple]:
    """(id, at, actor name, action, detail), newest first."""
    if action:
        return execute(store, "SELECT id, at, actor_name, action, detail FROM audit WHERE action = ? "
                              "ORDER BY id DESC LIMIT ?", (action, limit)).fetchall()
    return execute(store, "SELECT id, at, actor_name, action, detail FROM audit ORDER BY id DESC LIMIT ?",
                   (limit,)).fetchall()


def team_by_name(store: Store, name: str):
    return _one(store, T.Team, "lower(name) = ?", (name.strip().lower(),))


def team_by_id(store: Store, team_id: int):
    return _one(store, T.Team, "id = ?", (team_id,))


def list_teams(store: Store) -> list:
    return list(bound(store, T.Team.select().order_by(T.Team.name)))


def insert_team(store: Store, name: str, lead_id: int | None = None):
    team_id = T.Team.insert(name=name, lead=lead_id).execute(store.db)
    return team_by_id(store, team_id)


def set_team_lead(store: Store, team_id: int, lead_id: int | None) -> None:
    T.Team.update(lead=lead_id).where(T.Team.id == team_id).execute(store.db)


def category_tree(store: Store) -> dict[str, list[str]]:
    """Active categories with their active subcategories, alphabetical."""
    tree: dict[str, list[str]] = {}
    parents = {}
    rows = execute(store, "SELECT id, name, parent_id FROM category WHERE active = ? ORDER BY name",
                   (bool_value(store, True),)).fetchall()
    for cat_id, name, parent_id in rows:
        if parent_id is None:
            tree[name] = []
            parents[cat_id] = name
    for _cat_id, name, parent_id in rows:
        if parent_id in parents:
            tree[parents[parent_id]].append(name)
    return tree


def insert_category(store: Store, name: str, parent_name: str | None = None) -> None:
    parent = None
    if parent_name:
        parent = fetch_one(store, "SELECT id FROM category WHERE parent_id IS NULL AND name = ?", (parent_name,))[0]
    T.Category.insert(name=name, parent=parent).execute(store.db)


# ---- incidents ---------------------------------------------------------------------------------

def _to_incident(row, assignee: str | None, team: str | None, created_by: str | None,
                 duplicate_key: str | None) -> Incident:
    return Incident(
        id=row.id, key=row.key, title=row.title, description=row.description, category=row.category,
        subcategory=row.subcategory, service=row.service, reporter_name=row.reporter_name,
        # An empty channel and level 0 are unknown: imported history that did not record them.
        reporter_contact=row.reporter_contact, channel=Channel(row.channel) if row.channel else None,
        impact=Level(row.impact) if row.impact else None, urgency=Level(row.urgency) if row.urgency else None,
        priority=Priority(row.priority),
        priority_overridden=bool(row.priority_overridden), override_reason=row.override_reason,
        status=Status(row.status), hold_reason=HoldReason[row.hold_reason.upper()] if row.hold_reason else None,
        assignee=assignee, team=team, opened_at=ts(row.opened_at), acknowledged_at=ts(row.acknowledged_at),
        resolved_at=ts(row.resolved_at), closed_at=ts(row.closed_at), updated_at=ts(row.updated_at),
        reopen_count=row.reopen_count, resolution_code=row.resolution_code,
        resolution_notes=row.resolution_notes, cancel_reason=row.cancel_reason, duplicate_of=duplicate_key,
        escalation_level=row.escalation_level or 0, response_due_at=ts(row.response_due_at),
        resolve_due_at=ts(row.resolve_due_at), sla_paused_remaining_s=row.sla_paused_remaining_s,
        version=row.version, created_by=created_by, source=row.source, external_key=row.external_key,
        root_cause=row.root_cause, caller_confirmed_at=ts(row.caller_confirmed_at),
        caller_confirmation=row.caller_confirmation)


# The hot incident paths use prepared SQL text: peewee's query builder costs ~1 ms per statement
# on a 50-column model, which alone would break the 1 ms logging budget.
_INCIDENT_COLS = [f.column_name for f in T.Incident._meta.sorted_fields]
_COLUMN_OF = {f.name: f.column_name for f in T.Incident._meta.sorted_fields}
# peewee applies model defaults in Python, so raw inserts must add them too.
_DEFAULTS = {f.name: f.default for f in T.Incident._meta.sorted_fields
             if f.default is not None and not callable(f.default)}
_SELECT_INCIDENT = "SELECT " + ", ".join(_INCIDENT_COLS) + " FROM incident WHERE id = ?"


class IncidentRecord:
    """A raw incident row with attribute access by column name (assignee_id, team_id, ...)."""

    __slots__ = tuple(_INCIDENT_COLS)

    def __init__(self, values):
        for name, value in zip(_INCIDENT_COLS, values):
            setattr(self, name, value)


def incident_record(store: Store, incident_id: int) -> IncidentRecord | None:
    # Read inside a write on PostgreSQL, the row stays locked to that transaction: a comment and an
    # edit from two desks then queue on the row instead of one failing the other's version check.
    # (SQLite's IMMEDIATE write transaction already holds the whole file.)
    tail = " FOR UPDATE" if store.writing and not store.is_sqlite else ""
    row = fetch_one(store, _SELECT_INCIDENT + tail, (incident_id,))
    return IncidentRecord(row) if row else None


def _name_of(store: Store, table: str, column: str, row_id: int | None) -> str | None:
    if row_id is None:
        return None
    row = fetch_one(store, f'SELECT {column} FROM "{table}" WHERE id = ?', (row_id,))
    return row[0] if row else None


def load_incident(store: Store, incident_id: int) -> Incident | None:
    row = incident_record(store, incident_id)
    if row is None:
        return None
    dup = format_key(row.duplicate_of_id) if row.duplicate_of_id else None
    return _to_incident(row, _name_of(store, "user", "username", row.assignee_id),
                        _name_of(store, "team", "name", row.team_id),
                        _name_of(store, "user", "username", row.created_by_id), dup)


def insert_incident(store: Store, fields: dict) -> int:
    """Insert and give the row its key from its id (INC-000123)."""
    fields = {**_DEFAULTS, "key": "", **fields}
    cols = [_COLUMN_OF[name] for name in fields]
    values = [_db_value(store, v) for v in fields.values()]
    text = f"INSERT INTO incident ({', '.join(cols)}) VALUES ({marks(len(cols))})"
    if store.is_sqlite:
        row_id = execute(store, text, values).lastrowid
    else:
        row_id = fetch_one(store, text + " RETURNING id", values)[0]
    execute(store, "UPDATE incident SET key = ? WHERE id = ?", (format_key(row_id), row_id))
    return row_id


def _db_value(store: Store, value):
    if isinstance(value, bool):
        return bool_value(store, value)
    return value


def _set_clause(store: Store, fields: dict) -> tuple[str, list]:
    parts = [f"{_COLUMN_OF[name]} = ?" for name in fields]
    return ", ".join(parts), [_db_value(store, v) for v in fields.values()]


def update_incident(store: Store, incident_id: int, expected_version: int, fields: dict) -> int:
    """Write ``fields`` if the row is still at ``expected_version``; returns the new version."""
    fields = dict(fields)
    fields["version"] = expected_version + 1
    sets, values = _set_clause(store, fields)
    n = execute(store, f"UPDATE incident SET {sets} WHERE id = ? AND version = ?",
                [*values, incident_id, expected_version]).rowcount
    if n != 1:
        current = incident_record(store, incident_id)
        if current is None:
            raise ConflictError(f"{format_key(incident_id)} no longer exists.")
        changes = events_since_version(store, incident_id, expected_version)
        who = sorted({c.actor or "someone" for c in changes}) or ["someone"]
        what = sorted({c.field or c.kind for c in changes})
        detail = f" ({', '.join(what)})" if what else ""
        raise ConflictError(
            f"{format_key(incident_id)} was changed by {', '.join(who)}{detail} after you read it; "
            f"nothing was saved.",
            current_version=current.version, changes=changes)
    return expected_version + 1


_INSERT_EVENT = ("INSERT INTO event (incident_id, at, actor_id, kind, field, old_value, new_value, note, version) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_LABELLED_EVENT = ("INSERT INTO event (incident_id, at, actor_id, kind, field, old_value, new_value, note, "
                          "version, actor_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def insert_event(store: Store, *, incident_id: int, at: datetime, actor_id: int | None, kind: str,
                 field: str | None = None, old_value=None, new_value=None, note: str | None = None,
                 version: int | None = None, actor_label: str | None = None) -> None:
    """Append to the timeline; ``version`` is the incident version this change produced; ``actor_label``
    names who acted when it was not a user (the desk itself)."""
    values = (incident_id, epoch(at), actor_id, kind, field, None if old_value is None else str(old_value),
              None if new_value is None else str(new_value), note, version)
    if actor_label is None:
        execute(store, _INSERT_EVENT, values)
    else:
        execute(store, _INSERT_LABELLED_EVENT, (*values, actor_label))


def _events(store: Store, incident_id: int, where, order) -> list[TimelineEvent]:
    query = (T.Event.select(T.Event, T.User.username.alias("actor_name"))
             .join(T.User, JOIN.LEFT_OUTER, on=(T.Event.actor == T.User.id))
             .where((T.Event.incident == incident_id) & where).order_by(order).objects())
    key = format_key(incident_id)
    return [TimelineEvent(id=e.id, incident_key=key, at=ts(e.at), actor=e.actor_name or e.actor_label,
                          kind=e.kind, field=e.field, old_value=e.old_value, new_value=e.new_value, note=e.note)
            for e in bound(store, query)]


def timeline(store: Store, incident_id: int, *, newest_first: bool = True) -> list[TimelineEvent]:
    return _events(store, incident_id, T.Event.id > 0, T.Event.id.desc() if newest_first else T.Event.id.asc())


def status_history(store: Store, incident_id: int) -> list[tuple[datetime, Status]]:
    rows = execute(store, "SELECT at, new_value FROM event WHERE incident_id = ? AND kind = 'status' ORDER BY id",
                   (incident_id,))
    return [(ts(at), Status.parse(value)) for at, value in rows]


def events_since_version(store: Store, incident_id: int, version: int) -> list[TimelineEvent]:
    """Events of the changes made after the incident was at ``version``, oldest first."""
    return _events(store, incident_id, T.Event.version > version, T.Event.id.asc())


def add_link(store: Store, *, source_id: int, target_id: int, kind: str, at: datetime, actor_id: int | None) -> bool:
    n = (T.IncidentLink.insert(source=source_id, target=target_id, kind=kind, created_at=epoch(at),
                               created_by=actor_id).on_conflict_ignore().execute(store.db))
    return bool(n)


def remove_link(store: Store, *, source_id: int, target_id: int, kind: str) -> int:
    return (T.IncidentLink.delete().where((T.IncidentLink.source == source_id) & (T.IncidentLink.target == target_id)
                                          & (T.IncidentLink.kind == kind)).execute(store.db))


def links_of(store: Store, incident_id: int) -> list[Link]:
    rows = execute(store, (
        "SELECT l.source_id, l.target_id, l.kind, i.title, i.status FROM incident_link l "
        "LEFT JOIN incident i ON i.id = (CASE WHEN l.source_id = ? THEN l.target_id ELSE l.source_id END) "
        "WHERE l.source_id = ? OR l.target_id = ? ORDER BY l.id"), (incident_id, incident_id, incident_id))
    out = []
    key = format_key(incident_id)
    for source_id, target_id, kind, title, status in rows:
        outgoing = source_id == incident_id
        other_id = target_id if outgoing else source_id
        out.append(Link(kind=LinkKind(kind), from_key=key if outgoing else format_key(other_id),
                        to_key=format_key(other_id) if outgoing else key,
                        to_title=title or "", to_status=Status(status) if status is not None else None))
    return out


def add_watcher(store: Store, incident_id: int, user_id: int) -> bool:
    if store.is_sqlite:
        text = "INSERT OR IGNORE INTO watcher (incident_id, user_id) VALUES (?, ?)"
    else:
        text = "INSERT INTO watcher (incident_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
    return execute(store, text, (incident_id, user_id)).rowcount == 1


def remove_watcher(store: Store, incident_id: int, user_id: int) -> int:
    return execute(store, "DELETE FROM watcher WHERE incident_id = ? AND user_id = ?", (incident_id, user_id)).rowcount


def watcher_ids(store: Store, incident_id: int) -> list[int]:
    return [r[0] for r in execute(store, "SELECT user_id FROM watcher WHERE incident_id = ?", (incident_id,))]


def latest_reporters(store: Store, *, scan: int) -> list[tuple[str, str]]:
    """(reporter name, contact) of the ``scan`` latest incidents that name one, newest first: a walk
    down the primary key that stops after ``scan`` rows, however many incidents there are."""
    return [tuple(r) for r in execute(
        store, "SELECT reporter_name, reporter_contact FROM incident WHERE reporter_name <> '' "
               "ORDER BY id DESC LIMIT ?", (int(scan),)).fetchall()]


# ---- settings ------------------------------------------------------------------------------

def get_setting(store: Store, key: str):
    row = fetch_one(store, "SELECT value FROM setting WHERE key = ?", (key,))
    return json.loads(row[0]) if row else None


def put_setting(store: Store, key: str, value, *, now: datetime) -> None:
    text = json.dumps(value, sort_keys=True)
    (T.Setting.insert(key=key, value=text, updated_at=epoch(now))
     .on_conflict(conflict_target=[T.Setting.key],
                  update={T.Setting.value: text, T.Setting.updated_at: epoch(now),
                          T.Setting.version: T.Setting.version + 1}).execute(store.db))


def update_incident_columns(store: Store, incident_id: int, fields: dict) -> None:
    """Derived columns (SLA due instants, frozen durations): no version bump, no event."""
    sets, values = _set_clause(store, fields)
    execute(store, f"UPDATE incident SET {sets} WHERE id = ?", [*values, incident_id])

"""Fast bulk writes: prepared rows through executemany in one transaction (demo data, imports)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import peewee

from incident_desk.storage import tables
from incident_desk.storage.export_queries import reset_sequences
from incident_desk.storage.sql import bool_value, execute, execute_many, fetch_one, marks, scalar

_INCIDENT_COLUMNS = (
    "id", "key", "title", "description", "category", "subcategory", "service", "reporter_name",
    "reporter_contact", "channel", "impact", "urgency", "priority", "priority_overridden", "status",
    "hold_reason", "assignee_id", "team_id", "assignee_name", "team_name", "opened_at", "acknowledged_at",
    "resolved_at", "closed_at",
    "updated_at", "reopen_count", "resolution_code", "cancel_reason", "escalation_level",
    "response_due_at", "resolve_due_at", "sla_paused_remaining_s", "response_breached", "resolve_breached",
    "tta_s", "ttr_s", "hold_s", "tta_bh_s", "ttr_bh_s", "hold_bh_s", "created_by_id", "version")
EVENT_COLUMNS = ("incident_id", "at", "actor_id", "kind", "field", "old_value", "new_value", "note", "version")


def _incident_indexes(store) -> list[tuple[str, str]]:
    """(name, CREATE sql) of the incident and event secondary indexes (SQLite only)."""
    rows = store.db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('incident', 'event') "
        "AND sql IS NOT NULL AND name NOT LIKE '%key%'")
    return [(r[0], r[1]) for r in rows]


@contextmanager
def bulk_session(store, *, drop_indexes: bool):
    """One write transaction; on an empty SQLite database the secondary indexes are dropped first and
    rebuilt at the end, which is several times faster than maintaining them row by row."""
    saved: list[tuple[str, str]] = []
    fresh = drop_indexes and store.is_sqlite
    switched = False
    if fresh:
        # WAL would write every page twice (log, then checkpoint). An empty database loses nothing
        # if a rollback-journal load is interrupted, so load it that way and return to WAL after.
        # Leaving WAL needs the file to itself: with another connection open (a desk window, the
        # upkeep thread) the load stays in WAL, slower but the same.
        try:
            store.db.execute_sql("PRAGMA journal_mode = delete")
            switched = True
        except peewee.OperationalError:
            pass
    try:
        with _load_transaction(store, saved, drop_indexes=fresh):
            yield
    finally:
        if switched:
            store.db.execute_sql("PRAGMA journal_mode = wal")
    if store.is_sqlite:
        # A sampled ANALYZE gives the planner its statistics in well under a second at 1M rows.
        store.db.execute_sql("PRAGMA analysis_limit = 1000")
        store.db.execute_sql("ANALYZE")


@contextmanager
def _load_transaction(store, saved: list, *, drop_indexes: bool):
    with store.write():
        if drop_indexes:
            saved.extend(_incident_indexes(store))
            for name, _ in saved:
                store.db.execute_sql(f'DROP INDEX "{name}"')
        yield
        for _, sql in saved:
            store.db.execute_sql(sql)
        # Incidents were written with their own ids: PostgreSQL's sequence must start above them, or the
        # next incident logged by hand collides with the first loaded one.
        reset_sequences(store, ("incident",))


# Flags the row makers write as 0/1 (numpy integers): PostgreSQL's boolean columns refuse integers.
_INCIDENT_FLAGS = tuple(_INCIDENT_COLUMNS.index(c)
                        for c in ("priority_overridden", "response_breached", "resolve_breached"))


def _flags_as_booleans(store, rows: Iterable[Sequence]) -> Iterable[Sequence]:
    if store.is_sqlite:
        return rows
    return ([bool_value(store, v) if i in _INCIDENT_FLAGS and v is not None else v for i, v in enumerate(row)]
            for row in rows)


def insert_incidents(store, rows: Iterable[Sequence]) -> None:
    execute_many(store, f"INSERT INTO incident ({', '.join(_INCIDENT_COLUMNS)}) "
                        f"VALUES ({marks(len(_INCIDENT_COLUMNS))})", _flags_as_booleans(store, rows))


def insert_events(store, rows: Iterable[Sequence]) -> None:
    execute_many(store, f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) VALUES ({marks(len(EVENT_COLUMNS))})", rows)


def index_search_rows(store, *, first_id: int) -> None:
    """Index incidents from ``first_id`` on in one statement (no per-row round trips)."""
    execute(store, "INSERT INTO incident_fts (rowid, title, description, comments) "
                   "SELECT id, title, description, '' FROM incident WHERE id >= ?", (first_id,))


def insert_people(store, teams: list[str], users: list[dict], now_epoch: int) -> tuple[dict, dict]:
    """Teams and users for demo data; returns (username -> id, team -> id), reusing existing ones."""
    ids: dict[str, int] = {}
    team_ids: dict[str, int] = {}
    for name in teams:
        found = fetch_one(store, "SELECT id FROM team WHERE name = ?", (name,))
        team_ids[name] = found[0] if found else tables.Team.insert(name=name).execute(store.db)
    for user in users:
        found = fetch_one(store, 'SELECT id FROM "user" WHERE username = ?', (user["username"],))
        if found is None:
            user_id = tables.User.insert(
                username=user["username"], display_name=user["display_name"], email=user["email"],
                role=user["role"], team=team_ids.get(user["team"]),
                is_manager_on_duty=bool_value(store, user.get("manager", False)), created_at=now_epoch,
            ).execute(store.db)
        else:
            user_id = found[0]
        ids[user["username"]] = user_id
        if user.get("lead"):
            execute(store, "UPDATE team SET lead_id = ? WHERE id = ?", (user_id, team_ids[user["team"]]))
    return ids, team_ids


def incident_count(store) -> int:
    return scalar(store, "SELECT count(*) FROM incident")


def max_incident_id(store) -> int:
    return scalar(store, "SELECT COALESCE(MAX(id), 0) FROM incident")

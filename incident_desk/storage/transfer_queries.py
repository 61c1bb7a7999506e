"""SQL of imports and exports: lookups by source key, bulk writes with executemany, batched reads, profiles."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from incident_desk.storage import tables
from incident_desk.storage.sql import bool_value, execute, execute_many, fetch_all, fetch_one, marks, scalar

_CHUNK = 500  # values per IN (...) list

# Every incident column an import writes, in the order of the rows the importer prepares.
IMPORT_COLUMNS = (
    "id", "key", "title", "description", "category", "subcategory", "service", "reporter_name", "reporter_contact",
    "channel", "impact", "urgency", "priority", "priority_overridden", "override_reason", "status", "hold_reason",
    "assignee_id", "team_id", "assignee_name", "team_name", "opened_at", "acknowledged_at", "resolved_at",
    "closed_at", "updated_at", "reopen_count", "resolution_code", "resolution_notes", "cancel_reason",
    "escalation_level", "response_due_at", "resolve_due_at", "sla_paused_remaining_s", "response_breached",
    "resolve_breached", "tta_s", "ttr_s", "hold_s", "tta_bh_s", "ttr_bh_s", "hold_bh_s", "created_by_id",
    "source", "external_key", "version", "next_escalation_at")
EVENT_COLUMNS = ("incident_id", "at", "actor_id", "kind", "field", "old_value", "new_value", "note", "version")


def _chunks(values: Sequence) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


# ---- people, teams, categories -------------------------------------------------------------------

def users(store) -> list[tuple[int, str, str, int | None]]:
    """(id, username, display name, team id) of every user."""
    return fetch_all(store, 'SELECT id, username, display_name, team_id FROM "user" ORDER BY id')


def teams(store) -> list[tuple[int, str]]:
    return fetch_all(store, "SELECT id, name FROM team ORDER BY id")


def categories(store) -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every category, active or not."""
    return fetch_all(store, "SELECT id, name, parent_id FROM category ORDER BY id")


def insert_team(store, name: str) -> int:
    return tables.Team.insert(name=name).execute(store.db)


def insert_user(store, *, username: str, display_name: str, now_epoch: int) -> int:
    return tables.User.insert(username=username, display_name=display_name, email="", role="agent",
                              created_at=now_epoch).execute(store.db)


def insert_category(store, name: str, parent_id: int | None) -> int:
    return tables.Category.insert(name=name, parent=parent_id).execute(store.db)


# ---- incidents ------------------------------------------------------------------------------------

def imported_incidents(store, source: str, keys: Sequence[str]) -> dict[str, tuple]:
    """external key -> (id, version, the IMPORT_COLUMNS values) of incidents imported from ``source``."""
    out: dict[str, tuple] = {}
    cols = ", ".join(IMPORT_COLUMNS)
    for chunk in _chunks(keys):
        rows = fetch_all(store, f"SELECT {cols} FROM incident WHERE source = ? AND external_key IN "
                                f"({marks(len(chunk))})", [source, *chunk])
        for row in rows:
            out[row[IMPORT_COLUMNS.index("external_key")]] = row
    return out


def allocate_incident_ids(store, count: int) -> list[int]:
    """Ids for ``count`` new incidents, inside the caller's write transaction (the key is made of the id)."""
    if count <= 0:
        return []
    if store.is_sqlite:
        # The IMMEDIATE transaction holds the write lock: nobody else can take these ids meanwhile.
        first = (scalar(store, "SELECT COALESCE(MAX(id), 0) FROM incident") or 0) + 1
        return list(range(first, first + count))
    rows = fetch_all(store, "SELECT nextval(pg_get_serial_sequence('incident', 'id')) FROM generate_series(1, ?)",
                     (count,))
    return [r[0] for r in rows]


def insert_incidents(store, rows: Sequence[Sequence]) -> None:
    execute_many(store, f"INSERT INTO incident ({', '.join(IMPORT_COLUMNS)}) VALUES ({marks(len(IMPORT_COLUMNS))})",
                 rows)


def update_incidents(store, rows: Sequence[Sequence]) -> None:
    """Rows in IMPORT_COLUMNS order; the id (first) names the row, the key and source stay."""
    names = [c for c in IMPORT_COLUMNS if c not in ("id", "key", "source", "external_key", "created_by_id")]
    index = [IMPORT_COLUMNS.index(c) for c in names]
    sets = ", ".join(f"{c} = ?" for c in names)
    execute_many(store, f"UPDATE incident SET {sets} WHERE id = ?",
                 [[row[i] for i in index] + [row[0]] for row in rows])


def insert_events(store, rows: Sequence[Sequence]) -> None:
    execute_many(store, f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) VALUES ({marks(len(EVENT_COLUMNS))})",
                 rows)


def events_of(store, ids: Sequence[int]) -> dict[int, list[tuple]]:
    """(at, kind, field, old, new, note) per incident, in timeline order."""
    out: dict[int, list[tuple]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        rows = fetch_all(store, f"SELECT incident_id, at, kind, field, old_value, new_value, note FROM event "
                                f"WHERE incident_id IN ({marks(len(chunk))}) ORDER BY incident_id, id", chunk)
        for row in rows:
            out[row[0]].append(row[1:])
    return out


def index_search(store, rows: Sequence[tuple[int, str, str, str]], *, replace: bool) -> None:
    """(id, title, description, comments) into the search index; ``replace`` for rows already there."""
    if not rows:
        return
    if store.is_sqlite:
        if replace:
            execute_many(store, "DELETE FROM incident_fts WHERE rowid = ?", [(r[0],) for r in rows])
        execute_many(store, "INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, ?)",
                     rows)
    else:
        execute_many(store, "INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (rowid) DO UPDATE SET title = EXCLUDED.title, "
                            "description = EXCLUDED.description, comments = EXCLUDED.comments", rows)


def fired_escalations(store, ids: Sequence[int]) -> dict[int, set[tuple[str, int]]]:
    out: dict[int, set] = {i: set() for i in ids}
    for chunk in _chunks(ids):
        for incident_id, rule, cycle in fetch_all(
                store, f"SELECT incident_id, rule_key, cycle FROM escalation WHERE incident_id IN "
                       f"({marks(len(chunk))})", chunk):
            out[incident_id].add((rule, cycle))
    return out


def insert_suppressed_escalations(store, rows: Sequence[tuple[int, str, int, int, int, int]]) -> None:
    """(incident id, rule key, cycle, level, due at, recorded at): escalations that fell due before the
    incident was imported; they count as fired so the engine never raises them, and notify nobody."""
    if rows:
        execute_many(store, "INSERT INTO escalation (incident_id, rule_key, cycle, level, due_at, fired_at, imported) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, rule_key, cycle) DO NOTHING",
                     [(*r, bool_value(store, True)) for r in rows])


def count_incidents(store) -> int:
    return scalar(store, "SELECT count(*) FROM incident") or 0


# ---- saved mappings ---------------------------------------------------------------------------------

def profiles(store) -> list[tuple[str, str, str, int]]:
    """(name, format, mapping JSON, updated at) of every saved mapping, by name."""
    return fetch_all(store, "SELECT name, format, mapping, updated_at FROM import_profile ORDER BY name")


def save_profile(store, *, name: str, format_name: str, mapping_json: str, now_epoch: int,
                 user_id: int | None) -> None:
    found = fetch_one(store, "SELECT id FROM import_profile WHERE lower(name) = lower(?)", (name,))
    if found:
        execute(store, "UPDATE import_profile SET name = ?, format = ?, mapping = ?, updated_at = ?, updated_by_id = ? "
                       "WHERE id = ?", (name, format_name, mapping_json, now_epoch, user_id, found[0]))
    else:
        execute(store, "INSERT INTO import_profile (name, format, mapping, updated_at, updated_by_id) "
                       "VALUES (?, ?, ?, ?, ?)", (name, format_name, mapping_json, now_epoch, user_id))


def delete_profile(store, name: str) -> int:
    return execute(store, "DELETE FROM import_profile WHERE lower(name) = lower(?)", (name,)).rowcount


# ---- the CSV export of a view -------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id", "title", "description", "category", "subcategory", "service", "priority", "impact", "urgency", "status",
    "reporter_name", "reporter_contact", "channel", "assignee_name", "team_name", "opened_at", "acknowledged_at",
    "resolved_at", "closed_at", "resolution_code", "resolution_notes", "updated_at", "reopen_count", "hold_reason",
    "escalation_level", "response_due_at", "resolve_due_at", "cancel_reason", "source", "external_key")


def export_rows(store, ids: Sequence[int]) -> list[tuple]:
    """EXPORT_COLUMNS of the incidents ``ids``, in the order of ``ids``."""
    by_id: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        for row in fetch_all(store, f"SELECT {', '.join(EXPORT_COLUMNS)} FROM incident WHERE id IN "
                                    f"({marks(len(chunk))})", chunk):
            by_id[row[0]] = row
    return [by_id[i] for i in ids if i in by_id]

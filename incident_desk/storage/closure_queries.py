"""SQL of closure: auto-close candidates, descendants, postmortems and their timelines, problems, action items."""

from __future__ import annotations

from collections.abc import Sequence

from incident_desk.domain.incident import OPEN_STATUSES, Status
from incident_desk.storage.database import Store
from incident_desk.storage.sql import bool_value, execute, fetch_all, fetch_one, marks, scalar

_OPEN = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))
_RESOLVED = int(Status.RESOLVED)


def _insert(store: Store, table: str, fields: dict) -> int:
    """Insert one row and return its id on either backend."""
    cols = list(fields)
    values = [bool_value(store, v) if isinstance(v, bool) else v for v in fields.values()]
    text = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks(len(cols))})'
    if store.is_sqlite:
        return execute(store, text, values).lastrowid
    return fetch_one(store, text + " RETURNING id", values)[0]


def _update(store: Store, table: str, row_id: int, fields: dict, *, expected_version: int | None = None) -> int:
    """Update one row; with ``expected_version`` only if it is still at that version. Returns the row count."""
    fields = dict(fields)
    where, params = "id = ?", [row_id]
    if expected_version is not None:
        fields["version"] = expected_version + 1
        where += " AND version = ?"
        params.append(expected_version)
    sets = ", ".join(f"{c} = ?" for c in fields)
    values = [bool_value(store, v) if isinstance(v, bool) else v for v in fields.values()]
    return execute(store, f'UPDATE "{table}" SET {sets} WHERE {where}', [*values, *params]).rowcount


# ---- incidents ------------------------------------------------------------------------------------

def due_for_auto_close(store: Store, cutoff_epoch: int, limit: int) -> list[tuple[int, int]]:
    """(id, resolved_at) of Resolved incidents resolved at or before the cutoff, oldest first.
    'status = 50' is written out so the planner uses the partial index of schema 10."""
    return fetch_all(store, f"SELECT id, resolved_at FROM incident WHERE status = {_RESOLVED} AND resolved_at <= ? "
                            "ORDER BY resolved_at LIMIT ?", (cutoff_epoch, limit))


def explain_auto_close(store: Store, cutoff_epoch: int) -> str:
    rows = fetch_all(store, f"EXPLAIN QUERY PLAN SELECT id, resolved_at FROM incident WHERE status = {_RESOLVED} "
                            "AND resolved_at <= ? ORDER BY resolved_at LIMIT 200", (cutoff_epoch,))
    return " | ".join(str(r[-1]) for r in rows)


def open_descendants(store: Store, incident_id: int) -> list[int]:
    """Open incidents below ``incident_id`` through parent_of links (children, their children...)."""
    rows = fetch_all(store, (
        "WITH RECURSIVE d(id) AS (SELECT target_id FROM incident_link WHERE source_id = ? AND kind = 'parent_of' "
        "UNION SELECT l.target_id FROM incident_link l JOIN d ON l.source_id = d.id WHERE l.kind = 'parent_of') "
        f"SELECT i.id FROM d JOIN incident i ON i.id = d.id WHERE i.status IN ({_OPEN}) ORDER BY i.id"),
        (incident_id,))
    return [r[0] for r in rows]


def sla_outcome(store: Store, incident_id: int) -> tuple | None:
    """(response_breached, resolve_breached, response_due_at, resolve_due_at) as the services keep them."""
    return fetch_one(store, "SELECT response_breached, resolve_breached, response_due_at, resolve_due_at "
                            "FROM incident WHERE id = ?", (incident_id,))


def user_names(store: Store) -> list[tuple[str, str, str]]:
    """(username, display name, e-mail) of every account: names a customer report must not show."""
    return fetch_all(store, 'SELECT username, display_name, email FROM "user"')


# ---- key comments ---------------------------------------------------------------------------------

def key_event_ids(store: Store, incident_id: int) -> set[int]:
    return {r[0] for r in fetch_all(store, "SELECT event_id FROM key_event WHERE incident_id = ?", (incident_id,))}


def mark_key_event(store: Store, *, event_id: int, incident_id: int, user_id: int | None, at: int) -> bool:
    if store.is_sqlite:
        text = "INSERT OR IGNORE INTO key_event (event_id, incident_id, marked_by_id, marked_at) VALUES (?, ?, ?, ?)"
    else:
        text = ("INSERT INTO key_event (event_id, incident_id, marked_by_id, marked_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING")
    return execute(store, text, (event_id, incident_id, user_id, at)).rowcount == 1


def unmark_key_event(store: Store, event_id: int) -> bool:
    return execute(store, "DELETE FROM key_event WHERE event_id = ?", (event_id,)).rowcount == 1


def event_kind(store: Store, event_id: int) -> tuple[int, str] | None:
    """(incident_id, kind) of one timeline event."""
    return fetch_one(store, "SELECT incident_id, kind FROM event WHERE id = ?", (event_id,))


# ---- postmortems ----------------------------------------------------------------------------------

PM_TEXT_COLUMNS = ("summary", "customer_impact", "impact_who", "detection", "response", "root_cause",
                   "contributing_factors", "went_well", "went_badly")
_PM_COLUMNS = ("p.id, p.incident_id, p.status, p.required, a.username, v.username, p.created_at, p.updated_at, "
               "p.submitted_at, p.published_at, p.version, p.impact_count, "
               + ", ".join(f"p.{c}" for c in PM_TEXT_COLUMNS))
_PM_FROM = ('FROM postmortem p LEFT JOIN "user" a ON a.id = p.author_id '
            'LEFT JOIN "user" v ON v.id = p.approver_id')


def postmortem_of(store: Store, incident_id: int) -> tuple | None:
    """One postmortem row in _PM_COLUMNS order, or None."""
    return fetch_one(store, f"SELECT {_PM_COLUMNS} {_PM_FROM} WHERE p.incident_id = ?", (incident_id,))


def insert_postmortem(store: Store, fields: dict) -> int:
    return _insert(store, "postmortem", fields)


def update_postmortem(store: Store, pm_id: int, fields: dict, *, expected_version: int | None) -> int:
    return _update(store, "postmortem", pm_id, fields, expected_version=expected_version)


def postmortem_version(store: Store, pm_id: int) -> int | None:
    return scalar(store, "SELECT version FROM postmortem WHERE id = ?", (pm_id,))


_ENTRY_COLUMNS = "id, at, kind, text, actor, source_event, milestone, hidden, edited"


def entries_of(store: Store, pm_id: int) -> list[tuple]:
    return fetch_all(store, f"SELECT {_ENTRY_COLUMNS} FROM postmortem_entry WHERE postmortem_id = ? "
                            "ORDER BY at, id", (pm_id,))


def entry(store: Store, entry_id: int) -> tuple | None:
    """(postmortem_id, source_event) of one entry."""
    return fetch_one(store, "SELECT postmortem_id, source_event FROM postmortem_entry WHERE id = ?", (entry_id,))


def insert_entry(store: Store, pm_id: int, *, at: int, kind: str, text: str, actor: str | None,
                 source_event: int | None, milestone: str | None = None) -> int:
    return _insert(store, "postmortem_entry", {
        "postmortem_id": pm_id, "at": at, "kind": kind, "text": text, "actor": actor, "source_event": source_event,
        "milestone": milestone, "hidden": False, "edited": False})


def update_entry(store: Store, entry_id: int, fields: dict) -> int:
    return _update(store, "postmortem_entry", entry_id, fields)


def delete_entry(store: Store, entry_id: int) -> int:
    return execute(store, "DELETE FROM postmortem_entry WHERE id = ?", (entry_id,)).rowcount


def entry_sources(store: Store, pm_id: int) -> set[int]:
    return {r[0] for r in fetch_all(store, "SELECT source_event FROM postmortem_entry WHERE postmortem_id = ? "
                                           "AND source_event IS NOT NULL", (pm_id,))}


def postmortem_statuses(store: Store, incident_ids: Sequence[int]) -> dict[int, str]:
    """incident id -> postmortem status for those that have one."""
    out: dict[int, str] = {}
    ids = list(incident_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for incident_id, status in fetch_all(store, f"SELECT incident_id, status FROM postmortem "
                                                    f"WHERE incident_id IN ({marks(len(chunk))})", chunk):
            out[incident_id] = status
    return out


def postmortem_list(store: Store, *, statuses: Sequence[str] = (), limit: int = 500) -> list[tuple]:
    """(incident key, title, priority, postmortem status, required, author, updated_at), newest first."""
    where, params = "", []
    if statuses:
        where = f"WHERE p.status IN ({marks(len(statuses))})"
        params = list(statuses)
    return fetch_all(store, (
        f'SELECT i.key, i.title, i.priority, p.status, p.required, a.username, p.updated_at FROM postmortem p '
        f'JOIN incident i ON i.id = p.incident_id LEFT JOIN "user" a ON a.id = p.author_id {where} '
        f"ORDER BY p.updated_at DESC, p.id DESC LIMIT ?"), [*params, limit])


# ---- the month's major incidents -----------------------------------------------------------------

def major_incidents(store: Store, *, start: int, end: int, priorities: Sequence[int], limit: int) -> list[tuple]:
    """(id, key, title, priority, category, status, opened_at, resolved_at, ttr_s, postmortem status, problem id)
    of incidents of ``priorities`` opened in [start, end), cancelled ones left out: the highest priority first,
    then the longest to resolve (or, still open, the oldest)."""
    if not priorities:
        return []
    return fetch_all(store, (
        "SELECT i.id, i.key, i.title, i.priority, i.category, i.status, i.opened_at, i.resolved_at, i.ttr_s, "
        "p.status, pl.problem_id FROM incident i LEFT JOIN postmortem p ON p.incident_id = i.id "
        "LEFT JOIN problem_link pl ON pl.incident_id = i.id "
        f"WHERE i.priority IN ({marks(len(priorities))}) AND i.opened_at >= ? AND i.opened_at < ? "
        f"AND i.status <> {int(Status.CANCELLED)} "
        "ORDER BY i.priority, COALESCE(i.ttr_s, ? - i.opened_at) DESC, i.id LIMIT ?"),
        [*priorities, start, end, end, limit])


def major_counts(store: Store, *, start: int, end: int, priorities: Sequence[int]) -> list[tuple]:
    """(priority, postmortem status or None, count) of incidents of ``priorities`` opened in [start, end),
    cancelled ones left out."""
    if not priorities:
        return []
    return fetch_all(store, (
        "SELECT i.priority, p.status, COUNT(*) FROM incident i LEFT JOIN postmortem p ON p.incident_id = i.id "
        f"WHERE i.priority IN ({marks(len(priorities))}) AND i.opened_at >= ? AND i.opened_at < ? "
        f"AND i.status <> {int(Status.CANCELLED)} GROUP BY i.priority, p.status"), [*priorities, start, end])


# ---- problems -------------------------------------------------------------------------------------

_PROBLEM_COLUMNS = ("p.id, p.title, p.description, p.status, p.workaround, p.root_cause, o.username, "
                    "c.username, p.created_at, p.updated_at, p.resolved_at, p.version, "
                    "(SELECT COUNT(*) FROM problem_link l WHERE l.problem_id = p.id), "
                    "(SELECT COUNT(*) FROM problem_link l JOIN incident i ON i.id = l.incident_id "
                    f"WHERE l.problem_id = p.id AND i.status IN ({_OPEN}))")
_PROBLEM_FROM = ('FROM problem p LEFT JOIN "user" o ON o.id = p.owner_id '
                 'LEFT JOIN "user" c ON c.id = p.created_by_id')


def insert_problem(store: Store, fields: dict) -> int:
    return _insert(store, "problem", fields)


def update_problem(store: Store, problem_id: int, fields: dict, *, expected_version: int | None) -> int:
    return _update(store, "problem", problem_id, fields, expected_version=expected_version)


def problem(store: Store, problem_id: int) -> tuple | None:
    return fetch_one(store, f"SELECT {_PROBLEM_COLUMNS} {_PROBLEM_FROM} WHERE p.id = ?", (problem_id,))


def problems(store: Store, *, statuses: Sequence[str] = (), limit: int = 1000) -> list[tuple]:
    where, params = "", []
    if statuses:
        where = f"WHERE p.status IN ({marks(len(statuses))})"
        params = list(statuses)
    return fetch_all(store, f"SELECT {_PROBLEM_COLUMNS} {_PROBLEM_FROM} {where} "
                            "ORDER BY p.updated_at DESC, p.id DESC LIMIT ?", [*params, limit])


def problem_counts(store: Store) -> dict[str, int]:
    return dict(fetch_all(store, "SELECT status, COUNT(*) FROM problem GROUP BY status"))


def problem_of_incident(store: Store, incident_id: int) -> int | None:
    return scalar(store, "SELECT problem_id FROM problem_link WHERE incident_id = ?", (incident_id,))


def link_problem(store: Store, *, problem_id: int, incident_id: int, at: int, user_id: int | None) -> None:
    execute(store, "INSERT INTO problem_link (problem_id, incident_id, linked_at, linked_by_id) VALUES (?, ?, ?, ?)",
            (problem_id, incident_id, at, user_id))


def unlink_problem(store: Store, *, problem_id: int, incident_id: int) -> int:
    return execute(store, "DELETE FROM problem_link WHERE problem_id = ? AND incident_id = ?",
                   (problem_id, incident_id)).rowcount


def problem_incidents(store: Store, problem_id: int) -> list[tuple]:
    """(id, key, title, priority, status, opened_at) of the problem's incidents, newest first."""
    return fetch_all(store, (
        "SELECT i.id, i.key, i.title, i.priority, i.status, i.opened_at FROM problem_link l "
        "JOIN incident i ON i.id = l.incident_id WHERE l.problem_id = ? ORDER BY i.opened_at DESC, i.id DESC"),
        (problem_id,))


def known_errors(store: Store, limit: int = 2000) -> list[tuple]:
    """(id, title, description, workaround) of problems that are known errors."""
    return fetch_all(store, "SELECT id, title, description, workaround FROM problem WHERE status = 'known_error' "
                            "ORDER BY updated_at DESC LIMIT ?", (limit,))


def known_errors_of_incidents(store: Store, incident_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(incident id, problem id) for incidents linked to a known error."""
    ids = list(incident_ids)
    if not ids:
        return []
    return fetch_all(store, (
        "SELECT l.incident_id, l.problem_id FROM problem_link l JOIN problem p ON p.id = l.problem_id "
        f"WHERE p.status = 'known_error' AND l.incident_id IN ({marks(len(ids))})"), ids)


# ---- action items ---------------------------------------------------------------------------------

_ITEM_COLUMNS = ("a.id, a.title, u.username, a.due_date, a.status, a.incident_id, a.problem_id, a.created_at, "
                 "a.updated_at, a.done_at, a.version, u.display_name")
_ITEM_FROM = 'FROM action_item a LEFT JOIN "user" u ON u.id = a.owner_id'
OPEN_ITEM_STATUSES = ("open", "in_progress")


def insert_action_item(store: Store, fields: dict) -> int:
    return _insert(store, "action_item", fields)


def update_action_item(store: Store, item_id: int, fields: dict, *, expected_version: int | None) -> int:
    return _update(store, "action_item", item_id, fields, expected_version=expected_version)


def action_item(store: Store, item_id: int) -> tuple | None:
    return fetch_one(store, f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE a.id = ?", (item_id,))


def action_item_raw(store: Store, item_id: int) -> tuple | None:
    """(owner_id, due_date, status, version, incident_id, problem_id) of one item."""
    return fetch_one(store, "SELECT owner_id, due_date, status, version, incident_id, problem_id FROM action_item "
                            "WHERE id = ?", (item_id,))


def action_items(store: Store, *, owner_id: int | None = None, open_only: bool = False,
                 incident_id: int | None = None, problem_id: int | None = None, overdue_before: str | None = None,
                 limit: int = 2000) -> list[tuple]:
    """Items in _ITEM_COLUMNS order: overdue and soonest due first, undated last."""
    parts, params = [], []
    if owner_id is not None:
        parts.append("a.owner_id = ?")
        params.append(owner_id)
    if open_only or overdue_before is not None:
        parts.append(f"a.status IN ({marks(len(OPEN_ITEM_STATUSES))})")
        params.extend(OPEN_ITEM_STATUSES)
    if overdue_before is not None:
        parts.append("a.due_date < ?")
        params.append(overdue_before)
    if incident_id is not None:
        parts.append("a.incident_id = ?")
        params.append(incident_id)
    if problem_id is not None:
        parts.append("a.problem_id = ?")
        params.append(problem_id)
    where = (" WHERE " + " AND ".join(parts)) if parts else ""
    return fetch_all(store, f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM}{where} ORDER BY "
                            "CASE WHEN a.due_date IS NULL THEN 1 ELSE 0 END, a.due_date, a.id LIMIT ?",
                     [*params, limit])


def action_item_counts(store: Store, *, today: str, owner_id: int | None = None) -> tuple[int, int, int]:
    """(open, overdue, without owner) among open items (of one owner when given)."""
    where, params = f"status IN ({marks(len(OPEN_ITEM_STATUSES))})", list(OPEN_ITEM_STATUSES)
    if owner_id is not None:
        where += " AND owner_id = ?"
        params.append(owner_id)
    row = fetch_one(store, (
        "SELECT COUNT(*), SUM(CASE WHEN due_date < ? THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END) FROM action_item WHERE {where}"), [today, *params])
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def overdue_unnotified(store: Store, *, today: str, limit: int) -> list[tuple]:
    """(id, title, owner_id, due_date, incident_id, problem_id) of open, owned, overdue items not yet told."""
    return fetch_all(store, (
        "SELECT id, title, owner_id, due_date, incident_id, problem_id FROM action_item "
        f"WHERE status IN ({marks(len(OPEN_ITEM_STATUSES))}) AND due_date < ? AND owner_id IS NOT NULL "
        "AND overdue_notified_at IS NULL ORDER BY due_date, id LIMIT ?"), [*OPEN_ITEM_STATUSES, today, limit])


def claim_overdue_notice(store: Store, item_id: int, at: int) -> bool:
    """True for exactly one caller per item and due date (another desk may be scanning too)."""
    return execute(store, "UPDATE action_item SET overdue_notified_at = ? WHERE id = ? "
                          "AND overdue_notified_at IS NULL", (at, item_id)).rowcount == 1


def incident_keys(store: Store, ids: Sequence[int]) -> dict[int, str]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(fetch_all(store, f"SELECT id, key FROM incident WHERE id IN ({marks(len(ids))})", ids))

"""SQL of the escalation engine: due candidates, batched facts, once-only escalation rows, schedules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from incident_desk.domain.incident import OPEN_STATUSES
from incident_desk.storage.sql import execute, execute_many, fetch_all, marks, scalar

# Status numbers are our own ints, so they go into the SQL text; the planner then sees one
# short range seek per open status on ix_incident_next_escalation.
_OPEN = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))
_CHUNK = 500  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def due_candidates(store, now_epoch: int, limit: int) -> list[int]:
    """Open incidents whose next possible escalation instant has passed (0 = never evaluated)."""
    cur = execute(store, (
        f"SELECT id FROM incident WHERE status IN ({_OPEN}) AND next_escalation_at <= ? LIMIT ?"),
        (now_epoch, limit))
    return [r[0] for r in cur.fetchall()]


def explain_due_candidates(store, now_epoch: int) -> str:
    """The SQLite query plan of the scan (tests check that it seeks the schedule index)."""
    cur = execute(store,
        f"EXPLAIN QUERY PLAN SELECT id FROM incident WHERE status IN ({_OPEN}) "
        "AND next_escalation_at <= ? LIMIT 200", (now_epoch,))
    return " | ".join(str(r[-1]) for r in cur.fetchall())


_FACT_COLUMNS = ("i.id, i.key, i.title, i.priority, i.status, i.opened_at, i.reopen_count, "
                 "i.escalation_level, i.assignee_id, u.username, i.team_id, t.name, i.version, "
                 "i.acknowledged_at, i.resolved_at")


def incident_facts(store, ids: Sequence[int]) -> list[tuple]:
    """One tuple per incident in ``_FACT_COLUMNS`` order."""
    out: list[tuple] = []
    for chunk in _chunks(ids):
        cur = execute(store, (
            f'SELECT {_FACT_COLUMNS} FROM incident i LEFT JOIN "user" u ON u.id = i.assignee_id '
            f"LEFT JOIN team t ON t.id = i.team_id WHERE i.id IN ({marks(len(chunk))})"), chunk)
        out.extend(cur.fetchall())
    return out


def open_incident_facts(store, after_id: int, limit: int) -> list[tuple]:
    """The next ``limit`` open incidents by id after ``after_id`` (keyset batches for recomputes)."""
    cur = execute(store, (
        f'SELECT {_FACT_COLUMNS} FROM incident i LEFT JOIN "user" u ON u.id = i.assignee_id '
        f"LEFT JOIN team t ON t.id = i.team_id WHERE i.status IN ({_OPEN}) AND i.id > ? "
        "ORDER BY i.id LIMIT ?"), (after_id, limit))
    return cur.fetchall()


def status_histories(store, ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """(epoch, new status slug) per incident, in timeline order."""
    out: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        cur = execute(store, (
            f"SELECT incident_id, at, new_value FROM event WHERE incident_id IN ({marks(len(chunk))}) "
            "AND kind = 'status' ORDER BY incident_id, id"), chunk)
        for incident_id, at, value in cur.fetchall():
            out[incident_id].append((at, value))
    return out


def fired_rules(store, ids: Sequence[int]) -> dict[int, set[tuple[str, int]]]:
    """(rule key, cycle) pairs already recorded per incident."""
    out: dict[int, set[tuple[str, int]]] = {i: set() for i in ids}
    for chunk in _chunks(ids):
        cur = execute(store, (
            f"SELECT incident_id, rule_key, cycle FROM escalation WHERE incident_id IN ({marks(len(chunk))})"),
            chunk)
        for incident_id, rule_key, cycle in cur.fetchall():
            out[incident_id].add((rule_key, cycle))
    return out


def claim_escalation(store, *, incident_id: int, rule_key: str, cycle: int, level: int, due_at: int,
                     fired_at: int) -> int | None:
    """Insert the escalation unless (incident, rule, cycle) exists; its id only for the winner."""
    cur = execute(store, (
        "INSERT INTO escalation (incident_id, rule_key, cycle, level, due_at, fired_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, rule_key, cycle) DO NOTHING RETURNING id"),
        (incident_id, rule_key, cycle, level, due_at, fired_at))
    rows = cur.fetchall()  # read to the end so SQLite finishes the statement
    return rows[0][0] if rows else None


def set_escalation_level(store, escalation_id: int, level: int) -> None:
    execute(store, "UPDATE escalation SET level = ? WHERE id = ?", (level, escalation_id))


def raise_level(store, incident_id: int, now_epoch: int) -> tuple[int, int]:
    """Level + 1 with a version bump (open editors learn of it); returns (new level, new version)."""
    cur = execute(store, (
        "UPDATE incident SET escalation_level = COALESCE(escalation_level, 0) + 1, version = version + 1, "
        "updated_at = ? WHERE id = ? RETURNING escalation_level, version"), (now_epoch, incident_id))
    [(level, version)] = cur.fetchall()
    return level, version


def set_next_escalation(store, pairs: Sequence[tuple[int | None, int]]) -> None:
    """(next instant or None, incident id) pairs."""
    if pairs:
        execute_many(store, "UPDATE incident SET next_escalation_at = ? WHERE id = ?", list(pairs))


def unscheduled_id_span(store) -> tuple[int, int] | None:
    """(lowest, highest) id of open incidents never evaluated (next_escalation_at = 0), or None."""
    row = execute(store, f"SELECT MIN(id), MAX(id) FROM incident WHERE status IN ({_OPEN}) "
                         "AND next_escalation_at = 0").fetchone()
    return None if row is None or row[0] is None else (row[0], row[1])


def schedule_at_lower_bounds(store, offsets: dict[tuple[int, bool], int | None], now_epoch: int, *,
                             first_id: int, last_id: int) -> int:
    """Never-evaluated open incidents with ids in [first_id, last_id] whose earliest possible deadline
    (opening + ``offsets[(priority, may be unacknowledged)]``, None: never) lies after ``now_epoch``
    get that instant as their schedule, in one statement; the rest stay for a full evaluation."""
    def by_priority(unacknowledged: bool) -> str:
        whens = " ".join(f"WHEN {int(p)} THEN {'NULL' if v is None else int(v)}"
                         for (p, unack), v in sorted(offsets.items()) if unack == unacknowledged)
        return f"CASE priority {whens} ELSE 0 END"  # an unknown priority: evaluate in full

    # Our own integers only, written into the text (as _OPEN is).
    bound = (f"(CASE WHEN status = 10 OR acknowledged_at IS NULL THEN {by_priority(True)} "
             f"ELSE {by_priority(False)} END)")
    cur = execute(store, (
        f"UPDATE incident SET next_escalation_at = opened_at + {bound} "
        f"WHERE status IN ({_OPEN}) AND next_escalation_at = 0 AND id >= ? AND id <= ? "
        f"AND ({bound} IS NULL OR opened_at + {bound} > ?)"), (first_id, last_id, now_epoch))
    return cur.rowcount


def reschedule_all_open(store) -> int:
    """Mark every open incident for re-evaluation at the next scan (after a policy change)."""
    cur = execute(store, f"UPDATE incident SET next_escalation_at = 0 WHERE status IN ({_OPEN})")
    return cur.rowcount


def next_escalation_of(store, incident_id: int) -> int | None:
    cur = execute(store, "SELECT next_escalation_at FROM incident WHERE id = ?", (incident_id,))
    row = cur.fetchone()
    return row[0] if row else None


def update_sla_columns(store, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """executemany of ``UPDATE incident SET <columns> WHERE id = ?``; each row ends with the id."""
    if rows:
        assignments = ", ".join(f"{c} = ?" for c in columns)
        execute_many(store, f"UPDATE incident SET {assignments} WHERE id = ?", list(rows))


# ---- people the rules name -------------------------------------------------------------------

def active_people(store) -> list[tuple]:
    """(id, username, role, team_id, is_manager_on_duty) of active users."""
    return fetch_all(store, 'SELECT id, username, role, team_id, is_manager_on_duty FROM "user" '
                            "WHERE active = ? ORDER BY id", (True,))


def teams(store) -> list[tuple]:
    """(id, name, lead_id) of every team."""
    return fetch_all(store, "SELECT id, name, lead_id FROM team ORDER BY id")


def escalation_count(store) -> int:
    return scalar(store, "SELECT COUNT(*) FROM escalation")


def setting_versions(store, keys: Sequence[str]) -> dict[str, int]:
    """Version of each named setting, so a process notices another one's policy change cheaply."""
    cur = execute(store, f"SELECT key, version FROM setting WHERE key IN ({marks(len(keys))})", list(keys))
    return {k: v for k, v in cur.fetchall()}

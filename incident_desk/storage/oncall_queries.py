"""SQL of on-call rotations: rotations with their members in order, overrides, and teams that have either."""

from __future__ import annotations

from incident_desk.storage.sql import execute, execute_many, fetch_all, scalar

_ROTATION_COLUMNS = "r.id, r.name, r.every, r.unit, r.start_local, r.timezone, r.days, r.hours"


def rotations(store, team_id: int) -> list[tuple]:
    """(id, name, every, unit, start_local, timezone, days, hours, [usernames in order]) per rotation."""
    rows = fetch_all(store, f"SELECT {_ROTATION_COLUMNS} FROM oncall_rotation r WHERE r.team_id = ? ORDER BY r.id",
                     (team_id,))
    out = []
    for row in rows:
        people = [r[0] for r in fetch_all(store, 'SELECT u.username FROM oncall_member m JOIN "user" u '
                                                 "ON u.id = m.user_id WHERE m.rotation_id = ? ORDER BY m.position",
                                          (row[0],))]
        out.append((*row, people))
    return out


def save_rotation(store, *, team_id: int, name: str, every: int, unit: str, start_local: str, timezone: str,
                  days: str | None, hours: str | None, user_ids: list[int], at: int) -> int:
    """Add the rotation, or replace the one of the same name in that team (its members too)."""
    old = scalar(store, "SELECT id FROM oncall_rotation WHERE team_id = ? AND name = ?", (team_id, name))
    if old is not None:
        execute(store, "DELETE FROM oncall_member WHERE rotation_id = ?", (old,))
        execute(store, "UPDATE oncall_rotation SET every = ?, unit = ?, start_local = ?, timezone = ?, days = ?, "
                       "hours = ? WHERE id = ?", (every, unit, start_local, timezone, days, hours, old))
        rotation_id = old
    else:
        execute(store, "INSERT INTO oncall_rotation (team_id, name, every, unit, start_local, timezone, days, hours, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (team_id, name, every, unit, start_local, timezone, days, hours, at))
        rotation_id = scalar(store, "SELECT id FROM oncall_rotation WHERE team_id = ? AND name = ?", (team_id, name))
    execute_many(store, "INSERT INTO oncall_member (rotation_id, position, user_id) VALUES (?, ?, ?)",
                 [(rotation_id, n, user_id) for n, user_id in enumerate(user_ids)])
    return rotation_id


def delete_rotation(store, team_id: int, name: str) -> int:
    rotation_id = scalar(store, "SELECT id FROM oncall_rotation WHERE team_id = ? AND name = ?", (team_id, name))
    if rotation_id is None:
        return 0
    execute(store, "DELETE FROM oncall_member WHERE rotation_id = ?", (rotation_id,))
    return execute(store, "DELETE FROM oncall_rotation WHERE id = ?", (rotation_id,)).rowcount


def overrides(store, team_id: int, since: int, until: int) -> list[tuple]:
    """(id, username, starts_at, ends_at) overlapping [since, until), in the order they were added."""
    return fetch_all(store, 'SELECT o.id, u.username, o.starts_at, o.ends_at FROM oncall_override o JOIN "user" u '
                            "ON u.id = o.user_id WHERE o.team_id = ? AND o.ends_at > ? AND o.starts_at < ? "
                            "ORDER BY o.id", (team_id, since, until))


def add_override(store, *, team_id: int, user_id: int, starts_at: int, ends_at: int, created_by: int | None,
                 at: int) -> None:
    execute(store, "INSERT INTO oncall_override (team_id, user_id, starts_at, ends_at, created_by_id, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (team_id, user_id, starts_at, ends_at, created_by, at))


def delete_override(store, team_id: int, override_id: int) -> int:
    return execute(store, "DELETE FROM oncall_override WHERE id = ? AND team_id = ?", (override_id, team_id)).rowcount


def teams_with_rotation(store) -> set[int]:
    return {r[0] for r in fetch_all(store, "SELECT DISTINCT team_id FROM oncall_rotation")}


def display_names(store, usernames: list[str]) -> dict[str, str]:
    if not usernames:
        return {}
    from incident_desk.storage.sql import marks
    text = f'SELECT username, display_name FROM "user" WHERE username IN ({marks(len(usernames))})'
    return dict(fetch_all(store, text, usernames))


def reschedule_team(store, team_id: int) -> None:
    """The team's open incidents are looked at again by the next escalation scan (its rotation changed)."""
    from incident_desk.domain.incident import OPEN_STATUSES
    statuses = ", ".join(str(int(s)) for s in sorted(OPEN_STATUSES))
    execute(store, f"UPDATE incident SET next_escalation_at = 0 WHERE team_id = ? AND status IN ({statuses})",
            (team_id,))

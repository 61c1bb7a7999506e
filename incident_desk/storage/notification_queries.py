"""SQL of the notification inbox: insert once, page a user's inbox, mark read, snooze, claim alerts."""

from __future__ import annotations

from collections.abc import Sequence

from incident_desk.storage.sql import execute, execute_many, marks, scalar

NOTIFICATION_COLUMNS = ("user_id", "incident_id", "kind", "severity", "priority", "title", "body",
                        "created_at", "due_at", "escalation_id")
_ITEM_COLUMNS = ("n.id, n.kind, n.severity, n.priority, n.title, n.body, n.created_at, n.due_at, n.read_at, "
                 "n.snoozed_until, n.alerted_at, i.key, n.escalation_id, n.incident_id")


def insert_notifications(store, rows: Sequence[Sequence]) -> None:
    """Rows in NOTIFICATION_COLUMNS order; a second row for the same (user, escalation) is dropped."""
    if not rows:
        return
    cols = ", ".join(NOTIFICATION_COLUMNS)
    execute_many(store, f"INSERT INTO notification ({cols}) VALUES ({marks(len(NOTIFICATION_COLUMNS))}) "
                        "ON CONFLICT DO NOTHING", list(rows))


def inbox(store, user_id: int, *, now_epoch: int, unread_only: bool, limit: int) -> list[tuple]:
    """Newest first; unread_only leaves out read ones and those snoozed past ``now``."""
    where = "n.user_id = ?"
    params: list = [user_id]
    if unread_only:
        where += " AND n.read_at IS NULL AND (n.snoozed_until IS NULL OR n.snoozed_until <= ?)"
        params.append(now_epoch)
    params.append(limit)
    cur = execute(store, (
        f"SELECT {_ITEM_COLUMNS} FROM notification n LEFT JOIN incident i ON i.id = n.incident_id "
        f"WHERE {where} ORDER BY n.id DESC LIMIT ?"), params)
    return cur.fetchall()


def unread_count(store, user_id: int, now_epoch: int) -> int:
    cur = execute(store, (
        "SELECT COUNT(*) FROM notification WHERE user_id = ? AND read_at IS NULL "
        "AND (snoozed_until IS NULL OR snoozed_until <= ?)"), (user_id, now_epoch))
    return cur.fetchone()[0]


def mark_read(store, user_id: int, ids: Sequence[int], now_epoch: int) -> int:
    if not ids:
        return 0
    marks = ", ".join(["?"] * len(ids))
    cur = execute(store, (
        f"UPDATE notification SET read_at = ?, snoozed_until = NULL WHERE user_id = ? AND read_at IS NULL "
        f"AND id IN ({marks})"), [now_epoch, user_id, *ids])
    return cur.rowcount


def mark_all_read(store, user_id: int, now_epoch: int) -> int:
    """Everything unread that is showing; snoozed ones still come back when their snooze ends."""
    cur = execute(store, (
        "UPDATE notification SET read_at = ? WHERE user_id = ? AND read_at IS NULL "
        "AND (snoozed_until IS NULL OR snoozed_until <= ?)"), (now_epoch, user_id, now_epoch))
    return cur.rowcount


def snooze(store, user_id: int, ids: Sequence[int], until_epoch: int) -> int:
    """Hide until ``until``; alerted_at is cleared so the reminder alerts again when it returns."""
    if not ids:
        return 0
    marks = ", ".join(["?"] * len(ids))
    cur = execute(store, (
        f"UPDATE notification SET snoozed_until = ?, read_at = NULL, alerted_at = NULL "
        f"WHERE user_id = ? AND id IN ({marks})"), [until_epoch, user_id, *ids])
    return cur.rowcount


def pending_alerts(store, user_id: int, now_epoch: int, limit: int) -> list[tuple]:
    """Unread, not snoozed, never alerted: what a desktop alert has yet to show, oldest first."""
    cur = execute(store, (
        f"SELECT {_ITEM_COLUMNS} FROM notification n LEFT JOIN incident i ON i.id = n.incident_id "
        "WHERE n.user_id = ? AND n.alerted_at IS NULL AND n.read_at IS NULL "
        "AND (n.snoozed_until IS NULL OR n.snoozed_until <= ?) ORDER BY n.id LIMIT ?"),
        (user_id, now_epoch, limit))
    return cur.fetchall()


def claim_for_alert(store, notification_id: int, now_epoch: int) -> bool:
    """Atomic: only the one caller that flips alerted_at from NULL may show the alert."""
    cur = execute(store, (
        "UPDATE notification SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL"),
        (now_epoch, notification_id))
    return cur.rowcount == 1


def watcher_ids(store, incident_id: int) -> list[int]:
    cur = execute(store, (
        'SELECT w.user_id FROM watcher w JOIN "user" u ON u.id = w.user_id '
        "WHERE w.incident_id = ? AND u.active = ? ORDER BY w.user_id"), (incident_id, True))
    return [r[0] for r in cur.fetchall()]


def incident_brief(store, incident_id: int) -> tuple | None:
    """(key, title, priority, assignee_id) for notification texts."""
    cur = execute(store, "SELECT key, title, priority, assignee_id FROM incident WHERE id = ?",
                               (incident_id,))
    return cur.fetchone()


def user_quiet_hours(store, user_id: int) -> tuple | None:
    """(dnd_start, dnd_end, dnd_timezone, dnd_allow_p1) of one user."""
    cur = execute(store, (
        'SELECT dnd_start, dnd_end, dnd_timezone, dnd_allow_p1 FROM "user" WHERE id = ?'), (user_id,))
    return cur.fetchone()


def set_quiet_hours(store, user_id: int, start: str | None, end: str | None, zone: str, allow_p1: bool) -> None:
    execute(store, (
        'UPDATE "user" SET dnd_start = ?, dnd_end = ?, dnd_timezone = ?, dnd_allow_p1 = ? WHERE id = ?'),
        (start, end, zone, allow_p1, user_id))


def incident_team(store, key: str) -> int | None:
    """The team an incident (by key) is with, or None."""
    return scalar(store, "SELECT team_id FROM incident WHERE key = ?", (key,))

"""SQL of the alert intake: which incident an alert key or an alert group reaches, and the alerts of an incident."""

from __future__ import annotations

from incident_desk.domain.incident import OPEN_STATUSES
from incident_desk.storage.sql import execute, fetch_all, fetch_one, scalar

_OPEN = f"i.status IN ({', '.join(str(int(s)) for s in sorted(OPEN_STATUSES))})"


def open_incident_of_key(store, dedup_key: str) -> tuple[int, int] | None:
    """(alert_key id, incident id) of the open incident this alert key reaches, or None."""
    return fetch_one(store, f"SELECT a.id, a.incident_id FROM alert_key a JOIN incident i ON i.id = a.incident_id "
                            f"WHERE a.dedup_key = ? AND {_OPEN} ORDER BY a.id DESC LIMIT 1", (dedup_key,))


def latest_incident_of_key(store, dedup_key: str) -> tuple[int, int, int] | None:
    """(alert_key id, incident id, incident status) of the newest incident this key reached, or None."""
    return fetch_one(store, "SELECT a.id, a.incident_id, i.status FROM alert_key a JOIN incident i "
                            "ON i.id = a.incident_id WHERE a.dedup_key = ? ORDER BY a.id DESC LIMIT 1",
                     (dedup_key,))


def open_incident_of_group(store, group_key: str, since: int) -> int | None:
    """The open incident alerts of ``group_key`` reached at or after ``since``, if any."""
    return scalar(store, f"SELECT a.incident_id FROM alert_key a JOIN incident i ON i.id = a.incident_id "
                         f"WHERE a.group_key = ? AND a.last_at >= ? AND {_OPEN} ORDER BY a.last_at DESC LIMIT 1",
                  (group_key, since))


def add_key(store, *, dedup_key: str, incident_id: int, group_key: str, title: str, status: str, at: int) -> None:
    execute(store, "INSERT INTO alert_key (dedup_key, incident_id, group_key, title, status, fired, first_at, last_at) "
                   "VALUES (?, ?, ?, ?, ?, 1, ?, ?)", (dedup_key, incident_id, group_key, title, status, at, at))


def fired_again(store, key_id: int, at: int) -> int:
    """Count one more firing; returns the new count."""
    execute(store, "UPDATE alert_key SET fired = fired + 1, last_at = ?, status = 'firing' WHERE id = ?",
            (at, key_id))
    return scalar(store, "SELECT fired FROM alert_key WHERE id = ?", (key_id,))


def set_status(store, key_id: int, status: str, at: int) -> None:
    execute(store, "UPDATE alert_key SET status = ?, last_at = ? WHERE id = ?", (status, at, key_id))


def alerts_of(store, incident_id: int) -> list[tuple]:
    """(dedup key, title, status, fired, first_at, last_at) of the alerts an incident holds, oldest first."""
    return fetch_all(store, "SELECT dedup_key, title, status, fired, first_at, last_at FROM alert_key "
                            "WHERE incident_id = ? ORDER BY id", (incident_id,))


def title_of(store, key_id: int) -> str:
    return scalar(store, "SELECT title FROM alert_key WHERE id = ?", (key_id,)) or ""


def firing_count(store, incident_id: int) -> int:
    return scalar(store, "SELECT COUNT(*) FROM alert_key WHERE incident_id = ? AND status <> 'resolved'",
                  (incident_id,)) or 0


def taken_by_person(store, incident_id: int, monitoring_id: int) -> bool:
    """True when someone other than monitoring assigned the incident or moved its status."""
    row = fetch_one(store, "SELECT assignee_id FROM incident WHERE id = ?", (incident_id,))
    if row is not None and row[0] is not None:
        return True
    return scalar(store, "SELECT COUNT(*) FROM event WHERE incident_id = ? AND kind IN ('status', 'assignment') "
                         "AND actor_id IS NOT NULL AND actor_id <> ?", (incident_id, monitoring_id)) > 0


def account_id(store, username: str) -> int | None:
    return scalar(store, 'SELECT id FROM "user" WHERE lower(username) = ?', (username.lower(),))


def add_account(store, *, username: str, display_name: str, at: int) -> int:
    """The account monitoring acts as: inactive, so it is never notified, assigned or counted as a person."""
    from incident_desk.storage.sql import bool_value
    execute(store, 'INSERT INTO "user" (username, display_name, email, role, active, is_manager_on_duty, '
                   "dnd_timezone, dnd_allow_p1, created_at) VALUES (?, ?, '', 'lead', ?, ?, 'UTC', ?, ?)",
            (username, display_name, bool_value(store, False), bool_value(store, False), bool_value(store, True), at))
    return account_id(store, username)


def intake_lock_path(db_path) -> str:
    """The file an intake on this SQLite database holds locked while it runs."""
    return f"{db_path}-intake.lock"


def intake_runs_on(db_path) -> bool:
    """Whether an intake (in any process) holds this SQLite database's intake lock now."""
    import fcntl
    import os
    try:
        fd = os.open(intake_lock_path(db_path), os.O_RDONLY)
    except OSError:
        return False  # never had one
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


class IntakeLock:
    """Held while an intake runs on a database, so at most one does (a window or `incident-desk intake`):
    an exclusive lock on a file beside a SQLite database, a session advisory lock on PostgreSQL."""

    _PG_KEY = 0x1D_17_A1  # any fixed number: the advisory lock's name

    def __init__(self, store):
        self.store = store
        self._file = None

    def acquire(self) -> bool:
        if self.store.is_sqlite:
            import fcntl
            import os
            fd = os.open(intake_lock_path(self.store.path), os.O_RDWR | os.O_CREAT, 0o600)
            handle = os.fdopen(fd, "r+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._file = handle
            return True
        return bool(scalar(self.store, "SELECT pg_try_advisory_lock(?)", (self._PG_KEY,)))

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif not self.store.is_sqlite:
            try:
                scalar(self.store, "SELECT pg_advisory_unlock(?)", (self._PG_KEY,))
            except Exception:  # noqa: BLE001  (the connection may be gone; its lock went with it)
                pass

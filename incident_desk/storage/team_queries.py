"""Sign-in state of accounts and the audit trail's filters: the SQL of team mode."""

from __future__ import annotations

from dataclasses import dataclass

from incident_desk.storage.database import Store
from incident_desk.storage.sql import bool_value, execute, fetch_all, fetch_one


@dataclass(frozen=True)
class Account:
    """What signing in needs to know about one account (epoch seconds as stored)."""

    id: int
    username: str
    role: str
    active: bool
    password_hash: str | None
    failed_sign_ins: int
    locked_until: int | None
    password_changed_at: int | None


_ACCOUNT = ('SELECT id, username, role, active, password_hash, failed_sign_ins, locked_until, password_changed_at '
            'FROM "user" ')


def _account(row) -> Account | None:
    if row is None:
        return None
    return Account(id=row[0], username=row[1], role=row[2], active=bool(row[3]), password_hash=row[4],
                   failed_sign_ins=row[5] or 0, locked_until=row[6], password_changed_at=row[7])


def account_by_name(store: Store, username: str, *, lock: bool = False) -> Account | None:
    """The account, case-insensitively; with ``lock`` its row stays locked to this transaction on
    PostgreSQL (two processes counting one account's failures never both read the old count; SQLite's
    IMMEDIATE transaction already holds the whole file)."""
    tail = " FOR UPDATE" if lock and not store.is_sqlite else ""
    return _account(fetch_one(store, _ACCOUNT + "WHERE lower(username) = ?" + tail, (username.strip().lower(),)))


def account_by_id(store: Store, user_id: int) -> Account | None:
    return _account(fetch_one(store, _ACCOUNT + "WHERE id = ?", (user_id,)))


def record_failure(store: Store, user_id: int, *, failures: int, locked_until: int | None) -> None:
    execute(store, 'UPDATE "user" SET failed_sign_ins = ?, locked_until = ? WHERE id = ?',
            (failures, locked_until, user_id))


def clear_failures(store: Store, user_id: int) -> None:
    execute(store, 'UPDATE "user" SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?', (user_id,))


def set_password(store: Store, user_id: int, password_hash: str, *, now_epoch: int) -> None:
    """A new password also lifts a lock: an admin's reset is how a locked-out person gets back in."""
    execute(store, 'UPDATE "user" SET password_hash = ?, password_changed_at = ?, failed_sign_ins = 0, '
                   'locked_until = NULL WHERE id = ?', (password_hash, now_epoch, user_id))


def set_active(store: Store, user_id: int, active: bool) -> None:
    execute(store, 'UPDATE "user" SET active = ? WHERE id = ?', (bool_value(store, active), user_id))


def set_role(store: Store, user_id: int, role: str) -> None:
    execute(store, 'UPDATE "user" SET role = ? WHERE id = ?', (role, user_id))


def active_admins(store: Store) -> int:
    return fetch_one(store, 'SELECT count(*) FROM "user" WHERE role = ? AND active = ?',
                     ("admin", bool_value(store, True)))[0]


def has_passwords(store: Store) -> bool:
    return fetch_one(store, 'SELECT 1 FROM "user" WHERE password_hash IS NOT NULL LIMIT 1') is not None


def recent_sign_in(store: Store, user_id: int, *, since: int, detail_suffix: str) -> bool:
    """Whether ``user_id`` has an ``auth.sign_in`` row later than ``since`` whose detail ends with
    ``detail_suffix`` (the audit's (action, at) index finds the window's rows)."""
    pattern = "%" + detail_suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return fetch_one(store, "SELECT 1 FROM audit WHERE action = ? AND at > ? AND actor_id = ? "
                            "AND detail LIKE ? ESCAPE '\\' LIMIT 1",
                     ("auth.sign_in", since, user_id, pattern)) is not None


def audit_rows(store: Store, *, limit: int, actions: tuple[str, ...] = (), prefix: str | None = None,
               actor: str | None = None, since: int | None = None, until: int | None = None) -> list[tuple]:
    """(id, at, actor name, action, detail), newest first, filtered by exact actions, an action prefix
    ('auth.'), the actor's name and a half-open time span [since, until)."""
    where, params = [], []
    if actions:
        where.append(f"action IN ({', '.join('?' * len(actions))})")
        params.extend(actions)
    if prefix:
        # '_' and '%' in the prefix mean themselves.
        where.append("action LIKE ? ESCAPE '\\'")
        params.append(prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if actor:
        where.append("lower(actor_name) = ?")
        params.append(actor.strip().lower())
    if since is not None:
        where.append("at >= ?")
        params.append(since)
    if until is not None:
        where.append("at < ?")
        params.append(until)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return fetch_all(store, f"SELECT id, at, actor_name, action, detail FROM audit{clause} ORDER BY id DESC LIMIT ?",
                     (*params, limit))

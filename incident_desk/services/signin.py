"""Team sign-in: passwords, failed-attempt locks, sessions that expire when idle, account administration."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from incident_desk.domain.text import printable
from incident_desk.services.audit import AuditLog
from incident_desk.services.auth import _USERNAME_RE as USERNAME_RE
from incident_desk.services.auth import ROLES, Actor, Guard, actor_of, require, with_article
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.services.passwords import dummy_hash, hash_password, password_problem, verify_password
from incident_desk.storage import repository as repo
from incident_desk.storage import team_queries as tq
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

# Five wrong passwords in a row lock the account for a minute, each further one doubles it (to a
# quarter of an hour); the count lives in the database, so every desk and CLI process shares it.
MAX_FAILURES = 5
FIRST_LOCK_S = 60
LONGEST_LOCK_S = 15 * 60
IDLE_KEY = "session_idle_minutes"
DEFAULT_IDLE_MINUTES = 30
IDLE_RANGE = (1, 24 * 60)
# A session looks at its account again at most this often: an admin's disable or reset ends it.
RECHECK = timedelta(seconds=30)
PasswordSource = Callable[[], "str | None"]
# What every refused sign-in says, whatever the reason (wrong password, unknown name, locked, disabled):
# the reason is on the audit trail for admins, never told to whoever is trying names.
SIGN_IN_REFUSED = ("Wrong user name or password, or the account is locked or disabled; try again later "
                   "or ask an admin.")
# Where a sign-in comes from, on the audit trail. CLI sign-ins that succeed are coalesced: one row per
# account per window (see SignInService._records_sign_in).
DESK, CLI = "desk", "cli"
CLI_SIGN_IN_WINDOW = timedelta(minutes=15)


class SignInError(PermissionDenied):
    """A sign-in was refused (wrong name or password, locked, disabled); one sentence, exit 2."""


class SessionExpired(PermissionDenied):
    """The signed-in session ended (idle too long, or the account was disabled or its password reset)."""


def lock_seconds(failures: int) -> int:
    """How long ``failures`` consecutive failures lock an account (0 below the threshold)."""
    if failures < MAX_FAILURES:
        return 0
    return min(LONGEST_LOCK_S, FIRST_LOCK_S * 2 ** (failures - MAX_FAILURES))


class Session(Guard):
    """One person signed in on one desk: require() asks it before every permission check. Idleness is
    measured on ``ticker`` (a monotonic clock in seconds), not the desk's business clock: a test that
    moves the desk's clock by a day has not left a person idle for a day."""

    def __init__(self, store: Store, *, clock: Clock, user_id: int, started: datetime, idle: timedelta,
                 password_hash: str | None = None, ticker: Callable[[], float] = time.monotonic):
        super().__init__(store, clock=clock)
        self.user_id, self.started, self.idle = user_id, started, idle
        # The hash signed in with: a new password (changed or reset) has a new salt, so any change
        # shows, however the desks' clocks are set.
        self.password_hash = password_hash
        self.ticker = ticker
        self.last_active = self._checked = ticker()
        self.ended: str | None = None

    def idle_seconds(self) -> float:
        return self.ticker() - self.last_active

    def expired(self) -> bool:
        return self.ended is not None or self.idle_seconds() > self.idle.total_seconds()

    def touch(self) -> None:
        """The person did something (the window calls this on input): the idle clock starts again."""
        if not self.expired():
            self.last_active = max(self.last_active, self.ticker())

    def renew(self) -> None:
        """Signed in again (the window's re-sign-in after an idle expiry): the session goes on."""
        self.ended = None
        self.last_active = self._checked = self.ticker()
        self.started = self.clock()

    def check(self, actor: Actor) -> None:
        now = self.ticker()
        if self.ended is None and now - self.last_active > self.idle.total_seconds():
            self.ended = (f"the session of {actor.username} expired after {self._minutes()} idle; "
                          f"sign in again.")
        if self.ended is None and now - self._checked >= RECHECK.total_seconds():
            self._checked = now
            self._recheck(actor)
        if self.ended is not None:
            raise SessionExpired(self.ended[0].upper() + self.ended[1:])
        self.last_active = max(self.last_active, now)

    def _minutes(self) -> str:
        minutes = int(self.idle.total_seconds() // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"

    def _recheck(self, actor: Actor) -> None:
        with self.store.read():
            account = tq.account_by_id(self.store, self.user_id)
        if account is None or not account.active:
            self.ended = f"the account {actor.username} was disabled; nothing more can be done with it."
        elif account.password_hash != self.password_hash:
            self.ended = f"the password of {actor.username} was changed since this sign-in; sign in again."
        elif account.role != actor.role:
            self.ended = f"the role of {actor.username} changed to {account.role}; sign in again."


class SignInService:
    """Signing in to a team database and the administration of accounts' passwords and status."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store, self.clock = store, clock

    def _audit(self, **kw) -> None:
        AuditLog(self.store, clock=self.clock).append(**kw)

    # ---- the first admin ---------------------------------------------------------------------------

    def needs_initialising(self) -> bool:
        """No account can sign in yet: an empty team database, or one from before sign-in existed."""
        with self.store.read():
            return not tq.has_passwords(self.store)

    def initialise(self, *, admin: str, password: str) -> Actor:
        """Make ``admin`` the first admin of a database nobody can sign in to yet: a new account on an
        empty database, or an existing admin account of a database written before sign-in existed."""
        problem = password_problem(password)
        if problem:
            raise ValidationError(problem, field="password")
        hashed = hash_password(password)
        with self.store.write():
            if tq.has_passwords(self.store):
                raise ValidationError("This database already has accounts that sign in; an admin adds more "
                                      "with `incident-desk users add`.", field="admin")
            existing = tq.account_by_name(self.store, admin, lock=True)
            now = self.clock()
            if existing is None:
                if repo.has_users(self.store) and tq.active_admins(self.store):
                    raise ValidationError(f"There is no account '{printable(admin)}'; name one of this "
                                          f"database's admins.", field="admin")
                if not USERNAME_RE.match(admin or ""):
                    raise ValidationError(f"'{printable(admin)}' is not a valid username; use letters, digits, "
                                          f"'.', '_' or '-' (max 64).", field="admin")
                user_id = repo.insert_user(self.store, username=admin, display_name=admin, email="", role="admin",
                                           team_id=None, now=now).id
            elif existing.role != "admin" or not existing.active:
                raise ValidationError(f"The account '{existing.username}' is not an active admin.", field="admin")
            else:
                user_id = existing.id
            tq.set_password(self.store, user_id, hashed, now_epoch=epoch(now))
            actor = actor_of(self.store, user_id)
            self._audit(actor=actor, action="auth.initialised", detail=f"{actor.username} is the first admin "
                        f"who signs in to this team database")
        return actor

    # ---- signing in --------------------------------------------------------------------------------

    def idle_limit(self) -> timedelta:
        with self.store.read():
            value = repo.get_setting(self.store, IDLE_KEY)
        minutes = value if isinstance(value, int) and IDLE_RANGE[0] <= value <= IDLE_RANGE[1] \
            else DEFAULT_IDLE_MINUTES
        return timedelta(minutes=minutes)

    def set_idle_limit(self, *, actor: Actor, minutes: int) -> None:
        require(actor, "users.manage")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or \
                not IDLE_RANGE[0] <= minutes <= IDLE_RANGE[1]:
            raise ValidationError(f"The idle time must be between {IDLE_RANGE[0]} and {IDLE_RANGE[1]} minutes.",
                                  field="minutes")
        with self.store.write():
            repo.put_setting(self.store, IDLE_KEY, minutes, now=self.clock())
            self._audit(actor=actor, action="auth.idle_limit", detail=f"sessions end after {minutes} min idle")

    def sign_in(self, username: str | None, password: str | PasswordSource | None, *, via: str = DESK) -> Actor:
        """The signed-in Actor, or SignInError (recorded on the audit trail, with the failure counted
        against the account). ``password`` may be a callable, asked only once a name is known.

        A wrong password, an unknown name, a locked and a disabled account are refused alike: the same
        sentence (SIGN_IN_REFUSED) after the same work (one scrypt run, against a stand-in hash when
        there is no account or no password), so a caller cannot learn which names exist or which are
        locked; the audit trail, which only admins read, records the precise reason. ``via`` CLI
        sign-ins that succeed are coalesced on the trail (see _records_sign_in)."""
        username = (username or "").strip()
        if not username:
            raise SignInError("This is a team database: sign in with --user NAME (the password comes from "
                              "INCIDENT_DESK_PASSWORD or a prompt).")
        if callable(password):
            password = password()
        if not password:
            raise SignInError(f"No password given for {printable(username)[:64]}; set INCIDENT_DESK_PASSWORD "
                              f"or type it when asked.")
        stand_in = dummy_hash()  # made before any branch: its first making is no branch's extra cost
        now = self.clock()
        refused = False
        with self.store.write():
            account = tq.account_by_name(self.store, username, lock=True)
            # Exactly one key derivation on every path, whatever the account's state.
            matches = verify_password(password, account.password_hash if account and account.password_hash
                                      else stand_in) and account is not None and bool(account.password_hash)
            if account is None:
                refused = True
                # Named as typed, so `audit --who NAME` finds attempts on names that do not exist.
                self._audit(actor=_Who(None, printable(username)[:64]), action="auth.sign_in_failed",
                            detail=f"{printable(username)[:64]}: no such account")
            else:
                who = _Who(account.id, account.username)
                if account.locked_until is not None and account.locked_until > epoch(now):
                    refused = True
                    self._audit(actor=who, action="auth.sign_in_failed",
                                detail=f"refused: the account is locked ({account.locked_until - epoch(now)} s "
                                       f"left)" + ("" if matches else "; the password was wrong too"))
                elif not matches:
                    refused = True
                    failures = account.failed_sign_ins + 1
                    hold = lock_seconds(failures)
                    tq.record_failure(self.store, account.id, failures=failures,
                                      locked_until=epoch(now) + hold if hold else None)
                    reason = "wrong password" if account.password_hash else "the account has no password yet"
                    self._audit(actor=who, action="auth.sign_in_failed",
                                detail=f"{reason} ({failures} in a row)" + (f"; locked for {hold} s" if hold else ""))
                elif not account.active:
                    refused = True
                    self._audit(actor=who, action="auth.sign_in_failed", detail="refused: the account is disabled")
                else:
                    after_failures = bool(account.failed_sign_ins or account.locked_until)
                    if after_failures:
                        tq.clear_failures(self.store, account.id)
                    session = Session(self.store, clock=self.clock, user_id=account.id, started=now,
                                      idle=self.idle_limit(), password_hash=account.password_hash)
                    actor = actor_of(self.store, account.id, session)
                    if self._records_sign_in(account.id, via=via, now=now, after_failures=after_failures):
                        self._audit(actor=actor, action="auth.sign_in", detail=f"signed in as {actor.role}" +
                                    (f" (via {via})" if via != DESK else ""))
        if refused:
            raise SignInError(SIGN_IN_REFUSED)  # after the commit: the failure and its record stay
        return actor

    def _records_sign_in(self, user_id: int, *, via: str, now: datetime, after_failures: bool) -> bool:
        """Whether this successful sign-in gets its own audit row. A desk's always does; a CLI call's
        does unless the same account's CLI sign-in was recorded less than CLI_SIGN_IN_WINDOW ago, so a
        script running `incident-desk list` in a loop adds one row per window, not one per call. Kept
        whatever the window: every failure, and the success that ends a run of failures."""
        if via != CLI or after_failures:
            return True
        since = epoch(now - CLI_SIGN_IN_WINDOW)
        return not tq.recent_sign_in(self.store, user_id, since=since, detail_suffix=f" (via {CLI})")

    # ---- passwords and accounts --------------------------------------------------------------------

    def change_password(self, *, actor: Actor, current: str, new: str) -> None:
        """The signed-in person's own password, after proving the current one again."""
        if actor.guard is not None:
            actor.guard.check(actor)
        problem = password_problem(new)
        if problem:
            raise ValidationError(problem, field="password")
        hashed = hash_password(new)
        refused = False
        with self.store.write():
            account = tq.account_by_id(self.store, actor.id)
            if account is None or not verify_password(current or "", account.password_hash):
                refused = True
                self._audit(actor=actor, action="auth.password_refused", detail="the current password was wrong")
            else:
                tq.set_password(self.store, actor.id, hashed, now_epoch=epoch(self.clock()))
                self._audit(actor=actor, action="auth.password_changed", detail="changed their own password")
                if isinstance(actor.guard, Session):
                    actor.guard.password_hash = hashed  # this session goes on; others of the account end
        if refused:
            raise SignInError("The current password is wrong; the password was not changed.")

    def reset_password(self, *, actor: Actor, username: str, new: str) -> None:
        """An admin sets someone's password (and lifts a lock); their open sessions end."""
        require(actor, "users.manage")
        problem = password_problem(new)
        if problem:
            raise ValidationError(problem, field="password")
        hashed = hash_password(new)
        with self.store.write():
            account = self._account(username)
            tq.set_password(self.store, account.id, hashed, now_epoch=epoch(self.clock()))
            self._audit(actor=actor, action="auth.password_reset", detail=f"reset the password of {account.username}")

    def set_active(self, *, actor: Actor, username: str, active: bool) -> None:
        """An admin disables (or enables again) an account; a disabled one cannot sign in and its
        sessions end. The last active admin cannot be disabled."""
        require(actor, "users.manage")
        with self.store.write():
            account = self._account(username)
            if not active and account.role == "admin" and account.active and tq.active_admins(self.store) <= 1:
                raise ValidationError(f"{account.username} is the last active admin; make another admin first.",
                                      field="username")
            tq.set_active(self.store, account.id, active)
            self._audit(actor=actor, action="users.enable" if active else "users.disable", detail=account.username)

    def set_role(self, *, actor: Actor, username: str, role: str) -> None:
        require(actor, "users.manage")
        if role not in ROLES:
            raise ValidationError(f"Unknown role '{printable(role)}'; use {', '.join(ROLES)}.", field="role")
        with self.store.write():
            account = self._account(username)
            if account.role == "admin" and role != "admin" and account.active and tq.active_admins(self.store) <= 1:
                raise ValidationError(f"{account.username} is the last active admin; make another admin first.",
                                      field="role")
            tq.set_role(self.store, account.id, role)
            self._audit(actor=actor, action="users.role",
                        detail=f"{account.username}: {account.role} -> {role} ({with_article(role)})")

    def account_state(self, *, actor: Actor, username: str) -> dict:
        require(actor, "users.manage")
        with self.store.read():
            account = self._account(username)
        return {"username": account.username, "role": account.role, "active": account.active,
                "has_password": bool(account.password_hash), "failed_sign_ins": account.failed_sign_ins,
                "locked_until": ts(account.locked_until).isoformat() if account.locked_until else None}

    def _account(self, username: str) -> tq.Account:
        account = tq.account_by_name(self.store, username or "", lock=True)
        if account is None:
            raise NotFoundError(f"There is no user '{printable(username)}'.")
        return account


class _Who:
    """An account named on the audit trail before (or without) it signed in."""

    def __init__(self, user_id: int | None, username: str):
        self.id, self.username = user_id, username


def init_team_database(url: str, *, admin: str, password: str, clock: Clock) -> tuple[Actor, str]:
    """Prepare the team database at ``url`` (its schema, default categories) with ``admin`` as the first
    admin who signs in; returns the admin and the database's name for people (no password in it)."""
    from incident_desk.services.settings import SettingsService
    from incident_desk.storage.database import open_database
    problem = password_problem(password)
    if problem:
        raise ValidationError(problem + " Nothing was written.", field="password")
    store = open_database(url)  # migrations: an empty database gets the whole schema
    try:
        if not store.is_team:
            raise ValidationError("Only a team (PostgreSQL) database has accounts that sign in.", field="db")
        actor = SignInService(store, clock=clock).initialise(admin=admin, password=password)
        SettingsService(store, clock=clock).ensure_defaults()
        return actor, store.display_name
    finally:
        store.close()

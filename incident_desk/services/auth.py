"""Users, roles and permission checks (enforced here, not only in the UI)."""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass, field
from typing import Any

from incident_desk.domain.incident import DomainError, clean_line
from incident_desk.domain.text import printable
from incident_desk.services.audit import AuditEntry, AuditLog
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.migrations import LOCAL_ACCOUNT_KEY

# viewer: reads and charts only (team mode); the others as before.
ROLES = ("viewer", "agent", "lead", "admin")
_RANK = {role: n for n, role in enumerate(ROLES)}

# The least role each action needs.
PERMISSIONS = {
    "incident.log": "agent",
    "incident.edit": "agent",
    "incident.assign": "agent",
    "incident.transition": "agent",
    "incident.comment": "agent",
    "incident.link": "agent",
    "incident.watch": "agent",
    "incident.close": "lead",
    "incident.cancel": "lead",
    "incident.override_priority": "lead",
    "incident.edit_closed": "admin",
    "settings.sla": "lead",
    "settings.escalation": "lead",
    "settings.matrix": "admin",
    "settings.categories": "lead",
    "users.manage": "admin",
    "users.act_as": "admin",
    "audit.view": "admin",
    "notifications.others": "admin",
    "escalation.set_time": "admin",
    "metrics.view": "viewer",
    "postmortem.write": "agent",
    "postmortem.approve": "lead",
    "problem.manage": "agent",
    "action.manage": "agent",
    "settings.closure": "lead",
    "data.export_view": "viewer",
    "data.backup": "lead",
    "data.import": "admin",
    "data.export_all": "admin",
    "data.restore": "admin",
    "incident.announce": "agent",
    "incident.major": "lead",
    "service.manage": "lead",
    "service.override": "lead",
    "statuspage.publish": "agent",
    "settings.intake": "lead",
    "oncall.manage": "lead",
}
_ACTION_TEXT = {
    "incident.log": "log incidents",
    "incident.edit": "edit incidents",
    "incident.assign": "assign incidents",
    "incident.transition": "change an incident's status",
    "incident.comment": "comment on incidents",
    "incident.link": "link incidents",
    "incident.watch": "watch incidents",
    "postmortem.write": "write postmortems",
    "problem.manage": "manage problems",
    "action.manage": "manage action items",
    "incident.close": "close incidents",
    "incident.cancel": "cancel incidents",
    "incident.override_priority": "override a priority",
    "incident.edit_closed": "edit a closed or cancelled incident",
    "settings.sla": "change SLA policies",
    "settings.escalation": "change escalation policies",
    "settings.matrix": "change the priority matrix",
    "settings.categories": "change categories",
    "users.manage": "manage users",
    "postmortem.approve": "approve or reopen a postmortem",
    "settings.closure": "change the closure policy",
    "data.backup": "back up the database",
    "data.import": "import incidents (it creates users, teams and categories)",
    "data.export_all": "export the whole database (it holds every user's account)",
    "data.restore": "restore the database from a backup",
    "users.act_as": "act as another user",
    "audit.view": "read the audit log",
    "notifications.others": "read another person's notifications",
    "escalation.set_time": "run escalations at another time than now",
    "incident.major": "mark an incident as major",
    "service.manage": "manage business services",
    "service.override": "override a service's state",
    "settings.intake": "change how monitoring alerts become incidents",
    "oncall.manage": "change on-call rotations and overrides",
}
_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The columns' sizes (storage.tables), checked here so SQLite refuses what PostgreSQL would.
NAME_MAX, EMAIL_MAX, TEAM_MAX = 200, 254, 100


def _line(value: str | None, what: str, limit: int) -> str:
    try:
        return clean_line(value, what=what, limit=limit)
    except DomainError as exc:
        raise ValidationError(str(exc), field=what.replace(" ", "_")) from None


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed to every service call that writes."""

    id: int
    username: str
    display_name: str
    role: str
    team: str | None = None
    # What require() consults besides the role: a signed-in session that may have expired or been
    # ended by an admin (team mode), and where refusals are recorded (the audit trail).
    guard: Any = field(default=None, compare=False, repr=False)

    def can(self, action: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[PERMISSIONS[action]]


def with_article(word: str) -> str:
    """'an admin', 'an agent', 'a lead'."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def require(actor: Actor, action: str) -> None:
    """Refuse ``action`` unless the actor's role allows it (and, signed in, the session still holds);
    a refusal is recorded on the audit trail whatever asked (GUI, CLI, a script)."""
    if actor.guard is not None:
        actor.guard.check(actor)
    if not actor.can(action):
        needed = PERMISSIONS[action]
        above = " or above" if needed != ROLES[-1] else ""
        message = (f"{actor.username} is {with_article(actor.role)}; only {with_article(needed)}{above} may "
                   f"{_ACTION_TEXT.get(action, action.split('.')[-1])}.")
        if actor.guard is not None:
            actor.guard.refused(actor, action, message)
        raise PermissionDenied(message)


class Guard:
    """Records refused actions on the audit trail, after the refused transaction has rolled back
    (a record written inside it would vanish with it). Subclassed by a team sign-in's session."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store, self.clock = store, clock

    def check(self, actor: Actor) -> None:
        """Raise when the actor may no longer act at all (the single-user desk: never)."""

    def refused(self, actor: Actor, action: str, message: str) -> None:
        def record() -> None:
            try:
                with self.store.write():
                    AuditLog(self.store, clock=self.clock).append(actor=actor, action="auth.refused",
                                                                  detail=f"{action}: {message}")
            except Exception:  # noqa: BLE001  (a read-only or unreachable database: the refusal stands)
                pass
        # Team databases only: there each name was proven by a sign-in. The single-user desk's names
        # are not, and its refusals stay what they were (one sentence, nothing written).
        if self.store.is_team and not self.store.read_only:
            self.store.after_transaction(record)


def active_user_id(store: Store, username: str, *, field: str) -> int:
    """The id of an active account, or a ValidationError for ``field`` naming what is wrong."""
    row = repo.user_by_name(store, str(username))
    if row is None:
        raise ValidationError(f"There is no user '{username}'.", field=field)
    if not row.active:
        raise ValidationError(f"The user '{username}' is deactivated.", field=field)
    return row.id


def _actor(store: Store, row, guard: Guard | None = None) -> Actor:
    team = repo.team_by_id(store, row.team_id).name if row.team_id else None
    return Actor(id=row.id, username=row.username, display_name=row.display_name, role=row.role, team=team,
                 guard=guard)


def actor_of(store: Store, user_id: int, guard: Guard | None = None) -> Actor:
    """The Actor of an account by id (a signed-in session's person)."""
    row = repo.user_by_id(store, user_id)
    if row is None:
        raise NotFoundError("The account no longer exists.")
    return _actor(store, row, guard)


class UserService:
    """People and teams; the local desk's own account."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock
        self.guard = Guard(store, clock=clock)

    def local_account(self) -> Actor | None:
        """The account this desk acts as when nobody is named: made once, as an admin named after the
        OS login, at the first start of a new database, and remembered in it. Reads never make one:
        a database with users but no remembered account (one from a release before schema 9 that
        had no admin) has none, and the caller must name an account."""
        # Look before taking the write lock: opening a desk to read must not wait for another writer.
        with self.store.read():
            found = self._remembered_local()
            if found is not None or repo.has_users(self.store) or self.store.read_only:
                return found
        with self.store.write():
            found = self._remembered_local()
            if found is not None or repo.has_users(self.store):
                return found  # another process made it meanwhile
            name = re.sub(r"[^A-Za-z0-9._-]", "", getpass.getuser() or "")[:64].lstrip("._-") or "local"
            now = self.clock()
            row = repo.insert_user(self.store, username=name, display_name=name, email="", role="admin",
                                   team_id=None, now=now)
            repo.set_schema_fact(self.store, LOCAL_ACCOUNT_KEY, str(row.id))
            actor = _actor(self.store, row, self.guard)
            AuditLog(self.store, clock=self.clock).append(
                actor=actor, action="users.add", at=now,
                detail=f"{name} (admin): the local desk's account, made at the first start of this database")
        return actor

    def _remembered_local(self) -> Actor | None:
        value = repo.schema_fact(self.store, LOCAL_ACCOUNT_KEY)
        if value is None:
            return None
        row = repo.user_by_id(self.store, int(value))
        if row is None:
            raise NotFoundError("The local account of this database no longer exists; name one with --user.")
        if not row.active:
            raise PermissionDenied(f"The local account '{row.username}' is deactivated.")
        return _actor(self.store, row, self.guard)

    def desk_actor(self, username: str | None = None) -> Actor:
        """Who a desk opened with ``username`` (or none) acts as. The single-user desk signs nobody in,
        so naming another account is the local admin's choice alone (to see what an agent sees, or to
        script on someone's behalf); an agent's or lead's local desk acts as its own account only."""
        local = self.local_account()
        if not username or (local is not None and username.strip().lower() == local.username.lower()):
            if local is None:
                raise NotFoundError("This database has no local account; name the account to act as with "
                                    "--user NAME (see `incident-desk users list`).")
            return local
        other = self.actor(username)
        if local is not None and not local.can("users.act_as"):
            raise PermissionDenied(f"Only an admin may act as another user; this desk's account "
                                   f"{local.username} is {with_article(local.role)}.")
        return other

    def actor(self, username: str) -> Actor:
        with self.store.read():  # a busy database is then named in the message
            row = repo.user_by_name(self.store, username)
        if row is None:
            raise NotFoundError(f"There is no user '{username}'; see `incident-desk users list`.")
        if not row.active:
            raise PermissionDenied(f"The account '{username}' is deactivated.")
        return _actor(self.store, row, self.guard)

    def add_user(self, *, actor: Actor, username: str, display_name: str = "", email: str = "",
                 role: str = "agent", team: str | None = None, manager_on_duty: bool = False,
                 lead_of: str | None = None, password: str | None = None) -> Actor:
        """A new account, all or nothing: every part is checked before anything is written, and the
        audit log records it in the same transaction."""
        require(actor, "users.manage")
        username = (username or "").strip()
        if not _USERNAME_RE.match(username):
            raise ValidationError(
                f"'{printable(username)}' is not a valid username; use letters, digits, '.', '_' or '-' (max 64).",
                field="username")
        if role not in ROLES:
            raise ValidationError(f"Unknown role '{printable(role)}'; use viewer, agent, lead or admin.", field="role")
        display_name = _line(display_name, "display name", NAME_MAX) or username
        email = _line(email, "e-mail address", EMAIL_MAX)
        if email and "@" not in email:
            raise ValidationError(f"'{printable(email)}' is not an e-mail address.", field="email")
        team = _line(team, "team name", TEAM_MAX) or None
        lead_of = _line(lead_of, "team name", TEAM_MAX) or None
        password_hash = None
        if password is not None:
            from incident_desk.services.passwords import hash_password, password_problem
            problem = password_problem(password)
            if problem:
                raise ValidationError(problem, field="password")
            password_hash = hash_password(password)
        with self.store.write():
            if repo.user_by_name(self.store, username):
                raise ValidationError(f"The username '{username}' is taken.", field="username")
            lead_team = None
            if lead_of:
                lead_team = repo.team_by_name(self.store, lead_of)
                if lead_team is None and (team is None or team.lower() != lead_of.lower()):
                    raise NotFoundError(f"There is no team '{printable(lead_of)}'.")
            team_id = None
            if team:
                row = repo.team_by_name(self.store, team) or repo.insert_team(self.store, team)
                team_id = row.id
                if lead_team is None and lead_of:
                    lead_team = row  # --team X --lead-of X: the team made just now
            user = repo.insert_user(self.store, username=username, display_name=display_name,
                                    email=email, role=role, team_id=team_id, now=self.clock(),
                                    is_manager_on_duty=manager_on_duty)
            if lead_team is not None:
                repo.set_team_lead(self.store, lead_team.id, user.id)
            if password_hash is not None:
                from incident_desk.storage import team_queries as tq
                from incident_desk.storage.queries import epoch
                tq.set_password(self.store, user.id, password_hash, now_epoch=epoch(self.clock()))
            detail = f"{username} ({role})" + (f", team {team}" if team else "") + \
                (f", lead of {lead_team.name}" if lead_team is not None else "") + \
                (", manager on duty" if manager_on_duty else "")
            AuditLog(self.store, clock=self.clock).append(actor=actor, action="users.add", detail=detail)
        return _actor(self.store, user, self.guard)

    def set_team_lead(self, *, actor: Actor, team: str, username: str) -> None:
        require(actor, "users.manage")
        with self.store.write():
            team_row = repo.team_by_name(self.store, team)
            if team_row is None:
                raise NotFoundError(f"There is no team '{printable(team)}'.")
            user = repo.user_by_name(self.store, username)
            if user is None:
                raise NotFoundError(f"There is no user '{printable(username)}'.")
            repo.set_team_lead(self.store, team_row.id, user.id)
            AuditLog(self.store, clock=self.clock).append(
                actor=actor, action="teams.set_lead", detail=f"{user.username} leads {team_row.name}")

    def audit(self, *, actor: Actor, limit: int = 100, action: str | None = None, who: str | None = None,
              since=None, until=None) -> list[AuditEntry]:
        """The audit log, newest first (admins only). ``action`` is an exact name ('auth.sign_in') or a
        family ending in a dot ('auth.'); ``who`` the acting account's name; [since, until) a span."""
        require(actor, "audit.view")
        return AuditLog(self.store, clock=self.clock).entries(limit=limit, action=action, who=who, since=since,
                                                              until=until)

    def list_users(self) -> list[dict]:
        out = []
        for row in repo.list_users(self.store):
            out.append({"username": row.username, "display_name": row.display_name, "email": row.email,
                        "role": row.role, "team": row.team.name if row.team_id else None,
                        "active": bool(row.active), "manager_on_duty": bool(row.is_manager_on_duty)})
        return out

    def list_teams(self) -> list[dict]:
        users = {u.id: u.username for u in repo.list_users(self.store)}
        return [{"name": t.name, "lead": users.get(t.lead_id)} for t in repo.list_teams(self.store)]

    # In a read transaction: on a team server, a dropped connection is then one sentence (StorageError)
    # and replaced at the next read, not a driver error in the window.
    def usernames(self) -> list[str]:
        with self.store.read():
            return [u.username for u in repo.list_users(self.store, active_only=True)]

    def team_names(self) -> list[str]:
        with self.store.read():
            return [t.name for t in repo.list_teams(self.store)]

"""Users, roles and permission checks (enforced here, not only in the UI)."""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass

from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, PermissionDenied, ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store

ROLES = ("agent", "lead", "admin")
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
    "metrics.view": "agent",
    "postmortem.write": "agent",
    "postmortem.approve": "lead",
    "problem.manage": "agent",
    "action.manage": "agent",
    "settings.closure": "lead",
    "data.export_view": "agent",
    "data.backup": "lead",
    "data.import": "admin",
    "data.export_all": "admin",
    "data.restore": "admin",
}
_ACTION_TEXT = {
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
}
_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed to every service call that writes."""

    id: int
    username: str
    display_name: str
    role: str
    team: str | None = None

    def can(self, action: str) -> bool:
        return _RANK[self.role] >= _RANK[PERMISSIONS[action]]


def require(actor: Actor, action: str) -> None:
    if not actor.can(action):
        needed = PERMISSIONS[action]
        raise PermissionDenied(
            f"{actor.username} is an {actor.role}; only a {needed} or above may "
            f"{_ACTION_TEXT.get(action, action.split('.')[-1])}.")


def active_user_id(store: Store, username: str, *, field: str) -> int:
    """The id of an active account, or a ValidationError for ``field`` naming what is wrong."""
    row = repo.user_by_name(store, str(username))
    if row is None:
        raise ValidationError(f"There is no user '{username}'.", field=field)
    if not row.active:
        raise ValidationError(f"The user '{username}' is deactivated.", field=field)
    return row.id


def _actor(store: Store, row) -> Actor:
    team = repo.team_by_id(store, row.team_id).name if row.team_id else None
    return Actor(id=row.id, username=row.username, display_name=row.display_name, role=row.role, team=team)


class UserService:
    """People and teams; the local desk's own account."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    def local_actor(self) -> Actor:
        """The single-user desk signs nobody in: the OS user gets an admin account."""
        name = re.sub(r"[^A-Za-z0-9._-]", "", getpass.getuser() or "") or "local"
        # Look before taking the write lock: opening a desk to read must not wait for another writer.
        with self.store.read():
            row = repo.user_by_name(self.store, name)
        if row is None or row.role != "admin":
            with self.store.write():
                row = repo.user_by_name(self.store, name)
                if row is None:
                    row = repo.insert_user(self.store, username=name, display_name=name, email="", role="admin",
                                           team_id=None, now=self.clock())
                elif row.role != "admin" and not repo.list_users(self.store):
                    repo.update_user(self.store, row.id, role="admin")
        return _actor(self.store, repo.user_by_id(self.store, row.id))

    def actor(self, username: str) -> Actor:
        row = repo.user_by_name(self.store, username)
        if row is None:
            raise NotFoundError(f"There is no user '{username}'; see `incident-desk users list`.")
        if not row.active:
            raise PermissionDenied(f"The account '{username}' is deactivated.")
        return _actor(self.store, row)

    def add_user(self, *, actor: Actor, username: str, display_name: str = "", email: str = "",
                 role: str = "agent", team: str | None = None, manager_on_duty: bool = False) -> Actor:
        require(actor, "users.manage")
        username = (username or "").strip()
        if not _USERNAME_RE.match(username):
            raise ValidationError(
                f"'{username}' is not a valid username; use letters, digits, '.', '_' or '-' (max 64).",
                field="username")
        if role not in ROLES:
            raise ValidationError(f"Unknown role '{role}'; use agent, lead or admin.", field="role")
        if email and "@" not in email:
            raise ValidationError(f"'{email}' is not an e-mail address.", field="email")
        with self.store.write():
            if repo.user_by_name(self.store, username):
                raise ValidationError(f"The username '{username}' is taken.", field="username")
            team_id = None
            if team:
                row = repo.team_by_name(self.store, team) or repo.insert_team(self.store, team.strip())
                team_id = row.id
            user = repo.insert_user(self.store, username=username, display_name=display_name.strip() or username,
                                    email=email.strip(), role=role, team_id=team_id, now=self.clock(),
                                    is_manager_on_duty=manager_on_duty)
        return _actor(self.store, user)

    def set_team_lead(self, *, actor: Actor, team: str, username: str) -> None:
        require(actor, "users.manage")
        with self.store.write():
            team_row = repo.team_by_name(self.store, team)
            if team_row is None:
                raise NotFoundError(f"There is no team '{team}'.")
            user = repo.user_by_name(self.store, username)
            if user is None:
                raise NotFoundError(f"There is no user '{username}'.")
            repo.set_team_lead(self.store, team_row.id, user.id)

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

    def usernames(self) -> list[str]:
        return [u.username for u in repo.list_users(self.store, active_only=True)]

    def team_names(self) -> list[str]:
        return [t.name for t in repo.list_teams(self.store)]

"""The audit log of the desk itself: who did what, when (accounts, sign-ins, refusals); append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage import team_queries as tq
from incident_desk.storage.database import Store
from incident_desk.storage.queries import epoch, ts

MAX_ENTRIES = 1000
DETAIL_MAX = 2000


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str | None
    action: str
    detail: str

    def to_dict(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "detail": self.detail}


class AuditLog:
    """Appends inside the caller's write transaction, so a record commits with what it records."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    def append(self, *, actor, action: str, detail: str = "", at: datetime | None = None) -> None:
        """Record ``action`` (a dotted name such as 'users.add') by ``actor`` (an Actor or None for the
        desk itself); call inside ``store.write()``."""
        repo.insert_audit(self.store, at=at or self.clock(), actor_id=getattr(actor, "id", None),
                          actor_name=getattr(actor, "username", None), action=action,
                          detail=detail[:DETAIL_MAX])

    def entries(self, *, limit: int = 100, action: str | None = None, who: str | None = None,
                since: datetime | None = None, until: datetime | None = None) -> list[AuditEntry]:
        """Newest first; permission is the caller's (UserService.audit checks it). ``action`` ending in
        '.' means every action of that family ('auth.')."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ENTRIES:
            raise ValidationError(f"The limit must be between 1 and {MAX_ENTRIES}.", field="limit")
        if since is not None and until is not None and until <= since:
            raise ValidationError("The end of the span must be after its start.", field="until")
        action = (action or "").strip() or None
        exact = (action,) if action and not action.endswith(".") else ()
        prefix = action if action and action.endswith(".") else None
        with self.store.read():
            rows = tq.audit_rows(self.store, limit=limit, actions=exact, prefix=prefix, actor=who or None,
                                 since=epoch(since), until=epoch(until))
        return [AuditEntry(id=r[0], at=ts(r[1]), actor=r[2], action=r[3], detail=r[4] or "") for r in rows]

"""The audit log of the desk itself: who did what, when (accounts now, sign-ins later); append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store
from incident_desk.storage.queries import ts

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

    def entries(self, *, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
        """Newest first; permission is the caller's (UserService.audit checks it)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ENTRIES:
            raise ValidationError(f"The limit must be between 1 and {MAX_ENTRIES}.", field="limit")
        return [AuditEntry(id=r[0], at=ts(r[1]), actor=r[2], action=r[3], detail=r[4] or "")
                for r in repo.audit_rows(self.store, limit=limit, action=action)]

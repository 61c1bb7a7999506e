"""Change feed: tells the UI when another connection or process committed to the database."""

from __future__ import annotations

from incident_desk.storage.database import Store


class ChangeFeed:
    """Polls SQLite's ``PRAGMA data_version`` on one connection.

    The value moves only when *another* connection commits, so this window's own writes (already
    announced on the event bus) never trigger a second refresh. On PostgreSQL ``poll`` returns
    False until LISTEN/NOTIFY arrives with the team-server stage.
    """

    def __init__(self, store: Store):
        self.store = store
        self._last: int | None = None

    @property
    def supported(self) -> bool:
        return self.store.is_sqlite

    def poll(self) -> bool:
        """True when another connection committed since the previous poll (never on the first)."""
        if not self.supported:
            return False
        version = self.store.data_version()
        changed = self._last is not None and version != self._last
        self._last = version
        return changed

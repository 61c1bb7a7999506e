"""Change feed: tells the UI when another connection or process committed to the database."""

from __future__ import annotations

from collections.abc import Callable

from incident_desk.storage.database import Store
from incident_desk.storage.listen import ChangeListener


class ChangeFeed:
    """Polls SQLite's ``PRAGMA data_version`` on one connection.

    The value moves only when *another* connection commits, so this window's own writes (already
    announced on the event bus) never trigger a second refresh. On a team database (PostgreSQL)
    ``listener`` LISTENs instead: its socket goes into the caller's event loop, and ``drain`` names
    the tables other desks committed to.
    """

    def __init__(self, store: Store):
        self.store = store
        self._last: int | None = None
        self.listener = ChangeListener(store) if store.is_team else None

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

    def listen(self) -> int:
        """Connect the team database's listener; its socket (StorageError when the server is away)."""
        return self.listener.connect()

    def drain(self) -> list[str]:
        """Tables other desks changed since the last drain (StorageError when the connection is lost)."""
        return self.listener.drain()

    def revive(self) -> None:
        """After the server came back: this thread's connection is replaced if the server dropped it."""
        self.store.ping()

    def forget_connection(self) -> None:
        """After the server came back, on a thread that must not wait on the network (the GUI's): its
        connection is dropped, and the next read connects afresh."""
        self.store.drop_connection()

    def watch_connection(self, watcher) -> Callable[[], None]:
        """``watcher(error)`` runs (on the thread that noticed) whenever a query finds the team server
        gone; returns the function that stops it. Never called for a SQLite desk."""
        return self.store.watch_connection(watcher)

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()

"""A dedicated PostgreSQL connection that LISTENs for other desks' commits (the triggers of schema 12)."""

from __future__ import annotations

from incident_desk.storage.database import CONNECT_TIMEOUT_S, StorageError, Store, translate_error
from incident_desk.storage.migrations.m012_team import NOTIFY_CHANNEL


class ChangeListener:
    """Not thread-bound: connect on any thread, then ``fileno`` goes into an event loop (the window's
    QSocketNotifier) and ``drain`` runs when the socket is readable. Nothing here polls."""

    def __init__(self, store: Store):
        self.store = store
        self._conn = None

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def connect(self) -> int:
        """Open the connection and LISTEN; returns its socket. StorageError when the server is away."""
        import psycopg2
        self.close()
        params = dict(self.store.db.connect_params)
        params["application_name"] = f"{self.store.client_id} listen"
        params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        try:
            conn = psycopg2.connect(dbname=self.store.db.database, **params)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except psycopg2.Error as exc:
            raise translate_error(exc, self.store) from exc
        self._conn = conn
        return conn.fileno()

    def drain(self) -> list[str]:
        """The tables other connections committed to since the last call (each named once), read
        without blocking. StorageError when the connection is gone (the server stopped or dropped it)."""
        import psycopg2
        if self._conn is None:
            raise StorageError("The change listener is not connected.")
        try:
            self._conn.poll()
        except psycopg2.Error as exc:
            self.close()
            raise translate_error(exc, self.store) from exc
        tables: list[str] = []
        mine = self.store.client_id
        for note in self._conn.notifies:
            table, _, writer = note.payload.partition(" ")
            # This desk's own commits are already on its event bus; with no id (another tool), count it.
            if writer == mine or table in tables:
                continue
            tables.append(table)
        self._conn.notifies.clear()
        return tables

    def drain_writers(self, table: str = "event") -> dict[str, int]:
        """How many commits to ``table`` each other connection made since the last drain (one
        notification per committed transaction, in commit order): what a benchmark times."""
        import psycopg2
        try:
            self._conn.poll()
        except psycopg2.Error as exc:
            self.close()
            raise translate_error(exc, self.store) from exc
        counts: dict[str, int] = {}
        for note in self._conn.notifies:
            name, _, writer = note.payload.partition(" ")
            if name == table and writer != self.store.client_id:
                counts[writer] = counts.get(writer, 0) + 1
        self._conn.notifies.clear()
        return counts

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001  (closing a dead connection)
                pass
            self._conn = None

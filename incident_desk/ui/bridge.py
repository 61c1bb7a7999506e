"""Turns service events and other connections' commits into Qt signals for the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot

from incident_desk.services.changes import ChangeFeed
from incident_desk.services.desk import Desk
from incident_desk.services.events import Change
from incident_desk.ui.ops import ops_for

POLL_INTERVAL_MS = 1000
# Reconnecting to a team server that went away: the waits between attempts, then the last one repeated.
RECONNECT_BACKOFF_MS = (500, 1000, 2000, 4000, 8000, 15000)


class DeskBridge(QObject):
    """One per open desk: widgets listen here instead of to the services directly."""

    sig_incident_changed = Signal(str, str)
    """This process committed a change to the incident (key, kind: logged, edited, transitioned...)."""
    sig_database_changed = Signal()
    """Another process (or another desk on this database) committed; views should re-read."""
    sig_data_changed = Signal()
    """Either of the above: the cheapest hook for 'something may look different now'."""
    sig_connection_changed = Signal(bool, str)
    """Team database: the server went away (False, why) or is back (True, ''); views then catch up."""
    sig_tables_changed = Signal(list)
    """Team database: the tables other desks committed to (before sig_database_changed)."""
    sig_query_lost_connection = Signal(str)
    """Team database: a read or write (on any thread) found the server gone; queued to the GUI thread."""

    def __init__(self, desk: Desk, parent: QObject | None = None, *, poll_ms: int = POLL_INTERVAL_MS):
        super().__init__(parent)
        self.desk = desk
        # The feed is read on the desk's writer thread: SQLite's data_version moves for commits of any
        # other connection, and this window's own writes (already on the event bus) are made on that
        # thread's connection, so they never count twice.
        self.ops = ops_for(desk)
        self.feed = ChangeFeed(desk.store)
        self._polling = False
        self._unsubscribe = desk.bus.subscribe(self._on_bus_change)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_poll)
        # Team database: a LISTEN connection whose socket wakes the event loop (no polling).
        self._notifier: QSocketNotifier | None = None
        self._attempt = 0
        self._stopped = False
        self._verifying = False
        self.connected = True
        self.lost_reason = ""
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._on_reconnect_due)
        # A read of the table, the counts, the open incident or the inbox may be the first to find the
        # server gone (the listener's socket may not hear of it for seconds): the same state at once.
        self.sig_query_lost_connection.connect(self._on_query_lost_connection)
        self._unwatch = self.feed.watch_connection(lambda exc: self.sig_query_lost_connection.emit(str(exc)))
        if self.feed.supported:
            self.ops.write(self.feed.poll, background=True)  # the baseline: the first tick reports nothing
            self._timer.start()
        elif self.feed.listener is not None:
            self._listen()

    # ---- team database: LISTEN/NOTIFY ----------------------------------------------------------------

    def _listen(self) -> None:
        # Connecting may wait on the network: on the reader thread, never the GUI thread.
        self.ops.read(self.feed.listen, on_done=self._on_listening, on_error=self._on_listen_failed)

    def _on_listening(self, fileno: int) -> None:
        if self._stopped:
            self.feed.close()
            return
        self._notifier = QSocketNotifier(fileno, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_socket_ready)
        self._attempt = 0
        if not self.connected:
            self.connected, self.lost_reason = True, ""
            self.feed.forget_connection()  # the GUI thread's own: reconnects on its next read
            # Back: the writer's and reader's connections are replaced if the server dropped them, then
            # every view reads again what it missed.
            self.ops.write(self.feed.revive, background=True, on_error=lambda _e: None)
            self.ops.read(self.feed.revive, on_done=lambda _r: self._catch_up(), on_error=lambda _e: self._catch_up())
            self.sig_connection_changed.emit(True, "")

    def _catch_up(self) -> None:
        self.sig_database_changed.emit()
        self.sig_data_changed.emit()

    def _on_listen_failed(self, exc: BaseException) -> None:
        self._lost(str(exc))

    @Slot()
    def _on_socket_ready(self) -> None:
        try:
            tables = self.feed.drain()
        except Exception as exc:  # noqa: BLE001  (the server went away: said, then retried)
            self._drop_notifier()
            self._lost(str(exc))
            return
        if tables:
            self.sig_tables_changed.emit(tables)
            self.sig_database_changed.emit()
            self.sig_data_changed.emit()

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    def _lost(self, reason: str) -> None:
        if self._stopped:
            return
        if self.connected:
            self.connected, self.lost_reason = False, reason
            self.sig_connection_changed.emit(False, reason)
        delay = RECONNECT_BACKOFF_MS[min(self._attempt, len(RECONNECT_BACKOFF_MS) - 1)]
        self._attempt += 1
        self._retry.start(delay)

    @property
    def connection_in_doubt(self) -> bool:
        """The server is away (the window says so) or being asked whether it is: a read that failed now
        needs no message of its own."""
        return not self.connected or self._verifying

    @Slot(str)
    def _on_query_lost_connection(self, _reason: str) -> None:
        if self._stopped or not self.connected or self._verifying or self.ops.is_closed():
            return  # already reconnecting (the listener's attempts bring it back), or already checking
        # The connection that failed may only have been dropped by the server long ago (a restart the
        # listener has survived, an idle-session limit): ask the server before saying it is gone.
        self._verifying = True
        self.ops.read(self.feed.revive, on_done=self._on_server_answered, on_error=self._on_server_silent)

    def _on_server_answered(self, _result) -> None:
        self._verifying = False
        self._catch_up()  # the server is there: what failed on a stale connection is read again

    def _on_server_silent(self, exc: BaseException) -> None:
        self._verifying = False
        if self._stopped or not self.connected:
            return
        self._drop_notifier()
        self._lost(str(exc))

    @Slot()
    def _on_reconnect_due(self) -> None:
        if not self._stopped and not self.ops.is_closed():
            self._listen()

    def _on_bus_change(self, change: Change) -> None:
        # Services may publish from any thread; emitting a signal is safe and arrives queued.
        self.sig_incident_changed.emit(change.key or "", change.kind)
        self.sig_data_changed.emit()

    @Slot()
    def _on_poll(self) -> None:
        if self.ops.is_closed():
            self._timer.stop()  # the desk is closing
            return
        if self._polling:
            return  # the writer is busy (a long write, a lock): one poll in the queue is enough
        self._polling = True
        self.ops.write(self.feed.poll, on_done=self._on_polled, on_error=self._on_poll_failed, background=True)

    def _on_polled(self, changed: bool) -> None:
        self._polling = False
        if changed:
            self.sig_database_changed.emit()
            self.sig_data_changed.emit()

    def _on_poll_failed(self, _exc: BaseException) -> None:
        self._polling = False  # a locked or vanished file must not stop the polling

    def poll_now(self) -> bool:
        """Check for other connections' commits at once (after a resume, or from tests)."""
        changed = bool(self.ops.run_write(self.feed.poll))
        if changed:
            self.sig_database_changed.emit()
            self.sig_data_changed.emit()
        return changed

    def stop(self) -> None:
        """Stop listening and polling; the window's shutdown and the app's both call it, once counts."""
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        self._retry.stop()
        self._drop_notifier()
        self._unwatch()
        self.feed.close()
        self._unsubscribe()

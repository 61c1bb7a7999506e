"""Turns service events and other connections' commits into Qt signals for the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from incident_desk.services.changes import ChangeFeed
from incident_desk.services.desk import Desk
from incident_desk.services.events import Change
from incident_desk.ui.ops import ops_for

POLL_INTERVAL_MS = 1000


class DeskBridge(QObject):
    """One per open desk: widgets listen here instead of to the services directly."""

    sig_incident_changed = Signal(str, str)
    """This process committed a change to the incident (key, kind: logged, edited, transitioned...)."""
    sig_database_changed = Signal()
    """Another process (or another desk on this database) committed; views should re-read."""
    sig_data_changed = Signal()
    """Either of the above: the cheapest hook for 'something may look different now'."""

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
        if self.feed.supported:
            self.ops.write(self.feed.poll, background=True)  # the baseline: the first tick reports nothing
            self._timer.start()

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
        self._timer.stop()
        self._unsubscribe()

"""Turns service events and other processes' commits into Qt signals for the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from incident_desk.services.changes import ChangeFeed
from incident_desk.services.desk import Desk
from incident_desk.services.events import Change

POLL_INTERVAL_MS = 1000


class DeskBridge(QObject):
    """One per open desk: widgets listen here instead of to the services directly."""

    sig_incident_changed = Signal(str, str)
    """This process committed a change to the incident (key, kind: logged, edited, transitioned...)."""
    sig_database_changed = Signal()
    """Another connection or process committed to the database; views should re-read."""
    sig_data_changed = Signal()
    """Either of the above: the cheapest hook for 'something may look different now'."""

    def __init__(self, desk: Desk, parent: QObject | None = None, *, poll_ms: int = POLL_INTERVAL_MS):
        super().__init__(parent)
        self.desk = desk
        self.feed = ChangeFeed(desk.store)
        self._unsubscribe = desk.bus.subscribe(self._on_bus_change)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_poll)
        if self.feed.supported:
            self.feed.poll()  # the baseline, so the first tick does not report a change
            self._timer.start()

    def _on_bus_change(self, change: Change) -> None:
        # Services may publish from any thread; emitting a signal is safe and arrives queued.
        self.sig_incident_changed.emit(change.key or "", change.kind)
        self.sig_data_changed.emit()

    @Slot()
    def _on_poll(self) -> None:
        try:
            changed = self.feed.poll()
        except Exception:  # noqa: BLE001 - a locked or vanished file must not kill the timer
            return
        if changed:
            self.sig_database_changed.emit()
            self.sig_data_changed.emit()

    def poll_now(self) -> bool:
        """Check for other processes' commits at once (after a resume, or from tests)."""
        changed = self.feed.poll()
        if changed:
            self.sig_database_changed.emit()
            self.sig_data_changed.emit()
        return changed

    def stop(self) -> None:
        self._timer.stop()
        self._unsubscribe()

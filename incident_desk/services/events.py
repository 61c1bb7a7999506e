"""A small in-process event bus: services announce committed changes, the UI bridge listens."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """Something committed: ``kind`` is e.g. 'logged', 'edited', 'transitioned', 'commented'."""

    kind: str
    incident_id: int | None = None
    key: str | None = None
    actor: str | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)


class EventBus:
    def __init__(self):
        self._listeners: list[Callable[[Change], None]] = []
        self._held = threading.local()

    @contextmanager
    def held(self):
        """Changes this thread publishes inside are told only when the block ends without an error (after
        the caller's transaction committed); on an error they are dropped, as their writes were."""
        outer = getattr(self._held, "changes", None)
        self._held.changes = changes = []
        try:
            yield changes  # a caller may drop the tail it rolled back to a savepoint
        except BaseException:
            self._held.changes = outer
            raise
        self._held.changes = outer
        for change in changes:
            self.publish(change)

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, change: Change) -> None:
        held = getattr(self._held, "changes", None)
        if held is not None:
            held.append(change)
            return
        # A broken listener must not undo a committed change or stop the others hearing of it.
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # noqa: BLE001
                log.exception("listener failed for %s", change)

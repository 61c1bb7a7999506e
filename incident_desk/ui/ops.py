"""Background work of one desk: writes in order on its writer thread, results back on the GUI thread."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QEventLoop, QObject, QTimer, Signal, Slot

from incident_desk.services.errors import StorageError
from incident_desk.ui.i18n import translate
from incident_desk.ui.workers import WorkerPool

# A write still running after this long is waiting for something (another program's lock, a slow
# server): say so, so a window that keeps painting does not look as if it ignored the click.
WAITING_AFTER_MS = 400
WAITING_TEXT = QT_TRANSLATE_NOOP("Ops", "Waiting for the database (another program may be writing to it)…")
CLOSING_TEXT = "The desk is closing; nothing more is read from it."


class DeskOps(QObject):
    """One per open desk (see :func:`ops_for`), in the spirit of Anki's CollectionOp and QueryOp.

    Every write of the window runs on one writer thread, in the order asked, so a database that is
    locked by another program or a server far away never freezes the GUI thread. ``run_write`` waits
    for the result with the event loop running (the window paints, typing goes on, timers fire) and
    returns it, or raises the write's own error on the GUI thread; ``write`` hands the result to
    callbacks. Reads that may cross a network (PostgreSQL) go through ``run_read`` the same way; a
    local SQLite read never waits on a writer (WAL), so it runs where it is asked."""

    sig_waiting_changed = Signal(str)
    """A write has waited longer than WAITING_AFTER_MS (the text says for what), or '' when none waits."""

    def __init__(self, desk, parent: QObject | None = None):
        super().__init__(parent)
        # Not the desk itself: the registry holds DeskOps by a weak reference to its desk.
        self._desk_ref = weakref.ref(desk)
        self.store = desk.store
        close = desk.store.db.close  # each pool thread closes its own connection when the pool closes
        self._writer = WorkerPool(self, max_threads=1, name="desk-write", on_thread_exit=close, drain_on_close=True)
        self._reader = WorkerPool(self, max_threads=1, name="desk-net-read", on_thread_exit=close)
        self._running = 0
        self._waiting = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(WAITING_AFTER_MS)
        self._timer.timeout.connect(self._on_slow)
        self._closed = False
        self._read_waits: list[tuple[dict, QEventLoop]] = []  # run_read calls waiting for their answer

    # ---- writes ------------------------------------------------------------------------------------

    def write(self, fn: Callable[[], Any], *, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None, background: bool = False) -> None:
        """Queue ``fn`` on the writer thread; the callbacks run on the GUI thread. ``background`` work
        (escalation scans, alert claims) nobody is waiting for is never announced as waiting."""
        if self._closed:
            raise RuntimeError("the desk is closing; nothing more is written")
        if not background:
            self._started()

        def done(result):
            if not background:
                self._finished()
            if on_done is not None:
                on_done(result)

        def failed(exc):
            if not background:
                self._finished()
            if on_error is not None:
                on_error(exc)

        self._writer.submit(fn, on_done=done, on_error=failed)

    def run_write(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the writer thread and wait with the event loop running; its result, or its error.
        As with run_read, a window closed meanwhile stays until the caller has shown the outcome in it."""
        with _held_deletes():
            return self._wait(lambda done, failed: self.write(fn, on_done=done, on_error=failed))

    def is_writing(self) -> bool:
        return self._running > 0

    def is_closed(self) -> bool:
        return self._closed

    # ---- reads -------------------------------------------------------------------------------------

    @property
    def reads_cross_network(self) -> bool:
        return not self.store.is_sqlite

    def run_read(self, fn: Callable[[], Any]) -> Any:
        """``fn()``; on a network database on the reader thread, waiting with the event loop running."""
        if not self.reads_cross_network:
            return fn()
        if self._closed:  # the reader takes no more work: waiting for it would never end
            raise StorageError(CLOSING_TEXT)
        # While it waits the user may close the window that asked (or the read's dialog): its widgets stay
        # until the caller, which goes on to show the answer in them, has returned (see _HeldDeletes).
        with _held_deletes():
            return self._wait(lambda done, failed: self._reader.submit(fn, on_done=done, on_error=failed),
                              waits=self._read_waits)

    def read(self, fn: Callable[[], Any], *, on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None] | None = None) -> None:
        """``fn`` on the reader thread, whatever the backend; the callbacks run on the GUI thread, unless
        the QObject whose methods they are was deleted meanwhile (its window closed): then nobody hears."""
        self._reader.submit(fn, on_done=_unless_gone(on_done), on_error=_unless_gone(on_error))

    # ---- life --------------------------------------------------------------------------------------

    def wait_idle(self, msecs: int = 10_000) -> bool:
        """Block until the queued writes are done (tests, shutdown); callbacks still need events."""
        return self._writer.wait_idle(msecs)

    def shutdown(self) -> None:
        """Finish the queued writes, close the threads' connections; nothing more is accepted."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        # A read the GUI thread waits for would never be answered now (the reader drops its callbacks):
        # end each wait with an error its caller already handles, instead of leaving it waiting forever.
        for outcome, loop in list(self._read_waits):
            outcome.setdefault("error", StorageError(CLOSING_TEXT))
            loop.quit()
        self._writer.close()
        self._reader.close()
        desk = self._desk_ref()
        if desk is not None and _REGISTRY.get(desk) is self:
            del _REGISTRY[desk]

    # ---- inside ------------------------------------------------------------------------------------

    @staticmethod
    def _wait(start: Callable[[Callable, Callable], None], *, waits: list | None = None) -> Any:
        outcome: dict[str, Any] = {}
        loop = QEventLoop()

        def done(result):
            outcome.setdefault("result", result)
            loop.quit()

        def failed(exc):
            outcome.setdefault("error", exc)
            loop.quit()

        start(done, failed)
        if not outcome:  # the answer comes through the event loop, never before it runs
            entry = (outcome, loop)
            if waits is not None:
                waits.append(entry)
            try:
                loop.exec()
            finally:
                if waits is not None:
                    waits.remove(entry)
        if not outcome and waits is not None:
            # The application quit every event loop (QCoreApplication.exit) before the read was answered.
            raise StorageError(CLOSING_TEXT)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    def _started(self) -> None:
        self._running += 1
        if self._running == 1:
            self._timer.start()

    def _finished(self) -> None:
        self._running -= 1
        if self._running == 0:
            self._timer.stop()
            if self._waiting:
                self._waiting = False
                self.sig_waiting_changed.emit("")

    @Slot()
    def _on_slow(self) -> None:
        if self._running and not self._waiting:
            self._waiting = True
            self.sig_waiting_changed.emit(translate("Ops", WAITING_TEXT))


class _HeldDeletes(QObject):
    """While run_read waits in its event loop, the objects asked to be deleted then (Qt deletes a window
    closed with WA_DeleteOnClose, or anything given to deleteLater, inside that nested loop) stay until
    the outermost wait has ended and its caller has returned to the event loop: the caller goes on to
    show the answer in its widgets, which must still exist. Then they are deleted, as Qt would have."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.held: list[QObject] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.DeferredDelete:
            self.held.append(obj)
            return True  # Qt remembers deleteLater was asked: it is deleted below, not asked again
        return False

    def begin(self) -> None:
        self.depth += 1
        if self.depth == 1:
            QCoreApplication.instance().installEventFilter(self)

    def end(self) -> None:
        self.depth -= 1
        if self.depth:
            return
        QCoreApplication.instance().removeEventFilter(self)
        if self.held:
            held, self.held = self.held, []
            # Queued, so it runs once the caller has returned to the event loop.
            QTimer.singleShot(0, self, lambda: self._delete(held))

    @staticmethod
    def _delete(held: list[QObject]) -> None:
        for obj in held:
            if shiboken6.isValid(obj):  # a parent deleted first took its children with it
                shiboken6.delete(obj)


_HELD: _HeldDeletes | None = None


class _held_deletes:  # noqa: N801 (used as a context manager)
    """Holds deferred deletes for the duration of a ``with`` block on the GUI thread (nested blocks: the outermost)."""

    def __enter__(self) -> None:
        global _HELD
        if _HELD is None:
            _HELD = _HeldDeletes()
        _HELD.begin()

    def __exit__(self, *_exc) -> None:
        _HELD.end()


def _unless_gone(callback: Callable | None) -> Callable | None:
    """``callback``, dropped when it is a method of a QObject that has been deleted by the time it is called."""
    owner = getattr(callback, "__self__", None)
    if not isinstance(owner, QObject):
        return callback

    def call(value):
        if shiboken6.isValid(owner):
            callback(value)
    return call


_REGISTRY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def ops_for(desk) -> DeskOps:
    """The desk's one DeskOps (made on first use): every widget of a desk queues its writes there, so
    they run in the order they were asked, whoever asked."""
    ops = _REGISTRY.get(desk)
    if ops is None:
        ops = DeskOps(desk)
        _REGISTRY[desk] = ops
    return ops


def shutdown_all() -> None:
    """Shut down every desk's DeskOps (the end of the application, or of a test)."""
    for ops in list(_REGISTRY.values()):
        ops.shutdown()

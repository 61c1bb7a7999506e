"""Runs plain functions on a few long-lived threads and delivers results or errors on the GUI thread."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


class _Carrier(QObject):
    """Lives on the GUI thread, so signals emitted from the pool arrive there (queued)."""

    sig_finished = Signal(object)
    """The function returned this value."""
    sig_failed = Signal(object)
    """The function raised this exception."""


class WorkerPool(QObject):
    """A few long-lived threads for database work; callbacks always run on the thread that owns this object."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2, name: str = "desk-read",
                 on_thread_exit: Callable[[], None] | None = None, drain_on_close: bool = False):
        super().__init__(parent)
        self._name = name
        # Reads still queued at close are dropped (nobody will show them); writes are finished.
        self._drain_on_close = drain_on_close
        self._futures: set = set()
        # Run once on each of the pool's threads when it closes: peewee keeps a connection per thread,
        # which only that thread can close.
        self._on_thread_exit = on_thread_exit
        # Plain Python threads that live as long as the pool: peewee keeps one connection per
        # thread, and QThreadPool's short-lived threads leaked a fresh SQLite connection (and its
        # 16 MB page cache) per job. Made on the first job: nothing before the first paint submits one.
        self._max_threads = max_threads
        self._executor: ThreadPoolExecutor | None = None
        self._alive: set[_Carrier] = set()
        self._closed = False

    def submit(self, fn: Callable, *args, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, **kwargs) -> None:
        if self._closed:
            return  # the owner shut down: nobody would hear the answer
        carrier = _Carrier()
        carrier.moveToThread(self.thread())
        self._alive.add(carrier)

        def finished(result, _c=carrier):
            self._alive.discard(_c)
            _c.deleteLater()
            if self._closed or not shiboken6.isValid(self):
                return  # the owner went away while the job ran: nobody to tell
            if on_done is not None:
                on_done(result)

        def failed(exc, _c=carrier):
            self._alive.discard(_c)
            _c.deleteLater()
            if self._closed or not shiboken6.isValid(self):
                return
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background job failed: %s\n%s", exc, getattr(exc, "__traceback_text__", ""))

        carrier.sig_finished.connect(finished)
        carrier.sig_failed.connect(failed)
        def job():
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - handed to on_error on the GUI thread
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
                carrier.sig_failed.emit(exc)
            else:
                carrier.sig_finished.emit(result)

        future = self._pool().submit(job)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor
            self._executor = ThreadPoolExecutor(max_workers=self._max_threads, thread_name_prefix=self._name)
        return self._executor

    def pending(self) -> int:
        return len(self._alive)

    def close(self) -> None:
        """Drop the callbacks of jobs still running; used when the owner shuts down."""
        self._closed = True
        if self._executor is not None:
            if not self._drain_on_close:
                for future in list(self._futures):
                    future.cancel()  # only those not started yet
            if self._on_thread_exit is not None:
                import threading
                # One job per thread, held at a barrier so that each thread runs exactly one of them.
                barrier = threading.Barrier(self._max_threads)

                def exit_job():
                    try:
                        barrier.wait(timeout=30)
                    except threading.BrokenBarrierError:
                        pass  # a thread still busy: its connection is closed when the thread ends
                    self._on_thread_exit()

                for _ in range(self._max_threads):
                    self._executor.submit(exit_job)
            self._executor.shutdown(wait=True, cancel_futures=False)

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Block until jobs submitted so far end (False on timeout); callbacks still need events."""
        if self._closed or self._executor is None:
            return True
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures import wait
        # One marker per thread: when all have run, every earlier job has been taken and finished.
        markers = [self._executor.submit(lambda: None) for _ in range(self._max_threads)]
        try:
            done, pending = wait(markers, timeout=msecs / 1000)
        except FutureTimeout:
            return False
        return not pending

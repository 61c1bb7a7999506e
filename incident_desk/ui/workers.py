"""Runs plain functions on a QThreadPool and delivers their result or error on the GUI thread."""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Carrier(QObject):
    """Lives on the GUI thread, so signals emitted from the pool arrive there (queued)."""

    sig_finished = Signal(object)
    """The function returned this value."""
    sig_failed = Signal(object)
    """The function raised this exception."""


class _Job(QRunnable):
    def __init__(self, carrier: _Carrier, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self.setAutoDelete(True)
        self._carrier, self._fn, self._args, self._kwargs = carrier, fn, args, kwargs

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to the caller's on_error on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._carrier.sig_failed.emit(exc)
        else:
            self._carrier.sig_finished.emit(result)


class WorkerPool(QObject):
    """A small pool for database reads; callbacks always run on the thread that owns this object."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._alive: set[_Carrier] = set()
        self._closed = False

    def submit(self, fn: Callable, *args, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, **kwargs) -> None:
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
        self._pool.start(_Job(carrier, fn, args, kwargs))

    def pending(self) -> int:
        return len(self._alive)

    def close(self) -> None:
        """Drop the callbacks of jobs still running; used when the owner shuts down."""
        self._closed = True
        self._pool.waitForDone(3000)

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Block until running jobs end (shutdown and tests); queued callbacks still need events."""
        return self._pool.waitForDone(msecs)

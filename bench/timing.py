"""Timing helpers: medians with min and max, percentiles, load checks and GUI-thread time until painted."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

LOAD_HIGH = 1.5          # 1-minute load average on 2 cores above which figures are suspect
LOAD_WAIT_S = 20.0


@dataclass
class Stats:
    """Samples in milliseconds (or any one unit) and their summary."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def percentile(self, p: float) -> float:
        return percentile(self.samples, p)

    def summary(self) -> dict:
        return {"median": self.median, "min": self.min, "max": self.max, "n": len(self.samples)}


def percentile(samples: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of ``samples``."""
    if not samples:
        raise ValueError("no samples")
    data = sorted(samples)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def measure(fn: Callable[[], object], *, repeats: int, warmup: int = 1,
            setup: Callable[[], object] | None = None) -> Stats:
    """Wall time of ``fn`` in ms, ``repeats`` times after ``warmup`` untimed calls (``setup`` untimed)."""
    stats = Stats()
    for i in range(warmup + repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        if i >= warmup:
            stats.samples.append(ms_since(t0))
    return stats


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def wait_for_quiet(*, limit: float = LOAD_HIGH, max_wait_s: float = LOAD_WAIT_S, log=print) -> float:
    """Wait (a bounded time) for the 1-minute load to fall below ``limit``; return the load then."""
    load = load_average()
    if load <= limit:
        return load
    log(f"  load average {load:.2f} > {limit}: waiting up to {max_wait_s:.0f} s for other work to settle")
    deadline = time.monotonic() + max_wait_s
    while time.monotonic() < deadline and load > limit:
        time.sleep(3)
        load = load_average()
    return load


@dataclass
class GuiTime:
    """One GUI operation: wall time until painted, and CPU time the GUI thread spent on it."""

    wall_ms: float
    gui_cpu_ms: float
    sync_ms: float        # the operation's own synchronous call (before any event processing)


def until_painted(app, op: Callable[[], object], *, busy: Callable[[], bool], viewport,
                  timeout_s: float = 20.0) -> GuiTime:
    """Run ``op`` on the GUI thread, then process events until ``busy()`` is false and the
    viewport has painted the result. Page reads running on a worker count in wall time only;
    everything the GUI thread does (the op, slots, data(), painting) counts in gui_cpu_ms.

    Painted means: the viewport received a paint event after ``op`` and, with nothing left to
    load, no further one is pending. When the op changed nothing visible, one repaint() is forced
    so every measure includes exactly the paint a user would wait for."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    class _Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                _Paints.count += 1
            return False

    t0 = time.perf_counter()
    c0 = time.thread_time()
    op()
    sync_ms = ms_since(t0)
    port = viewport() if callable(viewport) else viewport
    spy = _Paints()
    port.installEventFilter(spy)
    # While a worker reads, block in the event loop (no CPU) instead of polling; this timer only
    # bounds the wait, so the GUI thread's CPU time stays the time it really worked.
    keepalive = QTimer()
    keepalive.setInterval(5)
    keepalive.start()
    try:
        deadline = time.monotonic() + timeout_s
        idle_rounds = 0
        while time.monotonic() < deadline:
            app.processEvents()
            if busy():
                idle_rounds = 0
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
                continue
            idle_rounds += 1
            if idle_rounds >= 2:
                if _Paints.count == 0:
                    port.repaint()
                    app.processEvents()
                    if busy():
                        idle_rounds = 0
                        continue
                break
        else:
            raise TimeoutError("the view did not settle")
    finally:
        keepalive.stop()
        port.removeEventFilter(spy)
    return GuiTime(wall_ms=ms_since(t0), gui_cpu_ms=(time.thread_time() - c0) * 1000.0, sync_ms=sync_ms)

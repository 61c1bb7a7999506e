"""matplotlib runs under one lock: a refresh renders charts on a worker while the GUI thread redraws,
saves, clicks or rebuilds one, and a report renders on another worker (FreeType is shared by all)."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from incident_desk.reports.render_lock import RENDER_LOCK
from incident_desk.services.reports import ReportService
from incident_desk.ui.widgets import metrics_export
from incident_desk.ui.widgets.metrics_tab import MetricsTab
from tests.unit.test_metrics_service import build_history

HOLD_S = 0.4   # how long the other thread keeps the lock; far longer than any entry point takes unlocked


@pytest.fixture
def tab(qtbot, desk, clock):
    build_history(desk, clock)
    widget = MetricsTab(desk)
    qtbot.addWidget(widget)
    widget.resize(1300, 1000)
    widget.show()
    with qtbot.waitSignal(widget.sig_refreshed, timeout=20_000):
        pass
    return widget


def _after_a_render_elsewhere(entry) -> list[str]:
    """Run ``entry`` on this thread while another thread holds the render lock; the order in which the
    other thread let go and ``entry`` finished."""
    order: list[str] = []
    held = threading.Event()

    def other_render() -> None:
        with RENDER_LOCK:
            held.set()
            time.sleep(HOLD_S)
            order.append("released")

    other = threading.Thread(target=other_render)
    other.start()
    assert held.wait(5)
    try:
        entry()
        order.append("entry done")
    finally:
        other.join(5)
    return order


def _entries(tab, tmp_path, desk):
    chart = tab.charts["volume"]
    report = tab.report
    review = ReportService(desk).monthly_review("2026-11")
    from incident_desk.reports.charts import review_charts
    built = review_charts(review)
    return {
        "redraw": chart.draw,
        "save": lambda: metrics_export.save_chart(chart, tmp_path / "volume.png"),
        "click": lambda: QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(200, 150)),
        "rebuild": lambda: chart.show_report(report, dark=False),
        "prepare": lambda: chart.prepare(report, dark=False, geometry=chart.geometry()),
        "review build": lambda: review_charts(review),
        "review png": lambda: built["volume"].png,
        "review svg": lambda: built["mttr"].svg,
    }


@pytest.mark.parametrize("name", ["redraw", "save", "click", "rebuild", "prepare", "review build", "review png",
                                  "review svg"])
def test_each_way_into_matplotlib_waits_for_a_render_on_another_thread(name, tab, tmp_path, desk):
    entry = _entries(tab, tmp_path, desk)[name]
    assert _after_a_render_elsewhere(entry) == ["released", "entry done"]


def test_a_real_click_on_a_bar_still_drills_down_with_the_lock_taken_on_press(tab, qtbot, desk):
    """A mouse press through Qt (not matplotlib's event by hand) takes the lock around the pick; the
    drill-down it starts runs on and names exactly the bar's incidents."""
    chart = tab.charts["volume"]
    index = next(i for i, b in enumerate(tab.report.buckets) if b.volume.get("Network"))
    bars = chart.artist_for("volume", "Network")
    px, py = bars.axes.transData.transform(chart.bar_centre("Network", index))
    ratio = chart.device_pixel_ratio or 1
    pos = QPoint(round(px / ratio), round(chart.height() - py / ratio))
    with qtbot.waitSignal(tab.sig_drill_down, timeout=20_000) as blocker:
        QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=pos)
    filters, _label = blocker.args
    keys = {r.key for r in desk.incidents.list_incidents(filters=filters, limit=100)}
    assert keys == {"INC-000001", "INC-000002"}  # plain and reopened, the week of T0 (build_history)

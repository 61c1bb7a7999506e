"""The metrics tab with real widgets: it renders, filters change the charts' data, a click drills down."""

from __future__ import annotations

import pytest
from matplotlib.backend_bases import MouseEvent

from incident_desk.domain.formatting import stat_duration
from incident_desk.services.metrics import DrillPoint, MetricsService
from incident_desk.ui.widgets.metrics_tab import MetricsTab
from tests.unit.test_metrics_service import build_history

WAIT_MS = 20_000


@pytest.fixture
def tab(qtbot, desk, clock):
    build_history(desk, clock)
    widget = MetricsTab(desk)
    qtbot.addWidget(widget)
    widget.resize(1300, 1000)
    widget.show()
    with qtbot.waitSignal(widget.sig_refreshed, timeout=WAIT_MS):
        pass
    return widget


def _click(chart, artist, at: tuple[float, float] | None = None) -> None:
    """A real matplotlib button press at ``at`` (data coordinates) or the artist's first point; the
    canvas turns it into a pick event."""
    if at is not None:
        x, y = at
    else:
        xs, ys = artist.get_xdata(), artist.get_ydata()
        k = next(i for i, v in enumerate(ys) if v == v)  # first plotted (non-NaN) point
        x, y = xs[k], ys[k]
    px, py = artist.axes.transData.transform((x, y))
    MouseEvent("button_press_event", chart, px, py, button=1)._process()


def test_tab_renders_headline_and_every_chart(tab):
    report = tab.report
    assert tab.cards["volume"].value.text() == f"{report.total:,}"
    assert tab.cards["mttr"].value.text() == stat_duration(report.ttr.mean)
    assert "left out of MTTR" in tab.notes.text()
    for chart in tab.charts.values():
        assert chart.figure.axes, chart.key
        assert chart.series_data(), chart.key
    assert tab.charts["backlog"].series_data()["backlog"][-1] == report.open
    assert tab.cards["mttr"].definition.text()  # the definition sits beside the figure


def test_filters_change_the_charts_data(qtbot, tab):
    before = tab.charts["volume"].series_data()
    assert set(before) == {"Network", "Email", "Access"}
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.category.setCurrentIndex(tab.category.findData("Email"))
    after = tab.charts["volume"].series_data()
    assert set(after) == {"Email"} and sum(after["Email"]) == 2
    assert tab.report.filters.categories == frozenset({"Email"})
    mttr_all = sum(v for v in tab.charts["durations"].series_data()["mttr_mean_h"] if v)
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.no_hold.setChecked(True)
    assert tab.report.exclude_hold
    assert sum(v for v in tab.charts["durations"].series_data()["mttr_mean_h"] if v) < mttr_all


def test_clicking_a_bar_drills_down_to_exactly_its_incidents(qtbot, tab, desk):
    report = tab.report
    chart = tab.charts["volume"]
    index = next(i for i, b in enumerate(report.buckets) if b.volume.get("Network"))
    bars = chart.artist_for("volume", "Network")
    with qtbot.waitSignal(tab.sig_drill_down, timeout=WAIT_MS) as blocker:
        _click(chart, bars, chart.bar_centre("Network", index))
    filters, label = blocker.args
    expected, _ = MetricsService.for_desk(desk).drill_down(report, DrillPoint("volume", index, "Network"))
    assert filters == expected
    assert filters.categories == frozenset({"Network"})
    assert desk.incidents.count_incidents(filters=filters) == report.buckets[index].volume["Network"]
    assert "Network" in label


def test_clicking_an_mttr_point_lists_the_resolved_incidents_of_that_period(qtbot, tab, desk):
    report = tab.report
    chart = tab.charts["durations"]
    line = chart.artist_for("mttr")
    with qtbot.waitSignal(tab.sig_drill_down, timeout=WAIT_MS) as blocker:
        _click(chart, line)
    filters, label = blocker.args
    index = next(i for i, b in enumerate(report.buckets) if b.ttr.n)
    assert label.startswith("Resolved")
    assert desk.incidents.count_incidents(filters=filters) == report.buckets[index].ttr.n


def test_exports_write_png_svg_csv_and_pdf(tab, tmp_path):
    from incident_desk.ui.widgets import metrics_export

    png = metrics_export.save_chart(tab.charts["volume"], tmp_path / "v.png")
    svg = metrics_export.save_chart(tab.charts["sla"], tmp_path / "s.svg")
    csv_path = metrics_export.save_csv(tab.report, tmp_path / "m.csv")
    pdf = metrics_export.save_pdf(tab, tmp_path / "m.pdf")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:400]
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("start,end,volume") and len(lines) == len(tab.report.buckets) + 1
    data = pdf.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert data[:5] == b"%PDF-" and pages >= 2  # headline page, then the charts


def test_an_empty_desk_says_nothing_to_show_instead_of_drawing_empty_axes(qtbot, desk):
    from incident_desk.ui.widgets.metric_charts import NO_DATA_TEXT
    widget = MetricsTab(desk)
    qtbot.addWidget(widget)
    widget.resize(1300, 1000)
    widget.show()
    with qtbot.waitSignal(widget.sig_refreshed, timeout=WAIT_MS):
        pass
    for chart in widget.charts.values():
        texts = [t.get_text() for ax in chart.figure.axes for t in ax.texts]
        assert NO_DATA_TEXT in texts, chart.key
        assert all(not ax.get_yticks().size for ax in chart.figure.axes)


def test_charts_with_data_have_no_empty_notice(tab):
    from incident_desk.ui.widgets.metric_charts import NO_DATA_TEXT
    for chart in tab.charts.values():
        assert NO_DATA_TEXT not in [t.get_text() for ax in chart.figure.axes for t in ax.texts], chart.key

"""The metrics tab with real widgets: it renders, filters change the charts' data, a click drills down;
matplotlib runs under one lock, while a refresh renders on a worker and the GUI thread or a report draws too."""

from __future__ import annotations

import csv
import html
import re
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from matplotlib.backend_bases import MouseEvent
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from incident_desk.reports.render_lock import RENDER_LOCK
from incident_desk.services.reports import ReportService
from incident_desk.ui.widgets import metrics_export
from incident_desk.ui.widgets.metrics_tab import MetricsTab
from tests.conftest import T0
from tests.gui.gui_tools import when_modal
from tests.unit.test_metrics_service import build_history

WAIT_MS = 20_000


def _plain(tooltip: str) -> str:
    """A rich-text tooltip's text, as the user reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", tooltip))


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


# What build_history (tests/unit/test_metrics_service.py) did, worked out by hand. Hours after T0
# (Monday 09:00 UTC); the week of T0 runs to T0 + 159 h, the next to T0 + 327 h, then to T0 + 495 h.
#   plain      Network P2  opened 0,  ack 0.5, resolved 3.5               TTR 3.5 h
#   reopened   Network P3  opened 2,  ack 3, resolved 9, reopened 39, resolved 59   TTR 57 h
#   held       Email   P3  opened 30, ack 32, hold 37-85, resolved 87      TTR 57 h (9 h without the hold)
#   cancelled  Email   P4  opened 50, cancelled 51
#   acked-cancelled Access P4 opened 60, ack 63, cancelled 65
#   open       Access  P1  opened 200 (week 2), ack 200.1
#   new        Network P5  opened 400 (week 3)
# The clock stops at T0 + 500 h.
MTTR_H = (3.5 + 57 + 57) / 3
MTTR_NO_HOLD_H = (3.5 + 57 + 9) / 3
MTTA_WEEK1_H = (0.5 + 1 + 2 + 3) / 4


def _week_row(rows: list[dict], weeks_after_t0: int) -> dict:
    monday = (T0 - timedelta(hours=9) + timedelta(days=7 * weeks_after_t0)).isoformat()
    [row] = [r for r in rows if r["start"] == monday]
    return row


def test_tab_renders_headline_and_every_chart(tab):
    # The hand-worked history above, not the report the tab itself computed: 7 opened, MTTR (3.5 + 57 + 57) / 3 h.
    assert tab.cards["volume"].value.text() == "7"
    assert tab.cards["mttr"].value.text() == "39.2 h"
    # Definitions on demand: behind the "?", not a paragraph on every card.
    assert "left out of MTTR" in _plain(tab.cards["mttr"].toolTip())
    assert tab.notes.isHidden()  # no category is rising: nothing to say
    for chart in tab.charts.values():
        assert chart.figure.axes, chart.key
        assert chart.series_data(), chart.key
    assert tab.charts["backlog"].series_data()["backlog"][-1] == 2  # open at the end, as the CSV's last week


def test_filters_change_the_charts_data(qtbot, tab):
    before = tab.charts["volume"].series_data()
    assert {k: sum(v) for k, v in before.items() if not k.startswith("_")} == {"Network": 3, "Email": 2,
                                                                             "Access": 2}
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.category.setCurrentIndex(tab.category.findData("Email"))
    after = tab.charts["volume"].series_data()
    assert {k for k in after if not k.startswith("_")} == {"Email"} and sum(after["Email"]) == 2
    assert tab.report.filters.categories == frozenset({"Email"})
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.category.setCurrentIndex(0)
    assert [v for v in tab.charts["durations"].series_data()["mttr_mean_h"] if v] == [pytest.approx(MTTR_H)]
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.no_hold.setChecked(True)
    assert tab.report.exclude_hold
    assert [v for v in tab.charts["durations"].series_data()["mttr_mean_h"] if v] == [pytest.approx(MTTR_NO_HOLD_H)]


def _keys(desk, filters) -> set[str]:
    return {r.key for r in desk.incidents.list_incidents(filters=filters, limit=100)}


def test_clicking_a_bar_drills_down_to_exactly_its_incidents(qtbot, tab, desk):
    report = tab.report
    chart = tab.charts["volume"]
    index = next(i for i, b in enumerate(report.buckets) if b.volume.get("Network"))
    bars = chart.artist_for("volume", "Network")
    with qtbot.waitSignal(tab.sig_drill_down, timeout=WAIT_MS) as blocker:
        _click(chart, bars, chart.bar_centre("Network", index))
    filters, label = blocker.args
    assert filters.categories == frozenset({"Network"})
    assert _keys(desk, filters) == {"INC-000001", "INC-000002"}  # plain and reopened, the week of T0
    assert "Network" in label


def test_clicking_an_mttr_point_lists_the_resolved_incidents_of_that_period(qtbot, tab, desk):
    chart = tab.charts["durations"]
    line = chart.artist_for("mttr")
    with qtbot.waitSignal(tab.sig_drill_down, timeout=WAIT_MS) as blocker:
        _click(chart, line)
    filters, label = blocker.args
    assert label.startswith("Resolved")
    assert _keys(desk, filters) == {"INC-000001", "INC-000002", "INC-000003"}  # plain, reopened, held


def _pdf_text(path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _svg_texts(path) -> list[str]:
    """The strings a matplotlib SVG draws: it writes each as glyph paths after a comment holding the text."""
    tree = ElementTree.parse(path)  # well-formed XML, or this raises
    assert tree.getroot().tag.endswith("svg")
    return re.findall(r"<!-- (.*?) -->", Path(path).read_text(encoding="utf-8"))


def check_exports(png, svg_volume, svg_backlog, csv_path, pdf) -> None:
    """What each exported file says, against the hand-worked history above."""
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 600 and image.height() > 300
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 8
    texts = _svg_texts(svg_volume)
    assert "Incidents opened" in texts
    legend = [t for t in texts if t in ("Network", "Email", "Access")]
    assert legend == ["Network", "Access", "Email"]  # largest first, ties by name
    texts = _svg_texts(svg_backlog)
    assert {"up to 1 day", "1-3 days", "3-7 days", "7-30 days", "over 30 days"} <= set(texts)
    assert "Open at the end of each period" in texts

    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    week1, week2, week3 = (_week_row(rows, k) for k in range(3))
    assert [int(r["volume"]) for r in (week1, week2, week3)] == [5, 1, 1]
    assert sum(int(r["volume"]) for r in rows) == 7
    assert (int(week1["volume Network"]), int(week1["volume Email"]), int(week1["volume Access"])) == (2, 2, 1)
    assert int(week1["mttr n"]) == 3 and float(week1["mttr mean h"]) == pytest.approx(MTTR_H)
    assert float(week1["mttr median h"]) == 57 and float(week1["mttr p90 h"]) == 57
    assert int(week1["mtta n"]) == 4 and float(week1["mtta mean h"]) == pytest.approx(MTTA_WEEK1_H)
    assert int(week2["mtta n"]) == 1 and float(week2["mtta mean h"]) == pytest.approx(0.1)
    assert [int(r["backlog"]) for r in (week1, week2, week3)] == [0, 1, 2]
    assert float(week1["sla compliance %"]) == 100  # the reopened P3 used 17 of its 30 business hours
    assert float(week1["sla P2 %"]) == 100 and float(week1["sla P3 %"]) == 100

    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Incident Desk metrics" in flat
    assert "Volume: 7 opened; 3 resolved; 5 acknowledged." in flat
    assert "Open backlog at the end of the period: 2." in flat
    assert "MTTR 39.2 h (median 57.0 h, p90 57.0 h, n = 3); 2 closed or cancelled without a resolution time left out." \
        in flat
    assert "SLA compliance 100.0 % (target 95 %, response 100.0 %)" in flat
    assert "Nearest-rank" in flat or "nearest-rank" in flat
    for title in ("MTTR and MTTA over time", "Volume by category", "SLA compliance by priority",
                  "Backlog over time and open incidents by age"):
        assert title in flat, title
    assert text.count("\f") >= 2  # the headline page, then the charts


def test_exports_write_what_the_tab_shows(tab, tmp_path):
    check_exports(metrics_export.save_chart(tab.charts["volume"], tmp_path / "v.png"),
                  metrics_export.save_chart(tab.charts["volume"], tmp_path / "v.svg"),
                  metrics_export.save_chart(tab.charts["backlog"], tmp_path / "b.svg"),
                  metrics_export.save_csv(tab.report, tmp_path / "m.csv"),
                  metrics_export.save_pdf(tab, tmp_path / "m.pdf"))


def _answer_file_dialog(path: Path) -> None:
    """Type ``path``'s name into the save dialog the next menu action opens, in its folder, and press Enter."""
    def answer(dialog) -> None:
        dialog.setDirectory(str(path.parent))
        name = dialog.findChild(QLineEdit, "fileNameEdit")  # what a person types into
        name.selectAll()
        QTest.keyClicks(name, path.name)
        QTest.keyClick(name, Qt.Key.Key_Return)
    when_modal(QFileDialog, answer, poll_ms=50)


def test_the_export_menu_saves_each_format_through_the_save_dialog(qtbot, tab, tmp_path):
    actions = {a.text(): a for a in tab.export_menu.actions() if a.text()}
    assert len(actions) == 2 * len(tab.charts) + 2
    wanted = {"Volume by category as PNG...": tmp_path / "menu.png",
              "Volume by category as SVG...": tmp_path / "menu-volume.svg",
              "Backlog over time and open incidents by age as SVG...": tmp_path / "menu-backlog.svg",
              "Series as CSV...": tmp_path / "menu.csv",
              "Whole tab as PDF report...": tmp_path / "menu.pdf"}
    for text, path in wanted.items():
        _answer_file_dialog(path)
        actions[text].trigger()
        assert path.exists(), text
    check_exports(*wanted.values())


def test_charts_with_data_have_no_empty_notice(tab):
    from incident_desk.ui.widgets.metric_charts import NO_DATA_TEXT
    for chart in tab.charts.values():
        assert NO_DATA_TEXT not in [t.get_text() for ax in chart.figure.axes for t in ax.texts], chart.key


# ---- the lead's view: changes, target line, ticks, empty state, definitions ---------------------------

@pytest.fixture
def two_period_tab(qtbot, desk, clock):
    from tests.unit.test_metrics_change import build_two_periods
    build_two_periods(desk, clock)
    widget = MetricsTab(desk)
    qtbot.addWidget(widget)
    widget.resize(1300, 1000)
    widget.show()
    with qtbot.waitSignal(widget.sig_refreshed, timeout=WAIT_MS):
        pass
    with qtbot.waitSignal(widget.sig_refreshed, timeout=WAIT_MS):
        widget.period.setCurrentIndex(widget.period.findText("Last 4 weeks"))
    return widget


def test_every_card_shows_its_change_against_the_previous_period_in_words_and_colour(two_period_tab):
    from tests.unit.test_metrics_change import EXPECTED
    cards = two_period_tab.cards
    for key, (short, verdict) in EXPECTED.items():
        card = cards[key]
        assert card.change.text() == short + (f" · {verdict}" if verdict else ""), key
        assert card.change.property("themeRole") == (verdict or "muted"), key
        assert not card.change.isHidden() and not card.previous.isHidden(), key
    # The previous value reads in the card's own unit (MTTR 7.2 d now, 7 h before: 0.3 d).
    assert cards["mttr"].value.text() == "7.2 d"
    assert cards["mttr"].previous.text() == "previous 4 weeks: 0.3 d"
    assert cards["backlog"].previous.text() == "previous 4 weeks: 1"
    assert cards["sla"].previous.text() == "previous 4 weeks: 50.0 %"
    assert cards["mttr"].change.accessibleName() == "▲ 2352 % vs previous 4 weeks (worse)"


def test_the_tab_and_the_cli_say_the_same_change(two_period_tab, desk):
    import json

    from tests.unit.test_metrics_change import _cli
    data = json.loads(_cli(desk, "--from", "2026-11-04", "--json"))
    for key, card in two_period_tab.cards.items():
        assert card.change.accessibleName() == data["previous"]["change"][key]["text"], key


def test_all_time_shows_no_change_line(qtbot, two_period_tab):
    with qtbot.waitSignal(two_period_tab.sig_refreshed, timeout=WAIT_MS):
        two_period_tab.period.setCurrentIndex(two_period_tab.period.findText("All time"))
    assert all(card.change.isHidden() and card.previous.isHidden() for card in two_period_tab.cards.values())


def test_the_sla_chart_draws_the_policys_target_line(qtbot, tab, desk):
    from incident_desk.domain.sla import SlaPolicy
    line = tab.charts["sla"].target_line()
    assert list(line.get_ydata()) == [95, 95] and line.get_label() == "target 95 %"
    assert "target 95 %" in [t.get_text() for t in line.axes.get_legend().get_texts()]
    policy = desk.settings.sla_policy()
    desk.policies.set_sla_policy(actor=desk.actor, policy=SlaPolicy(
        name=policy.name, calendar=policy.calendar, targets=policy.targets, compliance_target=0.875))
    with qtbot.waitSignal(tab.sig_refreshed, timeout=WAIT_MS):
        tab.refresh()
    line = tab.charts["sla"].target_line()
    assert list(line.get_ydata()) == [87.5, 87.5] and line.get_label() == "target 87.5 %"
    assert tab.cards["sla"].detail.text().startswith("target 87.5 %")


def test_every_chart_labels_the_same_buckets_with_the_same_dates(two_period_tab):
    # Last 4 weeks on 1 Dec 2026 (a Tuesday) from Wed 4 Nov: the Monday-weeks of 2, 9, 16, 23, 30 Nov.
    expected = ["2 Nov\n2026", "9 Nov", "16 Nov", "23 Nov", "30 Nov"]
    charts = two_period_tab.charts
    axes = [*charts["durations"].figure.axes, charts["volume"].figure.axes[0], charts["sla"].figure.axes[0],
            charts["backlog"].figure.axes[0]]
    for ax in axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == expected, ax.get_title()
        assert list(ax.get_xticks()) == [0, 1, 2, 3, 4]


def _texts_inside_their_axes(chart) -> list[str]:
    """Texts drawn outside the axes they belong to (none may spill over another chart's area)."""
    renderer = chart.figure.canvas.get_renderer()
    bad = []
    for ax in chart.figure.axes:
        box = ax.get_window_extent(renderer)
        for text in ax.texts:
            ext = text.get_window_extent(renderer)
            if ext.x0 < box.x0 or ext.x1 > box.x1 or ext.y0 < box.y0 or ext.y1 > box.y1:
                bad.append(f"{text.get_text()!r} {ext} outside {box}")
    return bad


@pytest.mark.parametrize("width", [1300, 620])
def test_an_empty_desk_shows_one_clean_notice_per_chart(qtbot, desk, width):
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from incident_desk.ui.widgets.metric_charts import NO_DATA_TEXT
    widget = MetricsTab(desk)
    qtbot.addWidget(widget)
    widget.resize(width, 1000)
    widget.show()
    with qtbot.waitSignal(widget.sig_refreshed, timeout=WAIT_MS):
        pass
    for chart in widget.charts.values():
        assert chart.width() <= width
        [ax] = chart.figure.axes  # one axes holding the notice: no empty MTTA beside an empty MTTR
        assert [t.get_text() for t in ax.texts] == [NO_DATA_TEXT]
        assert not ax.axison  # no axis, ticks or grid scaled to nothing
        # No row of zeros (the backlog), no bars, no lines: nothing drawn but the notice.
        assert not [a for a in ax.get_children() if isinstance(a, (Line2D, Collection))
                    or (isinstance(a, Rectangle) and a is not ax.patch)], chart.key
        assert _texts_inside_their_axes(chart) == [], chart.key
        assert ax.get_window_extent().width <= chart.figure.bbox.width


def test_the_definitions_page_lists_every_definition(qtbot, tab):
    from incident_desk.domain.metrics import DEFINITION_TITLES, DEFINITIONS
    tab.definitions_button.click()
    page = tab.definitions
    assert page is not None and page.isVisible()
    shown = page.browser.toPlainText()
    for key, text in DEFINITIONS.items():
        assert text in shown, key
        assert DEFINITION_TITLES[key] in shown, key
    assert page.keys() == list(DEFINITIONS)
    page.close()
    tab.cards["mttr"].help.click()  # a card's "?" opens the same page again
    assert tab.definitions is page and page.isVisible()


def test_each_figure_and_chart_has_its_definition_on_demand(tab):
    from incident_desk.domain.metrics import DEFINITIONS
    wanted = {"volume": "volume", "backlog": "backlog", "mtta": "tta", "mttr": "ttr", "sla": "sla",
              "reopen": "reopen"}
    for key, definition in wanted.items():
        assert DEFINITIONS[definition] in _plain(tab.cards[key].help.toolTip()), key
        assert DEFINITIONS["change"] in _plain(tab.cards[key].help.toolTip()), key
    for key, chart in tab.charts.items():
        tip = _plain(tab.chart_help[key].toolTip())
        assert all(DEFINITIONS[k] in tip for k in chart.definition_keys) and chart.definition_keys, key
    assert DEFINITIONS["sla_target"] in _plain(tab.chart_help["sla"].toolTip())


def test_the_tab_fits_a_laptop_beside_the_notification_panel(qtbot, tab):
    # 1366 px less a 260 px notification panel: six cards in a row, charts side by side; narrower, the
    # cards take two rows and then the charts one column, and the tab never asks for more width.
    assert tab.minimumSizeHint().width() <= 400
    tab.resize(1090, 760)
    qtbot.waitUntil(lambda: tab.card_grid.itemAtPosition(0, 5) is not None, timeout=2000)
    assert tab.chart_grid.itemAtPosition(0, 1) is not None
    tab.resize(900, 760)
    qtbot.waitUntil(lambda: tab.card_grid.itemAtPosition(1, 0) is not None, timeout=2000)
    assert tab.card_grid.itemAtPosition(0, 2).widget() is tab.cards["mtta"]
    tab.resize(700, 760)
    qtbot.waitUntil(lambda: tab.chart_grid.itemAtPosition(0, 1) is None, timeout=2000)
    assert tab.chart_grid.itemAtPosition(3, 0) is not None  # one chart a row


def test_a_line_of_notes_moves_the_charts_without_resizing_them(qtbot, tab):
    """Each new chart size is a full render on the GUI thread: a trend or a coarser-grouping note
    appearing above the charts (as an "All time" refresh does) must not change their size, even where
    the window is taller than the charts need."""
    tab.resize(1400, 1600)
    qtbot.waitUntil(lambda: tab.height() == 1600, timeout=WAIT_MS)
    for _ in range(5):
        QApplication.processEvents()
    sizes = {key: chart.size() for key, chart in tab.charts.items()}
    tab.notes.setText("\u25b2 Network: 9 this week\n\u25b2 Email: 7 this week\nGrouped by week: a day is too fine.")
    tab.notes.show()
    qtbot.waitUntil(lambda: tab.notes.isVisible() and tab.notes.height() > 0, timeout=WAIT_MS)
    for _ in range(5):
        QApplication.processEvents()
    assert {key: chart.size() for key, chart in tab.charts.items()} == sizes


# ---- one render lock: FreeType is shared by every thread -------------------------------------------

HOLD_S = 0.4   # how long the other thread keeps the lock; far longer than any entry point takes unlocked


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
    with qtbot.waitSignal(tab.sig_drill_down, timeout=WAIT_MS) as blocker:
        QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=pos)
    filters, _label = blocker.args
    keys = {r.key for r in desk.incidents.list_incidents(filters=filters, limit=100)}
    assert keys == {"INC-000001", "INC-000002"}  # plain and reopened, the week of T0 (build_history)

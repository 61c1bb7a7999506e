"""Matplotlib charts of a MetricsReport embedded in Qt, styled for light and dark, with clickable points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize
from PySide6.QtWidgets import QSizePolicy

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import Priority
from incident_desk.reports.render_lock import RENDER_LOCK
from incident_desk.services.metrics import DrillPoint, MetricsReport
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate

PICK_RADIUS = 6

PickHandler = Callable[[DrillPoint], None]


@dataclass
class PreparedChart:
    """A figure built and rendered on a worker thread, with its clickable artists and plotted data."""

    figure: Figure
    agg: object
    targets: dict
    data: dict


MAX_TICKS = 5           # the narrowest time axis (MTTR beside MTTA) holds five date labels
_MONTH_STEPS = (1, 2, 3, 6, 12)


def time_ticks(report: MetricsReport) -> tuple[list[int], list[str]]:
    """Bucket indices and labels of the date ticks, the same on every chart of the report: every bucket
    when they fit, else the first bucket of every month (or 2nd, 3rd, 6th, 12th month); days and weeks
    read '4 May', months 'May', and the year goes under the first tick and where it changes."""
    starts = [datetime.fromtimestamp(dm.bucket_start(b.start, report.by), UTC) for b in report.buckets]
    n = len(starts)
    ticks = list(range(n))
    if n > MAX_TICKS:
        firsts = [i for i, d in enumerate(starts)
                  if (i > 0 and (d.year, d.month) != (starts[i - 1].year, starts[i - 1].month))
                  or (i == 0 and (report.by == "month" or d.day <= (7 if report.by == "week" else 1)))]
        ticks = []
        for step in _MONTH_STEPS:
            ticks = [i for i in firsts if (starts[i].month - 1) % step == 0]
            if len(ticks) <= MAX_TICKS:
                break
        if len(ticks) < 2:  # a few weeks or days inside one or two months: every k-th bucket instead
            ticks = list(range(0, n, -(-n // MAX_TICKS)))
    labels, year = [], None
    for i in ticks:
        d = starts[i]
        text = f"{d:%b}" if report.by == "month" else f"{d.day} {d:%b}"
        if d.year != year:
            text += f"\n{d.year}"
            year = d.year
        labels.append(text)
    return ticks, labels


def _date_axis(ax, report: MetricsReport) -> None:
    ticks, labels = time_ticks(report)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, rotation=0, fontsize=8)
    ax.set_xlim(-0.6, max(len(report.buckets) - 0.4, 0.6))


NO_DATA_TEXT = QT_TRANSLATE_NOOP("MetricCharts", "Nothing to show\nfor this period and these filters")


def _has_values(data: dict) -> bool:
    """Whether a chart's data (its drill-down series) holds any non-zero figure."""
    def values(v):
        if isinstance(v, dict):
            for x in v.values():
                yield from values(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                yield from values(x)
        else:
            yield v
    return any(v not in (None, 0) for k, d in data.items() if not str(k).startswith("_") for v in values(d))


def _pickable(out: PreparedChart, artist, chart: str, series: str = "") -> None:
    artist.set_picker(True)
    if hasattr(artist, "set_pickradius"):
        artist.set_pickradius(PICK_RADIUS)
    out.targets[artist] = (chart, series)


class MetricChart(FigureCanvasQTAgg):
    """One chart: draws a report, remembers which artist stands for which incidents."""

    key = ""
    title = ""
    definition_keys: tuple[str, ...] = ()   # what its "?" explains (domain.metrics.DEFINITIONS)

    @classmethod
    def definition(cls) -> str:
        return "\n\n".join(dm.DEFINITIONS[k] for k in cls.definition_keys)

    def __init__(self, parent=None):
        self.figure = Figure(figsize=(5.6, 3.2), dpi=100, layout="constrained")
        super().__init__(self.figure)
        self.setParent(parent)
        # A fixed height: a line of text appearing above (a trend, a note) or a wrapped status must not
        # resize the charts, since each new size is a full render on the GUI thread (200 ms apiece).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.on_pick: PickHandler | None = None
        self._targets: dict = {}           # artist -> (chart, series) ; index from the event
        self._data: dict = {}
        self.report: MetricsReport | None = None
        self.dark = False
        self.mpl_connect("pick_event", self._on_mpl_pick)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(560, 320)

    # Every way matplotlib runs on the GUI thread goes through RENDER_LOCK: a redraw (paint, resize),
    # a save (exports), and a click, whose pick measures text. A refresh renders on a worker meanwhile.

    def draw(self) -> None:
        with RENDER_LOCK:
            super().draw()

    def print_figure(self, *args, **kwargs) -> None:
        with RENDER_LOCK:
            super().print_figure(*args, **kwargs)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        with RENDER_LOCK:
            super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt override)
        with RENDER_LOCK:
            super().mouseDoubleClickEvent(event)

    # ---- drawing ---------------------------------------------------------------------------
    # A refresh builds and renders a new Figure on a worker thread (prepare), then the GUI thread
    # only swaps it in (install): rendering a chart takes 100-600 ms, far over a frame.

    def geometry(self) -> tuple[tuple[float, float], float, float]:
        """(size in inches, dpi, original dpi) of the current figure; read on the GUI thread."""
        return tuple(self.figure.get_size_inches()), self.figure.dpi, getattr(self.figure, "_original_dpi",
                                                                              self.figure.dpi)

    def prepare(self, report: MetricsReport, *, dark: bool, geometry) -> PreparedChart:
        """Build and render the chart for ``report`` off the GUI thread; touches no widget."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        size, dpi, original_dpi = geometry
        with RENDER_LOCK:
            figure = Figure(figsize=size, dpi=dpi, layout="constrained")
            figure._original_dpi = original_dpi  # noqa: SLF001 (keeps Qt's HiDPI scaling consistent)
            agg = FigureCanvasAgg(figure)
            prepared = PreparedChart(figure=figure, agg=agg, targets={}, data={})
            self._build(prepared, report, dark)
            agg.draw()
        return prepared

    def install(self, prepared: PreparedChart, report: MetricsReport, *, dark: bool) -> None:
        """Show a prepared chart: swap figure and rendered buffer, no drawing on this thread."""
        self.report, self.dark = report, dark
        self.figure = prepared.figure
        prepared.figure.set_canvas(self)
        self._targets = prepared.targets
        self._data = prepared.data
        self.renderer = prepared.agg.renderer
        self._lastKey = prepared.agg._lastKey  # noqa: SLF001 (the Agg canvas's renderer cache key)
        self.mpl_connect("pick_event", self._on_mpl_pick)
        ratio = self.device_pixel_ratio or 1
        want = (int(self.width() * ratio), int(self.height() * ratio))
        have = tuple(int(v) for v in prepared.agg.get_width_height())
        if self.isVisible() and want != have and min(want) > 0:
            # The widget changed size since the refresh began: fit the figure and render once more.
            self.figure.set_size_inches(want[0] / self.figure.dpi, want[1] / self.figure.dpi)
            self.draw_idle()
        self.update()

    def show_report(self, report: MetricsReport, *, dark: bool) -> None:
        """Rebuild on this thread (exports and resizes; a refresh uses prepare/install)."""
        self.report, self.dark = report, dark
        prepared = PreparedChart(figure=self.figure, agg=None, targets={}, data={})
        with RENDER_LOCK:
            self.figure.clear()
            self._build(prepared, report, dark)
        self._targets = prepared.targets
        self._data = prepared.data

    def _build(self, prepared: PreparedChart, report: MetricsReport, dark: bool) -> None:
        style = theme.chart_style(dark)
        figure = prepared.figure
        figure.set_facecolor(style["face"])
        # Everything the plot makes goes into ``prepared`` (passed, never kept on self): a refresh
        # prepares on a worker while an export may rebuild the shown figure on the GUI thread.
        self.plot(report, style, prepared)
        for ax in figure.axes:
            ax.set_facecolor(style["face"])
            ax.tick_params(colors=style["muted"], labelsize=8)
            for spine in ax.spines.values():
                spine.set_color(style["grid"])
            ax.spines["top"].set_visible(False)
            ax.spines["right"].set_visible(False)
            ax.grid(True, axis="y", color=style["grid"], linewidth=0.8)
            ax.set_axisbelow(True)
            ax.yaxis.label.set_color(style["muted"])
            legend = ax.get_legend()
            if legend is not None:
                legend.get_frame().set_facecolor(style["face"])
                legend.get_frame().set_edgecolor(style["grid"])
                for text in legend.get_texts():
                    text.set_color(style["text"])
        if not _has_values(prepared.data):
            # Axes scaled to nothing (0.00-0.05 hours, a row of zeros) read as a broken chart: one clean
            # notice instead, inside the only axes left, whatever the chart's width.
            figure.clear()
            prepared.targets.clear()
            ax = figure.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, translate("MetricCharts", NO_DATA_TEXT), transform=ax.transAxes, ha="center",
                    va="center", fontsize=9, color=style["muted"], linespacing=1.6)

    def plot(self, report: MetricsReport, style: dict, out: PreparedChart) -> None:  # pragma: no cover
        """Draw ``report`` into ``out.figure``; record pickable artists and plotted numbers in ``out``."""
        raise NotImplementedError

    # ---- picking ---------------------------------------------------------------------------

    def _on_mpl_pick(self, event) -> None:
        target = self._targets.get(event.artist)
        if target is None or self.on_pick is None:
            return
        chart, series = target
        index = getattr(event.artist, "_metrics_index", None)
        if index is None:
            ind = getattr(event, "ind", None)
            if ind is None or len(ind) == 0:
                return
            index = int(ind[0])
        self.on_pick(DrillPoint(chart=chart, index=int(index), series=series))

    def artist_for(self, chart: str, series: str = "", index: int | None = None):
        """The artist standing for (chart, series[, index]); tests click its centre."""
        for artist, (c, s) in self._targets.items():
            if c == chart and s == series and (index is None or getattr(artist, "_metrics_index", None) == index):
                return artist
        return None

    def series_data(self) -> dict:
        """The plotted numbers by series name (tests compare them; exports write them)."""
        return {k: v for k, v in self._data.items() if not k.startswith("_")}

    def bar_centre(self, series: str, index: int) -> tuple[float, float]:
        """Data coordinates of the middle of one stacked bar segment (tests click there)."""
        return self._data["_bar_centres"][series][index]


class DurationChart(MetricChart):
    key = "durations"
    title = QT_TRANSLATE_NOOP("MetricCharts", "MTTR and MTTA over time")
    definition_keys = ("ttr", "tta", "percentiles")

    def plot(self, report: MetricsReport, style: dict, out: PreparedChart) -> None:
        x = list(range(len(report.buckets)))
        ax_r, ax_a = out.figure.subplots(1, 2)
        for ax, attr, chart, name in ((ax_r, "ttr", "mttr", "MTTR"), (ax_a, "tta", "mtta", "MTTA")):
            mean = [dm.hours(getattr(b, attr).mean) for b in report.buckets]
            p90 = [dm.hours(getattr(b, attr).p90) for b in report.buckets]
            unit = "hours"
            if name == "MTTA" and max([v for v in p90 if v is not None] or [0]) < 3:
                mean = [None if v is None else v * 60 for v in mean]
                p90 = [None if v is None else v * 60 for v in p90]
                unit = "minutes"
            (line_mean,) = ax.plot(x, [float("nan") if v is None else v for v in mean], marker="o", markersize=3,
                                   color=style["mean"], label="mean", linewidth=1.6)
            (line_p90,) = ax.plot(x, [float("nan") if v is None else v for v in p90], marker="o", markersize=3,
                                  color=style["p90"], label="p90", linewidth=1.2, linestyle="--")
            _pickable(out, line_mean, chart)
            _pickable(out, line_p90, chart)
            ax.set_title(f"{name} ({unit})", fontsize=10, loc="left", color=style["text"])
            ax.set_ylim(bottom=0)
            ax.legend(fontsize=8, loc="upper left", frameon=True)
            _date_axis(ax, report)
        out.data = {"mttr_mean_h": [dm.hours(b.ttr.mean) for b in report.buckets],
                    "mttr_p90_h": [dm.hours(b.ttr.p90) for b in report.buckets],
                    "mtta_mean_h": [dm.hours(b.tta.mean) for b in report.buckets],
                    "mtta_p90_h": [dm.hours(b.tta.p90) for b in report.buckets]}


class VolumeChart(MetricChart):
    key = "volume"
    title = QT_TRANSLATE_NOOP("MetricCharts", "Volume by category")
    definition_keys = ("volume", "trend")

    def plot(self, report: MetricsReport, style: dict, out: PreparedChart) -> None:
        x = list(range(len(report.buckets)))
        ax = out.figure.subplots()
        series = report.volume_series()
        bottom = [0] * len(x)
        half = (0.85 if len(x) > 1 else 0.5) / 2
        out.data["_bar_centres"] = {}
        for k, (name, values) in enumerate(series.items()):
            color = theme.CATEGORY_COLORS[k % len(theme.CATEGORY_COLORS)] if name != dm.OTHER \
                else theme.OTHER_CATEGORY_COLOR
            # One collection per category, not one Rectangle per bar: a hundred weeks of twelve
            # categories would be over a thousand artists, slow to build and to lay out.
            verts = [[(i - half, b), (i - half, b + v), (i + half, b + v), (i + half, b)]
                     for i, (b, v) in enumerate(zip(bottom, values))]
            bars = PolyCollection(verts, facecolors=color, edgecolors="none", label=name)
            ax.add_collection(bars)
            _pickable(out, bars, "volume", name)
            out.data["_bar_centres"][name] = [(i, b + v / 2) for i, (b, v) in enumerate(zip(bottom, values))]
            bottom = [a + b for a, b in zip(bottom, values)]
        ax.set_ylim(0, max(bottom + [1]) * 1.15)
        # Trend markers: a triangle above the bar of the week each rising category was judged in.
        for t_index, trend in enumerate(report.trends):
            lo = int(datetime(trend.week_start.year, trend.week_start.month, trend.week_start.day,
                              tzinfo=UTC).timestamp())
            where = next((i for i, b in enumerate(report.buckets) if b.start <= lo < b.end), None)
            if where is None:
                continue
            (marker,) = ax.plot([where], [bottom[where] * 1.04 + 0.5], marker="v", markersize=10,
                                color=style["marker"], linestyle="none")
            marker._metrics_index = t_index  # noqa: SLF001
            _pickable(out, marker, "trend", "")
            ax.annotate(translate("MetricCharts", "{category} rising").format(category=trend.category), (where, bottom[
                    where] * 1.04 + 0.5), xytext=(0, 8),
                        textcoords=translate("MetricCharts", "offset points"), ha="center", fontsize=8, color=style[
                                "marker"])
        ax.set_title(translate("MetricCharts", "Incidents opened"), fontsize=10, loc="left", color=style["text"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if series:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        _date_axis(ax, report)
        out.data.update({name: list(values) for name, values in series.items()})


class SlaChart(MetricChart):
    key = "sla"
    title = QT_TRANSLATE_NOOP("MetricCharts", "SLA compliance by priority")
    definition_keys = ("sla", "sla_target")
    TARGET_GID = "sla_target"

    def plot(self, report: MetricsReport, style: dict, out: PreparedChart) -> None:
        x = list(range(len(report.buckets)))
        ax = out.figure.subplots()
        data = out.data
        for p in report.sla_priorities:
            values = []
            for b in report.buckets:
                c = b.sla_by_priority.get(p)
                values.append(c.pct if c and c.total else None)
            if all(v is None for v in values):
                continue
            color = theme.priority_color(Priority(p)).name()
            pr = Priority(p)
            (line,) = ax.plot(x, [float("nan") if v is None else v for v in values], marker="o", markersize=3,
                              linewidth=1.4, color=color, label=theme.priority_label(pr))
            _pickable(out, line, "sla", pr.label)
            data[pr.label] = values
        target = report.sla_target_pct
        # The policy's goal as a line the points are read against, labelled in words, not colour alone.
        line = ax.axhline(target, color=style["target"], linestyle=(0, (4, 3)), linewidth=1.3, zorder=1.5,
                          label=translate("MetricCharts", "target {target:g} %").format(target=target))
        line.set_gid(self.TARGET_GID)
        data["_target"] = target
        ax.set_ylim(0, 105)
        ax.set_title(translate("MetricCharts", "Resolved within target (%)"), fontsize=10, loc="left", color=style[
                "text"])
        if len(data) > 1:
            ax.legend(fontsize=7, loc="lower left", ncol=3, frameon=True)
        _date_axis(ax, report)

    def target_line(self):
        """The target line artist of the shown figure (None when the chart is empty)."""
        return next((line for ax in self.figure.axes for line in ax.get_lines()
                     if line.get_gid() == self.TARGET_GID), None)


class BacklogChart(MetricChart):
    key = "backlog"
    title = QT_TRANSLATE_NOOP("MetricCharts", "Backlog over time and open incidents by age")
    definition_keys = ("backlog",)

    def plot(self, report: MetricsReport, style: dict, out: PreparedChart) -> None:
        x = list(range(len(report.buckets)))
        grid = out.figure.add_gridspec(1, 3)
        ax = out.figure.add_subplot(grid[0, :2])
        ax_age = out.figure.add_subplot(grid[0, 2])
        values = [b.backlog for b in report.buckets]
        (line,) = ax.plot(x, values, marker="o", markersize=3, color=style["mean"], linewidth=1.6)
        ax.fill_between(x, values, color=style["mean"], alpha=0.12)
        _pickable(out, line, "backlog")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(translate("MetricCharts", "Open at the end of each period"), fontsize=10, loc="left", color=style[
                "text"])
        _date_axis(ax, report)
        names = [label for label, _ in report.age]
        counts = [n for _, n in report.age]
        bars = ax_age.barh(list(range(len(names))), counts, color=style["p90"], height=0.6)
        for i, rect in enumerate(bars.patches):
            rect._metrics_index = i  # noqa: SLF001
            _pickable(out, rect, "age")
        ax_age.set_yticks(list(range(len(names))))
        ax_age.set_yticklabels(names, fontsize=7)
        ax_age.invert_yaxis()
        ax_age.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        ax_age.set_title(translate("MetricCharts", "Open by age"), fontsize=10, loc="left", color=style["text"])
        ax_age.grid(False)
        out.data = {"backlog": values, "age": dict(report.age)}


CHART_TYPES = (DurationChart, VolumeChart, SlaChart, BacklogChart)

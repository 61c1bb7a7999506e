"""The review's charts drawn with matplotlib's object API on the Agg canvas (never pyplot): PNG and SVG."""

from __future__ import annotations

import io

from incident_desk.reports.render_lock import RENDER_LOCK
from incident_desk.services.reports import MonthlyReview

# Colour-blind-safe palette (Okabe-Ito), grey last for "Other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
WIDTH_IN, HEIGHT_IN = 7.2, 3.1
PNG_DPI = 200


class Chart:
    """A drawn figure; its PNG (PDF, Markdown) and SVG (HTML) are made when first asked for."""

    def __init__(self, name: str, figure):
        self.name = name
        self.figure = figure
        self._png: bytes | None = None
        self._svg: str | None = None

    @property
    def png(self) -> bytes:
        if self._png is None:
            out = io.BytesIO()
            with RENDER_LOCK:
                self.figure.savefig(out, format="png", dpi=PNG_DPI, facecolor="white")
            self._png = out.getvalue()
        return self._png

    @property
    def svg(self) -> str:
        if self._svg is None:
            import matplotlib
            out = io.StringIO()
            # A fixed hash salt and no date: the same data gives the same SVG.
            with RENDER_LOCK, matplotlib.rc_context({"svg.hashsalt": "incident-desk"}):
                self.figure.savefig(out, format="svg", facecolor="white", metadata={"Date": None})
            self._svg = out.getvalue()
        return self._svg


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style(ax, ylabel: str) -> None:
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _save(fig, name: str) -> Chart:
    return Chart(name, fig)


def volume_chart(review: MonthlyReview) -> Chart:
    """Incidents opened per month, stacked by category (the top ones, then Other)."""
    fig = _figure()
    ax = fig.add_subplot()
    labels = review.trend_labels
    x = list(range(len(labels)))
    bottom = [0] * len(labels)
    for k, (name, values) in enumerate(review.volume_series.items()):
        colour = PALETTE[-1] if name == "Other" else PALETTE[k % (len(PALETTE) - 1)]
        ax.bar(x, values, bottom=bottom, label=name, color=colour, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(x, labels)
    _style(ax, "Incidents opened (count)")
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_thousands())
    if review.volume_series:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.text(0.5, 0.5, "No incidents in these months", ha="center", va="center", transform=ax.transAxes)
    return _save(fig, "volume")


def mttr_chart(review: MonthlyReview) -> Chart:
    """Mean, median and p90 time to resolve per month, in hours."""
    fig = _figure()
    ax = fig.add_subplot()
    labels = review.trend_labels
    x = list(range(len(labels)))
    styles = (("mean", "Mean", PALETTE[0], "o", "-"), ("median", "Median", PALETTE[2], "s", "-"),
              ("p90", "p90", PALETTE[5], "^", "--"))
    drawn = False
    for key, label, colour, marker, line in styles:
        values = review.mttr_series.get(key, [])
        points = [(i, v) for i, v in zip(x, values) if v is not None]
        if points:
            drawn = True
            ax.plot([i for i, _ in points], [v for _, v in points], marker=marker, linestyle=line, color=colour,
                    label=label, linewidth=1.6, markersize=4)
    ax.set_xticks(x, labels)
    ax.set_ylim(bottom=0)
    _style(ax, "Time to resolve (hours)")
    if drawn:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.text(0.5, 0.5, "No resolutions in these months", ha="center", va="center", transform=ax.transAxes)
    return _save(fig, "mttr")


def review_charts(review: MonthlyReview) -> dict[str, Chart]:
    with RENDER_LOCK:
        return {c.name: c for c in (volume_chart(review), mttr_chart(review))}


def _thousands():
    from matplotlib.ticker import FuncFormatter
    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")

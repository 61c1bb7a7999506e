"""Exports of the metrics tab: each chart as PNG or SVG, the series as CSV, the whole tab as a PDF report."""

from __future__ import annotations

import csv
from io import BytesIO
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from incident_desk.domain import metrics as dm
from incident_desk.domain.formatting import stat_durations
from incident_desk.services.metrics import MetricsReport
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate

PDF_DPI = 150


def save_chart(chart, path: str | Path) -> Path:
    """The chart's figure as PNG or SVG, chosen by the file's extension."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg"):
        raise ValueError(f"Charts export as PNG or SVG, not '{fmt}'.")
    chart.figure.savefig(str(path), format=fmt, dpi=150, facecolor=chart.figure.get_facecolor())
    return path


def save_csv(report: MetricsReport, path: str | Path) -> Path:
    """One row per period with every series the charts draw (UTF-8 with a header)."""
    path = Path(path)
    rows = report.series_rows()
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns or ["start"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return path


def _chart_image(chart) -> QImage:
    """Render the chart light (paper), whatever the screen's scheme is."""
    buffer = BytesIO()
    if chart.report is not None and chart.dark:
        chart.show_report(chart.report, dark=False)
        chart.figure.savefig(buffer, format="png", dpi=PDF_DPI)
        chart.show_report(chart.report, dark=True)
        chart.draw_idle()
    else:
        chart.figure.savefig(buffer, format="png", dpi=PDF_DPI, facecolor=theme.chart_style(False)["face"])
    image = QImage()
    image.loadFromData(buffer.getvalue(), "PNG")
    return image


def _headline_lines(report: MetricsReport) -> list[str]:
    pct = lambda v: "-" if v is None else f"{v:.1f} %"  # noqa: E731
    tta = stat_durations([report.tta.mean, report.tta.median, report.tta.p90])
    ttr = stat_durations([report.ttr.mean, report.ttr.median, report.ttr.p90])
    return [
        translate("MetricsExport",
                  "Volume: {total:,} opened; {resolved:,} resolved; {acknowledged:,} acknowledged.").format(
                total=report.total, resolved=report.resolved, acknowledged=report.acknowledged),
        translate("MetricsExport", "Open backlog at the end of the period: {open:,}.").format(open=report.open),
        translate("MetricsExport", "MTTA {mean} (median {median}, p90 {p90}, n = {n:,}).").format(
            mean=tta[0], median=tta[1], p90=tta[2], n=report.tta.n),
        translate("MetricsExport",
                  "MTTR {mean} (median {median}, p90 {p90}, n = {n:,}); {left_out:,} closed or cancelled without a "
                  "resolution time left out.").format(mean=ttr[0], median=ttr[1], p90=ttr[2], n=report.ttr.n,
                                                      left_out=report.left_out),
        translate("MetricsExport",
                  "SLA compliance {sla} (target {target:g} %, response {response}); reopen rate {reopen}.").format(
            sla=pct(report.sla.pct), target=report.sla_target_pct, response=pct(report.response_sla.pct),
            reopen=pct(report.reopen_rate_pct)),
        *_change_lines(report),
        *[t.describe() for t in report.trends],
    ]


_CHANGE_NAMES = {"volume": QT_TRANSLATE_NOOP("MetricsExport", "volume"),
                 "backlog": QT_TRANSLATE_NOOP("MetricsExport", "open backlog"),
                 "mtta": QT_TRANSLATE_NOOP("MetricsExport", "MTTA"), "mttr": QT_TRANSLATE_NOOP("MetricsExport", "MTTR"),
                 "sla": QT_TRANSLATE_NOOP("MetricsExport", "SLA compliance"),
                 "reopen": QT_TRANSLATE_NOOP("MetricsExport", "reopen rate")}


def _change_lines(report: MetricsReport) -> list[str]:
    changes = report.changes()
    if not changes:
        return []
    parts = [(translate("MetricsExport", "{name} {change} ({verdict})") if changes[key].verdict
              else translate("MetricsExport", "{name} {change}")).format(
                 name=translate("MetricsExport", name), change=changes[key].short(), verdict=changes[key].verdict)
             for key, name in _CHANGE_NAMES.items()]
    return [translate("MetricsExport", "Against the previous {period}: {changes}.").format(
        period=report.period_text(), changes="; ".join(parts))]


def save_pdf(tab, path: str | Path) -> Path:
    """A multi-page A4 report: headline and definitions, then two charts per page."""
    path = Path(path)
    report: MetricsReport = tab.report
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(translate("MetricsExport", "Incident Desk metrics"))
    painter = QPainter(writer)
    try:
        page = writer.pageLayout().paintRectPixels(PDF_DPI)
        width, height = page.width(), page.height()
        y = 0.0

        def text(block: str, size: float, bold: bool = False, gap: float = 6.0) -> None:
            nonlocal y
            font = QFont("Sans Serif")
            font.setPointSizeF(size)
            font.setBold(bold)
            painter.setFont(font)
            rect = painter.boundingRect(QRectF(0, y, width, height - y), Qt.TextFlag.TextWordWrap, block)
            painter.drawText(rect, Qt.TextFlag.TextWordWrap, block)
            y = rect.bottom() + gap

        period = f"{dm.bucket_label(report.start, 'day')} to {dm.bucket_label(report.end - 1, 'day')}"
        text(translate("MetricsExport", "Incident Desk metrics"), 18, bold=True)
        clock = translate("MetricsExport", "business hours") if report.business_hours else translate("MetricsExport",
                "wall clock")
        if report.exclude_hold:
            clock += translate("MetricsExport", ", On hold excluded")
        text(translate("MetricsExport",
                       "{period} (UTC), by {by}, {clock}. Generated {generated_at:%Y-%m-%d %H:%M} UTC.").format(
                period=period, by=report.by, clock=clock, generated_at=report.generated_at), 9)
        for line in _headline_lines(report):
            text(line, 10, gap=3)
        y += 8
        text(translate("MetricsExport", "Definitions"), 12, bold=True)
        for key, definition in dm.DEFINITIONS.items():
            text(dm.DEFINITION_TITLES.get(key, key), 8, bold=True, gap=1)
            text(definition, 8, gap=3)
        first_chart = True
        for chart in tab.charts.values():
            image = _chart_image(chart)
            scaled_h = width * image.height() / max(1, image.width())
            if first_chart or y + scaled_h + 40 > height:
                writer.newPage()
                y = 0.0
                first_chart = False
            text(translate("MetricCharts", chart.title), 12, bold=True, gap=4)
            painter.drawImage(QRectF(0, y, width, scaled_h), image)
            y += scaled_h + 20
    finally:
        painter.end()
    return path

"""The Metrics tab: filters, headline cards, four charts, drill-down and exports, refreshed in a worker."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain import metrics as dm
from incident_desk.domain.incident import IncidentFilter, Priority
from incident_desk.services.metrics import DrillPoint, MetricsReport, MetricsService
from incident_desk.ui import theme
from incident_desk.ui.workers import WorkerPool

PERIODS = (("Last 4 weeks", 28), ("Last 13 weeks", 91), ("Last 26 weeks", 182), ("Last 52 weeks", 364),
           ("All time", None))
DEFAULT_PERIOD = 2


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the GUI thread (queued)."""

    sig_progress_changed = Signal(int, str)
    """Percent done and what the refresh is doing."""


class HeadlineCard(QFrame):
    """One figure: a title, a big value, a detail line and its definition beside it."""

    def __init__(self, title: str, definition: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("metricCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.value = QLabel("-")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("")
        self.definition = QLabel(definition)
        self.definition.setWordWrap(True)
        small = self.definition.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.definition.setFont(small)
        self.definition.setStyleSheet(f"color: {theme.muted_text_color().name()};")
        for w in (self.title, self.value, self.detail, self.definition):
            layout.addWidget(w)
        layout.addStretch(1)
        self.setToolTip(definition)

    def set_figure(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


class MetricsTab(QWidget):
    """How the desk performs; every number comes from MetricsService.refresh."""

    sig_drill_down = Signal(object, str)
    """The user clicked a point: an IncidentFilter for exactly its incidents, and a label."""
    sig_refreshed = Signal(object)
    """A refresh finished and the charts show this MetricsReport."""
    sig_failed = Signal(str)
    """A refresh or drill-down failed; the message is one sentence."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.service = MetricsService.for_desk(desk)
        self.pool = WorkerPool(self, max_threads=1)
        self.report: MetricsReport | None = None
        self._generation = 0
        self._draw_queue: list = []
        self._relay = _ProgressRelay(self)
        self._build()
        self._connect_signals()
        self._shown_once = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # After the first layout, so the charts are prepared at the size they are shown at.
            QTimer.singleShot(0, self.refresh)

    # ---- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        from incident_desk.ui.widgets import metric_charts  # matplotlib only when the tab is built

        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.by = QComboBox()
        for g in dm.GRANULARITIES:
            self.by.addItem(g.capitalize(), g)
        self.by.setCurrentIndex(1)
        self.team = self._choice("All teams", self.desk.users.team_names())
        self.category = self._choice("All categories", sorted(self.desk.settings.categories()))
        self.priority = self._choice("All priorities", [p.label for p in Priority])
        self.assignee = self._choice("All assignees", [u["username"] for u in self.desk.users.list_users()])
        self.business = QCheckBox("Business hours")
        self.business.setToolTip(dm.DEFINITIONS["business_hours"])
        self.no_hold = QCheckBox("Exclude On hold")
        self.no_hold.setToolTip(dm.DEFINITIONS["exclude_hold"])
        self.refresh_button = QPushButton("Refresh")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)
        self.review_button = QPushButton("Monthly review…")
        self.review_button.setToolTip("The month's review for team leads and the board: figures against the month "
                                      "before, trends, major incidents and action items (PDF, HTML, Markdown)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel("")
        for w in (QLabel("Period"), self.period, self.by, self.team, self.category, self.priority, self.assignee,
                  self.business, self.no_hold, self.refresh_button, self.export_button, self.review_button,
                  self.progress):
            bar.addWidget(w)
        bar.addStretch(1)
        outer.addLayout(bar)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body = body
        col = QVBoxLayout(body)
        cards = QGridLayout()
        cards.setHorizontalSpacing(8)
        self.cards = {
            "volume": HeadlineCard("Volume", dm.DEFINITIONS["volume"]),
            "backlog": HeadlineCard("Open backlog", "Incidents open at the end of the period."),
            "mtta": HeadlineCard("MTTA", "Mean time to acknowledge: opening to the first move out of New."),
            "mttr": HeadlineCard("MTTR", "Mean time to resolve: opening to the final resolution."),
            "sla": HeadlineCard("SLA compliance", "Resolved within the resolution target, priorities with one."),
            "reopen": HeadlineCard("Reopen rate", dm.DEFINITIONS["reopen"]),
        }
        self.cards["mtta"].setToolTip(dm.DEFINITIONS["tta"] + "\n" + dm.DEFINITIONS["percentiles"])
        self.cards["mttr"].setToolTip(dm.DEFINITIONS["ttr"] + "\n" + dm.DEFINITIONS["percentiles"])
        self.cards["sla"].setToolTip(dm.DEFINITIONS["sla"])
        self.cards["backlog"].setToolTip(dm.DEFINITIONS["backlog"])
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)
        col.addLayout(cards)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.notes)
        grid = QGridLayout()
        self.charts = {}
        for i, chart_type in enumerate(metric_charts.CHART_TYPES):
            chart = chart_type(body)
            chart.on_pick = self._point_picked
            self.charts[chart.key] = chart
            box = QVBoxLayout()
            title = QLabel(chart.title)
            title.setStyleSheet("font-weight: 600;")
            caption = QLabel(chart.definition)
            caption.setWordWrap(True)
            small = caption.font()
            small.setPointSizeF(small.pointSizeF() * 0.85)
            caption.setFont(small)
            caption.setStyleSheet(f"color: {theme.muted_text_color().name()};")
            box.addWidget(title)
            box.addWidget(chart, 1)
            box.addWidget(caption)
            grid.addLayout(box, i // 2, i % 2)
        col.addLayout(grid, 1)
        footer = QLabel(dm.DEFINITIONS["percentiles"] + " " + dm.DEFINITIONS["buckets"])
        footer.setWordWrap(True)
        footer.setStyleSheet(f"color: {theme.muted_text_color().name()};")
        col.addWidget(footer)
        col.addWidget(self.status)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._build_export_menu()

    def _choice(self, any_label: str, values: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_label, None)
        for v in values:
            combo.addItem(v, v)
        return combo

    def _build_export_menu(self) -> None:
        for key, chart in self.charts.items():
            self.export_menu.addAction(f"{chart.title} as PNG...", lambda k=key: self._export_chart(k, "png"))
            self.export_menu.addAction(f"{chart.title} as SVG...", lambda k=key: self._export_chart(k, "svg"))
        self.export_menu.addSeparator()
        self.export_menu.addAction("Series as CSV...", self._export_csv)
        self.export_menu.addAction("Whole tab as PDF report...", self._export_pdf)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.review_button.clicked.connect(self._on_review_clicked)
        for combo in (self.period, self.by, self.team, self.category, self.priority, self.assignee):
            combo.currentIndexChanged.connect(self._on_filters_changed)
        for box in (self.business, self.no_hold):
            box.toggled.connect(self._on_filters_changed)
        self._relay.sig_progress_changed.connect(self._on_progress_changed)

    @Slot()
    def _on_review_clicked(self) -> None:
        from incident_desk.ui.dialogs.report_dialogs import MonthlyReviewDialog
        self.review_dialog = MonthlyReviewDialog(self.desk, self)
        self.review_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.review_dialog.open()

    # ---- filters -------------------------------------------------------------------------------

    def current_filter(self) -> dm.MetricsFilter:
        days = self.period.currentData()
        start = None
        if days is not None:
            now = self.desk.clock()
            # Whole UTC days, ending with today, so the first week is not cut at the current hour.
            today = now.replace(hour=0, minute=0, second=0, microsecond=0)
            start = today + timedelta(days=1) - timedelta(days=days)
        one = lambda combo: frozenset({combo.currentData()}) if combo.currentData() else frozenset()  # noqa: E731
        prios = frozenset(Priority.parse(p) for p in one(self.priority))
        return dm.MetricsFilter(start=start, teams=one(self.team), categories=one(self.category),
                                priorities=prios, assignees=one(self.assignee))

    @Slot()
    def _on_filters_changed(self, *_args) -> None:
        self.refresh()

    # ---- refresh -------------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Recompute in a worker; the newest request wins, older results are dropped."""
        self._generation += 1
        generation = self._generation
        filters = self.current_filter()
        self.progress.setValue(0)
        self.progress.show()
        self.refresh_button.setEnabled(False)
        relay = self._relay

        def progress(pct: int, text: str) -> None:
            relay.sig_progress_changed.emit(pct, text)

        by, business, no_hold = self.by.currentData(), self.business.isChecked(), self.no_hold.isChecked()
        dark = theme.is_dark()
        charts = [(chart, chart.geometry()) for chart in self.charts.values()]
        service = self.service

        def job():
            report = service.refresh(filters, by=by, business_hours=business, exclude_hold=no_hold,
                                     progress=progress)
            progress(100, "Drawing charts")
            # Charts are built and rendered here too: drawing one takes longer than a frame.
            return report, [(chart, chart.prepare(report, dark=dark, geometry=g)) for chart, g in charts], dark

        self.pool.submit(job, on_done=lambda result, g=generation: self._on_report_ready(g, result),
                         on_error=lambda exc, g=generation: self._on_refresh_failed(g, exc))

    @Slot(int, str)
    def _on_progress_changed(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.status.setText(text)

    def _on_refresh_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.progress.hide()
        self.refresh_button.setEnabled(True)
        self.status.setText(str(exc))
        self.sig_failed.emit(str(exc))

    def _on_report_ready(self, generation: int, result) -> None:
        if generation != self._generation:
            return
        report, prepared, dark = result
        self.report = report
        self._show_headline(report)
        # One chart per event-loop turn; installing is a buffer swap, never a render. The tab is the
        # timer's context, so a turn still queued when the tab goes (its window closed) never runs.
        self._draw_queue = [(chart, ready, report, dark) for chart, ready in prepared]
        QTimer.singleShot(0, self, self._draw_next)

    @Slot()
    def _draw_next(self) -> None:
        if not self._draw_queue:
            return
        chart, ready, report, dark = self._draw_queue.pop(0)
        if report is not self.report:
            self._draw_queue.clear()
            return
        chart.install(ready, report, dark=dark)
        if self._draw_queue:
            QTimer.singleShot(0, self, self._draw_next)
        else:
            self.progress.hide()
            self.refresh_button.setEnabled(True)
            self.status.setText(f"Updated {report.generated_at:%Y-%m-%d %H:%M} UTC")
            self.sig_refreshed.emit(report)

    def is_busy(self) -> bool:
        return bool(self._draw_queue) or self.pool.pending() > 0

    def _show_headline(self, r: MetricsReport) -> None:
        fmt = dm.format_duration
        self.cards["volume"].set_figure(f"{r.total:,}", f"{r.resolved:,} resolved, {r.acknowledged:,} acknowledged")
        self.cards["backlog"].set_figure(f"{r.open:,}", "open at the end of the period")
        self.cards["mtta"].set_figure(fmt(r.tta.mean), f"median {fmt(r.tta.median)}, p90 {fmt(r.tta.p90)}")
        self.cards["mttr"].set_figure(fmt(r.ttr.mean), f"median {fmt(r.ttr.median)}, p90 {fmt(r.ttr.p90)}")
        self.cards["sla"].set_figure(_pct(r.sla.pct), f"response {_pct(r.response_sla.pct)}")
        self.cards["reopen"].set_figure(_pct(r.reopen_rate_pct), f"{r.reopened:,} of {r.resolved:,} resolved")
        lines = []
        if r.left_out:
            lines.append(f"{r.left_out:,} incidents closed or cancelled without a resolution time are counted in "
                         f"volumes but left out of MTTR.")
        clock = "business hours" if r.business_hours else "wall clock"
        if r.exclude_hold:
            clock += ", time On hold excluded"
        lines.append(f"Durations in {clock}; {r.by}s in UTC.")
        for t in r.trends:
            lines.append("\u25b2 " + t.describe())
        if not r.trends:
            lines.append("No category is rising. " + dm.TREND_RULE_TEXT)
        self.notes.setText("\n".join(lines))

    # ---- drill-down -----------------------------------------------------------------------------

    def _point_picked(self, point: DrillPoint) -> None:
        if self.report is None:
            return
        report = self.report
        # Some points list their incidents by number, which takes a query: keep it off the GUI thread.
        self.pool.submit(self.service.drill_down, report, point, on_done=self._on_drill_ready,
                         on_error=lambda exc: self._on_drill_failed(exc))

    def _on_drill_ready(self, result: tuple[IncidentFilter, str]) -> None:
        filters, label = result
        self.sig_drill_down.emit(filters, label)

    def _on_drill_failed(self, exc: BaseException) -> None:
        self.status.setText(str(exc))
        self.sig_failed.emit(str(exc))

    # ---- export -----------------------------------------------------------------------------------

    def _export_chart(self, key: str, fmt: str) -> None:
        from incident_desk.ui.widgets import metrics_export

        path, _ = QFileDialog.getSaveFileName(self, "Export chart", f"{key}.{fmt}", f"{fmt.upper()} (*.{fmt})")
        if path:
            metrics_export.save_chart(self.charts[key], path)

    def _export_csv(self) -> None:
        from incident_desk.ui.widgets import metrics_export

        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export series", "metrics.csv", "CSV (*.csv)")
        if path:
            metrics_export.save_csv(self.report, path)

    def _export_pdf(self) -> None:
        from incident_desk.ui.widgets import metrics_export

        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export report", "metrics.pdf", "PDF (*.pdf)")
        if path:
            metrics_export.save_pdf(self, path)

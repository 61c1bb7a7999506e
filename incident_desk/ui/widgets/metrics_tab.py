"""The Metrics tab: filters, headline cards, four charts, drill-down and exports, refreshed in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, QTimer, Signal, Slot
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
from incident_desk.domain.formatting import stat_durations, time_short
from incident_desk.domain.incident import DomainError, IncidentFilter, Priority
from incident_desk.services.errors import StorageError
from incident_desk.services.metrics import DrillPoint, MetricsReport, MetricsService, headline_figures
from incident_desk.ui import theme
from incident_desk.ui.dialogs.metric_definitions import DefinitionsDialog
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import tooltip
from incident_desk.ui.widgets.flow_layout import FlowLayout
from incident_desk.ui.workers import WorkerPool

PERIODS = (
    (QT_TRANSLATE_NOOP("MetricsTab", "Last 4 weeks"), 28),
    (QT_TRANSLATE_NOOP("MetricsTab", "Last 13 weeks"), 91),
    (QT_TRANSLATE_NOOP("MetricsTab", "Last 26 weeks"), 182),
    (QT_TRANSLATE_NOOP("MetricsTab", "Last 52 weeks"), 364),
    (QT_TRANSLATE_NOOP("MetricsTab", "All time"), None),
)
DEFAULT_PERIOD = 2
CARD_MIN_WIDTH = 170    # six cards in a row from 1,020 px, three below, two on the narrowest
CHART_MIN_WIDTH = 440   # two charts side by side from 880 px, else one under the other


@dataclass(frozen=True)
class _Choices:
    """What the team, category and assignee filters offer (read on the network reader on PostgreSQL)."""

    teams: tuple[str, ...]
    categories: tuple[str, ...]
    assignees: tuple[str, ...]


def _dt(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the GUI thread (queued)."""

    sig_progress_changed = Signal(int, str)
    """Percent done and what the refresh is doing."""


class HelpButton(QToolButton):
    """A small "?" beside a figure or chart: its definition as a tooltip, the definitions page on click."""

    def __init__(self, keys: tuple[str, ...], parent: QWidget | None = None, *, about: str = ""):
        super().__init__(parent)
        self.keys = keys
        self.setText("?")
        self.setAutoRaise(True)
        self.setObjectName("definitionButton")
        self.setCursor(Qt.CursorShape.WhatsThisCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        text = "\n\n".join(dm.DEFINITIONS[k] for k in keys)
        self.setToolTip(tooltip(translate("MetricsTab", "{definitions}\n\nClick for every definition.").format(
            definitions=text)))
        # Named after its figure or chart: a screen reader's list of buttons tells the "?"s apart.
        self.setAccessibleName(translate("MetricsTab", "Definition of {about}").format(about=about) if about
                               else translate("MetricsTab", "Definition"))
        self.setAccessibleDescription(text)


class HeadlineCard(QFrame):
    """One figure: its title and "?", the value, its change against the previous period, a detail line."""

    def __init__(self, title: str, keys: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("metricCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 8)
        layout.setSpacing(1)
        head = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.help = HelpButton(keys, self, about=title)
        head.addWidget(self.title, 1)
        head.addWidget(self.help)
        self.value = QLabel("-")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.change = QLabel("")
        self.previous = QLabel("")
        self.detail = QLabel("")
        for label in (self.change, self.previous, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        small = self.detail.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        for label in (self.previous, self.detail):
            theme.style(label, "muted")
            label.setFont(small)
        layout.addLayout(head)
        for w in (self.value, self.change, self.previous, self.detail):
            layout.addWidget(w)
        layout.addStretch(1)
        self._definition = "\n\n".join(dm.DEFINITIONS[k] for k in keys)
        self.setToolTip(tooltip(self._definition))

    def set_figure(self, value: str, detail: str = "", note: str = "") -> None:
        """The value and detail line (none when empty); ``note`` adds to the tooltip (e.g. what was left out)."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setToolTip(tooltip(self._definition + (f"\n\n{note}" if note else "")))

    def set_change(self, change: dm.Change | None, previous: str, period: str) -> None:
        """The change against the previous period in words and colour (colour only repeats the words);
        hidden when there is no previous period or no figure now, one muted line when there was none before."""
        shown = change is not None and change.current is not None
        self.change.setVisible(shown)
        self.previous.setVisible(shown and change.previous is not None)
        if not shown:
            self.change.setAccessibleName("")
            return
        if change.previous is None:
            self.change.setText(change.describe(period))
            self.change.setAccessibleName(change.describe(period))
            self.change.setToolTip("")
            theme.style(self.change, "muted")
            return
        verdict = f" \u00b7 {change.verdict}" if change.verdict else ""
        self.change.setText(change.short() + verdict)
        self.change.setAccessibleName(change.describe(period))
        self.change.setToolTip(tooltip(translate("MetricsTab",
                                                 "{describe}; previous: {previous}").format(describe=change.describe(
                period), previous=previous)))
        theme.style(self.change, change.verdict or "muted")
        self.previous.setText(translate("MetricsTab", "previous {period}: {previous}").format(period=period,
                previous=previous))


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
        self.definitions: DefinitionsDialog | None = None
        self._generation = 0
        self._draw_queue: list = []
        self._relay = _ProgressRelay(self)
        self._columns: tuple[int, int] | None = None
        self._build()
        self._connect_signals()
        self._shown_once = False
        self._read_choices()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # After the first layout, so the charts are prepared at the size they are shown at.
            QTimer.singleShot(0, self.refresh)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._reflow(event.size().width())

    # ---- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        from incident_desk.ui.widgets import metric_charts  # matplotlib only when the tab is built

        outer = QVBoxLayout(self)
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(translate("MetricsTab", label), days)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.setAccessibleName(translate("MetricsTab", "Period"))
        self.by = QComboBox()
        for g in dm.GRANULARITIES:
            self.by.addItem(translate("MetricsTab", "By {g}").format(g=g), g)
        self.by.setCurrentIndex(1)
        self.by.setAccessibleName(translate("MetricsTab", "Group by"))
        # Teams, categories and assignees are read after the tab is built (see _read_choices).
        self.team = self._choice(translate("MetricsTab", "All teams"), [])
        self.category = self._choice(translate("MetricsTab", "All categories"), [])
        self.priority = self._choice(translate("MetricsTab", "All priorities"), [p.label for p in Priority])
        self.assignee = self._choice(translate("MetricsTab", "All assignees"), [])
        for combo, name in ((self.team, translate("MetricsTab", "Team")),
                            (self.category, translate("MetricsTab", "Category")),
                            (self.priority, translate("MetricsTab", "Priority")),
                            (self.assignee, translate("MetricsTab", "Assignee"))):
            combo.setAccessibleName(name)
        self.business = QCheckBox(translate("MetricsTab", "Business hours"))
        self.business.setToolTip(tooltip(dm.DEFINITIONS["business_hours"]))
        self.no_hold = QCheckBox(translate("MetricsTab", "Exclude On hold"))
        self.no_hold.setToolTip(tooltip(dm.DEFINITIONS["exclude_hold"]))
        self.refresh_button = QPushButton(translate("MetricsTab", "Refresh"))
        self.export_button = QToolButton()
        self.export_button.setText(translate("MetricsTab", "Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)
        self.definitions_button = QToolButton()
        self.definitions_button.setText(translate("MetricsTab", "Definitions…"))
        self.definitions_button.setToolTip(translate("MetricsTab", "What every figure and chart counts"))
        self.review_button = QPushButton(translate("MetricsTab", "Monthly review…"))
        self.review_button.setToolTip(translate("MetricsTab",
                                                "The month's review for team leads and the board: figures against the "
                                                "month "
                                      "before, trends, major incidents and action items (PDF, HTML, Markdown)"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        theme.style(self.status, "muted")
        # Wraps onto a second row on a narrow window instead of forcing the tab (and the window) wider.
        bar = FlowLayout()
        for w in (self.period, self.by, self.team, self.category, self.priority, self.assignee, self.business,
                  self.no_hold, self.refresh_button, self.export_button, self.review_button, self.definitions_button,
                  self.progress):
            bar.addWidget(w)
        outer.addLayout(bar)

        scroll = QScrollArea()
        scroll.setAccessibleName(translate("MetricsTab", "Figures and charts"))  # a Tab stop: the arrows scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.body = body
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 0, 0)
        self.card_grid = QGridLayout()
        self.card_grid.setHorizontalSpacing(8)
        self.card_grid.setVerticalSpacing(8)
        self.cards = {
            "volume": HeadlineCard(translate("MetricsTab", "Volume"), ("volume", "change")),
            "backlog": HeadlineCard(translate("MetricsTab", "Open backlog"), ("backlog", "change")),
            "mtta": HeadlineCard(translate("MetricsTab", "MTTA"), ("tta", "percentiles", "change")),
            "mttr": HeadlineCard(translate("MetricsTab", "MTTR"), ("ttr", "percentiles", "change")),
            "sla": HeadlineCard(translate("MetricsTab", "SLA compliance"), ("sla", "sla_target", "change")),
            "reopen": HeadlineCard(translate("MetricsTab", "Reopen rate"), ("reopen", "change")),
        }
        for card in self.cards.values():
            card.setParent(body)  # in the Tab chain now, before the charts: Tab reads the cards first
        col.addLayout(self.card_grid)
        # Only news: a rising category. The rule itself is behind the volume chart's "?".
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.hide()
        col.addWidget(self.notes)
        self.chart_grid = QGridLayout()
        self.chart_grid.setHorizontalSpacing(10)
        self.charts = {}
        self.chart_boxes: list[QWidget] = []
        self.chart_help: dict[str, HelpButton] = {}
        for chart_type in metric_charts.CHART_TYPES:
            box = QWidget(body)
            chart = chart_type(box)
            chart.on_pick = self._point_picked
            self.charts[chart.key] = chart
            head = QHBoxLayout()
            head.setContentsMargins(0, 0, 0, 0)
            title = QLabel(translate("MetricCharts", chart.title), box)
            title.setStyleSheet("font-weight: 600;")
            help_button = HelpButton(chart.definition_keys, box, about=title.text())
            self.chart_help[chart.key] = help_button
            head.addWidget(title)
            head.addWidget(help_button)
            head.addStretch(1)
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 4, 0, 0)
            v.setSpacing(0)
            v.addLayout(head)
            v.addWidget(chart, 1)
            self.chart_boxes.append(box)
        col.addLayout(self.chart_grid)
        col.addWidget(self.status)
        col.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._reflow(self.width())
        self._build_export_menu()

    def _reflow(self, width: int) -> None:
        """Cards in six, three or two columns and charts in two or one, by the width there is: the tab
        never forces the window wider than a laptop's screen."""
        cards = 6 if width >= 6 * CARD_MIN_WIDTH else 3 if width >= 3 * CARD_MIN_WIDTH else 2
        charts = 2 if width >= 2 * CHART_MIN_WIDTH else 1
        if self._columns == (cards, charts):
            return
        self._columns = (cards, charts)
        for grid, widgets, n in ((self.card_grid, list(self.cards.values()), cards),
                                 (self.chart_grid, self.chart_boxes, charts)):
            for w in widgets:
                grid.removeWidget(w)
            for c in range(grid.columnCount()):
                grid.setColumnStretch(c, 0)
            for i, w in enumerate(widgets):
                grid.addWidget(w, i // n, i % n)
            for c in range(n):
                grid.setColumnStretch(c, 1)

    def show_definitions(self, key: str | None = None) -> DefinitionsDialog:
        """The definitions page, scrolled to ``key`` (one page per tab, reused)."""
        if self.definitions is None:
            self.definitions = DefinitionsDialog(self)
        self.definitions.show_key(key)
        return self.definitions

    def _choice(self, any_label: str, values: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_label, None)
        for v in values:
            combo.addItem(v, v)
        return combo

    def _read_choices(self) -> None:
        """The teams, categories and assignees the filters offer. On SQLite read in place; on PostgreSQL on
        the desk's network reader without waiting: the tab is built inside the window's tab switch, where a
        wait would let the user act on a window still building it; the filters offer "All" meanwhile."""
        desk = self.desk

        def read() -> _Choices:
            return _Choices(teams=tuple(desk.users.team_names()), categories=tuple(desk.settings.category_names()),
                            assignees=tuple(u["username"] for u in desk.users.list_users()))
        ops = ops_for(desk)
        if not ops.reads_cross_network:
            try:
                self._on_choices_read(read())
            except (DomainError, StorageError) as exc:
                self._on_choices_failed(exc)
        elif not ops.is_closed():
            ops.read(read, on_done=self._on_choices_read, on_error=self._on_choices_failed)

    def _on_choices_read(self, choices: _Choices) -> None:
        """Adds the choices after "All", which stays chosen: no refresh follows, nothing flashes."""
        for combo, values in ((self.team, choices.teams), (self.category, choices.categories),
                              (self.assignee, choices.assignees)):
            for v in values:
                combo.addItem(v, v)

    def _on_choices_failed(self, exc: BaseException) -> None:
        if not self.is_busy():  # a refresh's own progress text is not covered up
            self.status.setText(str(exc))
        self.sig_failed.emit(str(exc))

    def _build_export_menu(self) -> None:
        for key, chart in self.charts.items():
            title = translate("MetricCharts", chart.title)
            self.export_menu.addAction(translate("MetricsTab", "{title} as PNG...").format(title=title),
                                       lambda k=key: self._export_chart(k, "png"))
            self.export_menu.addAction(translate("MetricsTab", "{title} as SVG...").format(title=title),
                                       lambda k=key: self._export_chart(k, "svg"))
        self.export_menu.addSeparator()
        self.export_menu.addAction(translate("MetricsTab", "Series as CSV..."), self._export_csv)
        self.export_menu.addAction(translate("MetricsTab", "Whole tab as PDF report..."), self._export_pdf)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.definitions_button.clicked.connect(lambda: self.show_definitions())
        for button in [c.help for c in self.cards.values()] + list(self.chart_help.values()):
            button.clicked.connect(lambda _=False, k=button.keys[0]: self.show_definitions(k))
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
        self._set_refreshing(True)
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
            progress(100, translate("MetricsTab", "Drawing charts"))
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
        self._set_refreshing(False)
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
            self._set_refreshing(False)
            clock = translate("MetricsTab", "business hours") if report.business_hours else translate("MetricsTab",
                    "wall clock")
            if report.exclude_hold:
                clock += translate("MetricsTab", ", On hold excluded")
            self.status.setText(translate("MetricsTab",
                                          "Updated {time_short} UTC · durations in {clock} · {by}s in UTC").format(
                    time_short=time_short(report.generated_at, UTC), clock=clock, by=report.by))
            self.sig_refreshed.emit(report)

    def _set_refreshing(self, refreshing: bool) -> None:
        # Exports read the shown report and redraw the shown charts: not while a refresh replaces them.
        self.refresh_button.setEnabled(not refreshing)
        self.export_button.setEnabled(not refreshing and self.report is not None)

    def is_busy(self) -> bool:
        return bool(self._draw_queue) or self.pool.pending() > 0

    def _show_headline(self, r: MetricsReport) -> None:
        self.cards["volume"].set_figure(f"{r.total:,}", translate("MetricsTab",
                "{resolved:,} resolved").format(resolved=r.resolved),
                                        translate("MetricsTab",
                                                  "{resolved:,} resolved and {acknowledged:,} acknowledged in the "
                                                  "period.").format(resolved=r.resolved, acknowledged=r.acknowledged))
        self.cards["backlog"].set_figure(f"{r.open:,}", translate("MetricsTab", "open now") if r.open_at_end_is_now
                                         else translate("MetricsTab",
                                                        "open at {time_short} UTC").format(time_short=time_short(_dt(
                                                 r.end), UTC)))
        for key, stats in (("mtta", r.tta), ("mttr", r.ttr)):
            mean, median, p90 = stat_durations([stats.mean, stats.median, stats.p90])  # one unit for the three
            note = translate("MetricsTab", "Over {n:,} incidents.").format(n=stats.n)
            if key == "mttr" and r.left_out:
                note = translate("MetricsTab", "Over {n:,} incidents. {left_out:,} closed or cancelled without a "
                                               "resolution time are counted in volumes but left out of MTTR.").format(
                    n=stats.n, left_out=r.left_out)
            self.cards[key].set_figure(mean, translate("MetricsTab",
                                                       "median {median} · p90 {p90}").format(median=median,
                    p90=p90) if stats.n else "", note)
        self.cards["sla"].set_figure(_pct(r.sla.pct), translate("MetricsTab",
                "target {sla_target_pct:g} % · response {pct}").format(sla_target_pct=r.sla_target_pct, pct=_pct(
                r.response_sla.pct)))
        self.cards["reopen"].set_figure(_pct(r.reopen_rate_pct),
                                        translate("MetricsTab",
                                                  "{reopened:,} of {resolved:,} resolved").format(reopened=r.reopened,
                                                resolved=r.resolved) if r.resolved else "")
        changes, period = r.changes(), r.period_text()
        previous = headline_figures(r.previous) if r.previous is not None else {}
        now = headline_figures(r)
        for key, card in self.cards.items():
            change = changes.get(key)
            before = previous.get(key)
            if key in ("mtta", "mttr"):
                text = stat_durations([now[key], before])[1] if before is not None else "-"  # the card's unit
            elif key in ("sla", "reopen"):
                text = _pct(before)
            else:
                text = "-" if before is None else f"{int(before):,}"
            card.set_change(change, text, period)
        lines = [r.note] if r.note else []  # the grouping is coarser than asked: say why
        lines += ["\u25b2 " + t.describe() for t in r.trends]
        self.notes.setText("\n".join(lines))
        self.notes.setVisible(bool(lines))

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

        path, _ = QFileDialog.getSaveFileName(self, translate("MetricsTab", "Export chart"), f"{key}.{fmt}",
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            metrics_export.save_chart(self.charts[key], path)

    def _export_csv(self) -> None:
        from incident_desk.ui.widgets import metrics_export

        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, translate("MetricsTab", "Export series"), "metrics.csv",
                                              translate("MetricsTab", "CSV (*.csv)"))
        if path:
            metrics_export.save_csv(self.report, path)

    def _export_pdf(self) -> None:
        from incident_desk.ui.widgets import metrics_export

        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, translate("MetricsTab", "Export report"), "metrics.pdf",
                                              translate("MetricsTab", "PDF (*.pdf)"))
        if path:
            metrics_export.save_pdf(self, path)

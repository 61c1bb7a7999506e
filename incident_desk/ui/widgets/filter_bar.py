"""The filter bar: status, priority, category, assignee, team, date range and throttled free text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.formatting import time_short
from incident_desk.domain.incident import OPEN_STATUSES, IncidentFilter, Priority, Status, format_key, key_in_text
from incident_desk.domain.limits import FIRST_YEAR, LAST_YEAR
from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label, tooltip
from incident_desk.ui.widgets.flow_layout import FlowLayout

SEARCH_DELAY_MS = 250
ANY = "__any__"
UNASSIGNED = "__unassigned__"
_DATE_PRESETS = (
    (QT_TRANSLATE_NOOP("FilterBar", "Any time"), None),
    (QT_TRANSLATE_NOOP("FilterBar", "Last 24 hours"), 1),
    (QT_TRANSLATE_NOOP("FilterBar", "Last 7 days"), 7),
    (QT_TRANSLATE_NOOP("FilterBar", "Last 30 days"), 30),
    (QT_TRANSLATE_NOOP("FilterBar", "Last 90 days"), 90),
    (QT_TRANSLATE_NOOP("FilterBar", "Last 365 days"), 365),
    (QT_TRANSLATE_NOOP("FilterBar", "Custom range…"), -1),
)


class _MultiChoice(QToolButton):
    """A drop-down of checkable entries; the button text summarises the choice."""

    sig_changed = Signal()
    """The set of checked values changed through the menu."""

    def __init__(self, title: str, entries: list[tuple[str, object]], parent: QWidget | None = None,
                 *, presets: list[tuple[str, frozenset]] = ()):
        super().__init__(parent)
        self._title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self)
        self._actions: dict[object, QAction] = {}
        for label, values in presets:
            act = menu.addAction(label)
            act.triggered.connect(lambda _=False, v=values: self._apply_preset(v))
        if presets:
            menu.addSeparator()
        for label, value in entries:
            act = menu.addAction(label)
            act.setCheckable(True)
            act.toggled.connect(self._on_toggled)
            self._actions[value] = act
        self.setMenu(menu)
        self._update_text()

    def values(self) -> frozenset:
        return frozenset(v for v, a in self._actions.items() if a.isChecked())

    def set_values(self, values) -> None:
        for value, act in self._actions.items():
            with QSignalBlocker(act):
                act.setChecked(value in values)
        self._update_text()

    def _apply_preset(self, values: frozenset) -> None:
        self.set_values(values)
        self.sig_changed.emit()

    @Slot(bool)
    def _on_toggled(self, _checked: bool) -> None:
        self._update_text()
        self.sig_changed.emit()

    def _update_text(self) -> None:
        chosen = [a.text() for a in self._actions.values() if a.isChecked()]
        if not chosen or len(chosen) == len(self._actions):
            summary = translate("FilterBar", "any")
        elif self._title == translate("FilterBar", "Status") and self.values() == frozenset(OPEN_STATUSES):
            summary = translate("FilterBar", "open")
        elif len(chosen) <= 2:
            summary = ", ".join(chosen)
        else:
            summary = translate("FilterBar", "{count} chosen").format(count=len(chosen))
        self.setText(translate("FilterBar", "{field}: {summary}").format(field=self._title, summary=summary))
        self.setMinimumWidth(self.sizeHint().width() + 6)  # the menu arrow must not eat the text
        if chosen:
            self.setToolTip(translate("FilterBar", "Show only incidents with these {field} values (now: {values})")
                            .format(field=self._title.lower(), values=", ".join(chosen)))
        else:
            self.setToolTip(translate("FilterBar", "Show only incidents with these {field} values")
                            .format(field=self._title.lower()))


class FilterBar(QWidget):
    """Edits an IncidentFilter; parts it cannot show (drill-downs) appear as a clearable chip."""

    sig_filter_changed = Signal(object)
    """The filter the controls now show (throttled while typing in the search box)."""
    sig_key_entered = Signal(str)
    """Enter in the search box on an incident key: the host may open that incident."""
    """The user changed the filter; carries the new IncidentFilter."""

    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._base = IncidentFilter()
        self._me = ""
        self._chip_text = ""
        # The search box on a row of its own (always wide enough to read), the choices below it in a row
        # that wraps, then what only some filters need (custom dates, the drill-down chip): nothing here
        # widens the bar, so nothing squeezes the detail panel or cuts a choice down to two letters.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(4)
        search_row = QHBoxLayout()
        search_row.setSpacing(6)
        layout = FlowLayout()
        extra = QHBoxLayout()
        extra.setSpacing(6)
        rows.addLayout(search_row)
        rows.addLayout(layout)
        rows.addLayout(extra)

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setAccessibleName(translate("FilterBar", "Search incidents"))
        self.search.setPlaceholderText(translate("FilterBar", "Search text or key…  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.action_icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(160)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.setToolTip(translate("FilterBar",
                                         "Full-text search of titles, descriptions and comments (words match whole "
                                         "words "
                               "and prefixes); an incident key such as INC-000123, 123 or #123 finds that incident"))
        search_row.addWidget(self.search, 1)

        self.status = _MultiChoice(translate("FilterBar", "Status"), [(s.label, s) for s in Status], self,
                                   presets=[(translate("FilterBar", "Open (not resolved)"), frozenset(OPEN_STATUSES)),
                                            (translate("FilterBar", "Any status"), frozenset())])
        self.priority = _MultiChoice(translate("FilterBar", "Priority"), [(theme.priority_label(p),
                p) for p in Priority], self,
                                     presets=[(translate("FilterBar", "P1 and P2"), frozenset({Priority.P1,
                                             Priority.P2})),
                                              (translate("FilterBar", "Any priority"), frozenset())])
        for w in (self.status, self.priority):
            layout.addWidget(w)

        self.category = self._combo(translate("FilterBar", "Any category"),
                                    translate("FilterBar", "Show only this category"))
        self.assignee = self._combo(translate("FilterBar", "Anyone"),
                                    translate("FilterBar", "Show only incidents assigned to this person"))
        self.team = self._combo(translate("FilterBar", "Any team"),
                                translate("FilterBar", "Show only incidents of this team"))
        self.category.setAccessibleName(translate("FilterBar", "Category filter"))
        self.assignee.setAccessibleName(translate("FilterBar", "Assignee filter"))
        self.team.setAccessibleName(translate("FilterBar", "Team filter"))
        self.date_range = QComboBox(self)
        self.date_range.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.date_range.setMinimumContentsLength(11)
        self.date_range.setToolTip(translate("FilterBar", "Show only incidents opened in this period"))
        self.date_range.setAccessibleName(translate("FilterBar", "Opened in"))
        for label, days in _DATE_PRESETS:
            self.date_range.addItem(translate("FilterBar", label), days)
        layout.addWidget(self.category)
        layout.addWidget(self.assignee)
        layout.addWidget(self.team)
        layout.addWidget(self.date_range)
        self.date_from = QDateEdit(self)
        self.date_to = QDateEdit(self)
        for w, tip in ((self.date_from, translate("FilterBar", "Opened on or after")), (self.date_to,
                translate("FilterBar", "Opened on or before"))):
            # Local days whose every instant lies in the desk's years, whatever this machine's zone.
            w.setDateRange(QDate(FIRST_YEAR, 1, 2), QDate(LAST_YEAR, 12, 30))
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setToolTip(tip)
            w.setVisible(False)
            extra.addWidget(w)

        self.chip = plain_label("", self)  # names categories and teams from a drill-down
        self.chip.setObjectName("filterChip")
        self.chip.setVisible(False)
        self.chip_clear = QToolButton(self)
        self.chip_clear.setIcon(icons.action_icon("close"))
        self.chip_clear.setAutoRaise(True)
        self.chip_clear.setToolTip(translate("FilterBar", "Remove this extra condition"))
        self.chip_clear.setVisible(False)
        extra.addWidget(self.chip)
        extra.addWidget(self.chip_clear)
        extra.addStretch(1)

        self.clear_all = QToolButton(self)
        self.clear_all.setText(translate("FilterBar", "Clear"))
        self.clear_all.setIcon(icons.action_icon("clear"))
        self.clear_all.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.clear_all.setAutoRaise(True)
        self.clear_all.setToolTip(translate("FilterBar", "Clear every filter and the search text"))
        search_row.addWidget(self.clear_all)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._connect_signals()

    def _combo(self, any_label: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(any_label, ANY)
        combo.setToolTip(tip)
        # Short minimums keep the table area narrowable; the popup list still shows full names.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(11)
        combo.setMaxVisibleItems(20)
        return combo

    def _connect_signals(self) -> None:
        self.search.textEdited.connect(self._on_text_edited)
        self.search.returnPressed.connect(self._on_return_pressed)
        self._search_timer.timeout.connect(self._on_search_now)
        self.status.sig_changed.connect(self._on_control_changed)
        self.priority.sig_changed.connect(self._on_control_changed)
        for combo in (self.category, self.assignee, self.team):
            combo.activated.connect(self._on_control_changed)
        self.date_range.activated.connect(self._on_date_preset)
        self.date_from.dateChanged.connect(self._on_control_changed)
        self.date_to.dateChanged.connect(self._on_control_changed)
        self.chip_clear.clicked.connect(self._on_chip_cleared)
        self.clear_all.clicked.connect(self._on_clear_all)

    # ---- choices and state --------------------------------------------------------------------

    def set_choices(self, *, categories: list[str], people: list[tuple[str, str]], teams: list[str], me: str,
                    me_label: str | None = None) -> None:
        """``people`` are (account name, display name) pairs: the list shows names, filters by account."""
        self._me = me
        for combo, values in ((self.category, categories), (self.team, teams)):
            current = combo.currentData()
            with QSignalBlocker(combo):
                while combo.count() > 1:
                    combo.removeItem(1)
                for v in values:
                    combo.addItem(v, v)
                self._keep_current(combo, current)
        current = self.assignee.currentData()
        with QSignalBlocker(self.assignee):
            while self.assignee.count() > 1:
                self.assignee.removeItem(1)
            self.assignee.addItem(translate("FilterBar", "Me ({name})").format(name=me_label or me), me)
            self.assignee.addItem(translate("FilterBar", "Unassigned"), UNASSIGNED)
            self.assignee.insertSeparator(3)
            for username, label in people:
                if username != me:
                    self.assignee.addItem(label, username)
            self._keep_current(self.assignee, current)

    @staticmethod
    def _keep_current(combo: QComboBox, current) -> None:
        # The table is still filtered by it: a value missing from the new list (a renamed category,
        # a user removed since the view was saved) stays shown rather than reading "Any".
        if current is not None and combo.findData(current) < 0:
            combo.addItem(str(current), current)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    def set_filter(self, filters: IncidentFilter, *, label: str | None = None) -> None:
        """Show ``filters`` in the controls without announcing it (a view or drill-down set it)."""
        self._base = filters
        self._search_timer.stop()
        self.search.setText(filters.text)
        self.status.set_values(filters.statuses)
        self.priority.set_values(filters.priorities)
        self._select_single(self.category, filters.categories)
        if filters.assignees == frozenset({""}):
            self._set_data(self.assignee, UNASSIGNED)
        else:
            self._select_single(self.assignee, filters.assignees)
        self._select_single(self.team, filters.teams)
        with QSignalBlocker(self.date_range):
            if filters.opened_from or filters.opened_to:
                self.date_range.setCurrentIndex(self.date_range.findData(-1))
                self._set_dates(filters.opened_from, filters.opened_to)
            else:
                self.date_range.setCurrentIndex(0)
        self._show_custom_dates(self.date_range.currentData() == -1)
        self._chip_text = label or ""
        self._update_chip()

    def _select_single(self, combo: QComboBox, values: frozenset) -> None:
        if len(values) == 1:
            value = next(iter(values))
            if combo.findData(value) < 0:
                combo.addItem(value, value)  # a saved view may name someone no longer in the list
            self._set_data(combo, value)
        else:
            self._set_data(combo, ANY)

    @staticmethod
    def _set_data(combo: QComboBox, value) -> None:
        with QSignalBlocker(combo):
            combo.setCurrentIndex(max(0, combo.findData(value)))

    def _set_dates(self, start: datetime | None, end: datetime | None) -> None:
        for edit, value in ((self.date_from, start), (self.date_to, end and end - timedelta(seconds=1))):
            with QSignalBlocker(edit):
                if value is not None:
                    local = value.astimezone()
                    edit.setDate(QDate(local.year, local.month, local.day))

    def _show_custom_dates(self, show: bool) -> None:
        self.date_from.setVisible(show)
        self.date_to.setVisible(show)

    def current_filter(self) -> IncidentFilter:
        """The base filter with every part the controls show replaced by the controls' values."""
        assignee = self.assignee.currentData()
        assignees = frozenset() if assignee in (ANY, None) else \
            frozenset({""}) if assignee == UNASSIGNED else frozenset({assignee})
        start, end = self._date_bounds()
        return replace(
            self._base, text=self.search.text().strip(), statuses=self.status.values(),
            priorities=self.priority.values(), categories=self._single(self.category),
            assignees=assignees, teams=self._single(self.team), opened_from=start, opened_to=end)

    @staticmethod
    def _single(combo: QComboBox) -> frozenset:
        value = combo.currentData()
        return frozenset() if value in (ANY, None) else frozenset({value})

    def _date_bounds(self) -> tuple[datetime | None, datetime | None]:
        days = self.date_range.currentData()
        if days is None:
            return None, None
        if days == -1:
            zone = datetime.now().astimezone().tzinfo
            d0, d1 = self.date_from.date(), self.date_to.date()
            if d1 < d0:
                d0, d1 = d1, d0
            start = datetime.combine(d0.toPython(), time.min, zone).astimezone(UTC)
            end = datetime.combine(d1.toPython() + timedelta(days=1), time.min, zone).astimezone(UTC)
            return start, end
        return self._clock() - timedelta(days=days), None

    def _update_chip(self) -> None:
        parts = []
        base = self._base
        if base.breaching:
            parts.append(translate("FilterBar", "breaching SLA"))
        if base.escalated:
            parts.append(translate("FilterBar", "escalated"))
        if base.keys:
            parts.append(translate("FilterBar", "{count} chosen incidents").format(count=len(base.keys)))
        if base.resolved_from or base.resolved_to:
            parts.append(translate("FilterBar", "resolved in a period"))
        if base.acknowledged_from or base.acknowledged_to:
            parts.append(translate("FilterBar", "acknowledged in a period"))
        if base.open_at:
            parts.append(translate("FilterBar", "open at {time}").format(time=time_short(base.open_at)))
        text = self._chip_text or ", ".join(parts)
        self.chip.setText(f"  {text}  " if text else "")
        self.chip.setToolTip(tooltip(translate("FilterBar", "Also filtered by: {filters}").format(
            filters=", ".join(parts)) if parts else translate("FilterBar", "Filter from a drill-down")))
        self.chip.setVisible(bool(text))
        self.chip_clear.setVisible(bool(text))
        accent = theme.sla_color(theme.SLA_PAUSED).name()
        self.chip.setStyleSheet(f"QLabel#filterChip {{ border: 1px solid {accent}; border-radius: 9px;"
                                f" padding: 1px 4px; color: {accent}; }}")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def has_pending_search(self) -> bool:
        return self._search_timer.isActive()

    # ---- slots --------------------------------------------------------------------------------

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._search_timer.start()  # restarts: one query after the typing pauses

    @Slot()
    def _on_return_pressed(self) -> None:
        self._on_search_now()
        number = key_in_text(self.search.text())
        if number is not None:
            self.sig_key_entered.emit(format_key(number))

    @Slot()
    def _on_search_now(self) -> None:
        self._search_timer.stop()
        self._emit()

    @Slot()
    def _on_control_changed(self, *_args) -> None:
        self._emit()

    @Slot(int)
    def _on_date_preset(self, _index: int) -> None:
        custom = self.date_range.currentData() == -1
        if custom:
            today = QDate.currentDate()
            self._set_dates(None, None)
            with QSignalBlocker(self.date_from):
                self.date_from.setDate(today.addDays(-30))
            with QSignalBlocker(self.date_to):
                self.date_to.setDate(today)
        self._show_custom_dates(custom)
        self._emit()

    @Slot()
    def _on_chip_cleared(self) -> None:
        base = self._base
        if not (base.breaching or base.escalated or base.keys or base.resolved_from or base.resolved_to):
            self._on_clear_all()  # a labelled drill-down with nothing hidden: the label is the filter
            return
        self._base = replace(self._base, breaching=False, breach_at=None, escalated=False, keys=frozenset(),
                             resolved_from=None, resolved_to=None)
        self._chip_text = ""
        self._update_chip()
        self._emit()

    @Slot()
    def _on_clear_all(self) -> None:
        self.set_filter(IncidentFilter())
        self._emit()

    def _emit(self) -> None:
        self.sig_filter_changed.emit(self.current_filter())

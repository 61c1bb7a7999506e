"""The incident table model: a bounded page cache over the service's keyset-paged list query."""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication

from incident_desk.domain.formatting import duration as format_duration
from incident_desk.domain.formatting import time_short
from incident_desk.domain.incident import IncidentFilter, IncidentRow, Priority, Sort, Status
from incident_desk.domain.sla import STATE_LABELS, SlaPolicy
from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import tooltip
from incident_desk.ui.workers import WorkerPool

PAGE_SIZE = 200
MAX_PAGES = 60          # 12,000 rows at most in memory, whatever the table size
MAX_IN_FLIGHT = 2
UPDATE_WARN_S = 5 * 60  # a major incident's public update shows as due this long before its time
TICK_MS = 30_000        # age and SLA text move with time; repaint them this often
PLACEHOLDER = "…"
CHEAP_OFFSET_PAGES = 2  # an OFFSET read this near either end costs about as much as a keyset step


class IncidentRole(enum.IntEnum):
    ROW = Qt.ItemDataRole.UserRole          # the whole IncidentRow (None while loading)
    KEY = Qt.ItemDataRole.UserRole + 1
    PRIORITY = Qt.ItemDataRole.UserRole + 2  # Priority enum
    SLA_STATE = Qt.ItemDataRole.UserRole + 3  # theme.SLA_* string
    LOADING = Qt.ItemDataRole.UserRole + 4   # True while the row's page is being fetched
    SORT_KEY = Qt.ItemDataRole.UserRole + 5  # the column id, for header-level code


# Every role data() answers; anything else (check state, background, size hint...) is None at once.
_OTHER_ROLES = frozenset(int(r) for r in IncidentRole if r != IncidentRole.SORT_KEY) | {
    int(Qt.ItemDataRole.ToolTipRole)}


class Column(NamedTuple):
    id: str
    title: str
    sort: str | None       # Sort.column this header sorts by
    width: int
    invert: bool = False   # "age" ascending means opened_at descending
    tip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("key", QT_TRANSLATE_NOOP("IncidentTableModel", "Key"), "key", 92),
    Column("priority", QT_TRANSLATE_NOOP("IncidentTableModel", "Priority"), "priority", 100),
    Column("status", QT_TRANSLATE_NOOP("IncidentTableModel", "Status"), "status", 112),
    Column("title", QT_TRANSLATE_NOOP("IncidentTableModel", "Title"), "title", 220),
    Column("category", QT_TRANSLATE_NOOP("IncidentTableModel", "Category"), "category", 104),
    Column("assignee", QT_TRANSLATE_NOOP("IncidentTableModel", "Assignee"), "assignee", 120),
    Column("team", QT_TRANSLATE_NOOP("IncidentTableModel", "Team"), "team", 110),
    Column("opened", QT_TRANSLATE_NOOP("IncidentTableModel", "Opened"), "opened_at", 124),
    Column("age", QT_TRANSLATE_NOOP("IncidentTableModel", "Age"), "opened_at", 72, invert=True,
           tip=QT_TRANSLATE_NOOP("IncidentTableModel", "Time since the incident was opened (until it ended)")),
    Column("sla", QT_TRANSLATE_NOOP("IncidentTableModel", "SLA"), "resolve_due_at", 132,
           tip=QT_TRANSLATE_NOOP("IncidentTableModel", "Time left on the nearest SLA target (at risk from 75 %)")),
    Column("updated", QT_TRANSLATE_NOOP("IncidentTableModel", "Updated"), "updated_at", 124),
)
COLUMN_IDS = tuple(c.id for c in COLUMNS)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGNMENT = tuple(_RIGHT if c.id in ("age", "opened", "updated") else None for c in COLUMNS)
_R = Qt.ItemDataRole
# Roles whose answer is in a row's cell cache (see _RowCells), by slot; the delegate asks these on
# every paint, so they are answered with two lookups.
_DISPLAY, _DECORATION, _FOREGROUND, _FONT, _ACCESSIBLE = range(5)
_CELL_SLOTS = {int(_R.DisplayRole): _DISPLAY, int(_R.DecorationRole): _DECORATION,
               int(_R.ForegroundRole): _FOREGROUND, int(_R.FontRole): _FONT,
               int(_R.AccessibleTextRole): _ACCESSIBLE}
_ALIGN_ROLE = int(_R.TextAlignmentRole)
DEFAULT_HIDDEN = ("updated", "opened", "team")
# The SLA clock matters more than where a ticket sits, so it comes right after the title by default.
DEFAULT_ORDER = ("key", "priority", "status", "title", "sla", "age", "assignee", "category", "team", "opened",
                 "updated")


def column_index(column_id: str) -> int:
    return COLUMN_IDS.index(column_id)


_COL_KEY, _COL_PRIORITY, _COL_STATUS, _COL_SLA = (column_index(c) for c in ("key", "priority", "status", "sla"))


class SlaCell(NamedTuple):
    state: str          # theme.SLA_*
    text: str           # "2h 10m left", "overdue 35m", "paused 3h 0m", ""
    tip: str


def sla_cell(row: IncidentRow, policy: SlaPolicy | None, now: datetime) -> SlaCell:
    """What the SLA column says about ``row`` at ``now``: the nearest pending target."""
    if not row.status.is_open:
        return SlaCell(theme.SLA_NONE, "", translate("IncidentTableModel", "No SLA clock runs on a closed incident."))
    if row.status == Status.ON_HOLD and row.sla_paused_remaining_s is not None:
        left = row.sla_paused_remaining_s
        if left < 0:
            return SlaCell(theme.SLA_BREACHED,
                           translate("IncidentTableModel", "paused, overdue {duration}").format(
                               duration=format_duration(left)),
                           translate("IncidentTableModel", "On hold; the resolution target was already missed."))
        return SlaCell(theme.SLA_PAUSED,
                       translate("IncidentTableModel", "paused {duration}").format(duration=format_duration(left)),
                       translate("IncidentTableModel", "On hold; {duration} of the resolution target remain.").format(
                           duration=format_duration(left)))
    candidates = []
    if row.acknowledged_at is None and row.response_due_at is not None:
        candidates.append(("response", row.response_due_at))
    if row.resolve_due_at is not None:
        candidates.append(("resolution", row.resolve_due_at))
    if not candidates:
        return SlaCell(theme.SLA_NONE, "", translate("IncidentTableModel", "No SLA target for this priority."))
    which, due = min(candidates, key=lambda c: c[1])
    left = (due - now).total_seconds()
    due_text = time_short(due)
    if left <= 0:
        passed = (translate("IncidentTableModel", "The response target passed at {time}.") if which == "response"
                  else translate("IncidentTableModel", "The resolution target passed at {time}."))
        return SlaCell(theme.SLA_BREACHED,
                       translate("IncidentTableModel", "overdue {duration}").format(duration=format_duration(left)),
                       passed.format(time=due_text))
    state = theme.SLA_OK
    target = _target_seconds(policy, row.priority, which)
    warn = policy.warn_fraction if policy is not None else 0.75
    # Wall-clock remainder is an upper bound of business time left, so this never warns early.
    if target and left <= target * (1 - warn):
        state = theme.SLA_WARNING
    due_at = (translate("IncidentTableModel", "The response target is due at {time}.") if which == "response"
              else translate("IncidentTableModel", "The resolution target is due at {time}."))
    return SlaCell(state, translate("IncidentTableModel", "{duration} left").format(duration=format_duration(left)),
                   due_at.format(time=due_text))


def with_update_due(cell: SlaCell, due: datetime | None, now: datetime) -> SlaCell:
    """A major incident's public-update cadence beside its SLA: a missed update shows as a breach, one due
    within five minutes as a warning; otherwise the SLA says what it says."""
    if due is None:
        return cell
    left = (due - now).total_seconds()
    if left <= 0:
        return SlaCell(theme.SLA_BREACHED,
                       translate("IncidentTableModel", "update late {duration}").format(duration=format_duration(left)),
                       translate("IncidentTableModel", "A public update was due at {time}. {sla}").format(
                           time=time_short(due), sla=cell.tip).strip())
    if left <= UPDATE_WARN_S and cell.state != theme.SLA_BREACHED:
        return SlaCell(theme.SLA_WARNING,
                       translate("IncidentTableModel", "update due in {duration}").format(
                           duration=format_duration(left)),
                       translate("IncidentTableModel", "A public update is due at {time}. {sla}").format(
                           time=time_short(due), sla=cell.tip).strip())
    return cell


def _target_seconds(policy: SlaPolicy | None, priority: Priority, which: str) -> int | None:
    if policy is None:
        return None
    target = policy.target_for(priority)
    return target.response_s if which == "response" else target.resolve_s


def _local(dt: datetime | None) -> str:
    return "" if dt is None else time_short(dt)


def _offset_query(page: int, page_size: int, count: int) -> tuple[dict, bool]:
    """list_incidents arguments reading ``page`` by offset from the nearer end, and whether reversed."""
    start = page * page_size
    end = min(start + page_size, count)
    limit = max(1, end - start)
    if start <= count - end:
        return dict(limit=limit, offset=start), False
    return dict(limit=limit, offset=count - end, reverse=True), True


class IncidentTableModel(QAbstractTableModel):
    """Rows come from ``list_incidents`` page by page; ``data()`` only ever reads the cache.

    Pages are fetched on a worker (or synchronously when ``use_workers`` is False): next to a
    cached neighbour by keyset (``after=``), otherwise by ``offset`` from the nearer end of the
    view, reading backwards (``reverse=True``) in the lower half.
    """

    sig_page_loaded = Signal(int)
    """A page (its number) arrived and its rows were announced with dataChanged."""
    sig_reset_done = Signal()
    """The query changed (filter or sort) and the first page is in."""
    sig_refreshed = Signal()
    """A refresh after a data change settled its row count (pages may still be arriving)."""
    sig_load_failed = Signal(str)
    """Reading a page failed; the message is one sentence."""

    def __init__(self, service, *, clock: Callable[[], datetime], sla_policy: SlaPolicy | None = None,
                 page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES, use_workers: bool = True,
                 run_read: Callable[[Callable], object] | None = None, name: Callable[[str], str] = str,
                 comms_due: Callable[[], dict[int, datetime]] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._service = service
        self._name = name  # account name -> display name (ui/people.py); sorting stays by account name
        # The count and first page a new query needs at once: the window passes DeskOps.run_read, which
        # reads a network database on its reader thread while the event loop runs (SQLite: right here).
        self._run_read = run_read or (lambda call: call())
        self._clock = clock
        self._policy = sla_policy
        # Major incidents' next public update (id -> due), re-read with every refresh: a few rows at most.
        self._comms_reader = comms_due
        self._comms_due: dict[int, datetime] = {}
        self._page_size = page_size
        self._max_pages = max(4, max_pages)
        self._use_workers = use_workers
        self._workers = WorkerPool(self) if use_workers else None
        self._filters = IncidentFilter()
        self._sort = Sort()
        self._count = 0
        self._generation = 0
        self._pages: OrderedDict[int, list[IncidentRow]] = OrderedDict()
        self._stale: dict[int, list[IncidentRow]] = {}
        self._wanted: set[int] = set()
        self._in_flight: set[int] = set()
        self._visible = (0, 0)
        self._now = clock()
        self._bold = QFont()
        self._bold.setBold(True)
        self._cells: dict[int, tuple] = {}   # row id -> what data() returns for it (_cells_for)
        self._cells_cap = 4 * self._page_size + 400
        self._dark = theme.is_dark()
        self._muted = theme.muted_text_color()
        self._mru_page = -1                  # the page _cached_row touched last (skip move_to_end)
        self._locating = 0                   # locate() jobs running on the worker
        self._query_generation = 0           # bumps on set_query only (refresh keeps the query)
        self._dispatch = QTimer(self)
        self._dispatch.setSingleShot(True)
        self._dispatch.setInterval(0)
        self._dispatch.timeout.connect(self._on_dispatch)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        hints = QGuiApplication.styleHints() if QGuiApplication.instance() is not None else None
        if hints is not None:
            hints.colorSchemeChanged.connect(self._on_scheme_changed)

    # ---- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("IncidentTableModel", col.title)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tip:
                return translate("IncidentTableModel", col.tip)
            title = translate("IncidentTableModel", col.title)
            return translate("IncidentTableModel", "Sort by {column}").format(column=title.lower())
        if role == IncidentRole.SORT_KEY:
            return col.id
        return None

    # flags() is deliberately not overridden: QAbstractTableModel's C++ default already answers
    # enabled | selectable | never-has-children, and a Python override was called ~4 times per cell
    # per paint.

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Hot path: a paint asks ~7 roles of every visible cell. Unanswered roles return before any
        # lookup, and the answers of a row are built once (see _cells_for) rather than per role.
        slot = _CELL_SLOTS.get(role)
        if slot is None:
            if role == _ALIGN_ROLE:
                r, c = index.row(), index.column()
                if 0 <= r < self._count and 0 <= c < len(COLUMNS) and self._cached_row(r) is not None:
                    return _ALIGNMENT[c]
                return None
            if role not in _OTHER_ROLES:
                return None
            return self._data_other(index, role)
        r, c = index.row(), index.column()
        if not (0 <= r < self._count and 0 <= c < len(COLUMNS)):
            return None
        row = self._cached_row(r)
        if row is None:
            return self._placeholder(index, role)
        cells = self._cells.get(row.id)
        if cells is None or cells[0] is not row:
            cells = self._cells_for(row)
        return cells[slot + 1][c]

    def _data_other(self, index: QModelIndex | QPersistentModelIndex, role: int):
        r, c = index.row(), index.column()
        if not (0 <= r < self._count and 0 <= c < len(COLUMNS)):
            return None
        row = self._cached_row(r)
        if row is None:
            return self._placeholder(index, role)
        if role == IncidentRole.ROW:
            return row
        if role == IncidentRole.KEY:
            return row.key
        if role == IncidentRole.PRIORITY:
            return row.priority
        if role == IncidentRole.LOADING:
            return False
        if role == IncidentRole.SLA_STATE:
            return self._sla(row).state
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, COLUMNS[c].id)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort is None:
            return
        col = COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if col.invert:
            descending = not descending
        sort = Sort(col.sort, descending)
        if sort == self._sort:
            # QTableView.sortByColumn sorts twice (through the header's indicator signal and then
            # directly), and setSortingEnabled sorts by the current indicator: neither changes anything.
            return
        self.set_query(self._filters, sort)

    # ---- cells ----------------------------------------------------------------------------

    def _sla(self, row: IncidentRow) -> SlaCell:
        cells = self._cells.get(row.id)
        if cells is not None and cells[0] is row:
            return cells[-1]
        return self._sla_of(row)

    def _sla_of(self, row: IncidentRow) -> SlaCell:
        cell = sla_cell(row, self._policy, self._now)
        if self._comms_due and row.status.is_open:
            return with_update_due(cell, self._comms_due.get(row.id), self._now)
        return cell

    def set_comms_reader(self, reader: Callable[[], dict[int, datetime]]) -> None:
        """Start showing major incidents' public-update cadence in the SLA column. The window sets this
        after its first page is painted: the read goes over every open major incident."""
        self._comms_reader = reader
        self._read_comms_due()
        if self._comms_due and self.rowCount():
            self._clear_cells()
            col = column_index("sla")
            self.dataChanged.emit(self.index(0, col), self.index(self.rowCount() - 1, col), [])

    def _read_comms_due(self) -> None:
        if self._comms_reader is None:
            return
        try:
            self._comms_due = dict(self._run_read(self._comms_reader))
        except Exception:  # noqa: BLE001 - the SLA column still shows the SLA; the next refresh tries again
            self._comms_due = {}

    def _cells_for(self, row: IncidentRow) -> tuple:
        """(row, display, decoration, foreground, font, accessible text, SlaCell) for every column.

        Built once per row object and clock tick: a fresh page brings new row objects (so the
        identity check in data() misses), and the tick clears the cache for the age and SLA text.
        """
        if len(self._cells) >= self._cells_cap:
            self._cells.clear()
        dark = self._dark
        sla = self._sla_of(row)
        display = tuple(self._display(row, col, sla) for col in COLUMN_IDS)
        n = len(COLUMNS)
        deco = [None] * n
        deco[_COL_PRIORITY] = icons.priority_icon(row.priority, dark)
        if sla.text:
            deco[_COL_SLA] = icons.sla_icon(sla.state, dark)
        fg = [None] * n
        fg[_COL_PRIORITY] = theme.priority_color(row.priority, dark)
        fg[_COL_SLA] = theme.sla_color(sla.state, dark)
        fg[_COL_STATUS] = theme.status_color(row.status, dark)
        font = [None] * n
        font[_COL_KEY] = self._bold
        if row.priority <= Priority.P2:
            font[_COL_PRIORITY] = self._bold
        accessible = tuple(text or "none" for text in display)
        cells = (row, display, tuple(deco), tuple(fg), tuple(font), accessible, sla)
        self._cells[row.id] = cells
        return cells

    def _clear_cells(self) -> None:
        self._cells.clear()
        self._dark = theme.is_dark()

    def _display(self, row: IncidentRow, col: str, sla: SlaCell | None = None) -> str:
        if col == "key":
            return row.key
        if col == "priority":
            return theme.priority_label(row.priority)
        if col == "status":
            if row.status == Status.ON_HOLD and row.hold_reason is not None:
                return translate("IncidentTableModel", "On hold ({reason})").format(reason=row.hold_reason.name.lower())
            return row.status.label
        if col == "title":
            return row.title  # item views paint display text as plain text
        if col == "category":
            return row.category
        if col == "assignee":
            return self._name(row.assignee) if row.assignee else "—"
        if col == "team":
            return row.team or "—"
        if col == "opened":
            return _local(row.opened_at)
        if col == "age":
            end = row.ended_at or self._now  # a cancelled or closed incident's age stops with it
            return format_duration((end - row.opened_at).total_seconds())
        if col == "sla":
            return (sla or self._sla(row)).text
        if col == "updated":
            return _local(row.updated_at)
        return ""

    def _tooltip(self, row: IncidentRow, col: str) -> str | None:
        if col == "priority":
            return translate("IncidentTableModel",
                             "Priority {priority}").format(priority=theme.priority_label(row.priority))
        if col == "sla":
            cell = self._sla(row)
            return f"{STATE_LABELS[cell.state]}: {cell.tip}"
        if col == "title":
            return tooltip(row.title)  # a title of '<img src=...>' is shown as typed
        if col == "status" and row.escalation_level:
            return translate("IncidentTableModel",
                             "{status}; escalated (level {level})").format(status=row.status.label,
                    level=row.escalation_level)
        return None

    def _placeholder(self, index: QModelIndex, role: int):
        if role == IncidentRole.LOADING:
            return True
        if role == Qt.ItemDataRole.DisplayRole:
            return PLACEHOLDER if COLUMNS[index.column()].id in ("key", "title") else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._muted
        return None

    # ---- public API -------------------------------------------------------------------------

    def filters(self) -> IncidentFilter:
        return self._filters

    def current_sort(self) -> Sort:
        return self._sort

    def sort_section(self) -> tuple[int, Qt.SortOrder]:
        """The header section and indicator order that show the current sort."""
        for i, col in enumerate(COLUMNS):
            if col.sort == self._sort.column and not col.invert:
                desc = self._sort.descending
                return i, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder
        return -1, Qt.SortOrder.AscendingOrder

    def set_sla_policy(self, policy: SlaPolicy | None) -> None:
        self._policy = policy
        self._clear_cells()
        self._emit_time_columns()

    def set_query(self, filters: IncidentFilter, sort: Sort | None = None) -> None:
        """New filter and/or sort: count, read the first page now, the rest on demand."""
        sort = sort or self._sort
        same_filter = filters == self._filters
        self._query_generation += 1
        generation = self._query_generation
        failure = None
        # Read before the reset: the read may run the event loop, which must never see a half-reset model.
        try:
            count = self._count if same_filter and self._count else \
                self._run_read(lambda: self._service.count_incidents(filters=filters))
            first = self._run_read(lambda: self._service.list_incidents(
                filters=filters, sort=sort, limit=max(1, min(self._page_size, count)))) if count else []
        except Exception as exc:  # noqa: BLE001 - shown to the user, table stays usable (empty)
            count, first, failure = 0, [], exc
        if generation != self._query_generation:
            return  # a newer query was asked for while this one read; it wins
        self._read_comms_due()
        self.beginResetModel()
        self._generation += 1
        self._filters, self._sort = filters, sort
        self._pages.clear()
        self._stale.clear()
        self._wanted.clear()
        self._in_flight.clear()
        self._now = self._clock()
        self._clear_cells()
        self._mru_page = -1
        self._count = count
        if count:
            self._store_page(0, first)
        self.endResetModel()
        if failure is not None:
            self.sig_load_failed.emit(str(failure))
        self.sig_reset_done.emit()

    def reload(self) -> None:
        """Re-run the query from scratch (recount too)."""
        self._count = 0  # forces the recount in set_query
        self.set_query(self._filters, self._sort)

    def refresh(self) -> None:
        """The data changed: recount, keep rows in place, re-read pages as they are shown."""
        generation, filters = self._query_generation, self._filters
        try:
            new_count = self._run_read(lambda: self._service.count_incidents(filters=filters))
        except Exception as exc:  # noqa: BLE001
            self.sig_load_failed.emit(str(exc))
            return
        if generation != self._query_generation:
            return  # the query changed while counting: set_query has read it afresh
        self._read_comms_due()
        self._generation += 1
        self._now = self._clock()
        self._clear_cells()
        self._mru_page = -1
        # Keep the old rows on screen until their fresh page lands: no flash of placeholders.
        self._stale.update(self._pages)
        self._pages.clear()
        self._wanted.clear()
        self._in_flight.clear()
        old = self._count
        if new_count > old:
            self.beginInsertRows(QModelIndex(), old, new_count - 1)
            self._count = new_count
            self.endInsertRows()
        elif new_count < old:
            self.beginRemoveRows(QModelIndex(), new_count, old - 1)
            self._count = new_count
            last_page = (new_count - 1) // self._page_size if new_count else -1
            for p in [p for p in self._stale if p > last_page]:
                del self._stale[p]
            self.endRemoveRows()
        first, last = self._visible
        self._request_range(first, last)
        if not self._use_workers:
            self._on_dispatch()
        self.sig_refreshed.emit()

    def set_visible_rows(self, first: int, last: int) -> None:
        """The view's visible range; pages for it are fetched first and kept in the cache."""
        self._visible = (max(0, first), max(0, last))
        self._request_range(first, last)

    def prefetch_cheap(self, first: int, last: int) -> None:
        """Read now the missing pages of rows first..last that are cheap reads (a keyset step from a
        cached neighbour, or an offset within CHEAP_OFFSET_PAGES of either end, ~2 ms each), so a
        jump such as Ctrl+End paints its rows once instead of placeholders and then rows. Deeper
        pages are left to the worker."""
        if self._count == 0 or not self._use_workers:
            return
        last = min(last, self._count - 1)
        ps = self._page_size
        limit_pages = CHEAP_OFFSET_PAGES * ps
        read = 0
        for page in range(max(0, first) // ps, max(0, last) // ps + 1):
            if page in self._pages or page in self._in_flight or read >= 2:
                continue
            start, end = self._page_bounds(page)
            neighbour = (page - 1 in self._pages and len(self._pages[page - 1]) == ps) or page + 1 in self._pages
            if not (neighbour or start <= limit_pages or self._count - end <= limit_pages):
                continue
            old = self._stale.get(page)
            try:
                self._store_page(page, self._read_page_sync(page))
            except Exception as exc:  # noqa: BLE001
                self.sig_load_failed.emit(str(exc))
                return
            self._wanted.discard(page)
            self._announce(page, old)
            read += 1

    def row_at(self, row: int) -> IncidentRow | None:
        return self._cached_row(row, touch=False) if 0 <= row < self._count else None

    def find_loaded(self, key: str) -> int | None:
        """Row number of ``key`` when its page is cached (no database access)."""
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.key == key:
                    return page * self._page_size + i
        return None

    def position_of(self, key: str) -> int | None:
        """Row number of ``key`` in the current view, cached or asked of the service."""
        found = self.find_loaded(key)
        if found is not None:
            return found
        try:
            return self._service.position_of(key=key, filters=self._filters, sort=self._sort)
        except Exception:  # noqa: BLE001 - a key that vanished is simply not in the view
            return None

    def locate(self, key: str, on_found: Callable[[int | None], None]) -> None:
        """Find ``key``'s row without blocking the GUI thread, then call ``on_found(row or None)``.

        A cached page answers at once. Otherwise a worker asks the service for the position (a count
        of the rows before it, ~100 ms at row 500,000 of 1M) and reads the page that holds it, so the
        row is resident when ``on_found`` runs. Answers for an older query are dropped.
        """
        found = self.find_loaded(key)
        if found is not None or not self._count:
            on_found(found)
            return
        if not self._use_workers:
            row = self.position_of(key)
            on_found(row if row is not None and self.ensure_row(row) is not None else None)
            return
        service, filters, sort = self._service, self._filters, self._sort
        count, page_size, generation = self._count, self._page_size, self._generation
        query_generation = self._query_generation

        def job():
            pos = service.position_of(key=key, filters=filters, sort=sort)
            if pos is None or not 0 <= pos < count:
                return None, None
            kwargs, reversed_ = _offset_query(pos // page_size, page_size, count)
            rows = service.list_incidents(filters=filters, sort=sort, **kwargs)
            return pos, rows[::-1] if reversed_ else rows

        self._locating += 1
        gens = (generation, query_generation)
        self._workers.submit(job, on_done=lambda res: self._on_located(*gens, key, res, on_found),
                             on_error=lambda exc: self._on_located(*gens, key, (None, None), on_found))

    def _on_located(self, generation: int, query_generation: int, key: str, result: tuple, on_found) -> None:
        self._locating -= 1
        if generation != self._generation:
            if self._query_generation == query_generation:
                # Only a refresh came in between (no reset, so nobody asks again): ask anew.
                self.locate(key, on_found)
            return  # else the query changed; whoever asked asks anew after that reset
        pos, rows = result
        if pos is not None and rows is not None:
            page = pos // self._page_size
            if page not in self._pages:
                self._store_page(page, rows)
                self._announce(page, None)
        row = self.row_at(pos) if pos is not None else None
        on_found(pos if row is not None and row.key == key else None)

    def ensure_row(self, row: int) -> IncidentRow | None:
        """Make the page holding ``row`` resident now (one small synchronous read)."""
        if not 0 <= row < self._count:
            return None
        page = row // self._page_size
        if page not in self._pages:
            try:
                self._store_page(page, self._read_page_sync(page))
            except Exception as exc:  # noqa: BLE001
                self.sig_load_failed.emit(str(exc))
                return None
            self._announce(page, None)
        return self._cached_row(row)

    def is_loading(self) -> bool:
        return bool(self._wanted or self._in_flight or self._locating or self._dispatch.isActive())

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    @property
    def page_size(self) -> int:
        return self._page_size

    # ---- the page cache -------------------------------------------------------------------------

    def _cached_row(self, row: int, *, touch: bool = True) -> IncidentRow | None:
        page, offset = divmod(row, self._page_size)
        rows = self._pages.get(page)
        if rows is not None:
            if touch and page != self._mru_page:
                self._pages.move_to_end(page)
                self._mru_page = page
            return rows[offset] if offset < len(rows) else None
        if touch:
            self._want(page)
        stale = self._stale.get(page)
        return stale[offset] if stale is not None and offset < len(stale) else None

    def _want(self, page: int) -> None:
        if page in self._in_flight or page in self._wanted:
            return
        self._wanted.add(page)
        if not self._dispatch.isActive():
            self._dispatch.start()

    def _request_range(self, first: int, last: int) -> None:
        if self._count == 0:
            return
        last = min(last, self._count - 1)
        for page in range(max(0, first) // self._page_size, max(0, last) // self._page_size + 1):
            if page not in self._pages:
                self._want(page)

    def _page_bounds(self, page: int) -> tuple[int, int]:
        start = page * self._page_size
        return start, min(start + self._page_size, self._count)

    def _page_query(self, page: int) -> tuple[dict, bool]:
        """list_incidents arguments for ``page`` and whether the result comes back reversed."""
        start, end = self._page_bounds(page)
        limit = max(1, end - start)
        col = self._sort.column
        before = self._pages.get(page - 1)
        if before and len(before) == self._page_size:
            last = before[-1]
            return dict(limit=limit, after=(last.sort_value(col), last.id)), False
        after_page = self._pages.get(page + 1)
        if after_page:
            first = after_page[0]
            return dict(limit=limit, after=(first.sort_value(col), first.id), reverse=True), True
        return _offset_query(page, self._page_size, self._count)

    def _read_page_sync(self, page: int) -> list[IncidentRow]:
        kwargs, reversed_ = self._page_query(page)
        rows = self._service.list_incidents(filters=self._filters, sort=self._sort, **kwargs)
        return rows[::-1] if reversed_ else rows

    def _store_page(self, page: int, rows: list[IncidentRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        self._mru_page = page
        self._stale.pop(page, None)
        visible = set(range(self._visible[0] // self._page_size, self._visible[1] // self._page_size + 1))
        while len(self._pages) > self._max_pages:
            victim = next((p for p in self._pages if p not in visible), None)
            if victim is None:
                break
            del self._pages[victim]

    def _announce(self, page: int, old: list[IncidentRow] | None) -> None:
        start, end = self._page_bounds(page)
        if end <= start:
            return
        first, last = start, end - 1
        if old is not None:
            new = self._pages.get(page, [])
            changed = [i for i in range(min(len(new), end - start))
                       if i >= len(old) or old[i] != new[i]]
            if not changed:
                self.sig_page_loaded.emit(page)
                return
            first, last = start + changed[0], start + changed[-1]
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1), [])
        self.sig_page_loaded.emit(page)

    @Slot()
    def _on_dispatch(self) -> None:
        if not self._wanted:
            return
        lo, hi = self._visible
        centre = (lo + hi) // 2 // self._page_size
        vis_pages = set(range(lo // self._page_size, hi // self._page_size + 1))
        # Pages scrolled past during a fast drag are not worth reading any more.
        if hi > lo:
            self._wanted = {p for p in self._wanted if p in vis_pages or abs(p - centre) <= 2}
        order = sorted(self._wanted, key=lambda p: abs(p - centre))
        if not self._use_workers:
            for page in order[:1]:
                self._wanted.discard(page)
                old = self._stale.get(page)
                try:
                    self._store_page(page, self._read_page_sync(page))
                except Exception as exc:  # noqa: BLE001
                    self.sig_load_failed.emit(str(exc))
                    continue
                self._announce(page, old)
            if self._wanted:
                self._dispatch.start()
            return
        for page in order:
            if len(self._in_flight) >= MAX_IN_FLIGHT:
                break
            self._wanted.discard(page)
            self._in_flight.add(page)
            kwargs, reversed_ = self._page_query(page)
            gen = self._generation
            self._workers.submit(
                self._service.list_incidents, filters=self._filters, sort=self._sort, **kwargs,
                on_done=lambda rows, p=page, g=gen, r=reversed_: self._on_page_read(p, g, r, rows),
                on_error=lambda exc, p=page, g=gen: self._on_page_failed(p, g, exc))

    def _on_page_read(self, page: int, generation: int, reversed_: bool, rows: list[IncidentRow]) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(page)
        if page * self._page_size < self._count:
            old = self._stale.get(page)
            self._store_page(page, rows[::-1] if reversed_ else rows)
            self._announce(page, old)
        if self._wanted and not self._dispatch.isActive():
            self._dispatch.start()

    def _on_page_failed(self, page: int, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(page)
        self.sig_load_failed.emit(str(exc))

    @Slot()
    def _on_tick(self) -> None:
        self._now = self._clock()
        self._clear_cells()
        self._emit_time_columns()

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, _scheme) -> None:
        self._clear_cells()
        self._muted = theme.muted_text_color()
        if self._count:
            lo, hi = self._visible
            hi = min(max(hi, lo), self._count - 1)
            self.dataChanged.emit(self.index(lo, 0), self.index(hi, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole])

    def _emit_time_columns(self) -> None:
        if not self._count:
            return
        lo, hi = self._visible
        hi = min(max(hi, lo), self._count - 1)
        for col in ("age", "sla"):
            c = column_index(col)
            self.dataChanged.emit(self.index(lo, c), self.index(hi, c),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                                   Qt.ItemDataRole.DecorationRole])

    def shutdown(self) -> None:
        """Stop timers and wait for running reads (window close, test teardown)."""
        self._tick.stop()
        self._dispatch.stop()
        self._generation += 1
        if self._workers is not None:
            self._workers.close()

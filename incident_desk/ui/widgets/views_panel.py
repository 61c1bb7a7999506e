"""The left panel: built-in and user views, each with a live count computed off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QPoint, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from incident_desk.ui import icons
from incident_desk.ui.i18n import translate
from incident_desk.ui.models.saved_views import SavedView, ViewStore, builtin_views
from incident_desk.ui.plain import tooltip
from incident_desk.ui.workers import WorkerPool

VIEW_ROLE = Qt.ItemDataRole.UserRole
COUNT_DELAY_MS = 400


class ViewsPanel(QWidget):
    """Lists views; choosing one emits it. Counts refresh (throttled) when data changes."""

    sig_view_chosen = Signal(object)
    """The user picked a view; carries the SavedView."""
    sig_view_delete_requested = Signal(str)
    """The user asked to delete one of their own views (by name)."""
    sig_counts_updated = Signal()
    """Fresh counts are on screen."""

    def __init__(self, incidents, *, username: str, clock: Callable[[], datetime], view_store: ViewStore,
                 count_now: bool = True, parent: QWidget | None = None):
        """``count_now=False`` holds the counts until start_counts() (the window's first page first)."""
        super().__init__(parent)
        self._incidents = incidents
        self._username = username
        self._clock = clock
        self._store = view_store
        self._workers = WorkerPool(self, max_threads=1)
        self._counting = False
        self._again = False
        self._held = not count_now   # counts wait for start_counts()
        self._stopping = threading.Event()
        self.counts: dict[str, int] = {}
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("viewsTree")
        self.tree.setAccessibleName(translate("ViewsPanel", "Views"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(180)  # 'Resolved (7 days)' and a count of 1,000,000 side by side
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self._builtin_group = self._group(translate("ViewsPanel", "VIEWS"))
        self._user_group = self._group(translate("ViewsPanel", "MY VIEWS"))
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(COUNT_DELAY_MS)
        self.rebuild()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.tree.customContextMenuRequested.connect(self._on_context_menu)
        self._throttle.timeout.connect(self._on_count_now)

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title, ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        item.setFont(0, font)
        item.setExpanded(True)
        return item

    # ---- views ---------------------------------------------------------------------------------

    def views(self) -> list[SavedView]:
        out = []
        for group in (self._builtin_group, self._user_group):
            for i in range(group.childCount()):
                out.append(group.child(i).data(0, VIEW_ROLE))
        return out

    def view_named(self, name: str) -> SavedView | None:
        # Built-in views are rebuilt so "now" (breaching, last 7 days) is current when chosen.
        fresh = {v.name.lower(): v for v in builtin_views(username=self._username, now=self._clock())}
        view = fresh.get(name.strip().lower())
        if view is not None:
            return view
        return next((v for v in self._store.load() if v.name.lower() == name.strip().lower()), None)

    def rebuild(self) -> None:
        current = self.current_view_name()
        with QSignalBlocker(self.tree):
            for group in (self._builtin_group, self._user_group):
                group.takeChildren()
            for view in builtin_views(username=self._username, now=self._clock()):
                self._add(self._builtin_group, view)
            user_views = self._store.load()
            for view in user_views:
                self._add(self._user_group, view)
            self._user_group.setHidden(not user_views)
            if current:
                self._select(current)
        self.refresh_counts(immediately=True)

    def _add(self, group: QTreeWidgetItem, view: SavedView) -> QTreeWidgetItem:
        # A built-in view's name is its identity (--view, saved settings); only what is shown is translated.
        shown = translate("SavedViews", view.name) if view.builtin else view.name
        item = QTreeWidgetItem(group, [shown, self._count_text(view.name)])
        item.setData(0, VIEW_ROLE, view)
        item.setIcon(0, icons.action_icon("view"))
        item.setToolTip(0, tooltip(view.tip or translate("ViewsPanel", "Your view '{name}'").format(name=view.name)))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _count_text(self, name: str) -> str:
        n = self.counts.get(name)
        return "" if n is None else f"{n:,}"

    def _items(self):
        for group in (self._builtin_group, self._user_group):
            for i in range(group.childCount()):
                yield group.child(i)

    def _select(self, name: str) -> bool:
        for item in self._items():
            if item.data(0, VIEW_ROLE).name.lower() == name.lower():
                self.tree.setCurrentItem(item)
                return True
        return False

    def select_view(self, name: str, *, emit: bool = True) -> bool:
        """Highlight the view called ``name``; announces it with sig_view_chosen when ``emit``."""
        item = self.tree.currentItem()
        was_current = item is not None and item.data(0, VIEW_ROLE) is not None \
            and item.data(0, VIEW_ROLE).name.lower() == name.strip().lower()
        with QSignalBlocker(self.tree):
            found = self._select(name.strip())
        if found and emit:
            self._on_current_changed(self.tree.currentItem(), None)
        return found or was_current

    def clear_selection(self) -> None:
        with QSignalBlocker(self.tree):
            self.tree.setCurrentItem(None)
            self.tree.clearSelection()

    def current_view_name(self) -> str | None:
        item = self.tree.currentItem()
        view = item.data(0, VIEW_ROLE) if item is not None else None
        return view.name if view is not None else None

    # ---- counts --------------------------------------------------------------------------------

    def start_counts(self) -> None:
        """Release counts held by ``count_now=False`` and count now (no-op once started)."""
        if self._held:
            self._held = False
            self.refresh_counts(immediately=True)

    def refresh_counts(self, *, immediately: bool = False) -> None:
        """Recount soon (several changes in a burst cost one round of counts)."""
        if self._held:
            return  # start_counts() counts everything once
        if immediately:
            self._throttle.stop()
            self._on_count_now()
        elif not self._throttle.isActive():
            self._throttle.start()

    @Slot()
    def _on_count_now(self) -> None:
        if self._counting:
            self._again = True
            return
        self._counting = True
        self._again = False
        now = self._clock()
        views = builtin_views(username=self._username, now=now) + self._store.load()
        incidents = self._incidents

        stopping = self._stopping

        def count_all() -> dict[str, int]:
            counts = {}
            for v in views:
                if stopping.is_set():
                    break  # closing: the window is not waiting for the other views' counts
                counts[v.name] = incidents.count_incidents(filters=v.filters)
            return counts

        self._workers.submit(count_all, on_done=self._on_counts, on_error=self._on_count_failed)

    def _on_counts(self, counts: dict) -> None:
        self._counting = False
        self.counts = counts
        for item in self._items():
            item.setText(1, self._count_text(item.data(0, VIEW_ROLE).name))
        self.sig_counts_updated.emit()
        if self._again:
            self.refresh_counts()

    def _on_count_failed(self, _exc: BaseException) -> None:
        self._counting = False
        if self._again:
            self.refresh_counts()

    def is_counting(self) -> bool:
        return self._held or self._counting or self._throttle.isActive()

    def counts_ready(self) -> bool:
        """Every view has a count and no recount is on its way."""
        return bool(self.counts) and not self.is_counting()

    def shutdown(self) -> None:
        self._held = False
        self._throttle.stop()
        self._stopping.set()
        self._workers.close()

    # ---- slots ---------------------------------------------------------------------------------

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        view = current.data(0, VIEW_ROLE) if current is not None else None
        if view is None:
            return
        if view.builtin:
            view = self.view_named(view.name) or view
        self.sig_view_chosen.emit(view)

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        view = item.data(0, VIEW_ROLE) if item is not None else None
        if view is None or view.builtin:
            return
        menu = QMenu(self)
        act = menu.addAction(translate("ViewsPanel", "Delete view '{name}'").format(name=view.name))
        act.triggered.connect(lambda: self.sig_view_delete_requested.emit(view.name))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

"""Action items: mine, or every open one, with counts; overdue ones stand out; edit, mark done, open the incident."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.incident import DomainError
from incident_desk.services.errors import StorageError
from incident_desk.ui import theme
from incident_desk.ui.dialogs.closure_dialogs import ActionItemDialog
from incident_desk.ui.dialogs.prompts import run_modal
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.widgets.form_fields import Banner
from incident_desk.ui.widgets.lazy_tab import RefreshWhenShown

COLUMNS = (
    "#",
    QT_TRANSLATE_NOOP("ActionItemsView", "Action"),
    QT_TRANSLATE_NOOP("ActionItemsView", "Owner"),
    QT_TRANSLATE_NOOP("ActionItemsView", "Due"),
    QT_TRANSLATE_NOOP("ActionItemsView", "Status"),
    QT_TRANSLATE_NOOP("ActionItemsView", "For"),
)
MINE, ALL_OPEN = "mine", "open"


@dataclass(frozen=True)
class _Shown:
    """What one refresh read (on the desk's network reader on PostgreSQL), handed to the GUI thread."""

    mine: dict
    everyone: dict
    items: tuple
    today: date


class ActionItemsView(RefreshWhenShown, QWidget):
    """Two views of the same items: 'My action items' and 'Open action items', each with its counts."""

    sig_open_incident = Signal(str)
    """The user wants to see the incident this item belongs to."""
    sig_counts_changed = Signal(int, int)
    """My open items and my overdue ones, after a refresh (for a tab or badge title)."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self.items: list = []
        layout = QVBoxLayout(self)
        self.banner = Banner(self)
        layout.addWidget(self.banner)
        bar = QHBoxLayout()
        self.mine_button = QPushButton(self)
        self.open_button = QPushButton(self)
        self.group = QButtonGroup(self)
        for b in (self.mine_button, self.open_button):
            b.setCheckable(True)
            self.group.addButton(b)
            bar.addWidget(b)
        self.mine_button.setChecked(True)
        self.done_too = QCheckBox(translate("ActionItemsView", "Show done and cancelled"), self)
        bar.addWidget(self.done_too)
        bar.addStretch(1)
        self.refresh_button = QPushButton(translate("ActionItemsView", "Refresh"), self)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([translate("ActionItemsView", c) for c in COLUMNS])
        self.table.setAccessibleName(translate("ActionItemsView", "Action items"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for k in range(len(COLUMNS)):
            header.setSectionResizeMode(k, QHeaderView.ResizeMode.Stretch if k == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.edit_button = QPushButton(translate("ActionItemsView", "Edit…"), self)
        self.done_button = QPushButton(translate("ActionItemsView", "Mark done"), self)
        self.open_incident_button = QPushButton(translate("ActionItemsView", "Open incident"), self)
        for b in (self.edit_button, self.done_button, self.open_incident_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.group.buttonToggled.connect(self._on_mode_toggled)
        self.done_too.toggled.connect(self._on_mode_toggled)
        self.refresh_button.clicked.connect(self.refresh)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.done_button.clicked.connect(self._on_done_clicked)
        self.open_incident_button.clicked.connect(self._on_open_clicked)
        self.table.itemDoubleClicked.connect(self._on_open_clicked)
        self._stale = True
        self._asked = 0  # counts refreshes: only the newest one's answer is shown
        self._reading_people = False

    def mode(self) -> str:
        return MINE if self.mine_button.isChecked() else ALL_OPEN

    def set_mode(self, mode: str) -> None:
        (self.mine_button if mode == MINE else self.open_button).setChecked(True)

    @Slot()
    def refresh(self) -> None:
        self._stale = False
        self._asked += 1
        asked = self._asked
        owner = self.desk.actor if self.mode() == MINE else None
        open_only = not self.done_too.isChecked()
        try:
            shown = ops_for(self.desk).run_read(lambda: self._read(owner, open_only))
        except (DomainError, StorageError) as exc:
            if asked == self._asked:
                self.banner.show_message(str(exc), "error")
            return
        if asked != self._asked:
            return  # the view was switched (or refreshed again) while this was read: the newer read shows
        self._show(shown)

    def _read(self, owner, open_only: bool) -> _Shown:
        """The counts and the items to list; runs on the desk's network reader on PostgreSQL (touches no widget)."""
        svc = self.desk.action_items
        return _Shown(mine=svc.counts(owner=self.desk.actor), everyone=svc.counts(),
                      items=tuple(svc.list(owner=owner, open_only=open_only)), today=svc.today())

    def _show(self, shown: _Shown) -> None:
        """Show what was read, in one go (nothing was cleared before the read, so nothing flashes)."""
        mine, everyone, today = shown.mine, shown.everyone, shown.today
        self.items = list(shown.items)
        self.banner.clear()
        if mine["overdue"]:
            self.mine_button.setText(translate("ActionItemsView", "My action items ({open}, {overdue} overdue)")
                                     .format(open=mine["open"], overdue=mine["overdue"]))
        else:
            self.mine_button.setText(translate("ActionItemsView", "My action items ({open})").format(open=mine["open"]))
        if everyone["overdue"]:
            self.open_button.setText(translate("ActionItemsView", "Open action items ({open}, {overdue} overdue)")
                                     .format(open=everyone["open"], overdue=everyone["overdue"]))
        else:
            self.open_button.setText(translate("ActionItemsView", "Open action items ({open})")
                                     .format(open=everyone["open"]))
        counts = mine if self.mode() == MINE else everyone
        self.summary.setText(translate("ActionItemsView",
                                       "{open} open, {overdue} overdue, {unowned} without an owner. Overdue items "
                                       "notify their owner once, in the inbox and the tray.").format(
            open=counts["open"], overdue=counts["overdue"], unowned=counts["unowned"]))
        self.table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            late = item.overdue(today)
            values = (str(item.id), item.title, item.owner or translate("ActionItemsView", "no owner"),
                      item.due.isoformat() if item.due else "-",
                      translate("ActionItemsView", "{status} (overdue)").format(status=item.status.label) if late
                      else item.status.label, item.incident_key or item.problem_key or "-")
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                cell.setToolTip(value)
                if late and c in (3, 4):
                    cell.setForeground(QBrush(theme.tone("error")[2]))
                self.table.setItem(r, c, cell)
        self.sig_counts_changed.emit(mine["open"], mine["overdue"])

    def _current(self):
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def mark_done(self, item_id: int) -> bool:
        try:
            ops_for(self.desk).run_write(lambda: self.desk.action_items.update(actor=self.desk.actor,
                                                                               item_id=item_id, status="done"))
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return False
        self.refresh()
        return True

    @Slot()
    def _on_mode_toggled(self, *_args) -> None:
        self.refresh()

    @Slot()
    def _on_done_clicked(self) -> None:
        item = self._current()
        if item is not None:
            self.mark_done(item.id)

    @Slot()
    def _on_edit_clicked(self) -> None:
        item = self._current()
        if item is None or self._reading_people:
            return  # nothing chosen, or asked twice while the first click reads the people: one dialog
        self._reading_people = True
        try:
            usernames = ops_for(self.desk).run_read(self.desk.users.usernames)
        except (DomainError, StorageError) as exc:
            self.banner.show_message(str(exc), "error")
            return
        finally:
            self._reading_people = False
        chosen = self._current()
        if chosen is None or chosen.id != item.id:
            return  # another item was chosen (or the list changed) while the people were read
        item = chosen  # the newest read of it, should a refresh have come meanwhile
        dialog = ActionItemDialog(translate("ActionItemsView", "Action item #{id}").format(id=item.id),
                                  usernames, self, item=item,
                                  today=self.desk.action_items.today())
        if self.run_dialog(dialog):
            v = dialog.values()
            try:  # off the GUI thread, as every write of the window (another desk may hold the lock)
                ops_for(self.desk).run_write(lambda: self.desk.action_items.update(
                    actor=self.desk.actor, item_id=item.id, expected_version=item.version, title=v["title"],
                    owner=v["owner"], due=v["due"], status=v["status"]))
            except (DomainError, StorageError) as exc:
                self.banner.show_message(str(exc), "error")
            self.refresh()
        dialog.deleteLater()

    @Slot()
    def _on_open_clicked(self, *_args) -> None:
        item = self._current()
        if item is not None and item.incident_key:
            self.sig_open_incident.emit(item.incident_key)

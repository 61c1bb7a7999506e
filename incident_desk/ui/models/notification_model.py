"""List model of one user's notification inbox, updated in place from polled snapshots."""

from __future__ import annotations

import enum
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from incident_desk.domain.formatting import time_short
from incident_desk.domain.incident import Priority
from incident_desk.services.notifications import NotificationItem
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import tooltip


class NotificationRole(enum.IntEnum):
    ITEM = Qt.ItemDataRole.UserRole        # the whole NotificationItem
    ID = enum.auto()
    INCIDENT_KEY = enum.auto()
    UNREAD = enum.auto()
    SEVERITY = enum.auto()
    SNOOZED = enum.auto()
    BADGE = enum.auto()         # the Priority to show as a badge, or None (most rows have none)
    SECOND_LINE = enum.auto()   # when, what about, snoozed until: the row's muted second line


def badge_priority(item: NotificationItem) -> Priority | None:
    """A badge only where it means something: an escalation of a P1 or P2, or a critical one (a breach).
    Watchers' notes and warnings about slower incidents carry none, so the badge stands out."""
    if item.kind != "escalation" or item.priority is None:
        return None
    if item.priority in (Priority.P1, Priority.P2) or item.severity == "critical":
        return item.priority
    return None


class NotificationModel(QAbstractListModel):
    """Holds a snapshot of items; set_items() turns the next snapshot into row inserts/removes/changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[NotificationItem] = []
        self._now: datetime | None = None

    # ---- Qt overrides ---------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items) or index.column() != 0:
            return None
        item = self._items[index.row()]
        snoozed = self._now is not None and item.snoozed(self._now)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.title}\n{self._second_line(item, snoozed)}"
        if role == NotificationRole.SECOND_LINE:
            return self._second_line(item, snoozed)
        if role == NotificationRole.BADGE:
            return badge_priority(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.title, item.body, translate("NotificationModel",
                                                      "Received {time}").format(time=time_short(
                    item.created_at))]
            if item.due_at is not None:
                lines.append(translate("NotificationModel", "Due {time}").format(time=time_short(
                        item.due_at)))
            if snoozed:
                lines.append(translate("NotificationModel", "Snoozed until {time}").format(time=time_short(
                        item.snoozed_until)))
            return tooltip("\n".join(line for line in lines if line))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(item.unread and not snoozed)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "unread" if item.unread else "read"
            badge = badge_priority(item)
            severity = f" {item.severity} {badge.label}" if badge is not None else ""
            return f"{state}{severity} {item.kind}: {item.title}. {self._second_line(item, snoozed)}"
        if role == NotificationRole.ITEM:
            return item
        if role == NotificationRole.ID:
            return item.id
        if role == NotificationRole.INCIDENT_KEY:
            return item.incident_key or ""
        if role == NotificationRole.UNREAD:
            return item.unread
        if role == NotificationRole.SEVERITY:
            return item.severity
        if role == NotificationRole.SNOOZED:
            return snoozed
        return None

    @staticmethod
    def _second_line(item: NotificationItem, snoozed: bool) -> str:
        parts = [time_short(item.created_at)]
        if item.body:
            parts.append(item.body)
        if snoozed:
            parts.append(translate("NotificationModel", "snoozed until {time}").format(time=time_short(
                    item.snoozed_until)))
        return " \u00b7 ".join(parts)

    def roleNames(self) -> dict:
        names = super().roleNames()
        names.update({int(r): r.name.lower().encode() for r in NotificationRole})
        return names

    # ---- updates ----------------------------------------------------------------------------------

    def items(self) -> list[NotificationItem]:
        return list(self._items)

    def item_at(self, row: int) -> NotificationItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def set_items(self, items: list[NotificationItem], now: datetime | None = None) -> None:
        """Apply a new snapshot (newest first) with removes, inserts and dataChanged, never a reset."""
        self._now = now
        wanted = {i.id for i in items}
        for row in range(len(self._items) - 1, -1, -1):
            if self._items[row].id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
        by_id = {i.id: i for i in items}
        for row, item in enumerate(items):
            current = self._items[row] if row < len(self._items) else None
            if current is not None and current.id == item.id:
                if current != item:
                    self._items[row] = item
                    index = self.index(row)
                    self.dataChanged.emit(index, index, [])
                continue
            existing = next((r for r in range(row + 1, len(self._items)) if self._items[r].id == item.id), None)
            if existing is not None:
                self.beginMoveRows(QModelIndex(), existing, existing, QModelIndex(), row)
                moved = self._items.pop(existing)
                self._items.insert(row, by_id[moved.id])
                self.endMoveRows()
            else:
                self.beginInsertRows(QModelIndex(), row, row)
                self._items.insert(row, item)
                self.endInsertRows()
        if now is not None and self._items:
            # Snooze states change with the clock alone.
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole, NotificationRole.SNOOZED])

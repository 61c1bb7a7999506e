"""The notification centre dock: a user's inbox with unread badge, open, mark read, snooze, quiet hours."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTime, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.services.auth import Actor
from incident_desk.services.errors import DomainError
from incident_desk.services.notifications import SNOOZE_CHOICES, NotificationService, snooze_until
from incident_desk.ui import theme
from incident_desk.ui.models.notification_model import NotificationModel, NotificationRole


class QuietHoursDialog(QDialog):
    """Do-not-disturb hours of the signed-in user; P1 escalations may still come through."""

    def __init__(self, notifications: NotificationService, actor: Actor, parent: QWidget | None = None, *,
                 run_write: Callable[[Callable], object] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Quiet hours")
        self.notifications, self.actor = notifications, actor
        self._run_write = run_write or (lambda call: call())
        hours = notifications.quiet_hours(actor)
        self.enabled = QCheckBox("Silence desktop alerts between", self)
        self.start = QTimeEdit(self)
        self.end = QTimeEdit(self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.start.setTime(QTime.fromString(hours["start"] or "22:00", "HH:mm"))
        self.end.setTime(QTime.fromString(hours["end"] or "07:00", "HH:mm"))
        self.enabled.setChecked(bool(hours["start"]))
        self.zone = QLineEdit(hours["timezone"], self)
        self.zone.setPlaceholderText("e.g. Europe/Berlin")
        self.allow_p1 = QCheckBox("Still alert me about P1 escalations", self)
        self.allow_p1.setChecked(hours["allow_p1"])
        self.error = QLabel("", self)
        self.error.setObjectName("errorLabel")
        theme.style(self.error, "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        form.addRow("Time zone", self.zone)
        form.addRow(self.allow_p1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Notifications still reach this inbox; only pop-ups are held back.", self))
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @Slot()
    def _on_save(self) -> None:
        on = self.enabled.isChecked()
        try:
            start = self.start.time().toString("HH:mm") if on else None
            end = self.end.time().toString("HH:mm") if on else None
            zone, allow_p1 = self.zone.text().strip() or "UTC", self.allow_p1.isChecked()
            self._run_write(lambda: self.notifications.set_quiet_hours(
                actor=self.actor, start=start, end=end, timezone_name=zone, allow_p1=allow_p1))
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class NotificationCenter(QDockWidget):
    """Lists the inbox; its actions write through the NotificationService and say so with signals."""

    sig_open_incident = Signal(str)
    """The user clicked a notification about this incident key."""
    sig_inbox_changed = Signal()
    """Something was marked read or snoozed here; counts elsewhere should refresh."""

    def __init__(self, notifications: NotificationService, actor: Actor, clock, parent: QWidget | None = None, *,
                 run_write: Callable[[Callable], object] | None = None):
        super().__init__("Notifications", parent)
        self.setObjectName("notificationCenter")
        self.notifications, self.actor, self.clock = notifications, actor, clock
        # Marking read and snoozing write: through the desk's writer queue when the window has one.
        self._run_write = run_write or (lambda call: call())
        self.model = NotificationModel(self)
        self._unread = 0

        body = QWidget(self)
        self.unread_only = QCheckBox("Unread only", body)
        self.mark_read_button = QToolButton(body)
        self.mark_read_button.setText("Mark read")
        self.mark_all_button = QToolButton(body)
        self.mark_all_button.setText("Mark all read")
        self.snooze_button = QToolButton(body)
        self.snooze_button.setText("Snooze")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze_button)
        self.snooze_actions: dict[str, QAction] = {}
        for choice in SNOOZE_CHOICES:
            action = menu.addAction(f"Snooze {choice}" if choice != "until tomorrow" else "Snooze until tomorrow")
            action.setData(choice)
            self.snooze_actions[choice] = action
        menu.triggered.connect(self._on_snooze_chosen)
        self.snooze_button.setMenu(menu)
        self.quiet_button = QToolButton(body)
        self.quiet_button.setText("Quiet hours…")
        self.notice = QLabel("", body)
        self.notice.setObjectName("fallbackNotice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.list = QListView(body)
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName("Notifications")
        self.empty = QLabel("No notifications.", body)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        bar = QHBoxLayout()
        for w in (self.unread_only, self.mark_read_button, self.mark_all_button, self.snooze_button,
                  self.quiet_button):
            bar.addWidget(w)
        bar.addStretch(1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.setWidget(body)
        self._connect_signals()
        self._update_badge()

    def _connect_signals(self) -> None:
        self.list.clicked.connect(self._on_clicked)
        self.list.activated.connect(self._on_clicked)
        self.mark_read_button.clicked.connect(self._on_mark_read)
        self.mark_all_button.clicked.connect(self._on_mark_all_read)
        self.unread_only.toggled.connect(self._on_unread_only_toggled)
        self.quiet_button.clicked.connect(self._on_quiet_hours)
        self.model.rowsInserted.connect(self._update_badge)
        self.model.rowsRemoved.connect(self._update_badge)

    # ---- what the controller calls -------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the inbox (a small indexed query) and apply it to the model."""
        items = self.notifications.inbox(self.actor, unread_only=self.unread_only.isChecked())
        self.show_snapshot(items, self.notifications.unread_count(self.actor))

    def show_snapshot(self, items, unread: int) -> None:
        self.model.set_items(items, now=self.clock())
        self._unread = unread
        self._update_badge()

    def unread_count(self) -> int:
        return self._unread

    def set_notice(self, text: str) -> None:
        """A line above the list, e.g. that alerts land here because no system tray exists."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def selected_ids(self) -> list[int]:
        return [i.data(NotificationRole.ID) for i in self.list.selectionModel().selectedIndexes()]

    # ---- slots ---------------------------------------------------------------------------------------

    @Slot()
    def _update_badge(self, *_args) -> None:
        badge = f" ({self._unread})" if self._unread else ""
        self.setWindowTitle(f"Notifications{badge}")
        self.toggleViewAction().setText(f"Notifications{badge}")
        self.empty.setVisible(self.model.rowCount() == 0)
        self.mark_all_button.setEnabled(self._unread > 0)

    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        item = index.data(NotificationRole.ITEM)
        if item is None:
            return
        if item.unread:
            self._run_write(lambda: self.notifications.mark_read(self.actor, [item.id]))
            self.refresh()
            self.sig_inbox_changed.emit()
        if item.incident_key:
            self.sig_open_incident.emit(item.incident_key)

    @Slot()
    def _on_mark_read(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._run_write(lambda: self.notifications.mark_read(self.actor, ids))
            self.refresh()
            self.sig_inbox_changed.emit()

    @Slot()
    def _on_mark_all_read(self) -> None:
        self._run_write(lambda: self.notifications.mark_all_read(self.actor))
        self.refresh()
        self.sig_inbox_changed.emit()

    @Slot(QAction)
    def _on_snooze_chosen(self, action: QAction) -> None:
        self.snooze_selected(action.data())

    def snooze_selected(self, choice: str) -> int:
        ids = self.selected_ids()
        if not ids:
            return 0
        zone = self.notifications.quiet_hours(self.actor)["timezone"]
        until = snooze_until(choice, self.clock(), zone=zone)
        n = self._run_write(lambda: self.notifications.snooze(self.actor, ids, until))
        self.refresh()
        self.sig_inbox_changed.emit()
        return n

    @Slot(bool)
    def _on_unread_only_toggled(self, _checked: bool) -> None:
        self.refresh()

    @Slot()
    def _on_quiet_hours(self) -> None:
        dialog = QuietHoursDialog(self.notifications, self.actor, self, run_write=self._run_write)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

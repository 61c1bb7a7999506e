"""The notification centre dock: a user's inbox with unread badge, open, mark read, snooze, quiet hours."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSignalBlocker, QSize, Qt, QTime, Signal, Slot
from PySide6.QtGui import QAction, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.services.auth import Actor
from incident_desk.services.errors import DomainError
from incident_desk.services.notifications import SNOOZE_CHOICES, DoNotDisturb, NotificationService, snooze_until
from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.models.notification_model import NotificationModel, NotificationRole
from incident_desk.ui.plain import plain_label
from incident_desk.ui.widgets.flow_layout import FlowLayout, WrappingPanel
from incident_desk.ui.widgets.zone_picker import ZonePicker

ROW_MIN_WIDTH = 160  # a row (and the list) asks for no more: titles elide, the tooltip has them whole


class QuietHoursDialog(QDialog):
    """Do-not-disturb hours of the signed-in user; P1 escalations may still come through."""

    def __init__(self, notifications: NotificationService, actor: Actor, parent: QWidget | None = None, *,
                 run_write: Callable[[Callable], object] | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("NotificationCenter", "Quiet hours"))
        self.notifications, self.actor = notifications, actor
        self._run_write = run_write or (lambda call: call())
        hours = notifications.quiet_hours(actor)
        self.enabled = QCheckBox(translate("NotificationCenter", "Silence desktop alerts between"), self)
        self.start = QTimeEdit(self)
        self.end = QTimeEdit(self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.start.setTime(QTime.fromString(hours["start"] or "22:00", "HH:mm"))
        self.end.setTime(QTime.fromString(hours["end"] or "07:00", "HH:mm"))
        self.enabled.setChecked(bool(hours["start"]))
        self.zone = ZonePicker(hours["timezone"], self)
        self.allow_p1 = QCheckBox(translate("NotificationCenter", "Still alert me about P1 escalations"), self)
        self.allow_p1.setChecked(hours["allow_p1"])
        self.error = plain_label("", self)  # messages quote the zone typed
        self.error.setObjectName("errorLabel")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        theme.style(self.error, "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(translate("NotificationCenter", "From"), self.start)
        form.addRow(translate("NotificationCenter", "To"), self.end)
        form.addRow(translate("NotificationCenter", "Time zone"), self.zone)
        form.addRow(self.allow_p1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(translate("NotificationCenter",
                                "Notifications still reach this inbox; only pop-ups are held back."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @Slot()
    def _on_save(self) -> None:
        on = self.enabled.isChecked()
        try:
            start = self.start.time().toString("HH:mm") if on else None
            end = self.end.time().toString("HH:mm") if on else None
            zone, allow_p1 = self.zone.zone(), self.allow_p1.isChecked()
            self._run_write(lambda: self.notifications.set_quiet_hours(
                actor=self.actor, start=start, end=end, timezone_name=zone, allow_p1=allow_p1))
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class NotificationDelegate(QStyledItemDelegate):
    """Two lines a row, each elided to the width there is: [badge] title, then when and what about.
    A row never asks the list (and so the dock) for width; the full text is in the row's tooltip."""

    PAD_X, PAD_Y, GAP = 6, 4, 2

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 (Qt override)
        line = QFontMetrics(option.font).height()
        return QSize(ROW_MIN_WIDTH, 2 * line + self.GAP + 2 * self.PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item = index.data(NotificationRole.ITEM)
        if item is None:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # panel only: alternate colour, selection, focus
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect = option.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = option.palette.highlightedText().color() if selected else option.palette.text().color()
        muted = text_color if selected else theme.muted_text_color()
        line_h = QFontMetrics(option.font).height()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = rect.left()
        badge = index.data(NotificationRole.BADGE)
        if badge is not None:
            x += self._paint_badge(painter, badge, option.font, x, rect.top(), line_h) + 6
        title_font = QFont(option.font)
        title_font.setBold(bool(index.data(NotificationRole.UNREAD)) and not index.data(NotificationRole.SNOOZED))
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = QFontMetrics(title_font).elidedText(item.title, Qt.TextElideMode.ElideRight, max(0, rect.right() - x))
        painter.drawText(QRect(x, rect.top(), max(0, rect.right() - x), line_h),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(option.font)
        painter.setPen(muted)
        second = QFontMetrics(option.font).elidedText(index.data(NotificationRole.SECOND_LINE) or "",
                                                      Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), rect.top() + line_h + self.GAP, rect.width(), line_h),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, second)
        painter.restore()

    @staticmethod
    def _paint_badge(painter: QPainter, priority, font: QFont, x: int, top: int, line_h: int) -> int:
        """A 'P1' pill in the priority's colours (the table's and the header's); returns its width."""
        badge_font = icons.badge_font(font)
        metrics = QFontMetrics(badge_font)
        width = metrics.horizontalAdvance(priority.label) + 10
        height = min(line_h, metrics.height() + 2)
        pill = QRectF(x, top + (line_h - height) / 2, width, height)
        fill, text = theme.badge_colors("priority", priority)
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(text)
        painter.setFont(badge_font)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, priority.label)
        return width


class NotificationCenter(QDockWidget):
    """Lists the inbox; its actions write through the NotificationService and say so with signals."""

    sig_open_incident = Signal(str)
    """The user clicked a notification about this incident key."""
    sig_inbox_changed = Signal()
    """Something was marked read or snoozed here; counts elsewhere should refresh."""
    sig_do_not_disturb_toggled = Signal(bool)
    """The user switched do-not-disturb on or off here."""

    def __init__(self, notifications: NotificationService, actor: Actor, clock, parent: QWidget | None = None, *,
                 run_write: Callable[[Callable], object] | None = None):
        super().__init__(translate("NotificationCenter", "Notifications"), parent)
        self.setObjectName("notificationCenter")
        self.notifications, self.actor, self.clock = notifications, actor, clock
        # Marking read and snoozing write: through the desk's writer queue when the window has one.
        self._run_write = run_write or (lambda call: call())
        self.model = NotificationModel(self)
        self._unread = 0
        self.dnd_state = DoNotDisturb()

        body = WrappingPanel(self)
        self.unread_only = QCheckBox(translate("NotificationCenter", "Unread only"), body)
        self.mark_read_button = QToolButton(body)
        self.mark_read_button.setText(translate("NotificationCenter", "Mark read"))
        self.mark_read_button.setToolTip(translate("NotificationCenter", "Mark the selected notifications read"))
        self.mark_all_button = QToolButton(body)
        self.mark_all_button.setText(translate("NotificationCenter", "Mark all read"))
        self.snooze_button = QToolButton(body)
        self.snooze_button.setText(translate("NotificationCenter", "Snooze"))
        self.snooze_button.setToolTip(translate("NotificationCenter", "Hide the selected notifications for a while"))
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze_button)
        self.snooze_actions: dict[str, QAction] = {}
        for choice in SNOOZE_CHOICES:
            action = menu.addAction(translate("NotificationCenter",
                                              "Snooze {choice}").format(
                    choice=choice) if choice != "until tomorrow" else translate("NotificationCenter",
                    "Snooze until tomorrow"))
            action.setData(choice)
            self.snooze_actions[choice] = action
        menu.triggered.connect(self._on_snooze_chosen)
        self.snooze_button.setMenu(menu)
        # Do not disturb and quiet hours share one menu button: the row of buttons stays short.
        self.quiet_button = QToolButton(body)
        self.quiet_button.setText(translate("NotificationCenter", "Do not disturb"))
        self.quiet_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        quiet_menu = QMenu(self.quiet_button)
        self.dnd_action = quiet_menu.addAction(translate("NotificationCenter", "Do not disturb now"))
        self.dnd_action.setCheckable(True)
        self.quiet_action = quiet_menu.addAction(translate("NotificationCenter", "Quiet hours…"))
        self.quiet_button.setMenu(quiet_menu)
        self.notice = QLabel("", body)
        self.notice.setObjectName("fallbackNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setVisible(False)
        # The sign that pop-ups are held back: a banner at the top of the panel while it lasts.
        self.dnd_banner = QFrame(body)
        self.dnd_banner.setObjectName("banner")
        theme.style(self.dnd_banner, "warning")
        self.dnd_label = QLabel("", self.dnd_banner)
        self.dnd_label.setObjectName("doNotDisturbNotice")
        self.dnd_label.setWordWrap(True)
        self.dnd_label.setTextFormat(Qt.TextFormat.PlainText)
        self.dnd_off_button = QToolButton(self.dnd_banner)
        self.dnd_off_button.setText(translate("NotificationCenter", "Switch off"))
        banner_row = QHBoxLayout(self.dnd_banner)
        banner_row.setContentsMargins(6, 4, 4, 4)
        banner_row.addWidget(self.dnd_label, 1)
        banner_row.addWidget(self.dnd_off_button, 0, Qt.AlignmentFlag.AlignTop)
        self.dnd_banner.setVisible(False)
        self.list = QListView(body)
        self.list.setModel(self.model)
        self.list.setItemDelegate(NotificationDelegate(self.list))
        self.list.setWordWrap(False)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName(translate("NotificationCenter", "Notifications"))
        self.list.setMinimumWidth(ROW_MIN_WIDTH)
        self.empty = QLabel(translate("NotificationCenter", "No notifications."), body)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # The actions wrap onto a second row in a narrow panel: the dock never forces the window wider.
        bar = FlowLayout(spacing=4)
        for w in (self.unread_only, self.mark_read_button, self.mark_all_button, self.snooze_button,
                  self.quiet_button):
            bar.addWidget(w)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.dnd_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.setWidget(body)
        self._connect_signals()
        self._update_badge()

    def tab_chain(self) -> tuple[QWidget, ...]:
        """The panel's controls as they read, top to bottom: the window puts them in its Tab order."""
        return (self.unread_only, self.mark_read_button, self.mark_all_button, self.snooze_button,
                self.quiet_button, self.dnd_off_button, self.list)

    def _connect_signals(self) -> None:
        self.list.clicked.connect(self._on_clicked)
        self.list.activated.connect(self._on_clicked)
        self.mark_read_button.clicked.connect(self._on_mark_read)
        self.mark_all_button.clicked.connect(self._on_mark_all_read)
        self.unread_only.toggled.connect(self._on_unread_only_toggled)
        self.quiet_action.triggered.connect(self._on_quiet_hours)
        self.dnd_action.toggled.connect(self.sig_do_not_disturb_toggled)
        self.dnd_off_button.clicked.connect(self._on_dnd_off)
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

    def set_do_not_disturb(self, state: DoNotDisturb) -> None:
        """Show whether pop-ups are held back (banner, menu check); the switch itself is the controller's."""
        self.dnd_state = state
        self.dnd_label.setText(state.describe())
        self.dnd_banner.setVisible(state.on)
        # Quiet hours end by themselves; only the manual switch can be switched off here.
        self.dnd_off_button.setVisible(state.manual)
        with QSignalBlocker(self.dnd_action):
            self.dnd_action.setChecked(state.manual)
        self.quiet_button.setText(translate("NotificationCenter", "{label} (on)").format(label=state.label(
                )) if state.on else translate("NotificationCenter", "Do not disturb"))

    def selected_ids(self) -> list[int]:
        return [i.data(NotificationRole.ID) for i in self.list.selectionModel().selectedIndexes()]

    # ---- slots ---------------------------------------------------------------------------------------

    @Slot()
    def _update_badge(self, *_args) -> None:
        badge = f" ({self._unread})" if self._unread else ""
        self.setWindowTitle(translate("NotificationCenter", "Notifications{badge}").format(badge=badge))
        self.toggleViewAction().setText(translate("NotificationCenter", "Notifications{badge}").format(badge=badge))
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
    def _on_dnd_off(self) -> None:
        self.sig_do_not_disturb_toggled.emit(False)

    @Slot()
    def _on_quiet_hours(self) -> None:
        dialog = QuietHoursDialog(self.notifications, self.actor, self, run_write=self._run_write)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.sig_inbox_changed)  # the controller re-reads, the banner follows
        dialog.open()

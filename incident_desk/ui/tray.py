"""The system-tray icon: unread badge and tooltip, menu, alert messages (one summary for many)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from incident_desk.domain.escalation import SEVERITIES
from incident_desk.domain.incident import Priority
from incident_desk.services.notifications import NotificationItem
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.icons import _NO_PEN
from incident_desk.ui.plain import menu_text, notification_body

APP_NAME = "Incident Desk"
MESSAGE_MS = 10_000
LATEST_SHOWN = 5
# The message icon is also its urgency on a freedesktop notification server: Critical -> critical (2),
# Warning -> normal (1), Information -> low (0). A P1 escalation is critical (domain.escalation).
_SEVERITY_ICON = {"critical": QSystemTrayIcon.MessageIcon.Critical, "warning": QSystemTrayIcon.MessageIcon.Warning,
                  "info": QSystemTrayIcon.MessageIcon.Information}


def message_icon(items: list[NotificationItem]) -> QSystemTrayIcon.MessageIcon:
    """The icon (and so the urgency) of one message for ``items``: the most severe one's."""
    worst = max((i.severity for i in items), key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else 0)
    return _SEVERITY_ICON.get(worst, QSystemTrayIcon.MessageIcon.Information)


def summarize(items: list[NotificationItem]) -> tuple[str, str]:
    """(summary, body) of one tray message standing for many alerts: '37 new escalations — 3 P1'."""
    escalations = [i for i in items if i.kind == "escalation"]
    p1 = sum(1 for i in items if i.priority == Priority.P1)
    keys = {i.incident_key for i in items}
    if len(keys) == 1 and None not in keys:
        # Several deadlines of one incident (a catch-up): name the incident, list what fell due.
        return (TrayController.tr("{key}: %n new alerts", "", len(items)).format(key=keys.pop()),
                "\n".join([items[0].body] + [i.title.split(": ", 1)[-1] for i in items]))
    # TrayController.tr: a plural lupdate marks as one needs tr(); called on the class, its context is the class.
    if len(escalations) == len(items):
        summary = TrayController.tr("%n new escalations", "", len(items))
    else:
        summary = TrayController.tr("%n new notifications", "", len(items))
    if p1:
        summary = translate("Tray", "{summary} — {p1} P1").format(summary=summary, p1=p1)
    lines = [i.title for i in items[:3]]
    if len(items) > 3:
        lines.append(TrayController.tr("… and %n more in the notification centre", "", len(items) - 3))
    return summary, "\n".join(lines)


def badge_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """The app icon with the unread count in a red disc (99+ beyond)."""
    pix = base.pixmap(size, size) if not base.isNull() else QPixmap(size, size)
    if base.isNull():
        pix.fill(QColor(theme.TRAY_BACKGROUND))
    if count <= 0:
        return QIcon(pix)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    disc = QRectF(size * 0.42, 0, size * 0.58, size * 0.58)
    painter.setPen(_NO_PEN)  # never setPen(Qt.PenStyle): see icons._NO_PEN
    painter.setBrush(QColor(theme.TRAY_ALERT))
    painter.drawEllipse(disc)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.34 if count < 10 else 0.26)))
    painter.setFont(font)
    painter.setPen(QColor(theme.LIGHT_TEXT))
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(count) if count < 100 else "99+")
    painter.end()
    return QIcon(pix)


class TrayController(QObject):
    """Owns the QSystemTrayIcon when a tray exists; ask available() again later when it does not."""

    sig_open_desk_requested = Signal()
    """Show and raise the desk window."""
    sig_log_incident_requested = Signal()
    """Open the log-incident dialog."""
    sig_open_incident = Signal(str)
    """Open this incident (a clicked alert or a latest-alerts entry)."""
    sig_do_not_disturb_toggled = Signal(bool)
    """The user switched do-not-disturb on or off."""
    sig_keep_in_tray_toggled = Signal(bool)
    """The user chose whether closing the window keeps the desk running here."""
    sig_quit_requested = Signal()
    """Quit the whole application."""

    def __init__(self, icon: QIcon, parent: QObject | None = None, *, available=None):
        super().__init__(parent)
        self._base_icon = icon
        self._available = available or QSystemTrayIcon.isSystemTrayAvailable
        self.icon: QSystemTrayIcon | None = None
        self._unread = 0
        self._message_key: str | None = None
        self.menu = QMenu()
        self.open_action = self.menu.addAction(translate("Tray", "Open desk"))
        self.log_action = self.menu.addAction(translate("Tray", "Log incident…"))
        self.latest_menu = self.menu.addMenu(translate("Tray", "Latest alerts"))
        self.latest_menu.addAction(translate("Tray", "No alerts yet")).setEnabled(False)
        self.menu.addSeparator()
        self.dnd_action = self.menu.addAction(translate("Tray", "Do not disturb"))
        self.dnd_action.setCheckable(True)
        self.keep_action = self.menu.addAction(translate("Tray", "Keep running in the tray when closed"))
        self.keep_action.setCheckable(True)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction(translate("Tray", "Quit"))
        self.open_action.triggered.connect(self.sig_open_desk_requested)
        self.log_action.triggered.connect(self.sig_log_incident_requested)
        self.dnd_action.toggled.connect(self.sig_do_not_disturb_toggled)
        self.keep_action.toggled.connect(self.sig_keep_in_tray_toggled)
        self.quit_action.triggered.connect(self.sig_quit_requested)

    def available(self) -> bool:
        return bool(self._available())

    def ensure_shown(self) -> bool:
        """Create and show the icon if a tray has appeared; True when an icon is up."""
        if self.icon is not None:
            return True
        if not self.available():
            return False
        self.icon = QSystemTrayIcon(badge_icon(self._base_icon, self._unread), self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip(self.tooltip())
        self.icon.messageClicked.connect(self._on_message_clicked)
        self.icon.activated.connect(self._on_activated)
        self.icon.show()
        return True

    def tooltip(self) -> str:
        if not self._unread:
            return translate("Tray", "{app} — no unread notifications").format(app=APP_NAME)
        return self.tr("{app} — %n unread notifications", "", self._unread).format(app=APP_NAME)

    def set_unread(self, count: int) -> None:
        if count == self._unread:
            return
        self._unread = count
        if self.icon is not None:
            self.icon.setIcon(badge_icon(self._base_icon, count))
            self.icon.setToolTip(self.tooltip())

    def set_latest(self, items: list[NotificationItem]) -> None:
        self.latest_menu.clear()
        if not items:
            self.latest_menu.addAction(translate("Tray", "No alerts yet")).setEnabled(False)
        for item in items[:LATEST_SHOWN]:
            action = self.latest_menu.addAction(menu_text(item.title))
            action.setData(item.incident_key or "")
            action.triggered.connect(lambda _=False, key=item.incident_key or "": self._on_latest(key))

    def set_do_not_disturb(self, on: bool) -> None:
        with QSignalBlocker(self.dnd_action):
            self.dnd_action.setChecked(on)

    def set_keep_in_tray(self, on: bool) -> None:
        with QSignalBlocker(self.keep_action):
            self.keep_action.setChecked(on)

    def show_alerts(self, items: list[NotificationItem]) -> bool:
        """One message for one alert, one summary for several; False when there is no icon."""
        if not items or not self.ensure_shown():
            return False
        if len(items) == 1:
            item = items[0]
            self._message_key = item.incident_key
            self.icon.showMessage(item.title, notification_body(item.body), message_icon(items), MESSAGE_MS)
        else:
            summary, body = summarize(items)
            keys = {i.incident_key for i in items}
            self._message_key = keys.pop() if len(keys) == 1 else None
            self.icon.showMessage(summary, notification_body(body), message_icon(items), MESSAGE_MS)
        return True

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    @Slot()
    def _on_message_clicked(self) -> None:
        if self._message_key:
            self.sig_open_incident.emit(self._message_key)
        else:
            self.sig_open_desk_requested.emit()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.sig_open_desk_requested.emit()

    def _on_latest(self, key: str) -> None:
        if key:
            self.sig_open_incident.emit(key)
        else:
            self.sig_open_desk_requested.emit()

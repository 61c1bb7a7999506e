"""Wires escalations to people: the notification dock, the tray, the scan timer and the inbox poll."""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow, QToolButton, QWidget

from incident_desk.services.desk import Desk
from incident_desk.services.notifications import DoNotDisturb
from incident_desk.ui import icons, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.plain import tooltip
from incident_desk.ui.tray import TrayController, summarize
from incident_desk.ui.widgets.notification_center import NotificationCenter

log = logging.getLogger(__name__)

SCAN_INTERVAL_MS = 30_000
FIRST_SCAN_MS = 800          # the first scan runs right after start: catch-up after a night closed
POLL_INTERVAL_MS = 2_000     # how soon alerts raised by another desk's process arrive
KEEP_IN_TRAY_KEY = "alerts/keep_in_tray"
TRAY_ENABLED_KEY = "alerts/tray"      # Settings -> Notifications: the tray icon at all
SOUND_KEY = "alerts/sound"            # a beep with each pop-up
TRAY_OFF_NOTICE = QT_TRANSLATE_NOOP(
    "Alerts", "The tray icon is switched off (Settings → Notifications): alerts appear here.")
NO_TRAY_NOTICE = QT_TRANSLATE_NOOP("Alerts", "No system tray was found: alerts appear here and in the status bar.")


class AlertsController(QObject):
    """One per desk window; call shutdown() before the desk closes."""

    sig_open_incident = Signal(str)
    """The user asked to see this incident (dock click, tray message, latest alerts)."""
    sig_log_incident_requested = Signal()
    """The tray menu asked for the log-incident dialog."""
    sig_alerts_shown = Signal(int)
    """This many new alerts were claimed and shown (tray or in-app fallback)."""
    sig_scan_finished = Signal(int)
    """An escalation scan ended having raised this many escalations."""
    sig_do_not_disturb_changed = Signal(bool, str)
    """Pop-ups went on hold or came back (the switch, or quiet hours starting or ending); the text
    says why and until when, in a sentence (DoNotDisturb.describe()), or is empty when off."""

    def __init__(self, desk: Desk, main_window: QMainWindow, *, settings: QSettings | None = None,
                 scan_interval_ms: int = SCAN_INTERVAL_MS, poll_interval_ms: int = POLL_INTERVAL_MS,
                 first_scan_ms: int = FIRST_SCAN_MS, tray_available=None):
        super().__init__(main_window)
        self.desk = desk
        self.settings = settings if settings is not None else QSettings()
        # Scans and alert claims write: they queue with the desk's other writes, one at a time.
        self.ops = ops_for(desk)
        self.dock = NotificationCenter(desk.notifications, desk.actor, desk.clock, main_window,
                                       run_write=self.ops.run_write)
        # Created after the window restored its saved state, so the dock goes back where the user left
        # it (and as shown or hidden); the first time the desk window puts it under its views.
        if hasattr(main_window, "dock_notifications"):
            main_window.dock_notifications(self.dock)
        elif not main_window.restoreDockWidget(self.dock):
            main_window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        icon = main_window.windowIcon()
        self.tray = TrayController(icon if not icon.isNull() else icons.app_icon(), self, available=tray_available)
        self.fallback_messages: list[str] = []
        self._scanning = self._polling = self._quitting = self._stopped = False
        self._scan_timer = QTimer(self)
        self._scan_timer.setInterval(scan_interval_ms)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_interval_ms)
        self.keep_in_tray = self.settings.value(KEEP_IN_TRAY_KEY, False, type=bool)
        self.tray_enabled = self.settings.value(TRAY_ENABLED_KEY, True, type=bool)
        self.sound = self.settings.value(SOUND_KEY, False, type=bool)
        self.tray.set_keep_in_tray(self.keep_in_tray)
        QApplication.setQuitOnLastWindowClosed(not self.keep_in_tray)
        self.do_not_disturb = DoNotDisturb()
        self._connect_signals()
        self._apply_do_not_disturb(desk.notifications.do_not_disturb(desk.actor))
        self._update_tray_presence()
        main_window.installEventFilter(self)
        self.dock.refresh()
        self.tray.set_unread(self.dock.unread_count())
        self._scan_timer.start()
        self._poll_timer.start()
        QTimer.singleShot(first_scan_ms, self.scan_now)

    @property
    def window(self) -> QMainWindow:
        # Qt's parent, not an attribute: a window <-> controller reference cycle would leave freeing the
        # widgets to the cyclic collector, which may run on a worker thread (a crash).
        return self.parent()

    def _connect_signals(self) -> None:
        self._scan_timer.timeout.connect(self.scan_now)
        self._poll_timer.timeout.connect(self.poll_now)
        self.dock.sig_open_incident.connect(self._on_open_incident)
        self.dock.sig_inbox_changed.connect(self.poll_now)
        self.dock.sig_do_not_disturb_toggled.connect(self._on_do_not_disturb)
        self.tray.sig_open_incident.connect(self._on_open_incident)
        self.tray.sig_open_desk_requested.connect(self._on_open_desk)
        self.tray.sig_log_incident_requested.connect(self._on_log_incident)
        self.tray.sig_do_not_disturb_toggled.connect(self._on_do_not_disturb)
        self.tray.sig_keep_in_tray_toggled.connect(self._on_keep_in_tray)
        self.tray.sig_quit_requested.connect(self._on_quit)

    # ---- scanning and polling (in the worker) ----------------------------------------------------------

    @Slot()
    def scan_now(self) -> None:
        if self._scanning or self._stopped:
            return
        self._scanning = True
        self.ops.write(self.desk.escalation.scan, on_done=self._on_scan_done, on_error=self._on_scan_failed,
                       background=True)

    def _on_scan_done(self, raised: list) -> None:
        self._scanning = False
        if self._stopped:
            return
        self.sig_scan_finished.emit(len(raised))
        if raised:
            self.poll_now()

    def _on_scan_failed(self, exc: BaseException) -> None:
        self._scanning = False
        log.warning("escalation scan failed: %s", exc)
        self._status(translate("Alerts", "Escalation check failed: {exc}").format(exc=exc))

    @Slot()
    def poll_now(self) -> None:
        if self._polling or self._stopped:
            return
        self._polling = True
        self.ops.write(partial(self._poll_job, self.dock.unread_only.isChecked()), on_done=self._on_poll_done,
                       on_error=self._on_poll_failed, background=True)

    def _poll_job(self, unread_only: bool) -> dict:
        """On the writer thread: read the inbox and claim the alerts nobody has shown yet."""
        service, actor = self.desk.notifications, self.desk.actor
        claimed = []
        for item in service.pending_alerts(actor):
            if service.claim_for_alert(item.id):
                claimed.append((item, service.should_pop_up(actor, item)))
        return {"items": service.inbox(actor, unread_only=unread_only),
                "unread": service.unread_count(actor), "claimed": claimed,
                "do_not_disturb": service.do_not_disturb(actor)}

    def _on_poll_done(self, result: dict) -> None:
        self._polling = False
        if self._stopped:
            return
        self.dock.show_snapshot(result["items"], result["unread"])
        self.tray.set_unread(result["unread"])
        self._apply_do_not_disturb(result["do_not_disturb"])
        self.tray.set_latest([i for i in result["items"] if i.kind == "escalation"] or result["items"])
        self._update_tray_presence()
        alerts = [item for item, pop in result["claimed"] if pop]
        if alerts:
            self._alert(alerts)

    def _on_poll_failed(self, exc: BaseException) -> None:
        self._polling = False
        log.warning("notification poll failed: %s", exc)

    def _apply_do_not_disturb(self, state: DoNotDisturb) -> None:
        """Show the state in the dock and the tray menu; tell the window when it changed."""
        changed = state != self.do_not_disturb
        self.do_not_disturb = state
        self.dock.set_do_not_disturb(state)
        self.tray.set_do_not_disturb(state.manual)
        if changed:
            self.sig_do_not_disturb_changed.emit(state.on, state.describe())

    def show_dock(self) -> None:
        """Show and raise the notification panel (the status bar's do-not-disturb sign opens it)."""
        self.dock.show()
        self.dock.raise_()

    # ---- showing --------------------------------------------------------------------------------------------

    def apply_preferences(self) -> None:
        """Read the tray, sound and keep-in-tray choices again (Settings -> Notifications saved them)."""
        self.tray_enabled = self.settings.value(TRAY_ENABLED_KEY, True, type=bool)
        self.sound = self.settings.value(SOUND_KEY, False, type=bool)
        keep = self.settings.value(KEEP_IN_TRAY_KEY, False, type=bool)
        self.tray.set_keep_in_tray(keep)
        self._on_keep_in_tray(keep)
        self._update_tray_presence()

    def allow_close(self) -> None:
        """The next close really closes the window (a database switch), whatever keep-in-tray says."""
        self._quitting = True

    def _update_tray_presence(self) -> None:
        if not self.tray_enabled:
            self.tray.hide()
            self.dock.set_notice(translate("Alerts", TRAY_OFF_NOTICE))
            return
        if self.tray.icon is not None and not self.tray.icon.isVisible():
            self.tray.icon.show()
        has_tray = self.tray.ensure_shown()
        self.dock.set_notice("" if has_tray else translate("Alerts", NO_TRAY_NOTICE))

    def _alert(self, items: list) -> None:
        if self.sound:
            QApplication.beep()
        if self.tray_enabled and self.tray.show_alerts(items):
            self.sig_alerts_shown.emit(len(items))
            return
        # No tray: the dock already lists them; say so where the user looks and ask for attention.
        text = items[0].title if len(items) == 1 else summarize(items)[0]
        self.fallback_messages.append(text)
        self._status(text)
        self.dock.show()
        self.dock.raise_()
        QApplication.alert(self.window)
        self.sig_alerts_shown.emit(len(items))

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)

    # ---- tray menu ----------------------------------------------------------------------------------------

    @Slot(str)
    def _on_open_incident(self, key: str) -> None:
        self._on_open_desk()
        self.sig_open_incident.emit(key)

    @Slot()
    def _on_open_desk(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot()
    def _on_log_incident(self) -> None:
        self._on_open_desk()
        self.sig_log_incident_requested.emit()

    @Slot(bool)
    def _on_do_not_disturb(self, on: bool) -> None:
        """The tray's or the dock's switch: saved, then read back so every sign shows the same."""
        self.ops.write(lambda: self.desk.notifications.set_do_not_disturb(self.desk.actor, on),
                       on_done=lambda _=None: self.poll_now(),
                       on_error=lambda exc: self._status(translate("Alerts",
                               "Do not disturb was not saved: {exc}").format(exc=exc)))

    @Slot(bool)
    def _on_keep_in_tray(self, on: bool) -> None:
        self.keep_in_tray = on
        self.settings.setValue(KEEP_IN_TRAY_KEY, on)
        QApplication.setQuitOnLastWindowClosed(not on)

    @Slot()
    def _on_quit(self) -> None:
        self._quitting = True
        if self.window.close():
            QApplication.quit()
        else:
            self._quitting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Closing the window hides it when the user chose the tray and a tray is there to come back from.
        if (watched is self.window and event.type() == QEvent.Type.Close and self.keep_in_tray
                and not self._quitting and self.tray.icon is not None and self.tray_enabled):
            event.ignore()
            self.window.hide()
            return True
        return super().eventFilter(watched, event)

    def shutdown(self) -> None:
        """Stop timers, let a running scan finish, hide the icon."""
        self._stopped = True
        self._scan_timer.stop()
        self._poll_timer.stop()
        self.ops.wait_idle(10_000)
        self.tray.hide()
        self.window.removeEventFilter(self)


class DoNotDisturbIndicator(QToolButton):
    """The main window's sign that pop-ups are on hold: 'Do not disturb' or 'Quiet hours' in the status
    bar while it lasts, the reason in its tooltip; a click opens the notification panel to switch it off."""

    def __init__(self, alerts: AlertsController, parent: QWidget | None = None):
        super().__init__(parent)
        self.alerts = alerts
        self.setObjectName("doNotDisturbIndicator")
        self.setAutoRaise(True)
        self.setAccessibleName(translate("Alerts", "Do not disturb"))
        theme.style(self, "waiting")
        alerts.sig_do_not_disturb_changed.connect(self._on_changed)
        self.clicked.connect(alerts.show_dock)
        self._on_changed(alerts.do_not_disturb.on, alerts.do_not_disturb.describe())

    @Slot(bool, str)
    def _on_changed(self, on: bool, text: str) -> None:
        self.setText(self.alerts.do_not_disturb.label())
        self.setToolTip(tooltip(text))
        self.setAccessibleDescription(text)
        self.setVisible(on)

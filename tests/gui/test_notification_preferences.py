"""Settings → Notifications reaches the running alerts: the tray icon switched off, a beep with each pop-up."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow

from incident_desk.services.incidents import IncidentDraft
from incident_desk.ui.alerts import NO_TRAY_NOTICE, TRAY_OFF_NOTICE, AlertsController
from incident_desk.ui.dialogs.settings import SettingsContext, SettingsDialog
from incident_desk.ui.ops import ops_for


def test_tray_off_and_sound_on_apply_to_the_running_alerts(desk, clock, qtbot, tmp_path, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    app_settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    alerts = AlertsController(desk, window, settings=app_settings, scan_interval_ms=3_600_000,
                              poll_interval_ms=100, first_scan_ms=3_600_000, tray_available=lambda: False)
    window.alerts = alerts
    window.show()
    beeps: list[int] = []
    # No loudspeaker here: count the calls instead of hearing them.
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    try:
        assert alerts.dock.notice.text() == NO_TRAY_NOTICE
        ops = ops_for(desk)
        dialog = SettingsDialog(SettingsContext(
            desk=desk, run_write=ops.run_write, run_read=ops.run_read, app_settings=app_settings,
            desk_settings=QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat), window=window))
        qtbot.addWidget(dialog)
        page = dialog.show_page("NotificationsPage")
        page.tray.setChecked(False)
        page.sound.setChecked(True)
        dialog.ok_button.click()
        assert page.error.text() == ""
        assert alerts.dock.notice.text() == TRAY_OFF_NOTICE
        assert (alerts.tray_enabled, alerts.sound) == (False, True)
        desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
            title="Printer on fire", category="Hardware", impact="high", urgency="high"))
        clock.advance(minutes=6)
        with qtbot.waitSignal(alerts.sig_scan_finished, timeout=10_000):
            alerts.scan_now()
        qtbot.waitUntil(lambda: len(alerts.fallback_messages) == 1, timeout=10_000)
        assert beeps == [1]
    finally:
        alerts.shutdown()

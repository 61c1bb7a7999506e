"""Settings → Notifications: the tray icon, a sound, minimise to the tray, and your quiet hours."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTime
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QTimeEdit, QVBoxLayout, QWidget

from incident_desk.ui import theme
from incident_desk.ui.alerts import KEEP_IN_TRAY_KEY, SOUND_KEY, TRAY_ENABLED_KEY
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.zone_picker import ZonePicker


class NotificationsPage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Notifications")
    KEYWORDS = ("tray", "sound", "beep", "quiet hours", "do not disturb", "minimise", "minimize", "alerts",
                "pop-up", "time zone")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "How escalations and notes reach you. The tray and sound choices "
                                                  "belong to this computer; your quiet hours are kept in the database"
                                                  " and follow you to any desk.")

    def build(self, body: QWidget) -> None:
        app = self.context.app_settings
        desk = self.context.desk
        self.tray = QCheckBox(translate("SettingsNotifications",
                                        "Show an icon in the system &tray (with alert messages)"), body)
        self.tray.setChecked(app.value(TRAY_ENABLED_KEY, True, type=bool))
        self.sound = QCheckBox(translate("SettingsNotifications", "&Beep when an alert pops up"), body)
        self.sound.setChecked(app.value(SOUND_KEY, False, type=bool))
        self.keep = QCheckBox(translate("SettingsNotifications",
                                        "&Minimise to the tray: closing the window keeps the desk running there"), body)
        self.keep.setChecked(app.value(KEEP_IN_TRAY_KEY, False, type=bool))
        hours = self.read(lambda: desk.notifications.quiet_hours(desk.actor))
        self._hours = hours
        self.quiet = QCheckBox(translate("SettingsNotifications", "&Quiet hours: hold back pop-ups between"), body)
        self.quiet.setChecked(bool(hours["start"]))
        self.start = QTimeEdit(body)
        self.end = QTimeEdit(body)
        for edit, value, name in ((self.start, hours["start"] or "22:00",
                                   translate("SettingsNotifications", "Quiet hours start")),
                                  (self.end, hours["end"] or "07:00",
                                   translate("SettingsNotifications", "Quiet hours end"))):
            edit.setDisplayFormat("HH:mm")
            edit.setTime(QTime.fromString(value, "HH:mm"))
            edit.setAccessibleName(name)
        self.zone = ZonePicker(hours["timezone"], body)
        self.allow_p1 = QCheckBox(translate("SettingsNotifications",
                                            "Still alert me about &P1 escalations in quiet hours"), body)
        self.allow_p1.setChecked(hours["allow_p1"])
        for box in (self.tray, self.sound, self.keep, self.quiet, self.allow_p1):
            box.setAccessibleName(box.text().replace("&", ""))
        layout = QVBoxLayout(body)
        for box in (self.tray, self.sound, self.keep):
            layout.addWidget(box)
        layout.addSpacing(8)
        layout.addWidget(self.quiet)
        form = QFormLayout()
        span = QHBoxLayout()
        span.addWidget(self.start)
        span.addWidget(QLabel(translate("SettingsNotifications", "to"), body))
        span.addWidget(self.end)
        span.addStretch(1)
        form.addRow(translate("SettingsNotifications", "From"), span)
        form.addRow(translate("SettingsNotifications", "Time &zone"), self.zone)
        form.addRow(self.allow_p1)
        layout.addLayout(form)
        note = QLabel(translate("SettingsNotifications",
                                "Notifications still reach your inbox in quiet hours; only pop-ups and beeps "
                                "wait."), body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout.addWidget(note)
        layout.addStretch(1)
        for box in (self.tray, self.sound, self.keep, self.quiet, self.allow_p1):
            box.toggled.connect(lambda _on: self.sig_changed.emit())
        for edit in (self.start, self.end):
            edit.timeChanged.connect(lambda _t: self.sig_changed.emit())
        self.zone.currentTextChanged.connect(lambda _t: self.sig_changed.emit())
        self.quiet.toggled.connect(self._on_quiet_toggled)
        self._on_quiet_toggled(self.quiet.isChecked())

    def _on_quiet_toggled(self, on: bool) -> None:
        for widget in (self.start, self.end, self.zone, self.allow_p1):
            widget.setEnabled(on)

    def _app_dirty(self) -> bool:
        app = self.context.app_settings
        return (self.tray.isChecked() != app.value(TRAY_ENABLED_KEY, True, type=bool) or
                self.sound.isChecked() != app.value(SOUND_KEY, False, type=bool) or
                self.keep.isChecked() != app.value(KEEP_IN_TRAY_KEY, False, type=bool))

    def _quiet_values(self) -> tuple:
        on = self.quiet.isChecked()
        return (self.start.time().toString("HH:mm") if on else None, self.end.time().toString("HH:mm") if on else None,
                self.zone.currentText().strip(), self.allow_p1.isChecked())

    def _quiet_dirty(self) -> bool:
        h = self._hours
        return self._quiet_values() != (h["start"], h["end"], h["timezone"], h["allow_p1"])

    def is_dirty(self) -> bool:
        return self._app_dirty() or self._quiet_dirty()

    def validate(self) -> str | None:
        if self.keep.isChecked() and not self.tray.isChecked():
            return translate("SettingsNotifications",
                             "Minimising to the tray needs the tray icon; switch the icon on or leave the window to "
                             "close.")
        return None

    def save(self) -> None:
        desk = self.context.desk
        if self._quiet_dirty():
            start, end, _typed, allow = self._quiet_values()
            zone = self.zone.zone()  # refuses, in one sentence, a name it does not know
            self.write(lambda: desk.notifications.set_quiet_hours(actor=desk.actor, start=start, end=end,
                                                                  timezone_name=zone, allow_p1=allow))
            self._hours = self.read(lambda: desk.notifications.quiet_hours(desk.actor))
        if self._app_dirty():
            app = self.context.app_settings
            app.setValue(TRAY_ENABLED_KEY, self.tray.isChecked())
            app.setValue(SOUND_KEY, self.sound.isChecked())
            app.setValue(KEEP_IN_TRAY_KEY, self.keep.isChecked())
            app.sync()
            alerts = getattr(self.context.window, "alerts", None)
            if alerts is not None:
                alerts.apply_preferences()

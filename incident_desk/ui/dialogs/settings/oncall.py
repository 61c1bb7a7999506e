"""Settings → On-call rotations: who is on call per team now, edited in the on-call schedule."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label


class OncallPage(SettingsPage):
    """The on-call schedule (ui/dialogs/oncall_dialog.py) stays the one place rotations are edited: its
    calendar strip needs the room of a dialog of its own."""

    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "On-call rotations")
    KEYWORDS = ("on call", "on-call", "rotation", "shift", "handoff", "override", "pager", "schedule", "calendar")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "Per team, who is on call: rotations hand off at a local time every"
                                                  " so many hours, days or weeks, and overrides let someone cover. "
                                                  "Escalations reach the person on call first.")

    PERMISSION = "oncall.manage"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may change rotations.")

    def build(self, body: QWidget) -> None:
        self.summary = plain_label("", body)  # people's and teams' names as typed
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(translate("SettingsOncall", "Who is on call now"))
        self.open_button = QPushButton(translate("SettingsOncall", "&Open the on-call schedule…"), body)
        self.open_button.setAccessibleName(translate("SettingsOncall", "Open the on-call schedule"))
        note = QLabel(translate("SettingsOncall",
                                "Calendar apps can import the shifts: incident-desk oncall export TEAM --ics "
                                "FILE."), body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addWidget(self.summary)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(note)
        layout.addStretch(1)
        self.open_button.clicked.connect(self._on_open)
        self.refresh()

    def refresh(self) -> None:
        self.summary.setText(self.read(self.describe))

    def describe(self) -> str:
        desk = self.context.desk
        lines = []
        for team in desk.users.team_names():
            if not desk.oncall.rotations(team):
                continue
            now = desk.oncall.who(team)
            person = desk.oncall.names([now.user]).get(now.user, now.user) if now.user else "nobody"
            lines.append(translate("SettingsOncall", "{team}: {person} on call now").format(team=team, person=person))
        return "\n".join(lines) or translate("SettingsOncall",
                                             "No team has a rotation yet: escalations go to team leads and the "
                                             "manager on duty.")

    def set_read_only(self) -> None:
        self.open_button.setText(translate("SettingsOncall",
                                           "&Look at the on-call schedule…"))  # the schedule shows itself read-only

    @Slot()
    def _on_open(self) -> None:
        from incident_desk.ui.dialogs.oncall_dialog import OncallDialog
        # Disabled while the dialog is built: on PostgreSQL its reads wait in an event loop, where a
        # second click would otherwise start a second dialog (a disabled button sends no click).
        self.open_button.setEnabled(False)
        try:
            dialog = OncallDialog(self.context.desk, self.window())
        finally:
            self.open_button.setEnabled(True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()

"""The editor's workflow row (the moves allowed from the current status) and its people row."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal, Slot
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from incident_desk.domain.incident import Incident, Status, allowed_transitions
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.flow_layout import FlowLayout

# Button text per target status; moving back to In progress reads differently from each side.
_ACTION_TEXT = {
    Status.ACKNOWLEDGED: QT_TRANSLATE_NOOP("WorkflowBar", "Acknowledge"),
    Status.ON_HOLD: QT_TRANSLATE_NOOP("WorkflowBar", "Put on hold…"),
    Status.RESOLVED: QT_TRANSLATE_NOOP("WorkflowBar", "Resolve…"),
    Status.CLOSED: QT_TRANSLATE_NOOP("WorkflowBar", "Close"),
    Status.CANCELLED: QT_TRANSLATE_NOOP("WorkflowBar", "Cancel incident…"),
}
_IN_PROGRESS_TEXT = {
    Status.ACKNOWLEDGED: QT_TRANSLATE_NOOP("WorkflowBar", "Start work"),
    Status.ON_HOLD: QT_TRANSLATE_NOOP("WorkflowBar", "Resume work"),
    Status.RESOLVED: QT_TRANSLATE_NOOP("WorkflowBar", "Reopen"),
}


class WorkflowBar(QWidget):
    """The workflow moves, then the people actions, in rows that wrap: however narrow the panel, every
    button stays whole. Only the moves the current status allows and the actor's role permits are shown."""

    sig_transition_requested = Signal(object)
    """The user asked to move the incident to this Status."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        self.transition_row = FlowLayout()
        rows.addLayout(self.transition_row)
        self.people_row = FlowLayout()
        rows.addLayout(self.people_row)
        self.duplicate_button = QPushButton(translate("WorkflowBar", "Resolve as duplicate of…"), self)
        self.watch_button = QPushButton(translate("WorkflowBar", "Watch"), self)
        self.watch_button.setCheckable(True)
        self.watch_button.setToolTip(translate("WorkflowBar",
                                               "Get a notification when this incident changes or gets a comment"))
        self.assign_me_button = QPushButton(translate("WorkflowBar", "Assign to me"), self)
        self.reporter_button = QPushButton(translate("WorkflowBar", "&Update the reporter…"), self)
        self.copy_summary_button = QPushButton(translate("WorkflowBar", "Copy status summary"), self)
        self.public_update_button = QPushButton(translate("WorkflowBar", "&Post update…"), self)
        self.public_update_button.setToolTip(translate("WorkflowBar",
                                                       "A public update for stakeholders and the status page"))
        for button in (self.assign_me_button, self.reporter_button, self.copy_summary_button,
                       self.public_update_button, self.watch_button):
            self.people_row.addWidget(button)
        self.transition_buttons: dict[Status, QPushButton] = {}
        # Enter opens an incident and leaves the keyboard in the form: none of these is a default
        # button, and the destructive ones are not in the Tab chain before the fields.
        for button in (self.duplicate_button, self.watch_button, self.assign_me_button, self.reporter_button,
                       self.copy_summary_button, self.public_update_button):
            button.setAutoDefault(False)
        # Tab as they read: the row of moves, then the people row left to right.
        chain = (self.duplicate_button, self.assign_me_button, self.reporter_button, self.copy_summary_button,
                 self.public_update_button, self.watch_button)
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def show_empty(self) -> None:
        self._clear_transitions()
        for button in (self.duplicate_button, self.assign_me_button, self.reporter_button,
                       self.copy_summary_button, self.watch_button):
            button.hide()

    def show_incident(self, incident: Incident, actor) -> None:
        self._clear_transitions()
        self.transition_row.removeWidget(self.duplicate_button)
        if actor.can("incident.transition"):
            for target in allowed_transitions(incident.status):
                if (target == Status.CLOSED and not actor.can("incident.close")) or \
                        (target == Status.CANCELLED and not actor.can("incident.cancel")):
                    continue
                text = _IN_PROGRESS_TEXT.get(incident.status, "Start work") if target == Status.IN_PROGRESS \
                    else _ACTION_TEXT[target]
                button = QPushButton(translate("WorkflowBar", text), self)
                button.setAutoDefault(False)
                button.setProperty("target_status", target.slug)
                button.clicked.connect(self._on_transition_clicked)
                self.transition_row.addWidget(button)
                button.show()
                self.transition_buttons[target] = button
        self.transition_row.addWidget(self.duplicate_button)
        self.duplicate_button.setVisible(incident.status.is_open and actor.can("incident.transition"))
        self.assign_me_button.setVisible(incident.status.is_open and incident.assignee != actor.username
                                         and actor.can("incident.assign"))
        self.copy_summary_button.show()  # a copy to the clipboard writes nothing: a viewer may
        self.reporter_button.setVisible(actor.can("incident.comment"))
        self.watch_button.setVisible(actor.can("incident.watch"))

    def show_watching(self, watching: bool) -> None:
        self.watch_button.setChecked(watching)
        self.watch_button.setText(translate("WorkflowBar", "Watching") if watching else translate("WorkflowBar",
                "Watch"))

    def set_busy(self, busy: bool) -> None:
        """While a write runs, no second one can be started from here."""
        for button in (*self.transition_buttons.values(), self.duplicate_button, self.assign_me_button,
                       self.watch_button, self.reporter_button, self.public_update_button):
            button.setEnabled(not busy)

    def _clear_transitions(self) -> None:
        for button in self.transition_buttons.values():
            self.transition_row.removeWidget(button)
            button.deleteLater()
        self.transition_buttons = {}

    @Slot()
    def _on_transition_clicked(self) -> None:
        self.sig_transition_requested.emit(Status.parse(self.sender().property("target_status")))

"""The editor's header: key, priority and status badges, title, who has it, and Save / Revert."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from incident_desk.domain.incident import Incident, Status
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import Badge


class EditorHeader(QFrame):
    """Save and Revert sit on the first row beside the key and never move: the badges, who has it and the
    unsaved-changes note are on lines of their own and give way (wrap or elide) before the buttons do,
    so typing can never push them out of a narrow panel."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("editorHeader")
        self.setStyleSheet("QFrame#editorHeader { border-bottom: 1px solid palette(mid); }")
        col = QVBoxLayout(self)
        col.setContentsMargins(4, 0, 4, 6)
        col.setSpacing(3)
        row = QHBoxLayout()
        self.key_label = QLabel(self)
        key_font = QFont(self.font())
        key_font.setPointSizeF(self.font().pointSizeF() + 3)
        key_font.setBold(True)
        self.key_label.setFont(key_font)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.key_label, 1)
        self.revert_button = QPushButton(translate("Header", "Revert"), self)
        self.revert_button.setToolTip(translate("Header", "Throw away your unsaved edits"))
        self.save_button = QPushButton(translate("Header", "&Save"), self)
        self.save_button.setToolTip(translate("Header", "Save your edits (Ctrl+S)"))
        for button in (self.revert_button, self.save_button):
            button.setAutoDefault(False)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        col.addLayout(row)
        row = QHBoxLayout()
        self.priority_badge = Badge(self)
        self.status_badge = Badge(self)
        row.addWidget(self.priority_badge)
        row.addWidget(self.status_badge)
        self.assignee_label = QLabel(self)
        self.assignee_label.setTextFormat(Qt.TextFormat.PlainText)
        theme.style(self.assignee_label, "muted")
        row.addWidget(self.assignee_label, 1)
        col.addLayout(row)
        self.title_label = QLabel(self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() + 1.5)
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.title_label)
        self.dirty_label = QLabel(translate("Header", "● Unsaved changes"), self)
        theme.style(self.dirty_label, "unsaved")
        col.addWidget(self.dirty_label)
        # Ignored width: a long title, name or list of edited fields wraps or is cut, never widens the panel.
        for label in (self.title_label, self.assignee_label, self.dirty_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def show_empty(self) -> None:
        self.key_label.setText(translate("Header", "No incident selected"))
        self.title_label.setText(translate("Header", "Choose an incident in the list, or log a new one."))
        self.assignee_label.setText("")
        for widget in (self.priority_badge, self.status_badge, self.dirty_label, self.save_button,
                       self.revert_button):
            widget.hide()

    def show_incident(self, incident: Incident, *, assignee: str, team: str | None) -> None:
        """``assignee`` and ``team`` are what people read (display names), not account names."""
        for widget in (self.priority_badge, self.status_badge, self.save_button, self.revert_button):
            widget.show()
        self.key_label.setText(incident.key)
        self.title_label.setText(incident.title)
        self.priority_badge.show_priority(incident.priority)
        detail = incident.hold_reason.value if incident.hold_reason and incident.status == Status.ON_HOLD else None
        self.status_badge.show_status(incident.status, detail)
        self.assignee_label.setText(assignee + (f" · {team}" if team else ""))

    def show_dirty(self, names: list[str], *, busy_text: str = "") -> None:
        """The unsaved fields (or a write in progress); Save and Revert are enabled only when there is
        something to save and no write is running."""
        dirty = bool(names)
        if busy_text:
            self.dirty_label.setText(busy_text)
            self.dirty_label.setToolTip("")
        else:
            self.dirty_label.setText(translate("Header", "● Unsaved changes"))
            self.dirty_label.setToolTip(translate("Header", "Edited: {fields}").format(fields=", ".join(names))
                                        if dirty else "")
        self.dirty_label.setVisible(dirty or bool(busy_text))
        self.save_button.setEnabled(dirty and not busy_text)
        self.revert_button.setEnabled(dirty and not busy_text)

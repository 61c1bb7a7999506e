"""The "Post update…" dialog: a public update for stakeholders and the status page, from a template per state."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.communication import UpdateState
from incident_desk.ui import theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.plain import plain_label


class PublicUpdateDialog(QDialog):
    """State, message (a template per state until the user writes their own), services, and what to do after."""

    def __init__(self, key: str, *, services: list[str], template_for: Callable[[UpdateState, list[str]], str],
                 status_folder: str = "", publish_by_default: bool = False, major: bool = False,
                 may_mark_major: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.template_for = template_for
        self.setWindowTitle(translate("PublicUpdateDialog", "Post a public update on {key}").format(key=key))
        self.resize(600, 480)
        layout = QVBoxLayout(self)
        note = plain_label(translate("PublicUpdateDialog",
                                     "Stakeholders and the status page see these words, with the incident's title and "
                                     "its "
                           "public services. Never a comment, a work note, a name or a contact."), self)
        note.setWordWrap(True)
        theme.style(note, "muted")
        layout.addWidget(note)
        form = QFormLayout()
        self.state_combo = QComboBox(self)
        for state in UpdateState:
            self.state_combo.addItem(state.label, state)
        form.addRow(translate("PublicUpdateDialog", "&State:"), self.state_combo)
        self.services_edit = QLineEdit(", ".join(services), self)
        self.services_edit.setPlaceholderText(translate("PublicUpdateDialog", "Affected services, separated by commas"))
        form.addRow(translate("PublicUpdateDialog", "Ser&vices:"), self.services_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel(translate("PublicUpdateDialog", "&Message:"), self))
        self.message_edit = QPlainTextEdit(self)
        self.message_edit.setTabChangesFocus(True)
        layout.itemAt(layout.count() - 1).widget().setBuddy(self.message_edit)
        layout.addWidget(self.message_edit, 1)
        self.major_check = QCheckBox(translate("PublicUpdateDialog",
                                               "Major incident: keep a cadence of public updates (P1s always "
                                               "do)"), self)
        self.major_check.setChecked(major)
        self.major_check.setEnabled(may_mark_major)
        if not may_mark_major:
            self.major_check.setToolTip(translate("PublicUpdateDialog", "Only a lead marks an incident as major"))
        layout.addWidget(self.major_check)
        self.mail_check = QCheckBox(translate("PublicUpdateDialog",
                                              "Open a mail to the subscribers and reporters (in BCC)"), self)
        self.copy_check = QCheckBox(translate("PublicUpdateDialog", "Copy the update for chat"), self)
        # Chat tools that render Markdown get Markdown; others (and mail) read plain text better.
        self.copy_format = QComboBox(self)
        self.copy_format.addItem(translate("PublicUpdateDialog", "as Markdown"), "markdown")
        self.copy_format.addItem(translate("PublicUpdateDialog", "as plain text"), "text")
        self.copy_format.setAccessibleName(translate("PublicUpdateDialog", "Copy as"))
        self.copy_format.setEnabled(False)
        self.copy_check.toggled.connect(self.copy_format.setEnabled)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_check)
        copy_row.addWidget(self.copy_format)
        copy_row.addStretch(1)
        self.publish_check = QCheckBox(translate("PublicUpdateDialog",
                                                 "Publish the status page into {status_folder}").format(
                status_folder=status_folder) if status_folder
                                       else translate("PublicUpdateDialog",
                                                      "Publish the status page (choose its folder in Tools "
                                                      "first)"), self)
        self.publish_check.setEnabled(bool(status_folder))
        self.publish_check.setChecked(bool(status_folder) and publish_by_default)
        layout.addWidget(self.mail_check)
        layout.addLayout(copy_row)
        layout.addWidget(self.publish_check)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        theme.style(self.error_label, "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("PublicUpdateDialog", "&Post update"))
        buttons.accepted.connect(self._on_post_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._template = ""
        self.state_combo.currentIndexChanged.connect(self._on_state_changed)
        self._on_state_changed()
        self.message_edit.setFocus()

    def state(self) -> UpdateState:
        return self.state_combo.currentData()

    def services(self) -> list[str]:
        return [s.strip() for s in self.services_edit.text().split(",") if s.strip()]

    def copy_as(self) -> str | None:
        """'markdown' or 'text' when the update is to be copied for chat, else None."""
        return self.copy_format.currentData() if self.copy_check.isChecked() else None

    def message(self) -> str:
        return self.message_edit.toPlainText()

    @Slot()
    def _on_state_changed(self) -> None:
        # The template follows the state until the user writes words of their own.
        current = self.message().strip()
        new = self.template_for(self.state(), self.services())
        if not current or current == self._template.strip():
            self.message_edit.setPlainText(new)
        self._template = new

    @Slot()
    def _on_post_clicked(self) -> None:
        if not self.message().strip():
            self.error_label.setText(translate("PublicUpdateDialog", "Write the update's message."))
            self.error_label.show()
            return
        self.accept()

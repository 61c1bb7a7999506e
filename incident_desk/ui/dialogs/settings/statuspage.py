"""Settings → Status page: the folder this desk publishes its static status page into, and when."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_desk.ui import statuspage_actions, theme
from incident_desk.ui.dialogs.settings.backup import folder_problem
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import add_layout_row


class StatusPagePage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Status page")
    KEYWORDS = ("status page", "publish", "public", "folder", "web server", "shared folder", "atom", "feed")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "The status page is a folder of plain files (pages, status.json, an"
                                                  " Atom feed) that any web server or shared folder can serve. Only "
                                                  "public services, incident titles and public updates go in it.")

    PERMISSION = "statuspage.publish"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only an agent or above may publish the status page.")

    def build(self, body: QWidget) -> None:
        settings = self.context.desk_settings
        self._saved_folder = statuspage_actions.status_folder(settings)
        self._saved_on_update = statuspage_actions.publish_on_update(settings)
        self.folder = QLineEdit(self._saved_folder, body)
        self.folder.setPlaceholderText(translate("SettingsStatuspage", "e.g. /srv/www/status or a shared folder"))
        self.folder.setAccessibleName(translate("SettingsStatuspage", "Status page folder"))
        self.browse = QPushButton(translate("SettingsStatuspage", "&Browse…"), body)
        self.browse.setAccessibleName(translate("SettingsStatuspage", "Browse for the status page folder"))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.on_update = QCheckBox(translate("SettingsStatuspage",
                                             "Publish again after every public &update posted from this desk"), body)
        self.on_update.setChecked(self._saved_on_update)
        self.on_update.setAccessibleName(translate("SettingsStatuspage",
                                                   "Publish the status page on every public update"))
        form = QFormLayout()
        add_layout_row(form, translate("SettingsStatuspage", "&Folder:"), row, self.folder)
        form.addRow("", self.on_update)
        note = QLabel(translate("SettingsStatuspage", "Tools → Publish status page… writes it now."), body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        self.folder.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.on_update.toggled.connect(lambda _on: self.sig_changed.emit())
        self.browse.clicked.connect(self._on_browse)

    @Slot()
    def _on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, translate("SettingsStatuspage",
                "Publish the status page into"), self.folder.text())
        if folder:
            self.folder.setText(folder)


    def _folder_value(self) -> str:
        text = self.folder.text().strip()
        return str(Path(text).expanduser()) if text else ""

    def is_dirty(self) -> bool:
        return self._folder_value() != self._saved_folder or self.on_update.isChecked() != self._saved_on_update

    def validate(self) -> str | None:
        if not self.folder.text().strip():
            # No folder yet is fine, unless publishing on every update is asked for.
            if self.on_update.isChecked():
                return translate("SettingsStatuspage", "Choose the folder first: publishing on every update needs one.")
            return None
        return folder_problem(self.folder.text(), what=translate("SettingsStatuspage", "the status page"),
                              example="/srv/www/status")

    def save(self) -> None:
        settings = self.context.desk_settings
        folder = self._folder_value()
        if folder:
            settings.setValue(statuspage_actions.FOLDER_KEY, folder)
        else:
            settings.remove(statuspage_actions.FOLDER_KEY)
        statuspage_actions.set_publish_on_update(settings, self.on_update.isChecked())
        self._saved_folder, self._saved_on_update = folder, self.on_update.isChecked()

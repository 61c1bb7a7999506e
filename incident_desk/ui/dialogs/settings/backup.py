"""Settings → Backups: where this desk's daily backups go and how many are kept."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from incident_desk import config
from incident_desk.ui import theme
from incident_desk.ui.dialogs.settings.base import SettingsPage
from incident_desk.ui.i18n import translate
from incident_desk.ui.widgets.form_fields import add_layout_row


def folder_problem(text: str, *, what: str | None = None, example: str = "/home/you/backups",
                   empty: str | None = None) -> str | None:
    """One sentence when ``text`` cannot hold ``what`` (default: the backups), else None (a missing folder is
    made later)."""
    if what is None:
        what = translate("SettingsBackup", "the backups")
    if not text.strip():
        return empty if empty is not None else translate("SettingsBackup",
                                                         "Type the folder for the backups, or press Default.")
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        return translate("SettingsBackup",
                         "'{path}' is not a full path; give one that starts at the root, e.g. {example}.").format(
                path=text.strip(), example=example)
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        return translate("SettingsBackup",
                         "{existing} is a file, not a folder; choose a folder for {what}.").format(existing=existing,
                what=what)
    if not os.access(existing, os.W_OK | os.X_OK):
        return translate("SettingsBackup",
                         "The folder {existing} cannot be written by you; choose one of your own.").format(
                existing=existing)
    return None


class BackupPage(SettingsPage):
    TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "Backups")
    KEYWORDS = ("backup", "daily backup", "rotation", "keep", "folder", "location", "restore")
    EXPLAIN = QT_TRANSLATE_NOOP("SettingsDialog", "Each day the desk copies its database to a dated file while it "
                                                  "keeps working, and deletes the oldest beyond the number kept. "
                                                  "These choices belong to this database on this computer.")

    PERMISSION = "data.backup"
    REFUSAL = QT_TRANSLATE_NOOP("SettingsDialog", "only a lead or an admin may back up the database.")

    def build(self, body: QWidget) -> None:
        settings = self.context.desk_settings
        self._saved_folder = str(settings.value(config.BACKUP_FOLDER_KEY, "") or "")
        self._saved_keep = self._stored_keep()
        self.folder = QLineEdit(self._saved_folder or str(config.backups_dir()), body)
        self.folder.setAccessibleName(translate("SettingsBackup", "Backup folder"))
        self.browse = QPushButton(translate("SettingsBackup", "&Browse…"), body)
        self.browse.setAccessibleName(translate("SettingsBackup", "Browse for the backup folder"))
        self.default_button = QPushButton(translate("SettingsBackup", "&Default"), body)
        self.default_button.setAccessibleName(translate("SettingsBackup", "Use the default backup folder"))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        row.addWidget(self.default_button)
        self.keep = QSpinBox(body)
        self.keep.setRange(1, config.BACKUP_KEEP_MAX)
        self.keep.setValue(self._saved_keep)
        self.keep.setSuffix(translate("SettingsBackup", " daily backups"))
        self.keep.setAccessibleName(translate("SettingsBackup", "How many daily backups to keep"))
        form = QFormLayout()
        add_layout_row(form, translate("SettingsBackup", "&Folder:"), row, self.folder)
        form.addRow(translate("SettingsBackup", "&Keep the last:"), self.keep)
        note = QLabel("" if self.context.desk.store.is_sqlite else
                      translate("SettingsBackup",
                                "A team server is backed up by its administrator (pg_dump); the desk makes no daily "
                                "copy."),
                      body)
        note.setWordWrap(True)
        theme.style(note, "hint")
        layout = QVBoxLayout(body)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        self.folder.textChanged.connect(lambda _t: self.sig_changed.emit())
        self.keep.valueChanged.connect(lambda _v: self.sig_changed.emit())
        self.browse.clicked.connect(self._on_browse)
        self.default_button.clicked.connect(lambda: self.folder.setText(str(config.backups_dir())))

    def _stored_keep(self) -> int:
        try:
            return max(1, int(self.context.desk_settings.value(config.BACKUP_KEEP_KEY, config.BACKUP_KEEP_DEFAULT)))
        except (TypeError, ValueError):
            return config.BACKUP_KEEP_DEFAULT


    def _folder_value(self) -> str:
        text = str(Path(self.folder.text().strip()).expanduser()) if self.folder.text().strip() else ""
        return "" if text == str(config.backups_dir()) else text  # the default is stored as no choice

    def is_dirty(self) -> bool:
        return self._folder_value() != self._saved_folder or self.keep.value() != self._saved_keep

    def validate(self) -> str | None:
        return folder_problem(self.folder.text())

    def save(self) -> None:
        settings = self.context.desk_settings
        folder = self._folder_value()
        if folder:
            settings.setValue(config.BACKUP_FOLDER_KEY, folder)
        else:
            settings.remove(config.BACKUP_FOLDER_KEY)
        settings.setValue(config.BACKUP_KEEP_KEY, self.keep.value())
        settings.sync()
        self._saved_folder, self._saved_keep = folder, self.keep.value()

    @Slot()
    def _on_browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, translate("SettingsBackup", "Folder for the daily backups"),
                                                self.folder.text())
        if path:
            self.folder.setText(path)

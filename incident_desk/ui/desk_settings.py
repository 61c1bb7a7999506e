"""Settings files, private by default: per-database settings (drafts, views, layout) and the app's own."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from incident_desk import config

# Kept in the app's own settings by releases before schema 9 (callers' names and contacts); the log
# dialog's suggestions now come from the database.
OLD_KEYS = ("log_dialog/recent_reporters",)


def private_file(path: Path, *, private_folder: bool = True) -> Path:
    """``path`` created empty if missing, and readable by its owner only (0600, in a 0700 folder
    unless the folder is not ours alone), before Qt writes anything into it."""
    if private_folder:
        config.private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)
    return path


def desk_settings(identity: str) -> QSettings:
    """The QSettings of the database with ``identity``: its own file, 0600 in a 0700 folder, because
    it keeps what is being typed (drafts) until it is saved."""
    path = private_file(config.desk_settings_path(identity))
    return QSettings(str(path), QSettings.Format.IniFormat)


def app_settings() -> QSettings:
    """The app's own QSettings (tray and alert choices), made private, with keys of older releases
    that held people's details removed."""
    settings = QSettings()
    path = Path(settings.fileName())
    # On Linux the file sits in a folder of the app's own; elsewhere it may share one with other apps.
    private_file(path, private_folder=path.parent.name == config.SETTINGS_ORG)
    for key in OLD_KEYS:
        if settings.contains(key):
            settings.remove(key)
    return settings

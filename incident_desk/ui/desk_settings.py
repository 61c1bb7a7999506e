"""Per-database settings (kept drafts, saved views, window and table layout) in a private file."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from incident_desk import config


def desk_settings(identity: str) -> QSettings:
    """The QSettings of the database with ``identity``: its own file, 0600 in a 0700 folder, because
    it keeps what is being typed (drafts) until it is saved."""
    path = config.desk_settings_path(identity)
    if not path.exists():
        # Created empty with owner-only rights before Qt writes anything into it.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)
    return QSettings(str(path), QSettings.Format.IniFormat)

"""Where things live: the default database path, the QSettings names and the database env var."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "incident-desk"
# QSettings reads these through QCoreApplication; one place so app, tests and widgets agree.
SETTINGS_ORG = "incident-desk"
SETTINGS_APP = "Incident Desk"
APP_DISPLAY_NAME = "Incident Desk"
DB_ENV_VAR = "INCIDENT_DESK_DB"
# Text kept in QSettings as it is typed, so a crash loses none of it: the log dialog's report, and
# the detail editor's unsaved edits and note per incident key (a group).
LOG_DRAFT_KEY = "log_dialog/draft"
EDITOR_DRAFTS_GROUP = "editor_drafts"
# How many daily backups the window keeps (QSettings); see ui/transfer_actions.py.
BACKUP_KEEP_KEY = "backup/keep"
BACKUP_KEEP_DEFAULT = 7


def data_dir(*, create: bool = True) -> Path:
    # Imported here: a window opened on --db or $INCIDENT_DESK_DB never needs it (8 ms of the start).
    from platformdirs import user_data_dir

    path = Path(user_data_dir(APP_DIR_NAME, appauthor=False))
    if create:
        private_dir(path)  # the database and its backups live here
    return path


def private_dir(path: Path) -> Path:
    """``path`` created if missing and readable by its owner only (0700): it holds what people type."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def desk_settings_path(identity: str) -> Path:
    """The settings file of one database (drafts, saved views, window and table layout), named by the
    identity stored in the database, so they follow it when it moves and never cross to another."""
    from platformdirs import user_config_dir

    if not identity or not all(c in "0123456789abcdef" for c in identity):
        raise ValueError(f"not a database identity: {identity!r}")
    folder = private_dir(Path(user_config_dir(APP_DIR_NAME, appauthor=False)) / "desks")
    return folder / f"{identity}.ini"


def backups_dir() -> Path:
    """Where the desk window keeps its rotating daily backups: <user data dir>/incident-desk/backups."""
    return data_dir() / "backups"


def default_db_path(*, create_dir: bool = True) -> Path:
    """The single-user desk's database: <user data dir>/incident-desk/desk.db."""
    return data_dir(create=create_dir) / "desk.db"


def database_url(cli_value: str | None = None, *, environ: dict | None = None) -> str:
    """The database to open: the --db value, else $INCIDENT_DESK_DB, else the default path."""
    env = os.environ if environ is None else environ
    for value in (cli_value, env.get(DB_ENV_VAR)):
        if value is not None and str(value).strip():
            return str(value).strip()
    return str(default_db_path())

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
BACKUP_KEEP_MAX = 365
BACKUP_FOLDER_KEY = "backup/folder"  # per-database settings file; empty: backups_dir()


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
    """The database to open: the --db value, else $INCIDENT_DESK_DB, else the one chosen at the first
    run or by a switch, else the default path."""
    return chosen_database_url(cli_value, environ=environ) or str(default_db_path())


# ---- the database this person chose (first-run welcome, File -> Switch database…) ----------------------
# A small JSON file beside the app's settings, 0600 in a 0700 folder (a team URL may carry a password),
# readable without Qt so the CLI and the window agree on which desk "no --db" means.
CHOICE_FILE = "databases.json"
RECENT_MAX = 8


def choice_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_DIR_NAME, appauthor=False)) / CHOICE_FILE


def _read_choice() -> dict:
    import json

    try:
        data = json.loads(choice_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_database() -> str | None:
    """The database chosen at the first run or by the last switch; None when none was chosen yet."""
    value = _read_choice().get("current")
    return value.strip() if isinstance(value, str) and value.strip() else None


def recent_databases() -> list[str]:
    """Databases opened before, the current one first (at most RECENT_MAX)."""
    values = _read_choice().get("recent")
    return [v for v in values if isinstance(v, str) and v.strip()] if isinstance(values, list) else []


def remember_database(url: str) -> None:
    """Make ``url`` the database a start without --db opens, and put it first among the recent ones."""
    import json

    url = str(url).strip()
    recent = [url] + [v for v in recent_databases() if v != url]
    path = choice_path()
    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"current": url, "recent": recent[:RECENT_MAX]}, out, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def forget_recent(url: str) -> None:
    """Take ``url`` off the recent list (the current choice stays as it is unless it is ``url``)."""
    import json

    data = _read_choice()
    recent = [v for v in recent_databases() if v != url]
    current = data.get("current") if data.get("current") != url else (recent[0] if recent else None)
    path = choice_path()
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"current": current, "recent": recent}, out, indent=1)


def chosen_database_url(cli_value: str | None = None, *, environ: dict | None = None) -> str | None:
    """--db, else $INCIDENT_DESK_DB, else the remembered choice, else the desk an older release made at
    the default path (remembered from now on); None means nobody chose yet: the window welcomes."""
    env = os.environ if environ is None else environ
    for value in (cli_value, env.get(DB_ENV_VAR)):
        if value is not None and str(value).strip():
            return str(value).strip()
    remembered = remembered_database()
    if remembered:
        return remembered
    default = default_db_path(create_dir=False)
    if default.exists():
        return str(default)
    return None

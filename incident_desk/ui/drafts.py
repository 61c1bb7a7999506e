"""Text kept in QSettings as it is typed (JSON, synced to disk at once) so a crash loses none of it."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import QSettings

# One write after the typing pauses this long.
DRAFT_DELAY_MS = 500


def keep(settings: QSettings, name: str, data: dict, *, now: datetime) -> None:
    """Store ``data`` (JSON-able) under ``name`` with the time it was kept, on disk now."""
    settings.setValue(name, json.dumps({**data, "saved_at": now.isoformat()}, ensure_ascii=False))
    settings.sync()  # not when the application quits cleanly: that is the case this is for


def forget(settings: QSettings, name: str) -> None:
    if settings.contains(name):
        settings.remove(name)
        settings.sync()


def kept(settings: QSettings, name: str) -> dict | None:
    """What ``keep`` stored under ``name``, with "saved_at" as an aware datetime, or None. An
    unreadable value is forgotten: there is nothing to give back, and it must not block the next."""
    raw = settings.value(name)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        data["saved_at"] = datetime.fromisoformat(data["saved_at"])
    except (TypeError, ValueError, KeyError):
        forget(settings, name)
        return None
    return data
